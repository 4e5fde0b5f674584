//! The corpus at a glance, for a home page: how many qualifications, units, skill sets,
//! accredited courses, training packages, RTOs and CRICOS courses the mirror holds.
//!
//! Read from the newest `tga_snapshots` row, which tga-sync's `write_snapshot` phase
//! writes once per weekly run with every figure (the columns, and the whole count in
//! `detail.stats`). One indexed row per request, never a count over 85,000 components
//! and 26,000 courses: a home page is the most visited page and must cost next to
//! nothing. The figures are as of the snapshot (`counted_at`), which the answer's
//! freshness says; CRICOS figures are those the mirror held at that moment (CRICOS
//! refreshes monthly, so they trail a refresh by at most a week).

use rtopacks_store::{Db, Statement};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::page::{Fresh, Freshness};

/// The newest snapshot's figures. Every figure is absent until the first weekly sync
/// has written a snapshot (and a figure the snapshot did not record stays absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// Current qualifications (live, current upstream).
    pub qualifications: Option<i64>,
    pub units: Option<i64>,
    pub skill_sets: Option<i64>,
    pub accredited_courses: Option<i64>,
    pub training_packages: Option<i64>,
    /// RTOs with a registration in force.
    pub current_rtos: Option<i64>,
    /// Organisations on the register, current or not.
    pub organisations: Option<i64>,
    /// RTOs whose full register detail (contacts, addresses, scope) is mirrored.
    pub enriched_rtos: Option<i64>,
    pub cricos_providers: Option<i64>,
    pub cricos_courses: Option<i64>,
    /// When the figures were counted (ISO 8601, UTC).
    pub counted_at: Option<String>,
    pub freshness: Freshness,
}

#[derive(Deserialize)]
struct Row {
    snapshot_at: String,
    organisations: Option<i64>,
    current_rtos: Option<i64>,
    qualifications: Option<i64>,
    units: Option<i64>,
    skill_sets: Option<i64>,
    accredited_courses: Option<i64>,
    training_packages: Option<i64>,
    enriched_rtos: Option<i64>,
    cricos_institutions: Option<i64>,
    cricos_courses: Option<i64>,
}

/// The newest snapshot: `max(snapshot_at)` is one step down the `tga_snapshots_snapshot_at`
/// index, the row one more; the id breaks a tie between two runs of the same second.
const SQL: &str = "SELECT snapshot_at, organisations, current_rtos, qualifications, units,
       skill_sets, accredited_courses,
       json_extract(detail, '$.stats.training_packages') AS training_packages,
       json_extract(detail, '$.stats.enriched_rtos') AS enriched_rtos,
       json_extract(detail, '$.stats.cricos_institutions') AS cricos_institutions,
       json_extract(detail, '$.stats.cricos_courses') AS cricos_courses
  FROM tga_snapshots
 WHERE snapshot_at = (SELECT max(snapshot_at) FROM tga_snapshots)
 ORDER BY id DESC
 LIMIT 1";

/// The statement [`stats`] runs (for plan checks).
pub fn stats_statement() -> Statement {
    Statement::new(SQL)
}

/// The corpus figures of the newest snapshot. One statement.
pub async fn stats(db: &impl Db) -> Result<Stats> {
    let Some(r) = db.first::<Row>(stats_statement()).await? else {
        return Ok(Stats {
            qualifications: None,
            units: None,
            skill_sets: None,
            accredited_courses: None,
            training_packages: None,
            current_rtos: None,
            organisations: None,
            enriched_rtos: None,
            cricos_providers: None,
            cricos_courses: None,
            counted_at: None,
            freshness: Fresh::default().finish(),
        });
    };
    let mut fresh = Fresh::default();
    fresh.tga(Some(&r.snapshot_at));
    Ok(Stats {
        qualifications: r.qualifications,
        units: r.units,
        skill_sets: r.skill_sets,
        accredited_courses: r.accredited_courses,
        training_packages: r.training_packages,
        current_rtos: r.current_rtos,
        organisations: r.organisations,
        enriched_rtos: r.enriched_rtos,
        cricos_providers: r.cricos_institutions,
        cricos_courses: r.cricos_courses,
        counted_at: Some(r.snapshot_at),
        freshness: fresh.finish(),
    })
}
