"""``gongkai new`` and ``gongkai build`` end to end, including --from on the seed and corpus
reports (the carried-over values) and the refusals."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from gongkai.cli import main
from gongkai.format import FORMAT
from gongkai.load import load, load_source

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
EXAMPLE = EXAMPLES / "source-2024.yaml"
COLUMNS = FORMAT.table3_column_ids


def seed(prefix: str) -> Path:
    return next(EXAMPLES.glob(f"{prefix}_*.txt"))


def carried_over(report) -> list:
    return [report.value(f"table3.carried_over.{c}") for c in COLUMNS]


def test_new_writes_skeleton_and_never_overwrites(tmp_path, capsys):
    out = tmp_path / "s.yaml"
    assert main(["new", "--agency", "某县人民政府", "--year", "2024", "-o", str(out)]) == 0
    first = out.read_text(encoding="utf-8")
    src = load_source(out)
    assert (src.report.agency, src.report.year, src.report.format) == ("某县人民政府", 2024, "2021")
    out.write_text(first + "# 已编辑\n", encoding="utf-8")
    assert main(["new", "--agency", "别的机关", "--year", "2024", "-o", str(out)]) == 1
    assert "文件已存在，未覆盖" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8").endswith("# 已编辑\n")
    assert main(["new", "--agency", "别的机关", "--year", "2024", "-o", str(out), "--force"]) == 0
    assert load_source(out).report.agency == "别的机关"


def test_new_from_2021_seed_carries_in_force_and_problems(tmp_path):
    out = tmp_path / "s.yaml"
    assert main(["new", "--from", str(seed("003")), "-o", str(out)]) == 0
    r = load_source(out).report
    assert (r.agency, r.year) == ("同心县人民政府", 2022)
    assert carried_over(r) == [0] * 7
    assert r.value("table2.art20_1.normative_docs.in_force") == 30
    assert r.value("table2.art20_1.rules.in_force") == 0
    assert r.value("table2.art20_1.normative_docs.made") is None       # this year's: not known yet
    five = r.section(5).text
    assert five.startswith("【待办】上年度报告第五部分所列问题如下")
    assert "> 2021年我县按照国务院、自治区、吴忠市关于全面深入推进政务公开工作的要求" in five


def test_new_from_seed_without_table3_leaves_blanks_marked(tmp_path):
    out = tmp_path / "s.yaml"
    assert main(["new", "--from", str(seed("000")), "-o", str(out)]) == 0
    r = load_source(out).report
    assert carried_over(r) == [None] * 7
    line = next(x for x in out.read_text(encoding="utf-8").splitlines() if x.startswith("  carried_over:"))
    assert "natural_person: null" in line and "上年报告没有可识别的表三数据，请核实后填写" in line
    assert "> 1. 部分栏目信息公开不及时。" in r.section(5).text
    assert "接到反馈问题后" not in r.section(5).text  # the 改进情况 part is not a problem


def test_new_from_2019_seed(tmp_path):
    to_2021, to_2019 = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert main(["new", "--from", str(seed("001")), "-o", str(to_2021)]) == 0
    r = load_source(to_2021).report
    assert r.year == 2021 and carried_over(r) == [0] * 7
    assert r.value("table2.art20_1.rules.in_force") is None  # 对外公开总数量 is not 现行有效件数
    assert "不等于现行有效件数" in to_2021.read_text(encoding="utf-8")
    assert main(["new", "--from", str(seed("001")), "--format", "2019", "-o", str(to_2019)]) == 0
    r = load_source(to_2019).report
    assert r.value("table2.art20_5.other_services.prev_items") == 63
    assert r.value("table2.art20_6.penalty.prev_items") == 6
    assert r.value("table2.art20_6.coercion.prev_items") == 7
    assert r.value("table2.art20_8.admin_fees.prev_items") == 1
    assert r.value("table2.art20_1.rules.total_published") == 0           # last year's 0, carried


def test_new_from_corpus_pdf(tmp_path):
    out = tmp_path / "s.yaml"
    assert main(["new", "--from", str(EXAMPLES / "huaian-city-2024.pdf"), "-o", str(out)]) == 0
    r = load_source(out).report
    assert (r.agency, r.year) == ("淮安市人民政府", 2025)
    assert carried_over(r) == [103, 0, 0, 0, 0, 0, 103]
    assert r.value("table2.art20_1.rules.in_force") == 11
    assert r.value("table2.art20_1.normative_docs.in_force") == 66
    assert "> 对照上级新要求和公众新期待" in r.section(5).text


def test_new_from_last_year_matches_what_the_next_report_printed(tmp_path):
    out = tmp_path / "s.yaml"
    assert main(["new", "--from", str(EXAMPLES / "hongze-district-2023.pdf"), "-o", str(out)]) == 0
    built = load_source(out).report
    printed_2024 = load(EXAMPLES / "hongze-district-2024.pdf")
    assert built.year == printed_2024.year == 2024
    assert carried_over(built) == carried_over(printed_2024) == [0] * 7


def test_new_from_report_json(tmp_path):
    last = load_source(EXAMPLE).report
    path = tmp_path / "2024.json"
    path.write_text(last.to_json(), encoding="utf-8")
    out = tmp_path / "s.yaml"
    assert main(["new", "--from", str(path), "-o", str(out)]) == 0
    r = load_source(out).report
    assert r.year == 2025 and carried_over(r) == [2, 0, 0, 0, 1, 0, 3]
    assert r.value("table2.art20_1.normative_docs.in_force") == 15


def test_a_report_read_to_json_and_built_again_prints_its_amounts_as_printed(tmp_path, capsys):
    """Found in the town clerk's January walk: `gongkai parse --json 2026.pdf > r.json` then
    `gongkai build r.json` printed 行政事业性收费 as 4.0 where the report printed 4.00 (the JSON holds
    amounts as floats); the cell's printed text, kept in the same JSON, now gives its decimals back."""
    src = tmp_path / "s.yaml"
    src.write_text(EXAMPLE.read_text(encoding="utf-8").replace("amount: 12.6}", "amount: 4.00}"), encoding="utf-8")
    assert main(["build", str(src), "--to", "html", "-o", str(tmp_path / "r.html")]) == 0
    capsys.readouterr()
    assert main(["parse", "--json", str(tmp_path / "r.html")]) == 0
    (tmp_path / "r.json").write_text(capsys.readouterr().out, encoding="utf-8")
    assert load(tmp_path / "r.json").value("table2.art20_8.admin_fees.amount").as_tuple().exponent == -2
    assert main(["build", str(tmp_path / "r.json"), "--to", "md", "-o", str(tmp_path / "r.md")]) == 0
    assert "| 行政事业性收费 | 4.00 |" in (tmp_path / "r.md").read_text(encoding="utf-8")


def test_a_source_file_read_to_json_and_built_again_prints_its_amounts_as_printed(tmp_path, capsys):
    """Found in the town clerk's January walk: `gongkai parse --json 2026.yaml > r.json` then
    `gongkai build r.json` printed 行政事业性收费 as 4.0 where the source file says 4.00: a source
    file's cells have no printed text for the JSON to keep.  The JSON's ``amounts`` now keeps it."""
    src = tmp_path / "s.yaml"
    src.write_text(EXAMPLE.read_text(encoding="utf-8").replace("amount: 12.6}", "amount: 4.00}"), encoding="utf-8")
    assert main(["parse", "--json", str(src)]) == 0
    (tmp_path / "r.json").write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["build", str(tmp_path / "r.json"), "--to", "md", "-o", str(tmp_path / "r.md")]) == 0
    assert "| 行政事业性收费 | 4.00 |" in (tmp_path / "r.md").read_text(encoding="utf-8")


def test_build_refuses_reminders_and_check_errors_unless_forced(tmp_path, capsys):
    src = tmp_path / "s.yaml"
    main(["new", "--agency", "某县人民政府", "--year", "2024", "-o", str(src)])
    assert main(["build", str(src), "--to", "md"]) == 1
    err = capsys.readouterr().err
    assert ("表二、表三、表四有 200 个单元格空白（没有发生的请填 0）；第一部分“总体情况”、") in err
    assert "第六部分“其他需要报告的事项”仍有【待办】提示文字，未生成报告" in err
    assert "错误［TEXT-PLACEHOLDER］第一部分“总体情况”仍有编制提示文字“【待办】”" in err
    assert not (tmp_path / "s.md").exists()
    # every cell filled and every section written, but one cell left blank: still refused
    text = src.read_text(encoding="utf-8").replace(": null", ": 0").replace("published: 0", "published: null").replace(
        "【待办】请在此用 Markdown 填写本部分内容，写完后删除本行。", "本部分内容。")
    src.write_text(text.replace("review: {upheld: 0", "review: {upheld: null", 1), encoding="utf-8")
    assert main(["build", str(src), "--to", "md"]) == 1
    assert "表四有 1 个单元格空白（没有发生的请填 0），未生成报告" in capsys.readouterr().err
    src.write_text(text, encoding="utf-8")
    assert main(["build", str(src), "--to", "md"]) == 0
    assert (tmp_path / "s.md").exists()
    # built without its date (published: null): the report ends with the body's name alone, and says so
    assert capsys.readouterr().err.splitlines()[-1] == (
        "gongkai：注意：源文件没有落款日期（published），生成的报告末尾没有落款日期；正式发布前请在源文件中填写后重新生成。")
    assert (tmp_path / "s.md").read_text(encoding="utf-8").endswith("本部分内容。\n\n某县人民政府\n")

    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "new_received: {natural_person: 18,", "new_received: {natural_person: 19,")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    assert main(["build", str(bad), "--to", "html"]) == 1
    err = capsys.readouterr().err
    assert "错误［" in err and "未生成报告" in err and "Traceback" not in err
    assert not (tmp_path / "bad.html").exists()
    assert main(["build", str(bad), "--to", "html", "--force"]) == 0
    assert load(tmp_path / "bad.html").value("table3.new_received.natural_person") == 19


def test_build_markdown_then_refuses_to_replace_it(tmp_path, capsys):
    out = tmp_path / "r.md"
    assert main(["build", str(EXAMPLE), "--to", "md", "-o", str(out)]) == 0
    parsed = load(out)
    assert parsed.value("table2.art20_8.admin_fees.amount") == Decimal("12.6")
    out.write_text("手工修改过的报告", encoding="utf-8")
    assert main(["build", str(EXAMPLE), "--to", "md", "-o", str(out)]) == 1
    assert "输出文件已存在，未覆盖" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "手工修改过的报告"
    assert main(["build", str(EXAMPLE), "--to", "md", "-o", str(out), "--overwrite"]) == 0
    assert load(out).agency == "示例市示例区市场监督管理局"


def test_build_bad_yaml_names_the_line(tmp_path, capsys):
    src = tmp_path / "s.yaml"
    src.write_text('agency: 某局\nyear: 2024\ntable3:\n  granted: {total: 1\n', encoding="utf-8")
    assert main(["build", str(src), "--to", "html"]) == 1
    err = capsys.readouterr().err
    assert f"{src}：第5行第1列：YAML 格式错误" in err


def test_pdf_without_libreoffice_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["build", str(EXAMPLE), "--to", "pdf", "-o", str(tmp_path / "r.pdf")]) == 1
    assert "生成 PDF 需要 LibreOffice，但本机没有安装" in capsys.readouterr().err
    assert not (tmp_path / "r.pdf").exists()


def test_build_with_previous_runs_the_cross_year_rules(tmp_path, capsys):
    last = load_source(EXAMPLE).report
    last.year = 2023
    last.set_value("table3.carried_forward.natural_person", 5)
    previous = tmp_path / "2023.json"
    previous.write_text(last.to_json(), encoding="utf-8")
    out = tmp_path / "r.html"
    code = main(["build", str(EXAMPLE), "--to", "html", "-o", str(out), "--previous", str(previous)])
    err = capsys.readouterr().err
    # A warning (agency reorganisations break it): printed, and the report is still built.
    assert "警告［CARRY-OVER］表三“自然人”列：本年“二、上年结转”为 2，上年报告“四、结转下年度继续办理”为 5" in err
    assert code == 0 and out.exists()


def test_new_2019_source_from_a_2021_report_carries_no_publication_total(tmp_path):
    out = tmp_path / "s.yaml"
    assert main(["new", "--from", str(seed("003")), "--format", "2019", "-o", str(out)]) == 0
    r = load_source(out).report
    assert r.value("table2.art20_1.normative_docs.total_published") is None
    assert r.value("table2.art20_5.other_services.prev_items") is None
    assert r.value("table2.art20_5.other_services.decisions") is None     # this year's: not known yet
    text = out.read_text(encoding="utf-8")
    assert "“现行有效件数”不等于对外公开总数量" in text and "上年为 2021 年版格式，没有项目数量" in text


def test_new_warns_when_the_format_does_not_fit_the_year(tmp_path, capsys):
    assert main(["new", "--agency", "某局", "--year", "2020", "-o", str(tmp_path / "a.yaml")]) == 0
    assert "2020年度报告通常使用 2019 年版格式，当前为 2021 年版" in capsys.readouterr().err
    assert main(["new", "--agency", "某局", "--year", "2020", "--format", "2019", "-o", str(tmp_path / "b.yaml")]) == 0
    assert "注意" not in capsys.readouterr().err



def test_new_refuses_a_year_before_the_national_format_and_warns_of_one_not_begun(tmp_path, capsys, monkeypatch):
    """--year 2018 made a 2021 source and said "2018年度报告通常使用 2019 年版格式" (there was no
    national format before 2019); --year 2030 in 2026 was taken without a word."""
    monkeypatch.setenv("GONGKAI_TODAY", "2026-12-04")
    assert main(["new", "--agency", "某局", "--year", "2018", "-o", str(tmp_path / "a.yaml")]) == 1
    assert capsys.readouterr().err == ("gongkai：报告年度 2018 早于全国统一的年度报告格式（2019 年度起，国办公开办函〔2019〕60号），"
                                       "gongkai 只编制 2019 年度起的报告。\n")
    assert not (tmp_path / "a.yaml").exists()
    assert main(["new", "--agency", "某局", "--year", "2030", "-o", str(tmp_path / "b.yaml")]) == 0
    assert capsys.readouterr().err == "gongkai：注意：报告年度 2030 晚于今年（2026 年），请确认年度没有写错。\n"
    assert main(["new", "--agency", "某局", "--year", "2026", "-o", str(tmp_path / "c.yaml")]) == 0   # December
    assert "注意" not in capsys.readouterr().err


def test_build_pdf_through_the_command(tmp_path):
    out = tmp_path / "r.pdf"
    assert main(["build", str(EXAMPLE), "--to", "pdf", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    parsed = load(out)
    assert (parsed.agency, parsed.year, parsed.published.isoformat()) == ("示例市示例区市场监督管理局", 2024, "2025-01-20")
    assert parsed.value("table3.total.total") == 23
    # Fit to publish: the title breaks between the body's name and the report's name, in a bold
    # face; every page numbered “— n —” in its footer.
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True).stdout
    pages = text.split("\f")[:-1]
    lines = [line.strip() for line in pages[0].splitlines() if line.strip()]
    assert lines[:2] == ["示例市示例区市场监督管理局", "2024 年政府信息公开工作年度报告"]
    footers = ["".join(p.strip().splitlines()[-1].split()) for p in pages]  # pdftotext drops the spaces
    assert len(pages) >= 3 and footers == [f"—{n}—" for n in range(1, len(pages) + 1)]
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert "Bold" in fonts


def test_build_refuses_cells_the_digits_do_not_cut_one_way(tmp_path, capsys):
    # 交通与建设局 2025 as a crawler kept it: 行政规范性文件 printed 1024 (1|0|24 or 10|2|4), so the
    # three cells are open — a report built from it would print them blank.
    text = Path(__file__).resolve().parents[2] / "examples" / "crawler-text" / "ptzhsyqjtj-2025.txt"
    out = tmp_path / "r.md"
    assert main(["build", str(text), "--to", "md", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "表二有 3 个单元格的数字连写、无法确定（请核对原件后填写），未生成报告" in err
    assert not out.exists()
    assert main(["build", str(text), "--to", "md", "-o", str(out), "--force"]) == 0
    # forced, it says which cells the built report leaves blank (they said nothing before)
    assert ("gongkai：注意：3 个单元格的数字原文连写、无法确定，生成的报告中留空，发布前请对照原件填写：表二“行政规范性文件”行"
            "“本年制发件数”列；表二“行政规范性文件”行“本年废止件数”列；表二“行政规范性文件”行“现行有效件数”列。") \
        in capsys.readouterr().err.splitlines()


def test_build_names_the_inferred_cells_it_publishes_unmarked(tmp_path, capsys):
    # 交通与建设局 2021 printed 行政规范性文件 as "0012": 0|0|12 is the one cut, so the report builds,
    # but the built report shows no mark — the command must say which values were inferred.
    out = tmp_path / "r.md"
    assert main(["build", str(EXAMPLES / "crawler-text" / "ptzhsyqjtj-2021.txt"), "--to", "md", "-o", str(out)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == ("gongkai：注意：3 个单元格是推断值（原文数字连写或错位，由表内合计、上年报告的数字或数字的个数拆出），生成的报告中"
                       "不带标记，发布前请对照原件核对：表二“行政规范性文件”行“本年制发件数”列；表二“行政规范性文件”行"
                       "“本年废止件数”列；表二“行政规范性文件”行“现行有效件数”列。")
    assert main(["build", str(EXAMPLE), "--to", "md", "-o", str(tmp_path / "s.md")]) == 0
    assert "注意" not in capsys.readouterr().err  # a source's own figures: nothing to say


def test_new_from_another_bodys_or_years_report_carries_nothing(tmp_path, capsys):
    """Another body's 结转 and 现行有效 are not this body's: refused, no file written (it carried
    them in, with only a note about the year)."""
    out = tmp_path / "s.yaml"
    huaian = EXAMPLES / "huaian-city-2024.pdf"
    assert main(["new", "--from", str(huaian), "--agency", "淮安市洪泽区人民政府", "-o", str(out)]) == 1
    assert capsys.readouterr().err == (
        "gongkai：上年报告（huaian-city-2024.pdf）的机关是“淮安市人民政府”，本报告的机关是“淮安市洪泽区人民政府”，"
        "不是同一机关。未生成源文件：请用 --from 指定本机关上一年度的报告，或不用 --from、逐项填写。\n")
    assert not out.exists()
    assert main(["new", "--from", str(huaian), "--year", "2027", "-o", str(out)]) == 1
    assert capsys.readouterr().err == (
        "gongkai：上年报告（huaian-city-2024.pdf）的年度为 2024 年，不是 2026 年。"
        "未生成源文件：请用 --from 指定本机关上一年度的报告，或不用 --from、逐项填写。\n")
    assert not out.exists()
    # The same body however printed is the same body: 淮安市人民政府 = 淮安市政府.
    assert main(["new", "--from", str(huaian), "--agency", "淮安市政府", "-o", str(out)]) == 0
    assert carried_over(load_source(out).report) == [103, 0, 0, 0, 0, 0, 103]


@pytest.mark.parametrize("last_agency, agency", [
    ("淮安市清江浦区人民政府办公室", "江苏省淮安市  清江浦区人民政府办公室"),                # province, spaces
    ("淮安市清江浦区清河街道办事处", "清江浦区清河街道（办事处）"),                        # short, full-width brackets
    ("淮安市清江浦区人民政府办公室（淮安市清江浦区外事办公室）", "淮安市清江浦区人民政府办公室"),  # a second name
    ("淮安市清江浦区教育局", "淮安市清江浦区教育局关于2024年度政府信息公开工作年度报告"),    # a title run on
])
def test_new_from_this_bodys_report_however_its_name_is_printed(tmp_path, capsys, last_agency, agency):
    """``new --from`` refused a body's own last report when the names were printed differently
    (a bracketed end, a title beginning 关于…)."""
    last = load_source(EXAMPLE).report
    last.agency = last_agency
    path = tmp_path / "2024.json"
    path.write_text(last.to_json(), encoding="utf-8")
    out = tmp_path / "s.yaml"
    assert main(["new", "--from", str(path), "--agency", agency, "-o", str(out)]) == 0, capsys.readouterr().err
    assert carried_over(load_source(out).report) == [2, 0, 0, 0, 1, 0, 3]


@pytest.mark.parametrize("last_agency, agency", [
    ("淮安市清江浦区教育局", "淮安市清江浦区教育体育局"), ("淮安市清江浦区教育局", "淮安市洪泽区教育局"),
    ("某某局（甲）", "某某局（乙）"),
])
def test_new_from_another_bodys_report_is_refused_whatever_is_alike(tmp_path, capsys, last_agency, agency):
    last = load_source(EXAMPLE).report
    last.agency = last_agency
    path = tmp_path / "2024.json"
    path.write_text(last.to_json(), encoding="utf-8")
    assert main(["new", "--from", str(path), "--agency", agency, "-o", str(tmp_path / "s.yaml")]) == 1
    assert capsys.readouterr().err == (
        f"gongkai：上年报告（2024.json）的机关是“{last_agency}”，本报告的机关是“{agency}”，不是同一机关。"
        "未生成源文件：请用 --from 指定本机关上一年度的报告，或不用 --from、逐项填写。\n")


def test_build_names_the_rows_the_format_has_not_and_leaves_them_out(tmp_path, capsys):
    # 孝感市 2020 printed a row “其他主动公开文件” in table 2: the official tables have no place for it,
    # so the built report went without it and nothing said its figures were not printed.
    import json

    report = load_source(EXAMPLE).report.to_dict()
    report["extra_rows"] = [{"table": "table2", "label": "其他主动公开文件", "raw": ["12", "3", "40"], "where": None}]
    src = tmp_path / "r.json"
    src.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    assert main(["build", str(src), "--to", "md", "-o", str(tmp_path / "r.md")]) == 0
    assert capsys.readouterr().err.splitlines()[-1] == (
        "gongkai：注意：表二中格式没有的行“其他主动公开文件”（原文：12 3 40）未印入生成的报告；如需说明，请写入正文。")
    assert "其他主动公开文件" not in (tmp_path / "r.md").read_text(encoding="utf-8")


def test_build_passes_on_warnings_other_than_the_unmarked_cells(tmp_path, monkeypatch, capsys):
    """build took every warning raised while rendering to find the UnmarkedWarnings it prints as 注意
    lines, and dropped the others without a word (walk review): they are passed on now."""
    import warnings

    import gongkai.render as render_module

    real = render_module.render

    def warning_render(report, to, *args, **kwargs):
        warnings.warn("a library's own warning", UserWarning, stacklevel=1)
        return real(report, to, *args, **kwargs)

    monkeypatch.setattr(render_module, "render", warning_render)
    with pytest.warns(UserWarning, match="a library's own warning"):
        assert main(["build", str(EXAMPLE), "--to", "md", "-o", str(tmp_path / "r.md")]) == 0
    assert capsys.readouterr().out == f"gongkai：已生成 {tmp_path / 'r.md'}\n"
