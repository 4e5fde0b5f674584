//! The worker side of every sync chain (tga-sync, cricos-sync, enrich-sync): the cron
//! starts a cycle, an authenticated `POST /trigger` resumes one from the stored pointer,
//! and each queue message runs one phase invocation. Only the phases differ per worker,
//! behind [`PhaseRunner`].

use rtopacks_domain::observatory::TriggeredBy;
use rtopacks_domain::sync::SyncKind;
use rtopacks_store::{D1Db, Db, StoreError};
use worker::{console_error, console_log, Env, MessageBatch, MessageExt, Request, Response};

use crate::bindings::{secrets, vars, OPS_DB};
use crate::chain::{Advance, Chain, PhaseMessage, PhaseRunner, QueueChain};
use crate::error::ApiError;
use crate::{auth, clock, email, notify};

fn store_err(e: StoreError) -> worker::Error {
    worker::Error::RustError(e.to_string())
}

/// A text variable, or its default when unset.
pub fn var(env: &Env, name: &str, default: &str) -> String {
    env.var(name)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| default.to_owned())
}

/// A numeric variable, or its default when unset or unreadable.
pub fn var_num<T: std::str::FromStr>(env: &Env, name: &str, default: T) -> T {
    env.var(name)
        .ok()
        .and_then(|v| v.to_string().parse().ok())
        .unwrap_or(default)
}

fn describe(adv: &Advance) -> serde_json::Value {
    match adv {
        Advance::Sent(m) => {
            serde_json::json!({"run_id": m.run_id, "phase": m.phase, "status": "dispatched"})
        }
        Advance::ChainFailed { next_phase, error } => {
            serde_json::json!({"phase": next_phase, "status": "chain_failed", "error": error})
        }
        Advance::Finished(s) => serde_json::json!({"status": s.as_str()}),
    }
}

/// Cron: start a new cycle.
pub async fn on_cron(env: &Env, kind: SyncKind, queue: &str) -> worker::Result<()> {
    let now = clock::now(env).await?;
    let (ops, q) = (D1Db(env.d1(OPS_DB)?), QueueChain(env.queue(queue)?));
    let adv = Chain::new(&ops, &q, kind)
        .start(TriggeredBy::Cron, now)
        .await
        .map_err(store_err)?;
    console_log!("{}: cycle started: {}", kind.worker(), describe(&adv));
    Ok(())
}

/// `POST /trigger` (Bearer `TRIGGER_TOKEN`): resume the unfinished cycle from its pointer,
/// or start a manual one. Anything else is a 404/405 in the error envelope.
pub async fn on_fetch(
    req: Request,
    env: &Env,
    kind: SyncKind,
    queue: &str,
) -> worker::Result<Response> {
    let path = req.path();
    if path != "/trigger" {
        return ApiError::not_found(format!("no route {path}; use POST /trigger")).into_response();
    }
    if let Some(refused) = operator_only(&req, env)? {
        return Ok(refused);
    }
    let now = clock::now(env).await?;
    let (ops, q) = (D1Db(env.d1(OPS_DB)?), QueueChain(env.queue(queue)?));
    match Chain::new(&ops, &q, kind).resume(now).await {
        Ok(adv) => Ok(Response::from_json(&describe(&adv))?.with_status(202)),
        Err(e) => {
            console_error!("{}: trigger failed: {e}", kind.worker());
            ApiError::internal().into_response()
        }
    }
}

/// The operator endpoints of a sync worker (`/trigger`, `/backfill`): POST with the Bearer
/// `TRIGGER_TOKEN` (compared in constant time). `Some(response)` refuses the request.
pub fn operator_only(req: &Request, env: &Env) -> worker::Result<Option<Response>> {
    if req.method() != worker::Method::Post {
        return ApiError::method_not_allowed().into_response().map(Some);
    }
    let token = env
        .secret(secrets::TRIGGER_TOKEN)
        .map(|s| s.to_string())
        .unwrap_or_default();
    if !auth::bearer_matches(req.headers().get("Authorization")?.as_deref(), &token) {
        return ApiError::unauthorized("a valid bearer token is required")
            .into_response()
            .map(Some);
    }
    Ok(None)
}

/// Queue: one phase invocation per message. Every message is acked or retried on its own;
/// a body that is not a phase message is acked and logged (it can never become one).
pub async fn on_queue(
    batch: MessageBatch<serde_json::Value>,
    env: &Env,
    kind: SyncKind,
    queue: &str,
    runner: &impl PhaseRunner,
) -> worker::Result<()> {
    let (ops, q) = (D1Db(env.d1(OPS_DB)?), QueueChain(env.queue(queue)?));
    let chain = Chain::new(&ops, &q, kind);
    for raw in batch.raw_iter() {
        let msg: PhaseMessage = match serde_wasm_bindgen::from_value(raw.body()) {
            Ok(m) => m,
            Err(e) => {
                console_error!(
                    "{}: dropping a message that is not a phase message: {e}",
                    kind.worker()
                );
                raw.ack();
                continue;
            }
        };
        match run_one(env, &chain, kind, runner, &msg).await {
            Ok(()) => raw.ack(),
            Err(e) => {
                // Bookkeeping failed before the phase could be recorded (D1 unavailable):
                // a retry is safe, the sequence number guards against double runs.
                console_error!("{}: {} {}: {e}", kind.worker(), msg.run_id, msg.phase);
                raw.retry();
            }
        }
    }
    Ok(())
}

async fn run_one(
    env: &Env,
    chain: &Chain<'_, D1Db, QueueChain>,
    kind: SyncKind,
    runner: &impl PhaseRunner,
    msg: &PhaseMessage,
) -> worker::Result<()> {
    rtopacks_store::reset_queries();
    let now = clock::now(env).await?;
    let Some(state) = chain.accept(msg, now).await.map_err(store_err)? else {
        console_log!(
            "{}: stale message {} {} seq {} ignored",
            kind.worker(),
            msg.run_id,
            msg.phase,
            msg.seq
        );
        return Ok(());
    };
    let outcome = match runner.run_phase(msg, state, now).await {
        Ok(o) => o,
        Err(e) => {
            chain
                .fatal(msg, &e.to_string(), clock::now(env).await?)
                .await
                .map_err(store_err)?;
            return Ok(());
        }
    };
    let done = clock::now(env).await?;
    let advance = chain
        .finish_phase(msg, outcome, done)
        .await
        .map_err(store_err)?;
    record_queries(chain.ops, kind, msg, done).await?;
    if let Advance::Finished(status) = advance {
        let from = var(env, vars::EMAIL_FROM, "RTOpacks <noreply@rtopacks.com.au>");
        let to = var(env, vars::ADMIN_EMAIL, "admin@rtopacks.com.au");
        let mail = notify::cycle_email(chain.ops, kind, &msg.run_id, status, &from, &to)
            .await
            .map_err(store_err)?;
        let (mode, transport) = email::from_env(env);
        if let Err(e) = email::send(chain.ops, &transport, mode, &mail, done).await {
            console_error!("{}: cycle email: {e}", kind.worker()); // recorded in the outbox as failed
        }
    }
    Ok(())
}

/// The invocation's D1 query count, as an `ops_log` line (the bound the phases are built
/// to: D1 allows 1,000 queries per invocation). Tests and bench-sync read these.
async fn record_queries(
    ops: &D1Db,
    kind: SyncKind,
    msg: &PhaseMessage,
    now: chrono::DateTime<chrono::Utc>,
) -> worker::Result<()> {
    let n = rtopacks_store::queries();
    let detail = serde_json::json!({"phase": msg.phase, "seq": msg.seq, "queries": n});
    ops.run(rtopacks_store::observatory::ops_log(
        Some(&msg.run_id),
        kind.worker(),
        "info",
        &format!("{} seq {}: {n} D1 queries", msg.phase, msg.seq),
        &detail,
        &rtopacks_domain::time::iso(now),
    ))
    .await
    .map_err(store_err)?;
    Ok(())
}
