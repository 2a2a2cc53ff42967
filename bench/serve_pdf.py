"""Load test: concurrent anonymous PDF parses against ``gongkai serve``, on loopback only, bounded.

    python bench/serve_pdf.py [--clients 8] [--requests 200] [--pdf examples/huaian-city-2024.pdf]
                              [--threads 8] [--seconds 1800]

Starts ``gongkai serve`` (waitress, ``--threads`` request threads) in a child process on a free
127.0.0.1 port with a fresh data directory; ``--clients`` client threads each POST the PDF to
``/api/parse`` ``--requests`` times (no account: the anonymous API).  Every answer must be 200
with the same cells as the first; the server must still be alive at the end.  Prints the
throughput, p50/p99/max latency, and the server's memory (the ``gongkai serve`` process and its
children together, sampled every half second): at start, after the first tenth of the requests,
at the end, and the peak — flat memory means the end is close to the first tenth.

It stops by itself: after the requests, or after ``--seconds`` (then it says so and fails).
Exit status 0 only if every answer was a correct 200 and the server survived.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import serverproc  # noqa: E402  (scripts/: the gongkai serve child process)


def _tree(pid: int) -> list[int]:
    """A process and its descendants (Linux /proc; children started by any of its threads)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            continue
    return out


def tree_rss(pid: int) -> int:
    """Resident memory of a process and its descendants, in bytes."""
    total = 0
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/status", encoding="ascii") as f:
                total += next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            continue
    return total


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process, its live descendants and the children it reaped."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
        except (OSError, IndexError, ValueError):
            continue
    return total / tick


def multipart(path: Path) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n").encode()
    return head + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=200, help="requests per client (default 200)")
    ap.add_argument("--pdf", type=Path, default=ROOT / "examples" / "huaian-city-2024.pdf")
    ap.add_argument("--threads", type=int, default=8, help="the server's request threads (default 8)")
    ap.add_argument("--seconds", type=float, default=1800, help="give up after this long (default 1800)")
    ap.add_argument("--read-workers", type=int, help="gongkai serve --read-workers (default: the server's default; "
                                                      "0 reads in the request threads under the PDFium lock)")
    args = ap.parse_args()
    body, ctype = multipart(args.pdf)
    total = args.clients * args.requests

    with tempfile.TemporaryDirectory(prefix="gongkai-bench-pdf-") as tmp:
        env = {**os.environ, "GONGKAI_WEB_HOME": tmp}
        env.pop("GONGKAI_WEB_DB", None)
        port = serverproc.free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, "-m", "gongkai", "serve", "--host", "127.0.0.1", "--port",
                                   str(port), "--threads", str(args.threads)]
                                  + ([] if args.read_workers is None else ["--read-workers", str(args.read_workers)]),
                                  env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        memory: list[tuple[int, int]] = []  # (requests done, bytes)
        done = [0]
        failures: list[str] = []
        latencies: list[float] = []
        lock = threading.Lock()
        stop = threading.Event()
        try:
            try:
                serverproc.wait_up(server, f"{base}/check/")
            except serverproc.ServerDidNotStart as exc:
                print(f"bench: {exc}", file=sys.stderr)
                return 1

            def post() -> dict:
                req = urllib.request.Request(f"{base}/api/parse", data=body, headers={"Content-Type": ctype})
                with urllib.request.urlopen(req, timeout=300) as r:
                    if r.status != 200:
                        raise RuntimeError(f"HTTP {r.status}")
                    return json.loads(r.read())

            expected = post()["cells"]
            memory.append((0, tree_rss(server.pid)))

            def sampler():
                while not stop.wait(0.5):
                    memory.append((done[0], tree_rss(server.pid)))

            def client():
                for _ in range(args.requests):
                    if stop.is_set():
                        return
                    t = time.perf_counter()
                    try:
                        answer = post()
                        ok = answer.get("cells") == expected
                        error = None if ok else "the cells differ from the first answer"
                    except urllib.error.HTTPError as exc:
                        error = f"HTTP {exc.code}: {exc.read()[:200]!r}"
                    except Exception as exc:  # noqa: BLE001 - counted and reported
                        error = f"{type(exc).__name__}: {exc}"
                    with lock:
                        done[0] += 1
                        if error:
                            failures.append(error)
                        else:
                            latencies.append(time.perf_counter() - t)

            cpu0 = tree_cpu(server.pid)
            threading.Thread(target=sampler, daemon=True).start()
            clients = [threading.Thread(target=client) for _ in range(args.clients)]
            t0 = time.perf_counter()
            for c in clients:
                c.start()
            for c in clients:
                c.join(max(0.0, args.seconds - (time.perf_counter() - t0)))
            timed_out = any(c.is_alive() for c in clients)
            stop.set()
            for c in clients:
                c.join()
            wall = time.perf_counter() - t0
            alive = server.poll() is None
            end_rss = tree_rss(server.pid) if alive else 0
            cpu = tree_cpu(server.pid) - cpu0 if alive else 0.0
        finally:
            stop.set()
            serverproc.stop(server)

    ms = sorted(x * 1000 for x in latencies)
    mb = 1 / 1048576
    tenth = next((m for n, m in memory if n >= total // 10), memory[-1][1])
    workers = "default" if args.read_workers is None else args.read_workers
    print(f"server: waitress, {args.threads} threads, --read-workers {workers}, {os.cpu_count()} CPUs; {args.clients} clients x "
          f"{args.requests} POST /api/parse of {args.pdf.name} ({args.pdf.stat().st_size:,} bytes), loopback")
    if ms:
        p99 = ms[min(len(ms) - 1, int(round(0.99 * len(ms))) - 1)]
        print(f"answers: {len(ms)} correct 200 of {total}, {len(failures)} failed; {len(ms) / wall:.2f} requests/s; "
              f"latency p50 {statistics.median(ms):.0f} ms, p99 {p99:.0f} ms, max {ms[-1]:.0f} ms; {wall:.0f} s")
        print(f"server CPU (with its children): {cpu:.0f} s, {cpu / len(ms) * 1000:.0f} ms a request; "
              f"the machine's load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"memory (server and children, RSS): start {memory[0][1] * mb:.0f} MB, after {total // 10} requests "
          f"{tenth * mb:.0f} MB, end {end_rss * mb:.0f} MB, peak {max(m for _, m in memory) * mb:.0f} MB")
    print(f"server alive at the end: {'yes' if alive else 'NO (exit ' + str(server.returncode) + ')'}")
    if failures:
        print(f"first failures: {failures[:3]}", file=sys.stderr)
    if timed_out:
        print(f"bench: stopped after {args.seconds:g} s with requests still running", file=sys.stderr)
    return 0 if alive and not failures and not timed_out and len(ms) == total else 1


if __name__ == "__main__":
    sys.exit(main())
