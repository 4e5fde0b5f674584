//! scripts/bench-api's native reference: the catalogue calls the api worker makes for
//! `GET /api/v1/search?q=…`, `GET /api/v1/components/{code}` and `GET /api/v1/rtos/{code}`,
//! run one at a time straight on SQLite (a copy of the local D1 corpus, same schema),
//! timed per call. Prints one JSON object: per workload the number of calls, failures,
//! p50/p95/mean in milliseconds, the statements each call ran and the round trips they took
//! (on D1 every call of the `Db` trait is one; a batch carries several statements).
//!
//!   cargo run --release -p rtopacks-catalogue --example direct -- <db file> <workload json>
//!
//! The workload file is `{"warmup": n, "search": [terms], "components": [codes],
//! "rtos": [codes]}`; the first `warmup` items of each list are run once untimed first
//! (as bench-api does over HTTP). Timing covers the catalogue call only, not serialising
//! its answer.

use std::cell::Cell;
use std::time::Instant;

use futures::executor::block_on;
use rtopacks_catalogue::{
    lookup, rto, search, CatalogueError, NationalCode, RtoCode, ScopeParams, SearchParams, Tier,
};
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::{Db, RunMeta, Statement, StoreError};
use serde::de::DeserializeOwned;
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

/// The SQLite corpus, counting the `Db` calls (D1 round trips) made through it.
struct Trips<'a> {
    db: &'a SqliteDb,
    trips: Cell<u64>,
}

impl Trips<'_> {
    fn trip(&self) {
        self.trips.set(self.trips.get() + 1);
    }
}

impl Db for Trips<'_> {
    async fn all<T: DeserializeOwned>(&self, stmt: Statement) -> Result<Vec<T>, StoreError> {
        self.trip();
        self.db.all(stmt).await
    }
    async fn run(&self, stmt: Statement) -> Result<RunMeta, StoreError> {
        self.trip();
        self.db.run(stmt).await
    }
    async fn batch(&self, stmts: Vec<Statement>) -> Result<Vec<RunMeta>, StoreError> {
        self.trip();
        self.db.batch(stmts).await
    }
    async fn all_batch(&self, stmts: Vec<Statement>) -> Result<Vec<Vec<Value>>, StoreError> {
        self.trip();
        self.db.all_batch(stmts).await
    }
}

/// One call, as the api's router would make it (the key reads as anonymous).
fn call(db: &impl Db, workload: &str, item: &str) -> Result<(), String> {
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

fn run(sqlite: &SqliteDb, workload: &str, items: &[String], warmup: usize) -> Value {
    let db = &Trips {
        db: sqlite,
        trips: Cell::new(0),
    };
    for item in items.iter().take(warmup) {
        let _ = call(db, workload, item);
    }
    db.trips.set(0);
    let mut times = Vec::with_capacity(items.len());
    let mut failures = Vec::new();
    sqlite.reset_query_count();
    for item in items {
        let t0 = Instant::now();
        let r = call(db, workload, item);
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
        if let Err(e) = r {
            failures.push(e);
        }
    }
    let calls = items.len().max(1) as f64;
    let statements = sqlite.query_count() as f64 / calls;
    let round_trips = db.trips.get() as f64 / calls;
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
        "round_trips_per_call": round3(round_trips),
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
