"""Page geometry -> table grids and text lines.

Both the PDF reader (glyphs and vector rulings from the text layer) and the OCR reader (text
boxes and rulings found in a scan) describe a page the same way: ``Glyph`` boxes and
horizontal/vertical ``Segment`` rulings, in points, top-down.  This module turns that into
tables with merged cells and into the text lines that lie outside them.

Tables are rebuilt from the rulings, not from text alignment: the distinct ruling positions
give an elementary grid, and two neighbouring elementary cells belong to one merged cell
when no ruling separates them.  A table cut by a page break usually lacks its closing rule;
the extent of its vertical rulings closes it (otherwise a row-spanning label is lost).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from types import ModuleType

from gongkai import regex

SNAP = 2.0          # rulings closer than this are one ruling (double borders, rounding)
JOIN = 3.0          # collinear pieces with a smaller gap are one ruling
TOUCH = 3.0         # a ruling reaching this close to another one meets it
MIN_CELL = 4.0      # elementary rows/columns thinner than this are drawing noise
COVER = 0.6         # a boundary exists when rulings cover this share of it


@dataclass(slots=True)
class Glyph:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float = 0.0
    confidence: float | None = None
    space_before: bool = False  # the text layer has a space character right before this glyph

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class Segment:
    orient: str  # "h" or "v"
    pos: float   # y for "h", x for "v"
    a: float     # start along the ruling
    b: float     # end along the ruling


@dataclass
class Line:
    glyphs: list[Glyph]
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    confidence: float | None = None


@dataclass
class TableLayout:
    xs: list[float]
    ys: list[float]
    origin: dict[tuple[int, int], tuple[int, int]]  # elementary cell -> its merged cell's top-left
    texts: dict[tuple[int, int], str] = field(default_factory=dict)
    confidence: dict[tuple[int, int], float] = field(default_factory=dict)
    open_top: bool = False     # no ruling closes the top: continued from the previous page
    open_bottom: bool = False  # no ruling closes the bottom: continues on the next page

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1


# -- rulings ---------------------------------------------------------------------------------

def _merge(segments: list[Segment]) -> list[Segment]:
    """Snap rulings to shared positions and join collinear pieces."""
    out: list[Segment] = []
    for orient in ("h", "v"):
        group = sorted((s for s in segments if s.orient == orient), key=lambda s: s.pos)
        clusters: list[list[Segment]] = []
        for s in group:
            if clusters and s.pos - clusters[-1][-1].pos <= SNAP:
                clusters[-1].append(s)
            else:
                clusters.append([s])
        for cluster in clusters:
            pos = sum(s.pos for s in cluster) / len(cluster)
            pieces = sorted((min(s.a, s.b), max(s.a, s.b)) for s in cluster)
            a, b = pieces[0]
            for pa, pb in pieces[1:]:
                if pa <= b + JOIN:
                    b = max(b, pb)
                else:
                    out.append(Segment(orient, pos, a, b))
                    a, b = pa, pb
            out.append(Segment(orient, pos, a, b))
    return out


def _components(segments: list[Segment]) -> list[list[Segment]]:
    """Groups of rulings that touch each other: one group per table."""
    parent = list(range(len(segments)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # A ruling with a NaN meets nothing (every comparison with it is false): left out of the search.
    hs = [(i, s) for i, s in enumerate(segments) if s.orient == "h" and s.pos == s.pos and s.a == s.a and s.b == s.b]
    vs = sorted((s.pos, j) for j, s in enumerate(segments)
                if s.orient == "v" and s.pos == s.pos and s.a == s.a and s.b == s.b)
    v_pos = [pos for pos, _ in vs]
    for i, h in hs:
        # the verticals with h.a - TOUCH <= v.pos <= h.b + TOUCH, by bisection on their positions
        for k in range(bisect_left(v_pos, h.a - TOUCH), bisect_right(v_pos, h.b + TOUCH)):
            j = vs[k][1]
            v = segments[j]
            if v.a - TOUCH <= h.pos <= v.b + TOUCH:  # they meet
                parent[find(i)] = find(j)
    groups: dict[int, list[Segment]] = {}
    for i, s in enumerate(segments):
        groups.setdefault(find(i), []).append(s)
    return list(groups.values())


def _positions(values: list[float]) -> list[float]:
    values = sorted(values)
    out: list[float] = []
    for v in values:
        if out and v - out[-1] < MIN_CELL:
            continue
        out.append(v)
    return out


def _covered(rulings: list[Segment], pos: float, a: float, b: float) -> bool:
    """Do rulings at ``pos`` cover most of the interval a..b?"""
    length = b - a
    if length <= 0:
        return True
    covered = 0.0
    near = MIN_CELL + 0.5  # positions were clustered within MIN_CELL
    for s in rulings:
        if abs(s.pos - pos) <= near:
            # max(0.0, min(b, s.b) - max(a, s.a)), spelt out: this runs for every cell edge
            sb, sa = s.b, s.a
            overlap = (sb if sb < b else b) - (sa if sa > a else a)
            if overlap > 0.0:
                covered += overlap
    return covered >= COVER * length


def _near(rulings: list[Segment], pos: float) -> list[tuple[float, float]]:
    """(a, b) of the rulings _covered counts at ``pos``, in their order."""
    return [(s.a, s.b) for s in rulings if abs(s.pos - pos) <= MIN_CELL + 0.5]


def _covered_by(near: list[tuple[float, float]], a: float, b: float) -> bool:
    """_covered over the rulings ``_near`` found at the position: the same sum in the same order."""
    length = b - a
    if length <= 0:
        return True
    covered = 0.0
    for sa, sb in near:
        overlap = (sb if sb < b else b) - (sa if sa > a else a)
        if overlap > 0.0:
            covered += overlap
    return covered >= COVER * length


def _table(group: list[Segment]) -> TableLayout | None:
    hs = [s for s in group if s.orient == "h"]
    vs = [s for s in group if s.orient == "v"]
    if len(vs) < 2 and len(hs) < 2:
        return None
    left = min([s.pos for s in vs] + [s.a for s in hs])
    right = max([s.pos for s in vs] + [s.b for s in hs])
    top = min([s.pos for s in hs] + [s.a for s in vs])
    bottom = max([s.pos for s in hs] + [s.b for s in vs])
    if right - left < 2 * MIN_CELL or bottom - top < 2 * MIN_CELL:
        return None
    xs = _positions([left, right] + [s.pos for s in vs])
    ys = _positions([top, bottom] + [s.pos for s in hs])
    xs[0], xs[-1], ys[0], ys[-1] = left, right, top, bottom
    open_top = not _covered(hs, top, left, right)
    open_bottom = not _covered(hs, bottom, left, right)
    # The outer frame is closed even where a page break left it open.
    frame = [Segment("h", top, left, right), Segment("h", bottom, left, right),
             Segment("v", left, top, bottom), Segment("v", right, top, bottom)]
    hs, vs = hs + frame[:2], vs + frame[2:]
    rows, cols = len(ys) - 1, len(xs) - 1
    # Union-find over the elementary cells, numbered r * cols + c: a set's root is its smallest
    # number (flat lists: this runs for every cell of every table).
    parent = list(range(rows * cols))

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    # The rulings near each inner boundary, found once (in order: the sums add up alike).
    for c in range(1, cols):
        near = _near(vs, xs[c])
        for r in range(rows):
            if not _covered_by(near, ys[r], ys[r + 1]):
                ra, rb = find(r * cols + c - 1), find(r * cols + c)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    for r in range(1, rows):
        near = _near(hs, ys[r])
        for c in range(cols):
            if not _covered_by(near, xs[c], xs[c + 1]):
                ra, rb = find((r - 1) * cols + c), find(r * cols + c)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    # A merged cell is the bounding rectangle of its elementary cells, anchored top-left: the
    # root is the smallest number, so the top row; the leftmost column is looked for.
    roots = [find(k) for k in range(rows * cols)]
    left_col: dict[int, int] = {}
    for k, root in enumerate(roots):
        if root != k:
            c = k % cols
            if c < left_col.get(root, root % cols):
                left_col[root] = c
    origin = {(k // cols, k % cols): (root // cols, left_col.get(root, root % cols)) for k, root in enumerate(roots)}
    return TableLayout(xs, ys, origin, open_top=open_top, open_bottom=open_bottom)


def find_tables(segments: list[Segment]) -> list[TableLayout]:
    compiled = _compiled()
    tables = compiled.find_tables(segments) if compiled is not None else None
    if tables is None:  # not compiled, or a ruling that is not a finite float
        tables = python_find_tables(segments)
    tables.sort(key=lambda t: (t.ys[0], t.xs[0]))
    return tables


def python_find_tables(segments: list[Segment]) -> list[TableLayout]:
    """find_tables in Python, before its sort: the fallback and the reference of the compiled one."""
    tables = []
    for group in _components(_merge(segments)):
        t = _table(group)
        if t is not None:
            tables.append(t)
    return tables


# -- text ------------------------------------------------------------------------------------

def _index(values: list[float], v: float) -> int | None:
    """i with values[i] <= v < values[i + 1] (values ascending), else None."""
    i = bisect_right(values, v) - 1
    return i if 0 <= i < len(values) - 1 else None


@lru_cache(maxsize=1)
def _compiled() -> ModuleType | None:
    """The compiled line grouping (read/_pdfpage.pyx), loaded at first use (it imports this module)."""
    from gongkai.read.compiled import load

    return load("_pdfpage")[0]


def group_lines(glyphs: list[Glyph]) -> list[Line]:
    """Glyphs to text lines, top to bottom, each left to right."""
    compiled = _compiled()
    if compiled is not None:
        lines = compiled.group_lines(glyphs)
        if lines is not None:  # None: a NaN box, whose sort order only the Python code gives
            return lines
    return python_group_lines(glyphs)


def python_group_lines(glyphs: list[Glyph]) -> list[Line]:
    """group_lines in Python: the fallback and the reference of the compiled one."""
    lines: list[list[Glyph]] = []
    top = bottom = 0.0  # the current line's band: its glyphs' highest top and lowest bottom
    for g in sorted(glyphs, key=_reading_key):
        gt, gb = g.top, g.bottom
        if lines:
            cy = (gt + gb) / 2
            height = max(bottom - top, gb - gt, 1.0)
            # A flat glyph can come with a flat box ("一" in some CJK fonts: 4 pt high, centred
            # above the line's middle); it is on the line when the line's band holds it.
            overlap = min(bottom, gb) - max(top, gt)
            flat = max(min(bottom - top, gb - gt), 0.1)
            if (cy <= bottom and cy - (top + bottom) / 2 < 0.5 * height) or overlap >= 0.8 * flat:
                lines[-1].append(g)
                if gt < top:
                    top = gt
                if gb > bottom:
                    bottom = gb
                continue
        lines.append([g])
        top, bottom = gt, gb
    out = []
    for gl in lines:
        gl.sort(key=_x0)
        out.append(_make_line(gl))
    return out


def _reading_key(g: Glyph) -> tuple[float, float]:
    return ((g.top + g.bottom) / 2, g.x0)


_x0 = attrgetter("x0")


_ASCII_WORD = regex.compile(r"[A-Za-z0-9]")


def _make_line(gl: list[Glyph]) -> Line:
    prev = gl[0]
    parts = [prev.text]
    for g in gl[1:]:
        # A space where the gap is wide, narrower between Latin words, or where the text layer
        # has one next to Latin text (glyph texts are never empty).
        gap = g.x0 - prev.x1
        size = max(prev.size, g.size, prev.bottom - prev.top, 1.0)
        if gap > 0.6 * size \
                or (gap > 0.2 * size and _ASCII_WORD.match(prev.text[-1]) and _ASCII_WORD.match(g.text[0])) \
                or (g.space_before and (prev.text[-1].isascii() or g.text[0].isascii())):
            parts.append(" ")
        parts.append(g.text)
        prev = g
    confs = [g.confidence for g in gl if g.confidence is not None]
    # Latin fonts have taller boxes than CJK ones: a mixed line takes its CJK glyphs' size.
    sizes = sorted([g.size for g in gl if not g.text.isascii()]) or sorted([g.size for g in gl])
    return Line(gl, "".join(parts), min([g.x0 for g in gl]), min([g.top for g in gl]), max([g.x1 for g in gl]),
                max([g.bottom for g in gl]), sizes[len(sizes) // 2], min(confs) if confs else None)


def join_cell_lines(lines: list[Line]) -> str:
    """A wrapped cell is one text: CJK lines join directly, Latin words keep a space."""
    text = ""
    for line in lines:
        t = line.text.strip()
        if text and _ASCII_WORD.match(text[-1]) and _ASCII_WORD.match(t[:1] or " "):
            text += " "
        text += t
    return text


def fill_tables(tables: list[TableLayout], glyphs: list[Glyph]) -> list[Glyph]:
    """Put each glyph into its merged cell; return the glyphs outside every table."""
    compiled = _compiled()
    if compiled is not None:
        outside = compiled.fill_tables(tables, glyphs)
        if outside is not None:
            return outside
    return python_fill_tables(tables, glyphs)


def python_fill_tables(tables: list[TableLayout], glyphs: list[Glyph]) -> list[Glyph]:
    """fill_tables in Python: the fallback and the reference of the compiled one."""
    if not tables:
        return list(glyphs)
    outside: list[Glyph] = []
    per_cell: dict[tuple[int, int, int], list[Glyph]] = {}
    boxes = [(ti, *t.bbox, t.xs, t.ys, t.origin) for ti, t in enumerate(tables)]
    for g in glyphs:
        cx, cy = (g.x0 + g.x1) / 2, (g.top + g.bottom) / 2
        placed = False
        for ti, x0, y0, x1, y1, xs, ys, origin in boxes:
            if x0 <= cx <= x1 and y0 <= cy <= y1:
                r = _index(ys, cy)
                c = _index(xs, cx)
                if r is not None and c is not None:
                    per_cell.setdefault((ti, *origin[(r, c)]), []).append(g)
                    placed = True
                break
        if not placed:
            outside.append(g)
    for (ti, r, c), gl in per_cell.items():
        lines = python_group_lines(gl)
        tables[ti].texts[(r, c)] = join_cell_lines(lines)
        confs = [g.confidence for g in gl if g.confidence is not None]
        if confs:
            tables[ti].confidence[(r, c)] = min(confs)
    return outside
