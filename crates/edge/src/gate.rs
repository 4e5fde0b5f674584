//! The door of every catalogue surface (internal-api, api, mcp): SEC-02 scoring before the
//! handler runs, and the `api_access_log` row after it. One scoring window per client
//! (session, key, or anonymous hash) whichever door it uses, so a scraper that spreads
//! itself over the three surfaces is still one client.
//!
//! - green: admitted;
//! - amber: admitted after an injected delay (`anomaly_log` row once per strike);
//! - red: the session is revoked (`sessions.revoked_at`, reason `sec02_red`), an
//!   `anomaly_log` row, and the `[SEC-02 RED] Session revoked — {user_id}` email to the
//!   admin address. The caller sees an ordinary "session expired"; a key or an anonymous
//!   client is refused with 429 until its block ends.
//!
//! A key's own rate limit is checked against the same window's requests per minute.

use chrono::{DateTime, Utc};
use rtopacks_domain::anomaly::{ClientKey, Request, Surface, Thresholds, Verdict, Zone};
use rtopacks_domain::email::EmailMessage;
use rtopacks_domain::keys::{KeyRecord, Tier, SCOPE_CATALOGUE_CONTACTS};
use rtopacks_domain::time::iso;
use rtopacks_store::access::{self, AccessEntry, Subject};
use rtopacks_store::identity::{revoke_session, REVOKE_SEC02_RED};
use rtopacks_store::{Db, StoreError};

use crate::email::{self, EmailMode, EmailTransport};
use crate::error::ApiError;

/// What a revoked session's holder is told: the same words as any expired session.
pub const SESSION_EXPIRED: &str = "your session has expired; please sign in again";

/// Who is calling, as the surface resolved it.
#[derive(Debug, Clone, PartialEq)]
pub struct Visitor {
    pub surface: Surface,
    pub tier: Tier,
    pub client: ClientKey,
    pub session_id: Option<String>,
    pub user_id: Option<String>,
    pub org_id: Option<String>,
    /// An API/MCP key's own limit (requests per minute).
    pub rate_limit_per_minute: Option<u32>,
}

impl Visitor {
    /// A key that checked out: SEC-02 and the access log follow the key from here, held
    /// to its own rate limit. A key with `catalogue:contacts` reads as signed-in
    /// (organisation contacts), any other key as anonymous.
    pub fn identify_key(&mut self, record: &KeyRecord) {
        self.client = ClientKey::ApiKey(record.id.clone());
        self.rate_limit_per_minute = Some(record.rate_limit_per_minute);
        self.tier = if record.allows(SCOPE_CATALOGUE_CONTACTS) {
            Tier::SignedIn
        } else {
            Tier::Anonymous
        };
    }

    /// The access log's `client_id`: the key id or anonymous hash (sessions are logged
    /// by their session and user columns).
    fn client_id(&self) -> Option<&str> {
        match &self.client {
            ClientKey::Session(_) => None,
            ClientKey::ApiKey(id) | ClientKey::Anonymous(id) => Some(id),
        }
    }
}

/// The gate's answer for one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Run the handler, after `delay_ms` (amber) or at once.
    Admit { delay_ms: u64 },
    /// Answer with this error instead.
    Refuse(ApiError),
}

/// Where the red alert goes, and how it is sent.
pub struct Alerts<'a, T: EmailTransport> {
    pub transport: &'a T,
    pub mode: EmailMode,
    pub from: &'a str,
    pub to: &'a str,
}

/// The databases the gate writes: `ops-db` (windows, logs, outbox) and `engine-db-oc`
/// (sessions).
pub struct Gate<'a, O: Db, E: Db, T: EmailTransport> {
    pub ops: &'a O,
    pub engine: &'a E,
    pub alerts: Alerts<'a, T>,
    pub thresholds: &'a Thresholds,
}

impl<O: Db, E: Db, T: EmailTransport> Gate<'_, O, E, T> {
    /// Score one request (`group`: the endpoint group; `path`: the route path; `code`:
    /// the looked-up code, if any) and act on the verdict.
    pub async fn admit(
        &self,
        v: &Visitor,
        group: &str,
        path: &str,
        code: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Decision, StoreError> {
        let key = v.client.as_string();
        let req = Request::new(now, group, path).with_code(code);
        let verdict = access::observe(self.ops, &key, &req, self.thresholds)
            .await?
            .verdict;
        let at = iso(now);
        if verdict.record {
            let subject = Subject {
                client_key: &key,
                session_id: v.session_id.as_deref(),
                user_id: v.user_id.as_deref(),
                org_id: v.org_id.as_deref(),
                tier: v.tier,
            };
            if let Some(stmt) = access::log_anomaly(&subject, &verdict, &at) {
                self.ops.run(stmt).await?;
            }
        }
        if verdict.newly_red() {
            if let Some(session) = &v.session_id {
                self.engine
                    .run(revoke_session(session, REVOKE_SEC02_RED, &at))
                    .await?;
            }
            self.alert(v, &key, &verdict, now).await?;
        }
        Ok(match verdict.zone {
            Zone::Red => Decision::Refuse(refusal(v)),
            _ if over_limit(v, &verdict) => Decision::Refuse(ApiError::new(
                429,
                "too many requests for this key; slow down and try again in a minute",
            )),
            Zone::Amber => Decision::Admit {
                delay_ms: verdict.delay_ms,
            },
            Zone::Green => Decision::Admit { delay_ms: 0 },
        })
    }

    /// The red alert. A failed delivery stays in the outbox as `failed` (the operator sees
    /// it); it never turns the request into a 500.
    async fn alert(
        &self,
        v: &Visitor,
        key: &str,
        verdict: &Verdict,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let msg = red_alert(v, key, verdict, self.alerts.from, self.alerts.to, now);
        match email::send(self.ops, self.alerts.transport, self.alerts.mode, &msg, now).await {
            Ok(_) | Err(email::SendError::Delivery(_)) | Err(email::SendError::Invalid(_)) => {
                Ok(())
            }
            Err(email::SendError::Store(e)) => Err(e),
        }
    }
}

fn over_limit(v: &Visitor, verdict: &Verdict) -> bool {
    v.rate_limit_per_minute
        .is_some_and(|limit| verdict.signals.requests_per_minute > f64::from(limit))
}

/// What a red client is told: a session holder sees an ordinary expiry, anyone else a
/// rate limit.
fn refusal(v: &Visitor) -> ApiError {
    match v.client {
        ClientKey::Session(_) => ApiError::unauthorized(SESSION_EXPIRED),
        _ => ApiError::new(429, "too many requests; try again later"),
    }
}

/// The runbook's alert: `[SEC-02 RED] Session revoked — {user_id}`.
pub fn red_alert(
    v: &Visitor,
    key: &str,
    verdict: &Verdict,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
) -> EmailMessage {
    let who = v.user_id.as_deref().unwrap_or(key);
    let subject = match v.client {
        ClientKey::Session(_) => format!("[SEC-02 RED] Session revoked — {who}"),
        _ => format!("[SEC-02 RED] Client blocked — {who}"),
    };
    let reason = verdict.reason.map(|r| r.as_str()).unwrap_or("unknown");
    let s = &verdict.signals;
    let text = format!(
        "SEC-02 turned a client red.\n\n\
         Client:   {key}\n\
         User:     {}\n\
         Org:      {}\n\
         Session:  {}\n\
         Tier:     {}\n\
         Surface:  {}\n\
         Reason:   {reason}\n\
         At:       {}\n\n\
         Signals: {:.1} requests/min; sequential run {}; {} endpoint groups; \
         fast streak {}; strikes {}.\n\n\
         The session is revoked (the user sees an ordinary expiry). The anomaly log in the \
         admin console has the detail.\n",
        v.user_id.as_deref().unwrap_or("-"),
        v.org_id.as_deref().unwrap_or("-"),
        v.session_id.as_deref().unwrap_or("-"),
        v.tier.as_str(),
        v.surface.as_str(),
        iso(now),
        s.requests_per_minute,
        s.sequential_run,
        s.distinct_groups,
        s.fast_streak,
        s.strikes,
    );
    EmailMessage {
        idempotency_key: format!("sec02-red-{key}-{}", now.timestamp() / 60),
        from: from.to_owned(),
        to: vec![to.to_owned()],
        subject,
        text,
        html: None,
        reply_to: None,
        tags: vec![("category".into(), "sec02_red".into())],
        secret_body: false,
    }
}

/// The `api_access_log` row of a finished request.
pub fn access_entry<'a>(
    v: &'a Visitor,
    endpoint: &'a str,
    method: &'a str,
    status: u16,
    latency_ms: u64,
    timestamp: &'a str,
) -> AccessEntry<'a> {
    AccessEntry {
        surface: v.surface,
        endpoint,
        method,
        response_status: Some(status),
        user_id: v.user_id.as_deref(),
        session_id: v.session_id.as_deref(),
        org_id: v.org_id.as_deref(),
        client_id: v.client_id(),
        latency_ms: Some(latency_ms),
        timestamp,
    }
}

/// Write the access log row (one query).
pub async fn record(ops: &impl Db, entry: &AccessEntry<'_>) -> Result<(), StoreError> {
    ops.run(access::log_access(entry)).await.map(|_| ())
}

/// The gate as a worker runs it: thresholds from `SEC02_*` variables (a bad one is logged
/// and the defaults kept), the red alert through the environment's email layer, amber's
/// delay waited out here.
#[cfg(target_arch = "wasm32")]
pub struct WorkerGate<'a> {
    pub env: &'a worker::Env,
    /// `ops-db`.
    pub ops: &'a rtopacks_store::D1Db,
    /// `engine-db-oc` (sessions); a surface whose visitors are never sessions may pass
    /// `ops` here, as nothing is then written to it.
    pub engine: &'a rtopacks_store::D1Db,
}

#[cfg(target_arch = "wasm32")]
impl WorkerGate<'_> {
    /// [`Gate::admit`], then act on it: `Some(error)` refuses the request.
    pub async fn admit(
        &self,
        visitor: &Visitor,
        group: &str,
        path: &str,
        code: Option<&str>,
        now: DateTime<Utc>,
    ) -> worker::Result<Option<ApiError>> {
        use crate::bindings::vars;
        use crate::sync_worker::var;
        let thresholds = thresholds_from(self.env);
        let (mode, transport) = email::from_env(self.env);
        let from = var(
            self.env,
            vars::EMAIL_FROM,
            "RTOpacks <noreply@rtopacks.com.au>",
        );
        let to = var(self.env, vars::ADMIN_EMAIL, "admin@rtopacks.com.au");
        let gate = Gate {
            ops: self.ops,
            engine: self.engine,
            alerts: Alerts {
                transport: &transport,
                mode,
                from: &from,
                to: &to,
            },
            thresholds: &thresholds,
        };
        let decision = gate
            .admit(visitor, group, path, code, now)
            .await
            .map_err(|e| worker::Error::RustError(e.to_string()))?;
        match decision {
            Decision::Refuse(e) => Ok(Some(e)),
            Decision::Admit { delay_ms } => {
                if delay_ms > 0 {
                    worker::Delay::from(std::time::Duration::from_millis(delay_ms)).await;
                }
                Ok(None)
            }
        }
    }
}

/// SEC-02 thresholds: the defaults with any `SEC02_*` variable applied.
#[cfg(target_arch = "wasm32")]
pub fn thresholds_from(env: &worker::Env) -> Thresholds {
    let set: Vec<(String, String)> = Thresholds::var_names()
        .into_iter()
        .filter_map(|n| env.var(&n).ok().map(|v| (n, v.to_string())))
        .collect();
    Thresholds::default()
        .with_vars(set.iter().map(|(n, v)| (n.as_str(), v.as_str())))
        .unwrap_or_else(|e| {
            worker::console_error!("SEC02 settings ignored: {e}");
            Thresholds::default()
        })
}
