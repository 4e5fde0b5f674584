//! Numbers and times written for people. Times stay in UTC and say so: the platform
//! stores UTC, and a page that silently shifted zones would be wrong for half its readers.

use rtopacks_domain::time::parse_iso;

/// `2026-11-24T10:00:00Z` → `24 Nov 2026 10:00 UTC`. Anything that is not a timestamp is
/// returned as it came (showing the raw text beats hiding it).
pub fn timestamp(iso: &str) -> String {
    match parse_iso(iso) {
        Ok(t) => t.format("%-d %b %Y %H:%M UTC").to_string(),
        Err(_) => iso.to_owned(),
    }
}

/// `2026-11-24` or `2026-11-24T10:00:00Z` → `24 Nov 2026`; other text unchanged.
pub fn date(iso: &str) -> String {
    let s = iso.trim();
    if let Ok(t) = parse_iso(s) {
        return t.format("%-d %b %Y").to_string();
    }
    match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => d.format("%-d %b %Y").to_string(),
        Err(_) => iso.to_owned(),
    }
}

/// `12500` → `12,500`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A size in decimal units: `1 byte`, `950 bytes`, `1.2 KB`, `12 MB`, `3.4 GB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if n < 1000 {
        return plural(n, "byte", "bytes");
    }
    let mut value = n as f64;
    let mut unit = "";
    for u in UNITS {
        value /= 1000.0;
        unit = u;
        // Below 999.5 the whole-number form cannot round up to "1000".
        if value < 999.5 {
            break;
        }
    }
    if value < 9.95 {
        format!("{value:.1} {unit}")
    } else {
        format!("{value:.0} {unit}")
    }
}

/// `1 run`, `12,500 runs`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(timestamp("2026-11-24T10:00:00Z"), "24 Nov 2026 10:00 UTC");
        assert_eq!(timestamp("2026-01-05T23:59:59Z"), "5 Jan 2026 23:59 UTC");
        assert_eq!(
            timestamp("2026-11-24T21:00:00+11:00"),
            "24 Nov 2026 10:00 UTC"
        );
        assert_eq!(timestamp("not a time"), "not a time");
        assert_eq!(date("2026-11-24T10:00:00Z"), "24 Nov 2026");
        assert_eq!(date("2019-07-01"), "1 Jul 2019");
        assert_eq!(date(""), "");
    }

    #[test]
    fn counts() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(12500), "12,500");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(count(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn sizes() {
        assert_eq!(bytes(0), "0 bytes");
        assert_eq!(bytes(1), "1 byte");
        assert_eq!(bytes(999), "999 bytes");
        assert_eq!(bytes(1000), "1.0 KB");
        assert_eq!(bytes(1234), "1.2 KB");
        assert_eq!(bytes(12_345), "12 KB");
        assert_eq!(bytes(9_949), "9.9 KB");
        assert_eq!(bytes(9_950), "10 KB");
        assert_eq!(bytes(999_499), "999 KB");
        assert_eq!(bytes(999_500), "1.0 MB");
        assert_eq!(bytes(1_200_000), "1.2 MB");
        assert_eq!(bytes(10_000_000), "10 MB");
        assert_eq!(bytes(3_400_000_000), "3.4 GB");
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "run", "runs"), "1 run");
        assert_eq!(plural(0, "run", "runs"), "0 runs");
        assert_eq!(plural(12500, "unit", "units"), "12,500 units");
    }
}
