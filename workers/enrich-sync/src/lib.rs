//! enrich-sync (cron `0 12 * * SAT`, Sunday 10pm AEST): a rotating sweep that enriches
//! every organisation from the TGA REST API, self-chaining through `enrich-sync-queue`
//! until the sweep is complete. `POST /backfill` (BACKFILL-01, same bearer token as
//! `/trigger`) queues every unenriched code on `rtopacks-ingest-queue` for tga-ingest.

use rtopacks_domain::sync::SyncKind;
use rtopacks_edge::bindings::{vars, ENRICH_SYNC_QUEUE, INGEST_QUEUE, OPS_DB, RTOPACKS_DB};
use rtopacks_edge::error::ApiError;
use rtopacks_edge::outbound::WorkerHttp;
use rtopacks_edge::sync_worker::{on_cron, on_fetch, on_queue, operator_only, var, var_num};
use rtopacks_store::rtos::IngestSource;
use rtopacks_store::D1Db;
use rtopacks_sync::enrich::{unenriched_codes, EnrichSync, Settings};
use rtopacks_sync::ingest::{Ingest, IngestMessage};
use rtopacks_upstream::tga_rest;
use worker::{
    event, Context, Env, MessageBatch, Request, Response, ScheduleContext, ScheduledEvent,
};

const KIND: SyncKind = SyncKind::EnrichSync;
/// Messages per `sendBatch` (the Queues limit is 100).
const SEND_BATCH: usize = 100;

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(scheduled)]
async fn scheduled(_e: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    if let Err(e) = on_cron(&env, KIND, ENRICH_SYNC_QUEUE).await {
        worker::console_error!("enrich-sync: cron: {e}");
    }
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    if req.path() == "/backfill" {
        return backfill(req, &env).await;
    }
    on_fetch(req, &env, KIND, ENRICH_SYNC_QUEUE).await
}

/// BACKFILL-01: one message per unenriched organisation code.
async fn backfill(req: Request, env: &Env) -> worker::Result<Response> {
    if let Some(refused) = operator_only(&req, env)? {
        return Ok(refused);
    }
    let db = D1Db(env.d1(RTOPACKS_DB)?);
    let codes = match unenriched_codes(&db).await {
        Ok(c) => c,
        Err(e) => {
            worker::console_error!("enrich-sync: backfill: {e}");
            return ApiError::internal().into_response();
        }
    };
    let queue = env.queue(INGEST_QUEUE)?;
    for chunk in codes.chunks(SEND_BATCH) {
        let batch: Vec<IngestMessage> = chunk
            .iter()
            .map(|code| IngestMessage {
                rto_code: code.clone(),
                attempt: 0,
                resume: None,
                source: IngestSource::Backfill,
            })
            .collect();
        queue.send_batch(batch).await?;
    }
    worker::console_log!("enrich-sync: BACKFILL-01 queued {} code(s)", codes.len());
    Ok(Response::from_json(&serde_json::json!({"queued": codes.len()}))?.with_status(202))
}

#[event(queue)]
async fn queue(
    batch: MessageBatch<serde_json::Value>,
    env: Env,
    _ctx: Context,
) -> worker::Result<()> {
    let base = var(&env, vars::TGA_REST_BASE, tga_rest::BASE);
    let (corpus, ops) = (D1Db(env.d1(RTOPACKS_DB)?), D1Db(env.d1(OPS_DB)?));
    let http = WorkerHttp { timeout_ms: 30_000 };
    let d = Settings::default();
    let runner = EnrichSync {
        ingest: Ingest {
            base: &base,
            source: IngestSource::EnrichSync,
            ..Ingest::new(&http, &corpus)
        },
        ops: &ops,
        settings: Settings {
            codes_per_invocation: var_num(
                &env,
                vars::ENRICH_CODES_PER_INVOCATION,
                d.codes_per_invocation,
            ),
            max_age_days: var_num(&env, vars::ENRICH_MAX_AGE_DAYS, d.max_age_days),
        },
    };
    on_queue(batch, &env, KIND, ENRICH_SYNC_QUEUE, &runner).await
}
