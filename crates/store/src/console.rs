//! The admin console's read models over `ops-db` (observatory guide v2.0): the per-worker
//! cards, the runs feed, a run's drill-down, the regulatory events feed, the sentinel log,
//! and the per-user / per-session anomaly and access logs of the organisations page.
//!
//! OBS-ALIGN-01: the cards and the runs feed read a run's status through ONE piece of SQL
//! ([`shown_sql`]: the `summed` / `judged` CTEs and the deciding-step join), so they
//! cannot disagree; it computes exactly [`rtopacks_domain::observatory::shown`] (a test
//! runs both over the same rows). The status is computed in SQL, not after the query, so
//! the feed can filter on it and still page.
//!
//! Pages are seek-paged, newest first: the key is (time, tie-breaker), each page asks for
//! one row more than it shows to know whether there is a next one, and the cursor is the
//! last shown row's key ([`Cursor`]). Every filter arrives as text from a form or query
//! string and is checked here, with errors in plain words ([`ConsoleError::BadInput`]).

use rtopacks_domain::observatory::{
    dim_cutoff, duration_secs, stale_cutoff, RunStatus, StepCategory,
};
use rtopacks_domain::time;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::access::{AccessRow, AnomalyRow};
use crate::{Db, Statement, StoreError, Value};

/// Rows per page unless asked otherwise.
pub const DEFAULT_PER_PAGE: u32 = 50;
/// The most rows one page may ask for.
pub const MAX_PER_PAGE: u32 = 100;
/// Events shown on a run's drill-down (the rest through [`events`] with its cursor).
pub const DETAIL_EVENTS: u32 = 50;
/// Longest run-id prefix accepted (run ids are about 30 characters).
pub const MAX_PREFIX_LEN: usize = 100;

/// Why a console read could not answer.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// A filter or cursor the caller sent is not usable; the text says why, in plain words.
    #[error("{0}")]
    BadInput(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn bad(msg: impl Into<String>) -> ConsoleError {
    ConsoleError::BadInput(msg.into())
}

/// One page of a feed; `next_cursor` fetches the following one (`None`: this is the last).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

// ---------------------------------------------------------------------------------------
// OBS-ALIGN-01: the one "last status" SQL.

/// The failing step statuses (`StepStatus::is_failure`).
const FAILURE: &str = "('failed', 'error', 'timed_out')";

/// A workflow step of the run `rs` (`counts_for_last_status`: not `init`, not a
/// `volume_check_*` baseline; GLOB, not LIKE, so `_` is literal and case counts, exactly
/// like the domain's `starts_with`).
const WORKFLOW_OF_RS: &str = "s.run_id = rs.run_id AND s.sync_type = rs.sync_type \
     AND s.step <> 'init' AND s.step NOT GLOB 'volume_check_*'";

/// `domain::observatory::shown`, in SQL. `run_set` selects sync_runs rows as
/// `run_id, sync_type, triggered_by, stored, created_at, completed_at, run_error`; `?1` is
/// the stale cutoff; `tail` filters (`j.status`), orders and limits. Placeholders from
/// `?2` on belong to the caller. `before` may add CTEs ahead of `run_set`.
///
/// - `progress`: the highest rank among workflow steps (3 failed/error/timed_out,
///   2 running, 1 pending, 0 finished cleanly; NULL: no workflow step);
/// - `last_activity`: the latest write to the run (its row, any step's times);
/// - `deciding_id`: the step the status was read from (the newest failure, else the
///   newest running step, else the newest finished one; pending seeds never decide);
/// - `status`: the rule's table (see `shown`).
fn shown_sql(before: &str, run_set: &str, tail: &str) -> String {
    format!(
        "WITH RECURSIVE {before}
         run_set AS ({run_set}),
         summed AS (
           SELECT rs.*,
             (SELECT max(CASE WHEN s.status IN {FAILURE} THEN 3 WHEN s.status = 'running' THEN 2
                              WHEN s.status = 'pending' THEN 1 ELSE 0 END)
                FROM tga_sync_steps s WHERE {WORKFLOW_OF_RS}) AS progress,
             (SELECT max(rs.created_at, COALESCE(max(max(COALESCE(s.started_at, ''),
                                                         COALESCE(s.completed_at, ''),
                                                         s.created_at)), ''))
                FROM tga_sync_steps s
               WHERE s.run_id = rs.run_id AND s.sync_type = rs.sync_type) AS last_activity,
             (SELECT s.id FROM tga_sync_steps s
               WHERE {WORKFLOW_OF_RS} AND s.status <> 'pending'
               ORDER BY CASE WHEN s.status IN {FAILURE} THEN 3 WHEN s.status = 'running' THEN 2
                             ELSE 0 END DESC,
                        COALESCE(s.completed_at, s.started_at, s.created_at) DESC, s.id DESC
               LIMIT 1) AS deciding_id
           FROM run_set rs
         ),
         judged AS (
           SELECT sm.*,
             CASE
               WHEN sm.progress = 3 THEN CASE WHEN sm.stored = 'partial' THEN 'partial' ELSE 'failed' END
               WHEN sm.progress = 0 THEN CASE WHEN sm.stored IN ('partial', 'failed') THEN sm.stored
                                              ELSE 'complete' END
               WHEN sm.stored IN ('complete', 'partial', 'failed') THEN sm.stored
               WHEN sm.stored = 'stale' OR sm.last_activity < ?1 THEN 'stale'
               ELSE 'running'
             END AS status
           FROM summed sm
         )
         SELECT j.run_id, j.sync_type, j.triggered_by, j.created_at, j.completed_at,
                j.status, j.last_activity, d.step AS last_step,
                CASE WHEN d.status IN {FAILURE} THEN d.step END AS failed_step,
                COALESCE(CASE WHEN d.status IN {FAILURE} THEN d.error END, j.run_error) AS error
           FROM judged j LEFT JOIN tga_sync_steps d ON d.id = j.deciding_id
         {tail}"
    )
}

/// The sync_runs columns `shown_sql` expects of `run_set`.
const RUN_SET_COLUMNS: &str = "run_id, sync_type, triggered_by, status AS stored, created_at, \
     completed_at, error AS run_error";

/// A run as `shown_sql` answers it.
#[derive(Debug, Deserialize)]
struct ShownRow {
    run_id: String,
    sync_type: String,
    triggered_by: String,
    created_at: String,
    completed_at: Option<String>,
    status: RunStatus,
    last_step: Option<String>,
    failed_step: Option<String>,
    error: Option<String>,
}

/// Bound parameters, numbered `?1`, `?2`, … in the order they are bound.
struct Binds {
    params: Vec<Value>,
}

impl Binds {
    fn new(first: impl Into<Value>) -> Self {
        Binds {
            params: vec![first.into()],
        }
    }

    fn empty() -> Self {
        Binds { params: Vec::new() }
    }

    /// Bind `v`, answering its placeholder.
    fn arg(&mut self, v: impl Into<Value>) -> String {
        self.params.push(v.into());
        format!("?{}", self.params.len())
    }

    fn statement(self, sql: String) -> Statement {
        self.params
            .into_iter()
            .fold(Statement::new(sql), |st, p| st.bind(p))
    }
}

/// The cutoffs a read needs from "now" (ISO, from the injected clock).
struct Cutoffs {
    /// In progress with no write since: stale.
    stale: String,
    /// Started before: dimmed.
    dim: String,
}

fn parse_now(now: &str) -> Result<Cutoffs, ConsoleError> {
    let t = time::parse_iso(now)
        .map_err(|_| bad(format!("now must be an ISO 8601 timestamp, not {now:?}")))?;
    Ok(Cutoffs {
        stale: stale_cutoff(t),
        dim: dim_cutoff(t),
    })
}

// ---------------------------------------------------------------------------------------
// Cards.

/// One card per worker: its latest run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Card {
    pub sync_type: String,
    pub run_id: String,
    pub started_at: String,
    pub status: RunStatus,
    /// The step the status was read from.
    pub last_step: Option<String>,
    /// The failed step's error, else the run row's.
    pub error: Option<String>,
    /// The run is in progress but nothing was written to it for
    /// `observatory::stale_after()` (30 minutes): `status` is then `Stale`.
    pub stale: bool,
}

/// The cards' statement: the latest run of each sync type (a loose index scan: one index
/// seek per worker, whatever the history's length), through the shared rule.
pub fn cards_query(now: &str) -> Result<Statement, ConsoleError> {
    let now = parse_now(now)?;
    let sql = shown_sql(
        "types(t) AS (
           SELECT min(sync_type) FROM sync_runs
           UNION ALL
           SELECT (SELECT min(r.sync_type) FROM sync_runs r WHERE r.sync_type > types.t)
             FROM types WHERE types.t IS NOT NULL
         ),",
        &format!(
            "SELECT {RUN_SET_COLUMNS} FROM sync_runs
              WHERE run_id IN (SELECT (SELECT r.run_id FROM sync_runs r WHERE r.sync_type = types.t
                                        ORDER BY r.created_at DESC, r.run_id DESC LIMIT 1)
                                 FROM types WHERE types.t IS NOT NULL)"
        ),
        "ORDER BY j.sync_type",
    );
    Ok(Binds::new(now.stale).statement(sql))
}

/// The cards, one per sync type that has ever run, by sync type.
pub async fn cards(ops: &impl Db, now: &str) -> Result<Vec<Card>, ConsoleError> {
    let rows: Vec<ShownRow> = ops.all(cards_query(now)?).await?;
    Ok(rows
        .into_iter()
        .map(|r| Card {
            stale: r.status == RunStatus::Stale,
            sync_type: r.sync_type,
            run_id: r.run_id,
            started_at: r.created_at,
            status: r.status,
            last_step: r.last_step,
            error: r.error,
        })
        .collect())
}

// ---------------------------------------------------------------------------------------
// Runs feed.

/// The runs feed's search, as the form sends it: blank fields are no filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunFilter {
    /// The start of a run id, e.g. `tga-sync-2026-04-13` (matched literally).
    pub run_id_prefix: Option<String>,
    /// The worker: `tga_sync` or `tga-sync`.
    pub sync_type: Option<String>,
    /// running, complete, partial, failed or stale (the shown status).
    pub status: Option<String>,
    /// First day, `YYYY-MM-DD` (UTC), inclusive.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD` (UTC), inclusive.
    pub to: Option<String>,
    pub cursor: Option<String>,
    /// 1 to [`MAX_PER_PAGE`]; `None` is [`DEFAULT_PER_PAGE`].
    pub per_page: Option<u32>,
}

/// A row of the runs feed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunRow {
    pub run_id: String,
    pub sync_type: String,
    pub triggered_by: String,
    /// OBS-ALIGN-01's shown status (the same as the card's).
    pub status: RunStatus,
    pub created_at: String,
    pub completed_at: Option<String>,
    /// From start to completion; `None` while the run has not completed.
    pub duration_secs: Option<i64>,
    /// Started more than `observatory::dim_after()` (7 days) before now.
    pub dimmed: bool,
    /// The step the status was read from.
    pub last_step: Option<String>,
    pub failed_step: Option<String>,
    pub error: Option<String>,
}

impl RunRow {
    fn from_shown(r: ShownRow, dim_cutoff: &str) -> Self {
        RunRow {
            duration_secs: duration_secs(Some(&r.created_at), r.completed_at.as_deref()),
            dimmed: r.created_at.as_str() < dim_cutoff,
            run_id: r.run_id,
            sync_type: r.sync_type,
            triggered_by: r.triggered_by,
            status: r.status,
            created_at: r.created_at,
            completed_at: r.completed_at,
            last_step: r.last_step,
            failed_step: r.failed_step,
            error: r.error,
        }
    }
}

/// The runs feed's statement. The run-id prefix is a range on the primary key
/// (`run_id >= prefix AND run_id < successor`), not LIKE: nothing in it is a wildcard, it
/// uses the index, and it has no pattern for D1's 50-byte LIKE/GLOB limit to refuse.
pub fn runs_query(filter: &RunFilter, now: &str) -> Result<Statement, ConsoleError> {
    let now = parse_now(now)?;
    let per_page = per_page(filter.per_page)?;
    let mut b = Binds::new(now.stale);
    let mut wh = Vec::new();
    if let Some(prefix) = text(&filter.run_id_prefix) {
        if prefix.len() > MAX_PREFIX_LEN || prefix.chars().any(char::is_control) {
            return Err(bad(format!(
                "The run id prefix must be at most {MAX_PREFIX_LEN} characters of plain text."
            )));
        }
        wh.push(format!("run_id >= {}", b.arg(prefix)));
        if let Some(upper) = successor(prefix) {
            wh.push(format!("run_id < {}", b.arg(upper)));
        }
    }
    if let Some(t) = sync_type(&filter.sync_type)? {
        wh.push(format!("sync_type = {}", b.arg(t)));
    }
    let (from, to) = date_range(&filter.from, &filter.to)?;
    if let Some(from) = from {
        wh.push(format!("created_at >= {}", b.arg(from)));
    }
    if let Some(to) = to {
        wh.push(format!("created_at <= {}", b.arg(to)));
    }
    if let Some(c) = text(&filter.cursor) {
        let (at, run_id) = Cursor::Runs.decode(c)?;
        let (at, run_id) = (b.arg(at), b.arg(run_id));
        wh.push(format!(
            "created_at <= {at} AND (created_at < {at} OR run_id < {run_id})"
        ));
    }
    let status = match text(&filter.status) {
        None => String::new(),
        Some(s) => {
            let s = RunStatus::parse(&s.to_ascii_lowercase()).ok_or_else(|| {
                bad("The status must be one of running, complete, partial, failed or stale.")
            })?;
            format!("WHERE j.status = {}", b.arg(s.as_str()))
        }
    };
    let limit = b.arg(i64::from(per_page) + 1);
    let sql = shown_sql(
        "",
        &format!("SELECT {RUN_SET_COLUMNS} FROM sync_runs {}", where_(&wh)),
        &format!("{status} ORDER BY j.created_at DESC, j.run_id DESC LIMIT {limit}"),
    );
    Ok(b.statement(sql))
}

/// The runs feed: newest first, filtered, one page.
pub async fn runs(
    ops: &impl Db,
    filter: &RunFilter,
    now: &str,
) -> Result<Page<RunRow>, ConsoleError> {
    let dim = parse_now(now)?.dim;
    let rows: Vec<ShownRow> = ops.all(runs_query(filter, now)?).await?;
    let rows = rows
        .into_iter()
        .map(|r| RunRow::from_shown(r, &dim))
        .collect();
    Ok(page(rows, per_page(filter.per_page)?, |r: &RunRow| {
        Cursor::Runs.encode(&r.created_at, &r.run_id)
    }))
}

// ---------------------------------------------------------------------------------------
// Run drill-down.

/// A step row of the drill-down.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepRow {
    pub step: String,
    pub category: StepCategory,
    pub status: String,
    pub records_in: Option<i64>,
    pub records_out: Option<i64>,
    pub error: Option<String>,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    /// From the step's (latest) start to its completion.
    pub duration_secs: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct RawStep {
    step: String,
    status: String,
    records_in: Option<i64>,
    records_out: Option<i64>,
    error: Option<String>,
    started_at: Option<String>,
    completed_at: Option<String>,
}

/// A regulatory event (`regulatory_events`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRow {
    pub id: i64,
    pub run_id: Option<String>,
    pub event_type: String,
    pub entity_type: String,
    pub entity_code: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub detail: Option<String>,
    pub created_at: String,
}

/// A SENTINEL volume check (`sentinel_log`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentinelRow {
    pub id: i64,
    pub run_id: Option<String>,
    pub sync_type: String,
    pub metric: String,
    pub baseline: Option<i64>,
    pub observed: Option<i64>,
    pub drop_pct: Option<f64>,
    pub threshold_pct: Option<f64>,
    pub action: Option<String>,
    pub created_at: String,
}

/// One run with everything the drill-down shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunDetail {
    pub run: RunRow,
    /// Every step, in write order.
    pub steps: Vec<StepRow>,
    /// The run's newest [`DETAIL_EVENTS`] events.
    pub events: Vec<EventRow>,
    /// The rest: [`events`] with `run_id` set to this run and this cursor.
    pub events_next_cursor: Option<String>,
    /// The run's volume checks, newest first.
    pub sentinel: Vec<SentinelRow>,
}

/// The drill-down's four reads (run, steps, events, sentinel), one round trip.
pub fn run_detail_queries(run_id: &str, now: &str) -> Result<Vec<Statement>, ConsoleError> {
    let now = parse_now(now)?;
    let mut b = Binds::new(now.stale);
    let sql = shown_sql(
        "",
        &format!(
            "SELECT {RUN_SET_COLUMNS} FROM sync_runs WHERE run_id = {}",
            b.arg(run_id)
        ),
        "",
    );
    let steps = Statement::new(
        "SELECT step, status, records_in, records_out, error, started_at, completed_at
           FROM tga_sync_steps WHERE run_id = ?1 ORDER BY id",
    )
    .bind(run_id);
    let events = events_query(&EventFilter {
        run_id: Some(run_id.to_owned()),
        per_page: Some(DETAIL_EVENTS),
        ..EventFilter::default()
    })?;
    let sentinel = Statement::new(format!(
        "SELECT {SENTINEL_COLUMNS} FROM sentinel_log WHERE run_id = ?1
          ORDER BY created_at DESC, id DESC"
    ))
    .bind(run_id);
    Ok(vec![b.statement(sql), steps, events, sentinel])
}

/// A run's drill-down; `None` when there is no such run.
pub async fn run_detail(
    ops: &impl Db,
    run_id: &str,
    now: &str,
) -> Result<Option<RunDetail>, ConsoleError> {
    let dim = parse_now(now)?.dim;
    let sets = ops.all_batch(run_detail_queries(run_id, now)?).await?;
    let [run, steps, events, sentinel]: [Vec<Json>; 4] = sets
        .try_into()
        .map_err(|_| StoreError::Decode("run detail: expected four result sets".into()))?;
    let Some(run) = decode::<ShownRow>(run)?.pop() else {
        return Ok(None);
    };
    let steps = decode::<RawStep>(steps)?
        .into_iter()
        .map(|s| StepRow {
            category: StepCategory::of(&s.step),
            duration_secs: duration_secs(s.started_at.as_deref(), s.completed_at.as_deref()),
            step: s.step,
            status: s.status,
            records_in: s.records_in,
            records_out: s.records_out,
            error: s.error,
            started_at: s.started_at,
            completed_at: s.completed_at,
        })
        .collect();
    let events = page(decode::<EventRow>(events)?, DETAIL_EVENTS, event_key);
    Ok(Some(RunDetail {
        run: RunRow::from_shown(run, &dim),
        steps,
        events: events.items,
        events_next_cursor: events.next_cursor,
        sentinel: decode(sentinel)?,
    }))
}

fn decode<T: serde::de::DeserializeOwned>(rows: Vec<Json>) -> Result<Vec<T>, StoreError> {
    rows.into_iter()
        .map(|r| serde_json::from_value(r).map_err(|e| StoreError::Decode(e.to_string())))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Regulatory events and the sentinel log.

/// The events feed's filter; blank fields are no filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventFilter {
    /// e.g. `status_change`, `supersession`.
    pub event_type: Option<String>,
    /// An RTO, component or CRICOS code.
    pub entity_code: Option<String>,
    /// One run's events.
    pub run_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub cursor: Option<String>,
    pub per_page: Option<u32>,
}

const EVENT_COLUMNS: &str = "id, run_id, event_type, entity_type, entity_code, old_value, \
     new_value, detail, created_at";

const SENTINEL_COLUMNS: &str = "id, run_id, sync_type, metric, baseline, observed, drop_pct, \
     threshold_pct, action, created_at";

/// The events feed's statement: newest first by (created_at, id).
pub fn events_query(filter: &EventFilter) -> Result<Statement, ConsoleError> {
    let per_page = per_page(filter.per_page)?;
    let mut b = Binds::empty();
    let mut wh = Vec::new();
    if let Some(t) = text(&filter.event_type) {
        if t.len() > 64 || !t.bytes().all(|c| c.is_ascii_lowercase() || c == b'_') {
            return Err(bad(
                "The event type must be a name such as status_change or supersession.",
            ));
        }
        wh.push(format!("event_type = {}", b.arg(t)));
    }
    if let Some(code) = text(&filter.entity_code) {
        wh.push(format!(
            "entity_code = {}",
            b.arg(short(code, "entity code")?)
        ));
    }
    if let Some(run) = text(&filter.run_id) {
        wh.push(format!("run_id = {}", b.arg(short(run, "run id")?)));
    }
    newest_first(&mut b, &mut wh, "created_at", filter, Cursor::Events)?;
    let limit = b.arg(i64::from(per_page) + 1);
    Ok(b.statement(format!(
        "SELECT {EVENT_COLUMNS} FROM regulatory_events {}
          ORDER BY created_at DESC, id DESC LIMIT {limit}",
        where_(&wh)
    )))
}

/// The regulatory events feed, newest first.
pub async fn events(ops: &impl Db, filter: &EventFilter) -> Result<Page<EventRow>, ConsoleError> {
    let rows = ops.all(events_query(filter)?).await?;
    Ok(page(rows, per_page(filter.per_page)?, event_key))
}

fn event_key(e: &EventRow) -> String {
    Cursor::Events.encode(&e.created_at, &e.id.to_string())
}

/// The sentinel log's statement: newest first by (created_at, id).
pub fn sentinel_query(
    cursor: Option<&str>,
    per_page: Option<u32>,
) -> Result<Statement, ConsoleError> {
    let n = self::per_page(per_page)?;
    let mut b = Binds::empty();
    let mut wh = Vec::new();
    let filter = DateCursor {
        from: &None,
        to: &None,
        cursor: &cursor.map(str::to_owned),
    };
    newest_first(&mut b, &mut wh, "created_at", filter, Cursor::Sentinel)?;
    let limit = b.arg(i64::from(n) + 1);
    Ok(b.statement(format!(
        "SELECT {SENTINEL_COLUMNS} FROM sentinel_log {}
          ORDER BY created_at DESC, id DESC LIMIT {limit}",
        where_(&wh)
    )))
}

/// The `sentinel_log`, newest first.
pub async fn sentinel(
    ops: &impl Db,
    cursor: Option<&str>,
    per_page: Option<u32>,
) -> Result<Page<SentinelRow>, ConsoleError> {
    let rows = ops.all(sentinel_query(cursor, per_page)?).await?;
    Ok(page(rows, self::per_page(per_page)?, |r: &SentinelRow| {
        Cursor::Sentinel.encode(&r.created_at, &r.id.to_string())
    }))
}

// ---------------------------------------------------------------------------------------
// Per user / per session logs (the organisations page). The rows are access.rs's own
// (`AnomalyRow`, `AccessRow`); its readers serve the runbook (one session, no paging), so
// the paged, filtered reads live here.

/// Whose log: a user, a session (or SEC-02 client key), both, or neither (everyone).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogFilter {
    pub user_id: Option<String>,
    pub session_id: Option<String>,
    pub cursor: Option<String>,
    pub per_page: Option<u32>,
}

const ANOMALY_COLUMNS: &str = "id, session_id, user_id, org_id, ucca_layer, zone, \
     trigger_reason, detail, action, created_at";

const ACCESS_COLUMNS: &str = "id, endpoint, method, response_status, user_id, session_id, \
     org_id, client_id, surface, latency_ms, timestamp";

fn log_query(
    filter: &LogFilter,
    table: &str,
    columns: &str,
    at: &str,
    cursor: Cursor,
) -> Result<Statement, ConsoleError> {
    let n = per_page(filter.per_page)?;
    let mut b = Binds::empty();
    let mut wh = Vec::new();
    if let Some(u) = text(&filter.user_id) {
        wh.push(format!("user_id = {}", b.arg(short(u, "user id")?)));
    }
    if let Some(s) = text(&filter.session_id) {
        wh.push(format!("session_id = {}", b.arg(short(s, "session id")?)));
    }
    let dc = DateCursor {
        from: &None,
        to: &None,
        cursor: &filter.cursor,
    };
    newest_first(&mut b, &mut wh, at, dc, cursor)?;
    let limit = b.arg(i64::from(n) + 1);
    Ok(b.statement(format!(
        "SELECT {columns} FROM {table} {} ORDER BY {at} DESC, id DESC LIMIT {limit}",
        where_(&wh)
    )))
}

/// The anomaly log's statement.
pub fn anomalies_query(filter: &LogFilter) -> Result<Statement, ConsoleError> {
    log_query(
        filter,
        "anomaly_log",
        ANOMALY_COLUMNS,
        "created_at",
        Cursor::Anomalies,
    )
}

/// SEC-02 anomalies of a user and/or session, newest first.
pub async fn anomalies(
    ops: &impl Db,
    filter: &LogFilter,
) -> Result<Page<AnomalyRow>, ConsoleError> {
    let rows = ops.all(anomalies_query(filter)?).await?;
    Ok(page(rows, per_page(filter.per_page)?, |r: &AnomalyRow| {
        Cursor::Anomalies.encode(&r.created_at, &r.id.to_string())
    }))
}

/// The API access log's statement.
pub fn access_log_query(filter: &LogFilter) -> Result<Statement, ConsoleError> {
    log_query(
        filter,
        "api_access_log",
        ACCESS_COLUMNS,
        "timestamp",
        Cursor::Access,
    )
}

/// API requests of a user and/or session, newest first.
pub async fn access_log(
    ops: &impl Db,
    filter: &LogFilter,
) -> Result<Page<AccessRow>, ConsoleError> {
    let rows = ops.all(access_log_query(filter)?).await?;
    Ok(page(rows, per_page(filter.per_page)?, |r: &AccessRow| {
        Cursor::Access.encode(&r.timestamp, &r.id.to_string())
    }))
}

// ---------------------------------------------------------------------------------------
// Shared pieces: filters, seek conditions, pages, cursors.

/// The date range and cursor of an id-tied-broken, newest-first feed.
struct DateCursor<'a> {
    from: &'a Option<String>,
    to: &'a Option<String>,
    cursor: &'a Option<String>,
}

impl<'a> From<&'a EventFilter> for DateCursor<'a> {
    fn from(f: &'a EventFilter) -> Self {
        DateCursor {
            from: &f.from,
            to: &f.to,
            cursor: &f.cursor,
        }
    }
}

/// Date range and seek conditions on `at` (with `id` breaking ties).
fn newest_first<'a>(
    b: &mut Binds,
    wh: &mut Vec<String>,
    at: &str,
    f: impl Into<DateCursor<'a>>,
    kind: Cursor,
) -> Result<(), ConsoleError> {
    let f = f.into();
    let (from, to) = date_range(f.from, f.to)?;
    if let Some(from) = from {
        wh.push(format!("{at} >= {}", b.arg(from)));
    }
    if let Some(to) = to {
        wh.push(format!("{at} <= {}", b.arg(to)));
    }
    if let Some(c) = text(f.cursor) {
        let (t, id) = kind.decode(c)?;
        let id: i64 = id.parse().map_err(|_| kind.invalid())?;
        let (t, id) = (b.arg(t), b.arg(id));
        wh.push(format!("{at} <= {t} AND ({at} < {t} OR id < {id})"));
    }
    Ok(())
}

fn where_(conditions: &[String]) -> String {
    if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    }
}

/// A field's text, trimmed; blank is absent.
fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// An identifier-like value of reasonable length.
fn short<'a>(v: &'a str, what: &str) -> Result<&'a str, ConsoleError> {
    if v.len() > 200 || v.chars().any(char::is_control) {
        return Err(bad(format!(
            "The {what} must be at most 200 characters of plain text."
        )));
    }
    Ok(v)
}

fn per_page(v: Option<u32>) -> Result<u32, ConsoleError> {
    match v {
        None => Ok(DEFAULT_PER_PAGE),
        Some(n) if (1..=MAX_PER_PAGE).contains(&n) => Ok(n),
        Some(_) => Err(bad(format!(
            "Rows per page must be between 1 and {MAX_PER_PAGE}."
        ))),
    }
}

/// A worker as the search form may name it: `tga_sync` or `tga-sync`.
fn sync_type(v: &Option<String>) -> Result<Option<String>, ConsoleError> {
    let Some(v) = text(v) else { return Ok(None) };
    let t = v.to_ascii_lowercase().replace('-', "_");
    if t.len() > 64
        || !t
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
    {
        return Err(bad(
            "The worker must be a sync name such as tga_sync or cricos-sync.",
        ));
    }
    Ok(Some(t))
}

/// `YYYY-MM-DD` days (UTC, both inclusive) as stored-form bounds.
fn date_range(
    from: &Option<String>,
    to: &Option<String>,
) -> Result<(Option<String>, Option<String>), ConsoleError> {
    let day = |v: &Option<String>, which: &str| -> Result<Option<String>, ConsoleError> {
        let Some(d) = text(v) else { return Ok(None) };
        let shaped = d.len() == 10
            && d.bytes().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            });
        if !shaped || time::parse_iso(&format!("{d}T00:00:00Z")).is_err() {
            return Err(bad(format!(
                "The {which} date must be a calendar date written YYYY-MM-DD, such as 2026-04-13."
            )));
        }
        Ok(Some(d.to_owned()))
    };
    let (from, to) = (day(from, "from")?, day(to, "to")?);
    if let (Some(f), Some(t)) = (&from, &to) {
        if f > t {
            return Err(bad("The from date is after the to date."));
        }
    }
    // Whole-second stored values (and any fraction of the last second) sort at or below
    // T23:59:59Z of their day.
    Ok((
        from.map(|d| format!("{d}T00:00:00Z")),
        to.map(|d| format!("{d}T23:59:59Z")),
    ))
}

/// The smallest string above every string starting with `prefix` (text compares as
/// UTF-8 bytes, which is code point order): the last character that can be incremented,
/// incremented. `None` when every string starting with `prefix` is the top of the order.
fn successor(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(c) = chars.pop() {
        let next = match c as u32 + 1 {
            0xD800 => Some('\u{E000}'),
            n => char::from_u32(n),
        };
        if let Some(n) = next {
            chars.push(n);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// Cut a fetched page of `per_page + 1` rows to `per_page`, with the cursor of its last row
/// when a further row exists.
fn page<T>(mut rows: Vec<T>, per_page: u32, key: impl Fn(&T) -> String) -> Page<T> {
    let more = rows.len() > per_page as usize;
    rows.truncate(per_page as usize);
    let next_cursor = if more { rows.last().map(key) } else { None };
    Page {
        items: rows,
        next_cursor,
    }
}

/// Which feed a cursor belongs to. A cursor is the hex of `c1|<feed>|<time>|<tie>`: opaque
/// to callers, checked field by field on the way back in, and refused by any other feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cursor {
    Runs,
    Events,
    Sentinel,
    Anomalies,
    Access,
}

/// Longest cursor accepted (real ones are under 150 characters).
const MAX_CURSOR_LEN: usize = 600;

impl Cursor {
    fn tag(self) -> &'static str {
        match self {
            Cursor::Runs => "r",
            Cursor::Events => "e",
            Cursor::Sentinel => "s",
            Cursor::Anomalies => "a",
            Cursor::Access => "l",
        }
    }

    fn encode(self, at: &str, tie: &str) -> String {
        format!("c1|{}|{at}|{tie}", self.tag())
            .bytes()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn invalid(self) -> ConsoleError {
        bad(
            "The page link is not valid: use the next page link exactly as given, \
             or start again from the first page.",
        )
    }

    /// The (time, tie-breaker) a cursor of this feed carries.
    fn decode(self, input: &str) -> Result<(String, String), ConsoleError> {
        let b = input.as_bytes();
        if b.is_empty() || b.len() > MAX_CURSOR_LEN || !b.len().is_multiple_of(2) {
            return Err(self.invalid());
        }
        let bytes: Option<Vec<u8>> = b
            .chunks(2)
            .map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok())
            .collect();
        let text = bytes
            .and_then(|v| String::from_utf8(v).ok())
            .ok_or_else(|| self.invalid())?;
        let mut parts = text.splitn(4, '|');
        let (Some("c1"), Some(tag), Some(at), Some(tie)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(self.invalid());
        };
        if tag != self.tag() || !time::is_stored_form(at) || at.len() > 40 || tie.is_empty() {
            return Err(self.invalid());
        }
        Ok((at.to_owned(), tie.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn successor_bounds_exactly_the_strings_with_the_prefix() {
        assert_eq!(successor("tga-sync-2026").as_deref(), Some("tga-sync-2027"));
        assert_eq!(successor("a%_").as_deref(), Some("a%`"));
        assert_eq!(successor("z\u{10FFFF}").as_deref(), Some("{"));
        assert_eq!(successor("\u{D7FF}").as_deref(), Some("\u{E000}"));
        assert_eq!(successor("\u{10FFFF}"), None);
    }

    #[test]
    fn cursors_round_trip_and_refuse_anything_else() {
        let c = Cursor::Runs.encode("2026-11-24T10:00:00Z", "tga-sync-2026-11-24T10:00:00Z|x");
        assert_eq!(
            Cursor::Runs.decode(&c).unwrap(),
            (
                "2026-11-24T10:00:00Z".to_owned(),
                "tga-sync-2026-11-24T10:00:00Z|x".to_owned()
            )
        );
        assert!(Cursor::Events.decode(&c).is_err(), "another feed's cursor");
        for junk in [
            "",
            "zz",
            "abc",
            &c[..c.len() - 1],
            &c[..20],
            &"00".repeat(400),
        ] {
            let e = Cursor::Runs.decode(junk).unwrap_err();
            assert!(
                e.to_string().starts_with("The page link is not valid"),
                "{junk}"
            );
        }
        let not_time = Cursor::Runs.encode("yesterday", "x");
        assert!(Cursor::Runs.decode(&not_time).is_err());
    }

    #[test]
    fn filters_are_checked_in_plain_words() {
        let now = "2026-11-24T10:00:00Z";
        let with = |f: RunFilter| runs_query(&f, now).unwrap_err().to_string();
        assert!(with(RunFilter {
            status: Some("done".into()),
            ..RunFilter::default()
        })
        .starts_with("The status must be one of"));
        assert!(with(RunFilter {
            from: Some("2026-02-30".into()),
            ..RunFilter::default()
        })
        .contains("YYYY-MM-DD"));
        assert_eq!(
            with(RunFilter {
                from: Some("2026-11-25".into()),
                to: Some("2026-11-24".into()),
                ..RunFilter::default()
            }),
            "The from date is after the to date."
        );
        assert!(with(RunFilter {
            per_page: Some(101),
            ..RunFilter::default()
        })
        .contains("between 1 and 100"));
        assert!(with(RunFilter {
            sync_type: Some("tga sync; drop".into()),
            ..RunFilter::default()
        })
        .starts_with("The worker must be"));
        assert!(runs_query(&RunFilter::default(), "2026-11-24 10:00:00").is_err());
        // Blank form fields are no filter.
        let blank = RunFilter {
            run_id_prefix: Some("  ".into()),
            status: Some(String::new()),
            ..RunFilter::default()
        };
        assert_eq!(
            runs_query(&blank, now).unwrap(),
            runs_query(&RunFilter::default(), now).unwrap()
        );
    }
}
