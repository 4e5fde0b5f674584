//! rtopacks-mcp: the Model Context Protocol server at `mcp.rtopacks.com.au/mcp`
//! (Streamable HTTP, stateless, JSON answers). The protocol and the tools live in
//! `rtopacks_mcp`; this worker is the door around it:
//!
//! 1. `GET /.well-known/oauth-protected-resource` (also under `…/mcp`): the RFC 9728
//!    document a 401's `WWW-Authenticate` points to. No key needed.
//! 2. `OPTIONS /mcp` (CORS preflight), and any request from a browser origin not in
//!    `MCP_ALLOWED_ORIGINS`: answered by `rtopacks_mcp::handle` before the key check
//!    (a preflight carries no `Authorization`; a foreign page gets its 403).
//! 3. The key: `Authorization: Bearer rtp_mcp_<id>_<secret>`, checked against
//!    `MCP_API_KEYS` (`edge::keys_kv`, scope `catalogue:read`). Missing, malformed,
//!    unknown or revoked → 401 with `WWW-Authenticate: Bearer resource_metadata="…"`.
//!    A key carrying `catalogue:contacts` reads as **signed-in** (an RTO's
//!    organisation-level contacts), any other as **anonymous**: the public api's rule.
//! 4. SEC-02 (`edge::gate`, surface `mcp`), keyed by the key id and held to the key's own
//!    rate limit, with the endpoint group, path and code `rtopacks_mcp::describe` reads
//!    from the JSON-RPC body before the tool runs (so `lookup` walking RTO codes in order
//!    is the same pattern as `/rtos/{code}` on the HTTP surfaces). Amber waits, then
//!    answers; a refusal is the HTTP status (429, with `Retry-After`) and a JSON-RPC error.
//! 5. `rtopacks_mcp::handle` over `rtopacks-db`; a store failure's detail goes to the log
//!    (`console_error!`), never to the caller.
//!
//! Every request, whatever its outcome, is one `api_access_log` row (surface `mcp`):
//! tool calls as `/mcp/tools/<tool>[/<code>]`, other methods as `/mcp/<method>`, requests
//! without a valid key against a salted hash of their address (`ANON_SALT`).

use chrono::{DateTime, Utc};
use rtopacks_domain::anomaly::{ClientKey, Surface};
use rtopacks_domain::keys::{
    self, anonymous_client_id, KeyKind, KeyRecord, Tier, SCOPE_CATALOGUE_CONTACTS,
    SCOPE_CATALOGUE_READ,
};
use rtopacks_domain::time::iso;
use rtopacks_edge::bindings::{catalogue_secrets, ENGINE_DB, OPS_DB, RTOPACKS_DB};
use rtopacks_edge::error::ApiError;
use rtopacks_edge::gate::{self, Visitor};
use rtopacks_edge::sync_worker::var;
use rtopacks_edge::{clock, keys_kv};
use rtopacks_mcp::{
    describe, handle, KeyProblem, McpRequest, McpResponse, Server, MAX_BODY_BYTES,
    RESOURCE_METADATA_PATH,
};
use rtopacks_store::D1Db;
use serde_json::json;
use worker::{console_error, event, Context, Env, Headers, Request, Response, ResponseBuilder};

/// Browser origins allowed to call the server, comma-separated (requests without an
/// `Origin` header, i.e. every non-browser MCP client, are always allowed). Spelled here
/// because only this worker reads it.
const MCP_ALLOWED_ORIGINS: &str = "MCP_ALLOWED_ORIGINS";

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(fetch)]
async fn fetch(mut req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let mut call = Call::start(&req, &env).await?;
    let out = match serve(&mut req, &mut call).await {
        Ok(out) => out,
        Err(e) => {
            console_error!("mcp: {} {}: {e}", call.method, call.path);
            error(
                500,
                "Internal error: the request could not be served; try again.",
            )
        }
    };
    call.finish(out).await
}

/// One request in flight: what the access log and SEC-02 need to know about it.
struct Call<'a> {
    env: &'a Env,
    now: DateTime<Utc>,
    started_ms: u64,
    method: String,
    path: String,
    /// This server's own origin (`https://mcp.rtopacks.com.au`), for the metadata URLs.
    origin: String,
    ops: D1Db,
    visitor: Visitor,
    /// What the access log records: the described JSON-RPC call, else the URL path.
    endpoint: String,
}

impl<'a> Call<'a> {
    async fn start(req: &Request, env: &'a Env) -> worker::Result<Call<'a>> {
        let url = req.url()?;
        let address = header(req, "CF-Connecting-IP").unwrap_or_else(|| "unknown".into());
        let salt = env
            .secret(catalogue_secrets::ANON_SALT)
            .map(|s| s.to_string())
            .unwrap_or_default();
        Ok(Call {
            env,
            now: clock::now(env).await?,
            started_ms: worker::Date::now().as_millis(),
            method: req.method().to_string(),
            path: url.path().to_owned(),
            origin: url.origin().ascii_serialization(),
            ops: D1Db(env.d1(OPS_DB)?),
            visitor: Visitor {
                surface: Surface::Mcp,
                tier: Tier::Anonymous,
                client: ClientKey::Anonymous(anonymous_client_id(&salt, &address)),
                session_id: None,
                user_id: None,
                org_id: None,
                rate_limit_per_minute: None,
            },
            endpoint: url.path().to_owned(),
        })
    }

    /// A key that checked out: SEC-02 and the log follow it from here.
    fn identify(&mut self, record: &KeyRecord) {
        self.visitor.client = ClientKey::ApiKey(record.id.clone());
        self.visitor.rate_limit_per_minute = Some(record.rate_limit_per_minute);
        self.visitor.tier = if record.allows(SCOPE_CATALOGUE_CONTACTS) {
            Tier::SignedIn
        } else {
            Tier::Anonymous
        };
    }

    /// SEC-02: `Some(answer)` refuses the request; amber waits here first.
    async fn gate(&self, group: &str, code: Option<&str>) -> worker::Result<Option<McpResponse>> {
        let engine = D1Db(self.env.d1(ENGINE_DB)?);
        let refusal = gate::WorkerGate {
            env: self.env,
            ops: &self.ops,
            engine: &engine,
        }
        .admit(&self.visitor, group, &self.endpoint, code, self.now)
        .await?;
        Ok(refusal.as_ref().map(refused))
    }

    /// Write the access log row, then the answer.
    async fn finish(self, out: McpResponse) -> worker::Result<Response> {
        let latency = worker::Date::now()
            .as_millis()
            .saturating_sub(self.started_ms);
        let at = iso(self.now);
        let entry = gate::access_entry(
            &self.visitor,
            &self.endpoint,
            &self.method,
            out.status,
            latency,
            &at,
        );
        if let Err(e) = gate::record(&self.ops, &entry).await {
            console_error!("mcp: access log: {e}");
        }
        into_response(out)
    }
}

async fn serve(req: &mut Request, call: &mut Call<'_>) -> worker::Result<McpResponse> {
    let allowed = var(call.env, MCP_ALLOWED_ORIGINS, "");
    let server = Server::new().allow_origins(allowed.split(','));
    let endpoint = server.endpoint_path();
    if call.path == RESOURCE_METADATA_PATH
        || call.path == format!("{RESOURCE_METADATA_PATH}{endpoint}")
    {
        return Ok(match call.method.as_str() {
            "GET" | "HEAD" => server.resource_metadata(&call.origin),
            _ => error(405, "Method not allowed: GET this document.").with_header("Allow", "GET"),
        });
    }
    if call.path != endpoint {
        return Ok(error(
            404,
            &format!(
                "Not found: the RTOpacks MCP server answers at {}{endpoint}.",
                call.origin
            ),
        ));
    }

    let headers = req.headers().clone();
    let lookup = |name: &str| headers.get(name).ok().flatten();
    let origin = lookup("Origin");
    let corpus = D1Db(call.env.d1(RTOPACKS_DB)?);
    let foreign = origin.as_deref().is_some_and(|o| !server.origin_allowed(o));
    if call.method == "OPTIONS" || foreign {
        let r = McpRequest {
            method: &call.method,
            headers: &lookup,
            body: &[],
        };
        return Ok(handle(&server, &corpus, r, Tier::Anonymous).await);
    }

    let authorization = lookup("Authorization");
    let checked = keys_kv::authenticate(
        call.env,
        KeyKind::Mcp,
        authorization.as_deref(),
        SCOPE_CATALOGUE_READ,
    )
    .await?;
    let record = match checked {
        Ok(record) => record,
        Err(e) => {
            let mut out = if e.status == 403 {
                insufficient_scope(&e)
            } else if keys::bearer_token(authorization.as_deref()).is_none() {
                server.unauthorized(&call.origin, KeyProblem::Missing)
            } else {
                server.unauthorized(&call.origin, KeyProblem::Invalid)
            };
            server.add_cors(origin.as_deref(), &mut out);
            return Ok(out);
        }
    };
    call.identify(&record);

    // A body declared larger than any MCP message is not read at all (`handle` refuses
    // an undeclared one that turns out too large).
    let too_big = lookup("Content-Length")
        .and_then(|v| v.trim().parse::<usize>().ok())
        .is_some_and(|n| n > MAX_BODY_BYTES);
    let body = if too_big {
        Vec::new()
    } else {
        req.bytes().await?
    };
    let d = describe(&body);
    if d.method.is_some() {
        call.endpoint = d.path.clone();
    }
    if let Some(mut out) = call.gate(d.group, d.code.as_deref()).await? {
        server.add_cors(origin.as_deref(), &mut out);
        return Ok(out);
    }
    if too_big {
        let mut out = error(
            413,
            &format!("Payload Too Large: a message may be at most {MAX_BODY_BYTES} bytes."),
        );
        server.add_cors(origin.as_deref(), &mut out);
        return Ok(out);
    }
    let r = McpRequest {
        method: &call.method,
        headers: &lookup,
        body: &body,
    };
    let out = handle(&server, &corpus, r, call.visitor.tier).await;
    if let Some(cause) = &out.internal_error {
        console_error!("mcp: {}: {cause}", call.endpoint);
    }
    Ok(out)
}

fn header(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .get(name)
        .ok()
        .flatten()
        .filter(|v| !v.trim().is_empty())
}

/// A transport-level refusal in the JSON-RPC shape `rtopacks_mcp` uses for its own: the
/// status says it all, the body carries the sentence for clients that read it.
fn error(status: u16, message: &str) -> McpResponse {
    McpResponse::json(
        status,
        &json!({
            "jsonrpc": "2.0",
            "id": null,
            "error": { "code": -32000, "message": message },
        }),
    )
}

/// The SEC-02 gate's refusal (429 for a key: blocked, or over its own rate limit).
fn refused(e: &ApiError) -> McpResponse {
    let out = error(e.status, &capitalised(&e.detail));
    if e.status == 429 {
        out.with_header("Retry-After", "60")
    } else {
        out
    }
}

/// A valid key without `catalogue:read` (RFC 6750's `insufficient_scope`).
fn insufficient_scope(e: &ApiError) -> McpResponse {
    error(403, &format!("Forbidden: {}.", e.detail)).with_header(
        "WWW-Authenticate",
        format!("Bearer error=\"insufficient_scope\", scope=\"{SCOPE_CATALOGUE_READ}\""),
    )
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn into_response(out: McpResponse) -> worker::Result<Response> {
    let headers = Headers::new();
    for (k, v) in &out.headers {
        headers.append(k, v)?;
    }
    let builder = ResponseBuilder::new()
        .with_status(out.status)
        .with_headers(headers);
    Ok(if out.body.is_empty() {
        builder.empty()
    } else {
        builder.fixed(out.body)
    })
}
