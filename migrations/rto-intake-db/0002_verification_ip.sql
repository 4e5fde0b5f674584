-- rto-intake-db: rate-limit waitlist verification mail per requester as well as per
-- address, as sign-in links are (a public form must not mail any number of strangers
-- from one client). The salted hash of the requester's IP only, never the address.
ALTER TABLE verification_tokens ADD COLUMN requested_ip_hash TEXT;
CREATE INDEX verification_tokens_ip_created ON verification_tokens (requested_ip_hash, created_at);
