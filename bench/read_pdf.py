"""Reading speed and peak memory of the binary readers: text PDFs against their floor, DOCX, OCR.

    python bench/read_pdf.py [--rounds 9] [--seconds 1] [--ocr-runs 1] [--no-ocr] [--no-docx]

- **Text PDF against the floor.**  In one child process pinned to one core, rounds alternate
  between gongkai's whole read + extract of a PDF (``gongkai.load``) and
  pypdfium2's own text extraction of the same pages (open, load each page, its text page,
  ``get_text_range``: the least any reader of the text layer does).  Per page, CPU medians; the
  target is gongkai ≥ 0.5× the floor's rate, i.e. at most twice its time.
- **DOCX** (pinned to one core) and **OCR** (the image-only PDF; onnxruntime runs one thread per model), each in a
  fresh child: CPU and wall time per page and the child's peak resident memory (the OCR targets:
  ≤ 2 s CPU and ≤ 400 MB a page at 200 dpi).

Inputs: the three published PDFs in examples/ and a generated report (python-docx; LibreOffice
gives its PDF; that PDF rendered at 200 dpi is the scan).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from timing import Sample, alternate, child, line, machine, ratio, repeat_for  # noqa: E402

EXAMPLES = ROOT / "examples"
REAL_PDFS = ["huaian-city-2024.pdf", "hongze-district-2023.pdf", "hongze-district-2024.pdf"]


def _pages(data: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        return len(doc)
    finally:
        doc.close()


def _floor(data: bytes) -> None:
    """pypdfium2's raw text of every page."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        for i in range(len(doc)):
            page = doc[i]
            text = page.get_textpage()
            text.get_text_range()
            text.close()
            page.close()
    finally:
        doc.close()


def _child_floor(files: list[str], rounds: int, seconds: float) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from gongkai.load import load

    blobs = [(Path(f).read_bytes(), Path(f).name) for f in files]
    pages = sum(_pages(data) for data, _ in blobs)

    def ours() -> None:
        for data, name in blobs:
            load(data, name)

    def floor() -> None:
        for data, _ in blobs:
            _floor(data)

    ours(), floor()  # imports, caches
    got = alternate({"gongkai": lambda: repeat_for(ours, seconds).per(pages),
                     "floor": lambda: repeat_for(floor, seconds).per(pages)}, rounds)
    print(json.dumps({"pages": pages, **{k: [[s.cpu, s.wall] for s in v] for k, v in got.items()}}))


def _child_once(files: list[str], runs: int, one_core: bool) -> None:
    """Read each file ``runs`` times after a warm-up; the child's own CPU is measured outside."""
    if one_core and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from gongkai.load import load

    for _ in range(runs):
        for f in files:
            load(Path(f).read_bytes(), Path(f).name)


def text_pdf_floor(files: list[Path], rounds: int, seconds: float, label: str) -> None:
    cmd = [sys.executable, __file__, "--child", "floor", "--rounds", str(rounds), "--seconds", str(seconds),
           *map(str, files)]
    _, done = child(cmd, cwd=str(ROOT), timeout=3600)
    got = json.loads(done.stdout.decode().strip().splitlines()[-1])
    ours = [Sample(c, w) for c, w in got["gongkai"]]
    floor = [Sample(c, w) for c, w in got["floor"]]
    print(f"{label}: {got['pages']} pages, one core")
    print(line("  gongkai read + extract", ours, per="a page", rate="pages"))
    print(line("  floor: pypdfium2 raw text", floor, per="a page", rate="pages"))
    print("  " + ratio("gongkai's rate / the floor's (= floor time / gongkai time)", floor, ours, target=0.5,
                       at_most=False))


def per_page(kind: str, files: list[Path], pages: int, runs: int, one_core: bool) -> None:
    """Whole child (start-up included) minus a child that only warms up: the reading itself.  The
    two run in pairs after one discarded run: a single warm-up child measured once, on a cold
    file cache, took longer than the full runs after it, and the DOCX line printed a negative wall."""
    base = [sys.executable, __file__, "--child", "once", *(["--one-core"] if one_core else [])]
    child([*base, "--runs", "1", *map(str, files)], cwd=str(ROOT), timeout=3600)   # caches warm
    samples = []
    for _ in range(runs):
        warm, _ = child([*base, "--runs", "1", *map(str, files)], cwd=str(ROOT), timeout=3600)
        full, _ = child([*base, "--runs", "2", *map(str, files)], cwd=str(ROOT), timeout=3600)
        samples.append(Sample((full.cpu - warm.cpu) / pages, (full.wall - warm.wall) / pages, full.peak_mb))
    print(line(f"{kind} ({pages} pages, {'pinned to one core' if one_core else 'not pinned'})", samples, per="a page",
               rate="pages"))


def _generated(work: Path) -> tuple[Path, Path, Path]:
    sys.path[:0] = [str(ROOT / "tests" / "read_binary")]
    from read_binary_docgen import to_docx, to_pdf  # test-side writer, also used by the tests

    from tests.writers import random_report

    report = random_report(random.Random(7), "2021")
    docx_path = to_docx(report, work / "generated.docx", split_table3="unable.not_held")
    pdf_path = to_pdf(docx_path, work)
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    images = [pdf[i].render(scale=200 / 72, grayscale=True).to_pil() for i in range(len(pdf))]
    scan = work / "generated-scan.pdf"
    images[0].save(scan, "PDF", resolution=200, save_all=True, append_images=images[1:])
    return docx_path, pdf_path, scan


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=9, help="alternating rounds against the floor")
    ap.add_argument("--seconds", type=float, default=1.0, help="CPU seconds of one round")
    ap.add_argument("--runs", type=int, default=3, help="child runs for DOCX")
    ap.add_argument("--ocr-runs", type=int, default=1)
    ap.add_argument("--no-ocr", action="store_true")
    ap.add_argument("--no-docx", action="store_true")
    ap.add_argument("--child")
    ap.add_argument("--one-core", action="store_true")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    if args.child == "floor":
        _child_floor(args.files, args.rounds, args.seconds)
        return
    if args.child == "once":
        _child_once(args.files, args.runs, args.one_core)
        return
    from gongkai.read.pdfpage import STATUS

    print(f"PDF page reader: {STATUS}")
    print(machine())
    text_pdf_floor([EXAMPLES / f for f in REAL_PDFS], args.rounds, args.seconds, "text PDF (3 published reports)")
    with tempfile.TemporaryDirectory() as tmp:
        docx_path, pdf_path, scan = _generated(Path(tmp))
        text_pdf_floor([pdf_path], args.rounds, args.seconds, "text PDF (LibreOffice, generated)")
        pages = _pages(pdf_path.read_bytes())
        if not args.no_docx:
            per_page("DOCX (generated; pages as laid out)", [docx_path], pages, args.runs, True)
        if not args.no_ocr:
            per_page("OCR (image-only PDF, 200 dpi)", [scan], pages, args.ocr_runs, False)


if __name__ == "__main__":
    main()
