//! The phases around the walks: the status sweep, TGA-REFRESH-01, and the utility steps
//! that close a cycle (log, restriction flags, qualification statuses, statistics,
//! snapshot with the end-of-cycle SENTINEL-02 check).

use chrono::{DateTime, Utc};
use rtopacks_domain::events::{self, EntityType, RegulatoryEvent};
use rtopacks_domain::sentinel;
use rtopacks_domain::time::iso;
use rtopacks_edge::archive::Archive;
use rtopacks_edge::chain::{PhaseMessage, PhaseOutcome};
use rtopacks_edge::outbound::HttpClient;
use rtopacks_store::observatory::{ops_log, steps_for_run};
use rtopacks_store::sync::{events_for_run, insert_sentinel, EventRow};
use rtopacks_store::tga::organisations::{describe, restrictions_in_force_on};
use rtopacks_store::tga::{self as store};
use rtopacks_store::tga_cycle::{self as cycle, RestrictionSet};
use rtopacks_store::{stats, Db, Statement};
use rtopacks_upstream::tga_soap as tga;
use serde::{Deserialize, Serialize};

use super::walk::Walked;
use super::{component_info, PhaseResult, Tga, KIND};

/// RTOs whose status the sweep corrects per invocation.
const SWEEP_BATCH: i64 = 500;

#[derive(Debug, Default, Serialize, Deserialize)]
struct Counted {
    read: i64,
    written: i64,
    /// training_refresh: components refreshed before this instant are due.
    #[serde(default)]
    before: String,
}

fn more(c: &Counted) -> PhaseOutcome {
    PhaseOutcome::More {
        state: serde_json::to_value(c).unwrap_or_default(),
        records_in: c.read,
        records_out: c.written,
    }
}

impl<H: HttpClient, C: Db, O: Db, A: Archive> Tga<'_, H, C, O, A> {
    /// `sweep_statuses`: RTOs whose registration lapsed (or began) since their last edit
    /// upstream — no delta walk would see them — get their status, `org_statuses` row and
    /// a `status_change` event.
    pub(crate) async fn sweep_statuses(
        &self,
        msg: &PhaseMessage,
        state: serde_json::Value,
        now: DateTime<Utc>,
    ) -> PhaseResult {
        let at = iso(now);
        let mut c: Counted = serde_json::from_value(state).unwrap_or_default();
        let flips = cycle::status_flips(self.corpus, &at[..10], SWEEP_BATCH).await?;
        let evs: Vec<RegulatoryEvent> = flips
            .iter()
            .filter_map(|f| {
                events::status_change(
                    EntityType::Organisation,
                    &f.code,
                    Some(&f.status),
                    &f.new_status,
                )
            })
            .collect();
        self.write(
            &msg.run_id,
            &evs,
            cycle::status_flip_statements(&flips, &msg.run_id, &at)?,
            &at,
        )
        .await?;
        c.read += flips.len() as i64;
        c.written += flips.len() as i64;
        if flips.len() as i64 == SWEEP_BATCH {
            return Ok(more(&c));
        }
        Ok(PhaseOutcome::Done {
            records_in: c.read,
            records_out: c.written,
        })
    }

    /// `training_refresh` (TGA-REFRESH-01): the components refreshed longest ago (and not
    /// by this cycle's walk) are fetched again, so a change upstream forgot to date is
    /// still picked up within a rotation.
    pub(crate) async fn training_refresh(
        &self,
        msg: &PhaseMessage,
        state: serde_json::Value,
        now: DateTime<Utc>,
    ) -> PhaseResult {
        let at = iso(now);
        let mut c: Counted = serde_json::from_value(state).unwrap_or_default();
        if c.before.is_empty() {
            c.before = rtopacks_store::sync::run(self.ops, &msg.run_id)
                .await?
                .map_or_else(|| at.clone(), |r| r.created_at);
        }
        let target = i64::from(self.settings.refresh_per_cycle);
        let batch = (target - c.read).min(i64::from(self.settings.details_per_invocation));
        if batch <= 0 {
            return Ok(PhaseOutcome::Done {
                records_in: c.read,
                records_out: c.written,
            });
        }
        let due = store::stalest_components(self.corpus, &c.before, batch).await?;
        let codes: Vec<String> = due.iter().map(|d| d.code.clone()).collect();
        if !codes.is_empty() {
            let info = component_info();
            let f = self
                .details(
                    &codes,
                    |code| self.soap.component_details(code, &info, now),
                    tga::parse_component_details,
                )
                .await?;
            let cs = store::components::apply(self.corpus, &f.details, &msg.run_id, &at).await?;
            let mut corpus = cs.corpus;
            let gone: Vec<&str> = f.skipped.iter().map(|(code, _)| code.as_str()).collect();
            if !gone.is_empty() {
                corpus.push(store::touch_refreshed(&gone, &at)?);
            }
            self.write(&msg.run_id, &cs.events, corpus, &at).await?;
            c.read += codes.len() as i64;
            c.written += cs.written as i64;
        }
        if (codes.len() as i64) < batch || c.read >= target {
            return Ok(PhaseOutcome::Done {
                records_in: c.read,
                records_out: c.written,
            });
        }
        Ok(more(&c))
    }

    /// `write_log`: the cycle so far, one `ops_log` line with every phase's counts and the
    /// events by type in its detail.
    pub(crate) async fn write_log(&self, msg: &PhaseMessage, now: DateTime<Utc>) -> PhaseResult {
        let at = iso(now);
        let steps = steps_for_run(self.ops, &msg.run_id).await?;
        let evs = events_for_run(self.ops, &msg.run_id).await?;
        let by_type = by_type(&evs);
        let phases: Vec<serde_json::Value> = steps
            .iter()
            .filter(|s| s.step != "init" && s.status != "pending")
            .map(|s| serde_json::json!({"step": s.step, "status": s.status, "records_in": s.records_in, "records_out": s.records_out, "error": s.error}))
            .collect();
        let summary: Vec<String> = phases
            .iter()
            .map(|p| {
                format!(
                    "{} {} ({}/{})",
                    p["step"].as_str().unwrap_or(""),
                    p["status"].as_str().unwrap_or(""),
                    p["records_in"],
                    p["records_out"]
                )
            })
            .collect();
        let message = format!(
            "tga-sync cycle {}: {}; {} event(s)",
            msg.run_id,
            summary.join(", "),
            evs.len()
        );
        let detail = serde_json::json!({"phases": phases, "events": by_type});
        self.ops
            .run(ops_log(
                Some(&msg.run_id),
                "tga-sync",
                "info",
                &message,
                &detail,
                &at,
            ))
            .await?;
        Ok(PhaseOutcome::Done {
            records_in: phases.len() as i64,
            records_out: 1,
        })
    }

    /// `flag_restricted`: restrictions whose end date has passed are dropped (a
    /// `restriction_lifted` event when none remain), and `rtos.restricted` is set to
    /// exactly the RTOs with a restriction in force.
    pub(crate) async fn flag_restricted(
        &self,
        msg: &PhaseMessage,
        now: DateTime<Utc>,
    ) -> PhaseResult {
        let at = iso(now);
        let today = &at[..10];
        let held = store::restricted_organisations(self.corpus).await?;
        let in_force: Vec<Vec<_>> = held
            .iter()
            .map(|o| {
                restrictions_in_force_on(&o.restrictions, today)
                    .into_iter()
                    .cloned()
                    .collect()
            })
            .collect();
        let mut updated = Vec::new();
        let mut evs = Vec::new();
        for (o, now_in_force) in held.iter().zip(&in_force) {
            if now_in_force.len() != o.restrictions.len() {
                updated.push(RestrictionSet {
                    code: &o.code,
                    restrictions: now_in_force,
                });
                if now_in_force.is_empty() {
                    let what = describe(&o.restrictions);
                    evs.extend(events::restriction(&o.code, Some(true), false, &what));
                }
            }
        }
        let flagged: Vec<&str> = held
            .iter()
            .zip(&in_force)
            .filter(|(_, r)| !r.is_empty())
            .map(|(o, _)| o.code.as_str())
            .collect();
        self.write(
            &msg.run_id,
            &evs,
            cycle::restriction_statements(&updated, &flagged)?,
            &at,
        )
        .await?;
        Ok(PhaseOutcome::Done {
            records_in: held.len() as i64,
            records_out: flagged.len() as i64,
        })
    }

    /// `sync_qual_statuses`: `qualification_statuses` brought in line with the latest usage
    /// recommendations (and tombstones) in one statement.
    pub(crate) async fn sync_qual_statuses(
        &self,
        msg: &PhaseMessage,
        now: DateTime<Utc>,
    ) -> PhaseResult {
        let at = iso(now);
        let held = cycle::component_count(self.corpus).await?;
        let changed =
            cycle::reconcile_qualification_statuses(self.corpus, &msg.run_id, &at).await?;
        Ok(PhaseOutcome::Done {
            records_in: held,
            records_out: changed as i64,
        })
    }

    /// `refresh_stats`: the home page's figures, computed once and kept on the run.
    pub(crate) async fn refresh_stats(&self, msg: &PhaseMessage) -> PhaseResult {
        let s = stats::compute(self.corpus).await?;
        self.ops
            .run(
                Statement::new("UPDATE sync_runs SET detail = json_set(COALESCE(detail, '{}'), '$.stats', json(?2)) WHERE run_id = ?1")
                    .bind(msg.run_id.as_str())
                    .bind(serde_json::to_string(&s).unwrap_or_default()),
            )
            .await?;
        let figures =
            s.organisations + s.qualifications + s.units + s.skill_sets + s.accredited_courses;
        Ok(PhaseOutcome::Done {
            records_in: figures,
            records_out: 1,
        })
    }

    /// `write_snapshot`: the `tga_snapshots` row, and SENTINEL-02's end check (live totals
    /// against the volume-check baselines).
    pub(crate) async fn write_snapshot(
        &self,
        msg: &PhaseMessage,
        now: DateTime<Utc>,
    ) -> PhaseResult {
        let at = iso(now);
        #[derive(Deserialize)]
        struct Detail {
            detail: Option<String>,
        }
        let kept = self
            .ops
            .first::<Detail>(
                Statement::new("SELECT detail FROM sync_runs WHERE run_id = ?1")
                    .bind(msg.run_id.as_str()),
            )
            .await?
            .and_then(|d| d.detail)
            .and_then(|d| serde_json::from_str::<serde_json::Value>(&d).ok())
            .and_then(|d| serde_json::from_value::<stats::CorpusStats>(d["stats"].clone()).ok());
        let s = match kept {
            Some(s) => s,
            None => stats::compute(self.corpus).await?,
        };
        let live = store::live_counts(self.corpus).await?;
        let steps = steps_for_run(self.ops, &msg.run_id).await?;
        for w in [Walked::Organisations, Walked::Components] {
            let baseline = steps
                .iter()
                .find(|r| r.step == w.volume_phase() && r.status == "complete")
                .and_then(|r| r.records_in);
            if let Some(drop) = baseline.and_then(|b| {
                sentinel::check(
                    w.metric(),
                    b,
                    w.live(&live),
                    self.settings.drop_threshold_pct,
                )
            }) {
                self.ops
                    .run(insert_sentinel(&msg.run_id, KIND, &drop, "alert", &at))
                    .await?;
            }
        }
        let evs = events_for_run(self.ops, &msg.run_id).await?;
        let by_type = by_type(&evs);
        let detail = serde_json::json!({"stats": s, "live": live, "events": by_type});
        self.corpus
            .run(stats::snapshot(&msg.run_id, &s, &detail, &at))
            .await?;
        Ok(PhaseOutcome::Done {
            records_in: evs.len() as i64,
            records_out: 1,
        })
    }
}

/// This run's events counted by type (for the log line and the snapshot).
fn by_type(evs: &[EventRow]) -> std::collections::BTreeMap<&str, i64> {
    let mut out = std::collections::BTreeMap::new();
    for e in evs {
        *out.entry(e.event_type.as_str()).or_default() += 1;
    }
    out
}
