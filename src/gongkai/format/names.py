"""The one place that turns the format's ids into the Chinese a person reads.

Every view — terminal tables, HTML pages, findings, export headers — names tables, rows,
columns and cells through these functions, which read the labels from ``national.yaml``:

- ``label``: the official wording, as the format prints it (HTML pages, findings, exports);
- ``short``: the format's wording cut to its core for narrow views (an 80-column terminal,
  a phone), only where the yaml gives one; otherwise the official label.
"""

from __future__ import annotations

from functools import cache

from gongkai.format import FORMAT, VERSIONS
from gongkai.format.text import nested_quotes
from gongkai.model import split_cell_id


def table_name(table: str) -> str:
    """``table3`` -> 表三."""
    return FORMAT.tables[table][0]


def edition(version: str | None) -> str:
    """A report's format version as every report's head says it: ``2021`` -> 2021 年版 (a bare
    2021 beside 年度：2021 read as a year); an unrecognised one -> （未识别）."""
    return f"{version} 年版" if version else "（未识别）"


def table_title(table: str) -> str:
    """``table3`` -> 收到和处理政府信息公开申请情况."""
    return FORMAT.tables[table][1]


@cache
def _table2(version: str | None) -> tuple[dict, dict]:
    rows, columns = {}, {}
    # The report's own version wins where both versions share an id (规范性文件 / 行政规范性文件).
    order = [v for v in VERSIONS if v != version] + ([version] if version in VERSIONS else [])
    for v in order:
        for group, row in FORMAT.table2_rows(v):
            rows[f"{group.id}.{row.id}"] = row
            for col in group.columns:
                columns[f"{group.id}.{col.id}"] = col
    return rows, columns


def _row_spec(table: str, row: str, version: str | None):
    if table == "table3":
        return FORMAT.table3_rows.get(row)
    if table == "table4":
        return next((g for g in FORMAT.table4_groups if g.id == row), None)
    return _table2(version)[0].get(row)


def _column_spec(table: str, row: str, column: str, version: str | None):
    if table == "table3":
        return next((c for c in FORMAT.table3_columns if c.id == column), None)
    if table == "table4":
        return next((c for c in FORMAT.table4_columns if c.id == column), None)
    return _table2(version)[1].get(f"{row.split('.', 1)[0]}.{column}")


def row_label(table: str, row: str, version: str | None = None, *, short: bool = False,
              grouped: bool = True) -> str:
    """A row's label.  Table 3's sub-rows carry their group (（三）不予公开—1.属于国家秘密)
    unless ``grouped`` is false (a view that prints the group as a heading of its own);
    table 4's lawsuit groups carry 行政诉讼.  An id the format lacks is returned as is."""
    spec = _row_spec(table, row, version)
    if spec is None:
        return row
    text = (spec.short or spec.label) if short and hasattr(spec, "short") else spec.label
    if table == "table3" and grouped and spec.group and spec.group != spec.label:
        return f"{_short_group(spec.group) if short else spec.group}—{text}"
    if table == "table4" and grouped and spec.parent:
        return f"{spec.parent}—{text}"
    return text


def _short_group(group: str) -> str:
    """（二）部分公开（区分处理的，…） -> （二）部分公开: the group's own row gives the short form."""
    row = next((r for r in FORMAT.table3_rows.values() if r.label == group), None)
    return (row.short or group) if row is not None else group


def row_group(table: str, row: str, short: bool = False) -> str | None:
    """The heading a row stands under as printed: （三）不予公开 for table 3's sub-rows,
    行政诉讼 for table 4's lawsuit groups; None for a row of its own."""
    if table == "table3":
        spec = FORMAT.table3_rows.get(row)
        if spec is not None and spec.group and spec.group != spec.label:
            return _short_group(spec.group) if short else spec.group
    if table == "table4":
        group = next((g for g in FORMAT.table4_groups if g.id == row), None)
        return group.parent if group is not None else None
    return None


def column_label(table: str, row: str, column: str, version: str | None = None, *, short: bool = False) -> str:
    """A column's label (``row`` matters only in table 2, whose groups have their own columns)."""
    spec = _column_spec(table, row, column, version)
    if spec is None:
        return column
    return (spec.short or spec.label) if short else spec.label


def cell_label(cell_id: str, version: str | None = None) -> str:
    """``table3.granted.total`` -> 表三“（一）予以公开”行“总计”列 (findings, export headers)."""
    table, row, column = split_cell_id(cell_id)
    rl, cl = row_label(table, row, version), column_label(table, row, column, version)
    if table == "table4":
        return f"{table_name(table)}“{rl}—{cl}”"
    return nested_quotes(f"{table_name(table)}“{rl}”行“{cl}”列")   # “…危及‘三安全一稳定’”行


def cells_label(cell_ids: list[str], version: str | None = None) -> str:
    """What a finding's cells are, named as a whole: one cell by ``cell_label``; a row's cells
    as the row (表三“一、本年新收政府信息公开申请数量”行 — a label or a row total is about the
    row, and naming its first cell, “自然人”列, pointed at a cell that was not wrong); a
    column's cells as the column; else the first cell and 等."""
    if not cell_ids:
        return ""
    if len(cell_ids) == 1:
        return cell_label(cell_ids[0], version)
    parts = [split_cell_id(c) for c in cell_ids]
    table, row, column = parts[0]
    if all(p[0] == table and p[1] == row for p in parts):
        return nested_quotes(f"{table_name(table)}“{row_label(table, row, version)}”") + ("" if table == "table4" else "行")
    if table == "table3" and all(p[0] == table and p[2] == column for p in parts):
        return f"{table_name(table)}“{column_label(table, row, column, version)}”列"
    return cell_label(cell_ids[0], version) + "等"


def cell_short(cell_id: str, version: str | None = None) -> str:
    """``table3.denied.state_secret.total`` -> 表三 （三）不予公开—1.属于国家秘密｜总计: a cell
    named in one line of a narrow table."""
    table, row, column = split_cell_id(cell_id)
    return (f"{table_name(table)} {row_label(table, row, version, short=True)}"
            f"｜{column_label(table, row, column, version, short=True)}")


@cache
def _order() -> dict[str, int]:
    ids: list[str] = []
    for version in VERSIONS[::-1]:  # 2021 first, then the cells only 2019 has
        for layout in VERSIONS[::-1]:
            ids += FORMAT.expected_cells(version, layout)
    ids = list(dict.fromkeys(ids))
    ids.sort(key=lambda c: c.split(".", 1)[0])  # stable: tables in order, printed order within
    return {c: i for i, c in enumerate(ids)}


def format_order(cell_id: str) -> tuple[int, str]:
    """Sort key putting cell ids in the format's printed order (ids it lacks last)."""
    return (_order().get(cell_id, len(_order())), cell_id)


__all__ = ["cell_label", "cell_short", "cells_label", "column_label", "format_order", "row_group", "row_label", "table_name", "table_title"]
