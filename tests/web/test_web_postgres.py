"""The same application on PostgreSQL (``--db postgresql://…``): accounts made with
``gongkai users``, the server started with ``gongkai serve``, the register of each body in its
own schema of the site database, and the isolation between bodies holding there too."""

from __future__ import annotations

import importlib.util
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


def _cluster_class():
    spec = importlib.util.spec_from_file_location("gk_pg_cluster", ROOT / "tests" / "register" / "pg_cluster.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.Cluster


@pytest.fixture(scope="module")
def pg_url():
    cluster = _cluster_class()()
    try:
        yield cluster.new_database()
    finally:
        cluster.stop()


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
        # body b's register is another schema: empty, and a's clerk cannot reach it
        assert _call(f"{base}/api/bodies/{b_id}/requests", tb)[1]["total"] == 0
        assert _call(f"{base}/api/bodies/{b_id}/requests", ta)[0] == 403
        assert _call(f"{base}/api/bodies/{b_id}/requests", ta, new)[0] == 403
    finally:
        serverproc.stop(server, seconds=10)
    import psycopg

    with psycopg.connect(pg_url) as conn:
        schemas = {r[0] for r in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'register_body_%'")}
        assert schemas == {f"register_body_{a_id}", f"register_body_{b_id}"}
        n = conn.execute(f"SELECT COUNT(*) FROM register_body_{a_id}.requests").fetchone()[0]
        assert n == 1
        # the site's holiday notices: one schema beside the bodies' (web/registers.site_calendar)
        assert conn.execute("SELECT COUNT(*) FROM register_calendar.workday_notices").fetchone()[0] == 0
