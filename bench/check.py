"""Checker speed: checks per second over the seed reports, repeated; medians of several rounds.

    python bench/check.py [--repeat 200] [--rounds 7] [FILE...]

Parsing is timed too (parse + check per report), so the figure sits beside the parse cost
that a corpus run pays anyway.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from gongkai.check import check_report
from gongkai.load import load

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*")
    ap.add_argument("--repeat", type=int, default=200, help="times the seed list is checked per round")
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    files = args.files or sorted(str(p) for p in (ROOT / "examples").glob("00*.txt"))
    reports = [load(f) for f in files]
    previous = reports[0]

    def timed(fn) -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    def check_all(with_previous: bool = False) -> None:
        for _ in range(args.repeat):
            for report in reports:
                check_report(report, previous if with_previous else None)

    def parse_all() -> None:
        for f in files:
            load(f)

    n = args.repeat * len(reports)
    single = [n / timed(check_all) for _ in range(args.rounds)]
    paired = [n / timed(lambda: check_all(True)) for _ in range(args.rounds)]
    parse = [len(files) / timed(parse_all) for _ in range(args.rounds)]
    per_check_ms = 1000 / statistics.median(single)
    per_parse_ms = 1000 / statistics.median(parse)
    print(f"reports: {len(files)} ({', '.join(Path(f).name for f in files)}), "
          f"{args.repeat} repeats x {args.rounds} rounds")
    print(f"check            : {statistics.median(single):10.0f} checks/s (median; min {min(single):.0f}, "
          f"max {max(single):.0f}) = {per_check_ms:.3f} ms/report")
    print(f"check --previous : {statistics.median(paired):10.0f} checks/s (median)")
    print(f"parse            : {statistics.median(parse):10.1f} reports/s (median) = {per_parse_ms:.2f} ms/report")
    print(f"check / parse    : {per_check_ms / per_parse_ms:10.1%} of the parse time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
