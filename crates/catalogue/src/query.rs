//! User search text → a safe FTS5 query.
//!
//! FTS5 has its own query language (`AND`/`OR`/`NOT`, `NEAR(...)`, `"phrases"`, `prefix*`,
//! `^initial`, `column:` filters, parentheses, `+`). Users type none of it on purpose, and
//! a stray quote or bracket would otherwise surface as a database error. So the text is cut
//! into words (runs of letters and digits; everything else separates), and each word
//! becomes a double-quoted FTS5 string. Inside double quotes FTS5 reads nothing as syntax,
//! and the words cannot contain a quote, so no input can reach the query parser as an
//! operator. The words are ANDed (FTS5's implicit operator); the last one also matches as
//! a prefix, for type-ahead.

use crate::error::{CatalogueError, Result};
use rtopacks_domain::codes::{NationalCode, RtoCode};

/// Longest search text accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most words in one search.
pub const MAX_QUERY_WORDS: usize = 20;
/// A last word shorter than this is matched whole: a one-letter prefix would match most of
/// the index (the prefix indexes start at two characters).
const MIN_PREFIX_CHARS: usize = 2;

/// A parsed search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText {
    /// The FTS5 MATCH expression, e.g. `"diploma" "leader"*`. Always bound, never spliced.
    pub fts: String,
    /// The words, lower-cased.
    pub words: Vec<String>,
    /// The input trimmed with runs of white space collapsed: compared (case-insensitively)
    /// with titles and names to put an exact match first.
    pub exact: String,
    /// The input as a code (national or RTO), upper-cased, when it is one.
    pub code: Option<String>,
}

/// Parse user search text. Never panics; anything that is not a usable search is a
/// [`CatalogueError::BadInput`] with a sentence the user can act on.
pub fn parse_query(input: &str) -> Result<SearchText> {
    // Count at most one past the limit: a 10 MB input costs no more than a long one.
    let chars = input.chars().take(MAX_QUERY_CHARS + 1).count();
    if chars > MAX_QUERY_CHARS {
        return Err(CatalogueError::bad(format!(
            "The search text is too long: use at most {MAX_QUERY_CHARS} characters."
        )));
    }
    let words: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        return Err(CatalogueError::bad(
            "The search text is empty: type a word, a name or a code (letters or digits).",
        ));
    }
    if words.len() > MAX_QUERY_WORDS {
        return Err(CatalogueError::bad(format!(
            "The search text has too many words: use at most {MAX_QUERY_WORDS}."
        )));
    }
    let last = words.len() - 1;
    let fts = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let prefix = i == last && w.chars().count() >= MIN_PREFIX_CHARS;
            format!("\"{w}\"{}", if prefix { "*" } else { "" })
        })
        .collect::<Vec<_>>()
        .join(" ");
    let exact = input.split_whitespace().collect::<Vec<_>>().join(" ");
    let code = NationalCode::parse(&exact)
        .map(String::from)
        .or_else(|_| RtoCode::parse(&exact).map(String::from))
        .ok();
    Ok(SearchText {
        fts,
        words,
        exact,
        code,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_and_the_last_is_a_prefix() {
        let q = parse_query("  Diploma of   Leader").unwrap();
        assert_eq!(q.fts, r#""diploma" "of" "leader"*"#);
        assert_eq!(q.exact, "Diploma of Leader");
        assert_eq!(q.code, None);
    }

    #[test]
    fn codes_are_recognised() {
        assert_eq!(
            parse_query("bsb50420").unwrap().code.as_deref(),
            Some("BSB50420")
        );
        assert_eq!(parse_query("0275").unwrap().code.as_deref(), Some("0275"));
    }

    #[test]
    fn fts_syntax_is_neutralised() {
        let cases = [
            (r#""foo" OR 1=1 --"#, r#""foo" "or" "1" "1""#),
            ("NEAR(a b)", r#""near" "a" "b""#),
            ("title:x", r#""title" "x""#),
            ("\"unbalanced", r#""unbalanced"*"#),
            (
                "^start* +plus -minus (x OR y) AND NOT z",
                r#""start" "plus" "minus" "x" "or" "y" "and" "not" "z""#,
            ),
        ];
        for (input, fts) in cases {
            assert_eq!(parse_query(input).unwrap().fts, fts, "{input}");
        }
    }

    #[test]
    fn empty_long_and_wordy_inputs_are_refused_in_plain_words() {
        for input in ["", "   ", "\"\" ** ()", "--"] {
            let e = parse_query(input).unwrap_err();
            assert!(e.detail().contains("empty"), "{input:?}: {e}");
        }
        let e = parse_query(&"a".repeat(10_000)).unwrap_err();
        assert!(e.detail().contains("too long"));
        let e = parse_query(&"ab ".repeat(30)).unwrap_err();
        assert!(e.detail().contains("too many words"));
        assert!(parse_query(&"é".repeat(MAX_QUERY_CHARS)).is_ok());
    }
}
