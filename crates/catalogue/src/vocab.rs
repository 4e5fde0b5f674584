//! The catalogue's small vocabularies: what a result is, its status, AQF levels, states.
//! Each parses loosely from what a caller types and says in plain words what it accepts.

use rtopacks_domain::tga::ComponentType;
use serde::{Deserialize, Serialize};

use crate::error::{CatalogueError, Result};

/// Lower-case letters and digits only: `Skill set`, `skill-set` and `SkillSet` compare equal.
fn squash(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// What a search result (or a filter) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Qualification,
    Unit,
    SkillSet,
    AccreditedCourse,
    TrainingPackage,
    Rto,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Qualification,
        Kind::Unit,
        Kind::SkillSet,
        Kind::AccreditedCourse,
        Kind::TrainingPackage,
        Kind::Rto,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Qualification => "qualification",
            Kind::Unit => "unit",
            Kind::SkillSet => "skill_set",
            Kind::AccreditedCourse => "accredited_course",
            Kind::TrainingPackage => "training_package",
            Kind::Rto => "rto",
        }
    }

    /// The `component_type` the schema stores, for the component kinds.
    pub fn component_type(self) -> Option<ComponentType> {
        Some(match self {
            Kind::Qualification => ComponentType::Qualification,
            Kind::Unit => ComponentType::Unit,
            Kind::SkillSet => ComponentType::SkillSet,
            Kind::AccreditedCourse => ComponentType::AccreditedCourse,
            Kind::TrainingPackage => ComponentType::TrainingPackage,
            Kind::Rto => return None,
        })
    }

    pub fn of_component(t: ComponentType) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.component_type() == Some(t))
    }

    pub fn parse(s: &str) -> Result<Self> {
        let t = squash(s);
        let t = t.strip_suffix('s').unwrap_or(&t); // plurals
        Kind::ALL
            .into_iter()
            .find(|k| squash(k.as_str()) == t)
            .or(match t {
                "organisation" | "organization" | "provider" => Some(Kind::Rto),
                "course" => Some(Kind::AccreditedCourse),
                "package" => Some(Kind::TrainingPackage),
                _ => None,
            })
            .ok_or_else(|| {
                CatalogueError::bad(
                    "The type must be one of qualification, unit, skill_set, accredited_course, \
                     training_package or rto.",
                )
            })
    }
}

/// Where a component or an RTO stands on the register.
///
/// Components: `deleted` (tombstoned, or usage recommendation Deleted), else `superseded`
/// (usage recommendation Superseded, or not current), else `current`. RTOs: `deleted`
/// (tombstoned), `current` (a registration in force), else `not_current`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Current,
    Superseded,
    Deleted,
    NotCurrent,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Current => "current",
            Status::Superseded => "superseded",
            Status::Deleted => "deleted",
            Status::NotCurrent => "not_current",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        match squash(s).as_str() {
            "current" => Ok(Status::Current),
            "superseded" => Ok(Status::Superseded),
            "deleted" => Ok(Status::Deleted),
            "notcurrent" | "noncurrent" => Ok(Status::NotCurrent),
            _ => Err(CatalogueError::bad(
                "The status must be current, superseded, deleted or not_current.",
            )),
        }
    }
}

/// The status of a `tga_training_components c` row, in SQL (the rule on [`Status`]).
pub(crate) const COMPONENT_STATUS_SQL: &str =
    "CASE WHEN c.deleted_at IS NOT NULL OR c.usage_recommendation = 'Deleted' THEN 'deleted' \
     WHEN c.usage_recommendation = 'Superseded' OR c.is_current = 0 THEN 'superseded' \
     ELSE 'current' END";

/// The status of a `tga_organisations o` row, in SQL.
pub(crate) const ORGANISATION_STATUS_SQL: &str =
    "CASE WHEN o.deleted_at IS NOT NULL THEN 'deleted' \
     WHEN o.status = 'Current' OR o.has_active_registration = 1 THEN 'current' \
     ELSE 'not_current' END";

/// AQF levels in ladder order (certificate I → graduate diploma), named as the schema's
/// `aqf_level` column names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AqfLevel {
    #[serde(rename = "Certificate I")]
    CertificateI,
    #[serde(rename = "Certificate II")]
    CertificateII,
    #[serde(rename = "Certificate III")]
    CertificateIII,
    #[serde(rename = "Certificate IV")]
    CertificateIV,
    #[serde(rename = "Diploma")]
    Diploma,
    #[serde(rename = "Advanced Diploma")]
    AdvancedDiploma,
    #[serde(rename = "Associate Degree")]
    AssociateDegree,
    #[serde(rename = "Graduate Certificate")]
    GraduateCertificate,
    #[serde(rename = "Graduate Diploma")]
    GraduateDiploma,
}

impl AqfLevel {
    pub const ALL: [AqfLevel; 9] = [
        AqfLevel::CertificateI,
        AqfLevel::CertificateII,
        AqfLevel::CertificateIII,
        AqfLevel::CertificateIV,
        AqfLevel::Diploma,
        AqfLevel::AdvancedDiploma,
        AqfLevel::AssociateDegree,
        AqfLevel::GraduateCertificate,
        AqfLevel::GraduateDiploma,
    ];

    pub fn name(self) -> &'static str {
        match self {
            AqfLevel::CertificateI => "Certificate I",
            AqfLevel::CertificateII => "Certificate II",
            AqfLevel::CertificateIII => "Certificate III",
            AqfLevel::CertificateIV => "Certificate IV",
            AqfLevel::Diploma => "Diploma",
            AqfLevel::AdvancedDiploma => "Advanced Diploma",
            AqfLevel::AssociateDegree => "Associate Degree",
            AqfLevel::GraduateCertificate => "Graduate Certificate",
            AqfLevel::GraduateDiploma => "Graduate Diploma",
        }
    }

    /// The level's number in the Australian Qualifications Framework (1-10; the VET
    /// qualifications span 1-8).
    pub fn framework_level(self) -> u8 {
        match self {
            AqfLevel::CertificateI => 1,
            AqfLevel::CertificateII => 2,
            AqfLevel::CertificateIII => 3,
            AqfLevel::CertificateIV => 4,
            AqfLevel::Diploma => 5,
            AqfLevel::AdvancedDiploma | AqfLevel::AssociateDegree => 6,
            AqfLevel::GraduateCertificate | AqfLevel::GraduateDiploma => 8,
        }
    }

    /// Position on the ladder, 1 (Certificate I) to 9 (Graduate Diploma).
    pub fn rung(self) -> i64 {
        AqfLevel::ALL.iter().position(|l| *l == self).unwrap_or(0) as i64 + 1
    }

    pub fn from_rung(rung: i64) -> Option<Self> {
        usize::try_from(rung - 1)
            .ok()
            .and_then(|i| AqfLevel::ALL.get(i).copied())
    }

    /// Accepts the names (`Certificate IV`, `certificate-iv`, `cert iv`, `cert 4`).
    pub fn parse(s: &str) -> Result<Self> {
        let t = squash(s)
            .replace("certificate", "cert")
            .replace("graduate", "grad")
            .replace("advanced", "adv")
            .replace("diploma", "dip");
        let found = match t.as_str() {
            "cert1" | "certi" => Some(AqfLevel::CertificateI),
            "cert2" | "certii" => Some(AqfLevel::CertificateII),
            "cert3" | "certiii" => Some(AqfLevel::CertificateIII),
            "cert4" | "certiv" => Some(AqfLevel::CertificateIV),
            "dip" => Some(AqfLevel::Diploma),
            "advdip" => Some(AqfLevel::AdvancedDiploma),
            "associatedegree" => Some(AqfLevel::AssociateDegree),
            "gradcert" => Some(AqfLevel::GraduateCertificate),
            "graddip" => Some(AqfLevel::GraduateDiploma),
            _ => None,
        };
        found.ok_or_else(|| {
            CatalogueError::bad(
                "The AQF level must be one of Certificate I, Certificate II, Certificate III, \
                 Certificate IV, Diploma, Advanced Diploma, Associate Degree, Graduate \
                 Certificate or Graduate Diploma.",
            )
        })
    }

    /// Title prefix that names the level when `aqf_level` is not stored (e.g. accredited
    /// courses, or a qualification whose classification was not published).
    fn title_prefix(self) -> &'static str {
        match self {
            AqfLevel::CertificateI => "Certificate I %",
            AqfLevel::CertificateII => "Certificate II %",
            AqfLevel::CertificateIII => "Certificate III %",
            AqfLevel::CertificateIV => "Certificate IV %",
            AqfLevel::Diploma => "Diploma %",
            AqfLevel::AdvancedDiploma => "Advanced Diploma %",
            AqfLevel::AssociateDegree => "Associate Degree %",
            AqfLevel::GraduateCertificate => "Graduate Certificate %",
            AqfLevel::GraduateDiploma => "Graduate Diploma %",
        }
    }
}

/// The ladder rung of a `tga_training_components c` row in SQL: from the stored
/// `aqf_level`, else from the title (`Certificate IV in ...`), for qualifications and
/// accredited courses; NULL otherwise. Built from the constants above only.
pub(crate) fn aqf_rung_sql() -> String {
    let stored = AqfLevel::ALL
        .iter()
        .map(|l| format!("WHEN '{}' THEN {}", l.name(), l.rung()))
        .collect::<Vec<_>>()
        .join(" ");
    let titled = AqfLevel::ALL
        .iter()
        .map(|l| format!("WHEN c.title LIKE '{}' THEN {}", l.title_prefix(), l.rung()))
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "(CASE WHEN c.component_type NOT IN ('Qualification', 'AccreditedCourse') THEN NULL \
         ELSE COALESCE(CASE c.aqf_level {stored} END, CASE {titled} END) END)"
    )
}

/// An Australian state or territory, as TGA codes it (`StateCode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum State {
    #[serde(rename = "NSW")]
    Nsw,
    #[serde(rename = "VIC")]
    Vic,
    #[serde(rename = "QLD")]
    Qld,
    #[serde(rename = "SA")]
    Sa,
    #[serde(rename = "WA")]
    Wa,
    #[serde(rename = "TAS")]
    Tas,
    #[serde(rename = "NT")]
    Nt,
    #[serde(rename = "ACT")]
    Act,
    #[serde(rename = "OT")]
    OtherTerritories,
}

impl State {
    pub const ALL: [State; 9] = [
        State::Nsw,
        State::Vic,
        State::Qld,
        State::Sa,
        State::Wa,
        State::Tas,
        State::Nt,
        State::Act,
        State::OtherTerritories,
    ];

    pub fn abbreviation(self) -> &'static str {
        match self {
            State::Nsw => "NSW",
            State::Vic => "VIC",
            State::Qld => "QLD",
            State::Sa => "SA",
            State::Wa => "WA",
            State::Tas => "TAS",
            State::Nt => "NT",
            State::Act => "ACT",
            State::OtherTerritories => "OT",
        }
    }

    /// TGA's `StateCode`, as `tga_organisations.state_code` and `rto_addresses.state_code`
    /// hold it.
    pub fn code(self) -> &'static str {
        match self {
            State::Nsw => "01",
            State::Vic => "02",
            State::Qld => "03",
            State::Sa => "04",
            State::Wa => "05",
            State::Tas => "06",
            State::Nt => "07",
            State::Act => "08",
            State::OtherTerritories => "09",
        }
    }

    fn name(self) -> &'static str {
        match self {
            State::Nsw => "New South Wales",
            State::Vic => "Victoria",
            State::Qld => "Queensland",
            State::Sa => "South Australia",
            State::Wa => "Western Australia",
            State::Tas => "Tasmania",
            State::Nt => "Northern Territory",
            State::Act => "Australian Capital Territory",
            State::OtherTerritories => "Other Territories",
        }
    }

    /// A stored state code (or abbreviation) back to the state.
    pub fn from_stored(s: &str) -> Option<Self> {
        let t = s.trim();
        State::ALL
            .into_iter()
            .find(|st| st.code() == t || st.abbreviation().eq_ignore_ascii_case(t))
    }

    /// Accepts `NSW`, `nsw`, `New South Wales`, or TGA's code `01`.
    pub fn parse(s: &str) -> Result<Self> {
        let t = squash(s);
        State::ALL
            .into_iter()
            .find(|st| t == squash(st.abbreviation()) || t == squash(st.name()) || t == st.code())
            .ok_or_else(|| {
                CatalogueError::bad(
                    "The state must be one of NSW, VIC, QLD, SA, WA, TAS, NT, ACT or OT.",
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_parse_loosely_and_refuse_plainly() {
        assert_eq!(Kind::parse("Skill sets").unwrap(), Kind::SkillSet);
        assert_eq!(Kind::parse("units").unwrap(), Kind::Unit);
        assert_eq!(Kind::parse("RTO").unwrap(), Kind::Rto);
        assert_eq!(Kind::parse("qualifications").unwrap(), Kind::Qualification);
        assert!(Kind::parse("widgets").unwrap_err().is_bad_input());
        assert_eq!(Status::parse("Superseded").unwrap(), Status::Superseded);
        assert_eq!(
            AqfLevel::parse("certificate-iv").unwrap(),
            AqfLevel::CertificateIV
        );
        assert_eq!(AqfLevel::parse("Cert 3").unwrap(), AqfLevel::CertificateIII);
        assert_eq!(
            AqfLevel::parse("Graduate Diploma").unwrap(),
            AqfLevel::GraduateDiploma
        );
        assert!(AqfLevel::parse("cert v").is_err());
        assert_eq!(State::parse("new south wales").unwrap(), State::Nsw);
        assert_eq!(State::parse("01").unwrap(), State::Nsw);
        assert_eq!(State::from_stored("05"), Some(State::Wa));
        assert!(State::parse("NZ").is_err());
    }

    #[test]
    fn ladder_rungs_run_certificate_i_to_graduate_diploma() {
        let rungs: Vec<i64> = AqfLevel::ALL.iter().map(|l| l.rung()).collect();
        assert_eq!(rungs, (1..=9).collect::<Vec<_>>());
        assert_eq!(AqfLevel::from_rung(5), Some(AqfLevel::Diploma));
        assert_eq!(AqfLevel::from_rung(0), None);
        assert!(AqfLevel::GraduateDiploma.framework_level() == 8);
    }
}
