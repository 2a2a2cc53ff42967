"""Rendering speed: reports per CPU-second for DOCX, HTML and Markdown (median of five rounds),
and, with ``--pdf N``, LibreOffice's DOCX -> PDF rate for N files in one start.

    python bench/render.py [--seconds 2] [--pdf 50]

The reports are generated ones (``tests/synth.py``), both format versions, full tables.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the report generator lives in tests/synth.py

from gongkai.render.docx import render_docx
from gongkai.render.html import render_html
from gongkai.render.markdown import render_markdown
from tests.synth import draw, to_report


def rate(render, reports, seconds: float) -> float:
    n = 0
    start = time.process_time()
    while time.process_time() - start < seconds:
        for report in reports:
            render(report)
            n += 1
    return n / (time.process_time() - start)


def pdf_rate(reports, count: int) -> float:
    """Files per wall-clock second of one LibreOffice start converting ``count`` DOCX files."""
    from gongkai.render.pdf import convert_to_pdf

    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        sources = []
        for i in range(count):
            path = Path(tmp) / f"r{i}.docx"
            path.write_bytes(render_docx(reports[i % len(reports)]))
            sources.append(path)
        start = time.perf_counter()
        convert_to_pdf(sources, Path(tmp) / "pdf")
        return count / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=2.0, help="length of one timed round")
    ap.add_argument("--pdf", type=int, default=0, metavar="N", help="also convert N DOCX files to PDF")
    args = ap.parse_args()
    rng = random.Random(0)
    reports = [to_report(draw(rng)) for _ in range(20)]
    for render in (render_docx, render_html, render_markdown):  # warm up: imports, fonts, caches
        render(reports[0])
    print(f"{'output':9} {'reports per CPU-second (median of 5)':>37} {'ms a report':>12}")
    for name, render in (("docx", render_docx), ("html", render_html), ("markdown", render_markdown)):
        rounds = [rate(render, reports, args.seconds) for _ in range(5)]
        median = statistics.median(rounds)
        print(f"{name:9} {median:37.1f} {1000 / median:12.1f}")
    if args.pdf:
        print(f"pdf (LibreOffice, {args.pdf} files in one start): {pdf_rate(reports, args.pdf):.2f} files/s")


if __name__ == "__main__":
    main()
