"""The compiled glyph loop, ruling walk, line grouping and cell filling (read/_pdfpage.pyx) give
exactly what the Python code gives: every glyph box, every ruling, the image area, the object
count, every line and every cell's text, on every page."""

from __future__ import annotations

import ctypes
import io
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as R
import pytest
from PIL import Image

from gongkai.read import compiled, pdfpage
from gongkai.read.pdfpage import PageReader

HERE = Path(__file__).resolve().parent
PDFS = sorted((HERE.parents[1] / "examples").glob("*.pdf")) + sorted((HERE / "data").glob("*.pdf"))


def test_this_installation_runs_the_compiled_page_reader():
    # CI builds from source with a C compiler: a missing or stale build would test Python twice.
    assert pdfpage.COMPILED is not None, pdfpage.STATUS
    assert pdfpage.STATUS == "C（_pdfpage）"


def test_the_python_page_reader_is_chosen_when_asked(monkeypatch):
    monkeypatch.setenv("GONGKAI_PURE_PYTHON", "1")
    assert compiled.load("_pdfpage") == (None, "Python（GONGKAI_PURE_PYTHON 已设置）")


def _both(page) -> tuple:
    fast, slow = PageReader(page), PageReader(page)
    segments, glyphs = fast.segments(), fast.glyphs()
    assert segments == slow.python_segments()
    assert (fast.image_area, fast.objects) == (slow.image_area, slow.objects)
    assert glyphs == slow.python_glyphs()
    return len(segments), len(glyphs), fast.image_area


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_published_and_generated_pages_read_alike(path, rotation):
    pdf = pdfium.PdfDocument(path.read_bytes())
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            page.set_rotation(rotation)
            _both(page)
    finally:
        pdf.close()


def test_drawn_pages_read_alike():
    """Stroked and filled paths (thin rules, boxes, white backgrounds), an image, text, under a
    page whose crop box does not start at the origin."""
    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(595, 842)
    font = R.FPDFText_LoadStandardFont(pdf.raw, b"Helvetica")
    for x, top, w, h, rgb, fill, stroke in [(100, 100, 300, 0.5, (0, 0, 0), True, False),
                                            (100, 100, 0.5, 80, (0, 0, 0), True, False),
                                            (120, 130, 200, 40, (0, 0, 0), False, True),
                                            (120, 200, 200, 40, (255, 255, 255), True, False),
                                            (90, 300, 220, 60, (10, 10, 10), True, True)]:
        obj = R.FPDFPageObj_CreateNewRect(ctypes.c_float(x), ctypes.c_float(842 - top - h), ctypes.c_float(w),
                                          ctypes.c_float(h))
        R.FPDFPageObj_SetFillColor(obj, *rgb, 255)
        R.FPDFPageObj_SetStrokeColor(obj, *rgb, 255)
        R.FPDFPath_SetDrawMode(obj, R.FPDF_FILLMODE_ALTERNATE if fill else R.FPDF_FILLMODE_NONE, stroke)
        R.FPDFPage_InsertObject(page.raw, obj)
    for text, x, top in [("Table 3  12 7", 110, 120), ("Rules 2024", 110, 150)]:
        obj = R.FPDFPageObj_CreateTextObj(pdf.raw, font, ctypes.c_float(10))
        utf16 = (text + "\0").encode("utf-16-le")
        R.FPDFText_SetText(obj, (ctypes.c_ushort * (len(utf16) // 2)).from_buffer_copy(utf16))
        R.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, 842 - top)
        R.FPDFPage_InsertObject(page.raw, obj)
    image = pdfium.PdfImage.new(pdf)
    image.set_bitmap(pdfium.PdfBitmap.from_pil(Image.new("L", (60, 40), 128)))
    image.set_matrix(pdfium.PdfMatrix().scale(60, 40).translate(400, 600))
    page.insert_obj(image)
    page.gen_content()
    buf = io.BytesIO()
    pdf.save(buf)
    pdf = pdfium.PdfDocument(buf.getvalue())
    page = pdf[0]
    page.set_cropbox(20, 30, 580, 830)
    for rotation in (0, 90, 180, 270):
        page.set_rotation(rotation)
        assert _both(page) == (10, 18, 2400.0)  # the white background is no ruling
    pdf.close()


def _layouts_alike(glyphs, segments) -> int:
    """The compiled grouping and cell filling against the Python ones: same lines, same cells."""
    import copy

    from gongkai.read import layout

    made = layout._compiled().find_tables(segments)
    assert made is None or made == layout.python_find_tables(segments)
    tables = [t for t in layout.find_tables(segments) if t.n_cols >= 2 and t.n_rows >= 1]
    twins = copy.deepcopy(tables)
    outside = layout.fill_tables(tables, glyphs)
    assert outside == layout.python_fill_tables(twins, glyphs)
    assert [(t.texts, t.confidence) for t in tables] == [(t.texts, t.confidence) for t in twins]
    lines = layout.group_lines(outside)
    assert lines == layout.python_group_lines(outside)
    return len(lines)


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_lines_and_cells_group_alike(path):
    from gongkai.read import layout

    pdf = pdfium.PdfDocument(path.read_bytes())
    try:
        for i in range(len(pdf)):
            reader = PageReader(pdf[i])
            glyphs = reader.glyphs()
            _layouts_alike(glyphs, reader.segments())
            assert layout._compiled().group_lines(glyphs) is not None  # the compiled code ran
    finally:
        pdf.close()


def test_recognised_text_groups_alike():
    """OCR's words (several characters, confidences), equal boxes (sort ties), a flat glyph, and
    a NaN box or centre (the Python code decides: the compiled one hands over)."""
    import random

    from gongkai.read.layout import Glyph, Segment

    rng = random.Random(5)
    glyphs = []
    for row in range(12):
        for col in range(6):
            text = rng.choice(["12", "申请", "A1", "—", "规章", "0"])
            x0, top = 50 + col * 40 + rng.choice([0, 0, 0.5]), 100 + row * 18 + rng.choice([0, 0, 2.5])
            glyphs.append(Glyph(text, x0, top, x0 + 9 * len(text), top + 11, 11.0, rng.random(), rng.random() < 0.3))
    glyphs += [Glyph("一", 60, 103, 70, 104, 1.0), Glyph("12", 50, 100, 68, 111, 11.0)]  # flat; a tie
    segments = [Segment("h", 95 + 18 * r, 45, 300) for r in range(8)] + [Segment("v", 45 + 60 * c, 95, 221)
                                                                        for c in range(5)]
    assert _layouts_alike(glyphs, segments) > 3
    assert _layouts_alike(glyphs + [Glyph("x", float("nan"), 100, 9, 111, 11.0)], segments) > 3
    # an infinite top and bottom: a NaN centre, also handed over
    assert _layouts_alike(glyphs + [Glyph("y", 9, float("inf"), 20, float("-inf"), 11.0)], segments) > 3


def test_random_rulings_make_the_same_tables():
    """The compiled find_tables against the Python one on random rulings: snapped and joined pieces,
    reversed ends, -0.0, near misses of every tolerance, whole grids with merged cells; what it
    does not take (NaN, infinities, ints, numpy floats) is handed to the Python code."""
    import math
    import random

    from gongkai.read import layout
    from gongkai.read.layout import Segment

    compiled = layout._compiled()
    rng = random.Random(11)
    made = {0: 0, 1: 0, 2: 0}
    for _ in range(1500):
        step = rng.choice([1.0, 0.5, 3.0, 10.0, 0.1])
        segments = []
        for _ in range(rng.randint(0, 30)):
            pos = round(rng.uniform(0, 200) / step) * step + rng.choice([0.0, 0.0, 1e-9, -0.0, rng.uniform(-2.5, 2.5)])
            a = round(rng.uniform(0, 200) / step) * step
            segments.append(Segment(rng.choice("hv") if rng.random() < 0.97 else "x", pos,
                                    -0.0 if rng.random() < 0.02 else a, a + rng.choice([1, -1]) * rng.uniform(0, 150)))
        if rng.random() < 0.3:  # a grid whose cells merge where a piece is left out
            xs = sorted(rng.sample(range(0, 300, 7), rng.randint(2, 9)))
            ys = sorted(rng.sample(range(0, 300, 5), rng.randint(2, 9)))
            segments += [Segment("v", x + rng.choice([0.0, 0.3]), float(y0), float(y1))
                         for x in xs for y0, y1 in zip(ys, ys[1:]) if rng.random() < 0.85]
            segments += [Segment("h", float(y), x0 - rng.choice([0.0, 0.5]), float(x1))
                         for y in ys for x0, x1 in zip(xs, xs[1:]) if rng.random() < 0.85]
            rng.shuffle(segments)
        tables = compiled.find_tables(segments)
        assert tables == layout.python_find_tables(segments), segments
        assert all(type(v) is float for t in tables for v in t.xs + t.ys)
        made[min(len(tables), 2)] += 1
    assert min(made.values()) > 100  # none, one and several tables were made
    for odd in (math.nan, math.inf, 1):
        assert compiled.find_tables([Segment("h", 10.0, 0.0, 50.0), Segment("v", odd, 0.0, 50.0)]) is None
