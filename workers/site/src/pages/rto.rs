//! `/rtos/{code}`: an RTO as the register shows it (names, status, registration,
//! addresses, web addresses, contacts as far as the visitor's tier allows), its scope
//! paged (`?cursor=`), and its CRICOS provider with a first page of courses; all of it
//! `/rtos/{code}/cricos-courses`.
//!
//! An RTO whose full detail has not been fetched yet (`enriched: false`) says so, and the
//! visit asks tga-ingest for it (`crate::ingest`: one message per code per window).

use maud::{html, Markup};
use rtopacks_catalogue::{
    Address, Contact, ContactKind, CricosProvider, Kind, RtoCode, RtoCricosCourses, RtoDetail,
    ScopeItem,
};
use rtopacks_web::components::{definition_list, empty_state, external_link, pager, table, Row};
use rtopacks_web::form::Query;
use rtopacks_web::{text, Html, Notice};

use crate::ctx::Ctx;
use crate::ingest;
use crate::pages::component::{link_for, stale_page_link};
use crate::view::{self, page};

/// Scope rows per page.
const SCOPE_PAGE: u32 = 25;
/// CRICOS courses on the RTO page; the rest are a link away.
const COURSES_ON_PAGE: u32 = 10;
const COURSES_PAGE: u32 = 50;

/// The RTO code, or the reply instead (canonical redirect, or 404).
pub fn canonical(raw: &str, path: &str, suffix: &str) -> Result<RtoCode, Html> {
    match RtoCode::parse(raw) {
        Ok(code) if code.as_str() == raw => Ok(code),
        Ok(code) => Err(view::moved(&format!("/rtos/{code}{suffix}"))),
        Err(_) => Err(not_found(raw, path)),
    }
}

pub fn not_found(code: &str, path: &str) -> Html {
    view::not_found(
        path,
        &format!(
            "There is no RTO with code {code} on the national register. RTO codes are 1 to 8 digits, like 45329."
        ),
    )
}

/// The RTO's name for headings: trading name, else legal name.
pub fn name(d: &RtoDetail) -> String {
    d.trading_name
        .clone()
        .or_else(|| d.legal_name.clone())
        .unwrap_or_else(|| format!("RTO {}", d.code))
}

/// `GET /rtos/{code}`.
pub async fn show(ctx: &Ctx<'_>, raw: &str) -> Html {
    let path = &ctx.visit.path;
    let code = match canonical(raw, path, "") {
        Ok(c) => c,
        Err(reply) => return reply,
    };
    let cursor = ctx.visit.query.get("cursor");
    let q = Query::from_pairs([("scope_per_page", SCOPE_PAGE.to_string())])
        .with("scope_cursor", cursor.unwrap_or_default());
    let d = match ctx
        .catalogue::<RtoDetail>(&format!("/catalogue/rtos/{code}?{}", q.encode()))
        .await
    {
        Ok(d) => d,
        Err(e) if e.status() == 400 && cursor.is_some() => return stale_page_link(path),
        Err(e) if matches!(e.status(), 400 | 404) => return not_found(code.as_str(), path),
        Err(e) => return view::catalogue_failed(path, &e),
    };
    if !d.enriched {
        ingest::request(ctx, &code).await;
    }
    let courses = match &d.cricos_provider {
        Some(_) => match ctx
            .catalogue::<RtoCricosCourses>(&format!(
                "/catalogue/rtos/{code}/cricos-courses?per_page={COURSES_ON_PAGE}"
            ))
            .await
        {
            Ok(c) => Some(c),
            Err(e) => {
                worker::console_error!("site: CRICOS courses of {code}: {e}");
                None
            }
        },
        None => None,
    };
    let mut p = page(
        path,
        &format!("{} {}", d.code, name(&d)),
        body(ctx, &d, courses.as_ref()),
    )
    .breadcrumbs(&[("/", "Home"), ("/search", "Search")]);
    if !d.enriched {
        p = p.notice(Notice::info(
            "We have this RTO's entry from the national register, but not yet its full detail \
             (contacts, addresses, web addresses and scope). We've asked training.gov.au for it: \
             check back in a few minutes.",
        ));
    }
    p.into_html()
}

fn facts(d: &RtoDetail) -> Markup {
    let mut items: Vec<(&str, Markup)> = vec![
        ("RTO code", html! { (d.code) }),
        (
            "Status",
            html! { (view::status(d.status)) @if let Some(s) = &d.register_status { " " (s) } },
        ),
    ];
    if let Some(n) = &d.legal_name {
        items.push(("Legal name", html! { (n) }));
    }
    let trading: Vec<&str> = d
        .trading_names
        .iter()
        .filter(|t| t.end_date.is_none())
        .map(|t| t.name.as_str())
        .collect();
    if !trading.is_empty() {
        items.push(("Trading names", html! { (trading.join("; ")) }));
    } else if let Some(t) = &d.trading_name {
        items.push(("Trading name", html! { (t) }));
    }
    if let Some(abn) = &d.abn {
        items.push(("ABN", html! { (abn) }));
    }
    if let Some(acn) = &d.acn {
        items.push(("ACN", html! { (acn) }));
    }
    if let Some(r) = &d.regulator {
        items.push(("Regulator", html! { (r) }));
    }
    if let Some(s) = view::state(d.head_office_state) {
        items.push(("Head office", html! { (s) }));
    }
    if let Some(r) = d.registrations.first() {
        items.push((
            "Registration",
            html! { (view::date(r.start_date.as_deref())) " to " (view::date(r.end_date.as_deref())) },
        ));
    }
    definition_list(&items)
}

fn address(a: &Address) -> String {
    [
        a.line1.as_deref(),
        a.line2.as_deref(),
        a.suburb.as_deref(),
        view::state(a.state).or(a.state_overseas.as_deref()),
        a.postcode.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.trim().is_empty())
    .collect::<Vec<_>>()
    .join(", ")
}

fn address_type(t: &str) -> &str {
    match t {
        "head_office" => "Head office",
        "postal" => "Postal",
        "delivery_location" => "Delivery location",
        other => other,
    }
}

fn contact(c: &Contact) -> Markup {
    let person = [
        c.title.as_deref(),
        c.first_name.as_deref(),
        c.last_name.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    html! {
        li {
            @if let Some(role) = &c.role_code { strong { (role) } ": " }
            @if !person.is_empty() { (person) ", " }
            @if let Some(j) = &c.job_title { (j) }
            @if let Some(e) = &c.email { " · " (e) }
            @if let Some(p) = &c.phone { " · " (p) }
            @if c.kind == Some(ContactKind::Person) { " (person)" }
        }
    }
}

fn scope_rows(items: &[ScopeItem]) -> Vec<Row> {
    items
        .iter()
        .map(|s| {
            let kind = s.component_type.and_then(Kind::of_component);
            Row::new(vec![
                link_for(kind, &s.code),
                html! { (s.title.as_deref().unwrap_or("Not in the register mirror")) },
                html! { (kind.map(view::kind_label).unwrap_or("")) },
                html! { @if let Some(st) = s.status { (view::status(st)) } },
                html! { (s.extent.description.as_deref().or(s.extent.code.as_deref()).unwrap_or("")) },
                html! { (view::date(s.end_date.as_deref())) },
            ])
        })
        .collect()
}

pub fn provider(p: &CricosProvider) -> Markup {
    definition_list(&[
        ("CRICOS provider code", html! { (p.provider_code) }),
        (
            "Name",
            html! { (p.trading_name.as_deref().or(p.institution_name.as_deref()).unwrap_or("")) },
        ),
        (
            "Type",
            html! { (p.institution_type.as_deref().unwrap_or("")) },
        ),
        (
            "Capacity",
            html! { @if let Some(c) = p.capacity { (text::count(c.max(0) as u64)) " students" } },
        ),
        (
            "Website",
            html! { @if let Some(w) = &p.website { (external_link(w, w)) } },
        ),
        (
            "Courses on CRICOS",
            html! { (text::count(p.courses.max(0) as u64)) @if p.deleted { " (no longer on the latest CRICOS register)" } },
        ),
    ])
}

fn body(ctx: &Ctx<'_>, d: &RtoDetail, courses: Option<&RtoCricosCourses>) -> Markup {
    let workspace = format!("{}/auth", ctx.workspace_url());
    let base = format!("/rtos/{}", d.code);
    html! {
        (facts(d))
        @if d.restricted {
            div.notice.notice-error role="note" {
                p { strong { "Restrictions on this RTO's registration" } }
                @if d.restrictions.is_empty() { p { "The register marks this RTO's registration as restricted." } }
                ul { @for r in &d.restrictions { li { (r.restriction.as_deref().or(r.code.as_deref()).unwrap_or("A restriction")) } } }
            }
        }
        p { "Work at this RTO? " a href={ (base) "/claim" } { "Claim this page" } " with your work email address." }
        @if d.registrations.len() > 1 {
            h2 { "Registration periods" }
            (table("Registration periods, newest first", &["From", "To", "Regulator"], &d.registrations.iter().map(|r| Row::new(vec![
                html! { (view::date(r.start_date.as_deref())) },
                html! { (view::date(r.end_date.as_deref())) },
                html! { (r.registration_manager_code.as_deref().or(r.exerciser.as_deref()).unwrap_or("")) },
            ])).collect::<Vec<_>>()))
        }
        h2 { "Addresses" }
        @if d.addresses.is_empty() { (empty_state("No addresses are listed yet.")) } @else {
            (table("Addresses", &["Type", "Address"], &d.addresses.iter().map(|a| Row::new(vec![
                html! { (address_type(&a.address_type)) },
                html! { (address(a)) },
            ])).collect::<Vec<_>>()))
        }
        h2 { "Web addresses" }
        @if d.web_addresses.is_empty() { (empty_state("No web addresses are listed yet.")) } @else {
            ul { @for w in &d.web_addresses { li { (external_link(&w.url, &w.url)) } } }
        }
        h2 { "Contacts" }
        @if !d.contacts.is_empty() { ul { @for c in &d.contacts { (contact(c)) } } }
        @if d.contacts_withheld > 0 {
            p {
                (text::plural(u64::from(d.contacts_withheld), "contact is", "contacts are")) " not shown. "
                (d.contacts_note.as_deref().unwrap_or(""))
                " " a href=(workspace) { "Sign in to your workspace" } " to see more."
            }
        } @else if d.contacts.is_empty() {
            (empty_state("No contacts are listed yet."))
        }
        h2 #scope { "Scope of registration" }
        @if d.scope.total == 0 { (empty_state("Nothing is on this RTO's current scope.")) } @else {
            p { (text::plural(d.scope.total, "item is", "items are")) " on the current scope." }
            (table("Scope of registration", &["Code", "Title", "Type", "Status", "Extent", "Until"], &scope_rows(&d.scope.items)))
            (pager(&base, &ctx.visit.query, d.scope.next_cursor.as_deref()))
        }
        @if let Some(p) = &d.cricos_provider {
            h2 #cricos { "CRICOS (international students)" }
            (provider(p))
            @if let Some(c) = courses {
                @if c.courses.page.items.is_empty() { (empty_state("No current courses on CRICOS.")) } @else {
                    (crate::pages::component::course_table("CRICOS courses", &c.courses.page.items))
                    @if c.courses.total > c.courses.page.items.len() as u64 {
                        p { a href={ (base) "/cricos-courses" } { "All " (text::plural(c.courses.total, "CRICOS course", "CRICOS courses")) } }
                    }
                }
            }
        }
        (view::freshness(&d.freshness))
    }
}

/// `GET /rtos/{code}/cricos-courses?cursor=`.
pub async fn cricos(ctx: &Ctx<'_>, raw: &str) -> Html {
    let path = &ctx.visit.path;
    let code = match canonical(raw, path, "/cricos-courses") {
        Ok(c) => c,
        Err(reply) => return reply,
    };
    let cursor = ctx.visit.query.get("cursor");
    let q = Query::from_pairs([("per_page", COURSES_PAGE.to_string())])
        .with("cursor", cursor.unwrap_or_default());
    let a = match ctx
        .catalogue::<RtoCricosCourses>(&format!(
            "/catalogue/rtos/{code}/cricos-courses?{}",
            q.encode()
        ))
        .await
    {
        Ok(a) => a,
        Err(e) if e.status() == 400 && cursor.is_some() => return stale_page_link(path),
        Err(e) if matches!(e.status(), 400 | 404) => return not_found(code.as_str(), path),
        Err(e) => return view::catalogue_failed(path, &e),
    };
    let home = format!("/rtos/{code}");
    let body = html! {
        @match &a.provider_code {
            None => p { "RTO " a href=(home) { (code) } " is not a CRICOS provider: it has no courses for international students." },
            Some(p) => p {
                "RTO " a href=(home) { (code) } " is CRICOS provider " (p)
                @if let Some(n) = &a.provider_name { " (" (n) ")" }
                ", with " (text::plural(a.courses.total, "course", "courses")) " on CRICOS."
            },
        }
        @if !a.courses.page.items.is_empty() {
            (crate::pages::component::course_table("CRICOS courses", &a.courses.page.items))
        }
        (pager(path, &ctx.visit.query, a.courses.page.next_cursor.as_deref()))
        (view::freshness(&a.freshness))
    };
    page(path, &format!("CRICOS courses of RTO {code}"), body)
        .breadcrumbs(&[("/", "Home"), (&home, &format!("RTO {code}"))])
        .into_html()
}
