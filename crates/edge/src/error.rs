//! The JSON error envelope every HTTP surface answers with:
//! `{"errors":[{"detail":"..."}]}` and a 4xx/5xx status.

use serde_json::json;

/// An error a client may see. `detail` is written for the caller: never SQL, never a secret.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub detail: String,
}

impl ApiError {
    pub fn new(status: u16, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            detail: detail.into(),
        }
    }
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(400, detail)
    }
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(401, detail)
    }
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(403, detail)
    }
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(404, detail)
    }
    pub fn method_not_allowed() -> Self {
        Self::new(405, "method not allowed")
    }
    /// Internal failures: the cause goes to the log, the client gets a generic line.
    pub fn internal() -> Self {
        Self::new(500, "internal error; the operator has been told")
    }

    pub fn body(&self) -> serde_json::Value {
        json!({ "errors": [{ "detail": self.detail }] })
    }

    #[cfg(target_arch = "wasm32")]
    pub fn into_response(self) -> worker::Result<worker::Response> {
        Ok(worker::Response::from_json(&self.body())?.with_status(self.status))
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_has_the_documented_shape() {
        let e = ApiError::not_found("no RTO with code 99999");
        assert_eq!(e.status, 404);
        assert_eq!(
            e.body(),
            json!({"errors":[{"detail":"no RTO with code 99999"}]})
        );
        assert_eq!(ApiError::internal().status, 500);
        assert!(!ApiError::internal().detail.to_lowercase().contains("sql"));
    }
}
