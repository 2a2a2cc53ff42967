"""Cross-year checks in the corpus: each report against the same body's report of the year
before (CARRY-OVER, IN-FORCE, ITEMS-CHAIN, COPY, TEXT-COPIED), and its own findings that speak of
last year worded with that report (LAST-YEAR, TEXT-YEAR, the text's 上年结转: ``compare.with_previous``)
— the findings ``gongkai check --previous`` gives, in its order.

A worker sees one file, not the rest of the corpus, so these rules run after the parse, as a
pass over the store: the ingest process lists what is due (``due``) and its workers compare
(``compare``, a chunk a task), or it compares them itself (``run``).  The pass compares each report with the last-year report it
should be compared with now and redoes only those for which that differs from the one it was
last compared with (``documents.previous_id``; the store resets it when either report is
parsed again).  The report's findings are replaced whole: those made with last year's report
(the cross-year rules', and its own reworded by it) carry its ``previous_id``, the rest none; a
LAST-YEAR that last year's report makes moot is dropped.  Nothing is added twice, a rerun changes
nothing, a last-year report that arrives later brings the next-year report's cross-year findings
with it, and one that goes (or is no longer the one before) gives the report back its findings alone.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from gongkai.check import check_report
from gongkai.corpus.store import Store
from gongkai.extract.recover import refine
from gongkai.format.places import identity
from gongkai.model import Finding, Report


def due(store: Store) -> list[tuple[int, int | None, int | None]]:
    """(report id, last-year report id or None, the one it was last compared with) of every
    report whose cross-year findings are out of date."""
    # One body, however its name was printed: paired by its identity (division code and body),
    # not by the name's spelling (洪泽区人民政府 2023, 淮安市洪泽区人民政府 2024).
    # Of several stored reports of one body and year (a corrected re-send, the same report as PDF
    # and as a web page), the one counted (``store.received``: the last received).
    # The reports are streamed twice rather than held (a corpus can have a million); what is
    # kept is one id per body and year.
    first: dict[tuple[str | None, int], int] = {}
    for doc_id, key, year, _ in _bodies(store, "counted"):
        first.setdefault((key, year), doc_id)  # the counted first
    out: list[tuple[int, int | None, int | None]] = []
    for doc_id, key, year, done in _bodies(store, "id"):
        previous = first.get((key, year - 1))
        if previous != done:
            out.append((doc_id, previous, done))
    # Reports that are no longer 'ok' (now failed) keep no cross-year results.
    out += [(doc_id, None, done) for doc_id, done in store.compared_unreadable()]
    return out


def _bodies(store: Store, order: str) -> Iterator[tuple[int, str | None, int, int | None]]:
    """(id, body identity, year, last compared with) of the readable placed reports, by ``order``."""
    for doc_id, code, unit, agency_key, year, previous_id in store.report_bodies(order):
        key = identity(code, unit, agency_key)
        yield doc_id, sys.intern(key) if key else key, year, previous_id


CHUNK = 16  # reports compared and then written together


def run(store: Store) -> int:
    """Bring every report's cross-year findings up to date, here; the number of reports compared
    with a last-year report.  (Ingest shares ``due(store)`` out to its workers: ``compare``.)"""
    items = due(store)
    return sum(compare(store, items[i:i + CHUNK]) for i in range(0, len(items), CHUNK))


def compare(store: Store, items: list[tuple[int, int | None, int | None]],
            lock: AbstractContextManager[Any] | None = None) -> int:
    """Compare each of ``items`` (from ``due``) and store its findings; how many had a last-year
    report.  Digits a flattened page ran together that last year's figures cut one way are fixed
    first (``recover.refine``; undone when the last-year report changes).  Everything is worked
    out before anything is written, so a writer's turn (``lock``: an ingest pool's) is short."""
    done = [_compared(store, *item) for item in items]
    with lock or nullcontext(), store.transaction() if store.dialect == "sqlite" else nullcontext():
        for (doc_id, previous_id, _), (refined, findings, _) in zip(items, done, strict=True):
            if refined is not None:
                store.replace_report(doc_id, refined)
            if findings is not None:
                store.save_cross_year(doc_id, previous_id, findings)
    return sum(1 for *_, compared in done if compared)


def _compared(store: Store, doc_id: int, previous_id: int | None,
              done: int | None) -> tuple[Report | None, list[tuple[Finding, bool]] | None, bool]:
    """(the report refined by last year's figures, or None; all its findings, each with whether
    it was made with last year's report, or None when nothing is to be written; whether it was
    compared with a last-year report)."""
    if previous_id is None and done is None:
        return None, None, False
    report = store.load_report(doc_id)
    if report is None:
        return None, [], False
    previous = store.load_report(previous_id) if previous_id is not None else None
    refined = None
    if report.ambiguous and refine(report, previous):
        report.findings = check_report(report)
        refined = report
    if previous is None:  # no last-year report (any more): the report's findings alone
        return refined, [(f, False) for f in check_report(report)], False
    # Those of the report alone (its stored ones) stay its own; what last year's report made or
    # reworded is marked as made with it.
    alone = {_key(f) for f in report.findings}
    return refined, [(f, _key(f) not in alone) for f in check_report(report, previous)], True


def _key(f: Finding) -> tuple:
    return f.rule, f.severity, f.message, tuple(f.cells), f.where, f.quote
