"""What the checker shows a person: OCR-read reports said to be so, with the misread cell named
from the sums; inferred and OCR values marked in the terminal and the HTML review; the label
(not the numbers) highlighted for a wrong label; an index page for a directory of pages."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from gongkai.check import check_report
from gongkai.cli import main
from gongkai.load import load
from gongkai.model import Report
from gongkai.render.review import render_review

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _as_ocr(report: Report, misread: dict[str, int]) -> Report:
    """The report as OCR would give it from a scan: every cell with a confidence, some misread."""
    for info in report.cells.values():
        info.confidence = 0.99
    for cell, value in misread.items():
        report.set_value(cell, value)
        report.cells[cell].raw = str(value)
        report.cells[cell].confidence = 1.0  # OCR sure of its misreading
    return report


def test_the_sums_name_the_misread_cell_and_findings_say_it_may_be_ocr():
    report = _as_ocr(load(str(EXAMPLES / "huaian-city-2024.pdf")), {"table3.denied.enforcement_file.total": 6})
    findings = check_report(report)
    by_rule = {f.rule: f for f in findings}
    suspect = by_rule["OCR-SUSPECT"]
    assert suspect.cells == ["table3.denied.enforcement_file.total"] and suspect.severity == "warning"
    assert suspect.message == ("表三“（三）不予公开—7.属于行政执法案卷”行“总计”列识别为 6（OCR 置信度 1.00）；"
                               "若为 9，2 处不成立的合计都成立。这一格很可能是 OCR 识别错误，请对照原件核对。")
    for rule in ("T3-TOTAL", "T3-ROWSUM"):
        f = by_rule[rule]
        assert f.severity == "warning"
        assert f.message.endswith("报告由 OCR 从扫描件识别，这可能是识别错误：最可能识别错误的是"
                                  "表三“（三）不予公开—7.属于行政执法案卷”行“总计”列（见 OCR-SUSPECT）。")
    assert "error" not in {f.severity for f in findings}


def test_two_misreads_no_single_cell_explains_stay_errors_of_ocr_or_report():
    report = _as_ocr(load(str(EXAMPLES / "huaian-city-2024.pdf")),
                     {"table3.denied.enforcement_file.total": 6, "table3.granted.natural_person": 1280})
    findings = check_report(report)
    assert "OCR-SUSPECT" not in {f.rule for f in findings}
    sums = [f for f in findings if f.rule in ("T3-TOTAL", "T3-ROWSUM")]
    assert sums and all(f.severity == "error" for f in sums)
    assert all(f.message.endswith("报告由 OCR 从扫描件识别，这可能是识别错误，也可能是报告本身的错误，请对照原件核对。")
               for f in sums)


def test_the_narrative_against_an_ocr_read_table_says_it_may_be_ocr():
    """淮安市 2024 as a scan: OCR reads 结果维持 of the reviews as 12 where the page has 72.  The text's
    "其中结果维持72件" then contradicts the cell — a misreading the sums point at, not the report's
    error.  And a text figure against a cell OCR read right is still said possibly OCR's: the
    digits of either may be misread."""
    report = _as_ocr(load(str(EXAMPLES / "huaian-city-2024.pdf")), {"table4.review.upheld": 12})
    findings = check_report(report)
    [text] = [f for f in findings if f.rule == "TEXT-TABLE"]
    assert (text.severity, text.cells) == ("warning", ["table4.review.upheld"])
    assert text.message == ("正文称行政复议案件中结果维持的为 72 件，而表四“行政复议—结果维持”为 12。请核对正文与表格，使两者一致。"
                            "报告由 OCR 从扫描件识别，这可能是识别错误：最可能识别错误的是表四“行政复议—结果维持”（见 OCR-SUSPECT）。")
    report = _as_ocr(load(str(EXAMPLES / "huaian-city-2024.pdf")), {})
    section = report.section(1)
    section.text = section.text.replace("其中结果维持72件", "其中结果维持73件")
    [text] = [f for f in check_report(report) if f.rule == "TEXT-TABLE"]
    assert text.severity == "error" and text.message.endswith(
        "。报告由 OCR 从扫描件识别，正文或表中的数字可能识别有误，也可能是报告本身的错误，请对照原件核对。")


def test_a_typed_report_is_not_said_to_be_ocr():
    report = load(str(EXAMPLES / "huaian-city-2024.pdf"))
    report.set_value("table3.denied.enforcement_file.total", 6)
    findings = check_report(report)
    assert {f.rule for f in findings} >= {"T3-TOTAL", "T3-ROWSUM"}
    assert not any("OCR" in f.message for f in findings)
    assert all(f.severity == "error" for f in findings if f.rule in ("T3-TOTAL", "T3-ROWSUM"))


def test_terminal_and_html_review_mark_ocr_and_inferred_cells(tmp_path, capsys):
    report = _as_ocr(load(str(EXAMPLES / "huaian-city-2024.pdf")), {"table3.denied.enforcement_file.total": 6})
    report.cells["table3.granted.natural_person"].inferred = True
    path = tmp_path / "scan.json"
    path.write_text(report.to_json(), encoding="utf-8")
    main(["check", str(path), "--html", str(tmp_path / "review.html")])
    out = "".join(capsys.readouterr().out.split())  # lines wrapped at 80 columns
    assert "本报告由OCR从扫描件识别" in out
    assert "?OCR识别存疑" in out and "（1格）：表三“（三）不予公开—7.属于行政执法案卷”行“总计”列6。" in out
    assert "*推断值" in out and "（1格）：表三“（一）予以公开”行“自然人”列1288。" in out
    page = (tmp_path / "review.html").read_text(encoding="utf-8")
    assert 'class="ocr-banner"' in page
    cell = re.search(r'<td id="cell-table3\.denied\.enforcement_file\.total"[^>]*>[^<]*<sup[^>]*>\?<span class="vh">（OCR 识别存疑）</span></sup>', page)
    assert cell and 'class="num doubtful sev-warning"' in cell.group(0)
    assert re.search(r'<td id="cell-table3\.granted\.natural_person" class="num inferred"[^>]*>1288'
                     r'<sup class="mark">\*<span class="vh">（推断值）</span></sup>', page)
    assert re.search(r'<td id="cell-table3\.granted\.commercial" class="num ocr"[^>]*>21<sup class="mark">~<span class="vh">（OCR 识别）</span></sup>',
                     page)
    assert "标记：" in page and "推断值：" in page and "OCR 识别：" in page and "OCR 识别存疑：" in page


def test_html_review_marks_the_wrong_label_and_only_the_total_of_a_broken_sum():
    report = load(str(EXAMPLES / "hongze-district-2023.pdf"))
    page = render_review(report, check_report(report))
    # LABEL-NONSTANDARD on “2.其他法律行政止公开”: its row label, not its numbers.
    assert re.search(r'<th id="row-table3\.denied\.law_forbidden" class="sev-warning"[^>]*>（三）不予公开—2\.', page)
    assert 'id="cell-table3.denied.law_forbidden.natural_person" class="num">' in page
    # T4-TOTAL: the total it names, not the four cells it adds.
    assert 'id="cell-table4.review.total" class="num sev-error"' in page
    assert 'id="cell-table4.review.upheld" class="num">' in page
    assert 'href="#row-table3.denied.law_forbidden"' in page


def test_check_directory_html_writes_an_index_page(tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("hongze-district-2023.pdf", "huaian-city-2024.pdf"):
        (src / name).write_bytes((EXAMPLES / name).read_bytes())
    (src / "empty.txt").write_bytes(b"")
    # A ZIP of reports in the folder was passed over in silence (neither checked nor listed).
    with zipfile.ZipFile(src / "乡镇报告.zip", "w") as zf:
        zf.writestr("a.txt", (EXAMPLES / "000_a0c7fabfdf456585.txt").read_bytes())
    out = tmp_path / "pages"
    assert main(["check", str(src), "--html", str(out)]) == 1
    err = capsys.readouterr().err
    assert "已写出 2 个检查页面和目录页" in err and "2 个文件未能读取（共 4 个）" in err
    zipped = f"{src / '乡镇报告.zip'}：这是 ZIP 压缩包，请解压后再读取其中的报告文件（gongkai ingest 可直接读取 ZIP 压缩包）。"
    assert f"gongkai：{zipped}" in err.splitlines()
    index = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', index)
    assert links == [("hongze-district-2023.html", "洪泽区人民政府"), ("huaian-city-2024.html", "淮安市人民政府")]
    assert all((out / href).is_file() for href, _ in links)
    # The index says why each file was not read, as the terminal does (it named the files alone).
    assert "未能读取的文件（2 个）" in index and f"<li>{src / 'empty.txt'}：文件为空。</li>" in index
    assert f"<li>{zipped}</li>" in index


def test_reports_sharing_a_name_get_a_page_each(tmp_path, capsys):
    """报告.pdf and 报告.txt, x/报告.txt and y/报告.txt: every page was 报告.html — each overwrote the
    one before, and the index linked all of them to the last."""
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    for name, seed in (("report.md", "002"), ("report.txt", "003"), ("sub/report.txt", "004")):
        (src / name).write_bytes(next(EXAMPLES.glob(f"{seed}_*.txt")).read_bytes())
    out = tmp_path / "pages"
    main(["check", str(src), "--html", str(out)])
    capsys.readouterr()
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "report.md.html", "report.txt-2.html",
                                                     "report.txt.html"]
    index = (out / "index.html").read_text(encoding="utf-8")
    links = dict((agency, href) for href, agency in re.findall(r'<a href="([^"]+)">([^<]+)</a>', index))
    assert links == {"吴忠市利通区金积镇人民政府": "report.md.html", "同心县人民政府": "report.txt.html",
                     "吴忠市红寺堡区新庄集乡人民政府": "report.txt-2.html"}
    for agency, href in links.items():
        assert agency in (out / href).read_text(encoding="utf-8")


@pytest.mark.browser
def test_a_screen_reader_hears_what_a_mark_means_not_a_bare_symbol():
    # The accessible name Chromium gives a marked cell (what a screen reader says) carries the mark's
    # meaning in the legend's words — on the 检查页 and on the compare page — while sighted readers
    # still see only “21*”: the words are visually hidden (a title alone is not read reliably).
    from playwright.sync_api import sync_playwright

    from gongkai.compare import Side, compare
    from gongkai.render.compare import compare_html

    report = load(str(EXAMPLES / "crawler-text" / "ptzhsyqjtj-2025.txt"))
    review = render_review(report, check_report(report))
    other = load(str(EXAMPLES / "crawler-text" / "ptzhsyqhzs-2024.txt"))
    versus = compare_html(compare(Side("A", other), Side("B", report)))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"], timeout=60_000)
        try:
            page = browser.new_page()
            page.set_content(review)
            inferred = page.locator('[id="cell-table3.new_received.natural_person"]')
            assert inferred.aria_snapshot().splitlines()[0] == '- cell "21* （推断值）":'
            box = inferred.locator(".vh").bounding_box()  # the words take up no room: “21*” is what is seen
            assert box is not None and box["width"] <= 1 and box["height"] <= 1
            page.set_viewport_size({"width": 390, "height": 844})  # nor do they widen a phone's page (the
            assert page.evaluate("document.documentElement.scrollWidth") == 390  # tables scroll in their box)
            undecided = page.locator('[id="cell-table2.art20_1.normative_docs.made"]')
            assert undecided.aria_snapshot().splitlines()[0] == '- cell "# （无法确定） 问题 1":'
            page.set_content(versus)
            assert page.get_by_role("cell", name="21* （推断值）", exact=True).count() >= 1
        finally:
            browser.close()


def test_a_missing_row_links_to_where_the_page_prints_it():
    """农业农村局 2024 lacks table 2's 规章 row: the review page prints it “（缺）” with its cells'
    anchors, but TABLE-INCOMPLETE's item was not linked (only cells the report holds were); and its
    header 本年废止件 (over the one row left) was marked and linked on the row's label 行政规范性文件.
    Errors come first, each linked where the page shows it, SECTION-MISSING (no place in a table)
    unlinked."""
    report = load(Path(__file__).resolve().parents[2] / "examples" / "crawler-text" / "ptzhsyqnyn-2024.txt")
    findings = check_report(report)
    page = render_review(report, findings)
    items = re.findall(r'<li id="finding-(\d+)"><span class="tag sev-(\w+)">[^<]*</span> <span class="rule">([A-Z0-9-]+)'
                       r'</span>(?:　[^<]*)?<br>(?:<a href="#([^"]+)"[^>]*>)?', page)
    assert [(sev, rule, href) for _, sev, rule, href in items] == [
        ("error", "SECTION-MISSING", ""),
        ("error", "TABLE-INCOMPLETE", "cell-table2.art20_1.rules.made"),
        ("error", "T3-ROWSUM", "cell-table3.new_received.total"),
        ("error", "T3-ROWSUM", "cell-table3.granted.total"),
        ("error", "T3-ROWSUM", "cell-table3.denied.third_party.total"),
        ("error", "T3-ROWSUM", "cell-table3.total.total"),
        ("error", "TEXT-TABLE", "cell-table3.new_received.commercial"),
        ("error", "TEXT-TABLE", "cell-table3.new_received.natural_person"),
        ("warning", "LABEL-NONSTANDARD", "row-table2.art20_1.normative_docs"),
        ("warning", "LABEL-NONSTANDARD", "col-table2.repealed"),
        ("notice", "LAST-YEAR", "")]
    assert all(f' id="{href}"' in page for _, _, _, href in items if href)


BLANK_ROWS = ["granted", "partial", "denied.state_secret", "denied.law_forbidden", "denied.security_stability",
              "denied.third_party", "denied.internal_affairs", "denied.process_info", "denied.enforcement_file",
              "denied.admin_query"]  # seed 002's blank 总计 column of table 3: one CELL-BLANK finding


@pytest.mark.browser
def test_a_grouped_findings_link_outlines_all_its_cells_on_the_static_page(tmp_path, capsys):
    # gongkai check --html: a blank column is ONE finding naming its ten cells; its link led to the
    # first cell only (the web's 检查页 flashes all ten). Now it names them all and, followed in
    # Chromium, outlines every one — offline, from the file, with no script from elsewhere.
    from playwright.sync_api import sync_playwright

    report = load(str(next(EXAMPLES.glob("002_*.txt"))))
    report.set_value("table3.granted.natural_person", 7)  # and a broken sum: a one-cell finding (T3-TOTAL)
    source, out = tmp_path / "002.json", tmp_path / "review.html"
    source.write_text(report.to_json(), encoding="utf-8")
    assert main(["check", str(source), "--html", str(out)]) == 1
    page_html = out.read_text(encoding="utf-8")
    cells = [f"cell-table3.{row}.total" for row in BLANK_ROWS]
    (item,) = [li for li in re.findall(r'<li id="finding-\d+">.*?</li>', page_html, re.S) if "CELL-BLANK" in li]
    assert f'<a href="#cell-table3.granted.total" data-cells="{" ".join(cells)}">' in item
    assert not re.search(r'<script[^>]*\bsrc=|<link[^>]*\bhref=', page_html)  # nothing fetched
    n = int(re.search(r'<li id="finding-(\d+)">', item).group(1))
    (single,) = re.findall(r'<li id="finding-(\d+)"><span class="tag sev-error">错误</span> <span class="rule">T3-TOTAL'
                           r'</span>[^<]*<br><a href="#([^"]+)">', page_html)
    assert single[1] == "cell-table3.total.natural_person"
    outlined = "[...document.querySelectorAll('td, th')].filter(e => getComputedStyle(e).outlineStyle !== 'none').map(e => e.id)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"],
                                    timeout=60_000)
        try:
            ctx = browser.new_context(offline=True)
            page = ctx.new_page()
            page.goto(out.as_uri())
            assert page.evaluate(outlined) == []
            page.click(f"#finding-{n} a")
            assert page.evaluate(outlined) == cells
            assert page.evaluate("[...document.querySelectorAll('.flash')].length") == 10  # flashed, as on the web
            assert page.evaluate("location.hash") == "#cell-table3.granted.total"
            page.wait_for_timeout(2700)
            assert page.evaluate("[...document.querySelectorAll('.flash')].length") == 0
            assert page.evaluate(outlined) == cells  # still outlined until another finding is followed
            page.click(f"#finding-{single[0]} a")  # another finding: its cell alone is outlined
            assert page.evaluate(outlined) == [single[1]]
            page.screenshot(path=str(tmp_path / "grouped.png"), full_page=True)
        finally:
            browser.close()
