"""The compiled glyph loop and ruling walk (read/_pdfpage.pyx) give exactly what the Python code
gives: every glyph box, every ruling, the image area and the object count, on every page."""

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
