//! The surfaces (site, workspace, admin) read answers from internal-api as JSON and decode
//! them into the same types: every answer must come back exactly as it went out.

use rtopacks_catalogue::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::fixture::{self, run};

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(answer: T) {
    let json = serde_json::to_string(&answer).unwrap();
    let back: T = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(back, answer);
}

#[test]
fn every_answer_decodes_from_its_own_json() {
    let db = fixture::db();
    let bsb50420 = NationalCode::parse("BSB50420").unwrap();
    let tae40116 = NationalCode::parse("TAE40116").unwrap();
    let rto_code = RtoCode::parse("45329").unwrap();
    let page = Page::default();

    let detail = run(lookup(&db, &bsb50420)).unwrap();
    assert!(detail.unit_grid.is_some() && !detail.offered_by.page.items.is_empty());
    round_trip(detail);
    let impact = run(supersession_impact(&db, &tae40116, &page)).unwrap();
    assert!(impact.superseded_by.iter().any(|l| l.equivalence.is_some()));
    round_trip(impact);
    round_trip(run(verify(&db, &tae40116, Some(&rto_code))).unwrap());
    round_trip(run(rto_impact(&db, &rto_code, &page)).unwrap());
    round_trip(run(offered_by(&db, &bsb50420, &page)).unwrap());
    round_trip(run(cricos_courses(&db, &bsb50420, &page)).unwrap());
    round_trip(run(rto_cricos_courses(&db, &rto_code, &page)).unwrap());
    round_trip(run(stats(&db)).unwrap());
    round_trip(run(ladder(&db, &NationalCode::parse("BSB").unwrap(), true)).unwrap());
    for tier in [Tier::Anonymous, Tier::SignedIn, Tier::L4] {
        round_trip(run(rto(&db, &rto_code, tier, &ScopeParams::default())).unwrap());
    }
    let p = SearchParams {
        q: "diploma".into(),
        ..Default::default()
    };
    round_trip(run(search(&db, &p)).unwrap());
}
