"""``gongkai serve`` brings every body's register and the 汇总's corpus up to date before it
listens, and says so; a register or a corpus it cannot open stops the start with the reason (a
register upgraded by a newer gongkai was found by each clerk's first request instead, a Chinese
error on every page of that body; the corpus was upgraded by the first 汇总 request, unsaid)."""

from __future__ import annotations

import os
import sqlite3
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


def _listened(env) -> str:
    """Start the server, see it listen (its first line), stop it: what it said on standard error."""
    server = _serve(env)
    try:
        assert server.stdout.readline().startswith("gongkai：网页应用 http://127.0.0.1:")
    finally:
        serverproc.stop(server)
    return server.stderr.read()


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
    said = _listened(env)
    assert "gongkai：已升级 1 个机关的台账和节假日安排的数据库结构（迁移 5006）。\n" in said, said
    assert 5006 in Database(register, REGISTER_COMPONENTS).applied_versions()


# -- the 汇总's corpus ---------------------------------------------------------------------------
def _corpus(tmp_path, env: dict) -> str:
    """A corpus of two example reports, as the web's (GONGKAI_CORPUS_URL)."""
    from tests.conftest import seed

    db = str(tmp_path / "corpus.db")
    r = subprocess.run([sys.executable, "-m", "gongkai", "ingest", str(seed("000")), str(seed("004")), "--db", db,
                        "-q", "--workers", "1"], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    env["GONGKAI_CORPUS_URL"] = db
    return db


def test_a_corpus_left_by_an_older_release_is_upgraded_at_the_start_and_said(tmp_path):
    """A corpus of 0.9.3 (its documents to rebuild: 7004) opened by the server: the long steps and
    what was applied are said on the console before it listens, as ``gongkai stats`` says them.
    Before, nothing was said at the start and the first 汇总 request did the upgrade."""
    env, _ = _site(tmp_path)
    db = _corpus(tmp_path, env)
    con = sqlite3.connect(db, isolation_level=None)
    for table in ("stat_cells", "corpus_state", "kept_answers", "document_pages", "document_receipts"):
        con.execute(f"DROP TABLE {table}")
    con.execute("DROP INDEX findings_rule")
    con.execute("DELETE FROM schema_version WHERE version >= 7003")
    con.execute("UPDATE documents SET parser_version = '9' WHERE id = 1")  # read by 0.9.4's parser
    # past the size at which a rebuild is said (64 MB): a table of the site's own beside the corpus's
    con.execute("CREATE TABLE padding (x BLOB)")
    con.execute("INSERT INTO padding VALUES (zeroblob(65 * 1048576))")
    con.close()
    said = [s for s in _listened(env).splitlines() if "语料库" in s or "回收" in s]
    assert said[0] == f"gongkai：正在升级语料库数据库 {db} 的结构：重建数据表，约 1 秒，期间其他程序不能读写它……"
    assert said[1].startswith("gongkai：正在回收重建留下的 ") and said[2].startswith("gongkai：已回收：")
    assert said[3:] == [f"gongkai：已升级语料库数据库 {db} 的结构（迁移 7003、7004、7005、7006、7007）。",
                        "gongkai：语料库中有 1 份报告是较早的解析器读出的（第 9 版 1 份），其单元格和检查结果仍是旧版的；"
                        f"对它们的原文件再运行一次 gongkai ingest，即按本版（第 {gongkai.PARSER_VERSION} 版）重新读取和检查，"
                        "编号和收到时间不变（docs/upgrade.md）。"]
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM document_receipts").fetchone() == (2,)
    con.close()


def test_a_corpus_upgraded_by_a_newer_gongkai_stops_the_start(tmp_path):
    env, _ = _site(tmp_path)
    db = _corpus(tmp_path, env)
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("INSERT INTO schema_version (version, name, applied_at, program) VALUES (7999, 'x', 'x', 'gongkai 9.9.9')")
    con.close()
    server = _serve(env)
    try:
        out, err = server.communicate(timeout=120)
    finally:
        serverproc.stop(server)   # (when it went on to listen)
    assert (server.returncode, out) == (1, "")   # never listening
    assert err == (f"gongkai：{db}：语料库数据库的结构版本（7999）比本程序新（本程序是 gongkai {gongkai.__version__}）："
                   "它已由 gongkai 9.9.9 升级过。请安装 gongkai 9.9.9 或更新的版本；已升级的数据库不能再由旧版本打开，"
                   "如须退回旧版本，请恢复升级前的备份（见 docs/upgrade.md）\n")


def test_a_site_without_a_corpus_starts_without_making_one(tmp_path):
    env, _ = _site(tmp_path)
    env["GONGKAI_CORPUS_URL"] = str(tmp_path / "none.db")
    said = _listened(env)
    assert not (tmp_path / "none.db").exists() and "语料库" not in said
