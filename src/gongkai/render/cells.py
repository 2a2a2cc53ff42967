"""A report's cells as rows, one per cell: the CSV that ``gongkai parse --csv`` writes and the
web's download offers.  Columns: file, cell id, its Chinese label, value, the raw text, where
it stood, inferred (1), what fixed an inferred value (``basis``: ";"-separated ``model.BASIS``
ids), the values an ambiguous (blank) cell may have (``candidates``, ";"-separated) and the OCR
confidence (empty when the text was not read by OCR)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any

from gongkai.format.names import cell_label
from gongkai.format.text import format_value
from gongkai.model import CellInfo, Report, Value, split_cell_id

HEADER = ["file", "cell", "label", "value", "raw", "where", "inferred", "basis", "candidates", "confidence"]


def _cells(report: Report) -> Iterator[tuple[str, Value, CellInfo | None, list[str]]]:
    """(cell id, value, what is known of it, the values its cuts allow) of every cell the report prints."""
    open_values = report.candidate_values()
    for cell_id, value in report.iter_cells():
        yield cell_id, value, report.cells.get(cell_id), open_values.get(cell_id, [])


def cell_records(report: Report) -> list[dict[str, Any]]:
    """``gongkai.cell_records(report)``: one dict a cell the report prints, with the same keys in each
    (``pandas.DataFrame(…)``), named as the export's cells table names its columns (docs/dataset.md):
    ``cell_id``, ``table_id``, ``row_id``, ``column_id``, ``label`` (the format's words), ``value`` (a
    count; an amount as a float, as in the JSON; None when blank — never 0), ``raw`` (as printed; None
    for an empty cell), ``where``, ``inferred``, ``basis`` and ``candidates`` (lists), ``confidence``
    (OCR; None for text not read by OCR).  A row or table the report lacks has no record."""
    out = []
    for cell_id, value, info, candidates in _cells(report):
        table, row, column = split_cell_id(cell_id)
        out.append({"cell_id": cell_id, "table_id": table, "row_id": row, "column_id": column,
                    "label": cell_label(cell_id, report.format), "value": float(value) if isinstance(value, Decimal) else value,
                    "raw": info.raw if info and info.raw != "" else None,
                    "where": str(info.where) if info and info.where else None,
                    "inferred": bool(info and info.inferred), "basis": list(info.basis) if info else [],
                    "candidates": candidates, "confidence": info.confidence if info else None})
    return out


def cell_rows(report: Report, name: str) -> Iterator[list[str]]:
    for cell_id, value, info, candidates in _cells(report):
        yield [name, cell_id, cell_label(cell_id, report.format), format_value(value),
               info.raw if info else "", str(info.where) if info and info.where else "",
               "1" if info and info.inferred else "", ";".join(info.basis) if info else "", ";".join(candidates),
               f"{info.confidence:.4f}" if info and info.confidence is not None else ""]


def write_cells_csv(out: IO[str], reports: Iterator[tuple[str, Report]] | list[tuple[str, Report]]) -> None:
    w = csv.writer(out)
    w.writerow(HEADER)
    for name, report in reports:
        w.writerows(cell_rows(report, name))
