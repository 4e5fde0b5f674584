-- Local dev seed for ops-db (scripts/dev). Idempotent: every row is keyed and inserted
-- with ON CONFLICT DO NOTHING. Timestamps are ISO, as everywhere.

-- The operator's own org is a client (the seeds' permanent org_rtopacks_ops <-> 45329 mapping).
INSERT INTO rto_clients (rto_code, is_client, client_since, client_status, plan, is_test, created_at, updated_at)
VALUES ('45329', 1, '2026-04-13T00:00:00Z', 'active', 'essential', 0, '2026-04-13T00:00:00Z', '2026-04-13T00:00:00Z')
ON CONFLICT (rto_code) DO NOTHING;

INSERT INTO access_allowlist (kind, value, label, active, created_at, created_by)
VALUES ('domain', 'rtopacks.com.au', 'RTOpacks staff', 1, '2026-04-13T00:00:00Z', 'seed')
ON CONFLICT (kind, value) DO NOTHING;

-- Three runs for the observatory: a clean weekly tga-sync, a partial CRICOS cycle, and a
-- tga-sync whose training phase died mid-page (still `running`): fire d1-warmer's cron
-- locally and the watchdog turns it `timed_out`.
INSERT INTO sync_runs (run_id, sync_type, triggered_by, status, created_at, completed_at)
VALUES
  ('tga-sync-2026-11-14T16:00:00Z', 'tga_sync', 'cron', 'complete', '2026-11-14T16:00:00Z', '2026-11-14T16:41:12Z'),
  ('cricos-sync-2026-11-01T18:00:00Z', 'cricos_sync', 'cron', 'partial', '2026-11-01T18:00:00Z', '2026-11-01T18:09:40Z'),
  ('tga-sync-2026-11-21T16:00:00Z', 'tga_sync', 'cron', 'running', '2026-11-21T16:00:00Z', NULL)
ON CONFLICT (run_id) DO NOTHING;

INSERT INTO tga_sync_steps (run_id, sync_type, step, status, triggered_by, records_in, records_out, error, started_at, completed_at, created_at)
VALUES
  ('tga-sync-2026-11-14T16:00:00Z', 'tga_sync', 'init', 'complete', 'cron', NULL, 13, NULL, '2026-11-14T16:00:00Z', '2026-11-14T16:00:00Z', '2026-11-14T16:00:00Z'),
  ('tga-sync-2026-11-14T16:00:00Z', 'tga_sync', 'volume_check_orgs', 'complete', 'cron', NULL, 12515, NULL, '2026-11-14T16:00:01Z', '2026-11-14T16:00:01Z', '2026-11-14T16:00:00Z'),
  ('tga-sync-2026-11-14T16:00:00Z', 'tga_sync', 'sync_training', 'complete', 'cron', 412, 412, NULL, '2026-11-14T16:00:05Z', '2026-11-14T16:03:40Z', '2026-11-14T16:00:00Z'),
  ('tga-sync-2026-11-14T16:00:00Z', 'tga_sync', 'sync_orgs', 'complete', 'cron', 96, 96, NULL, '2026-11-14T16:03:42Z', '2026-11-14T16:04:58Z', '2026-11-14T16:00:00Z'),
  ('tga-sync-2026-11-14T16:00:00Z', 'tga_sync', 'write_snapshot', 'complete', 'cron', 1, 1, NULL, '2026-11-14T16:41:10Z', '2026-11-14T16:41:12Z', '2026-11-14T16:00:00Z'),
  ('cricos-sync-2026-11-01T18:00:00Z', 'cricos_sync', 'init', 'complete', 'cron', NULL, 7, NULL, '2026-11-01T18:00:00Z', '2026-11-01T18:00:00Z', '2026-11-01T18:00:00Z'),
  ('cricos-sync-2026-11-01T18:00:00Z', 'cricos_sync', 'ingest_institutions', 'complete', 'cron', 1565, 1565, NULL, '2026-11-01T18:00:02Z', '2026-11-01T18:01:10Z', '2026-11-01T18:00:00Z'),
  ('cricos-sync-2026-11-01T18:00:00Z', 'cricos_sync', 'ingest_courses', 'failed', 'cron', 26555, 12000, 'CKAN datastore_search HTTP 500 at offset 12000', '2026-11-01T18:01:12Z', '2026-11-01T18:09:40Z', '2026-11-01T18:00:00Z'),
  ('tga-sync-2026-11-21T16:00:00Z', 'tga_sync', 'init', 'complete', 'cron', NULL, 13, NULL, '2026-11-21T16:00:00Z', '2026-11-21T16:00:00Z', '2026-11-21T16:00:00Z'),
  ('tga-sync-2026-11-21T16:00:00Z', 'tga_sync', 'sync_training', 'running', 'cron', 380, NULL, NULL, '2026-11-21T16:00:04Z', NULL, '2026-11-21T16:00:00Z')
ON CONFLICT (run_id, sync_type, step) DO NOTHING;

INSERT INTO regulatory_events (run_id, event_type, entity_type, entity_code, old_value, new_value, detail, created_at)
SELECT 'tga-sync-2026-11-14T16:00:00Z', 'supersession', 'qualification', 'BSB50120', 'Current', 'Superseded',
       'BSB50120 superseded by BSB50125 (equivalent)', '2026-11-14T16:03:40Z'
WHERE NOT EXISTS (SELECT 1 FROM regulatory_events WHERE run_id = 'tga-sync-2026-11-14T16:00:00Z' AND entity_code = 'BSB50120');
