//! Phase-per-invocation sync chains (worker-patterns): each queue message runs one phase
//! (or one bounded slice of a long phase), records it through the step writer, moves the
//! D1 phase pointer, and sends the next message. The pointer is written *before* the
//! send, so a failed send (`chain_failed`), a dead isolate (watchdog `timed_out`) or a
//! redelivered message all leave a state `/trigger` can resume from.
//!
//! Every message carries a sequence number that must match the pointer's: a duplicate or
//! stale delivery is acknowledged and ignored, so at-least-once delivery does no harm.

use chrono::{DateTime, Utc};
use rtopacks_domain::observatory::{RunStatus, StepStatus, TriggeredBy};
use rtopacks_domain::sync::{run_status, StepState, SyncKind};
use rtopacks_domain::time::iso;
use rtopacks_store::observatory::steps_for_run;
use rtopacks_store::sync::{create_run, read_cursor, set_run_status, write_cursor, Cursor};
use rtopacks_store::{Db, Statement, StoreError};
use serde::{Deserialize, Serialize};

use crate::observatory::StepWriter;

/// The body of a chain queue message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseMessage {
    pub sync_type: String,
    pub run_id: String,
    pub phase: String,
    pub seq: u64,
    pub triggered_by: TriggeredBy,
}

/// Sends the next message (the worker's own queue binding; a fake in tests).
pub trait ChainQueue {
    async fn send(&self, msg: &PhaseMessage) -> Result<(), String>;
}

/// The phases of one sync (the worker glue calls this once per invocation).
pub trait PhaseRunner {
    /// Database errors come back as `Err` (the chain writes `fatal`); upstream and payload
    /// errors as `Ok(PhaseOutcome::Failed)`.
    async fn run_phase(
        &self,
        msg: &PhaseMessage,
        state: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<PhaseOutcome, StoreError>;
}

/// What a phase invocation reports. Counts are the phase's running totals.
#[derive(Debug, Clone, PartialEq)]
pub enum PhaseOutcome {
    Done {
        records_in: i64,
        records_out: i64,
    },
    /// More work in this phase: run it again with `state` in a new invocation.
    More {
        state: serde_json::Value,
        records_in: i64,
        records_out: i64,
    },
    /// The phase failed (upstream or payload error, text for the step row); the cycle
    /// carries on with the next phase and ends `partial`.
    Failed {
        error: String,
    },
}

/// What happened to a chain step.
#[derive(Debug, Clone, PartialEq)]
pub enum Advance {
    Sent(PhaseMessage),
    ChainFailed { next_phase: String, error: String },
    Finished(RunStatus),
}

#[derive(Serialize, Deserialize, Default)]
struct Pointer {
    seq: u64,
    #[serde(default)]
    state: serde_json::Value,
}

pub struct Chain<'a, D: Db, Q: ChainQueue> {
    pub ops: &'a D,
    pub queue: &'a Q,
    pub kind: SyncKind,
}

impl<'a, D: Db, Q: ChainQueue> Chain<'a, D, Q> {
    pub fn new(ops: &'a D, queue: &'a Q, kind: SyncKind) -> Self {
        Chain { ops, queue, kind }
    }

    fn writer(&self, run_id: &str, by: TriggeredBy) -> StepWriter<'a, D> {
        StepWriter::new(self.ops, run_id, self.kind.sync_type(), by)
    }

    fn pointer(cursor: &Cursor) -> Pointer {
        cursor
            .phase_state
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default()
    }

    fn cursor_write(
        &self,
        run_id: &str,
        phase: Option<&str>,
        seq: u64,
        state: serde_json::Value,
        now: &str,
    ) -> Statement {
        let pointer = serde_json::to_string(&Pointer { seq, state }).unwrap_or_default();
        write_cursor(
            self.kind,
            &Cursor {
                run_id: Some(run_id.into()),
                cycle_phase: phase.map(Into::into),
                phase_state: Some(pointer),
            },
            now,
        )
    }

    /// Start a new cycle: a `sync_runs` row, `init` (pending rows for every phase), the
    /// pointer at the first phase, and its message.
    pub async fn start(&self, by: TriggeredBy, now: DateTime<Utc>) -> Result<Advance, StoreError> {
        let at = iso(now);
        let first = self.kind.planned()[0];
        // Two cycles started in the same second (a cron and a manual trigger) get distinct ids.
        let base = self.kind.run_id(now);
        let mut run_id = base.clone();
        for n in 2.. {
            if self
                .ops
                .run(create_run(&run_id, self.kind, by.as_str(), &at))
                .await?
                .changes
                == 1
            {
                break;
            }
            run_id = format!("{base}-{n}");
        }
        self.ops
            .run(self.cursor_write(&run_id, Some(first), 1, serde_json::Value::Null, &at))
            .await?;
        self.writer(&run_id, by)
            .init(self.kind.planned(), now)
            .await?;
        let msg = PhaseMessage {
            sync_type: self.kind.sync_type().into(),
            run_id,
            phase: first.into(),
            seq: 1,
            triggered_by: by,
        };
        self.send(msg, now).await
    }

    /// `/trigger`: resume an unfinished cycle from its stored pointer (with the phase's
    /// saved state and a new sequence number, so a late copy of the old message is
    /// ignored), or start a new cycle when none is unfinished.
    pub async fn resume(&self, now: DateTime<Utc>) -> Result<Advance, StoreError> {
        let cursor = read_cursor(self.ops, self.kind).await?;
        let (Some(run_id), Some(phase)) = (cursor.run_id.clone(), cursor.cycle_phase.clone())
        else {
            return self.start(TriggeredBy::Manual, now).await;
        };
        let at = iso(now);
        let p = Self::pointer(&cursor);
        let seq = p.seq + 1;
        self.ops
            .batch(vec![
                self.cursor_write(&run_id, Some(&phase), seq, p.state, &at),
                set_run_status(&run_id, RunStatus::Running.as_str(), None, None),
            ])
            .await?;
        let msg = PhaseMessage {
            sync_type: self.kind.sync_type().into(),
            run_id,
            phase,
            seq,
            triggered_by: TriggeredBy::Manual,
        };
        self.send(msg, now).await
    }

    /// Take a delivered message: `Some(state)` when it is the one the pointer expects (the
    /// step is marked running), `None` for a stale or duplicate delivery (ack and drop).
    pub async fn accept(
        &self,
        msg: &PhaseMessage,
        now: DateTime<Utc>,
    ) -> Result<Option<serde_json::Value>, StoreError> {
        let cursor = read_cursor(self.ops, self.kind).await?;
        let p = Self::pointer(&cursor);
        let current = cursor.run_id.as_deref() == Some(msg.run_id.as_str())
            && cursor.cycle_phase.as_deref() == Some(msg.phase.as_str())
            && p.seq == msg.seq
            && self.kind.is_phase(&msg.phase);
        if !current {
            return Ok(None);
        }
        self.writer(&msg.run_id, msg.triggered_by)
            .start(&msg.phase, None, now)
            .await?;
        Ok(Some(p.state))
    }

    /// Record the phase's outcome, move the pointer, and send the next message (or
    /// finish the run).
    pub async fn finish_phase(
        &self,
        msg: &PhaseMessage,
        outcome: PhaseOutcome,
        now: DateTime<Utc>,
    ) -> Result<Advance, StoreError> {
        let w = self.writer(&msg.run_id, msg.triggered_by);
        let at = iso(now);
        let seq = msg.seq + 1;
        let next = |phase: &str| PhaseMessage {
            phase: phase.into(),
            seq,
            ..msg.clone()
        };
        match outcome {
            PhaseOutcome::More {
                state,
                records_in,
                records_out,
            } => {
                self.ops
                    .batch(vec![
                        rtopacks_store::observatory::upsert_step(
                            &rtopacks_store::observatory::StepWrite {
                                run_id: &msg.run_id,
                                sync_type: self.kind.sync_type(),
                                step: &msg.phase,
                                status: StepStatus::Running,
                                triggered_by: msg.triggered_by,
                                records_in: Some(records_in),
                                records_out: Some(records_out),
                                error: None,
                                started_at: None,
                                completed_at: None,
                                now: &at,
                            },
                        ),
                        self.cursor_write(&msg.run_id, Some(&msg.phase), seq, state, &at),
                    ])
                    .await?;
                return self.send(next(&msg.phase), now).await;
            }
            PhaseOutcome::Done {
                records_in,
                records_out,
            } => w.complete(&msg.phase, records_in, records_out, now).await?,
            PhaseOutcome::Failed { error } => w.fail(&msg.phase, &error, now).await?,
        }
        match self.kind.next_phase(&msg.phase) {
            Some(phase) => {
                self.ops
                    .run(self.cursor_write(
                        &msg.run_id,
                        Some(phase),
                        seq,
                        serde_json::Value::Null,
                        &at,
                    ))
                    .await?;
                self.send(next(phase), now).await
            }
            None => {
                self.ops
                    .run(self.cursor_write(&msg.run_id, None, seq, serde_json::Value::Null, &at))
                    .await?;
                let status = self.settle(&msg.run_id, now).await?;
                Ok(Advance::Finished(status))
            }
        }
    }

    /// An unhandled error mid-phase: a `fatal` row and a failed run. The pointer stays at
    /// the phase, so `/trigger` retries it.
    pub async fn fatal(
        &self,
        msg: &PhaseMessage,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.writer(&msg.run_id, msg.triggered_by)
            .fatal(error, now)
            .await?;
        self.ops
            .run(set_run_status(
                &msg.run_id,
                RunStatus::Failed.as_str(),
                Some(error),
                None,
            ))
            .await?;
        Ok(())
    }

    /// The run's final status from its steps; a SENTINEL-02 drop makes a clean run `partial`.
    pub async fn settle(&self, run_id: &str, now: DateTime<Utc>) -> Result<RunStatus, StoreError> {
        let rows = steps_for_run(self.ops, run_id).await?;
        let states: Vec<StepState<'_>> = rows
            .iter()
            .map(|r| StepState {
                step: &r.step,
                status: &r.status,
            })
            .collect();
        let mut status = run_status(self.kind, &states);
        #[derive(Deserialize)]
        struct N {
            n: i64,
        }
        let drops: Option<N> = self
            .ops
            .first(
                Statement::new("SELECT count(*) AS n FROM sentinel_log WHERE run_id = ?1")
                    .bind(run_id),
            )
            .await?;
        if status == RunStatus::Complete && drops.is_some_and(|d| d.n > 0) {
            status = RunStatus::Partial;
        }
        let done = matches!(
            status,
            RunStatus::Complete | RunStatus::Partial | RunStatus::Failed
        )
        .then(|| iso(now));
        self.ops
            .run(set_run_status(
                run_id,
                status.as_str(),
                None,
                done.as_deref(),
            ))
            .await?;
        Ok(status)
    }

    async fn send(&self, msg: PhaseMessage, now: DateTime<Utc>) -> Result<Advance, StoreError> {
        match self.queue.send(&msg).await {
            Ok(()) => Ok(Advance::Sent(msg)),
            Err(error) => {
                self.writer(&msg.run_id, msg.triggered_by)
                    .chain_failed(&msg.phase, &error, now)
                    .await?;
                self.ops
                    .run(set_run_status(
                        &msg.run_id,
                        RunStatus::Failed.as_str(),
                        Some("chain_failed"),
                        None,
                    ))
                    .await?;
                Ok(Advance::ChainFailed {
                    next_phase: msg.phase,
                    error,
                })
            }
        }
    }
}

/// A Workers queue as the chain's next-message sender.
#[cfg(target_arch = "wasm32")]
pub struct QueueChain(pub worker::Queue);

#[cfg(target_arch = "wasm32")]
impl ChainQueue for QueueChain {
    async fn send(&self, msg: &PhaseMessage) -> Result<(), String> {
        self.0.send(msg).await.map_err(|e| e.to_string())
    }
}
