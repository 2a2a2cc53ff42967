-- Whole-corpus answers (the statistics, the 汇总's bodies × years) kept while the corpus has not
-- changed (corpus/kept.py): corpus_state.generation is raised by every write transaction of the
-- store (a report stored or replaced, cross-year findings, a placement corrected), in that same
-- transaction; an answer is kept with the generation it was computed at and read only while the
-- generation is still that one, so a kept answer is never older than the corpus.
CREATE TABLE IF NOT EXISTS corpus_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  generation BIGINT NOT NULL
);
INSERT INTO corpus_state (id, generation) VALUES (1, 0);
CREATE TABLE IF NOT EXISTS kept_answers (
  key TEXT PRIMARY KEY,
  generation BIGINT NOT NULL,
  answer TEXT NOT NULL,
  made_at TEXT NOT NULL
);
