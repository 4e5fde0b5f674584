//! cricos-sync: the four CKAN resources of the CRICOS register into `rtopacks-db`.
//!
//! Each `ingest_*` phase: `resource_show` first (an unchanged `last_modified` skips the
//! resource), then `datastore_search` pages, a bounded number per invocation, each page
//! parsed completely before its rows and events are written in one transaction. When the
//! last page is in, rows not seen are soft-deleted and reported as `disappeared` — unless
//! SENTINEL-02 found the upstream total far below the baseline, in which case nothing is
//! deleted and the drop is logged.

use chrono::{DateTime, Utc};
use rtopacks_domain::events::{self, EntityType, RegulatoryEvent};
use rtopacks_domain::sentinel;
use rtopacks_domain::sync::SyncKind;
use rtopacks_domain::time::iso;
use rtopacks_edge::chain::{PhaseMessage, PhaseOutcome};
use rtopacks_edge::outbound::{fetch_with_retry, HttpClient, OutboundRequest, RetryPolicy};
use rtopacks_store::cricos::{
    self as store, CricosTable, COURSES, COURSE_LOCATIONS, INSTITUTIONS, LOCATIONS,
};
use rtopacks_store::sync::insert_sentinel;
use rtopacks_store::{Db, StoreError};
use rtopacks_upstream::ckan::cricos::{self as ckan, Resource};
use rtopacks_upstream::ckan::{self as ckan_api, DatastorePage};
use rtopacks_upstream::UpstreamError;
use serde::{Deserialize, Serialize};

pub const SOURCE: &str = "cricos";

/// Tunables (wrangler vars in the worker).
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Rows per `datastore_search` page.
    pub page_size: u32,
    /// Pages per invocation: keeps each invocation far inside D1's 1,000 queries and the
    /// watchdog's five minutes.
    pub pages_per_invocation: u32,
    pub drop_threshold_pct: f64,
    pub retry: RetryPolicy,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            page_size: 1000,
            pages_per_invocation: 10,
            drop_threshold_pct: sentinel::DEFAULT_DROP_THRESHOLD_PCT,
            retry: RetryPolicy::default(),
        }
    }
}

/// A phase's continuation between invocations.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Progress {
    offset: u64,
    total: u64,
    /// When the ingest began: rows with an older `synced_at` were not seen.
    started_at: String,
    last_modified: Option<String>,
    baseline: i64,
    written: i64,
    rejected: i64,
    /// SENTINEL-02 fired: do not delete what upstream left out.
    short: bool,
}

pub struct Cricos<'a, H: HttpClient, C: Db, O: Db> {
    pub http: &'a H,
    pub corpus: &'a C,
    pub ops: &'a O,
    /// CKAN action base, e.g. `https://data.gov.au/data/api/3/action`.
    pub base: &'a str,
    pub settings: Settings,
}

use crate::Failure;

/// A resource: where it goes and how its rows are read and named.
trait Rows: Serialize + Sized {
    const RESOURCE: Resource;
    const TABLE: CricosTable;
    const ENTITY: Option<EntityType>;
    fn parse(bytes: &[u8]) -> Result<DatastorePage<Self>, UpstreamError>;
    fn code(&self) -> &str;
    fn name(&self) -> &str;
}

macro_rules! rows {
    ($t:ty, $res:expr, $table:expr, $entity:expr, $parse:path, $code:ident, $name:ident) => {
        impl Rows for $t {
            const RESOURCE: Resource = $res;
            const TABLE: CricosTable = $table;
            const ENTITY: Option<EntityType> = $entity;
            fn parse(bytes: &[u8]) -> Result<DatastorePage<Self>, UpstreamError> {
                $parse(bytes)
            }
            fn code(&self) -> &str {
                self.$code.as_str()
            }
            fn name(&self) -> &str {
                self.$name.as_deref().unwrap_or("")
            }
        }
    };
}

use rtopacks_domain::cricos::{Course, CourseLocation, Institution, Location};
rows!(
    Institution,
    Resource::Institutions,
    INSTITUTIONS,
    Some(EntityType::CricosInstitution),
    ckan::parse_institutions,
    provider_code,
    institution_name
);
rows!(
    Course,
    Resource::Courses,
    COURSES,
    Some(EntityType::CricosCourse),
    ckan::parse_courses,
    course_code,
    course_name
);
rows!(
    Location,
    Resource::Locations,
    LOCATIONS,
    None,
    ckan::parse_locations,
    provider_code,
    institution_name
);
rows!(
    CourseLocation,
    Resource::CourseLocations,
    COURSE_LOCATIONS,
    None,
    ckan::parse_course_locations,
    course_code,
    institution_name
);

/// A row as written: the upstream columns plus the sync's own.
#[derive(Serialize)]
struct Stamped<'a, T> {
    #[serde(flatten)]
    row: &'a T,
    synced_at: &'a str,
    deleted_at: Option<&'a str>,
}

impl<'a, H: HttpClient, C: Db, O: Db> Cricos<'a, H, C, O> {
    /// Run one invocation of `msg.phase`.
    pub async fn run_phase(
        &self,
        msg: &PhaseMessage,
        state: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<PhaseOutcome, StoreError> {
        let outcome = match msg.phase.as_str() {
            "volume_check_institutions" => self.baseline(&INSTITUTIONS).await,
            "volume_check_courses" => self.baseline(&COURSES).await,
            "ingest_institutions" => self.ingest::<Institution>(msg, state, now).await,
            "ingest_courses" => self.ingest::<Course>(msg, state, now).await,
            "ingest_locations" => self.ingest::<Location>(msg, state, now).await,
            "ingest_course_locations" => self.ingest::<CourseLocation>(msg, state, now).await,
            other => Err(Failure::Upstream(format!(
                "cricos-sync has no phase {other:?}"
            ))),
        };
        Failure::settle(outcome)
    }

    /// SENTINEL-02 baseline: the live total at cycle start.
    async fn baseline(&self, t: &CricosTable) -> Result<PhaseOutcome, Failure> {
        let n = store::live_count(self.corpus, t).await?;
        Ok(PhaseOutcome::Done {
            records_in: n,
            records_out: n,
        })
    }

    async fn get(&self, url: String) -> Result<Vec<u8>, Failure> {
        let res = fetch_with_retry(
            self.http,
            &OutboundRequest::get(url).header("Accept", "application/json"),
            self.settings.retry,
        )
        .await
        .map_err(|e| Failure::Upstream(e.to_string()))?;
        Ok(res.body.into_bytes())
    }

    async fn ingest<T: Rows>(
        &self,
        msg: &PhaseMessage,
        state: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<PhaseOutcome, Failure> {
        let at = iso(now);
        let id = T::RESOURCE.id();
        let mut p: Progress = serde_json::from_value(state).unwrap_or_default();
        if p.started_at.is_empty() {
            let info = ckan_api::parse_resource_show(
                &self.get(ckan_api::resource_show_url(self.base, id)).await?,
            )?;
            let seen = rtopacks_store::sync::resource_state(self.ops, SOURCE, id).await?;
            let baseline = store::live_count(self.corpus, &T::TABLE).await?;
            if let (Some(seen), Some(lm)) = (&seen, &info.last_modified) {
                if seen.last_modified.as_deref() == Some(lm.as_str()) && baseline > 0 {
                    let line = format!("{}: unchanged since {lm}, skipped", T::TABLE.upsert.table);
                    crate::log(self.ops, &msg.run_id, "cricos-sync", "info", &line, &at).await?;
                    return Ok(PhaseOutcome::Done {
                        records_in: 0,
                        records_out: 0,
                    });
                }
            }
            p = Progress {
                started_at: at.clone(),
                last_modified: info.last_modified,
                baseline,
                ..Progress::default()
            };
        }

        for _ in 0..self.settings.pages_per_invocation {
            let url =
                ckan_api::datastore_search_url(self.base, id, self.settings.page_size, p.offset);
            let page = T::parse(&self.get(url).await?)?;
            if p.offset == 0 {
                p.total = page.total;
                if let Some(drop) = sentinel::check(
                    T::TABLE.upsert.table,
                    p.baseline,
                    page.total as i64,
                    self.settings.drop_threshold_pct,
                ) {
                    p.short = true;
                    self.ops
                        .run(insert_sentinel(
                            &msg.run_id,
                            SyncKind::CricosSync,
                            &drop,
                            "no_deletions",
                            &at,
                        ))
                        .await?;
                }
            }
            self.write_page(&msg.run_id, &page.records, p.baseline > 0, &at)
                .await?;
            p.written += page.records.len() as i64;
            p.rejected += page.rejected.len() as i64;
            let last = page.is_last();
            p.offset = page.next_offset();
            if last {
                return self.finish::<T>(msg, &p, &at).await;
            }
        }
        let state = serde_json::to_value(&p).unwrap_or_default();
        Ok(PhaseOutcome::More {
            state,
            records_in: p.offset as i64,
            records_out: p.written,
        })
    }

    /// One page: its rows and its `appeared` events in one transaction.
    async fn write_page<T: Rows>(
        &self,
        run_id: &str,
        rows: &[T],
        report_new: bool,
        at: &str,
    ) -> Result<(), Failure> {
        let mut appeared: Vec<RegulatoryEvent> = Vec::new();
        if let (Some(entity), true) = (T::ENTITY, report_new) {
            let codes: Vec<&str> = rows.iter().map(T::code).collect();
            let known = store::known_codes(self.corpus, &T::TABLE, &codes).await?;
            appeared = rows
                .iter()
                .filter(|r| !known.iter().any(|k| k == r.code()))
                .map(|r| events::appeared(entity, r.code(), r.name()))
                .collect();
        }
        let stamped: Vec<Stamped<'_, T>> = rows
            .iter()
            .map(|row| Stamped {
                row,
                synced_at: at,
                deleted_at: None,
            })
            .collect();
        self.corpus
            .batch(T::TABLE.upsert.statements(&stamped)?)
            .await?;
        if !appeared.is_empty() {
            self.ops
                .batch(crate::event_statements(run_id, &appeared, at))
                .await?;
        }
        Ok(())
    }

    /// The last page is in: soft-delete and report what upstream no longer lists (unless
    /// the answer was short), then remember the resource's `last_modified`.
    async fn finish<T: Rows>(
        &self,
        msg: &PhaseMessage,
        p: &Progress,
        at: &str,
    ) -> Result<PhaseOutcome, Failure> {
        if !p.short {
            if let Some(entity) = T::ENTITY {
                let gone =
                    store::not_seen_since(self.corpus, &T::TABLE, &p.started_at, 500).await?;
                let evs: Vec<RegulatoryEvent> = gone
                    .iter()
                    .map(|g| events::disappeared(entity, &g.code, g.name.as_deref().unwrap_or("")))
                    .collect();
                if !evs.is_empty() {
                    self.ops
                        .batch(crate::event_statements(&msg.run_id, &evs, at))
                        .await?;
                }
            }
            self.corpus
                .run(store::mark_not_seen_deleted(&T::TABLE, &p.started_at, at))
                .await?;
            self.ops
                .run(rtopacks_store::sync::save_resource_state(
                    SOURCE,
                    T::RESOURCE.id(),
                    p.last_modified.as_deref(),
                    p.total as i64,
                    at,
                ))
                .await?;
        }
        if p.rejected > 0 {
            let line = format!(
                "{}: {} row(s) rejected (missing or invalid key)",
                T::TABLE.upsert.table,
                p.rejected
            );
            crate::log(self.ops, &msg.run_id, "cricos-sync", "warn", &line, at).await?;
        }
        Ok(PhaseOutcome::Done {
            records_in: p.total as i64,
            records_out: p.written,
        })
    }
}

impl<H: HttpClient, C: Db, O: Db> rtopacks_edge::chain::PhaseRunner for Cricos<'_, H, C, O> {
    async fn run_phase(
        &self,
        msg: &PhaseMessage,
        state: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<PhaseOutcome, StoreError> {
        Cricos::run_phase(self, msg, state, now).await
    }
}
