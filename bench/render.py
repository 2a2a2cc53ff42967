"""Rendering speed: CPU and wall time a report for DOCX, HTML and Markdown (bench/timing.py,
median of alternating rounds), and, with ``--pdf N``, LibreOffice's DOCX -> PDF rate for N files
in one start.

    python bench/render.py [--seconds 2] [--rounds 5] [--pdf 50]

The reports are generated ones (``tests/synth.py``), both format versions, full tables.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]  # bench/timing.py; the report generator is tests/synth.py

from timing import Sample, alternate, line, machine, measure, repeat_for  # noqa: E402

from gongkai.render.docx import render_docx  # noqa: E402
from gongkai.render.html import render_html  # noqa: E402
from gongkai.render.markdown import render_markdown  # noqa: E402
from tests.synth import draw, to_report  # noqa: E402


def rate(render, reports, seconds: float) -> Sample:
    """CPU and wall time of one report rendered, over ``seconds`` of CPU."""
    def once() -> None:
        for report in reports:
            render(report)

    return repeat_for(once, seconds).per(len(reports))


def pdf_sample(reports, count: int) -> Sample:
    """CPU (LibreOffice's, a child) and wall time a file of one start converting ``count`` DOCX files."""
    from gongkai.render.pdf import convert_to_pdf

    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        sources = []
        for i in range(count):
            path = Path(tmp) / f"r{i}.docx"
            path.write_bytes(render_docx(reports[i % len(reports)]))
            sources.append(path)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = measure(lambda: convert_to_pdf(sources, Path(tmp) / "pdf"))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        children = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        return Sample(done.cpu + children, done.wall).per(count)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=2.0, help="CPU seconds of one round")
    ap.add_argument("--rounds", type=int, default=5, help="alternating rounds")
    ap.add_argument("--pdf", type=int, default=0, metavar="N", help="also convert N DOCX files to PDF")
    args = ap.parse_args()
    rng = random.Random(0)
    reports = [to_report(draw(rng)) for _ in range(20)]
    for render in (render_docx, render_html, render_markdown):  # warm up: imports, fonts, caches
        render(reports[0])
    print(machine())
    renders = {"docx": render_docx, "html": render_html, "markdown": render_markdown}
    rounds = alternate({name: (lambda r=render: rate(r, reports, args.seconds)) for name, render in renders.items()},
                       args.rounds)
    for name, samples in rounds.items():
        print(line(name, samples, per="a report", rate="reports"))
    if args.pdf:
        print(line(f"pdf (LibreOffice, {args.pdf} files in one start)", [pdf_sample(reports, args.pdf)], per="a file",
                   rate="files"))


if __name__ == "__main__":
    main()
