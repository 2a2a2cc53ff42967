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

``--adversarial`` (tenth session) tries the fast path's allowances on the model itself: every digit
line the fast path splits into glyphs on the three published reports' table pages (ADVERSARIAL_PAGES,
rendered at 200 dpi), altered — a speck of 1×1 to 2×2 px above, below, beside or on the line's edges;
a ruling of 1–3 px along each edge; one gap between digits widened a pixel at a time to just past
``MAX_GAP``; one digit moved up or down 1–2 px — and each altered line that ``ocrdigits.glyphs``
still splits is run through the model: it must read the clean line's text at 0.90 or more.  Printed
per kind: the altered lines taken, and those the model reads otherwise (each named).
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

from ocr import DPI, EXAMPLES, REAL_PDFS, _images, _noisy, _pages, _warm_detector, _warm_image, make_inputs  # noqa: E402
from timing import machine  # noqa: E402

DIGITS = re.compile(r"[0-9]+")
# --draws: table pages made noisy as bench/ocr.py's _noisy makes page 4 (turned 0.6°, blurred, grey
# paper, specks), with other noise levels and seeds: (PDF, page) × (σ grey levels, seed).
DRAW_PAGES = [(REAL_PDFS[0], 4), (REAL_PDFS[1], 3), (REAL_PDFS[2], 4)]
DRAWS = [(3, 4), (3, 5), (5, 6), (5, 7), (8, 8)]
ADVERSARIAL_PAGES = [(REAL_PDFS[0], 4), (REAL_PDFS[1], 3), (REAL_PDFS[2], 4)]


def _alterations(line, found):
    """(kind, altered line) for one digit line and its glyphs (see --adversarial)."""
    import numpy as np

    from gongkai.read import ocrdigits

    h, w = line.shape[:2]
    top, bottom = min(g.top for g in found), max(g.bottom for g in found)
    x0, x1 = found[0].x0, found[-1].x1
    for sw, sh in ((1, 1), (2, 1), (2, 2), (1, 2)):
        for sx in sorted({0, max(0, x0 - 3), (x0 + x1) // 2, min(w - sw, x1 + 2), w - sw}):
            for sy in sorted({0, max(0, top - 2 - sh), min(h - sh, bottom + 2), h - sh}):
                a = line.copy()
                a[sy:sy + sh, sx:sx + sw] = 0
                yield "speck", a
    for side in (np.s_[:1], np.s_[:2], np.s_[:3], np.s_[-1:], np.s_[-2:], np.s_[-3:]):
        for axis in (0, 1):
            a = line.copy()
            if axis:
                a[:, side] = 0
            else:
                a[side] = 0
            yield "ruling", a
    height = bottom - top
    for i in range(len(found) - 1):
        cut = (found[i].x1 + found[i + 1].x0) // 2
        gap = found[i + 1].x0 - found[i].x1
        for extra in range(1, max(1, int(ocrdigits.MAX_GAP * height) - gap + 3)):
            yield "gap", np.concatenate([line[:, :cut], np.full((h, extra), 255, dtype=line.dtype), line[:, cut:]],
                                        axis=1)
    for g in found:
        for dy in (-2, -1, 1, 2):
            a = line.copy()
            piece = line[:, g.x0:g.x1].copy()
            a[:, g.x0:g.x1] = 255
            if dy > 0:
                a[dy:, g.x0:g.x1] = piece[:-dy]
            else:
                a[:dy, g.x0:g.x1] = piece[-dy:]
            yield "shift", a


def adversarial() -> None:
    """See --adversarial in the module's doc."""
    import math

    import cv2
    import numpy as np

    from gongkai.read import ocr, ocrdigits, ocrengine
    from gongkai.read.ocrengine import get_rotate_crop_image

    def model(line):
        h, w = line.shape[:2]
        ratio = w / h
        width = max(int(48 * ratio), ocr.REC_MIN_WIDTH)
        resized = cv2.resize(line, (min(width, int(math.ceil(48 * ratio))), 48))
        key = (width, "adversarial", resized.tobytes())
        got: dict = {}
        ocr._run_rec([key], {key: (resized, resized.shape[1])}, got)
        ocr._seen.pop(key, None)
        (text, _), info = ocrengine.decode_line(np.array(got[key][0], dtype=np.int64),
                                                np.array(got[key][1], dtype=np.float32), ratio, width / 48)
        return text, min(info.confs) if info.confs else 0.0, width

    counts: dict = {}
    for pdf, number in ADVERSARIAL_PAGES:
        gray = np.array(_images((EXAMPLES / pdf).read_bytes(), [number])[0].convert("L"))
        _, plan = ocr._plan(gray, DPI / 72)
        lines = [get_rotate_crop_image(gray, box.copy()) for box in plan.lines]
        for line in lines:
            found = ocrdigits.glyphs(line)
            if not found:
                continue
            text, confidence, width = model(line)
            if not text.isdigit() or width != ocr.REC_MIN_WIDTH or confidence < 0.90:
                continue
            for kind, altered in _alterations(line, found):
                if ocrdigits.glyphs(altered) is None:
                    continue  # the fast path leaves it to the model
                got, least, width = model(altered)
                if width != ocr.REC_MIN_WIDTH:
                    continue  # not a narrow line: never offered to the fast path
                taken = counts.setdefault(kind, [0, 0])
                taken[0] += 1
                if got != text or least < 0.90:
                    taken[1] += 1
                    print(f"    {pdf} page {number}: {kind}: “{text}” read “{got}” at {least:.3f}")
    for kind in ("speck", "ruling", "gap", "shift"):
        taken = counts.get(kind, [0, 0])
        print(f"{kind:8} {taken[0]:5} altered lines split into glyphs, {taken[1]} read otherwise by the model")


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
    ap.add_argument("--adversarial", action="store_true",
                    help="the fast path's allowances (specks, rulings, gaps, shifts) tried on the model")
    args = ap.parse_args()
    print(machine())
    if args.adversarial:
        adversarial()
        return
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
