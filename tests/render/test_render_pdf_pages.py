"""Where the built PDF breaks its pages (LibreOffice): a table starts on the page of its heading."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from gongkai.format import FORMAT
from gongkai.load import load_source

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.libreoffice
def test_a_tables_heading_and_lead_in_stay_with_it():
    # A clerk's 2025 report: table 3 fills page 2 and 四's heading and its one line fitted below it,
    # while table 4 went to page 3 — the heading and "……见下表。" were left alone at the foot of page 2.
    import pypdfium2 as pdfium

    from gongkai.render import render

    report = load_source(ROOT / "examples" / "source-2024.yaml").report
    for section in report.sections:
        section.text = "本年度，本机关依法做好相关工作，具体情况见下表。"
    pdf = pdfium.PdfDocument(render(report, "pdf"))
    pages = [page.get_textpage().get_text_range() for page in pdf]
    [heading] = [n for n, text in enumerate(pages) if "四、政府信息公开行政复议、行政诉讼情况" in text]
    [table] = [n for n, text in enumerate(pages) if "复议后起诉" in text]
    assert heading == table


@pytest.mark.libreoffice
def test_no_blank_page_when_a_table_ends_at_the_foot_of_a_page():
    # A town's 2025 report built from its registers (gongkai new --log, then filled in): table 2
    # ended at the foot of page 1, the empty paragraph after it went onto page 2, and section 三,
    # which starts a new page, came on page 3 — page 2 was printed blank.
    import pypdfium2 as pdfium

    from gongkai.render import render

    report = load_source(Path(__file__).with_name("town-2025.yaml")).report
    pdf = pdfium.PdfDocument(render(report, "pdf"))
    pages = [page.get_textpage().get_text_range() for page in pdf]
    blank = [n for n, text in enumerate(pages, 1) if text.replace("—", "").strip() == str(n)]
    assert blank == []
    assert len(pages) == 3 and "行政事业性收费" in pages[0] and pages[1].lstrip().startswith("三、收到和处理政府信息公开申请情况")


@pytest.mark.libreoffice
def test_the_signature_and_date_stay_with_the_last_paragraph(tmp_path):
    # 旅游与文化体育局 2019 rebuilt from the text a crawler kept: its date “2020年1月2日” was
    # printed alone at the top of page 7, the body's name at the foot of page 6.
    import pypdfium2 as pdfium

    from gongkai.load import load
    from gongkai.render import render

    report = load(ROOT / "examples" / "crawler-text" / "ptzhsyqlyy-2019.txt")
    data = render(report, "pdf")
    pdf = pdfium.PdfDocument(data)
    last = [line.strip() for line in pdf[len(pdf) - 1].get_textpage().get_text_range().splitlines() if line.strip()]
    # (page 7 until table 3 could break where a group of its rows starts; section 五's end is on it now)
    assert last[-5:] == ["六、其他需要报告的事项", "本年度无收取信息处理费情况。", "平潭综合实验区旅游与文化体育局",
                         "2020 年 1 月 2 日", "— 6 —"]
    # every font embedded, the Chinese text in a CJK face (a reader without the fonts sees the same)
    fonts = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True).stdout.decode().splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)
    assert {"NotoSerifCJK", "NotoSansCJK"} <= {re.sub(r"^[A-Z]{6}\+|jp-.*$", "", line.split()[0]) for line in fonts}
    # tagged for a screen reader: headings, the tables' cells, the text's language
    (tmp_path / "r.pdf").write_bytes(data)
    info = subprocess.run(["pdfinfo", "-struct", str(tmp_path / "r.pdf")], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in subprocess.run(["pdfinfo", str(tmp_path / "r.pdf")], capture_output=True, text=True,
                                                   check=True).stdout
    tags = {line.split()[0].rstrip(":") for line in info.splitlines() if line.strip()}
    assert {"H1", "H2", "Table", "TR", "TH", "TD"} <= tags
    # the title the one H1, the six sections H2 under it (as the HTML's h1/h2; Word's navigation pane)
    assert [line.split()[0] for line in info.splitlines() if line.strip().startswith("H")] == ["H1"] + ["H2"] * 6
    # the document's language (the catalog's /Lang, a screen reader's voice) Chinese — it was en-US
    catalog = data[data.index(b"/Type/Catalog"):].split(b"endobj")[0]
    assert re.search(rb"/Lang\s*\(([^)]*)\)", catalog).group(1) == b"zh-CN"


@pytest.mark.libreoffice
def test_five_digit_figures_stay_whole_in_table_3():
    # A city's 23456 applications: table 3's number columns (6.5% of the width) broke it as “2345 / 6”.
    import pypdfium2 as pdfium

    from gongkai.render import render

    report = load_source(ROOT / "examples" / "source-2024.yaml").report
    for column in ("natural_person", "total"):
        report.set_value("table3.new_received." + column, 23456)
    pdf = pdfium.PdfDocument(render(report, "pdf"))
    [page] = [p.get_textpage().get_text_range() for p in pdf if "申请人情况" in p.get_textpage().get_text_range()]
    row = next(line for line in page.splitlines() if line.startswith("一、本年新收"))
    assert row.split()[-7:] == ["23456", "3", "0", "1", "2", "0", "23456"]
    lines = page.splitlines()
    assert ("科研", "机构") in zip(lines, lines[1:])  # a column head two characters a line, as before (not 科研机 / 构)


# Section 三 of a clerk's report as long as real ones are: with the old page flow (三 starting a page,
# table 3 kept whole) the table did not fit under it and the page held the heading and text alone.
LONG_THREE = ("2025年，本机关共收到政府信息公开申请10件，办结8件，结转下年度办理2件。其中予以公开3件，部分公开1件，"
              "不予公开1件，无法提供1件，其他处理2件。1件申请因工作衔接不畅逾期答复。\n\n"
              "本机关严格落实《中华人民共和国政府信息公开条例》，健全依申请公开受理、登记、承办、审核、答复、归档全流程"
              "工作机制，对每件申请建立台账、专人跟踪，实行一案一档管理。对申请内容不明确的，及时一次性告知申请人补正；"
              "对涉及第三方权益的，依法书面征求第三方意见；对需要延期答复的，经政府信息公开工作机构负责人同意后告知申请人。\n\n"
              "全年未收取信息处理费。依申请公开办理情况统计如下表。")


def long_three_report():
    report = load_source(Path(__file__).with_name("town-2025.yaml")).report
    [three] = [s for s in report.sections if s.no == 3]
    three.text = LONG_THREE
    return report


@pytest.mark.libreoffice
def test_table_3_follows_a_long_text_and_breaks_where_a_group_starts():
    """Before: page 2 held section 三's heading and text alone, half empty, and table 3 came
    whole on page 3.  Now the table starts under the text and breaks above （四）无法提供, its
    header repeated on the next page."""
    import pypdfium2 as pdfium

    from gongkai.render import render

    pdf = pdfium.PdfDocument(render(long_three_report(), "pdf"))
    pages = [page.get_textpage().get_text_range() for page in pdf]
    [n] = [n for n, text in enumerate(pages) if "三、收到和处理政府信息公开申请情况" in text]
    assert "依申请公开办理情况统计如下表。" in pages[n] and "申请人情况" in pages[n]
    assert "8.属于行政查询事项" in pages[n] and "本机关不掌握相关政府信息" not in pages[n]
    rest = pages[n + 1]
    assert "申请人情况" in rest and "1.本机关不掌握相关政府信息" in rest and "四、结转下年度继续办理" in rest
    assert rest.index("申请人情况") < rest.index("1.本机关不掌握相关政府信息")


# Section 三's text that makes table 3 break above each group where it may (LibreOffice's page flow
# on this machine's fonts; the test says which break it got, so a shifted flow fails plainly).
SHORT_THREE = "本机关依法办理政府信息公开申请，严格执行受理、审核、答复程序，做到件件有回音。"
BREAKS = {"（四）": LONG_THREE, "（五）": "\n\n".join([SHORT_THREE] * 5), "（六）": "\n\n".join([SHORT_THREE] * 3)}


@pytest.mark.libreoffice
def test_a_table_3_broken_above_each_group_reads_back_cell_for_cell(tmp_path):
    """Before: the repeated header's first row at the top of the next page was taken for the rest
    of the row cut at the foot of the page before (a label's last characters): 申请人情况 was
    appended to that row's 自然人 cell, so every cell of the row read None (gen2026_00079.pdf:
    （四）3 above a break at （五）), and the next page's header lost its first row."""
    import pypdfium2 as pdfium
    from test_render_roundtrip import assert_same  # tests/render is on sys.path (no __init__.py)

    from gongkai.load import load
    from gongkai.render.docx import render_docx
    from gongkai.render.pdf import convert_to_pdf

    reports, docx_files = {}, []
    for group, text in BREAKS.items():
        report = long_three_report()
        [three] = [s for s in report.sections if s.no == 3]
        three.text = text
        # The rows at the foot of the page carry numbers, so a cell read wrong cannot pass as 0.
        for n, cell in enumerate(c for c in FORMAT.expected_cells(report.format) if c.startswith("table3.")):
            if not cell.endswith(".total"):
                report.set_value(cell, n % 7 + 1)
        for row in FORMAT.table3_layout(report.format):
            report.set_value(f"table3.{row}.total",
                             sum(report.value(f"table3.{row}.{c}") for c in FORMAT.table3_column_ids[:-1]))
        path = tmp_path / f"break{len(docx_files)}.docx"
        path.write_bytes(render_docx(report))
        reports[group], docx_files = report, [*docx_files, path]
    pdfs = convert_to_pdf(docx_files, tmp_path / "pdf")
    for (group, report), pdf, docx in zip(reports.items(), pdfs, docx_files):
        pages = [page.get_textpage().get_text_range() for page in pdfium.PdfDocument(pdf)]
        [n] = [n for n, text in enumerate(pages) if "三、收到和处理政府信息公开申请情况" in text]
        assert "申请人情况" in pages[n] and group not in pages[n]
        assert pages[n + 1].index("申请人情况") < pages[n + 1].index(group)
        assert_same(report, load(pdf))
        assert_same(report, load(docx))
