"""Two ``gongkai serve`` processes on one PostgreSQL database, clerks on both at once, the database
restarted under them.  Loopback only, bounded (a fixed number of requests), stops by itself.

    python scripts/pg_two_servers.py --pg postgresql://…/postgres [--clients 8] [--each 15] [--restart CMD]

``--pg``: a database the user may CREATE DATABASE from (a fresh ``walk_two`` is made).  Both servers
get the same GONGKAI_WEB_SECRET_KEY (a site's servers share one, docs/scale-out.md) but their own
GONGKAI_WEB_HOME.  Each client registers requests alternately on server A and B and records a step
on each; then every register is read back from both servers: each request a client was told was
registered is there exactly once, refs are numbered without gaps or repeats, deadlines are the same
on both.  A clerk signed in on A uses the session on B.  With ``--restart``, the shell command given
(e.g. ``pg_ctl -D … restart``) is run half-way, and the requests after it must still succeed (a
failed one is retried once after a Chinese 503) and nothing be lost.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from http.cookiejar import CookieJar
from pathlib import Path
from tempfile import mkdtemp

sys.path.insert(0, str(Path(__file__).resolve().parent))
import serverproc

PASSWORD = "Two-servers-2026"


def call(base: str, token: str, method: str, path: str, data=None) -> tuple[int, dict]:
    req = urllib.request.Request(base + path, method=method, data=json.dumps(data).encode() if data else None,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        body = exc.read()
        try:
            answer = json.loads(body)
        except ValueError:
            answer = {"raw": body.decode(errors="replace")[:300]}
        if exc.code == 503:
            answer["retry_after"] = exc.headers.get("Retry-After")
        return exc.code, answer


class Walk:
    """What the clients share: the token, what they were told, what went wrong, and the counts."""

    def __init__(self, token: str, bases: list[str], clients: int, each: int) -> None:
        self.token, self.bases, self.clients, self.each = token, bases, clients, each
        self.problems: list[str] = []
        self.told: list[str] = []
        self.lock = threading.Lock()
        self.half = threading.Event()
        self.done: Counter = Counter()

    def listed(self, base: str, content: str) -> str | None:
        status, body = call(base, self.token, "GET", "/api/bodies/1/requests?" + urllib.parse.urlencode({"q": content}))
        hits = [r["ref"] for r in body.get("requests", ())] if status == 200 else []
        return hits[0] if len(hits) == 1 else None

    def submit(self, base: str, method: str, path: str, data: dict, content: str | None = None) -> tuple[int, dict]:
        """As a clerk does after a 503: wait, look whether it was kept, and only then submit again."""
        for _attempt in range(20):
            status, body = call(base, self.token, method, path, data)
            if status != 503:
                return status, body
            if body.get("retry_after") != "10":
                self.problems.append(f"{base} {method} {path} → 503 without Retry-After: {body}")
            with self.lock:
                self.done["503"] += 1
            time.sleep(0.5)
            if content and (ref := self.listed(base, content)):
                with self.lock:
                    self.done["kept despite 503"] += 1
                return 201, {"ref": ref}
        return status, body

    def client(self, n: int) -> None:
        bases = self.bases
        for i in range(self.each):
            base = bases[(n + i) % 2]
            content = f"第{n}号客户的第{i}件"
            data = {"applicant_type": "自然人", "name": f"申请人{n}-{i}", "channel": "互联网",
                    "content": content, "on": "2025-12-01"}
            status, body = self.submit(base, "POST", "/api/bodies/1/requests", data, content)
            if status != 201:
                self.problems.append(f"{base} POST → {status} {body}")
                continue
            ref = body["ref"]
            with self.lock:
                self.told.append(ref)
                self.done["n"] += 1
                if self.done["n"] == self.clients * self.each // 2:
                    self.half.set()
            other = bases[(n + i + 1) % 2]
            status, body = self.submit(other, "POST", f"/api/bodies/1/requests/{ref}/events",
                                       {"kind": "replied", "on": "2025-12-05", "outcome": "予以公开", "ground": "1",
                                        "note": "已主动公开。"})
            if status == 400 and any(w in json.dumps(body, ensure_ascii=False) for w in ("已答复", "不能再答复")):
                continue   # kept by the attempt that got a 503
            if status not in (200, 201):
                self.problems.append(f"{other} event on {ref} → {status} {body}")

    def read_back(self) -> dict[str, list[str]]:
        """Every request listed by each server, page by page."""
        seen = {}
        for base in self.bases:
            refs, page = [], 1
            while True:
                status, body = call(base, self.token, "GET", f"/api/bodies/1/requests?page={page}")
                if status != 200:
                    self.problems.append(f"{base} list → {status} {body}")
                    break
                refs += [r["ref"] for r in body["requests"]]
                if page >= body.get("pages", 1):
                    break
                page += 1
            seen[base] = refs
        return seen

    def compare(self, seen: dict[str, list[str]]) -> None:
        """Each request told is listed once on both servers, numbered without gaps, the same on both."""
        bases, told = self.bases, self.told
        a_refs, b_refs = seen[bases[0]], seen[bases[1]]
        dup = [r for r, c in Counter(a_refs).items() if c > 1]
        lost = set(told) - set(a_refs)
        extra = set(a_refs) - set(told)
        numbers = sorted(int(r.split("-")[1]) for r in a_refs)
        gaps = numbers != list(range(1, len(numbers) + 1))
        print(f"503 answers: {self.done['503']}, of which the request was found kept: {self.done['kept despite 503']}")
        print(f"told {len(told)}, listed A {len(a_refs)} B {len(b_refs)}; duplicated {dup}; lost {sorted(lost)}; "
              f"extra {sorted(extra)}; numbering with gaps: {gaps}; A == B: {sorted(a_refs) == sorted(b_refs)}")
        for ref in sorted(told)[:5]:
            da = call(bases[0], self.token, "GET", f"/api/bodies/1/requests/{ref}")[1]
            db = call(bases[1], self.token, "GET", f"/api/bodies/1/requests/{ref}")[1]
            if (da.get("due"), da.get("ledger"), da.get("events")) != (db.get("due"), db.get("ledger"), db.get("events")):
                self.problems.append(f"{ref} differs between the servers")
        session_across(bases)
        self.problems += ([f"duplicated {dup}"] * bool(dup) + [f"lost {lost}"] * bool(lost)
                          + [f"extra {extra}"] * bool(extra) + ["gaps"] * gaps
                          + [f"told {len(told)} of {self.clients * self.each}"] * (len(told) != self.clients * self.each))


def session_across(bases: list[str]) -> None:
    """A session made on A, used on B."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(bases[0] + "/login/", timeout=30).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": "clerk", "password": PASSWORD, "csrfmiddlewaretoken": csrf}).encode()
    opener.open(urllib.request.Request(bases[0] + "/login/", data=form, headers={"Referer": bases[0] + "/login/"}),
                timeout=30).read()
    for cookie in jar:
        cookie.domain = "127.0.0.1"
    with opener.open(bases[1] + "/register/1/", timeout=30) as r:
        print(f"session from A on B: {r.status} {r.url.replace(bases[1], '')}")


def fresh_database(pg: str) -> str:
    """The URL of a new, empty ``walk_two`` database beside ``pg``'s."""
    import psycopg

    with psycopg.connect(pg, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS walk_two WITH (FORCE)")
        conn.execute("CREATE DATABASE walk_two")
    return re.sub(r"/([^/?]*)(\?|$)", r"/walk_two\2", pg, count=1)


def start_servers(g: list[str], env: dict, work: Path, url: str, own_keys: bool) -> tuple[list, list[str]]:
    """Two ``gongkai serve`` on ``url``, each with its own home (and, with ``own_keys``, its own secret key)."""
    servers, bases = [], []
    for home in ("a", "b"):
        port = serverproc.free_port()
        (work / home).mkdir(exist_ok=True)
        own = {k: v for k, v in env.items() if not (own_keys and k == "GONGKAI_WEB_SECRET_KEY")}
        p = subprocess.Popen([*g, "serve", "--port", str(port), "--db", url, "--read-workers", "0", "--threads", "4"],
                             env={**own, "GONGKAI_WEB_HOME": str(work / home)}, stdout=subprocess.DEVNULL,
                             stderr=open(work / home / "stderr.txt", "w"), text=True)
        servers.append(p)
        bases.append(f"http://127.0.0.1:{port}")
    return servers, bases


def run_clients(walk: Walk, restart: str | None) -> None:
    threads = [threading.Thread(target=walk.client, args=(n,)) for n in range(walk.clients)]
    for t in threads:
        t.start()
    if restart:
        walk.half.wait(timeout=300)
        r = subprocess.run(restart, shell=True, capture_output=True, text=True, timeout=120)
        print(f"restarted PostgreSQL: rc={r.returncode} {r.stderr.strip()[:200]}")
    for t in threads:
        t.join()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg", required=True)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--each", type=int, default=15, help="requests each client registers")
    ap.add_argument("--restart", help="shell command that restarts PostgreSQL, run half-way")
    ap.add_argument("--gongkai", default=None)
    ap.add_argument("--own-keys", action="store_true", help="each server its own secret key (GONGKAI_WEB_HOME's)")
    a = ap.parse_args()
    url = fresh_database(a.pg)
    work = Path(mkdtemp(prefix="gk-two-"))
    # (SIGUSR1 prints every thread's stack to the server's stderr: what a stuck server is doing)
    g = [a.gongkai] if a.gongkai else [sys.executable, "-c", "import faulthandler, signal, sys; "
                                       "faulthandler.register(signal.SIGUSR1, all_threads=True); "
                                       "sys.argv[0] = 'gongkai'; from gongkai.cli import console; console()"]
    env = {**os.environ, "GONGKAI_WEB_SECRET_KEY": "two-servers-one-site-" + "x" * 40, "GONGKAI_TODAY": "2025-12-20"}
    env.pop("GONGKAI_WEB_DB", None)

    def run(*args: str, stdin: str | None = None, home: str = "a") -> str:
        r = subprocess.run([*g, *args], env={**env, "GONGKAI_WEB_HOME": str(work / home)}, capture_output=True,
                           text=True, timeout=300, input=stdin)
        if r.returncode:
            raise SystemExit(f"{args}: {r.stderr}")
        return r.stdout

    run("users", "--db", url, "body", "某镇人民政府", "--region", "320812")
    run("users", "--db", url, "add", "clerk", "--role", "clerk", "--body", "某镇人民政府", "--password-stdin",
        stdin=PASSWORD + "\n")
    token = run("users", "--db", url, "token", "clerk").strip().splitlines()[-1]
    servers, bases = start_servers(g, env, work, url, a.own_keys)
    walk = Walk(token, bases, a.clients, a.each)
    try:
        for p, base in zip(servers, bases, strict=True):
            serverproc.wait_up(p, base + "/login/")
        run_clients(walk, a.restart)
        walk.compare(walk.read_back())
    finally:
        for p in servers:
            serverproc.stop(p)
        for home in ("a", "b"):
            said = [line for line in (work / home / "stderr.txt").read_text().splitlines()
                    if not line.startswith("Task queue depth")]
            print(f"server {home} said ({work / home / 'stderr.txt'}):", "\n".join(said)[-1500:])
            if any("Traceback" in line or "Internal Server Error" in line for line in said):
                walk.problems.append(f"server {home} logged a traceback or a 500")
    for line in walk.problems[:20]:
        print("PROBLEM", line)
    print(f"{len(walk.problems)} problems")
    return 1 if walk.problems else 0


if __name__ == "__main__":
    sys.exit(main())
