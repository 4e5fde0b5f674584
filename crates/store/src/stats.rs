//! Corpus statistics: the home page's figures and tga-sync's weekly `tga_snapshots` row.
//! One query of scalar subselects, so refreshing them costs one D1 query.

use serde::{Deserialize, Serialize};

use crate::{Db, Statement, StoreError};

/// The corpus at a glance. "Current" means live (not tombstoned) and current upstream.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CorpusStats {
    pub organisations: i64,
    pub current_rtos: i64,
    pub qualifications: i64,
    pub units: i64,
    pub skill_sets: i64,
    pub accredited_courses: i64,
    pub training_packages: i64,
    pub superseded_components: i64,
    pub cricos_institutions: i64,
    pub cricos_courses: i64,
    /// Enrichment coverage: enriched `rtos` rows over all organisation codes.
    pub enriched_rtos: i64,
}

const CURRENT: &str = "deleted_at IS NULL AND is_current = 1";

pub async fn compute(db: &impl Db) -> Result<CorpusStats, StoreError> {
    let of = |t: &str| {
        format!("(SELECT count(*) FROM tga_training_components WHERE {CURRENT} AND component_type = '{t}')")
    };
    let sql = format!(
        "SELECT
           (SELECT count(*) FROM tga_organisations WHERE deleted_at IS NULL) AS organisations,
           (SELECT count(*) FROM tga_organisations WHERE deleted_at IS NULL AND is_rto = 1
              AND (has_active_registration = 1 OR status = 'Current')) AS current_rtos,
           {} AS qualifications, {} AS units, {} AS skill_sets, {} AS accredited_courses, {} AS training_packages,
           (SELECT count(*) FROM tga_training_components WHERE deleted_at IS NULL AND superseded_by IS NOT NULL) AS superseded_components,
           (SELECT count(*) FROM cricos_institutions WHERE deleted_at IS NULL) AS cricos_institutions,
           (SELECT count(*) FROM cricos_courses WHERE deleted_at IS NULL) AS cricos_courses,
           (SELECT count(*) FROM rtos WHERE enriched = 1) AS enriched_rtos",
        of("Qualification"),
        of("Unit"),
        of("SkillSet"),
        of("AccreditedCourse"),
        of("TrainingPackage")
    );
    Ok(db.first(Statement::new(sql)).await?.unwrap_or_default())
}

/// The run's `tga_snapshots` row (one per run: re-running the phase updates it).
pub fn snapshot(run_id: &str, s: &CorpusStats, detail: &serde_json::Value, now: &str) -> Statement {
    Statement::new(
        "INSERT INTO tga_snapshots (run_id, snapshot_at, organisations, current_rtos, qualifications, units, skill_sets,
                                    accredited_courses, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT(run_id) DO UPDATE SET snapshot_at = excluded.snapshot_at, organisations = excluded.organisations,
           current_rtos = excluded.current_rtos, qualifications = excluded.qualifications, units = excluded.units,
           skill_sets = excluded.skill_sets, accredited_courses = excluded.accredited_courses, detail = excluded.detail",
    )
    .bind(run_id)
    .bind(now)
    .bind(s.organisations)
    .bind(s.current_rtos)
    .bind(s.qualifications)
    .bind(s.units)
    .bind(s.skill_sets)
    .bind(s.accredited_courses)
    .bind(detail.to_string())
}

/// The newest snapshot: what the home page shows, with its date.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Snapshot {
    pub run_id: Option<String>,
    pub snapshot_at: String,
    pub organisations: Option<i64>,
    pub current_rtos: Option<i64>,
    pub qualifications: Option<i64>,
    pub units: Option<i64>,
    pub skill_sets: Option<i64>,
    pub accredited_courses: Option<i64>,
    pub detail: Option<String>,
}

pub async fn latest_snapshot(db: &impl Db) -> Result<Option<Snapshot>, StoreError> {
    db.first(Statement::new(
        "SELECT run_id, snapshot_at, organisations, current_rtos, qualifications, units, skill_sets, accredited_courses, detail
           FROM tga_snapshots ORDER BY snapshot_at DESC, id DESC LIMIT 1",
    ))
    .await
}
