use rtopacks_catalogue::*;
use rtopacks_store::sqlite::SqliteDb;

use crate::fixture::{self, run};

fn detail(db: &SqliteDb, code: &str, tier: Tier) -> RtoDetail {
    run(rto(
        db,
        &RtoCode::parse(code).unwrap(),
        tier,
        &ScopeParams::default(),
    ))
    .unwrap()
}

fn scope_codes(d: &RtoDetail) -> Vec<&str> {
    d.scope.items.iter().map(|s| s.code.as_str()).collect()
}

#[test]
fn an_enriched_rto_shows_its_register_facts() {
    let db = fixture::db();
    let d = detail(&db, "45329", Tier::Anonymous);
    assert_eq!(
        d.legal_name.as_deref(),
        Some("Harbourside Training Pty Ltd")
    );
    assert_eq!(d.trading_name.as_deref(), Some("Harbourside Skills"));
    assert_eq!(d.status, Status::Current);
    assert_eq!(d.head_office_state, Some(State::Nsw));
    assert_eq!(d.regulator.as_deref(), Some("ASQA"));
    assert!(d.enriched);
    let legal: Vec<&str> = d.legal_names.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(
        legal,
        [
            "Harbourside Training Pty Ltd",
            "Harbour Side Coaching Pty Ltd"
        ]
    );
    assert_eq!(
        d.legal_names[0].abns,
        Some(serde_json::json!(["51824753556"]))
    );
    let periods: Vec<&str> = d
        .registrations
        .iter()
        .map(|r| r.start_date.as_deref().unwrap())
        .collect();
    assert_eq!(periods, ["2019-02-01", "2012-02-01"]);
    assert_eq!(d.addresses[0].address_type, "head_office");
    assert_eq!(d.addresses[0].state, Some(State::Nsw));
    assert_eq!(d.addresses[1].suburb.as_deref(), Some("Parramatta"));
    assert_eq!(d.web_addresses[0].url, "https://www.harbourside.example");
    let cricos = d.cricos_provider.as_ref().unwrap();
    assert_eq!(cricos.provider_code, "03389E");
    assert_eq!(cricos.courses, 2);
    assert_eq!(d.freshness.synced_at.as_deref(), Some(fixture::CRICOS));
    assert_eq!(d.freshness.sources[0].synced_at, fixture::TGA);
}

#[test]
fn tiers_decide_which_contacts_are_shown() {
    let db = fixture::db();
    let anon = detail(&db, "45329", Tier::Anonymous);
    assert!(anon.contacts.is_empty());
    assert_eq!(anon.contacts_withheld, 3);
    assert!(anon.contacts_note.as_deref().unwrap().contains("signed-in"));

    let signed = detail(&db, "45329", Tier::SignedIn);
    assert_eq!(signed.contacts.len(), 1);
    assert_eq!(
        signed.contacts[0].role_code.as_deref(),
        Some("PublicEnquiries")
    );
    assert_eq!(
        signed.contacts[0].email.as_deref(),
        Some("enquiries@harbourside.example")
    );
    assert_eq!(signed.contacts[0].kind, Some(ContactKind::Organisation));
    assert_eq!(signed.contacts_withheld, 2);

    let l4 = detail(&db, "45329", Tier::L4);
    assert_eq!(l4.contacts.len(), 3);
    assert_eq!(l4.contacts_withheld, 0);
    assert_eq!(l4.contacts_note, None);

    // Nothing personal leaves in the serialised answer below L4.
    for d in [&anon, &signed] {
        let json = serde_json::to_string(d).unwrap().to_lowercase();
        for secret in ["okafor", "mara", "patel", "9000 1234", "0412"] {
            assert!(!json.contains(secret), "{:?} leaked {secret}", d.tier);
        }
    }
    let json = serde_json::to_string(&l4).unwrap();
    assert!(json.contains("mara.okafor@harbourside.example"));
}

#[test]
fn scope_lists_current_explicit_rows_by_default_with_extents() {
    let db = fixture::db();
    let d = detail(&db, "45329", Tier::Anonymous);
    assert_eq!(
        scope_codes(&d),
        ["BSB50420", "BSB51918", "BSBCMM411", "BSBMGT517", "TAE40116"]
    );
    assert_eq!(d.scope.total, 5);
    let tae = d.scope.items.iter().find(|s| s.code == "TAE40116").unwrap();
    assert_eq!(tae.extent.code.as_deref(), Some("02"));
    assert_eq!(tae.extent.description.as_deref(), Some("Assess only"));
    assert_eq!(tae.status, Some(Status::Superseded));
    assert_eq!(
        tae.title.as_deref(),
        Some("Certificate IV in Training and Assessment")
    );

    let code = RtoCode::parse("45329").unwrap();
    let all = ScopeParams {
        include_implicit: true,
        include_lapsed: true,
        ..Default::default()
    };
    let d = run(rto(&db, &code, Tier::Anonymous, &all)).unwrap();
    assert_eq!(d.scope.total, 7);
    let units = ScopeParams {
        kind: Some(Kind::Unit),
        include_implicit: true,
        ..Default::default()
    };
    let d = run(rto(&db, &code, Tier::Anonymous, &units)).unwrap();
    assert_eq!(scope_codes(&d), ["BSBCMM411", "BSBMGT517", "BSBOPS501"]);
    assert!(d.scope.items[2].is_implicit);

    // Seek pages of two cover the five rows once each.
    let mut seen = Vec::new();
    let mut page = Page::first(2);
    loop {
        let d = run(rto(
            &db,
            &code,
            Tier::Anonymous,
            &ScopeParams {
                page: page.clone(),
                ..Default::default()
            },
        ))
        .unwrap();
        seen.extend(d.scope.items.iter().map(|s| s.code.clone()));
        match d.scope.next_cursor {
            Some(c) => page = Page::after(c, Some(2)),
            None => break,
        }
    }
    assert_eq!(
        seen,
        ["BSB50420", "BSB51918", "BSBCMM411", "BSBMGT517", "TAE40116"]
    );

    // A scope cursor is tied to its RTO and filters.
    let d = run(rto(
        &db,
        &code,
        Tier::Anonymous,
        &ScopeParams {
            page: Page::first(2),
            ..Default::default()
        },
    ))
    .unwrap();
    let c = d.scope.next_cursor.unwrap();
    let other = ScopeParams {
        page: Page::after(c, Some(2)),
        ..Default::default()
    };
    let e = run(rto(
        &db,
        &RtoCode::parse("90001").unwrap(),
        Tier::Anonymous,
        &other,
    ))
    .unwrap_err();
    assert!(e.is_bad_input(), "{e}");
}

#[test]
fn an_rto_not_yet_enriched_answers_from_the_register_walk() {
    let db = fixture::db();
    let d = detail(&db, "90001", Tier::L4);
    assert!(!d.enriched);
    assert_eq!(d.registrations.len(), 1);
    assert_eq!(d.registrations[0].start_date.as_deref(), Some("2021-07-01"));
    assert_eq!(d.abn.as_deref(), Some("12004044937"));
    assert_eq!(
        d.cricos_provider.as_ref().map(|c| c.provider_code.as_str()),
        Some("01234K"),
        "the organisation's CRICOS code when the enrichment has none"
    );
    assert!(d.contacts.is_empty() && d.contacts_withheld == 0);
}

#[test]
fn restricted_deleted_and_unknown_rtos() {
    let db = fixture::db();
    let d = detail(&db, "22222", Tier::Anonymous);
    assert!(d.restricted);
    assert_eq!(d.restrictions[0].code.as_deref(), Some("R01"));
    assert_eq!(
        detail(&db, "40001", Tier::Anonymous).status,
        Status::Deleted
    );
    assert_eq!(
        detail(&db, "31234", Tier::Anonymous).status,
        Status::NotCurrent
    );
    let e = run(rto(
        &db,
        &RtoCode::parse("77777").unwrap(),
        Tier::L4,
        &ScopeParams::default(),
    ))
    .unwrap_err();
    assert!(matches!(e, CatalogueError::NotFound(_)));
    let rto_kind = ScopeParams {
        kind: Some(Kind::Rto),
        ..Default::default()
    };
    let e = run(rto(
        &db,
        &RtoCode::parse("45329").unwrap(),
        Tier::L4,
        &rto_kind,
    ))
    .unwrap_err();
    assert!(e.is_bad_input());
}
