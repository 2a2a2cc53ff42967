"""The corpus store: SQLite by default, PostgreSQL by URL, the same tables in both.

One row per distinct content (sha256) in ``documents``, whether it parsed or failed; every
path where that content was seen in ``document_paths``; the cells and findings of a parsed
report, and the figures its narrative states, in their own tables so exports and statistics need
no JSON walking.  A report is
written in one transaction, so a run killed at any moment leaves whole reports or nothing.
User corrections of agency placement live in their own table that ingest never writes.
"""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal

from pathlib import Path

from gongkai.db import Database, is_postgres, now_stamp
from gongkai.errors import GongkaiError
from gongkai.db.paths import default_corpus_path

sqlite3.register_adapter(Decimal, str)

# Columns added after the first corpora were made; an older corpus gets them when opened.
# previous_id: the last-year report the cross-year rules compared with (documents: the one last
# compared, NULL when not yet compared; findings: NULL for the report's own checks).
_ADDED_COLUMNS = (("documents", "previous_id", "BIGINT"), ("findings", "previous_id", "BIGINT"),
                  ("cells", "confidence", "REAL"))  # OCR confidence; NULL for text not read by OCR


FIGURE_COLUMNS = ("seq", "section", "sentence", "text", "value", "unit", "counts", "cells", "approx", "from_words",
                  "scope", "year", "part_of")


def figure_rows(report) -> list[tuple]:
    """The narrative's figures as the ``figures`` table keeps them (``FIGURE_COLUMNS``)."""
    return [(seq, f.section, f.sentence, f.text, f.value, f.unit, f.counts, ";".join(f.cells) or None,
             1 if f.approx else 0, 1 if f.from_words else 0, f.scope, f.year, f.part_of)
            for seq, f in enumerate(report.figures)]


def default_url() -> str:
    """GONGKAI_CORPUS_URL (the web's 汇总 reads the same), else ``<data home>/corpus.db``."""
    from gongkai.settings import current

    return current().corpus_url or str(default_corpus_path())


class Store(Database):
    """The corpus's tables (migrations in ``corpus/migrations``) on gongkai's database layer."""

    def __init__(self, url: str | None = None, create: bool = True):
        """``create=False`` for commands that only read: a missing SQLite file is an error, not a
        new empty corpus."""
        self.url = url or default_url()
        if not create and not is_postgres(self.url) and not Path(self.url.removeprefix("sqlite:///")).is_file():
            raise GongkaiError("语料库不存在。请先用 gongkai ingest 建立语料库，或用 --db 指定已有的语料库。",
                               self.url.removeprefix("sqlite:///"))
        # Published reports, not personal data: the file follows the umask.
        super().__init__(self.url, ("gongkai.corpus",), what="语料库", durable=False, private=False)
        self.url = url or default_url()
        self.kind = self.dialect
        self._add_columns()
        self._placed: dict[str, dict] = {}  # agency placements already written by this connection

    def _add_columns(self) -> None:
        for table, column, kind in _ADDED_COLUMNS:
            if self.dialect == "postgresql":
                self.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}")
            elif column not in {r[1] for r in self.query(f"PRAGMA table_info({table})")}:
                self.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")

    def transaction(self, pipeline: bool = True):
        """A report's statements go out pipelined on PostgreSQL (no reply waited per row)."""
        return super().transaction(pipeline=pipeline)

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
               result.get("report_json") or (json.dumps(report, ensure_ascii=False) if report else None), now_stamp())
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
                self.execute("DELETE FROM figures WHERE document_id = ?", (doc_id,))
                # Cross-year results that rest on the earlier parse, its own or the next year's,
                # are dropped and marked undone, so the cross-year pass redoes them even after
                # a run killed before it got there.
                self.execute("DELETE FROM findings WHERE previous_id = ?", (doc_id,))
                self.execute("UPDATE documents SET previous_id = NULL WHERE id = ? OR previous_id = ?",
                             (doc_id, doc_id))
            self.insert_rows("cells", ("document_id", "cell_id", "value", "raw", "place", "inferred", "confidence"),
                             [(doc_id, *c) for c in result.get("cells", ())])
            self.insert_rows("findings", ("document_id", "seq", "rule", "severity", "cells", "message", "place"),
                             [(doc_id, i, f["rule"], f["severity"], ";".join(f.get("cells", ())), f["message"],
                               f.get("where")) for i, f in enumerate(result.get("findings", ()))])
            self.insert_rows("figures", ("document_id", *FIGURE_COLUMNS),
                             [(doc_id, *f) for f in result.get("figures", ())])
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
                         (placement["agency_key"], placement["code"], placement.get("unit"), now_stamp()))
            self.execute("DELETE FROM agencies WHERE agency_key = ?", (placement["agency_key"],))
            self._auto_place(placement)
        self._placed.pop(placement["agency_key"], None)

    def counts(self, region: str = "") -> dict[str, int]:
        """Documents by status; with a division code prefix, only the reports placed in it (a
        file that could not be read has no agency, so no region)."""
        if not region:
            rows = self.query("SELECT status, COUNT(*) FROM documents GROUP BY status")
        else:
            rows = self.query("SELECT d.status, COUNT(*) FROM documents d JOIN agencies a ON a.agency_key = d.agency_key"
                              " WHERE a.code LIKE ? GROUP BY d.status", (f"{region}%",))
        return {status: int(n) for status, n in rows}

    def summaries(self, region: str = "", year: int | None = None, readable: bool = False) -> list[dict]:
        """One dict per document (its placement and its findings counted by severity), in a
        division code prefix and year when given, readable ones only if asked; ordered by agency,
        year, id."""
        sql = ("SELECT d.id, d.agency, d.agency_key, d.year, d.status, d.published, a.code, a.unit,"
               " (SELECT COUNT(*) FROM findings f WHERE f.document_id = d.id AND f.severity = 'error'),"
               " (SELECT COUNT(*) FROM findings f WHERE f.document_id = d.id AND f.severity = 'warning'),"
               " (SELECT COUNT(*) FROM findings f WHERE f.document_id = d.id AND f.severity = 'notice')"
               " FROM documents d LEFT JOIN agencies a ON a.agency_key = d.agency_key WHERE 1 = 1")
        params: list = []
        if region:
            sql += " AND a.code LIKE ?"
            params.append(f"{region}%")
        if year is not None:
            sql += " AND d.year = ?"
            params.append(year)
        if readable:
            sql += " AND d.status = 'ok'"
        keys = ("id", "agency", "agency_key", "year", "status", "published", "code", "unit", "errors", "warnings",
                "notices")
        return [dict(zip(keys, row)) for row in self.query(sql + " ORDER BY d.agency, d.year, d.id", params)]

    def document(self, document_id: int) -> dict | None:
        """A stored document as the web shows it: where it came from, its placement, every path it
        was seen at, and its findings (its own, then the cross-year ones with ``previous_id``)."""
        rows = self.query(
            "SELECT d.id, d.name, d.path, d.form, d.status, d.reason, d.agency, d.year, d.format, d.published,"
            " d.ingested_at, a.code, a.province, a.city, a.county FROM documents d"
            " LEFT JOIN agencies a ON a.agency_key = d.agency_key WHERE d.id = ?", (document_id,))
        if not rows:
            return None
        keys = ("id", "name", "path", "form", "status", "reason", "agency", "year", "format", "published",
                "ingested_at", "code", "province", "city", "county")
        out = dict(zip(keys, rows[0]))
        out["paths"] = [p for (p,) in self.query(
            "SELECT path FROM document_paths WHERE document_id = ? ORDER BY path", (document_id,))]
        out["findings"] = [dict(zip(("rule", "severity", "cells", "message", "where", "previous_id"), f)) for f in self.query(
            "SELECT rule, severity, cells, message, place, previous_id FROM findings WHERE document_id = ?"
            " ORDER BY previous_id IS NOT NULL, seq", (document_id,))]
        return out

    def failures(self) -> list[tuple]:
        return self.query("SELECT id, path, form, reason, parser_version FROM documents"
                          " WHERE status = 'failed' ORDER BY path")

    def load_report(self, document_id: int):
        """The stored parse of a report, as a ``Report`` (amounts back as ``Decimal``)."""
        from gongkai.model import Report

        rows = self.query("SELECT report_json FROM documents WHERE id = ? AND status = 'ok'", (document_id,))
        return Report.from_json(rows[0][0]) if rows and rows[0][0] else None
