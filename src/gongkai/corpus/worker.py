"""The work done for one file, in a worker process (local pool or Dask worker).

``process`` takes bytes, not a path, so it runs the same on a machine that cannot see the file.
It never raises: a failure comes back as a result with the Chinese reason, so one bad file
cannot stop a batch.  The result holds plain picklable data ready for the store.

A local pool's worker sees the files and the store, so it does the whole of a file
(``ingest_files``, several a task): it reads and hashes each, skips content already stored,
parses and checks it, and stores the task's results together.  The ingest process then only hands out paths and
counts outcomes: a single writer was the bound on how much a second core could add (it spent
2.7–3.3 ms of CPU a report against 4.5 ms in a worker).  A Dask worker sees neither the files
nor the store: there the ingest process reads, skips and stores (``seen``,
``record_seen``, ``store_result``) around ``process``.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import threading
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial
from typing import Any

from gongkai.check import check_report
from gongkai.corpus.sources import Item
from gongkai.corpus.store import Known, Store, cell_rows, figure_rows
from gongkai.errors import GongkaiError
from gongkai.format.places import corrected, normalise, place


@dataclass(frozen=True)
class Run:
    """What every file of one ingest run is decided and stored with (sent to each worker once)."""

    url: str  # the store
    started: str  # the run's start to the microsecond: the ``ingested_at`` of what it stores, and its identity
    parser_version: str
    reparse: bool = False
    retry_failed: bool = False
    timeout: float | None = None


# -- one file, whole, in a local pool's worker ---------------------------------------------------
_run: Run | None = None
_store: Store | None = None
_write_lock: Any = None  # the pool's lock around writes: SQLite has one writer, waiting on a lock beats its busy polling
_placements: dict[str | None, dict] = {}  # one lookup per agency per worker


def start(run: Run | None, ocr_slots: Any, write_lock: Any) -> None:
    """A local pool's worker initializer: the run and the store's connection (none without a
    run), the shared OCR slots and write lock."""
    from gongkai.read.ocr import set_slots

    global _run, _store, _write_lock
    set_slots(ocr_slots)
    _run, _write_lock = run, write_lock
    _store = Store(run.url) if run is not None else None
    _placements.clear()


def ingest_files(items: list[Item]) -> list[dict]:
    """Read, hash, parse and check each file in this worker, then store them all (on SQLite in
    one transaction, taking the pool's write lock once); their outcomes (``outcome``)."""
    assert _run is not None and _store is not None, "ingest_files runs in a worker started by start()"
    store, run = _store, _run
    writes: list[Callable[[], dict]] = []  # what each file leaves in the store, done together at the end
    for item in items:
        try:
            data = item.read()
        except (OSError, ValueError, RuntimeError) as exc:
            from gongkai.files import os_reason

            reason = os_reason(exc) if isinstance(exc, OSError) else str(exc)
            writes.append(partial(record_unreadable, store, run, item, f"无法读取文件：{reason}"))
            continue
        sha = hashlib.sha256(data).hexdigest()
        known = seen(store, run, sha)
        if known is not None:
            writes.append(partial(record_seen, store, run, known, item.path))
            continue
        result = process(item.path, data, run.timeout)
        writes.append(partial(store_result, store, run, item, sha, len(data), result))
    if store.dialect != "sqlite":
        # PostgreSQL takes writers at once; each report keeps its own transaction, so writers on
        # several connections never lock agencies in two orders.
        return [write() for write in writes]
    with _write_lock or nullcontext(), store.transaction():
        return [write() for write in writes]


def cross_year(items: list[tuple[int, int | None, int | None]]) -> int:
    """``crossyear.compare`` of a chunk of what is due, in this worker; how many were compared."""
    from gongkai.corpus import crossyear

    assert _store is not None, "cross_year runs in a worker started by start()"
    return crossyear.compare(_store, items, _write_lock if _store.dialect == "sqlite" else None)


# -- deciding and storing (a local worker, or the ingest process for a Dask cluster) --------------
def outcome(kind: str, doc_id: int | None = None, form: str | None = None, reason: str | None = None) -> dict:
    """What a file came to.  ``kind``: added | updated (parsed or failed: ``reason``) | unchanged
    (stored before this run by this parser version) | again (the same content was stored by this
    run already: its path is added) | unreadable (``reason``)."""
    return {"kind": kind, "id": doc_id, "form": form, "reason": reason}


def seen(store: Store, run: Run, sha: str) -> Known | None:
    """What is stored of content that need not be parsed again (``record_seen``), or None."""
    known = store.known(sha)
    if known is None or known.parser_version != run.parser_version:
        return None
    if known.ingested_at != run.started and (run.reparse or (run.retry_failed and known.status == "failed")):
        return None
    return known


def record_seen(store: Store, run: Run, known: Known, path: str) -> dict:
    """Content met again: its path is added."""
    store.add_path(known.id, path)
    if known.ingested_at == run.started:
        return outcome("again", known.id, known.form, known.reason if known.status == "failed" else None)
    return outcome("unchanged", known.id)


def store_result(store: Store, run: Run, item: Item, sha: str, size: int, result: dict,
                 placements: dict | None = None) -> dict:
    """Store one processed file (a report or the reason it failed); its outcome.  ``placements``:
    the run's agency placements looked up so far (default: this worker's)."""
    report = result.get("report")
    placement = placement_for(store, report.get("agency"), _placements if placements is None else placements) \
        if report else None
    kind, doc_id = store.record(sha256=sha, name=item.name, path=item.path, size=size,
                                parser_version=run.parser_version, result=result, placement=placement,
                                run=run.started)
    return outcome(kind, doc_id, result.get("form") or "?",
                   None if report is not None else (result.get("reason") or "未知原因"))


def record_unreadable(store: Store, run: Run, item: Item, reason: str, data: bytes | None = None) -> dict:
    """A file that could not be read, or whose ``data`` kills a worker by itself, is listed; it
    is stored as a failure when it has content to hash (its own, so a later run skips it)."""
    form = "zip" if item.archive or item.path.endswith(".zip") else None
    if data is not None:
        sha, form = hashlib.sha256(data).hexdigest(), None
    elif item.archive and item.member is not None:
        # An unreadable member has no content to hash: its archive, name, CRC and size identify it.
        key = f"{item.archive}!{item.member.filename}:{item.member.CRC}:{item.member.file_size}"
        sha = hashlib.sha256(key.encode("utf-8")).hexdigest()
    else:
        # Only a regular file is hashed: opening a named pipe waits for a writer, /dev/zero never ends.
        if not os.path.isfile(item.path):
            return outcome("unreadable", reason=reason)  # nothing on disk to keep; listed for this run
        try:
            with open(item.path, "rb") as f:
                sha = hashlib.file_digest(f, "sha256").hexdigest()
        except OSError:
            return outcome("unreadable", reason=reason)
    store.save(sha256=sha, name=item.name, path=item.path, size=len(data or b""), parser_version=run.parser_version,
               result={"reason": reason, "form": form}, placement=None, ingested_at=run.started)
    return outcome("unreadable", reason=reason)


def placement_for(store: Store, agency: str | None, cache: dict[str | None, dict]) -> dict:
    """The placement to store: the user's correction when there is one, else automatic (looked up
    once a run: ``cache``)."""
    if agency not in cache:
        key = normalise(agency or "")
        fix = store.correction(key) if key else None
        cache[agency] = corrected(key, agency or "", fix[0], fix[1]) if fix else place(agency)
    return cache[agency]


class _TimeLimit(BaseException):
    """Raised by the alarm.  A BaseException, so that a reader's ``except Exception`` cannot
    swallow it and report a slow file as a damaged one."""


def _alarm(signum, frame):
    raise _TimeLimit()


def process(name: str, data: bytes, timeout: float | None = None) -> dict:
    """Parse and check one report.  ``name`` is the display name (path or zip member)."""
    if not timeout:
        return _process(name, data)
    # The time limit is a SIGALRM timer, which only a main thread can set: true in a pool
    # worker, not on a Dask worker's task threads.  There the file goes to a child process
    # (``child``), in whose main thread the same timer works.
    if threading.current_thread() is not threading.main_thread():
        from gongkai.corpus import child

        try:
            return child.run(name, data, timeout)
        except child.NoAnswer:
            return timed_out(name, data, timeout)
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, timeout)  # one-shot: at most one _TimeLimit
            return _process(name, data)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _TimeLimit:
        return timed_out(name, data, timeout)
    finally:
        signal.signal(signal.SIGALRM, previous)


def timed_out(name: str, data: bytes, timeout: float) -> dict:
    """The result of a file that took longer than the time limit."""
    from gongkai.load import input_form

    return {"form": _safe_form(input_form, data, name),
            "reason": f"处理超过时限（{timeout:g} 秒），已跳过。可用 --timeout 放宽时限并加 --retry-failed 重试。"}


def _safe_form(input_form, data: bytes, name: str) -> str | None:
    try:
        return input_form(data, name)
    except Exception:  # noqa: BLE001 - the form is only a label here
        return None


def _process(name: str, data: bytes) -> dict:
    from gongkai.load import input_form, load_input, one

    form = _safe_form(input_form, data, name)
    try:
        loaded = load_input(data, name)
        if len(loaded.reports) > 1:  # JSON Lines without the corpus objects of an export (``reimport``)
            return {"form": form, "reason": f"此文件含 {len(loaded.reports)} 份报告（JSON Lines），但不是语料库导出文件"
                                            "（gongkai export --to jsonl，每行带 corpus 对象），不能收回：请入库原文件。"}
        report = one(loaded.reports, name)
    except GongkaiError as exc:
        return {"form": form, "reason": "：".join(p for p in (exc.place, exc.message) if p)}
    except RecursionError:
        return {"form": form, "reason": "文件结构嵌套过深，无法读取。"}
    except MemoryError:
        return {"form": form, "reason": "读取时内存不足，文件可能损坏或过大。"}
    except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the batch; it is recorded
        return {"form": form, "reason": f"内部错误（{type(exc).__name__}：{exc}），请把该文件报告给维护者。"}
    checked = False
    try:
        report.findings = list(check_report(report))
        checked = True
    except Exception as exc:  # noqa: BLE001 - keep the parse even when a rule breaks
        report.notes.append(f"检查未完成（{type(exc).__name__}：{exc}）。")
    d = report.to_dict()
    cells = cell_rows(report, d["cells"])
    # Serialised here, in parallel, rather than in the single parent that writes the store.
    # A report JSON keeps the form of the file it was read from; the corpus records what it was given.
    form = loaded.form if loaded.form in ("json", "yaml") else report.source.form or form
    return {"form": form, "report": {k: d[k] for k in ("agency", "year", "format", "published", "source")},
            "report_json": json.dumps(d, ensure_ascii=False), "cells": cells, "findings": d["findings"],
            "figures": figure_rows(report), "checked": checked}


# Imported before the first file (by the local pool's fork server and by a Dask thread's child),
# so that no time limit can strike half-way through an import.
PRELOAD = ("gongkai.load", "gongkai.extract", "gongkai.read.text", "gongkai.read.html", "gongkai.read.decode")


if __name__ == "__main__":  # a child process of ``corpus.child``: parse files for a Dask thread
    import importlib
    import sys

    from gongkai.corpus.child import serve

    for module in PRELOAD:
        importlib.import_module(module)
    serve(int(sys.argv[1]), process)
