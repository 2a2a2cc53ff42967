-- The request register.  Dates are ISO text (YYYY-MM-DD) in both dialects.
CREATE TABLE applicants (
    id          INTEGER PRIMARY KEY,
    type        TEXT NOT NULL,              -- one of the six table-3 applicant columns
    name        TEXT NOT NULL,
    id_number   TEXT NOT NULL DEFAULT '',   -- private: 身份证明
    phone       TEXT NOT NULL DEFAULT '',   -- private
    email       TEXT NOT NULL DEFAULT '',   -- private
    address     TEXT NOT NULL DEFAULT '',   -- private
    created_at  TEXT NOT NULL
);
CREATE INDEX applicants_key ON applicants (type, name, id_number);

CREATE TABLE requests (
    id              INTEGER PRIMARY KEY,
    ref             TEXT NOT NULL UNIQUE,    -- 申请编号
    applicant_id    INTEGER NOT NULL REFERENCES applicants (id),
    applicant_type  TEXT NOT NULL,           -- fixed at registration; table 3 column
    channel         TEXT NOT NULL,
    content         TEXT NOT NULL,
    pieces          INTEGER NOT NULL DEFAULT 1,
    submitted_on    TEXT NOT NULL,
    received_on     TEXT NOT NULL,           -- 条例 Art. 31
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    -- derived from the events, rewritten in the same transaction as every event
    state           TEXT NOT NULL DEFAULT 'registered',
    outcome         TEXT,
    concluded_on    TEXT,
    due_on          TEXT,
    CHECK (concluded_on IS NULL OR concluded_on >= received_on)
);
CREATE INDEX requests_received ON requests (received_on);
CREATE INDEX requests_concluded ON requests (concluded_on);
CREATE INDEX requests_applicant ON requests (applicant_id, received_on);

CREATE TABLE events (
    id           INTEGER PRIMARY KEY,
    request_id   INTEGER NOT NULL REFERENCES requests (id),
    kind         TEXT NOT NULL,
    on_date      TEXT NOT NULL,
    data         TEXT NOT NULL DEFAULT '{}',  -- JSON
    actor        TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX events_request ON events (request_id, id);

-- The history is append-only: nobody rewrites what was recorded.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
