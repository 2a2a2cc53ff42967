"""The compiled HTML walker (``_htmlwalk.pyx``) and the Python one give identical documents.

Both walk the same parsed tree; every block (paragraph text, heading flag, position, each grid
cell with its span bookkeeping) and the report root must agree, on report pages written by the
test writers and on random tag soup that exercises odd nesting, spans and whitespace.
"""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.read import accelerated, html
from tests.writers import Damage, random_report, to_html


def _read_both(page: str) -> tuple:
    return html.read_html(page, "t.html"), html.read_html(page, "t.html", walker=html.python_walk)


def test_this_installation_runs_the_compiled_walker():
    # CI builds the package from source with a C compiler: the accelerator must be in use, and
    # built from the .pyx as it is now (a stale build would silently test the Python walk twice).
    assert accelerated.compiled_walk is not None, accelerated.STATUS
    assert html.walk is accelerated.compiled_walk
    assert accelerated.STATUS == "C（_htmlwalk）"


@pytest.mark.parametrize("seed", range(12))
def test_report_pages_walk_alike(seed):
    rng = random.Random(seed)
    truth = random_report(rng, rng.choice(["2019", "2021"]), blanks=0.1 if seed % 3 == 0 else 0.0)
    damage = Damage(spaced=seed % 2 == 0, zeros_blank=seed % 4 == 1, halfwidth=seed % 5 == 2)
    page = to_html(truth, damage).decode()
    fast, slow = _read_both(page)
    assert fast.blocks == slow.blocks
    assert fast.title_hint == slow.title_hint
    assert sum(1 for b in fast.blocks if isinstance(b, html.Grid)) == 3


_TAGS = ["div", "p", "span", "b", "strong", "font", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "br",
         "h1", "h2", "li", "ul", "center", "a", "o:p", "script", "style", "noscript", "button", "section"]
_WORDS = ["一、总体情况", "二、主动公开政府信息情况", " 三 、收到和处理", "信息内容", "申请人情况", "第二十条",
          "行政复议", "年度报告", "某县人民政府2023年政府信息公开工作年度报告", "12", "0", "1 2", "", " ",
          "\u3000", "\xa0", "\t\n", "  a  b ", "&nbsp;", "&lt;", "（一）", "五.", "六．其他", "\u2003", "x\x0cy"]
_ATTRS = ["", ' rowspan="2"', ' colspan="3"', ' rowspan="0"', ' colspan="x"', ' rowspan=" 2;"', ' colspan="1"',
          ' rowspan="100000"', ' colspan="-2"', " rowspan", ' colspan="2" rowspan="2"', ' ROWSPAN="2"']


@st.composite
def _soup(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(0, 4 if depth < 4 else 1))):
        if depth >= 4 or draw(st.integers(0, 2)) == 0:
            parts.append(draw(st.sampled_from(_WORDS)))
            continue
        tag = draw(st.sampled_from(_TAGS))
        attrs = draw(st.sampled_from(_ATTRS)) if tag in ("td", "th") else ""
        inner = draw(_soup(depth + 1))
        close = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", ""]))  # unclosed tags happen
        parts.append(f"<{tag}{attrs}>{inner}{close}")
    return "".join(parts)


@settings(max_examples=400, deadline=None)
@given(_soup(), st.booleans())
def test_tag_soup_walks_alike(body, wrap):
    page = f"<html><head><title>标题-网站</title></head><body>{body}</body></html>" if wrap else body
    try:
        fast, slow = _read_both(page)
    except html.UnreadableFile:
        return  # nothing to parse: both paths raise before walking
    assert fast.blocks == slow.blocks
    assert fast.title_hint == slow.title_hint


def test_the_python_walk_is_chosen_when_the_compiled_one_cannot_be_trusted(monkeypatch):
    monkeypatch.setenv("GONGKAI_PURE_PYTHON", "1")
    assert accelerated._load() == (None, "Python（GONGKAI_PURE_PYTHON 已设置）")
    monkeypatch.delenv("GONGKAI_PURE_PYTHON")

    class OtherLxml:
        __version__ = "5.0.0"

    monkeypatch.setattr(accelerated, "etree", OtherLxml)
    walk, status = accelerated._load()
    assert walk is None and status.startswith("Python（C 加速模块按 lxml 6.1.3 编译，当前为 5.0.0")
