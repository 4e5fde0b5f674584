//! Who is asking, and what that lets them see of an RTO. The rule is in the crate docs
//! (`# Tiers`), written to be copied into the README; [`Tier::sees`] is its one
//! implementation.

use serde::{Deserialize, Serialize};

use crate::error::{CatalogueError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Anonymous,
    SignedIn,
    L4,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Anonymous => "anonymous",
            Tier::SignedIn => "signed_in",
            Tier::L4 => "l4",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' '], "_")
            .as_str()
        {
            "anonymous" => Ok(Tier::Anonymous),
            "signed_in" | "signedin" => Ok(Tier::SignedIn),
            "l4" => Ok(Tier::L4),
            _ => Err(CatalogueError::bad(
                "The tier must be anonymous, signed_in or l4.",
            )),
        }
    }

    /// May this tier see a contact of this kind?
    pub fn sees(self, contact: ContactKind) -> bool {
        match contact {
            ContactKind::Organisation => self >= Tier::SignedIn,
            ContactKind::Person => self >= Tier::L4,
        }
    }

    /// The sentence an answer carries when it withholds contacts from this tier.
    pub fn withheld_note(self) -> Option<&'static str> {
        match self {
            Tier::Anonymous => Some("Contacts are shown to signed-in users; contacts that name a person only to RTOpacks clients (L4)."),
            Tier::SignedIn => Some("Contacts that name a person are shown only to RTOpacks clients (L4)."),
            Tier::L4 => None,
        }
    }
}

/// Whether a contact names a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    Organisation,
    Person,
}

impl ContactKind {
    pub fn of(type_code: Option<&str>, first_name: Option<&str>, last_name: Option<&str>) -> Self {
        let named = |s: Option<&str>| s.is_some_and(|s| !s.trim().is_empty());
        if type_code.is_some_and(|t| t.trim().eq_ignore_ascii_case("person"))
            || named(first_name)
            || named(last_name)
        {
            ContactKind::Person
        } else {
            ContactKind::Organisation
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_see_more_as_they_rise() {
        use ContactKind::*;
        assert!(!Tier::Anonymous.sees(Organisation) && !Tier::Anonymous.sees(Person));
        assert!(Tier::SignedIn.sees(Organisation) && !Tier::SignedIn.sees(Person));
        assert!(Tier::L4.sees(Organisation) && Tier::L4.sees(Person));
    }

    #[test]
    fn a_name_makes_a_contact_personal_whatever_its_type() {
        assert_eq!(
            ContactKind::of(Some("Person"), None, None),
            ContactKind::Person
        );
        assert_eq!(
            ContactKind::of(Some("Position"), Some("Ana"), None),
            ContactKind::Person
        );
        assert_eq!(
            ContactKind::of(Some("Position"), None, Some(" ")),
            ContactKind::Organisation
        );
        assert_eq!(ContactKind::of(None, None, None), ContactKind::Organisation);
    }

    #[test]
    fn tiers_parse_loosely() {
        assert_eq!(Tier::parse("Signed-In").unwrap(), Tier::SignedIn);
        assert_eq!(Tier::parse("L4").unwrap(), Tier::L4);
        assert!(Tier::parse("admin").unwrap_err().is_bad_input());
    }
}
