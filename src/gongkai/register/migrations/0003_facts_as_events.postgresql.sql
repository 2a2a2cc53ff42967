-- The register's facts become append-only as a whole; see the SQLite file for the whole story.
ALTER TABLE events ADD COLUMN seq INTEGER;
-- numbering the existing steps is the migration's own update: the trigger is set again below
DROP TRIGGER events_no_update ON events;
UPDATE events e SET seq = 1 + (SELECT COUNT(*) FROM events p WHERE p.request_id = e.request_id AND p.id <= e.id);
INSERT INTO events (request_id, seq, kind, on_date, data, actor, recorded_at)
SELECT r.id, 1, 'registered', r.submitted_on,
       json_strip_nulls(json_build_object('applicant_type', r.applicant_type, 'name', a.name,
                   'id_number', a.id_number, 'phone', a.phone, 'email', a.email, 'address', a.address,
                   'channel', r.channel, 'content', r.content, 'pieces', r.pieces,
                   'receipt_on', CASE WHEN r.received_on <> r.submitted_on THEN r.received_on END))::text,
       r.created_by, r.created_at
FROM requests r JOIN applicants a ON a.id = r.applicant_id ORDER BY r.id;
ALTER TABLE events ALTER COLUMN seq SET NOT NULL;
CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
FOR EACH ROW EXECUTE FUNCTION events_append_only();
ALTER TABLE events ADD CONSTRAINT events_request_seq UNIQUE (request_id, seq);
DROP INDEX events_request;
CREATE INDEX events_request ON events (request_id, seq);

ALTER TABLE requests DROP COLUMN applicant_id, DROP COLUMN applicant_type, DROP COLUMN channel,
    DROP COLUMN content, DROP COLUMN pieces, DROP COLUMN submitted_on, DROP COLUMN received_on,
    DROP COLUMN state, DROP COLUMN outcome, DROP COLUMN concluded_on, DROP COLUMN due_on,
    DROP COLUMN due_assumed;
DROP TABLE applicants;

CREATE FUNCTION requests_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'requests are append-only: record an amended or voided step instead'; END $$;
CREATE TRIGGER requests_no_update BEFORE UPDATE OR DELETE ON requests
FOR EACH ROW EXECUTE FUNCTION requests_append_only();

CREATE TABLE request_state (
    request_id      BIGINT PRIMARY KEY REFERENCES requests (id),
    applicant_type  TEXT NOT NULL,
    applicant_name  TEXT NOT NULL,
    id_number       TEXT NOT NULL DEFAULT '',
    channel         TEXT NOT NULL,
    content         TEXT NOT NULL,
    pieces          INTEGER NOT NULL,
    submitted_on    TEXT NOT NULL,
    received_on     TEXT NOT NULL,
    state           TEXT NOT NULL,
    outcome         TEXT,
    concluded_on    TEXT,
    due_on          TEXT,
    due_assumed     INTEGER NOT NULL DEFAULT 0,
    late            INTEGER NOT NULL DEFAULT 0,
    CHECK (concluded_on IS NULL OR concluded_on >= received_on)
);
CREATE INDEX request_state_received ON request_state (received_on);
CREATE INDEX request_state_concluded ON request_state (concluded_on);
CREATE INDEX request_state_applicant ON request_state (applicant_type, applicant_name, id_number, received_on);

CREATE TABLE counters (
    name  TEXT NOT NULL,
    year  INTEGER NOT NULL,
    last  INTEGER NOT NULL,
    PRIMARY KEY (name, year)
);
