//! training.gov.au SOAP services (TrainingComponentService, OrganisationService): real
//! SOAP 1.1 envelopes with a WS-Security UsernameToken, and parsers from response
//! bytes to `rtopacks_domain::tga` values. No I/O: the caller POSTs
//! [`SoapRequest::body`] to [`SoapRequest::url`] with the `SOAPAction` and
//! `Content-Type` headers given here.
//!
//! The WSDL/XSD in `upstream/tga-wsdl` are the authority: element names, their order
//! (WCF reads sequences in order and drops what comes out of place) and namespaces.

mod component;
mod envelope;
mod organisation;
mod request;
mod response;

pub use component::{parse_component_deleted, parse_component_details, parse_component_search};
pub use organisation::{
    parse_organisation_deleted, parse_organisation_details, parse_organisation_search,
};
pub use request::{
    ComponentInformationRequested, ComponentTypeFilter, OrganisationInformationRequested,
    PageWindow, TgaSoap,
};

use std::fmt;

/// Production and sandbox hosts (the WSDL's endpoints live under these).
pub const PRODUCTION_HOST: &str = "https://ws.training.gov.au";
pub const SANDBOX_HOST: &str = "https://ws.sandbox.training.gov.au";

/// The namespace of the published (unversioned) services.
pub const BASE_NAMESPACE: &str = "http://training.gov.au/services/";

/// SOAP 1.1 content type.
pub const CONTENT_TYPE: &str = "text/xml; charset=utf-8";

/// Which generation of the services to speak. The unversioned services are the schema
/// in `tga-wsdl`; `V12`, `V13`… add fields (`UnitGridEntry.IsEssential`,
/// `CurrencyStatus`) under `http://training.gov.au/services/{N}/` at
/// `…ServiceV{N}.svc`. The parsers read both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SoapConfig {
    pub version: Option<u32>,
}

impl SoapConfig {
    pub fn base() -> Self {
        SoapConfig { version: None }
    }

    pub fn versioned(n: u32) -> Self {
        SoapConfig { version: Some(n) }
    }

    /// From a configuration string: empty or `base` → base; `12` or `V12` → version 12.
    pub fn from_setting(s: &str) -> Option<Self> {
        let t = s.trim();
        if t.is_empty() || t.eq_ignore_ascii_case("base") {
            return Some(Self::base());
        }
        let digits = t.strip_prefix(['v', 'V']).unwrap_or(t);
        digits.parse().ok().map(Self::versioned)
    }

    /// `http://training.gov.au/services/` or `http://training.gov.au/services/{N}/`.
    pub fn namespace(&self) -> String {
        match self.version {
            None => BASE_NAMESPACE.to_owned(),
            Some(n) => format!("{BASE_NAMESPACE}{n}/"),
        }
    }
}

/// The two services a mirror talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    TrainingComponent,
    Organisation,
}

impl Service {
    /// The WCF contract name that prefixes every SOAP action.
    pub fn contract(self) -> &'static str {
        match self {
            Service::TrainingComponent => "ITrainingComponentService",
            Service::Organisation => "IOrganisationService",
        }
    }

    /// The basic-HTTP (SOAP 1.1) endpoint path, from the WSDL's `soap:address`.
    pub fn path(self, config: &SoapConfig) -> String {
        let v = config.version.map(|n| format!("V{n}")).unwrap_or_default();
        match self {
            Service::TrainingComponent => {
                format!("/Deewr.Tga.WebServices/TrainingComponentService{v}.svc/Training")
            }
            Service::Organisation => {
                format!("/Deewr.Tga.WebServices/OrganisationService{v}.svc/Organisation")
            }
        }
    }
}

/// Username and password for the WS-Security UsernameToken (sent as PasswordText,
/// so only ever over HTTPS). `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// One ready-to-send SOAP call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoapRequest {
    pub service: Service,
    /// Operation name, e.g. `SearchByModifiedDate`.
    pub operation: &'static str,
    /// Endpoint path below the host, e.g.
    /// `/Deewr.Tga.WebServices/TrainingComponentService.svc/Training`.
    pub path: String,
    /// The `SOAPAction` header value, quoted as SOAP 1.1 requires:
    /// `"http://training.gov.au/services/ITrainingComponentService/GetDetails"`.
    pub soap_action: String,
    /// The whole envelope (UTF-8).
    pub body: String,
}

impl SoapRequest {
    /// `host` + path, e.g. `SoapRequest::url(PRODUCTION_HOST)`.
    pub fn url(&self, host: &str) -> String {
        format!("{}{}", host.trim_end_matches('/'), self.path)
    }

    /// Headers to send with the body.
    pub fn headers(&self) -> [(&'static str, &str); 2] {
        [
            ("Content-Type", CONTENT_TYPE),
            ("SOAPAction", &self.soap_action),
        ]
    }
}
