"""Walk an upgrade as a site does it: a site made with an OLD gongkai, then opened with a NEW one.

    python scripts/upgrade_walk.py make  --gongkai OLD/bin/gongkai --site DIR [--pg URL]
    python scripts/upgrade_walk.py dump  --gongkai BIN/gongkai --site DIR [--pg URL] --out facts.json
    python scripts/upgrade_walk.py compare before.json after.json

``make`` keeps a request register (requests of every kind, with letters, corrections and a voided
step), the 主动公开 log, a corpus (the examples' reports) and a web site (a body, accounts, requests
entered through the API, a draft report) — on SQLite under DIR, or each in its own PostgreSQL
database made from ``--pg`` (a URL of a database the user may CREATE DATABASE from).  ``dump`` reads
back everything a user sees — each request's history, deadlines, table 3, letters (their text and
their bytes), exports, the log's table 2, the corpus's figures and findings, the accounts, the API —
into one JSON file; ``compare`` prints what differs.  Run ``dump`` with the old program first, then
install the new one over it (``pip install --force-reinstall --no-deps new.whl``) and ``dump`` again:
the first run of the new program migrates the databases.  docs/upgrade.md tells what was found.

The site's "today" is fixed (GONGKAI_TODAY) so that two dumps see the same deadlines.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from http.cookiejar import CookieJar
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import serverproc

TODAY = "2025-12-20"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PASSWORD = "Gongkai-walk-2025"


class Site:
    def __init__(self, gongkai: str, site: Path, pg: str | None):
        self.g, self.site, self.pg = gongkai, site, pg
        self.env = {**os.environ, "GONGKAI_TODAY": TODAY, "XDG_DATA_HOME": str(site / "data"),
                    "XDG_CONFIG_HOME": str(site / "config"), "GONGKAI_WEB_HOME": str(site / "web"),
                    "GONGKAI_ACTOR": "李文书", "GONGKAI_CACHE": str(site / "cache")}
        for k in ("GONGKAI_DB", "GONGKAI_WEB_DB", "GONGKAI_CORPUS_URL"):
            self.env.pop(k, None)
        self.env["GONGKAI_CORPUS_URL"] = self.url("corpus")

    def url(self, what: str) -> str:
        """The database of one store: a file under the site, or a PostgreSQL database of its own."""
        if not self.pg:
            return {"register": str(self.site / "register.db"), "corpus": str(self.site / "corpus.db"),
                    "web": f"sqlite:///{self.site / 'web.sqlite3'}"}[what]
        return re.sub(r"/([^/?]*)(\?|$)", rf"/walk_{what}\2", self.pg, count=1)

    def run(self, *args: str, ok: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess:
        r = subprocess.run([self.g, *args], env=self.env, capture_output=True, text=True, timeout=600,
                           input=stdin)
        if ok and r.returncode != 0:
            raise SystemExit(f"{' '.join(args)} → {r.returncode}\n{r.stdout}\n{r.stderr}")
        return r

    def reg(self, *args: str, ok: bool = True) -> str:
        return self.run("register", *args, "--db", self.url("register"), ok=ok).stdout

    def log(self, *args: str) -> str:
        return self.run("log", *args, "--db", self.url("register")).stdout


# -- make ---------------------------------------------------------------------------------------
def make(s: Site) -> None:
    s.site.mkdir(parents=True, exist_ok=True)
    if s.pg:
        import psycopg

        with psycopg.connect(s.pg, autocommit=True) as conn:
            for what in ("register", "corpus", "web"):
                conn.execute(f"DROP DATABASE IF EXISTS walk_{what}")
                conn.execute(f"CREATE DATABASE walk_{what}")
    letters = s.site / "letters-made"
    letters.mkdir(exist_ok=True)
    r = s.reg
    # 1 granted at once, its reply letter made when recorded; the applicant's name amended later
    r("add", "--type", "自然人", "--name", "张三", "--phone", "13912345678", "--channel", "网上",
      "--content", "2024年本镇财政预算执行情况", "--date", "2025-09-01")
    r("reply", "2025-000001", "--outcome", "予以公开", "--ground", "2", "--note", "随本答复书提供。",
      "--date", "2025-09-10", "--letter", str(letters / "1-reply.docx"))
    r("amend", "2025-000001", "--event", "1", "--field", "name", "--value", "张叁", "--reason", "身份证上是“叁”",
      "--date", "2025-09-11")
    # 2 a company: correction asked, delivered, corrected, partly granted
    r("add", "--type", "商业企业", "--name", "淮安某某建设有限公司", "--channel", "邮寄", "--content", "某项目的环评批复",
      "--date", "2025-09-03")
    r("correct", "2025-000002", "--items", "请写明项目名称", "--until", "2025-09-20", "--date", "2025-09-05")
    r("deliver", "2025-000002", "2", "--method", "邮寄", "--date", "2025-09-08")
    r("corrected", "2025-000002", "--date", "2025-09-15")
    r("reply", "2025-000002", "--outcome", "部分公开", "--note", "涉及商业秘密的部分不予公开。", "--date", "2025-10-10")
    # 3 a third party consulted, then refused
    r("add", "--type", "自然人", "--name", "王五", "--channel", "当面", "--content", "某企业的排污许可材料",
      "--date", "2025-09-04")
    r("pause", "2025-000003", "--party", "第三方", "--name", "某化工有限公司", "--date", "2025-09-10")
    r("resume", "2025-000003", "--date", "2025-09-25")
    r("reply", "2025-000003", "--outcome", "保护第三方", "--note", "第三方不同意公开。", "--date", "2025-10-15")
    # 4 extended, then not held
    r("add", "--type", "法律服务机构", "--name", "某律师事务所", "--channel", "网上", "--content", "2019年的会议纪要",
      "--date", "2025-09-05")
    r("extend", "2025-000004", "--reason", "需要调取档案", "--date", "2025-09-25")
    r("reply", "2025-000004", "--outcome", "本机关不掌握", "--ground", "4", "--note", "经检索没有该信息。",
      "--date", "2025-10-20")
    # 5 a fee: notice, delivered, paid, granted
    r("add", "--type", "自然人", "--name", "赵六", "--channel", "网上", "--content", "近五年的全部招标文件",
      "--date", "2025-10-09")
    r("fee", "2025-000005", "--basis", "按量", "--units", "120", "--payment", "转账至本机关账户", "--date", "2025-10-15")
    r("deliver", "2025-000005", "2", "--method", "电子邮件", "--date", "2025-10-15")
    r("paid", "2025-000005", "--date", "2025-10-20")
    r("reply", "2025-000005", "--outcome", "予以公开", "--ground", "2", "--note", "见附件。", "--date", "2025-10-30")
    # 6 withdrawn
    r("add", "--type", "自然人", "--name", "孙七", "--channel", "传真", "--content", "道路施工计划",
      "--date", "2025-11-03")
    r("withdraw", "2025-000006", "--how", "电话", "--note", "您已来电撤回申请。", "--date", "2025-11-05")
    # 7 open, due soon; 8 overdue, with a wrongly recorded extension voided
    r("add", "--type", "自然人", "--name", "周八", "--channel", "网上", "--content", "某小区规划许可",
      "--date", "2025-12-10")
    r("add", "--type", "商业企业", "--name", "某物业公司", "--channel", "邮寄", "--content", "物业费标准",
      "--date", "2025-10-27")
    r("extend", "2025-000008", "--reason", "误录", "--date", "2025-11-03")
    r("void", "2025-000008", "2", "--reason", "延期是另一件申请的", "--date", "2025-11-04")
    # the 主动公开 log
    lg = s.log
    lg("add", "--title", "关于印发某镇财政资金管理办法的通知", "--kind", "规范性文件", "--date", "2025-03-01",
       "--doc-no", "某政发〔2025〕3号", "--ref", "L-1")
    for step, who, on in (("拟稿", "李文书", "2025-02-20"), ("核稿", "王科长", "2025-02-24"), ("审签", "张镇长", "2025-02-27")):
        lg("review", "L-1", "--step", step, "--by", who, "--date", on)
    lg("publish", "L-1", "--channel", "政府网站", "--column", "政策文件", "--date", "2025-03-10",
       "--url", "https://example.gov.cn/zcwj/1.html")
    lg("add", "--title", "某镇2025年重点工作安排", "--kind", "其他", "--date", "2025-04-01", "--ref", "L-2",
       "--draft-by", "李文书", "--draft-on", "2025-03-28", "--check-by", "王科长", "--check-on", "2025-03-30",
       "--sign-by", "张镇长", "--sign-on", "2025-03-31")
    lg("change", "L-2", "--date", "2025-05-06", "--note", "调整第三项")
    lg("publish", "L-2", "--channel", "政府网站", "--column", "工作动态", "--date", "2025-06-20")
    lg("add", "--title", "某镇内部考勤规定", "--kind", "其他", "--date", "2025-05-01", "--attribute", "不予公开",
       "--reason", "内部事务信息", "--ref", "L-3")
    lg("attribute", "L-3", "--to", "主动公开", "--date", "2025-06-01")
    lg("add", "--title", "某镇旧的收费办法", "--kind", "规范性文件", "--date", "2019-05-01", "--existing", "--ref", "L-4")
    lg("repeal", "L-4", "--date", "2025-07-01", "--note", "被新办法取代")
    lg("figures", "--year", "2025", "--month", "3", "--licensing", "12", "--penalty", "3")
    # the corpus: the examples' reports
    s.run("ingest", *sorted(str(p) for p in EXAMPLES.glob("*.txt")), str(EXAMPLES / "hongze-district-2024.pdf"),
          "--db", s.url("corpus"))
    # the web site: a body, a clerk, a supervisor, an admin, a token; requests through the API; a draft
    web = ["--db", s.url("web")]
    s.run("users", *web, "body", "某镇人民政府", "--region", "320812")
    for name, role, extra in (("admin", "admin", ()), ("clerk", "clerk", ("--body", "某镇人民政府")),
                              ("boss", "supervisor", ("--region", "320800"))):
        s.run("users", *web, "add", name, "--role", role, *extra, "--password-stdin", stdin=PASSWORD + "\n")
    token = s.run("users", *web, "token", "clerk", "--label", "walk").stdout.strip().splitlines()[-1]
    (s.site / "token").write_text(token)
    with served(s) as base:
        api = Api(base, token)
        api.call("POST", "/api/bodies/1/requests", {"applicant_type": "自然人", "name": "吴九", "channel": "互联网",
                                                    "content": "村务公开材料", "on": "2025-11-20"})
        api.call("POST", "/api/bodies/1/requests/2025-000001/events",
                 {"kind": "replied", "on": "2025-11-28", "outcome": "予以公开", "ground": "1",
                  "note": "已在政府网站公开。"})
        api.call("POST", "/api/bodies/1/requests", {"applicant_type": "商业企业", "name": "某公司", "channel": "平常信函",
                                                    "content": "招商引资协议", "on": "2025-12-01"})
        api.call("POST", "/api/bodies/1/reports", {"year": 2025})
        api.call("POST", "/api/bodies/1/reports/2025/from-register")


class Api:
    def __init__(self, base: str, token: str):
        self.base, self.token = base, token

    def call(self, method: str, path: str, data=None) -> tuple[int, bytes]:
        req = urllib.request.Request(self.base + path, method=method,
                                     data=json.dumps(data).encode() if data is not None else None,
                                     headers={"Authorization": f"Bearer {self.token}",
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=120) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            body = exc.read()
            if method != "GET":
                raise SystemExit(f"{method} {path} → {exc.code}: {body.decode(errors='replace')}") from None
            return exc.code, body


class served:
    def __init__(self, s: Site):
        self.s = s

    def __enter__(self) -> str:
        port = serverproc.free_port()
        self.proc = subprocess.Popen([self.s.g, "serve", "--port", str(port), "--db", self.s.url("web"),
                                      "--read-workers", "0", "--threads", "2"], env=self.s.env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        base = f"http://127.0.0.1:{port}"
        serverproc.wait_up(self.proc, base + "/login/")
        return base

    def __exit__(self, *exc) -> None:
        serverproc.stop(self.proc)


# -- dump ---------------------------------------------------------------------------------------
def docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode()
    return "\n".join("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)) for p in re.findall(r"<w:p[ >].*?</w:p>", xml))


def parts_sha256(data: bytes) -> str:
    """The DOCX's parts, names and bytes — not the zip's member dates, which versions before fdb61ed
    took from the clock (two renderings of one letter by one version differed only there; now the
    letter's date: gongkai.ooxml)."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in sorted(z.namelist()):
            digest.update(name.encode() + b"\0" + z.read(name))
    return digest.hexdigest()


def dump(s: Site) -> dict:
    out: dict = {}
    tmp = s.site / "dump-files"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    r = s.reg
    out["register list"] = r("list")
    for n in range(1, 9):
        ref = f"2025-{n:06d}"
        out[f"register show {ref}"] = r("show", ref)
    out["register due"] = r("due")
    out["register late 2025"] = r("late", "--year", "2025", ok=False)
    out["register table3 2025"] = json.loads(r("table3", "--year", "2025", "--json"))
    r("export", str(tmp / "register.csv"), "--with-contact")
    out["register export"] = (tmp / "register.csv").read_text(encoding="utf-8-sig")
    for ref, kind in (("2025-000001", "receipt"), ("2025-000001", "reply"), ("2025-000002", "correction"),
                      ("2025-000003", "consultation"), ("2025-000003", "reply"), ("2025-000004", "extension"),
                      ("2025-000004", "reply"), ("2025-000005", "fee"), ("2025-000005", "reply"),
                      ("2025-000006", "withdrawal")):
        path = tmp / f"{ref}-{kind}.docx"
        res = s.run("register", "letter", ref, kind, "--out", str(path), "--db", s.url("register"), ok=False)
        if res.returncode:
            out[f"letter {ref} {kind}"] = {"refused": res.stderr.strip()}
        else:
            data = path.read_bytes()
            out[f"letter {ref} {kind}"] = {"text": docx_text(data), "sha256": parts_sha256(data)}
    made = s.site / "letters-made" / "1-reply.docx"
    out["letter made when recorded"] = docx_text(made.read_bytes())
    lg = s.log
    out["log list"] = lg("list")
    for ref in ("L-1", "L-2", "L-3", "L-4"):
        out[f"log show {ref}"] = lg("show", ref)
    out["log due"] = lg("due")
    out["log table2 2025"] = json.loads(lg("table2", "--year", "2025", "--json"))
    lg("export", str(tmp / "log.csv"))
    out["log export"] = (tmp / "log.csv").read_text(encoding="utf-8-sig")
    cdb = ["--db", s.url("corpus")]
    for fmt in ("csv",):
        s.run("export", *cdb, "--to", fmt, "-o", str(tmp / "corpus"), ok=False)
    for f in sorted((tmp / "corpus").glob("*.csv")) if (tmp / "corpus").is_dir() else ():
        out[f"corpus export {f.name}"] = f.read_text(encoding="utf-8-sig")
    out["corpus stats"] = s.run("stats", *cdb, ok=False).stdout
    out["corpus failures"] = s.run("failures", *cdb, ok=False).stdout
    web = ["--db", s.url("web")]
    out["users list"] = s.run("users", *web, "list").stdout
    token = (s.site / "token").read_text().strip()
    with served(s) as base:
        api = Api(base, token)
        for path in ("/api/bodies", "/api/bodies/1/requests", "/api/bodies/1/requests/2025-000001",
                     "/api/bodies/1/requests/2025-000002", "/api/bodies/1/table3/2025", "/api/bodies/1/reports",
                     "/api/bodies/1/reports/2025"):
            status, body = api.call("GET", path)
            out[f"GET {path}"] = [status, json.loads(body) if body[:1] in (b"{", b"[") else body.decode()]
        status, body = api.call("GET", "/api/bodies/1/requests/2025-000001/letters/reply")
        out["GET letter reply (web)"] = [status, docx_text(body) if status == 200 else body.decode()]
        # a clerk logs in with the password set by the old program; the pages open
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(base + "/login/", timeout=60).read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"username": "clerk", "password": PASSWORD, "csrfmiddlewaretoken": csrf}).encode()
        resp = opener.open(urllib.request.Request(base + "/login/", data=form, headers={"Referer": base + "/login/"}),
                           timeout=60)
        out["login"] = resp.url.replace(base, "")
        for path in ("/register/1/", "/register/1/2025-000001/", "/register/1/log/", "/register/1/table3/"):
            try:
                with opener.open(base + path, timeout=60) as p:
                    html = p.read().decode()
                    out[f"page {path}"] = [p.status, sorted(set(re.findall(r"2025-0000\d\d", html)))]
            except urllib.error.HTTPError as exc:
                out[f"page {path}"] = [exc.code, None]
    return out


def _lines(value) -> list[str]:
    """A fact as lines to compare: runs of spaces as one (a ledger's column padding is layout)."""
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    return [re.sub(r" {2,}", " ", line).rstrip() for line in value.splitlines()]


def compare(a: dict, b: dict) -> int:
    """Print each fact that differs, line by line (spacing aside); 1 if any does."""
    import difflib

    differ = 0
    for key in sorted(set(a) | set(b)):
        left, right = _lines(a.get(key)), _lines(b.get(key))
        if left == right:
            continue
        differ += 1
        print(f"=== {key}")
        for line in list(difflib.unified_diff(left, right, lineterm="", n=0))[2:40]:
            print(line[:400])
    print(f"{differ} of {len(set(a) | set(b))} facts differ (spacing aside)")
    return 1 if differ else 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("action", choices=("make", "dump", "compare"))
    p.add_argument("files", nargs="*")
    p.add_argument("--gongkai")
    p.add_argument("--site", type=Path)
    p.add_argument("--pg")
    p.add_argument("--out", type=Path)
    a = p.parse_args()
    if a.action == "compare":
        return compare(*(json.loads(Path(f).read_text()) for f in a.files))
    s = Site(a.gongkai, a.site, a.pg)
    if a.action == "make":
        make(s)
        return 0
    facts = dump(s)
    a.out.write_text(json.dumps(facts, ensure_ascii=False, indent=1))
    print(f"{len(facts)} facts → {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
