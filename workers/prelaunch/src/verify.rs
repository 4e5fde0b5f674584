//! `/verify`: the page a verification link opens, and its Confirm POST.
//!
//! Opening the link never uses it (mail scanners and link previews open links): `GET`
//! only reads the token's state and shows a Confirm button; the `POST` that button sends
//! uses the token (one conditional UPDATE in `store::intake::verify`) and confirms the
//! address. Links are 15 minutes, single use, stored as SHA-256 only.

use chrono::{DateTime, Utc};
use rtopacks_domain::signin::hash_presented;
use rtopacks_edge::bindings::INTAKE_DB;
use rtopacks_edge::surface::{self, Visit};
use rtopacks_store::intake;
use rtopacks_store::prelaunch::{link_state, LinkState};
use rtopacks_store::D1Db;
use rtopacks_web::form::{self, DEFAULT_MAX_BYTES};
use rtopacks_web::Html;
use serde::Deserialize;
use worker::Env;

use crate::pages;

/// The Confirm form's action: tokens are bound to it.
pub const ACTION: &str = "/verify";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ConfirmForm {
    t: String,
    csrf: String,
}

fn intake_db(env: &Env) -> Result<D1Db, String> {
    Ok(D1Db(env.d1(INTAKE_DB).map_err(|e| e.to_string())?))
}

async fn state(env: &Env, hash: &str, now: DateTime<Utc>) -> Result<LinkState, String> {
    link_state(&intake_db(env)?, hash, now)
        .await
        .map_err(|e| e.to_string())
}

/// `GET /verify?t=…`.
pub async fn page(env: &Env, visit: &Visit, now: DateTime<Utc>) -> Result<Html, String> {
    let presented = visit.query.get("t").unwrap_or("").trim();
    // Anything that cannot be one of our tokens is refused without a query.
    let Some(hash) = hash_presented(presented) else {
        return Ok(pages::link_problem(LinkState::Unknown));
    };
    match state(env, &hash, now).await? {
        LinkState::Usable => {
            let key = surface::csrf_key_from(env)?;
            let binding = surface::csrf_binding(visit, None)?;
            let csrf = key.issue(&binding.binding, ACTION, now);
            let mut html = pages::confirm(presented, &csrf);
            if let Some(cookie) = binding.set_cookie {
                html = html.with_cookie(cookie);
            }
            Ok(html)
        }
        other => Ok(pages::link_problem(other)),
    }
}

/// The visit as the CSRF rule should see it. The Confirm form sits on a page served with
/// `Referrer-Policy: no-referrer`, and browsers then send `Origin: null` with its POST (the
/// Fetch standard serialises the origin as null under that policy; Chromium does). When
/// `Sec-Fetch-Site: same-origin` is present (set by the browser, never by a page's
/// script) it already proves where the POST came from, so that null says nothing and is
/// set aside. A null Origin without it is still refused, and the token is checked as ever.
fn without_policy_null_origin(visit: &Visit) -> Visit {
    let same_origin = visit
        .sec_fetch_site
        .as_deref()
        .is_some_and(|s| s.trim().eq_ignore_ascii_case("same-origin"));
    let null = visit
        .origin
        .as_deref()
        .is_some_and(|o| o.trim().eq_ignore_ascii_case("null"));
    let mut checked = visit.clone();
    if same_origin && null {
        checked.origin = None;
    }
    checked
}

/// `POST /verify`.
pub async fn confirm(
    body: &[u8],
    env: &Env,
    visit: &Visit,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<Html, String> {
    let f: ConfirmForm = match form::decode(body, DEFAULT_MAX_BYTES) {
        Ok(f) => f,
        Err(e) => return Ok(pages::unreadable(ACTION, &e)),
    };
    let key = surface::csrf_key_from(env)?;
    let checked = without_policy_null_origin(visit);
    if let Err(e) = surface::check_post(&key, &checked, None, origin, Some(&f.csrf), now) {
        return Ok(pages::refused(ACTION, &e));
    }
    let Some(hash) = hash_presented(&f.t) else {
        return Ok(pages::link_problem(LinkState::Unknown));
    };
    let db = intake_db(env)?;
    match intake::verify(&db, &hash, now)
        .await
        .map_err(|e| e.to_string())?
    {
        Some(email) => Ok(pages::verified(email.as_str())),
        // Say why in plain words: used, expired or unknown (one more read, only here).
        None => Ok(pages::link_problem(state(env, &hash, now).await?)),
    }
}
