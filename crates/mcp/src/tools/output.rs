//! Output-schema pieces for the catalogue's answer types, field for field as they
//! serialise. The native tests validate every tool's `structuredContent` against its
//! schema, and against a closed copy of it (no undeclared property anywhere), so a field
//! added to or renamed in the catalogue fails a test until it is declared here.

use rtopacks_catalogue::{AqfLevel, Kind, Source, State, Tier};
use rtopacks_domain::tga::ComponentType;
use serde_json::Value;

use crate::schema::{
    any, array, boolean, described, integer, nullable, object, object_with_optional,
    one_of_strings, opt_boolean, opt_integer, opt_number, opt_one_of_strings, opt_string, string,
};

const STATUSES: [&str; 4] = ["current", "superseded", "deleted", "not_current"];
const EQUIVALENCE: [&str; 2] = ["E", "N"];

/// The name a value serialises to (for enums whose wire names the catalogue owns).
fn wire<T: serde::Serialize>(v: T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

pub(super) fn status() -> Value {
    one_of_strings(&STATUSES)
}

pub(super) fn opt_status() -> Value {
    opt_one_of_strings(&STATUSES)
}

fn kinds() -> Vec<&'static str> {
    Kind::ALL.iter().map(|k| k.as_str()).collect()
}

pub(super) fn kind() -> Value {
    one_of_strings(&kinds())
}

pub(super) fn opt_kind() -> Value {
    opt_one_of_strings(&kinds())
}

pub(super) fn kind_names() -> Vec<&'static str> {
    kinds()
}

pub(super) fn status_names() -> [&'static str; 4] {
    STATUSES
}

pub(super) fn aqf_names() -> Vec<&'static str> {
    AqfLevel::ALL.iter().map(|l| l.name()).collect()
}

pub(super) fn aqf_level() -> Value {
    one_of_strings(&aqf_names())
}

pub(super) fn opt_aqf_level() -> Value {
    opt_one_of_strings(&aqf_names())
}

pub(super) fn state_names() -> Vec<&'static str> {
    State::ALL.iter().map(|s| s.abbreviation()).collect()
}

pub(super) fn opt_state() -> Value {
    opt_one_of_strings(&state_names())
}

fn component_types() -> Vec<&'static str> {
    ComponentType::ALL.iter().map(|c| c.as_str()).collect()
}

pub(super) fn component_type() -> Value {
    one_of_strings(&component_types())
}

pub(super) fn opt_component_type() -> Value {
    opt_one_of_strings(&component_types())
}

pub(super) fn tier() -> Value {
    one_of_strings(&[Tier::Anonymous, Tier::SignedIn, Tier::L4].map(wire))
}

pub(super) fn source() -> Value {
    described(
        string(),
        "Where the answer comes from and how fresh it is: each register used, with the \
         oldest sync time of the rows used, e.g. \"training.gov.au (National Register), \
         synced 2026-11-21T16:00:00Z\".",
    )
}

pub(super) fn freshness() -> Value {
    described(
        object(vec![
            (
                "synced_at",
                described(
                    opt_string(),
                    "The oldest sync time (ISO 8601, UTC) of the rows used; null when none was.",
                ),
            ),
            (
                "sources",
                array(object(vec![
                    (
                        "source",
                        one_of_strings(&[Source::Tga, Source::Cricos].map(wire)),
                    ),
                    ("synced_at", string()),
                ])),
            ),
        ]),
        "When the rows behind the answer were last synced from their register.",
    )
}

pub(super) fn next_cursor() -> Value {
    described(
        opt_string(),
        "Pass back as `cursor` for the next page; null on the last page.",
    )
}

/// A paged list: `total`, `items`, `per_page`, `next_cursor`.
pub(super) fn paged(items: Value) -> Value {
    object(vec![
        ("total", integer()),
        ("items", array(items)),
        ("per_page", integer()),
        ("next_cursor", next_cursor()),
    ])
}

/// A hop in a supersession chain.
pub(super) fn link() -> Value {
    object(vec![
        ("from", described(string(), "The older component.")),
        ("to", described(string(), "The component that replaced it.")),
        ("title", opt_string()),
        ("status", opt_status()),
        ("is_equivalent", opt_boolean()),
        (
            "equivalence",
            described(
                opt_one_of_strings(&EQUIVALENCE),
                "E (equivalent) or N (not equivalent), as the register publishes it.",
            ),
        ),
        ("notes", opt_string()),
        ("mapping_date", opt_string()),
        ("depth", integer()),
    ])
}

pub(super) fn replacement() -> Value {
    object(vec![
        ("code", string()),
        ("title", opt_string()),
        ("status", opt_status()),
        ("is_equivalent", opt_boolean()),
        ("equivalence", opt_one_of_strings(&EQUIVALENCE)),
        ("hops", integer()),
    ])
}

pub(super) fn supersession() -> Value {
    object(vec![
        ("superseded_by", array(link())),
        ("supersedes", array(link())),
        ("truncated", boolean()),
    ])
}

pub(super) fn extent() -> Value {
    object(vec![("code", opt_string()), ("description", opt_string())])
}

/// An RTO carrying a code on scope.
pub(super) fn offering_rto() -> Value {
    object_with_optional(
        vec![
            ("rto_code", string()),
            ("name", opt_string()),
            ("legal_name", opt_string()),
            ("status", opt_status()),
            ("state", opt_state()),
            ("extent", extent()),
            ("is_implicit", boolean()),
            ("start_date", opt_string()),
            ("end_date", opt_string()),
            (
                "has_replacement",
                described(
                    opt_boolean(),
                    "scope_impact only: the RTO also has a current replacement on scope.",
                ),
            ),
        ],
        &["has_replacement"],
    )
}

pub(super) fn cricos_course() -> Value {
    object(vec![
        ("course_code", string()),
        ("course_name", opt_string()),
        ("provider_code", string()),
        ("provider_name", opt_string()),
        ("course_level", opt_string()),
        ("duration_weeks", opt_number()),
        ("tuition_fee_cents", opt_integer()),
        ("non_tuition_fee_cents", opt_integer()),
        ("estimated_total_course_cost_cents", opt_integer()),
        ("course_language", opt_string()),
        ("dual_qualification", opt_boolean()),
        ("work_component", opt_boolean()),
        ("expired", opt_boolean()),
        ("location_states", array(string())),
    ])
}

fn release() -> Value {
    object(vec![
        ("release_number", string()),
        ("release_date", opt_string()),
        ("currency", opt_string()),
    ])
}

fn grid_unit() -> Value {
    object(vec![
        ("code", string()),
        ("title", opt_string()),
        ("status", opt_status()),
    ])
}

/// `lookup` of a national code.
pub(super) fn component_detail() -> Value {
    object(vec![
        ("code", string()),
        ("kind", opt_kind()),
        ("component_type", component_type()),
        ("title", string()),
        ("status", status()),
        ("usage_recommendation", opt_string()),
        ("status_changed_at", opt_string()),
        (
            "training_package",
            nullable(object(vec![("code", string()), ("title", opt_string())])),
        ),
        ("aqf_level", opt_aqf_level()),
        ("latest_release", nullable(release())),
        ("releases", array(release())),
        ("currency_status", opt_string()),
        ("deleted_at", opt_string()),
        (
            "unit_grid",
            nullable(object(vec![
                ("release_number", opt_string()),
                ("core", array(grid_unit())),
                ("elective", array(grid_unit())),
            ])),
        ),
        ("supersession", supersession()),
        ("replacements", array(replacement())),
        ("offered_by", paged(offering_rto())),
        ("cricos_courses", paged(cricos_course())),
        ("freshness", freshness()),
    ])
}

fn dated_name() -> Value {
    object(vec![
        ("name", string()),
        ("start_date", opt_string()),
        ("end_date", opt_string()),
    ])
}

fn contact() -> Value {
    let mut props = vec![(
        "kind",
        opt_one_of_strings(
            &[
                rtopacks_catalogue::ContactKind::Organisation,
                rtopacks_catalogue::ContactKind::Person,
            ]
            .map(wire),
        ),
    )];
    for field in [
        "type_code",
        "role_code",
        "title",
        "first_name",
        "last_name",
        "group_name",
        "job_title",
        "organisation_name",
        "email",
        "phone",
        "mobile",
        "fax",
        "postal_line1",
        "postal_line2",
        "postal_suburb",
        "postal_state_code",
        "postal_postcode",
        "start_date",
        "end_date",
    ] {
        props.push((field, opt_string()));
    }
    object(props)
}

fn scope_item() -> Value {
    object(vec![
        ("code", string()),
        ("component_type", opt_component_type()),
        ("title", opt_string()),
        ("status", opt_status()),
        ("extent", extent()),
        ("is_implicit", boolean()),
        ("is_refused", boolean()),
        ("is_current", boolean()),
        ("start_date", opt_string()),
        ("end_date", opt_string()),
    ])
}

/// `lookup` of an RTO code.
pub(super) fn rto_detail() -> Value {
    object(vec![
        ("code", string()),
        ("legal_name", opt_string()),
        ("trading_name", opt_string()),
        ("status", status()),
        ("register_status", opt_string()),
        ("abn", opt_string()),
        ("acn", opt_string()),
        ("head_office_state", opt_state()),
        ("regulator", opt_string()),
        ("restricted", boolean()),
        (
            "restrictions",
            array(object(vec![
                ("code", opt_string()),
                ("restriction", opt_string()),
                ("start_date", opt_string()),
                ("end_date", opt_string()),
            ])),
        ),
        (
            "legal_names",
            array(object(vec![
                ("name", string()),
                ("abns", any()),
                ("acn", opt_string()),
                ("start_date", opt_string()),
                ("end_date", opt_string()),
            ])),
        ),
        ("trading_names", array(dated_name())),
        (
            "registrations",
            array(object(vec![
                ("start_date", opt_string()),
                ("end_date", opt_string()),
                ("end_reason_code", opt_string()),
                ("end_reason_comments", opt_string()),
                ("exerciser", opt_string()),
                ("legal_authority", opt_string()),
                ("registration_manager_code", opt_string()),
            ])),
        ),
        (
            "addresses",
            array(object(vec![
                ("address_type", string()),
                ("line1", opt_string()),
                ("line2", opt_string()),
                ("suburb", opt_string()),
                ("state", opt_state()),
                ("state_overseas", opt_string()),
                ("postcode", opt_string()),
                ("country_code", opt_string()),
                ("latitude", opt_number()),
                ("longitude", opt_number()),
                ("start_date", opt_string()),
                ("end_date", opt_string()),
            ])),
        ),
        (
            "web_addresses",
            array(object(vec![
                ("url", string()),
                ("start_date", opt_string()),
                ("end_date", opt_string()),
            ])),
        ),
        (
            "contacts",
            described(
                array(contact()),
                "The contacts the caller's tier may see: none for anonymous keys, \
                 organisation-level ones for signed-in users, all for RTOpacks clients.",
            ),
        ),
        ("contacts_withheld", integer()),
        ("contacts_note", opt_string()),
        ("enriched", boolean()),
        (
            "scope",
            described(
                paged(scope_item()),
                "The RTO's current scope, a page at a time (lookup's cursor and per_page).",
            ),
        ),
        (
            "cricos_provider",
            nullable(object(vec![
                ("provider_code", string()),
                ("institution_name", opt_string()),
                ("trading_name", opt_string()),
                ("institution_type", opt_string()),
                ("capacity", opt_integer()),
                ("website", opt_string()),
                ("state", opt_string()),
                ("courses", integer()),
                ("deleted", boolean()),
            ])),
        ),
        ("tier", tier()),
        ("freshness", freshness()),
    ])
}
