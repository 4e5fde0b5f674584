//! Pieces every console page shares: replies (pages, errors, redirects), links built from
//! data, times, numbers, pagers with their own parameter, and the one-word notices a
//! redirect carries.

use maud::{html, Markup};
use rtopacks_web::form::Query;
use rtopacks_web::text;
use rtopacks_web::{Html, Notice, Page};

use crate::ctx::Ctx;

/// A page as a 200 (`no-store`: it names the operator).
pub fn ok(page: Page) -> Html {
    page.into_html()
}

/// A page with another status (a form shown again with its errors: 400).
pub fn status(page: Page, status: u16) -> Html {
    let html = page.into_html();
    if (400..=599).contains(&status) {
        html.with_status(status)
    } else {
        html
    }
}

/// A page that only says something, with an error status.
pub fn message(cx: &Ctx<'_>, code: u16, title: &str, text: &str) -> Html {
    let page = cx.page(title, html! { p { (text) } });
    Html::error(code, page.render()).no_store()
}

pub fn not_found(cx: &Ctx<'_>, text: &str) -> Html {
    message(cx, 404, "Page not found", text)
}

pub fn method_not_allowed(cx: &Ctx<'_>, allow: &str) -> Html {
    let text = format!("This address does not accept that kind of request (it accepts {allow}).");
    message(cx, 405, "Not allowed here", &text).with_header("Allow", allow)
}

pub fn server_error(cx: &Ctx<'_>) -> Html {
    message(
        cx,
        500,
        "Something went wrong",
        "The console could not finish this request. Nothing you typed was lost: go back and \
         try again; if it keeps happening, the worker's logs (wrangler tail) say why.",
    )
}

/// 303 to a local path (after a successful POST).
pub fn see_other(path: &str) -> Html {
    Html::redirect_see_other(path)
}

/// The notice a redirect names with `?done=<code>`: only fixed texts, never text from the
/// address, so a crafted link cannot make the console say something it did not.
pub fn done_notice(cx: &Ctx<'_>, texts: &[(&str, &str)]) -> Option<Notice> {
    let done = cx.visit.query.get("done")?;
    texts
        .iter()
        .find(|(code, _)| *code == done)
        .map(|(_, text)| Notice::success(*text))
}

/// A path segment from data (a run id, a user id): unreserved characters kept, the rest
/// percent-encoded, so the link always lands on the page for that exact value.
pub fn seg(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':' | b'@') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn run_href(run_id: &str) -> String {
    format!("/runs/{}", seg(run_id))
}

pub fn run_link(run_id: &str) -> Markup {
    html! { a href=(run_href(run_id)) { (run_id) } }
}

pub fn user_link(user_id: &str, label: &str) -> Markup {
    html! { a href={ "/users/" (seg(user_id)) } { (label) } }
}

pub fn session_link(session_id: &str) -> Markup {
    html! { a href={ "/sessions/" (seg(session_id)) } { (session_id) } }
}

pub fn rto_link(code: &str, label: &str) -> Markup {
    html! { a href={ "/organisations/" (seg(code)) } { (label) } }
}

/// `24 Nov 2026 10:00 UTC`, with the stored value as the machine-readable time.
pub fn time(iso: &str) -> Markup {
    html! { time datetime=(iso) { (text::timestamp(iso)) } }
}

pub fn opt_time(iso: Option<&str>) -> Markup {
    match iso {
        Some(t) if !t.is_empty() => time(t),
        _ => dash(),
    }
}

pub fn dash() -> Markup {
    html! { span aria-label="none" { "—" } }
}

pub fn opt_text(v: Option<&str>) -> Markup {
    match v {
        Some(t) if !t.trim().is_empty() => html! { (t) },
        _ => dash(),
    }
}

pub fn number(n: Option<i64>) -> Markup {
    match n {
        Some(n) if n >= 0 => html! { (text::count(n as u64)) },
        Some(n) => html! { (n) },
        None => dash(),
    }
}

/// `4 min 05 s`, `2 h 03 min`, `12 s`.
pub fn duration(secs: Option<i64>) -> Markup {
    let Some(s) = secs.filter(|s| *s >= 0) else {
        return dash();
    };
    let text = match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
    };
    html! { (text) }
}

/// The first `max` characters of a long text, with an ellipsis when cut.
pub fn excerpt(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut cut: String = s.chars().take(max).collect();
        cut.push('…');
        cut
    }
}

/// Seek paging for one of several feeds on a page: "Next" replaces `key` with the next
/// cursor (every other parameter kept), "First" drops it.
pub fn pager(path: &str, query: &Query, key: &str, next: Option<&str>, label: &str) -> Markup {
    let first = query.get(key).map(|_| query.without(key).href(path));
    let next = next
        .filter(|c| !c.is_empty())
        .map(|c| query.with(key, c).href(path));
    if first.is_none() && next.is_none() {
        return html! {};
    }
    html! {
        nav.pager aria-label={ "Pages of " (label) } {
            @if let Some(href) = first {
                a href=(href) { "First page of " (label) }
            }
            @if let Some(href) = next {
                a href=(href) rel="next" { "Next page of " (label) }
            }
        }
    }
}
