//! The MCP server of RTOpacks (`mcp.rtopacks.com.au`), without the worker: the Streamable
//! HTTP transport, JSON-RPC 2.0 and the catalogue tools, as pure Rust over
//! [`rtopacks_store::Db`]. A thin worker authenticates the caller, then hands each request
//! to [`handle`] and writes back the [`McpResponse`]; `cargo test` drives the very same
//! code against SQLite.
//!
//! ```ignore
//! let server = Server::new().allow_origin("https://rtopacks.com.au");
//! // after the Bearer key checked out (else: server.unauthorized(origin, Some(reason)))
//! let headers = |name: &str| req.headers().get(name).ok().flatten();
//! let out = rtopacks_mcp::handle(
//!     &server,
//!     &db,
//!     McpRequest { method: "POST", headers: &headers, body: &bytes },
//!     Tier::Anonymous,
//! )
//! .await;
//! // out.status, out.headers, out.body; out.internal_error (if any) goes to the logs only
//! ```
//!
//! # Transport (Streamable HTTP, stateless)
//!
//! | Request | Answer |
//! |---|---|
//! | `Origin` present and not allowed ([`Server::allow_origin`]) | 403 |
//! | `OPTIONS` (CORS preflight) from an allowed origin | 204 with the CORS headers |
//! | any method but `POST` (`GET`, `DELETE`, …) | 405, `Allow: POST` |
//! | `MCP-Protocol-Version` not one of [`PROTOCOL_VERSIONS`] | 400 |
//! | `Content-Type` not `application/json`; `Accept` refusing it | 415; 406 |
//! | body over [`MAX_BODY_BYTES`] | 413 |
//! | body not JSON | 400, JSON-RPC `-32700` |
//! | a batch (JSON array), or not a JSON-RPC 2.0 message | 400, `-32600` |
//! | a notification, or a response from the client | 202, no body |
//! | a request | 200, `application/json`, the JSON-RPC response |
//!
//! No `MCP-Session-Id` is issued (stateless), so none is required; no SSE stream is
//! opened (the answer to every request is one JSON body, which the specification allows).
//!
//! # Methods
//!
//! `initialize` negotiates the protocol revision: a requested revision in
//! [`PROTOCOL_VERSIONS`] is echoed, anything else is answered with [`LATEST_PROTOCOL_VERSION`]
//! (the client then decides whether to carry on). `ping`, `tools/list`, `tools/call`; any
//! other method is `-32601`. `tools/call` with a missing name, an unknown tool, or
//! `arguments` that is not an object is `-32602`; everything wrong *inside* the arguments
//! (types, missing or extra fields, malformed or unknown codes, unusable search text,
//! bad cursors) is a tool result with `isError: true` and a plain sentence, so a model
//! can correct itself. A store failure is `isError` too, with a generic sentence; its
//! detail goes to [`McpResponse::internal_error`] for the logs, never to the caller.
//!
//! # Tools
//!
//! See [`tool_definitions`]: `search`, `lookup`, `ladder`, `verify`, `supersession_chain`,
//! `scope_impact`, `cricos_courses`. Each declares an `inputSchema` (closed:
//! `additionalProperties: false`, enforced at run time from the same schema) and an
//! `outputSchema`; each success carries `structuredContent` matching it, plus a text
//! rendering (a short summary, then the JSON). Every answer is sourced and dated:
//! `source` (e.g. `training.gov.au (National Register), synced 2026-11-21T16:00:00Z`)
//! and the catalogue's `freshness`.
//!
//! # Authentication and SEC-02
//!
//! Bearer keys are checked by the worker before [`handle`]; [`Server::unauthorized`]
//! builds the 401 (with `WWW-Authenticate: Bearer resource_metadata=…`) and
//! [`Server::resource_metadata`] the document it points to. [`describe`] reads a request
//! body just enough to give SEC-02 its endpoint group, path and code before the tool runs.

mod auth;
mod describe;
mod http;
mod rpc;
mod schema;
mod tools;

use rtopacks_store::Db;

pub use auth::{KeyProblem, RESOURCE_METADATA_PATH};
pub use describe::{describe, Described};
pub use http::{header_list, McpRequest, McpResponse, MAX_BODY_BYTES};
pub use rtopacks_catalogue::Tier;
pub use tools::{call_tool, tool_definitions, ToolCall, TOOL_NAMES};

/// The revision this server targets.
pub const LATEST_PROTOCOL_VERSION: &str = "2025-11-25";

/// Every revision accepted, newest first.
pub const PROTOCOL_VERSIONS: [&str; 3] = ["2025-11-25", "2025-06-18", "2025-03-26"];

/// `serverInfo.name`.
pub const SERVER_NAME: &str = "rtopacks-mcp";

/// `serverInfo.version`: the crate's version.
pub const SERVER_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The server's configuration: which browser origins may call it, and where it lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    allowed_origins: Vec<String>,
    endpoint_path: String,
}

impl Default for Server {
    fn default() -> Self {
        Server {
            allowed_origins: Vec::new(),
            endpoint_path: "/mcp".to_owned(),
        }
    }
}

impl Server {
    /// No browser origin allowed (requests without `Origin`, i.e. every non-browser
    /// client, are always allowed); the endpoint at `/mcp`.
    pub fn new() -> Self {
        Server::default()
    }

    /// Allow requests whose `Origin` is `origin` (scheme, host and port, e.g.
    /// `https://rtopacks.com.au`; compared case-insensitively, a trailing `/` ignored).
    pub fn allow_origin(mut self, origin: impl Into<String>) -> Self {
        let o = normalise_origin(&origin.into());
        if !o.is_empty() && !self.allowed_origins.contains(&o) {
            self.allowed_origins.push(o);
        }
        self
    }

    /// [`Server::allow_origin`] for each of `origins` (e.g. a comma-separated variable,
    /// split); blank entries are skipped.
    pub fn allow_origins<I, S>(self, origins: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        origins.into_iter().fold(self, |s, o| s.allow_origin(o))
    }

    /// The path the MCP endpoint is served at (default `/mcp`); the protected-resource
    /// metadata names `<origin><path>` as the resource.
    pub fn at_path(mut self, path: impl Into<String>) -> Self {
        let p = path.into();
        self.endpoint_path = if p.starts_with('/') {
            p
        } else {
            format!("/{p}")
        };
        self
    }

    pub fn endpoint_path(&self) -> &str {
        &self.endpoint_path
    }

    /// Add the CORS headers an answer to a request carrying `Origin: request_origin` needs
    /// (nothing unless that origin is allowed): for the worker's own answers (401, 429).
    pub fn add_cors(&self, request_origin: Option<&str>, out: &mut McpResponse) {
        http::cors(self, request_origin, out);
    }

    /// May a request carrying `Origin: origin` be served?
    pub fn origin_allowed(&self, origin: &str) -> bool {
        let o = normalise_origin(origin);
        self.allowed_origins.contains(&o)
    }
}

fn normalise_origin(o: &str) -> String {
    o.trim().trim_end_matches('/').to_ascii_lowercase()
}

/// Answer one HTTP request to the MCP endpoint. The caller has already authenticated it;
/// `tier` decides what RTO answers show (contacts, see `rtopacks_catalogue`'s tiers).
/// Never fails: every problem is an HTTP or JSON-RPC answer.
pub async fn handle(server: &Server, db: &impl Db, req: McpRequest<'_>, tier: Tier) -> McpResponse {
    let origin = (req.headers)("Origin");
    let mut out = match http::admit(server, &req, origin.as_deref()) {
        Err(early) => early,
        Ok(()) => rpc::answer(db, req.body, tier).await,
    };
    http::cors(server, origin.as_deref(), &mut out);
    out
}
