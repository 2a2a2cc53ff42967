-- The corpus store: documents (one row per distinct content), the paths each was seen at, the
-- cells and findings of parsed reports, agency placements and users' corrections of them.
-- IF NOT EXISTS: a corpus made before migrations were recorded adopts this one unchanged.
CREATE TABLE IF NOT EXISTS documents (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  path TEXT NOT NULL,
  form TEXT,
  size BIGINT,
  status TEXT NOT NULL,
  reason TEXT,
  parser_version TEXT NOT NULL,
  checked INTEGER NOT NULL DEFAULT 0,
  agency TEXT,
  agency_key TEXT,
  year INTEGER,
  format TEXT,
  published TEXT,
  report_json TEXT,
  ingested_at TEXT NOT NULL,
  previous_id BIGINT
);
CREATE TABLE IF NOT EXISTS document_paths (
  document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  PRIMARY KEY (document_id, path)
);
CREATE TABLE IF NOT EXISTS cells (
  document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  cell_id TEXT NOT NULL,
  value NUMERIC,
  raw TEXT,
  place TEXT,
  inferred INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (document_id, cell_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS findings (
  document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  rule TEXT NOT NULL,
  severity TEXT NOT NULL,
  cells TEXT,
  message TEXT NOT NULL,
  place TEXT,
  previous_id BIGINT,
  PRIMARY KEY (document_id, seq)
);
CREATE TABLE IF NOT EXISTS agencies (
  agency_key TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  code TEXT,
  province TEXT,
  city TEXT,
  county TEXT,
  unit TEXT,
  level TEXT,
  source TEXT NOT NULL,
  note TEXT
);
CREATE TABLE IF NOT EXISTS placement_corrections (
  agency_key TEXT PRIMARY KEY,
  code TEXT NOT NULL,
  unit TEXT,
  corrected_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_agency ON documents(agency_key, year);
