-- flag_restricted: an RTO with a restriction in force (tga_organisations.restrictions not
-- empty) carries restricted = 1, so the catalogue can filter and badge it cheaply.
ALTER TABLE rtos ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1));
CREATE INDEX rtos_restricted ON rtos (restricted) WHERE restricted = 1;
