//! Supersession impact seen from an RTO: the components on its current scope that are no
//! longer current, what replaces each (with the whole path's equivalence) and whether the
//! RTO already carries the replacement. The workspace's impact page, in one request per
//! page (many single-code verifies in code order would read to SEC-02 as a scraper).
//!
//! Three round trips whatever the page size: the RTO, the count and the page of affected
//! scope rows; the supersession chain of every item on the page; the RTO's scope rows for
//! every replacement found.

use rtopacks_domain::codes::RtoCode;
use rtopacks_domain::tga::ComponentType;
use rtopacks_store::{Db, Statement};
use serde::{Deserialize, Serialize};

use crate::chain::{self, Link, Replacement};
use crate::cursor;
use crate::error::{json_array, Result};
use crate::page::{Fresh, Freshness, Keyed, Page, Paged};
use crate::reads::Answers;
use crate::rto::{no_such_rto, Extent};
use crate::verify::{rto_statement, RtoRow};
use crate::vocab::{Kind, Status, COMPONENT_STATUS_SQL};

/// One affected component on the RTO's scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AffectedItem {
    pub code: String,
    pub title: Option<String>,
    pub kind: Option<Kind>,
    pub component_type: Option<ComponentType>,
    /// `superseded` or `deleted`.
    pub status: Status,
    pub extent: Extent,
    /// The direct successors with equivalence (E/N) and notes.
    pub superseded_by: Vec<Link>,
    /// The current components it leads to, with the whole path's equivalence.
    pub replacements: Vec<Replacement>,
    /// Those replacements the RTO has on current scope.
    pub replacements_on_scope: Vec<String>,
}

/// The answer of [`rto_impact`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RtoImpact {
    pub rto_code: String,
    pub rto_name: Option<String>,
    /// Affected components across all pages.
    pub total: u64,
    #[serde(flatten)]
    pub page: Paged<AffectedItem>,
    pub freshness: Freshness,
}

/// Current, explicit (not implied by a qualification), not refused scope of ?1 whose
/// component is no longer current.
fn affected() -> String {
    format!(
        "s.rto_code = ?1 AND s.is_current = 1 AND s.is_refused = 0 AND s.is_implicit = 0
         AND ({COMPONENT_STATUS_SQL}) <> 'current'"
    )
}

#[derive(Deserialize)]
struct Row {
    component_code: String,
    component_type: String,
    title: Option<String>,
    status: Status,
    extent_code: Option<String>,
    synced_at: String,
    c_synced_at: Option<String>,
}

#[derive(Deserialize)]
struct Held {
    component_code: String,
    synced_at: String,
}

/// The superseded and deleted components on `rto`'s current scope, a page at a time (by
/// component code), each with its replacements and whether the RTO carries them.
pub async fn rto_impact(db: &impl Db, rto: &RtoCode, page: &Page) -> Result<RtoImpact> {
    let keyed = Keyed::open(page, cursor::fingerprint(&["rto-impact", rto.as_str()]))?;
    let filter = affected();
    let mut answers = Answers::fetch(
        db,
        vec![
            rto_statement(rto),
            Statement::new(format!(
                "SELECT count(*) AS n FROM rto_scope s
                 JOIN tga_training_components c ON c.code = s.component_code
                 WHERE {filter}"
            ))
            .bind(rto.as_str()),
            Statement::new(format!(
                "SELECT s.component_code, s.component_type, s.extent_code, s.synced_at,
                   c.title, c.synced_at AS c_synced_at, {COMPONENT_STATUS_SQL} AS status
                 FROM rto_scope s
                 JOIN tga_training_components c ON c.code = s.component_code
                 WHERE {filter} AND s.component_code > ?2
                 ORDER BY s.component_code
                 LIMIT ?3"
            ))
            .bind(rto.as_str())
            .bind(keyed.after.as_str())
            .bind(keyed.limit()),
        ],
    )
    .await?;
    let Some(found) = answers.first::<RtoRow>()?.filter(|r| r.found == 1) else {
        return Err(no_such_rto(rto));
    };
    let total = answers.count()?;
    let rows: Vec<Row> = answers.rows()?;
    let mut fresh = Fresh::default();
    fresh.tga(found.synced_at.as_deref());
    let page = keyed.finish(rows, |r| r, |r| &r.component_code);

    // The chains of the page's items, together.
    let chains = if page.items.is_empty() {
        Vec::new()
    } else {
        let mut answers = Answers::fetch(
            db,
            page.items
                .iter()
                .map(|r| chain::statement(&r.component_code))
                .collect(),
        )
        .await?;
        page.items
            .iter()
            .map(|_| chain::read(&mut answers, &mut fresh))
            .collect::<Result<Vec<_>>>()?
    };

    // Which replacements the RTO already carries.
    let mut wanted: Vec<String> = Vec::new();
    for (r, c) in page.items.iter().zip(&chains) {
        wanted.extend(
            c.replacements(&r.component_code)
                .into_iter()
                .map(|x| x.code),
        );
    }
    wanted.sort();
    wanted.dedup();
    let held: Vec<Held> = if wanted.is_empty() {
        Vec::new()
    } else {
        db.all(
            Statement::new(
                "SELECT component_code, synced_at FROM rto_scope
                 WHERE rto_code = ?1 AND is_current = 1 AND is_refused = 0
                   AND component_code IN (SELECT value FROM json_each(?2))",
            )
            .bind(rto.as_str())
            .bind(json_array(&wanted)),
        )
        .await?
    };
    for h in &held {
        fresh.tga(Some(&h.synced_at));
    }

    let Paged {
        items,
        per_page,
        next_cursor,
    } = page;
    let items = items
        .into_iter()
        .zip(chains)
        .map(|(r, chain)| {
            fresh.tga(Some(&r.synced_at));
            fresh.tga(r.c_synced_at.as_deref());
            let replacements = chain.replacements(&r.component_code);
            let replacements_on_scope = replacements
                .iter()
                .filter(|x| held.iter().any(|h| h.component_code == x.code))
                .map(|x| x.code.clone())
                .collect();
            let component_type = ComponentType::parse(&r.component_type);
            AffectedItem {
                kind: component_type.and_then(Kind::of_component),
                component_type,
                superseded_by: chain.direct().cloned().collect(),
                replacements,
                replacements_on_scope,
                code: r.component_code,
                title: r.title,
                status: r.status,
                extent: Extent::of(r.extent_code),
            }
        })
        .collect();
    Ok(RtoImpact {
        rto_code: rto.to_string(),
        rto_name: found.name,
        total,
        page: Paged {
            items,
            per_page,
            next_cursor,
        },
        freshness: fresh.finish(),
    })
}
