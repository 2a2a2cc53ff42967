"""The report source file: loading, validation messages with lines, and YAML written back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_render_roundtrip import random_report  # tests/render is on sys.path (no __init__.py)

from gongkai.errors import SourceError
from gongkai.format import FORMAT, VERSIONS
from gongkai.load import load_source, load_source_text
from gongkai.source.scaffold import problem_lines, scaffold, write_source

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "source-2024.yaml"


def test_example_loads_exactly():
    src = load_source(EXAMPLE)
    r = src.report
    assert (r.agency, r.year, r.format, r.published) == ("示例市示例区市场监督管理局", 2024, "2021", date(2025, 1, 20))
    assert src.body_type == "县级以上人民政府部门"
    assert [s.title for s in r.sections] == [s.title for s in FORMAT.sections]
    assert r.value("table2.art20_8.admin_fees.amount") == Decimal("12.6")
    assert r.value("table3.new_received.total") == 24
    assert r.value("table3.carried_forward.legal_service") == 1
    assert r.value("table4.review.pending") == 1
    assert src.reminders == []


def _error(text: str) -> SourceError:
    with pytest.raises(SourceError) as info:
        load_source_text(text, "s.yaml")
    return info.value


BASE = 'agency: 某局\nyear: 2024\nformat: "2021"\n'


@pytest.mark.parametrize("text, message, place", [
    (BASE + "agncy: x\n", "未知的字段“agncy”", "第4行"),
    (BASE + "table2:\n  art20_9.procurement: {projects: 1}\n", "2021 年版格式的表二没有行“art20_9.procurement”", "第5行"),
    (BASE + "table3:\n  granted: {natural_person: 二}\n", "“table3.granted.natural_person”应为数字或 null", "第5行"),
    (BASE + "table3:\n  granted: {people: 1}\n", "“table3.granted”没有列“people”", "第5行"),
    (BASE + "table3:\n  granted: {total: 1.5}\n", "是件数，应为整数", "第5行"),
    (BASE + "table4:\n  review:\n    upheld: -1\n", "不能为负数", "第6行"),
    (BASE + "sections:\n  - number: 7\n", "章节编号应为 1 到 6 的整数", "第5行"),
    (BASE + "published: 明年\n", "落款日期“明年”无法识别", "第4行"),
    (BASE + "table3: {granted: [1, 2\n", "YAML 格式错误", "第5行第1列"),
    ('agency: 某局\nyear: 24\n', "year（报告年度）应为四位年份", "第2行"),
    ('year: 2024\n', "“agency”不能为空", None),
])
def test_mistakes_are_named_with_their_line(text, message, place):
    err = _error(text)
    assert message in err.message
    assert err.place == place
    assert err.path == "s.yaml"


def test_blank_and_signed_change_and_exact_decimals():
    r = load_source_text(BASE.replace("2021", "2019") + "table2:\n  art20_5.licensing: {prev_items: 10, change: -3, decisions: }\n"
                         "  art20_9.procurement: {projects: 2, amount: 251000.50}\n", "s.yaml").report
    assert r.table2["art20_5.licensing"] == {"prev_items": 10, "change": -3, "decisions": None}
    assert r.value("table2.art20_9.procurement.amount") == Decimal("251000.50")
    assert str(r.value("table2.art20_9.procurement.amount")) == "251000.50"


def test_report_json_is_a_source(tmp_path):
    report = load_source(EXAMPLE).report
    path = tmp_path / "r.json"
    path.write_text(report.to_json(), encoding="utf-8")
    again = load_source(path).report
    assert again.table3 == report.table3 and again.agency == report.agency


def test_scaffold_is_a_complete_source_left_blank_with_reminders():
    """No number is written where no data exists: every cell is null (blank), which the
    checker reports and `gongkai build` refuses until the clerk fills it."""
    from gongkai.check import check_report, why_blocked

    for version in VERSIONS:
        src = load_source_text(scaffold("某局", 2020 if version == "2019" else 2024, version), "new.yaml")
        cells = FORMAT.expected_cells(version)
        assert [src.report.value(c) for c in cells] == [None] * len(cells)
        assert src.reminders == [1, 2, 3, 4, 5, 6]
        findings = check_report(src.report)
        assert [f.rule for f in findings if f.rule == "TEXT-PLACEHOLDER"] == ["TEXT-PLACEHOLDER"] * 6
        assert sorted(c for f in findings if f.rule == "CELL-BLANK" for c in f.cells) == sorted(cells)
        assert why_blocked(src.report, findings).startswith(f"表二、表三、表四有 {len(cells)} 个单元格空白")
        assert [s.title for s in src.report.sections] == [s.title for s in FORMAT.sections]


def test_problem_lines_stop_at_the_improvement_heading():
    text = "（一）存在的问题\n1. 部分栏目信息公开不及时。\n2. 信息公开内容不健全。\n（二）改进情况\n1. 立行立改。"
    assert problem_lines(text) == ["（一）存在的问题", "1. 部分栏目信息公开不及时。", "2. 信息公开内容不健全。"]


@settings(max_examples=30, deadline=None)
@given(rnd=st.randoms(use_true_random=False), version=st.sampled_from(VERSIONS))
def test_any_report_written_as_source_loads_back_identical(rnd, version):
    report = random_report(rnd, version)
    report.preamble = rnd.choice(["", "本报告根据条例编制。\n统计期限为公历年度。"])
    back = load_source_text(write_source(report), "w.yaml").report
    assert (back.agency, back.year, back.format, back.published, back.preamble) == \
        (report.agency, report.year, report.format, report.published, report.preamble)
    assert [(s.no, s.title, s.text) for s in back.sections] == [(s.no, s.title, s.text) for s in report.sections]
    assert (back.table2, back.table3, back.table4) == (report.table2, report.table3, report.table4)



@settings(max_examples=100, deadline=None)
@given(text=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60),
       title=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20))
def test_any_text_written_into_a_source_loads_back(text, title):
    """Text carried from last year's report (any characters a PDF or page may hold) never makes
    the written YAML unreadable; printable text comes back as it was."""
    from gongkai.format.text import clean_text
    from gongkai.model import Report, Section

    report = Report(agency="某局" + title, year=2024, format="2021",
                    sections=[Section(5, "存在的主要问题及改进情况", text)], preamble=text)
    back = load_source_text(write_source(report), "w.yaml").report
    assert back.sections[0].text == clean_text(text).strip()
    assert back.preamble == clean_text(text).strip()
    assert back.agency == clean_text("某局" + title).replace("\n", " ").strip()


def test_last_years_run_together_digits_are_not_called_blank():
    # 平潭 行政审批局 2024 printed its 行政规范性文件 row as "15621": next year's 现行有效件数 was
    # annotated "上年报告此格空白" — it was printed, only not cut one way.
    from gongkai.load import load
    from gongkai.source.scaffold import prefill_from

    last = load(str(ROOT / "examples" / "crawler-text" / "ptzhsyqhzs-2024.txt"))
    p = prefill_from(last, "2021")
    cell = "table2.art20_1.normative_docs.in_force"
    assert p.values[cell] is None
    assert p.comments[cell] == "上年报告此格数字连写、无法确定（印作“15621”，可能为 621、21、1），请核对上年报告原件后填写"
    assert p.comments["table2.art20_1.rules.in_force"] == "2024年现行有效件数；本年 = 上年 + 本年制发 − 本年废止"
