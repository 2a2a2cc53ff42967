"""Cross-year checks in the corpus: each report against the same body's report of the year
before (CARRY-OVER, IN-FORCE, COPY, TEXT-COPIED).

A worker sees one file, not the rest of the corpus, so these rules run after the parse, in the
parent, as a pass over the store.  The pass compares each report with the last-year report it
should be compared with now and redoes only those for which that differs from the one it was
last compared with (``documents.previous_id``; the store resets it when either report is
parsed again).  Its findings carry the same ``previous_id`` and are replaced, never added
twice, so a rerun changes nothing and a last-year report that arrives later brings the
next-year report's cross-year findings with it.
"""

from __future__ import annotations

import json

from gongkai.check import check_cross_year, check_report
from gongkai.corpus.places import identity
from gongkai.corpus.store import Store
from gongkai.corpus.worker import cell_rows
from gongkai.extract.recover import refine
from gongkai.model import Report


def due(store: Store) -> list[tuple[int, int | None, int | None]]:
    """(report id, last-year report id or None, the one it was last compared with) of every
    report whose cross-year findings are out of date."""
    # One body, however its name was printed: paired by its identity (division code and body),
    # not by the name's spelling (洪泽区人民政府 2023, 淮安市洪泽区人民政府 2024).
    rows = [(doc_id, identity(code, unit, key), year, sha, done) for doc_id, key, year, sha, done, code, unit
            in store.query("SELECT d.id, d.agency_key, d.year, d.sha256, d.previous_id, a.code, a.unit"
                           " FROM documents d LEFT JOIN agencies a ON a.agency_key = d.agency_key"
                           " WHERE d.status = 'ok' AND d.agency_key IS NOT NULL AND d.year IS NOT NULL")]
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
    out += [(doc_id, None, done) for doc_id, done in store.query(
        "SELECT id, previous_id FROM documents WHERE previous_id IS NOT NULL AND status <> 'ok'")]
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
                _rewrite(store, doc_id, report)
            if previous is not None and report is not None:
                findings = check_cross_year(report, previous)
                compared += 1
        start = store.query("SELECT COALESCE(MAX(seq) + 1, 0) FROM findings"
                            " WHERE document_id = ? AND previous_id IS NULL", (doc_id,))[0][0]
        with store.transaction():
            store.execute("DELETE FROM findings WHERE document_id = ? AND previous_id IS NOT NULL", (doc_id,))
            store.insert_rows("findings", ("document_id", "seq", "rule", "severity", "cells", "message", "place",
                                           "previous_id"),
                              [(doc_id, start + i, f.rule, f.severity, ";".join(f.cells), f.message, str(f.where) if f.where else None,
                                previous_id) for i, f in enumerate(findings)])
            store.execute("UPDATE documents SET previous_id = ? WHERE id = ?", (previous_id, doc_id))
    return compared


def _rewrite(store: Store, doc_id: int, report: Report) -> None:
    """Store a report whose cells last year's figures changed: its JSON, cells and own findings."""
    findings = check_report(report)
    report.findings = findings
    with store.transaction():
        store.execute("UPDATE documents SET report_json = ? WHERE id = ?",
                      (json.dumps(report.to_dict(), ensure_ascii=False), doc_id))
        store.execute("DELETE FROM cells WHERE document_id = ?", (doc_id,))
        store.insert_rows("cells", ("document_id", "cell_id", "value", "raw", "place", "inferred", "confidence"),
                          [(doc_id, *c) for c in cell_rows(report)])
        store.execute("DELETE FROM findings WHERE document_id = ? AND previous_id IS NULL", (doc_id,))
        store.insert_rows("findings", ("document_id", "seq", "rule", "severity", "cells", "message", "place"),
                          [(doc_id, i, f.rule, f.severity, ";".join(f.cells), f.message, f.where)
                           for i, f in enumerate(findings)])
