//! rtopacks-workspace: the client workspace at `my.rtopacks.com.au`.
//!
//! Server-rendered pages (`rtopacks_web`), no JavaScript. Identity writes (links,
//! sessions, documents) go to `engine-db-oc` and `ops-db` through `rtopacks_store`; every
//! catalogue read (the RTO, its scope, supersession) goes through internal-api over the
//! `INTERNAL_API` service binding with the visitor's session forwarded, so SEC-02 scores
//! the workspace's visitors like any other and contacts follow the tier.
//!
//! | Route | What |
//! |---|---|
//! | `GET /auth`, `POST /auth` | sign-in form; a magic link by email (allowlist, limits); always the same "check your email" page |
//! | `GET /auth/verify?t=`, `POST /auth/verify` | the link's landing page (no-referrer, never uses the token) and its Sign in button |
//! | `POST /signout` | revoke the session, clear the cookie |
//! | `GET /` | who you are, your org, your tier, the org's RTO |
//! | `GET /scope` | the RTO's scope, paged and filtered |
//! | `GET /impact` | superseded components on the scope and their replacements |
//! | `GET /people` | the org's people and roles |
//! | `GET /documents`, `POST /documents` | the org's files; upload (type and size limits) |
//! | `GET /documents/{id}`, `POST /documents/{id}/delete` | download (attachment); delete |
//! | `GET /assets/…`, `GET /healthz` | the stylesheet; a liveness check |
//!
//! Every page but `/auth*`, the assets and `/healthz` needs a live session; without one
//! the answer is a 303 to `/auth?next=…`. Every POST passes the CSRF rule
//! (`rtopacks_edge::surface::check_post`).

mod app;
mod auth;
mod documents;
mod home;
mod impact;
mod people;
mod scope;
mod views;

use rtopacks_edge::surface;
use rtopacks_web::Html;
use worker::{console_error, event, Context, Env, Request, Response};

use app::{App, Reply};

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// What a path names, and the methods it answers (HEAD wherever GET).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Route {
    Healthz,
    Auth,
    AuthVerify,
    SignOut,
    Home,
    Scope,
    Impact,
    People,
    Documents,
    Document(String),
    DocumentDelete(String),
}

impl Route {
    fn parse(path: &str) -> Option<Route> {
        Some(match path {
            "/healthz" => Route::Healthz,
            "/auth" => Route::Auth,
            "/auth/verify" => Route::AuthVerify,
            "/signout" => Route::SignOut,
            "/" => Route::Home,
            "/scope" => Route::Scope,
            "/impact" => Route::Impact,
            "/people" => Route::People,
            "/documents" => Route::Documents,
            _ => {
                let rest = path.strip_prefix("/documents/")?;
                match rest.split_once('/') {
                    None if !rest.is_empty() => Route::Document(rest.to_owned()),
                    Some((id, "delete")) if !id.is_empty() => Route::DocumentDelete(id.to_owned()),
                    _ => return None,
                }
            }
        })
    }

    fn allow(&self) -> &'static str {
        match self {
            Route::Auth | Route::AuthVerify | Route::Documents => "GET, HEAD, POST",
            Route::SignOut | Route::DocumentDelete(_) => "POST",
            _ => "GET, HEAD",
        }
    }
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> worker::Result<Response> {
    let visit = surface::visit(&req)?;
    let head = visit.is_head();
    let path = visit.path.clone();
    let reply = match handle(req, &env, &ctx, visit).await {
        Ok(reply) => reply,
        Err(e) => {
            console_error!("workspace: {path}: {e}");
            Reply::Html(views::server_error(&path))
        }
    };
    match reply {
        Reply::Html(html) => surface::respond(html, head),
        Reply::Raw(res) => Ok(res),
    }
}

async fn handle(
    mut req: Request,
    env: &Env,
    ctx: &Context,
    visit: surface::Visit,
) -> worker::Result<Reply> {
    let method = visit.method.clone();
    let read = matches!(method.as_str(), "GET" | "HEAD");
    if read {
        if let Some(asset) = rtopacks_web::assets::asset(&visit.path) {
            return Ok(Reply::Html(asset));
        }
    }
    let Some(route) = Route::parse(&visit.path) else {
        return Ok(Reply::Html(views::not_found(&visit.path)));
    };
    let post = method == "POST";
    let allowed =
        (read && route.allow().contains("GET")) || (post && route.allow().contains("POST"));
    if !allowed {
        return Ok(Reply::Html(views::method_not_allowed(
            &visit.path,
            route.allow(),
        )));
    }
    if route == Route::Healthz {
        return Ok(Reply::Html(plain_ok()));
    }

    let app = App::new(env, ctx, visit).await?;
    match (route, post) {
        (Route::Auth, false) => auth::form(&app).await,
        (Route::Auth, true) => auth::request_link(&app, &mut req).await,
        (Route::AuthVerify, false) => auth::landing(&app).await,
        (Route::AuthVerify, true) => auth::verify(&app, &mut req).await,
        (Route::SignOut, _) => auth::sign_out(&app, &mut req).await,
        (Route::Documents, true) => documents::upload(&app, &mut req).await,
        (Route::DocumentDelete(id), _) => documents::delete(&app, &mut req, &id).await,
        (route, _) => {
            // Everything else is a signed-in page.
            let signed = match app.require_session().await? {
                Ok(s) => s,
                Err(redirect) => return Ok(Reply::Html(redirect)),
            };
            match route {
                Route::Home => home::page(&app, &signed).await,
                Route::Scope => scope::page(&app, &signed).await,
                Route::Impact => impact::page(&app, &signed).await,
                Route::People => people::page(&app, &signed).await,
                Route::Documents => documents::list(&app, &signed).await,
                Route::Document(id) => documents::download(&app, &signed, &id).await,
                _ => Ok(Reply::Html(views::not_found(&app.visit.path))),
            }
        }
    }
}

fn plain_ok() -> Html {
    Html {
        status: 200,
        headers: vec![
            ("Content-Type".into(), "text/plain; charset=utf-8".into()),
            ("Cache-Control".into(), "no-store".into()),
            ("X-Content-Type-Options".into(), "nosniff".into()),
        ],
        body: "ok".into(),
    }
}
