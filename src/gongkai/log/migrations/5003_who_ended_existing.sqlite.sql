-- Who recorded an item's end (废止/失效) and when, like every other entry of the log: an
-- export carries them and an import keeps them.  Older ends have '' (not recorded then).
ALTER TABLE disclosure_items ADD COLUMN ended_by TEXT NOT NULL DEFAULT '';
ALTER TABLE disclosure_items ADD COLUMN ended_at TEXT NOT NULL DEFAULT '';
-- 存量: a document of an earlier year entered only to count what is in force (table 2); it is
-- not held to the review chain and no duty to publish is computed from before it was entered.
ALTER TABLE disclosure_items ADD COLUMN existing INTEGER NOT NULL DEFAULT 0;
