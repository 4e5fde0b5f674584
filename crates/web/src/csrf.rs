//! CSRF tokens and the origin check every POST passes.
//!
//! A token is `base64url(expiry || HMAC-SHA256(CSRF_SECRET, message))`, where `expiry`
//! is 8 big-endian bytes of Unix seconds and `message` binds the token to the visitor
//! (session id when signed in, else the random `__Host-rtp_csrf` cookie, see
//! [`new_binding`]) and to the form's action path. Nothing is stored server-side; a token
//! stolen from one form is useless for another form, another visitor or after
//! [`LIFETIME_SECS`].

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rtopacks_domain::keys::{constant_time_eq, fill_random};
use sha2::Sha256;
use thiserror::Error;

/// The hidden field's name in every POST form.
pub const FIELD: &str = "csrf";

/// How long a form stays usable: two hours.
pub const LIFETIME_SECS: i64 = 2 * 60 * 60;

const MAC_LEN: usize = 32;
const TOKEN_LEN: usize = 8 + MAC_LEN;

/// Why a POST was refused, in words a visitor can act on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CsrfError {
    #[error("This form is missing its security check. Reload the page and try again.")]
    Missing,
    #[error("This form could not be verified. Reload the page and try again.")]
    Invalid,
    #[error("This form has expired. Reload the page and try again.")]
    Expired,
    #[error("This form was sent from another site, so it was not accepted.")]
    CrossSite,
}

/// The secret (`CSRF_SECRET`) tokens are signed with.
#[derive(Clone)]
pub struct CsrfKey {
    secret: Vec<u8>,
}

impl std::fmt::Debug for CsrfKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CsrfKey(..)")
    }
}

impl CsrfKey {
    pub fn new(secret: &[u8]) -> CsrfKey {
        CsrfKey {
            secret: secret.to_vec(),
        }
    }

    /// A token for the form posting to `action`, for the visitor `binding`.
    pub fn issue(&self, binding: &str, action: &str, now: DateTime<Utc>) -> String {
        let expiry = now.timestamp().saturating_add(LIFETIME_SECS);
        let mut raw = Vec::with_capacity(TOKEN_LEN);
        raw.extend_from_slice(&expiry.to_be_bytes());
        raw.extend_from_slice(&self.mac(binding, action, expiry));
        URL_SAFE_NO_PAD.encode(raw)
    }

    /// Accept `token` only if this key issued it, for this visitor and action, and it
    /// has not expired.
    pub fn verify(
        &self,
        binding: &str,
        action: &str,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<(), CsrfError> {
        let token = token.trim();
        if token.is_empty() {
            return Err(CsrfError::Missing);
        }
        // A well-formed token is 54 characters; refuse junk before decoding it.
        if token.len() > 64 {
            return Err(CsrfError::Invalid);
        }
        let raw = URL_SAFE_NO_PAD
            .decode(token)
            .map_err(|_| CsrfError::Invalid)?;
        if raw.len() != TOKEN_LEN {
            return Err(CsrfError::Invalid);
        }
        let (expiry, mac) = raw.split_at(8);
        let expiry = i64::from_be_bytes(expiry.try_into().map_err(|_| CsrfError::Invalid)?);
        if !constant_time_eq(mac, &self.mac(binding, action, expiry)) {
            return Err(CsrfError::Invalid);
        }
        let now = now.timestamp();
        if now >= expiry {
            return Err(CsrfError::Expired);
        }
        // Only a holder of the key could mint a far-future expiry; refuse it anyway.
        if expiry > now.saturating_add(LIFETIME_SECS + 300) {
            return Err(CsrfError::Invalid);
        }
        Ok(())
    }

    fn mac(&self, binding: &str, action: &str, expiry: i64) -> [u8; MAC_LEN] {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC accepts keys of any length");
        // Length prefixes keep the fields apart: ("a|b", "c") never signs like ("a", "b|c").
        let message = format!(
            "v1|{}:{binding}|{}:{action}|{expiry}",
            binding.len(),
            action.len()
        );
        mac.update(message.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

/// A fresh random visitor binding for the `__Host-rtp_csrf` cookie of a visitor who is
/// not signed in: 32 CSPRNG bytes, base64url.
pub fn new_binding() -> Result<String, rtopacks_domain::keys::KeyError> {
    let mut bytes = [0u8; 32];
    fill_random(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The origin check for a POST. Each header that is present must say the request came
/// from this surface: `Sec-Fetch-Site: same-origin`, `Origin` equal to `own_origin`
/// (e.g. `https://my.rtopacks.com.au`). A request with neither header (an old browser,
/// a script) passes; the token still has to verify.
///
/// `Origin: null` passes only beside `Sec-Fetch-Site: same-origin`: a form on a
/// `Referrer-Policy: no-referrer` page (the magic-link landing pages) posts `null`, and the
/// browser's own same-origin verdict then decides. A `null` alone is refused.
pub fn same_origin(sec_fetch_site: Option<&str>, origin: Option<&str>, own_origin: &str) -> bool {
    let same_site = sec_fetch_site.map(|s| s.trim().eq_ignore_ascii_case("same-origin"));
    let origin_ok = origin.is_none_or(|o| {
        let o = o.trim();
        if o.eq_ignore_ascii_case("null") {
            return same_site == Some(true);
        }
        o.eq_ignore_ascii_case(own_origin.trim().trim_end_matches('/'))
    });
    same_site != Some(false) && origin_ok
}

/// [`same_origin`] as a `Result`, for `?` in handlers.
pub fn check_origin(
    sec_fetch_site: Option<&str>,
    origin: Option<&str>,
    own_origin: &str,
) -> Result<(), CsrfError> {
    if same_origin(sec_fetch_site, origin, own_origin) {
        Ok(())
    } else {
        Err(CsrfError::CrossSite)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap()
    }

    fn key() -> CsrfKey {
        CsrfKey::new(b"test secret, at least 32 bytes long")
    }

    #[test]
    fn a_fresh_token_verifies() {
        let t = key().issue("sess-1", "/auth", now());
        assert_eq!(t.len(), 54);
        assert!(t
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_eq!(key().verify("sess-1", "/auth", &t, now()), Ok(()));
        let later = now() + Duration::seconds(LIFETIME_SECS - 1);
        assert_eq!(key().verify("sess-1", "/auth", &t, later), Ok(()));
    }

    #[test]
    fn expired_tokens_are_refused() {
        let t = key().issue("sess-1", "/auth", now());
        let at_expiry = now() + Duration::seconds(LIFETIME_SECS);
        assert_eq!(
            key().verify("sess-1", "/auth", &t, at_expiry),
            Err(CsrfError::Expired)
        );
        assert_eq!(
            CsrfError::Expired.to_string(),
            "This form has expired. Reload the page and try again."
        );
    }

    #[test]
    fn tokens_are_bound_to_visitor_action_and_key() {
        let t = key().issue("sess-1", "/auth", now());
        assert_eq!(
            key().verify("sess-2", "/auth", &t, now()),
            Err(CsrfError::Invalid)
        );
        assert_eq!(
            key().verify("sess-1", "/sign-out", &t, now()),
            Err(CsrfError::Invalid)
        );
        let other = CsrfKey::new(b"another secret entirely");
        assert_eq!(
            other.verify("sess-1", "/auth", &t, now()),
            Err(CsrfError::Invalid)
        );
        // Field boundaries cannot be shifted.
        let t = key().issue("a|b", "c", now());
        assert_eq!(key().verify("a", "b|c", &t, now()), Err(CsrfError::Invalid));
    }

    #[test]
    fn tampering_is_detected() {
        let k = key();
        let t = k.issue("sess-1", "/auth", now());
        // Flip each character in turn.
        for i in 0..t.len() {
            let mut b = t.clone().into_bytes();
            b[i] = if b[i] == b'A' { b'B' } else { b'A' };
            let forged = String::from_utf8(b).unwrap();
            assert_ne!(k.verify("sess-1", "/auth", &forged, now()), Ok(()), "{i}");
        }
        // Moving the expiry forward breaks the MAC.
        let mut raw = URL_SAFE_NO_PAD.decode(&t).unwrap();
        raw[7] = raw[7].wrapping_add(1);
        let bumped = URL_SAFE_NO_PAD.encode(raw);
        assert_eq!(
            k.verify("sess-1", "/auth", &bumped, now()),
            Err(CsrfError::Invalid)
        );
        for junk in ["%%%", "abc", &"A".repeat(54), &"A".repeat(500), &t[..53]] {
            assert_eq!(
                k.verify("sess-1", "/auth", junk, now()),
                Err(CsrfError::Invalid)
            );
        }
        assert_eq!(
            k.verify("sess-1", "/auth", " ", now()),
            Err(CsrfError::Missing)
        );
    }

    #[test]
    fn bindings_are_random() {
        let a = new_binding().unwrap();
        assert_eq!(a.len(), 43);
        assert_ne!(a, new_binding().unwrap());
    }

    #[test]
    fn origin_check() {
        let own = "https://my.rtopacks.com.au";
        assert!(same_origin(Some("same-origin"), Some(own), own));
        assert!(same_origin(Some("same-origin"), None, own));
        assert!(same_origin(
            None,
            Some("https://my.rtopacks.com.au"),
            "https://my.rtopacks.com.au/"
        ));
        assert!(
            same_origin(None, None, own),
            "both absent: the token decides"
        );
        assert!(!same_origin(Some("cross-site"), None, own));
        assert!(!same_origin(Some("same-site"), None, own));
        assert!(!same_origin(Some("none"), None, own));
        assert!(!same_origin(
            Some("same-origin"),
            Some("https://evil.example"),
            own
        ));
        assert!(!same_origin(None, Some("https://rtopacks.com.au"), own));
        assert!(!same_origin(None, Some("null"), own));
        // A no-referrer page's form posts Origin: null; the browser's same-origin verdict decides.
        assert!(same_origin(Some("same-origin"), Some("null"), own));
        assert!(!same_origin(Some("cross-site"), Some("null"), own));
        assert!(!same_origin(Some("same-site"), Some("null"), own));
        assert!(!same_origin(Some("cross-site"), Some(own), own));
        assert_eq!(
            check_origin(Some("cross-site"), None, own),
            Err(CsrfError::CrossSite)
        );
        let local = "http://workspace.localhost:8787";
        assert!(same_origin(Some("same-origin"), Some(local), local));
    }
}
