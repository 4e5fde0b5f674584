//! Sync chains end to end on SQLite: the cycle, redelivery, send failures, resumption.

use std::cell::{Cell, RefCell};

use chrono::{DateTime, Duration, Utc};
use futures::executor::block_on;
use rtopacks_domain::observatory::{RunStatus, TriggeredBy};
use rtopacks_domain::sentinel;
use rtopacks_domain::sync::SyncKind;
use rtopacks_domain::time::parse_iso;
use rtopacks_edge::chain::{Advance, Chain, ChainQueue, PhaseMessage, PhaseOutcome};
use rtopacks_edge::warmer;
use rtopacks_store::observatory::steps_for_run;
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::sync::{insert_sentinel, read_cursor, run};
use rtopacks_store::Db;

#[derive(Default)]
struct FakeQueue {
    sent: RefCell<Vec<PhaseMessage>>,
    fail_next: Cell<bool>,
}

impl ChainQueue for FakeQueue {
    async fn send(&self, msg: &PhaseMessage) -> Result<(), String> {
        if self.fail_next.replace(false) {
            return Err("Queue send failed: 500 Internal Server Error".into());
        }
        self.sent.borrow_mut().push(msg.clone());
        Ok(())
    }
}

fn t0() -> DateTime<Utc> {
    parse_iso("2026-11-21T16:00:00Z").unwrap()
}

fn sent(advance: Advance) -> PhaseMessage {
    match advance {
        Advance::Sent(m) => m,
        other => panic!("expected a send, got {other:?}"),
    }
}

fn done() -> PhaseOutcome {
    PhaseOutcome::Done {
        records_in: 1,
        records_out: 1,
    }
}

/// Deliver messages until the run finishes; returns the final advance.
fn drive(
    chain: &Chain<'_, SqliteDb, FakeQueue>,
    mut msg: PhaseMessage,
    now: DateTime<Utc>,
) -> Advance {
    loop {
        assert!(
            block_on(chain.accept(&msg, now)).unwrap().is_some(),
            "{msg:?} not accepted"
        );
        match block_on(chain.finish_phase(&msg, done(), now)).unwrap() {
            Advance::Sent(next) => msg = next,
            other => return other,
        }
    }
}

fn status_of(db: &SqliteDb, run_id: &str, step: &str) -> String {
    block_on(steps_for_run(db, run_id))
        .unwrap()
        .into_iter()
        .find(|r| r.step == step)
        .unwrap()
        .status
}

#[test]
fn a_cycle_runs_every_phase_in_order_and_completes() {
    let (db, q) = (SqliteDb::migrated("ops-db").unwrap(), FakeQueue::default());
    let chain = Chain::new(&db, &q, SyncKind::TgaSync);
    let first = sent(block_on(chain.start(TriggeredBy::Cron, t0())).unwrap());
    assert_eq!((first.phase.as_str(), first.seq), ("volume_check_orgs", 1));
    assert_eq!(status_of(&db, &first.run_id, "write_snapshot"), "pending");
    assert_eq!(
        drive(&chain, first.clone(), t0()),
        Advance::Finished(RunStatus::Complete)
    );
    let phases: Vec<String> = q.sent.borrow().iter().map(|m| m.phase.clone()).collect();
    assert_eq!(phases, SyncKind::TgaSync.planned().to_vec());
    let r = block_on(run(&db, &first.run_id)).unwrap().unwrap();
    assert_eq!(
        (r.status.as_str(), r.completed_at.as_deref()),
        ("complete", Some("2026-11-21T16:00:00Z"))
    );
    assert_eq!(
        block_on(read_cursor(&db, SyncKind::TgaSync))
            .unwrap()
            .cycle_phase,
        None
    );
}

#[test]
fn a_redelivered_message_is_ignored() {
    let (db, q) = (SqliteDb::migrated("ops-db").unwrap(), FakeQueue::default());
    let chain = Chain::new(&db, &q, SyncKind::CricosSync);
    let m = sent(block_on(chain.start(TriggeredBy::Cron, t0())).unwrap());
    assert!(block_on(chain.accept(&m, t0())).unwrap().is_some());
    block_on(chain.finish_phase(&m, done(), t0())).unwrap();
    assert_eq!(
        block_on(chain.accept(&m, t0())).unwrap(),
        None,
        "a second copy must not run the phase again"
    );
    assert_eq!(q.sent.borrow().len(), 2);
}

#[test]
fn a_failed_send_writes_chain_failed_and_trigger_resumes_from_the_pointer() {
    let (db, q) = (SqliteDb::migrated("ops-db").unwrap(), FakeQueue::default());
    let chain = Chain::new(&db, &q, SyncKind::CricosSync);
    let m = sent(block_on(chain.start(TriggeredBy::Cron, t0())).unwrap());
    block_on(chain.accept(&m, t0())).unwrap();
    q.fail_next.set(true);
    let adv = block_on(chain.finish_phase(&m, done(), t0())).unwrap();
    assert!(
        matches!(adv, Advance::ChainFailed { ref next_phase, .. } if next_phase == "volume_check_courses")
    );
    let rows = block_on(steps_for_run(&db, &m.run_id)).unwrap();
    let cf = rows.iter().find(|r| r.step == "chain_failed").unwrap();
    assert_eq!(cf.status, "failed");
    assert!(cf
        .error
        .as_deref()
        .unwrap()
        .starts_with("chain_break: queue send failed advancing to phase=volume_check_courses"));
    assert_eq!(
        block_on(run(&db, &m.run_id)).unwrap().unwrap().status,
        "failed"
    );

    let resumed = sent(block_on(chain.resume(t0() + Duration::minutes(30))).unwrap());
    assert_eq!(
        (resumed.phase.as_str(), resumed.run_id.as_str()),
        ("volume_check_courses", m.run_id.as_str())
    );
    assert_eq!(resumed.triggered_by, TriggeredBy::Manual);
    assert_eq!(
        drive(&chain, resumed, t0() + Duration::minutes(30)),
        Advance::Finished(RunStatus::Partial)
    );
}

#[test]
fn a_long_phase_runs_in_slices_carrying_its_state() {
    let (db, q) = (SqliteDb::migrated("ops-db").unwrap(), FakeQueue::default());
    let chain = Chain::new(&db, &q, SyncKind::EnrichSync);
    let m = sent(block_on(chain.start(TriggeredBy::Cron, t0())).unwrap());
    assert_eq!(
        block_on(chain.accept(&m, t0())).unwrap(),
        Some(serde_json::Value::Null)
    );
    let more = PhaseOutcome::More {
        state: serde_json::json!({"after": "45329"}),
        records_in: 50,
        records_out: 50,
    };
    let again = sent(block_on(chain.finish_phase(&m, more, t0())).unwrap());
    assert_eq!((again.phase.as_str(), again.seq), ("enrich_batch", 2));
    assert_eq!(
        block_on(chain.accept(&m, t0())).unwrap(),
        None,
        "the first slice's message is now stale"
    );
    assert_eq!(
        block_on(chain.accept(&again, t0())).unwrap(),
        Some(serde_json::json!({"after": "45329"}))
    );
    let rows = block_on(steps_for_run(&db, &m.run_id)).unwrap();
    let step = rows.iter().find(|r| r.step == "enrich_batch").unwrap();
    assert_eq!(
        (step.status.as_str(), step.records_out),
        ("running", Some(50))
    );
    let fin = block_on(chain.finish_phase(
        &again,
        PhaseOutcome::Done {
            records_in: 90,
            records_out: 90,
        },
        t0(),
    ))
    .unwrap();
    assert_eq!(fin, Advance::Finished(RunStatus::Complete));
}

#[test]
fn a_failed_phase_is_recorded_and_the_cycle_carries_on_to_partial() {
    let (db, q) = (SqliteDb::migrated("ops-db").unwrap(), FakeQueue::default());
    let chain = Chain::new(&db, &q, SyncKind::CricosSync);
    let m = sent(block_on(chain.start(TriggeredBy::Cron, t0())).unwrap());
    block_on(chain.accept(&m, t0())).unwrap();
    let failed = PhaseOutcome::Failed {
        error: "CKAN HTTP 500 after 3 attempts".into(),
    };
    let next = sent(block_on(chain.finish_phase(&m, failed, t0())).unwrap());
    let rows = block_on(steps_for_run(&db, &m.run_id)).unwrap();
    let f = rows
        .iter()
        .find(|r| r.step == "volume_check_institutions")
        .unwrap();
    assert_eq!(
        (f.status.as_str(), f.error.as_deref()),
        ("failed", Some("CKAN HTTP 500 after 3 attempts"))
    );
    assert_eq!(
        drive(&chain, next, t0()),
        Advance::Finished(RunStatus::Partial)
    );
}

#[test]
fn a_dead_isolate_is_swept_then_resumed_with_its_saved_state() {
    let (db, q) = (SqliteDb::migrated("ops-db").unwrap(), FakeQueue::default());
    let chain = Chain::new(&db, &q, SyncKind::EnrichSync);
    let m = sent(block_on(chain.start(TriggeredBy::Cron, t0())).unwrap());
    block_on(chain.accept(&m, t0())).unwrap();
    let more = PhaseOutcome::More {
        state: serde_json::json!({"after": "1000"}),
        records_in: 10,
        records_out: 10,
    };
    let slice2 = sent(block_on(chain.finish_phase(&m, more, t0())).unwrap());
    block_on(chain.accept(&slice2, t0())).unwrap();
    // ...and the isolate dies here, mid-slice. Ten minutes on, the warmer sweeps it.
    assert_eq!(
        block_on(warmer::sweep(&db, t0() + Duration::minutes(10))).unwrap(),
        1
    );
    assert_eq!(status_of(&db, &m.run_id, "enrich_batch"), "timed_out");
    let resumed = sent(block_on(chain.resume(t0() + Duration::minutes(12))).unwrap());
    assert_eq!(resumed.phase, "enrich_batch");
    assert_eq!(block_on(chain.accept(&slice2, t0())).unwrap(), None);
    let state = block_on(chain.accept(&resumed, t0() + Duration::minutes(12))).unwrap();
    assert_eq!(
        state,
        Some(serde_json::json!({"after": "1000"})),
        "resumes from the last committed slice"
    );
    assert_eq!(status_of(&db, &m.run_id, "enrich_batch"), "running");
}

#[test]
fn a_fatal_error_fails_the_run_and_leaves_the_pointer_for_trigger() {
    let (db, q) = (SqliteDb::migrated("ops-db").unwrap(), FakeQueue::default());
    let chain = Chain::new(&db, &q, SyncKind::CricosSync);
    let m = sent(block_on(chain.start(TriggeredBy::Cron, t0())).unwrap());
    block_on(chain.accept(&m, t0())).unwrap();
    block_on(chain.fatal(&m, "D1_ERROR: database is locked", t0())).unwrap();
    assert_eq!(
        block_on(run(&db, &m.run_id)).unwrap().unwrap().status,
        "failed"
    );
    assert_eq!(status_of(&db, &m.run_id, "fatal"), "failed");
    let resumed = sent(block_on(chain.resume(t0())).unwrap());
    assert_eq!(resumed.phase, m.phase);
}

#[test]
fn a_sentinel_drop_makes_an_otherwise_clean_run_partial() {
    let (db, q) = (SqliteDb::migrated("ops-db").unwrap(), FakeQueue::default());
    let chain = Chain::new(&db, &q, SyncKind::CricosSync);
    let m = sent(block_on(chain.start(TriggeredBy::Cron, t0())).unwrap());
    let drop = sentinel::check(
        "cricos_courses",
        26_555,
        15_000,
        sentinel::DEFAULT_DROP_THRESHOLD_PCT,
    )
    .unwrap();
    block_on(db.run(insert_sentinel(
        &m.run_id,
        SyncKind::CricosSync,
        &drop,
        "partial",
        "2026-11-21T16:05:00Z",
    )))
    .unwrap();
    assert_eq!(
        drive(&chain, m, t0()),
        Advance::Finished(RunStatus::Partial)
    );
}

#[test]
fn trigger_with_no_unfinished_cycle_starts_a_manual_one() {
    let (db, q) = (SqliteDb::migrated("ops-db").unwrap(), FakeQueue::default());
    let chain = Chain::new(&db, &q, SyncKind::TgaSync);
    let m = sent(block_on(chain.resume(t0())).unwrap());
    assert_eq!(
        (m.phase.as_str(), m.triggered_by),
        ("volume_check_orgs", TriggeredBy::Manual)
    );
    assert_eq!(
        block_on(run(&db, &m.run_id)).unwrap().unwrap().triggered_by,
        "manual"
    );
}

#[test]
fn two_cycles_started_in_the_same_second_get_distinct_runs() {
    let (db, q) = (SqliteDb::migrated("ops-db").unwrap(), FakeQueue::default());
    let chain = Chain::new(&db, &q, SyncKind::CricosSync);
    let a = sent(block_on(chain.start(TriggeredBy::Cron, t0())).unwrap());
    let b = sent(block_on(chain.start(TriggeredBy::Manual, t0())).unwrap());
    assert_eq!(a.run_id, "cricos-sync-2026-11-21T16:00:00Z");
    assert_eq!(b.run_id, "cricos-sync-2026-11-21T16:00:00Z-2");
    assert_eq!(
        block_on(chain.accept(&a, t0())).unwrap(),
        None,
        "the pointer follows the newest cycle"
    );
}
