"""The whole corpus exported in every form, on a small corpus and a big one: CPU, wall time, the
peak resident memory of the exporting process, and the output's size and digest.

    python bench/export.py --small-db SMALL.db --big BIG.db                 # corpora built before
    python bench/export.py --reports 20000 --small 1000                     # builds both (bench/corpus_pages.py)
    python bench/export.py --small-db S.db --big B.db --before REV --to jsonl,parquet

Each export runs as ``python -m gongkai export --db CORPUS --to FORM -o OUT`` in a fresh process
(GNU time gives its peak resident memory; CPU is the process's and its children's, DuckDB's
threads included).  An export streams when its peak does not grow with the corpus: the line
``peak big / small`` says by how much it does, against the floor ``gongkai --version``.  With
``--before REV`` the same exports run with the ``src`` of that revision too, in alternating
order, and the outputs of the two are compared byte for byte (digests of every file written).
Outputs are written under ``--keep DIR`` or a temporary folder and deleted after being hashed
(the CSV of 100,000 reports is ~6 GB; Parquet needs that much again while it is made).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from timing import GNU_TIME, Sample, child, machine  # noqa: E402

FORMS = ("csv", "jsonl", "parquet", "xlsx")


def checkout(rev: str, work: Path) -> Path:
    """The ``src`` of revision ``rev``, with this tree's compiled modules (built from the same .pyx)."""
    dest = work / f"rev-{rev}"
    dest.mkdir()
    archive = subprocess.run(["git", "archive", rev, "src"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    for so in (ROOT / "src").rglob("*.so"):
        target = dest / so.relative_to(ROOT)
        if not target.exists() and target.with_name(so.name.split(".")[0] + ".pyx").exists():
            shutil.copy2(so, target)
    return dest / "src"


def digest(path: Path) -> tuple[str, int]:
    """(SHA-256 over every file written, by name; their bytes)."""
    h, size = hashlib.sha256(), 0
    for f in sorted(path.rglob("*")) if path.is_dir() else [path]:
        if f.is_file():
            h.update(f.name.encode() + b"\0")
            with open(f, "rb") as data:
                while piece := data.read(1 << 20):
                    h.update(piece)
                    size += len(piece)
    return h.hexdigest(), size


def run(src: Path, args: list[str], timeout: float) -> tuple[Sample, str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    sample, done = child([sys.executable, "-m", "gongkai", *args], env=env, timeout=timeout, check=False)
    if done.returncode:
        raise SystemExit(f"gongkai {' '.join(args)} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return sample, done.stderr.decode()


def export(src: Path, db: Path, form: str, work: Path, timeout: float) -> tuple[Sample, str, int]:
    out = work / ("out.xlsx" if form == "xlsx" else "out.jsonl" if form == "jsonl" else "out")
    try:
        sample, _ = run(src, ["export", "--db", str(db), "--to", form, "-o", str(out)], timeout)
        sha, size = digest(out)
    finally:
        shutil.rmtree(out, ignore_errors=True) if out.is_dir() else out.unlink(missing_ok=True)
    return sample, sha, size


def reports_in(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return con.execute("SELECT COUNT(*) FROM documents WHERE status = 'ok'").fetchone()[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--big", type=Path, help="a big corpus already built (SQLite), used as it is")
    ap.add_argument("--small-db", type=Path, help="a small corpus already built (SQLite), used as it is")
    ap.add_argument("--reports", type=int, default=20_000, help="reports in the big corpus when built (default 20,000)")
    ap.add_argument("--small", type=int, default=1000, help="reports in the small corpus when built (default 1,000)")
    ap.add_argument("--to", default="csv,jsonl,parquet", help=f"forms, comma-separated (of {','.join(FORMS)};"
                    " default csv,jsonl,parquet: XLSX of 100,000 reports takes an hour)")
    ap.add_argument("--before", help="a git revision to measure beside the working tree, outputs compared")
    ap.add_argument("--keep", type=Path, help="write the outputs (and the corpora built) here, not in a temporary folder")
    ap.add_argument("--timeout", type=float, default=7200, help="seconds an export may take (default 7200)")
    args = ap.parse_args()
    forms = [f for f in args.to.split(",") if f]
    if unknown := [f for f in forms if f not in FORMS]:
        ap.error(f"unknown forms: {', '.join(unknown)}")
    print(machine(), flush=True)
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-export-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        dbs = {}
        for given, n, name in ((args.small_db, args.small, "small"), (args.big, args.reports, "big")):
            if given is None:
                from corpus_pages import build

                given = work / f"{name}.db"
                build(given, n, os.cpu_count() or 1)
            dbs[name] = given
        sides = {"after": ROOT / "src"}
        if args.before:
            sides = {f"before ({args.before})": checkout(args.before, Path(tmp)), **sides}
        for src in sides.values():  # byte-code written beforehand, as an installation has it
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=True, capture_output=True)
        floor = {side: run(src, ["--version"], 60)[0] for side, src in sides.items()}
        results: dict[tuple[str, str, str], tuple[Sample, str, int]] = {}
        for name, db in dbs.items():
            print(f"corpus {name}: {db} ({reports_in(db):,} reports)", flush=True)
            for form in forms:
                # the sides alternate their order from one form to the next (a busy spell hits both)
                order = list(sides.items()) if forms.index(form) % 2 == 0 else list(sides.items())[::-1]
                for side, src in order:
                    got = results[(name, form, side)] = export(src, db, form, work, args.timeout)
                    print(f"  {form:8} {side:22} CPU {got[0].cpu:8.1f} s  wall {got[0].wall:8.1f} s"
                          f"  peak {got[0].peak_mb:7.0f} MB  {got[2] / 1e6:10.1f} MB written", flush=True)
        print()
        print("floor: gongkai --version, peak " + ", ".join(f"{s} {x.peak_mb:.0f} MB" for s, x in floor.items()))
        print(f"{'form':8} {'side':22} {'small: peak MB':>15} {'CPU s':>8} {'big: peak MB':>13} {'CPU s':>8}"
              f" {'peak big/small':>15}")
        for form in forms:
            for side in sides:
                s, b = results[("small", form, side)][0], results[("big", form, side)][0]
                print(f"{form:8} {side:22} {s.peak_mb:15.0f} {s.cpu:8.1f} {b.peak_mb:13.0f} {b.cpu:8.1f}"
                      f" {b.peak_mb / max(s.peak_mb, 1e-9):14.2f}×")
            if len(sides) == 2:
                before, after = sides
                for name in dbs:
                    same = results[(name, form, before)][1] == results[(name, form, after)][1]
                    cpu = results[(name, form, after)][0].cpu / max(results[(name, form, before)][0].cpu, 1e-9)
                    peak = results[(name, form, after)][0].peak_mb / max(results[(name, form, before)][0].peak_mb, 1e-9)
                    print(f"  {name}: after / before CPU {cpu:.2f}×, peak {peak:.2f}×;"
                          f" output {'byte-identical' if same else 'DIFFERENT'}")
        if not os.access(GNU_TIME, os.X_OK):
            print("(peak from wait4: install Debian's time package for the exporting process's own)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
