"""Exports load in DuckDB, pandas and openpyxl with the documented types and exact row counts."""

from __future__ import annotations

import math
import zipfile

import duckdb
import pandas as pd
import pytest
from gk_corpus_helpers import SEEDS, generate
from openpyxl import load_workbook

from gongkai.cli import main
from gongkai.corpus.export import cell_columns
from gongkai.corpus.ingest import ingest
from gongkai.corpus.store import Store


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("export")
    truth = generate(tmp / "in", 30, seed=31)
    broken = tmp / "in" / "broken.txt"
    broken.write_bytes(b"")
    db = str(tmp / "c.db")
    with Store(db) as store:
        summary = ingest([str(tmp / "in"), *map(str, SEEDS)], store, workers=2)
        assert summary.added == 35 and len(summary.failed) == 1
        counts = {
            "reports": store.query("SELECT COUNT(*) FROM documents WHERE status = 'ok'")[0][0],
            "cells": store.query("SELECT COUNT(*) FROM cells")[0][0],
            "figures": store.query("SELECT COUNT(*) FROM figures")[0][0],
            "findings": store.query("SELECT COUNT(*) FROM findings")[0][0],
            "failures": 1,
        }
        # The seed 同心县 report leaves cells blank: they must export as null, not 0.
        blanks = store.query("SELECT d.name, c.cell_id FROM cells c JOIN documents d ON d.id = c.document_id"
                             " WHERE c.value IS NULL")
    assert counts["reports"] == 35
    assert counts["figures"] == 11 + 22 + 6 + 38 + 17  # the seeds' narratives (the generated ones state none)
    assert counts["cells"] == sum(len(s.cells) for s in truth.values()) + 198 + 200 + 200 + 25 + 186
    assert blanks, "the seeds have blank cells"
    return tmp, db, truth, counts, blanks


def test_parquet_types_and_row_counts(corpus, capsys):
    tmp, db, truth, counts, blanks = corpus
    out = tmp / "pq"
    assert main(["export", "--db", db, "--to", "parquet", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    con = duckdb.connect()
    for table, n in counts.items():
        assert con.execute(f"SELECT COUNT(*) FROM '{out}/{table}.parquet'").fetchall() == [(n,)]
        assert f"{table}.parquet\t{n} 行" in printed
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '{out}/cells.parquet')"
                             ).fetchall())
    assert types == {"report_id": "BIGINT", "sha256": "VARCHAR", "agency": "VARCHAR", "year": "INTEGER",
                     "cell_id": "VARCHAR", "table_id": "VARCHAR", "row_id": "VARCHAR", "column_id": "VARCHAR",
                     "label": "VARCHAR", "value": "BIGINT", "amount": "DOUBLE", "raw": "VARCHAR",
                     "where": "VARCHAR", "inferred": "BOOLEAN", "basis": "VARCHAR", "candidates": "VARCHAR",
                     "confidence": "DOUBLE"}  # counts are integers
    wide = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '{out}/reports.parquet')"
                            ).fetchall())
    assert wide["year"] == "INTEGER" and wide["published"] == "DATE" and wide["checked"] == "BOOLEAN"
    assert wide["table3.new_received.total"] == "BIGINT"
    assert wide["table2.art20_8.admin_fees.amount"] == "DOUBLE"
    assert wide["posted"] == wide["source_url"] == "VARCHAR"
    assert len(wide) == 23 + len(cell_columns()) + 1 and list(wide)[-1] == "received_at"  # last: 0.9.5
    assert wide["received_at"] == "VARCHAR"  # the office's offset and the microseconds kept as written
    # Values come back exactly, blanks as null.
    name, s = sorted(truth.items())[0]
    got = {cell: (amount if cell.endswith(".amount") else value) for cell, value, amount in con.execute(
        f"SELECT c.cell_id, c.value, c.amount FROM '{out}/cells.parquet' c"
        f" JOIN '{out}/reports.parquet' r ON r.report_id = c.report_id WHERE r.name = ?", [name]).fetchall()}
    assert got == {k: (float(v) if k.endswith(".amount") else v) for k, v in s.cells.items()}
    assert all(type(v) is int for k, v in got.items() if not k.endswith(".amount"))
    labels = dict(con.execute(f"SELECT cell_id, label FROM '{out}/cells.parquet' WHERE cell_id IN"
                              " ('table3.granted.total', 'table4.review.total') LIMIT 2").fetchall())
    assert labels == {"table3.granted.total": "表三“（一）予以公开”行“总计”列", "table4.review.total": "表四“行政复议—总计”"}
    for seed_name, cell_id in blanks:
        row = con.execute(f"SELECT c.value FROM '{out}/cells.parquet' c JOIN '{out}/reports.parquet' r"
                          f" ON r.report_id = c.report_id WHERE r.name = ? AND c.cell_id = ?",
                          [seed_name, cell_id]).fetchall()
        assert row == [(None,)]
    amount = con.execute(f'SELECT "table2.art20_8.admin_fees.amount" FROM \'{out}/reports.parquet\''
                         f" WHERE name = ?", [name]).fetchall()[0][0]
    key = "table2.art20_8.admin_fees.amount"
    assert amount == (float(s.cells[key]) if key in s.cells else None)
    failures = con.execute(f"SELECT name, reason FROM '{out}/failures.parquet'").fetchall()
    assert failures == [("broken.txt", "文件为空。")]


def test_parquet_is_made_by_one_duckdb_thread_within_a_limit_and_gives_the_same_bytes(corpus, tmp_path, monkeypatch):
    # DuckDB's default threads each buffered the CSV they read ahead (0.99 GB at 100,000 reports)
    # and its default limit is 80 % of the machine's memory: one thread, a limit, the same files.
    from gongkai.corpus.export import TABLES, export

    _, db, _, _, _ = corpus
    connect, configs = duckdb.connect, []

    def recorded(*args, config=None, **kwargs):
        configs.append(config)
        return connect(*args, config=config or {}, **kwargs)

    monkeypatch.setattr(duckdb, "connect", recorded)
    with Store(db) as store:
        export(store, "parquet", str(tmp_path / "one"))
        assert [(c or {}).get("threads") for c in configs] == [1]
        assert configs[0]["memory_limit"] == "2GB" and configs[0]["temp_directory"]
        monkeypatch.setattr(duckdb, "connect", lambda *args, config=None, **kwargs: connect(*args, **kwargs))
        export(store, "parquet", str(tmp_path / "defaults"))  # as 0.9.4 made them: DuckDB's defaults
    for name in TABLES:
        assert (tmp_path / "one" / f"{name}.parquet").read_bytes() == (tmp_path / "defaults" / f"{name}.parquet").read_bytes()


def test_the_narrative_figures_table(corpus):
    """Seed 003's figures: what each counts, the cells it states, its parts and its scope."""
    tmp, db, truth, counts, blanks = corpus
    out = tmp / "pq-figures"
    assert main(["export", "--db", db, "--to", "parquet", "-o", str(out)]) == 0
    con = duckdb.connect()
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '{out}/figures.parquet')"
                             ).fetchall())
    assert types == {"report_id": "BIGINT", "sha256": "VARCHAR", "agency": "VARCHAR", "year": "INTEGER",
                     "seq": "INTEGER", "section": "INTEGER", "sentence": "VARCHAR", "text": "VARCHAR",
                     "value": "DOUBLE", "unit": "VARCHAR", "counts": "VARCHAR", "counts_name": "VARCHAR",
                     "cells": "VARCHAR", "approx": "BOOLEAN", "from_words": "BOOLEAN", "scope": "VARCHAR",
                     "stated_year": "INTEGER", "part_of": "INTEGER"}
    rows = con.execute(
        f"SELECT g.section, g.text, g.value, g.unit, g.counts, g.counts_name, g.cells, g.approx, g.from_words, g.scope,"
        f" g.stated_year, g.part_of FROM '{out}/figures.parquet' g JOIN '{out}/reports.parquet' r"
        f" ON r.report_id = g.report_id WHERE r.name LIKE '003_%' AND g.counts IS NOT NULL ORDER BY g.seq").fetchall()
    topic = "某一方面的政府信息（正文写明是哪一方面）"
    assert rows[:13] == [
        (1, "公开政府信息 3.3 万多条", 33000.0, "条", "published", "本年公开发布的政府信息（未说明是否主动公开）", None, True,
         False, None, None, None),
        (1, "其中通过政府网站公开信息 17346 条", 17346.0, "条", "website_posts", "政府网站发布的信息", None, False, False,
         None, None, 1),
        (1, "通过政务新媒体公开信息 11478 条", 11478.0, "条", "new_media_posts", "政务新媒体发布的信息", None, False, False,
         None, None, 1),
        (1, "通过宁夏回族自治区公共资源网、“互联网+监管”等平台公开信息 1375 条", 1375.0, "条", "topic_info", topic, None,
         False, False, None, None, 1),
        (1, "通过线下政务公开栏公开信息 3024 条", 3024.0, "条", "topic_info", topic, None, False, False, None, None, 1),
        (1, "公开各类规划信息 232 条", 232.0, "条", "topic_info", topic, None, False, False, None, None, None),
        (1, "市场监管信息 193 条", 193.0, "条", "topic_info", topic, None, False, False, None, None, None),
        (1, "财政信息 507 条", 507.0, "条", "topic_info", topic, None, False, False, None, None, None),
        (1, "疫情防控信息 89 条", 89.0, "条", "topic_info", topic, None, False, False, None, None, None),
        (1, "义务教育信息 85 条", 85.0, "条", "topic_info", topic, None, False, False, None, None, None),
        (1, "我县现行有效规范性文件 27 个", 27.0, "个", "normative_in_force", "现行有效的行政规范性文件",
         "table2.art20_1.normative_docs.in_force", False, False, None, None, None),
        (1, "2021 年通过政府网站发布政策解读 36 个", 36.0, "个", "interpretation", "政策解读", None, False, False, None,
         2021, None),
        (1, "图片解读 27 个", 27.0, "个", "interpretation", "政策解读", None, False, False, None, 2021, 18)]
    assert [r[1:5] + (r[6], r[9]) for r in rows if r[4] == "received"] == [
        ("全县共受理依申请公开事项 14 件", 14.0, "件", "received", "table3.new_received.total", "全县"),
        ("县本级受理依申请公开事项 11 项", 11.0, "项", "received", "table3.new_received.total", "县本级"),
        ("我县共受理14件政府信息公开申请", 14.0, "件", "received", "table3.new_received.total", None)]
    # part_of names the seq of the whole: 36 个 is figure 18 of the report.
    whole = con.execute(f"SELECT g.text FROM '{out}/figures.parquet' g JOIN '{out}/reports.parquet' r"
                        f" ON r.report_id = g.report_id WHERE r.name LIKE '003_%' AND g.seq = 18").fetchall()
    assert whole == [("2021 年通过政府网站发布政策解读 36 个",)]


def test_csv_loads_in_pandas_and_duckdb(corpus):
    tmp, db, truth, counts, blanks = corpus
    out = tmp / "csv"
    assert main(["export", "--db", db, "--to", "csv", "-o", str(out)]) == 0
    for table, n in counts.items():
        df = pd.read_csv(out / f"{table}.csv", encoding="utf-8-sig")
        assert len(df) == n
        assert duckdb.sql(f"SELECT COUNT(*) FROM read_csv('{out}/{table}.csv')").fetchall() == [(n,)]
    cells = pd.read_csv(out / "cells.csv", encoding="utf-8-sig", dtype={"raw": "string"})
    assert list(cells.columns)[:5] == ["report_id", "sha256", "agency", "year", "cell_id"]
    assert cells["year"].dtype == "int64"
    counts_only = cells[~cells["cell_id"].str.endswith(".amount")].dropna(subset=["value"])
    assert (counts_only["value"] == counts_only["value"].round()).all()  # integers in the CSV text
    assert not any("." in str(v) for v in pd.read_csv(out / "cells.csv", encoding="utf-8-sig", dtype=str)["value"].dropna())
    assert cells["inferred"].dtype == "bool"
    reports = pd.read_csv(out / "reports.csv", encoding="utf-8-sig")
    assert sorted(n for n in reports["name"] if n.startswith("gen")) == sorted(truth)
    row = reports.set_index("name").loc[sorted(truth)[0]]
    s = truth[sorted(truth)[0]]
    assert row["table3.new_received.total"] == s.cells["table3.new_received.total"]
    assert row["agency"] == s.agency
    seed_name, cell_id = blanks[0]
    assert math.isnan(reports.set_index("name").loc[seed_name][cell_id])


def test_xlsx_sheets_and_rows(corpus):
    tmp, db, truth, counts, blanks = corpus
    out = tmp / "corpus.xlsx"
    assert main(["export", "--db", db, "--to", "xlsx", "-o", str(out)]) == 0
    wb = load_workbook(out, read_only=True)
    assert wb.sheetnames == ["报告", "单元格", "正文数字", "检查发现", "失败文件"]
    for sheet, table in zip(wb.sheetnames, counts):
        assert sum(1 for _ in wb[sheet].iter_rows(values_only=True)) == counts[table] + 1
    header = [c.value for c in next(wb["单元格"].iter_rows(max_row=1))]
    assert header == ["report_id", "sha256", "agency", "year", "cell_id", "table_id", "row_id", "column_id",
                      "label", "value", "amount", "raw", "where", "inferred", "basis", "candidates", "confidence"]
    wb.close()
    # nothing in the file comes from the clock: the same corpus exported again gives the same bytes
    again = tmp / "again.xlsx"
    assert main(["export", "--db", db, "--to", "xlsx", "-o", str(again)]) == 0
    assert again.read_bytes() == out.read_bytes()
    with zipfile.ZipFile(out) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert "dcterms:created" not in z.read("docProps/core.xml").decode()


def test_reading_commands_do_not_create_an_empty_corpus(tmp_path, capsys):
    missing = tmp_path / "none.db"
    for argv in (["export", "--to", "csv", "-o", str(tmp_path / "out")], ["stats"], ["failures"],
                 ["compare", "1", "2"]):
        assert main([*argv, "--db", str(missing)]) == 1
        err = capsys.readouterr().err
        assert "语料库不存在" in err and "Traceback" not in err
    assert not missing.exists()


def test_cells_say_what_fixed_an_inferred_value_and_what_an_ambiguous_one_may_be(tmp_path, capsys):
    # 行政审批局 2024 (crawler text): 新收 row printed 280000028 is cut by its own total; 行政规范性文件
    # printed 15621 has six cuts, so its cells are null with the values each may have.
    import csv
    from pathlib import Path

    text = Path(__file__).parents[2] / "examples" / "crawler-text" / "ptzhsyqhzs-2024.txt"
    db = str(tmp_path / "c.db")
    with Store(db) as store:
        assert ingest([str(text)], store, workers=1).added == 1
    assert main(["export", "--db", db, "--to", "csv", "-o", str(tmp_path / "out")]) == 0
    with open(tmp_path / "out" / "cells.csv", encoding="utf-8-sig", newline="") as f:
        rows = {r["cell_id"]: r for r in csv.DictReader(f)}
    picked = [(c, rows[c]["value"], rows[c]["inferred"], rows[c]["basis"], rows[c]["candidates"]) for c in (
        "table3.new_received.natural_person", "table3.new_received.research", "table2.art20_1.normative_docs.made",
        "table2.art20_1.normative_docs.repealed", "table2.art20_1.normative_docs.in_force", "table2.art20_1.rules.made")]
    assert picked == [
        ("table3.new_received.natural_person", "28", "true", "row-total", ""),
        ("table3.new_received.research", "0", "true", "no-leading-zero", ""),
        ("table2.art20_1.normative_docs.made", "", "false", "", "1;15;156"),
        ("table2.art20_1.normative_docs.repealed", "", "false", "", "5;56;562;6;62;2"),
        ("table2.art20_1.normative_docs.in_force", "", "false", "", "621;21;1"),
        ("table2.art20_1.rules.made", "0", "false", "", "")]
