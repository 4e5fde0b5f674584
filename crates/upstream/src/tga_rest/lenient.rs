//! Tolerant serde readers for a third-party-documented JSON shape.

use chrono::NaiveDate;
use serde::de::Deserializer;
use serde::Deserialize;
use serde_json::Value;

use crate::xml;

/// A list that may be `null` or missing.
pub(super) fn seq<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// Text from a string, number or `{name|code|value}` object; blank and `null` → `None`.
pub(super) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(value_text(&Value::deserialize(d)?))
}

pub(super) fn texts<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let v: Option<Vec<Value>> = Option::deserialize(d)?;
    Ok(v.unwrap_or_default()
        .iter()
        .filter_map(value_text)
        .collect())
}

pub(super) fn value_text(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Object(m) => {
            return ["name", "code", "value"]
                .iter()
                .find_map(|k| m.get(*k).and_then(value_text))
        }
        Value::Null | Value::Array(_) => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// A calendar date from `2020-06-01` or `2020-06-01T00:00:00…`; unreadable → `None`
/// (third-party shape: a bad date must not lose the whole organisation).
pub(super) fn date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    Ok(text(d)?.and_then(|s| xml::parse_date("date", &s).ok()))
}
