//! Bulk upserts: one bound JSON array per statement, expanded with `json_each`, so a
//! statement writes hundreds of rows with ONE bound parameter (D1 allows 100) — measured
//! ~3x faster than multi-row VALUES on D1 — and the statements of a page go in one
//! `batch()` transaction. Nothing is spliced into SQL but the static column names.

use serde::Serialize;

use crate::{Statement, StoreError};

/// Rows per statement.
pub const MAX_ROWS: usize = 500;
/// Bytes of JSON per statement, well under D1's 2 MB value limit.
pub const MAX_JSON_BYTES: usize = 900_000;

/// A table's upsert shape. Column names are compile-time constants: they are the only
/// text that reaches the SQL.
#[derive(Debug, Clone, Copy)]
pub struct Upsert {
    pub table: &'static str,
    /// Columns written, each read from the JSON object key of the same name.
    pub columns: &'static [&'static str],
    /// The conflict target (a primary key or unique index).
    pub key: &'static [&'static str],
}

fn ident(s: &str) -> &str {
    assert!(
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
        "not a plain identifier: {s:?}"
    );
    s
}

impl Upsert {
    /// `INSERT ... SELECT json_extract(value, '$.col') ... FROM json_each(?1) WHERE true
    /// ON CONFLICT(key) DO UPDATE SET col = excluded.col` (the `WHERE true` resolves
    /// SQLite's parsing ambiguity between a join constraint and the upsert clause).
    pub fn sql(&self) -> String {
        let cols: Vec<&str> = self.columns.iter().map(|c| ident(c)).collect();
        let extract: Vec<String> = cols
            .iter()
            .map(|c| format!("json_extract(value, '$.{c}')"))
            .collect();
        let updates: Vec<String> = cols
            .iter()
            .filter(|c| !self.key.contains(c))
            .map(|c| format!("{c} = excluded.{c}"))
            .collect();
        let key: Vec<&str> = self.key.iter().map(|c| ident(c)).collect();
        let action = if updates.is_empty() {
            "NOTHING".to_owned()
        } else {
            format!("UPDATE SET {}", updates.join(", "))
        };
        format!(
            "INSERT INTO {} ({}) SELECT {} FROM json_each(?1) WHERE true ON CONFLICT({}) DO {}",
            ident(self.table),
            cols.join(", "),
            extract.join(", "),
            key.join(", "),
            action
        )
    }

    /// Statements writing `rows` (serialised to objects keyed by column name), chunked by
    /// row count and JSON size.
    pub fn statements<T: Serialize>(&self, rows: &[T]) -> Result<Vec<Statement>, StoreError> {
        let sql = self.sql();
        let mut out = Vec::new();
        let mut chunk: Vec<String> = Vec::new();
        let mut bytes = 0;
        for row in rows {
            let json = serde_json::to_string(row).map_err(|e| StoreError::Decode(e.to_string()))?;
            if !chunk.is_empty() && (chunk.len() == MAX_ROWS || bytes + json.len() > MAX_JSON_BYTES)
            {
                out.push(Statement::new(sql.clone()).bind(format!("[{}]", chunk.join(","))));
                chunk.clear();
                bytes = 0;
            }
            bytes += json.len() + 1;
            chunk.push(json);
        }
        if !chunk.is_empty() {
            out.push(Statement::new(sql).bind(format!("[{}]", chunk.join(","))));
        }
        Ok(out)
    }
}

/// Delete by key for the codes in a JSON array (one bound parameter however many codes).
pub fn delete_where_in(table: &'static str, column: &'static str, codes: &[&str]) -> Statement {
    Statement::new(format!(
        "DELETE FROM {} WHERE {} IN (SELECT value FROM json_each(?1))",
        ident(table),
        ident(column)
    ))
    .bind(serde_json::to_string(codes).unwrap_or_else(|_| "[]".into()))
}
