//! Bearer tokens of the operator routes (`/trigger`, `/backfill`), compared in constant time.

pub use rtopacks_domain::keys::{bearer_token, constant_time_eq};

/// `Authorization: Bearer <token>` checked against `expected`. An empty expected token
/// (the secret is not configured) refuses everything.
pub fn bearer_matches(header: Option<&str>, expected: &str) -> bool {
    let given = bearer_token(header).unwrap_or("");
    !expected.is_empty() && constant_time_eq(given.as_bytes(), expected.as_bytes())
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
