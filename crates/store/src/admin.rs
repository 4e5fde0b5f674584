//! What the operator console (rtopacks-admin) reads and writes beyond the sign-in and
//! observatory modules: the `engine-db-oc` org that holds an RTO code, creating it when the
//! operator links the first person, linking a person by address (the runbook's hand edit
//! of `users.org_id`), one user and one session for the per-user and per-session logs, and
//! the `ops-db` client list.
//!
//! Two databases, never joined (`engine` is `engine-db-oc`, `ops` is `ops-db`). Ids and
//! time come from the caller: ids random, time the injected clock bound as ISO text.

use chrono::{DateTime, Utc};
use rtopacks_domain::codes::RtoCode;
use rtopacks_domain::signin::{Email, Role};
use rtopacks_domain::time::iso;
use serde::{Deserialize, Serialize};

use crate::signin::{ClientRaw, ClientRow, UserRow, CLIENT_COLUMNS};
use crate::{Db, Statement, StoreError};

/// Rows of the client list the organisations page shows.
pub const CLIENTS_LIMIT: u32 = 200;
/// Sessions listed on a user's page (newest first).
pub const USER_SESSIONS_LIMIT: u32 = 50;

fn decode(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Decode(format!("{what}: {e}"))
}

// ---------------------------------------------------------------------------------------
// Orgs

/// An `engine-db-oc` org.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgRow {
    pub id: String,
    pub name: String,
    pub rto_code: Option<String>,
    pub created_at: String,
}

const ORG_COLUMNS: &str = "id, name, rto_code, created_at";

/// The org that holds `rto_code`, if any (`orgs.rto_code` is unique).
pub async fn org_for_rto(
    engine: &impl Db,
    rto_code: &RtoCode,
) -> Result<Option<OrgRow>, StoreError> {
    engine
        .first(
            Statement::new(format!(
                "SELECT {ORG_COLUMNS} FROM orgs WHERE rto_code = ?1"
            ))
            .bind(rto_code.as_str()),
        )
        .await
}

/// The org holding `rto_code`, created as `new_id` named `name` when none does.
/// Idempotent (a second call, or a claim racing it, keeps the first org). One write, one
/// read.
pub async fn ensure_org(
    engine: &impl Db,
    new_id: &str,
    name: &str,
    rto_code: &RtoCode,
    now: DateTime<Utc>,
) -> Result<(OrgRow, bool), StoreError> {
    let meta = engine
        .run(
            Statement::new(
                "INSERT INTO orgs (id, name, rto_code, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (rto_code) DO NOTHING",
            )
            .bind(new_id)
            .bind(name)
            .bind(rto_code.as_str())
            .bind(iso(now)),
        )
        .await?;
    let org = org_for_rto(engine, rto_code)
        .await?
        .ok_or_else(|| decode("orgs", "row missing after insert"))?;
    Ok((org, meta.changes == 1))
}

// ---------------------------------------------------------------------------------------
// Linking a person to an org

/// What [`link_email_to_org`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum LinkOutcome {
    /// The user (new or existing) now resolves to the org, with this role.
    Linked {
        user_id: String,
        /// No user had the address: one was created.
        created_user: bool,
        role: Role,
    },
    /// The address belongs to a disabled user: nothing was written.
    UserDisabled { user_id: String },
    /// No org has this id: nothing was written.
    NoOrg,
}

#[derive(Deserialize)]
struct LinkedRow {
    user_id: String,
    status: String,
    org_id: Option<String>,
    role: Option<String>,
}

/// The link, as statements for one transaction: the user by address (created as
/// `new_user_id` if absent, else re-pointed at the org unless disabled), then a
/// membership with `role` (an existing one takes the new role). Nothing is written when
/// the org does not exist.
pub fn link_statements(
    email: &Email,
    org_id: &str,
    role: Role,
    new_user_id: &str,
    now: DateTime<Utc>,
) -> Vec<Statement> {
    let now = iso(now);
    vec![
        Statement::new(
            "INSERT INTO users (id, email, org_id, status, created_at)
             SELECT ?1, ?2, o.id, 'active', ?4 FROM orgs o WHERE o.id = ?3
             ON CONFLICT (email) DO UPDATE SET org_id = excluded.org_id
              WHERE users.status = 'active'",
        )
        .bind(new_user_id)
        .bind(email.as_str())
        .bind(org_id)
        .bind(now.as_str()),
        Statement::new(
            "INSERT INTO memberships (org_id, user_id, role, created_at)
             SELECT o.id, u.id, ?3, ?4
               FROM orgs o JOIN users u ON u.email = ?2 AND u.status = 'active'
              WHERE o.id = ?1
             ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role",
        )
        .bind(org_id)
        .bind(email.as_str())
        .bind(role.as_str())
        .bind(now.as_str()),
    ]
}

/// Link the person with address `email` to the org `org_id` (what tier resolution follows:
/// `users.org_id`) with `role`. Idempotent. One batch of two statements and one read.
pub async fn link_email_to_org(
    engine: &impl Db,
    email: &Email,
    org_id: &str,
    role: Role,
    new_user_id: &str,
    now: DateTime<Utc>,
) -> Result<LinkOutcome, StoreError> {
    engine
        .batch(link_statements(email, org_id, role, new_user_id, now))
        .await?;
    let row: Option<LinkedRow> = engine
        .first(
            Statement::new(
                "SELECT u.id AS user_id, u.status AS status, u.org_id AS org_id, m.role AS role
                   FROM users u
                   LEFT JOIN memberships m ON m.user_id = u.id AND m.org_id = ?2
                  WHERE u.email = ?1",
            )
            .bind(email.as_str())
            .bind(org_id),
        )
        .await?;
    let Some(row) = row else {
        // No user was written, so the org was missing.
        return Ok(LinkOutcome::NoOrg);
    };
    if row.status != "active" {
        return Ok(LinkOutcome::UserDisabled {
            user_id: row.user_id,
        });
    }
    match (row.org_id.as_deref() == Some(org_id), row.role) {
        (true, Some(role)) => Ok(LinkOutcome::Linked {
            created_user: row.user_id == new_user_id,
            role: Role::parse(&role).ok_or_else(|| decode("membership role", &role))?,
            user_id: row.user_id,
        }),
        // An existing user, and no org to point at.
        _ => Ok(LinkOutcome::NoOrg),
    }
}

// ---------------------------------------------------------------------------------------
// One user, one session

/// A user with their org (the same row as the admin user list).
pub async fn user(engine: &impl Db, user_id: &str) -> Result<Option<UserRow>, StoreError> {
    engine
        .first(
            Statement::new(
                "SELECT u.id AS id, u.email AS email, u.display_name AS display_name,
                        u.org_id AS org_id, o.name AS org_name, o.rto_code AS rto_code,
                        u.status AS status, u.created_at AS created_at,
                        u.last_login_at AS last_login_at
                   FROM users u LEFT JOIN orgs o ON o.id = u.org_id
                  WHERE u.id = ?1",
            )
            .bind(user_id),
        )
        .await
}

/// A session as the console shows it: never its token hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    pub id: String,
    pub user_id: String,
    pub org_id: Option<String>,
    pub created_at: String,
    pub last_seen_at: Option<String>,
    pub idle_expires_at: String,
    pub absolute_expires_at: String,
    pub revoked_at: Option<String>,
    pub revoke_reason: Option<String>,
    pub user_agent: Option<String>,
}

/// Where a session stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    Live,
    Revoked,
    Expired,
}

impl SessionState {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionState::Live => "live",
            SessionState::Revoked => "revoked",
            SessionState::Expired => "expired",
        }
    }
}

impl SessionRow {
    /// Revoked, else expired once either expiry has passed (stored ISO text compares in
    /// time order), else live.
    pub fn state(&self, now: DateTime<Utc>) -> SessionState {
        let now = iso(now);
        if self.revoked_at.is_some() {
            SessionState::Revoked
        } else if self.idle_expires_at <= now || self.absolute_expires_at <= now {
            SessionState::Expired
        } else {
            SessionState::Live
        }
    }
}

const SESSION_COLUMNS: &str = "id, user_id, org_id, created_at, last_seen_at, idle_expires_at, \
     absolute_expires_at, revoked_at, revoke_reason, user_agent";

pub async fn session(engine: &impl Db, session_id: &str) -> Result<Option<SessionRow>, StoreError> {
    engine
        .first(
            Statement::new(format!(
                "SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?1"
            ))
            .bind(session_id),
        )
        .await
}

/// A user's sessions, newest first, at most [`USER_SESSIONS_LIMIT`].
pub async fn sessions_of_user(
    engine: &impl Db,
    user_id: &str,
) -> Result<Vec<SessionRow>, StoreError> {
    engine
        .all(
            Statement::new(format!(
                "SELECT {SESSION_COLUMNS} FROM sessions WHERE user_id = ?1
                  ORDER BY created_at DESC, id DESC LIMIT ?2"
            ))
            .bind(user_id)
            .bind(i64::from(USER_SESSIONS_LIMIT)),
        )
        .await
}

// ---------------------------------------------------------------------------------------
// Clients

/// Every `rto_clients` row (at most [`CLIENTS_LIMIT`]): active clients first, then by the
/// latest change.
pub async fn clients(ops: &impl Db) -> Result<Vec<ClientRow>, StoreError> {
    let rows: Vec<ClientRaw> = ops
        .all(
            Statement::new(format!(
                "SELECT {CLIENT_COLUMNS} FROM rto_clients
                  ORDER BY (is_client = 1 AND client_status = 'active') DESC,
                           updated_at DESC, rto_code
                  LIMIT ?1"
            ))
            .bind(i64::from(CLIENTS_LIMIT)),
        )
        .await?;
    Ok(rows.into_iter().map(ClientRow::from).collect())
}
