//! The prelaunch waitlist (`rto-intake-db`): sign-ups and their email verification, with
//! the sign-in links' token rules (`rtopacks_domain::signin`): 32 random bytes, SHA-256
//! at rest, 15 minutes, single use, and at most so many mails per address and per IP in
//! the window.
//!
//! The page says "check your email" whatever happened, so the form never tells a visitor
//! whether an address is already on the list.

use chrono::{DateTime, Utc};
use rtopacks_domain::signin::{link_expires_at, Email, LinkLimits, LinkToken};
use rtopacks_domain::time::iso;
use serde::{Deserialize, Serialize};

use crate::{Db, Statement, StoreError};

/// A sign-up from the form. Free text is stored verbatim (the pages escape it); empty
/// fields are stored as NULL.
#[derive(Debug, Clone, Copy)]
pub struct Signup<'a> {
    pub email: &'a Email,
    pub name: Option<&'a str>,
    pub organisation: Option<&'a str>,
    /// As typed by the visitor.
    pub rto_code: Option<&'a str>,
    /// Where the sign-up came from (page, campaign).
    pub source: Option<&'a str>,
    /// Salted hash of the requester's IP.
    pub ip_hash: &'a str,
}

/// Whether a verification mail is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinReason {
    /// A verification token was stored: send the mail.
    Issued,
    /// The address is verified already: no mail.
    AlreadyVerified,
    /// Too many verification mails for this address or IP in the window: no mail.
    RateLimited,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Joined {
    /// The address was not on the list before.
    pub new: bool,
    pub reason: JoinReason,
}

impl Joined {
    pub fn token_issued(&self) -> bool {
        self.reason == JoinReason::Issued
    }
}

#[derive(Deserialize)]
struct Before {
    status: Option<String>,
    by_address: i64,
    by_ip: i64,
}

fn text(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// Join the waitlist, and store a verification token unless the address is verified or
/// rate-limited. Idempotent per address: a repeat adds no row, fills only fields still
/// empty (so nobody can rewrite another person's entry by typing their address), keeps
/// the first `source`, and never un-verifies. One read and one batch (1 or 2 writes).
pub async fn join_waitlist(
    intake: &impl Db,
    s: &Signup<'_>,
    token: &LinkToken,
    limits: &LinkLimits,
    now: DateTime<Utc>,
) -> Result<Joined, StoreError> {
    let since = iso(limits.window_start(now));
    let before: Before = intake
        .first(
            Statement::new(
                "SELECT (SELECT status FROM waitlist WHERE email = ?1) AS status,
                        (SELECT count(*) FROM verification_tokens
                          WHERE email = ?1 AND created_at > ?3) AS by_address,
                        (SELECT count(*) FROM verification_tokens
                          WHERE requested_ip_hash = ?2 AND created_at > ?3) AS by_ip",
            )
            .bind(s.email.as_str())
            .bind(s.ip_hash)
            .bind(since),
        )
        .await?
        .ok_or_else(|| StoreError::Decode("waitlist counts: no row".into()))?;
    let now_iso = iso(now);
    let mut stmts = vec![Statement::new(
        "INSERT INTO waitlist (email, name, organisation, rto_code, source, status, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6)
         ON CONFLICT (email) DO UPDATE
           SET name = COALESCE(waitlist.name, excluded.name),
               organisation = COALESCE(waitlist.organisation, excluded.organisation),
               rto_code = COALESCE(waitlist.rto_code, excluded.rto_code),
               source = COALESCE(waitlist.source, excluded.source)
           WHERE waitlist.name IS NULL OR waitlist.organisation IS NULL
              OR waitlist.rto_code IS NULL OR waitlist.source IS NULL",
    )
    .bind(s.email.as_str())
    .bind(text(s.name))
    .bind(text(s.organisation))
    .bind(text(s.rto_code))
    .bind(text(s.source))
    .bind(now_iso.as_str())];
    let reason = if before.status.as_deref() == Some("verified") {
        JoinReason::AlreadyVerified
    } else if !limits.allows(before.by_address as u64, before.by_ip as u64) {
        JoinReason::RateLimited
    } else {
        stmts.push(
            Statement::new(
                "INSERT INTO verification_tokens
                   (token_hash, waitlist_id, email, created_at, expires_at, requested_ip_hash)
                 SELECT ?1, id, email, ?3, ?4, ?5 FROM waitlist
                  WHERE email = ?2 AND status = 'pending'",
            )
            .bind(token.hash())
            .bind(s.email.as_str())
            .bind(now_iso.as_str())
            .bind(iso(link_expires_at(now)))
            .bind(s.ip_hash),
        );
        JoinReason::Issued
    };
    intake.batch(stmts).await?;
    Ok(Joined {
        new: before.status.is_none(),
        reason,
    })
}

/// Verify by a token hash (`signin::hash_presented`): the token is used once, only
/// before it expires, and its entry turns `verified` in the same transaction. Answers
/// the address, or `None` for an unknown, used or expired token. One batch of two
/// statements, and one read when it worked.
pub async fn verify(
    intake: &impl Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Email>, StoreError> {
    let now = iso(now);
    let metas = intake
        .batch(vec![
            Statement::new(
                "UPDATE waitlist SET status = 'verified', verified_at = ?2
                  WHERE status = 'pending'
                    AND id = (SELECT waitlist_id FROM verification_tokens
                               WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2)",
            )
            .bind(token_hash)
            .bind(now.as_str()),
            Statement::new(
                "UPDATE verification_tokens SET used_at = ?2
                  WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
            )
            .bind(token_hash)
            .bind(now.as_str()),
        ])
        .await?;
    if metas.get(1).is_none_or(|m| m.changes != 1) {
        return Ok(None);
    }
    #[derive(Deserialize)]
    struct Row {
        email: String,
    }
    let row: Option<Row> = intake
        .first(
            Statement::new("SELECT email FROM verification_tokens WHERE token_hash = ?1")
                .bind(token_hash),
        )
        .await?;
    row.map(|r| {
        Email::parse(&r.email).map_err(|e| StoreError::Decode(format!("waitlist email: {e}")))
    })
    .transpose()
}

/// A waitlist entry, for the operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitlistEntry {
    pub id: i64,
    pub email: String,
    pub name: Option<String>,
    pub organisation: Option<String>,
    pub rto_code: Option<String>,
    pub source: Option<String>,
    pub status: String,
    pub created_at: String,
    pub verified_at: Option<String>,
}

/// The entry of an address, if any.
pub async fn entry(intake: &impl Db, email: &Email) -> Result<Option<WaitlistEntry>, StoreError> {
    intake
        .first(
            Statement::new(
                "SELECT id, email, name, organisation, rto_code, source, status, created_at,
                        verified_at
                   FROM waitlist WHERE email = ?1",
            )
            .bind(email.as_str()),
        )
        .await
}
