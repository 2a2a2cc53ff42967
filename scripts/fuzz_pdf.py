"""Byte-flip fuzzing of the PDF reader: every damaged file must give a clean Chinese refusal or a
report — never an internal error (exit 70 / HTTP 500) and never a crash.

    python scripts/fuzz_pdf.py [--cases 900] [--seed 1] [--keep DIR] [examples/*.pdf ...]

Each case is one of the given PDFs with 1-16 random bytes replaced (seeded, so a run repeats).
Cases are read in child processes (``gongkai.isolate``), so a crash in native code is counted,
not fatal.  Cases that end in an internal error or a crash are written to ``--keep`` (default
/tmp/gongkai-fuzz) with the reason, for tests/safety/data/fuzz/ and a fix.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def main() -> int:
    from gongkai.errors import GongkaiError
    from gongkai.isolate import Pool

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--cases", type=int, default=900)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", type=Path, default=Path("/tmp/gongkai-fuzz"))
    args = ap.parse_args()
    pdfs = args.pdfs or sorted((ROOT / "examples").glob("*.pdf"))
    originals = [(p.name, p.read_bytes()) for p in pdfs]
    rng = random.Random(args.seed)
    pool = Pool(2)
    outcomes: Counter[str] = Counter()
    bad = []
    started = time.monotonic()
    try:
        for case in range(args.cases):
            source, data = originals[case % len(originals)]
            damaged = mutate(data, rng)
            name = f"fuzz-{args.seed}-{case:04d}-{source}"
            try:
                pool.call("gongkai.load:load_input", (damaged, name), name)
                outcomes["report"] += 1
            except GongkaiError as exc:
                if "读取程序意外退出" in exc.message:
                    outcomes["CRASH"] += 1
                    bad.append((name, damaged, f"crash: {exc.message}"))
                else:
                    outcomes["clean refusal"] += 1
            except RuntimeError as exc:  # an unexpected exception inside the reader
                outcomes["INTERNAL ERROR"] += 1
                bad.append((name, damaged, f"internal error: {exc}"))
    finally:
        pool.close()
    args.keep.mkdir(parents=True, exist_ok=True)
    for name, damaged, reason in bad:
        (args.keep / name).write_bytes(damaged)
        (args.keep / (name + ".txt")).write_text(reason + "\n", encoding="utf-8")
    print(f"fuzz: {args.cases} damaged copies of {', '.join(n for n, _ in originals)} in "
          f"{time.monotonic() - started:.0f} s: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    for name, _, reason in bad:
        print(f"  {name}: {reason[:200]}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
