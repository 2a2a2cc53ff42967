-- The State Council's holiday notices entered by the office (条例 Art. 33 counts 工作日), so every
-- clerk and the web server using this database compute the same due dates.  Append-only: a
-- year entered again is a new row, and the latest row of a year is the one in force.
CREATE TABLE workday_notices (
    id           INTEGER PRIMARY KEY,
    year         INTEGER NOT NULL,
    notice       TEXT NOT NULL,              -- 国办发明电〔2026〕××号
    holidays     TEXT NOT NULL DEFAULT '',   -- ISO days off, comma-separated
    workdays     TEXT NOT NULL DEFAULT '',   -- ISO 调休 weekend working days, comma-separated
    actor        TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX workday_notices_year ON workday_notices (year, id);
CREATE TRIGGER workday_notices_no_update BEFORE UPDATE ON workday_notices
BEGIN SELECT RAISE(ABORT, 'workday notices are append-only'); END;
CREATE TRIGGER workday_notices_no_delete BEFORE DELETE ON workday_notices
BEGIN SELECT RAISE(ABORT, 'workday notices are append-only'); END;
