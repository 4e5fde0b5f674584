//! The sync phase machine: one phase per invocation, chained through a queue, resumable
//! from the stored phase pointer. And how a run's aggregate status follows from its steps.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::observatory::{steps, RunStatus};
use crate::time::iso;

/// A sync worker's cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncKind {
    TgaSync,
    CricosSync,
    EnrichSync,
}

const TGA_PHASES: &[&str] = &[
    "init",
    "volume_check_orgs",
    "volume_check_training",
    "sweep_statuses",
    "sync_training",
    "sync_orgs",
    "training_refresh",
    "write_log",
    "flag_restricted",
    "sync_qual_statuses",
    "refresh_stats",
    "write_snapshot",
];

const CRICOS_PHASES: &[&str] = &[
    "init",
    "volume_check_institutions",
    "volume_check_courses",
    "ingest_institutions",
    "ingest_courses",
    "ingest_locations",
    "ingest_course_locations",
];

const ENRICH_PHASES: &[&str] = &["init", "enrich_batch"];

impl SyncKind {
    /// The `sync_type` column value.
    pub fn sync_type(self) -> &'static str {
        match self {
            SyncKind::TgaSync => "tga_sync",
            SyncKind::CricosSync => "cricos_sync",
            SyncKind::EnrichSync => "enrich_sync",
        }
    }

    /// The worker name used in run ids and email subjects.
    pub fn worker(self) -> &'static str {
        match self {
            SyncKind::TgaSync => "tga-sync",
            SyncKind::CricosSync => "cricos-sync",
            SyncKind::EnrichSync => "enrich-sync",
        }
    }

    pub fn from_sync_type(s: &str) -> Option<Self> {
        [
            SyncKind::TgaSync,
            SyncKind::CricosSync,
            SyncKind::EnrichSync,
        ]
        .into_iter()
        .find(|k| k.sync_type() == s)
    }

    /// Every phase of a cycle, in order, `init` first.
    pub fn phases(self) -> &'static [&'static str] {
        match self {
            SyncKind::TgaSync => TGA_PHASES,
            SyncKind::CricosSync => CRICOS_PHASES,
            SyncKind::EnrichSync => ENRICH_PHASES,
        }
    }

    /// The phases `init` seeds as pending.
    pub fn planned(self) -> &'static [&'static str] {
        &self.phases()[1..]
    }

    /// The phase after `current`; `None` when the cycle is done or `current` is unknown.
    pub fn next_phase(self, current: &str) -> Option<&'static str> {
        let phases = self.phases();
        phases
            .iter()
            .position(|p| *p == current)
            .and_then(|i| phases.get(i + 1))
            .copied()
    }

    pub fn is_phase(self, name: &str) -> bool {
        self.phases().contains(&name)
    }

    /// `tga-sync-2026-11-21T16:00:00Z`: sortable, and searchable by prefix in the observatory.
    pub fn run_id(self, started: DateTime<Utc>) -> String {
        format!("{}-{}", self.worker(), iso(started))
    }
}

/// A step as the run-status rules need it: name and status, in write order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepState<'a> {
    pub step: &'a str,
    pub status: &'a str,
}

/// The run's aggregate status from its steps:
/// - every planned phase finished: `complete` if all are `complete` and the chain never
///   broke, else `partial` (a resumed run that broke once still says so);
/// - a `chain_failed` or `fatal` row, or a phase `timed_out` with nothing running after
///   it: `failed` (the chain is dead until re-triggered);
/// - otherwise `running`.
pub fn run_status(kind: SyncKind, rows: &[StepState<'_>]) -> RunStatus {
    let status_of = |name: &str| rows.iter().rev().find(|r| r.step == name).map(|r| r.status);
    let broke = rows
        .iter()
        .any(|r| (r.step == steps::CHAIN_FAILED || r.step == steps::FATAL) && r.status == "failed");
    let planned: Vec<Option<&str>> = kind.planned().iter().map(|p| status_of(p)).collect();
    let finished = |s: &Option<&str>| matches!(s, Some(x) if !matches!(*x, "pending" | "running"));
    if planned.iter().all(finished) {
        let clean = !broke && planned.iter().all(|s| *s == Some("complete"));
        return if clean {
            RunStatus::Complete
        } else {
            RunStatus::Partial
        };
    }
    if broke || (planned.contains(&Some("timed_out")) && !planned.contains(&Some("running"))) {
        return RunStatus::Failed;
    }
    RunStatus::Running
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_iso;

    fn rows<'a>(v: &[(&'a str, &'a str)]) -> Vec<StepState<'a>> {
        v.iter()
            .map(|(step, status)| StepState { step, status })
            .collect()
    }

    #[test]
    fn phases_chain_in_the_documented_order() {
        let k = SyncKind::TgaSync;
        assert_eq!(k.next_phase("init"), Some("volume_check_orgs"));
        assert_eq!(k.next_phase("sync_orgs"), Some("training_refresh"));
        assert_eq!(k.next_phase("write_snapshot"), None);
        assert_eq!(k.next_phase("no_such_phase"), None);
        assert_eq!(
            SyncKind::CricosSync.next_phase("ingest_locations"),
            Some("ingest_course_locations")
        );
        assert_eq!(k.planned().len(), 11);
        assert!(!k.planned().contains(&"init"));
        assert_eq!(
            SyncKind::from_sync_type("cricos_sync"),
            Some(SyncKind::CricosSync)
        );
    }

    #[test]
    fn run_ids_carry_the_worker_and_iso_start() {
        let t = parse_iso("2026-11-21T16:00:00Z").unwrap();
        assert_eq!(SyncKind::TgaSync.run_id(t), "tga-sync-2026-11-21T16:00:00Z");
    }

    #[test]
    fn run_status_follows_the_steps() {
        let k = SyncKind::CricosSync;
        let all = |s: &'static str| -> Vec<(&'static str, &'static str)> {
            k.phases()
                .iter()
                .map(|p| (*p, if *p == "init" { "complete" } else { s }))
                .collect()
        };
        assert_eq!(run_status(k, &rows(&all("pending"))), RunStatus::Running);
        assert_eq!(run_status(k, &rows(&all("complete"))), RunStatus::Complete);
        let mut partial = all("complete");
        partial[4].1 = "failed";
        assert_eq!(run_status(k, &rows(&partial)), RunStatus::Partial);
        let mut died = all("pending");
        died[3].1 = "timed_out";
        assert_eq!(run_status(k, &rows(&died)), RunStatus::Failed);
        let mut chain = all("pending");
        chain.push(("chain_failed", "failed"));
        assert_eq!(run_status(k, &rows(&chain)), RunStatus::Failed);
        // Resumed after the break and finished: it ran every phase, but not cleanly.
        let mut resumed = all("complete");
        resumed.push(("chain_failed", "failed"));
        assert_eq!(run_status(k, &rows(&resumed)), RunStatus::Partial);
    }
}
