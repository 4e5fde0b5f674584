//! d1-warmer's two duties: a cheap query per bound database, and OBS-WATCHDOG-01.

use chrono::{DateTime, Utc};
use rtopacks_domain::observatory::watchdog_cutoff;
use rtopacks_domain::time::iso;
use rtopacks_store::observatory::{ops_log, sweep_stuck_steps};
use rtopacks_store::{Db, Statement, StoreError};
use serde::Deserialize;

#[derive(Deserialize)]
struct Tables {
    tables: i64,
}

/// One cheap read that touches the database file (its schema page): keeps it warm and
/// tells how many tables it holds (its own, not SQLite's or D1's internal ones).
pub async fn warm(db: &impl Db) -> Result<i64, StoreError> {
    let row: Option<Tables> = db
        .first(Statement::new(
            "SELECT count(*) AS tables FROM sqlite_master
              WHERE type = 'table' AND name NOT GLOB 'sqlite_*' AND name NOT GLOB '_cf_*'",
        ))
        .await?;
    Ok(row.map_or(0, |r| r.tables))
}

/// Mark every step stuck in `running` for more than five minutes as `timed_out`, and log
/// the sweep in `ops_log` when it caught anything. Returns the rows swept.
pub async fn sweep(ops: &impl Db, now: DateTime<Utc>) -> Result<u64, StoreError> {
    let at = iso(now);
    let cutoff = watchdog_cutoff(now);
    let swept = ops.run(sweep_stuck_steps(&cutoff, &at)).await?.changes;
    if swept > 0 {
        let detail = serde_json::json!({ "swept": swept, "cutoff": cutoff });
        ops.run(ops_log(
            None,
            "d1-warmer",
            "warn",
            "watchdog swept steps stuck running > 5 minutes",
            &detail,
            &at,
        ))
        .await?;
    }
    Ok(swept)
}
