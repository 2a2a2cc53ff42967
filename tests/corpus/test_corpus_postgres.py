"""The same corpus in a real PostgreSQL server (Debian's postgresql, a throwaway cluster on a
Unix socket) gives the same stored cells, exports and statistics as SQLite."""

from __future__ import annotations

import duckdb
from gk_corpus_helpers import CARRY_OVER_FINDINGS, SEEDS, generate, two_years

from gongkai.cli import main
from gongkai.corpus.ingest import ingest
from gongkai.corpus.stats import compute
from gongkai.corpus.store import Store


def _cells(directory):
    return sorted(duckdb.sql(f"SELECT sha256, cell_id, value, raw, \"where\", inferred FROM '{directory}/cells.parquet'"
                             ).fetchall(), key=repr)


def test_postgres_and_sqlite_hold_the_same_corpus(tmp_path, pg_url, capsys):
    generate(tmp_path / "in", 20, seed=81)
    inputs = [str(tmp_path / "in"), *map(str, SEEDS)]
    with Store(pg_url) as pg, Store(str(tmp_path / "c.db")) as lite:
        assert pg.kind == "postgresql"
        a = ingest(inputs, pg, workers=2)
        b = ingest(inputs, lite, workers=2)
        assert (a.added, a.failed) == (b.added, b.failed) == (25, [])
        again = ingest(inputs, pg, workers=2)
        assert (again.added, again.unchanged) == (0, 25)
        assert pg.query("SELECT COUNT(*), COUNT(DISTINCT sha256) FROM documents") == [(25, 25)]
        pg_stats = compute(pg, "county")
        lite_stats = compute(lite, "county")
        assert [(r.region, r.year, r.values, r.based_on) for r in pg_stats.rows] == \
            [(r.region, r.year, r.values, r.based_on) for r in lite_stats.rows]
        assert pg_stats.rules == lite_stats.rules
    assert main(["export", "--db", pg_url, "--to", "parquet", "-o", str(tmp_path / "pg")]) == 0
    assert main(["export", "--db", str(tmp_path / "c.db"), "--to", "parquet", "-o", str(tmp_path / "lite")]) == 0
    capsys.readouterr()
    assert _cells(tmp_path / "pg") == _cells(tmp_path / "lite")
    # A correction made through the CLI on PostgreSQL is kept.
    assert main(["place", "同心县", "--code", "640324", "--unit", "教育局", "--db", pg_url]) == 0
    assert "人工更正" in capsys.readouterr().out


def test_cross_year_findings_on_postgres(tmp_path, pg_url):
    """This year first, then last year: the findings come with the later run, once."""
    last, this = two_years(tmp_path / "in")
    with Store(pg_url) as pg:
        assert ingest([str(this)], pg, workers=1).cross_year == 0
        assert ingest([str(last)], pg, workers=1).cross_year == 1
        assert ingest([str(last), str(this)], pg, workers=1, reparse=True).cross_year == 1
        rows = pg.query("SELECT f.rule, f.severity, f.cells, f.message, p.name FROM findings f"
                        " JOIN documents d ON d.id = f.document_id JOIN documents p ON p.id = f.previous_id"
                        " ORDER BY f.document_id, f.seq")
    assert [tuple(r) for r in rows] == CARRY_OVER_FINDINGS


def test_unreachable_postgres_is_a_chinese_error_without_the_password(capsys):
    code = main(["failures", "--db", "postgresql://someone:secret@127.0.0.1:9/none"])
    err = capsys.readouterr().err
    assert code == 1
    assert "无法连接 PostgreSQL" in err and "secret" not in err and "Traceback" not in err


def test_an_export_taken_back_into_postgres_keeps_its_numbers_and_moves_the_sequence(tmp_path, pg_url, capsys):
    # Numbers given to PostgreSQL's serial column by hand leave its sequence behind: the next
    # file ingested must not take the number of a report taken back.
    last, this = two_years(tmp_path / "in")
    lite = str(tmp_path / "c.db")
    assert main(["ingest", str(last), str(this), *map(str, SEEDS[:2]), "--db", lite, "-q", "--workers", "1"]) == 0
    assert main(["export", "--db", lite, "--to", "jsonl", "-o", str(tmp_path / "a.jsonl")]) == 0
    assert main(["ingest", str(tmp_path / "a.jsonl"), "--db", pg_url, "-q", "--workers", "1"]) == 0
    assert main(["export", "--db", pg_url, "--to", "jsonl", "-o", str(tmp_path / "b.jsonl")]) == 0
    assert (tmp_path / "b.jsonl").read_bytes() == (tmp_path / "a.jsonl").read_bytes()
    assert main(["ingest", str(SEEDS[2]), "--db", pg_url, "-q", "--workers", "1"]) == 0
    with Store(pg_url) as pg, Store(lite) as sqlite:
        assert pg.query("SELECT id, name FROM documents ORDER BY id")[-1] == (5, SEEDS[2].name)
        # what an ingest stored, by number (the web's upload says where they are placed)
        named = pg.query("SELECT id, name FROM documents WHERE id IN (2, 5) ORDER BY id")
        assert [(r.id, r.name) for r in pg.reports_numbered([5, 2, 99])] == [tuple(row) for row in named]
        assert [r.id for r in sqlite.reports_numbered([2, 1])] == [1, 2]


def test_one_corpus_on_postgres_is_safe_in_a_thread_pool(pg_url):
    # Threads sharing gongkai.Corpus nested their transactions and named cursors on its one
    # connection: every call of a pool of 4 failed (OutOfOrderTransactionNesting).
    from concurrent.futures import ThreadPoolExecutor

    import gongkai

    with gongkai.Corpus(pg_url, create=True) as corpus:
        corpus.ingest([str(s) for s in SEEDS[:3]], workers=1)
        numbers = [d.report_id for d in corpus.documents()]

        def read(n):
            return (corpus.report(n).to_json(), [f.rule for f in corpus.findings(n)], corpus.stats("body").records())

        alone = [read(n) for n in numbers]
        with ThreadPoolExecutor(4) as pool:
            assert list(pool.map(read, numbers * 4)) == alone * 4
