//! CRICOS writes: soft disappearance, reappearance, resource state.

use futures::executor::block_on;
use rtopacks_store::cricos::{self, INSTITUTIONS};
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::Db;
use serde_json::json;

fn inst(code: &str, at: &str) -> serde_json::Value {
    json!({"provider_code": code, "institution_name": format!("Institute {code}"), "synced_at": at})
}

fn write(db: &SqliteDb, rows: &[serde_json::Value]) {
    block_on(db.batch(INSTITUTIONS.upsert.statements(rows).unwrap())).unwrap();
}

#[test]
fn unseen_rows_are_soft_deleted_and_come_back_when_seen_again() {
    let db = SqliteDb::migrated("rtopacks-db").unwrap();
    let july = "2026-07-01T18:00:00Z";
    let aug = "2026-08-01T18:00:00Z";
    write(
        &db,
        &[
            inst("00001A", july),
            inst("00002B", july),
            inst("00003C", july),
        ],
    );
    assert_eq!(block_on(cricos::live_count(&db, &INSTITUTIONS)).unwrap(), 3);
    assert_eq!(
        block_on(cricos::known_codes(
            &db,
            &INSTITUTIONS,
            &["00001A", "09999Z"]
        ))
        .unwrap(),
        vec!["00001A"]
    );

    // August's ingest sees only two of them.
    write(&db, &[inst("00001A", aug), inst("00003C", aug)]);
    let gone = block_on(cricos::not_seen_since(&db, &INSTITUTIONS, aug, 100)).unwrap();
    assert_eq!(gone.len(), 1);
    assert_eq!(
        (gone[0].code.as_str(), gone[0].name.as_deref()),
        ("00002B", Some("Institute 00002B"))
    );
    block_on(db.run(cricos::mark_not_seen_deleted(&INSTITUTIONS, aug, aug))).unwrap();
    assert_eq!(block_on(cricos::live_count(&db, &INSTITUTIONS)).unwrap(), 2);
    assert!(
        block_on(cricos::known_codes(&db, &INSTITUTIONS, &["00002B"]))
            .unwrap()
            .is_empty()
    );

    // September: it is back, and live again.
    write(&db, &[inst("00002B", "2026-09-01T18:00:00Z")]);
    assert_eq!(block_on(cricos::live_count(&db, &INSTITUTIONS)).unwrap(), 3);
}

#[test]
fn resource_state_round_trips() {
    let ops = SqliteDb::migrated("ops-db").unwrap();
    let id = "7f6941f3-5327-4db7-b556-5f16d77f63c1";
    assert_eq!(
        block_on(rtopacks_store::sync::resource_state(&ops, "cricos", id)).unwrap(),
        None
    );
    block_on(ops.run(rtopacks_store::sync::save_resource_state(
        "cricos",
        id,
        Some("2026-10-02T01:12:00.123456"),
        1565,
        "2026-11-01T18:00:00Z",
    )))
    .unwrap();
    block_on(ops.run(rtopacks_store::sync::save_resource_state(
        "cricos",
        id,
        Some("2026-11-02T01:12:00.123456"),
        1566,
        "2026-12-01T18:00:00Z",
    )))
    .unwrap();
    let s = block_on(rtopacks_store::sync::resource_state(&ops, "cricos", id))
        .unwrap()
        .unwrap();
    assert_eq!(
        (s.last_modified.as_deref(), s.total),
        (Some("2026-11-02T01:12:00.123456"), Some(1566))
    );
}
