"""A long-lived child process that parses files for a thread that cannot time them itself.

The per-file time limit is a SIGALRM timer, and only a main thread can set one.  A Dask worker
runs its tasks on threads, so there each file is sent to a child process, where ``process``
runs in the main thread with the same timer and the same Chinese reason as in the local pool.
The thread waits for the answer at most the time limit plus ``GRACE``; a child that is still
silent then (a parse stuck inside C code, where the timer's exception cannot land) is killed,
so one file never holds a Dask worker.  Why this and not Dask's own means: Dask has no
per-task time limit, and a thread cannot be stopped from outside, only a process can.  Why
``subprocess`` and not ``multiprocessing``: Dask's worker processes are daemonic by default,
and multiprocessing refuses to start children from a daemonic process.

One child per thread lives on for the next file (its start costs about a second of imports,
done before it takes its first file, so they never count against the limit) and is replaced
after ``TASKS_PER_CHILD`` files, as in the local pool, to bound leaks.

This module only runs children; what a child does with a file is ``worker.process`` (the child
runs ``python -m gongkai.corpus.worker``, which calls ``serve`` here), so ``worker`` uses this
module and not the other way round.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from multiprocessing.connection import Connection

from gongkai.isolate import Child

GRACE = 10.0  # seconds after the time limit before the child is killed
TASKS_PER_CHILD = 200

_local = threading.local()


class NoAnswer(Exception):
    """The child did not answer within the time limit plus ``GRACE`` (it has been killed)."""


class _Child(Child):
    def __init__(self) -> None:
        super().__init__("gongkai.corpus.worker")

    def ask(self, name: str, data: bytes, timeout: float) -> dict | None:
        """The child's result, or None when it did not answer in time."""
        self.tasks += 1
        self.conn.send((name, data, timeout))
        if not self.conn.poll(timeout + GRACE):
            return None
        return self.conn.recv()


def _child() -> _Child:
    child = getattr(_local, "child", None)
    if child is not None and (child.proc.poll() is not None or child.tasks >= TASKS_PER_CHILD):
        child.close()
        child = None
    if child is None:
        child = _local.child = _Child()
    return child


def run(name: str, data: bytes, timeout: float) -> dict:
    """``worker.process(name, data, timeout)`` in this thread's child process; ``NoAnswer``
    when the child stayed silent past the time limit."""
    child = _child()
    try:
        result = child.ask(name, data, timeout)
    except (EOFError, OSError):  # the child died (killed, out of memory) before or while answering
        child.kill()
        _local.child = None
        return {"reason": "处理该文件时子进程意外退出，文件可能触发了读取程序的缺陷。"}
    if result is None:
        child.kill()
        _local.child = None
        raise NoAnswer()
    return result


def serve(fd: int, process: Callable[[str, bytes, float], dict]) -> None:
    """The child's loop: ``process`` each (name, data, timeout) its parent sends, until it hangs up."""
    conn = Connection(fd)
    while True:
        try:
            name, data, timeout = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(process(name, data, timeout))
