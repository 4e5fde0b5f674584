//! tga-sync (cron `0 16 * * SAT`, 2am AEST Sunday): the training.gov.au register into
//! rtopacks-db over the SOAP services, one phase per invocation through `tga-sync-queue`.

use rtopacks_domain::sync::SyncKind;
use rtopacks_edge::archive::R2Archive;
use rtopacks_edge::bindings::{secrets, vars, OPS_DB, RTOPACKS_DB, TGA_CONTENT, TGA_SYNC_QUEUE};
use rtopacks_edge::outbound::{RetryPolicy, WorkerHttp};
use rtopacks_edge::sync_worker::{on_cron, on_fetch, on_queue, var, var_num};
use rtopacks_store::D1Db;
use rtopacks_sync::tga::{Settings, Tga};
use rtopacks_upstream::tga_soap::{Credentials, SoapConfig, TgaSoap, PRODUCTION_HOST};
use worker::{
    event, Context, Env, MessageBatch, Request, Response, ScheduleContext, ScheduledEvent,
};

const KIND: SyncKind = SyncKind::TgaSync;

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(scheduled)]
async fn scheduled(_e: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    if let Err(e) = on_cron(&env, KIND, TGA_SYNC_QUEUE).await {
        worker::console_error!("tga-sync: cron: {e}");
    }
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    on_fetch(req, &env, KIND, TGA_SYNC_QUEUE).await
}

fn secret(env: &Env, name: &str) -> String {
    env.secret(name).map(|v| v.to_string()).unwrap_or_default()
}

#[event(queue)]
async fn queue(
    batch: MessageBatch<serde_json::Value>,
    env: Env,
    _ctx: Context,
) -> worker::Result<()> {
    let host = var(&env, vars::TGA_SOAP_HOST, PRODUCTION_HOST);
    let config =
        SoapConfig::from_setting(&var(&env, vars::TGA_SOAP_VERSION, "base")).unwrap_or_default();
    let soap = TgaSoap::new(
        config,
        Credentials {
            username: secret(&env, secrets::TGA_USERNAME),
            password: secret(&env, secrets::TGA_PASSWORD),
        },
    );
    let d = Settings::default();
    let settings = Settings {
        page_size: var_num(&env, vars::TGA_PAGE_SIZE, d.page_size),
        details_per_invocation: var_num(
            &env,
            vars::TGA_DETAILS_PER_INVOCATION,
            d.details_per_invocation,
        ),
        concurrency: d.concurrency,
        refresh_per_cycle: var_num(&env, vars::TGA_REFRESH_PER_CYCLE, d.refresh_per_cycle),
        drop_threshold_pct: var_num(
            &env,
            vars::SENTINEL_DROP_THRESHOLD_PCT,
            d.drop_threshold_pct,
        ),
        retry: RetryPolicy::default(),
    };
    let (corpus, ops) = (D1Db(env.d1(RTOPACKS_DB)?), D1Db(env.d1(OPS_DB)?));
    let archive = R2Archive(env.bucket(TGA_CONTENT)?);
    let runner = Tga {
        http: &WorkerHttp { timeout_ms: 30_000 },
        corpus: &corpus,
        ops: &ops,
        archive: &archive,
        host: &host,
        soap: &soap,
        settings,
    };
    on_queue(batch, &env, KIND, TGA_SYNC_QUEUE, &runner).await
}
