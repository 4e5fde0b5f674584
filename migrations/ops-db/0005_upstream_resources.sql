-- What a sync last saw of each upstream resource (CKAN `last_modified`, row total), so an
-- unchanged resource is skipped next cycle. Written only when an ingest finishes, so a
-- failed or interrupted ingest is retried in full by the next cycle.
CREATE TABLE upstream_resources (
  source         TEXT NOT NULL,                         -- 'cricos', 'teqsa', ...
  resource_id    TEXT NOT NULL,                         -- the CKAN resource id
  last_modified  TEXT,                                  -- as upstream wrote it (opaque)
  total          INTEGER,
  checked_at     TEXT NOT NULL CHECK (checked_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(checked_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  PRIMARY KEY (source, resource_id)
) WITHOUT ROWID;
