//! The step writer as sync workers use it, natively against the ops-db schema.

use futures::executor::block_on;
use rtopacks_domain::observatory::{StepStatus, TriggeredBy};
use rtopacks_domain::time::parse_iso;
use rtopacks_edge::observatory::StepWriter;
use rtopacks_edge::warmer;
use rtopacks_store::observatory::{steps_for_run, upsert_step, StepRow, StepWrite};
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::{Db, Statement};

fn t(s: &str) -> chrono::DateTime<chrono::Utc> {
    parse_iso(s).unwrap()
}

fn rows(db: &SqliteDb, run: &str) -> Vec<StepRow> {
    block_on(steps_for_run(db, run)).unwrap()
}

fn find<'a>(rows: &'a [StepRow], step: &str) -> &'a StepRow {
    rows.iter()
        .find(|r| r.step == step)
        .unwrap_or_else(|| panic!("no {step} row"))
}

#[test]
fn init_seeds_pending_rows_then_phases_move_through_running_to_complete() {
    let db = SqliteDb::migrated("ops-db").unwrap();
    let w = StepWriter::new(&db, "run-1", "cricos_sync", TriggeredBy::Manual);
    block_on(w.init(
        &["ingest_institutions", "ingest_courses"],
        t("2026-11-24T10:00:00Z"),
    ))
    .unwrap();
    let r = rows(&db, "run-1");
    assert_eq!(find(&r, "init").status, "complete");
    assert_eq!(find(&r, "ingest_courses").status, "pending");
    assert_eq!(find(&r, "ingest_courses").started_at, None);

    block_on(w.start("ingest_institutions", Some(1565), t("2026-11-24T10:00:05Z"))).unwrap();
    let r = rows(&db, "run-1");
    let s = find(&r, "ingest_institutions");
    assert_eq!(
        (s.status.as_str(), s.started_at.as_deref()),
        ("running", Some("2026-11-24T10:00:05Z"))
    );

    block_on(w.complete("ingest_institutions", 1565, 1565, t("2026-11-24T10:01:00Z"))).unwrap();
    let r = rows(&db, "run-1");
    let s = find(&r, "ingest_institutions");
    assert_eq!(s.status, "complete");
    assert_eq!((s.records_in, s.records_out), (Some(1565), Some(1565)));
    assert_eq!(
        s.started_at.as_deref(),
        Some("2026-11-24T10:00:05Z"),
        "completion keeps the start time"
    );
    assert_eq!(s.completed_at.as_deref(), Some("2026-11-24T10:01:00Z"));
    assert_eq!(s.triggered_by.as_deref(), Some("manual"));

    // A resumed run re-seeding does not reset finished work.
    block_on(w.init(
        &["ingest_institutions", "ingest_courses"],
        t("2026-11-24T11:00:00Z"),
    ))
    .unwrap();
    assert_eq!(
        find(&rows(&db, "run-1"), "ingest_institutions").status,
        "complete"
    );
}

#[test]
fn a_failure_then_a_successful_retry_leaves_no_stale_error() {
    let db = SqliteDb::migrated("ops-db").unwrap();
    let w = StepWriter::new(&db, "run-2", "tga_sync", TriggeredBy::Cron);
    block_on(w.start("sync_orgs", None, t("2026-11-24T10:00:00Z"))).unwrap();
    block_on(w.fail(
        "sync_orgs",
        "TGA SOAP fault: quota exceeded",
        t("2026-11-24T10:00:30Z"),
    ))
    .unwrap();
    assert_eq!(find(&rows(&db, "run-2"), "sync_orgs").status, "failed");
    block_on(w.start("sync_orgs", None, t("2026-11-24T10:10:00Z"))).unwrap();
    let r = rows(&db, "run-2");
    let s = find(&r, "sync_orgs");
    assert_eq!(
        (
            s.status.as_str(),
            s.error.as_deref(),
            s.completed_at.as_deref()
        ),
        ("running", None, None)
    );
    assert_eq!(
        s.started_at.as_deref(),
        Some("2026-11-24T10:10:00Z"),
        "the watchdog measures the new attempt"
    );
}

#[test]
fn chain_failures_and_fatals_are_failed_rows_with_the_documented_text() {
    let db = SqliteDb::migrated("ops-db").unwrap();
    let w = StepWriter::new(&db, "run-3", "tga_sync", TriggeredBy::Cron);
    block_on(w.chain_failed("sync_orgs", "Queue send failed", t("2026-11-24T10:00:00Z"))).unwrap();
    block_on(w.fatal("panic in parse_page", t("2026-11-24T10:00:01Z"))).unwrap();
    let r = rows(&db, "run-3");
    let c = find(&r, "chain_failed");
    assert_eq!(c.status, "failed");
    assert!(c
        .error
        .as_deref()
        .unwrap()
        .starts_with("chain_break: queue send failed advancing to phase=sync_orgs"));
    assert_eq!(find(&r, "fatal").status, "failed");
}

#[test]
fn the_warmer_sweep_logs_what_it_caught_and_stays_quiet_otherwise() {
    let db = SqliteDb::migrated("ops-db").unwrap();
    let now = t("2026-11-24T10:00:00Z");
    assert_eq!(block_on(warmer::sweep(&db, now)).unwrap(), 0);
    let stuck = StepWrite {
        run_id: "run-4",
        sync_type: "tga_sync",
        step: "sync_training",
        status: StepStatus::Running,
        triggered_by: TriggeredBy::Cron,
        records_in: None,
        records_out: None,
        error: None,
        started_at: Some("2026-11-24T09:40:00Z"),
        completed_at: None,
        now: "2026-11-24T09:40:00Z",
    };
    block_on(db.run(upsert_step(&stuck))).unwrap();
    assert_eq!(block_on(warmer::sweep(&db, now)).unwrap(), 1);
    assert_eq!(
        block_on(warmer::sweep(&db, now)).unwrap(),
        0,
        "a second sweep finds nothing new"
    );
    let logs: Vec<serde_json::Value> =
        block_on(db.all(Statement::new("SELECT source, level, detail FROM ops_log"))).unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0]["source"], "d1-warmer");
    assert!(block_on(warmer::warm(&db)).unwrap() > 10);
}
