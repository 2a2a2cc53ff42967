"""The server's CPU per ``POST /api/parse`` against the parse itself, text and PDF (loopback only).

    python bench/serve_overhead.py [--requests 100] [--rounds 5] [--clients 2] [--seconds 5]

Starts ``gongkai serve`` (waitress; uploads read in its child processes, the thread-safety fix
of the integrity issue) on a free 127.0.0.1 port with a fresh data directory.  In alternating
rounds, one client POSTs the same file ``--requests`` times to ``/api/parse`` — the server's
CPU is that of the ``gongkai serve`` process and all its children (from /proc, before and after
the round) — and this process parses the same bytes the same number of times in process (the
floor: ``gongkai.load.load_input`` and the report's JSON, which is what the server answers).
Printed per request: both CPU figures, their ratio and the difference, the server's overhead
(target: ≤ 1 ms of CPU beyond the parse).  Then ``--clients`` clients for ``--seconds`` give
the throughput.  Every answer must be 200 and the same report.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from timing import Sample, alternate, line, machine, median, ratio  # noqa: E402
from web import free_port, multipart  # noqa: E402  (bench/web.py: the loopback server's helpers)

TICK = os.sysconf("SC_CLK_TCK")


def _tree_cpu(root: int) -> float:
    """CPU seconds of a process and its living descendants (user + system)."""
    stats: dict[int, tuple[int, float]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                raw = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = raw[raw.rindex(")") + 2:].split()
            stats[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += stats.get(pid, (0, 0.0))[1]
        todo += [p for p, (ppid, _) in stats.items() if ppid == pid]
    return total


def _post(base: str, body: bytes, ctype: str) -> dict:
    req = urllib.request.Request(f"{base}/api/parse", data=body, headers={"Content-Type": ctype})
    with urllib.request.urlopen(req, timeout=120) as r:
        assert r.status == 200
        return json.loads(r.read())


def _start(home: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "GONGKAI_WEB_HOME": str(home)}
    subprocess.run([sys.executable, "-c", "from gongkai.cli.serve import setup; setup(None)"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    server = subprocess.Popen([sys.executable, "-m", "gongkai", "serve", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while True:
        try:
            urllib.request.urlopen(f"{base}/check/", timeout=2).read()
            return server, base
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                server.kill()
                raise SystemExit("bench: the server did not start") from None
            time.sleep(0.2)


def overhead(server: subprocess.Popen, base: str, path: Path, n: int, rounds: int) -> None:
    from gongkai.load import load_input

    data = path.read_bytes()
    body, ctype = multipart(path)
    expected = _post(base, body, ctype)
    for _ in range(5):  # warm: every read worker has imported what the file needs
        _post(base, body, ctype)

    def served() -> Sample:
        cpu, wall = _tree_cpu(server.pid), time.perf_counter()
        for _ in range(n):
            got = _post(base, body, ctype)
        assert got["cells"] == expected["cells"]
        return Sample(_tree_cpu(server.pid) - cpu, time.perf_counter() - wall).per(n)

    def floor() -> Sample:
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(n):
            json.dumps(load_input(data, path.name).reports[0].to_dict(), ensure_ascii=False, default=str)
        return Sample(time.process_time() - cpu, time.perf_counter() - wall).per(n)

    floor()
    got = alternate({"server": served, "floor": floor}, rounds)
    print(f"{path.name} ({len(data):,} bytes), {n} requests a round, one client")
    print(line("  server CPU per POST /api/parse", got["server"], per="a request"))
    print(line("  floor: the parse in process", got["floor"], per="a parse"))
    extra = (median(got["server"]) - median(got["floor"])) * 1000
    print("  " + ratio("server / floor", got["server"], got["floor"])
          + f"  overhead {extra:.2f} ms CPU a request  target ≤ 1 ms: {'met' if extra <= 1 else 'NOT met'}")


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
    print(f"  throughput: {done[0] / wall:.1f} requests/s with {clients} clients ({done[0]} in {wall:.1f} s, "
          f"{errors[0]} errors)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=100)
    ap.add_argument("--pdf-requests", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--clients", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args()
    text = next((ROOT / "examples").glob("000_*.txt"))
    pdf = ROOT / "examples" / "huaian-city-2024.pdf"
    print(machine())
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-serve-") as tmp:
        os.environ["GONGKAI_WEB_HOME"] = tmp
        server, base = _start(Path(tmp))
        try:
            for path, n in ((text, args.requests), (pdf, args.pdf_requests)):
                overhead(server, base, path, n, args.rounds)
                throughput(base, path, args.clients, args.seconds)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
