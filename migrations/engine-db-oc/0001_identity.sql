-- engine-db-oc (spine name rto-workspace-db; dev twin rto-workspace-db-staging): workspace
-- identity. Written by internal-api, read by workspace, admin, mcp and session-archiver.
-- Timestamps are ISO 8601 UTC with 'T' and 'Z', bound from code (checked below with two
-- GLOBs each, as D1 rejects patterns over 50 bytes when a row is written).
-- Secrets are never stored: sessions and magic links keep only the lower-case hex SHA-256
-- of the token (64 characters), which the checks enforce, so a raw token cannot be written.
-- No FOREIGN KEY clauses (soft references by id; orgs.rto_code points at rtopacks-db).

CREATE TABLE orgs (
  id          TEXT PRIMARY KEY NOT NULL,
  name        TEXT NOT NULL,
  rto_code    TEXT UNIQUE,                            -- soft link to rtopacks-db rtos.rto_code
  created_at  TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(created_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')
);
-- The permanent operator org: org_rtopacks_ops is RTOpacks itself, RTO code 45329.
INSERT INTO orgs (id, name, rto_code, created_at)
VALUES ('org_rtopacks_ops', 'RTOpacks', '45329', '2026-04-13T00:00:00Z');

-- The canonical users table.
CREATE TABLE users (
  id             TEXT PRIMARY KEY NOT NULL,
  email          TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name   TEXT,
  org_id         TEXT,                                -- the org a sign-in resolves to (tier resolution)
  status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at     TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(created_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  last_login_at  TEXT CHECK (last_login_at IS NULL OR (last_login_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(last_login_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'))
);
CREATE INDEX users_org_id ON users (org_id);

CREATE TABLE sessions (
  id                   TEXT PRIMARY KEY NOT NULL,     -- random public id (logs, revocation), not the cookie token
  token_hash           TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64 AND token_hash NOT GLOB '*[^0-9a-f]*'),  -- SHA-256 of the cookie token
  user_id              TEXT NOT NULL,
  org_id               TEXT,
  created_at           TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(created_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  last_seen_at         TEXT CHECK (last_seen_at IS NULL OR (last_seen_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(last_seen_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),
  idle_expires_at      TEXT NOT NULL CHECK (idle_expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(idle_expires_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  absolute_expires_at  TEXT NOT NULL CHECK (absolute_expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(absolute_expires_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  revoked_at           TEXT CHECK (revoked_at IS NULL OR (revoked_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(revoked_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),
  revoke_reason        TEXT,                          -- e.g. 'sign_out', 'sec02_red', 'admin'
  ip_hash              TEXT,
  user_agent           TEXT,
  CHECK (idle_expires_at <= absolute_expires_at)
);
CREATE INDEX sessions_user_id ON sessions (user_id);
-- Expiry purge and session-archiver: WHERE absolute_expires_at < :cutoff
CREATE INDEX sessions_absolute_expires ON sessions (absolute_expires_at);

CREATE TABLE memberships (
  org_id      TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  created_at  TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(created_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  PRIMARY KEY (org_id, user_id)
) WITHOUT ROWID;
CREATE INDEX memberships_user ON memberships (user_id, org_id);

-- Uploaded files; the bytes live in R2 (rtopacks-client-media) under r2_key.
CREATE TABLE documents (
  id            TEXT PRIMARY KEY NOT NULL,
  org_id        TEXT NOT NULL,
  uploaded_by   TEXT,                                 -- users.id
  r2_key        TEXT NOT NULL UNIQUE,
  filename      TEXT NOT NULL,
  content_type  TEXT,
  size_bytes    INTEGER CHECK (size_bytes IS NULL OR size_bytes >= 0),
  sha256        TEXT CHECK (sha256 IS NULL OR (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*')),
  created_at    TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(created_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  deleted_at    TEXT CHECK (deleted_at IS NULL OR (deleted_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(deleted_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'))
);
CREATE INDEX documents_org_created ON documents (org_id, created_at);

-- Magic links: single use (one conditional UPDATE sets used_at), short expiry.
-- 'claim' links carry the rto_code being claimed.
CREATE TABLE magic_link_tokens (
  token_hash         TEXT PRIMARY KEY NOT NULL CHECK (length(token_hash) = 64 AND token_hash NOT GLOB '*[^0-9a-f]*'),
  email              TEXT NOT NULL COLLATE NOCASE,
  purpose            TEXT NOT NULL CHECK (purpose IN ('sign_in', 'claim')),
  rto_code           TEXT,
  created_at         TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(created_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  expires_at         TEXT NOT NULL CHECK (expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(expires_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  used_at            TEXT CHECK (used_at IS NULL OR (used_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(used_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),
  requested_ip_hash  TEXT,
  CHECK (purpose <> 'claim' OR rto_code IS NOT NULL)
);
-- Rate limits per address and per IP: count rows since a cutoff.
CREATE INDEX magic_link_tokens_email_created ON magic_link_tokens (email, created_at);
CREATE INDEX magic_link_tokens_ip_created ON magic_link_tokens (requested_ip_hash, created_at);
CREATE INDEX magic_link_tokens_expires ON magic_link_tokens (expires_at);
