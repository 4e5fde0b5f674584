//! The catalogue: one implementation of every read over `rtopacks-db` that internal-api,
//! the public api and the MCP server answer, so the three doors give the same answers.
//!
//! Pure Rust over [`rtopacks_store::Db`]: it runs on D1 in a worker and on SQLite (with
//! the real migrations and D1's limits) in `cargo test`.
//!
//! | Function | Answers |
//! |---|---|
//! | [`search`] | ranked full-text over qualifications, units, skill sets, accredited courses, training packages and RTOs, with filters and seek pagination |
//! | [`lookup`] | one component: latest release, status, unit grid, supersession both ways, RTOs on scope, CRICOS courses |
//! | [`offered_by`] | the RTOs with a code on scope, paged |
//! | [`rto()`] | one RTO: names, status, registrations, addresses, contacts (by [`Tier`]), web addresses, scope with extents (paged), CRICOS provider |
//! | [`ladder()`] | a training package's qualifications by AQF level |
//! | [`verify()`] | is a code current, is it on an RTO's scope, what replaces it and is that equivalent |
//! | [`supersession_impact`] | the RTOs still carrying a superseded code, and whether they have its replacement |
//! | [`cricos_courses`] | CRICOS courses whose VET National Code is a code, paged |
//! | [`rto_cricos_courses`] | the CRICOS courses of an RTO's provider, paged |
//! | [`stats()`] | the corpus at a glance: the newest weekly snapshot's figures, CRICOS as it stands |
//!
//! Rules every function keeps:
//! * **Input is parsed first.** Codes arrive as domain newtypes ([`NationalCode`],
//!   [`RtoCode`]; a `CodeError` converts into [`CatalogueError::BadInput`]); search text
//!   goes through [`parse_query`], cursors through [`parse_cursor`]. Nothing a caller
//!   typed is ever formatted into SQL: it is bound, and the SQL texts are constants.
//! * **Errors say who must act**: [`CatalogueError::BadInput`] (400, a plain sentence),
//!   [`CatalogueError::NotFound`] (404), [`CatalogueError::Store`] (500, details only in
//!   logs). [`CatalogueError::detail`] is always safe to show.
//! * **Lists are seek-paged**: [`Page`] takes the previous page's `next_cursor` and a
//!   `per_page` (default 10, at most 100); a cursor is opaque, versioned, and only valid
//!   for the listing that made it.
//! * **Answers are dated**: each carries a [`Freshness`], the oldest sync time of the rows
//!   it used, overall and per source register.
//! * **Statements stay small**: every statement binds at most 17 parameters (D1 allows
//!   100); sets of codes travel as one bound JSON array (`json_each`).
//!
//! # Tiers
//!
//! What an RTO answer shows depends on who asks (the rule, for the README):
//!
//! | Tier | Who | Sees of an RTO |
//! |---|---|---|
//! | `anonymous` | no session, or an API/MCP key without a user | the public register facts: codes, legal and trading names, ABN/ACN, status, registration periods and regulator, addresses, web addresses, scope with extents, CRICOS provider. **No contacts**: the answer says how many it withholds. |
//! | `signed_in` | a user with a session | the above, plus **organisation-level contacts**: positions and roles (public enquiries, a registration inbox) with their role, job title, email, phone and postal address. Contacts that name a person are withheld (counted). |
//! | `l4` | a user whose organisation is an active `rto_clients` row | **everything**, including contacts that name a person: their name, title, email, phone, mobile and fax. |
//!
//! A contact names a person when upstream types it `Person` or it carries a first or last
//! name. Everything outside contacts is the same for every tier. Components (search,
//! lookup, ladder, verify, impact, CRICOS) are the same for every tier; confidential
//! components are never listed or looked up.
#![allow(async_fn_in_trait)]

mod chain;
mod cricos;
pub mod cursor;
mod error;
pub mod http;
mod impact;
mod ladder;
mod lookup;
pub mod openapi;
mod page;
pub mod query;
mod reads;
mod rto;
mod rto_impact;
mod scope;
mod search;
mod stats;
mod tier;
mod verify;
mod vocab;

pub use chain::{Equivalence, Link, Replacement, Supersession, MAX_CHAIN_DEPTH};
pub use cricos::{
    cricos_courses, rto_cricos_courses, CricosCourse, CricosCourses, CricosListing,
    RtoCricosCourses,
};
pub use cursor::{parse_cursor, Cursor};
pub use error::CatalogueError;
pub use impact::{supersession_impact, Impact};
pub use ladder::{ladder, Ladder, LadderEntry, Rung};
pub use lookup::{
    lookup, offered_by, ComponentDetail, GridUnit, OfferedBy, PackageRef, ReleaseInfo, UnitGrid,
    LOOKUP_PAGE,
};
pub use page::{Freshness, Page, Paged, Source, SourceFreshness, DEFAULT_PER_PAGE, MAX_PER_PAGE};
pub use query::{parse_query, SearchText, MAX_QUERY_CHARS, MAX_QUERY_WORDS};
pub use rto::{
    rto, Address, Contact, CricosProvider, DatedName, Extent, LegalName, Registration, RtoDetail,
    ScopeItem, ScopeListing, ScopeParams, WebAddress,
};
pub use rto_impact::{rto_impact, AffectedItem, RtoImpact};
pub use scope::{Offering, OfferingRto};
pub use search::{search, Hit, SearchParams, SearchResults};
pub use stats::{stats, stats_statements, Stats};
pub use tier::{ContactKind, Tier};
pub use verify::{verify, ScopeCheck, Verification};
pub use vocab::{AqfLevel, Kind, State, Status};

pub use rtopacks_domain::codes::{NationalCode, RtoCode};
