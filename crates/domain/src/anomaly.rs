//! SEC-02 anomaly defence: scoring a client (a session, an API key, or an anonymous
//! client) from its recent requests, on the same rules whichever surface it uses.
//!
//! Scoring is incremental: a client's recent history is a small [`WindowState`] (kept in
//! `ops-db` `sec02_windows`, one row per client), and each request updates it and yields a
//! [`Verdict`] in O(1). [`score_window`] scores a whole list of requests the same way.
//!
//! Signals (defaults in [`Thresholds::default`], every one overridable):
//! - **velocity**: requests per minute, a sliding estimate over the current and previous
//!   calendar minute (`previous × unelapsed fraction + current`).
//! - **sequential**: the longest run of lookups whose codes keep going one way (ascending
//!   or descending) within one endpoint group; a repeated code (a sub-resource of the same
//!   record) neither extends nor breaks a run, a pause longer than
//!   `sequential_max_gap_secs` breaks it. Codes compare naturally (`BSB40120` <
//!   `BSB50120`, `999` < `1000`).
//! - **breadth**: distinct endpoint groups within a tumbling window, counted only when the
//!   window also holds enough requests to be more than a curious human.
//! - **timing**: a streak of consecutive sub-second gaps; red needs the streak to be long
//!   *and* regular (low coefficient of variation), the mark of a loop with a sleep.
//! - **escalation**: amber episodes ("strikes", at most one per `strike_cooldown_secs`)
//!   counted within `escalation_window_secs`; enough of them turn amber red.
//!
//! What the caller does: amber → wait [`Verdict::delay_ms`] before answering; red →
//! revoke (the session, or the key), answer as if the session had expired. The window
//! blocks the client for `red_block_secs` after red (so an anonymous client or a key stays
//! red). [`Verdict::record`] says when to write an `anomaly_log` row: once per strike and
//! once at red, never once per request.

use std::cmp::Ordering;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value as Json};
use thiserror::Error;

/// Green: nothing to do. Amber: slow down. Red: revoke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Zone {
    Green,
    Amber,
    Red,
}

impl Zone {
    pub fn as_str(self) -> &'static str {
        match self {
            Zone::Green => "green",
            Zone::Amber => "amber",
            Zone::Red => "red",
        }
    }
}

/// The `anomaly_log.trigger_reason` values (the CHECK in ops-db 0003).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    Velocity,
    Sequential,
    Breadth,
    Timing,
    Escalation,
}

impl Reason {
    pub const ALL: [Reason; 5] = [
        Reason::Velocity,
        Reason::Sequential,
        Reason::Breadth,
        Reason::Timing,
        Reason::Escalation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Velocity => "velocity",
            Reason::Sequential => "sequential",
            Reason::Breadth => "breadth",
            Reason::Timing => "timing",
            Reason::Escalation => "escalation",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Reason::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `anomaly_log.action` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    LatencyInjected,
    SessionRevoked,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::LatencyInjected => "latency_injected",
            Action::SessionRevoked => "session_revoked",
        }
    }
}

/// The three doors to the catalogue (`api_access_log.surface`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Surface {
    #[serde(rename = "internal-api")]
    InternalApi,
    #[serde(rename = "api")]
    Api,
    #[serde(rename = "mcp")]
    Mcp,
}

impl Surface {
    pub fn as_str(self) -> &'static str {
        match self {
            Surface::InternalApi => "internal-api",
            Surface::Api => "api",
            Surface::Mcp => "mcp",
        }
    }
}

/// Who is being scored. One window per client, across all three surfaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ClientKey {
    /// `engine-db-oc` `sessions.id` (never the cookie token).
    Session(String),
    /// An API or MCP key's id.
    ApiKey(String),
    /// An anonymous client's salted hash (`keys::anonymous_client_id`).
    Anonymous(String),
}

impl ClientKey {
    /// The stored form: `s:<session id>`, `k:<key id>`, `a:<client hash>`.
    pub fn as_string(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for ClientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientKey::Session(id) => write!(f, "s:{id}"),
            ClientKey::ApiKey(id) => write!(f, "k:{id}"),
            ClientKey::Anonymous(h) => write!(f, "a:{h}"),
        }
    }
}

/// One request as SEC-02 sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Request<'a> {
    pub at: DateTime<Utc>,
    /// The endpoint group (`search`, `rtos`, `units`, `qualifications`, `ladder`, …): a
    /// small fixed vocabulary chosen by the surfaces, the same on all three.
    pub group: &'a str,
    pub path: &'a str,
    /// The code looked up, if the request is a lookup by code. [`Request::new`] fills it
    /// from the path with [`lookup_code`]; a surface that knows better sets it.
    pub code: Option<&'a str>,
}

impl<'a> Request<'a> {
    pub fn new(at: DateTime<Utc>, group: &'a str, path: &'a str) -> Self {
        Request {
            at,
            group,
            path,
            code: lookup_code(path),
        }
    }

    pub fn with_code(mut self, code: Option<&'a str>) -> Self {
        self.code = code;
        self
    }
}

/// The code a path looks up: the first segment that looks like a VET code (3–20 ASCII
/// letters and digits with at least one digit; `v1`-style version segments skipped),
/// ignoring any query string. `/rto/45329`, `/api/v1/units/BSBWHS311/releases` → the code;
/// `/search?q=BSB50120` → none.
pub fn lookup_code(path: &str) -> Option<&str> {
    let path = path.split(['?', '#']).next().unwrap_or("");
    path.split('/').find(|seg| {
        let b = seg.as_bytes();
        (3..=20).contains(&b.len())
            && b.iter().all(u8::is_ascii_alphanumeric)
            && b.iter().any(u8::is_ascii_digit)
            && !(b[0] == b'v' && b[1..].iter().all(u8::is_ascii_digit))
    })
}

/// Natural order of codes, case-insensitive: digit runs compare as numbers (so `999` <
/// `1000` and `0022` = `22` by value, then by length), letters as letters.
pub fn compare_codes(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            let si = i;
            while i < a.len() && a[i].is_ascii_digit() {
                i += 1;
            }
            let sj = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            let na = trim_zeros(&a[si..i]);
            let nb = trim_zeros(&b[sj..j]);
            let ord = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
            if ord != Ordering::Equal {
                return ord;
            }
        } else {
            let ord = a[i].to_ascii_uppercase().cmp(&b[j].to_ascii_uppercase());
            if ord != Ordering::Equal {
                return ord;
            }
            i += 1;
            j += 1;
        }
    }
    (a.len() - i).cmp(&(b.len() - j))
}

fn trim_zeros(d: &[u8]) -> &[u8] {
    let start = d.iter().position(|&c| c != b'0').unwrap_or(d.len());
    &d[start..]
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum ThresholdError {
    #[error("unknown SEC-02 setting {0}")]
    UnknownSetting(String),
    #[error("SEC-02 setting {name}: {value:?} is not a non-negative number")]
    BadValue { name: String, value: String },
    #[error("SEC-02 thresholds: {0}")]
    Invalid(String),
}

/// SEC-02 thresholds. Every field can be overridden by JSON ([`Thresholds::from_json`],
/// e.g. a `SEC02_THRESHOLDS` var) or by one variable per field ([`Thresholds::with_vars`],
/// `SEC02_` + the field name in upper case, e.g. `SEC02_VELOCITY_AMBER_PER_MINUTE=120`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// Sliding requests-per-minute estimate at which a client turns amber. A person reading
    /// pages (each page a handful of calls) stays well under it. Default 90.
    pub velocity_amber_per_minute: u32,
    /// ... and red: four requests a second for a whole minute. Default 240.
    pub velocity_red_per_minute: u32,

    /// Same-direction lookups in a row that turn a client amber. Random browsing rarely
    /// makes a run longer than five. Default 30.
    pub sequential_amber_run: u32,
    /// ... and red: a hundred lookups walking the register in order. Default 100.
    pub sequential_red_run: u32,
    /// A pause longer than this breaks a run. Default 300 s.
    pub sequential_max_gap_secs: u32,

    /// The breadth window (tumbling, from the first request in it). Default 600 s.
    pub breadth_window_secs: u32,
    /// Distinct endpoint groups in the window for amber... Default 7.
    pub breadth_amber_groups: u32,
    /// ... when the window also holds at least this many requests. Default 50.
    pub breadth_amber_min_requests: u32,
    /// Distinct groups for red... Default 10.
    pub breadth_red_groups: u32,
    /// ... with at least this many requests. Default 150.
    pub breadth_red_min_requests: u32,

    /// A gap below this is "sub-second". Default 1000 ms.
    pub timing_fast_gap_ms: u32,
    /// Consecutive sub-second gaps for amber (a page load's parallel calls make a few).
    /// Default 20.
    pub timing_amber_streak: u32,
    /// Consecutive sub-second gaps for red, when they are also regular. Default 60.
    pub timing_red_streak: u32,
    /// Regular means the gaps' coefficient of variation (std dev / mean) is at most this.
    /// Default 0.25.
    pub timing_regular_max_cv: f64,

    /// Amber strikes within the escalation window that make red. Default 3.
    pub escalation_strikes: u32,
    /// Default 900 s (15 minutes), from the first strike.
    pub escalation_window_secs: u32,
    /// At most one strike per this long of continuous amber. Default 60 s.
    pub strike_cooldown_secs: u32,

    /// Latency injected on an amber request, per strike so far. Default 1000 ms.
    pub amber_delay_ms: u32,
    /// Cap on the injected latency. Default 4000 ms.
    pub amber_max_delay_ms: u32,
    /// After red, the client's window answers red for this long. Default 3600 s.
    pub red_block_secs: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            velocity_amber_per_minute: 90,
            velocity_red_per_minute: 240,
            sequential_amber_run: 30,
            sequential_red_run: 100,
            sequential_max_gap_secs: 300,
            breadth_window_secs: 600,
            breadth_amber_groups: 7,
            breadth_amber_min_requests: 50,
            breadth_red_groups: 10,
            breadth_red_min_requests: 150,
            timing_fast_gap_ms: 1000,
            timing_amber_streak: 20,
            timing_red_streak: 60,
            timing_regular_max_cv: 0.25,
            escalation_strikes: 3,
            escalation_window_secs: 900,
            strike_cooldown_secs: 60,
            amber_delay_ms: 1000,
            amber_max_delay_ms: 4000,
            red_block_secs: 3600,
        }
    }
}

/// Prefix of the per-field override variables.
pub const VAR_PREFIX: &str = "SEC02_";

impl Thresholds {
    /// Defaults overridden by a JSON object of field names (unknown names refused).
    pub fn from_json(json: &str) -> Result<Self, ThresholdError> {
        let t: Thresholds =
            serde_json::from_str(json).map_err(|e| ThresholdError::Invalid(e.to_string()))?;
        t.validate()?;
        Ok(t)
    }

    /// Every override variable name (`SEC02_VELOCITY_AMBER_PER_MINUTE`, …), for a worker
    /// to read one by one from its env.
    pub fn var_names() -> Vec<String> {
        Self::default()
            .to_map()
            .keys()
            .map(|k| format!("{VAR_PREFIX}{}", k.to_ascii_uppercase()))
            .collect()
    }

    /// `self` with `SEC02_*` variables applied; other names are ignored, so a whole
    /// environment can be passed. An unknown `SEC02_` name or a non-number is an error.
    pub fn with_vars<'a>(
        self,
        vars: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, ThresholdError> {
        let mut map = self.to_map();
        for (name, value) in vars {
            let Some(field) = name.strip_prefix(VAR_PREFIX) else {
                continue;
            };
            let field = field.to_ascii_lowercase();
            if !map.contains_key(&field) {
                return Err(ThresholdError::UnknownSetting(name.to_owned()));
            }
            let bad = || ThresholdError::BadValue {
                name: name.to_owned(),
                value: value.to_owned(),
            };
            let n: serde_json::Number = value.trim().parse().map_err(|_| bad())?;
            if n.as_f64().is_none_or(|f| f < 0.0) {
                return Err(bad());
            }
            map.insert(field, Json::Number(n));
        }
        let t: Thresholds = serde_json::from_value(Json::Object(map))
            .map_err(|e| ThresholdError::Invalid(e.to_string()))?;
        t.validate()?;
        Ok(t)
    }

    /// Amber below red, nothing that would make a signal fire on every request.
    pub fn validate(&self) -> Result<(), ThresholdError> {
        let pairs = [
            (
                "velocity",
                self.velocity_amber_per_minute,
                self.velocity_red_per_minute,
            ),
            (
                "sequential",
                self.sequential_amber_run,
                self.sequential_red_run,
            ),
            (
                "breadth groups",
                self.breadth_amber_groups,
                self.breadth_red_groups,
            ),
            ("timing", self.timing_amber_streak, self.timing_red_streak),
        ];
        for (name, amber, red) in pairs {
            if amber < 2 || red < amber {
                return Err(ThresholdError::Invalid(format!(
                    "{name}: amber {amber} must be at least 2 and at most red {red}"
                )));
            }
        }
        let positive = [
            ("sequential_max_gap_secs", self.sequential_max_gap_secs),
            ("breadth_window_secs", self.breadth_window_secs),
            ("timing_fast_gap_ms", self.timing_fast_gap_ms),
            ("escalation_strikes", self.escalation_strikes),
            ("escalation_window_secs", self.escalation_window_secs),
        ];
        if let Some((name, _)) = positive.iter().find(|(_, v)| *v == 0) {
            return Err(ThresholdError::Invalid(format!("{name} must be positive")));
        }
        if self.timing_regular_max_cv.is_nan() || self.timing_regular_max_cv < 0.0 {
            return Err(ThresholdError::Invalid(
                "timing_regular_max_cv must be a non-negative number".into(),
            ));
        }
        if self.amber_max_delay_ms < self.amber_delay_ms {
            return Err(ThresholdError::Invalid(
                "amber_max_delay_ms must be at least amber_delay_ms".into(),
            ));
        }
        Ok(())
    }

    fn to_map(&self) -> Map<String, Json> {
        match serde_json::to_value(self) {
            Ok(Json::Object(m)) => m,
            _ => Map::new(),
        }
    }
}

/// What one request's scoring says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub zone: Zone,
    /// `None` when green.
    pub reason: Option<Reason>,
    /// The signals and the threshold crossed, for `anomaly_log.detail`.
    pub detail: Json,
    /// Amber: latency for the caller to inject before answering. 0 otherwise.
    pub delay_ms: u64,
    /// Write an `anomaly_log` row for this one (a new strike, or the turn to red).
    /// Later requests of the same episode are not logged again.
    pub record: bool,
    pub signals: Signals,
}

impl Verdict {
    /// The `anomaly_log.action` for this verdict (none when green).
    pub fn action(&self) -> Option<Action> {
        match self.zone {
            Zone::Green => None,
            Zone::Amber => Some(Action::LatencyInjected),
            Zone::Red => Some(Action::SessionRevoked),
        }
    }

    /// True only for the request that turned the client red: revoke and alert on this
    /// one (later requests of a blocked client are red but already dealt with).
    pub fn newly_red(&self) -> bool {
        self.zone == Zone::Red && self.record
    }
}

/// The measured signals after a request.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Signals {
    /// Sliding estimate, one decimal.
    pub requests_per_minute: f64,
    pub sequential_run: u32,
    pub sequential_group: Option<String>,
    pub distinct_groups: u32,
    pub window_requests: u32,
    pub fast_streak: u32,
    /// Coefficient of variation of the streak's gaps (None below two gaps).
    pub timing_cv: Option<f64>,
    pub strikes: u32,
}

/// One endpoint group's current run of ordered lookups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeqRun {
    pub group: String,
    pub code: String,
    pub run: u32,
    /// +1 ascending, -1 descending, 0 not yet known (a run of one).
    pub dir: i8,
    pub at_ms: i64,
}

/// Groups tracked for breadth and sequential runs; more are not needed to cross any
/// sensible threshold, and the cap keeps the stored row small.
pub const MAX_TRACKED_GROUPS: usize = 32;
const MAX_GROUP_LEN: usize = 40;
const MAX_CODE_LEN: usize = 20;

/// A client's compact recent history: everything scoring needs, O(1) in size.
/// Times are Unix epoch milliseconds (sub-second gaps need them).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WindowState {
    pub last_ms: Option<i64>,
    /// Start of the current calendar minute and the requests in it and in the one before.
    pub minute_start_ms: i64,
    pub minute_count: u32,
    pub prev_minute_count: u32,
    /// The breadth window.
    pub window_start_ms: i64,
    pub window_count: u32,
    pub groups: Vec<String>,
    pub runs: Vec<SeqRun>,
    /// Consecutive sub-second gaps, with their sum and sum of squares.
    pub fast_streak: u32,
    pub fast_sum_ms: i64,
    pub fast_sumsq_ms: i64,
    pub strikes: u32,
    pub strike_window_start_ms: i64,
    pub last_strike_ms: Option<i64>,
    pub blocked_until_ms: Option<i64>,
    pub blocked_reason: Option<Reason>,
}

const MINUTE_MS: i64 = 60_000;

impl WindowState {
    /// Fold one request in and score the client as of that request.
    pub fn observe(&mut self, req: &Request<'_>, t: &Thresholds) -> Verdict {
        let now = req.at.timestamp_millis();

        if let Some(until) = self.blocked_until_ms {
            if now < until {
                let reason = self.blocked_reason.unwrap_or(Reason::Escalation);
                return Verdict {
                    zone: Zone::Red,
                    reason: Some(reason),
                    detail: json!({ "blocked_until_ms": until, "reason": reason }),
                    delay_ms: 0,
                    record: false,
                    signals: Signals::default(),
                };
            }
            *self = WindowState::default();
        }

        self.count_minute(now);
        self.count_window(now, req.group, t);
        if let Some(code) = req.code {
            self.count_sequence(now, req.group, code, t);
        }
        self.count_timing(now, t);
        self.last_ms = Some(self.last_ms.map_or(now, |l| l.max(now)));

        let signals = self.signals(now);
        // In precedence order: among equal zones the most specific signal names the reason.
        let regular = signals
            .timing_cv
            .is_some_and(|cv| cv <= t.timing_regular_max_cv);
        let breadth = |groups: u32, min_requests: u32| {
            signals.distinct_groups >= groups && signals.window_requests >= min_requests
        };
        let candidates: Vec<(Zone, Reason, Json)> = [
            (
                Reason::Sequential,
                level(
                    signals.sequential_run.into(),
                    t.sequential_amber_run,
                    t.sequential_red_run,
                ),
            ),
            (
                Reason::Timing,
                level(
                    signals.fast_streak.into(),
                    t.timing_amber_streak,
                    // Long but irregular streaks stay amber (escalation may still get them).
                    if regular {
                        t.timing_red_streak
                    } else {
                        u32::MAX
                    },
                ),
            ),
            (
                Reason::Breadth,
                if breadth(t.breadth_red_groups, t.breadth_red_min_requests) {
                    let (groups, min_requests) = (t.breadth_red_groups, t.breadth_red_min_requests);
                    Some((
                        Zone::Red,
                        json!({ "groups": groups, "min_requests": min_requests }),
                    ))
                } else if breadth(t.breadth_amber_groups, t.breadth_amber_min_requests) {
                    let (groups, min_requests) =
                        (t.breadth_amber_groups, t.breadth_amber_min_requests);
                    Some((
                        Zone::Amber,
                        json!({ "groups": groups, "min_requests": min_requests }),
                    ))
                } else {
                    None
                },
            ),
            (
                Reason::Velocity,
                level(
                    signals.requests_per_minute,
                    t.velocity_amber_per_minute,
                    t.velocity_red_per_minute,
                ),
            ),
        ]
        .into_iter()
        .filter_map(|(reason, l)| l.map(|(zone, threshold)| (zone, reason, threshold)))
        .collect();

        let top = candidates.iter().map(|c| c.0).max().unwrap_or(Zone::Green);
        let mut chosen = candidates.into_iter().find(|c| c.0 == top);

        let mut record = false;
        let mut delay_ms = 0;
        if top == Zone::Amber {
            record = self.strike(now, t);
            if self.strikes >= t.escalation_strikes {
                let threshold = json!({
                    "strikes": t.escalation_strikes,
                    "window_secs": t.escalation_window_secs,
                    "after": chosen.as_ref().map(|c| c.1),
                });
                chosen = Some((Zone::Red, Reason::Escalation, threshold));
            } else {
                delay_ms = u64::from(t.amber_delay_ms)
                    .saturating_mul(u64::from(self.strikes.max(1)))
                    .min(u64::from(t.amber_max_delay_ms));
            }
        }

        let mut signals = signals;
        signals.strikes = self.strikes;
        let Some((zone, reason, threshold)) = chosen else {
            return Verdict {
                zone: Zone::Green,
                reason: None,
                detail: Json::Null,
                delay_ms: 0,
                record: false,
                signals,
            };
        };
        let mut detail = serde_json::to_value(&signals).unwrap_or(Json::Null);
        if let Json::Object(m) = &mut detail {
            m.insert("threshold".into(), threshold);
        }
        if zone == Zone::Red {
            record = true;
            *self = WindowState {
                blocked_until_ms: Some(now + i64::from(t.red_block_secs) * 1000),
                blocked_reason: Some(reason),
                last_ms: Some(now),
                ..WindowState::default()
            };
        }
        Verdict {
            zone,
            reason: Some(reason),
            detail,
            delay_ms,
            record,
            signals,
        }
    }

    /// The sliding requests-per-minute estimate at `now_ms` (also what a per-key rate
    /// limit can be checked against).
    pub fn requests_per_minute(&self, now_ms: i64) -> f64 {
        let elapsed = (now_ms - self.minute_start_ms).clamp(0, MINUTE_MS);
        let prev_weight = (MINUTE_MS - elapsed) as f64 / MINUTE_MS as f64;
        f64::from(self.prev_minute_count) * prev_weight + f64::from(self.minute_count)
    }

    fn count_minute(&mut self, now: i64) {
        let minute = now.div_euclid(MINUTE_MS) * MINUTE_MS;
        if minute > self.minute_start_ms {
            self.prev_minute_count = if minute - self.minute_start_ms == MINUTE_MS {
                self.minute_count
            } else {
                0
            };
            self.minute_count = 0;
            self.minute_start_ms = minute;
        }
        // A request stamped a little before the current minute (clock skew between
        // isolates) counts in the current one.
        self.minute_count = self.minute_count.saturating_add(1);
    }

    fn count_window(&mut self, now: i64, group: &str, t: &Thresholds) {
        let span = i64::from(t.breadth_window_secs) * 1000;
        if self.window_count == 0 || now - self.window_start_ms >= span {
            self.window_start_ms = now;
            self.window_count = 0;
            self.groups.clear();
        }
        self.window_count = self.window_count.saturating_add(1);
        let group = clip(group, MAX_GROUP_LEN);
        if self.groups.len() < MAX_TRACKED_GROUPS && !self.groups.iter().any(|g| g == group) {
            self.groups.push(group.to_owned());
        }
    }

    fn count_sequence(&mut self, now: i64, group: &str, code: &str, t: &Thresholds) {
        let group = clip(group, MAX_GROUP_LEN);
        let code = clip(code, MAX_CODE_LEN);
        let max_gap = i64::from(t.sequential_max_gap_secs) * 1000;
        match self.runs.iter_mut().find(|r| r.group == group) {
            Some(r) => {
                if now - r.at_ms > max_gap {
                    r.run = 1;
                    r.dir = 0;
                } else {
                    let dir = match compare_codes(code, &r.code) {
                        Ordering::Equal => 0,
                        Ordering::Greater => 1,
                        Ordering::Less => -1,
                    };
                    if dir != 0 {
                        if r.dir == 0 || r.dir == dir {
                            r.run = r.run.saturating_add(1);
                        } else {
                            r.run = 2; // the previous code and this one
                        }
                        r.dir = dir;
                    }
                }
                r.code = code.to_owned();
                r.at_ms = r.at_ms.max(now);
            }
            None => {
                if self.runs.len() >= MAX_TRACKED_GROUPS {
                    if let Some(oldest) = (0..self.runs.len()).min_by_key(|&i| self.runs[i].at_ms) {
                        self.runs.swap_remove(oldest);
                    }
                }
                self.runs.push(SeqRun {
                    group: group.to_owned(),
                    code: code.to_owned(),
                    run: 1,
                    dir: 0,
                    at_ms: now,
                });
            }
        }
    }

    fn count_timing(&mut self, now: i64, t: &Thresholds) {
        let Some(last) = self.last_ms else {
            return;
        };
        let gap = (now - last).max(0);
        if gap < i64::from(t.timing_fast_gap_ms) {
            self.fast_streak = self.fast_streak.saturating_add(1);
            self.fast_sum_ms = self.fast_sum_ms.saturating_add(gap);
            self.fast_sumsq_ms = self.fast_sumsq_ms.saturating_add(gap * gap);
        } else {
            self.fast_streak = 0;
            self.fast_sum_ms = 0;
            self.fast_sumsq_ms = 0;
        }
    }

    /// Count an amber strike unless one was counted within the cooldown. True when this
    /// request opened a new strike.
    fn strike(&mut self, now: i64, t: &Thresholds) -> bool {
        let window = i64::from(t.escalation_window_secs) * 1000;
        if self.strikes > 0 && now - self.strike_window_start_ms > window {
            self.strikes = 0;
        }
        let cooldown = i64::from(t.strike_cooldown_secs) * 1000;
        if self.strikes > 0 && self.last_strike_ms.is_some_and(|l| now - l < cooldown) {
            return false;
        }
        if self.strikes == 0 {
            self.strike_window_start_ms = now;
        }
        self.strikes += 1;
        self.last_strike_ms = Some(now);
        true
    }

    fn signals(&self, now: i64) -> Signals {
        let longest = self.runs.iter().max_by_key(|r| r.run);
        let n = i64::from(self.fast_streak);
        let timing_cv = (n >= 2).then(|| {
            let mean = self.fast_sum_ms as f64 / n as f64;
            if mean <= 0.0 {
                return 0.0; // all at once: as regular as it gets
            }
            let var = (self.fast_sumsq_ms as f64 / n as f64 - mean * mean).max(0.0);
            round2(var.sqrt() / mean)
        });
        Signals {
            requests_per_minute: (self.requests_per_minute(now) * 10.0).round() / 10.0,
            sequential_run: longest.map_or(0, |r| r.run),
            sequential_group: longest.filter(|r| r.run > 1).map(|r| r.group.clone()),
            distinct_groups: self.groups.len() as u32,
            window_requests: self.window_count,
            fast_streak: self.fast_streak,
            timing_cv,
            strikes: self.strikes,
        }
    }
}

/// The zone `value` reaches against an amber and a red threshold, with the threshold met.
fn level(value: f64, amber: u32, red: u32) -> Option<(Zone, Json)> {
    if value >= f64::from(red) {
        Some((Zone::Red, red.into()))
    } else if value >= f64::from(amber) {
        Some((Zone::Amber, amber.into()))
    } else {
        None
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Score a client from a list of its requests (oldest first), starting from no history:
/// the most severe verdict met (the latest of equal severity).
pub fn score_window(requests: &[Request<'_>], t: &Thresholds) -> Verdict {
    let mut state = WindowState::default();
    let mut worst: Option<Verdict> = None;
    for r in requests {
        let v = state.observe(r, t);
        if worst.as_ref().is_none_or(|w| v.zone >= w.zone) {
            worst = Some(v);
        }
    }
    worst.unwrap_or(Verdict {
        zone: Zone::Green,
        reason: None,
        detail: Json::Null,
        delay_ms: 0,
        record: false,
        signals: Signals::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn t0() -> DateTime<Utc> {
        crate::time::parse_iso("2026-11-24T10:00:00Z").unwrap()
    }

    fn ms(n: i64) -> DateTime<Utc> {
        t0() + Duration::milliseconds(n)
    }

    /// Feed requests through one state; return every verdict.
    fn run(reqs: &[Request<'_>], t: &Thresholds) -> Vec<Verdict> {
        let mut s = WindowState::default();
        reqs.iter().map(|r| s.observe(r, t)).collect()
    }

    fn first_non_green(vs: &[Verdict]) -> Option<(usize, &Verdict)> {
        vs.iter().enumerate().find(|(_, v)| v.zone != Zone::Green)
    }

    fn first_red(vs: &[Verdict]) -> Option<(usize, &Verdict)> {
        vs.iter().enumerate().find(|(_, v)| v.zone == Zone::Red)
    }

    /// `n` lookups of ascending RTO codes, one every `gap_ms`.
    fn ascending_rtos(n: usize, gap_ms: i64) -> Vec<(DateTime<Utc>, String)> {
        (0..n)
            .map(|i| (ms(i as i64 * gap_ms), format!("/rto/{}", 1000 + i * 7)))
            .collect()
    }

    fn reqs<'a>(items: &'a [(DateTime<Utc>, String)], group: &'a str) -> Vec<Request<'a>> {
        items
            .iter()
            .map(|(at, p)| Request::new(*at, group, p))
            .collect()
    }

    fn no_timing() -> Thresholds {
        Thresholds {
            timing_amber_streak: 10_000,
            timing_red_streak: 10_000,
            ..Thresholds::default()
        }
    }

    /// A tiny deterministic generator (no dependency): xorshift.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn range(&mut self, lo: i64, hi: i64) -> i64 {
            lo + (self.next() % (hi - lo) as u64) as i64
        }
    }

    /// About an hour of a person using the catalogue: a page every 4–40 s, each page
    /// one to three calls (parallel calls 20–200 ms apart), codes in no order, six groups.
    fn human_session(seed: u64) -> Vec<(DateTime<Utc>, &'static str, String)> {
        let groups = [
            "search",
            "qualifications",
            "units",
            "rtos",
            "ladder",
            "verify",
        ];
        let mut rng = Rng(seed);
        let mut at = 0i64;
        let mut out = Vec::new();
        for _ in 0..150 {
            at += rng.range(4_000, 40_000);
            let calls = rng.range(1, 4);
            for c in 0..calls {
                let g = groups[rng.range(0, groups.len() as i64) as usize];
                let path = match g {
                    "search" => "/search?q=leadership".to_owned(),
                    "rtos" => format!("/rto/{}", rng.range(1, 46_000)),
                    _ => format!("/{g}/BSB{}", rng.range(10_000, 60_000)),
                };
                let extra = if c == 0 { 0 } else { rng.range(20, 200) };
                at += extra;
                out.push((ms(at), g, path));
            }
        }
        out
    }

    #[test]
    fn a_person_browsing_stays_green() {
        let t = Thresholds::default();
        for seed in [1, 7, 42, 1234, 99_999] {
            let items = human_session(seed);
            let reqs: Vec<Request<'_>> = items
                .iter()
                .map(|(at, g, p)| Request::new(*at, g, p))
                .collect();
            let vs = run(&reqs, &t);
            assert_eq!(
                first_non_green(&vs).map(|(i, v)| (i, v.reason)),
                None,
                "seed {seed}"
            );
            assert_eq!(vs.iter().map(|v| v.delay_ms).max(), Some(0));
        }
    }

    #[test]
    fn three_hundred_ascending_rto_lookups_in_five_minutes_go_red_via_sequential() {
        let items = ascending_rtos(300, 1000);
        let vs = run(&reqs(&items, "rtos"), &Thresholds::default());
        let (i, amber) = first_non_green(&vs).unwrap();
        assert_eq!(
            (i, amber.zone, amber.reason),
            (29, Zone::Amber, Some(Reason::Sequential))
        );
        assert!(amber.record && amber.delay_ms == 1000);
        let (i, red) = first_red(&vs).unwrap();
        assert_eq!((i, red.reason), (99, Some(Reason::Sequential)));
        assert!(red.newly_red());
        assert_eq!(red.action(), Some(Action::SessionRevoked));
        assert_eq!(red.detail["sequential_run"], 100);
        assert_eq!(red.detail["sequential_group"], "rtos");
        assert_eq!(red.detail["threshold"], 100);
        // The client stays red, but the red is recorded once.
        assert!(vs[100..].iter().all(|v| v.zone == Zone::Red && !v.record));
        assert_eq!(vs.iter().filter(|v| v.newly_red()).count(), 1);
        assert_eq!(
            score_window(&reqs(&items, "rtos"), &Thresholds::default()).zone,
            Zone::Red
        );
    }

    #[test]
    fn sequential_boundaries_direction_repeats_and_pauses() {
        let t = Thresholds::default();
        // 29 ascending: green; the 30th turns amber.
        let items = ascending_rtos(30, 5000);
        let vs = run(&reqs(&items, "rtos"), &t);
        assert!(vs[..29].iter().all(|v| v.zone == Zone::Green));
        assert_eq!(vs[29].reason, Some(Reason::Sequential));

        // Descending counts too; a sub-resource of the same code neither adds nor breaks.
        let mut items = Vec::new();
        for i in 0..30 {
            let code = 50_000 - i * 3;
            items.push((ms(i * 10_000), format!("/rto/{code}")));
            items.push((ms(i * 10_000 + 2000), format!("/rto/{code}/scope")));
        }
        let vs = run(&reqs(&items, "rtos"), &t);
        assert!(vs[..58].iter().all(|v| v.zone == Zone::Green));
        assert_eq!(vs[58].signals.sequential_run, 30);
        assert_eq!(vs[58].reason, Some(Reason::Sequential));

        // A pause longer than five minutes breaks the run.
        let mut items = ascending_rtos(20, 5000);
        items.extend(
            ascending_rtos(20, 5000)
                .into_iter()
                .map(|(at, _)| at + Duration::seconds(400))
                .enumerate()
                .map(|(i, at)| (at + Duration::seconds(100), format!("/rto/{}", 9000 + i))),
        );
        let vs = run(&reqs(&items, "rtos"), &t);
        assert!(vs.iter().all(|v| v.zone == Zone::Green));
        assert_eq!(vs.last().unwrap().signals.sequential_run, 20);

        // Direction change starts a new run; other groups do not disturb a run.
        let mut s = WindowState::default();
        for (i, p) in ["/units/A100", "/units/A200", "/units/A300", "/units/A250"]
            .iter()
            .enumerate()
        {
            s.observe(&Request::new(ms(i as i64 * 5000), "units", p), &t);
        }
        s.observe(&Request::new(ms(30_000), "search", "/search?q=x"), &t);
        let v = s.observe(&Request::new(ms(35_000), "units", "/units/A240"), &t);
        assert_eq!(v.signals.sequential_run, 3);
    }

    #[test]
    fn velocity_amber_and_red_with_boundaries() {
        // 90 requests in a minute cannot all be a second apart: timing is switched off
        // here to see velocity alone.
        let t = no_timing();
        // 89 requests within one minute: green; the 90th: amber (velocity).
        let items: Vec<_> = (0..90)
            .map(|i| {
                (
                    ms(i * 600),
                    if i % 2 == 0 {
                        "/search?q=a"
                    } else {
                        "/search?q=b"
                    },
                )
            })
            .collect();
        let reqs: Vec<_> = items
            .iter()
            .map(|(at, p)| Request::new(*at, "search", p))
            .collect();
        let vs = run(&reqs, &t);
        assert!(vs[..89].iter().all(|v| v.zone == Zone::Green));
        assert_eq!(
            (vs[89].zone, vs[89].reason),
            (Zone::Amber, Some(Reason::Velocity))
        );
        assert_eq!(vs[89].detail["threshold"], 90);

        // 240 within one minute (gaps 0–249 ms, irregular, so timing is only amber):
        // red by velocity on the 240th.
        let mut rng = Rng(5);
        let mut at = 0;
        let mut items = Vec::new();
        for _ in 0..240 {
            at += rng.range(0, 250);
            items.push(ms(at));
        }
        let reqs: Vec<_> = items
            .iter()
            .map(|at| Request::new(*at, "search", "/search?q=a"))
            .collect();
        let thresholds = Thresholds {
            escalation_strikes: 100,
            ..Thresholds::default()
        };
        let vs = run(&reqs, &thresholds);
        let (i, red) = first_red(&vs).unwrap();
        assert_eq!((i, red.reason), (239, Some(Reason::Velocity)));
    }

    #[test]
    fn velocity_slides_across_minutes() {
        let mut s = WindowState {
            minute_start_ms: 0,
            ..WindowState::default()
        };
        s.minute_count = 100;
        s.count_minute(MINUTE_MS + 15_000);
        // 100 from the previous minute weighted by the unelapsed 45/60, plus this one.
        assert_eq!(s.requests_per_minute(MINUTE_MS + 15_000), 76.0);
        // Two minutes later the old minute no longer counts.
        s.count_minute(3 * MINUTE_MS + 1);
        assert_eq!(s.prev_minute_count, 0);
        assert_eq!(s.minute_count, 1);
    }

    #[test]
    fn breadth_needs_many_groups_and_enough_requests() {
        let t = Thresholds::default();
        let groups = [
            "search",
            "qualifications",
            "units",
            "skill_sets",
            "courses",
            "rtos",
            "ladder",
            "verify",
            "supersession",
            "scope_impact",
            "cricos",
        ];
        // Seven groups but only 49 requests in ten minutes: green.
        let paths: Vec<(DateTime<Utc>, &str)> = (0..49)
            .map(|i| (ms(i * 10_000), groups[(i % 7) as usize]))
            .collect();
        let reqs: Vec<_> = paths
            .iter()
            .map(|(at, g)| Request::new(*at, g, "/x"))
            .collect();
        let vs = run(&reqs, &t);
        assert!(vs.iter().all(|v| v.zone == Zone::Green));

        // The 50th request in the window, seven groups: amber (breadth).
        let paths: Vec<(DateTime<Utc>, &str)> = (0..50)
            .map(|i| (ms(i * 10_000), groups[(i % 7) as usize]))
            .collect();
        let reqs: Vec<_> = paths
            .iter()
            .map(|(at, g)| Request::new(*at, g, "/x"))
            .collect();
        let vs = run(&reqs, &t);
        assert!(vs[..49].iter().all(|v| v.zone == Zone::Green));
        assert_eq!(vs[49].reason, Some(Reason::Breadth));
        assert_eq!(vs[49].zone, Zone::Amber);

        // Eleven groups, 150 requests within the window: red (breadth).
        let paths: Vec<(DateTime<Utc>, &str)> = (0..150)
            .map(|i| (ms(i * 3_500), groups[(i % 11) as usize]))
            .collect();
        let reqs: Vec<_> = paths
            .iter()
            .map(|(at, g)| Request::new(*at, g, "/x"))
            .collect();
        let loose = Thresholds {
            escalation_strikes: 100,
            ..Thresholds::default()
        };
        let vs = run(&reqs, &loose);
        let (i, red) = first_red(&vs).unwrap();
        assert_eq!((i, red.reason), (149, Some(Reason::Breadth)));

        // The window rolls over: the count starts again after ten minutes.
        let mut s = WindowState::default();
        for i in 0..40 {
            s.observe(
                &Request::new(ms(i * 1000), groups[(i % 8) as usize], "/x"),
                &t,
            );
        }
        let v = s.observe(&Request::new(ms(601_000), "search", "/x"), &t);
        assert_eq!(
            (v.signals.window_requests, v.signals.distinct_groups),
            (1, 1)
        );
    }

    #[test]
    fn sub_second_regular_timing_goes_amber_then_red() {
        let t = Thresholds {
            escalation_strikes: 100,
            ..Thresholds::default()
        };
        // A loop with a 700 ms sleep, searching (no codes, one group).
        let reqs: Vec<_> = (0..61)
            .map(|i| Request::new(ms(i * 700), "search", "/search?q=a"))
            .collect();
        let vs = run(&reqs, &t);
        // The 20th sub-second gap (21st request) is amber; the 60th gap is red.
        assert!(vs[..20].iter().all(|v| v.zone == Zone::Green));
        assert_eq!(
            (vs[20].zone, vs[20].reason),
            (Zone::Amber, Some(Reason::Timing))
        );
        let (i, red) = first_red(&vs).unwrap();
        assert_eq!((i, red.reason), (60, Some(Reason::Timing)));
        assert_eq!(red.signals.timing_cv, Some(0.0));

        // Exactly one second apart is not sub-second.
        let reqs: Vec<_> = (0..61)
            .map(|i| Request::new(ms(i * 1000), "search", "/search?q=a"))
            .collect();
        assert!(run(&reqs, &t).iter().all(|v| v.zone == Zone::Green));
    }

    #[test]
    fn irregular_sub_second_bursts_stay_amber_until_escalation() {
        let t = Thresholds::default();
        let mut rng = Rng(11);
        let mut at = 0;
        let mut items = Vec::new();
        // Gaps of 0–990 ms: sub-second but far from regular (about 120 a minute, so
        // velocity is amber too; timing names the reason, being the more specific).
        for _ in 0..400 {
            at += rng.range(0, 990);
            items.push(ms(at));
        }
        let reqs: Vec<_> = items
            .iter()
            .map(|at| Request::new(*at, "search", "/search?q=a"))
            .collect();
        let vs = run(&reqs, &t);
        let amber_timing = vs
            .iter()
            .filter(|v| v.zone == Zone::Amber && v.reason == Some(Reason::Timing))
            .count();
        assert!(amber_timing > 0);
        let (_, red) = first_red(&vs).unwrap();
        assert_eq!(red.reason, Some(Reason::Escalation));
        assert_eq!(red.detail["threshold"]["after"], "timing");
        // Strikes were recorded once each, not on every amber request.
        let recorded_amber = vs
            .iter()
            .filter(|v| v.zone == Zone::Amber && v.record)
            .count();
        assert_eq!(recorded_amber, 2);
    }

    #[test]
    fn escalation_needs_repeated_amber_within_the_window() {
        let t = no_timing();
        let mut s = WindowState::default();
        // An amber episode: a burst of 95 searches in 57 s (velocity), then quiet.
        let burst = |s: &mut WindowState, start_ms: i64| -> Vec<Verdict> {
            (0..95)
                .map(|i| {
                    s.observe(
                        &Request::new(ms(start_ms + i * 600), "search", "/search?q=a"),
                        &t,
                    )
                })
                .collect()
        };
        let first = burst(&mut s, 0);
        assert!(first.iter().any(|v| v.zone == Zone::Amber));
        assert_eq!(first.iter().filter(|v| v.record).count(), 1);
        // Second episode 5 minutes later: still amber (two strikes), longer delay.
        let second = burst(&mut s, 300_000);
        let a = second.iter().find(|v| v.zone == Zone::Amber).unwrap();
        assert_eq!(a.signals.strikes, 2);
        assert_eq!(a.delay_ms, 2000);
        assert!(second.iter().all(|v| v.zone != Zone::Red));
        // Third within 15 minutes of the first: red by escalation.
        let third = burst(&mut s, 600_000);
        let (_, red) = first_red(&third).unwrap();
        assert_eq!(red.reason, Some(Reason::Escalation));
        assert!(red.newly_red());

        // The same three episodes spread over more than the window never go red.
        let mut s = WindowState::default();
        for start in [0, 960_000, 1_920_000] {
            assert!(burst(&mut s, start).iter().all(|v| v.zone != Zone::Red));
        }
    }

    #[test]
    fn a_red_client_stays_blocked_then_starts_afresh() {
        let t = Thresholds::default();
        let items = ascending_rtos(100, 1000);
        let mut s = WindowState::default();
        let vs: Vec<_> = reqs(&items, "rtos")
            .iter()
            .map(|r| s.observe(r, &t))
            .collect();
        assert!(vs[99].newly_red());
        let blocked = s.observe(&Request::new(ms(99_000 + 3_599_000), "search", "/s"), &t);
        assert_eq!(
            (blocked.zone, blocked.reason, blocked.record),
            (Zone::Red, Some(Reason::Sequential), false)
        );
        let after = s.observe(&Request::new(ms(99_000 + 3_600_000), "search", "/s"), &t);
        assert_eq!(after.zone, Zone::Green);
        assert_eq!(s.window_count, 1);
    }

    #[test]
    fn the_state_round_trips_as_json() {
        let items = ascending_rtos(40, 500);
        let mut s = WindowState::default();
        for r in reqs(&items, "rtos") {
            s.observe(&r, &Thresholds::default());
        }
        let back: WindowState = serde_json::from_value(serde_json::to_value(&s).unwrap()).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn lookup_codes_from_paths() {
        assert_eq!(lookup_code("/rto/45329"), Some("45329"));
        assert_eq!(
            lookup_code("/api/v1/units/BSBWHS311/releases"),
            Some("BSBWHS311")
        );
        assert_eq!(
            lookup_code("/qualifications/BSB50120?x=1"),
            Some("BSB50120")
        );
        assert_eq!(lookup_code("/search?q=BSB50120"), None);
        assert_eq!(lookup_code("/api/v1/search"), None);
        assert_eq!(lookup_code("/mcp"), None);
        assert_eq!(lookup_code("/rto/0022"), Some("0022"));
    }

    #[test]
    fn codes_compare_naturally() {
        assert_eq!(compare_codes("999", "1000"), Ordering::Less);
        assert_eq!(compare_codes("bsb40120", "BSB50120"), Ordering::Less);
        assert_eq!(compare_codes("BSBWHS311", "BSBWHS411"), Ordering::Less);
        assert_eq!(compare_codes("0022", "22"), Ordering::Equal);
        assert_eq!(compare_codes("BSB", "BSB1"), Ordering::Less);
        assert_eq!(compare_codes("CHC30121", "BSB50120"), Ordering::Greater);
    }

    #[test]
    fn thresholds_override_from_json_and_vars() {
        let t = Thresholds::from_json(r#"{"velocity_amber_per_minute": 120}"#).unwrap();
        assert_eq!(t.velocity_amber_per_minute, 120);
        assert_eq!(t.velocity_red_per_minute, 240);
        assert!(Thresholds::from_json(r#"{"velocity_amber": 1}"#).is_err());
        assert!(Thresholds::from_json(r#"{"velocity_amber_per_minute": 500}"#).is_err());

        let t = Thresholds::default()
            .with_vars([
                ("SEC02_SEQUENTIAL_RED_RUN", "200"),
                ("SEC02_TIMING_REGULAR_MAX_CV", "0.1"),
                ("PATH", "/usr/bin"),
            ])
            .unwrap();
        assert_eq!(t.sequential_red_run, 200);
        assert_eq!(t.timing_regular_max_cv, 0.1);
        assert_eq!(
            Thresholds::default().with_vars([("SEC02_NOPE", "1")]),
            Err(ThresholdError::UnknownSetting("SEC02_NOPE".into()))
        );
        assert!(Thresholds::default()
            .with_vars([("SEC02_SEQUENTIAL_RED_RUN", "lots")])
            .is_err());
        assert!(Thresholds::default()
            .with_vars([("SEC02_SEQUENTIAL_RED_RUN", "-1")])
            .is_err());
        let names = Thresholds::var_names();
        assert!(names.contains(&"SEC02_VELOCITY_AMBER_PER_MINUTE".to_owned()));
        assert_eq!(names.len(), 20);
        assert_eq!(Thresholds::default().validate(), Ok(()));
    }

    #[test]
    fn names_match_the_anomaly_log_checks() {
        let names: Vec<_> = Reason::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(
            names,
            ["velocity", "sequential", "breadth", "timing", "escalation"]
        );
        assert_eq!(
            serde_json::to_string(&Reason::Sequential).unwrap(),
            r#""sequential""#
        );
        assert_eq!(Reason::parse("timing"), Some(Reason::Timing));
        assert_eq!(serde_json::to_string(&Zone::Amber).unwrap(), r#""amber""#);
        assert_eq!(Action::LatencyInjected.as_str(), "latency_injected");
        assert_eq!(
            serde_json::to_string(&Surface::InternalApi).unwrap(),
            r#""internal-api""#
        );
        assert_eq!(ClientKey::Session("abc".into()).to_string(), "s:abc");
        assert_eq!(ClientKey::ApiKey("k1".into()).to_string(), "k:k1");
        assert_eq!(ClientKey::Anonymous("h".into()).to_string(), "a:h");
    }
}
