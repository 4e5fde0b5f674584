//! rtopacks-d1-warmer (cron `*/10 * * * *`): a cheap query against every database it
//! binds, then the OBS-WATCHDOG-01 sweep of steps stuck `running`, then a heartbeat.
//! One database failing to answer never stops the others or the sweep.

use rtopacks_domain::time::iso;
use rtopacks_edge::bindings::{ABS_DB, OPS_DB, RTOPACKS_DB, SESSION_KV};
use rtopacks_edge::{clock, warmer};
use rtopacks_store::D1Db;
use worker::{console_error, console_log, event, Env, ScheduleContext, ScheduledEvent};

/// The databases kept warm, by binding.
const WARMED: [&str; 3] = [RTOPACKS_DB, OPS_DB, ABS_DB];

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    if let Err(e) = run(&env).await {
        console_error!("d1-warmer: {e}");
    }
}

async fn run(env: &Env) -> worker::Result<()> {
    let now = clock::now(env).await?;
    let mut warmed = serde_json::Map::new();
    for binding in WARMED {
        let outcome = match env.d1(binding) {
            Ok(db) => warmer::warm(&D1Db(db)).await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match outcome {
            Ok(tables) => warmed.insert(binding.into(), tables.into()),
            Err(e) => {
                console_error!("d1-warmer: warming {binding} failed: {e}");
                warmed.insert(binding.into(), format!("error: {e}").into())
            }
        };
    }
    let swept = warmer::sweep(&D1Db(env.d1(OPS_DB)?), now)
        .await
        .map_err(|e| worker::Error::RustError(format!("watchdog sweep: {e}")))?;
    console_log!("d1-warmer: swept {swept} stuck step(s)");
    // One heartbeat write per 10 minutes: well inside KV's 1 write/s per key.
    let beat = serde_json::json!({ "at": iso(now), "swept": swept, "warmed": warmed });
    env.kv(SESSION_KV)?
        .put("heartbeat:d1-warmer", beat.to_string())?
        .execute()
        .await?;
    Ok(())
}
