//! Supersession impact: for a superseded qualification or unit, the RTOs whose current
//! scope still carries it, what replaces it and whether that is equivalent, and whether
//! each RTO already has a replacement on scope.

use rtopacks_domain::codes::NationalCode;
use rtopacks_store::Db;
use serde::{Deserialize, Serialize};

use crate::chain::{Link, Replacement};
use crate::error::Result;
use crate::lookup::{component_and_chain, component_type};
use crate::page::{Fresh, Freshness, Page};
use crate::reads::Answers;
use crate::scope::{Offering, OfferingRead};
use crate::vocab::{Kind, Status};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Impact {
    pub code: String,
    pub title: String,
    pub kind: Option<Kind>,
    pub status: Status,
    /// The direct successors with equivalence (E/N) and notes.
    pub superseded_by: Vec<Link>,
    /// The current components it leads to, with the whole path's equivalence.
    pub replacements: Vec<Replacement>,
    /// RTOs with the code on current scope, each with `has_replacement`.
    pub rtos: Offering,
    pub freshness: Freshness,
}

/// The impact of `code`'s supersession on RTO scopes, a page of RTOs at a time. A code
/// that is still current answers too (no replacements; the RTOs that carry it).
pub async fn supersession_impact(db: &impl Db, code: &NationalCode, page: &Page) -> Result<Impact> {
    let mut fresh = Fresh::default();
    // The offering's statements depend on the chain's replacements: two round trips.
    let (row, chain, _) = component_and_chain(db, code, Vec::new(), &mut fresh).await?;
    let replacements = chain.replacements(code.as_str());
    let codes: Vec<String> = replacements.iter().map(|r| r.code.clone()).collect();
    let mut stmts = Vec::with_capacity(2);
    let offering = OfferingRead::new(code, page, Some(&codes), &mut stmts)?;
    let rtos = offering.read(&mut Answers::fetch(db, stmts).await?, &mut fresh)?;
    let kind = Kind::of_component(component_type(&row));
    Ok(Impact {
        code: row.code,
        title: row.title,
        kind,
        status: row.status,
        superseded_by: chain.direct().cloned().collect(),
        replacements,
        rtos,
        freshness: fresh.finish(),
    })
}
