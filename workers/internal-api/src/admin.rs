//! Key administration (Access-authenticated; see the crate docs): issue, list, revoke API
//! and MCP keys in their KV namespaces through `edge::keys_kv`.

use rtopacks_domain::keys::KeyKind;
use rtopacks_edge::error::ApiError;
use rtopacks_edge::keys_kv::{self, IssueRequest};
use serde_json::json;
use worker::Request;

use crate::door::{Call, Reply};

pub enum AdminRoute {
    Issue,
    List {
        kinds: Result<Vec<KeyKind>, ApiError>,
    },
    Revoke {
        id: String,
    },
    /// A known path with the wrong method.
    Method,
}

fn kinds(query: &str) -> Result<Vec<KeyKind>, ApiError> {
    let mut kinds = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=').unwrap_or((pair, "")) {
            ("kind", "") => {}
            ("kind", "api") => kinds.push(KeyKind::Api),
            ("kind", "mcp") => kinds.push(KeyKind::Mcp),
            ("kind", other) => {
                return Err(ApiError::bad_request(format!(
                    "kind must be api or mcp, not {other:?}"
                )))
            }
            (name, _) => {
                return Err(ApiError::bad_request(format!(
                    "unknown parameter {name:?}; /admin/keys takes kind=api|mcp"
                )))
            }
        }
    }
    Ok(if kinds.is_empty() {
        KeyKind::ALL.to_vec()
    } else {
        kinds
    })
}

impl AdminRoute {
    pub fn parse(method: &str, path: &str, query: &str) -> Option<AdminRoute> {
        let path = path.strip_suffix('/').unwrap_or(path);
        if path == "/admin/keys" {
            return Some(match method {
                "POST" => AdminRoute::Issue,
                "GET" | "HEAD" => AdminRoute::List {
                    kinds: kinds(query),
                },
                _ => AdminRoute::Method,
            });
        }
        let id = path.strip_prefix("/admin/keys/")?.strip_suffix("/revoke")?;
        Some(match method {
            "POST" => AdminRoute::Revoke { id: id.to_owned() },
            _ => AdminRoute::Method,
        })
    }
}

/// A kind whose KV namespace this deployment binds (dev binds none).
fn bound(call: &Call<'_>, kind: KeyKind) -> bool {
    call.env.kv(kind.kv_binding()).is_ok()
}

fn unbound(kind: KeyKind) -> Reply {
    Reply::error(ApiError::new(
        503,
        format!(
            "{} keys are not administered here ({} is not bound)",
            kind.as_str(),
            kind.kv_binding()
        ),
    ))
}

fn who(call: &Call<'_>) -> String {
    call.access
        .as_ref()
        .map(|a| a.label())
        .unwrap_or_else(|| "operator token (service door)".to_owned())
}

pub async fn handle(
    call: &Call<'_>,
    route: AdminRoute,
    req: &mut Request,
) -> worker::Result<Reply> {
    let now = call.now_iso();
    Ok(match route {
        AdminRoute::Method => Reply::error(ApiError::method_not_allowed()),
        AdminRoute::Issue => {
            let body = req.text().await.unwrap_or_default();
            let request = match IssueRequest::parse(&body) {
                Ok(r) => r,
                Err(e) => return Ok(Reply::error(e)),
            };
            if !bound(call, request.kind) {
                return Ok(unbound(request.kind));
            }
            match keys_kv::issue(call.env, &request, &now).await? {
                Err(e) => Reply::error(e),
                Ok(issued) => {
                    worker::console_log!(
                        "internal-api: {} key {} issued to {:?} by {}",
                        request.kind.as_str(),
                        issued.record.id,
                        issued.record.owner,
                        who(call)
                    );
                    Reply::json(201, keys_kv::issued_body(&issued))
                }
            }
        }
        AdminRoute::List { kinds } => match kinds {
            Err(e) => Reply::error(e),
            Ok(kinds) => {
                let mut keys = Vec::new();
                for kind in kinds {
                    if !bound(call, kind) {
                        return Ok(unbound(kind));
                    }
                    keys.extend(keys_kv::list(call.env, kind).await?);
                }
                Reply::json(200, json!({ "keys": keys }))
            }
        },
        AdminRoute::Revoke { id } => {
            match keys_kv::revoke(call.env, &KeyKind::ALL, &id, &now).await? {
                Err(e) => Reply::error(e),
                Ok(summary) => {
                    worker::console_log!("internal-api: key {id} revoked by {}", who(call));
                    Reply::json(200, json!({ "revoked": summary }))
                }
            }
        }
    })
}
