//! The SEC-02 gate: a scraper enumerating RTO codes is slowed, then revoked with one
//! anomaly row per strike and one alert; a person browsing passes untouched; a key's own
//! rate limit holds; every request can be logged.

use chrono::{DateTime, Duration, Utc};
use futures::executor::block_on;
use rtopacks_domain::anomaly::{ClientKey, Surface, Thresholds};
use rtopacks_domain::keys::Tier;
use rtopacks_domain::time::parse_iso;
use rtopacks_edge::email::{EmailMode, EmailTransport, ResendRequest, TransportError};
use rtopacks_edge::gate::{access_entry, record, Alerts, Decision, Gate, Visitor, SESSION_EXPIRED};
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::{Db, Statement};
use serde::Deserialize;

/// Record mode never delivers; a delivery would be a bug.
struct NoDelivery;
impl EmailTransport for NoDelivery {
    async fn deliver(&self, _: &ResendRequest<'_>, _: &str) -> Result<String, TransportError> {
        panic!("record mode must not deliver")
    }
}

const T0: &str = "2026-11-24T09:00:00Z";

struct World {
    ops: SqliteDb,
    engine: SqliteDb,
    thresholds: Thresholds,
}

impl World {
    fn new() -> Self {
        let engine = SqliteDb::migrated("engine-db-oc").unwrap();
        engine
            .connection()
            .execute_batch(&format!(
                "INSERT INTO users (id, email, status, created_at) VALUES ('u1', 'a@b.example', 'active', '{T0}');
                 INSERT INTO sessions (id, token_hash, user_id, created_at, idle_expires_at, absolute_expires_at)
                 VALUES ('sess1', '{}', 'u1', '{T0}', '2026-11-24T21:00:00Z', '2026-11-25T09:00:00Z');",
                "a".repeat(64)
            ))
            .unwrap();
        World {
            ops: SqliteDb::migrated("ops-db").unwrap(),
            engine,
            thresholds: Thresholds::default(),
        }
    }

    fn gate(&self) -> Gate<'_, SqliteDb, SqliteDb, NoDelivery> {
        Gate {
            ops: &self.ops,
            engine: &self.engine,
            alerts: Alerts {
                transport: &NoDelivery,
                mode: EmailMode::Record,
                from: "RTOpacks <noreply@rtopacks.com.au>",
                to: "admin@rtopacks.com.au",
            },
            thresholds: &self.thresholds,
        }
    }

    fn count(&self, db: &SqliteDb, sql: &str) -> i64 {
        #[derive(Deserialize)]
        struct N {
            n: i64,
        }
        block_on(db.first::<N>(Statement::new(sql)))
            .unwrap()
            .unwrap()
            .n
    }
}

fn session_visitor() -> Visitor {
    Visitor {
        surface: Surface::InternalApi,
        tier: Tier::SignedIn,
        client: ClientKey::Session("sess1".into()),
        session_id: Some("sess1".into()),
        user_id: Some("u1".into()),
        org_id: None,
        rate_limit_per_minute: None,
    }
}

fn at(secs: i64) -> DateTime<Utc> {
    parse_iso(T0).unwrap() + Duration::seconds(secs)
}

#[test]
fn an_enumerating_session_is_slowed_then_revoked_with_one_alert() {
    let w = World::new();
    let v = session_visitor();
    let mut first_amber = None;
    let mut revoked_at = None;
    for i in 0..300 {
        let code = format!("{}", 10_000 + i);
        let path = format!("/rtos/{code}");
        let d = block_on(w.gate().admit(&v, "rto", &path, Some(&code), at(i))).unwrap();
        match d {
            Decision::Admit { delay_ms } if delay_ms > 0 && first_amber.is_none() => {
                first_amber = Some(i)
            }
            Decision::Refuse(e) => {
                assert_eq!(e.status, 401);
                assert_eq!(
                    e.detail, SESSION_EXPIRED,
                    "the scraper sees an ordinary expiry"
                );
                revoked_at.get_or_insert(i);
            }
            _ => {}
        }
    }
    let (amber, red) = (
        first_amber.expect("slowed before revoked"),
        revoked_at.expect("revoked"),
    );
    assert!(amber < red, "amber at {amber}, red at {red}");
    assert_eq!(w.count(&w.engine, "SELECT count(*) AS n FROM sessions WHERE id = 'sess1' AND revoke_reason = 'sec02_red' AND revoked_at IS NOT NULL"), 1);
    assert_eq!(w.count(&w.ops, "SELECT count(*) AS n FROM anomaly_log WHERE zone = 'red' AND action = 'session_revoked' AND session_id = 'sess1' AND user_id = 'u1'"), 1);
    assert!(w.count(&w.ops, "SELECT count(*) AS n FROM anomaly_log WHERE zone = 'amber' AND action = 'latency_injected'") >= 1);
    assert_eq!(
        w.count(&w.ops, "SELECT count(*) AS n FROM email_outbox WHERE subject = '[SEC-02 RED] Session revoked — u1' AND to_addrs LIKE '%admin@rtopacks.com.au%'"),
        1,
        "one alert, not one per refused request"
    );
}

#[test]
fn a_person_browsing_is_never_slowed() {
    let w = World::new();
    let v = session_visitor();
    let visits = [
        ("search", "/search"),
        ("component", "/qualifications/BSB50420"),
        ("rto", "/rtos/45329"),
        ("search", "/search"),
        ("component", "/units/BSBCRT511"),
        ("ladder", "/packages/BSB/ladder"),
    ];
    for (i, (group, path)) in visits.iter().cycle().take(40).enumerate() {
        let d = block_on(w.gate().admit(&v, group, path, None, at(i as i64 * 20))).unwrap();
        assert_eq!(d, Decision::Admit { delay_ms: 0 }, "request {i} ({path})");
    }
    assert_eq!(w.count(&w.ops, "SELECT count(*) AS n FROM anomaly_log"), 0);
}

#[test]
fn a_key_over_its_own_rate_limit_gets_429_and_red_keys_are_blocked_not_revoked() {
    let w = World::new();
    let v = Visitor {
        surface: Surface::Api,
        tier: Tier::Anonymous,
        client: ClientKey::ApiKey("0123456789abcdef".into()),
        session_id: None,
        user_id: None,
        org_id: None,
        rate_limit_per_minute: Some(10),
    };
    let mut statuses = Vec::new();
    for i in 0..30 {
        match block_on(w.gate().admit(&v, "search", "/search", None, at(i * 2))).unwrap() {
            Decision::Admit { .. } => statuses.push(200),
            Decision::Refuse(e) => statuses.push(e.status),
        }
    }
    assert_eq!(statuses[0], 200);
    assert!(statuses.contains(&429), "{statuses:?}");
    assert_eq!(
        w.count(
            &w.engine,
            "SELECT count(*) AS n FROM sessions WHERE revoked_at IS NOT NULL"
        ),
        0
    );
}

#[test]
fn every_request_is_logged_with_its_surface_and_client() {
    let w = World::new();
    let v = Visitor {
        surface: Surface::Mcp,
        tier: Tier::Anonymous,
        client: ClientKey::ApiKey("fedcba9876543210".into()),
        session_id: None,
        user_id: None,
        org_id: None,
        rate_limit_per_minute: None,
    };
    block_on(record(
        &w.ops,
        &access_entry(&v, "/mcp tools/call lookup", "POST", 200, 12, T0),
    ))
    .unwrap();
    assert_eq!(
        w.count(&w.ops, "SELECT count(*) AS n FROM api_access_log WHERE surface = 'mcp' AND client_id = 'fedcba9876543210' AND response_status = 200 AND latency_ms = 12"),
        1
    );
}
