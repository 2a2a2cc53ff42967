"""OCR: CPU time and peak memory a scanned page costs, and proof that what is read does not change.

    python bench/ocr.py [--before REV] [--rounds 3] [--no-accuracy] [--no-speed] [--keep DIR]

Inputs (made here, as the tests make them): the three published PDFs in examples/ rendered at
200 dpi in grey and wrapped as image-only PDFs (a scanner's output), page 4 of the Huai'an report
alone (the densest table page: 140 text boxes), page 3 of Hongze 2023 (a table page too) and page
1 of Huai'an (narrative) alone, the bench's generated report as such a scan, its
last page as a poor photo (turned 2.5°, blurred, JPEG), page 4 of Huai'an with notes beside a
table and over another's edge, and as a noisy scan (grey paper, noise, specks), page 1 of Huai'an
as such a noisy scan and turned 0.4° and 1.2° (a narrative page fed askew: no rulings), and the OCR test's scan of the
Huai'an report with a 6 pasted over a 9.

- **Speed** (the single pages and the generated scan: SPEED): each reading runs in a fresh child
  process that first reads a small image and runs the detector once (the models are loaded and
  warm), then the input; its CPU time for the input alone (``time.process_time``, the child's own
  threads included) per page and its peak resident memory while reading the input (``VmHWM`` from
  /proc, reset after the warm-up) are printed.  With ``--before REV`` the same children run the
  code of that revision (``git archive``), alternating with the working tree's, round by round.
- **A fresh process** (``FRESH``, page 4 of Huai'an): what a reading process pays once — importing
  the OCR stack and making the models' sessions — with its first page: the CPU of a child that
  reads the page and exits (nothing warmed), and of ``gongkai parse page.pdf --json`` end to end
  (the console's own code path, run as ``python -c "from gongkai.cli import console; console()"``
  so that both sides start alike), each side in turn, ``--fresh-rounds`` times.
- **Accuracy**: every input read once by each side, then checked; the report (every cell's value,
  raw text and OCR confidence, the narrative, the notes), the findings, and every character OCR
  read (its text, score to the last digit and box: ``ocr._read_words``) are compared.  The
  figures of the bench mean nothing unless this says "identical" (or names what changed) — or
  "identical but for summation order": texts and boxes identical, every stored confidence moved by
  at most 1×10⁻⁵ and no cell across ocrcheck's 0.90 (the lead's ruling for lines read in batches).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from timing import Sample, child, line, machine, median  # noqa: E402

EXAMPLES = ROOT / "examples"
REAL_PDFS = ["huaian-city-2024.pdf", "hongze-district-2023.pdf", "hongze-district-2024.pdf"]
DPI = 200
# Timed: two table pages (read cell by cell), a page of narrative (read by its ink lines), the
# generated scan (its cramped tables, text touching the rulings in most cells, detected as regions;
# until the sixth session the pages were detected whole), a table page with notes beside a table
# and over another's edge, and (seventh session) the noisy scans of page 4 and page 1 and the
# narrative page turned 0.4° and 1.2° (until then detected whole).
SPEED = ["huaian-page4-scan.pdf", "hongze-2023-page3-scan.pdf", "huaian-page1-scan.pdf", "generated-scan.pdf",
         "huaian-page4-beside.png", "huaian-page4-noisy.png", "huaian-page1-noisy.png", "huaian-page1-turned-0.4.png",
         "huaian-page1-turned-1.2.png"]
FRESH = "huaian-page4-scan.pdf"


def _hwm_mb() -> float:
    with open("/proc/self/status") as fh:
        for row in fh:
            if row.startswith("VmHWM:"):
                return int(row.split()[1]) / 1024
    return 0.0


# --- inputs -------------------------------------------------------------------------------------

def _images(pdf_bytes: bytes, pages: list[int] | None = None) -> list:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_bytes)
    numbers = pages or list(range(1, len(pdf) + 1))
    return [pdf[n - 1].render(scale=DPI / 72, grayscale=True).to_pil() for n in numbers]


def _scan_pdf(images: list, out: Path) -> Path:
    images[0].save(out, "PDF", resolution=DPI, save_all=True, append_images=images[1:])
    return out


def make_inputs(work: Path) -> dict[str, Path]:
    """name -> file; every one a scan read by OCR."""
    from PIL import ImageFilter
    from read_pdf import _generated  # the bench's generated report (python-docx + LibreOffice)

    inputs: dict[str, Path] = {}
    for pdf in REAL_PDFS:
        inputs[pdf.replace(".pdf", "-scan.pdf")] = _scan_pdf(_images((EXAMPLES / pdf).read_bytes()),
                                                              work / pdf.replace(".pdf", "-scan.pdf"))
    inputs["huaian-page4-scan.pdf"] = _scan_pdf(_images((EXAMPLES / REAL_PDFS[0]).read_bytes(), [4]),
                                                work / "huaian-page4-scan.pdf")
    inputs["huaian-page1-scan.pdf"] = _scan_pdf(_images((EXAMPLES / REAL_PDFS[0]).read_bytes(), [1]),
                                                work / "huaian-page1-scan.pdf")
    inputs["hongze-2023-page3-scan.pdf"] = _scan_pdf(_images((EXAMPLES / REAL_PDFS[1]).read_bytes(), [3]),
                                                     work / "hongze-2023-page3-scan.pdf")
    _, pdf_path, scan = _generated(work)
    inputs["generated-scan.pdf"] = scan
    page = _images(pdf_path.read_bytes())[-1]
    photo = page.rotate(2.5, resample=3, fillcolor=255).filter(ImageFilter.GaussianBlur(0.7))
    jpeg = io.BytesIO()
    photo.save(jpeg, "JPEG", quality=60, dpi=(DPI, DPI))
    inputs["generated-photo.jpg"] = work / "generated-photo.jpg"
    inputs["generated-photo.jpg"].write_bytes(jpeg.getvalue())
    inputs["huaian-page4-beside.png"] = _beside(_images((EXAMPLES / REAL_PDFS[0]).read_bytes(), [4])[0],
                                                work / "huaian-page4-beside.png")
    inputs["huaian-page4-noisy.png"] = _noisy(_images((EXAMPLES / REAL_PDFS[0]).read_bytes(), [4])[0],
                                              work / "huaian-page4-noisy.png")
    narrative = _images((EXAMPLES / REAL_PDFS[0]).read_bytes(), [1])[0]
    inputs["huaian-page1-noisy.png"] = _noisy(narrative, work / "huaian-page1-noisy.png")
    for turn in ("0.4", "1.2"):  # as a scanner feeds a page a little askew: no rulings to straighten it by
        inputs[f"huaian-page1-turned-{turn}.png"] = work / f"huaian-page1-turned-{turn}.png"
        narrative.rotate(float(turn), resample=3, fillcolor=255).save(inputs[f"huaian-page1-turned-{turn}.png"],
                                                                       dpi=(DPI, DPI))
    if shutil.which("pdftoppm"):
        from tests.read_binary.test_read_binary_scanned_example import _scan

        inputs["huaian-smudged-scan.pdf"] = work / "huaian-smudged-scan.pdf"
        _scan(EXAMPLES / REAL_PDFS[0], {1: (0, 0.35), 4: (0, 1), 5: (0, 0.56)}, inputs["huaian-smudged-scan.pdf"])
    return inputs


def _beside(page, out: Path) -> Path:
    """``page`` (page 4 of Huai'an) with notes at its tables' right edges: the first table's last
    figure, 96171.6, copied into the right margin beside a row of the second table (ink in no band
    and no cell), and again over the first table's right ruling (ink crossing its edge)."""
    import numpy as np
    from PIL import Image

    a = np.array(page.convert("L"))
    ys, xs = np.nonzero(a[735:790, 680:820] < 160)  # the figure's ink in its cell
    y0, y1, x0, x1 = 735 + ys.min() - 6, 735 + ys.max() + 7, 680 + xs.min() - 6, 680 + xs.max() + 7
    note = a[y0:y1, x0:x1].copy()
    for top, left in ((1417, 1480), (355, 1400)):  # beside table 2; over table 1's ruling (x 1443)
        a[top:top + note.shape[0], left:left + note.shape[1]] = np.minimum(
            a[top:top + note.shape[0], left:left + note.shape[1]], note)
    Image.fromarray(a).save(out, dpi=(DPI, DPI))
    return out


def _noisy(page, out: Path, sigma: float = 5, seed: int = 3) -> Path:
    """A poor scan of ``page``: turned 0.6°, blurred, grey paper, noise of ``sigma`` grey levels
    (5: the bench's noisy pages; bench/ocr_digits.py --draws makes others), specks."""
    import numpy as np
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(seed)
    a = np.array(page.rotate(0.6, resample=3, fillcolor=255).filter(ImageFilter.GaussianBlur(0.8)), dtype=np.float32)
    a = a * 0.85 + 25 + rng.normal(0, sigma, a.shape)
    a[rng.random(a.shape) < 0.0008] = 40
    Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).save(out, dpi=(DPI, DPI))
    return out


def _warm_image(work: Path) -> Path:
    """The title of the Huai'an report's first page: two lines, so every model is loaded (and
    numpy's lazily imported parts are): what a page costs is measured without the one-time costs.
    (Until 3 December afternoon this was the page's blank top: no line, so the recognition and
    orientation models, about 0.4 s of CPU, were loaded inside the measured reading.)"""
    image = _images((EXAMPLES / REAL_PDFS[0]).read_bytes(), [1])[0]
    out = work / "warm.png"
    image.crop((0, image.height * 15 // 100, image.width, image.height * 28 // 100)).save(out, dpi=(DPI, DPI))
    return out


def checkout(rev: str, work: Path) -> Path:
    """The ``src`` of revision ``rev``, with this tree's compiled modules (built from the same .pyx)."""
    dest = work / f"rev-{rev}"
    dest.mkdir()
    archive = subprocess.run(["git", "archive", rev, "src"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    for so in (ROOT / "src").rglob("*.so"):
        target = dest / so.relative_to(ROOT)
        if not target.exists() and target.with_name(so.name.split(".")[0] + ".pyx").exists():
            shutil.copy2(so, target)
    return dest / "src"


def _pages(path: str) -> int:
    if not path.endswith(".pdf"):
        return 1
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


# --- children -----------------------------------------------------------------------------------

def _warm_detector(warm: str) -> None:
    """Run the text detector once, on the warm-up image (which is now read by its ink lines,
    without the detector), as the reading of it did before: the detector's first run allocates
    for good (~65 MB of prepared weights) and costs more than later ones, and a page detected
    whole is measured without that one-time cost on both sides.  Then the peak resident memory
    is reset to what is resident now (``/proc/self/clear_refs``), so that ``VmHWM`` is the page's
    own peak — with the models, and the detector's prepared weights, resident — not the warm-up's."""
    import numpy as np
    from PIL import Image

    from gongkai.read import ocr

    # (the code before 3 December evening made the detector through RapidOCR's engine: --before)
    detector = ocr._detector() if hasattr(ocr, "_detector") else ocr._get_engine()._load_det_model()
    ocr._detect(detector, np.array(Image.open(warm).convert("L")))
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass  # not Linux, or not allowed: VmHWM is the process's whole peak


def _child_time(warm: str, path: str) -> None:
    from gongkai.load import load
    from gongkai.read import ocr, read_bytes

    read_bytes(Path(warm).read_bytes(), Path(warm).name)  # not a report: only read
    _warm_detector(warm)
    data = Path(path).read_bytes()
    # How many lines the page has and how many the recogniser did not run, read before
    # (ocr._seen: the warm-up's lines, or a line of the page itself repeated pixel for pixel).
    lines, recognise_lines = [0], ocr._recognise_lines

    def counted(crops, *digits):  # (the code before the fourth of December took no templates: --before)
        lines[0] += len(crops)
        return recognise_lines(crops, *digits)

    ocr._recognise_lines = counted
    seen = len(getattr(ocr, "_seen", ()))
    cpu, wall = time.process_time(), time.perf_counter()
    report = load(data, Path(path).name)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    run = len(getattr(ocr, "_seen", ())) - seen if hasattr(ocr, "_seen") else lines[0]
    print(json.dumps({"cpu": cpu, "wall": wall, "pages": _pages(path), "cells": len(report.cells), "hwm": _hwm_mb(),
                      "lines": lines[0], "repeated": lines[0] - run}))


def _child_cold(path: str) -> None:
    """Read one file in this fresh process, nothing warmed first (the process's CPU is measured)."""
    from gongkai.load import load

    load(Path(path).read_bytes(), Path(path).name)


def fresh(sides: dict[str, Path], path: Path, rounds: int) -> None:
    """CPU of a fresh process reading its first page, and of ``gongkai parse --json`` of it."""
    kinds = {"first page in a fresh process": [sys.executable, __file__, "--child", "cold", str(path)],
             "gongkai parse page.pdf --json": [sys.executable, "-c", "from gongkai.cli import console; console()",
                                               "parse", str(path), "--json"]}
    got: dict[tuple[str, str], list[Sample]] = {(k, side): [] for k in kinds for side in sides}
    for _ in range(rounds):
        for kind, cmd in kinds.items():
            for side, src in sides.items():
                env = {**os.environ, "PYTHONPATH": str(src)}
                sample, done = child(cmd, env=env, cwd=str(ROOT), timeout=600, check=False)
                if done.returncode not in (0, 3):  # 3: a report cut short (one page of it), said and output
                    raise SystemExit(f"{side} failed: {cmd}\n{done.stderr.decode()[-3000:]}")
                got[kind, side].append(sample)
    for kind in kinds:
        print(f"{path.name}, {kind}:")
        for side in sides:
            print(line(f"  {side}", got[kind, side]))
        if len(sides) == 2:
            b, a = (got[kind, side] for side in sides)
            print(f"  after / before: CPU {median(a) / median(b):.2f}× ({median(a) - median(b):+.2f} s)")


def _child_dump(path: str, out: str) -> None:
    from gongkai.check import check_report
    from gongkai.load import load
    from gongkai.read import ocr

    pages = []
    read_words = ocr._read_words

    def spy(*args, **kwargs):  # every character OCR read: its text, score and box, exactly
        words, segments = got = read_words(*args, **kwargs)
        pages.append([[[t, repr(float(s)), [[int(v) for v in p] for p in box]] for t, s, box in words],
                      [repr(seg) for seg in segments]])
        return got

    ocr._read_words = spy
    report = load(Path(path).read_bytes(), Path(path).name)
    d = report.to_dict()
    d["ocr words"] = pages
    d["findings"] = [f.to_dict() if hasattr(f, "to_dict") else vars(f) for f in check_report(report)]
    Path(out).write_text(json.dumps(d, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


def run_child(src: Path, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, __file__, "--child", *args], env=env, cwd=str(ROOT),
                          capture_output=True, timeout=3600)
    if done.returncode:
        raise SystemExit(f"child failed: {args}\n{done.stderr.decode()[-3000:]}")
    lines = done.stdout.decode().strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


# --- comparison ---------------------------------------------------------------------------------

# The lead's ruling (seventh session): a change whose only effect is floating-point summation order
# (lines read in batches) is no loss of accuracy if every character's text and box stay identical,
# every stored confidence moves by at most one unit of its last stored decimal and no cell crosses
# ocrcheck's LOW.  compare() names such differences apart from any other.
SCORE_UNIT = 1e-5   # confidences are stored to 5 decimals (RapidOCR's rounding)
LOW = 0.90          # gongkai.read.ocrcheck.LOW


def _moved(x: float, y: float) -> bool:
    """Did a stored confidence move by more than one unit of its last decimal?"""
    return abs(x - y) > SCORE_UNIT * (1 + 1e-6)


def compare(a: dict, b: dict, digits: bool = False) -> tuple[list[str], list[str]]:
    """What differs between two dumps, cell by cell, finding by finding and character by character:
    (differences, score-only changes within the ruling).  ``digits``: the ruling for a change of
    reading (the fast path for digits, ninth session): every cell's value and raw text, every finding
    and the narrative identical, and no cell's confidence across ocrcheck's 0.90 either way; cells'
    confidences and characters' scores and boxes may move (the boxes of digits read from templates
    are placed by their glyphs, not by the model's columns), the characters' texts may not."""
    out, within = [], []
    ca, cb = a.pop("cells", {}), b.pop("cells", {})
    conf = []
    for key in sorted(set(ca) | set(cb)):
        x, y = ca.get(key, {}), cb.get(key, {})
        if {k: v for k, v in x.items() if k != "confidence"} != {k: v for k, v in y.items() if k != "confidence"}:
            out.append(f"cell {key}: {x} → {y}")
        elif x.get("confidence") != y.get("confidence"):
            cx, cy = x.get("confidence"), y.get("confidence")
            if cx is None or cy is None or (cx < LOW) != (cy < LOW) or (_moved(cx, cy) and not digits):
                out.append(f"cell {key}: confidence {cx} → {cy}")
            else:
                conf.append(abs(cx - cy))
    if conf:
        low = sum(1 for key in ca if (ca[key].get("confidence") or 1) < LOW)
        within.append(f"{len(conf)} cells' confidences moved, by at most {max(conf):.1e}, none across {LOW} "
                      f"({low} below it either way)")
    wa, wb = a.pop("ocr words", None), b.pop("ocr words", None)
    if wa != wb:
        moved, boxes, chars, most = 0, 0, 0, 0.0
        same = wa is not None and wb is not None and len(wa) == len(wb)
        for pa, pb in zip(wa or [], wb or []):
            same = same and pa[1] == pb[1] and len(pa[0]) == len(pb[0])
            for (ta, sa, ba), (tb, sb, bb) in zip(pa[0], pb[0]):
                chars += 1
                if ta != tb or ((ba != bb or _moved(float(sa), float(sb))) and not digits):
                    same = False
                else:
                    boxes += ba != bb
                    if sa != sb:
                        moved += 1
                        most = max(most, abs(float(sa) - float(sb)))
        if same:
            within.append(f"{moved} of {chars} characters' scores moved, by at most {most:.1e}; texts identical"
                          + (f", {boxes} boxes moved" if boxes else ", boxes identical"))
        else:
            out.append(f"ocr words: {json.dumps(wa, ensure_ascii=False)[:400]} → {json.dumps(wb, ensure_ascii=False)[:400]}")
    fa, fb = a.pop("findings", []), b.pop("findings", [])
    for f in fa:
        if f not in fb:
            out.append(f"finding gone: {f}")
    for f in fb:
        if f not in fa:
            out.append(f"finding new: {f}")
    for key in sorted(set(a) | set(b)):
        if key != "source" and a.get(key) != b.get(key):
            out.append(f"{key}: {json.dumps(a.get(key), ensure_ascii=False)[:400]} → "
                       f"{json.dumps(b.get(key), ensure_ascii=False)[:400]}")
    return out, within


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", help="a git revision to measure beside the working tree")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-accuracy", action="store_true")
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--no-fresh", action="store_true", help="skip the fresh processes' figures")
    ap.add_argument("--fresh-rounds", type=int, default=5)
    ap.add_argument("--only", help="comma-separated input names")
    ap.add_argument("--keep", help="make the inputs in this directory and keep them (and the dumps)")
    ap.add_argument("--reuse-before", action="store_true",
                    help="with --keep: compare with the before side's reports kept from an earlier run")
    ap.add_argument("--digits-ruling", action="store_true",
                    help="judge a change of reading (compare's ``digits``): confidences and boxes may move")
    ap.add_argument("--child", nargs="*")
    args = ap.parse_args()
    if args.child:
        kind, *rest = args.child
        {"time": _child_time, "cold": _child_cold, "dump": _child_dump}[kind](*rest)
        return
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        inputs = make_inputs(work)
        if args.only:
            inputs = {k: v for k, v in inputs.items() if k in args.only.split(",")}
        warm = _warm_image(work)
        sides = {"after": ROOT / "src"}
        if args.before:
            sides = {f"before ({args.before})": checkout(args.before, Path(tmp)), **sides}
        for src in sides.values():  # byte-code written beforehand, as an installation has it: a fresh
            # process does not compile gongkai's modules (nor one side more of them than the other)
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=True, capture_output=True)
        if not args.no_speed:
            for name in SPEED:
                if name not in inputs:
                    continue
                got: dict[str, list[Sample]] = {side: [] for side in sides}
                for _ in range(args.rounds):
                    for side, src in sides.items():
                        r = run_child(src, "time", str(warm), str(inputs[name]))
                        got[side].append(Sample(r["cpu"] / r["pages"], r["wall"] / r["pages"], r["hwm"]))
                print(f"{name}: {r['lines']} lines, {r['repeated']} of them not run (read before, pixel for pixel, or from the page's digits)")
                for side, samples in got.items():
                    print(line(f"  {side}", samples, per="a page", rate="pages"))
                if len(sides) == 2:
                    b, a = got.values()
                    print(f"  after / before: CPU {median(a) / median(b):.2f}×, "
                          f"peak {max(s.peak_mb for s in a) / max(s.peak_mb for s in b):.2f}×")
        if not args.no_fresh and FRESH in inputs:
            fresh(sides, inputs[FRESH], args.fresh_rounds)
        if not args.no_accuracy:
            for name, path in inputs.items():
                dumps = {}
                for side, src in sides.items():
                    out = work / f"{name}.{side.split()[0]}.json"
                    if not (args.reuse_before and side != "after" and out.exists()):
                        run_child(src, "dump", str(path), str(out))
                    dumps[side] = json.loads(out.read_text(encoding="utf-8"))
                if len(dumps) == 2:
                    diff, within = compare(*dumps.values(), digits=args.digits_ruling)
                    print(f"{name}: " + ("DIFFERS" if diff else "identical" if not within else
                                         "the same reading (values, findings, narrative; within the ruling for a "
                                         "change of reading)" if args.digits_ruling else
                                         "identical but for summation order (within the ruling)"))
                    for d in diff + within:
                        print("   ", d)
                else:
                    print(f"{name}: read ({len(next(iter(dumps.values())).get('cells', {}))} cells)")


if __name__ == "__main__":
    main()
