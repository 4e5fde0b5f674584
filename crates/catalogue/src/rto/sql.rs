//! The two statements of an RTO answer, and the rows they return.

use serde::Deserialize;

use crate::vocab::{Status, COMPONENT_STATUS_SQL, ORGANISATION_STATUS_SQL};

#[derive(Deserialize)]
pub(super) struct Base {
    pub(super) o_code: Option<String>,
    pub(super) o_legal_name: Option<String>,
    pub(super) o_trading_name: Option<String>,
    pub(super) o_status: Option<String>,
    pub(super) o_derived_status: Option<Status>,
    pub(super) o_abn: Option<String>,
    pub(super) o_acn: Option<String>,
    pub(super) o_state_code: Option<String>,
    pub(super) o_regulator: Option<String>,
    pub(super) o_reg_start: Option<String>,
    pub(super) o_reg_end: Option<String>,
    pub(super) o_reg_end_reason: Option<String>,
    pub(super) o_restrictions: Option<String>,
    pub(super) o_synced_at: Option<String>,
    pub(super) r_code: Option<String>,
    pub(super) r_legal_name: Option<String>,
    pub(super) r_trading_name: Option<String>,
    pub(super) r_status: Option<String>,
    pub(super) r_abn: Option<String>,
    pub(super) r_acn: Option<String>,
    pub(super) r_state_code: Option<String>,
    pub(super) r_regulator: Option<String>,
    pub(super) r_restricted: Option<i64>,
    pub(super) r_enriched: Option<i64>,
    pub(super) r_synced_at: Option<String>,
    pub(super) legal_names: String,
    pub(super) trading_names: String,
    pub(super) registrations: String,
    pub(super) addresses: String,
    pub(super) web_addresses: String,
    pub(super) contacts: String,
    pub(super) children_synced_at: Option<String>,
    pub(super) scope_total: i64,
    pub(super) cricos_code: Option<String>,
    pub(super) cricos_name: Option<String>,
    pub(super) cricos_trading_name: Option<String>,
    pub(super) cricos_type: Option<String>,
    pub(super) cricos_capacity: Option<i64>,
    pub(super) cricos_website: Option<String>,
    pub(super) cricos_state: Option<String>,
    pub(super) cricos_synced_at: Option<String>,
    pub(super) cricos_deleted_at: Option<String>,
    pub(super) cricos_courses: Option<i64>,
}

/// The scope filters, shared by the count and the page (?1 RTO, ?2 type, ?3 implicit,
/// ?4 lapsed).
pub(super) const SCOPE_FILTER: &str = "s.rto_code = ?1 AND (?2 IS NULL OR s.component_type = ?2)
    AND (?3 = 1 OR s.is_implicit = 0) AND (?4 = 1 OR s.is_current = 1)";

pub(super) fn base_sql() -> String {
    let child = |table: &str, cols: &str| {
        let obj = cols
            .split(',')
            .map(|c| match c.trim() {
                // Stored as JSON text: embed it as JSON, not as a string.
                "abns" => "'abns', json(abns)".to_owned(),
                c => format!("'{c}', {c}"),
            })
            .collect::<Vec<_>>()
            .join(", ");
        format!("(SELECT json_group_array(json_object({obj})) FROM {table} WHERE rto_code = ?1)")
    };
    let legal = child("rto_legal_names", "name, abns, acn, start_date, end_date");
    let trading = child("rto_trading_names", "name, start_date, end_date");
    let registrations = child(
        "rto_registrations",
        "start_date, end_date, end_reason_code, end_reason_comments, exerciser, \
         legal_authority, registration_manager_code",
    );
    let addresses = child(
        "rto_addresses",
        "address_type, line1, line2, suburb, state_code, state_overseas, postcode, \
         country_code, latitude, longitude, start_date, end_date",
    );
    let web = child("rto_web_addresses", "url, start_date, end_date");
    let contacts = child(
        "rto_contacts",
        "type_code, role_code, title, first_name, last_name, group_name, job_title, \
         organisation_name, email, phone, mobile, fax, postal_line1, postal_line2, \
         postal_suburb, postal_state_code, postal_postcode, start_date, end_date",
    );
    let org_status = ORGANISATION_STATUS_SQL;
    format!(
        "SELECT o.code AS o_code, o.legal_name AS o_legal_name, o.trading_name AS o_trading_name,
           o.status AS o_status, CASE WHEN o.code IS NULL THEN NULL ELSE {org_status} END AS o_derived_status,
           o.abn AS o_abn, o.acn AS o_acn, o.state_code AS o_state_code,
           o.registration_manager_code AS o_regulator, o.registration_start_date AS o_reg_start,
           o.registration_end_date AS o_reg_end, o.registration_end_reason_code AS o_reg_end_reason,
           o.restrictions AS o_restrictions, o.synced_at AS o_synced_at,
           r.rto_code AS r_code, r.legal_name AS r_legal_name, r.trading_name AS r_trading_name,
           r.status AS r_status, r.abn AS r_abn, r.acn AS r_acn,
           r.head_office_state_code AS r_state_code, r.registration_manager_code AS r_regulator,
           r.restricted AS r_restricted, r.enriched AS r_enriched, r.synced_at AS r_synced_at,
           {legal} AS legal_names, {trading} AS trading_names, {registrations} AS registrations,
           {addresses} AS addresses, {web} AS web_addresses, {contacts} AS contacts,
           -- The oldest child row. Scalar min() of six subqueries, not a UNION: D1 refuses
           -- compound SELECTs of more than five terms. '~' sorts after every ISO time and
           -- stands in for a table with no rows.
           nullif(min(
             coalesce((SELECT min(synced_at) FROM rto_legal_names WHERE rto_code = ?1), '~'),
             coalesce((SELECT min(synced_at) FROM rto_trading_names WHERE rto_code = ?1), '~'),
             coalesce((SELECT min(synced_at) FROM rto_registrations WHERE rto_code = ?1), '~'),
             coalesce((SELECT min(synced_at) FROM rto_addresses WHERE rto_code = ?1), '~'),
             coalesce((SELECT min(synced_at) FROM rto_web_addresses WHERE rto_code = ?1), '~'),
             coalesce((SELECT min(synced_at) FROM rto_contacts WHERE rto_code = ?1), '~')), '~')
             AS children_synced_at,
           (SELECT count(*) FROM rto_scope s WHERE {SCOPE_FILTER}) AS scope_total,
           i.provider_code AS cricos_code, i.institution_name AS cricos_name,
           i.trading_name AS cricos_trading_name, i.institution_type AS cricos_type,
           i.institution_capacity AS cricos_capacity, i.website AS cricos_website,
           i.postal_address_state AS cricos_state, i.synced_at AS cricos_synced_at,
           i.deleted_at AS cricos_deleted_at,
           (SELECT count(*) FROM cricos_courses cc
             WHERE cc.provider_code = i.provider_code AND cc.deleted_at IS NULL) AS cricos_courses
         FROM (SELECT ?1 AS code) k
         LEFT JOIN tga_organisations o ON o.code = k.code
         LEFT JOIN rtos r ON r.rto_code = k.code
         LEFT JOIN cricos_institutions i
           ON i.provider_code = COALESCE(r.cricos_provider_code, o.cricos_provider_code)"
    )
}

pub(super) fn scope_sql() -> String {
    format!(
        "SELECT s.component_code, s.component_type, c.title,
           CASE WHEN c.code IS NULL THEN NULL ELSE {COMPONENT_STATUS_SQL} END AS status,
           s.extent_code, s.is_implicit, s.is_refused, s.is_current, s.start_date, s.end_date,
           s.synced_at
         FROM rto_scope s LEFT JOIN tga_training_components c ON c.code = s.component_code
         WHERE {SCOPE_FILTER} AND s.component_code > ?5
         ORDER BY s.component_code
         LIMIT ?6"
    )
}

#[derive(Deserialize)]
pub(super) struct ScopeRow {
    pub(super) component_code: String,
    pub(super) component_type: String,
    pub(super) title: Option<String>,
    pub(super) status: Option<Status>,
    pub(super) extent_code: Option<String>,
    pub(super) is_implicit: i64,
    pub(super) is_refused: i64,
    pub(super) is_current: i64,
    pub(super) start_date: Option<String>,
    pub(super) end_date: Option<String>,
    pub(super) synced_at: String,
}

#[derive(Deserialize)]
pub(super) struct AddressRow {
    pub(super) address_type: String,
    pub(super) line1: Option<String>,
    pub(super) line2: Option<String>,
    pub(super) suburb: Option<String>,
    pub(super) state_code: Option<String>,
    pub(super) state_overseas: Option<String>,
    pub(super) postcode: Option<String>,
    pub(super) country_code: Option<String>,
    pub(super) latitude: Option<f64>,
    pub(super) longitude: Option<f64>,
    pub(super) start_date: Option<String>,
    pub(super) end_date: Option<String>,
}
