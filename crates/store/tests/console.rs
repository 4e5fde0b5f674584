//! The admin console's read models against the real ops-db migrations (D1's limits on):
//! OBS-ALIGN-01's one rule on the card and the log (the trf02 disagreement and the
//! pending-row case reproduced with the old queries, then fixed), the SQL agreeing with
//! `domain::observatory::shown` on generated runs, the feeds' filters and seek paging, and
//! every statement's query plan.

use futures::executor::block_on;
use rtopacks_domain::anomaly::Surface;
use rtopacks_domain::observatory::{
    shown, stale_cutoff, RunFacts, RunStatus, StepCategory, StepFacts, StepStatus, TriggeredBy,
};
use rtopacks_domain::sync::SyncKind;
use rtopacks_domain::time::{iso, parse_iso};
use rtopacks_store::access::{log_access, AccessEntry};
use rtopacks_store::console::{
    self, access_log, anomalies, cards, events, run_detail, runs, sentinel, ConsoleError,
    EventFilter, LogFilter, RunFilter,
};
use rtopacks_store::observatory::{sweep_stuck_steps, upsert_step, StepWrite};
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::{Db, Statement, Value};

const NOW: &str = "2026-11-24T12:00:00Z";

fn ops() -> SqliteDb {
    SqliteDb::migrated("ops-db").unwrap()
}

fn exec(db: &SqliteDb, st: Statement) {
    block_on(db.run(st)).unwrap();
}

fn new_run(db: &SqliteDb, run_id: &str, sync_type: &str, created_at: &str, status: &str) {
    exec(
        db,
        Statement::new(
            "INSERT INTO sync_runs (run_id, sync_type, triggered_by, status, created_at,
                                    completed_at)
             VALUES (?1, ?2, 'cron', ?3, ?4,
                     CASE WHEN ?3 IN ('complete', 'partial', 'failed') THEN ?4 END)",
        )
        .bind(run_id)
        .bind(sync_type)
        .bind(status)
        .bind(created_at),
    );
}

/// `edge::observatory::StepWriter::init`'s writes: a pending seed per planned step, then
/// `init` complete, in one transaction.
fn init(db: &SqliteDb, run_id: &str, sync_type: &str, planned: &[&str], at: &str) {
    let mut batch: Vec<Statement> = planned
        .iter()
        .map(|step| {
            Statement::new(
                "INSERT INTO tga_sync_steps (run_id, sync_type, step, status, triggered_by, created_at)
                 VALUES (?1, ?2, ?3, 'pending', 'cron', ?4)
                 ON CONFLICT(run_id, sync_type, step) DO NOTHING",
            )
            .bind(run_id)
            .bind(sync_type)
            .bind(*step)
            .bind(at)
        })
        .collect();
    batch.push(upsert_step(&StepWrite {
        run_id,
        sync_type,
        step: "init",
        status: StepStatus::Complete,
        triggered_by: TriggeredBy::Cron,
        records_in: None,
        records_out: Some(planned.len() as i64),
        error: None,
        started_at: Some(at),
        completed_at: Some(at),
        now: at,
    }));
    block_on(db.batch(batch)).unwrap();
}

/// A step write as `StepWriter` makes it (running stamps the start, terminal the end).
#[allow(clippy::too_many_arguments)]
fn step(
    db: &SqliteDb,
    run_id: &str,
    sync_type: &str,
    name: &str,
    status: StepStatus,
    at: &str,
    error: Option<&str>,
    counts: (Option<i64>, Option<i64>),
) {
    exec(
        db,
        upsert_step(&StepWrite {
            run_id,
            sync_type,
            step: name,
            status,
            triggered_by: TriggeredBy::Cron,
            records_in: counts.0,
            records_out: counts.1,
            error,
            started_at: (status == StepStatus::Running).then_some(at),
            completed_at: status.is_terminal().then_some(at),
            now: at,
        }),
    );
}

fn tga(db: &SqliteDb, run_id: &str, name: &str, status: StepStatus, at: &str, error: Option<&str>) {
    step(
        db,
        run_id,
        "tga_sync",
        name,
        status,
        at,
        error,
        (None, None),
    );
}

fn one_string(db: &SqliteDb, sql: &str, run_id: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct S {
        status: Option<String>,
    }
    block_on(db.first::<S>(Statement::new(sql).bind(run_id)))
        .unwrap()
        .and_then(|s| s.status)
}

/// Before OBS-ALIGN-01 the card excluded init and the baselines, the log only init.
const OLD_CARD: &str = "SELECT status FROM tga_sync_steps WHERE run_id = ?1
     AND step != 'init' AND step NOT LIKE 'volume_check_%' ORDER BY id DESC LIMIT 1";
const OLD_LOG: &str = "SELECT status FROM tga_sync_steps WHERE run_id = ?1
     AND step != 'init' ORDER BY id DESC LIMIT 1";

fn card_of(db: &SqliteDb, sync_type: &str) -> console::Card {
    block_on(cards(db, NOW))
        .unwrap()
        .into_iter()
        .find(|c| c.sync_type == sync_type)
        .unwrap()
}

fn run_row(db: &SqliteDb, run_id: &str) -> console::RunRow {
    let page = block_on(runs(
        db,
        &RunFilter {
            run_id_prefix: Some(run_id.into()),
            ..RunFilter::default()
        },
        NOW,
    ))
    .unwrap();
    assert_eq!(page.items.len(), 1);
    page.items.into_iter().next().unwrap()
}

#[test]
fn trf02_card_and_log_now_agree_while_sync_orgs_runs() {
    // The guide's trf02 (session 57): the volume check fired complete while sync_orgs was
    // still running, and card and log read different rows.
    let db = ops();
    let run = "tga-sync-2026-11-24T11:50:00Z";
    new_run(&db, run, "tga_sync", "2026-11-24T11:50:00Z", "running");
    tga(
        &db,
        run,
        "init",
        StepStatus::Complete,
        "2026-11-24T11:50:00Z",
        None,
    );
    tga(
        &db,
        run,
        "sync_orgs",
        StepStatus::Running,
        "2026-11-24T11:51:00Z",
        None,
    );
    tga(
        &db,
        run,
        "volume_check_orgs",
        StepStatus::Complete,
        "2026-11-24T11:51:01Z",
        None,
    );
    assert_eq!(one_string(&db, OLD_CARD, run).as_deref(), Some("running"));
    assert_eq!(one_string(&db, OLD_LOG, run).as_deref(), Some("complete"));

    let card = card_of(&db, "tga_sync");
    let row = run_row(&db, run);
    assert_eq!(
        (card.status, row.status),
        (RunStatus::Running, RunStatus::Running)
    );
    assert_eq!(card.last_step.as_deref(), Some("sync_orgs"));
    assert_eq!(row.last_step.as_deref(), Some("sync_orgs"));
    assert!(!card.stale);

    // Once sync_orgs completes with every phase done, both say complete together.
    tga(
        &db,
        run,
        "sync_orgs",
        StepStatus::Complete,
        "2026-11-24T11:55:00Z",
        None,
    );
    assert_eq!(card_of(&db, "tga_sync").status, RunStatus::Complete);
    assert_eq!(run_row(&db, run).status, RunStatus::Complete);
}

#[test]
fn a_failed_step_behind_init_s_pending_rows_shows_on_card_and_log() {
    let db = ops();
    let kind = SyncKind::TgaSync;
    let run = "tga-sync-2026-11-24T11:30:00Z";
    new_run(&db, run, "tga_sync", "2026-11-24T11:30:00Z", "running");
    init(&db, run, "tga_sync", kind.planned(), "2026-11-24T11:30:00Z");
    for (p, at) in [
        ("volume_check_orgs", "2026-11-24T11:30:01Z"),
        ("volume_check_training", "2026-11-24T11:30:02Z"),
        ("sweep_statuses", "2026-11-24T11:31:00Z"),
        ("sync_training", "2026-11-24T11:40:00Z"),
    ] {
        tga(&db, run, p, StepStatus::Running, at, None);
        tga(&db, run, p, StepStatus::Complete, at, None);
    }
    tga(
        &db,
        run,
        "sync_orgs",
        StepStatus::Running,
        "2026-11-24T11:41:00Z",
        None,
    );
    let error = "GetDetails 45329: HTTP 500 after 3 attempts";
    tga(
        &db,
        run,
        "sync_orgs",
        StepStatus::Failed,
        "2026-11-24T11:42:00Z",
        Some(error),
    );

    // The aligned OBS-ALIGN-01 filter, newest by id: a pending seed hides the failure.
    assert_eq!(one_string(&db, OLD_CARD, run).as_deref(), Some("pending"));

    let card = card_of(&db, "tga_sync");
    assert_eq!(card.status, RunStatus::Failed);
    assert_eq!(card.last_step.as_deref(), Some("sync_orgs"));
    assert_eq!(card.error.as_deref(), Some(error));
    let row = run_row(&db, run);
    assert_eq!(row.status, RunStatus::Failed);
    assert_eq!(row.failed_step.as_deref(), Some("sync_orgs"));
    assert_eq!(row.error.as_deref(), Some(error));
    let failed = block_on(runs(
        &db,
        &RunFilter {
            status: Some("failed".into()),
            ..RunFilter::default()
        },
        NOW,
    ))
    .unwrap();
    assert_eq!(failed.items.len(), 1);

    // The drill-down shows the step, its category and its error.
    let d = block_on(run_detail(&db, run, NOW)).unwrap().unwrap();
    assert_eq!(d.run, row);
    let s = d.steps.iter().find(|s| s.step == "sync_orgs").unwrap();
    assert_eq!(
        (s.status.as_str(), s.error.as_deref()),
        ("failed", Some(error))
    );
    assert_eq!(s.category, StepCategory::Workflow);
    assert_eq!(s.duration_secs, Some(60));
    let vc = d
        .steps
        .iter()
        .find(|s| s.step == "volume_check_orgs")
        .unwrap();
    assert_eq!(vc.category, StepCategory::Baseline);
    assert_eq!(d.steps.len(), 1 + kind.planned().len());
}

#[test]
fn a_watchdog_sweep_behind_pending_rows_is_failed_with_its_error() {
    let db = ops();
    let run = "cricos-sync-2026-11-24T11:40:00Z";
    new_run(&db, run, "cricos_sync", "2026-11-24T11:40:00Z", "running");
    init(
        &db,
        run,
        "cricos_sync",
        SyncKind::CricosSync.planned(),
        "2026-11-24T11:40:00Z",
    );
    step(
        &db,
        run,
        "cricos_sync",
        "ingest_institutions",
        StepStatus::Running,
        "2026-11-24T11:41:00Z",
        None,
        (None, None),
    );
    assert_eq!(card_of(&db, "cricos_sync").status, RunStatus::Running);
    let meta = block_on(db.run(sweep_stuck_steps(
        "2026-11-24T11:50:00Z",
        "2026-11-24T11:55:00Z",
    )))
    .unwrap();
    assert_eq!(meta.changes, 1);
    let card = card_of(&db, "cricos_sync");
    assert_eq!(card.status, RunStatus::Failed);
    assert_eq!(card.last_step.as_deref(), Some("ingest_institutions"));
    assert_eq!(
        card.error.as_deref(),
        Some(rtopacks_domain::observatory::WATCHDOG_ERROR)
    );
    assert_eq!(run_row(&db, run).status, RunStatus::Failed);
}

#[test]
fn a_silent_chain_goes_stale_and_the_chain_failed_row_counts() {
    let db = ops();
    let run = "enrich-sync-2026-11-24T10:00:00Z";
    new_run(&db, run, "enrich_sync", "2026-11-24T10:00:00Z", "running");
    init(
        &db,
        run,
        "enrich_sync",
        SyncKind::EnrichSync.planned(),
        "2026-11-24T10:00:00Z",
    );
    // Nothing since 10:00; at 12:00 that is far beyond 30 minutes.
    let card = card_of(&db, "enrich_sync");
    assert_eq!((card.status, card.stale), (RunStatus::Stale, true));
    assert_eq!(run_row(&db, run).status, RunStatus::Stale);
    // SYNC-CHAIN-01 wrote its row: failed, with the break's error, on both.
    step(
        &db,
        run,
        "enrich_sync",
        "chain_failed",
        StepStatus::Failed,
        "2026-11-24T10:00:05Z",
        Some("chain_break: queue send failed advancing to phase=enrich_batch: 500"),
        (None, None),
    );
    let card = card_of(&db, "enrich_sync");
    assert_eq!((card.status, card.stale), (RunStatus::Failed, false));
    assert_eq!(card.last_step.as_deref(), Some("chain_failed"));
    assert_eq!(
        run_row(&db, run).failed_step.as_deref(),
        Some("chain_failed")
    );
}

// ---------------------------------------------------------------------------------------
// The SQL computes exactly the domain rule.

/// A small deterministic generator (no dependency needed for a few thousand draws).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.next(v.len() as u64) as usize]
    }
}

#[derive(serde::Deserialize)]
struct RawStep {
    id: i64,
    step: String,
    status: String,
    error: Option<String>,
    started_at: Option<String>,
    completed_at: Option<String>,
    created_at: String,
}

#[derive(serde::Deserialize)]
struct RawRun {
    run_id: String,
    sync_type: String,
    status: String,
    created_at: String,
    error: Option<String>,
}

/// What the domain rule says of a stored run.
struct Expected {
    run_id: String,
    sync_type: String,
    created_at: String,
    status: RunStatus,
    last_step: Option<String>,
    failed_step: Option<String>,
    error: Option<String>,
}

/// The domain rule over every stored run, read back row by row.
fn domain_view(db: &SqliteDb) -> Vec<Expected> {
    let cutoff = stale_cutoff(parse_iso(NOW).unwrap());
    let runs: Vec<RawRun> = block_on(db.all(Statement::new(
        "SELECT run_id, sync_type, status, created_at, error FROM sync_runs",
    )))
    .unwrap();
    runs.iter()
        .map(|r| {
            let steps: Vec<RawStep> = block_on(
                db.all(
                    Statement::new(
                        "SELECT id, step, status, error, started_at, completed_at, created_at
                       FROM tga_sync_steps WHERE run_id = ?1 ORDER BY id",
                    )
                    .bind(r.run_id.as_str()),
                ),
            )
            .unwrap();
            let facts: Vec<StepFacts<'_>> = steps
                .iter()
                .map(|s| StepFacts {
                    id: s.id,
                    step: &s.step,
                    status: StepStatus::parse(&s.status).unwrap(),
                    error: s.error.as_deref(),
                    started_at: s.started_at.as_deref(),
                    completed_at: s.completed_at.as_deref(),
                    created_at: &s.created_at,
                })
                .collect();
            let run = RunFacts {
                stored: RunStatus::parse(&r.status).unwrap(),
                created_at: &r.created_at,
                error: r.error.as_deref(),
            };
            let s = shown(&run, &facts, &cutoff);
            let own = |x: Option<&str>| x.map(str::to_owned);
            Expected {
                run_id: r.run_id.clone(),
                sync_type: r.sync_type.clone(),
                created_at: r.created_at.clone(),
                status: s.status,
                last_step: own(s.last_step),
                failed_step: own(s.failed_step),
                error: own(s.error),
            }
        })
        .collect()
}

#[test]
fn the_sql_and_the_domain_rule_agree_on_generated_runs() {
    let db = ops();
    let mut g = Lcg(5);
    let names = [
        "init",
        "volume_check_orgs",
        "volume_check_training",
        "sync_orgs",
        "sync_training",
        "write_snapshot",
        "chain_failed",
        "fatal",
        "VOLUME_CHECK_X",
        "volumeXcheck_y",
    ];
    let statuses = [
        "pending",
        "running",
        "complete",
        "failed",
        "timed_out",
        "error",
        "not_implemented",
    ];
    let stored = ["running", "complete", "partial", "failed", "stale"];
    let types = ["tga_sync", "cricos_sync", "enrich_sync"];
    let t0 = parse_iso(NOW).unwrap() - chrono::Duration::hours(3);
    for i in 0..300 {
        let sync_type = g.pick(&types);
        let created = t0 + chrono::Duration::minutes(g.next(170) as i64);
        let run_id = format!("{}-{}-{i}", sync_type.replace('_', "-"), iso(created));
        new_run(&db, &run_id, sync_type, &iso(created), g.pick(&stored));
        if g.next(6) == 0 {
            exec(
                &db,
                Statement::new("UPDATE sync_runs SET error = 'run row error' WHERE run_id = ?1")
                    .bind(run_id.as_str()),
            );
        }
        for _ in 0..g.next(7) {
            let status = StepStatus::parse(g.pick(&statuses)).unwrap();
            // Few distinct times, so ties on time are common and the id must break them.
            let at = iso(created + chrono::Duration::minutes(g.next(4) as i64 * 10));
            let error = (g.next(3) > 0).then_some("boom");
            step(
                &db,
                &run_id,
                sync_type,
                g.pick(&names),
                status,
                &at,
                error,
                (None, None),
            );
        }
    }
    let expected = domain_view(&db);

    // The log: every run through the feed, paged.
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let p = block_on(runs(
            &db,
            &RunFilter {
                cursor,
                per_page: Some(37),
                ..RunFilter::default()
            },
            NOW,
        ))
        .unwrap();
        seen.extend(p.items);
        match p.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(
        seen.len(),
        expected.len(),
        "paging skips or repeats nothing"
    );
    let mut statuses_seen = std::collections::BTreeSet::new();
    for e in &expected {
        let row = seen.iter().find(|r| r.run_id == e.run_id).unwrap();
        assert_eq!(
            (&row.status, &row.last_step, &row.failed_step, &row.error),
            (&e.status, &e.last_step, &e.failed_step, &e.error),
            "{}",
            e.run_id
        );
        statuses_seen.insert(e.status.as_str());
    }
    assert_eq!(
        statuses_seen.len(),
        5,
        "every status occurs: {statuses_seen:?}"
    );
    assert!(seen
        .windows(2)
        .all(|w| (&w[0].created_at, &w[0].run_id) > (&w[1].created_at, &w[1].run_id)));

    // The status filter returns exactly the runs the rule gives that status.
    for s in ["running", "complete", "partial", "failed", "stale"] {
        let mut got = std::collections::BTreeSet::new();
        let mut cursor = None;
        loop {
            let p = block_on(runs(
                &db,
                &RunFilter {
                    status: Some(s.into()),
                    per_page: Some(20),
                    cursor,
                    ..RunFilter::default()
                },
                NOW,
            ))
            .unwrap();
            got.extend(p.items.into_iter().map(|r| r.run_id));
            match p.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        let want: std::collections::BTreeSet<String> = expected
            .iter()
            .filter(|e| e.status.as_str() == s)
            .map(|e| e.run_id.clone())
            .collect();
        assert_eq!(got, want, "{s}");
    }

    // The cards: each worker's latest run, with the same answer as the log.
    for card in block_on(cards(&db, NOW)).unwrap() {
        let latest = expected
            .iter()
            .filter(|e| e.sync_type == card.sync_type)
            .max_by(|a, b| (&a.created_at, &a.run_id).cmp(&(&b.created_at, &b.run_id)))
            .unwrap();
        assert_eq!(card.run_id, latest.run_id);
        assert_eq!(
            (card.status, &card.last_step, &card.error),
            (latest.status, &latest.last_step, &latest.error)
        );
        assert_eq!(card.stale, latest.status == RunStatus::Stale);
    }
    assert_eq!(block_on(cards(&db, NOW)).unwrap().len(), 3);
}

// ---------------------------------------------------------------------------------------
// The runs feed: search and paging.

#[test]
fn the_runs_feed_searches_by_prefix_worker_status_and_dates() {
    let db = ops();
    let day = |d: u32, h: u32| format!("2026-11-{d:02}T{h:02}:00:00Z");
    for d in 10..=24 {
        for (t, h) in [("tga_sync", 16), ("cricos_sync", 18)] {
            let id = format!("{}-{}", t.replace('_', "-"), day(d, h));
            new_run(&db, &id, t, &day(d, h), "complete");
            exec(
                &db,
                Statement::new("UPDATE sync_runs SET completed_at = ?2 WHERE run_id = ?1")
                    .bind(id.as_str())
                    .bind(format!("2026-11-{d:02}T{h:02}:01:30Z")),
            );
        }
    }
    // Literal prefix characters: % and _ are not wildcards.
    new_run(
        &db,
        "odd%run_1",
        "tga_sync",
        "2026-11-01T00:00:00Z",
        "complete",
    );
    new_run(
        &db,
        "oddXrunY1",
        "tga_sync",
        "2026-11-01T00:00:00Z",
        "complete",
    );

    let get = |f: RunFilter| block_on(runs(&db, &f, NOW)).unwrap();
    let p = get(RunFilter {
        run_id_prefix: Some("tga-sync-2026-11-2".into()),
        ..RunFilter::default()
    });
    let ids: Vec<_> = p.items.iter().map(|r| r.run_id.as_str()).collect();
    assert_eq!(ids.len(), 5);
    assert_eq!(ids[0], "tga-sync-2026-11-24T16:00:00Z");
    let p = get(RunFilter {
        run_id_prefix: Some("odd%run_".into()),
        ..RunFilter::default()
    });
    assert_eq!(p.items.len(), 1);
    assert_eq!(p.items[0].run_id, "odd%run_1");
    // A prefix longer than D1's 50-byte LIKE pattern limit is fine: no pattern is used.
    let long = "tga-sync-2026-11-24T16:00:00Z".to_owned() + &"x".repeat(40);
    assert!(get(RunFilter {
        run_id_prefix: Some(long),
        ..RunFilter::default()
    })
    .items
    .is_empty());

    // Worker by either spelling, dates inclusive, newest first, dimmed past 7 days.
    let p = get(RunFilter {
        sync_type: Some("cricos-sync".into()),
        from: Some("2026-11-15".into()),
        to: Some("2026-11-17".into()),
        ..RunFilter::default()
    });
    let ids: Vec<_> = p.items.iter().map(|r| r.run_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "cricos-sync-2026-11-17T18:00:00Z",
            "cricos-sync-2026-11-16T18:00:00Z",
            "cricos-sync-2026-11-15T18:00:00Z"
        ]
    );
    assert_eq!(p.items[0].duration_secs, Some(90));
    assert!(
        !p.items[0].dimmed,
        "17th 18:00 is within 7 days of the 24th 12:00"
    );
    assert!(p.items[1].dimmed);

    // Paging: newest first, no overlap, ends with no cursor.
    let first = get(RunFilter {
        per_page: Some(4),
        ..RunFilter::default()
    });
    assert_eq!(first.items.len(), 4);
    let second = get(RunFilter {
        per_page: Some(4),
        cursor: first.next_cursor.clone(),
        ..RunFilter::default()
    });
    assert!(first.items.last().unwrap().created_at >= second.items[0].created_at);
    assert!(!first.items.iter().any(|r| second.items.contains(r)));
    let all = get(RunFilter {
        per_page: Some(100),
        ..RunFilter::default()
    });
    assert_eq!((all.items.len(), all.next_cursor), (32, None));
    assert_eq!(all.items[4..8], second.items[..]);

    // Another feed's cursor, or a damaged one, is refused in plain words.
    let ev = block_on(events(&db, &EventFilter::default())).unwrap();
    assert!(ev.next_cursor.is_none());
    let foreign = {
        add_events(&db, 3);
        block_on(events(
            &db,
            &EventFilter {
                per_page: Some(1),
                ..EventFilter::default()
            },
        ))
        .unwrap()
        .next_cursor
        .unwrap()
    };
    for c in [foreign, "not-a-cursor".to_owned()] {
        match block_on(runs(
            &db,
            &RunFilter {
                cursor: Some(c),
                ..RunFilter::default()
            },
            NOW,
        )) {
            Err(ConsoleError::BadInput(m)) => assert!(m.starts_with("The page link is not valid")),
            other => panic!("{other:?}"),
        }
    }
}

fn add_events(db: &SqliteDb, n: usize) {
    for i in 0..n {
        exec(
            db,
            Statement::new(
                "INSERT INTO regulatory_events (run_id, event_type, entity_type, entity_code,
                                                old_value, new_value, detail, created_at)
                 VALUES (?1, ?2, ?3, ?4, 'Current', 'Non-current', 'detail', ?5)",
            )
            .bind(if i % 2 == 0 {
                "tga-sync-2026-11-21T16:00:00Z"
            } else {
                "tga-sync-2026-11-14T16:00:00Z"
            })
            .bind(if i % 3 == 0 {
                "status_change"
            } else {
                "new_release"
            })
            .bind(format!("kind_{i}"))
            .bind(format!("{}", 40000 + i % 5))
            // Several events share each second: the id breaks the tie.
            .bind(format!(
                "2026-11-{:02}T16:{:02}:00Z",
                14 + (i % 2) * 7,
                i / 10
            )),
        );
    }
}

#[test]
fn the_drill_down_reads_run_steps_events_and_sentinel_in_one_batch() {
    let db = ops();
    let run = "tga-sync-2026-11-21T16:00:00Z";
    new_run(&db, run, "tga_sync", "2026-11-21T16:00:00Z", "partial");
    init(
        &db,
        run,
        "tga_sync",
        SyncKind::TgaSync.planned(),
        "2026-11-21T16:00:00Z",
    );
    for p in SyncKind::TgaSync.planned() {
        step(
            &db,
            run,
            "tga_sync",
            p,
            StepStatus::Running,
            "2026-11-21T16:00:10Z",
            None,
            (Some(12_500), None),
        );
        step(
            &db,
            run,
            "tga_sync",
            p,
            StepStatus::Complete,
            "2026-11-21T16:02:10Z",
            None,
            (Some(12_500), Some(120)),
        );
    }
    add_events(&db, 120);
    exec(&db, Statement::new(
        "INSERT INTO sentinel_log (run_id, sync_type, metric, baseline, observed, drop_pct, threshold_pct, action, created_at)
         VALUES (?1, 'tga_sync', 'tga_organisations', 12500, 7500, 40.0, 20.0, 'halt', '2026-11-21T16:00:01Z')",
    ).bind(run));

    db.reset_query_count();
    let d = block_on(run_detail(&db, run, NOW)).unwrap().unwrap();
    assert_eq!(db.query_count(), 4);
    // Every phase complete, but SENTINEL-02 held deletions back: the run row's partial.
    assert_eq!(d.run.status, RunStatus::Partial);
    assert_eq!(d.run.last_step.as_deref(), Some("write_snapshot"));
    assert!(!d.run.dimmed);
    let s = d.steps.iter().find(|s| s.step == "sync_orgs").unwrap();
    assert_eq!(
        (s.records_in, s.records_out, s.duration_secs),
        (Some(12_500), Some(120), Some(120))
    );
    // init seeds the pending rows first, then writes its own row.
    assert_eq!(d.steps.last().unwrap().step, "init");
    assert_eq!(d.sentinel.len(), 1);
    assert_eq!(d.sentinel[0].drop_pct, Some(40.0));
    assert_eq!(d.events.len(), console::DETAIL_EVENTS as usize);
    assert!(d.events.iter().all(|e| e.run_id.as_deref() == Some(run)));
    // The rest of the run's events continue from the drill-down's cursor.
    let rest = block_on(events(
        &db,
        &EventFilter {
            run_id: Some(run.into()),
            cursor: d.events_next_cursor.clone(),
            per_page: Some(100),
            ..EventFilter::default()
        },
    ))
    .unwrap();
    assert_eq!(d.events.len() + rest.items.len(), 60);
    assert!(rest.next_cursor.is_none());
    assert!(block_on(run_detail(&db, "tga-sync-nope", NOW))
        .unwrap()
        .is_none());
}

#[test]
fn the_events_and_sentinel_feeds_filter_and_page_newest_first() {
    let db = ops();
    add_events(&db, 95);
    let get = |f: EventFilter| block_on(events(&db, &f)).unwrap();
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let p = get(EventFilter {
            cursor,
            per_page: Some(10),
            ..EventFilter::default()
        });
        all.extend(p.items);
        match p.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(all.len(), 95);
    assert!(all
        .windows(2)
        .all(|w| (&w[0].created_at, w[0].id) > (&w[1].created_at, w[1].id)));
    let p = get(EventFilter {
        event_type: Some("status_change".into()),
        per_page: Some(100),
        ..EventFilter::default()
    });
    assert_eq!(p.items.len(), 32);
    let p = get(EventFilter {
        entity_code: Some("40003".into()),
        per_page: Some(100),
        ..EventFilter::default()
    });
    assert_eq!(p.items.len(), 19);
    let p = get(EventFilter {
        from: Some("2026-11-21".into()),
        to: Some("2026-11-21".into()),
        per_page: Some(100),
        ..EventFilter::default()
    });
    assert_eq!(p.items.len(), 47);
    let e = block_on(events(
        &db,
        &EventFilter {
            event_type: Some("Status Change".into()),
            ..EventFilter::default()
        },
    ))
    .unwrap_err();
    assert!(e.to_string().starts_with("The event type must be"));

    for i in 0..7 {
        exec(&db, Statement::new(
            "INSERT INTO sentinel_log (run_id, sync_type, metric, baseline, observed, action, created_at)
             VALUES ('r', 'cricos_sync', ?1, 100, 90, 'none', '2026-11-20T10:00:00Z')",
        ).bind(format!("metric_{i}")));
    }
    let p1 = block_on(sentinel(&db, None, Some(4))).unwrap();
    let p2 = block_on(sentinel(&db, p1.next_cursor.as_deref(), Some(4))).unwrap();
    assert_eq!(
        (p1.items.len(), p2.items.len(), p2.next_cursor),
        (4, 3, None)
    );
    assert_eq!(p1.items[0].metric, "metric_6");
    assert_eq!(p2.items[2].metric, "metric_0");
}

#[test]
fn anomaly_and_access_logs_page_per_user_and_session() {
    let db = ops();
    for i in 0..30 {
        let ts = format!("2026-11-24T10:{:02}:00Z", i / 3);
        let (user, session) = if i % 2 == 0 {
            ("user_1", "sess_a")
        } else {
            ("user_2", "sess_b")
        };
        exec(
            &db,
            log_access(&AccessEntry {
                surface: Surface::InternalApi,
                endpoint: &format!("/rto/{i}"),
                method: "GET",
                response_status: Some(200),
                user_id: Some(user),
                session_id: Some(session),
                org_id: None,
                client_id: None,
                latency_ms: Some(3),
                timestamp: &ts,
            }),
        );
        exec(&db, Statement::new(
            "INSERT INTO anomaly_log (session_id, user_id, zone, trigger_reason, action, created_at)
             VALUES (?1, ?2, 'amber', 'sequential', 'latency_injected', ?3)",
        ).bind(session).bind(user).bind(ts.as_str()));
    }
    let f = |user: Option<&str>, session: Option<&str>, cursor: Option<String>| LogFilter {
        user_id: user.map(Into::into),
        session_id: session.map(Into::into),
        cursor,
        per_page: Some(6),
    };
    let p1 = block_on(access_log(&db, &f(Some("user_1"), None, None))).unwrap();
    assert_eq!(p1.items[0].endpoint, "/rto/28");
    let p2 = block_on(access_log(
        &db,
        &f(Some("user_1"), None, p1.next_cursor.clone()),
    ))
    .unwrap();
    let p3 = block_on(access_log(
        &db,
        &f(Some("user_1"), None, p2.next_cursor.clone()),
    ))
    .unwrap();
    assert_eq!(
        (p2.items.len(), p3.items.len(), p3.next_cursor.clone()),
        (6, 3, None)
    );
    assert_eq!(p3.items[2].endpoint, "/rto/0");
    let b = block_on(access_log(&db, &f(None, Some("sess_b"), None))).unwrap();
    assert!(b
        .items
        .iter()
        .all(|r| r.session_id.as_deref() == Some("sess_b")));
    assert!(
        block_on(access_log(&db, &f(Some("user_1"), Some("sess_b"), None)))
            .unwrap()
            .items
            .is_empty()
    );
    let everyone = block_on(access_log(
        &db,
        &LogFilter {
            per_page: Some(100),
            ..LogFilter::default()
        },
    ))
    .unwrap();
    assert_eq!(everyone.items.len(), 30);

    let a = block_on(anomalies(&db, &f(None, Some("sess_a"), None))).unwrap();
    assert_eq!(a.items.len(), 6);
    assert!(a
        .items
        .iter()
        .all(|r| r.user_id.as_deref() == Some("user_1")));
    assert!(a
        .items
        .windows(2)
        .all(|w| (&w[0].created_at, w[0].id) > (&w[1].created_at, w[1].id)));
    // The access log's cursor is not the anomaly log's.
    let e = block_on(anomalies(&db, &f(None, Some("sess_a"), p1.next_cursor))).unwrap_err();
    assert!(matches!(e, ConsoleError::BadInput(_)));
}

// ---------------------------------------------------------------------------------------
// Query plans.

fn plan(db: &SqliteDb, st: &Statement) -> Vec<(i64, String)> {
    let conn = db.connection();
    let mut q = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {}", st.sql))
        .unwrap();
    let params: Vec<rusqlite::types::Value> = st
        .params
        .iter()
        .map(|v| match v {
            Value::Null => rusqlite::types::Value::Null,
            Value::Int(i) => rusqlite::types::Value::Integer(*i),
            Value::Real(f) => rusqlite::types::Value::Real(*f),
            Value::Text(s) => rusqlite::types::Value::Text(s.clone()),
        })
        .collect();
    q.query_map(rusqlite::params_from_iter(params), |r| {
        Ok((r.get::<_, i64>(1)?, r.get::<_, String>(3)?))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

const TABLES: [&str; 6] = [
    "sync_runs",
    "tga_sync_steps",
    "regulatory_events",
    "sentinel_log",
    "anomaly_log",
    "api_access_log",
];

/// No table is read without an index; unless `sorted` is allowed, the page's order comes
/// from the index (no sort of the whole filtered set at the top level).
fn assert_indexed(db: &SqliteDb, what: &str, st: &Statement, sorted: bool) {
    let p = plan(db, st);
    for (parent, line) in &p {
        for t in TABLES {
            for form in [format!("SCAN {t}"), format!("SCAN {t} ")] {
                let bare =
                    line == form.trim_end() || (line.starts_with(&form) && !line.contains("USING"));
                assert!(!bare, "{what}: full scan of {t}: {p:#?}");
            }
        }
        if !sorted && *parent == 0 {
            assert!(
                !line.contains("TEMP B-TREE"),
                "{what}: sorts the page: {p:#?}"
            );
        }
    }
    // The steps table is only ever searched by run.
    assert!(
        p.iter()
            .all(|(_, l)| !l.starts_with("SCAN s ") && !l.starts_with("SCAN d")),
        "{what}: {p:#?}"
    );
}

#[test]
fn every_console_statement_uses_an_index() {
    let db = ops();
    let cursor_of = |c: Option<String>| c.unwrap();
    // Real cursors, so the seek conditions are in the plans.
    new_run(
        &db,
        "tga-sync-2026-11-23T16:00:00Z",
        "tga_sync",
        "2026-11-23T16:00:00Z",
        "complete",
    );
    new_run(
        &db,
        "tga-sync-2026-11-24T16:00:00Z",
        "tga_sync",
        "2026-11-24T16:00:00Z",
        "complete",
    );
    let run_cursor = cursor_of(
        block_on(runs(
            &db,
            &RunFilter {
                per_page: Some(1),
                ..RunFilter::default()
            },
            NOW,
        ))
        .unwrap()
        .next_cursor,
    );
    add_events(&db, 3);
    let ev_cursor = cursor_of(
        block_on(events(
            &db,
            &EventFilter {
                per_page: Some(1),
                ..EventFilter::default()
            },
        ))
        .unwrap()
        .next_cursor,
    );

    assert_indexed(&db, "cards", &console::cards_query(NOW).unwrap(), true);
    let p = plan(&db, &console::cards_query(NOW).unwrap());
    assert!(
        p.iter()
            .any(|(_, l)| l.contains("sync_runs_type_created_run")),
        "{p:#?}"
    );

    let rf = |f: RunFilter| console::runs_query(&f, NOW).unwrap();
    for (what, f, sorted) in [
        ("runs", RunFilter::default(), false),
        (
            "runs cursor",
            RunFilter {
                cursor: Some(run_cursor.clone()),
                ..RunFilter::default()
            },
            false,
        ),
        (
            "runs worker",
            RunFilter {
                sync_type: Some("tga_sync".into()),
                cursor: Some(run_cursor.clone()),
                ..RunFilter::default()
            },
            false,
        ),
        (
            "runs status",
            RunFilter {
                status: Some("failed".into()),
                ..RunFilter::default()
            },
            false,
        ),
        (
            "runs dates",
            RunFilter {
                from: Some("2026-11-01".into()),
                to: Some("2026-11-20".into()),
                ..RunFilter::default()
            },
            false,
        ),
        // A prefix is a range on the primary key; its few matches are then sorted.
        (
            "runs prefix",
            RunFilter {
                run_id_prefix: Some("tga-sync-2026-11".into()),
                ..RunFilter::default()
            },
            true,
        ),
    ] {
        assert_indexed(&db, what, &rf(f), sorted);
    }
    let p = plan(
        &db,
        &rf(RunFilter {
            run_id_prefix: Some("tga-sync-2026-11".into()),
            ..RunFilter::default()
        }),
    );
    assert!(
        p.iter()
            .any(|(_, l)| l.contains("sqlite_autoindex_sync_runs_1 (run_id>? AND run_id<?)")),
        "{p:#?}"
    );

    for (i, st) in console::run_detail_queries("tga-sync-2026-11-24T16:00:00Z", NOW)
        .unwrap()
        .iter()
        .enumerate()
    {
        // Steps, events and volume checks are found by run and sorted (one run's worth).
        assert_indexed(&db, &format!("run detail {i}"), st, i >= 1);
    }

    let ef = |f: EventFilter| console::events_query(&f).unwrap();
    for (what, f, sorted) in [
        ("events", EventFilter::default(), false),
        (
            "events cursor",
            EventFilter {
                cursor: Some(ev_cursor.clone()),
                ..EventFilter::default()
            },
            false,
        ),
        (
            "events type",
            EventFilter {
                event_type: Some("supersession".into()),
                cursor: Some(ev_cursor.clone()),
                ..EventFilter::default()
            },
            false,
        ),
        (
            "events code",
            EventFilter {
                entity_code: Some("BSB50420".into()),
                ..EventFilter::default()
            },
            false,
        ),
        (
            "events dates",
            EventFilter {
                from: Some("2026-11-01".into()),
                to: Some("2026-11-20".into()),
                ..EventFilter::default()
            },
            false,
        ),
        (
            "events run",
            EventFilter {
                run_id: Some("tga-sync-x".into()),
                ..EventFilter::default()
            },
            true,
        ),
    ] {
        assert_indexed(&db, what, &ef(f), sorted);
    }
    assert_indexed(
        &db,
        "sentinel",
        &console::sentinel_query(None, None).unwrap(),
        false,
    );

    let lf = |u: Option<&str>, s: Option<&str>| LogFilter {
        user_id: u.map(Into::into),
        session_id: s.map(Into::into),
        ..LogFilter::default()
    };
    for (u, s) in [
        (None, None),
        (Some("user_1"), None),
        (None, Some("sess_a")),
        (Some("user_1"), Some("sess_a")),
    ] {
        assert_indexed(
            &db,
            "anomalies",
            &console::anomalies_query(&lf(u, s)).unwrap(),
            false,
        );
        assert_indexed(
            &db,
            "access log",
            &console::access_log_query(&lf(u, s)).unwrap(),
            false,
        );
    }
}
