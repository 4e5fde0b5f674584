//! Every statement the catalogue runs, checked with EXPLAIN QUERY PLAN: the hot lookups
//! reach rows through keys and indexes, never by scanning a corpus table.

use std::cell::{Cell, RefCell};

use rtopacks_catalogue::*;
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::{Db, RunMeta, Statement, StoreError};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::fixture::{self, run};

/// A `Db` that records every statement it forwards, and the round trips they took (on
/// D1 each call is one; a batch carries several statements in one).
struct Recorder<'a> {
    db: &'a SqliteDb,
    log: RefCell<Vec<Statement>>,
    trips: Cell<usize>,
}

impl Recorder<'_> {
    fn record(&self, stmts: &[Statement]) {
        self.log.borrow_mut().extend(stmts.iter().cloned());
        self.trips.set(self.trips.get() + 1);
    }
}

impl Db for Recorder<'_> {
    async fn all<T: DeserializeOwned>(&self, stmt: Statement) -> Result<Vec<T>, StoreError> {
        self.record(std::slice::from_ref(&stmt));
        self.db.all(stmt).await
    }
    async fn run(&self, stmt: Statement) -> Result<RunMeta, StoreError> {
        self.record(std::slice::from_ref(&stmt));
        self.db.run(stmt).await
    }
    async fn batch(&self, stmts: Vec<Statement>) -> Result<Vec<RunMeta>, StoreError> {
        self.record(&stmts);
        self.db.batch(stmts).await
    }
    async fn all_batch(
        &self,
        stmts: Vec<Statement>,
    ) -> Result<Vec<Vec<serde_json::Value>>, StoreError> {
        self.record(&stmts);
        self.db.all_batch(stmts).await
    }
}

/// How much an answer cost.
#[derive(Debug, PartialEq, Eq)]
struct Cost {
    statements: usize,
    round_trips: usize,
}

fn cost(statements: usize, round_trips: usize) -> Cost {
    Cost {
        statements,
        round_trips,
    }
}

#[derive(Deserialize)]
struct PlanRow {
    detail: String,
}

fn plan(db: &SqliteDb, stmt: &Statement) -> Vec<String> {
    let explain = Statement {
        sql: format!("EXPLAIN QUERY PLAN {}", stmt.sql),
        params: stmt.params.clone(),
    };
    run(db.all::<PlanRow>(explain))
        .unwrap()
        .into_iter()
        .map(|r| r.detail)
        .collect()
}

/// A SCAN is fine over a virtual table (FTS5, json_each), a constant row, or the
/// catalogue's own CTEs and subqueries; over a corpus table it is a missing index.
fn scans_a_table(detail: &str) -> bool {
    const OWN: [&str; 7] = ["CONSTANT ROW", "k", "w", "fwd", "back", "e", "hits"];
    match detail.strip_prefix("SCAN ") {
        Some(what) => !what.contains("VIRTUAL TABLE") && !OWN.contains(&what),
        None => false,
    }
}

/// Run `f` through a recorder; check every statement's plan; return what it cost.
fn checked<T>(db: &SqliteDb, f: impl FnOnce(&Recorder<'_>) -> T) -> Cost {
    let rec = Recorder {
        db,
        log: RefCell::new(Vec::new()),
        trips: Cell::new(0),
    };
    f(&rec);
    let log = rec.log.borrow();
    for stmt in log.iter() {
        assert!(stmt.params.len() <= 100);
        let plan = plan(db, stmt);
        assert!(
            !plan.iter().any(|d| scans_a_table(d)),
            "a corpus table is scanned:\n{}\n{plan:#?}",
            stmt.sql
        );
    }
    cost(log.len(), rec.trips.get())
}

#[test]
fn every_statement_reaches_rows_through_keys_and_indexes() {
    let db = fixture::db();
    let bsb50420 = NationalCode::parse("BSB50420").unwrap();
    let tae40116 = NationalCode::parse("TAE40116").unwrap();
    let rto_code = RtoCode::parse("45329").unwrap();
    let page = Page::default();

    assert_eq!(
        checked(&db, |d| run(lookup(d, &bsb50420)).unwrap()),
        cost(8, 1),
        "lookup: component, releases, grid, chain, scope count and page, CRICOS count and \
         page, all in one round trip"
    );
    assert_eq!(
        checked(&db, |d| {
            run(rto(d, &rto_code, Tier::L4, &ScopeParams::default())).unwrap()
        }),
        cost(2, 1),
        "RTO detail: the detail and the scope page in one round trip"
    );
    assert_eq!(
        checked(&db, |d| {
            let p = SearchParams {
                q: "diploma leader".into(),
                on_scope_of: Some(rto_code.clone()),
                ..Default::default()
            };
            run(search(d, &p)).unwrap()
        }),
        cost(2, 2),
        "search: the RTO filter's existence check, then one statement"
    );
    assert_eq!(
        checked(&db, |d| {
            let p = SearchParams {
                q: "harbourside".into(),
                state: Some(State::Nsw),
                ..Default::default()
            };
            run(search(d, &p)).unwrap()
        }),
        cost(1, 1)
    );
    // The scope check and the offering need the chain's replacements first.
    assert_eq!(
        checked(&db, |d| run(verify(d, &tae40116, Some(&rto_code))).unwrap()).round_trips,
        2
    );
    assert_eq!(
        checked(&db, |d| {
            run(supersession_impact(d, &tae40116, &page)).unwrap()
        }),
        cost(4, 2)
    );
    // The RTO, count and page; every item's chain; the replacements held.
    assert_eq!(
        checked(&db, |d| run(rto_impact(d, &rto_code, &page)).unwrap()).round_trips,
        3
    );
    assert_eq!(
        checked(&db, |d| run(offered_by(d, &bsb50420, &page)).unwrap()),
        cost(3, 1)
    );
    assert_eq!(
        checked(&db, |d| run(cricos_courses(d, &bsb50420, &page)).unwrap()),
        cost(3, 1)
    );
    assert_eq!(
        checked(&db, |d| {
            run(ladder(d, &NationalCode::parse("BSB").unwrap(), true)).unwrap()
        }),
        cost(1, 1)
    );
    assert_eq!(
        checked(&db, |d| run(rto_cricos_courses(d, &rto_code, &page))
            .unwrap()),
        cost(3, 1),
        "an RTO's CRICOS courses: the provider, the count and the page in one round trip"
    );
}

#[test]
fn the_scan_rule_flags_table_scans_only() {
    assert!(scans_a_table("SCAN rto_scope"));
    assert!(scans_a_table("SCAN c"));
    assert!(!scans_a_table(
        "SCAN components_fts VIRTUAL TABLE INDEX 0:M2"
    ));
    assert!(!scans_a_table(
        "SEARCH s USING INDEX rto_scope_component (component_code=?)"
    ));
    assert!(!scans_a_table("SCAN CONSTANT ROW"));
}
