"""Export the corpus as a dataset: CSV files, one XLSX workbook, or Parquet files.

Five tables (columns documented in docs/dataset.md):
  reports   one row per parsed report: provenance, placement, one column per cell id, and last
            when it was first received;
  cells     the long table: report × cell id → its Chinese label, value (counts as integers,
            amounts in 万元 in their own column), raw text, where it stood, inferred, OCR confidence;
  figures   the figures the narrative states: sentence, value, unit, what it counts;
  findings  the checker's findings (cross-year ones name the last-year report compared with);
  failures  files that could not be read, with the reason.
Types are declared once here (``_COLUMNS``) and used by all three writers; Parquet goes
through DuckDB's own CSV reader with those types, so no dataframe library is needed.
Blank cells are empty (CSV) / null (XLSX, Parquet): never 0.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Collection, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from gongkai import ooxml
from gongkai.errors import BadArgument, GongkaiError, MissingDependency, NotFound, shown
from gongkai.format import FORMAT
from gongkai.format.names import cell_label

if TYPE_CHECKING:
    from gongkai.corpus.store import Store, StoredReport

XLSX_MAX_ROWS = 1_048_575  # one header row

_REPORT_META = [
    ("report_id", "BIGINT"), ("sha256", "VARCHAR"), ("name", "VARCHAR"), ("path", "VARCHAR"),
    ("form", "VARCHAR"), ("agency", "VARCHAR"), ("agency_key", "VARCHAR"), ("year", "INTEGER"),
    ("format", "VARCHAR"), ("published", "DATE"), ("posted", "VARCHAR"), ("source_url", "VARCHAR"),
    ("region_code", "VARCHAR"), ("province", "VARCHAR"),
    ("city", "VARCHAR"), ("county", "VARCHAR"), ("unit", "VARCHAR"), ("level", "VARCHAR"),
    ("placement", "VARCHAR"), ("parser_version", "VARCHAR"), ("checked", "BOOLEAN"),
    ("findings", "INTEGER"), ("errors", "INTEGER"),
]
# When the report's content was first received (0.9.5: which of a body's reports of a year counts
# follows it), ISO with the office's offset, to the microsecond: text, so nothing of it is lost.
# The reports table's last column, after the cells; /api/corpus/reports's after url: a reader of
# an older export by position reads the same columns where they were.
RECEIVED = ("received_at", "VARCHAR")
_CELL_COLUMNS = [
    ("report_id", "BIGINT"), ("sha256", "VARCHAR"), ("agency", "VARCHAR"), ("year", "INTEGER"),
    ("cell_id", "VARCHAR"), ("table_id", "VARCHAR"), ("row_id", "VARCHAR"), ("column_id", "VARCHAR"),
    ("label", "VARCHAR"), ("value", "BIGINT"), ("amount", "DOUBLE"), ("raw", "VARCHAR"), ("where", "VARCHAR"),
    ("inferred", "BOOLEAN"), ("basis", "VARCHAR"), ("candidates", "VARCHAR"), ("confidence", "DOUBLE"),
]
_FIGURE_COLUMNS = [
    ("report_id", "BIGINT"), ("sha256", "VARCHAR"), ("agency", "VARCHAR"), ("year", "INTEGER"),
    ("seq", "INTEGER"), ("section", "INTEGER"), ("sentence", "VARCHAR"), ("text", "VARCHAR"),
    ("value", "DOUBLE"), ("unit", "VARCHAR"), ("counts", "VARCHAR"), ("counts_name", "VARCHAR"),
    ("cells", "VARCHAR"), ("approx", "BOOLEAN"), ("from_words", "BOOLEAN"), ("scope", "VARCHAR"),
    ("stated_year", "INTEGER"), ("part_of", "INTEGER"),
]
_FINDING_COLUMNS = [
    ("report_id", "BIGINT"), ("sha256", "VARCHAR"), ("agency", "VARCHAR"), ("year", "INTEGER"),
    ("seq", "INTEGER"), ("rule", "VARCHAR"), ("severity", "VARCHAR"), ("cells", "VARCHAR"),
    ("message", "VARCHAR"), ("where", "VARCHAR"), ("previous_report_id", "BIGINT"), ("quote", "VARCHAR"),
]
_FAILURE_COLUMNS = [
    ("report_id", "BIGINT"), ("sha256", "VARCHAR"), ("name", "VARCHAR"), ("path", "VARCHAR"),
    ("form", "VARCHAR"), ("reason", "VARCHAR"), ("parser_version", "VARCHAR"),
]


def cell_columns() -> list[tuple[str, str]]:
    """Every cell id of every format version and table-3 layout, in printed order, with its type."""
    return [(cell_id, "DOUBLE" if _is_amount(version, cell_id) else "BIGINT")
            for cell_id, version in FORMAT.all_cells.items()]


def _is_amount(version: str, cell_id: str) -> bool:
    if not cell_id.startswith("table2."):
        return False
    _, group, row, column = cell_id.split(".")
    return any(c.decimal for c in FORMAT.table2_group(version, group).columns if c.id == column)


# -- rows from the store ----------------------------------------------------------------------
def _num(v):
    if v is None:
        return None
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def _count(v):
    return None if v is None else int(v)


def _amount(v):
    return None if v is None else float(v)


REPORT_META = [c for c, _ in _REPORT_META]  # the reports table's columns before the cells


def report_meta(r: StoredReport, counts: dict[int, dict[tuple[str, str], int]]) -> list:
    """A report's provenance, placement and findings (``counts``: ``Store.finding_counts()``), the
    reports table's first columns (``REPORT_META``; ``/api/corpus/reports`` lists the same)."""
    found = counts.get(r.id, {})
    return [r.id, r.sha256, r.name, r.path, r.form, r.agency, r.agency_key, r.year, r.format, r.published, r.posted,
            r.source_url, r.code,
            r.province, r.city, r.county, r.unit, r.level, r.placement, r.parser_version, r.checked,
            sum(found.values()), sum(n for (_, severity), n in found.items() if severity == "error")]


def with_counts(store: Store, reports: Iterable[StoredReport]) -> Iterator[tuple[StoredReport, dict]]:
    """Each report with its findings counted (``Store.finding_counts``), a chunk of reports at a
    time: a whole corpus's list is streamed, its counts never all held."""
    from gongkai.corpus.store import CHUNK

    batch: list[StoredReport] = []
    for r in reports:
        batch.append(r)
        if len(batch) == CHUNK:
            yield from _counted(store, batch)
            batch = []
    yield from _counted(store, batch)


def _counted(store: Store, batch: list[StoredReport]) -> Iterator[tuple[StoredReport, dict]]:
    counts = store.finding_counts([r.id for r in batch]) if batch else {}
    yield from ((r, counts) for r in batch)


def _report_rows(store: Store, cell_ids: list[str], ids: Collection[int] | None = None) -> Iterator[list]:
    """The reports table's rows (of the reports ``ids`` when given), by number; the cells of a
    chunk of reports at a time (a query, not a second cursor: PostgreSQL's streamed cursor is one
    at a time)."""
    from gongkai.corpus.store import CHUNK

    index = {c: i for i, c in enumerate(cell_ids)}
    if ids is None:
        reports: Iterable[StoredReport] = store.each_report()
    else:
        ordered = sorted(set(ids))
        reports = (r for start in range(0, len(ordered), CHUNK)
                   for r in store.reports_numbered(ordered[start:start + CHUNK]))
    batch: list[tuple[StoredReport, dict]] = []

    def rows() -> Iterator[list]:
        values: dict[int, list] = {r.id: [None] * len(cell_ids) for r, _ in batch}
        for doc_id, cell_id, value in store.cell_values(ids=values):
            if cell_id in index:
                values[doc_id][index[cell_id]] = _num(value)
        for r, counts in batch:
            yield [*report_meta(r, counts), *values[r.id], r.received_at]

    for pair in with_counts(store, reports):
        batch.append(pair)
        if len(batch) == CHUNK:
            yield from rows()
            batch = []
    yield from rows()


def _cell_rows(store: Store, ids: Collection[int] | None = None) -> Iterator[list]:
    amounts = {c for c, kind in cell_columns() if kind == "DOUBLE"}
    for c in store.cells(ids):
        table, rest = c.cell_id.split(".", 1)
        row, column = rest.rsplit(".", 1)
        # A count is an integer; an amount (万元) has its own column, so each column has one type.
        count, amount = (None, _amount(c.value)) if c.cell_id in amounts else (_count(c.value), None)
        yield [c.report_id, c.sha256, c.agency, c.year, c.cell_id, table, row, column, cell_label(c.cell_id, c.format),
               count, amount, c.raw, c.where, c.inferred, c.basis, c.candidates,
               None if c.confidence is None else round(float(c.confidence), 4)]


def _figure_rows(store: Store, ids: Collection[int] | None = None) -> Iterator[list]:
    from gongkai.extract.narrative import counts_name

    for g in store.figures(ids):
        yield [g.report_id, g.sha256, g.agency, g.year, g.seq, g.section, g.sentence, g.text, _num(g.value), g.unit,
               g.counts, counts_name(g.counts), g.cells, g.approx, g.from_words, g.scope, g.stated_year, g.part_of]


# The findings and failures tables are the store's rows as they are (same fields, same order).
def _finding_rows(store: Store, ids: Collection[int] | None = None) -> Iterator[list]:
    yield from (list(f) for f in store.findings(ids=ids))


def _failure_rows(store: Store, ids: Collection[int] | None = None) -> Iterator[list]:
    yield from (list(f) for f in store.failures() if ids is None or f.report_id in ids)


TABLES = ("reports", "cells", "figures", "findings", "failures")


def table(store: Store, name: str, reports: Collection[int] | None = None) -> tuple[list[tuple[str, str]], Iterator[list]]:
    """One table of the export (``TABLES``): its (column, type)s and its rows, streamed from the
    store (the cells table holds ~200 rows a report); only the rows of the report numbers
    ``reports`` when given (every table's first column is the report's number)."""
    if name == "reports":
        cells = cell_columns()
        return [*_REPORT_META, *cells, RECEIVED], _report_rows(store, [c for c, _ in cells], reports)
    makers = {"cells": (_CELL_COLUMNS, _cell_rows), "figures": (_FIGURE_COLUMNS, _figure_rows),
              "findings": (_FINDING_COLUMNS, _finding_rows), "failures": (_FAILURE_COLUMNS, _failure_rows)}
    if name not in makers:
        raise NotFound(f"没有表“{shown(name)}”：可导出的表为 {'、'.join(TABLES)}。")
    columns, make = makers[name]
    # The rows of chosen reports looked up by their numbers, not filtered out of the whole table.
    return columns, make(store, None if reports is None else set(reports))


def _tables(store: Store) -> list[tuple[str, list[tuple[str, str]], Iterator[list]]]:
    return [(name, *table(store, name)) for name in TABLES]


# -- writers ----------------------------------------------------------------------------------
def _csv_value(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return v


CSV_CHUNK = 64 * 1024  # characters of CSV text handed on at a time (a streamed answer's pieces)


def csv_text(columns: Sequence[tuple[str, str]] | Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """The CSV of a table as text in pieces of about ``CSV_CHUNK`` characters, the byte-order mark
    first (Excel then opens Chinese text correctly; DuckDB and pandas skip it), RFC 4180 quoting,
    booleans as true/false, None as an empty field: the file ``export --to csv`` writes and the
    answer ``/api/corpus/tables/…`` streams, the rows never all held at once."""
    out = io.StringIO()
    w = csv.writer(out)
    out.write("\ufeff")
    w.writerow([c if isinstance(c, str) else c[0] for c in columns])
    for row in rows:
        w.writerow([_csv_value(v) for v in row])
        if out.tell() >= CSV_CHUNK:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def _write_csv(path: str, columns, rows) -> int:
    n = 0

    def counted():
        nonlocal n
        for row in rows:
            n += 1
            yield row

    with open(path, "w", encoding="utf-8", newline="") as f:
        for text in csv_text(columns, counted()):
            f.write(text)
    return n


# The forms ``export`` writes (``gongkai export --to``).
FORMS = ("csv", "xlsx", "parquet", "jsonl")


def export(store: Store, to: str, output: str) -> list[tuple[str, int]]:
    if to not in FORMS:  # before anything is made (the folder of csv/parquet was, first)
        raise BadArgument(f"不支持的导出格式“{shown(to)}”：可用 {'、'.join(FORMS)}。")
    _not_the_database(store, output)
    if to == "xlsx":
        return _export_xlsx(store, output)
    if to == "jsonl":
        return export_jsonl(store, output)
    try:
        os.makedirs(output, exist_ok=True)
    except OSError as exc:
        from gongkai.files import os_reason

        raise GongkaiError(f"无法创建输出目录：{os_reason(exc)}", output) from None
    if to == "csv":
        return [(p := os.path.join(output, f"{name}.csv"), _write_csv(p, cols, rows))
                for name, cols, rows in _tables(store)]
    return _export_parquet(store, output)


def _not_the_database(store: Store, output: str) -> None:
    """Refuses an output that is the corpus's own SQLite file (or its -wal, -shm, -journal): the
    workbook or the JSON Lines would be written over the database they are read from, and the
    corpus lost (``export("xlsx", "corpus.db")``, a slip of one argument, did exactly that)."""
    if store.dialect != "sqlite":
        return
    database = os.path.realpath(store.path)
    given = os.path.realpath(output)
    same = given in {database + end for end in ("", "-wal", "-shm", "-journal")}
    if not same and os.path.isfile(output):
        try:
            same = os.path.samefile(output, store.path)   # a hard link to it
        except OSError:
            same = False
    if same:
        raise GongkaiError("输出文件是语料库数据库本身（或其日志文件），导出会覆盖语料库：未导出，请另写一个输出文件名。",
                           output)


def export_jsonl(store: Store, output: str) -> list[tuple[str, int]]:
    """Every readable report whole, one JSON object a line (JSON Lines): the stored
    ``Report.to_dict()`` — cells with raw text, position, inferred and its basis, OCR confidence;
    the cuts of digits run together (``ambiguous``); the narrative's sections, figures, notes —
    with its findings as the corpus holds them (those made with last year's report — the
    cross-year rules', and its own reworded by it — with ``previous_report_id``), and under
    ``corpus`` what the store knows of it (id, SHA-256, the paths it was seen at, size, form,
    when first received and when last read, parser version, placement, the last-year report
    compared with).
    ``gongkai.load_all`` reads it back into the same ``Report``s, ``gongkai ingest`` into a
    corpus (``reimport``); failures are not in it (the tables' ``failures``)."""
    import json

    n = 0
    try:
        with open(output, "w", encoding="utf-8", newline="\n") as out:
            # A chunk of reports at a time, with what the store knows of them: the memory an
            # export takes does not grow with the corpus (100,000 reports: 2.5 GB of JSON Lines).
            for batch in _batches(store.report_jsons()):
                ids = [doc_id for doc_id, _ in batch]
                cross = store.cross_year_findings(ids)
                meta = {r.id: r for r in store.reports_numbered(ids)}
                previous = store.readable_hashes({r.previous_id for r in meta.values() if r.previous_id is not None})
                more = store.provenance(ids)
                for doc_id, text in batch:
                    d = json.loads(text)
                    if doc_id in cross:  # compared with last year's: its findings as the corpus holds them
                        d["findings"] = [_cross_finding(f) for f in cross[doc_id]]
                    d["corpus"] = (_corpus_facts(meta[doc_id], previous, more[doc_id]) if doc_id in meta
                                   else {"report_id": doc_id})
                    out.write(json.dumps(d, ensure_ascii=False) + "\n")
                    n += 1
    except OSError as exc:
        from gongkai.files import os_reason

        raise GongkaiError(f"无法写入输出文件：{os_reason(exc)}", output) from None
    return [(output, n)]


JSONL_CHUNK = 100  # reports' JSON texts held at once (~25 KB each): ~5 queries a chunk, ~10 MB held


def _batches(rows: Iterable[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    """``rows`` in lists of at most ``JSONL_CHUNK``."""
    batch: list[tuple[int, str]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= JSONL_CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _cross_finding(f) -> dict:
    d = {"rule": f.rule, "severity": f.severity, "cells": [c for c in (f.cells or "").split(";") if c],
         "message": f.message}
    d.update({k: v for k, v in (("where", f.where), ("quote", f.quote)) if v})
    if f.previous_report_id is not None:
        d["previous_report_id"] = f.previous_report_id
    return d


def _corpus_facts(r, previous: dict[int, str], more: tuple) -> dict:
    """The ``corpus`` object of a report's line: all the store knows of it that its JSON does not
    hold (``reimport`` takes it back); ``previous``: the content hashes of the readable last-year
    reports compared with."""
    size, ingested_at, paths, note = more
    return {"report_id": r.id, "sha256": r.sha256, "name": r.name, "path": r.path, "paths": paths, "size": size,
            "form": r.form, "ingested_at": ingested_at, "received_at": r.received_at,
            "parser_version": r.parser_version, "checked": r.checked,
            "previous_report_id": r.previous_id, "previous_sha256": previous.get(r.previous_id),
            "placement": {"region_code": r.code, "province": r.province, "city": r.city, "county": r.county,
                          "unit": r.unit, "level": r.level, "placement": r.placement, "note": note}}


def _export_parquet(store: Store, output: str) -> list[tuple[str, int]]:
    try:
        import duckdb
    except ImportError:
        raise MissingDependency("导出 Parquet 需要安装 DuckDB（pip install 'gongkai[corpus]'）。") from None
    written = []
    with tempfile.TemporaryDirectory(prefix="gongkai-export-") as tmp:
        # One thread: the same rows in the same order from less memory and CPU (DuckDB's threads
        # each buffer the CSV they read ahead: 0.99 GB at 100,000 reports, against ~0.7 GB — a
        # row group of the reports table's ~800 columns, the most any corpus needs), and the same
        # bytes every time (with a thread a core, where the row groups are cut varied from run to
        # run).  The limit keeps DuckDB from its default of 80 % of the machine's memory.
        con = duckdb.connect(config={"threads": 1, "memory_limit": "2GB", "temp_directory": tmp})
        for name, cols, rows in _tables(store):
            src = os.path.join(tmp, f"{name}.csv")
            n = _write_csv(src, cols, rows)
            dest = os.path.join(output, f"{name}.parquet")
            types = "{" + ", ".join(f"'{c}': '{t}'" for c, t in cols) + "}"
            con.execute(
                f"COPY (SELECT * FROM read_csv(?, header = true, columns = {types}, quote = '\"',"
                f" escape = '\"', allow_quoted_nulls = false, null_padding = false, strict_mode = true))"
                f" TO '{_sql_path(dest)}' (FORMAT parquet, COMPRESSION zstd)", [src])
            written.append((dest, n))
        con.close()
    return written


def _sql_path(path: str) -> str:
    return path.replace("'", "''")


_SHEETS = {"reports": "报告", "cells": "单元格", "figures": "正文数字", "findings": "检查发现", "failures": "失败文件"}


def _export_xlsx(store: Store, output: str) -> list[tuple[str, int]]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils.exceptions import IllegalCharacterError

    wb = Workbook(write_only=True)
    written = []
    for name, cols, rows in _tables(store):
        part, n, ws = 1, 0, None
        for row in rows:
            if ws is None or n and n % XLSX_MAX_ROWS == 0:
                if ws is not None:
                    part += 1
                ws = wb.create_sheet(_SHEETS[name] + (f"_{part}" if part > 1 else ""))
                ws.append([c for c, _ in cols])
            try:
                ws.append(row)
            except IllegalCharacterError:  # control characters from a damaged file
                ws.append([_clean(v) for v in row])
            n += 1
        if ws is None:
            ws = wb.create_sheet(_SHEETS[name])
            ws.append([c for c, _ in cols])
        written.append((f"{output}#{_SHEETS[name]}", n))
    del WriteOnlyCell
    try:
        wb.save(output)
        ooxml.reproducible_file(output, None)   # the same corpus, the same bytes (no clock in the file)
    except OSError as exc:
        from gongkai.files import os_reason

        raise GongkaiError(f"无法写出 XLSX 文件：{os_reason(exc)}", output) from None
    return written


def _clean(v):
    if isinstance(v, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", v)
    return v
