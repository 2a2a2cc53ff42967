"""Which parts of a scanned page OCR must search for text, and which it can cut out directly.

A table's rulings are visible in the scan (``ocr.rulings``), so its cells are known before any
text is: inside a cell, the ink's horizontal profile gives the cell's lines, and each line's box
(its ink with the margin the detector leaves) is cut from the page and read by the recogniser
without the detector.  Outside the tables — the bands of the page above, between and below them,
or the whole of a page without a table — the lines are found the same way (_band_lines): the
runs of inked rows are the lines, and a line's pieces set as far apart as the detector sets its
boxes apart (a page number beside the text, columns) are cut one by one.  Text detection (the
costliest step: ~1.1 s of CPU and ~330 MB for a whole page at 200 dpi) runs only on what is not
clear, each region at the scale it would see the whole page; a page whose every line is clear
never allocates the detector's tensors.

Nothing is guessed.  A cell whose ink touches its rulings (text crossing into the next cell, a
character's stroke taken for a ruling) is detected with its rulings and with whatever ink
crosses them; a cell with a line less than MIN_LINE_PT high (a speck, a lone "一" or "二" whose
strokes the profile cuts apart, vertical text: one character a "line") is detected.  Outside the
tables a line is detected when it is too low or too high for a line of text, when two lines
touch, when it holds a stroke longer than a character (an underline, a frame), when a gap in it
could go either way, when it climbs (skew left over), when its box would reach another line, or
when it is a column of single characters (_band_lines says how each is seen).  Regions that meet
become one, so no text is read twice or cut in two.  A table with more than UNCLEAR of its area
in unclear cells (a cramped table: its text touches the rulings) is one region, detected whole at
the page's scale while the rest of the page is read by its lines, and so is the margin beside a
table that holds ink (a note, a page number: in no band and no cell), or the table's rows across
the page when that ink crosses its outer ruling (a seal over its edge, which the rulings' mask
cuts in two); until the sixth session these made the page detected whole (the detector's memory
grows with the area it sees).  A page is detected whole, as before, when more than UNCLEAR of the
text outside the tables is unclear (the unclear lines as regions were tried, seventh session: on
page 1 of Huai'an with every line underlined they cover 30% of the page, but the lines the
detector boxed in them, each alone, broke the preamble inside “电子邮箱” and ran the heading
“一、总体情况” into its tail: no section was found), when its lines climb (PAGE_SKEW_DEG or
more: ocr.recognise straightens a page by its rulings, or by its text when it has none, so this
is skew left over), or when it is a noisy scan (more than NOISE_SPECKS specks of dust a million
pixels outside the tables; clean scans of the published reports have 8–25) — which
ocr._plan_page then plans again on its median (noisy=True), and detects whole only if that plan
still leaves more than NOISY_REGIONS of the page to the detector.

Until 3 December (fifth session) the text outside the tables was detected in bands, and only
where each band was one line: the detector sees a band without the rest of the page (it pools
over its whole input), so its boxes came out a few pixels apart from the whole page's, and on a
band of several lines it joined a title to the line under it.  Boxes cut from the ink do not
depend on their neighbours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from gongkai.read.layout import Segment, TableLayout, find_tables

GRID_MIN_WIDTH = 0.4   # share of the page's width a table must span to be read cell by cell
RULING_CLEAR = 3       # pixels: a cell's text lies at least this far inside the ruling's centre
EDGE = 2               # pixels: ink this close to the cleared edge touches the ruling
SPECK = 3              # pixels: a dot of at most this many (within 2×2) is scanning noise
UNCLEAR = 0.6          # share of a table's area unclear above which it is detected whole (of the text outside tables: the page)
LINE_GAP = 2           # blank pixel rows within a line (a comma below its line) no wider than this
MIN_LINE_PT = 3.5      # points: a cell line's ink is at least this high (10.5 pt digits: ~6.5)
LINE_MARGIN_PT = 1.8   # points of space around a line's ink in its box, as the detector leaves (5 px at 200 dpi)
BLANK_INK = 20         # pixels of ink below which a band or strip is empty
BAND_PAD = 16          # pixels of white around a region given to the detector
# Lines outside the tables (_band_lines).
BAND_MARGIN_PT = 1.5   # points of space around a line's ink in its box (4 px at 200 dpi; see _band_lines)
MAX_LINE_PT = 40.0     # points: a line's ink is at most this high (a 36 pt title; more: lines touching, a seal)
JOIN_GAP = 1.2         # line heights: a blank this narrow between inks is inside one detector box
SPLIT_GAP = 2.2        # line heights: one this wide parts two boxes (between the two: unclear)
TALL_SHARE = 0.25      # share of a line's characters whose ink spans most of its height (fewer: lines touching)
LEVEL_PX = 3           # pixels a line's characters may climb from one end to the other
PAGE_SKEW_DEG = 0.1    # degrees the page's long lines may climb, by their median (as ocr.MIN_SKEW)
SLOPE_LINE = 5         # line heights: a line whose thirds are this far apart tells the page's slope
LEVEL_FULL = 0.7       # share of a line's height a character's ink spans (not punctuation)
NARROW = 1.6           # line heights: a piece narrower than this is one or two characters
STROKE = 1.3           # line heights: a stroke longer than this is no character's
NOISE_SPECKS = 60      # specks of dust a million pixels above which a page is noisy (ocr._plan_page cleans it)
NOISY_MARGIN_PT = 3.5  # points around a cell line's ink on a noisy scan (10 px at 200 dpi; see ocr._plan_page)
NOISY_REGIONS = 0.2    # share of a noisy scan's page its cleaned plan may leave to the detector (clean scans: ≤ 19%)


@dataclass
class Plan:
    """Text lines cut from table cells (quads in the page's pixels, as the detector gives them)
    and the rectangles (left, top, right, bottom; pixels) the detector must still search: the
    full-width bands outside the tables, and table cells whose lines the profile does not give."""

    lines: list = field(default_factory=list)
    regions: list[tuple[int, int, int, int]] = field(default_factory=list)


@dataclass
class Whole:
    """Why a page is to be detected whole: ``reason`` is NOISY, TURNED or UNCLEAR_TEXT."""

    reason: str


NOISY, TURNED, UNCLEAR_TEXT = "noisy", "turned", "unclear"


def plan(dark, ink, segments: list[Segment], scale: float, noisy: bool = False) -> Plan | Whole:
    """The plan for a page whose dark pixels (uint8, nonzero where dark) and ink (the same without
    the rulings' pixels) are given, or why the page is to be detected whole (Whole): a noisy scan,
    a page turned a little, a page most of whose text outside the tables is not clear.
    A table mostly in unclear cells is one region (its rulings and RULING_CLEAR around), and so
    is the margin beside a table that holds ink (the table's rows across the page when the ink
    crosses its outer ruling).  ``noisy``: the page is a noisy scan planned on its cleaned binary
    (ocr._plan_page): its cells' lines are cut with NOISY_MARGIN_PT around their ink, each box
    short of the ink of the lines above and below it in its cell, and ink beside a table (as
    likely dust the median left as a note) makes it Whole(NOISY)."""
    import numpy as np

    height, width = ink.shape
    lines: list = []
    regions: list[list[int]] = []
    covered: list[tuple[int, int]] = []
    tables = []
    for table in find_tables(segments):
        x0, y0, x1, y1 = (round(v * scale) for v in table.bbox)
        if table.n_cols < 2 or x1 - x0 < GRID_MIN_WIDTH * width:
            continue  # a frame, a boxed paragraph: its rulings make its lines unclear (_band_lines)
        top, bottom = max(y0 - RULING_CLEAR, 0), min(y1 + RULING_CLEAR + 1, height)
        tables.append((table, x0, y0, x1, y1, top, bottom))
        covered.append((top, bottom))
    # The bands outside the tables first: their dust alone makes a page noisy, and a noisy page's
    # first plan (ocr._plan_page) is then not worth its tables' cells (~40 ms a page).
    bands = []
    start = 0
    specks = 0
    for top, bottom in sorted(covered) + [(height, height)]:
        if top > start:
            bands.append(_band_lines(dark, ink, start, top, scale))
            specks += bands[-1][2]
        start = max(start, bottom)
    if specks > NOISE_SPECKS * height * width / 1e6:
        return Whole(NOISY)  # dust in the bands (see the module's docstring)
    for table, x0, y0, x1, y1, top, bottom in tables:
        # Each margin, and the columns around the table's outer ruling that neither it nor a cell
        # holds (the ruling's mask takes the strokes on the ruling: ink left here crosses it).
        for left, right, near in ((0, max(x0 - RULING_CLEAR, 0), (x0 - RULING_CLEAR - EDGE, x0 + RULING_CLEAR)),
                                  (min(x1 + RULING_CLEAR + 1, width), width,
                                   (x1 - RULING_CLEAR, x1 + RULING_CLEAR + 1 + EDGE))):
            margin = ink[top:bottom, left:right]
            if np.count_nonzero(margin) < BLANK_INK:
                continue
            if noisy:  # dust the median left, as likely as a note: the page is detected whole
                return Whole(NOISY)
            crossing = ink[top:bottom, max(near[0], 0):max(near[1], 0)].any()
            # Ink beside the table (a note, a page number) is in no band and no cell: the detector
            # reads the margin beside the table; ink crossing its outer ruling (a seal over its
            # edge), which the rulings' mask cuts in two, it reads with the table: the table's rows
            # across the page.  (Until the sixth session: the page.)
            regions.append([0, top, width, bottom] if crossing else [left, top, right, bottom])
        got, unclear = _table_lines(dark, ink, table, scale, noisy)
        if sum((r[2] - r[0]) * (r[3] - r[1]) for r in unclear) > UNCLEAR * (x1 - x0) * (y1 - y0):
            # A cramped (or noisy) table: the detector reads it whole, as it did the page; its
            # boxes there gave the same texts as the whole page's on every scan of bench/ocr.py.
            regions.append([max(x0 - RULING_CLEAR, 0), top, min(x1 + RULING_CLEAR + 1, width), bottom])
        else:
            lines += got
            regions += unclear
    inked = unclear_area = 0
    slopes: list[float] = []
    for got, unclear, _, band_ink, band_slopes in bands:
        lines += got
        regions += unclear
        inked += band_ink
        slopes += band_slopes
        unclear_area += sum((r[2] - r[0]) * (r[3] - r[1]) for r in unclear)
    if len(slopes) >= 3 and abs(sorted(slopes)[len(slopes) // 2]) > math.tan(math.radians(PAGE_SKEW_DEG)):
        return Whole(TURNED)  # its lines climb: skew left over, which the detector's turned boxes follow
    if unclear_area > UNCLEAR * max(inked, 1):
        return Whole(UNCLEAR_TEXT)  # most of the text outside the tables is unclear
    lines, regions = _settle(ink, lines, regions)
    for box in lines:  # a table at the page's edge: nothing outside the page
        np.clip(box[:, 0], 0, width, out=box[:, 0])
        np.clip(box[:, 1], 0, height, out=box[:, 1])
    regions = [[max(a, 0), max(b, 0), min(c, width), min(d, height)] for a, b, c, d in regions]
    return Plan(lines, [(a, b, c, d) for a, b, c, d in regions if c > a and d > b])


def _band_lines(dark, ink, top: int, bottom: int,
                scale: float) -> tuple[list, list[list[int]], int, int, list[float]]:
    """The text lines of the full-width band of rows ``top:bottom`` outside the tables, found by
    their ink, as (line boxes, rectangles the detector must search, specks of dust, the area of
    the band's lines in pixels, the slopes of its long clear lines).

    Lines are the runs of inked rows (blank rows of at most LINE_GAP inside one; specks of dust
    left out).  Within a line the detector's boxes part where the blank between two inks is
    SPLIT_GAP times the line's height or more and hold together where it is narrower than
    JOIN_GAP (measured: on the published reports it joined blanks of up to 1.09 heights; on
    lines pasted at every gap, at 9, 16 and 32 pt sizes, it parted them from 1.3–1.8 heights), so
    each part is a box: its ink and BAND_MARGIN_PT around it.

    A line is unclear, and detected, when it is too low (a speck, an underline, a character cut
    apart) or too high (a seal, a picture) for one line of text; when fewer than TALL_SHARE of its
    characters span most of its height (two lines joined by a stroke: each character spans only
    its own line; on the published reports a line's share is at least a third); when it holds a
    stroke taken for a ruling that is longer than a character (an underline, a frame; a heavy
    face's strokes are shorter); when one of its gaps is between JOIN_GAP and SPLIT_GAP (the
    detector could go either way); when it is not level (skew left over: its characters climb
    more than LEVEL_PX from one end to the other; and when the page's long lines climb by more
    than PAGE_SKEW_DEG, by their median, plan detects the page whole: on page 2 of Huai'an turned
    0.15°, then not straightened since it has no rulings, a “（” cut level was read “(”); when
    its box would reach the next line's ink;
    or when it is one narrow piece over or under another such (vertical text).

    The margin: the detector's boxes hug large text (16 pt body text: 0–1 px above and below the
    ink at 200 dpi, 1–3 px beside it) and leave more around small text (9–12 pt: 5–7 px) and short
    lines; no fixed margin gives its boxes.  What is read from a long line can change with a
    pixel of its box (a ‘ read or not): on the published reports' narrative pages, 3 and 5 px
    lost a character on one line each, 4 px (BAND_MARGIN_PT) none; the layout then differs from
    the detector's only where it is closer to the text layer (assemble: sizes and gaps)."""
    import cv2
    import numpy as np

    band = dark[top:bottom]
    area = 0
    if np.count_nonzero(band) < BLANK_INK:
        return [], [], 0, 0, []
    n, labels, stats, _ = cv2.connectedComponentsWithStats(band, connectivity=8)
    speck = (stats[:, 4] <= SPECK) & (np.maximum(stats[:, 2], stats[:, 3]) <= 2)
    speck[0] = False
    specks = int(np.count_nonzero(speck))
    if specks:  # scanning noise, which the detector passes over too
        band = np.where(speck[labels], 0, band).astype(np.uint8)
    rows = np.count_nonzero(band, axis=1)
    inked = np.flatnonzero(rows)
    if not len(inked):
        return [], [], specks, 0, []
    stats[0] = 0  # the background
    tops, bottoms = stats[:, 1], stats[:, 1] + stats[:, 3] - 1
    breaks = np.flatnonzero(np.diff(inked) > LINE_GAP)
    starts = np.concatenate(([inked[0]], inked[breaks + 1])).tolist()
    ends = np.concatenate((inked[breaks], [inked[-1]])).tolist()
    margin = BAND_MARGIN_PT * scale
    min_line, max_line = MIN_LINE_PT * scale, MAX_LINE_PT * scale
    strokes = dark[top:bottom] > ink[top:bottom]  # pixels taken for rulings
    lines: list = []
    regions: list[list[int]] = []
    slopes: list[float] = []
    singles: list[tuple[int, int, int, int, int]] = []  # (run, a, b, x0, x1) of one-piece narrow runs
    for k, (a, b) in enumerate(zip(starts, ends)):
        h = b - a + 1
        run = band[a:b + 1]
        cols = np.flatnonzero(np.count_nonzero(run, axis=0))
        area += h * int(cols[-1] - cols[0] + 1)
        rect = [round(cols[0] - margin), round(top + a - margin), round(cols[-1] + 1 + margin), round(top + b + 1 + margin)]
        above = a - ends[k - 1] - 1 if k else a
        below = starts[k + 1] - b - 1 if k + 1 < len(starts) else len(rows) - 1 - b
        inside = (tops >= a) & (bottoms <= b) & (np.maximum(stats[:, 2], stats[:, 3]) >= 0.3 * h)
        tall = np.count_nonzero(stats[inside, 3] >= 0.6 * h)
        clear = (min_line <= h <= max_line and min(above, below) >= margin
                 and tall >= max(1, TALL_SHARE * np.count_nonzero(inside))
                 and not _long_stroke(strokes[a:b + 1], h))
        pieces: list[tuple[int, int]] = []
        if clear:
            gaps = np.diff(cols) - 1
            if ((gaps > JOIN_GAP * h) & (gaps < SPLIT_GAP * h)).any():
                clear = False
            else:
                cut = np.flatnonzero(gaps >= SPLIT_GAP * h).tolist()
                firsts = [int(cols[0])] + [int(cols[i + 1]) for i in cut]
                lasts = [int(cols[i]) for i in cut] + [int(cols[-1])]
                pieces = list(zip(firsts, lasts))
                climbs = [_climb(run[:, x0:x1 + 1]) for x0, x1 in pieces]
                clear = all(abs(c) <= LEVEL_PX for c, _ in climbs)
                slopes += [c / across for c, across in climbs if across >= SLOPE_LINE * h]
        if not clear:
            regions.append(rect)
            continue
        if len(pieces) == 1 and pieces[0][1] - pieces[0][0] + 1 < NARROW * h:
            singles.append((len(lines), a, b, *pieces[0]))
        for x0, x1 in pieces:
            bx0, by0 = round(x0 - margin), round(top + a - margin)
            bx1, by1 = round(x1 + 1 + margin), round(top + b + 1 + margin)
            lines.append(np.array([[bx0, by0], [bx1, by0], [bx1, by1], [bx0, by1]], dtype=np.float32))
    # Vertical text: narrow pieces stacked closer than a line's height are one column of characters.
    stacked: set[int] = set()
    for (i, a, b, x0, x1), (j, a2, _b2, x2, x3) in zip(singles, singles[1:]):
        if j == i + 1 and a2 - b - 1 < (b - a + 1) and x0 <= x3 and x2 <= x1:
            stacked |= {i, j}
    for i in sorted(stacked, reverse=True):
        box = lines.pop(i)
        regions.append([int(box[0, 0]), int(box[0, 1]), int(box[2, 0]), int(box[2, 1])])
    return lines, regions, specks, area, slopes


def _long_stroke(strokes, h: int) -> bool:
    """Is a stroke taken for a ruling in these rows of a line longer than a character (an
    underline, a frame)?  A character's own strokes (一, a heavy face) are at most about its
    height long."""
    import cv2
    import numpy as np

    if not strokes.any():
        return False
    _, _, stats, _ = cv2.connectedComponentsWithStats(strokes.view(np.uint8), connectivity=8)
    return bool((stats[1:, 2] > STROKE * h).any())


def _climb(piece) -> tuple[float, float]:
    """How many pixels this piece of a line (its rows of ink) climbs from its left end to its right
    (positive: the right end is higher), and over how many pixels across: the middles of its
    characters' ink (pieces a line's height wide, at least LEVEL_FULL of it high: not
    punctuation), the median of the first third's against the last third's; (0, 0) for a piece
    too short to tell."""
    import numpy as np

    h, w = piece.shape
    if w < 4 * h:
        return 0.0, 0.0
    middles = []
    for x in range(0, w - h + 1, h):
        ys = np.flatnonzero(np.count_nonzero(piece[:, x:x + h], axis=1))
        if len(ys) and ys[-1] - ys[0] + 1 >= LEVEL_FULL * h:
            middles.append((x, (ys[0] + ys[-1]) / 2))
    if len(middles) < 4:
        return 0.0, 0.0
    third = len(middles) // 3
    first, last = middles[:third], middles[-third:]
    climb = sorted(m for _, m in first)[third // 2] - sorted(m for _, m in last)[third // 2]
    return float(climb), float(sorted(x for x, _ in last)[third // 2] - sorted(x for x, _ in first)[third // 2])


def _settle(ink, lines: list, regions: list[list[int]]) -> tuple[list, list[list[int]]]:
    """Regions that cut no ink and overlap nothing: each grows over the ink crossing its edge (a
    character touching a ruling is read whole), overlapping regions become one, and a line cut
    from a cell that a region reaches is left to that region (read once, by the detector)."""
    import cv2

    boxes = None
    changed = True
    while changed:
        changed = False
        for region in regions:
            if not _ink_around(ink, region):
                continue  # nothing crosses its edge (a crossing component has ink right outside)
            if boxes is None:
                _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
                boxes = stats[1:, :4].copy()
                boxes[:, 2:] += boxes[:, :2]  # x0, y0, x1, y1
            left, top, right, bottom = region
            meets = (boxes[:, 0] < right) & (boxes[:, 2] > left) & (boxes[:, 1] < bottom) & (boxes[:, 3] > top)
            crossing = boxes[meets & ((boxes[:, 0] < left) | (boxes[:, 2] > right) | (boxes[:, 1] < top)
                                      | (boxes[:, 3] > bottom))]
            if len(crossing):
                region[:] = [min(left, int(crossing[:, 0].min())), min(top, int(crossing[:, 1].min())),
                             max(right, int(crossing[:, 2].max())), max(bottom, int(crossing[:, 3].max()))]
                changed = True
        merged: list[list[int]] = []
        for region in regions:
            for other in merged:
                if _overlap(region, other, touching=True):
                    other[:] = [min(region[0], other[0]), min(region[1], other[1]),
                                max(region[2], other[2]), max(region[3], other[3])]
                    changed = True
                    break
            else:
                merged.append(region)
        regions = merged
        kept = []
        for line in lines:
            box = [int(line[0, 0]), int(line[0, 1]), int(line[2, 0]), int(line[2, 1])]
            inside = next((r for r in regions if _overlap(box, r)), None)
            if inside is None:
                kept.append(line)
            else:
                inside[:] = [min(box[0], inside[0]), min(box[1], inside[1]),
                             max(box[2], inside[2]), max(box[3], inside[3])]
                changed = True
        lines = kept
    return lines, regions


def _ink_around(ink, region) -> bool:
    """Is there ink in the one-pixel ring just outside ``region`` (within the page)?"""
    height, width = ink.shape
    left, top, right, bottom = region
    x0, x1 = max(left - 1, 0), min(right + 1, width)
    y0, y1 = max(top - 1, 0), min(bottom + 1, height)
    return bool((top >= 1 and ink[top - 1, x0:x1].any()) or (bottom < height and ink[bottom, x0:x1].any())
                or (left >= 1 and ink[y0:y1, left - 1].any()) or (right < width and ink[y0:y1, right].any()))


def _overlap(a, b, touching: bool = False) -> bool:
    """Do rectangles a and b overlap (or share an edge: neighbouring cells whose ink touches the
    ruling between them, which may be a character's stroke taken for a ruling)?"""
    if touching:
        return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _table_lines(dark, ink, table: TableLayout, scale: float,
                 noisy: bool = False) -> tuple[list, list[list[int]]]:
    """The line boxes of the cells of ``table`` (each its ink and LINE_MARGIN_PT around it within
    the cell's rulings; ``noisy``: NOISY_MARGIN_PT, short of the next lines' ink), and the cells
    (pixel rectangles: left, top, right, bottom) whose lines the detector must find."""
    import cv2
    import numpy as np

    min_line = MIN_LINE_PT * scale
    margin = (NOISY_MARGIN_PT if noisy else LINE_MARGIN_PT) * scale
    out: list = []
    regions: list[list[int]] = []
    for (r, c), origin in table.origin.items():
        if origin != (r, c):
            continue
        r2, c2 = r, c
        while r2 + 1 < table.n_rows and table.origin[(r2 + 1, c)] == origin:
            r2 += 1
        while c2 + 1 < table.n_cols and table.origin[(r, c2 + 1)] == origin:
            c2 += 1
        left, right = round(table.xs[c] * scale) + RULING_CLEAR, round(table.xs[c2 + 1] * scale) - RULING_CLEAR
        top, bottom = round(table.ys[r] * scale) + RULING_CLEAR, round(table.ys[r2 + 1] * scale) - RULING_CLEAR
        if right - left <= 2 * EDGE or bottom - top <= 2 * EDGE:
            continue  # no room for text between the rulings
        cell = ink[top:bottom, left:right]
        # Long strokes inside the cell ("——", a heavy face's strokes) were taken for rulings:
        # what was taken out but does not reach the cell's edge is the cell's text.
        strokes = (dark[top:bottom, left:right] > 0) & (cell == 0)
        if strokes.any():
            n, labels, stats, _ = cv2.connectedComponentsWithStats(strokes.view(np.uint8), connectivity=8)
            x, y, w, h = stats[:, 0], stats[:, 1], stats[:, 2], stats[:, 3]
            inner = np.flatnonzero((x >= EDGE) & (y >= EDGE) & (x + w <= cell.shape[1] - EDGE)
                                   & (y + h <= cell.shape[0] - EDGE))
            inner = inner[inner > 0]
            if len(inner):
                cell = cell.copy()
                cell[np.isin(labels, inner)] = 255
        if not cell.any():
            continue
        n, labels, stats, _ = cv2.connectedComponentsWithStats(cell, connectivity=8)
        specks = [i for i in range(1, n) if stats[i, 4] <= SPECK and max(stats[i, 2], stats[i, 3]) <= 2]
        if specks:  # scanning noise, which the detector passes over too
            cell = cell.copy()
            cell[np.isin(labels, specks)] = 0
        rows = np.count_nonzero(cell, axis=1)
        if not rows.any():
            continue
        cols = np.count_nonzero(cell, axis=0)
        if rows[:EDGE].any() or rows[-EDGE:].any() or cols[:EDGE].any() or cols[-EDGE:].any():
            # Ink touches a ruling: the detector reads the cell with its rulings and whatever
            # crosses them (_settle).
            regions.append([left - RULING_CLEAR, top - RULING_CLEAR, right + RULING_CLEAR, bottom + RULING_CLEAR])
            continue
        inked = np.flatnonzero(rows)
        breaks = np.flatnonzero(np.diff(inked) > LINE_GAP)
        starts = np.concatenate(([inked[0]], inked[breaks + 1]))
        ends = np.concatenate((inked[breaks], [inked[-1]]))
        first = len(out)
        starts, ends = starts.tolist(), ends.tolist()
        for k, (a, b) in enumerate(zip(starts, ends)):
            if b - a + 1 < min_line:
                # A speck, a character the profile cut apart, or vertical text (one character
                # a "line"): the detector finds this cell's lines.
                regions.append([left, top, right, bottom])
                del out[first:]
                break
            xs = np.flatnonzero(np.count_nonzero(cell[a:b + 1], axis=0))
            bx0 = max(left + xs[0] - margin, left - RULING_CLEAR + 1)
            bx1 = min(left + xs[-1] + 1 + margin, right + RULING_CLEAR - 1)
            by0 = max(top + a - margin, top - RULING_CLEAR + 1)
            by1 = min(top + b + 1 + margin, bottom + RULING_CLEAR - 1)
            if noisy:  # a box this wide would take in the neighbouring lines' strokes
                by0 = max(by0, top + ends[k - 1] + 1) if k else by0
                by1 = min(by1, top + starts[k + 1]) if k + 1 < len(starts) else by1
            bx0, by0, bx1, by1 = round(bx0), round(by0), round(bx1), round(by1)  # as the detector's
            out.append(np.array([[bx0, by0], [bx1, by0], [bx1, by1], [bx0, by1]], dtype=np.float32))
    return out, regions
