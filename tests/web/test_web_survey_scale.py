"""汇总 over a big corpus draws a bounded page: at 100,000 reports the whole-corpus page was
6.3 MB and 26 s — 2,000 rows of cities × years, eight charts of 2,000 bars, 28,000 reports named
in one paragraph, 100,000 reports' findings counted for 300 bodies shown.  The bounds are made
small here so that a corpus of eight reports crosses them; what the page does past them is what
it does at any size."""

from __future__ import annotations

import csv
import io
import random
import re

import pytest
from gk_web_support import client_for, django_env, world  # noqa: F401 - fixtures

from tests.synth import draw, render

AGENCIES = ("吴忠市人民政府", "吴忠市利通区金积镇人民政府", "吴忠市同心县教育局", "中卫市沙坡头区柔远镇人民政府")


@pytest.fixture(scope="module")
def corpus(django_env, tmp_path_factory):
    """Eight reports (four bodies, 2022 and 2023) in two cities of 宁夏 and a file that is no report."""
    from django.conf import settings

    from gongkai.corpus.ingest import ingest
    from gongkai.corpus.store import Store

    folder = tmp_path_factory.mktemp("scale")
    rng = random.Random(8)
    for i, agency in enumerate(AGENCIES * 2):
        (folder / f"{i}.txt").write_bytes(render(draw(rng, year=2022 + i // 4, agency=agency), "txt"))
    (folder / "空.txt").write_bytes(b"")
    old, settings.CORPUS_URL = settings.CORPUS_URL, str(folder / "corpus.sqlite3")
    try:
        with Store(settings.CORPUS_URL) as store:
            summary = ingest([str(folder)], store, workers=1)
        assert summary.added == 8 and len(summary.failed) == 1
        yield settings.CORPUS_URL
    finally:
        settings.CORPUS_URL = old


def _page(c, query: str) -> str:
    r = c.get(f"/survey/?{query}")
    assert r.status_code == 200, r.content[:300]
    return r.content.decode()


def _between(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def test_the_page_starts_one_level_below_the_region_asked_for(corpus, world):
    c = client_for(world["admin"])
    for query, level, names in (("region=", "province", {"宁夏回族自治区"}), ("region=64", "city", {"吴忠市", "中卫市"}),
                                ("region=6403", "county", {"吴忠市", "利通区", "同心县"}),
                                ("region=640324", "county", {"同心县"}),
                                ("region=64&level=county", "county", {"吴忠市", "利通区", "同心县", "沙坡头区"})):
        html = _page(c, query)
        assert re.findall(r'<option value="(\w+)" selected>', _between(html, 'name="level"', "</select>")) == [level]
        rows = re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td>", _between(html, 'id="stats"', "</table>"))
        assert {name for name, _ in rows} == names, query


def test_past_its_bounds_the_page_says_how_many_and_where_the_rest_is(corpus, world, monkeypatch):
    from gongkai.web import survey

    c = client_for(world["admin"])
    html = _page(c, "region=64&level=county")
    assert 'id="charts-too-many"' not in html and 'id="stats-truncated"' not in html
    assert len(re.findall(r"<svg ", _between(html, 'id="charts"', "</div>\n<h2>"))) == 9  # rules + 8 figures
    assert '<a href="/api/corpus/stats?level=county&amp;region=64&amp;format=csv" download>下载本表（CSV）</a>' in html
    monkeypatch.setattr(survey, "MAX_BARS", 3)
    monkeypatch.setattr(survey, "MAX_STAT_ROWS", 2)
    monkeypatch.setattr(survey, "MAX_NAMED", 1)
    monkeypatch.setattr(survey, "MAX_AGENCIES", 2)
    html = _page(c, "region=64&level=county")
    stats = _between(html, 'id="stats"', "</table>")
    assert len(re.findall(r"<tr><td>", stats)) == 2
    assert _between(html, '<p class="hint" id="stats-truncated">', "</p>") == (
        '共 8 行，只显示前 2 行：请用地区代码筛选或选上一级层级；全部各行见 '
        '<a href="/api/corpus/stats?level=county&amp;region=64&amp;format=csv" download>CSV 下载</a>。')
    # the CSV behind the link has every row
    answer = c.get("/api/corpus/stats?level=county&region=64&format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(answer.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 8 and sum(int(r["reports"]) for r in rows) == 8
    # 8 bars a figure: no chart of the figures, said so; the chart of findings by rule stays
    assert _between(html, '<p class="hint" id="charts-too-many">', "</p>") == (
        "各地区统计有 8 个地区年度，图表最多画 3 条：请用地区代码筛选或选上一级层级后再看各项指标的图表；数字都在上表中。")
    charts = _between(html, 'id="charts"', "</div>\n<h2>")
    assert [re.search(r"<title>([^<]+)</title>", svg).group(1) for svg in charts.split("<svg ")[1:]] == ["检查发现（按规则）"]
    assert _between(html, 'id="matrix-truncated">', "</p>") == "共 4 个机关，只显示按名称排在前面的 2 个，请用地区代码筛选。"
    matrix = _between(html, 'id="matrix"', "</table>")
    assert re.findall(r"<tr><th><a [^>]+>([^<]+)</a>", matrix) == ["中卫市沙坡头区柔远镇人民政府", "吴忠市人民政府"]
    # by city, 吴忠市人民政府's reports cover its two bodies' each year: one named, all counted
    html = _page(c, "region=64")
    covered = _between(html, 'id="stats-covered">', "</p>")
    assert covered.count("的全地区报告中）") == 1 and covered.endswith(" 等共 4 份（各行份数见 CSV 的 covered_reports 列）")


def test_the_matrix_counts_findings_of_the_bodies_it_shows_and_failures_are_limited(corpus, world,
                                                                                          monkeypatch):
    from gongkai.corpus.store import Store
    from gongkai.web import survey

    monkeypatch.setattr(survey, "MAX_AGENCIES", 1)
    asked: list[list[int] | None] = []
    counts = Store.finding_counts

    def counted(self, ids=None):
        asked.append(None if ids is None else sorted(ids))
        return counts(self, ids)

    monkeypatch.setattr(Store, "finding_counts", counted)
    limits: list[int | None] = []
    failures = Store.failures

    def listed(self, limit=None):
        limits.append(limit)
        return failures(self, limit)

    monkeypatch.setattr(Store, "failures", listed)
    html = _page(client_for(world["admin"]), "region=64")
    with Store(corpus) as store:
        shown = [d["id"] for d in store.summaries("64") if d["agency"] == "中卫市沙坡头区柔远镇人民政府"]
        errors = {i: sum(n for (_, severity), n in counts(store, [i]).get(i, {}).items() if severity == "error")
                  for i in shown}
    # the matrix asked for its one body's two reports (the statistics for the region's eight)
    assert sorted(shown) in asked and len(shown) == 2 and None not in asked
    assert limits == [survey.MAX_FAILURES]  # the files that could not be read: the first 200, and how many
    assert _between(html, "<summary>", "</summary>") == "语料库中未能读取的文件 1 个（不分地区：读不出机关，也就不知属于哪个地区）"
    cells = re.findall(r'data-doc="(\d+)">#\d+ (.+?)</a>', _between(html, 'id="matrix"', "</table>"))
    assert [int(i) for i, _ in cells] == sorted(shown)
    assert all(("无错误" in tag) == (errors[int(i)] == 0) and (f"错误 {errors[int(i)]}" in tag or not errors[int(i)])
               for i, tag in cells)


def test_the_roster_looks_each_body_up_instead_of_scanning_the_years_reports_for_each(corpus, world, monkeypatch):
    """A province's roster holds thousands of bodies and its year ~17,000 reports at 100,000:
    each body's reports were found by going through every report of the year (bodies × reports)."""
    from datetime import date

    from gongkai.web import roster
    from gongkai.web.models import BodyKind, RosterEntry

    class Counted(list):
        walks = 0

        def __iter__(self):
            Counted.walks += 1
            return super().__iter__()

    documents = roster._documents
    monkeypatch.setattr(roster, "_documents", lambda year: Counted(documents(year)))
    codes = {"吴忠市人民政府": "640300", "吴忠市利通区金积镇人民政府": "640302", "吴忠市同心县教育局": "640324",
             "中卫市沙坡头区柔远镇人民政府": "640502", "中卫市沙坡头区迎水桥镇人民政府": "640502"}
    RosterEntry.objects.all().delete()
    for name, code in codes.items():
        RosterEntry.objects.create(name=name, region_code=code, kind=BodyKind.GOVERNMENT if "政府" in name
                                   else BodyKind.DEPARTMENT)
    try:
        rows = roster.status_rows("64", 2023, date(2024, 6, 1))
    finally:
        RosterEntry.objects.all().delete()
    # the generated reports are signed 2024-01-23: on time; 迎水桥镇 has none, past its 31 March
    signed = date(2024, 1, 23)
    assert sorted((r.entry.name, r.status, r.agency, r.published) for r in rows) == [
        ("中卫市沙坡头区柔远镇人民政府", "on_time", "中卫市沙坡头区柔远镇人民政府", signed),
        ("中卫市沙坡头区迎水桥镇人民政府", "overdue", "", None),
        ("吴忠市人民政府", "on_time", "吴忠市人民政府", signed),
        ("吴忠市利通区金积镇人民政府", "on_time", "吴忠市利通区金积镇人民政府", signed),
        ("吴忠市同心县教育局", "on_time", "吴忠市同心县教育局", signed)]
    # once for the year, to index them, and (迎水桥镇 being missing) once for each year beside, whose
    # reports a missing body may have sent instead (d16138f): never once or twice a body
    assert Counted.walks == 3


def test_the_matrix_is_kept_while_the_corpus_has_not_changed(corpus, world, monkeypatch, tmp_path):
    """Finding the matrix's bodies lists every report of the region (0.6 s at 100,000): the page
    keeps it, as the statistics (corpus/kept.py) — listed again only once a report is stored."""
    import sqlite3

    from django.conf import settings

    from gongkai.corpus.ingest import ingest
    from gongkai.corpus.store import Store

    copy = str(tmp_path / "corpus.sqlite3")
    with sqlite3.connect(corpus) as source, sqlite3.connect(copy) as target:
        source.backup(target)
        target.execute("DELETE FROM kept_answers")  # (what the other tests' pages kept)
    monkeypatch.setattr(settings, "CORPUS_URL", copy)
    listings: list[str] = []
    summaries = Store.summaries

    def listed(self, region="", year=None, readable=False, counted=True, limit=None):
        if limit is None:  # (the choice of two reports to compare lists the first 1,000, with a limit)
            listings.append(region)
        return summaries(self, region, year, readable, counted, limit)

    monkeypatch.setattr(Store, "summaries", listed)
    c = client_for(world["admin"])
    first = _between(_page(c, "region=64"), 'id="matrix"', "</table>")
    assert listings == ["64"]
    assert _between(_page(c, "region=64"), 'id="matrix"', "</table>") == first and listings == ["64"]
    names = re.findall(r"<tr><th><a [^>]+>([^<]+)</a>", first)
    assert names == sorted(AGENCIES)
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "1.txt").write_bytes(render(draw(random.Random(9), year=2023, agency="吴忠市盐池县民政局"), "txt"))
    with Store(copy) as store:
        assert ingest([str(tmp_path / "new")], store, workers=1).added == 1
    after = _between(_page(c, "region=64"), 'id="matrix"', "</table>")
    assert listings == ["64", "64"]
    assert re.findall(r"<tr><th><a [^>]+>([^<]+)</a>", after) == sorted([*AGENCIES, "吴忠市盐池县民政局"])
