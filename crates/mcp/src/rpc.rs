//! JSON-RPC 2.0 over one POST body: classify the message, answer requests, acknowledge
//! notifications and client responses.

use rtopacks_store::Db;
use serde_json::{json, Map, Value};

use crate::http::McpResponse;
use crate::tools::{self, TOOL_NAMES};
use crate::{Tier, LATEST_PROTOCOL_VERSION, PROTOCOL_VERSIONS, SERVER_NAME, SERVER_VERSION};

pub(crate) const PARSE_ERROR: i64 = -32700;
pub(crate) const INVALID_REQUEST: i64 = -32600;
pub(crate) const METHOD_NOT_FOUND: i64 = -32601;
pub(crate) const INVALID_PARAMS: i64 = -32602;

/// What `initialize` tells the model about the server.
pub(crate) const INSTRUCTIONS: &str = "RTOpacks answers from its mirror of Australia's \
National Register of VET (training.gov.au) and of the CRICOS register (data.gov.au). Use \
`search` to find qualifications, units, skill sets, accredited courses, training packages \
and RTOs by words, names or codes; `lookup` for everything about one code (a national code \
such as BSB50420, or an RTO code such as 45329); `verify` to check whether a code is current, \
what replaces it, and whether it is on an RTO's scope; `supersession_chain` for what a code \
replaced and what replaced it (E = equivalent, N = not equivalent); `scope_impact` for the \
RTOs still carrying a superseded code and whether they already have its replacement; \
`ladder` for a training package's qualifications from Certificate I to Graduate Diploma; \
`cricos_courses` for the CRICOS courses (for international students) that deliver a \
qualification. Every answer carries `source` and `freshness`, when its rows were last \
synced from the register: cite them. Lists are paged: pass `next_cursor` back as `cursor` \
for the next page.";

type RpcResult = Result<Value, (i64, String)>;

/// One parsed message.
enum Message {
    Request {
        id: Value,
        method: String,
        params: Option<Value>,
    },
    /// A notification, or a response to a request of ours: nothing to answer.
    NoReply,
}

fn classify(v: Value) -> Result<Message, String> {
    let Value::Object(mut m) = v else {
        return Err("Invalid Request: a JSON-RPC message is a JSON object.".to_owned());
    };
    if m.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err("Invalid Request: the message must carry \"jsonrpc\": \"2.0\".".to_owned());
    }
    let id = m.remove("id");
    if let Some(id) = &id {
        if !(id.is_string() || id.is_number()) {
            return Err("Invalid Request: the id must be a string or a number.".to_owned());
        }
    }
    match (m.remove("method"), id) {
        (Some(Value::String(method)), Some(id)) => Ok(Message::Request {
            id,
            method,
            params: m.remove("params"),
        }),
        (Some(Value::String(_)), None) => Ok(Message::NoReply),
        (Some(_), _) => Err("Invalid Request: the method must be a string.".to_owned()),
        (None, Some(_)) if m.contains_key("result") || m.contains_key("error") => {
            Ok(Message::NoReply)
        }
        (None, _) => Err(
            "Invalid Request: a message needs a method (a request or notification) or a \
             result or error with an id (a response)."
                .to_owned(),
        ),
    }
}

fn error_body(id: Value, code: i64, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

/// Answer one POST body (already admitted by the HTTP checks).
pub(crate) async fn answer(db: &impl Db, body: &[u8], tier: Tier) -> McpResponse {
    let message: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) => {
            return McpResponse::json(
                400,
                &error_body(
                    Value::Null,
                    PARSE_ERROR,
                    "Parse error: the body is not valid JSON.",
                ),
            )
        }
    };
    if message.is_array() {
        return McpResponse::json(
            400,
            &error_body(
                Value::Null,
                INVALID_REQUEST,
                "Invalid Request: JSON-RPC batches are not supported; send one message per POST.",
            ),
        );
    }
    let (id, method, params) = match classify(message) {
        Err(why) => return McpResponse::json(400, &error_body(Value::Null, INVALID_REQUEST, &why)),
        Ok(Message::NoReply) => return McpResponse::empty(202),
        Ok(Message::Request { id, method, params }) => (id, method, params),
    };
    let params = match params {
        None | Some(Value::Null) => None,
        Some(Value::Object(p)) => Some(p),
        Some(_) => {
            let e = error_body(
                id,
                INVALID_PARAMS,
                "Invalid params: params must be a JSON object.",
            );
            return McpResponse::json(200, &e);
        }
    };
    let mut internal_error = None;
    let result: RpcResult = match method.as_str() {
        "initialize" => initialize(params.as_ref()),
        "ping" => Ok(json!({})),
        "tools/list" => Ok(json!({ "tools": tools::tool_definitions() })),
        "tools/call" => match call(db, params.as_ref(), tier).await {
            Ok((result, internal)) => {
                internal_error = internal;
                Ok(result)
            }
            Err(e) => Err(e),
        },
        other => Err((
            METHOD_NOT_FOUND,
            format!(
                "Method not found: {:?}. This server answers initialize, ping, tools/list and \
                 tools/call.",
                crate::http::clip(other, 60)
            ),
        )),
    };
    let body = match result {
        Ok(result) => json!({ "jsonrpc": "2.0", "id": id, "result": result }),
        Err((code, message)) => error_body(id, code, &message),
    };
    let mut out = McpResponse::json(200, &body);
    out.internal_error = internal_error;
    out
}

/// `initialize`: negotiate the revision and describe the server.
fn initialize(params: Option<&Map<String, Value>>) -> RpcResult {
    let requested = params
        .and_then(|p| p.get("protocolVersion"))
        .and_then(Value::as_str)
        .ok_or_else(|| {
            (
                INVALID_PARAMS,
                format!(
                    "Invalid params: initialize needs params.protocolVersion (e.g. \
                     \"{LATEST_PROTOCOL_VERSION}\")."
                ),
            )
        })?;
    let version = PROTOCOL_VERSIONS
        .iter()
        .find(|v| **v == requested)
        .copied()
        .unwrap_or(LATEST_PROTOCOL_VERSION);
    Ok(json!({
        "protocolVersion": version,
        "capabilities": { "tools": { "listChanged": false } },
        "serverInfo": {
            "name": SERVER_NAME,
            "title": "RTOpacks",
            "version": SERVER_VERSION,
        },
        "instructions": INSTRUCTIONS,
    }))
}

/// `tools/call`. Malformed params and unknown tools are JSON-RPC errors; everything about
/// the arguments themselves is the tool's `isError` result.
async fn call(
    db: &impl Db,
    params: Option<&Map<String, Value>>,
    tier: Tier,
) -> Result<(Value, Option<String>), (i64, String)> {
    let empty = Map::new();
    let params = params.unwrap_or(&empty);
    let name = params.get("name").and_then(Value::as_str).ok_or_else(|| {
        (
            INVALID_PARAMS,
            "Invalid params: tools/call needs params.name, the name of a tool from tools/list."
                .to_owned(),
        )
    })?;
    let arguments =
        match params.get("arguments") {
            None | Some(Value::Null) => None,
            Some(Value::Object(a)) => Some(a),
            Some(_) => return Err((
                INVALID_PARAMS,
                "Invalid params: params.arguments must be a JSON object of the tool's arguments."
                    .to_owned(),
            )),
        };
    match tools::call_tool(db, name, arguments, tier).await {
        Some(call) => Ok((call.result, call.internal_error)),
        None => Err((
            INVALID_PARAMS,
            format!(
                "Unknown tool: {:?}. The tools are {}.",
                crate::http::clip(name, 60),
                TOOL_NAMES.join(", ")
            ),
        )),
    }
}
