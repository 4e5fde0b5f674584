//! The injectable clock. Workers read "now" once per invocation from here and pass it
//! down as a value; the domain and store layers never read a clock.
//!
//! In tests the harness binds a `TEST_CLOCK` service answering the test's current time,
//! so tests move time without sleeping. Production never declares that binding (a test
//! over `wrangler/` enforces it), so there the clock is the platform's.

use chrono::{DateTime, Utc};

/// Milliseconds since the epoch to UTC (what `Date.now()` and `scheduledTime` carry).
pub fn from_millis(ms: f64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms as i64).unwrap_or_default()
}

#[cfg(target_arch = "wasm32")]
pub async fn now(env: &worker::Env) -> worker::Result<DateTime<Utc>> {
    use crate::bindings::TEST_CLOCK;
    match env.service(TEST_CLOCK) {
        Ok(clock) => {
            let mut res = clock.fetch("http://clock/now", None).await?;
            let text = res.text().await?;
            rtopacks_domain::time::parse_iso(&text)
                .map_err(|e| worker::Error::RustError(e.to_string()))
        }
        Err(_) => Ok(from_millis(worker::Date::now().as_millis() as f64)),
    }
}
