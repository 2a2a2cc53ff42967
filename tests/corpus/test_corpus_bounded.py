"""What a question about part of the corpus reads from the database: only that part's rows.

A province's supervisor holds ~10,000 reports and a researcher 100,000 (bench/corpus_pages.py);
a county's statistics or a county's cells must not read every row of the corpus and drop the
rest in Python (that took 4–8 s at 100,000 reports).  These tests count the rows the database
hands over, on a corpus small enough for a test: the counts are the same at any size."""

from __future__ import annotations

import random

import pytest

from gongkai.corpus import export
from gongkai.corpus.ingest import ingest
from gongkai.corpus.stats import compute
from gongkai.corpus.store import Store
from gongkai.db import Database
from tests.synth import draw, render

AGENCIES = ("吴忠市利通区金积镇人民政府", "吴忠市同心县教育局", "中卫市沙坡头区柔远镇人民政府")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bounded")
    rng = random.Random(4)
    for i, agency in enumerate(AGENCIES * 2):
        (tmp / f"{i}.txt").write_bytes(render(draw(rng, year=2022 + i // 3, agency=agency), "txt"))
    url = str(tmp / "corpus.db")
    with Store(url) as store:
        ingest([str(tmp)], store, workers=1)
    return url


TABLES = ("cells", "findings", "documents", "figures", "stat_cells")


def _reads_table(sql: str) -> bool:
    return any(f"FROM {t}" in sql or f"JOIN {t}" in sql for t in TABLES)


@pytest.fixture
def reads(monkeypatch):
    """(SQL, rows) of every statement that reads the cells, findings or documents tables; and
    (SQL, SQLite's query plan) of each in ``reads.plans``."""
    seen = Reads()
    query, iterate = Database.query, Database.iterate

    def planned(self, sql, params):
        if self.dialect == "sqlite" and _reads_table(sql):
            seen.plans.append((sql, [row[-1] for row in self._conn.execute("EXPLAIN QUERY PLAN " + sql, tuple(params))]))

    def counted_query(self, sql, params=()):
        rows = query(self, sql, params)
        if _reads_table(sql):
            seen.append((sql, rows))
            planned(self, sql, params)
        return rows

    def counted_iterate(self, sql, params=(), size=5000):
        rows = list(iterate(self, sql, params, size))
        if _reads_table(sql):
            seen.append((sql, rows))
            planned(self, sql, params)
        yield from rows

    monkeypatch.setattr(Database, "query", counted_query)
    monkeypatch.setattr(Database, "iterate", counted_iterate)
    return seen


class Reads(list):
    def __init__(self) -> None:
        super().__init__()
        self.plans: list[tuple[str, list[str]]] = []

    def clear(self) -> None:
        super().clear()
        self.plans.clear()

    def scans(self) -> list[tuple[str, str]]:
        """(SQL, step) of each full scan of a corpus table in the plans: a part of the corpus is
        looked up by its numbers (a primary key) or its bodies (an index), never scanned for."""
        return [(sql, step) for sql, plan in self.plans for step in plan
                if step.startswith("SCAN") and any(f" {t[0]}" == step[4:6] or t in step for t in TABLES)]


def _ids(store: Store, region: str) -> list[int]:
    return [r.id for r in store.reports(region)]


def test_a_countys_statistics_read_only_that_countys_cells_and_findings(corpus, reads, monkeypatch):
    handed: list[list[tuple[int, int, bool]]] = []
    grouped = Store.stat_groups

    def recorded(groups):
        handed.append(list(groups))
        return grouped(handed[-1])

    monkeypatch.setattr(Store, "stat_groups", staticmethod(recorded))
    with Store(corpus) as store:
        county = _ids(store, "640324")
        reads.clear()
        table = compute(store, "county", "640324")
    assert [(r.region, r.year, r.ids) for r in table.rows] == [
        ("宁夏回族自治区吴忠市同心县", 2022, [county[0]]), ("宁夏回族自治区吴忠市同心县", 2023, [county[1]])]
    # the sums (stat_cells), the findings counted and the unsound sums: of the county's two
    # reports only, looked up by their numbers; the cells table is not read at all (0.9.4)
    assert handed == [[(county[0], 0, True), (county[1], 1, True)]]
    assert [sql for sql, _ in reads if " cells " in f" {sql} "] == []
    assert [step for sql, plan in reads.plans if "stat_cells" in sql for step in plan if "stat_cells" in step] == [
        "SEARCH s USING INDEX sqlite_autoindex_stat_cells_1 (document_id=?)"]
    assert reads.scans() == []  # a subquery over every document made this 400 s at 100,000 reports


def test_a_table_of_chosen_reports_reads_their_rows_only(corpus, reads):
    with Store(corpus) as store:
        county = _ids(store, "640302")
        everything = {name: list(export.table(store, name)[1]) for name in ("reports", "cells", "figures", "findings")}
        reads.clear()
        for name in ("reports", "cells", "figures", "findings"):
            _, rows = export.table(store, name, county)
            # the same rows as the whole table's of those reports, in the same order
            assert list(rows) == [row for row in everything[name] if row[0] in county], name
    for sql, rows in reads:
        assert {row[0] for row in rows} <= set(county) or "COUNT(*)" in sql, sql
    assert reads.scans() == []
    assert sum(len(rows) for sql, rows in reads if "FROM cells" in sql) == 2 * 2 * len(
        [row for row in everything["cells"] if row[0] == county[0]])  # the reports' and the cells tables'
