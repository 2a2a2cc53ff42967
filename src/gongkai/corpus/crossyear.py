"""Cross-year checks in the corpus: each report against the same body's report of the year
before (CARRY-OVER, IN-FORCE, ITEMS-CHAIN, COPY, TEXT-COPIED).

A worker sees one file, not the rest of the corpus, so these rules run after the parse, in the
parent, as a pass over the store.  The pass compares each report with the last-year report it
should be compared with now and redoes only those for which that differs from the one it was
last compared with (``documents.previous_id``; the store resets it when either report is
parsed again).  Its findings carry the same ``previous_id`` and are replaced, never added
twice, so a rerun changes nothing and a last-year report that arrives later brings the
next-year report's cross-year findings with it.
"""

from __future__ import annotations

from gongkai.check import check_cross_year, check_report
from gongkai.corpus.store import Store
from gongkai.extract.recover import refine
from gongkai.format.places import identity


def due(store: Store) -> list[tuple[int, int | None, int | None]]:
    """(report id, last-year report id or None, the one it was last compared with) of every
    report whose cross-year findings are out of date."""
    # One body, however its name was printed: paired by its identity (division code and body),
    # not by the name's spelling (洪泽区人民政府 2023, 淮安市洪泽区人民政府 2024).
    rows = [(r.id, identity(r.code, r.unit, r.agency_key), r.year, r.sha256, r.previous_id)
            for r in store.reports() if r.agency_key is not None and r.year is not None]
    # Of several stored reports of one body and year (e.g. the same report as PDF and as a web
    # page), the one with the least content hash: the choice does not depend on ingest order.
    first: dict[tuple[str | None, int], tuple[str, int]] = {}
    for doc_id, key, year, sha, _ in rows:
        if (key, year) not in first or sha < first[(key, year)][0]:
            first[(key, year)] = (sha, doc_id)
    out: list[tuple[int, int | None, int | None]] = []
    for doc_id, key, year, _, done in rows:
        last_year = first.get((key, year - 1))
        previous = last_year[1] if last_year else None
        if previous != done:
            out.append((doc_id, previous, done))
    # Reports that are no longer 'ok' (now failed) keep no cross-year results.
    out += [(doc_id, None, done) for doc_id, done in store.compared_unreadable()]
    return out


def run(store: Store) -> int:
    """Bring every report's cross-year findings up to date; the number of reports compared with
    a last-year report.  Digits a flattened page ran together that last year's figures cut one
    way are fixed first (``recover.refine``; undone when the last-year report changes)."""
    compared = 0
    for doc_id, previous_id, done in due(store):
        findings = []
        if previous_id is not None or done is not None:
            report = store.load_report(doc_id)
            previous = store.load_report(previous_id) if previous_id is not None else None
            if report is not None and report.ambiguous and refine(report, previous):
                report.findings = check_report(report)
                store.replace_report(doc_id, report)
            if previous is not None and report is not None:
                findings = check_cross_year(report, previous)
                compared += 1
        store.save_cross_year(doc_id, previous_id, findings)
    return compared
