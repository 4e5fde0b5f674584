//! One error for every catalogue answer, sorted by who must act: the caller (bad input),
//! nobody (not found), or the operator (store failure).

use rtopacks_domain::codes::CodeError;
use rtopacks_store::StoreError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum CatalogueError {
    /// The request cannot be answered as asked; the text says why in plain words and is
    /// safe to show (it never carries SQL).
    #[error("{0}")]
    BadInput(String),
    /// A well-formed code the mirror does not hold.
    #[error("{0}")]
    NotFound(String),
    /// The database failed. The message is for logs only: [`CatalogueError::detail`]
    /// never shows it.
    #[error("store failure: {0}")]
    Store(#[from] StoreError),
}

impl CatalogueError {
    pub(crate) fn bad(detail: impl Into<String>) -> Self {
        CatalogueError::BadInput(detail.into())
    }

    pub(crate) fn not_found(detail: impl Into<String>) -> Self {
        CatalogueError::NotFound(detail.into())
    }

    /// The HTTP status a surface should answer with.
    pub fn status(&self) -> u16 {
        match self {
            CatalogueError::BadInput(_) => 400,
            CatalogueError::NotFound(_) => 404,
            CatalogueError::Store(_) => 500,
        }
    }

    /// The `detail` of the error envelope: safe to show to anyone.
    pub fn detail(&self) -> String {
        match self {
            CatalogueError::BadInput(d) | CatalogueError::NotFound(d) => d.clone(),
            CatalogueError::Store(_) => {
                "The catalogue could not be read just now. Please try again shortly.".to_owned()
            }
        }
    }

    pub fn is_bad_input(&self) -> bool {
        matches!(self, CatalogueError::BadInput(_))
    }
}

/// A malformed code is the caller's mistake; the domain's message already says what a
/// good code looks like.
impl From<CodeError> for CatalogueError {
    fn from(e: CodeError) -> Self {
        CatalogueError::BadInput(format!("{}.", capitalise(&e.to_string())))
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub type Result<T> = std::result::Result<T, CatalogueError>;

/// A set of codes as the one JSON array a statement binds (expanded with `json_each`), so
/// a list of any length costs one parameter.
pub(crate) fn json_array(items: &[impl AsRef<str>]) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    serde_json::Value::from(items).to_string()
}
