//! The writer contract and OBS-WATCHDOG-01 against the real ops-db schema.

use futures::executor::block_on;
use rtopacks_domain::observatory::{watchdog_cutoff, StepStatus, TriggeredBy, WATCHDOG_ERROR};
use rtopacks_domain::time::parse_iso;
use rtopacks_store::observatory::{
    steps_for_run, sweep_stuck_steps, upsert_step, StepRow, StepWrite,
};
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::{Db, Statement};

const NOW: &str = "2026-11-24T10:00:00Z";

fn write<'a>(
    step: &'a str,
    status: StepStatus,
    error: Option<&'a str>,
    started: Option<&'a str>,
) -> StepWrite<'a> {
    StepWrite {
        run_id: "tga-sync-2026-11-24",
        sync_type: "tga_sync",
        step,
        status,
        triggered_by: TriggeredBy::Cron,
        records_in: Some(10),
        records_out: None,
        error,
        started_at: started,
        completed_at: None,
        now: NOW,
    }
}

fn steps(db: &SqliteDb) -> Vec<StepRow> {
    block_on(steps_for_run(db, "tga-sync-2026-11-24")).unwrap()
}

fn running_since(db: &SqliteDb, step: &str, started: &str, error: Option<&str>) {
    block_on(db.run(upsert_step(&write(
        step,
        StepStatus::Running,
        error,
        Some(started),
    ))))
    .unwrap();
}

#[test]
fn upserts_keep_one_row_per_step_and_overwrite_the_error() {
    let db = SqliteDb::migrated("ops-db").unwrap();
    block_on(db.run(upsert_step(&write(
        "sync_orgs",
        StepStatus::Failed,
        Some("HTTP 500"),
        None,
    ))))
    .unwrap();
    block_on(db.run(upsert_step(&write(
        "sync_orgs",
        StepStatus::Complete,
        None,
        None,
    ))))
    .unwrap();
    let rows = steps(&db);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, "complete");
    assert_eq!(
        rows[0].error, None,
        "a successful retry must clear the old error (not COALESCE)"
    );
    assert_eq!(rows[0].records_in, Some(10));
}

#[test]
fn a_plain_insert_collides_with_the_unique_index() {
    // TEQSA-FIX-03: the failure the contract exists for. It must be loud, not silent.
    let db = SqliteDb::migrated("ops-db").unwrap();
    let plain = || {
        Statement::new(
            "INSERT INTO tga_sync_steps (run_id, sync_type, step, status, created_at)
             VALUES ('r1', 'teqsa_sync', 'sync_providers', 'running', ?1)",
        )
        .bind(NOW)
    };
    block_on(db.run(plain())).unwrap();
    let err = block_on(db.run(plain())).unwrap_err();
    assert!(err.to_string().contains("UNIQUE"), "{err}");
}

#[test]
fn the_guides_sync_steps_query_runs_against_the_view() {
    let db = SqliteDb::migrated("ops-db").unwrap();
    block_on(db.run(upsert_step(&write(
        "sync_training",
        StepStatus::Failed,
        Some("boom"),
        None,
    ))))
    .unwrap();
    let rows: Vec<serde_json::Value> = block_on(db.all(Statement::new(
        "SELECT run_id, sync_type, step, error, created_at FROM sync_steps WHERE status = 'failed' ORDER BY created_at DESC",
    )))
    .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["error"], "boom");
}

#[test]
fn watchdog_sweeps_six_minutes_not_four_and_keeps_an_existing_error() {
    let db = SqliteDb::migrated("ops-db").unwrap();
    running_since(&db, "sync_training", "2026-11-24T09:54:00Z", None); // 6 minutes ago
    running_since(&db, "sync_orgs", "2026-11-24T09:56:00Z", None); // 4 minutes ago
    running_since(
        &db,
        "training_refresh",
        "2026-11-24T09:50:00Z",
        Some("isolate killed at page 7"),
    );
    block_on(db.run(upsert_step(&write(
        "write_log",
        StepStatus::Complete,
        None,
        Some("2026-11-24T09:00:00Z"),
    ))))
    .unwrap();

    let cutoff = watchdog_cutoff(parse_iso(NOW).unwrap());
    let swept = block_on(db.run(sweep_stuck_steps(&cutoff, NOW)))
        .unwrap()
        .changes;
    assert_eq!(swept, 2);

    let by_step = |s: &str| steps(&db).into_iter().find(|r| r.step == s).unwrap();
    let t = by_step("sync_training");
    assert_eq!(
        (t.status.as_str(), t.error.as_deref()),
        ("timed_out", Some(WATCHDOG_ERROR))
    );
    assert_eq!(
        t.completed_at.as_deref(),
        Some(NOW),
        "completed_at is bound ISO, not datetime('now')"
    );
    assert_eq!(by_step("sync_orgs").status, "running");
    let r = by_step("training_refresh");
    assert_eq!(
        (r.status.as_str(), r.error.as_deref()),
        ("timed_out", Some("isolate killed at page 7"))
    );
    assert_eq!(by_step("write_log").status, "complete");
}

#[test]
fn datetime_now_minus_five_minutes_against_iso_text_sweeps_nothing() {
    // The original watchdog compared ISO `...T...Z` text with SQLite's `datetime()` text.
    // Same day, `' '` (0x20) < `'T'` (0x54): the stored value is never "less than" the
    // cutoff, so a row stuck for hours is not swept. Pinned to a fixed "now" so the test
    // does not depend on the wall clock; the shape is the old query's exactly.
    let db = SqliteDb::migrated("ops-db").unwrap();
    running_since(&db, "sync_training", "2026-11-24T07:00:00Z", None); // three hours stuck
    let old = Statement::new(
        "UPDATE tga_sync_steps SET status = 'timed_out'
          WHERE status = 'running' AND started_at < datetime(?1, '-5 minutes')",
    )
    .bind("2026-11-24 10:00:00");
    assert_eq!(
        block_on(db.run(old)).unwrap().changes,
        0,
        "the lexical gotcha swept something?"
    );
    assert_eq!(steps(&db)[0].status, "running");

    let fixed = sweep_stuck_steps(&watchdog_cutoff(parse_iso(NOW).unwrap()), NOW);
    assert_eq!(block_on(db.run(fixed)).unwrap().changes, 1);
    assert_eq!(steps(&db)[0].status, "timed_out");
}
