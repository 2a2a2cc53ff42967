-- 公开属性 adjusted after recording (e.g. 依申请公开 → 主动公开 when the reason lapses).  The item's
-- attribute columns hold the current value; every adjustment is kept here, append-only.
CREATE TABLE disclosure_attribute_changes (
    id             INTEGER PRIMARY KEY,
    item_id        INTEGER NOT NULL REFERENCES disclosure_items (id),
    on_date        TEXT NOT NULL,
    old_attribute  TEXT NOT NULL,
    old_reason     TEXT NOT NULL DEFAULT '',
    attribute      TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    actor          TEXT NOT NULL,
    recorded_at    TEXT NOT NULL
);
CREATE INDEX disclosure_attribute_changes_item ON disclosure_attribute_changes (item_id, id);
-- 文号 is looked up on every add and import row.
CREATE INDEX disclosure_items_doc_no ON disclosure_items (doc_no);
CREATE TRIGGER disclosure_attribute_changes_append_only BEFORE UPDATE ON disclosure_attribute_changes
BEGIN SELECT RAISE(ABORT, 'append-only'); END;

-- Items may now change their attribute (always together with a row above); nothing else changes.
DROP TRIGGER disclosure_items_end_once;
CREATE TRIGGER disclosure_items_end_once BEFORE UPDATE ON disclosure_items
WHEN OLD.ended_on IS NOT NULL OR (NEW.ref != OLD.ref AND substr(OLD.ref, 1, 4) != 'tmp-') OR NEW.title != OLD.title
  OR NEW.doc_no != OLD.doc_no OR NEW.kind != OLD.kind OR NEW.made_on != OLD.made_on
BEGIN SELECT RAISE(ABORT, 'disclosure items only gain an end, once'); END;
