"""A table cell's number read from the digits the recogniser read surely on the same page
(ocrdigits): read right or left to the recogniser — never a guess.  Digits that differ by little
(1/7, 3/8, 5/6, 0/8/9), a stray mark, touching digits, a point, another font or size later on the
page, a dash or 无 in a number column: each is read right or falls back (None).  And on a real page
the fast path reads every line it takes as the model does."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
SCAN_DPI = 200


def _line(text: str, size: int = 22, font: str = FONT, spacing: int = 2, mark=None):
    """``text`` drawn black on white at ``size`` px, its characters ``spacing`` px apart, cut as
    ocrgrid cuts a cell's line: its ink and 5 px around.  ``mark``: (x, y, w, h) of a black
    rectangle then drawn on the cut line."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    face = ImageFont.truetype(font, size, index=2)  # Simplified Chinese
    image = Image.new("L", (40 + len(text) * size * 2, 3 * size), 255)
    draw = ImageDraw.Draw(image)
    x = 20
    for char in text:
        draw.text((x, size), char, font=face, fill=0)
        x += round(draw.textlength(char, font=face)) + spacing
    a = np.array(image)
    ys, xs = np.nonzero(a < 128)
    a = np.ascontiguousarray(a[ys.min() - 5:ys.max() + 6, xs.min() - 5:xs.max() + 6])
    if mark:
        mx, my, mw, mh = mark
        a[my:my + mh, mx:mx + mw] = 0
    return a


def _learnt(texts, size: int = 22, font: str = FONT, confidence: float = 0.999):
    from gongkai.read import ocrdigits

    templates = ocrdigits.Templates()
    for text in texts:
        templates.learn(_line(text, size, font), text, [confidence] * len(text))
    return templates


def _read(templates, line):
    """What the fast path reads from ``line``: (text, each character's confidence), or None."""
    import numpy as np

    from gongkai.read import ocr, ocrengine

    ratio = line.shape[1] / line.shape[0]
    width = max(int(48 * ratio), ocr.REC_MIN_WIDTH)  # the model's input, as ocr._recognise_lines makes it
    got = templates.read(line, width, 48)
    if got is None:
        return None
    (text, _), info = ocrengine.decode_line(np.array(got[0]), np.array(got[1], dtype=np.float32), ratio, width / 48)
    return text, info.confs


def test_read_binary_ocr_digits_read_from_learnt_digits_at_the_templates_least_confidence():
    templates = _learnt(["1234", "5678", "90"], confidence=0.999)
    templates.learn(_line("07"), "07", [0.995, 0.9985])  # a second 0 and 7, less sure
    assert _read(templates, _line("7105")) == ("7105", [0.9985, 0.999, 0.995, 0.999])
    assert _read(templates, _line("0")) == ("0", [0.995])
    assert _read(templates, _line("00")) == ("00", [0.995, 0.995])  # a blank step between: not merged
    assert _read(templates, _line("96")) == ("96", [0.999, 0.999])


def test_read_binary_ocr_digits_learn_only_from_sure_readings_of_digits_alone():
    from gongkai.read import ocrdigits

    templates = ocrdigits.Templates()
    templates.learn(_line("12"), "12", [0.999, 0.97])       # one digit below LEARN
    templates.learn(_line("3"), "8", [0.999])                # fine, but see below: a 3 learnt as 8
    templates.learn(_line("45"), "4", [0.999])               # two glyphs, one digit read
    templates.learn(_line("6"), "b", [0.999])                # not a digit
    assert sorted(templates._by_digit) == ["8"]
    assert _read(templates, _line("1")) is None and _read(templates, _line("4")) is None
    # What the model read surely is taken as it read it: the 3 it called 8 reads 8 again (the fast
    # path repeats the model, never overrules it).
    assert _read(templates, _line("3")) == ("8", [0.999])


@pytest.mark.parametrize("learnt, shown", [("1", "7"), ("7", "1"), ("3", "8"), ("8", "3"), ("5", "6"), ("6", "5"),
                                           ("0", "8"), ("8", "0"), ("9", "8"), ("8", "9"), ("0", "9"), ("9", "0"),
                                           ("09", "8"), ("89", "0"), ("08", "9")])
def test_read_binary_ocr_digits_near_digits_never_read_as_each_other(learnt, shown):
    """Only the digits in ``learnt`` are known: a ``shown`` digit like one of them falls back, and
    once its own digit is learnt it is read right."""
    templates = _learnt([learnt])
    assert _read(templates, _line(shown)) is None
    templates.learn(_line(shown), shown, [0.999])
    assert _read(templates, _line(shown + learnt)) == (shown + learnt, [0.999] * (len(learnt) + 1))


def test_read_binary_ocr_digits_marks_points_touching_digits_and_other_faces_fall_back():
    templates = _learnt(["1234", "5678", "90"])
    assert _read(templates, _line("53")) == ("53", [0.999, 0.999])  # (the 5 at x 5–15, the 3 at 19–29, y 5–21)
    assert _read(templates, _line("53", mark=(16, 12, 2, 3))) is None     # a stray mark between them
    assert _read(templates, _line("53", mark=(16, 19, 2, 2))) is None     # a point between them
    assert _read(templates, _line("53", mark=(14, 6, 2, 10))) is None     # a stroke on the 5's edge
    # A speck above or below the digits, however clear of them: the model may read it as a point
    # or doubt the digits (until the tenth session dust 2 px clear was left out: see below).
    assert _read(templates, _line("53", mark=(20, 1, 2, 2))) is None
    assert _read(templates, _line("53", mark=(11, 23, 1, 1))) is None
    assert _read(templates, _line("53", mark=(20, 3, 1, 1))) is None
    # A lone pixel at the baseline beside the last digit: a noisy “0” with one was read “0.” by the
    # model (at 0.52, a doubt the fast path must not hide).
    assert _read(templates, _line("53", mark=(30, 20, 1, 1))) is None
    assert _read(templates, _line("53", mark=(11, 8, 1, 1))) is None      # inside the 5's box
    for letter in "IlO|":  # letters like digits: never learnt, never matched
        assert _read(templates, _line(letter)) is None, letter
    assert _read(templates, _line("1.5")) is None                         # a point: a glyph no digit matches
    assert _read(templates, _line("00", spacing=-3)) is None              # touching digits
    assert _read(templates, _line("0 0", spacing=8)) is None              # a space between them
    assert _read(templates, _line("53", spacing=2)) == ("53", [0.999, 0.999])  # a gap of 4 px, 16 high
    for spacing in (4, 5, 7):  # gaps of 6, 7 and 9 px: the model may read a space (below)
        assert _read(templates, _line("53", spacing=spacing)) is None
    assert _read(templates, _line("53", size=30)) is None                 # a larger size later on the page
    assert _read(templates, _line("53", size=16)) is None                 # a smaller one
    assert _read(templates, _line("53", font=SERIF)) is None              # another face of the same size
    assert _read(templates, _line("—")) is None and _read(templates, _line("-")) is None
    assert _read(templates, _line("无")) is None and _read(templates, _line("5无")) is None
    bigger = _learnt(["53"], size=30)  # learnt at that size too: read
    assert _read(bigger, _line("35", size=30)) == ("35", [0.999, 0.999])


def test_read_binary_ocr_digits_a_ruling_along_the_edge_is_left_out_and_a_cut_glyph_falls_back():
    import numpy as np

    templates = _learnt(["1234", "5678", "90"])
    line = _line("53")
    ruled = line.copy()
    ruled[-2:, :] = 0  # the cell's ruling along the bottom of the cut
    assert _read(templates, ruled) == ("53", [0.999, 0.999])
    ruled[:2, :] = 0  # and along its top
    assert _read(templates, ruled) == ("53", [0.999, 0.999])
    for side in (np.s_[:, :2], np.s_[:, -2:]):  # a ruling along its side: the model may doubt the digits
        beside = line.copy()
        beside[side] = 0
        assert _read(templates, beside) is None
    cut = np.ascontiguousarray(line[:, 7:])  # the 5 cut by the line's left edge
    assert _read(templates, cut) is None
    assert _read(templates, np.full((30, 30), 255, dtype=np.uint8)) is None
    grey = np.clip(line.astype(int) // 3 + 150, 0, 255).astype(np.uint8)  # faint: no clear contrast
    assert _read(templates, grey) is None


@pytest.fixture(scope="module")
def page4_lines():
    """The lines of page 4 of the Huai'an report as ocrgrid cuts them at 200 dpi (136 cells and
    labels; 104 of them padded to REC_MIN_WIDTH)."""
    import numpy as np

    from gongkai.read import ocr
    from gongkai.read.ocrengine import get_rotate_crop_image
    from tests.conftest import EXAMPLES

    pdf = pdfium.PdfDocument(str(EXAMPLES / "huaian-city-2024.pdf"))
    gray = np.array(pdf[3].render(scale=SCAN_DPI / 72, grayscale=True).to_pil().convert("L"))
    _, plan = ocr._plan(gray, SCAN_DPI / 72)
    return [get_rotate_crop_image(gray, box.copy()) for box in plan.lines]


@pytest.mark.ocr
def test_read_binary_ocr_digits_on_a_page_the_fast_path_reads_as_the_model(page4_lines, monkeypatch):
    """Every line of page 4 reads the same text with the fast path as without it; the lines it
    took are digits alone, each at a confidence the model gave some template of it, never below
    LEARN — and the model, run on each of them, reads the same number, surely."""
    from gongkai.read import ocr, ocrdigits

    taken: list = []
    read = ocrdigits.Templates.read

    def noted(self, line, width, height):
        got = read(self, line, width, height)
        if got is not None:
            taken.append(line)
        return got

    monkeypatch.setattr(ocr, "_seen", {})
    monkeypatch.setattr(ocrdigits.Templates, "read", noted)
    fast = ocr._recognise_lines(page4_lines)
    monkeypatch.setattr(ocr, "_seen", {})
    monkeypatch.setattr(ocr, "FAST_DIGITS", False)
    model = ocr._recognise_lines(page4_lines)
    assert fast.txts == model.txts
    assert len(taken) >= 10  # (14 of these lines, in their plan's order)
    pictures = {(line.shape, line.tobytes()) for line in taken}
    for line, text, f, m in zip(page4_lines, model.txts, fast.word_results, model.word_results):
        if (line.shape, line.tobytes()) in pictures:
            assert text.isdigit() and min(m.confs) >= 0.90 and min(f.confs) >= ocrdigits.LEARN
        else:
            assert f.confs == m.confs


@pytest.mark.ocr
def test_read_binary_ocr_digits_a_page_reads_the_same_whatever_the_process_read_before(page4_lines, monkeypatch):
    """Page 4 read a second time in one process (its lines now in _seen) gives the same texts
    and confidences as the first time: a line read before is learnt when its batch would have
    been, not at once — learnt at once, the templates took later lines the model had read the
    first time (the first OCR of a page in a process differed from the next: 1.0 against 0.9992)."""
    from gongkai.read import ocr

    monkeypatch.setattr(ocr, "_seen", {})
    first = ocr._recognise_lines(page4_lines)
    again = ocr._recognise_lines(page4_lines)
    assert again.txts == first.txts
    assert [w.confs for w in again.word_results] == [w.confs for w in first.word_results]
    assert again.scores == first.scores


def test_read_binary_ocr_digits_another_size_learns_its_own_templates():
    """A document's later page (or table) printed in another size learns its digits although the
    first size's templates are full: the cap is per digit and size."""
    from gongkai.read import ocrdigits

    templates = _learnt(["53"] * ocrdigits.MAX_TEMPLATES)
    templates.learn(_line("53", size=30), "53", [0.999, 0.999])
    assert _read(templates, _line("35", size=30)) == ("35", [0.999, 0.999])
    assert _read(templates, _line("35")) == ("35", [0.999, 0.999])
    assert sum(len(kept) for kept in templates._by_digit.values()) == 2 * ocrdigits.MAX_TEMPLATES + 2


@pytest.mark.ocr
def test_read_binary_ocr_digits_kept_across_a_documents_pages_never_across_documents(page4_lines, monkeypatch):
    """Page 4's lines read as two pages of one document: the second page reads numbers from the
    digits the first taught from its first line on (with its own templates it must first run the
    model on a batch), and every line reads the same text as the model reads it.  Another
    document (another Templates) starts with none."""
    from gongkai.read import ocr, ocrdigits

    taken: list = []
    read = ocrdigits.Templates.read

    def noted(self, line, width, height):
        got = read(self, line, width, height)
        taken.append((id(self), got is not None))
        return got

    first, second = page4_lines[:70], page4_lines[70:]
    monkeypatch.setattr(ocrdigits.Templates, "read", noted)
    monkeypatch.setattr(ocr, "_seen", {})
    document = ocrdigits.Templates()
    ocr._recognise_lines(first, document)
    taken.clear()
    shared = ocr._recognise_lines(second, document)
    on_second = [t for _, t in taken]
    assert {i for i, _ in taken} == {id(document)}
    assert on_second[0] is True and sum(on_second) >= 10
    monkeypatch.setattr(ocr, "_seen", {})
    taken.clear()
    alone = ocr._recognise_lines(second)  # a page read alone: templates of its own, none at first
    assert id(document) not in {i for i, _ in taken}
    assert taken[0][1] is False and sum(t for _, t in taken) < sum(on_second)
    monkeypatch.setattr(ocr, "_seen", {})
    monkeypatch.setattr(ocr, "FAST_DIGITS", False)
    model = ocr._recognise_lines(second)
    assert shared.txts == model.txts == alone.txts


def test_read_binary_ocr_digits_one_templates_per_document(monkeypatch):
    """The PDF reader and the image reader give every page of a document the same Templates, and
    each document its own."""
    import io

    from PIL import Image

    from gongkai.errors import UnreadableFile
    from gongkai.read import ocr, ocrdigits, read_bytes

    given: list = []

    def recognise(image, scale, digits=None):
        given.append(digits)
        return [], []

    monkeypatch.setattr(ocr, "recognise", recognise)
    monkeypatch.setattr(ocr, "available", lambda: True)
    for form, dpi in (("PDF", {"resolution": 200}), ("TIFF", {"dpi": (200, 200)})):
        pages = [Image.new("L", (1654, 2339), 255) for _ in range(2)]  # (saving as PDF marks them)
        out = io.BytesIO()
        pages[0].save(out, form, save_all=True, append_images=pages[1:], **dpi)
        for _ in range(2):  # two documents
            try:
                read_bytes(out.getvalue(), f"scan.{form.lower()}")
            except UnreadableFile:
                pass  # blank pages: nothing read, as expected
    assert len(given) == 8 and all(isinstance(d, ocrdigits.Templates) for d in given)
    assert [given[i] is given[i + 1] for i in range(0, 8, 2)] == [True] * 4
    assert len({id(d) for d in given[::2]}) == 4


@pytest.mark.ocr
def test_read_binary_ocr_digits_a_speck_or_a_side_ruling_sends_the_line_to_the_model(page4_lines, monkeypatch):
    """Page 4's “746” with a 2×2 speck 2 px below its last digit is read “746.” by the model, its
    “447” with one pixel above and left of it at a confidence of 0.53, and with a ruling along its
    right side at 0.81: until the tenth session the fast path left such specks (2 px clear of the
    digits) and side rulings out and read “746” and “447” surely.  Now it takes none of them."""
    import numpy as np

    from gongkai.read import ocr, ocrdigits

    monkeypatch.setattr(ocr, "_seen", {})
    templates = ocrdigits.Templates()
    texts = ocr._recognise_lines(page4_lines, templates).txts  # the page's digits learnt
    lines = {text: line for line, text in zip(page4_lines, texts)}

    def model(line):
        monkeypatch.setattr(ocr, "FAST_DIGITS", False)
        got = ocr._recognise_lines([line])
        monkeypatch.setattr(ocr, "FAST_DIGITS", True)
        return got.txts[0], min(got.word_results[0].confs)

    def spotted(text, top, left, height, width):
        line = lines[text].copy()
        line[top:top + height, left:left + width] = 0
        return line

    found = ocrdigits.glyphs(lines["746"])
    below = spotted("746", max(g.bottom for g in found) + 2, found[-1].x1 + 1, 2, 2)
    above = spotted("447", 2, 3, 1, 1)
    side = spotted("447", 0, lines["447"].shape[1] - 2, lines["447"].shape[0], 2)
    assert [model(lines["746"])[0], model(lines["447"])[0]] == ["746", "447"]
    assert model(below)[0] == "746."
    assert [model(above)[0], model(side)[0]] == ["447", "447"]
    assert model(above)[1] < 0.90 and model(side)[1] < 0.90
    for line in (below, above, side):
        assert ocrdigits.glyphs(line) is None
        assert templates.read(line, ocr.REC_MIN_WIDTH, 48) is None
    assert templates.read(lines["746"], ocr.REC_MIN_WIDTH, 48) is not None  # clean: read from the digits
    assert np.array_equal(lines["746"], page4_lines[texts.index("746")])


@pytest.mark.ocr
def test_read_binary_ocr_digits_a_gap_the_model_reads_as_a_space_sends_the_line_to_the_model(page4_lines,
                                                                                            monkeypatch):
    """Page 4's “769” (14 px high, 2–3 px between its digits) with 3 px more between the 7 and the 6
    is read “7 69” by the model: until the tenth session the fast path split it into three glyphs
    (gaps up to 0.6 of the digits' height, 8 px here, were taken) and would read it “769” from
    learnt digits.  Now gaps up to 0.36 (5 px) are taken."""
    import numpy as np

    from gongkai.read import ocr, ocrdigits

    monkeypatch.setattr(ocr, "_seen", {})
    templates = ocrdigits.Templates()
    texts = ocr._recognise_lines(page4_lines, templates).txts
    line = page4_lines[texts.index("769")]
    found = ocrdigits.glyphs(line)
    cut = (found[0].x1 + found[1].x0) // 2

    def widened(extra):
        return np.concatenate([line[:, :cut], np.full((line.shape[0], extra), 255, dtype=line.dtype),
                               line[:, cut:]], axis=1)

    monkeypatch.setattr(ocr, "FAST_DIGITS", False)
    assert [found[1].x0 - found[0].x1, ocr._recognise_lines([widened(3)]).txts[0]] == [3, "7 69"]
    assert ocr._recognise_lines([widened(1)]).txts[0] == "769"
    # The fast path's glyphs: none for the gap of 6 px (the line goes to the model), three for 4 px.
    assert ocrdigits.glyphs(widened(3)) is None and templates.read(widened(3), ocr.REC_MIN_WIDTH, 48) is None
    assert [(g.x0, g.x1) for g in ocrdigits.glyphs(widened(1))] == [(5, 13), (17, 25), (27, 35)]
