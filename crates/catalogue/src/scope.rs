//! Scope seen from the component's side: the RTOs whose current scope carries a code,
//! paged by RTO code over the `rto_scope_component (component_code, rto_code)` index.

use rtopacks_domain::codes::NationalCode;
use rtopacks_store::Statement;
use serde::{Deserialize, Serialize};

use crate::cursor;
use crate::error::{json_array, Result};
use crate::page::{Fresh, Keyed, Page, Paged};
use crate::reads::Answers;
use crate::rto::Extent;
use crate::vocab::{State, Status, ORGANISATION_STATUS_SQL};

/// An RTO that has a component on its current scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfferingRto {
    pub rto_code: String,
    /// Trading name, else legal name.
    pub name: Option<String>,
    pub legal_name: Option<String>,
    pub status: Option<Status>,
    pub state: Option<State>,
    pub extent: Extent,
    /// Implied by a qualification on scope rather than listed itself.
    pub is_implicit: bool,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    /// Supersession impact only: the RTO also has a current replacement on scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_replacement: Option<bool>,
}

/// The count and one page of the RTOs carrying a code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Offering {
    pub total: u64,
    #[serde(flatten)]
    pub page: Paged<OfferingRto>,
}

#[derive(Deserialize)]
struct Row {
    rto_code: String,
    extent_code: Option<String>,
    is_implicit: i64,
    start_date: Option<String>,
    end_date: Option<String>,
    synced_at: String,
    legal_name: Option<String>,
    trading_name: Option<String>,
    state_code: Option<String>,
    status: Option<Status>,
    o_synced_at: Option<String>,
    has_replacement: Option<i64>,
}

const ON_SCOPE: &str = "s.component_code = ?1 AND s.is_current = 1 AND s.is_refused = 0";

/// The reads of one page of the RTOs with a code on current scope: the count and the
/// page, sent with whatever else the answer needs (see [`crate::reads`]).
pub(crate) struct OfferingRead {
    keyed: Keyed,
}

impl OfferingRead {
    /// Appends the two statements to `stmts`. `replacements` (codes), when given, adds
    /// whether each RTO also carries one of them.
    pub fn new(
        code: &NationalCode,
        page: &Page,
        replacements: Option<&[String]>,
        stmts: &mut Vec<Statement>,
    ) -> Result<Self> {
        let replacements_json = replacements.map(json_array);
        let keyed = Keyed::open(
            page,
            cursor::fingerprint(&[
                "offering",
                code.as_str(),
                replacements_json.as_deref().unwrap_or("-"),
            ]),
        )?;
        stmts.push(
            Statement::new(format!(
                "SELECT count(*) AS n FROM rto_scope s WHERE {ON_SCOPE}"
            ))
            .bind(code.as_str()),
        );
        stmts.push(
            Statement::new(format!(
                "SELECT s.rto_code, s.extent_code, s.is_implicit, s.start_date, s.end_date,
                   s.synced_at, o.legal_name, o.trading_name, o.state_code,
                   o.synced_at AS o_synced_at,
                   CASE WHEN o.code IS NULL THEN NULL ELSE {ORGANISATION_STATUS_SQL} END AS status,
                   CASE WHEN ?4 IS NULL THEN NULL ELSE EXISTS (
                     SELECT 1 FROM rto_scope r
                     WHERE r.rto_code = s.rto_code AND r.is_current = 1 AND r.is_refused = 0
                       AND r.component_code IN (SELECT value FROM json_each(?4))) END AS has_replacement
                 FROM rto_scope s LEFT JOIN tga_organisations o ON o.code = s.rto_code
                 WHERE {ON_SCOPE} AND s.rto_code > ?2
                 ORDER BY s.rto_code
                 LIMIT ?3"
            ))
            .bind(code.as_str())
            .bind(keyed.after.as_str())
            .bind(keyed.limit())
            .bind(replacements_json),
        );
        Ok(OfferingRead { keyed })
    }

    /// The offering, from the answers to the statements [`OfferingRead::new`] appended.
    pub fn read(self, answers: &mut Answers, fresh: &mut Fresh) -> Result<Offering> {
        let total = answers.count()?;
        let rows: Vec<Row> = answers.rows()?;
        let page = self.keyed.finish(
            rows,
            |r| {
                fresh.tga(Some(&r.synced_at));
                fresh.tga(r.o_synced_at.as_deref());
                OfferingRto {
                    rto_code: r.rto_code,
                    name: r.trading_name.or_else(|| r.legal_name.clone()),
                    legal_name: r.legal_name,
                    status: r.status,
                    state: r.state_code.as_deref().and_then(State::from_stored),
                    extent: Extent::of(r.extent_code),
                    is_implicit: r.is_implicit == 1,
                    start_date: r.start_date,
                    end_date: r.end_date,
                    has_replacement: r.has_replacement.map(|h| h == 1),
                }
            },
            |o| &o.rto_code,
        );
        Ok(Offering { total, page })
    }
}
