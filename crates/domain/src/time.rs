//! The ISO-timestamp rule.
//!
//! Every stored timestamp is ISO 8601 UTC with a `T` and a `Z`, at one precision
//! (whole seconds), so that text comparison is time comparison. SQLite's
//! `datetime('now')` yields `YYYY-MM-DD HH:MM:SS` (a space, no `Z`): compared as text
//! against `...T...Z` values, the space (0x20) sorts below `T` (0x54), so a
//! same-day cutoff built in SQL is never greater than a stored value. That is how the
//! watchdog swept zero rows for eight days. Cutoffs are therefore built here, in code,
//! and bound as parameters.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use thiserror::Error;

#[derive(Debug, Error, PartialEq)]
#[error("not an ISO 8601 UTC timestamp: {0:?}")]
pub struct TimeError(pub String);

/// The one stored form: `2026-11-24T10:00:00Z`.
pub fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Parse any RFC 3339 timestamp (with offset or `Z`, any fraction) to UTC.
pub fn parse_iso(s: &str) -> Result<DateTime<Utc>, TimeError> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| TimeError(s.to_owned()))
}

/// True for the stored form exactly (what the schemas' CHECK constraints accept).
pub fn is_stored_form(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| r.into_iter().all(|i| b[i].is_ascii_digit());
    b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && b[b.len() - 1] == b'Z'
}

/// `now - age` in the stored form, for binding as a cutoff.
pub fn cutoff(now: DateTime<Utc>, age: Duration) -> String {
    iso(now - age)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        parse_iso(s).unwrap()
    }

    #[test]
    fn stored_form_has_t_and_z_and_whole_seconds() {
        let t = at("2026-11-24T10:00:00.987+10:00");
        assert_eq!(iso(t), "2026-11-24T00:00:00Z");
        assert!(is_stored_form(&iso(t)));
    }

    #[test]
    fn sqlite_datetime_form_is_not_the_stored_form() {
        assert!(!is_stored_form("2026-11-24 10:00:00"));
        assert!(parse_iso("2026-11-24 10:00:00").is_err());
    }

    #[test]
    fn text_order_is_time_order_in_the_stored_form() {
        let a = iso(at("2026-11-24T09:59:59Z"));
        let b = iso(at("2026-11-24T10:00:00Z"));
        assert!(a < b);
        // ...but not across forms: a same-day SQL datetime sorts before every ISO value.
        assert!("2026-11-24 23:59:59" < "2026-11-24T00:00:00Z");
    }

    #[test]
    fn cutoff_is_bound_text() {
        let now = at("2026-11-24T10:00:00Z");
        assert_eq!(cutoff(now, Duration::minutes(5)), "2026-11-24T09:55:00Z");
    }
}
