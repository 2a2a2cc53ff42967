"""The same application on PostgreSQL (``--db postgresql://…``): accounts made with
``gongkai users``, the server started with ``gongkai serve``, the register of each body in its
own schema of the site database, and the isolation between bodies holding there too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from gk_web_support import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import serverproc  # (scripts/: the gongkai serve child process, as smoke.py and bench/ start it)


@pytest.fixture(scope="module")
def pg_url(pg_cluster):
    """One database for this file's tests (tests/conftest.py's cluster)."""
    return pg_cluster.new_database()


def _gongkai(*args, env, stdin: str | None = None) -> str:
    r = subprocess.run([sys.executable, "-m", "gongkai", *args], env=env, input=stdin, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


def _call(url, token, data=None, method=None):
    req = urllib.request.Request(url, data=json.dumps(data).encode() if data is not None else None, method=method,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_serve_on_postgresql(pg_url, tmp_path):
    env = {**os.environ, "GONGKAI_WEB_HOME": str(tmp_path), "GONGKAI_TODAY": "2026-03-10",
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("GONGKAI_WEB_DB", None)
    db = ["--db", pg_url]
    _gongkai("users", *db, "body", "甲局", "--region", "320812", env=env)
    _gongkai("users", *db, "body", "乙局", "--region", "320102", env=env)
    pw = "Gongkai-Test-2026!\n"
    _gongkai("users", *db, "add", "clerk-a", "--role", "clerk", "--body", "甲局", "--password-stdin", env=env, stdin=pw)
    _gongkai("users", *db, "add", "clerk-b", "--role", "clerk", "--body", "乙局", "--password-stdin", env=env, stdin=pw)
    ta = _gongkai("users", *db, "token", "clerk-a", env=env).strip()
    tb = _gongkai("users", *db, "token", "clerk-b", env=env).strip()
    assert not (tmp_path / "web.sqlite3").exists()      # nothing went to SQLite
    port = serverproc.free_port()
    server = subprocess.Popen([sys.executable, "-m", "gongkai", "serve", *db, "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        serverproc.wait_up(server, f"{base}/check/", seconds=60)
        status, bodies = _call(f"{base}/api/bodies", ta)
        assert status == 200 and [b["name"] for b in bodies["bodies"]] == ["甲局"]
        a_id = bodies["bodies"][0]["id"]
        b_id = _call(f"{base}/api/bodies", tb)[1]["bodies"][0]["id"]
        new = {"applicant_type": "natural_person", "applicant_name": "张三", "channel": "in_person",
               "content": "某项目批复", "submitted_on": "2026-03-02"}
        status, created = _call(f"{base}/api/bodies/{a_id}/requests", ta, new)
        assert status == 201, created
        ref = created["ref"]
        status, _ = _call(f"{base}/api/bodies/{a_id}/requests/{ref}/events", ta,
                          {"kind": "replied", "on": "2026-03-09", "outcome": "granted"})
        assert status == 201
        t3 = _call(f"{base}/api/bodies/{a_id}/table3/2026", ta)[1]["table3"]
        assert t3["granted"]["natural_person"] == 1
        # a letter's 送达 is the same step and reads the same as on SQLite (test_web_letters.py)
        status, _ = _call(f"{base}/api/bodies/{a_id}/requests/{ref}/events", ta,
                          {"kind": "delivered", "event": 2, "on": "2026-03-10", "method": "mail"})
        assert status == 201
        detail = _call(f"{base}/api/bodies/{a_id}/requests/{ref}", ta)[1]
        assert [(x["event"], x["delivered"]) for x in detail["letters"]] == [(1, ""), (2, "2026-03-10 邮寄送达")]
        assert [(h["id"], h["label"], h["details"]) for h in detail["history"][1:]] == [
            (2, "答复", ["办理结果：（一）予以公开"]), (3, "送达", ["第2条“答复”", "送达方式：邮寄送达"])]
        _log_on_its_page(base, a_id, "clerk-a", pw.strip())
        # body b's register is another schema: empty, and a's clerk cannot reach it
        assert _call(f"{base}/api/bodies/{b_id}/requests", tb)[1]["total"] == 0
        assert _call(f"{base}/api/bodies/{b_id}/requests", ta)[0] == 403
        assert _call(f"{base}/api/bodies/{b_id}/requests", ta, new)[0] == 403
    finally:
        serverproc.stop(server, seconds=10)
    # the CLI on body a's schema (docs/web.md) signs the letter with the body's name, as the web does
    # (it signed 本机关, the settings file's placeholder, and warned); test_web_letters.py: SQLite
    body_url = f"{pg_url}{'&' if '?' in pg_url else '?'}options=-csearch_path%3Dregister_body_{a_id}"
    out = tmp_path / "reply.docx"
    r = subprocess.run([sys.executable, "-m", "gongkai", "register", "letter", ref, "reply", "-o", str(out),
                        "--db", body_url], env=env, capture_output=True, text=True, timeout=120)
    assert (r.returncode, r.stderr) == (0, "gongkai：文书中的行政复议机关按本机关的类型和所在区划确定为“淮安市清江浦区人民政府”"
                                           "（《中华人民共和国行政复议法》第二十四条）；如不对，"
                                           "请系统管理员在管理页面的“机关”中为本机关填写行政复议机关。\n")
    from docx import Document

    signed = [p.text.strip() for p in Document(str(out)).paragraphs if p.text.strip()]
    assert signed[-2:] == ["甲局", "2026年3月9日"]
    import psycopg

    with psycopg.connect(pg_url) as conn:
        schemas = {r[0] for r in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'register_body_%'")}
        assert schemas == {f"register_body_{a_id}", f"register_body_{b_id}"}
        n = conn.execute(f"SELECT COUNT(*) FROM register_body_{a_id}.requests").fetchone()[0]
        assert n == 1
        log = f"register_body_{a_id}"
        assert conn.execute(f"SELECT ref, ended_kind, ended_on FROM {log}.disclosure_items").fetchall() == [
            ("D2026-000001", "expired", "2026-03-06")]
        assert conn.execute(f"SELECT old_attribute, attribute, on_date FROM {log}.disclosure_attribute_changes"
                            ).fetchall() == [("on_request", "active", "2026-03-03")]
        assert conn.execute(f"SELECT changed_on, note FROM {log}.disclosure_changes").fetchall() == [
            ("2026-03-05", "删去已脱贫人员")]
        # the site's holiday notices: one schema beside the bodies' (web/registers.site_calendar)
        assert conn.execute("SELECT COUNT(*) FROM register_calendar.workday_notices").fetchone()[0] == 0


def _log_on_its_page(base: str, body_id: int, user: str, password: str) -> None:
    """The 主动公开台账 kept on its page (a signed-in browser's form posts) on PostgreSQL: 变更,
    调整公开属性 and 失效 said and shown as on SQLite (test_web_regfiles.py)."""
    import http.cookiejar
    import urllib.parse

    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def post(path: str, **fields) -> str:
        token = next(c.value for c in jar if c.name == "csrftoken")
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        with browser.open(f"{base}{path}", data=data, timeout=30) as r:
            return r.read().decode()

    browser.open(f"{base}/login/", timeout=30).read()
    post("/login/", username=user, password=password)
    browser.open(f"{base}/register/{body_id}/log/", timeout=30).read()
    event = f"/register/{body_id}/log/event"
    post(event, what="add", title="丁塘镇2025年困难群众救助对象名单", kind="other", made_on="2026-03-02",
         attribute="on_request", reason="涉及个人隐私", draft_by="李明", draft_on="2026-03-02", check_by="王芳",
         check_on="2026-03-02", sign_by="马镇长", sign_on="2026-03-02", existing="0")
    page = post(event, what="attribute", ref="D2026-000001", to="active", reason="", on="2026-03-03")
    assert "已将 D2026-000001 的公开属性调整为“主动公开”（2026-03-03）。" in page
    assert '<small class="adjusted">（2026-03-03 由依申请公开调整）</small>' in page
    page = post(event, what="change", ref="D2026-000001", on="2026-03-05", note="删去已脱贫人员")
    assert "已登记 D2026-000001 的变更（2026-03-05）。" in page and '<small class="changed">变更 2026-03-05</small>' in page
    page = post(event, what="repeal", ref="D2026-000001", ending="expired", on="2026-03-06", note="")
    assert "已登记 D2026-000001 失效（2026-03-06）。" in page and '<td data-label="废止">失效 2026-03-06</td>' in page
    assert "未能登记废止或失效：该条目已于 2026-03-06 失效，不能再次登记" in post(
        event, what="repeal", ref="D2026-000001", ending="repealed", on="2026-03-06")


def test_bodies_are_listed_in_one_order_whatever_the_databases_collation(pg_cluster, tmp_path):
    """A site's PostgreSQL database made with a Chinese locale sorted 安宁, 北关, 城关 (pinyin) where
    SQLite sorts by code point (北关, 城关, 安宁): the same site read differently by backend.  Bodies
    (and the roster) are now listed by region, then name in code-point order, on both."""
    import psycopg

    name = "t_zh_" + os.urandom(4).hex()
    with psycopg.connect(pg_cluster.url(), autocommit=True) as conn:   # ICU: no system locale needed
        conn.execute(f"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'zh' LOCALE 'C'")
    env = {**os.environ, "GONGKAI_WEB_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("GONGKAI_WEB_DB", None)
    listed = {}
    for db in (pg_cluster.url(name), f"sqlite:///{tmp_path}/web.sqlite3"):
        for body in ("城关镇人民政府", "安宁镇人民政府", "北关街道办事处"):
            _gongkai("users", "--db", db, "body", body, "--region", "320812", env=env)
        listed[db[:6]] = [line.split("\t")[1] for line in _gongkai("users", "--db", db, "list", env=env).splitlines()
                          if line.startswith("机关")]
    assert listed == {"postgr": ["北关街道办事处", "城关镇人民政府", "安宁镇人民政府"],
                      "sqlite": ["北关街道办事处", "城关镇人民政府", "安宁镇人民政府"]}
