"""The whole corpus's first answers after a change (the statistics computed, not kept): CPU of each,
and with ``--before REV`` the same with that revision's code, alternating, and the answers compared.

    python bench/corpus_first.py --db BIG.db [--before REV] [--rounds 3]

Each round runs, in a fresh process per side, ``stats.computed`` of the whole corpus at every level
(what ``/api/corpus/stats``, ``gongkai stats``, ``Corpus.stats()`` and the 汇总 page compute once after
each change of the corpus, then keep: ``corpus/kept.py``): the CPU of each call (``time.process_time``,
the database's work included: SQLite runs in the process) and a digest of the table it gives.  The
floor is the process's own start (importing gongkai and opening the corpus).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from export import checkout  # noqa: E402
from timing import machine  # noqa: E402

LEVELS = ("province", "city", "county", "body")

CHILD = """
import hashlib, json, sys, time
t = time.process_time()
from gongkai.corpus import stats
from gongkai.corpus.store import Store
store = Store(sys.argv[1], create=False)
out = {"open": time.process_time() - t}
for level in sys.argv[2:]:
    t = time.process_time()
    table = stats.computed(store, level)
    out[level] = time.process_time() - t
    text = json.dumps(stats._dump(table), ensure_ascii=False, default=str)
    out[level + " digest"] = hashlib.sha256(text.encode()).hexdigest()
print(json.dumps(out))
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True, help="the corpus (SQLite path or postgresql:// URL; a Path took its // away)")
    ap.add_argument("--before", help="a git revision to measure beside the working tree")
    ap.add_argument("--rounds", type=int, default=3, help="rounds (medians; default 3)")
    ap.add_argument("--levels", default=",".join(LEVELS), help=f"levels (default {','.join(LEVELS)})")
    args = ap.parse_args()
    levels = args.levels.split(",")
    print(machine(), flush=True)
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-first-") as tmp:
        sides = {"after": ROOT / "src"}
        if args.before:
            sides = {f"before ({args.before})": checkout(args.before, Path(tmp)), **sides}
        for src in sides.values():
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=True, capture_output=True)
        got: dict[str, list[dict]] = {side: [] for side in sides}
        for _ in range(args.rounds):
            for side, src in sides.items():
                done = subprocess.run([sys.executable, "-c", CHILD, str(args.db), *levels], capture_output=True,
                                      check=True, env={**os.environ, "PYTHONPATH": str(src)})
                got[side].append(json.loads(done.stdout))
        print(f"{'stats.computed, whole corpus':32}" + "".join(f"{side:>26}" for side in sides))
        for key in ("open", *levels):
            cells = []
            for side in sides:
                values = [r[key] for r in got[side]]
                cells.append(f"{statistics.median(values):8.2f} s ({min(values):.2f}–{max(values):.2f})")
            print(f"{key:32}" + "".join(f"{c:>26}" for c in cells))
        if len(sides) == 2:
            before, after = sides
            for level in levels:
                b, a = (statistics.median(r[level] for r in got[s]) for s in (before, after))
                same = {r[level + " digest"] for r in got[before]} == {r[level + " digest"] for r in got[after]}
                print(f"  {level}: after / before CPU {a / b:.2f}×; "
                      f"the same table {'to the byte' if same else 'NOT: DIFFERENT'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
