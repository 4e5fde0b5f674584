//! RTO detail: the register facts, contacts as far as the caller's tier allows (see
//! [`Tier`]), scope with extents (paged), and the CRICOS provider.
//!
//! Two statements whatever the RTO's size: one reads the base rows (`tga_organisations`
//! from the register walk, `rtos` from enrichment), every small child set as a JSON array,
//! the scope count and the CRICOS institution; one reads a page of scope by the primary
//! key `(rto_code, component_code)`. Both travel in one round trip ([`crate::reads`]).

mod model;
mod sql;

use rtopacks_domain::codes::RtoCode;
use rtopacks_domain::tga::{ComponentType, Restriction};
use rtopacks_store::{Db, Statement};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::cursor;
use crate::error::{CatalogueError, Result};
use crate::page::{Fresh, Keyed, Page};
use crate::reads::Answers;
use crate::tier::{withheld_note, ContactKind, Tier};
use crate::vocab::{Kind, State, Status};

pub use model::*;
use sql::{AddressRow, Base, ScopeRow};

/// Which scope rows an RTO answer lists.
#[derive(Debug, Clone, Default)]
pub struct ScopeParams {
    pub page: Page,
    /// One component kind only (not `rto`).
    pub kind: Option<Kind>,
    /// Also list units implied by a qualification on scope (there can be thousands).
    pub include_implicit: bool,
    /// Also list scope that has ended.
    pub include_lapsed: bool,
}

fn json_list<T: DeserializeOwned>(s: &str) -> Result<Vec<T>> {
    serde_json::from_str(s).map_err(|e| rtopacks_store::StoreError::Decode(e.to_string()).into())
}

/// Open-ended (in force) first, then the latest start.
fn newest_first<T>(v: &mut [T], key: impl Fn(&T) -> (Option<&String>, Option<&String>)) {
    v.sort_by(|a, b| {
        let (sa, ea) = key(a);
        let (sb, eb) = key(b);
        (eb.is_none(), sb).cmp(&(ea.is_none(), sa))
    });
}

/// The NotFound every RTO-keyed answer gives for a code the mirror lacks.
pub(crate) fn no_such_rto(code: &RtoCode) -> CatalogueError {
    CatalogueError::not_found(format!(
        "There is no RTO with code {code} in the national register mirror."
    ))
}

/// The RTO exists in the mirror (register walk or enrichment), else NotFound.
pub(crate) async fn require_rto(db: &impl Db, code: &RtoCode) -> Result<()> {
    #[derive(Deserialize)]
    struct Found {
        found: i64,
    }
    let found: Option<Found> = db
        .first(
            Statement::new(
                "SELECT EXISTS (SELECT 1 FROM tga_organisations WHERE code = ?1)
                     OR EXISTS (SELECT 1 FROM rtos WHERE rto_code = ?1) AS found",
            )
            .bind(code.as_str()),
        )
        .await?;
    match found {
        Some(Found { found: 1 }) => Ok(()),
        _ => Err(no_such_rto(code)),
    }
}

/// An RTO's detail as `tier` may see it, with one page of its scope.
pub async fn rto(
    db: &impl Db,
    code: &RtoCode,
    tier: Tier,
    scope: &ScopeParams,
) -> Result<RtoDetail> {
    let scope_type = match scope.kind {
        Some(Kind::Rto) => {
            return Err(CatalogueError::bad(
                "A scope lists training components: the type cannot be rto.",
            ))
        }
        Some(k) => k.component_type().map(ComponentType::as_str),
        None => None,
    };
    let keyed = Keyed::open(
        &scope.page,
        cursor::fingerprint(&[
            "scope",
            code.as_str(),
            scope_type.unwrap_or(""),
            if scope.include_implicit { "i" } else { "" },
            if scope.include_lapsed { "l" } else { "" },
        ]),
    )?;
    // ?1 to ?4: the scope filters, shared by the count (in the base statement) and the page.
    let filtered = |sql: String| {
        Statement::new(sql)
            .bind(code.as_str())
            .bind(scope_type)
            .bind(scope.include_implicit)
            .bind(scope.include_lapsed)
    };
    // The detail and the scope page are independent: one round trip for both.
    let mut answers = Answers::fetch(
        db,
        vec![
            filtered(sql::base_sql()),
            filtered(sql::scope_sql())
                .bind(keyed.after.as_str())
                .bind(keyed.limit()),
        ],
    )
    .await?;
    let b = match answers.first::<Base>()? {
        Some(b) if b.o_code.is_some() || b.r_code.is_some() => b,
        _ => return Err(no_such_rto(code)),
    };
    let rows: Vec<ScopeRow> = answers.rows()?;

    let mut fresh = Fresh::default();
    fresh.tga(b.o_synced_at.as_deref());
    fresh.tga(b.r_synced_at.as_deref());
    fresh.tga(b.children_synced_at.as_deref());
    let scope = scope_listing(rows, &keyed, b.scope_total, &mut fresh);
    let (contacts, withheld) = visible_contacts(tier, json_list(&b.contacts)?);
    let registrations = registrations(&b)?;
    let addresses = addresses(json_list(&b.addresses)?);
    let mut legal_names: Vec<LegalName> = json_list(&b.legal_names)?;
    newest_first(&mut legal_names, |n| {
        (n.start_date.as_ref(), n.end_date.as_ref())
    });
    let mut trading_names: Vec<DatedName> = json_list(&b.trading_names)?;
    newest_first(&mut trading_names, |n| {
        (n.start_date.as_ref(), n.end_date.as_ref())
    });
    let mut web_addresses: Vec<WebAddress> = json_list(&b.web_addresses)?;
    newest_first(&mut web_addresses, |w| {
        (w.start_date.as_ref(), w.end_date.as_ref())
    });
    let restrictions: Vec<Restriction> = b
        .o_restrictions
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    let status = b.o_derived_status.unwrap_or(match b.r_status.as_deref() {
        Some("Current") => Status::Current,
        _ => Status::NotCurrent,
    });
    let cricos_provider = b.cricos_code.map(|provider_code| {
        fresh.cricos(b.cricos_synced_at.as_deref());
        CricosProvider {
            provider_code,
            institution_name: b.cricos_name,
            trading_name: b.cricos_trading_name,
            institution_type: b.cricos_type,
            capacity: b.cricos_capacity,
            website: b.cricos_website,
            state: b.cricos_state,
            courses: b.cricos_courses.unwrap_or(0),
            deleted: b.cricos_deleted_at.is_some(),
        }
    });
    let enriched = b.r_enriched == Some(1);

    Ok(RtoDetail {
        code: code.to_string(),
        // The enrichment is fuller once it has run; before that the register walk's.
        legal_name: pick(enriched, b.r_legal_name, b.o_legal_name),
        trading_name: pick(enriched, b.r_trading_name, b.o_trading_name),
        status,
        register_status: pick(enriched, b.r_status, b.o_status),
        abn: pick(enriched, b.r_abn, b.o_abn),
        acn: pick(enriched, b.r_acn, b.o_acn),
        head_office_state: pick(enriched, b.r_state_code, b.o_state_code)
            .as_deref()
            .and_then(State::from_stored),
        regulator: pick(enriched, b.r_regulator, b.o_regulator),
        restricted: b.r_restricted == Some(1) || !restrictions.is_empty(),
        restrictions,
        legal_names,
        trading_names,
        registrations,
        addresses,
        web_addresses,
        contacts,
        contacts_withheld: withheld,
        contacts_note: (withheld > 0)
            .then(|| withheld_note(tier))
            .flatten()
            .map(str::to_owned),
        enriched,
        scope,
        cricos_provider,
        tier,
        freshness: fresh.finish(),
    })
}

fn pick(enriched: bool, enrichment: Option<String>, walk: Option<String>) -> Option<String> {
    if enriched {
        enrichment.or(walk)
    } else {
        walk.or(enrichment)
    }
}

fn scope_listing(
    rows: Vec<ScopeRow>,
    keyed: &Keyed,
    total: i64,
    fresh: &mut Fresh,
) -> ScopeListing {
    let page = keyed.finish(
        rows,
        |r| {
            fresh.tga(Some(&r.synced_at));
            ScopeItem {
                code: r.component_code,
                component_type: ComponentType::parse(&r.component_type),
                title: r.title,
                status: r.status,
                extent: Extent::of(r.extent_code),
                is_implicit: r.is_implicit == 1,
                is_refused: r.is_refused == 1,
                is_current: r.is_current == 1,
                start_date: r.start_date,
                end_date: r.end_date,
            }
        },
        |i| &i.code,
    );
    ScopeListing {
        total: total.max(0) as u64,
        items: page.items,
        per_page: page.per_page,
        next_cursor: page.next_cursor,
    }
}

/// The contacts `tier` may see (sorted by role), and how many it may not.
fn visible_contacts(tier: Tier, all: Vec<Contact>) -> (Vec<Contact>, u32) {
    let mut shown = Vec::new();
    let mut withheld = 0;
    for mut c in all {
        let kind = ContactKind::of(
            c.type_code.as_deref(),
            c.first_name.as_deref(),
            c.last_name.as_deref(),
        );
        if kind.visible_to(tier) {
            c.kind = Some(kind);
            shown.push(c);
        } else {
            withheld += 1;
        }
    }
    shown.sort_by(|a, b| {
        (a.role_code.as_deref(), a.job_title.as_deref())
            .cmp(&(b.role_code.as_deref(), b.job_title.as_deref()))
    });
    (shown, withheld)
}

/// Registration periods, newest first; before enrichment, the register walk's latest.
fn registrations(b: &Base) -> Result<Vec<Registration>> {
    let mut periods: Vec<Registration> = json_list(&b.registrations)?;
    newest_first(&mut periods, |r| {
        (r.start_date.as_ref(), r.end_date.as_ref())
    });
    if periods.is_empty() && b.o_reg_start.is_some() {
        periods.push(Registration {
            start_date: b.o_reg_start.clone(),
            end_date: b.o_reg_end.clone(),
            end_reason_code: b.o_reg_end_reason.clone(),
            end_reason_comments: None,
            exerciser: None,
            legal_authority: None,
            registration_manager_code: b.o_regulator.clone(),
        });
    }
    Ok(periods)
}

/// Head office first, then postal, then delivery locations by state and suburb.
fn addresses(rows: Vec<AddressRow>) -> Vec<Address> {
    let mut out: Vec<Address> = rows
        .into_iter()
        .map(|a| Address {
            address_type: a.address_type,
            line1: a.line1,
            line2: a.line2,
            suburb: a.suburb,
            state: a.state_code.as_deref().and_then(State::from_stored),
            state_overseas: a.state_overseas,
            postcode: a.postcode,
            country_code: a.country_code,
            latitude: a.latitude,
            longitude: a.longitude,
            start_date: a.start_date,
            end_date: a.end_date,
        })
        .collect();
    let rank = |t: &str| match t {
        "head_office" => 0,
        "postal" => 1,
        _ => 2,
    };
    out.sort_by(|a, b| {
        (rank(&a.address_type), &a.state, &a.suburb).cmp(&(
            rank(&b.address_type),
            &b.state,
            &b.suburb,
        ))
    });
    out
}
