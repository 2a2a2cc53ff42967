"""Table rows to cells of tables 2, 3 and 4.

Each row is realigned against the format on its own: its label names the row (exactly, as a
variant, or fuzzily), and its numbers are assigned to the row's columns in order.  Text exports
lose merged cells and shift rows, so neighbouring rows are never trusted to give the columns.
Where the number of values does not fit, the rules are:

* empty cells at the edges are merge fillers and are dropped while there are too many;
* fewer values than columns: if some value could be several numbers run together, the row is
  cut afterwards with the whole table's sums (``recover.read_fused``: a cell only where they leave
  one value, marked ``inferred``; the others null with the cuts named); otherwise the values fill
  the columns from the left and the rest stays null.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from gongkai import regex
from gongkai.extract.values import is_value_text, parse_value
from gongkai.format import FORMAT
from gongkai.format import labels as L
from gongkai.model import CellInfo, ExtraRow, LabelUse, Report, Where
from gongkai.read.document import Grid, GridCell
from gongkai.records import record

_FUSED = regex.compile(r"^(.*?[^\d\s.,])\s*(\d+)$")
_SPACED_NUMBERS = regex.compile(r"^\d+(?:\s+\d+)+$")
_T2_MARKERS = ("信息内容", "第二十条")
T4_WIDTH = len(FORMAT.table4_cell_order)
T3_WIDTH = len(FORMAT.table3_columns)


@record(slots=True)
class Piece:
    """One cell of a row as the extractor sees it."""

    text: str
    where: Where | None
    kind: str  # label | value | empty
    confidence: float | None = None


@record(frozen=True, slots=True)
class Fused:
    """A row whose numbers a text export ran together (``12030001 5`` for seven cells): its cells
    are written null here and cut afterwards, with the whole table's sums (``recover.read_fused``)."""

    table: str
    row: str    # row id of the format (table 4: ``all``)
    raw: str    # the printed numbers, cells separated by single spaces
    where: Where | None


@lru_cache(maxsize=1024)
def official_label(table: str, row_id: str, version: str) -> str:
    """The format's label of a row of table 2 (of ``version``) or table 3; "" when it has none."""
    if table == "table3":
        return FORMAT.table3_rows[row_id].label
    for group, row in FORMAT.table2_rows(version):
        if f"{group.id}.{row.id}" == row_id:
            return row.label
    return ""


@lru_cache(maxsize=4096)
def _header_kind(joined: str) -> str | None:
    """Which table a row of headers belongs to, from the markers the format lists."""
    sq = L.squeeze(joined)
    if not sq:
        return None
    if any(m in sq for m in FORMAT.table4_header_markers) and "申请人情况" not in sq:
        return "table4"
    if any(m in sq for m in FORMAT.table3_header_markers):
        return "table3"
    if any(m in sq for m in _T2_MARKERS):
        return "table2"
    return None


@lru_cache(maxsize=16384)
def match_row_label(text: str, table2_first: bool, suffixes: bool = True) -> tuple[str, str, str] | None:
    """(table, row id, official label) for a printed row label of table 2 or 3."""
    order = ("table2", "table3") if table2_first else ("table3", "table2")
    indexes = [(t, L.table2_rows() if t == "table2" else L.table3_rows()) for t in order]
    for table, index in indexes:
        hit = index.match(text)
        if hit:
            return table, hit.key, hit.official
    # Space-separated text keeps group and row labels in one cell ("（三）不予公开 1.属于国家秘密"):
    # the row's own label is the shortest trailing part that is a label.
    tokens = text.split() if suffixes else []
    for k in range(len(tokens) - 1, 0, -1):
        tail = "".join(tokens[k:])
        for table, index in indexes:
            hit = index.match(tail, fuzzy=False)
            if hit:
                return table, hit.key, hit.official
    return None


@lru_cache(maxsize=1024)
def row_columns(table: str, row_id: str, version: str) -> tuple[str, ...] | None:
    """The column ids of a row; None for a row the table of that version does not have."""
    if table == "table3":
        return FORMAT.table3_column_ids
    try:
        columns = FORMAT.table2_columns(version, row_id)
    except KeyError:
        return None
    group = FORMAT.table2_group(version, row_id.split(".")[0])
    if not any(f"{group.id}.{r.id}" == row_id for r in group.rows):
        return None
    return tuple(c.id for c in columns)


@lru_cache(maxsize=1024)
def _cell_ids(table: str, row_id: str, columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{table}.{row_id}.{c}" for c in columns)


@lru_cache(maxsize=16384)
def printed_officially(text: str, table: str, row_id: str, official: str) -> bool:
    """The row label as the format prints it (up to spacing and brackets), not a variant."""
    forms = [official]
    if table == "table3":
        spec = FORMAT.table3_rows[row_id]
        forms += [spec.core, spec.label]
    return L.is_official(text, *forms)


@lru_cache(maxsize=16384)
def _classify(cell_text: str) -> tuple[tuple[str, str], ...]:
    """A cell's text as (text, kind) pieces: a value, a blank, a label, or a label with its number
    run on (``行政许可 12``), or several numbers in one cell."""
    text = cell_text.strip()
    if not text:
        return (("", "empty"),)
    if is_value_text(text):
        return ((text, "value"),)
    if _SPACED_NUMBERS.match(text):
        return tuple((t, "value") for t in text.split())
    m = _FUSED.match(text)
    if m and match_row_label(m.group(1), False) and not match_row_label(text, False):
        return ((m.group(1), "label"), (m.group(2), "value"))
    return ((text, "label"),)


@lru_cache(maxsize=16384)
def _table2_vote(text: str) -> tuple[str | None, str | None]:
    """(version the text points to, official column label when it is a table-2 column header)."""
    key = L.label_key(text)
    hit = L.table2_columns().get(key)
    if hit:
        return hit[0], None if L.is_official(text, hit[1]) else hit[1]
    for version, keys in _version_marker_keys().items():
        if key in keys:
            return version, None
    return None, None


@lru_cache(maxsize=1)
def _version_marker_keys() -> dict[str, set[str]]:
    return {v: {L.label_key(m) for m in ms} for v, ms in FORMAT.table2_version_markers.items()}


def detect_table2_version(grids: list[Grid]) -> tuple[str | None, list[tuple[str, str, Where | None]]]:
    """Version of table 2 from its column headers and row labels; and the variant headers seen."""
    votes = {"2019": 0, "2021": 0}
    variants: list[tuple[str, str, Where | None]] = []
    for grid in grids:
        for row in grid.rows:
            for cell in row:
                if cell.covered or not cell.text or cell.text.isdigit():
                    continue  # numbers vote for no version
                version, variant_of = _table2_vote(cell.text)
                if version:
                    votes[version] += 1
                    if variant_of:
                        variants.append((cell.text, variant_of, cell.where))
    if votes["2021"] == votes["2019"] == 0:
        return None, variants
    return ("2021" if votes["2021"] >= votes["2019"] else "2019"), variants


class TableExtractor:
    """Feeds rows in reading order; writes values into ``report``."""

    def __init__(self, report: Report, table2_version: str | None, unnarrate=None):
        self.report = report
        self.unnarrate = unnarrate or (lambda text: None)  # takes a used fragment back out of the narrative
        self.fragment: tuple[str, Where | None] | None = None
        self.short_row: tuple | None = None  # a text row with too few numbers, waiting for its next line
        self.version2 = table2_version
        self.context: str | None = None
        self.pending: tuple[str, Where | None, str, str] | None = None  # text, where, table, row id
        self.t4_pieces: list[Piece] = []
        self.headers_seen: set[str] = set()
        self.t3_variants_seen: set[str] = set()
        self.fused: list[Fused] = []  # rows to cut once every table is read

    # -- context -------------------------------------------------------------------------
    def set_context(self, table: str | None) -> None:
        if table != self.context:
            self.finish()
        self.context = table

    def _header_table(self, texts: list[str]) -> str | None:
        return _header_kind("".join(texts))

    # -- rows ----------------------------------------------------------------------------
    @staticmethod
    def _pieces(row: list[GridCell]) -> list[Piece]:
        out: list[Piece] = []
        for cell in row:
            if cell.covered:
                continue  # a merged cell counts once, where its text stands
            for text, kind in _classify(cell.text):
                out.append(Piece(text, cell.where, kind, cell.confidence))
        return out

    def _match(self, text: str, suffixes: bool = True) -> tuple[str, str, str] | None:
        """(table, row id, official label) for a printed row label."""
        return match_row_label(text, self.context == "table2", suffixes)

    def feed_row(self, grid: Grid, row: list[GridCell]) -> bool:
        """Use one row; False when it is not a table row after all (prose the text reader split)."""
        pieces = self._pieces(row)
        labels = [p for p in pieces if p.kind == "label"]
        has_values = any(p.kind == "value" for p in pieces)
        if self.short_row is not None and (labels or not has_values):
            self._settle_short_row()
        if not has_values and self._header_row(labels):  # header rows carry no numbers
            return True
        if not labels:
            return self._feed_unlabelled(pieces)
        last = max(i for i, p in enumerate(pieces) if p.kind == "label")
        region = pieces[last + 1:]  # values and blanks
        label, hit = self._name_row(labels)
        self.fragment = None
        if hit is None:
            return self._unnamed_row(grid, labels, label, region, has_values)
        if self.pending is not None:
            self._flush_pending(unless=hit)
        table, row_id, official = hit
        if not has_values and not region:
            self.pending = (label.text, label.where, table, row_id)  # its numbers may follow on a line of their own
            return True
        self._assign(table, row_id, official, label, region, grid.exact)
        return True

    def _header_row(self, labels: list[Piece]) -> bool:
        """A row of column headers: it may open a table (its markers say which)."""
        header = self._header_table([p.text for p in labels]) if labels else None
        if not (header or len(labels) >= 3):
            return False
        if header:
            self.set_context(header)
            self.headers_seen.add(header)
        if self.context == "table3":
            self._note_t3_header_variants(labels)
        return True

    def _name_row(self, labels: list[Piece]) -> tuple[Piece, tuple[str, str, str] | None]:
        """The row's label (possibly joined with a head printed before it) and what it names: its
        last label cell; that continuing a label left pending; all its label cells together; or
        the head of a wrapped label on the line above."""
        label = labels[-1]
        hit = self._match(label.text)
        if hit is None and self.pending is not None:
            text, where, table, row_id = self.pending
            hit = self._match(text + label.text)
            if hit is None and len(L.squeeze(label.text)) <= 12:  # the tail of a wrapped label
                hit = (table, row_id, self._official(table, row_id))
            if hit is not None:
                label = Piece(text + label.text, where, "label")
        if hit is None and len(labels) > 1:
            hit = self._match("".join(p.text for p in labels))
        if hit is None and self.fragment is not None:
            hit = self._match(self.fragment[0] + label.text)
            if hit is not None:
                self.unnarrate(self.fragment[0])
                label = Piece(self.fragment[0] + label.text, self.fragment[1], "label")
        return label, hit

    def _unnamed_row(self, grid: Grid, labels: list[Piece], label: Piece, region: list[Piece],
                     has_values: bool) -> bool:
        """A row no label of the format names: the head of a label, a row the format lacks, or prose."""
        if not has_values:
            return self._maybe_pending(label) or (grid.exact and self.context is not None)
        if grid.loose:
            return False
        self._flush_pending()
        if self.context in ("table2", "table3"):
            self.report.extra_rows.append(
                ExtraRow(self.context, L.squeeze("".join(p.text for p in labels)), [p.text for p in region], label.where))
            return True
        if not grid.exact:
            return False
        self.report.notes.append(f"{_zh(label.where)}：无法归属的表格行“{L.squeeze(label.text)}”，未取其数值。")
        return True

    def _maybe_pending(self, label: Piece) -> bool:
        hit = self._match(label.text)
        if hit:
            self._flush_pending()
            self.pending = (label.text, label.where, hit[0], hit[1])
            return True
        if self.pending is not None:
            combined = self._match(self.pending[0] + label.text)
            if combined:
                self.pending = (self.pending[0] + label.text, self.pending[1], combined[0], combined[1])
                return True
        return False

    def feed_fragment(self, text: str, where: Where | None) -> bool:
        """A short line without tabs inside a table: a header, a wrapped label, or nothing."""
        header = self._header_table([text])
        if header:
            self.set_context(header)
            self.headers_seen.add(header)
            return True
        if len(text.split()) >= 3 and all(len(t) > 1 for t in text.split()):
            return True  # column headers pasted as one line
        hit = self._match(text, suffixes=False)
        if hit:
            self._flush_pending()
            self.pending = (text, where, hit[0], hit[1])
            return True
        if self.pending is not None and self._match(self.pending[0] + text, suffixes=False):
            return True
        self.fragment = (text, where)
        return False

    def _flush_pending(self, unless: tuple | None = None) -> None:
        """A label printed with no numbers at all: the row is there, its cells are blank."""
        if self.pending is None:
            return
        text, where, table, row_id = self.pending
        self.pending = None
        if unless is not None and unless[1] == row_id:
            return
        official = self._official(table, row_id)
        self._assign(table, row_id, official, Piece(text, where, "label"), [])

    def _official(self, table: str, row_id: str) -> str:
        return official_label(table, row_id, self.version2 or "2021")

    def _feed_unlabelled(self, pieces: list[Piece]) -> bool:
        values = [p for p in pieces if p.kind in ("value", "empty")]
        if not any(p.kind == "value" for p in values):
            return True
        filled = sum(1 for p in values if p.kind == "value")
        if self._settle_short_row(values):
            return True
        if self.pending is not None and self.context != "table4" and filled <= T3_WIDTH + 1:
            text, where, table, row_id = self.pending
            self.pending = None
            self._assign(table, row_id, self._official(table, row_id), Piece(text, where, "label"), values)
            return True
        if self.context == "table4" or len(values) >= 10 or self.t4_pieces:
            self.t4_pieces += values
            if len([p for p in self.t4_pieces if p.kind == "value"]) >= T4_WIDTH or len(self.t4_pieces) >= T4_WIDTH:
                self._commit_table4()
            return True
        where = values[0].where
        self.report.notes.append(f"{_zh(where)}：有一行数字没有行名，无法归属，未取其数值。")
        return True

    # -- assignment ------------------------------------------------------------------------
    def _assign(self, table: str, row_id: str, official: str, label: Piece, region: list[Piece],
                exact: bool = True) -> None:
        columns = row_columns(table, row_id, self.version2 or "2021")
        if columns is None:  # e.g. a 2019-only row in a 2021 table
            self.report.extra_rows.append(ExtraRow(table, L.squeeze(label.text), [p.text for p in region], label.where))
            return
        current = self.report.table(table)
        if current is not None and row_id in current:
            self.report.notes.append(f"{_zh(label.where)}：重复的表格行“{L.squeeze(label.text)}”，已保留第一次出现的数值。")
            return
        if not printed_officially(label.text, table, row_id, official):
            self.report.labels.append(LabelUse(table, row_id, L.squeeze(label.text), official, label.where))
        self._write(table, row_id, columns, region, label.where, exact)
        if table == "table3":
            self.context = "table3"
        elif self.context is None:
            self.context = table

    def _write(self, table: str, row_id: str, columns: Sequence[str], region: list[Piece], row_where,
               exact: bool = True) -> None:
        m = len(columns)
        cells = fit(region, m, trailing_first=(table == "table2"))
        if len(cells) > m:
            self.report.notes.append(
                f"{_zh(cells[0].where)}：{table_zh(table)}“{row_id}”行的数值多于{m}个，只取了前{m}个。")
            cells = cells[:m]
        if len(cells) < m and not exact and cells and strip_edges(cells) == cells:
            # Text may carry the rest of the row on the next line: decide when that line is seen.
            self.short_row = (table, row_id, columns, cells, row_where)
            return
        self._write_short(table, row_id, columns, cells, row_where)

    def _write_short(self, table, row_id, columns, cells, row_where) -> None:
        m = len(columns)
        core = _fused(cells) if len(cells) < m else None
        if core is not None:
            self._write_fused(table, row_id, _cell_ids(table, row_id, tuple(columns)), core)
            return
        target = self.report.row(table, row_id)
        store = self.report.cells
        ids = _cell_ids(table, row_id, columns)
        for column, cell_id, piece in zip(columns, ids, cells):
            target[column] = parse_value(piece.text) if piece.kind == "value" else None
            store[cell_id] = CellInfo(piece.text, piece.where, False, piece.confidence)
        last = cells[-1].where if cells else None
        for column, cell_id in zip(columns[len(cells):], ids[len(cells):]):
            last = _after(last)  # not printed at all: point where it would have stood
            target[column] = None
            store[cell_id] = CellInfo("", last or row_where)

    def _settle_short_row(self, continuation: list[Piece] | None = None) -> bool:
        """Write the row left short; ``continuation`` (a label-less line) completes it when it fits."""
        short, self.short_row = self.short_row, None
        if short is None:
            return False
        table, row_id, columns, cells, row_where = short
        core = strip_edges(continuation or [])
        if core and len(cells) + len(core) == len(columns) and all(p.kind == "value" for p in core):
            self._write_short(table, row_id, columns, cells + core, row_where)
            return True
        self._write_short(table, row_id, columns, cells, row_where)
        return False

    def _commit_table4(self) -> None:
        pieces, self.t4_pieces = self.t4_pieces, []
        if self.report.table4 is not None:
            self.report.notes.append(f"{_zh(pieces[0].where)}：表四出现了第二行数据，未采用。")
            return
        cells = fit(pieces, T4_WIDTH)
        ids = [f"table4.{g}.{c}" for g, c in FORMAT.table4_cell_order]
        core = _fused(cells) if len(cells) < T4_WIDTH else None
        if core is not None:
            self._write_fused("table4", "all", ids, core)
            return
        for i, cell_id in enumerate(ids):
            piece = cells[i] if i < len(cells) else None
            if piece is None:
                self.report.set_value(cell_id, None, CellInfo("", cells[-1].where if cells else None))
            else:
                self.report.set_value(cell_id, parse_value(piece.text) if piece.kind == "value" else None,
                                      CellInfo(piece.text, piece.where, False, piece.confidence))

    def _write_fused(self, table: str, row_id: str, ids: Sequence[str], core: list[Piece]) -> None:
        """Cells whose numbers a text export ran together: null until ``recover.read_fused`` cuts
        them with the table's sums (only where they leave one way)."""
        raw = " ".join(L.squeeze(p.text) for p in core)
        where = core[0].where
        for cell_id in ids:
            self.report.set_value(cell_id, None, CellInfo(raw, where))
        self.fused.append(Fused(table, row_id, raw, where))

    def _note_t3_header_variants(self, labels: list[Piece]) -> None:
        for p in labels:
            key = L.label_key(p.text)
            for col in FORMAT.table3_columns:
                for variant in col.variants:
                    if key == L.label_key(variant) and key not in self.t3_variants_seen:
                        self.t3_variants_seen.add(key)
                        self.report.labels.append(LabelUse("table3", "header", L.squeeze(p.text), col.label, p.where))

    def finish(self) -> None:
        self._settle_short_row()
        self._flush_pending()
        if self.t4_pieces:
            self._commit_table4()


def fit(region: list[Piece], m: int, trailing_first: bool = False) -> list[Piece]:
    """Drop fillers (empty cells at the edges) while there are more cells than columns.

    Table 3 and 4 exports put fillers first on the left (merged label columns); table 2's
    rows are padded on the right to the 4-column grid, so there the right edge goes first.
    """
    cells = list(region)
    ends = (-1, 0) if trailing_first else (0, -1)
    for end in ends:
        while len(cells) > m and cells[end].kind == "empty":
            cells.pop(end)
    return cells


def _after(where: Where | None) -> Where | None:
    """The position one cell to the right."""
    if where is None:
        return None
    if where.column is not None:
        return Where(page=where.page, line=where.line, column=where.column + 1)
    if where.cell is not None:
        return Where(page=where.page, table=where.table, row=where.row, cell=where.cell + 1)
    return where


def _fused(cells: list[Piece]) -> list[Piece] | None:
    """The cells between the edges when they are all digits and one holds several: numbers run together."""
    core = strip_edges(cells)
    tokens = [L.squeeze(p.text) for p in core]
    if core and all(p.kind == "value" and t.isdigit() for p, t in zip(core, tokens)) and any(len(t) > 1 for t in tokens):
        return core
    return None


def strip_edges(cells: list[Piece]) -> list[Piece]:
    start, end = 0, len(cells)
    while start < end and cells[start].kind == "empty":
        start += 1
    while end > start and cells[end - 1].kind == "empty":
        end -= 1
    return cells[start:end]


def table_zh(table: str) -> str:
    return {"table2": "表二", "table3": "表三", "table4": "表四"}.get(table, table)


def _zh(where: Where | None) -> str:
    return where.zh() if where else "（位置不明）"


__all__ = ["TableExtractor", "detect_table2_version", "fit"]
