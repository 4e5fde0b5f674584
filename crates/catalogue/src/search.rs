//! Ranked full-text search over training components and RTOs.
//!
//! One statement: the two FTS5 indexes (`components_fts`, `organisations_fts`) joined to
//! their content tables, UNION ALL, sorted by
//! `(boost, score, source, code)`:
//!
//! * `boost`: 0 for the exact code, 2 for an exact title or name (case-insensitive), 4
//!   otherwise; plus 1 when the row is not current. So the thing the user typed comes
//!   first, and a current version before a superseded one.
//! * `score`: bm25 (lower is better), quantised to an integer so the seek cursor compares
//!   exactly whatever carries it (JSON, JavaScript numbers).
//! * `source` (0 components, 1 organisations) and `code` break ties: the order is total,
//!   which seek pagination needs to return every row exactly once.
//!
//! Filters are always bound (`?n IS NULL OR ...`), so the SQL text is a constant and no
//! caller text ever reaches it; SQLite tests a constant-false arm guard once, before
//! touching that arm's index.

use rtopacks_domain::codes::{NationalCode, RtoCode};
use rtopacks_domain::tga::ComponentType;
use rtopacks_store::{Db, Statement};
use serde::{Deserialize, Serialize};

use crate::cursor::{self, Cursor};
use crate::error::{json_array, CatalogueError, Result};
use crate::page::{Fresh, Freshness, Page};
use crate::query::parse_query;
use crate::vocab::{
    aqf_rung_sql, AqfLevel, Kind, State, Status, COMPONENT_STATUS_SQL, ORGANISATION_STATUS_SQL,
};

/// A search request. Empty `kinds` means every kind.
#[derive(Debug, Clone, Default)]
pub struct SearchParams {
    /// What the user typed (see [`crate::query::parse_query`]).
    pub q: String,
    pub kinds: Vec<Kind>,
    pub status: Option<Status>,
    /// Components of this training package only (e.g. `BSB`).
    pub training_package: Option<NationalCode>,
    /// Qualifications and accredited courses at this AQF level only.
    pub aqf_level: Option<AqfLevel>,
    /// RTOs whose head office is in this state only (stored as TGA's code or the
    /// abbreviation: both match).
    pub state: Option<State>,
    /// Components on this RTO's current scope only.
    pub on_scope_of: Option<RtoCode>,
    pub page: Page,
}

/// One result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub kind: Kind,
    pub code: String,
    /// A component's title, or an RTO's trading name (its legal name when it has none).
    pub title: String,
    /// RTOs only.
    pub legal_name: Option<String>,
    pub status: Status,
    pub training_package: Option<String>,
    pub aqf_level: Option<AqfLevel>,
    pub superseded_by: Option<String>,
    /// RTOs only: the head office's state.
    pub state: Option<State>,
    pub synced_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub results: Vec<Hit>,
    pub per_page: u32,
    /// Absent on the last page.
    pub next_cursor: Option<String>,
    pub freshness: Freshness,
}

#[derive(Deserialize)]
struct Row {
    source: i64,
    code: String,
    title: Option<String>,
    component_type: Option<String>,
    legal_name: Option<String>,
    status: Status,
    training_package_code: Option<String>,
    aqf_rung: Option<i64>,
    superseded_by: Option<String>,
    state_code: Option<String>,
    synced_at: String,
    boost: i64,
    score: i64,
}

fn sql() -> String {
    let aqf = aqf_rung_sql();
    format!(
        "WITH hits AS (
           SELECT 0 AS source, c.code, c.title, c.component_type, NULL AS legal_name,
             {COMPONENT_STATUS_SQL} AS status, c.training_package_code, {aqf} AS aqf_rung,
             c.superseded_by, NULL AS state_code, c.synced_at,
             (CASE WHEN c.code = ?2 THEN 0 WHEN c.title = ?3 COLLATE NOCASE THEN 2 ELSE 4 END)
               + ({COMPONENT_STATUS_SQL} <> 'current') AS boost,
             CAST(round(bm25(components_fts, 10.0, 1.0) * 1000000) AS INTEGER) AS score
           FROM components_fts JOIN tga_training_components c ON c.rowid = components_fts.rowid
           WHERE ?4 = 1 AND components_fts MATCH ?1
             AND c.is_confidential = 0
             AND c.component_type IN (SELECT value FROM json_each(?5))
             AND (?6 IS NULL OR {COMPONENT_STATUS_SQL} = ?6)
             AND (?7 IS NULL OR c.training_package_code = ?7)
             AND (?8 IS NULL OR {aqf} = ?8)
             AND (?9 IS NULL OR EXISTS (SELECT 1 FROM rto_scope s
                  WHERE s.rto_code = ?9 AND s.component_code = c.code
                    AND s.is_current = 1 AND s.is_refused = 0))
           UNION ALL
           SELECT 1, o.code, COALESCE(o.trading_name, o.legal_name, o.code), NULL, o.legal_name,
             {ORGANISATION_STATUS_SQL}, NULL, NULL, NULL, o.state_code, o.synced_at,
             (CASE WHEN o.code = ?2 THEN 0
                   WHEN o.legal_name = ?3 COLLATE NOCASE OR o.trading_name = ?3 COLLATE NOCASE THEN 2
                   ELSE 4 END)
               + ({ORGANISATION_STATUS_SQL} <> 'current'),
             CAST(round(bm25(organisations_fts, 10.0, 1.0, 1.0) * 1000000) AS INTEGER)
           FROM organisations_fts JOIN tga_organisations o ON o.rowid = organisations_fts.rowid
           WHERE ?10 = 1 AND organisations_fts MATCH ?1
             AND COALESCE(o.is_rto, 1) = 1
             AND (?6 IS NULL OR {ORGANISATION_STATUS_SQL} = ?6)
             AND (?11 IS NULL OR o.state_code IN (?11, ?17))
         )
         SELECT source, code, title, component_type, legal_name, status, training_package_code,
           aqf_rung, superseded_by, state_code, synced_at, boost, score
         FROM hits
         WHERE ?12 IS NULL OR (boost, score, source, code) > (?12, ?13, ?14, ?15)
         ORDER BY boost, score, source, code
         LIMIT ?16"
    )
}

/// Which arms of the search run, after checking that the filters fit together.
fn arms(p: &SearchParams) -> Result<(Vec<&'static str>, bool)> {
    let kinds: Vec<Kind> = if p.kinds.is_empty() {
        Kind::ALL.to_vec()
    } else {
        p.kinds.clone()
    };
    let component_only =
        p.training_package.is_some() || p.aqf_level.is_some() || p.on_scope_of.is_some();
    let rto_only = p.state.is_some();
    if component_only && rto_only {
        return Err(CatalogueError::bad(
            "The state filter applies to RTOs, and the training package, AQF level and \
             on-scope filters to training components: use one or the other.",
        ));
    }
    let mut components: Vec<&'static str> = kinds
        .iter()
        .filter_map(|k| k.component_type().map(ComponentType::as_str))
        .collect();
    let mut rtos = kinds.contains(&Kind::Rto);
    if rto_only {
        if !rtos {
            return Err(CatalogueError::bad(
                "The state filter applies to RTOs only: add rto to the types, or drop the state.",
            ));
        }
        components.clear();
    }
    if component_only {
        if components.is_empty() {
            return Err(CatalogueError::bad(
                "The training package, AQF level and on-scope filters apply to training \
                 components only: add a component type, or drop the filter.",
            ));
        }
        rtos = false;
    }
    Ok((components, rtos))
}

/// Ranked search. See the module docs for the order; [`SearchParams`] for the filters.
pub async fn search(db: &impl Db, p: &SearchParams) -> Result<SearchResults> {
    let text = parse_query(&p.q)?;
    let per_page = p.page.size()?;
    let (components, rtos) = arms(p)?;
    let components_json = json_array(&components);
    let status = p.status.map(Status::as_str);
    let package = p.training_package.as_ref().map(NationalCode::as_str);
    let aqf = p.aqf_level.map(AqfLevel::rung);
    let state = p.state.map(State::code);
    let rto = p.on_scope_of.as_ref().map(RtoCode::as_str);
    let aqf_text = aqf.map(|r| r.to_string());
    let fingerprint = cursor::fingerprint(&[
        &text.fts,
        &components_json,
        if rtos { "rto" } else { "" },
        status.unwrap_or(""),
        package.unwrap_or(""),
        aqf_text.as_deref().unwrap_or(""),
        state.unwrap_or(""),
        rto.unwrap_or(""),
    ]);
    let (b, s, src, key) = match cursor::check(p.page.cursor.as_deref(), fingerprint)? {
        Some(Cursor::Search {
            boost,
            score,
            source,
            code,
            ..
        }) => (Some(boost), Some(score), Some(source), Some(code)),
        Some(Cursor::Key { .. }) => return Err(cursor::foreign()),
        None => (None, None, None, None),
    };
    if let Some(code) = &p.on_scope_of {
        crate::rto::require_rto(db, code).await?;
    }

    let rows: Vec<Row> = db
        .all(
            Statement::new(sql())
                .bind(text.fts.as_str()) // ?1
                .bind(text.code.clone()) // ?2
                .bind(text.exact.as_str()) // ?3
                .bind(!components.is_empty()) // ?4
                .bind(components_json) // ?5
                .bind(status) // ?6
                .bind(package) // ?7
                .bind(aqf) // ?8
                .bind(rto) // ?9
                .bind(rtos) // ?10
                .bind(state) // ?11
                .bind(b) // ?12 .. ?15: the cursor
                .bind(s)
                .bind(src)
                .bind(key)
                .bind(i64::from(per_page) + 1) // ?16: one more, to know there is a next page
                .bind(p.state.map(State::abbreviation)), // ?17
        )
        .await?;

    let more = rows.len() > per_page as usize;
    let mut fresh = Fresh::default();
    let mut results = Vec::with_capacity(per_page as usize);
    let mut last = None;
    for r in rows.into_iter().take(per_page as usize) {
        fresh.tga(Some(&r.synced_at));
        last = Some(Cursor::Search {
            fingerprint,
            boost: r.boost,
            score: r.score,
            source: r.source,
            code: r.code.clone(),
        });
        let kind = match r.source {
            0 => r
                .component_type
                .as_deref()
                .and_then(ComponentType::parse)
                .and_then(Kind::of_component),
            _ => Some(Kind::Rto),
        };
        let Some(kind) = kind else { continue };
        results.push(Hit {
            kind,
            title: r.title.unwrap_or_else(|| r.code.clone()),
            code: r.code,
            legal_name: r.legal_name,
            status: r.status,
            training_package: r.training_package_code,
            aqf_level: r.aqf_rung.and_then(AqfLevel::from_rung),
            superseded_by: r.superseded_by,
            state: r.state_code.as_deref().and_then(State::from_stored),
            synced_at: r.synced_at,
        });
    }
    Ok(SearchResults {
        results,
        per_page,
        next_cursor: more.then_some(last).flatten().map(|c| c.encode()),
        freshness: fresh.finish(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> SearchParams {
        SearchParams {
            q: "x".into(),
            ..Default::default()
        }
    }

    #[test]
    fn filters_pick_the_arms_and_clashes_are_explained() {
        let (c, r) = arms(&params()).unwrap();
        assert_eq!(c.len(), 5);
        assert!(r);
        let p = SearchParams {
            state: Some(State::Vic),
            ..params()
        };
        assert_eq!(arms(&p).unwrap(), (vec![], true));
        let p = SearchParams {
            aqf_level: Some(AqfLevel::Diploma),
            ..params()
        };
        assert!(!arms(&p).unwrap().1);
        let p = SearchParams {
            aqf_level: Some(AqfLevel::Diploma),
            state: Some(State::Vic),
            ..params()
        };
        assert!(arms(&p).unwrap_err().is_bad_input());
        let p = SearchParams {
            kinds: vec![Kind::Unit],
            state: Some(State::Vic),
            ..params()
        };
        assert!(arms(&p).unwrap_err().is_bad_input());
    }
}
