//! `/waitlist`: the workspace waitlist on the public site, into `rto-intake-db` with the
//! same store and the same token rules as prelaunch (`store::intake`): 32 random bytes,
//! SHA-256 at rest, 15 minutes, single use, rate-limited per address and per requester.
//!
//! | Route | What |
//! |---|---|
//! | `GET /waitlist` | the form (email; name, organisation, RTO code optional); `?sent=1`: "check your email" |
//! | `POST /waitlist` | join; a verification mail only when a token was stored; always the same answer |
//! | `GET /waitlist/verify?t=` | the link's page (no referrer): a Confirm button; opening it uses nothing |
//! | `POST /waitlist/verify` | uses the token once and confirms the address |

use maud::html;
use rtopacks_domain::signin::{hash_presented, LinkLimits, LinkToken, LINK_TTL};
use rtopacks_edge::bindings::INTAKE_DB;
use rtopacks_store::intake::{self, Signup};
use rtopacks_store::prelaunch::{link_state, LinkState};
use rtopacks_store::D1Db;
use rtopacks_web::components::{post_form, submit, Field, FormErrors};
use rtopacks_web::form::{self, DEFAULT_MAX_BYTES};
use rtopacks_web::waitlist::{self, JoinForm, MAX_TEXT};
use rtopacks_web::{Html, Notice};
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::mail;
use crate::view::{self, page};
use rtopacks_edge::email;

pub const PATH: &str = "/waitlist";
pub const VERIFY: &str = "/waitlist/verify";
/// `waitlist.source` of the site's sign-ups.
const SOURCE: &str = "site";

fn intake_db(ctx: &Ctx<'_>) -> Result<D1Db, String> {
    ctx.env
        .d1(INTAKE_DB)
        .map(D1Db)
        .map_err(|e| format!("{INTAKE_DB}: {e}"))
}

fn form_page(ctx: &Ctx<'_>, f: &JoinForm, errors: &FormErrors) -> Result<Html, String> {
    let token = ctx.csrf_token(PATH)?;
    let body = html! {
        p {
            "The RTOpacks workspace follows your RTO's scope, what supersession means for it, "
            "your people and your documents. Join the waitlist and we'll email you when it opens."
        }
        (errors.summary())
        (post_form(PATH, &token, html! {
            (Field::new("email", "Email address")
                .value(&f.email)
                .hint("We'll send a link to confirm it.")
                .required()
                .autocomplete("email")
                .maxlength(254)
                .errors(errors)
                .email())
            (Field::new("name", "Your name (optional)")
                .value(&f.name)
                .autocomplete("name")
                .maxlength(MAX_TEXT as u32)
                .errors(errors)
                .text())
            (Field::new("organisation", "Organisation (optional)")
                .value(&f.organisation)
                .autocomplete("organization")
                .maxlength(MAX_TEXT as u32)
                .errors(errors)
                .text())
            (Field::new("rto_code", "RTO code (optional)")
                .value(&f.rto_code)
                .hint("Your RTO's code on training.gov.au, like 45329.")
                .autocomplete("off")
                .maxlength(8)
                .errors(errors)
                .text())
            (submit("Join the waitlist"))
        }))
        p { "We use these details only to contact you about RTOpacks." }
    };
    let mut html = page(PATH, "Join the waitlist", body).into_html().no_store();
    if !errors.is_empty() {
        html = html.with_status(400);
    }
    Ok(html)
}

/// `GET /waitlist`.
pub fn show(ctx: &Ctx<'_>) -> Result<Html, String> {
    if ctx.visit.query.get("sent").is_some() {
        let minutes = LINK_TTL.num_minutes();
        let body = html! {
            p {
                "If your address still needs confirming, we've sent it a link. It works once, "
                "within " (minutes) " minutes, and opens a page with a Confirm button."
            }
            p {
                "Nothing arrived after a few minutes? Check your spam folder, or "
                a href=(PATH) { "join again" } " for a new link."
            }
            p { "Already confirmed? You're on the list, and there's nothing more to do." }
        };
        return Ok(page(PATH, "Check your email", body).into_html().no_store());
    }
    form_page(ctx, &JoinForm::default(), &FormErrors::new())
}

/// `POST /waitlist`.
pub async fn join(ctx: &Ctx<'_>, body: &[u8]) -> Result<Html, String> {
    let f: JoinForm = match form::decode(body, DEFAULT_MAX_BYTES) {
        Ok(f) => f,
        Err(e) => return Ok(view::unreadable(PATH, &e)),
    };
    if let Err(e) = ctx.check_post(&f.csrf) {
        return Ok(view::refused(PATH, &e));
    }
    let checked = match waitlist::check(&f) {
        Ok(c) => c,
        Err(errors) => return form_page(ctx, &f, &errors),
    };
    let email = checked.email;
    let rto_code = checked.rto_code.map(|c| c.to_string());
    let token = LinkToken::generate().map_err(|e| e.to_string())?;
    let requester = ctx.requester_hash()?;
    let signup = Signup {
        email: &email,
        name: checked.name.as_deref(),
        organisation: checked.organisation.as_deref(),
        rto_code: rto_code.as_deref(),
        source: Some(SOURCE),
        ip_hash: &requester,
    };
    let joined = intake::join_waitlist(
        &intake_db(ctx)?,
        &signup,
        &token,
        &LinkLimits::default(),
        ctx.now,
    )
    .await
    .map_err(|e| e.to_string())?;
    if joined.token_issued() {
        let message = mail::waitlist(&email::from_address(ctx.env), &email, &ctx.origin, &token);
        ctx.mail(message);
    }
    // New, pending, verified or rate-limited: the same answer.
    Ok(Html::redirect_see_other(&format!("{PATH}?sent=1")))
}

fn link_page(html: Html) -> Html {
    html.no_referrer().no_store()
}

fn link_problem(state: LinkState) -> Html {
    let (status, title, text) = match state {
        LinkState::Used { verified: true } | LinkState::Expired { verified: true } => (
            410,
            "This link has already done its job",
            "Your email address is confirmed: you're on the waitlist, and there's nothing more to do.",
        ),
        LinkState::Used { .. } => (
            410,
            "This link has already been used",
            "Each link works once. Join the waitlist again to get a new one.",
        ),
        LinkState::Expired { .. } => (
            410,
            "This link has expired",
            "Links work for 15 minutes. Join the waitlist again to get a new one.",
        ),
        LinkState::Unknown | LinkState::Usable => (
            404,
            "This link doesn't work",
            "It may be incomplete: check that you opened the whole link from the email, or join \
             the waitlist again to get a new one.",
        ),
    };
    let body = html! {
        p { (text) }
        p { a href=(PATH) { "Join the waitlist" } }
    };
    link_page(Html::error(status, page(VERIFY, title, body).render()))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ConfirmForm {
    t: String,
    csrf: String,
}

/// `GET /waitlist/verify?t=`.
pub async fn verify_page(ctx: &Ctx<'_>) -> Result<Html, String> {
    let t = ctx.visit.query.get("t").unwrap_or_default();
    let Some(hash) = hash_presented(t) else {
        return Ok(link_problem(LinkState::Unknown));
    };
    match link_state(&intake_db(ctx)?, &hash, ctx.now)
        .await
        .map_err(|e| e.to_string())?
    {
        LinkState::Usable => {
            let csrf = ctx.csrf_token(VERIFY)?;
            let body = html! {
                p { "Press the button to confirm your email address and your place on the RTOpacks waitlist." }
                (post_form(VERIFY, &csrf, html! {
                    input type="hidden" name="t" value=(t);
                    (submit("Confirm my email"))
                }))
            };
            Ok(link_page(
                page(VERIFY, "Confirm your email", body).into_html(),
            ))
        }
        other => Ok(link_problem(other)),
    }
}

/// `POST /waitlist/verify`.
pub async fn confirm(ctx: &Ctx<'_>, body: &[u8]) -> Result<Html, String> {
    let f: ConfirmForm = match form::decode(body, DEFAULT_MAX_BYTES) {
        Ok(f) => f,
        Err(e) => return Ok(link_page(view::unreadable(VERIFY, &e))),
    };
    if let Err(e) = ctx.check_post(&f.csrf) {
        return Ok(link_page(view::refused(VERIFY, &e)));
    }
    let Some(hash) = hash_presented(&f.t) else {
        return Ok(link_problem(LinkState::Unknown));
    };
    let intake = intake_db(ctx)?;
    match intake::verify(&intake, &hash, ctx.now)
        .await
        .map_err(|e| e.to_string())?
    {
        Some(email) => {
            let body = html! {
                p {
                    strong { (email.as_str()) } " is on the RTOpacks waitlist. We'll email you when "
                    "the workspace opens. There's nothing more to do."
                }
                p { a href="/search" { "Search the register" } " in the meantime." }
            };
            Ok(link_page(
                page(VERIFY, "You're on the waitlist", body)
                    .notice(Notice::success("Your email address is confirmed."))
                    .into_html(),
            ))
        }
        None => {
            let state = link_state(&intake, &hash, ctx.now)
                .await
                .map_err(|e| e.to_string())?;
            Ok(link_problem(state))
        }
    }
}
