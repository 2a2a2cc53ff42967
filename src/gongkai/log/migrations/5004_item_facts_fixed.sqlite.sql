-- Who registered an item, when, and whether it is 存量 are facts of its registration: like its
-- title and date they never change (the end, once, and the 公开属性 with its adjustment row do).
DROP TRIGGER disclosure_items_end_once;
CREATE TRIGGER disclosure_items_end_once BEFORE UPDATE ON disclosure_items
WHEN OLD.ended_on IS NOT NULL OR (NEW.ref != OLD.ref AND substr(OLD.ref, 1, 4) != 'tmp-') OR NEW.title != OLD.title
  OR NEW.doc_no != OLD.doc_no OR NEW.kind != OLD.kind OR NEW.made_on != OLD.made_on
  OR NEW.created_by != OLD.created_by OR NEW.created_at != OLD.created_at OR NEW.existing != OLD.existing
BEGIN SELECT RAISE(ABORT, 'disclosure items only gain an end, once'); END;
