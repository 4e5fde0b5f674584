//! The CRICOS layer of `rtopacks-db` (institutions, courses, locations, course-locations)
//! and the `ops-db` record of what each CKAN resource looked like last time.
//!
//! Rows disappear softly: a row not seen in a complete ingest gets `deleted_at`, and one
//! that comes back has it cleared by the upsert. Nothing is hard-deleted, so a short
//! upstream answer can never erase the layer.

use serde::Deserialize;

use crate::bulk::Upsert;
use crate::{Db, Statement, StoreError};

const TS: [&str; 2] = ["synced_at", "deleted_at"];

macro_rules! cols {
    ($($c:literal),* $(,)?) => { &[$($c,)* TS[0], TS[1]] };
}

/// One CRICOS table: how rows are written and how they are named in events.
#[derive(Debug, Clone, Copy)]
pub struct CricosTable {
    pub upsert: Upsert,
    /// The single-column code events are keyed on (institutions and courses); the
    /// link tables have composite keys and raise no events of their own.
    pub code_column: Option<&'static str>,
    pub name_column: Option<&'static str>,
}

pub const INSTITUTIONS: CricosTable = CricosTable {
    upsert: Upsert {
        table: "cricos_institutions",
        columns: cols!(
            "provider_code",
            "trading_name",
            "institution_name",
            "institution_type",
            "institution_capacity",
            "website",
            "postal_address_line_1",
            "postal_address_line_2",
            "postal_address_line_3",
            "postal_address_line_4",
            "postal_address_city",
            "postal_address_state",
            "postal_address_postcode",
        ),
        key: &["provider_code"],
    },
    code_column: Some("provider_code"),
    name_column: Some("institution_name"),
};

pub const COURSES: CricosTable = CricosTable {
    upsert: Upsert {
        table: "cricos_courses",
        columns: cols!(
            "course_code",
            "provider_code",
            "institution_name",
            "course_name",
            "vet_national_code",
            "dual_qualification",
            "field_of_education_1_broad_field",
            "field_of_education_1_narrow_field",
            "field_of_education_1_detailed_field",
            "field_of_education_2_broad_field",
            "field_of_education_2_narrow_field",
            "field_of_education_2_detailed_field",
            "course_level",
            "foundation_studies",
            "work_component",
            "work_component_hours_per_week",
            "work_component_weeks",
            "work_component_total_hours",
            "course_language",
            "duration_weeks",
            "tuition_fee_cents",
            "non_tuition_fee_cents",
            "estimated_total_course_cost_cents",
            "expired",
        ),
        key: &["course_code"],
    },
    code_column: Some("course_code"),
    name_column: Some("course_name"),
};

pub const LOCATIONS: CricosTable = CricosTable {
    upsert: Upsert {
        table: "cricos_locations",
        columns: cols!(
            "provider_code",
            "location_name",
            "institution_name",
            "location_type",
            "address_line_1",
            "address_line_2",
            "address_line_3",
            "address_line_4",
            "city",
            "state",
            "postcode",
        ),
        key: &["provider_code", "location_name"],
    },
    code_column: None,
    name_column: None,
};

pub const COURSE_LOCATIONS: CricosTable = CricosTable {
    upsert: Upsert {
        table: "cricos_course_locations",
        columns: cols!(
            "provider_code",
            "course_code",
            "location_name",
            "institution_name",
            "location_city",
            "location_state"
        ),
        key: &["provider_code", "course_code", "location_name"],
    },
    code_column: None,
    name_column: None,
};

/// Rows present (not soft-deleted): SENTINEL-02's baseline and end total.
pub async fn live_count(db: &impl Db, t: &CricosTable) -> Result<i64, StoreError> {
    let sql = format!(
        "SELECT count(*) AS n FROM {} WHERE deleted_at IS NULL",
        t.upsert.table
    );
    crate::count(db, Statement::new(sql)).await
}

/// Which of `codes` the table already holds live (to tell new rows from updates).
pub async fn known_codes(
    db: &impl Db,
    t: &CricosTable,
    codes: &[&str],
) -> Result<Vec<String>, StoreError> {
    let Some(col) = t.code_column else {
        return Ok(Vec::new());
    };
    #[derive(Deserialize)]
    struct C {
        code: String,
    }
    let sql = format!(
        "SELECT {col} AS code FROM {} WHERE deleted_at IS NULL AND {col} IN (SELECT value FROM json_each(?1))",
        t.upsert.table
    );
    let rows: Vec<C> = db
        .all(Statement::new(sql).bind(serde_json::to_string(codes).unwrap_or_default()))
        .await?;
    Ok(rows.into_iter().map(|c| c.code).collect())
}

/// A row not seen by an ingest that started at `run_start`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Gone {
    pub code: String,
    pub name: Option<String>,
}

/// Live rows not refreshed since `run_start` (at most `limit`, for events).
pub async fn not_seen_since(
    db: &impl Db,
    t: &CricosTable,
    run_start: &str,
    limit: i64,
) -> Result<Vec<Gone>, StoreError> {
    let (Some(code), Some(name)) = (t.code_column, t.name_column) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT {code} AS code, {name} AS name FROM {} WHERE deleted_at IS NULL AND synced_at < ?1 ORDER BY {code} LIMIT ?2",
        t.upsert.table
    );
    db.all(Statement::new(sql).bind(run_start).bind(limit))
        .await
}

/// Soft-delete every live row not refreshed since `run_start`.
pub fn mark_not_seen_deleted(t: &CricosTable, run_start: &str, now: &str) -> Statement {
    Statement::new(format!(
        "UPDATE {} SET deleted_at = ?2 WHERE deleted_at IS NULL AND synced_at < ?1",
        t.upsert.table
    ))
    .bind(run_start)
    .bind(now)
}
