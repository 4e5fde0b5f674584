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
}
