//! `ops-db` access logging and SEC-02 state: `api_access_log` rows, the per-client
//! `sec02_windows` row that scoring reads and writes, and `anomaly_log` rows.
//!
//! Per request a surface spends two queries on SEC-02 ([`observe`]: one read, one
//! conditional upsert) and one on the access log ([`log_access`], a [`Statement`] to
//! `batch()` with its other writes or to run after the response). An `anomaly_log` row
//! ([`log_anomaly`]) is written only when the verdict says so (a new amber strike or the
//! turn to red), not on every amber request. Revoking the session itself is an
//! `engine-db-oc` write: [`crate::identity::revoke_session`].

use rtopacks_domain::anomaly::{
    Reason, Request, SeqRun, Surface, Thresholds, Verdict, WindowState,
};
use rtopacks_domain::keys::Tier;
use rtopacks_domain::time::iso;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::{Db, Statement, StoreError};

/// Longest `endpoint` stored; longer paths (junk, probes) are cut, not refused.
pub const MAX_ENDPOINT_LEN: usize = 512;

/// Rows one [`prune_access_log`] statement deletes at most; repeat while it deletes this
/// many, so one statement never runs long.
pub const PRUNE_BATCH: u32 = 5_000;

/// How many times [`observe`] re-reads and re-scores when another request of the same
/// client wrote its window first.
pub const MAX_WRITE_ATTEMPTS: u32 = 3;

/// One request for `api_access_log`. `timestamp` is the request's ISO time.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessEntry<'a> {
    pub surface: Surface,
    /// The route path, e.g. `/rto/45329` (query strings are the caller's to keep or drop).
    pub endpoint: &'a str,
    pub method: &'a str,
    pub response_status: Option<u16>,
    pub user_id: Option<&'a str>,
    pub session_id: Option<&'a str>,
    pub org_id: Option<&'a str>,
    /// The API/MCP key id, or the anonymous client's hash.
    pub client_id: Option<&'a str>,
    pub latency_ms: Option<u64>,
    pub timestamp: &'a str,
}

/// Insert one `api_access_log` row.
pub fn log_access(e: &AccessEntry<'_>) -> Statement {
    Statement::new(
        "INSERT INTO api_access_log
           (endpoint, method, response_status, user_id, session_id, org_id, client_id,
            surface, latency_ms, timestamp)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )
    .bind(clip(e.endpoint, MAX_ENDPOINT_LEN))
    .bind(e.method)
    .bind(e.response_status.map(i64::from))
    .bind(e.user_id)
    .bind(e.session_id)
    .bind(e.org_id)
    .bind(e.client_id)
    .bind(e.surface.as_str())
    .bind(e.latency_ms)
    .bind(e.timestamp)
}

/// Delete up to `limit` access-log rows older than `cutoff` (ISO, built in code), oldest
/// first. Run again while `changes == limit`.
pub fn prune_access_log(cutoff: &str, limit: u32) -> Statement {
    Statement::new(
        "DELETE FROM api_access_log
          WHERE id IN (SELECT id FROM api_access_log
                        WHERE timestamp < ?1
                        ORDER BY timestamp
                        LIMIT ?2)",
    )
    .bind(cutoff)
    .bind(i64::from(limit))
}

/// An `api_access_log` row as read back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessRow {
    pub id: i64,
    pub endpoint: String,
    pub method: String,
    pub response_status: Option<i64>,
    pub user_id: Option<String>,
    pub session_id: Option<String>,
    pub org_id: Option<String>,
    pub client_id: Option<String>,
    pub surface: String,
    pub latency_ms: Option<i64>,
    pub timestamp: String,
}

/// A session's requests, newest first (the runbook's second step after a red alert).
pub async fn access_for_session(
    db: &impl Db,
    session_id: &str,
    limit: u32,
) -> Result<Vec<AccessRow>, StoreError> {
    db.all(
        Statement::new(
            "SELECT id, endpoint, method, response_status, user_id, session_id, org_id,
                    client_id, surface, latency_ms, timestamp
               FROM api_access_log WHERE session_id = ?1
              ORDER BY timestamp DESC, id DESC LIMIT ?2",
        )
        .bind(session_id)
        .bind(i64::from(limit)),
    )
    .await
}

/// A client's SEC-02 window as stored, with the version it was read at.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredWindow {
    pub state: WindowState,
    pub version: i64,
}

#[derive(Deserialize)]
struct WindowRow {
    version: i64,
    last_ms: Option<i64>,
    minute_start_ms: i64,
    minute_count: u32,
    prev_minute_count: u32,
    window_start_ms: i64,
    window_count: u32,
    groups: String,
    runs: String,
    fast_streak: u32,
    fast_sum_ms: i64,
    fast_sumsq_ms: i64,
    strikes: u32,
    strike_window_start_ms: i64,
    last_strike_ms: Option<i64>,
    blocked_until_ms: Option<i64>,
    blocked_reason: Option<String>,
}

impl WindowRow {
    fn into_stored(self) -> Result<StoredWindow, StoreError> {
        let decode = |e: serde_json::Error| StoreError::Decode(format!("sec02_windows: {e}"));
        let groups: Vec<String> = serde_json::from_str(&self.groups).map_err(decode)?;
        let runs: Vec<SeqRun> = serde_json::from_str(&self.runs).map_err(decode)?;
        let blocked_reason = match self.blocked_reason.as_deref() {
            None => None,
            Some(r) => Some(Reason::parse(r).ok_or_else(|| {
                StoreError::Decode(format!("sec02_windows: blocked_reason {r:?}"))
            })?),
        };
        Ok(StoredWindow {
            version: self.version,
            state: WindowState {
                last_ms: self.last_ms,
                minute_start_ms: self.minute_start_ms,
                minute_count: self.minute_count,
                prev_minute_count: self.prev_minute_count,
                window_start_ms: self.window_start_ms,
                window_count: self.window_count,
                groups,
                runs,
                fast_streak: self.fast_streak,
                fast_sum_ms: self.fast_sum_ms,
                fast_sumsq_ms: self.fast_sumsq_ms,
                strikes: self.strikes,
                strike_window_start_ms: self.strike_window_start_ms,
                last_strike_ms: self.last_strike_ms,
                blocked_until_ms: self.blocked_until_ms,
                blocked_reason,
            },
        })
    }
}

/// Read a client's window (`None`: never seen, or pruned).
pub async fn load_window(
    db: &impl Db,
    client_key: &str,
) -> Result<Option<StoredWindow>, StoreError> {
    let row: Option<WindowRow> = db
        .first(
            Statement::new(
                "SELECT version, last_ms, minute_start_ms, minute_count, prev_minute_count,
                        window_start_ms, window_count, groups, runs, fast_streak,
                        fast_sum_ms, fast_sumsq_ms, strikes, strike_window_start_ms,
                        last_strike_ms, blocked_until_ms, blocked_reason
                   FROM sec02_windows WHERE client_key = ?1",
            )
            .bind(client_key),
        )
        .await?;
    row.map(WindowRow::into_stored).transpose()
}

/// Write a client's window if it is still at `read_version` (0: there was no row).
/// `changes == 0` means another request wrote first: re-read and re-score.
pub fn save_window(
    client_key: &str,
    state: &WindowState,
    read_version: i64,
    updated_at: &str,
) -> Statement {
    Statement::new(
        "INSERT INTO sec02_windows
           (client_key, version, last_ms, minute_start_ms, minute_count, prev_minute_count,
            window_start_ms, window_count, groups, runs, fast_streak, fast_sum_ms,
            fast_sumsq_ms, strikes, strike_window_start_ms, last_strike_ms,
            blocked_until_ms, blocked_reason, updated_at)
         VALUES (?1, ?2 + 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                 ?17, ?18, ?19)
         ON CONFLICT(client_key) DO UPDATE SET
           version                = excluded.version,
           last_ms                = excluded.last_ms,
           minute_start_ms        = excluded.minute_start_ms,
           minute_count           = excluded.minute_count,
           prev_minute_count      = excluded.prev_minute_count,
           window_start_ms        = excluded.window_start_ms,
           window_count           = excluded.window_count,
           groups                 = excluded.groups,
           runs                   = excluded.runs,
           fast_streak            = excluded.fast_streak,
           fast_sum_ms            = excluded.fast_sum_ms,
           fast_sumsq_ms          = excluded.fast_sumsq_ms,
           strikes                = excluded.strikes,
           strike_window_start_ms = excluded.strike_window_start_ms,
           last_strike_ms         = excluded.last_strike_ms,
           blocked_until_ms       = excluded.blocked_until_ms,
           blocked_reason         = excluded.blocked_reason,
           updated_at             = excluded.updated_at
         WHERE sec02_windows.version = ?2",
    )
    .bind(client_key)
    .bind(read_version)
    .bind(state.last_ms)
    .bind(state.minute_start_ms)
    .bind(i64::from(state.minute_count))
    .bind(i64::from(state.prev_minute_count))
    .bind(state.window_start_ms)
    .bind(i64::from(state.window_count))
    .bind(json(&state.groups))
    .bind(json(&state.runs))
    .bind(i64::from(state.fast_streak))
    .bind(state.fast_sum_ms)
    .bind(state.fast_sumsq_ms)
    .bind(i64::from(state.strikes))
    .bind(state.strike_window_start_ms)
    .bind(state.last_strike_ms)
    .bind(state.blocked_until_ms)
    .bind(state.blocked_reason.map(Reason::as_str))
    .bind(updated_at)
}

/// A stored JSON array column (plain data: serialising cannot fail).
fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_owned())
}

/// What [`observe`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    pub verdict: Verdict,
    /// False only if every attempt lost a race with the client's own concurrent requests;
    /// the verdict is still a fair score, from the state last read.
    pub saved: bool,
    pub attempts: u32,
}

/// Score one request of `client_key` (see `ClientKey`): read its window, fold the request
/// in, write the window back (retrying on a concurrent write). Two queries normally; one
/// while the client is blocked (its window does not change).
pub async fn observe(
    db: &impl Db,
    client_key: &str,
    req: &Request<'_>,
    thresholds: &Thresholds,
) -> Result<Observed, StoreError> {
    let updated_at = iso(req.at);
    let mut attempts = 0;
    loop {
        attempts += 1;
        let (mut state, version) = match load_window(db, client_key).await? {
            Some(w) => (w.state, w.version),
            None => (WindowState::default(), 0),
        };
        let before = state.clone();
        let verdict = state.observe(req, thresholds);
        if version > 0 && state == before {
            // A blocked client: nothing changed, nothing to write.
            return Ok(Observed {
                verdict,
                saved: true,
                attempts,
            });
        }
        let meta = db
            .run(save_window(client_key, &state, version, &updated_at))
            .await?;
        if meta.changes > 0 || attempts >= MAX_WRITE_ATTEMPTS {
            return Ok(Observed {
                verdict,
                saved: meta.changes > 0,
                attempts,
            });
        }
    }
}

/// Forget a client's window (the operator judged it a person): its counts and any block.
pub fn clear_window(client_key: &str) -> Statement {
    Statement::new("DELETE FROM sec02_windows WHERE client_key = ?1").bind(client_key)
}

/// Delete windows idle since before `cutoff` (ISO), keeping any still blocked at `now_ms`.
/// Older than the longest SEC-02 window (escalation, 15 minutes by default) loses nothing.
pub fn prune_windows(cutoff: &str, now_ms: i64) -> Statement {
    Statement::new(
        "DELETE FROM sec02_windows
          WHERE updated_at < ?1 AND (blocked_until_ms IS NULL OR blocked_until_ms <= ?2)",
    )
    .bind(cutoff)
    .bind(now_ms)
}

/// Who a verdict is about, for `anomaly_log`.
#[derive(Debug, Clone, PartialEq)]
pub struct Subject<'a> {
    /// The scored client key (`s:…`, `k:…`, `a:…`).
    pub client_key: &'a str,
    pub session_id: Option<&'a str>,
    pub user_id: Option<&'a str>,
    pub org_id: Option<&'a str>,
    pub tier: Tier,
}

/// The `anomaly_log` row for an amber or red verdict (`None` for green). `session_id` is
/// the session's id, or the client key for key and anonymous clients (the column is NOT
/// NULL); the client key is also kept in `detail`.
pub fn log_anomaly(
    subject: &Subject<'_>,
    verdict: &Verdict,
    created_at: &str,
) -> Option<Statement> {
    let action = verdict.action()?;
    let reason = verdict.reason?;
    let mut detail = match &verdict.detail {
        Json::Object(m) => m.clone(),
        Json::Null => serde_json::Map::new(),
        other => {
            let mut m = serde_json::Map::new();
            m.insert("detail".into(), other.clone());
            m
        }
    };
    detail.insert("client_key".into(), subject.client_key.into());
    if verdict.delay_ms > 0 {
        detail.insert("delay_ms".into(), verdict.delay_ms.into());
    }
    Some(
        Statement::new(
            "INSERT INTO anomaly_log
               (session_id, user_id, org_id, ucca_layer, zone, trigger_reason, detail,
                action, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .bind(subject.session_id.unwrap_or(subject.client_key))
        .bind(subject.user_id)
        .bind(subject.org_id)
        .bind(subject.tier.ucca_layer())
        .bind(verdict.zone.as_str())
        .bind(reason.as_str())
        .bind(Json::Object(detail).to_string())
        .bind(action.as_str())
        .bind(created_at),
    )
}

/// An `anomaly_log` row as the runbook reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnomalyRow {
    pub id: i64,
    pub session_id: String,
    pub user_id: Option<String>,
    pub org_id: Option<String>,
    pub ucca_layer: Option<String>,
    pub zone: String,
    pub trigger_reason: String,
    pub detail: Option<String>,
    pub action: String,
    pub created_at: String,
}

const ANOMALY_COLUMNS: &str = "id, session_id, user_id, org_id, ucca_layer, zone, \
     trigger_reason, detail, action, created_at";

/// The latest anomalies, newest first (`SELECT * FROM anomaly_log ORDER BY created_at DESC`).
pub async fn recent_anomalies(db: &impl Db, limit: u32) -> Result<Vec<AnomalyRow>, StoreError> {
    db.all(
        Statement::new(format!(
            "SELECT {ANOMALY_COLUMNS} FROM anomaly_log ORDER BY created_at DESC, id DESC LIMIT ?1"
        ))
        .bind(i64::from(limit)),
    )
    .await
}

/// One session's (or client key's) anomalies, oldest first.
pub async fn anomalies_for_session(
    db: &impl Db,
    session_id: &str,
) -> Result<Vec<AnomalyRow>, StoreError> {
    db.all(
        Statement::new(format!(
            "SELECT {ANOMALY_COLUMNS} FROM anomaly_log WHERE session_id = ?1 ORDER BY id"
        ))
        .bind(session_id),
    )
    .await
}

fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlite::SqliteDb;
    use chrono::{DateTime, Duration, Utc};
    use futures::executor::block_on;
    use rtopacks_domain::anomaly::{ClientKey, Zone};
    use rtopacks_domain::time::parse_iso;

    fn t0() -> DateTime<Utc> {
        parse_iso("2026-11-24T10:00:00Z").unwrap()
    }

    fn at(ms: i64) -> DateTime<Utc> {
        t0() + Duration::milliseconds(ms)
    }

    fn ops() -> SqliteDb {
        SqliteDb::migrated("ops-db").unwrap()
    }

    fn entry<'a>(endpoint: &'a str, ts: &'a str, session: Option<&'a str>) -> AccessEntry<'a> {
        AccessEntry {
            surface: Surface::InternalApi,
            endpoint,
            method: "GET",
            response_status: Some(200),
            user_id: session.map(|_| "user_1"),
            session_id: session,
            org_id: None,
            client_id: None,
            latency_ms: Some(12),
            timestamp: ts,
        }
    }

    fn count(db: &SqliteDb, sql: &str) -> i64 {
        db.connection().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn access_rows_are_written_and_pruned_by_bound_cutoff() {
        let db = ops();
        let stmts = vec![
            log_access(&entry("/rto/45329", "2026-11-01T00:00:00Z", Some("sess_1"))),
            log_access(&entry(
                "/units/BSBWHS311",
                "2026-11-20T00:00:00Z",
                Some("sess_1"),
            )),
            log_access(&AccessEntry {
                surface: Surface::Mcp,
                client_id: Some("0123456789abcdef"),
                ..entry("/mcp", "2026-11-24T09:00:00Z", None)
            }),
        ];
        block_on(db.batch(stmts)).unwrap();
        let rows = block_on(access_for_session(&db, "sess_1", 50)).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].endpoint, "/units/BSBWHS311");
        assert_eq!(rows[0].surface, "internal-api");
        assert_eq!(rows[0].response_status, Some(200));

        // A cutoff a week before NOW removes only the November 1st row.
        let cutoff = rtopacks_domain::time::cutoff(t0(), Duration::days(7));
        let meta = block_on(db.run(prune_access_log(&cutoff, PRUNE_BATCH))).unwrap();
        assert_eq!(meta.changes, 1);
        assert_eq!(count(&db, "SELECT count(*) FROM api_access_log"), 2);
        // The limit bounds one statement.
        let meta = block_on(db.run(prune_access_log("2030-01-01T00:00:00Z", 1))).unwrap();
        assert_eq!(meta.changes, 1);

        // The schema refuses a SQL-style timestamp; an overlong path is cut.
        let bad = log_access(&entry("/x", "2026-11-24 10:00:00", None));
        assert!(block_on(db.run(bad)).is_err());
        let long = "/".repeat(2000);
        block_on(db.run(log_access(&entry(&long, "2026-11-24T10:00:00Z", None)))).unwrap();
        assert_eq!(
            count(&db, "SELECT max(length(endpoint)) FROM api_access_log"),
            MAX_ENDPOINT_LEN as i64
        );
    }

    #[test]
    fn a_window_round_trips_and_its_version_guards_concurrent_writes() {
        let db = ops();
        let key = ClientKey::Session("sess_1".into()).to_string();
        let t = Thresholds::default();
        assert_eq!(block_on(load_window(&db, &key)).unwrap(), None);

        db.reset_query_count();
        let o = block_on(observe(
            &db,
            &key,
            &Request::new(at(0), "rtos", "/rto/1000"),
            &t,
        ))
        .unwrap();
        assert_eq!(
            (o.verdict.zone, o.saved, o.attempts),
            (Zone::Green, true, 1)
        );
        assert_eq!(db.query_count(), 2, "one read and one upsert per request");
        block_on(observe(
            &db,
            &key,
            &Request::new(at(5000), "units", "/units/BSB1"),
            &t,
        ))
        .unwrap();

        let w = block_on(load_window(&db, &key)).unwrap().unwrap();
        assert_eq!(w.version, 2);
        assert_eq!(w.state.minute_count, 2);
        assert_eq!(w.state.groups, ["rtos", "units"]);
        assert_eq!(w.state.runs.len(), 2);
        assert_eq!(w.state.last_ms, Some(at(5000).timestamp_millis()));

        // A writer holding version 1 (read before the second request) loses.
        let stale =
            block_on(db.run(save_window(&key, &w.state, 1, "2026-11-24T10:00:05Z"))).unwrap();
        assert_eq!(stale.changes, 0);
        // So does a second "first" insert.
        let dup = block_on(db.run(save_window(&key, &w.state, 0, "2026-11-24T10:00:05Z"))).unwrap();
        assert_eq!(dup.changes, 0);
        assert_eq!(
            block_on(load_window(&db, &key)).unwrap().unwrap().version,
            2
        );

        // Other clients have their own windows.
        let other = ClientKey::Anonymous("abc".into()).to_string();
        block_on(observe(
            &db,
            &other,
            &Request::new(at(6000), "search", "/search"),
            &t,
        ))
        .unwrap();
        assert_eq!(
            block_on(load_window(&db, &other))
                .unwrap()
                .unwrap()
                .state
                .minute_count,
            1
        );
        assert_eq!(
            block_on(load_window(&db, &key))
                .unwrap()
                .unwrap()
                .state
                .minute_count,
            2
        );
    }

    /// A database on which another request of the same client writes its window between
    /// our read and our write, once.
    struct Racing<'a> {
        inner: &'a SqliteDb,
        key: &'a str,
        raced: std::cell::Cell<bool>,
    }

    impl Db for Racing<'_> {
        async fn all<T: serde::de::DeserializeOwned>(
            &self,
            stmt: Statement,
        ) -> Result<Vec<T>, StoreError> {
            self.inner.all(stmt).await
        }
        async fn run(&self, stmt: Statement) -> Result<crate::RunMeta, StoreError> {
            if !self.raced.replace(true) {
                let req = Request::new(at(500), "units", "/units/BSB1");
                let o = observe(self.inner, self.key, &req, &Thresholds::default()).await?;
                assert!(o.saved);
            }
            self.inner.run(stmt).await
        }
        async fn batch(&self, stmts: Vec<Statement>) -> Result<Vec<crate::RunMeta>, StoreError> {
            self.inner.batch(stmts).await
        }
    }

    #[test]
    fn a_concurrent_write_is_not_overwritten() {
        let db = ops();
        let key = "s:busy";
        let t = Thresholds::default();
        block_on(observe(
            &db,
            key,
            &Request::new(at(0), "rtos", "/rto/1"),
            &t,
        ))
        .unwrap();
        let racing = Racing {
            inner: &db,
            key,
            raced: std::cell::Cell::new(false),
        };
        let o = block_on(observe(
            &racing,
            key,
            &Request::new(at(900), "rtos", "/rto/2"),
            &t,
        ))
        .unwrap();
        assert_eq!((o.saved, o.attempts), (true, 2));
        let w = block_on(load_window(&db, key)).unwrap().unwrap();
        // All three requests counted: ours was re-scored on top of the other one.
        assert_eq!((w.version, w.state.minute_count), (3, 3));
        assert_eq!(w.state.groups, ["rtos", "units"]);
    }

    #[test]
    fn window_counters_roll_over() {
        let db = ops();
        let key = "a:client";
        let t = Thresholds::default();
        for i in 0..30 {
            let g = ["search", "rtos", "units"][i % 3];
            block_on(observe(
                &db,
                key,
                &Request::new(at(i as i64 * 1500), g, "/x"),
                &t,
            ))
            .unwrap();
        }
        let w = block_on(load_window(&db, key)).unwrap().unwrap().state;
        assert_eq!((w.minute_count, w.prev_minute_count), (30, 0));
        assert_eq!((w.window_count, w.groups.len()), (30, 3));

        // The next minute: the old count becomes "previous" and weighs in less and less.
        let o = block_on(observe(
            &db,
            key,
            &Request::new(at(75_000), "search", "/x"),
            &t,
        ))
        .unwrap();
        let w = block_on(load_window(&db, key)).unwrap().unwrap().state;
        assert_eq!((w.minute_count, w.prev_minute_count), (1, 30));
        assert_eq!(o.verdict.signals.requests_per_minute, 30.0 * 0.75 + 1.0);

        // Ten minutes after the window opened, breadth starts again; velocity has forgotten.
        let o = block_on(observe(
            &db,
            key,
            &Request::new(at(600_000), "ladder", "/x"),
            &t,
        ))
        .unwrap();
        let w = block_on(load_window(&db, key)).unwrap().unwrap().state;
        assert_eq!(
            (w.window_count, w.groups.clone()),
            (1, vec!["ladder".to_owned()])
        );
        assert_eq!((w.minute_count, w.prev_minute_count), (1, 0));
        assert_eq!(o.verdict.signals.requests_per_minute, 1.0);
    }

    #[test]
    fn three_hundred_ascending_rto_lookups_in_five_minutes_go_red_via_sequential() {
        let db = ops();
        let key = ClientKey::Session("sess_scraper".into()).to_string();
        let t = Thresholds::default();
        let subject = Subject {
            client_key: &key,
            session_id: Some("sess_scraper"),
            user_id: Some("user_9"),
            org_id: Some("org_9"),
            tier: Tier::SignedIn,
        };
        let mut verdicts = Vec::new();
        for i in 0..300i64 {
            let path = format!("/rto/{}", 1000 + i * 3);
            let req = Request::new(at(i * 1000), "rtos", &path);
            let o = block_on(observe(&db, &key, &req, &t)).unwrap();
            let now = iso(req.at);
            let mut writes = vec![log_access(&AccessEntry {
                user_id: Some("user_9"),
                ..entry(&path, &now, Some("sess_scraper"))
            })];
            if o.verdict.record {
                writes.extend(log_anomaly(&subject, &o.verdict, &now));
            }
            block_on(db.batch(writes)).unwrap();
            verdicts.push(o.verdict);
        }
        let first_red = verdicts.iter().position(|v| v.zone == Zone::Red).unwrap();
        assert_eq!(first_red, 99);
        assert_eq!(verdicts[first_red].reason, Some(Reason::Sequential));
        assert!(verdicts[..29].iter().all(|v| v.zone == Zone::Green));
        assert!(verdicts[29..99]
            .iter()
            .all(|v| v.zone == Zone::Amber && v.delay_ms > 0));
        assert!(verdicts[100..]
            .iter()
            .all(|v| v.zone == Zone::Red && !v.record));

        // anomaly_log: two amber strikes (latency injected), then the red (revoked).
        let rows = block_on(anomalies_for_session(&db, "sess_scraper")).unwrap();
        let summary: Vec<_> = rows
            .iter()
            .map(|r| {
                (
                    r.zone.as_str(),
                    r.trigger_reason.as_str(),
                    r.action.as_str(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("amber", "sequential", "latency_injected"),
                ("amber", "sequential", "latency_injected"),
                ("red", "sequential", "session_revoked"),
            ]
        );
        let red = &rows[2];
        assert_eq!(red.user_id.as_deref(), Some("user_9"));
        assert_eq!(red.ucca_layer.as_deref(), Some("signed_in"));
        assert_eq!(red.created_at, "2026-11-24T10:01:39Z");
        let detail: Json = serde_json::from_str(red.detail.as_deref().unwrap()).unwrap();
        assert_eq!(detail["sequential_run"], 100);
        assert_eq!(detail["client_key"], "s:sess_scraper");
        assert_eq!(block_on(recent_anomalies(&db, 1)).unwrap()[0].zone, "red");

        // The window holds the block (a blocked request is one read, no write); the
        // runbook's history query sees every request.
        db.reset_query_count();
        let req = Request::new(at(301_000), "rtos", "/rto/99999");
        let o = block_on(observe(&db, &key, &req, &t)).unwrap();
        assert_eq!((o.verdict.zone, o.verdict.record), (Zone::Red, false));
        assert_eq!(db.query_count(), 1);
        let w = block_on(load_window(&db, &key)).unwrap().unwrap().state;
        assert_eq!(w.blocked_reason, Some(Reason::Sequential));
        assert_eq!(
            block_on(access_for_session(&db, "sess_scraper", 1000))
                .unwrap()
                .len(),
            300
        );
    }

    #[test]
    fn a_person_browsing_stays_green_through_the_database() {
        let db = ops();
        let key = "s:sess_person";
        let t = Thresholds::default();
        // Forty page views over twenty minutes, codes in no particular order.
        let pages = [
            ("search", "/search?q=leadership"),
            ("qualifications", "/qualifications/BSB50420"),
            ("units", "/units/BSBLDR523"),
            ("units", "/units/BSBCMM411"),
            ("rtos", "/rto/45329"),
            ("rtos", "/rto/0022"),
            ("ladder", "/ladder/BSB"),
            ("verify", "/verify/BSBWHS311"),
        ];
        let mut at_ms = 0;
        for i in 0..40 {
            let (g, p) = pages[(i * 5) % pages.len()];
            at_ms += 15_000 + (i as i64 % 7) * 4_000;
            let o = block_on(observe(&db, key, &Request::new(at(at_ms), g, p), &t)).unwrap();
            assert_eq!(o.verdict.zone, Zone::Green, "request {i} {p}");
            // A page often makes a second call right away.
            let o = block_on(observe(
                &db,
                key,
                &Request::new(at(at_ms + 120), "search", "/search"),
                &t,
            ))
            .unwrap();
            assert_eq!(o.verdict.zone, Zone::Green);
        }
        let subject = Subject {
            client_key: key,
            session_id: Some("sess_person"),
            user_id: None,
            org_id: None,
            tier: Tier::SignedIn,
        };
        let green = block_on(observe(
            &db,
            key,
            &Request::new(at(at_ms + 60_000), "search", "/s"),
            &t,
        ))
        .unwrap()
        .verdict;
        assert!(log_anomaly(&subject, &green, "2026-11-24T11:00:00Z").is_none());
        assert_eq!(count(&db, "SELECT count(*) FROM anomaly_log"), 0);
    }

    #[test]
    fn idle_windows_are_pruned_but_blocked_ones_kept() {
        let db = ops();
        let t = Thresholds::default();
        block_on(observe(
            &db,
            "a:idle",
            &Request::new(at(0), "search", "/s"),
            &t,
        ))
        .unwrap();
        for i in 0..100i64 {
            let p = format!("/rto/{}", 2000 + i);
            block_on(observe(
                &db,
                "a:scraper",
                &Request::new(at(i * 1000), "rtos", &p),
                &t,
            ))
            .unwrap();
        }
        block_on(observe(
            &db,
            "a:fresh",
            &Request::new(at(7_200_000), "search", "/s"),
            &t,
        ))
        .unwrap();
        // At t0 + 1 hour: prune what has been idle for 30 minutes.
        let now = at(3_600_000);
        let cutoff = rtopacks_domain::time::cutoff(now, Duration::minutes(30));
        let meta = block_on(db.run(prune_windows(&cutoff, now.timestamp_millis()))).unwrap();
        assert_eq!(meta.changes, 1, "only the idle, unblocked window");
        assert!(block_on(load_window(&db, "a:scraper")).unwrap().is_some());
        assert!(block_on(load_window(&db, "a:fresh")).unwrap().is_some());
        // The operator clears a window judged to be a person.
        block_on(db.run(clear_window("a:scraper"))).unwrap();
        assert!(block_on(load_window(&db, "a:scraper")).unwrap().is_none());
    }

    #[test]
    fn anomaly_rows_for_anonymous_clients_use_the_client_key() {
        let db = ops();
        let t = Thresholds::default();
        let key = ClientKey::Anonymous("9f8e".into()).to_string();
        let mut red = None;
        for i in 0..100i64 {
            let p = format!("/units/ABC{}", 100 + i);
            let o = block_on(observe(
                &db,
                &key,
                &Request::new(at(i * 2000), "units", &p),
                &t,
            ))
            .unwrap();
            if o.verdict.newly_red() {
                red = Some(o.verdict);
            }
        }
        let red = red.unwrap();
        let subject = Subject {
            client_key: &key,
            session_id: None,
            user_id: None,
            org_id: None,
            tier: Tier::Anonymous,
        };
        block_on(db.run(log_anomaly(&subject, &red, "2026-11-24T10:03:18Z").unwrap())).unwrap();
        let rows = block_on(anomalies_for_session(&db, "a:9f8e")).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].ucca_layer.as_deref(), Some("anonymous"));
    }
}
