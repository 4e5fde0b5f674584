//! The four CRICOS resources of data.gov.au dataset
//! `e5ae7059-bfa8-4fa4-a5c0-c13cf3520193`, mapped from their exact header texts to
//! `rtopacks_domain::cricos` rows.
//!
//! Cells may come as strings or numbers (CKAN types columns it could guess). Blank
//! cells are `None`; a value that does not parse as its type is `None` too (one odd
//! fee must not lose a course). Only a missing or invalid key refuses a row, which
//! then appears in `rejected` with its `_id`.

use rtopacks_domain::codes::{CricosCourseCode, CricosProviderCode};
use rtopacks_domain::cricos::{Course, CourseLocation, Institution, Location};
use serde_json::Value;

use super::{parse_datastore_search, DatastorePage, Record, RejectedRow};
use crate::error::UpstreamError;

pub const DATASET_ID: &str = "e5ae7059-bfa8-4fa4-a5c0-c13cf3520193";
pub const INSTITUTIONS_RESOURCE_ID: &str = "7f6941f3-5327-4db7-b556-5f16d77f63c1";
pub const COURSES_RESOURCE_ID: &str = "48cacf69-2082-415e-9595-f17d0c3a4af0";
pub const LOCATIONS_RESOURCE_ID: &str = "45d29535-1360-4486-8242-3850e61b5524";
pub const COURSE_LOCATIONS_RESOURCE_ID: &str = "4cd2de02-8ba3-4eb2-bac2-fe272cae3f5f";

/// The four resources, in the order a sync reads them (parents first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    Institutions,
    Courses,
    Locations,
    CourseLocations,
}

impl Resource {
    pub const ALL: [Resource; 4] = [
        Resource::Institutions,
        Resource::Courses,
        Resource::Locations,
        Resource::CourseLocations,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Resource::Institutions => INSTITUTIONS_RESOURCE_ID,
            Resource::Courses => COURSES_RESOURCE_ID,
            Resource::Locations => LOCATIONS_RESOURCE_ID,
            Resource::CourseLocations => COURSE_LOCATIONS_RESOURCE_ID,
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.id() == id)
    }
}

/// An Institutions page.
pub fn parse_institutions(bytes: &[u8]) -> Result<DatastorePage<Institution>, UpstreamError> {
    map_page(bytes, |r| {
        Ok(Institution {
            provider_code: provider_code(r)?,
            trading_name: r.text("Trading Name"),
            institution_name: r.text("Institution Name"),
            institution_type: r.text("Institution Type"),
            institution_capacity: r.integer("Institution Capacity"),
            website: r.text("Website"),
            postal_address_line_1: r.text("Postal Address Line 1"),
            postal_address_line_2: r.text("Postal Address Line 2"),
            postal_address_line_3: r.text("Postal Address Line 3"),
            postal_address_line_4: r.text("Postal Address Line 4"),
            postal_address_city: r.text("Postal Address City"),
            postal_address_state: r.text("Postal Address State"),
            postal_address_postcode: r.text("Postal Address Postcode"),
        })
    })
}

/// A Courses page.
pub fn parse_courses(bytes: &[u8]) -> Result<DatastorePage<Course>, UpstreamError> {
    map_page(bytes, |r| {
        Ok(Course {
            course_code: course_code(r)?,
            provider_code: provider_code(r)?,
            institution_name: r.text("Institution Name"),
            course_name: r.text("Course Name"),
            vet_national_code: r.text("VET National Code"),
            dual_qualification: r.yes_no("Dual Qualification"),
            field_of_education_1_broad_field: r.text("Field of Education 1 Broad Field"),
            field_of_education_1_narrow_field: r.text("Field of Education 1 Narrow Field"),
            field_of_education_1_detailed_field: r.text("Field of Education 1 Detailed Field"),
            field_of_education_2_broad_field: r.text("Field of Education 2 Broad Field"),
            field_of_education_2_narrow_field: r.text("Field of Education 2 Narrow Field"),
            field_of_education_2_detailed_field: r.text("Field of Education 2 Detailed Field"),
            course_level: r.text("Course Level"),
            foundation_studies: r.yes_no("Foundation Studies"),
            work_component: r.yes_no("Work Component"),
            work_component_hours_per_week: r.number("Work Component Hours/Week"),
            work_component_weeks: r.number("Work Component Weeks"),
            work_component_total_hours: r.number("Work Component Total Hours"),
            course_language: r.text("Course Language"),
            duration_weeks: r.number("Duration (Weeks)"),
            tuition_fee_cents: r.cents("Tuition Fee"),
            non_tuition_fee_cents: r.cents("Non Tuition Fee"),
            estimated_total_course_cost_cents: r.cents("Estimated Total Course Cost"),
            expired: r.yes_no("Expired"),
        })
    })
}

/// A Locations page.
pub fn parse_locations(bytes: &[u8]) -> Result<DatastorePage<Location>, UpstreamError> {
    map_page(bytes, |r| {
        Ok(Location {
            provider_code: provider_code(r)?,
            location_name: r.key("Location Name")?,
            institution_name: r.text("Institution Name"),
            location_type: r.text("Location Type"),
            address_line_1: r.text("Address Line 1"),
            address_line_2: r.text("Address Line 2"),
            address_line_3: r.text("Address Line 3"),
            address_line_4: r.text("Address Line 4"),
            city: r.text("City"),
            state: r.text("State"),
            postcode: r.text("Postcode"),
        })
    })
}

/// A Course Locations page (duplicates are kept; the store's key collapses them).
pub fn parse_course_locations(
    bytes: &[u8],
) -> Result<DatastorePage<CourseLocation>, UpstreamError> {
    map_page(bytes, |r| {
        Ok(CourseLocation {
            provider_code: provider_code(r)?,
            course_code: course_code(r)?,
            location_name: r.key("Location Name")?,
            institution_name: r.text("Institution Name"),
            location_city: r.text("Location City"),
            location_state: r.text("Location State"),
        })
    })
}

fn map_page<T>(
    bytes: &[u8],
    map: impl Fn(&Row) -> Result<T, String>,
) -> Result<DatastorePage<T>, UpstreamError> {
    let page = parse_datastore_search(bytes)?;
    let mut records = Vec::with_capacity(page.records.len());
    let mut rejected = Vec::new();
    for record in &page.records {
        let row = Row(record);
        match map(&row) {
            Ok(t) => records.push(t),
            Err(reason) => rejected.push(RejectedRow {
                row_id: record.get("_id").and_then(Value::as_i64),
                reason,
            }),
        }
    }
    Ok(DatastorePage {
        resource_id: page.resource_id,
        limit: page.limit,
        offset: page.offset,
        total: page.total,
        records,
        fields: page.fields,
        next: page.next,
        rejected,
    })
}

fn provider_code(r: &Row) -> Result<CricosProviderCode, String> {
    CricosProviderCode::parse(&r.key("CRICOS Provider Code")?).map_err(|e| e.to_string())
}

fn course_code(r: &Row) -> Result<CricosCourseCode, String> {
    CricosCourseCode::parse(&r.key("CRICOS Course Code")?).map_err(|e| e.to_string())
}

/// One record, read by header text.
struct Row<'a>(&'a Record);

impl Row<'_> {
    /// The cell under `header`: exact text first, then ignoring case and spacing
    /// (a re-published CSV may differ in those).
    fn cell(&self, header: &str) -> Option<&Value> {
        self.0.get(header).or_else(|| {
            let want = squash(header);
            self.0
                .iter()
                .find(|(k, _)| squash(k) == want)
                .map(|(_, v)| v)
        })
    }

    fn text(&self, header: &str) -> Option<String> {
        let s = match self.cell(header)? {
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return None,
        };
        (!s.is_empty()).then_some(s)
    }

    fn key(&self, header: &str) -> Result<String, String> {
        self.text(header).ok_or_else(|| format!("no {header}"))
    }

    fn yes_no(&self, header: &str) -> Option<bool> {
        parse_yes_no(&self.text(header)?)
    }

    fn number(&self, header: &str) -> Option<f64> {
        parse_number(&self.text(header)?)
    }

    fn integer(&self, header: &str) -> Option<i64> {
        let n = self.number(header)?;
        (n.fract() == 0.0 && n.abs() < 9e15).then_some(n as i64)
    }

    fn cents(&self, header: &str) -> Option<i64> {
        parse_fee_cents(&self.text(header)?)
    }
}

fn squash(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// `Yes`/`No` (also `Y`/`N`, `true`/`false`), any case; anything else is `None`.
pub fn parse_yes_no(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" => Some(true),
        "no" | "n" | "false" => Some(false),
        _ => None,
    }
}

/// A plain number, thousands separators allowed (`1,200`, `52.5`).
pub fn parse_number(s: &str) -> Option<f64> {
    let t: String = s
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    let n: f64 = t.parse().ok()?;
    n.is_finite().then_some(n)
}

/// A fee as integer cents: `$10,400.00` → 1_040_000. Accepts `$`, `A$`, `AUD`,
/// separators and spaces, a leading minus, and any number of decimals (rounded half
/// away from zero to the cent). Blank or unreadable → `None`.
pub fn parse_fee_cents(s: &str) -> Option<i64> {
    let mut t: String = s
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    let negative = t.starts_with('-');
    if negative {
        t.remove(0);
    }
    let t = t
        .strip_prefix("AUD")
        .or_else(|| t.strip_prefix("A$"))
        .unwrap_or(&t);
    let t = t.strip_prefix('$').unwrap_or(t);
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && frac.is_empty() || !digits(whole) || !digits(frac) {
        return None;
    }
    let dollars: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let f = frac.as_bytes();
    let digit = |i: usize| f.get(i).map_or(0, |b| i64::from(b - b'0'));
    let round_up = i64::from(digit(2) >= 5);
    let cents = dollars
        .checked_mul(100)?
        .checked_add(digit(0) * 10 + digit(1) + round_up)?;
    Some(if negative { -cents } else { cents })
}
