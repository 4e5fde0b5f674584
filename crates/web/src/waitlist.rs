//! The waitlist form (the site's `/waitlist` and prelaunch's landing page) and its rules,
//! once: the same fields, the same limits, the same plain words on both surfaces.

use rtopacks_domain::codes::RtoCode;
use rtopacks_domain::signin::Email;
use serde::Deserialize;

use crate::components::FormErrors;

/// Longest name and organisation accepted.
pub const MAX_TEXT: usize = 200;

/// What the RTO code field asks for (the register's codes, as `RtoCode` parses them).
pub const RTO_CODE_RULE: &str =
    "An RTO code is 1 to 8 digits, like 45329. Check the code, or leave it blank.";

/// The form as posted. Every field defaults to empty, so a missing field is a plain-words
/// error next to it rather than a decoding failure.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct JoinForm {
    pub email: String,
    pub name: String,
    pub organisation: String,
    pub rto_code: String,
    pub csrf: String,
}

/// A form that passed its checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub email: Email,
    pub name: Option<String>,
    pub organisation: Option<String>,
    pub rto_code: Option<RtoCode>,
}

/// The address is required; name and organisation are optional single lines of at most
/// [`MAX_TEXT`] characters; the RTO code is optional and must parse. Every problem is
/// reported against its field.
pub fn check(f: &JoinForm) -> Result<Checked, FormErrors> {
    let mut errors = FormErrors::new();
    let email = Email::parse(&f.email)
        .map_err(|e| errors.add("email", e.to_string()))
        .ok();
    let name = errors.one_line("name", "Your name", &f.name, MAX_TEXT);
    let organisation = errors.one_line(
        "organisation",
        "The organisation's name",
        &f.organisation,
        MAX_TEXT,
    );
    let rto_code = match f.rto_code.trim() {
        "" => None,
        code => RtoCode::parse(code)
            .map_err(|_| errors.add("rto_code", RTO_CODE_RULE))
            .ok(),
    };
    match email {
        Some(email) if errors.is_empty() => Ok(Checked {
            email,
            name,
            organisation,
            rto_code,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(email: &str, name: &str, rto_code: &str) -> JoinForm {
        JoinForm {
            email: email.into(),
            name: name.into(),
            rto_code: rto_code.into(),
            ..JoinForm::default()
        }
    }

    #[test]
    fn a_good_form_passes_with_blanks_as_none() {
        let c = check(&form(" Ada@Example.ORG ", "  Ada  ", " 45329 ")).unwrap();
        assert_eq!(c.email.as_str(), "ada@example.org");
        assert_eq!(c.name.as_deref(), Some("Ada"));
        assert_eq!(c.organisation, None);
        assert_eq!(c.rto_code.map(|c| c.to_string()).as_deref(), Some("45329"));
    }

    #[test]
    fn every_problem_is_reported_against_its_field() {
        let e = check(&form("not an address", &"x".repeat(201), "45329a")).unwrap_err();
        assert!(e.get("email").is_some());
        assert!(e.get("name").unwrap().contains("200 characters"));
        assert_eq!(e.get("rto_code"), Some(RTO_CODE_RULE));
        // A good address with one bad field still fails.
        assert!(check(&form("a@example.org", "A\nB", "")).is_err());
    }
}
