"""A migration that cannot finish — a lock held by a running old server or an open transaction, a
full disk, an error, the process killed half-way — leaves the database exactly as it was and says
in Chinese what to do.  On PostgreSQL a migration waiting for a lock waited for ever."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest

import gongkai.db
from gongkai.db import Database
from gongkai.errors import GongkaiError

REGISTER = ("gongkai.register",)


@pytest.fixture
def later(tmp_path, monkeypatch):
    """A component with one migration to apply over the register: ``later_component``."""
    def make(sql: str) -> tuple[str, ...]:
        pkg = tmp_path / "later_component"
        (pkg / "migrations").mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        (pkg / "migrations" / "0999_later.sql").write_text(sql)
        monkeypatch.syspath_prepend(str(tmp_path))
        sys.modules.pop("later_component", None)   # another test's
        return (*REGISTER, "later_component")
    yield make
    sys.modules.pop("later_component", None)      # nor is ours another test's


def _store(url: str) -> None:
    """The register as an old release left it, with a fact in it."""
    db = Database(url, REGISTER)
    db.execute("CREATE TABLE kept (name TEXT)")   # (a table of its own, standing for the register's facts)
    db.execute("INSERT INTO kept (name) VALUES ('张三')")
    db.close()


def _as_it_was(url: str) -> None:
    db = Database(url, REGISTER)
    assert 999 not in db.applied_versions()
    assert db.query("SELECT name FROM kept") == [("张三",)]
    tables = ("SELECT name FROM sqlite_master WHERE name = 'later_table'" if db.dialect == "sqlite" else
              "SELECT tablename FROM pg_tables WHERE tablename = 'later_table'")
    assert db.query(tables) == []
    assert db.query("SELECT COUNT(*) FROM kept WHERE name = '李四'") == [(0,)]
    db.close()


STEPS = ("CREATE TABLE later_table (x INTEGER);\n"
         "INSERT INTO kept (name) VALUES ('李四');\n")


def test_a_migration_held_up_by_a_lock_gives_up_changing_nothing_and_says_what_to_do(any_url, later, monkeypatch):
    _store(any_url)
    components = later(STEPS + "ALTER TABLE kept ADD COLUMN later INTEGER;\n")
    monkeypatch.setattr(gongkai.db, "MIGRATION_LOCK_WAIT", 1)
    holder = Database(any_url, REGISTER)   # an old server in the middle of a request
    with holder.transaction():
        holder.execute("SELECT COUNT(*) FROM kept")
        if holder.dialect == "sqlite":   # a writer: SQLite locks the whole file
            holder.execute("UPDATE kept SET name = name")
        with pytest.raises(GongkaiError) as err:
            Database(any_url, components)
    holder.close()
    assert err.value.message == (
        "台账数据库正被其他程序占用，等了 1 秒仍无法升级其结构（可能是仍在运行的旧版 gongkai serve、未结束的事务，"
        "或另一个正在升级它的 gongkai）；数据库未作任何修改。请先停止使用该数据库的程序，再重新运行")
    _as_it_was(any_url)
    db = Database(any_url, components)   # the lock gone, the same command upgrades it
    assert 999 in db.applied_versions()
    db.close()


def test_a_migration_that_fails_is_undone_whole(any_url, later):
    _store(any_url)
    components = later(STEPS + "INSERT INTO no_such_table VALUES (1);\n")
    with pytest.raises(GongkaiError) as err:
        Database(any_url, components)
    reason = ("no such table: no_such_table" if "://" not in any_url
              else 'relation "no_such_table" does not exist')
    assert err.value.message == (f"台账数据库的结构升级失败（{reason}），已全部撤销，数据库未作任何修改。"
                                 "升级前的数据完好；请把这条信息报告给维护者")
    _as_it_was(any_url)


def test_a_full_disk_during_a_migration_changes_nothing(tmp_path, later, monkeypatch):
    url = str(tmp_path / "store.db")
    _store(url)
    components = later("CREATE TABLE later_table AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                       "LIMIT 20000) SELECT x, randomblob(200) AS b FROM c;\n")
    connect = Database._connect_sqlite

    def little_room(self, *args):   # the file may grow by 20 pages: SQLite says the disk is full
        conn = connect(self, *args)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count={pages + 20}")
        return conn

    monkeypatch.setattr(Database, "_connect_sqlite", little_room)
    with pytest.raises(GongkaiError) as err:
        Database(url, components)
    assert err.value.message == "台账数据库的结构升级失败（磁盘已满），已全部撤销，数据库未作任何修改。请腾出磁盘空间后重新运行"
    monkeypatch.setattr(Database, "_connect_sqlite", connect)
    _as_it_was(url)


def test_a_process_killed_in_the_middle_of_a_migration_leaves_the_database_as_it_was(any_url, later, tmp_path):
    _store(any_url)
    later(STEPS + "ALTER TABLE kept ADD COLUMN later INTEGER;\n")
    # the migrating process dies (SIGKILL: no handler runs) right after the migration's second statement
    code = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(tmp_path)!r})
        from gongkai.db import Database
        run = Database.execute
        def execute(self, sql, params=()):
            cur = run(self, sql, params)
            if "李四" in sql:
                os.kill(os.getpid(), signal.SIGKILL)
            return cur
        Database.execute = execute
        Database({any_url!r}, ("gongkai.register", "later_component"))
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert r.returncode == -9, r.stderr
    _as_it_was(any_url)


def test_no_room_for_the_files_an_opening_makes_is_said_in_chinese():
    from gongkai.db import _sqlite_reason

    assert _sqlite_reason(sqlite3.OperationalError("disk I/O error")) == "读写磁盘出错，磁盘可能已满"


def test_a_write_held_up_by_another_writer_is_said_in_chinese_and_not_an_internal_error(tmp_path, monkeypatch, capsys):
    """A register another process is writing: after the busy wait `gongkai register add` said
    "内部错误（OperationalError：database is locked）…请把这条信息…报告给维护者" with exit 70."""
    from gongkai.cli import main

    monkeypatch.setattr(gongkai.db, "BUSY_WAIT", 1)
    path = tmp_path / "台账.db"
    args = ["register", "add", "--type", "自然人", "--name", "张三", "--channel", "当面", "--content", "某事",
            "--date", "2025-09-26", "--db", str(path)]
    assert main(args) == 0
    capsys.readouterr()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")   # another writer in the middle of its transaction
    try:
        assert main(args) == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert capsys.readouterr().err == (
        f"gongkai：{path}：台账数据库正被其他程序占用，等了 1 秒仍未释放（可能是另一个正在写入它的 gongkai，"
        "或别的程序未结束的事务）：本次操作没有完成，未提交的内容没有保存；请稍后重试。\n")
    assert main(["register", "list", "--db", str(path)]) == 0   # and nothing half-written
    listed = capsys.readouterr()
    assert (len(listed.out.splitlines()), listed.err) == (2, "共 1 件\n")
