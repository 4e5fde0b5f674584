//! tga-ingest: enrich ONE RTO from the training.gov.au REST API into the enriched layer
//! of `rtopacks-db` (`rtos`, `rto_*`), recording the enrichment in `tga_ingest_runs`.
//!
//! First invocation: `GET /organisation/{code}?include=all` and `/contacts`, both parsed
//! before anything is written, then the `rtos` row and every child set in one batch.
//! Then scope, streamed: each `/scope?offset=&pageSize=` page is parsed and written
//! before the next is fetched (the largest RTOs list tens of thousands of rows; only one
//! page is ever held), at most `pages_per_invocation` pages per invocation, after which
//! a [`Resume`] is handed back for the caller to re-enqueue. The last page's batch also
//! removes scope rows not refreshed since the enrichment began and sets `enriched = 1`.
//! A page that does not parse writes nothing of itself.

use chrono::{DateTime, Utc};
use rtopacks_domain::sentinel;
use rtopacks_domain::tga::{Location, ScopeEntry};
use rtopacks_domain::time::{iso, parse_iso};
use rtopacks_edge::outbound::{
    fetch_with_retry, FetchError, HttpClient, OutboundRequest, RetryPolicy,
};
use rtopacks_store::rtos::{
    self as store, AddressType, EnrichCounts, IngestRun, IngestSource, IngestStatus, RtoAddress,
    RtoEnrichment,
};
use rtopacks_store::{Db, Statement, StoreError};
use rtopacks_upstream::tga_rest::{self as rest, RestOrganisation};
use rtopacks_upstream::UpstreamError;
use serde::{Deserialize, Serialize};

/// Tunables (wrangler vars in the worker).
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Scope rows per page (the API serves up to 1,000).
    pub page_size: u32,
    /// Scope pages per invocation: bounds memory, time and queries (about one statement
    /// per 500 rows, so 20 pages of 1,000 is ~45 queries with the detail).
    pub pages_per_invocation: u32,
    pub retry: RetryPolicy,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            page_size: 1000,
            pages_per_invocation: 20,
            retry: RetryPolicy::default(),
        }
    }
}

/// Where an enrichment stands between invocations (serialise it into the queue message).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resume {
    pub rto_code: String,
    pub run_id: String,
    /// When the enrichment began: scope rows older than this at the end are gone upstream.
    pub started_at: String,
    /// The next scope offset to fetch.
    pub offset: u64,
    pub counts: EnrichCounts,
    /// Upstream records read so far (detail rows and scope entries).
    pub records_in: u64,
    /// Who is enriching (older messages without it came from tga-ingest).
    #[serde(default)]
    pub source: IngestSource,
    /// Scope rows held when the enrichment began (the scope guard's baseline).
    #[serde(default)]
    pub held_scope: u64,
}

/// How one invocation ended. Database failures are `Err` instead.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Detail and every scope page are in; `enriched = 1`.
    Enriched { counts: EnrichCounts },
    /// More scope pages: call [`Ingest::resume`] with this in a new invocation.
    Continue { resume: Resume },
    /// HTTP 404 for the organisation: recorded in `tga_ingest_runs`; do not retry.
    NotFound,
    /// Upstream or payload failure. `retryable`: a later attempt may succeed (5xx, 429,
    /// transport, truncated body). `resume`: where to pick up (scope failures), `None`
    /// when the detail itself failed and the enrichment must start over.
    Failed {
        error: String,
        retryable: bool,
        resume: Option<Resume>,
    },
}

pub struct Ingest<'a, H: HttpClient, D: Db> {
    pub http: &'a H,
    /// `rtopacks-db`.
    pub db: &'a D,
    /// REST API base, [`rest::BASE`] in production.
    pub base: &'a str,
    pub settings: Settings,
    pub source: IngestSource,
}

struct Failure {
    error: String,
    retryable: bool,
    not_found: bool,
}

impl From<FetchError> for Failure {
    fn from(e: FetchError) -> Self {
        let (retryable, not_found) = match &e {
            FetchError::Status { status, .. } => (*status == 429 || *status >= 500, *status == 404),
            FetchError::Transport { .. } => (true, false),
        };
        Failure {
            error: e.to_string(),
            retryable,
            not_found,
        }
    }
}

fn payload(what: &str, e: UpstreamError) -> Failure {
    Failure {
        retryable: matches!(e, UpstreamError::Truncated(_)),
        error: format!("{what}: {e}"),
        not_found: false,
    }
}

/// Fields of `/organisation/{code}?include=all` the shared REST parser does not read.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Extra {
    updated_date: Option<serde_json::Value>,
    cricos_provider_codes: Option<Vec<serde_json::Value>>,
}

/// The store's view of one organisation answer.
fn enrichment(
    code: &str,
    org: &RestOrganisation,
    contacts: Vec<rest::RestContact>,
    extra: Extra,
) -> RtoEnrichment {
    let mut details = org.to_details();
    details.contacts = contacts.iter().map(rest::RestContact::to_contact).collect();
    let addresses = org
        .addresses
        .iter()
        .filter_map(|a| {
            Some(RtoAddress {
                address_type: AddressType::parse(a.address_type.as_deref()?)?,
                location: Location {
                    address: Some(a.address.as_ref()?.to_address()),
                    start_date: a.start_date,
                    end_date: a.end_date,
                },
            })
        })
        .collect();
    RtoEnrichment {
        rto_code: code.to_owned(),
        status: org.status.clone(),
        upstream_updated_at: extra
            .updated_date
            .as_ref()
            .and_then(|v| v.as_str())
            .and_then(|s| parse_iso(s).ok())
            .map(iso),
        cricos_provider_code: extra
            .cricos_provider_codes
            .unwrap_or_default()
            .iter()
            .find_map(|v| match v {
                serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
                serde_json::Value::Object(m) => m
                    .get("cricosProviderCode")
                    .and_then(|c| c.as_str())
                    .map(str::to_owned),
                _ => None,
            }),
        details,
        addresses,
    }
}

impl<'a, H: HttpClient, D: Db> Ingest<'a, H, D> {
    /// Production defaults: the public REST base and [`Settings::default`].
    pub fn new(http: &'a H, db: &'a D) -> Self {
        Ingest {
            http,
            db,
            base: rest::BASE,
            settings: Settings::default(),
            source: IngestSource::TgaIngest,
        }
    }

    /// Start enriching `rto_code`.
    pub async fn enrich(&self, rto_code: &str, now: DateTime<Utc>) -> Result<Outcome, StoreError> {
        self.enrich_as(rto_code, self.source, now).await
    }

    /// Start enriching `rto_code` on behalf of `source` (recorded as `enriched_by` and in
    /// the source's runs table).
    pub async fn enrich_as(
        &self,
        rto_code: &str,
        source: IngestSource,
        now: DateTime<Utc>,
    ) -> Result<Outcome, StoreError> {
        let at = iso(now);
        let mut st = Resume {
            rto_code: rto_code.to_owned(),
            run_id: format!("{}:{rto_code}:{at}", source.by()),
            started_at: at.clone(),
            offset: 0,
            counts: EnrichCounts::default(),
            records_in: 0,
            source,
            held_scope: store::scope_count(self.db, rto_code).await?,
        };
        match self.detail(&st, &at).await {
            Ok(Ok((counts, stmts))) => {
                self.db.batch(stmts).await?;
                st.counts = counts;
                st.records_in = counts.detail_rows();
            }
            Ok(Err(f)) => return self.failed(&st, f, None, &at).await,
            Err(e) => return Err(e),
        }
        self.scope(st, &at).await
    }

    /// Carry on from a [`Outcome::Continue`] (or a failed scope page).
    pub async fn resume(&self, resume: Resume, now: DateTime<Utc>) -> Result<Outcome, StoreError> {
        self.scope(resume, &iso(now)).await
    }

    async fn get(&self, path: String) -> Result<Vec<u8>, FetchError> {
        let url = format!("{}{path}", self.base.trim_end_matches('/'));
        let res = fetch_with_retry(
            self.http,
            &OutboundRequest::get(url).header("Accept", "application/json"),
            self.settings.retry,
        )
        .await?;
        Ok(res.body.into_bytes())
    }

    /// Fetch and parse the organisation and its contacts; the statements writing them.
    #[allow(clippy::type_complexity)]
    async fn detail(
        &self,
        st: &Resume,
        at: &str,
    ) -> Result<Result<(EnrichCounts, Vec<Statement>), Failure>, StoreError> {
        let code = st.rto_code.as_str();
        let org_bytes = match self.get(rest::organisation_path(code)).await {
            Ok(b) => b,
            Err(e) => return Ok(Err(e.into())),
        };
        let org = match rest::parse_organisation(&org_bytes) {
            Ok(o) => o,
            Err(e) => return Ok(Err(payload("organisation", e))),
        };
        let extra: Extra = serde_json::from_slice(&org_bytes).unwrap_or_default();
        drop(org_bytes);
        let contacts = match self.get(rest::organisation_contacts_path(code)).await {
            Ok(b) => match rest::parse_contacts(&b) {
                Ok(c) => c,
                Err(e) => return Ok(Err(payload("contacts", e))),
            },
            Err(e) => {
                // The organisation exists: a 404 here is a failure, not "not found".
                let mut f = Failure::from(e);
                f.not_found = false;
                return Ok(Err(f));
            }
        };
        let e = enrichment(code, &org, contacts, extra);
        let (mut stmts, counts) = store::enrichment_statements(&e, at)?;
        let mut running = st.clone();
        running.counts = counts;
        running.records_in = counts.detail_rows();
        stmts.push(run_row(
            &running,
            IngestStatus::Running,
            None,
            None,
            "running",
        ));
        Ok(Ok((counts, stmts)))
    }

    /// Scope pages from `st.offset`, each written before the next is fetched.
    async fn scope(&self, mut st: Resume, at: &str) -> Result<Outcome, StoreError> {
        let code = st.rto_code.clone();
        let size = self.settings.page_size.max(1);
        let pages = self.settings.pages_per_invocation.max(1);
        for n in 1..=pages {
            let path = rest::organisation_scope_path(&code, st.offset, size);
            let page = match self.get(path).await {
                Ok(bytes) => match rest::parse_scope_page(&bytes) {
                    Ok(p) => p,
                    Err(e) => {
                        let f = payload(&format!("scope page at offset {}", st.offset), e);
                        return self.failed(&st, f, Some(st.clone()), at).await;
                    }
                },
                Err(e) => {
                    let mut f = Failure::from(e);
                    f.not_found = false;
                    return self.failed(&st, f, Some(st.clone()), at).await;
                }
            };
            let len = page.value.len() as u64;
            let last = len == 0
                || page
                    .count
                    .map_or(len < u64::from(size), |c| st.offset + len >= c);
            let entries: Vec<ScopeEntry> = page
                .value
                .iter()
                .filter_map(rest::RestScopeItem::to_scope_entry)
                .collect();
            let uncoded = len - entries.len() as u64;
            drop(page);
            let (mut stmts, written) = store::scope_page_statements(&code, &entries, at)?;
            drop(entries);
            st.offset += len;
            st.records_in += len;
            st.counts.scope_rows += written.written;
            st.counts.scope_rejected += written.rejected + uncoded;
            if last {
                let listed = st.counts.scope_rows + st.counts.scope_rejected;
                let guard = sentinel::scope_guard(st.held_scope, listed);
                let sweep = stmts.len();
                if guard.is_none() {
                    stmts.push(store::remove_stale_scope(&code, &st.started_at));
                }
                stmts.push(store::mark_enriched(&code, st.source.by(), at));
                // The run row follows, with the sweep's count.
                let metas = self.db.batch(stmts).await?;
                if guard.is_none() {
                    st.counts.scope_removed = metas.get(sweep).map_or(0, |m| m.changes);
                }
                let (status, outcome) = match guard {
                    None => (IngestStatus::Complete, "enriched"),
                    Some(_) => (IngestStatus::Partial, "scope_kept"),
                };
                self.db
                    .run(run_row(&st, status, Some(at), guard.as_deref(), outcome))
                    .await?;
                return Ok(Outcome::Enriched { counts: st.counts });
            }
            if n == pages {
                stmts.push(run_row(&st, IngestStatus::Running, None, None, "continue"));
            }
            self.db.batch(stmts).await?;
        }
        Ok(Outcome::Continue { resume: st })
    }

    /// Record a failure (or a 404) and say so.
    async fn failed(
        &self,
        st: &Resume,
        f: Failure,
        resume: Option<Resume>,
        at: &str,
    ) -> Result<Outcome, StoreError> {
        let (outcome, label) = if f.not_found {
            (Outcome::NotFound, "not_found")
        } else {
            (
                Outcome::Failed {
                    error: f.error.clone(),
                    retryable: f.retryable,
                    resume,
                },
                "failed",
            )
        };
        let error = if f.not_found {
            format!(
                "organisation {} not found upstream: {}",
                st.rto_code, f.error
            )
        } else {
            f.error
        };
        self.db
            .run(run_row(
                st,
                IngestStatus::Failed,
                Some(at),
                Some(&error),
                label,
            ))
            .await?;
        Ok(outcome)
    }
}

fn run_row(
    st: &Resume,
    status: IngestStatus,
    completed_at: Option<&str>,
    error: Option<&str>,
    outcome: &str,
) -> Statement {
    store::record_ingest_run(&IngestRun {
        source: st.source,
        run_id: &st.run_id,
        started_at: &st.started_at,
        completed_at,
        status,
        records_in: st.records_in as i64,
        records_out: (st.counts.detail_rows() + st.counts.scope_rows) as i64,
        error,
        detail: serde_json::json!({
            "rto_code": st.rto_code,
            "outcome": outcome,
            "offset": st.offset,
            "counts": st.counts,
        }),
    })
}

/// A message on `rtopacks-ingest-queue`. The site sends `{"rto_code": "45329"}`; the worker
/// itself re-sends with `attempt` (Workers queues expose no attempt count to Rust) and
/// `resume` (the scope pages still to fetch).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestMessage {
    pub rto_code: String,
    #[serde(default)]
    pub attempt: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<Resume>,
    /// `backfill` for BACKFILL-01's messages; the site's carry none (`tga_ingest`).
    #[serde(default)]
    pub source: IngestSource,
}

/// Attempts before a retryable failure is dead-lettered.
pub const MAX_ATTEMPTS: u32 = 5;

/// What the worker does with a message after its invocation.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Acknowledge: enriched, or a 404 (recorded, nothing to retry).
    Done,
    /// Send this message (continuation or retry) after `delay_seconds`, then acknowledge.
    Requeue {
        msg: IngestMessage,
        delay_seconds: u32,
    },
    /// Send to `rtopacks-ingest-dlq` with the reason, then acknowledge.
    DeadLetter { reason: String },
}

/// Read a queue body; anything that is not a message with a valid RTO code is poison.
pub fn parse_message(body: &serde_json::Value) -> Result<IngestMessage, String> {
    let msg: IngestMessage =
        serde_json::from_value(body.clone()).map_err(|e| format!("not an ingest message: {e}"))?;
    let code = rtopacks_domain::codes::RtoCode::parse(&msg.rto_code).map_err(|e| e.to_string())?;
    Ok(IngestMessage {
        rto_code: code.as_str().to_owned(),
        ..msg
    })
}

/// Backoff between attempts: `base`, 2×, 4×, … seconds, capped at an hour.
pub fn retry_delay(base_seconds: u32, attempt: u32) -> u32 {
    base_seconds.saturating_mul(1 << attempt.min(7)).min(3600)
}

impl<H: HttpClient, D: Db> Ingest<'_, H, D> {
    /// One invocation for one message, and what to do with it afterwards.
    pub async fn handle(
        &self,
        msg: &IngestMessage,
        retry_base_seconds: u32,
        now: DateTime<Utc>,
    ) -> Result<Action, StoreError> {
        let outcome = match &msg.resume {
            Some(r) => self.resume(r.clone(), now).await?,
            None => self.enrich_as(&msg.rto_code, msg.source, now).await?,
        };
        Ok(match outcome {
            Outcome::Enriched { .. } | Outcome::NotFound => Action::Done,
            Outcome::Continue { resume } => Action::Requeue {
                msg: IngestMessage {
                    rto_code: msg.rto_code.clone(),
                    attempt: 0,
                    resume: Some(resume),
                    source: msg.source,
                },
                delay_seconds: 0,
            },
            Outcome::Failed {
                error,
                retryable,
                resume,
            } => {
                if retryable && msg.attempt + 1 < MAX_ATTEMPTS {
                    Action::Requeue {
                        msg: IngestMessage {
                            rto_code: msg.rto_code.clone(),
                            attempt: msg.attempt + 1,
                            resume: resume.or_else(|| msg.resume.clone()),
                            source: msg.source,
                        },
                        delay_seconds: retry_delay(retry_base_seconds, msg.attempt),
                    }
                } else {
                    Action::DeadLetter {
                        reason: format!("attempt {}: {error}", msg.attempt + 1),
                    }
                }
            }
        })
    }
}
