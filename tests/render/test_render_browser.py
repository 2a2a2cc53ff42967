"""The HTML report in headless Chromium (a PNG screenshot), and what makes it self-contained."""

from __future__ import annotations

import re
import struct
import subprocess
from pathlib import Path

import pytest

from gongkai.load import load_source
from gongkai.render.html import render_html

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(load_source(ROOT / "examples" / "source-2024.yaml").report)


def test_html_is_self_contained_with_scoped_headers_and_real_spans(page):
    assert not re.search(r"<(script|link|img|iframe|object)\b", page)
    assert not re.search(r"(src|href)\s*=|url\(|@import|https?://", page)
    assert '<td class="note at0" rowspan="3" colspan="3">' in page
    assert '<th scope="colgroup" colspan="7">申请人情况</th>' in page
    assert '<th scope="col" rowspan="2">自然人</th>' in page
    assert '<th scope="rowgroup" class="at0" rowspan="22">三、本年度办理结果</th>' in page
    assert '<th scope="rowgroup" class="at1" rowspan="8">（三）不予公开</th>' in page
    assert '<th scope="row" class="at0" colspan="3">四、结转下年度继续办理</th>' in page
    # each table in a box of its own; one that scrolls on a phone is a region named by its section's
    # heading, reachable by the keyboard (table 2 always fits: no extra tab stop)
    assert '<div class="table-box"><table class="official table2">' in page
    assert ('<h2 id="h3">三、收到和处理政府信息公开申请情况</h2>\n'
            '<div class="table-box" role="region" tabindex="0" aria-labelledby="h3"><table class="official table3">') in page
    assert '<td class="num" colspan="3">1268</td>' in page
    assert "@media print" in page and "size: A4" in page


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.browser
def test_html_renders_in_headless_chromium(tmp_path, page):
    html = tmp_path / "report.html"
    html.write_text(page, encoding="utf-8")
    png = tmp_path / "report.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={png}", "--window-size=1200,2000",
                    html.as_uri()], check=True, capture_output=True, timeout=120)
    assert _png_size(png) == (1200, 2000)
    assert png.stat().st_size > 50_000  # a rendered page of text and tables, not a blank image


def test_each_line_of_the_narrative_is_a_paragraph_with_its_indent():
    """The clerk writes one paragraph a line; in one <p> with <br> every line after the first
    lost its first-line indent.  Emphasis running over a line's end is closed and reopened."""
    import io

    import docx

    from gongkai.render.docx import render_docx

    report = load_source(ROOT / "examples" / "source-2024.yaml").report
    report.sections[4].text = "（一）存在的主要问题\n一是**栏目\n更新**不及时。\n\n- 甲\n  乙"
    page = render_html(report)
    assert ('<h2 id="h5">五、存在的主要问题及改进情况</h2>\n<p>（一）存在的主要问题</p>\n'
            "<p>一是<strong>栏目</strong></p>\n<p><strong>更新</strong>不及时。</p>\n<ul>\n<li>甲<br />\n乙</li>\n</ul>") in page
    paragraphs = docx.Document(io.BytesIO(render_docx(report))).paragraphs
    texts = [p.text for p in paragraphs]
    start = texts.index("五、存在的主要问题及改进情况")
    assert texts[start + 1:start + 6] == ["（一）存在的主要问题", "一是栏目", "更新不及时。", "• 甲", "乙"]
    # the DOCX keeps a sub-heading with the paragraph after it
    heading = paragraphs[texts.index("（一）主动公开")]
    assert heading.paragraph_format.keep_with_next is True


def test_a_line_still_to_write_is_highlighted_never_filled():
    """A draft previewed on the web or built with --force: its 【待办】 lines stood among the text
    like any other line; they are highlighted (HTML class todo, DOCX yellow), word for word."""
    import io

    import docx
    from docx.enum.text import WD_COLOR_INDEX

    from gongkai.render.docx import render_docx

    report = load_source(ROOT / "examples" / "source-2024.yaml").report
    report.sections[5].text = "本年度未收取信息处理费。\n【待办】请说明其他需要报告的事项。"
    page = render_html(report)
    assert ('<h2 id="h6">六、其他需要报告的事项</h2>\n<p>本年度未收取信息处理费。</p>\n'
            '<p class="todo">【待办】请说明其他需要报告的事项。</p>') in page
    paragraphs = {p.text: p for p in docx.Document(io.BytesIO(render_docx(report))).paragraphs}
    assert [r.font.highlight_color for r in paragraphs["【待办】请说明其他需要报告的事项。"].runs] == [WD_COLOR_INDEX.YELLOW]
    assert [r.font.highlight_color for r in paragraphs["本年度未收取信息处理费。"].runs] == [None]


def test_narrative_markdown_loads_nothing_and_drops_nothing():
    import io

    import docx

    from gongkai.render.docx import render_docx

    report = load_source(ROOT / "examples" / "source-2024.yaml").report
    report.sections[5].text = "![徽标](http://example.org/logo.png)\n| 项目 | 金额 |\n详见<b>附件</b>。"
    page = render_html(report)
    assert "<img" not in page and "<b>" not in page and "&lt;b&gt;附件&lt;/b&gt;" in page
    texts = [p.text for p in docx.Document(io.BytesIO(render_docx(report))).paragraphs]
    assert "| 项目 | 金额 |" in texts and "详见<b>附件</b>。" in texts


def _printed(tmp_path: Path, page: str) -> tuple[str, list[str]]:
    """The page printed to PDF by Chromium: (pdfinfo, each page's text)."""
    html = tmp_path / "report.html"
    html.write_text(page, encoding="utf-8")
    pdf = tmp_path / "print.pdf"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pdf-header-footer",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--print-to-pdf={pdf}", html.as_uri()],
                   check=True, capture_output=True, timeout=120)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return info, subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                check=True).stdout.split("\f")


@pytest.mark.browser
def test_html_prints_on_a4_with_table3_whole(tmp_path, page):
    # table 3 fits under its heading on no page but the next: it comes whole, with the heading
    info, pages = _printed(tmp_path, page)
    assert "594.96 x 841.92 pts (A4)" in info
    table3 = [i for i, text in enumerate(pages) if "申请人情况" in text]
    assert len(table3) == 1
    assert "四、结转下年度继续办理" in pages[table3[0]] and "三、收到和处理政府信息公开申请情况" in pages[table3[0]]
    # no sub-heading left alone at the foot of a page: （四）政府信息公开平台建设 was page 1's last line
    subheadings = re.findall(r'<p class="subheading level3">(.*?)</p>', page)
    assert len(subheadings) == 5
    last_lines = [[x.strip() for x in text.splitlines() if x.strip() and not re.fullmatch(r"\s*—\s*\d+\s*—\s*", x)][-1]
                  for text in pages if text.strip()]
    assert not set(last_lines) & set(subheadings)


@pytest.mark.browser
def test_printed_table_3_follows_a_long_text_and_repeats_its_header(tmp_path):
    """Before: section 三 started a page and table 3 printed whole, so a text of a few lines was
    left alone on a half-empty page; and the header rows were put in a <tbody> inside the
    <thead> (emptying it), so a table that did break repeated no header."""
    from test_render_pdf_pages import long_three_report

    page = render_html(long_three_report())
    assert "<thead>\n<tr>" in page and "<thead>\n<tbody>" not in page
    assert len(re.findall(r'<tr class="may-break">', page)) == 3
    _info, pages = _printed(tmp_path, page)
    [n] = [n for n, text in enumerate(pages) if "三、收到和处理政府信息公开申请情况" in text]
    assert "全年未收取信息处理费" in pages[n] and "申请人情况" in pages[n]
    assert "8.属于行政查询事项" in pages[n] and "本机关不掌握相关政府信息" not in pages[n]
    rest = pages[n + 1]
    assert "申请人情况" in rest and "1.本机关不掌握相关政府信息" in rest and "四、结转下年度继续办理" in rest
    assert rest.index("申请人情况") < rest.index("1.本机关不掌握相关政府信息")
