"""Two ``gongkai serve`` on one PostgreSQL corpus (and one site database, as docs/scale-out.md sets
them up): a report uploaded into the corpus through one server is in the other's very next answer
of the kept questions (corpus/kept.py: the statistics, the 汇总's bodies × years) — the other had
kept both before the upload, and a kept answer is read back only at the corpus's generation."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request
import uuid

import serverproc

from tests.corpus.test_corpus_stats_text import two_towns

PASSWORD = "Kept-two-2026"
NEW = "吴忠市红寺堡区柳泉乡人民政府"


class Browser:
    """A signed-in administrator on one server (the session cookie is the site's: both servers take it)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=120) as r:
            return r.read().decode()

    def login(self) -> None:
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get("/login/")).group(1)
        form = urllib.parse.urlencode({"username": "admin", "password": PASSWORD, "csrfmiddlewaretoken": csrf})
        self.opener.open(urllib.request.Request(self.base + "/login/", data=form.encode(),
                                                headers={"Referer": self.base + "/login/"}), timeout=120).read()

    def upload(self, name: str, data: bytes) -> str:
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get("/survey/")).group(1)
        boundary = uuid.uuid4().hex
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{csrf}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: text/plain\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        req = urllib.request.Request(self.base + "/survey/upload", data=body, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": self.base + "/survey/"})
        with self.opener.open(req, timeout=300) as r:   # redirected back to 汇总, the message on it
            return r.read().decode()


def kept(url: str) -> list[str]:
    """The keys of the answers the corpus keeps."""
    import psycopg

    with psycopg.connect(url) as conn:
        return [k for (k,) in conn.execute("SELECT key FROM kept_answers")]


def test_an_upload_through_one_server_is_in_the_others_next_kept_answer(pg_cluster, tmp_path):
    site, corpus = pg_cluster.new_database(), pg_cluster.new_database()
    env = {**os.environ, "GONGKAI_TODAY": "2025-03-01", "GONGKAI_CORPUS_URL": corpus,
           "GONGKAI_WEB_SECRET_KEY": "kept-two-servers-" + "k" * 40, "GONGKAI_WEB_HOME": str(tmp_path / "cli")}
    env.pop("GONGKAI_WEB_DB", None)

    def gongkai(*args, stdin=None):
        r = subprocess.run([sys.executable, "-m", "gongkai", *args], env=env, input=stdin, capture_output=True,
                           text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        return r.stdout

    towns = two_towns(tmp_path / "in")
    gongkai("ingest", *towns, "--db", corpus)
    gongkai("users", "--db", site, "add", "admin", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    token = gongkai("users", "--db", site, "token", "admin").strip().splitlines()[-1]
    servers, bases = [], []
    for home in ("a", "b"):
        port = serverproc.free_port()
        (tmp_path / home).mkdir()
        servers.append(subprocess.Popen(
            [sys.executable, "-m", "gongkai", "serve", "--port", str(port), "--db", site, "--threads", "2"],
            env={**env, "GONGKAI_WEB_HOME": str(tmp_path / home)}, stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / home / "stderr.txt", "w")))
        bases.append(f"http://127.0.0.1:{port}")
    a, b = bases

    def stats(base: str) -> list[tuple]:
        req = urllib.request.Request(base + "/api/corpus/stats?level=body",
                                     headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(req, timeout=120) as r:
            return [(row["region"], row["values"]["reports"], row["values"]["received"])
                    for row in json.loads(r.read())["rows"]]

    try:
        for server, base in zip(servers, bases, strict=True):
            serverproc.wait_up(server, base + "/login/")
        before = [("吴忠市红寺堡区大河乡人民政府", 1, 0), ("吴忠市红寺堡区新庄集乡人民政府", 1, 5)]
        on_b = Browser(b)
        on_b.login()
        assert stats(b) == stats(b) == stats(a) == before      # computed once, then read back kept
        assert NEW not in on_b.get("/survey/")                   # the bodies × years, kept too
        assert {json.loads(k)[1] for k in kept(corpus)} == {"matrix", "stats"}   # (the page: its own level)
        on_a = Browser(a)
        on_a.login()
        text = open(towns[1], encoding="utf-8").read().replace("大河乡", "柳泉乡")
        assert "已导入语料库：新增 1 份，更新 0 份。" in on_a.upload("liuquan.txt", text.encode())
        assert sorted(stats(b)) == sorted([*before, (NEW, 1, 0)])   # B's next answer: not the kept one
        assert f'{NEW}</a></th>' in on_b.get("/survey/")
    finally:
        for server in servers:
            serverproc.stop(server)
    for home in ("a", "b"):
        said = (tmp_path / home / "stderr.txt").read_text()
        assert "Traceback" not in said, said
