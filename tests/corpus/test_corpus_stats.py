"""Statistics per region and year: pooled ratios from the drawn numbers, blanks excluded, SVG charts."""

from __future__ import annotations

import csv
import random
import xml.etree.ElementTree as ET

import pytest

from gongkai.cli import main
from gongkai.corpus.ingest import ingest
from gongkai.corpus.stats import chart_items, compute
from gongkai.corpus.store import Store
from tests.synth import draw, render

BODIES = {  # agency -> city it belongs to
    "吴忠市利通区金积镇人民政府": "吴忠市",
    "吴忠市同心县教育局": "吴忠市",
    "中卫市沙坡头区柔远镇人民政府": "中卫市",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stats")
    rng = random.Random(61)
    truth = []
    for agency in BODIES:
        for year in (2022, 2023):
            s = draw(rng, year=year, agency=agency)
            path = tmp / "in" / f"{len(truth)}.html"
            path.parent.mkdir(exist_ok=True)
            text = render(s, "html").decode()
            if not truth:  # the first report prints "/" for 本年新收 total: it leaves the ratios that need it
                head = "<td>一、本年新收政府信息公开申请数量</td>"
                start = text.index(head)
                end = text.index("</tr>", start)
                row = text[start:end]
                cut = row.rindex("<td>")
                text = text[:start] + row[:cut] + "<td>/</td>" + text[end:]
                s.cells["table3.new_received.total"] = None
            path.write_bytes(text.encode())
            truth.append(s)
    db = str(tmp / "c.db")
    with Store(db) as store:
        assert ingest([str(tmp / "in")], store, workers=2).added == 6
    return tmp, db, truth


def _pooled(reports, num, den, scale=100.0):
    n = sum(num(s) for s in reports)
    d = sum(den(s) for s in reports)
    return None if d == 0 else n / d * scale


def test_rows_per_city_and_year(corpus):
    tmp, db, truth = corpus
    with Store(db) as store:
        table = compute(store, "city")
    got = {(r.region, r.year): r for r in table.rows}
    assert truth[0].cells["table3.new_received.total"] is None
    assert sum(r.based_on["received"] for r in table.rows) == 5
    assert set(got) == {("宁夏回族自治区吴忠市", 2022), ("宁夏回族自治区吴忠市", 2023),
                        ("宁夏回族自治区中卫市", 2022), ("宁夏回族自治区中卫市", 2023)}
    for (region, year), row in got.items():
        group = [s for s in truth if s.year == year and region.endswith(BODIES[s.agency])]
        c = lambda k: (lambda s: s.cells[k])  # noqa: E731, B023 - s is the lambda's own argument
        assert row.values["reports"] == len(group)
        known = [s for s in group if s.cells["table3.new_received.total"] is not None]
        assert row.values["received"] == sum(s.cells["table3.new_received.total"] for s in known)
        assert row.values["granted_share"] == pytest.approx(
            _pooled(group, c("table3.granted.total"), c("table3.total.total")))
        assert row.values["reviews_per_100"] == pytest.approx(
            _pooled(known, c("table4.review.total"), c("table3.new_received.total")))
        assert row.based_on["granted_share"] == len(group)
        assert row.based_on["reviews_per_100"] == len(known)
        assert row.based_on["received"] == len(known)
        assert row.code == {"吴忠市": "640300", "中卫市": "640500"}[region[7:]]
        # 吴忠市 2022: one of its two reports left 本年新收 blank — that sum (and the ratios over
        # it) are partial and say on how many reports they rest
        partial = "1/2" if (region, year) == ("宁夏回族自治区吴忠市", 2022) else ""
        assert [row.partial(k) for k in ("received", "reviews_per_100", "granted_share")] == [partial, partial, ""]
    assert ("吴忠市 2022（1/2份）", got[("宁夏回族自治区吴忠市", 2022)].values["received"]) in chart_items(table, "received")


def test_cli_marks_a_figure_resting_on_part_of_the_reports(corpus, capsys):
    tmp, db, truth = corpus
    assert main(["stats", "--db", db]) == 0
    lines = capsys.readouterr().out.splitlines()
    row = next(line for line in lines if line.startswith("吴忠市") and " 2022 " in line).split()
    assert row[3].endswith("+") and not row[2].endswith("+")           # 新收申请 partial, 报告份数 not
    assert "标+的数字只依据该地区的部分报告" in "".join("".join(lines).split())       # a wrapped line


def test_cli_writes_csv_and_valid_svg(corpus, capsys):
    tmp, db, truth = corpus
    svg_dir, out_csv = tmp / "svg", tmp / "stats.csv"
    assert main(["stats", "--db", db, "--level", "county", "--svg", str(svg_dir), "--csv", str(out_csv)]) == 0
    printed = capsys.readouterr().out
    assert "利通区" in printed and "同心县" in printed and "沙坡头区" in printed
    rows = list(csv.DictReader(open(out_csv, encoding="utf-8-sig")))
    assert len(rows) == 6
    assert {r["region_code"] for r in rows} == {"640302", "640324", "640502"}
    files = sorted(p.name for p in svg_dir.iterdir())
    assert files == sorted(["reports.svg", "received.svg", "granted_share.svg", "not_held_share.svg",
                            "reviews_per_100.svg", "lawsuits_per_100.svg", "correction_rate.svg", "findings.svg",
                            "findings_by_rule.svg"])
    ns = {"s": "http://www.w3.org/2000/svg"}
    root = ET.parse(svg_dir / "reports.svg").getroot()
    assert root.find("s:title", ns).text == "报告份数"
    bars = root.findall("s:rect/s:title", ns)
    assert sorted(b.text for b in bars) == sorted(f"{name} {year}：1份" for name in ("利通区", "同心县", "沙坡头区")
                                                  for year in (2022, 2023))


def test_a_body_and_year_met_twice_counts_once(tmp_path, capsys):
    """The same report ingested as two files (a crawl keeps the web page and its attachment;
    a repost differs by a byte) counted its figures twice: 2 reports and twice its 本年新收."""
    rng = random.Random(7)
    s = draw(rng, year=2023, agency="吴忠市利通区金积镇人民政府")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.html").write_bytes(render(s, "html"))
    (tmp_path / "in" / "b.html").write_bytes(render(s, "html") + b"\n<!-- repost -->")
    db = str(tmp_path / "c.db")
    with Store(db) as store:
        assert ingest([str(tmp_path / "in")], store, workers=1).added == 2
        table = compute(store, "county")
        # One run, the same 落款: the greater hash is counted (store.received; it was the least).
        kept = max(store.reports(), key=lambda r: r.sha256)
        other = min(store.reports(), key=lambda r: r.sha256)
    assert [(r.region, r.year, r.values["reports"], r.values["received"]) for r in table.rows] == [
        ("宁夏回族自治区吴忠市利通区", 2023, 1, s.cells["table3.new_received.total"])]
    assert table.duplicates == [f"#{other.id} 吴忠市利通区金积镇人民政府 2023"] and kept.id != other.id
    assert main(["stats", "--db", db, "--level", "county"]) == 0
    out = "".join(capsys.readouterr().out.split())
    assert f"未计入（同一机关同一年度的另一份报告）：#{other.id}吴忠市利通区金积镇人民政府2023" in out


def test_a_summed_report_whose_own_sums_fail_is_named_in_the_table_and_the_csv(tmp_path, capsys, monkeypatch):
    """平潭 2024: 农业农村局 prints 总计 0 beside 自然人 3 (its 本年新收, 予以公开 and 总计 rows), and
    行政审批局's 行政复议 总计 0 beside 结果维持 1; 本年新收 28 and the ratios were shown without a word.
    Added as printed (not corrected), each such report and row is named where the figures are."""
    from tests.conftest import EXAMPLES

    db = str(tmp_path / "c.db")
    with Store(db) as store:
        ingest([str(EXAMPLES / "crawler-text" / f"ptzhsyq{b}-2024.txt") for b in ("hzs", "nyn")], store, workers=1)
        ids = {r.agency: r.id for r in store.reports()}
        table = compute(store, "county")
    farm, approval = f"#{ids['平潭综合实验区农业农村局']} 平潭综合实验区农业农村局 2024", \
        f"#{ids['平潭综合实验区行政审批局']} 平潭综合实验区行政审批局 2024"
    unsound = [f"{farm}：表三“一、本年新收政府信息公开申请数量”行：总计为 0，而自然人与五类法人或其他组织之和为 3，相差 3",
               f"{farm}：表三“（一）予以公开”行：总计为 0，而自然人与五类法人或其他组织之和为 1，相差 1",
               f"{farm}：表三“（七）总计”行：总计为 0，而自然人与五类法人或其他组织之和为 3，相差 3",
               f"{approval}：表四“行政复议”：总计为 0，而结果维持、结果纠正、其他结果、尚未审结之和为 1，相差 1"]
    [row] = table.rows
    assert (row.values["received"], sorted(row.unsound)) == (28, sorted(unsound))  # 28 as printed, not 31
    out_csv = tmp_path / "s.csv"
    assert main(["stats", "--db", db, "--level", "county", "--csv", str(out_csv)]) == 0
    [line] = list(csv.DictReader(open(out_csv, encoding="utf-8-sig")))
    assert (line["unsound_reports"], sorted(line["unsound"].split("；"))) == ("2", sorted(unsound))
    capsys.readouterr()
    # One report's row a line, as the other lists under the table (it was one paragraph that rich
    # broke at spaces: "#12 \n平潭综合实验区行政审批局", "总计为 \n0"); a longer one wrapped by columns.
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["stats", "--db", db, "--level", "county"]) == 0
    lines = capsys.readouterr().out.splitlines()
    at = lines.index("注意：加入数字的报告中有报告自身的合计不成立，其数字按原样计入、未作更正：")
    # The notes above it by columns too: rich broke "—：分母为 " from "0（没有申请…" at the space.
    assert lines[at - 3:at] == [
        "比例只计入相关各格都有数字的报告；空格不按 0 计；—：分母为 0（没有申请，或复议、",
        "诉讼都是 0 件），比例无从计算。标 + 的数字只依据该地区的部分报告（--csv 的",
        "*_reports 列是所依据的份数）。"]
    assert lines[at + 1:at + 9] == [
        f"  {farm}：表三“一、本年新收政府信息公开申请数量”行：",
        "    总计为 0，而自然人与五类法人或其他组织之和为 3，相差 3",
        f"  {farm}：表三“（一）予以公开”行：总计为 0，而自然人",
        "    与五类法人或其他组织之和为 1，相差 1",
        f"  {farm}：表三“（七）总计”行：总计为 0，而自然人与五",
        "    类法人或其他组织之和为 3，相差 3",
        f"  {approval}：表四“行政复议”：总计为 0，而结果维持、结果",
        "    纠正、其他结果、尚未审结之和为 1，相差 1"]
    assert lines[at + 9].rstrip() == "检查发现（按规则）"


def test_one_body_over_the_years_shows_the_years_without_a_report(tmp_path, capsys):
    # 行政审批局 published 2020 and 2024 (the corpus has no 2021–2023): --level body --agency gives
    # its series, and the charts put 无报告 in the missing years' places — they were left out, the
    # bars of 2020 and 2024 side by side as if consecutive (and never a 0 bar).
    from tests.conftest import EXAMPLES

    db = str(tmp_path / "c.db")
    with Store(db) as store:
        ingest([str(EXAMPLES / "crawler-text" / f"ptzhsyq{b}.txt") for b in ("hzs-2020", "hzs-2024", "jtj-2021")],
               store, workers=1)
        table = compute(store, "body", agency="行政审批局")
    body = "平潭综合实验区行政审批局"
    assert [(r.region, r.year, r.values["reports"], r.values["received"]) for r in table.rows] == [
        (body, 2020, 1, 1), (body, 2024, 1, 28)]
    assert chart_items(table, "received") == [(f"{body} 2020", 1), (f"{body} 2021", "无报告"),
                                              (f"{body} 2022", "无报告"), (f"{body} 2023", "无报告"),
                                              (f"{body} 2024", 28)]
    assert main(["stats", "--db", db, "--level", "body", "--agency", "行政审批局", "--svg", str(tmp_path / "svg")]) == 0
    printed = "".join(capsys.readouterr().out.split())
    assert f"语料库中没有报告的年度（图表中标“无报告”，不当作0）：{body}2021、2022、2023。" in printed
    ns = {"s": "http://www.w3.org/2000/svg"}
    root = ET.parse(tmp_path / "svg" / "received.svg").getroot()
    assert [b.text for b in root.findall("s:rect/s:title", ns)] == [f"{body} 2020：1件", f"{body} 2024：28件"]
    assert [t.text for t in root.findall("s:text", ns) if t.text == "无报告"] == ["无报告"] * 3


def test_stats_of_one_region_from_the_command_line(corpus, tmp_path, capsys):
    """``--region``: a researcher's 100,000 reports by one city's counties (the API and Python took
    a region; the command did not, and said 无法识别的参数)."""
    _, db, truth = corpus
    for region in ("6403", "吴忠市", "640300"):
        out_csv = tmp_path / f"{region}.csv"
        assert main(["stats", "--db", db, "--level", "county", "--region", region, "--csv", str(out_csv)]) == 0, region
        with open(out_csv, encoding="utf-8-sig") as f:
            rows = [(r["region"], r["year"], r["reports"]) for r in csv.DictReader(f)]
        assert rows == [("宁夏回族自治区吴忠市利通区", "2022", "1"), ("宁夏回族自治区吴忠市利通区", "2023", "1"),
                        ("宁夏回族自治区吴忠市同心县", "2022", "1"), ("宁夏回族自治区吴忠市同心县", "2023", "1")], region
    capsys.readouterr()
    assert main(["stats", "--db", db, "--region", "3208"]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == "gongkai：语料库中没有地区 3208 的报告。"
    assert main(["stats", "--db", db, "--region", "淮安市"]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == "gongkai：语料库中没有地区 3208（淮安市）的报告。"
    assert main(["stats", "--db", db, "--region", "火星市"]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        "gongkai：--region 火星市：没有找到这个行政区划。请写区划代码（如 640324）或名称（如 同心县、吴忠市同心县）。")
