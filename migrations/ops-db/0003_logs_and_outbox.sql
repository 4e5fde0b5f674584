-- ops-db: security and audit logs, and the email outbox.

-- SEC-02 anomaly detections. Columns exactly as the operator runbook reads them, plus id.
CREATE TABLE anomaly_log (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id      TEXT NOT NULL,
  user_id         TEXT,
  org_id          TEXT,
  ucca_layer      TEXT,                               -- resolved tier layer, e.g. 'L4'
  zone            TEXT NOT NULL CHECK (zone IN ('amber', 'red')),
  trigger_reason  TEXT NOT NULL CHECK (trigger_reason IN ('velocity', 'sequential', 'breadth', 'timing', 'escalation')),
  detail          TEXT CHECK (detail IS NULL OR json_valid(detail)),
  action          TEXT NOT NULL CHECK (action IN ('latency_injected', 'session_revoked')),
  created_at      TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(created_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')
);
CREATE INDEX anomaly_log_created_at ON anomaly_log (created_at);
CREATE INDEX anomaly_log_session_id ON anomaly_log (session_id);

-- One row per API request on the authenticated surfaces. `timestamp` keeps the runbook's name.
CREATE TABLE api_access_log (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  endpoint         TEXT NOT NULL,                     -- route path, e.g. '/rto/45329'
  method           TEXT NOT NULL,
  response_status  INTEGER,
  user_id          TEXT,
  session_id       TEXT,
  org_id           TEXT,
  client_id        TEXT,                              -- API key id, or a hash identifying an anonymous client
  surface          TEXT NOT NULL CHECK (surface IN ('internal-api', 'api', 'mcp')),
  latency_ms       INTEGER CHECK (latency_ms IS NULL OR latency_ms >= 0),
  timestamp        TEXT NOT NULL CHECK (timestamp GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(timestamp, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')
);
CREATE INDEX api_access_log_user_ts ON api_access_log (user_id, timestamp);
CREATE INDEX api_access_log_session_ts ON api_access_log (session_id, timestamp);
-- Retention prune: DELETE ... WHERE timestamp < :cutoff
CREATE INDEX api_access_log_ts ON api_access_log (timestamp);

-- What users did in the workspace (audit trail).
CREATE TABLE interaction_log (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id      TEXT,
  org_id       TEXT,
  session_id   TEXT,
  action       TEXT NOT NULL,
  entity_type  TEXT,
  entity_code  TEXT,
  detail       TEXT CHECK (detail IS NULL OR json_valid(detail)),
  created_at   TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(created_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')
);
CREATE INDEX interaction_log_user_created ON interaction_log (user_id, created_at);
CREATE INDEX interaction_log_created_at ON interaction_log (created_at);

-- Operational log lines from workers (not per-step status: that is tga_sync_steps).
CREATE TABLE ops_log (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id      TEXT,
  source      TEXT NOT NULL,                          -- worker or component name
  level       TEXT NOT NULL CHECK (level IN ('info', 'warn', 'error')),
  message     TEXT NOT NULL,
  detail      TEXT CHECK (detail IS NULL OR json_valid(detail)),
  created_at  TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(created_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')
);
CREATE INDEX ops_log_run_id ON ops_log (run_id);
CREATE INDEX ops_log_created_at ON ops_log (created_at);

-- Every outgoing email, recorded before it is sent. idempotency_key is unique so a retried
-- send finds its row (and is passed to the provider as Idempotency-Key).
-- status 'recorded' = dev/test sandbox: kept here and never sent to a provider.
CREATE TABLE email_outbox (
  id               TEXT PRIMARY KEY NOT NULL,
  idempotency_key  TEXT NOT NULL UNIQUE,
  from_addr        TEXT NOT NULL,
  to_addrs         TEXT NOT NULL CHECK (json_valid(to_addrs) AND json_type(to_addrs) = 'array' AND json_array_length(to_addrs) > 0),
  subject          TEXT NOT NULL,
  html             TEXT,
  text             TEXT,
  reply_to         TEXT,
  tags             TEXT CHECK (tags IS NULL OR json_valid(tags)),
  status           TEXT NOT NULL CHECK (status IN ('recorded', 'queued', 'sent', 'failed')),
  provider_id      TEXT,                              -- the provider's message id once accepted
  error            TEXT,
  attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  created_at       TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(created_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  updated_at       TEXT NOT NULL CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(updated_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  sent_at          TEXT CHECK (sent_at IS NULL OR (sent_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(sent_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),
  CHECK (html IS NOT NULL OR text IS NOT NULL),
  -- A sandbox row can never look delivered.
  CHECK (status <> 'recorded' OR (provider_id IS NULL AND sent_at IS NULL)),
  CHECK (status <> 'sent' OR sent_at IS NOT NULL)
);
CREATE INDEX email_outbox_status_created ON email_outbox (status, created_at);
