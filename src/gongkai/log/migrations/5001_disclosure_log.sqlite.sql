-- The proactive-disclosure log (主动公开台账).  Block 5001–5999 of the shared store's migrations.
-- Dates are ISO text (YYYY-MM-DD).  Rows are only ever added; the one update allowed on an item
-- is recording its end (废止/失效) once, enforced by a trigger (besides replacing the temporary
-- number given on insert by the one derived from the row id).
CREATE TABLE disclosure_items (
    id                INTEGER PRIMARY KEY,
    ref               TEXT NOT NULL UNIQUE,       -- 台账编号
    title             TEXT NOT NULL,
    doc_no            TEXT NOT NULL DEFAULT '',   -- 文号
    kind              TEXT NOT NULL,              -- rules | normative_docs | other
    made_on           TEXT NOT NULL,              -- 形成（制发）日期
    attribute         TEXT NOT NULL,              -- active | on_request | withheld (公开属性)
    attribute_reason  TEXT NOT NULL DEFAULT '',   -- required unless active
    ended_kind        TEXT,                       -- repealed (废止) | expired (失效)
    ended_on          TEXT,
    ended_note        TEXT NOT NULL DEFAULT '',
    created_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    CHECK (ended_on IS NULL OR ended_on >= made_on),
    CHECK ((ended_on IS NULL) = (ended_kind IS NULL))
);
CREATE INDEX disclosure_items_made ON disclosure_items (kind, made_on);
CREATE INDEX disclosure_items_ended ON disclosure_items (kind, ended_on);

CREATE TRIGGER disclosure_items_end_once BEFORE UPDATE ON disclosure_items
WHEN OLD.ended_on IS NOT NULL OR (NEW.ref != OLD.ref AND substr(OLD.ref, 1, 4) != 'tmp-') OR NEW.title != OLD.title OR NEW.doc_no != OLD.doc_no
  OR NEW.kind != OLD.kind OR NEW.made_on != OLD.made_on OR NEW.attribute != OLD.attribute
  OR NEW.attribute_reason != OLD.attribute_reason
BEGIN SELECT RAISE(ABORT, 'disclosure items only gain an end, once'); END;

-- 拟稿 → 核稿 → 审签: who and when, one row per step.
CREATE TABLE disclosure_reviews (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES disclosure_items (id),
    step         TEXT NOT NULL,   -- draft | check | sign
    person       TEXT NOT NULL,
    on_date      TEXT NOT NULL,
    actor        TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    UNIQUE (item_id, step)
);

-- 变更: each change starts a new 20-working-day clock (条例 Art. 26).
CREATE TABLE disclosure_changes (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES disclosure_items (id),
    changed_on   TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    actor        TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX disclosure_changes_item ON disclosure_changes (item_id, changed_on);

-- Where and when an item was published: one row per channel/column.
CREATE TABLE disclosure_publications (
    id            INTEGER PRIMARY KEY,
    item_id       INTEGER NOT NULL REFERENCES disclosure_items (id),
    channel       TEXT NOT NULL,
    column_name   TEXT NOT NULL DEFAULT '',
    published_on  TEXT NOT NULL,
    url           TEXT NOT NULL DEFAULT '',
    actor         TEXT NOT NULL,
    recorded_at   TEXT NOT NULL
);
CREATE INDEX disclosure_publications_item ON disclosure_publications (item_id, published_on);
CREATE INDEX disclosure_publications_day ON disclosure_publications (published_on);

-- Monthly figures for the other table-2 rows; a later entry for the same month and row wins,
-- earlier ones stay as history.
CREATE TABLE disclosure_figures (
    id           INTEGER PRIMARY KEY,
    year         INTEGER NOT NULL,
    month        INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    row_id       TEXT NOT NULL,
    value        TEXT NOT NULL,   -- decimal as text, exact
    actor        TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX disclosure_figures_key ON disclosure_figures (year, row_id, month, id);

CREATE TRIGGER disclosure_reviews_append_only BEFORE UPDATE ON disclosure_reviews
BEGIN SELECT RAISE(ABORT, 'append-only'); END;
CREATE TRIGGER disclosure_changes_append_only BEFORE UPDATE ON disclosure_changes
BEGIN SELECT RAISE(ABORT, 'append-only'); END;
CREATE TRIGGER disclosure_publications_append_only BEFORE UPDATE ON disclosure_publications
BEGIN SELECT RAISE(ABORT, 'append-only'); END;
CREATE TRIGGER disclosure_figures_append_only BEFORE UPDATE ON disclosure_figures
BEGIN SELECT RAISE(ABORT, 'append-only'); END;
