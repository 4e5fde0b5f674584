//! Re-trigger a sync: the runbook's `curl -X POST …/trigger`, from a button. The sync worker
//! is reached through its service binding with the Bearer `TRIGGER_TOKEN` it checks
//! (`edge::sync_worker::operator_only`, constant time); it resumes the unfinished cycle
//! from its phase pointer or starts a manual one, and its answer is shown as it came.

use maud::html;
use rtopacks_domain::sync::SyncKind;
use rtopacks_edge::bindings::secrets::TRIGGER_TOKEN;
use rtopacks_web::components::definition_list;
use rtopacks_web::{Html, Notice};
use serde::Deserialize;
use worker::{console_log, Headers, Method, Request, RequestInit};

use crate::ctx::Ctx;
use crate::view::{self, dash, run_link};

/// The syncs the console can re-trigger, in card order.
pub const KINDS: [SyncKind; 3] = [
    SyncKind::TgaSync,
    SyncKind::CricosSync,
    SyncKind::EnrichSync,
];

/// The service binding of a sync worker.
pub fn binding(kind: SyncKind) -> &'static str {
    match kind {
        SyncKind::TgaSync => "TGA_SYNC",
        SyncKind::CricosSync => "CRICOS_SYNC",
        SyncKind::EnrichSync => "ENRICH_SYNC",
    }
}

/// Whether this deployment binds the sync (dev binds none: the syncs have no dev twins).
pub fn bound(cx: &Ctx<'_>, kind: SyncKind) -> bool {
    cx.env.service(binding(kind)).is_ok()
}

/// `POST /trigger`'s answer: `{run_id, phase, status}`, `{status: "chain_failed", error}`,
/// `{status}` when the cycle finished at once, or the error envelope.
#[derive(Debug, Default, Deserialize)]
struct Answer {
    run_id: Option<String>,
    phase: Option<String>,
    status: Option<String>,
    error: Option<String>,
    #[serde(default)]
    errors: Vec<Detail>,
}

#[derive(Debug, Deserialize)]
struct Detail {
    detail: String,
}

pub async fn post(cx: &Ctx<'_>, sync_type: &str) -> worker::Result<Html> {
    let Some(kind) = SyncKind::from_sync_type(sync_type) else {
        return Ok(view::not_found(
            cx,
            "There is no sync by that name: the console re-triggers tga_sync, cricos_sync and \
             enrich_sync.",
        ));
    };
    let worker_name = kind.worker();
    let fetcher = match cx.env.service(binding(kind)) {
        Ok(f) => f,
        Err(_) => {
            return Ok(view::message(
                cx,
                503,
                "Re-trigger not available",
                &format!(
                    "{worker_name} is not bound to this console ({} is missing), so it cannot \
                     be re-triggered from here.",
                    binding(kind)
                ),
            ))
        }
    };
    let token = cx
        .env
        .secret(TRIGGER_TOKEN)
        .map(|s| s.to_string())
        .unwrap_or_default();
    if token.is_empty() {
        return Ok(view::message(
            cx,
            503,
            "Re-trigger not available",
            "This console has no TRIGGER_TOKEN secret, so the sync workers would refuse it.",
        ));
    }
    let headers = Headers::new();
    headers.set("Authorization", &format!("Bearer {token}"))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers);
    let req = Request::new_with_init(&format!("https://{worker_name}.internal/trigger"), &init)?;
    let (status, answer) = match fetcher.fetch_request(req).await {
        Ok(mut res) => {
            let code = res.status_code();
            let text = res.text().await.unwrap_or_default();
            (
                Some(code),
                serde_json::from_str::<Answer>(&text).unwrap_or_default(),
            )
        }
        Err(e) => {
            worker::console_error!("admin: trigger {worker_name}: {e}");
            (None, Answer::default())
        }
    };
    console_log!(
        "admin: {} re-triggered {worker_name}: HTTP {:?} {:?}",
        cx.who(),
        status,
        answer.status
    );

    let accepted = status.is_some_and(|s| (200..300).contains(&s));
    let notice = match (status, accepted, answer.status.as_deref()) {
        (None, _, _) => Notice::error(format!(
            "{worker_name} did not answer. Try again in a minute; its logs say why."
        )),
        (Some(401), _, _) => Notice::error(format!(
            "{worker_name} refused the console's trigger token (HTTP 401): the TRIGGER_TOKEN \
             secrets of the console and of {worker_name} differ."
        )),
        (Some(s), false, _) => Notice::error(format!(
            "{worker_name} refused the trigger (HTTP {s}): {}",
            answer
                .errors
                .first()
                .map_or("no reason given", |d| d.detail.as_str())
        )),
        (_, true, Some("chain_failed")) => Notice::error(format!(
            "{worker_name} could not queue its next phase (chain_failed); the run shows the \
             error. Try again in a minute."
        )),
        (_, true, Some("dispatched")) => Notice::success(format!(
            "{worker_name} accepted the trigger: the run continues in the background."
        )),
        (_, true, _) => Notice::success(format!("{worker_name} accepted the trigger.")),
    };
    let body = html! {
        (definition_list(&[
            ("Worker", html! { (worker_name) }),
            ("HTTP status", match status { Some(s) => html! { (s) }, None => html! { "no answer" } }),
            ("Answer", view::opt_text(answer.status.as_deref())),
            ("Run", match &answer.run_id { Some(r) => run_link(r), None => dash() }),
            ("Next phase", match &answer.phase { Some(p) => html! { code { (p) } }, None => dash() }),
            ("Error", view::opt_text(answer.error.as_deref())),
        ]))
        p { a href="/" { "Back to the observatory" } }
    };
    let page = cx
        .page(&format!("Re-trigger {worker_name}"), body)
        .breadcrumbs(&[("/", "Observatory")])
        .notice(notice);
    Ok(if accepted {
        view::ok(page)
    } else {
        view::status(page, 502)
    })
}
