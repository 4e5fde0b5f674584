//! What the four browser surfaces (site, workspace, admin, prelaunch) share per request:
//! reading the visit (path, query, cookies, address, origin headers), the CSRF rule for
//! every POST, and turning `rtopacks_web::Html` into a worker response.
//!
//! CSRF: every form carries a token bound to the visitor and to the form's action path
//! (`rtopacks_web::csrf`). The visitor is the session id when signed in, else a random
//! `__Host-rtp_csrf` cookie, set on the first page that shows a form.

use chrono::{DateTime, Utc};
use rtopacks_web::cookie::{self, CSRF_COOKIE, SESSION_COOKIE};
use rtopacks_web::csrf::{self, CsrfError, CsrfKey};
use rtopacks_web::form::Query;

/// Plain-text variables and secrets every surface reads.
pub mod vars {
    /// Secret: the HMAC key of the surface's CSRF tokens (32+ random bytes, any text).
    pub const CSRF_SECRET: &str = "CSRF_SECRET";
    /// The surface's own origin (`https://my.rtopacks.com.au`): POSTs must come from it,
    /// and the links it mails start with it (never the Host header).
    pub const ORIGIN: &str = "ORIGIN";
}

/// Shortest CSRF secret accepted: a short key is a guessable key.
pub const MIN_CSRF_SECRET_BYTES: usize = 32;

/// One request as a surface handler sees it.
#[derive(Debug, Clone, Default)]
pub struct Visit {
    pub method: String,
    pub path: String,
    pub query: Query,
    /// `__Host-rtp_session`, when present and well formed.
    pub session_token: Option<String>,
    /// `__Host-rtp_csrf`, when present and well formed.
    pub csrf_cookie: Option<String>,
    /// `CF-Connecting-IP` (the end user), or "unknown" off Cloudflare.
    pub address: String,
    pub user_agent: Option<String>,
    pub sec_fetch_site: Option<String>,
    pub origin: Option<String>,
}

impl Visit {
    /// Build from the request line and a header reader.
    pub fn from_parts(
        method: &str,
        path: &str,
        raw_query: Option<&str>,
        header: impl Fn(&str) -> Option<String>,
    ) -> Self {
        let cookies = header("Cookie");
        let cookies = cookies.as_deref();
        Visit {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            query: Query::parse(raw_query.unwrap_or("")),
            session_token: cookie::host_value(cookies, SESSION_COOKIE).map(str::to_owned),
            csrf_cookie: cookie::host_value(cookies, CSRF_COOKIE).map(str::to_owned),
            address: header("CF-Connecting-IP").unwrap_or_else(|| "unknown".to_owned()),
            user_agent: header("User-Agent"),
            sec_fetch_site: header("Sec-Fetch-Site"),
            origin: header("Origin"),
        }
    }

    pub fn is_head(&self) -> bool {
        self.method == "HEAD"
    }
}

/// The value a form's CSRF token is bound to, and the cookie to set when the visitor had
/// none yet (anonymous visitors only; a signed-in visitor is bound to the session id).
pub struct CsrfBinding {
    pub binding: String,
    pub set_cookie: Option<String>,
}

/// Lifetime of the anonymous CSRF cookie: a day, longer than any form stays open.
pub const CSRF_COOKIE_MAX_AGE: u64 = 24 * 60 * 60;

/// The binding for `visit`: the session id when signed in, else the CSRF cookie (a new
/// one, with its `Set-Cookie`, when absent).
pub fn csrf_binding(visit: &Visit, session_id: Option<&str>) -> Result<CsrfBinding, String> {
    if let Some(id) = session_id {
        return Ok(CsrfBinding {
            binding: format!("s:{id}"),
            set_cookie: None,
        });
    }
    if let Some(c) = &visit.csrf_cookie {
        return Ok(CsrfBinding {
            binding: format!("a:{c}"),
            set_cookie: None,
        });
    }
    let value = csrf::new_binding().map_err(|e| e.to_string())?;
    let set_cookie =
        cookie::host_cookie(CSRF_COOKIE, &value, CSRF_COOKIE_MAX_AGE).map_err(|e| e.to_string())?;
    Ok(CsrfBinding {
        binding: format!("a:{value}"),
        set_cookie: Some(set_cookie),
    })
}

/// The CSRF rule for a POST: it comes from the surface's own origin, and its token was
/// issued to this visitor for this action and has not expired.
pub fn check_post(
    key: &CsrfKey,
    visit: &Visit,
    session_id: Option<&str>,
    own_origin: &str,
    token: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), CsrfError> {
    csrf::check_origin(
        visit.sec_fetch_site.as_deref(),
        visit.origin.as_deref(),
        own_origin,
    )?;
    let binding = match (session_id, &visit.csrf_cookie) {
        (Some(id), _) => format!("s:{id}"),
        (None, Some(c)) => format!("a:{c}"),
        (None, None) => return Err(CsrfError::Missing),
    };
    let token = token.filter(|t| !t.is_empty()).ok_or(CsrfError::Missing)?;
    key.verify(&binding, &visit.path, token, now)
}

/// The salt of a visitor's address hash (`requested_ip_hash`, `sessions.ip_hash`, the
/// waitlist's per-requester limit): `ANON_SALT` when set (the salt internal-api hashes
/// anonymous clients with, so the logs agree), else one derived from the CSRF secret
/// (labelled, so the two uses never coincide). Neither set: refused, never an unsalted
/// hash.
pub fn requester_salt(
    anon_salt: Option<&str>,
    csrf_secret: Option<&str>,
) -> Result<String, String> {
    match (
        anon_salt.filter(|s| !s.is_empty()),
        csrf_secret.filter(|s| !s.is_empty()),
    ) {
        (Some(salt), _) => Ok(salt.to_owned()),
        (None, Some(secret)) => Ok(format!("requester|{secret}")),
        (None, None) => Err(format!(
            "neither ANON_SALT nor {} is set: a visitor's address cannot be hashed",
            vars::CSRF_SECRET
        )),
    }
}

/// The CSRF key from the secret, refusing a missing or short one (fail closed).
pub fn csrf_key(secret: Option<&str>) -> Result<CsrfKey, String> {
    match secret {
        Some(s) if s.len() >= MIN_CSRF_SECRET_BYTES => Ok(CsrfKey::new(s.as_bytes())),
        _ => Err(format!(
            "{} is not set (or shorter than {MIN_CSRF_SECRET_BYTES} bytes): forms are refused",
            vars::CSRF_SECRET
        )),
    }
}

#[cfg(target_arch = "wasm32")]
pub use worker_glue::*;

#[cfg(target_arch = "wasm32")]
mod worker_glue {
    use super::*;
    use rtopacks_web::Html;
    use worker::{Env, Request, Response};

    /// The visit of a worker request.
    pub fn visit(req: &Request) -> worker::Result<Visit> {
        let url = req.url()?;
        let headers = req.headers();
        Ok(Visit::from_parts(
            req.method().as_ref(),
            url.path(),
            url.query(),
            |name| headers.get(name).ok().flatten(),
        ))
    }

    /// `Html` as a worker response (no body for HEAD).
    pub fn respond(html: Html, head: bool) -> worker::Result<Response> {
        let Html {
            status,
            headers,
            body,
        } = html;
        let res = if head {
            Response::empty()?
        } else {
            Response::ok(body)?
        };
        let mut res = res.with_status(status);
        let h = res.headers_mut();
        for (name, value) in &headers {
            if name.eq_ignore_ascii_case("Set-Cookie") {
                h.append(name, value)?;
            } else {
                h.set(name, value)?;
            }
        }
        Ok(res)
    }

    /// The surface's CSRF key from its secret.
    pub fn csrf_key_from(env: &Env) -> Result<CsrfKey, String> {
        let secret = env.secret(vars::CSRF_SECRET).ok().map(|s| s.to_string());
        csrf_key(secret.as_deref())
    }

    /// The visitor's address as the surfaces store and rate-limit it: a salted hash
    /// ([`requester_salt`]), never the address.
    pub fn requester_hash(env: &Env, visit: &Visit) -> Result<String, String> {
        let secret = |name: &str| env.secret(name).ok().map(|s| s.to_string());
        let salt = requester_salt(
            secret(crate::bindings::catalogue_secrets::ANON_SALT).as_deref(),
            secret(vars::CSRF_SECRET).as_deref(),
        )?;
        Ok(rtopacks_domain::keys::anonymous_client_id(
            &salt,
            &visit.address,
        ))
    }

    /// The surface's own origin (`ORIGIN`), e.g. `https://my.rtopacks.com.au`.
    pub fn origin_from(env: &Env) -> String {
        env.var(vars::ORIGIN)
            .map(|v| v.to_string().trim_end_matches('/').to_owned())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn visit(cookie: Option<&str>, site: Option<&str>, origin: Option<&str>) -> Visit {
        let headers = |name: &str| match name {
            "Cookie" => cookie.map(str::to_owned),
            "Sec-Fetch-Site" => site.map(str::to_owned),
            "Origin" => origin.map(str::to_owned),
            "CF-Connecting-IP" => Some("203.0.113.9".to_owned()),
            _ => None,
        };
        Visit::from_parts("post", "/auth", Some("next=%2Fdocuments"), headers)
    }

    const ORIGIN: &str = "https://my.rtopacks.com.au";

    #[test]
    fn a_visit_reads_its_cookies_query_and_address() {
        let token = "A".repeat(43);
        let v = visit(
            Some(&format!(
                "__Host-rtp_session={token}; __Host-rtp_csrf=abc_-1"
            )),
            None,
            None,
        );
        assert_eq!(v.method, "POST");
        assert_eq!(v.session_token.as_deref(), Some(token.as_str()));
        assert_eq!(v.csrf_cookie.as_deref(), Some("abc_-1"));
        assert_eq!(v.query.get("next"), Some("/documents"));
        assert_eq!(v.address, "203.0.113.9");
        // A cookie without the __Host- prefix is not ours.
        assert_eq!(visit(Some("rtp_session=x"), None, None).session_token, None);
    }

    #[test]
    fn a_post_needs_a_token_for_this_visitor_this_action_and_this_origin() {
        let key = csrf_key(Some(&"k".repeat(32))).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap();
        let v = visit(
            Some("__Host-rtp_csrf=visitor1"),
            Some("same-origin"),
            Some(ORIGIN),
        );
        let b = csrf_binding(&v, None).unwrap();
        assert!(b.set_cookie.is_none());
        let token = key.issue(&b.binding, "/auth", now);
        assert_eq!(
            check_post(&key, &v, None, ORIGIN, Some(&token), now),
            Ok(())
        );
        // Another visitor, another action, another origin, no token: refused.
        let other = visit(Some("__Host-rtp_csrf=visitor2"), None, None);
        assert!(check_post(&key, &other, None, ORIGIN, Some(&token), now).is_err());
        let mut elsewhere = v.clone();
        elsewhere.path = "/signout".into();
        assert!(check_post(&key, &elsewhere, None, ORIGIN, Some(&token), now).is_err());
        let cross = visit(Some("__Host-rtp_csrf=visitor1"), Some("cross-site"), None);
        assert!(check_post(&key, &cross, None, ORIGIN, Some(&token), now).is_err());
        assert_eq!(
            check_post(&key, &v, None, ORIGIN, None, now),
            Err(CsrfError::Missing)
        );
        // Signed in: bound to the session, so the anonymous token no longer counts.
        assert!(check_post(&key, &v, Some("sess_1"), ORIGIN, Some(&token), now).is_err());
        let signed = key.issue("s:sess_1", "/auth", now);
        assert_eq!(
            check_post(&key, &v, Some("sess_1"), ORIGIN, Some(&signed), now),
            Ok(())
        );
    }

    #[test]
    fn addresses_are_hashed_with_anon_salt_else_a_labelled_csrf_secret_never_unsalted() {
        assert_eq!(requester_salt(Some("s"), Some("c")).unwrap(), "s");
        assert_eq!(requester_salt(Some(""), Some("c")).unwrap(), "requester|c");
        assert!(requester_salt(None, Some("")).is_err());
        assert!(requester_salt(None, None).is_err());
    }

    #[test]
    fn a_first_visit_gets_a_new_csrf_cookie_and_short_secrets_are_refused() {
        let b = csrf_binding(&visit(None, None, None), None).unwrap();
        let cookie = b.set_cookie.unwrap();
        assert!(cookie.starts_with("__Host-rtp_csrf="), "{cookie}");
        assert!(cookie.contains("HttpOnly") && cookie.contains("Secure"));
        assert!(csrf_key(None).is_err());
        assert!(csrf_key(Some("short")).is_err());
    }
}
