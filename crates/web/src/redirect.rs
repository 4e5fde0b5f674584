//! No open redirects: a `next` parameter (or any other redirect target a visitor could
//! influence) is accepted only as a path on the same host.
//!
//! Browsers are forgiving in ways attackers use: `//evil` and `/\evil` are
//! protocol-relative, tabs and newlines are stripped before parsing, and some servers
//! or frameworks decode `%2f` / `%5c` once or twice more. So a candidate is checked as
//! written *and* after each round of percent-decoding.

/// Longest redirect target accepted. Real local paths are far shorter; the bound keeps
/// a hostile `next` from bloating headers.
pub const MAX_LEN: usize = 1024;

/// Rounds of percent-decoding tried; a target still changing after this is refused.
const DECODE_ROUNDS: usize = 3;

/// `candidate` itself if it is a safe local path, else `None`: `/`-rooted printable
/// ASCII, at most [`MAX_LEN`] bytes, and neither as written nor after any round of
/// percent-decoding protocol-relative (`//`, `/\`), holding a backslash, a `://` or a
/// control character.
pub fn local_path(candidate: &str) -> Option<String> {
    let raw = candidate.as_bytes();
    // Printable ASCII only as written: nothing a header cannot carry, no spaces.
    if raw.is_empty() || raw.len() > MAX_LEN || !raw.iter().all(|c| (0x21..=0x7e).contains(c)) {
        return None;
    }
    let mut form = raw.to_vec();
    for _ in 0..=DECODE_ROUNDS {
        if !stays_local(&form) {
            return None;
        }
        let decoded = percent_decode(&form);
        if decoded == form {
            return Some(candidate.to_owned());
        }
        form = decoded;
    }
    None
}

/// The redirect target for a `next` parameter: the local path, or `/`.
pub fn safe_next(next: Option<&str>) -> String {
    next.and_then(local_path).unwrap_or_else(|| "/".to_owned())
}

fn stays_local(b: &[u8]) -> bool {
    b.first() == Some(&b'/')
        && !matches!(b.get(1), Some(b'/' | b'\\'))
        // Browsers strip tab and newline before parsing (`/\t/evil` is `//evil`).
        && !b.iter().any(|&c| c < 0x20 || c == 0x7f || c == b'\\')
        && !b.windows(3).any(|w| w == b"://")
}

/// One round of `%XX` decoding, byte-wise and lenient like browsers: a `%` that does
/// not start a valid escape stays as it is.
fn percent_decode(b: &[u8]) -> Vec<u8> {
    let hex = |c: u8| (c as char).to_digit(16);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let escape = match (b[i], b.get(i + 1).copied(), b.get(i + 2).copied()) {
            (b'%', Some(h), Some(l)) => hex(h).zip(hex(l)),
            _ => None,
        };
        match escape {
            Some((h, l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn local_paths_pass_unchanged() {
        for ok in [
            "/",
            "/documents",
            "/rto/0275?tab=scope#contacts",
            "/search?q=diploma%20of%20business&cursor=abc",
            "/a/b/../c",
            "/x%2Fy",
            "/search?q=100%25",
            "/caf%C3%A9",
            "/%zz",
            "/%2",
        ] {
            assert_eq!(local_path(ok).as_deref(), Some(ok), "{ok}");
        }
    }

    #[test]
    fn everything_else_is_refused() {
        for bad in [
            "",
            "documents",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "/redirect?to=https://evil.example",
            "/%2f%2fevil.example",
            "/%2F/evil.example",
            "/%5cevil.example",
            "/%5Cevil.example",
            "/%252f%252fevil.example",
            "/%25252f%25252fevil.example",
            "/%2525252f%2525252fevil",
            "/\t/evil.example",
            "/\n/evil.example",
            "/%09/evil.example",
            "/%0d%0aSet-Cookie:x=1",
            "/ spaced",
            "/caf\u{e9}",
            "/https%3a%2f%2fevil",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
        assert_eq!(local_path(&format!("/{}", "a".repeat(MAX_LEN))), None);
        assert!(local_path(&format!("/{}", "a".repeat(MAX_LEN - 1))).is_some());
    }

    #[test]
    fn safe_next_defaults_home() {
        assert_eq!(safe_next(None), "/");
        assert_eq!(safe_next(Some("//evil")), "/");
        assert_eq!(safe_next(Some("/documents")), "/documents");
    }

    fn assert_safe(out: &str) {
        assert!(out.starts_with('/'), "{out:?}");
        assert!(!out.starts_with("//"), "{out:?}");
        assert!(!out.contains("://"), "{out:?}");
        assert!(!out.contains('\\'), "{out:?}");
        // The same holds after any decoding a server downstream might do.
        let mut form = out.as_bytes().to_vec();
        loop {
            let d = percent_decode(&form);
            if d == form {
                break;
            }
            assert!(!d.starts_with(b"//") && !d.windows(3).any(|w| w == b"://"));
            assert!(!d.contains(&b'\\'), "{out:?}");
            form = d;
        }
    }

    proptest! {
        #[test]
        fn no_output_is_ever_off_site(s in any::<String>()) {
            assert_safe(&safe_next(Some(&s)));
        }

        #[test]
        fn no_crafted_output_is_off_site(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("/"), Just("//"), Just("\\"), Just("%2f"), Just("%2F"), Just("%5c"),
                    Just("%25"), Just("%252f"), Just("2f"), Just("5c"), Just(":"), Just("%3a"),
                    Just("http"), Just("evil.example"), Just("\t"), Just("%09"), Just("?"),
                    Just("#"), Just("a"), Just("."),
                ],
                0..12,
            )
        ) {
            assert_safe(&safe_next(Some(&parts.concat())));
        }
    }
}
