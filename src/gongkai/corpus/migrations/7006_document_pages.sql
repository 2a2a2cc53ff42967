-- What the header of text a crawler kept of a report's web page said of it (model.Source):
-- posted (发布时间, ISO) and source_url (原文链接), one row per report that has either, so a
-- researcher can filter the crawler-read reports and cite the page.  A table of its own, not
-- columns of documents: SQLite adds a column after report_json, and a listing would follow each
-- row's overflow pages again to reach it (7004); nor is documents rebuilt a second time.  The
-- reports stored before are filled when 0.9.4 re-reads them (parser version 9).
CREATE TABLE IF NOT EXISTS document_pages (
  document_id BIGINT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
  posted TEXT,
  source_url TEXT
);
