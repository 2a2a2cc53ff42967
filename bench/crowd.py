"""A crowd against ``gongkai serve``, on loopback only, bounded: many clients parsing, checking,
uploading to the corpus and registering requests at once, half on kept-open connections and half
on a new connection each request; then read children killed in the middle of reads.

    python bench/crowd.py [--clients 16] [--seconds 60] [--threads 8] [--gongkai PATH]

Starts ``gongkai serve`` (``--gongkai``: the console script of an installed wheel; default this
Python's ``-m gongkai``) in a child process on a free 127.0.0.1 port with a fresh data directory,
four bodies with a clerk each (API tokens) and a supervisor (a signed-in session, CSRF token).
Each client does, in turn: an anonymous ``/api/parse`` and ``/api/check`` of a text report, a
request registered in its clerk's register and a step recorded on it, the register's list, a
broken upload (must be a 400 with a Chinese message), now and then a PDF parse and (the
supervisor) a corpus upload.  Every answer is checked: the parse's table 3 and the check's
findings as the first answer had them, 201s with their ref.  Afterwards each register is read
back page by page: every request a client was told was registered is there exactly once, and
nothing else is (no lost, no duplicated entry).  Memory (the server and its children) is sampled
every half second: flat means the end is close to the first tenth of the run.

Then ``--kills`` times: a long report is sent to ``/api/check``, and while it is being read every
read child is killed (SIGKILL); that request must get the Chinese 400 for a reader that died, and
the next parse a correct 200 (a fresh child) — the server never stops serving.

Standard library only (it runs in a fresh environment beside an installed wheel).  Exit status 0
only if every answer was as expected, every register holds exactly what was registered, and the
server survived.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))

import serverproc  # noqa: E402  (scripts/: the gongkai serve child process)
from serve_pdf import tree_cpu, tree_rss  # noqa: E402

TEXT = ROOT / "examples" / "000_a0c7fabfdf456585.txt"
PDF = ROOT / "examples" / "huaian-city-2024.pdf"
BODIES = [("淮安市清江浦区人民政府办公室", "320812"), ("淮安市淮阴区人民政府办公室", "320804"),
          ("淮安市淮安区人民政府办公室", "320803"), ("淮安市洪泽区人民政府办公室", "320813")]
PASSWORD = "Crowd-pass-2026"
DIED = "读取此文件时读取程序意外退出"


def multipart(files: list[tuple[str, str, bytes]], fields: dict[str, str] | None = None) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = b""
    for key, value in (fields or {}).items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
    for field, name, data in files:
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class Client:
    """HTTP/1.1 to the server: one kept-open connection (``keep``) or a new one each request."""

    def __init__(self, port: int, keep: bool, headers: dict[str, str] | None = None):
        self.port, self.keep, self.headers = port, keep, dict(headers or {})
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, ctype: str | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        h = {**self.headers, **(headers or {})}
        if ctype:
            h["Content-Type"] = ctype
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if not self.keep:
            h["Connection"] = "close"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
            try:
                self.conn.request(method, path, body=body, headers=h)
                r = self.conn.getresponse()
                data = r.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                self.conn = None
                if attempt == 2 or not self.keep:  # a kept-open connection the server closed while idle: once more
                    raise
        answer_headers = {k.lower(): v for k, v in r.getheaders()}
        for line in r.headers.get_all("Set-Cookie") or []:
            key, _, rest = line.partition("=")
            self.cookies[key.strip()] = rest.split(";", 1)[0]
        if not self.keep or answer_headers.get("connection") == "close":
            self.conn.close()
            self.conn = None
        return r.status, answer_headers, data

    def json(self, method: str, path: str, data=None) -> tuple[int, dict]:
        status, _, body = self.request(method, path, json.dumps(data).encode() if data is not None else None,
                                       "application/json" if data is not None else None)
        return status, json.loads(body)


def gongkai_cmd(args) -> list[str]:
    return [args.gongkai] if args.gongkai else [sys.executable, "-m", "gongkai"]


def setup_site(args, env) -> None:
    """Four bodies, a clerk each, a supervisor of the city: with the commands a user runs."""
    run = gongkai_cmd(args)
    for name, region in BODIES:
        subprocess.run([*run, "users", "body", name, "--region", region], env=env, check=True, capture_output=True)
    for i, (name, _) in enumerate(BODIES):
        subprocess.run([*run, "users", "add", f"clerk{i}", "--role", "clerk", "--body", name, "--password-stdin"],
                       env=env, check=True, capture_output=True, input=PASSWORD + "\n", text=True)
    subprocess.run([*run, "users", "add", "sup", "--role", "supervisor", "--region", "320800", "--password-stdin"],
                   env=env, check=True, capture_output=True, input=PASSWORD + "\n", text=True)


def token(args, env, user: str) -> str:
    out = subprocess.run([*gongkai_cmd(args), "users", "token", user], env=env, check=True, capture_output=True,
                         text=True).stdout
    return out.strip().splitlines()[-1]


def signed_in(port: int, user: str) -> Client:
    """A session as a browser has it: signed in, sending the CSRF token with each form."""
    c = Client(port, keep=True)
    c.request("GET", "/login/")
    form = urllib.parse.urlencode({"username": user, "password": PASSWORD,
                                   "csrfmiddlewaretoken": c.cookies["csrftoken"]}).encode()
    status, _, _ = c.request("POST", "/login/", form, "application/x-www-form-urlencoded")
    if status != 302:
        raise RuntimeError(f"sign-in of {user}: HTTP {status}")
    c.headers["X-CSRFToken"] = c.cookies["csrftoken"]
    return c


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = {}
        self.failures: list[str] = []
        self.registered: list[tuple[int, str, str]] = []  # (body index, ref, content)

    def record(self, op: str, started: float, error: str | None) -> float:
        """One answer of ``op`` (sent at ``started``) as expected (``error`` None) or not; the time now."""
        now = time.perf_counter()
        with self.lock:
            if error:
                self.failures.append(f"{op}: {error}")
            else:
                self.latency.setdefault(op, []).append(now - started)
        return now


class Site:
    """The running server and what the crowd needs of it: ports, tokens, bodies, expected answers."""

    def __init__(self, port: int, pid: int, tokens: list[str]):
        self.port, self.pid, self.tokens = port, pid, tokens
        self.text, self.pdf = TEXT.read_bytes(), PDF.read_bytes()
        probe = Client(port, keep=False)
        self.parse_cells = json.loads(probe.request("POST", "/api/parse", *multipart([("file", TEXT.name, self.text)]))[2])["cells"]
        self.findings = json.loads(probe.request("POST", "/api/check", *multipart([("file", TEXT.name, self.text)]))[2])["findings"]
        self.pdf_cells = json.loads(probe.request("POST", "/api/parse", *multipart([("file", PDF.name, self.pdf)]))[2])["cells"]
        self.body_ids = [Client(port, False, {"Authorization": f"Bearer {t}"}).json("GET", "/api/bodies")[1]["bodies"][0]["id"]
                         for t in tokens]
        assert len(set(self.body_ids)) == len(BODIES)
        self.supervisor = signed_in(port, "sup")
        self.supervisor_lock = threading.Lock()


def crowd(site: Site, n: int, tally: Tally, stop: threading.Event) -> None:
    """One client of the crowd until ``stop``: kept-open connections if ``n`` is even."""
    keep, b = n % 2 == 0, n % len(BODIES)
    anon = Client(site.port, keep)
    clerk = Client(site.port, keep, {"Authorization": f"Bearer {site.tokens[b]}"})
    requests = f"/api/bodies/{site.body_ids[b]}/requests"
    today = date.today()
    i = 0
    while not stop.is_set():
        i += 1
        text = multipart([("file", TEXT.name, site.text)])
        started = time.perf_counter()
        try:
            status, _, data = anon.request("POST", "/api/parse", *text)
            ok = status == 200 and json.loads(data)["cells"] == site.parse_cells
            started = tally.record("parse txt", started, None if ok else f"HTTP {status} {data[:120]!r}")
            status, _, data = anon.request("POST", "/api/check", *text)
            ok = status == 200 and json.loads(data)["findings"] == site.findings
            started = tally.record("check txt", started, None if ok else f"HTTP {status} {data[:120]!r}")
            content = f"crowd {n}-{i}：请公开某路段改造的立项批复"
            status, got = clerk.json("POST", requests, {
                "applicant_type": "自然人", "applicant_name": f"申请人{n}", "channel": "互联网", "content": content,
                "submitted_on": (today - timedelta(days=1)).isoformat()})
            if status == 201:
                with tally.lock:
                    tally.registered.append((b, got["ref"], content))
                status, got = clerk.json("POST", f"{requests}/{got['ref']}/events",
                                         {"kind": "replied", "on": today.isoformat(), "outcome": "granted"})
            started = tally.record("register + reply", started, None if status == 201 else f"HTTP {status} {got}")
            status, got = clerk.json("GET", f"{requests}?page=1")
            started = tally.record("register list", started, None if status == 200 else f"HTTP {status} {got}")
            status, _, data = anon.request("POST", "/api/check", *multipart([("file", "坏.pdf", b"%PDF-1.7 x")]))
            said = json.loads(data).get("error", "")
            ok = status == 400 and said.startswith("坏.pdf：") and re.search("[\u4e00-\u9fff]", said)
            started = tally.record("broken upload (400)", started, None if ok else f"HTTP {status} {data[:120]!r}")
            if i % 8 == n % 8:
                status, _, data = anon.request("POST", "/api/parse", *multipart([("file", PDF.name, site.pdf)]))
                ok = status == 200 and json.loads(data)["cells"] == site.pdf_cells
                started = tally.record("parse pdf", started, None if ok else f"HTTP {status} {data[:120]!r}")
            if n == 0 and i % 4 == 1:
                report = site.text.replace("红寺堡镇".encode(), f"第{i}镇".encode())
                with site.supervisor_lock:
                    sup = site.supervisor
                    status, headers, _ = sup.request("POST", "/survey/upload", *multipart(
                        [("file", f"报告{i}.txt", report)], {"csrfmiddlewaretoken": sup.cookies["csrftoken"]}))
                ok = status == 302 and headers.get("location", "").startswith("/survey/")
                tally.record("corpus upload", started, None if ok else f"HTTP {status}")
        except Exception as exc:  # noqa: BLE001 - counted and reported
            tally.record("connection", started, f"{type(exc).__name__}: {exc}")


def read_back(site: Site, tally: Tally) -> tuple[int, int, int]:
    """Every register read page by page: (lost, duplicated refs, extra) against what the crowd was told."""
    lost = duplicated = extra = 0
    for b, token_b in enumerate(site.tokens):
        reader = Client(site.port, True, {"Authorization": f"Bearer {token_b}"})
        seen: list[tuple[str, str]] = []
        page = 1
        while True:
            _, got = reader.json("GET", f"/api/bodies/{site.body_ids[b]}/requests?page={page}")
            seen += [(r["ref"], r["content"]) for r in got["requests"]]
            if page * got["page_size"] >= got["total"]:
                break
            page += 1
        told = Counter((ref, content) for bb, ref, content in tally.registered if bb == b)
        have = Counter(seen)
        lost += sum((told - have).values())
        extra += sum((have - told).values())
        duplicated += sum(k - 1 for k in Counter(ref for ref, _ in seen).values() if k > 1)
    return lost, duplicated, extra


def kill_children_mid_read(site: Site, times: int, tally: Tally) -> list[str]:
    """A long read (the text report 300 times over, about 2 MB) with every read child killed while it
    reads; then a PDF parse, which must be a correct 200 (a fresh child)."""
    said_of: list[str] = []
    killer = Client(site.port, keep=True)
    long_read = multipart([("file", "长.txt", site.text * 300)])
    pdf = multipart([("file", PDF.name, site.pdf)])
    for _ in range(times):
        answer: dict = {}

        def read_long(into=answer):
            into["status"], _, into["data"] = killer.request("POST", "/api/check", *long_read)
        before = {pid: _ticks(pid) for pid in _read_children(site.pid)}
        sent = threading.Thread(target=read_long)
        sent.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and sent.is_alive():  # until a child has read for 100 ms
            if any(_ticks(pid) - before.get(pid, 0) >= 10 for pid in _read_children(site.pid)):
                break
            time.sleep(0.01)
        for pid in _read_children(site.pid):
            os.kill(pid, signal.SIGKILL)
        sent.join(120)
        first = answer.get("status")
        said = json.loads(answer.get("data") or b"{}").get("error", "")
        status, _, data = killer.request("POST", "/api/parse", *pdf)
        fine = status == 200 and json.loads(data)["cells"] == site.pdf_cells
        said_of.append(f"{first} {said[:50]}…; the next parse {'a correct 200' if fine else f'HTTP {status}'}")
        if not (fine and first == 400 and DIED in said):
            tally.failures.append(f"child killed: {said_of[-1]}")
    return said_of


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=60, help="how long the crowd runs (default 60)")
    ap.add_argument("--threads", type=int, default=8, help="the server's request threads (default 8)")
    ap.add_argument("--kills", type=int, default=3, help="reads whose children are killed (default 3)")
    ap.add_argument("--gongkai", help="the gongkai console script to run (default: this Python's -m gongkai)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="gongkai-bench-crowd-", ignore_cleanup_errors=True) as tmp:
        env = {**os.environ, "GONGKAI_WEB_HOME": tmp, "HOME": tmp}
        env.pop("GONGKAI_WEB_DB", None)
        setup_site(args, env)
        tokens = [token(args, env, f"clerk{i}") for i in range(len(BODIES))]
        port = serverproc.free_port()
        server = subprocess.Popen([*gongkai_cmd(args), "serve", "--port", str(port), "--threads", str(args.threads)],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        tally = Tally()
        memory: list[tuple[float, int]] = []
        stop = threading.Event()
        try:
            serverproc.wait_up(server, f"http://127.0.0.1:{port}/check/")
            site = Site(port, server.pid, tokens)
            t0 = time.perf_counter()
            memory.append((0.0, tree_rss(server.pid)))
            cpu0 = tree_cpu(server.pid)

            def sampler():
                while not stop.wait(0.5):
                    memory.append((time.perf_counter() - t0, tree_rss(server.pid)))
            threading.Thread(target=sampler, daemon=True).start()
            clients = [threading.Thread(target=crowd, args=(site, n, tally, stop)) for n in range(args.clients)]
            for c in clients:
                c.start()
            stop.wait(args.seconds)
            stop.set()
            for c in clients:
                c.join(600)
            wall = time.perf_counter() - t0
            cpu = tree_cpu(server.pid) - cpu0
            lost, duplicated, extra = read_back(site, tally)
            kills = kill_children_mid_read(site, args.kills, tally)
            alive = server.poll() is None
            end_rss = tree_rss(server.pid) if alive else 0
        finally:
            stop.set()
            serverproc.stop(server)

    mb = 1 / 1048576
    answered = sum(len(v) for v in tally.latency.values())
    print(f"server: gongkai serve (waitress, {args.threads} threads, read children: default), {os.cpu_count()} CPUs; "
          f"{args.clients} clients ({(args.clients + 1) // 2} kept-open connections, {args.clients // 2} a new connection "
          f"each request) for {wall:.0f} s, loopback")
    print(f"answers: {answered} as expected, {len(tally.failures)} not; {answered / wall:.1f} requests/s; "
          f"server CPU (with its children) {cpu:.0f} s; load average at the end {os.getloadavg()[0]:.1f}")
    for op, lat in sorted(tally.latency.items()):
        ms = sorted(x * 1000 for x in lat)
        print(f"  {op:22s} {len(ms):6d}  p50 {statistics.median(ms):7.0f} ms  p95 {ms[int(0.95 * (len(ms) - 1))]:7.0f} ms  "
              f"max {ms[-1]:7.0f} ms")
    print(f"registers: {len(tally.registered)} requests registered by the crowd; read back: {lost} lost, "
          f"{duplicated} duplicated refs, {extra} not registered by anyone")
    tenth = next((m for t, m in memory if t >= wall / 10), memory[-1][1])
    print(f"memory (server and children, RSS): start {memory[0][1] * mb:.0f} MB, after a tenth of the run "
          f"{tenth * mb:.0f} MB, end {end_rss * mb:.0f} MB, peak {max(m for _, m in memory) * mb:.0f} MB")
    for k in kills:
        print(f"read children killed during a read: that request {k}")
    print(f"server alive at the end: {'yes' if alive else 'NO (exit ' + str(server.returncode) + ')'}")
    if tally.failures:
        print("first failures:", *tally.failures[:5], sep="\n  ", file=sys.stderr)
    return 0 if alive and not tally.failures and not (lost or duplicated or extra) else 1


def _ticks(pid: int) -> int:
    """CPU clock ticks a process has used (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return sum(int(x) for x in f.read().rsplit(")", 1)[1].split()[11:13])
    except (OSError, ValueError):
        return 0


def _read_children(pid: int) -> list[int]:
    """The server's read children (``python -m gongkai.isolate``)."""
    found = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/stat", encoding="ascii") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{p}/cmdline", "rb") as f:
                cmd = f.read().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue
        if parent == pid and b"gongkai.isolate" in cmd:
            found.append(int(p))
    return found


if __name__ == "__main__":
    sys.exit(main())
