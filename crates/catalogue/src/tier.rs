//! Who is asking, and what that lets them see of an RTO. The rule is in the crate docs
//! (`# Tiers`), written to be copied into the README; [`ContactKind::visible_to`] is its
//! one implementation. The tier itself is the domain's (`rtopacks_domain::keys::Tier`), the
//! same value SEC-02 and session resolution produce.

use serde::{Deserialize, Serialize};

/// The caller's tier, as `rtopacks_domain::keys` resolves it from a session or a key.
pub use rtopacks_domain::keys::Tier;

/// Whether a contact names a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

    /// May a caller of `tier` see a contact of this kind? (The rule in the crate docs.)
    pub fn visible_to(self, tier: Tier) -> bool {
        match self {
            ContactKind::Organisation => tier >= Tier::SignedIn,
            ContactKind::Person => tier >= Tier::L4,
        }
    }
}

/// The sentence an answer carries when it withholds contacts from `tier`.
pub(crate) fn withheld_note(tier: Tier) -> Option<&'static str> {
    match tier {
        Tier::Anonymous => Some(
            "Contacts are shown to signed-in users; contacts that name a person only to \
             RTOpacks clients (L4).",
        ),
        Tier::SignedIn => {
            Some("Contacts that name a person are shown only to RTOpacks clients (L4).")
        }
        Tier::L4 => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_see_more_as_they_rise() {
        use ContactKind::*;
        assert!(!Organisation.visible_to(Tier::Anonymous) && !Person.visible_to(Tier::Anonymous));
        assert!(Organisation.visible_to(Tier::SignedIn) && !Person.visible_to(Tier::SignedIn));
        assert!(Organisation.visible_to(Tier::L4) && Person.visible_to(Tier::L4));
        assert_eq!(withheld_note(Tier::L4), None);
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
}
