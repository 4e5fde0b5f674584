//! `GET /impact?from=`: supersession on the org's scope. Which superseded components on
//! the RTO's current scope have a current replacement, whether it is equivalent (E) or
//! not (N), and whether the replacement is already on scope.
//!
//! Everything comes through internal-api, in bounded batches, so one page view stays a
//! handful of calls that SEC-02 scores like any reader's:
//! * the current, explicit scope (no implied units, nothing ended) is read
//!   [`SCOPE_BATCH`] rows a call, at most [`SCOPE_CALLS`] calls (so the first
//!   [`SCOPE_LIMIT`] rows); the page says when a larger scope was cut there;
//! * the superseded items found are checked with `/catalogue/verify?code&rto`,
//!   [`VERIFY_BATCH`] per view; `from` pages through the rest.

use maud::{html, Markup};
use rtopacks_catalogue::{Equivalence, Replacement, RtoDetail, ScopeItem, Status, Verification};
use rtopacks_web::components::{table, Row};
use rtopacks_web::form::Query;
use rtopacks_web::{text, Notice};

use crate::app::{App, Reply, Signed};
use crate::scope::type_label;
use crate::views;

/// Scope rows per internal-api call (the catalogue's page maximum).
pub const SCOPE_BATCH: u32 = 100;
/// Scope calls per view.
pub const SCOPE_CALLS: u32 = 10;
/// Scope rows read per view.
pub const SCOPE_LIMIT: u32 = SCOPE_BATCH * SCOPE_CALLS;
/// Superseded items verified per view.
pub const VERIFY_BATCH: usize = 10;

struct Checked {
    item: ScopeItem,
    verification: Result<Verification, String>,
}

pub async fn page(app: &App<'_>, s: &Signed) -> worker::Result<Reply> {
    let Some(code) = s.live.rto_code.clone() else {
        let body = match s.org_id() {
            None => views::no_org(&app.site_url()),
            Some(_) => views::no_rto(),
        };
        return Ok(Reply::Html(
            s.page("/impact", "Supersession impact", body).into_html(),
        ));
    };
    let api = app.internal(s)?;
    let fail = |e: rtopacks_edge::internal::InternalError| -> Reply {
        if let Some(expired) = app.internal_failure(&e) {
            return Reply::Html(expired);
        }
        let page = s
            .page("/impact", "Supersession impact", html! {})
            .notice(Notice::error(e.public_detail()));
        Reply::Html(page.into_html().with_status(502))
    };

    // 1. The scope, in batches.
    let mut superseded: Vec<ScopeItem> = Vec::new();
    let mut read: u64 = 0;
    let mut total: u64 = 0;
    let mut cursor: Option<String> = None;
    let mut cut = false;
    for call in 0..SCOPE_CALLS {
        let mut pairs = vec![("scope_per_page", SCOPE_BATCH.to_string())];
        if let Some(c) = &cursor {
            pairs.push(("scope_cursor", c.clone()));
        }
        let path = Query::from_pairs(pairs).href(&format!("/catalogue/rtos/{code}"));
        let detail = match api.get::<RtoDetail>(&path).await {
            Ok(d) => d,
            Err(e) => return Ok(fail(e)),
        };
        total = detail.scope.total;
        read += detail.scope.items.len() as u64;
        superseded.extend(
            detail
                .scope
                .items
                .into_iter()
                .filter(|i| i.status == Some(Status::Superseded)),
        );
        cursor = detail.scope.next_cursor;
        if cursor.is_none() {
            break;
        }
        cut = call + 1 == SCOPE_CALLS;
    }

    // 2. This view's batch of superseded items, each verified against the scope.
    let from = app
        .visit
        .query
        .get("from")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(superseded.len());
    let batch: Vec<ScopeItem> = superseded
        .iter()
        .skip(from)
        .take(VERIFY_BATCH)
        .cloned()
        .collect();
    let mut checked = Vec::with_capacity(batch.len());
    for item in batch {
        let path = Query::from_pairs([("code", item.code.as_str()), ("rto", code.as_str())])
            .href("/catalogue/verify");
        let verification = match api.get::<Verification>(&path).await {
            Ok(v) => Ok(v),
            Err(e) => {
                if let Some(expired) = app.internal_failure(&e) {
                    return Ok(Reply::Html(expired));
                }
                Err(e.public_detail())
            }
        };
        checked.push(Checked { item, verification });
    }

    let body = html! {
        p {
            "This page reads up to " (text::count(u64::from(SCOPE_LIMIT))) " items of your RTO's "
            "current scope (not counting units implied by qualifications) and checks "
            (VERIFY_BATCH) " superseded items at a time."
        }
        @if cut {
            div.notice role="status" {
                p {
                    "Your scope has " (text::count(total)) " items; only the first "
                    (text::count(read)) " were read, so superseded items after them are not listed here. "
                    "Each one can still be checked on its page on the RTOpacks website."
                }
            }
        }
        p {
            strong { (text::plural(superseded.len() as u64, "superseded item", "superseded items")) }
            " found in the " (text::plural(read, "scope item", "scope items")) " read."
        }
        @if superseded.is_empty() {
            p.empty { "Nothing on your current scope has been superseded." }
        } @else {
            (results(&checked, from, superseded.len()))
            (pager(from, superseded.len()))
        }
    };
    Ok(Reply::Html(
        s.page("/impact", "Supersession impact", body).into_html(),
    ))
}

fn equivalence(r: &Replacement) -> &'static str {
    match r.equivalence {
        Some(Equivalence::E) => "E: equivalent",
        Some(Equivalence::N) => "N: not equivalent",
        None => "Not published",
    }
}

fn results(checked: &[Checked], from: usize, of: usize) -> Markup {
    let mut rows = Vec::new();
    for c in checked {
        let superseded = html! {
            strong { (c.item.code) } " " (c.item.title.as_deref().unwrap_or(""))
            br; span.hint { (type_label(c.item.component_type)) }
        };
        match &c.verification {
            Err(detail) => rows.push(Row::new(vec![
                superseded,
                html! { "Could not be checked: " (detail) },
                html! { "—" },
                html! { "—" },
            ])),
            Ok(v) if v.replacements.is_empty() => rows.push(Row::new(vec![
                superseded,
                html! { "No current replacement" },
                html! { "—" },
                html! { "—" },
            ])),
            Ok(v) => {
                let on_scope = v
                    .scope
                    .as_ref()
                    .map(|s| s.replacements_on_scope.clone())
                    .unwrap_or_default();
                for (i, r) in v.replacements.iter().enumerate() {
                    let first = if i == 0 {
                        superseded.clone()
                    } else {
                        html! { "" }
                    };
                    let held = on_scope.iter().any(|c| c == &r.code);
                    rows.push(Row::new(vec![
                        first,
                        html! { strong { (r.code) } " " (r.title.as_deref().unwrap_or("")) },
                        html! { (equivalence(r)) },
                        html! { @if held { "Yes" } @else { strong { "No" } } },
                    ]));
                }
            }
        }
    }
    let caption = format!(
        "Superseded items {} to {} of {}",
        from + 1,
        from + checked.len(),
        of
    );
    table(
        &caption,
        &[
            "Superseded on your scope",
            "Current replacement",
            "Equivalence",
            "Replacement on your scope",
        ],
        &rows,
    )
}

fn pager(from: usize, of: usize) -> Markup {
    let prev = (from > 0).then(|| from.saturating_sub(VERIFY_BATCH));
    let next = (from + VERIFY_BATCH < of).then_some(from + VERIFY_BATCH);
    let href = |n: usize| {
        if n == 0 {
            "/impact".to_owned()
        } else {
            format!("/impact?from={n}")
        }
    };
    html! {
        @if prev.is_some() || next.is_some() {
            nav.pager aria-label="Pagination" {
                @if let Some(p) = prev {
                    a href=(href(p)) rel="prev" { "Previous " (VERIFY_BATCH) }
                }
                @if let Some(n) = next {
                    a href=(href(n)) rel="next" { "Next " (VERIFY_BATCH) }
                }
            }
        }
    }
}
