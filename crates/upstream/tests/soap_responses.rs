//! Every SOAP response parser against hand-written fixtures shaped per the XSD, and
//! every way a response can go wrong.

mod common;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use common::fixture;
use rtopacks_domain::tga::{
    Address, ComponentType, DeleteOperation, UsageRecommendationState as State,
};
use rtopacks_upstream::tga_soap::{
    parse_component_deleted, parse_component_details, parse_component_search,
    parse_organisation_deleted, parse_organisation_details, parse_organisation_search,
};
use rtopacks_upstream::UpstreamError;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

fn date(s: &str) -> Option<NaiveDate> {
    Some(s.parse().unwrap())
}

#[test]
fn component_search_page() {
    let page = parse_component_search(&fixture("component_search.xml")).unwrap();
    assert_eq!(
        (page.count, page.page_number, page.page_size),
        (203, 1, 100)
    );
    assert_eq!(page.page_count(), 3);
    assert!(!page.is_last());
    let codes: Vec<&str> = page.results.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(codes, ["BSB50420", "BSBOPS501", "BSB51918"]);

    let q = &page.results[0];
    assert_eq!(q.component_type, Some(ComponentType::Qualification));
    assert_eq!(
        q.title.as_deref(),
        Some("Diploma of Leadership and Management")
    );
    assert_eq!(q.is_current, Some(true));
    // Omitted when false (EmitDefaultValue=false).
    assert!(!q.is_confidential);
    assert_eq!(q.usage_recommendation, Some(State::Current));
    // DateTime with Z is the instant; OffsetMinutes only says how it was displayed.
    assert_eq!(q.created, Some(utc(2020, 6, 23, 14, 0, 0)));
    assert_eq!(
        q.updated,
        Some(utc(2026, 11, 20, 3, 15, 42) + chrono::Duration::milliseconds(517))
    );

    // A DateTime without a zone is local time at OffsetMinutes (+11:00).
    let u = &page.results[1];
    assert_eq!(u.component_type, Some(ComponentType::Unit));
    assert_eq!(u.updated, Some(utc(2026, 11, 20, 22, 30, 0)));

    let old = &page.results[2];
    assert_eq!(old.is_current, None, "xsi:nil reads as absent");
    assert_eq!(old.usage_recommendation, Some(State::Superseded));
}

#[test]
fn component_details_for_a_qualification() {
    let d = parse_component_details(&fixture("component_details.xml"))
        .unwrap()
        .expect("details");
    assert_eq!(d.code, "BSB50420");
    assert_eq!(d.component_type, Some(ComponentType::Qualification));
    assert_eq!(d.parent_code.as_deref(), Some("BSB"));
    assert_eq!(
        d.parent_title.as_deref(),
        Some("Business Services Training Package")
    );
    assert_eq!(d.created, Some(utc(2020, 6, 23, 14, 0, 0)));

    let schemes: Vec<(Option<&str>, Option<&str>)> = d
        .classifications
        .iter()
        .map(|c| (c.scheme_code.as_deref(), c.value_code.as_deref()))
        .collect();
    assert_eq!(
        schemes,
        [
            (Some("01"), Some("511111")),
            (Some("04"), Some("080301")),
            (Some("05"), Some("421"))
        ]
    );
    assert_eq!(d.classifications[0].start_date, date("2020-06-24"));

    let m = &d.mappings[0];
    assert_eq!(m.maps_to_code.as_deref(), Some("BSB51918"));
    assert_eq!(m.is_equivalent, Some(false));
    assert_eq!(
        m.notes.as_deref(),
        Some("Supersedes and is not equivalent to BSB51918 Diploma of Leadership & Management. Updated packaging rules <core units>.")
    );

    assert_eq!(d.releases.len(), 1);
    let r = &d.releases[0];
    assert_eq!(r.release_number.as_deref(), Some("1"));
    assert_eq!(r.release_date, date("2020-06-24"));
    assert_eq!(r.currency.as_deref(), Some("Current"));
    let grid: Vec<(&str, Option<bool>)> = r
        .unit_grid
        .iter()
        .map(|e| (e.code.as_str(), e.is_essential))
        .collect();
    assert_eq!(
        grid,
        [
            ("BSBCMM511", Some(true)),
            ("BSBCRT511", Some(true)),
            ("BSBOPS501", Some(false))
        ]
    );
    assert_eq!(
        r.unit_grid[2].title.as_deref(),
        Some("Manage business resources")
    );

    assert_eq!(d.usage_recommendations.len(), 1);
    assert_eq!(d.current_status(), Some(State::Current));
    assert_eq!(d.currency_periods[0].start_date, date("2020-06-24"));
    assert_eq!(
        d.currency_periods[0].authority.as_deref(),
        Some("Australian Industry and Skills Committee")
    );
}

#[test]
fn versioned_details_with_other_prefixes_unknown_elements_and_nils() {
    let d = parse_component_details(&fixture("component_details_v12.xml"))
        .unwrap()
        .expect("details");
    assert_eq!(d.code, "BSB51918");
    assert_eq!(
        d.title.as_deref(),
        Some("Diploma of Leadership & Management \u{2014} superseded")
    );
    assert!(d.classifications.is_empty(), "nil list");
    assert_eq!(d.parent_title, None, "nil string");
    // A zoned DateTime is the instant whatever OffsetMinutes says.
    assert_eq!(d.updated, Some(utc(2022, 2, 28, 23, 0, 0)));
    // No zone: local at +11:00.
    assert_eq!(d.created, Some(utc(2018, 1, 15, 13, 0, 0)));

    let m = &d.mappings[0];
    assert_eq!(m.maps_to_title, None);
    assert_eq!(m.title, None);
    assert_eq!(
        m.notes.as_deref(),
        Some("Superseded by BSB50420 <see mapping>")
    );

    assert_eq!(d.releases.len(), 1, "the nil Release is skipped");
    let r = &d.releases[0];
    assert_eq!(r.currency_status.as_deref(), Some("Superseded"));
    assert_eq!(
        r.files[0].relative_path.as_deref(),
        Some("BSB51918_R1.docx")
    );
    assert_eq!(r.files[0].size, Some(120_431));
    // IsEssential omitted on an entry of a grid that publishes it: an elective.
    let grid: Vec<(&str, Option<bool>)> = r
        .unit_grid
        .iter()
        .map(|e| (e.code.as_str(), e.is_essential))
        .collect();
    assert_eq!(
        grid,
        [("BSBLDR511", Some(true)), ("BSBOPS501", Some(false))]
    );

    // The latest recommendation wins, whatever the document order.
    assert_eq!(d.current_status(), Some(State::Superseded));
    assert_eq!(d.usage_recommendations[0].end_date, date("2020-06-24"));
    assert_eq!(d.usage_recommendations[1].end_date, None);
}

#[test]
fn base_schema_grids_without_is_essential_stay_unknown() {
    let xml = String::from_utf8(fixture("component_details.xml"))
        .unwrap()
        .replace("<IsEssential>true</IsEssential>", "")
        .replace("<IsEssential>false</IsEssential>", "");
    let d = parse_component_details(xml.as_bytes()).unwrap().unwrap();
    assert!(d.releases[0]
        .unit_grid
        .iter()
        .all(|e| e.is_essential.is_none()));
}

#[test]
fn a_nil_details_result_is_none() {
    assert_eq!(
        parse_component_details(&fixture("component_details_nil.xml")).unwrap(),
        None
    );
}

#[test]
fn component_tombstones() {
    let deleted = parse_component_deleted(&fixture("component_deleted.xml")).unwrap();
    assert_eq!(deleted.len(), 2);
    assert_eq!(deleted[0].code, "BSBXYZ999");
    assert_eq!(deleted[0].operation, DeleteOperation::PhysicalDelete);
    assert_eq!(deleted[0].updated, utc(2026, 11, 23, 22, 10, 5));
    assert_eq!(deleted[1].operation, DeleteOperation::LogicalDelete);
    assert_eq!(deleted[1].updated, utc(2026, 11, 23, 23, 0, 0));
}

#[test]
fn a_tombstone_without_its_operation_is_refused() {
    let xml = String::from_utf8(fixture("component_deleted.xml"))
        .unwrap()
        .replace(
            "<Operation>LogicalDelete</Operation>",
            "<Operation>Purged</Operation>",
        );
    assert_eq!(
        parse_component_deleted(xml.as_bytes()),
        Err(UpstreamError::BadValue {
            field: "Operation".into(),
            value: "Purged".into()
        })
    );
}

#[test]
fn organisation_search_page() {
    let page = parse_organisation_search(&fixture("organisation_search.xml")).unwrap();
    assert_eq!((page.count, page.page_number, page.page_size), (2, 1, 50));
    assert!(page.is_last());
    let o = &page.results[0];
    assert_eq!(o.code, "45329");
    assert_eq!(o.data_manager_code.as_deref(), Some("ASQA"));
    assert!(o.has_active_registration);
    assert_eq!(
        o.legal_person_name.as_deref(),
        Some("Southern Cross Skills Pty Ltd")
    );
    assert_eq!(
        o.trading_name.as_deref(),
        Some("Southern Cross Skills Academy")
    );
    assert_eq!(o.updated, Some(utc(2026, 11, 23, 5, 0, 0)));
    let old = &page.results[1];
    assert_eq!(old.code, "0275", "leading zeros kept");
    assert!(!old.has_active_registration);
    assert_eq!(old.trading_name, None);
}

#[test]
fn organisation_tombstones() {
    let deleted = parse_organisation_deleted(&fixture("organisation_deleted.xml")).unwrap();
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].code, "91234");
    assert_eq!(deleted[0].operation, DeleteOperation::LogicalDelete);
    assert_eq!(deleted[0].updated, utc(2026, 11, 23, 1, 2, 3));
}

#[test]
fn rto_details() {
    let o = parse_organisation_details(&fixture("organisation_details.xml"))
        .unwrap()
        .expect("details");
    assert!(o.is_rto);
    assert_eq!(o.codes[0].code, "45329");
    assert_eq!(o.codes[0].start_date, date("2012-03-05"));
    assert_eq!(o.created, Some(utc(2012, 3, 4, 13, 0, 0)));
    assert_eq!(o.updated, Some(utc(2026, 11, 23, 5, 0, 0)));

    assert_eq!(o.contacts.len(), 2);
    let ceo = &o.contacts[0];
    assert_eq!(ceo.last_name.as_deref(), Some("O'Brien"));
    assert_eq!(ceo.role_code.as_deref(), Some("CEO"));
    assert_eq!(ceo.type_code.as_deref(), Some("1"));
    assert_eq!(
        ceo.postal_address,
        Some(Address {
            line1: Some("PO Box 123".into()),
            suburb: Some("MELBOURNE".into()),
            state_code: Some("02".into()),
            postcode: Some("3000".into()),
            country_code: Some("1101".into()),
            ..Address::default()
        })
    );
    let old = &o.contacts[1];
    assert_eq!((old.email.as_deref(), old.phone.as_deref()), (None, None));
    assert_eq!(old.postal_address, None);
    assert_eq!(old.end_date, date("2021-06-30"));
    assert_eq!(old.title.as_deref(), Some("Mx"));

    assert_eq!(o.data_managers[0].code, "ASQA");
    let addr = o.locations[0].address.as_ref().unwrap();
    assert_eq!(addr.line2.as_deref(), Some("Suite 2"));

    let lp = &o.responsible_legal_persons[0];
    assert_eq!(lp.name.as_deref(), Some("Southern Cross Skills Pty Ltd"));
    assert_eq!(lp.abns, ["51824753556"]);
    assert_eq!(lp.acn.as_deref(), Some("824753556"));

    assert_eq!(o.trading_names.len(), 2);
    assert_eq!(
        o.trading_names[1].name.as_deref(),
        Some("SCS Training & Assessment")
    );
    assert_eq!(o.trading_names[1].end_date, date("2013-12-31"));
    assert_eq!(
        o.urls[0].link.as_deref(),
        Some("https://scskills.example.edu.au/?a=1&b=2")
    );
    assert_eq!(o.classifications[0].value_code.as_deref(), Some("91"));
    assert_eq!(o.registration_managers[0].code, "ASQA");

    let periods = &o.registration_periods;
    assert_eq!(periods.len(), 2);
    assert_eq!(periods[0].start_date, date("2024-03-05"));
    assert_eq!(periods[0].end_date, date("2031-03-04"));
    assert_eq!(periods[1].end_reason_code.as_deref(), Some("RENEWED"));
    assert_eq!(periods[1].legal_authority, None);

    assert_eq!(o.restrictions[0].code.as_deref(), Some("COND"));
    assert!(o.restrictions[0]
        .restriction
        .as_deref()
        .unwrap()
        .starts_with("Must not enrol"));

    let scopes: Vec<(&str, Option<ComponentType>, bool, bool)> = o
        .scopes
        .iter()
        .map(|s| {
            (
                s.nrt_code.as_str(),
                s.component_type,
                s.is_implicit,
                s.is_refused,
            )
        })
        .collect();
    assert_eq!(
        scopes,
        [
            ("BSB50420", Some(ComponentType::Qualification), false, false),
            ("BSBOPS501", Some(ComponentType::Unit), true, false),
            ("BSB60420", Some(ComponentType::Qualification), false, true),
        ]
    );
    assert_eq!(o.scopes[0].extent_code.as_deref(), Some("01"));
    assert_eq!(o.scopes[0].end_date, date("2031-03-04"));
    assert_eq!(o.scopes[2].extent_code, None);
}

#[test]
fn a_plain_organisation_is_not_an_rto() {
    let xml = String::from_utf8(fixture("organisation_details.xml"))
        .unwrap()
        .replace(r#" i:type="Rto""#, "");
    let o = parse_organisation_details(xml.as_bytes()).unwrap().unwrap();
    assert!(!o.is_rto);
    // Prefixed type names resolve to the same local name.
    let xml = String::from_utf8(fixture("organisation_details.xml"))
        .unwrap()
        .replace(
            r#"i:type="Rto""#,
            r#"i:type="b:Rto" xmlns:b="http://training.gov.au/services/""#,
        );
    assert!(
        parse_organisation_details(xml.as_bytes())
            .unwrap()
            .unwrap()
            .is_rto
    );
}

#[test]
fn a_validation_fault_is_a_typed_error() {
    let err = parse_component_search(&fixture("soap_fault_validation.xml")).unwrap_err();
    let UpstreamError::SoapFault(f) = err else {
        panic!("expected a SOAP fault, got {err:?}");
    };
    assert_eq!(f.code, "s:Client");
    assert_eq!(f.message, "The request is invalid.");
    assert_eq!(f.validation_errors.len(), 1);
    let v = &f.validation_errors[0];
    assert_eq!(v.code.as_deref(), Some("E1001"));
    assert_eq!(v.validation_target.as_deref(), Some("PageSize"));
    assert_eq!(v.severity.as_deref(), Some("Error"));
    assert_eq!(v.sub_code, None);
}

#[test]
fn an_unknown_code_is_a_not_found_fault() {
    let xml = String::from_utf8(fixture("soap_fault_validation.xml"))
        .unwrap()
        .replace(
            "The request is invalid.",
            "Training component with code 'XYZ' could not be found.",
        );
    match parse_component_details(xml.as_bytes()) {
        Err(UpstreamError::SoapFault(f)) => assert!(f.is_not_found()),
        other => panic!("expected a fault, got {other:?}"),
    }
    let err = parse_component_details(&fixture("soap_fault_validation.xml")).unwrap_err();
    assert!(matches!(err, UpstreamError::SoapFault(f) if !f.is_not_found()));
}

#[test]
fn the_message_size_quota_fault_has_its_own_variant() {
    for parse in [
        |b: &[u8]| parse_component_search(b).map(|_| ()),
        |b: &[u8]| parse_organisation_search(b).map(|_| ()),
        |b: &[u8]| parse_component_details(b).map(|_| ()),
    ] {
        match parse(&fixture("soap_fault_quota.xml")) {
            Err(UpstreamError::MessageSizeQuota(m)) => {
                assert!(m.contains("maximum message size quota"))
            }
            other => panic!("expected the quota variant, got {other:?}"),
        }
    }
}

#[test]
fn malformed_xml_is_an_error_not_a_panic() {
    let cases: [&[u8]; 6] = [
        b"<s:Envelope xmlns:s='x'><s:Body></s:Envelope>",
        b"<a><b>text</a></b>",
        b"<a>&nbsp;</a>",
        b"</a>",
        b"\xff\xfe<a/>",
        b"<a attr=unquoted/>",
    ];
    for bytes in cases {
        match parse_component_search(bytes) {
            Err(UpstreamError::MalformedXml(_)) => {}
            other => panic!(
                "{:?}: expected MalformedXml, got {other:?}",
                String::from_utf8_lossy(bytes)
            ),
        }
    }
}

#[test]
fn a_truncated_document_says_so() {
    let full = fixture("organisation_details.xml");
    for cut in [
        0,
        1,
        40,
        full.len() / 3,
        full.len() / 2,
        full.len() - 20,
        full.len() - 2,
    ] {
        match parse_organisation_details(&full[..cut]) {
            Err(UpstreamError::Truncated(_)) => {}
            other => panic!("cut at {cut}: expected Truncated, got {other:?}"),
        }
    }
}

#[test]
fn every_prefix_of_every_fixture_fails_cleanly() {
    // No panic on any cut: each prefix is an error or (for the whole file) a value.
    for name in [
        "component_search.xml",
        "component_details_v12.xml",
        "organisation_details.xml",
        "soap_fault_validation.xml",
    ] {
        let full = fixture(name);
        for cut in (0..full.len()).step_by(5) {
            let _ = parse_component_search(&full[..cut]);
            let _ = parse_component_details(&full[..cut]);
            let _ = parse_organisation_details(&full[..cut]);
        }
    }
}

#[test]
fn a_response_for_another_operation_or_not_soap_is_unexpected() {
    let err = parse_component_search(&fixture("component_details.xml")).unwrap_err();
    assert!(
        matches!(&err, UpstreamError::UnexpectedShape(m) if m.contains("SearchByModifiedDateResponse")),
        "{err:?}"
    );
    let html = b"<html><body><h1>Service Unavailable</h1></body></html>";
    assert!(matches!(
        parse_component_details(html),
        Err(UpstreamError::UnexpectedShape(_))
    ));
}

#[test]
fn bad_values_are_typed_errors() {
    let xml = String::from_utf8(fixture("component_search.xml"))
        .unwrap()
        .replace("<Count>203</Count>", "<Count>lots</Count>");
    assert_eq!(
        parse_component_search(xml.as_bytes()),
        Err(UpstreamError::BadValue {
            field: "Count".into(),
            value: "lots".into()
        })
    );
    let xml = String::from_utf8(fixture("component_details.xml"))
        .unwrap()
        .replace(
            "<ReleaseDate>2020-06-24</ReleaseDate>",
            "<ReleaseDate>24/06/2020</ReleaseDate>",
        );
    assert!(matches!(
        parse_component_details(xml.as_bytes()),
        Err(UpstreamError::BadValue { field, .. }) if field == "ReleaseDate"
    ));
}
