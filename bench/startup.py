"""Start-up cost of the command: ``gongkai parse one.txt --json`` against ``python -c pass``.

    python bench/startup.py [--rounds 15] [--callgrind]

Each command runs in a fresh process, in alternating rounds with the floor (``python -c pass``,
the interpreter's own start, measured in the same run); CPU time is the child's user + system
time.  gongkai runs as a user runs it: the console script pip installed beside this Python
(``python -c "from gongkai.cli import console; console()"`` when there is none).  Byte-code is
compiled and the caches written (in a fresh ``GONGKAI_CACHE`` of this run, as on a user's
machine: the shared one of a development machine holds the patterns of every version tried) by a
first, unmeasured run of each command, as on an installed system.  ``--callgrind`` also counts the instructions of one run of
each under valgrind (independent of the machine's load), and gongkai's own share (over the
floor) against the target's.  Target: ``parse one.txt --json`` ≤ 45 ms CPU when the floor was
8 ms, i.e. 37 ms of gongkai's own; on this machine, whose floor is ~143 M instructions in ~50 ms,
that is about ``OWN_BUDGET`` = 110 M instructions over the floor.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from timing import alternate, child, line, machine, median, ratio  # noqa: E402

SEED = next((ROOT / "examples").glob("000_*.txt"))
SCRIPT = Path(sys.executable).with_name("gongkai")  # the console script pip wrote
GONGKAI = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-c", "from gongkai.cli import console; console()"]

OWN_MS = 45 - 8  # the target's CPU over the floor
OWN_BUDGET = 110e6  # instructions over the floor: the target's 37 ms of gongkai's own, at this machine's rate

COMMANDS = {
    "python -c pass (floor)": [sys.executable, "-c", "pass"],
    "gongkai --version": [*GONGKAI, "--version"],
    "gongkai parse one.txt --json": [*GONGKAI, "parse", str(SEED), "--json"],
    "gongkai check one.txt": [*GONGKAI, "check", str(SEED)],
}


def instructions(cmd: list[str], env: dict) -> int | None:
    if not shutil.which("valgrind"):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/cg", *cmd],
                             env=env, capture_output=True, text=True, timeout=600).stderr
    found = re.search(r"refs:\s+([\d,]+)", out)
    return int(found.group(1).replace(",", "")) if found else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--callgrind", action="store_true", help="also count instructions under valgrind")
    args = ap.parse_args()
    cache = tempfile.TemporaryDirectory(prefix="gongkai-bench-cache-")
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "GONGKAI_CACHE": cache.name}
    print(f"gongkai runs as: {' '.join(GONGKAI)}")
    for cmd in COMMANDS.values():  # byte-code and caches, as after installation
        child(cmd, env=env, check=False)
    jobs = {name: (lambda cmd=cmd: child(cmd, env=env, check=False)[0]) for name, cmd in COMMANDS.items()}
    rounds = alternate(jobs, args.rounds)
    print(machine())
    for name, samples in rounds.items():
        print(line(name, samples))
    floor = rounds["python -c pass (floor)"]
    parse = rounds["gongkai parse one.txt --json"]
    for name, samples in rounds.items():
        if "floor" not in name:
            own = (median(samples) - median(floor)) * 1000
            print(ratio(f"{name} / floor", samples, floor) + f"  gongkai's own CPU {own:.1f} ms")
    own = (median(parse) - median(floor)) * 1000
    print(f"target: parse one.txt --json ≤ 45 ms CPU where the floor took 8 ms, i.e. gongkai's own ≤ {OWN_MS:.0f} ms: "
          f"{'met' if own <= OWN_MS else 'NOT met'} ({own:.1f} ms of its own here, where the floor takes "
          f"{median(floor) * 1000:.1f} ms)")
    if args.callgrind:
        counts = {name: instructions(cmd, env) for name, cmd in COMMANDS.items()}
        base = counts["python -c pass (floor)"]
        for name, n in counts.items():
            if n is not None:
                extra = f"  (+{(n - base) / 1e6:,.0f} M over the floor)" if base and "floor" not in name else ""
                print(f"instructions (callgrind) {name:36} {n / 1e6:10,.0f} M{extra}")
        parse_n = counts["gongkai parse one.txt --json"]
        if base and parse_n:
            own = parse_n - base
            print(f"target in instructions: parse one.txt --json ≤ {OWN_BUDGET / 1e6:.0f} M over the floor: "
                  f"{'met' if own <= OWN_BUDGET else 'NOT met'} ({own / 1e6:,.0f} M)")
    cache.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
