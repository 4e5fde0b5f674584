-- ops-db: client state, tenant metadata and the sign-in allowlist.

-- Admin client card surface, flipped by auto-convert. rto_code is a soft link to
-- rtopacks-db rtos.rto_code. The runbook adds clients by hand from the D1 console with
--   INSERT INTO rto_clients (rto_code, is_client, client_since, client_status, plan)
--   VALUES ('<RTO_CODE>', 1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'active', 'essential')
-- (datetime('now') is rejected by the check), so created_at/updated_at default to the same
-- ISO form. Code paths bind both from the injected clock.
CREATE TABLE rto_clients (
  rto_code       TEXT PRIMARY KEY NOT NULL,
  is_client      INTEGER NOT NULL DEFAULT 0 CHECK (is_client IN (0, 1)),
  client_since   TEXT CHECK (client_since IS NULL OR (client_since GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(client_since, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),
  client_status  TEXT NOT NULL DEFAULT 'prospect' CHECK (client_status IN ('active', 'paused', 'cancelled', 'prospect')),
  plan           TEXT,                                -- e.g. 'essential'
  is_test        INTEGER NOT NULL DEFAULT 0 CHECK (is_test IN (0, 1)),  -- 1 = written by a test run; bulk reset only touches these
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(created_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(updated_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')
);
CREATE INDEX rto_clients_is_test ON rto_clients (is_test) WHERE is_test = 1;

-- Workspace-scoped tenant metadata. rto_code is a soft link to rtopacks-db rtos.rto_code.
CREATE TABLE orgs (
  org_id      TEXT PRIMARY KEY NOT NULL,
  name        TEXT NOT NULL,
  rto_code    TEXT,
  created_at  TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(created_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  updated_at  TEXT CHECK (updated_at IS NULL OR (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(updated_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'))
);
CREATE UNIQUE INDEX orgs_rto_code ON orgs (rto_code);

-- Who may request a magic link: a specific address or a whole domain. Deactivating blocks
-- new links only (sessions are not revoked). Values are stored lower-cased and trimmed.
CREATE TABLE access_allowlist (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  kind            TEXT NOT NULL CHECK (kind IN ('email', 'domain')),
  value           TEXT NOT NULL CHECK (value = lower(trim(value)) AND value <> ''),
  label           TEXT,
  active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at      TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(created_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  created_by      TEXT,
  deactivated_at  TEXT CHECK (deactivated_at IS NULL OR (deactivated_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(deactivated_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),
  CHECK ((kind = 'email' AND value GLOB '?*@?*.?*') OR (kind = 'domain' AND value NOT GLOB '*@*' AND value GLOB '?*.?*')),
  UNIQUE (kind, value)
);
