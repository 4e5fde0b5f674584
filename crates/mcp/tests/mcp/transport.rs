//! Streamable HTTP and JSON-RPC: the handshake, methods, and every refusal.

use rtopacks_mcp::{
    KeyProblem, Server, LATEST_PROTOCOL_VERSION, PROTOCOL_VERSIONS, SERVER_NAME, TOOL_NAMES,
};
use serde_json::{json, Value};

use crate::fixture::{Mcp, ALLOWED_ORIGIN};

const JSON_HEADERS: [(&str, &str); 2] = [
    ("Content-Type", "application/json"),
    ("Accept", "application/json, text/event-stream"),
];

fn initialize(version: &str) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": 0,
        "method": "initialize",
        "params": {
            "protocolVersion": version,
            "capabilities": {},
            "clientInfo": { "name": "test-client", "version": "1.0.0" },
        },
    })
}

/// The handshake as clients send it: no MCP-Protocol-Version header yet.
fn handshake(mcp: &Mcp, version: &str) -> (u16, Value, Option<String>) {
    let out = mcp.http(
        "POST",
        &JSON_HEADERS,
        initialize(version).to_string().as_bytes(),
    );
    let session = out.header("MCP-Session-Id").map(str::to_owned);
    (out.status, out.body_json().unwrap(), session)
}

fn error_code(v: &Value) -> i64 {
    v["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("not an error: {v}"))
}

#[test]
fn initialize_echoes_each_supported_version() {
    let mcp = Mcp::new();
    for version in PROTOCOL_VERSIONS {
        let (status, v, session) = handshake(&mcp, version);
        assert_eq!(status, 200);
        assert_eq!(v["id"], 0);
        let r = &v["result"];
        assert_eq!(r["protocolVersion"], version);
        assert_eq!(
            r["capabilities"],
            json!({ "tools": { "listChanged": false } })
        );
        assert_eq!(r["serverInfo"]["name"], SERVER_NAME);
        assert_eq!(r["serverInfo"]["version"], env!("CARGO_PKG_VERSION"));
        assert!(r["instructions"]
            .as_str()
            .unwrap()
            .contains("supersession_chain"));
        assert_eq!(session, None, "stateless: no session is issued");
    }
}

#[test]
fn initialize_with_an_unsupported_version_answers_with_the_latest() {
    let mcp = Mcp::new();
    for version in ["2024-11-05", "2026-07-28", "latest", ""] {
        let (status, v, _) = handshake(&mcp, version);
        assert_eq!(status, 200);
        assert_eq!(v["result"]["protocolVersion"], LATEST_PROTOCOL_VERSION);
    }
    let v = mcp.rpc("initialize", json!({ "capabilities": {} }));
    assert_eq!(error_code(&v), -32602);
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("protocolVersion"));
}

#[test]
fn notifications_and_client_responses_are_accepted_without_a_body() {
    let mcp = Mcp::new();
    for message in [
        json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }),
        json!({ "jsonrpc": "2.0", "method": "notifications/cancelled", "params": { "requestId": 3 } }),
        json!({ "jsonrpc": "2.0", "method": "notifications/no-such-thing" }),
        json!({ "jsonrpc": "2.0", "id": 7, "result": {} }),
        json!({ "jsonrpc": "2.0", "id": "x", "error": { "code": -1, "message": "no" } }),
    ] {
        let out = mcp.post(&message);
        assert_eq!(out.status, 202, "{message}");
        assert!(out.body.is_empty());
    }
}

#[test]
fn only_post_is_served() {
    let mcp = Mcp::new();
    for method in ["GET", "DELETE", "PUT", "get"] {
        let out = mcp.http(method, &[("Accept", "text/event-stream")], b"");
        assert_eq!(out.status, 405, "{method}");
        assert_eq!(out.header("Allow"), Some("POST"));
        assert_eq!(error_code(&out.body_json().unwrap()), -32000);
    }
    let out = mcp.http(
        "post",
        &JSON_HEADERS,
        br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
    );
    assert_eq!(out.status, 200, "the method is case-insensitive");
}

#[test]
fn origins_are_checked() {
    let mcp = Mcp::new();
    let ping = br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;
    for bad in ["https://evil.example", "null", "http://rtopacks.com.au"] {
        let out = mcp.http(
            "POST",
            &[("Origin", bad), JSON_HEADERS[0], JSON_HEADERS[1]],
            ping,
        );
        assert_eq!(out.status, 403, "{bad}");
        assert_eq!(out.header("Access-Control-Allow-Origin"), None);
        let get = mcp.http("GET", &[("Origin", bad)], b"");
        assert_eq!(get.status, 403, "the origin is checked first");
    }
    let out = mcp.http(
        "POST",
        &[
            ("origin", "HTTPS://RTOpacks.com.au/"),
            JSON_HEADERS[0],
            JSON_HEADERS[1],
        ],
        ping,
    );
    assert_eq!(out.status, 200);
    assert_eq!(
        out.header("Access-Control-Allow-Origin"),
        Some("HTTPS://RTOpacks.com.au/")
    );
    assert_eq!(out.header("Vary"), Some("Origin"));
    let out = mcp.http("POST", &JSON_HEADERS, ping);
    assert_eq!(out.status, 200, "no Origin (not a browser) is allowed");
    assert_eq!(out.header("Access-Control-Allow-Origin"), None);

    let preflight = mcp.http("OPTIONS", &[("Origin", ALLOWED_ORIGIN)], b"");
    assert_eq!(preflight.status, 204);
    assert_eq!(
        preflight.header("Access-Control-Allow-Methods"),
        Some("POST")
    );
    assert!(preflight
        .header("Access-Control-Allow-Headers")
        .unwrap()
        .contains("MCP-Protocol-Version"));
    assert_eq!(
        preflight.header("Access-Control-Allow-Origin"),
        Some(ALLOWED_ORIGIN)
    );
    assert!(!Server::new().origin_allowed(ALLOWED_ORIGIN));
}

#[test]
fn the_protocol_version_header_must_be_one_we_speak() {
    let mcp = Mcp::new();
    let ping = br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;
    for version in PROTOCOL_VERSIONS {
        let out = mcp.http("POST", &[("MCP-Protocol-Version", version)], ping);
        assert_eq!(out.status, 200, "{version}");
    }
    for bad in ["2024-11-05", "2025-11-26", "garbage"] {
        let out = mcp.http("POST", &[("MCP-Protocol-Version", bad)], ping);
        assert_eq!(out.status, 400, "{bad}");
        let msg = out.body_json().unwrap()["error"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(msg.contains("2025-11-25"), "{msg}");
    }
}

#[test]
fn content_type_accept_and_size_are_checked() {
    let mcp = Mcp::new();
    let ping = br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;
    let out = mcp.http("POST", &[("Content-Type", "text/plain")], ping);
    assert_eq!(out.status, 415);
    let out = mcp.http(
        "POST",
        &[("Content-Type", "application/json; charset=utf-8")],
        ping,
    );
    assert_eq!(out.status, 200);
    let out = mcp.http("POST", &[("Accept", "text/event-stream")], ping);
    assert_eq!(out.status, 406);
    let big = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"ping","params":{{"pad":"{}"}}}}"#,
        "x".repeat(rtopacks_mcp::MAX_BODY_BYTES)
    );
    let out = mcp.http("POST", &JSON_HEADERS, big.as_bytes());
    assert_eq!(out.status, 413);
}

#[test]
fn malformed_messages_are_json_rpc_errors() {
    let mcp = Mcp::new();
    for (body, code) in [
        (&b"{not json"[..], -32700),
        (b"", -32700),
        (br#"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"ping"}]"#, -32600),
        (b"[]", -32600),
        (br#"{"id":1,"method":"ping"}"#, -32600),
        (br#"{"jsonrpc":"1.0","id":1,"method":"ping"}"#, -32600),
        (br#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#, -32600),
        (br#"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#, -32600),
        (br#"{"jsonrpc":"2.0","id":1,"method":7}"#, -32600),
        (br#"{"jsonrpc":"2.0","id":1}"#, -32600),
        (b"42", -32600),
    ] {
        let out = mcp.http("POST", &JSON_HEADERS, body);
        assert_eq!(out.status, 400, "{}", String::from_utf8_lossy(body));
        let v = out.body_json().unwrap();
        assert_eq!(error_code(&v), code, "{}", String::from_utf8_lossy(body));
        assert_eq!(v["id"], Value::Null);
    }
}

#[test]
fn methods_we_do_not_have_are_not_found() {
    let mcp = Mcp::new();
    for method in [
        "resources/list",
        "prompts/list",
        "tools/delete",
        "logging/setLevel",
    ] {
        let v = mcp.rpc(method, json!({}));
        assert_eq!(error_code(&v), -32601, "{method}");
    }
    let v = mcp.rpc("ping", json!(["positional"]));
    assert_eq!(error_code(&v), -32602);
}

#[test]
fn ping_answers_empty_and_echoes_string_ids() {
    let mcp = Mcp::new();
    let out = mcp.post(&json!({ "jsonrpc": "2.0", "id": "abc-1", "method": "ping" }));
    assert_eq!(out.status, 200);
    assert_eq!(
        out.body_json().unwrap(),
        json!({ "jsonrpc": "2.0", "id": "abc-1", "result": {} })
    );
}

#[test]
fn tools_are_listed_with_their_schemas() {
    let mcp = Mcp::new();
    let v = mcp.rpc("tools/list", json!({}));
    let tools = v["result"]["tools"].as_array().unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, TOOL_NAMES);
    for t in tools {
        assert!(t["title"].is_string() && t["description"].as_str().unwrap().len() > 80);
        assert_eq!(t["inputSchema"]["type"], "object");
        assert_eq!(t["inputSchema"]["additionalProperties"], false);
        assert!(!t["inputSchema"]["required"].as_array().unwrap().is_empty());
        assert_eq!(t["outputSchema"]["type"], "object");
        assert_eq!(t["annotations"]["readOnlyHint"], true);
    }
    assert!(v["result"].get("nextCursor").is_none());
}

#[test]
fn unknown_tools_and_malformed_calls_are_invalid_params() {
    let mcp = Mcp::new();
    for params in [
        json!({ "name": "drop_tables", "arguments": {} }),
        json!({ "name": "Search", "arguments": { "query": "x" } }),
        json!({ "arguments": { "query": "x" } }),
        json!({ "name": 7 }),
        json!({ "name": "search", "arguments": "query=x" }),
        json!({ "name": "search", "arguments": ["x"] }),
    ] {
        let v = mcp.rpc("tools/call", params.clone());
        assert_eq!(error_code(&v), -32602, "{params}");
    }
    let v = mcp.rpc("tools/call", json!({ "name": "nope" }));
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("Unknown tool") && msg.contains("scope_impact"),
        "{msg}"
    );
}

#[test]
fn the_worker_gets_a_401_that_points_at_the_resource_metadata() {
    let server = Server::new();
    let origin = "https://mcp.rtopacks.com.au/";
    let missing = server.unauthorized(origin, KeyProblem::Missing);
    assert_eq!(missing.status, 401);
    assert_eq!(
        missing.header("WWW-Authenticate"),
        Some(
            "Bearer resource_metadata=\"https://mcp.rtopacks.com.au/.well-known/oauth-protected-resource\""
        )
    );
    let invalid = server.unauthorized(origin, KeyProblem::Invalid);
    assert!(invalid
        .header("WWW-Authenticate")
        .unwrap()
        .contains("error=\"invalid_token\""));
    assert!(invalid.body_json().unwrap()["error"]["message"].is_string());

    let doc = server.resource_metadata(origin);
    assert_eq!(doc.status, 200);
    assert_eq!(
        doc.body_json().unwrap(),
        json!({
            "resource": "https://mcp.rtopacks.com.au/mcp",
            "bearer_methods_supported": ["header"],
            "resource_name": "RTOpacks MCP server",
        })
    );
    let moved = Server::new().at_path("v1/mcp");
    assert_eq!(
        moved.resource_metadata_document("https://x.example")["resource"],
        "https://x.example/v1/mcp"
    );
}
