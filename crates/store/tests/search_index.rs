//! The FTS5 index follows every write to the corpus tables, through the triggers.

use futures::executor::block_on;
use rtopacks_store::bulk::Upsert;
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::{Db, Statement};
use serde::Deserialize;
use serde_json::json;

const COMPONENTS: Upsert = Upsert {
    table: "tga_training_components",
    columns: &["code", "component_type", "title", "is_current", "synced_at"],
    key: &["code"],
};

#[derive(Deserialize, Debug, PartialEq)]
struct Hit {
    code: String,
}

fn search(db: &SqliteDb, q: &str) -> Vec<String> {
    let hits: Vec<Hit> = block_on(db.all(
        Statement::new("SELECT code FROM components_fts WHERE components_fts MATCH ?1 ORDER BY bm25(components_fts), code")
            .bind(q),
    ))
    .unwrap();
    hits.into_iter().map(|h| h.code).collect()
}

fn upsert(db: &SqliteDb, rows: serde_json::Value) {
    let rows: Vec<serde_json::Value> = serde_json::from_value(rows).unwrap();
    block_on(db.batch(COMPONENTS.statements(&rows).unwrap())).unwrap();
}

#[test]
fn upserted_components_are_searchable_and_retitled_ones_reindexed() {
    let db = SqliteDb::migrated("rtopacks-db").unwrap();
    let at = "2026-11-21T16:00:00Z";
    upsert(
        &db,
        json!([
            {"code": "BSB50420", "component_type": "Qualification", "title": "Diploma of Leadership and Management", "is_current": 1, "synced_at": at},
            {"code": "BSBOPS501", "component_type": "Unit", "title": "Manage business resources", "is_current": 1, "synced_at": at},
            {"code": "CHC50121", "component_type": "Qualification", "title": "Diploma of Early Childhood Education and Care", "is_current": 1, "synced_at": at},
        ]),
    );
    assert_eq!(search(&db, "leadership"), vec!["BSB50420"]);
    assert_eq!(search(&db, "diploma"), vec!["BSB50420", "CHC50121"]);
    let mut prefix = search(&db, "manag*");
    prefix.sort();
    assert_eq!(
        prefix,
        vec!["BSB50420", "BSBOPS501"],
        "prefix queries use the prefix index"
    );
    assert_eq!(search(&db, "code:BSBOPS501"), vec!["BSBOPS501"]);

    // A re-sync with a new title: the old words stop matching, the new ones match.
    upsert(
        &db,
        json!([{"code": "BSBOPS501", "component_type": "Unit", "title": "Manage organisational resources", "is_current": 1, "synced_at": at}]),
    );
    assert_eq!(search(&db, "business"), Vec::<String>::new());
    assert_eq!(search(&db, "organisational"), vec!["BSBOPS501"]);
    // Re-running the same upsert leaves exactly one index entry per component.
    upsert(
        &db,
        json!([{"code": "BSBOPS501", "component_type": "Unit", "title": "Manage organisational resources", "is_current": 1, "synced_at": at}]),
    );
    assert_eq!(search(&db, "manage"), vec!["BSBOPS501"]);
    block_on(db.run(Statement::new(
        "INSERT INTO components_fts (components_fts) VALUES ('integrity-check')",
    )))
    .unwrap();
}

#[test]
fn organisations_are_searchable_by_legal_and_trading_name() {
    let db = SqliteDb::migrated("rtopacks-db").unwrap();
    block_on(db.run(
        Statement::new(
            "INSERT INTO tga_organisations (code, legal_name, trading_name, synced_at) VALUES ('45329', 'RTOpacks Pty Ltd', 'Pacific Skills Café', ?1)",
        )
        .bind("2026-11-21T16:00:00Z"),
    ))
    .unwrap();
    #[derive(Deserialize)]
    struct O {
        code: String,
    }
    let q = |m: &str| -> Vec<String> {
        block_on(
            db.all::<O>(
                Statement::new(
                    "SELECT code FROM organisations_fts WHERE organisations_fts MATCH ?1",
                )
                .bind(m),
            ),
        )
        .unwrap()
        .into_iter()
        .map(|o| o.code)
        .collect()
    };
    assert_eq!(q("cafe"), vec!["45329"], "diacritics are folded");
    assert_eq!(q("rtopacks"), vec!["45329"]);
}
