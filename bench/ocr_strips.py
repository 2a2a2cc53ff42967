"""OCR: text detection of a whole page against the same page detected in horizontal strips.

    python bench/ocr_strips.py [--keep DIR] [--only NAMES] [--strips 416+96,320+128] [--planned]

A trial for a hard memory bound on pages detected whole (a noisy scan, a page turned a little):
the page is shrunk for the detector exactly as for a whole-page run, the detector runs on strips
of ROWS rows of that input with OVERLAP rows of the page above and below each, and the strips'
probability maps (rows of the strip proper) are stitched into the page's map, which is then
post-processed once (so no box is found twice or cut at a strip's edge).  For every page of the
scans bench/ocr.py makes (every page detected whole, unless ``--planned``) it prints what the
detector added to the process's peak memory each way, how far the probabilities moved, and
whether the characters read (text, in order) are the same.  The memory is measured in a fresh
process for each way (the detector warmed first, as bench/ocr.py does): what one detection adds
to its peak resident memory.

Measured 3 December 2026 (sixth session): not the same, and no overlap makes them so.  The
detector (PP-OCRv6 det small) scales its channels by their mean over the whole input
(squeeze-and-excitation: 5 ReduceMean and 9 GlobalAveragePool nodes, from the backbone's first
stage at a quarter of the input's size to the head), so every strip's features differ from the
page's everywhere, not only near the strip's edges: probabilities move by up to 0.9 in the middle
of strips, and even 96 white rows added below a page move them by up to 0.16.
"""

from __future__ import annotations

import argparse
import difflib
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "src")]

import ocr as bench_ocr  # noqa: E402  (bench/ocr.py: the same scans, the peak read from /proc)


def _reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def strips_run(rows: int, overlap: int):
    """A stand-in for ocr._detection_run computing the probabilities strip by strip."""
    import numpy as np

    from gongkai.read import ocr

    whole = ocr._detection_run

    def run(detector, x):
        height = x.shape[2]
        if height <= rows + 2 * overlap:
            return whole(detector, x)
        out = None
        for a in range(0, height, rows):
            b = min(a + rows, height)
            a0, b0 = max(a - overlap, 0), min(b + overlap, height)
            got = whole(detector, np.ascontiguousarray(x[:, :, a0:b0]))
            if out is None:
                out = np.empty((*got.shape[:2], height, got.shape[3]), dtype=got.dtype)
            out[:, :, a:b] = got[:, :, a - a0:b - a0]
        return out

    return run


def _detector_input(image):
    """The detector's input for a page image, shrunk and normalised as ocr._detect does."""
    import numpy as np

    from gongkai.read import ocr

    detector = ocr._detector()
    small = detector.resize(np.array(image.convert("L")))
    mean, std = np.asarray(detector.mean, dtype=np.float64), np.asarray(detector.std, dtype=np.float64)
    lut = ((np.arange(256).astype("float32")[:, None] * (1 / 255.0) - mean) / std).astype(np.float32)
    return np.stack([lut[:, c][small] for c in range(3)])[None]


def _child_memory(warm: str, path: str, number: str, rows: str, overlap: str) -> None:
    """In a fresh process: what one detection of the page adds to the peak (the detector warmed
    first, as bench/ocr.py does), whole (rows 0) or in strips."""
    import numpy as np
    from PIL import Image

    from gongkai.read import ocr

    ocr._detect(ocr._detector(), np.array(Image.open(warm).convert("L")))
    x = _detector_input(dict(pages(Path(path)))[int(number)])
    run = strips_run(int(rows), int(overlap)) if int(rows) else ocr._detection_run
    _reset_peak()
    base = bench_ocr._hwm_mb()
    run(ocr._detector(), x)
    print(f"{bench_ocr._hwm_mb() - base:.0f}")


def _added_mb(*args: str) -> str:
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, check=True, timeout=600)
    return done.stdout.decode().split()[-1]


def pages(path: Path):
    """The page images of a scan as gongkai's reader takes them (the image inside each PDF page)."""
    from PIL import Image

    if path.suffix != ".pdf":
        yield 1, Image.open(path)
        return
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path.read_bytes())
    for i in range(len(pdf)):
        images = [o for o in pdf[i].get_objects() if o.type == 3]
        if images:
            yield i + 1, images[0].get_bitmap().to_pil()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", help="make the inputs in this directory (bench/ocr.py's) and keep them")
    ap.add_argument("--only", help="comma-separated input names")
    ap.add_argument("--strips", default="416+96,320+128", help="ROWS+OVERLAP of the detector's input, comma-separated")
    ap.add_argument("--planned", action="store_true", help="keep ocrgrid's plan (else every page is detected whole)")
    ap.add_argument("--child", nargs="*")
    args = ap.parse_args()
    if args.child:
        _child_memory(*args.child)
        return
    import numpy as np
    from PIL import Image

    from gongkai.read import ocr, ocrgrid

    if not args.planned:
        ocrgrid.plan = lambda *a, **k: None
    whole = ocr._detection_run
    configs = [tuple(int(v) for v in c.split("+")) for c in args.strips.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.keep or tmp)
        work.mkdir(parents=True, exist_ok=True)
        inputs = bench_ocr.make_inputs(work)
        warm_path = bench_ocr._warm_image(work)
        ocr._detect(ocr._detector(), np.array(Image.open(warm_path).convert("L")))  # its first run allocates for good
        same = {c: 0 for c in configs}
        count = 0
        for name, path in inputs.items():
            if args.only and name not in args.only.split(","):
                continue
            for number, image in pages(path):
                x = _detector_input(image)
                runs = {}
                for config in [None, *configs]:
                    run = whole if config is None else strips_run(*config)
                    probs = run(ocr._detector(), x)
                    added = _added_mb(str(warm_path), str(path), str(number), *map(str, config or (0, 0)))
                    ocr._detection_run = run
                    try:
                        glyphs, _ = ocr.recognise(image.copy(), 200 / 72)
                    finally:
                        ocr._detection_run = whole
                    runs[config] = (probs, added, "".join(g.text for g in glyphs))
                count += 1
                p0, mb0, text0 = runs[None]
                print(f"{name} page {number}: whole page +{mb0} MB")
                for config in configs:
                    probs, added, text = runs[config]
                    diff = ""
                    if text != text0:
                        ops = difflib.SequenceMatcher(None, text0, text, autojunk=False).get_opcodes()
                        diff = " | ".join(f"{text0[max(i1 - 4, 0):i2 + 4]!r} → {text[max(j1 - 4, 0):j2 + 4]!r}"
                                          for op, i1, i2, j1, j2 in ops if op != "equal")[:300]
                    same[config] += text == text0
                    print(f"  strips of {config[0]} rows ± {config[1]}: +{added} MB, probabilities up to "
                          f"{float(np.abs(probs - p0).max()):.2f} apart, text "
                          + ("the same" if text == text0 else f"DIFFERS: {diff}"))
        for config in configs:
            print(f"strips of {config[0]} rows ± {config[1]}: the same text on {same[config]} of {count} pages")


if __name__ == "__main__":
    main()
