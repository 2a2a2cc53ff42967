-- Corrections of the log's entries (更正, 作废), as in the request register: a mistyped title,
-- date, 文号, attribute or a step recorded on the wrong item is put right by a new row saying
-- which entry (its table and row: the item's own id for its registration and its end), which
-- field and what it should be (amended) or that the entry is void (voided), why, who and when.
-- The entry itself is never changed; the log applies its corrections when the item is read.
CREATE TABLE disclosure_corrections (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES disclosure_items (id),
    kind         TEXT NOT NULL CHECK (kind IN ('amended', 'voided')),
    entry_kind   TEXT NOT NULL,             -- registered | reviewed | adjusted | changed | published | ended
    entry_id     INTEGER NOT NULL,          -- the row in the entry's table (the item's id: registered, ended)
    field        TEXT NOT NULL DEFAULT '',  -- amended: the field, as declared in log/data/steps.yaml
    old_value    TEXT NOT NULL DEFAULT '',  -- amended: the value it corrects (as it stood then)
    value        TEXT NOT NULL DEFAULT '',  -- amended: the new value (a vocabulary id or an ISO date)
    reason       TEXT NOT NULL,
    on_date      TEXT NOT NULL,             -- the day of the correction
    actor        TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX disclosure_corrections_item ON disclosure_corrections (item_id, id);
CREATE TRIGGER disclosure_corrections_append_only BEFORE UPDATE ON disclosure_corrections
BEGIN SELECT RAISE(ABORT, 'append-only'); END;
CREATE TRIGGER disclosure_corrections_kept BEFORE DELETE ON disclosure_corrections
BEGIN SELECT RAISE(ABORT, 'append-only'); END;

-- A review step voided (recorded on the wrong item, or by mistake) may be recorded again: one
-- step of each kind is now a rule of the log (counting voids) instead of a unique key.
CREATE TABLE disclosure_reviews_kept (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES disclosure_items (id),
    step         TEXT NOT NULL,
    person       TEXT NOT NULL,
    on_date      TEXT NOT NULL,
    actor        TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
INSERT INTO disclosure_reviews_kept (id, item_id, step, person, on_date, actor, recorded_at)
    SELECT id, item_id, step, person, on_date, actor, recorded_at FROM disclosure_reviews;
DROP TABLE disclosure_reviews;
ALTER TABLE disclosure_reviews_kept RENAME TO disclosure_reviews;
CREATE INDEX disclosure_reviews_item ON disclosure_reviews (item_id, id);
CREATE TRIGGER disclosure_reviews_append_only BEFORE UPDATE ON disclosure_reviews
BEGIN SELECT RAISE(ABORT, 'append-only'); END;
