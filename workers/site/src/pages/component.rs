//! A page per training component: `/qualifications/{code}`, `/units/{code}`,
//! `/skill-sets/{code}`, `/accredited-courses/{code}`, `/training-packages/{code}`, with
//! the RTOs that have it on scope and its CRICOS courses paged under it.
//!
//! The page reads `/catalogue/components/{code}` (any kind), so a code asked for under
//! the wrong collection is redirected to its own page rather than refused, and a code
//! written in lower case to its canonical spelling. A code that is not a code, or that
//! the register does not hold, is a 404 page.

use maud::{html, Markup};
use rtopacks_catalogue::{
    ComponentDetail, CricosCourse, CricosCourses, GridUnit, Kind, Ladder, Link, NationalCode,
    OfferedBy, OfferingRto,
};
use rtopacks_edge::internal::InternalError;
use rtopacks_web::components::{definition_list, empty_state, pager, table, Row};
use rtopacks_web::form::Query;
use rtopacks_web::{text, Html};

use crate::ctx::Ctx;
use crate::routes::{kind_path, Collection};
use crate::view::{self, kind_label, page};

/// Rows per page of the RTO and CRICOS listings.
const LIST_PAGE: u32 = 50;

/// The code as the register writes it, or the reply to give instead (a redirect to the
/// canonical spelling, or a 404 for something that is not a code).
fn canonical(
    collection: Collection,
    raw: &str,
    path: &str,
    suffix: &str,
) -> Result<NationalCode, Html> {
    match NationalCode::parse(raw) {
        Ok(code) if code.as_str() == raw => Ok(code),
        Ok(code) => Err(view::moved(&format!(
            "{}{suffix}",
            collection.path(code.as_str())
        ))),
        Err(_) => Err(not_found(collection, raw, path)),
    }
}

fn not_found(collection: Collection, code: &str, path: &str) -> Html {
    view::not_found(
        path,
        &format!(
            "There is no {} with code {code} on the national register. Check the code, or search for it.",
            collection.noun()
        ),
    )
}

/// The catalogue's refusal of a code (unknown, or not a code) as our 404, anything else
/// as the catalogue-unavailable page.
fn failed(collection: Collection, code: &str, path: &str, e: &InternalError) -> Html {
    match e.status() {
        400 | 404 => not_found(collection, code, path),
        _ => view::catalogue_failed(path, e),
    }
}

/// `/components/{code}`: wherever the code's own page is.
pub async fn any(ctx: &Ctx<'_>, raw: &str) -> Html {
    let path = &ctx.visit.path;
    let Ok(code) = NationalCode::parse(raw) else {
        return view::not_found(
            path,
            &format!("There is no training component with code {raw}."),
        );
    };
    match ctx
        .catalogue::<ComponentDetail>(&format!("/catalogue/components/{code}"))
        .await
    {
        Ok(d) => match d.kind.and_then(Collection::of) {
            Some(c) => view::moved(&c.path(&d.code)),
            None => view::not_found(
                path,
                &format!(
                    "{code} is a component the site has no page for ({}).",
                    d.title
                ),
            ),
        },
        Err(e) if matches!(e.status(), 400 | 404) => view::not_found(
            path,
            &format!("There is no training component with code {code} on the national register."),
        ),
        Err(e) => view::catalogue_failed(path, &e),
    }
}

/// `/{collection}/{code}`.
pub async fn show(ctx: &Ctx<'_>, collection: Collection, raw: &str) -> Html {
    let path = &ctx.visit.path;
    let code = match canonical(collection, raw, path, "") {
        Ok(c) => c,
        Err(reply) => return reply,
    };
    let d = match ctx
        .catalogue::<ComponentDetail>(&format!("/catalogue/components/{code}"))
        .await
    {
        Ok(d) => d,
        Err(e) => return failed(collection, code.as_str(), path, &e),
    };
    if let Some(home) = d.kind.and_then(Collection::of) {
        if home != collection {
            return view::moved(&home.path(&d.code));
        }
    }
    let ladder = if d.kind == Some(Kind::TrainingPackage) {
        match ctx
            .catalogue::<Ladder>(&format!(
                "/catalogue/packages/{code}/ladder?include_superseded=true"
            ))
            .await
        {
            Ok(l) => Some(l),
            Err(e) => {
                worker::console_error!("site: ladder {code}: {e}");
                None
            }
        }
    } else {
        None
    };
    detail_page(collection, &d, ladder.as_ref()).into_html()
}

/// "Superseded by BSB50420 (equivalent)": the direct replacements, inline.
fn superseded_line(collection: Collection, d: &ComponentDetail) -> Markup {
    let direct: Vec<&Link> = d
        .supersession
        .superseded_by
        .iter()
        .filter(|l| l.from == d.code)
        .collect();
    let far: Vec<_> = d
        .replacements
        .iter()
        .filter(|r| !direct.iter().any(|l| l.to == r.code))
        .collect();
    html! {
        @for l in &direct {
            p.supersession {
                "Superseded by " a href=(collection.path(&l.to)) { (l.to) }
                " (" (view::equivalence(l.is_equivalent, l.equivalence)) ")"
                @if let Some(t) = &l.title { " — " (t) }
                @if let Some(date) = &l.mapping_date { ", " (text::date(date)) }
            }
        }
        @for r in &far {
            p.supersession {
                "Current replacement: " a href=(collection.path(&r.code)) { (r.code) }
                " (" (view::equivalence(r.is_equivalent, r.equivalence)) ", "
                (text::plural(r.hops.max(0) as u64, "step", "steps")) " on)"
                @if let Some(t) = &r.title { " — " (t) }
            }
        }
    }
}

fn supersedes_line(collection: Collection, d: &ComponentDetail) -> Markup {
    let direct: Vec<&Link> = d
        .supersession
        .supersedes
        .iter()
        .filter(|l| l.to == d.code)
        .collect();
    html! {
        @for l in direct {
            p {
                "Supersedes " a href=(collection.path(&l.from)) { (l.from) }
                " (" (view::equivalence(l.is_equivalent, l.equivalence)) ")"
                @if let Some(t) = &l.title { " — " (t) }
            }
        }
    }
}

fn grid_table(caption: &str, units: &[GridUnit]) -> Markup {
    let rows: Vec<Row> = units
        .iter()
        .map(|u| {
            Row::new(vec![
                html! { a href=(Collection::Units.path(&u.code)) { (u.code) } },
                html! { (u.title.as_deref().unwrap_or("Not in the register mirror")) },
                html! { @if let Some(s) = u.status { (view::status(s)) } },
            ])
        })
        .collect();
    table(caption, &["Code", "Title", "Status"], &rows)
}

fn offering_rows(items: &[OfferingRto]) -> Vec<Row> {
    items
        .iter()
        .map(|r| {
            Row::new(vec![
                html! { a href={ "/rtos/" (r.rto_code) } { (r.rto_code) } },
                html! { (r.name.as_deref().unwrap_or("")) },
                html! { (view::state(r.state).unwrap_or("")) },
                html! { (r.extent.description.as_deref().or(r.extent.code.as_deref()).unwrap_or("—")) @if r.is_implicit { " (through a qualification)" } },
            ])
        })
        .collect()
}

fn offering_table(caption: &str, items: &[OfferingRto]) -> Markup {
    table(
        caption,
        &["RTO", "Name", "State", "Extent"],
        &offering_rows(items),
    )
}

pub fn course_table(caption: &str, courses: &[CricosCourse]) -> Markup {
    let rows: Vec<Row> = courses
        .iter()
        .map(|c| {
            Row::new(vec![
                html! { (c.course_code) },
                html! { (c.course_name.as_deref().unwrap_or("")) },
                html! { (c.provider_name.as_deref().unwrap_or(&c.provider_code)) " (" (c.provider_code) ")" },
                html! { @if let Some(w) = c.duration_weeks { (format!("{w:.0}")) " weeks" } },
                html! { @if let Some(f) = c.estimated_total_course_cost_cents.or(c.tuition_fee_cents) { (view::dollars(f)) } },
                html! { (c.location_states.join(", ")) },
            ])
        })
        .collect();
    table(
        caption,
        &[
            "CRICOS code",
            "Course",
            "Provider",
            "Duration",
            "Estimated cost",
            "States",
        ],
        &rows,
    )
}

fn detail_page(
    collection: Collection,
    d: &ComponentDetail,
    ladder: Option<&Ladder>,
) -> rtopacks_web::Page {
    let kind = d.kind.map(kind_label).unwrap_or("Training component");
    let mut facts: Vec<(&str, Markup)> = vec![
        ("Code", html! { (d.code) }),
        ("Type", html! { (kind) }),
        ("Status", view::status(d.status)),
    ];
    if let Some(u) = &d.usage_recommendation {
        facts.push(("Usage recommendation", html! { (u) }));
    }
    if let Some(p) = &d.training_package {
        facts.push((
            "Training package",
            html! { a href=(Collection::TrainingPackages.path(&p.code)) { (p.code) } @if let Some(t) = &p.title { " " (t) } },
        ));
    }
    if let Some(level) = view::aqf(d.aqf_level) {
        facts.push(("AQF level", html! { (level) }));
    }
    if let Some(r) = &d.latest_release {
        facts.push((
            "Latest release",
            html! { "Release " (r.release_number) @if let Some(date) = &r.release_date { ", " (text::date(date)) } },
        ));
    }
    if let Some(c) = &d.currency_status {
        facts.push(("Currency", html! { (c) }));
    }
    let base = collection.path(&d.code);
    let body = html! {
        (superseded_line(collection, d))
        (definition_list(&facts))
        (supersedes_line(collection, d))
        @if let Some(g) = &d.unit_grid {
            h2 { "Units" }
            @if let Some(r) = &g.release_number { p { "From release " (r) "." } }
            @if g.core.is_empty() { (empty_state("No core units are listed.")) } @else {
                (grid_table(&format!("Core units ({})", g.core.len()), &g.core))
            }
            @if !g.elective.is_empty() {
                (grid_table(&format!("Elective units ({})", g.elective.len()), &g.elective))
            }
        }
        @if let Some(l) = ladder {
            h2 { "Qualifications by AQF level" }
            @for rung in &l.rungs {
                h3 { (rung.level.name()) }
                ul {
                    @for q in &rung.qualifications {
                        li {
                            a href=(Collection::Qualifications.path(&q.code)) { (q.code) } " " (q.title) " " (view::status(q.status))
                            @if let Some(by) = &q.superseded_by {
                                " Superseded by " a href=(Collection::Qualifications.path(by)) { (by) }
                                " (" (view::equivalence(q.superseded_by_equivalent, None)) ")"
                            }
                        }
                    }
                }
            }
        }
        @if d.kind != Some(Kind::TrainingPackage) {
            h2 #rtos { "RTOs with it on scope" }
            @if d.offered_by.total == 0 {
                (empty_state("No RTO has it on its current scope."))
            } @else {
                p { (text::plural(d.offered_by.total, "RTO has", "RTOs have")) " it on their current scope." }
                (offering_table("RTOs with it on scope", &d.offered_by.page.items))
                @if d.offered_by.total > d.offered_by.page.items.len() as u64 {
                    p { a href={ (base) "/rtos" } { "All " (text::plural(d.offered_by.total, "RTO", "RTOs")) " with " (d.code) " on scope" } }
                }
            }
        }
        @if d.cricos_courses.total > 0 || matches!(d.kind, Some(Kind::Qualification | Kind::AccreditedCourse)) {
            h2 #cricos { "CRICOS courses" }
            @if d.cricos_courses.total == 0 {
                (empty_state("No course on CRICOS, the register of courses for international students, delivers it."))
            } @else {
                p { (text::plural(d.cricos_courses.total, "course", "courses")) " on CRICOS (for international students) deliver it." }
                (course_table("CRICOS courses", &d.cricos_courses.page.items))
                @if d.cricos_courses.total > d.cricos_courses.page.items.len() as u64 {
                    p { a href={ (base) "/cricos-courses" } { "All " (text::plural(d.cricos_courses.total, "CRICOS course", "CRICOS courses")) } }
                }
            }
        }
        @if d.releases.len() > 1 {
            h2 { "Releases" }
            (table("Releases, newest first", &["Release", "Date", "Currency"], &d.releases.iter().map(|r| Row::new(vec![
                html! { (r.release_number) },
                html! { (view::date(r.release_date.as_deref())) },
                html! { (r.currency.as_deref().unwrap_or("")) },
            ])).collect::<Vec<_>>()))
        }
        (view::freshness(&d.freshness))
    };
    page(&base, &format!("{} {}", d.code, d.title), body)
        .breadcrumbs(&[("/", "Home"), ("/search", "Search")])
}

/// `/{collection}/{code}/rtos?cursor=`.
pub async fn rtos(ctx: &Ctx<'_>, collection: Collection, raw: &str) -> Html {
    let path = &ctx.visit.path;
    let code = match canonical(collection, raw, path, "/rtos") {
        Ok(c) => c,
        Err(reply) => return reply,
    };
    let cursor = ctx.visit.query.get("cursor");
    let q = Query::from_pairs([("per_page", LIST_PAGE.to_string())])
        .with("cursor", cursor.unwrap_or_default());
    let a = match ctx
        .catalogue::<OfferedBy>(&format!("/catalogue/components/{code}/rtos?{}", q.encode()))
        .await
    {
        Ok(a) => a,
        Err(e) if e.status() == 400 && cursor.is_some() => return stale_page_link(path),
        Err(e) => return failed(collection, code.as_str(), path, &e),
    };
    let home = collection.path(&a.code);
    let body = html! {
        p { (text::plural(a.rtos.total, "RTO has", "RTOs have")) " " a href=(home) { (a.code) } " on their current scope." }
        @if a.rtos.page.items.is_empty() {
            (empty_state("No RTO on this page."))
        } @else {
            (offering_table("RTOs with it on scope", &a.rtos.page.items))
        }
        (pager(path, &ctx.visit.query, a.rtos.page.next_cursor.as_deref()))
        (view::freshness(&a.freshness))
    };
    page(path, &format!("RTOs with {} on scope", a.code), body)
        .breadcrumbs(&[("/", "Home"), (&home, &format!("{} {}", a.code, a.title))])
        .into_html()
}

/// `/{collection}/{code}/cricos-courses?cursor=`.
pub async fn cricos(ctx: &Ctx<'_>, collection: Collection, raw: &str) -> Html {
    let path = &ctx.visit.path;
    let code = match canonical(collection, raw, path, "/cricos-courses") {
        Ok(c) => c,
        Err(reply) => return reply,
    };
    let cursor = ctx.visit.query.get("cursor");
    let q = Query::from_pairs([("per_page", LIST_PAGE.to_string())])
        .with("cursor", cursor.unwrap_or_default());
    let a = match ctx
        .catalogue::<CricosCourses>(&format!(
            "/catalogue/components/{code}/cricos-courses?{}",
            q.encode()
        ))
        .await
    {
        Ok(a) => a,
        Err(e) if e.status() == 400 && cursor.is_some() => return stale_page_link(path),
        Err(e) => return failed(collection, code.as_str(), path, &e),
    };
    let home = collection.path(&a.code);
    let title = a.title.clone().unwrap_or_default();
    let body = html! {
        p { (text::plural(a.courses.total, "course", "courses")) " on CRICOS deliver " a href=(home) { (a.code) } "." }
        @if a.courses.page.items.is_empty() {
            (empty_state("No course on this page."))
        } @else {
            (course_table("CRICOS courses", &a.courses.page.items))
        }
        (pager(path, &ctx.visit.query, a.courses.page.next_cursor.as_deref()))
        (view::freshness(&a.freshness))
    };
    page(path, &format!("CRICOS courses for {}", a.code), body)
        .breadcrumbs(&[("/", "Home"), (&home, &format!("{} {title}", a.code))])
        .into_html()
}

/// A `cursor` the catalogue refused (edited, or from another listing).
pub fn stale_page_link(path: &str) -> Html {
    let body = html! {
        p { "That page link has expired or was changed." }
        p { a href=(path) { "Go to the first page" } }
    };
    Html::error(400, page(path, "Page link out of date", body).render())
}

/// Where a search result or scope row of `kind` lives (for other pages).
pub fn link_for(kind: Option<Kind>, code: &str) -> Markup {
    match kind {
        Some(k) => html! { a href=(kind_path(k, code)) { (code) } },
        None => html! { a href={ "/components/" (code) } { (code) } },
    }
}
