-- rtopacks-db: _ingest_runs tables (IRSL pattern). One shape for every ingester, one row
-- per run. run_id is unique so a writer upserts its run row (ON CONFLICT(run_id)).
-- These sit beside the data they describe; the cross-sync observatory is ops-db tga_sync_steps.

CREATE TABLE tga_ingest_runs (
  id            INTEGER PRIMARY KEY,
  run_id        TEXT NOT NULL,
  started_at    TEXT NOT NULL CHECK (started_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(started_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  completed_at  TEXT CHECK (completed_at IS NULL OR (completed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(completed_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),
  status        TEXT NOT NULL CHECK (status IN ('running', 'complete', 'partial', 'failed', 'timed_out')),
  records_in    INTEGER,
  records_out   INTEGER,
  error         TEXT,
  detail        TEXT CHECK (detail IS NULL OR json_valid(detail))
);
CREATE UNIQUE INDEX tga_ingest_runs_run_id ON tga_ingest_runs (run_id);
CREATE INDEX tga_ingest_runs_status_started ON tga_ingest_runs (status, started_at);

CREATE TABLE enrich_ingest_runs (
  id            INTEGER PRIMARY KEY,
  run_id        TEXT NOT NULL,
  started_at    TEXT NOT NULL CHECK (started_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(started_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  completed_at  TEXT CHECK (completed_at IS NULL OR (completed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(completed_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),
  status        TEXT NOT NULL CHECK (status IN ('running', 'complete', 'partial', 'failed', 'timed_out')),
  records_in    INTEGER,
  records_out   INTEGER,
  error         TEXT,
  detail        TEXT CHECK (detail IS NULL OR json_valid(detail))
);
CREATE UNIQUE INDEX enrich_ingest_runs_run_id ON enrich_ingest_runs (run_id);
CREATE INDEX enrich_ingest_runs_status_started ON enrich_ingest_runs (status, started_at);

CREATE TABLE stats_cache_ingest_runs (
  id            INTEGER PRIMARY KEY,
  run_id        TEXT NOT NULL,
  started_at    TEXT NOT NULL CHECK (started_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(started_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  completed_at  TEXT CHECK (completed_at IS NULL OR (completed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(completed_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]')),
  status        TEXT NOT NULL CHECK (status IN ('running', 'complete', 'partial', 'failed', 'timed_out')),
  records_in    INTEGER,
  records_out   INTEGER,
  error         TEXT,
  detail        TEXT CHECK (detail IS NULL OR json_valid(detail))
);
CREATE UNIQUE INDEX stats_cache_ingest_runs_run_id ON stats_cache_ingest_runs (run_id);
CREATE INDEX stats_cache_ingest_runs_status_started ON stats_cache_ingest_runs (status, started_at);
