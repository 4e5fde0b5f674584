//! The sign-in allowlist (runbook "Add a User to the Allowlist"): who may request a
//! workspace magic link, by address or whole domain. Deactivating blocks new links only;
//! live sessions go on.

use maud::html;
use rtopacks_domain::signin::{AllowKind, AllowValue};
use rtopacks_store::signin::{self, AllowRow};
use rtopacks_store::StoreError;
use rtopacks_web::components::{
    empty_state, post_form, status_badge, submit, table, Field, FormErrors, Row,
};
use rtopacks_web::Html;
use worker::console_log;

use crate::ctx::Ctx;
use crate::routes::Form;
use crate::view::{self, opt_text, opt_time, time};

/// Longest label kept.
const MAX_LABEL: usize = 200;

fn store_err(e: StoreError) -> worker::Error {
    worker::Error::RustError(e.to_string())
}

/// What the add form holds (shown again with its errors).
#[derive(Default)]
struct Draft<'f> {
    kind: &'f str,
    value: &'f str,
    label: &'f str,
}

pub async fn page(cx: &Ctx<'_>) -> worker::Result<Html> {
    render(cx, &Draft::default(), &FormErrors::new()).await
}

async fn render(cx: &Ctx<'_>, draft: &Draft<'_>, errors: &FormErrors) -> worker::Result<Html> {
    let rows = signin::allowlist(&cx.ops()?).await.map_err(store_err)?;
    let body = html! {
        (errors.summary())
        p { "An address or a whole domain on this list may request a sign-in link at the \
             workspace. Deactivating an entry blocks new links; people already signed in stay \
             signed in until their session ends." }
        section aria-labelledby="add-heading" {
            h2 #add-heading { "Add an address or domain" }
            (post_form("/access", &cx.token("/access"), html! {
                (Field::new("kind", "Type").value(if draft.kind.is_empty() { "email" } else { draft.kind })
                    .errors(errors).select(&[("email", "Email (one person)"), ("domain", "Domain (a whole organisation)")]))
                (Field::new("value", "Email address or domain").value(draft.value)
                    .hint("For example kim@example.edu.au, or example.edu.au for everyone there")
                    .errors(errors).maxlength(254).required().text())
                (Field::new("label", "Label (optional)").value(draft.label)
                    .hint("Who this is, for the list: a name or an RTO").errors(errors)
                    .maxlength(MAX_LABEL as u32).text())
                (submit("Add"))
            }))
        }
        section aria-labelledby="list-heading" {
            h2 #list-heading { "The allowlist" }
            (list(cx, &rows))
        }
    };
    let page = cx.page("Access", body);
    let page = match view::done_notice(
        cx,
        &[
            (
                "added",
                "Saved: that address or domain may now request sign-in links.",
            ),
            (
                "deactivated",
                "Deactivated: no new sign-in links for that entry. Live sessions go on.",
            ),
            (
                "unchanged",
                "Nothing changed: that entry was already inactive or no longer exists.",
            ),
        ],
    ) {
        Some(n) => page.notice(n),
        None => page,
    };
    Ok(if errors.is_empty() {
        view::ok(page)
    } else {
        view::status(page, 400)
    })
}

fn list(cx: &Ctx<'_>, rows: &[AllowRow]) -> maud::Markup {
    if rows.is_empty() {
        return empty_state("Nobody is on the allowlist yet.");
    }
    let rows: Vec<Row> =
        rows.iter()
            .map(|r| {
                let action = format!("/access/{}/deactivate", r.id);
                Row::new(vec![
                html! { (r.kind.as_str()) },
                html! { (r.value) },
                opt_text(r.label.as_deref()),
                status_badge(if r.active { "active" } else { "inactive" }),
                html! { (time(&r.created_at)) @if let Some(by) = &r.created_by { " by " (by) } },
                opt_time(r.deactivated_at.as_deref()),
                // The button names its row for screen readers ("Deactivate kim@…").
                if r.active {
                    post_form(&action, &cx.token(&action), html! {
                        button type="submit" class="button button-danger"
                            aria-label={ "Deactivate " (r.value) } { "Deactivate" }
                    })
                } else {
                    html! { "—" }
                },
            ])
            .dim(!r.active)
            })
            .collect();
    table(
        "Allowlist entries, active first",
        &[
            "Type",
            "Value",
            "Label",
            "Status",
            "Added",
            "Deactivated",
            "Action",
        ],
        &rows,
    )
}

pub async fn add(cx: &Ctx<'_>, form: &Form) -> worker::Result<Html> {
    let draft = Draft {
        kind: form.get("kind"),
        value: form.get("value"),
        label: form.get("label"),
    };
    let mut errors = FormErrors::new();
    let kind = AllowKind::parse(draft.kind);
    if kind.is_none() {
        errors.add("kind", "Choose Email or Domain.");
    }
    let value = match kind {
        Some(_) if draft.value.is_empty() => {
            errors.add("value", "Enter the email address or domain to allow.");
            None
        }
        Some(k) => match AllowValue::parse(k, draft.value) {
            Ok(v) => Some(v),
            Err(e) => {
                errors.add("value", e.to_string());
                None
            }
        },
        None => None,
    };
    if draft.label.chars().count() > MAX_LABEL {
        errors.add(
            "label",
            format!("Keep the label to {MAX_LABEL} characters or fewer."),
        );
    } else if draft.label.chars().any(char::is_control) {
        errors.add("label", "The label must be plain text on one line.");
    }
    let Some(value) = value.filter(|_| errors.is_empty()) else {
        return render(cx, &draft, &errors).await;
    };
    let label = (!draft.label.is_empty()).then_some(draft.label);
    let row = signin::allow(&cx.ops()?, &value, label, &cx.who(), cx.now)
        .await
        .map_err(store_err)?;
    console_log!(
        "admin: {} allowed {} {} (entry {})",
        cx.who(),
        row.kind.as_str(),
        row.value,
        row.id
    );
    Ok(view::see_other("/access?done=added"))
}

pub async fn deactivate(cx: &Ctx<'_>, id: &str) -> worker::Result<Html> {
    let Ok(id) = id.parse::<i64>() else {
        return Ok(view::not_found(
            cx,
            "There is no allowlist entry with that number.",
        ));
    };
    let changed = signin::deactivate(&cx.ops()?, id, cx.now)
        .await
        .map_err(store_err)?;
    if changed {
        console_log!("admin: {} deactivated allowlist entry {id}", cx.who());
    }
    Ok(view::see_other(if changed {
        "/access?done=deactivated"
    } else {
        "/access?done=unchanged"
    }))
}
