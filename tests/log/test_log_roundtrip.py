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
from gongkai.log.correct import amendable, number_of, recorded_entries
from gongkai.log.exchange import export_documents, import_file, item_history
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


# What a correction may say: dates, texts and the vocabularies' labels (most are refused for most
# fields, as a clerk's would be).
VALUES = st.sampled_from(["2023-02-01", "2024-06-03", "2025-01-02", "关于印发某办法的通知", "第1行\n第2行", "", "规章",
                          "其他", "主动公开", "依申请公开", "政府网站", "政策文件", "政府公报", "失效", "是", "否"])


def _entry(log: DisclosureLog, ref: str, made: date, draw) -> None:
    what = draw(st.sampled_from(["review", "change", "attribute", "publish", "publish", "end", "amend", "void"]))
    on = _day(draw, made, 400)
    try:
        if what in ("amend", "void"):
            item = log.get(ref)
            entries = recorded_entries(item.recorded)
            n = draw(st.integers(1, len(entries)))
            if what == "void":
                log.void(ref, n, draw(TEXT), "戊")
            else:
                name = draw(st.sampled_from(amendable(entries[n - 1].step) or ["title"]))
                value = {"on": st.just(_day(draw, made - timedelta(days=10), 40).isoformat()),
                         "kind": st.sampled_from(["规章", "行政规范性文件", "其他"]),
                         "attribute": st.sampled_from(["主动公开", "依申请公开", "不予公开"]),
                         "ending": st.sampled_from(["废止", "失效"]), "existing": st.sampled_from(["是", "否"]),
                         "channel": st.sampled_from(["政府网站", "政府公报", "公开栏"]),
                         "column": st.sampled_from(["政策文件", ""])}.get(name, VALUES)
                log.amend(ref, n, name, draw(value), draw(TEXT), "戊")
        elif what == "review":
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
    items = [_plain({f.name: getattr(i, f.name) for f in dataclasses.fields(i)
                     if f.name not in ("id", "recorded", "corrections")}) for i in log.items()]
    every = [log.get(ref) for (ref,) in log.db.query("SELECT ref FROM disclosure_items ORDER BY id")]
    years = (2023, 2024, 2025, 2026)
    return {"items": items, "history": [(i.ref, i.voided, item_history(i)) for i in every], "figures": log.figure_entries(), "table2": {y: table2(log, y) for y in years},
            "section1": {y: section1(log, y).text() for y in years},
            "duties": [(o.item.ref, o.start, o.reason, o.due, o.status, o.late_workdays)
                       for o in log.obligations(date(2026, 6, 30))]}


def _plain(value):
    """Items' facts without the store's row ids (an import numbers its rows anew)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "id"}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _same(got: dict, want: dict, what: str) -> None:
    for key in want:
        if key == "items" and got[key] != want[key]:
            pairs = [(g, w) for g, w in zip(got[key], want[key]) if g != w]
            assert got[key] == want[key], (what, pairs[:1])
        assert got[key] == want[key], (what, key)


def round_trip(tmp, cal, build) -> dict:
    with DisclosureLog(str(tmp / "a.db"), calendar=cal, create=True) as a:
        build(a)
        want = _state(a)
        for suffix in (".csv", ".xlsx"):
            export_documents(a, tmp / f"a{suffix}")
    for n, suffix in enumerate((".csv", ".xlsx")):
        with DisclosureLog(str(tmp / f"b{n}.db"), calendar=cal, create=True) as b:
            if want["history"] or want["figures"]:
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
        ticks = iter(range(10, 60))   # each write its own second: the entries' numbers are fixed
        log.stamp = lambda: f"2026-12-03T09:00:{next(ticks)}+08:00"   # type: ignore[method-assign]
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
        # corrections: an amended title and 形成日期, a voided publication, a voided item
        log.amend(a, 1, "标题", "某管理办法", "漏字", "乙")
        log.amend(b, 1, "公开属性", "不予公开", "属性填错", "乙")   # before its adjustment: the chain follows
        log.publish(a, "政府网站", "政策文件", date(2025, 3, 6), "甲")
        recorded = log.get(a).recorded
        twice = next(p for p in recorded.publications if p.on == date(2025, 3, 6))
        log.void(a, number_of(recorded, twice, "published"), "重复登记", "乙")
        d = log.add(NewItem("误登", "other", made), "甲")
        log.void(d, 1, "误登", "乙")
        e = log.add(NewItem("某通知", "other", made), "甲")
        log.end(e, "repealed", date(2025, 6, 1), "丙")     # on the wrong item: voided, the real end later
        log.void(e, 2, "登记错条目", "乙")
        log.end(e, "expired", date(2025, 7, 1), "丙")
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
    history = {ref: (voided, [(h["n"], h["what"], h["detail"], h["mark"]) for h in entries])
               for ref, voided, entries in state["history"]}
    assert history["D2025-000001"][1][0] == (1, "登记", "标题：某办法；文号：某政规〔2025〕1号；类别：行政规范性文件；"
                                              "公开属性：主动公开", "已更正标题（见第9条）")
    assert history["D2025-000001"][1][8:] == [
        (9, "更正", "第1条的标题：“某办法” → “某管理办法”；理由：漏字", ""),
        (10, "公开", "公开渠道：政府网站；公开栏目：政策文件", "已作废（见第11条）"),
        (11, "作废", "作废第10条；理由：重复登记", "")]
    assert history["D2025-000002"][1][0][3] == "已更正公开属性（见第7条）"
    assert history["D2025-000003"] == (True, [(1, "登记", "标题：误登；类别：其他；公开属性：主动公开", "已作废（见第2条）"),
                                              (2, "作废", "作废第1条；理由：误登", "")])
    assert [i["title"] for i in state["items"]] == ["旧规章", "某管理办法", "某事项", "某通知"]
    assert [(h[0], h[2], h[3]) for h in history["D2025-000004"][1][1:]] == [
        (2, "废止或失效：废止", "已作废（见第3条）"), (3, "作废第2条；理由：登记错条目", ""), (4, "废止或失效：失效", "")]
    assert state["items"][3]["ended_kind"] == "expired" and state["items"][3]["ended_on"] == date(2025, 7, 1)
