//! Corpus statistics and snapshots over the real schema.

use futures::executor::block_on;
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::stats::{compute, latest_snapshot, snapshot, CorpusStats};
use rtopacks_store::{Db, Statement};
use serde_json::json;

const AT: &str = "2026-11-21T16:00:00Z";

fn exec(db: &SqliteDb, sql: &str) {
    block_on(db.run(Statement::new(sql).bind(AT))).unwrap();
}

#[test]
fn counts_only_live_current_records_and_snapshots_once_per_run() {
    let db = SqliteDb::migrated("rtopacks-db").unwrap();
    for (code, ty, current, superseded) in [
        ("BSB50420", "Qualification", 1, None),
        ("BSB50120", "Qualification", 0, Some("BSB50420")),
        ("BSBOPS501", "Unit", 1, None),
        ("BSBSS00094", "SkillSet", 1, None),
        ("10742NAT", "AccreditedCourse", 1, None),
        ("BSB", "TrainingPackage", 1, None),
    ] {
        block_on(db.run(
            Statement::new(
                "INSERT INTO tga_training_components (code, component_type, title, is_current, superseded_by, synced_at)
                 VALUES (?1, ?2, ?1, ?3, ?4, ?5)",
            )
            .bind(code)
            .bind(ty)
            .bind(current)
            .bind(superseded)
            .bind(AT),
        ))
        .unwrap();
    }
    exec(&db, "INSERT INTO tga_organisations (code, legal_name, status, is_rto, has_active_registration, synced_at) VALUES ('45329', 'A', 'Current', 1, 1, ?1)");
    exec(&db, "INSERT INTO tga_organisations (code, legal_name, status, is_rto, has_active_registration, synced_at) VALUES ('0001', 'B', 'Cancelled', 1, 0, ?1)");
    exec(&db, "INSERT INTO tga_organisations (code, legal_name, status, is_rto, synced_at, deleted_at, delete_operation) VALUES ('0002', 'C', 'Current', 1, ?1, ?1, 'LogicalDelete')");

    let s = block_on(compute(&db)).unwrap();
    assert_eq!(
        s,
        CorpusStats {
            organisations: 2,
            current_rtos: 1,
            qualifications: 1,
            units: 1,
            skill_sets: 1,
            accredited_courses: 1,
            training_packages: 1,
            superseded_components: 1,
            ..CorpusStats::default()
        }
    );
    block_on(db.run(snapshot("tga-sync-1", &s, &json!({"events": 3}), AT))).unwrap();
    block_on(db.run(snapshot(
        "tga-sync-1",
        &s,
        &json!({"events": 4}),
        "2026-11-21T16:40:00Z",
    )))
    .unwrap();
    let snap = block_on(latest_snapshot(&db)).unwrap().unwrap();
    assert_eq!(
        (snap.snapshot_at.as_str(), snap.qualifications),
        ("2026-11-21T16:40:00Z", Some(1))
    );
    assert_eq!(snap.detail.as_deref(), Some(r#"{"events":4}"#));
    db.reset_query_count();
    block_on(compute(&db)).unwrap();
    assert_eq!(db.query_count(), 1, "the home page figures cost one query");
}
