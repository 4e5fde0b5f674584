//! `search`: ranked full-text search over the register.

use rtopacks_catalogue::{
    search, AqfLevel, CatalogueError, Hit, Kind, SearchParams, Source, State, Status,
    MAX_QUERY_CHARS,
};
use rtopacks_store::Db;
use serde_json::{json, Value};

use super::output::{self, freshness, next_cursor};
use super::{
    cursor_schema, kind_words, more_line, national_code_schema, per_page_schema, rto_code_schema,
    status_words, Answer, Args, ToolInfo,
};
use crate::schema::{self, array, described, integer, object, one_of_strings, opt_string, string};

pub(super) const INFO: ToolInfo = ToolInfo {
    name: "search",
    title: "Search the national VET register",
    description: "Find qualifications, units of competency, skill sets, accredited courses, \
        training packages and registered training organisations (RTOs) in the national \
        register of VET (training.gov.au) by words, a title, a name or a code. Results are \
        ranked: an exact code first, then exact titles or names, then the best text matches, \
        current before superseded. Filter by type, status, training package, AQF level, an \
        RTO's head-office state, or what is on an RTO's scope. Use `lookup` on a result's \
        code for its detail.",
    input,
    output,
};

fn input() -> Value {
    schema::input(
        vec![
            (
                "query",
                described(
                    json!({ "type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS }),
                    "Words, a title, an organisation's name or a code, e.g. \"diploma of \
                     leadership\", \"BSB50420\", \"45329\". Punctuation and search operators \
                     are ignored; the last word also matches as a prefix.",
                ),
            ),
            (
                "types",
                described(
                    json!({ "type": "array", "items": one_of_strings(&output::kind_names()), "maxItems": 6 }),
                    "Only these kinds of result (default: all).",
                ),
            ),
            (
                "status",
                described(
                    one_of_strings(&output::status_names()),
                    "Only results with this status (RTOs are current or not_current).",
                ),
            ),
            (
                "training_package",
                national_code_schema(
                    "Only training components of this training package, e.g. BSB. Not with `state`.",
                ),
            ),
            (
                "aqf_level",
                described(
                    one_of_strings(&output::aqf_names()),
                    "Only qualifications and accredited courses at this AQF level. Not with `state`.",
                ),
            ),
            (
                "state",
                described(
                    one_of_strings(&output::state_names()),
                    "Only RTOs whose head office is in this state or territory.",
                ),
            ),
            (
                "on_scope_of",
                rto_code_schema(
                    "Only training components on this RTO's current scope (an RTO code, e.g. \
                     45329). Not with `state`.",
                ),
            ),
            ("per_page", per_page_schema()),
            ("cursor", cursor_schema()),
        ],
        &["query"],
    )
}

fn hit() -> Value {
    object(vec![
        ("kind", output::kind()),
        ("code", string()),
        (
            "title",
            described(
                string(),
                "A component's title, or an RTO's trading name (else its legal name).",
            ),
        ),
        ("legal_name", opt_string()),
        ("status", output::status()),
        ("training_package", opt_string()),
        ("aqf_level", output::opt_aqf_level()),
        ("superseded_by", opt_string()),
        ("state", output::opt_state()),
        ("synced_at", string()),
    ])
}

fn output() -> Value {
    object(vec![
        ("query", string()),
        ("results", array(hit())),
        ("per_page", integer()),
        ("next_cursor", next_cursor()),
        ("freshness", freshness()),
        ("source", output::source()),
    ])
}

pub(super) async fn run(db: &impl Db, args: &Args<'_>) -> Result<Answer, CatalogueError> {
    let query = args.str("query").unwrap_or_default().to_owned();
    let p = SearchParams {
        q: query.clone(),
        kinds: args
            .strs("types")
            .into_iter()
            .map(Kind::parse)
            .collect::<Result<_, _>>()?,
        status: args.str("status").map(Status::parse).transpose()?,
        training_package: args.opt_national("training_package")?,
        aqf_level: args.str("aqf_level").map(AqfLevel::parse).transpose()?,
        state: args.str("state").map(State::parse).transpose()?,
        on_scope_of: args.opt_rto("on_scope_of")?,
        page: args.page(),
    };
    let r = search(db, &p).await?;
    let summary = summary(&query, &r.results, r.next_cursor.as_deref());
    Ok(Answer::new(&r, summary, &r.freshness, &[Source::Tga])?.with("query", query))
}

fn summary(query: &str, hits: &[Hit], next: Option<&str>) -> String {
    if hits.is_empty() {
        return format!("No results for {query:?}.");
    }
    let mut s = format!(
        "{} result{} for {query:?}:",
        hits.len(),
        if hits.len() == 1 { "" } else { "s" }
    );
    for h in hits {
        let mut notes = vec![
            kind_words(h.kind).to_owned(),
            status_words(h.status).to_owned(),
        ];
        if let Some(to) = &h.superseded_by {
            notes.push(format!("superseded by {to}"));
        }
        if let Some(level) = h.aqf_level {
            notes.push(level.name().to_owned());
        }
        if let Some(state) = h.state {
            notes.push(state.abbreviation().to_owned());
        }
        s.push_str(&format!(
            "\n- {} — {} ({})",
            h.code,
            h.title,
            notes.join(", ")
        ));
    }
    s.push_str(&more_line(next));
    s
}
