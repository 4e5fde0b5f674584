//! `lookup`: everything about one code — a training component by national code, or an
//! RTO by RTO code (digits only).

use rtopacks_catalogue::{
    lookup, rto, CatalogueError, ComponentDetail, NationalCode, RtoCode, RtoDetail, ScopeParams,
    Source, Tier,
};
use rtopacks_store::Db;
use serde_json::Value;

use super::output::{self, freshness};
use super::{
    cursor_schema, equivalence_words, kind_words, looks_like_rto, more_line, national_code,
    per_page_schema, rto_code, status_words, Answer, Args, ToolInfo,
};
use crate::schema::{self, described, json_string_pattern, nullable, object, one_of_strings};

pub(super) const INFO: ToolInfo = ToolInfo {
    name: "lookup",
    title: "Look up a code",
    description: "Everything RTOpacks knows about one code. A national code (qualification \
        BSB50420, unit BSBOPS501, skill set BSBSS00094, accredited course 10942NAT, training \
        package BSB) gives its title, status, releases, AQF level, unit grid (core and \
        elective units), supersession chain both ways with equivalence, the first RTOs with \
        it on scope and the CRICOS courses delivering it. An RTO code (digits, e.g. 45329) \
        gives the organisation's names, status, registration periods, regulator, \
        restrictions, addresses, web addresses, contacts (as far as the caller's access \
        allows), CRICOS provider and its current scope, a page at a time.",
    input,
    output,
};

fn input() -> Value {
    schema::input(
        vec![
            (
                "code",
                described(
                    json_string_pattern("^\\s*[A-Za-z0-9]{1,15}\\s*$"),
                    "A national code (e.g. BSB50420, BSBOPS501, 10942NAT, BSB) or an RTO code \
                     (digits, e.g. 45329).",
                ),
            ),
            (
                "per_page",
                described(
                    per_page_schema(),
                    "RTO codes only: how many scope items per page (default 10, at most 100).",
                ),
            ),
            (
                "cursor",
                described(
                    cursor_schema(),
                    "RTO codes only: the scope's `next_cursor`, for the next page of scope.",
                ),
            ),
        ],
        &["code"],
    )
}

fn output() -> Value {
    object(vec![
        (
            "record",
            described(
                one_of_strings(&["component", "rto"]),
                "Which of `component` and `rto` holds the answer (the other is null).",
            ),
        ),
        ("component", nullable(output::component_detail())),
        ("rto", nullable(output::rto_detail())),
        ("freshness", freshness()),
        ("source", output::source()),
    ])
}

pub(super) async fn run(
    db: &impl Db,
    args: &Args<'_>,
    tier: Tier,
) -> Result<Answer, CatalogueError> {
    let raw = args.str("code").unwrap_or_default();
    if looks_like_rto(raw) {
        let code = rto_code("code", raw)?;
        let scope = ScopeParams {
            page: args.page(),
            ..ScopeParams::default()
        };
        match rto(db, &code, tier, &scope).await {
            Ok(r) => return rto_answer(&r),
            // Digits that name no RTO may still be a (rare) all-digit national code.
            Err(CatalogueError::NotFound(why)) => {
                let Ok(national) = NationalCode::parse(raw) else {
                    return Err(CatalogueError::NotFound(why));
                };
                if args.str("cursor").is_some() {
                    return Err(CatalogueError::NotFound(why));
                }
                return match lookup(db, &national).await {
                    Ok(d) => component_answer(&d),
                    Err(CatalogueError::NotFound(_)) => Err(not_found(&code)),
                    Err(e) => Err(e),
                };
            }
            Err(e) => return Err(e),
        }
    }
    let code = national_code("code", raw)?;
    if args.str("cursor").is_some() {
        return Err(CatalogueError::BadInput(
            "`cursor` pages an RTO's scope. For the RTOs that have a national code on \
             scope, page with `scope_impact`; for its CRICOS courses, `cricos_courses`."
                .to_owned(),
        ));
    }
    component_answer(&lookup(db, &code).await?)
}

fn not_found(code: &RtoCode) -> CatalogueError {
    CatalogueError::NotFound(format!(
        "There is no RTO and no training component with code {code} in the national register mirror."
    ))
}

fn component_answer(d: &ComponentDetail) -> Result<Answer, CatalogueError> {
    let body = serde_json::json!({
        "record": "component",
        "component": d,
        "rto": Value::Null,
        "freshness": d.freshness,
    });
    Answer::new(&body, component_summary(d), &d.freshness, &[Source::Tga])
}

fn rto_answer(r: &RtoDetail) -> Result<Answer, CatalogueError> {
    let body = serde_json::json!({
        "record": "rto",
        "component": Value::Null,
        "rto": r,
        "freshness": r.freshness,
    });
    Answer::new(&body, rto_summary(r), &r.freshness, &[Source::Tga])
}

fn component_summary(d: &ComponentDetail) -> String {
    let kind = d.kind.map(kind_words).unwrap_or(d.component_type.as_str());
    let mut facts = vec![kind.to_owned(), status_words(d.status).to_owned()];
    if let Some(level) = d.aqf_level {
        facts.push(format!("AQF {}", level.name()));
    }
    if let Some(p) = &d.training_package {
        facts.push(match &p.title {
            Some(t) => format!("training package {} {t}", p.code),
            None => format!("training package {}", p.code),
        });
    }
    let mut s = format!("{} — {} ({}).", d.code, d.title, facts.join("; "));
    if let Some(r) = &d.latest_release {
        s.push_str(&format!("\nLatest release: {}", r.release_number));
        if let Some(date) = &r.release_date {
            s.push_str(&format!(" ({date})"));
        }
        s.push('.');
    }
    if let Some(g) = &d.unit_grid {
        let codes = |units: &[rtopacks_catalogue::GridUnit]| {
            units
                .iter()
                .map(|u| u.code.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        s.push_str(&format!(
            "\nUnits: {} core ({}); {} elective ({}).",
            g.core.len(),
            codes(&g.core),
            g.elective.len(),
            codes(&g.elective)
        ));
    }
    for l in d.supersession.superseded_by.iter().filter(|l| l.depth == 1) {
        s.push_str(&format!(
            "\nSuperseded by {} ({}).",
            l.to,
            equivalence_words(l.is_equivalent)
        ));
    }
    for l in d.supersession.supersedes.iter().filter(|l| l.depth == 1) {
        s.push_str(&format!(
            "\nSupersedes {} ({}).",
            l.from,
            equivalence_words(l.is_equivalent)
        ));
    }
    if !d.replacements.is_empty() && d.status != rtopacks_catalogue::Status::Current {
        let r: Vec<String> = d
            .replacements
            .iter()
            .map(|r| format!("{} ({})", r.code, equivalence_words(r.is_equivalent)))
            .collect();
        s.push_str(&format!("\nUse instead: {}.", r.join(", ")));
    }
    s.push_str(&format!(
        "\nOn the current scope of {} RTO{}; delivered by {} CRICOS course{}.",
        d.offered_by.total,
        if d.offered_by.total == 1 { "" } else { "s" },
        d.cricos_courses.total,
        if d.cricos_courses.total == 1 { "" } else { "s" },
    ));
    s
}

fn rto_summary(r: &RtoDetail) -> String {
    let name = r
        .trading_name
        .as_deref()
        .or(r.legal_name.as_deref())
        .unwrap_or("(no name recorded)");
    let mut s = format!("RTO {} — {name}", r.code);
    if let Some(legal) = r.legal_name.as_deref().filter(|l| *l != name) {
        s.push_str(&format!(" (legal name {legal})"));
    }
    s.push_str(&format!(": {}", status_words(r.status)));
    if let Some(state) = r.head_office_state {
        s.push_str(&format!(", head office in {}", state.abbreviation()));
    }
    if let Some(reg) = &r.regulator {
        s.push_str(&format!(", regulated by {reg}"));
    }
    s.push('.');
    if let Some(p) = r.registrations.first() {
        s.push_str(&format!(
            "\nRegistration: {} to {}.",
            p.start_date.as_deref().unwrap_or("?"),
            p.end_date.as_deref().unwrap_or("open-ended")
        ));
    }
    if r.restricted {
        let texts: Vec<&str> = r
            .restrictions
            .iter()
            .filter_map(|x| x.restriction.as_deref())
            .collect();
        s.push_str(&format!("\nRestricted: {}", texts.join(" ")));
        if texts.is_empty() {
            s.push_str("the register records a restriction.");
        }
    }
    s.push_str(&format!(
        "\nScope: {} current item{}; this page lists {}.",
        r.scope.total,
        if r.scope.total == 1 { "" } else { "s" },
        r.scope.items.len()
    ));
    if let Some(c) = &r.cricos_provider {
        s.push_str(&format!(
            "\nCRICOS provider {} ({} course{} registered).",
            c.provider_code,
            c.courses,
            if c.courses == 1 { "" } else { "s" }
        ));
    }
    s.push_str(&format!("\nContacts shown: {}", r.contacts.len()));
    if r.contacts_withheld > 0 {
        s.push_str(&format!("; withheld: {}", r.contacts_withheld));
    }
    s.push('.');
    if let Some(note) = r
        .contacts_note
        .as_deref()
        .filter(|_| r.contacts_withheld > 0)
    {
        s.push_str(&format!(" {note}"));
    }
    s.push_str(&more_line(r.scope.next_cursor.as_deref()));
    s
}
