"""Smoke pass: every subcommand of an INSTALLED gongkai, run as a user runs it, on real input.

    python scripts/smoke.py --gongkai /path/to/venv/bin/gongkai [--examples examples/]

``scripts/smoke.sh`` builds a wheel from the files git tracks, installs it into a fresh virtual
environment (not editable, no system site-packages) and runs this file with that environment's
Python from outside the source tree, so what is exercised is exactly what a user installs.  Each
step checks the exit code and a real outcome (a cell value, a deadline, a fee, a file written);
the first failure stops the pass with the command, its exit code and its output.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
import zipfile
from pathlib import Path

import serverproc  # beside this file: the gongkai serve child process (also used by bench/)

STEP_SECONDS = 300


class SmokeFailure(Exception):
    pass


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gongkai", required=True, help="the installed gongkai command")
    ap.add_argument("--examples", default=str(Path(__file__).resolve().parent.parent / "examples"))
    args = ap.parse_args()
    gongkai = str(Path(args.gongkai).resolve())
    examples = Path(args.examples).resolve()
    with tempfile.TemporaryDirectory(prefix="gongkai-smoke-") as tmp:
        smoke = Smoke(gongkai, examples, Path(tmp))
        try:
            smoke.run_all()
        except SmokeFailure as exc:
            print(f"smoke: FAILED: {exc}", file=sys.stderr)
            return 1
    print(f"smoke: {smoke.count} commands of the installed gongkai passed")
    return 0


class Smoke:
    def __init__(self, gongkai: str, examples: Path, tmp: Path):
        self.gongkai = gongkai
        self.examples = examples
        self.tmp = tmp
        self.count = 0
        # Everything the commands write by default goes under tmp, never into the user's home.
        self.env = {**os.environ, "HOME": str(tmp / "home"), "XDG_DATA_HOME": str(tmp / "data"),
                    "GONGKAI_WEB_HOME": str(tmp / "web")}
        for name in ("GONGKAI_WEB_DB", "PYTHONPATH"):
            self.env.pop(name, None)

    def run(self, *argv: str, expect: int = 0, stdin: str | None = None) -> str:
        cmd = [self.gongkai, *argv]
        shown = " ".join(["gongkai", *argv])
        started = time.monotonic()
        r = subprocess.run(cmd, env=self.env, cwd=self.tmp, input=stdin, capture_output=True, text=True,
                           timeout=STEP_SECONDS)
        self.count += 1
        if r.returncode != expect or "Traceback" in r.stderr:
            raise SmokeFailure(f"{shown}\n  exit {r.returncode} (expected {expect})\n"
                               f"  stdout: {r.stdout[-2000:]}\n  stderr: {r.stderr[-4000:]}")
        print(f"smoke: ok ({time.monotonic() - started:5.1f} s) {shown}", flush=True)
        return r.stdout

    def expect(self, condition: bool, what: str) -> None:
        if not condition:
            raise SmokeFailure(what)

    def run_all(self) -> None:
        ex = self.examples
        t = self.tmp
        self.where_installed()
        self.expect("gongkai" in self.run("--version"), "gongkai --version")

        # parse: one report as JSON (exact cells), the whole examples/ folder as JSON lines, CSV
        report = json.loads(self.run("parse", "--json", str(ex / "huaian-city-2024.pdf")))
        self.expect(report["year"] == 2024 and report["table3"]["new_received"]["total"] is not None,
                    f"parse --json: year {report.get('year')}, table 3 {report.get('table3', {}).get('new_received')}")
        # one JSON line per report file (text, PDF, crawler text, the source YAML), each a report
        lines = self.run("parse", "--json", str(ex)).splitlines()
        files = [p for p in ex.rglob("*") if p.suffix in (".txt", ".pdf", ".yaml")]
        reports = [json.loads(line) for line in lines]
        self.expect(len(reports) == len(files) and all(r["schema"] == "gongkai.report/1" for r in reports)
                    and {"吴忠市红寺堡区红寺堡镇人民政府", "淮安市人民政府"} <= {r["agency"] for r in reports},
                    f"parse examples/: {len(lines)} lines for {len(files)} files")
        self.run("parse", "--csv", "-o", str(t / "cells.csv"), str(ex / "001_fb8decbe9b2e9cc0.txt"))
        self.expect("table3.granted.natural_person" in (t / "cells.csv").read_text(encoding="utf-8-sig"),
                    "parse --csv wrote no table-3 cell")

        # check: a clean report exits 0, a defective one 1 with its findings
        self.run("check", str(ex / "huaian-city-2024.pdf"))
        # 000 prints table 4 without its heading and has no table 3 (003's one contradiction is a warning)
        out = self.run("check", "--json", str(ex / "000_a0c7fabfdf456585.txt"), expect=1)
        self.expect({f["rule"] for f in json.loads(out)["findings"] if f["severity"] == "error"}
                    == {"SECTION-MISSING", "TABLE-MISSING"}, "check --json: 000's errors")
        self.run("check", str(ex / "hongze-district-2024.pdf"), "--previous", str(ex / "hongze-district-2023.pdf"),
                 "--html", str(t / "review.html"))
        self.expect("<table" in (t / "review.html").read_text(encoding="utf-8"), "check --html wrote no table")

        # new + build (docx, html, md; pdf where LibreOffice is installed)
        self.run("new", "--agency", "淮安市人民政府", "--year", "2025", "--from", str(ex / "huaian-city-2024.pdf"),
                 "-o", str(t / "2025.yaml"))
        self.expect("淮安市人民政府" in (t / "2025.yaml").read_text(encoding="utf-8"), "new: agency not in the source")
        self.run("new", "--agency", "某某县某某局", "--from", str(ex / "huaian-city-2024.pdf"),
                 "-o", str(t / "other.yaml"), expect=1)  # another body's figures are not carried
        forms = ["docx", "html", "md"] + (["pdf"] if shutil.which("soffice") or shutil.which("libreoffice") else [])
        for form in forms:
            out_file = t / f"report.{form}"
            self.run("build", str(ex / "source-2024.yaml"), "--to", form, "-o", str(out_file))
            self.expect(out_file.stat().st_size > 1000, f"build --to {form}: {out_file.stat().st_size} bytes")
        with zipfile.ZipFile(t / "report.docx") as z:
            self.expect("表三" in z.read("word/document.xml").decode("utf-8") or
                        "收到和处理政府信息公开申请情况" in z.read("word/document.xml").decode("utf-8"),
                        "build docx: no table 3 heading")
        if "pdf" not in forms:
            print("smoke: LibreOffice not installed: build --to pdf not run")

        # the request register: add, list, reply, table 3; the deadline and fee calculators
        reg = ["--db", str(t / "register.db")]
        out = self.run("register", "add", "--type", "自然人", "--name", "张三", "--phone", "13912345678",
                       "--channel", "当面", "--content", "某项目批复", "--date", "2025-09-26",
                       "--letter", str(t / "receipt.docx"), *reg)
        self.expect("2025-000001：已登记，答复期限 2025-10-30" in out, f"register add: {out}")
        out = self.run("register", "list", *reg)
        self.expect("张*" in out and "13912345678" not in out, f"register list: {out}")
        self.run("register", "reply", "2025-000001", "--date", "2025-10-20", "--outcome", "部分公开",
                 "--note", "删除了个人信息", "--letter", str(t / "reply.docx"), *reg)
        table3 = json.loads(self.run("register", "table3", "--year", "2025", "--json", *reg))
        self.expect(table3["table3"]["partial"]["natural_person"] == 1, f"register table3: {table3['table3']}")
        self.expect("答复期限：2025-10-30" in self.run("deadline", "2025-09-26"), "deadline 2025-09-26")
        self.expect(self.run("fee", "--pieces", "35").splitlines()[0] == "3000元", "fee --pieces 35")

        # the proactive-disclosure log: add, table 2
        log = ["--db", str(t / "register.db")]
        out = self.run("log", "add", *log, "--title", "关于印发某办法的通知", "--kind", "规范性文件",
                       "--made", "2026-01-26", "--doc-no", "某发〔2026〕1号")
        self.expect("已登记 D2026-000001" in out, f"log add: {out}")
        out = self.run("log", "list", *log)
        self.expect("D2026-000001" in out and "关于印发某办法的通知" in out, f"log list: {out}")
        table2 = json.loads(self.run("log", "table2", *log, "--year", "2026", "--json"))
        self.expect(table2["table2"]["art20_1.normative_docs"]["made"] == 1, f"log table2: {table2['table2']}")

        # the corpus: ingest the examples, export them
        corpus = ["--db", str(t / "corpus.db")]
        self.run("ingest", *corpus, "--workers", "1", "-q", str(ex))
        for form, target in (("csv", t / "csv"), ("parquet", t / "parquet"), ("xlsx", t / "dataset.xlsx")):
            self.run("export", *corpus, "--to", form, "-o", str(target))
            self.expect(target.exists(), f"export --to {form} wrote nothing")
        cells = (t / "csv" / "cells.csv")
        self.expect(cells.exists() and cells.stat().st_size > 1000, f"export csv: {sorted((t / 'csv').iterdir())}")

        self.serve_one_request(ex / "huaian-city-2024.pdf", report)

    def where_installed(self) -> None:
        python = Path(self.gongkai).with_name("python")
        r = subprocess.run([str(python), "-c", "import gongkai, sys; print(gongkai.__file__)"], env=self.env,
                           cwd=self.tmp, capture_output=True, text=True, timeout=60)
        self.expect(r.returncode == 0 and "site-packages" in r.stdout,
                    f"gongkai is not imported from an installed package: {r.stdout}{r.stderr}")
        print(f"smoke: gongkai imported from {r.stdout.strip()}")

    def clerk_opens_the_register(self, base: str) -> None:
        """A clerk made with ``gongkai users`` logs in and opens the web's 台账 pages (they
        need the register's migrations, which a wheel once lacked)."""
        import http.cookiejar
        import re
        import urllib.parse

        self.run("users", "body", "--region", "320812", "某某区某某局")
        self.run("users", "add", "--role", "clerk", "--body", "某某区某某局", "--password-stdin", "clerk1",
                 stdin="Smoke-Test-2026!\n")
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        form = opener.open(f"{base}/login/", timeout=60).read().decode("utf-8")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        self.expect(token is not None, "GET /login/: no CSRF token in the form")
        data = urllib.parse.urlencode({"username": "clerk1", "password": "Smoke-Test-2026!",
                                       "csrfmiddlewaretoken": token.group(1)}).encode()
        with opener.open(urllib.request.Request(f"{base}/login/", data=data, headers={"Referer": f"{base}/login/"}),
                         timeout=60) as resp:
            self.expect(resp.status == 200 and "/login/" not in resp.url, f"login: ended at {resp.url}")
        with opener.open(f"{base}/register/", timeout=60) as resp:
            page = resp.read().decode("utf-8")
            self.expect(resp.status == 200 and "/register/" in resp.url, f"GET /register/: {resp.status} {resp.url}")
        body = re.search(r"/register/(\d+)/", resp.url + page)
        self.expect(body is not None, "GET /register/: no link to the body's register")
        for path in (f"/register/{body.group(1)}/", f"/register/{body.group(1)}/table3/",
                     f"/register/{body.group(1)}/log/"):
            with opener.open(f"{base}{path}", timeout=60) as resp:
                self.expect(resp.status == 200 and "某某区某某局" in resp.read().decode("utf-8"), f"GET {path}")
        self.count += 1
        print("smoke: ok a clerk logs in and opens the 台账 pages (list, table 3, log)")

    def serve_one_request(self, pdf: Path, parsed: dict) -> None:
        port = serverproc.free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([self.gongkai, "serve", "--port", str(port)], env=self.env, cwd=self.tmp,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            try:
                serverproc.wait_up(server, f"{base}/check/")
            except serverproc.ServerDidNotStart as exc:
                raise SmokeFailure(str(exc)) from None
            boundary = uuid.uuid4().hex
            body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{pdf.name}\"\r\n"
                    "Content-Type: application/pdf\r\n\r\n").encode() + pdf.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
            req = urllib.request.Request(f"{base}/api/parse", data=body, method="POST",
                                         headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
            with urllib.request.urlopen(req, timeout=120) as resp:
                answer = json.loads(resp.read())
                self.expect(resp.status == 200, f"POST /api/parse: {resp.status}")
            self.expect(answer["table3"] == parsed["table3"], "POST /api/parse: table 3 differs from gongkai parse")
            self.count += 1
            print("smoke: ok gongkai serve + POST /api/parse (same table 3 as gongkai parse)")
            self.clerk_opens_the_register(base)
        finally:
            serverproc.stop(server)


if __name__ == "__main__":
    sys.exit(main())
