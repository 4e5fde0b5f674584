//! The native backend behaves like D1: same migrations, same parameter limit,
//! transactional batches, rows as column-keyed objects.

use futures::executor::block_on;
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::{Db, Statement, StoreError, Value};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Name {
    name: String,
}

fn tables(db: &SqliteDb) -> Vec<String> {
    block_on(db.all::<Name>(Statement::new(
        "SELECT name FROM sqlite_master WHERE type IN ('table','view') ORDER BY name",
    )))
    .unwrap()
    .into_iter()
    .map(|n| n.name)
    .collect()
}

#[test]
fn every_database_migrates_with_the_tables_the_seeds_name() {
    let expect: [(&str, &[&str]); 4] = [
        (
            "rtopacks-db",
            &[
                "tga_organisations",
                "tga_training_components",
                "tga_qualification_units",
                "qualification_statuses",
                "org_statuses",
                "tga_snapshots",
                "cricos_institutions",
                "cricos_courses",
                "cricos_locations",
                "cricos_course_locations",
                "rtos",
                "rto_contacts",
                "rto_addresses",
                "rto_trading_names",
                "rto_web_addresses",
                "rto_legal_names",
                "rto_registrations",
                "rto_classifications",
                "rto_scope",
                "tga_ingest_runs",
            ],
        ),
        (
            "ops-db",
            &[
                "sync_runs",
                "tga_sync_steps",
                "sync_steps",
                "regulatory_events",
                "sentinel_log",
                "tga_sync_cursor",
                "cricos_sync_cursor",
                "rto_clients",
                "orgs",
                "anomaly_log",
                "api_access_log",
                "access_allowlist",
                "interaction_log",
                "ops_log",
                "email_outbox",
            ],
        ),
        (
            "engine-db-oc",
            &[
                "users",
                "sessions",
                "orgs",
                "memberships",
                "documents",
                "magic_link_tokens",
            ],
        ),
        ("rto-intake-db", &["waitlist", "verification_tokens"]),
    ];
    for (database, names) in expect {
        let db = SqliteDb::migrated(database).unwrap_or_else(|e| panic!("{database}: {e}"));
        let have = tables(&db);
        for name in names {
            assert!(
                have.iter().any(|t| t == name),
                "{database} lacks {name}; has {have:?}"
            );
        }
    }
}

#[test]
fn statements_over_d1s_parameter_limit_are_refused() {
    let db = SqliteDb::migrated("ops-db").unwrap();
    let select = |n: usize| {
        let placeholders: Vec<String> = (1..=n).map(|i| format!("?{i}")).collect();
        let mut s = Statement::new(format!("SELECT {} AS total", placeholders.join(" + ")));
        s.params = (0..n).map(|_| Value::Int(1)).collect();
        s
    };
    #[derive(Debug, Deserialize)]
    struct Total {
        total: i64,
    }
    let ok: Vec<Total> = block_on(db.all(select(100))).unwrap();
    assert_eq!(ok[0].total, 100);
    let err = block_on(db.all::<Total>(select(101))).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::TooManyParameters {
                found: 101,
                limit: 100
            }
        ),
        "{err}"
    );
    // SQLite itself is configured with D1's limit, so raw SQL cannot slip past either.
    let raw: Vec<String> = (1..=101).map(|i| format!("?{i}")).collect();
    let conn = db.connection();
    assert!(conn.prepare(&format!("SELECT {}", raw.join(","))).is_err());
}

#[test]
fn a_batch_is_all_or_nothing() {
    let db = SqliteDb::migrated("ops-db").unwrap();
    let log = |msg: &str| {
        Statement::new(
            "INSERT INTO ops_log (source, level, message, detail, created_at) VALUES ('test', 'info', ?1, '{}', ?2)",
        )
        .bind(msg)
        .bind("2026-11-24T10:00:00Z")
    };
    let bad = Statement::new("INSERT INTO ops_log (source, level, message, created_at) VALUES ('t', 'shouting', 'x', ?1)")
        .bind("2026-11-24T10:00:00Z");
    assert!(block_on(db.batch(vec![log("first"), bad])).is_err());
    #[derive(Deserialize)]
    struct N {
        n: i64,
    }
    let n: Option<N> =
        block_on(db.first(Statement::new("SELECT count(*) AS n FROM ops_log"))).unwrap();
    assert_eq!(n.unwrap().n, 0, "the failed batch left a row behind");
    block_on(db.batch(vec![log("a"), log("b")])).unwrap();
    let n: Option<N> =
        block_on(db.first(Statement::new("SELECT count(*) AS n FROM ops_log"))).unwrap();
    assert_eq!(n.unwrap().n, 2);
}

#[test]
fn schemas_refuse_sqlite_datetime_text_in_timestamp_columns() {
    let db = SqliteDb::migrated("ops-db").unwrap();
    // The runbook's manual client insert, with `datetime('now')`, is exactly what the ISO rule forbids.
    let runbook = "INSERT INTO rto_clients (rto_code, is_client, client_since, client_status, plan)
                   VALUES ('45329', 1, datetime('now'), 'active', 'essential')";
    assert!(block_on(db.run(Statement::new(runbook))).is_err());
    let iso = Statement::new(
        "INSERT INTO rto_clients (rto_code, is_client, client_since, client_status, plan, created_at, updated_at)
         VALUES ('45329', 1, ?1, 'active', 'essential', ?1, ?1)",
    )
    .bind("2026-11-24T10:00:00Z");
    block_on(db.run(iso)).unwrap();
}

#[test]
fn each_statement_is_counted_for_query_budgets() {
    let db = SqliteDb::migrated("ops-db").unwrap();
    db.reset_query_count();
    let one = Statement::new("SELECT 1 AS x");
    block_on(db.all::<serde_json::Value>(one.clone())).unwrap();
    block_on(db.batch(vec![one.clone(), one])).unwrap();
    assert_eq!(db.query_count(), 3);
}

#[test]
fn glob_patterns_over_d1s_fifty_bytes_are_refused_as_on_d1() {
    let db = SqliteDb::open_in_memory().unwrap();
    let long = "[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:*Z"; // 54 bytes
    let q = |p: &str| Statement::new("SELECT ('2026-11-24T10:00:00Z' GLOB ?1) AS ok").bind(p);
    assert!(block_on(db.all::<serde_json::Value>(q(long))).is_err());
    assert!(block_on(db.all::<serde_json::Value>(q("[0-9][0-9][0-9][0-9]-*T*Z"))).is_ok());
}

#[test]
fn compound_selects_over_d1s_five_terms_are_refused_as_on_d1() {
    let db = SqliteDb::open_in_memory().unwrap();
    let union = |terms: usize| {
        let sql = vec!["SELECT 1 AS n"; terms].join(" UNION ALL ");
        block_on(db.all::<serde_json::Value>(Statement::new(&sql)))
    };
    assert_eq!(union(5).unwrap().len(), 5);
    let err = union(6).unwrap_err().to_string();
    assert!(err.contains("too many terms in compound SELECT"), "{err}");
}

#[test]
fn several_reads_come_back_in_order_from_one_all_batch() {
    let db = SqliteDb::open_in_memory().unwrap();
    let reads = vec![
        Statement::new("SELECT 1 AS n, 'a' AS s"),
        Statement::new("SELECT ?1 AS n WHERE ?1 > 5").bind(3_i64),
        Statement::new("SELECT value AS n FROM json_each('[7,8]')"),
    ];
    let rows = block_on(db.all_batch(reads)).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0], vec![serde_json::json!({"n": 1, "s": "a"})]);
    assert!(rows[1].is_empty(), "a read with no rows keeps its place");
    assert_eq!(
        rows[2],
        vec![serde_json::json!({"n": 7}), serde_json::json!({"n": 8})]
    );
    let err = block_on(db.all_batch(vec![Statement::new("SELECT * FROM no_such_table")]));
    assert!(err.is_err());
}

#[test]
fn dev_seeds_apply_to_the_migrated_schemas_and_are_idempotent() {
    let seeds = rtopacks_store::sqlite::migrations_root().join("../scripts/seed");
    for entry in std::fs::read_dir(&seeds).unwrap() {
        let dir = entry.unwrap().path();
        let database = dir.file_name().unwrap().to_string_lossy().into_owned();
        let db = SqliteDb::migrated(&database).unwrap();
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for _ in 0..2 {
            for f in &files {
                let sql = std::fs::read_to_string(f).unwrap();
                db.connection()
                    .execute_batch(&sql)
                    .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            }
        }
    }
}
