//! Form bodies and query strings.
//!
//! Decode POST bodies into structs whose fields are `String` with `#[serde(default)]`
//! (or `Option`), then validate in the handler and report problems through
//! [`crate::components::FormErrors`]: a missing field is then a plain-words message next
//! to the field rather than a decoding failure.

use serde::de::DeserializeOwned;
use thiserror::Error;

/// A sensible limit for ordinary forms (file uploads are multipart and handled apart).
pub const DEFAULT_MAX_BYTES: usize = 16 * 1024;

/// Bounds on a query string: longer ones are read only this far, and only this many
/// pairs are kept.
pub const MAX_QUERY_BYTES: usize = 4 * 1024;
pub const MAX_QUERY_PAIRS: usize = 64;

/// The query parameter pagers carry.
pub const CURSOR: &str = "cursor";

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FormError {
    #[error("This form is too large to accept (the limit is {limit} bytes).")]
    TooLarge { limit: usize },
    /// `detail` is for logs; the message shown is plain words.
    #[error("This form could not be read. Reload the page and try again.")]
    Malformed { detail: String },
}

/// Decode an `application/x-www-form-urlencoded` body of at most `max_bytes`.
pub fn decode<T: DeserializeOwned>(body: &[u8], max_bytes: usize) -> Result<T, FormError> {
    if body.len() > max_bytes {
        return Err(FormError::TooLarge { limit: max_bytes });
    }
    serde_urlencoded::from_bytes(body).map_err(|e| FormError::Malformed {
        detail: e.to_string(),
    })
}

/// A query string as ordered `(key, value)` pairs, decoded. Search pages read `q`,
/// `type`, `status`, `cursor` and so on from it, and pagers and filters re-encode it
/// with one key changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query(Vec<(String, String)>);

impl Query {
    /// Parse a raw query string (with or without the leading `?`). Tolerant: malformed
    /// escapes decode lossily. Bounded by [`MAX_QUERY_BYTES`] and [`MAX_QUERY_PAIRS`].
    pub fn parse(raw: &str) -> Query {
        let raw = raw.strip_prefix('?').unwrap_or(raw);
        let mut end = raw.len().min(MAX_QUERY_BYTES);
        while !raw.is_char_boundary(end) {
            end -= 1;
        }
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(&raw[..end]).unwrap_or_default();
        Query(pairs.into_iter().take(MAX_QUERY_PAIRS).collect())
    }

    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Query {
        Query(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    /// The first value of `key`, trimmed; `None` when absent or blank (an empty search
    /// box submits `q=`).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// Every non-blank value of `key` (repeated checkboxes, multi-selects).
    pub fn get_all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// This query with every `key` replaced by one `key=value`, kept where `key` first
    /// stood (appended if absent).
    pub fn with(&self, key: &str, value: &str) -> Query {
        let mut out = Vec::with_capacity(self.0.len() + 1);
        let mut placed = false;
        for (k, v) in &self.0 {
            if k != key {
                out.push((k.clone(), v.clone()));
            } else if !placed {
                out.push((key.to_owned(), value.to_owned()));
                placed = true;
            }
        }
        if !placed {
            out.push((key.to_owned(), value.to_owned()));
        }
        Query(out)
    }

    /// This query without `key`.
    pub fn without(&self, key: &str) -> Query {
        Query(self.0.iter().filter(|(k, _)| k != key).cloned().collect())
    }

    /// The encoded query string without `?`, blank values dropped (so links stay
    /// tidy): `q=diploma+of+business&type=qualification`.
    pub fn encode(&self) -> String {
        let kept: Vec<&(String, String)> = self
            .0
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .collect();
        serde_urlencoded::to_string(kept).unwrap_or_default()
    }

    /// `path` with this query appended (no `?` when it is empty).
    pub fn href(&self, path: &str) -> String {
        match self.encode() {
            q if q.is_empty() => path.to_owned(),
            q => format!("{path}?{q}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct SignIn {
        #[serde(default)]
        email: String,
        #[serde(default)]
        csrf: String,
        next: Option<String>,
    }

    #[test]
    fn decodes_forms() {
        let f: SignIn = decode(b"email=a%40b.com.au&csrf=tok&extra=1", 1024).unwrap();
        assert_eq!(
            f,
            SignIn {
                email: "a@b.com.au".into(),
                csrf: "tok".into(),
                next: None
            }
        );
        let f: SignIn = decode(b"", 1024).unwrap();
        assert_eq!(f.email, "");
        let f: SignIn = decode(b"email=%3Cscript%3E+x&next=%2Fdocs", 1024).unwrap();
        assert_eq!(f.email, "<script> x");
        assert_eq!(f.next.as_deref(), Some("/docs"));
    }

    #[test]
    fn refuses_large_or_malformed_bodies() {
        let body = vec![b'a'; 2000];
        let e = decode::<SignIn>(&body, 1024).unwrap_err();
        assert_eq!(e, FormError::TooLarge { limit: 1024 });
        assert_eq!(
            e.to_string(),
            "This form is too large to accept (the limit is 1024 bytes)."
        );

        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Count {
            n: u32,
        }
        let e = decode::<Count>(b"n=lots", 1024).unwrap_err();
        assert!(matches!(e, FormError::Malformed { .. }));
        assert_eq!(
            e.to_string(),
            "This form could not be read. Reload the page and try again."
        );
    }

    #[test]
    fn reads_queries() {
        let q = Query::parse("?q=diploma+of%20business&type=qualification&status=&type=unit");
        assert_eq!(q.get("q"), Some("diploma of business"));
        assert_eq!(q.get("type"), Some("qualification"));
        assert_eq!(q.get("status"), None);
        assert_eq!(q.get("cursor"), None);
        assert_eq!(
            q.get_all("type").collect::<Vec<_>>(),
            ["qualification", "unit"]
        );
        assert_eq!(Query::parse("%zz=%&a=%E2%82%AC").get("a"), Some("€"));
        assert!(Query::parse("").pairs().is_empty());
    }

    #[test]
    fn queries_are_bounded() {
        let many: String = (0..200).map(|i| format!("k{i}=v&")).collect();
        assert_eq!(Query::parse(&many).pairs().len(), MAX_QUERY_PAIRS);
        let long = format!("a={}&late=1", "é".repeat(MAX_QUERY_BYTES));
        assert_eq!(Query::parse(&long).get("late"), None);
    }

    #[test]
    fn composes_queries() {
        let q = Query::parse("q=a%26b&cursor=old&type=unit&cursor=older&status=");
        assert_eq!(
            q.with(CURSOR, "n/e+w").encode(),
            "q=a%26b&cursor=n%2Fe%2Bw&type=unit"
        );
        assert_eq!(
            q.without(CURSOR).href("/search"),
            "/search?q=a%26b&type=unit"
        );
        assert_eq!(
            Query::default().with("q", "<x>").href("/search"),
            "/search?q=%3Cx%3E"
        );
        assert_eq!(Query::default().href("/search"), "/search");
    }
}
