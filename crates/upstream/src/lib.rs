//! Request building and response parsing for the upstream sources the sync workers
//! mirror: training.gov.au (SOAP web services and the public REST API) and CKAN on
//! data.gov.au (CRICOS). Transport-agnostic and pure: requests come out as strings
//! (URL, headers, body), responses go in as bytes and come out as
//! `rtopacks_domain` values or an [`UpstreamError`]. Nothing here reads a clock or
//! does I/O, so it compiles for wasm32 and is tested natively with fixtures.

pub mod ckan;
mod error;
pub mod tga_rest;
pub mod tga_soap;
mod xml;

pub use error::{SoapFault, UpstreamError, ValidationError};

/// Percent-encodes a path segment or query value (RFC 3986 unreserved kept as is).
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// JSON parse errors, with an early end of input told apart as truncation.
pub(crate) fn json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, UpstreamError> {
    serde_json::from_slice(bytes).map_err(|e| {
        if e.is_eof() {
            UpstreamError::Truncated(e.to_string())
        } else {
            UpstreamError::MalformedJson(e.to_string())
        }
    })
}
