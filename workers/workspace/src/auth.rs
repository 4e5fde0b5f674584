//! Magic-link sign-in (INTEGRATIONS.md, OWASP):
//!
//! * `POST /auth` asks `store::signin::request_link` (allowlist, per-address and per-IP
//!   limits, disabled users) and answers the same "check your email" page, status 200,
//!   whatever it decided. Timing: `request_link` makes its two reads every time; an issued
//!   link adds one INSERT, a refused one the same-shaped no-op UPDATE
//!   (`store::workspace::timing_pad`); the email (outbox row, Resend call) is sent after
//!   the answer (`ctx.wait_until`), so delivery time never shows in the response.
//! * `GET /auth/verify?t=` only looks at the link (mail scanners open links): a page
//!   with `Referrer-Policy: no-referrer` and a Sign in button. `POST /auth/verify` uses the
//!   link (one conditional UPDATE), signs in with a new session (the browser's previous
//!   session, if any, is revoked as `rotated`) and sets `__Host-rtp_session`.
//! * `POST /signout` revokes the session (`sign_out`) and clears the cookie.
//!
//! The sign-in forms are bound (CSRF) to the anonymous `__Host-rtp_csrf` cookie even when
//! a session cookie is present: they are the forms of a visitor who is signing in.

use maud::html;
use rtopacks_domain::email::EmailMessage;
use rtopacks_domain::signin::{
    hash_presented, random_id, Email, IdKind, LinkLimits, LinkPurpose, LinkToken, SessionToken,
    LINK_TTL,
};
use rtopacks_domain::time::iso;
use rtopacks_edge::email;
use rtopacks_store::signin::{self, NewLink, NewSession};
use rtopacks_store::{identity, workspace};
use rtopacks_web::components::{post_form, submit, Field, FormErrors};
use rtopacks_web::cookie::{host_cookie, SESSION_COOKIE};
use rtopacks_web::form::Query;
use rtopacks_web::redirect::{local_path, safe_next};
use rtopacks_web::{Html, Markup, Notice, Page, Surface};
use serde::Deserialize;
use worker::{console_error, Request};

use crate::app::{clear_session, store_err, App, Reply};
use crate::views;

/// Longest User-Agent kept with a session.
const MAX_USER_AGENT: usize = 256;

#[derive(Debug, Default, Deserialize)]
struct LinkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    next: String,
}

#[derive(Debug, Default, Deserialize)]
struct VerifyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    t: String,
    #[serde(default)]
    next: String,
}

#[derive(Debug, Default, Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `next` when it is a local path other than `/` (the default needs no parameter).
fn next_of(raw: Option<&str>) -> Option<String> {
    raw.and_then(local_path).filter(|p| p != "/")
}

/// `/auth`, carrying `next` when there is one.
fn auth_href(next: Option<&str>) -> String {
    Query::from_pairs(next.map(|n| ("next", n))).href("/auth")
}

/// A page of the signed-out part: no navigation (it would only lead back here).
fn auth_page(path: &str, title: &str, body: Markup) -> Page {
    let mut page = Page::new(Surface::Workspace, path, title, body);
    page.nav.clear();
    page
}

fn with_cookie(reply: Html, set_cookie: Option<String>) -> Html {
    match set_cookie {
        Some(c) => reply.with_cookie(c),
        None => reply,
    }
}

/// `GET /auth`: the form. A visitor who is signed in goes on to `next`.
pub async fn form(app: &App<'_>) -> worker::Result<Reply> {
    let next = next_of(app.visit.query.get("next"));
    if app.live_session().await?.is_some() {
        return Ok(Reply::Html(
            Html::redirect_see_other(&safe_next(next.as_deref())).no_store(),
        ));
    }
    let notice = if app.visit.query.get("expired").is_some() {
        Some(Notice::info("Your session has expired. Sign in again."))
    } else if app.visit.query.get("signed_out").is_some() {
        Some(Notice::success("You have signed out."))
    } else {
        None
    };
    let reply = link_form(app, next.as_deref(), "", &FormErrors::new(), notice)?;
    // A cookie that no longer opens a session is of no use to anyone.
    Ok(Reply::Html(if app.visit.session_token.is_some() {
        clear_session(reply)
    } else {
        reply
    }))
}

fn link_form(
    app: &App<'_>,
    next: Option<&str>,
    email: &str,
    errors: &FormErrors,
    notice: Option<Notice>,
) -> worker::Result<Html> {
    let (token, set_cookie) = app.anonymous_csrf("/auth")?;
    let body = html! {
        p {
            "Enter your work email address. If it can sign in to RTOpacks Workspace, we will "
            "email it a link that signs you in. You do not need a password."
        }
        (errors.summary())
        (post_form("/auth", &token, html! {
            (Field::new("email", "Email address")
                .hint("For example, name@your-rto.edu.au")
                .value(email)
                .errors(errors)
                .required()
                .autocomplete("email")
                .maxlength(254)
                .email())
            @if let Some(next) = next {
                input type="hidden" name="next" value=(next);
            }
            (submit("Email me a sign-in link"))
        }))
        p.hint { "The link works once and expires after 15 minutes." }
    };
    let mut page = auth_page("/auth", "Sign in", body);
    if let Some(n) = notice {
        page = page.notice(n);
    }
    let status = if errors.is_empty() { 200 } else { 400 };
    Ok(with_cookie(
        page.into_html().with_status(status).no_store(),
        set_cookie,
    ))
}

/// `POST /auth`: issue and mail a link when the rules allow; the same page either way.
pub async fn request_link(app: &App<'_>, req: &mut Request) -> worker::Result<Reply> {
    let form: LinkForm = match app.read_form(req).await? {
        Ok(f) => f,
        Err(refused) => return Ok(Reply::Html(refused)),
    };
    if let Err(refused) = app.check_post(None, Some(&form.csrf))? {
        return Ok(Reply::Html(refused));
    }
    let next = next_of(Some(&form.next));
    let email = match Email::parse(&form.email) {
        Ok(e) => e,
        Err(e) => {
            let mut errors = FormErrors::new();
            errors.add("email", e.to_string());
            let typed: String = form.email.trim().chars().take(254).collect();
            return Ok(Reply::Html(link_form(
                app,
                next.as_deref(),
                &typed,
                &errors,
                None,
            )?));
        }
    };

    let engine = app.engine()?;
    let token = LinkToken::generate().map_err(|e| worker::Error::RustError(e.to_string()))?;
    let ip_hash = app.ip_hash()?;
    let outcome = signin::request_link(
        &engine,
        &app.ops()?,
        &NewLink {
            email: &email,
            purpose: &LinkPurpose::SignIn,
            ip_hash: &ip_hash,
            token: &token,
        },
        &LinkLimits::default(),
        app.now,
    )
    .await
    .map_err(store_err)?;
    if outcome.issued {
        send_link(app, &email, &token, next.as_deref());
    } else {
        workspace::timing_pad(&engine, token.hash())
            .await
            .map_err(store_err)?;
    }

    let body = html! {
        p {
            "If " strong { (email.as_str()) } " can sign in to RTOpacks Workspace, we have "
            "emailed it a sign-in link."
        }
        p { "Open the link on this device and press Sign in. It works once and expires after 15 minutes." }
        p {
            "No email after a few minutes? Check your junk or spam folder, or "
            a href=(auth_href(next.as_deref())) { "request another link" } "."
        }
    };
    Ok(Reply::Html(
        auth_page("/auth", "Check your email", body)
            .into_html()
            .no_store(),
    ))
}

/// Mail the link after the answer has gone (`wait_until`), so the page takes the same
/// time whether or not a link was issued. Failures are logged: the visitor can only be
/// told what every visitor is told.
fn send_link(app: &App<'_>, email: &Email, token: &LinkToken, next: Option<&str>) {
    if app.origin.is_empty() {
        // Links are built from ORIGIN only (never the Host header): without it no link can
        // be mailed, and every POST is refused by the origin check as well.
        console_error!("workspace: ORIGIN is not set; sign-in link not sent");
        return;
    }
    let mut pairs = vec![("t", token.value().to_owned())];
    if let Some(n) = next {
        pairs.push(("next", n.to_owned()));
    }
    let link = format!(
        "{}{}",
        app.origin,
        Query::from_pairs(pairs).href("/auth/verify")
    );
    let minutes = LINK_TTL.num_minutes();
    let msg = EmailMessage {
        idempotency_key: format!("workspace-sign-in:{}", token.hash()),
        from: email::from_address(app.env),
        to: vec![email.as_str().to_owned()],
        subject: "Your RTOpacks Workspace sign-in link".to_owned(),
        text: format!(
            "Hello,\n\nUse this link to sign in to RTOpacks Workspace:\n\n{link}\n\n\
             It opens a page with a Sign in button. The link works once and expires in \
             {minutes} minutes.\n\nIf you did not ask to sign in, ignore this email: nobody \
             can sign in without the link.\n\nRTOpacks\n"
        ),
        html: None,
        reply_to: None,
        tags: vec![("category".to_owned(), "workspace_sign_in".to_owned())],
        secret_body: true,
    };
    email::deliver_later(app.ctx, app.env, msg, app.now, "workspace: sign-in");
}

/// The page for a link that cannot be used (unknown, used, expired): plain words and a
/// way to get a new one.
fn link_expired(path: &str, next: Option<&str>) -> Html {
    views::message_with(
        path,
        400,
        "That sign-in link has expired",
        html! {
            p {
                "Sign-in links work once, for 15 minutes. This one has expired or has "
                "already been used."
            }
            p { a href=(auth_href(next)) { "Request a new sign-in link" } }
        },
    )
}

/// `GET /auth/verify?t=`: look at the link (never use it) and offer the Sign in button.
pub async fn landing(app: &App<'_>) -> worker::Result<Reply> {
    let next = next_of(app.visit.query.get("next"));
    let token = app.visit.query.get("t").unwrap_or("");
    let usable = match hash_presented(token) {
        Some(hash) => workspace::sign_in_link_usable(&app.engine()?, &hash, app.now)
            .await
            .map_err(store_err)?,
        None => false,
    };
    if !usable {
        return Ok(Reply::Html(
            link_expired("/auth/verify", next.as_deref()).no_referrer(),
        ));
    }
    let (csrf, set_cookie) = app.anonymous_csrf("/auth/verify")?;
    let body = html! {
        p { "Press Sign in to finish signing in to RTOpacks Workspace." }
        (post_form("/auth/verify", &csrf, html! {
            input type="hidden" name="t" value=(token);
            @if let Some(next) = &next {
                input type="hidden" name="next" value=(next);
            }
            (submit("Sign in"))
        }))
        p.hint { "Didn't ask to sign in? Close this page: nothing happens without the button." }
    };
    let reply = auth_page("/auth/verify", "Sign in to RTOpacks Workspace", body)
        .into_html()
        .no_referrer()
        .no_store();
    Ok(Reply::Html(with_cookie(reply, set_cookie)))
}

/// `POST /auth/verify`: use the link and sign in with a new session.
pub async fn verify(app: &App<'_>, req: &mut Request) -> worker::Result<Reply> {
    let form: VerifyForm = match app.read_form(req).await? {
        Ok(f) => f,
        Err(refused) => return Ok(Reply::Html(refused)),
    };
    if let Err(refused) = app.check_post(None, Some(&form.csrf))? {
        return Ok(Reply::Html(refused));
    }
    let next = next_of(Some(&form.next));
    let expired = || Ok(Reply::Html(link_expired("/auth/verify", next.as_deref())));
    let Some(hash) = hash_presented(&form.t) else {
        return expired();
    };
    let engine = app.engine()?;
    let Some(email) = workspace::consume_sign_in_link(&engine, &hash, app.now)
        .await
        .map_err(store_err)?
    else {
        return expired();
    };

    // The browser's current session, if any, is replaced (rotation).
    let replaces = match app.visit.session_token.as_deref() {
        Some(old) => identity::find_session(&engine, old, &iso(app.now))
            .await
            .map_err(store_err)?
            .map(|s| s.session_id),
        None => None,
    };
    let entropy = |e: rtopacks_domain::keys::KeyError| worker::Error::RustError(e.to_string());
    let session_token = SessionToken::generate().map_err(entropy)?;
    let user_id = random_id(IdKind::User).map_err(entropy)?;
    let session_id = random_id(IdKind::Session).map_err(entropy)?;
    let ip_hash = app.ip_hash()?;
    let user_agent: Option<String> = app
        .visit
        .user_agent
        .as_deref()
        .map(|ua| ua.chars().take(MAX_USER_AGENT).collect());
    let signed = signin::sign_in(
        &engine,
        &NewSession {
            email: &email,
            new_user_id: &user_id,
            session_id: &session_id,
            token: &session_token,
            ip_hash: Some(&ip_hash),
            user_agent: user_agent.as_deref(),
            replaces: replaces.as_deref(),
        },
        &app.policy,
        app.now,
    )
    .await
    .map_err(store_err)?;
    if signed.is_none() {
        // A disabled user: told nothing different.
        return expired();
    }
    let max_age = app.policy.absolute.num_seconds().max(0) as u64;
    let cookie = host_cookie(SESSION_COOKIE, session_token.value(), max_age)
        .map_err(|e| worker::Error::RustError(e.to_string()))?;
    Ok(Reply::Html(
        Html::redirect_see_other(&safe_next(next.as_deref()))
            .with_cookie(cookie)
            .no_store(),
    ))
}

/// `POST /signout`: revoke the session and clear the cookie.
pub async fn sign_out(app: &App<'_>, req: &mut Request) -> worker::Result<Reply> {
    let done = || clear_session(Html::redirect_see_other("/auth?signed_out=1").no_store());
    let Some(live) = app.live_session().await? else {
        // Nothing to revoke: the session already ended.
        return Ok(Reply::Html(done()));
    };
    let form: CsrfOnly = match app.read_form(req).await? {
        Ok(f) => f,
        Err(refused) => return Ok(Reply::Html(refused)),
    };
    if let Err(refused) = app.check_post(Some(&live.session_id), Some(&form.csrf))? {
        return Ok(Reply::Html(refused));
    }
    signin::sign_out(&app.engine()?, &live.session_id, app.now)
        .await
        .map_err(store_err)?;
    Ok(Reply::Html(done()))
}
