"""A table cell's number read without the recogniser model, from digits the model read on the same page.

Most lines of a table page are cells holding a number, each run through the recogniser (~12 ms
of CPU a cell; a quarter to a third of a table page's CPU: bench/ocr_digits.py).  A page prints its digits in one or two
fonts and sizes, so once the recogniser has read a digit surely, the same digit elsewhere on the
page is the same picture.  ``Templates`` learns those pictures from the recogniser's own readings
(``learn``) and reads a later cell from them (``read``) — only when there is no doubt:

- the cell's ink (Otsu's threshold, clear contrast) splits into glyphs, the connected
  components, none touching the line's edge but a piece of the cell's ruling along its top or
  bottom, and none a speck (``SPECK`` pixels at most) anywhere: the model reads a speck of one
  to four pixels as a point (“746.”, “.0”, at up to 1.0) or doubts the digits beside it (a
  “447” with one pixel above it read at 0.53) wherever it lies, below, above or beside the
  digits, and so may a ruling along the line's side (“447” at 0.81) — until the tenth session
  specks 2 px clear above or below the digits and rulings on any side were left out, and on
  page 4's digit lines 436 of 2,136 such specks the fast path took were read otherwise by the
  model; components above one another are one glyph; every glyph as high as the others (within
  ``HEIGHT_SPREAD``), on one baseline, no wider than high (no touching digits), no gap wider
  than ``MAX_GAP`` of the height: the model reads a space between digits from 0.39 of their
  height (page 4's “769” with a gap of 6 px at 14 px high: “7 69”; the generated report's digits
  from 9 px at 23 px), and a number's own gaps on the bench's pages are at most 0.357 of it (a
  “1”'s side bearings; until the tenth session 0.6 was allowed);
- every glyph matches one digit's templates of its size (height within ``SIZE``, width within
  ``SIZE_W`` or 2 px: a larger or smaller font later on the page matches none) by normalised
  correlation of ≥ ``MATCH``, at least ``MARGIN`` above every other digit's templates of that size.

Anything else — a Chinese character, a dash, a decimal point, a stray mark, touching or broken
digits, a doubtful match, a size not yet learnt — goes to the recogniser as before (and what it
reads surely is learnt).  Templates come only from lines the recogniser read as digits alone, every
digit at ``LEARN`` or more, whose ink splits into as many glyphs as it read digits.

What ``read`` gives is what the recogniser gives: each output step's best class and its
probability, the digits at the steps their glyphs' centres fall in and the blank elsewhere, so
the decoding, the word boxes and everything after are unchanged.  A digit's probability is the
least the recogniser gave any of that digit's templates: never more sure than the model was of
the pictures it is read from, and never below ``LEARN`` — so ocrcheck's doubt (< 0.90) is left to
cells the model reads.  A ``Templates`` lives for one document's reading: its reader (read/pdf.py,
``ocr.read_image``) makes one and passes it with each page, since a scan's pages print their
digits in one face and size and relearning them cost each page its first batch of lines (a page
read alone gets its own).  Nothing is shared between documents or threads, and nothing is shipped
or downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass

LEARN = 0.98         # the recogniser's probability of every digit of a line it is learnt from
MATCH = 0.97         # normalised correlation a glyph needs with its digit's templates
MARGIN = 0.10        # ... above the best of any other digit's
SIZE = 0.12          # a template's height within this share of the glyph's
SIZE_W = 0.25        # and its width within this share (or 2 px)
HEIGHT_SPREAD = 0.15  # a line's glyphs' heights within this share of the tallest
MAX_GAP = 0.36       # no gap between glyphs wider than this share of their height (a space: above)
MIN_HEIGHT = 8       # px: smaller glyphs are the recogniser's
SPECK = 4            # px: ink this small is a speck (or a point): the line goes to the model
RULING = 3           # px: a line this thin along the whole of the line's top or bottom is the cell's ruling
MIN_CONTRAST = 80    # grey levels between the ink's mean and the paper's
PATCH = 24           # a glyph's picture is compared at PATCH × PATCH
MAX_TEMPLATES = 8    # of one digit and size, kept per document (the first learnt)
MAX_KEPT = 400       # templates of a document in all (~1 MB): a long document's sizes are bounded
STEP = 8             # px of the recogniser's input per output step
DIGITS = "0123456789"


@dataclass(frozen=True)
class Glyph:
    x0: int
    x1: int
    top: int
    bottom: int
    picture: object  # PATCH × PATCH float32, zero mean, unit norm

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def width(self) -> int:
        return self.x1 - self.x0


@dataclass(frozen=True)
class Template:
    digit: str
    height: int
    width: int
    picture: object
    confidence: float


def glyphs(line) -> list[Glyph] | None:
    """The glyphs of a cut line (grey or RGB pixels), or None when its ink does not split
    cleanly into glyphs of one size on one baseline."""
    import cv2
    import numpy as np

    gray = np.ascontiguousarray(line if line.ndim == 2 else cv2.cvtColor(line, cv2.COLOR_RGB2GRAY))
    if gray.shape[0] < MIN_HEIGHT + 2 or gray.shape[1] < 3:
        return None
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    dark = ink > 0
    if not dark.any() or dark.all() or float(gray[~dark].mean()) - float(gray[dark].mean()) < MIN_CONTRAST:
        return None
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = ink.shape
    boxes: list[list[int]] = []
    for x, y, bw, bh, area in stats[1:count].tolist():
        if x == 0 or y == 0 or x + bw == w or y + bh == h:
            if bh <= RULING and bw >= 0.8 * w:
                continue  # a piece of the cell's ruling along the line's top or bottom
            return None  # ink cut by the line's edge: a neighbour, a clipped digit, a ruling beside
        if area <= SPECK:
            return None  # a speck, anywhere: the model may read it as a point, or doubt the digits
        boxes.append([x, x + bw, y, y + bh, area])
    if not boxes:
        return None
    boxes.sort()
    merged: list[list[int]] = []
    for box in boxes:  # pieces above one another (a broken stroke) are one glyph
        if merged and box[0] < merged[-1][1]:
            last = merged[-1]
            last[1], last[2], last[3] = max(last[1], box[1]), min(last[2], box[2]), max(last[3], box[3])
        else:
            merged.append(box[:4])
    tallest = max(b[3] - b[2] for b in merged)
    base = max(b[3] for b in merged)
    if tallest < MIN_HEIGHT:
        return None
    out = []
    for i, (x0, x1, top, bottom) in enumerate(merged):
        gh, gw = bottom - top, x1 - x0
        if gh < (1 - HEIGHT_SPREAD) * tallest or base - bottom > HEIGHT_SPREAD * tallest or gw > gh:
            return None
        if i and x0 - merged[i - 1][1] > MAX_GAP * tallest:
            return None
        side = gh + 2
        canvas = np.zeros((side, side), dtype=np.float32)
        left = (side - gw) // 2
        canvas[1:1 + gh, left:left + gw] = 255.0 - gray[top:bottom, x0:x1]
        picture = cv2.resize(canvas, (PATCH, PATCH), interpolation=cv2.INTER_AREA).ravel()
        picture -= picture.mean()
        norm = float(np.linalg.norm(picture))
        if norm == 0:
            return None
        out.append(Glyph(x0, x1, top, bottom, picture / norm))
    return out


class Templates:
    """The digits the recogniser read surely on one page, as pictures (see the module's doc)."""

    def __init__(self) -> None:
        self._by_digit: dict[str, list[Template]] = {}
        self._kept = 0

    def __bool__(self) -> bool:
        return bool(self._by_digit)

    def learn(self, line, text: str, confidences: list[float]) -> None:
        """Take the digits of ``line`` as templates if the recogniser read it (``text``, a
        probability for each character) as digits alone, each at LEARN or more, and its ink
        splits into one glyph for each."""
        if not text or any(c not in DIGITS for c in text) or len(confidences) != len(text):
            return
        if min(confidences) < LEARN:
            return
        found = glyphs(line)
        if found is None or len(found) != len(text):
            return
        for digit, glyph, confidence in zip(text, found, confidences):
            kept = self._by_digit.setdefault(digit, [])
            # Counted by size: a later page (or table) printed in another size learns its own.
            if self._kept < MAX_KEPT and sum(1 for t in kept if _near(t, glyph)) < MAX_TEMPLATES:
                kept.append(Template(digit, glyph.height, glyph.width, glyph.picture, float(confidence)))
                self._kept += 1

    def read(self, line, width: int, height: int):
        """The recogniser's output for ``line`` (each step's best class and its probability, as
        ``ocr._run_rec`` keeps it) when every glyph is surely one learnt digit; else None.
        ``width`` × ``height`` is the line's input to the model (resized to ``height``)."""
        if not self._by_digit:
            return None
        found = glyphs(line)
        if not found:
            return None
        digits = []
        for glyph in found:
            digit = self._match(glyph)
            if digit is None:
                return None
            digits.append(digit)
        from gongkai.read.ocrengine import characters

        chars = characters()
        steps = width // STEP
        scale = height / line.shape[0]  # the line's pixels to the model's input
        best = [0] * steps
        probs = [1.0] * steps  # a blank's probability is not used by the decoding
        previous = None
        for glyph, digit in zip(found, digits):
            step = int((glyph.x0 + glyph.x1) / 2 * scale / STEP)
            if step >= steps or (previous is not None and not 2 <= step - previous <= 5):
                return None  # two digits at one step or next to each other would be read as one
            best[step] = chars.index(digit)
            probs[step] = min(t.confidence for t in self._by_digit[digit])
            previous = step
        return tuple(best), tuple(probs)

    def _match(self, glyph: Glyph) -> str | None:
        """The one digit ``glyph`` surely is, or None."""
        import numpy as np

        scores: dict[str, float] = {}
        for digit, kept in self._by_digit.items():
            near: list = [t.picture for t in kept if _near(t, glyph)]
            if near:
                scores[digit] = float(np.max(np.stack(near) @ glyph.picture))
        if not scores:
            return None
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        digit, score = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else -1.0
        if score < MATCH or score - runner_up < MARGIN:
            return None
        return digit


def _near(template: Template, glyph: Glyph) -> bool:
    """Is ``template`` of ``glyph``'s size (height within SIZE, width within SIZE_W or 2 px)?"""
    return (abs(template.height - glyph.height) <= SIZE * template.height
            and abs(template.width - glyph.width) <= max(2, SIZE_W * template.width))
