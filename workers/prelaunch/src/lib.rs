//! rtopacks-prelaunch: holds the apex (`rtopacks.com.au`, `www.rtopacks.com.au`) until
//! launch (the system map: "Apex + www. currently held by rtopacks-prelaunch; flipped to
//! rtopacks-site at launch").
//!
//! # The launch switch
//! The variable `APEX` ([`apex::Apex`]):
//! - `hold`: this worker's pages (below).
//! - `site`: every request, whatever its path or method (assets included), goes to
//!   rtopacks-site through the `SITE` service binding unchanged (method, URL, headers,
//!   body), and the site's answer comes back unchanged. Launch is one variable: the routes
//!   stay on this worker, so nothing about DNS or routes changes at the moment of launch,
//!   and flipping back is the same one variable.
//! - anything else (or nothing): held, and logged.
//!
//! # Pages (hold)
//! | Route | What |
//! |---|---|
//! | `GET /` | what RTOpacks is, and the waitlist form (email; name, organisation, RTO code optional) |
//! | `POST /` | join (`store::intake::join_waitlist`), mail a verification link when a token was issued; always the same "check your email" page |
//! | `GET /verify?t=` | the link's page: a Confirm button (`Referrer-Policy: no-referrer`); opening it never uses the token |
//! | `POST /verify` | uses the token once and confirms the address |
//! | `GET /assets/…` | the hashed stylesheet |
//! | `GET /robots.txt` | crawlers welcome, link pages excepted |
//!
//! `www.` answers a redirect to the same path on `ORIGIN`. Every form carries a CSRF
//! token (`CSRF_SECRET`, bound to the `__Host-rtp_csrf` cookie and the action) and every
//! POST must come from `ORIGIN`. Mailed links start with `ORIGIN`, never the Host header.
//!
//! Bindings: `INTAKE_DB` (rto-intake-db: the waitlist and its tokens), `RTOPACKS_DB`
//! (read only: an RTO code typed in the form must be on the register), `OPS_DB` (the
//! email layer's outbox), `SITE` (the launch switch).

mod apex;
mod join;
mod mail;
mod pages;
mod verify;

use apex::Apex;
use rtopacks_edge::clock;
use rtopacks_edge::surface::{self, Visit};
use rtopacks_web::components::FormErrors;
use rtopacks_web::{assets, Html};
use worker::{console_error, console_warn, event, Context, Env, Request, Response};

/// The service binding to rtopacks-site.
const SITE: &str = "SITE";

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> worker::Result<Response> {
    let (apex, warning) = Apex::from_var(env.var(apex::VAR).ok().map(|v| v.to_string()).as_deref());
    if let Some(w) = warning {
        console_warn!("prelaunch: {w}");
    }
    if apex == Apex::Site {
        return to_site(req, &env).await;
    }
    let visit = surface::visit(&req)?;
    let head = visit.is_head();
    let html = match hold(req, &env, &ctx, &visit).await {
        Ok(html) => html,
        Err(e) => {
            console_error!("prelaunch: {} {}: {e}", visit.method, visit.path);
            pages::server_error(&visit.path)
        }
    };
    surface::respond(html, head)
}

/// Site mode: the request as it came, to the site; its answer as it came.
async fn to_site(req: Request, env: &Env) -> worker::Result<Response> {
    let path = req.path();
    let head = req.method() == worker::Method::Head;
    let forwarded = match env.service(SITE) {
        Ok(site) => site.fetch_request(req).await,
        Err(e) => Err(e),
    };
    match forwarded {
        Ok(res) => Ok(res),
        Err(e) => {
            console_error!("prelaunch: APEX=site but {SITE} failed: {e}");
            surface::respond(pages::site_unavailable(&path), head)
        }
    }
}

/// Hold mode: the prelaunch pages.
async fn hold(mut req: Request, env: &Env, ctx: &Context, visit: &Visit) -> Result<Html, String> {
    let origin = surface::origin_from(env);
    let read = matches!(visit.method.as_str(), "GET" | "HEAD");
    if let Some(location) = www_to_apex(&req, &origin) {
        return Ok(pages::to_apex(&location, read));
    }
    if read {
        if let Some(asset) = assets::asset(&visit.path) {
            return Ok(asset);
        }
    }
    let now = clock::now(env).await.map_err(|e| e.to_string())?;
    let path = visit.path.as_str();
    match (path, visit.method.as_str()) {
        ("/", "GET" | "HEAD") => join::form_page(
            env,
            visit,
            &pages::Values::default(),
            &FormErrors::new(),
            now,
        ),
        ("/", "POST") => {
            let body = req.bytes().await.map_err(|e| e.to_string())?;
            join::submit(&body, env, ctx, visit, &origin, now).await
        }
        ("/verify", "GET" | "HEAD") => verify::page(env, visit, now).await,
        ("/verify", "POST") => {
            let body = req.bytes().await.map_err(|e| e.to_string())?;
            verify::confirm(&body, env, visit, &origin, now).await
        }
        ("/robots.txt", "GET" | "HEAD") => Ok(pages::robots()),
        ("/" | "/verify", _) => Ok(pages::method_not_allowed(path, "GET, HEAD, POST")),
        ("/robots.txt", _) => Ok(pages::method_not_allowed(path, "GET, HEAD")),
        (p, _) if p.starts_with(assets::PREFIX) => Ok(pages::method_not_allowed(path, "GET, HEAD")),
        _ => Ok(pages::not_found(path)),
    }
}

/// `https://www.<apex>/p?q` → `<ORIGIN>/p?q` when the request came to `www.` of the
/// configured origin's host.
fn www_to_apex(req: &Request, origin: &str) -> Option<String> {
    let url = req.url().ok()?;
    let apex_host = origin.split_once("://")?.1.split(['/', ':']).next()?;
    let www = url.host_str()?.strip_prefix("www.")?;
    if !www.eq_ignore_ascii_case(apex_host) {
        return None;
    }
    let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
    Some(format!("{origin}{}{query}", url.path()))
}
