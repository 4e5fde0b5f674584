use crate::{StoreError, D1_MAX_BOUND_PARAMETERS};

/// A bound SQL parameter. SQL text never carries values: everything goes through these.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    /// Bound as a JS number on D1 (an i64 would become a BigInt, which D1 rejects), so
    /// integers are exact up to 2^53.
    Int(i64),
    Real(f64),
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<u64> for Value {
    fn from(v: u64) -> Self {
        Value::Int(v as i64)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int(v.into())
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(v.into())
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Real(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// One SQL statement with its bound parameters (`?1`, `?2`, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sql: String,
    pub params: Vec<Value>,
}

impl Statement {
    pub fn new(sql: impl Into<String>) -> Self {
        Statement {
            sql: sql.into(),
            params: Vec::new(),
        }
    }

    /// Append a parameter (builder style).
    pub fn bind(mut self, v: impl Into<Value>) -> Self {
        self.params.push(v.into());
        self
    }

    /// Both backends refuse a statement D1 would refuse in production.
    pub fn check_limits(&self) -> Result<(), StoreError> {
        if self.params.len() > D1_MAX_BOUND_PARAMETERS {
            return Err(StoreError::TooManyParameters {
                found: self.params.len(),
                limit: D1_MAX_BOUND_PARAMETERS,
            });
        }
        Ok(())
    }
}
