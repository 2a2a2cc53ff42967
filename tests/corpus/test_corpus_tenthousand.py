"""The full run of the issue: the seeds, the published PDFs and 10,000 generated reports in three
forms, ingested on all cores into one SQLite corpus (about a minute on two cores)."""

from __future__ import annotations

import sqlite3
import time

from gk_corpus_helpers import PDFS, SEEDS, generate

from gongkai.corpus.ingest import ingest
from gongkai.corpus.store import Store

N = 10_000


def test_ten_thousand_reports(tmp_path):
    truth = generate(tmp_path / "gen", N, seed=2026, forms=("txt", "html", "md"))
    db = str(tmp_path / "corpus.db")
    started = time.monotonic()
    with Store(db) as store:
        summary = ingest([str(tmp_path / "gen"), *map(str, SEEDS), *map(str, PDFS)], store)
    elapsed = time.monotonic() - started
    pdf_failures = [p for p, _ in summary.failed if p.endswith(".pdf")]
    assert [p for p, _ in summary.failed if not p.endswith(".pdf")] == []
    assert summary.added == N + len(SEEDS) + len(PDFS) - len(pdf_failures)
    assert summary.by_form["txt"] == 3334 + len(SEEDS)
    assert summary.by_form["html"] == 3333 and summary.by_form["md"] == 3333
    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT COUNT(*), COUNT(DISTINCT sha256) FROM documents").fetchone() == (N + 8, N + 8)
        gen_cells = con.execute("SELECT COUNT(*) FROM cells c JOIN documents d ON d.id = c.document_id"
                                " WHERE d.name LIKE 'gen2026_%'").fetchone()[0]
        assert gen_cells == sum(len(s.cells) for s in truth.values())
        # Every generated report's agency and year as drawn.
        stored = dict(((n, (a, y)) for n, a, y in con.execute(
            "SELECT name, agency, year FROM documents WHERE name LIKE 'gen2026_%'")))
        assert stored == {n: (s.agency, s.year) for n, s in truth.items()}
        # Placement found a division for every generated body (all are real counties).
        unplaced = con.execute("SELECT COUNT(*) FROM documents d JOIN agencies a ON a.agency_key = d.agency_key"
                               " WHERE d.name LIKE 'gen2026_%' AND a.code IS NULL").fetchone()[0]
    finally:
        con.close()
    assert unplaced < N * 0.05  # namesake counties without their city in the name stay open
    print(f"\n{N + 8} files in {elapsed:.1f} s ({(N + 8) / elapsed:.0f} files/s)")
