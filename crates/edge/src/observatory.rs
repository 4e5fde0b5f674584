//! The observatory step writer: every sync worker records its phases through this, and
//! only through this, so the writer contract holds everywhere (see
//! `rtopacks_store::observatory::upsert_step`).

use chrono::{DateTime, Utc};
use rtopacks_domain::observatory::{chain_failed_error, steps, StepStatus, TriggeredBy};
use rtopacks_domain::time::iso;
use rtopacks_store::observatory::{upsert_step, StepWrite};
use rtopacks_store::{Db, Statement, StoreError};

/// Writes the step rows of one run of one sync type.
pub struct StepWriter<'a, D: Db> {
    db: &'a D,
    run_id: String,
    sync_type: String,
    triggered_by: TriggeredBy,
}

impl<'a, D: Db> StepWriter<'a, D> {
    pub fn new(db: &'a D, run_id: &str, sync_type: &str, triggered_by: TriggeredBy) -> Self {
        StepWriter {
            db,
            run_id: run_id.into(),
            sync_type: sync_type.into(),
            triggered_by,
        }
    }

    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    async fn write(
        &self,
        step: &str,
        status: StepStatus,
        counts: (Option<i64>, Option<i64>),
        error: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = iso(now);
        let started = (status == StepStatus::Running).then_some(now.as_str());
        let completed = status.is_terminal().then_some(now.as_str());
        self.db
            .run(upsert_step(&StepWrite {
                run_id: &self.run_id,
                sync_type: &self.sync_type,
                step,
                status,
                triggered_by: self.triggered_by,
                records_in: counts.0,
                records_out: counts.1,
                error,
                started_at: started,
                completed_at: completed,
                now: &now,
            }))
            .await
            .map(drop)
    }

    /// `init`: seed a pending row for each step to come (in one transaction), then mark
    /// `init` complete. Seeding never overwrites a row that already exists (a resumed run
    /// keeps its history).
    pub async fn init(&self, planned: &[&str], now: DateTime<Utc>) -> Result<(), StoreError> {
        let at = iso(now);
        let mut batch: Vec<Statement> = planned
            .iter()
            .map(|step| {
                Statement::new(
                    "INSERT INTO tga_sync_steps (run_id, sync_type, step, status, triggered_by, created_at)
                     VALUES (?1, ?2, ?3, 'pending', ?4, ?5)
                     ON CONFLICT(run_id, sync_type, step) DO NOTHING",
                )
                .bind(self.run_id.as_str())
                .bind(self.sync_type.as_str())
                .bind(*step)
                .bind(self.triggered_by.as_str())
                .bind(at.as_str())
            })
            .collect();
        batch.push(upsert_step(&StepWrite {
            run_id: &self.run_id,
            sync_type: &self.sync_type,
            step: steps::INIT,
            status: StepStatus::Complete,
            triggered_by: self.triggered_by,
            records_in: None,
            records_out: Some(planned.len() as i64),
            error: None,
            started_at: Some(&at),
            completed_at: Some(&at),
            now: &at,
        }));
        self.db.batch(batch).await.map(drop)
    }

    /// The phase has started; clears any error a previous attempt left.
    pub async fn start(
        &self,
        step: &str,
        records_in: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(step, StepStatus::Running, (records_in, None), None, now)
            .await
    }

    pub async fn complete(
        &self,
        step: &str,
        records_in: i64,
        records_out: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(
            step,
            StepStatus::Complete,
            (Some(records_in), Some(records_out)),
            None,
            now,
        )
        .await
    }

    pub async fn fail(
        &self,
        step: &str,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(step, StepStatus::Failed, (None, None), Some(error), now)
            .await
    }

    /// SYNC-CHAIN-01: the send to `next_phase` threw.
    pub async fn chain_failed(
        &self,
        next_phase: &str,
        cause: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.fail(
            steps::CHAIN_FAILED,
            &chain_failed_error(next_phase, cause),
            now,
        )
        .await
    }

    /// An unhandled error mid-phase.
    pub async fn fatal(&self, error: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.fail(steps::FATAL, error, now).await
    }
}
