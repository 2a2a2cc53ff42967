"""Scanned pages and images: RapidOCR (models inside the wheel, offline) plus the table rulings
found with OpenCV, laid out by the same code as text PDFs.

RapidOCR gives a box and a score for every character, so each character lands in its table
cell like a PDF glyph does, and a cell's confidence is its weakest character's.  Rulings are
the long horizontal and vertical runs of dark pixels (morphological opening), which survive
scanning far better than text.  RapidOCR and OpenCV belong to the optional extra ``ocr``.
"""

from __future__ import annotations

import io
import math
import threading
from contextlib import nullcontext

from gongkai.errors import MissingDependency, UnreadableFile
from gongkai.read import limits, ocrdigits, ocrengine, ocrwords
from gongkai.read.document import Document
from gongkai.read.layout import Glyph, Segment

INSTALL_HINT = "请安装 OCR 组件：pip install 'gongkai[ocr]'（rapidocr 与 onnxruntime）。"
A4_WIDTH_IN = 8.27
MIN_LINE_PT = 14.0     # a ruling is at least this long (longer than any character stroke)
MAX_SIDE = 4000        # pixels; A4 at 200 dpi is 2339
DET_SIDE = 1600        # pixels: the longest side text detection sees (A4 at ~137 dpi)
REC_MIN_WIDTH = 96     # pixels at the recogniser's 48 high: a narrower line is padded to this
ORIENTATION_LINES = 16  # the widest lines of a page whose orientation says if it is upside down
MIN_SKEW, MAX_SKEW = 0.1, 5.0  # degrees; less is noise, more is not a skewed scan
TEXT_SKEW_PIXELS = 400_000  # ink pixels text_skew weighs at most (a text page at 200 dpi: 100–250 thousand)
TEXT_SKEW_LINE = 0.25  # share of the page's width 3 lines must span for text_skew to tell (as a ruling for skew)

_det = None
_lock = threading.Lock()
# One recognition at a time per process: the models' sessions are shared, and onnxruntime's
# arena shrinking after a page is not meant to race another run (the server runs reads in
# single-threaded children anyway, see gongkai/isolate.py).
OCR_LOCK = threading.Lock()
# Recognitions at once across processes, bounded by memory rather than by cores: a page's
# recognition peaks at about PAGE_PEAK_MB above the reader's own memory (its models loaded:
# ~160 MB; a page detected whole — a scan too noisy to plan on its median, text outside the
# tables mostly unclear — still adds ~330 MB of the detector's tensors, a page read by its ink
# lines ~90 MB: bench/ocr.py), so ingest gives its workers a shared semaphore of
# ``slots_for_memory()`` (set_slots); None elsewhere.
PAGE_PEAK_MB = 400
_slots = None


def slots_for_memory(available_mb: float | None = None) -> int:
    """How many pages may be recognised at once with the memory available now (at least one)."""
    if available_mb is None:
        available_mb = _available_mb()
    if available_mb is None:
        return 1 << 16  # unknown: not bounded by memory
    return max(1, int(available_mb // PAGE_PEAK_MB))


def _available_mb() -> float | None:
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def set_slots(semaphore) -> None:
    """Share ``semaphore`` (a multiprocessing one) among this process's recognitions."""
    global _slots
    _slots = semaphore


def available() -> bool:
    """Is the extra installed?  Looked up, not imported: importing it costs a second."""
    from importlib.util import find_spec

    return all(find_spec(m) is not None for m in ("rapidocr", "cv2", "onnxruntime"))


def _detector():
    """The text detector (ocrengine.Detector), made once a process.

    Detection (where the lines are) sees the page at most DET_SIDE pixels long (half the work and
    ~350 MB less than a 200 dpi page); the lines it finds are cut from the full-resolution page
    for recognition (MAX_SIDE: RapidOCR's default of 2000 px loses the strokes of 9 pt table text
    at 200 dpi, 当理由 read as 甲宗).  Less than 1600 loses lines: at 1280 the titles of both Hongze
    reports came apart (no title, no agency); at 1024, sections and cells (bench/ocr.py)."""
    global _det
    if _det is None:
        with _lock:
            if _det is None:
                _det = ocrengine.Detector(DET_SIDE)
    return _det


def _detection_run(detector, x):
    """The detector's probabilities for ``x``; its arena is shrunk back when the run ends."""
    import onnxruntime as ort

    run = ort.RunOptions()
    run.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
    session = detector.session
    return session.run(None, {session.get_inputs()[0].name: x}, run)[0]


def rulings(gray, scale: float) -> list[Segment]:
    """Horizontal and vertical table rulings of a grayscale page image, in points."""
    _one_opencv_thread()
    return _rulings(_binary(gray), scale)[0]


_opencv_threads_set = False


def _one_opencv_thread() -> None:
    """OpenCV's work on a page done in the calling thread alone, once set for the process.  By
    default OpenCV splits each call among a pool of one thread per core; on a page's steps (the
    threshold, the rulings' openings, the cut lines' warps, the detector's resizing) that costs
    more CPU in all than one thread does — the pool's hand-offs — for the same pixels (each is
    computed alike in any stripe): page 4 of the Huai'an report's work outside the models 275 →
    205–245 ms of CPU (medians of 9, load 8).  Pages are read in parallel by processes, not by
    OpenCV's threads, and the models' sessions run on one thread each for the same reason."""
    global _opencv_threads_set
    if not _opencv_threads_set:
        import cv2

        cv2.setNumThreads(1)
        _opencv_threads_set = True


def _binary(gray):
    """The page's ink: 255 where a pixel is darker than its surroundings."""
    import cv2

    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)


def _rulings(binary, scale: float):
    """The rulings of a page's ink (see rulings) and the mask of their pixels."""
    import cv2

    length = max(int(MIN_LINE_PT * scale), 10)
    out: list[Segment] = []
    masks = None
    for orient, kernel in (("h", (length, 1)), ("v", (1, length))):
        mask = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))  # bridge 1-px gaps
        masks = mask if masks is None else cv2.bitwise_or(masks, mask)
        for _, _, stats in _components(mask, orient == "h"):
            for x, y, w, h, _area in stats:
                if orient == "h" and w >= length and h <= max(12, w // 20):
                    out.append(Segment("h", (y + h / 2) / scale, x / scale, (x + w) / scale))
                elif orient == "v" and h >= length and w <= max(12, h // 20):
                    out.append(Segment("v", (x + w / 2) / scale, y / scale, (y + h) / scale))
    return out, masks


def _components(mask, by_rows: bool):
    """The 8-connected components of ``mask`` (cv2.connectedComponentsWithStats), found band by
    band: the runs of rows (``by_rows``; else of columns) that hold any pixel.  No component
    crosses an empty row or column, so these are the whole mask's components (in another order:
    the callers do not depend on it), and the rest of the page — nearly all of it, for a mask of
    rulings — is not labelled at all (a third of the page's OpenCV time: three full-page labellings
    of ~30 ms each).  Yields (first row or column of the band, its labels, its components' stats
    as Python ints — x, y, width, height, area on the page — background left out)."""
    import cv2
    import numpy as np

    inked = np.flatnonzero(mask.max(axis=1 if by_rows else 0))  # numpy's max: 0.2 ms, cv2.reduce's 4–20
    if not len(inked):
        return
    breaks = np.flatnonzero(np.diff(inked) > 1)
    for a, b in zip([inked[0], *inked[breaks + 1]], [*inked[breaks], inked[-1]]):
        a, b = int(a), int(b)
        band = mask[a:b + 1] if by_rows else np.ascontiguousarray(mask[:, a:b + 1])
        _, labels, stats, _ = cv2.connectedComponentsWithStats(band, connectivity=8)
        stats = stats[1:].tolist()
        for row in stats:
            row[1 if by_rows else 0] += a
        yield a, labels, stats


def skew(gray, scale: float, binary=None) -> float:
    """Skew of a scanned page in degrees (positive: turned anticlockwise), from its long
    horizontal rulings; 0 when there are none to measure.  ``binary``: _binary(gray) if made."""
    return _ruling_skew(gray, scale, binary) or 0.0


def _ruling_skew(gray, scale: float, binary=None) -> float | None:
    """skew, or None when the page has no long horizontal ruling to measure it by."""
    import cv2
    import numpy as np

    if binary is None:
        binary = _binary(gray)
    length = max(int(MIN_LINE_PT * scale), 10)
    mask = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (length // 2, 3)))
    angles = []
    for top, labels, stats in _components(mask, True):
        for i, (x, y, w, h, _area) in enumerate(stats, start=1):
            if w < gray.shape[1] * 0.25:
                continue
            ys, xs = np.nonzero(labels[y - top:y - top + h, x:x + w] == i)
            if len(xs) < 50:
                continue
            slope = np.polyfit(xs.astype(float), ys.astype(float), 1)[0]
            angles.append(-np.degrees(np.arctan(slope)))
    if not angles:
        return None
    # The median as np.median computes it (the mean of the two middle values), without its first
    # call importing numpy.ma (0.1–0.2 s of CPU in every process that reads a scan).
    angles.sort()
    middle = len(angles) // 2
    return float(angles[middle] if len(angles) % 2 else (angles[middle - 1] + angles[middle]) / 2)


def recognise(image, scale: float, digits=None) -> tuple[list[Glyph], list[Segment]]:
    """OCR one page image (PIL) rendered at ``scale`` pixels per point.  ``digits``: the
    ocrdigits.Templates of the document the page belongs to (its reader makes one a document and
    passes it with each page, so a page reads its numbers from the digits its document's earlier
    pages taught); None, a page on its own: templates for this page alone."""
    import numpy as np

    _one_opencv_thread()
    gray = np.array(image.convert("L"))
    binary = _binary(gray)
    angle = _ruling_skew(gray, scale, binary)
    if angle is None:  # no long ruling: the text's lines tell
        angle = text_skew(binary)
    if MIN_SKEW <= abs(angle) <= MAX_SKEW:
        # Straighten first: rulings must be level for the grid, and text lines for OCR (until
        # the seventh session only pages with rulings were, and a page without them turned 0.1°
        # or more was detected whole: ocrgrid.TURNED).
        image = image.convert("L").rotate(-angle, resample=3, expand=False, fillcolor=255)
        gray = np.array(image)
        binary = None
    picture = gray if image.mode in ("L", "1") else np.array(image.convert("RGB"))  # grey: one channel
    del image
    with OCR_LOCK, (_slots if _slots is not None else nullcontext()):
        words, segments = _read_words(picture, gray, scale, binary, digits=digits)
    del picture, gray, binary
    glyphs: list[Glyph] = []
    for text, score, box in words:
        text = (text or "").strip()
        if text:
            xs = [p[0] for p in box]
            ys = [p[1] for p in box]
            x0, x1 = min(xs) / scale, max(xs) / scale
            top, bottom = min(ys) / scale, max(ys) / scale
            glyphs.append(Glyph(text, x0, top, x1, bottom, bottom - top, float(score)))
    return glyphs, [s for s in segments if not any(_within(s, g) for g in glyphs)]


def _read_words(picture, gray, scale: float, binary=None, turned: bool = False, digits=None):
    """(text, score, box) of every character read on a page picture (grey H×W, or RGB; ``gray``
    is its grey, ``binary`` its _binary if made), and the page's rulings (points) as read: turned
    by 180° if it was upside down.

    The page's lines are cut from it by their ink where they are clear (ocrgrid.plan: the
    tables' cells, and the text outside the tables line by line), and text detection sees only
    the regions that are not (a table mostly in unclear cells is one such region).  A noisy scan
    is planned on its cleaned binary (_plan_page).  A page ocrgrid cannot plan (a noisy scan whose
    cleaned plan still leaves much to the detector, mostly unclear text outside the tables, lines
    that still climb) is detected whole.

    RapidOCR's steps, models and post-processing, driven here for cost: the page stays grey (one
    channel, not three copies of it); inputs are normalised through a 256-entry table (the same
    float32 values RapidOCR computes, without its float64 temporaries of the page's size); and each
    line is recognised alone at its own width (at least REC_MIN_WIDTH).  RapidOCR pads every line
    of a batch of six to the widest and to at least 320 pixels: a table cell of one digit, about 40
    pixels wide at the recogniser's height, cost eight times its size, and what was read depended
    on which lines shared its batch.  At its own width (about 40 pixels) or padded to 48, one digit
    alone is misread (0 as O or nothing); padded to 64 or more every cell of every scan in
    bench/ocr.py reads as before; REC_MIN_WIDTH keeps a margin above that.

    Orientation is decided for the page, not for each line: RapidOCR turned any line its
    classifier called upside down (score > 0.9), which on upright pages turned two lines of 1,557
    (a preamble line read as “（《国》）（国）《国”, a column head 企业 read as 不), and on an
    upside-down page left the lines in reverse order.  Here the widest lines are classified; if
    most are upside down, the whole page is turned and read again.
    """
    import numpy as np

    from gongkai.read.ocrengine import get_rotate_crop_image

    segments, plan = _plan(gray, scale, binary)
    del binary
    img, ratio_h, ratio_w = ocrengine.resize_image_within_bounds(picture, ocrengine.MIN_SIDE_LEN, MAX_SIDE)
    op_record = {"preprocess": {"ratio_h": ratio_h, "ratio_w": ratio_w}}
    img, op_record = ocrengine.apply_vertical_padding(img, op_record, ocrengine.WIDTH_HEIGHT_RATIO,
                                                      ocrengine.MIN_HEIGHT)
    if img.shape[:2] != gray.shape[:2]:  # resized or padded: the plan's pixels are not the picture's
        plan = None
    detector = _detector()
    if plan is None:
        boxes, scores = _detect(detector, img)
    else:
        boxes, scores = _detect_regions(detector, img, plan.regions)
        boxes += plan.lines
        scores += [1.0] * len(plan.lines)
        boxes = detector.sorted_boxes(np.array(boxes, dtype=np.float32)) if boxes else None
    if boxes is None:
        return [], segments
    crops = [get_rotate_crop_image(img, box.copy()) for box in boxes]
    del img
    if not turned and _upside_down(crops):
        return _read_words(np.ascontiguousarray(picture[::-1, ::-1]), np.ascontiguousarray(gray[::-1, ::-1]),
                           scale, turned=True, digits=digits)
    rec_res = _recognise_lines(crops, digits)
    return ocrwords.words(picture.shape, boxes, scores, rec_res, [c.shape[:2] for c in crops], op_record), segments


def _plan(gray, scale: float, binary=None):
    """The rulings (points) of a page's grey image and where its text is to be read (ocrgrid.plan:
    None when the page is detected whole).  ``binary``: _binary(gray) if made."""
    from gongkai.read import ocrgrid

    segments, got = _plan_page(gray, scale, binary)
    return segments, got if isinstance(got, ocrgrid.Plan) else None


def _plan_page(gray, scale: float, binary=None):
    """(the rulings, ocrgrid.plan's Plan or Whole) of a page's grey image.

    A noisy scan (grey paper with grain, specks of dust: ocrgrid.NOISY) is planned on a cleaned
    binary: the grey page's 3×3 median (which takes out specks smaller than a stroke and the
    paper's grain, and keeps strokes 2 px wide and more) thresholded as the page is.  Only the
    plan is made from it — which boxes to cut, which regions to detect; the rulings are the
    page's own and every line is cut from the page as it is (cut from the median or a blurred
    page, rows read worse).  A cell's line is cut with NOISY_MARGIN_PT around its ink instead of
    LINE_MARGIN_PT (and short of the ink of the lines above and below it in its cell): in a box
    this tight a noisy, blurred “1” was read “一” or “二” (its detector box, wider, read it
    right).  The cleaned plan is used only when it finds no ink beside a table and leaves at
    most NOISY_REGIONS of the page to the detector: noisier pages (noise of 8 grey levels) left
    whole tables and margins as regions, and those read worse than the whole page detected; the
    published reports' clean pages leave up to 19% (cells whose text touches the rulings), and
    Hongze 2023's page 3 made noisy 13–16% (all 101 cells as its clean reading, planned or
    detected whole, on three noise draws).  Measured on page 4 of the
    Huai'an report made noisy as bench/ocr.py makes it (grey paper, noise of 3 and 5 grey
    levels, specks, turned 0.6°; four seeds each), against its clean reading: 5 cells wrong in
    all (one row, on one page, misread the same way detected whole), where the whole page
    detected misread 24 (0–9 a page; docs/performance.md, OCR)."""
    from gongkai.read import ocrgrid

    if binary is None:
        binary = _binary(gray)
    segments, masks = _rulings(binary, scale)
    got = ocrgrid.plan(binary, _ink(binary, masks), segments, scale)
    if isinstance(got, ocrgrid.Whole) and got.reason == ocrgrid.NOISY:
        import cv2

        clean = _binary(cv2.medianBlur(gray, 3))
        cleaned = ocrgrid.plan(clean, _ink(clean, _rulings(clean, scale)[1]), segments, scale, noisy=True)
        if isinstance(cleaned, ocrgrid.Plan) and sum((c - a) * (d - b) for a, b, c, d in cleaned.regions) \
                <= ocrgrid.NOISY_REGIONS * gray.shape[0] * gray.shape[1]:
            got = cleaned
    return segments, got


def text_skew(binary) -> float:
    """Skew of a page in degrees (positive: turned anticlockwise) from its text: the angle at
    which the rows of its ink are sharpest (the sum of squares of the counts of ink pixels a row,
    the rows taken along the angle), searched within MAX_SKEW in steps of 0.25° (on every eighth
    ink pixel), then 0.05° and 0.01° around the best (on all, at most TEXT_SKEW_PIXELS).  ~30–50
    ms a page at 200 dpi; within 0.07° of the turn (most within 0.03°) on every page of the
    published reports turned 0.15–2.5°; 0 unless three of its lines, at that angle, span
    TEXT_SKEW_LINE of the page's width.  For pages without long rulings (recognise)."""
    import numpy as np

    ys, xs = np.nonzero(binary)
    if len(ys) < 100:
        return 0.0
    thin = -(-len(ys) // TEXT_SKEW_PIXELS)  # a page of ink (a photo, a dark scan): every thin-th pixel
    ys, xs = ys[::thin].astype(np.float32), xs[::thin].astype(np.float32)

    def sharpness(angle: float, every: int) -> float:
        rows = ys[::every] + xs[::every] * np.float32(math.tan(math.radians(angle)))
        counts = np.bincount((rows - rows.min()).astype(np.int64)).astype(np.float64)
        return float(counts @ counts)

    best = 0.0
    for span, step, every in ((MAX_SKEW, 0.25, 8), (0.25, 0.05, 1), (0.05, 0.01, 1)):
        n = round(span / step)
        best = max((best + k * step for k in range(-n, n + 1)), key=lambda a: (sharpness(a, every), -abs(a)))
    # Only lines across the page tell the angle (as only long rulings do): a page of a few short
    # lines (a signature and a date) is sharpest at whatever angle lines up its scraps (-3.7° and
    # -1.7° for the last lines of two published reports).
    rows = ys + xs * np.float32(math.tan(math.radians(best)))
    rows = (rows - rows.min()).astype(np.int64)
    inked = np.flatnonzero(np.bincount(rows))
    breaks = np.flatnonzero(np.diff(inked) > 2)
    line = np.searchsorted(inked[np.concatenate(([0], breaks + 1))], rows, side="right") - 1
    left = np.full(len(breaks) + 1, np.inf, dtype=np.float32)
    right = np.full(len(breaks) + 1, -np.inf, dtype=np.float32)
    np.minimum.at(left, line, xs)
    np.maximum.at(right, line, xs)
    if np.count_nonzero(right - left >= TEXT_SKEW_LINE * binary.shape[1]) < 3:
        return 0.0
    return round(best, 2)


def _ink(binary, masks):
    """The text's ink alone: ``binary`` without the rulings' pixels (and without strokes as long
    as rulings: ocrgrid puts them back)."""
    ink = binary.copy()
    ink[masks > 0] = 0
    return ink


def _upside_down(crops) -> bool:
    """Do most of the widest lines read upside down (the classifier sure of it)?"""
    widest = sorted(crops, key=lambda c: c.shape[1] / c.shape[0], reverse=True)[:ORIENTATION_LINES]
    got = ocrengine.classify([_three(c) for c in widest])
    return sum("180" in label and score > ocrengine.CLS_THRESH for label, score in got) * 2 > len(got)


def _three(img):
    """A grey picture as the three equal channels the models take (colour ones as they are)."""
    import numpy as np

    return np.repeat(img[:, :, None], 3, axis=2) if img.ndim == 2 else img


_luts: dict = {}


def _lut(key, make):
    """A normalisation table (256 float32 values, one per grey level), made once."""
    table = _luts.get(key)
    if table is None:
        table = _luts[key] = make()
    return table


def _detect(detector, img, ratio: float | None = None):
    """Text boxes of ``img`` (sorted as RapidOCR sorts them), or (None, None) when there are none;
    ``img`` is shrunk by ``ratio`` if given, else as RapidOCR does (to at most DET_SIDE)."""
    import cv2
    import numpy as np

    h, w = img.shape[:2]
    if ratio is None:
        small = detector.resize(img)
        if small is None:
            return None, None
    else:  # DetPreProcess.resize with the ratio given
        small = cv2.resize(img, (max(round(int(w * ratio) / 32) * 32, 32), max(round(int(h * ratio) / 32) * 32, 32)))
    # DetPreProcess.normalize: (v * (1/255) in float32 - mean) / std in float64, then float32.
    mean, std = np.asarray(detector.mean, dtype=np.float64), np.asarray(detector.std, dtype=np.float64)
    lut = _lut(("det", tuple(mean), tuple(std)),
               lambda: ((np.arange(256).astype("float32")[:, None] * (1 / 255.0) - mean) / std).astype(np.float32))
    x = np.empty((1, 3, *small.shape[:2]), dtype=np.float32)
    for c in range(3):
        x[0, c] = lut[:, c][small if small.ndim == 2 else small[:, :, c]]
    del small
    preds = _detection_run(detector, x)
    del x
    boxes, scores = detector.postprocess(preds, (h, w))
    if len(boxes) < 1:
        return None, None
    return detector.sorted_boxes(boxes), scores


def _detect_regions(detector, img, regions):
    """Text boxes (page pixels) and scores in the rectangles (left, top, right, bottom) of ``img``:
    each is detected alone at the scale the whole page would be (DET_SIDE), framed in white."""
    import numpy as np

    from gongkai.read.ocrgrid import BAND_PAD

    h, w = img.shape[:2]
    ratio = min(1.0, DET_SIDE / max(h, w))
    boxes: list = []
    scores: list = []
    for left, top, right, bottom in regions:
        region = np.full((bottom - top + 2 * BAND_PAD, right - left + 2 * BAND_PAD, *img.shape[2:]), 255,
                         dtype=img.dtype)
        region[BAND_PAD:BAND_PAD + bottom - top, BAND_PAD:BAND_PAD + right - left] = img[top:bottom, left:right]
        found, got = _detect(detector, region, ratio)
        if found is not None:
            for box in found:
                box[:, 0] = np.clip(box[:, 0] + (left - BAND_PAD), 0, w)
                box[:, 1] = np.clip(box[:, 1] + (top - BAND_PAD), 0, h)
            boxes += list(found)
            scores += list(got)
    return boxes, scores


# What the recogniser gave for a line's input (each step's best class and its probability), by
# that input: its width and the resized line's pixels (their BLAKE2b-256 digest).  A line whose
# input is pixel for pixel one already read gives the same output from the same model, so it is
# not run again — the cells of a table page rendered from a PDF repeat (page 4 of the Huai'an
# report: 64 of 136 lines, 6,205 of 20,951 px); on a paper scan they hardly ever do.  Kept for
# the process (the same digits recur from page to page), at most _SEEN_MAX_STEPS of the model's
# output steps (8 px of line each; ~70 bytes a step as Python numbers: ~7 MB).
_seen: dict = {}
_SEEN_MAX_STEPS = 100_000
_seen_steps = 0
# Lines padded to REC_MIN_WIDTH (a table's numbers: 877 of the 1,307 lines of bench/ocr.py's
# published and generated scans) are read REC_BATCH at a time, in one run of the model: the same
# instructions (callgrind), ~10% less CPU (the model's weights are fetched once for the batch).  A
# batch sums some products in another order than a run of one line: the probabilities differ by at
# most ~3×10⁻⁶ (a stored confidence, rounded to 5 decimals, by at most 1×10⁻⁵), and in a batch of
# two or more a line's output is the same whatever its batch holds (its size, the other lines,
# its place: tested), so a lone narrow line is read beside a copy of itself — what the model reads
# from a line depends on its pixels alone, never on the page or the process's past.  Wider lines
# are read alone: they rarely share a width, and their call's overhead is a smaller part of them.
REC_BATCH = 8
# A narrow line of digits alone is read from the digits the model read surely earlier in the same
# document (on this page or an earlier one: a scan's pages share one face and size) when its glyphs
# match them beyond doubt (ocrdigits: the same text, a confidence of those templates' — so that
# depends on the document, never on another document, thread or the process's past); False: every
# line is run (bench/ocr_digits.py --verify compares the two).
FAST_DIGITS = True


def _recognise_lines(lines, digits=None):
    """The recogniser's reading of ``lines`` (ocrengine.Lines), each at its own width (see
    _read_words): resized to the model's height, normalised as TextRecognizer.resize_norm_img
    does (float32: v / 255, - 0.5, / 0.5), padded with zeros to REC_MIN_WIDTH if narrower, and
    decoded as its CTCLabelDecode decodes (each step's best character and its probability: the
    value at the argmax, which is the maximum ``CTCLabelDecode.__call__`` takes in a second pass).
    A line whose input was read before is not run again (_seen); lines of REC_MIN_WIDTH are read
    in batches (REC_BATCH), in the page's order, and each is first offered to the digits the
    recogniser has read surely on this page or the document's earlier pages so far (``digits``,
    the document's ocrdigits.Templates; None: this call's own — a cell's number read from them,
    never doubtful; anything else is run)."""
    import math
    from hashlib import blake2b

    import cv2
    import numpy as np

    _, height, _ = ocrengine.REC_SHAPE
    keys = []
    todo: dict = {}  # key -> (resized line, its own width) of a line not read before (one per input)
    got: dict = {}   # key -> what the model gave for it (kept here too: _seen may be cleared)
    narrow: dict = {}  # key -> the cut line, of each input of REC_MIN_WIDTH
    for line in lines:
        h, w = line.shape[:2]
        ratio = w / float(h)
        width = max(int(height * ratio), REC_MIN_WIDTH)
        own = min(width, int(math.ceil(height * ratio)))
        resized = cv2.resize(line, (own, height))
        key = (width, resized.shape, resized.dtype.str, blake2b(resized.tobytes(), digest_size=32).digest())
        keys.append((key, ratio, width))
        if key in got or key in todo:
            continue
        if width == REC_MIN_WIDTH:
            narrow[key] = line
            todo[key] = resized, own
            continue
        seen = _seen.get(key)
        if seen is not None:
            got[key] = seen
        else:
            todo[key] = resized, own
    for key in [key for key in todo if key[0] != REC_MIN_WIDTH]:
        _run_rec([key], todo, got)
    _read_narrow(narrow, todo, got, digits if digits is not None else ocrdigits.Templates())
    decode = ocrengine.decode_line
    txts, scores, words = [], [], []
    for key, ratio, width in keys:
        best, probs = got[key]
        (text, score), word = decode(np.array(best, dtype=np.int64), np.array(probs, dtype=np.float32), ratio,
                                     width / height)
        txts.append(text)
        scores.append(score)
        words.append(word)
    return ocrengine.Lines(tuple(txts), scores, tuple(words))


def _read_narrow(narrow: dict, todo: dict, got: dict, templates) -> None:
    """Read the lines of REC_MIN_WIDTH (``narrow``: key -> the cut line), in order: each from the
    document's digits learnt so far (``templates``, ocrdigits.Templates) if they read it surely,
    else from _seen, else by the model, REC_BATCH at a time; the digits of every line the model
    read (now or before) are learnt, a batch at a time."""
    import numpy as np

    _, height, _ = ocrengine.REC_SHAPE

    def learn(key) -> None:
        best, probs = got[key]
        (text, _), info = ocrengine.decode_line(np.array(best, dtype=np.int64), np.array(probs, dtype=np.float32),
                                                1.0, 1.0)
        templates.learn(narrow[key], text, info.confs)

    def run(queue: list) -> None:
        unread = [key for key in queue if key not in got]
        if unread:
            _run_rec(unread, todo, got)

    # A line read before (_seen) takes its place in a batch as if it were run, and its digits are
    # learnt when the batch's are: so which lines the templates read, and so each cell's
    # confidence, is the same whatever the process read before (it learnt at once, and the first
    # reading of a page in a process differed from the next ones).
    queue: list = []
    for key, line in narrow.items():
        steps = templates.read(line, REC_MIN_WIDTH, height) if FAST_DIGITS else None
        if steps is not None:
            got[key] = steps  # not kept in _seen: what the model gives is kept there only
            continue
        seen = _seen.get(key)
        if seen is not None:
            got[key] = seen
        queue.append(key)
        if len(queue) == REC_BATCH:
            run(queue)
            for done in queue:
                learn(done)
            queue = []
    if queue:
        run(queue)


def _rec_input(resized, own: int, width: int):
    """The model's input for one line (``resized`` to its height, ``own`` pixels wide): its values
    normalised through a table, in three channels, padded with zeros to ``width``."""
    import numpy as np

    _, height, _ = ocrengine.REC_SHAPE
    lut = _lut("rec", lambda: ((np.arange(256).astype("float32") / 255 - 0.5) / 0.5).astype(np.float32))
    x = np.zeros((3, height, width), dtype=np.float32)
    if resized.ndim == 2:
        x[:, :, :own] = lut[resized]  # a grey line: the same values in the three channels
    else:
        for c in range(3):
            x[c, :, :own] = lut[resized[:, :, c]]
    return x


def _run_rec(batch: list, lines: dict, got: dict) -> None:
    """Run the recogniser once on the lines ``batch`` names (keys of ``lines``: (resized line, its
    own width); all of one width, the key's first item; a lone line of REC_MIN_WIDTH beside a copy
    of itself: see REC_BATCH) and keep each one's steps' best classes and their probabilities in
    ``got`` and _seen."""
    import numpy as np

    global _seen_steps
    session = ocrengine.session("rec")
    rows = [_rec_input(lines[key][0], lines[key][1], key[0]) for key in batch]
    if len(rows) == 1 and batch[0][0] == REC_MIN_WIDTH:
        rows = rows * 2
    preds = session.run(None, {session.get_inputs()[0].name: np.stack(rows)})[0]
    for key, out in zip(batch, preds):
        best = out.argmax(axis=1)
        # Kept as Python numbers, not small numpy arrays: their buffers, malloc'ed between the
        # model's large outputs, would pin the heap (page 4: 74 MB more resident).
        steps = got[key] = tuple(best.tolist()), tuple(np.take_along_axis(out, best[:, None], axis=1)[:, 0].tolist())
        if _seen_steps + len(best) > _SEEN_MAX_STEPS:
            _seen.clear()
            _seen_steps = 0
        _seen[key] = steps
        _seen_steps += len(best)


def _within(s: Segment, g: Glyph) -> bool:
    """Is this "ruling" a stroke of a character?  A heavy title face at 20 pt and more has
    strokes longer than MIN_LINE_PT; kept, they box the title's characters into tiny tables
    and take them out of the text (淮安市人民政府 read as 人民政).  A table ruling is never
    wholly inside one character's box."""
    tol = 0.2 * (g.bottom - g.top)
    if s.orient == "h":
        return g.top - tol <= s.pos <= g.bottom + tol and s.a >= g.x0 - tol and s.b <= g.x1 + tol
    return g.x0 - tol <= s.pos <= g.x1 + tol and s.a >= g.top - tol and s.b <= g.bottom + tol


def _dpi(frame) -> float:
    """The image's resolution; photos and screenshots claim 72 or 96 dpi, so an implausible
    value is replaced by the resolution at which the short side is an A4 page's width."""
    try:
        dpi = float((frame.info.get("dpi") or (0, 0))[0])
    except (TypeError, ValueError):
        dpi = 0.0
    if 100 <= dpi <= 1200:
        return dpi
    return max(min(frame.width, frame.height) / A4_WIDTH_IN, 50.0)


def read_image(data: bytes, name: str) -> Document:
    """A photographed or scanned report as PNG/JPEG/TIFF (several pages in one TIFF)."""
    from importlib.util import find_spec

    # Checked before Pillow is imported: without the extra there may be no Pillow either.
    if not available() or find_spec("PIL") is None:
        raise MissingDependency("图片格式的报告需要 OCR 才能读取。" + INSTALL_HINT, name)
    from PIL import Image, ImageSequence

    from gongkai.read.assemble import build_document, page_layout

    try:
        picture = Image.open(io.BytesIO(data))  # reads the header only
    except Image.DecompressionBombError:
        raise UnreadableFile("图片像素过多，疑似“解压炸弹”，已拒绝读取。", name) from None
    except (OSError, SyntaxError, ValueError):
        raise UnreadableFile("图片文件已损坏、不完整或格式无法识别，无法读取。", name) from None
    if picture.width * picture.height > limits.MAX_IMAGE_PIXELS:
        raise UnreadableFile(f"图片有 {picture.width}×{picture.height} 像素，超过 "
                             f"{limits.MAX_IMAGE_PIXELS // 1_000_000} 百万像素的上限，已拒绝读取。", name)
    deadline = limits.Deadline(name)
    doc = Document(name=name, form="image")
    pages = []
    digits = ocrdigits.Templates()  # learnt on this document's pages, for its later pages
    try:
        # Frames one at a time (a TIFF may hold many pages): only one is in memory.
        for number, frame in enumerate(ImageSequence.Iterator(picture), start=1):
            if number > limits.MAX_PAGES:
                raise UnreadableFile(f"图片有超过 {limits.MAX_PAGES} 页，不像是一份年度报告。", name)
            if frame.width * frame.height > limits.MAX_IMAGE_PIXELS:
                raise UnreadableFile(f"图片有 {frame.width}×{frame.height} 像素，超过 "
                                     f"{limits.MAX_IMAGE_PIXELS // 1_000_000} 百万像素的上限，已拒绝读取。", name,
                                     f"第{number}页")
            deadline.allow(limits.OCR_PAGE_SECONDS)
            deadline.check(f"第{number}页")
            scale = _dpi(frame) / 72
            glyphs, segments = recognise(frame.copy(), scale, digits)
            pages.append(page_layout(number, frame.width / scale, frame.height / scale, glyphs, segments, scanned=True))
    except (OSError, SyntaxError, ValueError):
        raise UnreadableFile("图片文件已损坏或不完整，无法读取。", name) from None
    doc.notes.append("报告是图片，已用 OCR 识别；识别出的数字带置信度，请对照原件核对。")
    build_document(doc, pages)
    from gongkai.read.ocrcheck import flag_doubtful

    doc.notes += flag_doubtful(doc)
    return doc
