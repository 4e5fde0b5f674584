//! The public site's claim flow, beyond [`crate::signin`]'s links, claims and allowlist:
//! the evidence the claim proof is checked against (`rtopacks-db`, read only), and the
//! claim link read before and while it is used (`engine-db-oc`).
//!
//! The proof (`rtopacks_domain::signin::claim_check`) needs every contact address of the
//! RTO, persons included, which no catalogue tier shows an anonymous visitor. So the
//! contacts never leave the database: the read answers their **domains** only (the part
//! after the last `@`, computed in SQL), and the hosts of the RTO's web addresses. Only
//! entries in force count: an address whose end date has passed may sit at a domain that
//! has since changed hands.

use chrono::{DateTime, Utc};
use rtopacks_domain::codes::RtoCode;
use rtopacks_domain::signin::{web_host, Email};
use rtopacks_domain::time::iso;
use serde::Deserialize;

use crate::{Db, Statement, StoreError};

/// What the register says about an RTO, as far as a claim needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimEvidence {
    /// The mirror holds the RTO (register walk or enrichment).
    pub known: bool,
    /// Its full detail (contacts, web addresses) has been fetched.
    pub enriched: bool,
    /// The name an org created by the claim takes: trading name, else legal name.
    pub name: Option<String>,
    /// Lower-cased domains of the RTO's contact addresses in force, every contact type.
    pub contact_domains: Vec<String>,
    /// Hosts of its web addresses in force (`rtopacks_domain::signin::web_host`).
    pub web_hosts: Vec<String>,
}

impl ClaimEvidence {
    /// The contact domains as `claim_check` takes contact addresses (`@domain`).
    pub fn contact_addresses(&self) -> Vec<String> {
        self.contact_domains
            .iter()
            .map(|d| format!("@{d}"))
            .collect()
    }
}

#[derive(Deserialize)]
struct EvidenceRow {
    known: i64,
    enriched: Option<i64>,
    name: Option<String>,
    contact_domains: String,
    web_addresses: String,
}

/// The domain of `email`, after its last `@` (SQLite has no reverse `instr`: `rtrim`
/// with every character but `@` strips the domain, leaving the local part and its `@`),
/// lower-cased, without the `>` of a `Name <address>` or a trailing dot.
const DOMAIN_SQL: &str =
    "rtrim(lower(trim(substr(email, length(rtrim(email, replace(email, '@', ''))) + 1))), '>. ')";

/// The read behind [`evidence`]: one statement of scalar subqueries over the primary keys
/// (`tga_organisations.code`, `rtos.rto_code`, `(rto_code, …)` of the child tables).
pub fn evidence_statement(code: &RtoCode, today: &str) -> Statement {
    Statement::new(format!(
        "SELECT
           EXISTS (SELECT 1 FROM tga_organisations WHERE code = ?1)
             OR EXISTS (SELECT 1 FROM rtos WHERE rto_code = ?1) AS known,
           (SELECT enriched FROM rtos WHERE rto_code = ?1) AS enriched,
           COALESCE(
             (SELECT COALESCE(trading_name, legal_name) FROM rtos WHERE rto_code = ?1),
             (SELECT COALESCE(trading_name, legal_name) FROM tga_organisations WHERE code = ?1))
             AS name,
           (SELECT json_group_array(DISTINCT {DOMAIN_SQL}) FROM rto_contacts
             WHERE rto_code = ?1 AND instr(email, '@') > 0
               AND (end_date IS NULL OR end_date >= ?2)) AS contact_domains,
           (SELECT json_group_array(url) FROM rto_web_addresses
             WHERE rto_code = ?1 AND (end_date IS NULL OR end_date >= ?2)) AS web_addresses"
    ))
    .bind(code.as_str())
    .bind(today)
}

/// The claim evidence of `code` on `today` (`YYYY-MM-DD`). One read of `rtopacks-db`.
pub async fn evidence(
    corpus: &impl Db,
    code: &RtoCode,
    today: &str,
) -> Result<ClaimEvidence, StoreError> {
    let row: EvidenceRow = corpus
        .first(evidence_statement(code, today))
        .await?
        .ok_or_else(|| StoreError::Decode("claim evidence: no row".into()))?;
    let list = |what: &str, json: &str| -> Result<Vec<String>, StoreError> {
        serde_json::from_str::<Vec<Option<String>>>(json)
            .map(|v| v.into_iter().flatten().collect())
            .map_err(|e| StoreError::Decode(format!("claim evidence {what}: {e}")))
    };
    let mut contact_domains = list("domains", &row.contact_domains)?;
    contact_domains.retain(|d| !d.is_empty());
    let mut web_hosts: Vec<String> = Vec::new();
    for url in list("web addresses", &row.web_addresses)? {
        if let Some(host) = web_host(&url) {
            if !web_hosts.contains(&host) {
                web_hosts.push(host);
            }
        }
    }
    Ok(ClaimEvidence {
        known: row.known == 1,
        enriched: row.enriched == Some(1),
        name: row.name.filter(|n| !n.trim().is_empty()),
        contact_domains,
        web_hosts,
    })
}

/// A claim link as it stands, read without using it (mail scanners open links: only the
/// page's POST uses one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimLink {
    /// Unused and unexpired: Confirm will work.
    Usable { email: Email, rto_code: RtoCode },
    /// Used already.
    Used,
    /// Past its 15 minutes.
    Expired,
    /// No such claim link (mistyped, truncated, never issued, or a sign-in link).
    Unknown,
}

#[derive(Deserialize)]
struct LinkRow {
    email: String,
    rto_code: Option<String>,
    used: i64,
    live: i64,
}

fn link_fields(email: &str, rto_code: Option<&str>) -> Result<(Email, RtoCode), StoreError> {
    let email = Email::parse(email).map_err(|e| StoreError::Decode(format!("link email: {e}")))?;
    let code = RtoCode::parse(rto_code.unwrap_or_default())
        .map_err(|e| StoreError::Decode(format!("link rto_code: {e}")))?;
    Ok((email, code))
}

/// The state of the claim link whose hash is `token_hash` at `now`. One primary-key read.
pub async fn claim_link(
    engine: &impl Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<ClaimLink, StoreError> {
    let row: Option<LinkRow> = engine
        .first(
            Statement::new(
                "SELECT email, rto_code, used_at IS NOT NULL AS used, expires_at > ?2 AS live
                   FROM magic_link_tokens WHERE token_hash = ?1 AND purpose = 'claim'",
            )
            .bind(token_hash)
            .bind(iso(now)),
        )
        .await?;
    Ok(match row {
        None => ClaimLink::Unknown,
        Some(r) if r.used != 0 => ClaimLink::Used,
        Some(r) if r.live == 0 => ClaimLink::Expired,
        Some(r) => {
            let (email, rto_code) = link_fields(&r.email, r.rto_code.as_deref())?;
            ClaimLink::Usable { email, rto_code }
        }
    })
}

#[derive(Deserialize)]
struct UsedRow {
    email: String,
    rto_code: Option<String>,
}

/// Use a claim link: one conditional UPDATE … RETURNING, so of two concurrent uses one
/// wins and the other gets `None`, as does an unknown, used or expired link, or a sign-in
/// link (which stays unused: it belongs to the workspace).
pub async fn use_claim_link(
    engine: &impl Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Email, RtoCode)>, StoreError> {
    let row: Option<UsedRow> = engine
        .first(
            Statement::new(
                "UPDATE magic_link_tokens SET used_at = ?2
                  WHERE token_hash = ?1 AND purpose = 'claim' AND used_at IS NULL
                    AND expires_at > ?2
                  RETURNING email, rto_code",
            )
            .bind(token_hash)
            .bind(iso(now)),
        )
        .await?;
    row.map(|r| link_fields(&r.email, r.rto_code.as_deref()))
        .transpose()
}
