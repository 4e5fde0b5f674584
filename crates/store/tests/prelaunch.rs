//! The prelaunch worker's reads: a verification link's state without using it, and the
//! RTO-code check against the register, on the real migrations.

use chrono::{DateTime, Utc};
use futures::executor::block_on;
use rtopacks_domain::signin::{Email, LinkLimits, LinkToken};
use rtopacks_domain::time::parse_iso;
use rtopacks_store::intake::{join_waitlist, verify, Signup};
use rtopacks_store::prelaunch::{link_state, register_check, LinkState, RegisterCheck};
use rtopacks_store::sqlite::SqliteDb;

fn at(s: &str) -> DateTime<Utc> {
    parse_iso(s).unwrap()
}

fn join(db: &SqliteDb, addr: &str, tok: &LinkToken, now: &str) {
    let email = Email::parse(addr).unwrap();
    let s = Signup {
        email: &email,
        name: None,
        organisation: None,
        rto_code: None,
        source: Some("prelaunch"),
        ip_hash: "ip",
    };
    block_on(join_waitlist(db, &s, tok, &LinkLimits::default(), at(now))).unwrap();
}

fn state(db: &SqliteDb, tok: &LinkToken, now: &str) -> LinkState {
    block_on(link_state(db, tok.hash(), at(now))).unwrap()
}

#[test]
fn a_link_is_usable_then_used_and_reading_it_changes_nothing() {
    let db = SqliteDb::migrated("rto-intake-db").unwrap();
    let tok = LinkToken::from_bytes(&[7; 32]);
    join(&db, "kim@rto.edu.au", &tok, "2026-11-24T10:00:00Z");
    for _ in 0..3 {
        db.reset_query_count();
        assert_eq!(state(&db, &tok, "2026-11-24T10:14:59Z"), LinkState::Usable);
        assert_eq!(db.query_count(), 1);
    }
    let used: i64 = db
        .connection()
        .query_row(
            "SELECT count(*) FROM verification_tokens WHERE used_at IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(used, 0, "reading a link never uses it");

    assert!(
        block_on(verify(&db, tok.hash(), at("2026-11-24T10:05:00Z")))
            .unwrap()
            .is_some()
    );
    assert_eq!(
        state(&db, &tok, "2026-11-24T10:06:00Z"),
        LinkState::Used { verified: true }
    );
    // Used stays used after its expiry too.
    assert_eq!(
        state(&db, &tok, "2026-11-25T10:00:00Z"),
        LinkState::Used { verified: true }
    );
}

#[test]
fn expired_and_unknown_links() {
    let db = SqliteDb::migrated("rto-intake-db").unwrap();
    let old = LinkToken::from_bytes(&[1; 32]);
    let new = LinkToken::from_bytes(&[2; 32]);
    join(&db, "kim@rto.edu.au", &old, "2026-11-24T10:00:00Z");
    // The expiry instant itself is past (verify uses `expires_at > now` too).
    assert_eq!(
        state(&db, &old, "2026-11-24T10:15:00Z"),
        LinkState::Expired { verified: false }
    );
    // Confirmed later through another link: the expired one says so.
    join(&db, "kim@rto.edu.au", &new, "2026-11-24T10:20:00Z");
    block_on(verify(&db, new.hash(), at("2026-11-24T10:21:00Z"))).unwrap();
    assert_eq!(
        state(&db, &old, "2026-11-24T10:22:00Z"),
        LinkState::Expired { verified: true }
    );
    let never = LinkToken::from_bytes(&[3; 32]);
    assert_eq!(
        state(&db, &never, "2026-11-24T10:00:00Z"),
        LinkState::Unknown
    );
}

#[test]
fn rto_codes_are_checked_against_the_register_once_it_is_filled() {
    let db = SqliteDb::migrated("rtopacks-db").unwrap();
    let check = |code: &str| block_on(register_check(&db, code)).unwrap();
    assert_eq!(check("45329"), RegisterCheck::Unchecked, "empty register");
    let add = |code: &str, deleted: bool| {
        let (d, op) = if deleted {
            (Some("2026-11-21T16:00:00Z"), Some("LogicalDelete"))
        } else {
            (None, None)
        };
        db.connection()
            .execute(
                "INSERT INTO tga_organisations (code, legal_name, synced_at, deleted_at, delete_operation)
                 VALUES (?1, 'X', '2026-11-21T16:00:00Z', ?2, ?3)",
                rusqlite::params![code, d, op],
            )
            .unwrap();
    };
    add("45329", false);
    add("0275", true);
    assert_eq!(check("45329"), RegisterCheck::Known);
    assert_eq!(
        check("0275"),
        RegisterCheck::Known,
        "tombstoned codes were real"
    );
    assert_eq!(check("275"), RegisterCheck::Unknown, "leading zeros matter");
    assert_eq!(check("99999"), RegisterCheck::Unknown);
    assert_eq!(check("45329' OR '1'='1"), RegisterCheck::Unknown);
}
