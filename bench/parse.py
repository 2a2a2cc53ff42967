"""Parse throughput and peak memory for text and HTML reports (one process, one core).

    python bench/parse.py [--seconds 3] [--check]

Inputs: the five seed reports (text) and generated government-CMS HTML pages (page chrome,
Word markup, GBK).  Start-up (imports, first parse) is excluded.  Prints the median of five
timed rounds and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongkai.extract import extract, parse_bytes  # noqa: E402
from gongkai.read import read_bytes  # noqa: E402
from tests.writers import Damage, random_report, to_html  # noqa: E402


def inputs() -> dict[str, list[tuple[bytes, str]]]:
    text = [(p.read_bytes(), p.name) for p in sorted((ROOT / "examples").glob("*.txt"))]
    rng = random.Random(0)
    html = []
    for i in range(20):
        report = random_report(rng, rng.choice(["2019", "2021"]))
        html.append((to_html(report, Damage(spaced=i % 2 == 0), charset="gbk" if i % 3 else "utf-8"), f"r{i}.html"))
    return {"text": text, "html": html}


def rate(docs: list[tuple[bytes, str]], seconds: float, check: bool) -> float:
    if check:
        from gongkai.check import check_report
    # CPU time of this process: the figure for "one core", robust to other load on the machine.
    n = 0
    start = time.process_time()
    while time.process_time() - start < seconds:
        for data, name in docs:
            report = parse_bytes(data, name)
            if check:
                check_report(report)
            n += 1
    return n / (time.process_time() - start)


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
    ap.add_argument("--seconds", type=float, default=2.0, help="length of one timed round")
    ap.add_argument("--check", action="store_true", help="also run the checker on every report")
    args = ap.parse_args()
    sets = inputs()
    for docs in sets.values():  # warm up: imports, caches
        for data, name in docs:
            parse_bytes(data, name)
    print(f"{'input':6} {'reports per CPU-second (median of 5)':>24} {'min':>8} {'max':>8}  avg size  time split")
    for form, docs in sets.items():
        rounds = [rate(docs, args.seconds, args.check) for _ in range(5)]
        size = sum(len(d) for d, _ in docs) / len(docs) / 1024
        share = read_share(docs, args.seconds)
        print(f"{form:6} {statistics.median(rounds):24.0f} {min(rounds):8.0f} {max(rounds):8.0f}  {size:.1f} KiB"
              f"  (reading {share:.0%}, extraction {1 - share:.0%})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MiB" + ("  (parse + check)" if args.check else "  (parse)"))


if __name__ == "__main__":
    main()
