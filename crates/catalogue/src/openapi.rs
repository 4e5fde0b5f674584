//! The OpenAPI 3.1 document of the public api, served at `/api/v1/openapi.json`.
//!
//! Built from [`crate::http::ROUTES`], the table the router itself reads, so a route or
//! a parameter cannot exist in one and not the other (tests walk both ways). Answer
//! schemas are written here by hand from the catalogue's structs; the native tests
//! validate every route's answer over the fixture corpus against them (every property
//! present and documented, every schema used), so a field added to a struct fails a test
//! until it is documented.

use rtopacks_domain::tga::ComponentType;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::http::{Param, ParamType, RouteSpec, PUBLIC_PREFIX, ROUTES};
use crate::page::{Source, DEFAULT_PER_PAGE, MAX_PER_PAGE};
use crate::query::MAX_QUERY_CHARS;
use crate::tier::{ContactKind, Tier};
use crate::vocab::{AqfLevel, Kind, State, Status};

/// The document, with `server_url` (e.g. `https://api.rtopacks.com.au`) as its one
/// server; paths carry the `/api/v1` prefix.
pub fn document(server_url: &str) -> Value {
    let mut paths = Map::new();
    for spec in ROUTES {
        let mut item = Map::new();
        item.insert(spec.method.to_ascii_lowercase(), operation(spec));
        paths.insert(format!("{PUBLIC_PREFIX}{}", spec.path), Value::Object(item));
    }
    let mut tags: Vec<&str> = Vec::new();
    for r in ROUTES {
        if !tags.contains(&r.group) {
            tags.push(r.group);
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "RTOpacks catalogue API",
            "version": "1.0.0",
            "description": INFO,
        },
        "servers": [{ "url": server_url }],
        "security": [{ "bearer": [] }],
        "tags": tags.iter().map(|t| json!({ "name": t })).collect::<Vec<_>>(),
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An RTOpacks API key: `Authorization: Bearer <key>`. \
                        Keys are issued by RTOpacks, shown once, and may be revoked.",
                }
            },
            "responses": {
                "BadRequest": error_response("The request cannot be answered as asked: a \
                    bad parameter, code or cursor, or an unknown parameter. The detail says \
                    which, in plain words."),
                "Unauthorized": error_response("The key is missing, unknown or revoked."),
                "NotFound": error_response("No such endpoint, or the national register \
                    mirror does not hold the code (or holds it as another kind)."),
                "TooManyRequests": error_response("The key's rate limit is reached: slow \
                    down and try again in a minute."),
                "InternalError": error_response("The catalogue could not be read just now: \
                    try again shortly."),
            },
            "schemas": schemas(),
        },
    })
}

const INFO: &str = "Australian VET training data from the national register \
(training.gov.au) and CRICOS: qualifications, units of competency, skill sets, accredited \
courses, training packages and RTOs.\n\n\
* Every answer carries `freshness`: when the rows it used were last synced.\n\
* Lists are seek-paged: pass a page's `next_cursor` back as `cursor` (absent on the last \
page); `per_page` defaults to 10, at most 100.\n\
* Errors are always `{\"errors\":[{\"detail\":\"...\"}]}`; unknown query parameters are \
refused (400) so a typo is seen.\n\
* API keys see RTOs as the public register shows them: contacts are withheld (counted in \
`contacts_withheld`).";

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": schema_ref("ErrorEnvelope") } },
    })
}

fn operation(spec: &RouteSpec) -> Value {
    let mut parameters: Vec<Value> = Vec::new();
    if let Some(p) = &spec.path_param {
        parameters.push(parameter(p, "path"));
    }
    parameters.extend(spec.query.iter().map(|p| parameter(p, "query")));
    json!({
        "operationId": spec.operation_id,
        "summary": spec.summary,
        "description": spec.description,
        "tags": [spec.group],
        "parameters": parameters,
        "responses": {
            "200": {
                "description": "The answer.",
                "content": { "application/json": { "schema": schema_ref(spec.answer) } },
            },
            "400": { "$ref": "#/components/responses/BadRequest" },
            "401": { "$ref": "#/components/responses/Unauthorized" },
            "404": { "$ref": "#/components/responses/NotFound" },
            "429": { "$ref": "#/components/responses/TooManyRequests" },
            "500": { "$ref": "#/components/responses/InternalError" },
        },
    })
}

fn parameter(p: &Param, location: &str) -> Value {
    let mut v = json!({
        "name": p.name,
        "in": location,
        "required": p.required || location == "path",
        "description": p.description,
        "schema": param_schema(p.ty),
        "example": param_example(p),
    });
    if p.ty == ParamType::Kinds {
        v["style"] = json!("form");
        v["explode"] = json!(false);
    }
    v
}

fn param_schema(ty: ParamType) -> Value {
    match ty {
        ParamType::SearchText => json!({
            "type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS,
        }),
        ParamType::NationalCode => json!({ "type": "string", "pattern": "^[A-Za-z0-9]{3,15}$" }),
        ParamType::RtoCode => json!({ "type": "string", "pattern": "^[0-9]{1,8}$" }),
        ParamType::ComponentKind => enumeration(
            Kind::ALL
                .iter()
                .filter(|k| k.component_type().is_some())
                .collect::<Vec<_>>(),
        ),
        ParamType::Kinds => json!({ "type": "array", "items": enumeration(Kind::ALL) }),
        ParamType::Status => enumeration(STATUSES),
        ParamType::AqfLevel => enumeration(AqfLevel::ALL),
        ParamType::State => enumeration(State::ALL),
        ParamType::Cursor => json!({ "type": "string", "maxLength": 200 }),
        ParamType::PerPage => json!({
            "type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE,
        }),
        ParamType::Boolean => json!({ "type": "boolean", "default": false }),
    }
}

fn param_example(p: &Param) -> Value {
    match p.ty {
        ParamType::Kinds => p.example.split(',').collect::<Vec<_>>().into(),
        ParamType::PerPage => p.example.parse::<u32>().map_or(Value::Null, Value::from),
        ParamType::Boolean => Value::Bool(p.example == "true"),
        _ => p.example.into(),
    }
}

// ---------------------------------------------------------------------------------------
// Answer schemas
// ---------------------------------------------------------------------------------------

const STATUSES: [Status; 4] = [
    Status::Current,
    Status::Superseded,
    Status::Deleted,
    Status::NotCurrent,
];

/// A string enum of the values' own serialisations.
fn enumeration<T: Serialize>(values: impl IntoIterator<Item = T>) -> Value {
    let values: Vec<Value> = values
        .into_iter()
        .filter_map(|v| serde_json::to_value(v).ok())
        .collect();
    json!({ "type": "string", "enum": values })
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn string() -> Value {
    json!({ "type": "string" })
}

fn integer() -> Value {
    json!({ "type": "integer" })
}

fn number() -> Value {
    json!({ "type": "number" })
}

fn boolean() -> Value {
    json!({ "type": "boolean" })
}

fn array(items: Value) -> Value {
    json!({ "type": "array", "items": items })
}

/// The same, or null.
fn nullable(mut v: Value) -> Value {
    match v.get("type").and_then(Value::as_str).map(str::to_owned) {
        Some(t) => {
            v["type"] = json!([t, "null"]);
            if let Some(values) = v.get_mut("enum").and_then(Value::as_array_mut) {
                values.push(Value::Null);
            }
            v
        }
        None => json!({ "anyOf": [v, { "type": "null" }] }),
    }
}

fn text() -> Value {
    nullable(string())
}

fn described(mut v: Value, description: &str) -> Value {
    v["description"] = description.into();
    v
}

/// An object whose properties are all present (serde writes `None` as null), except
/// `optional` ones, and nothing else.
fn object(description: &str, properties: Vec<(&str, Value)>, optional: &[&str]) -> Value {
    let required: Vec<&str> = properties
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| !optional.contains(n))
        .collect();
    let properties: Map<String, Value> = properties
        .into_iter()
        .map(|(n, v)| (n.to_owned(), v))
        .collect();
    json!({
        "type": "object",
        "description": description,
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// A page of a list with its total.
fn listing(description: &str, item: &str) -> Value {
    object(
        description,
        vec![
            ("total", described(integer(), "Items across all pages.")),
            ("items", array(schema_ref(item))),
            ("per_page", integer()),
            (
                "next_cursor",
                described(
                    text(),
                    "Pass as the cursor for the next page; null on the last page.",
                ),
            ),
        ],
        &[],
    )
}

fn dated(mut properties: Vec<(&'static str, Value)>) -> Vec<(&'static str, Value)> {
    properties.push(("start_date", text()));
    properties.push(("end_date", text()));
    properties
}

fn schemas() -> Value {
    let kind = || schema_ref("Kind");
    let status = || schema_ref("Status");
    let equivalence = || {
        described(
            nullable(json!({ "type": "string", "enum": ["E", "N"] })),
            "Upstream's equivalence: E (equivalent) or N (not); null when not published.",
        )
    };
    let items: Vec<(&str, Value)> = vec![
        (
            "ErrorEnvelope",
            object(
                "Every error.",
                vec![(
                    "errors",
                    json!({
                        "type": "array",
                        "minItems": 1,
                        "items": object("", vec![("detail", string())], &[]),
                    }),
                )],
                &[],
            ),
        ),
        ("Kind", enumeration(Kind::ALL)),
        (
            "Status",
            described(
                enumeration(STATUSES),
                "Components: deleted, superseded or current. RTOs: deleted, current (a \
                 registration in force) or not_current.",
            ),
        ),
        ("AqfLevel", enumeration(AqfLevel::ALL)),
        ("State", enumeration(State::ALL)),
        ("ComponentType", enumeration(ComponentType::ALL)),
        (
            "Freshness",
            object(
                "When the rows an answer used were last synced from their registers.",
                vec![
                    (
                        "synced_at",
                        described(
                            text(),
                            "The oldest sync time among the rows used (ISO 8601, UTC).",
                        ),
                    ),
                    ("sources", array(schema_ref("SourceFreshness"))),
                ],
                &[],
            ),
        ),
        (
            "SourceFreshness",
            object(
                "The oldest sync time of the rows used from one register.",
                vec![
                    ("source", enumeration([Source::Tga, Source::Cricos])),
                    ("synced_at", string()),
                ],
                &[],
            ),
        ),
        (
            "SearchResults",
            object(
                "One page of search results, best first.",
                vec![
                    ("results", array(schema_ref("Hit"))),
                    ("per_page", integer()),
                    ("next_cursor", text()),
                    ("freshness", schema_ref("Freshness")),
                ],
                &[],
            ),
        ),
        (
            "Hit",
            object(
                "A search result: a training component or an RTO.",
                vec![
                    ("kind", kind()),
                    ("code", string()),
                    (
                        "title",
                        described(
                            string(),
                            "A component's title, or an RTO's trading name (else legal name).",
                        ),
                    ),
                    ("legal_name", described(text(), "RTOs only.")),
                    ("status", status()),
                    ("training_package", text()),
                    ("aqf_level", nullable(schema_ref("AqfLevel"))),
                    ("superseded_by", text()),
                    (
                        "state",
                        described(nullable(schema_ref("State")), "RTOs only: head office."),
                    ),
                    ("synced_at", string()),
                ],
                &[],
            ),
        ),
        (
            "ComponentDetail",
            object(
                "A training component.",
                vec![
                    ("code", string()),
                    ("kind", nullable(kind())),
                    ("component_type", schema_ref("ComponentType")),
                    ("title", string()),
                    ("status", status()),
                    (
                        "usage_recommendation",
                        described(text(), "Current, Superseded, Deleted or Unknown."),
                    ),
                    ("status_changed_at", text()),
                    ("training_package", nullable(schema_ref("PackageRef"))),
                    ("aqf_level", nullable(schema_ref("AqfLevel"))),
                    ("latest_release", nullable(schema_ref("ReleaseInfo"))),
                    (
                        "releases",
                        described(array(schema_ref("ReleaseInfo")), "Newest first."),
                    ),
                    ("currency_status", text()),
                    ("deleted_at", text()),
                    ("unit_grid", nullable(schema_ref("UnitGrid"))),
                    ("supersession", schema_ref("Supersession")),
                    (
                        "replacements",
                        described(
                            array(schema_ref("Replacement")),
                            "Current components it leads to.",
                        ),
                    ),
                    (
                        "offered_by",
                        described(
                            schema_ref("Offering"),
                            "RTOs with it on current scope: the total and a first page \
                             (continue at /components/{code}/rtos).",
                        ),
                    ),
                    (
                        "cricos_courses",
                        described(
                            schema_ref("CricosListing"),
                            "CRICOS courses delivering it: the total and a first page \
                             (continue at /components/{code}/cricos-courses).",
                        ),
                    ),
                    ("freshness", schema_ref("Freshness")),
                ],
                &[],
            ),
        ),
        (
            "PackageRef",
            object(
                "A training package.",
                vec![("code", string()), ("title", text())],
                &[],
            ),
        ),
        (
            "ReleaseInfo",
            object(
                "A release of a component.",
                vec![
                    ("release_number", string()),
                    ("release_date", text()),
                    ("currency", text()),
                ],
                &[],
            ),
        ),
        (
            "UnitGrid",
            object(
                "The units of a qualification or skill set.",
                vec![
                    ("release_number", text()),
                    ("core", array(schema_ref("GridUnit"))),
                    ("elective", array(schema_ref("GridUnit"))),
                ],
                &[],
            ),
        ),
        (
            "GridUnit",
            object(
                "A unit in a grid; title and status are null when the unit is not in the \
                 mirror.",
                vec![
                    ("code", string()),
                    ("title", text()),
                    ("status", nullable(status())),
                ],
                &[],
            ),
        ),
        (
            "Supersession",
            object(
                "A component's supersession chain both ways.",
                vec![
                    ("superseded_by", array(schema_ref("Link"))),
                    ("supersedes", array(schema_ref("Link"))),
                    (
                        "truncated",
                        described(boolean(), "The walk stopped at its depth bound."),
                    ),
                ],
                &[],
            ),
        ),
        (
            "Link",
            object(
                "One mapping: `from` was superseded by `to`.",
                vec![
                    ("from", string()),
                    ("to", string()),
                    ("title", text()),
                    ("status", nullable(status())),
                    ("is_equivalent", nullable(boolean())),
                    ("equivalence", equivalence()),
                    ("notes", text()),
                    ("mapping_date", text()),
                    (
                        "depth",
                        described(integer(), "Hops from the component asked about."),
                    ),
                ],
                &[],
            ),
        ),
        (
            "Replacement",
            object(
                "A current component the asked-about one leads to.",
                vec![
                    ("code", string()),
                    ("title", text()),
                    ("status", nullable(status())),
                    (
                        "is_equivalent",
                        described(
                            nullable(boolean()),
                            "Every hop equivalent (true), one not (false), or unknown.",
                        ),
                    ),
                    ("equivalence", equivalence()),
                    ("hops", integer()),
                ],
                &[],
            ),
        ),
        (
            "Offering",
            listing(
                "RTOs with a component on current scope, by RTO code.",
                "OfferingRto",
            ),
        ),
        (
            "OfferingRto",
            object(
                "An RTO with the component on its current scope.",
                vec![
                    ("rto_code", string()),
                    ("name", text()),
                    ("legal_name", text()),
                    ("status", nullable(status())),
                    ("state", nullable(schema_ref("State"))),
                    ("extent", schema_ref("Extent")),
                    ("is_implicit", boolean()),
                    ("start_date", text()),
                    ("end_date", text()),
                    (
                        "has_replacement",
                        described(
                            boolean(),
                            "Supersession impact only: the RTO also has a current \
                             replacement on scope.",
                        ),
                    ),
                ],
                &["has_replacement"],
            ),
        ),
        (
            "Extent",
            object(
                "A scope extent: TGA's code and what it means.",
                vec![("code", text()), ("description", text())],
                &[],
            ),
        ),
        (
            "CricosListing",
            listing("CRICOS courses, by course code.", "CricosCourse"),
        ),
        (
            "CricosCourse",
            object(
                "A CRICOS course.",
                vec![
                    ("course_code", string()),
                    ("course_name", text()),
                    ("provider_code", string()),
                    ("provider_name", text()),
                    ("course_level", text()),
                    ("duration_weeks", nullable(number())),
                    ("tuition_fee_cents", nullable(integer())),
                    ("non_tuition_fee_cents", nullable(integer())),
                    ("estimated_total_course_cost_cents", nullable(integer())),
                    ("course_language", text()),
                    ("dual_qualification", nullable(boolean())),
                    ("work_component", nullable(boolean())),
                    ("expired", nullable(boolean())),
                    ("location_states", array(string())),
                ],
                &[],
            ),
        ),
        (
            "OfferedBy",
            object(
                "The RTOs with a component on current scope.",
                vec![
                    ("code", string()),
                    ("title", string()),
                    ("rtos", schema_ref("Offering")),
                    ("freshness", schema_ref("Freshness")),
                ],
                &[],
            ),
        ),
        (
            "Impact",
            object(
                "A component's supersession and the RTOs still carrying it.",
                vec![
                    ("code", string()),
                    ("title", string()),
                    ("kind", nullable(kind())),
                    ("status", status()),
                    ("superseded_by", array(schema_ref("Link"))),
                    ("replacements", array(schema_ref("Replacement"))),
                    (
                        "rtos",
                        described(schema_ref("Offering"), "Each item carries has_replacement."),
                    ),
                    ("freshness", schema_ref("Freshness")),
                ],
                &[],
            ),
        ),
        (
            "RtoImpact",
            object(
                "Supersession impact on an RTO's scope: the superseded and deleted components \
                 on its current explicit scope, a page at a time.",
                vec![
                    ("rto_code", string()),
                    ("rto_name", text()),
                    (
                        "total",
                        described(integer(), "Affected components across all pages."),
                    ),
                    ("items", array(schema_ref("AffectedItem"))),
                    ("per_page", integer()),
                    (
                        "next_cursor",
                        described(
                            text(),
                            "Pass as the cursor for the next page; null on the last page.",
                        ),
                    ),
                    ("freshness", schema_ref("Freshness")),
                ],
                &[],
            ),
        ),
        (
            "AffectedItem",
            object(
                "A component on the RTO's scope that is no longer current.",
                vec![
                    ("code", string()),
                    ("title", text()),
                    ("kind", nullable(kind())),
                    ("component_type", nullable(schema_ref("ComponentType"))),
                    ("status", status()),
                    ("extent", schema_ref("Extent")),
                    ("superseded_by", array(schema_ref("Link"))),
                    ("replacements", array(schema_ref("Replacement"))),
                    (
                        "replacements_on_scope",
                        described(
                            array(string()),
                            "The replacements the RTO already has on current scope.",
                        ),
                    ),
                ],
                &[],
            ),
        ),
        (
            "CricosCourses",
            object(
                "The CRICOS courses whose VET National Code is a component.",
                vec![
                    ("code", string()),
                    ("title", text()),
                    ("courses", schema_ref("CricosListing")),
                    ("freshness", schema_ref("Freshness")),
                ],
                &[],
            ),
        ),
        (
            "RtoCricosCourses",
            object(
                "The CRICOS courses of an RTO's CRICOS provider.",
                vec![
                    ("rto_code", string()),
                    (
                        "provider_code",
                        described(text(), "Null when the RTO is not a CRICOS provider."),
                    ),
                    ("provider_name", text()),
                    ("courses", schema_ref("CricosListing")),
                    ("freshness", schema_ref("Freshness")),
                ],
                &[],
            ),
        ),
        (
            "Stats",
            object(
                "The corpus at a glance: the training.gov.au figures as the newest weekly \
                 sync counted them (null until it has finished), CRICOS as it stands.",
                vec![
                    (
                        "qualifications",
                        described(nullable(integer()), "Current qualifications."),
                    ),
                    ("units", described(nullable(integer()), "Current units.")),
                    (
                        "skill_sets",
                        described(nullable(integer()), "Current skill sets."),
                    ),
                    (
                        "accredited_courses",
                        described(nullable(integer()), "Current accredited courses."),
                    ),
                    (
                        "training_packages",
                        described(nullable(integer()), "Current training packages."),
                    ),
                    (
                        "current_rtos",
                        described(nullable(integer()), "RTOs with a registration in force."),
                    ),
                    (
                        "organisations",
                        described(nullable(integer()), "Organisations on the register."),
                    ),
                    (
                        "enriched_rtos",
                        described(
                            nullable(integer()),
                            "RTOs whose full register detail is mirrored.",
                        ),
                    ),
                    (
                        "cricos_providers",
                        described(nullable(integer()), "CRICOS providers, as they stand."),
                    ),
                    (
                        "cricos_courses",
                        described(nullable(integer()), "CRICOS courses, as they stand."),
                    ),
                    (
                        "counted_at",
                        described(text(), "When the figures were counted (ISO 8601, UTC)."),
                    ),
                    ("freshness", schema_ref("Freshness")),
                ],
                &[],
            ),
        ),
        (
            "Ladder",
            object(
                "A training package's qualifications by AQF level.",
                vec![
                    ("training_package", string()),
                    ("title", text()),
                    (
                        "rungs",
                        described(array(schema_ref("Rung")), "Lowest level first."),
                    ),
                    (
                        "unlevelled",
                        described(
                            array(schema_ref("LadderEntry")),
                            "Qualifications whose level is not known.",
                        ),
                    ),
                    ("freshness", schema_ref("Freshness")),
                ],
                &[],
            ),
        ),
        (
            "Rung",
            object(
                "One AQF level of a ladder.",
                vec![
                    ("level", schema_ref("AqfLevel")),
                    (
                        "framework_level",
                        described(integer(), "The AQF level number (1 to 8)."),
                    ),
                    ("qualifications", array(schema_ref("LadderEntry"))),
                ],
                &[],
            ),
        ),
        (
            "LadderEntry",
            object(
                "A qualification on a ladder.",
                vec![
                    ("code", string()),
                    ("title", string()),
                    ("status", status()),
                    ("superseded_by", text()),
                    ("superseded_by_equivalent", nullable(boolean())),
                    ("latest_release_number", text()),
                ],
                &[],
            ),
        ),
        (
            "RtoDetail",
            object(
                "An RTO, with contacts as far as the caller's tier allows.",
                vec![
                    ("code", string()),
                    ("legal_name", text()),
                    ("trading_name", text()),
                    ("status", status()),
                    ("register_status", text()),
                    ("abn", text()),
                    ("acn", text()),
                    ("head_office_state", nullable(schema_ref("State"))),
                    ("regulator", described(text(), "e.g. ASQA, VRQA, TAC.")),
                    ("restricted", boolean()),
                    ("restrictions", array(schema_ref("Restriction"))),
                    ("legal_names", array(schema_ref("LegalName"))),
                    ("trading_names", array(schema_ref("DatedName"))),
                    ("registrations", array(schema_ref("Registration"))),
                    ("addresses", array(schema_ref("Address"))),
                    ("web_addresses", array(schema_ref("WebAddress"))),
                    (
                        "contacts",
                        described(
                            array(schema_ref("Contact")),
                            "Only what the caller's tier may see.",
                        ),
                    ),
                    ("contacts_withheld", integer()),
                    ("contacts_note", text()),
                    (
                        "enriched",
                        described(
                            boolean(),
                            "False until the RTO's full detail has been fetched from the \
                             register.",
                        ),
                    ),
                    ("scope", schema_ref("ScopeListing")),
                    ("cricos_provider", nullable(schema_ref("CricosProvider"))),
                    (
                        "tier",
                        enumeration([Tier::Anonymous, Tier::SignedIn, Tier::L4]),
                    ),
                    ("freshness", schema_ref("Freshness")),
                ],
                &[],
            ),
        ),
        (
            "Restriction",
            object(
                "A condition on an RTO's registration.",
                dated(vec![("code", text()), ("restriction", text())]),
                &[],
            ),
        ),
        (
            "LegalName",
            object(
                "A legal name and when it applied.",
                dated(vec![
                    ("name", string()),
                    (
                        "abns",
                        json!({ "type": ["array", "string", "null"], "items": { "type": "string" } }),
                    ),
                    ("acn", text()),
                ]),
                &[],
            ),
        ),
        (
            "DatedName",
            object(
                "A trading name and when it applied.",
                dated(vec![("name", string())]),
                &[],
            ),
        ),
        (
            "Registration",
            object(
                "A registration period.",
                dated(vec![
                    ("end_reason_code", text()),
                    ("end_reason_comments", text()),
                    ("exerciser", text()),
                    ("legal_authority", text()),
                    ("registration_manager_code", text()),
                ]),
                &[],
            ),
        ),
        (
            "Address",
            object(
                "An address: head office, postal or a delivery location.",
                dated(vec![
                    (
                        "address_type",
                        described(string(), "head_office, postal or delivery_location."),
                    ),
                    ("line1", text()),
                    ("line2", text()),
                    ("suburb", text()),
                    ("state", nullable(schema_ref("State"))),
                    ("state_overseas", text()),
                    ("postcode", text()),
                    ("country_code", text()),
                    ("latitude", nullable(number())),
                    ("longitude", nullable(number())),
                ]),
                &[],
            ),
        ),
        (
            "WebAddress",
            object(
                "A web address and when it applied.",
                dated(vec![("url", string())]),
                &[],
            ),
        ),
        (
            "Contact",
            object(
                "A contact the caller's tier may see.",
                dated(vec![
                    (
                        "kind",
                        described(
                            nullable(enumeration([
                                ContactKind::Organisation,
                                ContactKind::Person,
                            ])),
                            "person when it names a person (shown to L4 only).",
                        ),
                    ),
                    ("type_code", text()),
                    ("role_code", text()),
                    ("title", text()),
                    ("first_name", text()),
                    ("last_name", text()),
                    ("group_name", text()),
                    ("job_title", text()),
                    ("organisation_name", text()),
                    ("email", text()),
                    ("phone", text()),
                    ("mobile", text()),
                    ("fax", text()),
                    ("postal_line1", text()),
                    ("postal_line2", text()),
                    ("postal_suburb", text()),
                    ("postal_state_code", text()),
                    ("postal_postcode", text()),
                ]),
                &[],
            ),
        ),
        (
            "ScopeListing",
            listing("An RTO's scope, by component code.", "ScopeItem"),
        ),
        (
            "ScopeItem",
            object(
                "A component on an RTO's scope.",
                dated(vec![
                    ("code", string()),
                    ("component_type", nullable(schema_ref("ComponentType"))),
                    ("title", text()),
                    ("status", nullable(status())),
                    ("extent", schema_ref("Extent")),
                    ("is_implicit", boolean()),
                    ("is_refused", boolean()),
                    ("is_current", boolean()),
                ]),
                &[],
            ),
        ),
        (
            "CricosProvider",
            object(
                "The RTO's CRICOS registration.",
                vec![
                    ("provider_code", string()),
                    ("institution_name", text()),
                    ("trading_name", text()),
                    ("institution_type", text()),
                    ("capacity", nullable(integer())),
                    ("website", text()),
                    ("state", text()),
                    ("courses", integer()),
                    ("deleted", boolean()),
                ],
                &[],
            ),
        ),
        (
            "Verification",
            object(
                "Is a code current, is it on an RTO's scope, what replaces it.",
                vec![
                    ("code", string()),
                    ("title", string()),
                    ("kind", nullable(kind())),
                    ("status", status()),
                    ("is_current", boolean()),
                    ("superseded_by", array(schema_ref("Link"))),
                    ("replacements", array(schema_ref("Replacement"))),
                    ("scope", nullable(schema_ref("ScopeCheck"))),
                    (
                        "summary",
                        described(string(), "The answer in one sentence."),
                    ),
                    ("freshness", schema_ref("Freshness")),
                ],
                &[],
            ),
        ),
        (
            "ScopeCheck",
            object(
                "The code's place on an RTO's scope.",
                vec![
                    ("rto_code", string()),
                    ("rto_name", text()),
                    ("rto_status", nullable(status())),
                    ("on_scope", boolean()),
                    ("lapsed", boolean()),
                    ("extent", nullable(schema_ref("Extent"))),
                    ("is_implicit", boolean()),
                    ("end_date", text()),
                    (
                        "replacements_on_scope",
                        described(
                            array(string()),
                            "Replacements already on the RTO's current scope.",
                        ),
                    ),
                ],
                &[],
            ),
        ),
    ];
    Value::Object(items.into_iter().map(|(n, v)| (n.to_owned(), v)).collect())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::http::{route, Collection, Route, RouteId};

    fn doc() -> Value {
        document("https://api.rtopacks.com.au")
    }

    /// (method, path without prefix) of every operation in the document.
    fn operations(doc: &Value) -> BTreeSet<(String, String)> {
        let mut out = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            let path = path.strip_prefix(PUBLIC_PREFIX).expect("under /api/v1");
            for method in item.as_object().unwrap().keys() {
                out.insert((method.to_ascii_uppercase(), path.to_owned()));
            }
        }
        out
    }

    /// A query value for a documented parameter, from its example.
    fn query_value(p: &Value) -> String {
        match &p["example"] {
            Value::Array(a) => a
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
                .join(","),
            Value::String(s) => s.replace(' ', "+"),
            other => other.to_string(),
        }
    }

    /// Which variant of [`Route`] a route is: an exhaustive match, so a new variant
    /// fails to compile here until the test knows it.
    fn variant(r: &Route) -> &'static str {
        match r {
            Route::Search(_) => "search",
            Route::Lookup { .. } => "lookup",
            Route::OfferedBy { .. } => "offered_by",
            Route::Impact { .. } => "impact",
            Route::CricosCourses { .. } => "cricos_courses",
            Route::Ladder { .. } => "ladder",
            Route::Rto { .. } => "rto",
            Route::RtoCricosCourses { .. } => "rto_cricos_courses",
            Route::RtoImpact { .. } => "rto_impact",
            Route::Verify { .. } => "verify",
            Route::Stats => "stats",
        }
    }

    #[test]
    fn the_document_and_the_router_have_the_same_routes_and_parameters() {
        let doc = doc();
        let table: BTreeSet<(String, String)> = ROUTES
            .iter()
            .map(|r| (r.method.to_owned(), r.path.to_owned()))
            .collect();
        assert_eq!(operations(&doc), table, "document paths = router paths");

        let mut variants = BTreeSet::new();
        let mut collections = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            let relative = path.strip_prefix(PUBLIC_PREFIX).unwrap();
            let op = &item["get"];
            let params = op["parameters"].as_array().unwrap();
            let path_params: Vec<&Value> = params.iter().filter(|p| p["in"] == "path").collect();
            let mut concrete = relative.to_owned();
            for p in &path_params {
                assert_eq!(p["required"], true);
                let name = p["name"].as_str().unwrap();
                assert!(
                    relative.contains(&format!("{{{name}}}")),
                    "{path} has {{{name}}}"
                );
                concrete = concrete.replace(&format!("{{{name}}}"), &query_value(p));
            }
            assert_eq!(
                relative.matches('{').count(),
                path_params.len(),
                "{path}: every template variable is documented"
            );
            let query: Vec<&Value> = params.iter().filter(|p| p["in"] == "query").collect();
            let all = query
                .iter()
                .map(|p| format!("{}={}", p["name"].as_str().unwrap(), query_value(p)))
                .collect::<Vec<_>>()
                .join("&");
            // Every documented parameter is accepted (and, in debug builds, read) …
            let r = route("GET", &concrete, &all).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert_eq!(format!("{PUBLIC_PREFIX}{}", r.template()), *path);
            assert_eq!(r.group(), op["tags"][0]);
            variants.insert(variant(&r));
            if let Route::Lookup { collection, .. } = r {
                collections.insert(format!("{collection:?}"));
            }
            // … each one alone too, with the required ones …
            let required: Vec<String> = query
                .iter()
                .filter(|p| p["required"] == true)
                .map(|p| format!("{}={}", p["name"].as_str().unwrap(), query_value(p)))
                .collect();
            for p in &query {
                let mut one = required.clone();
                if p["required"] != true {
                    one.push(format!(
                        "{}={}",
                        p["name"].as_str().unwrap(),
                        query_value(p)
                    ));
                }
                route("GET", &concrete, &one.join("&"))
                    .unwrap_or_else(|e| panic!("{path} with {}: {e}", p["name"]));
            }
            // … a missing required one is refused by name …
            for p in query.iter().filter(|p| p["required"] == true) {
                let name = p["name"].as_str().unwrap();
                let others: Vec<&String> = required
                    .iter()
                    .filter(|q| !q.starts_with(&format!("{name}=")))
                    .collect();
                let q = others
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("&");
                let e = route("GET", &concrete, &q).unwrap_err();
                assert!(e.detail().contains(name), "{path}: {e}");
            }
            // … and an undocumented one is refused.
            let extra = format!("{}&undocumented=1", required.join("&"));
            let e = route("GET", &concrete, &extra).unwrap_err();
            assert_eq!(e.status(), 400, "{path}");
            assert!(e.detail().contains("undocumented"), "{e}");
        }
        let expected: BTreeSet<&str> = [
            "search",
            "lookup",
            "offered_by",
            "impact",
            "cricos_courses",
            "ladder",
            "rto",
            "rto_cricos_courses",
            "rto_impact",
            "verify",
            "stats",
        ]
        .into();
        assert_eq!(
            variants, expected,
            "every Route variant has a documented path"
        );
        assert_eq!(collections.len(), Collection::ALL.len());
    }

    #[test]
    fn parameters_say_what_they_accept() {
        let doc = doc();
        let search = &doc["paths"]["/api/v1/search"]["get"]["parameters"];
        let by_name = |n: &str| {
            search
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == n)
                .unwrap()
                .clone()
        };
        assert_eq!(by_name("q")["required"], true);
        assert_eq!(by_name("per_page")["schema"]["maximum"], 100);
        assert_eq!(by_name("kind")["explode"], false);
        let states = by_name("state")["schema"]["enum"].clone();
        assert!(states.as_array().unwrap().contains(&json!("NSW")));
        let levels = by_name("aqf_level")["schema"]["enum"].clone();
        assert!(levels
            .as_array()
            .unwrap()
            .contains(&json!("Certificate IV")));
        // Every enum value in the document is one the router accepts.
        for spec in ROUTES {
            for p in spec.params() {
                let schema = param_schema(p.ty);
                let values = schema["enum"]
                    .as_array()
                    .or(schema["items"]["enum"].as_array())
                    .cloned()
                    .unwrap_or_default();
                for v in values {
                    let v = v.as_str().unwrap().replace(' ', "+");
                    let required: Vec<String> = spec
                        .query
                        .iter()
                        .filter(|q| q.required)
                        .map(|q| format!("{}={}", q.name, q.example))
                        .collect();
                    let path = spec
                        .path
                        .replace("{code}", spec.path_param.map_or("", |c| c.example));
                    let query = format!("{}&{}={v}", required.join("&"), p.name);
                    route("GET", &path, &query)
                        .unwrap_or_else(|e| panic!("{} {}={v}: {e}", spec.path, p.name));
                }
            }
        }
    }

    #[test]
    fn the_document_is_an_openapi_3_1_document_with_bearer_auth_and_the_envelope() {
        let doc = doc();
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(doc["servers"][0]["url"], "https://api.rtopacks.com.au");
        assert_eq!(
            doc["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
        assert_eq!(doc["security"][0]["bearer"], json!([]));
        let envelope = &doc["components"]["schemas"]["ErrorEnvelope"];
        assert_eq!(envelope["required"], json!(["errors"]));
        assert_eq!(
            envelope["properties"]["errors"]["items"]["required"],
            json!(["detail"])
        );
        // Every $ref resolves, and every schema is referred to.
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let text = doc.to_string();
        let mut referred = BTreeSet::new();
        for piece in text.split("\"$ref\":\"").skip(1) {
            let target = piece.split('"').next().unwrap();
            if let Some(name) = target.strip_prefix("#/components/schemas/") {
                assert!(schemas.contains_key(name), "{target}");
                referred.insert(name.to_owned());
            } else {
                let name = target.strip_prefix("#/components/responses/").unwrap();
                assert!(
                    doc["components"]["responses"].get(name).is_some(),
                    "{target}"
                );
            }
        }
        let defined: BTreeSet<String> = schemas.keys().cloned().collect();
        assert_eq!(referred, defined);
        // Every operation has the error responses, every route id an operation.
        for spec in ROUTES {
            let op = &doc["paths"][format!("{PUBLIC_PREFIX}{}", spec.path)]["get"];
            for status in ["200", "400", "401", "404", "429", "500"] {
                assert!(
                    op["responses"].get(status).is_some(),
                    "{} {status}",
                    spec.path
                );
            }
            assert_eq!(op["operationId"], spec.operation_id);
        }
        let ids: BTreeSet<&str> = ROUTES.iter().map(|r| r.operation_id).collect();
        assert_eq!(ids.len(), ROUTES.len(), "operation ids are unique");
        assert_eq!(RouteId::Verify.spec().path, "/verify");
    }
}
