//! cricos-sync (cron `0 18 1 * *`, 4am AEST on the 1st): the CRICOS register into
//! rtopacks-db, one phase per invocation through `cricos-sync-queue`.

use rtopacks_domain::sync::SyncKind;
use rtopacks_edge::bindings::{vars, CRICOS_SYNC_QUEUE, OPS_DB, RTOPACKS_DB};
use rtopacks_edge::outbound::{RetryPolicy, WorkerHttp};
use rtopacks_edge::sync_worker::{on_cron, on_fetch, on_queue, var, var_num};
use rtopacks_store::D1Db;
use rtopacks_sync::cricos::{Cricos, Settings};
use rtopacks_upstream::ckan::DATA_GOV_AU;
use worker::{
    event, Context, Env, MessageBatch, Request, Response, ScheduleContext, ScheduledEvent,
};

const KIND: SyncKind = SyncKind::CricosSync;

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(scheduled)]
async fn scheduled(_e: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    if let Err(e) = on_cron(&env, KIND, CRICOS_SYNC_QUEUE).await {
        worker::console_error!("cricos-sync: cron: {e}");
    }
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    on_fetch(req, &env, KIND, CRICOS_SYNC_QUEUE).await
}

#[event(queue)]
async fn queue(
    batch: MessageBatch<serde_json::Value>,
    env: Env,
    _ctx: Context,
) -> worker::Result<()> {
    let base = var(&env, vars::CKAN_BASE, DATA_GOV_AU);
    let defaults = Settings::default();
    let settings = Settings {
        page_size: var_num(&env, vars::CKAN_PAGE_SIZE, defaults.page_size),
        pages_per_invocation: var_num(
            &env,
            vars::PAGES_PER_INVOCATION,
            defaults.pages_per_invocation,
        ),
        drop_threshold_pct: var_num(
            &env,
            vars::SENTINEL_DROP_THRESHOLD_PCT,
            defaults.drop_threshold_pct,
        ),
        retry: RetryPolicy::default(),
    };
    let (corpus, ops) = (D1Db(env.d1(RTOPACKS_DB)?), D1Db(env.d1(OPS_DB)?));
    let runner = Cricos {
        http: &WorkerHttp { timeout_ms: 30_000 },
        corpus: &corpus,
        ops: &ops,
        base: &base,
        settings,
    };
    on_queue(batch, &env, KIND, CRICOS_SYNC_QUEUE, &runner).await
}
