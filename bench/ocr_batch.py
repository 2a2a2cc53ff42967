"""OCR: what reading a page's narrow lines in batches saves, and what it changes.

    python bench/ocr_batch.py [--rounds 9]

A table page's numbers are cut as lines narrower than ``ocr.REC_MIN_WIDTH`` and padded to it; the
recogniser reads them ``ocr.REC_BATCH`` at a time (``ocr._recognise_lines``).  For page 4 of the
Huai'an report at 200 dpi, as rendered and as the bench's noisy scan (bench/ocr.py makes both), this
takes the page's distinct narrow lines as ``_recognise_lines`` prepares them and runs the model on
them one at a time (as before the seventh session) and in the batches ``_recognise_lines`` makes,
alternating, ``--rounds`` times in one process: the CPU of each (medians), their ratio, and how far
apart the probabilities are (the largest difference, and how many of each line's best classes — its
characters — differ: none may).  The whole page's figures and the reports' identity are
bench/ocr.py's (``--before REV``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from timing import alternate, line, machine, measure, median  # noqa: E402


def _narrow_inputs(image, scale: float) -> list:
    """The model's inputs for the distinct narrow lines OCR cuts from ``image`` (a page's grey PIL image)."""
    import math

    import cv2
    import numpy as np

    from gongkai.read import ocr

    lines: list = []
    recognise_lines = ocr._recognise_lines

    def spy(crops):
        lines.extend(crops)
        return recognise_lines(crops)

    ocr._recognise_lines = spy
    try:
        ocr.recognise(image, scale)
    finally:
        ocr._recognise_lines = recognise_lines
    out, kept = [], set()
    for crop in lines:
        own = int(math.ceil(48 * crop.shape[1] / crop.shape[0]))
        if max(int(48 * crop.shape[1] / crop.shape[0]), ocr.REC_MIN_WIDTH) != ocr.REC_MIN_WIDTH:
            continue
        resized = cv2.resize(crop, (own, 48))
        if resized.tobytes() not in kept:
            kept.add(resized.tobytes())
            out.append(ocr._rec_input(resized, own, ocr.REC_MIN_WIDTH))
    return [np.ascontiguousarray(x) for x in out]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args()
    import numpy as np
    from ocr import DPI, EXAMPLES, REAL_PDFS, _images, _noisy  # bench/ocr.py's inputs

    from gongkai.read import ocr, ocrengine

    print(machine())
    session = ocrengine.session("rec")
    name = session.get_inputs()[0].name
    page = _images((EXAMPLES / REAL_PDFS[0]).read_bytes(), [4])[0]
    with tempfile.TemporaryDirectory() as tmp:
        from PIL import Image

        noisy = Image.open(_noisy(page, Path(tmp) / "noisy.png"))
        pages = {"page 4 of Huai'an (rendered)": page.copy(), "page 4 as a noisy scan": noisy.copy()}
    for label, image in pages.items():
        xs = _narrow_inputs(image, DPI / 72)
        count = -(-len(xs) // ocr.REC_BATCH)
        batches = [xs[i::count] for i in range(count)]

        def alone(xs=xs):
            return [session.run(None, {name: x[None]})[0][0] for x in xs]

        def batched(batches=batches):
            return [out for batch in batches for out in session.run(None, {name: np.stack(batch)})[0]]

        one, many = alone(), batched()
        order = [x for batch in batches for x in batch]
        first = {id(x): out for x, out in zip(xs, one)}
        apart = max(float(np.abs(first[id(x)] - out).max()) for x, out in zip(order, many))
        changed = sum(int((first[id(x)].argmax(1) != out.argmax(1)).sum()) for x, out in zip(order, many))
        got = alternate({"one at a time": lambda: measure(alone), "in batches": lambda: measure(batched)}, args.rounds)
        print(f"{label}: {len(xs)} distinct lines of {ocr.REC_MIN_WIDTH} px, {len(batches)} batches "
              f"(REC_BATCH {ocr.REC_BATCH})")
        for what, samples in got.items():
            print(line(f"  {what}", samples, per="the lines"))
        print(f"  in batches / one at a time: CPU {median(got['in batches']) / median(got['one at a time']):.2f}×; "
              f"probabilities at most {apart:.1e} apart, {changed} characters changed")


if __name__ == "__main__":
    main()
