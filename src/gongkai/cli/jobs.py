"""``--jobs N`` of ``parse`` and ``check``: the files of a run handled in N worker processes.

The work for one file (read it, and for ``check`` check it, and print what it prints) runs in a
worker with its standard output and error captured; the parent writes each file's output in the
order of the files, so the output is the same as a run with ``--jobs 1``, byte for byte.  A run
of one file, or ``--jobs 1``, does the work in the process itself.

Workers are forked from the parent (where ``fork`` exists) after it has done the first file:
they start in a few milliseconds with the modules that file needed already imported and the
run's context (options, last year's report) already in memory.  Only file names go to a worker
(up to 32 a task when there are many) and only counts and messages come back through the pool:
a task's output, encoded as the parent's stream would encode it, is left in a file in memory
opened before the fork (a slot, one a task in flight), which the parent sends on to its standard
output in the kernel where it can.  At most ``4 × N`` tasks are in flight, so memory stays flat
on any number of files.  A worker that dies
(a crash in a native reader) costs only the file that killed it: the files in flight are redone
one by one, that one is reported unreadable, and the run goes on in a fresh pool.
"""

from __future__ import annotations

import gc
import importlib
import io
import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from gongkai.errors import GongkaiError

if TYPE_CHECKING:  # the pool's modules are imported by a run that uses one (start-up)
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor

R = TypeVar("R")
AHEAD = 4  # tasks in flight per worker
CHUNK = 32  # files a task at most (fewer round trips: the parent's CPU is the run's overhead)

_CONTEXT: Any = None  # the run's context in a worker (set by _start)


def add_option(parser) -> None:
    parser.add_argument("-j", "--jobs", type=int, metavar="进程数",
                        help="同时处理文件的进程数（默认为本机可用的处理器核数；1 为逐个处理）")


_settled = False


def settle(*modules: str) -> None:
    """Import the modules every file of the run needs, then (once a process) keep all that
    start-up made out of the garbage collector's passes (``gc.freeze``): modules, classes and
    functions are never garbage, and scanning them again at each full collection was 6 % of
    ``gongkai parse one.txt``'s instructions.  Forked workers leave those pages shared, too.
    The collector, paused for the start-up by ``cli.console``, runs again from here on."""
    global _settled
    for name in modules:
        importlib.import_module(name)
    if not _settled:
        _settled = True
        gc.freeze()
    gc.enable()


def settled() -> bool:
    """Has this process settled (``settle``): a ``parse`` or ``check`` run."""
    return _settled


def count(jobs: int | None) -> int:
    """The number of workers: ``--jobs``, else the cores this process may use."""
    if jobs is not None:
        if jobs < 1:
            raise GongkaiError("--jobs 至少为 1。")
        return jobs
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def each(files: list[str], work: Callable[[Any, str], R], context: Any, jobs: int,
         crashed: Callable[[str], R]) -> Iterator[R]:
    """``work(context, path)`` for each file, in order; its printed output is written as it
    would have been printed (before its result is yielded, maybe with the next files' output:
    the caller prints nothing between results).  ``work`` must be a module-level function (workers look it up by
    name).  ``crashed(path)`` is the result of a file whose worker died."""
    if jobs <= 1 or len(files) <= 1:
        for path in files:
            yield work(context, path)
        return
    # The first file is done here, before the workers are forked: the modules its form needs
    # (readers, checker, printing) are imported and the caches filled once, not once per worker.
    yield work(context, files[0])
    from collections import deque

    pending = deque(files[1:])
    workers = min(jobs, len(pending))
    slots = _Slots.open(AHEAD * workers)
    try:
        while pending:  # a pool per crash: the file in the dead worker is given up, the rest redone
            yield from _pool_run(pending, work, context, workers, crashed, slots)
    finally:
        if slots is not None:
            slots.close()


def _pool_run(pending: deque[str], work, context, workers: int, crashed, slots: _Slots | None) -> Iterator:
    from collections import deque
    from concurrent.futures.process import BrokenProcessPool

    pool = _pool(workers, context, slots)
    inflight: deque[tuple[list[str], int | None, Future]] = deque()
    try:
        while pending or inflight:
            paths: list[str] = []  # the task whose result is read (none when a submit fails)
            try:
                while pending and len(inflight) < AHEAD * workers:
                    # Several files a task when there are many: a task's round trip costs about as
                    # much as reading a short text report.
                    size = max(1, min(CHUNK, len(pending) // (AHEAD * workers)))
                    chunk = [pending[i] for i in range(min(size, len(pending)))]
                    slot = None if slots is None else slots.take()
                    inflight.append((chunk, slot, pool.submit(_captured_all, work, chunk, slot)))
                    for _ in chunk:  # taken off only once submitted
                        pending.popleft()
                paths, slot, future = inflight.popleft()
                done = future.result()
            except BrokenProcessPool:
                # Which file killed its worker is unknown: each file in flight is redone alone,
                # in order, and only one that kills a worker by itself is given up.  The pool
                # may also break while results are being written: then the next submit raises.
                suspects = [*paths, *(p for ps, _, _ in inflight for p in ps)]
                inflight.clear()
                pool.shutdown(wait=True, cancel_futures=True)  # no worker left writing to a slot
                if slots is not None:
                    slots.free_all()
                for suspect in suspects:
                    yield _alone(suspect, work, context, crashed, slots)
                return
            if slots is not None and slot is not None:
                if any(err for _, err, _ in done):
                    results = [_written(one, slots, slot) for one in done]
                else:  # the usual case: the task's outputs lie one after another, sent at once
                    slots.send(slot, 0, sum(size for (_, size), _, _ in done), sys.stdout)
                    results = [result for _, _, result in done]
                slots.free(slot)
                yield from results
            else:
                for one in done:
                    yield _written(one, slots, slot)
    finally:
        for _, _, future in inflight:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def _pool(workers: int, context, slots: _Slots | None) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("fork" if _forks() else None)
    return ProcessPoolExecutor(workers, mp_context=ctx, initializer=_start,
                               initargs=(context, interactive(), _encoding(sys.stdout), _encoding(sys.stderr),
                                         None if slots is None else slots.fds))


def _forks() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _encoding(stream) -> tuple[str, str] | None:
    """How ``stream`` turns text into bytes, when the parent can write bytes to it: then a worker
    encodes its output as the stream would and the parent passes the bytes on untouched (moving
    a report's JSON as text cost the parent a decode and an encode of every character, a tenth
    of the run's CPU with two workers).  None: the worker's output comes back as text."""
    if os.linesep != "\n" or not hasattr(stream, "buffer") or not isinstance(getattr(stream, "encoding", None), str):
        return None  # where "\n" is written as "\r\n" the stream's own translation must do it
    return stream.encoding, getattr(stream, "errors", None) or "strict"


def _alone(path: str, work, context, crashed, slots: _Slots | None):
    from concurrent.futures.process import BrokenProcessPool

    pool = _pool(1, context, slots)
    slot = None if slots is None else slots.take()
    try:
        [done] = pool.submit(_captured_all, work, [path], slot).result()
        return _written(done, slots, slot)
    except BrokenProcessPool:
        return crashed(path)
    finally:
        pool.shutdown(wait=True)
        if slots is not None and slot is not None:
            slots.free(slot)


def _written(done: tuple[str | bytes | tuple[int, int], str | bytes, Any], slots: _Slots | None, slot: int | None):
    out, err, result = done
    _write(sys.stderr, err)  # a file's messages come before its output, as in a run without workers
    if isinstance(out, tuple):  # left in the task's slot by the worker
        assert slots is not None and slot is not None
        slots.send(slot, *out, sys.stdout)
    else:
        _write(sys.stdout, out)
    return result


def _write(stream, data: str | bytes) -> None:
    if not data:
        return
    if isinstance(data, bytes):  # encoded by the worker as this stream encodes (_encoding)
        stream.flush()
        stream.buffer.write(data)
        stream.buffer.flush()
    else:
        stream.write(data)
        stream.flush()


class _Slots:
    """Files in memory that carry workers' output to the parent: a task's output is written into
    the slot the parent gave it and the parent copies it to its standard output from there,
    in the kernel where it can (``sendfile``), instead of receiving it pickled through the pool's
    pipe (with two workers that receiving was a twentieth of a run's CPU on short texts).  The
    slots are opened before the workers fork, so the workers hold them too; a slot is reused
    only once the parent has written what it held."""

    def __init__(self, fds: list[int]):
        self.fds = fds
        self.idle = list(range(len(fds)))
        self.sendfile = hasattr(os, "sendfile")

    @classmethod
    def open(cls, n: int) -> _Slots | None:
        """``n`` slots, or None where workers are not forked or the output is text (a worker's
        output then comes back through the pool)."""
        if not _forks() or _encoding(sys.stdout) is None:
            return None
        if hasattr(os, "memfd_create"):
            return cls([os.memfd_create("gongkai-output", os.MFD_CLOEXEC) for _ in range(n)])
        import tempfile

        files = [tempfile.TemporaryFile() for _ in range(n)]
        return cls([os.dup(f.fileno()) for f in files])

    def take(self) -> int:
        return self.idle.pop()

    def free(self, slot: int) -> None:
        self.idle.append(slot)

    def free_all(self) -> None:
        self.idle = list(range(len(self.fds)))

    def close(self) -> None:
        for fd in self.fds:
            os.close(fd)

    def send(self, slot: int, start: int, size: int, stream) -> None:
        """Write ``size`` bytes of ``slot`` from ``start`` to ``stream``, after what it holds."""
        fd = self.fds[slot]
        stream.flush()
        if self.sendfile:
            try:
                out = stream.fileno()
            except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError
                out = None
            if out is not None:
                first = True
                try:
                    while size:
                        sent = os.sendfile(out, fd, start, size)
                        start, size, first = start + sent, size - sent, False
                    return
                except OSError as e:
                    import errno

                    if not first or e.errno not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
                        raise
                    self.sendfile = False  # a terminal or an appending file: copied through here
        while size:
            data = os.pread(fd, min(size, 1 << 20), start)
            stream.buffer.write(data)
            start, size = start + len(data), size - len(data)
        stream.buffer.flush()

    @staticmethod
    def write(fd: int, data: bytes, start: int) -> int:
        view = memoryview(data)
        while view:
            n = os.pwrite(fd, view, start)
            start, view = start + n, view[n:]
        return start


_TTY = False  # the parent's standard output is a terminal (set by _start)
_ENCODINGS: tuple[tuple[str, str] | None, tuple[str, str] | None] = (None, None)  # stdout's, stderr's
_SLOT_FDS: list[int] = []  # the parent's output slots (_Slots), inherited by the fork


class _Buffer(io.StringIO):
    """A worker's captured output, a terminal when the parent's is (colours, as printed there)."""

    def isatty(self) -> bool:
        return _TTY


class _Bytes(io.BytesIO):
    def isatty(self) -> bool:
        return _TTY


class _Encoded(io.TextIOWrapper):
    """A worker's captured output as the parent's stream would encode it."""

    def __init__(self, encoding: tuple[str, str]):
        super().__init__(_Bytes(), encoding=encoding[0], errors=encoding[1], newline="\n")

    def value(self) -> bytes:
        self.flush()
        return self.buffer.getvalue()  # type: ignore[attr-defined]


def _capture(encoding: tuple[str, str] | None) -> _Buffer | _Encoded:
    return _Buffer() if encoding is None else _Encoded(encoding)


def _start(context, tty: bool, out: tuple[str, str] | None, err: tuple[str, str] | None,
           slots: list[int] | None) -> None:
    global _CONTEXT, _TTY, _ENCODINGS, _SLOT_FDS
    _CONTEXT, _TTY, _ENCODINGS, _SLOT_FDS = context, tty, (out, err), slots or []


def _captured_all(work, paths: list[str], slot: int | None) -> list:
    done = [_captured(work, path) for path in paths]
    if slot is None:
        return done
    fd, at = _SLOT_FDS[slot], 0
    for i, (out, err, result) in enumerate(done):  # the outputs one after another in the slot
        end = _Slots.write(fd, out, at) if out else at
        done[i] = ((at, end - at), err, result)
        at = end
    return done


def _captured(work, path: str):
    from contextlib import redirect_stderr, redirect_stdout

    out, err = _capture(_ENCODINGS[0]), _capture(_ENCODINGS[1])
    with redirect_stdout(out), redirect_stderr(err):
        result = work(_CONTEXT, path)
    return _value(out), _value(err), result


def _value(captured: _Buffer | _Encoded) -> str | bytes:
    return captured.value() if isinstance(captured, _Encoded) else captured.getvalue()


def interactive() -> bool:
    """Is standard output a terminal?  Workers print into a buffer that says so too."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False
