//! The delta walks (`sync_training`, `sync_orgs`) and their SENTINEL-02 baselines.
//!
//! A walk reads `SearchByModifiedDate` over a fixed window — from where the last complete
//! walk ended to the moment this one began — page by page. Each page's codes are fetched
//! with `GetDetails` and parsed before anything is written; then the page's events and its
//! corpus rows are written (events first: they are idempotent per run, so a page re-run
//! after a crash finds them and writes no duplicates; the rows are one `batch()`).
//! The window's end is fixed, so records edited mid-walk fall into the next window rather
//! than shifting the pages.
//!
//! Tombstones (`SearchDeletedByDeletedDate`) come last, in two passes: count how many live
//! records they would delete, and only if that stays within SENTINEL-02's threshold (and
//! the volume check found upstream whole) apply them. A blocked window is kept, so the
//! deletions are looked at again next cycle.

use chrono::{DateTime, Utc};
use rtopacks_domain::events::EventType;
use rtopacks_domain::sentinel;
use rtopacks_domain::tga::{ComponentDetails, DeletedRecord, OrganisationDetails, SearchPage};
use rtopacks_domain::time::iso;
use rtopacks_edge::archive::Archive;
use rtopacks_edge::chain::{PhaseMessage, PhaseOutcome};
use rtopacks_edge::outbound::HttpClient;
use rtopacks_store::observatory::steps_for_run;
use rtopacks_store::sync::{insert_sentinel, resource_state, save_resource_state};
use rtopacks_store::tga::{self as store, ChangeSet, CorpusTable, LiveCounts};
use rtopacks_store::{Db, Statement};
use rtopacks_upstream::tga_soap::{self as tga, ComponentTypeFilter, SoapRequest};
use serde::{Deserialize, Serialize};

use super::{component_info, organisation_info, CallError, Failure, Fetched, PhaseResult, Tga};
use super::{FIRST_SYNC_FROM, KIND, SOURCE};

/// Tombstones per `SearchDeletedByDeletedDate` page, and pages per invocation.
const DELETED_PAGE_SIZE: u32 = 500;
const DELETED_PAGES_PER_INVOCATION: u32 = 10;

/// What a walk reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Walked {
    Components,
    Organisations,
}

impl Walked {
    fn table(self) -> CorpusTable {
        match self {
            Walked::Components => CorpusTable::Components,
            Walked::Organisations => CorpusTable::Organisations,
        }
    }
    pub(crate) fn metric(self) -> &'static str {
        self.table().name()
    }
    pub(crate) fn volume_phase(self) -> &'static str {
        match self {
            Walked::Components => "volume_check_training",
            Walked::Organisations => "volume_check_orgs",
        }
    }
    fn phase(self) -> &'static str {
        match self {
            Walked::Components => "sync_training",
            Walked::Organisations => "sync_orgs",
        }
    }
    /// `upstream_resources` ids of the modified and the deleted windows.
    fn resources(self) -> (&'static str, &'static str) {
        match self {
            Walked::Components => ("components", "components-deleted"),
            Walked::Organisations => ("organisations", "organisations-deleted"),
        }
    }
    pub(crate) fn live(self, c: &LiveCounts) -> i64 {
        match self {
            Walked::Components => c.all_components(),
            Walked::Organisations => c.organisations,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Stage {
    #[default]
    Modified,
    CountDeletions,
    ApplyDeletions,
}

/// A walk's continuation between invocations (kept in the D1 phase pointer).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct WalkState {
    stage: Stage,
    start: String,
    end: String,
    deleted_start: String,
    /// Results consumed so far in the modified window.
    offset: u64,
    page_size: u32,
    /// Upstream's `Count` for the window.
    count: u64,
    /// Next `SearchDeletedByDeletedDate` page (1-based).
    deleted_page: u32,
    read: i64,
    written: i64,
    skipped: i64,
    live_deletions: i64,
    tombstoned: i64,
    blocked: bool,
    /// The table was empty when the walk began: the first fill reports no `new_component`
    /// events (thousands of them would bury the cycle email).
    first_fill: bool,
}

/// A searched page whose details are fetched and parsed, not yet written.
struct Page {
    /// Upstream's `Count` for the window.
    count: u64,
    /// Results the search returned (non-empty codes).
    returned: u64,
    /// Position of the page's first result in the window.
    offset: u64,
    codes: Vec<String>,
    details: Details,
    search_raw: String,
}

enum Details {
    Components(Fetched<ComponentDetails>),
    Organisations(Fetched<OrganisationDetails>),
}

/// What writing a page did.
struct Stored {
    read: usize,
    written: usize,
    skipped: usize,
    returned: u64,
}

/// A half of the page size that still divides `offset`, so page numbers keep pointing at
/// the same results after a quota fault.
fn halve(page_size: u32, offset: u64) -> u32 {
    let mut n = page_size / 2;
    while n > 1 && !offset.is_multiple_of(u64::from(n)) {
        n -= 1;
    }
    n
}

impl<H: HttpClient, C: Db, O: Db, A: Archive> Tga<'_, H, C, O, A> {
    fn search_request(
        &self,
        w: Walked,
        window: &tga::PageWindow,
        now: DateTime<Utc>,
    ) -> SoapRequest {
        match w {
            Walked::Components => self.soap.search_components_by_modified_date(
                window,
                &ComponentTypeFilter::all(),
                now,
            ),
            Walked::Organisations => self.soap.search_organisations_by_modified_date(window, now),
        }
    }

    /// One search page: its codes and upstream's total.
    async fn search(
        &self,
        w: Walked,
        window: &tga::PageWindow,
        now: DateTime<Utc>,
    ) -> Result<(SearchPage<String>, String), CallError> {
        let req = self.search_request(w, window, now);
        fn codes<T>(p: SearchPage<T>, code: fn(&T) -> &str) -> SearchPage<String> {
            SearchPage {
                count: p.count,
                page_number: p.page_number,
                page_size: p.page_size,
                results: p
                    .results
                    .iter()
                    .map(|r| code(r).trim().to_owned())
                    .collect(),
            }
        }
        Ok(match w {
            Walked::Components => {
                let a = self.call(&req, tga::parse_component_search).await?;
                (codes(a.value, |r| r.code.as_str()), a.raw)
            }
            Walked::Organisations => {
                let a = self.call(&req, tga::parse_organisation_search).await?;
                (codes(a.value, |r| r.code.as_str()), a.raw)
            }
        })
    }

    /// `volume_check_*`: the live total here (`records_in`) and upstream's total for the
    /// whole range (`records_out`). Upstream far short of the baseline: a `sentinel_log`
    /// row, and this cycle deletes nothing.
    pub(crate) async fn volume_check(
        &self,
        msg: &PhaseMessage,
        w: Walked,
        now: DateTime<Utc>,
    ) -> PhaseResult {
        let at = iso(now);
        let baseline = w.live(&store::live_counts(self.corpus).await?);
        let window = self.window(1, 1, FIRST_SYNC_FROM, &at);
        let (page, _) = self.search(w, &window, now).await?;
        let upstream = i64::from(page.count);
        if let Some(drop) = sentinel::check(
            w.metric(),
            baseline,
            upstream,
            self.settings.drop_threshold_pct,
        ) {
            self.ops
                .run(insert_sentinel(
                    &msg.run_id,
                    KIND,
                    &drop,
                    "no_deletions",
                    &at,
                ))
                .await?;
        }
        Ok(PhaseOutcome::Done {
            records_in: baseline,
            records_out: upstream,
        })
    }

    /// `sync_training` / `sync_orgs`: one invocation of the walk.
    pub(crate) async fn walk(
        &self,
        msg: &PhaseMessage,
        w: Walked,
        state: serde_json::Value,
        now: DateTime<Utc>,
    ) -> PhaseResult {
        let at = iso(now);
        let mut s: WalkState = serde_json::from_value(state).unwrap_or_default();
        if s.start.is_empty() {
            let (modified, deleted) = w.resources();
            let from = |r: Option<rtopacks_store::sync::ResourceState>| {
                r.and_then(|r| r.last_modified)
                    .unwrap_or_else(|| FIRST_SYNC_FROM.to_owned())
            };
            s = WalkState {
                start: from(resource_state(self.ops, SOURCE, modified).await?),
                deleted_start: from(resource_state(self.ops, SOURCE, deleted).await?),
                end: at.clone(),
                page_size: self
                    .settings
                    .page_size
                    .clamp(1, self.settings.details_per_invocation.max(1)),
                deleted_page: 1,
                first_fill: w.live(&store::live_counts(self.corpus).await?) == 0,
                ..WalkState::default()
            };
        }
        match s.stage {
            Stage::Modified => self.modified(msg, w, s, now).await,
            Stage::CountDeletions => self.count_deletions(msg, w, s, now).await,
            Stage::ApplyDeletions => self.apply_deletions(msg, w, s, &at).await,
        }
    }

    fn more(s: &WalkState) -> PhaseOutcome {
        PhaseOutcome::More {
            state: serde_json::to_value(s).unwrap_or_default(),
            records_in: s.read,
            records_out: s.written + s.tombstoned,
        }
    }

    /// One invocation of the modified walk. Pages are pipelined: while page N is written
    /// (D1) and archived (R2), page N+1 is searched and its details fetched, so upstream
    /// latency and write latency overlap. Each page is still parsed whole before any of it
    /// is written, and one `batch()`; the continuation only ever counts written pages.
    async fn modified(
        &self,
        msg: &PhaseMessage,
        w: Walked,
        mut s: WalkState,
        now: DateTime<Utc>,
    ) -> PhaseResult {
        let at = iso(now);
        let mut budget = self.settings.details_per_invocation.max(1);
        // Results fetched but not yet written (the pending page), beyond `s.offset`.
        let mut pending: Option<Page> = None;
        let mut walked_out = false;
        loop {
            let next = (!walked_out && budget >= s.page_size).then(|| {
                let fetched_to = s.offset + pending.as_ref().map_or(0, |p| p.returned);
                (fetched_to / u64::from(s.page_size)) as u32 + 1
            });
            if pending.is_none() && next.is_none() {
                break;
            }
            let write = async {
                match pending.take() {
                    Some(p) => self
                        .store_page(msg, w, p, s.first_fill, now)
                        .await
                        .map(Some),
                    None => Ok(None),
                }
            };
            let fetch = async {
                match next {
                    Some(n) => Some(self.fetch_page(w, n, &s, now).await),
                    None => None,
                }
            };
            let (written, fetched) = futures::future::join(write, fetch).await;
            if let Some(done) = written? {
                s.read += done.read as i64;
                s.written += done.written as i64;
                s.skipped += done.skipped as i64;
                s.offset += done.returned;
                if done.returned < u64::from(s.page_size) || s.offset >= s.count {
                    walked_out = true;
                }
            }
            match fetched {
                None => {}
                Some(Err(CallError::Quota(m))) => {
                    let smaller = halve(s.page_size, s.offset);
                    if smaller == 0 || smaller == s.page_size {
                        return Err(Failure::Upstream(format!(
                            "message size quota at PageSize {}: {m}",
                            s.page_size
                        )));
                    }
                    let line = format!(
                        "{}: message size quota at PageSize {}, retrying with {smaller}",
                        w.phase(),
                        s.page_size
                    );
                    crate::log(self.ops, &msg.run_id, "tga-sync", "warn", &line, &at).await?;
                    s.page_size = smaller;
                }
                Some(Err(e)) => return Err(e.into()),
                Some(Ok(page)) => {
                    if s.offset == 0 && pending.is_none() {
                        s.count = page.count;
                    }
                    budget = budget.saturating_sub(page.returned.max(1) as u32);
                    let fetched_to = s.offset + page.returned;
                    if page.returned < u64::from(s.page_size) || fetched_to >= page.count {
                        walked_out = true;
                    }
                    pending = Some(page);
                }
            }
        }
        if walked_out {
            s.stage = Stage::CountDeletions;
        }
        Ok(Self::more(&s))
    }

    /// Search page `number` of the window and fetch its codes' details: nothing written.
    async fn fetch_page(
        &self,
        w: Walked,
        number: u32,
        s: &WalkState,
        now: DateTime<Utc>,
    ) -> Result<Page, CallError> {
        let window = self.window(number, s.page_size, &s.start, &s.end);
        let (page, search_raw) = self.search(w, &window, now).await?;
        let codes: Vec<String> = page.results.into_iter().filter(|c| !c.is_empty()).collect();
        let details = match w {
            Walked::Components => {
                let info = component_info();
                Details::Components(
                    self.details(
                        &codes,
                        |c| self.soap.component_details(c, &info, now),
                        tga::parse_component_details,
                    )
                    .await?,
                )
            }
            Walked::Organisations => {
                let info = organisation_info();
                Details::Organisations(
                    self.details(
                        &codes,
                        |c| self.soap.organisation_details(c, &info, now),
                        tga::parse_organisation_details,
                    )
                    .await?,
                )
            }
        };
        Ok(Page {
            count: u64::from(page.count),
            returned: codes.len() as u64,
            offset: u64::from(number - 1) * u64::from(s.page_size),
            codes,
            details,
            search_raw,
        })
    }

    /// Write a fetched page (events, then rows as one `batch()`) and archive it.
    async fn store_page(
        &self,
        msg: &PhaseMessage,
        w: Walked,
        page: Page,
        first_fill: bool,
        now: DateTime<Utc>,
    ) -> Result<Stored, Failure> {
        if page.codes.is_empty() {
            return Ok(Stored {
                read: 0,
                written: 0,
                skipped: 0,
                returned: 0,
            });
        }
        let at = iso(now);
        let (cs, raw, skipped): (ChangeSet, _, _) = match page.details {
            Details::Components(f) => (
                store::components::apply(self.corpus, &f.details, &msg.run_id, &at).await?,
                f.raw,
                f.skipped,
            ),
            Details::Organisations(f) => (
                store::organisations::apply(self.corpus, &f.details, &msg.run_id, &at).await?,
                f.raw,
                f.skipped,
            ),
        };
        let mut events = cs.events;
        if first_fill {
            events.retain(|e| e.event_type != EventType::NewComponent);
        }
        self.write(&msg.run_id, &events, cs.corpus, &at).await?;
        let first = page.codes.first().map(String::as_str).unwrap_or("");
        let bundle = super::bundle(&raw);
        let phase = w.phase();
        futures::future::join(
            self.keep(
                &msg.run_id,
                &format!("{phase}/details-{first}.json"),
                bundle,
                "application/json",
            ),
            self.keep(
                &msg.run_id,
                &format!("{phase}/{:07}-search.xml", page.offset),
                page.search_raw,
                "text/xml",
            ),
        )
        .await;
        if !skipped.is_empty() {
            let list: Vec<String> = skipped
                .iter()
                .take(20)
                .map(|(c, why)| format!("{c} ({why})"))
                .collect();
            let line = format!(
                "{phase}: {} code(s) skipped: {}",
                skipped.len(),
                list.join("; ")
            );
            crate::log(self.ops, &msg.run_id, "tga-sync", "warn", &line, &at).await?;
        }
        Ok(Stored {
            read: page.codes.len(),
            written: cs.written,
            skipped: skipped.len(),
            returned: page.returned,
        })
    }

    /// A page's events (idempotent per run), then its rows as one transaction.
    pub(crate) async fn write(
        &self,
        run_id: &str,
        events: &[rtopacks_domain::events::RegulatoryEvent],
        corpus: Vec<Statement>,
        at: &str,
    ) -> Result<(), Failure> {
        if !events.is_empty() {
            self.ops
                .batch(crate::event_statements(run_id, events, at))
                .await?;
        }
        if !corpus.is_empty() {
            self.corpus.batch(corpus).await?;
        }
        Ok(())
    }

    async fn deleted_page(
        &self,
        w: Walked,
        s: &WalkState,
        now: DateTime<Utc>,
    ) -> Result<Vec<DeletedRecord>, CallError> {
        let window = self.window(s.deleted_page, DELETED_PAGE_SIZE, &s.deleted_start, &s.end);
        Ok(match w {
            Walked::Components => {
                let req = self.soap.search_components_deleted(&window, now);
                self.call(&req, tga::parse_component_deleted).await?.value
            }
            Walked::Organisations => {
                let req = self.soap.search_organisations_deleted(&window, now);
                self.call(&req, tga::parse_organisation_deleted)
                    .await?
                    .value
            }
        })
    }

    /// First pass over the tombstones: how many live records they would delete.
    async fn count_deletions(
        &self,
        msg: &PhaseMessage,
        w: Walked,
        mut s: WalkState,
        now: DateTime<Utc>,
    ) -> PhaseResult {
        let at = iso(now);
        for _ in 0..DELETED_PAGES_PER_INVOCATION {
            let page = self.deleted_page(w, &s, now).await?;
            let codes: Vec<&str> = page.iter().map(|d| d.code.as_str()).collect();
            if !codes.is_empty() {
                s.live_deletions += store::live_among(self.corpus, w.table(), &codes).await?;
            }
            if page.len() < DELETED_PAGE_SIZE as usize {
                s.blocked = self
                    .deletions_blocked(msg, w, s.live_deletions, &at)
                    .await?;
                if s.blocked || s.live_deletions == 0 {
                    return self.finish(msg, w, &s, &at).await;
                }
                s.stage = Stage::ApplyDeletions;
                s.deleted_page = 1;
                return Ok(Self::more(&s));
            }
            s.deleted_page += 1;
        }
        Ok(Self::more(&s))
    }

    /// SENTINEL-02 before any tombstone: the volume check must have found upstream whole,
    /// and the deletions must not take the live total down by more than the threshold.
    async fn deletions_blocked(
        &self,
        msg: &PhaseMessage,
        w: Walked,
        deletions: i64,
        at: &str,
    ) -> Result<bool, Failure> {
        let steps = steps_for_run(self.ops, &msg.run_id).await?;
        let volume = steps.iter().find(|r| r.step == w.volume_phase());
        let Some(v) = volume.filter(|v| v.status == "complete") else {
            let line = format!(
                "{}: {} did not complete; tombstones held back",
                w.phase(),
                w.volume_phase()
            );
            crate::log(self.ops, &msg.run_id, "tga-sync", "warn", &line, at).await?;
            return Ok(true);
        };
        #[derive(Deserialize)]
        struct N {
            n: i64,
        }
        let fired: Option<N> = self
            .ops
            .first(
                Statement::new(
                    "SELECT count(*) AS n FROM sentinel_log WHERE run_id = ?1 AND metric = ?2",
                )
                .bind(msg.run_id.as_str())
                .bind(w.metric()),
            )
            .await?;
        if fired.is_some_and(|f| f.n > 0) {
            return Ok(true);
        }
        let baseline = v.records_in.unwrap_or(0);
        if let Some(drop) = sentinel::check(
            w.metric(),
            baseline,
            baseline - deletions,
            self.settings.drop_threshold_pct,
        ) {
            self.ops
                .run(insert_sentinel(
                    &msg.run_id,
                    KIND,
                    &drop,
                    "no_deletions",
                    at,
                ))
                .await?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Second pass: tombstone, page by page (events, then rows).
    async fn apply_deletions(
        &self,
        msg: &PhaseMessage,
        w: Walked,
        mut s: WalkState,
        at: &str,
    ) -> PhaseResult {
        let now = rtopacks_domain::time::parse_iso(at).unwrap_or_default();
        for _ in 0..DELETED_PAGES_PER_INVOCATION {
            let page = self.deleted_page(w, &s, now).await?;
            let cs = match w {
                Walked::Components => store::components::tombstone(self.corpus, &page, at).await?,
                Walked::Organisations => {
                    store::organisations::tombstone(self.corpus, &page, at).await?
                }
            };
            s.tombstoned += cs.written as i64;
            self.write(&msg.run_id, &cs.events, cs.corpus, at).await?;
            if page.len() < DELETED_PAGE_SIZE as usize {
                return self.finish(msg, w, &s, at).await;
            }
            s.deleted_page += 1;
        }
        Ok(Self::more(&s))
    }

    /// The walk is complete: move the windows on (the deleted one only if it was applied).
    async fn finish(&self, msg: &PhaseMessage, w: Walked, s: &WalkState, at: &str) -> PhaseResult {
        let (modified, deleted) = w.resources();
        let mut stmts = vec![save_resource_state(
            SOURCE,
            modified,
            Some(&s.end),
            s.count as i64,
            at,
        )];
        if !s.blocked {
            stmts.push(save_resource_state(
                SOURCE,
                deleted,
                Some(&s.end),
                s.tombstoned,
                at,
            ));
        }
        self.ops.batch(stmts).await?;
        let held = if s.blocked {
            format!(
                ", {} tombstone(s) held back by SENTINEL-02",
                s.live_deletions
            )
        } else {
            String::new()
        };
        let line = format!(
            "{}: window {} → {}: {} read, {} written, {} skipped, {} tombstoned{held}",
            w.phase(),
            s.start,
            s.end,
            s.read,
            s.written,
            s.skipped,
            s.tombstoned
        );
        crate::log(self.ops, &msg.run_id, "tga-sync", "info", &line, at).await?;
        Ok(PhaseOutcome::Done {
            records_in: s.read,
            records_out: s.written + s.tombstoned,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halving_keeps_page_numbers_aligned() {
        assert_eq!(halve(100, 0), 50);
        assert_eq!(halve(100, 300), 50);
        assert_eq!(halve(50, 300), 25);
        assert_eq!(halve(25, 300), 12);
        assert_eq!(halve(100, 150), 50);
        assert_eq!(halve(64, 192), 32);
        assert_eq!(halve(1, 7), 0);
        // 12 does not divide 250: the next smaller size that does.
        assert_eq!(halve(25, 250), 10);
    }
}
