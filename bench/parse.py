"""Parse throughput and peak memory for text and HTML reports (one process, one core).

    python bench/parse.py [--seconds 1] [--rounds 9] [--check]

Inputs: the five seed reports (text), generated government-CMS HTML pages (page chrome, Word
markup, GBK) and the ten crawler texts of examples/crawler-text (the body on one line, tables
flattened: their digits are cut into cells with the tables' sums).  Start-up (imports, first parse) is excluded.  Text and HTML rounds alternate,
so that both see the same load on a shared machine; prints (through bench/timing.py, as every
bench script) the CPU and wall time of a report, the median of the rounds with the CPU range,
reports per CPU-second, which HTML walk ran (compiled or Python) and the peak resident memory.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from timing import Sample, alternate, line, machine, repeat_for  # noqa: E402

from gongkai.extract import extract  # noqa: E402
from gongkai.load import load  # noqa: E402
from gongkai.read import read_bytes  # noqa: E402
from gongkai.read.accelerated import STATUS  # noqa: E402
from tests.writers import Damage, random_report, to_html  # noqa: E402


def inputs() -> dict[str, list[tuple[bytes, str]]]:
    text = [(p.read_bytes(), p.name) for p in sorted((ROOT / "examples").glob("*.txt"))]
    crawler = [(p.read_bytes(), p.name) for p in sorted((ROOT / "examples" / "crawler-text").glob("*.txt"))]
    rng = random.Random(0)
    html = []
    for i in range(20):
        report = random_report(rng, rng.choice(["2019", "2021"]))
        html.append((to_html(report, Damage(spaced=i % 2 == 0), charset="gbk" if i % 3 else "utf-8"), f"r{i}.html"))
    return {"text": text, "html": html, "crawler": crawler}


def rate(docs: list[tuple[bytes, str]], seconds: float, check: bool) -> Sample:
    """CPU and wall time of one report, parsed (and checked) again and again for ``seconds`` of CPU."""
    if check:
        from gongkai.check import check_report

    def once() -> None:
        for data, name in docs:
            report = load(data, name)
            if check:
                check_report(report)

    return repeat_for(once, seconds).per(len(docs))


def read_share(docs: list[tuple[bytes, str]], seconds: float) -> float:
    """Share of the parse time spent reading (bytes -> Document); the rest is extraction."""
    read = total = 0.0
    start = time.process_time()
    while time.process_time() - start < seconds:
        for data, name in docs:
            t0 = time.process_time()
            doc = read_bytes(data, name)
            t1 = time.process_time()
            extract(doc)
            read += t1 - t0
            total += time.process_time() - t0
    return read / total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=1.0, help="length of one timed round")
    ap.add_argument("--rounds", type=int, default=9, help="timed rounds per input form")
    ap.add_argument("--check", action="store_true", help="also run the checker on every report")
    args = ap.parse_args()
    sets = inputs()
    for docs in sets.values():  # warm up: imports, caches
        for data, name in docs:
            load(data, name)
    # Alternate the forms round by round: a noisy spell hits each of them alike.
    rounds = alternate({form: (lambda docs=docs: rate(docs, args.seconds, args.check)) for form, docs in sets.items()},
                       args.rounds)
    print(f"HTML walk: {STATUS}")
    print(machine())
    for form, docs in sets.items():
        size = sum(len(d) for d, _ in docs) / len(docs) / 1024
        share = read_share(docs, args.seconds)
        print(line(f"{form} ({size:.1f} KiB a report)", rounds[form], per="a report", rate="reports")
              + f"  (reading {share:.0%}, extraction {1 - share:.0%})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MiB" + ("  (parse + check)" if args.check else "  (parse)"))


if __name__ == "__main__":
    main()
