"""Reading speed and peak memory of the binary readers: text PDFs, DOCX and OCR.

    python bench/read_pdf.py [--runs 5] [--ocr-runs 1] [--no-ocr]

Each measurement runs in a fresh child process (so its peak RSS is its own) pinned to one
CPU core for text PDFs and DOCX (the target is >= 20 pages/s on one core for text PDFs);
OCR uses the cores onnxruntime takes.  Figures are medians over the runs, whole read+extract
(``gongkai.extract.parse_bytes``).  Inputs: the three published PDFs in examples/ and a
generated report (python-docx; LibreOffice gives its PDF and page count; that PDF rendered to
images at 200 dpi is the scan).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
REAL_PDFS = ["huaian-city-2024.pdf", "hongze-district-2023.pdf", "hongze-district-2024.pdf"]


def _child(kind: str, files: list[str], runs: int, one_core: bool) -> None:
    if one_core and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from gongkai.extract import parse_bytes

    blobs = [(Path(f).name, Path(f).read_bytes()) for f in files]
    parse_bytes(*reversed(blobs[0]))  # warm-up: imports, OCR model load
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for name, data in blobs:
            parse_bytes(data, name)
        times.append(time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"kind": kind, "times": times, "peak_mb": peak_mb}))


def _measure(kind: str, files: list[Path], pages: int, runs: int, one_core: bool) -> dict:
    cmd = [sys.executable, __file__, "--child", kind, "--runs", str(runs), *(["--one-core"] if one_core else []),
           *map(str, files)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    result = json.loads(out.strip().splitlines()[-1])
    median = statistics.median(result["times"])
    return {"kind": kind, "files": len(files), "pages": pages, "runs": runs, "median_s": median,
            "pages_per_s": pages / median, "peak_mb": result["peak_mb"], "one_core": one_core}


def _page_count(pdf: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


def _generated(work: Path) -> tuple[Path, Path, Path]:
    sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "read_binary")]
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
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--ocr-runs", type=int, default=1)
    ap.add_argument("--no-ocr", action="store_true")
    ap.add_argument("--child")
    ap.add_argument("--one-core", action="store_true")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    if args.child:
        _child(args.child, args.files, args.runs, args.one_core)
        return

    rows = []
    real = [EXAMPLES / f for f in REAL_PDFS]
    rows.append(_measure("text PDF (3 published reports)", real, sum(map(_page_count, real)), args.runs, True))
    with tempfile.TemporaryDirectory() as tmp:
        docx_path, pdf_path, scan = _generated(Path(tmp))
        pages = _page_count(pdf_path)
        rows.append(_measure("text PDF (LibreOffice, generated)", [pdf_path], pages, args.runs, True))
        rows.append(_measure("DOCX (generated; pages as laid out)", [docx_path], pages, args.runs, True))
        if not args.no_ocr:
            rows.append(_measure("OCR (image-only PDF, 200 dpi)", [scan], pages, args.ocr_runs, False))
    print(f"{'input':40} {'pages':>5} {'runs':>4} {'median s':>9} {'pages/s':>8} {'peak MB':>8}  cores")
    for r in rows:
        print(f"{r['kind']:40} {r['pages']:>5} {r['runs']:>4} {r['median_s']:>9.3f} {r['pages_per_s']:>8.2f} "
              f"{r['peak_mb']:>8.0f}  {'1' if r['one_core'] else 'all'}")
    text = rows[0]["pages_per_s"]
    print(f"text PDF target >= 20 pages/s on one core: {'met' if text >= 20 else 'NOT met'} ({text:.1f})")


if __name__ == "__main__":
    main()
