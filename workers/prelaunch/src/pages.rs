//! The prelaunch pages. Everything a visitor typed is interpolated through maud, which
//! escapes it; nothing here uses `PreEscaped`.

use maud::{html, Markup};
use rtopacks_domain::signin::LINK_TTL;
use rtopacks_store::prelaunch::LinkState;
use rtopacks_web::components::{post_form, submit, Field, FormErrors};
use rtopacks_web::csrf::CsrfError;
use rtopacks_web::form::FormError;
use rtopacks_web::waitlist::MAX_TEXT;
use rtopacks_web::{Html, Notice, Page, Surface};

/// What the waitlist form shows again after a problem.
#[derive(Debug, Clone, Copy, Default)]
pub struct Values<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub organisation: &'a str,
    pub rto_code: &'a str,
}

fn page(path: &str, title: &str, body: Markup) -> Page {
    Page::new(Surface::Prelaunch, path, title, body)
}

fn back_to_start() -> Markup {
    html! { p { a href="/" { "Join the waitlist" } } }
}

/// `/`: what RTOpacks is, and the waitlist form (posting to `/`).
pub fn landing(csrf: &str, v: &Values<'_>, errors: &FormErrors) -> Page {
    let body = html! {
        p {
            "RTOpacks is a workspace for registered training organisations, built on a current "
            "copy of the national register (training.gov.au) and CRICOS. It isn't open yet: "
            "join the waitlist and we'll email you when it is."
        }
        h2 { "What it does" }
        ul {
            li { strong { "Your scope in one place:" } " the qualifications, units, skill sets and CRICOS courses your RTO is registered to deliver." }
            li { strong { "Supersession impact:" } " when something on your scope is superseded, what replaces it and whether the replacement is equivalent." }
            li { strong { "Search the register:" } " qualifications, units and RTOs, with supersession shown where it applies." }
            li { strong { "Your team and documents:" } " the people at your RTO and your documents, beside your scope." }
        }
        h2 #join { "Join the waitlist" }
        (errors.summary())
        (post_form("/", csrf, html! {
            (Field::new("email", "Email address")
                .value(v.email)
                .hint("We'll send a link to confirm it.")
                .required()
                .autocomplete("email")
                .maxlength(254)
                .errors(errors)
                .email())
            (Field::new("name", "Your name (optional)")
                .value(v.name)
                .autocomplete("name")
                .maxlength(MAX_TEXT as u32)
                .errors(errors)
                .text())
            (Field::new("organisation", "Organisation (optional)")
                .value(v.organisation)
                .autocomplete("organization")
                .maxlength(MAX_TEXT as u32)
                .errors(errors)
                .text())
            (Field::new("rto_code", "RTO code (optional)")
                .value(v.rto_code)
                .hint("Your RTO's code on training.gov.au, like 45329.")
                .autocomplete("off")
                .errors(errors)
                .text())
            p { "We use these details only to contact you about RTOpacks." }
            (submit("Join the waitlist"))
        }))
    };
    page("/", "Join the waitlist", body).heading("RTOpacks for Australian RTOs")
}

/// The answer to every accepted sign-up, whatever the address's state (new, waiting for
/// confirmation, confirmed, or asking too often): it depends only on what was typed.
pub fn check_email(email: &str, name: Option<&str>) -> Html {
    let minutes = LINK_TTL.num_minutes();
    let body = html! {
        p {
            @if let Some(name) = name { "Thanks, " (name) ". " }
            "If " strong { (email) } " still needs confirming, we've sent it a link to confirm "
            "your place on the waitlist."
        }
        p {
            "The link works once, within " (minutes) " minutes. It opens a page with a Confirm "
            "button: your place is confirmed when you press it."
        }
        p {
            "Nothing arrived after a few minutes? Check your spam folder, or "
            a href="/" { "join again" } " for a new link."
        }
        p { "Already confirmed? You're on the list, and there's nothing more to do." }
    };
    page("/", "Check your email", body).into_html().no_store()
}

/// A link page's own headers: the token in its URL never leaves in a `Referer`, no cache
/// keeps it, and search engines are told to leave it alone.
fn link_page(html: Html) -> Html {
    html.no_referrer()
        .no_store()
        .with_header("X-Robots-Tag", "noindex")
}

/// `GET /verify?t=…` for a usable link: a button, because opening the link must not use
/// it (mail scanners open links).
pub fn confirm(token: &str, csrf: &str) -> Html {
    let body = html! {
        p { "Press the button to confirm your email address and your place on the RTOpacks waitlist." }
        (post_form("/verify", csrf, html! {
            input type="hidden" name="t" value=(token);
            (submit("Confirm my email"))
        }))
    };
    link_page(page("/verify", "Confirm your email", body).into_html())
}

/// `POST /verify` that worked.
pub fn verified(email: &str) -> Html {
    let body = html! {
        p {
            strong { (email) } " is on the RTOpacks waitlist. We'll email you when RTOpacks "
            "opens. There's nothing more to do."
        }
    };
    let page = page("/verify", "You're on the waitlist", body)
        .notice(Notice::success("Your email address is confirmed."));
    link_page(page.into_html())
}

/// A link that cannot be used, in plain words, with the way back.
pub fn link_problem(state: LinkState) -> Html {
    let minutes = LINK_TTL.num_minutes();
    let (status, title, body) = match state {
        LinkState::Used { verified } => (
            410,
            "This link has already been used",
            html! {
                p { "Each link works once." }
                @if verified {
                    p { "Your email address is confirmed: you're on the waitlist, and there's nothing more to do." }
                } @else {
                    p { "Join the waitlist again to get a new link." }
                }
            },
        ),
        LinkState::Expired { verified } => (
            410,
            "This link has expired",
            html! {
                p { "Links work for " (minutes) " minutes." }
                @if verified {
                    p { "Your email address was confirmed through another link: you're on the waitlist, and there's nothing more to do." }
                } @else {
                    p { "Join the waitlist again to get a new link." }
                }
            },
        ),
        // Usable is not a problem; it only lands here if a Confirm raced another.
        LinkState::Unknown | LinkState::Usable => (
            404,
            "This link doesn't work",
            html! {
                p {
                    "It may be incomplete: check that you opened the whole link from the email, "
                    "or join the waitlist again to get a new one."
                }
            },
        ),
    };
    let body = html! { (body) (back_to_start()) };
    link_page(Html::error(status, page("/verify", title, body).render()))
}

/// A POST refused by the CSRF rule: 403 and the reason in plain words.
pub fn refused(path: &str, e: &CsrfError) -> Html {
    let body = html! {
        p { (e.to_string()) }
        (back_to_start())
    };
    Html::error(403, page(path, "This form was not accepted", body).render()).no_store()
}

/// A form body that could not be read (too large, malformed).
pub fn unreadable(path: &str, e: &FormError) -> Html {
    let status = match e {
        FormError::TooLarge { .. } => 413,
        FormError::Malformed { .. } => 400,
    };
    let body = html! {
        p { (e.to_string()) }
        (back_to_start())
    };
    Html::error(
        status,
        page(path, "This form could not be read", body).render(),
    )
    .no_store()
}

pub fn not_found(path: &str) -> Html {
    let body = html! {
        p { "There's nothing at this address. RTOpacks isn't open yet." }
        (back_to_start())
    };
    Html::not_found(page(path, "Page not found", body).render())
}

/// 405 with the methods the path does answer.
pub fn method_not_allowed(path: &str, allow: &str) -> Html {
    let body = html! {
        p { "This page can't be used that way." }
        (back_to_start())
    };
    Html::error(405, page(path, "Not allowed", body).render()).with_header("Allow", allow)
}

pub fn server_error(path: &str) -> Html {
    let body = html! {
        p { "Something went wrong on our side. Please try again in a few minutes." }
    };
    Html::error(500, page(path, "Something went wrong", body).render()).no_store()
}

/// Site mode, when the site cannot be reached through its binding.
pub fn site_unavailable(path: &str) -> Html {
    let body = html! {
        p { "RTOpacks can't be reached right now. Please try again in a few minutes." }
    };
    Html::error(502, page(path, "RTOpacks is unavailable", body).render()).no_store()
}

/// `robots.txt`: the pages may be indexed, link pages not (their URLs hold tokens).
pub fn robots() -> Html {
    Html {
        status: 200,
        headers: vec![
            ("Content-Type".into(), "text/plain; charset=utf-8".into()),
            ("Cache-Control".into(), "public, max-age=3600".into()),
            ("X-Content-Type-Options".into(), "nosniff".into()),
        ],
        body: "User-agent: *\nAllow: /\nDisallow: /verify\n".into(),
    }
}

/// `www.` to the apex, path and query kept: one origin, so the CSRF cookie and the
/// origin check have one host. 301 for reads, 308 (method kept) for anything else.
pub fn to_apex(location: &str, read: bool) -> Html {
    Html::page(html! {})
        .with_status(if read { 301 } else { 308 })
        .with_header("Location", location)
}
