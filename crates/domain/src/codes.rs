//! Codes of the national register, parsed once at the edge (parse, don't validate).

use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CodeError {
    #[error("RTO codes are 1 to 8 digits, got {0:?}")]
    Rto(String),
    #[error("national codes are 3 to 15 letters and digits (e.g. BSB50420, BSBOPS501), got {0:?}")]
    National(String),
    #[error("CRICOS provider codes are 5 digits and a letter (e.g. 00026A), got {0:?}")]
    CricosProvider(String),
    #[error("CRICOS course codes are 6 digits and a letter (e.g. 099367G), got {0:?}")]
    CricosCourse(String),
}

fn shown(s: &str) -> String {
    s.chars().take(40).collect()
}

/// An RTO (organisation) code: digits only, e.g. `45329`. Leading zeros are significant.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RtoCode(String);

impl RtoCode {
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let t = s.trim();
        if (1..=8).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit()) {
            Ok(RtoCode(t.to_owned()))
        } else {
            Err(CodeError::Rto(shown(s)))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A training component's national code (package, qualification, unit, skill set,
/// accredited course): `BSB`, `BSB50420`, `BSBOPS501`, `BSBSS00094`, `10742NAT`.
/// Case-insensitive on input, upper case stored.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NationalCode(String);

impl NationalCode {
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let t = s.trim();
        if (3..=15).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Ok(NationalCode(t.to_ascii_uppercase()))
        } else {
            Err(CodeError::National(shown(s)))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The training package a qualification, unit or skill set belongs to: the leading
    /// letters (`BSB50420` → `BSB`), when the code starts with letters.
    pub fn package(&self) -> Option<&str> {
        let n = self
            .0
            .bytes()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        (n >= 3).then(|| &self.0[..3])
    }
}

fn digits_then_letter(s: &str, digits: usize) -> Option<String> {
    let t = s.trim().to_ascii_uppercase();
    let b = t.as_bytes();
    (b.len() == digits + 1
        && b[..digits].iter().all(u8::is_ascii_digit)
        && b[digits].is_ascii_alphabetic())
    .then_some(t)
}

/// A CRICOS provider code (`00026A`): the join key between CRICOS institutions and RTOs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CricosProviderCode(String);

impl CricosProviderCode {
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        digits_then_letter(s, 5)
            .map(CricosProviderCode)
            .ok_or_else(|| CodeError::CricosProvider(shown(s)))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A CRICOS course code (`099367G`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CricosCourseCode(String);

impl CricosCourseCode {
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        digits_then_letter(s, 6)
            .map(CricosCourseCode)
            .ok_or_else(|| CodeError::CricosCourse(shown(s)))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_newtype {
    ($($t:ident),*) => {$(
        impl TryFrom<String> for $t {
            type Error = CodeError;
            fn try_from(s: String) -> Result<Self, CodeError> {
                $t::parse(&s)
            }
        }
        impl From<$t> for String {
            fn from(c: $t) -> String {
                c.0
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    )*};
}
string_newtype!(RtoCode, NationalCode, CricosProviderCode, CricosCourseCode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rto_codes_are_digits_and_keep_leading_zeros() {
        assert_eq!(RtoCode::parse(" 45329 ").unwrap().as_str(), "45329");
        assert_eq!(RtoCode::parse("0275").unwrap().as_str(), "0275");
        for bad in ["", "45a29", "123456789", "45329; DROP TABLE rtos", "-1"] {
            assert!(RtoCode::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn national_codes_are_upper_cased_and_know_their_package() {
        let q = NationalCode::parse("bsb50420").unwrap();
        assert_eq!(q.as_str(), "BSB50420");
        assert_eq!(q.package(), Some("BSB"));
        assert_eq!(
            NationalCode::parse("BSBOPS501").unwrap().package(),
            Some("BSB")
        );
        assert_eq!(NationalCode::parse("10742NAT").unwrap().package(), None);
        for bad in [
            "BS",
            "BSB 50420",
            "BSB50420*",
            "\"BSB\"",
            "AAAAAAAAAAAAAAAA",
        ] {
            assert!(NationalCode::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn cricos_codes_have_their_fixed_shapes() {
        assert_eq!(
            CricosProviderCode::parse("00026a").unwrap().as_str(),
            "00026A"
        );
        assert_eq!(
            CricosCourseCode::parse("099367G").unwrap().as_str(),
            "099367G"
        );
        assert!(CricosProviderCode::parse("0026A").is_err());
        assert!(CricosCourseCode::parse("0993670").is_err());
    }

    #[test]
    fn codes_deserialise_only_when_valid() {
        let ok: RtoCode = serde_json::from_str("\"45329\"").unwrap();
        assert_eq!(ok.to_string(), "45329");
        assert!(serde_json::from_str::<RtoCode>("\"x\"").is_err());
    }
}
