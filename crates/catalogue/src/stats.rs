//! The corpus at a glance, for a home page: how many qualifications, units, skill sets,
//! accredited courses, training packages, RTOs and CRICOS courses the mirror holds.
//!
//! The training.gov.au figures come from the newest `tga_snapshots` row, which tga-sync's
//! `write_snapshot` phase writes once per weekly run (the columns, and the whole count in
//! `detail.stats`): one indexed row, never a count over 85,000 components per request. They
//! are as of the snapshot (`counted_at`, and the answer's freshness).
//!
//! CRICOS refreshes on its own monthly cycle, so a snapshot's CRICOS figures could be weeks
//! behind (or zero, before the first CRICOS refresh); they are counted as they stand instead,
//! over the covering partial indexes of the live rows (`cricos_courses_live`,
//! `cricos_institutions_live`): index entries only, never the wide course rows. Both reads
//! travel in one round trip.

use rtopacks_store::{Db, Statement};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::page::{Fresh, Freshness};
use crate::reads::Answers;

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
    /// When the training.gov.au figures were counted (ISO 8601, UTC); absent before the
    /// first weekly snapshot.
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
}

#[derive(Deserialize)]
struct Cricos {
    institutions: i64,
    courses: i64,
}

/// The newest snapshot: `max(snapshot_at)` is one step down the `tga_snapshots_snapshot_at`
/// index, the row one more; the id breaks a tie between two runs of the same second.
const SQL: &str = "SELECT snapshot_at, organisations, current_rtos, qualifications, units,
       skill_sets, accredited_courses,
       json_extract(detail, '$.stats.training_packages') AS training_packages,
       json_extract(detail, '$.stats.enriched_rtos') AS enriched_rtos
  FROM tga_snapshots
 WHERE snapshot_at = (SELECT max(snapshot_at) FROM tga_snapshots)
 ORDER BY id DESC
 LIMIT 1";

/// The live CRICOS rows, counted over their covering partial indexes.
const CRICOS_SQL: &str = "SELECT
       (SELECT count(*) FROM cricos_institutions WHERE deleted_at IS NULL) AS institutions,
       (SELECT count(*) FROM cricos_courses WHERE deleted_at IS NULL) AS courses";

/// The statements [`stats`] runs, in one round trip (for plan checks).
pub fn stats_statements() -> Vec<Statement> {
    vec![Statement::new(SQL), Statement::new(CRICOS_SQL)]
}

/// The corpus figures: the newest snapshot's, and CRICOS as it stands. One round trip.
pub async fn stats(db: &impl Db) -> Result<Stats> {
    let mut answers = Answers::fetch(db, stats_statements()).await?;
    let snapshot: Option<Row> = answers.first()?;
    let cricos: Option<Cricos> = answers.first()?;
    let mut fresh = Fresh::default();
    if let Some(r) = &snapshot {
        fresh.tga(Some(&r.snapshot_at));
    }
    let (cricos_providers, cricos_courses) = match cricos {
        Some(c) => (Some(c.institutions), Some(c.courses)),
        None => (None, None),
    };
    let r = snapshot.as_ref();
    Ok(Stats {
        qualifications: r.and_then(|r| r.qualifications),
        units: r.and_then(|r| r.units),
        skill_sets: r.and_then(|r| r.skill_sets),
        accredited_courses: r.and_then(|r| r.accredited_courses),
        training_packages: r.and_then(|r| r.training_packages),
        current_rtos: r.and_then(|r| r.current_rtos),
        organisations: r.and_then(|r| r.organisations),
        enriched_rtos: r.and_then(|r| r.enriched_rtos),
        cricos_providers,
        cricos_courses,
        counted_at: snapshot.map(|r| r.snapshot_at),
        freshness: fresh.finish(),
    })
}
