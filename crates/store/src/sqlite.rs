//! Native backend: SQLite through rusqlite, configured like D1 (100 bound parameters)
//! and built from the very migration files wrangler applies.

use std::cell::{Cell, RefCell};
use std::path::PathBuf;

use rusqlite::limits::Limit;
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use serde::de::DeserializeOwned;

use crate::{
    Db, RunMeta, Statement, StoreError, Value, D1_MAX_BOUND_PARAMETERS, D1_MAX_COMPOUND_SELECT,
    D1_MAX_PATTERN_LENGTH,
};

/// One D1 database, natively. Counts the statements it runs, so tests can hold each
/// invocation to production's per-invocation query budget.
pub struct SqliteDb {
    conn: RefCell<Connection>,
    queries: Cell<u64>,
}

/// `migrations/` at the workspace root.
pub fn migrations_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../migrations")
}

impl SqliteDb {
    /// An empty in-memory database with D1's parameter limit.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::with_d1_limits(Connection::open_in_memory().map_err(db_err)?)
    }

    /// Hold a connection to D1's limits, so native tests refuse what D1 would.
    fn with_d1_limits(conn: Connection) -> Result<Self, StoreError> {
        let limits = [
            (Limit::SQLITE_LIMIT_VARIABLE_NUMBER, D1_MAX_BOUND_PARAMETERS),
            // D1 refuses LIKE/GLOB patterns over 50 bytes, at write time (a CHECK with a
            // long GLOB creates fine and then fails every INSERT).
            (
                Limit::SQLITE_LIMIT_LIKE_PATTERN_LENGTH,
                D1_MAX_PATTERN_LENGTH,
            ),
            (Limit::SQLITE_LIMIT_COMPOUND_SELECT, D1_MAX_COMPOUND_SELECT),
        ];
        for (limit, value) in limits {
            conn.set_limit(limit, value as i32).map_err(db_err)?;
        }
        Ok(SqliteDb {
            conn: RefCell::new(conn),
            queries: Cell::new(0),
        })
    }

    /// An in-memory copy of `database` (a folder name under `migrations/`, e.g. `ops-db`),
    /// with every migration applied in order.
    pub fn migrated(database: &str) -> Result<Self, StoreError> {
        let db = Self::open_in_memory()?;
        db.apply_migrations(database)?;
        Ok(db)
    }

    /// Apply `migrations/<database>/*.sql` in file-name order, each file in one transaction.
    pub fn apply_migrations(&self, database: &str) -> Result<(), StoreError> {
        let dir = migrations_root().join(database);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| StoreError::Migration {
                file: dir.display().to_string(),
                message: e.to_string(),
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "sql"))
            .collect();
        files.sort();
        let mut conn = self.conn.borrow_mut();
        for file in files {
            let name = file.display().to_string();
            let sql = std::fs::read_to_string(&file).map_err(|e| StoreError::Migration {
                file: name.clone(),
                message: e.to_string(),
            })?;
            let tx = conn.transaction().map_err(db_err)?;
            tx.execute_batch(&sql).map_err(|e| StoreError::Migration {
                file: name.clone(),
                message: e.to_string(),
            })?;
            tx.commit().map_err(db_err)?;
        }
        Ok(())
    }

    /// Statements run so far (each statement of a batch counts, as on D1).
    pub fn query_count(&self) -> u64 {
        self.queries.get()
    }

    pub fn reset_query_count(&self) {
        self.queries.set(0);
    }

    /// Raw access for test arrangement and assertions.
    pub fn connection(&self) -> std::cell::Ref<'_, Connection> {
        self.conn.borrow()
    }

    fn count(&self) {
        self.queries.set(self.queries.get() + 1);
    }
}

fn db_err(e: rusqlite::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

fn to_sql(v: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match v {
        Value::Null => V::Null,
        Value::Int(i) => V::Integer(*i),
        Value::Real(f) => V::Real(*f),
        Value::Text(s) => V::Text(s.clone()),
    }
}

/// A row as D1 returns it: an object keyed by column name.
fn row_to_json(row: &rusqlite::Row<'_>, names: &[String]) -> rusqlite::Result<serde_json::Value> {
    let mut obj = serde_json::Map::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let v = match row.get_ref(i)? {
            ValueRef::Null => serde_json::Value::Null,
            ValueRef::Integer(n) => n.into(),
            ValueRef::Real(f) => {
                serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, Into::into)
            }
            ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
            ValueRef::Blob(b) => b.iter().map(|x| serde_json::Value::from(*x)).collect(),
        };
        obj.insert(name.clone(), v);
    }
    Ok(serde_json::Value::Object(obj))
}

fn execute(conn: &Connection, stmt: &Statement) -> Result<RunMeta, StoreError> {
    stmt.check_limits()?;
    let mut prepared = conn.prepare(&stmt.sql).map_err(db_err)?;
    let params: Vec<_> = stmt.params.iter().map(to_sql).collect();
    if prepared.column_count() > 0 {
        // A read on a write path (D1 allows SELECT in run() and batch()): drain it.
        let mut rows = prepared
            .query(rusqlite::params_from_iter(params))
            .map_err(db_err)?;
        while rows.next().map_err(db_err)?.is_some() {}
        return Ok(RunMeta { changes: 0 });
    }
    let changes = prepared
        .execute(rusqlite::params_from_iter(params))
        .map_err(db_err)?;
    Ok(RunMeta {
        changes: changes as u64,
    })
}

impl Db for SqliteDb {
    async fn all<T: DeserializeOwned>(&self, stmt: Statement) -> Result<Vec<T>, StoreError> {
        stmt.check_limits()?;
        self.count();
        let conn = self.conn.borrow();
        let mut prepared = conn.prepare(&stmt.sql).map_err(db_err)?;
        let names: Vec<String> = prepared
            .column_names()
            .iter()
            .map(|s| s.to_string())
            .collect();
        let params: Vec<_> = stmt.params.iter().map(to_sql).collect();
        let rows = prepared
            .query_map(rusqlite::params_from_iter(params), |row| {
                row_to_json(row, &names)
            })
            .map_err(db_err)?;
        let mut out = Vec::new();
        for row in rows {
            let json = row.map_err(db_err)?;
            out.push(serde_json::from_value(json).map_err(|e| StoreError::Decode(e.to_string()))?);
        }
        Ok(out)
    }

    async fn run(&self, stmt: Statement) -> Result<RunMeta, StoreError> {
        self.count();
        execute(&self.conn.borrow(), &stmt)
    }

    async fn batch(&self, stmts: Vec<Statement>) -> Result<Vec<RunMeta>, StoreError> {
        let mut conn = self.conn.borrow_mut();
        let tx = conn.transaction().map_err(db_err)?;
        let mut metas = Vec::with_capacity(stmts.len());
        for stmt in &stmts {
            self.count();
            metas.push(execute(&tx, stmt)?); // dropping `tx` on error rolls back
        }
        tx.commit().map_err(db_err)?;
        Ok(metas)
    }
}

impl SqliteDb {
    /// A database file (created when missing), held to the same D1 limits as
    /// [`SqliteDb::open_in_memory`]. Migrations are not applied: the file brings its own
    /// schema (e.g. a copy of a local D1 database for a benchmark's native reference).
    pub fn open(path: impl AsRef<std::path::Path>) -> Result<Self, StoreError> {
        Self::with_d1_limits(Connection::open(path).map_err(db_err)?)
    }
}
