"""Batch ingest: files → read, parse, check and store in parallel → the corpus store.

Resumable and idempotent by content: a file whose sha256 is stored with the current parser
version is not redone, and each report is written whole in a transaction, so a run killed at
any point restarts where it stopped with no duplicates.  A local pool's workers do the whole of
a file (``worker.ingest_files``, several a task: read, hash, skip what is stored, parse, check, store) and return
a small outcome; this process hands out paths and counts.  Writers on SQLite take turns on the
pool's lock (SQLite has one writer at a time); the same content met twice in a run is parsed at
most by the workers that had it at once, and stored once with both paths.  On a Dask cluster
the workers see neither the files nor the store: this process reads, skips and stores, and the
workers get bytes and return plain results.  A worker that dies takes its in-flight files with
it: each is rerun alone in a fresh pool, and only one that kills a worker by itself is recorded
as a failure, so the batch always finishes.  The cross-year rules, which need the same body's
report of the year before, run after the parse as a pass over the store (``crossyear``): this
process lists what is due, the workers compare, a chunk a task.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

from gongkai import PARSER_VERSION
from gongkai.corpus import crossyear, reimport
from gongkai.corpus.sources import Item, iter_items
from gongkai.corpus.store import Store
from gongkai.corpus.worker import (
    PRELOAD,
    Run,
    cross_year,
    ingest_files,
    process,
    record_seen,
    record_unreadable,
    seen,
    start,
    store_result,
)
from gongkai.db import OFFICE_TZ
from gongkai.errors import GongkaiError
from gongkai.read.ocr import slots_for_memory as ocr_slots_for_memory

DEFAULT_TIMEOUT = 120.0  # seconds per file; OCR of a long scan can need this much
TASKS_PER_CHILD = 200  # tasks (up to CHUNK files each): recycle workers to bound leaks in third-party parsers
AHEAD = 4  # local tasks in flight per worker
CHUNK = 8  # files a local task at most
MAX_INFLIGHT_BYTES = 256 * 1024 * 1024  # file bytes held for unfinished Dask tasks (PDFs can be large)


@dataclass
class Summary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) of this run
    by_form: dict[str, int] = field(default_factory=dict)
    crashes: int = 0  # times a worker died and the pool was rebuilt
    cross_year: int = 0  # reports (re)compared with the same body's report of the year before
    taken_back: int = 0  # of added and updated: reports taken back from corpus exports (``reimport``)
    ids: list[int] = field(default_factory=list)  # the documents this run added or updated (read or failed)

    @property
    def done(self) -> int:
        return self.added + self.updated + len(self.failed)

    def __repr__(self) -> str:
        # What a notebook shows after corpus.ingest(…): the counts, not every number and failure
        # (the dataclass's repr listed all of ``ids`` and ``failed``: 100,000 reports, ~600 KB).
        return (f"<Summary added={self.added} updated={self.updated} unchanged={self.unchanged} "
                f"failed={len(self.failed)} cross_year={self.cross_year} taken_back={self.taken_back} "
                f"crashes={self.crashes} by_form={self.by_form}>")


@dataclass
class _Job:
    items: list[Item]  # a local task's files; one on a cluster
    sha256: str = ""  # these three only on a cluster, where this process reads the file
    size: int = 0
    data: bytes = b""


def _local_pool(workers: int, run: Run | None = None) -> ProcessPoolExecutor:
    """A pool whose workers each open the store of ``run`` (None: no store, for tests)."""
    # forkserver: max_tasks_per_child needs a non-fork start method, and it avoids forking
    # the parent's open database connection.
    ctx = multiprocessing.get_context("forkserver")
    # Workers fork from a server that has already imported the parser and the checker: quick
    # start, and no time limit can strike half-way through an import.
    ctx.set_forkserver_preload(["gongkai.corpus.worker", *PRELOAD])
    # Scanned pages are recognised by at most as many workers at once as memory allows
    # (ocr.PAGE_PEAK_MB a page), however many cores there are.
    slots = ctx.BoundedSemaphore(min(workers, ocr_slots_for_memory()))
    # One lock per pool: a worker killed while holding it goes with its pool.
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, max_tasks_per_child=TASKS_PER_CHILD,
                               initializer=start, initargs=(run, slots, ctx.Lock()))


def main_script_problem() -> str | None:
    """Why a local pool's workers would fail to start from this program, in Chinese; None if they start.

    Workers that are not forked start by running the program's main script again (as
    ``__mp_main__``; Python's multiprocessing, forkserver as spawn).  A user's script that ingests at
    its top level — the Python API as README shows it, pasted into a file — would ingest again in
    every worker, which Python refuses while a worker starts: every file would be recorded as a
    worker's crash.  A script read from standard input cannot be run again at all.  So the call is
    refused before any work, saying what to change.  The ``gongkai`` command, ``python -c``, an
    interactive session and Jupyter run nothing again."""
    import sys

    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if path is None or name == "__main__" or (name or "").endswith(".__main__"):
        return None  # nothing to run again, or a package's __main__ (not imported again by name)
    guard = '`if __name__ == "__main__":`'
    if not os.path.isfile(path):
        return (f"从标准输入读入的脚本（python -）不能启动读取报告的工作进程：请把脚本存为文件，把调用放在 {guard} 之下"
                "（或用 python -c）。")
    frame: FrameType | None = sys._getframe()
    line = None
    while frame is not None:  # the statement of the script's top level that is running now
        if frame.f_globals is vars(main) and frame.f_code.co_name == "<module>":
            line = frame.f_lineno
        frame = frame.f_back
    if line is None or _under_main_guard(path, line):
        return None
    return (f"{path} 第{line}行在脚本顶层调用 ingest：读取报告的工作进程启动时会重新运行这个脚本，又一次调用它。"
            f"请把这一行放在 {guard} 之下（Python 多进程的规则）。")


def _under_main_guard(path: str, line: int) -> bool:
    """Whether ``line`` of the script ``path`` is inside an ``if __name__ == "__main__":`` block."""
    import ast

    try:
        tree = ast.parse(Path(path).read_bytes())
    except (OSError, SyntaxError, ValueError):
        return True  # cannot tell: let the workers try
    for node in ast.walk(tree):
        if (isinstance(node, ast.If) and isinstance(node.test, ast.Compare) and len(node.test.ops) == 1
                and isinstance(node.test.ops[0], ast.Eq)
                and {ast.dump(side) for side in (node.test.left, *node.test.comparators)}
                == {ast.dump(ast.Name("__name__", ast.Load())), ast.dump(ast.Constant("__main__"))}
                and node.body[0].lineno <= line <= (node.body[-1].end_lineno or line)):
            return True
    return False


def _discard(pool: ProcessPoolExecutor) -> None:
    """Stop a broken or stuck pool without waiting for it.

    Its workers are killed.  A worker killed half-way through writing its result leaves the
    pool's manager thread blocked reading the rest of that message (a CPython limitation);
    closing our copy of the pipe's write end gives it end-of-file, so the thread ends instead of
    blocking interpreter exit.  Both handles are private attributes, hence the guards; both are
    taken before ``shutdown``, which drops the pool's references to them."""
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            proc.kill()
        except (OSError, AttributeError):
            pass
    pool.shutdown(wait=False, cancel_futures=True)
    if writer is not None:
        try:
            writer.close()
        except OSError:
            pass


class _DaskPool:
    """The same submit/wait surface on a Dask distributed cluster."""

    def __init__(self, address: str):
        from gongkai.errors import MissingDependency

        try:
            from distributed import Client
        except ImportError:
            raise MissingDependency("使用 --cluster 需要安装 Dask（pip install 'gongkai[cluster]'）。") from None
        try:
            self.client = Client(address, timeout="5s")
        except OSError as exc:
            raise MissingDependency(f"无法连接 Dask 集群：{exc}", address) from None

        from distributed import as_completed

        self._done = as_completed()  # a queue of finished futures, cheaper than wait() per result

    def submit(self, fn, *args):
        future = self.client.submit(fn, *args, pure=False)
        self._done.add(future)
        return future

    def wait_one(self) -> set:
        return {next(self._done)}

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        self.client.close()



def ingest(paths: list[str], store: Store, *, workers: int | None = None, timeout: float = DEFAULT_TIMEOUT,
           reparse: bool = False, retry_failed: bool = False, cluster: str | None = None,
           on_progress: Callable[[int, int, str], None] | None = None) -> Summary:
    """Parse, check and store every report under ``paths`` (files, directories, ZIP archives);
    then run the cross-year rules over the store.  ``on_progress(done, total, path)`` is called after
    each file, and before a broken pool is started again; it may raise to stop the ingest (what is
    stored stays stored)."""
    if cluster is None and (problem := main_script_problem()):
        raise GongkaiError(problem)
    # The files are walked twice, to count them and to hand them out, rather than held: memory
    # stays flat however many there are.  Corpus exports (JSON Lines) are taken back first, here,
    # before the workers write.
    exports: list[Item] = []
    total = 0
    for item in iter_items(paths):
        if reimport.is_export(item):
            exports.append(item)
        else:
            total += 1
    run = Run(str(store.url), datetime.now(OFFICE_TZ).isoformat(timespec="microseconds"), PARSER_VERSION,
              reparse, retry_failed, timeout)
    taken = _take_back(store, run, exports)
    batch = _Batch(store, run, total, workers or os.cpu_count() or 1, cluster, on_progress, taken)
    skip = {item.path for item in exports}
    try:
        for item in iter_items(paths):
            if item.path not in skip:
                batch.add(item)
        batch.flush()
        batch.drain(0)
        batch.summary.cross_year = batch.cross_year()
    finally:
        batch.pool.shutdown(wait=True, cancel_futures=True)
    return batch.summary


def _take_back(store: Store, run: Run, exports: list[Item]) -> Summary:
    """Take back each corpus export whole; one that cannot be is a failure of the run, named with
    its line, of which nothing is stored."""
    summary = Summary()
    for item in exports:
        try:
            added, updated, unchanged, ids = reimport.take_back(store, item)
        except GongkaiError as exc:
            reason = "：".join(p for p in (exc.place, exc.message) if p)
            summary.failed.append((item.path, record_unreadable(store, run, item, reason)["reason"]))
            continue
        except OSError as exc:
            from gongkai.files import os_reason

            reason = f"无法读取文件：{os_reason(exc)}"
            summary.failed.append((item.path, record_unreadable(store, run, item, reason)["reason"]))
            continue
        summary.added += added
        summary.updated += updated
        summary.unchanged += unchanged
        summary.taken_back += added + updated
        summary.ids += ids
    return summary


class _Batch:
    """One ingest run: the pool, the files in flight, what has been counted."""

    def __init__(self, store: Store, run: Run, total: int, workers: int, cluster: str | None,
                 on_progress: Callable[[int, int, str], None] | None, summary: Summary | None = None):
        self.store = store
        self.run = run
        self.total = total
        self.workers = workers
        self.dask = bool(cluster)
        self.pool: Any = _DaskPool(cluster) if cluster else _local_pool(workers, run)
        # Enough tasks in flight to keep every worker busy; a cluster has more latency to hide.
        self.window = 256 if self.dask else workers * AHEAD
        self.in_flight: dict[Any, _Job] = {}  # future -> job
        self.pending: list[Item] = []  # files for the next local task
        self.submitted = 0  # files handed out (or done here)
        self.placements: dict[str | None, dict] = {}  # a cluster's: one lookup per agency per run
        # Documents stored by this run have larger ids (a crash rerun of a file stored just before
        # the crash counts it as added, not as met again).
        self.first_id = store.last_document_id()
        self.summary = summary or Summary()
        self.done = 0
        self.progress = on_progress or (lambda done, total, path: None)

    # -- files in -------------------------------------------------------------------------
    def add(self, item: Item) -> None:
        """Hand the file out (on a cluster: unless it cannot be read or is stored already)."""
        self.submitted += 1
        if item.problem:
            self._count(item, record_unreadable(self.store, self.run, item, item.problem))
        elif not self.dask:
            self.pending.append(item)
            # Several files a task: a task costs this process about 0.5 ms of CPU (pickling,
            # the pool's threads).  Smaller tasks towards the end, so the workers finish together.
            if len(self.pending) >= max(1, min(CHUNK, (self.total - self.submitted) // (AHEAD * self.workers))):
                self.flush()
        else:
            self._read_here(item)

    def flush(self) -> None:
        """Submit the files waiting for a local task."""
        if self.pending:
            self._submit(_Job(self.pending))
            self.pending = []
            self.drain(self.window)

    def _read_here(self, item: Item) -> None:
        try:
            data = item.read()
        except (OSError, ValueError, RuntimeError) as exc:
            from gongkai.files import os_reason

            reason = os_reason(exc) if isinstance(exc, OSError) else str(exc)
            self._count(item, record_unreadable(self.store, self.run, item, f"无法读取文件：{reason}"))
            return
        job = _Job([item], hashlib.sha256(data).hexdigest(), len(data), data)
        known = seen(self.store, self.run, job.sha256)
        if known is not None:
            self._count(item, record_seen(self.store, self.run, known, item.path))
            return
        self._submit(job)
        self.drain(self.window)

    # -- outcomes -------------------------------------------------------------------------
    def _count(self, item: Item, outcome: dict, rerun: bool = False) -> None:
        """Count what one file came to (``worker.outcome``).  Content met again in this run is
        the copy of another file, counted there, unless this file is being rerun after a crash
        (its worker may have stored it just before dying)."""
        kind = outcome["kind"]
        if kind == "again" and rerun:
            kind = "added" if outcome["id"] > self.first_id else "updated"
        if kind == "unchanged":
            self.summary.unchanged += 1
        elif kind == "unreadable":
            self.summary.failed.append((item.path, outcome["reason"]))
        elif kind in ("added", "updated"):
            self.summary.ids.append(outcome["id"])
            form = outcome["form"] or "?"
            self.summary.by_form[form] = self.summary.by_form.get(form, 0) + 1
            if outcome["reason"] is not None:
                self.summary.failed.append((item.path, outcome["reason"]))
            elif kind == "updated":
                self.summary.updated += 1
            else:
                self.summary.added += 1
        self.done += 1
        self.progress(self.done, self.total, item.path)

    def _outcomes(self, job: _Job, result: Any) -> list[dict]:
        """The outcomes of a finished task: a local worker's own; a cluster's result stored here."""
        if not self.dask:
            return result
        return [store_result(self.store, self.run, job.items[0], job.sha256, job.size, result,
                             placements=self.placements)]

    # -- the pool -------------------------------------------------------------------------
    def _call(self, job: _Job) -> Any:
        if self.dask:
            return self.pool.submit(process, job.items[0].path, job.data, self.run.timeout)
        return self.pool.submit(ingest_files, job.items)

    def _submit(self, job: _Job) -> None:
        try:
            self.in_flight[self._call(job)] = job
        except BrokenProcessPool:  # the pool broke before any of its futures told us
            self._crashed([])
            self.in_flight[self._call(job)] = job

    def _stall(self, files: int = 1) -> float:
        """Seconds without any result after which a local pool is taken as stuck: every file has
        its own time limit, so a silent pool is a stuck pool."""
        return (self.run.timeout or DEFAULT_TIMEOUT) * files + 30

    def drain(self, block_until: int) -> None:
        """Count outcomes until at most ``block_until`` tasks (and their byte budget) are in flight."""
        while len(self.in_flight) > block_until or (
                self.dask and self.in_flight and sum(j.size for j in self.in_flight.values()) > MAX_INFLIGHT_BYTES):
            if self.dask:
                done = self.pool.wait_one()
            else:
                longest = max(len(job.items) for job in self.in_flight.values())
                done = wait(set(self.in_flight), timeout=self._stall(longest), return_when=FIRST_COMPLETED)[0]
                if not done:
                    self._crashed([])
                    continue
            broken: list[_Job] = []
            for fut in done:
                job = self.in_flight.pop(fut, None)
                if job is None:  # a future of a broken pool: its job was rerun by _crashed()
                    continue
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    broken.append(job)
                    continue
                except Exception as exc:  # e.g. a Dask worker lost (KilledWorker)
                    if not self.dask:
                        raise  # a local worker's store failed: as if this process's had
                    result = {"reason": f"工作进程出错（{type(exc).__name__}：{exc}）。"}
                for item, outcome in zip(job.items, self._outcomes(job, result), strict=True):
                    self._count(item, outcome)
            if broken:
                self._crashed(broken)

    def cross_year(self) -> int:
        """The cross-year pass over the store: what is due is compared by the workers, a chunk a
        task (on a cluster, here).  If the pool breaks, what is still due is compared here."""
        if self.dask:
            return crossyear.run(self.store)
        items = crossyear.due(self.store)
        compared = 0
        in_flight: set[Any] = set()
        try:
            for i in range(0, len(items), crossyear.CHUNK):
                in_flight.add(self.pool.submit(cross_year, items[i:i + crossyear.CHUNK]))
                while len(in_flight) > (0 if i + crossyear.CHUNK >= len(items) else self.window):
                    done, in_flight = wait(in_flight, timeout=self._stall(crossyear.CHUNK), return_when=FIRST_COMPLETED)
                    if not done:
                        raise FutureTimeout()
                    compared += sum(f.result() for f in done)
        except (BrokenProcessPool, FutureTimeout):
            self.summary.crashes += 1
            _discard(self.pool)
            self.pool = _local_pool(self.workers, self.run)
            compared += crossyear.run(self.store)
        return compared

    def _crashed(self, suspects: list[_Job]) -> None:
        """A worker died (or the pool stopped answering) and took the pool with it.  Every file
        in flight is a suspect: each is run again alone in a fresh pool, so only the file that
        kills or hangs a worker by itself fails."""
        self.summary.crashes += 1
        suspects = suspects + list(self.in_flight.values())
        self.in_flight.clear()
        _discard(self.pool)
        # A stop asked for (a server stopping ends the workers itself) is heard before processes are
        # started again: through the forkserver that stop ended, they could not be.
        self.progress(self.done, self.total, next((i.path for job in suspects for i in job.items), ""))
        self.pool = _local_pool(self.workers, self.run)
        for item in (item for job in suspects for item in job.items):
            try:
                outcome = self.pool.submit(ingest_files, [item]).result(timeout=self._stall())[0]
            except (BrokenProcessPool, FutureTimeout):
                _discard(self.pool)
                self.pool = _local_pool(self.workers, self.run)
                try:
                    data: bytes | None = item.read()
                except (OSError, ValueError, RuntimeError):
                    data = None
                outcome = record_unreadable(self.store, self.run, item,
                                            "处理该文件时工作进程意外退出或失去响应（单独重试后仍然如此），"
                                            "文件可能触发了读取程序的缺陷。", data)
            self._count(item, outcome, rerun=True)
