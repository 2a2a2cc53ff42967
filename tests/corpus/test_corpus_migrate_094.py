"""A corpus of 0.9.3 opened by 0.9.4: migration 7003 fills stat_cells, 7004 rebuilds SQLite's
documents with report_json last (a listing read each row's overflow pages to reach previous_id
after the ~30 KB JSON), 7005 adds the kept answers (corpus/kept.py), 7006 the table of a crawled
page's 发布时间 and 原文链接 (and 0.9.5's 7007 the first receipts) — every row, number and link kept;
a corpus older than previous_id too."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from gk_corpus_helpers import SEEDS, two_years

from gongkai.corpus.ingest import ingest
from gongkai.corpus.stats import computed
from gongkai.corpus.store import Store

# documents as 7001 made it (and as every corpus up to 0.9.3 has it): report_json before the last two
_OLD_DOCUMENTS = """CREATE TABLE documents (
  id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, name TEXT NOT NULL, path TEXT NOT NULL, form TEXT,
  size BIGINT, status TEXT NOT NULL, reason TEXT, parser_version TEXT NOT NULL, checked INTEGER NOT NULL DEFAULT 0,
  agency TEXT, agency_key TEXT, year INTEGER, format TEXT, published TEXT, report_json TEXT, ingested_at TEXT NOT NULL,
  previous_id BIGINT)"""
_COLUMNS = ("id, sha256, name, path, form, size, status, reason, parser_version, checked, agency, agency_key, year,"
            " format, published, report_json, ingested_at, previous_id")


def _as_093(db: str, without_previous_id: bool = False) -> None:
    """Put the corpus back as 0.9.3 left it (or, ``without_previous_id``, as a corpus made before
    the cross-year columns: they were added when opened)."""
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute("BEGIN")
    # (SQLite's rebuilding of a table: renaming documents itself would make the other tables' keys
    # name the new name)
    con.execute(_OLD_DOCUMENTS.replace("TABLE documents", "TABLE documents_093"))
    con.execute(f"INSERT INTO documents_093 ({_COLUMNS}) SELECT {_COLUMNS} FROM documents")
    con.execute("DROP TABLE documents")
    con.execute("ALTER TABLE documents_093 RENAME TO documents")
    con.execute("CREATE INDEX documents_agency ON documents(agency_key, year)")
    con.execute("DROP TABLE stat_cells")
    con.execute("DROP INDEX findings_rule")
    con.execute("DROP TABLE corpus_state")
    con.execute("DROP TABLE kept_answers")
    con.execute("DROP TABLE document_pages")
    con.execute("DROP TABLE document_receipts")
    con.execute("DELETE FROM schema_version WHERE version >= 7003")
    if without_previous_id:
        con.execute("DELETE FROM findings WHERE previous_id IS NOT NULL")
        con.execute("ALTER TABLE findings DROP COLUMN previous_id")
        con.execute("ALTER TABLE documents DROP COLUMN previous_id")
    con.execute("COMMIT")
    con.close()


def _columns(db: str) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return [r[1] for r in con.execute("PRAGMA table_info(documents)")]
    finally:
        con.close()


def _everything(store: Store) -> dict:
    return {"documents": store.query(f"SELECT {_COLUMNS} FROM documents ORDER BY id"),
            "cells": store.query("SELECT COUNT(*), SUM(value) FROM cells"),
            "findings": store.query("SELECT document_id, seq, rule, previous_id FROM findings ORDER BY document_id, seq"),
            "paths": store.query("SELECT * FROM document_paths ORDER BY document_id, path"),
            "stat_cells": store.query("SELECT * FROM stat_cells ORDER BY document_id"),
            "reports": store.reports(), "stats": computed(store, "county").records()}


@pytest.fixture
def corpus(tmp_path) -> str:
    last, this = two_years(tmp_path / "in")
    db = str(tmp_path / "c.db")
    with Store(db) as store:
        assert ingest([str(last), str(this), *map(str, SEEDS)], store, workers=1).added == 7
    return db


def test_a_093_corpus_is_rebuilt_with_the_report_json_last_and_loses_nothing(corpus):
    with Store(corpus) as store:
        before = _everything(store)
    assert any(r.previous_id for r in before["reports"])  # the cross-year link is carried
    _as_093(corpus)
    assert _columns(corpus)[-3:] == ["report_json", "ingested_at", "previous_id"]
    with Store(corpus) as store:
        assert store.applied_now == [7003, 7004, 7005, 7006, 7007]
        assert _everything(store) == before
        assert store.query("PRAGMA foreign_key_check") == [] and store.query("PRAGMA integrity_check") == [("ok",)]
        assert [step[-1] for step in store.query(
            "EXPLAIN QUERY PLAN SELECT id FROM documents WHERE agency_key = ? AND year = ?", ("x", 2020))] == [
            "SEARCH documents USING COVERING INDEX documents_agency (agency_key=? AND year=?)"]
        later = max(r.id for r in before["reports"]) + 1
        # a new report is numbered after the others, and its cells still belong to their report
        assert ingest([str(Path(SEEDS[0]).parent / "crawler-text" / "ptzhsyqgwh-2019.txt")], store, workers=1).added == 1
        assert [r.id for r in store.reports()][-1] == later
        # 7006: the crawler header's 发布时间 and 原文链接 of a report stored after the migration
        assert (store.reports()[-1].posted, store.reports()[-1].source_url) == (
            "2020-01-22T14:28",
            "https://www.pingtan.gov.cn/zwgk/zfxxgk/dfbmptlj/ptzhsyqbm/ptzhsyqgwh/zfxxgknb/202001/t20200122_80577.htm")
    assert _columns(corpus)[-3:] == ["ingested_at", "previous_id", "report_json"]


def test_a_corpus_older_than_the_cross_year_columns_is_brought_up_to_date(corpus):
    _as_093(corpus, without_previous_id=True)
    with Store(corpus) as store:
        assert store.applied_now == [7003, 7004, 7005, 7006, 7007]
        assert {r.previous_id for r in store.reports()} == {None}
        assert len(store.reports()) == 7
    assert _columns(corpus)[-3:] == ["ingested_at", "previous_id", "report_json"]
