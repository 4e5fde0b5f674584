use std::collections::HashSet;

use rtopacks_catalogue::*;

use crate::fixture::{self, run};

fn code(s: &str) -> NationalCode {
    NationalCode::parse(s).unwrap()
}

#[test]
fn a_current_qualification_with_its_release_grid_chain_scope_and_cricos() {
    let db = fixture::db();
    let d = run(lookup(&db, &code("bsb50420"))).unwrap();
    assert_eq!(d.title, "Diploma of Leadership and Management");
    assert_eq!(d.status, Status::Current);
    assert_eq!(d.kind, Some(Kind::Qualification));
    assert_eq!(d.aqf_level, Some(AqfLevel::Diploma));
    assert_eq!(d.usage_recommendation.as_deref(), Some("Current"));
    let package = d.training_package.as_ref().unwrap();
    assert_eq!(package.code, "BSB");
    assert_eq!(
        package.title.as_deref(),
        Some("Business Services Training Package")
    );

    let latest = d.latest_release.as_ref().unwrap();
    assert_eq!(latest.release_number, "2");
    assert_eq!(latest.release_date.as_deref(), Some("2021-03-18"));
    let numbers: Vec<&str> = d
        .releases
        .iter()
        .map(|r| r.release_number.as_str())
        .collect();
    assert_eq!(numbers, ["2", "1"]);

    let grid = d.unit_grid.as_ref().unwrap();
    let core: Vec<&str> = grid.core.iter().map(|u| u.code.as_str()).collect();
    let elective: Vec<&str> = grid.elective.iter().map(|u| u.code.as_str()).collect();
    assert_eq!(core, ["BSBLDR523", "BSBOPS501", "BSBWHS521"]);
    assert_eq!(elective, ["BSBCMM411", "BSBOPS502", "BSBXYZ599"]);
    assert_eq!(
        grid.core[1].title.as_deref(),
        Some("Manage business resources")
    );
    assert_eq!(
        grid.elective[2].title, None,
        "a unit the mirror lacks keeps its code"
    );

    assert!(d.supersession.superseded_by.is_empty());
    let back: Vec<(&str, i64, Option<Equivalence>)> = d
        .supersession
        .supersedes
        .iter()
        .map(|l| (l.from.as_str(), l.depth, l.equivalence))
        .collect();
    assert_eq!(
        back,
        [
            ("BSB51918", 1, Some(Equivalence::E)),
            ("BSB51915", 2, Some(Equivalence::E))
        ]
    );
    assert!(d.replacements.is_empty());

    assert_eq!(d.offered_by.total, 2);
    let rtos: Vec<&str> = d
        .offered_by
        .page
        .items
        .iter()
        .map(|r| r.rto_code.as_str())
        .collect();
    assert_eq!(rtos, ["45329", "90001"]);
    assert_eq!(
        d.offered_by.page.items[0].name.as_deref(),
        Some("Harbourside Skills")
    );
    assert_eq!(
        d.offered_by.page.items[0].extent.description.as_deref(),
        Some("Deliver and assess")
    );

    assert_eq!(
        d.cricos_courses.total, 2,
        "the removed course is not counted"
    );
    let courses: Vec<&str> = d
        .cricos_courses
        .page
        .items
        .iter()
        .map(|c| c.course_code.as_str())
        .collect();
    assert_eq!(courses, ["099367G", "101234A"]);
    assert_eq!(d.cricos_courses.page.items[0].location_states, ["NSW"]);
    assert_eq!(
        d.cricos_courses.page.items[0].provider_name.as_deref(),
        Some("Harbourside Skills")
    );

    // Dated: CRICOS rows are the oldest used; each source has its own time.
    assert_eq!(d.freshness.synced_at.as_deref(), Some(fixture::CRICOS));
    let sources: Vec<(Source, &str)> = d
        .freshness
        .sources
        .iter()
        .map(|s| (s.source, s.synced_at.as_str()))
        .collect();
    assert_eq!(
        sources,
        [
            (Source::Tga, fixture::TGA_OLD),
            (Source::Cricos, fixture::CRICOS)
        ]
    );
}

#[test]
fn a_superseded_qualification_shows_its_replacement_and_equivalence() {
    let db = fixture::db();
    let d = run(lookup(&db, &code("BSB51918"))).unwrap();
    assert_eq!(d.status, Status::Superseded);
    assert_eq!(d.status_changed_at.as_deref(), Some("2020-07-04T16:00:00Z"));
    let fwd = &d.supersession.superseded_by;
    assert_eq!(fwd.len(), 1);
    assert_eq!(fwd[0].to, "BSB50420");
    assert_eq!(fwd[0].is_equivalent, Some(true));
    assert_eq!(fwd[0].equivalence, Some(Equivalence::E));
    assert_eq!(fwd[0].status, Some(Status::Current));
    assert!(fwd[0].notes.as_deref().unwrap().contains("Equivalent"));
    assert_eq!(d.supersession.supersedes[0].from, "BSB51915");
    assert_eq!(d.replacements.len(), 1);
    assert_eq!(d.replacements[0].code, "BSB50420");
    assert_eq!(d.replacements[0].is_equivalent, Some(true));
    // 31234's scope of it has ended: not counted.
    assert_eq!(d.offered_by.total, 2);

    // Two hops, equivalent all the way.
    let d = run(lookup(&db, &code("BSB51915"))).unwrap();
    assert_eq!(d.replacements[0].code, "BSB50420");
    assert_eq!(d.replacements[0].hops, 2);
    assert_eq!(d.replacements[0].equivalence, Some(Equivalence::E));

    // Not equivalent, with upstream's notes.
    let d = run(lookup(&db, &code("TAE40116"))).unwrap();
    let r = &d.replacements[0];
    assert_eq!(
        (r.code.as_str(), r.is_equivalent),
        ("TAE40122", Some(false))
    );
    assert_eq!(
        d.supersession.superseded_by[0].equivalence,
        Some(Equivalence::N)
    );
    assert!(d.supersession.superseded_by[0]
        .notes
        .as_deref()
        .unwrap()
        .starts_with("Not equivalent"));
}

#[test]
fn a_cycle_in_the_mappings_ends_at_the_depth_bound() {
    let db = fixture::db();
    let d = run(lookup(&db, &code("BSBCYC001"))).unwrap();
    assert!(d.supersession.truncated);
    assert!(d.replacements.is_empty(), "nothing current on the cycle");
    let edges: HashSet<(&str, &str)> = d
        .supersession
        .superseded_by
        .iter()
        .map(|l| (l.from.as_str(), l.to.as_str()))
        .collect();
    assert_eq!(edges.len(), 2, "each mapping listed once");
}

#[test]
fn unknown_and_confidential_codes_are_not_found() {
    let db = fixture::db();
    for c in ["ZZZ99999", "BSB59999"] {
        let e = run(lookup(&db, &code(c))).unwrap_err();
        assert!(matches!(e, CatalogueError::NotFound(_)), "{c}: {e}");
        assert_eq!(e.status(), 404);
        assert!(e.detail().contains(c));
    }
}

#[test]
fn rtos_offering_a_code_page_through_exactly_once() {
    let db = fixture::db();
    let mut expected = vec!["45329".to_owned(), "90001".to_owned()];
    expected.extend(fixture::add_rtos_offering_bsb50420(&db, 23));
    expected.sort();
    let first = run(lookup(&db, &code("BSB50420"))).unwrap().offered_by;
    assert_eq!(first.total, 25);
    assert_eq!(first.page.items.len(), LOOKUP_PAGE as usize);
    let mut seen: Vec<String> = first
        .page
        .items
        .iter()
        .map(|r| r.rto_code.clone())
        .collect();
    let mut cursor = first.page.next_cursor.clone();
    while let Some(c) = cursor {
        let next = run(offered_by(
            &db,
            &code("BSB50420"),
            &Page::after(c, Some(LOOKUP_PAGE)),
        ))
        .unwrap();
        assert_eq!(next.rtos.total, 25);
        seen.extend(next.rtos.page.items.iter().map(|r| r.rto_code.clone()));
        cursor = next.rtos.page.next_cursor;
    }
    assert_eq!(seen, expected);
}

#[test]
fn cricos_courses_of_a_code_and_of_a_code_only_cricos_knows() {
    let db = fixture::db();
    let r = run(cricos_courses(&db, &code("BSB51918"), &Page::default())).unwrap();
    assert_eq!(r.courses.total, 1);
    assert_eq!(r.courses.page.items[0].expired, Some(true));
    assert_eq!(r.freshness.synced_at.as_deref(), Some(fixture::CRICOS));

    let p1 = run(cricos_courses(&db, &code("BSB50420"), &Page::first(1))).unwrap();
    assert_eq!(p1.courses.page.items[0].course_code, "099367G");
    let next = p1.courses.page.next_cursor.unwrap();
    let p2 = run(cricos_courses(
        &db,
        &code("BSB50420"),
        &Page::after(next, Some(1)),
    ))
    .unwrap();
    assert_eq!(p2.courses.page.items[0].course_code, "101234A");
    assert_eq!(p2.courses.page.next_cursor, None);
    assert_eq!(p2.courses.total, 2);

    db.connection()
        .execute_batch(
            "INSERT INTO cricos_courses (course_code, provider_code, course_name, vet_national_code, synced_at)
             VALUES ('055555D', '01234K', 'Certificate III in Something Retired', 'XYZ30108', '2026-11-01T18:00:00Z')",
        )
        .unwrap();
    let r = run(cricos_courses(&db, &code("XYZ30108"), &Page::default())).unwrap();
    assert_eq!(r.title, None);
    assert_eq!(r.courses.total, 1);
    let e = run(cricos_courses(&db, &code("XYZ99999"), &Page::default())).unwrap_err();
    assert!(matches!(e, CatalogueError::NotFound(_)));
}
