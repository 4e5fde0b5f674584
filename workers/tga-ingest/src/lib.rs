//! rtopacks-tga-ingest: consumer of `rtopacks-ingest-queue`. Each message enriches one RTO
//! from the TGA REST API into `rtos`, the `rto_*` tables and the scope table. Every
//! message is settled on its own: continued or retried by re-sending it (the attempt count
//! travels in the body), dead-lettered to `rtopacks-ingest-dlq` with its reason when it is
//! poison or out of attempts. Nothing in one message can fail the batch.

use rtopacks_edge::bindings::vars;
use rtopacks_edge::clock;
use rtopacks_edge::outbound::WorkerHttp;
use rtopacks_edge::sync_worker::{var, var_num};
use rtopacks_store::D1Db;
use rtopacks_sync::ingest::{parse_message, Action, Ingest};
use rtopacks_upstream::tga_rest;
use worker::{
    console_error, console_log, event, Context, Env, MessageBatch, MessageBuilder, MessageExt,
};

const INGEST_QUEUE: &str = "INGEST_QUEUE";
const INGEST_DLQ: &str = "INGEST_DLQ";

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(queue)]
async fn queue(
    batch: MessageBatch<serde_json::Value>,
    env: Env,
    _ctx: Context,
) -> worker::Result<()> {
    let db = D1Db(env.d1(rtopacks_edge::bindings::RTOPACKS_DB)?);
    let base = var(&env, vars::TGA_REST_BASE, tga_rest::BASE);
    let http = WorkerHttp { timeout_ms: 30_000 };
    let ingest = Ingest {
        base: &base,
        ..Ingest::new(&http, &db)
    };
    let retry_base: u32 = var_num(&env, "INGEST_RETRY_BASE_SECONDS", 30);
    let (requeue, dlq) = (env.queue(INGEST_QUEUE)?, env.queue(INGEST_DLQ)?);

    for raw in batch.raw_iter() {
        let body: serde_json::Value =
            serde_wasm_bindgen::from_value(raw.body()).unwrap_or(serde_json::Value::Null);
        let msg = match parse_message(&body) {
            Ok(m) => m,
            Err(reason) => {
                console_error!("tga-ingest: poison message {body}: {reason}");
                match dlq
                    .send(serde_json::json!({ "body": body, "reason": reason }))
                    .await
                {
                    Ok(()) => raw.ack(),
                    Err(_) => raw.retry(), // the platform dead-letters it after max_retries
                }
                continue;
            }
        };
        let now = clock::now(&env).await?;
        let settled = match ingest.handle(&msg, retry_base, now).await {
            Ok(Action::Done) => Ok(()),
            Ok(Action::Requeue {
                msg: next,
                delay_seconds,
            }) => {
                requeue
                    .send(
                        MessageBuilder::new(next)
                            .delay_seconds(delay_seconds)
                            .build(),
                    )
                    .await
            }
            Ok(Action::DeadLetter { reason }) => {
                console_log!("tga-ingest: {} dead-lettered: {reason}", msg.rto_code);
                dlq.send(serde_json::json!({ "body": body, "reason": reason }))
                    .await
            }
            Err(e) => Err(worker::Error::RustError(e.to_string())),
        };
        match settled {
            Ok(()) => raw.ack(),
            Err(e) => {
                // D1 or the queue failed: let the platform redeliver (safe: writes are upserts).
                console_error!("tga-ingest: {}: {e}", msg.rto_code);
                raw.retry();
            }
        }
    }
    Ok(())
}
