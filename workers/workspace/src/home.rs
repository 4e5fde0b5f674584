//! `GET /`: who you are, your org, your tier, and the org's RTO as internal-api shows it
//! to your tier (named contacts for L4 only).

use maud::{html, Markup};
use rtopacks_catalogue::{Contact, RtoDetail};
use rtopacks_web::components::{definition_list, external_link, status_badge, table, Row};
use rtopacks_web::text;
use rtopacks_web::Notice;

use crate::app::{App, Reply, Signed};
use crate::views;

pub async fn page(app: &App<'_>, s: &Signed) -> worker::Result<Reply> {
    let live = &s.live;
    let (_, tier_text) = views::tier(s.tier);
    let org = match (&live.org_name, &live.rto_code) {
        (Some(name), Some(code)) => html! { (name) " (RTO " (code) ")" },
        (Some(name), None) => html! { (name) },
        _ => html! { "None yet" },
    };
    let mut account: Vec<(&str, Markup)> = vec![("Email address", html! { (live.email) })];
    if let Some(name) = live
        .display_name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
    {
        account.push(("Name", html! { (name) }));
    }
    account.push(("Organisation", org));
    account.push((
        "Access level",
        html! { (views::tier_badge(s.tier)) " " (tier_text) },
    ));

    let mut notice = None;
    let rto = match (live.org_id.as_deref(), live.rto_code.as_deref()) {
        (None, _) => views::no_org(&app.site_url()),
        (Some(_), None) => views::no_rto(),
        (Some(_), Some(code)) => {
            let path = format!("/catalogue/rtos/{code}?scope_per_page=1");
            match app.internal(s)?.get::<RtoDetail>(&path).await {
                Ok(detail) => profile(&detail),
                Err(e) => {
                    if let Some(expired) = app.internal_failure(&e) {
                        return Ok(Reply::Html(expired));
                    }
                    notice = Some(Notice::error(format!(
                        "Your RTO's details could not be shown. {}",
                        e.public_detail()
                    )));
                    html! {}
                }
            }
        }
    };

    let body = html! {
        h2 { "Your account" }
        (definition_list(&account))
        (rto)
    };
    let mut page = s.page("/", "Your workspace", body);
    if let Some(n) = notice {
        page = page.notice(n);
    }
    Ok(Reply::Html(page.into_html()))
}

fn name_of(d: &RtoDetail) -> &str {
    d.trading_name
        .as_deref()
        .or(d.legal_name.as_deref())
        .unwrap_or(&d.code)
}

fn profile(d: &RtoDetail) -> Markup {
    let text_or_dash =
        |v: Option<&str>| html! { (v.filter(|s| !s.trim().is_empty()).unwrap_or("—")) };
    let registered = d.registrations.first().map(|r| {
        let from = r.start_date.as_deref().map(text::date).unwrap_or_default();
        let to = r
            .end_date
            .as_deref()
            .map(text::date)
            .unwrap_or_else(|| "no end date".to_owned());
        format!("{from} to {to}")
    });
    let web = d
        .web_addresses
        .iter()
        .filter(|w| w.end_date.is_none())
        .collect::<Vec<_>>();
    let facts: Vec<(&str, Markup)> = vec![
        ("RTO code", html! { (d.code) }),
        ("Legal name", text_or_dash(d.legal_name.as_deref())),
        ("Trading name", text_or_dash(d.trading_name.as_deref())),
        ("Status", status_badge(d.status.as_str())),
        ("ABN", text_or_dash(d.abn.as_deref())),
        ("ACN", text_or_dash(d.acn.as_deref())),
        ("Regulator", text_or_dash(d.regulator.as_deref())),
        (
            "Head office",
            text_or_dash(d.head_office_state.map(|s| s.abbreviation())),
        ),
        ("Registration", text_or_dash(registered.as_deref())),
        (
            "Website",
            html! {
                @if web.is_empty() { "—" }
                @for (i, w) in web.iter().enumerate() {
                    @if i > 0 { ", " }
                    (external_link(&w.url, &w.url))
                }
            },
        ),
        (
            "CRICOS provider",
            text_or_dash(d.cricos_provider.as_ref().map(|c| c.provider_code.as_str())),
        ),
    ];
    let rows: Vec<Row> = d.contacts.iter().map(contact_row).collect();
    html! {
        h2 { "Your RTO: " (name_of(d)) }
        @if !d.enriched {
            p.hint { "Only the register's summary is held for this RTO so far; its full details arrive with the next enrichment." }
        }
        (definition_list(&facts))
        @if d.restricted {
            h3 { "Restrictions on registration" }
            ul {
                @for r in &d.restrictions {
                    li { (r.restriction.as_deref().or(r.code.as_deref()).unwrap_or("Restriction")) }
                }
            }
        }
        h3 { "Contacts" }
        @if rows.is_empty() {
            p.empty { "No contacts to show." }
        } @else {
            (table("Contacts on the national register", &["Contact", "Role", "Email", "Phone"], &rows))
        }
        @if let Some(note) = &d.contacts_note {
            p.hint { (note) }
        }
        h3 { "Scope" }
        p {
            (text::plural(d.scope.total, "item", "items")) " on your RTO's current scope. "
            a href="/scope" { "See your scope" } " or "
            a href="/impact" { "check the supersession impact" } "."
        }
    }
}

fn contact_row(c: &Contact) -> Row {
    let person: Vec<&str> = [
        c.title.as_deref(),
        c.first_name.as_deref(),
        c.last_name.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.trim().is_empty())
    .collect();
    let who = if person.is_empty() {
        c.group_name
            .clone()
            .or_else(|| c.organisation_name.clone())
            .unwrap_or_else(|| "—".to_owned())
    } else {
        person.join(" ")
    };
    let role = c
        .job_title
        .as_deref()
        .or(c.role_code.as_deref())
        .unwrap_or("—");
    Row::new(vec![
        html! { (who) },
        html! { (role) },
        html! {
            @match c.email.as_deref() {
                Some(e) if rtopacks_domain::email::is_address(e) => a href={ "mailto:" (e) } { (e) },
                Some(e) => (e),
                None => "—",
            }
        },
        html! { (c.phone.as_deref().or(c.mobile.as_deref()).unwrap_or("—")) },
    ])
}
