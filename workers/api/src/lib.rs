//! rtopacks-api: the public catalogue API at `api.rtopacks.com.au/api/v1/...`.
//!
//! - `GET /api/v1/openapi.json`: the OpenAPI 3.1 document (`rtopacks_catalogue::openapi`,
//!   built from the same route table the router reads). No key needed.
//! - `GET /api/v1/...`: the catalogue route table (`rtopacks_catalogue::http`), behind
//!   `Authorization: Bearer rtp_live_<id>_<secret>` keys kept (hashed) in
//!   `RTOPACKS_OPERATIONAL_KEYS` (`edge::keys_kv`). A key needs the `catalogue:read` scope.
//!
//! Tiers for keys: a key carrying `catalogue:contacts` reads as **signed-in** (an RTO's
//! organisation-level contacts: enquiry positions, registration inboxes); any other key
//! reads as **anonymous** (no contacts). No key ever sees contacts that name a person: that
//! is for RTOpacks clients (L4) signed in to the workspace.
//!
//! Every error is the `{"errors":[{"detail"}]}` envelope; a 401 carries
//! `WWW-Authenticate: Bearer`. Every request passes the SEC-02 gate (surface `api`, keyed
//! by the key id, held to the key's own rate limit) and is written to `api_access_log`;
//! requests without a valid key are logged against a salted hash of their address.

use chrono::{DateTime, Utc};
use rtopacks_catalogue::http::{self, HttpAnswer, PUBLIC_PREFIX};
use rtopacks_catalogue::openapi;
use rtopacks_domain::anomaly::{ClientKey, Surface};
use rtopacks_domain::keys::{anonymous_client_id, KeyKind, Tier, SCOPE_CATALOGUE_READ};
use rtopacks_domain::time::iso;
use rtopacks_edge::bindings::{catalogue_secrets, OPS_DB, RTOPACKS_DB};
use rtopacks_edge::error::ApiError;
use rtopacks_edge::gate::{self, Visitor};
use rtopacks_edge::{clock, keys_kv};
use rtopacks_store::D1Db;
use serde_json::Value;
use worker::{console_error, event, Context, Env, Method, Request, Response};

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// A status, a JSON body and extra headers.
struct Reply {
    status: u16,
    body: Value,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    fn json(status: u16, body: Value) -> Self {
        Reply {
            status,
            body,
            headers: Vec::new(),
        }
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    fn error(e: ApiError) -> Self {
        let r = Reply::json(e.status, e.body());
        match e.status {
            401 => r.header(
                "WWW-Authenticate",
                "Bearer realm=\"api.rtopacks.com.au\", error=\"invalid_token\"",
            ),
            429 => r.header("Retry-After", "60"),
            405 => r.header("Allow", http::ALLOW),
            _ => r,
        }
    }

    fn answer(a: HttpAnswer) -> Self {
        if let Some(cause) = &a.cause {
            console_error!("api: catalogue: {cause}");
        }
        Reply::json(a.status, a.body)
    }

    fn into_response(self, head: bool) -> worker::Result<Response> {
        let mut res = if head {
            Response::empty()?
        } else {
            Response::from_json(&self.body)?
        }
        .with_status(self.status);
        let h = res.headers_mut();
        h.set("Content-Type", "application/json")?;
        for (k, v) in &self.headers {
            h.set(k, v)?;
        }
        Ok(res)
    }
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let started = worker::Date::now().as_millis();
    let now = clock::now(&env).await?;
    let url = req.url()?;
    let ops = D1Db(env.d1(OPS_DB)?);
    let address = req
        .headers()
        .get("CF-Connecting-IP")?
        .unwrap_or_else(|| "unknown".into());
    let salt = env
        .secret(catalogue_secrets::ANON_SALT)
        .map(|s| s.to_string())
        .unwrap_or_default();
    let mut visitor = Visitor {
        surface: Surface::Api,
        tier: Tier::Anonymous,
        client: ClientKey::Anonymous(anonymous_client_id(&salt, &address)),
        session_id: None,
        user_id: None,
        org_id: None,
        rate_limit_per_minute: None,
    };
    let mut endpoint = url.path().to_owned();
    let reply = match handle(&req, &env, &ops, &url, now, &mut visitor, &mut endpoint).await {
        Ok(r) => r,
        Err(e) => {
            console_error!("api: {} {}: {e}", req.method(), url.path());
            Reply::error(ApiError::internal())
        }
    };
    let latency = worker::Date::now().as_millis().saturating_sub(started);
    let at = iso(now);
    let method = req.method().to_string();
    let entry = gate::access_entry(&visitor, &endpoint, &method, reply.status, latency, &at);
    if let Err(e) = gate::record(&ops, &entry).await {
        console_error!("api: access log: {e}");
    }
    reply.into_response(req.method() == Method::Head)
}

async fn handle(
    req: &Request,
    env: &Env,
    ops: &D1Db,
    url: &worker::Url,
    now: DateTime<Utc>,
    visitor: &mut Visitor,
    endpoint: &mut String,
) -> worker::Result<Reply> {
    let method = req.method().to_string();
    let Some(path) = url
        .path()
        .strip_prefix(PUBLIC_PREFIX)
        .filter(|p| p.is_empty() || p.starts_with('/'))
    else {
        return Ok(Reply::error(ApiError::not_found(format!(
            "no route {}; the API lives under {PUBLIC_PREFIX}/ (see {PUBLIC_PREFIX}/openapi.json)",
            url.path()
        ))));
    };
    if path == "/openapi.json" {
        if !matches!(method.as_str(), "GET" | "HEAD") {
            return Ok(Reply::error(ApiError::method_not_allowed()));
        }
        return Ok(Reply::json(
            200,
            openapi::document(&url.origin().ascii_serialization()),
        ));
    }

    let authorization = req.headers().get("Authorization")?;
    let record = match keys_kv::authenticate(
        env,
        KeyKind::Api,
        authorization.as_deref(),
        SCOPE_CATALOGUE_READ,
    )
    .await?
    {
        Ok(r) => r,
        Err(refused) => return Ok(Reply::error(refused)),
    };
    visitor.identify_key(&record);

    let route = http::route(&method, path, url.query().unwrap_or(""));
    let (group, code) = match &route {
        Ok(r) => {
            *endpoint = format!("{PUBLIC_PREFIX}{}", r.endpoint());
            (r.group(), r.code().map(str::to_owned))
        }
        Err(_) => ("invalid", None),
    };
    if let Some(refused) = admit(env, ops, visitor, group, endpoint, code.as_deref(), now).await? {
        return Ok(refused);
    }
    Ok(match route {
        Err(e) => {
            let r = Reply::answer(e.answer());
            match e.allow() {
                Some(allow) => r.header("Allow", allow),
                None => r,
            }
        }
        Ok(route) => {
            let corpus = D1Db(env.d1(RTOPACKS_DB)?);
            Reply::answer(http::respond(&corpus, &route, visitor.tier).await)
        }
    })
}

/// SEC-02: `Some(reply)` refuses; amber waits here. The api binds no `engine-db-oc`:
/// its visitors are keys, never sessions, so the gate never writes a session and is given
/// `ops-db` in that seat.
async fn admit(
    env: &Env,
    ops: &D1Db,
    visitor: &Visitor,
    group: &str,
    endpoint: &str,
    code: Option<&str>,
    now: DateTime<Utc>,
) -> worker::Result<Option<Reply>> {
    Ok(gate::WorkerGate {
        env,
        ops,
        engine: ops,
    }
    .admit(visitor, group, endpoint, code, now)
    .await?
    .map(Reply::error))
}
