"""Roll-up from the corpus: a region's reports of one year summed exactly, compared with the
region's own 人民政府 report when it is stored; reports by id; bad input in Chinese."""

from __future__ import annotations

import json
import random
import sqlite3
from decimal import Decimal

import pytest

from gongkai.cli import main
from tests.synth import Synthetic, draw, render

COUNTY = "吴忠市同心县"  # 640324
NO_SUCH_REPORT = "语料库中没有编号为 #99999 的报告（各报告的编号见 gongkai export 导出的 reports 表 report_id 列）。"
PARTS = ["豫海镇人民政府", "河西镇人民政府", "丁塘镇人民政府", "教育局"]


def _write(directory, name, s: Synthetic, form="txt"):
    path = directory / f"{name}.{form}"
    path.write_bytes(render(s, form))
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("region")
    src = tmp / "in"
    src.mkdir()
    rng = random.Random(61)
    parts = [draw(rng, year=2023, agency=COUNTY + unit) for unit in PARTS]
    for i, s in enumerate(parts):
        _write(src, f"part{i}", s)
    _write(src, "part0-again", parts[0], "html")  # the same report as a web page: counted once
    county = {k: sum(s.cells[k] for s in parts) for k in parts[0].cells}
    _write(src, "county2023", Synthetic(COUNTY + "人民政府", 2023, "2021", county, dict(parts[0].sections)))
    # Not in the sum: another year of a town (whose county report is absent), another county.
    _write(src, "town2022", draw(rng, year=2022, agency=COUNTY + "豫海镇人民政府"))
    _write(src, "other", draw(rng, year=2023, agency="吴忠市盐池县花马池镇人民政府"))
    db = str(tmp / "c.db")
    return tmp, db, parts, _ingest(src, db, workers=2)


def _ingest(src, db: str, workers: int) -> dict[str, int]:
    """Ingest ``src`` into ``db``: file stem -> document id."""
    assert main(["ingest", str(src), "--db", db, "-q", "--workers", str(workers)]) == 0
    con = sqlite3.connect(db)
    ids = {n.split(".")[0]: i for n, i in con.execute("SELECT name, id FROM documents")}
    con.close()
    return ids


def _sum(parts, cell_id):
    return sum(s.cells[cell_id] for s in parts)


@pytest.mark.parametrize("region", ["640324", "同心县", "吴忠市同心县", "宁夏回族自治区吴忠市同心县"])
def test_region_sum_is_exact_and_matches_the_county(corpus, capsys, region):
    tmp, db, parts, ids = corpus
    out = tmp / f"sum-{region}.json"
    assert main(["rollup", "--db", db, "--region", region, "--year", "2023", "--json", str(out)]) == 0
    printed, err = capsys.readouterr()
    assert err == f"语料库 {db}\n"
    assert "宁夏回族自治区吴忠市同心县（640324）2023 年度：语料库中有 4 份乡镇、部门报告。" in printed
    assert f"本级报告：#{ids['county2023']} {COUNTY}人民政府，用来与合计比较。" in printed
    assert "未计入合计（同一机关同一年度的另一份报告）：#" in printed
    assert f"与 {COUNTY}人民政府 自己的报告逐格一致。" in printed
    d = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(d["reports"]) == sorted(COUNTY + unit for unit in PARTS)
    for cell_id in parts[0].cells:  # every cell: the exact sum of the four drawn reports
        table, rest = cell_id.split(".", 1)
        row, column = rest.rsplit(".", 1)
        expected = _sum(parts, cell_id)
        assert d[table][row][column] == (float(expected) if isinstance(expected, Decimal) else expected), cell_id
    assert d["coverage"] == {} and d["against"]["differences"] == []
    assert d["region"]["code"] == "640324" and d["region"]["year"] == 2023


def test_region_without_its_own_report_says_so(corpus, capsys):
    tmp, db, parts, ids = corpus
    assert main(["rollup", "--db", db, "--region", "同心县", "--year", "2022"]) == 0
    printed = capsys.readouterr().out
    assert "2022 年度：语料库中有 1 份乡镇、部门报告。" in printed
    assert "语料库中没有宁夏回族自治区吴忠市同心县人民政府 2022 年度的本级报告，未作比较。" in printed
    assert "合计 1 份报告" in printed and "逐格一致" not in printed


def test_a_city_counts_its_towns_not_the_county_report(corpus, capsys):
    tmp, db, parts, ids = corpus
    out = tmp / "city.json"
    assert main(["rollup", "--db", db, "--region", "吴忠市", "--year", "2023", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "语料库中有 5 份乡镇、部门报告" in printed  # 同心县's four and 盐池县's town
    assert f"未计入合计（下级人民政府的本级报告，计入会与其乡镇、部门重复）：#{ids['county2023']}" in printed
    d = json.loads(out.read_text(encoding="utf-8"))
    assert d["table3"]["new_received"]["total"] == _sum(parts, "table3.new_received.total") + \
        json.loads(_single(db, ids["other"]))["table3"]["new_received"]["total"]


def _single(db, doc_id):
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT report_json FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
    finally:
        con.close()


def test_reports_by_id_against_a_corpus_report(corpus, capsys):
    tmp, db, parts, ids = corpus
    out = tmp / "ids.json"
    args = ["rollup", "--db", db, str(ids["part1"]), f"#{ids['part2']}", "--against", f"#{ids['county2023']}",
            "--json", str(out)]
    assert main(args) == 0
    printed, err = capsys.readouterr()
    assert "合计 2 份报告" in printed and f"与 {COUNTY}人民政府 自己的报告比较" in printed
    assert err == f"语料库 {db}\n"  # which corpus the reports came from (an absolute path)
    d = json.loads(out.read_text(encoding="utf-8"))
    assert d["table3"]["new_received"]["total"] == _sum(parts[1:3], "table3.new_received.total")
    diffs = {x["cell"]: (x["sum"], x["report"]) for x in d["against"]["differences"]}
    assert diffs["table3.new_received.total"] == (_sum(parts[1:3], "table3.new_received.total"),
                                                  _sum(parts, "table3.new_received.total"))
    assert d["against"]["report"] == COUNTY + "人民政府"


@pytest.mark.parametrize("args, message", [
    (["#99999"], "gongkai：" + NO_SUCH_REPORT),   # the number once, not "#99999：…这个编号"
    (["1", "--against", "#99999"], "gongkai：--against #99999：" + NO_SUCH_REPORT),
    (["no-such-file.txt"], "gongkai：no-such-file.txt：既不是存在的文件或目录，也不是语料库中的报告编号（如 12 或 #12）。"),
    (["--region", "火星县", "--year", "2023"],
     "gongkai：--region 火星县：没有找到这个行政区划。请写区划代码（如 640324）或名称（如 同心县、吴忠市同心县）。"),
    (["--region", "鼓楼区", "--year", "2023"], None),  # namesakes: listed, pick one by code
    (["--region", "999999", "--year", "2023"], "gongkai：--region 999999：区划代码不在全国行政区划代码表中。"),
    (["--region", "同心县教育局", "--year", "2023"],
     "gongkai：--region 同心县教育局：“同心县教育局”是机关名称，不是行政区划名称（“教育局”不是区划）。"),
    (["--region", "同心县"], "gongkai：使用 --region 时需要 --year（报告年度）。"),
    (["--region", "同心县", "--year", "2010"],
     "gongkai：--region 640324：语料库中没有 宁夏回族自治区吴忠市同心县（640324）2010 年度可相加的报告（乡镇、部门的报告）。"),
    ([], "gongkai：请给出要相加的报告：文件、目录、语料库报告编号，或 --region 与 --year。"),
])
def test_bad_input_is_a_chinese_message(corpus, capsys, args, message):
    tmp, db, parts, ids = corpus
    assert main(["rollup", "--db", db, *args]) == 1
    captured = capsys.readouterr()
    if message is None:
        assert captured.err.startswith("gongkai：--region 鼓楼区：“鼓楼区”有多个同名行政区：")
        assert "福建省福州市鼓楼区（350102）" in captured.err and captured.err.endswith("请改用区划代码。\n")
    else:
        assert captured.err.strip() == message
    assert "Traceback" not in captured.err + captured.out


def test_missing_corpus_is_a_chinese_message(tmp_path, capsys):
    assert main(["rollup", "--db", str(tmp_path / "none.db"), "#1"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"gongkai：{tmp_path / 'none.db'}：语料库不存在。请先用 gongkai ingest 建立语料库，或用 --db 指定已有的语料库。"
    assert not (tmp_path / "none.db").exists()


def test_nothing_to_sum_names_what_the_corpus_holds(tmp_path, capsys):
    # 淮安市 2024 with only 淮安市人民政府 and 淮安市洪泽区人民政府 stored: "没有可相加的报告" and
    # nothing more, as if the corpus held nothing of the city that year.
    src = tmp_path / "in"
    src.mkdir()
    rng = random.Random(7)
    _write(src, "county", draw(rng, year=2023, agency=COUNTY + "人民政府"))
    _write(src, "city", draw(rng, year=2023, agency="吴忠市人民政府"))
    db = str(tmp_path / "c.db")
    ids = _ingest(src, db, workers=1)
    capsys.readouterr()
    assert main(["rollup", "--db", db, "--region", "吴忠市", "--year", "2023"]) == 1
    assert capsys.readouterr().err.strip() == (
        "gongkai：--region 640300：语料库中没有 宁夏回族自治区吴忠市（640300）2023 年度可相加的报告（乡镇、部门的报告）；"
        f"有本级报告 #{ids['city']} 吴忠市人民政府；下级人民政府的本级报告 #{ids['county']} {COUNTY}人民政府"
        "（不相加：计入会与其乡镇、部门重复）。")


def test_the_governments_office_is_a_part_not_the_region_s_own_report(tmp_path):
    """The 县人民政府办公室 is placed at the county, like the 县人民政府: it was taken for the
    county's own report and, sorted after it, replaced it — the government's report was
    neither compared nor listed, and the office's figures were not added."""
    from gongkai.corpus.region import resolve, select
    from gongkai.corpus.store import Store

    rng = random.Random(5)
    src = tmp_path / "in"
    src.mkdir()
    office = draw(rng, year=2023, agency=COUNTY + "人民政府办公室")
    _write(src, "office", office)
    _write(src, "edu", draw(rng, year=2023, agency=COUNTY + "教育局"))
    _write(src, "gov", draw(rng, year=2023, agency=COUNTY + "人民政府"))
    ids = _ingest(src, str(tmp_path / "c.db"), workers=1)
    with Store(str(tmp_path / "c.db")) as store:
        chosen = select(store, resolve("640324"), 2023)
    assert chosen.own is not None and chosen.own[0] == f"#{ids['gov']} 吴忠市同心县人民政府"
    assert sorted(label for label, _ in chosen.parts) == sorted(
        [f"#{ids['office']} 吴忠市同心县人民政府办公室", f"#{ids['edu']} 吴忠市同心县教育局"])
    assert (chosen.lower, chosen.duplicates) == ([], [])


def test_the_region_s_own_report_is_the_last_received_whatever_its_printed_name(tmp_path):
    """洪泽区人民政府's report, then its corrected re-send printed as 淮安市洪泽区人民政府: two
    bodies by name, one whole-area report of 320813.  Sorted by name after receipt, the
    original (洪 sorts before 淮) was compared instead of the re-send."""
    from gongkai.corpus.region import resolve, select
    from gongkai.corpus.store import Store

    rng = random.Random(11)
    db = str(tmp_path / "c.db")
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    _write(first, "town", draw(rng, year=2024, agency="淮安市洪泽区高良涧街道办事处"))
    _write(first, "original", draw(rng, year=2024, agency="洪泽区人民政府"))
    ids = _ingest(first, db, workers=1)
    _write(second, "resend", draw(rng, year=2024, agency="淮安市洪泽区人民政府"))
    ids = _ingest(second, db, workers=1)
    with Store(db) as store:
        chosen = select(store, resolve("320813"), 2024)
    assert chosen.own is not None and chosen.own[0] == f"#{ids['resend']} 淮安市洪泽区人民政府"
    assert [label for label, _ in chosen.parts] == [f"#{ids['town']} 淮安市洪泽区高良涧街道办事处"]
    assert (chosen.lower, chosen.duplicates) == ([], [f"#{ids['original']} 洪泽区人民政府"])
