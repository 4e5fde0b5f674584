//! The public site's own reads and writes against the real migrations: the claim
//! evidence (domains only, entries in force), claim links read and used, and the
//! once-per-window enrichment request.

use chrono::{DateTime, Duration, Utc};
use futures::executor::block_on;
use rtopacks_domain::codes::RtoCode;
use rtopacks_domain::signin::{
    claim_check, hash_presented, ClaimMatch, Email, LinkLimits, LinkPurpose, LinkToken,
};
use rtopacks_domain::time::parse_iso;
use rtopacks_store::claim::*;
use rtopacks_store::ingest_requests::{self, claim_request, release_request, WINDOW};
use rtopacks_store::signin::{request_link, NewLink};
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::{Db, Statement};
use serde::Deserialize;

const T0: &str = "2026-11-24T10:00:00Z";
const TODAY: &str = "2026-11-24";

fn at(s: &str) -> DateTime<Utc> {
    parse_iso(s).unwrap()
}

fn code(s: &str) -> RtoCode {
    RtoCode::parse(s).unwrap()
}

const CORPUS: &str = r#"
INSERT INTO tga_organisations (code, legal_name, trading_name, status, is_rto, synced_at) VALUES
  ('45329', 'Harbourside Training Pty Ltd', 'Harbourside Skills', 'Current', 1, '2026-11-21T16:00:00Z'),
  ('52001', 'Unvisited College Pty Ltd', NULL, 'Current', 1, '2026-11-21T16:00:00Z');
INSERT INTO rtos (rto_code, legal_name, trading_name, status, enriched, enriched_at, synced_at) VALUES
  ('45329', 'Harbourside Training Pty Ltd', 'Harbourside Skills', 'Current', 1, '2026-11-22T03:00:00Z', '2026-11-22T03:00:00Z');
INSERT INTO rto_contacts (rto_code, contact_key, type_code, first_name, last_name, email, end_date, synced_at) VALUES
  ('45329', 'p1', 'Person', 'Mara', 'Okafor', 'Mara.Okafor@Harbourside.Example', NULL, '2026-11-22T03:00:00Z'),
  ('45329', 'p2', 'Position', NULL, NULL, 'Enquiries <enquiries@harbourside.example>', NULL, '2026-11-22T03:00:00Z'),
  ('45329', 'p3', 'Person', 'Old', 'Friend', 'old@formerdomain.example', '2020-01-31', '2026-11-22T03:00:00Z'),
  ('45329', 'p4', 'Person', 'Sam', 'Lee', 'sam.lee@gmail.com', '2026-11-24', '2026-11-22T03:00:00Z'),
  ('45329', 'p5', 'Position', NULL, NULL, 'mailto:"odd@name"@campus.harbourside.example', NULL, '2026-11-22T03:00:00Z'),
  ('45329', 'p6', 'Position', NULL, NULL, NULL, NULL, '2026-11-22T03:00:00Z'),
  ('45329', 'p7', 'Position', NULL, NULL, 'no address here', NULL, '2026-11-22T03:00:00Z');
INSERT INTO rto_web_addresses (rto_code, url, start_date, end_date, synced_at) VALUES
  ('45329', 'https://WWW.Harbourside-Skills.example/courses', '2019-02-01', NULL, '2026-11-22T03:00:00Z'),
  ('45329', 'www.harbourside.example', '2019-02-01', NULL, '2026-11-22T03:00:00Z'),
  ('45329', 'http://expired-domain.example', '2010-01-01', '2015-01-01', '2026-11-22T03:00:00Z');
"#;

fn corpus() -> SqliteDb {
    let db = SqliteDb::migrated("rtopacks-db").unwrap();
    db.connection().execute_batch(CORPUS).unwrap();
    db
}

#[test]
fn the_evidence_is_domains_and_hosts_in_force_never_addresses() {
    let db = corpus();
    db.reset_query_count();
    let e = block_on(evidence(&db, &code("45329"), TODAY)).unwrap();
    assert_eq!(db.query_count(), 1);
    assert!(e.known && e.enriched);
    assert_eq!(e.name.as_deref(), Some("Harbourside Skills"));
    let mut domains = e.contact_domains.clone();
    domains.sort();
    assert_eq!(
        domains,
        [
            "campus.harbourside.example",
            "gmail.com",
            "harbourside.example",
        ],
        "every contact in force (ended ones and blanks left out), after the last @"
    );
    for d in &e.contact_domains {
        assert!(!d.contains('@'), "no address leaves the database: {d}");
    }
    assert_eq!(
        e.web_hosts,
        ["harbourside-skills.example", "harbourside.example"]
    );

    // The proof over it: the domain's own addresses and subdomains count; a public
    // mailbox never does, even one the RTO lists; an ended domain is gone.
    let check = |addr: &str| {
        claim_check(
            &Email::parse(addr).unwrap(),
            &e.contact_addresses()
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            &e.web_hosts.iter().map(String::as_str).collect::<Vec<_>>(),
        )
    };
    assert!(check("kim@harbourside.example").is_proof());
    assert!(check("kim@campus.harbourside.example").is_proof());
    assert!(check("kim@harbourside-skills.example").is_proof());
    assert!(matches!(
        check("sam.lee@gmail.com"),
        ClaimMatch::PublicMailbox { .. }
    ));
    assert!(matches!(
        check("old@formerdomain.example"),
        ClaimMatch::NoMatch { .. }
    ));
    assert!(matches!(
        check("x@expired-domain.example"),
        ClaimMatch::NoMatch { .. }
    ));

    // The day after the gmail contact ended, it is not evidence any more.
    let later = block_on(evidence(&db, &code("45329"), "2026-11-25")).unwrap();
    assert!(!later.contact_domains.iter().any(|d| d == "gmail.com"));
}

#[test]
fn an_unenriched_or_unknown_rto_has_no_evidence() {
    let db = corpus();
    let e = block_on(evidence(&db, &code("52001"), TODAY)).unwrap();
    assert!(e.known && !e.enriched);
    assert_eq!(e.name.as_deref(), Some("Unvisited College Pty Ltd"));
    assert!(e.contact_domains.is_empty() && e.web_hosts.is_empty());
    let e = block_on(evidence(&db, &code("99999"), TODAY)).unwrap();
    assert!(!e.known && !e.enriched && e.name.is_none());
}

#[derive(Deserialize)]
struct PlanRow {
    detail: String,
}

#[test]
fn the_evidence_and_the_request_use_keys_only() {
    let db = corpus();
    let ops = SqliteDb::migrated("ops-db").unwrap();
    let engine = SqliteDb::migrated("engine-db-oc").unwrap();
    let plans = [
        (&db, evidence_statement(&code("45329"), TODAY)),
        (
            &ops,
            ingest_requests::claim_statement(&code("45329"), at(T0), WINDOW),
        ),
        (
            &engine,
            Statement::new(
                "SELECT email FROM magic_link_tokens WHERE token_hash = ?1 AND purpose = 'claim'",
            )
            .bind("x"),
        ),
    ];
    for (db, stmt) in plans {
        let plan: Vec<String> = block_on(db.all::<PlanRow>(Statement {
            sql: format!("EXPLAIN QUERY PLAN {}", stmt.sql),
            params: stmt.params.clone(),
        }))
        .unwrap()
        .into_iter()
        .map(|r| r.detail)
        .collect();
        assert!(
            !plan
                .iter()
                .any(|d| d.starts_with("SCAN ") && !d.contains("CONSTANT ROW")),
            "{}\n{plan:#?}",
            stmt.sql
        );
    }
}

fn issue(engine: &SqliteDb, ops: &SqliteDb, addr: &str, rto: &str, n: u8, now: &str) -> LinkToken {
    let token = LinkToken::from_bytes(&[n; 32]);
    let email = Email::parse(addr).unwrap();
    let purpose = LinkPurpose::Claim {
        rto_code: code(rto),
    };
    let link = NewLink {
        email: &email,
        purpose: &purpose,
        ip_hash: "ip-1",
        token: &token,
    };
    let r = block_on(request_link(
        engine,
        ops,
        &link,
        &LinkLimits::default(),
        at(now),
    ))
    .unwrap();
    assert!(r.issued, "{r:?}");
    token
}

#[test]
fn a_claim_link_is_read_without_being_used_then_used_once() {
    let engine = SqliteDb::migrated("engine-db-oc").unwrap();
    let ops = SqliteDb::migrated("ops-db").unwrap();
    let token = issue(&engine, &ops, "Kim@Harbourside.example", "45329", 1, T0);
    let hash = hash_presented(token.value()).unwrap();
    let usable = ClaimLink::Usable {
        email: Email::parse("kim@harbourside.example").unwrap(),
        rto_code: code("45329"),
    };
    // Opening the page (twice: a mail scanner, then the person) changes nothing.
    for _ in 0..2 {
        assert_eq!(
            block_on(claim_link(&engine, &hash, at("2026-11-24T10:05:00Z"))).unwrap(),
            usable
        );
    }
    assert_eq!(
        block_on(claim_link(&engine, &hash, at("2026-11-24T10:15:00Z"))).unwrap(),
        ClaimLink::Expired
    );
    assert_eq!(
        block_on(claim_link(&engine, &"0".repeat(64), at(T0))).unwrap(),
        ClaimLink::Unknown
    );

    // Used once: the second use and the page afterwards both say so.
    let used = block_on(use_claim_link(&engine, &hash, at("2026-11-24T10:06:00Z"))).unwrap();
    assert_eq!(
        used,
        Some((
            Email::parse("kim@harbourside.example").unwrap(),
            code("45329")
        ))
    );
    assert_eq!(
        block_on(use_claim_link(&engine, &hash, at("2026-11-24T10:06:01Z"))).unwrap(),
        None
    );
    assert_eq!(
        block_on(claim_link(&engine, &hash, at("2026-11-24T10:07:00Z"))).unwrap(),
        ClaimLink::Used
    );

    // An expired link cannot be used.
    let late = issue(&engine, &ops, "kim@harbourside.example", "45329", 2, T0);
    let late = hash_presented(late.value()).unwrap();
    assert_eq!(
        block_on(use_claim_link(&engine, &late, at("2026-11-24T10:15:00Z"))).unwrap(),
        None
    );
}

#[test]
fn a_sign_in_link_is_not_a_claim_link_and_stays_unused() {
    let engine = SqliteDb::migrated("engine-db-oc").unwrap();
    let token = LinkToken::from_bytes(&[7; 32]);
    engine
        .connection()
        .execute(
            "INSERT INTO magic_link_tokens (token_hash, email, purpose, created_at, expires_at)
             VALUES (?1, 'kim@harbourside.example', 'sign_in', ?2, '2026-11-24T10:15:00Z')",
            [token.hash(), T0],
        )
        .unwrap();
    let hash = hash_presented(token.value()).unwrap();
    assert_eq!(
        block_on(claim_link(&engine, &hash, at(T0))).unwrap(),
        ClaimLink::Unknown
    );
    assert_eq!(
        block_on(use_claim_link(&engine, &hash, at(T0))).unwrap(),
        None
    );
    let used: Option<String> = engine
        .connection()
        .query_row("SELECT used_at FROM magic_link_tokens", [], |r| r.get(0))
        .unwrap();
    assert_eq!(used, None);
}

fn requests(ops: &SqliteDb) -> (String, String, i64) {
    ops.connection()
        .query_row(
            "SELECT requested_at, first_requested_at, requests FROM ingest_requests",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

#[test]
fn one_enrichment_request_per_code_per_window_however_many_visits() {
    let ops = SqliteDb::migrated("ops-db").unwrap();
    let c = code("52001");
    let visit = |t: &str| block_on(claim_request(&ops, &c, at(t), WINDOW)).unwrap();
    assert!(visit(T0), "the first visit sends");
    for t in [
        "2026-11-24T10:00:00Z",
        "2026-11-24T10:00:01Z",
        "2026-11-24T13:00:00Z",
        "2026-11-24T15:59:59Z",
    ] {
        ops.reset_query_count();
        assert!(!visit(t), "{t}: inside the window");
        assert_eq!(ops.query_count(), 1);
    }
    assert_eq!(requests(&ops), (T0.into(), T0.into(), 1));
    // Six hours on, the next visit sends again; another code has its own window.
    assert!(visit("2026-11-24T16:00:00Z"));
    assert!(!visit("2026-11-24T16:00:01Z"));
    assert_eq!(
        requests(&ops),
        ("2026-11-24T16:00:00Z".into(), T0.into(), 2)
    );
    assert!(block_on(claim_request(&ops, &code("45329"), at(T0), WINDOW)).unwrap());
}

#[test]
fn a_failed_send_hands_the_request_back_to_the_next_visit() {
    let ops = SqliteDb::migrated("ops-db").unwrap();
    let c = code("52001");
    let now = at(T0);
    assert!(block_on(claim_request(&ops, &c, now, WINDOW)).unwrap());
    block_on(release_request(&ops, &c, now, WINDOW)).unwrap();
    assert_eq!(
        requests(&ops),
        ("2026-11-24T04:00:00Z".into(), T0.into(), 0)
    );
    // The very next visit, even in the same second, sends.
    assert!(block_on(claim_request(&ops, &c, now, WINDOW)).unwrap());
    assert!(!block_on(claim_request(&ops, &c, now + Duration::seconds(1), WINDOW)).unwrap());
    // A release never undoes someone else's later request.
    block_on(release_request(&ops, &c, now - Duration::hours(1), WINDOW)).unwrap();
    assert_eq!(requests(&ops).2, 1);
}
