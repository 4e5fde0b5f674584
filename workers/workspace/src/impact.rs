//! `GET /impact?cursor=`: supersession on the org's scope. Which superseded (or deleted)
//! components on the RTO's current explicit scope have a current replacement, whether it
//! is equivalent (E) or not (N), and whether the replacement is already on scope.
//!
//! One internal-api call per page (`/catalogue/rtos/{code}/impact`): the catalogue reads
//! the scope, the chains and the held replacements itself, so an L4 client browsing a big
//! scope is one reader to SEC-02, not a run of lookups in code order.

use maud::{html, Markup};
use rtopacks_catalogue::{AffectedItem, Equivalence, Replacement, RtoImpact, Status};
use rtopacks_web::components::{pager, table, Row};
use rtopacks_web::form::Query;
use rtopacks_web::{text, Notice};

use crate::app::{App, Reply, Signed};
use crate::scope::type_label;
use crate::views;

/// Affected items per page.
pub const PER_PAGE: u32 = 25;

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
    let cursor = app.visit.query.get("cursor");
    let mut pairs = vec![("per_page", PER_PAGE.to_string())];
    if let Some(c) = cursor {
        pairs.push(("cursor", c.to_owned()));
    }
    let path = Query::from_pairs(pairs).href(&format!("/catalogue/rtos/{code}/impact"));
    let impact = match api.get::<RtoImpact>(&path).await {
        Ok(i) => i,
        Err(e) => {
            if let Some(expired) = app.internal_failure(&e) {
                return Ok(Reply::Html(expired));
            }
            // A 4xx (a damaged cursor) is the visitor's to fix; anything else is ours.
            let status = if e.status() == 400 { 400 } else { 502 };
            let body = html! {
                p { a href="/impact" { "Start again from the first page" } }
            };
            let page = s
                .page("/impact", "Supersession impact", body)
                .notice(Notice::error(e.public_detail()));
            return Ok(Reply::Html(page.into_html().with_status(status)));
        }
    };

    let body = html! {
        p {
            "Components on your RTO's current scope (not counting units implied by a "
            "qualification) that are no longer current, what replaces each, and whether "
            "your scope already has the replacement. Synced from training.gov.au "
            (impact.freshness.synced_at.as_deref().map(text::timestamp).unwrap_or_default()) "."
        }
        p {
            strong { (text::plural(impact.total, "affected item", "affected items")) }
            " on your scope."
        }
        @if impact.page.items.is_empty() {
            p.empty { "Nothing on your current scope has been superseded." }
        } @else {
            (results(&impact.page.items))
            (pager("/impact", &app.visit.query, impact.page.next_cursor.as_deref()))
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

fn results(items: &[AffectedItem]) -> Markup {
    let mut rows = Vec::new();
    for item in items {
        let affected = html! {
            strong { (item.code) } " " (item.title.as_deref().unwrap_or(""))
            br; span.hint {
                (type_label(item.component_type))
                @if item.status == Status::Deleted { " · deleted" }
            }
        };
        if item.replacements.is_empty() {
            rows.push(Row::new(vec![
                affected,
                html! { "No current replacement" },
                html! { "—" },
                html! { "—" },
            ]));
            continue;
        }
        for (i, r) in item.replacements.iter().enumerate() {
            let first = if i == 0 {
                affected.clone()
            } else {
                html! { "" }
            };
            let held = item.replacements_on_scope.iter().any(|c| c == &r.code);
            rows.push(Row::new(vec![
                first,
                html! { strong { (r.code) } " " (r.title.as_deref().unwrap_or("")) },
                html! { (equivalence(r)) },
                html! { @if held { "Yes" } @else { strong { "No" } } },
            ]));
        }
    }
    table(
        "Superseded and deleted items on your scope",
        &[
            "Superseded on your scope",
            "Current replacement",
            "Equivalence",
            "Replacement on your scope",
        ],
        &rows,
    )
}
