//! Identity writes for the surfaces: magic links, sessions, the allowlist, claims, people
//! and clients. Two databases, never joined: `engine` is `engine-db-oc` (users, sessions,
//! orgs, memberships, magic links), `ops` is `ops-db` (allowlist, client card, the org
//! mirror). Where both change (a claim), the application makes two writes, engine first.
//!
//! The rules (address shape, token format, expiry arithmetic, allowlist matching, limits)
//! are `rtopacks_domain::signin`; here is only their SQL. Randomness (tokens, ids) comes
//! from the caller; time is the injected clock, bound as ISO text.

use chrono::{DateTime, Utc};
use rtopacks_domain::codes::RtoCode;
use rtopacks_domain::signin::{
    allowed, link_expires_at, AllowEntry, AllowKind, AllowValue, Email, LinkLimits, LinkPurpose,
    LinkToken, Role, SessionExpiry, SessionPolicy, SessionToken,
};
use rtopacks_domain::time::{iso, parse_iso};
use serde::{Deserialize, Serialize};

use crate::identity::{revoke_session, SessionIdentity};
use crate::{Db, Statement, StoreError};

/// `sessions.revoke_reason` when the person signs out.
pub const REVOKE_SIGN_OUT: &str = "sign_out";
/// `sessions.revoke_reason` of the session a new sign-in in the same browser replaces.
pub const REVOKE_ROTATED: &str = "rotated";
/// `access_allowlist.created_by` of entries a successful claim adds.
pub const CLAIM_CREATED_BY: &str = "claim";
/// Rows per page of the admin user list.
pub const USERS_PAGE_SIZE: u32 = 50;

fn decode(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Decode(format!("{what}: {e}"))
}

fn time(s: &str) -> Result<DateTime<Utc>, StoreError> {
    parse_iso(s).map_err(|e| decode("timestamp", e))
}

// ---------------------------------------------------------------------------------------
// Magic links

/// Why a link was or was not issued. The page is the same in every case; the reason is
/// for the caller's logs (and to know whether to send the mail).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkReason {
    Issued,
    /// Not on the active allowlist (sign-in), or the user is disabled.
    NotAllowed,
    /// Too many links for this address or this IP in the window.
    RateLimited,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LinkRequest {
    /// Send the mail only when true; show the same page either way.
    pub issued: bool,
    pub reason: LinkReason,
}

/// A link request: who, for what, from where, with which (caller-generated) token.
#[derive(Debug, Clone, Copy)]
pub struct NewLink<'a> {
    pub email: &'a Email,
    pub purpose: &'a LinkPurpose,
    /// Salted hash of the requester's IP (`keys::anonymous_client_id`), never the address.
    pub ip_hash: &'a str,
    pub token: &'a LinkToken,
}

#[derive(Deserialize)]
struct AllowRowRaw {
    id: i64,
    kind: String,
    value: String,
    label: Option<String>,
    active: i64,
    created_at: String,
    created_by: Option<String>,
    deactivated_at: Option<String>,
}

impl AllowRowRaw {
    fn into_row(self) -> Result<AllowRow, StoreError> {
        Ok(AllowRow {
            id: self.id,
            kind: AllowKind::parse(&self.kind)
                .ok_or_else(|| decode("allowlist kind", &self.kind))?,
            value: self.value,
            label: self.label,
            active: self.active == 1,
            created_at: self.created_at,
            created_by: self.created_by,
            deactivated_at: self.deactivated_at,
        })
    }
}

const ALLOW_COLUMNS: &str =
    "id, kind, value, label, active, created_at, created_by, deactivated_at";

/// The allowlist entries (active or not) that could match `email`: the address itself
/// and its domain (`ops-db`; two lookups on the `(kind, value)` key).
pub fn allow_entries_for(email: &Email) -> Statement {
    Statement::new(format!(
        "SELECT {ALLOW_COLUMNS} FROM access_allowlist
          WHERE (kind = 'email' AND value = ?1) OR (kind = 'domain' AND value = ?2)"
    ))
    .bind(email.as_str())
    .bind(email.domain())
}

async fn entries_for(ops: &impl Db, email: &Email) -> Result<Vec<AllowEntry>, StoreError> {
    let rows: Vec<AllowRowRaw> = ops.all(allow_entries_for(email)).await?;
    rows.into_iter()
        .map(|r| r.into_row().map(|r| r.entry()))
        .collect()
}

/// Whether `email` may request a sign-in link now (one `ops-db` query).
pub async fn is_allowed(ops: &impl Db, email: &Email) -> Result<bool, StoreError> {
    Ok(allowed(email, &entries_for(ops, email).await?))
}

#[derive(Deserialize)]
struct LinkCounts {
    by_address: i64,
    by_ip: i64,
    disabled: i64,
}

/// Links issued to the address and to the IP since `since`, and whether the address
/// belongs to a disabled user: one `engine-db-oc` query on the two rate-limit indexes.
pub fn link_counts(email: &Email, ip_hash: &str, since: &str) -> Statement {
    Statement::new(
        "SELECT (SELECT count(*) FROM magic_link_tokens
                  WHERE email = ?1 AND created_at > ?3) AS by_address,
                (SELECT count(*) FROM magic_link_tokens
                  WHERE requested_ip_hash = ?2 AND created_at > ?3) AS by_ip,
                (SELECT count(*) FROM users
                  WHERE email = ?1 AND status = 'disabled') AS disabled",
    )
    .bind(email.as_str())
    .bind(ip_hash)
    .bind(since)
}

/// The token row (hash only) of an issued link.
pub fn insert_link(link: &NewLink<'_>, now: DateTime<Utc>) -> Statement {
    Statement::new(
        "INSERT INTO magic_link_tokens
           (token_hash, email, purpose, rto_code, created_at, expires_at, requested_ip_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(link.token.hash())
    .bind(link.email.as_str())
    .bind(link.purpose.as_str())
    .bind(link.purpose.rto_code())
    .bind(iso(now))
    .bind(iso(link_expires_at(now)))
    .bind(link.ip_hash)
}

/// Issue a magic link when the rules allow it. A sign-in link needs an active allowlist
/// entry (a claim link does not: its proof is the domain match the caller checks); a
/// disabled user gets none; at most `limits` links per address and per IP in the window.
/// Both reads always run, so allowed and refused requests cost the same; the token row
/// is written only when issued (sign-in: 2 reads + 1 write; claim: 1 + 1).
pub async fn request_link(
    engine: &impl Db,
    ops: &impl Db,
    link: &NewLink<'_>,
    limits: &LinkLimits,
    now: DateTime<Utc>,
) -> Result<LinkRequest, StoreError> {
    let on_list = match link.purpose {
        LinkPurpose::SignIn => is_allowed(ops, link.email).await?,
        LinkPurpose::Claim { .. } => true,
    };
    let since = iso(limits.window_start(now));
    let counts: LinkCounts = engine
        .first(link_counts(link.email, link.ip_hash, &since))
        .await?
        .ok_or_else(|| decode("link counts", "no row"))?;
    let reason = if !on_list || counts.disabled > 0 {
        LinkReason::NotAllowed
    } else if !limits.allows(counts.by_address as u64, counts.by_ip as u64) {
        LinkReason::RateLimited
    } else {
        engine.run(insert_link(link, now)).await?;
        LinkReason::Issued
    };
    Ok(LinkRequest {
        issued: reason == LinkReason::Issued,
        reason,
    })
}

/// A link that has just been used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsedLink {
    pub email: Email,
    pub purpose: LinkPurpose,
}

#[derive(Deserialize)]
struct UsedRow {
    email: String,
    purpose: String,
    rto_code: Option<String>,
}

/// Mark a link used, only if unused and unexpired, answering what it was for: one
/// conditional UPDATE … RETURNING (SQLite ≥ 3.35, D1), so two concurrent uses cannot both
/// win.
pub fn consume_link_statement(token_hash: &str, now: DateTime<Utc>) -> Statement {
    Statement::new(
        "UPDATE magic_link_tokens SET used_at = ?2
          WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2
          RETURNING email, purpose, rto_code",
    )
    .bind(token_hash)
    .bind(iso(now))
}

/// Use a link (by its hash, `signin::hash_presented`): `None` when unknown, used or
/// expired. One statement.
pub async fn consume_link(
    engine: &impl Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<UsedLink>, StoreError> {
    let Some(row) = engine
        .first::<UsedRow>(consume_link_statement(token_hash, now))
        .await?
    else {
        return Ok(None);
    };
    let email = Email::parse(&row.email).map_err(|e| decode("link email", e))?;
    let purpose = match (row.purpose.as_str(), row.rto_code) {
        ("sign_in", _) => LinkPurpose::SignIn,
        ("claim", Some(code)) => LinkPurpose::Claim {
            rto_code: RtoCode::parse(&code).map_err(|e| decode("link rto_code", e))?,
        },
        (other, _) => return Err(decode("link purpose", other)),
    };
    Ok(Some(UsedLink { email, purpose }))
}

// ---------------------------------------------------------------------------------------
// Sessions

/// A sign-in: the address (from a used link), caller-generated ids and token.
#[derive(Debug, Clone, Copy)]
pub struct NewSession<'a> {
    pub email: &'a Email,
    /// The user's id if the address is new (ignored for a known user).
    pub new_user_id: &'a str,
    /// A new random session id (`IdKind::Session`): a new one at every sign-in.
    pub session_id: &'a str,
    pub token: &'a SessionToken,
    pub ip_hash: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    /// The session this browser held before, revoked as `rotated`.
    pub replaces: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub user_id: String,
    pub session_id: String,
    /// The user's org (`users.org_id`), if linked.
    pub org_id: Option<String>,
    pub idle_expires_at: String,
    pub absolute_expires_at: String,
}

/// The sign-in writes, one transaction: revoke the replaced session, upsert the user by
/// address (`last_login_at`), insert the session for an active user. The session's own
/// `org_id` stays NULL so it follows `users.org_id` (a later claim or admin link applies
/// to the live session at once).
pub fn sign_in_statements(
    s: &NewSession<'_>,
    expiry: &SessionExpiry,
    now: DateTime<Utc>,
) -> Vec<Statement> {
    let now = iso(now);
    let mut stmts = Vec::with_capacity(3);
    if let Some(old) = s.replaces {
        stmts.push(revoke_session(old, REVOKE_ROTATED, &now));
    }
    stmts.push(
        Statement::new(
            "INSERT INTO users (id, email, status, created_at, last_login_at)
             VALUES (?1, ?2, 'active', ?3, ?3)
             ON CONFLICT (email) DO UPDATE SET last_login_at = excluded.last_login_at
              WHERE users.status = 'active'",
        )
        .bind(s.new_user_id)
        .bind(s.email.as_str())
        .bind(now.as_str()),
    );
    stmts.push(
        Statement::new(
            "INSERT INTO sessions (id, token_hash, user_id, org_id, created_at, last_seen_at,
                                   idle_expires_at, absolute_expires_at, ip_hash, user_agent)
             SELECT ?1, ?2, u.id, NULL, ?3, ?3, ?4, ?5, ?6, ?7
               FROM users u WHERE u.email = ?8 AND u.status = 'active'",
        )
        .bind(s.session_id)
        .bind(s.token.hash())
        .bind(now.as_str())
        .bind(iso(expiry.idle_expires_at))
        .bind(iso(expiry.absolute_expires_at))
        .bind(s.ip_hash)
        .bind(s.user_agent)
        .bind(s.email.as_str()),
    );
    stmts
}

/// Sign in: one batch (2 or 3 statements) and one read. `None` when the user is
/// disabled (no session is created).
pub async fn sign_in(
    engine: &impl Db,
    s: &NewSession<'_>,
    policy: &SessionPolicy,
    now: DateTime<Utc>,
) -> Result<Option<SignedIn>, StoreError> {
    let expiry = policy.new_session(now);
    engine.batch(sign_in_statements(s, &expiry, now)).await?;
    engine
        .first(
            Statement::new(
                "SELECT s.id AS session_id, s.user_id AS user_id, u.org_id AS org_id,
                        s.idle_expires_at AS idle_expires_at,
                        s.absolute_expires_at AS absolute_expires_at
                   FROM sessions s JOIN users u ON u.id = s.user_id
                  WHERE s.id = ?1",
            )
            .bind(s.session_id),
        )
        .await
}

/// A live session with what the workspace shows of its user and org.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveSession {
    pub session_id: String,
    pub user_id: String,
    pub email: String,
    pub display_name: Option<String>,
    pub org_id: Option<String>,
    pub org_name: Option<String>,
    pub rto_code: Option<String>,
    pub created_at: String,
    pub idle_expires_at: String,
    pub absolute_expires_at: String,
}

impl LiveSession {
    /// What `identity::tier_of` takes.
    pub fn identity(&self) -> SessionIdentity {
        SessionIdentity {
            session_id: self.session_id.clone(),
            user_id: self.user_id.clone(),
            org_id: self.org_id.clone(),
            rto_code: self.rto_code.clone(),
        }
    }
}

/// The live session of a token hash (unrevoked, before both expiries, user active). The
/// allowlist is not consulted: deactivating an entry blocks new links only.
pub fn live_session_statement(token_hash: &str, now: DateTime<Utc>) -> Statement {
    Statement::new(format!(
        "SELECT s.id AS session_id, s.user_id AS user_id, u.email AS email,
                u.display_name AS display_name, COALESCE(s.org_id, u.org_id) AS org_id,
                o.name AS org_name, o.rto_code AS rto_code, s.created_at AS created_at,
                s.idle_expires_at AS idle_expires_at, s.absolute_expires_at AS absolute_expires_at
           {}",
        crate::identity::LIVE_SESSION_FROM
    ))
    .bind(token_hash)
    .bind(iso(now))
}

/// Extend a session's idle expiry (never backwards, never a revoked one).
pub fn touch_session(session_id: &str, idle_expires_at: &str, now: DateTime<Utc>) -> Statement {
    Statement::new(
        "UPDATE sessions SET idle_expires_at = ?2, last_seen_at = ?3
          WHERE id = ?1 AND revoked_at IS NULL AND idle_expires_at < ?2
            AND absolute_expires_at >= ?2",
    )
    .bind(session_id)
    .bind(idle_expires_at)
    .bind(iso(now))
}

/// Resolve a session by its token hash and extend its idle expiry when due (at most once
/// per `policy.touch_every`, never past the absolute expiry): one read, plus one write
/// at most once a minute.
pub async fn session(
    engine: &impl Db,
    token_hash: &str,
    now: DateTime<Utc>,
    policy: &SessionPolicy,
) -> Result<Option<LiveSession>, StoreError> {
    let Some(mut live) = engine
        .first::<LiveSession>(live_session_statement(token_hash, now))
        .await?
    else {
        return Ok(None);
    };
    let expiry = SessionExpiry {
        idle_expires_at: time(&live.idle_expires_at)?,
        absolute_expires_at: time(&live.absolute_expires_at)?,
    };
    if let Some(idle) = policy.touch(now, &expiry) {
        let idle = iso(idle);
        engine
            .run(touch_session(&live.session_id, &idle, now))
            .await?;
        live.idle_expires_at = idle;
    }
    Ok(Some(live))
}

/// Sign out: revoke the session (`sign_out`). False when it was already revoked or is
/// unknown.
pub async fn sign_out(
    engine: &impl Db,
    session_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let meta = engine
        .run(revoke_session(session_id, REVOKE_SIGN_OUT, &iso(now)))
        .await?;
    Ok(meta.changes == 1)
}

// ---------------------------------------------------------------------------------------
// The allowlist (admin)

/// An `access_allowlist` row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AllowRow {
    pub id: i64,
    pub kind: AllowKind,
    pub value: String,
    pub label: Option<String>,
    pub active: bool,
    pub created_at: String,
    pub created_by: Option<String>,
    pub deactivated_at: Option<String>,
}

impl AllowRow {
    pub fn entry(&self) -> AllowEntry {
        AllowEntry {
            kind: self.kind,
            value: self.value.clone(),
            active: self.active,
        }
    }
}

/// Every entry, active first, then by kind and value.
pub async fn allowlist(ops: &impl Db) -> Result<Vec<AllowRow>, StoreError> {
    let rows: Vec<AllowRowRaw> = ops
        .all(Statement::new(format!(
            "SELECT {ALLOW_COLUMNS} FROM access_allowlist ORDER BY active DESC, kind, value"
        )))
        .await?;
    rows.into_iter().map(AllowRowRaw::into_row).collect()
}

fn label(label: Option<&str>) -> Option<&str> {
    label.map(str::trim).filter(|l| !l.is_empty())
}

/// Allow an address or domain. Idempotent: an existing entry is re-activated (its first
/// `created_at` and `created_by` kept; a new label replaces the old). One statement.
pub async fn allow(
    ops: &impl Db,
    value: &AllowValue,
    label_text: Option<&str>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<AllowRow, StoreError> {
    let row: AllowRowRaw = ops
        .first(
            Statement::new(format!(
                "INSERT INTO access_allowlist (kind, value, label, active, created_at, created_by)
                 VALUES (?1, ?2, ?3, 1, ?4, ?5)
                 ON CONFLICT (kind, value) DO UPDATE
                   SET active = 1, deactivated_at = NULL,
                       label = COALESCE(excluded.label, access_allowlist.label)
                 RETURNING {ALLOW_COLUMNS}"
            ))
            .bind(value.kind().as_str())
            .bind(value.value())
            .bind(label(label_text))
            .bind(iso(now))
            .bind(by),
        )
        .await?
        .ok_or_else(|| decode("allow", "no row returned"))?;
    row.into_row()
}

/// Deactivate an entry: new links are refused, live sessions go on. False when unknown
/// or already inactive (the first deactivation time is kept).
pub async fn deactivate(ops: &impl Db, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let meta = ops
        .run(
            Statement::new(
                "UPDATE access_allowlist SET active = 0, deactivated_at = ?2
                  WHERE id = ?1 AND active = 1",
            )
            .bind(id)
            .bind(iso(now)),
        )
        .await?;
    Ok(meta.changes == 1)
}

/// What [`allow_claimed`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimAccess {
    /// A new entry for the address: it can now sign in to the workspace.
    Added,
    /// Nothing added; an active entry already lets the address in.
    AlreadyAllowed,
    /// Nothing added: the operator deactivated this address or its domain, and a claim
    /// never undoes that.
    Blocked,
}

/// After a successful claim, let the claimant sign in to the workspace: an `email` entry
/// labelled "claimed RTO {code}". Decision: the claim proved both the mailbox (the link)
/// and the domain (the register), which is what the operator checks by hand; the entry
/// is for the one address, not the domain (the claimant vouches for nobody else); and it
/// is never added over an inactive entry for the address or its domain, so the operator's
/// deactivation stands. One write, plus one read when nothing was added.
pub async fn allow_claimed(
    ops: &impl Db,
    email: &Email,
    rto_code: &RtoCode,
    now: DateTime<Utc>,
) -> Result<ClaimAccess, StoreError> {
    let meta = ops
        .run(
            Statement::new(
                "INSERT INTO access_allowlist (kind, value, label, active, created_at, created_by)
                 SELECT 'email', ?1, ?2, 1, ?3, ?4
                  WHERE NOT EXISTS (
                        SELECT 1 FROM access_allowlist
                         WHERE active = 0
                           AND ((kind = 'email' AND value = ?1) OR (kind = 'domain' AND value = ?5)))
                 ON CONFLICT (kind, value) DO NOTHING",
            )
            .bind(email.as_str())
            .bind(format!("claimed RTO {}", rto_code.as_str()))
            .bind(iso(now))
            .bind(CLAIM_CREATED_BY)
            .bind(email.domain()),
        )
        .await?;
    if meta.changes == 1 {
        return Ok(ClaimAccess::Added);
    }
    Ok(if is_allowed(ops, email).await? {
        ClaimAccess::AlreadyAllowed
    } else {
        ClaimAccess::Blocked
    })
}

// ---------------------------------------------------------------------------------------
// Claims and orgs

/// A claim whose link has been used and whose domain proof the caller has checked.
#[derive(Debug, Clone, Copy)]
pub struct ClaimRequest<'a> {
    pub email: &'a Email,
    pub rto_code: &'a RtoCode,
    /// The RTO's name from the register, used only if the org is new.
    pub org_name: &'a str,
    /// Used only if the address is new.
    pub new_user_id: &'a str,
    /// Used only if no org holds the RTO code yet.
    pub new_org_id: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claimed {
    pub user_id: String,
    pub org_id: String,
    pub org_name: String,
    /// This call created the org (false on a repeat, or when the org already existed).
    pub created_org: bool,
    pub role: Role,
}

/// The claim writes, one transaction: the org for the RTO code (unless it exists or the
/// user is disabled), the user (new, or re-pointed at this org), and a membership
/// (`owner` when the org has no member yet, else `member`; an existing one is kept).
pub fn claim_statements(c: &ClaimRequest<'_>, now: DateTime<Utc>) -> Vec<Statement> {
    let now = iso(now);
    vec![
        Statement::new(
            "INSERT INTO orgs (id, name, rto_code, created_at)
             SELECT ?1, ?2, ?3, ?4
              WHERE NOT EXISTS (SELECT 1 FROM users WHERE email = ?5 AND status = 'disabled')
             ON CONFLICT (rto_code) DO NOTHING",
        )
        .bind(c.new_org_id)
        .bind(c.org_name)
        .bind(c.rto_code.as_str())
        .bind(now.as_str())
        .bind(c.email.as_str()),
        Statement::new(
            "INSERT INTO users (id, email, org_id, status, created_at)
             SELECT ?1, ?2, o.id, 'active', ?3 FROM orgs o WHERE o.rto_code = ?4
             ON CONFLICT (email) DO UPDATE SET org_id = excluded.org_id
              WHERE users.status = 'active'",
        )
        .bind(c.new_user_id)
        .bind(c.email.as_str())
        .bind(now.as_str())
        .bind(c.rto_code.as_str()),
        Statement::new(
            "INSERT INTO memberships (org_id, user_id, role, created_at)
             SELECT o.id, u.id,
                    CASE WHEN EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = o.id)
                         THEN 'member' ELSE 'owner' END,
                    ?3
               FROM orgs o JOIN users u ON u.email = ?2 AND u.status = 'active'
              WHERE o.rto_code = ?1
             ON CONFLICT (org_id, user_id) DO NOTHING",
        )
        .bind(c.rto_code.as_str())
        .bind(c.email.as_str())
        .bind(now.as_str()),
    ]
}

#[derive(Deserialize)]
struct ClaimedRow {
    user_id: String,
    org_id: String,
    org_name: String,
    role: String,
}

/// Complete a claim on `engine-db-oc`: one batch of three statements and one read.
/// Idempotent: a repeat changes nothing and answers the same user, org and role.
/// `None` when the user is disabled (nothing is written). Mirror the org into `ops-db`
/// with [`mirror_org`] and allow the address with [`allow_claimed`] afterwards.
pub async fn complete_claim(
    engine: &impl Db,
    c: &ClaimRequest<'_>,
    now: DateTime<Utc>,
) -> Result<Option<Claimed>, StoreError> {
    let metas = engine.batch(claim_statements(c, now)).await?;
    let created_org = metas.first().is_some_and(|m| m.changes == 1);
    let row: Option<ClaimedRow> = engine
        .first(
            Statement::new(
                "SELECT u.id AS user_id, o.id AS org_id, o.name AS org_name, m.role AS role
                   FROM orgs o
                   JOIN users u ON u.email = ?2 AND u.status = 'active'
                   JOIN memberships m ON m.org_id = o.id AND m.user_id = u.id
                  WHERE o.rto_code = ?1",
            )
            .bind(c.rto_code.as_str())
            .bind(c.email.as_str()),
        )
        .await?;
    row.map(|r| {
        Ok(Claimed {
            role: Role::parse(&r.role).ok_or_else(|| decode("membership role", &r.role))?,
            user_id: r.user_id,
            org_id: r.org_id,
            org_name: r.org_name,
            created_org,
        })
    })
    .transpose()
}

/// Mirror an `engine-db-oc` org into `ops-db.orgs` (the tenant metadata the admin reads).
/// Idempotent; `updated_at` moves only when the name or code changed. Engine is the
/// source of truth, so a mirror row holding the same RTO code under another id is
/// re-pointed. One statement.
pub async fn mirror_org(
    ops: &impl Db,
    org_id: &str,
    name: &str,
    rto_code: Option<&RtoCode>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let meta = ops
        .run(
            Statement::new(
                "INSERT INTO orgs (org_id, name, rto_code, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (org_id) DO UPDATE
                   SET name = excluded.name, rto_code = excluded.rto_code,
                       updated_at = excluded.created_at
                   WHERE orgs.name IS NOT excluded.name OR orgs.rto_code IS NOT excluded.rto_code
                 ON CONFLICT (rto_code) DO UPDATE
                   SET org_id = excluded.org_id, name = excluded.name,
                       updated_at = excluded.created_at",
            )
            .bind(org_id)
            .bind(name)
            .bind(rto_code.map(RtoCode::as_str))
            .bind(iso(now)),
        )
        .await?;
    Ok(meta.changes == 1)
}

// ---------------------------------------------------------------------------------------
// People

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub user_id: String,
    pub email: String,
    pub display_name: Option<String>,
    pub role: Role,
    pub last_login_at: Option<String>,
    pub active: bool,
}

#[derive(Deserialize)]
struct PersonRow {
    user_id: String,
    email: String,
    display_name: Option<String>,
    role: String,
    last_login_at: Option<String>,
    status: String,
}

/// The people of an org: its members, and users linked by `users.org_id` alone (the
/// runbook's hand link) as `member`; owners first, then admins, then by address.
pub async fn people_in_org(engine: &impl Db, org_id: &str) -> Result<Vec<Person>, StoreError> {
    let rows: Vec<PersonRow> = engine
        .all(
            Statement::new(
                "SELECT user_id, email, display_name, role, last_login_at, status FROM (
                   SELECT u.id AS user_id, u.email AS email, u.display_name AS display_name,
                          m.role AS role, u.last_login_at AS last_login_at, u.status AS status
                     FROM memberships m JOIN users u ON u.id = m.user_id
                    WHERE m.org_id = ?1
                   UNION ALL
                   SELECT u.id, u.email, u.display_name, 'member', u.last_login_at, u.status
                     FROM users u
                    WHERE u.org_id = ?1
                      AND NOT EXISTS (SELECT 1 FROM memberships m
                                       WHERE m.org_id = ?1 AND m.user_id = u.id))
                 ORDER BY CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, email",
            )
            .bind(org_id),
        )
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Person {
                role: Role::parse(&r.role).ok_or_else(|| decode("membership role", &r.role))?,
                active: r.status == "active",
                user_id: r.user_id,
                email: r.email,
                display_name: r.display_name,
                last_login_at: r.last_login_at,
            })
        })
        .collect()
}

/// Admin: link a user to an org (`users.org_id`, which tier resolution follows) with a
/// role (a membership, its role replaced if present). One batch; false when the user or
/// the org does not exist (nothing written).
pub async fn link_user_to_org(
    engine: &impl Db,
    user_id: &str,
    org_id: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let metas = engine
        .batch(vec![
            Statement::new(
                "UPDATE users SET org_id = ?2
                  WHERE id = ?1 AND EXISTS (SELECT 1 FROM orgs WHERE id = ?2)",
            )
            .bind(user_id)
            .bind(org_id),
            Statement::new(
                "INSERT INTO memberships (org_id, user_id, role, created_at)
                 SELECT o.id, u.id, ?3, ?4 FROM orgs o JOIN users u ON u.id = ?1
                  WHERE o.id = ?2
                 ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role",
            )
            .bind(user_id)
            .bind(org_id)
            .bind(role.as_str())
            .bind(iso(now)),
        ])
        .await?;
    Ok(metas.first().is_some_and(|m| m.changes == 1))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub display_name: Option<String>,
    pub org_id: Option<String>,
    pub org_name: Option<String>,
    pub rto_code: Option<String>,
    pub status: String,
    pub created_at: String,
    pub last_login_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserPage {
    pub users: Vec<UserRow>,
    /// 1-based.
    pub page: u32,
    pub has_more: bool,
}

/// Admin: users whose address, name or org name contains `search` (ASCII
/// case-insensitive; `instr`, so `%` and `_` are plain characters and D1's 50-byte LIKE
/// limit does not apply), or whose org has that RTO code; by address,
/// [`USERS_PAGE_SIZE`] a page, `page` from 1.
pub async fn users(engine: &impl Db, search: &str, page: u32) -> Result<UserPage, StoreError> {
    let page = page.max(1);
    let needle: String = search
        .trim()
        .chars()
        .take(254)
        .collect::<String>()
        .to_ascii_lowercase();
    let mut rows: Vec<UserRow> = engine
        .all(
            Statement::new(
                "SELECT u.id AS id, u.email AS email, u.display_name AS display_name,
                        u.org_id AS org_id, o.name AS org_name, o.rto_code AS rto_code,
                        u.status AS status, u.created_at AS created_at,
                        u.last_login_at AS last_login_at
                   FROM users u LEFT JOIN orgs o ON o.id = u.org_id
                  WHERE ?1 = ''
                     OR instr(lower(u.email), ?1) > 0
                     OR instr(lower(COALESCE(u.display_name, '')), ?1) > 0
                     OR instr(lower(COALESCE(o.name, '')), ?1) > 0
                     OR o.rto_code = ?1
                  ORDER BY u.email
                  LIMIT ?2 OFFSET ?3",
            )
            .bind(needle)
            .bind(i64::from(USERS_PAGE_SIZE) + 1)
            .bind(i64::from(page - 1) * i64::from(USERS_PAGE_SIZE)),
        )
        .await?;
    let has_more = rows.len() > USERS_PAGE_SIZE as usize;
    rows.truncate(USERS_PAGE_SIZE as usize);
    Ok(UserPage {
        users: rows,
        page,
        has_more,
    })
}

// ---------------------------------------------------------------------------------------
// Clients (ops-db.rto_clients)

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientRow {
    pub rto_code: String,
    pub is_client: bool,
    pub client_since: Option<String>,
    pub client_status: String,
    pub plan: Option<String>,
    pub is_test: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// The columns of a [`ClientRow`], as [`ClientRaw`] reads them.
pub(crate) const CLIENT_COLUMNS: &str =
    "rto_code, is_client, client_since, client_status, plan, is_test, created_at, updated_at";

/// An `rto_clients` row as stored (flags as 0/1).
#[derive(Deserialize)]
pub(crate) struct ClientRaw {
    rto_code: String,
    is_client: i64,
    client_since: Option<String>,
    client_status: String,
    plan: Option<String>,
    is_test: i64,
    created_at: String,
    updated_at: String,
}

impl From<ClientRaw> for ClientRow {
    fn from(r: ClientRaw) -> Self {
        ClientRow {
            rto_code: r.rto_code,
            is_client: r.is_client == 1,
            client_since: r.client_since,
            client_status: r.client_status,
            plan: r.plan,
            is_test: r.is_test == 1,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// The client card of an RTO code, if it has one.
pub async fn client(ops: &impl Db, rto_code: &RtoCode) -> Result<Option<ClientRow>, StoreError> {
    let row: Option<ClientRaw> = ops
        .first(
            Statement::new(format!(
                "SELECT {CLIENT_COLUMNS} FROM rto_clients WHERE rto_code = ?1"
            ))
            .bind(rto_code.as_str()),
        )
        .await?;
    Ok(row.map(ClientRow::from))
}

/// Make an RTO an active client (what the runbook does by hand in SQL), with every
/// timestamp bound from the clock. Idempotent: an active client with the same plan is
/// left untouched; a prospect, paused or cancelled one is activated (its first
/// `client_since` kept); an empty plan keeps the current one. One write and one read.
pub async fn add_client(
    ops: &impl Db,
    rto_code: &RtoCode,
    plan: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ClientRow, StoreError> {
    ops.run(
        Statement::new(
            "INSERT INTO rto_clients
               (rto_code, is_client, client_since, client_status, plan, created_at, updated_at)
             VALUES (?1, 1, ?2, 'active', ?3, ?2, ?2)
             ON CONFLICT (rto_code) DO UPDATE
               SET is_client = 1, client_status = 'active',
                   client_since = COALESCE(rto_clients.client_since, excluded.client_since),
                   plan = COALESCE(excluded.plan, rto_clients.plan),
                   updated_at = excluded.updated_at
               WHERE NOT (rto_clients.is_client = 1 AND rto_clients.client_status = 'active'
                          AND rto_clients.plan IS COALESCE(excluded.plan, rto_clients.plan))",
        )
        .bind(rto_code.as_str())
        .bind(iso(now))
        .bind(label(plan)),
    )
    .await?;
    client(ops, rto_code)
        .await?
        .ok_or_else(|| decode("rto_clients", "row missing after upsert"))
}
