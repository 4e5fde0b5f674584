//! The operator console's own reads and writes against the real engine-db-oc and ops-db
//! migrations: the org of an RTO code (created once), linking a person by address, one
//! user and one session, the client list.

use chrono::{DateTime, Duration, Utc};
use futures::executor::block_on;
use rtopacks_domain::codes::RtoCode;
use rtopacks_domain::keys::Tier;
use rtopacks_domain::signin::{Email, Role};
use rtopacks_domain::time::parse_iso;
use rtopacks_store::admin::*;
use rtopacks_store::identity::resolve;
use rtopacks_store::signin::{add_client, people_in_org};
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::{Db, Statement};

const T0: &str = "2026-11-24T10:00:00Z";
const HOSTILE: &str = "<script>alert(\"x\")</script> & ' Robert'); DROP TABLE orgs;--";

fn t0() -> DateTime<Utc> {
    parse_iso(T0).unwrap()
}

fn engine() -> SqliteDb {
    SqliteDb::migrated("engine-db-oc").unwrap()
}

fn code(s: &str) -> RtoCode {
    RtoCode::parse(s).unwrap()
}

fn email(s: &str) -> Email {
    Email::parse(s).unwrap()
}

#[test]
fn an_rto_gets_one_org_however_often_it_is_ensured() {
    let db = engine();
    assert_eq!(block_on(org_for_rto(&db, &code("91234"))).unwrap(), None);
    let (org, created) = block_on(ensure_org(&db, "org_a", HOSTILE, &code("91234"), t0())).unwrap();
    assert!(created);
    assert_eq!(
        org,
        OrgRow {
            id: "org_a".into(),
            name: HOSTILE.into(),
            rto_code: Some("91234".into()),
            created_at: T0.into(),
        }
    );
    let (again, created) = block_on(ensure_org(
        &db,
        "org_b",
        "Other",
        &code("91234"),
        t0() + Duration::hours(1),
    ))
    .unwrap();
    assert!(!created);
    assert_eq!(again, org, "the first org stands");
    // The operator org from the migration is found by its code.
    let ops = block_on(org_for_rto(&db, &code("45329"))).unwrap().unwrap();
    assert_eq!(ops.id, "org_rtopacks_ops");
}

#[test]
fn linking_by_address_creates_or_repoints_the_user_and_sets_the_role() {
    let db = engine();
    block_on(ensure_org(&db, "org_a", "Alpha RTO", &code("91234"), t0())).unwrap();
    block_on(ensure_org(&db, "org_b", "Beta RTO", &code("95678"), t0())).unwrap();
    let kim = email("Kim@Alpha.edu.au");

    // A new address: the user is created with the org.
    let out = block_on(link_email_to_org(
        &db,
        &kim,
        "org_a",
        Role::Owner,
        "usr_new",
        t0(),
    ))
    .unwrap();
    assert_eq!(
        out,
        LinkOutcome::Linked {
            user_id: "usr_new".into(),
            created_user: true,
            role: Role::Owner
        }
    );
    let people = block_on(people_in_org(&db, "org_a")).unwrap();
    assert_eq!(people.len(), 1);
    assert_eq!(
        (people[0].email.as_str(), people[0].role),
        ("kim@alpha.edu.au", Role::Owner)
    );

    // Again with another role: same user, the role replaced, nothing duplicated.
    let out = block_on(link_email_to_org(
        &db,
        &kim,
        "org_a",
        Role::Admin,
        "usr_other",
        t0(),
    ))
    .unwrap();
    assert_eq!(
        out,
        LinkOutcome::Linked {
            user_id: "usr_new".into(),
            created_user: false,
            role: Role::Admin
        }
    );
    assert_eq!(block_on(people_in_org(&db, "org_a")).unwrap().len(), 1);

    // Another org: users.org_id follows (what tier resolution reads).
    block_on(link_email_to_org(
        &db,
        &kim,
        "org_b",
        Role::Member,
        "usr_x",
        t0(),
    ))
    .unwrap();
    let linked = block_on(user(&db, "usr_new")).unwrap().unwrap();
    assert_eq!(
        (
            linked.org_id.as_deref(),
            linked.rto_code.as_deref(),
            linked.org_name.as_deref()
        ),
        (Some("org_b"), Some("95678"), Some("Beta RTO"))
    );

    // No such org: nothing written, for a new or an existing address.
    let nobody = email("nobody@alpha.edu.au");
    assert_eq!(
        block_on(link_email_to_org(
            &db,
            &nobody,
            "org_zz",
            Role::Member,
            "usr_zz",
            t0()
        ))
        .unwrap(),
        LinkOutcome::NoOrg
    );
    assert_eq!(block_on(user(&db, "usr_zz")).unwrap(), None);
    assert_eq!(
        block_on(link_email_to_org(
            &db,
            &kim,
            "org_zz",
            Role::Member,
            "usr_zz",
            t0()
        ))
        .unwrap(),
        LinkOutcome::NoOrg
    );
    assert_eq!(
        block_on(user(&db, "usr_new"))
            .unwrap()
            .unwrap()
            .org_id
            .as_deref(),
        Some("org_b")
    );

    // A disabled user is left alone.
    block_on(db.run(Statement::new(
        "UPDATE users SET status = 'disabled' WHERE id = 'usr_new'",
    )))
    .unwrap();
    assert_eq!(
        block_on(link_email_to_org(
            &db,
            &kim,
            "org_a",
            Role::Owner,
            "usr_y",
            t0()
        ))
        .unwrap(),
        LinkOutcome::UserDisabled {
            user_id: "usr_new".into()
        }
    );
    assert_eq!(
        block_on(user(&db, "usr_new"))
            .unwrap()
            .unwrap()
            .org_id
            .as_deref(),
        Some("org_b")
    );
}

#[test]
fn a_linked_user_of_a_client_org_resolves_as_l4() {
    let engine = engine();
    let ops = SqliteDb::migrated("ops-db").unwrap();
    block_on(ensure_org(
        &engine,
        "org_a",
        "Alpha RTO",
        &code("91234"),
        t0(),
    ))
    .unwrap();
    block_on(link_email_to_org(
        &engine,
        &email("kim@alpha.edu.au"),
        "org_a",
        Role::Owner,
        "usr_kim",
        t0(),
    ))
    .unwrap();
    let token = "tok-kim-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    let hash = rtopacks_domain::keys::session_token_hash(token);
    block_on(engine.run(
        Statement::new(
            "INSERT INTO sessions (id, token_hash, user_id, org_id, created_at, idle_expires_at,
                                   absolute_expires_at)
             VALUES ('ses_1', ?1, 'usr_kim', 'org_a', ?2, '2026-11-25T10:00:00Z',
                     '2026-12-01T10:00:00Z')",
        )
        .bind(hash)
        .bind(T0),
    ))
    .unwrap();
    let tier = |ops: &SqliteDb| {
        block_on(resolve(&engine, ops, Some(token), T0))
            .unwrap()
            .tier
    };
    assert_eq!(tier(&ops), Tier::SignedIn);
    block_on(add_client(&ops, &code("91234"), Some("essential"), t0())).unwrap();
    assert_eq!(tier(&ops), Tier::L4);

    // The session as the console shows it.
    let s = block_on(session(&engine, "ses_1")).unwrap().unwrap();
    assert_eq!(s.state(t0()), SessionState::Live);
    assert_eq!(s.state(t0() + Duration::days(1)), SessionState::Expired);
    let mut revoked = s.clone();
    revoked.revoked_at = Some(T0.into());
    assert_eq!(revoked.state(t0()), SessionState::Revoked);
    assert_eq!(
        block_on(sessions_of_user(&engine, "usr_kim")).unwrap(),
        vec![s]
    );
    assert_eq!(block_on(session(&engine, "ses_none")).unwrap(), None);
}

#[test]
fn the_client_list_puts_active_clients_first() {
    let ops = SqliteDb::migrated("ops-db").unwrap();
    assert!(block_on(clients(&ops)).unwrap().is_empty());
    block_on(add_client(&ops, &code("91234"), Some("essential"), t0())).unwrap();
    block_on(ops.run(Statement::new(
        "INSERT INTO rto_clients (rto_code, is_client, client_status, created_at, updated_at)
         VALUES ('95678', 0, 'prospect', '2026-11-25T00:00:00Z', '2026-11-25T00:00:00Z')",
    )))
    .unwrap();
    let list = block_on(clients(&ops)).unwrap();
    assert_eq!(
        list.iter()
            .map(|c| (c.rto_code.as_str(), c.is_client))
            .collect::<Vec<_>>(),
        [("91234", true), ("95678", false)]
    );
    assert_eq!(list[0].client_since.as_deref(), Some(T0));
    assert_eq!(list[0].created_at, T0);
}
