//! NOTIFY-01: the once-per-cycle email. SENTINEL-02 drops lead it; then each phase with
//! its records and error; then "What changed", from this run's regulatory events (the same
//! rows the observatory feed shows).

use rtopacks_domain::email::EmailMessage;
use rtopacks_domain::observatory::RunStatus;
use rtopacks_domain::sync::SyncKind;
use rtopacks_store::observatory::steps_for_run;
use rtopacks_store::sync::events_for_run;
use rtopacks_store::{Db, Statement, StoreError};
use serde::Deserialize;

/// How many events the email lists before "and N more".
pub const MAX_EVENTS: usize = 50;

#[derive(Deserialize)]
struct Drop {
    metric: String,
    baseline: Option<i64>,
    observed: Option<i64>,
    drop_pct: Option<f64>,
}

/// The cycle email of `run_id`, ready for the email layer.
pub async fn cycle_email(
    ops: &impl Db,
    kind: SyncKind,
    run_id: &str,
    status: RunStatus,
    from: &str,
    to: &str,
) -> Result<EmailMessage, StoreError> {
    let drops: Vec<Drop> = ops
        .all(Statement::new("SELECT metric, baseline, observed, drop_pct FROM sentinel_log WHERE run_id = ?1 ORDER BY id").bind(run_id))
        .await?;
    let steps = steps_for_run(ops, run_id).await?;
    let events = events_for_run(ops, run_id).await?;

    let mut text = String::new();
    for d in &drops {
        text += &format!(
            "SENTINEL-02: {} dropped {:.1}% ({} → {}); nothing was deleted.\n",
            d.metric,
            d.drop_pct.unwrap_or(0.0),
            d.baseline.unwrap_or(0),
            d.observed.unwrap_or(0)
        );
    }
    if !drops.is_empty() {
        text.push('\n');
    }
    text += &format!("Run {run_id}: {}\n\nPhases:\n", status.as_str());
    for s in steps.iter().filter(|s| s.step != "init") {
        let counts = match (s.records_in, s.records_out) {
            (Some(i), Some(o)) => format!(" — in {i}, out {o}"),
            _ => String::new(),
        };
        let error = s
            .error
            .as_deref()
            .map(|e| format!(" — {e}"))
            .unwrap_or_default();
        text += &format!("  {}: {}{counts}{error}\n", s.step, s.status);
    }
    text += "\nWhat changed:\n";
    if events.is_empty() {
        text += "  nothing\n";
    }
    for e in events.iter().take(MAX_EVENTS) {
        text += &format!("  {}\n", e.detail.as_deref().unwrap_or(&e.entity_code));
    }
    if events.len() > MAX_EVENTS {
        text += &format!(
            "  …and {} more (admin → Observatory → Regulatory events)\n",
            events.len() - MAX_EVENTS
        );
    }

    let subject = match status {
        RunStatus::Complete => format!("[{}] cycle complete", kind.worker()),
        other => format!("[{}] cycle complete ({})", kind.worker(), other.as_str()),
    };
    Ok(EmailMessage {
        idempotency_key: format!("{}/{run_id}/cycle-complete", kind.worker()),
        from: from.to_owned(),
        to: vec![to.to_owned()],
        subject,
        text,
        html: None,
        reply_to: None,
        tags: vec![
            ("category".into(), "notify-01".into()),
            ("sync".into(), kind.sync_type().into()),
        ],
        secret_body: false,
    })
}
