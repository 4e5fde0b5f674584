//! One request's passage: which door it came through, who is asking, the SEC-02 gate,
//! the reply, and the `api_access_log` row.

use chrono::{DateTime, Utc};
use rtopacks_catalogue::http::{HttpAnswer, RouteError};
use rtopacks_domain::anomaly::{ClientKey, Surface};
use rtopacks_domain::keys::{anonymous_client_id, Tier};
use rtopacks_domain::time::iso;
use rtopacks_edge::access_jwt::{self, AccessIdentity};
use rtopacks_edge::bindings::internal_api::{CLIENT_HEADER, LOCAL_HOST, SERVICE_HOST};
use rtopacks_edge::bindings::{catalogue_secrets, secrets, ENGINE_DB, OPS_DB, RTOPACKS_DB};
use rtopacks_edge::error::ApiError;
use rtopacks_edge::gate::{self, Visitor};
use rtopacks_edge::{auth, clock};
use rtopacks_store::identity::Caller;
use rtopacks_store::{D1Db, StoreError};
use serde_json::Value;
use worker::{console_error, Env, Method, Request, Response};

pub fn store_err(e: StoreError) -> worker::Error {
    worker::Error::RustError(e.to_string())
}

/// How the request reached the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// A service binding from site, admin or workspace (a reserved host name).
    Service,
    /// Anything else: the public route, behind Cloudflare Access.
    Public,
}

impl Door {
    pub fn of(host: &str) -> Door {
        let host = host.to_ascii_lowercase();
        if host == SERVICE_HOST || host == LOCAL_HOST {
            Door::Service
        } else {
            Door::Public
        }
    }
}

/// A status, a JSON body and extra headers.
pub struct Reply {
    pub status: u16,
    body: Value,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Self {
        Reply {
            status,
            body,
            headers: Vec::new(),
        }
    }

    pub fn error(e: ApiError) -> Self {
        let r = Reply::json(e.status, e.body());
        match e.status {
            429 => r.header("Retry-After", "60"),
            405 => r.header("Allow", "GET, HEAD"),
            _ => r,
        }
    }

    pub fn route_error(e: &RouteError) -> Self {
        let r = Reply::answer(e.answer());
        match e.allow() {
            Some(allow) => r.header("Allow", allow),
            None => r,
        }
    }

    pub fn answer(a: HttpAnswer) -> Self {
        if let Some(cause) = &a.cause {
            console_error!("internal-api: catalogue: {cause}");
        }
        Reply::json(a.status, a.body)
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
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
        h.set("Cache-Control", "no-store")?;
        for (k, v) in &self.headers {
            h.set(k, v)?;
        }
        Ok(res)
    }
}

/// One request in flight.
pub struct Call<'a> {
    pub env: &'a Env,
    pub now: DateTime<Utc>,
    started_ms: u64,
    pub method: String,
    pub path: String,
    pub query: String,
    head: bool,
    pub door: Door,
    pub ops: D1Db,
    /// Who SEC-02 scores and the access log names; refined as the caller is identified.
    pub visitor: Visitor,
    /// The path the access log records (the route with its code, no query string).
    pub endpoint: String,
    /// The Cloudflare Access identity, once verified.
    pub access: Option<AccessIdentity>,
}

fn header(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .get(name)
        .ok()
        .flatten()
        .filter(|v| !v.trim().is_empty())
}

fn anonymous(env: &Env, identifier: &str) -> ClientKey {
    let salt = env
        .secret(catalogue_secrets::ANON_SALT)
        .map(|s| s.to_string())
        .unwrap_or_default();
    ClientKey::Anonymous(anonymous_client_id(&salt, identifier))
}

impl<'a> Call<'a> {
    pub async fn start(req: &Request, env: &'a Env) -> worker::Result<Call<'a>> {
        let now = clock::now(env).await?;
        let url = req.url()?;
        let door = Door::of(url.host_str().unwrap_or(""));
        // An anonymous visitor is its end user's address: forwarded by the calling surface
        // on the service door, the connecting address on the public one.
        let address = match door {
            Door::Service => header(req, CLIENT_HEADER).or_else(|| header(req, "CF-Connecting-IP")),
            Door::Public => header(req, "CF-Connecting-IP"),
        }
        .unwrap_or_else(|| "unknown".to_owned());
        let path = url.path().to_owned();
        Ok(Call {
            env,
            now,
            started_ms: worker::Date::now().as_millis(),
            method: req.method().to_string(),
            endpoint: path.clone(),
            path,
            query: url.query().unwrap_or("").to_owned(),
            head: req.method() == Method::Head,
            door,
            ops: D1Db(env.d1(OPS_DB)?),
            visitor: Visitor {
                surface: Surface::InternalApi,
                tier: Tier::Anonymous,
                client: anonymous(env, &address),
                session_id: None,
                user_id: None,
                org_id: None,
                rate_limit_per_minute: None,
            },
            access: None,
        })
    }

    pub fn engine(&self) -> worker::Result<D1Db> {
        Ok(D1Db(self.env.d1(ENGINE_DB)?))
    }

    pub fn corpus(&self) -> worker::Result<D1Db> {
        Ok(D1Db(self.env.d1(RTOPACKS_DB)?))
    }

    pub fn now_iso(&self) -> String {
        iso(self.now)
    }

    fn accept_access(&mut self, id: AccessIdentity) {
        // One SEC-02 window per Access identity (an operator, a service token).
        self.visitor.client = anonymous(self.env, &format!("access:{}", id.label()));
        self.access = Some(id);
    }

    /// The public door: a verified Cloudflare Access token, or the refusal to send.
    pub async fn require_access(&mut self, req: &Request) -> Result<(), Reply> {
        match access_jwt::verify_request(self.env, req, self.now).await {
            Ok(id) => {
                self.accept_access(id);
                Ok(())
            }
            Err(e) => {
                if let access_jwt::AccessError::Keys(cause) = &e {
                    console_error!("internal-api: Access keys: {cause}");
                }
                Err(Reply::error(e.to_api_error()))
            }
        }
    }

    /// Admin routes: an Access identity on either door, or (service door only) the
    /// operator's bearer `TRIGGER_TOKEN` when that secret is set.
    pub async fn require_operator(&mut self, req: &Request) -> Result<(), Reply> {
        if self.access.is_some() {
            return Ok(());
        }
        if self.door == Door::Service {
            if header(req, access_jwt::HEADER).is_some() {
                return self.require_access(req).await;
            }
            let token = self
                .env
                .secret(secrets::TRIGGER_TOKEN)
                .map(|s| s.to_string())
                .unwrap_or_default();
            if auth::bearer_matches(header(req, "Authorization").as_deref(), &token) {
                return Ok(());
            }
        }
        Err(Reply::error(ApiError::forbidden(
            "key administration needs a Cloudflare Access identity",
        )))
    }

    /// A resolved session makes the visitor that user (and their tier).
    pub fn identify(&mut self, caller: &Caller) {
        if let Some(key) = caller.client_key() {
            self.visitor.client = key;
            self.visitor.tier = caller.tier;
            self.visitor.session_id = caller.session_id().map(str::to_owned);
            self.visitor.user_id = caller.user_id().map(str::to_owned);
            self.visitor.org_id = caller.org_id().map(str::to_owned);
        }
    }

    /// SEC-02: `Some(reply)` refuses the request; amber waits here before answering.
    pub async fn gate(&self, group: &str, code: Option<&str>) -> worker::Result<Option<Reply>> {
        let engine = self.engine()?;
        let refusal = gate::WorkerGate {
            env: self.env,
            ops: &self.ops,
            engine: &engine,
        }
        .admit(&self.visitor, group, &self.endpoint, code, self.now)
        .await?;
        Ok(refusal.map(Reply::error))
    }

    /// Log the request and write the reply.
    pub async fn finish(self, reply: Reply) -> worker::Result<Response> {
        let latency = worker::Date::now()
            .as_millis()
            .saturating_sub(self.started_ms);
        let at = self.now_iso();
        let entry = gate::access_entry(
            &self.visitor,
            &self.endpoint,
            &self.method,
            reply.status,
            latency,
            &at,
        );
        if let Err(e) = gate::record(&self.ops, &entry).await {
            console_error!("internal-api: access log: {e}");
        }
        reply.into_response(self.head)
    }
}
