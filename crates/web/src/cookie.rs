//! Reading the `Cookie` header and building `Set-Cookie` values.
//!
//! Our cookies are all `__Host-` cookies (Secure, Path=/, no Domain: bound to the one
//! host that set them, so a sibling subdomain cannot plant or overwrite them), HttpOnly
//! and SameSite=Lax, and their values are base64url tokens. Chromium treats
//! `*.localhost` as secure, so the same attributes work on the local stack.

use thiserror::Error;

/// The session cookie's name (sent as `__Host-rtp_session`).
pub const SESSION_COOKIE: &str = "rtp_session";
/// The anonymous CSRF binding cookie's name (sent as `__Host-rtp_csrf`).
pub const CSRF_COOKIE: &str = "rtp_csrf";

/// The prefix browsers hold to the rules above.
pub const HOST_PREFIX: &str = "__Host-";

/// Bounds on what is read from a `Cookie` header: longer headers are read only this far,
/// and only this many pairs are kept.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;
pub const MAX_PAIRS: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CookieError {
    #[error("cookie name {0:?} must be letters, digits, '_' or '-'")]
    BadName(String),
    #[error("cookie value for {0:?} must be base64url (A-Z, a-z, 0-9, '-', '_') and not empty")]
    BadValue(String),
}

/// The `(name, value)` pairs of a `Cookie` header, in order. Tolerant of stray spaces,
/// empty segments and pairs without `=` (skipped); double quotes around a value are
/// removed. Bounded by [`MAX_HEADER_BYTES`] and [`MAX_PAIRS`].
pub fn parse(header: &str) -> Vec<(&str, &str)> {
    let mut end = header.len().min(MAX_HEADER_BYTES);
    while !header.is_char_boundary(end) {
        end -= 1;
    }
    header[..end]
        .split(';')
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            let name = name.trim();
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value);
            (!name.is_empty()).then_some((name, value))
        })
        .take(MAX_PAIRS)
        .collect()
}

/// The first value of cookie `name` (exact, case-sensitive name).
pub fn get<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    parse(header)
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// The value of our `__Host-{name}` cookie, if present and a well-formed base64url
/// value (anything else is treated as absent).
pub fn host_value<'a>(header: Option<&'a str>, name: &str) -> Option<&'a str> {
    let full = format!("{HOST_PREFIX}{name}");
    get(header?, &full).filter(|v| is_base64url(v))
}

/// `__Host-{name}={value}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}`.
pub fn host_cookie(name: &str, value: &str, max_age_secs: u64) -> Result<String, CookieError> {
    check_name(name)?;
    if !is_base64url(value) {
        return Err(CookieError::BadValue(name.to_owned()));
    }
    Ok(format!(
        "{HOST_PREFIX}{name}={value}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}"
    ))
}

/// The `Set-Cookie` that deletes our `__Host-{name}` cookie (same attributes, Max-Age=0).
pub fn clear_host_cookie(name: &str) -> Result<String, CookieError> {
    check_name(name)?;
    Ok(format!(
        "{HOST_PREFIX}{name}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0"
    ))
}

fn check_name(name: &str) -> Result<(), CookieError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-');
    ok.then_some(())
        .ok_or_else(|| CookieError::BadName(name.to_owned()))
}

/// Non-empty, at most 512 bytes, only `A-Z a-z 0-9 - _`.
pub fn is_base64url(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 512
        && value
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tolerantly() {
        let h = " a=1;b = two ; ;junk; c=\"quoted\"; =nameless; d=x=y ";
        assert_eq!(
            parse(h),
            [("a", "1"), ("b", "two"), ("c", "quoted"), ("d", "x=y")]
        );
        assert_eq!(get(h, "b"), Some("two"));
        assert_eq!(get(h, "B"), None);
        assert_eq!(get("a=1; a=2", "a"), Some("1"));
        assert!(parse("").is_empty());
    }

    #[test]
    fn parsing_is_bounded() {
        let many: String = (0..500).map(|i| format!("k{i}=v; ")).collect();
        assert_eq!(parse(&many).len(), MAX_PAIRS);
        let long = format!(
            "{}; late=1",
            "x=".to_owned() + &"é".repeat(MAX_HEADER_BYTES)
        );
        assert_eq!(get(&long, "late"), None);
    }

    #[test]
    fn host_values_must_be_base64url() {
        let h = "__Host-rtp_session=abc_DEF-123; rtp_session=plain; __Host-rtp_csrf=bad%20value";
        assert_eq!(host_value(Some(h), SESSION_COOKIE), Some("abc_DEF-123"));
        assert_eq!(host_value(Some(h), CSRF_COOKIE), None);
        assert_eq!(host_value(None, SESSION_COOKIE), None);
        assert_eq!(host_value(Some("rtp_session=abc"), SESSION_COOKIE), None);
    }

    #[test]
    fn builds_host_cookies() {
        assert_eq!(
            host_cookie(SESSION_COOKIE, "tok_EN-1", 3600).unwrap(),
            "__Host-rtp_session=tok_EN-1; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=3600"
        );
        assert_eq!(
            clear_host_cookie(CSRF_COOKIE).unwrap(),
            "__Host-rtp_csrf=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0"
        );
        for bad in ["", "a;b", "a b", "a=b", "a\r\nSet-Cookie: x", "é", "a+b/c="] {
            assert_eq!(
                host_cookie(SESSION_COOKIE, bad, 1),
                Err(CookieError::BadValue(SESSION_COOKIE.into())),
                "{bad:?}"
            );
        }
        assert!(host_cookie("a;b", "x", 1).is_err());
        assert!(clear_host_cookie("").is_err());
    }
}
