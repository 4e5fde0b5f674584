//! The Access gate: the `Cf-Access-Jwt-Assertion` of every request, verified in code.
//!
//! Keys come from the team's JWKS (fetched and cached per isolate by
//! `edge::access_jwt::verify_request`), in every environment: the local stack serves a
//! local team's keys through its outbound fakes (tests/harness/dev.mjs), so there is no
//! code path that takes keys from anywhere else.

use chrono::{DateTime, Utc};
use rtopacks_edge::access_jwt::{self, AccessError, AccessIdentity, HEADER};
use rtopacks_web::{Html, Page, Surface};
use worker::{console_error, Env, Request};

/// The operator Access let through, and the token to forward to internal-api.
pub struct Operator {
    pub identity: AccessIdentity,
    pub jwt: String,
}

/// The verified operator, or the page refusing the request.
pub async fn verify(
    env: &Env,
    req: &Request,
    path: &str,
    now: DateTime<Utc>,
) -> Result<Operator, Html> {
    let token = req.headers().get(HEADER).ok().flatten();
    let checked = access_jwt::verify_request(env, req, now).await;
    match checked {
        Ok(identity) => Ok(Operator {
            identity,
            jwt: token.unwrap_or_default(),
        }),
        Err(e) => {
            if let AccessError::Keys(cause) = &e {
                console_error!("admin: Access keys: {cause}");
            }
            Err(refused(&e, path))
        }
    }
}

/// A plain page: no navigation, nothing of the console.
fn refused(e: &AccessError, path: &str) -> Html {
    let (title, text) = match e {
        AccessError::NotConfigured => (
            "Console not configured",
            "Cloudflare Access is not configured for this console (ACCESS_TEAM_DOMAIN and \
             ACCESS_AUD), so every request is refused."
                .to_owned(),
        ),
        AccessError::Keys(_) => (
            "Sign-in check unavailable",
            "The console could not read the Cloudflare Access signing keys just now. \
             Try again in a minute."
                .to_owned(),
        ),
        other => (
            "Access refused",
            format!(
                "This console is only reachable through Cloudflare Access: open \
                 https://admin.rtopacks.com.au and sign in. Reason: {other}."
            ),
        ),
    };
    let mut page = Page::message(Surface::Admin, path, title, &text);
    page.nav.clear();
    Html::error(e.status(), page.render()).no_store()
}
