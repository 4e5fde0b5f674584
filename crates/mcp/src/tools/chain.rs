//! `supersession_chain`: what a code replaced and what replaced it, both ways, with
//! equivalence and the current replacements.

use rtopacks_catalogue::{lookup, CatalogueError, ComponentDetail, Link, Source};
use rtopacks_store::Db;
use serde_json::{json, Value};

use super::output::{self, freshness};
use super::{
    equivalence_words, hint_rto, national_code_schema, status_words, Answer, Args, ToolInfo,
};
use crate::schema::{self, array, boolean, described, object, string};

pub(super) const INFO: ToolInfo = ToolInfo {
    name: "supersession_chain",
    title: "Supersession chain of a code",
    description: "The supersession chain of a qualification, unit, skill set or course, both \
        ways: what replaced it (and what replaced those), and what it replaced, each hop \
        with the register's equivalence (E = equivalent, N = not equivalent), mapping notes \
        and date; plus the current components it leads to. Use it to trace an old code to \
        today's one or to explain a transition.",
    input,
    output,
};

fn input() -> Value {
    schema::input(
        vec![(
            "code",
            national_code_schema("The national code, e.g. BSB51915 or TAE40116."),
        )],
        &["code"],
    )
}

fn output() -> Value {
    object(vec![
        ("code", string()),
        ("title", string()),
        ("kind", output::opt_kind()),
        ("status", output::status()),
        (
            "superseded_by",
            described(
                array(output::link()),
                "What replaced it, then what replaced those, nearest first (`depth` 1 = direct).",
            ),
        ),
        (
            "supersedes",
            described(
                array(output::link()),
                "What it replaced, and what those replaced, nearest first.",
            ),
        ),
        (
            "truncated",
            described(
                boolean(),
                "The walk stopped at its depth bound (a very long chain, or a cycle in the register's data).",
            ),
        ),
        (
            "replacements",
            described(
                array(output::replacement()),
                "The current components it leads to, with the whole path's equivalence.",
            ),
        ),
        ("freshness", freshness()),
        ("source", output::source()),
    ])
}

pub(super) async fn run(db: &impl Db, args: &Args<'_>) -> Result<Answer, CatalogueError> {
    let code = args.national("code")?;
    let d = lookup(db, &code).await.map_err(|e| hint_rto(e, &code))?;
    let body = json!({
        "code": d.code,
        "title": d.title,
        "kind": d.kind,
        "status": d.status,
        "superseded_by": d.supersession.superseded_by,
        "supersedes": d.supersession.supersedes,
        "truncated": d.supersession.truncated,
        "replacements": d.replacements,
        "freshness": d.freshness,
    });
    Answer::new(&body, summary(&d), &d.freshness, &[Source::Tga])
}

fn hop(l: &Link, far: &str) -> String {
    let mut s = format!(
        "{} → {} ({}",
        l.from,
        l.to,
        equivalence_words(l.is_equivalent)
    );
    if let Some(date) = &l.mapping_date {
        s.push_str(&format!(", {date}"));
    }
    s.push(')');
    if let Some(t) = &l.title {
        s.push_str(&format!(" — {far} {t}"));
        if let Some(st) = l.status {
            s.push_str(&format!(", {}", status_words(st)));
        }
    }
    s
}

fn summary(d: &ComponentDetail) -> String {
    let mut s = format!("{} — {} ({}).", d.code, d.title, status_words(d.status));
    let c = &d.supersession;
    if c.superseded_by.is_empty() {
        s.push_str("\nNothing has replaced it.");
    } else {
        s.push_str("\nReplaced by:");
        for l in &c.superseded_by {
            s.push_str(&format!("\n- {}", hop(l, &l.to)));
        }
    }
    if c.supersedes.is_empty() {
        s.push_str("\nIt replaced nothing recorded.");
    } else {
        s.push_str("\nIt replaced:");
        for l in &c.supersedes {
            s.push_str(&format!("\n- {}", hop(l, &l.from)));
        }
    }
    if c.truncated {
        s.push_str("\nThe chain is longer than shown (or loops in the register's data).");
    }
    if !d.replacements.is_empty() {
        let r: Vec<String> = d
            .replacements
            .iter()
            .map(|r| {
                format!(
                    "{} ({}, {} hop{})",
                    r.code,
                    equivalence_words(r.is_equivalent),
                    r.hops,
                    if r.hops == 1 { "" } else { "s" }
                )
            })
            .collect();
        s.push_str(&format!("\nCurrent replacement: {}.", r.join(", ")));
    }
    s
}
