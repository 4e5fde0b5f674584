//! The 401 a worker answers when the Bearer key is missing or refused, and the OAuth
//! protected-resource metadata (RFC 9728) its `WWW-Authenticate` header points to. Keys
//! are static (issued and revoked by the operator), so the document names no
//! authorization server: it tells a client where the resource is and that keys go in the
//! `Authorization` header.

use serde_json::{json, Value};

use crate::http::{refusal, McpResponse};
use crate::Server;

/// Where the protected-resource metadata is served, under the server's origin.
pub const RESOURCE_METADATA_PATH: &str = "/.well-known/oauth-protected-resource";

/// Why a request is refused with 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyProblem {
    /// No `Authorization: Bearer …` header.
    Missing,
    /// A key was presented but is unknown, revoked, or malformed.
    Invalid,
}

fn origin_of(origin: &str) -> &str {
    origin.trim().trim_end_matches('/')
}

impl Server {
    /// `<origin>/.well-known/oauth-protected-resource`. `origin` is the server's own
    /// (`https://mcp.rtopacks.com.au`), not the caller's.
    pub fn resource_metadata_url(&self, origin: &str) -> String {
        format!("{}{RESOURCE_METADATA_PATH}", origin_of(origin))
    }

    /// The 401: `WWW-Authenticate: Bearer resource_metadata="…"` (with
    /// `error="invalid_token"` when a key was presented), and a JSON-RPC error body.
    pub fn unauthorized(&self, origin: &str, problem: KeyProblem) -> McpResponse {
        let mut challenge = format!(
            "Bearer resource_metadata=\"{}\"",
            self.resource_metadata_url(origin)
        );
        let message = match problem {
            KeyProblem::Missing => {
                "Unauthorized: send your RTOpacks MCP key as `Authorization: Bearer <key>`."
            }
            KeyProblem::Invalid => {
                challenge.push_str(
                    ", error=\"invalid_token\", error_description=\"The key is not valid.\"",
                );
                "Unauthorized: this key is not valid (unknown, revoked or malformed)."
            }
        };
        refusal(401, message).with_header("WWW-Authenticate", challenge)
    }

    /// The protected-resource metadata document.
    pub fn resource_metadata_document(&self, origin: &str) -> Value {
        json!({
            "resource": format!("{}{}", origin_of(origin), self.endpoint_path()),
            "bearer_methods_supported": ["header"],
            "resource_name": "RTOpacks MCP server",
        })
    }

    /// The answer to `GET /.well-known/oauth-protected-resource` (served without a key).
    pub fn resource_metadata(&self, origin: &str) -> McpResponse {
        let mut out = McpResponse::json(200, &self.resource_metadata_document(origin));
        out.headers.retain(|(k, _)| k != "Cache-Control");
        out.with_header("Cache-Control", "public, max-age=3600")
            .with_header("Access-Control-Allow-Origin", "*")
    }
}
