//! `cricos_courses`: CRICOS courses whose VET National Code is a code.

use rtopacks_catalogue::{cricos_courses, CatalogueError, CricosCourses, Source};
use rtopacks_store::Db;
use serde_json::Value;

use super::output::{self, freshness};
use super::{
    cursor_schema, hint_rto, more_line, national_code_schema, per_page_schema, Answer, Args,
    ToolInfo,
};
use crate::schema::{self, described, object, opt_string, string};

pub(super) const INFO: ToolInfo = ToolInfo {
    name: "cricos_courses",
    title: "CRICOS courses delivering a qualification",
    description: "The courses registered on CRICOS (the register of courses offered to \
        international students in Australia) whose VET National Code is the given \
        qualification or accredited course: provider, duration, fees (in cents, AUD), \
        language and the states they are taught in, a page at a time.",
    input,
    output,
};

fn input() -> Value {
    schema::input(
        vec![
            (
                "code",
                national_code_schema(
                    "The qualification's or accredited course's national code, e.g. BSB50420.",
                ),
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
        (
            "title",
            described(
                opt_string(),
                "The component's title, when the national register mirror holds it.",
            ),
        ),
        ("courses", output::paged(output::cricos_course())),
        ("freshness", freshness()),
        ("source", output::source()),
    ])
}

pub(super) async fn run(db: &impl Db, args: &Args<'_>) -> Result<Answer, CatalogueError> {
    let code = args.national("code")?;
    let c = cricos_courses(db, &code, &args.page())
        .await
        .map_err(|e| hint_rto(e, &code))?;
    Answer::new(
        &c,
        summary(&c),
        &c.freshness,
        &[Source::Cricos, Source::Tga],
    )
}

/// `$10,400.00` from cents.
fn dollars(cents: i64) -> String {
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("${grouped}.{:02}", (cents % 100).abs())
}

fn summary(c: &CricosCourses) -> String {
    let total = c.courses.total;
    let mut s = format!(
        "{total} CRICOS course{} deliver{} {}{}",
        if total == 1 { "" } else { "s" },
        if total == 1 { "s" } else { "" },
        c.code,
        c.title
            .as_deref()
            .map(|t| format!(" {t}"))
            .unwrap_or_default()
    );
    if c.courses.page.items.is_empty() {
        s.push('.');
        return s;
    }
    s.push(':');
    for k in &c.courses.page.items {
        let mut facts = vec![format!(
            "{} ({})",
            k.provider_name.as_deref().unwrap_or("provider"),
            k.provider_code
        )];
        if let Some(w) = k.duration_weeks {
            facts.push(format!("{w} weeks"));
        }
        if let Some(fee) = k.tuition_fee_cents {
            facts.push(format!("tuition {}", dollars(fee)));
        }
        if !k.location_states.is_empty() {
            facts.push(k.location_states.join("/"));
        }
        if k.expired == Some(true) {
            facts.push("expired".to_owned());
        }
        s.push_str(&format!(
            "\n- {} {} — {}",
            k.course_code,
            k.course_name.as_deref().unwrap_or(""),
            facts.join(", ")
        ));
    }
    s.push_str(&more_line(c.courses.page.next_cursor.as_deref()));
    s
}

#[cfg(test)]
mod tests {
    use super::dollars;

    #[test]
    fn fees_read_as_dollars() {
        assert_eq!(dollars(1_040_000), "$10,400.00");
        assert_eq!(dollars(99), "$0.99");
        assert_eq!(dollars(123_456_789), "$1,234,567.89");
    }
}
