"""Compare two years of one body: table differences, carried-over continuity, copied passages."""

from __future__ import annotations

import random
import re
from collections import Counter

from gongkai.cli import main
from gongkai.compare import MIN_PASSAGE, Side, compare
from gongkai.corpus.ingest import ingest
from gongkai.corpus.store import Store
from gongkai.format import FORMAT
from gongkai.render.compare import compare_html as to_html
from tests.synth import draw, render

AGENCY = "吴忠市红寺堡区红寺堡镇人民政府"
COPIED = "我镇坚持把政务公开作为转变政府职能的重要抓手，逐条对照清单落实公开事项，做到应公开尽公开。"


def _pair(tmp_path, break_column: str | None = None):
    rng = random.Random(41)
    last = draw(rng, year=2022, agency=AGENCY)
    this = draw(rng, year=2023, agency=AGENCY)
    for col in FORMAT.table3_column_ids:  # this year's 二 continues last year's 四
        this.cells[f"table3.carried_over.{col}"] = last.cells[f"table3.carried_forward.{col}"]
    if break_column:  # two more carried over than last year left open, in the column and its total
        for col in (break_column, "total"):
            this.cells[f"table3.carried_over.{col}"] += 2
    last.sections[5] = "去年的问题是公开不够及时。" + COPIED
    this.sections[5] = COPIED + "今年新增了政策解读专栏。"
    a, b = tmp_path / "2022.txt", tmp_path / "2023.html"
    a.write_bytes(render(last, "txt"))
    b.write_bytes(render(this, "html"))
    return last, this, a, b


def test_two_years_of_one_body(tmp_path):
    from gongkai.load import load

    last, this, a, b = _pair(tmp_path, break_column="natural_person")
    c = compare(Side("A", load(a)), Side("B", load(b)))
    expected = {k for k in set(last.cells) | set(this.cells) if last.cells.get(k) != this.cells.get(k)}
    assert {cell for cell, _, _ in c.cell_diffs} == expected
    assert c.cells_equal == len(set(last.cells) | set(this.cells)) - len(expected)
    bad = [row for row in c.continuity if not row[3]]
    assert [row[0] for row in bad] == ["natural_person", "total"]
    assert "有 2 列不一致或空缺" in c.continuity_note
    s5 = next(s for s in c.sections if s.no == 5)
    assert s5.passages == [COPIED]
    assert s5.copied_share == len(COPIED) / len(this.sections[5])
    s2 = next(s for s in c.sections if s.no == 2)
    assert s2.similarity is None and "只有表格" in s2.why_none
    page = to_html(c)
    assert f"<mark>{COPIED}</mark>" in page
    assert not re.search(r"<script|<link|src=|https?://", page)  # self-contained


def test_compare_command_with_corpus_ids_and_html(tmp_path, capsys):
    _, _, a, b = _pair(tmp_path)
    db = str(tmp_path / "c.db")
    with Store(db) as store:
        assert ingest([str(a), str(b)], store, workers=1).added == 2
        ids = dict(store.query("SELECT year, id FROM documents"))
    out = tmp_path / "cmp.html"
    assert main(["compare", str(ids[2022]), f"#{ids[2023]}", "--db", db, "--html", str(out)]) == 0
    printed, err = capsys.readouterr()
    assert "2023 年表三“二、上年结转”与 2022 年表三“四、结转下年度继续办理”逐列一致" in printed.replace("\n", "")
    assert err == f"语料库 {db}\n"  # which corpus the numbers came from (an absolute path)
    assert f"不少于 {MIN_PASSAGE} 个字" in out.read_text(encoding="utf-8")
    # sections headed as the format numbers them, as the reports print them (it was "5.存在的…")
    assert "\n五、存在的主要问题及改进情况  " in printed
    assert "<h3>五、存在的主要问题及改进情况：相似度" in out.read_text(encoding="utf-8")
    # a corpus report's label names its body: the head says it once (it read "#1 X：X 2022 年")
    assert printed.splitlines()[:2] == [f"A #{ids[2022]} {AGENCY} 2022 年", f"B #{ids[2023]} {AGENCY} 2023 年"]
    assert f"<p><b>A</b> #{ids[2022]} {AGENCY} 2022 年<br><b>B</b> #{ids[2023]} {AGENCY} 2023 年</p>" in (
        out.read_text(encoding="utf-8"))
    assert main(["compare", "#999", str(a), "--db", db]) == 1
    assert capsys.readouterr().err == "gongkai：语料库中没有编号为 #999 的报告（各报告的编号见 gongkai export 导出的 reports 表 report_id 列）。\n"
    # The number of a file that could not be read says so (it said only: no parsed report).
    junk = tmp_path / "junk.txt"
    junk.write_text("会议通知：请各单位按时参加。", encoding="utf-8")
    with Store(db) as store:
        ingest([str(junk)], store, workers=1)
        [(junk_id,)] = store.query("SELECT id FROM documents WHERE name = 'junk.txt'")
    assert main(["compare", str(junk_id), str(a), "--db", db]) == 1
    assert capsys.readouterr().err.startswith(f"gongkai：{junk_id}：这个编号是未能读取的文件 junk.txt：")


def test_a_crawler_text_against_its_pdf_tells_open_cells_from_blank_and_from_differing(capsys, monkeypatch):
    """The published PDF against the text a crawler kept of the same report (its zeros printed
    blank: tests/extract/test_extract_crawler_blanks.py): no value differs; a cell whose digits ran
    together and could not be cut one way is no blank, and the count says so.  Before: "15 格相同，
    185 格不同。" — as if the two said different things in 185 cells."""
    from pathlib import Path

    from tests.conftest import EXAMPLES

    pdf = EXAMPLES / "huaian-city-2024.pdf"
    text = Path(__file__).parents[1] / "extract" / "data" / "huaian-city-2024-zeros-blank.txt"
    c = compare(pdf, text)
    assert c.tally() == {"values": 0, "a_open": 0, "b_open": 171, "a_blank": 0, "b_blank": 14,
                         "a_missing": 0, "b_missing": 0}
    summary = ("15 格相同，185 格不同：B 有 171 格无法确定（原文数字连写，未能唯一拆开，不是空白）；"
               "B 有 14 格空白。")
    assert c.summary() == summary
    # The JSON (/api/corpus/compare answers it) says the same: an open cell was null there, as if
    # blank, and the answer had neither the sentence nor the counts.
    d = c.to_dict()
    assert (d["summary"], d["tally"]) == (summary, c.tally())
    assert Counter(x["b"] for x in d["cell_differences"]) == {"open": 171, None: 14}
    assert {x["cell"]: x["b"] for x in d["cell_differences"]}["table3.granted.total"] == "open"
    page = to_html(c)
    assert summary in page
    assert page.count("（空）") == 14  # the open cells show their mark alone, as the terminal does
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["compare", str(pdf), str(text)]) == 0
    out = capsys.readouterr().out
    assert "".join(out.split()).startswith(
        "A" + str(pdf) + "：淮安市人民政府2024年B" + str(text) + "：淮安市人民政府2024年统计表：" + "".join(summary.split()))
    # Wrapped by columns, not at a space: rich ended the first line with "B 有 171 " and began the
    # next with "格无法确定".
    at = next(i for i, line in enumerate(out.splitlines()) if line.startswith("统计表："))
    assert out.splitlines()[at:at + 2] == ["统计表：15 格相同，185 格不同：B 有 171 格无法确定（原文数字连写，未能唯一拆开，",
                                           "不是空白）；B 有 14 格空白。"]
    # Two years of one body differ by value only: the sentence is as it was.
    years = compare(EXAMPLES / "hongze-district-2023.pdf", EXAMPLES / "hongze-district-2024.pdf")
    assert years.summary() == "156 格相同，30 格不同。"
