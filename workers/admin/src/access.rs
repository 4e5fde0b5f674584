//! The Access gate: the `Cf-Access-Jwt-Assertion` of every request, verified in code.
//!
//! Keys come from the team's JWKS (fetched and cached per isolate by
//! `edge::access_jwt::verify_request`). A local stack has no Access team to fetch from: it
//! may give the JWKS document itself in the `ACCESS_JWKS` variable, which replaces the fetch
//! and nothing else (the token must still be RS256-signed by a key in it, for the configured
//! issuer and audience, in its validity window). No wrangler file sets it
//! (tests/admin.test.mjs checks), so production always fetches the team's keys.

use chrono::{DateTime, Utc};
use rtopacks_edge::access_jwt::{self, AccessConfig, AccessError, AccessIdentity, Keys, HEADER};
use rtopacks_edge::bindings::catalogue_vars as vars;
use rtopacks_web::{Html, Page, Surface};
use worker::{console_error, Env, Request};

/// Local stacks only: a JWKS document used instead of fetching the team's.
pub const ACCESS_JWKS: &str = "ACCESS_JWKS";

/// The operator Access let through, and the token to forward to internal-api.
pub struct Operator {
    pub identity: AccessIdentity,
    pub jwt: String,
}

fn var(env: &Env, name: &str) -> String {
    env.var(name).map(|v| v.to_string()).unwrap_or_default()
}

/// The verified operator, or the page refusing the request.
pub async fn verify(
    env: &Env,
    req: &Request,
    path: &str,
    now: DateTime<Utc>,
) -> Result<Operator, Html> {
    let token = req.headers().get(HEADER).ok().flatten();
    let local_keys = var(env, ACCESS_JWKS);
    let checked = if local_keys.trim().is_empty() {
        access_jwt::verify_request(env, req, now).await
    } else {
        AccessConfig::new(
            &var(env, vars::ACCESS_TEAM_DOMAIN),
            &var(env, vars::ACCESS_AUD),
        )
        .and_then(|config| {
            let keys = Keys::from_jwks(&local_keys)?;
            access_jwt::verify(token.as_deref().unwrap_or(""), &keys, &config, now)
        })
    };
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
