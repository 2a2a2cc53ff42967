"""A generated year of documents: table 2 and the section-一 figures from the log must equal a
count made here, from the generator's own lists, without the code under test; and next year
starts where this year ends."""

import random
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest

from gongkai.log.source import log_report, scaffold_from_log
from gongkai.log.store import NewItem, Publication, Review
from gongkai.log.year import section1, table2, year_report
from gongkai.source.scaffold import prefill_from

YEAR = 2025
WEBSITE_COLUMNS = ["政策文件", "通知公告", "公示公告", "政策解读", "预决算公开", "人事信息"]
OTHER_CHANNELS = ["new_media", "bulletin", "notice_board"]


def _day(rng, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def generate(seed: int = 7) -> list[dict]:
    """Plain dicts: the test counts from these, the log is fed from them."""
    rng = random.Random(seed)
    docs = []
    # Normative documents and rules of earlier years, some ending in or after YEAR.
    for i in range(40):
        kind = "rules" if i % 8 == 0 else "normative_docs"
        made = _day(rng, date(2019, 1, 1), date(YEAR - 1, 12, 31))
        end = None
        if rng.random() < 0.45:
            end = _day(rng, made, date(YEAR + 1, 12, 31))
        docs.append({"kind": kind, "attribute": "active", "made": made, "end": end, "pubs": []})
    # This year's items (and a few of next year, so the year boundary matters).
    for _ in range(260):
        r = rng.random()
        kind = "rules" if r < 0.04 else "normative_docs" if r < 0.2 else "other"
        made = _day(rng, date(YEAR, 1, 1), date(YEAR + 1, 2, 28))
        attribute = "active"
        if kind == "other":
            a = rng.random()
            attribute = "on_request" if a < 0.08 else "withheld" if a < 0.12 else "active"
        pubs = []
        if attribute == "active":
            for _ in range(rng.choice([0, 1, 1, 1, 2, 3])):
                on = made + timedelta(days=rng.randrange(0, 45))
                if rng.random() < 0.6:
                    pub = ("website", rng.choice(WEBSITE_COLUMNS), on)
                else:
                    pub = (rng.choice(OTHER_CHANNELS), "", on)
                if pub not in pubs:
                    pubs.append(pub)
        end = None
        if kind != "other" and rng.random() < 0.2:
            last_pub = max([p[2] for p in pubs], default=made)
            end = last_pub + timedelta(days=1 + rng.randrange(400))
        docs.append({"kind": kind, "attribute": attribute, "made": made, "end": end, "pubs": pubs})
    return docs


def feed(log, docs) -> None:
    for n, d in enumerate(docs):
        made = d["made"]
        item = NewItem(f"文件{n}", d["kind"], made, d["attribute"],
                       "" if d["attribute"] == "active" else "涉及第三方", f"测〔{made.year}〕{n}号",
                       reviews=[Review("draft", "甲", made), Review("check", "乙", made), Review("sign", "丙", made)],
                       publications=[Publication(ch, col, on) for ch, col, on in d["pubs"]])
        if d["end"]:
            item.ended_kind, item.ended_on = ("repealed" if n % 2 else "expired"), d["end"]
        log.add(item, "generator")


def hand_count(docs, year):
    first, last = date(year, 1, 1), date(year, 12, 31)
    rows = {}
    for kind, row in (("rules", "art20_1.rules"), ("normative_docs", "art20_1.normative_docs")):
        mine = [d for d in docs if d["kind"] == kind]
        rows[row] = {
            "made": sum(1 for d in mine if first <= d["made"] <= last),
            "repealed": sum(1 for d in mine if d["end"] and first <= d["end"] <= last),
            "in_force": sum(1 for d in mine if d["made"] <= last and (d["end"] is None or d["end"] > last)),
        }
    per_column = Counter()
    items = set()
    for n, d in enumerate(docs):
        for ch, col, on in d["pubs"]:
            if first <= on <= last:
                per_column[(ch, col)] += 1
                items.add(n)
    return rows, per_column, len(items)


@pytest.fixture
def docs():
    return generate()


def test_generated_year_matches_the_hand_count(log, docs):
    feed(log, docs)
    rows, per_column, items = hand_count(docs, YEAR)
    got, _notes = table2(log, YEAR)
    assert {k: got[k] for k in rows} == rows
    stats = section1(log, YEAR)
    assert stats.by_column == dict(per_column)
    assert stats.publications == sum(per_column.values()) and stats.items == items
    by_channel = Counter()
    for (ch, _col), n in per_column.items():
        by_channel[ch] += n
    assert stats.by_channel == dict(by_channel)
    text = year_report(log, YEAR).sections[0].text
    assert f"主动公开政府信息{items}条" in text and f"各渠道公开{sum(per_column.values())}条次" in text
    # The generator must have produced a meaningful year, or the comparison proves little.
    assert rows["art20_1.normative_docs"]["made"] > 20 and rows["art20_1.normative_docs"]["repealed"] > 3
    assert len(per_column) >= 8 and items > 150


def test_next_year_starts_where_this_year_ends(log, docs, db_url):
    feed(log, docs)
    this, _ = table2(log, YEAR)
    nxt, _ = table2(log, YEAR + 1)
    rows, _, _ = hand_count(docs, YEAR + 1)
    assert {k: nxt[k] for k in rows} == rows
    for row in ("art20_1.rules", "art20_1.normative_docs"):
        start = nxt[row]["in_force"] - nxt[row]["made"] + nxt[row]["repealed"]
        assert start == this[row]["in_force"]
    # `gongkai new --log` for next year, pre-filled from this year's report: the carried
    # 现行有效件数 agrees with the log's own start, so no mismatch is reported.
    _report, last_end, _t3 = log_report(db_url, YEAR + 1)
    assert last_end == {row: this[row]["in_force"] for row in ("art20_1.rules", "art20_1.normative_docs")}
    last = year_report(log, YEAR, "测试局")
    text, messages, warnings = scaffold_from_log("测试局", YEAR + 1, "2021", prefill_from(last, "2021", "上年.json"), None,
                                                 db_url)
    assert not [m for m in messages + warnings if "现行有效件数" in m]
    nd = nxt["art20_1.normative_docs"]
    assert (f"art20_1.normative_docs: {{made: {nd['made']}, repealed: {nd['repealed']}, "
            f"in_force: {nd['in_force']}}}") in text


def test_last_years_printed_figure_that_disagrees_is_flagged(log, docs, db_url):
    feed(log, docs)
    last = year_report(log, YEAR, "测试局")
    printed = last.table2["art20_1.normative_docs"]["in_force"] + 3
    last.table2["art20_1.normative_docs"]["in_force"] = printed
    _text, messages, warnings = scaffold_from_log("测试局", YEAR + 1, "2021", prefill_from(last, "2021", "上年.json"),
                                                  None, db_url)
    assert not [m for m in messages if "现行有效件数" in m]
    assert [m for m in warnings if "现行有效件数" in m] == [
        f"表二“行政规范性文件”行“现行有效件数”列：上年报告印的是 {printed}，台账上年末 {printed - 3}"]


def test_a_log_with_no_documents_says_nothing_of_table2s_rules(log, db_url):
    """A log nobody filled in counted 0 规章 and 0 规范性文件 (with a note): an invented zero.
    Blank, with the reason, in table 2, the year's report and the drafted source; once the log
    holds a document, a kind with none is a true 0."""
    rows, notes = table2(log, YEAR)
    assert rows["art20_1.rules"] == rows["art20_1.normative_docs"] == {"made": None, "repealed": None, "in_force": None}
    assert notes[0] == ("规章、行政规范性文件：台账中没有2025年底以前制发的任何文件，表二这2行留空（没有登记不等于没有制发）；"
                        "请先登记或导入文件清单（以前年度制发、仍现行有效的作为存量文件登记）")
    assert year_report(log, YEAR).value("table2.art20_1.rules.made") is None
    text, messages, warnings = scaffold_from_log("测试局", YEAR, "2021", None, None, db_url)
    assert "art20_1.rules: {made: null, repealed: null, in_force: null}" in text
    assert "上年末" not in text and messages == [] and warnings[1] == notes[0]
    log.add(NewItem("关于公布办事指南的通知", "other", date(YEAR, 3, 2)), "c")
    rows, notes = table2(log, YEAR)
    assert rows["art20_1.rules"] == {"made": 0, "repealed": 0, "in_force": 0}
    assert notes[0] == "规章：台账中没有任何规章，表二按 0 件计算；如本机关有现行有效的规章，请先导入文件清单"


def test_monthly_figures_sum_to_the_year(log):
    rng = random.Random(3)
    licensing = {m: rng.randrange(0, 40) for m in range(1, 13)}
    penalty = {m: rng.randrange(0, 9) for m in range(1, 13) if m != 7}
    fees = {m: Decimal(rng.randrange(0, 100000)) / 100 for m in range(1, 13)}
    for m in range(1, 13):
        log.set_figure(YEAR, m, "art20_5.licensing", licensing[m], "c")
        log.set_figure(YEAR, m, "art20_8.admin_fees", str(fees[m]), "c")
        if m in penalty:
            log.set_figure(YEAR, m, "art20_6.penalty", penalty[m], "c")
    # A correction of March: the later entry counts, the earlier one stays in the history.
    log.set_figure(YEAR, 3, "art20_5.licensing", licensing[3] + 5, "c")
    rows, notes = table2(log, YEAR)
    assert rows["art20_5.licensing"] == {"decisions": sum(licensing.values()) + 5}
    assert rows["art20_6.penalty"] == {"decisions": sum(penalty.values())}
    assert rows["art20_6.coercion"] == {"decisions": None}
    assert rows["art20_8.admin_fees"] == {"amount": sum(fees.values(), Decimal(0))}
    assert notes == ["规章、行政规范性文件：台账中没有2025年底以前制发的任何文件，表二这2行留空（没有登记不等于没有制发）；请先登记或导入文件清单（以前年度制发、仍现行有效的作为存量文件登记）",
                     "行政处罚：2025年缺 7 月的数据，合计只含已录入月份", "行政强制：2025年没有录入任何月份，表二此格留空"]
    assert log.db.query("SELECT COUNT(*) FROM disclosure_figures WHERE row_id = 'art20_5.licensing'")[0][0] == 13


def test_figures_are_checked(log):
    from gongkai.errors import GongkaiError

    with pytest.raises(GongkaiError, match="应为整数"):
        log.set_figure(YEAR, 1, "art20_6.penalty", "2.5", "c")
    with pytest.raises(GongkaiError, match="应为 1 至 12"):
        log.set_figure(YEAR, 13, "art20_6.penalty", "2", "c")
    with pytest.raises(GongkaiError, match="应为非负数"):
        log.set_figure(YEAR, 1, "art20_8.admin_fees", "-1", "c")
    with pytest.raises(GongkaiError, match="不是数字"):
        log.set_figure(YEAR, 1, "art20_8.admin_fees", "一万", "c")
    assert log.set_figure(YEAR, 1, "art20_8.admin_fees", "1,234.5", "c") == Decimal("1234.5")
