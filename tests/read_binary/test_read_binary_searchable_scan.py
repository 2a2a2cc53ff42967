"""A searchable scan (page image + invisible text layer): text from the layer, table rulings
from the image."""

from __future__ import annotations

import ctypes
import io

import pypdfium2 as pdfium
import pypdfium2.raw as R
import pytest
from PIL import Image, ImageDraw

from gongkai.read import read_bytes
from gongkai.read.document import Grid

W, H = 595, 842
XS, YS = [100, 300, 400, 500], [200, 230, 260, 290]
CELLS = [["Content", "Made", "Repealed"], ["Rules", "12", "7"], ["Documents", "3", "40"]]


def _searchable_scan(dpi: int = 200) -> bytes:
    sc = dpi / 72
    img = Image.new("L", (int(W * sc), int(H * sc)), 255)
    draw = ImageDraw.Draw(img)
    for x in XS:
        draw.line([(x * sc, YS[0] * sc), (x * sc, YS[-1] * sc)], fill=0, width=3)
    for y in YS:
        draw.line([(XS[0] * sc, y * sc), (XS[-1] * sc, y * sc)], fill=0, width=3)
    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(W, H)
    image = pdfium.PdfImage.new(pdf)
    image.set_bitmap(pdfium.PdfBitmap.from_pil(img))
    image.set_matrix(pdfium.PdfMatrix().scale(W, H))
    page.insert_obj(image)
    font = R.FPDFText_LoadStandardFont(pdf.raw, b"Helvetica")
    for r, row in enumerate(CELLS):
        for c, text in enumerate(row):
            obj = R.FPDFPageObj_CreateTextObj(pdf.raw, font, ctypes.c_float(10))
            utf16 = (text + "\0").encode("utf-16-le")
            R.FPDFText_SetText(obj, (ctypes.c_ushort * (len(utf16) // 2)).from_buffer_copy(utf16))
            R.FPDFTextObj_SetTextRenderMode(obj, R.FPDF_TEXTRENDERMODE_INVISIBLE)
            R.FPDFPageObj_Transform(obj, 1, 0, 0, 1, XS[c] + 5, H - (YS[r] + 20))
            R.FPDFPage_InsertObject(page.raw, obj)
    page.gen_content()
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


@pytest.mark.ocr
def test_read_binary_searchable_scan_tables_from_image_rulings():
    doc = read_bytes(_searchable_scan(), "searchable.pdf")
    [grid] = [b for b in doc.blocks if isinstance(b, Grid)]
    assert [[c.text for c in row] for row in grid.rows] == CELLS
    assert grid.rows[1][1].where.zh() == "第1页 第1个表格 第2行第2格"
    assert grid.rows[1][1].confidence is None  # text layer, not OCR


def test_read_binary_searchable_scan_without_ocr_says_so(monkeypatch):
    from gongkai.read import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)
    doc = read_bytes(_searchable_scan(), "searchable.pdf")
    grids = [b for b in doc.blocks if isinstance(b, Grid)]
    # No grid from rulings; the rows with numbers still come through as text rows.
    assert not [g for g in grids if g.exact]
    assert [[c.text for c in row] for g in grids for row in g.rows] == CELLS[1:]
    assert any("带文字层的扫描件" in n and "gongkai[ocr]" in n for n in doc.notes)
