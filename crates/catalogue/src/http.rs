//! The catalogue's HTTP routes: one table shared by internal-api (mounted under
//! `/catalogue`) and the public api (mounted under `/api/v1`, see [`PUBLIC_PREFIX`]), so
//! both doors take the same paths and parameters and give the same answers.
//!
//! Pure and transport-neutral (no `worker`): a worker strips its prefix, calls
//! [`route`] with the method, path and raw query string, runs its gate with
//! [`Route::group`] and [`Route::code`], calls [`respond`], and writes
//! [`HttpAnswer::status`] and [`HttpAnswer::body`] as JSON. Auth failures and the like go
//! through [`error_body`], so every error has the same envelope.
//!
//! # The routes ([`ROUTES`])
//!
//! | Path | Answers | Group |
//! |---|---|---|
//! | `GET /search?q&kind&status&package&aqf_level&state&on_scope_of&cursor&per_page` | [`crate::search`] | `search` |
//! | `GET /qualifications/{code}`, `/units/{code}`, `/skill-sets/{code}`, `/accredited-courses/{code}` | [`crate::lookup`], refused (404) when the code is of another kind | `component` |
//! | `GET /components/{code}` | [`crate::lookup`], any kind | `component` |
//! | `GET /components/{code}/rtos?cursor&per_page` | [`crate::offered_by`] | `offered_by` |
//! | `GET /components/{code}/impact?cursor&per_page` | [`crate::supersession_impact`] | `impact` |
//! | `GET /components/{code}/cricos-courses?cursor&per_page` | [`crate::cricos_courses`] | `cricos` |
//! | `GET /packages/{code}/ladder?include_superseded` | [`crate::ladder()`] | `ladder` |
//! | `GET /rtos/{code}?scope_cursor&scope_per_page&scope_type&include_implicit&include_lapsed` | [`crate::rto()`], contacts by tier | `rto` |
//! | `GET /rtos/{code}/cricos-courses?cursor&per_page` | [`crate::rto_cricos_courses`] | `cricos` |
//! | `GET /verify?code&rto` | [`crate::verify()`] | `verify` |
//! | `GET /stats` | [`crate::stats()`] | `stats` |
//!
//! `HEAD` is accepted wherever `GET` is (the worker drops the body); any other method on
//! a known path is 405 (with `Allow: GET, HEAD`, see [`RouteError::allow`]).
//!
//! # Requests
//!
//! * Path segments are percent-decoded one by one (so `%2F` stays inside its segment);
//!   the query string is decoded as a form (`+` is a space). A `%` that does not start a
//!   `%XX` escape, or bytes that are not UTF-8, are a 400: decoding is strict so a broken
//!   client is told rather than half understood.
//! * Unknown query parameters are a 400 that names them, so a typo (`per_pge`) is seen.
//!   A parameter given twice is a 400 too, except `kind`, which is a list (repeated or
//!   comma-separated). An empty value (`status=`) is the same as leaving it out.
//! * Bad values are a 400 whose detail names the parameter and says what it accepts.
//!   A code in the path that is not a code is a 400; a well-formed code the mirror does
//!   not hold is a 404.
//! * One trailing slash is ignored; paths are otherwise matched exactly (case included).
//!
//! # Answers
//!
//! A success is `200` with the catalogue's answer struct as the body, unwrapped (no
//! `data` envelope): every answer already carries its `freshness`, and the same structs
//! are the MCP server's `structuredContent`. An error is always
//! `{"errors":[{"detail":"..."}]}` (the crates.io convention) with 400, 404, 405 or 500;
//! a 500's detail is generic and its cause is only in [`HttpAnswer::cause`], for logs.

use rtopacks_domain::codes::{NationalCode, RtoCode};
use rtopacks_domain::tga::ComponentType;
use rtopacks_store::{Db, StoreError};
use serde::Serialize;
use serde_json::{json, Value};

use crate::error::CatalogueError;
use crate::page::{Page, MAX_PER_PAGE};
use crate::query::parse_query;
use crate::rto::ScopeParams;
use crate::search::SearchParams;
use crate::tier::Tier;
use crate::vocab::{AqfLevel, Kind, State, Status};

/// Where the public api mounts the routes (`https://api.rtopacks.com.au/api/v1/search`).
pub const PUBLIC_PREFIX: &str = "/api/v1";
/// Where internal-api mounts them.
pub const INTERNAL_PREFIX: &str = "/catalogue";
/// The methods every route answers (the `Allow` header of a 405).
pub const ALLOW: &str = "GET, HEAD";

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

/// Names the rows of [`ROUTES`], one per path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteId {
    Search,
    Qualification,
    Unit,
    SkillSet,
    AccreditedCourse,
    Component,
    ComponentRtos,
    ComponentImpact,
    ComponentCricosCourses,
    PackageLadder,
    Rto,
    RtoCricosCourses,
    RtoImpact,
    Verify,
    Stats,
}

/// What a parameter holds: how the router parses it and how the OpenAPI document
/// describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// Search text ([`crate::parse_query`]).
    SearchText,
    /// A national code ([`NationalCode`]).
    NationalCode,
    /// An RTO code ([`RtoCode`]).
    RtoCode,
    /// One component [`Kind`] (not `rto`).
    ComponentKind,
    /// A list of [`Kind`]s, comma-separated or repeated.
    Kinds,
    Status,
    AqfLevel,
    State,
    /// An opaque cursor ([`crate::parse_cursor`]).
    Cursor,
    /// A page size, 1 to [`MAX_PER_PAGE`].
    PerPage,
    /// `true` or `false` (also `1`/`0`, `yes`/`no`).
    Boolean,
}

/// One parameter of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    pub name: &'static str,
    pub ty: ParamType,
    pub required: bool,
    pub description: &'static str,
    /// A value the router accepts (used in the document and in tests).
    pub example: &'static str,
}

/// One route: the router matches `path` (a template whose one variable segment is
/// `{code}`), accepts exactly `query`, and the OpenAPI document describes the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteSpec {
    pub id: RouteId,
    pub method: &'static str,
    /// Relative to the mount prefix, e.g. `/units/{code}`.
    pub path: &'static str,
    /// The SEC-02 endpoint group.
    pub group: &'static str,
    pub operation_id: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    /// The `{code}` segment, when the path has one.
    pub path_param: Option<Param>,
    pub query: &'static [Param],
    /// The name of the answer's schema in the OpenAPI document.
    pub answer: &'static str,
}

impl RouteSpec {
    pub fn params(&self) -> impl Iterator<Item = &Param> {
        self.path_param.iter().chain(self.query)
    }
}

/// A real cursor (a position after `BSB50420` in some listing): the router accepts its
/// shape; the catalogue refuses it for a listing that did not make it.
const EXAMPLE_CURSOR: &str = "MXxrfDAwMDAwMDAwfEJTQjUwNDIw";

const CURSOR: Param = Param {
    name: "cursor",
    ty: ParamType::Cursor,
    required: false,
    description: "The `next_cursor` of the previous page, exactly as given. Leave it out for \
                  the first page. A cursor only works for the listing that returned it.",
    example: EXAMPLE_CURSOR,
};

const PER_PAGE: Param = Param {
    name: "per_page",
    ty: ParamType::PerPage,
    required: false,
    description: "Items per page, 1 to 100 (default 10).",
    example: "20",
};

const NATIONAL_CODE: Param = Param {
    name: "code",
    ty: ParamType::NationalCode,
    required: true,
    description: "A national code: 3 to 15 letters and digits, any case (e.g. BSB50420).",
    example: "BSB50420",
};

const fn code_of(description: &'static str, example: &'static str) -> Option<Param> {
    Some(Param {
        description,
        example,
        ..NATIONAL_CODE
    })
}

const LOOKUP_DESCRIPTION: &str =
    "Latest release, usage recommendation, releases, the unit grid (core and elective), \
     the supersession chain both ways with equivalence (E/N) and notes, current \
     replacements, the RTOs with it on scope (total and a first page) and the CRICOS \
     courses whose VET National Code it is (total and a first page).";

/// Every route, in the order the document lists them.
pub const ROUTES: &[RouteSpec] = &[
    RouteSpec {
        id: RouteId::Search,
        method: "GET",
        path: "/search",
        group: "search",
        operation_id: "search",
        summary: "Search qualifications, units, skill sets, accredited courses, training \
                  packages and RTOs",
        description: "Ranked full-text search. The exact code comes first, then an exact \
                      title or name, then by relevance; a current item before a superseded \
                      one. Words are matched whole, the last one also as a prefix; search \
                      syntax (quotes, operators) is read as plain words. `state` applies to \
                      RTOs; `package`, `aqf_level` and `on_scope_of` to training components: \
                      combining the two sorts is a 400.",
        path_param: None,
        query: &[
            Param {
                name: "q",
                ty: ParamType::SearchText,
                required: true,
                description: "What to look for: words, a name or a code (at most 200 \
                              characters and 20 words).",
                example: "diploma of leadership",
            },
            Param {
                name: "kind",
                ty: ParamType::Kinds,
                required: false,
                description: "Only these kinds, comma-separated or repeated (default: all).",
                example: "qualification,unit",
            },
            Param {
                name: "status",
                ty: ParamType::Status,
                required: false,
                description: "Only items with this status (`not_current` applies to RTOs).",
                example: "current",
            },
            Param {
                name: "package",
                ty: ParamType::NationalCode,
                required: false,
                description: "Only components of this training package (e.g. BSB).",
                example: "BSB",
            },
            Param {
                name: "aqf_level",
                ty: ParamType::AqfLevel,
                required: false,
                description: "Only qualifications and accredited courses at this AQF level \
                              (also accepted loosely: `cert iv`, `Certificate 4`).",
                example: "Diploma",
            },
            Param {
                name: "state",
                ty: ParamType::State,
                required: false,
                description: "Only RTOs whose head office is in this state or territory.",
                example: "NSW",
            },
            Param {
                name: "on_scope_of",
                ty: ParamType::RtoCode,
                required: false,
                description: "Only components on this RTO's current scope (an RTO code).",
                example: "45329",
            },
            CURSOR,
            PER_PAGE,
        ],
        answer: "SearchResults",
    },
    RouteSpec {
        id: RouteId::Qualification,
        method: "GET",
        path: "/qualifications/{code}",
        group: "component",
        operation_id: "getQualification",
        summary: "A qualification",
        description: LOOKUP_DESCRIPTION,
        path_param: code_of(
            "A qualification's national code (e.g. BSB50420).",
            "BSB50420",
        ),
        query: &[],
        answer: "ComponentDetail",
    },
    RouteSpec {
        id: RouteId::Unit,
        method: "GET",
        path: "/units/{code}",
        group: "component",
        operation_id: "getUnit",
        summary: "A unit of competency",
        description: LOOKUP_DESCRIPTION,
        path_param: code_of("A unit's national code (e.g. BSBOPS501).", "BSBOPS501"),
        query: &[],
        answer: "ComponentDetail",
    },
    RouteSpec {
        id: RouteId::SkillSet,
        method: "GET",
        path: "/skill-sets/{code}",
        group: "component",
        operation_id: "getSkillSet",
        summary: "A skill set",
        description: LOOKUP_DESCRIPTION,
        path_param: code_of(
            "A skill set's national code (e.g. BSBSS00094).",
            "BSBSS00094",
        ),
        query: &[],
        answer: "ComponentDetail",
    },
    RouteSpec {
        id: RouteId::AccreditedCourse,
        method: "GET",
        path: "/accredited-courses/{code}",
        group: "component",
        operation_id: "getAccreditedCourse",
        summary: "An accredited course",
        description: LOOKUP_DESCRIPTION,
        path_param: code_of(
            "An accredited course's national code (e.g. 10942NAT).",
            "10942NAT",
        ),
        query: &[],
        answer: "ComponentDetail",
    },
    RouteSpec {
        id: RouteId::Component,
        method: "GET",
        path: "/components/{code}",
        group: "component",
        operation_id: "getComponent",
        summary: "Any training component by national code",
        description: LOOKUP_DESCRIPTION,
        path_param: code_of(
            "A national code of any kind: training package, qualification, unit, skill \
             set or accredited course.",
            "BSB50420",
        ),
        query: &[],
        answer: "ComponentDetail",
    },
    RouteSpec {
        id: RouteId::ComponentRtos,
        method: "GET",
        path: "/components/{code}/rtos",
        group: "offered_by",
        operation_id: "listComponentRtos",
        summary: "The RTOs with a component on their current scope",
        description: "RTOs whose current scope carries the code (not refused), by RTO code, \
                      with the extent (deliver and assess, or assess only).",
        path_param: Some(NATIONAL_CODE),
        query: &[CURSOR, PER_PAGE],
        answer: "OfferedBy",
    },
    RouteSpec {
        id: RouteId::ComponentImpact,
        method: "GET",
        path: "/components/{code}/impact",
        group: "impact",
        operation_id: "getSupersessionImpact",
        summary: "Supersession impact: the RTOs still carrying a superseded component",
        description: "What replaces the code and whether that is equivalent, and the RTOs \
                      whose current scope still carries it, each with whether it already has \
                      a replacement on scope. A current code answers too (no replacements).",
        path_param: code_of(
            "A national code, usually of a superseded qualification or unit.",
            "BSB51918",
        ),
        query: &[CURSOR, PER_PAGE],
        answer: "Impact",
    },
    RouteSpec {
        id: RouteId::ComponentCricosCourses,
        method: "GET",
        path: "/components/{code}/cricos-courses",
        group: "cricos",
        operation_id: "listCricosCourses",
        summary: "CRICOS courses whose VET National Code is a component",
        description: "Courses registered on CRICOS for international students that deliver \
                      the code, by CRICOS course code, with fees, duration and location \
                      states.",
        path_param: Some(NATIONAL_CODE),
        query: &[CURSOR, PER_PAGE],
        answer: "CricosCourses",
    },
    RouteSpec {
        id: RouteId::PackageLadder,
        method: "GET",
        path: "/packages/{code}/ladder",
        group: "ladder",
        operation_id: "getLadder",
        summary: "The AQF ladder of a training package",
        description: "The package's qualifications by AQF level, Certificate I to Graduate \
                      Diploma, current first within a level. Deleted qualifications are \
                      never listed.",
        path_param: code_of("A training package code (e.g. BSB).", "BSB"),
        query: &[Param {
            name: "include_superseded",
            ty: ParamType::Boolean,
            required: false,
            description: "Also list superseded qualifications, each with what replaced it \
                          (default false).",
            example: "true",
        }],
        answer: "Ladder",
    },
    RouteSpec {
        id: RouteId::Rto,
        method: "GET",
        path: "/rtos/{code}",
        group: "rto",
        operation_id: "getRto",
        summary: "An RTO",
        description: "Legal and trading names, status, registration periods, addresses, \
                      web addresses, scope with extents (paged), CRICOS provider, and \
                      contacts as far as the caller's tier allows: none without a user, \
                      organisation-level contacts for a signed-in user, all for an RTOpacks \
                      client (L4). Withheld contacts are counted.",
        path_param: Some(Param {
            name: "code",
            ty: ParamType::RtoCode,
            required: true,
            description: "An RTO code: 1 to 8 digits (e.g. 45329).",
            example: "45329",
        }),
        query: &[
            Param {
                name: "scope_cursor",
                ..CURSOR
            },
            Param {
                name: "scope_per_page",
                description: "Scope items per page, 1 to 100 (default 10).",
                ..PER_PAGE
            },
            Param {
                name: "scope_type",
                ty: ParamType::ComponentKind,
                required: false,
                description: "Only scope of this kind.",
                example: "qualification",
            },
            Param {
                name: "include_implicit",
                ty: ParamType::Boolean,
                required: false,
                description: "Also list units implied by a qualification on scope (there \
                              can be thousands; default false).",
                example: "true",
            },
            Param {
                name: "include_lapsed",
                ty: ParamType::Boolean,
                required: false,
                description: "Also list scope that has ended (default false).",
                example: "true",
            },
        ],
        answer: "RtoDetail",
    },
    RouteSpec {
        id: RouteId::RtoCricosCourses,
        method: "GET",
        path: "/rtos/{code}/cricos-courses",
        group: "cricos",
        operation_id: "listRtoCricosCourses",
        summary: "The CRICOS courses of an RTO",
        description: "Courses the RTO's CRICOS provider has registered for international \
                      students, by CRICOS course code, with fees, duration and location \
                      states. An RTO that is not a CRICOS provider has none.",
        path_param: Some(Param {
            name: "code",
            ty: ParamType::RtoCode,
            required: true,
            description: "An RTO code: 1 to 8 digits (e.g. 45329).",
            example: "45329",
        }),
        query: &[CURSOR, PER_PAGE],
        answer: "RtoCricosCourses",
    },
    RouteSpec {
        id: RouteId::RtoImpact,
        method: "GET",
        path: "/rtos/{code}/impact",
        group: "impact",
        operation_id: "getRtoImpact",
        summary: "Supersession impact on an RTO's scope",
        description: "The superseded and deleted components on the RTO's current scope \
                      (explicit items, not units implied by a qualification), by component \
                      code, each with its direct successors (E/N and notes), its current \
                      replacements with the whole path's equivalence, and which of those the \
                      RTO already has on scope.",
        path_param: Some(Param {
            name: "code",
            ty: ParamType::RtoCode,
            required: true,
            description: "An RTO code: 1 to 8 digits (e.g. 45329).",
            example: "45329",
        }),
        query: &[CURSOR, PER_PAGE],
        answer: "RtoImpact",
    },
    RouteSpec {
        id: RouteId::Verify,
        method: "GET",
        path: "/verify",
        group: "verify",
        operation_id: "verify",
        summary: "Verify a code: is it current, is it on an RTO's scope, what replaces it",
        description: "The answer in data and in one plain sentence (`summary`).",
        path_param: None,
        query: &[
            Param {
                name: "code",
                description: "The national code to verify (e.g. BSB51918).",
                example: "BSB51918",
                ..NATIONAL_CODE
            },
            Param {
                name: "rto",
                ty: ParamType::RtoCode,
                required: false,
                description: "An RTO code: also check the code against this RTO's scope.",
                example: "45329",
            },
        ],
        answer: "Verification",
    },
    RouteSpec {
        id: RouteId::Stats,
        method: "GET",
        path: "/stats",
        group: "stats",
        operation_id: "getStats",
        summary: "The corpus at a glance",
        description: "How many current qualifications, units, skill sets, accredited \
                      courses and training packages and RTOs the mirror holds, as counted by the \
                      newest weekly sync (`counted_at`; null until the first has finished), and \
                      the CRICOS providers and courses as they stand.",
        path_param: None,
        query: &[],
        answer: "Stats",
    },
];

impl RouteId {
    /// This route's row of [`ROUTES`].
    pub fn spec(self) -> &'static RouteSpec {
        // Every id has a row: `tests::every_id_has_one_row` walks them all.
        ROUTES.iter().find(|r| r.id == self).unwrap_or(&ROUTES[0])
    }
}

// ---------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------

/// The lookup collections: one per component kind, and `components` for any kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Collection {
    Qualifications,
    Units,
    SkillSets,
    AccreditedCourses,
    Components,
}

impl Collection {
    pub const ALL: [Collection; 5] = [
        Collection::Qualifications,
        Collection::Units,
        Collection::SkillSets,
        Collection::AccreditedCourses,
        Collection::Components,
    ];

    /// The kind of component the collection holds (`None`: any).
    pub fn kind(self) -> Option<Kind> {
        match self {
            Collection::Qualifications => Some(Kind::Qualification),
            Collection::Units => Some(Kind::Unit),
            Collection::SkillSets => Some(Kind::SkillSet),
            Collection::AccreditedCourses => Some(Kind::AccreditedCourse),
            Collection::Components => None,
        }
    }

    pub fn id(self) -> RouteId {
        match self {
            Collection::Qualifications => RouteId::Qualification,
            Collection::Units => RouteId::Unit,
            Collection::SkillSets => RouteId::SkillSet,
            Collection::AccreditedCourses => RouteId::AccreditedCourse,
            Collection::Components => RouteId::Component,
        }
    }

    /// The path segment, e.g. `skill-sets`.
    pub fn segment(self) -> &'static str {
        match self {
            Collection::Qualifications => "qualifications",
            Collection::Units => "units",
            Collection::SkillSets => "skill-sets",
            Collection::AccreditedCourses => "accredited-courses",
            Collection::Components => "components",
        }
    }

    /// The collection a component type is listed in.
    fn of(t: ComponentType) -> Collection {
        Collection::ALL
            .into_iter()
            .find(|c| c.kind().and_then(Kind::component_type) == Some(t))
            .unwrap_or(Collection::Components)
    }
}

/// A parsed request: what to ask the catalogue, with every input already parsed.
#[derive(Debug, Clone)]
pub enum Route {
    Search(SearchParams),
    Lookup {
        collection: Collection,
        code: NationalCode,
    },
    OfferedBy {
        code: NationalCode,
        page: Page,
    },
    Impact {
        code: NationalCode,
        page: Page,
    },
    CricosCourses {
        code: NationalCode,
        page: Page,
    },
    Ladder {
        package: NationalCode,
        include_superseded: bool,
    },
    Rto {
        code: RtoCode,
        scope: ScopeParams,
    },
    RtoCricosCourses {
        code: RtoCode,
        page: Page,
    },
    RtoImpact {
        code: RtoCode,
        page: Page,
    },
    Verify {
        code: NationalCode,
        rto: Option<RtoCode>,
    },
    Stats,
}

impl Route {
    pub fn id(&self) -> RouteId {
        match self {
            Route::Search(_) => RouteId::Search,
            Route::Lookup { collection, .. } => collection.id(),
            Route::OfferedBy { .. } => RouteId::ComponentRtos,
            Route::Impact { .. } => RouteId::ComponentImpact,
            Route::CricosCourses { .. } => RouteId::ComponentCricosCourses,
            Route::Ladder { .. } => RouteId::PackageLadder,
            Route::Rto { .. } => RouteId::Rto,
            Route::RtoCricosCourses { .. } => RouteId::RtoCricosCourses,
            Route::RtoImpact { .. } => RouteId::RtoImpact,
            Route::Verify { .. } => RouteId::Verify,
            Route::Stats => RouteId::Stats,
        }
    }

    pub fn spec(&self) -> &'static RouteSpec {
        self.id().spec()
    }

    /// The SEC-02 endpoint group: `search`, `component`, `offered_by`, `impact`,
    /// `cricos`, `ladder`, `rto`, `verify` or `stats`. Stable: counters are keyed by it.
    pub fn group(&self) -> &'static str {
        self.spec().group
    }

    /// The code the request looks up, canonical (upper case), for SEC-02's sequential
    /// enumeration: the path's code, or verify's `code`. `None` for a search or stats.
    pub fn code(&self) -> Option<&str> {
        match self {
            Route::Search(_) | Route::Stats => None,
            Route::Lookup { code, .. }
            | Route::OfferedBy { code, .. }
            | Route::Impact { code, .. }
            | Route::CricosCourses { code, .. }
            | Route::Verify { code, .. } => Some(code.as_str()),
            Route::Ladder { package, .. } => Some(package.as_str()),
            Route::Rto { code, .. }
            | Route::RtoCricosCourses { code, .. }
            | Route::RtoImpact { code, .. } => Some(code.as_str()),
        }
    }

    /// The path template, e.g. `/units/{code}`.
    pub fn template(&self) -> &'static str {
        self.spec().path
    }

    /// The path for access logs: the template with the canonical code filled in
    /// (`/units/BSBOPS501`), without the query string (search text stays out of logs) and
    /// without the mount prefix.
    pub fn endpoint(&self) -> String {
        let template = self.template();
        match (self.spec().path_param, self.code()) {
            (Some(_), Some(code)) => template.replace("{code}", code),
            _ => template.to_owned(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Errors and answers
// ---------------------------------------------------------------------------------------

/// Why a request has no route. Like [`CatalogueError::detail`], every detail is safe to
/// show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    /// 400: a bad parameter, path code or encoding.
    #[error("{0}")]
    BadInput(String),
    /// 404: no route has this path.
    #[error("{0}")]
    NotFound(String),
    /// 405: the path exists, the method does not.
    #[error("{0}")]
    MethodNotAllowed(String),
}

impl RouteError {
    pub fn status(&self) -> u16 {
        match self {
            RouteError::BadInput(_) => 400,
            RouteError::NotFound(_) => 404,
            RouteError::MethodNotAllowed(_) => 405,
        }
    }

    pub fn detail(&self) -> &str {
        match self {
            RouteError::BadInput(d) | RouteError::NotFound(d) | RouteError::MethodNotAllowed(d) => {
                d
            }
        }
    }

    /// The `Allow` header a 405 must carry.
    pub fn allow(&self) -> Option<&'static str> {
        matches!(self, RouteError::MethodNotAllowed(_)).then_some(ALLOW)
    }

    pub fn answer(&self) -> HttpAnswer {
        error_body(self.status(), self.detail())
    }
}

/// What to send: a status and a JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpAnswer {
    pub status: u16,
    pub body: Value,
    /// For 500s, the real cause, for the worker's log only (it may name SQL): never send
    /// it.
    pub cause: Option<String>,
}

impl From<RouteError> for HttpAnswer {
    fn from(e: RouteError) -> Self {
        e.answer()
    }
}

impl From<&CatalogueError> for HttpAnswer {
    fn from(e: &CatalogueError) -> Self {
        let mut a = error_body(e.status(), &e.detail());
        if matches!(e, CatalogueError::Store(_)) {
            a.cause = Some(e.to_string());
        }
        a
    }
}

/// The error envelope every surface answers with, `{"errors":[{"detail":"..."}]}`, for
/// errors the worker finds itself (a missing key, a rate limit).
pub fn error_body(status: u16, detail: &str) -> HttpAnswer {
    HttpAnswer {
        status,
        body: json!({ "errors": [{ "detail": detail }] }),
        cause: None,
    }
}

// ---------------------------------------------------------------------------------------
// The router
// ---------------------------------------------------------------------------------------

/// At most this many characters of a caller's text are quoted back in a detail.
const SHOWN: usize = 40;

fn shown(s: &str) -> String {
    let mut out: String = s.chars().take(SHOWN).collect();
    if s.chars().nth(SHOWN).is_some() {
        out.push('…');
    }
    out
}

/// Strict percent-decoding: every `%` starts a `%XX` escape, and the bytes are UTF-8.
/// In a query, `+` is a space (`application/x-www-form-urlencoded`).
fn percent_decode(s: &str, plus_is_space: bool) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let digit = |b: u8| char::from(b).to_digit(16);
                out.push((digit(hex[0])? * 16 + digit(hex[1])?) as u8);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn badly_encoded(part: &str) -> RouteError {
    RouteError::BadInput(format!(
        "The {part} is not properly encoded: every % must start a %XX escape, and the \
         decoded text must be UTF-8."
    ))
}

/// The route table, matched against the decoded segments.
fn match_path(path: &str) -> Result<Option<(&'static RouteSpec, Option<String>)>, RouteError> {
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
    let segments = trimmed
        .split('/')
        .map(|s| percent_decode(s, false).ok_or_else(|| badly_encoded("path")))
        .collect::<Result<Vec<String>, RouteError>>()?;
    for spec in ROUTES {
        let template: Vec<&str> = spec.path[1..].split('/').collect();
        if template.len() != segments.len() {
            continue;
        }
        let mut code = None;
        let fits = template.iter().zip(&segments).all(|(t, s)| {
            if *t == "{code}" {
                code = Some(s.clone());
                !s.is_empty()
            } else {
                t == s
            }
        });
        if fits {
            return Ok(Some((spec, code)));
        }
    }
    Ok(None)
}

/// The query string, decoded, checked against the route's parameters.
struct Query {
    spec: &'static RouteSpec,
    pairs: Vec<(String, String)>,
    /// Names the route's parser asked for (debug builds check them against the table).
    asked: Vec<&'static str>,
}

impl Query {
    fn parse(spec: &'static RouteSpec, raw: &str) -> Result<Self, RouteError> {
        let raw = raw.strip_prefix('?').unwrap_or(raw);
        let mut pairs = Vec::new();
        for piece in raw.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
            let name = percent_decode(name, true).ok_or_else(|| badly_encoded("query string"))?;
            let value = percent_decode(value, true).ok_or_else(|| badly_encoded("query string"))?;
            if !spec.query.iter().any(|p| p.name == name) {
                return Err(unknown_parameter(spec, &name));
            }
            pairs.push((name, value));
        }
        Ok(Query {
            spec,
            pairs,
            asked: Vec::new(),
        })
    }

    fn ask(&mut self, name: &'static str) -> impl Iterator<Item = &str> {
        debug_assert!(
            self.spec.query.iter().any(|p| p.name == name),
            "{} reads {name}, which ROUTES does not list",
            self.spec.path
        );
        self.asked.push(name);
        self.pairs
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The one non-empty value of `name`, if given.
    fn one(&mut self, name: &'static str) -> Result<Option<String>, RouteError> {
        let mut values = self.ask(name).filter(|v| !v.is_empty());
        let first = values.next().map(str::to_owned);
        if values.next().is_some() {
            return Err(RouteError::BadInput(format!(
                "The {name} parameter is given more than once: give it once."
            )));
        }
        Ok(first)
    }

    /// Every non-empty value of `name`, comma-separated or repeated.
    fn list(&mut self, name: &'static str) -> Vec<String> {
        self.ask(name)
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn required(&mut self, name: &'static str, what: &str) -> Result<String, RouteError> {
        self.one(name)?.ok_or_else(|| {
            RouteError::BadInput(format!("The {name} parameter is required: {what}."))
        })
    }

    fn parsed<T>(
        &mut self,
        name: &'static str,
        parse: impl FnOnce(&str) -> Result<T, CatalogueError>,
    ) -> Result<Option<T>, RouteError> {
        self.one(name)?
            .map(|v| parse(&v).map_err(|e| bad_value(name, &e)))
            .transpose()
    }

    fn page(&mut self, cursor: &'static str, per_page: &'static str) -> Result<Page, RouteError> {
        let cursor = self
            .one(cursor)?
            .map(|c| check_cursor(cursor, c))
            .transpose()?;
        let per_page = self
            .one(per_page)?
            .map(|n| page_size(per_page, &n))
            .transpose()?;
        Ok(Page { cursor, per_page })
    }

    fn flag(&mut self, name: &'static str) -> Result<bool, RouteError> {
        Ok(self
            .one(name)?
            .map(|v| boolean(name, &v))
            .transpose()?
            .unwrap_or(false))
    }

    /// Debug builds check that the parser read every parameter the table lists, so the
    /// router and the document cannot drift apart.
    fn finish(self) {
        debug_assert!(
            self.spec.query.iter().all(|p| self.asked.contains(&p.name)),
            "{} does not read all of its parameters ({:?} read)",
            self.spec.path,
            self.asked
        );
    }
}

fn unknown_parameter(spec: &RouteSpec, name: &str) -> RouteError {
    let accepted: Vec<&str> = spec.query.iter().map(|p| p.name).collect();
    let takes = if accepted.is_empty() {
        "takes no query parameters".to_owned()
    } else {
        format!("takes {}", accepted.join(", "))
    };
    RouteError::BadInput(format!(
        "Unknown query parameter {:?}: {} {takes}.",
        shown(name),
        spec.path
    ))
}

fn bad_value(name: &str, e: &CatalogueError) -> RouteError {
    RouteError::BadInput(format!("The {name} parameter is not valid. {}", e.detail()))
}

fn check_cursor(name: &str, value: String) -> Result<String, RouteError> {
    match crate::cursor::parse_cursor(&value) {
        Ok(_) => Ok(value),
        Err(_) => Err(RouteError::BadInput(format!(
            "The {name} parameter is not a cursor this API gave out: pass the next_cursor \
             of the previous page exactly as given, or leave it out for the first page."
        ))),
    }
}

fn page_size(name: &str, value: &str) -> Result<u32, RouteError> {
    value
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_PER_PAGE).contains(n) && value.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            RouteError::BadInput(format!(
                "The {name} parameter is not valid: use a whole number from 1 to {MAX_PER_PAGE}."
            ))
        })
}

fn boolean(name: &str, value: &str) -> Result<bool, RouteError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(RouteError::BadInput(format!(
            "The {name} parameter is not valid: use true or false."
        ))),
    }
}

fn path_code<T>(
    code: Option<String>,
    parse: impl FnOnce(&str) -> Result<T, rtopacks_domain::codes::CodeError>,
) -> Result<T, RouteError> {
    let code = code.unwrap_or_default();
    parse(&code).map_err(|e| {
        RouteError::BadInput(format!(
            "The code in the path is not valid. {}",
            CatalogueError::from(e).detail()
        ))
    })
}

fn national(s: &str) -> Result<NationalCode, CatalogueError> {
    Ok(NationalCode::parse(s)?)
}

fn rto_code(s: &str) -> Result<RtoCode, CatalogueError> {
    Ok(RtoCode::parse(s)?)
}

/// Parse a request into a [`Route`]. `path` is relative to the worker's mount prefix
/// (`/units/BSBOPS501`); `query` is the raw query string, with or without its `?`.
/// Never panics; never touches the database.
pub fn route(method: &str, path: &str, query: &str) -> Result<Route, RouteError> {
    let Some((spec, code)) = match_path(path)? else {
        let paths: Vec<&str> = ROUTES.iter().map(|r| r.path).collect();
        return Err(RouteError::NotFound(format!(
            "There is no catalogue endpoint at {:?}. The endpoints are {}.",
            shown(path),
            paths.join(", ")
        )));
    };
    if !matches!(method, "GET" | "HEAD") {
        return Err(RouteError::MethodNotAllowed(format!(
            "{} answers GET (and HEAD) only, not {}.",
            spec.path,
            shown(method)
        )));
    }
    let mut q = Query::parse(spec, query)?;
    let route = match spec.id {
        RouteId::Search => {
            let text = q.required("q", "the words, name or code to search for")?;
            parse_query(&text).map_err(|e| bad_value("q", &e))?;
            let mut kinds = Vec::new();
            for k in q.list("kind") {
                let k = Kind::parse(&k).map_err(|e| bad_value("kind", &e))?;
                if !kinds.contains(&k) {
                    kinds.push(k);
                }
            }
            let status = q.parsed("status", Status::parse)?;
            let training_package = q.parsed("package", national)?;
            let aqf_level = q.parsed("aqf_level", AqfLevel::parse)?;
            let state = q.parsed("state", State::parse)?;
            let on_scope_of = q.parsed("on_scope_of", rto_code)?;
            let page = q.page("cursor", "per_page")?;
            Route::Search(SearchParams {
                q: text,
                kinds,
                status,
                training_package,
                aqf_level,
                state,
                on_scope_of,
                page,
            })
        }
        RouteId::Qualification
        | RouteId::Unit
        | RouteId::SkillSet
        | RouteId::AccreditedCourse
        | RouteId::Component => Route::Lookup {
            collection: Collection::ALL
                .into_iter()
                .find(|c| c.id() == spec.id)
                .unwrap_or(Collection::Components),
            code: path_code(code, NationalCode::parse)?,
        },
        RouteId::ComponentRtos => Route::OfferedBy {
            code: path_code(code, NationalCode::parse)?,
            page: q.page("cursor", "per_page")?,
        },
        RouteId::ComponentImpact => Route::Impact {
            code: path_code(code, NationalCode::parse)?,
            page: q.page("cursor", "per_page")?,
        },
        RouteId::ComponentCricosCourses => Route::CricosCourses {
            code: path_code(code, NationalCode::parse)?,
            page: q.page("cursor", "per_page")?,
        },
        RouteId::PackageLadder => Route::Ladder {
            package: path_code(code, NationalCode::parse)?,
            include_superseded: q.flag("include_superseded")?,
        },
        RouteId::Rto => {
            let code = path_code(code, RtoCode::parse)?;
            let page = q.page("scope_cursor", "scope_per_page")?;
            let kind = match q.parsed("scope_type", Kind::parse)? {
                Some(Kind::Rto) => {
                    return Err(RouteError::BadInput(
                        "The scope_type parameter is not valid. A scope lists training \
                         components: use qualification, unit, skill_set, accredited_course or \
                         training_package."
                            .to_owned(),
                    ))
                }
                k => k,
            };
            Route::Rto {
                code,
                scope: ScopeParams {
                    page,
                    kind,
                    include_implicit: q.flag("include_implicit")?,
                    include_lapsed: q.flag("include_lapsed")?,
                },
            }
        }
        RouteId::RtoCricosCourses => Route::RtoCricosCourses {
            code: path_code(code, RtoCode::parse)?,
            page: q.page("cursor", "per_page")?,
        },
        RouteId::RtoImpact => Route::RtoImpact {
            code: path_code(code, RtoCode::parse)?,
            page: q.page("cursor", "per_page")?,
        },
        RouteId::Stats => Route::Stats,
        RouteId::Verify => {
            let code = q.required("code", "the national code to verify (e.g. BSB50420)")?;
            Route::Verify {
                code: national(&code).map_err(|e| bad_value("code", &e))?,
                rto: q.parsed("rto", rto_code)?,
            }
        }
    };
    q.finish();
    Ok(route)
}

// ---------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------

fn json_of(v: impl Serialize) -> Result<Value, CatalogueError> {
    serde_json::to_value(v)
        .map_err(|e| StoreError::Decode(format!("encoding an answer: {e}")).into())
}

fn with_article(t: ComponentType) -> &'static str {
    match t {
        ComponentType::AccreditedCourse => "an accredited course",
        ComponentType::Qualification => "a qualification",
        ComponentType::Unit => "a unit",
        ComponentType::SkillSet => "a skill set",
        ComponentType::UnitContextualisation => "a unit contextualisation",
        ComponentType::TrainingPackage => "a training package",
        ComponentType::AccreditedCourseModule => "an accredited course module",
    }
}

fn wrong_collection(code: &str, asked: Collection, actual: ComponentType) -> CatalogueError {
    let noun = match asked {
        Collection::Qualifications => "qualification",
        Collection::Units => "unit",
        Collection::SkillSets => "skill set",
        Collection::AccreditedCourses => "accredited course",
        Collection::Components => "component",
    };
    let home = Collection::of(actual).segment();
    CatalogueError::NotFound(format!(
        "There is no {noun} with code {code}: {code} is {} (see {home}/{code}).",
        with_article(actual)
    ))
}

async fn answer(db: &impl Db, route: &Route, tier: Tier) -> Result<Value, CatalogueError> {
    match route {
        Route::Search(p) => json_of(crate::search(db, p).await?),
        Route::Lookup { collection, code } => {
            let detail = crate::lookup(db, code).await?;
            match collection.kind() {
                Some(kind) if detail.kind != Some(kind) => Err(wrong_collection(
                    &detail.code,
                    *collection,
                    detail.component_type,
                )),
                _ => json_of(detail),
            }
        }
        Route::OfferedBy { code, page } => json_of(crate::offered_by(db, code, page).await?),
        Route::Impact { code, page } => json_of(crate::supersession_impact(db, code, page).await?),
        Route::CricosCourses { code, page } => {
            json_of(crate::cricos_courses(db, code, page).await?)
        }
        Route::Ladder {
            package,
            include_superseded,
        } => json_of(crate::ladder(db, package, *include_superseded).await?),
        Route::Rto { code, scope } => json_of(crate::rto(db, code, tier, scope).await?),
        Route::RtoCricosCourses { code, page } => {
            json_of(crate::rto_cricos_courses(db, code, page).await?)
        }
        Route::RtoImpact { code, page } => json_of(crate::rto_impact(db, code, page).await?),
        Route::Verify { code, rto } => json_of(crate::verify(db, code, rto.as_ref()).await?),
        Route::Stats => json_of(crate::stats(db).await?),
    }
}

/// Run a route against the catalogue. `tier` only changes an RTO's contacts.
pub async fn respond(db: &impl Db, route: &Route, tier: Tier) -> HttpAnswer {
    match answer(db, route, tier).await {
        Ok(body) => HttpAnswer {
            status: 200,
            body,
            cause: None,
        },
        Err(e) => HttpAnswer::from(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(path: &str, query: &str) -> Route {
        route("GET", path, query).unwrap_or_else(|e| panic!("{path}?{query}: {e}"))
    }

    fn err(path: &str, query: &str) -> RouteError {
        route("GET", path, query).expect_err(&format!("{path}?{query}"))
    }

    /// The query string of every example value of a route.
    fn examples(spec: &RouteSpec) -> String {
        spec.query
            .iter()
            .map(|p| format!("{}={}", p.name, p.example.replace(' ', "+")))
            .collect::<Vec<_>>()
            .join("&")
    }

    fn example_path(spec: &RouteSpec) -> String {
        match spec.path_param {
            Some(p) => spec.path.replace("{code}", p.example),
            None => spec.path.to_owned(),
        }
    }

    #[test]
    fn every_id_has_one_row_and_every_row_routes_to_itself() {
        let ids = [
            RouteId::Search,
            RouteId::Qualification,
            RouteId::Unit,
            RouteId::SkillSet,
            RouteId::AccreditedCourse,
            RouteId::Component,
            RouteId::ComponentRtos,
            RouteId::ComponentImpact,
            RouteId::ComponentCricosCourses,
            RouteId::PackageLadder,
            RouteId::Rto,
            RouteId::RtoCricosCourses,
            RouteId::RtoImpact,
            RouteId::Verify,
            RouteId::Stats,
        ];
        assert_eq!(ids.len(), ROUTES.len());
        for id in ids {
            assert_eq!(ROUTES.iter().filter(|r| r.id == id).count(), 1, "{id:?}");
            assert_eq!(id.spec().id, id);
        }
        for spec in ROUTES {
            assert_eq!(spec.method, "GET");
            assert_eq!(spec.path.contains("{code}"), spec.path_param.is_some());
            // With every parameter (the parser reads them all: debug_assert in finish) …
            let r = ok(&example_path(spec), &examples(spec));
            assert_eq!(r.id(), spec.id);
            assert_eq!(r.group(), spec.group);
            // … and with the required ones only.
            let required: Vec<String> = spec
                .query
                .iter()
                .filter(|p| p.required)
                .map(|p| format!("{}={}", p.name, p.example))
                .collect();
            assert_eq!(ok(&example_path(spec), &required.join("&")).id(), spec.id);
            for p in spec.query.iter().filter(|p| p.required) {
                let e = route("GET", &example_path(spec), "").unwrap_err();
                assert!(e.detail().contains(p.name), "{e}");
            }
        }
    }

    #[test]
    fn the_example_cursor_is_a_cursor() {
        assert!(crate::parse_cursor(EXAMPLE_CURSOR).is_ok());
    }

    #[test]
    fn search_parameters_are_parsed() {
        let r = ok(
            "/search",
            "?q=diploma+of%20leadership&kind=qualifications,Skill%20set&kind=qualification\
             &status=Current&package=bsb&aqf_level=cert+iv&on_scope_of=45329&per_page=5",
        );
        let Route::Search(p) = r else { panic!() };
        assert_eq!(p.q, "diploma of leadership");
        assert_eq!(p.kinds, [Kind::Qualification, Kind::SkillSet]);
        assert_eq!(p.status, Some(Status::Current));
        assert_eq!(p.training_package.unwrap().as_str(), "BSB");
        assert_eq!(p.aqf_level, Some(AqfLevel::CertificateIV));
        assert_eq!(p.on_scope_of.unwrap().as_str(), "45329");
        assert_eq!(p.page, Page::first(5));
        // Empty values are left out.
        let Route::Search(p) = ok("/search", "q=x&status=&kind=&cursor=&per_page=") else {
            panic!()
        };
        assert_eq!(
            (p.status, p.kinds.len(), p.page),
            (None, 0, Page::default())
        );
    }

    #[test]
    fn paths_are_decoded_segment_by_segment_and_codes_made_canonical() {
        let r = ok("/units/bsbops501", "");
        assert_eq!(r.code(), Some("BSBOPS501"));
        assert_eq!(r.endpoint(), "/units/BSBOPS501");
        assert_eq!(r.template(), "/units/{code}");
        assert_eq!(r.group(), "component");
        let r = ok("units/%42SB%4fps501/", "");
        assert_eq!(r.endpoint(), "/units/BSBOPS501");
        // An encoded slash stays in its segment, and is then not a code.
        let e = err("/units/BSB%2FOPS501", "");
        assert_eq!(e.status(), 400);
        assert!(e.detail().contains("code in the path"), "{e}");
        // A `+` in a path is a plus, not a space.
        assert_eq!(err("/units/BSB+1", "").status(), 400);
        let r = ok(
            "/rtos/45329",
            "scope_per_page=3&scope_type=units&include_lapsed=1",
        );
        assert_eq!(r.endpoint(), "/rtos/45329");
        let Route::Rto { scope, .. } = r else {
            panic!()
        };
        assert_eq!(scope.page.per_page, Some(3));
        assert_eq!(scope.kind, Some(Kind::Unit));
        assert!(scope.include_lapsed && !scope.include_implicit);
        assert_eq!(ok("/search", "q=x").endpoint(), "/search");
        assert_eq!(ok("/verify", "code=bsb51918").code(), Some("BSB51918"));
        assert_eq!(
            ok("/packages/bsb/ladder", "include_superseded=TRUE").endpoint(),
            "/packages/BSB/ladder"
        );
        assert_eq!(ok("/components/X12/impact", "").group(), "impact");
    }

    #[test]
    fn unknown_paths_are_404_and_other_methods_405() {
        for path in [
            "",
            "/",
            "/nope",
            "/units",
            "/units/",
            "/units//",
            "/Units/BSB",
            "/search/x",
        ] {
            let e = err(path, "");
            assert_eq!(e.status(), 404, "{path:?}: {e}");
            assert!(e.detail().contains("/search"), "lists the endpoints: {e}");
        }
        for m in ["POST", "PUT", "DELETE", "get", "OPTIONS"] {
            let e = route(m, "/units/BSBOPS501", "").unwrap_err();
            assert_eq!(e.status(), 405, "{m}");
            assert_eq!(e.allow(), Some("GET, HEAD"));
        }
        assert!(route("HEAD", "/search", "q=x").is_ok());
        assert_eq!(route("POST", "/nope", "").unwrap_err().status(), 404);
    }

    #[test]
    fn bad_parameters_are_400_naming_the_parameter() {
        let cases = [
            ("/search", "q=x&per_pge=5", "per_pge"),
            ("/units/BSBOPS501", "x=1", "takes no query parameters"),
            ("/search", "", "q parameter is required"),
            ("/search", "q=%22%22+()", "q parameter"),
            ("/search", "q=x&per_page=0", "per_page"),
            ("/search", "q=x&per_page=1000", "per_page"),
            ("/search", "q=x&per_page=-1", "per_page"),
            ("/search", "q=x&per_page=+5", "per_page"),
            ("/search", "q=x&per_page=99999999999999999999", "per_page"),
            ("/search", "q=x&cursor=garbage", "cursor parameter"),
            ("/search", "q=x&kind=widgets", "kind parameter"),
            ("/search", "q=x&status=gone", "status parameter"),
            ("/search", "q=x&state=NZ", "state parameter"),
            ("/search", "q=x&aqf_level=cert+v", "aqf_level parameter"),
            ("/search", "q=x&package=B", "package parameter"),
            ("/search", "q=x&on_scope_of=abc", "on_scope_of parameter"),
            (
                "/search",
                "q=x&status=current&status=deleted",
                "more than once",
            ),
            ("/search", "q=%zz", "encoded"),
            ("/search", "q=%ff%fe", "UTF-8"),
            ("/search", "q=x%", "encoded"),
            ("/rtos/45329", "scope_per_page=0", "scope_per_page"),
            ("/rtos/45329", "scope_cursor=x", "scope_cursor"),
            ("/rtos/45329", "scope_type=rto", "scope_type"),
            ("/rtos/4532a", "", "RTO codes"),
            (
                "/packages/BSB/ladder",
                "include_superseded=maybe",
                "include_superseded",
            ),
            ("/verify", "", "code parameter is required"),
            ("/verify", "code=B", "code parameter"),
            ("/verify", "code=BSB50420&rto=x", "rto parameter"),
            ("/units/B", "", "code in the path"),
            ("/units/%zz", "", "path is not properly encoded"),
        ];
        for (path, query, needle) in cases {
            let e = err(path, query);
            assert_eq!(e.status(), 400, "{path}?{query}: {e}");
            assert!(e.detail().contains(needle), "{path}?{query}: {e}");
            let a = e.answer();
            assert_eq!(a.body["errors"][0]["detail"], e.detail());
        }
        let long = format!("/search?q=x&{}=1", "z".repeat(5000));
        let (p, q) = long.split_once('?').unwrap();
        assert!(err(p, q).detail().len() < 300, "the name is clipped");
        assert!(err("/search", &format!("q={}", "a".repeat(10_000)))
            .detail()
            .contains("too long"));
    }

    #[test]
    fn the_error_envelope_is_the_documented_one() {
        let a = error_body(401, "A key is required.");
        assert_eq!(a.status, 401);
        assert_eq!(a.body, json!({"errors":[{"detail":"A key is required."}]}));
        let store = CatalogueError::Store(StoreError::Database("no such table: x".into()));
        let a = HttpAnswer::from(&store);
        assert_eq!(a.status, 500);
        assert!(!a.body.to_string().contains("table"));
        assert!(a.cause.unwrap().contains("no such table"));
    }

    #[test]
    fn percent_decoding_is_strict() {
        assert_eq!(percent_decode("a%20b+c", true).unwrap(), "a b c");
        assert_eq!(percent_decode("a%20b+c", false).unwrap(), "a b+c");
        assert_eq!(percent_decode("%C3%A9", true).unwrap(), "é");
        assert_eq!(percent_decode("%c3%a9", true).unwrap(), "é");
        for bad in ["%", "%2", "%g0", "%C3", "%ff", "%%41"] {
            assert_eq!(percent_decode(bad, true), None, "{bad}");
        }
    }

    fn templated() -> impl Strategy<Value = (String, String)> {
        let spec = prop::sample::select(ROUTES);
        let segment = prop_oneof![
            "[A-Za-z0-9]{0,20}",
            "[A-Za-z0-9%+/ ._~-]{0,20}",
            any::<String>(),
        ];
        let name = prop_oneof![
            prop::sample::select(vec![
                "q",
                "kind",
                "status",
                "cursor",
                "per_page",
                "scope_cursor",
                "include_superseded",
                "code",
                "rto",
                "bogus",
            ])
            .prop_map(str::to_owned),
            "[a-z_%]{0,8}",
        ];
        let value = prop_oneof!["[A-Za-z0-9%+ ,=&-]{0,30}", any::<String>()];
        (spec, segment, prop::collection::vec((name, value), 0..6)).prop_map(
            |(spec, seg, pairs)| {
                let path = spec.path.replace("{code}", &seg);
                let query = pairs
                    .iter()
                    .map(|(n, v)| format!("{n}={v}"))
                    .collect::<Vec<_>>()
                    .join("&");
                (path, query)
            },
        )
    }

    proptest! {
        #[test]
        fn property_route_never_panics(
            method in prop_oneof![Just("GET".to_owned()), Just("HEAD".to_owned()), any::<String>()],
            path in any::<String>(),
            query in any::<String>(),
        ) {
            let _ = route(&method, &path, &query);
        }

        #[test]
        fn property_route_near_the_table_never_panics_and_errors_are_4xx(
            (path, query) in templated()
        ) {
            match route("GET", &path, &query) {
                Ok(r) => {
                    // A route's normalized endpoint routes to itself.
                    let again = route("GET", &r.endpoint(), "");
                    if let Ok(again) = again {
                        prop_assert_eq!(again.id(), r.id());
                        prop_assert_eq!(again.code(), r.code());
                    }
                }
                Err(e) => {
                    prop_assert!(matches!(e.status(), 400 | 404), "{}", e);
                    prop_assert!(!e.detail().is_empty());
                }
            }
        }
    }
}
