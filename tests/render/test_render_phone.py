"""The HTML pages a supervisor opens on a phone (check pages, their index, a comparison, the built
report) in Chromium emulating a 390 px phone: laid out at the phone's width, nothing but a wide
table's own box scrolls sideways."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai import records
from gongkai.check import check_report
from gongkai.compare import Side, compare
from gongkai.load import load, load_source
from gongkai.render.compare import compare_html
from gongkai.render.html import render_html
from gongkai.render.review import render_index, render_review

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"


def _pages() -> dict[str, str]:
    a = load(str(next((ROOT / "examples").glob("003_*.txt"))))
    b = load(str(next((ROOT / "examples").glob("004_*.txt"))))
    findings = check_report(b)
    return {
        "review": render_review(b, findings),
        "review-city": render_review(city := load(str(ROOT / "examples" / "huaian-city-2024.pdf")), check_report(city)),
        # a crawler's long file name: the index's file column made the table wider than a phone
        "index": render_index([("004.html", "ptzhsyqnyn-2024-zhengfu-xinxi-gongkai-niandu-baogao.txt", b, findings),
                               ("003.html", "003.txt", a, check_report(a))], []),
        "compare": compare_html(compare(Side("003.txt", a), Side("004.txt", b))),
        "report": render_html(_big_city()),
    }


def _big_city():
    """The example with a city's five-digit figures in table 3 (they overflowed a phone's column)."""
    report = load_source(ROOT / "examples" / "source-2024.yaml").report
    for column in ("natural_person", "total"):
        report.set_value("table3.new_received." + column, 23456)
    return report


@pytest.mark.browser
def test_pages_fit_a_phone(tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        page = ctx.new_page()
        seen, boxes_of = {}, {}
        for name, html in _pages().items():
            path = tmp_path / f"{name}.html"
            path.write_text(html, encoding="utf-8")
            page.goto(path.as_uri())
            # Without a viewport meta a phone lays the page out 980 px wide and shrinks it to
            # unreadable; a table wider than the screen must scroll in its box, not the page.
            seen[name] = page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]")
            page.screenshot(path=str(tmp_path / f"{name}.png"))
            if name == "report":  # squeezed to 390 px, table 3's labels broke out of their cells
                overflowing = page.evaluate("""[...document.querySelectorAll('table.official th, table.official td')]
                    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)""")
                # a figure on one line: 23456 wrapped as 2345 / 6
                broken = page.evaluate("""[...document.querySelectorAll('table.official td.num')].filter(e => {
                    const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length > 1;
                    }).map(e => e.textContent)""")
                # table 2's labels and headers each on one line (行政规范性文件 left 件 alone on a second)
                table2_lines = page.evaluate("""new Set([...document.querySelectorAll('table.table2 th')].map(
                    e => Math.round(e.getBoundingClientRect().height))).size""")
                report3 = page.evaluate("""() => {
                    const box = document.querySelector('table.table3').parentElement;
                    const total = [...document.querySelectorAll('table.table3 td.num')][6];
                    const labels = [...document.querySelectorAll('table.table3 th')].filter(
                        e => ['（三）不予公开', '1.属于国家秘密'].includes(e.textContent));
                    const inside = e => { const b = box.getBoundingClientRect(), r = e.getBoundingClientRect();
                                          return r.left >= b.left - 0.5 && r.right <= b.right + 0.5; };
                    box.scrollLeft = box.scrollWidth;
                    return [box.scrollWidth > box.clientWidth, labels.length, ...labels.map(inside), inside(total)];
                }""")
            if name == "index":  # one card per report: no box to swipe (the file name wraps)
                boxes = page.evaluate("[...document.querySelectorAll('.wide')].map(e => e.scrollWidth - e.clientWidth)")
            if name.startswith("review"):  # tables 2-4 fit the phone whole, as on the web's 检查页 (app.css)
                boxes_of[name] = page.evaluate("[...document.querySelectorAll('.wide')].map(e => e.scrollWidth - e.clientWidth)")
                figure_lines = page.evaluate("""[...document.querySelectorAll('table.stat td.num')].filter(e => {
                    const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length > 1;
                    }).length""")
                assert figure_lines == 0, name   # a figure on one line
        # a narrow window or a tablet (641–767 px) squeezed table 3 as well: 三、 broke out of its column
        page.set_viewport_size({"width": 700, "height": 844})
        page.goto((tmp_path / "report.html").as_uri())
        narrow = page.evaluate("""[document.documentElement.scrollWidth, [...document.querySelectorAll(
            'table.official th, table.official td')].filter(e => e.scrollWidth > e.clientWidth + 1).length]""")
        browser.close()
    assert narrow == [700, 0]
    assert seen == {name: [390, 390] for name in seen}
    assert boxes == [0]
    # table 3 scrolled in its box (109 px for a city's four-digit figures), its 总计 over three columns
    assert boxes_of == {"review": [0, 0, 0], "review-city": [0, 0, 0]}
    assert overflowing == [] and table2_lines == 1 and broken == []
    assert report3 == [True, 2, True, True, True]  # swiped to 总计, the row labels are still seen


def test_the_index_has_an_ocr_column_only_when_a_report_was_scanned():
    assert "识别方式" not in _pages()["index"]  # an empty column squeezed the others on a phone
    scanned = load(str(next((ROOT / "examples").glob("003_*.txt"))))
    info = scanned.cells["table3.granted.total"]
    scanned.cells["table3.granted.total"] = records.replace(info, confidence=0.98)
    page = render_index([("003.html", "003.txt", scanned, [])], [])
    assert "<th>识别方式</th>" in page and "<td>OCR 识别</td>" in page


def five_digit_city():
    """huaian-city-2024.pdf with every table 3 and 4 cell 23456 (a big city's figures)."""
    report = load(str(ROOT / "examples" / "huaian-city-2024.pdf"))
    for cell in [c for c in report.cells if c.startswith(("table3.", "table4."))]:
        report.set_value(cell, 23456)
    return report


# Tables 3 and 4 on a 390 px phone, measured in the page: how far each box scrolls, the narrowest
# row label as a multiple of its font size, the smallest figure's font size, figures split over two
# lines, and — each box scrolled to its end — whether every row label is still wholly in view.
STAT_TABLES_ON_A_PHONE = """(selector) => [...document.querySelectorAll(selector)].slice(1).map(box => {
    const labels = [...box.querySelectorAll('table.stat tr > th:first-child')].filter(e => e.scope === 'row');
    const figures = [...box.querySelectorAll('table.stat td.num')];
    const scroll = box.scrollWidth - box.clientWidth;
    box.scrollLeft = box.scrollWidth;
    const b = box.getBoundingClientRect();
    const seen = labels.every(e => { const r = e.getBoundingClientRect(); return r.left >= b.left - 0.5 && r.right <= b.right + 0.5; });
    box.scrollLeft = 0;
    return [scroll > 0, Math.min(...labels.map(e => e.getBoundingClientRect().width / parseFloat(getComputedStyle(e).fontSize))) >= 6.9,
            Math.min(...figures.map(e => parseFloat(getComputedStyle(e).fontSize))) >= 12,
            figures.filter(e => { const r = document.createRange(); r.selectNodeContents(e.firstChild);
                                  return r.getClientRects().length > 1; }).length, seen];
})"""


@pytest.mark.browser
def test_five_digit_tables_scroll_in_their_box_with_the_labels_in_view(tmp_path):
    # A city's five-digit figures in tables 3 and 4 of the static check page at 390 px: the number
    # columns' 2em outranked the labels' 7em, so table 3's labels shrank to four characters a line
    # (the table 3,400 px tall, its box scrolling 101 px anyway) and table 4's to one. They cannot
    # fit at a legible size: each box scrolls, its labels 7em wide and always in view, figures on
    # one line at 12 px or more, the page itself never wider than the phone.
    from playwright.sync_api import sync_playwright

    report = five_digit_city()
    path = tmp_path / "review.html"
    path.write_text(render_review(report, check_report(report)), encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
        page.goto(path.as_uri())
        width = page.evaluate("document.documentElement.scrollWidth")
        tables = page.evaluate(STAT_TABLES_ON_A_PHONE, ".wide")
        page.evaluate("document.querySelectorAll('.wide')[1].scrollLeft = 80")
        page.locator(".wide").nth(1).screenshot(path=str(tmp_path / "table3.png"))
        browser.close()
    assert width == 390
    assert tables == [[True, True, True, 0, True], [True, True, True, 0, True]]  # tables 3 and 4
