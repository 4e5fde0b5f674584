//! Unwrapping a response envelope: `Envelope/Body/{Op}Response/{Op}Result`, or the
//! fault the body carries instead.

use crate::error::{SoapFault, UpstreamError, ValidationError};
use crate::xml::{self, Node};

/// WCF's wording when a message outgrows `MaxReceivedMessageSize`.
const QUOTA_MARKERS: [&str; 2] = ["maximum message size quota", "maxreceivedmessagesize"];

/// Parses `bytes` and hands the `{op}Result` element (or `None` when it is nil or
/// absent) to `read`.
pub(crate) fn read_result<T>(
    bytes: &[u8],
    op: &str,
    read: impl FnOnce(Option<&Node>) -> Result<T, UpstreamError>,
) -> Result<T, UpstreamError> {
    let doc = xml::parse(bytes)?;
    let envelope = match doc.children.first() {
        Some(e) if e.name == "Envelope" => e,
        other => {
            let got = other.map_or("nothing", |n| n.name.as_str());
            return Err(shape(format!("expected a SOAP Envelope, got <{got}>")));
        }
    };
    let body = envelope
        .child("Body")
        .ok_or_else(|| shape("the envelope has no Body".into()))?;
    let first = body
        .children
        .first()
        .ok_or_else(|| shape("the Body is empty".into()))?;
    if first.name == "Fault" {
        return Err(fault(first));
    }
    let expected = format!("{op}Response");
    if first.name != expected {
        return Err(shape(format!(
            "expected <{expected}>, got <{}>",
            first.name
        )));
    }
    read(first.child(&format!("{op}Result")))
}

fn shape(s: String) -> UpstreamError {
    UpstreamError::UnexpectedShape(s)
}

/// SOAP 1.1 `faultcode`/`faultstring`/`detail` (1.2's `Code`/`Reason` as a fallback).
fn fault(f: &Node) -> UpstreamError {
    let code = f
        .text("faultcode")
        .or_else(|| f.child("Code").and_then(|c| c.text("Value")))
        .unwrap_or_default();
    let message = f
        .text("faultstring")
        .or_else(|| f.child("Reason").and_then(|r| r.text("Text")))
        .unwrap_or_default();
    let detail = f.child("detail").or_else(|| f.child("Detail"));
    let mut everything = message.to_lowercase();
    if let Some(d) = detail {
        all_text(d, &mut everything);
    }
    if QUOTA_MARKERS.iter().any(|m| everything.contains(m)) {
        return UpstreamError::MessageSizeQuota(message);
    }
    let validation_errors = detail
        .and_then(|d| d.find("ValidationFault"))
        .map(|v| {
            v.list("Errors", "ValidationError")
                .map(validation_error)
                .collect()
        })
        .unwrap_or_default();
    UpstreamError::SoapFault(SoapFault {
        code,
        message,
        validation_errors,
    })
}

fn validation_error(e: &Node) -> ValidationError {
    ValidationError {
        code: e.text("Code"),
        message: e.text("Message"),
        severity: e.text("Severity"),
        sub_code: e.text("SubCode"),
        validation_target: e.text("ValidationTarget"),
        context: e.text("Context"),
    }
}

fn all_text(n: &Node, out: &mut String) {
    out.push(' ');
    out.push_str(&n.text.to_lowercase());
    for c in &n.children {
        all_text(c, out);
    }
}
