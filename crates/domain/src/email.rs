//! Outgoing email as the platform understands it, independent of any provider.

use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Error, PartialEq)]
pub enum EmailError {
    #[error("invalid email address: {0:?}")]
    Address(String),
    #[error("an email needs at least one recipient")]
    NoRecipient,
    #[error("an email needs a subject without line breaks")]
    Subject,
    #[error("an email needs a text or html body")]
    Body,
    #[error("tag {0:?}: names and values are ASCII letters, digits, '_' or '-'")]
    Tag(String),
    #[error("an email needs an idempotency key")]
    IdempotencyKey,
}

/// One message. `idempotency_key` makes a retried send harmless: the outbox keeps one row
/// per key and the provider dedupes on it for 24 hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailMessage {
    pub idempotency_key: String,
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub reply_to: Option<String>,
    pub tags: Vec<(String, String)>,
    /// The body carries a credential (a magic link): once the provider has it, the outbox
    /// keeps the subject and recipients but not the body (tokens are never at rest in
    /// clear). Record mode keeps it: dev never sends, and the recorded link is how a
    /// developer signs in locally.
    #[serde(default)]
    pub secret_body: bool,
}

/// A deliberately strict address check: one `@`, a dotted domain, no spaces or control
/// characters (which would also be header injection). `Name <addr>` is accepted for `from`.
pub fn is_address(s: &str) -> bool {
    let addr = match (s.rfind('<'), s.ends_with('>')) {
        (Some(i), true) => &s[i + 1..s.len() - 1],
        _ => s,
    };
    let Some((local, domain)) = addr.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && addr.chars().all(|c| c.is_ascii_graphic())
        && !s.chars().any(|c| c.is_control())
}

fn is_tag_token(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 256
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl EmailMessage {
    pub fn validate(&self) -> Result<(), EmailError> {
        if self.idempotency_key.trim().is_empty() {
            return Err(EmailError::IdempotencyKey);
        }
        if self.to.is_empty() {
            return Err(EmailError::NoRecipient);
        }
        for a in std::iter::once(&self.from)
            .chain(&self.to)
            .chain(&self.reply_to)
        {
            if !is_address(a) {
                return Err(EmailError::Address(a.clone()));
            }
        }
        if self.subject.trim().is_empty() || self.subject.contains(['\r', '\n']) {
            return Err(EmailError::Subject);
        }
        if self.text.trim().is_empty() && self.html.as_deref().is_none_or(|h| h.trim().is_empty()) {
            return Err(EmailError::Body);
        }
        for (k, v) in &self.tags {
            if !is_tag_token(k) || !is_tag_token(v) {
                return Err(EmailError::Tag(format!("{k}={v}")));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg() -> EmailMessage {
        EmailMessage {
            idempotency_key: "tga-sync/run-1/notify".into(),
            from: "RTOpacks <noreply@rtopacks.com.au>".into(),
            to: vec!["admin@rtopacks.com.au".into()],
            subject: "[tga-sync] cycle complete".into(),
            text: "All phases complete.".into(),
            html: None,
            reply_to: None,
            tags: vec![("category".into(), "notify-01".into())],
            secret_body: false,
        }
    }

    #[test]
    fn a_well_formed_message_passes() {
        assert_eq!(msg().validate(), Ok(()));
    }

    #[test]
    fn header_injection_and_bad_addresses_are_refused() {
        let mut m = msg();
        m.subject = "hi\r\nBcc: x@y.z".into();
        assert_eq!(m.validate(), Err(EmailError::Subject));
        let mut m = msg();
        m.to = vec!["admin@rtopacks.com.au\nBcc: evil@x.io".into()];
        assert!(matches!(m.validate(), Err(EmailError::Address(_))));
        for bad in ["", "no-at", "a@b", "a@@b.c", "a b@c.d", "@c.d", "a@.c"] {
            assert!(!is_address(bad), "{bad:?} accepted");
        }
    }

    #[test]
    fn empty_parts_are_refused() {
        let mut m = msg();
        m.to.clear();
        assert_eq!(m.validate(), Err(EmailError::NoRecipient));
        let mut m = msg();
        m.text.clear();
        assert_eq!(m.validate(), Err(EmailError::Body));
        let mut m = msg();
        m.tags = vec![("bad tag".into(), "x".into())];
        assert!(matches!(m.validate(), Err(EmailError::Tag(_))));
        let mut m = msg();
        m.idempotency_key = " ".into();
        assert_eq!(m.validate(), Err(EmailError::IdempotencyKey));
    }
}
