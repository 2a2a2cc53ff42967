"""OCR: how much of the recogniser's work is cells that hold only a number.

    python bench/ocr_digits.py [--keep DIR] [--only NAMES] [--verify] [--draws]

For every scan bench/ocr.py makes (the published reports at 200 dpi, the single pages, the
generated scan and its photo, the pages with notes, noisy and turned), read in this process one
after another (the recogniser's memo of lines read before, ``ocr._seen``, cleared before each
input, so a file pays for its own lines): every line the recogniser is given, its width at the
model's height, what it read, and the CPU of the model's runs it took (a batch's CPU shared
evenly among its lines; a line whose input repeats pixel for pixel costs nothing).  Printed per
input: the lines, the digit-only ones (what was read is 0-9 only), and the CPU of the reading, of
the model's runs and of those runs that were digit-only lines — and what a page would cost if
those lines were free (the bound of any fast path for numbers), and how many lines the fast path
(``ocrdigits``) took.

With ``--verify`` every line the fast path takes is also run through the recogniser (alone, beside
a copy of itself, as a lone narrow line is run) and the two readings compared: the text, and the
confidence the cell would store (its weakest digit's) — a line read differently, or one the model
reads below ocrcheck's 0.90 (a doubt the fast path would hide), is printed.  Timings then mean nothing.
``--draws`` adds three table pages made noisy at 3, 5 and 8 grey levels with other seeds (DRAWS).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "src"), str(ROOT)]

from ocr import EXAMPLES, REAL_PDFS, _images, _noisy, _pages, _warm_detector, _warm_image, make_inputs  # noqa: E402
from timing import machine  # noqa: E402

DIGITS = re.compile(r"[0-9]+")
# --draws: table pages made noisy as bench/ocr.py's _noisy makes page 4 (turned 0.6°, blurred, grey
# paper, specks), with other noise levels and seeds: (PDF, page) × (σ grey levels, seed).
DRAW_PAGES = [(REAL_PDFS[0], 4), (REAL_PDFS[1], 3), (REAL_PDFS[2], 4)]
DRAWS = [(3, 4), (3, 5), (5, 6), (5, 7), (8, 8)]


def _verifier(checked: list):
    """A Templates.read that also runs the recogniser on every line it takes (see --verify)."""
    import math
    from hashlib import blake2b

    import cv2
    import numpy as np

    from gongkai.read import ocr, ocrdigits, ocrengine

    read = ocrdigits.Templates.read

    def verified(self, line, width, height):
        steps = read(self, line, width, height)
        if steps is None:
            return None
        h, w = line.shape[:2]
        ratio = w / float(h)
        resized = cv2.resize(line, (min(width, int(math.ceil(height * ratio))), height))
        key = (width, "verify", blake2b(resized.tobytes(), digest_size=32).digest())
        got: dict = {}
        seen = dict(ocr._seen)
        ocr._run_rec([key], {key: (resized, resized.shape[1])}, got)
        ocr._seen.clear()
        ocr._seen.update(seen)
        readings = []
        for best, probs in (steps, got[key]):
            (text, _), info = ocrengine.decode_line(np.array(best, dtype=np.int64),
                                                    np.array(probs, dtype=np.float32), ratio, width / height)
            readings.append((text, min(info.confs)))
        checked.append(readings)
        return steps

    return verified


def measure(path: Path) -> dict:
    """Lines, digit-only lines and the CPU of each kind of reading one input."""
    import math
    from hashlib import blake2b

    import cv2

    from gongkai.load import load
    from gongkai.read import ocr, ocrdigits, ocrengine

    cost: dict = {}
    run_rec, recognise_lines = ocr._run_rec, ocr._recognise_lines
    lines: list[tuple[int, str, float]] = []  # (width, text, CPU) of every line

    def timed_run(batch, todo, got):
        t = time.process_time()
        run_rec(batch, todo, got)
        t = time.process_time() - t
        for key in batch:
            cost[key] = t / len(batch)

    def spied(crops, digits=None):
        before = dict(cost)
        got = recognise_lines(crops, digits)
        _, height, _ = ocrengine.REC_SHAPE
        charged = set()
        for crop, text in zip(crops, got.txts):
            h, w = crop.shape[:2]
            ratio = w / float(h)
            width = max(int(height * ratio), ocr.REC_MIN_WIDTH)
            resized = cv2.resize(crop, (min(width, int(math.ceil(height * ratio))), height))
            key = (width, resized.shape, resized.dtype.str, blake2b(resized.tobytes(), digest_size=32).digest())
            fresh = key in cost and before.get(key) is None and key not in charged
            charged.add(key)
            lines.append((width, text, cost[key] if fresh else 0.0))
        return got

    ocr._run_rec, ocr._recognise_lines = timed_run, spied
    taken = [0]
    read = ocrdigits.Templates.read

    def counted(self, line, width, height):
        steps = read(self, line, width, height)
        taken[0] += steps is not None
        return steps

    ocrdigits.Templates.read = counted
    try:
        ocr._seen.clear()
        cost.clear()
        t = time.process_time()
        load(path.read_bytes(), path.name)
        total = time.process_time() - t
    finally:
        ocr._run_rec, ocr._recognise_lines = run_rec, recognise_lines
        ocrdigits.Templates.read = read
    digit = [x for x in lines if DIGITS.fullmatch(x[1].strip())]
    return {"pages": _pages(str(path)), "total": total, "lines": len(lines), "digit": len(digit),
            "narrow digit": sum(1 for x in digit if x[0] == ocr.REC_MIN_WIDTH),
            "rec": sum(x[2] for x in lines), "rec digit": sum(x[2] for x in digit),
            "px": sum(x[0] for x in lines), "px digit": sum(x[0] for x in digit), "taken": taken[0]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", help="make the inputs in this directory (kept; bench/ocr.py's --keep)")
    ap.add_argument("--only", help="comma-separated input names")
    ap.add_argument("--verify", action="store_true", help="run the recogniser on every line the fast path takes")
    ap.add_argument("--draws", action="store_true", help="also table pages made noisy with other levels and seeds")
    args = ap.parse_args()
    print(machine())
    from gongkai.read import read_bytes

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        inputs = make_inputs(work)
        if args.draws:
            for pdf, number in DRAW_PAGES:
                page = _images((EXAMPLES / pdf).read_bytes(), [number])[0]
                for sigma, seed in DRAWS:
                    name = f"{pdf[:-4]}-p{number}-noise{sigma}-seed{seed}.png"
                    inputs[name] = _noisy(page, work / name, sigma, seed)
        if args.only:
            inputs = {k: v for k, v in inputs.items() if k in args.only.split(",")}
        warm = _warm_image(work)
        read_bytes(warm.read_bytes(), warm.name)
        _warm_detector(str(warm))
        print(f"{'input':34} {'lines':>6} {'digit':>6} {'narrow':>6} {'fast':>5}  {'CPU/page':>8} {'rec':>6} "
              f"{'digit':>6}  {'without digit-only lines':>24}")
        from gongkai.read import ocrdigits

        checked: list = []
        if args.verify:
            ocrdigits.Templates.read = _verifier(checked)
        for name, path in inputs.items():
            checked.clear()
            r = measure(path)
            n = r["pages"]
            print(f"{name:34} {r['lines']:6} {r['digit']:6} {r['narrow digit']:6} {r['taken']:5}  "
                  f"{r['total'] / n:7.2f}s {r['rec'] / n:5.2f}s {r['rec digit'] / n:5.2f}s  "
                  f"{(r['total'] - r['rec digit']) / n:23.2f}s")
            if args.verify:
                wrong = [(fast, model) for fast, model in checked if fast[0] != model[0] or model[1] < 0.90]
                least = min((model[1] for _, model in checked), default=None)
                print(f"    verified {len(checked)} fast readings: {len(wrong)} differ or hide a doubt"
                      + (f"; the model's least confidence among them {least:.5f}" if least is not None else ""))
                for fast, model in wrong:
                    print(f"      fast {fast} model {model}")


if __name__ == "__main__":
    main()
