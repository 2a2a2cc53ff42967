"""Ways exporters draw table borders: stroked lines (LibreOffice, WPS), thin filled rectangles
(Word), white cell backgrounds (WPS, Word) that are not borders at all."""

from __future__ import annotations

import ctypes
import io

import pypdfium2 as pdfium
import pypdfium2.raw as R

from gongkai.read import read_bytes
from gongkai.read.document import Grid

W, H = 595, 842
XS, YS = [100, 250, 350, 450], [100, 125, 150, 175]
CELLS = [["Content", "Made", "Repealed"], ["Rules", "12", "7"], ["Documents", "3", "40"]]


def _rect(pdf_page, x, top, w, h, rgb, fill=True, stroke=False):
    obj = R.FPDFPageObj_CreateNewRect(ctypes.c_float(x), ctypes.c_float(H - top - h), ctypes.c_float(w),
                                      ctypes.c_float(h))
    R.FPDFPageObj_SetFillColor(obj, *rgb, 255)
    R.FPDFPageObj_SetStrokeColor(obj, *rgb, 255)
    R.FPDFPath_SetDrawMode(obj, R.FPDF_FILLMODE_ALTERNATE if fill else R.FPDF_FILLMODE_NONE, stroke)
    R.FPDFPage_InsertObject(pdf_page.raw, obj)


def _text(pdf, page, font, text, x, top):
    obj = R.FPDFPageObj_CreateTextObj(pdf.raw, font, ctypes.c_float(10))
    utf16 = (text + "\0").encode("utf-16-le")
    R.FPDFText_SetText(obj, (ctypes.c_ushort * (len(utf16) // 2)).from_buffer_copy(utf16))
    R.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, H - top)
    R.FPDFPage_InsertObject(page.raw, obj)


def _pdf(borders: str) -> bytes:
    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(W, H)
    font = R.FPDFText_LoadStandardFont(pdf.raw, b"Helvetica")
    # White backgrounds behind every cell and a white box behind a paragraph: never borders.
    for r in range(len(YS) - 1):
        for c in range(len(XS) - 1):
            _rect(page, XS[c], YS[r], XS[c + 1] - XS[c], YS[r + 1] - YS[r], (255, 255, 255))
    _rect(page, 100, 300, 350, 40, (255, 255, 255))
    _text(pdf, page, font, "A paragraph below the table, on a white box of its own.", 105, 320)
    if borders == "filled":  # Word: every border a 0.5 pt black filled rectangle
        for x in XS:
            _rect(page, x - 0.25, YS[0], 0.5, YS[-1] - YS[0], (0, 0, 0))
        for y in YS:
            _rect(page, XS[0], y - 0.25, XS[-1] - XS[0], 0.5, (0, 0, 0))
    else:  # one stroked rectangle per cell
        for r in range(len(YS) - 1):
            for c in range(len(XS) - 1):
                _rect(page, XS[c], YS[r], XS[c + 1] - XS[c], YS[r + 1] - YS[r], (0, 0, 0), fill=False, stroke=True)
    for r, row in enumerate(CELLS):
        for c, text in enumerate(row):
            _text(pdf, page, font, text, XS[c] + 4, YS[r] + 17)
    page.gen_content()
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def _read(borders: str):
    doc = read_bytes(_pdf(borders), f"{borders}.pdf")
    grids = [b for b in doc.blocks if isinstance(b, Grid)]
    paragraphs = [b.text for b in doc.blocks if not isinstance(b, Grid)]
    return grids, paragraphs


def test_read_binary_word_style_filled_borders():
    grids, paragraphs = _read("filled")
    assert len(grids) == 1
    assert [[c.text for c in row] for row in grids[0].rows] == CELLS
    assert paragraphs == ["A paragraph below the table, on a white box of its own."]


def test_read_binary_stroked_cell_rectangles():
    grids, paragraphs = _read("stroked")
    assert len(grids) == 1
    assert [[c.text for c in row] for row in grids[0].rows] == CELLS
    assert grids[0].rows[2][2].where.zh() == "第1页 第1个表格 第3行第3格"
    assert paragraphs == ["A paragraph below the table, on a white box of its own."]


def test_read_binary_rotated_pages_read_as_displayed():
    """Pages stored sideways with /Rotate 90 (as scanners and PDF editors write them), their
    content placed through a form XObject: the tables come out as from the original."""
    from pathlib import Path

    from gongkai.load import load

    original = Path(__file__).resolve().parents[2] / "examples" / "hongze-district-2024.pdf"
    src = pdfium.PdfDocument(original.read_bytes())
    dst = pdfium.PdfDocument.new()
    for i in range(len(src)):
        w, h = src[i].get_size()
        content = src.page_as_xobject(i, dst).as_pageobject()
        content.transform(pdfium.PdfMatrix(0, 1, -1, 0, h, 0))  # drawn turned a quarter
        page = dst.new_page(h, w)
        page.insert_obj(content)
        page.set_rotation(90)  # and turned back for display
        page.gen_content()
    buf = io.BytesIO()
    dst.save(buf)
    rotated = load(buf.getvalue(), "rotated.pdf")
    expected = load(original.read_bytes(), original.name)
    for table in ("table2", "table3", "table4"):
        assert rotated.table(table) == expected.table(table)
    assert rotated.cells["table3.new_received.total"].where == expected.cells["table3.new_received.total"].where
