//! The prelaunch worker's reads beyond [`crate::intake`]: what a verification link is
//! before anyone presses Confirm (so a link page can say "expired" straight away without
//! using the token), and whether an RTO code typed into the waitlist form is on the
//! national register (`rtopacks-db`, read only).

use chrono::{DateTime, Utc};
use rtopacks_domain::time::iso;
use serde::Deserialize;

use crate::{Db, Statement, StoreError};

/// A verification link as it stands, read without changing anything (mail scanners open
/// links; only the page's POST uses one, through [`crate::intake::verify`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// Not used and not expired: the Confirm button will work.
    Usable,
    /// Used already. `verified`: its address is on the list (confirmed by this link or
    /// another one).
    Used { verified: bool },
    /// Never used, and now past its 15 minutes.
    Expired { verified: bool },
    /// No such token (mistyped, truncated, or never issued).
    Unknown,
}

/// The state of the token whose hash is `token_hash` at `now`. One read.
pub async fn link_state(
    intake: &impl Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<LinkState, StoreError> {
    #[derive(Deserialize)]
    struct Row {
        used: i64,
        live: i64,
        verified: i64,
    }
    let row: Option<Row> = intake
        .first(
            Statement::new(
                "SELECT t.used_at IS NOT NULL AS used,
                        t.expires_at > ?2 AS live,
                        COALESCE(w.status = 'verified', 0) AS verified
                   FROM verification_tokens t
                   LEFT JOIN waitlist w ON w.id = t.waitlist_id
                  WHERE t.token_hash = ?1",
            )
            .bind(token_hash)
            .bind(iso(now)),
        )
        .await?;
    Ok(match row {
        None => LinkState::Unknown,
        Some(r) if r.used != 0 => LinkState::Used {
            verified: r.verified != 0,
        },
        Some(r) if r.live == 0 => LinkState::Expired {
            verified: r.verified != 0,
        },
        Some(_) => LinkState::Usable,
    })
}

/// Whether an RTO code is on the register the platform mirrors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegisterCheck {
    /// `tga_organisations` has the code (tombstoned rows count: the code was real).
    Known,
    /// The register is filled and the code is not in it.
    Unknown,
    /// The register is empty (a new environment before its first sync): nothing to
    /// check against, so the code cannot be refused.
    Unchecked,
}

/// Look `code` up in `rtopacks-db.tga_organisations`. One read of the primary key, and an
/// `EXISTS` that stops at the first row.
pub async fn register_check(corpus: &impl Db, code: &str) -> Result<RegisterCheck, StoreError> {
    #[derive(Deserialize)]
    struct Row {
        found: i64,
        filled: i64,
    }
    let row: Option<Row> = corpus
        .first(
            Statement::new(
                "SELECT EXISTS (SELECT 1 FROM tga_organisations WHERE code = ?1) AS found,
                        EXISTS (SELECT 1 FROM tga_organisations) AS filled",
            )
            .bind(code),
        )
        .await?;
    Ok(match row {
        Some(r) if r.found != 0 => RegisterCheck::Known,
        Some(r) if r.filled != 0 => RegisterCheck::Unknown,
        _ => RegisterCheck::Unchecked,
    })
}
