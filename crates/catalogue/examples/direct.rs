//! scripts/bench-api's native reference: the catalogue calls the api worker makes for
//! `GET /api/v1/search?q=…`, `GET /api/v1/components/{code}` and `GET /api/v1/rtos/{code}`,
//! run one at a time straight on SQLite (a copy of the local D1 corpus, same schema),
//! timed per call. Prints one JSON object: per workload the number of calls, failures,
//! p50/p95/mean in milliseconds and the statements each call ran.
//!
//!   cargo run --release -p rtopacks-catalogue --example direct -- <db file> <workload json>
//!
//! The workload file is `{"warmup": n, "search": [terms], "components": [codes],
//! "rtos": [codes]}`; the first `warmup` items of each list are run once untimed first
//! (as bench-api does over HTTP). Timing covers the catalogue call only, not serialising
//! its answer.

use std::time::Instant;

use futures::executor::block_on;
use rtopacks_catalogue::{
    lookup, rto, search, CatalogueError, NationalCode, RtoCode, ScopeParams, SearchParams, Tier,
};
use rtopacks_store::sqlite::SqliteDb;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
struct Workload {
    #[serde(default)]
    warmup: usize,
    search: Vec<String>,
    components: Vec<String>,
    rtos: Vec<String>,
}

/// One call, as the api's router would make it (the key reads as anonymous).
fn call(db: &SqliteDb, workload: &str, item: &str) -> Result<(), String> {
    let r: Result<(), CatalogueError> = block_on(async {
        match workload {
            "search" => {
                let p = SearchParams {
                    q: item.to_owned(),
                    ..Default::default()
                };
                search(db, &p).await.map(drop)
            }
            "components" => {
                let code = NationalCode::parse(item).map_err(CatalogueError::from)?;
                lookup(db, &code).await.map(drop)
            }
            _ => {
                let code = RtoCode::parse(item).map_err(CatalogueError::from)?;
                rto(db, &code, Tier::Anonymous, &ScopeParams::default())
                    .await
                    .map(drop)
            }
        }
    });
    r.map_err(|e| format!("{workload} {item:?}: {e}"))
}

/// Nearest rank (the same rule bench-api.mjs uses for the HTTP side).
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn run(db: &SqliteDb, workload: &str, items: &[String], warmup: usize) -> Value {
    for item in items.iter().take(warmup) {
        let _ = call(db, workload, item);
    }
    let mut times = Vec::with_capacity(items.len());
    let mut failures = Vec::new();
    db.reset_query_count();
    for item in items {
        let t0 = Instant::now();
        let r = call(db, workload, item);
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
        if let Err(e) = r {
            failures.push(e);
        }
    }
    let statements = db.query_count() as f64 / items.len().max(1) as f64;
    let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
    times.sort_by(f64::total_cmp);
    json!({
        "count": items.len(),
        "failures": failures.len(),
        "first_failures": failures.iter().take(3).collect::<Vec<_>>(),
        "p50_ms": round3(percentile(&times, 0.50)),
        "p95_ms": round3(percentile(&times, 0.95)),
        "mean_ms": round3(mean),
        "statements_per_call": round3(statements),
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [db_path, workload_path] = args.as_slice() else {
        return Err("usage: direct <db file> <workload json>".into());
    };
    let db = SqliteDb::open(db_path)?;
    let w: Workload = serde_json::from_str(&std::fs::read_to_string(workload_path)?)?;
    let out = json!({
        "search": run(&db, "search", &w.search, w.warmup),
        "components": run(&db, "components", &w.components, w.warmup),
        "rtos": run(&db, "rtos", &w.rtos, w.warmup),
    });
    println!("{out}");
    Ok(())
}
