//! The request bodies the builders produce, and the response fixtures the parsers are
//! tested on, validated against the published XSDs (copied into `fixtures/xsd`) with
//! xmllint (`scripts/setup` installs it). Outside CI a machine without xmllint skips with
//! a note; in CI (`CI` set) a missing xmllint fails the test, so the check cannot vanish.

mod common;

use chrono::{TimeZone, Utc};
use common::{body_content, fixture, xmllint};
use rtopacks_domain::tga::ComponentType;
use rtopacks_upstream::tga_soap::{
    ComponentInformationRequested, ComponentTypeFilter, Credentials,
    OrganisationInformationRequested, PageWindow, SoapConfig, SoapRequest, TgaSoap,
};

const COMPONENTS_XSD: &str = "TrainingComponentService.xsd";
const ORGANISATIONS_XSD: &str = "OrganisationService.xsd";

fn check(doc: &str, xsd: &str, what: &str) -> bool {
    match xmllint(doc, xsd) {
        None => {
            assert!(
                std::env::var_os("CI").is_none(),
                "xmllint is required in CI (scripts/setup installs it)"
            );
            eprintln!("xmllint not installed: skipping XSD validation of {what}");
            false
        }
        Some(Ok(())) => true,
        Some(Err(e)) => panic!("{what} does not validate against {xsd}:\n{e}\n{doc}"),
    }
}

fn requests() -> Vec<(SoapRequest, &'static str)> {
    let s = TgaSoap::new(
        SoapConfig::base(),
        Credentials {
            username: "u".into(),
            password: "p".into(),
        },
    );
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap();
    let w = PageWindow {
        page_number: 1,
        page_size: 1000,
        start: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
        end: now,
    };
    vec![
        (
            s.search_components_by_modified_date(&w, &ComponentTypeFilter::all(), now),
            COMPONENTS_XSD,
        ),
        (
            s.search_components_by_modified_date(
                &w,
                &ComponentTypeFilter::only(&[ComponentType::SkillSet]),
                now,
            ),
            COMPONENTS_XSD,
        ),
        (s.search_components_deleted(&w, now), COMPONENTS_XSD),
        (
            s.component_details("BSB50420", &ComponentInformationRequested::mirror(), now),
            COMPONENTS_XSD,
        ),
        (
            s.component_details("a&b<c>", &ComponentInformationRequested::default(), now),
            COMPONENTS_XSD,
        ),
        (
            s.search_organisations_by_modified_date(&w, now),
            ORGANISATIONS_XSD,
        ),
        (s.search_organisations_deleted(&w, now), ORGANISATIONS_XSD),
        (
            s.organisation_details("45329", &OrganisationInformationRequested::mirror(), now),
            ORGANISATIONS_XSD,
        ),
    ]
}

#[test]
fn request_bodies_validate_against_the_xsd() {
    for (req, xsd) in requests() {
        let what = format!("{:?} {}", req.service, req.operation);
        if !check(body_content(&req.body, "s"), xsd, &what) {
            return;
        }
    }
}

#[test]
fn response_fixtures_validate_against_the_xsd() {
    // IsEssential is the one element the README adds to the base schema.
    let fixtures = [
        ("component_search.xml", COMPONENTS_XSD),
        ("component_details.xml", COMPONENTS_XSD),
        ("component_details_nil.xml", COMPONENTS_XSD),
        ("component_deleted.xml", COMPONENTS_XSD),
        ("organisation_search.xml", ORGANISATIONS_XSD),
        ("organisation_deleted.xml", ORGANISATIONS_XSD),
        ("organisation_details.xml", ORGANISATIONS_XSD),
    ];
    for (name, xsd) in fixtures {
        let xml = String::from_utf8(fixture(name)).unwrap();
        let body = body_content(&xml, "s")
            .replace("<IsEssential>true</IsEssential>", "")
            .replace("<IsEssential>false</IsEssential>", "");
        if !check(&body, xsd, name) {
            return;
        }
    }
}
