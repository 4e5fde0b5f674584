//! The sync phases, generic over the HTTP client and the databases, so a whole phase runs
//! natively in `cargo test` (fake transport, SQLite) exactly as in the worker (fetch, D1).
//! Upstream and payload failures end a phase as `Failed` with the error text (the cycle
//! carries on, `partial`); database failures are returned as errors (the worker writes
//! `fatal`).
#![allow(async_fn_in_trait)]

pub mod cricos;
pub mod enrich;
pub mod ingest;
pub mod tga;

use rtopacks_store::{Db, Statement, StoreError};

/// How a phase ends early: an upstream or payload failure (a failed step; the cycle goes
/// on) or a database failure (`fatal`).
pub(crate) enum Failure {
    Upstream(String),
    Store(StoreError),
}

impl Failure {
    /// A phase's result as the chain takes it: an upstream failure becomes a failed step,
    /// a database failure stays an error (`fatal`).
    pub(crate) fn settle(
        r: Result<rtopacks_edge::chain::PhaseOutcome, Failure>,
    ) -> Result<rtopacks_edge::chain::PhaseOutcome, StoreError> {
        match r {
            Ok(o) => Ok(o),
            Err(Failure::Upstream(error)) => {
                Ok(rtopacks_edge::chain::PhaseOutcome::Failed { error })
            }
            Err(Failure::Store(e)) => Err(e),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Store(e)
    }
}

impl From<rtopacks_upstream::UpstreamError> for Failure {
    fn from(e: rtopacks_upstream::UpstreamError) -> Self {
        Failure::Upstream(e.to_string())
    }
}

/// The events of a run, written idempotently, with the rows they describe, in one batch.
pub(crate) fn event_statements(
    run_id: &str,
    events: &[rtopacks_domain::events::RegulatoryEvent],
    now: &str,
) -> Vec<Statement> {
    events
        .iter()
        .map(|e| rtopacks_store::sync::insert_event(run_id, e, now))
        .collect()
}

/// An `ops_log` line for the run.
pub(crate) async fn log(
    ops: &impl Db,
    run_id: &str,
    source: &str,
    level: &str,
    message: &str,
    now: &str,
) -> Result<(), StoreError> {
    ops.run(rtopacks_store::observatory::ops_log(
        Some(run_id),
        source,
        level,
        message,
        &serde_json::json!({}),
        now,
    ))
    .await
    .map(drop)
}
