//! enrich-sync: the weekly rotating sweep that keeps the enriched layer (`rtos`, `rto_*`,
//! `rto_scope`) complete and fresh. `enrich_batch` walks every live organisation in code
//! order from a cursor kept in the D1 phase pointer, enriching those never enriched or
//! enriched before the cycle's freshness cutoff (an RTO visited on the site since is left
//! alone), a few per invocation; a large scope continues in the next invocation from the
//! saved [`Resume`]. A code that fails is logged and passed over, never blocking the sweep.

use chrono::{DateTime, Duration, Utc};
use rtopacks_domain::time::iso;
use rtopacks_edge::chain::{PhaseMessage, PhaseOutcome};
use rtopacks_edge::outbound::HttpClient;
use rtopacks_store::rtos::IngestSource;
use rtopacks_store::{Db, Statement, StoreError};
use serde::{Deserialize, Serialize};

use crate::ingest::{Ingest, Outcome, Resume};

/// Tunables (wrangler vars in the worker).
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Organisations started per invocation (each is two REST calls plus scope pages).
    pub codes_per_invocation: u32,
    /// An enrichment older than this is due again.
    pub max_age_days: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            codes_per_invocation: 10,
            max_age_days: 6,
        }
    }
}

/// The sweep's continuation (kept in the phase pointer).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Sweep {
    /// Enrichments older than this are due (fixed at the sweep's start).
    cutoff: String,
    /// The last code started: the walk continues after it.
    after: String,
    /// A scope still being written.
    resume: Option<Resume>,
    read: i64,
    enriched: i64,
    not_found: i64,
    failed: i64,
}

pub struct EnrichSync<'a, H: HttpClient, C: Db, O: Db> {
    /// Enrichment with `source: EnrichSync`.
    pub ingest: Ingest<'a, H, C>,
    pub ops: &'a O,
    pub settings: Settings,
}

/// The next `limit` organisation codes after `after` whose enrichment is missing or older
/// than `cutoff` (walks `tga_organisations` by primary key).
pub async fn due_codes(
    db: &impl Db,
    after: &str,
    cutoff: &str,
    limit: i64,
) -> Result<Vec<String>, StoreError> {
    #[derive(Deserialize)]
    struct R {
        code: String,
    }
    let rows: Vec<R> = db
        .all(
            Statement::new(
                "SELECT o.code FROM tga_organisations o LEFT JOIN rtos r ON r.rto_code = o.code
                 WHERE o.deleted_at IS NULL AND o.code > ?1
                   AND (r.enriched IS NULL OR r.enriched = 0 OR r.enriched_at < ?2)
                 ORDER BY o.code LIMIT ?3",
            )
            .bind(after)
            .bind(cutoff)
            .bind(limit),
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.code).collect())
}

/// Every live organisation code not yet enriched (BACKFILL-01's list).
pub async fn unenriched_codes(db: &impl Db) -> Result<Vec<String>, StoreError> {
    // LIMIT -1: no limit (i64::MAX does not survive the trip through a JS number).
    due_codes(db, "", "0000", -1).await
}

impl<H: HttpClient, C: Db, O: Db> EnrichSync<'_, H, C, O> {
    pub async fn run_phase(
        &self,
        msg: &PhaseMessage,
        state: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<PhaseOutcome, StoreError> {
        if msg.phase != "enrich_batch" {
            return Ok(PhaseOutcome::Failed {
                error: format!("enrich-sync has no phase {:?}", msg.phase),
            });
        }
        let at = iso(now);
        let mut s: Sweep = serde_json::from_value(state).unwrap_or_default();
        if s.cutoff.is_empty() {
            s.cutoff = iso(now - Duration::days(self.settings.max_age_days));
        }
        if let Some(resume) = s.resume.take() {
            let code = resume.rto_code.clone();
            let o = self.ingest.resume(resume, now).await?;
            if self.settle(msg, &mut s, &code, o, &at).await? {
                return Ok(more(&s));
            }
        }
        let codes = due_codes(
            self.ingest.db,
            &s.after,
            &s.cutoff,
            i64::from(self.settings.codes_per_invocation.max(1)),
        )
        .await?;
        if codes.is_empty() {
            let line = format!(
                "enrich sweep complete: {} read, {} enriched, {} not found, {} failed",
                s.read, s.enriched, s.not_found, s.failed
            );
            crate::log(self.ops, &msg.run_id, "enrich-sync", "info", &line, &at).await?;
            return Ok(PhaseOutcome::Done {
                records_in: s.read,
                records_out: s.enriched,
            });
        }
        for code in codes {
            s.after = code.clone();
            s.read += 1;
            let o = self
                .ingest
                .enrich_as(&code, IngestSource::EnrichSync, now)
                .await?;
            if self.settle(msg, &mut s, &code, o, &at).await? {
                break;
            }
        }
        Ok(more(&s))
    }

    /// Count an outcome; `true` when the code continues in the next invocation.
    async fn settle(
        &self,
        msg: &PhaseMessage,
        s: &mut Sweep,
        code: &str,
        o: Outcome,
        at: &str,
    ) -> Result<bool, StoreError> {
        match o {
            Outcome::Enriched { .. } => s.enriched += 1,
            Outcome::NotFound => s.not_found += 1,
            Outcome::Continue { resume } => {
                s.resume = Some(resume);
                return Ok(true);
            }
            Outcome::Failed { error, .. } => {
                s.failed += 1;
                let line = format!("{code}: enrichment failed, passed over: {error}");
                crate::log(self.ops, &msg.run_id, "enrich-sync", "warn", &line, at).await?;
            }
        }
        Ok(false)
    }
}

fn more(s: &Sweep) -> PhaseOutcome {
    PhaseOutcome::More {
        state: serde_json::to_value(s).unwrap_or_default(),
        records_in: s.read,
        records_out: s.enriched,
    }
}

impl<H: HttpClient, C: Db, O: Db> rtopacks_edge::chain::PhaseRunner for EnrichSync<'_, H, C, O> {
    async fn run_phase(
        &self,
        msg: &PhaseMessage,
        state: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<PhaseOutcome, StoreError> {
        EnrichSync::run_phase(self, msg, state, now).await
    }
}
