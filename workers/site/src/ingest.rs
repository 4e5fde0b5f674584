//! Asking tga-ingest for an RTO's full detail: the site is `rtopacks-ingest-queue`'s
//! producer. A visit to an RTO that is not enriched yet sends `{"rto_code": "…"}`, at
//! most once per code per window (`store::ingest_requests`: one conditional upsert in
//! ops-db decides, so a busy page sends one message, not one per visit).

use rtopacks_domain::codes::RtoCode;
use rtopacks_edge::bindings::{INGEST_QUEUE, OPS_DB};
use rtopacks_store::ingest_requests::{claim_request, release_request, WINDOW};
use rtopacks_store::D1Db;
use worker::{console_error, console_log};

use crate::ctx::Ctx;

/// The body tga-ingest reads (`rtopacks_sync::ingest::IngestMessage`: the other fields
/// are the consumer's own). A struct, so it crosses to the queue as a plain object.
#[derive(serde::Serialize)]
struct Message<'a> {
    rto_code: &'a str,
}

/// Queue `code` for enrichment unless it was asked for within the window. Whatever goes
/// wrong is logged, never shown: the page shows the register's facts either way.
pub async fn request(ctx: &Ctx<'_>, code: &RtoCode) {
    let ops = match ctx.env.d1(OPS_DB) {
        Ok(db) => D1Db(db),
        Err(e) => return console_error!("site: ingest request {code}: {OPS_DB}: {e}"),
    };
    match claim_request(&ops, code, ctx.now, WINDOW).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => return console_error!("site: ingest request {code}: {e}"),
    }
    let sent = match ctx.env.queue(INGEST_QUEUE) {
        Ok(q) => {
            q.send(Message {
                rto_code: code.as_str(),
            })
            .await
        }
        Err(e) => Err(e),
    };
    match sent {
        Ok(()) => console_log!("site: queued {code} for enrichment"),
        Err(e) => {
            console_error!("site: ingest request {code} not sent: {e}");
            if let Err(e) = release_request(&ops, code, ctx.now, WINDOW).await {
                console_error!("site: ingest request {code} not released: {e}");
            }
        }
    }
}
