"""Property: consistent reports of both formats, flattened as a crawler does (body on one line or a
few, tables run together, random padding spaces, headings inline, page chrome), parse back with
every cell the printed digits and the format's sums determine, and no other.

What is determined is worked out here independently of the parser, by brute force: every way of
cutting each printed row into its cells (numbers without leading zeros, a decimal only where the
column is an amount), kept when the row's own totals add up, then every combination of table 3's
rows kept when （七）总计 is the sum of the result rows and 一 + 二 = （七） + 四 in every column.
A cell is determined when all surviving combinations agree on it.
"""

import copy
import random
import re
from decimal import Decimal
from itertools import combinations, product

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gongkai.check import check_report
from gongkai.extract import split
from gongkai.extract.recover import refine
from gongkai.format import FORMAT
from gongkai.load import load
from tests.writers import Flat, random_report, to_crawler

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
T3 = FORMAT.table3_column_ids
_INT = re.compile(r"0|[1-9]\d*")
_DEC = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")
_UNITS = re.compile(r"[个元]")


def _cuts(run: str, decimal: list[bool], group: int = 0) -> list[tuple[str, ...]]:
    """Every way of cutting ``run`` (tokens split at spaces and units) into ``len(decimal)`` numbers;
    with ``group``, only those whose every ``group`` cells end with their sum (checked as soon as a
    group is complete, or table 4's 15 cells would take millions of cuts)."""
    tokens = _UNITS.sub(" ", run).split()
    width = len(decimal)
    out = []

    def walk(i: int, at: int, acc: list[str]):
        """Next piece: from ``at`` in token ``i`` to any later point of the same token."""
        if i == len(tokens):
            if len(acc) == width:
                out.append(tuple(acc))
            return
        left = width - len(acc)  # cells still to fill: at least one per token, at most one per digit
        if not len(tokens) - i <= left <= len(tokens[i]) - at + sum(map(len, tokens[i + 1:])):
            return
        token = tokens[i]
        for end in range(at + 1, len(token) + 1):
            piece = token[at:end]
            if not (_DEC if decimal[len(acc)] else _INT).fullmatch(piece):
                continue
            done = acc + [piece]
            if group and len(done) % group == 0 and not _groups_add_up(tuple(map(_num, done[-group:])), group):
                continue
            if end == len(token):
                walk(i + 1, 0, done)
            else:
                walk(i, end, done)

    walk(0, 0, [])
    return out


def _num(p: str):
    return Decimal(p) if "." in p else int(p)


def _groups_add_up(values: tuple, size: int) -> bool:
    return all(values[g + size - 1] == sum(values[g:g + size - 1]) for g in range(0, len(values), size))


BLANK = "/"  # a cell left blank: a crawler prints nothing for it


def _pieces_up_to(text: str, total: int, most: int) -> list[tuple[str, ...]]:
    """Cuts of ``text`` (spaces certain boundaries) into 1..``most`` whole numbers adding up to
    ``total`` (each at most ``total``, so the search stays small)."""
    tokens = text.split()
    out = []

    def walk(i: int, at: int, acc: tuple[str, ...], left: int):
        if i == len(tokens):
            if acc and left == 0:
                out.append(acc)
            return
        if len(acc) == most:
            return
        token = tokens[i]
        for end in range(at + 1, len(token) + 1):
            piece = token[at:end]
            if not _INT.fullmatch(piece) or int(piece) > left:
                break  # a leading zero, or too big: longer pieces are no better
            if end == len(token):
                walk(i + 1, 0, acc + (piece,), left - int(piece))
            else:
                walk(i, end, acc + (piece,), left - int(piece))

    walk(0, 0, (), total)
    return out


def _group_readings(text: str, size: int, blanks: bool) -> list[tuple[str, ...]]:
    """Readings of ``text`` as one group of ``size`` cells ending with its total: every cell printed,
    or (``blanks``) the whole group blank (empty text) or the total and one or more parts printed,
    the others blank.  The parts add up to the total."""
    text = " ".join(text.split())
    if not text:
        return [(BLANK,) * size] if blanks else []
    out = []
    last = text.split(" ")[-1]
    for n in range(1, len(last) + 1):
        total = last[len(last) - n:]
        head = text[:len(text) - n].rstrip(" ")
        if not _INT.fullmatch(total) or not head:
            continue
        for parts in _pieces_up_to(head, int(total), size - 1):
            if len(parts) == size - 1:
                out.append((*parts, total))
            elif blanks:
                for at in combinations(range(size - 1), len(parts)):
                    cells = [BLANK] * (size - 1)
                    for p, piece in zip(at, parts):
                        cells[p] = piece
                    out.append((*cells, total))
    return out


def _readings(run: str, groups: int, size: int) -> list[tuple]:
    """Every reading of ``run`` as ``groups`` groups of ``size`` cells, blank cells allowed (a
    crawler keeps no trace of them), as values (a blank is ``BLANK``)."""
    text = " ".join(run.split())

    def walk(g: int, rest: str) -> list[tuple[str, ...]]:
        if g == groups:
            return [()] if not rest else []
        out = []
        ends = [(rest, "")] if g == groups - 1 else \
            [(rest[:c].rstrip(" "), rest[c:].lstrip(" ")) for c in range(len(rest) + 1)
             if c in (0, len(rest)) or rest[c] == " " or rest[c - 1] != " "]
        for left, right in ends:
            heads = _group_readings(left, size, blanks=True)
            if heads:
                out += [h + t for t in walk(g + 1, right) for h in heads]
        return out

    return [tuple(BLANK if p == BLANK else _num(p) for p in w) for w in dict.fromkeys(walk(0, text))]


def _zero(v):
    return 0 if v == BLANK else v


def _determined(ways: list[tuple], cells: list[str]) -> dict[str, object]:
    """Cell -> its value when every way agrees on it."""
    return {c: ways[0][i] for i, c in enumerate(cells) if len({w[i] for w in ways}) == 1}


def _small(fits: bool) -> None:
    assert fits, "the brute force would take too long"


def oracle(truth, printed: dict[tuple[str, str], str], guard=assume) -> dict[str, object]:
    """Every determined cell and its value, from the printed digits alone."""
    out: dict[str, object] = {}
    version = truth.format
    for (table, row), run in printed.items():
        if table != "table2":
            continue
        group = FORMAT.table2_group(version, row.split(".")[0])
        cells = [f"table2.{row}.{c.id}" for c in group.columns]
        ways = [tuple(map(_num, w)) for w in _cuts(run, [c.decimal for c in group.columns])]
        assert ways, run
        out.update(_determined(ways, cells))
    t4 = [f"table4.{g}.{c}" for g, c in FORMAT.table4_cell_order]
    ways = _readings(printed[("table4", "all")], 3, 5)
    guard(len(ways) <= split.MAX_BLANK_WAYS)  # the parser lists at most so many readings of a row
    assert set(ways) >= {tuple(map(_num, w)) for w in _cuts(printed[("table4", "all")], [False] * 15, group=5)}
    out.update(_determined(ways, t4))
    rows = FORMAT.table3_layout(version)
    per_row = {r: _readings(printed[("table3", r)], 1, 7) for r in rows}
    guard(all(len(ways) <= split.MAX_BLANK_WAYS for ways in per_row.values()))
    size = 1
    for ways in per_row.values():
        size *= len(ways)
    guard(size <= 5_000)  # the brute force must stay small; the parser has no such limit
    outcome = [r for r in FORMAT.table3_outcome_rows if r in rows]
    survivors = []
    for combo in product(*(per_row[r] for r in rows)):
        v = dict(zip(rows, combo))
        z = {r: tuple(map(_zero, w)) for r, w in v.items()}  # a blank counts 0 in the sums
        if all(z["total"][c] == sum(z[r][c] for r in outcome)
               and z["new_received"][c] + z["carried_over"][c] == z["total"][c] + z["carried_forward"][c]
               for c in range(7)):
            survivors.append(combo)
    assert survivors  # the truth is one
    for i, r in enumerate(rows):
        out.update(_determined([s[i] for s in survivors], [f"table3.{r}.{c}" for c in T3]))
    return out


@st.composite
def crawler_case(draw):
    rng = random.Random(draw(st.integers(0, 10**9)))
    version = draw(st.sampled_from(["2019", "2021"]))
    truth = random_report(rng, version)
    flat = Flat(pad=draw(st.sampled_from([0.0, 0.0, 0.15, 0.5, 1.0])), chrome=draw(st.booleans()),
                header=draw(st.booleans()), lines=draw(st.sampled_from([1, 1, 3])),
                units=draw(st.booleans()), drop_group6=draw(st.booleans()), title_in_body=draw(st.booleans()))
    text, printed = to_crawler(truth, rng, flat)
    return truth, text, printed


@SETTINGS
@given(crawler_case())
def test_flattened_report_gives_back_every_determined_cell_and_no_other(case):
    truth, text, printed = case
    got = load(text.encode(), "report.txt")
    titled = "标题:" in text or truth.title in text  # in the crawler's header, the body or the page chrome
    assert (got.year, got.format, got.agency) == (truth.year, truth.format, truth.agency if titled else None)
    assert [s.no for s in got.sections] == [1, 2, 3, 4, 5, 6]
    assert [s.text for s in got.sections] == [s.text for s in truth.sections]
    expected = oracle(truth, printed)
    undecided = {c for amb in got.ambiguous for c in got.undecided(amb)}
    for cell, value in truth.iter_cells():
        if cell in expected:
            assert expected[cell] == value, cell  # the oracle agrees with the truth
            assert got.value(cell) == value, (cell, got.cells[cell])
        else:
            assert got.value(cell) is None and cell in undecided, (cell, got.value(cell), got.cells[cell])
    assert got.extra_rows == [] and got.labels == []
    # Consistent by construction: no arithmetic finding, whatever was recovered.
    assert not [f for f in check_report(got) if f.rule in ("T3-IDENTITY", "T3-TOTAL", "T3-ROWSUM", "T4-TOTAL")]


@st.composite
def zeros_blank_case(draw, tables=("table3", "table4")):
    """A body that leaves the zero cells of ``tables`` blank: they are blank in the truth, and the
    crawler prints nothing for them (a row of zeros only as its label)."""
    truth, _, _ = draw(crawler_case())
    rng = random.Random(draw(st.integers(0, 10**9)))
    for name in tables:
        for cells in (truth.table(name) or {}).values():
            for column, value in cells.items():
                if value == 0:
                    cells[column] = None
    text, printed = to_crawler(truth, rng, Flat(pad=draw(st.sampled_from([0.0, 0.0, 0.3]))))
    return truth, text, printed


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(zeros_blank_case())
def test_a_report_that_leaves_its_zeros_blank_never_gives_a_wrong_value(case):
    # The brute force above would take too long here (a row of two numbers has six readings, one per
    # place of its blanks): what must hold is that no value read differs from the truth, every cell
    # left null that has a number is said to be open, and no arithmetic error is made up.  Before the
    # readings with blank cells, rows like 108 | 2 | 110 printed 1082110 were read one digit a cell.
    truth, text, _ = case
    got = load(text.encode(), "report.txt")
    undecided = {c for amb in got.ambiguous for c in got.undecided(amb)}
    for cell, value in truth.iter_cells():
        if cell.startswith("table2."):
            continue  # no zero of table 2 was left blank
        read = got.value(cell)
        assert read is None or read == value, (cell, value, read, got.cells.get(cell))
        if read is None and value is not None:
            assert cell in undecided, (cell, value, got.cells.get(cell))
    assert not [f for f in check_report(got) if f.rule in ("T3-IDENTITY", "T3-TOTAL", "T3-ROWSUM", "T4-TOTAL")]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(zeros_blank_case(tables=("table2", "table3", "table4")))
def test_a_report_that_leaves_its_zeros_blank_in_table_2_too_never_gives_a_wrong_value(case):
    # Table 2's rows have no sums: "111" is 1|1|1, or 1|0|11 with its zero blank.  In a text that shows
    # its body leaves cells blank (rows with fewer digits than cells, or none), such a row stays open
    # with every reading named; a row of blank cells is blank, not missing.  Before: "111" was read
    # 1|1|1 (marked inferred, but wrong), "38" for three cells named no reading, and a table-2 row
    # printed with no digit was taken for missing (TABLE-INCOMPLETE) with its label put in the heads.
    truth, text, _ = case
    got = load(text.encode(), "report.txt")
    undecided = {c for amb in got.ambiguous for c in got.undecided(amb)}
    for cell, value in truth.iter_cells():
        read = got.value(cell)
        assert read is None or read == value, (cell, value, read, got.cells.get(cell))
        if read is None and value is not None:
            assert cell in undecided, (cell, value, got.cells.get(cell))
    found = check_report(got)
    assert not [f for f in found if f.rule in ("T3-IDENTITY", "T3-TOTAL", "T3-ROWSUM", "T4-TOTAL", "TABLE-INCOMPLETE")]
    assert got.labels == []


# -- table 3 as a register gives it, over two years ------------------------------------------------

@pytest.fixture(scope="module")
def register_years(tmp_path_factory):
    """Table 3 of 2024 and 2025 from one generated register (a few hundred requests with every kind
    of history): consistent, and 2025's 上年结转 is 2024's 结转下年度."""
    from gongkai.register.settings import shipped_settings
    from gongkai.register.store import Register
    from gongkai.register.table3 import compute
    from gongkai.workdays import load_calendar
    from tests.register.gk_register_sample import generate

    cal = load_calendar()
    reg = Register(str(tmp_path_factory.mktemp("reg") / "r.db"), calendar=cal, settings=shipped_settings(), create=True)
    reg.import_requests(generate(400, 2024, 2, cal, reg.settings, seed=5), "生成")
    years = {y: compute(reg.db, y).table3 for y in (2024, 2025)}
    reg.close()
    return years


@pytest.mark.parametrize("seed", range(6))
def test_register_tables_flattened_come_back_and_last_year_never_misleads(register_years, seed):
    rng = random.Random(seed)
    reports = {}
    for year, t3 in register_years.items():
        truth = random_report(random.Random(year), "2021")
        truth.year, truth.table3 = year, copy.deepcopy(t3)
        truth.title = f"{truth.agency}{year}年政府信息公开工作年度报告"
        text, printed = to_crawler(truth, rng, Flat(pad=rng.choice([0.0, 0.1, 0.3])))
        got = load(text.encode(), f"{year}.txt")
        expected = oracle(truth, printed, guard=_small)
        for cell, value in truth.iter_cells():
            assert got.value(cell) == (value if cell in expected else None), cell
        reports[year] = (truth, got)
    (truth, this), (_, last) = reports[2025], reports[2024]
    open_before = sum(len(this.undecided(a)) for a in this.ambiguous)
    refine(this, last)
    for cell, value in truth.iter_cells():  # last year's figures fix cells, never to a wrong value
        assert this.value(cell) in (None, value), cell
    assert sum(len(this.undecided(a)) for a in this.ambiguous) <= open_before
