//! REST records → the same domain shapes the SOAP parsers yield.

use rtopacks_domain::tga::{
    Address, Classification, ComponentType, Contact, DatedCode, Location, OrganisationDetails,
    RegistrationPeriod, ResponsibleLegalPerson, ScopeEntry, TradingName, Url,
};

use super::{RestAddress, RestContact, RestOrganisation, RestScopeItem};

impl RestAddress {
    pub fn to_address(&self) -> Address {
        Address {
            line1: self.line1.clone(),
            line2: self.line2.clone(),
            suburb: self.suburb.clone(),
            state_code: self.state.clone(),
            state_overseas: None,
            postcode: self.postcode.clone(),
            country_code: self.country.clone(),
        }
    }
}

impl RestContact {
    pub fn to_contact(&self) -> Contact {
        Contact {
            type_code: self.contact_type.clone(),
            role_code: self.contact_role.clone(),
            title: self.title.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            job_title: self.job_title.clone(),
            organisation_name: self.organisation_name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            mobile: self.mobile.clone(),
            fax: self.fax.clone(),
            postal_address: self.address.as_ref().map(RestAddress::to_address),
            ..Contact::default()
        }
    }
}

impl RestScopeItem {
    /// `None` without a code. `status` mentioning "refused" marks a refused scope.
    pub fn to_scope_entry(&self) -> Option<ScopeEntry> {
        Some(ScopeEntry {
            nrt_code: self.code.clone()?,
            title: self.title.clone(),
            component_type: self
                .component_type
                .as_deref()
                .and_then(ComponentType::parse),
            extent_code: self.extent.clone(),
            is_implicit: self.is_implicit.unwrap_or(false),
            is_refused: self
                .status
                .as_deref()
                .is_some_and(|s| s.to_ascii_lowercase().contains("refused")),
            start_date: self.start_date,
            end_date: self.end_date,
        })
    }
}

impl RestOrganisation {
    /// The parts the SOAP details also carry, in the same domain shape. Head-office and
    /// delivery addresses become locations (postal ones stay in `addresses`); the
    /// organisation counts as an RTO when it has registration periods.
    pub fn to_details(&self) -> OrganisationDetails {
        OrganisationDetails {
            is_rto: !self.registrations.is_empty(),
            codes: self
                .code
                .iter()
                .map(|c| DatedCode {
                    code: c.clone(),
                    start_date: None,
                    end_date: None,
                })
                .collect(),
            locations: self
                .addresses
                .iter()
                .filter(|a| {
                    !a.address_type
                        .as_deref()
                        .is_some_and(|t| t.eq_ignore_ascii_case("postal"))
                })
                .map(|a| Location {
                    address: a.address.as_ref().map(RestAddress::to_address),
                    start_date: a.start_date,
                    end_date: a.end_date,
                })
                .collect(),
            responsible_legal_persons: self
                .legal_names
                .iter()
                .map(|l| ResponsibleLegalPerson {
                    name: l.name.clone(),
                    abns: l.abns.clone(),
                    acn: l.acn.clone(),
                    start_date: l.start_date,
                    end_date: l.end_date,
                })
                .collect(),
            trading_names: self
                .trading_names
                .iter()
                .map(|t| TradingName {
                    name: t.name.clone(),
                    start_date: t.start_date,
                    end_date: t.end_date,
                })
                .collect(),
            urls: self
                .web_addresses
                .iter()
                .map(|w| Url {
                    link: w.web_address.clone(),
                    start_date: w.start_date,
                    end_date: w.end_date,
                })
                .collect(),
            registration_periods: self
                .registrations
                .iter()
                .map(|r| RegistrationPeriod {
                    start_date: r.start_date,
                    end_date: r.end_date,
                    end_reason_code: r.end_reason.clone(),
                    end_reason_comments: None,
                    exerciser: None,
                    legal_authority: None,
                })
                .collect(),
            classifications: self
                .classifications
                .iter()
                .map(|c| Classification {
                    purpose_code: c.purpose_code.clone(),
                    scheme_code: c.scheme_code.clone(),
                    value_code: c.value_code.clone(),
                    start_date: c.start_date,
                    end_date: c.end_date,
                })
                .collect(),
            ..OrganisationDetails::default()
        }
    }
}
