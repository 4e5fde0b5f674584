//! Request builders for the operations a mirror uses. Element order is the XSD's
//! sequence order (base type first, then the derived type's elements, each
//! alphabetical as WCF exports them): `PageNumber, PageSize, …, EndDate, StartDate`.

use chrono::{DateTime, Utc};
use rtopacks_domain::tga::ComponentType;

use super::envelope::{envelope, Writer};
use super::{Credentials, Service, SoapConfig, SoapRequest};

/// A page of a date-window search (`AbstractPageRequest` + `StartDate`/`EndDate`).
/// Pages are numbered from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageWindow {
    pub page_number: u32,
    pub page_size: u32,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// `TrainingComponentTypeFilter`: which component types a search returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ComponentTypeFilter {
    pub accredited_course: bool,
    pub accredited_course_module: bool,
    pub qualification: bool,
    pub skill_set: bool,
    pub training_package: bool,
    pub unit: bool,
    pub unit_contextualisation: bool,
}

impl ComponentTypeFilter {
    pub fn all() -> Self {
        Self::only(&ComponentType::ALL)
    }

    pub fn only(types: &[ComponentType]) -> Self {
        let has = |t| types.contains(&t);
        ComponentTypeFilter {
            accredited_course: has(ComponentType::AccreditedCourse),
            accredited_course_module: has(ComponentType::AccreditedCourseModule),
            qualification: has(ComponentType::Qualification),
            skill_set: has(ComponentType::SkillSet),
            training_package: has(ComponentType::TrainingPackage),
            unit: has(ComponentType::Unit),
            unit_contextualisation: has(ComponentType::UnitContextualisation),
        }
    }
}

/// `TrainingComponentInformationRequested`: what `GetDetails` returns for a component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ComponentInformationRequested {
    pub show_classifications: bool,
    pub show_completion_mapping: bool,
    pub show_components: bool,
    pub show_contacts: bool,
    pub show_currency_periods: bool,
    pub show_data_managers: bool,
    pub show_files: bool,
    pub show_mapping_information: bool,
    pub show_recognition_managers: bool,
    pub show_releases: bool,
    pub show_unit_grid: bool,
    pub show_usage_recommendation: bool,
}

impl ComponentInformationRequested {
    /// What the mirror stores: releases with their unit grid, mappings (supersession),
    /// usage recommendations (status), classifications, currency periods. Release
    /// components and files stay off: a package's component list is huge.
    pub fn mirror() -> Self {
        ComponentInformationRequested {
            show_classifications: true,
            show_currency_periods: true,
            show_mapping_information: true,
            show_releases: true,
            show_unit_grid: true,
            show_usage_recommendation: true,
            ..Self::default()
        }
    }
}

/// `OrganisationInformationRequested`: what `GetDetails` returns for an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OrganisationInformationRequested {
    pub show_codes: bool,
    pub show_contacts: bool,
    pub show_data_managers: bool,
    pub show_explicit_scope: bool,
    pub show_implicit_scope: bool,
    pub show_locations: bool,
    pub show_registration_managers: bool,
    pub show_registration_periods: bool,
    pub show_responsible_legal_persons: bool,
    pub show_restrictions: bool,
    pub show_rto_classifications: bool,
    pub show_rto_delivery_notification: bool,
    pub show_trading_names: bool,
    pub show_urls: bool,
}

impl OrganisationInformationRequested {
    /// Everything the enriched RTO tables hold. Implicit scope (units implied by a
    /// qualification on scope) stays off: it multiplies the answer and is derivable.
    pub fn mirror() -> Self {
        OrganisationInformationRequested {
            show_codes: true,
            show_contacts: true,
            show_data_managers: true,
            show_explicit_scope: true,
            show_implicit_scope: false,
            show_locations: true,
            show_registration_managers: true,
            show_registration_periods: true,
            show_responsible_legal_persons: true,
            show_restrictions: true,
            show_rto_classifications: true,
            show_rto_delivery_notification: false,
            show_trading_names: true,
            show_urls: true,
        }
    }
}

/// Builds signed requests for one configuration and account. `now` stamps the
/// WS-Security timestamp (pass the invocation's clock, never read here).
#[derive(Debug, Clone)]
pub struct TgaSoap {
    pub config: SoapConfig,
    pub credentials: Credentials,
}

impl TgaSoap {
    pub fn new(config: SoapConfig, credentials: Credentials) -> Self {
        TgaSoap {
            config,
            credentials,
        }
    }

    /// TrainingComponentService `SearchByModifiedDate`: the components delta walk.
    pub fn search_components_by_modified_date(
        &self,
        window: &PageWindow,
        types: &ComponentTypeFilter,
        now: DateTime<Utc>,
    ) -> SoapRequest {
        let op = "SearchByModifiedDate";
        let mut w = self.writer(op);
        w.open("request");
        page_and_window(&mut w, window);
        w.open("TrainingComponentTypes")
            .bool("IncludeAccreditedCourse", types.accredited_course)
            .bool(
                "IncludeAccreditedCourseModule",
                types.accredited_course_module,
            )
            .bool("IncludeQualification", types.qualification)
            .bool("IncludeSkillSet", types.skill_set)
            .bool("IncludeTrainingPackage", types.training_package)
            .bool("IncludeUnit", types.unit)
            .bool("IncludeUnitContextualisation", types.unit_contextualisation)
            .close("TrainingComponentTypes");
        w.close("request");
        self.request(Service::TrainingComponent, op, w, now)
    }

    /// TrainingComponentService `SearchDeletedByDeletedDate`: component tombstones.
    pub fn search_components_deleted(
        &self,
        window: &PageWindow,
        now: DateTime<Utc>,
    ) -> SoapRequest {
        self.deleted(Service::TrainingComponent, window, now)
    }

    /// TrainingComponentService `GetDetails` for one code.
    pub fn component_details(
        &self,
        code: &str,
        info: &ComponentInformationRequested,
        now: DateTime<Utc>,
    ) -> SoapRequest {
        let op = "GetDetails";
        let mut w = self.writer(op);
        w.open("request")
            .value("Code", code)
            .open("InformationRequest")
            .bool("ShowClassifications", info.show_classifications)
            .bool("ShowCompletionMapping", info.show_completion_mapping)
            .bool("ShowComponents", info.show_components)
            .bool("ShowContacts", info.show_contacts)
            .bool("ShowCurrencyPeriods", info.show_currency_periods)
            .bool("ShowDataManagers", info.show_data_managers)
            .bool("ShowFiles", info.show_files)
            .bool("ShowMappingInformation", info.show_mapping_information)
            .bool("ShowRecognitionManagers", info.show_recognition_managers)
            .bool("ShowReleases", info.show_releases)
            .bool("ShowUnitGrid", info.show_unit_grid)
            .bool("ShowUsageRecommendation", info.show_usage_recommendation)
            .close("InformationRequest")
            .close("request");
        self.request(Service::TrainingComponent, op, w, now)
    }

    /// OrganisationService `SearchByModifiedDate`: the organisations delta walk.
    pub fn search_organisations_by_modified_date(
        &self,
        window: &PageWindow,
        now: DateTime<Utc>,
    ) -> SoapRequest {
        let op = "SearchByModifiedDate";
        let mut w = self.writer(op);
        w.open("request");
        page_and_window(&mut w, window);
        w.close("request");
        self.request(Service::Organisation, op, w, now)
    }

    /// OrganisationService `SearchDeletedByDeletedDate`: organisation tombstones.
    pub fn search_organisations_deleted(
        &self,
        window: &PageWindow,
        now: DateTime<Utc>,
    ) -> SoapRequest {
        self.deleted(Service::Organisation, window, now)
    }

    /// OrganisationService `GetDetails` for one code. Note the element is
    /// `InformationRequested` here (components say `InformationRequest`).
    pub fn organisation_details(
        &self,
        code: &str,
        info: &OrganisationInformationRequested,
        now: DateTime<Utc>,
    ) -> SoapRequest {
        let op = "GetDetails";
        let mut w = self.writer(op);
        w.open("request")
            .value("Code", code)
            .open("InformationRequested")
            .bool("ShowCodes", info.show_codes)
            .bool("ShowContacts", info.show_contacts)
            .bool("ShowDataManagers", info.show_data_managers)
            .bool("ShowExplicitScope", info.show_explicit_scope)
            .bool("ShowImplicitScope", info.show_implicit_scope)
            .bool("ShowLocations", info.show_locations)
            .bool("ShowRegistrationManagers", info.show_registration_managers)
            .bool("ShowRegistrationPeriods", info.show_registration_periods)
            .bool(
                "ShowResponsibleLegalPersons",
                info.show_responsible_legal_persons,
            )
            .bool("ShowRestrictions", info.show_restrictions)
            .bool("ShowRtoClassifications", info.show_rto_classifications)
            .bool(
                "ShowRtoDeliveryNotification",
                info.show_rto_delivery_notification,
            )
            .bool("ShowTradingNames", info.show_trading_names)
            .bool("ShowUrls", info.show_urls)
            .close("InformationRequested")
            .close("request");
        self.request(Service::Organisation, op, w, now)
    }

    /// `DeletedSearchRequest` is the same shape for both services.
    fn deleted(&self, service: Service, window: &PageWindow, now: DateTime<Utc>) -> SoapRequest {
        let op = "SearchDeletedByDeletedDate";
        let mut w = self.writer(op);
        w.open("request");
        page_and_window(&mut w, window);
        w.close("request");
        self.request(service, op, w, now)
    }

    fn writer(&self, op: &str) -> Writer {
        Writer::operation(op, &self.config.namespace())
    }

    fn request(
        &self,
        service: Service,
        operation: &'static str,
        w: Writer,
        now: DateTime<Utc>,
    ) -> SoapRequest {
        let body = w.finish(operation);
        SoapRequest {
            service,
            operation,
            path: service.path(&self.config),
            soap_action: format!(
                "\"{}{}/{operation}\"",
                self.config.namespace(),
                service.contract()
            ),
            body: envelope(&body, &self.credentials, now),
        }
    }
}

/// `PageNumber, PageSize` (AbstractPageRequest), then `EndDate, StartDate`: the
/// derived types list the end before the start. `DataManagerFilter`, which sits
/// between them in the modified-date requests, is optional and never sent.
fn page_and_window(w: &mut Writer, window: &PageWindow) {
    w.int("PageNumber", window.page_number)
        .int("PageSize", window.page_size)
        .instant("EndDate", window.end)
        .instant("StartDate", window.start);
}
