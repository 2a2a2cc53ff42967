"""Property: any proactive-disclosure log — items of every kind and 公开属性, reviews, changes,
adjustments of the 公开属性, publications, ends, 存量 documents, monthly figures entered and
re-entered — exported to CSV and to Excel and imported into an empty log gives the same items
with the same history (who recorded each entry, when), the same monthly figures, the same
table 2 and section-一 statistics and the same duties to publish.

Logs are drawn as random walks through the log's own commands: an entry the rules refuse is not
recorded, so every log drawn is one a clerk could have made.  GONGKAI_FULL_RUN=1 draws many more.
"""

from __future__ import annotations

import dataclasses
import os
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, Phase, event, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from gongkai.errors import GongkaiError
from gongkai.log.exchange import export_documents, import_file
from gongkai.log.store import DisclosureLog, NewItem, Review
from gongkai.log.vocab import channels
from gongkai.log.year import section1, table2

FULL = os.environ.get("GONGKAI_FULL_RUN") == "1"
TEXT = st.sampled_from(["关于印发某办法的通知", "公告, 第2号", "说明：“引号”；分号", "第1行\n第2行", "=SUM(A1)", "0012"])
ROWS = ["art20_5.licensing", "art20_6.penalty", "art20_6.coercion", "art20_8.admin_fees"]


def _day(draw, start: date, span: int = 60) -> date:
    return start + timedelta(days=draw(st.integers(0, span)))


def _walk(log: DisclosureLog, draw) -> None:
    for n in range(draw(st.integers(1, 5))):
        made = date(2023, 1, 1) + timedelta(days=draw(st.integers(0, 1000)))
        kind = draw(st.sampled_from(["rules", "normative_docs", "other"]))
        attribute = draw(st.sampled_from(["active", "active", "on_request", "withheld"]))
        reviews = []
        if draw(st.booleans()):
            steps = draw(st.sampled_from([["draft"], ["draft", "check"], ["draft", "check", "sign"]]))
            reviews = [Review(s, draw(TEXT), made) for s in steps]
        new = NewItem(draw(TEXT), kind, made, attribute, "" if attribute == "active" else draw(TEXT),
                      draw(st.sampled_from(["", f"某政发〔{made.year}〕{n + 1}号"])), reviews=reviews,
                      existing=draw(st.booleans()))
        try:
            ref = log.add(new, draw(st.sampled_from(["甲", "乙"])))
        except GongkaiError:
            continue
        for _ in range(draw(st.integers(0, 6))):
            _entry(log, ref, made, draw)


def _entry(log: DisclosureLog, ref: str, made: date, draw) -> None:
    what = draw(st.sampled_from(["review", "change", "attribute", "publish", "publish", "end"]))
    on = _day(draw, made, 400)
    try:
        if what == "review":
            log.review(ref, draw(st.sampled_from(["draft", "check", "sign"])), draw(TEXT), made, "丙")
        elif what == "change":
            log.change(ref, on, draw(TEXT), "丙")
        elif what == "attribute":
            to = draw(st.sampled_from(["active", "on_request", "withheld"]))
            log.set_attribute(ref, to, "" if to == "active" else draw(TEXT), on, "丁")
        elif what == "publish":
            cid = draw(st.sampled_from(sorted(channels())))
            cols = channels()[cid].columns
            log.publish(ref, cid, draw(st.sampled_from(cols)) if cols else "", on, "丙",
                        draw(st.sampled_from(["", "https://example.gov.cn/a?b=1,2"])))
        else:
            log.end(ref, draw(st.sampled_from(["repealed", "expired"])), on, "丁", draw(st.sampled_from(["", "新办法施行"])))
        event(f"recorded {what}")
    except GongkaiError:
        pass


def _figures(log: DisclosureLog, draw) -> None:
    for _ in range(draw(st.integers(0, 6))):
        row = draw(st.sampled_from(ROWS))
        value = draw(st.sampled_from(["0", "3", "12", "1.5", "0.000001", "12.50"])) if row.endswith("fees") else \
            str(draw(st.integers(0, 500)))
        log.set_figure(draw(st.sampled_from([2024, 2025])), draw(st.integers(1, 12)), row, value, "戊")


def _state(log: DisclosureLog) -> dict:
    items = [{k: v for k, v in dataclasses.asdict(i).items() if k != "id"} for i in log.items()]
    years = (2023, 2024, 2025, 2026)
    return {"items": items, "figures": log.figure_entries(), "table2": {y: table2(log, y) for y in years},
            "section1": {y: section1(log, y).text() for y in years},
            "duties": [(o.item.ref, o.start, o.reason, o.due, o.status, o.late_workdays)
                       for o in log.obligations(date(2026, 6, 30))]}


def _same(got: dict, want: dict, what: str) -> None:
    for key in want:
        if key == "items" and got[key] != want[key]:
            pairs = [(g, w) for g, w in zip(got[key], want[key]) if g != w]
            assert got[key] == want[key], (what, pairs[:1])
        assert got[key] == want[key], (what, key)


def round_trip(tmp, cal, build) -> dict:
    with DisclosureLog(str(tmp / "a.db"), calendar=cal) as a:
        build(a)
        want = _state(a)
        for suffix in (".csv", ".xlsx"):
            export_documents(a, tmp / f"a{suffix}")
    for n, suffix in enumerate((".csv", ".xlsx")):
        with DisclosureLog(str(tmp / f"b{n}.db"), calendar=cal) as b:
            if want["items"] or want["figures"]:
                import_file(b, tmp / f"a{suffix}", "导入员")
            _same(_state(b), want, suffix)
    return want


@hsettings(max_examples=300 if FULL else 12, deadline=None, derandomize=not FULL,
           phases=[Phase.explicit, Phase.reuse, Phase.generate] if os.environ.get("NO_SHRINK") else list(Phase),
           suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_export_then_import_gives_the_same_log(tmp_path_factory, cal, data):
    def build(log):
        _walk(log, data.draw)
        _figures(log, data.draw)
    round_trip(tmp_path_factory.mktemp("log"), cal, build)


def test_a_log_with_every_kind_of_entry_round_trips(tmp_path, cal):
    def build(log: DisclosureLog) -> None:
        made = date(2025, 3, 3)
        chain = [Review("draft", "甲", made), Review("check", "乙", made), Review("sign", "丙", made)]
        a = log.add(NewItem("某办法", "normative_docs", made, doc_no="某政规〔2025〕1号", reviews=chain), "甲")
        log.publish(a, "政府网站", "政策文件", date(2025, 3, 5), "甲", "https://example.gov.cn/1")
        log.publish(a, "政府公报", "", date(2025, 3, 20), "甲")
        log.change(a, date(2025, 6, 2), "修订第三条", "乙")
        log.end(a, "repealed", date(2025, 12, 1), "丙", "新办法施行")
        b = log.add(NewItem("某事项", "other", made, "on_request", "涉及个人隐私"), "甲")
        log.set_attribute(b, "active", "", date(2025, 5, 6), "丁")
        log.review(b, "draft", "甲", made, "甲")
        log.review(b, "check", "乙", made, "甲")
        log.review(b, "sign", "丙", made, "甲")
        log.publish(b, "公开栏", "", date(2025, 5, 8), "甲")
        c = log.add(NewItem("旧规章", "rules", date(2019, 5, 1), existing=True), "甲")
        log.publish(c, "政府网站", "政策文件", date(2019, 5, 10), "甲")
        log.set_figure(2025, 1, "art20_5.licensing", "12", "戊")
        log.set_figure(2025, 1, "art20_5.licensing", "13", "戊")     # a correction: both stay on record
        log.set_figure(2025, 2, "art20_8.admin_fees", "1.25", "戊")
        log.set_figure(2025, 3, "art20_6.penalty", "4", "戊")
        log.set_figure(2025, 3, "art20_6.coercion", "0", "戊")

    state = round_trip(tmp_path, cal, build)
    t2 = state["table2"][2025][0]
    assert t2["art20_5.licensing"] == {"decisions": 13} and t2["art20_8.admin_fees"] == {"amount": Decimal("1.25")}
    assert t2["art20_6.penalty"] == {"decisions": 4} and t2["art20_6.coercion"] == {"decisions": 0}
    assert t2["art20_1.rules"] == {"made": 0, "repealed": 0, "in_force": 1}
    assert t2["art20_1.normative_docs"] == {"made": 1, "repealed": 1, "in_force": 0}
    assert len(state["figures"]) == 5
