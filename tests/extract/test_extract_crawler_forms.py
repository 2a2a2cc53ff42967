"""One real crawler text saved as users have it: another encoding, Windows line ends, another
crawler's header (bracketed keys, English keys, a Markdown title, no header at all).  Every form
gives the same tables as the original; the title and the body are read from the header when it
has them, never taken with the header's own words."""

import pytest

from gongkai.load import load
from tests.extract.test_extract_crawler import CRAWLER

NAME = "ptzhsyqhzs-2024"
TITLE = "平潭综合实验区行政审批局2024年政府信息公开工作年度报告"
AGENCY = "平潭综合实验区行政审批局"
TEXT = (CRAWLER / f"{NAME}.txt").read_text(encoding="utf-8")
LINES = TEXT.split("\n")
BODY = LINES[9]
ORIGINAL = load(TEXT.encode("utf-8"), f"{NAME}.txt")


def _tables(report) -> tuple:
    return report.table2, report.table3, report.table4, [a.candidates for a in report.ambiguous]


@pytest.mark.parametrize("data", [
    TEXT.encode("gbk"),
    TEXT.replace("\n", "\r\n").encode("gb18030"),
    b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
    TEXT.replace(" ", "\u00a0").encode("utf-8"),  # the padding kept as no-break spaces
    "\n".join([f"【标题】{TITLE}", "【发布日期】2025-01-24", "【来源】区行政审批局", "", BODY, ""]).encode("utf-8"),
    "\n".join([f"title: {TITLE}", "url: https://www.pingtan.gov.cn/…/t20250124_96946.htm", "-----", BODY]).encode(),
    "\n".join([f"题名：{TITLE}", "发文日期：2025-01-24", "", BODY]).encode("utf-8"),
    "\n".join([line for line in LINES[:8]] + ["---------- 正文 ----------", BODY]).encode("utf-8"),
], ids=["gbk", "gb18030-crlf", "utf8-bom", "nbsp", "bracketed-keys", "english-keys", "other-keys", "other-mark"])
def test_same_report_whatever_the_crawler_wrote_around_it(data):
    r = load(data, "saved.txt")
    assert (r.title, r.agency, r.year, r.format) == (TITLE, AGENCY, 2024, "2021")
    assert _tables(r) == _tables(ORIGINAL)
    assert [s.no for s in r.sections] == [1, 2, 3, 4, 5, 6]


def test_a_headers_document_date_is_not_taken_for_when_the_page_went_up():
    """成文日期/发文日期 in a crawler's header is the document's own date, not 网页发布时间: it was kept as
    source.posted, shown as 网页发布时间 and judged by the deadline as publication."""
    for key in ("成文日期", "发文日期"):
        r = load("\n".join([f"题名：{TITLE}", f"{key}：2025-04-20", "", BODY]).encode("utf-8"), "saved.txt")
        assert r.source.posted == "", key
    r = load("\n".join([f"题名：{TITLE}", "发布日期：2025-01-24", "", BODY]).encode("utf-8"), "saved.txt")
    assert r.source.posted == "2025-01-24"


def test_markdown_title_line_is_the_title_without_its_marks():
    r = load(f"# {TITLE}\n\n{BODY}\n".encode(), "saved.md")
    assert (r.title, r.agency) == (TITLE, AGENCY)
    assert _tables(r) == _tables(ORIGINAL)


def test_body_alone_names_no_body_it_cannot_see():
    # The body of this report says only "结合我局实际": without the header there is no title and
    # no name of the body — both stay unknown, the tables are read all the same.
    r = load((BODY + "\n").encode("utf-8"), "body.txt")
    assert (r.title, r.agency, r.year) == (None, None, 2024)
    assert _tables(r) == _tables(ORIGINAL)
