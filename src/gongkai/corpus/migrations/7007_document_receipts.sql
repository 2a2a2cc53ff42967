-- When each content was first received (the start of the ingest run that first stored it), which
-- decides which of a body's reports of a year counts (store.received).  documents.ingested_at is
-- the last run that read the content: a re-read (ingest --reparse, a new parser version's re-read)
-- rewrites it, and made an original and its correction of the same 落款 tie.  Nothing but the first
-- store of a content and taking an export back (the earlier of the two) writes here.  A table of its
-- own for the reason of 7006.  Filled from what a corpus holds: a report re-read before 0.9.5 was
-- stored with the re-read's time, the only one left of it (docs/upgrade.md).
CREATE TABLE IF NOT EXISTS document_receipts (
  document_id BIGINT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
  received_at TEXT NOT NULL
);
INSERT INTO document_receipts (document_id, received_at) SELECT id, ingested_at FROM documents;
