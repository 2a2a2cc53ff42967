"""Real processes on one store (SQLite; PostgreSQL for the numbers): two clerks adding at once lose nothing and never share a
number; an import killed half-way leaves nothing behind."""

import multiprocessing as mp
import os
import signal
from datetime import date

import pytest

from gongkai.log.store import DisclosureLog, NewItem
from gongkai.workdays import load_calendar

CTX = mp.get_context("fork")


def _clerk(url: str, name: str, n: int) -> None:
    with DisclosureLog(url, calendar=load_calendar(), create=True) as log:
        for i in range(n):
            log.add(NewItem(f"{name}-{i}", "other", date(2025, 1 + i % 12, 1 + i % 28)), name)


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_two_clerks_at_once(store, db_url, request):
    if store == "postgresql":
        db_url = request.getfixturevalue("pg_url")
    DisclosureLog(db_url, create=True).close()
    procs = [CTX.Process(target=_clerk, args=(db_url, name, 60)) for name in ("甲", "乙")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    with DisclosureLog(db_url, create=True) as log:
        items = log.items()
        # the year's own sequence, drawn under the lock: every number once, none skipped
        assert sorted(i.ref for i in items) == [f"D2025-{n:06d}" for n in range(1, 121)]
        assert sorted(i.title for i in items if i.created_by == "甲") == sorted(f"甲-{i}" for i in range(60))


def _killed_import(url: str) -> None:
    items = [(f"第{i + 2}行", NewItem(f"文件{i}", "normative_docs", date(2025, 3, 1), doc_no=f"某〔2025〕{i}号"))
             for i in range(500)]

    def progress(n: int) -> None:
        if n == 250:
            os.kill(os.getpid(), signal.SIGKILL)

    with DisclosureLog(url, create=True) as log:
        log.import_items(items, "clerk", progress)


def test_an_import_killed_half_way_leaves_nothing(db_url):
    with DisclosureLog(db_url, create=True) as log:
        log.add(NewItem("已有", "other", date(2025, 1, 2)), "clerk")
    p = CTX.Process(target=_killed_import, args=(db_url,))
    p.start()
    p.join(120)
    assert p.exitcode == -signal.SIGKILL
    with DisclosureLog(db_url, create=True) as log:
        assert log.count() == 1 and [i.title for i in log.items()] == ["已有"]
        log.add(NewItem("之后", "other", date(2025, 1, 3)), "clerk")   # the store is usable at once
        assert log.count() == 2
