//! `GET /org/{rto_code}`: the client card. Three databases, three reads, no cross-database
//! join (the data architecture's rule): the `ops-db` `rto_clients` row, the `engine-db-oc`
//! org linked to the code, and the RTO's detail from the corpus (contacts by the caller's
//! tier, the first page of scope). 404 when none of them knows the code.

use rtopacks_catalogue::{rto, CatalogueError, Page, RtoCode, ScopeParams};
use rtopacks_edge::error::ApiError;
use rtopacks_store::{Db, Statement};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::door::{store_err, Call, Reply};

/// The `rto_clients` facts the client card shows.
#[derive(Debug, Serialize, Deserialize)]
struct ClientRow {
    is_client: i64,
    client_status: String,
    client_since: Option<String>,
    plan: Option<String>,
    is_test: i64,
    updated_at: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct OrgRow {
    id: String,
    name: String,
}

fn client_statement(code: &RtoCode) -> Statement {
    Statement::new(
        "SELECT is_client, client_status, client_since, plan, is_test, updated_at
           FROM rto_clients WHERE rto_code = ?1",
    )
    .bind(code.as_str())
}

fn org_statement(code: &RtoCode) -> Statement {
    Statement::new("SELECT id, name FROM orgs WHERE rto_code = ?1").bind(code.as_str())
}

pub async fn lookup(call: &Call<'_>, code: &RtoCode) -> worker::Result<Reply> {
    let client: Option<ClientRow> = call
        .ops
        .first(client_statement(code))
        .await
        .map_err(store_err)?;
    let org: Option<OrgRow> = call
        .engine()?
        .first(org_statement(code))
        .await
        .map_err(store_err)?;
    let scope = ScopeParams {
        page: Page::first(10),
        ..ScopeParams::default()
    };
    let detail = match rto(&call.corpus()?, code, call.visitor.tier, &scope).await {
        Ok(d) => Some(d),
        Err(CatalogueError::NotFound(_)) => None,
        Err(e) => return Ok(Reply::answer((&e).into())),
    };
    if client.is_none() && org.is_none() && detail.is_none() {
        return Ok(Reply::error(ApiError::not_found(format!(
            "no RTO, client or organisation has code {}",
            code.as_str()
        ))));
    }
    let active = client
        .as_ref()
        .is_some_and(|c| c.is_client == 1 && c.client_status == "active");
    Ok(Reply::json(
        200,
        json!({
            "rto_code": code.as_str(),
            "is_active_client": active,
            "client": client.map(|c| json!({
                "is_client": c.is_client == 1,
                "client_status": c.client_status,
                "client_since": c.client_since,
                "plan": c.plan,
                "is_test": c.is_test == 1,
                "updated_at": c.updated_at,
            })),
            "org": org,
            "rto": detail,
            "tier": call.visitor.tier,
        }),
    ))
}
