//! CRICOS rows as the four data.gov.au resources publish them, typed: flags as bools,
//! fees as integer cents, blanks as `None`. Field names are the CKAN headers in
//! snake_case, the same as the `rtopacks-db` column names, so a row serialises straight
//! into the store's bulk upsert.

use serde::{Deserialize, Serialize};

use crate::codes::{CricosCourseCode, CricosProviderCode};

/// Institutions resource: one row per CRICOS provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Institution {
    pub provider_code: CricosProviderCode,
    pub trading_name: Option<String>,
    pub institution_name: Option<String>,
    pub institution_type: Option<String>,
    pub institution_capacity: Option<i64>,
    pub website: Option<String>,
    pub postal_address_line_1: Option<String>,
    pub postal_address_line_2: Option<String>,
    pub postal_address_line_3: Option<String>,
    pub postal_address_line_4: Option<String>,
    pub postal_address_city: Option<String>,
    pub postal_address_state: Option<String>,
    pub postal_address_postcode: Option<String>,
}

/// Courses resource: one row per CRICOS course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Course {
    pub course_code: CricosCourseCode,
    pub provider_code: CricosProviderCode,
    pub institution_name: Option<String>,
    pub course_name: Option<String>,
    /// The TGA national code (soft link to the training components), when a VET course.
    pub vet_national_code: Option<String>,
    pub dual_qualification: Option<bool>,
    pub field_of_education_1_broad_field: Option<String>,
    pub field_of_education_1_narrow_field: Option<String>,
    pub field_of_education_1_detailed_field: Option<String>,
    pub field_of_education_2_broad_field: Option<String>,
    pub field_of_education_2_narrow_field: Option<String>,
    pub field_of_education_2_detailed_field: Option<String>,
    pub course_level: Option<String>,
    pub foundation_studies: Option<bool>,
    pub work_component: Option<bool>,
    pub work_component_hours_per_week: Option<f64>,
    pub work_component_weeks: Option<f64>,
    pub work_component_total_hours: Option<f64>,
    pub course_language: Option<String>,
    pub duration_weeks: Option<f64>,
    pub tuition_fee_cents: Option<i64>,
    pub non_tuition_fee_cents: Option<i64>,
    pub estimated_total_course_cost_cents: Option<i64>,
    pub expired: Option<bool>,
}

/// Locations resource: a provider's campus, keyed by (provider, location name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub provider_code: CricosProviderCode,
    pub location_name: String,
    pub institution_name: Option<String>,
    pub location_type: Option<String>,
    pub address_line_1: Option<String>,
    pub address_line_2: Option<String>,
    pub address_line_3: Option<String>,
    pub address_line_4: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postcode: Option<String>,
}

/// Course Locations resource: where a course is delivered. Upstream repeats rows; the
/// key is (provider, course, location name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourseLocation {
    pub provider_code: CricosProviderCode,
    pub course_code: CricosCourseCode,
    pub location_name: String,
    pub institution_name: Option<String>,
    pub location_city: Option<String>,
    pub location_state: Option<String>,
}
