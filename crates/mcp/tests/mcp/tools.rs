//! Each tool's happy path: the answer, its source line and its freshness.

use rtopacks_mcp::Tier;
use serde_json::{json, Value};

use crate::fixture::{Mcp, CRICOS, TGA, TGA_EARLIER};

fn codes(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|x| x[key].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn search_ranks_filters_pages_and_dates_its_answer() {
    let mcp = Mcp::new();
    let s = mcp.ok("search", json!({ "query": "sit30622" }));
    assert_eq!(s["query"], "sit30622");
    assert_eq!(
        codes(&s["results"], "code")[0],
        "SIT30622",
        "the exact code first"
    );
    assert_eq!(s["results"][0]["kind"], "qualification");
    assert_eq!(s["results"][0]["aqf_level"], "Certificate III");
    assert_eq!(
        s["source"],
        format!("training.gov.au (National Register), synced {TGA}")
    );
    assert_eq!(s["freshness"]["synced_at"], TGA);

    let s = mcp.ok(
        "search",
        json!({ "query": "hospitality", "types": ["qualification"], "status": "current" }),
    );
    let found = codes(&s["results"], "code");
    assert!(found.contains(&"SIT30622".to_owned()) && found.contains(&"SIT20322".to_owned()));
    assert!(
        !found.contains(&"SIT30616".to_owned()),
        "superseded filtered out"
    );
    assert!(
        !found.contains(&"SIT99999".to_owned()),
        "confidential never listed"
    );

    let s = mcp.ok(
        "search",
        json!({ "query": "college", "types": ["rto"], "state": "SA" }),
    );
    assert_eq!(codes(&s["results"], "code"), ["41000"]);
    assert_eq!(s["results"][0]["state"], "SA");

    let s = mcp.ok("search", json!({ "query": "food", "on_scope_of": "41001" }));
    assert_eq!(codes(&s["results"], "code"), ["SITXFSA001"]);

    // Seek paging: one at a time, every result exactly once.
    let all = codes(
        &mcp.ok("search", json!({ "query": "hospitality", "per_page": 100 }))["results"],
        "code",
    );
    let mut paged = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut args = json!({ "query": "hospitality", "per_page": 1 });
        if let Some(c) = &cursor {
            args["cursor"] = json!(c);
        }
        let s = mcp.ok("search", args);
        paged.extend(codes(&s["results"], "code"));
        match s["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(paged, all);
    assert!(all.len() >= 5);

    let r = mcp.call("search", json!({ "query": "zebra crossing" }));
    assert_eq!(r["structuredContent"]["results"], json!([]));
    let text = r["content"][0]["text"].as_str().unwrap();
    assert!(
        text.starts_with("No results for \"zebra crossing\"."),
        "{text}"
    );
    assert!(
        r["structuredContent"]["source"]
            .as_str()
            .unwrap()
            .contains("no rows matched"),
        "{r}"
    );
}

#[test]
fn lookup_of_a_national_code_gives_the_whole_component() {
    let mcp = Mcp::new();
    let r = mcp.call("lookup", json!({ "code": " sit30622 " }));
    let text = r["content"][0]["text"].as_str().unwrap();
    assert!(text.starts_with("SIT30622 — Certificate III in Hospitality (qualification; current; AQF Certificate III; training package SIT"), "{text}");
    assert!(
        text.contains("Units: 2 core (SITHIND006, SITXFSA005); 3 elective"),
        "{text}"
    );
    assert!(
        text.contains("Structured result (JSON):\n{"),
        "the JSON follows the summary"
    );
    let s = &r["structuredContent"];
    assert_eq!(s["record"], "component");
    assert_eq!(s["rto"], Value::Null);
    let c = &s["component"];
    assert_eq!(c["code"], "SIT30622");
    assert_eq!(c["latest_release"]["release_number"], "2");
    assert_eq!(
        codes(&c["unit_grid"]["core"], "code"),
        ["SITHIND006", "SITXFSA005"]
    );
    assert_eq!(
        codes(&c["unit_grid"]["elective"], "code"),
        ["SITHCCC023", "SITHGAM099", "SITXCCS014"]
    );
    assert_eq!(
        c["unit_grid"]["elective"][1]["title"],
        Value::Null,
        "SITHGAM099 is not mirrored"
    );
    let back: Vec<(String, i64)> = c["supersession"]["supersedes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["from"].as_str().unwrap().to_owned(),
                l["depth"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        back,
        [("SIT30616".to_owned(), 1), ("SIT30612".to_owned(), 2)]
    );
    assert_eq!(c["supersession"]["supersedes"][0]["equivalence"], "N");
    assert_eq!(c["offered_by"]["total"], 1);
    assert_eq!(c["offered_by"]["items"][0]["rto_code"], "41000");
    assert_eq!(c["cricos_courses"]["total"], 1);
    assert_eq!(
        s["freshness"]["synced_at"], CRICOS,
        "the CRICOS rows are the oldest used"
    );
    assert_eq!(
        s["source"],
        format!(
            "training.gov.au (National Register), synced {TGA_EARLIER}; CRICOS (data.gov.au), synced {CRICOS}"
        )
    );

    let unit = mcp.ok("lookup", json!({ "code": "SITXFSA001" }));
    assert_eq!(unit["component"]["kind"], "unit");
    assert_eq!(unit["component"]["status"], "superseded");
    assert_eq!(unit["component"]["replacements"][0]["code"], "SITXFSA005");
    let course = mcp.ok("lookup", json!({ "code": "22555VIC" }));
    assert_eq!(course["component"]["kind"], "accredited_course");
    assert_eq!(course["component"]["training_package"], Value::Null);
}

#[test]
fn lookup_of_an_rto_shows_what_the_tier_may_see() {
    let anonymous = Mcp::new();
    let r = anonymous.ok("lookup", json!({ "code": "41000" }));
    assert_eq!(r["record"], "rto");
    assert_eq!(r["component"], Value::Null);
    let rto = &r["rto"];
    assert_eq!(rto["trading_name"], "Saltbush College");
    assert_eq!(rto["head_office_state"], "SA");
    assert_eq!(rto["cricos_provider"]["provider_code"], "04567J");
    assert_eq!(rto["contacts"], json!([]));
    assert_eq!(rto["contacts_withheld"], 2);
    assert_eq!(rto["tier"], "anonymous");
    assert_eq!(
        rto["scope"]["total"], 4,
        "current, listed scope (no lapsed or implicit rows)"
    );

    let signed_in = Mcp::new().with_tier(Tier::SignedIn);
    let rto = signed_in.ok("lookup", json!({ "code": "41000" }))["rto"].clone();
    assert_eq!(
        codes(&rto["contacts"], "email"),
        ["admissions@saltbush.example"]
    );
    assert_eq!(rto["contacts_withheld"], 1);

    let l4 = Mcp::new().with_tier(Tier::L4);
    let rto = l4.ok("lookup", json!({ "code": "41000" }))["rto"].clone();
    assert_eq!(rto["contacts"].as_array().unwrap().len(), 2);
    assert_eq!(rto["contacts_withheld"], 0);

    // The scope, a page at a time.
    let first = anonymous.ok("lookup", json!({ "code": "41000", "per_page": 2 }));
    let cursor = first["rto"]["scope"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = anonymous.ok(
        "lookup",
        json!({ "code": "41000", "per_page": 2, "cursor": cursor }),
    );
    let a = codes(&first["rto"]["scope"]["items"], "code");
    let b = codes(&second["rto"]["scope"]["items"], "code");
    assert_eq!(a.len() + b.len(), 4);
    assert!(a.iter().all(|x| !b.contains(x)));

    let unenriched = anonymous.ok("lookup", json!({ "code": "41002" }));
    assert_eq!(unenriched["rto"]["status"], "not_current");
    assert_eq!(unenriched["rto"]["enriched"], false);
}

#[test]
fn ladder_climbs_the_package() {
    let mcp = Mcp::new();
    let l = mcp.ok("ladder", json!({ "training_package": "sit" }));
    assert_eq!(l["training_package"], "SIT");
    assert_eq!(
        l["title"],
        "Tourism, Travel and Hospitality Training Package"
    );
    let levels: Vec<&str> = l["rungs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(
        levels,
        [
            "Certificate II",
            "Certificate III",
            "Certificate IV",
            "Diploma",
            "Advanced Diploma"
        ]
    );
    assert_eq!(
        codes(&l["rungs"][1]["qualifications"], "code"),
        ["SIT30622"]
    );

    let all = mcp.call(
        "ladder",
        json!({ "training_package": "SIT", "include_superseded": true }),
    );
    let s = &all["structuredContent"];
    assert_eq!(
        codes(&s["rungs"][1]["qualifications"], "code"),
        ["SIT30622", "SIT30612", "SIT30616"]
    );
    assert_eq!(
        s["rungs"][1]["qualifications"][2]["superseded_by_equivalent"],
        false
    );
    let text = all["content"][0]["text"].as_str().unwrap();
    assert!(
        text.contains(
            "SIT30616 Certificate III in Hospitality (superseded by SIT30622, not equivalent)"
        ),
        "{text}"
    );
}

#[test]
fn verify_answers_in_data_and_in_a_sentence() {
    let mcp = Mcp::new();
    let v = mcp.ok("verify", json!({ "code": "SIT30616", "rto_code": "41001" }));
    assert_eq!(v["is_current"], false);
    assert_eq!(v["replacements"][0]["code"], "SIT30622");
    assert_eq!(v["replacements"][0]["equivalence"], "N");
    assert_eq!(v["scope"]["on_scope"], true);
    assert_eq!(v["scope"]["replacements_on_scope"], json!([]));
    assert_eq!(
        v["summary"],
        "SIT30616 is not current (superseded). Replaced by SIT30622 (not equivalent). It is on the scope of RTO 41001."
    );
    let v = mcp.ok("verify", json!({ "code": "SIT30616", "rto_code": "41000" }));
    assert_eq!(v["scope"]["replacements_on_scope"], json!(["SIT30622"]));
    let v = mcp.ok("verify", json!({ "code": "SIT50422" }));
    assert_eq!(v["is_current"], true);
    assert_eq!(v["scope"], Value::Null);
}

#[test]
fn supersession_chain_walks_both_ways() {
    let mcp = Mcp::new();
    let r = mcp.call("supersession_chain", json!({ "code": "SIT30612" }));
    let c = &r["structuredContent"];
    let hops: Vec<(String, String, String)> = c["superseded_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["from"].as_str().unwrap().to_owned(),
                l["to"].as_str().unwrap().to_owned(),
                l["equivalence"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        hops,
        [
            ("SIT30612".into(), "SIT30616".into(), "E".into()),
            ("SIT30616".into(), "SIT30622".into(), "N".into())
        ]
    );
    assert_eq!(c["supersedes"], json!([]));
    assert_eq!(c["replacements"][0]["code"], "SIT30622");
    assert_eq!(c["replacements"][0]["hops"], 2);
    assert_eq!(
        c["replacements"][0]["is_equivalent"], false,
        "one hop is not equivalent"
    );
    let text = r["content"][0]["text"].as_str().unwrap();
    assert!(
        text.contains("Current replacement: SIT30622 (not equivalent, 2 hops)."),
        "{text}"
    );

    let c = mcp.ok("supersession_chain", json!({ "code": "SIT30622" }));
    assert_eq!(c["superseded_by"], json!([]));
    assert_eq!(codes(&c["supersedes"], "from"), ["SIT30616", "SIT30612"]);
}

#[test]
fn scope_impact_lists_the_rtos_still_carrying_a_superseded_code() {
    let mcp = Mcp::new();
    let i = mcp.ok("scope_impact", json!({ "code": "SIT30616" }));
    assert_eq!(i["status"], "superseded");
    assert_eq!(i["rtos"]["total"], 2);
    let has: Vec<(String, bool)> = i["rtos"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rto_code"].as_str().unwrap().to_owned(),
                r["has_replacement"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(has, [("41000".into(), true), ("41001".into(), false)]);

    let first = mcp.ok("scope_impact", json!({ "code": "SIT30616", "per_page": 1 }));
    let cursor = first["rtos"]["next_cursor"].as_str().unwrap();
    let second = mcp.ok(
        "scope_impact",
        json!({ "code": "SIT30616", "per_page": 1, "cursor": cursor }),
    );
    assert_eq!(second["rtos"]["items"][0]["rto_code"], "41001");
    assert_eq!(second["rtos"]["next_cursor"], Value::Null);
}

#[test]
fn cricos_courses_are_dated_by_both_registers() {
    let mcp = Mcp::new();
    let r = mcp.call("cricos_courses", json!({ "code": "SIT30622" }));
    let c = &r["structuredContent"];
    assert_eq!(c["title"], "Certificate III in Hospitality");
    assert_eq!(c["courses"]["total"], 1);
    let course = &c["courses"]["items"][0];
    assert_eq!(course["course_code"], "112233K");
    assert_eq!(course["location_states"], json!(["SA"]));
    assert_eq!(course["work_component"], true);
    assert_eq!(
        c["source"],
        format!("training.gov.au (National Register), synced {TGA}; CRICOS (data.gov.au), synced {CRICOS}")
    );
    let text = r["content"][0]["text"].as_str().unwrap();
    assert!(text.contains("tuition $12,000.00"), "{text}");

    let none = mcp.ok("cricos_courses", json!({ "code": "SIT20322" }));
    assert_eq!(none["courses"]["total"], 0);
}
