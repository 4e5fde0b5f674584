//! The observatory (guide v2.0): cards, runs feed, steps drill-down, regulatory events and
//! the sentinel log, all read through `store::console`, whose cards and feed share one
//! OBS-ALIGN-01 rule, so a card and its run's row can never disagree.

use maud::{html, Markup};
use rtopacks_domain::sync::SyncKind;
use rtopacks_store::console::{
    self, Card, ConsoleError, EventFilter, EventRow, RunFilter, RunRow, SentinelRow, StepRow,
};
use rtopacks_web::components::{
    definition_list, empty_state, get_form, post_form, status_badge, submit, submit_kind, table,
    ButtonKind, Field, FormErrors, Row,
};
use rtopacks_web::form::{Query, CURSOR};
use rtopacks_web::Html;

use crate::ctx::Ctx;
use crate::trigger;
use crate::view::{self, dash, duration, excerpt, number, opt_text, opt_time, run_link, time};

/// Rows of the events and sentinel panels on the front page.
const PANEL_ROWS: u32 = 10;

fn store_err(e: ConsoleError) -> worker::Error {
    worker::Error::RustError(e.to_string())
}

/// A bad filter's message, or a store failure to raise.
fn bad_input(e: ConsoleError) -> Result<String, worker::Error> {
    match e {
        ConsoleError::BadInput(msg) => Ok(msg),
        other => Err(store_err(other)),
    }
}

/// The field a console filter message is about (the messages name it first).
fn field_of(msg: &str) -> &'static str {
    const FIELDS: [(&str, &str); 9] = [
        ("The run id prefix", "run"),
        ("The run id", "run"),
        ("The worker", "worker"),
        ("The status", "status"),
        ("The from date", "from"),
        ("The to date", "to"),
        ("The event type", "type"),
        ("The entity code", "code"),
        ("The page link", "results"),
    ];
    FIELDS
        .iter()
        .find(|(prefix, _)| msg.starts_with(prefix))
        .map_or("results", |(_, f)| f)
}

fn errors_for(msg: &str) -> FormErrors {
    let mut e = FormErrors::new();
    e.add(field_of(msg), msg);
    e
}

// ---------------------------------------------------------------------------------------
// The front page.

pub async fn home(cx: &Ctx<'_>) -> worker::Result<Html> {
    let ops = cx.ops()?;
    let now = cx.now_iso();
    let q = &cx.visit.query;
    let filter = RunFilter {
        run_id_prefix: q.get("run").map(str::to_owned),
        sync_type: q.get("worker").map(str::to_owned),
        status: q.get("status").map(str::to_owned),
        from: q.get("from").map(str::to_owned),
        to: q.get("to").map(str::to_owned),
        cursor: q.get(CURSOR).map(str::to_owned),
        per_page: None,
    };
    let cards = console::cards(&ops, &now).await.map_err(store_err)?;
    let feed = match console::runs(&ops, &filter, &now).await {
        Ok(page) => Ok(page),
        Err(e) => Err(bad_input(e)?),
    };
    let events = console::events(
        &ops,
        &EventFilter {
            per_page: Some(PANEL_ROWS),
            ..EventFilter::default()
        },
    )
    .await
    .map_err(store_err)?;
    let sentinel = console::sentinel(&ops, None, Some(PANEL_ROWS))
        .await
        .map_err(store_err)?;

    let errors = feed
        .as_ref()
        .err()
        .map(|m| errors_for(m))
        .unwrap_or_default();
    let body = html! {
        (errors.summary())
        section aria-labelledby="cards-heading" {
            h2 #cards-heading { "Syncs" }
            (cards_view(cx, &cards))
        }
        section aria-labelledby="runs-heading" {
            h2 #runs-heading { "Runs" }
            (run_filters(q, &errors, &cards))
            div #results {
                @match &feed {
                    Ok(page) => {
                        (runs_table(&page.items, "Runs, newest first"))
                        (view::pager("/", q, CURSOR, page.next_cursor.as_deref(), "runs"))
                    }
                    Err(msg) => { p.error-text { (msg) } }
                }
            }
        }
        section aria-labelledby="events-heading" {
            h2 #events-heading { "Regulatory events" }
            (events_table(&events.items, "Latest regulatory events"))
            p { a href="/events" { "All regulatory events" } }
        }
        section aria-labelledby="sentinel-heading" {
            h2 #sentinel-heading { "Sentinel log" }
            (sentinel_table(&sentinel.items, "Latest volume checks"))
            p { a href="/sentinel" { "The whole sentinel log" } }
        }
    };
    let page = cx.page("Observatory", body);
    Ok(if feed.is_err() {
        view::status(page, 400)
    } else {
        view::ok(page)
    })
}

/// One card per sync type that has run, plus the known syncs that never have.
fn cards_view(cx: &Ctx<'_>, cards: &[Card]) -> Markup {
    let known = trigger::KINDS;
    let missing: Vec<SyncKind> = known
        .iter()
        .copied()
        .filter(|k| !cards.iter().any(|c| c.sync_type == k.sync_type()))
        .collect();
    html! {
        ul.stats.cards {
            @for card in cards {
                li {
                    h3 { (card.sync_type) }
                    p { (status_badge(card.status.as_str())) }
                    @if card.stale {
                        p { strong { "Stale: " } "nothing has been written to this run for 30 minutes." }
                    }
                    p { "Latest run:" br; (run_link(&card.run_id)) }
                    p { "Started " (time(&card.started_at)) }
                    @if let Some(step) = &card.last_step {
                        p { "Last step: " code { (step) } }
                    }
                    @if let Some(err) = &card.error {
                        p { "Error: " code { (excerpt(err, 200)) } }
                    }
                    (trigger_button(cx, &card.sync_type))
                }
            }
            @for kind in &missing {
                li {
                    h3 { (kind.sync_type()) }
                    p { "No run yet." }
                    (trigger_button(cx, kind.sync_type()))
                }
            }
        }
    }
}

fn trigger_button(cx: &Ctx<'_>, sync_type: &str) -> Markup {
    let Some(kind) = SyncKind::from_sync_type(sync_type) else {
        return html! {};
    };
    if !trigger::bound(cx, kind) {
        return html! { p { "Re-trigger is not available here (" (trigger::binding(kind)) " is not bound)." } };
    }
    let action = format!("/trigger/{}", kind.sync_type());
    post_form(
        &action,
        &cx.token(&action),
        submit_kind(
            &format!("Re-trigger {}", kind.worker()),
            ButtonKind::Secondary,
        ),
    )
}

fn run_filters(q: &Query, errors: &FormErrors, cards: &[Card]) -> Markup {
    let mut workers: Vec<(String, String)> = vec![(String::new(), "Any worker".to_owned())];
    for k in trigger::KINDS {
        workers.push((k.sync_type().to_owned(), k.worker().to_owned()));
    }
    for c in cards {
        if !workers.iter().any(|(v, _)| *v == c.sync_type) {
            workers.push((c.sync_type.clone(), c.sync_type.clone()));
        }
    }
    let options: Vec<(&str, &str)> = workers
        .iter()
        .map(|(v, l)| (v.as_str(), l.as_str()))
        .collect();
    let value = |k: &str| q.get(k).unwrap_or("");
    get_form(
        "/",
        html! {
            div.filters {
                (Field::new("run", "Run id starts with").value(value("run"))
                    .hint("For example tga-sync-2026-11").errors(errors).maxlength(100).search())
                (Field::new("worker", "Worker").value(value("worker")).errors(errors).select(&options))
                (Field::new("status", "Status").value(value("status")).errors(errors).select(&[
                    ("", "Any status"), ("running", "Running"), ("complete", "Complete"),
                    ("partial", "Partial"), ("failed", "Failed"), ("stale", "Stale"),
                ]))
                (Field::new("from", "From date").value(value("from")).hint("YYYY-MM-DD")
                    .errors(errors).maxlength(10).text())
                (Field::new("to", "To date").value(value("to")).hint("YYYY-MM-DD")
                    .errors(errors).maxlength(10).text())
            }
            (submit("Search runs"))
            " "
            a href="/" { "Clear" }
        },
    )
}

fn runs_table(runs: &[RunRow], caption: &str) -> Markup {
    if runs.is_empty() {
        return empty_state("No run matches.");
    }
    let rows: Vec<Row> = runs
        .iter()
        .map(|r| {
            Row::new(vec![
                run_link(&r.run_id),
                html! { (r.sync_type) },
                html! { (r.triggered_by) },
                status_badge(r.status.as_str()),
                time(&r.created_at),
                duration(r.duration_secs),
                match r.failed_step.as_deref().or(r.last_step.as_deref()) {
                    Some(s) => html! { code { (s) } },
                    None => dash(),
                },
                match &r.error {
                    Some(e) => html! { (excerpt(e, 160)) },
                    None => dash(),
                },
            ])
            .dim(r.dimmed)
        })
        .collect();
    table(
        caption,
        &[
            "Run", "Worker", "Trigger", "Status", "Started", "Duration", "Step", "Error",
        ],
        &rows,
    )
}

fn events_table(events: &[EventRow], caption: &str) -> Markup {
    if events.is_empty() {
        return empty_state("No regulatory event.");
    }
    let rows: Vec<Row> = events
        .iter()
        .map(|e| {
            Row::new(vec![
                time(&e.created_at),
                html! { code { (e.event_type) } },
                html! { (e.entity_type) " " code { (e.entity_code) } },
                html! { (opt_text(e.old_value.as_deref())) " → " (opt_text(e.new_value.as_deref())) },
                opt_text(e.detail.as_deref()),
                match &e.run_id {
                    Some(r) => run_link(r),
                    None => dash(),
                },
            ])
        })
        .collect();
    table(
        caption,
        &["When", "Event", "Entity", "Change", "Detail", "Run"],
        &rows,
    )
}

fn pct(v: Option<f64>) -> Markup {
    match v {
        Some(p) => html! { (format!("{p:.1}")) " %" },
        None => dash(),
    }
}

fn sentinel_table(rows: &[SentinelRow], caption: &str) -> Markup {
    if rows.is_empty() {
        return empty_state("No volume check recorded.");
    }
    let rows: Vec<Row> = rows
        .iter()
        .map(|s| {
            Row::new(vec![
                time(&s.created_at),
                html! { (s.sync_type) },
                html! { code { (s.metric) } },
                number(s.baseline),
                number(s.observed),
                pct(s.drop_pct),
                pct(s.threshold_pct),
                opt_text(s.action.as_deref()),
                match &s.run_id {
                    Some(r) => run_link(r),
                    None => dash(),
                },
            ])
        })
        .collect();
    table(
        caption,
        &[
            "When",
            "Worker",
            "Metric",
            "Baseline",
            "Observed",
            "Drop",
            "Threshold",
            "Action",
            "Run",
        ],
        &rows,
    )
}

// ---------------------------------------------------------------------------------------
// A run's drill-down.

pub async fn run(cx: &Ctx<'_>, run_id: &str) -> worker::Result<Html> {
    if run_id.len() > 200 || run_id.chars().any(char::is_control) {
        return Ok(view::not_found(cx, "That is not a run id."));
    }
    let ops = cx.ops()?;
    let Some(d) = console::run_detail(&ops, run_id, &cx.now_iso())
        .await
        .map_err(store_err)?
    else {
        return Ok(view::not_found(
            cx,
            &format!("There is no run {run_id}. Search the runs feed on the observatory."),
        ));
    };
    let r = &d.run;
    let summary = definition_list(&[
        ("Worker", html! { (r.sync_type) }),
        ("Status", status_badge(r.status.as_str())),
        ("Triggered by", html! { (r.triggered_by) }),
        ("Started", time(&r.created_at)),
        ("Completed", opt_time(r.completed_at.as_deref())),
        ("Duration", duration(r.duration_secs)),
        (
            "Status read from",
            match &r.last_step {
                Some(s) => html! { code { (s) } },
                None => dash(),
            },
        ),
        ("Error", opt_text(r.error.as_deref())),
    ]);
    let more_events = d.events_next_cursor.as_deref().map(|c| {
        rtopacks_web::form::Query::from_pairs([("run", run_id), (CURSOR, c)]).href("/events")
    });
    let body = html! {
        @if r.dimmed { p { "This run started more than 7 days ago." } }
        (summary)
        section aria-labelledby="steps-heading" {
            h2 #steps-heading { "Steps" }
            (steps_table(&d.steps))
        }
        section aria-labelledby="run-events-heading" {
            h2 #run-events-heading { "Regulatory events of this run" }
            (events_table(&d.events, "Events this run detected, newest first"))
            @if let Some(href) = more_events {
                p { a href=(href) { "More events of this run" } }
            }
        }
        section aria-labelledby="run-sentinel-heading" {
            h2 #run-sentinel-heading { "Volume checks of this run" }
            (sentinel_table(&d.sentinel, "SENTINEL checks of this run"))
        }
    };
    let page = cx
        .page(&format!("Run {run_id}"), body)
        .breadcrumbs(&[("/", "Observatory")]);
    Ok(view::ok(page))
}

/// The step table keeps to one screen width: errors show their start and link to the
/// full text below it.
fn steps_table(steps: &[StepRow]) -> Markup {
    if steps.is_empty() {
        return empty_state("No step has been written for this run.");
    }
    let rows: Vec<Row> = steps
        .iter()
        .map(|s| {
            Row::new(vec![
                html! { code { (s.step) } },
                html! { (s.category.as_str()) },
                status_badge(&s.status),
                number(s.records_in),
                number(s.records_out),
                clock_time(s.started_at.as_deref()),
                duration(s.duration_secs),
                match &s.error {
                    Some(e) => html! {
                        (excerpt(e, 80)) " "
                        a href={ "#error-" (s.step) } { "Full error" span.visually-hidden { " of " (s.step) } }
                    },
                    None => dash(),
                },
            ])
        })
        .collect();
    let errors: Vec<(&str, Markup)> = steps
        .iter()
        .filter_map(|s| {
            s.error.as_deref().map(|e| {
                (
                    s.step.as_str(),
                    html! { span id={ "error-" (s.step) } { (e) } },
                )
            })
        })
        .collect();
    html! {
        (table(
            "Steps in the order they were first written",
            &["Step", "Category", "Status", "Records in", "Records out", "Started", "Duration", "Error"],
            &rows,
        ))
        @if !errors.is_empty() {
            h3 { "Errors in full" }
            (definition_list(&errors))
        }
    }
}

/// `16:00:05 UTC`, the date in the machine-readable value (a run's steps share its day).
fn clock_time(iso: Option<&str>) -> Markup {
    match iso.filter(|t| t.len() >= 19) {
        Some(t) => html! { time datetime=(t) { (&t[11..19]) " UTC" } },
        None => dash(),
    }
}

// ---------------------------------------------------------------------------------------
// The full feeds.

pub async fn events(cx: &Ctx<'_>) -> worker::Result<Html> {
    let q = &cx.visit.query;
    let filter = EventFilter {
        event_type: q.get("type").map(str::to_owned),
        entity_code: q.get("code").map(str::to_owned),
        run_id: q.get("run").map(str::to_owned),
        from: q.get("from").map(str::to_owned),
        to: q.get("to").map(str::to_owned),
        cursor: q.get(CURSOR).map(str::to_owned),
        per_page: None,
    };
    let feed = match console::events(&cx.ops()?, &filter).await {
        Ok(page) => Ok(page),
        Err(e) => Err(bad_input(e)?),
    };
    let errors = feed
        .as_ref()
        .err()
        .map(|m| errors_for(m))
        .unwrap_or_default();
    let value = |k: &str| q.get(k).unwrap_or("");
    let body = html! {
        (errors.summary())
        (get_form("/events", html! {
            div.filters {
                (Field::new("type", "Event type").value(value("type"))
                    .hint("For example status_change").errors(&errors).maxlength(64).text())
                (Field::new("code", "Code").value(value("code"))
                    .hint("An RTO, component or CRICOS code").errors(&errors).maxlength(200).text())
                (Field::new("run", "Run id").value(value("run")).errors(&errors).maxlength(200).text())
                (Field::new("from", "From date").value(value("from")).hint("YYYY-MM-DD")
                    .errors(&errors).maxlength(10).text())
                (Field::new("to", "To date").value(value("to")).hint("YYYY-MM-DD")
                    .errors(&errors).maxlength(10).text())
            }
            (submit("Filter events"))
            " "
            a href="/events" { "Clear" }
        }))
        div #results {
            @match &feed {
                Ok(page) => {
                    (events_table(&page.items, "Regulatory events, newest first"))
                    (view::pager("/events", q, CURSOR, page.next_cursor.as_deref(), "events"))
                }
                Err(msg) => { p.error-text { (msg) } }
            }
        }
    };
    let page = cx.page("Regulatory events", body);
    Ok(if feed.is_err() {
        view::status(page, 400)
    } else {
        view::ok(page)
    })
}

pub async fn sentinel(cx: &Ctx<'_>) -> worker::Result<Html> {
    let q = &cx.visit.query;
    let feed = match console::sentinel(&cx.ops()?, q.get(CURSOR), None).await {
        Ok(page) => Ok(page),
        Err(e) => Err(bad_input(e)?),
    };
    let body = html! {
        p { "SENTINEL-02 compares each register's live total with upstream's at the start of a \
             cycle; a drop beyond the threshold holds deletions back." }
        div #results {
            @match &feed {
                Ok(page) => {
                    (sentinel_table(&page.items, "Volume checks, newest first"))
                    (view::pager("/sentinel", q, CURSOR, page.next_cursor.as_deref(), "volume checks"))
                }
                Err(msg) => {
                    div.error-summary role="alert" {
                        h2 { "There is a problem" }
                        p { (msg) " " a href="/sentinel" { "Start from the first page." } }
                    }
                }
            }
        }
    };
    let page = cx.page("Sentinel log", body);
    Ok(if feed.is_err() {
        view::status(page, 400)
    } else {
        view::ok(page)
    })
}
