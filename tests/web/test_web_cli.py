"""``gongkai serve`` and ``gongkai users`` as a user runs them (child processes, SQLite)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

from gk_web_support import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import serverproc  # (scripts/: the gongkai serve child process, as smoke.py and bench/ start it)


def _run(args, env, stdin=None):
    return subprocess.run([sys.executable, "-m", "gongkai", *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=120)


def _env(tmp_path):
    env = {**os.environ, "GONGKAI_WEB_HOME": str(tmp_path)}
    env.pop("GONGKAI_WEB_DB", None)
    return env


def test_users_commands_explain_mistakes_in_chinese(tmp_path):
    env = _env(tmp_path)
    r = _run(["users", "add", "x", "--role", "clerk"], env)
    assert r.returncode == 1 and "须用 --body 指定所属机关" in r.stderr
    r = _run(["users", "add", "x", "--role", "clerk", "--body", "不存在的局", "--password-stdin"], env, "Abcdefgh-123\n")
    assert r.returncode == 1 and "没有名为“不存在的局”的机关" in r.stderr
    r = _run(["users", "body", "甲局", "--region", "32"], env)
    assert r.returncode == 1 and "行政区划代码应为 6 位数字，如 320804。" in r.stderr
    assert _run(["users", "body", "甲局", "--region", "320812"], env).returncode == 0
    r = _run(["users", "add", "x", "--role", "clerk", "--body", "甲局", "--password-stdin"], env, "123\n")
    assert r.returncode == 1 and "密码不符合要求" in r.stderr
    r = _run(["users", "add", "x", "--role", "clerk", "--body", "甲局", "--password-stdin"], env, "Abcdefgh-123\n")
    assert r.returncode == 0, r.stderr
    r = _run(["users", "add", "x", "--role", "admin", "--password-stdin"], env, "Abcdefgh-123\n")
    assert r.returncode == 1 and "已存在" in r.stderr
    # the role as the administrator says it (only the English ids were taken, and the usage showed
    # {clerk,supervisor,admin})
    r = _run(["users", "add", "z", "--role", "经办人", "--body", "甲局", "--password-stdin"], env, "Abcdefgh-123\n")
    assert r.returncode == 0 and r.stdout == "gongkai：已创建账户 z（机关经办人）。\n", r.stderr
    r = _run(["users", "add", "w", "--role", "老板"], env)
    assert r.returncode == 2 and r.stderr.endswith(
        "gongkai：用法错误：参数 --role：“老板”不是可选的角色（可选：机关经办人（clerk）、地区监督人员（supervisor）、"
        "系统管理员（admin））\n")
    assert r.stderr.startswith("用法：gongkai users add [-h] --role 角色 [--body 机关名称]")
    listing = _run(["users", "list"], env).stdout
    assert "甲局" in listing and "机关经办人" in listing
    # A body's own 复议机关 and 法院 (set in /admin/; GET /api/bodies gives them) are listed when set:
    # the command said nothing of what the body's letters name.
    import sqlite3

    con = sqlite3.connect(tmp_path / "web.sqlite3")
    with con:
        con.execute("UPDATE gongkai_web_body SET review_body = '某某市人民政府', court = '某某区人民法院' WHERE name = '甲局'")
    con.close()
    bodies = [line for line in _run(["users", "list"], env).stdout.splitlines() if line.startswith("机关 ")]
    assert [line.split("\t")[1:] for line in bodies] == [
        ["甲局", "320812", "行政复议机关：某某市人民政府", "管辖法院：某某区人民法院"]]
    r = _run(["serve", "--db", "mysql://x/y"], env)
    assert r.returncode == 1 and "无法识别" in r.stderr and "Traceback" not in r.stderr


def test_serve_migrates_and_serves_pages_and_vendored_htmx(tmp_path):
    env = _env(tmp_path)
    port = serverproc.free_port()
    server = subprocess.Popen([sys.executable, "-m", "gongkai", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        serverproc.wait_up(server, f"{base}/check/", seconds=60)
        page = urllib.request.urlopen(f"{base}/check/", timeout=5).read().decode()
        assert "检查年度报告" in page and "/static/vendor/htmx/htmx.min.js" in page
        js = urllib.request.urlopen(f"{base}/static/vendor/htmx/htmx.min.js", timeout=5).read()
        assert b"htmx" in js and len(js) > 40_000
        assert (tmp_path / "web.sqlite3").exists()
        import re

        # every script and style comes from this server (the CSRF token is random, so no substring tests)
        assert not re.search(r'(src|href)="(https?:)?//', page)
    finally:
        serverproc.stop(server, seconds=10)
    assert "127.0.0.1" in server.stdout.read()


def test_serve_says_plainly_when_it_cannot_listen(tmp_path):
    # a port another program holds was an internal error (OSError) after a line announcing the server
    env = _env(tmp_path)
    import socket

    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        r = _run(["serve", "--port", str(port)], env)
    assert r.returncode == 1 and "Traceback" not in r.stderr and r.stdout == ""
    assert r.stderr == (f"gongkai：端口 {port} 已被占用（127.0.0.1 上已有程序在该端口监听，可能是另一个 gongkai serve）："
                        "请先停止它，或用 --port 另选一个端口。\n")
    r = _run(["serve", "--host", "no-such-host.invalid", "--port", str(port)], env)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr == ("gongkai：无法在地址“no-such-host.invalid”上监听：本机没有这个地址。"
                        "请用 --host 指定本机的地址，如 127.0.0.1 或 0.0.0.0。\n")


def _descendants(pid: int) -> list[int]:
    from gongkai.cli.serve import _descendants

    return _descendants(pid)


def test_the_stop_leaves_the_resource_tracker_to_end_by_itself(tmp_path):
    """An ingest still winding down in a worker thread uses the resource tracker after the stop has
    ended the descendants (CI, at load 11).  Killed, the tracker was started again and the new one
    printed a KeyError traceback for each semaphore it had never been told of; left alone, it ends
    by itself once this process and the forkserver are gone."""
    script = (
        "import multiprocessing as mp, time\n"
        "from multiprocessing import resource_tracker\n"
        "from gongkai.cli.serve import end_descendants\n"
        "ctx = mp.get_context('forkserver')\n"
        "locks = [ctx.Lock() for _ in range(3)]\n"  # registered with the tracker, which this starts
        "print(resource_tracker._resource_tracker._pid, flush=True)\n"
        "t = time.monotonic(); end_descendants(seconds=0.5); print(round(time.monotonic() - t, 1), flush=True)\n"
        "del locks\n"  # unregistered after the stop, as the winding-down ingest does
        "ctx.Lock()\n"
    )
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    tracker, took = r.stdout.split()
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert float(took) < 0.5  # nothing to wait for: the tracker ignores SIGTERM and is not waited on
    assert _left_running([int(tracker)]) == []  # ended by itself: not left running for good


def _left_running(pids: list[int], seconds: float = 10.0) -> list[int]:
    """Those of ``pids`` still running (not zombies) after waiting up to ``seconds`` for them to end."""
    deadline = time.monotonic() + seconds
    while True:
        still = []
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat") as f:
                    if f.read().rsplit(")", 1)[1].split()[0] != "Z":
                        still.append(pid)
            except OSError:
                pass
        if not still or time.monotonic() > deadline:
            return still
        time.sleep(0.05)


def test_serve_stopped_by_a_service_manager_leaves_no_process_behind(tmp_path):
    """SIGTERM (systemd's stop, ``kill``) ended the server at once: a corpus upload's forkserver, its
    resource tracker (and a worker, if stopped mid-ingest) were left running, orphaned, for good."""
    import http.client
    import io
    import threading
    import time
    import urllib.parse
    import zipfile

    env = {**_env(tmp_path), "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    assert _run(["users", "add", "sup", "--role", "supervisor", "--region", "320800", "--password-stdin"], env,
                "Abcdefgh-123\n").returncode == 0
    port = serverproc.free_port()
    said = tmp_path / "stderr.txt"  # a file, not a pipe: a child left behind would hold a pipe open
    server = subprocess.Popen([sys.executable, "-m", "gongkai", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=said.open("w"))
    try:
        serverproc.wait_up(server, f"http://127.0.0.1:{port}/check/", seconds=60)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        cookies: dict[str, str] = {}

        def send(method, path, body=None, ctype=None):
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
            if ctype:
                headers |= {"Content-Type": ctype, "X-CSRFToken": cookies.get("csrftoken", "")}
            conn.request(method, path, body, headers)
            r = conn.getresponse()
            r.read()
            for line in r.headers.get_all("Set-Cookie") or []:
                key, _, rest = line.partition("=")
                cookies[key] = rest.split(";", 1)[0]
            return r.status

        send("GET", "/login/")
        form = urllib.parse.urlencode({"username": "sup", "password": "Abcdefgh-123",
                                       "csrfmiddlewaretoken": cookies["csrftoken"]})
        assert send("POST", "/login/", form, "application/x-www-form-urlencoded") == 302
        report = (ROOT / "examples" / "000_a0c7fabfdf456585.txt").read_bytes()
        pack = io.BytesIO()
        with zipfile.ZipFile(pack, "w") as zf:  # an ingest of some seconds: stopped while its worker reads
            for i in range(400):
                zf.writestr(f"{i}.txt", report.replace("红寺堡镇".encode(), f"第{i}镇".encode()))
        upload = (b'--B\r\nContent-Disposition: form-data; name="file"; filename="a.zip"\r\n\r\n' + pack.getvalue()
                  + b"\r\n--B--\r\n")
        threading.Thread(target=send, args=("POST", "/survey/upload", upload, "multipart/form-data; boundary=B"),
                         daemon=True).start()
        deadline = time.monotonic() + 60
        while len(started := _descendants(server.pid)) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(started) >= 3  # the ingest's forkserver, resource tracker and worker at least
        time.sleep(1)
    finally:
        serverproc.stop(server, seconds=30)
    assert server.returncode == 0
    text = said.read_text()
    assert "gongkai：收到停止信号（SIGTERM），网页应用已停止。" in text and "Traceback" not in text, text
    still = _left_running(started)  # (the resource tracker ends by itself once its pipe is closed)
    for pid in still:  # (before the fix) not left running on the machine
        os.kill(pid, 9)
    assert still == []
