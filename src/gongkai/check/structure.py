"""The report's shape against the format: sections, tables, rows, cells, labels, version.

SECTION-MISSING, SECTION-TITLE, TABLE-MISSING, TABLE-INCOMPLETE, CELL-BLANK, CELL-AMBIGUOUS,
ROW-EXTRA, LABEL-NONSTANDARD, FORMAT-VERSION, FORMAT-LAYOUT, FEE-AMOUNT (a fee in 万元 too large to be one).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from gongkai.check import shape
from gongkai.check.catalogue import cn_number, data, finding, rules
from gongkai.check.figures import fmt_computed
from gongkai.extract import recover, split
from gongkai.extract.narrative import narrative_of, phrasings
from gongkai.format import FORMAT
from gongkai.format.labels import is_official
from gongkai.format.names import cell_label, column_label, row_label, table_name, table_title
from gongkai.format.places import names_town
from gongkai.model import TABLES, Ambiguity, Finding, Report, Value, Where, split_cell_id
from gongkai.records import record


def section_missing(report: Report) -> Iterator[Finding]:
    present = {s.no for s in report.sections}
    extra = rules()["SECTION-MISSING"].extra
    for spec in FORMAT.sections:
        if spec.no in present:
            continue
        table = extra["tables"].get(spec.no)
        if table is not None and report.table(table):  # the part is there, its heading is not
            first = next((info.where for cell, info in report.cells.items()
                          if cell.startswith(table + ".") and info.where is not None), None)
            yield finding(report, "SECTION-MISSING", where=first, template=extra["heading_message"],
                          number=cn_number(spec.no), title=spec.title, table=table_name(table))
            continue
        yield finding(report, "SECTION-MISSING", number=cn_number(spec.no), title=spec.title)


def section_title(report: Report) -> Iterator[Finding]:
    specs = {s.no: s for s in FORMAT.sections}
    for section in report.sections:
        spec = specs.get(section.no)
        if spec is None or not section.title or is_official(section.title, spec.title):
            continue
        yield finding(report, "SECTION-TITLE", where=section.where, number=cn_number(spec.no),
                      printed=section.title, official=spec.title)


def table_missing(report: Report) -> Iterator[Finding]:
    for name in TABLES:
        if not report.table(name):  # absent, or present without a single row
            yield finding(report, "TABLE-MISSING", table=table_name(name), title=table_title(name))


def table_incomplete(report: Report) -> Iterator[Finding]:
    missing: dict[str, list[tuple[str, list[str]]]] = {}
    for table, row, columns in shape.expected_rows(report):
        t = report.table(table)
        if t and row not in t:
            missing.setdefault(table, []).append((row, [cell_id for _, cell_id in columns]))
    for table, rows in missing.items():
        yield finding(report, "TABLE-INCOMPLETE", [c for _, cells in rows for c in cells],
                      table=table_name(table), count=len(rows),
                      rows="、".join(f"“{row_label(table, r, shape.version(report))}”" for r, _ in rows))


@record(frozen=True)
class _Blank:
    row: str
    column: str
    cell: str
    shown: str   # 空白 / 缺失 / 填“/”


def cell_blank(report: Report) -> Iterator[Finding]:
    """Cells the format wants a number in, left without one, grouped as a reader sees the defect:
    a table left wholly blank is one finding, so is a row left wholly blank, so is one column
    left blank in several rows (naming the rows); what remains is one finding a row.  Every
    cell stays in its finding's cells (the review page marks each)."""
    undecided = {cell for amb in report.ambiguous for cell in report.undecided(amb)}  # CELL-AMBIGUOUS
    version = shape.version(report)
    order: dict[str, int] = {}
    widths: dict[tuple[str, str], int] = {}          # (table, row) -> its cells
    heights: dict[tuple[str, str, str], int] = {}    # (table, column, label) -> rows having it
    blanks: dict[str, list[_Blank]] = {}
    for table, row, columns in shape.expected_rows(report):
        t = report.table(table)
        if t is None or row not in t:
            continue  # TABLE-MISSING / TABLE-INCOMPLETE
        values = t[row]
        widths[table, row] = len(columns)
        for column, cell_id in columns:
            order[cell_id] = len(order)
            key = (table, column, column_label(table, row, column, version))
            heights[key] = heights.get(key, 0) + 1
            if values.get(column) is not None or cell_id in undecided:
                continue
            info = report.cells.get(cell_id)
            raw = info.raw.strip() if info is not None else None
            shown = "缺失" if column not in values else ("空白" if not raw else f"填“{raw}”")
            blanks.setdefault(table, []).append(_Blank(row, column, cell_id, shown))
    found: list[Finding] = []
    for table, cells in blanks.items():
        found.extend(_blank_findings(report, table, cells, widths, heights, version))
    yield from sorted(found, key=lambda f: order[f.cells[0]])


def _blank_findings(report: Report, table: str, cells: list[_Blank], widths: dict[tuple[str, str], int],
                    heights: dict[tuple[str, str, str], int], version: str) -> Iterator[Finding]:
    extra = rules()["CELL-BLANK"].extra
    name = table_name(table)
    if len(cells) > 1 and len(cells) == sum(n for (t, _), n in widths.items() if t == table):
        yield finding(report, "CELL-BLANK", [b.cell for b in cells], template=extra["table_message"],
                      table=name, count=len(cells), state=_state(cells))
        return
    by_row: dict[str, list[_Blank]] = {}
    for b in cells:
        by_row.setdefault(b.row, []).append(b)
    rest: list[_Blank] = []
    for row, in_row in by_row.items():
        if len(in_row) > 1 and len(in_row) == widths[table, row]:
            yield finding(report, "CELL-BLANK", [b.cell for b in in_row], template=extra["row_message"], table=name,
                          row=row_label(table, row, version), count=len(in_row), state=_state(in_row))
        else:
            rest.extend(in_row)
    by_column: dict[tuple[str, str, str], list[_Blank]] = {}
    for b in rest:
        by_column.setdefault((table, b.column, column_label(table, b.row, b.column, version)), []).append(b)
    single: set[str] = set()
    for key, in_column in by_column.items():
        if len(in_column) < 2:
            single.update(b.cell for b in in_column)
            continue
        uniform = len({b.shown for b in in_column}) == 1
        rows = "、".join(f"“{row_label(table, b.row, version)}”" + ("" if uniform else f"（{b.shown}）")
                        for b in in_column)
        whole = len(in_column) == heights[key]
        yield finding(report, "CELL-BLANK", [b.cell for b in in_column], template=extra["column_message"],
                      table=name, column=key[2], scope="整列" if whole else "有",
                      count=len(in_column), state=_state(in_column), rows=rows)
    for row, in_row in by_row.items():
        left = [b for b in in_row if b.cell in single]
        if left:
            detail = "，".join(f"{column_label(table, row, b.column, version)}：{b.shown}" for b in left)
            yield finding(report, "CELL-BLANK", [b.cell for b in left], table=name,
                          row=row_label(table, row, version), count=len(left), detail=detail)


def _state(cells: list[_Blank]) -> str:
    """均空白 when every cell is alike, else how many of each (空白 8 个、填“/” 2 个)."""
    counts: dict[str, int] = {}
    for b in cells:
        counts[b.shown] = counts.get(b.shown, 0) + 1
    if len(counts) == 1:
        return f"均{next(iter(counts))}"
    return "、".join(f"{shown} {n} 个" for shown, n in counts.items())


def cell_ambiguous(report: Report) -> Iterator[Finding]:
    """Digits printed without separators that the format's sums do not cut one way."""
    version = shape.version(report)
    extra = rules()["CELL-AMBIGUOUS"].extra
    for amb in report.ambiguous:
        _, row, _ = split_cell_id(amb.cells[0])
        name = table_name(amb.table) if amb.table == "table4" else \
            f"{table_name(amb.table)}“{row_label(amb.table, row, version)}”行"
        cells = report.undecided(amb)
        if not cells:
            continue  # fixed since with last year's figures
        if amb.reason in ("ambiguous", "blank-cells"):
            columns = "、".join(f"“{_cell_name(c, version)}”" for c in cells)
            cuts = report.open_cuts(amb)  # fewer when last year's figures fixed some cells of the row
            narrowed = len(cuts) < len(amb.candidates)
            template = extra["narrowed_message"] if narrowed else None
            digits = recover.fewer_digits(amb, version) if amb.reason == "blank-cells" else None
            if amb.reason == "blank-cells":  # some readings have blank cells: say what "/" is
                template = extra["fewer_cells_message" if digits is not None else
                                 "opened_message" if not recover.has_sums(amb.table) else "blank_cells_message"]
            by = extra["narrowed_by" if narrowed else "by"][amb.table]
            ways = _blank_ways(cuts) if amb.reason == "blank-cells" else "；".join("|".join(c) for c in cuts)
            found = finding(report, "CELL-AMBIGUOUS", cells, where=amb.where, template=template, row=name, raw=amb.raw,
                            count=len(cuts), ways=ways, columns=columns, by=by, digits=digits, width=len(amb.cells))
            found.message += _text_hint(report, amb, cuts)
            yield found
        else:
            reason = "count" if amb.reason == "no-split" and not recover.cuts_by_count(amb, version) else amb.reason
            digits = recover.fewer_digits(amb, version) if amb.reason == "blank-only" else None
            template = extra["fewer_only_message" if digits is not None else f"{reason.replace('-', '_')}_message"]
            yield finding(report, "CELL-AMBIGUOUS", cells, where=amb.where, template=template, row=name,
                          raw=amb.raw, count=len(amb.cells), readings=len(amb.candidates),
                          ways=_blank_ways(amb.candidates), digits=digits,
                          held=recover.held_zh(amb) if digits is not None else "")


_BLANK_WAYS_SHOWN = 8  # readings with blank cells multiply by the blanks' places (up to 1,024)


def _blank_ways(cuts: list[list[str]]) -> str:
    """Readings with blank cells as a finding says them: the first few, and how many in all; a space
    after each "；" lets a line break before a reading that starts with "/"."""
    shown = "； ".join("|".join(c) for c in cuts[:_BLANK_WAYS_SHOWN])
    return shown + (f"；……（全部 {len(cuts)} 种见 gongkai parse --json 的 ambiguous）" if len(cuts) > _BLANK_WAYS_SHOWN else "")


def _text_hint(report: Report, amb: Ambiguity, cuts: list[list[str]]) -> str:
    """The cuts the report's own text agrees with ("制定规范性文件15件" for 本年制发件数), said as a
    hint to check the original: the cells stay open (the text may count another scope)."""
    index = {c: i for i, c in enumerate(amb.cells)}
    stated = [f for f in narrative_of(report).figures
              if len(f.cells) == 1 and f.cells[0] in index and not f.approx and not f.scope
              and f.year in (None, report.year)]
    def value(piece: str) -> Value:
        return None if piece == split.BLANK else split.value(piece, split.DECIMAL)  # a reading's blank cell
    agree = [cut for cut in cuts if all(value(cut[index[f.cells[0]]]) == f.value for f in stated)]
    if not stated or not agree or len(agree) == len(cuts):
        return ""
    return rules()["CELL-AMBIGUOUS"].extra["text_hint"].format(
        texts="、".join(f"“{f.text}”" for f in stated), ways="；".join("|".join(c) for c in agree))


def _cell_name(cell_id: str, version: str) -> str:
    table, row, column = split_cell_id(cell_id)
    if table == "table4":
        return f"{row_label(table, row)}—{column_label(table, row, column)}"
    return column_label(table, row, column, version)


def row_extra(report: Report) -> Iterator[Finding]:
    for extra in report.extra_rows:
        yield finding(report, "ROW-EXTRA", where=extra.where, table=table_name(extra.table), label=extra.label)


def _position(where: Where | None) -> tuple[int, ...] | None:
    """Where a label or a cell stands, comparable within one document (text lines, PDF pages,
    tables and rows, a crawler's long line's characters)."""
    if where is None:
        return None
    return tuple(v or 0 for v in (where.page, where.table, where.line, where.row, where.char))


def _header_cells(report: Report, table: str, official: str, where: Where | None) -> tuple[list[str], str]:
    """The cells under a column header, and for table 2 the group it heads (第二十条第（五）项):
    a header several groups share (本年处理决定数量 heads 第（五）项 and 第（六）项) is the one of
    the group whose cells follow it first; unknown when the positions do not tell."""
    t = report.table(table) or {}
    if table == "table3":
        columns = [c.id for c in FORMAT.table3_columns if c.label == official]
        return [f"table3.{r}.{c}" for r in t for c in columns if c in t[r]], ""
    if table != "table2":
        return [], ""
    header = _position(where)
    found = []
    for group in FORMAT.table2[shape.version(report)]:
        column = next((c.id for c in group.columns if c.label == official), None)
        if column is None:
            continue
        cells = [f"table2.{group.id}.{r.id}.{column}" for r in group.rows if column in t.get(f"{group.id}.{r.id}", {})]
        after = [p for c in cells if c in report.cells
                 and (p := _position(report.cells[c].where)) is not None and header is not None and p > header]
        found.append((min(after) if after else None, group.label, cells))
    if len(found) == 1:
        return found[0][2], found[0][1]
    placed = sorted((first, label, cells) for first, label, cells in found if first is not None)
    return (placed[0][2], placed[0][1]) if placed else ([], "")


def label_nonstandard(report: Report) -> Iterator[Finding]:
    for use in report.labels:
        t = report.table(use.table) or {}
        group = ""
        if use.row in t:
            cells = [f"{use.table}.{use.row}.{c}" for c in t[use.row]]
        else:
            cells, group = _header_cells(report, use.table, use.official, use.where)
        yield finding(report, "LABEL-NONSTANDARD", cells, where=use.where, table=table_name(use.table) + group,
                      printed=use.printed, official=use.official)


def expected_version(year: int | None) -> dict | None:
    if year is None:
        return None
    for entry in data()["format_versions"]:
        if entry["from"] <= year and (entry["to"] is None or year <= entry["to"]):
            return entry
    return None


def format_version(report: Report) -> Iterator[Finding]:
    expected = expected_version(report.year)
    if expected is None or report.format is None or report.format == expected["version"]:
        return
    actual = next((e["name"] for e in data()["format_versions"] if e["version"] == report.format), report.format)
    yield finding(report, "FORMAT-VERSION", year=report.year, expected=expected["name"], actual=actual)


def format_layout(report: Report) -> Iterator[Finding]:
    if report.table3 is None:
        return
    version, layout = shape.version(report), shape.table3_layout(report)
    if version == layout:
        return
    other_rows = [r for r in FORMAT.table3_layout(layout) if r not in FORMAT.table3_layout(version)]
    split_rows = [r for r in FORMAT.table3_layout("2021") if r.startswith(shape.SPLIT_PREFIX)]
    labels = "、".join(f"“{FORMAT.table3_rows[r].label}”" for r in split_rows)
    cells = [f"table3.{r}.{c}" for r in other_rows for c in (report.table3.get(r) or {})]
    detail = rules()["FORMAT-LAYOUT"].extra["details"][layout].format(version=version, rows=labels)
    yield finding(report, "FORMAT-LAYOUT", cells, detail=detail, version=version)


FEE_CELL = "table2.art20_8.admin_fees.amount"


def fee_amount(report: Report) -> Iterator[Finding]:
    value = report.value(FEE_CELL)
    if not isinstance(value, (int, Decimal)) or isinstance(value, bool):
        return
    spec = rules()["FEE-AMOUNT"].extra
    level = "town" if names_town(report.agency) else "any"
    limit = Decimal(spec["limits"][level])
    amount = Decimal(value)
    if amount < limit:
        return
    units = phrasings().units
    for figure in narrative_of(report).figures:
        # The text states the fee as another figure (4.83万元, 48300元): TEXT-TABLE says the mix-up.
        # Not a rough or a scoped one (约4.8万元, 县本级…): TEXT-TABLE leaves those be or only notes them.
        if figure.counts == "admin_fees" and figure.unit in units and not figure.approx and not figure.scope:
            stated = Decimal(figure.value) * units[figure.unit].get("factor", 1) / units["万元"]["factor"]
            if stated != amount:
                return
    # 万元 to 亿元 and 元 to 万元 are the same division: 48300 万元 is 4.83 亿元, 48300 元 is 4.83 万元.
    shifted = fmt_computed(amount / 10000)
    yield finding(report, "FEE-AMOUNT", [FEE_CELL], cell=cell_label(FEE_CELL), amount=fmt_computed(amount),
                  yi=shifted, fixed=shifted, body=spec["bodies"][level], limit=fmt_computed(limit / 10000))


RULES = (section_missing, section_title, table_missing, table_incomplete, cell_blank, cell_ambiguous, row_extra,
         label_nonstandard, format_version, format_layout, fee_amount)
