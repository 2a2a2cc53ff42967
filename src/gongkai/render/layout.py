"""The official tables as grids of merged cells, built from ``FORMAT`` and a report.

Every output form (DOCX, HTML, Markdown) draws the same ``TableLayout``: a list of cells,
each at its top-left grid position with its row and column span.  The spans are the ones of
the national format (reference §A.4, §B.2–B.3); nothing here is specific to one output.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.format import FORMAT
from gongkai.format.text import format_value
from gongkai.model import Report

# Kinds of cell: how a renderer styles it and whether it is a header (<th>) or data.
GROUP = "group"      # full-width group row of table 2 (第二十条第（一）项)
HEADER = "header"    # column header
NOTE = "note"        # the 勾稽 note of table 3
LABEL = "label"      # row label
VALUE = "value"      # a number (right-aligned)
FILLER = "filler"    # an empty cell the format leaves in a row (2019 table 2, items 八/九)


@dataclass
class Cell:
    text: str
    row: int
    col: int
    kind: str
    rowspan: int = 1
    colspan: int = 1
    cell_id: str | None = None  # flat id of a value cell
    scope: str | None = None    # HTML scope of a header cell: col, colgroup, row, rowgroup

    @property
    def is_header(self) -> bool:
        return self.kind in (GROUP, HEADER, NOTE, LABEL)


@dataclass
class TableLayout:
    name: str          # table2 | table3 | table4
    columns: int
    cells: list[Cell] = field(default_factory=list)
    header_rows: int = 0  # rows repeated at the top of each printed page

    @property
    def rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    def row_cells(self, r: int) -> list[Cell]:
        return sorted((c for c in self.cells if c.row == r), key=lambda c: c.col)

    def add(self, text: str, row: int, col: int, kind: str, rowspan: int = 1, colspan: int = 1,
            cell_id: str | None = None, scope: str | None = None) -> Cell:
        cell = Cell(text, row, col, kind, rowspan, colspan, cell_id, scope)
        self.cells.append(cell)
        return cell

    def value_cells(self) -> list[Cell]:
        return [c for c in self.cells if c.kind == VALUE]

    def may_break_before(self, r: int) -> bool:
        """Whether a printed page may end above row ``r``.  Tables 2 and 4 are small and print
        whole.  Table 3 takes most of a page: kept whole it left its section's text alone on a
        page whenever the text did not leave room for it, so it may break, but only where one
        of its groups of rows starts after the first (（四）无法提供, （五）不予处理, （六）其他处理):
        never inside a group, whose label would be cut from its rows; never before （三）不予公开
        ends, so that the first part holds 三、本年度办理结果 (a narrow column, one character a
        line, that overflowed two rows) and stays with the header and the text above; never
        before （七）总计 and 四、结转, which stay with the rows they total.  The header rows are
        repeated on the next page (``header_rows``)."""
        if self.name != "table3" or r <= self.header_rows:
            return False
        starts = any(c.row == r and c.col == 1 and c.rowspan > 1 for c in self.cells)
        earlier = any(self.header_rows <= c.row < r and c.col == 1 and c.rowspan > 1 for c in self.cells)
        crossed = any(c.row < r < c.row + c.rowspan and c.col > 0 for c in self.cells)
        return starts and earlier and not crossed


def _value(report: Report, cell_id: str) -> str:
    return format_value(report.value(cell_id))


def table2_layout(report: Report, version: str) -> TableLayout:
    """4-column grid: group rows span 4; a group with one column spans the value over 3."""
    t = TableLayout("table2", 4)
    r = 0
    for group in FORMAT.table2[version]:
        t.add(group.label, r, 0, GROUP, colspan=4, scope="colgroup")
        r += 1
        spans = _value_spans(len(group.columns))
        t.add("信息内容", r, 0, HEADER, scope="col")
        col = 1
        for column, span in zip(group.columns, spans):
            t.add(column.label, r, col, HEADER, colspan=span, scope="col")
            col += span
        if col < 4:
            t.add("", r, col, FILLER, colspan=4 - col)
        r += 1
        for row in group.rows:
            t.add(row.label, r, 0, LABEL, scope="row")
            col = 1
            for column, span in zip(group.columns, spans):
                cell_id = f"table2.{group.id}.{row.id}.{column.id}"
                t.add(_value(report, cell_id), r, col, VALUE, colspan=span, cell_id=cell_id)
                col += span
            if col < 4:
                t.add("", r, col, FILLER, colspan=4 - col)
            r += 1
    return t


def _value_spans(n: int) -> list[int]:
    """One value column spans all three; two or three take one grid column each."""
    return [3] if n == 1 else [1] * n


def table3_layout(report: Report, version: str) -> TableLayout:
    """3 label columns + 7 numbers; 3 header rows under the 勾稽 note."""
    columns = FORMAT.table3_columns
    t = TableLayout("table3", 3 + len(columns), header_rows=3)
    t.add(FORMAT.table3_note, 0, 0, NOTE, rowspan=3, colspan=3)
    t.add("申请人情况", 0, 3, HEADER, colspan=len(columns), scope="colgroup")
    # Row 2: 自然人 and 总计 span two rows; the columns with a group share one cell.
    col = 3
    i = 0
    while i < len(columns):
        column = columns[i]
        if column.group:
            width = sum(1 for c in columns[i:] if c.group == column.group)
            t.add(column.group, 1, col, HEADER, colspan=width, scope="colgroup")
            for j, member in enumerate(columns[i:i + width]):
                t.add(member.label, 2, col + j, HEADER, scope="col")
            col += width
            i += width
        else:
            t.add(column.label, 1, col, HEADER, rowspan=2, scope="col")
            col += 1
            i += 1
    layout = FORMAT.table3_layout(version)
    outcome = [rid for rid in layout if FORMAT.table3_rows[rid].group]
    r = 3
    first_outcome = True
    previous_group = None
    for rid in layout:
        spec = FORMAT.table3_rows[rid]
        if not spec.group:
            t.add(spec.label, r, 0, LABEL, colspan=3, scope="row")
        else:
            if first_outcome:
                t.add(FORMAT.table3_outcome_group_label, r, 0, LABEL, rowspan=len(outcome), scope="rowgroup")
                first_outcome = False
            if spec.label.startswith(spec.group):  # a row that is its own group: （一）予以公开
                t.add(spec.label, r, 1, LABEL, colspan=2, scope="row")
            else:
                if spec.group != previous_group:
                    size = sum(1 for x in layout if FORMAT.table3_rows[x].group == spec.group)
                    t.add(spec.group, r, 1, LABEL, rowspan=size, scope="rowgroup")
                t.add(spec.label, r, 2, LABEL, scope="row")
            previous_group = spec.group
        for j, column in enumerate(columns):
            cell_id = f"table3.{rid}.{column.id}"
            t.add(_value(report, cell_id), r, 3 + j, VALUE, cell_id=cell_id)
        r += 1
    return t


def table4_layout(report: Report) -> TableLayout:
    """Two header levels (行政复议 | 行政诉讼 → 未经复议直接起诉 | 复议后起诉) over one data row."""
    groups = FORMAT.table4_groups
    columns = FORMAT.table4_columns
    n = len(columns)
    t = TableLayout("table4", len(groups) * n, header_rows=3)
    col = 0
    i = 0
    while i < len(groups):
        group = groups[i]
        if group.parent is None:
            t.add(group.label, 0, col, HEADER, colspan=n, scope="colgroup")
            for j, column in enumerate(columns):
                t.add(column.label, 1, col + j, HEADER, rowspan=2, scope="col")
            col += n
            i += 1
        else:
            members = [g for g in groups[i:] if g.parent == group.parent]
            t.add(group.parent, 0, col, HEADER, colspan=n * len(members), scope="colgroup")
            for k, member in enumerate(members):
                t.add(member.label, 1, col + k * n, HEADER, colspan=n, scope="colgroup")
                for j, column in enumerate(columns):
                    t.add(column.label, 2, col + k * n + j, HEADER, scope="col")
            col += n * len(members)
            i += len(members)
    for j, (g, c) in enumerate(FORMAT.table4_cell_order):
        cell_id = f"table4.{g}.{c}"
        t.add(_value(report, cell_id), 3, j, VALUE, cell_id=cell_id)
    return t


def table3_version(report: Report) -> str:
    """The table-3 layout: a 2021-era report that printed （六）其他处理 as one row keeps it."""
    version = report.format or "2021"
    t3 = report.table3 or {}
    if version == "2021" and "other" in t3 and not any(r.startswith("other.") for r in t3):
        return "2019"
    return version


def layouts(report: Report) -> dict[str, TableLayout]:
    """The three tables of ``report`` in its format version, by the section they belong to."""
    version = report.format or "2021"
    return {"table2": table2_layout(report, version), "table3": table3_layout(report, table3_version(report)),
            "table4": table4_layout(report)}


# The section each table is printed under.
TABLE_SECTION = {2: "table2", 3: "table3", 4: "table4"}
