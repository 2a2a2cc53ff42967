"""Table-3 computation time on a generated register (target: under 1 s for 100,000 requests).

    python bench/register.py [--requests 100000] [--years 3] [--db PATH] [--repeat 7]

The register is generated through the normal import path (every event checked), once per
--db file; CPU and wall time through bench/timing.py, medians over --repeat runs (the target is
judged on CPU).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests" / "register")]

from gk_register_sample import generate  # noqa: E402
from timing import Sample, line, machine, measure, median  # noqa: E402

from gongkai.register.settings import shipped_settings  # noqa: E402
from gongkai.register.store import Register  # noqa: E402
from gongkai.register.table3 import compute, drill  # noqa: E402


def samples(fn, repeat: int) -> list[Sample]:
    return [measure(fn) for _ in range(repeat)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=100_000)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--first-year", type=int, default=2023)
    ap.add_argument("--db", help="SQLite file to (re)use; default: a temporary file")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()

    tmp = None
    if args.db:
        path = Path(args.db)
    else:
        tmp = tempfile.TemporaryDirectory()
        path = Path(tmp.name) / "bench.db"
    reg = Register(str(path), settings=shipped_settings(), create=True)
    if reg.count() != args.requests:
        if reg.count():
            sys.exit(f"{path} already holds {reg.count()} requests; give another --db")
        done = measure(lambda: reg.import_requests(generate(args.requests, args.first_year, args.years, reg.calendar,
                                                            reg.settings, seed=11), "bench"))
        print(line(f"generated and imported {args.requests} requests", [done]))
    years = range(args.first_year, args.first_year + args.years)
    print(f"register: {reg.count()} requests, "
          f"{reg.db.query('SELECT COUNT(*) FROM events')[0][0]} events ({reg.db.dialect})")
    print(machine())
    worst = 0.0
    for y in years:
        got = samples(lambda y=y: compute(reg.db, y), args.repeat)
        worst = max(worst, median(got))
        print(line(f"table 3 for {y}", got))
    print(line(f"table 3 for all {args.years} years", samples(lambda: [compute(reg.db, y) for y in years], args.repeat)))
    mid = args.first_year + args.years // 2
    print(line(f"drill-down granted.total {mid}", samples(lambda: drill(reg.db, mid, "granted.total"), args.repeat)))
    print(f"target < 1 s per table 3: {'met' if worst < 1 else 'NOT met'} (worst CPU median {worst * 1000:.1f} ms)")
    reg.close()
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
