use thiserror::Error;

/// A database failure. The message is for logs and step rows, never for HTTP bodies.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("statement binds {found} parameters, D1 allows {limit}")]
    TooManyParameters { found: usize, limit: usize },
    #[error("database error: {0}")]
    Database(String),
    #[error("row decode error: {0}")]
    Decode(String),
    #[error("migration {file}: {message}")]
    Migration { file: String, message: String },
}
