//! `scope_impact`: the RTOs still carrying a (superseded) code on scope, and whether each
//! already has the replacement.

use rtopacks_catalogue::{supersession_impact, CatalogueError, Impact, Source};
use rtopacks_store::Db;
use serde_json::Value;

use super::output::{self, freshness};
use super::{
    cursor_schema, equivalence_words, hint_rto, more_line, national_code_schema, per_page_schema,
    status_words, Answer, Args, ToolInfo,
};
use crate::schema::{self, array, described, object, string};

pub(super) const INFO: ToolInfo = ToolInfo {
    name: "scope_impact",
    title: "Supersession impact on RTO scopes",
    description: "For a superseded qualification or unit: the RTOs whose current scope still \
        carries it, what replaces it and whether that is equivalent, and whether each RTO \
        already has a replacement on scope (`has_replacement`), a page of RTOs at a time. \
        For a current code it lists the RTOs that carry it.",
    input,
    output,
};

fn input() -> Value {
    schema::input(
        vec![
            (
                "code",
                national_code_schema("The national code, e.g. TAE40116 or BSBMGT517."),
            ),
            ("per_page", per_page_schema()),
            ("cursor", cursor_schema()),
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
        ("superseded_by", array(output::link())),
        ("replacements", array(output::replacement())),
        (
            "rtos",
            described(
                output::paged(output::offering_rto()),
                "RTOs with the code on current scope (total, and this page), each with `has_replacement`.",
            ),
        ),
        ("freshness", freshness()),
        ("source", output::source()),
    ])
}

pub(super) async fn run(db: &impl Db, args: &Args<'_>) -> Result<Answer, CatalogueError> {
    let code = args.national("code")?;
    let i = supersession_impact(db, &code, &args.page())
        .await
        .map_err(|e| hint_rto(e, &code))?;
    Answer::new(&i, summary(&i), &i.freshness, &[Source::Tga])
}

fn summary(i: &Impact) -> String {
    let mut s = format!("{} — {} ({}).", i.code, i.title, status_words(i.status));
    if !i.replacements.is_empty() {
        let r: Vec<String> = i
            .replacements
            .iter()
            .map(|r| format!("{} ({})", r.code, equivalence_words(r.is_equivalent)))
            .collect();
        s.push_str(&format!(" Replaced by {}.", r.join(", ")));
    }
    let total = i.rtos.total;
    s.push_str(&format!(
        "\n{total} RTO{} {} it on current scope",
        if total == 1 { "" } else { "s" },
        if total == 1 { "has" } else { "have" }
    ));
    if i.rtos.page.items.is_empty() {
        s.push('.');
        return s;
    }
    s.push(':');
    for r in &i.rtos.page.items {
        let name = r.name.as_deref().unwrap_or("(name not recorded)");
        let has = match r.has_replacement {
            Some(true) => "; has a replacement on scope",
            Some(false) if !i.replacements.is_empty() => "; no replacement on scope yet",
            _ => "",
        };
        s.push_str(&format!("\n- {} {name}{has}", r.rto_code));
    }
    s.push_str(&more_line(i.rtos.page.next_cursor.as_deref()));
    s
}
