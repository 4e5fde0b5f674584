//! API and MCP keys, session-token hashing, and the caller tiers.
//!
//! A key is `rtp_live_<id>_<secret>` (public API, kept in `RTOPACKS_OPERATIONAL_KEYS`) or
//! `rtp_mcp_<id>_<secret>` (MCP server, kept in `MCP_API_KEYS`): `id` is 16 lower-case hex
//! characters (8 random bytes), `secret` 64 (32 random bytes). The full key is shown once,
//! at issue; only its SHA-256 is stored.
//!
//! Storage: one KV entry per key, named by the id ([`kv_key`]), holding a [`KeyRecord`] as
//! JSON. Verifying a presented key is one KV get (the id is read from the key itself)
//! followed by a constant-time comparison of hashes; listing and revoking work by id
//! without ever seeing the secret. (Naming entries by hash would make verify one get too,
//! but then revoking by id needs an id → hash index or a full list.)
//!
//! Randomness comes from the caller ([`issue`] takes the bytes) or from the platform
//! through [`fill_random`] (`getrandom`: the OS natively, Web Crypto on wasm32).

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

/// Bytes of randomness [`issue`] consumes: 8 for the id, 32 for the secret.
pub const ENTROPY_BYTES: usize = ID_BYTES + SECRET_BYTES;
const ID_BYTES: usize = 8;
const SECRET_BYTES: usize = 32;

/// Search, lookup, ladder, verify, RTO detail: the catalogue as the public sees it.
pub const SCOPE_CATALOGUE_READ: &str = "catalogue:read";
/// RTO contacts beyond the public view (what an L4 session may see).
pub const SCOPE_CATALOGUE_CONTACTS: &str = "catalogue:contacts";
/// Every scope a key may carry; [`issue`] refuses others.
pub const KNOWN_SCOPES: &[&str] = &[SCOPE_CATALOGUE_READ, SCOPE_CATALOGUE_CONTACTS];
/// Rate limit given to a key when the issuer names none.
pub const DEFAULT_RATE_LIMIT_PER_MINUTE: u32 = 60;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    /// Not a key of ours (wrong prefix, length or alphabet). Answer 401, like every
    /// other key failure: the caller learns nothing about which check failed.
    #[error("malformed key")]
    Malformed,
    #[error("unknown key")]
    Unknown,
    #[error("key revoked")]
    Revoked,
    #[error("key lacks scope {0}")]
    MissingScope(String),
    #[error("unknown scope {0:?}")]
    UnknownScope(String),
    #[error("a key needs at least one scope")]
    NoScopes,
    #[error("owner must not be empty")]
    NoOwner,
    #[error("rate limit must be at least 1 per minute")]
    ZeroRateLimit,
    #[error("no randomness available: {0}")]
    Entropy(String),
}

/// Which surface a key opens; each has its own prefix and KV namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyKind {
    /// The public catalogue API (`api`).
    Api,
    /// The MCP server (`mcp`).
    Mcp,
}

impl KeyKind {
    pub const ALL: [KeyKind; 2] = [KeyKind::Api, KeyKind::Mcp];

    pub fn prefix(self) -> &'static str {
        match self {
            KeyKind::Api => "rtp_live_",
            KeyKind::Mcp => "rtp_mcp_",
        }
    }

    /// The KV binding holding this kind's records.
    pub fn kv_binding(self) -> &'static str {
        match self {
            KeyKind::Api => "RTOPACKS_OPERATIONAL_KEYS",
            KeyKind::Mcp => "MCP_API_KEYS",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            KeyKind::Api => "api",
            KeyKind::Mcp => "mcp",
        }
    }
}

/// A key as stored (JSON, in KV under [`kv_key`]`(id)`). Never holds the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRecord {
    /// 16 lower-case hex characters; also in the key itself, so it lists and revokes.
    pub id: String,
    /// Who the key was issued to (an email, org id or free label).
    pub owner: String,
    pub scopes: Vec<String>,
    pub rate_limit_per_minute: u32,
    /// ISO 8601 UTC, `…T…Z`.
    pub created_at: String,
    #[serde(default)]
    pub revoked_at: Option<String>,
    /// Lower-case hex SHA-256 of the full key string.
    pub hash: String,
}

/// A freshly issued key: `key` is shown to the issuer once and then forgotten.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedKey {
    pub key: String,
    pub record: KeyRecord,
}

impl fmt::Debug for IssuedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedKey")
            .field("key", &"<redacted>")
            .field("record", &self.record)
            .finish()
    }
}

/// A presented key that has the right shape (not yet checked against a record).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ParsedKey<'a> {
    pub kind: KeyKind,
    pub id: &'a str,
    full: &'a str,
}

impl fmt::Debug for ParsedKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedKey")
            .field("kind", &self.kind)
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl ParsedKey<'_> {
    /// SHA-256 of the full key, as stored in [`KeyRecord::hash`].
    pub fn hash(&self) -> String {
        hash_key(self.full)
    }

    /// The KV entry to get.
    pub fn kv_key(&self) -> String {
        kv_key(self.id)
    }
}

/// Lower-case hex SHA-256 of `bytes` (also the session `token_hash` form).
pub fn sha256_hex(bytes: &[u8]) -> String {
    to_hex(&Sha256::digest(bytes))
}

/// What is stored for a key: the SHA-256 of the whole key string.
pub fn hash_key(full_key: &str) -> String {
    sha256_hex(full_key.as_bytes())
}

/// What `engine-db-oc` stores for a session cookie token (`sessions.token_hash`).
pub fn session_token_hash(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

/// An anonymous client's id for SEC-02 and the access log: a salted hash of what
/// identifies it (e.g. `CF-Connecting-IP`), so raw addresses are never stored.
/// 32 hex characters (128 bits) is plenty to keep clients apart.
pub fn anonymous_client_id(salt: &str, identifier: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update([0u8]);
    h.update(identifier.as_bytes());
    let mut hex = to_hex(&h.finalize());
    hex.truncate(32);
    hex
}

/// The KV entry name of a key record.
pub fn kv_key(id: &str) -> String {
    format!("key:{id}")
}

/// Compare in time independent of where the inputs differ (a length difference
/// included), so response times do not reveal how much of a secret matched.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = u8::from(a.len() != b.len());
    for i in 0..a.len().max(b.len()) {
        diff |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0xff);
    }
    diff == 0
}

/// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive).
pub fn bearer_token(header: Option<&str>) -> Option<&str> {
    let h = header?.trim();
    let (scheme, token) = h.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Check the shape of a presented key. Cheap, allocation-free, and done before any KV
/// read so junk never costs a lookup.
pub fn parse(presented: &str) -> Result<ParsedKey<'_>, KeyError> {
    let full = presented.trim();
    let (kind, rest) = KeyKind::ALL
        .iter()
        .find_map(|k| full.strip_prefix(k.prefix()).map(|r| (*k, r)))
        .ok_or(KeyError::Malformed)?;
    let (id, secret) = rest.split_once('_').ok_or(KeyError::Malformed)?;
    if id.len() != ID_BYTES * 2
        || secret.len() != SECRET_BYTES * 2
        || !is_lower_hex(id)
        || !is_lower_hex(secret)
    {
        return Err(KeyError::Malformed);
    }
    Ok(ParsedKey { kind, id, full })
}

/// Fill `buf` from the platform's CSPRNG.
pub fn fill_random(buf: &mut [u8]) -> Result<(), KeyError> {
    getrandom::fill(buf).map_err(|e| KeyError::Entropy(e.to_string()))
}

/// Issue a key from caller-supplied randomness (tests pass fixed bytes; workers and the
/// command pass [`fill_random`]'s). `created_at` is ISO 8601 from the injected clock.
pub fn issue(
    kind: KeyKind,
    owner: &str,
    scopes: &[&str],
    rate_limit_per_minute: u32,
    created_at: &str,
    entropy: &[u8; ENTROPY_BYTES],
) -> Result<IssuedKey, KeyError> {
    let owner = owner.trim();
    if owner.is_empty() {
        return Err(KeyError::NoOwner);
    }
    if rate_limit_per_minute == 0 {
        return Err(KeyError::ZeroRateLimit);
    }
    let scopes = validate_scopes(scopes)?;
    let id = to_hex(&entropy[..ID_BYTES]);
    let secret = to_hex(&entropy[ID_BYTES..]);
    let key = format!("{}{id}_{secret}", kind.prefix());
    let record = KeyRecord {
        id,
        owner: owner.to_owned(),
        scopes,
        rate_limit_per_minute,
        created_at: created_at.to_owned(),
        revoked_at: None,
        hash: hash_key(&key),
    };
    Ok(IssuedKey { key, record })
}

/// [`issue`] with randomness from [`fill_random`].
pub fn generate(
    kind: KeyKind,
    owner: &str,
    scopes: &[&str],
    rate_limit_per_minute: u32,
    created_at: &str,
) -> Result<IssuedKey, KeyError> {
    let mut entropy = [0u8; ENTROPY_BYTES];
    fill_random(&mut entropy)?;
    issue(
        kind,
        owner,
        scopes,
        rate_limit_per_minute,
        created_at,
        &entropy,
    )
}

/// Known scopes only, deduplicated, in the order given; at least one.
pub fn validate_scopes(scopes: &[&str]) -> Result<Vec<String>, KeyError> {
    let mut out: Vec<String> = Vec::with_capacity(scopes.len());
    for s in scopes {
        let s = s.trim();
        if !KNOWN_SCOPES.contains(&s) {
            return Err(KeyError::UnknownScope(s.to_owned()));
        }
        if !out.iter().any(|o| o == s) {
            out.push(s.to_owned());
        }
    }
    if out.is_empty() {
        return Err(KeyError::NoScopes);
    }
    Ok(out)
}

impl KeyRecord {
    pub fn is_revoked(&self) -> bool {
        self.revoked_at.is_some()
    }

    pub fn allows(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// The presented key matches this record (same id, same hash, compared in constant
    /// time) and the record is not revoked. A record fetched under another id is
    /// [`KeyError::Unknown`], never a match.
    pub fn verify(&self, presented: &ParsedKey<'_>) -> Result<(), KeyError> {
        let same_id = constant_time_eq(self.id.as_bytes(), presented.id.as_bytes());
        let same_hash = constant_time_eq(self.hash.as_bytes(), presented.hash().as_bytes());
        if !(same_id & same_hash) {
            return Err(KeyError::Unknown);
        }
        if self.is_revoked() {
            return Err(KeyError::Revoked);
        }
        Ok(())
    }

    /// [`verify`](Self::verify), then require `scope`.
    pub fn authorize(&self, presented: &ParsedKey<'_>, scope: &str) -> Result<(), KeyError> {
        self.verify(presented)?;
        if !self.allows(scope) {
            return Err(KeyError::MissingScope(scope.to_owned()));
        }
        Ok(())
    }

    /// Mark revoked at `now` (ISO); revoking twice keeps the first time.
    pub fn revoke(&mut self, now: &str) {
        if self.revoked_at.is_none() {
            self.revoked_at = Some(now.to_owned());
        }
    }
}

/// What a caller may see. Serialised `anonymous`, `signed_in`, `l4`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// No session (or an expired or revoked one).
    Anonymous,
    /// A live session whose org is not an active client.
    SignedIn,
    /// A live session whose org is an active `rto_clients` row.
    L4,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Anonymous => "anonymous",
            Tier::SignedIn => "signed_in",
            Tier::L4 => "l4",
        }
    }

    /// The value for `anomaly_log.ucca_layer` (the runbook's example is `L4`).
    pub fn ucca_layer(self) -> &'static str {
        match self {
            Tier::Anonymous => "anonymous",
            Tier::SignedIn => "signed_in",
            Tier::L4 => "L4",
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn is_lower_hex(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[usize::from(b >> 4)] as char);
        s.push(HEX[usize::from(b & 0x0f)] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: &str = "2026-11-24T10:00:00Z";

    fn entropy(seed: u8) -> [u8; ENTROPY_BYTES] {
        let mut e = [0u8; ENTROPY_BYTES];
        for (i, b) in e.iter_mut().enumerate() {
            *b = seed
                .wrapping_mul(31)
                .wrapping_add((i as u8).wrapping_mul(7));
        }
        e
    }

    fn api_key() -> IssuedKey {
        issue(
            KeyKind::Api,
            "dev@example.com",
            &[SCOPE_CATALOGUE_READ],
            120,
            NOW,
            &entropy(1),
        )
        .unwrap()
    }

    #[test]
    fn sha256_matches_the_standard_vectors() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn an_issued_key_has_its_prefix_id_and_secret_and_stores_only_the_hash() {
        let k = api_key();
        assert!(k.key.starts_with("rtp_live_"));
        assert_eq!(k.key.len(), "rtp_live_".len() + 16 + 1 + 64);
        let parsed = parse(&k.key).unwrap();
        assert_eq!(parsed.kind, KeyKind::Api);
        assert_eq!(parsed.id, k.record.id);
        assert_eq!(k.record.hash, hash_key(&k.key));
        assert_eq!(k.record.hash.len(), 64);
        let json = serde_json::to_string(&k.record).unwrap();
        assert!(!json.contains(&k.key[k.key.len() - 64..]), "secret stored");
        assert!(!format!("{k:?}").contains(&k.key), "secret in Debug");
        assert_eq!(parsed.kv_key(), format!("key:{}", k.record.id));

        let mcp = issue(
            KeyKind::Mcp,
            "agent",
            &[SCOPE_CATALOGUE_READ],
            60,
            NOW,
            &entropy(2),
        )
        .unwrap();
        assert!(mcp.key.starts_with("rtp_mcp_"));
        assert_eq!(parse(&mcp.key).unwrap().kind, KeyKind::Mcp);
        assert_eq!(KeyKind::Mcp.kv_binding(), "MCP_API_KEYS");
    }

    #[test]
    fn the_stored_record_round_trips_as_json() {
        let k = api_key();
        let v = serde_json::to_value(&k.record).unwrap();
        for field in [
            "id",
            "owner",
            "scopes",
            "rate_limit_per_minute",
            "created_at",
            "revoked_at",
            "hash",
        ] {
            assert!(v.get(field).is_some(), "{field}");
        }
        let back: KeyRecord = serde_json::from_value(v).unwrap();
        assert_eq!(back, k.record);
    }

    #[test]
    fn verify_accepts_the_key_and_refuses_a_changed_or_revoked_one() {
        let mut k = api_key();
        let parsed = parse(&k.key).unwrap();
        assert_eq!(k.record.verify(&parsed), Ok(()));
        assert_eq!(k.record.authorize(&parsed, SCOPE_CATALOGUE_READ), Ok(()));
        assert_eq!(
            k.record.authorize(&parsed, SCOPE_CATALOGUE_CONTACTS),
            Err(KeyError::MissingScope(SCOPE_CATALOGUE_CONTACTS.into()))
        );

        // Same id, one secret character changed: well-formed, but not this key.
        let mut forged = k.key.clone();
        let last = forged.pop().unwrap();
        forged.push(if last == '0' { '1' } else { '0' });
        assert_eq!(
            k.record.verify(&parse(&forged).unwrap()),
            Err(KeyError::Unknown)
        );

        // Another key's record must never match.
        let other = issue(
            KeyKind::Api,
            "x",
            &[SCOPE_CATALOGUE_READ],
            1,
            NOW,
            &entropy(9),
        )
        .unwrap();
        assert_eq!(other.record.verify(&parsed), Err(KeyError::Unknown));

        k.record.revoke("2026-11-25T00:00:00Z");
        k.record.revoke("2026-11-26T00:00:00Z");
        assert_eq!(k.record.revoked_at.as_deref(), Some("2026-11-25T00:00:00Z"));
        assert_eq!(k.record.verify(&parsed), Err(KeyError::Revoked));
    }

    #[test]
    fn malformed_keys_are_refused_before_any_lookup() {
        let k = api_key();
        for bad in [
            "",
            "rtp_live_",
            "sk_live_0123456789abcdef_00",
            &k.key[..k.key.len() - 1],
            &format!("{}0", k.key),
            &k.key.to_uppercase(),
            &k.key.replacen("rtp_live_", "rtp_test_", 1),
            &k.key.replacen('_', "-", 3),
        ] {
            assert_eq!(parse(bad).map(|_| ()), Err(KeyError::Malformed), "{bad:?}");
        }
        // Surrounding whitespace from a header is tolerated.
        assert!(parse(&format!(" {} ", k.key)).is_ok());
    }

    #[test]
    fn issue_checks_owner_scopes_and_rate_limit() {
        let e = entropy(3);
        let issue_with = |owner: &str, scopes: &[&str], rate: u32| {
            issue(KeyKind::Api, owner, scopes, rate, NOW, &e).map(|k| k.record.scopes)
        };
        assert_eq!(
            issue_with("o", &[SCOPE_CATALOGUE_READ, SCOPE_CATALOGUE_READ], 1),
            Ok(vec![SCOPE_CATALOGUE_READ.to_owned()])
        );
        assert_eq!(
            issue_with(" ", &[SCOPE_CATALOGUE_READ], 1),
            Err(KeyError::NoOwner)
        );
        assert_eq!(issue_with("o", &[], 1), Err(KeyError::NoScopes));
        assert_eq!(
            issue_with("o", &["admin"], 1),
            Err(KeyError::UnknownScope("admin".into()))
        );
        assert_eq!(
            issue_with("o", &[SCOPE_CATALOGUE_READ], 0),
            Err(KeyError::ZeroRateLimit)
        );
    }

    #[test]
    fn generated_keys_differ() {
        let a = generate(KeyKind::Api, "o", &[SCOPE_CATALOGUE_READ], 60, NOW).unwrap();
        let b = generate(KeyKind::Api, "o", &[SCOPE_CATALOGUE_READ], 60, NOW).unwrap();
        assert_ne!(a.key, b.key);
        assert_ne!(a.record.id, b.record.id);
        assert!(parse(&a.key).is_ok());
    }

    #[test]
    fn constant_time_eq_is_equality() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(constant_time_eq(b"", b""));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(&[0u8; 256], &[0u8; 512]));
    }

    #[test]
    fn bearer_token_reads_the_header() {
        assert_eq!(bearer_token(Some("Bearer abc")), Some("abc"));
        assert_eq!(bearer_token(Some("bearer  abc ")), Some("abc"));
        assert_eq!(bearer_token(Some("Basic abc")), None);
        assert_eq!(bearer_token(Some("Bearer ")), None);
        assert_eq!(bearer_token(Some("abc")), None);
        assert_eq!(bearer_token(None), None);
    }

    #[test]
    fn session_and_anonymous_hashes() {
        let h = session_token_hash("tok");
        assert_eq!(h.len(), 64);
        assert!(is_lower_hex(&h));
        let a = anonymous_client_id("salt", "203.0.113.9");
        assert_eq!(a.len(), 32);
        assert_ne!(a, anonymous_client_id("other", "203.0.113.9"));
        assert_ne!(a, anonymous_client_id("salt", "203.0.113.10"));
    }

    #[test]
    fn tiers_serialise_lowercase() {
        assert_eq!(
            serde_json::to_string(&[Tier::Anonymous, Tier::SignedIn, Tier::L4]).unwrap(),
            r#"["anonymous","signed_in","l4"]"#
        );
        assert_eq!(serde_json::from_str::<Tier>(r#""l4""#).unwrap(), Tier::L4);
        assert!(Tier::L4 > Tier::SignedIn && Tier::SignedIn > Tier::Anonymous);
        assert_eq!(Tier::L4.ucca_layer(), "L4");
    }
}
