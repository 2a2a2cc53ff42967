"""The server's CPU per ``POST /api/parse`` against the parse itself, text and PDF (loopback only).

    python bench/serve_overhead.py [--requests 100] [--rounds 5] [--clients 1,2,4] [--seconds 5]
                                   [--read-workers N] [--before DIR] [--text-only]

Starts ``gongkai serve`` (waitress; uploads read in its child processes, the thread-safety fix
of the integrity issue; ``--read-workers 0`` reads in the server's threads instead) on a free
127.0.0.1 port with a fresh data directory.  In alternating rounds, one client POSTs the same
file ``--requests`` times to ``/api/parse`` — the server's CPU is that of the ``gongkai serve``
process and all its children (from /proc, before and after the round) — and this process parses
the same bytes the same number of times in process (the floor: ``gongkai.load.load_input`` and
the report's JSON, which is what the server answers); a third job POSTs the same bodies to
waitress serving a trivial WSGI app that reads the body and answers as many bytes (the HTTP
server's own share, which no change in gongkai can remove).  Printed per request: the CPU
figures, their ratio and the difference, the server's overhead (target: ≤ 1 ms of CPU beyond
the parse).  Then 1, 2, 4… clients (``--clients``) for ``--seconds`` each give the throughput.
Every answer must be 200 and the same report.

``--before DIR`` (a checkout of earlier code, e.g. ``git archive REV src | tar -x -C DIR``; this
tree's compiled readers are copied in if it has none) starts a second server from ``DIR/src`` and
measures it in the same alternating rounds: before/after figures of one sitting, under one load.
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
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "scripts"), str(ROOT)]

import serverproc  # noqa: E402  (scripts/: the gongkai serve child process)
from timing import Sample, alternate, line, machine, median, ratio  # noqa: E402
from web import multipart  # noqa: E402  (bench/web.py: the loopback server's helpers)

TICK = os.sysconf("SC_CLK_TCK")


def _tree_cpu(root: int) -> tuple[float, float]:
    """CPU seconds (user + system) of a process, and of its living descendants."""
    stats: dict[int, tuple[int, float]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                raw = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = raw[raw.rindex(")") + 2:].split()
            stats[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK)
    own, total, todo = stats.get(root, (0, 0.0))[1], 0.0, [root]
    while todo:
        pid = todo.pop()
        total += stats.get(pid, (0, 0.0))[1]
        todo += [p for p, (ppid, _) in stats.items() if ppid == pid]
    return own, total - own


def _post_raw(base: str, body: bytes, ctype: str) -> bytes:
    req = urllib.request.Request(f"{base}/api/parse", data=body, headers={"Content-Type": ctype})
    with urllib.request.urlopen(req, timeout=120) as r:
        assert r.status == 200
        return r.read()


def _post(base: str, body: bytes, ctype: str) -> dict:
    return json.loads(_post_raw(base, body, ctype))


def _start(home: Path, read_workers: int | None, code: Path | None = None) -> tuple[subprocess.Popen, str]:
    """``gongkai serve`` on a free port (from ``code``, a checkout's ``src``, when given)."""
    port = serverproc.free_port()
    env = {**os.environ, "GONGKAI_WEB_HOME": str(home)}
    if code is not None:
        env["PYTHONPATH"] = str(code)
    subprocess.run([sys.executable, "-c", "from gongkai.cli.serve import setup; setup(None)"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    workers = [] if read_workers is None else ["--read-workers", str(read_workers)]
    server = subprocess.Popen([sys.executable, "-m", "gongkai", "serve", "--host", "127.0.0.1", "--port", str(port),
                               *workers], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        serverproc.wait_up(server, f"{base}/check/")
    except serverproc.ServerDidNotStart:
        raise SystemExit("bench: the server did not start") from None
    return server, base


# waitress with the options `gongkai serve` gives it, serving an app that does nothing but read the
# body and answer as many bytes as the server's answer: the HTTP server's own CPU per request.
_TRIVIAL = """
import sys
from waitress import serve
answer = b"x" * int(sys.argv[2])
def app(environ, start_response):
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(answer)))])
    return [answer]
from gongkai.cli.serve import WAITRESS_OPTIONS
serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8, **WAITRESS_OPTIONS)
"""


_children_cpu: list[float] = []  # of each round served: the read children's share, per request


def _cpu_of(proc: subprocess.Popen, n: int, call: Callable[[], object]) -> Sample:
    (own, kids), wall = _tree_cpu(proc.pid), time.perf_counter()
    for _ in range(n):
        call()
    own2, kids2 = _tree_cpu(proc.pid)
    _children_cpu.append((kids2 - kids) / n)
    return Sample(own2 - own + kids2 - kids, time.perf_counter() - wall).per(n)


def overhead(server: subprocess.Popen, base: str, path: Path, n: int, rounds: int,
             before: tuple[subprocess.Popen, str] | None = None) -> None:
    from gongkai.load import load_input

    data = path.read_bytes()
    body, ctype = multipart(path)
    expected = _post(base, body, ctype)
    for _ in range(5):  # warm: every read worker has imported what the file needs
        _post(base, body, ctype)
    answer = len(json.dumps(expected, ensure_ascii=False).encode())
    port = serverproc.free_port()
    trivial = subprocess.Popen([sys.executable, "-c", _TRIVIAL, str(port), str(answer)])
    try:
        serverproc.wait_up(trivial, f"http://127.0.0.1:{port}/")

        children: list[float] = []

        def served() -> Sample:
            got: list[dict] = []
            sample = _cpu_of(server, n, lambda: got.append(_post(base, body, ctype)))
            children.append(_children_cpu[-1])
            assert all(g["cells"] == expected["cells"] for g in got)
            return sample

        def http() -> Sample:
            return _cpu_of(trivial, n, lambda: _post_raw(f"http://127.0.0.1:{port}", body, ctype))

        def floor() -> Sample:
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(n):
                json.dumps(load_input(data, path.name).reports[0].to_dict(), ensure_ascii=False, default=str)
            return Sample(time.process_time() - cpu, time.perf_counter() - wall).per(n)

        jobs: dict[str, Callable[[], Sample]] = {"server": served, "floor": floor, "http": http}
        if before is not None:
            old, old_base = before
            assert _post(old_base, body, ctype)["cells"] == expected["cells"]
            for _ in range(5):
                _post(old_base, body, ctype)

            def served_before() -> Sample:
                got: list[dict] = []
                sample = _cpu_of(old, n, lambda: got.append(_post(old_base, body, ctype)))
                assert all(g["cells"] == expected["cells"] for g in got)
                return sample

            jobs["before"] = served_before

        floor()
        got = alternate(jobs, rounds)
    finally:
        serverproc.stop(trivial, seconds=10)
    print(f"{path.name} ({len(data):,} bytes, answer {answer:,} bytes), {n} requests a round, one client")
    print(line("  server CPU per POST /api/parse", got["server"], per="a request")
          + f"  (read children {statistics.median(children) * 1000:.2f} ms of it)")
    if "before" in got:
        print(line("  before: the same, the --before server", got["before"], per="a request"))
    print(line("  floor: the parse in process", got["floor"], per="a parse"))
    print(line("  HTTP alone (waitress, trivial app)", got["http"], per="a request"))
    extra = (median(got["server"]) - median(got["floor"])) * 1000
    http_ms = median(got["http"]) * 1000
    print("  " + ratio("server / floor", got["server"], got["floor"])
          + f"  overhead {extra:.2f} ms CPU a request (HTTP alone {http_ms:.2f} ms, Django and the read child "
            f"{extra - http_ms:.2f} ms)  target ≤ 1 ms: {'met' if extra <= 1 else 'NOT met'}")
    if "before" in got:
        was = (median(got["before"]) - median(got["floor"])) * 1000
        print("  " + ratio("before / floor", got["before"], got["floor"]) + f"  overhead before {was:.2f} ms CPU a request")


def throughput(base: str, path: Path, clients: int, seconds: float) -> None:
    body, ctype = multipart(path)
    done, errors = [0], [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client() -> None:
        while time.perf_counter() < stop:
            try:
                _post(base, body, ctype)
            except Exception:  # noqa: BLE001 - counted
                with lock:
                    errors[0] += 1
                continue
            with lock:
                done[0] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    print(f"  throughput: {done[0] / wall:.1f} requests/s with {clients} client{'s' if clients > 1 else ''} "
          f"({done[0]} in {wall:.1f} s, {errors[0]} errors)")


def _compiled_into(checkout: Path) -> None:
    """This tree's compiled readers copied into a checkout that has none (an archive of the
    sources): without them it would read PDFs in Python, which is not what that code did."""
    import shutil

    for so in (ROOT / "src").rglob("*.so"):
        target = checkout / so.relative_to(ROOT)
        if target.parent.is_dir() and not target.exists():
            shutil.copy2(so, target)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=100)
    ap.add_argument("--pdf-requests", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--clients", default="1,2,4", help="client counts for the throughput, comma-separated")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--read-workers", type=int, help="gongkai serve --read-workers (default: its own)")
    ap.add_argument("--before", type=Path, metavar="DIR", help="a checkout of earlier code, measured alongside")
    ap.add_argument("--text-only", action="store_true", help="only the text report (no PDF)")
    args = ap.parse_args()
    text = next((ROOT / "examples").glob("000_*.txt"))
    pdf = ROOT / "examples" / "huaian-city-2024.pdf"
    print(machine())
    if args.before is not None:
        _compiled_into(args.before)
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-serve-") as tmp, \
            tempfile.TemporaryDirectory(prefix="gongkai-bench-serve-before-") as tmp_before:
        os.environ["GONGKAI_WEB_HOME"] = tmp
        servers = [_start(Path(tmp), args.read_workers)]
        try:
            if args.before is not None:
                servers.append(_start(Path(tmp_before), args.read_workers, args.before / "src"))
            server, base = servers[0]
            inputs = [(text, args.requests)] + ([] if args.text_only else [(pdf, args.pdf_requests)])
            for path, n in inputs:
                overhead(server, base, path, n, args.rounds, servers[1] if len(servers) > 1 else None)
                for clients in (int(c) for c in args.clients.split(",") if c):
                    throughput(base, path, clients, args.seconds)
        finally:
            for proc, _ in servers:
                serverproc.stop(proc, seconds=10)
    print(machine())
    return 0


if __name__ == "__main__":
    sys.exit(main())
