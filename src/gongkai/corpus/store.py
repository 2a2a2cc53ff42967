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
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from gongkai.db import Database, is_postgres, now_stamp
from gongkai.db.paths import default_corpus_path
from gongkai.errors import NotFound

if TYPE_CHECKING:
    from gongkai.model import Finding, Report

sqlite3.register_adapter(Decimal, str)

# Columns added after the first corpora were made; an older corpus gets them when opened.
# previous_id: the last-year report the cross-year rules compared with (documents: the one last
# compared, NULL when not yet compared; findings: NULL for the report's own checks).
# cells: confidence (OCR; NULL for text not read by OCR), basis (what fixed an inferred value,
# ";"-separated model.BASIS ids), candidates (an ambiguous cell's possible values, ";"-separated).
# findings: quote (Finding.quote: COPY's passages, a TEXT-* rule's sentence; the cross-year
# findings live only here; NULL in rows stored before it, until PARSER_VERSION 7 re-parses them).
_ADDED_COLUMNS = (("documents", "previous_id", "BIGINT"), ("findings", "previous_id", "BIGINT"),
                  ("cells", "confidence", "REAL"), ("cells", "basis", "TEXT"), ("cells", "candidates", "TEXT"),
                  ("findings", "quote", "TEXT"))


_CELL_COLUMNS = ("document_id", "cell_id", "value", "raw", "place", "inferred", "confidence", "basis", "candidates")
_FINDING_COLUMNS = ("document_id", "seq", "rule", "severity", "cells", "message", "place", "quote")
FIGURE_COLUMNS = ("seq", "section", "sentence", "text", "value", "unit", "counts", "cells", "approx", "from_words",
                  "scope", "year", "part_of")


# The cells the corpus's statistics sum (corpus/stats.py), each a column of ``stat_cells``
# (migration 7003), written with a report's cells: the statistics of 100,000 reports sum 100,000
# narrow rows in the database instead of reading 1.3 million cells into Python.
STAT_CELLS = {
    "received": "table3.new_received.total",
    "handled": "table3.total.total",
    "granted": "table3.granted.total",
    "not_held": "table3.unable.not_held.total",
    "review_total": "table4.review.total",
    "review_corrected": "table4.review.corrected",
    "review_pending": "table4.review.pending",
    "lit_direct_total": "table4.litigation_direct.total",
    "lit_direct_corrected": "table4.litigation_direct.corrected",
    "lit_direct_pending": "table4.litigation_direct.pending",
    "lit_after_total": "table4.litigation_after_review.total",
    "lit_after_corrected": "table4.litigation_after_review.corrected",
    "lit_after_pending": "table4.litigation_after_review.pending",
}
_TABLE4 = ("review", "lit_direct", "lit_after")
# Each ratio of the statistics: (numerator, denominator, the columns it needs).  A report adds to a
# ratio only when it prints every number the ratio needs: a blank is never taken as 0 (stats.py).
STAT_RATIOS = {
    "received": ("received", "1", ("received",)),
    "granted": ("granted", "handled", ("granted", "handled")),
    "not_held": ("not_held", "handled", ("not_held", "handled")),
    "reviews": ("review_total", "received", ("review_total", "received")),
    "lawsuits": ("lit_direct_total + lit_after_total", "received", ("lit_direct_total", "lit_after_total", "received")),
    "corrected": (" + ".join(f"{g}_corrected" for g in _TABLE4),
                  " + ".join(f"{g}_total - {g}_pending" for g in _TABLE4),
                  tuple(f"{g}_{part}" for g in _TABLE4 for part in ("corrected", "total", "pending"))),
}


def stat_row(cells: Iterable[Sequence[Any]]) -> tuple | None:
    """The ``stat_cells`` values (``STAT_CELLS``'s order) of a report's cell rows (cell id, value, …);
    None when it prints none of them."""
    wanted = {cell_id: column for column, cell_id in STAT_CELLS.items()}
    values = {wanted[c[0]]: c[1] for c in cells if c[0] in wanted}
    return tuple(values.get(column) for column in STAT_CELLS) if values else None


def cell_rows(report: Report, written: dict[str, dict] | None = None) -> list[tuple]:
    """(cell id, value, raw, place, inferred, OCR confidence, basis, candidates) of every cell,
    as the store keeps them.  ``written``: the report's ``to_dict()["cells"]`` when it is at hand,
    whose positions are already written out (a few µs each, ~200 a report)."""
    open_values = report.candidate_values()
    rows = []
    for cell_id, value in report.iter_cells():
        info = report.cells.get(cell_id)
        candidates = open_values.get(cell_id)
        place = None
        if info and info.where:
            place = written[cell_id]["where"] if written is not None else str(info.where)
        rows.append((cell_id, value, info.raw if info and info.raw != "" else None, place, 1 if info and info.inferred else 0,
                     info.confidence if info else None, ";".join(info.basis) if info and info.basis else None,
                     ";".join(candidates) if candidates else None))
    return rows


def figure_rows(report) -> list[tuple]:
    """The narrative's figures as the ``figures`` table keeps them (``FIGURE_COLUMNS``)."""
    return [(seq, f.section, f.sentence, f.text, f.value, f.unit, f.counts, ";".join(f.cells) or None,
             1 if f.approx else 0, 1 if f.from_words else 0, f.scope, f.year, f.part_of)
            for seq, f in enumerate(report.figures)]


# -- what the store's queries return ------------------------------------------------------------
class StoredReport(NamedTuple):
    """A readable stored report: its provenance and where its body is placed (the placement
    fields are None for a body not placed)."""
    id: int
    sha256: str
    name: str
    path: str
    form: str | None
    agency: str | None
    agency_key: str | None
    year: int | None
    format: str | None
    published: str | None
    parser_version: str
    checked: bool
    previous_id: int | None  # the last-year report its cross-year findings were made with
    code: str | None
    province: str | None
    city: str | None
    county: str | None
    unit: str | None
    level: str | None
    placement: str | None  # how the body was placed: auto | user
    posted: str | None  # the web page's 发布时间 a crawler kept (ISO), not the 落款 (published)
    source_url: str | None  # the page's 原文链接
    ingested_at: str = ""  # the start of the ingest run that last read it
    received_at: str = ""  # the start of the ingest run that first stored it (``received``)


def received(received_at: str | None, published: str | None, sha256: str) -> tuple[str, str, str]:
    """The order of receipt of the reports of one body and year: of several (a corrected re-send,
    signed with the same date as Word users do; the same report as PDF and web page) the greatest
    is the one counted — by the roll-up, the statistics, the cross-year checks and the 名录.  The
    last received (``received_at``: when its content was first stored, which a re-read leaves as
    it was); within one ingest run, where that is one value, the later 落款, then the greater
    content hash: not which worker stored it first (docs/dataset.md)."""
    return (received_at or "", published or "", sha256)


def received_desc(dialect: str) -> str:
    """``received`` as the database orders by it, greatest first: ORDER BY terms over
    ``documents d`` joined with its first receipt (``_RECEIPT``: the statistics' choice, the
    cross-year pass).  Code-point order on both databases (PostgreSQL would otherwise use the
    database's collation), as Python compares ``received``'s strings; change the two together."""
    c = ' COLLATE "C"' if dialect == "postgresql" else ""
    return f"COALESCE(r.received_at, d.ingested_at){c} DESC, COALESCE(d.published, ''){c} DESC, d.sha256{c} DESC"


class Counted(NamedTuple):
    """A readable report as the statistics choose and group it (``Store.in_counting_order``)."""
    id: int
    agency: str | None
    agency_key: str | None
    year: int | None
    code: str | None
    province: str | None
    city: str | None
    county: str | None
    unit: str | None


# The records below are the Python API's (``Corpus.findings()``, ``failures()``, ``store.cells()``
# …): their fields are named as the export's tables name them (docs/dataset.md), so that a
# DataFrame of either has the same columns.

def renamed(call: str, table: str, old: str, new: str) -> None:
    """A field 0.9.1 documented under ``old`` was read: say its new name (once per place)."""
    import warnings

    warnings.warn(f"{call} 的记录字段 {old} 已改名为 {new}（与导出的 {table} 表和 API 一致），"
                  f"{old} 将在以后的版本中去掉。", DeprecationWarning, stacklevel=3)


class StoredCell(NamedTuple):
    """A cell of a readable report, with the report it belongs to."""
    report_id: int
    sha256: str
    agency: str | None
    year: int | None
    format: str | None
    cell_id: str
    value: Any  # an int or Decimal, None for a blank
    raw: str | None
    where: str | None
    inferred: bool
    confidence: float | None
    basis: str | None        # ";"-separated model.BASIS ids
    candidates: str | None   # ";"-separated values an ambiguous cell may have


class StoredFigure(NamedTuple):
    """A figure a readable report's narrative states (``FIGURE_COLUMNS``), with its report."""
    report_id: int
    sha256: str
    agency: str | None
    year: int | None
    seq: int
    section: int
    sentence: str
    text: str
    value: Any
    unit: str
    counts: str | None
    cells: str | None
    approx: bool
    from_words: bool
    scope: str | None
    stated_year: int | None
    part_of: int | None


class StoredFinding(NamedTuple):
    """A finding on a stored report (``previous_report_id``: the last-year report of a cross-year
    one): the export's findings table's row.  0.9.1 documented ``document_id``, ``place`` and
    ``previous_id``: still readable as attributes, with a DeprecationWarning."""
    report_id: int
    sha256: str
    agency: str | None
    year: int | None
    seq: int
    rule: str
    severity: str
    cells: str | None
    message: str
    where: str | None
    previous_report_id: int | None
    quote: str | None = None  # the passages or sentence it quotes (Finding.quote)

    @property
    def document_id(self) -> int:
        """Deprecated (0.9.1): ``report_id``."""
        renamed("Corpus.findings()", "findings", "document_id", "report_id")
        return self.report_id

    @property
    def place(self) -> str | None:
        """Deprecated (0.9.1): ``where``."""
        renamed("Corpus.findings()", "findings", "place", "where")
        return self.where

    @property
    def previous_id(self) -> int | None:
        """Deprecated (0.9.1): ``previous_report_id``."""
        renamed("Corpus.findings()", "findings", "previous_id", "previous_report_id")
        return self.previous_report_id


class StatGroups(NamedTuple):
    """The reports a statistics table counts, by group (``Store.stat_groups``)."""
    json: str  # [[report id, group number, 1 when its figures are summed else 0], ...]


class Known(NamedTuple):
    """What the store holds of a content hash (``reason``: why it failed, None if it parsed)."""
    id: int
    status: str
    parser_version: str
    ingested_at: str
    form: str | None
    reason: str | None


class Failure(NamedTuple):
    """A stored file that could not be read, and why: the export's failures table's row."""
    report_id: int
    sha256: str
    name: str
    path: str
    form: str | None
    reason: str | None
    parser_version: str


# A document's first receipt (``received``); its ingested_at for a row stored without one.
_RECEIPT = " LEFT JOIN document_receipts r ON r.document_id = d.id"
_REPORT_SELECT = ("SELECT d.id, d.sha256, d.name, d.path, d.form, d.agency, d.agency_key, d.year, d.format,"
                  " d.published, d.parser_version, d.checked, d.previous_id, a.code, a.province, a.city, a.county,"
                  " a.unit, a.level, a.source, p.posted, p.source_url, d.ingested_at, COALESCE(r.received_at, d.ingested_at)"
                  " FROM documents d LEFT JOIN agencies a ON a.agency_key = d.agency_key"
                  " LEFT JOIN document_pages p ON p.document_id = d.id" + _RECEIPT + " WHERE d.status = 'ok'")
_READABLE = "SELECT id FROM documents WHERE status = 'ok'"
_PLACEMENT_KEYS = ("name", "code", "province", "city", "county", "unit", "level", "source", "note")


def _booleans(row: Sequence[Any], *columns: int) -> list[Any]:
    """A row with the 0/1 integers of ``columns`` (SQLite has no booleans) as bools."""
    out = list(row)
    for i in columns:
        out[i] = bool(out[i])
    return out


def _region_year(region: str, year: int | None, body: str = "") -> tuple[str, list[Any]]:
    """The conditions (to add to a WHERE over ``documents d``) and their
    parameters for a division code prefix (``3208``; "" for all), a year (None for all) and a
    body's identity (``places.identity``: ``320813/教育局``, or the name key of a body not placed;
    "" for all) narrowed to its division code — the unit's name is compared by the caller, as
    ``identity`` normalises it."""
    # The bodies of a region are found in the (small) agencies table and their documents through
    # the index on documents(agency_key, year): "a.code LIKE ?" on the join scanned every document
    # (1.3 s for a county at 100,000 reports, against 0.01 s).
    where, params = "", list[Any]()
    if region:
        where += " AND d.agency_key IN (SELECT agency_key FROM agencies WHERE code LIKE ?)"
        params.append(f"{region}%")
    if year is not None:
        where += " AND d.year = ?"
        params.append(year)
    if body:
        code, placed, _ = body.partition("/")
        if placed:
            where += " AND d.agency_key IN (SELECT agency_key FROM agencies WHERE code = ?)"
            params.append(code)
        else:  # a body not placed: its name key, and no code
            where += " AND d.agency_key = ? AND NOT EXISTS (SELECT 1 FROM agencies n WHERE n.agency_key = d.agency_key" \
                     " AND n.code <> '')"
            params.append(body)
    return where, params


CHUNK = 500  # report numbers a query names at once (SQLite takes 32,766 parameters; PostgreSQL 65,535)


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    """``ids`` sorted, in lists of at most ``CHUNK``."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start:start + CHUNK]


def _columns_of(expression: str) -> str:
    """``STAT_RATIOS``'s arithmetic over ``stat_cells s`` (its column names prefixed)."""
    return " ".join(f"s.{w}" if w in STAT_CELLS else w for w in expression.split(" "))


def _marks(n: int) -> str:
    return ", ".join("?" for _ in range(n))


def _finding_row(document_id: int, seq: int, f: Finding) -> tuple:
    """A checked finding as the ``findings`` table keeps it (``_FINDING_COLUMNS``)."""
    return document_id, seq, f.rule, f.severity, ";".join(f.cells), f.message, str(f.where) if f.where else None, f.quote


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
            raise NotFound("语料库不存在。请先用 gongkai ingest 建立语料库，或用 --db 指定已有的语料库。",
                               self.url.removeprefix("sqlite:///"))
        # Published reports, not personal data: the file follows the umask.
        super().__init__(self.url, ("gongkai.corpus",), what="语料库", durable=False, private=False)
        self.url = url or default_url()
        self.kind = self.dialect
        self._add_columns()
        self._placed: dict[str, dict] = {}  # agency placements already written by this connection

    def migrate(self) -> None:
        # A corpus older than the added columns gets them before migration 7004 copies its documents.
        if self.dialect == "sqlite":
            self._add_columns(existing=True)
        super().migrate()

    def _add_columns(self, existing: bool = False) -> None:
        """``existing``: only to the tables already made (before the migrations run)."""
        for table, column, kind in _ADDED_COLUMNS:
            if self.dialect == "postgresql":
                self.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}")
                continue
            columns = {r[1] for r in self.query(f"PRAGMA table_info({table})")}
            if existing and not columns:
                continue
            if column not in columns:
                try:
                    self.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
                except sqlite3.OperationalError as exc:
                    # Another connection opening the same new file added it since we looked.
                    if "duplicate column" not in str(exc):
                        raise

    def transaction(self, pipeline: bool = True):
        """A report's statements go out pipelined on PostgreSQL (no reply waited per row)."""
        return super().transaction(pipeline=pipeline)

    # -- documents -------------------------------------------------------------------------
    def known(self, sha256: str) -> Known | None:
        """What is stored of this content, or None."""
        rows = self.query("SELECT id, status, parser_version, ingested_at, form, reason FROM documents"
                          " WHERE sha256 = ?", (sha256,))
        return Known(*rows[0]) if rows else None

    def record(self, *, sha256: str, name: str, path: str, size: int, parser_version: str, result: dict,
               placement: dict | None, run: str) -> tuple[str, int]:
        """``save`` a processed file as ingest run ``run`` (its start, the ``ingested_at`` of what
        it stores) unless this run has stored the same content already (another worker parsed a
        copy of it meanwhile): then its path is added, and the document keeps the smallest of the
        paths its run met it at as its ``path`` and ``name`` — which worker stores a content first
        depends on timing, and the same files must give the same dataset with any number of
        workers.  (added | updated | again, the id)."""
        with self.transaction():
            if self.dialect == "postgresql":  # writers on several connections: one at a time per content
                self.execute("SELECT pg_advisory_xact_lock(hashtext(?))", (sha256,))
            known = self.known(sha256)
            if known is not None and known.ingested_at == run:
                self.add_path(known.id, path)
                self.execute("UPDATE documents SET name = ?, path = ? WHERE id = ? AND path > ?",
                             (name, path, known.id, path))
                self._changed()
                return "again", known.id
            return ("added" if known is None else "updated"), self.save(
                sha256=sha256, name=name, path=path, size=size, parser_version=parser_version, result=result,
                placement=placement, is_new=known is None, ingested_at=run)

    def received_earlier(self, sha256: str, received_at: str) -> bool:
        """An export taken back says the content ``sha256`` was first received at ``received_at``:
        kept when earlier than the receipt the corpus holds (a first receipt only moves back;
        which of a body's reports counts may change with it).  Whether it moved."""
        c = ' COLLATE "C"' if self.dialect == "postgresql" else ""
        with self.transaction():
            moved = self.query(
                "SELECT r.document_id FROM document_receipts r JOIN documents d ON d.id = r.document_id"
                f" WHERE d.sha256 = ? AND r.received_at{c} > ?{c}", (sha256, received_at))
            if moved:
                self.execute("UPDATE document_receipts SET received_at = ? WHERE document_id = ?",
                             (received_at, moved[0][0]))
                self._changed()
        return bool(moved)

    def last_document_id(self) -> int:
        """The largest document id so far (0 in an empty corpus)."""
        return int(self.scalar("SELECT COALESCE(MAX(id), 0) FROM documents"))

    def add_path(self, document_id: int, path: str) -> None:
        self.execute("INSERT INTO document_paths (document_id, path) VALUES (?, ?) ON CONFLICT DO NOTHING",
                     (document_id, path))

    def save(self, *, sha256: str, name: str, path: str, size: int | None, parser_version: str, result: dict,
             placement: dict | None, extra_paths: tuple[str, ...] = (), is_new: bool = False,
             ingested_at: str | None = None, doc_id: int | None = None, received_at: str | None = None) -> int:
        """Write one processed file (parsed or failed) and everything derived from it, atomically.
        ``ingested_at``: the start of the ingest run that stores it (default: now); ``doc_id``:
        the number a new document takes (a report taken back from an export keeps its own);
        ``received_at``: when it was first received (default: ``ingested_at``), kept unless the
        content was received earlier — a re-read never moves it (``received``)."""
        report = result.get("report")
        status = "ok" if report is not None else "failed"
        agency_key = placement["agency_key"] if placement else None
        row = (sha256, name, path, result.get("form"), size, status, result.get("reason"), parser_version,
               1 if result.get("checked") else 0, report.get("agency") if report else None, agency_key,
               report.get("year") if report else None, report.get("format") if report else None,
               report.get("published") if report else None,
               result.get("report_json") or (json.dumps(report, ensure_ascii=False) if report else None),
               ingested_at or now_stamp())
        c = ' COLLATE "C"' if self.dialect == "postgresql" else ""  # compared as Python compares them
        numbered = ("id, ", "?, ", (doc_id,)) if doc_id is not None else ("", "", ())
        with self.transaction():
            doc_id = self.execute(
                f"INSERT INTO documents ({numbered[0]}sha256, name, path, form, size, status, reason, parser_version,"
                " checked, agency, agency_key, year, format, published, report_json, ingested_at)"
                f" VALUES ({numbered[1]}?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (sha256) DO UPDATE SET name = excluded.name, path = excluded.path,"
                " form = excluded.form, size = excluded.size, status = excluded.status, reason = excluded.reason,"
                " parser_version = excluded.parser_version, checked = excluded.checked, agency = excluded.agency,"
                " agency_key = excluded.agency_key, year = excluded.year, format = excluded.format,"
                " published = excluded.published, report_json = excluded.report_json,"
                " ingested_at = excluded.ingested_at RETURNING id", numbered[2] + row).fetchone()[0]
            self.execute("INSERT INTO document_receipts (document_id, received_at) VALUES (?, ?)"
                         " ON CONFLICT (document_id) DO UPDATE SET received_at = excluded.received_at"
                         f" WHERE excluded.received_at{c} < document_receipts.received_at{c}",
                         (doc_id, received_at or row[-1]))
            if not is_new:  # a redone report replaces what its earlier parse left
                self.execute("DELETE FROM cells WHERE document_id = ?", (doc_id,))
                self.execute("DELETE FROM stat_cells WHERE document_id = ?", (doc_id,))
                self.execute("DELETE FROM findings WHERE document_id = ?", (doc_id,))
                self.execute("DELETE FROM figures WHERE document_id = ?", (doc_id,))
                # Cross-year results that rest on the earlier parse, its own or the next year's,
                # are dropped and marked undone, so the cross-year pass redoes them even after
                # a run killed before it got there. The next year's report gets its findings
                # alone back (the pass replaced them whole: a LAST-YEAR last year made moot is
                # not in its rows), so nothing is lost if this one is no longer readable.
                for (later,) in self.query("SELECT id FROM documents WHERE previous_id = ? AND id <> ?",
                                           (doc_id, doc_id)):
                    self._findings_alone(int(later))
                self.execute("DELETE FROM findings WHERE previous_id = ?", (doc_id,))
                self.execute("UPDATE documents SET previous_id = NULL WHERE id = ? OR previous_id = ?",
                             (doc_id, doc_id))
            self.insert_rows("cells", _CELL_COLUMNS,
                             [(doc_id, *c) for c in result.get("cells", ())])
            self._save_stat_row(doc_id, result.get("cells", ()))
            self.insert_rows("findings", _FINDING_COLUMNS,
                             [(doc_id, i, f["rule"], f["severity"], ";".join(f.get("cells", ())), f["message"],
                               f.get("where"), f.get("quote")) for i, f in enumerate(result.get("findings", ()))])
            self.insert_rows("figures", ("document_id", *FIGURE_COLUMNS),
                             [(doc_id, *f) for f in result.get("figures", ())])
            self._save_page(doc_id, report, is_new)
            for p in (path, *extra_paths):
                self.add_path(doc_id, p)
            if placement and placement is not self._placed.get(placement["agency_key"]):
                self._auto_place(placement)
                self._placed[placement["agency_key"]] = placement
            self._changed()
        return doc_id

    def _save_page(self, doc_id: int, report: dict | None, is_new: bool) -> None:
        """The crawler-kept page's 发布时间 and 原文链接 (the report JSON's source), when it has either."""
        if not is_new:
            self.execute("DELETE FROM document_pages WHERE document_id = ?", (doc_id,))
        source = (report or {}).get("source") or {}
        posted, url = source.get("posted") or None, source.get("url") or None
        if posted or url:
            self.insert_rows("document_pages", ("document_id", "posted", "source_url"), [(doc_id, posted, url)])

    def _save_stat_row(self, doc_id: int, cells: Iterable[Sequence[Any]]) -> None:
        if (row := stat_row(cells)) is not None:
            self.insert_rows("stat_cells", ("document_id", *STAT_CELLS), [(doc_id, *row)])

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
            self._changed()
        self._placed.pop(placement["agency_key"], None)

    def ids_taken(self, ids: list[int]) -> bool:
        """Whether any of ``ids`` already numbers a document (an export's numbers kept when free)."""
        return bool(self.query(f"SELECT 1 FROM documents WHERE id IN ({', '.join('?' for _ in ids)}) LIMIT 1", ids))

    def move_id_sequence(self) -> None:
        """After documents stored under numbers given: the next number is past them (PostgreSQL's
        sequence does not see numbers given; SQLite's INTEGER PRIMARY KEY does)."""
        if self.dialect == "postgresql":
            self.execute("SELECT setval(pg_get_serial_sequence('documents', 'id'), (SELECT MAX(id) FROM documents))")

    def read_before(self, version: str) -> dict[str, int]:
        """How many readable reports each parser version other than ``version`` read: they keep
        that version's cells and findings until their files are ingested again (docs/upgrade.md)."""
        rows = self.query("SELECT parser_version, COUNT(*) FROM documents WHERE status = 'ok' AND parser_version <> ?"
                          " GROUP BY parser_version", (version,))
        return {v: int(n) for v, n in sorted(rows, key=lambda r: int(r[0]) if str(r[0]).isdigit() else 0)}

    def counts(self, region: str = "") -> dict[str, int]:
        """Documents by status; with a division code prefix, only the reports placed in it (a
        file that could not be read has no agency, so no region)."""
        if not region:
            rows = self.query("SELECT status, COUNT(*) FROM documents GROUP BY status")
        else:
            where, params = _region_year(region, None)
            rows = self.query(f"SELECT d.status, COUNT(*) FROM documents d WHERE 1 = 1{where} GROUP BY d.status", params)
        return {status: int(n) for status, n in rows}

    def summaries(self, region: str = "", year: int | None = None, readable: bool = False, counted: bool = True,
                  limit: int | None = None) -> list[dict]:
        """One dict per document (its placement, the 落款 date and a crawled page's 发布时间, and,
        when ``counted``, its findings counted by severity), in a division code prefix and year when given, readable ones only if asked;
        ordered by agency, year, id; the first ``limit`` when given."""
        counts = (" (SELECT COUNT(*) FROM findings f WHERE f.document_id = d.id AND f.severity = 'error'),"
                  " (SELECT COUNT(*) FROM findings f WHERE f.document_id = d.id AND f.severity = 'warning'),"
                  " (SELECT COUNT(*) FROM findings f WHERE f.document_id = d.id AND f.severity = 'notice')"
                  if counted else " 0, 0, 0")
        sql = ("SELECT d.id, d.agency, d.agency_key, d.year, d.status, d.published, p.posted, a.code, a.unit," + counts +
               ", d.ingested_at, d.sha256, COALESCE(r.received_at, d.ingested_at)"
               " FROM documents d LEFT JOIN agencies a ON a.agency_key = d.agency_key"
               " LEFT JOIN document_pages p ON p.document_id = d.id" + _RECEIPT + " WHERE 1 = 1")
        where, params = _region_year(region, year)
        sql += where
        if readable:
            sql += " AND d.status = 'ok'"
        sql += " ORDER BY d.agency, d.year, d.id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        keys = ("id", "agency", "agency_key", "year", "status", "published", "posted", "code", "unit", "errors",
                "warnings", "notices", "ingested_at", "sha256", "received_at")
        return [dict(zip(keys, row)) for row in self.query(sql, params)]

    def document(self, document_id: int) -> dict | None:
        """A stored document as the web shows it: where it came from, its placement, every path it
        was seen at, and its findings (in order; those made with last year's report with ``previous_id``)."""
        rows = self.query(
            "SELECT d.id, d.sha256, d.name, d.path, d.form, d.status, d.reason, d.agency, d.year, d.format, d.published,"
            " d.ingested_at, a.code, a.province, a.city, a.county, p.posted, p.source_url,"
            " COALESCE(r.received_at, d.ingested_at), d.parser_version FROM documents d"
            " LEFT JOIN agencies a ON a.agency_key = d.agency_key LEFT JOIN document_pages p ON p.document_id = d.id"
            + _RECEIPT + " WHERE d.id = ?", (document_id,))
        if not rows:
            return None
        keys = ("id", "sha256", "name", "path", "form", "status", "reason", "agency", "year", "format", "published",
                "ingested_at", "code", "province", "city", "county", "posted", "source_url", "received_at",
                "parser_version")
        out = dict(zip(keys, rows[0]))
        out["paths"] = [p for (p,) in self.query(
            "SELECT path FROM document_paths WHERE document_id = ? ORDER BY path", (document_id,))]
        out["findings"] = [dict(zip(("rule", "severity", "cells", "message", "where", "previous_id", "quote"), f)) for f in self.query(
            "SELECT rule, severity, cells, message, place, previous_id, quote FROM findings WHERE document_id = ?"
            " ORDER BY seq", (document_id,))]
        return out

    def same_body_year(self, document_id: int) -> list[dict]:
        """The other readable reports of the body and year of ``document_id`` (a corrected re-send,
        the same report as PDF and web page), by id: their id, file, date signed, when stored, their
        errors and content hash (``received`` orders them)."""
        rows = self.query(
            "SELECT o.id, o.name, o.published, o.ingested_at,"
            " (SELECT COUNT(*) FROM findings f WHERE f.document_id = o.id AND f.severity = 'error'), o.sha256,"
            " COALESCE(r.received_at, o.ingested_at)"
            " FROM documents d JOIN documents o ON o.agency_key = d.agency_key AND o.year = d.year AND o.id <> d.id"
            " LEFT JOIN document_receipts r ON r.document_id = o.id"
            " WHERE d.id = ? AND o.status = 'ok' ORDER BY o.id", (document_id,))
        return [dict(zip(("id", "name", "published", "ingested_at", "errors", "sha256", "received_at"), r))
                for r in rows]

    def failures(self, limit: int | None = None) -> list[Failure]:
        """The files that could not be read, in the order they were stored (the first ``limit``
        when given)."""
        return [Failure(*row) for row in self.query(
            "SELECT id, sha256, name, path, form, reason, parser_version FROM documents"
            " WHERE status = 'failed' ORDER BY id" + ("" if limit is None else " LIMIT ?"),
            () if limit is None else (limit,))]

    def load_report(self, document_id: int):
        """The stored parse of a report, as a ``Report`` (amounts back as ``Decimal``)."""
        from gongkai.model import Report

        rows = self.query("SELECT report_json FROM documents WHERE id = ? AND status = 'ok'", (document_id,))
        return Report.from_json(rows[0][0]) if rows and rows[0][0] else None

    def _findings_alone(self, document_id: int) -> None:
        """Put back a report's findings as checked alone (those of its stored JSON)."""
        report = self.load_report(document_id)
        self.execute("DELETE FROM findings WHERE document_id = ?", (document_id,))
        self.insert_rows("findings", _FINDING_COLUMNS,
                         [_finding_row(document_id, i, f) for i, f in enumerate(report.findings if report else ())])

    def held_report(self, document_id: int):
        """``load_report`` with the findings the corpus holds (``findings``, in order: when it was
        compared with last year's report, those of ``gongkai check --previous``) — what the web's
        report page, the API and ``Corpus.report`` give; the stored JSON keeps the report's own as
        checked alone, which the cross-year pass starts from."""
        from gongkai.model import Finding

        report = self.load_report(document_id)
        if report is not None:
            report.findings = [Finding(rule, severity, message, cells.split(";") if cells else [], place, quote)
                               for rule, severity, message, cells, place, quote in self.query(
                                   "SELECT rule, severity, message, cells, place, quote FROM findings"
                                   " WHERE document_id = ? ORDER BY seq", (document_id,))]
        return report

    def placement(self, agency_key: str) -> dict | None:
        """The stored placement of a body (name, code, province, city, county, unit, level,
        source: auto | user, note), or None."""
        rows = self.query(f"SELECT {', '.join(_PLACEMENT_KEYS)} FROM agencies WHERE agency_key = ?", (agency_key,))
        return dict(zip(_PLACEMENT_KEYS, rows[0])) if rows else None

    # -- reading the corpus --------------------------------------------------------------------
    def reports(self, region: str = "", year: int | None = None, *, body: str = "", limit: int | None = None,
                offset: int = 0) -> list[StoredReport]:
        """The readable reports, with a division code prefix (``3208``) and a year when given, by
        number; ``body``: those of the division of a body's identity (``_region_year``: a superset
        of the body's own); ``limit`` and ``offset``: one page of them."""
        where, params = _region_year(region, year, body)
        page = ""
        if limit is not None:
            page = " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [StoredReport._make(_booleans(row, 11))
                for row in self.query(_REPORT_SELECT + where + " ORDER BY d.id" + page, params)]

    def each_report(self, region: str = "", year: int | None = None) -> Iterator[StoredReport]:
        """``reports(region, year)`` streamed: a table of the whole corpus is never held at once."""
        where, params = _region_year(region, year)
        for row in self.iterate(_REPORT_SELECT + where + " ORDER BY d.id", params):
            yield StoredReport._make(_booleans(row, 11))

    def in_counting_order(self, region: str = "", year: int | None = None, *, body: str = "") -> list[Counted]:
        """The readable reports of ``reports(region, year, body=body)`` with what choosing and
        grouping them needs, by body (name key) and year, each body's reports of a year in order
        of receipt, the counted one first (``received_desc``): the statistics' choice sorted by
        the database (at 100,000 reports, listing every report whole and sorting it twice in
        Python was a third of the statistics' CPU)."""
        where, params = _region_year(region, year, body)
        c = ' COLLATE "C"' if self.dialect == "postgresql" else ""
        return [Counted._make(row) for row in self.query(
            "SELECT d.id, d.agency, d.agency_key, d.year, a.code, a.province, a.city, a.county, a.unit FROM documents d"
            f" LEFT JOIN agencies a ON a.agency_key = d.agency_key{_RECEIPT} WHERE d.status = 'ok'{where}"
            f" ORDER BY COALESCE(d.agency_key, ''){c}, COALESCE(d.year, 0), {received_desc(self.dialect)}", params)]

    def count_reports(self, region: str = "", year: int | None = None) -> int:
        """How many ``reports(region, year)`` there are, counted by the database."""
        where, params = _region_year(region, year)
        return int(self.scalar(f"SELECT COUNT(*) FROM documents d WHERE d.status = 'ok'{where}", params))

    def reports_numbered(self, ids: Sequence[int]) -> list[StoredReport]:
        """The readable reports of these numbers (e.g. ``Summary.ids``: what an ingest stored), by id."""
        out: list[StoredReport] = []
        for start in range(0, len(ids), 500):
            chunk = list(ids[start:start + 500])
            out += [StoredReport._make(_booleans(row, 11)) for row in self.query(
                _REPORT_SELECT + f" AND d.id IN ({', '.join('?' for _ in chunk)})", chunk)]
        return sorted(out, key=lambda r: r.id)

    def finding_counts(self, ids: Iterable[int] | None = None) -> dict[int, dict[tuple[str, str], int]]:
        """report id -> (rule, severity) -> how many findings; of the reports ``ids`` only when
        given (a page of a list counts its own, not the corpus's)."""
        sql = "SELECT document_id, rule, severity, COUNT(*) FROM findings"
        group = " GROUP BY document_id, rule, severity"
        queries = ([(sql + f" WHERE document_id IN ({_marks(len(c))})" + group, c) for c in _chunks(ids)]
                   if ids is not None else [(sql + group, [])])
        out: dict[int, dict[tuple[str, str], int]] = {}
        for query, params in queries:
            for doc_id, rule, severity, n in self.query(query, params):
                out.setdefault(doc_id, {})[(rule, severity)] = int(n)
        return out

    def cell_values(self, cell_ids: Sequence[str] = (), ids: Iterable[int] | None = None) -> Iterator[tuple[int, str, Any]]:
        """(report id, cell id, value) of the readable reports' cells (only ``cell_ids`` when
        given; of the reports ``ids`` only when given, looked up by number, not by a scan of
        every cell), by report; streamed."""
        wanted = f" AND cell_id IN ({_marks(len(cell_ids))})" if cell_ids else ""
        if ids is None:
            yield from self.iterate(f"SELECT document_id, cell_id, value FROM cells WHERE document_id IN ({_READABLE})"
                                    f"{wanted} ORDER BY document_id", tuple(cell_ids))
            return
        # Joined, not "IN (readable ids)": that subquery is a scan of every document (2 s a chunk
        # at 100,000 reports); the join looks each chosen number up.
        for chunk in _chunks(ids):
            yield from self.query(
                "SELECT c.document_id, c.cell_id, c.value FROM cells c JOIN documents d ON d.id = c.document_id"
                f" WHERE c.document_id IN ({_marks(len(chunk))}) AND d.status = 'ok'{wanted.replace('cell_id', 'c.cell_id')}"
                " ORDER BY c.document_id", (*chunk, *cell_ids))

    def _rows_of(self, sql: str, column: str, order: str, ids: Iterable[int] | None) -> Iterator[tuple]:
        """``sql`` (a SELECT ending in its WHERE) in ``order``, streamed; of the reports ``ids``
        only when given (``column`` their number), a chunk of numbers at a time."""
        if ids is None:
            yield from self.iterate(f"{sql} ORDER BY {order}")
            return
        for chunk in _chunks(ids):
            yield from self.query(f"{sql} AND {column} IN ({_marks(len(chunk))}) ORDER BY {order}", chunk)

    def cells(self, ids: Iterable[int] | None = None) -> Iterator[StoredCell]:
        """Every cell of the readable reports (of the reports ``ids`` when given), by report and
        cell id; streamed."""
        for row in self._rows_of(
                "SELECT d.id, d.sha256, d.agency, d.year, d.format, c.cell_id, c.value, c.raw, c.place, c.inferred,"
                " c.confidence, c.basis, c.candidates FROM cells c JOIN documents d ON d.id = c.document_id"
                " WHERE d.status = 'ok'", "c.document_id", "d.id, c.cell_id", ids):
            yield StoredCell._make(_booleans(row, 9))

    def figures(self, ids: Iterable[int] | None = None) -> Iterator[StoredFigure]:
        """Every figure the readable reports' narratives state (of the reports ``ids`` when
        given), in their order; streamed."""
        for row in self._rows_of(
                "SELECT d.id, d.sha256, d.agency, d.year, g.seq, g.section, g.sentence, g.text, g.value, g.unit,"
                " g.counts, g.cells, g.approx, g.from_words, g.scope, g.year, g.part_of"
                " FROM figures g JOIN documents d ON d.id = g.document_id WHERE d.status = 'ok'", "g.document_id",
                "d.id, g.seq", ids):
            yield StoredFigure._make(_booleans(row, 12, 13))

    def findings(self, document_id: int | None = None, rules: Sequence[str] = (),
                 ids: Iterable[int] | None = None) -> Iterator[StoredFinding]:
        """Every finding (of one report when ``document_id`` is given; of the reports ``ids``
        when given; of ``rules`` only when given), by report, in order (those made with last
        year's report have ``previous_id``); streamed."""
        sql = ("SELECT d.id, d.sha256, d.agency, d.year, f.seq, f.rule, f.severity, f.cells, f.message, f.place,"
               " f.previous_id, f.quote FROM findings f JOIN documents d ON d.id = f.document_id WHERE 1 = 1")
        where, params = ("", ()) if document_id is None else (" AND d.id = ?", (document_id,))
        if rules:
            where += f" AND f.rule IN ({_marks(len(rules))})"
            params = (*params, *rules)
        if ids is None:
            for row in self.iterate(f"{sql}{where} ORDER BY d.id, f.seq", params):
                yield StoredFinding(*row)
            return
        for chunk in _chunks(ids):
            for row in self.query(f"{sql} AND f.document_id IN ({_marks(len(chunk))}){where} ORDER BY d.id, f.seq",
                                  (*chunk, *params)):
                yield StoredFinding(*row)

    # -- the statistics (corpus/stats.py): sums in the database ---------------------------
    @staticmethod
    def stat_groups(groups: Iterable[tuple[int, int, bool]]) -> StatGroups:
        """(report id, group number, whether its figures are summed) of the reports a table
        counts, as the one parameter of ``stat_sums``, ``stat_finding_counts`` and ``stat_findings``:
        100,000 reports in one statement as one JSON text, not 200 chunks of numbers."""
        return StatGroups(json.dumps([[int(i), int(g), 1 if summed else 0] for i, g, summed in groups]))

    def _with_groups(self) -> str:
        """The WITH clause naming ``k(document_id, grp, summed)``, the rows of a ``StatGroups``."""
        if self.dialect == "postgresql":
            return ("WITH k(document_id, grp, summed) AS (SELECT (j.value->>0)::bigint, (j.value->>1)::integer,"
                    " (j.value->>2)::integer FROM json_array_elements(?::json) j) ")
        return ("WITH k(document_id, grp, summed) AS (SELECT json_extract(j.value, '$[0]'),"
                " json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]') FROM json_each(?) j) ")

    def stat_sums(self, groups: StatGroups) -> dict[int, dict[str, tuple[Any, Any, int]]]:
        """group -> ratio (``STAT_RATIOS``) -> (numerator, denominator, reports) summed over the
        summed reports of the group: each sum only over the reports that print every number the
        ratio needs, and how many those are."""
        parts = []
        for num, den, needs in STAT_RATIOS.values():
            printed = " AND ".join(f"s.{c} IS NOT NULL" for c in needs)
            num, den = (_columns_of(x) for x in (num, den))
            parts.append(f"SUM(CASE WHEN {printed} THEN {num} END), SUM(CASE WHEN {printed} THEN {den} END),"
                         f" COUNT(CASE WHEN {printed} THEN 1 END)")
        out: dict[int, dict[str, tuple[Any, Any, int]]] = {}
        for row in self.query(f"{self._with_groups()}SELECT k.grp, {', '.join(parts)} FROM k"
                              " JOIN stat_cells s ON s.document_id = k.document_id WHERE k.summed = 1 GROUP BY k.grp",
                              (groups.json,)):
            out[int(row[0])] = {name: (row[1 + 3 * i], row[2 + 3 * i], int(row[3 + 3 * i]))
                                for i, name in enumerate(STAT_RATIOS)}
        return out

    def stat_finding_counts(self, groups: StatGroups) -> dict[int, dict[str, int]]:
        """group -> finding rule -> how many findings the group's reports (summed or not) have."""
        out: dict[int, dict[str, int]] = {}
        for grp, rule, n in self.query(f"{self._with_groups()}SELECT k.grp, f.rule, COUNT(*) FROM k"
                                       " JOIN findings f ON f.document_id = k.document_id GROUP BY k.grp, f.rule",
                                       (groups.json,)):
            out.setdefault(int(grp), {})[rule] = int(n)
        return out

    def stat_findings(self, groups: StatGroups, rules: Sequence[str],
                      severity: str | None = None) -> list[tuple[int, str | None, str]]:
        """(report id, cells, message) of the findings of ``rules`` (of ``severity`` only, when
        given) on the summed reports of ``groups``, by report, in order (not joined to documents:
        looking up 100,000 documents for the few reports with such findings took 2 s)."""
        only = " AND f.severity = ?" if severity else ""
        return [(int(i), cells, message) for i, cells, message in self.query(
            f"{self._with_groups()}SELECT f.document_id, f.cells, f.message FROM k"
            " JOIN findings f ON f.document_id = k.document_id"
            f" WHERE k.summed = 1 AND f.rule IN ({_marks(len(rules))}){only} ORDER BY f.document_id, f.seq",
            (groups.json, *rules, *([severity] if severity else [])))]

    def stat_values(self, ids: Iterable[int]) -> dict[int, tuple]:
        """report id -> its ``stat_cells`` values (``STAT_CELLS``'s order) of the reports ``ids``
        (a few: those a finding names)."""
        out: dict[int, tuple] = {}
        for where, params in self._by_number("document_id", list(ids)):
            out.update((int(row[0]), tuple(row[1:])) for row in self.query(
                f"SELECT document_id, {', '.join(STAT_CELLS)} FROM stat_cells WHERE 1 = 1{where}", params))
        return out

    def report_jsons(self) -> Iterator[tuple[int, str]]:
        """(id, stored ``Report.to_dict()`` JSON) of the readable reports, by id; streamed."""
        yield from self.iterate("SELECT id, report_json FROM documents WHERE status = 'ok' ORDER BY id")

    def provenance(self, ids: Iterable[int] | None = None) -> dict[int, tuple[int | None, str, list[str], str | None]]:
        """report id -> (file size, when ingested, every path it was seen at, its placement's
        note) of the readable reports (of the reports ``ids`` only when given: the JSON Lines
        export asks a chunk at a time), what ``reports`` does not carry."""
        ids = None if ids is None else list(ids)
        out: dict[int, tuple[int | None, str, list[str], str | None]] = {}
        for where, params in self._by_number("d.id", ids):
            out.update((int(i), (None if size is None else int(size), at, [], note)) for i, size, at, note in self.query(
                "SELECT d.id, d.size, d.ingested_at, a.note FROM documents d"
                f" LEFT JOIN agencies a ON a.agency_key = d.agency_key WHERE d.status = 'ok'{where}", params))
        for where, params in self._by_number("document_id", ids):
            for i, path in self.query(f"SELECT document_id, path FROM document_paths WHERE 1 = 1{where}"
                                      " ORDER BY document_id, path", params):
                if int(i) in out:
                    out[int(i)][2].append(path)
        return out

    def cross_year_findings(self, ids: Iterable[int] | None = None) -> dict[int, list[StoredFinding]]:
        """report id -> all its findings, in order, of the reports compared with a last-year
        report (those made with it have ``previous_id``; some of its own may be reworded or gone);
        of the reports ``ids`` only when given."""
        ids = None if ids is None else list(ids)
        out: dict[int, list[StoredFinding]] = {}
        for where, params in self._by_number("id", ids):  # also with none left
            out.update((int(i), []) for (i,) in self.query(
                f"SELECT id FROM documents WHERE previous_id IS NOT NULL AND status = 'ok'{where} ORDER BY id", params))
        for where, params in self._by_number("d.id", ids):
            for row in self.query(
                    "SELECT d.id, d.sha256, d.agency, d.year, f.seq, f.rule, f.severity, f.cells, f.message, f.place,"
                    " f.previous_id, f.quote FROM findings f JOIN documents d ON d.id = f.document_id"
                    f" WHERE d.previous_id IS NOT NULL AND d.status = 'ok'{where} ORDER BY d.id, f.seq", params):
                out.setdefault(row[0], []).append(StoredFinding(*row))
        return out

    def readable_hashes(self, ids: Iterable[int]) -> dict[int, str]:
        """report id -> content hash of those of ``ids`` that are readable reports."""
        out: dict[int, str] = {}
        for where, params in self._by_number("id", ids):
            out.update((int(i), sha) for i, sha in self.query(f"SELECT id, sha256 FROM documents WHERE status = 'ok'{where}",
                                                               params))
        return out

    @staticmethod
    def _by_number(column: str, ids: Iterable[int] | None) -> Iterator[tuple[str, list[int]]]:
        """(a condition to add to a WHERE, its parameters): none for ``ids`` None (every row),
        else ``column IN (…)`` a chunk of the numbers at a time (none at all for no numbers)."""
        if ids is None:
            yield "", []
            return
        for chunk in _chunks(ids):
            yield f" AND {column} IN ({_marks(len(chunk))})", chunk

    # -- the cross-year pass (corpus/crossyear.py) -------------------------------------------
    def report_bodies(self, order: str = "id") -> Iterator[tuple[int, str | None, str | None, str, int, int | None]]:
        """(id, division code, unit, agency key, year, previous_id) of the readable reports with a
        body and a year, by id or the counted first (``order``: id | counted — ``received``, the
        greatest first); streamed."""
        by = {"id": "d.id", "counted": received_desc(self.dialect)}[order]
        yield from self.iterate(
            "SELECT d.id, a.code, a.unit, d.agency_key, d.year, d.previous_id FROM documents d"
            " LEFT JOIN agencies a ON a.agency_key = d.agency_key" + (_RECEIPT if order == "counted" else "") +
            f" WHERE d.status = 'ok' AND d.agency_key IS NOT NULL AND d.year IS NOT NULL ORDER BY {by}")

    def compared_unreadable(self) -> list[tuple[int, int]]:
        """(id, last-year report id) of files no longer readable that still hold cross-year findings."""
        return [(int(i), int(p)) for i, p in self.query(
            "SELECT id, previous_id FROM documents WHERE previous_id IS NOT NULL AND status <> 'ok'")]

    def save_cross_year(self, document_id: int, previous_id: int | None,
                        findings: Sequence[tuple[Finding, bool]]) -> None:
        """Replace all a report's findings by ``findings``, in their order (``crossyear``: as
        ``check_report`` with last year's report gives them), each with whether it was made with
        ``previous_id`` (None: there is no last-year report to compare with)."""
        with self.transaction():
            self.execute("DELETE FROM findings WHERE document_id = ?", (document_id,))
            self.insert_rows("findings", _FINDING_COLUMNS + ("previous_id",),
                             [(*_finding_row(document_id, i, f), previous_id if made_with else None)
                              for i, (f, made_with) in enumerate(findings)])
            self.execute("UPDATE documents SET previous_id = ? WHERE id = ?", (previous_id, document_id))
            self._changed()

    def replace_report(self, document_id: int, report: Report) -> None:
        """Store a report read again from its stored parse (``recover.refine`` with last year's
        figures): its JSON, cells and own findings (``report.findings``)."""
        with self.transaction():
            self.execute("UPDATE documents SET report_json = ? WHERE id = ?",
                         (json.dumps(report.to_dict(), ensure_ascii=False), document_id))
            self.execute("DELETE FROM cells WHERE document_id = ?", (document_id,))
            self.execute("DELETE FROM stat_cells WHERE document_id = ?", (document_id,))
            rows = cell_rows(report)
            self.insert_rows("cells", _CELL_COLUMNS, [(document_id, *c) for c in rows])
            self._save_stat_row(document_id, rows)
            self.execute("DELETE FROM findings WHERE document_id = ? AND previous_id IS NULL", (document_id,))
            self.insert_rows("findings", _FINDING_COLUMNS,
                             [_finding_row(document_id, i, f) for i, f in enumerate(report.findings)])
            self._changed()

    # -- answers kept while the corpus has not changed (corpus/kept.py, migration 7005) ----------
    def _changed(self) -> None:
        """Raise the corpus's generation: the last statement of every write transaction, so that
        the change and the new generation become visible together (and, on PostgreSQL, the row's
        lock is held only until the commit that follows)."""
        self.execute("UPDATE corpus_state SET generation = generation + 1 WHERE id = 1")

    def generation(self) -> int:
        """How many write transactions the corpus has had since 0.9.4 (``_changed``)."""
        return int(self.scalar("SELECT generation FROM corpus_state WHERE id = 1"))

    def kept_answer(self, key: str) -> tuple[str | None, int]:
        """(the answer kept under ``key`` at the corpus's present generation, or None; that
        generation), read in one statement so that the two agree."""
        rows = self.query("SELECT k.answer, s.generation FROM corpus_state s LEFT JOIN kept_answers k"
                          " ON k.key = ? AND k.generation = s.generation WHERE s.id = 1", (key,))
        return rows[0][0], int(rows[0][1])

    def keep_answer(self, key: str, generation: int, answer: str, most: int) -> bool:
        """Keep ``answer``, computed at ``generation``, unless the corpus has changed since (the
        check is in the statement that writes: an answer is never kept under a generation other
        than the one it was computed at); answers of earlier generations are dropped, and the
        oldest beyond ``most``.  A corpus this process may not write (a read-only file or
        user) keeps nothing: False, as when the corpus moved on."""
        from gongkai.db import BUSY_WAIT, DatabaseUnavailable, _database_error

        if self.generation() != generation:  # an ingest going on: not worth the write lock
            return False
        if self.dialect == "sqlite":  # another process writing: the answer is given, not kept, at once
            self.execute("PRAGMA busy_timeout=1000")
        try:
            with self.transaction(pipeline=False):  # (its row count is read)
                kept = self.execute(
                    "INSERT INTO kept_answers (key, generation, answer, made_at) SELECT ?, generation, ?, ?"
                    " FROM corpus_state WHERE id = 1 AND generation = ? ON CONFLICT (key) DO UPDATE SET"
                    " generation = excluded.generation, answer = excluded.answer, made_at = excluded.made_at",
                    (key, answer, now_stamp(precise=True), generation)).rowcount
                self.execute("DELETE FROM kept_answers WHERE generation <> ?", (generation,))
                self.execute("DELETE FROM kept_answers WHERE key NOT IN (SELECT key FROM kept_answers"
                             " ORDER BY made_at DESC, key LIMIT ?)", (most,))
        except DatabaseUnavailable:
            return False
        except Exception as exc:
            if not _database_error(exc):
                raise
            return False
        finally:
            if self.dialect == "sqlite":
                self.execute(f"PRAGMA busy_timeout={BUSY_WAIT * 1000}")
        return bool(kept)
