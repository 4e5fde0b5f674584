//! Verify: is a code current, is it on an RTO's scope, what replaces it and is that
//! equivalent. Answers in data and in one plain sentence (for agents and chat surfaces).

use rtopacks_domain::codes::{NationalCode, RtoCode};
use rtopacks_store::{Db, Statement};
use serde::{Deserialize, Serialize};

use crate::chain::{Link, Replacement};
use crate::error::{json_array, Result};
use crate::lookup::{component_and_chain, component_type};
use crate::page::{Fresh, Freshness};
use crate::rto::{no_such_rto, Extent};
use crate::vocab::{Kind, Status, ORGANISATION_STATUS_SQL};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    pub code: String,
    pub title: String,
    pub kind: Option<Kind>,
    pub status: Status,
    pub is_current: bool,
    /// The direct successors, with their equivalence (E/N) and notes.
    pub superseded_by: Vec<Link>,
    /// The current components it leads to, with the whole path's equivalence.
    pub replacements: Vec<Replacement>,
    /// Present when an RTO was asked about.
    pub scope: Option<ScopeCheck>,
    /// The answer in one sentence.
    pub summary: String,
    pub freshness: Freshness,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeCheck {
    pub rto_code: String,
    pub rto_name: Option<String>,
    pub rto_status: Option<Status>,
    /// On the RTO's current scope (not refused).
    pub on_scope: bool,
    /// The scope row exists but has ended (or was refused).
    pub lapsed: bool,
    pub extent: Option<Extent>,
    pub is_implicit: bool,
    pub end_date: Option<String>,
    /// Replacements (from [`Verification::replacements`]) already on the RTO's current scope.
    pub replacements_on_scope: Vec<String>,
}

#[derive(Deserialize)]
pub(crate) struct RtoRow {
    pub(crate) name: Option<String>,
    pub(crate) status: Option<Status>,
    pub(crate) synced_at: Option<String>,
    pub(crate) found: i64,
}

#[derive(Deserialize)]
struct ScopeRow {
    component_code: String,
    is_current: i64,
    is_refused: i64,
    is_implicit: i64,
    extent_code: Option<String>,
    end_date: Option<String>,
    synced_at: String,
}

/// Verify `code`, and its place on `rto`'s scope when given.
pub async fn verify(
    db: &impl Db,
    code: &NationalCode,
    rto: Option<&RtoCode>,
) -> Result<Verification> {
    let mut fresh = Fresh::default();
    let (row, chain, mut answers) = component_and_chain(
        db,
        code,
        rto.map(rto_statement).into_iter().collect(),
        &mut fresh,
    )
    .await?;
    let replacements = chain.replacements(code.as_str());
    let superseded_by: Vec<Link> = chain.direct().cloned().collect();

    let scope = match rto {
        None => None,
        Some(rto) => {
            let found = answers.first::<RtoRow>()?;
            Some(scope_check(db, rto, found, code, &replacements, &mut fresh).await?)
        }
    };
    let is_current = row.status == Status::Current;
    let summary = summary(
        &row.code,
        row.status,
        &replacements,
        &superseded_by,
        scope.as_ref(),
    );
    let kind = Kind::of_component(component_type(&row));
    Ok(Verification {
        code: row.code,
        title: row.title,
        kind,
        status: row.status,
        is_current,
        superseded_by,
        replacements,
        scope,
        summary,
        freshness: fresh.finish(),
    })
}

/// The RTO's name and status, read with the component (see [`scope_check`]).
pub(crate) fn rto_statement(rto: &RtoCode) -> Statement {
    Statement::new(format!(
        "SELECT COALESCE(o.trading_name, o.legal_name, r.trading_name, r.legal_name) AS name,
           CASE WHEN o.code IS NULL THEN NULL ELSE {ORGANISATION_STATUS_SQL} END AS status,
           COALESCE(o.synced_at, r.synced_at) AS synced_at,
           (o.code IS NOT NULL OR r.rto_code IS NOT NULL) AS found
         FROM (SELECT ?1 AS code) k
         LEFT JOIN tga_organisations o ON o.code = k.code
         LEFT JOIN rtos r ON r.rto_code = k.code"
    ))
    .bind(rto.as_str())
}

/// Where `code` and its replacements stand on `rto`'s scope (a second round trip: the
/// replacements come from the chain).
async fn scope_check(
    db: &impl Db,
    rto: &RtoCode,
    r: Option<RtoRow>,
    code: &NationalCode,
    replacements: &[Replacement],
    fresh: &mut Fresh,
) -> Result<ScopeCheck> {
    let Some(r) = r.filter(|r| r.found == 1) else {
        return Err(no_such_rto(rto));
    };
    fresh.tga(r.synced_at.as_deref());
    // The code and its replacements, each a primary-key probe.
    let mut codes = vec![code.to_string()];
    codes.extend(replacements.iter().map(|r| r.code.clone()));
    let codes_json = json_array(&codes);
    let rows: Vec<ScopeRow> = db
        .all(
            Statement::new(
                "SELECT component_code, is_current, is_refused, is_implicit, extent_code, end_date,
                   synced_at
                 FROM rto_scope
                 WHERE rto_code = ?1 AND component_code IN (SELECT value FROM json_each(?2))",
            )
            .bind(rto.as_str())
            .bind(codes_json),
        )
        .await?;
    let live = |s: &ScopeRow| s.is_current == 1 && s.is_refused == 0;
    let own = rows.iter().find(|s| s.component_code == code.as_str());
    for s in &rows {
        fresh.tga(Some(&s.synced_at));
    }
    Ok(ScopeCheck {
        rto_code: rto.to_string(),
        rto_name: r.name,
        rto_status: r.status,
        on_scope: own.is_some_and(live),
        lapsed: own.is_some_and(|s| !live(s)),
        extent: own.map(|s| Extent::of(s.extent_code.clone())),
        is_implicit: own.is_some_and(|s| s.is_implicit == 1),
        end_date: own.and_then(|s| s.end_date.clone()),
        replacements_on_scope: rows
            .iter()
            .filter(|s| s.component_code != code.as_str() && live(s))
            .map(|s| s.component_code.clone())
            .collect(),
    })
}

fn summary(
    code: &str,
    status: Status,
    replacements: &[Replacement],
    direct: &[Link],
    scope: Option<&ScopeCheck>,
) -> String {
    let mut s = match status {
        Status::Current => format!("{code} is current."),
        Status::Deleted => format!("{code} has been deleted from the national register."),
        _ => format!("{code} is not current (superseded)."),
    };
    let eq = |e: Option<bool>| match e {
        Some(true) => "equivalent",
        Some(false) => "not equivalent",
        None => "equivalence not published",
    };
    if status != Status::Current {
        if replacements.is_empty() {
            match direct.first() {
                Some(l) => s.push_str(&format!(
                    " It maps to {} ({}), which is not current either.",
                    l.to,
                    eq(l.is_equivalent)
                )),
                None => s.push_str(" No replacement is recorded."),
            }
        } else {
            let names: Vec<String> = replacements
                .iter()
                .map(|r| format!("{} ({})", r.code, eq(r.is_equivalent)))
                .collect();
            s.push_str(&format!(" Replaced by {}.", names.join(", ")));
        }
    }
    if let Some(sc) = scope {
        let rto = &sc.rto_code;
        if sc.on_scope {
            s.push_str(&format!(" It is on the scope of RTO {rto}."));
        } else if sc.lapsed {
            s.push_str(&format!(
                " It was on the scope of RTO {rto}, but that has ended."
            ));
        } else {
            s.push_str(&format!(" It is not on the scope of RTO {rto}."));
        }
        if !sc.replacements_on_scope.is_empty() {
            s.push_str(&format!(
                " RTO {rto} has {} on scope.",
                sc.replacements_on_scope.join(", ")
            ));
        }
    }
    s
}
