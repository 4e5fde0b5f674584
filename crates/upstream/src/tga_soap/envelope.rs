//! The SOAP 1.1 envelope and a minimal element writer for request bodies.
//!
//! The services' policy (TransportBinding with `IncludeTimestamp`, a signed supporting
//! `UsernameToken` over HTTPS) is WCF's TransportWithMessageCredential: the header
//! carries a `wsu:Timestamp` and a `UsernameToken` with a PasswordText password.

use chrono::{DateTime, Duration, Utc};

use super::Credentials;
use crate::xml::escape;

pub(crate) const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub(crate) const WSSE: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
pub(crate) const WSU: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
pub(crate) const PASSWORD_TEXT: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText";
/// Namespace of `DateTimeOffset` and its `DateTime`/`OffsetMinutes`.
pub(crate) const SYSTEM_NS: &str = "http://schemas.datacontract.org/2004/07/System";

/// How long the server should accept the message (WCF's default clock skew is 5 min).
const TIMESTAMP_TTL_MINUTES: i64 = 5;

/// Wraps a body element in an envelope with the WS-Security header.
pub(crate) fn envelope(body: &str, credentials: &Credentials, now: DateTime<Utc>) -> String {
    let stamp = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    let created = stamp(now);
    let expires = stamp(now + Duration::minutes(TIMESTAMP_TTL_MINUTES));
    let user = text(&credentials.username);
    let password = text(&credentials.password);
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="{SOAP_ENV}" xmlns:u="{WSU}"><s:Header><o:Security s:mustUnderstand="1" xmlns:o="{WSSE}"><u:Timestamp u:Id="_0"><u:Created>{created}</u:Created><u:Expires>{expires}</u:Expires></u:Timestamp><o:UsernameToken u:Id="uuid-rtopacks-1"><o:Username>{user}</o:Username><o:Password Type="{PASSWORD_TEXT}">{password}</o:Password></o:UsernameToken></o:Security></s:Header><s:Body>{body}</s:Body></s:Envelope>"#
    )
}

/// Escaped text with the characters XML 1.0 cannot carry at all dropped (a stray
/// control character must not make the whole envelope unparseable).
pub(crate) fn text(s: &str) -> String {
    let allowed = |c: &char| {
        matches!(*c, '\t' | '\n' | '\r') || (*c >= ' ' && !matches!(*c, '\u{FFFE}' | '\u{FFFF}'))
    };
    let clean: String = s.chars().filter(allowed).collect();
    escape(&clean).into_owned()
}

/// Appends elements in order; every value is escaped.
pub(crate) struct Writer {
    out: String,
}

impl Writer {
    /// Opens the operation element in the service namespace; the System namespace is
    /// declared once here for the dates below it.
    pub fn operation(name: &str, namespace: &str) -> Self {
        let mut out = String::with_capacity(1024);
        out.push_str(&format!(
            r#"<{name} xmlns="{}" xmlns:sys="{SYSTEM_NS}">"#,
            text(namespace)
        ));
        Writer { out }
    }

    pub fn open(&mut self, name: &str) -> &mut Self {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    pub fn close(&mut self, name: &str) -> &mut Self {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    pub fn value(&mut self, name: &str, value: &str) -> &mut Self {
        self.open(name);
        self.out.push_str(&text(value));
        self.close(name)
    }

    pub fn bool(&mut self, name: &str, value: bool) -> &mut Self {
        self.value(name, if value { "true" } else { "false" })
    }

    pub fn int(&mut self, name: &str, value: u32) -> &mut Self {
        self.value(name, &value.to_string())
    }

    /// A `DateTimeOffset`: the UTC instant with a `Z` and offset 0, which WCF reads
    /// back as exactly that instant.
    pub fn instant(&mut self, name: &str, t: DateTime<Utc>) -> &mut Self {
        self.open(name);
        self.value(
            "sys:DateTime",
            &t.format("%Y-%m-%dT%H:%M:%S%.fZ").to_string(),
        );
        self.value("sys:OffsetMinutes", "0");
        self.close(name)
    }

    pub fn finish(mut self, operation: &str) -> String {
        self.close(operation);
        self.out
    }
}
