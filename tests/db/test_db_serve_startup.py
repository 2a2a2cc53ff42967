"""``gongkai serve`` brings every body's register up to date before it listens, and says so; a
register it cannot open stops the start with the reason (a register upgraded by a newer gongkai
was found by each clerk's first request instead, a Chinese error on every page of that body)."""

from __future__ import annotations

import os
import subprocess
import sys

import serverproc

import gongkai
from gongkai.db import REGISTER_COMPONENTS, Database


def _site(tmp_path) -> tuple[dict, str]:
    env = {**os.environ, "GONGKAI_WEB_HOME": str(tmp_path)}
    env.pop("GONGKAI_WEB_DB", None)
    r = subprocess.run([sys.executable, "-m", "gongkai", "users", "body", "某镇人民政府", "--region", "320812"],
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    register = tmp_path / "registers" / "body-1.sqlite3"
    register.parent.mkdir(exist_ok=True)
    Database(str(register), REGISTER_COMPONENTS).close()
    return env, str(register)


def _serve(env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "gongkai", "serve", "--port", str(serverproc.free_port()),
                             "--read-workers", "0"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_register_upgraded_by_a_newer_gongkai_stops_the_start(tmp_path):
    env, register = _site(tmp_path)
    db = Database(register, REGISTER_COMPONENTS)
    db.execute("INSERT INTO schema_version (version, name, applied_at, program) VALUES (999, 'x', 'x', 'gongkai 9.9.9')")
    db.close()
    server = _serve(env)
    out, err = server.communicate(timeout=120)
    assert (server.returncode, out) == (1, "")   # never listening
    assert err == (f"gongkai：{register}：台账数据库的结构版本（999）比本程序新（本程序是 gongkai {gongkai.__version__}）："
                   "它已由 gongkai 9.9.9 升级过。请安装 gongkai 9.9.9 或更新的版本；已升级的数据库不能再由旧版本打开，"
                   "如须退回旧版本，请恢复升级前的备份（见 docs/upgrade.md）\n")


def test_a_register_left_by_an_older_release_is_upgraded_at_the_start_and_said(tmp_path):
    env, register = _site(tmp_path)
    db = Database(register, REGISTER_COMPONENTS)
    db.execute("DROP TABLE disclosure_ends")                 # as a release before log migration 5006 left it
    db.execute("DELETE FROM schema_version WHERE version = 5006")
    db.close()
    server = _serve(env)
    try:
        line = server.stdout.readline()
        assert line.startswith("gongkai：网页应用 http://127.0.0.1:")
    finally:
        serverproc.stop(server)
    said = server.stderr.read()
    assert "gongkai：已升级 1 个机关的台账和节假日安排的数据库结构（迁移 5006）。\n" in said, said
    assert 5006 in Database(register, REGISTER_COMPONENTS).applied_versions()
