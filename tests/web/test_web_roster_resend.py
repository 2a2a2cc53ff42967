"""名录 after a body re-sends a corrected report (signed, as Word users do, with the same date):
the roster shows the check of the report received last, keeps the first one's date for the
deadline, and names what each shown report must correct."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date

import pytest
from gk_web_support import client_for, corpus_of, django_env, synthetic_report, world  # noqa: F401

YEAR = 2025
BODY = "淮安市清江浦区教育局"
ROW = "一、本年新收到政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0"


@pytest.fixture(scope="module")
def resent(django_env, tmp_path_factory):
    """The body's report as first sent (表三 一、 total 1 over columns of 0), then, in a later
    upload, corrected and signed with the same date.  The original has the lesser content hash
    (a blank line added until it has): the rule before 0.9.4 counted it."""
    from gongkai.corpus.ingest import ingest
    from gongkai.corpus.store import Store

    folder = tmp_path_factory.mktemp("resend")
    first, second = _pair(folder)
    with corpus_of(folder, [str(first)]) as url:
        with Store(url) as store:
            assert ingest([str(second)], store, workers=1).added == 1
        yield url


def _pair(folder, greater: bool = False):
    """The defective original and its correction, signed the same day, in ``folder``; the original
    has the lesser content hash, or the ``greater``."""
    good = synthetic_report(BODY, YEAR, date(2026, 1, 20))
    assert ROW in good
    bad = good.replace(ROW, ROW[:-1] + "1")
    while (hashlib.sha256(bad.encode()).hexdigest() > hashlib.sha256(good.encode()).hexdigest()) != greater:
        bad += "\n"
    first, second = folder / "教育局2025年报.txt", folder / "教育局2025年报（更正）.txt"
    first.write_text(bad, encoding="utf-8")
    second.write_text(good, encoding="utf-8")
    return first, second


@pytest.fixture
def roster(resent, world):
    from gongkai.web.models import RosterEntry

    RosterEntry.objects.all().delete()
    RosterEntry.objects.create(name=BODY, region_code="320812", kind="department")
    yield
    RosterEntry.objects.all().delete()


def _ids(url):
    from gongkai.corpus.store import Store

    with Store(url) as store:
        return {name: (i, errors) for i, name, errors in store.query(
            "SELECT d.id, d.name, (SELECT COUNT(*) FROM findings f WHERE f.document_id = d.id AND f.severity = 'error')"
            " FROM documents d")}


def test_the_roster_shows_the_corrected_resend_and_what_must_be_corrected(resent, roster, world):
    ids = _ids(resent)
    (old, old_errors), (new, new_errors) = ids["教育局2025年报.txt"], ids["教育局2025年报（更正）.txt"]
    assert old < new and old_errors > 0 and new_errors == 0
    c = client_for(world["supervisor"])
    body = c.get(f"/api/roster?year={YEAR}").json()["bodies"][0]
    # Before: the earliest signed report (same date: the lower id, the defective one) was shown
    # with its errors, as if the body had still to redo it.
    assert (body["report_id"], body["first_report_id"], body["other_reports"]) == (new, old, 1)
    assert body["findings"]["error"] == 0 and body["error_rules"] == []
    assert (body["status"], body["published"], body["posted"], body["judged_by"], body["date_note"]) == (
        "on_time", "2026-01-20", None, "signed", "按落款日期推定（无网页发布时间）")
    assert c.get(f"/api/roster?year={YEAR}").json()["summary"]["with_errors"] == 0
    # why it is the one shown: when each was first received, said with it (JSON, and the exports' last column)
    from gongkai.corpus.store import Store

    with Store(resent) as store:
        received = {r.id: r.received_at for r in store.reports()}
    assert received[old] < received[new] and body["received_at"] == received[new]
    for form in ("csv", "xlsx"):
        answer = c.get(f"/roster/export.{form}?year={YEAR}")
        if form == "csv":
            rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
        else:
            from openpyxl import load_workbook

            rows = [["" if v is None else str(v) for v in r]
                    for r in load_workbook(io.BytesIO(answer.content), read_only=True).active.iter_rows(values_only=True)]
        assert (rows[0][-2:], rows[1][-1]) == (["相邻年度的报告", "收到时间"], received[new][:19].replace("T", " ")), form
        # 0.9.4's columns where 0.9.4 wrote them, 0.9.5's after them (相邻年度的报告 was put before 错误项目)
        assert rows[0][:17] == ["机关名称", "行政区划代码", "机关类型", "报告年度", "公开期限", "状态", "落款日期",
                                "网页发布时间", "判定依据", "逾期天数", "日期说明", "错误", "警告", "提示", "语料库编号",
                                "同年报告份数", "错误项目"], form
        assert rows[1][rows[0].index("语料库编号")] == str(new)
    html = c.get(f"/roster/?year={YEAR}").content.decode()
    assert f'href="/survey/report/{new}/" class="report-link"><span class="tag sev-notice">无错误</span>' in html
    assert f'另有 1 份（显示最后收到的 #{new}；是否按期以最早公开的 <a href="/survey/report/{old}/">#{old}</a> 为准）' in html


def test_the_rollup_and_the_statistics_count_the_correction_the_roster_shows(resent, roster, world):
    """The roll-up and the statistics kept the report with the least content hash — here the
    defective original, its 本年新收 1 summed — while the 名录 showed the correction: one rule
    now (``store.received``), the report received last."""
    from gongkai.corpus.region import select
    from gongkai.corpus.stats import compute
    from gongkai.corpus.store import Store
    from gongkai.format.places import division

    ids = _ids(resent)
    old, new = ids["教育局2025年报.txt"][0], ids["教育局2025年报（更正）.txt"][0]
    with Store(resent) as store:
        chosen = select(store, division("320812"), YEAR)
        table = compute(store, "county", "320812")
    assert ([label for label, _ in chosen.parts], chosen.duplicates) == ([f"#{new} {BODY}"], [f"#{old} {BODY}"])
    assert [(r.year, r.ids, r.values["received"]) for r in table.rows] == [(YEAR, [new], 0)]
    assert table.duplicates == [f"#{old} {BODY} {YEAR}"]
    body = client_for(world["supervisor"]).get(f"/api/roster?year={YEAR}").json()["bodies"][0]
    assert body["report_id"] == new


def test_the_roster_names_the_errors_a_body_must_correct(resent, roster, world):
    from gongkai.corpus.store import Store

    ids = _ids(resent)
    old, new = ids["教育局2025年报.txt"][0], ids["教育局2025年报（更正）.txt"][0]
    with Store(resent) as store:
        rules = sorted({f.rule for f in store.findings(old) if f.severity == "error"})
        # the correction withdrawn: only the defective report is left for the year
        store.execute("UPDATE documents SET year = 2024 WHERE id = ?", (new,))
    try:
        assert rules == ["T3-IDENTITY", "T3-ROWSUM"]
        c = client_for(world["supervisor"])
        body = c.get(f"/api/roster?year={YEAR}").json()["bodies"][0]
        assert body["report_id"] == old and body["other_reports"] == 0
        assert body["error_rules"] == [
            {"rule": "T3-IDENTITY", "about": "表三勾稽关系：第一项加第二项之和等于第三项加第四项之和（逐列）"},
            {"rule": "T3-ROWSUM", "about": "表三每行总计等于六类申请人之和"}]
        html = c.get(f"/roster/?year={YEAR}").content.decode()
        assert ('<small class="defects">须改正：<span title="T3-IDENTITY">表三勾稽关系：第一项加第二项之和等于第三项加第四项之和（逐列）</span>；'
                '<span title="T3-ROWSUM">表三每行总计等于六类申请人之和</span></small>') in html
        rows = list(csv.reader(io.StringIO(c.get(f"/roster/export.csv?year={YEAR}").content.decode("utf-8-sig"))))
        assert rows[0][-3] == "错误项目"
        assert rows[1][-3] == "表三勾稽关系：第一项加第二项之和等于第三项加第四项之和（逐列）；表三每行总计等于六类申请人之和"
    finally:
        with Store(resent) as store:
            store.execute("UPDATE documents SET year = ? WHERE id = ?", (YEAR, new))


def test_each_report_page_names_the_other_report_of_its_body_and_year(resent, world):
    """The defective original's page looked current (its errors, nothing else): opened from the
    roster's 最早落款 link or the 汇总, it did not say a correction had come after it."""
    ids = _ids(resent)
    (old, old_errors), (new, _) = ids["教育局2025年报.txt"], ids["教育局2025年报（更正）.txt"]
    c = client_for(world["supervisor"])
    html = c.get(f"/survey/report/{old}/").content.decode()
    row = html.split('<tr id="doc-others">')[1].split("</tr>")[0]
    assert row.startswith(f'<th>同年另有</th><td><a href="/survey/report/{new}/">#{new}</a> 教育局2025年报（更正）.txt'
                          "（落款 2026-01-20，")
    assert row.endswith("收到，在本份之后；无错误）</td>")
    html = c.get(f"/survey/report/{new}/").content.decode()
    row = html.split('<tr id="doc-others">')[1].split("</tr>")[0]
    assert f'<a href="/survey/report/{old}/">#{old}</a> 教育局2025年报.txt（落款 2026-01-20，' in row
    assert row.endswith(f"收到，在本份之前；错误 {old_errors} 项）</td>")



def test_a_report_signed_after_today_is_said_to_have_a_date_to_check(resent, roster, world):
    """Two department reports signed 2027-02-06 showed on 28 January as 逾期公开 晚 6 天: late by a
    date that had not come (a mistyped 落款), and nothing asked to check it."""
    from django.conf import settings

    c = client_for(world["supervisor"])
    assert c.get(f"/api/roster?year={YEAR}").json()["bodies"][0]["signed_after_today"] is False
    assert "落款日期晚于今天" not in c.get(f"/roster/?year={YEAR}").content.decode()
    old, settings.TODAY = settings.TODAY, "2026-01-15"     # both reports are signed 2026-01-20
    try:
        body = c.get(f"/api/roster?year={YEAR}").json()["bodies"][0]
        # in time: the report is here before the deadline, whatever its 落款 says
        assert (body["status"], body["published"], body["signed_after_today"], body["judged_by"], body["days_late"]) == (
            "on_time", "2026-01-20", True, "received", None)
        html = c.get(f"/roster/?year={YEAR}").content.decode()
        assert ('<span class="mark on_time">按期公开</span><br><small class="hint" data-judged-by="received">'
                '落款日期晚于今天；报告今天已收到，在期限内</small><br><small class="defects">落款日期晚于今天（2026-01-15），'
                "可能写错，请核对</small>") in html
    finally:
        settings.TODAY = old


def test_an_upload_names_the_reports_of_another_year(resent, world):
    """A body that sent last year's report again: the upload said 新增 3 份 and the body stayed
    missing from the year's roster without a word on what it had sent."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongkai.corpus.store import Store

    files = [SimpleUploadedFile(f"{n}.txt", synthetic_report(n, y, date(y + 1, 1, 20)).encode())
             for n, y in (("淮安市清江浦区水利局", YEAR), ("淮安市清江浦区审计局", YEAR - 1), ("淮安市清江浦区商务局", YEAR))]
    c = client_for(world["supervisor"])
    c.get("/survey/")
    try:
        html = c.post("/survey/upload", {"file": files, "region": "3208", "csrfmiddlewaretoken": c.cookies["csrftoken"].value},
                      follow=True).content.decode()
        assert "已导入语料库：新增 3 份，更新 0 份" in html
        with Store(resent) as store:
            (audit,), = store.query("SELECT id FROM documents WHERE agency = '淮安市清江浦区审计局'")
        assert f'<li class="warning">其中不是 {YEAR} 年度的报告：{YEAR - 1} 年度 1 份：#{audit} 淮安市清江浦区审计局。</li>' in html
        # and the roster, where the supervisor looks later, says it too (it said only 逾期未公开)
        from gongkai.web.models import RosterEntry

        RosterEntry.objects.all().delete()
        RosterEntry.objects.create(name="淮安市清江浦区审计局", region_code="320812", kind="department")
        def received(when: str) -> None:
            with Store(resent) as store:
                store.execute("UPDATE document_receipts SET received_at = ? WHERE document_id = ?", (when, audit))

        # received in the season of last year's reports: just last year's report, nothing to say
        received(f"{YEAR}-03-01T10:00:00+08:00")
        assert c.get(f"/api/roster?year={YEAR}").json()["bodies"][0]["other_years"] == []
        received(f"{YEAR + 1}-02-10T10:00:00+08:00")   # while this year's are collected: sent again
        body = c.get(f"/api/roster?year={YEAR}").json()["bodies"][0]
        assert (body["status"], body["report_id"], body["other_years"]) == ("overdue", None, [{"year": YEAR - 1, "report_id": audit}])
        row = c.get(f"/roster/?year={YEAR}").content.decode().split('data-name="淮安市清江浦区审计局"')[1].split("</tr>")[0]
        assert (f'<small class="defects" data-elsewhere>语料库中有该机关 {YEAR - 1} 年度的报告 '
                f'<a href="/survey/report/{audit}/">#{audit}</a>：是否报错了年度？</small>') in row
        exported = list(csv.reader(io.StringIO(c.get(f"/roster/export.csv?year={YEAR}").content.decode("utf-8-sig"))))
        assert (exported[0][-2], exported[1][-2]) == ("相邻年度的报告", f"{YEAR - 1}年度 #{audit}")
        assert c.get(f"/api/roster?year={YEAR - 1}").json()["bodies"][0]["other_years"] == []   # found that year
        RosterEntry.objects.all().delete()
        one = c.post("/survey/upload", {"file": [SimpleUploadedFile("x.txt", synthetic_report(
            "淮安市清江浦区司法局", YEAR, date(2026, 1, 20)).encode())], "region": "3208",
            "csrfmiddlewaretoken": c.cookies["csrftoken"].value}, follow=True).content.decode()
        assert "已导入语料库：新增 1 份" in one and "其中不是" not in one
    finally:
        with Store(resent) as store:
            store.execute("DELETE FROM documents WHERE agency IN ('淮安市清江浦区水利局', '淮安市清江浦区审计局',"
                          " '淮安市清江浦区商务局', '淮安市清江浦区司法局')")


def test_the_check_pages_summary_names_what_each_file_must_correct(django_env):
    """Several reports checked at once: the summary gave 错误 2 for a file, and what was wrong only
    far below, one report after another."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    good = synthetic_report(BODY, YEAR, date(2026, 1, 20))
    anon = client_for(None)
    anon.get("/check/")
    html = anon.post("/check/", {"file": [SimpleUploadedFile("原件.txt", good.replace(ROW, ROW[:-1] + "1").encode()),
                                          SimpleUploadedFile("更正.txt", good.encode())],
                                 "csrfmiddlewaretoken": anon.cookies["csrftoken"].value}).content.decode()
    box = html.split('id="check-summary"')[1].split("</section>")[0]
    rows = box.split("<tr>")[2:]
    assert ('<span class="file-name">原件.txt</span><small class="defects">须改正：<span title="T3-IDENTITY">'
            "表三勾稽关系：第一项加第二项之和等于第三项加第四项之和（逐列）</span>；<span title=\"T3-ROWSUM\">"
            "表三每行总计等于六类申请人之和</span></small></td>") in rows[0]
    assert '<span class="file-name">更正.txt</span></td>' in rows[1] and "defects" not in rows[1]


def test_a_report_page_says_before_or_after_as_the_rollup_counts_not_by_number(resent, world):
    """Within one ingest run (one first receipt) numbers follow which worker finished first: the page
    said "在本份之后" of the report with the greater number although the roll-up and the 名录 count
    the later 落款 (store.received)."""
    from gongkai.corpus.store import Store

    ids = _ids(resent)
    old, new = ids["教育局2025年报.txt"][0], ids["教育局2025年报（更正）.txt"][0]
    with Store(resent) as store:
        was = store.query("SELECT d.id, d.published, r.received_at FROM documents d"
                          " JOIN document_receipts r ON r.document_id = d.id WHERE d.id IN (?, ?)", (old, new))
        # the correction received in the original's run, signed ten days before it
        store.execute("UPDATE document_receipts SET received_at = (SELECT received_at FROM document_receipts"
                      " WHERE document_id = ?) WHERE document_id = ?", (old, new))
        store.execute("UPDATE documents SET published = '2026-01-10' WHERE id = ?", (new,))
    try:
        c = client_for(world["supervisor"])
        row = c.get(f"/survey/report/{old}/").content.decode().split('<tr id="doc-others">')[1].split("</tr>")[0]
        assert f'<a href="/survey/report/{new}/">#{new}</a>' in row and row.endswith("收到，在本份之前；无错误）</td>")
        row = c.get(f"/survey/report/{new}/").content.decode().split('<tr id="doc-others">')[1].split("</tr>")[0]
        assert row.endswith("收到，在本份之后；错误 2 项）</td>")
    finally:
        with Store(resent) as store:
            for doc_id, published, received_at in was:
                store.execute("UPDATE documents SET published = ? WHERE id = ?", (published, doc_id))
                store.execute("UPDATE document_receipts SET received_at = ? WHERE document_id = ?", (received_at, doc_id))


def test_the_survey_shows_of_one_ingest_run_the_report_the_roster_counts(django_env, world, tmp_path):
    """A correction ingested in the same run as its original, signed the same day: the roster, the
    roll-up and the statistics count the one of the greater content hash (``store.received``);
    the 汇总's bodies × years showed the greater corpus number, the other one — here the original
    with its errors, which the roster says was replaced."""
    from gongkai.corpus.store import Store
    from gongkai.web.models import RosterEntry

    good = synthetic_report(BODY, YEAR, date(2026, 1, 20))
    bad = good.replace(ROW, ROW[:-1] + "1")
    # stored second (a greater number), the original has the lesser hash: it is not the one counted
    while hashlib.sha256(bad.encode()).hexdigest() > hashlib.sha256(good.encode()).hexdigest():
        bad += "\n"
    first, second = tmp_path / "a-教育局2025年报（更正）.txt", tmp_path / "b-教育局2025年报.txt"
    first.write_text(good, encoding="utf-8")
    second.write_text(bad, encoding="utf-8")
    with corpus_of(tmp_path, [str(first), str(second)]) as url:
        with Store(url) as store:
            ids = {name: i for i, name in store.query("SELECT id, name FROM documents")}
        new, old = ids[first.name], ids[second.name]
        assert new < old
        RosterEntry.objects.all().delete()
        RosterEntry.objects.create(name=BODY, region_code="320812", kind="department")
        try:
            c = client_for(world["supervisor"])
            assert c.get(f"/api/roster?year={YEAR}").json()["bodies"][0]["report_id"] == new
            html = c.get("/survey/?region=3208").content.decode()
            row = html.split(f">{BODY}</a>")[1].split("</tr>")[0]
            assert f"#{new} " in row and f"#{old}" not in row and "无错误" in row
        finally:
            RosterEntry.objects.all().delete()



@pytest.fixture
def reread(django_env, tmp_path):
    """The original, then (another upload) its correction, then both read again (ingest
    --reparse, as an upgrade's re-read does): a corpus of its own while in use.  The original has
    the greater content hash: what a tie of the two counts."""
    from gongkai.corpus.ingest import ingest
    from gongkai.corpus.store import Store

    first, second = _pair(tmp_path, greater=True)
    with corpus_of(tmp_path, [str(first)]) as url:
        with Store(url) as store:
            assert ingest([str(second)], store, workers=1).added == 1
            assert ingest([str(first), str(second)], store, workers=1, reparse=True).updated == 2
            assert len({r.ingested_at for r in store.reports()}) == 1  # one run read both: a tie
        yield url


def test_a_reread_leaves_the_correction_counted_everywhere(reread, roster, world):
    """A re-read stored both reports again under its own run's time: with the 落款 the same, the
    content hash chose, and the roll-up, the statistics, the 名录, the 汇总 and the report page all
    turned to the defective original.  The time each was first received decides (``store.received``)."""
    from gongkai.corpus.region import select
    from gongkai.corpus.stats import compute
    from gongkai.corpus.store import Store
    from gongkai.format.places import division

    ids = _ids(reread)
    old, new = ids["教育局2025年报.txt"][0], ids["教育局2025年报（更正）.txt"][0]
    with Store(reread) as store:
        chosen = select(store, division("320812"), YEAR)
        table = compute(store, "county", "320812")
    assert ([label for label, _ in chosen.parts], chosen.duplicates) == ([f"#{new} {BODY}"], [f"#{old} {BODY}"])
    assert [(r.year, r.ids, r.values["received"]) for r in table.rows] == [(YEAR, [new], 0)]
    c = client_for(world["supervisor"])
    body = c.get(f"/api/roster?year={YEAR}").json()["bodies"][0]
    assert (body["report_id"], body["first_report_id"], body["findings"]["error"]) == (new, old, 0)
    row = c.get("/survey/?region=3208").content.decode().split(f">{BODY}</a>")[1].split("</tr>")[0]
    assert f"#{new} " in row and f"#{old}" not in row and "无错误" in row
    with Store(reread) as store:
        receipts = {r.id: (r.received_at, r.ingested_at) for r in store.reports()}
    html = c.get(f"/survey/report/{old}/").content.decode()
    row = html.split('<tr id="doc-others">')[1].split("</tr>")[0]
    shown = receipts[new][0][:19].replace("T", " ")
    assert row.endswith(f"（落款 2026-01-20，{shown} 收到，在本份之后；无错误）</td>")
    # the page says when it was received and when it was read again
    assert (f"<tr><th>收到</th><td>{receipts[old][0][:19].replace('T', ' ')}</td></tr>\n"
            f"<tr><th>读取</th><td>已读取（{receipts[old][1][:19].replace('T', ' ')}）</td></tr>") in html
    assert receipts[old][0] < receipts[new][0] < receipts[old][1]
