//! The SQL of the platform, written once and run on two backends:
//! D1 inside a worker (wasm32) and SQLite natively, where `cargo test` applies the
//! very same migration files and D1's 100-bound-parameter limit.
//!
//! Repositories are plain functions that build [`Statement`]s or take a `&impl Db`.
#![allow(async_fn_in_trait)] // Workers futures are not Send; nothing here needs them to be.

pub mod access;
pub mod admin;
pub mod bulk;
pub mod claim;
pub mod console;
pub mod cricos;
pub mod documents;
mod error;
pub mod identity;
pub mod ingest_requests;
pub mod intake;
pub mod observatory;
pub mod prelaunch;
pub mod rtos;
pub mod signin;
pub mod stats;
pub mod sync;
pub mod tga;
pub mod tga_cycle;
mod value;
pub mod workspace;

#[cfg(target_arch = "wasm32")]
mod d1;
#[cfg(not(target_arch = "wasm32"))]
pub mod sqlite;

#[cfg(target_arch = "wasm32")]
pub use d1::{queries, reset_queries, D1Db};
pub use error::StoreError;
pub use value::{Statement, Value};

/// D1's limit on bound parameters per statement (SQLITE_LIMIT_VARIABLE_NUMBER in production).
pub const D1_MAX_BOUND_PARAMETERS: usize = 100;

/// D1's limit on the length of a LIKE or GLOB pattern, in bytes.
pub const D1_MAX_PATTERN_LENGTH: usize = 50;

/// D1's limit on the terms of a compound SELECT (`UNION`, `UNION ALL`, …): a sixth term
/// fails with "too many terms in compound SELECT" (measured under Miniflare).
pub const D1_MAX_COMPOUND_SELECT: usize = 5;

/// What a write reports back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunMeta {
    /// Rows changed by the statement.
    pub changes: u64,
}

/// A database: D1 in a worker, SQLite in native tests.
pub trait Db {
    /// Every row of a query, deserialised from column-name keyed objects.
    async fn all<T: serde::de::DeserializeOwned>(
        &self,
        stmt: Statement,
    ) -> Result<Vec<T>, StoreError>;

    /// Run one write.
    async fn run(&self, stmt: Statement) -> Result<RunMeta, StoreError>;

    /// Run several writes as one transaction (D1 `batch()`): all or nothing.
    async fn batch(&self, stmts: Vec<Statement>) -> Result<Vec<RunMeta>, StoreError>;

    /// Several reads in ONE round trip (D1 `batch()`, one consistent snapshot): each
    /// statement's rows as column-keyed JSON objects, in order. Where a backend has no
    /// round trips to save (native SQLite) the reads simply run in turn.
    async fn all_batch(
        &self,
        stmts: Vec<Statement>,
    ) -> Result<Vec<Vec<serde_json::Value>>, StoreError> {
        let mut out = Vec::with_capacity(stmts.len());
        for stmt in stmts {
            out.push(self.all(stmt).await?);
        }
        Ok(out)
    }

    /// The first row, if any.
    async fn first<T: serde::de::DeserializeOwned>(
        &self,
        stmt: Statement,
    ) -> Result<Option<T>, StoreError> {
        Ok(self.all(stmt).await?.into_iter().next())
    }
}

/// The single number a `SELECT count(*) AS n …` answers (0 when it answers no row).
pub async fn count(db: &impl Db, stmt: Statement) -> Result<i64, StoreError> {
    #[derive(serde::Deserialize)]
    struct N {
        n: i64,
    }
    Ok(db.first::<N>(stmt).await?.map_or(0, |r| r.n))
}
