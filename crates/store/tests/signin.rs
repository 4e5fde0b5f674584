//! Magic links, sessions, the allowlist, claims, people and clients against the real
//! engine-db-oc and ops-db migrations.

use chrono::{DateTime, Duration, Utc};
use futures::executor::block_on;
use rtopacks_domain::codes::RtoCode;
use rtopacks_domain::keys::Tier;
use rtopacks_domain::signin::{
    hash_presented, AllowKind, AllowValue, Email, LinkLimits, LinkPurpose, LinkToken, Role,
    SessionPolicy, SessionToken,
};
use rtopacks_domain::time::{iso, parse_iso};
use rtopacks_store::identity::resolve;
use rtopacks_store::signin::*;
use rtopacks_store::sqlite::SqliteDb;

const T0: &str = "2026-11-24T10:00:00Z";
const IP: &str = "ip-hash-1";
const HOSTILE: &str = "<script>alert(\"x\")</script> & ' Robert'); DROP TABLE users;--";

fn at(s: &str) -> DateTime<Utc> {
    parse_iso(s).unwrap()
}

fn t0() -> DateTime<Utc> {
    at(T0)
}

fn email(s: &str) -> Email {
    Email::parse(s).unwrap()
}

fn code(s: &str) -> RtoCode {
    RtoCode::parse(s).unwrap()
}

fn link_token(n: u8) -> LinkToken {
    LinkToken::from_bytes(&[n; 32])
}

fn session_token(n: u8) -> SessionToken {
    SessionToken::from_bytes(&[n; 32])
}

struct Dbs {
    engine: SqliteDb,
    ops: SqliteDb,
}

impl Dbs {
    fn new() -> Dbs {
        Dbs {
            engine: SqliteDb::migrated("engine-db-oc").unwrap(),
            ops: SqliteDb::migrated("ops-db").unwrap(),
        }
    }

    fn reset(&self) {
        self.engine.reset_query_count();
        self.ops.reset_query_count();
    }

    fn counts(&self) -> (u64, u64) {
        (self.engine.query_count(), self.ops.query_count())
    }

    fn allow(&self, kind: AllowKind, value: &str) -> AllowRow {
        let v = AllowValue::parse(kind, value).unwrap();
        block_on(allow(
            &self.ops,
            &v,
            Some("test"),
            "admin@rtopacks.com.au",
            t0(),
        ))
        .unwrap()
    }

    fn request(
        &self,
        addr: &str,
        purpose: &LinkPurpose,
        ip: &str,
        tok: &LinkToken,
        now: DateTime<Utc>,
    ) -> LinkRequest {
        let e = email(addr);
        let link = NewLink {
            email: &e,
            purpose,
            ip_hash: ip,
            token: tok,
        };
        block_on(request_link(
            &self.engine,
            &self.ops,
            &link,
            &LinkLimits::default(),
            now,
        ))
        .unwrap()
    }

    fn sign_in_at(
        &self,
        addr: &str,
        user_id: &str,
        session_id: &str,
        tok: &SessionToken,
        replaces: Option<&str>,
        now: DateTime<Utc>,
    ) -> Option<SignedIn> {
        let e = email(addr);
        let s = NewSession {
            email: &e,
            new_user_id: user_id,
            session_id,
            token: tok,
            ip_hash: Some(IP),
            user_agent: Some(HOSTILE),
            replaces,
        };
        block_on(sign_in(&self.engine, &s, &SessionPolicy::default(), now)).unwrap()
    }

    fn live(&self, tok: &SessionToken, now: DateTime<Utc>) -> Option<LiveSession> {
        block_on(session(
            &self.engine,
            tok.hash(),
            now,
            &SessionPolicy::default(),
        ))
        .unwrap()
    }

    fn claim(
        &self,
        addr: &str,
        rto: &str,
        name: &str,
        user_id: &str,
        org_id: &str,
    ) -> Option<Claimed> {
        let e = email(addr);
        let c = code(rto);
        let req = ClaimRequest {
            email: &e,
            rto_code: &c,
            org_name: name,
            new_user_id: user_id,
            new_org_id: org_id,
        };
        block_on(complete_claim(&self.engine, &req, t0())).unwrap()
    }
}

fn scalar(db: &SqliteDb, sql: &str) -> String {
    db.connection()
        .query_row(sql, [], |r| r.get::<_, rusqlite::types::Value>(0))
        .map(|v| match v {
            rusqlite::types::Value::Null => "NULL".to_owned(),
            rusqlite::types::Value::Integer(i) => i.to_string(),
            rusqlite::types::Value::Text(t) => t,
            other => format!("{other:?}"),
        })
        .unwrap()
}

#[test]
fn a_sign_in_link_needs_an_active_allowlist_entry_and_stores_only_the_hash() {
    let d = Dbs::new();
    let tok = link_token(1);

    d.reset();
    let r = d.request("jane@acme.edu.au", &LinkPurpose::SignIn, IP, &tok, t0());
    assert_eq!(
        r,
        LinkRequest {
            issued: false,
            reason: LinkReason::NotAllowed
        }
    );
    // Both reads run even when refused; nothing is written.
    assert_eq!(d.counts(), (1, 1));
    assert_eq!(
        scalar(&d.engine, "SELECT count(*) FROM magic_link_tokens"),
        "0"
    );

    d.allow(AllowKind::Domain, "acme.edu.au");
    d.reset();
    let r = d.request(" Jane@ACME.edu.au ", &LinkPurpose::SignIn, IP, &tok, t0());
    assert_eq!(
        r,
        LinkRequest {
            issued: true,
            reason: LinkReason::Issued
        }
    );
    assert_eq!(d.counts(), (2, 1));
    let row = d
        .engine
        .connection()
        .query_row(
            "SELECT token_hash, email, purpose, rto_code, created_at, expires_at, used_at, requested_ip_hash
               FROM magic_link_tokens",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, String>(7)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(
        row,
        (
            tok.hash().to_owned(),
            "jane@acme.edu.au".to_owned(),
            "sign_in".to_owned(),
            None,
            T0.to_owned(),
            "2026-11-24T10:15:00Z".to_owned(),
            None,
            IP.to_owned()
        )
    );
    // The token itself is nowhere in the database.
    assert_eq!(
        scalar(
            &d.engine,
            &format!(
                "SELECT count(*) FROM magic_link_tokens WHERE token_hash = '{}'",
                tok.value()
            )
        ),
        "0"
    );

    // A subdomain is not the allowed domain; another address at it is.
    let r = d.request(
        "x@staff.acme.edu.au",
        &LinkPurpose::SignIn,
        IP,
        &link_token(2),
        t0(),
    );
    assert_eq!(r.reason, LinkReason::NotAllowed);
    let r = d.request(
        "bob@acme.edu.au",
        &LinkPurpose::SignIn,
        IP,
        &link_token(3),
        t0(),
    );
    assert_eq!(r.reason, LinkReason::Issued);
}

#[test]
fn a_claim_link_skips_the_allowlist_and_carries_the_rto_code() {
    let d = Dbs::new();
    let claim = LinkPurpose::Claim {
        rto_code: code("90001"),
    };
    d.reset();
    let r = d.request("ceo@acme.edu.au", &claim, IP, &link_token(1), t0());
    assert!(r.issued);
    assert_eq!(d.counts(), (2, 0), "no allowlist read for a claim");
    let used = block_on(consume_link(&d.engine, link_token(1).hash(), t0()))
        .unwrap()
        .unwrap();
    assert_eq!(
        used,
        UsedLink {
            email: email("ceo@acme.edu.au"),
            purpose: claim
        }
    );
}

#[test]
fn a_link_works_once_and_only_before_it_expires() {
    let d = Dbs::new();
    d.allow(AllowKind::Email, "jane@acme.edu.au");
    let tok = link_token(7);
    assert!(
        d.request("jane@acme.edu.au", &LinkPurpose::SignIn, IP, &tok, t0())
            .issued
    );

    // The presented token is hashed; a malformed one never reaches the database.
    let hash = hash_presented(tok.value()).unwrap();
    d.reset();
    let first = block_on(consume_link(&d.engine, &hash, at("2026-11-24T10:14:59Z"))).unwrap();
    assert_eq!(
        first,
        Some(UsedLink {
            email: email("jane@acme.edu.au"),
            purpose: LinkPurpose::SignIn
        })
    );
    assert_eq!(d.counts(), (1, 0), "one conditional UPDATE … RETURNING");
    assert_eq!(
        scalar(&d.engine, "SELECT used_at FROM magic_link_tokens"),
        "2026-11-24T10:14:59Z"
    );
    let again = block_on(consume_link(&d.engine, &hash, at("2026-11-24T10:14:59Z"))).unwrap();
    assert_eq!(again, None, "a used link cannot be used again");
    // The first use's time stands.
    assert_eq!(
        scalar(&d.engine, "SELECT used_at FROM magic_link_tokens"),
        "2026-11-24T10:14:59Z"
    );

    let late = link_token(8);
    assert!(
        d.request("jane@acme.edu.au", &LinkPurpose::SignIn, IP, &late, t0())
            .issued
    );
    let expired = block_on(consume_link(
        &d.engine,
        late.hash(),
        at("2026-11-24T10:15:00Z"),
    ))
    .unwrap();
    assert_eq!(expired, None, "expired at 15 minutes");
    assert_eq!(
        scalar(
            &d.engine,
            &format!(
                "SELECT used_at FROM magic_link_tokens WHERE token_hash = '{}'",
                late.hash()
            )
        ),
        "NULL",
        "an expired link is not marked used"
    );
    let unknown = block_on(consume_link(&d.engine, link_token(9).hash(), t0())).unwrap();
    assert_eq!(unknown, None);
    assert_eq!(hash_presented("not-a-token"), None);
}

#[test]
fn links_are_rate_limited_per_address_and_per_ip() {
    let d = Dbs::new();
    d.allow(AllowKind::Domain, "acme.edu.au");
    let mut n = 0u8;
    let mut next = || {
        n += 1;
        link_token(n)
    };
    // Three per address in 15 minutes, from any IP.
    for i in 0..3 {
        let ip = format!("ip-{i}");
        assert!(
            d.request("jane@acme.edu.au", &LinkPurpose::SignIn, &ip, &next(), t0())
                .issued
        );
    }
    let r = d.request(
        "jane@acme.edu.au",
        &LinkPurpose::SignIn,
        "ip-9",
        &next(),
        at("2026-11-24T10:14:59Z"),
    );
    assert_eq!(
        r,
        LinkRequest {
            issued: false,
            reason: LinkReason::RateLimited
        }
    );
    assert_eq!(
        scalar(&d.engine, "SELECT count(*) FROM magic_link_tokens"),
        "3"
    );
    // The window slides: 15 minutes after the first three, one more is allowed.
    let r = d.request(
        "jane@acme.edu.au",
        &LinkPurpose::SignIn,
        "ip-9",
        &next(),
        at("2026-11-24T10:15:00Z"),
    );
    assert!(r.issued);

    // Ten per IP in 15 minutes, whatever the address.
    for i in 0..10 {
        let addr = format!("p{i}@acme.edu.au");
        assert!(
            d.request(&addr, &LinkPurpose::SignIn, "ip-busy", &next(), t0())
                .issued,
            "{addr}"
        );
    }
    let r = d.request(
        "p10@acme.edu.au",
        &LinkPurpose::SignIn,
        "ip-busy",
        &next(),
        t0(),
    );
    assert_eq!(r.reason, LinkReason::RateLimited);
    // The same address from another IP is fine.
    assert!(
        d.request(
            "p10@acme.edu.au",
            &LinkPurpose::SignIn,
            "ip-other",
            &next(),
            t0()
        )
        .issued
    );
    // Claim links count toward the same limits.
    let claim = LinkPurpose::Claim {
        rto_code: code("90001"),
    };
    assert_eq!(
        d.request("p11@acme.edu.au", &claim, "ip-busy", &next(), t0())
            .reason,
        LinkReason::RateLimited
    );
}

#[test]
fn sign_in_creates_the_user_once_and_every_sign_in_is_a_new_session() {
    let d = Dbs::new();
    let first_tok = session_token(1);
    d.reset();
    let first = d
        .sign_in_at(
            "jane@acme.edu.au",
            "usr_new1",
            "ses_1",
            &first_tok,
            None,
            t0(),
        )
        .unwrap();
    assert_eq!(d.counts(), (3, 0), "a batch of two writes and one read");
    assert_eq!(
        first,
        SignedIn {
            user_id: "usr_new1".into(),
            session_id: "ses_1".into(),
            org_id: None,
            idle_expires_at: "2026-11-24T10:30:00Z".into(),
            absolute_expires_at: "2026-11-24T22:00:00Z".into(),
        }
    );
    assert_eq!(scalar(&d.engine, "SELECT last_login_at FROM users"), T0);
    // The cookie value is not stored, its hash is; the user agent is stored verbatim.
    assert_eq!(
        scalar(&d.engine, "SELECT token_hash FROM sessions"),
        first_tok.hash()
    );
    assert_eq!(
        scalar(&d.engine, "SELECT user_agent FROM sessions"),
        HOSTILE
    );

    // Signing in again (same browser): same user, a new session id and token; the old
    // session is revoked as rotated.
    let later = at("2026-11-24T11:00:00Z");
    let second_tok = session_token(2);
    d.reset();
    let second = d
        .sign_in_at(
            "JANE@acme.edu.au",
            "usr_new2",
            "ses_2",
            &second_tok,
            Some("ses_1"),
            later,
        )
        .unwrap();
    assert_eq!(d.counts(), (4, 0));
    assert_eq!(second.user_id, "usr_new1");
    assert_ne!(second.session_id, first.session_id);
    assert_eq!(scalar(&d.engine, "SELECT count(*) FROM users"), "1");
    assert_eq!(
        scalar(&d.engine, "SELECT last_login_at FROM users"),
        iso(later)
    );
    assert_eq!(
        scalar(
            &d.engine,
            "SELECT revoke_reason FROM sessions WHERE id = 'ses_1'"
        ),
        "rotated"
    );
    assert_eq!(d.live(&first_tok, later), None);
    assert_eq!(d.live(&second_tok, later).unwrap().session_id, "ses_2");

    // The tier resolver the catalogue uses sees the new session.
    let caller = block_on(resolve(
        &d.engine,
        &d.ops,
        Some(second_tok.value()),
        &iso(later),
    ))
    .unwrap();
    assert_eq!(caller.tier, Tier::SignedIn);
    assert_eq!(caller.user_id(), Some("usr_new1"));
}

#[test]
fn sessions_end_when_idle_or_at_the_absolute_limit_and_touch_at_most_once_a_minute() {
    let d = Dbs::new();
    let tok = session_token(3);
    d.sign_in_at("jane@acme.edu.au", "usr_1", "ses_1", &tok, None, t0())
        .unwrap();

    // Unused for 30 minutes: gone.
    assert_eq!(d.live(&tok, at("2026-11-24T10:30:00Z")), None);

    // Used within the first minute: read only.
    d.reset();
    let s = d.live(&tok, at("2026-11-24T10:00:30Z")).unwrap();
    assert_eq!(d.counts(), (1, 0));
    assert_eq!(s.idle_expires_at, "2026-11-24T10:30:00Z");
    assert_eq!(s.email, "jane@acme.edu.au");
    // After a minute: one read and one write extend it.
    d.reset();
    let s = d.live(&tok, at("2026-11-24T10:01:00Z")).unwrap();
    assert_eq!(d.counts(), (2, 0));
    assert_eq!(s.idle_expires_at, "2026-11-24T10:31:00Z");
    assert_eq!(
        scalar(
            &d.engine,
            "SELECT idle_expires_at || ' ' || last_seen_at FROM sessions"
        ),
        "2026-11-24T10:31:00Z 2026-11-24T10:01:00Z"
    );
    d.reset();
    d.live(&tok, at("2026-11-24T10:01:59Z")).unwrap();
    assert_eq!(d.counts(), (1, 0), "no second write within the minute");
    // Still live past the original idle expiry because it was used.
    assert!(d.live(&tok, at("2026-11-24T10:30:30Z")).is_some());

    // Kept busy all day, it still ends at the absolute limit (12 h), and idle never
    // passes it.
    let mut now = at("2026-11-24T10:30:30Z");
    while now < at("2026-11-24T22:00:00Z") {
        let s = d.live(&tok, now).unwrap();
        assert!(s.idle_expires_at <= s.absolute_expires_at);
        now += Duration::minutes(20);
    }
    assert_eq!(
        scalar(&d.engine, "SELECT idle_expires_at FROM sessions"),
        "2026-11-24T22:00:00Z"
    );
    assert!(d.live(&tok, at("2026-11-24T21:59:59Z")).is_some());
    assert_eq!(d.live(&tok, at("2026-11-24T22:00:00Z")), None);
}

#[test]
fn sign_out_revokes_the_session() {
    let d = Dbs::new();
    let tok = session_token(4);
    d.sign_in_at("jane@acme.edu.au", "usr_1", "ses_1", &tok, None, t0())
        .unwrap();
    assert!(block_on(sign_out(&d.engine, "ses_1", t0())).unwrap());
    assert_eq!(d.live(&tok, t0()), None);
    assert_eq!(
        scalar(
            &d.engine,
            "SELECT revoked_at || ' ' || revoke_reason FROM sessions"
        ),
        format!("{T0} sign_out")
    );
    assert!(!block_on(sign_out(&d.engine, "ses_1", at("2026-11-24T10:05:00Z"))).unwrap());
    assert!(!block_on(sign_out(&d.engine, "ses_unknown", t0())).unwrap());
}

#[test]
fn a_deactivated_entry_blocks_new_links_but_not_a_live_session() {
    let d = Dbs::new();
    let entry = d.allow(AllowKind::Email, "jane@acme.edu.au");
    let link = link_token(1);
    assert!(
        d.request("jane@acme.edu.au", &LinkPurpose::SignIn, IP, &link, t0())
            .issued
    );
    let used = block_on(consume_link(&d.engine, link.hash(), t0()))
        .unwrap()
        .unwrap();
    let tok = session_token(1);
    d.sign_in_at(used.email.as_str(), "usr_1", "ses_1", &tok, None, t0())
        .unwrap();

    assert!(block_on(deactivate(&d.ops, entry.id, at("2026-11-24T10:02:00Z"))).unwrap());
    let r = d.request(
        "jane@acme.edu.au",
        &LinkPurpose::SignIn,
        IP,
        &link_token(2),
        at("2026-11-24T10:03:00Z"),
    );
    assert_eq!(
        r,
        LinkRequest {
            issued: false,
            reason: LinkReason::NotAllowed
        }
    );
    assert!(
        d.live(&tok, at("2026-11-24T10:03:00Z")).is_some(),
        "the session goes on"
    );
}

#[test]
fn a_disabled_user_gets_no_link_and_no_session() {
    let d = Dbs::new();
    d.allow(AllowKind::Domain, "acme.edu.au");
    let tok = session_token(5);
    d.sign_in_at("jane@acme.edu.au", "usr_1", "ses_1", &tok, None, t0())
        .unwrap();
    d.engine
        .connection()
        .execute("UPDATE users SET status = 'disabled'", [])
        .unwrap();
    assert_eq!(d.live(&tok, t0()), None);
    let r = d.request(
        "jane@acme.edu.au",
        &LinkPurpose::SignIn,
        IP,
        &link_token(1),
        t0(),
    );
    assert_eq!(r.reason, LinkReason::NotAllowed);
    let claim = LinkPurpose::Claim {
        rto_code: code("90001"),
    };
    assert_eq!(
        d.request("jane@acme.edu.au", &claim, IP, &link_token(2), t0())
            .reason,
        LinkReason::NotAllowed
    );
    assert_eq!(
        d.sign_in_at(
            "jane@acme.edu.au",
            "usr_2",
            "ses_2",
            &session_token(6),
            None,
            t0()
        ),
        None
    );
    assert_eq!(scalar(&d.engine, "SELECT count(*) FROM sessions"), "1");
    assert_eq!(scalar(&d.engine, "SELECT last_login_at FROM users"), T0);
    assert_eq!(
        d.claim("jane@acme.edu.au", "90001", "Acme", "usr_3", "org_acme"),
        None
    );
    assert_eq!(
        scalar(
            &d.engine,
            "SELECT count(*) FROM orgs WHERE rto_code = '90001'"
        ),
        "0"
    );
}

#[test]
fn the_allowlist_is_managed_idempotently() {
    let d = Dbs::new();
    // The ops-db migration seeds nothing; the dev seed is separate.
    assert!(block_on(allowlist(&d.ops)).unwrap().is_empty());
    let email_value = AllowValue::parse(AllowKind::Email, "Jane@Acme.edu.au").unwrap();
    d.reset();
    let a = block_on(allow(
        &d.ops,
        &email_value,
        Some(HOSTILE),
        "ops@rtopacks.com.au",
        t0(),
    ))
    .unwrap();
    assert_eq!(d.counts(), (0, 1));
    assert_eq!(
        (
            a.kind,
            a.value.as_str(),
            a.label.as_deref(),
            a.active,
            a.created_at.as_str(),
            a.created_by.as_deref()
        ),
        (
            AllowKind::Email,
            "jane@acme.edu.au",
            Some(HOSTILE),
            true,
            T0,
            Some("ops@rtopacks.com.au")
        )
    );
    let b = d.allow(AllowKind::Domain, "@Example.com.au");
    assert_eq!(b.value, "example.com.au");

    // Adding again changes nothing but the label.
    let again = block_on(allow(
        &d.ops,
        &email_value,
        None,
        "someone",
        at("2026-11-25T00:00:00Z"),
    ))
    .unwrap();
    assert_eq!(again, a);

    assert!(block_on(deactivate(&d.ops, a.id, at("2026-11-24T11:00:00Z"))).unwrap());
    assert!(!block_on(deactivate(&d.ops, a.id, at("2026-11-24T12:00:00Z"))).unwrap());
    assert!(!block_on(deactivate(&d.ops, 999, t0())).unwrap());
    let list = block_on(allowlist(&d.ops)).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].value, "example.com.au", "active first");
    assert_eq!(
        (list[1].active, list[1].deactivated_at.as_deref()),
        (false, Some("2026-11-24T11:00:00Z"))
    );

    // Allowing a deactivated entry re-activates the same row.
    let back = block_on(allow(
        &d.ops,
        &email_value,
        Some("back"),
        "ops",
        at("2026-11-26T00:00:00Z"),
    ))
    .unwrap();
    assert_eq!(
        (back.id, back.active, back.deactivated_at.clone()),
        (a.id, true, None)
    );
    assert_eq!(
        (back.label.as_deref(), back.created_at.as_str()),
        (Some("back"), T0)
    );
    assert_eq!(block_on(allowlist(&d.ops)).unwrap().len(), 2);
}

#[test]
fn a_claim_creates_the_org_once_with_an_owner_then_members() {
    let d = Dbs::new();
    d.reset();
    let first = d
        .claim("ceo@acme.edu.au", "90001", HOSTILE, "usr_ceo", "org_acme")
        .unwrap();
    assert_eq!(d.counts(), (4, 0), "a batch of three writes and one read");
    assert_eq!(
        first,
        Claimed {
            user_id: "usr_ceo".into(),
            org_id: "org_acme".into(),
            org_name: HOSTILE.into(),
            created_org: true,
            role: Role::Owner,
        }
    );
    assert_eq!(
        scalar(&d.engine, "SELECT org_id FROM users WHERE id = 'usr_ceo'"),
        "org_acme"
    );
    assert_eq!(
        scalar(&d.engine, "SELECT name FROM orgs WHERE id = 'org_acme'"),
        HOSTILE
    );

    // A repeat (a second link, a double submit) is a no-op answering the same.
    let again = d
        .claim("ceo@acme.edu.au", "90001", "Other name", "usr_x", "org_x")
        .unwrap();
    assert_eq!(
        again,
        Claimed {
            created_org: false,
            ..first.clone()
        }
    );
    for (table, n) in [("orgs", "2"), ("users", "1"), ("memberships", "1")] {
        assert_eq!(
            scalar(&d.engine, &format!("SELECT count(*) FROM {table}")),
            n,
            "{table}"
        );
    }

    // A colleague who signed in before claiming keeps their user id and joins as member.
    d.sign_in_at(
        "trainer@acme.edu.au",
        "usr_trainer",
        "ses_t",
        &session_token(1),
        None,
        t0(),
    )
    .unwrap();
    let member = d
        .claim("trainer@acme.edu.au", "90001", "Acme", "usr_y", "org_y")
        .unwrap();
    assert_eq!(
        (
            member.user_id.as_str(),
            member.org_id.as_str(),
            member.role,
            member.created_org
        ),
        ("usr_trainer", "org_acme", Role::Member, false)
    );
    // The live session follows the user's new org at once.
    let live = d.live(&session_token(1), t0()).unwrap();
    assert_eq!(
        (live.org_id.as_deref(), live.rto_code.as_deref()),
        (Some("org_acme"), Some("90001"))
    );

    // An org that exists with no member yet (e.g. made by the operator) gets an owner.
    let ops_org = d
        .claim(
            "boss@rtopacks.com.au",
            "45329",
            "RTOpacks",
            "usr_boss",
            "org_new",
        )
        .unwrap();
    assert_eq!(
        (ops_org.org_id.as_str(), ops_org.role, ops_org.created_org),
        ("org_rtopacks_ops", Role::Owner, false)
    );
}

#[test]
fn a_claim_is_mirrored_into_ops_and_the_claimant_allowed() {
    let d = Dbs::new();
    let c = d
        .claim(
            "ceo@acme.edu.au",
            "90001",
            "Acme Training",
            "usr_ceo",
            "org_acme",
        )
        .unwrap();
    let rto = code("90001");
    d.reset();
    assert!(block_on(mirror_org(&d.ops, &c.org_id, &c.org_name, Some(&rto), t0())).unwrap());
    assert_eq!(d.counts(), (0, 1));
    assert!(!block_on(mirror_org(
        &d.ops,
        &c.org_id,
        &c.org_name,
        Some(&rto),
        at("2026-11-25T00:00:00Z")
    ))
    .unwrap());
    assert_eq!(
        scalar(&d.ops, "SELECT org_id || '|' || name || '|' || rto_code || '|' || created_at || '|' || COALESCE(updated_at, 'NULL') FROM orgs"),
        format!("org_acme|Acme Training|90001|{T0}|NULL")
    );
    assert!(block_on(mirror_org(
        &d.ops,
        &c.org_id,
        HOSTILE,
        Some(&rto),
        at("2026-11-25T00:00:00Z")
    ))
    .unwrap());
    assert_eq!(scalar(&d.ops, "SELECT name FROM orgs"), HOSTILE);
    assert_eq!(
        scalar(&d.ops, "SELECT updated_at FROM orgs"),
        "2026-11-25T00:00:00Z"
    );
    // A stale mirror row holding the code under another id is re-pointed.
    assert!(block_on(mirror_org(&d.ops, "org_moved", "Acme", Some(&rto), t0())).unwrap());
    assert_eq!(
        scalar(&d.ops, "SELECT count(*) || ' ' || org_id FROM orgs"),
        "1 org_moved"
    );

    // The claimant may now sign in to the workspace.
    let e = email("ceo@acme.edu.au");
    assert_eq!(
        block_on(allow_claimed(&d.ops, &e, &rto, t0())).unwrap(),
        ClaimAccess::Added
    );
    let entry = block_on(allowlist(&d.ops)).unwrap().remove(0);
    assert_eq!(
        (
            entry.kind,
            entry.value.as_str(),
            entry.label.as_deref(),
            entry.created_by.as_deref()
        ),
        (
            AllowKind::Email,
            "ceo@acme.edu.au",
            Some("claimed RTO 90001"),
            Some("claim")
        )
    );
    assert_eq!(
        block_on(allow_claimed(&d.ops, &e, &rto, t0())).unwrap(),
        ClaimAccess::AlreadyAllowed
    );
    assert!(
        d.request(
            "ceo@acme.edu.au",
            &LinkPurpose::SignIn,
            IP,
            &link_token(1),
            t0()
        )
        .issued
    );

    // A claim never undoes the operator's deactivation, of the address or its domain.
    assert!(block_on(deactivate(&d.ops, entry.id, t0())).unwrap());
    assert_eq!(
        block_on(allow_claimed(&d.ops, &e, &rto, t0())).unwrap(),
        ClaimAccess::Blocked
    );
    assert!(!block_on(allowlist(&d.ops)).unwrap()[0].active);
    let blocked_domain = d.allow(AllowKind::Domain, "beta.edu.au");
    block_on(deactivate(&d.ops, blocked_domain.id, t0())).unwrap();
    let other = email("ceo@beta.edu.au");
    assert_eq!(
        block_on(allow_claimed(&d.ops, &other, &code("90002"), t0())).unwrap(),
        ClaimAccess::Blocked
    );
    assert_eq!(block_on(allowlist(&d.ops)).unwrap().len(), 2);
}

#[test]
fn people_and_admin_links() {
    let d = Dbs::new();
    d.claim(
        "owner@acme.edu.au",
        "90001",
        "Acme",
        "usr_owner",
        "org_acme",
    )
    .unwrap();
    d.claim("zed@acme.edu.au", "90001", "Acme", "usr_zed", "org_acme")
        .unwrap();
    d.claim("amy@acme.edu.au", "90001", "Acme", "usr_amy", "org_acme")
        .unwrap();
    // The runbook's hand link: users.org_id without a membership.
    d.engine
        .connection()
        .execute_batch(&format!(
            "INSERT INTO users (id, email, display_name, org_id, created_at)
             VALUES ('usr_hand', 'hand@acme.edu.au', '{}', 'org_acme', '{T0}')",
            HOSTILE.replace('\'', "''")
        ))
        .unwrap();
    d.reset();
    let people = block_on(people_in_org(&d.engine, "org_acme")).unwrap();
    assert_eq!(d.counts(), (1, 0));
    let summary: Vec<(&str, Role)> = people.iter().map(|p| (p.email.as_str(), p.role)).collect();
    assert_eq!(
        summary,
        vec![
            ("owner@acme.edu.au", Role::Owner),
            ("amy@acme.edu.au", Role::Member),
            ("hand@acme.edu.au", Role::Member),
            ("zed@acme.edu.au", Role::Member),
        ]
    );
    assert_eq!(people[2].display_name.as_deref(), Some(HOSTILE));
    assert!(people.iter().all(|p| p.active && p.last_login_at.is_none()));
    assert!(block_on(people_in_org(&d.engine, "org_none"))
        .unwrap()
        .is_empty());

    // Admin: make amy an admin; move zed to another org.
    assert!(block_on(link_user_to_org(
        &d.engine,
        "usr_amy",
        "org_acme",
        Role::Admin,
        t0()
    ))
    .unwrap());
    d.claim("ceo@beta.edu.au", "90002", "Beta", "usr_beta", "org_beta")
        .unwrap();
    assert!(block_on(link_user_to_org(
        &d.engine,
        "usr_zed",
        "org_beta",
        Role::Member,
        t0()
    ))
    .unwrap());
    let roles: Vec<(String, Role)> = block_on(people_in_org(&d.engine, "org_acme"))
        .unwrap()
        .into_iter()
        .map(|p| (p.user_id, p.role))
        .collect();
    assert_eq!(roles[1], ("usr_amy".to_owned(), Role::Admin));
    assert_eq!(
        scalar(&d.engine, "SELECT org_id FROM users WHERE id = 'usr_zed'"),
        "org_beta"
    );
    assert_eq!(
        block_on(people_in_org(&d.engine, "org_beta"))
            .unwrap()
            .len(),
        2
    );
    // Unknown user or org: nothing written.
    assert!(!block_on(link_user_to_org(
        &d.engine,
        "usr_nobody",
        "org_acme",
        Role::Member,
        t0()
    ))
    .unwrap());
    assert!(!block_on(link_user_to_org(
        &d.engine,
        "usr_amy",
        "org_nowhere",
        Role::Member,
        t0()
    ))
    .unwrap());
    assert_eq!(
        scalar(&d.engine, "SELECT org_id FROM users WHERE id = 'usr_amy'"),
        "org_acme"
    );
    assert_eq!(
        scalar(
            &d.engine,
            "SELECT count(*) FROM memberships WHERE org_id = 'org_nowhere'"
        ),
        "0"
    );
}

#[test]
fn the_user_list_searches_and_pages() {
    let d = Dbs::new();
    d.claim(
        "ceo@acme.edu.au",
        "90001",
        "Acme Training",
        "usr_ceo",
        "org_acme",
    )
    .unwrap();
    for i in 0..60 {
        d.sign_in_at(
            &format!("user{i:02}@example.com"),
            &format!("usr_{i:02}"),
            &format!("ses_{i:02}"),
            &session_token(i),
            None,
            t0(),
        )
        .unwrap();
    }
    d.sign_in_at(
        "100%_real@example.com",
        "usr_pct",
        "ses_pct",
        &session_token(200),
        None,
        t0(),
    )
    .unwrap();

    let p1 = block_on(users(&d.engine, "", 1)).unwrap();
    assert_eq!((p1.users.len(), p1.page, p1.has_more), (50, 1, true));
    let p2 = block_on(users(&d.engine, "", 2)).unwrap();
    assert_eq!((p2.users.len(), p2.has_more), (12, false));
    assert_eq!(block_on(users(&d.engine, "", 0)).unwrap().page, 1);
    assert!(p1.users.windows(2).all(|w| w[0].email < w[1].email));

    let by = |q: &str| -> Vec<String> {
        block_on(users(&d.engine, q, 1))
            .unwrap()
            .users
            .into_iter()
            .map(|u| u.email)
            .collect()
    };
    assert_eq!(by("USER07"), vec!["user07@example.com"]);
    assert_eq!(by("acme train"), vec!["ceo@acme.edu.au"], "org name");
    assert_eq!(by("90001"), vec!["ceo@acme.edu.au"], "RTO code");
    // % and _ are literal characters, not wildcards.
    assert_eq!(by("%_"), vec!["100%_real@example.com"]);
    assert!(by("nobody-here").is_empty());
    let ceo = block_on(users(&d.engine, "ceo@", 1))
        .unwrap()
        .users
        .remove(0);
    assert_eq!(
        (
            ceo.org_id.as_deref(),
            ceo.org_name.as_deref(),
            ceo.rto_code.as_deref(),
            ceo.status.as_str()
        ),
        (
            Some("org_acme"),
            Some("Acme Training"),
            Some("90001"),
            "active"
        )
    );
    // A search longer than D1's LIKE limit is fine (instr, not LIKE).
    assert!(by(&"x".repeat(300)).is_empty());
}

#[test]
fn adding_a_client_makes_the_org_l4_with_iso_timestamps() {
    let d = Dbs::new();
    let rto = code("90001");
    d.claim("ceo@acme.edu.au", "90001", "Acme", "usr_ceo", "org_acme")
        .unwrap();
    let tok = session_token(9);
    d.sign_in_at("ceo@acme.edu.au", "usr_x", "ses_1", &tok, None, t0())
        .unwrap();
    let tier = |now: &str| {
        block_on(resolve(&d.engine, &d.ops, Some(tok.value()), now))
            .unwrap()
            .tier
    };
    assert_eq!(tier(T0), Tier::SignedIn);

    d.reset();
    let c = block_on(add_client(&d.ops, &rto, Some(" essential "), t0())).unwrap();
    assert_eq!(d.counts(), (0, 2));
    assert_eq!(
        c,
        ClientRow {
            rto_code: "90001".into(),
            is_client: true,
            client_since: Some(T0.into()),
            client_status: "active".into(),
            plan: Some("essential".into()),
            is_test: false,
            created_at: T0.into(),
            updated_at: T0.into(),
        }
    );
    assert_eq!(tier(T0), Tier::L4);

    // Idempotent: adding again later changes nothing.
    let later = at("2026-12-01T00:00:00Z");
    assert_eq!(
        block_on(add_client(&d.ops, &rto, Some("essential"), later)).unwrap(),
        c
    );
    assert_eq!(block_on(add_client(&d.ops, &rto, None, later)).unwrap(), c);

    // A paused client is re-activated; its first client_since is kept.
    d.ops
        .connection()
        .execute("UPDATE rto_clients SET client_status = 'paused'", [])
        .unwrap();
    assert_eq!(tier(T0), Tier::SignedIn);
    let back = block_on(add_client(&d.ops, &rto, Some("pro"), later)).unwrap();
    assert_eq!(
        (
            back.client_status.as_str(),
            back.client_since.as_deref(),
            back.plan.as_deref(),
            back.updated_at.as_str()
        ),
        ("active", Some(T0), Some("pro"), "2026-12-01T00:00:00Z")
    );

    // A prospect row (is_client 0, no client_since) becomes a client from now.
    d.ops
        .connection()
        .execute_batch("INSERT INTO rto_clients (rto_code, created_at, updated_at) VALUES ('90002', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
        .unwrap();
    let p = block_on(add_client(&d.ops, &code("90002"), Some("essential"), later)).unwrap();
    assert_eq!(
        (
            p.is_client,
            p.client_since.as_deref(),
            p.created_at.as_str()
        ),
        (true, Some("2026-12-01T00:00:00Z"), "2026-01-01T00:00:00Z")
    );
    assert_eq!(block_on(client(&d.ops, &code("90003"))).unwrap(), None);
}

#[test]
fn the_full_sign_in_walk_resolves_l4() {
    // request → consume → sign in → tier, as the workspace does it.
    let d = Dbs::new();
    let c = d
        .claim("ceo@acme.edu.au", "90001", "Acme", "usr_ceo", "org_acme")
        .unwrap();
    block_on(allow_claimed(
        &d.ops,
        &email("ceo@acme.edu.au"),
        &code("90001"),
        t0(),
    ))
    .unwrap();
    block_on(add_client(&d.ops, &code("90001"), Some("essential"), t0())).unwrap();

    let link = link_token(42);
    assert!(
        d.request("ceo@acme.edu.au", &LinkPurpose::SignIn, IP, &link, t0())
            .issued
    );
    let used = block_on(consume_link(
        &d.engine,
        &hash_presented(link.value()).unwrap(),
        t0(),
    ))
    .unwrap()
    .unwrap();
    let tok = session_token(42);
    let signed = d
        .sign_in_at(used.email.as_str(), "usr_unused", "ses_1", &tok, None, t0())
        .unwrap();
    assert_eq!(
        (signed.user_id.as_str(), signed.org_id.as_deref()),
        ("usr_ceo", Some(c.org_id.as_str()))
    );
    let live = d.live(&tok, t0()).unwrap();
    assert_eq!(
        block_on(rtopacks_store::identity::tier_of(&d.ops, &live.identity())).unwrap(),
        Tier::L4
    );
    assert!(block_on(sign_out(&d.engine, &live.session_id, t0())).unwrap());
    let caller = block_on(resolve(&d.engine, &d.ops, Some(tok.value()), T0)).unwrap();
    assert_eq!(caller.tier, Tier::Anonymous);
}
