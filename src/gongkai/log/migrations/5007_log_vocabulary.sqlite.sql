-- The log's own words: channels and portal columns beyond the shipped vocabulary that came with
-- an imported export (the exporting machine's site vocabulary, GONGKAI_DISCLOSURE_VOCAB, which
-- does not travel as a file).  Held here, they are in force whenever the log is open, on any
-- machine, and the log's export carries them again.  A row adds to one channel (by its id: a new
-- channel with its name, or one this log already knows) other names and columns, one a line;
-- rows are only ever added.
CREATE TABLE disclosure_vocab (
    id            INTEGER PRIMARY KEY,
    channel       TEXT NOT NULL,
    label         TEXT NOT NULL,
    alias_names   TEXT NOT NULL DEFAULT '',
    column_names  TEXT NOT NULL DEFAULT '',
    actor         TEXT NOT NULL,
    recorded_at   TEXT NOT NULL
);
CREATE TRIGGER disclosure_vocab_append_only BEFORE UPDATE ON disclosure_vocab
BEGIN SELECT RAISE(ABORT, 'append-only'); END;
CREATE TRIGGER disclosure_vocab_kept BEFORE DELETE ON disclosure_vocab
BEGIN SELECT RAISE(ABORT, 'append-only'); END;
