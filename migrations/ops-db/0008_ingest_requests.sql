-- ops-db: the public site's on-demand enrichment requests (rtopacks-ingest-queue).
--
-- A visit to an RTO page that is not enriched yet asks tga-ingest for the RTO's detail.
-- One row per RTO code; store::ingest_requests::claim_request upserts it only when the
-- last request is older than the window (a cutoff bound from code), so exactly one queue
-- message goes out per code per window, however many people visit, and a visit inside
-- the window writes nothing. Per-visit state in D1, never KV.
CREATE TABLE ingest_requests (
  rto_code            TEXT PRIMARY KEY NOT NULL CHECK (length(rto_code) BETWEEN 1 AND 8 AND rto_code NOT GLOB '*[^0-9]*'),
  requested_at        TEXT NOT NULL CHECK (requested_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(requested_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),       -- the last message sent
  first_requested_at  TEXT NOT NULL CHECK (first_requested_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*Z' AND substr(first_requested_at, 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'),
  requests            INTEGER NOT NULL CHECK (requests >= 0)   -- messages sent, all windows
) WITHOUT ROWID;
