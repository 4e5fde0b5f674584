//! `ops-db` observatory tables: the step writer contract and the OBS-WATCHDOG-01 sweep.
//!
//! One steps table (`tga_sync_steps`) serves every sync type; `sync_steps` is a view of it.

use rtopacks_domain::observatory::{StepStatus, TriggeredBy, WATCHDOG_ERROR};
use serde::{Deserialize, Serialize};

use crate::{Db, Statement, StoreError};

/// One step row as written and read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepRow {
    pub run_id: String,
    pub sync_type: String,
    pub step: String,
    pub status: String,
    pub triggered_by: Option<String>,
    pub records_in: Option<i64>,
    pub records_out: Option<i64>,
    pub error: Option<String>,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    pub created_at: String,
}

/// What a writer says about a step. `None` counts leave the stored counts alone.
#[derive(Debug, Clone)]
pub struct StepWrite<'a> {
    pub run_id: &'a str,
    pub sync_type: &'a str,
    pub step: &'a str,
    pub status: StepStatus,
    pub triggered_by: TriggeredBy,
    pub records_in: Option<i64>,
    pub records_out: Option<i64>,
    pub error: Option<&'a str>,
    pub started_at: Option<&'a str>,
    pub completed_at: Option<&'a str>,
    pub now: &'a str,
}

/// The writer contract: every write is an upsert on the unique (run_id, sync_type, step).
/// A plain INSERT would collide with that index and, swallowed, leave the row `running`
/// (TEQSA-FIX-03). `error = excluded.error`, not COALESCE: a retry that succeeds clears
/// the previous attempt's error ("partial — 0 records" fix). Status and completion are
/// overwritten; start time and counts are kept when the new write does not carry them.
pub fn upsert_step(w: &StepWrite<'_>) -> Statement {
    Statement::new(
        "INSERT INTO tga_sync_steps
           (run_id, sync_type, step, status, triggered_by, records_in, records_out,
            error, started_at, completed_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT(run_id, sync_type, step) DO UPDATE SET
           status       = excluded.status,
           triggered_by = excluded.triggered_by,
           records_in   = COALESCE(excluded.records_in, tga_sync_steps.records_in),
           records_out  = COALESCE(excluded.records_out, tga_sync_steps.records_out),
           error        = excluded.error,
           started_at   = COALESCE(excluded.started_at, tga_sync_steps.started_at),
           completed_at = excluded.completed_at",
    )
    .bind(w.run_id)
    .bind(w.sync_type)
    .bind(w.step)
    .bind(w.status.as_str())
    .bind(w.triggered_by.as_str())
    .bind(w.records_in)
    .bind(w.records_out)
    .bind(w.error)
    .bind(w.started_at)
    .bind(w.completed_at)
    .bind(w.now)
}

/// OBS-WATCHDOG-01 (post-WATCHDOG-FIX-01): rows `running` since before `cutoff` become
/// `timed_out`. Both times are bound ISO text built in code; an error the worker already
/// wrote is kept (COALESCE here is deliberate, unlike the writer contract).
pub fn sweep_stuck_steps(cutoff: &str, now: &str) -> Statement {
    Statement::new(
        "UPDATE tga_sync_steps
            SET status = 'timed_out',
                completed_at = ?2,
                error = COALESCE(error, ?3)
          WHERE status = 'running' AND started_at < ?1",
    )
    .bind(cutoff)
    .bind(now)
    .bind(WATCHDOG_ERROR)
}

/// Every step of a run, in write order.
pub async fn steps_for_run(db: &impl Db, run_id: &str) -> Result<Vec<StepRow>, StoreError> {
    db.all(
        Statement::new(
            "SELECT run_id, sync_type, step, status, triggered_by, records_in, records_out,
                    error, started_at, completed_at, created_at
               FROM tga_sync_steps WHERE run_id = ?1 ORDER BY id",
        )
        .bind(run_id),
    )
    .await
}

/// An `ops_log` line, of a run or of none.
pub fn ops_log(
    run_id: Option<&str>,
    source: &str,
    level: &str,
    message: &str,
    detail: &serde_json::Value,
    now: &str,
) -> Statement {
    Statement::new(
        "INSERT INTO ops_log (run_id, source, level, message, detail, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(run_id)
    .bind(source)
    .bind(level)
    .bind(message)
    .bind(detail.to_string())
    .bind(now)
}
