-- The restrictions in force on an organisation at its last sync (JSON array of
-- {code, restriction}), so tga-sync can tell a restriction added from one lifted.
ALTER TABLE tga_organisations ADD COLUMN restrictions TEXT CHECK (restrictions IS NULL OR json_valid(restrictions));
