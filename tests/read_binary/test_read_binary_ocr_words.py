"""Each character's box on an OCR'd page (ocrwords) is exactly the one RapidOCR's own
``build_final_output`` gives, on real recognised lines: level boxes (lines cut from table cells),
turned and vertical ones; and its ``order_points`` port agrees with RapidOCR's on any four points.
A word's confidence is its weakest character's (RapidOCR's is the k-th character's: tested apart)."""

from __future__ import annotations

import copy
import random

import pypdfium2 as pdfium
import pytest

SCAN_DPI = 200


def _flat(word_results):
    return [w for line in word_results or () if isinstance(line, (list, tuple))
            for w in line if isinstance(w, (list, tuple)) and len(w) == 3 and w[2] is not None]


@pytest.fixture(scope="module")
def lines():
    """The lines of a band of table 3 on page 4 of the Huai'an report (numbers and Chinese labels),
    as ocrgrid cuts them from the cells, recognised: (boxes, crops, recogniser output)."""
    import numpy as np

    from gongkai.read import ocr
    from gongkai.read.ocrengine import get_rotate_crop_image
    from tests.conftest import EXAMPLES

    pdf = pdfium.PdfDocument(str(EXAMPLES / "huaian-city-2024.pdf"))
    gray = np.array(pdf[3].render(scale=SCAN_DPI / 72, grayscale=True).to_pil().convert("L"))
    _, plan = ocr._plan(gray, SCAN_DPI / 72)
    boxes = [b for b in plan.lines if 1100 <= b[0, 1] <= 1400]  # the column heads and two rows
    crops = [get_rotate_crop_image(gray, b.copy()) for b in boxes]
    rec = ocr._recognise_lines(crops)
    assert len(boxes) >= 20 and any(t.isdigit() for t in rec.txts) and any("公开" in t for t in rec.txts)
    return np.array(boxes, dtype=np.float32), crops, rec


@pytest.fixture(scope="module")
def rapid():
    """RapidOCR's engine (the reference) returning word boxes."""
    from rapidocr import RapidOCR

    return RapidOCR(params={"Global.log_level": "error", "Global.return_word_box": True})


def _theirs(rec, crops):
    """gongkai's reading of the lines as RapidOCR's TextRecOutput (its WordInfo, its WordType)."""
    from rapidocr.ch_ppocr_rec import TextRecOutput
    from rapidocr.ch_ppocr_rec.typings import WordInfo, WordType

    infos = tuple(WordInfo(words=copy.deepcopy(w.words), word_cols=copy.deepcopy(w.word_cols),
                           word_types=[WordType(t) for t in w.word_types], line_txt_len=w.line_txt_len,
                           confs=list(w.confs)) for w in rec.word_results)
    return TextRecOutput(imgs=list(crops), txts=tuple(rec.txts), scores=list(rec.scores), word_results=infos)


def _both(rapid, boxes, crops, rec, page_shape=(2339, 1654)):
    import numpy as np
    from rapidocr.ch_ppocr_cls import TextClsOutput
    from rapidocr.ch_ppocr_det import TextDetOutput

    from gongkai.read import ocrwords

    record = {"preprocess": {"ratio_h": 1.0, "ratio_w": 1.0}}
    scores = [1.0] * len(boxes)
    ours = ocrwords.words(page_shape, boxes.copy(), scores, copy.deepcopy(rec), [c.shape[:2] for c in crops],
                          copy.deepcopy(record))
    theirs = rapid.build_final_output(np.zeros(page_shape, np.uint8), TextDetOutput(boxes=boxes.copy(), scores=scores),
                                      TextClsOutput(), _theirs(rec, crops), list(crops), copy.deepcopy(record))
    theirs = _flat(theirs.word_results)
    assert [o[1] for o in ours] == _weakest(rec, [len(t[0]) for t in theirs])
    return [(t, b) for t, _, b in ours], [(t, b) for t, _, b in theirs]


def _weakest(rec, lengths):
    """The confidence each word must have: the weakest of its characters' (spaces skipped), the
    characters taken line by line in the order the words come."""
    out, it = [], iter(lengths)
    for text, info in zip(rec.txts, rec.word_results):
        if not text or info.line_txt_len == 0:
            continue
        confs = [c for c, ch in zip(info.confs, text) if not ch.isspace()]
        at = 0
        for _ in range(len(info.words) if all(t == "en&num" for t in info.word_types) else len(confs)):
            n = next(it)
            out.append(min(confs[at:at + n]))
            at += n
    return out


@pytest.mark.ocr
def test_read_binary_ocr_word_boxes_are_rapidocrs_on_level_lines(rapid, lines):
    boxes, crops, rec = lines
    ours, theirs = _both(rapid, boxes, crops, rec)
    assert len(ours) >= 40 and ours == theirs
    assert all(type(a) is type(b) for o, t in zip(ours, theirs) for p, q in zip(o[1], t[1]) for a, b in zip(p, q))


@pytest.mark.ocr
def test_read_binary_ocr_word_boxes_are_rapidocrs_on_turned_and_vertical_lines(rapid, lines):
    """The detector's boxes may be slightly turned (the page's perspective is then inverted
    point by point, as RapidOCR does) or taller than wide (vertical text: RapidOCR's rotation)."""
    import numpy as np

    boxes, crops, rec = lines
    rng = np.random.default_rng(5)
    turned = boxes + rng.uniform(-3, 3, boxes.shape).astype(np.float32)
    ours, theirs = _both(rapid, turned, crops, rec)
    assert len(ours) >= 40 and ours == theirs
    tall = boxes.copy()
    tall[:, 2:, 1] += 400  # taller than wide: read as vertical
    ours, theirs = _both(rapid, tall, crops, rec)
    assert len(ours) >= 40 and ours == theirs


def test_read_binary_ocr_order_points_is_rapidocrs():
    """Level rectangles, diamonds, points on one line, repeated points, any quadrilateral."""
    from rapidocr.cal_rec_boxes.main import CalRecBoxes

    from gongkai.read.ocrwords import order_points

    rng = random.Random(11)
    cases = [[[0, 0], [4, 0], [4, 2], [0, 2]], [[2, 0], [4, 2], [2, 4], [0, 2]], [[3, 0], [3, 5], [3, 1], [3, 9]],
             [[1, 1], [1, 1], [1, 1], [1, 1]], [[0, 0], [0, 0], [5, 0], [5, 0]], [[0, 3], [2, 1], [4, 3], [2, 3]]]
    for _ in range(1500):
        span = rng.choice([2, 5, 40])
        cases.append([[rng.randint(0, span), rng.randint(0, span)] for _ in range(4)])
        x0, y0 = rng.randint(0, 50), rng.randint(0, 50)
        x1, y1 = x0 + rng.randint(0, 3), y0 + rng.randint(0, 3)
        cases.append([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    for points in cases:
        assert order_points(copy.deepcopy(points)) == CalRecBoxes.order_points(copy.deepcopy(points)), points


def test_read_binary_ocr_a_words_confidence_is_its_weakest_characters():
    """RapidOCR pairs the k-th word with the line's k-th character's confidence: “1234” got its
    first digit's, and after a space every character got its neighbour's."""
    from gongkai.read import ocrwords
    from gongkai.read.ocrengine import CN, EN_NUM, WordInfo

    numbers = WordInfo(words=[list("12"), list("345")], word_cols=[[2, 5], [12, 15, 18]],
                       word_types=[EN_NUM, EN_NUM], line_txt_len=24.0,
                       confs=[0.99, 0.81, 0.5, 0.97, 0.62, 0.93])
    contents, _, confs = ocrwords._crop_boxes("12 345", numbers, 96, 48)
    assert (contents, confs) == (["12", "345"], [0.81, 0.62])
    mixed = WordInfo(words=[["共"], list("12"), ["件"], list("公开")], word_cols=[[1], [4, 6], [9], [14, 17]],
                     word_types=[CN, EN_NUM, CN, CN], line_txt_len=24.0,
                     confs=[0.98, 0.91, 0.72, 0.99, 0.4, 0.95, 0.88])
    contents, _, confs = ocrwords._crop_boxes("共12件 公开", mixed, 240, 48)
    assert (contents, confs) == (list("共12件公开"), [0.98, 0.91, 0.72, 0.99, 0.95, 0.88])
