"""A file or folder the system refuses is the user's to fix: every command says which one and
why in Chinese, and exits 1 — not "内部错误（PermissionError…）… 报告给维护者" (exit 70), nor the
system's English (Permission denied, [Errno 20] Not a directory).  The tests run as root in CI,
where no permission is refused: a file standing where a folder must be is refused to root too."""

from __future__ import annotations

import errno

from gongkai.cli import main
from gongkai.files import os_problem, os_reason
from tests.conftest import EXAMPLES, seed


def _run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def test_a_file_where_an_output_folder_must_be(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f").write_text("")
    report = str(seed("003"))
    assert _run(capsys, "build", str(EXAMPLES / "source-2024.yaml"), "--to", "md", "-o", "f/x.md") == (
        1, "gongkai：f：这是一个文件，不是文件夹。\n")
    assert _run(capsys, "new", "--agency", "某局", "--year", "2025", "-o", "f/2025.yaml") == (
        1, "gongkai：f：这是一个文件，不是文件夹。\n")
    code, err = _run(capsys, "compare", report, report, "--html", "f/x.html")
    assert (code, err) == (1, "gongkai：f/x.html：路径中有一级不是文件夹。\n")
    assert _run(capsys, "check", report, "--html", "f/x.html")[1].endswith(
        "gongkai：f/x.html：无法写出 HTML 检查页面（路径中有一级不是文件夹）。\n")
    assert _run(capsys, "parse", report, "-o", "f/x.json") == (
        1, "gongkai：f/x.json：无法写入输出文件：路径中有一级不是文件夹\n")
    assert _run(capsys, "ingest", "--db", "f/c.db", "-q", report) == (
        1, "gongkai：f/c.db：无法打开语料库数据库（f 是一个文件，不是文件夹）\n")
    assert _run(capsys, "register", "due", "--db", "f/r.db") == (
        1, "gongkai：f/r.db：无法打开台账数据库（路径中有一级不是文件夹）\n")


def test_a_refused_new_file_is_named_by_its_folder(tmp_path):
    (tmp_path / "old.md").write_text("")
    missing = PermissionError(errno.EACCES, "Permission denied", str(tmp_path / ".报告.md.x8f3k"))
    assert os_problem(missing) == (str(tmp_path), "没有在这个文件夹中新建文件的权限")
    assert os_reason(missing) == f"{tmp_path}：没有在这个文件夹中新建文件的权限"
    there = PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "old.md"))
    assert os_problem(there) == (str(tmp_path / "old.md"), "没有权限读写这个文件或文件夹")
    assert os_reason(there) == "没有权限读写这个文件或文件夹"
    assert os_problem(OSError(errno.EROFS, "Read-only file system", "/媒体/x")) == ("/媒体/x", "所在的文件系统是只读的")
    assert os_problem(OSError(errno.ENOSPC, "No space left on device")) == (None, "磁盘空间不足")
    assert os_problem(OSError(errno.EIO, "Input/output error", "x")) == ("x", "系统错误（Input/output error）")


def test_a_refused_write_deep_in_a_command_is_said_the_same(tmp_path, monkeypatch, capsys):
    import gongkai.files

    def refuse(path, data, private=False):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / f".{path}.tmp1"))

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(gongkai.files, "write_atomic", refuse)
    assert _run(capsys, "build", str(EXAMPLES / "source-2024.yaml"), "--to", "md", "-o", "x.md") == (
        1, f"gongkai：{tmp_path}：没有在这个文件夹中新建文件的权限。\n")


def test_a_postgresql_that_cannot_be_reached_is_said_in_chinese(capsys):
    # the driver's own words (connection failed: … Is the server running on that host and
    # accepting TCP/IP connections?) were printed as they were
    assert _run(capsys, "register", "due", "--db", "postgresql://clerk:secret@127.0.0.1:1/gk") == (
        1, "gongkai：postgresql://clerk:***@127.0.0.1:1/gk：无法连接 PostgreSQL 数据库"
           "（连接被拒绝：该主机的该端口上没有运行 PostgreSQL，或它不接受网络连接）\n")
    assert _run(capsys, "ingest", "--db", "postgresql://clerk@127.0.0.1:port/gk", str(seed("003"))) == (
        1, "gongkai：postgresql://clerk@127.0.0.1:port/gk：无法连接 PostgreSQL 数据库"
           "（数据库地址的写法不对，应为 postgresql://用户:密码@主机:端口/库名）\n")


def test_what_postgresql_answers_is_said_in_chinese():
    from gongkai.db import postgres_reason

    server = 'connection failed: connection to server at "127.0.0.1", port 5432 failed: FATAL:  '
    assert postgres_reason(Exception(server + 'password authentication failed for user "clerk"')) == (
        "用户“clerk”的密码不对，或没有这个用户")
    assert postgres_reason(Exception(server + 'database "gk" does not exist')) == "没有名为“gk”的数据库"
    assert postgres_reason(Exception(server + 'role "clerk" does not exist')) == "没有用户“clerk”"
    assert postgres_reason(Exception("failed to resolve host 'db.example': [Errno -2] Name or service not known")) == (
        "找不到这个主机名")
    assert postgres_reason(Exception("something new\n  on two lines")) == "something new on two lines"


def test_a_default_database_that_cannot_be_made_says_how_to_put_it_elsewhere(tmp_path, monkeypatch, capsys):
    (tmp_path / "home").write_text("")  # a home that is no folder: as read-only as it gets for root
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "share"))
    assert _run(capsys, "register", "due") == (
        1, f"gongkai：{tmp_path}/home/share/gongkai/gongkai.db：无法打开台账数据库（路径中有一级不是文件夹）"
           "；可用 --db 指定别的数据库文件\n")


def test_a_password_asked_for_without_a_terminal_is_refused_in_chinese(tmp_path):
    # getpass warned "GetPassWarning: Can not control echo on the terminal" and echoed the password
    import os
    import subprocess
    import sys

    env = {**os.environ, "GONGKAI_WEB_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "gongkai", "users", "--db", f"sqlite:///{tmp_path}/web.sqlite3", "add",
                           "admin1", "--role", "admin"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          env=env, timeout=120)
    assert (done.returncode, done.stderr) == (1, "gongkai：没有终端，无法交互输入密码：请在终端中运行；在脚本中用 gongkai "
                                                 "users add 用户名 --role … --password-stdin（从标准输入读取一行密码）。\n")


def test_the_web_whose_data_folder_cannot_be_made_says_which_variable_moves_it(tmp_path):
    import os
    import subprocess
    import sys

    (tmp_path / "f").write_text("")
    env = {**os.environ, "GONGKAI_WEB_HOME": str(tmp_path / "f" / "web")}
    done = subprocess.run([sys.executable, "-m", "gongkai", "users", "list"], capture_output=True, text=True,
                          env=env, timeout=120, stdin=subprocess.DEVNULL)
    assert (done.returncode, done.stderr) == (1, f"gongkai：{tmp_path}/f/web：无法建立网页应用的数据目录（路径中有一级不是文件夹）"
                                                 "；可用环境变量 GONGKAI_WEB_HOME 指定别的目录\n")
