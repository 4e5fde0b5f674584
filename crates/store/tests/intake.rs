//! The prelaunch waitlist against the real rto-intake-db migrations.

use chrono::{DateTime, Utc};
use futures::executor::block_on;
use rtopacks_domain::signin::{hash_presented, Email, LinkLimits, LinkToken};
use rtopacks_domain::time::parse_iso;
use rtopacks_store::intake::*;
use rtopacks_store::sqlite::SqliteDb;

const T0: &str = "2026-11-24T10:00:00Z";
const HOSTILE: &str = "<b onmouseover=alert(1)>Bobby</b>'); DROP TABLE waitlist;--";

fn at(s: &str) -> DateTime<Utc> {
    parse_iso(s).unwrap()
}

fn token(n: u8) -> LinkToken {
    LinkToken::from_bytes(&[n; 32])
}

fn join(
    db: &SqliteDb,
    addr: &str,
    name: Option<&str>,
    ip: &str,
    tok: &LinkToken,
    now: &str,
) -> Joined {
    let e = Email::parse(addr).unwrap();
    let s = Signup {
        email: &e,
        name,
        organisation: Some("Acme Training"),
        rto_code: Some(" 90001 "),
        source: Some("home"),
        ip_hash: ip,
    };
    block_on(join_waitlist(db, &s, tok, &LinkLimits::default(), at(now))).unwrap()
}

fn count(db: &SqliteDb, sql: &str) -> i64 {
    db.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn entry_of(db: &SqliteDb, addr: &str) -> WaitlistEntry {
    block_on(entry(db, &Email::parse(addr).unwrap()))
        .unwrap()
        .unwrap()
}

#[test]
fn joining_stores_the_entry_and_a_hashed_token_then_verifying_uses_it_once() {
    let db = SqliteDb::migrated("rto-intake-db").unwrap();
    let tok = token(1);
    db.reset_query_count();
    let j = join(&db, " Jane@Acme.edu.au ", Some(HOSTILE), "ip-1", &tok, T0);
    assert_eq!(db.query_count(), 3, "one read, a batch of two writes");
    assert_eq!(
        j,
        Joined {
            new: true,
            reason: JoinReason::Issued
        }
    );
    assert!(j.token_issued());
    let e = entry_of(&db, "jane@acme.edu.au");
    assert_eq!(
        (
            e.email.as_str(),
            e.name.as_deref(),
            e.rto_code.as_deref(),
            e.status.as_str(),
            e.created_at.as_str()
        ),
        (
            "jane@acme.edu.au",
            Some(HOSTILE),
            Some("90001"),
            "pending",
            T0
        )
    );
    let (hash, expires): (String, String) = db
        .connection()
        .query_row(
            "SELECT token_hash, expires_at FROM verification_tokens",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (hash.as_str(), expires.as_str()),
        (tok.hash(), "2026-11-24T10:15:00Z")
    );

    let presented = hash_presented(tok.value()).unwrap();
    db.reset_query_count();
    let v = block_on(verify(&db, &presented, at("2026-11-24T10:05:00Z"))).unwrap();
    assert_eq!(v, Some(Email::parse("jane@acme.edu.au").unwrap()));
    assert_eq!(db.query_count(), 3);
    let e = entry_of(&db, "jane@acme.edu.au");
    assert_eq!(
        (e.status.as_str(), e.verified_at.as_deref()),
        ("verified", Some("2026-11-24T10:05:00Z"))
    );

    // Single use.
    db.reset_query_count();
    assert_eq!(
        block_on(verify(&db, &presented, at("2026-11-24T10:06:00Z"))).unwrap(),
        None
    );
    assert_eq!(db.query_count(), 2);
    assert_eq!(
        entry_of(&db, "jane@acme.edu.au").verified_at.as_deref(),
        Some("2026-11-24T10:05:00Z")
    );
}

#[test]
fn an_expired_or_unknown_token_verifies_nothing() {
    let db = SqliteDb::migrated("rto-intake-db").unwrap();
    let tok = token(2);
    join(&db, "jane@acme.edu.au", None, "ip-1", &tok, T0);
    assert_eq!(
        block_on(verify(&db, tok.hash(), at("2026-11-24T10:15:00Z"))).unwrap(),
        None
    );
    assert_eq!(
        block_on(verify(&db, token(3).hash(), at(T0))).unwrap(),
        None
    );
    let e = entry_of(&db, "jane@acme.edu.au");
    assert_eq!((e.status.as_str(), e.verified_at), ("pending", None));
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM verification_tokens WHERE used_at IS NOT NULL"
        ),
        0
    );
}

#[test]
fn joining_again_is_idempotent_and_a_verified_entry_stays_verified() {
    let db = SqliteDb::migrated("rto-intake-db").unwrap();
    join(&db, "jane@acme.edu.au", None, "ip-1", &token(1), T0);
    // A repeat fills a blank field but never rewrites one (anyone can type an address).
    let again = join(
        &db,
        "JANE@acme.edu.au",
        Some("Jane"),
        "ip-2",
        &token(2),
        "2026-11-24T10:01:00Z",
    );
    assert_eq!(
        again,
        Joined {
            new: false,
            reason: JoinReason::Issued
        }
    );
    let third = join(
        &db,
        "jane@acme.edu.au",
        Some("Mallory"),
        "ip-3",
        &token(3),
        "2026-11-24T10:02:00Z",
    );
    assert!(!third.new);
    let e = entry_of(&db, "jane@acme.edu.au");
    assert_eq!(
        (e.name.as_deref(), e.created_at.as_str()),
        (Some("Jane"), T0)
    );
    assert_eq!(count(&db, "SELECT count(*) FROM waitlist"), 1);

    // Any of the issued tokens verifies; the entry then stays verified.
    assert!(
        block_on(verify(&db, token(2).hash(), at("2026-11-24T10:03:00Z")))
            .unwrap()
            .is_some()
    );
    let after = join(
        &db,
        "jane@acme.edu.au",
        None,
        "ip-4",
        &token(4),
        "2026-11-24T10:04:00Z",
    );
    assert_eq!(
        after,
        Joined {
            new: false,
            reason: JoinReason::AlreadyVerified
        }
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM verification_tokens"),
        3,
        "no token for a verified entry"
    );
    assert_eq!(entry_of(&db, "jane@acme.edu.au").status, "verified");
    // An older token of a verified entry still answers its address (nothing to change).
    assert!(
        block_on(verify(&db, token(1).hash(), at("2026-11-24T10:05:00Z")))
            .unwrap()
            .is_some()
    );
    assert_eq!(
        entry_of(&db, "jane@acme.edu.au").verified_at.as_deref(),
        Some("2026-11-24T10:03:00Z")
    );
}

#[test]
fn verification_mail_is_rate_limited_per_address_and_per_ip() {
    let db = SqliteDb::migrated("rto-intake-db").unwrap();
    let mut n = 0u8;
    let mut next = || {
        n += 1;
        token(n)
    };
    for i in 0..3 {
        assert!(join(
            &db,
            "jane@acme.edu.au",
            None,
            &format!("ip-{i}"),
            &next(),
            T0
        )
        .token_issued());
    }
    let limited = join(
        &db,
        "jane@acme.edu.au",
        None,
        "ip-9",
        &next(),
        "2026-11-24T10:14:59Z",
    );
    assert_eq!(
        limited,
        Joined {
            new: false,
            reason: JoinReason::RateLimited
        }
    );
    assert!(join(
        &db,
        "jane@acme.edu.au",
        None,
        "ip-9",
        &next(),
        "2026-11-24T10:15:00Z"
    )
    .token_issued());

    for i in 0..10 {
        assert!(join(&db, &format!("p{i}@x.com.au"), None, "ip-busy", &next(), T0).token_issued());
    }
    let busy = join(&db, "p10@x.com.au", None, "ip-busy", &next(), T0);
    assert_eq!(
        busy,
        Joined {
            new: true,
            reason: JoinReason::RateLimited
        }
    );
    // The entry is still recorded (the visitor sees the same page); only the mail waits.
    assert_eq!(entry_of(&db, "p10@x.com.au").status, "pending");
    assert!(join(&db, "p10@x.com.au", None, "ip-other", &next(), T0).token_issued());
}
