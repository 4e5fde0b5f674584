//! API and MCP keys, administered by internal-api (`/admin/keys`), which needs an Access
//! identity: the console forwards the operator's own `Cf-Access-Jwt-Assertion`, so
//! internal-api logs the operator as the issuer or revoker. A new key is shown once, on
//! the answer to the form; the console never stores or logs it.

use maud::{html, Markup};
use rtopacks_domain::keys::{SCOPE_CATALOGUE_CONTACTS, SCOPE_CATALOGUE_READ};
use rtopacks_edge::internal::InternalError;
use rtopacks_edge::keys_kv::{KeySummary, MAX_OWNER_CHARS, MAX_RATE_LIMIT_PER_MINUTE};
use rtopacks_web::components::{
    empty_state, post_form, status_badge, submit, table, Field, FormErrors, Row,
};
use rtopacks_web::{Html, Notice};
use serde::Deserialize;
use serde_json::json;

use crate::ctx::Ctx;
use crate::routes::Form;
use crate::view::{self, opt_time, time};

#[derive(Deserialize)]
struct KeyList {
    keys: Vec<KeySummary>,
}

#[derive(Deserialize)]
struct Issued {
    key: String,
    record: KeySummary,
}

/// The issue form as typed.
struct Draft<'f> {
    kind: &'f str,
    owner: &'f str,
    scopes: Vec<&'f str>,
    rate: &'f str,
}

impl Default for Draft<'_> {
    fn default() -> Self {
        Draft {
            kind: "api",
            owner: "",
            scopes: vec![SCOPE_CATALOGUE_READ],
            rate: "60",
        }
    }
}

/// What to show besides the list: a new key (once), or problems.
#[derive(Default)]
struct Outcome<'f> {
    draft: Draft<'f>,
    errors: FormErrors,
    issued: Option<Issued>,
    notice: Option<Notice>,
}

pub async fn page(cx: &Ctx<'_>) -> worker::Result<Html> {
    render(cx, Outcome::default()).await
}

/// The refusal of internal-api in words the operator can act on.
fn explain(e: &InternalError) -> String {
    match e.status() {
        403 => format!(
            "internal-api refused this console's Cloudflare Access token ({}). Its ACCESS_AUD \
             must list the console's Access application.",
            e.public_detail()
        ),
        503 => "Key administration is not available on this deployment (internal-api binds \
                no key namespaces here, or cannot check Access just now)."
            .to_owned(),
        _ => e.public_detail(),
    }
}

async fn render(cx: &Ctx<'_>, out: Outcome<'_>) -> worker::Result<Html> {
    let listed = cx.internal()?.get::<KeyList>("/admin/keys").await;
    let d = &out.draft;
    let e = &out.errors;
    let body = html! {
        (e.summary())
        @if let Some(new) = &out.issued {
            section.notice.notice-success aria-labelledby="new-key-heading" {
                h2 #new-key-heading { "New " (new.record.kind.as_str()) " key for " (new.record.owner) }
                p { "Copy it now: this is the only time it is shown. RTOpacks keeps only its hash." }
                p { code #new-key { (new.key) } }
            }
        }
        section aria-labelledby="keys-heading" {
            h2 #keys-heading { "Keys" }
            @match &listed {
                Ok(list) => (keys_table(cx, &list.keys)),
                Err(err) => p.error-text { (explain(err)) },
            }
        }
        section aria-labelledby="issue-heading" {
            h2 #issue-heading { "Issue a key" }
            (post_form("/keys", &cx.token("/keys"), html! {
                (Field::new("kind", "Kind").value(d.kind).errors(e)
                    .select(&[("api", "API (api.rtopacks.com.au)"), ("mcp", "MCP (mcp.rtopacks.com.au)")]))
                (Field::new("owner", "Owner").value(d.owner)
                    .hint("Who it is for: an email address, an organisation or a label")
                    .errors(e).maxlength(MAX_OWNER_CHARS as u32).required().text())
                fieldset.field.field-error[e.get("scopes").is_some()] #scopes {
                    legend { "Scopes" }
                    @if let Some(msg) = e.get("scopes") {
                        span.error-text { span.visually-hidden { "Error: " } (msg) }
                    }
                    (Field::new("scopes", "catalogue:read — search and look up the catalogue")
                        .id("scope-read").value(SCOPE_CATALOGUE_READ)
                        .checkbox(d.scopes.contains(&SCOPE_CATALOGUE_READ)))
                    (Field::new("scopes", "catalogue:contacts — RTO contacts beyond the public view")
                        .id("scope-contacts").value(SCOPE_CATALOGUE_CONTACTS)
                        .checkbox(d.scopes.contains(&SCOPE_CATALOGUE_CONTACTS)))
                }
                (Field::new("rate", "Requests per minute").value(d.rate)
                    .hint("1 to 10,000").errors(e).maxlength(5).text())
                (submit("Issue key"))
            }))
        }
    };
    let page = cx.page("API and MCP keys", body);
    let page = match out.notice.clone().or_else(|| {
        view::done_notice(
            cx,
            &[(
                "revoked",
                "Revoked: the key stops working within about a minute everywhere.",
            )],
        )
    }) {
        Some(n) => page.notice(n),
        None => page,
    };
    Ok(if !e.is_empty() {
        view::status(page, 400)
    } else if out
        .notice
        .as_ref()
        .is_some_and(|n| n.kind == rtopacks_web::NoticeKind::Error)
    {
        view::status(page, 502)
    } else {
        view::ok(page)
    })
}

fn keys_table(cx: &Ctx<'_>, keys: &[KeySummary]) -> Markup {
    if keys.is_empty() {
        return empty_state("No key has been issued.");
    }
    let rows: Vec<Row> = keys
        .iter()
        .map(|k| {
            let action = format!("/keys/{}/revoke", k.id);
            Row::new(vec![
                html! { (k.kind.as_str()) },
                html! { code { (k.id) } },
                html! { (k.owner) },
                html! { (k.scopes.join(", ")) },
                html! { (k.rate_limit_per_minute) " / min" },
                time(&k.created_at),
                match &k.revoked_at {
                    Some(_) => status_badge("revoked"),
                    None => status_badge("active"),
                },
                opt_time(k.revoked_at.as_deref()),
                if k.revoked_at.is_none() {
                    post_form(
                        &action,
                        &cx.token(&action),
                        html! {
                            button type="submit" class="button button-danger"
                                aria-label={ "Revoke key " (k.id) } { "Revoke" }
                        },
                    )
                } else {
                    html! { "—" }
                },
            ])
            .dim(k.revoked_at.is_some())
        })
        .collect();
    table(
        "Keys (only their hashes are stored)",
        &[
            "Kind", "Id", "Owner", "Scopes", "Rate", "Issued", "State", "Revoked", "Action",
        ],
        &rows,
    )
}

pub async fn issue(cx: &Ctx<'_>, form: &Form) -> worker::Result<Html> {
    let draft = Draft {
        kind: form.get("kind"),
        owner: form.get("owner"),
        scopes: form.all("scopes").collect(),
        rate: form.get("rate"),
    };
    let mut errors = FormErrors::new();
    if !matches!(draft.kind, "api" | "mcp") {
        errors.add("kind", "Choose API or MCP.");
    }
    if draft.owner.is_empty() {
        errors.add("owner", "Enter who the key is for.");
    } else if draft.owner.chars().count() > MAX_OWNER_CHARS {
        errors.add(
            "owner",
            format!("Keep the owner to {MAX_OWNER_CHARS} characters or fewer."),
        );
    } else if draft.owner.chars().any(char::is_control) {
        errors.add("owner", "The owner must be plain text on one line.");
    }
    if draft.scopes.is_empty() {
        errors.add("scopes", "Choose at least one scope.");
    } else if draft
        .scopes
        .iter()
        .any(|s| ![SCOPE_CATALOGUE_READ, SCOPE_CATALOGUE_CONTACTS].contains(s))
    {
        errors.add("scopes", "Choose scopes from the list.");
    }
    let rate = match draft.rate.parse::<u32>() {
        Ok(n) if (1..=MAX_RATE_LIMIT_PER_MINUTE).contains(&n) => Some(n),
        _ => {
            errors.add(
                "rate",
                "Enter a whole number of requests per minute, from 1 to 10,000.",
            );
            None
        }
    };
    if !errors.is_empty() {
        return render(
            cx,
            Outcome {
                draft,
                errors,
                ..Outcome::default()
            },
        )
        .await;
    }
    let body = json!({
        "kind": draft.kind,
        "owner": draft.owner,
        "scopes": draft.scopes,
        "rate_limit_per_minute": rate,
    });
    match cx.internal()?.post::<Issued>("/admin/keys", &body).await {
        Ok(issued) => {
            worker::console_log!(
                "admin: {} issued {} key {} to {:?}",
                cx.who(),
                issued.record.kind.as_str(),
                issued.record.id,
                issued.record.owner
            );
            // Shown on this answer only: never redirected to, never cached.
            render(
                cx,
                Outcome {
                    notice: Some(Notice::success(
                        "Key issued. Copy it now: it is shown once.",
                    )),
                    issued: Some(issued),
                    ..Outcome::default()
                },
            )
            .await
        }
        Err(e) if e.status() == 400 => {
            errors.add("owner", e.public_detail());
            render(
                cx,
                Outcome {
                    draft,
                    errors,
                    ..Outcome::default()
                },
            )
            .await
        }
        Err(e) => {
            render(
                cx,
                Outcome {
                    draft,
                    notice: Some(Notice::error(format!("No key was issued. {}", explain(&e)))),
                    ..Outcome::default()
                },
            )
            .await
        }
    }
}

pub async fn revoke(cx: &Ctx<'_>, id: &str) -> worker::Result<Html> {
    let ok = id.len() == 16 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !ok {
        return Ok(view::not_found(
            cx,
            "That is not a key id (16 lower-case hex characters).",
        ));
    }
    match cx
        .internal()?
        .post::<serde::de::IgnoredAny>(&format!("/admin/keys/{id}/revoke"), &json!({}))
        .await
    {
        Ok(_) => {
            worker::console_log!("admin: {} revoked key {id}", cx.who());
            Ok(view::see_other("/keys?done=revoked"))
        }
        Err(e) if e.status() == 404 => Ok(view::not_found(cx, &format!("There is no key {id}."))),
        Err(e) => {
            render(
                cx,
                Outcome {
                    notice: Some(Notice::error(format!(
                        "The key was not revoked. {}",
                        explain(&e)
                    ))),
                    ..Outcome::default()
                },
            )
            .await
        }
    }
}
