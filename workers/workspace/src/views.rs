//! Markup the pages share: message pages (errors in plain words), the tier, and what a
//! visitor without an org or an RTO is told.

use maud::{html, Markup};
use rtopacks_domain::keys::Tier;
use rtopacks_web::{Html, Page, Surface};

/// A page that only says something, with `status`. No navigation: it may be shown to a
/// visitor who is not signed in.
pub fn message(path: &str, status: u16, title: &str, text: &str) -> Html {
    message_with(path, status, title, html! { p { (text) } })
}

pub fn message_with(path: &str, status: u16, title: &str, body: Markup) -> Html {
    let mut page = Page::new(Surface::Workspace, path, title, body);
    page.nav.clear();
    Html::error(status, page.render()).no_store()
}

pub fn not_found(path: &str) -> Html {
    message_with(
        path,
        404,
        "Page not found",
        html! {
            p { "There is no page at this address. Check it for typing mistakes." }
            p { a href="/" { "Go to your workspace overview" } }
        },
    )
}

pub fn method_not_allowed(path: &str, allow: &str) -> Html {
    message(
        path,
        405,
        "That request is not accepted here",
        "This address does not accept that kind of request. Go back and use the page's links and buttons.",
    )
    .with_header("Allow", allow)
}

pub fn server_error(path: &str) -> Html {
    message(
        path,
        500,
        "Something went wrong",
        "Something went wrong on our side and nothing was changed. Please try again in a moment.",
    )
}

/// A POST refused by the CSRF rule; `text` is the rule's own plain-words reason.
pub fn forbidden(path: &str, text: &str) -> Html {
    message_with(
        path,
        403,
        "This form could not be accepted",
        html! {
            p { (text) }
            p { "Nothing was changed." }
        },
    )
}

/// The tier as a short label and what it means for the visitor.
pub fn tier(tier: Tier) -> (&'static str, &'static str) {
    match tier {
        Tier::L4 => (
            "L4",
            "Your organisation is an RTOpacks client: you see everything, including contacts who are named people.",
        ),
        Tier::SignedIn => (
            "Signed in",
            "You see RTOs' organisation contacts (enquiry and registration inboxes). Named contacts are shown to RTOpacks clients.",
        ),
        Tier::Anonymous => ("Public", "You see the public register only."),
    }
}

pub fn tier_badge(t: Tier) -> Markup {
    let (label, _) = tier(t);
    html! { span.badge.badge-other #tier { (label) } }
}

/// What a user whose account has no org is told: claim the RTO on the public site.
pub fn no_org(site_url: &str) -> Markup {
    html! {
        h2 { "Link your account to your RTO" }
        p {
            "Your account is not linked to an organisation yet, so there is no RTO, scope, "
            "people or documents to show."
        }
        p {
            "To link it, find your RTO on the RTOpacks website and choose "
            strong { "Claim this RTO" } ". Use your work email address: we check that its "
            "domain matches your RTO's details on training.gov.au, then email you a link."
        }
        p { a href={ (site_url) "/search" } { "Find your RTO on rtopacks.com.au" } }
    }
}

/// What a user whose org has no RTO code is told.
pub fn no_rto() -> Markup {
    html! {
        p {
            "Your organisation is not linked to an RTO code, so there is no RTO profile or "
            "scope to show. If this is wrong, email " a href="mailto:support@rtopacks.com.au" { "support@rtopacks.com.au" } "."
        }
    }
}
