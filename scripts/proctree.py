"""The processes below a process, read from /proc (Linux): for the server benchmarks (the CPU of
a server and its read children), the test suite's leftover-process check and the crash tests
(which worker to kill).

Standard library only, like ``serverproc.py`` beside it; the bench scripts and the tests put
``scripts/`` on ``sys.path``.
"""

from __future__ import annotations

import os


def processes() -> dict[int, list[str]]:
    """Every process's /proc/PID/stat fields after its name (field 3 onwards: ``[0]`` the state,
    ``[1]`` the parent, ``[11]``/``[12]`` its user/system ticks, ``[13]``/``[14]`` its reaped
    children's); a process gone while the table is read is left out."""
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    raw = f.read()
            except OSError:
                continue
            stats[int(entry)] = raw[raw.rindex(")") + 2:].split()   # the name may hold spaces and ")"
    return stats


def descendants(root: int, stats: dict[int, list[str]] | None = None) -> list[int]:
    """Every living descendant of ``root`` (children, grandchildren, …), from ``stats`` (default:
    read now)."""
    parents = {pid: int(fields[1]) for pid, fields in (processes() if stats is None else stats).items()}
    out, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        found = [pid for pid, ppid in parents.items() if ppid == parent]
        out += found
        frontier += found
    return out


def command_line(pid: int) -> bytes:
    """The command line of ``pid``, its arguments joined by spaces (b"" once it is gone)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").strip()
    except OSError:
        return b""
