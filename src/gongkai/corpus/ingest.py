"""Batch ingest: files → parse and check in parallel → the corpus store.

Resumable and idempotent by content: a file whose sha256 is stored with the current parser
version is not redone, and each report is written whole in a transaction (on SQLite with the
other results that came in at the same moment), so a run killed at any point restarts where it
stopped with no duplicates.  Only the parent process writes to the
store; workers (a local process pool, or Dask workers when a cluster address is given) get
bytes and return plain results.  A worker that dies takes its in-flight files with it: each
is rerun alone in a fresh pool, and only one that kills a worker by itself is recorded as a
failure, so the batch always finishes.  The cross-year rules, which need the same body's
report of the year before, run after the parse as a pass over the store (``crossyear``).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from gongkai import PARSER_VERSION
from gongkai.corpus import crossyear
from gongkai.corpus.sources import Item, iter_items
from gongkai.corpus.store import Store
from gongkai.corpus.worker import PRELOAD, process
from gongkai.format.places import corrected, normalise, place
from gongkai.read.ocr import set_slots as set_ocr_slots
from gongkai.read.ocr import slots_for_memory as ocr_slots_for_memory

DEFAULT_TIMEOUT = 120.0  # seconds per file; OCR of a long scan can need this much
TASKS_PER_CHILD = 200  # recycle workers to bound leaks in third-party parsers
MAX_INFLIGHT_BYTES = 256 * 1024 * 1024  # file bytes held for unfinished tasks (PDFs can be large)


@dataclass
class Summary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) of this run
    by_form: dict[str, int] = field(default_factory=dict)
    crashes: int = 0  # times a worker died and the pool was rebuilt
    cross_year: int = 0  # reports (re)compared with the same body's report of the year before

    @property
    def done(self) -> int:
        return self.added + self.updated + len(self.failed)


@dataclass
class _Job:
    item: Item
    sha256: str
    size: int
    data: bytes
    existed: bool
    extra_paths: list[str] = field(default_factory=list)


def _local_pool(workers: int) -> ProcessPoolExecutor:
    # forkserver: max_tasks_per_child needs a non-fork start method, and it avoids forking
    # the parent's open database connection.
    ctx = multiprocessing.get_context("forkserver")
    # Workers fork from a server that has already imported the parser and the checker: quick
    # start, and no time limit can strike half-way through an import.
    ctx.set_forkserver_preload(["gongkai.corpus.worker", *PRELOAD])
    # Scanned pages are recognised by at most as many workers at once as memory allows (about
    # 600 MB a page), however many cores there are.
    slots = ctx.BoundedSemaphore(min(workers, ocr_slots_for_memory()))
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, max_tasks_per_child=TASKS_PER_CHILD,
                               initializer=set_ocr_slots, initargs=(slots,))


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
    then run the cross-year rules over the store.  ``on_progress(done, total, path)``."""
    items = list(iter_items(paths))
    batch = _Batch(store, len(items), workers or os.cpu_count() or 1, timeout, cluster, on_progress)
    try:
        for item in items:
            batch.add(item, reparse, retry_failed)
        batch.drain(0)
    finally:
        batch.pool.shutdown(wait=True, cancel_futures=True)
    batch.summary.cross_year = crossyear.run(store)
    return batch.summary


class _Batch:
    """One ingest run: the pool, the files in flight, what has been stored and counted."""

    def __init__(self, store: Store, total: int, workers: int, timeout: float, cluster: str | None,
                 on_progress: Callable[[int, int, str], None] | None):
        self.store = store
        self.total = total
        self.workers = workers
        self.timeout = timeout
        self.dask = bool(cluster)
        self.pool: Any = _DaskPool(cluster) if cluster else _local_pool(workers)
        # Enough files in flight to keep every worker busy; a cluster has more latency to hide.
        self.window = 256 if self.dask else max(4, workers * 4)
        self.stall = timeout + 30  # no result for this long from a local pool means it is stuck
        self.in_flight: dict[Any, _Job] = {}  # future -> job
        self.by_sha: dict[str, _Job] = {}  # submitted and not yet stored, by content
        self.placements: dict[str | None, dict | None] = {}  # one lookup per agency per run
        self.summary = Summary()
        self.done = 0
        self.progress = on_progress or (lambda done, total, path: None)

    # -- one file in ----------------------------------------------------------------------
    def add(self, item: Item, reparse: bool, retry_failed: bool) -> None:
        """Submit the file, unless it cannot be read, is already in this run, or is stored unchanged."""
        if item.problem:
            self._unreadable(item, item.problem)
            return
        try:
            data = item.read()
        except (OSError, ValueError, RuntimeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self._unreadable(item, f"无法读取文件：{reason}")
            return
        sha = hashlib.sha256(data).hexdigest()
        if sha in self.by_sha:  # the same content twice in this run: one parse, both paths kept
            self.by_sha[sha].extra_paths.append(item.path)
            return
        known = self.store.known(sha)
        if known and not reparse and known[2] == PARSER_VERSION and not (retry_failed and known[1] == "failed"):
            self.store.add_path(known[0], item.path)
            self.summary.unchanged += 1
            self._advance(1, item.path)
            return
        job = _Job(item, sha, len(data), data, existed=known is not None)
        self.by_sha[sha] = job
        self._submit(job)
        self.drain(self.window)

    def _unreadable(self, item: Item, reason: str) -> None:
        _record_unreadable(self.store, item, reason, self.summary)
        self._advance(1, item.path)

    def _advance(self, files: int, path: str) -> None:
        self.done += files
        self.progress(self.done, self.total, path)

    # -- results out ----------------------------------------------------------------------
    def _finish(self, job: _Job, result: dict) -> None:
        """Store one file's result (a report or the reason it failed) and count it."""
        report = result.get("report")
        self.store.save(sha256=job.sha256, name=job.item.name, path=job.item.path, size=job.size,
                        parser_version=PARSER_VERSION, result=result,
                        placement=self._placement(report.get("agency")) if report else None,
                        extra_paths=tuple(job.extra_paths), is_new=not job.existed)
        form = result.get("form") or "?"
        self.summary.by_form[form] = self.summary.by_form.get(form, 0) + 1
        if report is None:
            self.summary.failed.append((job.item.path, result.get("reason") or "未知原因"))
        elif job.existed:
            self.summary.updated += 1
        else:
            self.summary.added += 1
        self.by_sha.pop(job.sha256, None)
        self._advance(1 + len(job.extra_paths), job.item.path)

    def _placement(self, agency: str | None) -> dict | None:
        if agency not in self.placements:
            self.placements[agency] = placement_for(self.store, agency)
        return self.placements[agency]

    # -- the pool -------------------------------------------------------------------------
    def _submit(self, job: _Job) -> None:
        try:
            self.in_flight[self.pool.submit(process, job.item.path, job.data, self.timeout)] = job
        except BrokenProcessPool:  # the pool broke before any of its futures told us
            self._crashed([])
            self.in_flight[self.pool.submit(process, job.item.path, job.data, self.timeout)] = job

    def drain(self, block_until: int) -> None:
        """Store results until at most ``block_until`` files (and their byte budget) are in flight."""
        while len(self.in_flight) > block_until or (
                self.in_flight and sum(j.size for j in self.in_flight.values()) > MAX_INFLIGHT_BYTES):
            if self.dask:
                done = self.pool.wait_one()
            else:
                done = wait(set(self.in_flight), timeout=self.stall, return_when=FIRST_COMPLETED)[0]
                if not done:  # every file has its own time limit: a silent pool is a stuck pool
                    self._crashed([])
                    continue
            ready: list[tuple[_Job, dict]] = []
            broken: list[_Job] = []
            for fut in done:
                job = self.in_flight.pop(fut, None)
                if job is None:  # a future of a broken pool: its job was rerun by _crashed()
                    continue
                try:
                    ready.append((job, fut.result()))
                except BrokenProcessPool:
                    broken.append(job)
                except Exception as exc:  # noqa: BLE001 - e.g. a Dask worker lost (KilledWorker)
                    ready.append((job, {"reason": f"工作进程出错（{type(exc).__name__}：{exc}）。"}))
            self._store(ready)
            if broken:
                self._crashed(broken)

    def _store(self, ready: list[tuple[_Job, dict]]) -> None:
        """The results that are in.  On SQLite (one writer) they are written in one transaction:
        a commit was a quarter of the writer's time a report, and more results are in at once
        exactly when the writer is behind.  On PostgreSQL each report keeps its own (pipelined)
        transaction: sharded clients writing at once must not lock agencies in two orders."""
        with self.store.transaction() if self.store.dialect == "sqlite" else nullcontext():
            for job, result in ready:
                self._finish(job, result)

    def _crashed(self, suspects: list[_Job]) -> None:
        """A worker died (or the pool stopped answering) and took the pool with it.  Every file
        in flight is a suspect: each is run again alone in a fresh pool, so only the file that
        kills or hangs a worker by itself fails."""
        self.summary.crashes += 1
        suspects = suspects + list(self.in_flight.values())
        self.in_flight.clear()
        _discard(self.pool)
        self.pool = _local_pool(self.workers)
        for job in suspects:
            try:
                result = self.pool.submit(process, job.item.path, job.data, self.timeout).result(timeout=self.stall)
            except (BrokenProcessPool, FutureTimeout):
                _discard(self.pool)
                self.pool = _local_pool(self.workers)
                result = {"reason": "处理该文件时工作进程意外退出或失去响应（单独重试后仍然如此），"
                                    "文件可能触发了读取程序的缺陷。"}
            self._finish(job, result)


def placement_for(store: Store, agency: str | None) -> dict:
    """The placement to store: the user's correction when there is one, else automatic."""
    key = normalise(agency or "")
    fix = store.correction(key) if key else None
    if fix:
        return corrected(key, agency or "", fix[0], fix[1])
    return place(agency)


def _record_unreadable(store: Store, item: Item, reason: str, summary: Summary) -> None:
    """A file that could not even be read is listed; it is stored when it has content to hash."""
    summary.failed.append((item.path, reason))
    if item.archive and item.member is not None:
        # An unreadable member has no content to hash: its archive, name, CRC and size identify it.
        key = f"{item.archive}!{item.member.filename}:{item.member.CRC}:{item.member.file_size}"
        sha = hashlib.sha256(key.encode("utf-8")).hexdigest()
    else:
        try:
            with open(item.path, "rb") as f:
                sha = hashlib.file_digest(f, "sha256").hexdigest()
        except OSError:
            return  # nothing on disk to keep; the failure is still listed for this run
    store.save(sha256=sha, name=item.name, path=item.path, size=0, parser_version=PARSER_VERSION,
               result={"reason": reason, "form": "zip" if item.archive or item.path.endswith(".zip") else None},
               placement=None)
