"""PostgreSQL restarted under a running process (every backend terminated, as a restart does): the
stores connect again instead of failing every operation for ever; a write cut off by it half-way is
refused (DatabaseUnavailable, the web's Chinese 503), never half-kept; the server answers again at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
import serverproc

from gongkai.db import Database, DatabaseUnavailable


def _terminate_everyone(cluster, db_url: str) -> int:
    import psycopg

    name = db_url.split("/")[3].split("?")[0]
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        return len(conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                                (name,)).fetchall())


def test_a_store_connects_again_after_the_server_dropped_it(pg_cluster):
    url = pg_cluster.new_database()
    db = Database(url, ("gongkai.workdays",), what="节假日安排")
    db.execute("CREATE TABLE kept (x INTEGER)")
    assert _terminate_everyone(pg_cluster, url) == 1
    assert db.scalar("SELECT COUNT(*) FROM kept") == 0          # a read: read again on a new connection
    with db.transaction():                                       # a write begun after it: on a new connection
        db.execute("INSERT INTO kept (x) VALUES (1)")
    with pytest.raises(DatabaseUnavailable) as err:              # a write cut off half-way: said, not kept
        with db.transaction():
            db.execute("INSERT INTO kept (x) VALUES (9)")
            _terminate_everyone(pg_cluster, url)
            db.execute("INSERT INTO kept (x) VALUES (10)")
    assert err.value.message == ("与节假日安排数据库的连接中断（数据库服务器关闭了这个连接：它重新启动了，或被管理员终止）："
                                 "本次操作没有完成，未提交的内容没有保存；请稍后重试")
    with db.transaction():                                       # the next one connects again
        db.execute("INSERT INTO kept (x) VALUES (2)")
    assert db.query("SELECT x FROM kept ORDER BY x") == [(1,), (2,)]
    db.close()


def _call(base, token, path, data=None):
    req = urllib.request.Request(base + path, data=json.dumps(data).encode() if data else None,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _served_site(pg_cluster, tmp_path, threads: int):
    """A site on a new PostgreSQL database with a town's clerk and the clerk's API token, served by
    ``gongkai serve``: (database URL, token, server process, base URL)."""
    url = pg_cluster.new_database()
    env = {**os.environ, "GONGKAI_WEB_HOME": str(tmp_path), "GONGKAI_TODAY": "2025-12-20"}
    env.pop("GONGKAI_WEB_DB", None)

    def gongkai(*args, stdin=None):
        r = subprocess.run([sys.executable, "-m", "gongkai", *args], env=env, input=stdin, capture_output=True,
                           text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        return r.stdout

    gongkai("users", "--db", url, "body", "某镇人民政府", "--region", "320812")
    gongkai("users", "--db", url, "add", "clerk", "--role", "clerk", "--body", "某镇人民政府", "--password-stdin",
            stdin="Restart-pass-2026\n")
    token = gongkai("users", "--db", url, "token", "clerk").strip().splitlines()[-1]
    port = serverproc.free_port()
    server = subprocess.Popen([sys.executable, "-m", "gongkai", "serve", "--port", str(port), "--db", url,
                               "--read-workers", "0", "--threads", str(threads)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    return url, token, server, f"http://127.0.0.1:{port}"


def test_the_server_answers_again_after_postgresql_dropped_its_connections(pg_cluster, tmp_path):
    url, token, server, base = _served_site(pg_cluster, tmp_path, threads=1)
    new = {"applicant_type": "自然人", "name": "张三", "channel": "互联网", "content": "村务公开", "on": "2025-12-01"}
    try:
        serverproc.wait_up(server, base + "/login/")
        assert _call(base, token, "/api/bodies/1/requests", new)[0] == 201
        assert _terminate_everyone(pg_cluster, url) >= 2     # the site's connection and the register's
        status, body = _call(base, token, "/api/bodies/1/requests")
        assert status == 200 and [r["ref"] for r in body["requests"]] == ["2025-000001"]
        _terminate_everyone(pg_cluster, url)
        status, body = _call(base, token, "/api/bodies/1/requests", {**new, "content": "道路规划"})
        assert (status, body["ref"]) == (201, "2025-000002")   # a write after it: on new connections
        status, body = _call(base, token, "/api/bodies/1/requests")
        assert [r["ref"] for r in body["requests"]] == ["2025-000002", "2025-000001"]
    finally:
        serverproc.stop(server)
    said = server.stderr.read()
    assert "Traceback" not in said
    # a second server on this database would need this server's key: said at the start
    assert (f"gongkai：注意：登录会话用本机网页数据目录中的密钥（{tmp_path / 'secret_key'}）签名。同一数据库上的其他 "
            "gongkai serve 须用同一个密钥") in said
    assert "gongkai：与台账数据库（" in said and "的连接曾中断，已重新连接。" in said


def test_every_layer_answers_503_while_postgresql_is_down_and_serves_once_it_is_back(pg_cluster, tmp_path):
    """PostgreSQL stopped under a running server: the API token's look-up (a middleware: it was a 500),
    and a signed-in page (the session's look-up) answer the Chinese 503 with Retry-After, while an
    anonymous check, which needs no database, is answered; started again, the same requests are
    served; the server's log has no traceback."""
    import http.cookiejar
    import re
    import urllib.parse

    url, token, server, base = _served_site(pg_cluster, tmp_path, threads=2)
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def page(path):
        try:
            with browser.open(base + path, timeout=60) as r:
                return r.status, r.headers.get("Retry-After"), r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Retry-After"), exc.read().decode()

    def check():
        boundary = "gk-boundary"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                f"Content-Type: text/plain\r\n\r\n不是报告\r\n--{boundary}--\r\n").encode()
        req = urllib.request.Request(base + "/api/check", data=body,
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.headers.get("Retry-After"), json.loads(r.read())
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Retry-After"), json.loads(exc.read())

    def api():
        req = urllib.request.Request(base + "/api/bodies/1/requests", headers={"Authorization": f"Bearer {token}"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.headers.get("Retry-After"), json.loads(r.read())
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Retry-After"), json.loads(exc.read())

    gone = "暂时无法连接网页应用的数据库（可能正在重新启动）：请稍后重试。"
    try:
        serverproc.wait_up(server, base + "/login/")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page("/login/")[2]).group(1)
        form = urllib.parse.urlencode({"username": "clerk", "password": "Restart-pass-2026",
                                       "csrfmiddlewaretoken": csrf}).encode()
        browser.open(urllib.request.Request(base + "/login/", data=form, headers={"Referer": base + "/login/"}),
                     timeout=60).read()
        assert page("/register/1/")[0] == 200 and api()[0] == 200
        pg_cluster.pause()
        try:
            assert api() == (503, "10", {"error": gone})
            status, retry, html = page("/register/1/")
            assert (status, retry) == (503, "10") and f'<p class="error" role="alert">{gone}</p>' in html
            assert check()[0] == 400   # needing no database (the site option kept): answered — not a report
        finally:
            pg_cluster.resume()
        assert api()[:2] == (200, None) and page("/register/1/")[0] == 200
        assert check()[0] == 400    # served again: the file is not a report
    finally:
        serverproc.stop(server)
    said = server.stderr.read()
    assert "Traceback" not in said and "Internal Server Error" not in said
    assert "Service Unavailable: /api/bodies/1/requests\n" in said
