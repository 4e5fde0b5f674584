//! The enriched-RTO layer: idempotent replays, child sets replaced, scope paged and swept,
//! base rows that never downgrade an enrichment, coverage, the ingest-run record.

use futures::executor::block_on;
use rtopacks_domain::tga::{Location, OrganisationDetails, ScopeEntry};
use rtopacks_store::rtos::{
    self, AddressType, BaseRow, IngestRun, IngestSource, IngestStatus, RtoAddress,
};
use rtopacks_store::rtos::{RtoEnrichment, BY_TGA_INGEST};
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::{Db, Statement};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

fn de<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).unwrap()
}

const T1: &str = "2026-11-24T10:00:00Z";
const T2: &str = "2026-11-25T10:00:00Z";

fn enrichment() -> RtoEnrichment {
    let mut d = OrganisationDetails {
        is_rto: true,
        ..OrganisationDetails::default()
    };
    d.responsible_legal_persons = vec![
        de(
            json!({"name": "Old Pty Ltd", "abns": ["11111111111"], "acn": "111111111", "start_date": "2010-01-01", "end_date": "2015-01-01"}),
        ),
        de(
            json!({"name": "Acme Training Pty Ltd", "abns": ["12345678901"], "acn": "123456789", "start_date": "2015-01-01"}),
        ),
    ];
    d.trading_names = vec![
        de(json!({"name": "Acme Skills", "start_date": "2015-01-01"})),
        de(json!({"name": "Acme Old", "start_date": "2010-01-01", "end_date": "2015-01-01"})),
    ];
    d.urls = vec![de(json!({"link": "https://acme.edu.au"}))];
    d.registration_periods = vec![
        de(json!({"start_date": "2010-01-01", "end_date": "2017-01-01"})),
        de(json!({"start_date": "2017-01-01", "end_date": "2031-01-01"})),
        de(json!({"end_date": "2000-01-01"})), // no start: no key, not written
    ];
    d.classifications = vec![de(
        json!({"purpose_code": "P1", "scheme_code": "01", "value_code": "ABC"}),
    )];
    d.contacts = vec![
        de(
            json!({"type_code": "Chief Executive", "first_name": "Jane", "last_name": "Citizen", "email": "jane@acme.edu.au", "phone": "02 9000 0000",
            "postal_address": {"line1": "PO Box 1", "suburb": "Sydney", "state_code": "NSW", "postcode": "2000"}}),
        ),
        de(
            json!({"type_code": "Public Enquiries", "first_name": "Bob", "last_name": "Smith", "email": "info@acme.edu.au"}),
        ),
    ];
    let loc = |line1: &str, state: &str| -> Location {
        de(
            json!({"address": {"line1": line1, "suburb": "Sydney", "state_code": state, "postcode": "2000", "country_code": "AU"}}),
        )
    };
    RtoEnrichment {
        rto_code: "45329".into(),
        status: Some("Current".into()),
        upstream_updated_at: Some("2026-11-01T00:00:00Z".into()),
        cricos_provider_code: None,
        details: d,
        addresses: vec![
            RtoAddress {
                address_type: AddressType::HeadOffice,
                location: loc("1 George St", "NSW"),
            },
            RtoAddress {
                address_type: AddressType::Postal,
                location: loc("PO Box 1", "NSW"),
            },
            RtoAddress {
                address_type: AddressType::DeliveryLocation,
                location: loc("5 Queen St", "VIC"),
            },
        ],
    }
}

/// Every row of every table of the layer, as text, in key order.
fn dump(db: &SqliteDb) -> Vec<Vec<String>> {
    let conn = db.connection();
    let mut out = Vec::new();
    for t in rtos::TABLES {
        let mut st = conn
            .prepare(&format!("SELECT * FROM {t} ORDER BY 1, 2, 3"))
            .unwrap();
        let n = st.column_count();
        let rows = st
            .query_map([], |r| {
                let mut v = vec![t.to_owned()];
                for i in 0..n {
                    let x: rusqlite_value::V = r.get(i)?;
                    v.push(x.0);
                }
                Ok(v)
            })
            .unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}

/// Any column as text.
mod rusqlite_value {
    pub struct V(pub String);
    impl rusqlite::types::FromSql for V {
        fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
            use rusqlite::types::ValueRef::*;
            Ok(V(match v {
                Null => "NULL".into(),
                Integer(i) => i.to_string(),
                Real(f) => f.to_string(),
                Text(t) | Blob(t) => String::from_utf8_lossy(t).into_owned(),
            }))
        }
    }
}

fn count(db: &SqliteDb, sql: &str) -> i64 {
    db.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn an_enrichment_writes_every_table_and_a_replay_changes_nothing() {
    let db = SqliteDb::migrated("rtopacks-db").unwrap();
    let counts = block_on(rtos::write_enrichment(&db, &enrichment(), T1)).unwrap();
    assert_eq!(
        (
            counts.contacts,
            counts.addresses,
            counts.trading_names,
            counts.web_addresses,
            counts.legal_names,
            counts.registrations,
            counts.classifications
        ),
        (2, 3, 2, 1, 2, 2, 1)
    );
    let row: (String, String, String, String, String, String, String, i64) = db
        .connection()
        .query_row(
            "SELECT legal_name, trading_name, abn, acn, registration_start_date, head_office_state_code, status, enriched FROM rtos WHERE rto_code = '45329'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)),
        )
        .unwrap();
    assert_eq!(
        row,
        (
            "Acme Training Pty Ltd".into(),
            "Acme Skills".into(),
            "12345678901".into(),
            "123456789".into(),
            "2017-01-01".into(),
            "NSW".into(),
            "Current".into(),
            0 // enriched only once scope is in
        )
    );
    let key: String = db
        .connection()
        .query_row(
            "SELECT contact_key FROM rto_contacts WHERE first_name = 'Jane'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(key, "chief executive|jane|citizen||jane@acme.edu.au");

    let before = dump(&db);
    block_on(rtos::write_enrichment(&db, &enrichment(), T1)).unwrap();
    assert_eq!(dump(&db), before, "same input, same clock: identical rows");

    // A day later: only timestamps move.
    block_on(rtos::write_enrichment(&db, &enrichment(), T2)).unwrap();
    let strip = |rows: Vec<Vec<String>>| -> Vec<Vec<String>> {
        rows.into_iter()
            .map(|r| r.into_iter().filter(|c| c != T1 && c != T2).collect())
            .collect()
    };
    assert_eq!(strip(dump(&db)), strip(before));
}

#[test]
fn child_rows_upstream_dropped_are_removed_and_changed_ones_updated() {
    let db = SqliteDb::migrated("rtopacks-db").unwrap();
    block_on(rtos::write_enrichment(&db, &enrichment(), T1)).unwrap();
    // A geocoder annotated the head office.
    db.connection()
        .execute(
            "UPDATE rto_addresses SET latitude = -33.86, longitude = 151.2 WHERE address_type = 'head_office'",
            [],
        )
        .unwrap();
    // An unrelated RTO's rows must survive the replacement.
    let mut other = enrichment();
    other.rto_code = "90001".into();
    block_on(rtos::write_enrichment(&db, &other, T1)).unwrap();

    let mut e = enrichment();
    e.details.contacts[0].phone = Some("02 9111 1111".into());
    e.details.contacts.pop();
    e.details.trading_names.pop();
    e.details.classifications.clear();
    e.addresses.pop();
    block_on(rtos::write_enrichment(&db, &e, T2)).unwrap();

    let n = |t: &str| {
        count(
            &db,
            &format!("SELECT count(*) FROM {t} WHERE rto_code = '45329'"),
        )
    };
    assert_eq!(n("rto_contacts"), 1);
    assert_eq!(n("rto_trading_names"), 1);
    assert_eq!(n("rto_classifications"), 0);
    assert_eq!(n("rto_addresses"), 2);
    let phone: String = db
        .connection()
        .query_row(
            "SELECT phone FROM rto_contacts WHERE rto_code = '45329'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(phone, "02 9111 1111");
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM rto_addresses WHERE rto_code = '45329' AND latitude = -33.86"
        ),
        1,
        "an unchanged address keeps its geocode"
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM rto_contacts WHERE rto_code = '90001'"
        ),
        2
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM rto_classifications WHERE rto_code = '90001'"
        ),
        1
    );
}

fn scope(n: usize, offset: usize) -> Vec<ScopeEntry> {
    (offset..offset + n)
        .map(|i| {
            de(json!({
                "nrt_code": format!("BSBOPS{i:04}"),
                "component_type": if i.is_multiple_of(10) { "Qualification" } else { "Unit" },
                "extent_code": "01", "is_implicit": i.is_multiple_of(3), "is_refused": false,
                "start_date": "2020-01-01",
                "end_date": if i.is_multiple_of(7) { Some("2021-01-01") } else { None },
            }))
        })
        .collect()
}

#[test]
fn scope_is_written_a_page_at_a_time_and_swept_after_the_last() {
    let db = SqliteDb::migrated("rtopacks-db").unwrap();
    block_on(rtos::write_enrichment(&db, &enrichment(), T1)).unwrap();
    for p in 0..3 {
        let page = block_on(rtos::write_scope_page(
            &db,
            "45329",
            &scope(1000, p * 1000),
            T1,
        ))
        .unwrap();
        assert_eq!((page.written, page.rejected), (1000, 0));
    }
    block_on(db.batch(vec![
        rtos::remove_stale_scope("45329", T1),
        rtos::mark_enriched("45329", BY_TGA_INGEST, T1),
    ]))
    .unwrap();
    assert_eq!(count(&db, "SELECT count(*) FROM rto_scope"), 3000);
    assert_eq!(
        count(&db, "SELECT count(*) FROM rto_scope WHERE is_current = 0"),
        (0..3000usize).filter(|i| i.is_multiple_of(7)).count() as i64
    );
    assert_eq!(
        count(&db, "SELECT enriched FROM rtos WHERE rto_code = '45329'"),
        1
    );

    // Next enrichment: upstream lists 2,500 of them, plus two it cannot type or code.
    let mut entries = scope(2500, 0);
    entries.push(de(
        json!({"nrt_code": "X1", "is_implicit": false, "is_refused": false}),
    ));
    entries.push(de(json!({"nrt_code": " ", "component_type": "Unit", "is_implicit": false, "is_refused": false})));
    let (stmts, page) = rtos::scope_page_statements("45329", &entries, T2).unwrap();
    assert_eq!((page.written, page.rejected), (2500, 2));
    assert_eq!(stmts.len(), 5, "500 rows per statement");
    assert!(stmts.iter().all(|s| s.params.len() == 1));
    block_on(db.batch(stmts)).unwrap();
    let removed = block_on(db.run(rtos::remove_stale_scope("45329", T2))).unwrap();
    assert_eq!(removed.changes, 500);
    assert_eq!(count(&db, "SELECT count(*) FROM rto_scope"), 2500);
}

#[test]
fn base_rows_never_downgrade_an_enrichment() {
    let db = SqliteDb::migrated("rtopacks-db").unwrap();
    block_on(rtos::write_enrichment(&db, &enrichment(), T1)).unwrap();
    block_on(db.run(rtos::mark_enriched("45329", BY_TGA_INGEST, T1))).unwrap();

    let base = |code: &str, name: &str, updated: &str| BaseRow {
        rto_code: code.into(),
        legal_name: Some(name.into()),
        trading_name: None,
        status: Some("Not current".into()),
        upstream_updated_at: Some(updated.into()),
    };
    block_on(rtos::write_base_rows(
        &db,
        &[
            base("45329", "Summary Name", "2026-11-20T00:00:00Z"),
            base("90001", "New Org Pty Ltd", "2026-11-20T00:00:00Z"),
        ],
        T2,
    ))
    .unwrap();
    let row = |code: &str| -> (i64, Option<String>, Option<String>, Option<String>, String) {
        db.connection()
            .query_row(
                "SELECT enriched, enriched_at, legal_name, status, upstream_updated_at FROM rtos WHERE rto_code = ?1",
                [code],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap()
    };
    assert_eq!(
        row("45329"),
        (
            1,
            Some(T1.into()),
            Some("Acme Training Pty Ltd".into()),
            Some("Current".into()),
            "2026-11-20T00:00:00Z".into()
        )
    );
    assert_eq!(
        row("90001"),
        (
            0,
            None,
            Some("New Org Pty Ltd".into()),
            Some("Not current".into()),
            "2026-11-20T00:00:00Z".into()
        )
    );
    // An older delta never rolls upstream_updated_at back; 1,200 rows go in 3 statements.
    let many: Vec<BaseRow> = (0..1200)
        .map(|i| base(&format!("{}", 10000 + i), "X", "2026-01-01T00:00:00Z"))
        .chain([base("45329", "Y", "2026-01-01T00:00:00Z")])
        .collect();
    let stmts = rtos::base_row_statements(&many, T2).unwrap();
    assert_eq!(stmts.len(), 3);
    block_on(db.batch(stmts)).unwrap();
    assert_eq!(row("45329").4, "2026-11-20T00:00:00Z");
    assert_eq!(row("45329").0, 1);

    // Coverage: 1 enriched of 2 organisations in the corpus.
    for code in ["45329", "90001"] {
        db.connection()
            .execute(
                "INSERT INTO tga_organisations (code, synced_at) VALUES (?1, ?2)",
                [code, T1],
            )
            .unwrap();
    }
    let c = block_on(rtos::coverage(&db)).unwrap();
    assert_eq!((c.enriched, c.rtos, c.organisations), (1, 1202, 2));
    assert_eq!(c.ratio(), 0.5);
}

#[test]
fn the_ingest_run_row_is_upserted() {
    let db = SqliteDb::migrated("rtopacks-db").unwrap();
    let mut run = IngestRun {
        source: IngestSource::TgaIngest,
        run_id: "tga_ingest:45329:2026-11-24T10:00:00Z",
        started_at: T1,
        completed_at: None,
        status: IngestStatus::Running,
        records_in: 10,
        records_out: 9,
        error: None,
        detail: json!({"rto_code": "45329"}),
    };
    block_on(db.run(rtos::record_ingest_run(&run))).unwrap();
    run.status = IngestStatus::Complete;
    run.completed_at = Some(T2);
    run.started_at = T2; // ignored on conflict
    block_on(db.run(rtos::record_ingest_run(&run))).unwrap();
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct R {
        started_at: String,
        completed_at: Option<String>,
        status: String,
    }
    let rows: Vec<R> = block_on(db.all(Statement::new(
        "SELECT started_at, completed_at, status FROM tga_ingest_runs",
    )))
    .unwrap();
    assert_eq!(
        rows,
        vec![R {
            started_at: T1.into(),
            completed_at: Some(T2.into()),
            status: "complete".into()
        }]
    );
}

#[test]
fn every_statement_stays_within_d1s_limits() {
    let (stmts, _) = rtos::enrichment_statements(&enrichment(), T1).unwrap();
    assert!(stmts.len() < 25);
    for s in &stmts {
        s.check_limits().unwrap();
        assert!(!s.sql.contains("datetime("));
    }
}
