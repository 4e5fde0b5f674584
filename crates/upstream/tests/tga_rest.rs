//! The TGA REST API: request paths and lenient parsing of the organisation resources.

mod common;

use chrono::NaiveDate;
use common::fixture;
use rtopacks_domain::tga::ComponentType;
use rtopacks_upstream::tga_rest::{
    organisation_contacts_path, organisation_path, organisation_scope_path, parse_contacts,
    parse_organisation, parse_scope_page, BASE,
};
use rtopacks_upstream::UpstreamError;

fn date(s: &str) -> Option<NaiveDate> {
    Some(s.parse().unwrap())
}

#[test]
fn paths_carry_the_api_version_and_escape_the_code() {
    assert_eq!(
        format!("{BASE}{}", organisation_path("45329")),
        "https://training.gov.au/api/organisation/45329?include=all&api-version=1.0"
    );
    assert_eq!(
        organisation_contacts_path("45329"),
        "/organisation/45329/contacts?api-version=1.0"
    );
    assert_eq!(
        organisation_scope_path("45329", 200, 100),
        "/organisation/45329/scope?offset=200&pageSize=100&api-version=1.0"
    );
    assert_eq!(
        organisation_path("45/3?29&x"),
        "/organisation/45%2F3%3F29%26x?include=all&api-version=1.0"
    );
}

#[test]
fn organisation_with_everything_included() {
    let o = parse_organisation(&fixture("rest_organisation.json")).unwrap();
    assert_eq!(o.code.as_deref(), Some("45329"));
    assert_eq!(
        o.status.as_deref(),
        Some("Current"),
        "object status read by name"
    );
    assert_eq!(
        o.legal_names[0].abns,
        ["51824753556"],
        "nulls in lists dropped"
    );
    assert_eq!(o.trading_names[0].start_date, date("2014-01-01"));
    assert_eq!(
        o.trading_names[1].name.as_deref(),
        Some("SCS Online"),
        "bare string"
    );
    assert_eq!(o.addresses.len(), 3);
    let postal = o.addresses[1].address.as_ref().unwrap();
    assert_eq!(
        postal.postcode.as_deref(),
        Some("3000"),
        "number read as text"
    );

    let d = o.to_details();
    assert!(d.is_rto);
    assert_eq!(d.codes[0].code, "45329");
    assert_eq!(
        d.responsible_legal_persons[0].name.as_deref(),
        Some("Southern Cross Skills Pty Ltd")
    );
    assert_eq!(d.trading_names.len(), 2);
    assert_eq!(
        d.urls[0].link.as_deref(),
        Some("https://scskills.example.edu.au")
    );
    assert_eq!(d.registration_periods[0].end_date, date("2031-03-04"));
    assert_eq!(d.classifications[0].value_code.as_deref(), Some("91"));
    // Head office and delivery location; the postal address is not a location.
    let suburbs: Vec<&str> = d
        .locations
        .iter()
        .map(|l| l.address.as_ref().unwrap().suburb.as_deref().unwrap())
        .collect();
    assert_eq!(suburbs, ["MELBOURNE", "GEELONG"]);
    assert_eq!(
        d.locations[0]
            .address
            .as_ref()
            .unwrap()
            .state_code
            .as_deref(),
        Some("VIC")
    );
}

#[test]
fn contacts_bare_or_wrapped() {
    let contacts = parse_contacts(&fixture("rest_contacts.json")).unwrap();
    assert_eq!(contacts.len(), 2);
    assert_eq!(contacts[0].contact_type.as_deref(), Some("Chief Executive"));
    let c = contacts[0].to_contact();
    assert_eq!(c.first_name.as_deref(), Some("Jane"));
    assert_eq!(
        c.postal_address.unwrap().line1.as_deref(),
        Some("PO Box 123")
    );
    assert_eq!(contacts[1].email, None);

    let wrapped = br#"{"value":[{"firstName":"Jane"}],"count":1}"#;
    assert_eq!(
        parse_contacts(wrapped).unwrap()[0].first_name.as_deref(),
        Some("Jane")
    );
    assert!(parse_contacts(br#"{"value":null}"#).unwrap().is_empty());
}

#[test]
fn scope_page() {
    let page = parse_scope_page(&fixture("rest_scope.json")).unwrap();
    assert_eq!(page.count, Some(342));
    assert_eq!(page.value.len(), 4);
    let entries: Vec<_> = page
        .value
        .iter()
        .filter_map(|s| s.to_scope_entry())
        .collect();
    assert_eq!(entries.len(), 3, "the codeless row is dropped");
    assert_eq!(entries[0].nrt_code, "BSB50420");
    assert_eq!(
        entries[0].component_type,
        Some(ComponentType::Qualification)
    );
    assert_eq!(
        entries[0].title.as_deref(),
        Some("Diploma of Leadership and Management")
    );
    assert_eq!(
        entries[0].extent_code.as_deref(),
        Some("Deliver and assess")
    );
    assert_eq!(entries[0].end_date, date("2031-03-04"));
    assert_eq!(entries[1].component_type, Some(ComponentType::Unit));
    assert!(entries[1].is_implicit);
    assert!(entries[2].is_refused);
    assert_eq!(
        entries[2].start_date, None,
        "an unreadable date is dropped, not fatal"
    );
}

#[test]
fn bad_json_is_typed() {
    assert!(matches!(
        parse_organisation(b"<html>500</html>"),
        Err(UpstreamError::MalformedJson(_))
    ));
    let full = fixture("rest_scope.json");
    assert!(matches!(
        parse_scope_page(&full[..full.len() / 2]),
        Err(UpstreamError::Truncated(_))
    ));
    assert!(matches!(
        parse_scope_page(b""),
        Err(UpstreamError::Truncated(_))
    ));
}
