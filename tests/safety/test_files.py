"""Only regular files are read; private files are born 0600; published files follow the umask."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from gongkai.errors import UnreadableFile
from gongkai.files import private_file, read_regular, write_atomic


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask():
    """Set the process umask for a test, and restore it."""
    saved = os.umask(0o022)
    os.umask(saved)
    yield os.umask
    os.umask(saved)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "report.pdf"
    os.mkfifo(fifo)
    result = {}
    reader = threading.Thread(target=lambda: result.update(error=_error(fifo)), daemon=True)
    reader.start()
    reader.join(10)
    assert not reader.is_alive(), "read_regular blocked on a FIFO"
    assert result["error"] == f"{fifo}：这是一个命名管道（FIFO），不是普通文件，已拒绝读取。"


def _error(path, limit=1 << 20) -> str:
    with pytest.raises(UnreadableFile) as info:
        read_regular(path, limit)
    return str(info.value)


def test_devices_directories_and_missing_files_are_refused(tmp_path):
    assert _error("/dev/zero") == "/dev/zero：这是一个字符设备（如 /dev/zero），不是普通文件，已拒绝读取。"
    assert _error(tmp_path) == f"{tmp_path}：这是一个目录，不是文件，已拒绝读取。"
    assert _error(tmp_path / "none.txt") == f"{tmp_path / 'none.txt'}：文件不存在。"
    assert read_regular(tmp_path / "none.txt", 10, missing_ok=True) is None
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2048)
    assert _error(big, 1024) == f"{big}：文件过大（0.0 MB，上限 0 MB）。"
    assert read_regular(big, 2048) == b"x" * 2048


def test_private_files_are_born_owner_only_whatever_the_umask(tmp_path, umask):
    umask(0o022)
    db = private_file(tmp_path / "new" / "register.db")
    assert _mode(db) == 0o600 and _mode(db.parent) == 0o700
    old = tmp_path / "old.db"
    old.write_bytes(b"data")
    old.chmod(0o644)
    private_file(old)
    assert _mode(old) == 0o600 and old.read_bytes() == b"data"


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_published_files_follow_the_umask(tmp_path, umask, mask, mode):
    umask(mask)
    out = write_atomic(tmp_path / "report.html", b"<html></html>")
    assert _mode(out) == mode and out.read_bytes() == b"<html></html>"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left behind
