-- rto-intake-db (dev twin rto-intake-db-staging): prelaunch waitlist, written by
-- rtopacks-prelaunch. Timestamps are ISO 8601 UTC with 'T' and 'Z', bound from code
-- (checked with two GLOBs each, as D1 rejects patterns over 50 bytes when a row is written).
-- Verification tokens are stored as their lower-case hex SHA-256 only.

CREATE TABLE waitlist (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name          TEXT,
  organisation  TEXT,
  rto_code      TEXT,                                 -- as typed by the visitor; soft link to rtopacks-db
  source        TEXT,                                 -- where the signup came from (page, campaign)
  status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified')),
  created_at    TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(created_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  verified_at   TEXT CHECK (verified_at IS NULL OR (verified_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(verified_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),
  CHECK ((status = 'verified') = (verified_at IS NOT NULL))
);

CREATE TABLE verification_tokens (
  token_hash   TEXT PRIMARY KEY NOT NULL CHECK (length(token_hash) = 64 AND token_hash NOT GLOB '*[^0-9a-f]*'),
  waitlist_id  INTEGER NOT NULL,                      -- waitlist.id
  email        TEXT NOT NULL COLLATE NOCASE,
  created_at   TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(created_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  expires_at   TEXT NOT NULL CHECK (expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(expires_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  used_at      TEXT CHECK (used_at IS NULL OR (used_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(used_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'))
);
CREATE INDEX verification_tokens_waitlist ON verification_tokens (waitlist_id);
CREATE INDEX verification_tokens_email_created ON verification_tokens (email, created_at);
