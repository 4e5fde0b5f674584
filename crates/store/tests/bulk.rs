//! Bulk upserts against the real corpus schema: chunking, idempotency, one parameter.

use futures::executor::block_on;
use rtopacks_store::bulk::{delete_where_in, Upsert, MAX_ROWS};
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::{Db, Statement};
use serde::{Deserialize, Serialize};

const INSTITUTIONS: Upsert = Upsert {
    table: "cricos_institutions",
    columns: &[
        "provider_code",
        "institution_name",
        "institution_capacity",
        "postal_address_state",
        "synced_at",
    ],
    key: &["provider_code"],
};

#[derive(Serialize)]
struct Inst {
    provider_code: String,
    institution_name: String,
    institution_capacity: Option<i64>,
    postal_address_state: &'static str,
    synced_at: &'static str,
}

fn rows(n: usize, name: &str, at: &'static str) -> Vec<Inst> {
    (0..n)
        .map(|i| Inst {
            provider_code: format!("{:05}A", i),
            institution_name: format!("{name} {i} \"quoted\" ' O'Brien"),
            institution_capacity: (i % 3 != 0).then_some(i as i64),
            postal_address_state: "NSW",
            synced_at: at,
        })
        .collect()
}

#[derive(Deserialize, Debug)]
struct N {
    n: i64,
}

fn count(db: &SqliteDb) -> i64 {
    block_on(db.first::<N>(Statement::new(
        "SELECT count(*) AS n FROM cricos_institutions",
    )))
    .unwrap()
    .unwrap()
    .n
}

#[test]
fn thousands_of_rows_go_in_few_one_parameter_statements_and_reruns_change_nothing() {
    let db = SqliteDb::migrated("rtopacks-db").unwrap();
    let stmts = INSTITUTIONS
        .statements(&rows(1565, "Institute", "2026-11-01T18:00:00Z"))
        .unwrap();
    assert_eq!(stmts.len(), 1565usize.div_ceil(MAX_ROWS));
    assert!(stmts.iter().all(|s| s.params.len() == 1));
    let written: u64 = block_on(db.batch(stmts))
        .unwrap()
        .iter()
        .map(|m| m.changes)
        .sum();
    assert_eq!(written, 1565);
    assert_eq!(count(&db), 1565);

    block_on(
        db.batch(
            INSTITUTIONS
                .statements(&rows(1565, "Renamed", "2026-12-01T18:00:00Z"))
                .unwrap(),
        ),
    )
    .unwrap();
    assert_eq!(count(&db), 1565, "an upsert rerun must not duplicate");
    #[derive(Deserialize)]
    struct Row {
        institution_name: String,
        institution_capacity: Option<i64>,
        synced_at: String,
    }
    let r: Row = block_on(db.first(Statement::new(
        "SELECT institution_name, institution_capacity, synced_at FROM cricos_institutions WHERE provider_code = '00003A'",
    )))
    .unwrap()
    .unwrap();
    assert_eq!(r.institution_name, "Renamed 3 \"quoted\" ' O'Brien");
    assert_eq!(r.institution_capacity, None);
    assert_eq!(r.synced_at, "2026-12-01T18:00:00Z");
}

#[test]
fn a_bad_row_rolls_back_its_whole_batch() {
    let db = SqliteDb::migrated("rtopacks-db").unwrap();
    let mut stmts = INSTITUTIONS
        .statements(&rows(10, "Ok", "2026-11-01T18:00:00Z"))
        .unwrap();
    stmts.extend(
        INSTITUTIONS
            .statements(&rows(1, "Bad", "2026-11-01 18:00:00"))
            .unwrap(),
    ); // not ISO
    assert!(block_on(db.batch(stmts)).is_err());
    assert_eq!(count(&db), 0);
}

#[test]
fn deletes_take_any_number_of_codes_in_one_parameter() {
    let db = SqliteDb::migrated("rtopacks-db").unwrap();
    block_on(
        db.batch(
            INSTITUTIONS
                .statements(&rows(300, "X", "2026-11-01T18:00:00Z"))
                .unwrap(),
        ),
    )
    .unwrap();
    let codes: Vec<String> = (0..250).map(|i| format!("{:05}A", i)).collect();
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let m = block_on(db.run(delete_where_in(
        "cricos_institutions",
        "provider_code",
        &refs,
    )))
    .unwrap();
    assert_eq!(m.changes, 250);
    assert_eq!(count(&db), 50);
}

#[test]
#[should_panic(expected = "not a plain identifier")]
fn column_names_must_be_plain_identifiers() {
    Upsert {
        table: "t; DROP TABLE rtos",
        columns: &["a"],
        key: &["a"],
    }
    .sql();
}
