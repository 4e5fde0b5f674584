//! The observatory's vocabulary (observatory guide v2.0): step statuses, run statuses,
//! the step taxonomy, OBS-ALIGN-01's "last status" rule and OBS-WATCHDOG-01's sweep.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::time;

/// A step row's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Pending,
    Running,
    Complete,
    Failed,
    TimedOut,
    Error,
    NotImplemented,
}

impl StepStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Pending => "pending",
            StepStatus::Running => "running",
            StepStatus::Complete => "complete",
            StepStatus::Failed => "failed",
            StepStatus::TimedOut => "timed_out",
            StepStatus::Error => "error",
            StepStatus::NotImplemented => "not_implemented",
        }
    }

    /// A status that ends the step (no further writes expected).
    pub fn is_terminal(self) -> bool {
        !matches!(self, StepStatus::Pending | StepStatus::Running)
    }
}

/// A run row's aggregate status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Running,
    Complete,
    Partial,
    Failed,
    Stale,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Complete => "complete",
            RunStatus::Partial => "partial",
            RunStatus::Failed => "failed",
            RunStatus::Stale => "stale",
        }
    }
}

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggeredBy {
    Cron,
    Manual,
}

impl TriggeredBy {
    pub fn as_str(self) -> &'static str {
        match self {
            TriggeredBy::Cron => "cron",
            TriggeredBy::Manual => "manual",
        }
    }
}

/// Step names with a meaning of their own (the rest are each sync's workflow phases).
pub mod steps {
    /// Run started; seeds pending rows for the steps to come.
    pub const INIT: &str = "init";
    /// SYNC-CHAIN-01: the queue send to the next phase threw.
    pub const CHAIN_FAILED: &str = "chain_failed";
    /// An unhandled error mid-phase.
    pub const FATAL: &str = "fatal";
    /// SENTINEL-02 baseline steps share this prefix.
    pub const VOLUME_CHECK_PREFIX: &str = "volume_check_";
}

/// OBS-ALIGN-01: the steps that may decide a run's "last status" on both the card and
/// the log. `init` and the volume-check baselines complete instantly and would make every
/// run look complete; `chain_failed` and `fatal` are kept so a broken chain shows as failed.
pub fn counts_for_last_status(step: &str) -> bool {
    step != steps::INIT && !step.starts_with(steps::VOLUME_CHECK_PREFIX)
}

/// The error text of a `chain_failed` row.
pub fn chain_failed_error(next_phase: &str, cause: &str) -> String {
    format!("chain_break: queue send failed advancing to phase={next_phase}: {cause}")
}

/// OBS-WATCHDOG-01: how long a step may sit in `running` before the sweep.
pub fn watchdog_stuck_after() -> Duration {
    Duration::minutes(5)
}

/// The error the sweep writes when the worker left none (an existing error is kept).
pub const WATCHDOG_ERROR: &str = "watchdog_swept: stuck running > 5 minutes";

/// The sweep's cutoff, built in code and bound (never `datetime('now', '-5 minutes')`).
pub fn watchdog_cutoff(now: DateTime<Utc>) -> String {
    time::cutoff(now, watchdog_stuck_after())
}

impl StepStatus {
    /// The stored spelling back to the status (`None` for anything else).
    pub fn parse(s: &str) -> Option<Self> {
        [
            StepStatus::Pending,
            StepStatus::Running,
            StepStatus::Complete,
            StepStatus::Failed,
            StepStatus::TimedOut,
            StepStatus::Error,
            StepStatus::NotImplemented,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    /// `failed`, `error` or `timed_out`: the step went wrong (a watchdog sweep included).
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            StepStatus::Failed | StepStatus::Error | StepStatus::TimedOut
        )
    }
}

impl RunStatus {
    /// The stored spelling back to the status (`None` for anything else).
    pub fn parse(s: &str) -> Option<Self> {
        [
            RunStatus::Running,
            RunStatus::Complete,
            RunStatus::Partial,
            RunStatus::Failed,
            RunStatus::Stale,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// The guide's step taxonomy, as the drill-down labels each row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepCategory {
    /// The actual work (`init` and each sync's phases).
    Workflow,
    /// SENTINEL-02's `volume_check_*` rows: complete instantly at cycle start.
    Baseline,
    /// `chain_failed` and `fatal`: written when the chain breaks.
    Failure,
}

impl StepCategory {
    pub fn of(step: &str) -> Self {
        if step.starts_with(steps::VOLUME_CHECK_PREFIX) {
            StepCategory::Baseline
        } else if step == steps::CHAIN_FAILED || step == steps::FATAL {
            StepCategory::Failure
        } else {
            StepCategory::Workflow
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StepCategory::Workflow => "workflow",
            StepCategory::Baseline => "baseline",
            StepCategory::Failure => "failure",
        }
    }
}

/// A running run with no step write for this long is `stale`. A live chain writes
/// often: every invocation re-stamps its step's `started_at` and every phase end stamps
/// `completed_at`, and the watchdog turns a step left `running` for 5 minutes into
/// `timed_out` within 10 more. Thirty minutes of silence (the guide's "stuck > 30 min")
/// therefore means the chain is dead without a row saying so: a dropped message, or the
/// watchdog itself not running.
pub fn stale_after() -> Duration {
    Duration::minutes(30)
}

/// [`stale_after`] before `now`, in stored form, for binding.
pub fn stale_cutoff(now: DateTime<Utc>) -> String {
    time::cutoff(now, stale_after())
}

/// Runs older than this are shown dimmed (all history is kept; there is no TTL).
pub fn dim_after() -> Duration {
    Duration::days(7)
}

/// [`dim_after`] before `now`, in stored form.
pub fn dim_cutoff(now: DateTime<Utc>) -> String {
    time::cutoff(now, dim_after())
}

/// Whole seconds from `start` to `end`, when both are known and in order.
pub fn duration_secs(start: Option<&str>, end: Option<&str>) -> Option<i64> {
    let start = time::parse_iso(start?).ok()?;
    let end = time::parse_iso(end?).ok()?;
    let secs = (end - start).num_seconds();
    (secs >= 0).then_some(secs)
}

/// One `tga_sync_steps` row as the "last status" rule reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFacts<'a> {
    pub id: i64,
    pub step: &'a str,
    pub status: StepStatus,
    pub error: Option<&'a str>,
    pub started_at: Option<&'a str>,
    pub completed_at: Option<&'a str>,
    pub created_at: &'a str,
}

impl<'a> StepFacts<'a> {
    /// When the step last changed state: finished, else started, else seeded.
    fn at(&self) -> &'a str {
        self.completed_at
            .or(self.started_at)
            .unwrap_or(self.created_at)
    }

    /// The latest time this row was written (any write is a sign of life).
    fn activity(&self) -> &'a str {
        let mut t = self.created_at;
        for x in [self.started_at, self.completed_at].into_iter().flatten() {
            t = t.max(x);
        }
        t
    }

    /// Precedence when picking the step that decides: a failure, then a running step,
    /// then any finished one.
    fn rank(&self) -> u8 {
        match self.status {
            s if s.is_failure() => 3,
            StepStatus::Running => 2,
            StepStatus::Pending => 1,
            _ => 0,
        }
    }
}

/// The `sync_runs` row of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFacts<'a> {
    /// `sync_runs.status` as the chain last wrote it.
    pub stored: RunStatus,
    pub created_at: &'a str,
    pub error: Option<&'a str>,
}

/// What the card and the log show for a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown<'a> {
    pub status: RunStatus,
    /// The step the status was read from: the newest failed step, else the newest
    /// running one, else the newest finished one (pending rows never decide).
    pub last_step: Option<&'a str>,
    /// `last_step` when it failed, errored or timed out.
    pub failed_step: Option<&'a str>,
    /// The failed step's error, else the run row's.
    pub error: Option<&'a str>,
    /// The latest write to the run (its row or any of its steps).
    pub last_activity: &'a str,
}

/// OBS-ALIGN-01, the one "last status" rule of the card and the log (the SQL in
/// `rtopacks_store::console` computes exactly this; a test holds them together).
///
/// Only workflow steps count ([`counts_for_last_status`]: not `init`, not
/// `volume_check_*`; `chain_failed` and `fatal` do). `init` seeds a `pending` row for
/// every later step, and the writer updates rows in place, so "the newest row by id" is
/// usually a pending seed with a failed step hidden behind it. Instead the steps are
/// read as a whole:
/// 1. a failed, errored or timed-out step: `failed`, or `partial` when the run row says
///    the cycle finished as `partial` (it ran on past the failure; the guide's partial);
/// 2. a running or pending step: the cycle is in progress, unless the run row says it
///    finished (`complete`/`partial`/`failed`), which then stands;
/// 3. every step finished cleanly (`complete`, `not_implemented`): `complete`, unless
///    the run row says `partial` (SENTINEL-02 held deletions back) or `failed`;
/// 4. no workflow step yet: the run row's status.
///
/// In progress is `running`, or `stale` when the run row says so or nothing was written
/// to the run since `stale_cutoff` ([`stale_cutoff`]).
pub fn shown<'a>(run: &RunFacts<'a>, steps: &[StepFacts<'a>], stale_cutoff: &str) -> Shown<'a> {
    let work: Vec<&StepFacts<'a>> = steps
        .iter()
        .filter(|s| counts_for_last_status(s.step))
        .collect();
    let progress = work.iter().map(|s| s.rank()).max();
    let deciding = work
        .iter()
        .filter(|s| s.status != StepStatus::Pending)
        .max_by(|a, b| (a.rank(), a.at(), a.id).cmp(&(b.rank(), b.at(), b.id)));
    let last_activity = steps
        .iter()
        .map(|s| s.activity())
        .fold(run.created_at, |a, b| a.max(b));
    let finished = matches!(
        run.stored,
        RunStatus::Complete | RunStatus::Partial | RunStatus::Failed
    );
    let in_progress = || {
        if run.stored == RunStatus::Stale || last_activity < stale_cutoff {
            RunStatus::Stale
        } else {
            RunStatus::Running
        }
    };
    let status = match progress {
        Some(3) if run.stored == RunStatus::Partial => RunStatus::Partial,
        Some(3) => RunStatus::Failed,
        Some(0) if matches!(run.stored, RunStatus::Partial | RunStatus::Failed) => run.stored,
        Some(0) => RunStatus::Complete,
        _ if finished => run.stored,
        _ => in_progress(),
    };
    let failed = deciding.filter(|s| s.status.is_failure());
    Shown {
        status,
        last_step: deciding.map(|s| s.step),
        failed_step: failed.map(|s| s.step),
        error: failed.and_then(|s| s.error).or(run.error),
        last_activity,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_status_rule_skips_init_and_baselines_but_keeps_chain_failures() {
        assert!(!counts_for_last_status("init"));
        assert!(!counts_for_last_status("volume_check_orgs"));
        assert!(!counts_for_last_status("volume_check_courses"));
        assert!(counts_for_last_status("sync_orgs"));
        assert!(counts_for_last_status("chain_failed"));
        assert!(counts_for_last_status("fatal"));
    }

    #[test]
    fn watchdog_cutoff_is_five_minutes_before_now_in_stored_form() {
        let now = time::parse_iso("2026-11-24T10:00:00Z").unwrap();
        assert_eq!(watchdog_cutoff(now), "2026-11-24T09:55:00Z");
    }

    #[test]
    fn statuses_spell_as_the_guide_does() {
        assert_eq!(StepStatus::TimedOut.as_str(), "timed_out");
        assert_eq!(StepStatus::NotImplemented.as_str(), "not_implemented");
        assert!(StepStatus::Failed.is_terminal());
        assert!(!StepStatus::Pending.is_terminal());
        assert_eq!(RunStatus::Partial.as_str(), "partial");
        assert_eq!(
            chain_failed_error("sync_orgs", "boom"),
            "chain_break: queue send failed advancing to phase=sync_orgs: boom"
        );
    }

    const T0: &str = "2026-11-24T10:00:00Z";

    fn step<'a>(id: i64, step: &'a str, status: StepStatus, at: &'a str) -> StepFacts<'a> {
        let finished = status.is_terminal();
        StepFacts {
            id,
            step,
            status,
            error: status.is_failure().then_some("HTTP 500 from GetDetails"),
            started_at: (status != StepStatus::Pending).then_some(at),
            completed_at: finished.then_some(at),
            created_at: T0,
        }
    }

    fn running_run(created_at: &str) -> RunFacts<'_> {
        RunFacts {
            stored: RunStatus::Running,
            created_at,
            error: None,
        }
    }

    /// `init` complete and a pending seed for every later phase, ids in plan order.
    fn seeded(phases: &[&'static str]) -> Vec<StepFacts<'static>> {
        let mut v = vec![step(1, "init", StepStatus::Complete, T0)];
        for (i, p) in phases.iter().enumerate() {
            v.push(step(i as i64 + 2, p, StepStatus::Pending, T0));
        }
        v
    }

    fn set(v: &mut [StepFacts<'static>], name: &str, status: StepStatus, at: &'static str) {
        let row = v.iter_mut().find(|s| s.step == name).unwrap();
        let id = row.id;
        *row = step(id, row.step, status, at);
    }

    const CUTOFF: &str = "2026-11-24T09:40:00Z"; // 30 minutes before 10:10

    #[test]
    fn a_failed_step_is_not_hidden_behind_the_pending_seeds() {
        let phases = ["volume_check_orgs", "sync_orgs", "write_snapshot"];
        let mut rows = seeded(&phases);
        set(&mut rows, "volume_check_orgs", StepStatus::Complete, T0);
        set(
            &mut rows,
            "sync_orgs",
            StepStatus::Failed,
            "2026-11-24T10:05:00Z",
        );
        // The old picker (newest counting row by id) reads the pending seed.
        let newest = rows.iter().rev().find(|r| counts_for_last_status(r.step));
        assert_eq!(newest.unwrap().status, StepStatus::Pending);
        let s = shown(&running_run(T0), &rows, CUTOFF);
        assert_eq!(s.status, RunStatus::Failed);
        assert_eq!(s.failed_step, Some("sync_orgs"));
        assert_eq!(s.last_step, Some("sync_orgs"));
        assert_eq!(s.error, Some("HTTP 500 from GetDetails"));
    }

    #[test]
    fn a_baseline_that_completes_first_does_not_finish_the_run() {
        // trf02: sync_orgs still running when the volume check row completes.
        let rows = vec![
            step(1, "init", StepStatus::Complete, T0),
            step(2, "sync_orgs", StepStatus::Running, "2026-11-24T10:01:00Z"),
            step(
                3,
                "volume_check_orgs",
                StepStatus::Complete,
                "2026-11-24T10:02:00Z",
            ),
        ];
        let s = shown(&running_run(T0), &rows, CUTOFF);
        assert_eq!(
            (s.status, s.last_step),
            (RunStatus::Running, Some("sync_orgs"))
        );
        assert_eq!(s.last_activity, "2026-11-24T10:02:00Z");
    }

    #[test]
    fn pending_between_phases_is_in_progress_and_goes_stale_when_silent() {
        let mut rows = seeded(&["sync_training", "sync_orgs"]);
        set(
            &mut rows,
            "sync_training",
            StepStatus::Complete,
            "2026-11-24T10:03:00Z",
        );
        let s = shown(&running_run(T0), &rows, CUTOFF);
        assert_eq!(
            (s.status, s.last_step),
            (RunStatus::Running, Some("sync_training"))
        );
        // Nothing written since 10:03: at 10:40 the chain is dead.
        let s = shown(&running_run(T0), &rows, "2026-11-24T10:10:00Z");
        assert_eq!(s.status, RunStatus::Stale);
        // A stored `stale` is kept while the steps are still in progress.
        let run = RunFacts {
            stored: RunStatus::Stale,
            ..running_run(T0)
        };
        assert_eq!(shown(&run, &rows, CUTOFF).status, RunStatus::Stale);
    }

    #[test]
    fn the_run_row_and_the_steps_combine() {
        let mut rows = seeded(&["volume_check_orgs", "sync_orgs", "write_snapshot"]);
        for p in ["volume_check_orgs", "sync_orgs", "write_snapshot"] {
            set(&mut rows, p, StepStatus::Complete, "2026-11-24T10:04:00Z");
        }
        let with = |stored| RunFacts {
            stored,
            created_at: T0,
            error: None,
        };
        // All complete: complete even before the run row is settled.
        assert_eq!(
            shown(&with(RunStatus::Running), &rows, CUTOFF).status,
            RunStatus::Complete
        );
        // SENTINEL-02 held deletions back: the run row's partial stands.
        assert_eq!(
            shown(&with(RunStatus::Partial), &rows, CUTOFF).status,
            RunStatus::Partial
        );
        // A failed step beats a run row that says complete...
        set(
            &mut rows,
            "sync_orgs",
            StepStatus::TimedOut,
            "2026-11-24T10:09:00Z",
        );
        let s = shown(&with(RunStatus::Complete), &rows, CUTOFF);
        assert_eq!(
            (s.status, s.failed_step),
            (RunStatus::Failed, Some("sync_orgs"))
        );
        // ...and a cycle that ran on past it and settled partial says partial, step shown.
        let s = shown(&with(RunStatus::Partial), &rows, CUTOFF);
        assert_eq!(
            (s.status, s.failed_step),
            (RunStatus::Partial, Some("sync_orgs"))
        );
        // The newest of two failures decides; chain_failed counts.
        rows.push(step(
            9,
            "chain_failed",
            StepStatus::Failed,
            "2026-11-24T10:20:00Z",
        ));
        let s = shown(&with(RunStatus::Running), &rows, CUTOFF);
        assert_eq!(
            (s.status, s.failed_step),
            (RunStatus::Failed, Some("chain_failed"))
        );
    }

    #[test]
    fn a_run_without_workflow_steps_shows_its_row() {
        let rows = vec![step(1, "init", StepStatus::Complete, T0)];
        let run = RunFacts {
            stored: RunStatus::Failed,
            created_at: T0,
            error: Some("chain_failed"),
        };
        let s = shown(&run, &rows, CUTOFF);
        assert_eq!(
            (s.status, s.last_step, s.error),
            (RunStatus::Failed, None, Some("chain_failed"))
        );
        let s = shown(&running_run(T0), &[], CUTOFF);
        assert_eq!((s.status, s.last_activity), (RunStatus::Running, T0));
        assert_eq!(
            shown(&running_run("2026-11-24T09:00:00Z"), &[], CUTOFF).status,
            RunStatus::Stale
        );
    }

    #[test]
    fn vocabulary_round_trips_and_categories_follow_the_guide() {
        for s in [
            "pending",
            "running",
            "complete",
            "failed",
            "timed_out",
            "error",
            "not_implemented",
        ] {
            assert_eq!(StepStatus::parse(s).unwrap().as_str(), s);
        }
        for s in ["running", "complete", "partial", "failed", "stale"] {
            assert_eq!(RunStatus::parse(s).unwrap().as_str(), s);
        }
        assert_eq!(StepStatus::parse("Failed"), None);
        assert!(StepStatus::TimedOut.is_failure() && !StepStatus::NotImplemented.is_failure());
        assert_eq!(StepCategory::of("init"), StepCategory::Workflow);
        assert_eq!(
            StepCategory::of("volume_check_courses"),
            StepCategory::Baseline
        );
        assert_eq!(StepCategory::of("chain_failed").as_str(), "failure");
        assert_eq!(StepCategory::of("fatal"), StepCategory::Failure);
        let now = time::parse_iso("2026-11-24T10:00:00Z").unwrap();
        assert_eq!(stale_cutoff(now), "2026-11-24T09:30:00Z");
        assert_eq!(dim_cutoff(now), "2026-11-17T10:00:00Z");
        assert_eq!(
            duration_secs(Some(T0), Some("2026-11-24T10:01:05Z")),
            Some(65)
        );
        assert_eq!(duration_secs(Some(T0), None), None);
        assert_eq!(duration_secs(Some("2026-11-24T10:01:05Z"), Some(T0)), None);
    }
}
