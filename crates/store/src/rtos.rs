//! The enriched-RTO layer of `rtopacks-db` (`rtos` and its `rto_*` child tables), and the
//! `tga_ingest_runs` record of each enrichment.
//!
//! Every write is idempotent on natural keys: replaying an RTO's detail updates rows in
//! place. A child set (contacts, addresses, names, …) is small, so it is replaced whole:
//! in one batch, rows of that RTO whose key is not in the new set are deleted and the new
//! set is upserted. Scope can run to tens of thousands of rows for one RTO, so it is
//! written a page at a time ([`scope_page_statements`]) and, after the last page, rows of
//! that RTO not refreshed since the enrichment began are removed ([`remove_stale_scope`]).
//!
//! `rtos.enriched` turns 1 only when the whole enrichment (detail and every scope page)
//! is in ([`mark_enriched`]); the base-row writer ([`base_row_statements`]) never touches
//! it. Timestamps are ISO `YYYY-MM-DDTHH:MM:SSZ` strings bound from code.

use rtopacks_domain::tga::{
    Address, Contact, Location, OrganisationDetails, RegistrationPeriod, ResponsibleLegalPerson,
    ScopeEntry,
};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::bulk::{Upsert, MAX_ROWS};
use crate::{Db, Statement, StoreError};

/// `enriched_by` values.
pub const BY_TGA_INGEST: &str = "tga_ingest";
pub const BY_ENRICH_SYNC: &str = "enrich_sync";
pub const BY_BACKFILL: &str = "backfill";

/// `rto_addresses.address_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressType {
    HeadOffice,
    Postal,
    DeliveryLocation,
}

impl AddressType {
    pub fn as_str(self) -> &'static str {
        match self {
            AddressType::HeadOffice => "head_office",
            AddressType::Postal => "postal",
            AddressType::DeliveryLocation => "delivery_location",
        }
    }

    /// REST `headOffice | postal | deliveryLocation` (loosely: case and separators ignored).
    pub fn parse(s: &str) -> Option<Self> {
        let t: String = s
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match t.as_str() {
            "headoffice" => Some(AddressType::HeadOffice),
            "postal" | "postaladdress" => Some(AddressType::Postal),
            "deliverylocation" | "delivery" => Some(AddressType::DeliveryLocation),
            _ => None,
        }
    }
}

/// One typed address of an RTO.
#[derive(Debug, Clone, PartialEq)]
pub struct RtoAddress {
    pub address_type: AddressType,
    pub location: Location,
}

/// Everything but scope that one enrichment of one RTO writes.
///
/// From `details`: `responsible_legal_persons`, `trading_names`, `urls`,
/// `registration_periods`, `classifications`, `contacts`, `registration_managers`
/// (`locations` is not read: `addresses` carries the typed addresses).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RtoEnrichment {
    pub rto_code: String,
    pub status: Option<String>,
    /// Stored form (`…T…Z`); `None` keeps what the row has.
    pub upstream_updated_at: Option<String>,
    /// `None` keeps what the row has.
    pub cricos_provider_code: Option<String>,
    pub details: OrganisationDetails,
    pub addresses: Vec<RtoAddress>,
}

/// Rows written per child table by one enrichment (and scope totals, filled by the caller).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrichCounts {
    pub contacts: u64,
    pub addresses: u64,
    pub trading_names: u64,
    pub web_addresses: u64,
    pub legal_names: u64,
    pub registrations: u64,
    pub classifications: u64,
    pub scope_rows: u64,
    /// Scope entries not written (no code, or a component type the schema does not know).
    pub scope_rejected: u64,
    /// Scope rows removed because upstream no longer lists them.
    pub scope_removed: u64,
}

impl EnrichCounts {
    pub fn detail_rows(&self) -> u64 {
        self.contacts
            + self.addresses
            + self.trading_names
            + self.web_addresses
            + self.legal_names
            + self.registrations
            + self.classifications
    }
}

/// A child table: its upsert and its natural key within one RTO.
struct Child {
    upsert: Upsert,
    /// Key columns after `rto_code`.
    key: &'static [&'static str],
}

const CONTACTS: Child = Child {
    upsert: Upsert {
        table: "rto_contacts",
        columns: &[
            "rto_code",
            "contact_key",
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
            "postal_country_code",
            "start_date",
            "end_date",
            "synced_at",
        ],
        key: &["rto_code", "contact_key"],
    },
    key: &["contact_key"],
};

/// Geocodes (`latitude`, `longitude`, `geocoded_at`) are not written here: an unchanged
/// address keeps them.
const ADDRESSES: Child = Child {
    upsert: Upsert {
        table: "rto_addresses",
        columns: &[
            "rto_code",
            "address_type",
            "address_key",
            "line1",
            "line2",
            "suburb",
            "state_code",
            "state_overseas",
            "postcode",
            "country_code",
            "start_date",
            "end_date",
            "synced_at",
        ],
        key: &["rto_code", "address_type", "address_key"],
    },
    key: &["address_type", "address_key"],
};

const TRADING_NAMES: Child = Child {
    upsert: Upsert {
        table: "rto_trading_names",
        columns: &["rto_code", "name", "start_date", "end_date", "synced_at"],
        key: &["rto_code", "name"],
    },
    key: &["name"],
};

const WEB_ADDRESSES: Child = Child {
    upsert: Upsert {
        table: "rto_web_addresses",
        columns: &["rto_code", "url", "start_date", "end_date", "synced_at"],
        key: &["rto_code", "url"],
    },
    key: &["url"],
};

const LEGAL_NAMES: Child = Child {
    upsert: Upsert {
        table: "rto_legal_names",
        columns: &[
            "rto_code",
            "name",
            "abns",
            "acn",
            "start_date",
            "end_date",
            "synced_at",
        ],
        key: &["rto_code", "name"],
    },
    key: &["name"],
};

const REGISTRATIONS: Child = Child {
    upsert: Upsert {
        table: "rto_registrations",
        columns: &[
            "rto_code",
            "start_date",
            "end_date",
            "end_reason_code",
            "end_reason_comments",
            "exerciser",
            "legal_authority",
            "registration_manager_code",
            "synced_at",
        ],
        key: &["rto_code", "start_date"],
    },
    key: &["start_date"],
};

const CLASSIFICATIONS: Child = Child {
    upsert: Upsert {
        table: "rto_classifications",
        columns: &[
            "rto_code",
            "scheme_code",
            "value_code",
            "purpose_code",
            "start_date",
            "end_date",
            "synced_at",
        ],
        key: &["rto_code", "scheme_code", "value_code"],
    },
    key: &["scheme_code", "value_code"],
};

/// `rto_scope`.
pub const SCOPE: Upsert = Upsert {
    table: "rto_scope",
    columns: &[
        "rto_code",
        "component_code",
        "component_type",
        "is_implicit",
        "is_refused",
        "extent_code",
        "start_date",
        "end_date",
        "is_current",
        "synced_at",
    ],
    key: &["rto_code", "component_code"],
};

/// Every table of the layer (for tests and tooling).
pub const TABLES: [&str; 9] = [
    "rtos",
    "rto_contacts",
    "rto_addresses",
    "rto_trading_names",
    "rto_web_addresses",
    "rto_legal_names",
    "rto_registrations",
    "rto_classifications",
    "rto_scope",
];

fn date(d: &Option<impl ToString>) -> Json {
    d.as_ref()
        .map_or(Json::Null, |d| Json::String(d.to_string()))
}

fn text(s: &Option<String>) -> Json {
    s.as_ref().map_or(Json::Null, |s| Json::String(s.clone()))
}

fn lower_key(parts: &[&Option<String>]) -> String {
    parts
        .iter()
        .map(|p| p.as_deref().unwrap_or("").trim().to_lowercase())
        .collect::<Vec<_>>()
        .join("|")
}

/// `contact_key`: lower-cased `type_code|first_name|last_name|group_name|email`.
pub fn contact_key(c: &Contact) -> String {
    lower_key(&[
        &c.type_code,
        &c.first_name,
        &c.last_name,
        &c.group_name,
        &c.email,
    ])
}

/// `address_key`: lower-cased `line1|line2|suburb|state_code|postcode|country_code`.
pub fn address_key(a: &Address) -> String {
    lower_key(&[
        &a.line1,
        &a.line2,
        &a.suburb,
        &a.state_code,
        &a.postcode,
        &a.country_code,
    ])
}

/// Delete the RTO's rows whose key is not among `rows`' keys, then upsert `rows` (first
/// occurrence of a key wins). Two statements per table (plus one per 500 rows), two
/// bound parameters each.
fn replace(
    t: &Child,
    rto_code: &str,
    rows: Vec<serde_json::Map<String, Json>>,
) -> Result<(Vec<Statement>, u64), StoreError> {
    let mut keys: Vec<Json> = Vec::with_capacity(rows.len());
    let mut kept = Vec::with_capacity(rows.len());
    for row in rows {
        let k: Vec<Json> = t
            .key
            .iter()
            .map(|c| row.get(*c).cloned().unwrap_or(Json::Null))
            .collect();
        if k.iter().any(Json::is_null) {
            continue;
        }
        let k = if k.len() == 1 {
            k.into_iter().next().unwrap_or(Json::Null)
        } else {
            Json::Array(k)
        };
        if keys.contains(&k) {
            continue;
        }
        keys.push(k);
        kept.push(row);
    }
    let not_in = if t.key.len() == 1 {
        format!("{} NOT IN (SELECT value FROM json_each(?2))", t.key[0])
    } else {
        let cols = t.key.join(", ");
        let picks: Vec<String> = (0..t.key.len())
            .map(|i| format!("json_extract(value, '$[{i}]')"))
            .collect();
        format!(
            "({cols}) NOT IN (SELECT {} FROM json_each(?2))",
            picks.join(", ")
        )
    };
    let mut out = vec![Statement::new(format!(
        "DELETE FROM {} WHERE rto_code = ?1 AND {not_in}",
        t.upsert.table
    ))
    .bind(rto_code)
    .bind(Json::Array(keys).to_string())];
    let n = kept.len() as u64;
    out.extend(t.upsert.statements(&kept)?);
    Ok((out, n))
}

macro_rules! row {
    ($($k:literal : $v:expr),* $(,)?) => {{
        let mut m = serde_json::Map::new();
        $(m.insert($k.to_owned(), $v);)*
        m
    }};
}

/// The legal person in force: open-ended first, then the latest start (ties: later in
/// upstream order).
fn current_legal_person(ps: &[ResponsibleLegalPerson]) -> Option<&ResponsibleLegalPerson> {
    ps.iter()
        .enumerate()
        .filter(|(_, p)| p.name.is_some())
        .max_by_key(|(i, p)| (p.end_date.is_none(), p.start_date, *i))
        .map(|(_, p)| p)
}

/// The latest registration period by start date.
fn latest_registration(rs: &[RegistrationPeriod]) -> Option<&RegistrationPeriod> {
    rs.iter()
        .enumerate()
        .max_by_key(|(i, r)| (r.start_date, *i))
        .map(|(_, r)| r)
}

/// The `rtos` row's detail columns. Neither inserts nor changes `enriched` (a new row
/// starts at 0; [`mark_enriched`] sets it when the whole enrichment is in).
fn rto_row_statement(e: &RtoEnrichment, now: &str) -> Statement {
    let d = &e.details;
    let legal = current_legal_person(&d.responsible_legal_persons);
    let trading = d
        .trading_names
        .iter()
        .find(|t| t.name.is_some() && t.end_date.is_none())
        .and_then(|t| t.name.clone());
    let reg = latest_registration(&d.registration_periods);
    let manager = d
        .registration_managers
        .iter()
        .enumerate()
        .max_by_key(|(i, m)| (m.end_date.is_none(), m.start_date, *i))
        .map(|(_, m)| m.code.clone());
    let head_state = e
        .addresses
        .iter()
        .find(|a| a.address_type == AddressType::HeadOffice)
        .and_then(|a| a.location.address.as_ref())
        .and_then(|a| a.state_code.clone());
    Statement::new(
        "INSERT INTO rtos (rto_code, legal_name, trading_name, status, abn, acn, registration_manager_code,
           registration_start_date, registration_end_date, head_office_state_code, cricos_provider_code,
           upstream_updated_at, synced_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT(rto_code) DO UPDATE SET legal_name = excluded.legal_name,
           trading_name = excluded.trading_name, status = excluded.status, abn = excluded.abn,
           acn = excluded.acn,
           registration_manager_code = COALESCE(excluded.registration_manager_code, rtos.registration_manager_code),
           registration_start_date = excluded.registration_start_date,
           registration_end_date = excluded.registration_end_date,
           head_office_state_code = excluded.head_office_state_code,
           cricos_provider_code = COALESCE(excluded.cricos_provider_code, rtos.cricos_provider_code),
           upstream_updated_at = COALESCE(excluded.upstream_updated_at, rtos.upstream_updated_at),
           synced_at = excluded.synced_at",
    )
    .bind(e.rto_code.as_str())
    .bind(legal.and_then(|p| p.name.clone()))
    .bind(trading)
    .bind(e.status.clone())
    .bind(legal.and_then(|p| p.abns.first().cloned()))
    .bind(legal.and_then(|p| p.acn.clone()))
    .bind(manager)
    .bind(reg.and_then(|r| r.start_date.map(|d| d.to_string())))
    .bind(reg.and_then(|r| r.end_date.map(|d| d.to_string())))
    .bind(head_state)
    .bind(e.cricos_provider_code.clone())
    .bind(e.upstream_updated_at.clone())
    .bind(now)
}

/// The statements of one enrichment's detail: the `rtos` row and every child set,
/// replaced (one transaction when run as a batch). Scope is not touched.
pub fn enrichment_statements(
    e: &RtoEnrichment,
    now: &str,
) -> Result<(Vec<Statement>, EnrichCounts), StoreError> {
    let code = e.rto_code.as_str();
    let d = &e.details;
    let at = || Json::String(now.to_owned());
    let rc = || Json::String(code.to_owned());
    let mut out = vec![rto_row_statement(e, now)];
    let mut counts = EnrichCounts::default();

    let contacts = d
        .contacts
        .iter()
        .map(|c| {
            let p = c.postal_address.clone().unwrap_or_default();
            row! {
                "rto_code": rc(), "contact_key": Json::String(contact_key(c)),
                "type_code": text(&c.type_code), "role_code": text(&c.role_code),
                "title": text(&c.title), "first_name": text(&c.first_name),
                "last_name": text(&c.last_name), "group_name": text(&c.group_name),
                "job_title": text(&c.job_title), "organisation_name": text(&c.organisation_name),
                "email": text(&c.email), "phone": text(&c.phone), "mobile": text(&c.mobile),
                "fax": text(&c.fax), "postal_line1": text(&p.line1), "postal_line2": text(&p.line2),
                "postal_suburb": text(&p.suburb), "postal_state_code": text(&p.state_code),
                "postal_postcode": text(&p.postcode), "postal_country_code": text(&p.country_code),
                "start_date": date(&c.start_date), "end_date": date(&c.end_date), "synced_at": at(),
            }
        })
        .collect();
    let (s, n) = replace(&CONTACTS, code, contacts)?;
    out.extend(s);
    counts.contacts = n;

    let addresses = e
        .addresses
        .iter()
        .filter_map(|a| {
            let ad = a.location.address.as_ref()?;
            Some(row! {
                "rto_code": rc(), "address_type": Json::String(a.address_type.as_str().into()),
                "address_key": Json::String(address_key(ad)), "line1": text(&ad.line1),
                "line2": text(&ad.line2), "suburb": text(&ad.suburb),
                "state_code": text(&ad.state_code), "state_overseas": text(&ad.state_overseas),
                "postcode": text(&ad.postcode), "country_code": text(&ad.country_code),
                "start_date": date(&a.location.start_date), "end_date": date(&a.location.end_date),
                "synced_at": at(),
            })
        })
        .collect();
    let (s, n) = replace(&ADDRESSES, code, addresses)?;
    out.extend(s);
    counts.addresses = n;

    let trading = d
        .trading_names
        .iter()
        .map(|t| {
            row! { "rto_code": rc(), "name": text(&t.name), "start_date": date(&t.start_date),
            "end_date": date(&t.end_date), "synced_at": at() }
        })
        .collect();
    let (s, n) = replace(&TRADING_NAMES, code, trading)?;
    out.extend(s);
    counts.trading_names = n;

    let urls = d
        .urls
        .iter()
        .map(|u| {
            row! { "rto_code": rc(), "url": text(&u.link), "start_date": date(&u.start_date),
            "end_date": date(&u.end_date), "synced_at": at() }
        })
        .collect();
    let (s, n) = replace(&WEB_ADDRESSES, code, urls)?;
    out.extend(s);
    counts.web_addresses = n;

    let legal = d
        .responsible_legal_persons
        .iter()
        .map(|l| {
            row! { "rto_code": rc(), "name": text(&l.name),
            "abns": Json::String(serde_json::to_string(&l.abns).unwrap_or_else(|_| "[]".into())),
            "acn": text(&l.acn), "start_date": date(&l.start_date), "end_date": date(&l.end_date),
            "synced_at": at() }
        })
        .collect();
    let (s, n) = replace(&LEGAL_NAMES, code, legal)?;
    out.extend(s);
    counts.legal_names = n;

    let regs = d
        .registration_periods
        .iter()
        .map(|r| {
            row! { "rto_code": rc(), "start_date": date(&r.start_date), "end_date": date(&r.end_date),
            "end_reason_code": text(&r.end_reason_code),
            "end_reason_comments": text(&r.end_reason_comments), "exerciser": text(&r.exerciser),
            "legal_authority": text(&r.legal_authority), "registration_manager_code": Json::Null,
            "synced_at": at() }
        })
        .collect();
    let (s, n) = replace(&REGISTRATIONS, code, regs)?;
    out.extend(s);
    counts.registrations = n;

    let classes = d
        .classifications
        .iter()
        .map(|c| {
            row! { "rto_code": rc(), "scheme_code": text(&c.scheme_code),
            "value_code": text(&c.value_code), "purpose_code": text(&c.purpose_code),
            "start_date": date(&c.start_date), "end_date": date(&c.end_date), "synced_at": at() }
        })
        .collect();
    let (s, n) = replace(&CLASSIFICATIONS, code, classes)?;
    out.extend(s);
    counts.classifications = n;

    Ok((out, counts))
}

/// Write one enrichment's detail (not scope) in one transaction.
pub async fn write_enrichment(
    db: &impl Db,
    e: &RtoEnrichment,
    now: &str,
) -> Result<EnrichCounts, StoreError> {
    let (stmts, counts) = enrichment_statements(e, now)?;
    db.batch(stmts).await?;
    Ok(counts)
}

/// Written and rejected entries of one scope page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScopePage {
    pub written: u64,
    pub rejected: u64,
}

#[derive(Serialize)]
struct ScopeRow<'a> {
    rto_code: &'a str,
    component_code: &'a str,
    component_type: &'static str,
    is_implicit: bool,
    is_refused: bool,
    extent_code: Option<&'a str>,
    start_date: Option<String>,
    end_date: Option<String>,
    is_current: bool,
    synced_at: &'a str,
}

/// The upsert statements of ONE page of an RTO's scope (one per 500 rows, one bound
/// parameter each). An entry without a code or a known component type is rejected.
/// `is_current`: not refused and in force on `now`'s date.
pub fn scope_page_statements(
    rto_code: &str,
    entries: &[ScopeEntry],
    now: &str,
) -> Result<(Vec<Statement>, ScopePage), StoreError> {
    let today = now.get(..10).unwrap_or(now);
    let mut rows = Vec::with_capacity(entries.len());
    let mut page = ScopePage::default();
    for s in entries {
        let (Some(t), false) = (s.component_type, s.nrt_code.trim().is_empty()) else {
            page.rejected += 1;
            continue;
        };
        let start = s.start_date.map(|d| d.to_string());
        let end = s.end_date.map(|d| d.to_string());
        let is_current = !s.is_refused
            && start.as_deref().is_none_or(|d| d <= today)
            && end.as_deref().is_none_or(|d| d >= today);
        rows.push(ScopeRow {
            rto_code,
            component_code: s.nrt_code.trim(),
            component_type: t.as_str(),
            is_implicit: s.is_implicit,
            is_refused: s.is_refused,
            extent_code: s.extent_code.as_deref(),
            start_date: start,
            end_date: end,
            is_current,
            synced_at: now,
        });
    }
    page.written = rows.len() as u64;
    Ok((SCOPE.statements(&rows)?, page))
}

/// Write ONE page of scope in one transaction.
pub async fn write_scope_page(
    db: &impl Db,
    rto_code: &str,
    entries: &[ScopeEntry],
    now: &str,
) -> Result<ScopePage, StoreError> {
    let (stmts, page) = scope_page_statements(rto_code, entries, now)?;
    if !stmts.is_empty() {
        db.batch(stmts).await?;
    }
    Ok(page)
}

/// Scope rows `rto_code` holds now.
pub async fn scope_count(db: &impl Db, rto_code: &str) -> Result<u64, StoreError> {
    let stmt =
        Statement::new("SELECT count(*) AS n FROM rto_scope WHERE rto_code = ?1").bind(rto_code);
    Ok(crate::count(db, stmt).await?.max(0) as u64)
}

/// After the last page: remove the RTO's scope rows not refreshed since `since` (when the
/// enrichment began), i.e. what upstream no longer lists.
pub fn remove_stale_scope(rto_code: &str, since: &str) -> Statement {
    Statement::new("DELETE FROM rto_scope WHERE rto_code = ?1 AND synced_at < ?2")
        .bind(rto_code)
        .bind(since)
}

/// The whole enrichment is in: `enriched = 1`, `enriched_at`, `enriched_by`.
pub fn mark_enriched(rto_code: &str, by: &str, now: &str) -> Statement {
    Statement::new(
        "UPDATE rtos SET enriched = 1, enriched_at = ?2, enriched_by = ?3 WHERE rto_code = ?1",
    )
    .bind(rto_code)
    .bind(now)
    .bind(by)
}

/// A base row from the organisation delta walk.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BaseRow {
    pub rto_code: String,
    pub legal_name: Option<String>,
    pub trading_name: Option<String>,
    pub status: Option<String>,
    /// Stored form (`…T…Z`).
    pub upstream_updated_at: Option<String>,
}

/// Base rows: insert an `rtos` row with `enriched = 0` for each code absent. An existing
/// row keeps `enriched`, `enriched_at` and `enriched_by` whatever they are; an enriched
/// row also keeps its names and status (the enrichment's are fuller); every row takes a
/// newer `upstream_updated_at` (so a sweep can find enrichments gone stale).
/// One statement per 500 rows, one bound parameter each.
pub fn base_row_statements(rows: &[BaseRow], now: &str) -> Result<Vec<Statement>, StoreError> {
    const SQL: &str = "INSERT INTO rtos (rto_code, legal_name, trading_name, status, upstream_updated_at, synced_at)
        SELECT json_extract(value, '$.rto_code'), json_extract(value, '$.legal_name'),
          json_extract(value, '$.trading_name'), json_extract(value, '$.status'),
          json_extract(value, '$.upstream_updated_at'), ?2
        FROM json_each(?1) WHERE true
        ON CONFLICT(rto_code) DO UPDATE SET
          legal_name = CASE WHEN rtos.enriched = 1 THEN rtos.legal_name ELSE COALESCE(excluded.legal_name, rtos.legal_name) END,
          trading_name = CASE WHEN rtos.enriched = 1 THEN rtos.trading_name ELSE COALESCE(excluded.trading_name, rtos.trading_name) END,
          status = CASE WHEN rtos.enriched = 1 THEN rtos.status ELSE COALESCE(excluded.status, rtos.status) END,
          upstream_updated_at = CASE WHEN rtos.upstream_updated_at IS NULL
              OR excluded.upstream_updated_at > rtos.upstream_updated_at
            THEN COALESCE(excluded.upstream_updated_at, rtos.upstream_updated_at)
            ELSE rtos.upstream_updated_at END,
          synced_at = excluded.synced_at";
    rows.chunks(MAX_ROWS)
        .map(|chunk| {
            let json =
                serde_json::to_string(chunk).map_err(|e| StoreError::Decode(e.to_string()))?;
            Ok(Statement::new(SQL).bind(json).bind(now))
        })
        .collect()
}

/// Write base rows, one transaction per call.
pub async fn write_base_rows(db: &impl Db, rows: &[BaseRow], now: &str) -> Result<(), StoreError> {
    let stmts = base_row_statements(rows, now)?;
    if !stmts.is_empty() {
        db.batch(stmts).await?;
    }
    Ok(())
}

/// How much of the register the enriched layer covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize, Serialize)]
pub struct Coverage {
    /// `rtos` rows with `enriched = 1`.
    pub enriched: i64,
    /// Every `rtos` row (base rows included).
    pub rtos: i64,
    /// Organisations in the TGA corpus (`tga_organisations`, tombstones excluded).
    pub organisations: i64,
}

impl Coverage {
    /// enriched / organisations (0 when there are none).
    pub fn ratio(&self) -> f64 {
        if self.organisations == 0 {
            0.0
        } else {
            self.enriched as f64 / self.organisations as f64
        }
    }
}

/// Coverage figures, in one query.
pub async fn coverage(db: &impl Db) -> Result<Coverage, StoreError> {
    Ok(db
        .first(Statement::new(
            "SELECT (SELECT count(*) FROM rtos WHERE enriched = 1) AS enriched,
                    (SELECT count(*) FROM rtos) AS rtos,
                    (SELECT count(*) FROM tga_organisations WHERE deleted_at IS NULL) AS organisations",
        ))
        .await?
        .unwrap_or_default())
}

/// `tga_ingest_runs.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngestStatus {
    Running,
    Complete,
    Partial,
    Failed,
}

impl IngestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            IngestStatus::Running => "running",
            IngestStatus::Complete => "complete",
            IngestStatus::Partial => "partial",
            IngestStatus::Failed => "failed",
        }
    }
}

/// Who enriched an RTO: `rtos.enriched_by`, and the `_ingest_runs` table of its runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IngestSource {
    /// On demand, from a visit to the RTO's page (rtopacks-ingest-queue).
    #[default]
    TgaIngest,
    /// The weekly rotating sweep.
    EnrichSync,
    /// BACKFILL-01's one-shot queueing of every unenriched code (run by tga-ingest).
    Backfill,
}

impl IngestSource {
    pub fn by(self) -> &'static str {
        match self {
            IngestSource::TgaIngest => BY_TGA_INGEST,
            IngestSource::EnrichSync => BY_ENRICH_SYNC,
            IngestSource::Backfill => BY_BACKFILL,
        }
    }

    pub fn runs_table(self) -> &'static str {
        match self {
            IngestSource::EnrichSync => "enrich_ingest_runs",
            IngestSource::TgaIngest | IngestSource::Backfill => "tga_ingest_runs",
        }
    }
}

/// One `_ingest_runs` row (the source's table).
#[derive(Debug, Clone, PartialEq)]
pub struct IngestRun<'a> {
    pub source: IngestSource,
    pub run_id: &'a str,
    pub started_at: &'a str,
    pub completed_at: Option<&'a str>,
    pub status: IngestStatus,
    pub records_in: i64,
    pub records_out: i64,
    pub error: Option<&'a str>,
    pub detail: Json,
}

/// Upsert the run's row (`ON CONFLICT(run_id)`); `started_at` stays the first one.
pub fn record_ingest_run(r: &IngestRun<'_>) -> Statement {
    Statement::new(format!(
        "INSERT INTO {} (run_id, started_at, completed_at, status, records_in, records_out, error, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(run_id) DO UPDATE SET completed_at = excluded.completed_at, status = excluded.status,
           records_in = excluded.records_in, records_out = excluded.records_out, error = excluded.error,
           detail = excluded.detail",
        r.source.runs_table()
    ))
    .bind(r.run_id)
    .bind(r.started_at)
    .bind(r.completed_at)
    .bind(r.status.as_str())
    .bind(r.records_in)
    .bind(r.records_out)
    .bind(r.error)
    .bind(r.detail.to_string())
}
