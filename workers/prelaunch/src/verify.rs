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
    // The Confirm page is no-referrer, so its POST carries `Origin: null`: the shared rule
    // (rtopacks_web::csrf::same_origin) lets Sec-Fetch-Site: same-origin decide then.
    if let Err(e) = surface::check_post(&key, visit, None, origin, Some(&f.csrf), now) {
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
