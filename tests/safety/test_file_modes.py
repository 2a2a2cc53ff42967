"""Personal data is owner-only from creation; what is built for publication follows the umask."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from tests.conftest import EXAMPLES


def _gongkai(*args, env=None, umask=0o022):
    return subprocess.run([sys.executable, "-m", "gongkai", *map(str, args)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **(env or {})}, preexec_fn=lambda: os.umask(umask))


def _modes(directory) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in sorted(directory.iterdir())}


def test_register_and_log_databases_are_owner_only_from_creation(tmp_path):
    db = tmp_path / "data" / "register.db"
    p = _gongkai("register", "add", "--type", "自然人", "--name", "张三", "--id-number", "320802199001011234",
                 "--channel", "当面", "--content", "某项目批复", "--date", "2025-09-26", "--db", db)
    assert p.returncode == 0, p.stderr
    p = _gongkai("log", "add", "--db", tmp_path / "data" / "log.db", "--title", "某通知", "--kind", "其他",
                 "--made", "2026-01-26")
    assert p.returncode == 0, p.stderr
    modes = _modes(tmp_path / "data")
    assert modes and set(modes.values()) == {0o600}, modes  # the databases and their -wal/-shm files
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700


def test_the_web_database_and_secret_key_are_owner_only(tmp_path):
    home = tmp_path / "web"
    p = _gongkai("users", "body", "某局", "--region", "320812", env={"GONGKAI_WEB_HOME": str(home)})
    assert p.returncode == 0, p.stderr
    modes = _modes(home)
    assert modes["web.sqlite3"] == 0o600 and modes["secret_key"] == 0o600, modes
    assert {m for name, m in modes.items() if name.startswith("web.sqlite3")} == {0o600}
    assert stat.S_IMODE(home.stat().st_mode) == 0o700


def test_built_reports_follow_the_umask(tmp_path):
    for umask, mode in ((0o022, 0o644), (0o027, 0o640)):
        out = tmp_path / f"report-{umask:o}.html"
        p = _gongkai("build", EXAMPLES / "source-2024.yaml", "--to", "html", "-o", out, umask=umask)
        assert p.returncode == 0, p.stderr
        assert stat.S_IMODE(out.stat().st_mode) == mode  # before: 0600 whatever the umask
    p = _gongkai("new", "--agency", "某局", "--year", "2025", "-o", tmp_path / "source.yaml")
    assert p.returncode == 0 and stat.S_IMODE((tmp_path / "source.yaml").stat().st_mode) == 0o644
