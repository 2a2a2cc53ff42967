"""The corpus store: SQLite by default, PostgreSQL by URL, the same tables in both.

One row per distinct content (sha256) in ``documents``, whether it parsed or failed; every
path where that content was seen in ``document_paths``; the cells and findings of a parsed
report in their own tables so exports and statistics need no JSON walking.  A report is
written in one transaction, so a run killed at any moment leaves whole reports or nothing.
User corrections of agency placement live in their own table that ingest never writes.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Iterator

from gongkai.errors import GongkaiError

sqlite3.register_adapter(Decimal, str)

_DDL = """
CREATE TABLE IF NOT EXISTS documents (
  id {serial},
  sha256 TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  path TEXT NOT NULL,
  form TEXT,
  size BIGINT,
  status TEXT NOT NULL,
  reason TEXT,
  parser_version TEXT NOT NULL,
  checked INTEGER NOT NULL DEFAULT 0,
  agency TEXT,
  agency_key TEXT,
  year INTEGER,
  format TEXT,
  published TEXT,
  report_json TEXT,
  ingested_at TEXT NOT NULL,
  previous_id BIGINT
);
CREATE TABLE IF NOT EXISTS document_paths (
  document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  PRIMARY KEY (document_id, path)
);
CREATE TABLE IF NOT EXISTS cells (
  document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  cell_id TEXT NOT NULL,
  value NUMERIC,
  raw TEXT,
  place TEXT,
  inferred INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (document_id, cell_id)
){clustered};
CREATE TABLE IF NOT EXISTS findings (
  document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  rule TEXT NOT NULL,
  severity TEXT NOT NULL,
  cells TEXT,
  message TEXT NOT NULL,
  place TEXT,
  previous_id BIGINT,
  PRIMARY KEY (document_id, seq)
);
CREATE TABLE IF NOT EXISTS agencies (
  agency_key TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  code TEXT,
  province TEXT,
  city TEXT,
  county TEXT,
  unit TEXT,
  level TEXT,
  source TEXT NOT NULL,
  note TEXT
);
CREATE TABLE IF NOT EXISTS placement_corrections (
  agency_key TEXT PRIMARY KEY,
  code TEXT NOT NULL,
  unit TEXT,
  corrected_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_agency ON documents(agency_key, year);
"""

# Columns added after the first corpora were made; an older corpus gets them when opened.
# previous_id: the last-year report the cross-year rules compared with (documents: the one last
# compared, NULL when not yet compared; findings: NULL for the report's own checks).
_ADDED_COLUMNS = (("documents", "previous_id", "BIGINT"), ("findings", "previous_id", "BIGINT"))


def default_url() -> str:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return str(Path(base) / "gongkai" / "corpus.db")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    """A thin layer over a DB-API connection; SQL is written once with ``?`` placeholders."""

    def __init__(self, url: str | None = None, create: bool = True):
        """``create=False`` for commands that only read: a missing SQLite file is an error, not a
        new empty corpus."""
        self.url = url or default_url()
        self.create = create
        if self.url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
            self.kind = "postgresql"
            self._connect_pg()
            self._create_pg()
        else:
            self.kind = "sqlite"
            self._connect_sqlite()
        self._placed: dict[str, dict] = {}  # agency placements already written by this connection

    # -- connection ------------------------------------------------------------------------
    def _connect_sqlite(self) -> None:
        path = self.url[len("sqlite:///"):] if self.url.startswith("sqlite:///") else self.url
        if not self.create and not Path(path).is_file():
            raise GongkaiError("语料库不存在。请先用 gongkai ingest 建立语料库，或用 --db 指定已有的语料库。", path)
        self.path = path
        # Switching to WAL needs an exclusive lock and does not wait on the busy timeout, so two
        # processes opening one new corpus at once retry instead of failing.
        for attempt in range(100):
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
                self.conn = sqlite3.connect(path, isolation_level=None, timeout=60)
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")
                self.conn.execute("PRAGMA foreign_keys=ON")
                self.conn.executescript(self._ddl())
                self._add_columns()
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == 99:
                    raise GongkaiError(f"无法打开语料库数据库：{exc}", path) from None
                self.conn.close()
                time.sleep(0.1)
            except (sqlite3.Error, OSError) as exc:
                raise GongkaiError(f"无法打开语料库数据库：{exc}", path) from None

    def _connect_pg(self) -> None:
        try:
            import psycopg
        except ImportError:
            raise GongkaiError("使用 PostgreSQL 需要安装 psycopg（pip install 'gongkai[web]'）。", self.url) from None
        url = self.url.replace("postgresql+psycopg://", "postgresql://")
        try:
            self.conn = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise GongkaiError(f"无法连接 PostgreSQL：{exc}".strip(), _redact(self.url)) from None
        self.path = _redact(self.url)

    def _ddl(self) -> str:
        serial = "BIGSERIAL PRIMARY KEY" if self.kind == "postgresql" else "INTEGER PRIMARY KEY"
        # SQLite: cells clustered on their key (no separate rowid b-tree): faster inserts, smaller file.
        return _DDL.replace("{serial}", serial).replace("{clustered}", "" if self.kind == "postgresql" else " WITHOUT ROWID")

    def _create_pg(self) -> None:
        with self.transaction():
            for stmt in self._ddl().split(";"):
                if stmt.strip():
                    self.conn.execute(stmt)
            self._add_columns()

    def _add_columns(self) -> None:
        for table, column, kind in _ADDED_COLUMNS:
            if self.kind == "postgresql":
                self.conn.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}")
            elif column not in {r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")}:
                self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- SQL helpers -----------------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.kind == "postgresql" else sql

    def execute(self, sql: str, params: tuple | list = ()):
        return self.conn.execute(self._sql(sql), params)

    def executemany(self, sql: str, rows: list) -> None:
        if not rows:
            return
        if self.kind == "postgresql":
            with self.conn.cursor() as cur:
                cur.executemany(self._sql(sql), rows)
        else:
            self.conn.executemany(sql, rows)

    def insert_rows(self, table: str, columns: tuple[str, ...], rows: list) -> None:
        """Bulk insert (on PostgreSQL inside the transaction's pipeline: no reply waited per row)."""
        if not rows:
            return
        marks = ", ".join("?" for _ in columns)
        self.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def query(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        return list(self.execute(sql, params).fetchall())

    def iterate(self, sql: str, params: tuple | list = (), size: int = 5000) -> Iterator[tuple]:
        """Stream a large result without holding it all (server-side cursor on PostgreSQL)."""
        if self.kind == "postgresql":
            with self.conn.transaction(), self.conn.cursor(name="gongkai_iter") as cur:
                cur.itersize = size
                cur.execute(self._sql(sql), params)
                yield from cur
        else:
            yield from self.conn.execute(sql, params)

    @contextmanager
    def transaction(self):
        if self.kind == "postgresql":
            # Pipeline mode: the statements of one report go out without waiting for each reply.
            with self.conn.pipeline(), self.conn.transaction():
                yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- documents -------------------------------------------------------------------------
    def known(self, sha256: str) -> tuple[int, str, str] | None:
        """(id, status, parser_version) of content already stored, or None."""
        rows = self.query("SELECT id, status, parser_version FROM documents WHERE sha256 = ?", (sha256,))
        return tuple(rows[0]) if rows else None

    def add_path(self, document_id: int, path: str) -> None:
        self.execute("INSERT INTO document_paths (document_id, path) VALUES (?, ?) ON CONFLICT DO NOTHING",
                     (document_id, path))

    def save(self, *, sha256: str, name: str, path: str, size: int, parser_version: str, result: dict,
             placement: dict | None, extra_paths: tuple[str, ...] = (), is_new: bool = False) -> int:
        """Write one processed file (parsed or failed) and everything derived from it, atomically."""
        report = result.get("report")
        status = "ok" if report is not None else "failed"
        agency_key = placement["agency_key"] if placement else None
        row = (sha256, name, path, result.get("form"), size, status, result.get("reason"), parser_version,
               1 if result.get("checked") else 0, report.get("agency") if report else None, agency_key,
               report.get("year") if report else None, report.get("format") if report else None,
               report.get("published") if report else None,
               result.get("report_json") or (json.dumps(report, ensure_ascii=False) if report else None), now())
        with self.transaction():
            doc_id = self.execute(
                "INSERT INTO documents (sha256, name, path, form, size, status, reason, parser_version, checked,"
                " agency, agency_key, year, format, published, report_json, ingested_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (sha256) DO UPDATE SET name = excluded.name, path = excluded.path,"
                " form = excluded.form, size = excluded.size, status = excluded.status, reason = excluded.reason,"
                " parser_version = excluded.parser_version, checked = excluded.checked, agency = excluded.agency,"
                " agency_key = excluded.agency_key, year = excluded.year, format = excluded.format,"
                " published = excluded.published, report_json = excluded.report_json,"
                " ingested_at = excluded.ingested_at RETURNING id", row).fetchone()[0]
            if not is_new:  # a redone report replaces what its earlier parse left
                self.execute("DELETE FROM cells WHERE document_id = ?", (doc_id,))
                self.execute("DELETE FROM findings WHERE document_id = ?", (doc_id,))
                # Cross-year results that rest on the earlier parse, its own or the next year's,
                # are dropped and marked undone, so the cross-year pass redoes them even after
                # a run killed before it got there.
                self.execute("DELETE FROM findings WHERE previous_id = ?", (doc_id,))
                self.execute("UPDATE documents SET previous_id = NULL WHERE id = ? OR previous_id = ?",
                             (doc_id, doc_id))
            self.insert_rows("cells", ("document_id", "cell_id", "value", "raw", "place", "inferred"),
                             [(doc_id, *c) for c in result.get("cells", ())])
            self.insert_rows("findings", ("document_id", "seq", "rule", "severity", "cells", "message", "place"),
                             [(doc_id, i, f["rule"], f["severity"], ";".join(f.get("cells", ())), f["message"],
                               f.get("where")) for i, f in enumerate(result.get("findings", ()))])
            for p in (path, *extra_paths):
                self.add_path(doc_id, p)
            if placement and placement is not self._placed.get(placement["agency_key"]):
                self._auto_place(placement)
                self._placed[placement["agency_key"]] = placement
        return doc_id

    def _auto_place(self, p: dict) -> None:
        """Record the automatic placement of an agency unless a user has corrected it."""
        self.execute(
            "INSERT INTO agencies (agency_key, name, code, province, city, county, unit, level, source, note)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (agency_key) DO UPDATE SET"
            " name = excluded.name, code = excluded.code, province = excluded.province, city = excluded.city,"
            " county = excluded.county, unit = excluded.unit, level = excluded.level, source = excluded.source,"
            " note = excluded.note WHERE agencies.source <> 'user'",
            (p["agency_key"], p["name"], p.get("code"), p.get("province"), p.get("city"), p.get("county"),
             p.get("unit"), p.get("level"), p["source"], p.get("note")))

    def correction(self, agency_key: str) -> tuple[str, str | None] | None:
        rows = self.query("SELECT code, unit FROM placement_corrections WHERE agency_key = ?", (agency_key,))
        return tuple(rows[0]) if rows else None

    def correct_placement(self, placement: dict) -> None:
        with self.transaction():
            self.execute("INSERT INTO placement_corrections (agency_key, code, unit, corrected_at) VALUES (?, ?, ?, ?)"
                         " ON CONFLICT (agency_key) DO UPDATE SET code = excluded.code, unit = excluded.unit,"
                         " corrected_at = excluded.corrected_at",
                         (placement["agency_key"], placement["code"], placement.get("unit"), now()))
            self.execute("DELETE FROM agencies WHERE agency_key = ?", (placement["agency_key"],))
            self._auto_place(placement)
        self._placed.pop(placement["agency_key"], None)

    def counts(self) -> dict[str, int]:
        rows = self.query("SELECT status, COUNT(*) FROM documents GROUP BY status")
        return {status: n for status, n in rows}

    def failures(self) -> list[tuple]:
        return self.query("SELECT id, path, form, reason, parser_version FROM documents"
                          " WHERE status = 'failed' ORDER BY path")

    def load_report(self, document_id: int):
        """The stored parse of a report, as a ``Report`` (amounts back as ``Decimal``)."""
        from gongkai.model import Report

        rows = self.query("SELECT report_json FROM documents WHERE id = ? AND status = 'ok'", (document_id,))
        return Report.from_json(rows[0][0]) if rows and rows[0][0] else None


def _redact(url: str) -> str:
    """A database URL without its password, for messages."""
    import re

    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)
