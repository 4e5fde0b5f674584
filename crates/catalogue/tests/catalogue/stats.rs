//! The corpus at a glance: the newest weekly snapshot's figures, in one indexed read.

use rtopacks_catalogue::*;
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::{Db, Statement};
use serde::Deserialize;

use crate::fixture::{self, run};

#[test]
fn the_newest_snapshot_gives_the_figures_and_their_date() {
    let db = fixture::db();
    let s = run(stats(&db)).unwrap();
    assert_eq!(s.qualifications, Some(14));
    assert_eq!(s.units, Some(9));
    assert_eq!((s.skill_sets, s.accredited_courses), (Some(1), Some(1)));
    assert_eq!(s.training_packages, Some(3));
    assert_eq!((s.current_rtos, s.organisations), (Some(4), Some(6)));
    assert_eq!(s.enriched_rtos, Some(3));
    assert_eq!((s.cricos_providers, s.cricos_courses), (Some(2), Some(3)));
    assert_eq!(s.counted_at.as_deref(), Some("2026-11-21T18:00:00Z"));
    assert_eq!(
        s.freshness.synced_at.as_deref(),
        Some("2026-11-21T18:00:00Z")
    );

    // A re-run of the same week's write_snapshot in the same second: the later row wins.
    run(db.run(Statement::new(
        "INSERT INTO tga_snapshots (run_id, snapshot_at, qualifications, detail)
         VALUES ('tga_sync-retry', '2026-11-21T18:00:00Z', 15, '{}')",
    )))
    .unwrap();
    let s = run(stats(&db)).unwrap();
    assert_eq!(s.qualifications, Some(15));
    assert_eq!(
        s.training_packages, None,
        "a figure the snapshot lacks stays absent"
    );
    assert_eq!(s.cricos_courses, Some(3), "CRICOS is counted as it stands");
}

#[test]
fn cricos_figures_are_live_not_the_snapshots() {
    let db = fixture::db();
    // The snapshot said 3 courses; a course withdrawn since is not counted.
    run(db.run(Statement::new(
        "UPDATE cricos_courses SET deleted_at = '2026-12-01T18:00:00Z' WHERE course_code = '099367G'",
    )))
    .unwrap();
    let s = run(stats(&db)).unwrap();
    assert_eq!((s.cricos_providers, s.cricos_courses), (Some(2), Some(2)));
    assert_eq!(
        s.qualifications,
        Some(14),
        "the TGA figures stay the snapshot's"
    );
}

#[test]
fn before_the_first_snapshot_every_figure_is_absent() {
    let db = SqliteDb::migrated("rtopacks-db").unwrap();
    let s = run(stats(&db)).unwrap();
    assert_eq!(s.qualifications, None);
    assert_eq!(s.counted_at, None);
    assert_eq!((s.cricos_providers, s.cricos_courses), (Some(0), Some(0)));
    assert_eq!(s.freshness.synced_at, None);
    assert!(s.freshness.sources.is_empty());
}

#[derive(Deserialize)]
struct PlanRow {
    detail: String,
}

#[test]
fn the_figures_are_one_indexed_row_and_two_index_only_counts_in_one_round_trip() {
    let db = fixture::db();
    let stmts = stats_statements();
    let plans: Vec<Vec<String>> = stmts
        .iter()
        .map(|stmt| {
            run(db.all::<PlanRow>(Statement::new(format!("EXPLAIN QUERY PLAN {}", stmt.sql))))
                .unwrap()
                .into_iter()
                .map(|r| r.detail)
                .collect()
        })
        .collect();
    // The snapshot: one step down the snapshot_at index, no sort.
    assert!(
        plans[0]
            .iter()
            .all(|d| !d.starts_with("SCAN") && !d.contains("TEMP B-TREE")),
        "{:#?}",
        plans[0]
    );
    assert!(
        plans[0]
            .iter()
            .any(|d| d.contains("USING COVERING INDEX tga_snapshots_snapshot_at")),
        "{:#?}",
        plans[0]
    );
    // CRICOS: index entries of the live partial indexes only, never the rows.
    for index in ["cricos_institutions_live", "cricos_courses_live"] {
        assert!(
            plans[1]
                .iter()
                .any(|d| d.contains(&format!("USING COVERING INDEX {index}"))),
            "{index}: {:#?}",
            plans[1]
        );
    }
    assert!(
        plans[1]
            .iter()
            .filter(|d| d.starts_with("SCAN") && !d.contains("CONSTANT ROW"))
            .all(|d| d.contains("COVERING INDEX")),
        "{:#?}",
        plans[1]
    );
    for stmt in &stmts {
        for table in ["tga_training_components", "tga_organisations", "rtos"] {
            assert!(
                !stmt.sql.contains(&format!("FROM {table}")),
                "stats never counts {table}"
            );
        }
    }
    // One round trip for both.
    struct Trips<'a>(&'a rtopacks_store::sqlite::SqliteDb, std::cell::Cell<usize>);
    impl Db for Trips<'_> {
        async fn all<T: serde::de::DeserializeOwned>(
            &self,
            s: Statement,
        ) -> Result<Vec<T>, rtopacks_store::StoreError> {
            self.1.set(self.1.get() + 1);
            self.0.all(s).await
        }
        async fn run(
            &self,
            s: Statement,
        ) -> Result<rtopacks_store::RunMeta, rtopacks_store::StoreError> {
            self.0.run(s).await
        }
        async fn batch(
            &self,
            s: Vec<Statement>,
        ) -> Result<Vec<rtopacks_store::RunMeta>, rtopacks_store::StoreError> {
            self.0.batch(s).await
        }
        async fn all_batch(
            &self,
            s: Vec<Statement>,
        ) -> Result<Vec<Vec<serde_json::Value>>, rtopacks_store::StoreError> {
            self.1.set(self.1.get() + 1);
            self.0.all_batch(s).await
        }
    }
    let t = Trips(&db, std::cell::Cell::new(0));
    run(stats(&t)).unwrap();
    assert_eq!(t.1.get(), 1);
}

#[test]
fn an_rtos_cricos_courses_are_its_providers() {
    let db = fixture::db();
    let code = RtoCode::parse("45329").unwrap();
    let a = run(rto_cricos_courses(&db, &code, &Page::default())).unwrap();
    assert_eq!(a.provider_code.as_deref(), Some("03389E"));
    assert_eq!(a.provider_name.as_deref(), Some("Harbourside Skills"));
    let codes: Vec<&str> = a
        .courses
        .page
        .items
        .iter()
        .map(|c| c.course_code.as_str())
        .collect();
    assert_eq!(codes, ["088888B", "099367G"]);
    assert_eq!(a.courses.total, 2);
    assert_eq!(a.freshness.synced_at.as_deref(), Some(fixture::CRICOS));

    // Paged by course code; the cursor belongs to this listing only.
    let first = run(rto_cricos_courses(&db, &code, &Page::first(1))).unwrap();
    let cursor = first.courses.page.next_cursor.clone().unwrap();
    let next = run(rto_cricos_courses(
        &db,
        &code,
        &Page::after(cursor.clone(), Some(1)),
    ))
    .unwrap();
    assert_eq!(next.courses.page.items[0].course_code, "099367G");
    assert!(next.courses.page.next_cursor.is_none());
    let other = RtoCode::parse("90001").unwrap();
    assert!(run(rto_cricos_courses(
        &db,
        &other,
        &Page::after(cursor, Some(1))
    ))
    .unwrap_err()
    .is_bad_input());

    // The register walk's provider code counts when there is no enrichment's.
    let k = run(rto_cricos_courses(&db, &other, &Page::default())).unwrap();
    assert_eq!(k.provider_code.as_deref(), Some("01234K"));
    assert_eq!(k.courses.total, 1, "the withdrawn course is not listed");

    // No provider: no courses. Unknown RTO: NotFound.
    let none = run(rto_cricos_courses(
        &db,
        &RtoCode::parse("31234").unwrap(),
        &Page::default(),
    ))
    .unwrap();
    assert_eq!((none.provider_code, none.courses.total), (None, 0));
    let e = run(rto_cricos_courses(
        &db,
        &RtoCode::parse("99999").unwrap(),
        &Page::default(),
    ))
    .unwrap_err();
    assert_eq!(e.status(), 404);
}
