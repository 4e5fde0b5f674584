//! `verify`: is a code current, what replaces it, is it on an RTO's scope.

use rtopacks_catalogue::{verify, CatalogueError, Source};
use rtopacks_store::Db;
use serde_json::Value;

use super::output::{self, freshness};
use super::{hint_rto, national_code_schema, rto_code_schema, Answer, Args, ToolInfo};
use crate::schema::{self, array, boolean, described, nullable, object, opt_string, string};

pub(super) const INFO: ToolInfo = ToolInfo {
    name: "verify",
    title: "Verify a code",
    description: "Check one national code: is it current; if not, what replaces it and is the \
        replacement equivalent (E) or not (N); and, when an RTO code is given, is the code on \
        that RTO's current scope (and does the RTO already have the replacement). Answers \
        in data and in one plain sentence (`summary`).",
    input,
    output,
};

fn input() -> Value {
    schema::input(
        vec![
            (
                "code",
                national_code_schema("The national code to check, e.g. BSB50420 or BSBOPS501."),
            ),
            (
                "rto_code",
                rto_code_schema("Also check this RTO's scope (an RTO code, e.g. 45329)."),
            ),
        ],
        &["code"],
    )
}

fn output() -> Value {
    object(vec![
        ("code", string()),
        ("title", string()),
        ("kind", output::opt_kind()),
        ("status", output::status()),
        ("is_current", boolean()),
        (
            "superseded_by",
            described(
                array(output::link()),
                "The direct successors, with equivalence and notes.",
            ),
        ),
        (
            "replacements",
            described(
                array(output::replacement()),
                "The current components it leads to, with the whole path's equivalence.",
            ),
        ),
        (
            "scope",
            described(
                nullable(object(vec![
                    ("rto_code", string()),
                    ("rto_name", opt_string()),
                    ("rto_status", output::opt_status()),
                    ("on_scope", boolean()),
                    ("lapsed", boolean()),
                    ("extent", nullable(output::extent())),
                    ("is_implicit", boolean()),
                    ("end_date", opt_string()),
                    ("replacements_on_scope", array(string())),
                ])),
                "Present when `rto_code` was given.",
            ),
        ),
        (
            "summary",
            described(string(), "The answer in one sentence."),
        ),
        ("freshness", freshness()),
        ("source", output::source()),
    ])
}

pub(super) async fn run(db: &impl Db, args: &Args<'_>) -> Result<Answer, CatalogueError> {
    let code = args.national("code")?;
    let rto = args.opt_rto("rto_code")?;
    let v = verify(db, &code, rto.as_ref())
        .await
        .map_err(|e| hint_rto(e, &code))?;
    Answer::new(&v, v.summary.clone(), &v.freshness, &[Source::Tga])
}
