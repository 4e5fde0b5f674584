//! Shared test helpers: fixtures, a namespace-resolving outline of XML, xmllint.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture_path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Short names for the namespaces a request may use.
fn alias(ns: &str) -> String {
    match ns {
        "http://schemas.xmlsoap.org/soap/envelope/" => "soap".into(),
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" => {
            "wsse".into()
        }
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" => {
            "wsu".into()
        }
        "http://training.gov.au/services/" => "tns".into(),
        "http://schemas.datacontract.org/2004/07/System" => "sys".into(),
        other => other.to_owned(),
    }
}

/// Every element in document order as `alias:Name/alias:Child = text` (text only on
/// leaves), namespaces resolved, so a test states names, namespaces, nesting and
/// order at once.
pub fn outline(xml: &str) -> Vec<String> {
    let mut reader = NsReader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut out: Vec<String> = Vec::new();
    let mut leaf_text = String::new();
    loop {
        let (ns, event) = reader.read_resolved_event().expect("well-formed");
        let qualified = |local: &[u8]| {
            let ns = match &ns {
                ResolveResult::Bound(n) => alias(std::str::from_utf8(n.as_ref()).unwrap()),
                _ => "none".into(),
            };
            format!("{ns}:{}", std::str::from_utf8(local).unwrap())
        };
        match event {
            Event::Start(e) => {
                path.push(qualified(e.local_name().as_ref()));
                out.push(path.join("/"));
                leaf_text.clear();
            }
            Event::Empty(e) => {
                path.push(qualified(e.local_name().as_ref()));
                out.push(path.join("/"));
                path.pop();
            }
            Event::Text(t) => leaf_text.push_str(&t.xml10_content().unwrap()),
            Event::GeneralRef(r) => {
                let name = r.decode().unwrap();
                let s = match r.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&name)
                        .unwrap()
                        .to_owned(),
                };
                leaf_text.push_str(&s);
            }
            Event::End(_) => {
                let last = out.last_mut().unwrap();
                if *last == path.join("/") && !leaf_text.is_empty() {
                    last.push_str(" = ");
                    last.push_str(&leaf_text);
                }
                leaf_text.clear();
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// The outline below `soap:Envelope/soap:Body/`, with that prefix removed.
pub fn body_outline(xml: &str) -> Vec<String> {
    let prefix = "soap:Envelope/soap:Body/";
    outline(xml)
        .into_iter()
        .filter_map(|l| l.strip_prefix(prefix).map(str::to_owned))
        .collect()
}

/// The raw text between `<{p}:Body>` and `</{p}:Body>`.
pub fn body_content<'a>(xml: &'a str, prefix: &str) -> &'a str {
    let open = format!("<{prefix}:Body>");
    let start = xml.find(&open).expect("a Body") + open.len();
    let end = xml
        .find(&format!("</{prefix}:Body>"))
        .expect("a closed Body");
    &xml[start..end]
}

/// Validates `doc` against an XSD in `fixtures/xsd` with xmllint. `None` when xmllint
/// is not installed (the caller skips), else the verdict with xmllint's message.
pub fn xmllint(doc: &str, xsd: &str) -> Option<Result<(), String>> {
    let schema = fixture_path("xsd").join(xsd);
    let mut child = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&schema)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(doc.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Some(if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    })
}
