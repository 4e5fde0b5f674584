//! Secret comparison for bearer tokens (operator triggers, API keys).

/// Compare in time independent of where the inputs differ (length differences included),
/// so a caller cannot find a token byte by byte from response times.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = (a.len() ^ b.len()) as u8 | ((a.len() ^ b.len()) >> 8) as u8;
    for i in 0..a.len().max(b.len()) {
        diff |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0xff);
    }
    diff == 0
}

/// `Authorization: Bearer <token>` checked against `expected`. An empty expected token
/// (the secret is not configured) refuses everything.
pub fn bearer_matches(header: Option<&str>, expected: &str) -> bool {
    let given = header.and_then(|h| h.strip_prefix("Bearer ")).unwrap_or("");
    !expected.is_empty() && constant_time_eq(given.trim().as_bytes(), expected.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_only_when_identical() {
        assert!(constant_time_eq(b"s3cret-token", b"s3cret-token"));
        assert!(!constant_time_eq(b"s3cret-token", b"s3cret-tokeN"));
        assert!(!constant_time_eq(b"s3cret", b"s3cret-token"));
        assert!(!constant_time_eq(b"", b"x"));
        let long = vec![b'a'; 300];
        let mut longer = long.clone();
        longer.extend(vec![b'a'; 256]);
        assert!(
            !constant_time_eq(&long, &longer),
            "a length difference of 256 must not wrap to equal"
        );
    }

    #[test]
    fn bearer_needs_the_scheme_and_a_configured_secret() {
        assert!(bearer_matches(Some("Bearer abc"), "abc"));
        assert!(!bearer_matches(Some("abc"), "abc"));
        assert!(!bearer_matches(None, "abc"));
        assert!(!bearer_matches(Some("Bearer "), ""));
    }
}
