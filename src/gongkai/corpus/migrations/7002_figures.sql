-- The figures a report's narrative states (Report.figures, docs/narrative.md): one row per
-- figure, in the report's order (seq is its index in Report.figures; part_of the seq of the
-- whole it is a part of).  cells: the cell ids whose sum it states, separated by ';'.
CREATE TABLE IF NOT EXISTS figures (
  document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  section INTEGER NOT NULL,
  sentence TEXT NOT NULL,
  text TEXT NOT NULL,
  value NUMERIC NOT NULL,
  unit TEXT NOT NULL,
  counts TEXT,
  cells TEXT,
  approx INTEGER NOT NULL DEFAULT 0,
  from_words INTEGER NOT NULL DEFAULT 0,
  scope TEXT,
  year INTEGER,
  part_of INTEGER,
  PRIMARY KEY (document_id, seq)
);
CREATE INDEX IF NOT EXISTS figures_counts ON figures(counts);
