-- rtopacks-db, Layer 3: enriched RTO detail, written by tga-ingest (on demand, per visited
-- rto_code) and enrich-sync (rotating sweep). Soft links: ops-db rto_clients.rto_code and
-- engine-db-oc orgs.rto_code point here (two queries in internal-api, no cross-DB keys).
--
-- Idempotent upserts: every child table is keyed by rto_code plus a natural key taken from
-- the upstream record, so replaying an RTO's detail updates rows in place (ON CONFLICT ...
-- DO UPDATE) instead of duplicating them. Rows a full re-ingest did not touch (synced_at
-- older than that ingest) are deleted in the same batch. Where upstream has no identifier
-- (contacts, addresses) the writer derives a key from the identifying fields, which also
-- keeps writer-added data such as geocodes attached to an unchanged address.

CREATE TABLE rtos (
  rto_code                   TEXT PRIMARY KEY NOT NULL,
  legal_name                 TEXT,
  trading_name               TEXT,                     -- current primary trading name
  status                     TEXT,
  abn                        TEXT,
  acn                        TEXT,
  registration_manager_code  TEXT,
  registration_start_date    TEXT CHECK (registration_start_date IS NULL OR registration_start_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  registration_end_date      TEXT CHECK (registration_end_date IS NULL OR registration_end_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  head_office_state_code     TEXT,
  cricos_provider_code       TEXT,
  upstream_updated_at        TEXT CHECK (upstream_updated_at IS NULL OR (upstream_updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(upstream_updated_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),
  enriched                   INTEGER NOT NULL DEFAULT 0 CHECK (enriched IN (0, 1)),
  enriched_at                TEXT CHECK (enriched_at IS NULL OR (enriched_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(enriched_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),
  enriched_by                TEXT,                     -- 'tga_ingest', 'enrich_sync', 'backfill'
  synced_at                  TEXT NOT NULL CHECK (synced_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(synced_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  CHECK (enriched = 0 OR enriched_at IS NOT NULL)
);
CREATE INDEX rtos_status ON rtos (status);
-- enrich-sync walks never-enriched rows first (NULLs sort first), then the stalest.
CREATE INDEX rtos_enriched_at ON rtos (enriched_at);

-- Contact in OrganisationService.xsd. contact_key: lower-cased
-- 'type_code|first_name|last_name|group_name|email', built by the writer.
CREATE TABLE rto_contacts (
  rto_code             TEXT NOT NULL,
  contact_key          TEXT NOT NULL,
  type_code            TEXT,                          -- TypeCode
  role_code            TEXT,                          -- RoleCode
  title                TEXT,
  first_name           TEXT,
  last_name            TEXT,
  group_name           TEXT,
  job_title            TEXT,
  organisation_name    TEXT,
  email                TEXT,
  phone                TEXT,
  mobile               TEXT,
  fax                  TEXT,
  postal_line1         TEXT,                          -- PostalAddress
  postal_line2         TEXT,
  postal_suburb        TEXT,
  postal_state_code    TEXT,
  postal_postcode      TEXT,
  postal_country_code  TEXT,
  start_date           TEXT CHECK (start_date IS NULL OR start_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  end_date             TEXT CHECK (end_date IS NULL OR end_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  synced_at            TEXT NOT NULL CHECK (synced_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(synced_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  PRIMARY KEY (rto_code, contact_key)
);

-- OrganisationLocation.Address plus the REST addressType. address_key: lower-cased
-- 'line1|line2|suburb|state_code|postcode|country_code', built by the writer.
CREATE TABLE rto_addresses (
  rto_code        TEXT NOT NULL,
  address_type    TEXT NOT NULL CHECK (address_type IN ('head_office', 'postal', 'delivery_location')),
  address_key     TEXT NOT NULL,
  line1           TEXT,
  line2           TEXT,
  suburb          TEXT,
  state_code      TEXT,
  state_overseas  TEXT,
  postcode        TEXT,
  country_code    TEXT,
  latitude        REAL,                               -- written by rtopacks-geocoder
  longitude       REAL,
  geocoded_at     TEXT CHECK (geocoded_at IS NULL OR (geocoded_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(geocoded_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),
  start_date      TEXT CHECK (start_date IS NULL OR start_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  end_date        TEXT CHECK (end_date IS NULL OR end_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  synced_at       TEXT NOT NULL CHECK (synced_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(synced_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  PRIMARY KEY (rto_code, address_type, address_key)
);
CREATE INDEX rto_addresses_state_postcode ON rto_addresses (state_code, postcode);

CREATE TABLE rto_trading_names (
  rto_code    TEXT NOT NULL,
  name        TEXT NOT NULL,                          -- TradingName.Name
  start_date  TEXT CHECK (start_date IS NULL OR start_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  end_date    TEXT CHECK (end_date IS NULL OR end_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  synced_at   TEXT NOT NULL CHECK (synced_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(synced_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  PRIMARY KEY (rto_code, name)
);

CREATE TABLE rto_web_addresses (
  rto_code    TEXT NOT NULL,
  url         TEXT NOT NULL,                          -- Url.Link
  start_date  TEXT CHECK (start_date IS NULL OR start_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  end_date    TEXT CHECK (end_date IS NULL OR end_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  synced_at   TEXT NOT NULL CHECK (synced_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(synced_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  PRIMARY KEY (rto_code, url)
);

-- ResponsibleLegalPerson history.
CREATE TABLE rto_legal_names (
  rto_code    TEXT NOT NULL,
  name        TEXT NOT NULL,
  abns        TEXT CHECK (abns IS NULL OR json_valid(abns)),                        -- Abns, a JSON array of strings
  acn         TEXT,
  start_date  TEXT CHECK (start_date IS NULL OR start_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  end_date    TEXT CHECK (end_date IS NULL OR end_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  synced_at   TEXT NOT NULL CHECK (synced_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(synced_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  PRIMARY KEY (rto_code, name)
);

-- RegistrationPeriod: a period is identified by its start.
CREATE TABLE rto_registrations (
  rto_code                   TEXT NOT NULL,
  start_date                 TEXT NOT NULL CHECK (start_date IS NULL OR start_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  end_date                   TEXT CHECK (end_date IS NULL OR end_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  end_reason_code            TEXT,
  end_reason_comments        TEXT,
  exerciser                  TEXT,
  legal_authority            TEXT,
  registration_manager_code  TEXT,
  synced_at                  TEXT NOT NULL CHECK (synced_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(synced_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  PRIMARY KEY (rto_code, start_date)
);

CREATE TABLE rto_classifications (
  rto_code      TEXT NOT NULL,
  scheme_code   TEXT NOT NULL,                        -- SchemeCode
  value_code    TEXT NOT NULL,                        -- ValueCode
  purpose_code  TEXT,                                 -- PurposeCode
  start_date    TEXT CHECK (start_date IS NULL OR start_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  end_date      TEXT CHECK (end_date IS NULL OR end_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  synced_at     TEXT NOT NULL CHECK (synced_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(synced_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  PRIMARY KEY (rto_code, scheme_code, value_code)
);

-- Scope (Scope in OrganisationService.xsd), ~6.2M rows: the largest table in the corpus.
-- WITHOUT ROWID stores each row once, inside the (rto_code, component_code) key b-tree,
-- instead of a rowid table plus an automatic unique index repeating both key columns for
-- every row: fewer pages to write and store, and an RTO's whole scope is one range scan.
CREATE TABLE rto_scope (
  rto_code        TEXT NOT NULL,
  component_code  TEXT NOT NULL,                      -- NrtCode
  component_type  TEXT NOT NULL CHECK (component_type IN ('AccreditedCourse', 'Qualification', 'Unit', 'SkillSet', 'UnitContextualisation', 'TrainingPackage', 'AccreditedCourseModule')),
  is_implicit     INTEGER NOT NULL DEFAULT 0 CHECK (is_implicit IN (0, 1)),  -- unit scope implied by a qualification on scope
  is_refused      INTEGER NOT NULL DEFAULT 0 CHECK (is_refused IN (0, 1)),
  extent_code     TEXT,                               -- ExtentCode (REST: extent)
  start_date      TEXT CHECK (start_date IS NULL OR start_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  end_date        TEXT CHECK (end_date IS NULL OR end_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  is_current      INTEGER NOT NULL CHECK (is_current IN (0, 1)),
  synced_at       TEXT NOT NULL CHECK (synced_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(synced_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  PRIMARY KEY (rto_code, component_code)
) WITHOUT ROWID;
-- "Which RTOs have X on scope": the reverse of the primary key.
CREATE INDEX rto_scope_component ON rto_scope (component_code, rto_code);
