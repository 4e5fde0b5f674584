//! People: the user list, and per user and per session the SEC-02 anomaly log and the API
//! access log (the runbook's two SQL queries after a red alert), each seek-paged on its own.

use maud::{html, Markup};
use rtopacks_store::access::{AccessRow, AnomalyRow};
use rtopacks_store::admin::{self, SessionRow};
use rtopacks_store::console::{self, ConsoleError, LogFilter, Page as Feed};
use rtopacks_store::signin::{self, UserRow};
use rtopacks_store::StoreError;
use rtopacks_web::components::{
    definition_list, empty_state, get_form, status_badge, submit, table, Field, FormErrors, Row,
};
use rtopacks_web::Html;

use crate::ctx::Ctx;
use crate::view::{
    self, dash, number, opt_text, opt_time, rto_link, seg, session_link, time, user_link,
};

/// The query parameters of the two logs' cursors.
const ANOMALY_CURSOR: &str = "anomalies";
const ACCESS_CURSOR: &str = "requests";

fn store_err(e: StoreError) -> worker::Error {
    worker::Error::RustError(e.to_string())
}

// ---------------------------------------------------------------------------------------
// The list.

pub async fn users(cx: &Ctx<'_>) -> worker::Result<Html> {
    let q = &cx.visit.query;
    let search = q.get("q").unwrap_or("");
    let mut errors = FormErrors::new();
    let page_no = match q.get("page") {
        None => 1,
        Some(p) => match p.parse::<u32>() {
            Ok(n) if (1..=10_000).contains(&n) => n,
            _ => {
                errors.add(
                    "q",
                    "The page number must be a whole number from 1 to 10,000.",
                );
                1
            }
        },
    };
    let found = signin::users(&cx.engine()?, search, page_no)
        .await
        .map_err(store_err)?;
    let rows: Vec<Row> = found
        .users
        .iter()
        .map(|u| {
            Row::new(vec![
                user_link(&u.id, &u.email),
                opt_text(u.display_name.as_deref()),
                match (&u.rto_code, &u.org_name) {
                    (Some(code), name) => rto_link(code, name.as_deref().unwrap_or(code)),
                    (None, Some(name)) => html! { (name) },
                    (None, None) => dash(),
                },
                status_badge(&u.status),
                time(&u.created_at),
                opt_time(u.last_login_at.as_deref()),
            ])
        })
        .collect();
    let href = |n: u32| {
        rtopacks_web::form::Query::from_pairs([("q", search.to_owned()), ("page", n.to_string())])
            .href("/users")
    };
    let body = html! {
        (errors.summary())
        (get_form("/users", html! {
            (Field::new("q", "Find a person").value(search)
                .hint("Part of an email address, a name or an organisation, or an RTO code")
                .errors(&errors).maxlength(254).search())
            (submit("Search"))
        }))
        @if rows.is_empty() {
            (empty_state("Nobody matches."))
        } @else {
            (table("People, by email address", &["Email", "Name", "Organisation", "Status", "Added", "Last sign-in"], &rows))
        }
        @if found.page > 1 || found.has_more {
            nav.pager aria-label="Pages of people" {
                @if found.page > 1 { a href=(href(found.page - 1)) { "Previous page" } }
                @if found.has_more { a href=(href(found.page + 1)) rel="next" { "Next page" } }
            }
        }
    };
    let page = cx.page("People", body);
    Ok(if errors.is_empty() {
        view::ok(page)
    } else {
        view::status(page, 400)
    })
}

// ---------------------------------------------------------------------------------------
// Logs.

/// The two logs of a user or a session: each page, or the message of a bad cursor.
struct Logs {
    anomalies: Result<Feed<AnomalyRow>, String>,
    access: Result<Feed<AccessRow>, String>,
}

fn bad(e: ConsoleError) -> Result<String, worker::Error> {
    match e {
        ConsoleError::BadInput(m) => Ok(m),
        ConsoleError::Store(e) => Err(store_err(e)),
    }
}

async fn logs(cx: &Ctx<'_>, user: Option<&str>, session: Option<&str>) -> worker::Result<Logs> {
    let ops = cx.ops()?;
    let q = &cx.visit.query;
    let filter = |cursor: &str| LogFilter {
        user_id: user.map(str::to_owned),
        session_id: session.map(str::to_owned),
        cursor: q.get(cursor).map(str::to_owned),
        per_page: Some(25),
    };
    let anomalies = match console::anomalies(&ops, &filter(ANOMALY_CURSOR)).await {
        Ok(p) => Ok(p),
        Err(e) => Err(bad(e)?),
    };
    let access = match console::access_log(&ops, &filter(ACCESS_CURSOR)).await {
        Ok(p) => Ok(p),
        Err(e) => Err(bad(e)?),
    };
    Ok(Logs { anomalies, access })
}

impl Logs {
    fn failed(&self) -> bool {
        self.anomalies.is_err() || self.access.is_err()
    }

    fn view(&self, cx: &Ctx<'_>, path: &str, show_session: bool) -> Markup {
        let q = &cx.visit.query;
        html! {
            section aria-labelledby="anomalies-heading" {
                h2 #anomalies-heading { "Anomaly log (SEC-02)" }
                @match &self.anomalies {
                    Ok(p) => {
                        (anomaly_table(&p.items, show_session))
                        (view::pager(path, q, ANOMALY_CURSOR, p.next_cursor.as_deref(), "anomalies"))
                    }
                    Err(m) => p.error-text { (m) }
                }
            }
            section aria-labelledby="requests-heading" {
                h2 #requests-heading { "API access log" }
                @match &self.access {
                    Ok(p) => {
                        (access_table(&p.items, show_session))
                        (view::pager(path, q, ACCESS_CURSOR, p.next_cursor.as_deref(), "requests"))
                    }
                    Err(m) => p.error-text { (m) }
                }
            }
        }
    }
}

fn anomaly_table(rows: &[AnomalyRow], show_session: bool) -> Markup {
    if rows.is_empty() {
        return empty_state("No anomaly recorded.");
    }
    let rows: Vec<Row> = rows
        .iter()
        .map(|a| {
            let mut cells = vec![
                time(&a.created_at),
                status_badge(&a.zone),
                html! { (a.trigger_reason) },
                html! { (a.action) },
                opt_text(a.detail.as_deref()),
            ];
            if show_session {
                cells.push(session_link(&a.session_id));
            }
            Row::new(cells)
        })
        .collect();
    let mut headers = vec!["When", "Zone", "Trigger", "Action", "Detail"];
    if show_session {
        headers.push("Session");
    }
    table("SEC-02 anomalies, newest first", &headers, &rows)
}

fn access_table(rows: &[AccessRow], show_session: bool) -> Markup {
    if rows.is_empty() {
        return empty_state("No request recorded.");
    }
    let rows: Vec<Row> = rows
        .iter()
        .map(|r| {
            let mut cells = vec![
                time(&r.timestamp),
                html! { (r.method) },
                html! { code { (r.endpoint) } },
                number(r.response_status),
                html! { (r.surface) },
                match r.latency_ms {
                    Some(ms) => html! { (ms) " ms" },
                    None => dash(),
                },
            ];
            if show_session {
                cells.push(match &r.session_id {
                    Some(s) => session_link(s),
                    None => dash(),
                });
            }
            Row::new(cells)
        })
        .collect();
    let mut headers = vec!["When", "Method", "Endpoint", "Status", "Surface", "Time"];
    if show_session {
        headers.push("Session");
    }
    table("Requests, newest first", &headers, &rows)
}

// ---------------------------------------------------------------------------------------
// One user, one session.

fn user_facts(u: &UserRow) -> Markup {
    definition_list(&[
        ("Email", html! { (u.email) }),
        ("Name", opt_text(u.display_name.as_deref())),
        ("User id", html! { code { (u.id) } }),
        (
            "Organisation",
            match (&u.rto_code, &u.org_name) {
                (Some(code), name) => rto_link(code, name.as_deref().unwrap_or(code)),
                (None, Some(name)) => html! { (name) },
                (None, None) => html! { "None" },
            },
        ),
        ("Status", status_badge(&u.status)),
        ("Added", time(&u.created_at)),
        ("Last sign-in", opt_time(u.last_login_at.as_deref())),
    ])
}

fn sessions_table(cx: &Ctx<'_>, sessions: &[SessionRow]) -> Markup {
    if sessions.is_empty() {
        return empty_state("No session.");
    }
    let rows: Vec<Row> = sessions
        .iter()
        .map(|s| {
            Row::new(vec![
                session_link(&s.id),
                status_badge(s.state(cx.now).as_str()),
                time(&s.created_at),
                opt_time(s.last_seen_at.as_deref()),
                opt_time(s.revoked_at.as_deref()),
                opt_text(s.revoke_reason.as_deref()),
            ])
        })
        .collect();
    table(
        "Sessions, newest first",
        &[
            "Session",
            "State",
            "Started",
            "Last seen",
            "Revoked",
            "Reason",
        ],
        &rows,
    )
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 200 && !id.chars().any(char::is_control)
}

pub async fn user(cx: &Ctx<'_>, id: &str) -> worker::Result<Html> {
    if !valid_id(id) {
        return Ok(view::not_found(cx, "That is not a user id."));
    }
    let engine = cx.engine()?;
    let Some(u) = admin::user(&engine, id).await.map_err(store_err)? else {
        return Ok(view::not_found(cx, &format!("There is no user {id}.")));
    };
    let sessions = admin::sessions_of_user(&engine, id)
        .await
        .map_err(store_err)?;
    let logs = logs(cx, Some(id), None).await?;
    let path = format!("/users/{}", seg(id));
    let body = html! {
        (user_facts(&u))
        section aria-labelledby="sessions-heading" {
            h2 #sessions-heading { "Sessions" }
            (sessions_table(cx, &sessions))
        }
        (logs.view(cx, &path, true))
    };
    let page = cx.page(&u.email, body).breadcrumbs(&[("/users", "People")]);
    Ok(if logs.failed() {
        view::status(page, 400)
    } else {
        view::ok(page)
    })
}

pub async fn session(cx: &Ctx<'_>, id: &str) -> worker::Result<Html> {
    if !valid_id(id) {
        return Ok(view::not_found(cx, "That is not a session id."));
    }
    let engine = cx.engine()?;
    let row = admin::session(&engine, id).await.map_err(store_err)?;
    let user = match &row {
        Some(s) => admin::user(&engine, &s.user_id).await.map_err(store_err)?,
        None => None,
    };
    let logs = logs(cx, None, Some(id)).await?;
    // A SEC-02 window of a revoked or purged session still has its logs: show them.
    let logged = matches!(&logs.anomalies, Ok(p) if !p.items.is_empty())
        || matches!(&logs.access, Ok(p) if !p.items.is_empty());
    if row.is_none() && !logged && !logs.failed() {
        return Ok(view::not_found(cx, &format!("There is no session {id}.")));
    }
    let path = format!("/sessions/{}", seg(id));
    let body = html! {
        @match &row {
            Some(s) => (definition_list(&[
                ("User", match &user {
                    Some(u) => user_link(&u.id, &u.email),
                    None => html! { code { (s.user_id) } },
                }),
                ("State", status_badge(s.state(cx.now).as_str())),
                ("Started", time(&s.created_at)),
                ("Last seen", opt_time(s.last_seen_at.as_deref())),
                ("Idle expiry", time(&s.idle_expires_at)),
                ("Absolute expiry", time(&s.absolute_expires_at)),
                ("Revoked", opt_time(s.revoked_at.as_deref())),
                ("Revoke reason", opt_text(s.revoke_reason.as_deref())),
                ("Browser", opt_text(s.user_agent.as_deref())),
            ])),
            None => p { "The session itself is gone (purged or archived); its logs remain." },
        }
        (logs.view(cx, &path, false))
    };
    let mut crumbs = vec![("/users", "People")];
    let user_href = user
        .as_ref()
        .map(|u| (format!("/users/{}", seg(&u.id)), u.email.clone()));
    if let Some((href, label)) = &user_href {
        crumbs.push((href.as_str(), label.as_str()));
    }
    let page = cx.page(&format!("Session {id}"), body).breadcrumbs(&crumbs);
    Ok(if logs.failed() {
        view::status(page, 400)
    } else {
        view::ok(page)
    })
}
