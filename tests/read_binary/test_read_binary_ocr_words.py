"""Each character's box on an OCR'd page (ocrwords) is exactly the one RapidOCR's own
``build_final_output`` gives, on real recognised lines: level boxes (lines cut from table cells),
turned and vertical ones; and its ``order_points`` port agrees with RapidOCR's on any four points."""

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
    return ours, _flat(theirs.word_results)


@pytest.mark.ocr
def test_read_binary_ocr_word_boxes_are_rapidocrs_on_level_lines(rapid, lines):
    boxes, crops, rec = lines
    ours, theirs = _both(rapid, boxes, crops, rec)
    assert len(ours) >= 40 and ours == theirs
    assert all(type(a) is type(b) for o, t in zip(ours, theirs) for p, q in zip(o[2], t[2]) for a, b in zip(p, q))


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
