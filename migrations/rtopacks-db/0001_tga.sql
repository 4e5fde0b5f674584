-- rtopacks-db (binding alias rto-nrt-db), Layer 1: the raw TGA corpus, written by tga-sync.
--
-- Conventions for every file in this folder:
--   * Timestamps (*_at) are TEXT, ISO 8601 UTC with 'T' and 'Z' (2026-11-24T10:00:00Z), bound
--     from code. The GLOB checks reject SQLite datetime('now') output ('2026-11-24 10:00:00'),
--     whose space sorts below 'T' and breaks text comparison (the watchdog lex gotcha).
--     Each check is two short GLOBs because D1 rejects LIKE/GLOB patterns over 50 bytes
--     at run time (the single 77-byte pattern creates fine, then fails every INSERT).
--   * Upstream calendar dates without a time (xs:date) are TEXT 'YYYY-MM-DD' in *_date columns.
--   * Upstream DateTimeOffset values (CreatedDate, UpdatedDate, deletion dates) are converted to
--     UTC and stored as timestamps (upstream_created_at, upstream_updated_at, deleted_at).
--   * Booleans are INTEGER 0/1.
--   * No FOREIGN KEY clauses: D1 enforces declared foreign keys while native SQLite tests do not,
--     and sync phases write parents and children in whatever order pages arrive. References
--     are soft and named in comments.
--   * No FTS5 here: wrangler d1 export refuses databases holding virtual tables, and this
--     corpus is the one database whose export must always work.
--   * Column names follow the XSDs in upstream/tga-wsdl, in snake_case.

-- One row per organisation (Organisation / Rto in OrganisationService.xsd), ~12,500 rows.
-- Freshness metric for the observatory: max(synced_at).
CREATE TABLE tga_organisations (
  code                         TEXT PRIMARY KEY NOT NULL,  -- OrganisationCode.Code, e.g. '45329'
  legal_name                   TEXT,                       -- LegalPersonName / current ResponsibleLegalPerson.Name
  trading_name                 TEXT,                       -- current TradingName.Name
  status                       TEXT,                       -- upstream status name as published (e.g. 'Current')
  is_rto                       INTEGER CHECK (is_rto IN (0, 1)),       -- details came back as xsi:type Rto, not a plain Organisation
  has_active_registration      INTEGER CHECK (has_active_registration IN (0, 1)),    -- OrganisationSearchResultItem.HasActiveRegistration
  data_manager_code            TEXT,                       -- DataManagerCode
  registration_manager_code    TEXT,                       -- current RegistrationManagerAssignment.Code (the regulator)
  organisation_type_code       TEXT,                       -- ValueCode of the organisation-type Classification
  classifications              TEXT CHECK (classifications IS NULL OR json_valid(classifications)), -- all Classifications [{PurposeCode, SchemeCode, ValueCode, StartDate, EndDate}]
  abn                          TEXT,                       -- first of ResponsibleLegalPerson.Abns
  acn                          TEXT,                       -- ResponsibleLegalPerson.Acn
  state_code                   TEXT,                       -- head-office Address.StateCode (jurisdiction)
  registration_start_date      TEXT CHECK (registration_start_date IS NULL OR registration_start_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),  -- latest RegistrationPeriod.StartDate
  registration_end_date        TEXT CHECK (registration_end_date IS NULL OR registration_end_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),    -- latest RegistrationPeriod.EndDate
  registration_end_reason_code TEXT,                       -- RegistrationPeriod.EndReasonCode
  cricos_provider_code         TEXT,                       -- soft link to cricos_institutions.provider_code
  upstream_created_at          TEXT CHECK (upstream_created_at IS NULL OR (upstream_created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(upstream_created_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),  -- CreatedDate
  upstream_updated_at          TEXT CHECK (upstream_updated_at IS NULL OR (upstream_updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(upstream_updated_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),  -- UpdatedDate (drives the SearchByModifiedDate delta)
  synced_at                    TEXT NOT NULL CHECK (synced_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(synced_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  -- Tombstone from SearchDeletedByDeletedDate: the row stays, so history and events keep their subject.
  deleted_at                   TEXT CHECK (deleted_at IS NULL OR (deleted_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(deleted_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),          -- DeletedOrganisation.UpdatedDate
  delete_operation             TEXT CHECK (delete_operation IS NULL OR delete_operation IN ('PhysicalDelete', 'LogicalDelete')),
  CHECK ((deleted_at IS NULL) = (delete_operation IS NULL))
);
CREATE INDEX tga_organisations_status ON tga_organisations (status);
CREATE INDEX tga_organisations_synced_at ON tga_organisations (synced_at);
CREATE INDEX tga_organisations_cricos ON tga_organisations (cricos_provider_code) WHERE cricos_provider_code IS NOT NULL;

-- Qualifications, units, skill sets, packages, accredited courses (TrainingComponentSummary +
-- TrainingComponent details), ~85,000 rows.
CREATE TABLE tga_training_components (
  code                     TEXT PRIMARY KEY NOT NULL,   -- e.g. 'BSB50420', 'BSBOPS501', 'BSB'
  component_type           TEXT NOT NULL CHECK (component_type IN ('AccreditedCourse', 'Qualification', 'Unit', 'SkillSet', 'UnitContextualisation', 'TrainingPackage', 'AccreditedCourseModule')),  -- ComponentType, upstream spelling
  title                    TEXT NOT NULL,
  is_current               INTEGER NOT NULL CHECK (is_current IN (0, 1)),
  -- Upstream element is UsageReccomendation (sic); the value is the latest UsageRecommendation.State.
  usage_recommendation     TEXT CHECK (usage_recommendation IS NULL OR usage_recommendation IN ('Unknown', 'Current', 'Superseded', 'Deleted')),
  is_confidential          INTEGER NOT NULL DEFAULT 0 CHECK (is_confidential IN (0, 1)),
  training_package_code    TEXT,                        -- ParentCode (NULL for packages and accredited courses)
  aqf_level                TEXT,                        -- AQF level name, e.g. 'Certificate IV' (qualifications only)
  level_of_education_code  TEXT,                        -- Classification scheme 05 ValueCode
  anzsco_code              TEXT,                        -- Classification scheme 01 ValueCode
  asced_field_code         TEXT,                        -- Classification scheme 04 ValueCode
  latest_release_number    TEXT,
  latest_release_date      TEXT CHECK (latest_release_date IS NULL OR latest_release_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  currency_status          TEXT,                        -- latest Release.Currency / CurrencyStatus (V12+)
  -- Denormalised head of the supersession chain, derived by the writer from
  -- tga_component_mappings so "what replaced X" is one indexed lookup.
  superseded_by            TEXT,
  upstream_created_at      TEXT CHECK (upstream_created_at IS NULL OR (upstream_created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(upstream_created_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),
  upstream_updated_at      TEXT CHECK (upstream_updated_at IS NULL OR (upstream_updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(upstream_updated_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),
  synced_at                TEXT NOT NULL CHECK (synced_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(synced_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  refreshed_at             TEXT CHECK (refreshed_at IS NULL OR (refreshed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(refreshed_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),         -- last GetDetails by the rotating training_refresh (NULL = never)
  deleted_at               TEXT CHECK (deleted_at IS NULL OR (deleted_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(deleted_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),           -- DeletedTrainingComponent.UpdatedDate
  delete_operation         TEXT CHECK (delete_operation IS NULL OR delete_operation IN ('PhysicalDelete', 'LogicalDelete')),
  CHECK ((deleted_at IS NULL) = (delete_operation IS NULL))
);
CREATE INDEX tga_training_components_type_current ON tga_training_components (component_type, is_current);
CREATE INDEX tga_training_components_package ON tga_training_components (training_package_code);
CREATE INDEX tga_training_components_superseded_by ON tga_training_components (superseded_by) WHERE superseded_by IS NOT NULL;
-- training_refresh walks the stalest rows first (NULLs sort first).
CREATE INDEX tga_training_components_refreshed_at ON tga_training_components (refreshed_at);

-- MappingInformation rows of a component (the supersession chain). `code` is the component
-- whose details carried the mapping, `mapped_code` its MapsToCode.
-- WITHOUT ROWID: small rows looked up by their natural key only.
CREATE TABLE tga_component_mappings (
  code           TEXT NOT NULL,
  mapped_code    TEXT NOT NULL,
  mapped_title   TEXT,                              -- MapsToTitle
  is_equivalent  INTEGER CHECK (is_equivalent IN (0, 1)),       -- IsEquivalent: E = 1, N = 0
  notes          TEXT,
  mapping_date   TEXT CHECK (mapping_date IS NULL OR mapping_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),           -- REST mappingInformation.date, when present
  synced_at      TEXT NOT NULL CHECK (synced_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(synced_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  PRIMARY KEY (code, mapped_code)
) WITHOUT ROWID;
CREATE INDEX tga_component_mappings_mapped ON tga_component_mappings (mapped_code, code);

-- Releases of a component (Release in TrainingComponentService.xsd).
CREATE TABLE tga_component_releases (
  code            TEXT NOT NULL,
  release_number  TEXT NOT NULL,                    -- ReleaseNumber, e.g. '1', '2'
  release_date    TEXT CHECK (release_date IS NULL OR release_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  currency        TEXT,                             -- Release.Currency
  synced_at       TEXT NOT NULL CHECK (synced_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(synced_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  PRIMARY KEY (code, release_number)
) WITHOUT ROWID;

-- Unit grid of a qualification (also used for any component with a UnitGrid, e.g. skill sets).
CREATE TABLE tga_qualification_units (
  qualification_code  TEXT NOT NULL,
  unit_code           TEXT NOT NULL,
  is_essential        INTEGER NOT NULL CHECK (is_essential IN (0, 1)),  -- UnitGridEntry.IsEssential: 1 = core, 0 = elective
  release_number      TEXT,                                  -- release of the qualification the grid came from
  synced_at           TEXT NOT NULL CHECK (synced_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(synced_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  PRIMARY KEY (qualification_code, unit_code)
) WITHOUT ROWID;
-- "Which qualifications use this unit": the reverse of the primary key.
CREATE INDEX tga_qualification_units_unit ON tga_qualification_units (unit_code, qualification_code);

-- Sweep-driven status deltas: the current status of each code and its last change.
CREATE TABLE qualification_statuses (
  code             TEXT PRIMARY KEY NOT NULL,
  status           TEXT NOT NULL,
  previous_status  TEXT,
  changed_at       TEXT NOT NULL CHECK (changed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(changed_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  run_id           TEXT                                      -- soft link to ops-db sync_runs.run_id
);
CREATE INDEX qualification_statuses_changed_at ON qualification_statuses (changed_at);

CREATE TABLE org_statuses (
  code             TEXT PRIMARY KEY NOT NULL,
  status           TEXT NOT NULL,
  previous_status  TEXT,
  changed_at       TEXT NOT NULL CHECK (changed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(changed_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  run_id           TEXT
);
CREATE INDEX org_statuses_changed_at ON org_statuses (changed_at);

-- Corpus counts per snapshot (write_snapshot phase, stats-cache). One row per run, so a
-- retried write_snapshot upserts instead of duplicating.
CREATE TABLE tga_snapshots (
  id                  INTEGER PRIMARY KEY,
  run_id              TEXT,
  snapshot_at         TEXT NOT NULL CHECK (snapshot_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(snapshot_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  organisations       INTEGER CHECK (organisations IS NULL OR organisations >= 0),
  current_rtos        INTEGER CHECK (current_rtos IS NULL OR current_rtos >= 0),
  qualifications      INTEGER CHECK (qualifications IS NULL OR qualifications >= 0),
  units               INTEGER CHECK (units IS NULL OR units >= 0),
  skill_sets          INTEGER CHECK (skill_sets IS NULL OR skill_sets >= 0),
  accredited_courses  INTEGER CHECK (accredited_courses IS NULL OR accredited_courses >= 0),
  detail              TEXT CHECK (detail IS NULL OR json_valid(detail))
);
CREATE UNIQUE INDEX tga_snapshots_run_id ON tga_snapshots (run_id);
CREATE INDEX tga_snapshots_snapshot_at ON tga_snapshots (snapshot_at);
