//! rtopacks-site: the public site, rtopacks.com.au (`site.localhost` locally).
//!
//! Until launch the apex is held by rtopacks-prelaunch, which hands every request to this
//! worker through its `SITE` service binding once its `APEX` switch says `site`; so this
//! worker declares no route of its own (see `wrangler/site.toml`).
//!
//! # Pages
//! | Route | What |
//! |---|---|
//! | `GET /` | the corpus at a glance (internal-api `/catalogue/stats`) and a search box |
//! | `GET /search?q=&type=&status=&package=&aqf=&state=&on_scope_of=&cursor=` | results with filters and seek paging; anonymous answers cached in `SEARCH_CACHE` ([`cache`]) |
//! | `GET /qualifications/{code}`, `/units/…`, `/skill-sets/…`, `/accredited-courses/…`, `/training-packages/…` | a component: status, usage recommendation, latest release, unit grid, supersession inline, RTOs on scope, CRICOS courses ([`pages::component`]); `…/rtos` and `…/cricos-courses` page through the last two; a code under the wrong collection is redirected to its own |
//! | `GET /components/{code}` | redirects to the code's own page |
//! | `GET /rtos/{code}` | an RTO ([`pages::rto`]); an unenriched one is queued on `rtopacks-ingest-queue` ([`ingest`]); `…/cricos-courses` pages its CRICOS courses |
//! | `GET, POST /rtos/{code}/claim`, `GET, POST /claim/verify` | the claim flow ([`pages::claim`]) |
//! | `GET, POST /waitlist`, `GET, POST /waitlist/verify` | the waitlist ([`pages::waitlist`]) |
//! | `GET /assets/…`, `/robots.txt` | the hashed stylesheet; crawler rules |
//!
//! Anything else is the 404 page; a known path asked with another method is a 405 with
//! `Allow`. Every catalogue read goes through internal-api (`INTERNAL_API`), forwarding
//! the visitor's address and session cookie if any ([`ctx::Ctx::catalogue`]); identity
//! writes go to `ENGINE_DB` and `OPS_DB`, the waitlist to `INTAKE_DB`, and `RTOPACKS_DB` is
//! read for the one thing internal-api does not answer: the claim proof's domains.
//! Every form carries a CSRF token (`CSRF_SECRET`) and every POST must come from `ORIGIN`.

mod cache;
mod ctx;
mod ingest;
mod mail;
mod pages;
mod routes;
mod view;

use rtopacks_edge::clock;
use rtopacks_edge::surface::{self, Visit};
use rtopacks_web::{assets, Html};
use worker::{console_error, event, Context, Env, Request, Response};

use ctx::Ctx;
use pages::{claim, component, home, rto, search, waitlist};
use routes::Route;

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, worker_ctx: Context) -> worker::Result<Response> {
    let visit = surface::visit(&req)?;
    let head = visit.is_head();
    let html = match handle(req, &env, &worker_ctx, &visit).await {
        Ok(html) => html,
        Err(e) => {
            console_error!("site: {} {}: {e}", visit.method, visit.path);
            view::server_error(&visit.path)
        }
    };
    surface::respond(html, head)
}

async fn handle(
    mut req: Request,
    env: &Env,
    worker_ctx: &Context,
    visit: &Visit,
) -> Result<Html, String> {
    let route = Route::parse(&visit.path);
    let method = visit.method.as_str();
    let read = matches!(method, "GET" | "HEAD");
    if route == Route::Asset {
        return Ok(match (read, assets::asset(&visit.path)) {
            (true, Some(asset)) => asset,
            (true, None) => view::no_such_page(&visit.path),
            (false, _) => view::method_not_allowed(&visit.path, routes::READ),
        });
    }
    if route == Route::NotFound {
        return Ok(view::no_such_page(&visit.path));
    }
    let post = method == "POST" && route.allow() == routes::FORM;
    if !read && !post {
        return Ok(view::method_not_allowed(&visit.path, route.allow()));
    }
    let now = clock::now(env).await.map_err(|e| e.to_string())?;
    let ctx = Ctx::new(env, worker_ctx, visit, now);
    let body = if post {
        req.bytes().await.map_err(|e| e.to_string())?
    } else {
        Vec::new()
    };
    let html = match route {
        Route::Home => home::show(&ctx).await,
        Route::Search => search::show(&ctx).await,
        Route::Robots => view::robots(),
        Route::Component { collection, code } => component::show(&ctx, collection, &code).await,
        Route::ComponentRtos { collection, code } => component::rtos(&ctx, collection, &code).await,
        Route::ComponentCricos { collection, code } => {
            component::cricos(&ctx, collection, &code).await
        }
        Route::AnyComponent { code } => component::any(&ctx, &code).await,
        Route::Rto { code } => rto::show(&ctx, &code).await,
        Route::RtoCricos { code } => rto::cricos(&ctx, &code).await,
        Route::Claim { code } if post => claim::request(&ctx, &code, &body).await?,
        Route::Claim { code } => claim::show(&ctx, &code).await?,
        Route::ClaimVerify if post => claim::confirm(&ctx, &body).await?,
        Route::ClaimVerify => claim::verify_page(&ctx).await?,
        Route::Waitlist if post => waitlist::join(&ctx, &body).await?,
        Route::Waitlist => waitlist::show(&ctx)?,
        Route::WaitlistVerify if post => waitlist::confirm(&ctx, &body).await?,
        Route::WaitlistVerify => waitlist::verify_page(&ctx).await?,
        Route::Asset | Route::NotFound => view::no_such_page(&visit.path),
    };
    Ok(ctx.finish(html))
}
