"""Scan-like files through OCR: a known report rasterised into an image-only PDF (and one page
as a PNG) parses back with every table cell exact, numbers carry OCR confidence, and numbers
that break a table's sums are flagged in the notes."""

from __future__ import annotations

import io
import random

import pypdfium2 as pdfium
import pytest
from read_binary_docgen import to_docx, to_pdf

from gongkai.extract import extract
from gongkai.load import load
from gongkai.model import Where
from gongkai.read import read_bytes
from gongkai.read.document import Document, Grid, GridCell
from gongkai.read.ocrcheck import flag_doubtful
from tests.writers import random_report

SCAN_DPI = 200


def _tables(report) -> dict:
    d = report.to_dict()
    return {t: d.get(t) for t in ("table2", "table3", "table4")}


def _rasterise(pdf_bytes: bytes, dpi: int = SCAN_DPI) -> tuple[bytes, list]:
    """Every page rendered to a grey image, saved as an image-only PDF (as a scanner does)."""
    pdf = pdfium.PdfDocument(pdf_bytes)
    images = [pdf[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in range(len(pdf))]
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out.getvalue(), images


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    root = tmp_path_factory.mktemp("scan")
    report = random_report(random.Random(7), "2021")
    pdf_path = to_pdf(to_docx(report, root / "scan.docx", split_table3="unable.not_held"), root)
    scan, images = _rasterise(pdf_path.read_bytes())
    return report, scan, images


@pytest.mark.ocr
def test_read_binary_scanned_pdf_round_trip_exact(scanned):
    report, scan, _ = scanned
    doc = read_bytes(scan, "scan.pdf")
    assert doc.form == "pdf" and doc.pages == 2
    parsed = extract(doc)
    assert _tables(parsed) == _tables(report)
    assert [s.no for s in parsed.sections] == [1, 2, 3, 4, 5, 6]
    assert parsed.agency == report.agency and parsed.year == report.year
    # OCR'd numbers carry a confidence; these clean renderings read with high confidence.
    info = parsed.cells["table3.new_received.total"]
    assert info.confidence is not None and 0.9 <= info.confidence <= 1.0
    assert info.where.page == 1
    assert any("没有可用的文字层，已用 OCR 识别" in n for n in parsed.notes)
    assert not any("合计关系" in n for n in parsed.notes)  # every row's sum holds


@pytest.mark.ocr
def test_read_binary_skewed_photo_of_a_page_reads_table4(scanned):
    """The last page as a poor scan: turned 2.5°, blurred, JPEG-compressed.  (Without
    straightening, this page's table 4 comes out blank: its rows no longer line up.)"""
    from PIL import ImageFilter

    report, _, images = scanned
    page = images[-1].rotate(2.5, resample=3, fillcolor=255).filter(ImageFilter.GaussianBlur(0.7))
    jpeg = io.BytesIO()
    page.save(jpeg, "JPEG", quality=60, dpi=(SCAN_DPI, SCAN_DPI))
    parsed = load(jpeg.getvalue(), "page.jpg")
    assert parsed.source.form == "image"
    assert parsed.table4 == report.table4
    assert parsed.cells["table4.review.total"].confidence is not None


def _ocr_grid(values: list[str], confidences: list[float]) -> Document:
    row = [GridCell("1.属于国家秘密", Where(page=3, table=1, row=5, cell=1), confidence=0.99)]
    for i, (v, c) in enumerate(zip(values, confidences), start=2):
        row.append(GridCell(v, Where(page=3, table=1, row=5, cell=i), confidence=c))
    doc = Document("scan.pdf", "pdf")
    doc.blocks.append(Grid([row], Where(page=3, table=1)))
    return doc


def test_read_binary_ocr_sum_check_names_the_doubtful_number():
    # 自然人 read as 8 (really 3): 8+1+0+0+0+0 != 4; its low confidence makes it the suspect.
    doc = _ocr_grid(["8", "1", "0", "0", "0", "0", "4"], [0.62, 0.99, 0.99, 0.98, 0.99, 0.99, 0.97])
    notes = flag_doubtful(doc)
    assert len(notes) == 1
    assert notes[0].startswith("第3页 第1个表格 第5行：OCR 识别的数字不满足合计关系（前 6 格之和 9 ≠ 总计 4）")
    assert "第2格“8”（置信度 0.62）" in notes[0]


def test_read_binary_ocr_sum_check_names_no_cell_when_ocr_was_sure_and_gives_the_row_of_the_numbers():
    # Table 3's 7.属于行政执法案卷 of a scanned report: total read 6 (really 9) with confidence
    # 1.00.  The row's first cell is the merged （三）不予公开 whose place is the group's first row
    # (this named 第6行 and two correct cells before).
    group = GridCell("（三）不予公开", Where(page=4, table=2, row=6, cell=2), confidence=0.99)
    row = [group, GridCell("7.属于行政执法案卷", Where(page=4, table=2, row=14, cell=3), confidence=0.99)]
    for i, v in enumerate(["9", "0", "0", "0", "0", "0", "6"], start=4):
        row.append(GridCell(v, Where(page=4, table=2, row=14, cell=i), confidence=1.0))
    doc = Document("scan.pdf", "pdf")
    doc.blocks.append(Grid([row], Where(page=4, table=2)))
    [note] = flag_doubtful(doc)
    assert note == ("第4页 第2个表格 第14行：OCR 识别的数字不满足合计关系（前 6 格之和 9 ≠ 总计 6）；"
                    "各格识别置信度都高，单凭本行无法确定哪一格有误，请对照原件核对。")


def test_read_binary_ocr_sum_check_quiet_when_sums_hold_and_flags_unverifiable():
    ok = _ocr_grid(["3", "1", "0", "0", "0", "0", "4"], [0.62, 0.99, 0.99, 0.98, 0.99, 0.99, 0.97])
    assert flag_doubtful(ok) == []  # the sum confirms the low-confidence 3
    lone = _ocr_grid(["447228"], [0.71])  # table 2: no sum to check it against
    [note] = flag_doubtful(lone)
    assert "“447228”（置信度 0.71）置信度低，且无合计可以验证" in note


def test_read_binary_ocr_table4_groups_checked_separately():
    values = ["1", "1", "0", "0", "2", "1", "0", "0", "0", "1", "2", "0", "1", "0", "4"]
    doc = _ocr_grid(values, [0.99] * 14 + [0.80])
    [note] = flag_doubtful(doc)
    assert "前 4 格之和 3 ≠ 总计 4" in note and "第16格“4”" in note


@pytest.mark.ocr
@pytest.mark.parametrize("turn", [0.0, 0.8, -2.5])
def test_read_binary_skew_measured_from_rulings(scanned, turn):
    import numpy as np

    from gongkai.read.ocr import skew

    _, _, images = scanned
    page = images[0].rotate(turn, resample=3, fillcolor=255)
    assert abs(skew(np.array(page), SCAN_DPI / 72) - turn) < 0.1


def test_read_binary_ocr_blank_among_numbers_is_named():
    doc = _ocr_grid(["3", "1", "", "0", "0", "0", "4"], [0.99] * 7)
    [note] = flag_doubtful(doc)
    assert note.startswith("第3页 第1个表格 第5行：第4格在 OCR 结果中是空白")


def test_read_binary_recognition_holds_the_shared_memory_slot(monkeypatch):
    """Ingest's workers share a semaphore sized by memory: a page is recognised only while one
    of its slots is held."""
    import threading

    from PIL import Image

    from gongkai.read import ocr

    slots = threading.BoundedSemaphore(1)
    held = []

    def read_words(picture, gray, scale, binary=None, **kwargs):
        held.append(not slots.acquire(blocking=False))  # taken by the recognition itself
        return [], []

    monkeypatch.setattr(ocr, "_read_words", read_words)
    monkeypatch.setattr(ocr, "_slots", slots)
    assert ocr.recognise(Image.new("L", (200, 300), 255), 200 / 72) == ([], [])
    assert held == [True] and slots.acquire(blocking=False)  # released afterwards


@pytest.fixture(scope="module")
def preamble_lines():
    """Three lines of the Huai'an report's preamble at 200 dpi, as a scanner gives them."""
    from tests.conftest import EXAMPLES

    pdf = pdfium.PdfDocument(str(EXAMPLES / "huaian-city-2024.pdf"))
    page = pdf[0].render(scale=SCAN_DPI / 72, grayscale=True).to_pil()
    return page.crop((0, 740, page.width, 975))


@pytest.mark.ocr
@pytest.mark.parametrize("turn", [0, 180])
def test_read_binary_ocr_lines_are_read_the_right_way_up(preamble_lines, turn):
    """RapidOCR's line classifier called the second line upside down (score 0.93) and turned it,
    which read it as “（《 》 ）（ ）《”.  Orientation is now decided for the page from its widest
    lines: this line reads right, and the lines of a page scanned upside down read in order."""
    png = io.BytesIO()
    preamble_lines.rotate(turn).save(png, "PNG", dpi=(SCAN_DPI, SCAN_DPI))
    doc = read_bytes(png.getvalue(), "preamble.png")
    assert "".join(b.text for b in doc.blocks) == (
        "本报告由淮安市人民政府办公室根据《中华人民共和国政府信息公开条例》（国令第711号）"
        "（以下简称《条例》）规定编制。报告所列统计期限自2024年1月1日至2024年12月31日。")


def _chars(g, x0, y0, n=1, w=24, h=20):
    """n "characters" on the grey page g: hollow boxes of 3-pixel strokes (shorter than rulings)."""
    for i in range(n):
        x = x0 + i * (w + 4)
        g[y0:y0 + h, x:x + w] = 0
        g[y0 + 3:y0 + h - 3, x + 3:x + w - 3] = 255


def _ruled_page():
    """A 200 dpi page: a heading above a 3×3 table whose cells hold "characters" (hollow boxes
    drawn with 3-pixel strokes) in the ways a scan gives them."""
    import numpy as np

    g = np.full((1000, 1000), 255, np.uint8)
    for y in (200, 300, 400, 500):
        g[y - 1:y + 2, 100:901] = 0
    for x in (100, 367, 633, 900):
        g[199:502, x - 1:x + 2] = 0

    def chars(x0, y0, n=1, w=24, h=20):
        _chars(g, x0, y0, n, w, h)

    chars(300, 100, 10, 30, 30)   # a heading above the table
    chars(150, 240, 2)            # cell (0, 0): one line
    chars(400, 225, 4)            # cell (0, 1): two lines
    chars(400, 265, 3)
    chars(640, 245, 1)            # cell (0, 2): a character and a dash as long as a ruling
    g[255:258, 680:760] = 0
    chars(101, 330, 2)            # cell (1, 0): touches its left ruling
    g[350, 500] = 0               # cell (1, 1): a speck of scanning noise
    g[348:352, 700:760] = 0       # cell (1, 2): a bar too thin for a line of text
    return g


@pytest.mark.ocr
def test_read_binary_ocr_table_cells_are_cut_by_their_ink_and_unclear_cells_detected():
    """Lines inside a clear cell are cut from the page by the ink's profile (each as the box the
    text detector would give: its ink and 5 pixels around), and so is the heading above the
    table, so detection runs only on the cells that are not clear: ink touching a ruling (read with the
    ruling and what crosses it) and a line too thin to be text.  The dash as long as a ruling
    stays part of its line; the speck and the blank cells give nothing."""
    from gongkai.read import ocr

    segments, plan = ocr._plan(_ruled_page(), SCAN_DPI / 72)
    assert len(segments) == 10  # 8 rulings, and the dash and the bar are as long as rulings
    assert [[tuple(p) for p in box.astype(int).tolist()] for box in plan.lines] == [
        [(145, 235), (207, 235), (207, 265), (145, 265)],
        [(395, 220), (513, 220), (513, 250), (395, 250)],
        [(395, 260), (485, 260), (485, 290), (395, 290)],
        [(635, 240), (765, 240), (765, 270), (635, 270)],
        [(296, 96), (640, 96), (640, 134), (296, 134)],  # the heading, cut by its ink too
    ]
    assert plan.regions == [(99, 300, 368, 400), (637, 303, 901, 397)]


@pytest.mark.ocr
def test_read_binary_ocr_page_without_a_clear_grid_is_detected_whole():
    """A scan whose dust its median keeps (2×2 specks in the bands): the page is detected whole
    (test_read_binary_ocr_noisy_scan_planned_on_its_median: specks the median takes out).  A table mostly in unclear
    cells (cramped: text touching its rulings) is detected as one region, its rulings and 3 pixels
    around, and so is the margin beside a table that holds ink, or the table's rows across the
    page when that ink crosses the table's outer ruling; the rest of the page is read by its ink
    lines and cells (until the sixth session such pages were detected whole).  A page without a
    table, or with several lines of text outside its tables, is read by its ink lines."""
    import numpy as np

    from gongkai.read import ocr, ocrgrid

    page = _ruled_page()
    heading = ocr._plan(page[:190], SCAN_DPI / 72)[1]  # the heading alone: no table, one line
    assert heading.regions == [] and [box[0].tolist() + box[2].tolist() for box in heading.lines] == \
        [[296, 96, 640, 134]]
    _chars(page, 300, 900, 10)  # two lines below the table: each cut by its ink
    _chars(page, 300, 940, 10)
    assert [box[0].tolist() for box in ocr._plan(page, SCAN_DPI / 72)[1].lines[-2:]] == [[296, 896], [296, 936]]
    rng = np.random.default_rng(1)
    dusty = page.copy()  # 2×2 dust the median keeps: detected whole
    ys, xs = rng.integers(0, 998, 300), rng.integers(0, 998, 300)
    for dy, dx in ((0, 0), (0, 1), (1, 0), (1, 1)):
        dusty[ys + dy, xs + dx] = 0
    assert ocr._plan(dusty, SCAN_DPI / 72)[1] is None
    page = _ruled_page()
    for y in (250, 350, 450):  # most cells unclear (here: a line too thin for text in each)
        for x in (150, 400, 700):
            page[y:y + 4, x:x + 30] = 0
    cramped = ocr._plan(page, SCAN_DPI / 72)[1]
    assert cramped.regions == [(96, 196, 908, 508)]  # the table as one region, not its cells
    assert [box[0].tolist() + box[2].tolist() for box in cramped.lines] == [[296, 96, 640, 134]]  # the heading
    page = _ruled_page()
    _chars(page, 930, 300)  # a character beside the table: it would be in no band and no cell
    assert ocr._plan(page, SCAN_DPI / 72)[1].regions == [(908, 196, 1000, 508), (99, 300, 368, 400),
                                                          (637, 303, 901, 397)]
    page = _ruled_page()
    _chars(page, 885, 420, w=30)  # a character over the table's right ruling: the table's rows across the page
    page[199:502, 899:902] = 0
    crossing = ocr._plan(page, SCAN_DPI / 72)[1]
    assert crossing.regions == [(0, 196, 1000, 508)] and len(crossing.lines) == 1  # and the heading
    assert ocr._plan(np.full((1000, 1000), 255, np.uint8), SCAN_DPI / 72) == ([], ocrgrid.Plan())


@pytest.mark.ocr
def test_read_binary_ocr_noisy_scan_planned_on_its_median():
    """A noisy scan (300 specks of one pixel a million, grey paper with grain) is planned on its
    3×3 median: the clean page's lines and regions, each cell line cut with 3.5 pt (10 px) around
    its ink instead of 5 px, and short of the ink of the lines above and below it in its cell
    (two lines 8 px apart).  Ink beside a table makes such a page detected whole."""
    import numpy as np

    from gongkai.read import ocr, ocrgrid

    page = _ruled_page()
    _chars(page, 400, 320, 3)  # cell (1, 1): two lines 8 px apart
    _chars(page, 400, 348, 3)
    clean = ocr._plan(page, SCAN_DPI / 72)[1]
    assert [box[0].tolist() + box[2].tolist() for box in clean.lines][4:6] == [[395, 315, 485, 345], [395, 343, 485, 373]]
    rng = np.random.default_rng(1)
    noisy = np.clip(page * 0.85 + 25 + rng.normal(0, 3, page.shape), 0, 255).astype(np.uint8)
    noisy[rng.integers(0, 1000, 300), rng.integers(0, 1000, 300)] = 40
    binary = ocr._binary(noisy)
    segments, masks = ocr._rulings(binary, SCAN_DPI / 72)
    assert ocrgrid.plan(binary, ocr._ink(binary, masks), segments, SCAN_DPI / 72) == ocrgrid.Whole(ocrgrid.NOISY)
    plan = ocr._plan(noisy, SCAN_DPI / 72)[1]
    assert [box[0].tolist() + box[2].tolist() for box in plan.lines] == [
        [140, 230, 212, 270], [390, 215, 518, 255], [390, 255, 490, 295], [635, 235, 770, 275], [390, 310, 490, 348],
        [390, 340, 490, 378], [296, 96, 640, 134]]
    assert plan.regions == clean.regions == [(99, 300, 368, 400), (637, 303, 901, 397)]
    _chars(noisy, 930, 300)  # ink beside the table: on a noisy scan as likely dust as a note
    assert ocr._plan(noisy, SCAN_DPI / 72)[1] is None


@pytest.mark.ocr
@pytest.mark.parametrize("turn", [0.4, -1.2])
def test_read_binary_ocr_page_without_rulings_straightened_by_its_text(turn):
    """A page without rulings turned a little (as a scanner feeds it) has its skew measured from
    its text's rows, within 0.05°, and once turned back is planned line by line (until the seventh
    session it was detected whole); a level page measures less than MIN_SKEW (not turned), and a
    page of a few short lines 0 (they tell no angle)."""
    import numpy as np
    from PIL import Image

    from gongkai.read import ocr

    g = np.full((1000, 1000), 255, np.uint8)
    for y in range(100, 900, 60):
        _chars(g, 100, y, 28)
    assert abs(ocr.text_skew(ocr._binary(g))) < ocr.MIN_SKEW and ocr._ruling_skew(g, SCAN_DPI / 72) is None
    few = np.full((1000, 1000), 255, np.uint8)  # a signature and a date: no line across the page tells
    _chars(few, 600, 700, 6)
    _chars(few, 640, 760, 5)
    assert ocr.text_skew(ocr._binary(np.array(Image.fromarray(few).rotate(turn, resample=3, fillcolor=255)))) == 0.0
    turned = Image.fromarray(g).rotate(turn, resample=3, fillcolor=255)
    assert ocr._plan(np.array(turned), SCAN_DPI / 72)[1] is None
    angle = ocr.text_skew(ocr._binary(np.array(turned)))
    assert abs(angle - turn) <= 0.05
    level = np.array(turned.rotate(-angle, resample=3, fillcolor=255))
    assert len(ocr._plan(level, SCAN_DPI / 72)[1].lines) == 14


@pytest.mark.ocr
def test_read_binary_ocr_lines_outside_tables_cut_by_their_ink_and_unclear_lines_detected():
    """Text outside the tables: each line, and each part of a line set apart as the detector sets
    its boxes apart (2.2 line heights or more), is cut by its ink with 1.5 pt around it; what
    the detector could read otherwise is left to it: a gap between 1.2 and 2.2 heights, two
    lines joined by a stroke, an underline, vertical text, a line climbing 6 pixels (skew left
    over), and a page whose long lines climb 0.2° (detected whole).  A lone speck is dust."""
    import numpy as np

    from gongkai.read import ocr, ocrgrid

    g = np.full((1000, 1000), 255, np.uint8)
    _chars(g, 100, 100, 10)
    _chars(g, 100, 140, 10)                         # two lines
    _chars(g, 100, 200, 5)
    _chars(g, 700, 200, 2)                          # a part far to the right (a page number)
    _chars(g, 100, 260, 5)
    _chars(g, 266, 260, 3)                          # a gap of 1.5 lines
    _chars(g, 100, 320, 10)
    _chars(g, 100, 342, 10)
    g[330:352, 500:503] = 0                         # two lines joined by a stroke
    _chars(g, 100, 400, 10)
    g[420:423, 100:380] = 0                         # underlined
    for k in range(4):
        _chars(g, 800, 500 + 25 * k)                # vertical text
    for k in range(20):
        _chars(g, 100 + 28 * k, 600 + (k * 6) // 19)  # climbing
    g[700, 500] = 0                                 # a speck
    dark = ocr._binary(g)
    segments, masks = ocr._rulings(dark, SCAN_DPI / 72)
    ink = dark.copy()
    ink[masks > 0] = 0
    lines, regions, specks, _, _ = ocrgrid._band_lines(dark, ink, 0, 1000, SCAN_DPI / 72)
    assert [box[0].tolist() + box[2].tolist() for box in lines] == [
        [96, 96, 380, 124], [96, 136, 380, 164], [96, 196, 240, 224], [696, 196, 756, 224]]
    assert regions == [[96, 256, 350, 284], [96, 316, 507, 366], [96, 396, 384, 427], [96, 596, 660, 630],
                       [796, 571, 828, 599], [796, 546, 828, 574], [796, 521, 828, 549], [796, 496, 828, 524]]
    assert specks == 1
    for climb, cut in ((0, 4), (3, None)):  # four long lines, level or each climbing 2 px (0.2°)
        page = np.full((1000, 1000), 255, np.uint8)
        for y in (100, 200, 300, 400):
            for k in range(20):
                _chars(page, 100 + 28 * k, y + climb - (k * climb) // 20)
        plan = ocr._plan(page, SCAN_DPI / 72)[1]
        assert (plan and len(plan.lines)) == cut  # a page turned a little is detected whole


@pytest.mark.ocr
def test_read_binary_ocr_components_found_band_by_band_are_the_whole_masks():
    """Rulings and skew label only the rows (or columns) that hold ink: the components, their
    stats and their pixels are those of the whole mask (8-connected: diagonal neighbours too)."""
    import cv2
    import numpy as np

    from gongkai.read import ocr

    rng = np.random.default_rng(2)
    for _ in range(40):
        mask = np.zeros((120, 160), np.uint8)
        for _ in range(rng.integers(0, 12)):
            y, x = rng.integers(0, 118), rng.integers(0, 158)
            mask[y:y + rng.integers(1, 30), x:x + rng.integers(1, 40)] = 255
        mask[rng.random(mask.shape) < 0.01] = 255
        mask[0, 0] = mask[-1, -1] = mask[60, 80] = mask[61, 81] = 255  # edges, and a diagonal step
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        whole = sorted(stats[1:].tolist())
        for by_rows in (True, False):
            found = []
            for start, band_labels, band_stats in ocr._components(mask, by_rows):
                for i, (x, y, w, h, area) in enumerate(band_stats, start=1):
                    ys, xs = np.nonzero(band_labels == i)
                    ys, xs = (ys + start, xs) if by_rows else (ys, xs + start)
                    assert (xs.min(), ys.min(), xs.max() - xs.min() + 1, ys.max() - ys.min() + 1, len(xs)) == (x, y, w, h, area)
                    assert len(set(labels[ys, xs].tolist())) == 1  # one component of the whole mask
                    found.append([x, y, w, h, area])
            assert sorted(found) == whole
    assert list(ocr._components(np.zeros((5, 5), np.uint8), True)) == []
