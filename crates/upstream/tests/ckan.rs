//! CKAN datastore and the four CRICOS resources.

mod common;

use common::fixture;
use rtopacks_upstream::ckan::cricos::{
    parse_course_locations, parse_courses, parse_fee_cents, parse_institutions, parse_locations,
    parse_number, parse_yes_no, Resource, COURSES_RESOURCE_ID, INSTITUTIONS_RESOURCE_ID,
};
use rtopacks_upstream::ckan::{
    datastore_search_url, parse_datastore_search, parse_resource_show, resource_show_url,
    DATA_GOV_AU,
};
use rtopacks_upstream::UpstreamError;

#[test]
fn urls() {
    assert_eq!(
        datastore_search_url(DATA_GOV_AU, COURSES_RESOURCE_ID, 100, 26_600),
        "https://data.gov.au/data/api/3/action/datastore_search?resource_id=48cacf69-2082-415e-9595-f17d0c3a4af0&limit=100&offset=26600"
    );
    assert_eq!(
        resource_show_url("http://127.0.0.1:8787/ckan/", INSTITUTIONS_RESOURCE_ID),
        "http://127.0.0.1:8787/ckan/resource_show?id=7f6941f3-5327-4db7-b556-5f16d77f63c1"
    );
    assert_eq!(
        datastore_search_url(DATA_GOV_AU, "a b&c", 1, 0),
        "https://data.gov.au/data/api/3/action/datastore_search?resource_id=a%20b%26c&limit=1&offset=0"
    );
}

#[test]
fn resource_ids_are_the_published_ones() {
    let ids: Vec<&str> = Resource::ALL.iter().map(|r| r.id()).collect();
    assert_eq!(
        ids,
        [
            "7f6941f3-5327-4db7-b556-5f16d77f63c1",
            "48cacf69-2082-415e-9595-f17d0c3a4af0",
            "45d29535-1360-4486-8242-3850e61b5524",
            "4cd2de02-8ba3-4eb2-bac2-fe272cae3f5f",
        ]
    );
    assert_eq!(
        Resource::from_id("4cd2de02-8ba3-4eb2-bac2-fe272cae3f5f"),
        Some(Resource::CourseLocations)
    );
}

#[test]
fn raw_datastore_page() {
    let page = parse_datastore_search(&fixture("ckan_institutions.json")).unwrap();
    assert_eq!(page.total, 1565);
    assert_eq!((page.limit, page.offset), (Some(100), Some(0)));
    assert_eq!(page.records.len(), 3);
    assert_eq!(page.records[0]["CRICOS Provider Code"], "00001K");
    assert_eq!(page.fields[0].id, "_id");
    assert_eq!(page.fields[0].field_type, "int");
    assert_eq!(
        page.next.as_deref(),
        Some("/data/api/3/action/datastore_search?resource_id=7f6941f3-5327-4db7-b556-5f16d77f63c1&limit=100&offset=100")
    );
    assert_eq!(page.next_offset(), 3);
    assert!(!page.is_last());
}

#[test]
fn institutions() {
    let page = parse_institutions(&fixture("ckan_institutions.json")).unwrap();
    assert_eq!(page.records.len(), 2);
    let uni = &page.records[0];
    assert_eq!(uni.provider_code.as_str(), "00001K");
    assert_eq!(uni.institution_capacity, Some(45_000));
    assert_eq!(uni.postal_address_line_2, None, "blank");
    assert_eq!(uni.postal_address_line_3, None, "whitespace");
    assert_eq!(uni.postal_address_line_4, None, "null");
    let private = &page.records[1];
    assert_eq!(private.institution_capacity, Some(1200), "a number cell");
    assert_eq!(private.postal_address_postcode.as_deref(), Some("3000"));
    assert_eq!(page.rejected.len(), 1);
    assert_eq!(page.rejected[0].row_id, Some(3));
    assert!(page.rejected[0].reason.contains("CRICOS Provider Code"));
    // Typed rows serialise with the store's column names.
    let json = serde_json::to_value(uni).unwrap();
    assert_eq!(json["provider_code"], "00001K");
    assert_eq!(json["postal_address_city"], "SYDNEY");
}

#[test]
fn courses_with_fees_flags_and_numbers() {
    let page = parse_courses(&fixture("ckan_courses.json")).unwrap();
    assert_eq!(page.total, 26_700);
    assert_eq!(page.offset, Some(200));
    assert_eq!(page.records.len(), 2);
    let c = &page.records[0];
    assert_eq!(c.course_code.as_str(), "099367G");
    assert_eq!(c.provider_code.as_str(), "03389E");
    assert_eq!(c.vet_national_code.as_deref(), Some("BSB50420"));
    assert_eq!(c.dual_qualification, Some(false));
    assert_eq!(c.foundation_studies, Some(false));
    assert_eq!(c.work_component, Some(true));
    assert_eq!(c.work_component_hours_per_week, Some(20.0));
    assert_eq!(c.work_component_weeks, Some(10.5));
    assert_eq!(c.work_component_total_hours, Some(210.0));
    assert_eq!(c.duration_weeks, Some(52.0));
    assert_eq!(c.tuition_fee_cents, Some(1_040_000));
    assert_eq!(c.non_tuition_fee_cents, Some(25_050));
    assert_eq!(c.estimated_total_course_cost_cents, Some(1_065_050));
    assert_eq!(c.expired, Some(false));
    assert_eq!(
        c.field_of_education_1_detailed_field.as_deref(),
        Some("080301 - Business Management")
    );
    assert_eq!(c.field_of_education_2_broad_field, None);

    let odd = &page.records[1];
    assert_eq!(odd.provider_code.as_str(), "03389E", "upper-cased");
    assert_eq!(odd.vet_national_code, None);
    assert_eq!(odd.dual_qualification, Some(true));
    assert_eq!(odd.foundation_studies, None, "blank");
    assert_eq!(odd.work_component, None, "N/A");
    assert_eq!(odd.duration_weeks, Some(104.0), "a number cell");
    assert_eq!(odd.tuition_fee_cents, None, "TBA");
    assert_eq!(odd.non_tuition_fee_cents, Some(0));
    assert_eq!(odd.estimated_total_course_cost_cents, Some(2_100_000));
    assert_eq!(odd.expired, Some(true));

    assert_eq!(page.rejected.len(), 1);
    assert_eq!(page.rejected[0].row_id, Some(203));
    assert!(page.rejected[0].reason.contains("CRICOS course code"));
    assert_eq!(page.next_offset(), 203);
}

#[test]
fn locations_and_course_locations() {
    let page = parse_locations(&fixture("ckan_locations.json")).unwrap();
    assert_eq!(page.records.len(), 1);
    assert_eq!(page.records[0].location_name, "Melbourne Campus");
    assert_eq!(page.records[0].address_line_2, None);
    assert_eq!(page.rejected[0].row_id, Some(2), "blank location name");
    assert!(page.is_last());

    let page = parse_course_locations(&fixture("ckan_course_locations.json")).unwrap();
    assert_eq!(
        page.records.len(),
        3,
        "duplicates kept for the store to collapse"
    );
    assert_eq!(page.records[0], page.records[1]);
    // Headers matched ignoring case and repeated spaces.
    let geelong = &page.records[2];
    assert_eq!(geelong.provider_code.as_str(), "03389E");
    assert_eq!(
        geelong.institution_name.as_deref(),
        Some("Southern Cross Skills Pty Ltd")
    );
    assert_eq!(geelong.course_code.as_str(), "101234A");
}

#[test]
fn resource_show_last_modified() {
    let r = parse_resource_show(&fixture("ckan_resource_show.json")).unwrap();
    assert_eq!(r.id, COURSES_RESOURCE_ID);
    assert_eq!(
        r.last_modified.as_deref(),
        Some("2026-11-02T03:14:15.926535")
    );
    assert_eq!(r.name.as_deref(), Some("CRICOS Courses"));
}

#[test]
fn success_false_is_a_ckan_error() {
    for parse in [
        |b: &[u8]| parse_datastore_search(b).map(|_| ()),
        |b: &[u8]| parse_resource_show(b).map(|_| ()),
        |b: &[u8]| parse_courses(b).map(|_| ()),
    ] {
        match parse(&fixture("ckan_error.json")) {
            Err(UpstreamError::Ckan { kind, message }) => {
                assert_eq!(kind, "Not Found Error");
                assert!(message.starts_with("Not found: Resource"));
            }
            other => panic!("expected a CKAN error, got {other:?}"),
        }
    }
    let validation =
        br#"{"success":false,"error":{"__type":"Validation Error","limit":["Invalid integer"]}}"#;
    assert_eq!(
        parse_datastore_search(validation),
        Err(UpstreamError::Ckan {
            kind: "Validation Error".into(),
            message: r#"limit: ["Invalid integer"]"#.into()
        })
    );
    assert!(matches!(
        parse_datastore_search(br#"{"success":true,"result":{"records":[]}}"#),
        Err(UpstreamError::UnexpectedShape(_))
    ));
    assert!(matches!(
        parse_datastore_search(br#"{"success":true,"result":{"total":1,"reco"#),
        Err(UpstreamError::Truncated(_))
    ));
}

#[test]
fn odd_fee_strings() {
    let cases = [
        ("$10,400.00", Some(1_040_000)),
        ("$0.00", Some(0)),
        ("10400", Some(1_040_000)),
        ("$ 10 400.5", Some(1_040_050)),
        ("AUD 21,000", Some(2_100_000)),
        ("A$99.99", Some(9_999)),
        ("$1,234.565", Some(123_457)),
        ("$1,234.564", Some(123_456)),
        (".5", Some(50)),
        ("-$100.00", Some(-10_000)),
        ("", None),
        ("  ", None),
        ("$", None),
        ("TBA", None),
        ("N/A", None),
        ("$10,400.00 per year", None),
        ("1.2.3", None),
        ("$99999999999999999999", None),
    ];
    for (s, want) in cases {
        assert_eq!(parse_fee_cents(s), want, "{s:?}");
    }
}

#[test]
fn flags_and_numbers() {
    for (s, want) in [
        ("Yes", Some(true)),
        ("NO", Some(false)),
        (" y ", Some(true)),
        ("false", Some(false)),
        ("", None),
        ("Maybe", None),
    ] {
        assert_eq!(parse_yes_no(s), want, "{s:?}");
    }
    for (s, want) in [
        ("52", Some(52.0)),
        ("1,200", Some(1200.0)),
        ("10.5", Some(10.5)),
        ("", None),
        ("20 hours", None),
        ("NaN", None),
        ("inf", None),
    ] {
        assert_eq!(parse_number(s), want, "{s:?}");
    }
}
