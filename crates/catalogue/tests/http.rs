//! The HTTP route table end to end: `http::route` then `http::respond` against SQLite
//! with the real `rtopacks-db` migrations and the catalogue's fixture corpus. Every
//! route's happy path is checked against its schema in the OpenAPI document; every bad
//! input is a 4xx with the error envelope, never a 500.

#[path = "catalogue/fixture.rs"]
#[allow(dead_code)]
mod fixture;

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rtopacks_catalogue::http::{self, HttpAnswer, Route, ROUTES};
use rtopacks_catalogue::{openapi, Tier};
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::{Db, RunMeta, Statement, StoreError};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use fixture::run;

/// One request through the router and the catalogue, as a worker makes it.
fn get_as(db: &impl Db, target: &str, tier: Tier) -> HttpAnswer {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    match http::route("GET", path, query) {
        Ok(r) => run(http::respond(db, &r, tier)),
        Err(e) => e.answer(),
    }
}

fn get(db: &impl Db, target: &str) -> HttpAnswer {
    get_as(db, target, Tier::Anonymous)
}

/// A 4xx with exactly the error envelope, whose detail contains `needle` and nothing
/// that smells of SQL.
fn refused(a: &HttpAnswer, status: u16, needle: &str, target: &str) {
    assert_eq!(a.status, status, "{target}: {}", a.body);
    assert_error_envelope(&a.body, target);
    let detail = a.body["errors"][0]["detail"].as_str().unwrap();
    assert!(
        detail.to_lowercase().contains(&needle.to_lowercase()),
        "{target}: {detail:?} lacks {needle:?}"
    );
    let lower = detail.to_lowercase();
    for leak in ["sql", "select ", "fts5", "syntax error", "no such"] {
        assert!(
            !lower.contains(leak),
            "{target}: detail leaks {leak:?}: {detail}"
        );
    }
}

fn assert_error_envelope(body: &Value, target: &str) {
    let errors = body
        .as_object()
        .filter(|o| o.len() == 1)
        .and_then(|o| o.get("errors"))
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("{target}: not the envelope: {body}"));
    assert!(!errors.is_empty(), "{target}");
    for e in errors {
        let e = e.as_object().unwrap();
        assert_eq!(e.len(), 1, "{target}: {body}");
        assert!(!e["detail"].as_str().unwrap().is_empty(), "{target}");
    }
}

// ---------------------------------------------------------------------------------------
// Answers against the document's schemas
// ---------------------------------------------------------------------------------------

/// Checks values against the subset of JSON Schema the document uses, and records which
/// named schemas it met.
struct Validator {
    schemas: Map<String, Value>,
    seen: BTreeSet<String>,
}

impl Validator {
    fn new(doc: &Value) -> Self {
        Validator {
            schemas: doc["components"]["schemas"].as_object().unwrap().clone(),
            seen: BTreeSet::new(),
        }
    }

    fn check_named(&mut self, name: &str, v: &Value) -> Result<(), String> {
        let schema = json!({ "$ref": format!("#/components/schemas/{name}") });
        self.check(name, &schema, v)
    }

    fn check(&mut self, at: &str, schema: &Value, v: &Value) -> Result<(), String> {
        if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
            let name = target.strip_prefix("#/components/schemas/").unwrap();
            let target = self
                .schemas
                .get(name)
                .cloned()
                .ok_or_else(|| format!("{at}: no schema {name}"))?;
            self.seen.insert(name.to_owned());
            return self.check(&format!("{at}<{name}>"), &target, v);
        }
        if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
            let mut errors = Vec::new();
            for b in branches {
                let before = self.seen.clone();
                match self.check(at, b, v) {
                    Ok(()) => return Ok(()),
                    Err(e) => {
                        self.seen = before;
                        errors.push(e);
                    }
                }
            }
            return Err(errors.join(" / "));
        }
        if let Some(t) = schema.get("type") {
            let types: Vec<&str> = match t {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => return Err(format!("{at}: bad type {t}")),
            };
            let fits = types.iter().any(|t| match *t {
                "null" => v.is_null(),
                "boolean" => v.is_boolean(),
                "integer" => v.is_i64() || v.is_u64(),
                "number" => v.is_number(),
                "string" => v.is_string(),
                "array" => v.is_array(),
                "object" => v.is_object(),
                _ => false,
            });
            if !fits {
                return Err(format!("{at}: {v} is not {types:?}"));
            }
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            if !values.contains(v) {
                return Err(format!("{at}: {v} is not one of {values:?}"));
            }
        }
        if let (Some(o), Some(props)) = (
            v.as_object(),
            schema.get("properties").and_then(Value::as_object),
        ) {
            if schema["additionalProperties"] == false {
                for k in o.keys() {
                    if !props.contains_key(k) {
                        return Err(format!("{at}: undocumented property {k}"));
                    }
                }
            }
            for r in schema["required"].as_array().into_iter().flatten() {
                let r = r.as_str().unwrap();
                if !o.contains_key(r) {
                    return Err(format!("{at}: documented property {r} is missing"));
                }
            }
            for (k, s) in props {
                if let Some(x) = o.get(k) {
                    self.check(&format!("{at}.{k}"), s, x)?;
                }
            }
        }
        if let (Some(a), Some(items)) = (v.as_array(), schema.get("items")) {
            if let Some(min) = schema.get("minItems").and_then(Value::as_u64) {
                if (a.len() as u64) < min {
                    return Err(format!("{at}: fewer than {min} items"));
                }
            }
            for (i, x) in a.iter().enumerate() {
                self.check(&format!("{at}[{i}]"), items, x)?;
            }
        }
        Ok(())
    }
}

/// The schema name of a route's 200 answer, read from the document.
fn answer_schema(doc: &Value, route: &Route) -> String {
    let path = format!("{}{}", http::PUBLIC_PREFIX, route.template());
    let r = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        ["$ref"]
        .as_str()
        .unwrap();
    r.rsplit('/').next().unwrap().to_owned()
}

struct Happy {
    db: SqliteDb,
    doc: Value,
    validator: Validator,
    ids: BTreeSet<String>,
}

impl Happy {
    fn new() -> Self {
        let doc = openapi::document("https://api.rtopacks.com.au");
        Happy {
            db: fixture::db(),
            validator: Validator::new(&doc),
            doc,
            ids: BTreeSet::new(),
        }
    }

    /// A 200 whose body is valid against the route's documented answer schema.
    fn ok_as(&mut self, target: &str, tier: Tier) -> Value {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let r = http::route("GET", path, query).unwrap_or_else(|e| panic!("{target}: {e}"));
        self.ids.insert(format!("{:?}", r.id()));
        let a = run(http::respond(&self.db, &r, tier));
        assert_eq!(a.status, 200, "{target}: {}", a.body);
        assert_eq!(a.cause, None);
        let schema = answer_schema(&self.doc, &r);
        self.validator
            .check_named(&schema, &a.body)
            .unwrap_or_else(|e| panic!("{target}: {e}"));
        a.body
    }

    fn ok(&mut self, target: &str) -> Value {
        self.ok_as(target, Tier::Anonymous)
    }

    fn codes(v: &Value, list: &str, key: &str) -> Vec<String> {
        v.pointer(list)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x[key].as_str().unwrap().to_owned())
            .collect()
    }
}

#[test]
fn every_route_answers_its_documented_shape() {
    let mut h = Happy::new();

    // Search: the exact code first; filters; an RTO by name; on scope of an RTO.
    let v = h.ok("/search?q=bsb50420");
    assert_eq!(v["results"][0]["code"], "BSB50420");
    assert_eq!(v["results"][0]["kind"], "qualification");
    assert!(v["freshness"]["synced_at"].is_string());
    let v = h.ok("/search?q=Harbourside&kind=rto&state=nsw");
    assert_eq!(Happy::codes(&v, "/results", "code"), ["45329"]);
    assert_eq!(v["results"][0]["state"], "NSW");
    let v =
        h.ok("/search?q=diploma&kind=qualification&aqf_level=Diploma&package=BSB&status=current");
    assert_eq!(Happy::codes(&v, "/results", "code"), ["BSB50420"]);
    let v = h.ok("/search?q=leadership&on_scope_of=45329");
    let on_scope = Happy::codes(&v, "/results", "code");
    assert!(on_scope.contains(&"BSB50420".to_owned()), "{on_scope:?}");
    assert!(!on_scope.contains(&"BSB40520".to_owned()), "lapsed scope");

    // Every lookup collection, and any kind under /components.
    for (target, kind) in [
        ("/qualifications/bsb50420", "qualification"),
        ("/units/BSBOPS501", "unit"),
        ("/skill-sets/BSBSS00094", "skill_set"),
        ("/accredited-courses/10942NAT", "accredited_course"),
        ("/components/BSB", "training_package"),
        ("/components/BSBOPS501", "unit"),
    ] {
        let v = h.ok(target);
        assert_eq!(v["kind"], kind, "{target}");
    }
    let v = h.ok("/qualifications/BSB50420");
    assert_eq!(v["unit_grid"]["core"].as_array().unwrap().len(), 3);
    assert_eq!(v["offered_by"]["total"], 2);
    assert_eq!(v["cricos_courses"]["total"], 2);
    let v = h.ok("/qualifications/BSB51918");
    assert_eq!(v["supersession"]["superseded_by"][0]["to"], "BSB50420");
    assert_eq!(v["replacements"][0]["code"], "BSB50420");

    // Component listings.
    let v = h.ok("/components/BSB50420/rtos");
    assert_eq!(
        Happy::codes(&v, "/rtos/items", "rto_code"),
        ["45329", "90001"]
    );
    let v = h.ok("/components/BSB51918/impact");
    assert_eq!(v["replacements"][0]["code"], "BSB50420");
    assert_eq!(v["rtos"]["items"][0]["has_replacement"], true);
    let v = h.ok("/components/TAE40116/impact?per_page=1");
    assert_eq!(v["rtos"]["total"], 2);
    let v = h.ok("/components/BSB50420/cricos-courses");
    assert_eq!(
        Happy::codes(&v, "/courses/items", "course_code"),
        ["099367G", "101234A"]
    );

    // The ladder, with and without superseded qualifications.
    let v = h.ok("/packages/BSB/ladder");
    let levels: Vec<&str> = v["rungs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels.first(), Some(&"Certificate I"));
    assert_eq!(levels.last(), Some(&"Graduate Diploma"));
    let all = h.ok("/packages/bsb/ladder?include_superseded=true");
    assert!(all.to_string().contains("BSB51918") && !v.to_string().contains("BSB51918"));

    // RTOs: by tier, with restrictions, scope filters.
    let anon = h.ok("/rtos/45329");
    assert_eq!(anon["contacts"], json!([]));
    assert_eq!(anon["contacts_withheld"], 3);
    assert_eq!(anon["tier"], "anonymous");
    let signed = h.ok_as("/rtos/45329", Tier::SignedIn);
    assert_eq!(signed["contacts"].as_array().unwrap().len(), 1);
    let l4 = h.ok_as("/rtos/45329", Tier::L4);
    assert_eq!(l4["contacts"].as_array().unwrap().len(), 3);
    assert_eq!(l4["contacts_withheld"], 0);
    let v = h.ok("/rtos/22222");
    assert_eq!(v["restricted"], true);
    let v = h.ok("/rtos/45329?scope_type=unit&include_implicit=true");
    let units = Happy::codes(&v, "/scope/items", "code");
    assert!(units.contains(&"BSBOPS501".to_owned()), "{units:?}");
    let v = h.ok("/rtos/45329?include_lapsed=yes&scope_per_page=100");
    assert!(Happy::codes(&v, "/scope/items", "code").contains(&"BSB40520".to_owned()));

    // An RTO's CRICOS courses; the corpus at a glance.
    let v = h.ok("/rtos/45329/cricos-courses?per_page=1");
    assert_eq!(v["provider_code"], "03389E");
    assert_eq!(v["courses"]["total"], 2);
    assert!(v["courses"]["next_cursor"].is_string());
    let v = h.ok("/rtos/31234/cricos-courses");
    assert_eq!(v["provider_code"], Value::Null);
    let v = h.ok("/stats");
    assert_eq!(v["qualifications"], 14);
    assert_eq!(v["counted_at"], "2026-11-21T18:00:00Z");

    // Supersession impact on an RTO's scope: what it carries that is no longer current,
    // and whether it already has the replacement.
    let v = h.ok("/rtos/45329/impact");
    let codes = Happy::codes(&v, "/items", "code");
    assert!(
        codes.contains(&"BSB51918".to_owned()) && codes.contains(&"TAE40116".to_owned()),
        "{codes:?}"
    );
    assert!(
        !codes.contains(&"BSB50420".to_owned()),
        "current items are not affected"
    );
    let item = |code: &str| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == code)
            .cloned()
            .unwrap()
    };
    assert_eq!(
        item("BSB51918")["replacements_on_scope"],
        json!(["BSB50420"])
    );
    assert_eq!(item("TAE40116")["replacements"][0]["equivalence"], "N");
    assert_eq!(item("TAE40116")["replacements_on_scope"], json!([]));
    let first = h.ok("/rtos/45329/impact?per_page=1");
    assert_eq!(first["items"].as_array().unwrap().len(), 1);
    assert_eq!(first["total"], v["total"]);
    assert!(first["next_cursor"].is_string());

    // Verify, with and without an RTO.
    let v = h.ok("/verify?code=BSB51918&rto=45329");
    assert_eq!(v["is_current"], false);
    assert_eq!(v["scope"]["on_scope"], true);
    assert!(v["summary"].as_str().unwrap().contains("BSB50420"));
    let v = h.ok("/verify?code=bsb50420");
    assert_eq!(v["scope"], Value::Null);

    // Every route was exercised, and every schema in the document met a value (the
    // error envelope below): the document and the structs agree both ways.
    let refused_body = get(&h.db, "/units/BSBXYZ999").body;
    h.validator
        .check_named("ErrorEnvelope", &refused_body)
        .unwrap();
    assert_eq!(h.ids.len(), ROUTES.len(), "{:?}", h.ids);
    let defined: BTreeSet<String> = h.validator.schemas.keys().cloned().collect();
    let unseen: Vec<&String> = defined.difference(&h.validator.seen).collect();
    assert!(unseen.is_empty(), "schemas no answer exercised: {unseen:?}");
}

#[test]
fn the_schema_check_refuses_undocumented_missing_and_mistyped_properties() {
    let mut h = Happy::new();
    let good = h.ok("/verify?code=BSB51918&rto=45329");
    let mut v = Validator::new(&h.doc);
    v.check_named("Verification", &good).unwrap();
    let mut extra = good.clone();
    extra["scope"]["surprise"] = json!(1);
    assert!(v
        .check_named("Verification", &extra)
        .unwrap_err()
        .contains("undocumented"));
    let mut missing = good.clone();
    missing["freshness"]
        .as_object_mut()
        .unwrap()
        .remove("sources");
    assert!(v
        .check_named("Verification", &missing)
        .unwrap_err()
        .contains("missing"));
    let mut mistyped = good;
    mistyped["superseded_by"][0]["depth"] = json!("1");
    assert!(v.check_named("Verification", &mistyped).is_err());
    mistyped["superseded_by"][0]["depth"] = json!(1);
    mistyped["status"] = json!("gone");
    assert!(v
        .check_named("Verification", &mistyped)
        .unwrap_err()
        .contains("one of"));
}

#[test]
fn cursors_page_through_every_listing_without_gaps() {
    let mut h = Happy::new();
    let added = fixture::add_rtos_offering_bsb50420(&h.db, 7);
    let mut expected = vec!["45329".to_owned(), "90001".to_owned()];
    expected.extend(added);
    expected.sort();

    // Follow next_cursor for the RTOs offering a code …
    let mut seen = Vec::new();
    let mut target = "/components/BSB50420/rtos?per_page=2".to_owned();
    loop {
        let v = h.ok(&target);
        seen.extend(Happy::codes(&v, "/rtos/items", "rto_code"));
        match v["rtos"]["next_cursor"].as_str() {
            Some(c) => target = format!("/components/BSB50420/rtos?per_page=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, expected);

    // … a search …
    let first = h.ok("/search?q=diploma&per_page=2");
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let next = h.ok(&format!("/search?q=diploma&per_page=2&cursor={cursor}"));
    assert_ne!(first["results"], next["results"]);

    // … and an RTO's scope.
    let v = h.ok("/rtos/45329?scope_per_page=2");
    let c = v["scope"]["next_cursor"].as_str().unwrap().to_owned();
    let v2 = h.ok(&format!("/rtos/45329?scope_per_page=2&scope_cursor={c}"));
    assert_ne!(v["scope"]["items"], v2["scope"]["items"]);

    // A real cursor handed to another listing is a 400, not a wrong page.
    let a = get(
        &h.db,
        &format!("/components/BSB50420/cricos-courses?cursor={cursor}"),
    );
    refused(&a, 400, "different listing", "foreign cursor");
    let a = get(&h.db, &format!("/rtos/45329?scope_cursor={cursor}"));
    refused(&a, 400, "different listing", "foreign scope cursor");
}

#[test]
fn bad_input_is_a_clear_4xx_with_the_envelope() {
    let db = fixture::db();
    let cases: &[(&str, u16, &str)] = &[
        // Malformed codes.
        ("/units/B", 400, "code in the path"),
        ("/units/BSB%20OPS501", 400, "national codes"),
        ("/qualifications/%27%20OR%201=1--", 400, "national codes"),
        ("/rtos/abc", 400, "RTO codes"),
        ("/rtos/123456789", 400, "RTO codes"),
        ("/components/x/rtos", 400, "national codes"),
        ("/packages/B/ladder", 400, "national codes"),
        ("/verify?code=not+a+code", 400, "code parameter"),
        ("/verify?code=BSB50420&rto=R1", 400, "rto parameter"),
        ("/search?q=x&on_scope_of=R1", 400, "on_scope_of"),
        // Unknown codes.
        (
            "/units/BSBXYZ999",
            404,
            "no training component with code BSBXYZ999",
        ),
        ("/components/BSB59999", 404, "BSB59999"), // confidential: never looked up
        ("/components/ZZZ99999/rtos", 404, "ZZZ99999"),
        ("/components/ZZZ99999/impact", 404, "ZZZ99999"),
        ("/components/ZZZ99999/cricos-courses", 404, "ZZZ99999"),
        ("/packages/ZZZ/ladder", 404, "ZZZ"),
        ("/rtos/99999", 404, "no RTO with code 99999"),
        ("/rtos/99999/cricos-courses", 404, "no RTO with code 99999"),
        ("/rtos/4532x/cricos-courses", 400, "RTO codes"),
        ("/rtos/45329/cricos-courses?per_page=0", 400, "per_page"),
        ("/stats?x=1", 400, "takes no query parameters"),
        ("/verify?code=ZZZ99999", 404, "ZZZ99999"),
        ("/verify?code=BSB50420&rto=99999", 404, "99999"),
        ("/search?q=diploma&on_scope_of=99999", 404, "99999"),
        // A code of another kind than its collection.
        (
            "/units/BSB50420",
            404,
            "BSB50420 is a qualification (see qualifications/BSB50420)",
        ),
        (
            "/qualifications/BSBOPS501",
            404,
            "is a unit (see units/BSBOPS501)",
        ),
        ("/skill-sets/BSB50420", 404, "no skill set"),
        (
            "/accredited-courses/BSB",
            404,
            "is a training package (see components/BSB)",
        ),
        // Bad cursors and page sizes.
        ("/search?q=x&cursor=garbage", 400, "cursor"),
        ("/search?q=x&cursor=%27%20OR%201%3D1", 400, "cursor"),
        ("/components/BSB50420/rtos?cursor=AAAA", 400, "cursor"),
        ("/search?q=x&per_page=0", 400, "per_page"),
        ("/search?q=x&per_page=1000", 400, "per_page"),
        ("/components/BSB50420/rtos?per_page=0", 400, "per_page"),
        ("/components/BSB51918/impact?per_page=101", 400, "per_page"),
        (
            "/components/BSB50420/cricos-courses?per_page=1000",
            400,
            "per_page",
        ),
        ("/rtos/45329?scope_per_page=1000", 400, "scope_per_page"),
        // Unknown and repeated parameters, bad values.
        ("/search?q=x&per_pge=5", 400, "per_pge"),
        ("/search?q=x&Q=y", 400, "\"Q\""),
        (
            "/units/BSBOPS501?expand=all",
            400,
            "takes no query parameters",
        ),
        ("/rtos/45329?cursor=x", 400, "scope_cursor"),
        ("/search?q=x&q=y", 400, "more than once"),
        ("/search?q=x&kind=widget", 400, "kind parameter"),
        ("/search?q=x&state=NZ", 400, "state parameter"),
        (
            "/packages/BSB/ladder?include_superseded=2",
            400,
            "true or false",
        ),
        ("/rtos/45329?scope_type=rto", 400, "scope_type"),
        // Filters that do not fit together (the catalogue's own check).
        ("/search?q=x&state=VIC&package=BSB", 400, "one or the other"),
        // Search text: missing, empty, oversize, badly encoded.
        ("/search", 400, "q parameter is required"),
        ("/search?q=", 400, "q parameter is required"),
        ("/search?q=%22%22+()", 400, "empty"),
        ("/search?q=%E0%A4", 400, "UTF-8"),
        ("/search?q=100%", 400, "encoded"),
        // Unknown paths and methods.
        ("/", 404, "no catalogue endpoint"),
        ("/api/v1/search?q=x", 404, "no catalogue endpoint"),
        ("/rto/45329", 404, "no catalogue endpoint"),
        ("/units", 404, "no catalogue endpoint"),
    ];
    for (target, status, needle) in cases {
        refused(&get(&db, target), *status, needle, target);
    }
    let long = format!("/search?q={}", "a".repeat(10_000));
    refused(&get(&db, &long), 400, "too long", "10k q");
    let wordy = format!("/search?q={}", "ab+".repeat(30));
    refused(&get(&db, &wordy), 400, "too many words", "30 words");
    let e = http::route("DELETE", "/units/BSBOPS501", "").unwrap_err();
    refused(&e.answer(), 405, "GET", "DELETE");
    assert_eq!(e.allow(), Some("GET, HEAD"));
}

#[derive(Deserialize)]
struct N {
    n: i64,
}

fn corpus_size(db: &SqliteDb) -> i64 {
    run(db.first::<N>(Statement::new(
        "SELECT (SELECT count(*) FROM tga_training_components)
              + (SELECT count(*) FROM tga_organisations) AS n",
    )))
    .unwrap()
    .unwrap()
    .n
}

#[test]
fn injection_shaped_search_text_is_a_search_or_a_400() {
    let db = fixture::db();
    let before = corpus_size(&db);
    for q in [
        "%22foo%22+OR+1%3D1+--",
        "%27%3B+DROP+TABLE+tga_training_components%3B+--",
        "NEAR(diploma+leadership%2C+2)",
        "title%3Adiploma",
        "%7Bcode+title%7D%3A+diploma",
        "%22unbalanced",
        "(((",
        "*",
        "dip*",
        "%5Ediploma",
        "diploma+AND+NOT+leadership",
        "%00%01%7F",
        "%F0%9F%8E%93+diploma",
        "1%27%20UNION%20SELECT%20sql%20FROM%20sqlite_master--",
    ] {
        let target = format!("/search?q={q}");
        let a = get(&db, &target);
        match a.status {
            200 => assert!(a.body["results"].is_array(), "{target}"),
            400 => refused(&a, 400, "", &target),
            _ => panic!("{target}: {} {}", a.status, a.body),
        }
    }
    assert_eq!(corpus_size(&db), before, "nothing was written");
}

/// A database that always fails, with an error that names SQL.
struct Broken;

impl Db for Broken {
    async fn all<T: DeserializeOwned>(&self, _: Statement) -> Result<Vec<T>, StoreError> {
        Err(StoreError::Database(
            "near \"SELECT\": syntax error in components_fts MATCH".into(),
        ))
    }
    async fn run(&self, _: Statement) -> Result<RunMeta, StoreError> {
        Err(StoreError::Database("disk I/O error".into()))
    }
    async fn batch(&self, _: Vec<Statement>) -> Result<Vec<RunMeta>, StoreError> {
        Err(StoreError::Database("disk I/O error".into()))
    }
}

#[test]
fn a_store_failure_is_a_generic_500_with_the_cause_kept_for_the_log() {
    for spec in ROUTES {
        let path = match spec.path_param {
            Some(p) => spec.path.replace("{code}", p.example),
            None => spec.path.to_owned(),
        };
        let query: Vec<String> = spec
            .query
            .iter()
            .filter(|p| p.required)
            .map(|p| format!("{}={}", p.name, p.example.replace(' ', "+")))
            .collect();
        let r = http::route("GET", &path, &query.join("&")).unwrap();
        let a = run(http::respond(&Broken, &r, Tier::L4));
        assert_eq!(a.status, 500, "{path}");
        assert_error_envelope(&a.body, &path);
        let body = a.body.to_string().to_lowercase();
        assert!(
            !body.contains("select") && !body.contains("syntax"),
            "{body}"
        );
        assert!(body.contains("try again"), "{body}");
        assert!(a.cause.unwrap().contains("syntax error"), "{path}");
    }
}

#[test]
fn the_error_helper_matches_the_catalogue_envelope() {
    let db = fixture::db();
    let from_catalogue = get(&db, "/rtos/99999");
    let own = http::error_body(
        404,
        "There is no RTO with code 99999 in the national register mirror.",
    );
    assert_eq!(own, from_catalogue);
    let auth = http::error_body(401, "A valid API key is required.");
    assert_eq!(auth.status, 401);
    assert_error_envelope(&auth.body, "auth");
}

/// Requests shaped like the table's: a route's path with a known or arbitrary code, its
/// required parameters (usually), and a few of its own parameters (or a stray one) with
/// plausible or arbitrary values.
fn near_the_table() -> impl Strategy<Value = String> {
    let code = || {
        prop_oneof![
            3 => prop::sample::select(vec![
                "BSB50420",
                "BSB51918",
                "BSBOPS501",
                "BSB",
                "45329",
                "22222",
                "ZZZ999",
                "99999",
            ])
            .prop_map(str::to_owned),
            1 => "[A-Za-z0-9]{1,16}",
            1 => "([A-Za-z0-9'\" ;()*:^+-]|%[2-7][0-9A-F]){0,20}",
        ]
    };
    let value = || {
        prop_oneof![
            3 => prop::sample::select(vec![
                "diploma",
                "leadership",
                "1",
                "0",
                "100",
                "101",
                "true",
                "unit",
                "rto",
                "current",
                "NSW",
                "Diploma",
                "BSB",
                "45329",
                "BSB50420",
                "MXxrfDAwMDAwMDAwfEJTQjUwNDIw",
            ])
            .prop_map(str::to_owned),
            1 => "([A-Za-z0-9'\" ;()*:^+=-]|%[2-7][0-9A-F]){0,24}",
        ]
    };
    prop::sample::select(ROUTES).prop_flat_map(move |spec| {
        let names: Vec<&'static str> = spec.query.iter().map(|p| p.name).collect();
        // Mostly the route's own parameters, now and then a stray one.
        let pairs = if names.is_empty() {
            prop::option::weighted(0.15, (Just("bogus"), value()))
                .prop_map(|p| p.into_iter().collect::<Vec<_>>())
                .boxed()
        } else {
            let name = prop_oneof![12 => prop::sample::select(names), 1 => Just("bogus")];
            prop::collection::vec((name, value()), 0..=3).boxed()
        };
        let example = spec.path_param.map_or("", |p| p.example).to_owned();
        let code = prop_oneof![2 => Just(example), 3 => code()];
        (Just(spec), code, prop::bool::weighted(0.9), pairs).prop_map(
            |(spec, code, with_required, pairs)| {
                let mut query: Vec<String> = Vec::new();
                if with_required {
                    query.extend(
                        spec.query
                            .iter()
                            .filter(|p| p.required)
                            .map(|p| format!("{}={}", p.name, p.example.replace(' ', "+"))),
                    );
                }
                query.extend(pairs.iter().map(|(n, v)| format!("{n}={v}")));
                format!("{}?{}", spec.path.replace("{code}", &code), query.join("&"))
            },
        )
    })
}

#[test]
fn property_no_request_near_the_table_is_a_500() {
    let db = fixture::db();
    let mut runner = TestRunner::new(Config {
        cases: 400,
        ..Config::default()
    });
    runner
        .run(&near_the_table(), |target| {
            let a = get(&db, &target);
            prop_assert!(
                matches!(a.status, 200 | 400 | 404),
                "{target}: {} {}",
                a.status,
                a.body
            );
            if a.status != 200 {
                assert_error_envelope(&a.body, &target);
            }
            Ok(())
        })
        .unwrap();
}

proptest! {
    #[test]
    fn property_route_never_panics_on_any_text(
        method in any::<String>(),
        path in any::<String>(),
        query in any::<String>(),
    ) {
        if let Err(e) = http::route(&method, &path, &query) {
            prop_assert!(matches!(e.status(), 400 | 404 | 405));
            prop_assert!(!e.detail().is_empty());
        }
    }

    #[test]
    fn property_route_never_panics_on_url_shaped_text(
        path in "(/[a-z%0-9{}.-]{0,12}){0,4}/?",
        query in "[a-z_]{0,10}(=[A-Za-z0-9%+&=,.-]{0,16})?(&[a-z_%]{0,10}=[^#]{0,16}){0,4}",
    ) {
        let _ = http::route("GET", &path, &query);
    }
}
