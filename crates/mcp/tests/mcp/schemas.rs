//! The declared schemas and the answers stay in step: every tool's `structuredContent`
//! validates against its `outputSchema` (and against a closed copy of it, so no field goes
//! undeclared), every schema is valid JSON Schema 2020-12 (the dialect MCP assumes), and
//! every `inputSchema` is closed, in the schema and at run time alike.

use jsonschema::draft202012;
use rtopacks_mcp::{tool_definitions, Tier, TOOL_NAMES};
use serde_json::{json, Value};

use crate::fixture::Mcp;

fn definition(name: &str) -> Value {
    tool_definitions()
        .into_iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no tool {name}"))
}

/// `schema` with `additionalProperties: false` on every object that lists its properties.
fn closed(schema: &Value) -> Value {
    match schema {
        Value::Object(m) => {
            let mut out = serde_json::Map::new();
            for (k, v) in m {
                let v = match k.as_str() {
                    "properties" => Value::Object(
                        v.as_object()
                            .unwrap()
                            .iter()
                            .map(|(name, s)| (name.clone(), closed(s)))
                            .collect(),
                    ),
                    "items" => closed(v),
                    "anyOf" | "oneOf" | "allOf" => {
                        Value::Array(v.as_array().unwrap().iter().map(closed).collect())
                    }
                    _ => v.clone(),
                };
                out.insert(k.clone(), v);
            }
            if out.contains_key("properties") && !out.contains_key("additionalProperties") {
                out.insert("additionalProperties".into(), Value::Bool(false));
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

fn errors(schema: &Value, instance: &Value) -> Vec<String> {
    let v = draft202012::new(schema).expect("the schema compiles");
    v.iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Calls that between them reach every branch of every answer: empty and full lists,
/// both `lookup` records, nullable objects present and absent, contacts shown and withheld.
fn samples() -> Vec<(&'static str, Value, Tier)> {
    use Tier::*;
    vec![
        (
            "search",
            json!({ "query": "hospitality", "per_page": 100 }),
            Anonymous,
        ),
        (
            "search",
            json!({ "query": "hospitality", "per_page": 2 }),
            Anonymous,
        ),
        ("search", json!({ "query": "zebra" }), Anonymous),
        (
            "search",
            json!({ "query": "college", "types": ["rto"], "state": "SA" }),
            Anonymous,
        ),
        ("lookup", json!({ "code": "SIT30622" }), Anonymous),
        ("lookup", json!({ "code": "SIT30612" }), Anonymous),
        ("lookup", json!({ "code": "SITXFSA001" }), Anonymous),
        ("lookup", json!({ "code": "22555VIC" }), Anonymous),
        ("lookup", json!({ "code": "SIT" }), Anonymous),
        ("lookup", json!({ "code": "41000" }), Anonymous),
        (
            "lookup",
            json!({ "code": "41000", "per_page": 1 }),
            SignedIn,
        ),
        ("lookup", json!({ "code": "41000" }), L4),
        ("lookup", json!({ "code": "41002" }), L4),
        ("ladder", json!({ "training_package": "SIT" }), Anonymous),
        (
            "ladder",
            json!({ "training_package": "SIT", "include_superseded": true }),
            Anonymous,
        ),
        (
            "verify",
            json!({ "code": "SIT30616", "rto_code": "41000" }),
            Anonymous,
        ),
        (
            "verify",
            json!({ "code": "SIT30612", "rto_code": "41002" }),
            Anonymous,
        ),
        ("verify", json!({ "code": "SIT50422" }), Anonymous),
        (
            "supersession_chain",
            json!({ "code": "SIT30612" }),
            Anonymous,
        ),
        (
            "supersession_chain",
            json!({ "code": "SIT30622" }),
            Anonymous,
        ),
        (
            "supersession_chain",
            json!({ "code": "SITXCCS014" }),
            Anonymous,
        ),
        ("scope_impact", json!({ "code": "SIT30616" }), Anonymous),
        (
            "scope_impact",
            json!({ "code": "SIT30616", "per_page": 1 }),
            Anonymous,
        ),
        ("scope_impact", json!({ "code": "SITXFSA001" }), Anonymous),
        ("scope_impact", json!({ "code": "SIT50422" }), Anonymous),
        ("cricos_courses", json!({ "code": "SIT30622" }), Anonymous),
        ("cricos_courses", json!({ "code": "SIT20322" }), Anonymous),
    ]
}

#[test]
fn every_schema_is_valid_json_schema() {
    for t in tool_definitions() {
        for key in ["inputSchema", "outputSchema"] {
            if let Err(e) = draft202012::meta::validate(&t[key]) {
                panic!("{} {key}: {e}", t["name"]);
            }
            assert_eq!(t[key]["type"], "object", "{} {key}", t["name"]);
        }
    }
}

#[test]
fn structured_content_matches_the_output_schema_for_every_tool() {
    let db = crate::fixture::db();
    let mut mcp = Mcp::over(db);
    let mut seen = Vec::new();
    for (tool, args, tier) in samples() {
        mcp.tier = tier;
        let s = mcp.ok(tool, args.clone());
        let schema = &definition(tool)["outputSchema"];
        let open = errors(schema, &s);
        assert!(open.is_empty(), "{tool} {args}: {open:#?}");
        let strict = errors(&closed(schema), &s);
        assert!(
            strict.is_empty(),
            "{tool} {args} answers fields its outputSchema does not declare: {strict:#?}"
        );
        assert!(
            s["source"].as_str().unwrap().contains("("),
            "{tool}: {}",
            s["source"]
        );
        assert!(s["freshness"].is_object(), "{tool}");
        seen.push(tool);
    }
    for name in TOOL_NAMES {
        assert!(seen.contains(&name), "no sample calls {name}");
    }
}

#[test]
fn the_closed_check_would_catch_an_undeclared_field() {
    let schema = &definition("verify")["outputSchema"];
    let mcp = Mcp::new();
    let mut s = mcp.ok("verify", json!({ "code": "SIT30616", "rto_code": "41000" }));
    s["scope"]["surprise"] = json!(1);
    assert!(
        errors(schema, &s).is_empty(),
        "open schemas tolerate extras"
    );
    assert!(!errors(&closed(schema), &s).is_empty());
    s["scope"]["on_scope"] = json!("yes");
    assert!(!errors(schema, &s).is_empty());
}

/// Arguments that satisfy each tool's required fields.
fn minimal(tool: &str) -> Value {
    match tool {
        "search" => json!({ "query": "hospitality" }),
        "ladder" => json!({ "training_package": "SIT" }),
        _ => json!({ "code": "SIT30622" }),
    }
}

#[test]
fn every_input_schema_rejects_an_extra_property_in_the_schema_and_at_run_time() {
    let mcp = Mcp::new();
    for tool in TOOL_NAMES {
        let schema = &definition(tool)["inputSchema"];
        assert_eq!(schema["additionalProperties"], false, "{tool}");
        let good = minimal(tool);
        assert!(errors(schema, &good).is_empty(), "{tool}: {good}");
        mcp.ok(tool, good.clone());

        let mut extra = good.clone();
        extra["unexpected"] = json!(1);
        assert!(!errors(schema, &extra).is_empty(), "{tool}");
        let msg = mcp.refused(tool, extra);
        assert!(
            msg.starts_with("`unexpected` is not an argument of this tool."),
            "{tool}: {msg}"
        );
    }
}

#[test]
fn what_the_input_schema_refuses_the_server_refuses_as_a_tool_error() {
    let mcp = Mcp::new();
    let cases = [
        ("search", json!({})),
        ("search", json!({ "query": 7 })),
        ("search", json!({ "query": "" })),
        ("search", json!({ "query": "x".repeat(201) })),
        ("search", json!({ "query": "x", "types": "unit" })),
        ("search", json!({ "query": "x", "types": ["units"] })),
        ("search", json!({ "query": "x", "status": "active" })),
        (
            "search",
            json!({ "query": "x", "aqf_level": "Certificate V" }),
        ),
        ("search", json!({ "query": "x", "state": "NZ" })),
        ("search", json!({ "query": "x", "per_page": 0 })),
        ("search", json!({ "query": "x", "per_page": 101 })),
        ("search", json!({ "query": "x", "per_page": 2.5 })),
        ("search", json!({ "query": "x", "on_scope_of": 41000 })),
        ("lookup", json!({ "code": ["SIT30622"] })),
        ("lookup", json!({ "code": "SIT30622", "per_page": "all" })),
        (
            "ladder",
            json!({ "training_package": "SIT", "include_superseded": "yes" }),
        ),
        ("ladder", json!({ "include_superseded": true })),
        ("verify", json!({ "rto_code": "41000" })),
        ("verify", json!({ "code": "SIT30622", "rto_code": true })),
        ("supersession_chain", json!({ "code": null })),
        ("scope_impact", json!({ "code": "SIT30616", "cursor": 5 })),
        ("cricos_courses", json!({ "code": {} })),
    ];
    for (tool, args) in cases {
        let schema = &definition(tool)["inputSchema"];
        assert!(
            !errors(schema, &args).is_empty(),
            "the schema accepts {tool} {args}"
        );
        let msg = mcp.refused(tool, args.clone());
        assert!(msg.ends_with('.'), "{tool} {args}: {msg}");
    }
}
