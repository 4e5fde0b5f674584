//! Lookup by national code: the component, its releases, its unit grid (core and
//! elective), its supersession chain both ways, the RTOs that have it on scope (count and
//! a first page) and the CRICOS courses that deliver it. Every statement is a primary-key
//! or index lookup on the code, and they travel together in one round trip
//! ([`crate::reads`]).

use rtopacks_domain::codes::NationalCode;
use rtopacks_domain::tga::ComponentType;
use rtopacks_store::{Db, Statement};
use serde::{Deserialize, Serialize};

use crate::chain::{self, Replacement, Supersession};
use crate::cricos::{CricosListing, CricosRead};
use crate::error::{CatalogueError, Result};
use crate::page::{Fresh, Freshness, Page};
use crate::reads::Answers;
use crate::scope::{Offering, OfferingRead};
use crate::vocab::{aqf_rung_sql, AqfLevel, Kind, Status, COMPONENT_STATUS_SQL};

/// Size of the first pages a lookup embeds (RTOs on scope, CRICOS courses).
pub const LOOKUP_PAGE: u32 = 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentDetail {
    pub code: String,
    /// Absent for component types search does not list (e.g. unit contextualisations).
    pub kind: Option<Kind>,
    pub component_type: ComponentType,
    pub title: String,
    pub status: Status,
    /// Upstream's usage recommendation (`Current`, `Superseded`, `Deleted`, `Unknown`).
    pub usage_recommendation: Option<String>,
    /// When the status sweep last saw the usage recommendation change.
    pub status_changed_at: Option<String>,
    pub training_package: Option<PackageRef>,
    pub aqf_level: Option<AqfLevel>,
    pub latest_release: Option<ReleaseInfo>,
    /// Newest first.
    pub releases: Vec<ReleaseInfo>,
    pub currency_status: Option<String>,
    pub deleted_at: Option<String>,
    /// Qualifications and skill sets: the grid of the latest release that published one.
    pub unit_grid: Option<UnitGrid>,
    pub supersession: Supersession,
    /// Current components this one leads to, with the whole path's equivalence.
    pub replacements: Vec<Replacement>,
    /// RTOs with this code on current scope: the total and a first page (continue with
    /// [`crate::offered_by`] and `next_cursor`).
    pub offered_by: Offering,
    /// CRICOS courses whose VET National Code is this code (continue with
    /// [`crate::cricos_courses`]).
    pub cricos_courses: CricosListing,
    pub freshness: Freshness,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageRef {
    pub code: String,
    pub title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseInfo {
    pub release_number: String,
    pub release_date: Option<String>,
    pub currency: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitGrid {
    /// The release of the component the grid came from.
    pub release_number: Option<String>,
    pub core: Vec<GridUnit>,
    pub elective: Vec<GridUnit>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridUnit {
    pub code: String,
    /// Absent when the unit is not in the mirror.
    pub title: Option<String>,
    pub status: Option<Status>,
}

/// The `tga_training_components` row as the catalogue reads it.
#[derive(Debug, Deserialize)]
pub(crate) struct ComponentRow {
    pub code: String,
    pub component_type: String,
    pub title: String,
    pub status: Status,
    pub usage_recommendation: Option<String>,
    pub training_package_code: Option<String>,
    pub package_title: Option<String>,
    pub aqf_rung: Option<i64>,
    pub latest_release_number: Option<String>,
    pub latest_release_date: Option<String>,
    pub currency_status: Option<String>,
    pub deleted_at: Option<String>,
    pub synced_at: String,
    pub status_changed_at: Option<String>,
}

/// The statement that reads the component (not confidential), if the mirror holds it.
pub(crate) fn component_statement(code: &NationalCode) -> Statement {
    let aqf = aqf_rung_sql();
    Statement::new(format!(
        "SELECT c.code, c.component_type, c.title, {COMPONENT_STATUS_SQL} AS status,
           c.usage_recommendation, c.training_package_code, p.title AS package_title,
           {aqf} AS aqf_rung, c.latest_release_number, c.latest_release_date,
           c.currency_status, c.deleted_at, c.synced_at, q.changed_at AS status_changed_at
         FROM tga_training_components c
         LEFT JOIN tga_training_components p ON p.code = c.training_package_code
         LEFT JOIN qualification_statuses q ON q.code = c.code
         WHERE c.code = ?1 AND c.is_confidential = 0"
    ))
    .bind(code.as_str())
}

/// The component from the answer to [`component_statement`], or NotFound in plain words.
pub(crate) fn require_component(
    answers: &mut Answers,
    code: &NationalCode,
) -> Result<ComponentRow> {
    answers.first()?.ok_or_else(|| {
        CatalogueError::not_found(format!(
            "There is no training component with code {code} in the national register mirror."
        ))
    })
}

/// The component and its supersession chain, read together with `more` statements whose
/// answers are left in the returned [`Answers`] (verify and impact start so).
pub(crate) async fn component_and_chain(
    db: &impl Db,
    code: &NationalCode,
    more: Vec<Statement>,
    fresh: &mut Fresh,
) -> Result<(ComponentRow, Supersession, Answers)> {
    let mut stmts = vec![component_statement(code), chain::statement(code.as_str())];
    stmts.extend(more);
    let mut answers = Answers::fetch(db, stmts).await?;
    let row = require_component(&mut answers, code)?;
    fresh.tga(Some(&row.synced_at));
    let chain = chain::read(&mut answers, fresh)?;
    Ok((row, chain, answers))
}

pub(crate) fn component_type(row: &ComponentRow) -> ComponentType {
    // The schema's CHECK allows only the upstream spellings, which all parse.
    ComponentType::parse(&row.component_type).unwrap_or(ComponentType::Unit)
}

#[derive(Deserialize)]
struct ReleaseRow {
    release_number: String,
    release_date: Option<String>,
    currency: Option<String>,
    synced_at: String,
}

#[derive(Deserialize)]
struct GridRow {
    unit_code: String,
    is_essential: i64,
    release_number: Option<String>,
    title: Option<String>,
    status: Option<Status>,
    synced_at: String,
}

/// Release numbers compare as numbers when they are ("10" after "9").
fn release_key(r: &ReleaseInfo) -> (Option<String>, Option<u64>, String) {
    (
        r.release_date.clone(),
        r.release_number.trim().parse().ok(),
        r.release_number.clone(),
    )
}

/// Everything the catalogue knows about one national code, in one round trip.
pub async fn lookup(db: &impl Db, code: &NationalCode) -> Result<ComponentDetail> {
    let first = Page::first(LOOKUP_PAGE);
    let mut stmts = vec![
        component_statement(code),
        Statement::new(
            "SELECT release_number, release_date, currency, synced_at
             FROM tga_component_releases WHERE code = ?1",
        )
        .bind(code.as_str()),
        Statement::new(format!(
            "SELECT g.unit_code, g.is_essential, g.release_number, g.synced_at, c.title,
               CASE WHEN c.code IS NULL THEN NULL ELSE {COMPONENT_STATUS_SQL} END AS status
             FROM tga_qualification_units g
             LEFT JOIN tga_training_components c ON c.code = g.unit_code
             WHERE g.qualification_code = ?1
             ORDER BY g.unit_code"
        ))
        .bind(code.as_str()),
        chain::statement(code.as_str()),
    ];
    let offering = OfferingRead::new(code, &first, None, &mut stmts)?;
    let cricos = CricosRead::new(code, &first, &mut stmts)?;
    let mut answers = Answers::fetch(db, stmts).await?;

    let row = require_component(&mut answers, code)?;
    let mut fresh = Fresh::default();
    fresh.tga(Some(&row.synced_at));

    let releases: Vec<ReleaseRow> = answers.rows()?;
    let mut releases: Vec<ReleaseInfo> = releases
        .into_iter()
        .map(|r| {
            fresh.tga(Some(&r.synced_at));
            ReleaseInfo {
                release_number: r.release_number,
                release_date: r.release_date,
                currency: r.currency,
            }
        })
        .collect();
    releases.sort_by_key(|r| std::cmp::Reverse(release_key(r)));
    let latest_release = match &row.latest_release_number {
        Some(n) => releases
            .iter()
            .find(|r| &r.release_number == n)
            .cloned()
            .or_else(|| {
                Some(ReleaseInfo {
                    release_number: n.clone(),
                    release_date: row.latest_release_date.clone(),
                    currency: None,
                })
            }),
        None => releases.first().cloned(),
    };

    let grid: Vec<GridRow> = answers.rows()?;
    let unit_grid = (!grid.is_empty()).then(|| {
        let mut g = UnitGrid {
            release_number: grid.iter().find_map(|r| r.release_number.clone()),
            core: Vec::new(),
            elective: Vec::new(),
        };
        for r in grid {
            fresh.tga(Some(&r.synced_at));
            let unit = GridUnit {
                code: r.unit_code,
                title: r.title,
                status: r.status,
            };
            if r.is_essential == 1 {
                g.core.push(unit);
            } else {
                g.elective.push(unit);
            }
        }
        g
    });

    let supersession = chain::read(&mut answers, &mut fresh)?;
    let replacements = supersession.replacements(code.as_str());
    let offered_by = offering.read(&mut answers, &mut fresh)?;
    let cricos_courses = cricos.read(&mut answers, &mut fresh)?;

    let component_type = component_type(&row);
    Ok(ComponentDetail {
        code: row.code,
        kind: Kind::of_component(component_type),
        component_type,
        title: row.title,
        status: row.status,
        usage_recommendation: row.usage_recommendation,
        status_changed_at: row.status_changed_at,
        training_package: row.training_package_code.map(|code| PackageRef {
            code,
            title: row.package_title,
        }),
        aqf_level: row.aqf_rung.and_then(AqfLevel::from_rung),
        latest_release,
        releases,
        currency_status: row.currency_status,
        deleted_at: row.deleted_at,
        unit_grid,
        supersession,
        replacements,
        offered_by,
        cricos_courses,
        freshness: fresh.finish(),
    })
}

/// The RTOs with `code` on current scope, a page at a time (the continuation of
/// [`ComponentDetail::offered_by`]).
pub async fn offered_by(db: &impl Db, code: &NationalCode, page: &Page) -> Result<OfferedBy> {
    let mut stmts = vec![component_statement(code)];
    let offering = OfferingRead::new(code, page, None, &mut stmts)?;
    let mut answers = Answers::fetch(db, stmts).await?;
    let row = require_component(&mut answers, code)?;
    let mut fresh = Fresh::default();
    fresh.tga(Some(&row.synced_at));
    let rtos = offering.read(&mut answers, &mut fresh)?;
    Ok(OfferedBy {
        code: row.code,
        title: row.title,
        rtos,
        freshness: fresh.finish(),
    })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfferedBy {
    pub code: String,
    pub title: String,
    pub rtos: Offering,
    pub freshness: Freshness,
}
