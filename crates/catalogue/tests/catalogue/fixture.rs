//! A small, realistic corpus: three training packages with a ladder of qualifications,
//! supersession chains (equivalent, not equivalent, two hops, a cycle), unit grids, RTOs
//! with enriched detail, contacts and scope, and CRICOS courses. Organisations and people
//! are fictional.

use futures::executor::block_on;
use rtopacks_store::sqlite::SqliteDb;
use rtopacks_store::{Db, Statement};

/// tga-sync's last run.
pub const TGA: &str = "2026-11-21T16:00:00Z";
/// An older TGA sync (rows not touched since).
pub const TGA_OLD: &str = "2026-11-14T16:00:00Z";
/// cricos-sync's last run.
pub const CRICOS: &str = "2026-11-01T18:00:00Z";

const CORPUS: &str = r#"
INSERT INTO tga_training_components
  (code, component_type, title, is_current, usage_recommendation, training_package_code, aqf_level,
   level_of_education_code, latest_release_number, latest_release_date, superseded_by, synced_at,
   deleted_at, delete_operation, is_confidential) VALUES
  ('BSB', 'TrainingPackage', 'Business Services Training Package', 1, 'Current', NULL, NULL, NULL, '9', '2023-08-01', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('TAE', 'TrainingPackage', 'Training and Education Training Package', 1, 'Current', NULL, NULL, NULL, '4', '2022-10-01', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('CHC', 'TrainingPackage', 'Community Services Training Package', 1, 'Current', NULL, NULL, NULL, '8', '2023-05-01', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('BSB10120', 'Qualification', 'Certificate I in Workplace Skills', 1, 'Current', 'BSB', 'Certificate I', '524', '1', '2020-06-30', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('BSB20120', 'Qualification', 'Certificate II in Workplace Skills', 1, 'Current', 'BSB', 'Certificate II', '521', '1', '2020-06-30', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('BSB30120', 'Qualification', 'Certificate III in Business', 1, 'Current', 'BSB', 'Certificate III', '514', '2', '2021-03-18', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('BSB40520', 'Qualification', 'Certificate IV in Leadership and Management', 1, 'Current', 'BSB', 'Certificate IV', '511', '1', '2020-06-30', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('BSB40920', 'Qualification', 'Certificate IV in Project Management Practice', 1, 'Current', 'BSB', NULL, NULL, '1', '2020-06-30', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('BSB41419', 'Qualification', 'Certificate IV in Work Health and Safety', 0, 'Deleted', 'BSB', 'Certificate IV', '511', '1', '2019-05-01', NULL, '2026-11-21T16:00:00Z', '2026-10-02T01:00:00Z', 'LogicalDelete', 0),
  ('BSB50420', 'Qualification', 'Diploma of Leadership and Management', 1, 'Current', 'BSB', 'Diploma', '421', '2', '2021-03-18', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('BSB51918', 'Qualification', 'Diploma of Leadership and Management', 0, 'Superseded', 'BSB', 'Diploma', '421', '3', '2019-11-01', 'BSB50420', '2026-11-14T16:00:00Z', NULL, NULL, 0),
  ('BSB51915', 'Qualification', 'Diploma of Leadership and Management', 0, 'Superseded', 'BSB', 'Diploma', '421', '1', '2015-04-01', 'BSB51918', '2026-11-14T16:00:00Z', NULL, NULL, 0),
  ('BSB60420', 'Qualification', 'Advanced Diploma of Leadership and Management', 1, 'Current', 'BSB', 'Advanced Diploma', '411', '1', '2020-06-30', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('BSB80220', 'Qualification', 'Graduate Certificate in Management (Learning)', 1, 'Current', 'BSB', 'Graduate Certificate', '213', '1', '2020-06-30', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('BSB80120', 'Qualification', 'Graduate Diploma of Management (Learning)', 1, 'Current', 'BSB', 'Graduate Diploma', '211', '1', '2020-06-30', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('BSB59999', 'Qualification', 'Diploma of Confidential Operations', 1, 'Current', 'BSB', 'Diploma', '421', '1', '2020-06-30', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 1),
  ('TAE40116', 'Qualification', 'Certificate IV in Training and Assessment', 0, 'Superseded', 'TAE', 'Certificate IV', '511', '3', '2016-02-01', 'TAE40122', '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('TAE40122', 'Qualification', 'Certificate IV in Training and Assessment', 1, 'Current', 'TAE', 'Certificate IV', '511', '2', '2022-10-01', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('CHC50121', 'Qualification', 'Diploma of Early Childhood Education and Care', 1, 'Current', 'CHC', 'Diploma', '421', '1', '2021-07-01', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('CHC50113', 'Qualification', 'Diploma of Early Childhood Education and Care', 0, 'Superseded', 'CHC', 'Diploma', '421', '4', '2017-01-01', 'CHC50121', '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('BSBOPS501', 'Unit', 'Manage business resources', 1, 'Current', 'BSB', NULL, NULL, '1', '2020-06-30', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('BSBOPS502', 'Unit', 'Manage business operational plans', 1, 'Current', 'BSB', NULL, NULL, '1', '2020-06-30', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('BSBMGT517', 'Unit', 'Manage operational plan', 0, 'Superseded', 'BSB', NULL, NULL, '1', '2016-04-01', 'BSBOPS502', '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('BSBLDR523', 'Unit', 'Lead and manage effective workplace relationships', 1, 'Current', 'BSB', NULL, NULL, '1', '2021-03-18', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('BSBWHS521', 'Unit', 'Ensure a safe workplace for a work area', 1, 'Current', 'BSB', NULL, NULL, '1', '2020-06-30', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('BSBCMM411', 'Unit', 'Make presentations', 1, 'Current', 'BSB', NULL, NULL, '1', '2020-06-30', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('BSBCYC001', 'Unit', 'Coordinate circular records', 0, 'Superseded', 'BSB', NULL, NULL, '1', '2018-01-01', 'BSBCYC002', '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('BSBCYC002', 'Unit', 'Coordinate circular registers', 0, 'Superseded', 'BSB', NULL, NULL, '1', '2018-01-01', 'BSBCYC001', '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('TAEASS502', 'Unit', 'Design and develop assessment tools', 1, 'Current', 'TAE', NULL, NULL, '2', '2022-10-01', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('BSBSS00094', 'SkillSet', 'Leadership Skill Set', 1, 'Current', 'BSB', NULL, NULL, '1', '2021-03-18', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 0),
  ('10942NAT', 'AccreditedCourse', 'Diploma of Leadership Coaching', 1, 'Current', NULL, NULL, NULL, '1', '2022-02-01', NULL, '2026-11-21T16:00:00Z', NULL, NULL, 0);

INSERT INTO tga_component_releases (code, release_number, release_date, currency, synced_at) VALUES
  ('BSB50420', '1', '2020-06-30', 'Superseded', '2026-11-21T16:00:00Z'),
  ('BSB50420', '2', '2021-03-18', 'Current', '2026-11-21T16:00:00Z'),
  ('BSB51918', '3', '2019-11-01', 'Superseded', '2026-11-14T16:00:00Z');

INSERT INTO tga_qualification_units (qualification_code, unit_code, is_essential, release_number, synced_at) VALUES
  ('BSB50420', 'BSBLDR523', 1, '2', '2026-11-21T16:00:00Z'),
  ('BSB50420', 'BSBOPS501', 1, '2', '2026-11-21T16:00:00Z'),
  ('BSB50420', 'BSBWHS521', 1, '2', '2026-11-21T16:00:00Z'),
  ('BSB50420', 'BSBCMM411', 0, '2', '2026-11-21T16:00:00Z'),
  ('BSB50420', 'BSBOPS502', 0, '2', '2026-11-21T16:00:00Z'),
  ('BSB50420', 'BSBXYZ599', 0, '2', '2026-11-21T16:00:00Z');

-- code was superseded by (maps to) mapped_code.
INSERT INTO tga_component_mappings (code, mapped_code, mapped_title, is_equivalent, notes, mapping_date, synced_at) VALUES
  ('BSB51915', 'BSB51918', 'Diploma of Leadership and Management', 1, 'Supersedes and is equivalent to BSB51915.', '2018-11-01', '2026-11-14T16:00:00Z'),
  ('BSB51918', 'BSB50420', 'Diploma of Leadership and Management', 1, 'Updated to meet Standards for Training Packages. Equivalent.', '2020-06-30', '2026-11-21T16:00:00Z'),
  ('TAE40116', 'TAE40122', 'Certificate IV in Training and Assessment', 0, 'Not equivalent: new core units and changed entry requirements.', '2022-10-01', '2026-11-21T16:00:00Z'),
  ('CHC50113', 'CHC50121', 'Diploma of Early Childhood Education and Care', 1, NULL, '2021-07-01', '2026-11-21T16:00:00Z'),
  ('BSBMGT517', 'BSBOPS502', 'Manage business operational plans', 1, 'Equivalent outcome.', '2020-06-30', '2026-11-21T16:00:00Z'),
  ('BSBCYC001', 'BSBCYC002', 'Coordinate circular registers', NULL, 'Upstream data error: a cycle.', NULL, '2026-11-21T16:00:00Z'),
  ('BSBCYC002', 'BSBCYC001', 'Coordinate circular records', NULL, NULL, NULL, '2026-11-21T16:00:00Z');

INSERT INTO qualification_statuses (code, status, previous_status, changed_at, run_id) VALUES
  ('BSB51918', 'Superseded', 'Current', '2020-07-04T16:00:00Z', 'run-2020-27'),
  ('TAE40116', 'Superseded', 'Current', '2022-10-08T16:00:00Z', 'run-2022-41');

INSERT INTO tga_organisations
  (code, legal_name, trading_name, status, is_rto, has_active_registration, registration_manager_code,
   abn, acn, state_code, registration_start_date, registration_end_date, cricos_provider_code,
   restrictions, synced_at, deleted_at, delete_operation) VALUES
  ('45329', 'Harbourside Training Pty Ltd', 'Harbourside Skills', 'Current', 1, 1, 'ASQA', '51824753556', '824753556', '01', '2019-02-01', '2026-01-31', NULL, '[]', '2026-11-21T16:00:00Z', NULL, NULL),
  ('90001', 'Kookaburra Institute Ltd', 'Kookaburra Institute', 'Current', 1, 1, 'VRQA', '12004044937', NULL, '02', '2021-07-01', '2028-06-30', '01234K', '[]', '2026-11-21T16:00:00Z', NULL, NULL),
  ('31234', 'Bluegum Community College Incorporated', NULL, 'Non-current', 1, 0, 'ASQA', NULL, NULL, '03', '2012-01-01', '2019-12-31', NULL, '[]', '2026-11-14T16:00:00Z', NULL, NULL),
  ('40001', 'Wattle Education Pty Ltd', 'Wattle Education', 'Current', 1, 1, 'ASQA', NULL, NULL, '02', '2015-01-01', '2025-01-01', NULL, NULL, '2026-11-21T16:00:00Z', '2026-09-01T00:00:00Z', 'LogicalDelete'),
  ('50505', 'Harbourside Industry Skills Council Ltd', NULL, 'Current', 0, 0, NULL, NULL, NULL, '01', NULL, NULL, NULL, NULL, '2026-11-21T16:00:00Z', NULL, NULL),
  ('22222', 'Leadership and Management Academy Pty Ltd', 'Leadership Academy', 'Current', 1, 1, 'ASQA', NULL, NULL, '05', '2020-01-01', '2027-01-01', NULL, '[{"code":"R01","restriction":"The RTO must not enrol new learners.","start_date":"2026-10-01","end_date":null}]', '2026-11-21T16:00:00Z', NULL, NULL);

INSERT INTO rtos (rto_code, legal_name, trading_name, status, abn, acn, registration_manager_code,
   registration_start_date, registration_end_date, head_office_state_code, cricos_provider_code,
   enriched, enriched_at, enriched_by, synced_at, restricted) VALUES
  ('45329', 'Harbourside Training Pty Ltd', 'Harbourside Skills', 'Current', '51824753556', '824753556', 'ASQA', '2019-02-01', '2026-01-31', '01', '03389E', 1, '2026-11-22T03:00:00Z', 'enrich_sync', '2026-11-22T03:00:00Z', 0),
  ('90001', 'Kookaburra Institute Ltd', 'Kookaburra Institute', 'Current', NULL, NULL, 'VRQA', NULL, NULL, '02', NULL, 0, NULL, NULL, '2026-11-21T16:00:00Z', 0),
  ('22222', 'Leadership and Management Academy Pty Ltd', 'Leadership Academy', 'Current', NULL, NULL, 'ASQA', NULL, NULL, '05', NULL, 0, NULL, NULL, '2026-11-21T16:00:00Z', 1);

INSERT INTO rto_legal_names (rto_code, name, abns, acn, start_date, end_date, synced_at) VALUES
  ('45329', 'Harbour Side Coaching Pty Ltd', '["11222333444"]', '222333444', '2015-03-01', '2019-01-31', '2026-11-22T03:00:00Z'),
  ('45329', 'Harbourside Training Pty Ltd', '["51824753556"]', '824753556', '2019-02-01', NULL, '2026-11-22T03:00:00Z');
INSERT INTO rto_trading_names (rto_code, name, start_date, end_date, synced_at) VALUES
  ('45329', 'Harbourside Skills', '2019-02-01', NULL, '2026-11-22T03:00:00Z');
INSERT INTO rto_web_addresses (rto_code, url, start_date, end_date, synced_at) VALUES
  ('45329', 'https://www.harbourside.example', '2019-02-01', NULL, '2026-11-22T03:00:00Z');
INSERT INTO rto_registrations (rto_code, start_date, end_date, end_reason_code, end_reason_comments, exerciser, legal_authority, registration_manager_code, synced_at) VALUES
  ('45329', '2012-02-01', '2019-01-31', NULL, NULL, 'ASQA', 'National Vocational Education and Training Regulator Act 2011', 'ASQA', '2026-11-22T03:00:00Z'),
  ('45329', '2019-02-01', '2026-01-31', NULL, NULL, 'ASQA', 'National Vocational Education and Training Regulator Act 2011', 'ASQA', '2026-11-22T03:00:00Z');
INSERT INTO rto_addresses (rto_code, address_type, address_key, line1, line2, suburb, state_code, postcode, country_code, start_date, synced_at) VALUES
  ('45329', 'head_office', '12 harbour st|level 3|sydney|01|2000|1101', '12 Harbour St', 'Level 3', 'Sydney', '01', '2000', '1101', '2019-02-01', '2026-11-22T03:00:00Z'),
  ('45329', 'delivery_location', '40 church st||parramatta|01|2150|1101', '40 Church St', NULL, 'Parramatta', '01', '2150', '1101', '2020-05-01', '2026-11-22T03:00:00Z');
INSERT INTO rto_contacts (rto_code, contact_key, type_code, role_code, title, first_name, last_name, job_title, organisation_name, email, phone, mobile, start_date, synced_at) VALUES
  ('45329', 'person|mara|okafor||mara.okafor@harbourside.example', 'Person', 'CEO', 'Dr', 'Mara', 'Okafor', 'Chief Executive Officer', 'Harbourside Training Pty Ltd', 'mara.okafor@harbourside.example', '(02) 9000 1234', '0412 000 111', '2019-02-01', '2026-11-22T03:00:00Z'),
  ('45329', 'position||||enquiries@harbourside.example', 'Position', 'PublicEnquiries', NULL, NULL, NULL, 'Student Enquiries', 'Harbourside Training Pty Ltd', 'enquiries@harbourside.example', '(02) 9000 0000', NULL, '2019-02-01', '2026-11-22T03:00:00Z'),
  ('45329', 'person|dev|patel||dev.patel@harbourside.example', 'Person', 'RegistrationEnquiries', 'Mr', 'Dev', 'Patel', 'Compliance Manager', 'Harbourside Training Pty Ltd', 'dev.patel@harbourside.example', '(02) 9000 5678', NULL, '2019-02-01', '2026-11-22T03:00:00Z');

INSERT INTO rto_scope (rto_code, component_code, component_type, is_implicit, is_refused, extent_code, start_date, end_date, is_current, synced_at) VALUES
  ('45329', 'BSB50420', 'Qualification', 0, 0, '01', '2020-09-01', '2026-01-31', 1, '2026-11-22T03:00:00Z'),
  ('45329', 'BSB51918', 'Qualification', 0, 0, '01', '2019-02-01', '2026-01-31', 1, '2026-11-22T03:00:00Z'),
  ('45329', 'TAE40116', 'Qualification', 0, 0, '02', '2019-02-01', '2026-01-31', 1, '2026-11-22T03:00:00Z'),
  ('45329', 'BSB40520', 'Qualification', 0, 0, '01', '2019-02-01', '2023-06-30', 0, '2026-11-22T03:00:00Z'),
  ('45329', 'BSBCMM411', 'Unit', 0, 0, '01', '2020-09-01', '2026-01-31', 1, '2026-11-22T03:00:00Z'),
  ('45329', 'BSBOPS501', 'Unit', 1, 0, '01', '2020-09-01', '2026-01-31', 1, '2026-11-22T03:00:00Z'),
  ('45329', 'BSBMGT517', 'Unit', 0, 0, '01', '2019-02-01', '2026-01-31', 1, '2026-11-22T03:00:00Z'),
  ('90001', 'BSB50420', 'Qualification', 0, 0, '01', '2021-07-01', '2028-06-30', 1, '2026-11-21T16:00:00Z'),
  ('90001', 'BSB51918', 'Qualification', 0, 0, '01', '2021-07-01', '2028-06-30', 1, '2026-11-21T16:00:00Z'),
  ('90001', 'TAE40116', 'Qualification', 0, 0, '01', '2021-07-01', '2028-06-30', 1, '2026-11-21T16:00:00Z'),
  ('90001', 'TAE40122', 'Qualification', 0, 0, '01', '2022-11-01', '2028-06-30', 1, '2026-11-21T16:00:00Z'),
  ('90001', 'CHC50121', 'Qualification', 0, 0, '01', '2021-07-01', '2028-06-30', 1, '2026-11-21T16:00:00Z'),
  ('90001', 'BSBMGT517', 'Unit', 0, 1, '01', '2021-07-01', '2028-06-30', 1, '2026-11-21T16:00:00Z'),
  ('31234', 'BSB51918', 'Qualification', 0, 0, '01', '2012-01-01', '2019-12-31', 0, '2026-11-14T16:00:00Z');

INSERT INTO cricos_institutions (provider_code, trading_name, institution_name, institution_type, institution_capacity, website, postal_address_state, synced_at) VALUES
  ('03389E', 'Harbourside Skills', 'Harbourside Training Pty Ltd', 'Private', 350, 'www.harbourside.example', 'NSW', '2026-11-01T18:00:00Z'),
  ('01234K', 'Kookaburra Institute', 'Kookaburra Institute Ltd', 'Private', 900, 'www.kookaburra.example', 'VIC', '2026-11-01T18:00:00Z');
INSERT INTO cricos_courses (course_code, provider_code, institution_name, course_name, vet_national_code, dual_qualification, course_level, duration_weeks, tuition_fee_cents, non_tuition_fee_cents, estimated_total_course_cost_cents, course_language, expired, synced_at, deleted_at) VALUES
  ('099367G', '03389E', 'Harbourside Training Pty Ltd', 'Diploma of Leadership and Management', 'BSB50420', 0, 'Diploma', 52, 1040000, 25000, 1065000, 'English', 0, '2026-11-01T18:00:00Z', NULL),
  ('101234A', '01234K', 'Kookaburra Institute Ltd', 'Diploma of Leadership and Management', 'BSB50420', 0, 'Diploma', 78, 1450000, 0, 1450000, 'English', 0, '2026-11-01T18:00:00Z', NULL),
  ('088888B', '03389E', 'Harbourside Training Pty Ltd', 'Diploma of Leadership and Management', 'BSB51918', 0, 'Diploma', 52, 990000, 0, 990000, 'English', 1, '2026-11-01T18:00:00Z', NULL),
  ('077777C', '01234K', 'Kookaburra Institute Ltd', 'Diploma of Leadership and Management (withdrawn)', 'BSB50420', 0, 'Diploma', 52, 900000, 0, 900000, 'English', 0, '2026-11-01T18:00:00Z', '2026-11-01T18:00:00Z');
INSERT INTO cricos_course_locations (provider_code, course_code, location_name, institution_name, location_city, location_state, synced_at) VALUES
  ('03389E', '099367G', 'Sydney Campus', 'Harbourside Training Pty Ltd', 'Sydney', 'NSW', '2026-11-01T18:00:00Z'),
  ('03389E', '099367G', 'Parramatta Campus', 'Harbourside Training Pty Ltd', 'Parramatta', 'NSW', '2026-11-01T18:00:00Z'),
  ('01234K', '101234A', 'Melbourne CBD', 'Kookaburra Institute Ltd', 'Melbourne', 'VIC', '2026-11-01T18:00:00Z');

-- Two weekly snapshots (tga-sync's write_snapshot): the newer one is the corpus at a glance.
INSERT INTO tga_snapshots (run_id, snapshot_at, organisations, current_rtos, qualifications, units, skill_sets, accredited_courses, detail) VALUES
  ('tga_sync-2026-11-14', '2026-11-14T18:00:00Z', 5, 3, 12, 8, 1, 1, '{"stats":{"training_packages":3,"enriched_rtos":0,"cricos_institutions":2,"cricos_courses":3}}'),
  ('tga_sync-2026-11-21', '2026-11-21T18:00:00Z', 6, 4, 14, 9, 1, 1, '{"stats":{"training_packages":3,"enriched_rtos":3,"cricos_institutions":2,"cricos_courses":3}}');
"#;

/// The corpus above in a migrated `rtopacks-db`.
pub fn db() -> SqliteDb {
    let db = SqliteDb::migrated("rtopacks-db").unwrap();
    db.connection().execute_batch(CORPUS).unwrap();
    db
}

/// `n` current units sharing the word "risk" (the first 30 with one identical title, so
/// ranking ties are broken by code), for pagination.
pub fn add_risk_units(db: &SqliteDb, n: usize) -> Vec<String> {
    let mut codes = Vec::new();
    for i in 0..n {
        let code = format!("BSBRSK{:03}", 500 + i);
        let title = if i < 30 {
            "Manage workplace risk".to_owned()
        } else {
            format!(
                "Manage risk in {} operations number {i}",
                ["retail", "field", "office"][i % 3]
            )
        };
        block_on(
            db.run(
                Statement::new(
                    "INSERT INTO tga_training_components (code, component_type, title, is_current,
                   usage_recommendation, training_package_code, synced_at)
                 VALUES (?1, 'Unit', ?2, 1, 'Current', 'BSB', ?3)",
                )
                .bind(code.as_str())
                .bind(title)
                .bind(TGA),
            ),
        )
        .unwrap();
        codes.push(code);
    }
    codes
}

/// `n` more current RTOs with BSB50420 on scope, codes 60001, 60002, ...
pub fn add_rtos_offering_bsb50420(db: &SqliteDb, n: usize) -> Vec<String> {
    let mut codes = Vec::new();
    for i in 1..=n {
        let code = format!("{}", 60000 + i);
        block_on(db.batch(vec![
            Statement::new(
                "INSERT INTO tga_organisations (code, legal_name, status, is_rto,
                   has_active_registration, state_code, synced_at)
                 VALUES (?1, ?2, 'Current', 1, 1, '04', ?3)",
            )
            .bind(code.as_str())
            .bind(format!("Adelaide Skills Collective {i} Pty Ltd"))
            .bind(TGA),
            Statement::new(
                "INSERT INTO rto_scope (rto_code, component_code, component_type, extent_code,
                   is_current, synced_at)
                 VALUES (?1, 'BSB50420', 'Qualification', '01', 1, ?2)",
            )
            .bind(code.as_str())
            .bind(TGA),
        ]))
        .unwrap();
        codes.push(code);
    }
    codes
}

/// Run a catalogue future to completion (the SQLite backend never yields).
pub fn run<F: std::future::Future>(f: F) -> F::Output {
    block_on(f)
}
