//! Sign-in rules: addresses, magic-link and session tokens, session expiry, the allowlist,
//! link rate limits, and the claim proof (an address at a domain the RTO lists on
//! training.gov.au). Pure: randomness and time come in as arguments; the SQL is in
//! `rtopacks_store::signin`.
//!
//! Tokens are 32 random bytes, base64url without padding (43 characters); only the
//! lower-case hex SHA-256 of a token is ever stored, so a database read never yields a
//! usable token. `Debug` never prints a token.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::keys::{fill_random, sha256_hex, KeyError};

/// How long a magic link (and a waitlist verification link) works.
pub const LINK_TTL: Duration = Duration::minutes(15);
/// Random bytes in a link or session token.
pub const TOKEN_BYTES: usize = 32;
/// Characters of a token: 32 bytes in base64url without padding.
pub const TOKEN_CHARS: usize = 43;
/// Random bytes in a user, session, org or document id.
pub const ID_BYTES: usize = 16;
/// The longest address accepted (RFC 5321's path limit less the angle brackets).
pub const MAX_EMAIL_LEN: usize = 254;

// ---------------------------------------------------------------------------------------
// Email addresses

/// Why an address was refused, each with a message in plain words for the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum EmailError {
    #[error("Enter your email address.")]
    Empty,
    #[error("That email address is too long. Enter one of 254 characters or fewer.")]
    TooLong,
    #[error("Enter an email address with an @, like name@example.com.")]
    NoAt,
    #[error("Enter an email address like name@example.com.")]
    Shape,
}

/// A normalised address: trimmed, lower-case ASCII, one `@`, a sane local part and a
/// dotted domain. Lower-casing the local part is a deliberate simplification (every mail
/// host we meet treats it case-insensitively, and the tables compare `NOCASE` anyway).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, EmailError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if s.len() > MAX_EMAIL_LEN {
            return Err(EmailError::TooLong);
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err(EmailError::NoAt);
        };
        let s = s.to_ascii_lowercase();
        if !s.is_ascii() || !is_local_part(local) || !is_domain(&domain.to_ascii_lowercase()) {
            return Err(EmailError::Shape);
        }
        Ok(Email(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the `@`.
    pub fn local_part(&self) -> &str {
        self.0.split_once('@').map_or("", |(l, _)| l)
    }

    /// The part after the `@`, e.g. `example.edu.au`.
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map_or("", |(_, d)| d)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({:?})", self.0)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Email::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

/// RFC 5322 dot-atom: atext characters and single inner dots, at most 64 characters.
fn is_local_part(s: &str) -> bool {
    const SPECIALS: &[u8] = b"!#$%&'*+/=?^_`{|}~-";
    (1..=64).contains(&s.len())
        && !s.starts_with('.')
        && !s.ends_with('.')
        && !s.contains("..")
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || SPECIALS.contains(&b))
}

/// A lower-case host name of two or more labels: letters, digits and inner hyphens, each
/// label 1 to 63 characters, the last one alphabetic-bearing (not an IP address).
fn is_domain(s: &str) -> bool {
    let labels: Vec<&str> = s.split('.').collect();
    s.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && !tld.bytes().all(|b| b.is_ascii_digit()))
}

// ---------------------------------------------------------------------------------------
// Tokens and ids

/// A secret token and its stored hash. Shared by [`LinkToken`] and [`SessionToken`].
#[derive(Clone, PartialEq, Eq)]
struct Secret {
    value: String,
    hash: String,
}

impl Secret {
    fn from_bytes(bytes: &[u8; TOKEN_BYTES]) -> Secret {
        let value = base64url(bytes);
        let hash = sha256_hex(value.as_bytes());
        Secret { value, hash }
    }
}

/// A magic-link (or waitlist verification) token: the value goes in the emailed link,
/// the hash in the database.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkToken(Secret);

impl LinkToken {
    /// From 32 bytes of CSPRNG output supplied by the caller.
    pub fn from_bytes(bytes: &[u8; TOKEN_BYTES]) -> LinkToken {
        LinkToken(Secret::from_bytes(bytes))
    }

    /// From the platform's CSPRNG (the OS natively, Web Crypto on wasm32).
    pub fn generate() -> Result<LinkToken, KeyError> {
        Ok(LinkToken::from_bytes(&random_bytes()?))
    }

    /// The 43-character token for the link.
    pub fn value(&self) -> &str {
        &self.0.value
    }

    /// Lower-case hex SHA-256 of [`value`](Self::value): what is stored.
    pub fn hash(&self) -> &str {
        &self.0.hash
    }
}

impl fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LinkToken {{ hash: {:?} }}", self.0.hash)
    }
}

/// A session token: the value goes in the `__Host-` cookie, the hash in `sessions`.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(Secret);

impl SessionToken {
    pub fn from_bytes(bytes: &[u8; TOKEN_BYTES]) -> SessionToken {
        SessionToken(Secret::from_bytes(bytes))
    }

    pub fn generate() -> Result<SessionToken, KeyError> {
        Ok(SessionToken::from_bytes(&random_bytes()?))
    }

    /// The cookie value.
    pub fn value(&self) -> &str {
        &self.0.value
    }

    /// What `sessions.token_hash` holds (the same hash `keys::session_token_hash` gives).
    pub fn hash(&self) -> &str {
        &self.0.hash
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionToken {{ hash: {:?} }}", self.0.hash)
    }
}

/// The stored hash of a token presented in a link or cookie, or `None` when it cannot be
/// one of ours (anything but 43 base64url characters): refused without a query.
pub fn hash_presented(token: &str) -> Option<String> {
    let t = token.trim();
    let ours = t.len() == TOKEN_CHARS
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ours.then(|| sha256_hex(t.as_bytes()))
}

/// What an id names; the prefix makes ids readable in logs and admin pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    User,
    Session,
    Org,
    Document,
}

impl IdKind {
    pub fn prefix(self) -> &'static str {
        match self {
            IdKind::User => "usr",
            IdKind::Session => "ses",
            IdKind::Org => "org",
            IdKind::Document => "doc",
        }
    }
}

/// `usr_<32 hex>` and friends, from 16 caller-supplied random bytes. Safe in R2 keys and
/// URLs (no `/`, no escaping needed).
pub fn new_id(kind: IdKind, bytes: &[u8; ID_BYTES]) -> String {
    let mut s = String::with_capacity(4 + 2 * ID_BYTES);
    s.push_str(kind.prefix());
    s.push('_');
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// [`new_id`] with the platform's CSPRNG.
pub fn random_id(kind: IdKind) -> Result<String, KeyError> {
    let mut b = [0u8; ID_BYTES];
    fill_random(&mut b)?;
    Ok(new_id(kind, &b))
}

fn random_bytes() -> Result<[u8; TOKEN_BYTES], KeyError> {
    let mut b = [0u8; TOKEN_BYTES];
    fill_random(&mut b)?;
    Ok(b)
}

/// RFC 4648 §5 base64url without padding.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 0x3f) as usize] as char);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Links

/// What a magic link is for. A claim link carries the RTO being claimed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "purpose", rename_all = "snake_case")]
pub enum LinkPurpose {
    SignIn,
    Claim { rto_code: crate::codes::RtoCode },
}

impl LinkPurpose {
    /// `magic_link_tokens.purpose`.
    pub fn as_str(&self) -> &'static str {
        match self {
            LinkPurpose::SignIn => "sign_in",
            LinkPurpose::Claim { .. } => "claim",
        }
    }

    pub fn rto_code(&self) -> Option<&str> {
        match self {
            LinkPurpose::SignIn => None,
            LinkPurpose::Claim { rto_code } => Some(rto_code.as_str()),
        }
    }
}

/// Link requests allowed per address and per IP (hash) within `window`, counted from the
/// links issued since [`window_start`](Self::window_start).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkLimits {
    pub per_address: u32,
    pub per_ip: u32,
    pub window: Duration,
}

impl Default for LinkLimits {
    fn default() -> Self {
        LinkLimits {
            per_address: 3,
            per_ip: 10,
            window: Duration::minutes(15),
        }
    }
}

impl LinkLimits {
    /// The cutoff bound in the count: links created strictly after it count.
    pub fn window_start(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.window
    }

    /// Whether one more link may be issued, given the links issued in the window.
    pub fn allows(&self, by_address: u64, by_ip: u64) -> bool {
        by_address < u64::from(self.per_address) && by_ip < u64::from(self.per_ip)
    }
}

/// When a link issued at `now` stops working.
pub fn link_expires_at(now: DateTime<Utc>) -> DateTime<Utc> {
    now + LINK_TTL
}

// ---------------------------------------------------------------------------------------
// Sessions

/// Session lifetimes (OWASP): an idle timeout extended by use, never past an absolute
/// timeout counted from sign-in. The idle extension is written at most once per
/// `touch_every`, so an active page costs one extra write a minute, not one per request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
    pub touch_every: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle: Duration::minutes(30),
            absolute: Duration::hours(12),
            touch_every: Duration::minutes(1),
        }
    }
}

/// A session's two expiry times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionExpiry {
    pub idle_expires_at: DateTime<Utc>,
    pub absolute_expires_at: DateTime<Utc>,
}

impl SessionPolicy {
    /// The expiry of a session created at `now` (idle never past absolute, as the schema
    /// requires).
    pub fn new_session(&self, now: DateTime<Utc>) -> SessionExpiry {
        let absolute_expires_at = now + self.absolute;
        SessionExpiry {
            idle_expires_at: (now + self.idle).min(absolute_expires_at),
            absolute_expires_at,
        }
    }

    /// Live at `now`: before both expiry times.
    pub fn is_live(&self, now: DateTime<Utc>, expiry: &SessionExpiry) -> bool {
        now < expiry.idle_expires_at && now < expiry.absolute_expires_at
    }

    /// The new idle expiry when a use at `now` is due to be written: the extension would
    /// move it by at least `touch_every` (capped at the absolute expiry). `None`: no write.
    pub fn touch(&self, now: DateTime<Utc>, expiry: &SessionExpiry) -> Option<DateTime<Utc>> {
        let target = (now + self.idle).min(expiry.absolute_expires_at);
        (target - expiry.idle_expires_at >= self.touch_every).then_some(target)
    }
}

/// A member's role in an org (`memberships.role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s.trim() {
            "owner" => Some(Role::Owner),
            "admin" => Some(Role::Admin),
            "member" => Some(Role::Member),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// The allowlist

/// An allowlist entry names one address or a whole domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllowKind {
    Email,
    Domain,
}

impl AllowKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AllowKind::Email => "email",
            AllowKind::Domain => "domain",
        }
    }

    pub fn parse(s: &str) -> Option<AllowKind> {
        match s.trim() {
            "email" => Some(AllowKind::Email),
            "domain" => Some(AllowKind::Domain),
            _ => None,
        }
    }
}

/// What matching needs of an entry (`ops-db.access_allowlist`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowEntry {
    pub kind: AllowKind,
    pub value: String,
    pub active: bool,
}

/// Whether an active entry names the address exactly or its whole domain (equal, not a
/// parent: `example.com` does not let `staff.example.com` in). Inactive entries never match.
pub fn allowed(email: &Email, entries: &[AllowEntry]) -> bool {
    entries.iter().any(|e| {
        e.active
            && match e.kind {
                AllowKind::Email => e.value.trim().eq_ignore_ascii_case(email.as_str()),
                AllowKind::Domain => e.value.trim().eq_ignore_ascii_case(email.domain()),
            }
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AllowValueError {
    #[error("{0}")]
    Email(EmailError),
    #[error("Enter a domain like example.edu.au (no @, no https://).")]
    Domain,
    #[error("{0} is a public mailbox provider: allowing it would let anyone sign in. Add the person's own address instead.")]
    PublicDomain(String),
}

/// An allowlist value checked and normalised as the table stores it (lower-case, trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowValue {
    kind: AllowKind,
    value: String,
}

impl AllowValue {
    /// An address, or a domain (a leading `@` is tolerated). A public mailbox domain is
    /// refused: it would open the workspace to everyone.
    pub fn parse(kind: AllowKind, raw: &str) -> Result<AllowValue, AllowValueError> {
        let value = match kind {
            AllowKind::Email => Email::parse(raw)
                .map_err(AllowValueError::Email)?
                .as_str()
                .to_owned(),
            AllowKind::Domain => {
                let d = raw.trim().trim_start_matches('@').to_ascii_lowercase();
                let d = d.strip_suffix('.').unwrap_or(&d).to_owned();
                if !is_domain(&d) {
                    return Err(AllowValueError::Domain);
                }
                if is_public_mailbox(&d) {
                    return Err(AllowValueError::PublicDomain(d));
                }
                d
            }
        };
        Ok(AllowValue { kind, value })
    }

    pub fn email(email: &Email) -> AllowValue {
        AllowValue {
            kind: AllowKind::Email,
            value: email.as_str().to_owned(),
        }
    }

    pub fn kind(&self) -> AllowKind {
        self.kind
    }

    pub fn value(&self) -> &str {
        &self.value
    }
}

// ---------------------------------------------------------------------------------------
// The claim proof

/// Mailbox providers anyone can sign up to: an address there proves nothing about who
/// works at an RTO, even when the RTO itself lists one. Subdomains count too.
pub const PUBLIC_MAILBOX_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "outlook.com.au",
    "hotmail.com",
    "hotmail.com.au",
    "live.com",
    "live.com.au",
    "msn.com",
    "yahoo.com",
    "yahoo.com.au",
    "ymail.com",
    "rocketmail.com",
    "aol.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "bigpond.com",
    "bigpond.com.au",
    "bigpond.net.au",
    "telstra.com",
    "optusnet.com.au",
    "iinet.net.au",
    "westnet.com.au",
    "internode.on.net",
    "tpg.com.au",
    "dodo.com.au",
    "ozemail.com.au",
    "aussiebb.com.au",
    "proton.me",
    "protonmail.com",
    "pm.me",
    "tutanota.com",
    "fastmail.com",
    "fastmail.fm",
    "gmx.com",
    "gmx.net",
    "mail.com",
    "zoho.com",
    "yandex.com",
    "hey.com",
    "qq.com",
    "163.com",
];

/// Hosts where anyone can have a page or subdomain (site builders, social networks,
/// the register itself): an RTO's web address there says nothing about the host's mail.
const SHARED_HOSTS: &[&str] = &[
    "facebook.com",
    "fb.com",
    "instagram.com",
    "linkedin.com",
    "twitter.com",
    "x.com",
    "youtube.com",
    "tiktok.com",
    "google.com",
    "wixsite.com",
    "wix.com",
    "wordpress.com",
    "blogspot.com",
    "squarespace.com",
    "weebly.com",
    "webflow.io",
    "github.io",
    "business.site",
    "godaddysites.com",
    "myshopify.com",
    "training.gov.au",
];

/// Registry suffixes under which anyone registers names: a listed "domain" equal to one of
/// these (a typo on the register) would otherwise match every address beneath it.
const SUFFIXES: &[&str] = &[
    "com.au",
    "net.au",
    "org.au",
    "edu.au",
    "gov.au",
    "asn.au",
    "id.au",
    "nsw.gov.au",
    "vic.gov.au",
    "qld.gov.au",
    "sa.gov.au",
    "wa.gov.au",
    "tas.gov.au",
    "nt.gov.au",
    "act.gov.au",
    "nsw.edu.au",
    "vic.edu.au",
    "qld.edu.au",
    "sa.edu.au",
    "wa.edu.au",
    "tas.edu.au",
    "nt.edu.au",
    "act.edu.au",
    "co.nz",
    "org.nz",
    "net.nz",
    "ac.nz",
    "govt.nz",
    "co.uk",
    "org.uk",
    "ac.uk",
    "gov.uk",
];

fn under(domain: &str, parent: &str) -> bool {
    domain == parent
        || (domain.len() > parent.len()
            && domain.ends_with(parent)
            && domain.as_bytes()[domain.len() - parent.len() - 1] == b'.')
}

/// Whether `domain` is (under) a public mailbox provider.
pub fn is_public_mailbox(domain: &str) -> bool {
    PUBLIC_MAILBOX_DOMAINS.iter().any(|p| under(domain, p))
}

/// The host of a web address as the register writes them (`www.x.com.au`,
/// `http://www.x.com.au/about`, `HTTPS://X.com.au:443/`): scheme, user info, port, path,
/// query, a trailing dot and a leading `www.` removed, lower-cased. `None` when what is
/// left is not a host name.
pub fn web_host(address: &str) -> Option<String> {
    let s = address.trim();
    let s = s.split_once("://").map_or(s, |(_, rest)| rest);
    let s = s.split(['/', '?', '#', '\\']).next().unwrap_or("");
    let s = s.rsplit_once('@').map_or(s, |(_, host)| host);
    let s = s.split(':').next().unwrap_or("");
    let s = s.strip_suffix('.').unwrap_or(s).to_ascii_lowercase();
    let s = s.strip_prefix("www.").unwrap_or(&s).to_owned();
    is_domain(&s).then_some(s)
}

/// The domain of a contact address from the register (`mailto:` and display names
/// tolerated), lower-cased.
fn contact_domain(address: &str) -> Option<String> {
    let s = address.trim().trim_end_matches('>');
    let (_, d) = s.rsplit_once('@')?;
    let d = d.trim().to_ascii_lowercase();
    let d = d.strip_suffix('.').unwrap_or(&d).to_owned();
    is_domain(&d).then_some(d)
}

/// The domains an RTO's register entry vouches for: those of its contact addresses and
/// web addresses, without public mailboxes, shared hosts and bare registry suffixes,
/// deduplicated in the order given.
pub fn listed_domains(contact_emails: &[&str], web_addresses: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let found = contact_emails
        .iter()
        .filter_map(|c| contact_domain(c))
        .chain(web_addresses.iter().filter_map(|w| web_host(w)));
    for d in found {
        let usable = !is_public_mailbox(&d)
            && !SHARED_HOSTS.iter().any(|h| under(&d, h))
            && !SUFFIXES.contains(&d.as_str());
        if usable && !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

/// The outcome of the claim check, so the page can say why in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimMatch {
    /// The address's domain is `domain`, or a subdomain of it, and the RTO lists it.
    Matched { domain: String },
    /// The address is at a public mailbox provider: never proof.
    PublicMailbox { domain: String },
    /// The register lists no contact address or web address at a domain of the RTO's own.
    NothingListed,
    /// The RTO lists these domains and the address is under none of them.
    NoMatch { listed: Vec<String> },
}

impl ClaimMatch {
    pub fn is_proof(&self) -> bool {
        matches!(self, ClaimMatch::Matched { .. })
    }

    /// What to tell the person (plain text; the page escapes it).
    pub fn message(&self) -> String {
        match self {
            ClaimMatch::Matched { domain } => {
                format!("Your address is at {domain}, which training.gov.au lists for this RTO.")
            }
            ClaimMatch::PublicMailbox { domain } => format!(
                "Addresses at {domain} can't show that you work at this RTO, because anyone can \
                 get one. Use your work address at the RTO's own domain."
            ),
            ClaimMatch::NothingListed => "training.gov.au lists no email or web address at \
                 this RTO's own domain, so we can't check your address against it. Ask the \
                 RTO to update its contact details on training.gov.au, or contact us."
                .to_owned(),
            ClaimMatch::NoMatch { listed } => format!(
                "Your address must be at a domain training.gov.au lists for this RTO ({}). \
                 Use your work address at one of those.",
                listed.join(", ")
            ),
        }
    }
}

/// The claim proof: the address's domain must equal, or be a subdomain of, a domain from
/// the RTO's TGA contact addresses or web addresses; public mailboxes never count.
pub fn claim_check(email: &Email, contact_emails: &[&str], web_addresses: &[&str]) -> ClaimMatch {
    let domain = email.domain();
    if is_public_mailbox(domain) {
        return ClaimMatch::PublicMailbox {
            domain: domain.to_owned(),
        };
    }
    let listed = listed_domains(contact_emails, web_addresses);
    if listed.is_empty() {
        return ClaimMatch::NothingListed;
    }
    match listed.iter().find(|l| under(domain, l)) {
        Some(l) => ClaimMatch::Matched { domain: l.clone() },
        None => ClaimMatch::NoMatch { listed },
    }
}

/// [`claim_check`] as a yes or no.
pub fn claim_domain_matches(
    email: &Email,
    contact_emails: &[&str],
    web_addresses: &[&str],
) -> bool {
    claim_check(email, contact_emails, web_addresses).is_proof()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::session_token_hash;
    use crate::time::parse_iso;

    fn at(s: &str) -> DateTime<Utc> {
        parse_iso(s).unwrap()
    }

    fn email(s: &str) -> Email {
        Email::parse(s).unwrap()
    }

    #[test]
    fn addresses_are_trimmed_lower_cased_and_checked() {
        let e = email("  Jane.Citizen+rto@Example.EDU.au ");
        assert_eq!(e.as_str(), "jane.citizen+rto@example.edu.au");
        assert_eq!(e.local_part(), "jane.citizen+rto");
        assert_eq!(e.domain(), "example.edu.au");
        assert_eq!(Email::parse(e.as_str()), Ok(e.clone()));
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            "\"jane.citizen+rto@example.edu.au\""
        );
        assert_eq!(
            serde_json::from_str::<Email>("\" A@B.CO \"").unwrap(),
            email("a@b.co")
        );
        assert!(serde_json::from_str::<Email>("\"nope\"").is_err());

        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
        assert_eq!(Email::parse("name.example.com"), Err(EmailError::NoAt));
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
        for bad in [
            "a@@b.co",
            "a@b@c.co",
            "@b.co",
            "a@",
            "a@b",
            "a@.b.co",
            "a@b.co.",
            "a@b..co",
            "a@-b.co",
            "a@b-.co",
            "a@b.c",
            "a@1.2.3.4",
            "a b@c.co",
            ".a@b.co",
            "a.@b.co",
            "a..b@c.co",
            "a@b_c.co",
            "a\"b@c.co",
            "a<b>@c.co",
            "jané@example.com",
            "a@exämple.com",
            "a@b.co\r\nBcc: x@y.co",
            &format!("{}@b.co", "x".repeat(65)),
            &format!("a@{}.co", "x".repeat(64)),
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::Shape), "{bad:?}");
        }
        // Messages are plain words for the form.
        assert_eq!(
            EmailError::Shape.to_string(),
            "Enter an email address like name@example.com."
        );
        assert_eq!(EmailError::Empty.to_string(), "Enter your email address.");
        // Hyphens, digits and punycode labels are fine.
        for good in ["o'brien@x-1.com.au", "a@xn--bcher-kva.example", "1@2a.io"] {
            assert!(Email::parse(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn base64url_matches_rfc4648_vectors() {
        for (input, out) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url(input.as_bytes()), out);
        }
        assert_eq!(base64url(&[0xfb, 0xff, 0xbf]), "-_-_");
    }

    #[test]
    fn tokens_are_43_base64url_characters_and_store_their_sha256() {
        let bytes = [0xabu8; TOKEN_BYTES];
        let t = LinkToken::from_bytes(&bytes);
        assert_eq!(t.value().len(), TOKEN_CHARS);
        assert_eq!(t.hash(), sha256_hex(t.value().as_bytes()));
        assert_eq!(hash_presented(t.value()).as_deref(), Some(t.hash()));
        assert_eq!(
            hash_presented(&format!(" {} ", t.value())).as_deref(),
            Some(t.hash())
        );
        assert!(!format!("{t:?}").contains(t.value()), "token in Debug");

        let s = SessionToken::from_bytes(&bytes);
        assert_eq!(s.value(), t.value());
        assert_eq!(s.hash(), session_token_hash(s.value()));
        assert!(!format!("{s:?}").contains(s.value()));

        let other = LinkToken::from_bytes(&[0xacu8; TOKEN_BYTES]);
        assert_ne!(other.value(), t.value());
        assert_ne!(other.hash(), t.hash());

        for bad in [
            "",
            &t.value()[..42],
            &format!("{}A", t.value()),
            &t.value().replacen(|_| true, "+", 1),
            &t.value().replacen(|_| true, "=", 1),
            &t.value().replacen(|_| true, "é", 1),
            t.hash(),
        ] {
            assert_eq!(hash_presented(bad), None, "{bad:?}");
        }
        let a = LinkToken::generate().unwrap();
        let b = LinkToken::generate().unwrap();
        assert_ne!(a, b);
        assert!(hash_presented(a.value()).is_some());
    }

    #[test]
    fn ids_carry_their_kind() {
        let id = new_id(IdKind::User, &[0x0f; ID_BYTES]);
        assert_eq!(id, format!("usr_{}", "0f".repeat(16)));
        assert!(new_id(IdKind::Document, &[1; ID_BYTES]).starts_with("doc_"));
        assert!(random_id(IdKind::Session).unwrap().starts_with("ses_"));
        assert_ne!(
            random_id(IdKind::Org).unwrap(),
            random_id(IdKind::Org).unwrap()
        );
    }

    #[test]
    fn links_expire_after_fifteen_minutes_and_limits_count_the_window() {
        let now = at("2026-11-24T10:00:00Z");
        assert_eq!(link_expires_at(now), at("2026-11-24T10:15:00Z"));
        let l = LinkLimits::default();
        assert_eq!((l.per_address, l.per_ip), (3, 10));
        assert_eq!(l.window_start(now), at("2026-11-24T09:45:00Z"));
        assert!(l.allows(2, 9));
        assert!(!l.allows(3, 0));
        assert!(!l.allows(0, 10));
    }

    #[test]
    fn purposes_name_their_column_values() {
        assert_eq!(LinkPurpose::SignIn.as_str(), "sign_in");
        let claim = LinkPurpose::Claim {
            rto_code: crate::codes::RtoCode::parse("45329").unwrap(),
        };
        assert_eq!((claim.as_str(), claim.rto_code()), ("claim", Some("45329")));
        assert_eq!(LinkPurpose::SignIn.rto_code(), None);
    }

    #[test]
    fn sessions_expire_when_idle_or_at_the_absolute_limit() {
        let p = SessionPolicy::default();
        let t0 = at("2026-11-24T10:00:00Z");
        let e = p.new_session(t0);
        assert_eq!(e.idle_expires_at, at("2026-11-24T10:30:00Z"));
        assert_eq!(e.absolute_expires_at, at("2026-11-24T22:00:00Z"));
        assert!(p.is_live(at("2026-11-24T10:29:59Z"), &e));
        assert!(!p.is_live(at("2026-11-24T10:30:00Z"), &e));

        // Used 30 s later: no write yet. 61 s later: extended to now + 30 min.
        assert_eq!(p.touch(at("2026-11-24T10:00:30Z"), &e), None);
        assert_eq!(
            p.touch(at("2026-11-24T10:01:01Z"), &e),
            Some(at("2026-11-24T10:31:01Z"))
        );
        // Never past the absolute expiry, and no write once capped there.
        let late = SessionExpiry {
            idle_expires_at: at("2026-11-24T21:50:00Z"),
            absolute_expires_at: e.absolute_expires_at,
        };
        assert_eq!(
            p.touch(at("2026-11-24T21:45:00Z"), &late),
            Some(e.absolute_expires_at)
        );
        let capped = SessionExpiry {
            idle_expires_at: e.absolute_expires_at,
            ..late
        };
        assert_eq!(p.touch(at("2026-11-24T21:55:00Z"), &capped), None);

        // A policy whose idle exceeds its absolute limit still keeps idle <= absolute.
        let odd = SessionPolicy {
            idle: Duration::hours(2),
            absolute: Duration::hours(1),
            ..p
        };
        let e = odd.new_session(t0);
        assert_eq!(e.idle_expires_at, e.absolute_expires_at);
    }

    fn entry(kind: AllowKind, value: &str, active: bool) -> AllowEntry {
        AllowEntry {
            kind,
            value: value.into(),
            active,
        }
    }

    #[test]
    fn the_allowlist_matches_an_address_or_its_exact_domain_when_active() {
        let e = email("jane@staff.example.edu.au");
        assert!(allowed(
            &e,
            &[entry(AllowKind::Email, "jane@staff.example.edu.au", true)]
        ));
        assert!(allowed(
            &e,
            &[entry(AllowKind::Domain, "staff.example.edu.au", true)]
        ));
        assert!(allowed(
            &e,
            &[entry(AllowKind::Domain, "STAFF.example.edu.au ", true)]
        ));
        assert!(!allowed(
            &e,
            &[entry(AllowKind::Domain, "example.edu.au", true)]
        ));
        assert!(!allowed(
            &e,
            &[entry(AllowKind::Email, "jane@staff.example.edu.au", false)]
        ));
        assert!(!allowed(
            &e,
            &[entry(AllowKind::Domain, "staff.example.edu.au", false)]
        ));
        assert!(!allowed(
            &e,
            &[entry(AllowKind::Email, "john@staff.example.edu.au", true)]
        ));
        // An email value never matches as a domain and vice versa.
        assert!(!allowed(
            &e,
            &[entry(AllowKind::Email, "staff.example.edu.au", true)]
        ));
        assert!(!allowed(&e, &[]));
        assert!(allowed(
            &e,
            &[
                entry(AllowKind::Email, "jane@staff.example.edu.au", false),
                entry(AllowKind::Domain, "staff.example.edu.au", true)
            ]
        ));
    }

    #[test]
    fn allow_values_are_normalised_and_public_domains_refused() {
        let v = AllowValue::parse(AllowKind::Domain, " @Example.EDU.au. ").unwrap();
        assert_eq!((v.kind(), v.value()), (AllowKind::Domain, "example.edu.au"));
        let v = AllowValue::parse(AllowKind::Email, " Jane@Example.com ").unwrap();
        assert_eq!(v.value(), "jane@example.com");
        assert_eq!(
            AllowValue::parse(AllowKind::Domain, "gmail.com"),
            Err(AllowValueError::PublicDomain("gmail.com".into()))
        );
        for bad in ["", "https://x.com", "a@b.com", "localhost", "x .com"] {
            assert_eq!(
                AllowValue::parse(AllowKind::Domain, bad),
                Err(AllowValueError::Domain),
                "{bad:?}"
            );
        }
        assert_eq!(
            AllowValue::parse(AllowKind::Email, "nope"),
            Err(AllowValueError::Email(EmailError::NoAt))
        );
        assert_eq!(AllowKind::parse("domain"), Some(AllowKind::Domain));
        assert_eq!(AllowKind::parse("everyone"), None);
        assert_eq!(Role::parse("owner"), Some(Role::Owner));
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn web_hosts_lose_scheme_www_port_and_path() {
        for (raw, host) in [
            ("www.example.com.au", "example.com.au"),
            ("http://www.example.com.au/", "example.com.au"),
            (
                "HTTPS://WWW.Example.com.au:8443/about?x=1#top",
                "example.com.au",
            ),
            (
                "https://user:pw@training.example.edu.au/",
                "training.example.edu.au",
            ),
            ("example.com.au.", "example.com.au"),
            ("  example.com.au/path  ", "example.com.au"),
        ] {
            assert_eq!(web_host(raw).as_deref(), Some(host), "{raw:?}");
        }
        for raw in [
            "",
            "http://",
            "not a url",
            "http://localhost/",
            "https://10.0.0.1/",
        ] {
            assert_eq!(web_host(raw), None, "{raw:?}");
        }
    }

    #[test]
    fn a_claim_needs_an_address_at_a_listed_domain_or_below_it() {
        let contacts = ["Enquiries <info@Example.edu.au>", "ceo@gmail.com"];
        let webs = [
            "http://www.acme-training.com.au/",
            "https://facebook.com/acme",
        ];
        let check = |a: &str| claim_check(&email(a), &contacts, &webs);

        assert_eq!(
            check("jane@example.edu.au"),
            ClaimMatch::Matched {
                domain: "example.edu.au".into()
            }
        );
        assert!(check("jane@staff.example.edu.au").is_proof());
        assert!(check("jane@acme-training.com.au").is_proof());
        // Suffix tricks are not subdomains.
        assert!(!check("jane@notexample.edu.au").is_proof());
        assert!(!check("jane@example.edu.au.evil.io").is_proof());
        // A public mailbox is never proof, even one the RTO lists.
        assert_eq!(
            check("ceo@gmail.com"),
            ClaimMatch::PublicMailbox {
                domain: "gmail.com".into()
            }
        );
        assert!(matches!(
            check("x@mail.yahoo.com.au"),
            ClaimMatch::PublicMailbox { .. }
        ));
        // Facebook pages and bare suffixes vouch for nothing.
        assert!(!check("zuck@facebook.com").is_proof());
        assert_eq!(
            check("jane@other.com.au"),
            ClaimMatch::NoMatch {
                listed: vec!["example.edu.au".into(), "acme-training.com.au".into()]
            }
        );
        assert!(!claim_domain_matches(
            &email("a@x.com.au"),
            &[],
            &["com.au"]
        ));
        assert_eq!(
            claim_check(
                &email("a@x.com.au"),
                &["a@gmail.com"],
                &["https://x.wixsite.com/rto"]
            ),
            ClaimMatch::NothingListed
        );
        assert!(claim_domain_matches(
            &email("A@X.COM.AU"),
            &["info@x.com.au"],
            &[]
        ));
        assert_eq!(
            listed_domains(&["a@x.com.au", "b@X.com.au"], &["www.x.com.au", "garbage"]),
            vec!["x.com.au".to_owned()]
        );
        // Every outcome explains itself in words.
        assert!(check("jane@other.com.au")
            .message()
            .contains("example.edu.au"));
        assert!(check("ceo@gmail.com").message().contains("gmail.com"));
        assert!(ClaimMatch::NothingListed
            .message()
            .contains("training.gov.au"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn email_parse_never_panics_and_is_idempotent(raw in "\\PC{0,300}") {
                if let Ok(e) = Email::parse(&raw) {
                    prop_assert!(e.as_str().len() <= MAX_EMAIL_LEN);
                    prop_assert_eq!(e.as_str().matches('@').count(), 1);
                    prop_assert_eq!(e.as_str().to_ascii_lowercase(), e.as_str());
                    prop_assert_eq!(Email::parse(e.as_str()), Ok(e.clone()));
                }
            }

            #[test]
            fn email_parse_accepts_generated_addresses(
                local in "[a-z0-9][a-z0-9+_-]{0,20}",
                labels in prop::collection::vec("[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", 1..4),
                tld in "[a-z]{2,6}",
            ) {
                let addr = format!("{local}@{}.{tld}", labels.join("."));
                let parsed = Email::parse(&addr.to_uppercase());
                prop_assert_eq!(parsed.map(String::from), Ok(addr));
            }

            #[test]
            fn claim_matching_never_panics(
                raw in "\\PC{0,80}",
                contacts in prop::collection::vec("\\PC{0,60}", 0..4),
                webs in prop::collection::vec("\\PC{0,60}", 0..4),
            ) {
                let contacts: Vec<&str> = contacts.iter().map(String::as_str).collect();
                let webs: Vec<&str> = webs.iter().map(String::as_str).collect();
                let _ = listed_domains(&contacts, &webs);
                let _ = web_host(&raw);
                if let Ok(e) = Email::parse(&raw) {
                    let m = claim_check(&e, &contacts, &webs);
                    prop_assert_eq!(m.is_proof(), claim_domain_matches(&e, &contacts, &webs));
                    let _ = m.message();
                }
            }

            #[test]
            fn a_subdomain_of_a_listed_domain_always_matches(
                sub in "[a-z]{1,10}",
                name in "[a-z]{3,12}",
                user in "[a-z]{1,10}",
            ) {
                let listed = format!("{name}-rto.com.au");
                let contact = format!("info@{listed}");
                let web = format!("https://www.{listed}/x");
                let e = email(&format!("{user}@{sub}.{listed}"));
                prop_assert!(claim_domain_matches(&e, &[&contact], &[]));
                prop_assert!(claim_domain_matches(&e, &[], &[&web]));
                let other = email(&format!("{user}@{sub}{listed}"));
                prop_assert!(!claim_domain_matches(&other, &[&contact], &[]));
            }
        }
    }
}
