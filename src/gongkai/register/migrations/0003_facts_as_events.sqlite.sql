-- gongkai: rebuilds tables
-- The register's facts become append-only as a whole (#14): a request is its number and its
-- history.  What the clerk registered (applicant, contact details, channel, content, dates) is
-- the data of step 1, `registered`, so contact details are kept per request and a later request
-- of the same applicant changes nothing here; corrections are `amended` steps and voids
-- `voided` steps, with who, when and why.  Steps are numbered within their request (`seq`).
-- What is derived from the history (state, due date, lateness, current facts) lives in
-- `request_state`, a cache rebuilt from the steps whenever one is added (and by `rebuild`).
CREATE TABLE requests_v3 (
    id          INTEGER PRIMARY KEY,
    ref         TEXT NOT NULL UNIQUE,     -- 申请编号
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
INSERT INTO requests_v3 (id, ref, created_by, created_at) SELECT id, ref, created_by, created_at FROM requests;

CREATE TABLE events_v3 (
    id           INTEGER PRIMARY KEY,
    request_id   INTEGER NOT NULL REFERENCES requests (id),
    seq          INTEGER NOT NULL,           -- 1 = registration, then in the order recorded
    kind         TEXT NOT NULL,              -- data/events.yaml
    on_date      TEXT NOT NULL,
    data         TEXT NOT NULL DEFAULT '{}', -- JSON
    actor        TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    UNIQUE (request_id, seq)
);
INSERT INTO events_v3 (request_id, seq, kind, on_date, data, actor, recorded_at)
SELECT r.id, 1, 'registered', r.submitted_on,
       json_object('applicant_type', r.applicant_type, 'name', a.name, 'id_number', a.id_number,
                   'phone', a.phone, 'email', a.email, 'address', a.address, 'channel', r.channel,
                   'content', r.content, 'pieces', r.pieces,
                   'receipt_on', CASE WHEN r.received_on <> r.submitted_on THEN r.received_on END),
       r.created_by, r.created_at
FROM requests r JOIN applicants a ON a.id = r.applicant_id ORDER BY r.id;
INSERT INTO events_v3 (request_id, seq, kind, on_date, data, actor, recorded_at)
SELECT e.request_id, 1 + (SELECT COUNT(*) FROM events p WHERE p.request_id = e.request_id AND p.id <= e.id),
       e.kind, e.on_date, e.data, e.actor, e.recorded_at
FROM events e ORDER BY e.id;

DROP TABLE events;
DROP TABLE requests;
DROP TABLE applicants;
ALTER TABLE requests_v3 RENAME TO requests;
ALTER TABLE events_v3 RENAME TO events;
CREATE INDEX events_request ON events (request_id, seq);

CREATE TRIGGER requests_no_update BEFORE UPDATE ON requests
BEGIN SELECT RAISE(ABORT, 'requests are append-only: record an amended step instead'); END;
CREATE TRIGGER requests_no_delete BEFORE DELETE ON requests
BEGIN SELECT RAISE(ABORT, 'requests are append-only: record a voided step instead'); END;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- Derived from the steps; rewritten in the same transaction as every step, never a fact.
CREATE TABLE request_state (
    request_id      INTEGER PRIMARY KEY REFERENCES requests (id),
    applicant_type  TEXT NOT NULL,   -- table-3 column (as corrected)
    applicant_name  TEXT NOT NULL,
    id_number       TEXT NOT NULL DEFAULT '',
    channel         TEXT NOT NULL,
    content         TEXT NOT NULL,
    pieces          INTEGER NOT NULL,
    submitted_on    TEXT NOT NULL,
    received_on     TEXT NOT NULL,   -- 条例 Art. 31
    state           TEXT NOT NULL,
    outcome         TEXT,
    concluded_on    TEXT,
    due_on          TEXT,            -- the due date, or the one passed unanswered
    due_assumed     INTEGER NOT NULL DEFAULT 0,
    late            INTEGER NOT NULL DEFAULT 0,   -- answered late or a due date passed unanswered
    CHECK (concluded_on IS NULL OR concluded_on >= received_on)
);
CREATE INDEX request_state_received ON request_state (received_on);
CREATE INDEX request_state_concluded ON request_state (concluded_on);
CREATE INDEX request_state_applicant ON request_state (applicant_type, applicant_name, id_number, received_on);

-- Number sequences of the office: request numbers (`ref`) and 文号 of letters (`doc`), per year.
CREATE TABLE counters (
    name  TEXT NOT NULL,
    year  INTEGER NOT NULL,
    last  INTEGER NOT NULL,
    PRIMARY KEY (name, year)
);
