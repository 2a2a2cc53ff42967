-- An end (废止/失效) recorded again after the item's first one was voided (recorded on the wrong
-- item, say): the first stays in the item's columns, voided by its correction; later ones here,
-- append-only like every entry.
CREATE TABLE disclosure_ends (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES disclosure_items (id),
    ended_kind   TEXT NOT NULL,
    ended_on     TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    actor        TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX disclosure_ends_item ON disclosure_ends (item_id, id);
CREATE TRIGGER disclosure_ends_append_only BEFORE UPDATE ON disclosure_ends
BEGIN SELECT RAISE(ABORT, 'append-only'); END;
CREATE TRIGGER disclosure_ends_kept BEFORE DELETE ON disclosure_ends
BEGIN SELECT RAISE(ABORT, 'append-only'); END;
