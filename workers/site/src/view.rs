//! What every page shares: the page shell, words for the catalogue's vocabulary, the
//! freshness line, and the pages that only say something (not found, method not allowed,
//! the catalogue not answering). Everything from the corpus or the visitor goes through
//! maud's escaping; nothing here uses `PreEscaped`.

use maud::{html, Markup};
use rtopacks_catalogue::{AqfLevel, Equivalence, Freshness, Kind, Source, State, Status};
use rtopacks_edge::internal::InternalError;
use rtopacks_web::components::status_badge;
use rtopacks_web::csrf::CsrfError;
use rtopacks_web::form::FormError;
use rtopacks_web::{text, Html, Page, Surface};

/// A site page at `path`.
pub fn page(path: &str, title: &str, body: Markup) -> Page {
    Page::new(Surface::Site, path, title, body)
}

pub fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Qualification => "Qualification",
        Kind::Unit => "Unit of competency",
        Kind::SkillSet => "Skill set",
        Kind::AccreditedCourse => "Accredited course",
        Kind::TrainingPackage => "Training package",
        Kind::Rto => "RTO",
    }
}

/// The badge of a status, in words (`not_current` reads "not current").
pub fn status(s: Status) -> Markup {
    status_badge(s.as_str())
}

/// How a replacement relates to what it replaced: "equivalent", "not equivalent", or
/// that training.gov.au does not say.
pub fn equivalence(is_equivalent: Option<bool>, mark: Option<Equivalence>) -> &'static str {
    match (mark, is_equivalent) {
        (Some(Equivalence::E), _) | (None, Some(true)) => "equivalent",
        (Some(Equivalence::N), _) | (None, Some(false)) => "not equivalent",
        (None, None) => "equivalence not published",
    }
}

pub fn aqf(level: Option<AqfLevel>) -> Option<&'static str> {
    level.map(AqfLevel::name)
}

pub fn state(s: Option<State>) -> Option<&'static str> {
    s.map(State::abbreviation)
}

/// "Synced from training.gov.au on 21 Nov 2026 16:00 UTC" (and CRICOS when used).
pub fn freshness(f: &Freshness) -> Markup {
    if f.sources.is_empty() {
        return html! {};
    }
    html! {
        p.freshness {
            @for (i, s) in f.sources.iter().enumerate() {
                @if i > 0 { "; " }
                (match s.source { Source::Tga => "Synced from training.gov.au ", Source::Cricos => "CRICOS synced " })
                (text::timestamp(&s.synced_at))
            }
            "."
        }
    }
}

/// Money from cents: `$10,400`, or `$10,400.50`.
pub fn dollars(cents: i64) -> String {
    let whole = text::count(cents.unsigned_abs() / 100);
    let part = cents.unsigned_abs() % 100;
    let sign = if cents < 0 { "-" } else { "" };
    if part == 0 {
        format!("{sign}${whole}")
    } else {
        format!("{sign}${whole}.{part:02}")
    }
}

/// A date for people, or a dash.
pub fn date(d: Option<&str>) -> String {
    d.map(text::date).unwrap_or_else(|| "—".to_owned())
}

// ---------------------------------------------------------------------------------------
// Pages that only say something

pub fn not_found(path: &str, text: &str) -> Html {
    let body = html! {
        p { (text) }
        p { a href="/search" { "Search qualifications, units and RTOs" } " or go to the " a href="/" { "home page" } "." }
    };
    Html::not_found(page(path, "Page not found", body).render())
}

pub fn no_such_page(path: &str) -> Html {
    not_found(
        path,
        "There is no page at this address. Check it for typing mistakes.",
    )
}

pub fn method_not_allowed(path: &str, allow: &str) -> Html {
    let body = html! {
        p { "This page can't be used that way. Open it from a link or a form on the site." }
    };
    Html::error(405, page(path, "Not allowed", body).render()).with_header("Allow", allow)
}

pub fn server_error(path: &str) -> Html {
    let body = html! {
        p { "Something went wrong on our side. Please try again in a moment." }
    };
    Html::error(500, page(path, "Something went wrong", body).render()).no_store()
}

/// The catalogue could not answer (internal-api down, SEC-02's refusal, a 5xx): never a
/// raw error, never SQL, never a 500 with nothing said.
pub fn catalogue_failed(path: &str, e: &InternalError) -> Html {
    let (status, title, text) = match e.status() {
        429 => (
            429,
            "Too many requests",
            "You've looked at a lot of pages very quickly. Please wait a minute and try again.",
        ),
        _ => (
            503,
            "Not available right now",
            "The catalogue isn't answering right now. Please try again in a moment.",
        ),
    };
    let mut reply =
        Html::error(status, page(path, title, html! { p { (text) } }).render()).no_store();
    if status == 429 {
        reply = reply.with_header("Retry-After", "60");
    }
    reply
}

/// A POST refused by the CSRF rule, in plain words.
pub fn refused(path: &str, e: &CsrfError) -> Html {
    let body = html! {
        p { (e.to_string()) }
        p { a href=(path) { "Open the form again" } }
    };
    Html::error(
        403,
        page(path, "This form can't be accepted", body).render(),
    )
    .no_store()
}

/// A form body that could not be read.
pub fn unreadable(path: &str, e: &FormError) -> Html {
    let status = match e {
        FormError::TooLarge { .. } => 413,
        FormError::Malformed { .. } => 400,
    };
    let body = html! {
        p { (e.to_string()) }
        p { a href=(path) { "Open the form again" } }
    };
    Html::error(status, page(path, "This form can't be read", body).render()).no_store()
}

pub fn robots() -> Html {
    Html {
        status: 200,
        headers: vec![
            ("Content-Type".into(), "text/plain; charset=utf-8".into()),
            ("X-Content-Type-Options".into(), "nosniff".into()),
            ("Cache-Control".into(), "public, max-age=86400".into()),
        ],
        // Link landing pages and forms hold nothing to index.
        body: "User-agent: *\nDisallow: /claim/\nDisallow: /waitlist/verify\nDisallow: /rtos/*/claim\n"
            .into(),
    }
}

/// A permanent redirect for GETs (a code in the wrong collection, a lower-case code).
pub fn moved(location: &str) -> Html {
    Html::redirect_see_other(location).with_status(301)
}
