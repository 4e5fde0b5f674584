//! One error type for every upstream parser, so a sync phase matches on what happened
//! (retry smaller, retry later, give up) without caring which source it was.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UpstreamError {
    /// Not well-formed XML (bad syntax, undefined entity, mismatched tags, not UTF-8).
    #[error("malformed XML: {0}")]
    MalformedXml(String),
    /// The document stopped before its root closed: a cut-off response; retry.
    #[error("truncated document: {0}")]
    Truncated(String),
    /// A SOAP fault other than the size quota.
    #[error("SOAP fault {}: {}", .0.code, .0.message)]
    SoapFault(SoapFault),
    /// WCF's "maximum message size quota" fault: retry the page with half the PageSize.
    #[error("message size quota exceeded: {0}")]
    MessageSizeQuota(String),
    /// Well-formed, but not the document the operation answers with.
    #[error("unexpected response: {0}")]
    UnexpectedShape(String),
    /// A value that does not parse as its schema type.
    #[error("bad value {value:?} in {field}")]
    BadValue { field: String, value: String },
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    /// A CKAN action answered `success: false`.
    #[error("CKAN error ({kind}): {message}")]
    Ckan { kind: String, message: String },
}

impl UpstreamError {
    pub(crate) fn bad(field: &str, value: &str) -> Self {
        UpstreamError::BadValue {
            field: field.to_owned(),
            value: value.chars().take(80).collect(),
        }
    }
}

/// A SOAP fault: `faultcode`, `faultstring`, and the service's `ValidationFault`
/// detail when it sent one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SoapFault {
    pub code: String,
    pub message: String,
    pub validation_errors: Vec<ValidationError>,
}

impl SoapFault {
    /// `GetDetails` for a code the register does not hold. The services answer with a
    /// fault, not a nil result, worded "… could not be found" (inferred wording, so
    /// both the fault string and the validation messages are checked).
    pub fn is_not_found(&self) -> bool {
        let says = |s: &str| {
            let s = s.to_ascii_lowercase();
            s.contains("not be found") || s.contains("not found")
        };
        says(&self.message)
            || self
                .validation_errors
                .iter()
                .any(|e| e.message.as_deref().is_some_and(says))
    }
}

/// `ValidationError` from a `ValidationFault` detail.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidationError {
    pub code: Option<String>,
    pub message: Option<String>,
    pub severity: Option<String>,
    pub sub_code: Option<String>,
    pub validation_target: Option<String>,
    pub context: Option<String>,
}
