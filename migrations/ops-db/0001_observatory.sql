-- ops-db: the Sync Observatory (runs, steps, regulatory events, sentinel) and the D1-backed
-- sync cursors. Timestamps are ISO 8601 UTC 'YYYY-MM-DDTHH:MM:SSZ' bound from code; the GLOB
-- checks reject datetime('now') output, whose space sorts below 'T' (the watchdog swept
-- zero rows for eight days that way). Two short GLOBs per check: D1 rejects patterns over
-- 50 bytes when a row is written. No FOREIGN KEY clauses: references are soft, by run_id.

-- One row per cron cycle of any sync worker.
CREATE TABLE sync_runs (
  run_id        TEXT PRIMARY KEY NOT NULL,            -- e.g. 'tga-sync-2026-04-13...'
  sync_type     TEXT NOT NULL,                        -- tga_sync, cricos_sync, enrich_sync, teqsa_sync, ...
  triggered_by  TEXT NOT NULL CHECK (triggered_by IN ('cron', 'manual')),
  status        TEXT NOT NULL CHECK (status IN ('running', 'complete', 'partial', 'failed', 'stale')),
  created_at    TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(created_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  completed_at  TEXT CHECK (completed_at IS NULL OR (completed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(completed_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),
  error         TEXT,
  detail        TEXT CHECK (detail IS NULL OR json_valid(detail))
);
CREATE INDEX sync_runs_type_created ON sync_runs (sync_type, created_at);

-- The ONE steps table for every sync type (the name is historical: it began with tga-sync).
-- Writer contract: every write is INSERT ... ON CONFLICT(run_id, sync_type, step) DO UPDATE,
-- with error = excluded.error. The unique index below is that conflict target.
CREATE TABLE tga_sync_steps (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id        TEXT NOT NULL,
  sync_type     TEXT NOT NULL,
  step          TEXT NOT NULL,                        -- init, sync_orgs, volume_check_*, chain_failed, fatal, ...
  status        TEXT NOT NULL CHECK (status IN ('pending', 'running', 'complete', 'failed', 'timed_out', 'error', 'not_implemented')),
  triggered_by  TEXT CHECK (triggered_by IS NULL OR triggered_by IN ('cron', 'manual')),
  records_in    INTEGER,
  records_out   INTEGER,
  error         TEXT,
  started_at    TEXT CHECK (started_at IS NULL OR (started_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(started_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),
  completed_at  TEXT CHECK (completed_at IS NULL OR (completed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(completed_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),
  created_at    TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(created_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')
);
CREATE UNIQUE INDEX tga_sync_steps_run_sync_step ON tga_sync_steps (run_id, sync_type, step);
-- OBS-WATCHDOG-01: WHERE status = 'running' AND started_at < :cutoff
CREATE INDEX tga_sync_steps_status_started ON tga_sync_steps (status, started_at);
-- OBS-ALIGN-01 "last status" pickers: latest row per sync_type, ORDER BY id DESC.
CREATE INDEX tga_sync_steps_type_id ON tga_sync_steps (sync_type, id);

-- The observatory guide and older admin queries read `sync_steps`. A view keeps them working
-- over the one real table; it is read-only, so writers always target tga_sync_steps.
CREATE VIEW sync_steps AS SELECT * FROM tga_sync_steps;

-- "What changed": status flips, supersessions, new releases, CRICOS appearances/removals.
CREATE TABLE regulatory_events (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id       TEXT,
  event_type   TEXT NOT NULL,
  entity_type  TEXT NOT NULL,
  entity_code  TEXT NOT NULL,
  old_value    TEXT,
  new_value    TEXT,
  detail       TEXT,                                  -- before/after or the supersession chain
  created_at   TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(created_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')
);
CREATE INDEX regulatory_events_run_id ON regulatory_events (run_id);
CREATE INDEX regulatory_events_created_at ON regulatory_events (created_at);
CREATE INDEX regulatory_events_entity ON regulatory_events (entity_type, entity_code);

-- SENTINEL volume checks: a cycle's observed volume against its baseline.
CREATE TABLE sentinel_log (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id         TEXT,
  sync_type      TEXT NOT NULL,
  metric         TEXT NOT NULL,                       -- e.g. 'tga_organisations'
  baseline       INTEGER,
  observed       INTEGER,
  drop_pct       REAL,
  threshold_pct  REAL,
  action         TEXT,                                -- what the sentinel did, e.g. 'none', 'alert', 'halt'
  created_at     TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(created_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')
);
CREATE INDEX sentinel_log_run_id ON sentinel_log (run_id);
CREATE INDEX sentinel_log_created_at ON sentinel_log (created_at);

-- Phase pointers, one row per sync. In D1, not KV: per-invocation writes to KV return
-- transient 500s under rapid writes and break chain dispatch. /trigger resumes from here.
CREATE TABLE tga_sync_cursor (
  sync_type    TEXT PRIMARY KEY NOT NULL,             -- 'tga_sync'
  run_id       TEXT,
  cycle_phase  TEXT,                                  -- the phase to run next / in progress
  phase_state  TEXT CHECK (phase_state IS NULL OR json_valid(phase_state)),                -- page numbers, window StartDate/EndDate, ...
  updated_at   TEXT NOT NULL CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(updated_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')
);

CREATE TABLE cricos_sync_cursor (
  sync_type    TEXT PRIMARY KEY NOT NULL,             -- 'cricos_sync'
  run_id       TEXT,
  cycle_phase  TEXT,
  phase_state  TEXT CHECK (phase_state IS NULL OR json_valid(phase_state)),                -- resource offsets, last_modified seen, ...
  updated_at   TEXT NOT NULL CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(updated_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')
);
