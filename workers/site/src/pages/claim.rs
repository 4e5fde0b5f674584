//! Claiming an RTO's page: a person proves they work at the RTO by an address whose
//! domain training.gov.au lists for it (its contact addresses, persons included, or its
//! web addresses; public mailbox providers never count), then proves the mailbox by a
//! single-use link. On confirmation their user is linked to the RTO's org.
//!
//! | Route | What |
//! |---|---|
//! | `GET /rtos/{code}/claim` | the form, with the rule in plain words (`?sent=1`: "check your email") |
//! | `POST /rtos/{code}/claim` | the domain check (a mismatch says why); a match issues a claim link (purpose claim, 15 minutes, single use), rate-limited like sign-in links |
//! | `GET /claim/verify?t=` | the link's page (no referrer): what is being claimed, and a Confirm button; opening it uses nothing |
//! | `POST /claim/verify` | uses the link, checks the domain again, completes the claim (org, user, membership), mirrors the org into ops-db, allowlists the address for the workspace |
//!
//! The evidence comes from `RTOPACKS_DB` as domains only (`store::claim::evidence`); the
//! catalogue shows anonymous visitors no contacts, and this never shows them either.

use chrono::{DateTime, Utc};
use maud::{html, Markup};
use rtopacks_catalogue::{RtoCode, RtoDetail};
use rtopacks_domain::signin::{
    claim_check, hash_presented, random_id, Email, IdKind, LinkLimits, LinkPurpose, LinkToken,
    LINK_TTL,
};
use rtopacks_edge::bindings::{ENGINE_DB, OPS_DB, RTOPACKS_DB};
use rtopacks_edge::email;
use rtopacks_store::claim::{self as store, ClaimEvidence, ClaimLink};
use rtopacks_store::signin::{
    allow_claimed, complete_claim, mirror_org, request_link, ClaimAccess, ClaimRequest, NewLink,
};
use rtopacks_store::D1Db;
use rtopacks_web::components::{post_form, submit, Field, FormErrors};
use rtopacks_web::form::{self, DEFAULT_MAX_BYTES};
use rtopacks_web::{Html, Notice};
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::pages::rto::{self, canonical};
use crate::view::{self, page};
use crate::{ingest, mail};

pub const VERIFY: &str = "/claim/verify";

fn d1(ctx: &Ctx<'_>, binding: &str) -> Result<D1Db, String> {
    ctx.env
        .d1(binding)
        .map(D1Db)
        .map_err(|e| format!("{binding}: {e}"))
}

fn today(now: DateTime<Utc>) -> String {
    now.format("%Y-%m-%d").to_string()
}

fn rule() -> Markup {
    html! {
        p {
            "We'll email a link to the address you give. It must be at a domain that "
            "training.gov.au lists for this RTO: the domain of one of its contact email "
            "addresses, or of its website. An address at a subdomain counts too (like "
            "name@campus.example.edu.au for example.edu.au)."
        }
        p {
            "Addresses at public mailbox providers, like Gmail, Outlook or Hotmail, never "
            "count, because anyone can get one."
        }
    }
}

fn form_page(
    ctx: &Ctx<'_>,
    code: &RtoCode,
    name: &str,
    email: &str,
    errors: &FormErrors,
    enriched: bool,
) -> Result<Html, String> {
    let action = format!("/rtos/{code}/claim");
    let token = ctx.csrf_token(&action)?;
    let body = html! {
        (errors.summary())
        (rule())
        (post_form(&action, &token, html! {
            (Field::new("email", "Your work email address")
                .value(email)
                .hint("Where we send the link: at a domain training.gov.au lists for this RTO.")
                .required()
                .autocomplete("email")
                .maxlength(254)
                .errors(errors)
                .email())
            (submit("Email me a claim link"))
        }))
        p { a href={ "/rtos/" (code) } { "Back to the RTO's page" } }
    };
    let mut p = page(&action, &format!("Claim {code} {name}"), body)
        .heading(&format!("Claim RTO {code}: {name}"))
        .breadcrumbs(&[
            ("/", "Home"),
            (&format!("/rtos/{code}"), &format!("RTO {code}")),
        ]);
    if !enriched {
        p = p.notice(Notice::info(
            "We're still fetching this RTO's contact details from training.gov.au, and the \
             claim check needs them. Try again in a few minutes.",
        ));
    }
    let mut html = p.into_html().no_store();
    if !errors.is_empty() {
        html = html.with_status(400);
    }
    Ok(html)
}

/// `GET /rtos/{code}/claim`.
pub async fn show(ctx: &Ctx<'_>, raw: &str) -> Result<Html, String> {
    let path = &ctx.visit.path;
    let code = match canonical(raw, path, "/claim") {
        Ok(c) => c,
        Err(reply) => return Ok(reply),
    };
    let d = match ctx
        .catalogue::<RtoDetail>(&format!("/catalogue/rtos/{code}?scope_per_page=1"))
        .await
    {
        Ok(d) => d,
        Err(e) if matches!(e.status(), 400 | 404) => {
            return Ok(rto::not_found(code.as_str(), path))
        }
        Err(e) => return Ok(view::catalogue_failed(path, &e)),
    };
    let name = rto::name(&d);
    if ctx.visit.query.get("sent").is_some() {
        let minutes = LINK_TTL.num_minutes();
        let body = html! {
            p {
                "If your address can claim this RTO, a link is on its way to it. It works once, "
                "within " (minutes) " minutes."
            }
            p {
                "Nothing arrived? Check your spam folder, wait a few minutes, then "
                a href={ "/rtos/" (code) "/claim" } { "ask again" } "."
            }
            p { a href={ "/rtos/" (code) } { "Back to the RTO's page" } }
        };
        return Ok(page(path, "Check your email", body)
            .breadcrumbs(&[
                ("/", "Home"),
                (&format!("/rtos/{code}"), &format!("RTO {code}")),
            ])
            .into_html()
            .no_store());
    }
    if !d.enriched {
        ingest::request(ctx, &code).await;
    }
    form_page(ctx, &code, &name, "", &FormErrors::new(), d.enriched)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ClaimForm {
    email: String,
    csrf: String,
}

/// The claim proof over the register's domains, as a form error when it fails.
fn prove(email: &Email, ev: &ClaimEvidence) -> Result<(), String> {
    let contacts = ev.contact_addresses();
    let contacts: Vec<&str> = contacts.iter().map(String::as_str).collect();
    let hosts: Vec<&str> = ev.web_hosts.iter().map(String::as_str).collect();
    let m = claim_check(email, &contacts, &hosts);
    if m.is_proof() {
        Ok(())
    } else {
        Err(m.message())
    }
}

/// `POST /rtos/{code}/claim`.
pub async fn request(ctx: &Ctx<'_>, raw: &str, body: &[u8]) -> Result<Html, String> {
    let path = &ctx.visit.path;
    let code = match RtoCode::parse(raw) {
        Ok(c) if c.as_str() == raw => c,
        _ => return Ok(rto::not_found(raw, path)),
    };
    let f: ClaimForm = match form::decode(body, DEFAULT_MAX_BYTES) {
        Ok(f) => f,
        Err(e) => return Ok(view::unreadable(path, &e)),
    };
    if let Err(e) = ctx.check_post(&f.csrf) {
        return Ok(view::refused(path, &e));
    }
    let corpus = d1(ctx, RTOPACKS_DB)?;
    let ev = store::evidence(&corpus, &code, &today(ctx.now))
        .await
        .map_err(|e| e.to_string())?;
    if !ev.known {
        return Ok(rto::not_found(code.as_str(), path));
    }
    let name = ev.name.clone().unwrap_or_else(|| format!("RTO {code}"));
    let mut errors = FormErrors::new();
    let email = match Email::parse(&f.email) {
        Ok(e) => e,
        Err(e) => {
            errors.add("email", e.to_string());
            return form_page(ctx, &code, &name, &f.email, &errors, ev.enriched);
        }
    };
    if !ev.enriched {
        ingest::request(ctx, &code).await;
        errors.add(
            "email",
            "We don't have this RTO's contact details from training.gov.au yet, so we can't \
             check your address against them. We've asked for them: try again in a few minutes.",
        );
        return form_page(ctx, &code, &name, &f.email, &errors, false);
    }
    if let Err(why) = prove(&email, &ev) {
        errors.add("email", why);
        return form_page(ctx, &code, &name, email.as_str(), &errors, true);
    }
    let token = LinkToken::generate().map_err(|e| e.to_string())?;
    let purpose = LinkPurpose::Claim {
        rto_code: code.clone(),
    };
    let requester = ctx.requester_hash()?;
    let link = NewLink {
        email: &email,
        purpose: &purpose,
        ip_hash: &requester,
        token: &token,
    };
    let engine = d1(ctx, ENGINE_DB)?;
    let ops = d1(ctx, OPS_DB)?;
    let outcome = request_link(&engine, &ops, &link, &LinkLimits::default(), ctx.now)
        .await
        .map_err(|e| e.to_string())?;
    if outcome.issued {
        let message = mail::claim(
            &email::from_address(ctx.env),
            &email,
            &ctx.origin,
            &token,
            code.as_str(),
            &name,
        );
        ctx.mail(message);
    } else {
        worker::console_log!(
            "site: claim link for {code} not issued: {:?}",
            outcome.reason
        );
    }
    // The same answer whether a link went out or the limits held it back.
    Ok(Html::redirect_see_other(&format!(
        "/rtos/{code}/claim?sent=1"
    )))
}

fn link_problem(state: &ClaimLink) -> Html {
    let (status, title, text) = match state {
        ClaimLink::Used => (
            410,
            "This link has been used",
            "Each claim link works once. If you confirmed your claim, sign in to your workspace; \
             otherwise ask for a new link from the RTO's page.",
        ),
        ClaimLink::Expired => (
            410,
            "This link has expired",
            "Claim links work for 15 minutes. Ask for a new one from the RTO's page.",
        ),
        _ => (
            400,
            "This link isn't valid",
            "Check that you opened the whole link from the email, or ask for a new one from the \
             RTO's page.",
        ),
    };
    let body = html! {
        p { (text) }
        p { a href="/search" { "Find the RTO" } }
    };
    Html::error(status, page(VERIFY, title, body).render())
        .no_store()
        .no_referrer()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct VerifyForm {
    t: String,
    csrf: String,
}

/// `GET /claim/verify?t=`: reads the link, uses nothing.
pub async fn verify_page(ctx: &Ctx<'_>) -> Result<Html, String> {
    let t = ctx.visit.query.get("t").unwrap_or_default();
    let Some(hash) = hash_presented(t) else {
        return Ok(link_problem(&ClaimLink::Unknown));
    };
    let engine = d1(ctx, ENGINE_DB)?;
    let state = store::claim_link(&engine, &hash, ctx.now)
        .await
        .map_err(|e| e.to_string())?;
    let ClaimLink::Usable { email, rto_code } = &state else {
        return Ok(link_problem(&state));
    };
    let token = ctx.csrf_token(VERIFY)?;
    let body = html! {
        p {
            "You're claiming the page of RTO " strong { (rto_code) } " as " strong { (email.as_str()) }
            ". Confirm to link your RTOpacks account to this RTO; you can then sign in to your "
            "workspace with this address."
        }
        (post_form(VERIFY, &token, html! {
            input type="hidden" name="t" value=(t);
            (submit("Confirm my claim"))
        }))
    };
    Ok(page(VERIFY, "Confirm your claim", body)
        .into_html()
        .no_store()
        .no_referrer())
}

/// `POST /claim/verify`.
pub async fn confirm(ctx: &Ctx<'_>, body: &[u8]) -> Result<Html, String> {
    let f: VerifyForm = match form::decode(body, DEFAULT_MAX_BYTES) {
        Ok(f) => f,
        Err(e) => return Ok(view::unreadable(VERIFY, &e).no_referrer()),
    };
    if let Err(e) = ctx.check_post(&f.csrf) {
        return Ok(view::refused(VERIFY, &e).no_referrer());
    }
    let Some(hash) = hash_presented(&f.t) else {
        return Ok(link_problem(&ClaimLink::Unknown));
    };
    let engine = d1(ctx, ENGINE_DB)?;
    let Some((email, code)) = store::use_claim_link(&engine, &hash, ctx.now)
        .await
        .map_err(|e| e.to_string())?
    else {
        let state = store::claim_link(&engine, &hash, ctx.now)
            .await
            .map_err(|e| e.to_string())?;
        return Ok(link_problem(&state));
    };
    // The register may have changed in the minutes since the link was sent.
    let corpus = d1(ctx, RTOPACKS_DB)?;
    let ev = store::evidence(&corpus, &code, &today(ctx.now))
        .await
        .map_err(|e| e.to_string())?;
    if let Err(why) = prove(&email, &ev) {
        let body = html! {
            p { "training.gov.au no longer lists your address's domain for RTO " (code) ". " (why) }
            p { a href={ "/rtos/" (code) "/claim" } { "Start again" } }
        };
        return Ok(Html::error(
            403,
            page(VERIFY, "This claim can't be completed", body).render(),
        )
        .no_store()
        .no_referrer());
    }
    let name = ev.name.clone().unwrap_or_else(|| format!("RTO {code}"));
    let new_user_id = random_id(IdKind::User).map_err(|e| e.to_string())?;
    let new_org_id = random_id(IdKind::Org).map_err(|e| e.to_string())?;
    let request = ClaimRequest {
        email: &email,
        rto_code: &code,
        org_name: &name,
        new_user_id: &new_user_id,
        new_org_id: &new_org_id,
    };
    let Some(claimed) = complete_claim(&engine, &request, ctx.now)
        .await
        .map_err(|e| e.to_string())?
    else {
        let body = html! {
            p { "This address can't be used to claim an RTO. If you think that's wrong, contact us." }
        };
        return Ok(Html::error(
            403,
            page(VERIFY, "This claim can't be completed", body).render(),
        )
        .no_store()
        .no_referrer());
    };
    let ops = d1(ctx, OPS_DB)?;
    mirror_org(
        &ops,
        &claimed.org_id,
        &claimed.org_name,
        Some(&code),
        ctx.now,
    )
    .await
    .map_err(|e| e.to_string())?;
    let access = allow_claimed(&ops, &email, &code, ctx.now)
        .await
        .map_err(|e| e.to_string())?;
    let workspace = format!("{}/auth", ctx.workspace_url());
    let body = html! {
        p {
            "You've claimed the page of " strong { (claimed.org_name) } " (RTO " (code) ") as "
            strong { (email.as_str()) } "."
            @if claimed.role.as_str() == "owner" { " You're its first member, so you own its workspace." }
        }
        @match access {
            ClaimAccess::Blocked => p {
                "Your address's access to the workspace has been switched off by RTOpacks, so you "
                "can't sign in yet. Contact us if you think that's wrong."
            },
            _ => p {
                a.button href=(workspace) { "Sign in to your workspace" }
            },
        }
        p { a href={ "/rtos/" (code) } { "Back to the RTO's page" } }
    };
    Ok(page(VERIFY, "Claim confirmed", body)
        .notice(Notice::success("Your claim is confirmed."))
        .into_html()
        .no_store()
        .no_referrer())
}
