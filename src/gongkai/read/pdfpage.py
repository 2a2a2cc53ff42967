"""One PDF page through PDFium: glyph boxes from the text layer and visible ruling lines.

Coordinates are turned top-down (``top`` grows downwards) so that layout code reads like the
page.  Only rulings a reader can see count: WPS and Word fill every paragraph and cell with
white rectangles, which are not borders.
"""

from __future__ import annotations

import ctypes
import unicodedata

import pypdfium2 as pdfium
import pypdfium2.raw as R

from gongkai import regex
from gongkai.read.compiled import load
from gongkai.read.layout import Glyph, Segment

THIN = 2.5      # a filled rectangle thinner than this is drawn as a line
MAX_OBJECTS = 200_000  # page objects per page; real pages have a few thousand
MAX_CHARS = 60_000     # characters per page; a dense A4 page has about 3,000


def _matrix(obj) -> tuple[float, float, float, float, float, float]:
    m = R.FS_MATRIX()
    if not R.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(m, n):
    """m applied first, then n."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _visible(get_color, obj) -> bool:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not get_color(obj, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)):
        return True
    if a.value < 40:
        return False
    return min(r.value, g.value, b.value) < 235  # white and near-white are backgrounds


class PageReader:
    def __init__(self, page: pdfium.PdfPage):
        self.page = page
        left, bottom, right, top = page.get_cropbox()
        self.left, self.bottom, self.right, self.top_y = left, bottom, right, top
        # /Rotate turns the page for display; layout works on the page as displayed.
        self.rotation = page.get_rotation() % 360
        self.width, self.height = right - left, top - bottom
        if self.rotation in (90, 270):
            self.width, self.height = self.height, self.width
        self.image_area = 0.0
        self.objects = 0

    def _pt(self, x: float, y: float) -> tuple[float, float]:
        """PDF user space -> displayed page, top-down."""
        if self.rotation == 90:
            return y - self.bottom, x - self.left
        if self.rotation == 180:
            return self.right - x, y - self.bottom
        if self.rotation == 270:
            return self.top_y - y, self.right - x
        return x - self.left, self.top_y - y

    def _box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        (ax, ay), (bx, by) = self._pt(left, top), self._pt(right, bottom)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)

    # -- rulings -------------------------------------------------------------------------
    def segments(self) -> list[Segment]:
        if COMPILED is not None:
            out, self.image_area, self.objects = COMPILED.segments(
                COMPILED.handle(self.page.raw), self.rotation, self.left, self.bottom, self.right, self.top_y,
                MAX_OBJECTS, THIN)
            return out
        return self.python_segments()

    def python_segments(self) -> list[Segment]:
        out: list[Segment] = []
        raw = self.page.raw
        for i in range(R.FPDFPage_CountObjects(raw)):
            self._walk(R.FPDFPage_GetObject(raw, i), (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), out, 0)
        return out

    def _walk(self, obj, parent, out: list[Segment], depth: int) -> None:
        self.objects += 1
        if self.objects > MAX_OBJECTS:
            return
        kind = R.FPDFPageObj_GetType(obj)
        if kind == R.FPDF_PAGEOBJ_FORM and depth < 8:
            m = _compose(_matrix(obj), parent)
            for i in range(R.FPDFFormObj_CountObjects(obj)):
                self._walk(R.FPDFFormObj_GetObject(obj, i), m, out, depth + 1)
        elif kind == R.FPDF_PAGEOBJ_IMAGE:
            left, bottom, right, top = (ctypes.c_float() for _ in range(4))
            if R.FPDFPageObj_GetBounds(obj, *map(ctypes.byref, (left, bottom, right, top))):
                self.image_area += max(0.0, right.value - left.value) * max(0.0, top.value - bottom.value)
        elif kind == R.FPDF_PAGEOBJ_PATH:
            self._path(obj, _compose(_matrix(obj), parent), out)

    def _path(self, obj, m, out: list[Segment]) -> None:
        fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
        R.FPDFPath_GetDrawMode(obj, ctypes.byref(fill_mode), ctypes.byref(stroke))
        stroked = bool(stroke.value) and _visible(R.FPDFPageObj_GetStrokeColor, obj)
        filled = fill_mode.value != 0 and _visible(R.FPDFPageObj_GetFillColor, obj)
        if not stroked and not filled:
            return
        a, b, c, d, e, f = m
        subpaths: list[tuple[list[tuple[float, float]], bool]] = []
        x, y = ctypes.c_float(), ctypes.c_float()
        n = R.FPDFPath_CountSegments(obj)
        if n > 5000:
            return
        for i in range(n):
            seg = R.FPDFPath_GetPathSegment(obj, i)
            R.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
            px, py = self._pt(a * x.value + c * y.value + e, b * x.value + d * y.value + f)
            kind = R.FPDFPathSegment_GetType(seg)
            if kind == R.FPDF_SEGMENT_MOVETO or not subpaths:
                subpaths.append(([(px, py)], False))
            else:
                subpaths[-1][0].append((px, py))
            if R.FPDFPathSegment_GetClose(seg):
                subpaths[-1] = (subpaths[-1][0], True)
        for points, closed in subpaths:
            xs = [p[0] for p in points]
            ys = [p[1] for p in points]
            w, h = max(xs) - min(xs), max(ys) - min(ys)
            if filled and not stroked and len(points) >= 3:
                # A filled shape: a thin one is a drawn line, a box gives its four edges.
                if h <= THIN and w > THIN:
                    out.append(Segment("h", (min(ys) + max(ys)) / 2, min(xs), max(xs)))
                elif w <= THIN and h > THIN:
                    out.append(Segment("v", (min(xs) + max(xs)) / 2, min(ys), max(ys)))
                elif w > THIN and h > THIN and len(points) in (4, 5):
                    out += [Segment("h", min(ys), min(xs), max(xs)), Segment("h", max(ys), min(xs), max(xs)),
                            Segment("v", min(xs), min(ys), max(ys)), Segment("v", max(xs), min(ys), max(ys))]
                continue
            pts = points + ([points[0]] if closed else [])
            for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
                if abs(y1 - y0) < 0.5 and abs(x1 - x0) > 0.5:
                    out.append(Segment("h", (y0 + y1) / 2, min(x0, x1), max(x0, x1)))
                elif abs(x1 - x0) < 0.5 and abs(y1 - y0) > 0.5:
                    out.append(Segment("v", (x0 + x1) / 2, min(y0, y1), max(y0, y1)))

    # -- text ----------------------------------------------------------------------------
    def glyphs(self) -> list[Glyph]:
        if COMPILED is None:
            return self.python_glyphs()
        tp = self.page.get_textpage()
        try:
            out, too_many = COMPILED.glyphs(COMPILED.handle(tp.raw), self.rotation, self.left, self.bottom,
                                            self.right, self.top_y, MAX_CHARS)
        finally:
            tp.close()
        if too_many is not None:
            raise TooManyChars(too_many)
        return out

    def python_glyphs(self) -> list[Glyph]:
        tp = self.page.get_textpage()
        try:
            raw = tp.raw
            out: list[Glyph] = []
            count = R.FPDFText_CountChars(raw)
            if count > MAX_CHARS:
                raise TooManyChars(count)
            space = False
            for i in range(count):
                code = R.FPDFText_GetUnicode(raw, i)
                if R.FPDFText_IsGenerated(raw, i) == 1:
                    continue
                ch = chr(code)
                if code < 33 or ch.isspace() or code in (0xFFFE, 0xFFFF):
                    space = space or ch == " " or code == 0xA0
                    continue
                if not R.FPDFText_GetLooseCharBox(raw, i, ctypes.byref(_rect)):
                    continue
                R.FPDFText_GetCharBox(raw, i, *(ctypes.byref(v) for v in _tight))
                tl, tr, tb, tt = (v.value for v in _tight)
                x0, top, x1, bottom = self._box(_rect.left, _rect.bottom, _rect.right, _rect.top)
                ix0, itop, ix1, ibottom = self._box(tl, tb, tr, tt)
                ink = max(ix1 - ix0, ibottom - itop, 1.0)
                cy = (itop + ibottom) / 2
                if max(bottom - top, x1 - x0) > max(60.0, 4 * ink) or not top - 2 <= cy <= bottom + 2:
                    # Rotated or oddly scaled text: the loose box is wrong, keep the ink box.
                    x0, x1 = ix0, ix1
                    top, bottom = cy - ink / 2, cy + ink / 2
                if x1 - x0 <= 0 or bottom - top <= 0:
                    continue
                size = bottom - top  # the loose box is the font's em box; GetFontSize ignores scaling
                out.append(Glyph(unicodedata.normalize("NFKC", ch) if 0xF900 <= code <= 0xFAFF or
                                 0x2F00 <= code <= 0x2FDF else ch, x0, top, x1, bottom, size, space_before=space))
                space = False
            return out
        finally:
            tp.close()


# The glyph loop and the ruling walk compiled (_pdfpage.pyx): the same values, a fraction of the
# time; python_glyphs and python_segments are the fallback and the reference.
COMPILED, STATUS = load("_pdfpage")


class TooManyChars(Exception):
    """A page with far more text than any report page (hostile or not a report)."""


_rect = R.FS_RECTF()
_tight = tuple(ctypes.c_double() for _ in range(4))


def usable_text(glyphs: list[Glyph]) -> float:
    """Share of glyphs that are real characters (CJK, ASCII, common punctuation).

    Fonts without a ToUnicode map extract as private-use or control codes; such a page must
    be read from its image instead.
    """
    if not glyphs:
        return 0.0
    firsts = "".join([g.text[0] for g in glyphs])
    return (len(firsts) - len(_USABLE.sub("", firsts))) / len(glyphs)


# ASCII, CJK, CJK punctuation, full-width forms, general punctuation, CJK extension A, circled numbers
_USABLE = regex.compile("[\x21-\x7e\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2000-\u206f\u3400-\u4dbf"
                     "\u2460-\u24ff]")
