"""Cells of the tables a crawler flattened (``read/crawler.py``): the printed digits of each row,
cut into the row's cells using every constraint the national format gives.

For each row the digits are kept in order and spaces are certain boundaries; what is unknown is
where two digits side by side belong to different cells.  The constraints, weakest first:

1. the number of cells and numbers printed without leading zeros (``no-leading-zero``);
2. the row's own sums: table 3's 总计 column, table 4's three group totals (``row-total``,
   ``table4-total``);
3. the table's sums across rows: （七）总计 = the result rows, per column (``column-total``), and
   一 + 二 = （七） + 四, per column (``identity``);
4. with last year's report (``refine``): 现行有效 of last year + 制发 − 废止 = 现行有效 (``in-force``),
   in the 2019 table 2 last year's 上一年项目数量 + 本年增/减 = this year's 上一年项目数量
   (``items-chain``), and 上年结转 = last year's 结转下年度 (``carry-over``).

A row with as many digits (or tokens) as cells is read as printed.  For the others, every cut
allowed by (1) and (2) is listed (``split.splits``), and the cuts that can take part in a whole
table satisfying (3) are kept (``split.solve``).  A cell is written when all kept cuts agree on
it — marked inferred, with the constraints that fixed it (``CellInfo.basis``); otherwise it stays
null and the row's cuts are recorded (``Report.ambiguous``, reported by CELL-AMBIGUOUS).  When no
cut satisfies (3), the table's own sums are wrong: then (3) is not used and each row stands on
(1) and (2) alone; a row that not even its own total can cut stays unsplit.  Nothing is chosen.

An ordinary text export's rows whose numbers ran together (``12030001 5`` for seven cells) are cut
the same way (``read_fused``), with the table's cells printed apart as known values.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import lru_cache

from gongkai.extract import split
from gongkai.extract.tables import Fused, official_label, printed_officially, row_columns, table_zh
from gongkai.format import FORMAT
from gongkai.format.places import same_body
from gongkai.model import Ambiguity, CellInfo, ExtraRow, LabelUse, Report, Value, Where, at_char
from gongkai.read.document import Run, RunTable
from gongkai.records import record

_UNITS = "万元个件条项次"
_BLANKS = "/"
_GROUP_BASIS = {"table3": "row-total", "table4": "table4-total"}
_SHOWN = 6  # candidate cuts quoted in a note


@record(frozen=True)
class Ways:
    """What a row's printed digits allow on their own."""

    forced: tuple[str, ...] | None = None               # the one cut the count of digits leaves
    plain: tuple[tuple[str, ...], ...] | None = ()      # every cut, sums aside (None: too many)
    local: tuple[tuple[str, ...], ...] | None = ()      # cuts whose own groups add up (None: too many)
    blanks: bool = False                                # blank marks ("/") among digits that must be cut
    # Readings with some cells blank whose sums hold (``split.with_blanks``): a crawler keeps no
    # trace of an empty cell, so while there are any, no cut of the digits is sure.
    vanished: tuple[tuple[str, ...], ...] = ()
    # The forced cut holds only if no cell was blank (a row without sums, table 2: ``100`` may be
    # 100 with two cells blank): it is then marked inferred, ``digit-count``.
    assumed: bool = False


@record
class _Row:
    """One printed row and what its own constraints allow."""

    table: str
    row: str
    version: str
    cells: tuple[str, ...]
    layout: split.Layout
    run: Run
    text: str                 # the digits, tokens separated by single spaces
    at: tuple[int, ...]       # for each character of ``text``, its index in ``run.text``
    units: tuple[tuple[int, str], ...]  # (end of a token in ``text``, the unit printed after it: 元, 个)
    ways: Ways = Ways()

    @property
    def forced(self) -> tuple[str, ...] | None:
        return self.ways.forced

    @property
    def plain(self) -> tuple[tuple[str, ...], ...] | None:
        return self.ways.plain

    @property
    def local(self) -> tuple[tuple[str, ...], ...] | None:
        return self.ways.local


@lru_cache(maxsize=8192)
def _tokenise(text: str) -> tuple[str, tuple[int, ...], tuple[tuple[int, str], ...]]:
    """Digits, signs and decimal points of a run; anything else (spaces, units) separates tokens."""
    chars: list[str] = []
    at: list[int] = []
    units: dict[int, str] = {}
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _BLANKS:  # a blank mark stands for one cell on its own: "0/0" is 0 | / | 0
            if chars and chars[-1] != " ":
                chars.append(" ")
                at.append(-1)
            chars += [ch, " "]
            at += [i, -1]
            i += 1
            continue
        if ch == "," and chars and chars[-1].isdigit() and text[i + 1:i + 4].isdigit() and len(text[i + 1:i + 4]) == 3:
            i += 1  # a thousands separator ("1,323"): the digits around it are one number's
            continue
        if ch.isdigit() or ch in ".+-":
            chars.append(ch)
            at.append(i)
            i += 1
            continue
        if ch in _UNITS and chars and chars[-1] != " ":
            j = i
            while j < len(text) and text[j] in _UNITS:
                j += 1
            units[len(chars)] = text[i:j]
            i = j
        else:
            i += 1
        if chars and chars[-1] != " ":
            chars.append(" ")
            at.append(-1)
    while chars and chars[-1] == " ":
        chars.pop()
        at.pop()
    return "".join(chars), tuple(at), tuple(units.items())


@lru_cache(maxsize=1024)
def _layout(table: str, row: str, version: str) -> tuple[tuple[str, ...], split.Layout] | None:
    """The cell ids of a row and their layout; None for a row its table (version) lacks."""
    if table == "table4":
        ids = tuple(f"table4.{g}.{c}" for g, c in FORMAT.table4_cell_order)
        return ids, split.grouped(len(FORMAT.table4_groups), len(FORMAT.table4_columns))
    columns = row_columns(table, row, version)
    if columns is None:
        return None
    ids = tuple(f"{table}.{row}.{c}" for c in columns)
    if table == "table3":
        return ids, split.grouped(1, len(columns))
    specs = {c.id: c for c in FORMAT.table2_columns(version, row)}
    kinds = tuple(split.DECIMAL if specs[c].decimal else split.SIGNED if c == "change" else split.INT
                  for c in columns)
    return ids, split.Layout(kinds)


@lru_cache(maxsize=8192)
def row_cuts(text: str, layout: split.Layout, crawler: bool = True) -> Ways:
    """The cuts of ``text`` (tokens separated by single spaces) into ``layout``.  Rows recur from
    report to report ("0000000"), hence the cache.

    A row with sums (table 3, table 4) may also be read with some cells blank (``1082110`` as
    108 | 2 | 110 and four blanks, where 1|0|8|2|1|1|0 does not add up): such readings are kept
    beside the full ones, so the row is cut only where every reading agrees (the table's sums may
    still rule some out).  With no full reading that adds up, the row stays unsplit and the blank
    readings are named.  Rows with fewer digits than cells and blank totals are looked into in a
    crawler's text only (``crawler``): an ordinary text export's row is said as before."""
    ways = _full_cuts(text, layout)
    if text and not ways.blanks and split.atoms(text) < layout.width:
        return _fewer(text, layout, ways) if crawler else ways
    if not layout.groups and ways.forced is not None and not ways.blanks and split.fewer_cuts(text, layout):
        return Ways(forced=ways.forced, plain=ways.plain, local=ways.local, assumed=True)
    if not layout.groups or ways.blanks or not text:
        return ways
    try:
        vanished = tuple(split.with_blanks(text, layout))
    except split.TooMany:
        return Ways(plain=ways.plain, local=None)  # too many readings to list: unsplit
    if not vanished and ways.forced is None and ways.local == () and crawler:
        # No cut adds up, with every cell printed or with blanks: a total left blank may be why
        # (its parts then add up to nothing printed), as may the report's wrong sum.  Too many such
        # readings (table 4's three groups, long rows): too many to list, not the report's sum's fault.
        try:
            vanished = tuple(split.with_blanks(text, layout, blank_totals=True))
        except split.TooMany:
            return Ways(plain=ways.plain, local=None)
    if not vanished:
        if ways.forced is not None and not split.adds_up(ways.forced, layout) and split.fewer_cuts(text, layout):
            # The report's sum is wrong as printed, or a cell was blank and its digits belong to
            # the next: either way the count of digits alone placed them (marked inferred).
            return Ways(forced=ways.forced, plain=ways.plain, local=ways.local, assumed=True)
        return ways
    full = (ways.forced,) if ways.forced is not None else ways.local
    if full is None:
        return ways  # too many full cuts: said as before
    return Ways(plain=None, local=(*full, *vanished) if full else (), vanished=vanished)


def shows_blank_cells(tables: Iterable[RunTable], version: str | None) -> bool:
    """Whether a crawler's text shows that its body leaves cells blank: a row of its tables printed
    with no digit, or with fewer digits than cells.  Then a row read one digit a cell only because
    its digits are as many as its cells is doubtful (``opened``)."""
    for table in tables:
        for run in table.runs:
            shape = _layout(table.table, run.row, version or "2021")
            text = _tokenise(run.text)[0]
            if shape is not None and split.BLANK not in text and split.atoms(text) < shape[1].width:
                return True
    return False


def doubtful(ways: Ways, text: str, layout: split.Layout) -> bool:
    """Whether a row's cut holds only if none of its cells was blank, in a text that shows its body
    leaves cells blank: a table-2 row whose digits could be fewer numbers (no sum tells), or a row
    with sums read one digit a cell whose sums fail (``Ways.assumed``)."""
    if layout.groups:
        return ways.assumed
    return bool(text) and not ways.blanks and not ways.vanished and split.fewer_cuts(text, layout)


@lru_cache(maxsize=1024)
def opened(text: str, layout: split.Layout) -> Ways:
    """The readings of a row ``doubtful`` in a text that shows its body leaves cells blank: table
    2's ``111`` is 1|1|1, or 1|/|11, 11|1|/ … and ``4205`` 4|20|5, 42|0|5 or 4205 alone (all of
    them: no sum rules any out), so its cells stay open with them named.  A row with sums
    whose printed sums fail is read with blank cells, its totals blank or holding (``blank-only``,
    as a row printed with fewer digits is; past ``split.MAX_BLANK_TOTAL_WAYS`` those whose sums
    hold); when no such reading exists it stays as it was, and when they are too many to list the
    row is unsplit (``too-many``): a doubtful cut is never kept for want of a list."""
    ways = row_cuts(text, layout)
    try:
        if not layout.groups:
            full = (ways.forced,) if ways.forced is not None else ways.local
            readings = tuple(split.placed(text, layout))
            if full is None or not readings:
                return ways  # too many cuts already (said so), or no fewer numbers
            return Ways(plain=None, local=(*full, *readings), vanished=readings)
        readings = _with_blanks(text, layout)
    except split.TooMany:
        return Ways(plain=(), local=None)
    return Ways(plain=(), local=(), vanished=readings) if readings else ways


def _with_blanks(text: str, layout: split.Layout) -> tuple:
    """A row with sums read with blank cells, its totals blank or holding; past
    ``split.MAX_BLANK_TOTAL_WAYS`` those whose sums hold (``split.TooMany`` when those are too
    many as well, or none)."""
    try:
        return tuple(split.with_blanks(text, layout, blank_totals=True))
    except split.TooMany:
        readings = tuple(split.with_blanks(text, layout))
        if not readings:
            raise
        return readings


def _fewer(text: str, layout: split.Layout, ways: Ways) -> Ways:
    """A row printed with fewer digits than cells: some cells were blank, and a crawler keeps no
    trace of which.  Table 2's rows (no sums) are every placement of the numbers, all the row
    allows: its open cells name them as candidates.  A row with sums is read with its groups' sums
    holding or their totals blank (``2`` for 0|0|0|0|0|1|1 with its zeros blank might be 1|1 under a
    total left blank); the report's own total may be wrong instead, so these are not all it allows
    and the row stays unsplit with them named (``blank-only``).  When the readings with a total
    blank are too many (table 4's three groups: tens of thousands), those whose sums hold are named."""
    try:
        readings = _with_blanks(text, layout) if layout.groups else tuple(split.placed(text, layout))
    except split.TooMany:
        return Ways(plain=(), local=None)  # too many readings to list: unsplit
    if not readings:
        return ways
    if layout.groups:
        return Ways(plain=(), local=(), vanished=readings)
    return Ways(plain=None, local=readings, vanished=readings)


def _full_cuts(text: str, layout: split.Layout) -> Ways:
    """The cuts of ``text`` that give every cell a number."""
    width = layout.width
    if not text:
        return Ways()
    as_printed = split.tokens(text) == width and all(
        tok in _BLANKS or split.printed(tok, kind) for tok, kind in zip(text.split(), layout.kinds))
    if any(ch in _BLANKS for ch in text):  # a blank mark ("/") is one cell: only a cut by tokens is sure
        return Ways(forced=tuple(text.split())) if as_printed else Ways(blanks=True)
    if split.forced_by_count(text, width):
        digits = text.replace(" ", "")
        if len(digits) == width and digits.isdigit():  # one digit a cell
            return Ways(forced=tuple(digits))
        found = split.splits(text, layout, use_groups=False)
        if len(found) == 1:
            return Ways(forced=found[0])
        if as_printed:  # as printed, even a "05" (never a "-2" where a count goes)
            return Ways(forced=tuple(text.split()))
    try:
        plain: tuple[tuple[str, ...], ...] | None = tuple(split.splits(text, layout, use_groups=False))
    except split.TooMany:
        plain = None
    if not layout.groups:
        return Ways(plain=plain, local=plain)
    try:
        local: tuple[tuple[str, ...], ...] | None = tuple(split.splits(text, layout))
    except split.TooMany:
        local = None
    return Ways(plain=plain, local=local)


@lru_cache(maxsize=4096)
def _value(piece: str) -> Value:
    if piece in _BLANKS:
        return None
    return split.value(piece, split.DECIMAL)


def table3_equations(rows: Iterable[str]) -> list[split.Equation]:
    """（七）总计 = the result rows, and 一 + 二 = （七） + 四, per column, in the layout the rows show."""
    layout = FORMAT.table3_layout("2019" if "other" in set(rows) else "2021")
    outcome = [r for r in FORMAT.table3_outcome_rows if r in layout]
    eqs = []
    for c in FORMAT.table3_column_ids:
        eqs.append(split.Equation(
            ((f"table3.total.{c}", 1), *((f"table3.{r}.{c}", -1) for r in outcome)), 0, "column-total"))
        eqs.append(split.Equation(
            ((f"table3.new_received.{c}", 1), (f"table3.carried_over.{c}", 1), (f"table3.total.{c}", -1),
             (f"table3.carried_forward.{c}", -1)), 0, "identity"))
    return eqs


def cross_year_equations(report: Report, previous: Report) -> list[split.Equation]:
    """Last year's figures this year's must continue: 现行有效 and 结转."""
    eqs = []
    if report.format == "2021" and previous.format == "2021":
        for row in FORMAT.table2_group("2021", "art20_1").rows:
            key = f"table2.art20_1.{row.id}"
            prev = previous.value(f"{key}.in_force")
            if prev is not None:
                eqs.append(split.Equation(((f"{key}.in_force", 1), (f"{key}.made", -1), (f"{key}.repealed", 1)),
                                          prev, "in-force"))
    if report.format == "2019" and previous.format == "2019":
        for key, items in items_chain(previous):
            eqs.append(split.Equation(((f"{key}.prev_items", 1),), items, "items-chain"))
    for c in FORMAT.table3_column_ids:
        prev = previous.value(f"table3.carried_forward.{c}")
        if prev is not None:
            eqs.append(split.Equation(((f"table3.carried_over.{c}", 1),), prev, "carry-over"))
    return eqs


def items_chain(previous: Report) -> Iterator[tuple[str, int | Decimal]]:
    """(row key, items at the end of last year) for the 2019 table 2's rows that count items:
    last year's 上一年项目数量 + 本年增/减 is this year's 上一年项目数量."""
    for group in FORMAT.table2["2019"]:
        if [c.id for c in group.columns][:2] != ["prev_items", "change"]:
            continue
        for row in group.rows:
            key = f"table2.{group.id}.{row.id}"
            prev, change = previous.value(f"{key}.prev_items"), previous.value(f"{key}.change")
            if prev is not None and change is not None:
                yield key, prev + change


# -- reading a table -----------------------------------------------------------------------------

def read_table(report: Report, table: RunTable, version: str | None, blanks_shown: bool = False) -> None:
    """Write the cells of a flattened table into ``report``; ``blanks_shown``: the text shows that
    its body leaves cells blank (``shows_blank_cells``)."""
    version = version or "2021"
    rows: list[_Row] = []
    for run in table.runs:
        row = _row(report, table.table, run, version)
        if row is not None:
            rows.append(row)
    for run in table.extra:
        report.extra_rows.append(ExtraRow(table.table, run.label, [run.text.strip()], run.label_where))
    for printed, official, where in table.headers:
        report.labels.append(LabelUse(table.table, "header", printed, official, where))
    for row in rows:
        row.ways = row_cuts(row.text, row.layout)
    # A table that prints a zero where nothing else could stand ("000", "0000000", a one-cell row's
    # "0": digits that cannot be fewer numbers) prints its zeros: its rows read one digit a cell are
    # not doubted for the blanks shown elsewhere.
    zeros = any(r.forced is not None and "0" in r.forced and not split.fewer_cuts(r.text, r.layout) for r in rows)
    for row in rows:
        if blanks_shown and not zeros and doubtful(row.ways, row.text, row.layout):
            row.ways = opened(row.text, row.layout)
    equations = table3_equations(r.row for r in rows) if table.table == "table3" else []
    _settle(report, rows, equations)


def read_fused(report: Report, fused: list[Fused], version: str | None) -> None:
    """Rows of an ordinary text export whose numbers ran together (``tables.Fused``, written null
    by the table extractor): cut as a crawler's rows are, each table's rows together with the
    cells it printed apart.  A cut the digits force is marked inferred here: the export did not
    print the cells apart (``digit-count``)."""
    version = version or "2021"
    by_table: dict[str, list[_Row]] = {}
    for f in fused:
        shape = _layout(f.table, f.row, version)
        if shape is None:  # the extractor fuses only rows the format has
            continue
        text, at, units = _tokenise(f.raw)
        row = _Row(f.table, f.row, version, shape[0], shape[1], Run(f.row, "", f.raw, f.where), text, at, units)
        row.ways = row_cuts(text, row.layout, crawler=False)
        by_table.setdefault(f.table, []).append(row)
    for table, rows in by_table.items():
        for row in rows:
            if row.forced is not None:
                _write_forced(report, row, inferred=True)
        open_rows = [r for r in rows if r.forced is None]
        cut = {c for r in open_rows for c in r.cells}
        known = {c: v for c, v in report.iter_cells() if c.startswith(table + ".") and c not in cut}
        equations = table3_equations(report.table3 or {}) if table == "table3" else []
        _settle(report, open_rows, equations, known)


def _row(report: Report, table: str, run: Run, version: str) -> _Row | None:
    shape = _layout(table, run.row, version)
    label = run.label or table_zh(table)
    if shape is None:  # e.g. a 2019-only row in a 2021 table
        report.extra_rows.append(ExtraRow(table, label, [run.text.strip()], run.label_where))
        return None
    current = report.table(table)
    if table != "table4" and current is not None and run.row in current:
        report.notes.append(f"{_zh(run.label_where)}：重复的表格行“{label}”，已保留第一次出现的数值。")
        return None
    if table != "table4":
        official = official_label(table, run.row, version)
        if not printed_officially(run.label, table, run.row, official):
            report.labels.append(LabelUse(table, run.row, run.label, official, run.label_where))
    text, at, units = _tokenise(run.text)
    return _Row(table, run.row, version, shape[0], shape[1], run, text, at, units)


def _settle(report: Report, rows: list[_Row], equations: list[split.Equation],
            known: dict[str, Value] | None = None) -> None:
    """Solve the table's rows together (with ``known``, the table's cells already written) and
    write every cell, in printed order."""
    known = dict(known or {})
    known.update((c, _value(p)) for r in rows if r.forced is not None for c, p in zip(r.cells, r.forced))
    open_rows = [r for r in rows if r.forced is None and r.local]
    # A cell a reading leaves blank counts 0 in the table's sums, as it does in the report's.
    unknowns = [split.Unknown(r.cells, [tuple(0 if p == split.BLANK else _value(p) for p in way) for way in r.local or ()])
                for r in open_rows]
    viable, used = solve_table(unknowns, known, equations)
    position = {id(r): u for u, r in enumerate(open_rows)}
    for row in rows:
        if row.forced is not None:
            _write_forced(report, row, inferred=row.ways.assumed)
        elif not row.local:
            _write_unsplit(report, row)
        else:
            u = position[id(row)]
            ways = [row.local[k] for k in viable[u]] if viable is not None else list(row.local)
            _write_ways(report, row, ways, used[u])


def solve_table(unknowns: list[split.Unknown], known: dict[str, Value], equations: list[split.Equation]
                ) -> tuple[list[list[int]] | None, list[set[str]]]:
    """The rows' candidates that fit the whole table, and the constraints that touch each row;
    (None, …) when no combination fits (the table's own sums are wrong) or the system is too big."""
    used: list[set[str]] = [set() for _ in unknowns]
    if not unknowns or not equations:
        return None, used
    try:
        viable = split.solve(unknowns, known, equations)
    except split.TooComplex:
        return None, used
    if viable is not None:
        for eq, _, terms in split.usable(equations, unknowns, known):
            for u in terms:
                used[u].add(eq.basis)
    return viable, used


# -- writing cells -------------------------------------------------------------------------------

@lru_cache(maxsize=16384)
def _offsets(text: str, at: tuple[int, ...], units: tuple[tuple[int, str], ...],
             way: tuple[str, ...], source: str = "") -> tuple[tuple[str, int], ...]:
    """Each piece of a cut as printed (with its unit) and its offset in the run.  A cell a reading
    leaves blank (``split.BLANK`` where no "/" is printed) takes no text: "" at the next piece."""
    after = dict(units)
    out = []
    i = 0
    for piece in way:
        while i < len(text) and text[i] == " ":
            i += 1
        if piece == split.BLANK and text[i:i + 1] != split.BLANK:
            out.append(("", at[min(i, len(at) - 1)]))
            continue
        start, i = i, i + len(piece)
        printed = source[at[start]:at[i - 1] + 1] if source else piece  # "1,323" as printed
        out.append((printed + after.get(i, ""), at[start]))
    return tuple(out)


def _pieces(text: str, at: tuple[int, ...], units: tuple[tuple[int, str], ...], where: Where | None,
            way: tuple[str, ...], source: str = "") -> list[tuple[str, Where | None]]:
    """Each piece of a cut as printed and where it stands."""
    return [(raw, _shift(where, offset)) for raw, offset in _offsets(text, at, units, way, source)]


def _row_pieces(row: _Row, way: tuple[str, ...]) -> list[tuple[str, Where | None]]:
    return _pieces(row.text, row.at, row.units, row.run.where, way, row.run.text)


def _shift(where: Where | None, offset: int) -> Where | None:
    if where is None or where.char is None or where.line is None or offset <= 0:
        return where
    return at_char(where.line, where.char + offset)


def _write_forced(report: Report, row: _Row, inferred: bool = False) -> None:
    assert row.forced is not None
    target = report.row(row.table, row.row) if row.table != "table4" else None
    pieces = _offsets(row.text, row.at, row.units, row.forced, row.run.text)
    basis = (("digit-count",) if split.atoms(row.text) == row.layout.width else ("no-leading-zero",)) if inferred else ()
    for cell, piece, (raw, offset) in zip(row.cells, row.forced, pieces):
        info = CellInfo(raw, _shift(row.run.where, offset), inferred, basis=basis)
        if target is None:
            report.set_value(cell, _value(piece), info)
        else:  # the row's own dict: the hot path of every flattened report
            target[cell.rsplit(".", 1)[1]] = _value(piece)
            report.cells[cell] = info


def _write_ways(report: Report, row: _Row, ways: list[tuple[str, ...]], joint: set[str]) -> None:
    group_basis = (_GROUP_BASIS[row.table],) if row.layout.groups else ()
    undecided = False
    for p, cell in enumerate(row.cells):
        values = {way[p] for way in ways}
        if len(values) != 1:
            undecided = True
            report.set_value(cell, None, CellInfo(row.run.text.strip(), row.run.where))
            continue
        piece = ways[0][p]
        if piece == split.BLANK:  # every reading the table's sums leave has this cell blank
            report.set_value(cell, None, CellInfo("", row.run.where, inferred=True,
                                                  basis=group_basis + tuple(sorted(joint))))
            continue
        if row.plain is not None and all(way[p] == piece for way in row.plain):
            basis: tuple[str, ...] = ("no-leading-zero",)
        elif row.local is not None and all(way[p] == piece for way in row.local):
            basis = group_basis
        else:
            basis = group_basis + tuple(sorted(joint))
        raw, where = _row_pieces(row, ways[0])[p]
        report.set_value(cell, _value(piece), CellInfo(raw, where, inferred=True, basis=basis))
    if undecided:
        amb = Ambiguity(row.table, row.row, list(row.cells), row.run.text.strip(), row.run.where,
                        [list(way) for way in ways], "blank-cells" if row.ways.vanished else "ambiguous")
        report.ambiguous.append(amb)
        report.notes.append(ambiguity_note(amb, row.version))


def _write_unsplit(report: Report, row: _Row) -> None:
    raw = row.run.text.strip()
    for cell in row.cells:
        report.set_value(cell, None, CellInfo(raw, row.run.where))
    if not row.text:
        return  # nothing printed: blank cells
    if row.ways.vanished:  # no full cut adds up, some with blank cells do: those are named
        amb = Ambiguity(row.table, row.row, list(row.cells), raw, row.run.where,
                        [list(way) for way in row.ways.vanished], "blank-only")
        report.ambiguous.append(amb)
        report.notes.append(ambiguity_note(amb, row.version))
        return
    reason = "too-many" if row.local is None else "blanks" if row.ways.blanks else "no-split"
    amb = Ambiguity(row.table, row.row, list(row.cells), raw, row.run.where, [], reason)
    report.ambiguous.append(amb)
    report.notes.append(ambiguity_note(amb, row.version))


def row_name(table: str, row: str, version: str | None = None) -> str:
    """The row as the findings name it: a table-3 sub-row with its group (“3.其他” alone is one
    of three rows), an inner quotation single (“…危及‘三安全一稳定’”行)."""
    from gongkai.format.names import row_label
    from gongkai.format.text import nested_quotes

    if table == "table4":
        return "表四"
    if table == "table3":
        return nested_quotes(f"表三“{row_label(table, row, version)}”行")
    label = official_label(table, row, version or "2021") or official_label(table, row, "2019") or row
    return f"表二“{label}”行"


def ways_zh(candidates: list[list[str]]) -> str:
    shown = "；".join("|".join(c) for c in candidates[:_SHOWN])
    return shown + (f"等 {len(candidates)} 种" if len(candidates) > _SHOWN else "")


def has_sums(table: str) -> bool:
    """Whether a row of ``table`` is cut with sums (table 3's 总计 and column totals, table 4's group
    totals): table 2's rows have none within a report, only their count of cells."""
    return table != "table2"


def cuts_by_count(amb: Ambiguity, version: str | None = None) -> bool:
    """Whether the printed digits of a row left unsplit can be cut into its cells at all, sums
    aside: when not (too few digits, a sign outside 本年增/减), no sum of the report is at fault."""
    shape = _layout(amb.table, amb.row, version or "2021")
    if shape is None:
        return True
    text, _, _ = _tokenise(amb.raw)
    return bool(row_cuts(text, shape[1]).plain)


def fewer_digits(amb: Ambiguity, version: str | None = None) -> int | None:
    """The count of digits of a row printed with fewer digits than cells (so some were blank, or
    its digits lost); None when it has as many or more."""
    shape = _layout(amb.table, amb.row, version or "2021")
    text, _, _ = _tokenise(amb.raw)
    n = split.atoms(text)
    return n if shape is not None and text and "/" not in text and n < shape[1].width else None


def blank_totals_named(amb: Ambiguity) -> bool:
    """Whether ``amb``'s readings include those with a group's total blank and its parts printed
    (``_fewer`` leaves them out when they are too many)."""
    shape = _layout(amb.table, amb.row, "2021")
    groups = shape[1].groups if shape is not None else ()
    return any(way[t] == split.BLANK and any(p != split.BLANK for p in way[f:t])
               for way in amb.candidates for f, t in groups)


def held_zh(amb: Ambiguity) -> str:
    """What the readings named for a row printed with fewer digits than cells assume of its sums."""
    scope = "各组" if amb.table == "table4" else "本行"
    return f"{scope}合计相符或总计空白" if blank_totals_named(amb) else f"{scope}合计相符（总计空白的读法过多，未列出）"


def ambiguity_note(amb: Ambiguity, version: str | None = None) -> str:
    where = _zh(amb.where)
    name = row_name(amb.table, amb.row, version)
    digits = fewer_digits(amb, version) if amb.reason in ("blank-cells", "blank-only") else None
    if digits is not None:
        head = (f"{where}：{name}的数字印作“{amb.raw}”，只有 {digits} 个数字，少于 {len(amb.cells)} 个单元格；"
                "网页抓取的文本不留空白单元格的痕迹，")
        if amb.reason == "blank-cells":  # no sums: every placement of the numbers is named
            return (head + f"有单元格空白（记作“/”）的读法有 {len(amb.candidates)} 种（{ways_zh(amb.candidates)}），"
                    "读法不一致的单元格留空。")
        return (head + f"若{held_zh(amb)}，有单元格空白（记作“/”）的读法有 {len(amb.candidates)} 种"
                f"（{ways_zh(amb.candidates)}）；报告自身的合计也可能有误，保留原样，该行单元格留空。")
    if amb.reason == "ambiguous":
        by = "按表内关系" if has_sums(amb.table) else "按单元格个数"
        return (f"{where}：{name}的数字印作“{amb.raw}”，中间没有分隔，{by}仍有 {len(amb.candidates)} 种拆法"
                f"（{ways_zh(amb.candidates)}），拆法不一致的单元格留空。")
    if amb.reason == "blank-cells":
        return (f"{where}：{name}的数字印作“{amb.raw}”，中间没有分隔；网页抓取的文本不留空白单元格的痕迹，"
                f"连同有单元格空白（记作“/”）的读法仍有 {len(amb.candidates)} 种（{ways_zh(amb.candidates)}），"
                "读法不一致的单元格留空。")
    if amb.reason == "blank-only":
        return (f"{where}：{name}的数字印作“{amb.raw}”，无法拆成 {len(amb.cells)} 个与本行合计相符的数；网页抓取的文本"
                f"不留空白单元格的痕迹，若有单元格空白（记作“/”）则有 {len(amb.candidates)} 种读法"
                f"（{ways_zh(amb.candidates)}），保留原样，该行单元格留空。")
    if amb.reason == "too-many":
        return f"{where}：{name}的数字印作“{amb.raw}”，中间没有分隔，可能的拆法过多，保留原样，相关单元格留空。"
    if amb.reason == "blanks":
        return f"{where}：{name}印作“{amb.raw}”，空白标记夹在连写的数字中间，无法确定各数所在的单元格，相关单元格留空。"
    if not cuts_by_count(amb, version):
        return (f"{where}：{name}的数字印作“{amb.raw}”，无法按格式拆成 {len(amb.cells)} 个单元格的数"
                "（可能有单元格空白未印出），保留原样，相关单元格留空。")
    return (f"{where}：{name}的数字印作“{amb.raw}”，无法拆成 {len(amb.cells)} 个符合本行合计的数"
            "（报告自身的合计有误），保留原样，相关单元格留空。")


def _zh(where: Where | None) -> str:
    return where.zh() if where else "（位置不明）"


# -- last year's report ----------------------------------------------------------------------------

CROSS_YEAR = frozenset({"in-force", "items-chain", "carry-over"})


def previous_mismatches(report: Report, previous: Report, name: str = "上年报告") -> list[tuple[str, str]]:
    """Why ``previous`` (named ``name``) is not this body's report of the year before, each as
    (kind, why in Chinese) — kind ``"body"`` (another body's: ``places.same_body`` compares by
    division and body, not spelling), ``"earlier"`` (an earlier year than the one before) or
    ``"later"`` (this year or a later one); [] when it is.  What a mismatch means is the caller's
    to say: a check compares what ``cross_year_scope`` allows (``_CHECKED``), a build or a draft
    carries none of its figures."""
    problems = []
    if same_body(previous.agency, report.agency) is False:
        problems.append(("body", f"上年报告（{name}）的机关是“{previous.agency}”，本报告的机关是“{report.agency}”，不是同一机关"))
    if previous.year and report.year and previous.year != report.year - 1:
        problems.append(("earlier" if previous.year < report.year - 1 else "later",
                         f"上年报告（{name}）的年度为 {previous.year} 年，不是 {report.year - 1} 年"))
    return problems


def cross_year_scope(report: Report, previous: Report) -> str | None:
    """Which cross-year rules hold between ``report`` and ``previous``: ``"all"`` for this body's
    report of the year before (or one whose year is not known); ``"text"`` for this body's report
    of an earlier year — a report's 上年结转, 现行有效件数 and 上一年项目数量 continue the year
    before's figures only, across a gap they say nothing, but a passage copied from any earlier
    report is still copied; None for another body's report, or one of this year or later."""
    kinds = {kind for kind, _why in previous_mismatches(report, previous)}
    if not kinds:
        return "all"
    return "text" if kinds == {"earlier"} else None


# What a mismatch means for a check (``check.check_report`` runs the rules ``cross_year_scope`` allows).
_CHECKED = {None: "未与它做跨年度比较（上年结转、现行有效件数、正文雷同）",
            "text": "上年结转、现行有效件数只能与上一年度的报告核对，未与它核对；正文雷同仍与它比较"}


def previous_problems(report: Report, previous: Report, name: str = "上年报告", checking: bool = False) -> list[str]:
    """``previous_mismatches`` as one sentence ([] when none): why; with ``checking`` (a check
    command or page, which compares the two years) also what that means for the comparison."""
    found = previous_mismatches(report, previous, name)
    if not found:
        return []
    meaning = [_CHECKED[cross_year_scope(report, previous)]] if checking else []
    return ["；".join([why for _kind, why in found] + meaning)]


def use_previous(report: Report, previous: Report, name: str = "上年报告", checking: bool = False) -> list[str]:
    """Cut the digits run together with last year's figures (``refine``) — only when ``previous``
    is this body's report of the year before: another body's 现行有效 or 结转 would fix cells by
    figures that say nothing about them.  The problems that kept them unused ([] when used), as
    ``previous_problems`` words them."""
    problems = previous_problems(report, previous, name, checking)
    if not problems:
        refine(report, previous)
    return problems


_REFINED = "按上年报告的数字"


def refine(report: Report, previous: Report | None) -> list[str]:
    """Fix ambiguous cells with last year's figures (``in-force``, ``carry-over``) where that
    leaves one cut, keeping the report's own constraints; the cells whose value changed.

    The ambiguities keep every cut the report itself allows, so this can be redone with another
    last-year report (or with none: ``previous=None`` undoes it).  When last year's figures fit no
    cut, they are not used."""
    changed = _undo_cross_year(report)
    fixed: list[str] = []
    if previous is not None:
        cross = cross_year_equations(report, previous)
        for table in ("table2", "table3"):
            fixed += _refine_table(report, table, [e for e in cross if e.terms[0][0].startswith(table + ".")])
    report.notes = [n for n in report.notes if not n.startswith(_REFINED)]
    for amb in report.ambiguous:  # the note of an ambiguity stays while a cell of it is open
        note = ambiguity_note(amb, report.format)
        if note in report.notes and not report.undecided(amb):
            report.notes.remove(note)
        elif note not in report.notes and report.undecided(amb):
            report.notes.append(note)
    if fixed:
        chains = "上一年项目数量加本年增/减" if report.format == "2019" else "现行有效件数"
        report.notes.append(f"{_REFINED}（{chains}、结转下年度继续办理）确定了 {len(fixed)} 个原先无法确定的单元格。")
    return list(dict.fromkeys(changed + fixed))


def _undo_cross_year(report: Report) -> list[str]:
    undone = []
    for amb in report.ambiguous:
        for cell in amb.open_cells():
            info = report.cells.get(cell)
            if info is not None and CROSS_YEAR & set(info.basis):
                report.set_value(cell, None, CellInfo(amb.raw, amb.where))
                undone.append(cell)
    return undone


def _refine_table(report: Report, table: str, cross: list[split.Equation]) -> list[str]:
    """Solve one table's open rows again with last year's equations; write what they now fix."""
    # A blank-only row's readings are not all it allows (its sums may be wrong): nothing to narrow.
    ambs = [a for a in report.ambiguous if a.table == table and a.candidates and a.reason != "blank-only"
            and report.undecided(a)]
    if not ambs or not cross:
        return []
    unknowns, known = _open_system(report, table, ambs)
    equations = (table3_equations(report.table3 or {}) if table == "table3" else []) + cross
    viable, used = solve_table(unknowns, known, equations)
    if viable is None:
        return []
    # A row fixed through another (上年结转 fixes 结转下年度 by the 勾稽 relation) owes it to both.
    cross_used = CROSS_YEAR & set().union(*used)
    fixed = []
    for u, amb in enumerate(ambs):
        ways = [amb.candidates[k] for k in viable[u]]
        if len(ways) < len(amb.candidates):
            fixed += _write_refined(report, amb, ways, used[u] | cross_used)
    return fixed


def _open_system(report: Report, table: str, ambs: list[Ambiguity]) -> tuple[list[split.Unknown], dict[str, Value]]:
    """The open rows as unknowns (their recorded cuts) and the table's other cells as known."""
    in_runs = {c for a in ambs for c in a.cells}
    known = {c: v for c, v in report.iter_cells() if c.startswith(table + ".") and c not in in_runs}
    # A cell a reading leaves blank counts 0 in the sums, as in ``_settle``.
    return [split.Unknown(tuple(a.cells), [tuple(0 if p == split.BLANK and a.reason == "blank-cells" else _value(p)
                                                 for p in c) for c in a.candidates]) for a in ambs], known


def _write_refined(report: Report, amb: Ambiguity, ways: list[list[str]], used: set[str]) -> list[str]:
    group = (_GROUP_BASIS[amb.table],) if amb.table in _GROUP_BASIS else ()
    basis = group + tuple(sorted(used - set(group)))
    text, at, units = _tokenise(amb.raw)
    pieces = _pieces(text, at, units, amb.where, tuple(ways[0]), amb.raw)
    fixed = []
    for p, cell in enumerate(amb.cells):
        if cell in report.undecided(amb) and len({w[p] for w in ways}) == 1:
            raw, where = pieces[p]
            report.set_value(cell, _value(ways[0][p]), CellInfo(raw, where, inferred=True, basis=basis))
            fixed.append(cell)
    return fixed


__all__ = ["ambiguity_note", "cross_year_equations", "previous_mismatches", "previous_problems", "read_fused",
           "read_table", "refine", "shows_blank_cells", "table3_equations", "use_previous"]
