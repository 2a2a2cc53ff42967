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

from gongkai.errors import MissingDependency, UnreadableFile
from gongkai.read import limits
from gongkai.read.document import Document
from gongkai.read.layout import Glyph, Segment

INSTALL_HINT = "请安装 OCR 组件：pip install 'gongkai[ocr]'（rapidocr 与 onnxruntime）。"
IMAGE_DPI = 200        # assumed for images that do not say
MIN_LINE_PT = 14.0     # a ruling is at least this long (longer than any character stroke)
MAX_SIDE = 4000        # pixels; A4 at 200 dpi is 2339

_engine = None
_lock = threading.Lock()


def available() -> bool:
    try:
        import cv2  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


def _get_engine():
    global _engine
    with _lock:
        if _engine is None:
            from rapidocr import RapidOCR

            # max_side_len: RapidOCR shrinks larger images to 2000 px by default, which loses the
            # strokes of 9 pt table text at 200 dpi (当理由 read as 甲宗); keep full resolution.
            _engine = RapidOCR(params={"Global.log_level": "error", "Global.return_word_box": True,
                                       "Global.max_side_len": MAX_SIDE})
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


def recognise(image, scale: float) -> tuple[list[Glyph], list[Segment]]:
    """OCR one page image (PIL) rendered at ``scale`` pixels per point."""
    import numpy as np

    gray = np.array(image.convert("L"))
    segments = rulings(gray, scale)
    result = _get_engine()(np.array(image.convert("RGB")))
    glyphs: list[Glyph] = []
    for line in result.word_results or ():
        for text, score, box in line:
            text = (text or "").strip()
            if not text:
                continue
            xs = [p[0] for p in box]
            ys = [p[1] for p in box]
            x0, x1 = min(xs) / scale, max(xs) / scale
            top, bottom = min(ys) / scale, max(ys) / scale
            glyphs.append(Glyph(text, x0, top, x1, bottom, bottom - top, float(score)))
    return glyphs, segments


def read_image(data: bytes, name: str) -> Document:
    """A photographed or scanned report as PNG/JPEG/TIFF (several pages in one TIFF)."""
    if not available():
        raise MissingDependency("图片格式的报告需要 OCR 才能读取。" + INSTALL_HINT, name)
    from PIL import Image, ImageSequence

    from gongkai.read.assemble import build_document
    from gongkai.read.pdf import page_layout

    import warnings

    Image.MAX_IMAGE_PIXELS = limits.MAX_IMAGE_PIXELS // 2  # Pillow refuses at twice this, warns above
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data))
            picture.size  # noqa: B018 - the header is checked on open
        frames = []
        for i, frame in enumerate(ImageSequence.Iterator(picture)):
            if i >= limits.MAX_PAGES:
                raise UnreadableFile(f"图片有超过 {limits.MAX_PAGES} 页，不像是一份年度报告。", name)
            frames.append((frame.copy(), (frame.info.get("dpi") or (IMAGE_DPI, IMAGE_DPI))[0] or IMAGE_DPI))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UnreadableFile(f"图片超过 {limits.MAX_IMAGE_PIXELS // 1_000_000} 百万像素，疑似“解压炸弹”，已拒绝读取。",
                             name) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise UnreadableFile(f"无法读取图片：{exc}", name) from None
    deadline = limits.Deadline(name)
    doc = Document(name=name, form="image")
    pages = []
    for number, (frame, dpi) in enumerate(frames, start=1):
        deadline.allow(limits.OCR_PAGE_SECONDS)
        deadline.check(f"第{number}页")
        scale = float(dpi) / 72
        glyphs, segments = recognise(frame, scale)
        pages.append(page_layout(number, frame.width / scale, frame.height / scale, glyphs, segments))
    doc.notes.append("报告是图片，已用 OCR 识别；识别出的数字带置信度，请对照原件核对。")
    build_document(doc, pages)
    from gongkai.read.ocrcheck import flag_doubtful

    doc.notes += flag_doubtful(doc)
    return doc
