"""The upgrade's disk (0.9.4's 7004 rebuilds SQLite's documents): a rebuild the disk has no room
for is refused before anything changes, naming what it needs and what there is; one that has room
is said as it starts and followed by a VACUUM that gives the old table's pages back (the file
stayed 6.6 GB instead of 4.0 at 100,000 reports); with room for the rebuild only, the pages stay
and the user is told how much the VACUUM needs.  The sizes are made to cross the bounds here
(REBUILD_NOTICE, the disk's free bytes); what happens past them is what happens at any size."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from gk_corpus_helpers import SEEDS, two_years
from test_corpus_migrate_094 import _as_093

import gongkai.db
from gongkai.cli import main
from gongkai.corpus.ingest import ingest
from gongkai.corpus.store import Store


@pytest.fixture
def old(tmp_path, monkeypatch):
    """A corpus as 0.9.3 left it (compacted, as a corpus that never had the rebuild), at a size
    the notices start at."""
    last, this = two_years(tmp_path / "in")
    db = str(tmp_path / "c.db")
    with Store(db) as store:
        assert ingest([str(last), str(this), *map(str, SEEDS)], store, workers=1).added == 7
    _as_093(db)
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("VACUUM")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    monkeypatch.setattr(gongkai.db, "REBUILD_NOTICE", 0)
    return db


def _size(db: str) -> int:
    return sum(p.stat().st_size for p in (Path(db), Path(f"{db}-wal")) if p.exists())


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB"


def _applied(db: str) -> list[int]:
    con = sqlite3.connect(db)
    try:
        return [v for (v,) in con.execute("SELECT version FROM schema_version WHERE version >= 7000 ORDER BY version")]
    finally:
        con.close()


def test_no_room_for_the_rebuild_is_refused_before_anything_changes(old, monkeypatch, capsys):
    size = _size(old)
    monkeypatch.setattr(gongkai.db, "free_disk", lambda folder: 2**10)
    assert main(["stats", "--db", old]) == 1
    assert capsys.readouterr().err == (
        f"gongkai：{old}：语料库数据库的这次结构升级要重建数据表，需要约 {_mb(2 * size)} 空闲磁盘空间（数据库文件 "
        f"{_mb(size)} 的 2 倍），而所在磁盘只有 0 MB；数据库未作任何修改。请腾出空间（或把数据库移到空间足够的磁盘）后重新运行\n")
    assert _applied(old) == [7001, 7002]


def test_a_rebuild_with_room_is_said_and_its_free_pages_given_back(old, monkeypatch, capsys):
    size = _size(old)
    assert main(["stats", "--db", old]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"gongkai：正在升级语料库数据库 {old} 的结构：重建数据表，约 1 秒，期间其他程序不能读写它……"
    assert err[1].startswith("gongkai：正在回收重建留下的 ") and err[1].endswith(" 空闲空间（VACUUM），约 1 秒……")
    assert err[2].startswith("gongkai：已回收：") and err[2].endswith(" 秒。")
    # then what was applied, as gongkai serve says it (its reports read by this parser: nothing more)
    assert err[3:] == [f"gongkai：已升级语料库数据库 {old} 的结构（迁移 7003、7004、7005、7006、7007）。", f"语料库 {old}"]
    assert _applied(old) == [7001, 7002, 7003, 7004, 7005, 7006, 7007]
    con = sqlite3.connect(old)
    assert con.execute("PRAGMA freelist_count").fetchone() == (0,)
    con.close()
    assert _size(old) < size * 1.2  # (stat_cells and an index more; the JSON's old copy gone)


def test_room_for_the_rebuild_only_leaves_the_pages_and_says_what_the_vacuum_needs(old, monkeypatch, capsys):
    seen: list[tuple[int, int, int]] = []  # (free pages, what the file holds, its WAL) when the VACUUM is weighed

    def free(folder) -> int:
        if not seen:  # before the rebuild: room
            seen.append((0, 0, 0))
            return 10 * 2**30
        con = sqlite3.connect(old)
        page = con.execute("PRAGMA page_size").fetchone()[0]
        spare = con.execute("PRAGMA freelist_count").fetchone()[0] * page
        seen.append((spare, con.execute("PRAGMA page_count").fetchone()[0] * page - spare,
                     _size(old) - Path(old).stat().st_size))
        con.close()
        return 2**10  # after it: 1 KB

    monkeypatch.setattr(gongkai.db, "free_disk", free)
    assert main(["failures", "--db", old]) == 0
    err = capsys.readouterr().err.splitlines()
    spare, content, wal = seen[1]
    assert spare > 0 and wal > 0 and _applied(old)[-1] == 7007
    assert err[1] == (f"gongkai：升级完成。重建留下的 {_mb(spare)} 空闲页留在文件中，以后入库时重用；要还给磁盘，须有约 "
                      f"{_mb(content + max(0, content - wal))} 空闲空间（现有 0 MB），腾出后按 docs/upgrade.md 运行 VACUUM。")
    con = sqlite3.connect(old)
    assert con.execute("PRAGMA freelist_count").fetchone()[0] * con.execute("PRAGMA page_size").fetchone()[0] == spare
    con.close()
