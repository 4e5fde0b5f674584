//! TrainingComponentService responses → `rtopacks_domain::tga` values.
//!
//! WCF omits default values (`EmitDefaultValue=false`: a false `IsConfidential`, an
//! empty list), so absent booleans read as false and absent lists as empty.

use rtopacks_domain::tga::{
    Classification, ComponentDetails, ComponentSummary, ComponentType, CurrencyPeriod,
    DeleteOperation, DeletedRecord, Mapping, Release, ReleaseComponent, ReleaseFile, SearchPage,
    UnitGridEntry, UsageRecommendation, UsageRecommendationState,
};

use super::response::read_result;
use crate::error::UpstreamError;
use crate::xml::Node;

/// `SearchByModifiedDate` → one page of component summaries.
pub fn parse_component_search(bytes: &[u8]) -> Result<SearchPage<ComponentSummary>, UpstreamError> {
    read_result(bytes, "SearchByModifiedDate", |r| {
        search_page(r, "TrainingComponentSummary", summary)
    })
}

/// `SearchDeletedByDeletedDate` → component tombstones (`NationalCode`).
pub fn parse_component_deleted(bytes: &[u8]) -> Result<Vec<DeletedRecord>, UpstreamError> {
    read_result(bytes, "SearchDeletedByDeletedDate", |r| {
        deleted_list(r, "DeletedTrainingComponent", "NationalCode")
    })
}

/// `GetDetails` → the component, or `None` when upstream answers with a nil result
/// (no such code).
pub fn parse_component_details(bytes: &[u8]) -> Result<Option<ComponentDetails>, UpstreamError> {
    read_result(bytes, "GetDetails", |r| r.map(details).transpose())
}

/// `SearchResult {Count, PageNumber, PageSize, Results}`; a nil result is an empty page.
pub(crate) fn search_page<T>(
    result: Option<&Node>,
    item: &str,
    read: impl Fn(&Node) -> Result<T, UpstreamError>,
) -> Result<SearchPage<T>, UpstreamError> {
    let Some(r) = result else {
        return Ok(SearchPage {
            count: 0,
            page_number: 0,
            page_size: 0,
            results: vec![],
        });
    };
    Ok(SearchPage {
        count: count(r, "Count")?,
        page_number: count(r, "PageNumber")?,
        page_size: count(r, "PageSize")?,
        results: r
            .list("Results", item)
            .map(read)
            .collect::<Result<_, _>>()?,
    })
}

fn count(n: &Node, name: &str) -> Result<u32, UpstreamError> {
    match n.int(name)? {
        None => Ok(0),
        Some(v) => u32::try_from(v).map_err(|_| UpstreamError::bad(name, &v.to_string())),
    }
}

/// An `ArrayOfDeleted…` result; every field is always emitted, so each is required.
pub(crate) fn deleted_list(
    result: Option<&Node>,
    item: &str,
    code_element: &str,
) -> Result<Vec<DeletedRecord>, UpstreamError> {
    let Some(r) = result else {
        return Ok(vec![]);
    };
    r.all(item)
        .map(|d| {
            let op = d.text("Operation").unwrap_or_default();
            Ok(DeletedRecord {
                code: required(d, code_element)?,
                operation: DeleteOperation::parse(&op)
                    .ok_or_else(|| UpstreamError::bad("Operation", &op))?,
                updated: d
                    .instant("UpdatedDate")?
                    .ok_or_else(|| UpstreamError::bad("UpdatedDate", ""))?,
            })
        })
        .collect()
}

/// A child without which the record means nothing (its code).
pub(crate) fn required(n: &Node, name: &str) -> Result<String, UpstreamError> {
    n.text(name)
        .ok_or_else(|| UpstreamError::bad(&format!("{}.{name}", n.name), ""))
}

fn component_type(n: &Node, name: &str) -> Option<ComponentType> {
    n.text(name).and_then(|t| ComponentType::parse(&t))
}

fn summary(s: &Node) -> Result<ComponentSummary, UpstreamError> {
    Ok(ComponentSummary {
        code: required(s, "Code")?,
        component_type: component_type(s, "ComponentType"),
        title: s.text("Title"),
        is_confidential: s.flag("IsConfidential")?,
        is_current: s.bool("IsCurrent")?,
        usage_recommendation: s
            .text("UsageReccomendation")
            .map(|t| UsageRecommendationState::parse(&t)),
        created: s.instant("CreatedDate")?,
        updated: s.instant("UpdatedDate")?,
    })
}

fn details(c: &Node) -> Result<ComponentDetails, UpstreamError> {
    Ok(ComponentDetails {
        code: required(c, "Code")?,
        title: c.text("Title"),
        component_type: component_type(c, "ComponentType"),
        parent_code: c.text("ParentCode"),
        parent_title: c.text("ParentTitle"),
        is_confidential: c.flag("IsConfidential")?,
        created: c.instant("CreatedDate")?,
        updated: c.instant("UpdatedDate")?,
        classifications: c
            .list("Classifications", "Classification")
            .map(classification)
            .collect::<Result<_, _>>()?,
        mappings: c
            .list("MappingInformation", "Mapping")
            .map(mapping)
            .collect::<Result<_, _>>()?,
        releases: c
            .list("Releases", "Release")
            .map(release)
            .collect::<Result<_, _>>()?,
        usage_recommendations: c
            .list("UsageRecommendations", "UsageRecommendation")
            .map(usage_recommendation)
            .collect::<Result<_, _>>()?,
        currency_periods: c
            .list("CurrencyPeriods", "NrtCurrencyPeriod")
            .map(|p| {
                Ok(CurrencyPeriod {
                    authority: p.text("Authority"),
                    start_date: p.date("StartDate")?,
                    end_date: p.date("EndDate")?,
                })
            })
            .collect::<Result<_, UpstreamError>>()?,
    })
}

/// `Classification` (shared with the organisation service).
pub(crate) fn classification(c: &Node) -> Result<Classification, UpstreamError> {
    Ok(Classification {
        purpose_code: c.text("PurposeCode"),
        scheme_code: c.text("SchemeCode"),
        value_code: c.text("ValueCode"),
        start_date: c.date("StartDate")?,
        end_date: c.date("EndDate")?,
    })
}

fn mapping(m: &Node) -> Result<Mapping, UpstreamError> {
    Ok(Mapping {
        code: m.text("Code"),
        title: m.text("Title"),
        maps_to_code: m.text("MapsToCode"),
        maps_to_title: m.text("MapsToTitle"),
        is_equivalent: m.bool("IsEquivalent")?,
        notes: m.text("Notes"),
    })
}

fn usage_recommendation(u: &Node) -> Result<UsageRecommendation, UpstreamError> {
    Ok(UsageRecommendation {
        state: UsageRecommendationState::parse(&u.text("State").unwrap_or_default()),
        start_date: u.date("StartDate")?,
        end_date: u.date("EndDate")?,
    })
}

fn release(r: &Node) -> Result<Release, UpstreamError> {
    Ok(Release {
        release_number: r.text("ReleaseNumber"),
        release_date: r.date("ReleaseDate")?,
        currency: r.text("Currency"),
        currency_status: r.text("CurrencyStatus"),
        components: r
            .list("Components", "ReleaseComponent")
            .map(|c| ReleaseComponent {
                code: c.text("Code"),
                title: c.text("Title"),
                component_type: component_type(c, "Type"),
                release_number: c.text("ReleaseNumber"),
                release_date: c.text("ReleaseDate"),
                release_currency: c.text("ReleaseCurrency"),
            })
            .collect(),
        files: r
            .list("Files", "ReleaseFile")
            .map(|f| {
                Ok(ReleaseFile {
                    relative_path: f.text("RelativePath"),
                    size: f.int("Size")?,
                })
            })
            .collect::<Result<_, UpstreamError>>()?,
        unit_grid: unit_grid(r)?,
    })
}

/// Entries without a code are dropped (nothing to key them on). `IsEssential` is
/// absent from the base schema; where a grid carries it at all, an entry without it
/// is an elective whose `false` WCF did not emit.
fn unit_grid(r: &Node) -> Result<Vec<UnitGridEntry>, UpstreamError> {
    let mut grid = Vec::new();
    for e in r.list("UnitGrid", "UnitGridEntry") {
        let Some(code) = e.text("Code") else { continue };
        grid.push(UnitGridEntry {
            code,
            title: e.text("Title"),
            is_essential: e.bool("IsEssential")?,
        });
    }
    if grid.iter().any(|e| e.is_essential.is_some()) {
        for e in &mut grid {
            e.is_essential.get_or_insert(false);
        }
    }
    Ok(grid)
}
