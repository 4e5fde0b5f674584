//! `/`: the landing page with the waitlist form, and its POST.
//!
//! A sign-up that passes the form's checks always gets the same "check your email" page
//! (same status, same body for the same input), whether the address is new, waiting for
//! confirmation, confirmed already, or rate-limited: the page never says which. A
//! verification mail goes out only when a new token was stored, and it is written after
//! the answer has left, so the answer takes the same time either way.
//!
//! Rate limits (`LinkLimits::default()`: 3 mails per address and 10 per requester in 15
//! minutes) are counted from the stored tokens. A limited sign-up is still recorded
//! (blank fields filled), just without a mail; the visitor sees the usual page, which
//! tells them to wait a few minutes when nothing arrives.

use chrono::{DateTime, Utc};
use rtopacks_domain::signin::{LinkLimits, LinkToken};
use rtopacks_edge::bindings::{INTAKE_DB, RTOPACKS_DB};
use rtopacks_edge::email;
use rtopacks_edge::surface::{self, Visit};
use rtopacks_store::intake::{self, JoinReason, Signup};
use rtopacks_store::prelaunch::{register_check, RegisterCheck};
use rtopacks_store::D1Db;
use rtopacks_web::components::FormErrors;
use rtopacks_web::form::{self, DEFAULT_MAX_BYTES};
use rtopacks_web::waitlist::{self, Checked, JoinForm};
use rtopacks_web::Html;
use worker::{console_error, console_log, Context, Env};

use crate::mail;
use crate::pages::{self, Values};

/// The form's action: tokens are bound to it.
pub const ACTION: &str = "/";

/// Where the sign-ups of this worker come from (`waitlist.source`).
const SOURCE: &str = "prelaunch";

/// The posted values, to fill the form again after an error.
fn values(f: &JoinForm) -> Values<'_> {
    Values {
        email: &f.email,
        name: &f.name,
        organisation: &f.organisation,
        rto_code: &f.rto_code,
    }
}

/// The form's checks (`rtopacks_web::waitlist`, shared with the site's `/waitlist`), and
/// the RTO code's presence on the register. A register that cannot be read refuses
/// nothing (logged).
async fn check(env: &Env, f: &JoinForm) -> Result<Checked, FormErrors> {
    let checked = waitlist::check(f)?;
    if let Some(code) = &checked.rto_code {
        match on_register(env, code.as_str()).await {
            Ok(RegisterCheck::Unknown) => {
                let mut errors = FormErrors::new();
                errors.add(
                    "rto_code",
                    format!(
                        "RTO {code} isn't on training.gov.au's register. Check the code, or leave it blank."
                    ),
                );
                return Err(errors);
            }
            Ok(RegisterCheck::Known | RegisterCheck::Unchecked) => {}
            Err(e) => console_error!("prelaunch: RTO code check skipped: {e}"),
        }
    }
    Ok(checked)
}

async fn on_register(env: &Env, code: &str) -> Result<RegisterCheck, String> {
    let corpus = D1Db(env.d1(RTOPACKS_DB).map_err(|e| e.to_string())?);
    register_check(&corpus, code)
        .await
        .map_err(|e| e.to_string())
}

/// The form page: a token for this visitor (a new `__Host-rtp_csrf` cookie when they had
/// none) and the values and errors to show.
pub fn form_page(
    env: &Env,
    visit: &Visit,
    values: &Values<'_>,
    errors: &FormErrors,
    now: DateTime<Utc>,
) -> Result<Html, String> {
    let key = surface::csrf_key_from(env)?;
    let binding = surface::csrf_binding(visit, None)?;
    let token = key.issue(&binding.binding, ACTION, now);
    let mut html = pages::landing(&token, values, errors).into_html();
    if !errors.is_empty() {
        html = html.with_status(400);
    }
    if let Some(cookie) = binding.set_cookie {
        html = html.with_cookie(cookie);
    }
    // The page carries a per-visitor token: no shared cache may keep it.
    Ok(html.no_store())
}

/// `POST /`.
pub async fn submit(
    body: &[u8],
    env: &Env,
    ctx: &Context,
    visit: &Visit,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<Html, String> {
    let f: JoinForm = match form::decode(body, DEFAULT_MAX_BYTES) {
        Ok(f) => f,
        Err(e) => return Ok(pages::unreadable(ACTION, &e)),
    };
    let key = surface::csrf_key_from(env)?;
    if let Err(e) = surface::check_post(&key, visit, None, origin, Some(&f.csrf), now) {
        return Ok(pages::refused(ACTION, &e));
    }
    let checked = match check(env, &f).await {
        Ok(c) => c,
        Err(errors) => return form_page(env, visit, &values(&f), &errors, now),
    };

    let rto_code = checked.rto_code.as_ref().map(|c| c.to_string());
    let token = LinkToken::generate().map_err(|e| e.to_string())?;
    let ip_hash = surface::requester_hash(env, visit)?;
    let signup = Signup {
        email: &checked.email,
        name: checked.name.as_deref(),
        organisation: checked.organisation.as_deref(),
        rto_code: rto_code.as_deref(),
        source: Some(SOURCE),
        ip_hash: &ip_hash,
    };
    let intake_db = D1Db(env.d1(INTAKE_DB).map_err(|e| e.to_string())?);
    let joined = intake::join_waitlist(&intake_db, &signup, &token, &LinkLimits::default(), now)
        .await
        .map_err(|e| e.to_string())?;
    match joined.reason {
        JoinReason::Issued => {
            let message =
                mail::verification(&email::from_address(env), &checked.email, origin, &token);
            email::deliver_later(ctx, env, message, now, "prelaunch: verification");
        }
        // Logged without the address: the reason is what an operator needs.
        JoinReason::RateLimited => console_log!("prelaunch: sign-up rate-limited, no mail"),
        JoinReason::AlreadyVerified => {}
    }
    Ok(pages::check_email(
        checked.email.as_str(),
        checked.name.as_deref(),
    ))
}
