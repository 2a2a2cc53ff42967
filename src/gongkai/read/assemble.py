"""Laid-out pages (tables and text lines with positions) -> one ``Document``.

Shared by the PDF and OCR readers.  Page furniture goes (page numbers such as "-3-",
"— 3 —", "第3页", and running headers repeated on most pages), lines are rejoined into
paragraphs the way the page shows them (a paragraph ends at a short line, the next one
starts indented), and tables become dense grids whose cells say page, table, row and cell.
A table continued on the next page stays a separate grid right after the first one, with
nothing between them, so the extractor reads its rows in sequence.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from gongkai import regex
from gongkai.model import Where, page_cell
from gongkai.read.document import Document, Grid, GridCell, Paragraph
from gongkai.read.layout import Glyph, Line, Segment, TableLayout, fill_tables, find_tables, group_lines

_PAGE_NUMBER = regex.compile(r"^[\s\-—–－~～_·•.]*(?:第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|"
                          r"[\-—–－~～]+\s*\d+\s*[\-—–－~～]+|\d{1,3}|[ivxlcIVXLC]{1,5})[\s\-—–－~～_·•.]*$")
_MARGIN = 0.09  # share of the page height at the top and bottom where furniture lives
_ASCII_END = regex.compile(r"[A-Za-z0-9]$")
_ASCII_START = regex.compile(r"^[A-Za-z0-9]")


@dataclass
class PageLayout:
    number: int
    width: float
    height: float
    tables: list[TableLayout] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    scanned: bool = False  # read by OCR: its sizes are its lines' box heights (see _body_metrics)


def page_layout(number: int, width: float, height: float, glyphs: list[Glyph],
                segments: list[Segment], scanned: bool = False) -> PageLayout:
    """One page (of a PDF, or recognised by OCR: ``scanned``) from its glyph boxes and ruling lines."""
    # A one-column "table" is a boxed paragraph or a background frame: its text stays prose.
    tables = [t for t in find_tables(segments) if t.n_cols >= 2 and t.n_rows >= 1]
    outside = fill_tables(tables, glyphs)
    return PageLayout(number, width, height, tables, group_lines(outside), scanned)


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


def _furniture(pages: list[PageLayout]) -> set[tuple[int, int]]:
    """(page index, line index) of page numbers and running headers/footers."""
    drop: set[tuple[int, int]] = set()
    repeated: Counter[str] = Counter()
    margin_lines: list[tuple[int, int, str]] = []
    for pi, page in enumerate(pages):
        limit = page.height * _MARGIN
        for li, line in enumerate(page.lines):
            if line.top < limit or line.bottom > page.height - limit:
                if is_page_number(line.text):
                    drop.add((pi, li))
                else:
                    key = re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text))
                    margin_lines.append((pi, li, key))
    for key in {k for _, _, k in margin_lines}:
        repeated[key] = len({pi for pi, _, k in margin_lines if k == key})
    if len(pages) >= 3:
        for pi, li, key in margin_lines:
            if repeated[key] >= max(3, len(pages) // 2):
                drop.add((pi, li))
    return drop


def _join(a: str, b: str) -> str:
    """Rejoin a wrapped line: Latin words keep their space; a number cut by the wrap does not get one
    (a title wrapped as "…建设局202" / "3年政府信息公开…" is about 2023)."""
    if _ASCII_END.search(a) and _ASCII_START.match(b) and not (a[-1].isdigit() and b[0].isdigit()):
        return a + " " + b
    return a + b


def _grid(table: TableLayout, page: int, number: int) -> Grid | None:
    rows: list[list[GridCell]] = []
    cell_texts, confidence, origin = table.texts, table.confidence, table.origin
    for r in range(table.n_rows):
        row: list[GridCell] = []
        for c in range(table.n_cols):
            o = origin[(r, c)]
            where = page_cell(page, number, o[0] + 1, o[1] + 1)
            if o == (r, c):
                row.append(GridCell(cell_texts.get(o, ""), where, False, None, confidence.get(o)))
            else:
                row.append(GridCell("", where, True, o))
        texts = [cell.text for cell in row if cell.text]
        if len(texts) == 1 and is_page_number(texts[0]) and not texts[0].strip().isdigit():
            continue  # a page number drawn inside the table's frame
        rows.append(row)
    if not rows:
        return None
    return Grid(_rebase(rows), Where(page=page, table=number), exact=True)


def _rebase(rows: list[list[GridCell]]) -> list[list[GridCell]]:
    """Covered cells point at their origin by grid index; keep them valid after dropped rows."""
    position: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            where = cell.where
            if not cell.covered and where is not None and where.row is not None and where.cell is not None:
                position[(where.row - 1, where.cell - 1)] = (r, c)
    for row in rows:
        for cell in row:
            if cell.covered and cell.origin is not None:
                new = position.get(cell.origin)
                if new is None:  # its origin was dropped: the cell stands alone, empty
                    cell.covered, cell.origin = False, None
                else:
                    cell.origin = new
    return rows


_ROW_START = regex.compile(r"^[（(]?[一二三四五六七八九十\d]+[）)、.．]")
_VALUE = regex.compile(r"^[\d\s.,，/／—\-－]+$")


def _values(row: list[GridCell]) -> int:
    return sum(1 for c in row if not c.covered and c.text.strip() and _VALUE.match(c.text.strip()))


def _continues_row(prev: Grid, prev_table: TableLayout, grid: Grid, table: TableLayout) -> bool:
    """Is the first row of ``grid`` the rest of ``prev``'s last row, cut by the page break?

    Word and LibreOffice let a row break across pages: the label's last characters then stand
    alone at the top of the next page, with empty number cells (both fragments get a ruling,
    so the rulings cannot tell).
    """
    if prev_table.n_cols != table.n_cols:
        return False
    if any(abs(a - b) > 6 for a, b in zip(prev_table.xs, table.xs)):
        return False
    first, last = grid.rows[0], prev.rows[-1]
    texts = [c.text.strip() for c in first if not c.covered and c.text.strip()]
    if not texts or _values(first) or not _values(last):
        return False
    if texts == [c.text.strip() for c in prev.rows[0] if not c.covered and c.text.strip()]:
        return False  # the header row repeated on the new page (table 3 breaks between its groups)
    for c, cell in enumerate(first):
        # A label's rest stands over label cells; text over one of the last row's numbers is a
        # row of its own (a header spanning the applicant columns).
        if not cell.covered and cell.text.strip() and c < len(last) and _values([last[c]]):
            return False
    # A row of its own starts with its number: 一、 （三） 2. 3、
    return not any(_ROW_START.match(t) for t in texts)


def _stitch(prev: Grid, grid: Grid) -> Grid:
    """Append the first row's texts to ``prev``'s last row; return ``grid`` without that row."""
    last = prev.rows[-1]
    for c, cell in enumerate(grid.rows[0]):
        if cell.covered or not cell.text.strip() or c >= len(last):
            continue
        target = last[c]
        if target.covered and target.origin is not None:
            target = prev.rows[target.origin[0]][target.origin[1]]
        target.text = _join(target.text, cell.text.strip())
    rest = grid.rows[1:]
    for row in rest:
        for cell in row:
            if cell.covered and cell.origin is not None:
                if cell.origin[0] == 0:
                    cell.covered, cell.origin = False, None
                else:
                    cell.origin = (cell.origin[0] - 1, cell.origin[1])
    grid.rows = rest
    return grid


_NUMBER_WORD = regex.compile(r"^(?:[+\-]?\d[\d,，]*(?:\.\d+)?|[/／—\-－–]+)$")
_WORD_GAP = 0.9  # a gap wider than this many characters separates words (table columns)


def _words(line: Line) -> list[str]:
    words: list[list] = []
    for g in line.glyphs:
        if words and g.x0 - words[-1][-1].x1 <= _WORD_GAP * max(g.size, 1.0):
            words[-1].append(g)
        else:
            words.append([g])
    return ["".join(g.text for g in w) for w in words]


def row_words(line: Line) -> list[str] | None:
    """The cells of a line of a table printed without rulings: labels, then numbers set
    apart by wide gaps (规章  0  0  1); None for prose."""
    words = _words(line)
    numbers = [i for i, w in enumerate(words) if _NUMBER_WORD.match(w)]
    if not numbers or any(not _NUMBER_WORD.match(w) for w in words[numbers[0]:]):
        return None
    if len(numbers) < 2 and numbers[0] == 0:
        return None  # a lone number is no row
    if any(len(w) > 60 or w.endswith("。") for w in words[:numbers[0]]):
        return None
    return words


PAGE_BODY_CHARS = 100  # characters of text a scanned page needs to have a body size of its own
# On a scanned page a line's size is its box's height, which moves by 15–20% with how the box
# was found (cut from the ink, detected alone or with the page, turned): body text is what lies
# within SCANNED_NEAR_BODY of the page's body size, and a size change starts a paragraph only
# beyond SCANNED_SIZE_CHANGE (a title is 25–30% larger than the body; a text PDF: 1 pt and 15%).
SCANNED_NEAR_BODY = 0.2
SCANNED_SIZE_CHANGE = 0.2


def _body_size(sizes: Counter[float], default: float = 12.0) -> float:
    return sizes.most_common(1)[0][0] if sizes else default


def _near_body(page: PageLayout, body: float) -> float:
    """How far (points) from the page's body size a line is still body text."""
    return max(1.0, SCANNED_NEAR_BODY * body) if page.scanned else 1.0


def _body_metrics(pages: list[PageLayout], drop) -> tuple[list[float], float, float]:
    """Body font size of each page, left and right text edges (most common values).

    A scanned page's sizes are the heights of its lines' boxes, and those depend on how the lines
    were found: the text detector's boxes hug large text and pad small text, boxes cut from the
    ink (ocrgrid) have a fixed margin — 16 pt text is 15.8 pt high on a page detected whole and
    18.4 pt on one read by its ink lines, and one report may have pages of both kinds (a noisy
    page is detected whole).  So a scanned page with PAGE_BODY_CHARS characters of text or more
    has its own body size; every other page (and every page of a text PDF) the document's."""
    sizes: Counter[float] = Counter()
    page_sizes: list[Counter[float]] = []
    lefts: Counter[int] = Counter()
    rights: Counter[int] = Counter()
    for pi, page in enumerate(pages):
        mine: Counter[float] = Counter()
        for li, line in enumerate(page.lines):
            if (pi, li) not in drop:
                mine[round(line.size * 2) / 2] += len(line.text)
        sizes.update(mine)
        page_sizes.append(mine)
    body = _body_size(sizes)
    bodies = [_body_size(mine) if page.scanned and mine.total() >= PAGE_BODY_CHARS else body
              for page, mine in zip(pages, page_sizes)]
    for pi, page in enumerate(pages):
        near = _near_body(page, bodies[pi])
        for li, line in enumerate(page.lines):
            if (pi, li) not in drop and abs(line.size - bodies[pi]) <= near:
                lefts[round(line.x0)] += 1
                rights[round(line.x1)] += 1
    left = float(lefts.most_common(1)[0][0]) if lefts else 0.0
    # Too wide a text column only splits paragraphs (the extractor rejoins sentences); too
    # narrow a one would glue headings to paragraphs.  So take the widest credible edge.
    xs = sorted(x for x, n in rights.items() for _ in range(n))
    right = float(max([rights.most_common(1)[0][0], xs[int(0.95 * (len(xs) - 1))]] if xs else [0]))
    for pi, page in enumerate(pages):
        for table in page.tables:
            right = max(right, table.xs[-1] - bodies[pi])
    return bodies, left, right


def build_document(doc: Document, pages: list[PageLayout]) -> Document:
    """The pages' tables and text lines as ``doc``'s blocks, in reading order."""
    _Assembler(doc, pages).run()
    doc.pages = len(pages)
    return doc


_TABLE, _LINE = 0, 1  # at the same height a table comes before a line


class _Assembler:
    """Walks the pages once, top to bottom, and keeps what the next item depends on: the
    paragraph being gathered, the line before, the grid that ended the page before (a table
    continued on this page), the last borderless row (the next line may continue its table)."""

    def __init__(self, doc: Document, pages: list[PageLayout]):
        self.doc = doc
        self.pages = pages
        self.drop = _furniture(pages)
        self.bodies, self.left, self.right = _body_metrics(pages, self.drop)
        self.para: list[str] = []
        self.para_where: Where | None = None
        self.prev: Line | None = None
        self.last_grid: tuple[Grid, TableLayout, int] | None = None  # a grid that ended its page
        self.last_row_line: tuple[int, int] | None = None  # (page index, line) of the last borderless row

    def run(self) -> None:
        for pi, page in enumerate(self.pages):
            items = self._reading_order(pi, page)
            for position, (_, kind, payload) in enumerate(items):
                if kind == _TABLE:
                    ti, table = payload
                    self._table(pi, page, ti, table, first=position == 0, last=position == len(items) - 1)
                else:
                    line_no, line = payload
                    self._line(pi, page, line_no, line)
            # A paragraph may run on over the page break; a new page resets vertical gaps only.
            if self.prev is not None:
                self.prev = _PageBreak(self.prev)
        self._flush()

    def _reading_order(self, pi: int, page: PageLayout) -> list[tuple[float, int, Any]]:
        """The page's tables and kept lines (numbered without the furniture), top to bottom."""
        items: list[tuple[float, int, Any]] = [(table.ys[0], _TABLE, (ti, table))
                                               for ti, table in enumerate(page.tables)]
        line_no = 0
        for li, line in enumerate(page.lines):
            if (pi, li) in self.drop:
                continue
            line_no += 1
            items.append((line.top, _LINE, (line_no, line)))
        items.sort(key=lambda it: (it[0], it[1]))
        return items

    def _flush(self) -> None:
        """The paragraph gathered so far becomes a block."""
        if self.para:
            text = self.para[0]
            for piece in self.para[1:]:
                text = _join(text, piece)
            self.doc.blocks.append(Paragraph(text.strip(), self.para_where))
        self.para, self.para_where, self.prev = [], None, None

    def _table(self, pi: int, page: PageLayout, ti: int, table: TableLayout, first: bool, last: bool) -> None:
        self._flush()
        grid = _grid(table, page.number, ti + 1)
        if grid is not None and first and self.last_grid is not None and self._continues(pi, grid, table):
            grid = _stitch(self.last_grid[0], grid)
            if not grid.rows:
                grid = None
        if grid is not None:
            self.doc.blocks.append(grid)
            if last:
                self.last_grid = (grid, table, pi)

    def _continues(self, pi: int, grid: Grid, table: TableLayout) -> bool:
        """The grid at the top of this page continues the one that ended the page before."""
        assert self.last_grid is not None
        prev_grid, prev_table, prev_page = self.last_grid
        return (prev_page == pi - 1 and bool(self.doc.blocks) and self.doc.blocks[-1] is prev_grid
                and _continues_row(prev_grid, prev_table, grid, table))

    def _line(self, pi: int, page: PageLayout, line_no: int, line: Line) -> None:
        text = line.text.strip()
        if not text:
            return
        cells = row_words(line) if line.glyphs else None
        if cells is not None:
            self._borderless_row(pi, page, line_no, cells)
            return
        if self._starts_paragraph(line, pi):
            self._flush()
            self.para_where = Where(page=page.number, line=line_no)
        self.para.append(text)
        self.prev = line

    def _borderless_row(self, pi: int, page: PageLayout, line_no: int, cells: list[str]) -> None:
        """A borderless table's row: columns not trusted, the extractor realigns it; a guess
        (loose), so a row that matches no label is given back to the prose."""
        self._flush()
        row = [GridCell(w, Where(page=page.number, line=line_no, column=k + 1)) for k, w in enumerate(cells)]
        last = self.doc.blocks[-1] if self.doc.blocks else None
        if isinstance(last, Grid) and not last.exact and last.where and last.where.page == page.number \
                and self.last_row_line == (pi, line_no - 1):
            last.rows.append(row)
        else:
            self.doc.blocks.append(Grid([row], Where(page=page.number, line=line_no), exact=False, loose=True))
        self.last_row_line = (pi, line_no)

    def _starts_paragraph(self, line: Line, pi: int) -> bool:
        prev = self.prev
        if prev is None:
            return True
        body = self.bodies[pi]
        unit = max(line.size, 1.0)
        big = body * 1.15
        if line.size > big and prev.size > big and abs(line.size - prev.size) <= 0.15 * line.size:
            return False  # a title wrapped over several centred lines
        change = SCANNED_SIZE_CHANGE if self.pages[pi].scanned else 0.15
        near = _near_body(self.pages[pi], body)
        return (abs(line.size - prev.size) > change * max(line.size, prev.size)  # another font size
                or (line.x0 > self.left + 1.2 * unit and abs(line.size - body) <= near)  # indented
                or prev.x1 < self.right - 1.5 * unit  # the line before ended short
                or bool(prev.glyphs and line.top - prev.bottom > 1.5 * unit))  # a gap above


class _PageBreak(Line):
    """The last line of a page, seen from the next page (vertical gaps do not apply)."""

    def __init__(self, line: Line):
        super().__init__([], line.text, line.x0, line.top, line.x1, line.bottom, line.size, line.confidence)

