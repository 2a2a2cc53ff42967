"""The supervisor's and the researcher's every page, call and command on a big corpus against a
small one: wall time, server CPU and the server's peak memory (127.0.0.1 only; bounded).

    python bench/corpus_pages.py --reports 100000 --small 1000        # builds both (≈ 20 min at 100,000)
    python bench/corpus_pages.py --big BIG.db --small-db SMALL.db      # corpora built before (kept)

Builds (or takes) two corpora of generated reports (``tests/synth.py``: txt, html and md in turn,
agencies drawn from the whole national division list, years 2019–2024), then for each:

- starts ``gongkai serve`` on a free loopback port with that corpus and signs in as the
  administrator (the whole corpus) and as a county supervisor (the page starts at the county);
  opens each page of 汇总 (the whole corpus, a province, a city, a county, a body's years, a
  report's page, a comparison, a city's roll-up) and each JSON API call (a page of reports, the
  statistics, a report, the CSV streams of the reports and findings tables): the median wall
  time of ``--rounds``, the server's CPU for it, the answer's size, and the server's peak
  resident memory during it (its high-water mark reset before each request, ``/proc/PID/clear_refs``);
- runs the corpus commands (``gongkai stats``, ``export``, ``compare``, ``rollup``, ``failures``) and
  the Python API (``gongkai.Corpus``: ``stats``, ``documents``, ``findings``) each in a fresh
  process: CPU, wall and peak memory (GNU time).

Each figure is printed beside its ratio to a floor measured in the same run: the sign-in page
(``/login/``) for a page, ``gongkai --version`` for a command.  A page a user waits for should
answer in 1–2 s whatever the corpus; a streamed answer's memory must not grow with it.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Bench-Password-2026!"
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "bench"), str(ROOT)]

import serverproc  # noqa: E402  (scripts/: the gongkai serve child process)
from timing import GNU_TIME, Sample, child, machine  # noqa: E402


def build(path: Path, n: int, workers: int) -> None:
    """``n`` generated reports (txt, html, md in turn) ingested by ``gongkai ingest`` into ``path``."""
    from tests.synth import draw, render

    forms = ("txt", "html", "md")
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-corpus-") as tmp:
        rng = random.Random(7)
        t = time.perf_counter()
        for i in range(n):
            (Path(tmp) / f"r{i:06d}.{forms[i % 3]}").write_bytes(render(draw(rng), forms[i % 3]))
        print(f"{n:,} reports written in {time.perf_counter() - t:.0f} s", flush=True)
        sample, _ = child([sys.executable, "-m", "gongkai", "ingest", tmp, "--db", str(path), "--jobs", str(workers)],
                          timeout=4 * 3600)
        print(f"{n:,} reports ingested: wall {sample.wall:,.0f} s, CPU {sample.cpu:,.0f} s; "
              f"corpus {path.stat().st_size / 1048576:,.0f} MB", flush=True)


def choose(db: Path) -> dict:
    """The places and reports the walk opens: the busiest province, its busiest city and county,
    a body with several years, two reports of it, and a year of the city to add up."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        def top(length: int, within: str = "") -> str:
            return con.execute(
                "SELECT substr(a.code, 1, ?) p, COUNT(*) n FROM documents d JOIN agencies a USING (agency_key)"
                " WHERE a.code LIKE ? GROUP BY p ORDER BY n DESC, p LIMIT 1", (length, within + "%")).fetchone()[0]

        province = top(2)
        city = top(4, province)
        county = top(6, city)
        year = con.execute("SELECT d.year FROM documents d JOIN agencies a USING (agency_key) WHERE a.code LIKE ?"
                           " GROUP BY d.year ORDER BY COUNT(*) DESC, d.year LIMIT 1", (city + "%",)).fetchone()[0]
        key, = con.execute("SELECT agency_key FROM documents WHERE status = 'ok' GROUP BY agency_key"
                           " ORDER BY COUNT(*) DESC, agency_key LIMIT 1").fetchone()
        a, b = (i for (i,) in con.execute("SELECT id FROM documents WHERE agency_key = ? ORDER BY year LIMIT 2", (key,)))
        code, unit = con.execute("SELECT code, unit FROM agencies WHERE agency_key = ?", (key,)).fetchone()
        total = con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    from gongkai.format.places import identity

    return {"province": province, "city": city, "county": county, "year": year, "a": a, "b": b,
            "body": identity(code, unit, key) or key, "total": total}


def prepare_site(home: Path, county: str) -> str:
    """An administrator and a supervisor of ``county`` in a fresh web database; a reader's API token."""
    env = {**os.environ, "GONGKAI_WEB_HOME": str(home)}
    script = (
        "import sys\n"
        "from gongkai.cli.serve import create_user, setup\n"
        "setup(None)\n"
        "from gongkai.web.models import ApiToken\n"
        f"admin = create_user('bench-admin', 'admin', None, password={PASSWORD!r})\n"
        f"create_user('bench-supervisor', 'supervisor', None, region={county!r}, password={PASSWORD!r})\n"
        "print(ApiToken.issue(admin, 'bench'))\n")
    return subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True,
                          text=True).stdout.strip().splitlines()[-1]


def signed_in(base: str, user: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    html = opener.open(f"{base}/login/").read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"username": user, "password": PASSWORD, "csrfmiddlewaretoken": csrf}).encode()
    if "/login/" in opener.open(urllib.request.Request(f"{base}/login/", data=data,
                                                       headers={"Referer": f"{base}/login/"})).geturl():
        raise SystemExit(f"bench: {user} could not sign in")
    return opener


def _status(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key + ":"))


def _cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fetch(server: subprocess.Popen, opener, url: str, headers: dict | None = None) -> tuple[Sample, int, int, int]:
    """(wall and server CPU, answer bytes, HTTP status, server peak RSS in KB during the request)."""
    try:  # the server's high-water mark from now (Linux ≥ 4.0; root or the process's owner)
        with open(f"/proc/{server.pid}/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
    cpu, wall, size = _cpu(server.pid), time.perf_counter(), 0
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=900) as answer:
            status = answer.status
            while piece := answer.read(1 << 16):
                size += len(piece)
    except urllib.error.HTTPError as exc:
        status, size = exc.code, len(exc.read())
    return (Sample(_cpu(server.pid) - cpu, time.perf_counter() - wall), size, status,
            _status(server.pid, "VmHWM"))


def walk(db: Path, rounds: int, out: dict, export: bool = False) -> None:
    """Every page and API call on the corpus ``db``: ``out[label] = (samples, bytes, status, peak MB)``."""
    place = choose(db)
    print(f"corpus {db.name}: {place['total']:,} documents; province {place['province']}, city {place['city']}, "
          f"county {place['county']}, year {place['year']}, body {place['body']} (#{place['a']}, #{place['b']})",
          flush=True)
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-pages-") as tmp:
        home = Path(tmp)
        token = prepare_site(home, place["county"])
        env = {**os.environ, "GONGKAI_WEB_HOME": str(home), "GONGKAI_CORPUS_URL": str(db)}
        with serverproc.serving(env) as (server, base):
            admin, supervisor = signed_in(base, "bench-admin"), signed_in(base, "bench-supervisor")
            anonymous = urllib.request.build_opener()
            api = {"Authorization": f"Bearer {token}"}
            p, c, k, y = place["province"], place["city"], place["county"], place["year"]
            body = urllib.parse.quote(place["body"])
            calls = [
                ("floor: sign-in page /login/", anonymous, "/login/", None),
                ("汇总, whole corpus (administrator)", admin, "/survey/", None),
                ("汇总, a county (supervisor's start)", supervisor, "/survey/", None),
                ("汇总, its busiest province", admin, f"/survey/?region={p}", None),
                ("汇总, its busiest city, by county", admin, f"/survey/?region={c}&level=county", None),
                ("汇总, a body's years", admin, f"/survey/?region=&body={body}", None),
                ("汇总, that city's roll-up of a year", admin, f"/survey/?region={c}&rollup_year={y}", None),
                ("a report's check page", admin, f"/survey/report/{place['a']}/", None),
                ("compare two reports", admin, f"/survey/compare?a={place['a']}&b={place['b']}", None),
                ("API reports, page 1", anonymous, "/api/corpus/reports", api),
                ("API reports, page 500", anonymous, "/api/corpus/reports?page=500", api),
                ("API reports of that city and year", anonymous, f"/api/corpus/reports?region={c}&year={y}", api),
                ("API stats (city level)", anonymous, "/api/corpus/stats", api),
                ("API stats of its busiest county", anonymous, f"/api/corpus/stats?region={k}&level=county", api),
                ("API a report", anonymous, f"/api/corpus/reports/{place['a']}", api),
                ("API roll-up of that city and year", anonymous, f"/api/corpus/rollup?region={c}&year={y}", api),
                ("API reports.csv of that province", anonymous, f"/api/corpus/reports?region={p}&format=csv", api),
                ("API findings.csv (stream)", anonymous, "/api/corpus/tables/findings.csv", api),
            ]
            for label, opener, path, headers in calls:
                samples, peak = [], 0
                for _ in range(rounds):
                    sample, size, status, hwm = fetch(server, opener, base + path, headers)
                    samples.append(sample)
                    peak = max(peak, hwm)
                out[label] = (samples, size, status, peak / 1024)
                print(f"  {label}: {statistics.median(s.wall for s in samples):.2f} s, HTTP {status}, {size:,} bytes",
                      flush=True)

    commands = [
        ("floor: gongkai --version", ["--version"]),
        ("gongkai stats (city level)", ["stats", "--db", str(db)]),
        ("gongkai stats --level county --region CITY",
         ["stats", "--db", str(db), "--level", "county", "--region", place["city"]]),
        ("gongkai compare #a #b", ["compare", str(place["a"]), str(place["b"]), "--db", str(db)]),
        ("gongkai rollup --region CITY --year YEAR",
         ["rollup", "--region", place["city"], "--year", str(place["year"]), "--db", str(db)]),
        ("gongkai failures", ["failures", "--db", str(db)]),
    ]
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-export-") as tmp:
        if export:  # the whole dataset: ~60 MB of CSV a 1,000 reports (6 GB at 100,000)
            commands.append(("gongkai export --to csv", ["export", "--to", "csv", "-o", tmp, "--db", str(db)]))
        python = [
            ("Corpus.stats()", "c.stats()"),
            ("Corpus.documents()", "c.documents()"),
            ("Corpus.findings()", "c.findings()"),
        ]
        for label, args in commands:
            samples = [child([sys.executable, "-m", "gongkai", *args], timeout=1800, check=False)[0]
                       for _ in range(1 if "export" in label else rounds)]
            out[label] = (samples, 0, 0, max(s.peak_mb for s in samples))
            print(f"  {label}: {statistics.median(s.wall for s in samples):.2f} s", flush=True)
        for label, call in python:
            code = f"import gongkai\nc = gongkai.Corpus({str(db)!r})\n{call}\n"
            samples = [child([sys.executable, "-c", code], timeout=1800)[0] for _ in range(rounds)]
            out[label] = (samples, 0, 0, max(s.peak_mb for s in samples))
            print(f"  {label}: {statistics.median(s.wall for s in samples):.2f} s", flush=True)


def report(small: dict, big: dict, sizes: tuple[int, int]) -> None:
    def med(samples, what):
        return statistics.median(getattr(s, what) for s in samples)

    print()
    print(machine())
    print(f"{'':46} {'small: ' + format(sizes[0], ','):>26} {'big: ' + format(sizes[1], ','):>34}")
    print(f"{'':46} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} {'× floor':>8}")
    floor = {kind: med(big[label][0], "wall") for kind, label in
             (("page", "floor: sign-in page /login/"), ("command", "floor: gongkai --version"))}
    for label in big:
        s, b = small[label], big[label]
        kind = "page" if b[1] else "command"
        times = [med(s[0], "wall"), med(s[0], "cpu"), s[3], med(b[0], "wall"), med(b[0], "cpu"), b[3]]
        print(f"{label:46} " + " ".join(f"{v:8.2f}" if i % 3 != 2 else f"{v:8.0f}" for i, v in enumerate(times))
              + f" {med(b[0], 'wall') / max(floor[kind], 1e-9):8.1f}")
    print("(CPU: the server's for a page, the command's process for a command; peak: the server's"
          " resident high-water mark during the request, or the command's largest process"
          f"{'' if os.access(GNU_TIME, os.X_OK) else ' (wait4: includes the parent, install Debian time)'})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=20_000, help="reports in the big corpus when built (default 20,000)")
    ap.add_argument("--small", type=int, default=1000, help="reports in the small corpus when built (default 1,000)")
    ap.add_argument("--big", type=Path, help="a big corpus already built (SQLite), used as it is")
    ap.add_argument("--small-db", type=Path, help="a small corpus already built (SQLite), used as it is")
    ap.add_argument("--rounds", type=int, default=3, help="requests of each page (median; default 3)")
    ap.add_argument("--export", action="store_true", help="also time gongkai export --to csv of the whole corpus")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="ingest workers when building")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-corpora-") as tmp:
        dbs = []
        for given, n, name in ((args.small_db, args.small, "small.db"), (args.big, args.reports, "big.db")):
            if given is None:
                given = Path(tmp) / name
                build(given, n, args.workers)
            dbs.append(given)
        small: dict = {}
        big: dict = {}
        walk(dbs[0], args.rounds, small, args.export)
        walk(dbs[1], args.rounds, big, args.export)
        with sqlite3.connect(f"file:{dbs[0]}?mode=ro", uri=True) as a, \
                sqlite3.connect(f"file:{dbs[1]}?mode=ro", uri=True) as b:
            sizes = (a.execute("SELECT COUNT(*) FROM documents").fetchone()[0],
                     b.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
        report(small, big, sizes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
