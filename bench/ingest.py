"""Corpus ingest throughput per form, and memory; medians of several runs.

    python bench/ingest.py [--n 1000] [--docx-n 200] [--pdf-n 200] [--published-n 30] [--runs 3]
                           [--workers N] [--mixed 0]

For each form a fresh corpus (SQLite) is filled by the ingest in a child process, so its peak
memory is its own: the parent (which writes the store) and the largest worker (peak resident
set, read from /proc while the run goes on) are reported separately.  Text, HTML, Markdown,
DOCX and PDF reports are generated (random consistent data; DOCX by gongkai's renderer, PDF
from that DOCX by LibreOffice), and the cost of making them is reported too: DOCX rendering
per file and LibreOffice conversions per second (one start for the whole batch).  "pdf-pub"
uses copies of the published PDFs in examples/, each made distinct by a trailing comment so
the content hash does not deduplicate them.  Also reported: worker-side
cost per file measured in one process (parse + check + serialise), the store's bytes per
report, and Parquet export speed.  ``--mixed N`` adds one run over N files of all five forms; ``--dask`` repeats the txt run on a
Dask LocalCluster (same number of single-threaded worker processes) to show the engine overhead.
``--scaling N`` instead compares one worker with ``--workers`` on N texts (CPU and wall time
through bench/timing.py, alternating rounds; the CPU of the ingest process and of the workers
apart; the speed-up against the 1.8× target, measured and predicted from CPU for idle cores).
``--many N`` instead ingests N generated reports (txt, html, md) with ``--workers`` and prints,
``--samples`` times as it goes, the CPU of the ingest process and the resident memory and peak
(the kernel's VmHWM, per process) of it and of each worker, so flat memory can be seen.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the report generator lives in tests/synth.py

# A process's /proc status, for the measuring children below.
_STATUS = r"""
def status(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return dict(line.split(":", 1) for line in f if ":" in line)
    except OSError:
        return {}
"""

_CHILD = _STATUS + r"""
import json, os, resource, sys, threading, time
from gongkai.corpus.ingest import ingest
from gongkai.corpus.store import Store

# Pool workers are children of the forkserver, not of this process, so their peak memory is
# read from /proc (VmHWM) while the run goes on.
peak = {"kb": 0}
stop = threading.Event()


def watch():
    me = os.getpid()
    while not stop.is_set():
        tree = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                st = status(name)
                if "PPid" in st:
                    tree[int(name)] = (int(st["PPid"]), int(st.get("VmHWM", "0 kB").split()[0]))
        for pid, (ppid, hwm) in tree.items():
            p = ppid
            while p and p != me and p in tree:
                p = tree[p][0]
            if p == me and pid != me:
                peak["kb"] = max(peak["kb"], hwm)
        stop.wait(0.2)

src, db, workers, dask = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "dask"
cluster = None
if dask:  # a LocalCluster of single-threaded worker processes on loopback, started before the clock
    from distributed import LocalCluster
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None)
threading.Thread(target=watch, daemon=True).start()
t = time.perf_counter()
with Store(db) as store:
    s = ingest([src], store, workers=workers, cluster=cluster.scheduler_address if cluster else None)
elapsed = time.perf_counter() - t
if cluster:
    cluster.close()
stop.set()
print(json.dumps({"elapsed": elapsed, "added": s.added, "failed": len(s.failed),
                  "parent_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "worker_kb": peak["kb"]}))
"""


def make_inputs(directory: Path, form: str, n: int, seed: int, workers: int) -> int:
    directory.mkdir(parents=True)
    if form == "pdf-pub":
        pdfs = sorted((ROOT / "examples").glob("*.pdf"))
        for i in range(n):
            src = pdfs[i % len(pdfs)]
            (directory / f"{i:05d}.pdf").write_bytes(src.read_bytes() + f"\n% copy {i}\n".encode())
        return n
    from tests.synth import draw, write_reports

    rng = random.Random(seed)
    forms = ("txt", "html", "md", "docx", "pdf") if form == "mixed" else (form,)
    write_reports(directory, {f"{i:05d}.{forms[i % len(forms)]}": draw(rng) for i in range(n)}, workers)
    return n


def bench_generation(tmp: Path, n: int) -> tuple[float, float]:
    """(ms per DOCX rendered by gongkai, LibreOffice DOCX->PDF conversions per second) for ``n``
    generated reports, in one process, one LibreOffice start per batch as the generator does."""
    from gongkai.render.docx import render_docx
    from tests.synth import PDF_BATCH, convert_batch, draw, to_report

    src = tmp / "gen-docx"
    src.mkdir()
    rng = random.Random(99)
    reports = [to_report(draw(rng)) for _ in range(n)]
    t = time.perf_counter()
    for i, report in enumerate(reports):
        (src / f"{i:05d}.docx").write_bytes(render_docx(report))
    docx_ms = (time.perf_counter() - t) * 1000 / n
    t = time.perf_counter()
    files = sorted(src.iterdir())
    for i in range(0, n, PDF_BATCH):
        convert_batch(files[i:i + PDF_BATCH], tmp / "gen-pdf")
    return docx_ms, n / (time.perf_counter() - t)


def run_once(src: Path, db: Path, workers: int, engine: str = "pool") -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(src), str(db), str(workers), engine],
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["db_bytes"] = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    return result


def worker_cost(src: Path, limit: int = 60) -> float:
    """Median ms per file for parse + check + serialise in this process (no pool, no store)."""
    from gongkai.corpus.worker import process

    times = []
    for p in sorted(src.iterdir())[:limit]:
        data = p.read_bytes()
        t = time.perf_counter()
        process(str(p), data)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def bench_form(tmp: Path, form: str, n: int, runs: int, workers: int, engine: str = "pool") -> dict:
    src = tmp / f"in-{form}"
    if not src.exists():
        make_inputs(src, form, n, seed=sum(map(ord, form)), workers=workers)
    results = []
    for r in range(runs):
        db = tmp / f"{form}-{engine}-{r}.db"
        results.append(run_once(src, db, workers, engine))
    rates = [x["added"] / x["elapsed"] for x in results]
    last = results[-1]
    return {
        "form": form, "files": n, "ok": last["added"], "failed": last["failed"],
        "files_per_s": statistics.median(rates), "worker_ms": worker_cost(src),
        "parent_mb": max(x["parent_kb"] for x in results) / 1024,
        "worker_mb": max(x["worker_kb"] for x in results) / 1024,
        "db_kb_per_report": last["db_bytes"] / max(1, last["added"]) / 1024,
        "db": tmp / f"{form}-{engine}-{runs - 1}.db",
    }


def bench_export(db: Path, tmp: Path) -> tuple[float, int]:
    from gongkai.corpus.export import export
    from gongkai.corpus.store import Store

    times, rows = [], 0
    for r in range(3):
        t = time.perf_counter()
        with Store(str(db)) as store:
            written = export(store, "parquet", str(tmp / f"export-{r}"))
        times.append(time.perf_counter() - t)
        rows = dict((Path(p).stem, n) for p, n in written)["cells"]
    return statistics.median(times), rows


# One measured ingest (``--scaling``, ``--many``): ingest() in this child, whose own CPU and the
# kernel's peak resident set (VmHWM) of it and of each worker are printed as JSON lines; with
# EVERY > 0, a line each EVERY files too, so flat memory can be seen while the run goes on.
_MEASURED = _STATUS + r"""
import json, os, sys, time
from gongkai.corpus.ingest import ingest
from gongkai.corpus.store import Store

src, db, workers, every = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
me = os.getpid()


def kb(st, key):
    return int(st.get(key, "0 kB").split()[0])

def workers_now():
    # The pool's workers are children of its fork server, a child of this process.
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = status(name)
            if "PPid" in st:
                parents[int(name)] = (int(st["PPid"]), st)
    servers = {pid for pid, (ppid, _) in parents.items() if ppid == me}
    return [st for pid, (ppid, st) in parents.items() if ppid in servers]

def sample(done, total, t0, cpu0):
    mine = status(me)
    ws = workers_now()
    hwm["workers"] = max([hwm["workers"], *(kb(w, "VmHWM") for w in ws)])
    print(json.dumps({"done": done, "total": total, "wall": time.perf_counter() - t0,
                      "parent_cpu": time.process_time() - cpu0, "parent_rss": kb(mine, "VmRSS"),
                      "parent_hwm": kb(mine, "VmHWM"), "workers_rss": [kb(w, "VmRSS") for w in ws],
                      "workers_hwm": [kb(w, "VmHWM") for w in ws]}), flush=True)

def cpu_of(pid):  # seconds: the process and the children it has reaped
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")

# The fork server is started (and has imported the parser) before the clock, as a long run
# amortises it; its CPU so far is left out of the workers'.
import gongkai.corpus.ingest as ingest_mod
from multiprocessing import forkserver
pool = ingest_mod._local_pool(1)
pool.submit(os.getpid).result()
pool.shutdown()
server_cpu = cpu_of(forkserver._forkserver._forkserver_pid)
t0, cpu0 = time.perf_counter(), time.process_time()
hwm = {"workers": 0}

def progress(done, total, path):  # /proc is read only at the samples: it costs this process CPU
    if every and (done % every == 0 or done == total):
        sample(done, total, t0, cpu0)

with Store(db) as store:
    cpu, wall = time.process_time(), time.perf_counter()
    s = ingest([src], store, workers=workers, on_progress=progress)
    ingest_cpu, ingest_wall = time.process_time() - cpu, time.perf_counter() - wall
mine = status(me)
# The fork server reaps the workers; stopped and reaped here, its CPU and theirs is this child's.
forkserver._forkserver._stop()
import resource
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"added": s.added, "failed": len(s.failed), "ingest_cpu": ingest_cpu, "ingest_wall": ingest_wall,
                  "parent_cpu": time.process_time(), "workers_cpu": kids.ru_utime + kids.ru_stime - server_cpu,
                  "parent_hwm": kb(mine, "VmHWM"), "workers_hwm": hwm["workers"]}), flush=True)
"""


def _measured(src: Path, db: Path, workers: int, every: int = 0):
    """(Sample of the whole child: CPU of it, its fork server and workers; the child's last JSON
    line; the sample lines), running ``_MEASURED``; sample lines are printed as they come when
    ``every``."""
    wall = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _MEASURED, str(src), str(db), str(workers), str(every)],
                            stdout=subprocess.PIPE, text=True, cwd=str(ROOT))
    assert proc.stdout is not None
    lines = []
    for raw in proc.stdout:
        got = json.loads(raw)
        lines.append(got)
        if every and "done" in got:
            print(_sample_line(got), flush=True)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"the measured ingest failed ({status})")
    from timing import Sample

    return Sample(usage.ru_utime + usage.ru_stime, time.perf_counter() - wall), lines[-1], lines[:-1]


def _sample_line(got: dict) -> str:
    workers = ", ".join(f"{r / 1024:.0f}/{h / 1024:.0f}" for r, h in zip(got["workers_rss"], got["workers_hwm"]))
    return (f"  {got['done']:>7,} of {got['total']:,} files  wall {got['wall']:7.1f} s  ingest process: CPU "
            f"{got['parent_cpu']:6.1f} s, resident {got['parent_rss'] / 1024:.0f} MB (peak {got['parent_hwm'] / 1024:.0f})"
            f"  workers resident/peak MB: {workers or '-'}")


def scaling(tmp: Path, n: int, rounds: int, workers: int) -> None:
    """Ingest of ``n`` generated text reports with 1 worker and with ``workers``, in alternating
    rounds, each into a fresh corpus: CPU and wall time a report of ``ingest()`` (the fork server
    started before: a long run amortises its imports), split into the ingest process's own CPU
    (what one process does serially) and the workers'; the wall speed-up (target: ≥ 1.8× from 1 to 2
    workers on an idle machine) and what the CPU figures predict for an idle machine."""
    sys.path.insert(0, str(ROOT / "bench"))
    from timing import Sample, alternate, line, machine, median

    src = tmp / "scaling"
    make_inputs(src, "txt", n, 5, workers)
    count = [0]
    parent: dict[int, list[Sample]] = {1: [], workers: []}
    rest: dict[int, list[Sample]] = {1: [], workers: []}

    def once(jobs: int) -> Sample:
        count[0] += 1
        _, last, _ = _measured(src, tmp / f"scaling-{count[0]}.db", jobs)
        assert last["added"] == n, last
        wall = last["ingest_wall"]
        parent[jobs].append(Sample(last["ingest_cpu"], wall).per(n))
        rest[jobs].append(Sample(last["workers_cpu"], wall).per(n))
        return Sample(last["ingest_cpu"] + last["workers_cpu"], wall).per(n)

    got = alternate({1: lambda: once(1), workers: lambda: once(workers)}, rounds)
    print(machine())
    for jobs, samples in got.items():
        print(line(f"ingest {n} texts, {jobs} worker(s), all processes", samples, per="a report", rate="reports"))
        print(line("  of it the ingest process, in ingest()", parent[jobs], per="a report"))
        print(line("  of it the workers and their fork server", rest[jobs], per="a report"))
    speed = median(got[1], "wall") / median(got[workers], "wall")
    p1, w1 = median(parent[1]), median(rest[1])
    pn, wn = median(parent[workers]), median(rest[workers])
    # Idle cores: with one worker the ingest process and the worker overlap on two cores; with
    # more, all their CPU shares the cores (start-up and the cross-year pass are left out).
    cores = min(workers, os.cpu_count() or 1)
    predicted = max(p1, w1) / max(pn, (pn + wn) / cores)
    print(f"  wall speed-up {speed:.2f}× from 1 to {workers} workers (target ≥ 1.8× on an idle machine; "
          f"this machine's load shares the cores); CPU {median(got[workers]) / median(got[1]):.2f}× of one worker's")
    print(f"  from the CPU figures, on {cores} idle cores: {predicted:.2f}× "
          f"(ingest process {pn * 1000:.2f} ms a report against {wn * 1000:.2f} ms in the workers)")


def many(tmp: Path, n: int, workers: int, samples: int) -> None:
    """Ingest of ``n`` generated reports (txt, html and md in turn, written by tests/synth.py as
    the 10,000-report test writes them) into a fresh corpus, printing memory as it goes."""
    sys.path.insert(0, str(ROOT / "bench"))
    from timing import line, machine

    from tests.synth import draw, write_reports

    src = tmp / "many"
    src.mkdir()
    rng = random.Random(20)
    t = time.perf_counter()
    forms = ("txt", "html", "md")
    for start in range(0, n, 10_000):  # in slices, so the drawn truth is never all held at once
        write_reports(src, {f"r{i:06d}.{forms[i % 3]}": draw(rng) for i in range(start, min(n, start + 10_000))},
                      workers)
    print(machine())
    print(f"{n:,} generated reports written in {time.perf_counter() - t:.0f} s; ingesting with {workers} worker(s)",
          flush=True)
    whole, last, _ = _measured(src, tmp / "many.db", workers, every=max(1, n // samples))
    db_mb = sum(p.stat().st_size for p in tmp.glob("many.db*")) / 1048576
    print(line(f"ingest {n:,} reports, all processes", [whole.per(n)], per="a report", rate="reports"))
    print(f"  ingest process: {last['ingest_cpu'] * 1000 / n:.2f} ms CPU a report in ingest(), peak resident "
          f"{last['parent_hwm'] / 1024:.0f} MB; largest worker peak {last['workers_hwm'] / 1024:.0f} MB; "
          f"added {last['added']:,}, failed {last['failed']}; corpus {db_mb:,.0f} MB")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="generated files per text form")
    ap.add_argument("--docx-n", type=int, default=200, help="generated DOCX files (0 to skip)")
    ap.add_argument("--pdf-n", type=int, default=200, help="generated PDF files (0 to skip)")
    ap.add_argument("--published-n", type=int, default=30, help="copies of the published PDFs (0 to skip)")
    ap.add_argument("--gen-n", type=int, default=100,
                    help="reports for the generation figures: DOCX rendering, LibreOffice conversion (0 to skip)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--mixed", type=int, default=0, help="one extra run over N files of all five forms")
    ap.add_argument("--dask", action="store_true", help="also run the txt form on a Dask LocalCluster")
    ap.add_argument("--scaling", type=int, default=0, metavar="N",
                    help="only compare 1 worker with --workers on N generated texts (CPU and wall, timing.py)")
    ap.add_argument("--many", type=int, default=0, metavar="N",
                    help="only ingest N generated reports with --workers, printing memory as it goes")
    ap.add_argument("--samples", type=int, default=10, help="memory lines printed by --many")
    args = ap.parse_args()
    if args.scaling or args.many:
        with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp_name:
            if args.scaling:
                scaling(Path(tmp_name), args.scaling, args.runs, args.workers)
            else:
                many(Path(tmp_name), args.many, args.workers, args.samples)
        return 0
    print(f"cpu cores: {os.cpu_count()}, workers: {args.workers}, runs per form: {args.runs} (medians)")
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if args.gen_n:
            from tests.synth import PDF_BATCH

            docx_ms, lo_rate = bench_generation(tmp, args.gen_n)
            print(f"generation of {args.gen_n} reports: DOCX {docx_ms:.0f} ms/file (one process), "
                  f"LibreOffice DOCX->PDF {lo_rate:.2f} files/s (one process, a start per {PDF_BATCH} files)",
                  flush=True)
        print(f"{'form':9} {'files':>6} {'ok':>6} {'failed':>6} {'files/s':>8} {'worker ms/file':>15} "
              f"{'parent MB':>10} {'worker MB':>10} {'store KB/report':>16}")
        forms = [("txt", args.n), ("html", args.n), ("md", args.n), ("docx", args.docx_n), ("pdf", args.pdf_n),
                 ("pdf-pub", args.published_n)]
        forms = [(f, n) for f, n in forms if n]
        forms = [(f, n, "pool") for f, n in forms]
        if args.dask:
            forms.append(("txt", args.n, "dask"))
        if args.mixed:
            forms.append(("mixed", args.mixed, "pool"))
        last_db = None
        for form, n, engine in forms:
            runs = 1 if form == "mixed" else args.runs
            r = bench_form(tmp, form, n, runs, args.workers, engine)
            label = form if engine == "pool" else f"{form}/dask"
            print(f"{label:9} {r['files']:>6} {r['ok']:>6} {r['failed']:>6} {r['files_per_s']:>8.1f} "
                  f"{r['worker_ms']:>15.1f} {r['parent_mb']:>10.0f} {r['worker_mb']:>10.0f} "
                  f"{r['db_kb_per_report']:>16.1f}", flush=True)
            if form in ("txt", "mixed") and engine == "pool":
                last_db = r["db"]
        if last_db is not None:
            seconds, rows = bench_export(last_db, tmp)
            print(f"export parquet ({last_db.stem}): {seconds:.2f} s for {rows} cell rows "
                  f"({rows / seconds:,.0f} rows/s, median of 3)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
