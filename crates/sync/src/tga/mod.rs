//! tga-sync: the weekly TGA cycle into `rtopacks-db` over the SOAP services.
//!
//! - `volume_check_*`: SENTINEL-02 baselines (live totals, `records_in`) beside upstream's
//!   own total for the full range (`records_out`); a short upstream blocks this cycle's
//!   deletions.
//! - `sweep_statuses`: registrations that lapsed (or began) without an upstream edit.
//! - `sync_training`, `sync_orgs`: the delta walks ([`walk`]).
//! - `training_refresh`: TGA-REFRESH-01, the stalest components fetched again.
//! - `write_log`, `flag_restricted`, `sync_qual_statuses`, `refresh_stats`,
//!   `write_snapshot`: the utility phases ([`utility`]).
//!
//! Every phase is bounded per invocation (GetDetails calls, rows, D1 queries) and hands
//! back `More` with its continuation; the chain stores it in the D1 pointer.

mod soap;
mod utility;
mod walk;

use chrono::{DateTime, Utc};
use futures::stream::{self, StreamExt};
use rtopacks_domain::sentinel;
use rtopacks_domain::sync::SyncKind;
use rtopacks_domain::time::iso;
use rtopacks_edge::archive::Archive;
use rtopacks_edge::chain::{PhaseMessage, PhaseOutcome};
use rtopacks_edge::outbound::{HttpClient, RetryPolicy};
use rtopacks_store::{Db, StoreError};
use rtopacks_upstream::tga_soap::{
    ComponentInformationRequested, OrganisationInformationRequested, PageWindow, SoapRequest,
    TgaSoap,
};
use rtopacks_upstream::UpstreamError;

pub use soap::CallError;

/// The start of the first delta window: before anything the register holds was modified.
pub const FIRST_SYNC_FROM: &str = "1990-01-01T00:00:00Z";

/// `upstream_resources.source` of the TGA windows.
pub const SOURCE: &str = "tga";

/// Tunables (wrangler vars in the worker).
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// `PageSize` of the searches (halved on a message size quota fault).
    pub page_size: u32,
    /// `GetDetails` calls per invocation: bounds subrequests, time and queries.
    pub details_per_invocation: u32,
    /// `GetDetails` calls in flight at once (Workers allow six open connections).
    pub concurrency: usize,
    /// Components TGA-REFRESH-01 fetches again per cycle.
    pub refresh_per_cycle: u32,
    pub drop_threshold_pct: f64,
    pub retry: RetryPolicy,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            page_size: 100,
            details_per_invocation: 200,
            concurrency: 6,
            refresh_per_cycle: 1000,
            drop_threshold_pct: sentinel::DEFAULT_DROP_THRESHOLD_PCT,
            retry: RetryPolicy::default(),
        }
    }
}

/// The phases' dependencies: transport, databases, archive, and the SOAP account.
pub struct Tga<'a, H: HttpClient, C: Db, O: Db, A: Archive> {
    pub http: &'a H,
    /// `rtopacks-db`.
    pub corpus: &'a C,
    /// `ops-db`.
    pub ops: &'a O,
    /// R2 `tga-content`.
    pub archive: &'a A,
    /// SOAP host, e.g. `https://ws.training.gov.au`.
    pub host: &'a str,
    pub soap: &'a TgaSoap,
    pub settings: Settings,
}

pub(crate) use crate::Failure;

impl From<CallError> for Failure {
    fn from(e: CallError) -> Self {
        Failure::Upstream(e.text().to_owned())
    }
}

/// The archive form of a page's `GetDetails` answers: `[{"code", "xml"}, ...]`, serialised
/// from borrowed strings (a first fill archives hundreds of megabytes).
pub(crate) fn bundle(raw: &[(String, String)]) -> String {
    #[derive(serde::Serialize)]
    struct Entry<'a> {
        code: &'a str,
        xml: &'a str,
    }
    let entries: Vec<Entry> = raw.iter().map(|(code, xml)| Entry { code, xml }).collect();
    serde_json::to_string(&entries).unwrap_or_default()
}

pub(crate) type PhaseResult = Result<PhaseOutcome, Failure>;

/// What the component walks ask `GetDetails` for: everything the corpus layer holds.
pub(crate) fn component_info() -> ComponentInformationRequested {
    ComponentInformationRequested::mirror()
}

/// What the organisation walk asks for: the register entry without scope (scope is the
/// enrichment's, from the REST API, paged).
pub(crate) fn organisation_info() -> OrganisationInformationRequested {
    OrganisationInformationRequested {
        show_explicit_scope: false,
        show_implicit_scope: false,
        show_contacts: false,
        ..OrganisationInformationRequested::mirror()
    }
}

/// Details of a set of codes, `concurrency` in flight. Codes upstream no longer holds (or
/// whose answer outgrows the quota) are returned apart, to be skipped.
pub(crate) struct Fetched<T> {
    pub details: Vec<T>,
    pub raw: Vec<(String, String)>,
    pub skipped: Vec<(String, String)>,
}

impl<H: HttpClient, C: Db, O: Db, A: Archive> Tga<'_, H, C, O, A> {
    pub(crate) async fn call<T>(
        &self,
        req: &SoapRequest,
        parse: fn(&[u8]) -> Result<T, UpstreamError>,
    ) -> Result<soap::Answer<T>, CallError> {
        soap::call(self.http, self.host, req, parse, self.settings.retry).await
    }

    pub(crate) async fn details<T>(
        &self,
        codes: &[String],
        request: impl Fn(&str) -> SoapRequest,
        parse: fn(&[u8]) -> Result<Option<T>, UpstreamError>,
    ) -> Result<Fetched<T>, CallError> {
        let mut out = Fetched {
            details: Vec::with_capacity(codes.len()),
            raw: Vec::new(),
            skipped: Vec::new(),
        };
        // A sliding window, not chunks: a slow answer holds up one slot, not the next five.
        let answers: Vec<_> = stream::iter(codes)
            .map(|code| {
                let req = request(code);
                async move { (code, self.call(&req, parse).await) }
            })
            .buffered(self.settings.concurrency.max(1))
            .collect()
            .await;
        for (code, answer) in answers {
            match answer {
                Ok(a) => {
                    match a.value {
                        Some(d) => out.details.push(d),
                        None => out.skipped.push((code.clone(), "nil result".into())),
                    }
                    out.raw.push((code.clone(), a.raw));
                }
                Err(CallError::NotFound(m)) | Err(CallError::Quota(m)) => {
                    out.skipped.push((code.clone(), m))
                }
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Keep raw payloads in R2; a failure is logged, never fatal to the phase.
    pub(crate) async fn keep(&self, run_id: &str, key: &str, body: String, content_type: &str) {
        let key = format!("tga-sync/{run_id}/{key}");
        if let Err(e) = self.archive.put(&key, body, content_type).await {
            let at = iso(Utc::now());
            let line = format!("archive {key}: {e}");
            let _ = crate::log(self.ops, run_id, "tga-sync", "warn", &line, &at).await;
        }
    }

    pub(crate) fn window(
        &self,
        page_number: u32,
        page_size: u32,
        start: &str,
        end: &str,
    ) -> PageWindow {
        let parse = |s: &str| rtopacks_domain::time::parse_iso(s).unwrap_or_default();
        PageWindow {
            page_number,
            page_size,
            start: parse(start),
            end: parse(end),
        }
    }

    /// Run one invocation of `msg.phase`.
    pub async fn run_phase(
        &self,
        msg: &PhaseMessage,
        state: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<PhaseOutcome, StoreError> {
        use walk::Walked::{Components, Organisations};
        let outcome = match msg.phase.as_str() {
            "volume_check_orgs" => self.volume_check(msg, Organisations, now).await,
            "volume_check_training" => self.volume_check(msg, Components, now).await,
            "sweep_statuses" => self.sweep_statuses(msg, state, now).await,
            "sync_training" => self.walk(msg, Components, state, now).await,
            "sync_orgs" => self.walk(msg, Organisations, state, now).await,
            "training_refresh" => self.training_refresh(msg, state, now).await,
            "write_log" => self.write_log(msg, now).await,
            "flag_restricted" => self.flag_restricted(msg, now).await,
            "sync_qual_statuses" => self.sync_qual_statuses(msg, now).await,
            "refresh_stats" => self.refresh_stats(msg).await,
            "write_snapshot" => self.write_snapshot(msg, now).await,
            other => Err(Failure::Upstream(format!(
                "tga-sync has no phase {other:?}"
            ))),
        };
        Failure::settle(outcome)
    }
}

impl<H: HttpClient, C: Db, O: Db, A: Archive> rtopacks_edge::chain::PhaseRunner
    for Tga<'_, H, C, O, A>
{
    async fn run_phase(
        &self,
        msg: &PhaseMessage,
        state: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<PhaseOutcome, StoreError> {
        Tga::run_phase(self, msg, state, now).await
    }
}

/// The kind these phases belong to (for sentinel rows).
pub(crate) const KIND: SyncKind = SyncKind::TgaSync;
