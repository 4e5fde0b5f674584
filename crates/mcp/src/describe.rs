//! What a request is, for SEC-02 and the access log, before it runs: the endpoint group,
//! a path and the code looked up. Read from the body without acting on it; anything
//! unreadable is plain `mcp`.

use rtopacks_domain::codes::{NationalCode, RtoCode};
use serde_json::Value;

/// One request as SEC-02 and `api_access_log` see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    /// The JSON-RPC method (`tools/call`, `initialize`, …), when the body has one.
    pub method: Option<String>,
    /// The tool called, when it is one of ours.
    pub tool: Option<&'static str>,
    /// The SEC-02 endpoint group, in the catalogue's vocabulary (`Route::group()` of the
    /// HTTP surfaces, so a client scraping through two doors is one pattern): `search`,
    /// `rto` (lookup of an RTO code), `component` (lookup or chain of a national code),
    /// `ladder`, `verify`, `impact`, `cricos`; `mcp` for everything else.
    pub group: &'static str,
    /// `/mcp/tools/<tool>[/<code>]`, or `/mcp/<method>`: the access log's endpoint.
    pub path: String,
    /// The code looked up, canonical (upper case, trimmed), when the argument is a valid
    /// code: what SEC-02's sequential-enumeration signal follows.
    pub code: Option<String>,
}

fn safe(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '.'))
        .take(64)
        .collect()
}

/// Describe a request body (as [`crate::handle`] will read it).
pub fn describe(body: &[u8]) -> Described {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let method = v.get("method").and_then(Value::as_str).map(safe);
    let plain = |method: Option<String>| Described {
        path: format!("/mcp/{}", method.as_deref().unwrap_or("")),
        method,
        tool: None,
        group: "mcp",
        code: None,
    };
    if method.as_deref() != Some("tools/call") {
        return plain(method);
    }
    let params = v.get("params");
    let name = params.and_then(|p| p.get("name")).and_then(Value::as_str);
    let args = params.and_then(|p| p.get("arguments"));
    let arg = |k: &str| args.and_then(|a| a.get(k)).and_then(Value::as_str);
    let Some(tool) = crate::TOOL_NAMES
        .iter()
        .find(|t| Some(**t) == name)
        .copied()
    else {
        return plain(method);
    };
    let national = |k: &str| {
        arg(k)
            .and_then(|s| NationalCode::parse(s).ok())
            .map(String::from)
    };
    let (group, code) = match tool {
        "search" => ("search", None),
        "lookup" => match arg("code").and_then(|s| RtoCode::parse(s).ok()) {
            Some(rto) => ("rto", Some(String::from(rto))),
            None => ("component", national("code")),
        },
        "ladder" => ("ladder", national("training_package")),
        "verify" => ("verify", national("code")),
        "supersession_chain" => ("component", national("code")),
        "scope_impact" => ("impact", national("code")),
        _ => ("cricos", national("code")),
    };
    Described {
        path: match &code {
            Some(c) => format!("/mcp/tools/{tool}/{c}"),
            None => format!("/mcp/tools/{tool}"),
        },
        method,
        tool: Some(tool),
        group,
        code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: &str) -> Described {
        let body = format!(
            r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{{"name":"{name}","arguments":{args}}}}}"#
        );
        describe(body.as_bytes())
    }

    #[test]
    fn groups_are_the_http_surfaces_groups() {
        let http: Vec<&str> = rtopacks_catalogue::http::ROUTES
            .iter()
            .map(|r| r.group)
            .collect();
        let calls = [
            ("search", r#"{"query":"hospitality"}"#),
            ("lookup", r#"{"code":"45329"}"#),
            ("lookup", r#"{"code":"BSB50420"}"#),
            ("ladder", r#"{"training_package":"BSB"}"#),
            ("verify", r#"{"code":"BSB50420"}"#),
            ("supersession_chain", r#"{"code":"BSB50420"}"#),
            ("scope_impact", r#"{"code":"BSB50420"}"#),
            ("cricos_courses", r#"{"code":"BSB50420"}"#),
        ];
        for (tool, args) in calls {
            let d = call(tool, args);
            assert!(
                http.contains(&d.group),
                "{tool}: group {} unknown to the HTTP routes",
                d.group
            );
        }
    }

    #[test]
    fn tool_calls_name_their_group_and_code() {
        let d = call("lookup", r#"{"code":" 45329 "}"#);
        assert_eq!((d.group, d.code.as_deref()), ("rto", Some("45329")));
        assert_eq!(d.path, "/mcp/tools/lookup/45329");
        let d = call("lookup", r#"{"code":"bsb50420"}"#);
        assert_eq!(
            (d.group, d.code.as_deref()),
            ("component", Some("BSB50420"))
        );
        let d = call("ladder", r#"{"training_package":"bsb"}"#);
        assert_eq!((d.group, d.code.as_deref()), ("ladder", Some("BSB")));
        let d = call("search", r#"{"query":"BSB50420"}"#);
        assert_eq!((d.group, d.code), ("search", None));
        assert_eq!(d.path, "/mcp/tools/search");
        let d = call("verify", r#"{"code":"x'; DROP TABLE"}"#);
        assert_eq!((d.group, d.code), ("verify", None));
    }

    #[test]
    fn everything_else_is_mcp() {
        let d = describe(br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#);
        assert_eq!((d.group, d.path.as_str()), ("mcp", "/mcp/initialize"));
        let d = call("nope", "{}");
        assert_eq!((d.group, d.tool), ("mcp", None));
        let d = describe(b"not json");
        assert_eq!((d.group, d.method), ("mcp", None));
        let d = describe(br#"{"method":"tools/list<script>"}"#);
        assert_eq!(d.path, "/mcp/tools/listscript");
    }
}
