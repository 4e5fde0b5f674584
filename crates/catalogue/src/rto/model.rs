//! What an RTO answer holds.

use rtopacks_domain::tga::{ComponentType, Restriction};
use serde::{Deserialize, Serialize};

use crate::page::Freshness;
use crate::tier::{ContactKind, Tier};
use crate::vocab::{State, Status};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RtoDetail {
    pub code: String,
    pub legal_name: Option<String>,
    pub trading_name: Option<String>,
    pub status: Status,
    /// The register's own status text (e.g. `Current`, `Non-current`).
    pub register_status: Option<String>,
    pub abn: Option<String>,
    pub acn: Option<String>,
    pub head_office_state: Option<State>,
    /// The registering body (e.g. `ASQA`, `VRQA`, `TAC`).
    pub regulator: Option<String>,
    pub restricted: bool,
    pub restrictions: Vec<Restriction>,
    pub legal_names: Vec<LegalName>,
    pub trading_names: Vec<DatedName>,
    pub registrations: Vec<Registration>,
    pub addresses: Vec<Address>,
    pub web_addresses: Vec<WebAddress>,
    /// What the caller's tier may see (the rule is in the crate docs, `# Tiers`).
    pub contacts: Vec<Contact>,
    pub contacts_withheld: u32,
    pub contacts_note: Option<String>,
    /// False until the RTO's full detail has been fetched from the register: names,
    /// status and registration then come from the register walk alone.
    pub enriched: bool,
    pub scope: ScopeListing,
    pub cricos_provider: Option<CricosProvider>,
    pub tier: Tier,
    pub freshness: Freshness,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct LegalName {
    pub name: String,
    pub abns: Option<serde_json::Value>,
    pub acn: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct DatedName {
    pub name: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Registration {
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub end_reason_code: Option<String>,
    pub end_reason_comments: Option<String>,
    pub exerciser: Option<String>,
    pub legal_authority: Option<String>,
    pub registration_manager_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Address {
    /// `head_office`, `postal` or `delivery_location`.
    pub address_type: String,
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub suburb: Option<String>,
    pub state: Option<State>,
    pub state_overseas: Option<String>,
    pub postcode: Option<String>,
    pub country_code: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct WebAddress {
    pub url: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

/// A contact as the tier may see it (withheld ones are counted, never sent).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Contact {
    /// Derived after reading (absent from the stored JSON, present in answers).
    pub kind: Option<ContactKind>,
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
    pub postal_line1: Option<String>,
    pub postal_line2: Option<String>,
    pub postal_suburb: Option<String>,
    pub postal_state_code: Option<String>,
    pub postal_postcode: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeListing {
    /// Rows matching the scope filters, across all pages.
    pub total: u64,
    pub items: Vec<ScopeItem>,
    pub per_page: u32,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeItem {
    pub code: String,
    pub component_type: Option<ComponentType>,
    /// Absent when the component is not in the mirror.
    pub title: Option<String>,
    pub status: Option<Status>,
    pub extent: Extent,
    pub is_implicit: bool,
    pub is_refused: bool,
    pub is_current: bool,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

/// A scope extent: TGA's `ExtentCode` and, when known, what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extent {
    pub code: Option<String>,
    pub description: Option<String>,
}

impl Extent {
    pub(crate) fn of(code: Option<String>) -> Self {
        let description = match code.as_deref().map(str::trim) {
            Some("01") => Some("Deliver and assess"),
            Some("02") => Some("Assess only"),
            _ => None,
        }
        .map(str::to_owned);
        Extent { code, description }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CricosProvider {
    pub provider_code: String,
    pub institution_name: Option<String>,
    pub trading_name: Option<String>,
    pub institution_type: Option<String>,
    pub capacity: Option<i64>,
    pub website: Option<String>,
    pub state: Option<String>,
    /// Courses the provider has registered on CRICOS (not removed from the register).
    pub courses: i64,
    /// Gone from the latest CRICOS refresh.
    pub deleted: bool,
}
