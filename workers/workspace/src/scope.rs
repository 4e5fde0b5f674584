//! `GET /scope?type=&implicit=1&lapsed=1&cursor=`: the RTO's scope through internal-api
//! (`/catalogue/rtos/{code}`), a page of [`PER_PAGE`] at a time.

use maud::{html, Markup};
use rtopacks_catalogue::{RtoDetail, ScopeItem};
use rtopacks_domain::tga::ComponentType;
use rtopacks_web::components::{get_form, pager, status_badge, submit, table, Field, Row};
use rtopacks_web::form::{Query, CURSOR};
use rtopacks_web::{text, Notice};

use crate::app::{App, Reply, Signed};
use crate::views;

/// Scope rows per page.
pub const PER_PAGE: u32 = 50;

/// The type filter: our value, the catalogue's `scope_type`, the label.
const TYPES: [(&str, &str); 5] = [
    ("", "Any type"),
    ("qualification", "Qualifications"),
    ("unit", "Units"),
    ("skill_set", "Skill sets"),
    ("accredited_course", "Accredited courses"),
];

pub fn type_label(t: Option<ComponentType>) -> &'static str {
    match t {
        Some(ComponentType::Qualification) => "Qualification",
        Some(ComponentType::Unit) => "Unit",
        Some(ComponentType::SkillSet) => "Skill set",
        Some(ComponentType::AccreditedCourse) => "Accredited course",
        Some(ComponentType::TrainingPackage) => "Training package",
        Some(_) => "Other",
        None => "—",
    }
}

/// The page's own filters, read leniently: an unknown type is ignored (and said so).
struct Filters<'q> {
    kind: &'q str,
    implicit: bool,
    lapsed: bool,
    cursor: Option<&'q str>,
    unknown_type: bool,
}

impl<'q> Filters<'q> {
    fn read(q: &'q Query) -> Self {
        let raw = q.get("type").unwrap_or("");
        let known = TYPES.iter().any(|(v, _)| *v == raw);
        Filters {
            kind: if known { raw } else { "" },
            implicit: q.get("implicit").is_some(),
            lapsed: q.get("lapsed").is_some(),
            cursor: q.get(CURSOR),
            unknown_type: !known,
        }
    }

    fn catalogue_path(&self, code: &str) -> String {
        let mut pairs = vec![("scope_per_page", PER_PAGE.to_string())];
        if !self.kind.is_empty() {
            pairs.push(("scope_type", self.kind.to_owned()));
        }
        if self.implicit {
            pairs.push(("include_implicit", "true".to_owned()));
        }
        if self.lapsed {
            pairs.push(("include_lapsed", "true".to_owned()));
        }
        if let Some(c) = self.cursor {
            pairs.push(("scope_cursor", c.to_owned()));
        }
        Query::from_pairs(pairs).href(&format!("/catalogue/rtos/{code}"))
    }

    /// Our own query for links: only the filters in use.
    fn query(&self) -> Query {
        let mut pairs = Vec::new();
        if !self.kind.is_empty() {
            pairs.push(("type", self.kind));
        }
        if self.implicit {
            pairs.push(("implicit", "1"));
        }
        if self.lapsed {
            pairs.push(("lapsed", "1"));
        }
        if let Some(c) = self.cursor {
            pairs.push((CURSOR, c));
        }
        Query::from_pairs(pairs)
    }
}

pub async fn page(app: &App<'_>, s: &Signed) -> worker::Result<Reply> {
    let Some(code) = s.live.rto_code.as_deref().filter(|_| s.org_id().is_some()) else {
        let body = match s.org_id() {
            None => views::no_org(&app.site_url()),
            Some(_) => views::no_rto(),
        };
        return Ok(Reply::Html(s.page("/scope", "Scope", body).into_html()));
    };
    let f = Filters::read(&app.visit.query);
    let filters = filter_form(&f);
    let (body, notice, status) = match app
        .internal(s)?
        .get::<RtoDetail>(&f.catalogue_path(code))
        .await
    {
        Ok(d) => (listing(&d, &f), None, 200),
        Err(e) => {
            if let Some(expired) = app.internal_failure(&e) {
                return Ok(Reply::Html(expired));
            }
            let status = if e.status() < 500 { 400 } else { 502 };
            let body = html! { p { a href="/scope" { "Start again from the first page" } } };
            (body, Some(Notice::error(e.public_detail())), status)
        }
    };
    let notice = notice.or_else(|| {
        f.unknown_type.then(|| {
            Notice::info("That type is not one this page filters by, so every type is shown.")
        })
    });
    let mut page = s.page("/scope", "Scope", html! { (filters) (body) });
    if let Some(n) = notice {
        page = page.notice(n);
    }
    Ok(Reply::Html(page.into_html().with_status(status)))
}

fn filter_form(f: &Filters<'_>) -> Markup {
    get_form(
        "/scope",
        html! {
            div.filters {
                (Field::new("type", "Type").value(f.kind).select(&TYPES))
                (Field::new("implicit", "Include units implied by qualifications").checkbox(f.implicit))
                (Field::new("lapsed", "Include scope that has ended").checkbox(f.lapsed))
                (submit("Show"))
            }
        },
    )
}

fn listing(d: &RtoDetail, f: &Filters<'_>) -> Markup {
    let rows: Vec<Row> = d.scope.items.iter().map(row).collect();
    html! {
        p {
            (text::plural(d.scope.total, "item", "items")) " on the scope of "
            (d.trading_name.as_deref().or(d.legal_name.as_deref()).unwrap_or(&d.code))
            " (RTO " (d.code) ")"
            @if !f.lapsed { ", current only" }
            @if !f.implicit { ", not counting units implied by qualifications" }
            "."
        }
        @if rows.is_empty() {
            p.empty { "Nothing on scope matches these filters." }
        } @else {
            (table("Scope", &["Code", "Title", "Type", "Status", "Extent", "Dates", "Notes"], &rows))
        }
        (pager("/scope", &f.query(), d.scope.next_cursor.as_deref()))
    }
}

fn row(i: &ScopeItem) -> Row {
    let dates = match (i.start_date.as_deref(), i.end_date.as_deref()) {
        (Some(s), Some(e)) => format!("{} to {}", text::date(s), text::date(e)),
        (Some(s), None) => format!("From {}", text::date(s)),
        (None, Some(e)) => format!("Until {}", text::date(e)),
        (None, None) => "—".to_owned(),
    };
    let mut notes = Vec::new();
    if i.is_implicit {
        notes.push("Implied by a qualification");
    }
    if !i.is_current {
        notes.push("Ended");
    }
    if i.is_refused {
        notes.push("Refused");
    }
    Row::new(vec![
        html! { (i.code) },
        html! { (i.title.as_deref().unwrap_or("Not in the mirror yet")) },
        html! { (type_label(i.component_type)) },
        html! {
            @match i.status {
                Some(st) => (status_badge(st.as_str())),
                None => "—",
            }
        },
        html! { (i.extent.description.as_deref().or(i.extent.code.as_deref()).unwrap_or("—")) },
        html! { (dates) },
        html! { (notes.join("; ")) },
    ])
    .dim(!i.is_current)
}
