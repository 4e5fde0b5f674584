//! wasm32 backend: Cloudflare D1 through workers-rs.

use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use crate::{Db, RunMeta, Statement, StoreError, Value};

/// A D1 binding.
pub struct D1Db(pub D1Database);

thread_local! {
    /// Statements sent to D1 by this isolate since [`reset_queries`] (a batch counts each
    /// of its statements, as D1's per-invocation query limit does).
    static QUERIES: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// D1 statements since the last reset (an invocation's count when reset at its start).
pub fn queries() -> u64 {
    QUERIES.with(|q| q.get())
}

pub fn reset_queries() {
    QUERIES.with(|q| q.set(0));
}

fn db_err(e: worker::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

fn to_js(v: &Value) -> JsValue {
    match v {
        Value::Null => JsValue::NULL,
        // JS numbers, never BigInt: D1 rejects BigInt parameters.
        Value::Int(i) => JsValue::from_f64(*i as f64),
        Value::Real(f) => JsValue::from_f64(*f),
        Value::Text(s) => JsValue::from_str(s),
    }
}

impl D1Db {
    fn prepare(&self, stmt: &Statement) -> Result<D1PreparedStatement, StoreError> {
        stmt.check_limits()?;
        QUERIES.with(|q| q.set(q.get() + 1));
        let args: Vec<JsValue> = stmt.params.iter().map(to_js).collect();
        self.0
            .prepare(stmt.sql.as_str())
            .bind(&args)
            .map_err(db_err)
    }
}

fn changes(result: &worker::D1Result) -> Result<RunMeta, StoreError> {
    if let Some(err) = result.error() {
        return Err(StoreError::Database(err));
    }
    let meta = result.meta().map_err(db_err)?;
    Ok(RunMeta {
        changes: meta.and_then(|m| m.changes).unwrap_or(0) as u64,
    })
}

impl Db for D1Db {
    async fn all<T: DeserializeOwned>(&self, stmt: Statement) -> Result<Vec<T>, StoreError> {
        let result = self.prepare(&stmt)?.all().await.map_err(db_err)?;
        result
            .results::<T>()
            .map_err(|e| StoreError::Decode(e.to_string()))
    }

    async fn run(&self, stmt: Statement) -> Result<RunMeta, StoreError> {
        let result = self.prepare(&stmt)?.run().await.map_err(db_err)?;
        changes(&result)
    }

    async fn batch(&self, stmts: Vec<Statement>) -> Result<Vec<RunMeta>, StoreError> {
        let prepared = stmts
            .iter()
            .map(|s| self.prepare(s))
            .collect::<Result<Vec<_>, _>>()?;
        let results = self.0.batch(prepared).await.map_err(db_err)?;
        results.iter().map(changes).collect()
    }

    async fn all_batch(
        &self,
        stmts: Vec<Statement>,
    ) -> Result<Vec<Vec<serde_json::Value>>, StoreError> {
        let prepared = stmts
            .iter()
            .map(|s| self.prepare(s))
            .collect::<Result<Vec<_>, _>>()?;
        let results = self.0.batch(prepared).await.map_err(db_err)?;
        results
            .iter()
            .map(|r| {
                if let Some(err) = r.error() {
                    return Err(StoreError::Database(err));
                }
                r.results::<serde_json::Value>()
                    .map_err(|e| StoreError::Decode(e.to_string()))
            })
            .collect()
    }
}
