"""汇总: one body's years side by side (``gongkai stats --level body --agency`` on the web) — a
body chosen from the corpus's bodies, a column a year, a year without a report 无报告 (never 0),
charts a bar a year; at 1280 and 390 px in a real browser."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from gk_web_support import (  # noqa: F401
    IMAGES,
    PHONE,
    browser,
    browser_page,
    client_for,
    corpus_of,
    django_env,
    live,
    login,
    page_width,
    world,
)

from tests.conftest import EXAMPLES

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop in this thread

BODY = "平潭综合实验区交通与建设局"  # reports of 2021 and 2025 (crawler text): none of 2022–2024
KEY = "350128/交通与建设局"
CRAWLED = EXAMPLES / "crawler-text"


@pytest.fixture(scope="module")
def corpus(django_env, tmp_path_factory):
    """The 交通与建设局's reports of 2021 and 2025, the 行政审批局's of 2020 and 2024."""
    names = ["ptzhsyqjtj-2021.txt", "ptzhsyqjtj-2025.txt", "ptzhsyqhzs-2020.txt", "ptzhsyqhzs-2024.txt"]
    with corpus_of(tmp_path_factory.mktemp("corpus"), [str(CRAWLED / n) for n in names]) as url:
        yield url


def _ids(url) -> dict[int, int]:
    from gongkai.corpus.store import Store

    with Store(url) as store:
        return {r.year: r.id for r in store.reports() if r.agency == BODY}


def _rows(table: str) -> list[list[str]]:
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]


def test_a_body_is_chosen_and_its_years_stand_side_by_side(corpus, world):
    c = client_for(world["supervisor"])
    html = c.get("/survey/", {"region": "35"}).content.decode()
    choice = html.split('id="body-choice"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]*)"[^>]*>([^<]+)</option>', choice) == [
        ("", "（不选：看地区汇总）"), (KEY, BODY), ("350128/行政审批局", "平潭综合实验区行政审批局")]
    matrix = html.split('id="matrix"')[1].split("</table>")[0]
    assert (f'<a href="?region=35&amp;level=city&amp;body=350128/%E4%BA%A4%E9%80%9A%E4%B8%8E%E5%BB%BA%E8%AE%BE%E5%B1%80'
            f'#body">{BODY}</a>') in matrix
    assert 'id="body-years"' not in html  # no body chosen: the region's page as before

    html = c.get("/survey/", {"region": "35", "body": KEY}).content.decode()
    section = html.split('<section id="body">')[1].split("</section>")[0]
    assert f"<h2>{BODY}：各年度</h2>" in section
    assert "5 个年度（2021–2025 年），其中 3 个年度语料库中没有报告，标“无报告”（不当作 0）。" in section
    ids = _ids(corpus)
    head = section.split('id="body-years"')[1].split("</tr>")[0]
    assert re.findall(r"<th>(.*?)</th>", head) == ["项目", f'<a href="/survey/report/{ids[2021]}/">2021</a>',
                                                   "2022–2024", f'<a href="/survey/report/{ids[2025]}/">2025</a>']
    gap = ["无报告"]  # the years without a report, one column
    # The reports' tables 3 and 4, by hand — 2021: 5 requests, 3 granted, 1 not held, no review or
    # lawsuit (no rate of correction: nothing decided); 2025: 21 requests, 10 granted, 10 not held,
    # 9 reviews decided, 1 corrected, no lawsuit
    assert _rows(section.split('id="body-years"')[1].split("</table>")[0]) == [
        ["项目", "2021", "2022–2024", "2025"],
        ["报告份数（份）", "1", *gap, "1"],
        ["本年新收申请（件）", "5", *gap, "21"],
        ["予以公开占比（%）", "60.0", *gap, "47.6"],
        ["本机关不掌握占比（%）", "20.0", *gap, "47.6"],
        ["每百件申请的行政复议（件）", "0.00", *gap, "42.86"],
        ["每百件申请的行政诉讼（件）", "0.00", *gap, "0.00"],
        ["复议诉讼纠错率（%）", "—", *gap, "11.1"],
        ["检查发现（条）", "0", *gap, "2"]]
    assert '<p class="hint" id="body-marks">“—”：分母为 0（那一年没有申请，或复议、诉讼都是 0 件），比例无从计算。</p>' in section
    charts = section.split('id="body-charts"')[1]
    svgs = re.findall(r"<svg .*?</svg>", charts, re.S)
    assert len(svgs) == 7  # every figure but 报告份数
    received = svgs[0]
    assert re.findall(r'text-anchor="end">([^<]+)<', received) == [f"{y} 年" for y in range(2021, 2026)]
    assert re.findall(r'fill="#888">([^<]+)<', received) == ["无报告"] * 3  # a bar a year
    assert len(re.findall("<rect x=", received)) == 2  # two bars, no 0 bar for a year without a report
    assert max(int(w) for w in re.findall(r'<svg [^>]*width="(\d+)"', charts)) <= 370  # a 390 px phone

    # A body the region does not hold: said so, the rest of the page as usual (and no 相加 of nothing:
    # an empty year list and its button were offered).
    html = c.get("/survey/", {"region": "64", "body": KEY}).content.decode()
    assert '<p class="error" role="alert" id="body-error">地区 64 中没有这个机关的报告。</p>' in html
    assert '<p class="hint" id="rollup-none">地区 64 在语料库中还没有报告，无从相加。</p>' in html
    assert 'id="rollup-form"' not in html


def test_the_api_gives_a_body_s_years(corpus, world):
    """``/api/corpus/stats?level=body`` as ``gongkai stats --level body --agency``: a row a body and
    year, its code the body's identity (``body=`` takes it back); an unknown body is a 404, named."""
    c = client_for(world["supervisor"])
    ids = _ids(corpus)

    def rows(d):
        return [(r["region"], r["code"], r["year"], r["values"]["received"], r["ids"]) for r in d["rows"]]

    mine = [(BODY, KEY, 2021, 5, [ids[2021]]), (BODY, KEY, 2025, 21, [ids[2025]])]
    d = c.get("/api/corpus/stats", {"level": "body", "agency": "交通与建设局", "ids": "1"}).json()
    assert (d["level"], d["agency"], d["body"], rows(d)) == ("body", "交通与建设局", "", mine)
    assert d["rows"][0]["values"]["correction_rate"] is None  # 2021: no review or lawsuit decided, no rate
    assert rows(c.get("/api/corpus/stats", {"level": "body", "body": KEY, "region": "35", "ids": "1"}).json()) == mine
    everyone = c.get("/api/corpus/stats", {"level": "body"}).json()
    assert [(r["code"], r["year"]) for r in everyone["rows"]] == [
        (KEY, 2021), (KEY, 2025), ("350128/行政审批局", 2020), ("350128/行政审批局", 2024)]
    # one body's reports summed by division: the same figures under the division's name
    d = c.get("/api/corpus/stats", {"level": "county", "body": KEY}).json()
    assert [(r["year"], r["values"]["received"]) for r in d["rows"]] == [(2021, 5), (2025, 21)]
    for query, said in [({"agency": "卫生健康委员会"}, "语料库中没有机关“卫生健康委员会”的报告。"),
                        ({"body": KEY, "region": "64"}, f"地区 64 中没有机关“{KEY}”的报告。"),
                        ({"agency": "卫健\x00委\x1b"}, "语料库中没有机关“卫健�委�”的报告。")]:
        r = c.get("/api/corpus/stats", {"level": "body", **query})
        assert (r.status_code, r.json()) == (404, {"error": said})
    r = c.get("/api/corpus/stats", {"level": "agency"})
    assert r.status_code == 400 and r.json()["error"] == (
        "层级“agency”无效：应为 province（省）、city（市）、county（县）、body（机关）。")


def test_a_row_s_report_numbers_are_given_when_asked(corpus, world):
    """Each row's report numbers (over the whole corpus: every report's) only with ``ids=1``, in the
    JSON (``ids``) and the CSV (a last column ``report_ids``); without, the row has no ``ids`` and
    the CSV is that of ``gongkai stats --csv``; any other value is a 400, named."""
    import csv
    import io

    c = client_for(world["supervisor"])
    ids = _ids(corpus)
    query = {"level": "body", "body": KEY}
    plain = c.get("/api/corpus/stats", query).json()
    assert [sorted(r) for r in plain["rows"]] == [["based_on", "code", "contradicted", "contradicted_in", "region", "unsound",
                                                    "values", "year"]] * 2
    asked = c.get("/api/corpus/stats", {**query, "ids": "1"}).json()
    assert [r.pop("ids") for r in asked["rows"]] == [[ids[2021]], [ids[2025]]]
    assert asked == plain
    assert c.get("/api/corpus/stats", {**query, "ids": "0"}).json() == plain

    def table(answer):
        return list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode("utf-8-sig"))))

    bare = table(c.get("/api/corpus/stats", {**query, "format": "csv"}))
    with_ids = table(c.get("/api/corpus/stats", {**query, "format": "csv", "ids": "1"}))
    assert bare[0][-1] == "contradicted_in" and with_ids[0] == [*bare[0], "report_ids"]
    assert [row[:-1] for row in with_ids] == bare and [row[-1] for row in with_ids[1:]] == [str(ids[2021]), str(ids[2025])]
    r = c.get("/api/corpus/stats", {**query, "ids": "yes"})
    assert (r.status_code, r.json()) == (400, {"error": "ids 应为 0 至 1 的整数，不能是“yes”"})


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_the_body_view_in_a_browser(corpus, world, live, browser, width):
    phone = width == 390
    with browser_page(browser, PHONE if phone else {"width": width, "height": 900}, phone=phone) as pg:
        login(pg, live, world["supervisor"])
        pg.goto(f"{live.url}/survey/?region=35")
        pg.select_option("#body-choice", label=BODY)  # as a supervisor chooses it
        pg.click("#survey-filter button")
        pg.wait_for_selector("#body-years")
        assert pg.locator("#body-years tr").nth(1).inner_text().split() == ["报告份数（份）", "1", "无报告", "1"]
        # Nothing wider than the screen; the years table whole inside its box (no sideways scrolling
        # to see a year), the charts each within the page.
        assert page_width(pg) <= width
        box, table = pg.evaluate("(() => { const t = document.querySelector('#body-years');"
                                 " return [t.parentElement.clientWidth, t.scrollWidth]; })()")
        assert table <= box, (table, box)
        right = pg.evaluate("Math.max(...[...document.querySelectorAll('#body-charts svg')]"
                            ".map(s => s.getBoundingClientRect().right))")
        assert right <= width
        IMAGES.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(IMAGES / f"web-survey-body-page{'-phone' if phone else ''}.png"))
        pg.locator("#body").screenshot(path=str(IMAGES / f"web-survey-body{'-phone' if phone else ''}.png"))


@pytest.mark.browser
def test_rule_ids_stay_whole_on_a_phone(corpus, world, live, browser):
    # at 390 px a rule id broke at its hyphen in the 规则 column (LABEL- / NONSTANDARD; here CELL- / AMBIGUOUS)
    with browser_page(browser, PHONE, phone=True) as pg:
        login(pg, live, world["supervisor"])
        pg.goto(f"{live.url}/survey/?region=35")
        shown = pg.evaluate("[...document.querySelectorAll('#rules code')].map(c => [c.innerText, c.getClientRects().length])")
        assert {"CELL-AMBIGUOUS", "SECTION-TITLE"} <= {rule for rule, _ in shown}, shown
        assert [(rule, lines) for rule, lines in shown if lines != 1] == []


def test_the_python_view_is_the_same(corpus):
    from gongkai.corpus.stats import chart_items, compute
    from gongkai.corpus.store import Store

    with Store(corpus) as store:
        table = compute(store, "body", "", body=KEY)
    assert [(r.region, r.year, r.values["received"], r.ids) for r in table.rows] == [
        (BODY, 2021, 5, [_ids(corpus)[2021]]), (BODY, 2025, 21, [_ids(corpus)[2025]])]
    # a rate over 0 (2021: no review or lawsuit decided) is "—" in the charts too, not 无数据 (blank cells)
    assert chart_items(table, "correction_rate") == [(f"{BODY} 2021", "—"), (f"{BODY} 2022", "无报告"),
                                                     (f"{BODY} 2023", "无报告"), (f"{BODY} 2024", "无报告"),
                                                     (f"{BODY} 2025", 100 / 9)]
    assert Path(corpus).is_file()


def test_a_body_of_one_year_says_that_year_once(django_env, world, tmp_path):
    """A body with one report read “1 个年度（2025–2025 年）” (seen walking a city's 汇总)."""
    with corpus_of(tmp_path, [str(CRAWLED / "ptzhsyqjtj-2025.txt")]):
        html = client_for(world["supervisor"]).get("/survey/", {"region": "35", "body": KEY}).content.decode()
    section = html.split('<section id="body">')[1].split("</section>")[0]
    assert "1 个年度（2025 年）。点击年度打开那一年的报告。" in section
