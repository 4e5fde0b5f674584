//! training.gov.au public REST API (no auth): request paths and lenient parsers for
//! the organisation resources.
//!
//! The field names come from third-party reports, not a published schema, so every
//! field is optional, `null` reads as absent, and a value that may be a string or an
//! object (`status`, `state`, `componentType`) is read as text either way.

mod convert;
mod lenient;

use chrono::NaiveDate;
use serde::de::Deserializer;
use serde::Deserialize;
use serde_json::Value;

use crate::error::UpstreamError;
use crate::{encode, json};

/// The API base; paths below are relative to it.
pub const BASE: &str = "https://training.gov.au/api";
pub const API_VERSION: &str = "1.0";

/// `GET /organisation/{code}?include=all`.
pub fn organisation_path(code: &str) -> String {
    format!(
        "/organisation/{}?include=all&api-version={API_VERSION}",
        encode(code)
    )
}

/// `GET /organisation/{code}/contacts`.
pub fn organisation_contacts_path(code: &str) -> String {
    format!(
        "/organisation/{}/contacts?api-version={API_VERSION}",
        encode(code)
    )
}

/// `GET /organisation/{code}/scope?offset=&pageSize=` (one page; loop to `count`).
/// No `filters`: some combinations answer HTTP 500, so filter locally.
pub fn organisation_scope_path(code: &str, offset: u64, page_size: u32) -> String {
    format!(
        "/organisation/{}/scope?offset={offset}&pageSize={page_size}&api-version={API_VERSION}",
        encode(code)
    )
}

/// `/organisation/{code}?include=all`.
pub fn parse_organisation(bytes: &[u8]) -> Result<RestOrganisation, UpstreamError> {
    json(bytes)
}

/// `/organisation/{code}/contacts`: a bare array or one wrapped in `value`/`data`.
pub fn parse_contacts(bytes: &[u8]) -> Result<Vec<RestContact>, UpstreamError> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Shape {
        Bare(Vec<RestContact>),
        Wrapped {
            #[serde(alias = "data", deserialize_with = "lenient::seq")]
            value: Vec<RestContact>,
        },
    }
    match json(bytes)? {
        Shape::Bare(v) | Shape::Wrapped { value: v } => Ok(v),
    }
}

/// `/organisation/{code}/scope` → `{value:[…], count}`.
pub fn parse_scope_page(bytes: &[u8]) -> Result<RestScopePage, UpstreamError> {
    json(bytes)
}

/// `/organisation/{code}?include=all`, as published.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RestOrganisation {
    #[serde(deserialize_with = "lenient::text")]
    pub code: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub status: Option<String>,
    #[serde(deserialize_with = "lenient::seq")]
    pub legal_names: Vec<RestLegalName>,
    #[serde(deserialize_with = "lenient::seq")]
    pub trading_names: Vec<RestTradingName>,
    #[serde(deserialize_with = "lenient::seq")]
    pub web_addresses: Vec<RestWebAddress>,
    #[serde(deserialize_with = "lenient::seq")]
    pub registrations: Vec<RestRegistration>,
    #[serde(deserialize_with = "lenient::seq")]
    pub classifications: Vec<RestClassification>,
    #[serde(deserialize_with = "lenient::seq")]
    pub addresses: Vec<RestAddressEntry>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RestLegalName {
    #[serde(deserialize_with = "lenient::text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "lenient::texts")]
    pub abns: Vec<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub acn: Option<String>,
    #[serde(deserialize_with = "lenient::date")]
    pub start_date: Option<NaiveDate>,
    #[serde(deserialize_with = "lenient::date")]
    pub end_date: Option<NaiveDate>,
}

/// A trading name: an object `{name, startDate, endDate}` or a bare string.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RestTradingName {
    pub name: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

impl<'de> Deserialize<'de> for RestTradingName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize, Default)]
        #[serde(rename_all = "camelCase", default)]
        struct Full {
            #[serde(deserialize_with = "lenient::text")]
            name: Option<String>,
            #[serde(deserialize_with = "lenient::date")]
            start_date: Option<NaiveDate>,
            #[serde(deserialize_with = "lenient::date")]
            end_date: Option<NaiveDate>,
        }
        let v = Value::deserialize(d)?;
        if v.is_object() {
            let f: Full = serde_json::from_value(v).map_err(serde::de::Error::custom)?;
            Ok(RestTradingName {
                name: f.name,
                start_date: f.start_date,
                end_date: f.end_date,
            })
        } else {
            Ok(RestTradingName {
                name: lenient::value_text(&v),
                ..Self::default()
            })
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RestWebAddress {
    #[serde(deserialize_with = "lenient::text")]
    pub web_address: Option<String>,
    #[serde(deserialize_with = "lenient::date")]
    pub start_date: Option<NaiveDate>,
    #[serde(deserialize_with = "lenient::date")]
    pub end_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RestRegistration {
    #[serde(deserialize_with = "lenient::date")]
    pub start_date: Option<NaiveDate>,
    #[serde(deserialize_with = "lenient::date")]
    pub end_date: Option<NaiveDate>,
    #[serde(deserialize_with = "lenient::text")]
    pub end_reason: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RestClassification {
    #[serde(deserialize_with = "lenient::text")]
    pub purpose_code: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub scheme_code: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub value_code: Option<String>,
    #[serde(deserialize_with = "lenient::date")]
    pub start_date: Option<NaiveDate>,
    #[serde(deserialize_with = "lenient::date")]
    pub end_date: Option<NaiveDate>,
}

/// `{addressType: headOffice|postal|deliveryLocation, address{…}}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RestAddressEntry {
    #[serde(deserialize_with = "lenient::text")]
    pub address_type: Option<String>,
    pub address: Option<RestAddress>,
    #[serde(deserialize_with = "lenient::date")]
    pub start_date: Option<NaiveDate>,
    #[serde(deserialize_with = "lenient::date")]
    pub end_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RestAddress {
    #[serde(deserialize_with = "lenient::text")]
    pub line1: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub line2: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub suburb: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub state: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub postcode: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub country: Option<String>,
}

/// One contact of `/organisation/{code}/contacts`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RestContact {
    #[serde(alias = "typeCode", alias = "type", deserialize_with = "lenient::text")]
    pub contact_type: Option<String>,
    #[serde(alias = "roleCode", alias = "role", deserialize_with = "lenient::text")]
    pub contact_role: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub title: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub first_name: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub last_name: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub job_title: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub organisation_name: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub email: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub phone: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub mobile: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub fax: Option<String>,
    #[serde(alias = "postalAddress")]
    pub address: Option<RestAddress>,
}

/// `/organisation/{code}/scope` page.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct RestScopePage {
    #[serde(alias = "data", deserialize_with = "lenient::seq")]
    pub value: Vec<RestScopeItem>,
    #[serde(alias = "@odata.count")]
    pub count: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RestScopeItem {
    #[serde(deserialize_with = "lenient::text")]
    pub code: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub title: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub component_type: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub extent: Option<String>,
    pub is_implicit: Option<bool>,
    #[serde(deserialize_with = "lenient::text")]
    pub status: Option<String>,
    #[serde(deserialize_with = "lenient::date")]
    pub start_date: Option<NaiveDate>,
    #[serde(deserialize_with = "lenient::date")]
    pub end_date: Option<NaiveDate>,
}
