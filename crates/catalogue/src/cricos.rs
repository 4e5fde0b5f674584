//! CRICOS courses whose VET National Code is a given qualification (or course), paged by
//! CRICOS course code over the `cricos_courses_vet_national_code` index.

use rtopacks_domain::codes::{NationalCode, RtoCode};
use rtopacks_store::{Db, Statement};
use serde::{Deserialize, Serialize};

use crate::cursor;
use crate::error::{CatalogueError, Result};
use crate::lookup::ComponentRow;
use crate::page::{Fresh, Freshness, Keyed, Page, Paged};
use crate::reads::Answers;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CricosCourse {
    pub course_code: String,
    pub course_name: Option<String>,
    pub provider_code: String,
    /// The institution's trading name, else its name.
    pub provider_name: Option<String>,
    pub course_level: Option<String>,
    pub duration_weeks: Option<f64>,
    pub tuition_fee_cents: Option<i64>,
    pub non_tuition_fee_cents: Option<i64>,
    pub estimated_total_course_cost_cents: Option<i64>,
    pub course_language: Option<String>,
    pub dual_qualification: Option<bool>,
    pub work_component: Option<bool>,
    pub expired: Option<bool>,
    /// States of the course's current locations.
    pub location_states: Vec<String>,
}

/// The count and one page of a code's CRICOS courses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CricosListing {
    pub total: u64,
    #[serde(flatten)]
    pub page: Paged<CricosCourse>,
}

/// The answer of [`cricos_courses`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CricosCourses {
    pub code: String,
    /// The component's title, when the mirror holds it.
    pub title: Option<String>,
    pub courses: CricosListing,
    pub freshness: Freshness,
}

#[derive(Deserialize)]
struct Row {
    course_code: String,
    course_name: Option<String>,
    provider_code: String,
    provider_name: Option<String>,
    course_level: Option<String>,
    duration_weeks: Option<f64>,
    tuition_fee_cents: Option<i64>,
    non_tuition_fee_cents: Option<i64>,
    estimated_total_course_cost_cents: Option<i64>,
    course_language: Option<String>,
    dual_qualification: Option<i64>,
    work_component: Option<i64>,
    expired: Option<i64>,
    location_states: Option<String>,
    synced_at: String,
}

const LIVE: &str = "cc.vet_national_code = ?1 AND cc.deleted_at IS NULL";

/// The live courses of an RTO's (?1) CRICOS provider: the enrichment's provider code,
/// else the register walk's (as the RTO detail joins them).
const PROVIDER_LIVE: &str = "cc.provider_code = (SELECT COALESCE(
       (SELECT cricos_provider_code FROM rtos WHERE rto_code = ?1),
       (SELECT cricos_provider_code FROM tga_organisations WHERE code = ?1)))
     AND cc.deleted_at IS NULL";

/// The reads of one page of the CRICOS courses of a code: the count and the page, sent
/// with whatever else the answer needs (see [`crate::reads`]).
pub(crate) struct CricosRead {
    keyed: Keyed,
}

impl CricosRead {
    /// Appends the two statements to `stmts`.
    pub fn new(code: &NationalCode, page: &Page, stmts: &mut Vec<Statement>) -> Result<Self> {
        let keyed = Keyed::open(page, cursor::fingerprint(&["cricos", code.as_str()]))?;
        Ok(Self::with(keyed, LIVE, code.as_str(), stmts))
    }

    /// The same over the courses of an RTO's CRICOS provider.
    pub fn of_rto(code: &RtoCode, page: &Page, stmts: &mut Vec<Statement>) -> Result<Self> {
        let keyed = Keyed::open(page, cursor::fingerprint(&["cricos-rto", code.as_str()]))?;
        Ok(Self::with(keyed, PROVIDER_LIVE, code.as_str(), stmts))
    }

    fn with(keyed: Keyed, live: &str, key: &str, stmts: &mut Vec<Statement>) -> Self {
        stmts.push(
            Statement::new(format!(
                "SELECT count(*) AS n FROM cricos_courses cc WHERE {live}"
            ))
            .bind(key),
        );
        stmts.push(
            Statement::new(format!(
                "SELECT cc.course_code, cc.course_name, cc.provider_code,
                   COALESCE(i.trading_name, i.institution_name, cc.institution_name) AS provider_name,
                   cc.course_level, cc.duration_weeks, cc.tuition_fee_cents, cc.non_tuition_fee_cents,
                   cc.estimated_total_course_cost_cents, cc.course_language, cc.dual_qualification,
                   cc.work_component, cc.expired, cc.synced_at,
                   (SELECT group_concat(DISTINCT l.location_state) FROM cricos_course_locations l
                     WHERE l.course_code = cc.course_code AND l.deleted_at IS NULL) AS location_states
                 FROM cricos_courses cc
                 LEFT JOIN cricos_institutions i ON i.provider_code = cc.provider_code
                 WHERE {live} AND cc.course_code > ?2
                 ORDER BY cc.course_code
                 LIMIT ?3"
            ))
            .bind(key)
            .bind(keyed.after.as_str())
            .bind(keyed.limit()),
        );
        CricosRead { keyed }
    }

    /// The listing, from the answers to the statements [`CricosRead::new`] appended.
    pub fn read(self, answers: &mut Answers, fresh: &mut Fresh) -> Result<CricosListing> {
        let total = answers.count()?;
        let rows: Vec<Row> = answers.rows()?;
        let flag = |v: Option<i64>| v.map(|v| v == 1);
        let page = self.keyed.finish(
            rows,
            |r| {
                fresh.cricos(Some(&r.synced_at));
                let mut states: Vec<String> = r
                    .location_states
                    .as_deref()
                    .unwrap_or("")
                    .split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| s.trim().to_owned())
                    .collect();
                states.sort();
                states.dedup();
                CricosCourse {
                    course_code: r.course_code,
                    course_name: r.course_name,
                    provider_code: r.provider_code,
                    provider_name: r.provider_name,
                    course_level: r.course_level,
                    duration_weeks: r.duration_weeks,
                    tuition_fee_cents: r.tuition_fee_cents,
                    non_tuition_fee_cents: r.non_tuition_fee_cents,
                    estimated_total_course_cost_cents: r.estimated_total_course_cost_cents,
                    course_language: r.course_language,
                    dual_qualification: flag(r.dual_qualification),
                    work_component: flag(r.work_component),
                    expired: flag(r.expired),
                    location_states: states,
                }
            },
            |c| &c.course_code,
        );
        Ok(CricosListing { total, page })
    }
}

/// The CRICOS courses whose VET National Code is `code`. NotFound only when the mirror
/// knows neither the code nor any course naming it.
pub async fn cricos_courses(
    db: &impl Db,
    code: &NationalCode,
    page: &Page,
) -> Result<CricosCourses> {
    let mut stmts = vec![crate::lookup::component_statement(code)];
    let read = CricosRead::new(code, page, &mut stmts)?;
    let mut answers = Answers::fetch(db, stmts).await?;
    let component: Option<ComponentRow> = answers.first()?;
    let mut fresh = Fresh::default();
    let courses = read.read(&mut answers, &mut fresh)?;
    if component.is_none() && courses.total == 0 {
        return Err(CatalogueError::not_found(format!(
            "There is no training component or CRICOS course with national code {code}."
        )));
    }
    if let Some(c) = &component {
        fresh.tga(Some(&c.synced_at));
    }
    Ok(CricosCourses {
        code: code.to_string(),
        title: component.map(|c| c.title),
        courses,
        freshness: fresh.finish(),
    })
}

/// The answer of [`rto_cricos_courses`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RtoCricosCourses {
    pub rto_code: String,
    /// The RTO's CRICOS provider, when it is one.
    pub provider_code: Option<String>,
    /// The provider's trading name, else its name.
    pub provider_name: Option<String>,
    pub courses: CricosListing,
    pub freshness: Freshness,
}

#[derive(Deserialize)]
struct ProviderRow {
    o_code: Option<String>,
    r_code: Option<String>,
    provider_code: Option<String>,
    provider_name: Option<String>,
    synced_at: Option<String>,
}

/// The courses an RTO offers international students: those its CRICOS provider has on
/// the register, paged by course code. An RTO that is no CRICOS provider has none.
/// NotFound when the mirror does not hold the RTO. One round trip.
pub async fn rto_cricos_courses(
    db: &impl Db,
    code: &RtoCode,
    page: &Page,
) -> Result<RtoCricosCourses> {
    let mut stmts = vec![Statement::new(
        "SELECT o.code AS o_code, r.rto_code AS r_code, i.provider_code,
           COALESCE(i.trading_name, i.institution_name) AS provider_name, i.synced_at
         FROM (SELECT ?1 AS code) k
         LEFT JOIN tga_organisations o ON o.code = k.code
         LEFT JOIN rtos r ON r.rto_code = k.code
         LEFT JOIN cricos_institutions i
           ON i.provider_code = COALESCE(r.cricos_provider_code, o.cricos_provider_code)",
    )
    .bind(code.as_str())];
    let read = CricosRead::of_rto(code, page, &mut stmts)?;
    let mut answers = Answers::fetch(db, stmts).await?;
    let base = match answers.first::<ProviderRow>()? {
        Some(b) if b.o_code.is_some() || b.r_code.is_some() => b,
        _ => return Err(crate::rto::no_such_rto(code)),
    };
    let mut fresh = Fresh::default();
    fresh.cricos(base.synced_at.as_deref());
    let courses = read.read(&mut answers, &mut fresh)?;
    Ok(RtoCricosCourses {
        rto_code: code.to_string(),
        provider_code: base.provider_code,
        provider_name: base.provider_name,
        courses,
        freshness: fresh.finish(),
    })
}
