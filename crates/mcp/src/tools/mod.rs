//! The tools: each declares its name, a title and description a model can use, a closed
//! `inputSchema` and an `outputSchema`, and answers with `structuredContent` matching it
//! plus a text rendering (a short summary, the source line, then the JSON).
//!
//! | Tool | Catalogue call |
//! |---|---|
//! | `search` | [`rtopacks_catalogue::search`] |
//! | `lookup` | [`rtopacks_catalogue::lookup`], or [`rtopacks_catalogue::rto()`] for an RTO code |
//! | `ladder` | [`rtopacks_catalogue::ladder()`] |
//! | `verify` | [`rtopacks_catalogue::verify()`] |
//! | `supersession_chain` | the chain part of [`rtopacks_catalogue::lookup`] |
//! | `scope_impact` | [`rtopacks_catalogue::supersession_impact`] |
//! | `cricos_courses` | [`rtopacks_catalogue::cricos_courses`] |

mod chain;
mod cricos;
mod impact;
mod ladder;
mod lookup;
mod output;
mod search;
mod verify;

use rtopacks_catalogue::{CatalogueError, Freshness, Page, Source};
use rtopacks_domain::codes::{NationalCode, RtoCode};
use rtopacks_store::Db;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::schema::{self, described};
use crate::Tier;

/// A tool's declaration.
pub(crate) struct ToolInfo {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub input: fn() -> Value,
    pub output: fn() -> Value,
}

const TOOLS: [ToolInfo; 7] = [
    search::INFO,
    lookup::INFO,
    ladder::INFO,
    verify::INFO,
    chain::INFO,
    impact::INFO,
    cricos::INFO,
];

/// The tools' names, in `tools/list` order.
pub const TOOL_NAMES: [&str; 7] = [
    "search",
    "lookup",
    "ladder",
    "verify",
    "supersession_chain",
    "scope_impact",
    "cricos_courses",
];

/// The `tools` of a `tools/list` answer.
pub fn tool_definitions() -> Vec<Value> {
    TOOLS
        .iter()
        .map(|t| {
            json!({
                "name": t.name,
                "title": t.title,
                "description": t.description,
                "inputSchema": (t.input)(),
                "outputSchema": (t.output)(),
                "annotations": {
                    "title": t.title,
                    "readOnlyHint": true,
                    "destructiveHint": false,
                    "idempotentHint": true,
                    "openWorldHint": false,
                },
            })
        })
        .collect()
}

/// The outcome of one `tools/call`.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCall {
    /// The `CallToolResult`: `content`, `isError`, and `structuredContent` on success.
    pub result: Value,
    pub is_error: bool,
    /// A store failure's detail, for the logs only.
    pub internal_error: Option<String>,
}

impl ToolCall {
    fn failed(message: String, internal_error: Option<String>) -> Self {
        ToolCall {
            result: json!({
                "content": [{ "type": "text", "text": message }],
                "isError": true,
            }),
            is_error: true,
            internal_error,
        }
    }
}

/// Run the tool `name` with `arguments` (absent = none) for a caller of `tier`. `None`
/// when there is no such tool (a JSON-RPC `-32602`); every other problem is a result with
/// `isError: true`.
pub async fn call_tool(
    db: &impl Db,
    name: &str,
    arguments: Option<&Map<String, Value>>,
    tier: Tier,
) -> Option<ToolCall> {
    let tool = TOOLS.iter().find(|t| t.name == name)?;
    let empty = Map::new();
    let args = arguments.unwrap_or(&empty);
    if let Err(why) = schema::check_arguments(&(tool.input)(), args) {
        return Some(ToolCall::failed(why, None));
    }
    let args = Args(args);
    let outcome = match tool.name {
        "search" => search::run(db, &args).await,
        "lookup" => lookup::run(db, &args, tier).await,
        "ladder" => ladder::run(db, &args).await,
        "verify" => verify::run(db, &args).await,
        "supersession_chain" => chain::run(db, &args).await,
        "scope_impact" => impact::run(db, &args).await,
        _ => cricos::run(db, &args).await,
    };
    Some(match outcome {
        Ok(answer) => answer.into_call(),
        Err(e @ CatalogueError::Store(_)) => ToolCall::failed(e.detail(), Some(e.to_string())),
        Err(e) => ToolCall::failed(e.detail(), None),
    })
}

/// A successful answer: the structured content (an object, `source` added) and the
/// summary for the text rendering.
pub(crate) struct Answer {
    structured: Map<String, Value>,
    summary: String,
    source: String,
}

impl Answer {
    /// `body` serialised, with `source` describing `freshness` (`registers`: the registers
    /// the tool reads, named when no row was used).
    fn new(
        body: &impl Serialize,
        summary: String,
        freshness: &Freshness,
        registers: &[Source],
    ) -> Result<Answer, CatalogueError> {
        let Ok(Value::Object(structured)) = serde_json::to_value(body) else {
            return Err(CatalogueError::Store(rtopacks_store::StoreError::Decode(
                "an answer did not serialise to a JSON object".to_owned(),
            )));
        };
        let source = source_note(freshness, registers);
        let mut a = Answer {
            structured,
            summary,
            source,
        };
        a.structured
            .insert("source".to_owned(), Value::from(a.source.clone()));
        Ok(a)
    }

    /// Add (or replace) a top-level field.
    fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.structured.insert(key.to_owned(), value.into());
        self
    }

    fn into_call(self) -> ToolCall {
        let structured = Value::Object(self.structured);
        let text = format!(
            "{}\nSource: {}.\n\nStructured result (JSON):\n{}",
            self.summary.trim_end(),
            self.source,
            structured
        );
        ToolCall {
            result: json!({
                "content": [{ "type": "text", "text": text }],
                "structuredContent": structured,
                "isError": false,
            }),
            is_error: false,
            internal_error: None,
        }
    }
}

/// The register as an answer cites it.
fn register_name(s: Source) -> &'static str {
    match s {
        Source::Tga => "training.gov.au (National Register)",
        Source::Cricos => "CRICOS (data.gov.au)",
    }
}

/// `training.gov.au (National Register), synced 2026-11-21T16:00:00Z; CRICOS …`: each
/// register the answer used, with the oldest sync time of its rows.
pub(crate) fn source_note(f: &Freshness, registers: &[Source]) -> String {
    if f.sources.is_empty() {
        let names: Vec<&str> = registers.iter().map(|s| register_name(*s)).collect();
        return format!(
            "{} as mirrored by RTOpacks; no rows matched, so no sync time applies",
            names.join(" and ")
        );
    }
    f.sources
        .iter()
        .map(|s| format!("{}, synced {}", register_name(s.source), s.synced_at))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Checked arguments (the schema check has run: types are right, names are known).
pub(crate) struct Args<'a>(&'a Map<String, Value>);

impl Args<'_> {
    fn str(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Value::as_str)
    }

    fn strs(&self, name: &str) -> Vec<&str> {
        self.0
            .get(name)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    fn u32(&self, name: &str) -> Option<u32> {
        let v = self.0.get(name)?;
        v.as_u64()
            .or_else(|| v.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as u64))
            .and_then(|n| u32::try_from(n).ok())
    }

    fn bool(&self, name: &str) -> Option<bool> {
        self.0.get(name).and_then(Value::as_bool)
    }

    /// `cursor` and `per_page`.
    fn page(&self) -> Page {
        Page {
            cursor: self.str("cursor").map(str::to_owned),
            per_page: self.u32("per_page"),
        }
    }

    /// A required national-code argument.
    fn national(&self, name: &str) -> Result<NationalCode, CatalogueError> {
        national_code(name, self.str(name).unwrap_or_default())
    }

    fn opt_national(&self, name: &str) -> Result<Option<NationalCode>, CatalogueError> {
        self.str(name).map(|s| national_code(name, s)).transpose()
    }

    fn opt_rto(&self, name: &str) -> Result<Option<RtoCode>, CatalogueError> {
        self.str(name).map(|s| rto_code(name, s)).transpose()
    }
}

fn national_code(name: &str, s: &str) -> Result<NationalCode, CatalogueError> {
    NationalCode::parse(s)
        .map_err(|e| CatalogueError::BadInput(format!("`{name}` is not a national code: {e}.")))
}

fn rto_code(name: &str, s: &str) -> Result<RtoCode, CatalogueError> {
    RtoCode::parse(s)
        .map_err(|e| CatalogueError::BadInput(format!("`{name}` is not an RTO code: {e}.")))
}

/// Only digits: an RTO code (national codes carry letters, e.g. `10942NAT`).
fn looks_like_rto(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

/// A not-found for a national code that looks like an RTO code says so.
fn hint_rto(e: CatalogueError, code: &NationalCode) -> CatalogueError {
    match e {
        CatalogueError::NotFound(d) if looks_like_rto(code.as_str()) => CatalogueError::NotFound(
            format!("{d} ({code} looks like an RTO code: `lookup` answers for RTOs.)"),
        ),
        e => e,
    }
}

// ---- input schema pieces shared by the tools -------------------------------------------

fn national_code_schema(text: &str) -> Value {
    described(
        schema::json_string_pattern("^\\s*[A-Za-z0-9]{3,15}\\s*$"),
        text,
    )
}

fn rto_code_schema(text: &str) -> Value {
    described(schema::json_string_pattern("^\\s*[0-9]{1,8}\\s*$"), text)
}

fn per_page_schema() -> Value {
    described(
        json!({
            "type": "integer",
            "minimum": 1,
            "maximum": rtopacks_catalogue::MAX_PER_PAGE,
            "default": rtopacks_catalogue::DEFAULT_PER_PAGE,
        }),
        "How many items per page (default 10, at most 100).",
    )
}

fn cursor_schema() -> Value {
    described(
        json!({ "type": "string", "minLength": 1 }),
        "The `next_cursor` of the previous page, to get the next one. Only valid with the same \
         other arguments.",
    )
}

// ---- text helpers ----------------------------------------------------------------------

fn kind_words(k: rtopacks_catalogue::Kind) -> &'static str {
    use rtopacks_catalogue::Kind::*;
    match k {
        Qualification => "qualification",
        Unit => "unit",
        SkillSet => "skill set",
        AccreditedCourse => "accredited course",
        TrainingPackage => "training package",
        Rto => "RTO",
    }
}

fn status_words(s: rtopacks_catalogue::Status) -> &'static str {
    use rtopacks_catalogue::Status::*;
    match s {
        Current => "current",
        Superseded => "superseded",
        Deleted => "deleted",
        NotCurrent => "not current",
    }
}

fn equivalence_words(e: Option<bool>) -> &'static str {
    match e {
        Some(true) => "equivalent",
        Some(false) => "not equivalent",
        None => "equivalence not published",
    }
}

/// The line that says how to get the next page, if there is one.
fn more_line(next_cursor: Option<&str>) -> String {
    match next_cursor {
        Some(c) => format!("\nMore: call again with the same arguments and cursor \"{c}\"."),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rtopacks_catalogue::SourceFreshness;

    #[test]
    fn the_source_line_names_each_register_and_its_sync_time() {
        let f = Freshness {
            synced_at: Some("2026-11-01T18:00:00Z".into()),
            sources: vec![
                SourceFreshness {
                    source: Source::Tga,
                    synced_at: "2026-11-21T16:00:00Z".into(),
                },
                SourceFreshness {
                    source: Source::Cricos,
                    synced_at: "2026-11-01T18:00:00Z".into(),
                },
            ],
        };
        assert_eq!(
            source_note(&f, &[Source::Tga]),
            "training.gov.au (National Register), synced 2026-11-21T16:00:00Z; \
             CRICOS (data.gov.au), synced 2026-11-01T18:00:00Z"
        );
        let none = Freshness {
            synced_at: None,
            sources: vec![],
        };
        assert!(source_note(&none, &[Source::Tga]).starts_with("training.gov.au"));
    }

    #[test]
    fn the_names_list_matches_the_tools() {
        let names: Vec<&str> = TOOLS.iter().map(|t| t.name).collect();
        assert_eq!(names, TOOL_NAMES);
    }
}
