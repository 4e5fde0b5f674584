//! Every SOAP request builder: envelope, WS-Security header, element names, their
//! namespaces and order (the XSD sequences), escaping, SOAPAction and path.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::{body_outline, outline};
use rtopacks_domain::tga::ComponentType;
use rtopacks_upstream::tga_soap::{
    ComponentInformationRequested, ComponentTypeFilter, Credentials,
    OrganisationInformationRequested, PageWindow, Service, SoapConfig, TgaSoap, CONTENT_TYPE,
    PRODUCTION_HOST,
};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap()
}

fn soap(config: SoapConfig) -> TgaSoap {
    TgaSoap::new(
        config,
        Credentials {
            username: "WebService.Read".into(),
            password: "s3cret".into(),
        },
    )
}

fn window() -> PageWindow {
    PageWindow {
        page_number: 2,
        page_size: 500,
        start: Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap(),
        end: Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 15).unwrap(),
    }
}

/// The window's part of a request: `PageNumber, PageSize, EndDate, StartDate`.
fn window_outline(op: &str) -> Vec<String> {
    let r = format!("tns:{op}/tns:request");
    vec![
        format!("{r}/tns:PageNumber = 2"),
        format!("{r}/tns:PageSize = 500"),
        format!("{r}/tns:EndDate"),
        format!("{r}/tns:EndDate/sys:DateTime = 2026-11-24T09:30:15Z"),
        format!("{r}/tns:EndDate/sys:OffsetMinutes = 0"),
        format!("{r}/tns:StartDate"),
        format!("{r}/tns:StartDate/sys:DateTime = 2026-11-23T00:00:00Z"),
        format!("{r}/tns:StartDate/sys:OffsetMinutes = 0"),
    ]
}

#[test]
fn every_request_carries_the_ws_security_header() {
    let req = soap(SoapConfig::base()).component_details(
        "BSB50420",
        &ComponentInformationRequested::mirror(),
        now(),
    );
    let header: Vec<String> = outline(&req.body)
        .into_iter()
        .filter(|l| !l.starts_with("soap:Envelope/soap:Body"))
        .collect();
    let s = "soap:Envelope/soap:Header/wsse:Security";
    assert_eq!(
        header,
        vec![
            "soap:Envelope".to_owned(),
            "soap:Envelope/soap:Header".to_owned(),
            s.to_owned(),
            format!("{s}/wsu:Timestamp"),
            format!("{s}/wsu:Timestamp/wsu:Created = 2026-11-24T10:00:00.000Z"),
            format!("{s}/wsu:Timestamp/wsu:Expires = 2026-11-24T10:05:00.000Z"),
            format!("{s}/wsse:UsernameToken"),
            format!("{s}/wsse:UsernameToken/wsse:Username = WebService.Read"),
            format!("{s}/wsse:UsernameToken/wsse:Password = s3cret"),
        ]
    );
    assert!(req
        .body
        .starts_with(r#"<?xml version="1.0" encoding="utf-8"?>"#));
    assert!(req.body.contains(r#"<o:Security s:mustUnderstand="1""#));
    assert!(req.body.contains(r#"<o:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">"#));
    assert!(req.body.contains(r#"<u:Timestamp u:Id="_0">"#));
    // The password never shows in debug output.
    assert!(!format!("{:?}", soap(SoapConfig::base())).contains("s3cret"));
}

#[test]
fn components_search_by_modified_date() {
    let req = soap(SoapConfig::base()).search_components_by_modified_date(
        &window(),
        &ComponentTypeFilter::only(&[ComponentType::Qualification, ComponentType::Unit]),
        now(),
    );
    assert_eq!(req.service, Service::TrainingComponent);
    assert_eq!(req.operation, "SearchByModifiedDate");
    assert_eq!(
        req.soap_action,
        r#""http://training.gov.au/services/ITrainingComponentService/SearchByModifiedDate""#
    );
    assert_eq!(
        req.url(PRODUCTION_HOST),
        "https://ws.training.gov.au/Deewr.Tga.WebServices/TrainingComponentService.svc/Training"
    );
    assert_eq!(
        req.headers(),
        [
            ("Content-Type", CONTENT_TYPE),
            ("SOAPAction", req.soap_action.as_str())
        ]
    );
    let op = "SearchByModifiedDate";
    let t = format!("tns:{op}/tns:request/tns:TrainingComponentTypes");
    let mut expected = vec![format!("tns:{op}"), format!("tns:{op}/tns:request")];
    expected.extend(window_outline(op));
    expected.extend([
        t.clone(),
        format!("{t}/tns:IncludeAccreditedCourse = false"),
        format!("{t}/tns:IncludeAccreditedCourseModule = false"),
        format!("{t}/tns:IncludeQualification = true"),
        format!("{t}/tns:IncludeSkillSet = false"),
        format!("{t}/tns:IncludeTrainingPackage = false"),
        format!("{t}/tns:IncludeUnit = true"),
        format!("{t}/tns:IncludeUnitContextualisation = false"),
    ]);
    assert_eq!(body_outline(&req.body), expected);
}

#[test]
fn components_search_deleted() {
    let req = soap(SoapConfig::base()).search_components_deleted(&window(), now());
    let op = "SearchDeletedByDeletedDate";
    assert_eq!(
        req.soap_action,
        r#""http://training.gov.au/services/ITrainingComponentService/SearchDeletedByDeletedDate""#
    );
    let mut expected = vec![format!("tns:{op}"), format!("tns:{op}/tns:request")];
    expected.extend(window_outline(op));
    assert_eq!(body_outline(&req.body), expected);
}

#[test]
fn component_details_asks_for_what_the_mirror_stores() {
    let req = soap(SoapConfig::base()).component_details(
        "BSB50420",
        &ComponentInformationRequested::mirror(),
        now(),
    );
    assert_eq!(
        req.soap_action,
        r#""http://training.gov.au/services/ITrainingComponentService/GetDetails""#
    );
    let r = "tns:GetDetails/tns:request";
    let i = format!("{r}/tns:InformationRequest");
    let flags = [
        ("ShowClassifications", true),
        ("ShowCompletionMapping", false),
        ("ShowComponents", false),
        ("ShowContacts", false),
        ("ShowCurrencyPeriods", true),
        ("ShowDataManagers", false),
        ("ShowFiles", false),
        ("ShowMappingInformation", true),
        ("ShowRecognitionManagers", false),
        ("ShowReleases", true),
        ("ShowUnitGrid", true),
        ("ShowUsageRecommendation", true),
    ];
    let mut expected = vec![
        "tns:GetDetails".to_owned(),
        r.to_owned(),
        format!("{r}/tns:Code = BSB50420"),
        i.clone(),
    ];
    expected.extend(flags.iter().map(|(f, v)| format!("{i}/tns:{f} = {v}")));
    assert_eq!(body_outline(&req.body), expected);
}

#[test]
fn organisations_search_by_modified_date_and_deleted() {
    let s = soap(SoapConfig::base());
    let req = s.search_organisations_by_modified_date(&window(), now());
    assert_eq!(req.service, Service::Organisation);
    assert_eq!(
        req.soap_action,
        r#""http://training.gov.au/services/IOrganisationService/SearchByModifiedDate""#
    );
    assert_eq!(
        req.path,
        "/Deewr.Tga.WebServices/OrganisationService.svc/Organisation"
    );
    let op = "SearchByModifiedDate";
    let mut expected = vec![format!("tns:{op}"), format!("tns:{op}/tns:request")];
    expected.extend(window_outline(op));
    assert_eq!(body_outline(&req.body), expected);

    let req = s.search_organisations_deleted(&window(), now());
    assert_eq!(
        req.soap_action,
        r#""http://training.gov.au/services/IOrganisationService/SearchDeletedByDeletedDate""#
    );
    let op = "SearchDeletedByDeletedDate";
    let mut expected = vec![format!("tns:{op}"), format!("tns:{op}/tns:request")];
    expected.extend(window_outline(op));
    assert_eq!(body_outline(&req.body), expected);
}

#[test]
fn organisation_details_uses_information_requested() {
    let req = soap(SoapConfig::base()).organisation_details(
        "45329",
        &OrganisationInformationRequested::mirror(),
        now(),
    );
    assert_eq!(
        req.soap_action,
        r#""http://training.gov.au/services/IOrganisationService/GetDetails""#
    );
    let r = "tns:GetDetails/tns:request";
    let i = format!("{r}/tns:InformationRequested");
    let flags = [
        ("ShowCodes", true),
        ("ShowContacts", true),
        ("ShowDataManagers", true),
        ("ShowExplicitScope", true),
        ("ShowImplicitScope", false),
        ("ShowLocations", true),
        ("ShowRegistrationManagers", true),
        ("ShowRegistrationPeriods", true),
        ("ShowResponsibleLegalPersons", true),
        ("ShowRestrictions", true),
        ("ShowRtoClassifications", true),
        ("ShowRtoDeliveryNotification", false),
        ("ShowTradingNames", true),
        ("ShowUrls", true),
    ];
    let mut expected = vec![
        "tns:GetDetails".to_owned(),
        r.to_owned(),
        format!("{r}/tns:Code = 45329"),
        i.clone(),
    ];
    expected.extend(flags.iter().map(|(f, v)| format!("{i}/tns:{f} = {v}")));
    assert_eq!(body_outline(&req.body), expected);
}

#[test]
fn every_value_is_escaped() {
    let s = TgaSoap::new(
        SoapConfig::base(),
        Credentials {
            username: "a&b<c>".into(),
            password: r#"p"w'd</o:Password><x>"#.into(),
        },
    );
    let code = r#"BSB<50420>&"'"#;
    let req = s.component_details(code, &ComponentInformationRequested::default(), now());
    assert!(req
        .body
        .contains("<Code>BSB&lt;50420&gt;&amp;&quot;&apos;</Code>"));
    assert!(req
        .body
        .contains("<o:Username>a&amp;b&lt;c&gt;</o:Username>"));
    assert!(!req.body.contains("<x>"));
    // And it reads back as the very values that went in.
    let lines = outline(&req.body);
    assert!(lines.contains(&format!(
        "soap:Envelope/soap:Body/tns:GetDetails/tns:request/tns:Code = {code}"
    )));
    assert!(lines
        .iter()
        .any(|l| l.ends_with(r#"wsse:Password = p"w'd</o:Password><x>"#)));
    // Characters XML cannot carry are dropped rather than breaking the envelope.
    let req = s.component_details(
        "BSB\u{1}50420",
        &ComponentInformationRequested::default(),
        now(),
    );
    assert!(req.body.contains("<Code>BSB50420</Code>"));
}

#[test]
fn versioned_services_use_their_namespace_action_and_path() {
    let config = SoapConfig::from_setting("V12").unwrap();
    assert_eq!(config, SoapConfig::versioned(12));
    assert_eq!(SoapConfig::from_setting(""), Some(SoapConfig::base()));
    assert_eq!(SoapConfig::from_setting("base"), Some(SoapConfig::base()));
    assert_eq!(
        SoapConfig::from_setting("13"),
        Some(SoapConfig::versioned(13))
    );
    assert_eq!(SoapConfig::from_setting("twelve"), None);
    assert_eq!(
        SoapConfig::default().namespace(),
        "http://training.gov.au/services/"
    );

    let req =
        soap(config).component_details("BSB50420", &ComponentInformationRequested::mirror(), now());
    assert_eq!(
        req.soap_action,
        r#""http://training.gov.au/services/12/ITrainingComponentService/GetDetails""#
    );
    assert_eq!(
        req.path,
        "/Deewr.Tga.WebServices/TrainingComponentServiceV12.svc/Training"
    );
    assert!(req
        .body
        .contains(r#"<GetDetails xmlns="http://training.gov.au/services/12/""#));
    let org = soap(config).search_organisations_deleted(&window(), now());
    assert_eq!(
        org.path,
        "/Deewr.Tga.WebServices/OrganisationServiceV12.svc/Organisation"
    );
}

#[test]
fn sub_second_window_bounds_keep_their_precision() {
    let mut w = window();
    w.end = Utc.timestamp_millis_opt(1_795_000_000_250).unwrap();
    let req = soap(SoapConfig::base()).search_components_deleted(&w, now());
    assert!(body_outline(&req.body)
        .iter()
        .any(|l| l.ends_with("tns:EndDate/sys:DateTime = 2026-11-18T11:06:40.250Z")));
}

#[test]
fn the_filter_for_all_types_includes_every_type() {
    let all = ComponentTypeFilter::all();
    assert!(
        all.accredited_course
            && all.accredited_course_module
            && all.qualification
            && all.skill_set
            && all.training_package
            && all.unit
            && all.unit_contextualisation
    );
}
