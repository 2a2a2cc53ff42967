"""Reading untrusted files in child processes, for the server.

The web server answers many visitors on threads of one process.  Reading a file runs native code
(PDFium, OpenCV, ONNX Runtime, lxml) on whatever a visitor uploads, so in the server every read
runs in a **child process** from a small pool:

- a crash in native code (PDFium's ``trap int3`` on a hostile PDF) ends a child, not the server:
  that request gets a clean Chinese error, the next one a fresh child;
- the work is bounded: a read that outlives ``READ_SECONDS`` — or whose client has gone away
  (waitress's ``client_disconnected``) — is stopped by killing its child, so no server thread
  keeps working for nobody;
- reads run in parallel on every core (PDFium itself is serialised within a process, see
  ``read/native.py``), which the measurements in docs/web.md show serves more requests per second
  than the server's threads taking turns under the PDFium lock.

Each child is a long-lived ``python -m gongkai.isolate`` (about a second of imports at its start)
that serves one read at a time.  It is replaced when its resident memory has passed
``MAX_CHILD_MB`` after a read (a leak, or the heap a huge file left behind), or after
``TASKS_PER_CHILD`` reads: replacing it every 200 reads cost 0.9 ms of CPU per request, a third
of reading a one-page text report (bench/serve_overhead.py).
Why ``subprocess`` and not ``multiprocessing``: a forked copy of a threaded server is unsafe, and a
plain child is killed and replaced without disturbing a pool manager.

The round trip is a request's largest share of the server's own work after HTTP, so it is lean
(docs/performance.md "The server"): a message is framed as ``multiprocessing.Connection``
frames it (4 bytes of length; the corpus's children, ``corpus/child.py``, use a Connection on the
same kind of socket) but written with one ``writev`` (length and payload not joined) and read
with one ``readv`` into a buffer kept per child (length and payload together; ``Connection``
reads them apart and copies the payload twice more); an answer that is bytes — the API's JSON,
``web/answer.py`` — crosses raw, anything else pickled.  A child that died while idle (killed, out
of memory) is not looked for before each read (``waitpid``): sending to it fails at once
(``EPIPE``), and the read goes to a fresh child.  Its memory is read with ``pread`` on a
``/proc/PID/statm`` kept open.

Outside the server (the CLI, the Python API, tests) nothing is isolated unless ``enable`` is called:
``load_input`` then simply calls ``gongkai.load.load_input``.
"""

from __future__ import annotations

import importlib
import os
import pickle
import select
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from gongkai import errors
from gongkai.errors import GongkaiError, UnreadableFile

READ_SECONDS = 300          # one read, OCR of a long scan included (the readers' own bounds come first)
WAIT_SECONDS = 120          # the longest a request waits for a free child before "busy"
TASKS_PER_CHILD = 5000      # reads before a child is replaced whatever its memory (slow leaks)
MAX_CHILD_MB = 1024         # a child resident in more than this after a read is replaced
POLL_SECONDS = 0.25         # how often a waiting thread looks at its client
_PAGE = os.sysconf("SC_PAGE_SIZE")
_SHORT, _LONG = struct.Struct("!i"), struct.Struct("!Q")  # multiprocessing.Connection's frame lengths
_BUFFER = 256 * 1024        # a message up to this size is read with one system call
_KIND_RAW, _KIND_PICKLED = b"B", b"P"  # an answer's first byte: the bytes returned, or a pickled answer


class Busy(GongkaiError):
    """Every child is busy and stayed busy for ``WAIT_SECONDS``."""


# Set by ``gongkai serve`` when it stops, before it ends its child processes: work still running in
# its threads (a corpus upload's ingest) stops at its next step instead of starting processes anew.
stopping = threading.Event()


class Cancelled(GongkaiError):
    """The client went away; the read was stopped."""


class Child:
    """A child process ``python -m <module> <fd>`` and the connection to it (the corpus's Dask
    threads use one too, ``corpus/child.py``)."""

    def __init__(self, module: str = "gongkai.isolate"):
        ours, theirs = socket.socketpair()
        try:
            self.proc = subprocess.Popen([sys.executable, "-m", module, str(theirs.fileno())],
                                         pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL)
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self.conn = Connection(ours.detach())
        self.tasks = 0
        self._poller: select.poll | None = None
        self._buffer: bytearray | None = None  # answers are read into it
        self._statm = -1  # /proc/PID/statm, opened once

    def alive(self) -> bool:
        return self.proc.poll() is None

    def resident_mb(self) -> float:
        """The child's resident memory (0 where /proc cannot tell).  Asked after every read: one
        ``pread`` of its ``statm``, kept open (a process's /proc files answer afresh at offset 0)."""
        try:
            if self._statm < 0:
                self._statm = os.open(f"/proc/{self.proc.pid}/statm", os.O_RDONLY | os.O_CLOEXEC)
            return int(os.pread(self._statm, 256, 0).split()[1]) * _PAGE / 2**20
        except (OSError, ValueError, IndexError):
            return 0.0

    def send(self, message: bytes) -> None:
        """One message to the child (OSError if it has gone: ``EPIPE``)."""
        _send(self.conn.fileno(), message)

    def receive(self) -> Any:
        """The child's answer to the message sent: the result, or its error raised here."""
        if self._buffer is None:
            self._buffer = bytearray(_BUFFER)
        message = _receive(self.conn.fileno(), self._buffer)
        try:
            if message[0] == _KIND_RAW[0]:
                return bytes(message[1:])
            return _unpack(pickle.loads(message[1:]))
        finally:
            message.release()

    def readable(self, seconds: float) -> bool:
        """Has the child answered (or hung up) within ``seconds``?  One ``poll`` on a poller made
        once (``Connection.poll`` builds a selector on every call)."""
        poller = self._poller
        if poller is None:
            poller = self._poller = select.poll()
            poller.register(self.conn.fileno(), select.POLLIN)
        return bool(poller.poll(seconds * 1000))

    def spent(self) -> bool:
        """Should the child be replaced rather than given another read?  (One that has died since
        its answer is replaced when the next read is sent to it.)"""
        return self.tasks >= TASKS_PER_CHILD or self.resident_mb() > MAX_CHILD_MB

    def _close_statm(self) -> None:
        if self._statm >= 0:
            os.close(self._statm)
            self._statm = -1

    def kill(self) -> None:
        try:
            self.proc.kill()
        except OSError:
            pass
        self.proc.wait()
        self.conn.close()
        self._close_statm()

    def close(self) -> None:
        self.conn.close()  # a child waiting for work sees end-of-file and exits
        self._close_statm()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()


class Pool:
    """At most ``size`` children, shared by every thread of the process.

    One condition guards the count of reads in progress and the idle children (a list, the last
    given back taken first: its memory is the warmest); a free slot is taken without waiting."""

    def __init__(self, size: int):
        self.size = max(1, size)
        self._lock = threading.Condition(threading.Lock())
        self._busy = 0
        self._idle: list[Child] = []
        self._closed = False

    def call(self, target: str, args: tuple, name: str, cancelled: Callable[[], bool] | None = None) -> Any:
        """``target`` ("module:function") called with ``args`` in a child; its result or its
        GongkaiError, as if it had run here."""
        request = pickle.dumps((target, args), pickle.HIGHEST_PROTOCOL)
        child = self._take(name)
        kept: Child | None = None  # the child, given back idle once it has answered
        try:
            try:
                child = self._sent(child, request)
                answer = self._wait(child, name, cancelled)
            except (EOFError, OSError):  # the child died: a crash in native code
                child.kill()
                raise UnreadableFile("读取此文件时读取程序意外退出（文件可能已损坏或含有读取程序无法处理的内容）。"
                                     "服务器未受影响；请检查文件或换一种格式（如 DOCX、HTML）再试。", name) from None
            except BaseException:
                child.kill()
                raise
            kept = child
        finally:
            self._give_back(kept)
        return answer

    @staticmethod
    def _sent(child: Child, request: bytes) -> Child:
        """The child the request was sent to: ``child``, or a fresh one if ``child`` had died
        while idle (the request could not be sent: it has not been read)."""
        try:
            child.send(request)
        except OSError:
            child.kill()
            child = Child()
            try:
                child.send(request)
            except BaseException:
                child.kill()  # (the caller kills the first one again: harmless)
                raise
        child.tasks += 1
        return child

    def _take(self, name: str) -> Child:
        """A slot and a child for it (a fresh one when none is idle); Busy after
        ``WAIT_SECONDS`` without a free slot."""
        with self._lock:
            if not self._lock.wait_for(lambda: self._busy < self.size, WAIT_SECONDS):
                raise Busy("服务器正忙（同时读取的文件过多），请稍后再试。", name)
            self._busy += 1
            child = self._idle.pop() if self._idle else None
        if child is not None:
            return child
        try:
            return Child()
        except BaseException:
            self._give_back(None)
            raise

    def _give_back(self, child: Child | None) -> None:
        """The slot back, and the child to the idle ones unless it is spent (or the pool closed)."""
        if child is not None and (self._closed or child.spent()):
            child.close()
            child = None
        with self._lock:
            self._busy -= 1
            if child is not None:
                self._idle.append(child)
            self._lock.notify()

    @staticmethod
    def _wait(child: Child, name: str, cancelled: Callable[[], bool] | None):
        deadline = time.monotonic() + READ_SECONDS
        while not child.readable(POLL_SECONDS):
            if cancelled is not None and cancelled():
                raise Cancelled("客户端已断开，读取已停止。", name)
            if time.monotonic() > deadline:
                raise UnreadableFile(f"读取超时（超过 {READ_SECONDS} 秒），已停止。文件可能过大或结构异常。", name)
            if not child.alive():
                raise EOFError
        return child.receive()

    def close(self) -> None:
        self._closed = True
        with self._lock:
            idle, self._idle = self._idle, []
        for child in idle:
            child.close()


def _send(fd: int, *payload: bytes) -> None:
    """The ``payload``'s parts as one message, framed as ``Connection.send_bytes`` frames it, in
    one ``writev`` (more only if the socket takes it in parts): the parts are not joined."""
    size = sum(map(len, payload))
    head = _SHORT.pack(size) if size < 0x7FFFFFFF else _SHORT.pack(-1) + _LONG.pack(size)
    parts = [memoryview(head), *(memoryview(p) for p in payload)]
    while parts:
        written = os.writev(fd, parts)
        while parts and written >= parts[0].nbytes:
            written -= parts.pop(0).nbytes
        if parts:
            parts[0] = parts[0][written:]


def _receive(fd: int, buffer: bytearray) -> memoryview:
    """The next message (framed as ``Connection.recv_bytes`` reads it): a view of ``buffer`` when
    it fits, read with one ``readv`` when it has all arrived; EOFError if the other side hung up."""
    view = memoryview(buffer)
    got = 0
    while got < 4 or (got < 12 and _SHORT.unpack_from(buffer)[0] == -1):
        got += _read_into(fd, view[got:])
    size, start = _SHORT.unpack_from(buffer)[0], 4
    if size == -1:
        size, start = _LONG.unpack_from(buffer, 4)[0], 12
    end = start + size
    if got > end:  # one message at a time: more would be a broken child
        raise OSError("unexpected data from the read child")
    if end > len(buffer):  # a large message: its own buffer
        large = memoryview(bytearray(size))
        large[:got - start] = view[start:got]
        view.release()
        got -= start
        while got < size:
            got += _read_into(fd, large[got:])
        return large
    while got < end:
        got += _read_into(fd, view[got:end])
    return view[start:end]


def _read_into(fd: int, into: memoryview) -> int:
    got = os.readv(fd, [into])
    if not got:
        raise EOFError
    return got


def _unpack(answer):
    kind = answer[0]
    if kind == "ok":
        return answer[1]
    if kind == "error":
        _, cls_name, message, path, place = answer
        cls = getattr(errors, cls_name, None)
        if not (isinstance(cls, type) and issubclass(cls, GongkaiError)):
            cls = GongkaiError
        raise cls(message, path, place)
    # An unexpected exception in the reader: raised here as in-process, so it is handled (and
    # logged as a server error) exactly as it would have been without isolation.
    raise RuntimeError(f"{answer[1]}：{answer[2]}")


# -- the server's pool ------------------------------------------------------------------------

_pool: Pool | None = None


def enable(workers: int | None = None) -> Pool:
    """Isolate this process's reads in ``workers`` children (default: one per CPU)."""
    global _pool
    if _pool is None:
        _pool = Pool(workers or os.cpu_count() or 1)
    return _pool


def disable() -> None:
    global _pool
    if _pool is not None:
        _pool.close()
        _pool = None


def enabled() -> bool:
    return _pool is not None


def run(target: str, args: tuple, name: str, cancelled: Callable[[], bool] | None = None) -> Any:
    """``target(*args)`` in a child when isolation is on, here otherwise."""
    if _pool is None:
        return _resolve(target)(*args)
    return _pool.call(target, args, name, cancelled)


def load_input(data: bytes, name: str, cancelled: Callable[[], bool] | None = None):
    """``gongkai.load.load_input``, isolated when the server turned isolation on."""
    return run("gongkai.load:load_input", (data, name), name, cancelled)


def _resolve(target: str):
    module, _, function = target.partition(":")
    return getattr(importlib.import_module(module), function)


# -- the child --------------------------------------------------------------------------------

def _serve(fd: int) -> None:
    buffer = bytearray(_BUFFER)
    targets: dict[str, Callable] = {}
    while True:
        try:
            message = _receive(fd, buffer)
            target, args = pickle.loads(message)
            message.release()
        except (EOFError, OSError):
            return
        answer: tuple[bytes, bytes]
        try:
            function = targets.get(target) or targets.setdefault(target, _resolve(target))
            result = function(*args)
            answer = (_KIND_RAW, result) if type(result) is bytes \
                else (_KIND_PICKLED, pickle.dumps(("ok", result), pickle.HIGHEST_PROTOCOL))
        except Exception as exc:  # noqa: BLE001 - sent to the parent
            answer = (_KIND_PICKLED, pickle.dumps(_failure(exc, args), pickle.HIGHEST_PROTOCOL))
        try:
            _send(fd, *answer)
        except OSError:
            return


def _failure(exc: Exception, args: tuple) -> tuple:
    """The answer that carries a read's exception to the parent."""
    if isinstance(exc, GongkaiError):
        return ("error", type(exc).__name__, exc.message, exc.path, exc.place)
    if isinstance(exc, RecursionError):
        return ("error", "UnreadableFile", "文件结构嵌套过深，无法读取。", args[-1] if args else None, None)
    if isinstance(exc, MemoryError):
        return ("error", "UnreadableFile", "读取时内存不足，文件可能损坏或过大。", args[-1] if args else None, None)
    return ("bug", type(exc).__name__, str(exc))  # raised by the parent as a server error


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
