//! rtopacks-internal-api: the apps' door to `rtopacks-db` (the runbook's "sole access
//! point", with auth, logging and anomaly detection).
//!
//! # Two doors
//! - **Service binding** (site, admin, workspace bind `INTERNAL_API`): the caller puts
//!   `internal-api.internal` in the URL (`bindings::internal_api::SERVICE_HOST`; the local
//!   stack's `internal-api.localhost` counts too). Those names are reserved (`.internal`,
//!   `.localhost`) and never resolve publicly, so no request from the internet can carry
//!   one: the calling worker is trusted to have authenticated its user.
//! - **Public route** `internal-api.rtopacks.com.au/*` (and any other host): behind
//!   Cloudflare Access, and the `Cf-Access-Jwt-Assertion` is verified here again
//!   (`edge::access_jwt`); without a valid one the answer is 403. The billing issue's two
//!   Access bypass paths, `/billing/webhook` and `/billing/qb-callback`, skip that check
//!   and answer 404 until billing is built.
//!
//! # Who is asking
//! The calling surface forwards the user's session token in `X-RTOpacks-Session` (as read
//! from its cookie) and the user's address in `X-RTOpacks-Client`. The token is resolved
//! against `engine-db-oc` (`store::identity::resolve`): anonymous, signed-in, or L4 (the
//! user's org is an active `rto_clients` row). A token that no longer resolves (expired,
//! signed out, revoked by SEC-02) is a 401 "session expired", so the surface can clear its
//! cookie. Without a token the caller is anonymous, scored by a salted hash of the address.
//!
//! # Routes
//! | Route | Answers |
//! |---|---|
//! | `GET /catalogue/...` | the catalogue route table (`rtopacks_catalogue::http`), contacts by tier |
//! | `GET /org/{rto_code}` | the client card: `rto_clients` row, `engine-db-oc` org, the RTO's corpus detail |
//! | `GET /me/tier` | the caller's tier and ids |
//! | `POST /admin/keys` | issue an api or mcp key (shown once) — Access only |
//! | `GET /admin/keys?kind=api\|mcp` | list keys (no hashes) — Access only |
//! | `POST /admin/keys/{id}/revoke` | revoke a key — Access only |
//!
//! Admin routes need a verified Access identity on either door (the admin console
//! forwards its user's `Cf-Access-Jwt-Assertion`; `ACCESS_AUD` lists every application
//! whose tokens count). On the service door only, and only when the `TRIGGER_TOKEN`
//! secret is set, `Authorization: Bearer <TRIGGER_TOKEN>` also opens them: that is the
//! local stack's way in for `scripts/keys --local` (scripts/dev sets the token); production
//! sets no `TRIGGER_TOKEN` on this worker.
//!
//! Every request passes the SEC-02 gate (`edge::gate`, surface `internal-api`) and is
//! written to `api_access_log`.

mod admin;
mod door;
mod org;

use rtopacks_catalogue::http::{self, INTERNAL_PREFIX};
use rtopacks_catalogue::{CatalogueError, RtoCode};
use rtopacks_edge::bindings::internal_api::SESSION_HEADER;
use rtopacks_edge::error::ApiError;
use rtopacks_edge::gate::SESSION_EXPIRED;
use rtopacks_store::identity;
use serde_json::json;
use worker::{event, Context, Env, Request, Response};

use door::{Call, Door, Reply};

/// The billing issue's Access bypass paths.
const BILLING_BYPASS: [&str; 2] = ["/billing/webhook", "/billing/qb-callback"];

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let mut call = Call::start(&req, &env).await?;
    let reply = match handle(&mut call, req).await {
        Ok(r) => r,
        Err(e) => {
            worker::console_error!("internal-api: {} {}: {e}", call.method, call.path);
            Reply::error(ApiError::internal())
        }
    };
    call.finish(reply).await
}

/// What a request asks for, parsed before the gate so the gate knows its group and code.
enum Target {
    Catalogue(Result<http::Route, http::RouteError>),
    Org(RtoCode),
    MeTier,
    /// A known path asked wrongly (a malformed code, the wrong method).
    Refused(&'static str, ApiError),
    Admin(admin::AdminRoute),
    NotFound,
}

impl Target {
    fn parse(method: &str, path: &str, query: &str) -> Target {
        if let Some(rest) = path.strip_prefix(INTERNAL_PREFIX) {
            if rest.is_empty() || rest.starts_with('/') {
                return Target::Catalogue(http::route(method, rest, query));
            }
        }
        let read = matches!(method, "GET" | "HEAD");
        if let Some(code) = path.strip_prefix("/org/") {
            return match (read, RtoCode::parse(code)) {
                (false, _) => Target::Refused("org", ApiError::method_not_allowed()),
                (true, Ok(code)) => Target::Org(code),
                (true, Err(e)) => Target::Refused(
                    "org",
                    ApiError::bad_request(CatalogueError::from(e).detail()),
                ),
            };
        }
        if path == "/me/tier" {
            return match read {
                true => Target::MeTier,
                false => Target::Refused("me", ApiError::method_not_allowed()),
            };
        }
        if let Some(route) = admin::AdminRoute::parse(method, path, query) {
            return Target::Admin(route);
        }
        Target::NotFound
    }

    /// SEC-02 endpoint group, the code looked up, and the path for the access log.
    fn gate_key(&self, path: &str) -> (&'static str, Option<String>, String) {
        match self {
            Target::Catalogue(Ok(r)) => (
                r.group(),
                r.code().map(str::to_owned),
                format!("{INTERNAL_PREFIX}{}", r.endpoint()),
            ),
            Target::Catalogue(Err(_)) => ("invalid", None, path.to_owned()),
            Target::Org(code) => (
                "org",
                Some(code.as_str().to_owned()),
                format!("/org/{}", code.as_str()),
            ),
            Target::Refused(group, _) => (group, None, path.to_owned()),
            Target::MeTier => ("me", None, path.to_owned()),
            Target::Admin(_) => ("admin", None, path.to_owned()),
            Target::NotFound => ("invalid", None, path.to_owned()),
        }
    }
}

async fn handle(call: &mut Call<'_>, mut req: Request) -> worker::Result<Reply> {
    if BILLING_BYPASS.contains(&call.path.as_str()) {
        return Ok(Reply::error(ApiError::not_found(
            "billing is not live yet on this worker",
        )));
    }
    if call.door == Door::Public {
        if let Err(refused) = call.require_access(&req).await {
            return Ok(refused);
        }
    }

    // The user behind the calling surface.
    let token = req.headers().get(SESSION_HEADER)?;
    let caller = identity::resolve(
        &call.engine()?,
        &call.ops,
        token.as_deref(),
        &call.now_iso(),
    )
    .await
    .map_err(door::store_err)?;
    if token.is_some() && caller.session.is_none() {
        return Ok(Reply::error(ApiError::unauthorized(SESSION_EXPIRED)));
    }
    call.identify(&caller);

    let target = Target::parse(&call.method, &call.path, &call.query);
    let (group, code, endpoint) = target.gate_key(&call.path);
    call.endpoint = endpoint;
    if let Target::Admin(_) = target {
        if let Err(refused) = call.require_operator(&req).await {
            return Ok(refused);
        }
    }
    if let Some(refused) = call.gate(group, code.as_deref()).await? {
        return Ok(refused);
    }

    Ok(match target {
        Target::Catalogue(Err(e)) => Reply::route_error(&e),
        Target::Catalogue(Ok(route)) => {
            let corpus = call.corpus()?;
            Reply::answer(http::respond(&corpus, &route, call.visitor.tier).await)
        }
        Target::Refused(_, e) => Reply::error(e),
        Target::Org(code) => org::lookup(call, &code).await?,
        Target::MeTier => Reply::json(
            200,
            json!({
                "tier": call.visitor.tier,
                "session_id": caller.session_id(),
                "user_id": caller.user_id(),
                "org_id": caller.org_id(),
                "rto_code": caller.session.as_ref().and_then(|s| s.rto_code.as_deref()),
            }),
        ),
        Target::Admin(route) => admin::handle(call, route, &mut req).await?,
        Target::NotFound => Reply::error(ApiError::not_found(format!(
            "no route {}; see /catalogue/..., /org/{{rto_code}}, /me/tier, /admin/keys",
            call.path
        ))),
    })
}
