//! JSON Schema, written once: small builders for the tools' input and output schemas, and
//! the run-time check of tool arguments against the declared `inputSchema` (so what the
//! schema promises and what the server accepts cannot drift apart).
//!
//! The check covers the keywords the input schemas use: `type` (`string`, `integer`,
//! `boolean`, `array`), `properties`, `required`, `additionalProperties: false`, `enum`,
//! `minLength`/`maxLength`, `minimum`/`maximum`, `items`/`maxItems`. `pattern` is left to
//! the domain's code parsers, whose messages say what a good code looks like. A `null`
//! for an optional argument counts as leaving it out (models often send one).

use serde_json::{json, Map, Value};

use crate::http::clip;

// ---- builders -----------------------------------------------------------------------

pub(crate) fn string() -> Value {
    json!({ "type": "string" })
}

pub(crate) fn opt_string() -> Value {
    json!({ "type": ["string", "null"] })
}

pub(crate) fn integer() -> Value {
    json!({ "type": "integer" })
}

pub(crate) fn opt_integer() -> Value {
    json!({ "type": ["integer", "null"] })
}

pub(crate) fn opt_number() -> Value {
    json!({ "type": ["number", "null"] })
}

pub(crate) fn boolean() -> Value {
    json!({ "type": "boolean" })
}

pub(crate) fn opt_boolean() -> Value {
    json!({ "type": ["boolean", "null"] })
}

/// A non-empty string matching `pattern` (an ECMA-262 regular expression).
pub(crate) fn json_string_pattern(pattern: &str) -> Value {
    json!({ "type": "string", "minLength": 1, "pattern": pattern })
}

/// Any JSON value.
pub(crate) fn any() -> Value {
    json!({})
}

pub(crate) fn one_of_strings<S: AsRef<str>>(values: &[S]) -> Value {
    let v: Vec<&str> = values.iter().map(AsRef::as_ref).collect();
    json!({ "type": "string", "enum": v })
}

pub(crate) fn opt_one_of_strings<S: AsRef<str>>(values: &[S]) -> Value {
    let mut v: Vec<Value> = values.iter().map(|s| Value::from(s.as_ref())).collect();
    v.push(Value::Null);
    json!({ "type": ["string", "null"], "enum": v })
}

pub(crate) fn array(items: Value) -> Value {
    json!({ "type": "array", "items": items })
}

/// An object whose every property is always present (the serialisers emit every field,
/// `null` when absent).
pub(crate) fn object(props: Vec<(&str, Value)>) -> Value {
    object_with_optional(props, &[])
}

/// An object with every property required but those named in `optional`.
pub(crate) fn object_with_optional(props: Vec<(&str, Value)>, optional: &[&str]) -> Value {
    let required: Vec<&str> = props
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| !optional.contains(k))
        .collect();
    let properties: Map<String, Value> =
        props.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    json!({ "type": "object", "properties": properties, "required": required })
}

/// `schema`, or `null`.
pub(crate) fn nullable(mut schema: Value) -> Value {
    if let Some(t) = schema
        .get("type")
        .and_then(Value::as_str)
        .map(str::to_owned)
    {
        schema["type"] = json!([t, "null"]);
    }
    schema
}

/// `schema` with a `description`.
pub(crate) fn described(mut schema: Value, text: &str) -> Value {
    schema["description"] = Value::from(text);
    schema
}

/// A tool's closed `inputSchema`.
pub(crate) fn input(props: Vec<(&str, Value)>, required: &[&str]) -> Value {
    let properties: Map<String, Value> =
        props.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

// ---- the run-time check ---------------------------------------------------------------

/// Check `args` against a tool's `inputSchema`; the error is one sentence for the model.
pub(crate) fn check_arguments(schema: &Value, args: &Map<String, Value>) -> Result<(), String> {
    let empty = Map::new();
    let props = schema
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let names = || {
        props
            .keys()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(extra) = args.keys().find(|k| !props.contains_key(*k)) {
        return Err(format!(
            "`{}` is not an argument of this tool. Its arguments are {}.",
            clip(extra, 40),
            names()
        ));
    }
    let required = schema
        .get("required")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for name in required.iter().filter_map(Value::as_str) {
        if args.get(name).is_none_or(Value::is_null) {
            let what = props
                .get(name)
                .and_then(|p| p.get("description"))
                .and_then(Value::as_str)
                .map(|d| format!(". {d}"))
                .unwrap_or_else(|| ".".to_owned());
            return Err(format!("The argument `{name}` is missing{what}"));
        }
    }
    for (name, value) in args {
        if value.is_null() {
            continue;
        }
        check_value(&format!("`{name}`"), &props[name], value).map_err(|e| capitalise(&e))?;
    }
    Ok(())
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn shown(v: &Value) -> String {
    clip(&v.to_string(), 40)
}

fn check_value(label: &str, schema: &Value, value: &Value) -> Result<(), String> {
    let ty = schema.get("type").and_then(Value::as_str).unwrap_or("");
    match ty {
        "string" => {
            let Some(s) = value.as_str() else {
                return Err(format!(
                    "{label} must be a string (text), not {}.",
                    shown(value)
                ));
            };
            let chars = s.chars().count() as u64;
            if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
                if chars < min {
                    return Err(if min == 1 {
                        format!("{label} must not be empty.")
                    } else {
                        format!("{label} must be at least {min} characters long.")
                    });
                }
            }
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
                if chars > max {
                    return Err(format!(
                        "{label} is too long: use at most {max} characters."
                    ));
                }
            }
            check_enum(label, schema, value)
        }
        "integer" => {
            let n = value.as_i64().or_else(|| {
                value
                    .as_f64()
                    .filter(|f| f.fract() == 0.0)
                    .map(|f| f as i64)
            });
            let min = schema.get("minimum").and_then(Value::as_i64);
            let max = schema.get("maximum").and_then(Value::as_i64);
            let range = match (min, max) {
                (Some(a), Some(b)) => format!(" from {a} to {b}"),
                (Some(a), None) => format!(" of at least {a}"),
                (None, Some(b)) => format!(" of at most {b}"),
                (None, None) => String::new(),
            };
            match n {
                Some(n) if min.is_none_or(|a| n >= a) && max.is_none_or(|b| n <= b) => Ok(()),
                _ => Err(format!(
                    "{label} must be a whole number{range}, not {}.",
                    shown(value)
                )),
            }
        }
        "boolean" => match value {
            Value::Bool(_) => Ok(()),
            _ => Err(format!(
                "{label} must be true or false, not {}.",
                shown(value)
            )),
        },
        "array" => {
            let Some(items) = value.as_array() else {
                return Err(format!(
                    "{label} must be a list (a JSON array), not {}.",
                    shown(value)
                ));
            };
            if let Some(max) = schema.get("maxItems").and_then(Value::as_u64) {
                if items.len() as u64 > max {
                    return Err(format!("{label} may list at most {max} items."));
                }
            }
            let item_schema = schema.get("items").cloned().unwrap_or_else(any);
            let each = format!("each item of {label}");
            items
                .iter()
                .try_for_each(|item| check_value(&each, &item_schema, item))
        }
        _ => Ok(()),
    }
}

fn check_enum(label: &str, schema: &Value, value: &Value) -> Result<(), String> {
    let Some(allowed) = schema.get("enum").and_then(Value::as_array) else {
        return Ok(());
    };
    if allowed.contains(value) {
        return Ok(());
    }
    let list: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
    Err(format!(
        "{label} must be one of {}, not {}.",
        list.join(", "),
        shown(value)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Value {
        input(
            vec![
                (
                    "code",
                    described(string(), "A national code, e.g. BSB50420."),
                ),
                (
                    "per_page",
                    json!({ "type": "integer", "minimum": 1, "maximum": 100 }),
                ),
                ("flag", boolean()),
                (
                    "types",
                    json!({ "type": "array", "maxItems": 2, "items": one_of_strings(&["unit", "rto"]) }),
                ),
                (
                    "text",
                    json!({ "type": "string", "minLength": 1, "maxLength": 5 }),
                ),
            ],
            &["code"],
        )
    }

    fn check(args: Value) -> Result<(), String> {
        check_arguments(&schema(), args.as_object().unwrap())
    }

    #[test]
    fn arguments_are_checked_against_the_declared_schema() {
        assert!(check(json!({ "code": "BSB50420", "per_page": 10, "flag": true })).is_ok());
        assert!(check(json!({ "code": "X", "per_page": 10.0, "types": ["unit"] })).is_ok());
        assert!(check(json!({ "code": "X", "per_page": null })).is_ok());
        let e = check(json!({})).unwrap_err();
        assert_eq!(
            e,
            "The argument `code` is missing. A national code, e.g. BSB50420."
        );
        let e = check(json!({ "code": "X", "colour": "red" })).unwrap_err();
        assert!(e.starts_with("`colour` is not an argument"), "{e}");
        assert!(e.contains("`code`, `flag`, `per_page`"), "{e}");
        let e = check(json!({ "code": 50420 })).unwrap_err();
        assert_eq!(e, "`code` must be a string (text), not 50420.");
        let e = check(json!({ "code": "X", "per_page": 0 })).unwrap_err();
        assert_eq!(e, "`per_page` must be a whole number from 1 to 100, not 0.");
        let e = check(json!({ "code": "X", "per_page": "ten" })).unwrap_err();
        assert!(e.contains("whole number"), "{e}");
        let e = check(json!({ "code": "X", "flag": "yes" })).unwrap_err();
        assert_eq!(e, "`flag` must be true or false, not \"yes\".");
        let e = check(json!({ "code": "X", "types": ["unit", "widget"] })).unwrap_err();
        assert_eq!(
            e,
            "Each item of `types` must be one of unit, rto, not \"widget\"."
        );
        let e = check(json!({ "code": "X", "types": "unit" })).unwrap_err();
        assert!(e.contains("must be a list"), "{e}");
        let e = check(json!({ "code": "X", "types": ["unit", "rto", "unit"] })).unwrap_err();
        assert!(e.contains("at most 2"), "{e}");
        assert!(check(json!({ "code": "X", "text": "" }))
            .unwrap_err()
            .contains("must not be empty"));
        assert!(check(json!({ "code": "X", "text": "toolong" }))
            .unwrap_err()
            .contains("too long"));
    }

    #[test]
    fn nullable_widens_the_type_and_keeps_the_rest() {
        let s = nullable(object(vec![("a", string())]));
        assert_eq!(s["type"], json!(["object", "null"]));
        assert_eq!(s["required"], json!(["a"]));
        let e = opt_one_of_strings(&["E", "N"]);
        assert_eq!(e["enum"], json!(["E", "N", null]));
    }
}
