//! Cloudflare Access, verified in code: the `Cf-Access-Jwt-Assertion` header a request
//! carries once Access has let it through, checked here again so a request that reaches
//! the worker some other way (a misconfigured route, an Access policy switched off) is
//! still refused.
//!
//! The token is an RS256 JWT signed by one of the team's keys, published as a JWKS at
//! `https://<team>.cloudflareaccess.com/cdn-cgi/access/certs` (rotated about every six
//! weeks). A token is accepted when:
//! - its header says `alg: RS256` and names a `kid` the team publishes (nothing else is
//!   tried: no `none`, no HMAC, no key embedded in the token);
//! - the signature over `header.payload` verifies with that key (PKCS#1 v1.5, SHA-256;
//!   keys under 2048 bits are ignored);
//! - `iss` is `https://<team>.cloudflareaccess.com`;
//! - `aud` (a string or an array) contains one of the application AUD tags configured
//!   (`ACCESS_AUD`, comma-separated, so a worker can accept its own application and,
//!   e.g., the admin console's, whose token the console forwards);
//! - `exp` is in the future and `nbf` (when present) in the past, each with
//!   [`LEEWAY_SECS`] of clock skew.
//!
//! User tokens carry `email`; service tokens (machines, e.g. `scripts/keys`) carry
//! `common_name` (the client id) and no email. [`AccessIdentity::label`] names either.
//!
//! Keys are cached per isolate ([`KeyCache`]): fetched on first use, refetched after
//! [`CACHE_TTL_SECS`], and refetched early when a token names an unknown `kid` (a rotation),
//! at most once per [`REFETCH_MIN_SECS`] so junk tokens cannot make every request fetch.
//! A failed refetch keeps the keys already held.
//!
//! Everything but the fetch is pure and runs natively ([`verify`], [`Keys::from_jwks`],
//! [`KeyCache`] over any [`HttpClient`]).

use std::cell::RefCell;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPublicKey};
use serde::Deserialize;
use sha2::Sha256;
use thiserror::Error;

use crate::error::ApiError;
use crate::outbound::{fetch_with_retry, HttpClient, OutboundRequest, RetryPolicy};

/// The request header Access sets.
pub const HEADER: &str = "Cf-Access-Jwt-Assertion";
/// Clock skew allowed on `exp` and `nbf`.
pub const LEEWAY_SECS: i64 = 60;
/// Keys smaller than this are not trusted.
pub const MIN_MODULUS_BITS: usize = 2048;
/// Longer tokens are not Access's (theirs are about 1 KB); refused before any decoding.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;
/// How long fetched keys are used before they are fetched again.
pub const CACHE_TTL_SECS: i64 = 3600;
/// Least time between two fetches caused by an unknown `kid`.
pub const REFETCH_MIN_SECS: i64 = 60;

/// Why a token was refused. Every variant but [`AccessError::Keys`] and
/// [`AccessError::NotConfigured`] is the caller's problem (403).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AccessError {
    #[error("this host is behind Cloudflare Access: sign in through Access (no Cf-Access-Jwt-Assertion header)")]
    Missing,
    #[error("the Cloudflare Access token is not a well-formed JWT ({0})")]
    Malformed(&'static str),
    #[error("the Cloudflare Access token is signed with {0}; only RS256 is accepted")]
    Algorithm(String),
    #[error("the Cloudflare Access token names a signing key the team does not publish")]
    UnknownKey,
    #[error("the Cloudflare Access token's signature does not verify")]
    Signature,
    #[error("the Cloudflare Access token was issued by another team")]
    Issuer,
    #[error("the Cloudflare Access token is for another application")]
    Audience,
    #[error("the Cloudflare Access token has expired; sign in again")]
    Expired,
    #[error("the Cloudflare Access token is not valid yet")]
    NotYetValid,
    #[error("Cloudflare Access is not configured for this worker")]
    NotConfigured,
    #[error("the Cloudflare Access signing keys could not be read just now")]
    Keys(String),
}

impl AccessError {
    /// 403 for a refused token; 503 when the worker cannot check one at all.
    pub fn status(&self) -> u16 {
        match self {
            AccessError::Keys(_) | AccessError::NotConfigured => 503,
            _ => 403,
        }
    }

    /// The error envelope for the caller (never the JWKS fetch detail).
    pub fn to_api_error(&self) -> ApiError {
        ApiError::new(self.status(), self.to_string())
    }
}

/// The team and the applications whose tokens a worker accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessConfig {
    /// `<team>.cloudflareaccess.com`.
    team_host: String,
    audiences: Vec<String>,
}

impl AccessConfig {
    /// `team`: `rtopacks`, `rtopacks.cloudflareaccess.com` or
    /// `https://rtopacks.cloudflareaccess.com`; `audiences`: AUD tags, comma-separated.
    /// Either empty (or a team that is not a host name) → [`AccessError::NotConfigured`]:
    /// a worker without both refuses every token.
    pub fn new(team: &str, audiences: &str) -> Result<Self, AccessError> {
        let t = team.trim().trim_end_matches('/');
        let t = t.strip_prefix("https://").unwrap_or(t).to_ascii_lowercase();
        let team_host = if t.contains('.') {
            t
        } else {
            format!("{t}.cloudflareaccess.com")
        };
        let host_ok = team_host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
            && !team_host.starts_with(['.', '-']);
        let audiences: Vec<String> = audiences
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect();
        // An empty team becomes ".cloudflareaccess.com", refused by the leading dot.
        if !host_ok || audiences.is_empty() {
            return Err(AccessError::NotConfigured);
        }
        Ok(AccessConfig {
            team_host,
            audiences,
        })
    }

    /// The `iss` every token of the team carries.
    pub fn issuer(&self) -> String {
        format!("https://{}", self.team_host)
    }

    /// The team's JWKS.
    pub fn certs_url(&self) -> String {
        format!("https://{}/cdn-cgi/access/certs", self.team_host)
    }

    pub fn audiences(&self) -> &[String] {
        &self.audiences
    }
}

/// Who Access let through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessIdentity {
    /// A person's address (user tokens).
    pub email: Option<String>,
    /// A service token's client id (service tokens).
    pub common_name: Option<String>,
    pub sub: Option<String>,
}

impl AccessIdentity {
    /// `person@example.com`, or `service:<client id>` for a service token.
    pub fn label(&self) -> String {
        match (&self.email, &self.common_name, &self.sub) {
            (Some(e), _, _) if !e.is_empty() => e.clone(),
            (_, Some(cn), _) if !cn.is_empty() => format!("service:{cn}"),
            (_, _, Some(sub)) if !sub.is_empty() => format!("sub:{sub}"),
            _ => "access:unknown".to_owned(),
        }
    }
}

/// The team's RSA signing keys, by `kid`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Keys {
    keys: Vec<(String, RsaPublicKey)>,
}

#[derive(Deserialize)]
struct Jwks {
    keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct Jwk {
    kid: Option<String>,
    kty: Option<String>,
    alg: Option<String>,
    #[serde(rename = "use")]
    use_: Option<String>,
    n: Option<String>,
    e: Option<String>,
}

impl Keys {
    /// Parse a JWKS document. Keys that are not RSA signing keys for RS256, lack a `kid`,
    /// or are under [`MIN_MODULUS_BITS`] are skipped; a document with none left is an
    /// error (nothing could ever verify).
    pub fn from_jwks(json: &str) -> Result<Self, AccessError> {
        let doc: Jwks = serde_json::from_str(json)
            .map_err(|e| AccessError::Keys(format!("the JWKS is not valid JSON: {e}")))?;
        let mut keys = Vec::new();
        for k in doc.keys {
            let rsa_sig = k.kty.as_deref() == Some("RSA")
                && k.alg.as_deref().is_none_or(|a| a == "RS256")
                && k.use_.as_deref().is_none_or(|u| u == "sig");
            let (Some(kid), Some(n), Some(e), true) = (k.kid, k.n, k.e, rsa_sig) else {
                continue;
            };
            let (Some(n), Some(e)) = (b64url_decode(&n), b64url_decode(&e)) else {
                continue;
            };
            let Ok(key) = RsaPublicKey::new(BigUint::from_bytes_be(&n), BigUint::from_bytes_be(&e))
            else {
                continue;
            };
            if key.size() * 8 >= MIN_MODULUS_BITS {
                keys.push((kid, key));
            }
        }
        if keys.is_empty() {
            return Err(AccessError::Keys(
                "the JWKS holds no usable RS256 key".into(),
            ));
        }
        Ok(Keys { keys })
    }

    pub fn get(&self, kid: &str) -> Option<&RsaPublicKey> {
        self.keys.iter().find(|(k, _)| k == kid).map(|(_, key)| key)
    }

    pub fn kids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(k, _)| k.as_str())
    }
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn contains_any(&self, wanted: &[String]) -> bool {
        match self {
            Audience::One(a) => wanted.iter().any(|w| w == a),
            Audience::Many(v) => v.iter().any(|a| wanted.iter().any(|w| w == a)),
        }
    }
}

#[derive(Deserialize)]
struct Claims {
    aud: Option<Audience>,
    iss: Option<String>,
    exp: Option<f64>,
    nbf: Option<f64>,
    sub: Option<String>,
    email: Option<String>,
    common_name: Option<String>,
}

/// The three parts of a compact JWT, decoded but not yet trusted.
struct Parts<'a> {
    header: Header,
    signing_input: &'a str,
    payload: Vec<u8>,
    signature: Vec<u8>,
}

fn split(token: &str) -> Result<Parts<'_>, AccessError> {
    let token = token.trim();
    if token.is_empty() {
        return Err(AccessError::Missing);
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(AccessError::Malformed("too long"));
    }
    let mut it = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(AccessError::Malformed("not three dot-separated parts"));
    };
    let header_bytes = b64url_decode(h).ok_or(AccessError::Malformed("header is not base64url"))?;
    let header: Header = serde_json::from_slice(&header_bytes)
        .map_err(|_| AccessError::Malformed("header is not a JSON object with alg"))?;
    let payload = b64url_decode(p).ok_or(AccessError::Malformed("payload is not base64url"))?;
    let signature = b64url_decode(s).ok_or(AccessError::Malformed("signature is not base64url"))?;
    Ok(Parts {
        header,
        signing_input: &token[..h.len() + 1 + p.len()],
        payload,
        signature,
    })
}

/// The `kid` an acceptable token names (checks the shape and the algorithm only).
pub fn key_id(token: &str) -> Result<String, AccessError> {
    let parts = split(token)?;
    if parts.header.alg != "RS256" {
        return Err(AccessError::Algorithm(parts.header.alg));
    }
    parts
        .header
        .kid
        .filter(|k| !k.is_empty())
        .ok_or(AccessError::Malformed("no kid in the header"))
}

/// Verify a token against the team's keys at `now`: signature first, then issuer,
/// audience and validity window.
pub fn verify(
    token: &str,
    keys: &Keys,
    config: &AccessConfig,
    now: DateTime<Utc>,
) -> Result<AccessIdentity, AccessError> {
    let kid = key_id(token)?;
    let parts = split(token)?;
    let key = keys.get(&kid).ok_or(AccessError::UnknownKey)?;
    let signature =
        Signature::try_from(parts.signature.as_slice()).map_err(|_| AccessError::Signature)?;
    VerifyingKey::<Sha256>::new(key.clone())
        .verify(parts.signing_input.as_bytes(), &signature)
        .map_err(|_| AccessError::Signature)?;

    let claims: Claims = serde_json::from_slice(&parts.payload)
        .map_err(|_| AccessError::Malformed("payload is not a JSON object of claims"))?;
    if claims.iss.as_deref() != Some(config.issuer().as_str()) {
        return Err(AccessError::Issuer);
    }
    if !claims
        .aud
        .as_ref()
        .is_some_and(|a| a.contains_any(&config.audiences))
    {
        return Err(AccessError::Audience);
    }
    let t = now.timestamp() as f64;
    let leeway = LEEWAY_SECS as f64;
    match claims.exp {
        Some(exp) if t <= exp + leeway => {}
        Some(_) => return Err(AccessError::Expired),
        None => return Err(AccessError::Malformed("no exp claim")),
    }
    if claims.nbf.is_some_and(|nbf| t + leeway < nbf) {
        return Err(AccessError::NotYetValid);
    }
    Ok(AccessIdentity {
        email: claims.email,
        common_name: claims.common_name,
        sub: claims.sub,
    })
}

struct Cached {
    url: String,
    keys: Rc<Keys>,
    fetched_at: i64,
}

/// The team's keys, cached. One per isolate in a worker ([`isolate_cache`]); never holds a
/// borrow across an await, so concurrent requests in one isolate share it safely.
#[derive(Default)]
pub struct KeyCache {
    cached: RefCell<Option<Cached>>,
    /// When an unknown `kid` last caused a fetch (seconds).
    last_miss_fetch: RefCell<Option<i64>>,
}

/// Retries of a JWKS fetch: short, the caller is waiting.
const JWKS_RETRY: RetryPolicy = RetryPolicy {
    attempts: 2,
    base_ms: 200,
    max_ms: 1_000,
};

impl KeyCache {
    pub fn new() -> Self {
        Self::default()
    }

    fn held(&self, url: &str) -> Option<(Rc<Keys>, i64)> {
        self.cached
            .borrow()
            .as_ref()
            .filter(|c| c.url == url)
            .map(|c| (Rc::clone(&c.keys), c.fetched_at))
    }

    async fn fetch(
        &self,
        http: &impl HttpClient,
        url: &str,
        now: i64,
    ) -> Result<Rc<Keys>, AccessError> {
        let res = fetch_with_retry(http, &OutboundRequest::get(url), JWKS_RETRY)
            .await
            .map_err(|e| AccessError::Keys(e.to_string()))?;
        let keys = Rc::new(Keys::from_jwks(&res.body)?);
        *self.cached.borrow_mut() = Some(Cached {
            url: url.to_owned(),
            keys: Rc::clone(&keys),
            fetched_at: now,
        });
        Ok(keys)
    }

    /// Verify `token` (the header value, if any) with the team's keys, fetching them when
    /// none are held, when they are older than [`CACHE_TTL_SECS`], or when the token names
    /// a `kid` they lack (at most once per [`REFETCH_MIN_SECS`]).
    pub async fn verify(
        &self,
        http: &impl HttpClient,
        config: &AccessConfig,
        token: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<AccessIdentity, AccessError> {
        let token = token.ok_or(AccessError::Missing)?;
        let kid = key_id(token)?;
        let url = config.certs_url();
        let t = now.timestamp();
        let keys = match self.held(&url) {
            None => self.fetch(http, &url, t).await?,
            Some((keys, at)) if t - at >= CACHE_TTL_SECS => {
                // Stale: refresh, but a failed refresh keeps what is held.
                self.fetch(http, &url, t).await.unwrap_or(keys)
            }
            Some((keys, _)) if keys.get(&kid).is_some() => keys,
            Some((keys, _)) => {
                let recent = self
                    .last_miss_fetch
                    .borrow()
                    .is_some_and(|at| t - at < REFETCH_MIN_SECS);
                if recent {
                    keys
                } else {
                    *self.last_miss_fetch.borrow_mut() = Some(t);
                    self.fetch(http, &url, t).await.unwrap_or(keys)
                }
            }
        };
        verify(token, &keys, config, now)
    }
}

/// Unpadded (or padded) base64url, as JWTs and JWKs write it. `None` for anything else.
pub fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // A lone trailing character (6 bits) cannot end a valid encoding; leftover bits must be 0.
    (bits < 6 && acc == 0).then_some(out)
}

/// Unpadded base64url (tests and callers that mint tokens or JWKs).
pub fn b64url_encode(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// The isolate's key cache (workers are single-threaded: one per isolate).
#[cfg(target_arch = "wasm32")]
pub fn isolate_cache() -> Rc<KeyCache> {
    thread_local! {
        static CACHE: Rc<KeyCache> = Rc::new(KeyCache::new());
    }
    CACHE.with(Rc::clone)
}

/// Verify a worker request's Access token with the `ACCESS_TEAM_DOMAIN` and `ACCESS_AUD`
/// variables and the isolate's key cache.
#[cfg(target_arch = "wasm32")]
pub async fn verify_request(
    env: &worker::Env,
    req: &worker::Request,
    now: DateTime<Utc>,
) -> Result<AccessIdentity, AccessError> {
    use crate::bindings::catalogue_vars as vars;
    let var = |n: &str| env.var(n).map(|v| v.to_string()).unwrap_or_default();
    let config = AccessConfig::new(&var(vars::ACCESS_TEAM_DOMAIN), &var(vars::ACCESS_AUD))?;
    let token = req.headers().get(HEADER).ok().flatten();
    let http = crate::outbound::WorkerHttp { timeout_ms: 5_000 };
    isolate_cache()
        .verify(&http, &config, token.as_deref(), now)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_and_refuses_other_alphabets() {
        for len in 0..40 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let enc = b64url_encode(&bytes);
            assert!(!enc.contains(['+', '/', '=']));
            assert_eq!(b64url_decode(&enc), Some(bytes), "{enc}");
        }
        assert_eq!(b64url_decode("AQAB"), Some(vec![1, 0, 1]));
        assert_eq!(b64url_decode("SGk="), Some(b"Hi".to_vec()));
        assert_eq!(b64url_decode("a+b/"), None);
        assert_eq!(b64url_decode("A"), None, "6 bits cannot end an encoding");
        assert_eq!(b64url_decode("SGl"), None, "non-zero leftover bits");
    }

    #[test]
    fn config_accepts_a_team_name_or_host_and_needs_an_audience() {
        let c = AccessConfig::new("rtopacks", "aud1, aud2").unwrap();
        assert_eq!(c.issuer(), "https://rtopacks.cloudflareaccess.com");
        assert_eq!(
            c.certs_url(),
            "https://rtopacks.cloudflareaccess.com/cdn-cgi/access/certs"
        );
        assert_eq!(c.audiences(), ["aud1", "aud2"]);
        for team in [
            "rtopacks.cloudflareaccess.com",
            "https://RTOpacks.cloudflareaccess.com/",
        ] {
            assert_eq!(AccessConfig::new(team, "a").unwrap().issuer(), c.issuer());
        }
        for (team, aud) in [
            ("", "a"),
            ("rtopacks", ""),
            ("rtopacks", " , "),
            ("evil/x", "a"),
            ("-x.example", "a"),
        ] {
            assert_eq!(
                AccessConfig::new(team, aud),
                Err(AccessError::NotConfigured),
                "{team:?} {aud:?}"
            );
        }
    }

    #[test]
    fn identity_labels() {
        let id = |e: Option<&str>, cn: Option<&str>| AccessIdentity {
            email: e.map(Into::into),
            common_name: cn.map(Into::into),
            sub: None,
        };
        assert_eq!(id(Some("a@b.c"), None).label(), "a@b.c");
        assert_eq!(id(None, Some("abc.access")).label(), "service:abc.access");
        assert_eq!(id(None, None).label(), "access:unknown");
    }

    use std::sync::OnceLock;

    use chrono::TimeZone;
    use futures::executor::block_on;
    use rsa::pkcs1v15::SigningKey;
    use rsa::signature::{SignatureEncoding, Signer};
    use rsa::RsaPrivateKey;
    use serde_json::json;

    use crate::outbound::OutboundResponse;

    const TEAM: &str = "rtopacks";
    const AUD: &str = "aud-internal-api";

    /// Two 2048-bit key pairs, generated once per test run.
    fn key_pair(i: usize) -> &'static RsaPrivateKey {
        static KEYS: OnceLock<[RsaPrivateKey; 2]> = OnceLock::new();
        &KEYS.get_or_init(|| {
            let mut rng = rsa::rand_core::OsRng;
            [
                RsaPrivateKey::new(&mut rng, 2048).unwrap(),
                RsaPrivateKey::new(&mut rng, 2048).unwrap(),
            ]
        })[i]
    }

    fn jwk(kid: &str, key: &RsaPrivateKey) -> serde_json::Value {
        json!({
            "kid": kid, "kty": "RSA", "alg": "RS256", "use": "sig",
            "n": b64url_encode(&key.n().to_bytes_be()),
            "e": b64url_encode(&key.e().to_bytes_be()),
        })
    }

    fn jwks(keys: &[(&str, usize)]) -> String {
        let keys: Vec<_> = keys.iter().map(|(kid, i)| jwk(kid, key_pair(*i))).collect();
        json!({ "keys": keys, "public_cert": {"kid": "x", "cert": "-----BEGIN CERTIFICATE-----"} })
            .to_string()
    }

    fn sign(header: serde_json::Value, claims: serde_json::Value, key: usize) -> String {
        let input = format!(
            "{}.{}",
            b64url_encode(header.to_string().as_bytes()),
            b64url_encode(claims.to_string().as_bytes())
        );
        let sig = SigningKey::<Sha256>::new(key_pair(key).clone()).sign(input.as_bytes());
        format!("{input}.{}", b64url_encode(&sig.to_bytes()))
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap()
    }

    fn claims() -> serde_json::Value {
        let t = now().timestamp();
        json!({
            "aud": [AUD], "email": "tim@rtopacks.com.au", "exp": t + 600, "iat": t,
            "nbf": t, "iss": "https://rtopacks.cloudflareaccess.com", "type": "app",
            "identity_nonce": "n", "sub": "user-1", "country": "AU",
        })
    }

    fn token_with(change: impl FnOnce(&mut serde_json::Value), kid: &str, key: usize) -> String {
        let mut c = claims();
        change(&mut c);
        sign(json!({"alg": "RS256", "kid": kid, "typ": "JWT"}), c, key)
    }

    fn config() -> AccessConfig {
        AccessConfig::new(TEAM, &format!("other-app, {AUD}")).unwrap()
    }

    #[test]
    fn a_token_signed_by_the_team_verifies_and_names_the_person_or_service() {
        let keys = Keys::from_jwks(&jwks(&[("k1", 0), ("k2", 1)])).unwrap();
        assert_eq!(keys.kids().collect::<Vec<_>>(), ["k1", "k2"]);
        let id = verify(&token_with(|_| {}, "k1", 0), &keys, &config(), now()).unwrap();
        assert_eq!(id.label(), "tim@rtopacks.com.au");
        assert_eq!(id.sub.as_deref(), Some("user-1"));

        // A service token: common_name, no email; aud as a plain string.
        let service = token_with(
            |c| {
                c["aud"] = json!(AUD);
                c.as_object_mut().unwrap().remove("email");
                c["common_name"] = json!("8f2c.access");
            },
            "k2",
            1,
        );
        let id = verify(&service, &keys, &config(), now()).unwrap();
        assert_eq!(id.label(), "service:8f2c.access");
    }

    #[test]
    fn every_failed_check_is_refused_with_its_reason() {
        let keys = Keys::from_jwks(&jwks(&[("k1", 0)])).unwrap();
        let cfg = config();
        let t = now().timestamp();
        let v = |token: &str| verify(token, &keys, &cfg, now());

        // Signed by a key the team does not publish under that kid.
        assert_eq!(v(&token_with(|_| {}, "k1", 1)), Err(AccessError::Signature));
        assert_eq!(
            v(&token_with(|_| {}, "k9", 0)),
            Err(AccessError::UnknownKey)
        );
        assert_eq!(
            v(&token_with(
                |c| c["iss"] = json!("https://evil.cloudflareaccess.com"),
                "k1",
                0
            )),
            Err(AccessError::Issuer)
        );
        assert_eq!(
            v(&token_with(|c| c["aud"] = json!(["someone-else"]), "k1", 0)),
            Err(AccessError::Audience)
        );
        assert_eq!(
            v(&token_with(
                |c| {
                    c.as_object_mut().unwrap().remove("aud");
                },
                "k1",
                0
            )),
            Err(AccessError::Audience)
        );
        assert_eq!(
            v(&token_with(
                |c| c["exp"] = json!(t - LEEWAY_SECS - 1),
                "k1",
                0
            )),
            Err(AccessError::Expired)
        );
        assert!(v(&token_with(
            |c| c["exp"] = json!(t - LEEWAY_SECS + 1),
            "k1",
            0
        ))
        .is_ok());
        assert_eq!(
            v(&token_with(
                |c| c["nbf"] = json!(t + LEEWAY_SECS + 1),
                "k1",
                0
            )),
            Err(AccessError::NotYetValid)
        );
        assert!(matches!(
            v(&token_with(
                |c| {
                    c.as_object_mut().unwrap().remove("exp");
                },
                "k1",
                0
            )),
            Err(AccessError::Malformed(_))
        ));

        // The payload changed after signing.
        let good = token_with(|_| {}, "k1", 0);
        let mut parts: Vec<&str> = good.split('.').collect();
        let mut c = claims();
        c["email"] = json!("admin@rtopacks.com.au");
        let forged_payload = b64url_encode(c.to_string().as_bytes());
        parts[1] = &forged_payload;
        assert_eq!(v(&parts.join(".")), Err(AccessError::Signature));

        // alg none / HS256 (the classic confusions) are refused before any key is used.
        let none = format!(
            "{}.{}.",
            b64url_encode(br#"{"alg":"none","kid":"k1"}"#),
            b64url_encode(claims().to_string().as_bytes())
        );
        assert_eq!(v(&none), Err(AccessError::Algorithm("none".into())));
        let hs = sign(json!({"alg": "HS256", "kid": "k1"}), claims(), 0);
        assert_eq!(v(&hs), Err(AccessError::Algorithm("HS256".into())));
        let no_kid = sign(json!({"alg": "RS256"}), claims(), 0);
        assert!(matches!(v(&no_kid), Err(AccessError::Malformed(_))));

        for junk in ["a.b", "a.b.c.d", "!!.??.**", &"x".repeat(MAX_TOKEN_LEN + 1)] {
            assert!(
                matches!(v(junk), Err(AccessError::Malformed(_))),
                "{junk:.20}"
            );
        }
        assert_eq!(v("  "), Err(AccessError::Missing));
    }

    #[test]
    fn jwks_documents_keep_only_usable_rsa_signing_keys() {
        let small = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 1024).unwrap();
        let doc = json!({"keys": [
            jwk("small", &small),
            {"kid": "ec", "kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"},
            {"kty": "RSA", "n": "AQAB", "e": "AQAB"},
            jwk("good", key_pair(0)),
        ]});
        let keys = Keys::from_jwks(&doc.to_string()).unwrap();
        assert_eq!(keys.kids().collect::<Vec<_>>(), ["good"]);
        let only_small = json!({"keys": [jwk("small", &small)]}).to_string();
        assert!(matches!(
            Keys::from_jwks(&only_small),
            Err(AccessError::Keys(_))
        ));
        assert!(matches!(
            Keys::from_jwks("<html>"),
            Err(AccessError::Keys(_))
        ));
    }

    /// A JWKS endpoint whose document the test can rotate; counts fetches.
    struct Certs {
        doc: RefCell<String>,
        status: RefCell<u16>,
        urls: RefCell<Vec<String>>,
    }

    impl HttpClient for Certs {
        async fn send(&self, req: &OutboundRequest) -> Result<OutboundResponse, String> {
            self.urls.borrow_mut().push(req.url.clone());
            Ok(OutboundResponse {
                status: *self.status.borrow(),
                body: self.doc.borrow().clone(),
                retry_after: None,
            })
        }
        async fn sleep(&self, _: u64) {}
    }

    #[test]
    fn the_cache_fetches_once_refetches_on_rotation_and_survives_an_outage() {
        let certs = Certs {
            doc: RefCell::new(jwks(&[("k1", 0)])),
            status: RefCell::new(200),
            urls: RefCell::new(Vec::new()),
        };
        let cache = KeyCache::new();
        let cfg = config();
        let at = |secs: i64| now() + chrono::Duration::seconds(secs);
        let check = |token: &str, t| block_on(cache.verify(&certs, &cfg, Some(token), t));
        let fetches = || certs.urls.borrow().len();

        let k1 = token_with(|_| {}, "k1", 0);
        assert!(check(&k1, at(0)).is_ok());
        assert!(check(&k1, at(10)).is_ok());
        assert_eq!(fetches(), 1);
        assert_eq!(
            certs.urls.borrow()[0],
            "https://rtopacks.cloudflareaccess.com/cdn-cgi/access/certs"
        );
        assert_eq!(
            block_on(cache.verify(&certs, &cfg, None, at(10))),
            Err(AccessError::Missing)
        );

        // Rotation: a token under a new kid makes the cache refetch, once.
        *certs.doc.borrow_mut() = jwks(&[("k1", 0), ("k2", 1)]);
        let k2 = token_with(|c| c["exp"] = json!(at(900).timestamp()), "k2", 1);
        assert!(check(&k2, at(20)).is_ok());
        assert_eq!(fetches(), 2);

        // Junk kids cannot make every request fetch: one refetch per REFETCH_MIN_SECS.
        let k3 = token_with(|c| c["exp"] = json!(at(900).timestamp()), "k3", 1);
        assert_eq!(check(&k3, at(30)), Err(AccessError::UnknownKey));
        assert_eq!(fetches(), 2, "the k2 refetch was 10 s ago");
        assert_eq!(
            check(&k3, at(20 + REFETCH_MIN_SECS)),
            Err(AccessError::UnknownKey)
        );
        assert_eq!(
            check(&k3, at(30 + REFETCH_MIN_SECS)),
            Err(AccessError::UnknownKey)
        );
        assert_eq!(fetches(), 3);

        // The endpoint fails after the TTL: the held keys keep working.
        *certs.status.borrow_mut() = 500;
        let late = token_with(
            |c| c["exp"] = json!(at(CACHE_TTL_SECS + 600).timestamp()),
            "k1",
            0,
        );
        assert!(check(&late, at(CACHE_TTL_SECS + 200)).is_ok());
        assert!(fetches() > 3);

        // A cold cache with the endpoint down cannot verify anything: 503, not 403.
        let cold = KeyCache::new();
        let e = block_on(cold.verify(&certs, &cfg, Some(&k1), at(0))).unwrap_err();
        assert!(matches!(e, AccessError::Keys(_)));
        assert_eq!(e.status(), 503);
    }

    #[test]
    fn errors_map_to_403_or_503() {
        assert_eq!(AccessError::Expired.to_api_error().status, 403);
        assert_eq!(AccessError::Keys("x".into()).to_api_error().status, 503);
        assert!(!AccessError::Keys("secret detail".into())
            .to_api_error()
            .detail
            .contains("secret"));
    }
}
