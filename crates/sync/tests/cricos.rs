//! cricos-sync end to end, natively: the chain, the phases, a CKAN fake speaking the
//! real `datastore_search` / `resource_show` shapes, SQLite with the real migrations.

use std::cell::{Cell, RefCell};

use chrono::{DateTime, Duration, Utc};
use futures::executor::block_on;
use rtopacks_domain::observatory::{RunStatus, TriggeredBy};
use rtopacks_domain::sync::SyncKind;
use rtopacks_domain::time::parse_iso;
use rtopacks_edge::chain::{Advance, Chain, ChainQueue, PhaseMessage};
use rtopacks_edge::notify::cycle_email;
use rtopacks_edge::outbound::{HttpClient, OutboundRequest, OutboundResponse, RetryPolicy};
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::sync::events_for_run;
use rtopacks_store::{Db, Statement};
use rtopacks_sync::cricos::{Cricos, Settings};
use rtopacks_upstream::ckan::cricos as ids;
use serde_json::{json, Value};

/// CKAN with four resources held in memory.
struct FakeCkan {
    resources: RefCell<Vec<(&'static str, Vec<Value>, String)>>, // id, records, last_modified
    fail_status: Cell<Option<u16>>,
    malformed_at_offset: Cell<Option<u64>>,
    slept: RefCell<Vec<u64>>,
}

fn param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    url.split(['?', '&'])
        .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
}

impl HttpClient for FakeCkan {
    async fn send(&self, req: &OutboundRequest) -> Result<OutboundResponse, String> {
        let ok = |body: Value| {
            Ok(OutboundResponse {
                status: 200,
                body: body.to_string(),
                retry_after: None,
            })
        };
        if let Some(status) = self.fail_status.get() {
            return Ok(OutboundResponse {
                status,
                body: "<html>Service Unavailable</html>".into(),
                retry_after: None,
            });
        }
        let resources = self.resources.borrow();
        let url = req.url.as_str();
        if url.contains("/resource_show?") {
            let (id, _, lm) = resources
                .iter()
                .find(|r| Some(r.0) == param(url, "id"))
                .unwrap();
            return ok(
                json!({"success": true, "result": {"id": id, "name": "x", "last_modified": lm}}),
            );
        }
        let (id, records, _) = resources
            .iter()
            .find(|r| Some(r.0) == param(url, "resource_id"))
            .unwrap();
        let limit: usize = param(url, "limit").unwrap().parse().unwrap();
        let offset: usize = param(url, "offset").unwrap().parse().unwrap();
        if self.malformed_at_offset.get() == Some(offset as u64) {
            return Ok(OutboundResponse {
                status: 200,
                body: r#"{"success": true, "result": {"records": [{"#.into(),
                retry_after: None,
            });
        }
        let page: Vec<Value> = records.iter().skip(offset).take(limit).cloned().collect();
        ok(
            json!({"success": true, "result": {"resource_id": id, "limit": limit, "offset": offset,
            "total": records.len(), "records": page, "fields": [], "_links": {"start": "", "next": ""}}}),
        )
    }
    async fn sleep(&self, ms: u64) {
        self.slept.borrow_mut().push(ms);
    }
}

fn institution(i: usize) -> Value {
    json!({"_id": i + 1, "CRICOS Provider Code": format!("{:05}{}", i, "ABCDEFGHJK".chars().nth(i % 10).unwrap()),
        "Trading Name": format!("Trading {i}"), "Institution Name": format!("Institute {i}"), "Institution Type": "Private",
        "Institution Capacity": "120", "Website": "www.example.edu.au", "Postal Address Line 1": "1 George St",
        "Postal Address Line 2": "", "Postal Address Line 3": "", "Postal Address Line 4": "",
        "Postal Address City": "Sydney", "Postal Address State": "NSW", "Postal Address Postcode": "2000"})
}

fn provider(i: usize) -> String {
    format!(
        "{:05}{}",
        i % 40,
        "ABCDEFGHJK".chars().nth(i % 40 % 10).unwrap()
    )
}

fn course(i: usize) -> Value {
    json!({"_id": i + 1, "CRICOS Provider Code": provider(i), "Institution Name": format!("Institute {}", i % 40),
        "CRICOS Course Code": format!("{:06}G", 100000 + i), "Course Name": format!("Diploma of Things {i}"),
        "VET National Code": "BSB50420", "Dual Qualification": "No", "Course Level": "Diploma",
        "Foundation Studies": "No", "Work Component": "No", "Course Language": "English", "Duration (Weeks)": "52",
        "Tuition Fee": "$10,400.00", "Non Tuition Fee": "$250.00", "Estimated Total Course Cost": "$10,650.00", "Expired": "No"})
}

fn location(i: usize) -> Value {
    json!({"_id": i + 1, "CRICOS Provider Code": provider(i), "Institution Name": format!("Institute {}", i % 40),
        "Location Name": format!("Campus {i}"), "Location Type": "Campus", "Address Line 1": "2 King St",
        "City": "Sydney", "State": "NSW", "Postcode": "2000"})
}

fn course_location(i: usize) -> Value {
    json!({"_id": i + 1, "CRICOS Provider Code": provider(i), "Institution Name": format!("Institute {}", i % 40),
        "CRICOS Course Code": format!("{:06}G", 100000 + i % 2300), "Location Name": format!("Campus {}", i % 60),
        "Location City": "Sydney", "Location State": "NSW"})
}

fn fake(inst: usize, courses: usize) -> FakeCkan {
    FakeCkan {
        resources: RefCell::new(vec![
            (
                ids::INSTITUTIONS_RESOURCE_ID,
                (0..inst).map(institution).collect(),
                "2026-10-01T00:00:00".into(),
            ),
            (
                ids::COURSES_RESOURCE_ID,
                (0..courses).map(course).collect(),
                "2026-10-01T00:00:00".into(),
            ),
            (
                ids::LOCATIONS_RESOURCE_ID,
                (0..60).map(location).collect(),
                "2026-10-01T00:00:00".into(),
            ),
            (
                ids::COURSE_LOCATIONS_RESOURCE_ID,
                (0..3000).map(course_location).collect(),
                "2026-10-01T00:00:00".into(),
            ),
        ]),
        fail_status: Cell::new(None),
        malformed_at_offset: Cell::new(None),
        slept: RefCell::new(Vec::new()),
    }
}

#[derive(Default)]
struct Queue(RefCell<Vec<PhaseMessage>>);
impl ChainQueue for Queue {
    async fn send(&self, msg: &PhaseMessage) -> Result<(), String> {
        self.0.borrow_mut().push(msg.clone());
        Ok(())
    }
}

struct World {
    corpus: SqliteDb,
    ops: SqliteDb,
    ckan: FakeCkan,
    queue: Queue,
    max_queries: Cell<u64>,
}

const SETTINGS: Settings = Settings {
    page_size: 500,
    pages_per_invocation: 3,
    drop_threshold_pct: 10.0,
    retry: RetryPolicy {
        attempts: 3,
        base_ms: 500,
        max_ms: 10_000,
    },
};

impl World {
    fn new(ckan: FakeCkan) -> Self {
        World {
            corpus: SqliteDb::migrated("rtopacks-db").unwrap(),
            ops: SqliteDb::migrated("ops-db").unwrap(),
            ckan,
            queue: Queue::default(),
            max_queries: Cell::new(0),
        }
    }

    /// A whole cycle, one invocation per message, as the queue would deliver them.
    fn cycle(&self, now: DateTime<Utc>) -> (String, RunStatus) {
        let chain = Chain::new(&self.ops, &self.queue, SyncKind::CricosSync);
        let cricos = Cricos {
            http: &self.ckan,
            corpus: &self.corpus,
            ops: &self.ops,
            base: "https://data.gov.au/data/api/3/action",
            settings: SETTINGS,
        };
        let Advance::Sent(mut msg) = block_on(chain.start(TriggeredBy::Cron, now)).unwrap() else {
            panic!()
        };
        let run_id = msg.run_id.clone();
        for i in 0..200 {
            let at = now + Duration::seconds(i);
            self.corpus.reset_query_count();
            self.ops.reset_query_count();
            let state = block_on(chain.accept(&msg, at))
                .unwrap()
                .expect("current message");
            let outcome = block_on(cricos.run_phase(&msg, state, at)).unwrap();
            let adv = block_on(chain.finish_phase(&msg, outcome, at)).unwrap();
            self.max_queries.set(
                self.max_queries
                    .get()
                    .max(self.corpus.query_count() + self.ops.query_count()),
            );
            match adv {
                Advance::Sent(next) => msg = next,
                Advance::Finished(status) => return (run_id, status),
                other => panic!("{other:?}"),
            }
        }
        panic!("cycle did not finish")
    }

    fn count(&self, sql: &str) -> i64 {
        let v: Value = block_on(self.corpus.first(Statement::new(sql)))
            .unwrap()
            .unwrap();
        v["n"].as_i64().unwrap()
    }

    fn step(&self, run_id: &str, step: &str) -> (String, Option<i64>, Option<String>) {
        let rows = block_on(rtopacks_store::observatory::steps_for_run(
            &self.ops, run_id,
        ))
        .unwrap();
        let s = rows.into_iter().find(|r| r.step == step).unwrap();
        (s.status, s.records_out, s.error)
    }
}

fn t(s: &str) -> DateTime<Utc> {
    parse_iso(s).unwrap()
}

#[test]
fn a_first_cycle_fills_the_layer_then_an_unchanged_cycle_skips_everything() {
    let w = World::new(fake(120, 2300));
    let (run1, status) = w.cycle(t("2026-11-01T18:00:00Z"));
    assert_eq!(status, RunStatus::Complete);
    assert_eq!(
        w.count("SELECT count(*) AS n FROM cricos_institutions"),
        120
    );
    assert_eq!(w.count("SELECT count(*) AS n FROM cricos_courses WHERE tuition_fee_cents = 1040000 AND expired = 0"), 2300);
    assert_eq!(w.count("SELECT count(*) AS n FROM cricos_locations"), 60);
    assert_eq!(
        w.count("SELECT count(*) AS n FROM cricos_course_locations"),
        3000
    );
    assert_eq!(
        w.step(&run1, "ingest_courses"),
        ("complete".into(), Some(2300), None)
    );
    assert!(
        block_on(events_for_run(&w.ops, &run1)).unwrap().is_empty(),
        "a first fill is not 2,300 'appeared' events"
    );
    assert!(
        w.max_queries.get() < 1000,
        "an invocation used {} queries",
        w.max_queries.get()
    );

    let (run2, status) = w.cycle(t("2026-12-01T18:00:00Z"));
    assert_eq!(status, RunStatus::Complete);
    assert_eq!(
        w.step(&run2, "ingest_courses"),
        ("complete".into(), Some(0), None),
        "unchanged last_modified: skipped"
    );
    assert_eq!(w.step(&run2, "volume_check_courses").1, Some(2300));
    assert_eq!(
        w.count("SELECT count(*) AS n FROM cricos_courses WHERE deleted_at IS NULL"),
        2300
    );
}

#[test]
fn changes_between_cycles_become_appeared_and_disappeared_events() {
    let w = World::new(fake(40, 600));
    w.cycle(t("2026-11-01T18:00:00Z"));
    {
        let mut r = w.ckan.resources.borrow_mut();
        let courses = &mut r[1];
        courses.1.remove(7); // 100007G is withdrawn
        courses.1.push(course(5000)); // 105000G is new
        courses.2 = "2026-11-20T00:00:00".into();
    }
    let (run, status) = w.cycle(t("2026-12-01T18:00:00Z"));
    assert_eq!(status, RunStatus::Complete);
    let evs = block_on(events_for_run(&w.ops, &run)).unwrap();
    let summary: Vec<(String, String)> = evs
        .iter()
        .map(|e| (e.event_type.clone(), e.entity_code.clone()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("appeared".into(), "105000G".into()),
            ("disappeared".into(), "100007G".into())
        ]
    );
    assert_eq!(
        w.count("SELECT count(*) AS n FROM cricos_courses WHERE deleted_at IS NOT NULL"),
        1
    );

    let mail = block_on(cycle_email(
        &w.ops,
        SyncKind::CricosSync,
        &run,
        status,
        "noreply@rtopacks.com.au",
        "admin@rtopacks.com.au",
    ))
    .unwrap();
    assert_eq!(mail.subject, "[cricos-sync] cycle complete");
    assert!(
        mail.text
            .contains("105000G Diploma of Things 5000 appeared"),
        "{}",
        mail.text
    );
    assert!(mail
        .text
        .contains("100007G Diploma of Things 7 disappeared"));
}

#[test]
fn a_short_upstream_answer_fires_sentinel_and_deletes_nothing() {
    let w = World::new(fake(100, 300));
    w.cycle(t("2026-11-01T18:00:00Z"));
    {
        let mut r = w.ckan.resources.borrow_mut();
        r[0].1.truncate(60); // 40% of institutions missing
        r[0].2 = "2026-11-20T00:00:00".into();
    }
    let (run, status) = w.cycle(t("2026-12-01T18:00:00Z"));
    assert_eq!(status, RunStatus::Partial);
    assert_eq!(
        w.count("SELECT count(*) AS n FROM cricos_institutions WHERE deleted_at IS NULL"),
        100
    );
    let v: Value = block_on(w.ops.first(Statement::new(
        "SELECT metric, baseline, observed, drop_pct FROM sentinel_log",
    )))
    .unwrap()
    .unwrap();
    assert_eq!(
        v,
        json!({"metric": "cricos_institutions", "baseline": 100, "observed": 60, "drop_pct": 40.0})
    );
    let mail = block_on(cycle_email(
        &w.ops,
        SyncKind::CricosSync,
        &run,
        status,
        "noreply@rtopacks.com.au",
        "admin@rtopacks.com.au",
    ))
    .unwrap();
    assert!(
        mail.text
            .starts_with("SENTINEL-02: cricos_institutions dropped 40.0% (100 → 60)"),
        "{}",
        mail.text
    );
    assert_eq!(mail.subject, "[cricos-sync] cycle complete (partial)");
}

#[test]
fn a_persistent_500_fails_the_phase_with_the_error_after_retries() {
    let w = World::new(fake(10, 10));
    w.ckan.fail_status.set(Some(503));
    let (run, status) = w.cycle(t("2026-11-01T18:00:00Z"));
    assert_eq!(status, RunStatus::Partial);
    let (st, _, err) = w.step(&run, "ingest_institutions");
    assert_eq!(st, "failed");
    assert!(err.unwrap().contains("HTTP 503 after 3 attempt(s)"));
    assert_eq!(w.ckan.slept.borrow()[..2], [500, 1000]);
    assert_eq!(w.count("SELECT count(*) AS n FROM cricos_institutions"), 0);
}

#[test]
fn a_malformed_page_writes_nothing_of_itself_and_fails_the_phase() {
    let w = World::new(fake(10, 1200));
    w.ckan.malformed_at_offset.set(Some(1000));
    let (run, _) = w.cycle(t("2026-11-01T18:00:00Z"));
    let (st, _, err) = w.step(&run, "ingest_courses");
    assert_eq!(st, "failed");
    assert!(!err.unwrap().is_empty());
    assert_eq!(
        w.count("SELECT count(*) AS n FROM cricos_courses"),
        1000,
        "the two good pages stay, the bad one is not half-written"
    );
    assert_eq!(
        w.count("SELECT count(*) AS n FROM cricos_courses WHERE deleted_at IS NOT NULL"),
        0
    );
}
