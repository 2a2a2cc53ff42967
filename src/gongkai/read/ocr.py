"""Scanned pages and images: RapidOCR (models inside the wheel, offline) plus the table rulings
found with OpenCV, laid out by the same code as text PDFs.

RapidOCR gives a box and a score for every character, so each character lands in its table
cell like a PDF glyph does, and a cell's confidence is its weakest character's.  Rulings are
the long horizontal and vertical runs of dark pixels (morphological opening), which survive
scanning far better than text.  RapidOCR and OpenCV belong to the optional extra ``ocr``.
"""

from __future__ import annotations

import io
import threading
from contextlib import nullcontext

from gongkai.errors import MissingDependency, UnreadableFile
from gongkai.read import limits
from gongkai.read.document import Document
from gongkai.read.layout import Glyph, Segment

INSTALL_HINT = "请安装 OCR 组件：pip install 'gongkai[ocr]'（rapidocr 与 onnxruntime）。"
A4_WIDTH_IN = 8.27
MIN_LINE_PT = 14.0     # a ruling is at least this long (longer than any character stroke)
MAX_SIDE = 4000        # pixels; A4 at 200 dpi is 2339
DET_SIDE = 1600        # pixels: the longest side text detection sees (A4 at ~137 dpi)
MIN_SKEW, MAX_SKEW = 0.1, 5.0  # degrees; less is noise, more is not a skewed scan

_engine = None
_lock = threading.Lock()
# One recognition at a time per process: RapidOCR's engine object is shared and not documented as
# thread-safe (the server runs reads in single-threaded children anyway, see gongkai/isolate.py).
OCR_LOCK = threading.Lock()
# Recognitions at once across processes, bounded by memory rather than by cores: a page's
# recognition peaks at about PAGE_PEAK_MB above the reader's own memory, so ingest gives its
# workers a shared semaphore of ``slots_for_memory()`` (set_slots); None elsewhere.
PAGE_PEAK_MB = 600
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


def _get_engine():
    global _engine
    with _lock:
        if _engine is None:
            from rapidocr import RapidOCR

            # max_side_len: RapidOCR shrinks larger images to 2000 px by default, which loses the
            # strokes of 9 pt table text at 200 dpi (当理由 read as 甲宗); keep full resolution for
            # recognition.  Detection (where the lines are) needs far less: it sees the page at
            # most DET_SIDE pixels long (half the work and ~350 MB less than a 200 dpi page); the
            # lines it finds are cut from the full-resolution page for recognition.
            # One thread per model: a page's CPU time drops by a third (onnxruntime's threads spin
            # while they wait) and the results are the same; pages and files are read in parallel
            # by processes (ingest, the server's read children, parse/check --jobs).
            _engine = RapidOCR(params={"Global.log_level": "error", "Global.return_word_box": True,
                                       "Global.max_side_len": MAX_SIDE,
                                       "Det.limit_type": "max", "Det.limit_side_len": DET_SIDE,
                                       "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                                       "EngineConfig.onnxruntime.inter_op_num_threads": 1})
        return _engine


def rulings(gray, scale: float) -> list[Segment]:
    """Horizontal and vertical table rulings of a grayscale page image, in points."""
    import cv2

    binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    length = max(int(MIN_LINE_PT * scale), 10)
    out: list[Segment] = []
    for orient, kernel in (("h", (length, 1)), ("v", (1, length))):
        mask = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))  # bridge 1-px gaps
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for i in range(1, n):
            x, y, w, h, _area = stats[i]
            if orient == "h" and w >= length and h <= max(12, w // 20):
                out.append(Segment("h", (y + h / 2) / scale, x / scale, (x + w) / scale))
            elif orient == "v" and h >= length and w <= max(12, h // 20):
                out.append(Segment("v", (x + w / 2) / scale, y / scale, (y + h) / scale))
    return out


def skew(gray, scale: float) -> float:
    """Skew of a scanned page in degrees (positive: turned anticlockwise), from its long
    horizontal rulings; 0 when there are none to measure."""
    import cv2
    import numpy as np

    binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    length = max(int(MIN_LINE_PT * scale), 10)
    mask = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (length // 2, 3)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    angles = []
    for i in range(1, n):
        x, y, w, h, _area = stats[i]
        if w < gray.shape[1] * 0.25:
            continue
        ys, xs = np.nonzero(labels[y:y + h, x:x + w] == i)
        if len(xs) < 50:
            continue
        slope = np.polyfit(xs.astype(float), ys.astype(float), 1)[0]
        angles.append(-np.degrees(np.arctan(slope)))
    return float(np.median(angles)) if angles else 0.0


def recognise(image, scale: float) -> tuple[list[Glyph], list[Segment]]:
    """OCR one page image (PIL) rendered at ``scale`` pixels per point."""
    import numpy as np

    gray = np.array(image.convert("L"))
    angle = skew(gray, scale)
    if MIN_SKEW <= abs(angle) <= MAX_SKEW:
        # Straighten first: rulings must be level for the grid, and text lines for OCR.
        image = image.convert("L").rotate(-angle, resample=3, expand=False, fillcolor=255)
        gray = np.array(image)
    segments = rulings(gray, scale)
    engine = _get_engine()
    with OCR_LOCK, (_slots if _slots is not None else nullcontext()):
        result = engine(np.array(image.convert("RGB")))
    glyphs: list[Glyph] = []
    for text, score, box in _words(result.word_results):
        text = (text or "").strip()
        if text:
            xs = [p[0] for p in box]
            ys = [p[1] for p in box]
            x0, x1 = min(xs) / scale, max(xs) / scale
            top, bottom = min(ys) / scale, max(ys) / scale
            glyphs.append(Glyph(text, x0, top, x1, bottom, bottom - top, float(score)))
    return glyphs, [s for s in segments if not any(_within(s, g) for g in glyphs)]


def _words(word_results):
    """(text, score, box) of every recognised character.  RapidOCR's lines are groups of such
    triples, but a page where it finds nothing (a noisy scan) gives one bare empty triple,
    ``('', 1.0, None)``, in place of a group: skipped, like any malformed entry."""
    for line in word_results or ():
        if not isinstance(line, (list, tuple)):
            continue
        for word in line:
            if isinstance(word, (list, tuple)) and len(word) == 3 and word[2] is not None and len(word[2]) >= 1:
                yield word


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
    if not available():
        raise MissingDependency("图片格式的报告需要 OCR 才能读取。" + INSTALL_HINT, name)
    deadline = limits.Deadline(name)
    doc = Document(name=name, form="image")
    pages = []
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
            glyphs, segments = recognise(frame.copy(), scale)
            pages.append(page_layout(number, frame.width / scale, frame.height / scale, glyphs, segments))
    except (OSError, SyntaxError, ValueError):
        raise UnreadableFile("图片文件已损坏或不完整，无法读取。", name) from None
    doc.notes.append("报告是图片，已用 OCR 识别；识别出的数字带置信度，请对照原件核对。")
    build_document(doc, pages)
    from gongkai.read.ocrcheck import flag_doubtful

    doc.notes += flag_doubtful(doc)
    return doc
