//! The launch switch: the `APEX` variable says who answers on rtopacks.com.au.

/// The variable's name.
pub const VAR: &str = "APEX";

/// Who answers the apex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Apex {
    /// `APEX = "hold"`: this worker's waitlist pages.
    Hold,
    /// `APEX = "site"`: every request goes to rtopacks-site through the `SITE` binding,
    /// unchanged, and its answer comes back unchanged. Launch flips this one variable;
    /// the routes stay where they are.
    Site,
}

impl Apex {
    /// The switch from the variable's value. Anything but `hold` or `site` (a typo, an
    /// empty or missing value) holds the apex, and the second value is the warning to
    /// log: a mistake must never put an unfinished site on the apex by accident, nor
    /// take the waitlist down.
    pub fn from_var(value: Option<&str>) -> (Apex, Option<String>) {
        match value.map(str::trim) {
            Some("hold") => (Apex::Hold, None),
            Some("site") => (Apex::Site, None),
            Some(other) => (
                Apex::Hold,
                Some(format!(
                    "{VAR}={other:?} is neither \"hold\" nor \"site\": holding the apex"
                )),
            ),
            None => (
                Apex::Hold,
                Some(format!("{VAR} is not set: holding the apex")),
            ),
        }
    }
}
