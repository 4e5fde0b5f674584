//! Opaque seek cursors.
//!
//! A cursor is the sort key of the last row a page returned, so the next page starts
//! strictly after it (`WHERE key > ?`): pages never skip or repeat a row however deep the
//! caller goes, and every page costs the same. It is base64url (no padding) of a small
//! text payload, versioned so the format can change without misreading old cursors:
//!
//! * `1|s|<fingerprint>|<boost>|<score>|<source>|<code>`: a search position;
//! * `1|k|<fingerprint>|<code>`: a position in a list ordered by one code.
//!
//! The fingerprint hashes what was listed (the search and its filters, or the subject
//! code), so a cursor handed to a different listing is refused instead of silently
//! starting somewhere odd. Every number is an integer (scores are quantised), so the
//! cursor round-trips exactly through JSON and JavaScript.

use crate::error::{CatalogueError, Result};

const VERSION: &str = "1";
/// Longest cursor accepted, in bytes (real ones are under 80).
const MAX_CURSOR_LEN: usize = 200;
/// Longest code a cursor may carry (national codes are at most 15 characters).
const MAX_KEY_LEN: usize = 15;

/// A decoded cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    /// After this row of a search (see `search` for the sort order).
    Search {
        fingerprint: u32,
        boost: i64,
        score: i64,
        source: i64,
        code: String,
    },
    /// After this code in a list sorted by code.
    Key { fingerprint: u32, code: String },
}

impl Cursor {
    pub fn fingerprint(&self) -> u32 {
        match self {
            Cursor::Search { fingerprint, .. } | Cursor::Key { fingerprint, .. } => *fingerprint,
        }
    }

    /// The opaque form handed to callers.
    pub fn encode(&self) -> String {
        let text = match self {
            Cursor::Search {
                fingerprint,
                boost,
                score,
                source,
                code,
            } => format!("{VERSION}|s|{fingerprint:08x}|{boost}|{score}|{source}|{code}"),
            Cursor::Key { fingerprint, code } => format!("{VERSION}|k|{fingerprint:08x}|{code}"),
        };
        base64url_encode(text.as_bytes())
    }
}

fn invalid() -> CatalogueError {
    CatalogueError::bad(
        "The cursor is not valid: use the next_cursor of the previous page exactly as given, \
         or leave it out to start from the first page.",
    )
}

/// Decode a cursor from a caller. Never panics: anything that is not a cursor this crate
/// made is a [`CatalogueError::BadInput`].
pub fn parse_cursor(input: &str) -> Result<Cursor> {
    if input.is_empty() || input.len() > MAX_CURSOR_LEN {
        return Err(invalid());
    }
    let bytes = base64url_decode(input).ok_or_else(invalid)?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let parts: Vec<&str> = text.split('|').collect();
    let fp = |s: &str| {
        (s.len() == 8 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| u32::from_str_radix(s, 16).ok())
            .flatten()
            .ok_or_else(invalid)
    };
    match parts.as_slice() {
        [VERSION, "s", hex, boost, score, source, code] => Ok(Cursor::Search {
            fingerprint: fp(hex)?,
            boost: int(boost)?,
            score: int(score)?,
            source: int(source)?,
            code: key(code)?,
        }),
        [VERSION, "k", hex, code] => Ok(Cursor::Key {
            fingerprint: fp(hex)?,
            code: key(code)?,
        }),
        _ => Err(invalid()),
    }
}

/// Only the canonical decimal form, so each cursor has one spelling.
fn int(s: &str) -> Result<i64> {
    let n: i64 = s.parse().map_err(|_| invalid())?;
    if n.to_string() == s {
        Ok(n)
    } else {
        Err(invalid())
    }
}

fn key(s: &str) -> Result<String> {
    if (1..=MAX_KEY_LEN).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(s.to_owned())
    } else {
        Err(invalid())
    }
}

/// FNV-1a over the parts (each followed by a separator byte), for cursor fingerprints.
pub(crate) fn fingerprint(parts: &[&str]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for p in parts {
        for b in p.bytes().chain([0x1f]) {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
    }
    h
}

/// Check a caller's cursor against the listing it is used for.
pub(crate) fn check(cursor: Option<&str>, fingerprint: u32) -> Result<Option<Cursor>> {
    let Some(c) = cursor.map(parse_cursor).transpose()? else {
        return Ok(None);
    };
    if c.fingerprint() != fingerprint {
        return Err(foreign());
    }
    Ok(Some(c))
}

/// A valid cursor handed to a listing other than the one that made it.
pub(crate) fn foreign() -> CatalogueError {
    CatalogueError::bad(
        "The cursor belongs to a different listing: use it only with the search or list \
         that returned it, or leave it out to start from the first page.",
    )
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// RFC 4648 §5 base64url without padding.
fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Strict decoding: unpadded, no stray characters, unused trailing bits zero (so each
/// byte string has exactly one encoding).
fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    let sextet = |c: u8| ALPHABET.iter().position(|&a| a == c).map(|p| p as u32);
    let input = s.as_bytes();
    if input.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    for chunk in input.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= sextet(c)? << (18 - 6 * i);
        }
        let bytes = chunk.len() - 1; // 2 chars → 1 byte, 3 → 2, 4 → 3
        let unused = 24 - 8 * bytes as u32;
        if n & ((1 << unused) - 1) != 0 {
            return None;
        }
        out.extend((0..bytes).map(|i| (n >> (16 - 8 * i)) as u8));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_rfc4648_vectors_without_padding() {
        for (plain, enc) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url_encode(plain.as_bytes()), enc);
            assert_eq!(base64url_decode(enc).unwrap(), plain.as_bytes());
        }
        assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
        assert!(base64url_decode("Zh").is_none(), "non-zero trailing bits");
        assert!(base64url_decode("Zm9v=").is_none());
        assert!(base64url_decode("Z").is_none());
    }

    #[test]
    fn cursors_round_trip() {
        let c = Cursor::Search {
            fingerprint: 0xdead_beef,
            boost: 4,
            score: -1_234_567,
            source: 1,
            code: "BSB50420".into(),
        };
        assert_eq!(parse_cursor(&c.encode()).unwrap(), c);
        let k = Cursor::Key {
            fingerprint: 7,
            code: "45329".into(),
        };
        assert_eq!(parse_cursor(&k.encode()).unwrap(), k);
    }

    #[test]
    fn foreign_and_tampered_cursors_are_bad_input() {
        let forged = base64url_encode(b"1|k|00000007|x' OR 1=1");
        for bad in ["", "!!!!", "eyJ2IjoxfQ", forged.as_str(), &"A".repeat(400)] {
            assert!(parse_cursor(bad).unwrap_err().is_bad_input(), "{bad:?}");
        }
        let c = Cursor::Key {
            fingerprint: 1,
            code: "X1".into(),
        }
        .encode();
        assert!(check(Some(&c), 2)
            .unwrap_err()
            .detail()
            .contains("different"));
        assert!(check(Some(&c), 1).unwrap().is_some());
    }
}
