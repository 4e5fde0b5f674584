-- rtopacks-db, Layer 2: CRICOS, written monthly by cricos-sync from the four CKAN datastore
-- resources of data.gov.au dataset e5ae7059-bfa8-4fa4-a5c0-c13cf3520193.
-- Columns are the CKAN headers in snake_case. The writer parses 'Yes'/'No' to 1/0 and fee
-- strings like '$10,400.00' to integer cents (*_cents), blanks to NULL.
-- deleted_at marks a row absent from the latest full refresh (the row is kept for events).

CREATE TABLE cricos_institutions (
  provider_code            TEXT PRIMARY KEY NOT NULL,  -- CRICOS Provider Code, e.g. '00001K'
  trading_name             TEXT,
  institution_name         TEXT,
  institution_type         TEXT,
  institution_capacity     INTEGER,
  website                  TEXT,
  postal_address_line_1    TEXT,
  postal_address_line_2    TEXT,
  postal_address_line_3    TEXT,
  postal_address_line_4    TEXT,
  postal_address_city      TEXT,
  postal_address_state     TEXT,
  postal_address_postcode  TEXT,
  synced_at                TEXT NOT NULL CHECK (synced_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(synced_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  deleted_at               TEXT CHECK (deleted_at IS NULL OR (deleted_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(deleted_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'))
);

CREATE TABLE cricos_courses (
  course_code                          TEXT PRIMARY KEY NOT NULL,  -- CRICOS Course Code
  provider_code                        TEXT NOT NULL,              -- CRICOS Provider Code
  institution_name                     TEXT,
  course_name                          TEXT,
  vet_national_code                    TEXT,                       -- soft link to tga_training_components.code
  dual_qualification                   INTEGER CHECK (dual_qualification IN (0, 1)),
  field_of_education_1_broad_field     TEXT,
  field_of_education_1_narrow_field    TEXT,
  field_of_education_1_detailed_field  TEXT,
  field_of_education_2_broad_field     TEXT,
  field_of_education_2_narrow_field    TEXT,
  field_of_education_2_detailed_field  TEXT,
  course_level                         TEXT,
  foundation_studies                   INTEGER CHECK (foundation_studies IN (0, 1)),
  work_component                       INTEGER CHECK (work_component IN (0, 1)),
  work_component_hours_per_week        REAL,                       -- Work Component Hours/Week
  work_component_weeks                 REAL,
  work_component_total_hours           REAL,
  course_language                      TEXT,
  duration_weeks                       REAL,                       -- Duration (Weeks)
  tuition_fee_cents                    INTEGER,                    -- Tuition Fee
  non_tuition_fee_cents                INTEGER,                    -- Non Tuition Fee
  estimated_total_course_cost_cents    INTEGER,                    -- Estimated Total Course Cost
  expired                              INTEGER CHECK (expired IN (0, 1)),
  synced_at                            TEXT NOT NULL CHECK (synced_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(synced_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  deleted_at                           TEXT CHECK (deleted_at IS NULL OR (deleted_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(deleted_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'))
);
CREATE INDEX cricos_courses_provider ON cricos_courses (provider_code);
-- "Which CRICOS courses deliver this national qualification".
CREATE INDEX cricos_courses_vet_national_code ON cricos_courses (vet_national_code) WHERE vet_national_code IS NOT NULL;

-- Locations have no id upstream; course locations refer to them by (provider, location name).
CREATE TABLE cricos_locations (
  provider_code     TEXT NOT NULL,
  location_name     TEXT NOT NULL,
  institution_name  TEXT,
  location_type     TEXT,
  address_line_1    TEXT,
  address_line_2    TEXT,
  address_line_3    TEXT,
  address_line_4    TEXT,
  city              TEXT,
  state             TEXT,
  postcode          TEXT,
  synced_at         TEXT NOT NULL CHECK (synced_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(synced_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  deleted_at        TEXT CHECK (deleted_at IS NULL OR (deleted_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(deleted_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),
  PRIMARY KEY (provider_code, location_name)
);

-- Upstream rows repeat; the key the README names is (provider, course, location name),
-- so the writer upserts and duplicates collapse.
CREATE TABLE cricos_course_locations (
  provider_code     TEXT NOT NULL,
  course_code       TEXT NOT NULL,
  location_name     TEXT NOT NULL,
  institution_name  TEXT,
  location_city     TEXT,
  location_state    TEXT,
  synced_at         TEXT NOT NULL CHECK (synced_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(synced_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  deleted_at        TEXT CHECK (deleted_at IS NULL OR (deleted_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(deleted_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),
  PRIMARY KEY (provider_code, course_code, location_name)
) WITHOUT ROWID;
CREATE INDEX cricos_course_locations_course ON cricos_course_locations (course_code);
