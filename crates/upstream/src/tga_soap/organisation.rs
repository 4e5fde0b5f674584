//! OrganisationService responses → `rtopacks_domain::tga` values.
//!
//! `GetDetails` is declared to return `Organisation`; for an RTO the element carries
//! `xsi:type="Rto"` and the Rto extension's lists follow the base ones.

use rtopacks_domain::tga::{
    Address, ComponentType, Contact, DatedCode, DeletedRecord, Location, OrganisationDetails,
    OrganisationSummary, RegistrationPeriod, ResponsibleLegalPerson, Restriction, ScopeEntry,
    SearchPage, TradingName, Url,
};

use super::component::{classification, deleted_list, required, search_page};
use super::response::read_result;
use crate::error::UpstreamError;
use crate::xml::Node;

/// `SearchByModifiedDate` → one page of organisation summaries.
pub fn parse_organisation_search(
    bytes: &[u8],
) -> Result<SearchPage<OrganisationSummary>, UpstreamError> {
    read_result(bytes, "SearchByModifiedDate", |r| {
        search_page(r, "OrganisationSearchResultItem", summary)
    })
}

/// `SearchDeletedByDeletedDate` → organisation tombstones (`OrganisationCode`).
pub fn parse_organisation_deleted(bytes: &[u8]) -> Result<Vec<DeletedRecord>, UpstreamError> {
    read_result(bytes, "SearchDeletedByDeletedDate", |r| {
        deleted_list(r, "DeletedOrganisation", "OrganisationCode")
    })
}

/// `GetDetails` → the organisation, or `None` for a nil result (no such code).
pub fn parse_organisation_details(
    bytes: &[u8],
) -> Result<Option<OrganisationDetails>, UpstreamError> {
    read_result(bytes, "GetDetails", |r| r.map(details).transpose())
}

fn summary(s: &Node) -> Result<OrganisationSummary, UpstreamError> {
    Ok(OrganisationSummary {
        code: required(s, "Code")?,
        data_manager_code: s.text("DataManagerCode"),
        has_active_registration: s.flag("HasActiveRegistration")?,
        legal_person_name: s.text("LegalPersonName"),
        trading_name: s.text("TradingName"),
        updated: s.instant("UpdatedDate")?,
    })
}

/// Collects a list, failing on the first bad item.
fn each<T>(
    o: &Node,
    array: &str,
    item: &str,
    read: impl Fn(&Node) -> Result<T, UpstreamError>,
) -> Result<Vec<T>, UpstreamError> {
    o.list(array, item).map(read).collect()
}

fn details(o: &Node) -> Result<OrganisationDetails, UpstreamError> {
    Ok(OrganisationDetails {
        is_rto: o.xsi_type.as_deref() == Some("Rto"),
        codes: dated_codes(o, "Codes", "OrganisationCode")?,
        contacts: each(o, "Contacts", "Contact", contact)?,
        data_managers: dated_codes(o, "DataManagers", "DataManagerAssignment")?,
        locations: each(o, "Locations", "OrganisationLocation", |l| {
            Ok(Location {
                address: l.child("Address").map(address),
                start_date: l.date("StartDate")?,
                end_date: l.date("EndDate")?,
            })
        })?,
        responsible_legal_persons: each(
            o,
            "ResponsibleLegalPersons",
            "ResponsibleLegalPerson",
            |p| {
                Ok(ResponsibleLegalPerson {
                    name: p.text("Name"),
                    // `ArrayOfstring` from the Serialization/Arrays namespace.
                    abns: p
                        .list("Abns", "string")
                        .filter_map(Node::own_text)
                        .collect(),
                    acn: p.text("Acn"),
                    start_date: p.date("StartDate")?,
                    end_date: p.date("EndDate")?,
                })
            },
        )?,
        trading_names: each(o, "TradingNames", "TradingName", |t| {
            Ok(TradingName {
                name: t.text("Name"),
                start_date: t.date("StartDate")?,
                end_date: t.date("EndDate")?,
            })
        })?,
        urls: each(o, "Urls", "Url", |u| {
            Ok(Url {
                link: u.text("Link"),
                start_date: u.date("StartDate")?,
                end_date: u.date("EndDate")?,
            })
        })?,
        classifications: each(o, "Classifications", "Classification", classification)?,
        registration_managers: dated_codes(
            o,
            "RegistrationManagers",
            "RegistrationManagerAssignment",
        )?,
        registration_periods: each(o, "RegistrationPeriods", "RegistrationPeriod", |p| {
            Ok(RegistrationPeriod {
                start_date: p.date("StartDate")?,
                end_date: p.date("EndDate")?,
                end_reason_code: p.text("EndReasonCode"),
                end_reason_comments: p.text("EndReasonComments"),
                exerciser: p.text("Exerciser"),
                legal_authority: p.text("LegalAuthority"),
            })
        })?,
        restrictions: each(o, "Restrictions", "RtoRestriction", |r| {
            Ok(Restriction {
                code: r.text("Code"),
                restriction: r.text("Restriction"),
                start_date: r.date("StartDate")?,
                end_date: r.date("EndDate")?,
            })
        })?,
        scopes: scopes(o)?,
        created: o.instant("CreatedDate")?,
        updated: o.instant("UpdatedDate")?,
    })
}

/// Scope rows without an `NrtCode` name nothing and are dropped.
fn scopes(o: &Node) -> Result<Vec<ScopeEntry>, UpstreamError> {
    let mut out = Vec::new();
    for s in o.list("Scopes", "Scope") {
        let Some(nrt_code) = s.text("NrtCode") else {
            continue;
        };
        out.push(ScopeEntry {
            nrt_code,
            title: None,
            component_type: s
                .text("TrainingComponentType")
                .and_then(|t| ComponentType::parse(&t)),
            extent_code: s.text("ExtentCode"),
            is_implicit: s.flag("IsImplicit")?,
            is_refused: s.flag("IsRefused")?,
            start_date: s.date("StartDate")?,
            end_date: s.date("EndDate")?,
        });
    }
    Ok(out)
}

/// `OrganisationCode`, `DataManagerAssignment`, `RegistrationManagerAssignment`:
/// a code with a period; codeless entries are dropped.
fn dated_codes(o: &Node, array: &str, item: &str) -> Result<Vec<DatedCode>, UpstreamError> {
    let mut out = Vec::new();
    for c in o.list(array, item) {
        let Some(code) = c.text("Code") else { continue };
        out.push(DatedCode {
            code,
            start_date: c.date("StartDate")?,
            end_date: c.date("EndDate")?,
        });
    }
    Ok(out)
}

fn contact(c: &Node) -> Result<Contact, UpstreamError> {
    Ok(Contact {
        type_code: c.text("TypeCode"),
        role_code: c.text("RoleCode"),
        title: c.text("Title"),
        first_name: c.text("FirstName"),
        last_name: c.text("LastName"),
        group_name: c.text("GroupName"),
        job_title: c.text("JobTitle"),
        organisation_name: c.text("OrganisationName"),
        email: c.text("Email"),
        phone: c.text("Phone"),
        mobile: c.text("Mobile"),
        fax: c.text("Fax"),
        postal_address: c.child("PostalAddress").map(address),
        start_date: c.date("StartDate")?,
        end_date: c.date("EndDate")?,
    })
}

fn address(a: &Node) -> Address {
    Address {
        line1: a.text("Line1"),
        line2: a.text("Line2"),
        suburb: a.text("Suburb"),
        state_code: a.text("StateCode"),
        state_overseas: a.text("StateOverseas"),
        postcode: a.text("Postcode"),
        country_code: a.text("CountryCode"),
    }
}
