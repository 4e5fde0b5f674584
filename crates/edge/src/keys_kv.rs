//! API and MCP keys kept in KV: authenticate a presented `Authorization: Bearer` key,
//! issue a key (shown once), list keys, revoke one. Generic over
//! [`KeyKind`]: the public api uses `RTOPACKS_OPERATIONAL_KEYS` (`rtp_live_…`), the MCP
//! server `MCP_API_KEYS` (`rtp_mcp_…`), internal-api's admin routes both.
//!
//! Storage (see `rtopacks_domain::keys`): one entry per key, named `key:<id>`, holding the
//! [`KeyRecord`] as JSON (the SHA-256 of the key, never the key), with the record minus
//! its hash as the entry's metadata so a listing is one KV `list` per thousand keys.
//! Authenticating is one KV `get` (the id is read from the presented key) and a
//! constant-time comparison of hashes ([`KeyRecord::verify`]).
//!
//! KV is eventually consistent: a revocation is seen everywhere within about a minute
//! (KV's cache), at once in the location that wrote it.
//!
//! The decisions (what a header, a stored record or an issue request means) are pure and
//! tested natively; the KV calls are wasm32-only glue.

use rtopacks_domain::keys::{
    self, IssuedKey, KeyError, KeyKind, KeyRecord, ParsedKey, DEFAULT_RATE_LIMIT_PER_MINUTE,
    SCOPE_CATALOGUE_READ,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::ApiError;

/// Longest owner label accepted (it travels in KV metadata, limited to 1 KB).
pub const MAX_OWNER_CHARS: usize = 200;
/// Highest rate limit a key may be given (requests per minute).
pub const MAX_RATE_LIMIT_PER_MINUTE: u32 = 10_000;

/// A key as listed: the record without its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeySummary {
    pub id: String,
    pub kind: KeyKind,
    pub owner: String,
    pub scopes: Vec<String>,
    pub rate_limit_per_minute: u32,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

impl KeySummary {
    pub fn of(kind: KeyKind, r: &KeyRecord) -> Self {
        KeySummary {
            id: r.id.clone(),
            kind,
            owner: r.owner.clone(),
            scopes: r.scopes.clone(),
            rate_limit_per_minute: r.rate_limit_per_minute,
            created_at: r.created_at.clone(),
            revoked_at: r.revoked_at.clone(),
        }
    }
}

/// What a caller asks to be issued (internal-api `POST /admin/keys`, `scripts/keys issue`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    pub kind: KeyKind,
    pub owner: String,
    /// Default: `catalogue:read`.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    /// Default: [`DEFAULT_RATE_LIMIT_PER_MINUTE`].
    #[serde(default)]
    pub rate_limit_per_minute: Option<u32>,
}

impl IssueRequest {
    /// Parse a JSON body; every refusal is a 400 saying what to send.
    pub fn parse(body: &str) -> Result<Self, ApiError> {
        let r: IssueRequest = serde_json::from_str(body).map_err(|e| {
            ApiError::bad_request(format!(
                "send a JSON object {{\"kind\": \"api\" | \"mcp\", \"owner\": \"…\", \
                 \"scopes\": [\"catalogue:read\"], \"rate_limit_per_minute\": 60}} ({e})"
            ))
        })?;
        if r.owner.chars().count() > MAX_OWNER_CHARS {
            return Err(ApiError::bad_request(format!(
                "owner must be at most {MAX_OWNER_CHARS} characters"
            )));
        }
        if r.rate_limit_per_minute
            .is_some_and(|n| n > MAX_RATE_LIMIT_PER_MINUTE)
        {
            return Err(ApiError::bad_request(format!(
                "rate_limit_per_minute must be at most {MAX_RATE_LIMIT_PER_MINUTE}"
            )));
        }
        Ok(r)
    }

    /// Issue from `entropy` at `now` (ISO): the domain's checks (owner, known scopes, a
    /// rate of at least 1), refusals as 400s.
    pub fn issue(
        &self,
        now: &str,
        entropy: &[u8; keys::ENTROPY_BYTES],
    ) -> Result<IssuedKey, ApiError> {
        let scopes: Vec<&str> = match &self.scopes {
            Some(s) => s.iter().map(String::as_str).collect(),
            None => vec![SCOPE_CATALOGUE_READ],
        };
        keys::issue(
            self.kind,
            &self.owner,
            &scopes,
            self.rate_limit_per_minute
                .unwrap_or(DEFAULT_RATE_LIMIT_PER_MINUTE),
            now,
            entropy,
        )
        .map_err(|e| ApiError::bad_request(issue_refusal(&e)))
    }
}

fn issue_refusal(e: &KeyError) -> String {
    match e {
        KeyError::UnknownScope(s) => format!(
            "unknown scope {s:?}; a key may carry {}",
            keys::KNOWN_SCOPES.join(", ")
        ),
        KeyError::NoScopes => "a key needs at least one scope".into(),
        KeyError::NoOwner => "owner must not be empty (an email, org id or label)".into(),
        KeyError::ZeroRateLimit => "rate_limit_per_minute must be at least 1".into(),
        other => other.to_string(),
    }
}

/// The answer to an issue: the key itself, shown this once, and its record.
pub fn issued_body(issued: &IssuedKey) -> serde_json::Value {
    let kind = keys::parse(&issued.key)
        .map(|p| p.kind)
        .unwrap_or(KeyKind::Api);
    json!({
        "key": issued.key,
        "record": KeySummary::of(kind, &issued.record),
        "note": "This is the only time the key is shown. Store it now; RTOpacks keeps only its hash.",
    })
}

fn key_example(kind: KeyKind) -> String {
    format!("{}<16 hex>_<64 hex>", kind.prefix())
}

/// The 401 detail of each way a presented key fails.
fn unauthorized(kind: KeyKind, e: &KeyError) -> ApiError {
    let detail = match e {
        KeyError::Malformed => format!(
            "that is not an RTOpacks {} key; keys look like {}",
            kind.as_str(),
            key_example(kind)
        ),
        KeyError::Revoked => "this key has been revoked; ask for a new one".into(),
        _ => "this key is not known; check it was copied whole".into(),
    };
    ApiError::unauthorized(detail)
}

/// The key an `Authorization` header presents, if it is well formed and of `kind`.
pub fn presented(kind: KeyKind, authorization: Option<&str>) -> Result<ParsedKey<'_>, ApiError> {
    let Some(token) = keys::bearer_token(authorization) else {
        return Err(ApiError::unauthorized(format!(
            "an API key is required: send Authorization: Bearer {}",
            key_example(kind)
        )));
    };
    let parsed = keys::parse(token).map_err(|e| unauthorized(kind, &e))?;
    if parsed.kind != kind {
        return Err(ApiError::unauthorized(format!(
            "that is an RTOpacks {} key; this surface takes {} keys ({})",
            parsed.kind.as_str(),
            kind.as_str(),
            key_example(kind)
        )));
    }
    Ok(parsed)
}

/// Check a presented key against what KV holds under its id (`None`: nothing): the record
/// must match in constant time, be unrevoked, and carry `scope` (else 403).
pub fn check(
    parsed: &ParsedKey<'_>,
    stored: Option<&str>,
    scope: &str,
) -> Result<KeyRecord, ApiError> {
    let record: KeyRecord = stored
        .and_then(|s| serde_json::from_str(s).ok())
        .ok_or_else(|| unauthorized(parsed.kind, &KeyError::Unknown))?;
    match record.authorize(parsed, scope) {
        Ok(()) => Ok(record),
        Err(KeyError::MissingScope(s)) => Err(ApiError::forbidden(format!(
            "this key does not carry the {s} scope"
        ))),
        Err(e) => Err(unauthorized(parsed.kind, &e)),
    }
}

/// A key id as given in a path: 16 lower-case hex characters.
pub fn parse_id(id: &str) -> Result<&str, ApiError> {
    let ok = id.len() == 16 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if ok {
        Ok(id)
    } else {
        Err(ApiError::bad_request(
            "a key id is 16 lower-case hex characters (the part after the prefix)",
        ))
    }
}

#[cfg(target_arch = "wasm32")]
mod kv {
    use super::*;
    use worker::{Env, KvStore};

    fn store(env: &Env, kind: KeyKind) -> worker::Result<KvStore> {
        env.kv(kind.kv_binding())
    }

    /// Authenticate the `Authorization` header as a `kind` key carrying `scope`.
    /// `Ok(Err(e))`: refused (401/403, `e` says why); `Err`: KV failed.
    pub async fn authenticate(
        env: &Env,
        kind: KeyKind,
        authorization: Option<&str>,
        scope: &str,
    ) -> worker::Result<Result<KeyRecord, ApiError>> {
        let parsed = match presented(kind, authorization) {
            Ok(p) => p,
            Err(e) => return Ok(Err(e)),
        };
        let stored = store(env, kind)?.get(&parsed.kv_key()).text().await?;
        Ok(check(&parsed, stored.as_deref(), scope))
    }

    async fn put(kv: &KvStore, kind: KeyKind, record: &KeyRecord) -> worker::Result<()> {
        kv.put(&keys::kv_key(&record.id), serde_json::to_string(record)?)?
            .metadata(KeySummary::of(kind, record))?
            .execute()
            .await?;
        Ok(())
    }

    /// Issue a key: stored (hash only), returned whole this once.
    pub async fn issue(
        env: &Env,
        request: &IssueRequest,
        now: &str,
    ) -> worker::Result<Result<IssuedKey, ApiError>> {
        let kv = store(env, request.kind)?;
        // 64-bit random ids do not collide in practice; a collision is still never an
        // overwrite.
        for _ in 0..3 {
            let mut entropy = [0u8; keys::ENTROPY_BYTES];
            keys::fill_random(&mut entropy).map_err(|e| worker::Error::RustError(e.to_string()))?;
            let issued = match request.issue(now, &entropy) {
                Ok(i) => i,
                Err(e) => return Ok(Err(e)),
            };
            if kv
                .get(&keys::kv_key(&issued.record.id))
                .text()
                .await?
                .is_some()
            {
                continue;
            }
            put(&kv, request.kind, &issued.record).await?;
            return Ok(Ok(issued));
        }
        Err(worker::Error::RustError(
            "key id collided three times".into(),
        ))
    }

    /// Every key of `kind`, oldest first (revoked ones included, marked).
    pub async fn list(env: &Env, kind: KeyKind) -> worker::Result<Vec<KeySummary>> {
        let kv = store(env, kind)?;
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut q = kv.list().prefix("key:".into());
            if let Some(c) = cursor.take() {
                q = q.cursor(c);
            }
            let page = q.execute().await?;
            for k in &page.keys {
                let from_meta = k
                    .metadata
                    .clone()
                    .and_then(|m| serde_json::from_value::<KeySummary>(m).ok());
                let summary = match from_meta {
                    Some(s) => Some(s),
                    None => kv
                        .get(&k.name)
                        .text()
                        .await?
                        .and_then(|t| serde_json::from_str::<KeyRecord>(&t).ok())
                        .map(|r| KeySummary::of(kind, &r)),
                };
                out.extend(summary);
            }
            match page.cursor {
                Some(c) if !page.list_complete => cursor = Some(c),
                _ => break,
            }
        }
        out.sort_by(|a, b| (&a.created_at, &a.id).cmp(&(&b.created_at, &b.id)));
        Ok(out)
    }

    /// Revoke the key `id`, looked up in each kind's namespace (`kinds`). Revoking twice
    /// keeps the first time. `Ok(Err(404))` when no namespace holds it.
    pub async fn revoke(
        env: &Env,
        kinds: &[KeyKind],
        id: &str,
        now: &str,
    ) -> worker::Result<Result<KeySummary, ApiError>> {
        let id = match parse_id(id) {
            Ok(id) => id,
            Err(e) => return Ok(Err(e)),
        };
        for &kind in kinds {
            let kv = store(env, kind)?;
            let Some(text) = kv.get(&keys::kv_key(id)).text().await? else {
                continue;
            };
            let mut record: KeyRecord = serde_json::from_str(&text)?;
            if !record.is_revoked() {
                record.revoke(now);
                put(&kv, kind, &record).await?;
            }
            return Ok(Ok(KeySummary::of(kind, &record)));
        }
        Ok(Err(ApiError::not_found(format!("no key with id {id}"))))
    }
}

#[cfg(target_arch = "wasm32")]
pub use kv::{authenticate, issue, list, revoke};

#[cfg(test)]
mod tests {
    use super::*;
    use rtopacks_domain::keys::SCOPE_CATALOGUE_CONTACTS;

    const NOW: &str = "2026-11-24T10:00:00Z";

    fn issued(kind: KeyKind, scopes: Option<Vec<&str>>) -> IssuedKey {
        IssueRequest {
            kind,
            owner: "dev@example.com".into(),
            scopes: scopes.map(|s| s.into_iter().map(String::from).collect()),
            rate_limit_per_minute: None,
        }
        .issue(NOW, &[7u8; keys::ENTROPY_BYTES])
        .unwrap()
    }

    fn bearer(key: &str) -> String {
        format!("Bearer {key}")
    }

    #[test]
    fn an_issued_key_authenticates_and_its_record_carries_no_secret() {
        let k = issued(KeyKind::Api, None);
        assert_eq!(k.record.scopes, [SCOPE_CATALOGUE_READ]);
        assert_eq!(
            k.record.rate_limit_per_minute,
            DEFAULT_RATE_LIMIT_PER_MINUTE
        );
        let stored = serde_json::to_string(&k.record).unwrap();
        let header = bearer(&k.key);
        let parsed = presented(KeyKind::Api, Some(&header)).unwrap();
        assert_eq!(
            check(&parsed, Some(&stored), SCOPE_CATALOGUE_READ),
            Ok(k.record.clone())
        );
        let body = issued_body(&k);
        assert_eq!(body["key"], k.key);
        assert_eq!(body["record"]["kind"], "api");
        assert!(body["record"].get("hash").is_none());
        let summary = serde_json::to_string(&KeySummary::of(KeyKind::Api, &k.record)).unwrap();
        assert!(summary.len() < 1024, "fits KV metadata");
        assert!(!summary.contains(&k.record.hash));
    }

    #[test]
    fn each_refusal_says_why_in_plain_words() {
        let k = issued(KeyKind::Api, None);
        let stored = serde_json::to_string(&k.record).unwrap();
        let status_detail = |r: Result<KeyRecord, ApiError>| {
            let e = r.unwrap_err();
            (e.status, e.detail)
        };

        let missing = presented(KeyKind::Api, None).unwrap_err();
        assert_eq!(missing.status, 401);
        assert!(missing.detail.contains("Authorization: Bearer rtp_live_"));
        let basic = presented(KeyKind::Api, Some("Basic abc")).unwrap_err();
        assert_eq!(basic.detail, missing.detail);

        let malformed = presented(KeyKind::Api, Some("Bearer sk_live_123")).unwrap_err();
        assert_eq!(malformed.status, 401);
        assert!(malformed.detail.contains("not an RTOpacks api key"));

        let mcp = issued(KeyKind::Mcp, None);
        let wrong = presented(KeyKind::Api, Some(&bearer(&mcp.key))).unwrap_err();
        assert_eq!(wrong.status, 401);
        assert!(wrong.detail.contains("mcp key"), "{}", wrong.detail);

        let header = bearer(&k.key);
        let parsed = presented(KeyKind::Api, Some(&header)).unwrap();
        let (s, d) = status_detail(check(&parsed, None, SCOPE_CATALOGUE_READ));
        assert_eq!((s, d.contains("not known")), (401, true));
        let (s, _) = status_detail(check(&parsed, Some("not json"), SCOPE_CATALOGUE_READ));
        assert_eq!(s, 401);

        // Right id, wrong secret: unknown, never "revoked".
        let mut forged = k.key.clone();
        let last = forged.pop().unwrap();
        forged.push(if last == 'a' { 'b' } else { 'a' });
        let forged_header = bearer(&forged);
        let parsed_forged = presented(KeyKind::Api, Some(&forged_header)).unwrap();
        let mut revoked = k.record.clone();
        revoked.revoke(NOW);
        let revoked_json = serde_json::to_string(&revoked).unwrap();
        let (s, d) = status_detail(check(
            &parsed_forged,
            Some(&revoked_json),
            SCOPE_CATALOGUE_READ,
        ));
        assert_eq!((s, d.contains("not known")), (401, true));

        let (s, d) = status_detail(check(&parsed, Some(&revoked_json), SCOPE_CATALOGUE_READ));
        assert_eq!((s, d.contains("revoked")), (401, true));

        let (s, d) = status_detail(check(&parsed, Some(&stored), SCOPE_CATALOGUE_CONTACTS));
        assert_eq!((s, d.contains("catalogue:contacts")), (403, true));
    }

    #[test]
    fn issue_requests_are_checked() {
        let ok = IssueRequest::parse(
            r#"{"kind":"mcp","owner":"agent","scopes":["catalogue:read","catalogue:contacts"],"rate_limit_per_minute":30}"#,
        )
        .unwrap();
        assert_eq!(ok.kind, KeyKind::Mcp);
        let k = ok.issue(NOW, &[1u8; keys::ENTROPY_BYTES]).unwrap();
        assert!(k.key.starts_with("rtp_mcp_"));
        assert_eq!(k.record.rate_limit_per_minute, 30);

        for bad in [
            "",
            "[]",
            r#"{"kind":"other","owner":"x"}"#,
            r#"{"owner":"x"}"#,
            r#"{"kind":"api","owner":"x","admin":true}"#,
            r#"{"kind":"api","owner":"x","rate_limit_per_minute":-1}"#,
            r#"{"kind":"api","owner":"x","rate_limit_per_minute":20000}"#,
        ] {
            assert_eq!(IssueRequest::parse(bad).unwrap_err().status, 400, "{bad}");
        }
        let long = format!(r#"{{"kind":"api","owner":"{}"}}"#, "x".repeat(201));
        assert_eq!(IssueRequest::parse(&long).unwrap_err().status, 400);

        let e = [1u8; keys::ENTROPY_BYTES];
        for (body, words) in [
            (r#"{"kind":"api","owner":" "}"#, "owner"),
            (
                r#"{"kind":"api","owner":"x","scopes":[]}"#,
                "at least one scope",
            ),
            (
                r#"{"kind":"api","owner":"x","scopes":["admin"]}"#,
                "unknown scope",
            ),
            (
                r#"{"kind":"api","owner":"x","rate_limit_per_minute":0}"#,
                "at least 1",
            ),
        ] {
            let err = IssueRequest::parse(body)
                .unwrap()
                .issue(NOW, &e)
                .unwrap_err();
            assert_eq!(err.status, 400);
            assert!(err.detail.contains(words), "{body}: {}", err.detail);
        }
    }

    #[test]
    fn key_ids_are_sixteen_lower_hex() {
        assert_eq!(parse_id("0123456789abcdef"), Ok("0123456789abcdef"));
        for bad in [
            "",
            "0123456789ABCDEF",
            "0123456789abcde",
            "../../etc/passwd",
            "0123456789abcdeg",
        ] {
            assert_eq!(parse_id(bad).unwrap_err().status, 400);
        }
    }
}
