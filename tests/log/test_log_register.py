"""The normative-document register: made, repealed and in force over several years, and the
rules the log enforces on what is recorded."""

from datetime import date

import pytest

from gongkai.errors import GongkaiError
from gongkai.log.store import NewItem, Review
from gongkai.log.year import in_force, normative_rows, table2

# (name, kind, made, end kind, end date)
DOCS = [
    ("N1", "normative_docs", date(2022, 3, 1), "repealed", date(2024, 6, 30)),
    ("N2", "normative_docs", date(2022, 11, 15), "expired", date(2023, 11, 15)),
    ("N3", "normative_docs", date(2023, 5, 10), None, None),
    ("N4", "normative_docs", date(2023, 12, 31), "repealed", date(2025, 1, 1)),
    ("N5", "normative_docs", date(2024, 2, 1), "repealed", date(2024, 12, 31)),
    ("N6", "normative_docs", date(2025, 7, 1), None, None),
    ("R1", "rules", date(2021, 1, 5), "repealed", date(2025, 3, 3)),
    ("R2", "rules", date(2024, 9, 9), None, None),
    ("O1", "other", date(2023, 2, 2), "expired", date(2024, 2, 2)),
]

# Counted by hand from DOCS (an end dated D takes effect on D).
EXPECTED = {
    2022: {"art20_1.normative_docs": (2, 0, 2), "art20_1.rules": (0, 0, 1)},   # made N1 N2; in force N1 N2
    2023: {"art20_1.normative_docs": (2, 1, 3), "art20_1.rules": (0, 0, 1)},   # made N3 N4, N2 expired
    2024: {"art20_1.normative_docs": (1, 2, 2), "art20_1.rules": (1, 0, 2)},   # made N5; N1, N5 (12/31) end
    2025: {"art20_1.normative_docs": (1, 1, 2), "art20_1.rules": (0, 1, 1)},   # made N6; N4 (1/1), R1 end
}


@pytest.fixture
def filled(log):
    refs = {}
    for name, kind, made, end, on in DOCS:
        refs[name] = log.add(NewItem(f"文件{name}", kind, made, doc_no=f"测〔{made.year}〕{name}号"), "clerk")
        if end:
            log.end(refs[name], end, on, "clerk")
    return log, refs


def test_rows_per_year_match_the_hand_count(filled):
    log, _ = filled
    for year, rows in EXPECTED.items():
        got = normative_rows(log, year)
        assert {k: (v["made"], v["repealed"], v["in_force"]) for k, v in got.items()} == rows, year


def test_each_year_starts_where_the_last_ended(filled):
    log, _ = filled
    for year in range(2022, 2026):
        last, this = normative_rows(log, year - 1), normative_rows(log, year)
        for row in this:
            assert this[row]["in_force"] == last[row]["in_force"] + this[row]["made"] - this[row]["repealed"]
    assert normative_rows(log, 2021)["art20_1.rules"] == {"made": 1, "repealed": 0, "in_force": 1}
    # the log begins in 2021: of 2020 it says nothing (blank, not 0)
    assert normative_rows(log, 2020)["art20_1.rules"] == {"made": None, "repealed": None, "in_force": None}


def test_in_force_on_any_day(filled):
    log, _ = filled
    assert in_force(log, "normative_docs", date(2023, 11, 14)) == 3   # N1 N2 N3
    assert in_force(log, "normative_docs", date(2023, 11, 15)) == 2   # N2 expired that day
    assert in_force(log, "normative_docs", date(2024, 6, 29)) == 4    # N1 N3 N4 N5
    assert in_force(log, "normative_docs", date(2024, 6, 30)) == 3    # N1 repealed that day
    assert in_force(log, "normative_docs", date(2023, 12, 30)) == 2   # N4 made the next day
    assert in_force(log, "rules", date(2025, 3, 2)) == 2
    assert in_force(log, "rules", date(2025, 3, 3)) == 1


def test_other_items_are_not_in_table_2_rows(filled):
    log, _ = filled
    rows, _notes = table2(log, 2024)
    assert list(rows) == ["art20_1.rules", "art20_1.normative_docs", "art20_5.licensing", "art20_6.penalty",
                          "art20_6.coercion", "art20_8.admin_fees"]
    assert rows["art20_5.licensing"] == {"decisions": None}  # nothing entered: blank, not 0


def test_an_item_ends_once_and_not_before_it_was_made(filled):
    log, refs = filled
    with pytest.raises(GongkaiError, match="已于 2024-06-30 废止"):
        log.end(refs["N1"], "expired", date(2024, 7, 1), "clerk")
    with pytest.raises(GongkaiError, match="早于形成日期"):
        log.end(refs["N3"], "repealed", date(2023, 5, 9), "clerk")
    # The database itself refuses a second end or any rewrite.
    with pytest.raises(Exception):  # noqa: B017 - whichever error the database driver raises
        with log.db.transaction():
            log.db.execute("UPDATE disclosure_items SET ended_on = '2030-01-01' WHERE ref = ?", (refs["N1"],))
    with pytest.raises(Exception):  # noqa: B017 - whichever error the database driver raises
        with log.db.transaction():
            log.db.execute("UPDATE disclosure_items SET title = 'x' WHERE ref = ?", (refs["N3"],))
    assert log.get(refs["N1"]).ended_on == date(2024, 6, 30) and log.get(refs["N3"]).title == "文件N3"


def test_attribute_rules(log):
    with pytest.raises(GongkaiError, match="行政规范性文件应当主动公开"):
        log.add(NewItem("办法", "normative_docs", date(2025, 1, 2), "withheld", "内部"), "c")
    with pytest.raises(GongkaiError, match="依申请公开”时须写明理由"):
        log.add(NewItem("名单", "other", date(2025, 1, 2), "on_request"), "c")
    with pytest.raises(GongkaiError, match="主动公开”时不填写"):
        log.add(NewItem("通知", "other", date(2025, 1, 2), "active", "理由"), "c")
    assert log.count() == 0


def test_review_chain_order_and_publication_after_signing(log):
    ref = log.add(NewItem("通知", "other", date(2025, 3, 10)), "c")
    with pytest.raises(GongkaiError, match="尚未审签"):
        log.publish(ref, "政府网站", "通知公告", date(2025, 3, 11), "c")
    with pytest.raises(GongkaiError, match="须先完成“拟稿"):
        log.review(ref, "check", "李四", date(2025, 3, 5), "c")
    log.review(ref, "draft", "张三", date(2025, 3, 3), "c")
    with pytest.raises(GongkaiError, match="核稿日期 2025-03-02 早于拟稿日期 2025-03-03"):
        log.review(ref, "check", "李四", date(2025, 3, 2), "c")
    log.review(ref, "check", "李四", date(2025, 3, 5), "c")
    with pytest.raises(GongkaiError, match="晚于形成日期"):
        log.review(ref, "sign", "王五", date(2025, 3, 11), "c")
    log.review(ref, "sign", "王五", date(2025, 3, 10), "c")
    with pytest.raises(GongkaiError, match="已登记"):
        log.review(ref, "sign", "赵六", date(2025, 3, 10), "c")
    with pytest.raises(GongkaiError, match="早于形成日期"):
        log.publish(ref, "政府网站", "通知公告", date(2025, 3, 9), "c")
    item = log.publish(ref, "门户网站", "通知公告", date(2025, 3, 11), "c")
    assert [(r.step, r.person, r.on) for r in item.reviews.values()] == [
        ("draft", "张三", date(2025, 3, 3)), ("check", "李四", date(2025, 3, 5)), ("sign", "王五", date(2025, 3, 10))]
    assert [(p.channel, p.column, p.on) for p in item.publications] == [("website", "通知公告", date(2025, 3, 11))]


def test_channels_and_columns_come_from_the_vocabulary(log):
    ref = log.add(NewItem("通知", "other", date(2025, 3, 10), reviews=[
        Review("draft", "a", date(2025, 3, 10)), Review("check", "b", date(2025, 3, 10)),
        Review("sign", "c", date(2025, 3, 10))]), "c")
    with pytest.raises(GongkaiError, match="须指明栏目"):
        log.publish(ref, "政府网站", "", date(2025, 3, 11), "c")
    with pytest.raises(GongkaiError, match="栏目“新闻”不在“政府网站”的栏目表中"):
        log.publish(ref, "政府网站", "新闻", date(2025, 3, 11), "c")
    with pytest.raises(GongkaiError, match="公开栏”不分栏目"):
        log.publish(ref, "公开栏", "村务", date(2025, 3, 11), "c")
    with pytest.raises(GongkaiError, match="公开渠道“报纸”无法识别"):
        log.publish(ref, "报纸", "", date(2025, 3, 11), "c")
    log.publish(ref, "政务公开栏", "", date(2025, 3, 11), "c")
    with pytest.raises(GongkaiError, match="已登记"):
        log.publish(ref, "公开栏", "", date(2025, 3, 11), "c")
    assert [(p.channel, p.column) for p in log.get(ref).publications] == [("notice_board", "")]


def test_site_vocabulary_adds_a_column(log, tmp_path, monkeypatch):
    site = tmp_path / "vocab.yaml"
    site.write_text("channels:\n  website:\n    columns: [乡村振兴]\n", encoding="utf-8")
    monkeypatch.setenv("GONGKAI_DISCLOSURE_VOCAB", str(site))
    ref = log.add(NewItem("通知", "other", date(2025, 3, 10), reviews=[
        Review("draft", "a", date(2025, 3, 10)), Review("check", "b", date(2025, 3, 10)),
        Review("sign", "c", date(2025, 3, 10))]), "c")
    log.publish(ref, "政府网站", "乡村振兴", date(2025, 3, 12), "c")
    assert log.get(ref).publications[0].column == "乡村振兴"


def test_duplicate_document_number_is_refused(log):
    log.add(NewItem("办法", "normative_docs", date(2025, 1, 2), doc_no="某发〔2025〕1号"), "c")
    with pytest.raises(GongkaiError, match="文号 某发〔2025〕1号 已在台账中"):
        log.add(NewItem("另一个", "normative_docs", date(2025, 2, 2), doc_no="某发〔2025〕1号"), "c")
    assert log.count() == 1


def test_a_log_opened_with_its_own_vocabulary_uses_it_while_open(db_url, cal, tmp_path):
    """The web names the site's vocabulary in its settings (read once), not in the environment:
    a log opened with ``vocab`` uses that file while it is open, and nothing after it."""
    from gongkai.log.store import DisclosureLog
    from gongkai.log.vocab import channels

    site = tmp_path / "words.yaml"
    site.write_text("channels:\n  hall:\n    label: 便民服务大厅\n    columns: []\n", encoding="utf-8")
    chain = [Review(step, "甲", date(2025, 3, 10)) for step in ("draft", "check", "sign")]
    with DisclosureLog(db_url, calendar=cal, vocab=site, create=True) as log:
        ref = log.add(NewItem("通知", "other", date(2025, 3, 10), reviews=chain), "c")
        log.publish(ref, "便民服务大厅", "", date(2025, 3, 12), "c")
        assert channels()["hall"].label == "便民服务大厅"
    assert "hall" not in channels()          # GONGKAI_DISCLOSURE_VOCAB (unset) again
    with DisclosureLog(db_url, calendar=cal, create=True) as log, pytest.raises(GongkaiError, match="公开渠道“便民服务大厅”无法识别"):
        log.publish(ref, "便民服务大厅", "", date(2025, 3, 13), "c")


@pytest.mark.parametrize("today, made, hint", [
    (date(2025, 12, 31), date(2025, 12, 30), False),   # the log's year: this year's document
    (date(2026, 1, 5), date(2025, 12, 30), True),      # a new year: last year's, the 存量 hint
])
def test_an_unsigned_publication_judges_last_years_documents_by_the_logs_own_year(db_url, cal, monkeypatch,
                                                                                   today, made, hint):
    """Whether a document is an earlier year's (the refusal then names 存量) is judged by the log's
    today (``DisclosureLog(today=…)``, the web's fixed day), not the clock or GONGKAI_TODAY."""
    from gongkai.log.store import DisclosureLog

    monkeypatch.setenv("GONGKAI_TODAY", "2026-01-05" if not hint else "2025-12-31")   # the other year
    with DisclosureLog(db_url, calendar=cal, today=today, create=True) as log:
        ref = log.add(NewItem("通知", "other", made), "c")
        with pytest.raises(GongkaiError) as refused:
            log.publish(ref, "政府网站", "通知公告", today, "c")
    assert ("以前年度的存量文件" in refused.value.message) is hint
    assert refused.value.message.startswith("尚未审签，不能公开（拟稿 → 核稿 → 审签 完成后才能公开）")
