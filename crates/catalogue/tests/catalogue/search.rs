use std::collections::HashSet;

use rtopacks_catalogue::*;

use crate::fixture::{self, run};

fn q(text: &str) -> SearchParams {
    SearchParams {
        q: text.into(),
        page: Page::first(100),
        ..Default::default()
    }
}

fn codes(p: &SearchParams, db: &rtopacks_store::sqlite::SqliteDb) -> Vec<String> {
    run(search(db, p))
        .unwrap()
        .results
        .into_iter()
        .map(|h| h.code)
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn the_exact_code_comes_first() {
    let db = fixture::db();
    let r = run(search(&db, &q("bsb50420"))).unwrap();
    assert_eq!(r.results[0].code, "BSB50420");
    assert_eq!(r.results[0].kind, Kind::Qualification);
    assert_eq!(r.results[0].aqf_level, Some(AqfLevel::Diploma));
    let r = run(search(&db, &q("45329"))).unwrap();
    assert_eq!(r.results[0].code, "45329");
    assert_eq!(r.results[0].kind, Kind::Rto);
}

#[test]
fn an_exact_title_comes_first_current_before_superseded() {
    let db = fixture::db();
    let got = codes(&q("diploma of leadership and management"), &db);
    assert_eq!(got[0], "BSB50420", "the current version first: {got:?}");
    assert_eq!(sorted(got[1..3].to_vec()), ["BSB51915", "BSB51918"]);
    assert!(
        got.contains(&"BSB60420".to_owned()),
        "the advanced diploma also matches: {got:?}"
    );
    assert!(got.iter().position(|c| c == "BSB60420").unwrap() > 2);
}

#[test]
fn the_last_word_matches_as_a_prefix_and_rtos_are_found_by_name() {
    let db = fixture::db();
    let got = codes(&q("leadersh"), &db);
    for c in ["BSB50420", "BSB40520", "BSBSS00094", "10942NAT", "22222"] {
        assert!(got.contains(&c.to_owned()), "{c} in {got:?}");
    }
    let r = run(search(&db, &q("Harbourside"))).unwrap();
    let rtos: Vec<&str> = r.results.iter().map(|h| h.code.as_str()).collect();
    assert_eq!(
        rtos,
        ["45329"],
        "organisations that are not RTOs are left out"
    );
    let h = &r.results[0];
    assert_eq!(h.title, "Harbourside Skills");
    assert_eq!(
        h.legal_name.as_deref(),
        Some("Harbourside Training Pty Ltd")
    );
    assert_eq!(h.state, Some(State::Nsw));
    assert_eq!(h.status, Status::Current);
    // Diacritics fold: "Café" would find "Cafe"; here a plain accent on the query side.
    assert_eq!(codes(&q("hárbourside"), &db), ["45329"]);
}

#[test]
fn kind_status_package_and_level_filters() {
    let db = fixture::db();
    let units = SearchParams {
        kinds: vec![Kind::Unit],
        ..q("manage")
    };
    let got = run(search(&db, &units)).unwrap();
    assert!(!got.results.is_empty());
    assert!(got.results.iter().all(|h| h.kind == Kind::Unit));

    let superseded = SearchParams {
        status: Some(Status::Superseded),
        ..q("diploma")
    };
    assert_eq!(
        sorted(codes(&superseded, &db)),
        ["BSB51915", "BSB51918", "CHC50113"]
    );
    let deleted = SearchParams {
        status: Some(Status::Deleted),
        ..q("certificate")
    };
    assert_eq!(codes(&deleted, &db), ["BSB41419"]);
    let current_rtos = SearchParams {
        status: Some(Status::Current),
        kinds: vec![Kind::Rto],
        ..q("pty")
    };
    assert_eq!(sorted(codes(&current_rtos, &db)), ["22222", "45329"]);

    let tae = SearchParams {
        training_package: Some(NationalCode::parse("tae").unwrap()),
        ..q("certificate")
    };
    assert_eq!(sorted(codes(&tae, &db)), ["TAE40116", "TAE40122"]);

    let cert_iv = SearchParams {
        aqf_level: Some(AqfLevel::CertificateIV),
        status: Some(Status::Current),
        ..q("certificate")
    };
    assert_eq!(
        sorted(codes(&cert_iv, &db)),
        ["BSB40520", "BSB40920", "TAE40122"],
        "BSB40920 has no stored level: its title gives it"
    );
    let diploma = SearchParams {
        aqf_level: Some(AqfLevel::Diploma),
        ..q("leadership")
    };
    assert_eq!(
        sorted(codes(&diploma, &db)),
        ["10942NAT", "BSB50420", "BSB51915", "BSB51918"],
        "an accredited course's level comes from its title"
    );
}

#[test]
fn state_and_on_scope_filters() {
    let db = fixture::db();
    let vic = SearchParams {
        state: Some(State::Vic),
        ..q("institute")
    };
    assert_eq!(codes(&vic, &db), ["90001"]);
    let nsw = SearchParams {
        state: Some(State::parse("new south wales").unwrap()),
        ..q("harbourside")
    };
    assert_eq!(codes(&nsw, &db), ["45329"]);

    let on_scope = SearchParams {
        on_scope_of: Some(RtoCode::parse("90001").unwrap()),
        ..q("diploma")
    };
    assert_eq!(
        sorted(codes(&on_scope, &db)),
        ["BSB50420", "BSB51918", "CHC50121"]
    );
    let unknown = SearchParams {
        on_scope_of: Some(RtoCode::parse("99999").unwrap()),
        ..q("diploma")
    };
    assert!(matches!(
        run(search(&db, &unknown)),
        Err(CatalogueError::NotFound(_))
    ));
}

#[test]
fn confidential_components_are_never_listed() {
    let db = fixture::db();
    assert!(codes(&q("confidential"), &db).is_empty());
}

/// Walk every page; each row must appear exactly once and in the one-page order.
fn all_pages(
    db: &rtopacks_store::sqlite::SqliteDb,
    base: &SearchParams,
    per_page: u32,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor = None;
    for _ in 0..100 {
        let p = SearchParams {
            page: Page {
                cursor: cursor.clone(),
                per_page: Some(per_page),
            },
            ..base.clone()
        };
        let r = run(search(db, &p)).unwrap();
        assert!(r.results.len() <= per_page as usize);
        out.extend(r.results.into_iter().map(|h| h.code));
        match r.next_cursor {
            Some(c) => cursor = Some(c),
            None => return out,
        }
    }
    panic!("more than 100 pages");
}

#[test]
fn pagination_returns_every_row_exactly_once_even_across_ties() {
    let db = fixture::db();
    let risk = fixture::add_risk_units(&db, 47);
    let base = q("risk");
    let one_page = codes(&base, &db);
    assert_eq!(sorted(one_page.clone()), risk);
    for per_page in [1, 7, 10, 46, 47] {
        let paged = all_pages(&db, &base, per_page);
        assert_eq!(paged, one_page, "per_page {per_page}");
        assert_eq!(paged.iter().collect::<HashSet<_>>().len(), 47);
    }
    // The 30 identical titles tie on score and come out in code order.
    let tied: Vec<&String> = one_page
        .iter()
        .filter(|c| c.as_str() < "BSBRSK530")
        .collect();
    assert!(tied.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn pagination_spans_components_and_rtos() {
    let db = fixture::db();
    let base = q("leadership");
    let one_page = codes(&base, &db);
    assert!(one_page.contains(&"22222".to_owned()));
    assert_eq!(all_pages(&db, &base, 2), one_page);
    let default = run(search(
        &db,
        &SearchParams {
            page: Page::default(),
            ..base
        },
    ))
    .unwrap();
    assert_eq!(default.per_page, 10);
}

#[test]
fn answers_carry_the_oldest_sync_time_of_their_rows() {
    let db = fixture::db();
    let r = run(search(&db, &q("diploma of leadership"))).unwrap();
    assert_eq!(r.freshness.synced_at.as_deref(), Some(fixture::TGA_OLD));
    let r = run(search(&db, &q("BSB50420"))).unwrap();
    assert_eq!(r.freshness.synced_at.as_deref(), Some(fixture::TGA));
    assert_eq!(r.freshness.sources[0].source, Source::Tga);
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["freshness"]["sources"][0]["source"], "training.gov.au");
    assert_eq!(json["results"][0]["kind"], "qualification");
    assert_eq!(json["results"][0]["aqf_level"], "Diploma");
}
