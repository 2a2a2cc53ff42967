"""``gongkai backup`` and its 恢复.sh, on SQLite and on PostgreSQL: what was registered after the
backup is gone after the restore, what was registered before is there, history and all."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys

import pytest


def _gongkai(env, *args) -> str:
    r = subprocess.run([sys.executable, "-m", "gongkai", *args], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize("kind", ["sqlite", "sqlite-quoted", "postgresql"])
def test_a_backup_restores_the_register_as_it_was(kind, tmp_path, request):
    if kind == "sqlite-quoted":  # 恢复.sh quoted paths with '…': a folder named with a ' broke the restore
        tmp_path = tmp_path / "O'Brien 的 gongkai"
        tmp_path.mkdir()
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "GONGKAI_WEB_HOME": str(tmp_path / "web"), "GONGKAI_TODAY": "2025-12-20", "GONGKAI_ACTOR": "李文书"}
    for name in ("GONGKAI_DB", "GONGKAI_CORPUS_URL", "GONGKAI_WEB_DB"):
        env.pop(name, None)
    db = request.getfixturevalue("pg_cluster").new_database() if kind == "postgresql" else str(tmp_path / "r.db")
    (tmp_path / "config" / "gongkai" / "letters").mkdir(parents=True)
    (tmp_path / "config" / "gongkai" / "letters" / "reply.docx").write_bytes(b"office template")
    add = ["register", "add", "--type", "自然人", "--name", "张三", "--channel", "互联网", "--db", db]
    _gongkai(env, *add, "--content", "财政预算", "--date", "2025-12-01")
    _gongkai(env, "register", "reply", "2025-000001", "--outcome", "予以公开", "--ground", "1", "--note", "已公开。",
             "--date", "2025-12-05", "--db", db)
    before = _gongkai(env, "register", "show", "2025-000001", "--db", db)
    said = _gongkai(env, "backup", str(tmp_path / "bk"), "--db", db)
    made = json.loads((tmp_path / "bk" / "清单.json").read_text(encoding="utf-8"))["copies"]
    assert [(c["what"], c["copy"]) for c in made] == [
        ("台账数据库", "registers.dump" if kind == "postgresql" else "registers.sqlite3"), ("配置文件夹", "config")]
    # (quoted as a shell needs it: a path with a space or a ' is copied and run as it is printed)
    assert said.endswith(f"恢复：先停止所有 gongkai serve，再运行 bash {shlex.quote(f'{tmp_path}/bk/恢复.sh')}"
                         "（清单.json 写明每一项从哪里来）。\n")
    _gongkai(env, *add, "--content", "备份之后", "--date", "2025-12-10")         # after the backup
    (tmp_path / "config" / "gongkai" / "letters" / "reply.docx").write_bytes(b"changed")
    r = subprocess.run(["bash", str(tmp_path / "bk" / "恢复.sh")], capture_output=True, text=True, timeout=300,
                       cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    listed = _gongkai(env, "register", "list", "--db", db)
    assert "2025-000001" in listed and "2025-000002" not in listed
    assert _gongkai(env, "register", "show", "2025-000001", "--db", db) == before
    assert (tmp_path / "config" / "gongkai" / "letters" / "reply.docx").read_bytes() == b"office template"


def test_a_backup_into_a_folder_that_holds_files_is_refused(tmp_path):
    (tmp_path / "bk").mkdir()
    (tmp_path / "bk" / "x").write_text("")
    r = subprocess.run([sys.executable, "-m", "gongkai", "backup", str(tmp_path / "bk"), "--db", str(tmp_path / "r.db")],
                       capture_output=True, text=True, timeout=120, env={**os.environ, "XDG_DATA_HOME": str(tmp_path)})
    assert (r.returncode, r.stderr) == (1, f"gongkai：{tmp_path / 'bk'}：备份目录已存在且不是空的：请指定一个新的目录\n")
