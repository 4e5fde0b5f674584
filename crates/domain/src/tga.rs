//! training.gov.au records as the mirror sees them: what the TGA parsers in
//! `rtopacks-upstream` yield, whatever the transport (SOAP or REST).
//!
//! Field names follow the XSDs in `upstream/tga-wsdl` in snake_case. Codes stay plain
//! strings: the mirror keeps what the register says, and one odd upstream code must not
//! make a whole page unreadable (validate with `codes::NationalCode` where input comes
//! from users). Instants are UTC; calendar dates (`xs:date`) are `NaiveDate`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Normalised for loose matching: `Accredited course`, `accreditedCourse` and
/// `AccreditedCourse` all compare equal.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The kind of a training component, spelled as upstream spells it (also in storage).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ComponentType {
    AccreditedCourse,
    Qualification,
    Unit,
    SkillSet,
    UnitContextualisation,
    TrainingPackage,
    AccreditedCourseModule,
}

impl ComponentType {
    pub const ALL: [ComponentType; 7] = [
        ComponentType::AccreditedCourse,
        ComponentType::Qualification,
        ComponentType::Unit,
        ComponentType::SkillSet,
        ComponentType::UnitContextualisation,
        ComponentType::TrainingPackage,
        ComponentType::AccreditedCourseModule,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ComponentType::AccreditedCourse => "AccreditedCourse",
            ComponentType::Qualification => "Qualification",
            ComponentType::Unit => "Unit",
            ComponentType::SkillSet => "SkillSet",
            ComponentType::UnitContextualisation => "UnitContextualisation",
            ComponentType::TrainingPackage => "TrainingPackage",
            ComponentType::AccreditedCourseModule => "AccreditedCourseModule",
        }
    }

    /// One upstream value, matched loosely (SOAP `Qualification`, REST `qualification`).
    /// The SOAP type is a flags list: the first known member wins; `None`/`All` are not
    /// a component's type and give `None`.
    pub fn parse(s: &str) -> Option<Self> {
        let known = |t: &str| {
            let t = squash(t);
            Self::ALL.into_iter().find(|c| squash(c.as_str()) == t)
        };
        known(s).or_else(|| s.split_whitespace().find_map(known))
    }
}

/// `UsageRecommendationState` (Deewr.Tga.Model): a component's usage recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UsageRecommendationState {
    Unknown,
    Current,
    Superseded,
    Deleted,
}

impl UsageRecommendationState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "Unknown",
            Self::Current => "Current",
            Self::Superseded => "Superseded",
            Self::Deleted => "Deleted",
        }
    }

    /// Loose match; anything unrecognised is `Unknown` (the schema's own catch-all).
    pub fn parse(s: &str) -> Self {
        match squash(s).as_str() {
            "current" => Self::Current,
            "superseded" => Self::Superseded,
            "deleted" => Self::Deleted,
            _ => Self::Unknown,
        }
    }
}

/// How a record left the register (`DeleteOperation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeleteOperation {
    PhysicalDelete,
    LogicalDelete,
}

impl DeleteOperation {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PhysicalDelete => "PhysicalDelete",
            Self::LogicalDelete => "LogicalDelete",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "PhysicalDelete" => Some(Self::PhysicalDelete),
            "LogicalDelete" => Some(Self::LogicalDelete),
            _ => None,
        }
    }
}

/// One page of a paged search (`SearchResult`): loop pages to `page_count()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchPage<T> {
    pub count: u32,
    pub page_number: u32,
    pub page_size: u32,
    pub results: Vec<T>,
}

impl<T> SearchPage<T> {
    /// ceil(count / page_size); 0 when upstream reports no page size.
    pub fn page_count(&self) -> u32 {
        if self.page_size == 0 {
            0
        } else {
            self.count.div_ceil(self.page_size)
        }
    }
    pub fn is_last(&self) -> bool {
        self.page_number >= self.page_count()
    }
}

/// A tombstone from `SearchDeletedByDeletedDate` (component `NationalCode` or
/// `OrganisationCode`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedRecord {
    pub code: String,
    pub operation: DeleteOperation,
    pub updated: DateTime<Utc>,
}

/// `TrainingComponentSummary`: one row of a component search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentSummary {
    pub code: String,
    /// `None` when upstream sent no type, `None`/`All`, or a value not known here.
    pub component_type: Option<ComponentType>,
    pub title: Option<String>,
    pub is_confidential: bool,
    pub is_current: Option<bool>,
    /// Upstream element `UsageReccomendation` (sic).
    pub usage_recommendation: Option<UsageRecommendationState>,
    pub created: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
}

/// `Classification` (components and RTOs). Schemes: see the `SCHEME_*` constants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    pub purpose_code: Option<String>,
    pub scheme_code: Option<String>,
    pub value_code: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

impl Classification {
    pub const SCHEME_ANZSCO: &'static str = "01";
    pub const SCHEME_ASCED_FIELD: &'static str = "04";
    pub const SCHEME_LEVEL_OF_EDUCATION: &'static str = "05";
}

/// `Mapping` (MappingInformation): the supersession chain, `code` → `maps_to_code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub code: Option<String>,
    pub title: Option<String>,
    pub maps_to_code: Option<String>,
    pub maps_to_title: Option<String>,
    pub is_equivalent: Option<bool>,
    pub notes: Option<String>,
}

/// `UnitGridEntry`. `is_essential`: true = core, false = elective; `None` when the
/// service version does not publish it (the base schema lacks the element).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitGridEntry {
    pub code: String,
    pub title: Option<String>,
    pub is_essential: Option<bool>,
}

/// `ReleaseComponent`: what a package release contains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseComponent {
    pub code: Option<String>,
    pub title: Option<String>,
    pub component_type: Option<ComponentType>,
    pub release_number: Option<String>,
    /// `xs:string` upstream, kept as written.
    pub release_date: Option<String>,
    pub release_currency: Option<String>,
}

/// `ReleaseFile`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseFile {
    pub relative_path: Option<String>,
    pub size: Option<i64>,
}

/// `Release` of a component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    pub release_number: Option<String>,
    pub release_date: Option<NaiveDate>,
    pub currency: Option<String>,
    /// `CurrencyStatus`, published by the versioned services only.
    pub currency_status: Option<String>,
    pub components: Vec<ReleaseComponent>,
    pub files: Vec<ReleaseFile>,
    pub unit_grid: Vec<UnitGridEntry>,
}

/// `UsageRecommendation`: a dated state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageRecommendation {
    pub state: UsageRecommendationState,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

/// `NrtCurrencyPeriod`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrencyPeriod {
    pub authority: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

/// `TrainingComponent` from `GetDetails`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentDetails {
    pub code: String,
    pub title: Option<String>,
    pub component_type: Option<ComponentType>,
    /// The training package (`BSB` for `BSB50420`).
    pub parent_code: Option<String>,
    pub parent_title: Option<String>,
    pub is_confidential: bool,
    pub created: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    pub classifications: Vec<Classification>,
    pub mappings: Vec<Mapping>,
    pub releases: Vec<Release>,
    pub usage_recommendations: Vec<UsageRecommendation>,
    pub currency_periods: Vec<CurrencyPeriod>,
}

impl ComponentDetails {
    /// The component's status: the state of its latest usage recommendation.
    pub fn current_status(&self) -> Option<UsageRecommendationState> {
        current_status(&self.usage_recommendations)
    }

    /// The newest release by date (ties: the later one in upstream order).
    pub fn latest_release(&self) -> Option<&Release> {
        self.releases
            .iter()
            .enumerate()
            .max_by_key(|(i, r)| (r.release_date, *i))
            .map(|(_, r)| r)
    }
}

/// The state of the latest usage recommendation: the one with the latest start date
/// (an undated one counts as oldest); on equal start dates, an open-ended one beats a
/// closed one, then the later one in upstream order. `None` when there are none.
pub fn current_status(recs: &[UsageRecommendation]) -> Option<UsageRecommendationState> {
    recs.iter()
        .enumerate()
        .max_by_key(|(i, r)| (r.start_date, r.end_date.is_none(), *i))
        .map(|(_, r)| r.state)
}

/// `OrganisationSearchResultItem`: one row of an organisation search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationSummary {
    pub code: String,
    pub data_manager_code: Option<String>,
    pub has_active_registration: bool,
    pub legal_person_name: Option<String>,
    pub trading_name: Option<String>,
    pub updated: Option<DateTime<Utc>>,
}

/// `Address`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub suburb: Option<String>,
    pub state_code: Option<String>,
    pub state_overseas: Option<String>,
    pub postcode: Option<String>,
    pub country_code: Option<String>,
}

/// `Contact`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub type_code: Option<String>,
    pub role_code: Option<String>,
    pub title: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub group_name: Option<String>,
    pub job_title: Option<String>,
    pub organisation_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub fax: Option<String>,
    pub postal_address: Option<Address>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

/// A dated code (`OrganisationCode`, `DataManagerAssignment`,
/// `RegistrationManagerAssignment`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatedCode {
    pub code: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

/// `OrganisationLocation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub address: Option<Address>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

/// `ResponsibleLegalPerson`: the legal entity behind the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponsibleLegalPerson {
    pub name: Option<String>,
    pub abns: Vec<String>,
    pub acn: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

/// `TradingName`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradingName {
    pub name: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

/// `Url` (a web address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Url {
    pub link: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

/// `RegistrationPeriod` of an RTO.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationPeriod {
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub end_reason_code: Option<String>,
    pub end_reason_comments: Option<String>,
    pub exerciser: Option<String>,
    pub legal_authority: Option<String>,
}

/// `RtoRestriction`: a condition on an RTO's registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restriction {
    pub code: Option<String>,
    pub restriction: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

/// `Scope`: one training component an RTO may deliver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeEntry {
    pub nrt_code: String,
    /// Only the REST API names the component; SOAP leaves it `None`.
    pub title: Option<String>,
    pub component_type: Option<ComponentType>,
    /// e.g. `01` deliver and assess, `02` assess only.
    pub extent_code: Option<String>,
    pub is_implicit: bool,
    pub is_refused: bool,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

/// `Organisation` / `Rto` from `GetDetails`. The RTO-only lists stay empty for a plain
/// organisation (`is_rto` false).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationDetails {
    /// The details came back as `xsi:type` `Rto`, not a plain `Organisation`.
    pub is_rto: bool,
    pub codes: Vec<DatedCode>,
    pub contacts: Vec<Contact>,
    pub data_managers: Vec<DatedCode>,
    pub locations: Vec<Location>,
    pub responsible_legal_persons: Vec<ResponsibleLegalPerson>,
    pub trading_names: Vec<TradingName>,
    pub urls: Vec<Url>,
    pub classifications: Vec<Classification>,
    pub registration_managers: Vec<DatedCode>,
    pub registration_periods: Vec<RegistrationPeriod>,
    pub restrictions: Vec<Restriction>,
    pub scopes: Vec<ScopeEntry>,
    pub created: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<NaiveDate> {
        Some(s.parse().unwrap())
    }
    fn rec(state: UsageRecommendationState, start: &str, end: &str) -> UsageRecommendation {
        UsageRecommendation {
            state,
            start_date: (!start.is_empty()).then(|| start.parse().unwrap()),
            end_date: (!end.is_empty()).then(|| end.parse().unwrap()),
        }
    }

    #[test]
    fn component_types_match_loosely_and_refuse_flags_that_are_no_type() {
        assert_eq!(
            ComponentType::parse("Qualification"),
            Some(ComponentType::Qualification)
        );
        assert_eq!(
            ComponentType::parse("accredited course"),
            Some(ComponentType::AccreditedCourse)
        );
        assert_eq!(
            ComponentType::parse("None SkillSet"),
            Some(ComponentType::SkillSet)
        );
        assert_eq!(ComponentType::parse("None"), None);
        assert_eq!(ComponentType::parse("All"), None);
        assert_eq!(ComponentType::parse(""), None);
        for t in ComponentType::ALL {
            assert_eq!(ComponentType::parse(t.as_str()), Some(t));
            assert_eq!(
                serde_json::to_string(&t).unwrap(),
                format!("\"{}\"", t.as_str())
            );
        }
    }

    #[test]
    fn status_is_the_latest_usage_recommendation() {
        use UsageRecommendationState::*;
        assert_eq!(current_status(&[]), None);
        let recs = [
            rec(Superseded, "2022-03-01", ""),
            rec(Current, "2020-06-01", "2022-03-01"),
        ];
        assert_eq!(current_status(&recs), Some(Superseded));
        // Same start: the open-ended one is in force.
        let recs = [
            rec(Current, "2020-06-01", ""),
            rec(Deleted, "2020-06-01", "2020-06-01"),
        ];
        assert_eq!(current_status(&recs), Some(Current));
        // Undated counts as oldest.
        let recs = [rec(Deleted, "", ""), rec(Current, "2019-01-01", "")];
        assert_eq!(current_status(&recs), Some(Current));
        assert_eq!(UsageRecommendationState::parse("superseded"), Superseded);
        assert_eq!(UsageRecommendationState::parse("Withdrawn"), Unknown);
    }

    #[test]
    fn pages_round_up() {
        let page = |count, page_number, page_size| SearchPage::<()> {
            count,
            page_number,
            page_size,
            results: vec![],
        };
        assert_eq!(page(250, 1, 100).page_count(), 3);
        assert!(!page(250, 2, 100).is_last());
        assert!(page(250, 3, 100).is_last());
        assert_eq!(page(0, 1, 100).page_count(), 0);
        assert!(page(0, 1, 100).is_last());
        assert_eq!(page(5, 1, 0).page_count(), 0);
    }

    #[test]
    fn latest_release_is_by_date() {
        let release = |n: &str, date: &str| Release {
            release_number: Some(n.into()),
            release_date: d(date),
            currency: None,
            currency_status: None,
            components: vec![],
            files: vec![],
            unit_grid: vec![],
        };
        let details = ComponentDetails {
            code: "BSB50420".into(),
            title: None,
            component_type: Some(ComponentType::Qualification),
            parent_code: None,
            parent_title: None,
            is_confidential: false,
            created: None,
            updated: None,
            classifications: vec![],
            mappings: vec![],
            releases: vec![release("2", "2022-01-10"), release("1", "2020-06-01")],
            usage_recommendations: vec![],
            currency_periods: vec![],
        };
        assert_eq!(
            details.latest_release().unwrap().release_number.as_deref(),
            Some("2")
        );
    }
}
