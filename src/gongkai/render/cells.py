"""A report's cells as rows, one per cell: the CSV that ``gongkai parse --csv`` writes and the
web's download offers.  Columns: file, cell id, its Chinese label, value, the raw text, where
it stood, inferred (1), what fixed an inferred value (``basis``: ";"-separated ``model.BASIS``
ids), the values an ambiguous (blank) cell may have (``candidates``, ";"-separated) and the OCR
confidence (empty when the text was not read by OCR)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO

from gongkai.format.names import cell_label
from gongkai.format.text import format_value
from gongkai.model import Report

HEADER = ["file", "cell", "label", "value", "raw", "where", "inferred", "basis", "candidates", "confidence"]


def cell_rows(report: Report, name: str) -> Iterator[list[str]]:
    open_values = report.candidate_values()
    for cell_id, value in report.iter_cells():
        info = report.cells.get(cell_id)
        yield [name, cell_id, cell_label(cell_id, report.format), format_value(value),
               info.raw if info else "", str(info.where) if info and info.where else "",
               "1" if info and info.inferred else "", ";".join(info.basis) if info else "",
               ";".join(open_values.get(cell_id, ())),
               f"{info.confidence:.4f}" if info and info.confidence is not None else ""]


def write_cells_csv(out: IO[str], reports: Iterator[tuple[str, Report]] | list[tuple[str, Report]]) -> None:
    w = csv.writer(out)
    w.writerow(HEADER)
    for name, report in reports:
        w.writerows(cell_rows(report, name))
