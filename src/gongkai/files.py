"""Files on disk: what may be read, who may read what gongkai writes.

- ``read_regular``: only regular files are read, with a size bound.  A FIFO would block the reader
  forever and ``/dev/zero`` never ends; both are refused before a byte is read.
- ``private_file`` / ``private_dir``: databases holding personal data (applicants' names, ID numbers,
  phones; the web's password hashes and sessions) and secrets are created 0600 (directories 0700)
  from the first instant: the file is born with that mode, there is no window where it is
  world-readable.  SQLite gives its -wal/-shm/-journal files the main file's mode.
- ``os_problem`` / ``os_reason``: why the system refused a file, in Chinese (its own words are
  English): what every command prints instead of ``Permission denied``.
- ``write_atomic``: ordinary output (a built report meant for publication, a source file) is written
  atomically and follows the user's umask, like any file a program writes (``mkstemp`` alone would
  leave it 0600, unreadable to the colleague who publishes it).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import threading
from pathlib import Path
from typing import Literal, overload

from gongkai.errors import UnreadableFile

_KINDS = ((stat.S_ISDIR, "这是一个目录，不是文件"), (stat.S_ISFIFO, "这是一个命名管道（FIFO），不是普通文件"),
          (stat.S_ISCHR, "这是一个字符设备（如 /dev/zero），不是普通文件"), (stat.S_ISBLK, "这是一个块设备，不是普通文件"),
          (stat.S_ISSOCK, "这是一个套接字，不是普通文件"))


def _not_regular(mode: int) -> str:
    return next((text for test, text in _KINDS if test(mode)), "这不是普通文件") + "，已拒绝读取。"


# -- why the system refused ---------------------------------------------------------------------

_OS_REASONS = {
    errno.EROFS: "所在的文件系统是只读的", errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "超出了磁盘配额",
    errno.ENOENT: "文件或文件夹不存在", errno.ENOTDIR: "路径中有一级不是文件夹", errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENAMETOOLONG: "文件名过长", errno.ELOOP: "符号链接层数过多", errno.EMFILE: "同时打开的文件过多",
    errno.EBUSY: "文件正被占用",
}


def os_problem(exc: OSError) -> tuple[str | None, str]:
    """The path an ``OSError`` concerns and why, in Chinese.  A file refused while it was being
    created is named by its folder, where the right is missing (a written file's temporary name,
    ``.报告.md.x8f3k``, would tell the user nothing); a folder that could not be made because a
    file has its name, by that file."""
    name = os.fsdecode(exc.filename) if exc.filename is not None else None
    if exc.errno in (errno.EACCES, errno.EPERM):
        if name is None or os.path.lexists(name):
            return name, "没有权限读写这个文件或文件夹"
        return os.path.dirname(os.path.abspath(name)), "没有在这个文件夹中新建文件的权限"
    if exc.errno == errno.EEXIST and name is not None and not os.path.isdir(name):
        return name, "这是一个文件，不是文件夹"
    return name, _OS_REASONS.get(exc.errno or 0, f"系统错误（{exc.strerror or exc}）")


def os_reason(exc: OSError) -> str:
    """Why the system refused, in Chinese, for a message that names the file itself."""
    name, why = os_problem(exc)
    if name is not None and exc.errno == errno.EEXIST:
        return f"{name} {why.removeprefix('这')}"  # the path's part that is a file
    return why if name is None or exc.filename is None or name == os.fsdecode(exc.filename) else f"{name}：{why}"


@overload
def read_regular(path: str | os.PathLike, max_bytes: int, *, missing_ok: Literal[False] = False) -> bytes: ...
@overload
def read_regular(path: str | os.PathLike, max_bytes: int, *, missing_ok: bool) -> bytes | None: ...


def read_regular(path: str | os.PathLike, max_bytes: int, *, missing_ok: bool = False) -> bytes | None:
    """The bytes of a regular file of at most ``max_bytes``; anything else is an ``UnreadableFile``.

    The file is opened non-blocking (opening a FIFO for reading would otherwise wait for a writer)
    and its type checked on the open descriptor, so it cannot be swapped between check and read.
    """
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        if missing_ok:
            return None
        raise UnreadableFile("文件不存在。", name) from None
    except PermissionError:
        raise UnreadableFile("没有读取此文件的权限。", name) from None
    except OSError as exc:
        raise UnreadableFile(f"无法打开文件（{os_reason(exc)}）。", name) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnreadableFile(_not_regular(st.st_mode), name)
        if st.st_size > max_bytes:
            raise UnreadableFile(f"文件过大（{st.st_size / 1048576:.1f} MB，上限 {max_bytes / 1048576:.0f} MB）。", name)
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(max_bytes + 1)  # bounded even if the file grows while it is read
    except IsADirectoryError:
        raise UnreadableFile("这是一个目录，不是文件。", name) from None
    except OSError as exc:
        raise UnreadableFile(f"无法读取文件（{os_reason(exc)}）。", name) from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise UnreadableFile(f"文件过大（超过上限 {max_bytes / 1048576:.0f} MB）。", name)
    return data


def is_regular_file(path: str | os.PathLike) -> bool:
    """True for a regular file (following symlinks); False for FIFOs, devices, directories, missing."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


# -- private files ----------------------------------------------------------------------------

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: str | os.PathLike) -> Path:
    """Create a directory (and missing parents) readable by the owner only; an existing one is left as it is."""
    p = Path(path)
    missing = []
    q = p
    while not q.exists():
        missing.append(q)
        if q.parent == q:
            break
        q = q.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            pass
    return p


def private_file(path: str | os.PathLike) -> Path:
    """Make sure ``path`` exists and is readable and writable by its owner only (0600).

    A new file is created with that mode in one system call (O_CREAT|O_EXCL, mode 0600), its
    directory 0700 if missing.  An existing file keeps its content and loses any group/other bits:
    a database created by an older version stops being world-readable.  Call it before opening a
    database that will hold personal data (``sqlite3.connect`` would create it 0644).
    """
    p = Path(path)
    private_dir(p.parent)
    try:
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), PRIVATE_FILE)
    except FileExistsError:
        mode = stat.S_IMODE(p.stat().st_mode)
        if mode & 0o077:
            p.chmod(mode & 0o700)
    else:
        os.close(fd)
    return p


def write_private(path: str | os.PathLike, data: bytes) -> Path:
    """Write a secret (a key, a token) into a new or existing owner-only file."""
    p = private_file(path)
    with open(p, "wb") as f:
        f.write(data)
    return p


# -- ordinary output ----------------------------------------------------------------------------

_umask_lock = threading.Lock()


def current_umask() -> int:
    """The process umask (read without a window where it is changed, where /proc allows)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike, data: bytes, private: bool = False) -> Path:
    """Write an ordinary file (a built report) atomically, with the mode the umask gives
    (``private``: owner-only, 0600 from the first byte — an export holding personal data).

    The bytes go to a temporary file beside the target and replace it in one rename, so a failure
    never leaves half a file behind.  A symbolic link is written through (the file it names is
    replaced, the link stays: the rename replaced the link itself, and one to a folder became a
    file); a folder is refused (``IsADirectoryError``).
    """
    p = Path(path)
    target = p.resolve() if p.is_symlink() else p
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)   # 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        if not private:
            os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p
