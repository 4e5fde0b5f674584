-- ops-db: SEC-02 per-client scoring windows.
--
-- One row per scored client, read once and upserted once per request (never a KV write
-- per request; never a scan of api_access_log). The row is the whole of the client's
-- recent history that scoring needs (rtopacks_domain::anomaly::WindowState), so its size
-- is fixed however busy the client is.
--
-- client_key: 's:<sessions.id>' (engine-db-oc), 'k:<API/MCP key id>', 'a:<salted hash of
-- the anonymous client>'; the same key whichever surface (internal-api, api, mcp) it uses.
--
-- Times used for scoring are Unix epoch milliseconds in *_ms INTEGER columns: sub-second
-- gaps are a signal, and whole-second ISO text cannot carry them. They are only ever
-- compared with other *_ms values computed in code. updated_at is the usual ISO text and
-- is what the prune compares against a bound cutoff.
--
-- version: optimistic concurrency. A writer upserts WHERE version = the version it read
-- (0 for no row); 0 rows changed means another request wrote first, so it re-reads and
-- re-scores instead of overwriting that request's counts.
CREATE TABLE sec02_windows (
  client_key              TEXT PRIMARY KEY NOT NULL CHECK (length(client_key) BETWEEN 3 AND 200 AND substr(client_key, 2, 1) = ':' AND substr(client_key, 1, 1) IN ('s', 'k', 'a')),
  version                 INTEGER NOT NULL CHECK (version >= 1),
  last_ms                 INTEGER,                    -- the latest request
  -- velocity: the current calendar minute and the one before it
  minute_start_ms         INTEGER NOT NULL,
  minute_count            INTEGER NOT NULL CHECK (minute_count >= 0),
  prev_minute_count       INTEGER NOT NULL CHECK (prev_minute_count >= 0),
  -- breadth: a tumbling window and the distinct endpoint groups in it
  window_start_ms         INTEGER NOT NULL,
  window_count            INTEGER NOT NULL CHECK (window_count >= 0),
  groups                  TEXT NOT NULL CHECK (json_valid(groups) AND json_type(groups) = 'array'),
  -- sequential: per endpoint group, the last code looked up and the length and direction
  -- of the current ordered run: [{"group","code","run","dir","at_ms"}, ...]
  runs                    TEXT NOT NULL CHECK (json_valid(runs) AND json_type(runs) = 'array'),
  -- timing: consecutive sub-second gaps, with their sum and sum of squares (regularity)
  fast_streak             INTEGER NOT NULL CHECK (fast_streak >= 0),
  fast_sum_ms             INTEGER NOT NULL CHECK (fast_sum_ms >= 0),
  fast_sumsq_ms           INTEGER NOT NULL CHECK (fast_sumsq_ms >= 0),
  -- escalation: amber strikes since strike_window_start_ms
  strikes                 INTEGER NOT NULL CHECK (strikes >= 0),
  strike_window_start_ms  INTEGER NOT NULL,
  last_strike_ms          INTEGER,
  -- after red: the client answers red until then
  blocked_until_ms        INTEGER,
  blocked_reason          TEXT CHECK (blocked_reason IS NULL OR blocked_reason IN ('velocity', 'sequential', 'breadth', 'timing', 'escalation')),
  updated_at              TEXT NOT NULL CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(updated_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  CHECK ((blocked_until_ms IS NULL) = (blocked_reason IS NULL))
);
-- Prune idle windows: DELETE ... WHERE updated_at < :cutoff (blocked ones are kept until
-- their block ends).
CREATE INDEX sec02_windows_updated_at ON sec02_windows (updated_at);

-- The operator's reads of one user's anomalies, newest first.
CREATE INDEX anomaly_log_user_created ON anomaly_log (user_id, created_at);
-- The runbook reads a client's history from api_access_log by client as well as by user.
CREATE INDEX api_access_log_client_ts ON api_access_log (client_id, timestamp);
