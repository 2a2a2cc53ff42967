"""Round trip: report -> built file -> ``gongkai.load`` -> the same report data.

Holds the builder and the readers to each other, for every output form, both format versions
and random reports (table 3 consistent by construction, some cells blank)."""

from __future__ import annotations

import random
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.format import FORMAT, VERSIONS
from gongkai.load import load, load_source
from gongkai.model import Report, Section
from gongkai.render.docx import render_docx
from gongkai.render.html import render_html
from gongkai.render.markdown import render_markdown
from gongkai.render.pdf import convert_to_pdf

ROOT = Path(__file__).resolve().parents[2]
PLACES = ["示例市", "某某县", "测试区", "样本市样本区", "东风镇", "青山乡"]
BODIES = ["人民政府", "人民政府办公室", "自然资源局", "市场监督管理局", "教育局", "生态环境局", "卫生健康委员会"]
SENTENCES = [
    "全年主动公开政府信息326条。", "严格落实公文公开属性源头认定制度。", "本年度未收取信息处理费。",
    "依申请公开答复均在法定期限内完成。", "一是部分栏目更新不够及时。", "二是政策解读形式较为单一。",
    "下一步将建立栏目更新台账，丰富图解、视频等解读形式。", "组织政务公开专题培训2次，参训60人次。",
]


def random_report(rnd: random.Random, version: str) -> Report:
    """A valid report: every cell of ``version``; table 3 obeys 一+二=三（七）+四 and row sums."""
    year = rnd.randint(2019, 2020) if version == "2019" else rnd.randint(2021, 2030)
    report = Report(agency=rnd.choice(PLACES) + rnd.choice(BODIES), year=year, format=version,
                    published=rnd.choice([None, date(year + 1, 1, rnd.randint(1, 31))]))
    for spec in FORMAT.sections:
        text = "\n".join(rnd.sample(SENTENCES, rnd.randint(0, 3)))
        report.sections.append(Section(spec.no, spec.title, text))

    def count(high: int = 40):
        return rnd.choice([0, 0, rnd.randint(0, high), rnd.randint(0, 99999)]) if high > 40 else \
            rnd.choice([0, 0, 1, rnd.randint(0, high)])

    for group, row in FORMAT.table2_rows(version):
        for column in group.columns:
            cell = f"table2.{group.id}.{row.id}.{column.id}"
            if rnd.random() < 0.1:
                value = None
            elif column.decimal:
                value = Decimal(rnd.randint(0, 10 ** 7)) / 100
            elif column.id == "change":
                value = rnd.randint(-50, 50)
            else:
                value = count(100000)
            report.set_value(cell, value)

    layout = FORMAT.table3_layout(version)
    outcomes = [r for r in layout if r in FORMAT.table3_outcome_rows]
    for column in FORMAT.table3_column_ids[:-1]:
        for r in outcomes:
            report.set_value(f"table3.{r}.{column}", count(30) if rnd.random() < 0.3 else 0)
        total = sum(report.value(f"table3.{r}.{column}") for r in outcomes)
        carried_over, carried_forward = count(10), count(10)
        new = total + carried_forward - carried_over
        if new < 0:
            carried_over, new = carried_over + new, 0
        for r, v in (("new_received", new), ("carried_over", carried_over), ("total", total),
                     ("carried_forward", carried_forward)):
            report.set_value(f"table3.{r}.{column}", v)
    for r in layout:
        report.set_value(f"table3.{r}.total",
                         sum(report.value(f"table3.{r}.{c}") for c in FORMAT.table3_column_ids[:-1]))

    for group in FORMAT.table4_groups:
        parts = [count(5) for _ in FORMAT.table4_column_ids[:-1]]
        for column, v in zip(FORMAT.table4_column_ids, parts + [sum(parts)]):
            report.set_value(f"table4.{group.id}.{column}", v)
    return report


def assert_same(built: Report, parsed: Report) -> None:
    assert (parsed.agency, parsed.year, parsed.format, parsed.published) == \
        (built.agency, built.year, built.format, built.published)
    assert [(s.no, s.title) for s in parsed.sections] == [(s.no, s.title) for s in built.sections]
    cells = FORMAT.expected_cells(built.format)
    missing = [c for c in cells if not parsed.has_cell(c)]
    assert missing == []
    differ = {c: (built.value(c), parsed.value(c)) for c in cells if built.value(c) != parsed.value(c)}
    assert differ == {}
    assert parsed.extra_rows == []


RENDER = {"html": lambda r: render_html(r).encode("utf-8"), "md": lambda r: render_markdown(r).encode("utf-8"),
          "docx": render_docx}


def _build(report: Report, form: str, path: Path) -> Path:
    out = path / f"report.{form}"
    out.write_bytes(RENDER[form](report))
    return out


@pytest.mark.parametrize("form", sorted(RENDER))
@pytest.mark.parametrize("version", VERSIONS)
def test_seeded_reports_round_trip(tmp_path, form, version):
    report = random_report(random.Random(f"{form}{version}"), version)
    assert_same(report, load(_build(report, form, tmp_path)))


@pytest.mark.parametrize("form", sorted(RENDER))
def test_example_source_round_trips(tmp_path, form):
    report = load_source(ROOT / "examples" / "source-2024.yaml").report
    parsed = load(_build(report, form, tmp_path))
    assert_same(report, parsed)
    assert parsed.value("table2.art20_8.admin_fees.amount") == Decimal("12.6")
    assert parsed.value("table3.carried_forward.total") == 3


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rnd=st.randoms(use_true_random=False), version=st.sampled_from(VERSIONS),
       form=st.sampled_from(sorted(RENDER)))
def test_random_reports_round_trip(tmp_path, rnd, version, form):
    report = random_report(rnd, version)
    assert_same(report, load(_build(report, form, tmp_path)))


@pytest.mark.libreoffice
@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seeds=st.lists(st.integers(0, 2 ** 32), min_size=4, max_size=4))
def test_docx_and_pdf_round_trip(seeds):
    """Random reports of both versions and the example -> DOCX -> PDF, converted in one
    LibreOffice run per example (a start costs seconds; the machine is shared)."""
    reports = [random_report(random.Random(seed), VERSIONS[i % 2]) for i, seed in enumerate(seeds)]
    reports.append(load_source(ROOT / "examples" / "source-2024.yaml").report)
    with tempfile.TemporaryDirectory(prefix="gongkai-test-") as tmp:
        docx_files = []
        for i, report in enumerate(reports):
            path = Path(tmp) / f"r{i}.docx"
            path.write_bytes(render_docx(report))
            docx_files.append(path)
        pdfs = convert_to_pdf(docx_files, Path(tmp) / "pdf")
        for report, pdf, path in zip(reports, pdfs, docx_files):
            assert_same(report, load(pdf))
            assert_same(report, load(path))


def test_tables_print_even_without_their_sections(tmp_path):
    report = random_report(random.Random("bare"), "2021")
    report.sections = [s for s in report.sections if s.no in (1, 6)]
    parsed = load(_build(report, "html", tmp_path))
    assert [s.no for s in parsed.sections] == [1, 2, 3, 4, 6]
    assert [s.title for s in parsed.sections][1:4] == [FORMAT.sections[i].title for i in (1, 2, 3)]
    for cell in FORMAT.expected_cells("2021"):
        assert parsed.value(cell) == report.value(cell)


def test_a_2021_report_with_one_other_row_keeps_it(tmp_path):
    report = random_report(random.Random("other"), "2021")
    merged = {c: sum(report.value(f"table3.{r}.{c}") for r in ("other.no_correction", "other.no_fee", "other.other"))
              for c in FORMAT.table3_column_ids}
    for r in ("other.no_correction", "other.no_fee", "other.other"):
        del report.table3[r]
    report.table3["other"] = merged
    parsed = load(_build(report, "md", tmp_path))
    assert parsed.table3["other"] == merged
    assert not any(r.startswith("other.") for r in parsed.table3)


@pytest.mark.libreoffice
def test_pdf_never_breaks_a_number_across_lines():
    # "至2024年12月3 / 1日": LibreOffice broke numbers at a line end while Latin text was marked zh-CN.
    import pypdfium2 as pdfium

    from gongkai.render import render

    report = random_report(random.Random("numbers"), "2021")
    report.sections[0].text = "甲甲甲12345678乙乙乙20251231" * 12
    pdf = pdfium.PdfDocument(render(report, "pdf"))
    lines = [line for page in pdf for line in page.get_textpage().get_text_range().splitlines() if line.strip()]
    assert sum(line.count("12345678") + line.count("20251231") for line in lines) == 24  # each number whole
    assert [(a, b) for a, b in zip(lines, lines[1:]) if a.rstrip()[-1:].isdigit() and b.lstrip()[:1].isdigit()
            and "甲" in a + b] == []
