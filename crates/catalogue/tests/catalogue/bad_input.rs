//! Bad input gets a plain 400, never a store error; the parsers are property-tested.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rtopacks_catalogue::*;
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::{Db, Statement};
use serde::Deserialize;

use crate::fixture::{self, run};

fn q(text: &str) -> SearchParams {
    SearchParams {
        q: text.into(),
        ..Default::default()
    }
}

/// Either a result or a BadInput, and never a message that mentions SQL.
fn harmless(db: &SqliteDb, text: &str) -> Result<(), String> {
    match run(search(db, &q(text))) {
        Ok(_) => Ok(()),
        Err(e @ CatalogueError::BadInput(_)) => {
            let d = e.detail().to_lowercase();
            if ["sql", "fts5", "syntax", "select"]
                .iter()
                .any(|w| d.contains(w))
            {
                Err(format!("{text:?}: detail leaks internals: {d}"))
            } else {
                Ok(())
            }
        }
        Err(e) => Err(format!("{text:?}: {e}")),
    }
}

#[derive(Deserialize)]
struct N {
    n: i64,
}

fn components(db: &SqliteDb) -> i64 {
    run(db.first::<N>(Statement::new(
        "SELECT count(*) AS n FROM tga_training_components",
    )))
    .unwrap()
    .unwrap()
    .n
}

#[test]
fn injection_shaped_search_text_is_a_harmless_search_or_a_bad_input() {
    let db = fixture::db();
    let before = components(&db);
    let long = "x".repeat(10_000);
    let cases = [
        r#""foo" OR 1=1 --"#,
        "'; DROP TABLE tga_training_components; --",
        "NEAR(a b)",
        "NEAR(diploma leadership, 2)",
        "title:x",
        "code:BSB50420",
        "{code title}: diploma",
        "\"unbalanced",
        "diploma\"",
        "(((",
        "*",
        "dip*",
        "^diploma",
        "diploma AND NOT leadership",
        "diploma OR",
        "- + : ^ * \" ( )",
        "\0\u{1}\u{7f}",
        "\u{0903}\u{0903}", // letters to Rust, separators to the tokenizer
        "ﷺ",
        "🎓 diploma",
        long.as_str(),
    ];
    for text in cases {
        harmless(&db, text).unwrap();
    }
    assert_eq!(components(&db), before, "nothing was written");
    let e = run(search(&db, &q(&long))).unwrap_err();
    assert_eq!(e.status(), 400);
    assert!(e.detail().contains("200 characters"));
    let e = run(search(&db, &q("  \"\" ()  "))).unwrap_err();
    assert!(e.detail().contains("empty"));
    // Operators are words: "diploma OR leadership" needs both words, like any search.
    let r = run(search(&db, &q("leadership OR coaching"))).unwrap();
    assert!(r.results.is_empty(), "no title holds the word 'or'");
}

#[test]
fn bad_pages_cursors_and_codes_are_bad_input() {
    let db = fixture::db();
    for per_page in [0, 101, u32::MAX] {
        let p = SearchParams {
            page: Page::first(per_page),
            ..q("diploma")
        };
        assert!(run(search(&db, &p)).unwrap_err().is_bad_input());
    }
    for cursor in [
        "garbage",
        "",
        "MXxzfDAwMDAwMDAwfDB8MHwwfEJTQg",
        "%27%20OR%201%3D1",
    ] {
        let p = SearchParams {
            page: Page::after(cursor, None),
            ..q("diploma")
        };
        let e = run(search(&db, &p)).unwrap_err();
        assert!(e.is_bad_input(), "{cursor:?}: {e}");
        assert!(e.detail().contains("cursor"));
    }
    // A real cursor for another search, or for a scope listing, is refused.
    let r = run(search(
        &db,
        &SearchParams {
            page: Page::first(1),
            ..q("diploma")
        },
    ))
    .unwrap();
    let c = r.next_cursor.unwrap();
    let other = SearchParams {
        page: Page::after(c.clone(), Some(1)),
        ..q("leadership")
    };
    assert!(run(search(&db, &other))
        .unwrap_err()
        .detail()
        .contains("different"));
    let scope = ScopeParams {
        page: Page::after(c, None),
        ..Default::default()
    };
    let e = run(rto(
        &db,
        &RtoCode::parse("45329").unwrap(),
        Tier::L4,
        &scope,
    ))
    .unwrap_err();
    assert!(e.is_bad_input());

    for bad in ["BSB 50420", "BSB50420'--", "", "BS", &"A".repeat(40)] {
        let e: CatalogueError = NationalCode::parse(bad).unwrap_err().into();
        assert_eq!(e.status(), 400);
        assert!(
            e.detail().starts_with("National codes are"),
            "{}",
            e.detail()
        );
    }
    let e: CatalogueError = RtoCode::parse("45329; DROP").unwrap_err().into();
    assert!(e.detail().starts_with("RTO codes are"));
    for bad in ["widgets", ""] {
        assert!(Kind::parse(bad).unwrap_err().is_bad_input());
    }
    assert!(Status::parse("retired").unwrap_err().is_bad_input());
    assert!(AqfLevel::parse("certificate v").unwrap_err().is_bad_input());
    assert!(State::parse("Atlantis").unwrap_err().is_bad_input());
}

/// Strings built from FTS5's syntax and a few words, the inputs most likely to break out.
fn fts_shaped() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\"".to_owned()),
        Just("*".to_owned()),
        Just("^".to_owned()),
        Just(":".to_owned()),
        Just("(".to_owned()),
        Just(")".to_owned()),
        Just("+".to_owned()),
        Just("-".to_owned()),
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just(",".to_owned()),
        Just(" ".to_owned()),
        Just("AND".to_owned()),
        Just("OR".to_owned()),
        Just("NOT".to_owned()),
        Just("NEAR".to_owned()),
        Just("code".to_owned()),
        Just("title".to_owned()),
        Just("'".to_owned()),
        Just(";".to_owned()),
        "[a-zA-Z0-9]{1,6}",
        "\\PC{1,3}",
    ];
    prop::collection::vec(piece, 0..30).prop_map(|v| v.concat())
}

#[test]
fn property_parse_query_never_panics_and_any_query_it_accepts_runs() {
    let db = fixture::db();
    let mut runner = TestRunner::new(Config {
        cases: 400,
        ..Config::default()
    });
    let strategy = prop_oneof![any::<String>(), fts_shaped(), "\\PC{190,220}"];
    runner
        .run(&strategy, |text| {
            match parse_query(&text) {
                Ok(parsed) => {
                    // Only quoted words, spaces and a final `*` reach FTS5.
                    let outside_quotes: String = parsed.fts.split('"').step_by(2).collect();
                    prop_assert!(outside_quotes.chars().all(|c| c == ' ' || c == '*'));
                    prop_assert!(parsed.words.len() <= MAX_QUERY_WORDS);
                }
                Err(e) => prop_assert!(e.is_bad_input()),
            }
            harmless(&db, &text).map_err(TestCaseError::fail)?;
            Ok(())
        })
        .unwrap();
}

fn any_cursor() -> impl Strategy<Value = Cursor> {
    let code = "[A-Za-z0-9]{1,15}";
    prop_oneof![
        (any::<u32>(), any::<i64>(), any::<i64>(), any::<i64>(), code).prop_map(
            |(fingerprint, boost, score, source, code)| Cursor::Search {
                fingerprint,
                boost,
                score,
                source,
                code,
            }
        ),
        (any::<u32>(), code).prop_map(|(fingerprint, code)| Cursor::Key { fingerprint, code }),
    ]
}

proptest! {
    #[test]
    fn property_cursors_round_trip(c in any_cursor()) {
        let encoded = c.encode();
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        prop_assert_eq!(parse_cursor(&encoded).unwrap(), c);
    }

    #[test]
    fn property_parse_cursor_never_panics_and_refuses_plainly(s in prop_oneof![
        any::<String>(),
        "[A-Za-z0-9_-]{0,120}",
        any_cursor().prop_map(|c| { let mut e = c.encode(); e.pop(); e }),
    ]) {
        match parse_cursor(&s) {
            Ok(c) => prop_assert_eq!(c.encode(), s, "only canonical cursors decode"),
            Err(e) => {
                prop_assert!(e.is_bad_input());
                prop_assert!(e.detail().contains("cursor"));
            }
        }
    }

}

#[test]
fn property_any_cursor_text_is_a_page_or_a_bad_input() {
    let db = fixture::db();
    let mut runner = TestRunner::new(Config {
        cases: 200,
        ..Config::default()
    });
    let strategy = prop_oneof!["[A-Za-z0-9_-]{0,80}", any_cursor().prop_map(|c| c.encode()),];
    runner
        .run(&strategy, |s| {
            let p = SearchParams {
                page: Page::after(s, None),
                ..q("diploma")
            };
            if let Err(e) = run(search(&db, &p)) {
                prop_assert!(e.is_bad_input(), "{}", e);
            }
            Ok(())
        })
        .unwrap();
}
