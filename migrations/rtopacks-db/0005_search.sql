-- Full-text search over the catalogue, ranked with bm25 by the catalogue code.
-- External-content FTS5: the text lives once, in the corpus tables; the triggers below keep
-- the index in step with every writer (sync upserts, ingest, refresh), so none can forget.
-- Note: `wrangler d1 export` refuses databases holding virtual tables; rtopacks-db is backed
-- up with D1 Time Travel (point-in-time restore), and the index can be rebuilt with
-- INSERT INTO <fts>(<fts>) VALUES ('rebuild').

CREATE VIRTUAL TABLE components_fts USING fts5(
  code, title,
  content = 'tga_training_components', content_rowid = 'rowid',
  tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER components_fts_insert AFTER INSERT ON tga_training_components BEGIN
  INSERT INTO components_fts (rowid, code, title) VALUES (new.rowid, new.code, new.title);
END;
CREATE TRIGGER components_fts_delete AFTER DELETE ON tga_training_components BEGIN
  INSERT INTO components_fts (components_fts, rowid, code, title) VALUES ('delete', old.rowid, old.code, old.title);
END;
-- Upserts rewrite every column; only a changed title (or code) touches the index.
CREATE TRIGGER components_fts_update AFTER UPDATE OF code, title ON tga_training_components
WHEN old.title IS NOT new.title OR old.code IS NOT new.code BEGIN
  INSERT INTO components_fts (components_fts, rowid, code, title) VALUES ('delete', old.rowid, old.code, old.title);
  INSERT INTO components_fts (rowid, code, title) VALUES (new.rowid, new.code, new.title);
END;

CREATE VIRTUAL TABLE organisations_fts USING fts5(
  code, legal_name, trading_name,
  content = 'tga_organisations', content_rowid = 'rowid',
  tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER organisations_fts_insert AFTER INSERT ON tga_organisations BEGIN
  INSERT INTO organisations_fts (rowid, code, legal_name, trading_name)
  VALUES (new.rowid, new.code, new.legal_name, new.trading_name);
END;
CREATE TRIGGER organisations_fts_delete AFTER DELETE ON tga_organisations BEGIN
  INSERT INTO organisations_fts (organisations_fts, rowid, code, legal_name, trading_name)
  VALUES ('delete', old.rowid, old.code, old.legal_name, old.trading_name);
END;
CREATE TRIGGER organisations_fts_update AFTER UPDATE OF code, legal_name, trading_name ON tga_organisations
WHEN old.legal_name IS NOT new.legal_name OR old.trading_name IS NOT new.trading_name OR old.code IS NOT new.code BEGIN
  INSERT INTO organisations_fts (organisations_fts, rowid, code, legal_name, trading_name)
  VALUES ('delete', old.rowid, old.code, old.legal_name, old.trading_name);
  INSERT INTO organisations_fts (rowid, code, legal_name, trading_name)
  VALUES (new.rowid, new.code, new.legal_name, new.trading_name);
END;
