use rtopacks_catalogue::*;

use crate::fixture::{self, run};

fn code(s: &str) -> NationalCode {
    NationalCode::parse(s).unwrap()
}

fn rto_code(s: &str) -> RtoCode {
    RtoCode::parse(s).unwrap()
}

#[test]
fn the_ladder_runs_certificate_i_to_graduate_diploma_with_superseded_marked() {
    let db = fixture::db();
    let l = run(ladder(&db, &code("bsb"), true)).unwrap();
    assert_eq!(
        l.title.as_deref(),
        Some("Business Services Training Package")
    );
    let levels: Vec<AqfLevel> = l.rungs.iter().map(|r| r.level).collect();
    assert_eq!(
        levels,
        [
            AqfLevel::CertificateI,
            AqfLevel::CertificateII,
            AqfLevel::CertificateIII,
            AqfLevel::CertificateIV,
            AqfLevel::Diploma,
            AqfLevel::AdvancedDiploma,
            AqfLevel::GraduateCertificate,
            AqfLevel::GraduateDiploma,
        ]
    );
    let at = |level: AqfLevel| -> Vec<(&str, Status)> {
        l.rungs
            .iter()
            .find(|r| r.level == level)
            .unwrap()
            .qualifications
            .iter()
            .map(|q| (q.code.as_str(), q.status))
            .collect()
    };
    assert_eq!(
        at(AqfLevel::CertificateIV),
        [("BSB40520", Status::Current), ("BSB40920", Status::Current)],
        "deleted ones are left out; a level from the title counts"
    );
    assert_eq!(
        at(AqfLevel::Diploma),
        [
            ("BSB50420", Status::Current),
            ("BSB51915", Status::Superseded),
            ("BSB51918", Status::Superseded),
        ],
        "current first; the confidential diploma is never listed"
    );
    let diploma = &l.rungs[4].qualifications;
    assert_eq!(diploma[2].superseded_by.as_deref(), Some("BSB50420"));
    assert_eq!(diploma[2].superseded_by_equivalent, Some(true));
    assert_eq!(l.rungs[7].framework_level, 8);
    assert!(l.unlevelled.is_empty());

    let current = run(ladder(&db, &code("BSB"), false)).unwrap();
    assert_eq!(current.rungs[4].qualifications.len(), 1);

    let tae = run(ladder(&db, &code("TAE"), true)).unwrap();
    let q = &tae.rungs[0].qualifications;
    assert_eq!(
        (q[0].code.as_str(), q[1].code.as_str()),
        ("TAE40122", "TAE40116")
    );
    assert_eq!(q[1].superseded_by_equivalent, Some(false));

    let e = run(ladder(&db, &code("XYZ"), true)).unwrap_err();
    assert!(matches!(e, CatalogueError::NotFound(_)));
}

#[test]
fn verify_says_whether_a_code_is_current_and_on_scope() {
    let db = fixture::db();
    let v = run(verify(&db, &code("BSB50420"), Some(&rto_code("45329")))).unwrap();
    assert!(v.is_current);
    let s = v.scope.as_ref().unwrap();
    assert!(s.on_scope && !s.lapsed);
    assert_eq!(s.rto_name.as_deref(), Some("Harbourside Skills"));
    assert_eq!(
        v.summary,
        "BSB50420 is current. It is on the scope of RTO 45329."
    );

    let v = run(verify(&db, &code("TAE40116"), Some(&rto_code("45329")))).unwrap();
    assert!(!v.is_current);
    assert_eq!(v.status, Status::Superseded);
    assert_eq!(v.superseded_by[0].to, "TAE40122");
    assert_eq!(v.replacements[0].is_equivalent, Some(false));
    let s = v.scope.as_ref().unwrap();
    assert!(s.on_scope);
    assert!(s.replacements_on_scope.is_empty());
    assert!(
        v.summary.contains("Replaced by TAE40122 (not equivalent)"),
        "{}",
        v.summary
    );

    let v = run(verify(&db, &code("TAE40116"), Some(&rto_code("90001")))).unwrap();
    assert_eq!(v.scope.unwrap().replacements_on_scope, ["TAE40122"]);

    let v = run(verify(&db, &code("BSB40520"), Some(&rto_code("45329")))).unwrap();
    let s = v.scope.unwrap();
    assert!(!s.on_scope && s.lapsed, "scope that has ended");
    let v = run(verify(&db, &code("BSBMGT517"), Some(&rto_code("90001")))).unwrap();
    assert!(!v.scope.unwrap().on_scope, "refused scope is not scope");
    let v = run(verify(&db, &code("CHC50121"), Some(&rto_code("45329")))).unwrap();
    assert!(v.summary.ends_with("It is not on the scope of RTO 45329."));

    let v = run(verify(&db, &code("BSB51915"), None)).unwrap();
    assert!(v.scope.is_none());
    assert_eq!(v.replacements[0].code, "BSB50420");
    assert_eq!(v.replacements[0].hops, 2);
    assert!(v.summary.contains("Replaced by BSB50420 (equivalent)"));
    assert_eq!(v.freshness.synced_at.as_deref(), Some(fixture::TGA_OLD));

    let e = run(verify(&db, &code("BSB50420"), Some(&rto_code("77777")))).unwrap_err();
    assert!(matches!(e, CatalogueError::NotFound(_)));
}

#[test]
fn supersession_impact_lists_the_rtos_still_carrying_a_superseded_code() {
    let db = fixture::db();
    let i = run(supersession_impact(
        &db,
        &code("TAE40116"),
        &Page::default(),
    ))
    .unwrap();
    assert_eq!(i.status, Status::Superseded);
    assert_eq!(i.replacements[0].code, "TAE40122");
    assert_eq!(i.replacements[0].equivalence, Some(Equivalence::N));
    assert_eq!(i.rtos.total, 2);
    let rows: Vec<(&str, Option<bool>)> = i
        .rtos
        .page
        .items
        .iter()
        .map(|r| (r.rto_code.as_str(), r.has_replacement))
        .collect();
    assert_eq!(rows, [("45329", Some(false)), ("90001", Some(true))]);

    // Paged one RTO at a time.
    let first = run(supersession_impact(&db, &code("BSB51918"), &Page::first(1))).unwrap();
    assert_eq!(first.rtos.total, 2);
    assert_eq!(first.rtos.page.items[0].rto_code, "45329");
    assert_eq!(first.rtos.page.items[0].has_replacement, Some(true));
    let c = first.rtos.page.next_cursor.clone().unwrap();
    let second = run(supersession_impact(
        &db,
        &code("BSB51918"),
        &Page::after(c.clone(), Some(1)),
    ))
    .unwrap();
    assert_eq!(second.rtos.page.items[0].rto_code, "90001");
    assert_eq!(second.rtos.page.next_cursor, None);

    // The cursor belongs to this code's impact listing only.
    let e = run(offered_by(&db, &code("BSB51918"), &Page::after(c, Some(1)))).unwrap_err();
    assert!(e.is_bad_input());

    let json = serde_json::to_value(&first).unwrap();
    assert_eq!(json["rtos"]["items"][0]["has_replacement"], true);
    assert_eq!(json["rtos"]["total"], 2);
}
