//! Bad input, in plain words: malformed and unknown codes, unusable or injection-shaped
//! search text, bad cursors — each a tool result with `isError: true` (never a JSON-RPC
//! error, never SQL); a store failure is a generic sentence with the detail kept for logs.

use rtopacks_mcp::{call_tool, Tier};
use rtopacks_store::{Db, RunMeta, Statement, StoreError};
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::fixture::Mcp;

/// Words that would mean a database error reached the caller.
fn leaks(msg: &str) -> bool {
    let m = msg.to_ascii_lowercase();
    [
        "sql",
        "fts5",
        "syntax error",
        "no such",
        "database",
        "decode",
        "rusqlite",
    ]
    .iter()
    .any(|w| m.contains(w))
}

#[test]
fn malformed_codes_say_what_a_good_code_looks_like() {
    let mcp = Mcp::new();
    for (tool, args) in [
        ("lookup", json!({ "code": "SIT 30622" })),
        (
            "lookup",
            json!({ "code": "SIT30622'; DROP TABLE rtos; --" }),
        ),
        ("lookup", json!({ "code": "123456789" })),
        ("verify", json!({ "code": "S" })),
        (
            "verify",
            json!({ "code": "SIT30622", "rto_code": "41000x" }),
        ),
        ("ladder", json!({ "training_package": "S*" })),
        ("supersession_chain", json!({ "code": "\"SIT\"" })),
        ("scope_impact", json!({ "code": "AAAAAAAAAAAAAAAAAAAA" })),
        ("cricos_courses", json!({ "code": "SIT-30622" })),
        (
            "search",
            json!({ "query": "x", "training_package": "B S B" }),
        ),
        ("search", json!({ "query": "x", "on_scope_of": "RTO41000" })),
    ] {
        let msg = mcp.refused(tool, args.clone());
        assert!(
            msg.contains("codes are"),
            "{tool} {args}: the message should say what a code looks like: {msg}"
        );
        assert!(msg.starts_with('`'), "names the argument: {msg}");
        assert!(!leaks(&msg), "{msg}");
    }
}

#[test]
fn unknown_codes_are_not_found_in_plain_words() {
    let mcp = Mcp::new();
    for (tool, args, expect) in [
        (
            "lookup",
            json!({ "code": "ZZZ99999" }),
            "There is no training component with code ZZZ99999",
        ),
        (
            "lookup",
            json!({ "code": "99999" }),
            "There is no RTO and no training component with code 99999",
        ),
        (
            "lookup",
            json!({ "code": "SIT99999" }),
            "There is no training component",
        ),
        (
            "verify",
            json!({ "code": "SIT30622", "rto_code": "99999" }),
            "There is no RTO with code 99999",
        ),
        (
            "ladder",
            json!({ "training_package": "ZZZ" }),
            "There is no training package ZZZ",
        ),
        (
            "supersession_chain",
            json!({ "code": "ZZZ001" }),
            "There is no training component",
        ),
        (
            "scope_impact",
            json!({ "code": "41000" }),
            "looks like an RTO code",
        ),
        (
            "cricos_courses",
            json!({ "code": "ZZZ001" }),
            "There is no training component or CRICOS course",
        ),
        (
            "search",
            json!({ "query": "food", "on_scope_of": "99999" }),
            "There is no RTO with code 99999",
        ),
    ] {
        let msg = mcp.refused(tool, args.clone());
        assert!(msg.contains(expect), "{tool} {args}: {msg}");
        assert!(!leaks(&msg), "{msg}");
    }
}

#[test]
fn injection_shaped_search_text_is_only_words() {
    let mcp = Mcp::new();
    for q in [
        "'; DROP TABLE tga_training_components; --",
        "hospitality\" OR 1=1 --",
        "NEAR(hospitality certificate, 2)",
        "title:hospitality",
        "hosp* AND ^cert",
        "(hospitality) NOT diploma",
        "SIT30622\0",
        "%hosp_%",
    ] {
        let r = mcp.call("search", json!({ "query": q }));
        assert_eq!(r["isError"], false, "{q}: {r}");
        assert!(r["structuredContent"]["results"].is_array());
    }
    // Every table is still there.
    mcp.ok("lookup", json!({ "code": "SIT30622" }));

    for q in ["\"", "()", "*", "--", "   ", "%_%"] {
        let msg = mcp.refused("search", json!({ "query": q }));
        assert!(msg.contains("The search text is empty"), "{q:?}: {msg}");
    }
    let msg = mcp.refused("search", json!({ "query": "word ".repeat(21).trim() }));
    assert!(msg.contains("too many words"), "{msg}");
    let msg = mcp.refused("search", json!({ "query": "é".repeat(201) }));
    assert!(msg.contains("too long"), "{msg}");
}

#[test]
fn bad_cursors_and_clashing_filters_are_explained() {
    let mcp = Mcp::new();
    for cursor in [
        "garbage",
        "MXxzfDAwMDAwMDAwfDB8MHwwfFg",
        "%%%",
        "a".repeat(500).as_str(),
    ] {
        let msg = mcp.refused(
            "search",
            json!({ "query": "hospitality", "cursor": cursor }),
        );
        assert!(msg.to_lowercase().contains("cursor"), "{msg}");
        assert!(!leaks(&msg), "{msg}");
    }
    // A cursor from one listing is refused by another.
    let page = mcp.ok("search", json!({ "query": "hospitality", "per_page": 1 }));
    let cursor = page["next_cursor"].as_str().unwrap();
    let msg = mcp.refused(
        "search",
        json!({ "query": "diploma", "per_page": 1, "cursor": cursor }),
    );
    assert!(msg.to_lowercase().contains("cursor"), "{msg}");
    let msg = mcp.refused(
        "scope_impact",
        json!({ "code": "SIT30616", "cursor": cursor }),
    );
    assert!(msg.to_lowercase().contains("cursor"), "{msg}");
    let msg = mcp.refused("lookup", json!({ "code": "SIT30622", "cursor": cursor }));
    assert!(msg.contains("pages an RTO's scope"), "{msg}");

    let msg = mcp.refused(
        "search",
        json!({ "query": "x", "state": "SA", "aqf_level": "Diploma" }),
    );
    assert!(msg.contains("use one or the other"), "{msg}");
}

#[test]
fn argument_errors_name_the_argument_and_the_rule() {
    let mcp = Mcp::new();
    let msg = mcp.refused("lookup", json!({}));
    assert!(
        msg.starts_with("The argument `code` is missing. A national code"),
        "{msg}"
    );
    let msg = mcp.refused("search", json!({ "query": "x", "per_page": 500 }));
    assert_eq!(
        msg,
        "`per_page` must be a whole number from 1 to 100, not 500."
    );
    let msg = mcp.refused(
        "search",
        json!({ "query": "x", "types": ["rto", "widget"] }),
    );
    assert!(
        msg.starts_with("Each item of `types` must be one of qualification, unit"),
        "{msg}"
    );
    // `arguments` left out entirely is an empty set of arguments.
    let r = mcp.rpc("tools/call", json!({ "name": "verify" }));
    assert_eq!(r["result"]["isError"], true, "{r}");
}

/// A database that fails every statement, with a message that must not reach callers.
struct Broken;

const SECRET: &str = "no such table: tga_secret_internal_name";

impl Db for Broken {
    async fn all<T: DeserializeOwned>(&self, _: Statement) -> Result<Vec<T>, StoreError> {
        Err(StoreError::Database(SECRET.to_owned()))
    }
    async fn run(&self, _: Statement) -> Result<RunMeta, StoreError> {
        Err(StoreError::Database(SECRET.to_owned()))
    }
    async fn batch(&self, _: Vec<Statement>) -> Result<Vec<RunMeta>, StoreError> {
        Err(StoreError::Database(SECRET.to_owned()))
    }
}

#[test]
fn a_store_failure_is_a_generic_tool_error_with_the_detail_kept_for_logs() {
    let mcp = Mcp::over(Broken);
    for tool in rtopacks_mcp::TOOL_NAMES {
        let args = match tool {
            "search" => json!({ "query": "hospitality" }),
            "ladder" => json!({ "training_package": "SIT" }),
            _ => json!({ "code": "SIT30622" }),
        };
        let body = json!({
            "jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": { "name": tool, "arguments": args },
        });
        let out = mcp.post(&body);
        assert_eq!(out.status, 200);
        let text = String::from_utf8(out.body.clone()).unwrap();
        assert!(!text.contains("tga_secret_internal_name"), "{tool}: {text}");
        let v = out.body_json().unwrap();
        assert_eq!(v["result"]["isError"], true, "{tool}");
        assert!(v["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("could not be read just now"));
        assert!(
            out.internal_error.as_deref().unwrap().contains(SECRET),
            "{tool}"
        );
    }
    // The handshake and listing need no database.
    let v = mcp.rpc("tools/list", json!({}));
    assert_eq!(v["result"]["tools"].as_array().unwrap().len(), 7);

    let call = futures::executor::block_on(call_tool(&Broken, "lookup", None, Tier::L4)).unwrap();
    assert!(
        call.is_error && call.internal_error.is_none(),
        "a missing argument never reaches the store"
    );
}
