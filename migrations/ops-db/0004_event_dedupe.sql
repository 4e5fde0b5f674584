-- A phase that is resumed or redelivered may detect the same change again within its run:
-- one event per (run, type, entity) makes the write idempotent (INSERT ... DO NOTHING).
CREATE UNIQUE INDEX regulatory_events_dedupe
  ON regulatory_events (run_id, event_type, entity_type, entity_code);
