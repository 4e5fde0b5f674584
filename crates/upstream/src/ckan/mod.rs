//! CKAN action API (data.gov.au): `datastore_search` pages and `resource_show` for
//! change detection. Generic here; the CRICOS resources are typed in [`cricos`].

pub mod cricos;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::UpstreamError;
use crate::{encode, json};

/// data.gov.au's action API base.
pub const DATA_GOV_AU: &str = "https://data.gov.au/data/api/3/action";

/// CKAN's default and a sensible page size (`limit`) for datastore reads.
pub const DEFAULT_LIMIT: u32 = 100;

/// `{base}/datastore_search?resource_id=…&limit=…&offset=…`.
pub fn datastore_search_url(base: &str, resource_id: &str, limit: u32, offset: u64) -> String {
    format!(
        "{}/datastore_search?resource_id={}&limit={limit}&offset={offset}",
        base.trim_end_matches('/'),
        encode(resource_id)
    )
}

/// `{base}/resource_show?id=…`.
pub fn resource_show_url(base: &str, resource_id: &str) -> String {
    format!(
        "{}/resource_show?id={}",
        base.trim_end_matches('/'),
        encode(resource_id)
    )
}

/// A raw datastore row: header text → value.
pub type Record = Map<String, Value>;

/// One `datastore_search` page. `rejected` lists rows a typed mapping could not use.
#[derive(Debug, Clone, PartialEq)]
pub struct DatastorePage<T> {
    pub resource_id: Option<String>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
    /// Rows in the whole resource (not this page).
    pub total: u64,
    pub records: Vec<T>,
    pub fields: Vec<Field>,
    /// `_links.next`: the path of the next page, as CKAN wrote it.
    pub next: Option<String>,
    pub rejected: Vec<RejectedRow>,
}

impl<T> DatastorePage<T> {
    /// The offset after this page (rows read so far, counting rejected ones).
    pub fn next_offset(&self) -> u64 {
        self.offset.unwrap_or(0) + (self.records.len() + self.rejected.len()) as u64
    }
    /// Whether this page reached the end of the resource.
    pub fn is_last(&self) -> bool {
        self.records.is_empty() && self.rejected.is_empty() || self.next_offset() >= self.total
    }
}

/// A row a typed mapping refused, with CKAN's `_id` to find it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    pub row_id: Option<i64>,
    pub reason: String,
}

/// `fields[]`: column name and CKAN type (`text`, `numeric`, `int`, …).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Field {
    pub id: String,
    #[serde(rename = "type", default)]
    pub field_type: String,
}

/// `resource_show` result: what change detection needs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ResourceInfo {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    /// When the data last changed, as CKAN wrote it (compared opaquely).
    #[serde(default)]
    pub last_modified: Option<String>,
    #[serde(default)]
    pub metadata_modified: Option<String>,
}

/// `datastore_search` → a page of raw records.
pub fn parse_datastore_search(bytes: &[u8]) -> Result<DatastorePage<Record>, UpstreamError> {
    #[derive(Deserialize)]
    struct Result_ {
        resource_id: Option<String>,
        limit: Option<u64>,
        offset: Option<u64>,
        total: Option<u64>,
        #[serde(default)]
        records: Option<Vec<Record>>,
        #[serde(default)]
        fields: Option<Vec<Field>>,
        #[serde(rename = "_links", default)]
        links: Option<Links>,
    }
    #[derive(Deserialize)]
    struct Links {
        next: Option<String>,
    }
    let r: Result_ = unwrap_result(bytes)?;
    Ok(DatastorePage {
        resource_id: r.resource_id,
        limit: r.limit,
        offset: r.offset,
        total: r.total.ok_or_else(|| {
            UpstreamError::UnexpectedShape("datastore_search result has no total".into())
        })?,
        records: r.records.unwrap_or_default(),
        fields: r.fields.unwrap_or_default(),
        next: r.links.and_then(|l| l.next),
        rejected: vec![],
    })
}

/// `resource_show` → the resource's id and `last_modified`.
pub fn parse_resource_show(bytes: &[u8]) -> Result<ResourceInfo, UpstreamError> {
    unwrap_result(bytes)
}

/// The action envelope: `{"success": true, "result": …}` or
/// `{"success": false, "error": {"__type", "message", …}}`.
fn unwrap_result<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, UpstreamError> {
    #[derive(Deserialize)]
    struct Envelope {
        success: Option<bool>,
        result: Option<Value>,
        error: Option<Map<String, Value>>,
    }
    let env: Envelope = json(bytes)?;
    if env.success != Some(true) {
        let error = env.error.unwrap_or_default();
        let kind = error
            .get("__type")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_owned();
        // Validation errors carry per-field lists instead of one message.
        let message = match error.get("message").and_then(Value::as_str) {
            Some(m) => m.to_owned(),
            None => error
                .iter()
                .filter(|(k, _)| *k != "__type")
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join("; "),
        };
        return Err(UpstreamError::Ckan { kind, message });
    }
    let result = env
        .result
        .ok_or_else(|| UpstreamError::UnexpectedShape("success without a result".into()))?;
    serde_json::from_value(result).map_err(|e| UpstreamError::UnexpectedShape(e.to_string()))
}
