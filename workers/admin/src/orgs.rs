//! Organisations: find an RTO (the catalogue through internal-api), its client card
//! (`ops-db.rto_clients`), its workspace org and people (`engine-db-oc`), and the two
//! writes the runbook does by hand: make the RTO a client (every timestamp from the clock)
//! and link a person to its org (`users.org_id`, which L4 resolution follows).

use maud::{html, Markup};
use rtopacks_catalogue::{RtoDetail, SearchResults};
use rtopacks_domain::codes::RtoCode;
use rtopacks_domain::signin::{random_id, Email, IdKind, Role};
use rtopacks_edge::internal::InternalError;
use rtopacks_store::admin::{self, LinkOutcome, OrgRow};
use rtopacks_store::signin::{self, ClientRow, Person};
use rtopacks_store::StoreError;
use rtopacks_web::components::{
    definition_list, empty_state, external_link, get_form, post_form, status_badge, submit, table,
    Field, FormErrors, Row,
};
use rtopacks_web::form::{Query, CURSOR};
use rtopacks_web::{text, Html, Notice};
use worker::console_log;

use crate::ctx::Ctx;
use crate::routes::Form;
use crate::view::{self, dash, opt_text, opt_time, rto_link, seg, time, user_link};

/// Results per page of the RTO search.
const SEARCH_PER_PAGE: &str = "20";
/// Longest plan name.
const MAX_PLAN: usize = 40;

fn store_err(e: StoreError) -> worker::Error {
    worker::Error::RustError(e.to_string())
}

fn id_err(e: impl std::fmt::Display) -> worker::Error {
    worker::Error::RustError(format!("random id: {e}"))
}

// ---------------------------------------------------------------------------------------
// The browser.

pub async fn search(cx: &Ctx<'_>) -> worker::Result<Html> {
    let q = &cx.visit.query;
    let text_q = q.get("q").unwrap_or("");
    let mut errors = FormErrors::new();
    let mut notice = None;
    let mut results: Option<SearchResults> = None;
    if !text_q.is_empty() {
        let mut params = vec![
            ("q", text_q),
            ("kind", "rto"),
            ("per_page", SEARCH_PER_PAGE),
        ];
        if let Some(c) = q.get(CURSOR) {
            params.push((CURSOR, c));
        }
        let path = Query::from_pairs(params).href("/catalogue/search");
        match cx.internal()?.get::<SearchResults>(&path).await {
            Ok(r) => results = Some(r),
            Err(e) if e.status() == 400 => errors.add("q", e.public_detail()),
            Err(e) => notice = Some(Notice::error(e.public_detail())),
        }
    }
    let clients = admin::clients(&cx.ops()?).await.map_err(store_err)?;
    let body = html! {
        (errors.summary())
        (get_form("/organisations", html! {
            (Field::new("q", "Find an RTO").value(text_q)
                .hint("A name or an RTO code, like 45329").errors(&errors).maxlength(200).search())
            (submit("Search"))
        }))
        @if let Some(r) = &results {
            section aria-labelledby="results-heading" {
                h2 #results-heading { "RTOs matching “" (text_q) "”" }
                (hits(r))
                (view::pager("/organisations", q, CURSOR, r.next_cursor.as_deref(), "results"))
            }
        }
        section aria-labelledby="clients-heading" {
            h2 #clients-heading { "Clients" }
            (clients_table(&clients))
        }
        p { "People: " a href="/users" { "find a person" } "." }
    };
    let page = cx.page("Organisations", body);
    let page = match &notice {
        Some(n) => page.notice(n.clone()),
        None => page,
    };
    Ok(if !errors.is_empty() {
        view::status(page, 400)
    } else if notice.is_some() {
        view::status(page, 502)
    } else {
        view::ok(page)
    })
}

fn hits(r: &SearchResults) -> Markup {
    if r.results.is_empty() {
        return empty_state("No RTO matches.");
    }
    let rows: Vec<Row> = r
        .results
        .iter()
        .map(|h| {
            Row::new(vec![
                rto_link(&h.code, &h.code),
                html! { (h.title) },
                opt_text(h.legal_name.as_deref()),
                status_badge(h.status.as_str()),
                opt_text(h.state.map(|s| s.abbreviation())),
            ])
        })
        .collect();
    table(
        "RTOs",
        &["Code", "Name", "Legal name", "Status", "State"],
        &rows,
    )
}

fn client_status(c: &ClientRow) -> Markup {
    let active = c.is_client && c.client_status == "active";
    html! {
        (status_badge(if active { "active" } else { c.client_status.as_str() }))
        @if c.is_test { " " span.badge.badge-other { "test" } }
    }
}

fn clients_table(clients: &[ClientRow]) -> Markup {
    if clients.is_empty() {
        return empty_state("No RTO is a client yet. Find one above and add it from its card.");
    }
    let rows: Vec<Row> = clients
        .iter()
        .map(|c| {
            Row::new(vec![
                rto_link(&c.rto_code, &c.rto_code),
                client_status(c),
                opt_text(c.plan.as_deref()),
                opt_time(c.client_since.as_deref()),
                time(&c.updated_at),
            ])
        })
        .collect();
    table(
        "Client organisations, active first",
        &["RTO code", "Status", "Plan", "Client since", "Last change"],
        &rows,
    )
}

// ---------------------------------------------------------------------------------------
// The client card.

/// The two forms of the card, as typed, with their errors.
#[derive(Default)]
struct Drafts<'f> {
    plan: &'f str,
    email: &'f str,
    role: &'f str,
    errors: FormErrors,
}

fn parse_code(cx: &Ctx<'_>, code: &str) -> Result<RtoCode, Html> {
    RtoCode::parse(code).map_err(|_| {
        view::not_found(
            cx,
            "RTO codes are 1 to 8 digits, like 45329: there is no organisation page at this address.",
        )
    })
}

/// The RTO as the register has it: `Ok(None)` when the register does not know it.
async fn register(
    cx: &Ctx<'_>,
    code: &RtoCode,
) -> worker::Result<Result<Option<RtoDetail>, InternalError>> {
    let path = format!("/catalogue/rtos/{}", code.as_str());
    Ok(match cx.internal()?.get::<RtoDetail>(&path).await {
        Ok(d) => Ok(Some(d)),
        Err(e) if e.status() == 404 => Ok(None),
        Err(e) => Err(e),
    })
}

pub async fn card(cx: &Ctx<'_>, code: &str) -> worker::Result<Html> {
    let code = match parse_code(cx, code) {
        Ok(c) => c,
        Err(page) => return Ok(page),
    };
    render_card(cx, &code, &Drafts::default()).await
}

async fn render_card(cx: &Ctx<'_>, code: &RtoCode, drafts: &Drafts<'_>) -> worker::Result<Html> {
    let (ops, engine) = (cx.ops()?, cx.engine()?);
    let client = signin::client(&ops, code).await.map_err(store_err)?;
    let org = admin::org_for_rto(&engine, code).await.map_err(store_err)?;
    let people = match &org {
        Some(o) => signin::people_in_org(&engine, &o.id)
            .await
            .map_err(store_err)?,
        None => Vec::new(),
    };
    let corpus = register(cx, code).await?;
    if client.is_none() && org.is_none() && matches!(corpus, Ok(None)) {
        return Ok(view::not_found(
            cx,
            &format!(
                "No RTO, client or workspace organisation has the code {}.",
                code.as_str()
            ),
        ));
    }
    let title = match &corpus {
        Ok(Some(d)) => format!(
            "{} {}",
            code.as_str(),
            d.trading_name
                .as_deref()
                .or(d.legal_name.as_deref())
                .unwrap_or("")
        ),
        _ => format!("RTO {}", code.as_str()),
    };
    let base = format!("/organisations/{}", seg(code.as_str()));
    let e = &drafts.errors;
    let body = html! {
        (e.summary())
        section aria-labelledby="register-heading" {
            h2 #register-heading { "On the register" }
            @match &corpus {
                Ok(Some(d)) => (register_view(d)),
                Ok(None) => p { "The national register has no RTO " (code.as_str()) "." },
                Err(err) => p.error-text { (err.public_detail()) },
            }
        }
        section aria-labelledby="client-heading" {
            h2 #client-heading { "Client" }
            @match &client {
                Some(c) => (definition_list(&[
                    ("Status", client_status(c)),
                    ("Plan", opt_text(c.plan.as_deref())),
                    ("Client since", opt_time(c.client_since.as_deref())),
                    ("Row created", time(&c.created_at)),
                    ("Last change", time(&c.updated_at)),
                ])),
                None => p { "Not a client: no rto_clients row." },
            }
            @let action = format!("{base}/client");
            (post_form(&action, &cx.token(&action), html! {
                (Field::new("plan", "Plan").value(if drafts.plan.is_empty() {
                        client.as_ref().and_then(|c| c.plan.as_deref()).unwrap_or("essential")
                    } else { drafts.plan })
                    .hint("For example essential").errors(e).maxlength(MAX_PLAN as u32).required().text())
                (submit(if client.as_ref().is_some_and(|c| c.is_client && c.client_status == "active") {
                    "Update the plan"
                } else {
                    "Make this RTO an active client"
                }))
            }))
        }
        section aria-labelledby="org-heading" {
            h2 #org-heading { "Workspace organisation and people" }
            @match &org {
                Some(o) => (org_view(o)),
                None => p { "No workspace organisation holds this RTO code yet: linking the \
                             first person creates it, named as on the register." },
            }
            (people_table(&people))
            h3 { "Link a person" }
            @let action = format!("{base}/people");
            (post_form(&action, &cx.token(&action), html! {
                (Field::new("email", "Email address").value(drafts.email)
                    .hint("Their workspace sign-in address; a new person is added").errors(e)
                    .maxlength(254).autocomplete("off").required().email())
                (Field::new("role", "Role").value(if drafts.role.is_empty() { "member" } else { drafts.role })
                    .errors(e).select(&[("owner", "Owner"), ("admin", "Admin"), ("member", "Member")]))
                (submit("Link to this organisation"))
            }))
        }
    };
    let page = cx
        .page(&title, body)
        .breadcrumbs(&[("/organisations", "Organisations")]);
    let page = match view::done_notice(
        cx,
        &[
            (
                "client",
                "Saved: the RTO is an active client. Its linked people now resolve as L4.",
            ),
            (
                "linked",
                "Linked: the person now belongs to this organisation.",
            ),
            (
                "linked_not_allowed",
                "Linked. They are not on the allowlist yet: add their address or domain on the \
                 Access page so they can request a sign-in link.",
            ),
        ],
    ) {
        Some(n) => page.notice(n),
        None => page,
    };
    Ok(if e.is_empty() {
        view::ok(page)
    } else {
        view::status(page, 400)
    })
}

fn register_view(d: &RtoDetail) -> Markup {
    let web: Vec<Markup> = d
        .web_addresses
        .iter()
        .filter(|w| w.end_date.is_none())
        .map(|w| external_link(&w.url, &w.url))
        .collect();
    definition_list(&[
        ("Legal name", opt_text(d.legal_name.as_deref())),
        ("Trading name", opt_text(d.trading_name.as_deref())),
        ("Status", status_badge(d.status.as_str())),
        ("Register status", opt_text(d.register_status.as_deref())),
        ("ABN", opt_text(d.abn.as_deref())),
        (
            "Head office",
            opt_text(d.head_office_state.map(|s| s.abbreviation())),
        ),
        ("Regulator", opt_text(d.regulator.as_deref())),
        (
            "Restricted",
            html! { (if d.restricted { "Yes" } else { "No" }) },
        ),
        (
            "Scope",
            html! { (text::plural(d.scope.total, "item", "items")) " on scope" },
        ),
        (
            "CRICOS provider",
            match &d.cricos_provider {
                Some(p) => html! {
                    (p.provider_code) " " (opt_text(p.institution_name.as_deref())) ", "
                    (text::plural(p.courses.max(0) as u64, "course", "courses"))
                },
                None => dash(),
            },
        ),
        (
            "Web",
            if web.is_empty() {
                dash()
            } else {
                html! { @for (i, w) in web.iter().enumerate() { @if i > 0 { ", " } (w) } }
            },
        ),
        (
            "Full detail",
            if d.enriched {
                html! { "Fetched from the register" }
            } else {
                html! { "Not fetched yet: names and status come from the register walk" }
            },
        ),
    ])
}

fn org_view(o: &OrgRow) -> Markup {
    definition_list(&[
        ("Name", html! { (o.name) }),
        ("Organisation id", html! { code { (o.id) } }),
        ("Created", time(&o.created_at)),
    ])
}

fn people_table(people: &[Person]) -> Markup {
    if people.is_empty() {
        return empty_state("Nobody is linked to this organisation.");
    }
    let rows: Vec<Row> = people
        .iter()
        .map(|p| {
            Row::new(vec![
                user_link(&p.user_id, &p.email),
                opt_text(p.display_name.as_deref()),
                html! { (p.role.as_str()) },
                status_badge(if p.active { "active" } else { "disabled" }),
                opt_time(p.last_login_at.as_deref()),
            ])
        })
        .collect();
    table(
        "People in this organisation",
        &["Email", "Name", "Role", "Status", "Last sign-in"],
        &rows,
    )
}

// ---------------------------------------------------------------------------------------
// The writes.

/// `plan`: lower-case letters, digits, spaces, `-` and `_`.
fn check_plan(plan: &str) -> Result<String, &'static str> {
    let p = plan.trim().to_ascii_lowercase();
    if p.is_empty() {
        return Err("Enter the plan, for example essential.");
    }
    if p.chars().count() > MAX_PLAN
        || !p
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, ' ' | '-' | '_'))
    {
        return Err("A plan name is up to 40 letters, digits, spaces, hyphens or underscores.");
    }
    Ok(p)
}

pub async fn add_client(cx: &Ctx<'_>, code: &str, form: &Form) -> worker::Result<Html> {
    let code = match parse_code(cx, code) {
        Ok(c) => c,
        Err(page) => return Ok(page),
    };
    let mut drafts = Drafts {
        plan: form.get("plan"),
        ..Drafts::default()
    };
    let plan = match check_plan(drafts.plan) {
        Ok(p) => p,
        Err(msg) => {
            drafts.errors.add("plan", msg);
            return render_card(cx, &code, &drafts).await;
        }
    };
    // The runbook: the code must be an RTO on the register.
    match register(cx, &code).await? {
        Ok(Some(_)) => {}
        Ok(None) => {
            drafts.errors.add(
                "plan",
                format!(
                    "There is no RTO {} on the register, so it cannot become a client.",
                    code.as_str()
                ),
            );
            return render_card(cx, &code, &drafts).await;
        }
        Err(e) => {
            drafts.errors.add(
                "plan",
                format!(
                    "The register could not be checked just now, so nothing was saved. {}",
                    e.public_detail()
                ),
            );
            return render_card(cx, &code, &drafts).await;
        }
    }
    let row = signin::add_client(&cx.ops()?, &code, Some(&plan), cx.now)
        .await
        .map_err(store_err)?;
    console_log!(
        "admin: {} made RTO {} a client (plan {:?}, status {})",
        cx.who(),
        row.rto_code,
        row.plan,
        row.client_status
    );
    Ok(view::see_other(&format!(
        "/organisations/{}?done=client",
        seg(code.as_str())
    )))
}

pub async fn link_person(cx: &Ctx<'_>, code: &str, form: &Form) -> worker::Result<Html> {
    let code = match parse_code(cx, code) {
        Ok(c) => c,
        Err(page) => return Ok(page),
    };
    let mut drafts = Drafts {
        email: form.get("email"),
        role: form.get("role"),
        ..Drafts::default()
    };
    let email = Email::parse(drafts.email)
        .map_err(|e| drafts.errors.add("email", e.to_string()))
        .ok();
    let role = Role::parse(drafts.role);
    if role.is_none() {
        drafts.errors.add("role", "Choose Owner, Admin or Member.");
    }
    let (Some(email), Some(role)) = (email, role) else {
        return render_card(cx, &code, &drafts).await;
    };
    let (ops, engine) = (cx.ops()?, cx.engine()?);
    let org = match admin::org_for_rto(&engine, &code)
        .await
        .map_err(store_err)?
    {
        Some(o) => o,
        None => {
            // The first person: the org is created, named as the register names the RTO.
            let name = match register(cx, &code).await? {
                Ok(Some(d)) => d
                    .trading_name
                    .or(d.legal_name)
                    .unwrap_or_else(|| format!("RTO {}", code.as_str())),
                Ok(None) => {
                    drafts.errors.add(
                        "email",
                        format!(
                            "There is no RTO {} on the register and no workspace organisation \
                             for it, so there is nothing to link to.",
                            code.as_str()
                        ),
                    );
                    return render_card(cx, &code, &drafts).await;
                }
                Err(e) => {
                    drafts.errors.add(
                        "email",
                        format!(
                            "The register could not be read just now, so nothing was saved. {}",
                            e.public_detail()
                        ),
                    );
                    return render_card(cx, &code, &drafts).await;
                }
            };
            let new_id = random_id(IdKind::Org).map_err(id_err)?;
            let (org, created) = admin::ensure_org(&engine, &new_id, &name, &code, cx.now)
                .await
                .map_err(store_err)?;
            signin::mirror_org(&ops, &org.id, &org.name, Some(&code), cx.now)
                .await
                .map_err(store_err)?;
            if created {
                console_log!(
                    "admin: {} created org {} for RTO {}",
                    cx.who(),
                    org.id,
                    code.as_str()
                );
            }
            org
        }
    };
    let new_user = random_id(IdKind::User).map_err(id_err)?;
    match admin::link_email_to_org(&engine, &email, &org.id, role, &new_user, cx.now)
        .await
        .map_err(store_err)?
    {
        LinkOutcome::Linked { user_id, .. } => {
            console_log!(
                "admin: {} linked user {user_id} to org {} as {}",
                cx.who(),
                org.id,
                role.as_str()
            );
            let allowed = signin::is_allowed(&ops, &email).await.map_err(store_err)?;
            let done = if allowed {
                "linked"
            } else {
                "linked_not_allowed"
            };
            Ok(view::see_other(&format!(
                "/organisations/{}?done={done}",
                seg(code.as_str())
            )))
        }
        LinkOutcome::UserDisabled { .. } => {
            drafts.errors.add(
                "email",
                "That person's account is disabled, so they were not linked.",
            );
            render_card(cx, &code, &drafts).await
        }
        LinkOutcome::NoOrg => Err(worker::Error::RustError(format!(
            "org {} vanished while linking",
            org.id
        ))),
    }
}
