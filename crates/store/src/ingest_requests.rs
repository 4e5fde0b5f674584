//! On-demand enrichment requests (`ops-db.ingest_requests`): the public site queues an
//! RTO on `rtopacks-ingest-queue` when someone visits its page before tga-ingest has
//! enriched it, at most once per code per window however many people visit.
//!
//! One conditional upsert decides: it writes (and so lets a message through) only when
//! the code has no request yet or its last one is older than the window; a visit inside
//! the window changes nothing and costs one statement with no write. The decision is the
//! database's, so two visits at the same moment cannot both win. Per-visit state lives
//! here in D1, never in KV (rapid KV writes fail transiently).

use chrono::{DateTime, Duration, Utc};
use rtopacks_domain::codes::RtoCode;
use rtopacks_domain::time::iso;

use crate::{Db, Statement, StoreError};

/// How long one request covers: long enough for tga-ingest to work through its queue
/// (retries included), short enough that a failed enrichment is asked for again the same
/// day.
pub const WINDOW: Duration = Duration::hours(6);

/// The upsert behind [`claim_request`]: `?3` is the window's start, bound from code.
pub fn claim_statement(code: &RtoCode, now: DateTime<Utc>, window: Duration) -> Statement {
    Statement::new(
        "INSERT INTO ingest_requests (rto_code, requested_at, first_requested_at, requests)
         VALUES (?1, ?2, ?2, 1)
         ON CONFLICT (rto_code) DO UPDATE
           SET requested_at = excluded.requested_at, requests = ingest_requests.requests + 1
           WHERE ingest_requests.requested_at <= ?3",
    )
    .bind(code.as_str())
    .bind(iso(now))
    .bind(iso(now - window))
}

/// Whether this visit is the one that sends the message for `code` (true at most once
/// per `window`). One statement.
pub async fn claim_request(
    ops: &impl Db,
    code: &RtoCode,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<bool, StoreError> {
    Ok(ops.run(claim_statement(code, now, window)).await?.changes == 1)
}

/// The message could not be sent after [`claim_request`] said to: hand the request back
/// (its time moved to the window's start) so the next visit tries again instead of
/// waiting out the window. Only this visit's own claim is undone.
pub async fn release_request(
    ops: &impl Db,
    code: &RtoCode,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<(), StoreError> {
    ops.run(
        Statement::new(
            "UPDATE ingest_requests SET requested_at = ?3, requests = requests - 1
              WHERE rto_code = ?1 AND requested_at = ?2",
        )
        .bind(code.as_str())
        .bind(iso(now))
        .bind(iso(now - window)),
    )
    .await?;
    Ok(())
}
