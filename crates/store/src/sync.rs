//! `ops-db` sync bookkeeping: run rows, the D1-backed phase pointer (never KV: rapid KV
//! writes return transient 500s that break chain dispatch), regulatory events and the
//! SENTINEL-02 log.

use rtopacks_domain::events::RegulatoryEvent;
use rtopacks_domain::sentinel::VolumeDrop;
use rtopacks_domain::sync::SyncKind;
use serde::{Deserialize, Serialize};

use crate::{Db, Statement, StoreError};

/// The cursor table of a sync kind. enrich-sync shares tga_sync_cursor (keyed by sync_type).
pub fn cursor_table(kind: SyncKind) -> &'static str {
    match kind {
        SyncKind::CricosSync => "cricos_sync_cursor",
        SyncKind::TgaSync | SyncKind::EnrichSync => "tga_sync_cursor",
    }
}

/// A sync's phase pointer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    pub run_id: Option<String>,
    /// The phase to run next (or running); `None` once the cycle has finished.
    pub cycle_phase: Option<String>,
    /// JSON: the chain's sequence number and the phase's own continuation state.
    pub phase_state: Option<String>,
}

pub async fn read_cursor(db: &impl Db, kind: SyncKind) -> Result<Cursor, StoreError> {
    let sql = format!(
        "SELECT run_id, cycle_phase, phase_state FROM {} WHERE sync_type = ?1",
        cursor_table(kind)
    );
    Ok(db
        .first(Statement::new(sql).bind(kind.sync_type()))
        .await?
        .unwrap_or_default())
}

pub fn write_cursor(kind: SyncKind, cursor: &Cursor, now: &str) -> Statement {
    let sql = format!(
        "INSERT INTO {} (sync_type, run_id, cycle_phase, phase_state, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(sync_type) DO UPDATE SET run_id = excluded.run_id, cycle_phase = excluded.cycle_phase,
           phase_state = excluded.phase_state, updated_at = excluded.updated_at",
        cursor_table(kind)
    );
    Statement::new(sql)
        .bind(kind.sync_type())
        .bind(cursor.run_id.as_deref())
        .bind(cursor.cycle_phase.as_deref())
        .bind(cursor.phase_state.as_deref())
        .bind(now)
}

/// A run row as the chain reads it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RunRow {
    pub run_id: String,
    pub sync_type: String,
    pub triggered_by: String,
    pub status: String,
    pub created_at: String,
    pub completed_at: Option<String>,
}

pub fn create_run(run_id: &str, kind: SyncKind, triggered_by: &str, now: &str) -> Statement {
    Statement::new(
        "INSERT INTO sync_runs (run_id, sync_type, triggered_by, status, created_at)
         VALUES (?1, ?2, ?3, 'running', ?4) ON CONFLICT(run_id) DO NOTHING",
    )
    .bind(run_id)
    .bind(kind.sync_type())
    .bind(triggered_by)
    .bind(now)
}

/// Set a run's status; `completed` marks it finished (running → NULL).
pub fn set_run_status(
    run_id: &str,
    status: &str,
    error: Option<&str>,
    completed: Option<&str>,
) -> Statement {
    Statement::new(
        "UPDATE sync_runs SET status = ?2, error = ?3, completed_at = ?4 WHERE run_id = ?1",
    )
    .bind(run_id)
    .bind(status)
    .bind(error)
    .bind(completed)
}

pub async fn run(db: &impl Db, run_id: &str) -> Result<Option<RunRow>, StoreError> {
    db.first(
        Statement::new(
            "SELECT run_id, sync_type, triggered_by, status, created_at, completed_at FROM sync_runs WHERE run_id = ?1",
        )
        .bind(run_id),
    )
    .await
}

/// Idempotent: the same change in the same run is recorded once.
pub fn insert_event(run_id: &str, e: &RegulatoryEvent, now: &str) -> Statement {
    Statement::new(
        "INSERT INTO regulatory_events (run_id, event_type, entity_type, entity_code, old_value, new_value, detail, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(run_id, event_type, entity_type, entity_code) DO NOTHING",
    )
    .bind(run_id)
    .bind(e.event_type.as_str())
    .bind(e.entity_type.as_str())
    .bind(e.entity_code.as_str())
    .bind(e.old_value.as_deref())
    .bind(e.new_value.as_deref())
    .bind(e.detail.as_str())
    .bind(now)
}

/// An event as the cycle email and the feed read it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EventRow {
    pub event_type: String,
    pub entity_type: String,
    pub entity_code: String,
    pub detail: Option<String>,
}

pub async fn events_for_run(db: &impl Db, run_id: &str) -> Result<Vec<EventRow>, StoreError> {
    db.all(
        Statement::new(
            "SELECT event_type, entity_type, entity_code, detail FROM regulatory_events WHERE run_id = ?1 ORDER BY id",
        )
        .bind(run_id),
    )
    .await
}

pub fn insert_sentinel(
    run_id: &str,
    kind: SyncKind,
    d: &VolumeDrop,
    action: &str,
    now: &str,
) -> Statement {
    Statement::new(
        "INSERT INTO sentinel_log (run_id, sync_type, metric, baseline, observed, drop_pct, threshold_pct, action, created_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9
         WHERE NOT EXISTS (SELECT 1 FROM sentinel_log WHERE run_id = ?1 AND metric = ?3 AND action = ?8)",
    )
    .bind(run_id)
    .bind(kind.sync_type())
    .bind(d.metric.as_str())
    .bind(d.baseline)
    .bind(d.observed)
    .bind(d.drop_pct)
    .bind(d.threshold_pct)
    .bind(action)
    .bind(now)
}

/// What an upstream resource looked like when a sync last took it in full (CKAN
/// `last_modified`, or the end of a TGA delta window), so the next cycle starts there.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ResourceState {
    pub last_modified: Option<String>,
    pub total: Option<i64>,
}

pub async fn resource_state(
    ops: &impl Db,
    source: &str,
    resource_id: &str,
) -> Result<Option<ResourceState>, StoreError> {
    ops.first(
        Statement::new("SELECT last_modified, total FROM upstream_resources WHERE source = ?1 AND resource_id = ?2")
            .bind(source)
            .bind(resource_id),
    )
    .await
}

pub fn save_resource_state(
    source: &str,
    resource_id: &str,
    last_modified: Option<&str>,
    total: i64,
    now: &str,
) -> Statement {
    Statement::new(
        "INSERT INTO upstream_resources (source, resource_id, last_modified, total, checked_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(source, resource_id) DO UPDATE SET last_modified = excluded.last_modified,
           total = excluded.total, checked_at = excluded.checked_at",
    )
    .bind(source)
    .bind(resource_id)
    .bind(last_modified)
    .bind(total)
    .bind(now)
}
