"""The statistics over a report whose own text states another figure than a cell they sum (a
TEXT-TABLE error: 新庄集乡's text says it received 3 requests, its table 三 prints 5): the figure is
added as printed and marked ^ wherever it is shown, the report and the finding named as the roll-up
names them (tests/corpus/test_corpus_rollup_text.py) — Python, the CSV, the terminal; SQLite and
PostgreSQL; read back the same from the kept answer (corpus/kept.py)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from gongkai.cli import main
from gongkai.corpus.ingest import ingest
from gongkai.corpus.stats import compute, computed
from gongkai.corpus.store import Store
from tests.conftest import EXAMPLES

TOWN = "吴忠市红寺堡区新庄集乡人民政府"
FACT = "正文称本年收到的政府信息公开申请为 3 件，而表三“一、本年新收政府信息公开申请数量”行“总计”列为 5"


def two_towns(folder: Path) -> list[str]:
    """新庄集乡 with 5 requests received and granted in its table 三 and "共收到…申请3件" in its text;
    大河乡 as printed (none)."""
    text = (EXAMPLES / "004_53b26eabaeeb0073.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    rows = [i for i, line in enumerate(lines) if line.startswith(("一、本年新收到", "三、本", "(七)总计"))]
    assert len(rows) == 3
    for i in rows:   # 自然人 5, 总计 5 (the sums hold: no arithmetic finding)
        cells = lines[i].split("\t")
        zeros = [j for j, c in enumerate(cells) if c == "0"]
        cells[zeros[0]] = cells[zeros[6]] = "5"
        lines[i] = "\t".join(cells)
    said = "2024年，我乡未收到公民、法人和社会组织提交的主动要求公开政府信息的申请。"
    assert text.count(said) == 1
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "xinzhuangji.txt", folder / "dahe.txt"]
    paths[0].write_text("\n".join(lines).replace(said, "2024年，我乡共收到政府信息公开申请3件。"), encoding="utf-8")
    paths[1].write_text(text.replace("新庄集乡", "大河乡"), encoding="utf-8")
    return [str(p) for p in paths]


def _corpus(url: str, folder: Path) -> str:
    with Store(url) as store:
        summary = ingest(two_towns(folder), store, workers=1)
        assert summary.added == 2 and not summary.failed
    return url


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_figure_over_a_number_its_reports_text_contradicts_is_marked_and_names_the_finding(
        database, tmp_path, request):
    url = request.getfixturevalue("pg_url") if database == "postgresql" else str(tmp_path / "c.db")
    _corpus(url, tmp_path / "in")
    with Store(url) as store:
        town = next(r.id for r in store.reports() if r.agency == TOWN)
        fresh = computed(store, "county")
        first, again = compute(store, "county"), compute(store, "county")   # computed, then read back kept
    for table in (fresh, first, again):
        [row] = table.rows
        assert (row.values["received"], row.values["granted_share"], row.based_on["received"]) == (5, 100.0, 2)
        assert row.contradicted == [f"#{town} {TOWN} 2024：{FACT}"]
        # the metrics whose sums hold the 5: 本年新收, and the two that divide by it
        assert row.contradicted_in == ["received", "reviews_per_100", "lawsuits_per_100"]
        assert row.unsound == []
    record = again.records()[0]
    assert (record["contradicted_reports"], record["contradicted"], record["contradicted_in"]) == (
        1, [f"#{town} {TOWN} 2024：{FACT}"], ["received", "reviews_per_100", "lawsuits_per_100"])


def test_a_text_that_agrees_or_a_cell_the_figures_do_not_use_marks_nothing(tmp_path):
    """大河乡 alone (its text and table agree); the roll-up's fee in 元 (a cell no figure uses)."""
    from tests.corpus.test_corpus_rollup_text import two_towns as fee_towns

    db = str(tmp_path / "c.db")
    with Store(db) as store:
        ingest(fee_towns(tmp_path), store, workers=1)
        assert {f[0] for f in store.query("SELECT rule FROM findings")} >= {"TEXT-TABLE"}   # the fee's finding is there
        [row] = computed(store, "county").rows
    assert (row.contradicted, row.contradicted_in) == ([], [])


def test_gongkai_stats_marks_the_figures_and_lists_the_finding_in_the_terminal_and_the_csv(tmp_path, capsys,
                                                                                          monkeypatch):
    db = _corpus(str(tmp_path / "c.db"), tmp_path / "in")
    with Store(db) as store:
        town = next(r.id for r in store.reports() if r.agency == TOWN)
    out_csv = tmp_path / "s.csv"
    assert main(["stats", "--db", db, "--level", "county", "--csv", str(out_csv)]) == 0
    [line] = list(csv.DictReader(open(out_csv, encoding="utf-8-sig")))
    assert (line["received"], line["contradicted_reports"], line["contradicted"], line["contradicted_in"]) == (
        "5", "1", f"#{town} {TOWN} 2024：{FACT}", "received；reviews_per_100；lawsuits_per_100")
    capsys.readouterr()
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["stats", "--db", db, "--level", "county"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert re.search(r"^红寺堡区 +2024 +2 +5\^ +100\.0 +0\.0 +0\.00\^ +0\.00\^ +— +\d+$",
                     next(x for x in lines if x.startswith("红寺堡区"))), lines
    at = next(i for i, x in enumerate(lines) if x.startswith("注意：加入数字的报告中有报告正文所述"))
    said = "注意：加入数字的报告中有报告正文所述与表中数字不一致，表中数字按原样计入、未作更正；用到这些数字的统计数字标 ^：" \
        f"#{town} {TOWN} 2024：{FACT}。"
    assert "".join("".join(lines[at:at + 4]).split()) == "".join(said.split())   # (wrapped at 80 columns)
