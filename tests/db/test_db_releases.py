"""Releases and the database structure: a new migration or parser version needs a new version (pip
installs a wheel over an installed one only when its version is higher: every build was 0.1.0, and
``pip install gongkai-new.whl`` over an old one did nothing at all), and a database upgraded by a
newer gongkai names the version that did it when an older one is refused."""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import resources
from pathlib import Path

import pytest

import gongkai
from gongkai.db import Database
from gongkai.errors import GongkaiError
from gongkai.safeload import load_yaml

ROOT = Path(__file__).resolve().parent.parent.parent
COMPONENTS = {"register": "gongkai.register", "log": "gongkai.log", "calendar": "gongkai.workdays",
              "corpus": "gongkai.corpus"}


def _head(package: str, pattern: str = r"^(\d{4})_") -> int:
    names = [e.name for e in resources.files(package).joinpath("migrations").iterdir()]
    return max(int(m.group(1)) for n in names if (m := re.match(pattern, n)))


def test_the_release_names_the_structure_and_parser_version_of_this_program():
    releases = load_yaml((ROOT / "src/gongkai/db/releases.yaml").read_text(encoding="utf-8"), "releases.yaml")
    last = releases["releases"][-1]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert (last["version"], gongkai.__version__) == (pyproject, pyproject)
    now = {name: _head(pkg) for name, pkg in COMPONENTS.items()} | {"web": _head("gongkai.web", r"^(\d{4})_\w+\.py$")}
    assert (last["schema"], last["parser"]) == (now, gongkai.PARSER_VERSION), (
        "a migration or PARSER_VERSION changed: add a release (a higher version) to src/gongkai/db/releases.yaml "
        "and pyproject.toml, and say in docs/upgrade.md what the upgrade does")
    versions = [tuple(int(p) for p in r["version"].split(".")) for r in releases["releases"]]
    assert versions == sorted(set(versions))


def test_each_migration_records_the_program_that_applied_it(any_url):
    db = Database(any_url, ("gongkai.register",))
    assert db.query("SELECT DISTINCT program FROM schema_version") == [(f"gongkai {gongkai.__version__}",)]
    db.close()


def test_a_database_left_by_an_older_runner_gains_the_column_when_it_next_migrates(tmp_path, monkeypatch):
    path = str(tmp_path / "old.db")
    db = Database(path, ("gongkai.register",))
    db.execute("ALTER TABLE schema_version DROP COLUMN program")   # as 0.1.0 left it
    db.close()
    pkg = tmp_path / "later_component"
    (pkg / "migrations").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "migrations" / "0999_later.sql").write_text("CREATE TABLE later_table (x INTEGER);")
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("later_component", None)   # another test's
    try:
        db = Database(path, ("gongkai.register", "later_component"))
    finally:
        sys.modules.pop("later_component", None)
    assert db.query("SELECT version, program FROM schema_version ORDER BY version") == [
        (1, None), (2, None), (3, None), (4, None), (999, f"gongkai {gongkai.__version__}")]
    db.close()


def test_a_database_upgraded_by_a_newer_gongkai_is_refused_naming_that_version(any_url):
    db = Database(any_url, ("gongkai.register",))
    db.execute("INSERT INTO schema_version (version, name, applied_at, program) VALUES (999, 'future', 'x', ?)",
               ("gongkai 9.1.0",))
    db.close()
    with pytest.raises(GongkaiError) as err:
        Database(any_url, ("gongkai.register",))
    assert err.value.message == (
        f"台账数据库的结构版本（999）比本程序新（本程序是 gongkai {gongkai.__version__}）：它已由 gongkai 9.1.0 升级过。"
        "请安装 gongkai 9.1.0 或更新的版本；已升级的数据库不能再由旧版本打开，如须退回旧版本，请恢复升级前的备份"
        "（见 docs/upgrade.md）")


def test_a_newer_database_without_the_column_is_refused_asking_for_a_newer_version(tmp_path):
    path = str(tmp_path / "r.db")
    db = Database(path, ("gongkai.register",))
    db.execute("ALTER TABLE schema_version DROP COLUMN program")
    db.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (999, 'future', 'x')")
    db.close()
    with pytest.raises(GongkaiError, match=r"（999）比本程序新（本程序是 gongkai [\d.]+）：它已由更新版本的 gongkai 升级过。请安装新版本；"):
        Database(path, ("gongkai.register",))


def test_a_process_left_running_through_an_upgrade_stops_writing(any_url):
    """An old server not stopped before the upgrade: a newer gongkai migrated the database under it;
    its next write is refused with the reason, instead of being made by the old structure's rules."""
    running = Database(any_url, ("gongkai.register",))
    with running.transaction():   # it writes as usual
        running.execute("CREATE TABLE kept (x INTEGER)")
    newer = Database(any_url, ("gongkai.register",))
    newer.execute("CREATE TABLE later_table (x INTEGER)")
    newer.execute("INSERT INTO schema_version (version, name, applied_at, program) VALUES (999, 'later', 'x', "
                  "'gongkai 9.1.0')")
    newer.close()
    assert running.query("SELECT COUNT(*) FROM kept") == [(0,)]   # reading still answers
    with pytest.raises(GongkaiError, match=r"结构版本（999）比本程序新.*它已由 gongkai 9\.1\.0 升级过"):
        with running.transaction():
            running.execute("INSERT INTO kept (x) VALUES (1)")
    assert running.query("SELECT COUNT(*) FROM kept") == [(0,)]
    running.close()
