//! Who is calling: a session token resolved against `engine-db-oc`, then the tier.
//!
//! Two databases, two queries, no cross-database join: the session (with its user and the
//! org's RTO code) from `engine-db-oc`, then, only when the org has an RTO code, whether
//! that code is an active client in `ops-db` `rto_clients`. A token that is unknown,
//! revoked, idle- or absolutely expired, or whose user is disabled, resolves to
//! anonymous: to the caller that is an ordinary "session expired".
//!
//! The org is the session's own (`sessions.org_id`, chosen at sign-in) or, when the
//! session names none, the user's (`users.org_id`, the runbook's link).

use rtopacks_domain::anomaly::ClientKey;
use rtopacks_domain::keys::{session_token_hash, Tier};
use serde::{Deserialize, Serialize};

use crate::{Db, Statement, StoreError};

/// `sessions.revoke_reason` when SEC-02 turns a session red.
pub const REVOKE_SEC02_RED: &str = "sec02_red";

/// Tokens longer than this are not ours (ours are 43 base64url characters); they are
/// refused without hashing or a query.
pub const MAX_TOKEN_LEN: usize = 256;

/// A live session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionIdentity {
    pub session_id: String,
    pub user_id: String,
    pub org_id: Option<String>,
    /// The org's RTO code (`engine-db-oc` `orgs.rto_code`), if it has one.
    pub rto_code: Option<String>,
}

/// The resolved caller of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Caller {
    pub tier: Tier,
    pub session: Option<SessionIdentity>,
}

impl Caller {
    pub fn anonymous() -> Self {
        Caller {
            tier: Tier::Anonymous,
            session: None,
        }
    }

    pub fn session_id(&self) -> Option<&str> {
        self.session.as_ref().map(|s| s.session_id.as_str())
    }

    pub fn user_id(&self) -> Option<&str> {
        self.session.as_ref().map(|s| s.user_id.as_str())
    }

    pub fn org_id(&self) -> Option<&str> {
        self.session.as_ref().and_then(|s| s.org_id.as_deref())
    }

    /// The SEC-02 client key of a signed-in caller (anonymous callers are keyed by the
    /// surface, from their address).
    pub fn client_key(&self) -> Option<ClientKey> {
        self.session
            .as_ref()
            .map(|s| ClientKey::Session(s.session_id.clone()))
    }
}

/// What a live session is, in one place for every reader (internal-api's tier
/// resolution, the workspace's sign-in check): the session `s` whose token hash is ?1,
/// unrevoked, before both its idle and absolute expiry at ?2 (ISO, bound), of an active
/// user `u`, with the org `o` it resolves to (the session's, else the user's).
pub(crate) const LIVE_SESSION_FROM: &str = "FROM sessions s
           JOIN users u ON u.id = s.user_id
           LEFT JOIN orgs o ON o.id = COALESCE(s.org_id, u.org_id)
          WHERE s.token_hash = ?1
            AND s.revoked_at IS NULL
            AND s.idle_expires_at > ?2
            AND s.absolute_expires_at > ?2
            AND u.status = 'active'";

/// The live session whose `token_hash` is `token_hash` at `now` (ISO, bound).
pub fn find_session_statement(token_hash: &str, now: &str) -> Statement {
    Statement::new(format!(
        "SELECT s.id AS session_id, s.user_id AS user_id,
                COALESCE(s.org_id, u.org_id) AS org_id, o.rto_code AS rto_code
           {LIVE_SESSION_FROM}"
    ))
    .bind(token_hash)
    .bind(now)
}

/// Resolve a session cookie token (the raw token; only its SHA-256 is compared).
pub async fn find_session(
    engine: &impl Db,
    token: &str,
    now: &str,
) -> Result<Option<SessionIdentity>, StoreError> {
    let token = token.trim();
    if token.is_empty() || token.len() > MAX_TOKEN_LEN {
        return Ok(None);
    }
    engine
        .first(find_session_statement(&session_token_hash(token), now))
        .await
}

/// Whether `rto_code` is an active client (`ops-db` `rto_clients`).
pub fn active_client_statement(rto_code: &str) -> Statement {
    Statement::new(
        "SELECT 1 AS active FROM rto_clients
          WHERE rto_code = ?1 AND is_client = 1 AND client_status = 'active'",
    )
    .bind(rto_code)
}

pub async fn is_active_client(ops: &impl Db, rto_code: &str) -> Result<bool, StoreError> {
    #[derive(Deserialize)]
    struct Row {
        #[allow(dead_code)]
        active: i64,
    }
    Ok(ops
        .first::<Row>(active_client_statement(rto_code))
        .await?
        .is_some())
}

/// The tier of a live session: L4 when its org's RTO code is an active client.
pub async fn tier_of(ops: &impl Db, session: &SessionIdentity) -> Result<Tier, StoreError> {
    match session.rto_code.as_deref() {
        Some(code) if is_active_client(ops, code).await? => Ok(Tier::L4),
        _ => Ok(Tier::SignedIn),
    }
}

/// Resolve the caller of a request: no token → anonymous (no query); a token → at most
/// one `engine-db-oc` query and one `ops-db` query.
pub async fn resolve(
    engine: &impl Db,
    ops: &impl Db,
    token: Option<&str>,
    now: &str,
) -> Result<Caller, StoreError> {
    let Some(token) = token else {
        return Ok(Caller::anonymous());
    };
    let Some(session) = find_session(engine, token, now).await? else {
        return Ok(Caller::anonymous());
    };
    let tier = tier_of(ops, &session).await?;
    Ok(Caller {
        tier,
        session: Some(session),
    })
}

/// Revoke a session (`engine-db-oc`). A session already revoked keeps its first time and
/// reason. SEC-02 red passes [`REVOKE_SEC02_RED`].
pub fn revoke_session(session_id: &str, reason: &str, now: &str) -> Statement {
    Statement::new(
        "UPDATE sessions SET revoked_at = ?2, revoke_reason = ?3
          WHERE id = ?1 AND revoked_at IS NULL",
    )
    .bind(session_id)
    .bind(now)
    .bind(reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlite::SqliteDb;
    use futures::executor::block_on;

    const NOW: &str = "2026-11-24T10:00:00Z";

    struct Dbs {
        engine: SqliteDb,
        ops: SqliteDb,
    }

    fn dbs() -> Dbs {
        let engine = SqliteDb::migrated("engine-db-oc").unwrap();
        let ops = SqliteDb::migrated("ops-db").unwrap();
        engine
            .connection()
            .execute_batch(
                "INSERT INTO orgs (id, name, rto_code, created_at) VALUES
                   ('org_client', 'Client RTO', '90001', '2026-01-01T00:00:00Z'),
                   ('org_paused', 'Paused RTO', '90002', '2026-01-01T00:00:00Z'),
                   ('org_prospect', 'Prospect RTO', '90003', '2026-01-01T00:00:00Z'),
                   ('org_none', 'No RTO', NULL, '2026-01-01T00:00:00Z');
                 INSERT INTO users (id, email, org_id, status, created_at) VALUES
                   ('u_client', 'a@client.example', 'org_client', 'active', '2026-01-01T00:00:00Z'),
                   ('u_paused', 'b@paused.example', 'org_paused', 'active', '2026-01-01T00:00:00Z'),
                   ('u_prospect', 'c@prospect.example', 'org_prospect', 'active', '2026-01-01T00:00:00Z'),
                   ('u_none', 'd@none.example', 'org_none', 'active', '2026-01-01T00:00:00Z'),
                   ('u_solo', 'e@solo.example', NULL, 'active', '2026-01-01T00:00:00Z'),
                   ('u_off', 'f@off.example', 'org_client', 'disabled', '2026-01-01T00:00:00Z');",
            )
            .unwrap();
        ops.connection()
            .execute_batch(
                "INSERT INTO rto_clients (rto_code, is_client, client_since, client_status, plan) VALUES
                   ('90001', 1, '2026-02-01T00:00:00Z', 'active', 'essential'),
                   ('90002', 1, '2026-02-01T00:00:00Z', 'paused', 'essential'),
                   ('90003', 0, NULL, 'prospect', NULL);",
            )
            .unwrap();
        Dbs { engine, ops }
    }

    /// A session for `user` with the token `token`; the expiry and revocation given.
    fn session(
        d: &Dbs,
        id: &str,
        token: &str,
        user: &str,
        idle: &str,
        absolute: &str,
        revoked: Option<&str>,
    ) {
        d.engine
            .connection()
            .execute(
                "INSERT INTO sessions (id, token_hash, user_id, org_id, created_at,
                                       idle_expires_at, absolute_expires_at, revoked_at)
                 VALUES (?1, ?2, ?3, NULL, '2026-11-24T09:00:00Z', ?4, ?5, ?6)",
                rusqlite::params![id, session_token_hash(token), user, idle, absolute, revoked],
            )
            .unwrap();
    }

    fn live(d: &Dbs, id: &str, token: &str, user: &str) {
        session(
            d,
            id,
            token,
            user,
            "2026-11-24T10:30:00Z",
            "2026-11-25T09:00:00Z",
            None,
        );
    }

    fn resolve_at(d: &Dbs, token: Option<&str>, now: &str) -> Caller {
        block_on(resolve(&d.engine, &d.ops, token, now)).unwrap()
    }

    #[test]
    fn an_active_client_org_resolves_l4_with_its_ids() {
        let d = dbs();
        live(&d, "sess_a", "tok-client", "u_client");
        d.engine.reset_query_count();
        d.ops.reset_query_count();
        let c = resolve_at(&d, Some("tok-client"), NOW);
        assert_eq!(c.tier, Tier::L4);
        assert_eq!(
            c.session,
            Some(SessionIdentity {
                session_id: "sess_a".into(),
                user_id: "u_client".into(),
                org_id: Some("org_client".into()),
                rto_code: Some("90001".into()),
            })
        );
        assert_eq!(c.client_key(), Some(ClientKey::Session("sess_a".into())));
        assert_eq!((d.engine.query_count(), d.ops.query_count()), (1, 1));
    }

    #[test]
    fn other_orgs_are_signed_in() {
        let d = dbs();
        for (i, user) in ["u_paused", "u_prospect", "u_none", "u_solo"]
            .iter()
            .enumerate()
        {
            let token = format!("tok-{i}");
            live(&d, &format!("sess_{i}"), &token, user);
            let c = resolve_at(&d, Some(&token), NOW);
            assert_eq!(c.tier, Tier::SignedIn, "{user}");
            assert_eq!(c.user_id(), Some(*user));
        }
        // No RTO code: the ops-db query is not even made.
        d.ops.reset_query_count();
        assert_eq!(resolve_at(&d, Some("tok-3"), NOW).org_id(), None);
        assert_eq!(d.ops.query_count(), 0);
    }

    #[test]
    fn expired_revoked_unknown_or_missing_sessions_are_anonymous() {
        let d = dbs();
        session(
            &d,
            "s_idle",
            "tok-idle",
            "u_client",
            NOW,
            "2026-11-25T00:00:00Z",
            None,
        );
        session(
            &d,
            "s_abs",
            "tok-abs",
            "u_client",
            "2026-11-24T09:59:59Z",
            "2026-11-24T09:59:59Z",
            None,
        );
        session(
            &d,
            "s_rev",
            "tok-rev",
            "u_client",
            "2026-11-24T11:00:00Z",
            "2026-11-25T00:00:00Z",
            Some("2026-11-24T09:30:00Z"),
        );
        live(&d, "s_off", "tok-off", "u_off");
        for token in [
            "tok-idle",
            "tok-abs",
            "tok-rev",
            "tok-off",
            "tok-unknown",
            "",
        ] {
            assert_eq!(
                resolve_at(&d, Some(token), NOW),
                Caller::anonymous(),
                "{token:?}"
            );
        }
        // One second earlier the idle-expired session was still live.
        assert_eq!(
            resolve_at(&d, Some("tok-idle"), "2026-11-24T09:59:59Z").tier,
            Tier::L4
        );
        d.engine.reset_query_count();
        assert_eq!(resolve_at(&d, None, NOW), Caller::anonymous());
        let huge = "x".repeat(MAX_TOKEN_LEN + 1);
        assert_eq!(resolve_at(&d, Some(&huge), NOW), Caller::anonymous());
        assert_eq!(d.engine.query_count(), 0);
    }

    #[test]
    fn a_sec02_revocation_ends_the_session() {
        let d = dbs();
        live(&d, "sess_r", "tok-r", "u_client");
        assert_eq!(resolve_at(&d, Some("tok-r"), NOW).tier, Tier::L4);
        let meta = block_on(
            d.engine
                .run(revoke_session("sess_r", REVOKE_SEC02_RED, NOW)),
        )
        .unwrap();
        assert_eq!(meta.changes, 1);
        assert_eq!(resolve_at(&d, Some("tok-r"), NOW), Caller::anonymous());
        // A second revocation changes nothing: the first reason and time stand.
        let again = block_on(d.engine.run(revoke_session(
            "sess_r",
            "admin",
            "2026-11-24T11:00:00Z",
        )))
        .unwrap();
        assert_eq!(again.changes, 0);
        let (at, reason): (String, String) = d
            .engine
            .connection()
            .query_row(
                "SELECT revoked_at, revoke_reason FROM sessions WHERE id = 'sess_r'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((at.as_str(), reason.as_str()), (NOW, "sec02_red"));
    }

    #[test]
    fn a_session_org_overrides_the_users() {
        let d = dbs();
        live(&d, "sess_o", "tok-o", "u_solo");
        d.engine
            .connection()
            .execute(
                "UPDATE sessions SET org_id = 'org_client' WHERE id = 'sess_o'",
                [],
            )
            .unwrap();
        let c = resolve_at(&d, Some("tok-o"), NOW);
        assert_eq!((c.tier, c.org_id()), (Tier::L4, Some("org_client")));
    }
}
