//! The set-based SQL of tga-sync's utility phases: the status sweep (registrations that
//! lapsed or began with no upstream edit), the restriction flags, and the reconciliation
//! of `qualification_statuses`. Each is a handful of statements whatever the corpus size.

use rtopacks_domain::tga::Restriction;
use serde::{Deserialize, Serialize};

use crate::{Db, Statement, StoreError};

fn to_json<T: Serialize + ?Sized>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Decode(e.to_string()))
}

/// An RTO whose stored status no longer matches its registration dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusFlip {
    pub code: String,
    pub status: String,
    pub new_status: String,
}

/// The status the latest registration period gives on `?1` (`YYYY-MM-DD`). Only a clear
/// lapse or a clear start flips a status: a renewal period that starts later keeps it.
const DERIVED: &str = "CASE
    WHEN status = 'Current' AND registration_end_date IS NOT NULL AND registration_end_date < ?1 THEN 'Non-current'
    WHEN status = 'Non-current' AND registration_start_date <= ?1
         AND (registration_end_date IS NULL OR registration_end_date >= ?1) THEN 'Current'
  END";

/// Up to `limit` live RTOs whose registration dates contradict their stored status today.
pub async fn status_flips(
    db: &impl Db,
    today: &str,
    limit: i64,
) -> Result<Vec<StatusFlip>, StoreError> {
    db.all(
        Statement::new(format!(
            "SELECT code, status, new_status FROM (
               SELECT code, status, {DERIVED} AS new_status FROM tga_organisations
               WHERE deleted_at IS NULL AND is_rto = 1 AND status IN ('Current', 'Non-current'))
             WHERE new_status IS NOT NULL ORDER BY code LIMIT ?2"
        ))
        .bind(today)
        .bind(limit),
    )
    .await
}

/// Apply flips: `tga_organisations` (status, active flag), the base `rtos` row, and the
/// `org_statuses` delta, as one batch.
pub fn status_flip_statements(
    flips: &[StatusFlip],
    run_id: &str,
    now: &str,
) -> Result<Vec<Statement>, StoreError> {
    if flips.is_empty() {
        return Ok(Vec::new());
    }
    let rows = to_json(flips)?;
    let pick = |col: &str, tbl: &str, key: &str| {
        format!(
            "(SELECT json_extract(value, '$.{col}') FROM json_each(?1) WHERE json_extract(value, '$.code') = {tbl}.{key})"
        )
    };
    Ok(vec![
        Statement::new(format!(
            "UPDATE tga_organisations SET status = {s}, has_active_registration = ({s} = 'Current'), synced_at = ?2
             WHERE code IN (SELECT json_extract(value, '$.code') FROM json_each(?1))",
            s = pick("new_status", "tga_organisations", "code")
        ))
        .bind(rows.clone())
        .bind(now),
        Statement::new(format!(
            "UPDATE rtos SET status = {} WHERE rto_code IN (SELECT json_extract(value, '$.code') FROM json_each(?1))",
            pick("new_status", "rtos", "rto_code")
        ))
        .bind(rows.clone()),
        Statement::new(
            "INSERT INTO org_statuses (code, status, previous_status, changed_at, run_id)
             SELECT json_extract(value, '$.code'), json_extract(value, '$.new_status'),
                    json_extract(value, '$.status'), ?2, ?3
             FROM json_each(?1) WHERE true
             ON CONFLICT(code) DO UPDATE SET status = excluded.status,
               previous_status = excluded.previous_status, changed_at = excluded.changed_at,
               run_id = excluded.run_id",
        )
        .bind(rows)
        .bind(now)
        .bind(run_id),
    ])
}

/// A restriction set rewritten by the flag phase (ended restrictions dropped).
#[derive(Debug, Clone, Serialize)]
pub struct RestrictionSet<'a> {
    pub code: &'a str,
    pub restrictions: &'a [Restriction],
}

/// Rewrite stored restriction sets, and set `rtos.restricted` to exactly the `flagged`
/// codes (only rows whose flag changes are written). One batch.
pub fn restriction_statements(
    updated: &[RestrictionSet<'_>],
    flagged: &[&str],
) -> Result<Vec<Statement>, StoreError> {
    let mut out = Vec::new();
    if !updated.is_empty() {
        out.push(
            Statement::new(
                "UPDATE tga_organisations SET restrictions = (SELECT json_extract(value, '$.restrictions')
                   FROM json_each(?1) WHERE json_extract(value, '$.code') = tga_organisations.code)
                 WHERE code IN (SELECT json_extract(value, '$.code') FROM json_each(?1))",
            )
            .bind(to_json(updated)?),
        );
    }
    let codes = to_json(flagged)?;
    out.push(
        Statement::new(
            "UPDATE rtos SET restricted = 1 WHERE restricted = 0 AND rto_code IN (SELECT value FROM json_each(?1))",
        )
        .bind(codes.clone()),
    );
    out.push(
        Statement::new(
            "UPDATE rtos SET restricted = 0 WHERE restricted = 1 AND rto_code NOT IN (SELECT value FROM json_each(?1))",
        )
        .bind(codes),
    );
    Ok(out)
}

/// The status a component's row says today: `Deleted` once tombstoned, else its latest
/// usage recommendation.
const QUAL_STATUS: &str =
    "CASE WHEN c.deleted_at IS NOT NULL THEN 'Deleted' ELSE c.usage_recommendation END";

/// Bring `qualification_statuses` in line with the components: a row for every training
/// component (the table's name is historical: the delta walk records units and skill sets
/// too) with a known status, rewritten only where it differs (so `previous_status` and
/// `changed_at` keep their meaning). Returns how many rows changed.
pub async fn reconcile_qualification_statuses(
    db: &impl Db,
    run_id: &str,
    now: &str,
) -> Result<u64, StoreError> {
    let meta = db
        .run(
            Statement::new(format!(
                "INSERT INTO qualification_statuses (code, status, previous_status, changed_at, run_id)
                 SELECT c.code, {QUAL_STATUS}, s.status, ?1, ?2
                 FROM tga_training_components c LEFT JOIN qualification_statuses s ON s.code = c.code
                 WHERE {QUAL_STATUS} IS NOT NULL
                   AND (s.status IS NULL OR s.status <> {QUAL_STATUS})
                 ON CONFLICT(code) DO UPDATE SET status = excluded.status,
                   previous_status = excluded.previous_status, changed_at = excluded.changed_at,
                   run_id = excluded.run_id"
            ))
            .bind(now)
            .bind(run_id),
        )
        .await?;
    Ok(meta.changes)
}

/// Training components held (live or tombstoned).
pub async fn component_count(db: &impl Db) -> Result<i64, StoreError> {
    crate::count(
        db,
        Statement::new("SELECT count(*) AS n FROM tga_training_components"),
    )
    .await
}
