-- ops-db: indexes for the admin console's read models (crates/store/src/console.rs). Each
-- newest-first page there is a walk down one index, stopped by LIMIT, never a scan and a
-- sort: the seek key is (time, tie-breaker) and an index ending in those columns (rowid is
-- the implicit last column of every index) serves it.

-- The runs feed: every worker, newest first, seek key (created_at, run_id).
CREATE INDEX sync_runs_created_run ON sync_runs (created_at, run_id);
-- One worker's runs, and the cards' latest run per worker. It extends
-- sync_runs_type_created (same leading columns), which it replaces.
CREATE INDEX sync_runs_type_created_run ON sync_runs (sync_type, created_at, run_id);
DROP INDEX sync_runs_type_created;

-- The regulatory events feed filtered by event type or by entity code (the entity index
-- leads with entity_type, which the feed's filter does not carry).
CREATE INDEX regulatory_events_type_created ON regulatory_events (event_type, created_at);
CREATE INDEX regulatory_events_code_created ON regulatory_events (entity_code, created_at);

-- One session's anomalies, newest first.
CREATE INDEX anomaly_log_session_created ON anomaly_log (session_id, created_at);
