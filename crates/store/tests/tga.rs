//! The TGA layer writes: components, unit grids, mappings, statuses, tombstones and
//! organisations, against the real migrations under D1's limits.

use futures::executor::block_on;
use rtopacks_domain::events::{EntityType, EventType, RegulatoryEvent};
use rtopacks_domain::tga::{
    Classification, ComponentDetails, ComponentType, DatedCode, DeleteOperation, DeletedRecord,
    Mapping, OrganisationDetails, RegistrationPeriod, Release, ResponsibleLegalPerson, Restriction,
    TradingName, UnitGridEntry, UsageRecommendation, UsageRecommendationState,
};
use rtopacks_domain::time::parse_iso;
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::tga::{self, components, organisations, ChangeSet};
use rtopacks_store::{Db, Statement, D1_MAX_BOUND_PARAMETERS};
use serde_json::{json, Value as Json};

use UsageRecommendationState::{Current, Superseded};

const RUN: &str = "tga-sync-2026-11-21T16:00:00Z";
const T1: &str = "2026-11-21T16:00:00Z";
const T2: &str = "2026-11-28T16:00:00Z";

/// The column organisations' restriction tracking needs (proposed migration
/// `0006_org_restrictions.sql`); applied here only while the migration file is absent.
fn corpus() -> SqliteDb {
    SqliteDb::migrated("rtopacks-db").unwrap()
}

fn write(db: &SqliteDb, cs: &ChangeSet) {
    for s in &cs.corpus {
        assert!(s.params.len() <= D1_MAX_BOUND_PARAMETERS, "{}", s.sql);
    }
    if !cs.corpus.is_empty() {
        block_on(db.batch(cs.corpus.clone())).unwrap();
    }
}

fn apply(db: &SqliteDb, page: &[ComponentDetails], now: &str) -> Vec<RegulatoryEvent> {
    let cs = block_on(components::apply(db, page, RUN, now)).unwrap();
    write(db, &cs);
    cs.events
}

fn apply_orgs(db: &SqliteDb, page: &[OrganisationDetails], now: &str) -> Vec<RegulatoryEvent> {
    let cs = block_on(organisations::apply(db, page, RUN, now)).unwrap();
    write(db, &cs);
    cs.events
}

fn rows(db: &SqliteDb, sql: &str) -> Vec<Json> {
    block_on(db.all(Statement::new(sql))).unwrap()
}

fn one(db: &SqliteDb, sql: &str) -> Json {
    rows(db, sql).into_iter().next().expect("a row")
}

/// Every corpus table the writers touch, in a stable order.
fn dump(db: &SqliteDb) -> Vec<Vec<Json>> {
    [
        "SELECT * FROM tga_training_components ORDER BY code",
        "SELECT * FROM tga_component_releases ORDER BY code, release_number",
        "SELECT * FROM tga_component_mappings ORDER BY code, mapped_code",
        "SELECT * FROM tga_qualification_units ORDER BY qualification_code, unit_code",
        "SELECT * FROM qualification_statuses ORDER BY code",
        "SELECT * FROM tga_organisations ORDER BY code",
        "SELECT * FROM org_statuses ORDER BY code",
        "SELECT * FROM rtos ORDER BY rto_code",
    ]
    .iter()
    .map(|q| rows(db, q))
    .collect()
}

fn kinds(events: &[RegulatoryEvent]) -> Vec<(EventType, &str)> {
    events
        .iter()
        .map(|e| (e.event_type, e.entity_code.as_str()))
        .collect()
}

fn rec(state: UsageRecommendationState, start: &str, end: &str) -> UsageRecommendation {
    UsageRecommendation {
        state,
        start_date: start.parse().ok(),
        end_date: end.parse().ok(),
    }
}

fn release(n: &str, date: &str, grid: &[(&str, Option<bool>)]) -> Release {
    Release {
        release_number: Some(n.into()),
        release_date: date.parse().ok(),
        currency: Some("Current".into()),
        currency_status: None,
        components: vec![],
        files: vec![],
        unit_grid: grid
            .iter()
            .map(|(code, core)| UnitGridEntry {
                code: (*code).into(),
                title: None,
                is_essential: *core,
            })
            .collect(),
    }
}

fn class(scheme: &str, value: &str) -> Classification {
    Classification {
        purpose_code: Some("PRI".into()),
        scheme_code: Some(scheme.into()),
        value_code: Some(value.into()),
        start_date: "2020-06-01".parse().ok(),
        end_date: None,
    }
}

fn mapping(from: &str, to: &str, equivalent: bool) -> Mapping {
    Mapping {
        code: Some(from.into()),
        title: None,
        maps_to_code: Some(to.into()),
        maps_to_title: Some(format!("Title of {to}")),
        is_equivalent: Some(equivalent),
        notes: None,
    }
}

fn component(code: &str, kind: ComponentType, title: &str) -> ComponentDetails {
    ComponentDetails {
        code: code.into(),
        title: Some(title.into()),
        component_type: Some(kind),
        parent_code: (kind != ComponentType::TrainingPackage).then(|| code[..3].to_owned()),
        parent_title: None,
        is_confidential: false,
        created: Some(parse_iso("2020-06-01T01:02:03+10:00").unwrap()),
        updated: Some(parse_iso("2024-01-01T00:00:00Z").unwrap()),
        classifications: vec![],
        mappings: vec![],
        releases: vec![release("1", "2020-06-01", &[])],
        usage_recommendations: vec![rec(Current, "2020-06-01", "")],
        currency_periods: vec![],
    }
}

fn diploma() -> ComponentDetails {
    let mut q = component(
        "BSB50420",
        ComponentType::Qualification,
        "Diploma of Leadership and Management",
    );
    q.classifications = vec![
        class(Classification::SCHEME_LEVEL_OF_EDUCATION, "421"),
        class(Classification::SCHEME_ANZSCO, "511112"),
        class(Classification::SCHEME_ASCED_FIELD, "080301"),
    ];
    q.releases = vec![release(
        "1",
        "2020-06-01",
        &[
            ("BSBOPS501", Some(true)),
            ("BSBLDR523", Some(true)),
            ("BSBCRT511", Some(false)),
        ],
    )];
    q
}

fn first_page() -> Vec<ComponentDetails> {
    vec![
        diploma(),
        component(
            "BSBOPS501",
            ComponentType::Unit,
            "Manage business resources",
        ),
        component(
            "BSBSS00110",
            ComponentType::SkillSet,
            "Leadership Skill Set",
        ),
        component("BSB", ComponentType::TrainingPackage, "Business Services"),
    ]
}

#[test]
fn a_first_page_writes_everything_and_only_announces_new_components() {
    let db = corpus();
    let events = apply(&db, &first_page(), T1);
    assert_eq!(
        events
            .iter()
            .map(|e| (e.event_type, e.entity_type, e.entity_code.as_str()))
            .collect::<Vec<_>>(),
        vec![
            (
                EventType::NewComponent,
                EntityType::Qualification,
                "BSB50420"
            ),
            (EventType::NewComponent, EntityType::Unit, "BSBOPS501"),
            (EventType::NewComponent, EntityType::SkillSet, "BSBSS00110"),
            (EventType::NewComponent, EntityType::TrainingPackage, "BSB"),
        ]
    );
    let q = one(
        &db,
        "SELECT * FROM tga_training_components WHERE code = 'BSB50420'",
    );
    assert_eq!(
        q,
        json!({
            "code": "BSB50420", "component_type": "Qualification",
            "title": "Diploma of Leadership and Management", "is_current": 1,
            "usage_recommendation": "Current", "is_confidential": 0, "training_package_code": "BSB",
            "aqf_level": "Diploma", "level_of_education_code": "421", "anzsco_code": "511112",
            "asced_field_code": "080301", "latest_release_number": "1", "latest_release_date": "2020-06-01",
            "currency_status": "Current", "superseded_by": null,
            "upstream_created_at": "2020-05-31T15:02:03Z", "upstream_updated_at": "2024-01-01T00:00:00Z",
            "synced_at": T1, "refreshed_at": T1, "deleted_at": null, "delete_operation": null,
        })
    );
    assert_eq!(
        rows(&db, "SELECT unit_code, is_essential, release_number FROM tga_qualification_units WHERE qualification_code = 'BSB50420' ORDER BY unit_code"),
        vec![
            json!({"unit_code": "BSBCRT511", "is_essential": 0, "release_number": "1"}),
            json!({"unit_code": "BSBLDR523", "is_essential": 1, "release_number": "1"}),
            json!({"unit_code": "BSBOPS501", "is_essential": 1, "release_number": "1"}),
        ]
    );
    assert_eq!(
        one(&db, "SELECT count(*) AS n FROM tga_component_releases"),
        json!({"n": 4})
    );
    assert_eq!(
        one(
            &db,
            "SELECT status, previous_status, changed_at, run_id FROM qualification_statuses WHERE code = 'BSB50420'"
        ),
        json!({"status": "Current", "previous_status": null, "changed_at": T1, "run_id": RUN})
    );
    let t = block_on(tga::live_counts(&db)).unwrap();
    assert_eq!(
        (
            t.of(ComponentType::Qualification),
            t.of(ComponentType::Unit),
            t.of(ComponentType::AccreditedCourse),
            t.all_components()
        ),
        (1, 1, 0, 4)
    );

    // The search index follows the writes (the 0005 triggers).
    let hits = rows(
        &db,
        "SELECT code FROM components_fts WHERE components_fts MATCH 'leadership' ORDER BY code",
    );
    assert_eq!(
        hits,
        vec![json!({"code": "BSB50420"}), json!({"code": "BSBSS00110"})]
    );
}

#[test]
fn reapplying_the_same_page_changes_nothing_and_raises_nothing() {
    let db = corpus();
    apply(&db, &first_page(), T1);
    let before = dump(&db);
    assert!(apply(&db, &first_page(), T1).is_empty());
    assert_eq!(dump(&db), before, "the same page, the same rows");
    // A later pass over unchanged records: fresher timestamps, still no events.
    assert!(apply(&db, &first_page(), T2).is_empty());
    assert_eq!(
        one(
            &db,
            "SELECT changed_at FROM qualification_statuses WHERE code = 'BSB50420'"
        ),
        json!({"changed_at": T1}),
        "an unchanged status keeps the time of its last change"
    );
}

#[test]
fn a_superseded_qualification_raises_status_change_and_supersession() {
    let db = corpus();
    apply(&db, &first_page(), T1);

    let mut q = diploma();
    q.usage_recommendations = vec![
        rec(Current, "2020-06-01", "2026-11-01"),
        rec(Superseded, "2026-11-01", ""),
    ];
    q.mappings = vec![mapping("BSB50420", "BSB50425", true)];
    let mut successor = component(
        "BSB50425",
        ComponentType::Qualification,
        "Diploma of Leadership and Management",
    );
    successor.mappings = vec![mapping("BSB50420", "BSB50425", true)];

    // The successor first (it carries the same mapping): the old one's supersession is
    // still news when its own details arrive.
    let events = apply(&db, std::slice::from_ref(&successor), T2);
    assert_eq!(kinds(&events), vec![(EventType::NewComponent, "BSB50425")]);
    let events = apply(&db, std::slice::from_ref(&q), T2);
    assert_eq!(
        kinds(&events),
        vec![
            (EventType::StatusChange, "BSB50420"),
            (EventType::Supersession, "BSB50420")
        ]
    );
    assert_eq!(
        (
            events[0].old_value.as_deref(),
            events[0].new_value.as_deref()
        ),
        (Some("Current"), Some("Superseded"))
    );
    assert_eq!(events[1].entity_type, EntityType::Qualification);
    assert_eq!(events[1].new_value.as_deref(), Some("BSB50425"));
    assert!(
        events[1].detail.ends_with("(equivalent)"),
        "{}",
        events[1].detail
    );

    assert_eq!(
        one(&db, "SELECT is_current, usage_recommendation, superseded_by FROM tga_training_components WHERE code = 'BSB50420'"),
        json!({"is_current": 0, "usage_recommendation": "Superseded", "superseded_by": "BSB50425"})
    );
    assert_eq!(
        one(
            &db,
            "SELECT superseded_by FROM tga_training_components WHERE code = 'BSB50425'"
        ),
        json!({"superseded_by": null}),
        "a mapping into a component does not supersede it"
    );
    assert_eq!(
        rows(
            &db,
            "SELECT code, mapped_code, is_equivalent FROM tga_component_mappings"
        ),
        vec![json!({"code": "BSB50420", "mapped_code": "BSB50425", "is_equivalent": 1})]
    );
    assert_eq!(
        one(&db, "SELECT status, previous_status, changed_at FROM qualification_statuses WHERE code = 'BSB50420'"),
        json!({"status": "Superseded", "previous_status": "Current", "changed_at": T2})
    );
    assert!(apply(&db, &[q, successor], T2).is_empty());
}

#[test]
fn a_new_release_is_announced_and_a_shrunk_grid_drops_the_unit() {
    let db = corpus();
    apply(&db, &first_page(), T1);
    let mut q = diploma();
    q.releases.push(release(
        "2",
        "2026-11-20",
        &[("BSBOPS501", Some(true)), ("BSBLDR523", None)],
    ));
    let events = apply(&db, std::slice::from_ref(&q), T2);
    assert_eq!(kinds(&events), vec![(EventType::NewRelease, "BSB50420")]);
    assert_eq!(
        (
            events[0].old_value.as_deref(),
            events[0].new_value.as_deref()
        ),
        (Some("1"), Some("2"))
    );
    assert_eq!(
        rows(&db, "SELECT unit_code, is_essential, release_number FROM tga_qualification_units ORDER BY unit_code"),
        vec![
            json!({"unit_code": "BSBLDR523", "is_essential": 0, "release_number": "2"}),
            json!({"unit_code": "BSBOPS501", "is_essential": 1, "release_number": "2"}),
        ]
    );
    assert_eq!(
        one(&db, "SELECT latest_release_number, latest_release_date FROM tga_training_components WHERE code = 'BSB50420'"),
        json!({"latest_release_number": "2", "latest_release_date": "2026-11-20"})
    );
    assert_eq!(
        rows(&db, "SELECT release_number FROM tga_component_releases WHERE code = 'BSB50420' ORDER BY release_number"),
        vec![json!({"release_number": "1"}), json!({"release_number": "2"})]
    );
    assert!(apply(&db, &[q], T2).is_empty());
}

#[test]
fn tombstones_soft_delete_once() {
    let db = corpus();
    apply(&db, &first_page(), T1);
    let gone = |code: &str| DeletedRecord {
        code: code.into(),
        operation: DeleteOperation::LogicalDelete,
        updated: parse_iso("2026-11-25T03:04:05Z").unwrap(),
    };
    let cs = block_on(components::tombstone(
        &db,
        &[gone("BSBOPS501"), gone("NOPE123")],
        T2,
    ))
    .unwrap();
    assert_eq!(cs.written, 1);
    assert_eq!(kinds(&cs.events), vec![(EventType::Deleted, "BSBOPS501")]);
    assert_eq!(cs.events[0].entity_type, EntityType::Unit);
    write(&db, &cs);
    assert_eq!(
        one(&db, "SELECT deleted_at, delete_operation, title FROM tga_training_components WHERE code = 'BSBOPS501'"),
        json!({"deleted_at": "2026-11-25T03:04:05Z", "delete_operation": "LogicalDelete", "title": "Manage business resources"})
    );
    assert_eq!(
        block_on(tga::live_counts(&db))
            .unwrap()
            .of(ComponentType::Unit),
        0
    );

    let mut again = gone("BSBOPS501");
    again.updated = parse_iso("2026-12-01T00:00:00Z").unwrap();
    let cs = block_on(components::tombstone(&db, &[again], T2)).unwrap();
    assert!(cs.events.is_empty() && cs.corpus.is_empty() && cs.written == 0);

    // Listed again upstream: live again.
    apply(
        &db,
        &[component(
            "BSBOPS501",
            ComponentType::Unit,
            "Manage business resources",
        )],
        T2,
    );
    assert_eq!(
        one(&db, "SELECT deleted_at, delete_operation FROM tga_training_components WHERE code = 'BSBOPS501'"),
        json!({"deleted_at": null, "delete_operation": null})
    );
}

#[test]
fn a_hundred_component_page_stays_within_d1_limits() {
    let db = corpus();
    let units: Vec<String> = (0..80).map(|i| format!("BSBXYZ{i:03}")).collect();
    let page: Vec<ComponentDetails> = (0..100)
        .map(|i| {
            let mut q = component(
                &format!("BSB{:05}", 40000 + i),
                ComponentType::Qualification,
                &format!("Certificate IV in Testing {i}"),
            );
            q.releases = (1..=5)
                .map(|r| {
                    let grid: Vec<(&str, Option<bool>)> = units
                        .iter()
                        .map(|u| (u.as_str(), Some(r % 2 == 0)))
                        .collect();
                    release(&r.to_string(), &format!("202{r}-01-01"), &grid)
                })
                .collect();
            q.mappings = vec![mapping(&q.code, "BSB99999", false)];
            q
        })
        .collect();
    let cs = block_on(components::apply(&db, &page, RUN, T1)).unwrap();
    assert_eq!(cs.written, 100);
    assert!(cs
        .corpus
        .iter()
        .all(|s| s.params.len() <= D1_MAX_BOUND_PARAMETERS && s.params.len() <= 2));
    db.reset_query_count();
    write(&db, &cs);
    assert_eq!(db.query_count(), cs.corpus.len() as u64);
    assert!(
        cs.corpus.len() <= 25,
        "{} statements for one page",
        cs.corpus.len()
    );
    assert_eq!(
        one(&db, "SELECT count(*) AS n FROM tga_qualification_units"),
        json!({"n": 8000})
    );
    assert_eq!(
        one(&db, "SELECT count(*) AS n FROM tga_component_releases"),
        json!({"n": 500})
    );

    // The rotating refresh walks the stalest first.
    apply(&db, &page[10..12], T2);
    let stale = block_on(tga::stalest_components(&db, "2099-01-01T00:00:00Z", 3)).unwrap();
    assert_eq!(stale.len(), 3);
    assert!(stale.iter().all(|s| s.refreshed_at.as_deref() == Some(T1)));
    let all = block_on(tga::stalest_components(&db, "2099-01-01T00:00:00Z", 100)).unwrap();
    assert_eq!(all.last().unwrap().refreshed_at.as_deref(), Some(T2));
    // Nothing refreshed at or after the cutoff comes back.
    let older = block_on(tga::stalest_components(&db, T2, 100)).unwrap();
    assert!(older.iter().all(|s| s.refreshed_at.as_deref() == Some(T1)));
    assert_eq!(older.len(), all.len() - 2);
}

// ------------------------------------------------------------------ organisations

fn org(code: &str, name: &str, reg_end: &str) -> OrganisationDetails {
    OrganisationDetails {
        is_rto: true,
        codes: vec![DatedCode {
            code: code.into(),
            start_date: "2010-01-01".parse().ok(),
            end_date: None,
        }],
        responsible_legal_persons: vec![ResponsibleLegalPerson {
            name: Some(name.into()),
            abns: vec!["12345678901".into()],
            acn: Some("123456789".into()),
            start_date: "2010-01-01".parse().ok(),
            end_date: None,
        }],
        trading_names: vec![TradingName {
            name: Some(format!("{name} Training")),
            start_date: "2010-01-01".parse().ok(),
            end_date: None,
        }],
        registration_periods: vec![RegistrationPeriod {
            start_date: "2020-01-01".parse().ok(),
            end_date: reg_end.parse().ok(),
            end_reason_code: None,
            end_reason_comments: None,
            exerciser: None,
            legal_authority: None,
        }],
        created: Some(parse_iso("2010-01-01T00:00:00Z").unwrap()),
        updated: Some(parse_iso("2026-01-01T00:00:00Z").unwrap()),
        ..Default::default()
    }
}

fn restricted(mut o: OrganisationDetails, start: &str, end: &str) -> OrganisationDetails {
    o.restrictions = vec![Restriction {
        code: Some("R01".into()),
        restriction: Some("No new enrolments".into()),
        start_date: start.parse().ok(),
        end_date: end.parse().ok(),
    }];
    o
}

#[test]
fn organisations_status_restrictions_and_base_rtos_rows() {
    let db = corpus();
    // An enriched row already there for 45329: the writer must leave it alone.
    block_on(db.run(Statement::new(
        "INSERT INTO rtos (rto_code, legal_name, status, enriched, enriched_at, enriched_by, synced_at)
         VALUES ('45329', 'Enriched Pty Ltd', 'Current', 1, '2026-01-01T00:00:00Z', 'tga_ingest', '2026-01-01T00:00:00Z')",
    )))
    .unwrap();
    let enriched_before = rows(&db, "SELECT * FROM rtos WHERE rto_code = '45329'");

    let page = vec![
        org("45329", "Acme Pty Ltd", "2030-01-01"),
        org("0001", "Beta Pty Ltd", "2030-01-01"),
    ];
    let events = apply_orgs(&db, &page, T1);
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(
        one(&db, "SELECT code, legal_name, trading_name, status, is_rto, has_active_registration, abn, acn,
                    registration_start_date, registration_end_date, restrictions, upstream_updated_at, synced_at
                  FROM tga_organisations WHERE code = '0001'"),
        json!({"code": "0001", "legal_name": "Beta Pty Ltd", "trading_name": "Beta Pty Ltd Training",
               "status": "Current", "is_rto": 1, "has_active_registration": 1, "abn": "12345678901",
               "acn": "123456789", "registration_start_date": "2020-01-01", "registration_end_date": "2030-01-01",
               "restrictions": "[]", "upstream_updated_at": "2026-01-01T00:00:00Z", "synced_at": T1})
    );
    assert_eq!(
        one(&db, "SELECT rto_code, legal_name, status, enriched, enriched_at FROM rtos WHERE rto_code = '0001'"),
        json!({"rto_code": "0001", "legal_name": "Beta Pty Ltd", "status": "Current", "enriched": 0, "enriched_at": null})
    );
    assert_eq!(
        rows(&db, "SELECT * FROM rtos WHERE rto_code = '45329'"),
        enriched_before,
        "an enriched row is never touched"
    );
    assert_eq!(
        one(
            &db,
            "SELECT status, previous_status FROM org_statuses WHERE code = '45329'"
        ),
        json!({"status": "Current", "previous_status": null})
    );
    let before = dump(&db);
    assert!(apply_orgs(&db, &page, T1).is_empty());
    assert_eq!(dump(&db), before);

    // Registration ended: Current → Non-current.
    let lapsed = org("0001", "Beta Pty Ltd", "2026-11-01");
    let events = apply_orgs(&db, std::slice::from_ref(&lapsed), T2);
    assert_eq!(kinds(&events), vec![(EventType::StatusChange, "0001")]);
    assert_eq!(
        (
            events[0].old_value.as_deref(),
            events[0].new_value.as_deref()
        ),
        (Some("Current"), Some("Non-current"))
    );
    assert_eq!(
        one(
            &db,
            "SELECT status, previous_status, changed_at FROM org_statuses WHERE code = '0001'"
        ),
        json!({"status": "Non-current", "previous_status": "Current", "changed_at": T2})
    );
    assert!(apply_orgs(&db, &[lapsed], T2).is_empty());

    // A restriction added, then lifted.
    let with = restricted(org("45329", "Acme Pty Ltd", "2030-01-01"), "2026-11-25", "");
    let events = apply_orgs(&db, std::slice::from_ref(&with), T2);
    assert_eq!(kinds(&events), vec![(EventType::RestrictionAdded, "45329")]);
    assert_eq!(events[0].new_value.as_deref(), Some("No new enrolments"));
    assert!(apply_orgs(&db, std::slice::from_ref(&with), T2).is_empty());
    let listed = block_on(tga::restricted_organisations(&db)).unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|r| (r.code.as_str(), r.restrictions.len()))
            .collect::<Vec<_>>(),
        vec![("45329", 1)]
    );
    assert_eq!(
        listed[0].restrictions[0].restriction.as_deref(),
        Some("No new enrolments")
    );

    let ended = restricted(
        org("45329", "Acme Pty Ltd", "2030-01-01"),
        "2026-11-25",
        "2026-12-01",
    );
    let later = "2026-12-05T16:00:00Z";
    let events = apply_orgs(&db, std::slice::from_ref(&ended), later);
    assert_eq!(
        kinds(&events),
        vec![(EventType::RestrictionLifted, "45329")]
    );
    assert_eq!(events[0].old_value.as_deref(), Some("No new enrolments"));
    assert!(block_on(tga::restricted_organisations(&db))
        .unwrap()
        .is_empty());
    assert!(apply_orgs(&db, &[ended], later).is_empty());
    assert_eq!(
        rows(
            &db,
            "SELECT legal_name, enriched FROM rtos WHERE rto_code = '45329'"
        ),
        vec![json!({"legal_name": "Enriched Pty Ltd", "enriched": 1})]
    );

    // Tombstones: once.
    let gone = DeletedRecord {
        code: "0001".into(),
        operation: DeleteOperation::PhysicalDelete,
        updated: parse_iso("2026-12-06T00:00:00Z").unwrap(),
    };
    let cs = block_on(organisations::tombstone(
        &db,
        std::slice::from_ref(&gone),
        later,
    ))
    .unwrap();
    assert_eq!(kinds(&cs.events), vec![(EventType::Deleted, "0001")]);
    assert_eq!(cs.events[0].entity_type, EntityType::Organisation);
    write(&db, &cs);
    assert_eq!(
        one(
            &db,
            "SELECT deleted_at, delete_operation FROM tga_organisations WHERE code = '0001'"
        ),
        json!({"deleted_at": "2026-12-06T00:00:00Z", "delete_operation": "PhysicalDelete"})
    );
    assert_eq!(block_on(tga::live_counts(&db)).unwrap().organisations, 1);
    let cs = block_on(organisations::tombstone(&db, &[gone], later)).unwrap();
    assert!(cs.events.is_empty() && cs.corpus.is_empty());
}

#[test]
fn a_new_organisation_already_restricted_says_so() {
    let db = corpus();
    let o = restricted(org("7777", "Gamma Ltd", "2030-01-01"), "2026-01-01", "");
    let events = apply_orgs(&db, &[o], T1);
    assert_eq!(kinds(&events), vec![(EventType::RestrictionAdded, "7777")]);
}
