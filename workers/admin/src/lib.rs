//! rtopacks-admin: the operator console at `admin.rtopacks.com.au` (runbook: "Admin panel —
//! behind CF Access. Org management, CRM, allowlist"). Server-rendered HTML (`rtopacks_web`),
//! no script.
//!
//! # Who may ask
//! Every request but `/assets/…` must carry a `Cf-Access-Jwt-Assertion` that this worker
//! verifies itself (`edge::access_jwt`: RS256 against the team's JWKS, `iss`, `aud` from
//! `ACCESS_AUD`, `exp`/`nbf`), so a request that reaches the worker around Access (a route
//! without the Access application, a policy switched off) gets a plain 403 page. An empty
//! `ACCESS_AUD` refuses everything (503: not configured). The operator's name on every page
//! and in the logs is the token's `email` (a service token's client id otherwise).
//!
//! # CSRF
//! Every POST form carries a token (`rtopacks_web::csrf`, secret `CSRF_SECRET`) bound to the
//! form's action path and to the operator: the binding is the SHA-256 of the Access token's
//! `sub` (the Access user id; the identity label when a token has none). Decision: Access
//! already identifies the operator on every request, so the console sets no cookie of its
//! own; `sub` is stable across Access re-authentications (tokens are re-issued, the user id
//! is not), so an open form survives a renewed Access session, and a token minted for one
//! operator is useless to another. POSTs also need `Sec-Fetch-Site: same-origin` or an
//! `Origin` equal to `ORIGIN` when the browser sends those headers. This matters because a
//! cross-site form post from an operator's browser WOULD carry the Access cookie, and Access
//! would add a valid JWT to it.
//!
//! # Pages
//! | Path | What |
//! |---|---|
//! | `GET /` | observatory: a card per sync (OBS-ALIGN-01 status, stale flag, re-trigger), the runs feed with its search (run-id prefix, worker, status, dates; seek paging; runs older than 7 days dimmed), the latest regulatory events and sentinel checks |
//! | `GET /runs/{run_id}` | a run's steps (category, status, records in/out, duration, error in full), events and sentinel rows |
//! | `GET /events`, `GET /sentinel` | the full feeds, filtered and paged |
//! | `POST /trigger/{sync_type}` | `POST /trigger` on the sync worker (service binding, Bearer `TRIGGER_TOKEN`); shows its answer |
//! | `GET/POST /access`, `POST /access/{id}/deactivate` | the sign-in allowlist |
//! | `GET /organisations`, `GET /organisations/{rto_code}` | RTO search (internal-api) and the client card; `POST …/client` makes it a client, `POST …/people` links a person |
//! | `GET /users`, `GET /users/{id}`, `GET /sessions/{id}` | people, and the anomaly and API access logs per user and per session |
//! | `GET/POST /keys`, `POST /keys/{id}/revoke` | API and MCP keys through internal-api's `/admin/keys`, with the operator's Access token forwarded |
//!
//! Bindings: `OPS_DB`, `ENGINE_DB`, `INTERNAL_API`; `TGA_SYNC`, `CRICOS_SYNC`, `ENRICH_SYNC`
//! (re-trigger; absent in dev, where the buttons say so); vars `ORIGIN`,
//! `ACCESS_TEAM_DOMAIN`, `ACCESS_AUD`; secrets `CSRF_SECRET`, `TRIGGER_TOKEN`.

mod access;
mod allowlist;
mod ctx;
mod keys;
mod observatory;
mod orgs;
mod people;
mod routes;
mod trigger;
mod view;

use rtopacks_edge::clock;
use rtopacks_edge::surface::{respond, visit};
use rtopacks_web::assets;
use worker::{console_error, event, Context, Env, Request, Response};

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let visit = visit(&req)?;
    let head = visit.is_head();
    // The stylesheet carries nothing private and is linked from the refusal page too.
    if let Some(asset) = assets::asset(&visit.path) {
        return respond(asset, head);
    }
    let now = clock::now(&env).await?;
    let operator = match access::verify(&env, &req, &visit.path, now).await {
        Ok(op) => op,
        Err(refused) => return respond(refused, head),
    };
    let cx = ctx::Ctx::new(&env, visit, operator, now);
    let html = match routes::dispatch(&cx, req).await {
        Ok(html) => html,
        Err(e) => {
            console_error!(
                "admin: {} {} by {}: {e}",
                cx.visit.method,
                cx.visit.path,
                cx.who()
            );
            view::server_error(&cx)
        }
    };
    respond(html, head)
}
