//! The TGA layer of `rtopacks-db` (components, releases, unit grids, mappings,
//! organisations and their status logs), as tga-sync's delta walks write it.
//!
//! Every writer here follows one shape: read what the corpus holds for a page of codes in
//! ONE query (`json_each` over the codes), compare with what upstream now says using the
//! domain detectors, and hand back a [`ChangeSet`]: the corpus statements (run them as ONE
//! `batch()`, so a page is all or nothing; every statement binds at most two parameters)
//! and the events (the caller writes them to `ops-db` with `sync::insert_event`).
//!
//! Idempotent: re-applying the same page writes the same rows (with the same `now`) and
//! yields no events, because each event compares against the stored state the previous
//! application left. Nothing is hard-deleted: tombstones set `deleted_at` and
//! `delete_operation`, and a record that comes back in a later page is live again.

use rtopacks_domain::events::RegulatoryEvent;
use rtopacks_domain::tga::{DeletedRecord, Restriction};
use serde::{Deserialize, Serialize};

use crate::bulk::MAX_JSON_BYTES;
use crate::{Db, Statement, StoreError};

/// What one page produced: the corpus statements (one batch), the events, and how many
/// records were written (components/organisations upserted, or rows tombstoned).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChangeSet {
    pub corpus: Vec<Statement>,
    pub events: Vec<RegulatoryEvent>,
    pub written: usize,
}

fn to_json<T: Serialize + ?Sized>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Decode(e.to_string()))
}

/// `YYYY-MM-DD` of a stored timestamp (`2026-11-24T10:00:00Z` → `2026-11-24`).
fn day_of(now: &str) -> &str {
    now.get(..10).unwrap_or(now)
}

/// Keep the last occurrence of each key, in first-seen order.
fn dedupe_last<T>(items: &[T], key: impl Fn(&T) -> &str) -> Vec<&T> {
    let mut out: Vec<&T> = Vec::with_capacity(items.len());
    let mut at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for it in items {
        let k = key(it);
        if k.trim().is_empty() {
            continue;
        }
        match at.get(k) {
            Some(&i) => out[i] = it,
            None => {
                at.insert(k, out.len());
                out.push(it);
            }
        }
    }
    out
}

#[derive(Serialize)]
struct Tomb {
    code: String,
    deleted_at: String,
    delete_operation: &'static str,
}

/// The live codes among `deleted` (with their stored type), and the tombstone statement.
async fn tombstone_table(
    db: &impl Db,
    table: &'static str,
    type_column: &'static str,
    deleted: &[DeletedRecord],
    now: &str,
) -> Result<
    (
        Vec<(String, Option<String>, &'static str)>,
        Option<Statement>,
    ),
    StoreError,
> {
    let page = dedupe_last(deleted, |d| d.code.as_str());
    if page.is_empty() {
        return Ok((Vec::new(), None));
    }
    let codes: Vec<&str> = page.iter().map(|d| d.code.as_str()).collect();
    #[derive(Deserialize)]
    struct Live {
        code: String,
        kind: Option<String>,
    }
    let live: Vec<Live> = db
        .all(
            Statement::new(format!(
                "SELECT code, {type_column} AS kind FROM {table}
                 WHERE deleted_at IS NULL AND code IN (SELECT value FROM json_each(?1))"
            ))
            .bind(to_json(&codes)?),
        )
        .await?;
    let live: std::collections::HashMap<String, Option<String>> =
        live.into_iter().map(|l| (l.code, l.kind)).collect();
    let mut gone = Vec::new();
    let mut rows = Vec::new();
    for d in page {
        if let Some(kind) = live.get(&d.code) {
            gone.push((d.code.clone(), kind.clone(), d.operation.as_str()));
            rows.push(Tomb {
                code: d.code.clone(),
                deleted_at: rtopacks_domain::time::iso(d.updated),
                delete_operation: d.operation.as_str(),
            });
        }
    }
    if rows.is_empty() {
        return Ok((gone, None));
    }
    // Only live rows are touched, so a second tombstone keeps the first deletion date.
    let stmt = Statement::new(format!(
        "UPDATE {table} SET
           deleted_at = (SELECT json_extract(value, '$.deleted_at') FROM json_each(?1) WHERE json_extract(value, '$.code') = {table}.code),
           delete_operation = (SELECT json_extract(value, '$.delete_operation') FROM json_each(?1) WHERE json_extract(value, '$.code') = {table}.code),
           synced_at = ?2
         WHERE deleted_at IS NULL AND code IN (SELECT json_extract(value, '$.code') FROM json_each(?1))"
    ))
    .bind(to_json(&rows)?)
    .bind(now);
    Ok((gone, Some(stmt)))
}

/// Training components: `tga_training_components`, `tga_component_releases`,
/// `tga_qualification_units`, `tga_component_mappings`, `qualification_statuses`.
/// A `qualification_statuses` / `org_statuses` row.
#[derive(Serialize)]
struct StatusRow<'a> {
    code: &'a str,
    status: &'static str,
    previous_status: Option<&'a str>,
    changed_at: &'a str,
    run_id: &'a str,
}

/// Upstream text, trimmed, with blanks as absent.
fn nonempty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub mod components {
    use std::collections::{HashMap, HashSet};

    use rtopacks_domain::events::{self, EntityType, RegulatoryEvent};
    use rtopacks_domain::tga::{
        Classification, ComponentDetails, ComponentType, DeletedRecord, Release,
        UsageRecommendationState,
    };
    use rtopacks_domain::time::iso;
    use serde::{Deserialize, Serialize};

    use super::{
        dedupe_last, nonempty, to_json, tombstone_table, ChangeSet, StatusRow, MAX_JSON_BYTES,
    };
    use crate::bulk::Upsert;
    use crate::{Db, Statement, StoreError};

    /// `tga_training_components`. Writing `deleted_at`/`delete_operation` as NULL makes a
    /// tombstoned component that upstream lists again live again.
    pub const COMPONENTS: Upsert = Upsert {
        table: "tga_training_components",
        columns: &[
            "code",
            "component_type",
            "title",
            "is_current",
            "usage_recommendation",
            "is_confidential",
            "training_package_code",
            "aqf_level",
            "level_of_education_code",
            "anzsco_code",
            "asced_field_code",
            "latest_release_number",
            "latest_release_date",
            "currency_status",
            "superseded_by",
            "upstream_created_at",
            "upstream_updated_at",
            "synced_at",
            "refreshed_at",
            "deleted_at",
            "delete_operation",
        ],
        key: &["code"],
    };

    pub const RELEASES: Upsert = Upsert {
        table: "tga_component_releases",
        columns: &[
            "code",
            "release_number",
            "release_date",
            "currency",
            "synced_at",
        ],
        key: &["code", "release_number"],
    };

    /// `mapping_date` is not written (the domain `Mapping` does not carry it), so a date
    /// another writer stored is kept.
    pub const MAPPINGS: Upsert = Upsert {
        table: "tga_component_mappings",
        columns: &[
            "code",
            "mapped_code",
            "mapped_title",
            "is_equivalent",
            "notes",
            "synced_at",
        ],
        key: &["code", "mapped_code"],
    };

    pub const UNIT_GRID: Upsert = Upsert {
        table: "tga_qualification_units",
        columns: &[
            "qualification_code",
            "unit_code",
            "is_essential",
            "release_number",
            "synced_at",
        ],
        key: &["qualification_code", "unit_code"],
    };

    /// `qualification_statuses`: written only for a code whose status differs from the
    /// recorded one (so `changed_at` is the time of the change, and a re-run writes nothing).
    pub const STATUSES: Upsert = Upsert {
        table: "qualification_statuses",
        columns: &["code", "status", "previous_status", "changed_at", "run_id"],
        key: &["code"],
    };

    /// The event entity of a component type.
    pub fn entity_type(t: ComponentType) -> EntityType {
        match t {
            ComponentType::Qualification => EntityType::Qualification,
            ComponentType::Unit => EntityType::Unit,
            ComponentType::SkillSet => EntityType::SkillSet,
            ComponentType::AccreditedCourse => EntityType::AccreditedCourse,
            ComponentType::TrainingPackage => EntityType::TrainingPackage,
            ComponentType::UnitContextualisation | ComponentType::AccreditedCourseModule => {
                EntityType::Component
            }
        }
    }

    /// AQF level name of an ASCED level-of-education code (classification scheme 05).
    pub fn aqf_level(level_of_education: &str) -> Option<&'static str> {
        Some(match level_of_education.trim() {
            "524" => "Certificate I",
            "521" => "Certificate II",
            "514" => "Certificate III",
            "511" => "Certificate IV",
            "421" => "Diploma",
            "411" => "Advanced Diploma",
            "413" => "Associate Degree",
            "213" => "Graduate Certificate",
            "211" => "Graduate Diploma",
            _ => return None,
        })
    }

    /// The value in force of a classification scheme: open-ended first, then the latest
    /// start (ties: later in upstream order).
    fn classification<'a>(cs: &'a [Classification], scheme: &str) -> Option<&'a str> {
        cs.iter()
            .enumerate()
            .filter(|(_, c)| {
                c.scheme_code.as_deref().map(str::trim) == Some(scheme)
                    && c.value_code
                        .as_deref()
                        .is_some_and(|v| !v.trim().is_empty())
            })
            .max_by_key(|(i, c)| (c.end_date.is_none(), c.start_date, *i))
            .and_then(|(_, c)| c.value_code.as_deref().map(str::trim))
    }

    /// The component that replaced `d`: among its mappings from itself (`Code` = its code
    /// or absent) to another code, an equivalent one first, then the greatest code.
    /// Returns the code and the equivalence flag.
    pub fn successor(d: &ComponentDetails) -> Option<(&str, bool)> {
        d.mappings
            .iter()
            .filter(|m| m.code.as_deref().is_none_or(|c| c.trim() == d.code))
            .filter_map(|m| {
                let to = m.maps_to_code.as_deref()?.trim();
                (!to.is_empty() && to != d.code).then_some((to, m.is_equivalent == Some(true)))
            })
            .max_by_key(|(to, eq)| (*eq, *to))
    }

    /// The release whose unit grid is the component's grid: the latest (by date, then
    /// upstream order) that publishes one.
    fn grid_release(d: &ComponentDetails) -> Option<&Release> {
        d.releases
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.unit_grid.is_empty())
            .max_by_key(|(i, r)| (r.release_date, *i))
            .map(|(_, r)| r)
    }

    /// What the corpus holds for one code of the page.
    #[derive(Debug, Deserialize)]
    struct Held {
        code: String,
        /// The component row's code: `None` when the corpus has no row.
        held: Option<String>,
        component_type: Option<String>,
        title: Option<String>,
        usage_recommendation: Option<String>,
        latest_release_number: Option<String>,
        superseded_by: Option<String>,
        /// `qualification_statuses.status`.
        recorded_status: Option<String>,
    }

    async fn held(db: &impl Db, codes: &[&str]) -> Result<HashMap<String, Held>, StoreError> {
        let rows: Vec<Held> = db
            .all(
                Statement::new(
                    "SELECT j.value AS code, c.code AS held, c.component_type, c.title,
                       c.usage_recommendation, c.latest_release_number, c.superseded_by,
                       s.status AS recorded_status
                     FROM json_each(?1) j
                     LEFT JOIN tga_training_components c ON c.code = j.value
                     LEFT JOIN qualification_statuses s ON s.code = j.value",
                )
                .bind(to_json(codes)?),
            )
            .await?;
        Ok(rows.into_iter().map(|h| (h.code.clone(), h)).collect())
    }

    #[derive(Serialize)]
    struct Row<'a> {
        code: &'a str,
        component_type: &'static str,
        title: String,
        is_current: i64,
        usage_recommendation: Option<&'static str>,
        is_confidential: i64,
        training_package_code: Option<&'a str>,
        aqf_level: Option<&'static str>,
        level_of_education_code: Option<&'a str>,
        anzsco_code: Option<&'a str>,
        asced_field_code: Option<&'a str>,
        latest_release_number: Option<&'a str>,
        latest_release_date: Option<String>,
        currency_status: Option<&'a str>,
        superseded_by: Option<&'a str>,
        upstream_created_at: Option<String>,
        upstream_updated_at: Option<String>,
        synced_at: &'a str,
        refreshed_at: &'a str,
        deleted_at: Option<&'a str>,
        delete_operation: Option<&'a str>,
    }

    #[derive(Serialize)]
    struct ReleaseRow<'a> {
        code: &'a str,
        release_number: &'a str,
        release_date: Option<String>,
        currency: Option<&'a str>,
        synced_at: &'a str,
    }

    #[derive(Serialize)]
    struct MappingRow<'a> {
        code: &'a str,
        mapped_code: &'a str,
        mapped_title: Option<&'a str>,
        is_equivalent: Option<i64>,
        notes: Option<&'a str>,
        synced_at: &'a str,
    }

    #[derive(Serialize)]
    struct GridRow<'a> {
        qualification_code: &'a str,
        unit_code: &'a str,
        is_essential: i64,
        release_number: Option<&'a str>,
        synced_at: &'a str,
    }

    /// Write a page of component details (a code listed twice: the last one wins). A
    /// component with no type upstream keeps its stored type; one that has neither is
    /// skipped (the schema requires a type). See the module docs for the contract.
    ///
    /// Events: `new_component` for a code the corpus lacks (and nothing else for it);
    /// otherwise `status_change` when the latest usage recommendation's state differs
    /// from the stored one, `supersession` when the successor derived from the mappings
    /// is new, `new_release` when the latest release number differs.
    ///
    /// Unit grids: the grid of the latest release that publishes one replaces the
    /// component's grid (rows not in it are removed); a component whose releases publish
    /// no grid keeps its rows. An entry without `IsEssential` is written as elective (0).
    pub async fn apply(
        db: &impl Db,
        details: &[ComponentDetails],
        run_id: &str,
        now: &str,
    ) -> Result<ChangeSet, StoreError> {
        let page = dedupe_last(details, |d| d.code.as_str());
        if page.is_empty() {
            return Ok(ChangeSet::default());
        }
        let codes: Vec<&str> = page.iter().map(|d| d.code.as_str()).collect();
        let held = held(db, &codes).await?;

        let mut rows = Vec::with_capacity(page.len());
        let mut releases = Vec::new();
        let mut mappings = Vec::new();
        let mut mapping_keys: HashSet<(&str, &str)> = HashSet::new();
        let mut grids: Vec<(&str, Vec<&str>)> = Vec::new();
        let mut grid_rows = Vec::new();
        let mut statuses = Vec::new();
        let mut events_out: Vec<RegulatoryEvent> = Vec::new();

        for d in page {
            let code = d.code.as_str();
            let h = held.get(code);
            let stored = h.filter(|h| h.held.is_some());
            let Some(kind) = d.component_type.or_else(|| {
                stored
                    .and_then(|h| h.component_type.as_deref())
                    .and_then(ComponentType::parse)
            }) else {
                continue;
            };
            let entity = entity_type(kind);
            let title = nonempty(&d.title)
                .or_else(|| stored.and_then(|h| nonempty(&h.title)))
                .unwrap_or(code)
                .to_owned();
            let status = d.current_status();
            let latest = d.latest_release();
            let latest_number = latest.and_then(|r| nonempty(&r.release_number));
            let successor = successor(d);
            let level = classification(
                &d.classifications,
                Classification::SCHEME_LEVEL_OF_EDUCATION,
            );

            // Events.
            match stored {
                None => events_out.push(events::new_component(entity, code, &title)),
                Some(h) => {
                    if let Some(s) = status {
                        events_out.extend(events::status_change(
                            entity,
                            code,
                            h.usage_recommendation.as_deref(),
                            s.as_str(),
                        ));
                    }
                    if let Some((by, eq)) = successor {
                        if h.superseded_by.as_deref() != Some(by) {
                            events_out.push(events::supersession(entity, code, by, eq));
                        }
                    }
                    if let Some(n) = latest_number {
                        events_out.extend(events::new_release(
                            entity,
                            code,
                            h.latest_release_number.as_deref(),
                            n,
                        ));
                    }
                }
            }

            // qualification_statuses: only a change (or a first status) is written.
            if let Some(s) = status {
                let recorded = h.and_then(|h| h.recorded_status.as_deref());
                if recorded != Some(s.as_str()) {
                    statuses.push(StatusRow {
                        code,
                        status: s.as_str(),
                        previous_status: recorded,
                        changed_at: now,
                        run_id,
                    });
                }
            }

            rows.push(Row {
                code,
                component_type: kind.as_str(),
                title,
                is_current: i64::from(!matches!(
                    status,
                    Some(UsageRecommendationState::Superseded | UsageRecommendationState::Deleted)
                )),
                usage_recommendation: status.map(UsageRecommendationState::as_str),
                is_confidential: i64::from(d.is_confidential),
                training_package_code: nonempty(&d.parent_code),
                aqf_level: (kind == ComponentType::Qualification)
                    .then_some(level)
                    .flatten()
                    .and_then(aqf_level),
                level_of_education_code: level,
                anzsco_code: classification(&d.classifications, Classification::SCHEME_ANZSCO),
                asced_field_code: classification(
                    &d.classifications,
                    Classification::SCHEME_ASCED_FIELD,
                ),
                latest_release_number: latest_number,
                latest_release_date: latest.and_then(|r| r.release_date).map(|d| d.to_string()),
                currency_status: latest
                    .and_then(|r| nonempty(&r.currency_status).or_else(|| nonempty(&r.currency))),
                superseded_by: successor.map(|(by, _)| by),
                upstream_created_at: d.created.map(iso),
                upstream_updated_at: d.updated.map(iso),
                synced_at: now,
                refreshed_at: now,
                deleted_at: None,
                delete_operation: None,
            });

            let mut numbers: HashSet<&str> = HashSet::new();
            for r in &d.releases {
                if let Some(n) = nonempty(&r.release_number) {
                    if numbers.insert(n) {
                        releases.push(ReleaseRow {
                            code,
                            release_number: n,
                            release_date: r.release_date.map(|d| d.to_string()),
                            currency: nonempty(&r.currency),
                            synced_at: now,
                        });
                    }
                }
            }

            for m in &d.mappings {
                let from = m
                    .code
                    .as_deref()
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .unwrap_or(code);
                let Some(to) = m.maps_to_code.as_deref().map(str::trim) else {
                    continue;
                };
                if to.is_empty() || to == from || !mapping_keys.insert((from, to)) {
                    continue;
                }
                mappings.push(MappingRow {
                    code: from,
                    mapped_code: to,
                    mapped_title: m.maps_to_title.as_deref(),
                    is_equivalent: m.is_equivalent.map(i64::from),
                    notes: m.notes.as_deref(),
                    synced_at: now,
                });
            }

            if let Some(r) = grid_release(d) {
                let mut units: Vec<&str> = Vec::with_capacity(r.unit_grid.len());
                let mut seen: HashSet<&str> = HashSet::new();
                for u in &r.unit_grid {
                    let unit = u.code.trim();
                    if unit.is_empty() || !seen.insert(unit) {
                        continue;
                    }
                    units.push(unit);
                    grid_rows.push(GridRow {
                        qualification_code: code,
                        unit_code: unit,
                        is_essential: i64::from(u.is_essential.unwrap_or(false)),
                        release_number: nonempty(&r.release_number),
                        synced_at: now,
                    });
                }
                grids.push((code, units));
            }
        }

        let mut corpus = COMPONENTS.statements(&rows)?;
        corpus.extend(RELEASES.statements(&releases)?);
        corpus.extend(MAPPINGS.statements(&mappings)?);
        corpus.extend(grid_removals(&grids)?);
        corpus.extend(UNIT_GRID.statements(&grid_rows)?);
        corpus.extend(STATUSES.statements(&statuses)?);
        Ok(ChangeSet {
            corpus,
            events: events_out,
            written: rows.len(),
        })
    }

    /// Remove the grid rows of these components whose unit is not in the new grid: one
    /// statement per ~900 KB of `"QUAL UNIT"` pairs, two bound parameters each.
    fn grid_removals(grids: &[(&str, Vec<&str>)]) -> Result<Vec<Statement>, StoreError> {
        const SQL: &str = "DELETE FROM tga_qualification_units
            WHERE qualification_code IN (SELECT value FROM json_each(?1))
              AND qualification_code || ' ' || unit_code NOT IN (SELECT value FROM json_each(?2))";
        let mut out = Vec::new();
        let mut quals: Vec<&str> = Vec::new();
        let mut pairs: Vec<String> = Vec::new();
        let mut bytes = 0;
        for (q, units) in grids {
            let size: usize = units.iter().map(|u| q.len() + u.len() + 4).sum();
            if !quals.is_empty() && bytes + size > MAX_JSON_BYTES {
                out.push(
                    Statement::new(SQL)
                        .bind(to_json(&quals)?)
                        .bind(to_json(&pairs)?),
                );
                quals.clear();
                pairs.clear();
                bytes = 0;
            }
            bytes += size;
            quals.push(q);
            pairs.extend(units.iter().map(|u| format!("{q} {u}")));
        }
        if !quals.is_empty() {
            out.push(
                Statement::new(SQL)
                    .bind(to_json(&quals)?)
                    .bind(to_json(&pairs)?),
            );
        }
        Ok(out)
    }

    /// Tombstone components: `deleted_at` (the upstream deletion time) and
    /// `delete_operation` on live rows; a `deleted` event for each code that was live.
    /// Codes the corpus does not hold, or holds already tombstoned, yield nothing.
    pub async fn tombstone(
        db: &impl Db,
        deleted: &[DeletedRecord],
        now: &str,
    ) -> Result<ChangeSet, StoreError> {
        let (gone, stmt) = tombstone_table(
            db,
            "tga_training_components",
            "component_type",
            deleted,
            now,
        )
        .await?;
        Ok(ChangeSet {
            written: gone.len(),
            events: gone
                .iter()
                .map(|(code, kind, how)| {
                    let entity = kind
                        .as_deref()
                        .and_then(ComponentType::parse)
                        .map_or(EntityType::Component, entity_type);
                    events::deleted(entity, code, how)
                })
                .collect(),
            corpus: stmt.into_iter().collect(),
        })
    }
}

/// Organisations: `tga_organisations`, `org_statuses` and base `rtos` rows.
pub mod organisations {
    use std::collections::HashMap;

    use rtopacks_domain::events::{self, EntityType, RegulatoryEvent};
    use rtopacks_domain::tga::{
        Classification, DatedCode, DeletedRecord, OrganisationDetails, RegistrationPeriod,
        Restriction,
    };
    use rtopacks_domain::time::iso;
    use serde::{Deserialize, Serialize};

    use super::{day_of, dedupe_last, nonempty, to_json, tombstone_table, ChangeSet, StatusRow};
    use crate::bulk::{Upsert, MAX_ROWS};
    use crate::{Db, Statement, StoreError};

    /// `tga_organisations.status` of an RTO with a registration period in force.
    pub const STATUS_CURRENT: &str = "Current";
    /// `tga_organisations.status` of an RTO with none in force.
    pub const STATUS_NON_CURRENT: &str = "Non-current";

    /// `tga_organisations`. Not written (kept as stored): `cricos_provider_code` and
    /// `organisation_type_code` (the details carry neither). `restrictions` holds the
    /// restrictions in force at the last sync (needs migration 0006, see the tests).
    pub const ORGANISATIONS: Upsert = Upsert {
        table: "tga_organisations",
        columns: &[
            "code",
            "legal_name",
            "trading_name",
            "status",
            "is_rto",
            "has_active_registration",
            "data_manager_code",
            "registration_manager_code",
            "classifications",
            "abn",
            "acn",
            "state_code",
            "registration_start_date",
            "registration_end_date",
            "registration_end_reason_code",
            "restrictions",
            "upstream_created_at",
            "upstream_updated_at",
            "synced_at",
            "deleted_at",
            "delete_operation",
        ],
        key: &["code"],
    };

    pub const STATUSES: Upsert = Upsert {
        table: "org_statuses",
        columns: &["code", "status", "previous_status", "changed_at", "run_id"],
        key: &["code"],
    };

    /// Base `rtos` rows: inserted (`enriched` defaults to 0) for codes without one; an
    /// existing row, enriched or not, is never touched.
    const BASE_RTOS: &str =
        "INSERT INTO rtos (rto_code, legal_name, trading_name, status, abn, acn,
          registration_manager_code, registration_start_date, registration_end_date,
          head_office_state_code, upstream_updated_at, synced_at)
        SELECT json_extract(value, '$.code'), json_extract(value, '$.legal_name'),
          json_extract(value, '$.trading_name'), json_extract(value, '$.status'),
          json_extract(value, '$.abn'), json_extract(value, '$.acn'),
          json_extract(value, '$.registration_manager_code'),
          json_extract(value, '$.registration_start_date'),
          json_extract(value, '$.registration_end_date'), json_extract(value, '$.state_code'),
          json_extract(value, '$.upstream_updated_at'), json_extract(value, '$.synced_at')
        FROM json_each(?1) WHERE true
        ON CONFLICT(rto_code) DO NOTHING";

    /// The dated code in force: open-ended first, then the latest start (ties: later).
    fn current_code(cs: &[DatedCode]) -> Option<&str> {
        cs.iter()
            .enumerate()
            .filter(|(_, c)| !c.code.trim().is_empty())
            .max_by_key(|(i, c)| (c.end_date.is_none(), c.start_date, *i))
            .map(|(_, c)| c.code.trim())
    }

    /// The organisation's code: its `OrganisationCode` in force.
    pub fn code_of(d: &OrganisationDetails) -> Option<&str> {
        current_code(&d.codes)
    }

    fn in_force(start: Option<String>, end: Option<String>, today: &str) -> bool {
        start.is_none_or(|s| s.as_str() <= today) && end.is_none_or(|e| e.as_str() >= today)
    }

    /// The status an RTO's registration periods give on `today` (`YYYY-MM-DD`); `None`
    /// for a plain organisation or an RTO without periods.
    pub fn status(d: &OrganisationDetails, today: &str) -> Option<&'static str> {
        if !d.is_rto || d.registration_periods.is_empty() {
            return None;
        }
        let current = d.registration_periods.iter().any(|p| {
            in_force(
                p.start_date.map(|x| x.to_string()),
                p.end_date.map(|x| x.to_string()),
                today,
            )
        });
        Some(if current {
            STATUS_CURRENT
        } else {
            STATUS_NON_CURRENT
        })
    }

    /// Restrictions in force on `today` (started, not ended).
    pub fn restrictions_in_force<'a>(
        d: &'a OrganisationDetails,
        today: &str,
    ) -> Vec<&'a Restriction> {
        restrictions_in_force_on(&d.restrictions, today)
    }

    /// Of a restriction set, those in force on `today`.
    pub fn restrictions_in_force_on<'a>(
        rs: &'a [Restriction],
        today: &str,
    ) -> Vec<&'a Restriction> {
        rs.iter()
            .filter(|r| {
                r.start_date.is_none_or(|s| s.to_string().as_str() <= today)
                    && r.end_date.is_none_or(|e| e.to_string().as_str() >= today)
            })
            .collect()
    }

    /// A restriction set in words, for events.
    pub fn describe(rs: &[Restriction]) -> String {
        let parts: Vec<&str> = rs
            .iter()
            .filter_map(|r| {
                r.restriction
                    .as_deref()
                    .or(r.code.as_deref())
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
            })
            .collect();
        if parts.is_empty() {
            "restricted".to_owned()
        } else {
            parts.join("; ")
        }
    }

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct ClassificationJson<'a> {
        purpose_code: Option<&'a str>,
        scheme_code: Option<&'a str>,
        value_code: Option<&'a str>,
        start_date: Option<String>,
        end_date: Option<String>,
    }

    fn classifications_json(cs: &[Classification]) -> Result<String, StoreError> {
        let v: Vec<ClassificationJson<'_>> = cs
            .iter()
            .map(|c| ClassificationJson {
                purpose_code: c.purpose_code.as_deref(),
                scheme_code: c.scheme_code.as_deref(),
                value_code: c.value_code.as_deref(),
                start_date: c.start_date.map(|d| d.to_string()),
                end_date: c.end_date.map(|d| d.to_string()),
            })
            .collect();
        to_json(&v)
    }

    #[derive(Debug, Deserialize)]
    struct Held {
        code: String,
        held: Option<String>,
        status: Option<String>,
        restrictions: Option<String>,
        recorded_status: Option<String>,
    }

    #[derive(Serialize)]
    struct Row<'a> {
        code: &'a str,
        legal_name: Option<&'a str>,
        trading_name: Option<&'a str>,
        status: Option<&'static str>,
        is_rto: i64,
        has_active_registration: i64,
        data_manager_code: Option<&'a str>,
        registration_manager_code: Option<&'a str>,
        classifications: String,
        abn: Option<&'a str>,
        acn: Option<&'a str>,
        state_code: Option<&'a str>,
        registration_start_date: Option<String>,
        registration_end_date: Option<String>,
        registration_end_reason_code: Option<&'a str>,
        restrictions: String,
        upstream_created_at: Option<String>,
        upstream_updated_at: Option<String>,
        synced_at: &'a str,
        deleted_at: Option<&'a str>,
        delete_operation: Option<&'a str>,
    }

    /// Write a page of organisation details (details without a code are skipped; a code
    /// listed twice: the last one wins). Status and restrictions are judged as of `now`.
    ///
    /// Events: `status_change` when the derived status differs from the stored one (not
    /// for a new organisation); `restriction_added` / `restriction_lifted` when the set of
    /// restrictions in force turns non-empty / empty. A new organisation already
    /// restricted raises `restriction_added`; a stored row whose restrictions were never
    /// recorded (NULL) raises nothing the first time.
    pub async fn apply(
        db: &impl Db,
        details: &[OrganisationDetails],
        run_id: &str,
        now: &str,
    ) -> Result<ChangeSet, StoreError> {
        let page = dedupe_last(details, |d| code_of(d).unwrap_or(""));
        if page.is_empty() {
            return Ok(ChangeSet::default());
        }
        let today = day_of(now);
        let codes: Vec<&str> = page.iter().filter_map(|d| code_of(d)).collect();
        let held: Vec<Held> = db
            .all(
                Statement::new(
                    "SELECT j.value AS code, o.code AS held, o.status, o.restrictions,
                       s.status AS recorded_status
                     FROM json_each(?1) j
                     LEFT JOIN tga_organisations o ON o.code = j.value
                     LEFT JOIN org_statuses s ON s.code = j.value",
                )
                .bind(to_json(&codes)?),
            )
            .await?;
        let held: HashMap<String, Held> = held.into_iter().map(|h| (h.code.clone(), h)).collect();

        let mut rows = Vec::with_capacity(page.len());
        let mut statuses = Vec::new();
        let mut events_out: Vec<RegulatoryEvent> = Vec::new();
        for d in page {
            let Some(code) = code_of(d) else { continue };
            let h = held.get(code);
            let stored = h.filter(|h| h.held.is_some());
            let status = status(d, today);
            let legal = d
                .responsible_legal_persons
                .iter()
                .enumerate()
                .filter(|(_, p)| nonempty(&p.name).is_some())
                .max_by_key(|(i, p)| (p.end_date.is_none(), p.start_date, *i))
                .map(|(_, p)| p);
            let trading = d
                .trading_names
                .iter()
                .enumerate()
                .filter(|(_, t)| nonempty(&t.name).is_some())
                .max_by_key(|(i, t)| (t.end_date.is_none(), t.start_date, *i))
                .and_then(|(_, t)| nonempty(&t.name));
            let registration: Option<&RegistrationPeriod> = d
                .registration_periods
                .iter()
                .enumerate()
                .max_by_key(|(i, r)| (r.start_date, *i))
                .map(|(_, r)| r);
            let state = d
                .locations
                .iter()
                .enumerate()
                .filter_map(|(i, l)| {
                    let s = l.address.as_ref().and_then(|a| nonempty(&a.state_code))?;
                    Some((l.end_date.is_none(), l.start_date, std::cmp::Reverse(i), s))
                })
                .max()
                .map(|(.., s)| s);
            let restrictions: Vec<Restriction> = restrictions_in_force(d, today)
                .into_iter()
                .cloned()
                .collect();

            // Events.
            if let (Some(h), Some(s)) = (stored, status) {
                events_out.extend(events::status_change(
                    EntityType::Organisation,
                    code,
                    h.status.as_deref(),
                    s,
                ));
            }
            let was: Option<Vec<Restriction>> = match stored {
                None => Some(Vec::new()),
                Some(h) => h
                    .restrictions
                    .as_deref()
                    .and_then(|j| serde_json::from_str(j).ok()),
            };
            if let Some(was) = was {
                let what = if restrictions.is_empty() {
                    describe(&was)
                } else {
                    describe(&restrictions)
                };
                events_out.extend(events::restriction(
                    code,
                    Some(!was.is_empty()),
                    !restrictions.is_empty(),
                    &what,
                ));
            }

            if let Some(s) = status {
                let recorded = h.and_then(|h| h.recorded_status.as_deref());
                if recorded != Some(s) {
                    statuses.push(StatusRow {
                        code,
                        status: s,
                        previous_status: recorded,
                        changed_at: now,
                        run_id,
                    });
                }
            }

            rows.push(Row {
                code,
                legal_name: legal.and_then(|p| nonempty(&p.name)),
                trading_name: trading,
                status,
                is_rto: i64::from(d.is_rto),
                has_active_registration: i64::from(status == Some(STATUS_CURRENT)),
                data_manager_code: current_code(&d.data_managers),
                registration_manager_code: current_code(&d.registration_managers),
                classifications: classifications_json(&d.classifications)?,
                abn: legal.and_then(|p| p.abns.iter().map(|a| a.trim()).find(|a| !a.is_empty())),
                acn: legal.and_then(|p| nonempty(&p.acn)),
                state_code: state,
                registration_start_date: registration
                    .and_then(|r| r.start_date)
                    .map(|d| d.to_string()),
                registration_end_date: registration.and_then(|r| r.end_date).map(|d| d.to_string()),
                registration_end_reason_code: registration
                    .and_then(|r| nonempty(&r.end_reason_code)),
                restrictions: to_json(&restrictions)?,
                upstream_created_at: d.created.map(iso),
                upstream_updated_at: d.updated.map(iso),
                synced_at: now,
                deleted_at: None,
                delete_operation: None,
            });
        }

        let mut corpus = ORGANISATIONS.statements(&rows)?;
        for chunk in rows.chunks(MAX_ROWS) {
            corpus.push(Statement::new(BASE_RTOS).bind(to_json(chunk)?));
        }
        corpus.extend(STATUSES.statements(&statuses)?);
        Ok(ChangeSet {
            corpus,
            events: events_out,
            written: rows.len(),
        })
    }

    /// Tombstone organisations (live rows only); a `deleted` event for each that was live.
    /// The `rtos` row is left as it is.
    pub async fn tombstone(
        db: &impl Db,
        deleted: &[DeletedRecord],
        now: &str,
    ) -> Result<ChangeSet, StoreError> {
        let (gone, stmt) = tombstone_table(db, "tga_organisations", "status", deleted, now).await?;
        Ok(ChangeSet {
            written: gone.len(),
            events: gone
                .iter()
                .map(|(code, _, how)| events::deleted(EntityType::Organisation, code, how))
                .collect(),
            corpus: stmt.into_iter().collect(),
        })
    }
}

/// Live (not tombstoned) records: SENTINEL's baselines and end totals.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LiveCounts {
    pub organisations: i64,
    /// Live components per `component_type` (upstream spelling), types with none absent.
    pub components: Vec<TypeCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeCount {
    pub component_type: String,
    pub n: i64,
}

impl LiveCounts {
    /// Live components of one type.
    pub fn of(&self, t: rtopacks_domain::tga::ComponentType) -> i64 {
        self.components
            .iter()
            .find(|c| c.component_type == t.as_str())
            .map_or(0, |c| c.n)
    }

    /// Live components of every type.
    pub fn all_components(&self) -> i64 {
        self.components.iter().map(|c| c.n).sum()
    }
}

/// Live counts in one query.
pub async fn live_counts(db: &impl Db) -> Result<LiveCounts, StoreError> {
    #[derive(Deserialize)]
    struct R {
        kind: Option<String>,
        n: i64,
    }
    let rows: Vec<R> = db
        .all(Statement::new(
            "SELECT NULL AS kind, (SELECT count(*) FROM tga_organisations WHERE deleted_at IS NULL) AS n
             UNION ALL
             SELECT component_type AS kind, count(*) AS n FROM tga_training_components
               WHERE deleted_at IS NULL GROUP BY component_type",
        ))
        .await?;
    let mut out = LiveCounts::default();
    for r in rows {
        match r.kind {
            None => out.organisations = r.n,
            Some(k) => out.components.push(TypeCount {
                component_type: k,
                n: r.n,
            }),
        }
    }
    out.components
        .sort_by(|a, b| a.component_type.cmp(&b.component_type));
    Ok(out)
}

/// A component due for TGA-REFRESH-01.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaleComponent {
    pub code: String,
    pub component_type: String,
    /// `None`: never refreshed.
    pub refreshed_at: Option<String>,
}

/// The `limit` live components refreshed longest ago (never-refreshed first) and not since
/// `before` (so a cycle never refreshes what its own delta walk just fetched), for the
/// rotating refresh; walks the `refreshed_at` index.
pub async fn stalest_components(
    db: &impl Db,
    before: &str,
    limit: i64,
) -> Result<Vec<StaleComponent>, StoreError> {
    db.all(
        Statement::new(
            "SELECT code, component_type, refreshed_at FROM tga_training_components
             WHERE deleted_at IS NULL AND (refreshed_at IS NULL OR refreshed_at < ?1)
             ORDER BY refreshed_at LIMIT ?2",
        )
        .bind(before)
        .bind(limit),
    )
    .await
}

/// Mark components as refreshed without new details (upstream no longer serves them), so
/// the rotation moves past them; the deletion walk tombstones them.
pub fn touch_refreshed(codes: &[&str], now: &str) -> Result<Statement, StoreError> {
    Ok(Statement::new(
        "UPDATE tga_training_components SET refreshed_at = ?2
         WHERE code IN (SELECT value FROM json_each(?1))",
    )
    .bind(to_json(codes)?)
    .bind(now))
}

/// Which table a delta walk writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorpusTable {
    Components,
    Organisations,
}

impl CorpusTable {
    pub fn name(self) -> &'static str {
        match self {
            CorpusTable::Components => "tga_training_components",
            CorpusTable::Organisations => "tga_organisations",
        }
    }
}

/// How many of `codes` are live (held and not tombstoned): what a tombstone page would delete.
pub async fn live_among(
    db: &impl Db,
    table: CorpusTable,
    codes: &[&str],
) -> Result<i64, StoreError> {
    let stmt = Statement::new(format!(
        "SELECT count(*) AS n FROM {} WHERE deleted_at IS NULL
         AND code IN (SELECT value FROM json_each(?1))",
        table.name()
    ))
    .bind(to_json(codes)?);
    crate::count(db, stmt).await
}

/// A live organisation with restrictions in force at its last sync.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RestrictedOrganisation {
    pub code: String,
    pub legal_name: Option<String>,
    pub status: Option<String>,
    pub restrictions: Vec<Restriction>,
}

/// Every live organisation with restrictions in force at its last sync, by code.
pub async fn restricted_organisations(
    db: &impl Db,
) -> Result<Vec<RestrictedOrganisation>, StoreError> {
    #[derive(Deserialize)]
    struct R {
        code: String,
        legal_name: Option<String>,
        status: Option<String>,
        restrictions: String,
    }
    let rows: Vec<R> = db
        .all(Statement::new(
            "SELECT code, legal_name, status, restrictions FROM tga_organisations
             WHERE deleted_at IS NULL AND restrictions IS NOT NULL AND restrictions <> '[]'
             ORDER BY code",
        ))
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(RestrictedOrganisation {
                restrictions: serde_json::from_str(&r.restrictions)
                    .map_err(|e| StoreError::Decode(e.to_string()))?,
                code: r.code,
                legal_name: r.legal_name,
                status: r.status,
            })
        })
        .collect()
}
