"""The full run of the issue: the seeds, the published PDFs and 10,000 generated reports in all
five forms (2,000 each of txt, html, md, docx, pdf), ingested on all cores into one SQLite
corpus, and every generated report read back with exactly the agency, year and cells that
were drawn.

DOCX and PDF are written by gongkai's own renderer (then LibreOffice for PDF), which is most
of the time of this test; see the figures it prints with ``-s``."""

from __future__ import annotations

import sqlite3
import time
from decimal import Decimal

import pytest
from gk_corpus_helpers import PDFS, SEEDS, generate

from gongkai.corpus.ingest import ingest
from gongkai.corpus.store import Store
from tests.synth import FORMS

N = 10_000


def _stored_cells(con: sqlite3.Connection):
    """(name, {cell id: value}) of each generated report, one report at a time."""
    name, cells = None, {}
    for doc, cell_id, value in con.execute(
            "SELECT d.name, c.cell_id, c.value FROM cells c JOIN documents d ON d.id = c.document_id"
            " WHERE d.name LIKE 'gen2026_%' ORDER BY d.name"):
        if doc != name:
            if name is not None:
                yield name, cells
            name, cells = doc, {}
        # SQLite keeps a NUMERIC amount as a float; its shortest repr is the printed decimal.
        cells[cell_id] = Decimal(repr(value)) if isinstance(value, float) else value
    if name is not None:
        yield name, cells


@pytest.mark.timeout(3600)
def test_ten_thousand_reports_in_five_forms(tmp_path):
    assert FORMS == ("txt", "html", "md", "docx", "pdf")
    started = time.monotonic()
    truth = generate(tmp_path / "gen", N, seed=2026, forms=FORMS)
    generated = time.monotonic() - started
    db = str(tmp_path / "corpus.db")
    started = time.monotonic()
    with Store(db) as store:
        summary = ingest([str(tmp_path / "gen"), *map(str, SEEDS), *map(str, PDFS)], store)
    elapsed = time.monotonic() - started
    pdf_failures = [p for p, _ in summary.failed if p.endswith(".pdf")]
    assert [p for p, _ in summary.failed if not p.endswith(".pdf")] == []
    assert not any("gen2026_" in p for p in pdf_failures)
    assert summary.added == N + len(SEEDS) + len(PDFS) - len(pdf_failures)
    assert summary.by_form == {"txt": 2000 + len(SEEDS), "html": 2000, "md": 2000, "docx": 2000,
                               "pdf": 2000 + len(PDFS)}
    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT COUNT(*), COUNT(DISTINCT sha256) FROM documents").fetchone() == (N + 8, N + 8)
        stored = {n: (f, a, y, s) for n, f, a, y, s in con.execute(
            "SELECT name, form, agency, year, status FROM documents WHERE name LIKE 'gen2026_%'")}
        cells = dict(_stored_cells(con))
        # Placement found a division for every generated body (all are real counties).
        unplaced = con.execute("SELECT COUNT(*) FROM documents d JOIN agencies a ON a.agency_key = d.agency_key"
                               " WHERE d.name LIKE 'gen2026_%' AND a.code IS NULL").fetchone()[0]
    finally:
        con.close()
    assert unplaced < N * 0.05  # namesake counties without their city in the name stay open
    # Every generated report, in every form: its form, agency and year as drawn, parsed cleanly,
    # and exactly its drawn cells (every cell present, every value equal, none extra).
    assert set(stored) == set(cells) == set(truth)
    assert [n for n, s in truth.items() if stored[n] != (n.rsplit(".", 1)[1], s.agency, s.year, "ok")] == []
    assert [n for n, s in truth.items() if cells[n] != s.cells] == []
    print(f"\ngenerated {N} files (2,000 per form; DOCX by gongkai, PDF from it by LibreOffice) "
          f"in {generated:.0f} s; ingested {N + 8} files in {elapsed:.1f} s ({(N + 8) / elapsed:.0f} files/s)")
