"""The 汇总 page's statistics, one body's years, /api/corpus/stats and ``Corpus.stats`` over a stored
report whose own text contradicts a number they sum (新庄集乡: 3 requests in its text, 5 in its
table 三): the figures holding it are marked ^ and the report and the finding named, as the
roll-up does (tests/web/test_web_rollup_text.py)."""

from __future__ import annotations

from urllib.parse import quote

from gk_web_support import client_for, corpus_of, django_env, world  # noqa: F401

from tests.corpus.test_corpus_stats_text import FACT, TOWN, two_towns


def test_the_statistics_mark_a_figure_over_a_number_its_reports_text_contradicts(django_env, world, tmp_path):
    import gongkai

    with corpus_of(tmp_path, two_towns(tmp_path / "in")) as url:
        with gongkai.Corpus(url) as corpus:
            [row] = corpus.stats("county").rows
            town = next(r.id for r in corpus.documents() if r.agency == TOWN)
            body = next(r.code for r in corpus.stats("body").rows if r.region == TOWN)
        c = client_for(world["admin"])
        html = c.get("/survey/?level=county").content.decode()
        d = c.get("/api/corpus/stats?level=county").json()
        one = c.get(f"/survey/?level=county&body={quote(body)}").content.decode()
    named = f"#{town} {TOWN} 2024：{FACT}"
    assert (row.contradicted, row.contradicted_in) == ([named], ["received", "reviews_per_100", "lawsuits_per_100"])
    assert ('<p class="error" id="stats-contradicted">加入数字的报告中有报告正文所述与表中数字不一致，表中数字按原样计入、'
            f"未作更正；用到这些数字的统计数字标 ^：{named}。</p>") in html
    mark = '<sup class="mark">^<span class="vh">（正文不符）</span></sup>'
    assert (f'<td>红寺堡区</td><td>2024</td><td class="num">2</td><td class="num contradicted">5{mark}</td>'
            '<td class="num">100.0</td><td class="num">0.0</td>'
            f'<td class="num contradicted">0.00{mark}</td><td class="num contradicted">0.00{mark}</td>'
            '<td class="num">—</td>') in html
    [api_row] = d["rows"]
    assert (api_row["values"]["received"], api_row["contradicted"], api_row["contradicted_in"]) == (
        5, [named], ["received", "reviews_per_100", "lawsuits_per_100"])
    assert ('<p class="error" id="body-contradicted">报告正文所述与表中数字不一致，表中数字按原样计入、未作更正；'
            f"用到这些数字的统计数字标 ^：{named}。</p>") in one
    assert '<tr><th>本年新收申请（件）</th><td class="num">5^</td></tr>' in one
