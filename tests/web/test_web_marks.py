"""The web's check page marks inferred values and gives the legend, as the terminal and the
HTML review do (one definition: render.marks)."""

from __future__ import annotations

import re

from gk_web_support import client_for, django_env  # noqa: F401 - fixtures

from tests.conftest import EXAMPLES


def test_check_page_marks_inferred_cells_with_a_legend(django_env):
    from gongkai.load import load

    path = EXAMPLES / "crawler-text" / "ptzhsyqhzs-2024.txt"
    inferred = sorted(c for c, i in load(str(path)).cells.items() if i.inferred)
    assert inferred
    c = client_for(None)
    c.get("/check/")
    with open(path, "rb") as f:
        r = c.post("/check/", {"file": [f], "csrfmiddlewaretoken": c.cookies["csrftoken"].value})
    html = r.content.decode()
    assert r.status_code == 200
    marked = sorted(re.findall(r'id="r1-cell-([^"]+)" class="num inferred[^"]*"[^>]*>[^<]*<sup class="mark">\*</sup>',
                               html))
    assert marked == inferred
    assert re.search(r'<p class="legend">标记：<sup class="mark">\*</sup> 推断值：', html)
    assert 'class="ocr-banner"' not in html  # typed text, not a scan


def test_check_page_says_when_last_years_report_is_another_bodys(django_env):
    c = client_for(None)
    c.get("/check/")
    with open(EXAMPLES / "hongze-district-2024.pdf", "rb") as f, open(EXAMPLES / "huaian-city-2024.pdf", "rb") as p:
        r = c.post("/check/", {"file": [f], "previous": p, "csrfmiddlewaretoken": c.cookies["csrftoken"].value})
    html = r.content.decode()
    assert "上年报告的机关是“淮安市人民政府”，本报告的机关是“淮安市洪泽区人民政府”，不是同一机关" in html
    with open(EXAMPLES / "hongze-district-2024.pdf", "rb") as f, open(EXAMPLES / "hongze-district-2023.pdf", "rb") as p:
        r = c.post("/check/", {"file": [f], "previous": p, "csrfmiddlewaretoken": c.cookies["csrftoken"].value})
    assert "不是同一机关" not in r.content.decode()
