-- 台账起始日期: the day from which the office declares every request it received is in the
-- register (and every request still open on that day).  Table 3 of a year before it is blank
-- with the reason, never 0 (nobody registering requests is not a body receiving none).
-- Append-only: a later declaration is a new row and the latest one is in force.
CREATE TABLE kept_since (
    id           INTEGER PRIMARY KEY,
    since        TEXT NOT NULL,               -- ISO date
    note         TEXT NOT NULL DEFAULT '',
    actor        TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE TRIGGER kept_since_no_update BEFORE UPDATE ON kept_since
BEGIN SELECT RAISE(ABORT, 'kept_since is append-only: declare again instead'); END;
CREATE TRIGGER kept_since_no_delete BEFORE DELETE ON kept_since
BEGIN SELECT RAISE(ABORT, 'kept_since is append-only: declare again instead'); END;
