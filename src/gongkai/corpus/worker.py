"""The work done for one file, in a worker process (local pool or Dask worker).

It takes bytes, not a path, so it runs the same on a machine that cannot see the file.  It
never raises: a failure comes back as a result with the Chinese reason, so one bad file
cannot stop a batch.  The result holds plain picklable data ready for the store.
"""

from __future__ import annotations

import json
import signal
import threading

from gongkai.check import check_report
from gongkai.corpus.store import cell_rows, figure_rows
from gongkai.errors import GongkaiError


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
        report = one(loaded.reports, name)
    except GongkaiError as exc:
        return {"form": form, "reason": exc.message}
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
    cells = cell_rows(report)
    d = report.to_dict()
    # Serialised here, in parallel, rather than in the single parent that writes the store.
    # A report JSON keeps the form of the file it was read from; the corpus records what it was given.
    form = loaded.form if loaded.form in ("json", "yaml") else report.source.form or form
    return {"form": form, "report": {k: d[k] for k in ("agency", "year", "format", "published")},
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
