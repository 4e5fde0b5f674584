//! `ladder`: a training package's qualifications by AQF level.

use rtopacks_catalogue::{ladder, CatalogueError, Ladder, LadderEntry, Source};
use rtopacks_store::Db;
use serde_json::{json, Value};

use super::output::{self, freshness};
use super::{equivalence_words, national_code_schema, status_words, Answer, Args, ToolInfo};
use crate::schema::{self, array, described, integer, object, opt_boolean, opt_string, string};

pub(super) const INFO: ToolInfo = ToolInfo {
    name: "ladder",
    title: "AQF ladder of a training package",
    description: "The qualifications of one training package (e.g. BSB, CHC, SIT) arranged \
        by AQF level, from Certificate I to Graduate Diploma: the pathway a learner can climb \
        within the package. Current qualifications only, unless `include_superseded` is true \
        (superseded ones are then marked with what replaced them and whether that is \
        equivalent).",
    input,
    output,
};

fn input() -> Value {
    schema::input(
        vec![
            (
                "training_package",
                national_code_schema("The training package's code, e.g. BSB."),
            ),
            (
                "include_superseded",
                described(
                    json!({ "type": "boolean", "default": false }),
                    "Also list superseded qualifications (default false).",
                ),
            ),
        ],
        &["training_package"],
    )
}

fn entry() -> Value {
    object(vec![
        ("code", string()),
        ("title", string()),
        ("status", output::status()),
        ("superseded_by", opt_string()),
        ("superseded_by_equivalent", opt_boolean()),
        ("latest_release_number", opt_string()),
    ])
}

fn output() -> Value {
    object(vec![
        ("training_package", string()),
        ("title", opt_string()),
        (
            "rungs",
            described(
                array(object(vec![
                    ("level", output::aqf_level()),
                    ("framework_level", integer()),
                    ("qualifications", array(entry())),
                ])),
                "Lowest level first; only the levels the package has.",
            ),
        ),
        (
            "unlevelled",
            described(
                array(entry()),
                "Qualifications whose AQF level is not recorded.",
            ),
        ),
        ("freshness", freshness()),
        ("source", output::source()),
    ])
}

pub(super) async fn run(db: &impl Db, args: &Args<'_>) -> Result<Answer, CatalogueError> {
    let package = args.national("training_package")?;
    let include_superseded = args.bool("include_superseded").unwrap_or(false);
    let l = ladder(db, &package, include_superseded).await?;
    Answer::new(&l, summary(&l), &l.freshness, &[Source::Tga])
}

fn line(q: &LadderEntry) -> String {
    let mut s = format!("{} {}", q.code, q.title);
    if q.status != rtopacks_catalogue::Status::Current {
        s.push_str(&format!(" ({}", status_words(q.status)));
        if let Some(to) = &q.superseded_by {
            s.push_str(&format!(
                " by {to}, {}",
                equivalence_words(q.superseded_by_equivalent)
            ));
        }
        s.push(')');
    }
    s
}

fn summary(l: &Ladder) -> String {
    let count: usize = l
        .rungs
        .iter()
        .map(|r| r.qualifications.len())
        .sum::<usize>()
        + l.unlevelled.len();
    let mut s = format!(
        "{}{} — {count} qualification{}:",
        l.training_package,
        l.title
            .as_deref()
            .map(|t| format!(" {t}"))
            .unwrap_or_default(),
        if count == 1 { "" } else { "s" }
    );
    for r in &l.rungs {
        let qs: Vec<String> = r.qualifications.iter().map(line).collect();
        s.push_str(&format!(
            "\n- {} (AQF {}): {}",
            r.level.name(),
            r.framework_level,
            qs.join("; ")
        ));
    }
    if !l.unlevelled.is_empty() {
        let qs: Vec<String> = l.unlevelled.iter().map(line).collect();
        s.push_str(&format!("\n- Level not recorded: {}", qs.join("; ")));
    }
    s
}
