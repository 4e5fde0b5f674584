//! A small read-only XML tree keyed by local names.
//!
//! WCF answers use whatever prefixes it likes (`s:`, `a:`, default namespaces, `i:nil`)
//! and the versioned services change the namespace URI, so the parsers match local
//! names only. Responses are at most a few megabytes, so a tree keeps the parsers
//! short and readable; only the attributes the parsers need are kept.

use std::borrow::Cow;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use quick_xml::errors::{Error as QxError, SyntaxError};
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::error::UpstreamError;

/// Nesting deeper than any TGA document; a guard against pathological input.
const MAX_DEPTH: usize = 200;

#[derive(Debug, Default)]
pub(crate) struct Node {
    /// Local name (prefix stripped).
    pub name: String,
    /// `xsi:nil="true"`: present but null, read as absent.
    pub nil: bool,
    /// Local part of `xsi:type` (`Rto` for an RTO's details).
    pub xsi_type: Option<String>,
    pub text: String,
    pub children: Vec<Node>,
}

/// Parses a whole document into a synthetic root whose children are the top elements.
pub(crate) fn parse(bytes: &[u8]) -> Result<Node, UpstreamError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes)
        .map_err(|e| UpstreamError::MalformedXml(format!("not UTF-8: {e}")))?;
    let mut reader = Reader::from_str(text);
    let mut stack = vec![Node::default()];
    loop {
        let event = reader.read_event().map_err(|e| xml_error(e, &reader))?;
        match event {
            Event::Start(e) => {
                if stack.len() > MAX_DEPTH {
                    return Err(UpstreamError::MalformedXml("nesting too deep".into()));
                }
                stack.push(open(&e)?);
            }
            Event::Empty(e) => {
                let node = open(&e)?;
                top(&mut stack).children.push(node);
            }
            Event::End(_) => {
                // quick-xml checks end names, so only the synthetic root could be left.
                if stack.len() < 2 {
                    return Err(UpstreamError::MalformedXml("unmatched end tag".into()));
                }
                let node = stack.pop().unwrap_or_default();
                top(&mut stack).children.push(node);
            }
            Event::Text(t) => {
                let s = t.xml10_content().map_err(malformed)?;
                top(&mut stack).text.push_str(&s);
            }
            Event::CData(t) => {
                let s = t.decode().map_err(malformed)?;
                top(&mut stack).text.push_str(&s);
            }
            Event::GeneralRef(r) => {
                let ch = r.resolve_char_ref().map_err(malformed)?;
                let name = r.decode().map_err(malformed)?;
                let s: Cow<str> = match ch {
                    Some(c) => c.to_string().into(),
                    None => resolve_predefined_entity(&name)
                        .ok_or_else(|| {
                            UpstreamError::MalformedXml(format!("undefined entity &{name};"))
                        })?
                        .into(),
                };
                top(&mut stack).text.push_str(&s);
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if stack.len() > 1 {
        let open: Vec<&str> = stack[1..].iter().map(|n| n.name.as_str()).collect();
        return Err(UpstreamError::Truncated(format!(
            "ended inside <{}>",
            open.join("><")
        )));
    }
    let root = stack.pop().unwrap_or_default();
    if root.children.is_empty() {
        return Err(UpstreamError::Truncated("no root element".into()));
    }
    Ok(root)
}

fn top(stack: &mut [Node]) -> &mut Node {
    stack
        .last_mut()
        .expect("the synthetic root is never popped")
}

fn malformed(e: impl std::fmt::Display) -> UpstreamError {
    UpstreamError::MalformedXml(e.to_string())
}

/// Syntax errors that mean "input ended too early" are truncation, not corruption.
fn xml_error(e: QxError, reader: &Reader<&[u8]>) -> UpstreamError {
    let at = reader.error_position();
    match e {
        QxError::Syntax(
            SyntaxError::UnclosedTag
            | SyntaxError::UnclosedComment
            | SyntaxError::UnclosedCData
            | SyntaxError::UnclosedDoctype
            | SyntaxError::UnclosedPIOrXmlDecl,
        ) => UpstreamError::Truncated(format!("{e} at byte {at}")),
        e => UpstreamError::MalformedXml(format!("{e} at byte {at}")),
    }
}

fn local(qname: &[u8]) -> &[u8] {
    qname.rsplit(|b| *b == b':').next().unwrap_or(qname)
}

fn open(e: &BytesStart) -> Result<Node, UpstreamError> {
    let mut node = Node {
        name: String::from_utf8_lossy(local(e.name().as_ref())).into_owned(),
        ..Node::default()
    };
    for attr in e.attributes() {
        let attr = attr.map_err(malformed)?;
        match local(attr.key.as_ref()) {
            b"nil" => {
                let v = attr.unescape_value().map_err(malformed)?;
                node.nil = matches!(v.trim(), "true" | "1");
            }
            b"type" => {
                let v = attr.unescape_value().map_err(malformed)?;
                let v = v.rsplit(':').next().unwrap_or(&v);
                node.xsi_type = Some(v.to_owned());
            }
            _ => {}
        }
    }
    Ok(node)
}

impl Node {
    /// First child with this local name that is not nil.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name && !c.nil)
    }

    /// Children with this local name, nil ones skipped.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children
            .iter()
            .filter(move |c| c.name == name && !c.nil)
    }

    /// The items of an `ArrayOfX` child: `<Releases><Release/>…</Releases>`.
    pub fn list<'a>(&'a self, array: &str, item: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.child(array).into_iter().flat_map(move |a| a.all(item))
    }

    /// First descendant (depth-first) with this local name.
    pub fn find(&self, name: &str) -> Option<&Node> {
        self.children.iter().find_map(|c| {
            if c.name == name {
                Some(c)
            } else {
                c.find(name)
            }
        })
    }

    /// Trimmed text of a child; `None` when absent, nil or blank.
    pub fn text(&self, name: &str) -> Option<String> {
        self.child(name).and_then(Node::own_text)
    }

    pub fn own_text(&self) -> Option<String> {
        let t = self.text.trim();
        (!self.nil && !t.is_empty()).then(|| t.to_owned())
    }

    pub fn bool(&self, name: &str) -> Result<Option<bool>, UpstreamError> {
        self.text(name).map(|v| parse_bool(name, &v)).transpose()
    }

    /// A boolean WCF omits when false (`EmitDefaultValue=false`).
    pub fn flag(&self, name: &str) -> Result<bool, UpstreamError> {
        Ok(self.bool(name)?.unwrap_or(false))
    }

    pub fn int(&self, name: &str) -> Result<Option<i64>, UpstreamError> {
        self.text(name)
            .map(|v| v.parse().map_err(|_| UpstreamError::bad(name, &v)))
            .transpose()
    }

    pub fn date(&self, name: &str) -> Result<Option<NaiveDate>, UpstreamError> {
        self.text(name).map(|v| parse_date(name, &v)).transpose()
    }

    /// A `DateTimeOffset` child (`{DateTime, OffsetMinutes}`), as UTC.
    pub fn instant(&self, name: &str) -> Result<Option<DateTime<Utc>>, UpstreamError> {
        let Some(node) = self.child(name) else {
            return Ok(None);
        };
        let Some(dt) = node.text("DateTime") else {
            return Ok(None);
        };
        let offset = node.int("OffsetMinutes")?.unwrap_or(0);
        parse_date_time_offset(name, &dt, offset).map(Some)
    }
}

pub(crate) fn parse_bool(field: &str, v: &str) -> Result<bool, UpstreamError> {
    match v.trim() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(UpstreamError::bad(field, v)),
    }
}

/// An `xs:date` (`2020-06-01`, with or without a zone) or a date-time whose calendar
/// date is wanted (`2020-06-01T00:00:00`): the date as written, never shifted.
pub(crate) fn parse_date(field: &str, v: &str) -> Result<NaiveDate, UpstreamError> {
    let v = v.trim();
    let (day, rest) = v.split_at(v.len().min(10));
    let rest_ok = rest.is_empty() || rest.starts_with(['T', 'Z', '+', '-', ' ']);
    match NaiveDate::parse_from_str(day, "%Y-%m-%d") {
        Ok(d) if rest_ok => Ok(d),
        _ => Err(UpstreamError::bad(field, v)),
    }
}

/// WCF's `DateTimeOffset` surrogate: `DateTime` is the UTC instant when it carries a
/// zone (`Z`, as WCF writes it) and `OffsetMinutes` is only the display offset; a
/// `DateTime` without a zone is local time at `OffsetMinutes`.
pub(crate) fn parse_date_time_offset(
    field: &str,
    v: &str,
    offset_minutes: i64,
) -> Result<DateTime<Utc>, UpstreamError> {
    let v = v.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(t.with_timezone(&Utc));
    }
    let local = NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S%.f")
        .map_err(|_| UpstreamError::bad(field, v))?;
    Ok(Utc.from_utc_datetime(&(local - Duration::minutes(offset_minutes))))
}

/// Escapes text and attribute values (`&`, `<`, `>`, `"`, `'`).
pub(crate) fn escape(s: &str) -> Cow<'_, str> {
    quick_xml::escape::escape(s)
}
