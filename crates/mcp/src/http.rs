//! The HTTP side of Streamable HTTP: what a request must look like before its body is
//! read as JSON-RPC, and the shape of every answer.

use serde_json::{json, Value};

use crate::{Server, PROTOCOL_VERSIONS};

/// Largest request body read, in bytes. Tool arguments are a few hundred bytes; anything
/// near this is not an MCP client.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The headers a preflight may ask for.
const ALLOWED_HEADERS: &str =
    "Authorization, Content-Type, Accept, MCP-Protocol-Version, MCP-Session-Id, Last-Event-ID";

/// One HTTP request to the MCP endpoint, as the worker sees it.
pub struct McpRequest<'a> {
    /// The HTTP method (`POST`, `GET`, …), any case.
    pub method: &'a str,
    /// A request header by name, matched case-insensitively (as `worker::Headers::get`
    /// does). Asked for: `Origin`, `MCP-Protocol-Version`, `Content-Type`, `Accept`.
    pub headers: &'a dyn Fn(&str) -> Option<String>,
    /// The raw body.
    pub body: &'a [u8],
}

/// A header lookup over name/value pairs (case-insensitive names; repeated headers are
/// joined with `, ` as Fetch does), for tests and for workers holding a plain list.
pub fn header_list<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |name: &str| {
        let values: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    }
}

/// What to answer: status, headers and body, for the worker to copy into its `Response`.
#[derive(Debug, Clone, PartialEq)]
pub struct McpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// A store failure's detail, for the worker's logs. Never part of the body: the caller
    /// is told only that the catalogue could not be read.
    pub internal_error: Option<String>,
}

impl McpResponse {
    /// A JSON body (`Content-Type: application/json`, not cached).
    pub fn json(status: u16, body: &Value) -> Self {
        McpResponse {
            status,
            headers: vec![
                ("Content-Type".to_owned(), "application/json".to_owned()),
                ("Cache-Control".to_owned(), "no-store".to_owned()),
            ],
            body: body.to_string().into_bytes(),
            internal_error: None,
        }
    }

    /// No body.
    pub fn empty(status: u16) -> Self {
        McpResponse {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            internal_error: None,
        }
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON, when it is.
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// A transport-level refusal: the HTTP status says it all, and the body is a JSON-RPC
/// error without an id (as the specification suggests), so clients that read the body
/// get the sentence too.
pub(crate) fn refusal(status: u16, message: impl Into<String>) -> McpResponse {
    McpResponse::json(
        status,
        &json!({
            "jsonrpc": "2.0",
            "id": null,
            "error": { "code": -32000, "message": message.into() },
        }),
    )
}

/// The checks before the body is read. `Err` is the answer to send at once (a refusal,
/// or a CORS preflight's 204).
pub(crate) fn admit(
    server: &Server,
    req: &McpRequest<'_>,
    origin: Option<&str>,
) -> Result<(), McpResponse> {
    // DNS-rebinding defence: a browser page from elsewhere must not reach the server.
    if let Some(o) = origin {
        if !server.origin_allowed(o) {
            return Err(refusal(
                403,
                "Forbidden: requests from this origin may not call the RTOpacks MCP server.",
            ));
        }
    }
    match req.method.trim().to_ascii_uppercase().as_str() {
        "POST" => {}
        "OPTIONS" => {
            return Err(McpResponse::empty(204)
                .with_header("Allow", "POST")
                .with_header("Access-Control-Allow-Methods", "POST")
                .with_header("Access-Control-Allow-Headers", ALLOWED_HEADERS)
                .with_header("Access-Control-Max-Age", "86400"))
        }
        _ => {
            return Err(refusal(
                405,
                "Method not allowed: send each JSON-RPC message to this endpoint by POST \
                 (this server opens no event stream and keeps no sessions).",
            )
            .with_header("Allow", "POST"))
        }
    }
    let header = |name: &str| (req.headers)(name);
    if let Some(v) = header("MCP-Protocol-Version") {
        let v = v.trim();
        if !PROTOCOL_VERSIONS.contains(&v) {
            return Err(refusal(
                400,
                format!(
                    "Bad Request: unsupported MCP-Protocol-Version {:?}; this server speaks {}.",
                    clip(v, 40),
                    PROTOCOL_VERSIONS.join(", ")
                ),
            ));
        }
    }
    if let Some(ct) = header("Content-Type") {
        if media_type(&ct) != "application/json" {
            return Err(refusal(
                415,
                "Unsupported Media Type: send the JSON-RPC message as application/json.",
            ));
        }
    }
    if let Some(accept) = header("Accept") {
        if !accepts_json(&accept) {
            return Err(refusal(
                406,
                "Not Acceptable: this server answers in application/json; include it in Accept.",
            ));
        }
    }
    if req.body.len() > MAX_BODY_BYTES {
        return Err(refusal(
            413,
            format!("Payload Too Large: a message may be at most {MAX_BODY_BYTES} bytes."),
        ));
    }
    Ok(())
}

/// The CORS headers of an answer to an allowed browser origin.
pub(crate) fn cors(server: &Server, origin: Option<&str>, out: &mut McpResponse) {
    let Some(o) = origin.filter(|o| server.origin_allowed(o)) else {
        return;
    };
    for (k, v) in [
        ("Access-Control-Allow-Origin", o.trim()),
        ("Access-Control-Expose-Headers", "WWW-Authenticate"),
        ("Vary", "Origin"),
    ] {
        out.headers.push((k.to_owned(), v.to_owned()));
    }
}

/// `application/json; charset=utf-8` → `application/json`.
fn media_type(v: &str) -> String {
    v.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Does an `Accept` value admit `application/json` (directly or by wildcard, with q > 0)?
fn accepts_json(accept: &str) -> bool {
    accept.split(',').any(|range| {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let refused = parts.any(|p| {
            let p = p.trim().to_ascii_lowercase();
            p.strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        !refused && matches!(media.as_str(), "application/json" | "application/*" | "*/*")
    })
}

pub(crate) fn clip(s: &str, max_chars: usize) -> String {
    let mut out: String = s.chars().take(max_chars).collect();
    if s.chars().nth(max_chars).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_values_are_read_like_http_does() {
        assert!(accepts_json("application/json, text/event-stream"));
        assert!(accepts_json("text/event-stream, */*;q=0.1"));
        assert!(accepts_json("Application/JSON; charset=utf-8"));
        assert!(!accepts_json("text/event-stream"));
        assert!(!accepts_json("application/json;q=0, text/html"));
        assert_eq!(
            media_type("application/json; charset=UTF-8"),
            "application/json"
        );
    }

    #[test]
    fn header_lists_ignore_case_and_join_repeats() {
        let pairs = [
            ("accept", "text/event-stream"),
            ("Accept", "application/json"),
        ];
        let h = header_list(&pairs);
        assert_eq!(
            h("ACCEPT").as_deref(),
            Some("text/event-stream, application/json")
        );
        assert_eq!(h("Origin"), None);
    }

    #[test]
    fn long_values_are_clipped_with_a_mark() {
        assert_eq!(clip("abcdef", 3), "abc…");
        assert_eq!(clip("abc", 3), "abc");
    }
}
