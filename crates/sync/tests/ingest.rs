//! tga-ingest end to end, natively: a fake training.gov.au REST API answering the
//! organisation, contacts and paged scope shapes, SQLite with the real migrations.

use std::cell::{Cell, RefCell};

use chrono::{DateTime, Duration, Utc};
use futures::executor::block_on;
use rtopacks_domain::time::parse_iso;
use rtopacks_edge::outbound::{HttpClient, OutboundRequest, OutboundResponse, RetryPolicy};
use rtopacks_store::rtos::{self as store, BaseRow, IngestSource};
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::{Db, Statement};
use rtopacks_sync::ingest::{Ingest, Outcome, Resume, Settings};
use serde_json::{json, Value};

const BASE: &str = "https://training.gov.au/api";
const CODE: &str = "45329";
const SCOPE_ROWS: usize = 2_500;

struct FakeRest {
    organisation: RefCell<Value>,
    contacts: RefCell<Vec<Value>>,
    scope: RefCell<Vec<Value>>,
    /// Every request answers this status.
    fail_status: Cell<Option<u16>>,
    /// The scope page at this offset is cut off mid-object.
    malformed_at_offset: Cell<Option<usize>>,
    requests: RefCell<Vec<String>>,
    slept: RefCell<Vec<u64>>,
}

fn param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    url.split(['?', '&'])
        .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
}

fn answer(status: u16, body: String) -> Result<OutboundResponse, String> {
    Ok(OutboundResponse {
        status,
        body,
        retry_after: None,
    })
}

impl HttpClient for FakeRest {
    async fn send(&self, req: &OutboundRequest) -> Result<OutboundResponse, String> {
        self.requests.borrow_mut().push(req.url.clone());
        if let Some(status) = self.fail_status.get() {
            return answer(
                status,
                "An error occurred while processing your request.".into(),
            );
        }
        let url = req.url.strip_prefix(BASE).expect("REST base");
        assert!(param(url, "api-version").is_some(), "api-version missing");
        let path = url.split('?').next().unwrap();
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let not_found = || {
            answer(
                404,
                json!({"type": "https://tools.ietf.org/html/rfc7231#section-6.5.4", "title": "Not Found", "status": 404}).to_string(),
            )
        };
        if parts.get(1) != Some(&CODE) {
            return not_found();
        }
        match parts.get(2).copied() {
            None => {
                assert_eq!(param(url, "include"), Some("all"));
                answer(200, self.organisation.borrow().to_string())
            }
            Some("contacts") => {
                let value = self.contacts.borrow().clone();
                answer(
                    200,
                    json!({"value": value, "count": value.len()}).to_string(),
                )
            }
            Some("scope") => {
                let offset: usize = param(url, "offset").unwrap().parse().unwrap();
                let size: usize = param(url, "pageSize").unwrap().parse().unwrap();
                if self.malformed_at_offset.get() == Some(offset) {
                    return answer(
                        200,
                        r#"{"value": [{"code": "BSB50420", "title": "Dipl"#.into(),
                    );
                }
                let rows = self.scope.borrow();
                let page: Vec<&Value> = rows.iter().skip(offset).take(size).collect();
                answer(200, json!({"value": page, "count": rows.len()}).to_string())
            }
            Some(_) => not_found(),
        }
    }
    async fn sleep(&self, ms: u64) {
        self.slept.borrow_mut().push(ms);
    }
}

fn organisation() -> Value {
    let addr = |line1: &str, suburb: &str, state: &str, postcode: &str| json!({"line1": line1, "line2": null, "suburb": suburb, "state": state, "postcode": postcode, "country": "AU"});
    json!({
        "code": CODE, "name": "Acme Training Pty Ltd", "isRto": true,
        "status": {"id": 1, "isCurrent": true, "name": "Current"},
        "updatedDate": "2026-10-30T04:12:45.123Z",
        "legalNames": [{"name": "Acme Training Pty Ltd", "abns": ["12345678901"], "acn": "123456789", "startDate": "2015-03-01", "endDate": null}],
        "tradingNames": [
            {"name": "Acme Skills Academy", "startDate": "2015-03-01", "endDate": null},
            {"name": "Acme College", "startDate": "2012-01-01", "endDate": "2015-03-01"}
        ],
        "webAddresses": [{"webAddress": "https://www.acme.edu.au", "startDate": "2015-03-01", "endDate": null}],
        "registrations": [
            {"startDate": "2012-01-01", "endDate": "2019-01-01", "endReason": null, "registrationManager": "ASQA"},
            {"startDate": "2019-01-01", "endDate": "2033-01-01", "endReason": null, "registrationManager": "ASQA"}
        ],
        "classifications": [{"purposeCode": "RTO", "schemeCode": "10", "valueCode": "91", "startDate": "2012-01-01", "endDate": null}],
        "addresses": [
            {"addressType": "headOffice", "address": addr("Level 3, 100 George St", "Sydney", "NSW", "2000")},
            {"addressType": "postal", "address": addr("PO Box 123", "Sydney", "NSW", "2001")},
            {"addressType": "deliveryLocation", "address": addr("12 Collins St", "Melbourne", "VIC", "3000")},
            {"addressType": "deliveryLocation", "address": addr("7 Adelaide St", "Brisbane", "QLD", "4000")}
        ],
        "restrictions": [],
        "cricosProviderCodes": ["03389E"],
        "createdDate": "2012-01-01T00:00:00Z"
    })
}

fn contacts() -> Vec<Value> {
    vec![
        json!({"contactType": "Chief Executive", "title": "Ms", "firstName": "Jane", "lastName": "Citizen", "jobTitle": "Chief Executive Officer",
               "organisationName": "Acme Training Pty Ltd", "email": "jane.citizen@acme.edu.au", "phone": "02 9000 0000", "mobile": null, "fax": null,
               "address": {"line1": "PO Box 123", "suburb": "Sydney", "state": "NSW", "postcode": "2001", "country": "AU"}}),
        json!({"contactType": "Public Enquiries", "firstName": "Front", "lastName": "Desk", "email": "info@acme.edu.au", "phone": "1300 000 000"}),
        json!({"contactType": "Registration Enquiries", "firstName": "Sam", "lastName": "Lee", "jobTitle": "Compliance Manager", "email": "compliance@acme.edu.au"}),
    ]
}

fn scope_row(i: usize) -> Value {
    let (code, kind) = match i % 25 {
        0 => (format!("BSB5{i:04}"), "qualification"),
        1 => (format!("BSB4SS{i:04}"), "skillSet"),
        _ => (format!("BSBOPS{i:04}"), "unit"),
    };
    let ended = i.is_multiple_of(11);
    json!({"code": code, "title": format!("Component {i}"), "componentType": kind,
           "extent": if i.is_multiple_of(9) { "Assess only" } else { "Deliver and assess" },
           "isImplicit": kind == "unit" && i.is_multiple_of(2),
           "status": if ended { "notCurrent" } else { "current" },
           "startDate": "2016-07-01", "endDate": if ended { Some("2021-06-30") } else { None }})
}

fn fake() -> FakeRest {
    FakeRest {
        organisation: RefCell::new(organisation()),
        contacts: RefCell::new(contacts()),
        scope: RefCell::new((0..SCOPE_ROWS).map(scope_row).collect()),
        fail_status: Cell::new(None),
        malformed_at_offset: Cell::new(None),
        requests: RefCell::new(Vec::new()),
        slept: RefCell::new(Vec::new()),
    }
}

const SETTINGS: Settings = Settings {
    page_size: 500,
    pages_per_invocation: 2,
    retry: RetryPolicy {
        attempts: 3,
        base_ms: 500,
        max_ms: 10_000,
    },
};

fn at(s: &str) -> DateTime<Utc> {
    parse_iso(s).unwrap()
}

const T1: &str = "2026-11-24T10:00:00Z";

struct World {
    db: SqliteDb,
    rest: FakeRest,
    /// Queries of the busiest invocation.
    max_queries: Cell<u64>,
    invocations: Cell<u32>,
}

impl World {
    fn new() -> Self {
        World {
            db: SqliteDb::migrated("rtopacks-db").unwrap(),
            rest: fake(),
            max_queries: Cell::new(0),
            invocations: Cell::new(0),
        }
    }

    fn ingest(&self) -> Ingest<'_, FakeRest, SqliteDb> {
        Ingest {
            http: &self.rest,
            db: &self.db,
            base: BASE,
            settings: SETTINGS,
            source: IngestSource::TgaIngest,
        }
    }

    fn measure(&self, f: impl FnOnce() -> Outcome) -> Outcome {
        self.db.reset_query_count();
        let o = f();
        self.max_queries
            .set(self.max_queries.get().max(self.db.query_count()));
        self.invocations.set(self.invocations.get() + 1);
        o
    }

    fn first(&self, now: DateTime<Utc>) -> Outcome {
        self.measure(|| block_on(self.ingest().enrich(CODE, now)).unwrap())
    }

    fn resume(&self, r: Resume, now: DateTime<Utc>) -> Outcome {
        self.measure(|| block_on(self.ingest().resume(r, now)).unwrap())
    }

    /// One enrichment to the end, one invocation per continuation, a minute apart.
    fn enrich(&self, start: &str) -> Outcome {
        let mut now = at(start);
        let mut o = self.first(now);
        while let Outcome::Continue { resume } = o {
            now += Duration::minutes(1);
            o = self.resume(resume, now);
        }
        o
    }

    /// Rows as JSON objects (through the `Db` trait; outside any measured invocation).
    fn rows(&self, sql: &str) -> Vec<Value> {
        block_on(self.db.all::<Value>(Statement::new(sql))).unwrap()
    }

    fn count(&self, sql: &str) -> i64 {
        self.rows(sql)[0]
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()
            .as_i64()
            .unwrap()
    }

    fn n(&self, table: &str) -> i64 {
        self.count(&format!(
            "SELECT count(*) FROM {table} WHERE rto_code = '{CODE}'"
        ))
    }

    /// Every row of the layer, timestamps included.
    fn dump(&self) -> Vec<String> {
        store::TABLES
            .iter()
            .flat_map(|t| {
                self.rows(&format!("SELECT * FROM {t} ORDER BY 1, 2, 3"))
                    .into_iter()
                    .map(move |r| format!("{t}|{r}"))
            })
            .collect()
    }

    fn one(&self, sql: &str) -> Value {
        self.rows(sql).remove(0)
    }

    /// (run_id, status, error, detail) of every tga_ingest_runs row.
    fn run_rows(&self) -> Vec<(String, String, Option<String>, Value)> {
        self.rows("SELECT run_id, status, error, detail FROM tga_ingest_runs ORDER BY id")
            .into_iter()
            .map(|r| {
                (
                    r["run_id"].as_str().unwrap().to_owned(),
                    r["status"].as_str().unwrap().to_owned(),
                    r["error"].as_str().map(str::to_owned),
                    serde_json::from_str(r["detail"].as_str().unwrap()).unwrap(),
                )
            })
            .collect()
    }
}

#[test]
fn a_full_enrichment_streams_scope_over_several_invocations() {
    let w = World::new();
    let o = w.first(at(T1));
    let Outcome::Continue { resume } = o else {
        panic!("expected a continuation, got {o:?}")
    };
    assert_eq!(resume.offset, 1000, "two pages of 500 per invocation");
    assert_eq!(
        w.count("SELECT enriched FROM rtos"),
        0,
        "not enriched until scope is in"
    );
    assert_eq!(w.n("rto_scope"), 1000);
    let r = w.run_rows();
    assert_eq!((r.len(), r[0].1.as_str()), (1, "running"));

    let o = w.resume(resume, at("2026-11-24T10:01:00Z"));
    let Outcome::Continue { resume } = o else {
        panic!("{o:?}")
    };
    assert_eq!(resume.offset, 2000);
    let o = w.resume(resume, at("2026-11-24T10:02:00Z"));
    let Outcome::Enriched { counts } = o else {
        panic!("{o:?}")
    };
    assert_eq!(w.invocations.get(), 3);
    assert_eq!(
        (
            counts.contacts,
            counts.addresses,
            counts.trading_names,
            counts.web_addresses,
            counts.legal_names,
            counts.registrations,
            counts.classifications,
            counts.scope_rows,
            counts.scope_rejected,
            counts.scope_removed
        ),
        (3, 4, 2, 1, 1, 2, 1, SCOPE_ROWS as u64, 0, 0)
    );

    let row = w.one(&format!(
        "SELECT legal_name, trading_name, abn, status, head_office_state_code, cricos_provider_code,
                upstream_updated_at, enriched, enriched_at, enriched_by FROM rtos WHERE rto_code = '{CODE}'"
    ));
    assert_eq!(
        row,
        json!({
            "legal_name": "Acme Training Pty Ltd",
            "trading_name": "Acme Skills Academy",
            "abn": "12345678901",
            "status": "Current",
            "head_office_state_code": "NSW",
            "cricos_provider_code": "03389E",
            "upstream_updated_at": "2026-10-30T04:12:45Z",
            "enriched": 1,
            "enriched_at": "2026-11-24T10:02:00Z",
            "enriched_by": "tga_ingest"
        })
    );
    assert_eq!(w.n("rto_contacts"), 3);
    assert_eq!(w.n("rto_addresses"), 4);
    assert_eq!(
        w.count("SELECT count(*) FROM rto_addresses WHERE address_type = 'delivery_location'"),
        2
    );
    assert_eq!(w.n("rto_scope"), SCOPE_ROWS as i64);
    assert_eq!(
        w.count("SELECT count(*) FROM rto_scope WHERE component_type = 'Qualification'"),
        100
    );
    assert_eq!(
        w.count("SELECT count(*) FROM rto_scope WHERE is_current = 0"),
        (0..SCOPE_ROWS).filter(|i| i.is_multiple_of(11)).count() as i64
    );
    let runs = w.run_rows();
    assert_eq!(runs.len(), 1, "one run row, upserted");
    assert_eq!(runs[0].1, "complete");
    assert_eq!(runs[0].3["rto_code"], CODE);
    assert_eq!(runs[0].3["counts"]["scope_rows"], SCOPE_ROWS);
    let r = w.one("SELECT records_in, records_out FROM tga_ingest_runs");
    let (records_in, records_out) = (
        r["records_in"].as_i64().unwrap(),
        r["records_out"].as_i64().unwrap(),
    );
    assert_eq!((records_in, records_out), (2514, 2514));

    // Scope was fetched page by page, in order, each once.
    let offsets: Vec<String> = w
        .rest
        .requests
        .borrow()
        .iter()
        .filter(|u| u.contains("/scope?"))
        .map(|u| param(u, "offset").unwrap().to_owned())
        .collect();
    assert_eq!(offsets, ["0", "500", "1000", "1500", "2000"]);
    assert!(
        w.max_queries.get() < 30,
        "busiest invocation ran {} queries",
        w.max_queries.get()
    );
}

#[test]
fn default_settings_enrich_in_one_invocation_far_under_the_query_budget() {
    let w = World::new();
    w.rest.scope.replace((0..20_000).map(scope_row).collect());
    let ingest = Ingest {
        settings: Settings::default(),
        ..w.ingest()
    };
    w.db.reset_query_count();
    let o = block_on(ingest.enrich(CODE, at(T1))).unwrap();
    assert!(matches!(o, Outcome::Enriched { .. }), "{o:?}");
    assert_eq!(w.n("rto_scope"), 20_000);
    assert!(w.db.query_count() < 100, "{} queries", w.db.query_count());
}

#[test]
fn the_sweep_records_itself_as_enrich_sync() {
    let w = World::new();
    let ingest = Ingest {
        settings: Settings::default(),
        source: IngestSource::EnrichSync,
        ..w.ingest()
    };
    let o = block_on(ingest.enrich(CODE, at(T1))).unwrap();
    assert!(matches!(o, Outcome::Enriched { .. }), "{o:?}");
    let row: Option<Value> = block_on(w.db.first(
        Statement::new("SELECT enriched, enriched_by FROM rtos WHERE rto_code = ?1").bind(CODE),
    ))
    .unwrap();
    assert_eq!(
        row,
        Some(json!({"enriched": 1, "enriched_by": "enrich_sync"}))
    );
    assert_eq!(w.count("SELECT count(*) FROM enrich_ingest_runs"), 1);
    assert_eq!(w.count("SELECT count(*) FROM tga_ingest_runs"), 0);
}

#[test]
fn re_running_changes_nothing() {
    let w = World::new();
    assert!(matches!(w.enrich(T1), Outcome::Enriched { .. }));
    let before = w.dump();

    // The same answers at the same instants: every row identical, timestamps included.
    assert!(matches!(w.enrich(T1), Outcome::Enriched { .. }));
    let again = w.dump();
    assert_eq!(again.len(), before.len());
    assert!(again == before, "a same-clock re-run changed rows");

    // A day later: the same rows with the same values; only timestamps move.
    let o = w.enrich("2026-11-25T10:00:00Z");
    let Outcome::Enriched { counts } = o else {
        panic!("{o:?}")
    };
    assert_eq!(counts.scope_removed, 0);
    let strip = |rows: Vec<String>| -> Vec<String> {
        rows.iter()
            .map(|l| {
                let (table, json) = l.split_once('|').unwrap();
                let mut v: Value = serde_json::from_str(json).unwrap();
                let o = v.as_object_mut().unwrap();
                o.remove("synced_at");
                o.remove("enriched_at");
                format!("{table}|{v}")
            })
            .collect()
    };
    let (after, before) = (strip(w.dump()), strip(before));
    assert_eq!(after.len(), before.len());
    assert!(after == before, "values changed on a later re-run");
}

#[test]
fn upstream_changes_are_followed() {
    let w = World::new();
    assert!(matches!(w.enrich(T1), Outcome::Enriched { .. }));

    // Upstream drops two scope rows and a delivery location, and Jane's phone changes.
    {
        let mut scope = w.rest.scope.borrow_mut();
        scope.remove(1234);
        scope.remove(10);
    }
    w.rest.contacts.borrow_mut()[0]["phone"] = json!("02 9999 1234");
    w.rest.organisation.borrow_mut()["addresses"]
        .as_array_mut()
        .unwrap()
        .pop();

    let o = w.enrich("2026-11-25T10:00:00Z");
    let Outcome::Enriched { counts } = o else {
        panic!("{o:?}")
    };
    assert_eq!((counts.scope_rows, counts.scope_removed), (2498, 2));
    assert_eq!(w.n("rto_scope"), 2498);
    assert_eq!(
        w.count(
            "SELECT count(*) FROM rto_scope WHERE component_code IN ('BSBOPS1234', 'BSBOPS0010')"
        ),
        0
    );
    assert_eq!(w.n("rto_contacts"), 3);
    let phone = w.one("SELECT phone FROM rto_contacts WHERE first_name = 'Jane'")["phone"].clone();
    assert_eq!(phone, "02 9999 1234");
    assert_eq!(w.n("rto_addresses"), 3);
    assert_eq!(
        w.count("SELECT count(*) FROM rto_addresses WHERE suburb = 'Brisbane'"),
        0
    );
    assert_eq!(w.run_rows().len(), 2, "one run row per enrichment");
}

#[test]
fn a_scope_answer_far_short_of_the_held_scope_keeps_it_then_a_real_cut_is_followed() {
    let w = World::new();
    assert!(matches!(w.enrich(T1), Outcome::Enriched { .. }));
    assert_eq!(w.n("rto_scope"), SCOPE_ROWS as i64);

    // Upstream suddenly lists no scope at all: a short answer, not a deregistration.
    let held = w.rest.scope.replace(Vec::new());
    let o = w.enrich("2026-11-25T10:00:00Z");
    let Outcome::Enriched { counts } = o else {
        panic!("{o:?}")
    };
    assert_eq!(counts.scope_removed, 0);
    assert_eq!(
        w.n("rto_scope"),
        SCOPE_ROWS as i64,
        "the held scope is kept"
    );
    let (_, status, error, detail) = w.run_rows().pop().unwrap();
    assert_eq!(
        (status.as_str(), detail["outcome"].as_str()),
        ("partial", Some("scope_kept"))
    );
    let error = error.unwrap();
    assert!(
        error.contains(&format!("listed 0 scope rows where {SCOPE_ROWS} are held")),
        "{error}"
    );

    // A genuine cut of 30% is believed and swept.
    let kept: Vec<Value> = held.into_iter().take(SCOPE_ROWS * 7 / 10).collect();
    let n = kept.len() as i64;
    w.rest.scope.replace(kept);
    let o = w.enrich("2026-11-26T10:00:00Z");
    assert!(matches!(o, Outcome::Enriched { .. }), "{o:?}");
    assert_eq!(w.n("rto_scope"), n);
    assert_eq!(w.run_rows().pop().unwrap().1, "complete");
}

#[test]
fn an_unknown_code_is_recorded_as_not_found() {
    let w = World::new();
    let o = block_on(w.ingest().enrich("99999", at(T1))).unwrap();
    assert_eq!(o, Outcome::NotFound);
    assert!(w.rest.slept.borrow().is_empty(), "a 404 is not retried");
    assert_eq!(w.rest.requests.borrow().len(), 1);
    assert_eq!(w.count("SELECT count(*) FROM rtos"), 0);
    let runs = w.run_rows();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].1, "failed");
    assert!(runs[0].2.as_deref().unwrap().contains("HTTP 404"));
    assert_eq!(runs[0].3["outcome"], "not_found");
    assert_eq!(runs[0].3["rto_code"], "99999");
}

#[test]
fn http_500_is_retried_then_fails_with_the_error_text() {
    let w = World::new();
    w.rest.fail_status.set(Some(500));
    let o = block_on(w.ingest().enrich(CODE, at(T1))).unwrap();
    let Outcome::Failed {
        error,
        retryable,
        resume,
    } = o
    else {
        panic!("{o:?}")
    };
    assert!(error.contains("HTTP 500 after 3 attempt(s)"), "{error}");
    assert!(error.contains("An error occurred"), "{error}");
    assert!(retryable);
    assert!(resume.is_none(), "the detail failed: start over");
    assert_eq!(*w.rest.slept.borrow(), vec![500, 1000]);
    assert_eq!(w.count("SELECT count(*) FROM rtos"), 0);
    let runs = w.run_rows();
    assert_eq!(runs[0].1, "failed");
    assert_eq!(runs[0].2.as_deref(), Some(error.as_str()));
}

#[test]
fn a_malformed_scope_page_writes_nothing_of_itself_and_can_be_resumed() {
    let w = World::new();
    w.rest.malformed_at_offset.set(Some(1500));
    let o = w.enrich(T1);
    let Outcome::Failed {
        error,
        retryable,
        resume: Some(resume),
    } = o
    else {
        panic!("{o:?}")
    };
    assert!(error.contains("scope page at offset 1500"), "{error}");
    assert!(retryable, "a cut-off body is worth another try");
    assert_eq!(resume.offset, 1500);
    assert_eq!(w.n("rto_scope"), 1500, "pages before it stay, none of it");
    assert_eq!(w.count("SELECT enriched FROM rtos"), 0);
    assert_eq!(w.run_rows()[0].1, "failed");

    // Upstream recovers: the caller resumes where it failed.
    w.rest.malformed_at_offset.set(None);
    let o = w.resume(resume, at("2026-11-24T10:05:00Z"));
    let Outcome::Enriched { counts } = o else {
        panic!("{o:?}")
    };
    assert_eq!(counts.scope_rows, SCOPE_ROWS as u64);
    assert_eq!(w.n("rto_scope"), SCOPE_ROWS as i64);
    assert_eq!(w.run_rows()[0].1, "complete");
    assert_eq!(w.count("SELECT enriched FROM rtos"), 1);
}

#[test]
fn the_base_row_writer_never_downgrades_an_enrichment() {
    let w = World::new();
    assert!(matches!(w.enrich(T1), Outcome::Enriched { .. }));
    let before = w.dump();
    let base = BaseRow {
        rto_code: CODE.into(),
        legal_name: Some("ACME TRAINING PTY LTD".into()),
        trading_name: None,
        status: Some("Current".into()),
        upstream_updated_at: Some("2026-10-30T04:12:45Z".into()),
    };
    let fresh = BaseRow {
        rto_code: "51234".into(),
        ..base.clone()
    };
    block_on(store::write_base_rows(&w.db, &[base, fresh], T1)).unwrap();
    let after: Vec<String> = w
        .dump()
        .into_iter()
        .filter(|l| !l.contains(r#""rto_code":"51234""#))
        .collect();
    assert_eq!(after, before, "the enriched RTO's rows are untouched");
    let row = w.one(&format!(
        "SELECT enriched, enriched_at, legal_name FROM rtos WHERE rto_code = '{CODE}'"
    ));
    assert_eq!(
        row,
        json!({"enriched": 1, "enriched_at": "2026-11-24T10:02:00Z", "legal_name": "Acme Training Pty Ltd"})
    );
    assert_eq!(
        w.count("SELECT enriched FROM rtos WHERE rto_code = '51234'"),
        0
    );
    let c = block_on(store::coverage(&w.db)).unwrap();
    assert_eq!((c.enriched, c.rtos), (1, 2));
}

#[test]
fn poison_bodies_are_refused_and_codes_normalised() {
    use rtopacks_sync::ingest::parse_message;
    assert_eq!(
        parse_message(&serde_json::json!({"rto_code": " 45329 "}))
            .unwrap()
            .rto_code,
        "45329"
    );
    assert!(parse_message(&serde_json::json!({"rto_code": "45329; DROP TABLE rtos"})).is_err());
    assert!(parse_message(&serde_json::json!({"code": "45329"})).is_err());
    assert!(parse_message(&serde_json::json!("45329")).is_err());
}

#[test]
fn messages_are_continued_retried_with_backoff_and_finally_dead_lettered() {
    use rtopacks_sync::ingest::{retry_delay, Action, IngestMessage, MAX_ATTEMPTS};
    let w = World::new();
    let first = IngestMessage {
        rto_code: CODE.into(),
        attempt: 0,
        resume: None,
        source: IngestSource::Backfill,
    };
    // SETTINGS bounds pages per invocation, so a big scope continues in a new message.
    let Action::Requeue {
        msg: next,
        delay_seconds: 0,
    } = block_on(w.ingest().handle(&first, 30, at(T1))).unwrap()
    else {
        panic!("expected a continuation")
    };
    assert!(next.resume.is_some());
    assert_eq!(next.attempt, 0);
    assert_eq!(
        next.source,
        IngestSource::Backfill,
        "the source travels with the message"
    );
    assert_eq!(next.resume.as_ref().unwrap().source, IngestSource::Backfill);

    w.rest.fail_status.set(Some(503));
    let Action::Requeue {
        msg: retry,
        delay_seconds,
    } = block_on(w.ingest().handle(&next, 30, at(T1))).unwrap()
    else {
        panic!("expected a retry")
    };
    assert_eq!((retry.attempt, delay_seconds), (1, 30));
    assert_eq!(
        retry.resume, next.resume,
        "a retry resumes where the scope stopped"
    );
    let last = IngestMessage {
        attempt: MAX_ATTEMPTS - 1,
        ..retry
    };
    let Action::DeadLetter { reason } = block_on(w.ingest().handle(&last, 30, at(T1))).unwrap()
    else {
        panic!("expected the dead-letter queue")
    };
    assert!(
        reason.starts_with("attempt 5: ") && reason.contains("HTTP 503"),
        "{reason}"
    );
    assert_eq!(retry_delay(30, 3), 240);
    assert_eq!(retry_delay(30, 20), 3600);

    w.rest.fail_status.set(Some(404));
    assert_eq!(
        block_on(w.ingest().handle(&first, 30, at(T1))).unwrap(),
        Action::Done,
        "404: recorded, not retried"
    );
}
