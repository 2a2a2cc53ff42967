"""Batch ingest: files → parse and check in parallel → the corpus store.

Resumable and idempotent by content: a file whose sha256 is stored with the current parser
version is not redone, and each report is written in its own transaction, so a run killed at
any point restarts where it stopped with no duplicates.  Only the parent process writes to the
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
from dataclasses import dataclass, field

from gongkai import PARSER_VERSION
from gongkai.corpus import crossyear
from gongkai.corpus.places import placement_for
from gongkai.corpus.sources import Item, iter_items
from gongkai.corpus.store import Store
from gongkai.corpus.worker import PRELOAD, process

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
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, max_tasks_per_child=TASKS_PER_CHILD)


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
    items = list(iter_items(paths))
    summary = Summary()
    total = len(items)
    progress = on_progress or (lambda done, total, path: None)
    workers = workers or os.cpu_count() or 1
    dask = bool(cluster)
    pool = _DaskPool(cluster) if dask else _local_pool(workers)
    # Enough files in flight to keep every worker busy; a cluster has more latency to hide.
    window = max(4, workers * 4) if not dask else 256
    in_flight: dict = {}  # future -> job
    stall = timeout + 30  # no result for this long from a local pool means it is stuck
    by_sha: dict[str, _Job] = {}
    count = 0

    placements: dict[str | None, dict] = {}  # one lookup per agency per run

    def finish(job: _Job, result: dict) -> None:
        nonlocal count
        report = result.get("report")
        placement = None
        if report:
            agency = report.get("agency")
            if agency not in placements:
                placements[agency] = placement_for(store, agency)
            placement = placements[agency]
        store.save(sha256=job.sha256, name=job.item.name, path=job.item.path, size=job.size,
                   parser_version=PARSER_VERSION, result=result, placement=placement,
                   extra_paths=tuple(job.extra_paths), is_new=not job.existed)
        form = result.get("form") or "?"
        summary.by_form[form] = summary.by_form.get(form, 0) + 1
        if report is None:
            summary.failed.append((job.item.path, result.get("reason") or "未知原因"))
        elif job.existed:
            summary.updated += 1
        else:
            summary.added += 1
        by_sha.pop(job.sha256, None)
        count += 1 + len(job.extra_paths)
        progress(count, total, job.item.path)

    def submit(job: _Job) -> None:
        try:
            in_flight[pool.submit(process, job.item.path, job.data, timeout)] = job
        except BrokenProcessPool:  # the pool broke before any of its futures told us
            crashed([])
            in_flight[pool.submit(process, job.item.path, job.data, timeout)] = job

    def crashed(suspects: list[_Job]) -> None:
        """A worker died (or the pool stopped answering) and took the pool with it.  Every file
        in flight is a suspect: each is run again alone in a fresh pool, so only the file that
        kills or hangs a worker by itself fails."""
        nonlocal pool
        summary.crashes += 1
        suspects = suspects + list(in_flight.values())
        in_flight.clear()
        _discard(pool)
        pool = _local_pool(workers)
        for job in suspects:
            try:
                result = pool.submit(process, job.item.path, job.data, timeout).result(timeout=stall)
            except (BrokenProcessPool, FutureTimeout):
                _discard(pool)
                pool = _local_pool(workers)
                result = {"reason": "处理该文件时工作进程意外退出或失去响应（单独重试后仍然如此），"
                                    "文件可能触发了读取程序的缺陷。"}
            finish(job, result)

    def drain(block_until: int) -> None:
        while len(in_flight) > block_until or (
                in_flight and sum(j.size for j in in_flight.values()) > MAX_INFLIGHT_BYTES):
            if dask:
                done = pool.wait_one()
            else:
                done = wait(set(in_flight), timeout=stall, return_when=FIRST_COMPLETED)[0]
                if not done:  # every file has its own time limit: a silent pool is a stuck pool
                    crashed([])
                    continue
            for fut in done:
                job = in_flight.pop(fut, None)
                if job is None:  # a future of a broken pool: its job was rerun by crashed()
                    continue
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    crashed([job])
                    continue
                except Exception as exc:  # noqa: BLE001 - e.g. a Dask worker lost (KilledWorker)
                    result = {"reason": f"工作进程出错（{type(exc).__name__}：{exc}）。"}
                finish(job, result)

    try:
        for item in items:
            if item.problem:
                _record_unreadable(store, item, item.problem, summary)
                count += 1
                progress(count, total, item.path)
                continue
            try:
                data = item.read()
            except (OSError, ValueError, RuntimeError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                _record_unreadable(store, item, f"无法读取文件：{reason}", summary)
                count += 1
                progress(count, total, item.path)
                continue
            sha = hashlib.sha256(data).hexdigest()
            if sha in by_sha:  # the same content twice in this run: one parse, both paths kept
                by_sha[sha].extra_paths.append(item.path)
                continue
            known = store.known(sha)
            if known and not reparse and known[2] == PARSER_VERSION and not (retry_failed and known[1] == "failed"):
                store.add_path(known[0], item.path)
                summary.unchanged += 1
                count += 1
                progress(count, total, item.path)
                continue
            job = _Job(item, sha, len(data), data, existed=known is not None)
            by_sha[sha] = job
            submit(job)
            drain(window)
        drain(0)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    summary.cross_year = crossyear.run(store)
    return summary


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
