"""Checker speed: checks per second over the seed reports, repeated; medians of several rounds.

    python bench/check.py [--seconds 1] [--rounds 7] [FILE...]

Parsing is timed too, in alternating rounds with the checks, so the figure sits beside the parse
cost that a corpus run pays anyway.  CPU and wall time a report, through bench/timing.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench")]

from timing import alternate, line, machine, ratio, repeat_for  # noqa: E402

from gongkai.check import check_report  # noqa: E402
from gongkai.load import load  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*")
    ap.add_argument("--seconds", type=float, default=1.0, help="CPU seconds of one round")
    ap.add_argument("--rounds", type=int, default=7, help="alternating rounds")
    args = ap.parse_args()
    files = args.files or sorted(str(p) for p in (ROOT / "examples").glob("00*.txt"))
    reports = [load(f) for f in files]
    previous = reports[0]

    def check_all(with_previous: bool = False) -> None:
        for report in reports:
            check_report(report, previous if with_previous else None)

    def parse_all() -> None:
        for f in files:
            load(f)

    n = len(reports)
    got = alternate({"check": lambda: repeat_for(check_all, args.seconds).per(n),
                     "check --previous": lambda: repeat_for(lambda: check_all(True), args.seconds).per(n),
                     "parse": lambda: repeat_for(parse_all, args.seconds).per(len(files))}, args.rounds)
    print(machine())
    print(f"reports: {len(files)} ({', '.join(Path(f).name for f in files)})")
    for name, samples in got.items():
        print(line(name, samples, per="a report", rate="reports"))
    print(ratio("check / parse", got["check"], got["parse"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
