"""``gongkai parse DIR`` and ``check DIR`` with ``--jobs 1`` and ``--jobs N``: wall speed-up and CPU.

    python bench/jobs.py [--texts 200] [--pdfs 12] [--rounds 3] [--jobs N]

Two directories: generated text reports (tests/synth.py, each distinct) and copies of the
published PDFs in examples/.  Each command runs as a child process, ``--jobs 1`` and
``--jobs N`` (default: the cores) in alternating rounds; CPU time is the child's and its
workers' (user + system), wall time as the user waits.  The speed-up is the wall time of
``--jobs 1`` over that of ``--jobs N`` (target: ≥ 1.8× from 1 to 2 on an idle machine; on a
busy one the other jobs take the second core, see the load printed first); the CPU ratio shows
what the workers cost beyond the work itself (forking, passing output back).  Both runs' outputs
are compared: they must be the same, byte for byte.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from timing import Sample, alternate, child, line, machine, median  # noqa: E402

GONGKAI = [sys.executable, "-c", "import sys; from gongkai.cli import main; sys.exit(main())"]


def _texts(folder: Path, n: int) -> None:
    from tests.synth import draw, render

    rng = random.Random(11)
    for i in range(n):
        (folder / f"{i:05d}.txt").write_bytes(render(draw(rng), "txt"))


def _pdfs(folder: Path, n: int) -> None:
    published = sorted((ROOT / "examples").glob("*.pdf"))
    for i in range(n):
        shutil.copy(published[i % len(published)], folder / f"{i:03d}.pdf")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", type=int, default=200)
    ap.add_argument("--pdfs", type=int, default=12)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                    else os.cpu_count() or 1)
    args = ap.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        texts, pdfs = Path(tmp, "texts"), Path(tmp, "pdfs")
        texts.mkdir()
        pdfs.mkdir()
        _texts(texts, args.texts)
        _pdfs(pdfs, args.pdfs)
        for folder, n in ((texts, args.texts), (pdfs, args.pdfs)):
            if n == 0:  # --pdfs 0: texts only
                continue
            for command in ("parse", "check"):
                _compare(command, folder, n, args.jobs, args.rounds)
    return 0


def _compare(command: str, folder: Path, n: int, jobs: int, rounds: int) -> None:
    outputs: dict[int, set[bytes]] = {1: set(), jobs: set()}

    def run(j: int) -> Sample:
        sample, done = child([*GONGKAI, command, str(folder), "--jobs", str(j)], check=False, cwd=str(ROOT))
        outputs[j].add(done.stdout + b"\0" + done.stderr)
        return sample.per(n)

    run(1)  # byte-code, caches
    got = alternate({1: lambda: run(1), jobs: lambda: run(jobs)}, rounds)
    label = f"{command} {n} {folder.name}"
    print(line(f"{label} --jobs 1", got[1], per="a file", rate="files"))
    print(line(f"{label} --jobs {jobs}", got[jobs], per="a file", rate="files"))
    speed = median(got[1], "wall") / median(got[jobs], "wall")
    cost = median(got[jobs]) / median(got[1])
    same = len(outputs[1] | outputs[jobs]) == 1
    print(f"  wall speed-up {speed:.2f}× with {jobs} workers (target ≥ 1.8× from 1 to 2, idle machine);"
          f" CPU {cost:.2f}× of --jobs 1; output identical: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    sys.exit(main())
