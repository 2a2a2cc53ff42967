"""The server's CPU per ``POST /api/parse`` against the parse itself, text and PDF (loopback only).

    python bench/serve_overhead.py [--requests 100] [--rounds 5] [--clients 1,2,4] [--seconds 5]
                                   [--read-workers N] [--before DIR] [--text-only]
                                   [--connections new,keep] [--asleep] [--callgrind] [--syscalls]
                                   [--loop-counts]

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

Both ways a client connects are measured (``--connections``): ``new``, a new connection for every
request (curl, urllib: ``Connection: close``), and ``keep``, one HTTP/1.1 connection kept open
for all of a client's requests (requests.Session, httpx.Client, browsers).  Most of the HTTP
server's own work is per connection, so the two differ by about that.

``--callgrind`` counts instructions instead, which the load does not change: the server runs
under valgrind (``--trace-children=yes``: its read child too; the site options read once, not every
5 s of valgrind's slow wall time), and after warm-up requests the
counters of the server process and of its child are zeroed, ``--requests`` requests are made each
way, and the counters dumped; printed per request, for each process.  ``--syscalls`` counts the
server process's system calls a request (strace), each way; ``--loop-counts`` counts waitress's
``handle_write`` calls and trigger pulls a request in this process, with waitress's own channel and
with ``gongkai serve``'s (cli/httpserver.py: the spin on kept-open connections, and its fix).

``--asleep`` adds two references that pay what this machine charges a process for sleeping between
bursts of work (docs/performance.md "The server": on this VM the same work costs more CPU
the longer the process slept before it): the parse in process with a sleep before each as long as the
read child waits between its parses in the server (the server's wall time a request less the
parse's), and waitress alone with the trivial app sleeping as long as a parse before answering.
Against them, the server's own excess is printed apart from the machine's wake-up cost; the target is
still judged against the floor that never sleeps.

``--before DIR`` (a checkout of earlier code, e.g. ``git archive REV src | tar -x -C DIR``; this
tree's compiled readers are copied in if it has none) starts a second server from ``DIR/src`` and
measures it in the same alternating rounds: before/after figures of one sitting, under one load.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
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
from proctree import descendants, processes  # noqa: E402  (scripts/: the processes below one)
from timing import Sample, alternate, line, machine, median, ratio  # noqa: E402
from web import multipart  # noqa: E402  (bench/web.py: the loopback server's helpers)

TICK = os.sysconf("SC_CLK_TCK")


def _tree_cpu(root: int) -> tuple[float, float]:
    """CPU seconds (user + system) of a process, and of its descendants: the living ones and those
    it has reaped (a read child replaced after its 5,000th read takes its CPU with it otherwise)."""
    stats = processes()
    ticks = {pid: ((int(f[11]) + int(f[12])) / TICK, (int(f[13]) + int(f[14])) / TICK) for pid, f in stats.items()}
    own = ticks.get(root, (0.0, 0.0))[0]
    total = sum(sum(ticks.get(pid, (0.0, 0.0))) for pid in (root, *descendants(root, stats)))
    return own, total - own


def _post_raw(base: str, body: bytes, ctype: str) -> bytes:
    """POST on a new connection, closed after the answer (urllib sends ``Connection: close``)."""
    req = urllib.request.Request(f"{base}/api/parse", data=body, headers={"Content-Type": ctype})
    with urllib.request.urlopen(req, timeout=120) as r:
        assert r.status == 200
        return r.read()


_kept = threading.local()  # each client thread's open connections, by server


def _post_kept(base: str, body: bytes, ctype: str) -> bytes:
    """POST on this thread's HTTP/1.1 connection to ``base``, kept open between requests."""
    conns = _kept.__dict__.setdefault("conns", {})
    conn = conns.get(base)
    if conn is None:
        host, port = base.removeprefix("http://").split(":")
        conn = conns[base] = http.client.HTTPConnection(host, int(port), timeout=120)
    conn.request("POST", "/api/parse", body=body, headers={"Content-Type": ctype})
    r = conn.getresponse()
    data = r.read()
    assert r.status == 200 and not r.will_close, (r.status, r.getheaders())
    return data


POSTS: dict[str, Callable[[str, bytes, str], bytes]] = {"new": _post_raw, "keep": _post_kept}
WAYS = {"new": "a new connection each", "keep": "one connection kept open"}


def _post(base: str, body: bytes, ctype: str, way: str = "new") -> dict:
    return json.loads(POSTS[way](base, body, ctype))


# `gongkai serve` as under valgrind (--callgrind): the site options read again every 5 s of wall time
# (siteoptions.MAX_AGE_SECONDS) would be, under valgrind's slowness, every ~20 requests — each through
# Django's whole path and SQLite, ±0.1–0.4 M instructions a request from run to run; here they are read
# once, so the counts are those of a request.
_SERVE_COUNTED = """
import gongkai.cli.httpserver as httpserver
make = httpserver.create_server
def create_server(*args, **kwargs):  # Django is set up by now: the options module can be imported
    import gongkai.web.siteoptions as options
    options.MAX_AGE_SECONDS = float("inf")
    return make(*args, **kwargs)
httpserver.create_server = create_server
from gongkai.cli import console
console()
"""


def _start(home: Path, read_workers: int | None, code: Path | None = None,
           wrap: list[str] | None = None) -> tuple[subprocess.Popen, str]:
    """``gongkai serve`` on a free port (from ``code``, a checkout's ``src``, when given; run by
    ``wrap``, e.g. valgrind, when given, with the site options read once: ``_SERVE_COUNTED``)."""
    port = serverproc.free_port()
    env = {**os.environ, "GONGKAI_WEB_HOME": str(home)}
    if code is not None:
        env["PYTHONPATH"] = str(code)
    subprocess.run([sys.executable, "-c", "from gongkai.cli.serve import setup; setup(None)"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    workers = [] if read_workers is None else ["--read-workers", str(read_workers)]
    program = ["-c", _SERVE_COUNTED] if wrap else ["-m", "gongkai"]
    server = subprocess.Popen([*(wrap or []), sys.executable, *program, "serve", "--host", "127.0.0.1",
                               "--port", str(port), *workers], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        serverproc.wait_up(server, f"{base}/check/", seconds=900 if wrap else 120)
    except serverproc.ServerDidNotStart:
        raise SystemExit("bench: the server did not start") from None
    return server, base


# waitress as `gongkai serve` runs it (its options, cli/httpserver.py's channel), serving an app that
# does nothing but read the body and answer as many bytes as the server's answer: the HTTP server's
# own CPU per request.
_TRIVIAL = """
import sys, time
answer = b"x" * int(sys.argv[2])
delay = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0  # --asleep: as long as a parse
def app(environ, start_response):
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    if delay:
        time.sleep(delay)
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(answer)))])
    return [answer]
from gongkai.cli.httpserver import create_server
from gongkai.cli.serve import WAITRESS_OPTIONS
create_server(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8, **WAITRESS_OPTIONS).run()
"""


_children_cpu: list[float] = []  # of each round served: the read children's share, per request


def _cpu_of(proc: subprocess.Popen, n: int, call: Callable[[], object]) -> Sample:
    (own, kids), wall = _tree_cpu(proc.pid), time.perf_counter()
    for _ in range(n):
        call()
    own2, kids2 = _tree_cpu(proc.pid)
    _children_cpu.append((kids2 - kids) / n)
    return Sample(own2 - own + kids2 - kids, time.perf_counter() - wall).per(n)


def overhead(server: subprocess.Popen, base: str, path: Path, n: int, rounds: int, ways: list[str],
             before: tuple[subprocess.Popen, str] | None = None, asleep: bool = False) -> None:
    from gongkai.load import load_input

    data = path.read_bytes()
    body, ctype = multipart(path)
    expected = _post(base, body, ctype)
    for way in ways:
        for _ in range(5):  # warm: every read worker has imported what the file needs
            _post(base, body, ctype, way)
    answer = len(json.dumps(expected, ensure_ascii=False).encode())
    port = serverproc.free_port()
    trivial = subprocess.Popen([sys.executable, "-c", _TRIVIAL, str(port), str(answer)])
    waiting = None  # --asleep: the trivial app sleeping as long as a parse
    try:
        serverproc.wait_up(trivial, f"http://127.0.0.1:{port}/")

        children: dict[str, list[float]] = {way: [] for way in ways}  # the read children's CPU a request

        def served(proc: subprocess.Popen, url: str, way: str, kids: list[float] | None = None) -> Callable[[], Sample]:
            def job() -> Sample:
                got: list[dict] = []
                sample = _cpu_of(proc, n, lambda: got.append(_post(url, body, ctype, way)))
                if kids is not None:
                    kids.append(_children_cpu[-1])
                assert all(g["cells"] == expected["cells"] for g in got)
                return sample
            return job

        def http(way: str) -> Callable[[], Sample]:
            return lambda: _cpu_of(trivial, n, lambda: POSTS[way](f"http://127.0.0.1:{port}", body, ctype))

        def floor() -> Sample:
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(n):
                json.dumps(load_input(data, path.name).reports[0].to_dict(), ensure_ascii=False, default=str)
            return Sample(time.process_time() - cpu, time.perf_counter() - wall).per(n)

        jobs: dict[str, Callable[[], Sample]] = {"floor": floor}
        for way in ways:
            jobs[f"server {way}"] = served(server, base, way, children[way])
            jobs[f"http {way}"] = http(way)
        if asleep:
            def parse() -> Sample:
                cpu, wall = time.process_time(), time.perf_counter()
                json.dumps(load_input(data, path.name).reports[0].to_dict(), ensure_ascii=False, default=str)
                return Sample(time.process_time() - cpu, time.perf_counter() - wall)

            waiting = _asleep_jobs(jobs, parse, ways, n, lambda url, way: POSTS[way](url, body, ctype), base, answer)
        if before is not None:
            old, old_base = before
            assert _post(old_base, body, ctype)["cells"] == expected["cells"]
            for way in ways:
                for _ in range(5):
                    _post(old_base, body, ctype, way)
                children[f"before {way}"] = []
                jobs[f"before {way}"] = served(old, old_base, way, children[f"before {way}"])

        floor()
        got = _rotated(jobs, rounds)
    finally:
        serverproc.stop(trivial, seconds=10)
        if waiting is not None:
            serverproc.stop(waiting, seconds=10)
    print(f"{path.name} ({len(data):,} bytes, answer {answer:,} bytes), {n} requests a round, one client")
    print(line("  floor: the parse in process", got["floor"], per="a parse"))
    for way in ways:
        print(f"  -- {WAYS[way]}")
        print(line("  server CPU per POST /api/parse", got[f"server {way}"], per="a request")
              + _split(got[f"server {way}"], children[way]))
        if before is not None:
            print(line("  before: the same, the --before server", got[f"before {way}"], per="a request")
                  + _split(got[f"before {way}"], children[f"before {way}"]))
        print(line("  HTTP alone (waitress, trivial app)", got[f"http {way}"], per="a request"))
        extra = (median(got[f"server {way}"]) - median(got["floor"])) * 1000
        http_ms = median(got[f"http {way}"]) * 1000
        print("  " + ratio("server / floor", got[f"server {way}"], got["floor"])
              + f"  overhead {extra:.2f} ms CPU a request (HTTP alone {http_ms:.2f} ms, Django and the read child "
                f"{extra - http_ms:.2f} ms)  target ≤ 1 ms: {'met' if extra <= 1 else 'NOT met'}")
        if before is not None:
            was = (median(got[f"before {way}"]) - median(got["floor"])) * 1000
            print("  " + ratio("before / floor", got[f"before {way}"], got["floor"])
                  + f"  overhead before {was:.2f} ms CPU a request")
        if asleep:
            _print_asleep(got, children[way], way)


def _asleep_jobs(jobs: dict[str, Callable[[], Sample]], parse: Callable[[], Sample], ways: list[str], n: int,
                 post: Callable[[str, str], object], base: str, answer: int) -> subprocess.Popen:
    """Add ``--asleep``'s jobs: per way, the parse in process (``parse``: one, timed) sleeping before
    each as long as the read child waits between parses (the server's wall a request less the
    parse's), and waitress alone whose app sleeps as long as a parse.  Returns that server (to stop)."""
    parse_wall = min(parse().wall for _ in range(20))
    port = serverproc.free_port()
    waiting = subprocess.Popen([sys.executable, "-c", _TRIVIAL, str(port), str(answer), str(parse_wall)])
    url = f"http://127.0.0.1:{port}"
    serverproc.wait_up(waiting, f"{url}/")
    for way in ways:
        start = time.perf_counter()
        for _ in range(20):
            post(base, way)
        gap = _gaps[way] = max(0.0, (time.perf_counter() - start) / 20 - parse_wall)

        def asleep(gap: float = gap) -> Sample:
            cpu = wall = 0.0
            for _ in range(n):
                time.sleep(gap)
                one = parse()
                cpu, wall = cpu + one.cpu, wall + one.wall
            return Sample(cpu, wall).per(n)

        jobs[f"floor asleep {way}"] = asleep
        jobs[f"http waiting {way}"] = lambda way=way: _cpu_of(waiting, n, lambda: post(url, way))
    return waiting


_gaps: dict[str, float] = {}  # --asleep: the read child's wait between parses, by way


def _print_asleep(got: dict[str, list[Sample]], children: list[float], way: str) -> None:
    """The server against references that sleep as its processes do (``--asleep``)."""
    own = statistics.median(s.cpu - kids for s, kids in zip(got[f"server {way}"], children))
    kids, asleep, waiting = statistics.median(children), median(got[f"floor asleep {way}"]), median(got[f"http waiting {way}"])
    extra = median(got[f"server {way}"]) - asleep
    print(f"  asleep: the parse sleeping {_gaps[way] * 1000:.1f} ms before each {asleep * 1000:.2f} ms (read children "
          f"{(kids - asleep) * 1000:+.2f} ms over it); waitress alone, its app sleeping as long as a parse, "
          f"{waiting * 1000:.2f} ms (server process {(own - waiting) * 1000:+.2f} ms over it)")
    print(f"  overhead over the sleeping parse {extra * 1000:.2f} ms CPU a request (HTTP alone, sleeping "
          f"{waiting * 1000:.2f} ms, Django and the read child {(extra - waiting) * 1000:.2f} ms)")


def _split(samples: list[Sample], children: list[float]) -> str:
    """The server process's own CPU and its read children's, medians of the rounds (a round's total
    is the sum of the two)."""
    own = [s.cpu - kids for s, kids in zip(samples, children)]
    return (f"  (server process {statistics.median(own) * 1000:.2f} ms, "
            f"read children {statistics.median(children) * 1000:.2f} ms)")


def _rotated(jobs: dict[str, Callable[[], Sample]], rounds: int) -> dict[str, list[Sample]]:
    """``alternate``, with the order of the jobs turned by one each round: what ran just before a job
    (the floor's parse warms the caches with the reader's code, the trivial server does not) is not
    always the same for it."""
    names = list(jobs)
    got: dict[str, list[Sample]] = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name, samples in alternate({name: jobs[name] for name in order}, 1).items():
            got[name] += samples
    return got


def _callgrind_total(pid: int, out: Path) -> int:
    """Dump ``pid``'s counters (callgrind_control) and return the instructions since the last zeroing."""
    before = set(out.parent.glob(f"{out.name}.{pid}.*"))
    subprocess.run(["callgrind_control", "-d", str(pid)], check=True, capture_output=True, timeout=600)
    deadline = time.monotonic() + 600
    while True:
        for dump in set(out.parent.glob(f"{out.name}.{pid}.*")) - before:
            summary = re.search(rb"^summary: (\d+)", dump.read_bytes(), re.M)
            if summary:
                return int(summary.group(1))
        if time.monotonic() > deadline:
            raise SystemExit("bench: callgrind wrote no dump")
        time.sleep(0.5)


def _counted(root: int, out: Path, n: int, post: Callable[[], object]) -> list[float]:
    """Instructions per call of ``post`` in process ``root`` and in each of its descendants."""
    pids = [root, *descendants(root)]
    for pid in pids:
        subprocess.run(["callgrind_control", "-z", str(pid)], check=True, capture_output=True, timeout=600)
    for _ in range(n):
        post()
    return [_callgrind_total(pid, out) / n for pid in pids]


def instructions(path: Path, n: int, ways: list[str], read_workers: int | None, code: Path | None = None) -> None:
    """Instructions per request of the server process and of its read children, and of waitress
    alone answering the trivial app, each way of connecting (``code``: a checkout's ``src``)."""
    body, ctype = multipart(path)
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-serve-cg-") as tmp:
        out = Path(tmp) / "cg"
        valgrind = ["valgrind", "--tool=callgrind", "--trace-children=yes", f"--callgrind-out-file={out}.%p"]
        server, base = _start(Path(tmp), read_workers, code, wrap=valgrind)
        port = serverproc.free_port()
        trivial = None
        try:
            answer = len(POSTS["new"](base, body, ctype))
            trivial = subprocess.Popen([*valgrind, sys.executable, "-c", _TRIVIAL, str(port), str(answer)],
                                       stderr=subprocess.DEVNULL)
            serverproc.wait_up(trivial, f"http://127.0.0.1:{port}/", seconds=900)
            http = f"http://127.0.0.1:{port}"
            for way in ways:
                for _ in range(10):
                    _post(base, body, ctype, way)
                    POSTS[way](http, body, ctype)
            print(f"{path.name}: instructions a request (callgrind; {n} requests after 10 warm-up ones each way)"
                  + (f", the server from {code}" if code else ""))
            for way in ways:
                served = _counted(server.pid, out, n, lambda w=way: _post(base, body, ctype, w))
                alone = _counted(trivial.pid, out, n, lambda w=way: POSTS[w](http, body, ctype))
                print(f"  {WAYS[way]:26} server process {served[0] / 1e6:.3f} M (waitress alone {alone[0] / 1e6:.3f} M, "
                      f"gongkai's own {(served[0] - alone[0]) / 1e6:.3f} M), read children {sum(served[1:]) / 1e6:.3f} M")
        finally:
            serverproc.stop(server, seconds=60)
            if trivial is not None:
                serverproc.stop(trivial, seconds=60)


def _strace_counts(out: Path) -> dict[str, int]:
    """System call counts from ``strace -c``'s table."""
    counts = {}
    for row in out.read_text().splitlines():
        f = row.split()
        if len(f) >= 5 and f[0][0].isdigit() and f[-1] != "total":
            counts[f[-1]] = int(f[3])
    return counts


def syscalls(path: Path, n: int, ways: list[str], read_workers: int | None, code: Path | None = None) -> None:
    """System calls a request of the server process's threads (strace -c -f; not its read children),
    each way of connecting (``code``: a checkout's ``src``).  A kept-open connection on which the
    loop spins shows as selects (and the futexes of the GIL's hand-offs) far above one or two a request."""
    import signal

    body, ctype = multipart(path)
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-serve-st-") as tmp:
        server, base = _start(Path(tmp), read_workers, code)
        try:
            for way in ways:
                for _ in range(10):
                    _post(base, body, ctype, way)
            print(f"{path.name}: system calls a request of the server process (strace -c -f; {n} requests each way)"
                  + (f", the server from {code}" if code else ""))
            for way in ways:
                out = Path(tmp) / f"strace-{way}"
                tracer = subprocess.Popen(["strace", "-c", "-f", "-o", str(out), "-p", str(server.pid)],
                                          stderr=subprocess.DEVNULL)
                time.sleep(1.0)  # attached to every thread (the idle loop's select wakes once a second)
                for _ in range(n):
                    _post(base, body, ctype, way)
                tracer.send_signal(signal.SIGINT)
                tracer.wait(60)
                counts = _strace_counts(out)
                total = sum(counts.values())
                selects = counts.get("select", 0) + counts.get("pselect6", 0)  # Python's select.select
                print(f"  {WAYS[way]:26} select {selects / n:.1f}, futex {counts.get('futex', 0) / n:.1f}, "
                      f"all {total / n:.1f} a request; others: "
                      + ", ".join(f"{k} {v / n:.1f}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])
                                  if k not in ("select", "pselect6", "futex") and v >= n / 10))
        finally:
            serverproc.stop(server, seconds=60)


def loop_counts(path: Path, n: int, ways: list[str]) -> None:
    """waitress's loop at work, counted in this process (gongkai's app, a read child): its
    ``handle_write`` calls and trigger pulls a request, with waitress's own channel and with
    ``gongkai serve``'s (cli/httpserver.py), each way of connecting."""
    from waitress import channel, trigger, wasyncore
    from waitress.server import create_server as waitress_server

    from gongkai import isolate
    from gongkai.cli import httpserver
    from gongkai.cli.serve import WAITRESS_OPTIONS, setup

    body, ctype = multipart(path)
    counts = {"handle_write": 0, "trigger": 0}
    handle_write, pull = channel.HTTPChannel.handle_write, trigger.trigger.pull_trigger

    def counted_write(self):
        counts["handle_write"] += 1
        return handle_write(self)

    def counted_pull(self, thunk=None):
        counts["trigger"] += 1
        return pull(self, thunk)

    channel.HTTPChannel.handle_write = counted_write
    trigger.trigger.pull_trigger = counted_pull
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-serve-loop-") as tmp:
        os.environ["GONGKAI_WEB_HOME"] = tmp
        setup(None)
        from gongkai.web.wsgi import application

        isolate.enable(1)
        try:
            print(f"{path.name}: waitress's loop a request, in process ({n} requests after 20, one client)")
            for name, make in (("waitress's channel", waitress_server), ("gongkai serve's", httpserver.create_server)):
                server = make(application, host="127.0.0.1", port=0, threads=8, **WAITRESS_OPTIONS)
                loop = threading.Thread(target=server.run, daemon=True)
                loop.start()
                base = f"http://127.0.0.1:{server.effective_port}"
                try:
                    for way in ways:
                        for _ in range(20):
                            _post(base, body, ctype, way)
                        counts.update(handle_write=0, trigger=0)
                        for _ in range(n):
                            _post(base, body, ctype, way)
                        print(f"  {name:20} {WAYS[way]:26} handle_write {counts['handle_write'] / n:6.1f}, "
                              f"trigger pulled {counts['trigger'] / n:4.1f}")
                        _kept.__dict__.get("conns", {}).pop(base, None)
                finally:  # closed by its own loop thread, between two polls (as the tests' LiveServer does)
                    server.trigger.pull_trigger(lambda s=server: wasyncore.close_all(s._map))
                    loop.join(30)
                    server.task_dispatcher.shutdown()
        finally:
            isolate.disable()


def throughput(base: str, path: Path, clients: int, seconds: float, way: str) -> None:
    body, ctype = multipart(path)
    done, errors = [0], [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client() -> None:
        while time.perf_counter() < stop:
            try:
                _post(base, body, ctype, way)
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
    print(f"  throughput: {done[0] / wall:.1f} requests/s with {clients} client{'s' if clients > 1 else ''}, "
          f"{WAYS[way]} ({done[0]} in {wall:.1f} s, {errors[0]} errors)")


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
    ap.add_argument("--connections", default="new,keep",
                    help="new (a connection per request), keep (one kept open), or both: new,keep")
    ap.add_argument("--asleep", action="store_true",
                    help="also the parse and waitress alone sleeping as the server's processes do (wake-up cost)")
    ap.add_argument("--callgrind", action="store_true", help="instructions a request (valgrind) instead of CPU")
    ap.add_argument("--syscalls", action="store_true", help="system calls a request of the server process (strace)")
    ap.add_argument("--loop-counts", action="store_true",
                    help="waitress's handle_write calls and trigger pulls a request, in process, both channels")
    args = ap.parse_args()
    ways = [w for w in args.connections.split(",") if w]
    if not ways or set(ways) - set(WAYS):
        ap.error("--connections: new, keep or new,keep")
    text = next((ROOT / "examples").glob("000_*.txt"))
    pdf = ROOT / "examples" / "huaian-city-2024.pdf"
    print(machine())
    if args.before is not None:
        _compiled_into(args.before)
    if args.loop_counts:
        loop_counts(text, args.requests, ways)
        return 0
    if args.syscalls:
        syscalls(text, args.requests, ways, args.read_workers)
        if args.before is not None:
            syscalls(text, args.requests, ways, args.read_workers, args.before / "src")
        return 0
    if args.callgrind:
        instructions(text, min(args.requests, 100), ways, args.read_workers)
        if args.before is not None:
            instructions(text, min(args.requests, 100), ways, args.read_workers, args.before / "src")
        return 0
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
                overhead(server, base, path, n, args.rounds, ways, servers[1] if len(servers) > 1 else None,
                         args.asleep)
                for way in ways:
                    for clients in (int(c) for c in args.clients.split(",") if c):
                        throughput(base, path, clients, args.seconds, way)
        finally:
            for proc, _ in servers:
                serverproc.stop(proc, seconds=10)
    print(machine())
    return 0


if __name__ == "__main__":
    sys.exit(main())
