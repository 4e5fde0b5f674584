//! The AQF ladder of a training package: its qualifications from Certificate I to
//! Graduate Diploma, current first within a level, superseded ones marked with what
//! replaced them. One statement over the `tga_training_components_package` index.

use rtopacks_domain::codes::NationalCode;
use rtopacks_store::{Db, Statement};
use serde::{Deserialize, Serialize};

use crate::error::{CatalogueError, Result};
use crate::page::{Fresh, Freshness};
use crate::vocab::{aqf_rung_sql, AqfLevel, Status, COMPONENT_STATUS_SQL};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ladder {
    pub training_package: String,
    pub title: Option<String>,
    /// Lowest level first; only levels the package has.
    pub rungs: Vec<Rung>,
    /// Qualifications whose level is neither stored nor in their title.
    pub unlevelled: Vec<LadderEntry>,
    pub freshness: Freshness,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rung {
    pub level: AqfLevel,
    /// The AQF framework number (Certificate I = 1 … Graduate Diploma = 8).
    pub framework_level: u8,
    pub qualifications: Vec<LadderEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LadderEntry {
    pub code: String,
    pub title: String,
    pub status: Status,
    /// Superseded ones: the successor and whether it is equivalent (E/N).
    pub superseded_by: Option<String>,
    pub superseded_by_equivalent: Option<bool>,
    pub latest_release_number: Option<String>,
}

#[derive(Deserialize)]
struct Row {
    /// Absent on the one row of a package without qualifications (the LEFT JOIN).
    code: Option<String>,
    title: Option<String>,
    status: Option<Status>,
    rung: Option<i64>,
    superseded_by: Option<String>,
    superseded_by_equivalent: Option<i64>,
    latest_release_number: Option<String>,
    synced_at: Option<String>,
    package_title: Option<String>,
    package_synced_at: Option<String>,
}

/// The ladder of `package` (e.g. `BSB`). Superseded qualifications are listed (marked)
/// when `include_superseded`; deleted ones never.
pub async fn ladder(
    db: &impl Db,
    package: &NationalCode,
    include_superseded: bool,
) -> Result<Ladder> {
    let aqf = aqf_rung_sql();
    let rows: Vec<Row> = db
        .all(
            Statement::new(format!(
                "SELECT q.code, q.title, q.status, q.rung, q.superseded_by, q.synced_at,
                   q.latest_release_number,
                   (SELECT m.is_equivalent FROM tga_component_mappings m
                     WHERE m.code = q.code AND m.mapped_code = q.superseded_by) AS superseded_by_equivalent,
                   p.title AS package_title, p.synced_at AS package_synced_at
                 FROM (SELECT ?1 AS code) k
                 LEFT JOIN tga_training_components p ON p.code = k.code
                 LEFT JOIN (
                   SELECT c.code, c.title, {COMPONENT_STATUS_SQL} AS status, {aqf} AS rung,
                     c.superseded_by, c.synced_at, c.latest_release_number, c.training_package_code
                   FROM tga_training_components c
                   WHERE c.training_package_code = ?1 AND c.component_type = 'Qualification'
                     AND c.is_confidential = 0
                 ) q ON q.training_package_code = k.code
                   AND q.status <> 'deleted' AND (?2 = 1 OR q.status = 'current')
                 ORDER BY q.rung IS NULL, q.rung, q.status <> 'current', q.code"
            ))
            .bind(package.as_str())
            .bind(include_superseded),
        )
        .await?;
    let Some(first) = rows.first() else {
        return Err(not_found(package));
    };
    let title = first.package_title.clone();
    let mut fresh = Fresh::default();
    fresh.tga(first.package_synced_at.as_deref());
    if title.is_none() && first.code.is_none() {
        return Err(not_found(package));
    }
    let mut rungs: Vec<Rung> = Vec::new();
    let mut unlevelled = Vec::new();
    for r in rows {
        let (Some(code), Some(title), Some(status)) = (r.code, r.title, r.status) else {
            continue;
        };
        fresh.tga(r.synced_at.as_deref());
        let entry = LadderEntry {
            superseded_by_equivalent: r
                .superseded_by
                .as_ref()
                .and(r.superseded_by_equivalent.map(|e| e == 1)),
            code,
            title,
            status,
            superseded_by: r.superseded_by,
            latest_release_number: r.latest_release_number,
        };
        match r.rung.and_then(AqfLevel::from_rung) {
            None => unlevelled.push(entry),
            Some(level) => match rungs.last_mut() {
                Some(rung) if rung.level == level => rung.qualifications.push(entry),
                _ => rungs.push(Rung {
                    level,
                    framework_level: level.framework_level(),
                    qualifications: vec![entry],
                }),
            },
        }
    }
    Ok(Ladder {
        training_package: package.to_string(),
        title,
        rungs,
        unlevelled,
        freshness: fresh.finish(),
    })
}

fn not_found(package: &NationalCode) -> CatalogueError {
    CatalogueError::not_found(format!(
        "There is no training package {package} with qualifications in the national register mirror."
    ))
}
