"""One settings module: every GONGKAI_* variable is read in gongkai/settings.py, checked, and
listed in docs/settings.md."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from gongkai import records
from gongkai.errors import GongkaiError
from gongkai.settings import VARIABLES, Settings, from_environ

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "gongkai"


def test_the_docs_table_lists_exactly_the_variables():
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    table = text.split("## 环境变量", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `(GONGKAI_[A-Z_]+)` \|", table, re.M)
    assert sorted(documented) == sorted(VARIABLES)
    assert {attribute for attribute, _ in VARIABLES.values()} == set(records.fields(Settings))


def _environment_reads(tree: ast.AST) -> list[str]:
    """GONGKAI_* names read from the environment: os.environ.get("…"), os.getenv("…"), os.environ["…"]."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("get", "getenv", "pop", "setdefault") and str(node.args[0].value).startswith("GONGKAI_"):
                found.append(node.args[0].value)
        if (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load)
                and isinstance(node.slice, ast.Constant) and str(node.slice.value).startswith("GONGKAI_")):
            found.append(node.slice.value)
    return found


def test_no_module_but_settings_reads_a_gongkai_variable():
    readers = {}
    for path in SRC.rglob("*.py"):
        if path.name == "settings.py" and path.parent == SRC:
            continue
        reads = _environment_reads(ast.parse(path.read_text(encoding="utf-8")))
        if reads:
            readers[str(path.relative_to(SRC))] = reads
    assert readers == {}


def test_values_are_typed_and_checked():
    s = from_environ({"GONGKAI_DEBUG": "1", "GONGKAI_PURE_PYTHON": "0", "GONGKAI_WEB_HOSTS": " a.gov.cn, ,b ",
                      "GONGKAI_WEB_MAX_UPLOAD_MB": "5", "GONGKAI_TODAY": "2026-03-10", "GONGKAI_DB": "",
                      "GONGKAI_LETTER_TEMPLATES": "/srv/letters"})
    assert (s.debug, s.pure_python, s.web_hosts, s.web_max_upload_mb, s.today, s.db) == (
        True, False, ("a.gov.cn", "b"), 5, date(2026, 3, 10), None)
    assert s.letter_templates_dir() == Path("/srv/letters")
    assert from_environ({}) == Settings()
    for name, value, message in [("GONGKAI_WEB_DEBUG", "maybe", "应为 1（开启）或 0（关闭）"),
                                 ("GONGKAI_TODAY", "明天", "不是有效的日期"),
                                 ("GONGKAI_WEB_MAX_UPLOAD_MB", "-3", "应为正整数")]:
        with pytest.raises(GongkaiError, match=message) as info:
            from_environ({name: value})
        assert name in str(info.value)


def test_the_corpus_commands_and_the_web_share_gongkai_corpus_url(tmp_path, monkeypatch, capsys):
    from gongkai.cli import main
    from tests.conftest import seed

    db = tmp_path / "shared-corpus.db"
    monkeypatch.setenv("GONGKAI_CORPUS_URL", str(db))
    assert main(["ingest", str(seed("003")), "--workers", "1", "-q"]) == 0
    assert str(db) in capsys.readouterr().out and db.exists()


def test_gongkai_actor_is_who_the_register_and_log_commands_record(monkeypatch):
    from gongkai.settings import default_actor

    monkeypatch.setenv("GONGKAI_ACTOR", "张三")
    assert default_actor("未署名") == "张三"
    monkeypatch.delenv("GONGKAI_ACTOR")
    assert default_actor("未署名") not in ("", "张三")


def test_the_cache_folder_is_read_alone_as_the_settings_read_it(monkeypatch, tmp_path):
    from gongkai.settings import cache_dir, current

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for value in (None, "", "  ", "0", "off", str(tmp_path / "c"), "~/c"):
        if value is None:
            monkeypatch.delenv("GONGKAI_CACHE", raising=False)
        else:
            monkeypatch.setenv("GONGKAI_CACHE", value)
        assert cache_dir() == current().cache_dir()
    monkeypatch.setenv("GONGKAI_CACHE", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c"
