"""Load test of the web application on loopback (127.0.0.1 only), bounded in time.

    python bench/web.py [--seconds 10] [--clients 4] [--requests 10000]

Starts ``gongkai serve`` (waitress) in a child process on a free loopback port with a fresh
temporary data directory, fills one body's register with ``--requests`` generated requests
(``tests/register/gk_register_sample.py``), then for each scenario runs ``--clients`` concurrent clients for
at most ``--seconds`` and prints the number of requests, the throughput and the p50/p95/max
latency:

- checking an uploaded one-page report: ``POST /api/check`` with examples/000_….txt (a
  short report, about one printed page), anonymous;
- opening the register list (the 台账 page, first page of 50, with the due counts) as the
  body's clerk, over the full register;
- the same list through the JSON API with a bearer token.

Nothing leaves the machine: the server listens on 127.0.0.1 and the clients call only it.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Bench-Password-2026!"
sys.path.insert(0, str(ROOT / "scripts"))

import serverproc  # noqa: E402  (scripts/: the gongkai serve child process)


def prepare(home: Path, n: int) -> tuple[int, str]:
    """Body, clerk and token in the web database; ``n`` requests in the body's register."""
    os.environ["GONGKAI_WEB_HOME"] = str(home)
    from gongkai.cli.serve import create_user, setup

    setup(None)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "register"))
    from gk_register_sample import generate  # a test-only generator

    from gongkai.web.models import ApiToken, Body
    from gongkai.web.registers import open_register

    body = Body.objects.create(name="压测机关", region_code="320812")
    user = create_user("bench-clerk", "clerk", body.name, password=PASSWORD)
    token = ApiToken.issue(user, "bench")
    reg = open_register(body)
    t0 = time.perf_counter()
    # three whole years before this one: a register refuses events dated after today
    reg.import_requests(generate(n, date.today().year - 3, 3, reg.calendar, reg.settings, seed=7), "bench")
    print(f"register: {reg.count():,} requests imported in {time.perf_counter() - t0:.1f} s")
    reg.close()
    return body.pk, token


def multipart(path: Path) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
            "Content-Type: text/plain\r\n\r\n").encode()
    return head + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def session_opener(base: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(f"{base}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"username": "bench-clerk", "password": PASSWORD,
                                   "csrfmiddlewaretoken": token}).encode()
    req = urllib.request.Request(f"{base}/login/", data=data, headers={"Referer": f"{base}/login/"})
    resp = opener.open(req)
    if "/login/" in resp.geturl():
        raise SystemExit("bench: login failed")
    return opener


def run(name: str, make_call, clients: int, seconds: float) -> None:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    calls = [make_call() for _ in range(clients)]   # log-ins happen before the clock starts
    stop = time.perf_counter() + seconds

    def worker(call):
        while time.perf_counter() < stop:
            t = time.perf_counter()
            try:
                call()
            except Exception as exc:  # noqa: BLE001 - counted and reported
                with lock:
                    errors[0] += 1
                    if errors[0] == 1:
                        print(f"  first error: {exc}", file=sys.stderr)
                continue
            with lock:
                latencies.append(time.perf_counter() - t)

    threads = [threading.Thread(target=worker, args=(c,)) for c in calls]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if not latencies:
        print(f"{name}: no successful request ({errors[0]} errors)")
        return
    ms = sorted(x * 1000 for x in latencies)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * len(ms))) - 1)]
    print(f"{name}: {len(ms)} requests, {errors[0]} errors, {len(ms) / wall:.1f} req/s with {clients} clients; "
          f"p50 {statistics.median(ms):.0f} ms, p95 {p95:.0f} ms, max {ms[-1]:.0f} ms")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=10.0, help="time per scenario (default 10)")
    ap.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    ap.add_argument("--requests", type=int, default=10_000, help="requests in the register (default 10,000)")
    args = ap.parse_args()
    seed = next((ROOT / "examples").glob("000_*.txt"))
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-web-") as tmp:
        home = Path(tmp)
        body_id, token = prepare(home, args.requests)
        env = {**os.environ, "GONGKAI_WEB_HOME": str(home)}
        try:
            with serverproc.serving(env) as (_server, base):
                body, ctype = multipart(seed)

                def check_call():
                    def call():
                        req = urllib.request.Request(f"{base}/api/check", data=body, headers={"Content-Type": ctype})
                        with urllib.request.urlopen(req, timeout=60) as r:
                            assert r.status == 200
                            r.read()
                    return call

                def page_call():
                    opener = session_opener(base)

                    def call():
                        with opener.open(f"{base}/register/{body_id}/", timeout=60) as r:
                            html = r.read()
                            assert r.status == 200 and b'id="requests"' in html
                    return call

                def api_call():
                    def call():
                        req = urllib.request.Request(f"{base}/api/bodies/{body_id}/requests",
                                                     headers={"Authorization": f"Bearer {token}"})
                        with urllib.request.urlopen(req, timeout=60) as r:
                            assert r.status == 200
                            r.read()
                    return call

                print(f"server: waitress on {base} (loopback), {os.cpu_count()} CPUs, "
                      f"{args.clients} clients, {args.seconds:g} s per scenario")
                run(f"POST /api/check (one-page report {seed.name}, {seed.stat().st_size:,} bytes)", check_call,
                    args.clients, args.seconds)
                run(f"GET 台账 list page ({args.requests:,} requests)", page_call, args.clients, args.seconds)
                run(f"GET /api/bodies/{{id}}/requests ({args.requests:,} requests)", api_call, args.clients, args.seconds)
        except serverproc.ServerDidNotStart:
            raise SystemExit("bench: the server did not start") from None
    return 0


if __name__ == "__main__":
    sys.exit(main())
