"""The pages through Django's test client: what each shows, its limits and its errors."""

from __future__ import annotations

import re
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from gk_web_support import client_for, django_env, make_user, seed, world  # noqa: F401 - fixtures


def _csrf(c, url="/check/"):
    assert c.get(url).status_code in (200, 302), url
    return c.cookies["csrftoken"].value


def test_check_page_many_files_findings_and_downloads(django_env):
    from gongkai.check import check_report
    from gongkai.load import load

    c = client_for(None)
    token = _csrf(c)
    with open(seed("000"), "rb") as f0, open(seed("001"), "rb") as f1:
        r = c.post("/check/", {"file": [f0, f1], "csrfmiddlewaretoken": token})
    html = r.content.decode()
    assert r.status_code == 200
    for n, prefix in enumerate(("000", "001"), 1):
        report = load(seed(prefix))
        rules = [f.rule for f in check_report(report)]
        section = html.split(f'id="r{n}-report"')[1].split('<section class="result')[0]
        assert re.findall(r'data-rule="([^"]+)"', section) == rules
        assert report.agency in section
        for kind in ("json", "csv", "html"):
            assert f'id="r{n}-{kind}"' in section
    # a finding with a cell links to a highlighted cell of the table on the page
    anchors = re.findall(r'href="#(r\d-cell-[^"]+)"', html)
    for a in anchors:
        assert f'id="{a}"' in html
    # text sources are shown with line numbers
    assert 'id="r1-L1"' in html


def test_check_page_says_the_format_and_the_date_as_every_other_view(django_env):
    """The check page printed "格式：2021　落款日期：2025年1月14日" where the CLI, the HTML review
    page, the survey's report page and the roster say 2021 年版 and 2025-01-14."""
    c = client_for(None)
    token = _csrf(c)
    with open(seed("004"), "rb") as fh:
        html = c.post("/check/", {"file": fh, "csrfmiddlewaretoken": token}).content.decode()
    assert '<p class="meta">格式：2021 年版　落款日期：2025-01-14　' in html
    with open(seed("000"), "rb") as fh:   # no 落款 at all
        html = c.post("/check/", {"file": fh, "csrfmiddlewaretoken": token}).content.decode()
    assert '<p class="meta">格式：2021 年版　落款日期：无　' in html


def test_check_page_says_when_a_crawled_page_went_up_beside_the_date_it_bears(django_env):
    """A crawler text's 发布时间 and 原文链接 were dropped: the page said only 落款日期：无."""
    from tests.conftest import EXAMPLES

    c = client_for(None)
    token = _csrf(c)
    with open(EXAMPLES / "crawler-text" / "ptzhsyqhzs-2024.txt", "rb") as fh:
        html = c.post("/check/", {"file": fh, "csrfmiddlewaretoken": token}).content.decode()
    url = "https://www.pingtan.gov.cn/zwgk/zfxxgk/dfbmptlj/ptzhsyqbm/ptzhsyqhzs/zfxxgknb/202501/t20250124_96946.htm"
    assert '<p class="meta">格式：2021 年版　落款日期：无　' in html
    assert ('<p class="page-facts">网页发布时间：2025-01-24 15:17　发布机构：区行政审批局　'
            f'原文链接：<a href="{url}" rel="noreferrer">{url}</a></p>') in html


def test_check_page_bad_files_are_explained_and_html_is_escaped(django_env):
    c = client_for(None)
    token = _csrf(c)
    evil = ("<html><body><h1>某某县人民政府2023年政府信息公开工作年度报告</h1>"
            "<script>alert('x')</script><p onmouseover=alert(1)>一、总体情况</p></body></html>").encode()
    r = c.post("/check/", {"file": [SimpleUploadedFile("a.exe", b"MZ"), SimpleUploadedFile("evil.html", evil)],
                           "csrfmiddlewaretoken": token})
    html = r.content.decode()
    assert r.status_code == 200
    assert "不支持的文件类型" in html
    assert "<script>alert" not in html and "onmouseover=alert" not in html


def test_upload_size_limit(django_env, monkeypatch):
    from django.conf import settings

    monkeypatch.setattr(settings, "MAX_UPLOAD_MB", 1)
    big = SimpleUploadedFile("big.txt", b"a" * (1024 * 1024 + 10))
    r = client_for(None).post("/api/parse", {"file": big})
    assert r.status_code == 400 and "文件过大" in r.json()["error"]


def test_pages_need_login_and_errors_are_chinese(django_env, world):
    anon = client_for(None)
    for url in ("/register/", f"/register/{world['a'].pk}/", "/draft/", "/survey/"):
        r = anon.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/login/"), url
    c = client_for(world["clerk_a"])
    r = c.get("/no-such-page/")
    assert r.status_code == 404 and "没有找到该页面" in r.content.decode()
    r = c.get(f"/register/{world['a'].pk}/r/2026-999999/")
    assert r.status_code == 404 and "台账中没有编号为 2026-999999 的申请" in r.content.decode()
    assert "Traceback" not in r.content.decode()


def test_login_with_password_and_wrong_password(django_env, world):
    from gk_web_support import PASSWORD

    c = client_for(None)
    token = _csrf(c, "/login/")
    r = c.post("/login/", {"username": world["clerk_a"].username, "password": "wrong", "csrfmiddlewaretoken": token})
    assert r.status_code == 200 and "用户名或密码不正确" in r.content.decode()
    r = c.post("/login/", {"username": world["clerk_a"].username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert r.status_code == 302
    r = c.get("/register/", follow=True)
    assert world["a"].name in r.content.decode()
    from django.contrib.auth.models import User

    assert User.objects.get(pk=world["clerk_a"].pk).password.startswith("pbkdf2_sha256$")


def test_register_pages_actions_letters_and_table3(django_env, world):
    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/")
    r = c.post(f"/register/{a.pk}/new", {"applicant_type": "commercial", "applicant_name": "某某科技有限公司",
                                         "channel": "internet", "content": "某项目环评批复", "submitted_on": "2026-03-02",
                                         "pieces": "1", "csrfmiddlewaretoken": token})
    assert r.status_code == 302
    ref = r["Location"].rstrip("/").rsplit("/", 1)[1]
    page = c.get(f"/register/{a.pk}/r/{ref}/").content.decode()
    assert "某某科技有限公司" in page and "答复期限" in page and "收到申请" in page
    due_before = re.search(r'id="due">([\d-]+)', page).group(1)
    from datetime import date

    from gongkai.workdays import load_calendar

    left = load_calendar().workdays_between(date(2026, 3, 10), date.fromisoformat(due_before))
    assert f"还剩 {left} 个工作日" in page and left > 0
    c.post(f"/register/{a.pk}/r/{ref}/event", {"kind": "extended", "on": "2026-03-09", "workdays": "20",
                                               "reason": "需要调取档案", "csrfmiddlewaretoken": token})
    page = c.get(f"/register/{a.pk}/r/{ref}/").content.decode()
    due_after = re.search(r'id="due">([\d-]+)', page).group(1)
    assert due_after > due_before
    r = c.get(f"/register/{a.pk}/r/{ref}/letter/extension")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    from io import BytesIO

    from docx import Document

    text = "\n".join(p.text for p in Document(BytesIO(r.content)).paragraphs)
    assert "延期" in text and a.name in text
    # a rule the register refuses comes back as a Chinese message on the page
    r = c.post(f"/register/{a.pk}/r/{ref}/event", {"kind": "extended", "on": "2026-03-10", "workdays": "5",
                                                   "reason": "需要调取档案", "csrfmiddlewaretoken": token}, follow=True)
    assert "未能登记：已延期20个工作日，达到条例第三十三条规定的最长延期（20个工作日），不能再延期" in r.content.decode()
    t = c.get(f"/register/{a.pk}/table3/?year=2026").content.decode()
    assert 'id="table3"' in t
    c.post(f"/register/{a.pk}/r/{ref}/event", {"kind": "replied", "on": "2026-03-10", "outcome": "granted",
                                               "csrfmiddlewaretoken": token})
    lst = c.get(f"/register/{a.pk}/?filter=closed").content.decode()
    assert ref in lst


def _new_request(world, **fields):
    """Body A's clerk registers a request received 2026-03-02 (``fields``: the form's, e.g. ``name``);
    returns the clerk's client, the CSRF token and the request page's path."""
    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/")
    r = c.post(f"/register/{a.pk}/new", {"applicant_type": "natural_person", "channel": "in_person",
                                         "content": "某文件", "on": "2026-03-02", **fields, "csrfmiddlewaretoken": token})
    assert r.status_code == 302, r.content.decode()[-500:]
    return c, token, r["Location"]


def test_an_extension_offers_what_remains_of_the_twenty_days(django_env, world):
    """After 15 days of extension the form fills in the 5 left; after 20 the step is not
    offered, and the page says why (条例第三十三条)."""
    c, token, url = _new_request(world, name="赵六")

    def workdays_field(page):
        form = re.search(r'<form[^>]*data-action="extended".*?</form>', page, re.S)
        return form and re.search(r'<input type="number" name="workdays"[^>]*>', form.group(0)).group(0)

    assert 'value="20"' in workdays_field(c.get(url).content.decode())
    c.post(url + "event", {"kind": "extended", "on": "2026-03-03", "workdays": "15", "reason": "需要调取档案",
                           "csrfmiddlewaretoken": token})
    assert 'value="5"' in workdays_field(c.get(url).content.decode())
    assert 'max="5"' in workdays_field(c.get(url).content.decode())   # the browser stops a 6 before sending it
    c.post(url + "event", {"kind": "extended", "on": "2026-03-04", "workdays": "5", "reason": "还需会商",
                           "csrfmiddlewaretoken": token})
    page = c.get(url).content.decode()
    assert workdays_field(page) is None and 'data-action="replied"' in page
    assert re.findall(r'<p class="hint" data-withheld="[^"]*">([^<]*)</p>', page) == [
        "延期答复：已延期20个工作日，达到条例第三十三条规定的最长延期（20个工作日），不能再延期"]


def test_two_clerks_at_once_a_stale_form_is_told_what_changed(django_env, world):
    """Clerk A has the request page open (its forms carry the last entry A saw); clerk B records a
    答复 meanwhile.  A's extension no longer fits: refused, and A is told what B recorded; A's
    correction still fits: recorded after B's step, and A is told it follows B's."""
    c, token, url = _new_request(world, name="赵六")
    page = c.get(url).content.decode()
    seen = re.search(r'name="seen" value="(\d+)"', page).group(1)
    assert seen == "1"
    other = make_user("clerk", world["a"])
    b = client_for(other)
    r = b.post(url + "event", {"kind": "replied", "on": "2026-03-03", "outcome": "granted", "seen": seen,
                               "csrfmiddlewaretoken": _csrf(b, url)})
    assert r.status_code == 302
    page = c.post(url + "event", {"kind": "extended", "on": "2026-03-04", "workdays": "5", "reason": "需要调取档案",
                                  "seen": seen, "csrfmiddlewaretoken": token}, follow=True).content.decode()
    said = re.findall(r'class="error">([^<]+)', page)[0]
    recorded = re.search(r"登记于 (2026-03-10 \d\d:\d\d)", said)
    assert recorded and said == (
        "未能登记：该申请已于 2026-03-03 办结，不能再延期答复（2026-03-04）"
        f"（您打开本页后，此申请已有新的登记：第2条 答复（2026-03-03；{other.username}，登记于 "
        f"{recorded.group(1)}）；请看下方最新的办理记录）")
    assert 'name="seen" value="2"' in page   # the page shown again is the latest: its forms say so
    page = c.post(url + "event", {"kind": "amended", "event": "1", "field": "content", "value": "某文件及附件",
                                  "reason": "漏记附件", "seen": seen, "csrfmiddlewaretoken": token},
                  follow=True).content.decode()
    assert "已登记：更正。" in page
    assert re.findall(r'class="warning">([^<]+)', page) == [
        f"注意：您打开本页后，此申请另有登记：第2条 答复（2026-03-03；{other.username}，登记于 "
        f"{recorded.group(1)}）。您的登记排在其后，请核对。"]


def test_blank_fields_of_a_request_show_alike(django_env, world):
    """Every field a clerk left blank reads “—” on the request page, in the list and in a
    correction of it — not “—” here, nothing there; a blank is never filled in."""
    a = world["a"]
    c, token, url = _new_request(world, name="钱七", phone="13900000000")
    page = c.get(url).content.decode()
    facts = dict(re.findall(r'<th>([^<]+)</th><td id="(?:id-number|phone|email|address)">([^<]*)</td>', page))
    assert facts == {"证件号码": "—", "联系电话": "13900000000", "电子邮箱": "—", "通信地址": "—"}
    listed = c.get(f"/register/{a.pk}/").content.decode()
    row = re.search(r'<tr class="[^"]*"><td class="ref"><a href="' + re.escape(url) + '">.*?</tr>', listed, re.S)
    assert re.search(r'<td data-label="办结">([^<]*)</td>', row.group(0)).group(1) == "—"
    # one name for it: the registration form said 身份证明号码 where the page, the CLI and exports say 证件号码
    assert "<label class=\"field\">证件号码<small>（可空）</small>" in listed and "身份证明" not in listed
    c.post(url + "event", {"kind": "amended", "event": "1", "field": "id_number", "value": "110101199001011234",
                           "reason": "补记", "csrfmiddlewaretoken": token})
    assert "第1条“登记申请”的证件号码：“—”改为“110101199001011234”" in c.get(url).content.decode()
    # the item named as the form's help says, in Chinese; the page says what was recorded
    page = c.post(url + "event", {"kind": "amended", "event": "1", "field": "电子邮箱", "value": "q@example.cn",
                                  "reason": "补记", "csrfmiddlewaretoken": token}, follow=True).content.decode()
    assert "已登记：更正。" in page and "第1条“登记申请”的电子邮箱：“—”改为“q@example.cn”" in page
    # withdrawn while awaiting its 补正: concluded with no due date — “—”, not “暂停计算” (as register list)
    for step in ({"kind": "correction_requested", "on": "2026-03-03", "items": "请写明文号"},
                 {"kind": "withdrawn", "on": "2026-03-04"}):
        assert c.post(url + "event", {**step, "csrfmiddlewaretoken": token}).status_code == 302
    listed = c.get(f"/register/{a.pk}/").content.decode()
    row = re.search(r'<tr class="[^"]*"><td class="ref"><a href="' + re.escape(url) + '">.*?</tr>', listed, re.S)
    assert re.search(r'<td data-label="期限">([^<]*)', row.group(0)).group(1).strip() == "—"
    page = c.get(url).content.decode()   # the request page and its ledger say it ended, not that it waits
    assert re.search(r'<td id="due">([^<]*)</td>', page).group(1) == "—（2026-03-04办结时暂停计算，已计 1 个工作日）"
    assert "答复期限：无（2026-03-04办结时暂停计算，已计1个工作日）" in page


def test_due_marks_in_the_list(django_env, world):
    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/")
    refs = {}
    for key, day in (("old", "2026-01-05"), ("soon", "2026-02-09"), ("new", "2026-03-09")):
        r = c.post(f"/register/{a.pk}/new", {"applicant_type": "natural_person", "applicant_name": "李四",
                                             "channel": "in_person", "content": key, "submitted_on": day,
                                             "csrfmiddlewaretoken": token})
        refs[key] = r["Location"].rstrip("/").rsplit("/", 1)[1]
    def table(url):
        return c.get(url).content.decode().split('id="requests"')[1].split("</table>")[0]

    overdue = table(f"/register/{a.pk}/?filter=overdue")
    assert refs["old"] in overdue and refs["new"] not in overdue
    soon = table(f"/register/{a.pk}/?filter=soon")
    assert refs["soon"] in soon and refs["old"] not in soon and refs["new"] not in soon
    page = table(f"/register/{a.pk}/")
    assert page.count('<span class="mark overdue">') == 1 and page.count('<span class="mark soon">') == 1


def _complete_form(version: str = "2021", **cells) -> dict:
    """A 编制 form with every cell filled (0 unless given) and every section written."""
    from gongkai.format import FORMAT

    form = {c: "0" for c in FORMAT.expected_cells(version)}
    form.update({f"section-{n}": f"第{n}部分的内容。" for n in range(1, 7)})
    form.update(cells)
    return form


def test_a_draft_for_a_year_before_the_national_format_is_refused_as_gongkai_new_refuses_it(django_env, world):
    from gongkai.web.models import ReportDraft

    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, "/draft/")
    r = c.post("/draft/new", {"body": a.pk, "year": "2018", "format": "2021", "csrfmiddlewaretoken": token}, follow=True)
    assert ("报告年度 2018 早于全国统一的年度报告格式（2019 年度起，国办公开办函〔2019〕60号），"
            "gongkai 只编制 2019 年度起的报告。") in r.content.decode()
    assert not ReportDraft.objects.filter(body=a, year=2018).exists()


def test_draft_starts_blank_refuses_export_until_complete(django_env, world):
    from gongkai.format import FORMAT
    from gongkai.web.drafts import get, report_of

    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, "/draft/")
    r = c.post("/draft/new", {"body": a.pk, "year": "2025", "format": "2021", "csrfmiddlewaretoken": token},
               follow=True)
    assert "没有上年报告和台账数据，统计表各格空白" in r.content.decode()
    # the editor's sections headed as the format and every output number them (it had no 一、)
    assert re.findall(r'<h2 id="h-section-\d">([^<]+)</h2>', r.content.decode()) == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    report = report_of(get(a, 2025))
    assert [report.value(cell) for cell in FORMAT.expected_cells("2021")] == [None] * 200
    html = r.content.decode()
    assert re.findall(r'data-rule="TEXT-PLACEHOLDER"', html) and 'data-rule="CELL-BLANK"' in html
    assert ("尚不能导出正式报告：</strong>表二、表三、表四有 200 个单元格空白（没有发生的请填 0）；"
            "第一部分“总体情况”、第二部分“主动公开政府信息情况”、第三部分“收到和处理政府信息公开申请情况”、"
            "第四部分“政府信息公开行政复议、行政诉讼情况”、第五部分“存在的主要问题及改进情况”、"
            "第六部分“其他需要报告的事项”仍有【待办】提示文字。") in html
    assert f'href="/draft/{a.pk}/2025/download/docx"' not in html
    # export refused, in the page and in the API, as `gongkai build` refuses
    r = c.get(f"/draft/{a.pk}/2025/download/pdf", follow=True)
    assert r.redirect_chain[-1][0] == f"/draft/{a.pk}/2025/" and "不能导出正式报告" in r.content.decode()
    r = c.get(f"/api/bodies/{a.pk}/reports/2025/build?to=docx")
    assert r.status_code == 409 and "不能导出正式报告" in r.json()["error"]
    assert {f["rule"] for f in r.json()["findings"]} == {"CELL-BLANK", "TEXT-PLACEHOLDER"}
    # a word typed into a number cell: refused visibly, the text kept in its cell, the rest saved
    r = c.post(f"/draft/{a.pk}/2025/", {**_complete_form(**{"table4.review.upheld": "abc",
                                                            "table3.new_received.natural_person": "5",
                                                            "table3.new_received.total": "-1"}),
                                        "csrfmiddlewaretoken": token})
    html = r.content.decode()
    assert r.status_code == 400
    assert "表四“行政复议—结果维持”：“abc”不是数字" in html
    assert "表三“一、本年新收政府信息公开申请数量”行“总计”列：“-1”不能为负数" in html
    assert re.search(r'<td class=" invalid" title="“abc”不是数字"><input id="in-table4.review.upheld" '
                     r'name="table4.review.upheld" value="abc"', html)
    report = report_of(get(a, 2025))
    assert report.value("table4.review.upheld") is None and report.value("table3.new_received.natural_person") == 5
    assert report.value("table4.review.total") == 0
    # complete, consistent and without 【待办】: exported
    r = c.post(f"/draft/{a.pk}/2025/", {**_complete_form(), "csrfmiddlewaretoken": token}, follow=True)
    assert "已保存" in r.content.decode() and "尚不能导出" not in r.content.decode()
    r = c.get(f"/draft/{a.pk}/2025/download/docx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    r = c.get(f"/draft/{a.pk}/2025/download/html")
    assert "政府信息公开工作年度报告" in r.content.decode()
    r = c.get(f"/draft/{a.pk}/2025/preview")
    assert r["Content-Security-Policy"].startswith("default-src 'none'")


def test_an_amount_keeps_its_decimals_in_the_draft_and_its_exports(django_env, world):
    """Found in the town clerk's January walk: twelve months of 行政事业性收费 entered to the 分
    (0.35 … 0.29 万元) sum to 4.00, which `gongkai log table2` and `gongkai new --log` print; the web
    draft showed and exported 4.0 (a draft is kept as report JSON, whose amounts are floats), under a
    text saying 4.00万元.  So was an amount the clerk typed: 12.60 became 12.6."""
    from decimal import Decimal

    from gongkai.format.text import format_value
    from gongkai.log.store import DisclosureLog, NewItem
    from gongkai.web.drafts import get, report_of
    from gongkai.web.registers import register_url

    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, "/draft/")
    fees = ["0.35", "0.10", "0.42", "0.38", "0.20", "0.51", "0.33", "0.27", "0.40", "0.30", "0.45", "0.29"]
    with DisclosureLog(register_url(a.pk), create=True, today=date(2026, 1, 5)) as log:
        log.add(NewItem("安宁镇村级财务管理办法", "normative_docs", date(2023, 4, 10), existing=True), "测试")
    with DisclosureLog(register_url(a.pk), today=date(2027, 1, 4)) as log:
        for month, fee in enumerate(fees, 1):
            log.set_figure(2026, month, "art20_8.admin_fees", fee, "测试")
    c.post("/draft/new", {"body": a.pk, "year": "2026", "format": "2021", "csrfmiddlewaretoken": token})
    cell = "table2.art20_8.admin_fees.amount"
    assert format_value(report_of(get(a, 2026)).value(cell)) == "4.00"
    assert 'name="table2.art20_8.admin_fees.amount" value="4.00"' in c.get(f"/draft/{a.pk}/2026/").content.decode()
    form = _complete_form(**{cell: "4.00"})
    c.post(f"/draft/{a.pk}/2026/", {**form, "csrfmiddlewaretoken": token})
    assert "| 行政事业性收费 | 4.00 |" in c.get(f"/draft/{a.pk}/2026/download/md").content.decode()
    # typed by the clerk
    c.post(f"/draft/{a.pk}/2026/", {**form, cell: "12.60", "csrfmiddlewaretoken": token})
    report = report_of(get(a, 2026))
    assert report.value(cell) == Decimal("12.60") and format_value(report.value(cell)) == "12.60"
    assert "| 行政事业性收费 | 12.60 |" in c.get(f"/draft/{a.pk}/2026/download/md").content.decode()
    assert ">12.60<" in c.get(f"/draft/{a.pk}/2026/download/html").content.decode()


def test_a_draft_says_the_fees_collected_in_section_six(django_env, world):
    """As `gongkai new --log`: the web draft's section 六 opens with the 信息处理费 the register
    records paid in the year (the town clerk's January walk: 0元 was written where 1,100 元 had been
    paid)."""
    from gongkai.web.drafts import get, report_of
    from gongkai.web.registers import open_register

    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/")
    ref = _registered(c, a, token, "梁红", "2025-07-06")
    reg = open_register(a)
    reg.record(ref, "fee_notice", date(2025, 7, 8), "乙", basis="pages", units=120, payment="现金")
    reg.record(ref, "fee_paid", date(2025, 7, 15), "乙")
    c.post("/draft/new", {"body": a.pk, "year": "2025", "format": "2021", "csrfmiddlewaretoken": token})
    assert report_of(get(a, 2025)).section(6).text == (
        "2025年，本机关收取信息处理费1100元（1件申请）。\n\n【待办】请在此用 Markdown 填写本部分内容，写完后删除本行。")


def test_a_date_is_taken_year_first_as_typed_and_a_month_first_one_refused(django_env, world):
    """The date fields are text (any browser language shows them alike): 2026年3月3日 is taken as
    typed, 03/04/2026 refused naming both ways to write it, the typed text shown again."""
    from gongkai.web.drafts import get, report_of

    c, token, url = _new_request(world, name="钱七", on="2026年3月2日")
    page = c.get(url).content.decode()
    assert "2026-03-02 / 2026-03-02" in page
    c.post(url + "event", {"kind": "extended", "on": "2026年3月3日", "workdays": "10", "reason": "需要调取档案",
                           "csrfmiddlewaretoken": token})
    html = c.post(url + "event", {"kind": "replied", "on": "03/04/2026", "outcome": "granted",
                                  "csrfmiddlewaretoken": token}, follow=True).content.decode()
    assert "日期“03/04/2026”不是有效日期，请写成 2025-09-26 或 2025年9月26日" in html
    assert 'name="on" autocomplete="off" maxlength="20" placeholder="年-月-日"' in html and \
        'value="03/04/2026"' in html
    history = c.get(url).content.decode()
    assert "2026-03-03 延期答复" in history and "答复（" not in history
    # the report's 落款日期 likewise
    a = world["a"]
    c.post("/draft/new", {"body": a.pk, "year": "2025", "format": "2021", "csrfmiddlewaretoken": token})
    c.post(f"/draft/{a.pk}/2025/", {"published": "2026年1月20日", "csrfmiddlewaretoken": token})
    assert str(report_of(get(a, 2025)).published) == "2026-01-20"
    html = c.post(f"/draft/{a.pk}/2025/", {"published": "01/21/2026", "csrfmiddlewaretoken": token},
                  follow=True).content.decode()
    assert "落款日期“01/21/2026”无效，请写成 2025-09-26 或 2025年9月26日" in html
    assert str(report_of(get(a, 2025)).published) == "2026-01-20"


def test_draft_prefill_shows_where_each_value_came_from(django_env, world):
    from gongkai.web.drafts import get, report_of

    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, "/draft/")
    c.post("/draft/new", {"body": a.pk, "year": "2024", "format": "2021", "csrfmiddlewaretoken": token})
    c.post(f"/draft/{a.pk}/2024/", {**_complete_form(**{"table3.carried_forward.natural_person": "2",
                                                        "table3.carried_forward.total": "2"}),
                                    "csrfmiddlewaretoken": token})
    # next year's report carries last year's 结转下年度 into 上年结转, marked with its source
    r = c.post("/draft/new", {"body": a.pk, "year": "2025", "format": "2021", "csrfmiddlewaretoken": token},
               follow=True)
    html = r.content.decode()
    assert "已新建" in html and "上年报告（2024年度报告（本系统））带入上年结转等数据" in html
    nxt = report_of(get(a, 2025))
    assert nxt.value("table3.carried_over.natural_person") == 2 and nxt.value("table3.carried_over.commercial") == 0
    assert nxt.value("table3.new_received.natural_person") is None
    assert re.search(r'<td class="src-previous" title="上年报告：2024年结转下年度继续办理">'
                     r'<input id="in-table3.carried_over.natural_person" [^>]*value="2"', html)
    assert '<span class="swatch src-previous"></span>上年报告：2024年度报告（本系统）' in html
    assert 'id="in-table3.new_received.natural_person"' in html and \
        '<td class=""><input id="in-table3.new_received.natural_person"' in html
    # a value the clerk changes is the clerk's own: its source mark goes
    c.post(f"/draft/{a.pk}/2025/", {"table3.carried_over.natural_person": "3", "csrfmiddlewaretoken": token})
    html = c.get(f"/draft/{a.pk}/2025/").content.decode()
    assert '<td class=""><input id="in-table3.carried_over.natural_person"' in html
    assert re.search(r'<td class="src-previous"[^>]*><input id="in-table3.carried_over.commercial"', html)
    # the supervisor can read, not write
    s = client_for(world["supervisor"])
    tok = _csrf(s, "/draft/")
    assert s.get(f"/draft/{a.pk}/2025/").status_code == 200
    assert s.post(f"/draft/{a.pk}/2025/", {"table3.new_received.natural_person": "9",
                                           "csrfmiddlewaretoken": tok}).status_code == 403
    assert s.post("/draft/new", {"body": a.pk, "year": "2027", "csrfmiddlewaretoken": tok}).status_code == 403


def test_survey_page_over_a_small_corpus(django_env, world):
    from django.conf import settings

    from gongkai.corpus.ingest import ingest
    from gongkai.corpus.store import Store

    with Store(settings.CORPUS_URL) as store:
        if not store.counts().get("ok", 0) and not store.query("SELECT COUNT(*) FROM documents")[0][0]:
            ingest([str(seed(p)) for p in ("000", "001", "002")], store, workers=1)
    c = client_for(world["admin"])
    html = c.get("/survey/").content.decode()
    assert 'id="matrix"' in html and "吴忠市红寺堡区红寺堡镇人民政府" in html
    assert "<svg" in html and 'id="rules"' in html
    d = c.get("/api/corpus/stats").json()
    assert d["rows"] and d["findings_by_rule"]


def test_check_page_shows_a_pdf_as_read_with_findings_pointing_into_it(django_env):
    from gk_web_support import EXAMPLES

    c = client_for(None)
    token = _csrf(c)
    with open(EXAMPLES / "hongze-district-2024.pdf", "rb") as fh:
        html = c.post("/check/", {"file": fh, "csrfmiddlewaretoken": token}).content.decode()
    assert 'class="src blocks"' in html
    targets = [t for ts in re.findall(r'data-line="(r1-src-[^"]+)"', html) for t in ts.split()]
    assert targets, "the PDF's findings should point at cells of the source"
    for t in targets:
        assert f'id="{t}"' in html and re.search(rf'id="{t}" class="[^"]*marked', html)
    # and the printed pages those cells stand on, as images
    pages = {int(m) for m in re.findall(r"r1-src-page-(\d+)-", " ".join(targets))}
    shown = {int(m) for m in re.findall(r'id="r1-page-(\d+)"', html)}
    assert shown == pages and 'src="data:image/png;base64,' in html
    # Each finding names what it is about: the misprinted label is the row's, not its “自然人” cell
    names = re.findall(r'<span class="cell-name">（([^）]*(?:）[^）]*)*?)）</span>', html)
    assert names[:2] == ["表三“（三）不予公开—2.其他法律行政法规禁止公开”行", "表三“（六）其他处理”行"], names


def test_survey_compare_and_rollup(django_env, world):
    from django.conf import settings

    from gongkai.corpus.ingest import ingest
    from gongkai.corpus.store import Store

    with Store(settings.CORPUS_URL) as store:
        if not store.query("SELECT COUNT(*) FROM documents")[0][0]:
            ingest([str(seed(p)) for p in ("000", "001", "002")], store, workers=1)
        docs = store.query("SELECT id, agency, year FROM documents WHERE status = 'ok' ORDER BY id")
        year = docs[0][2]
        same_year = [d for d in docs if d[2] == year]
    c = client_for(world["clerk_a"])
    r = c.get(f"/survey/compare?a={docs[0][0]}&b={docs[1][0]}")
    assert r.status_code == 200 and "年度报告比较" in r.content.decode()
    assert r["Content-Security-Policy"].startswith("default-src 'none'")
    assert c.get("/survey/compare?a=x&b=1").status_code == 400
    html = c.get(f"/survey/?region=&rollup_year={year}").content.decode()   # a sum needs a region
    assert 'id="rollup"' not in html and "相加要按一个行政区划：请先在" in html
    html = c.get(f"/survey/?region=64&rollup_year={year}").content.decode()
    assert 'id="rollup"' in html and f"宁夏回族自治区（640000） {year} 年度，{len(same_year)} 份乡镇、部门报告相加" in html
    assert "语料库中没有本地区人民政府" in html
    # the sum of table 3 "本年新收" is the sum over the year's reports
    from gongkai.corpus.store import Store as S

    with S(settings.CORPUS_URL) as store:
        values = [store.load_report(d[0]).value("table3.new_received.total") for d in same_year]
    expected = sum(v for v in values if v is not None)
    cell = re.search(r'id="cell-table3.new_received.total"[^>]*>([^<]*)<', html).group(1)
    assert cell == str(expected)


def test_corpus_compare_and_rollup_api(django_env, world):
    from django.conf import settings

    from gongkai.corpus.ingest import ingest
    from gongkai.corpus.store import Store

    with Store(settings.CORPUS_URL) as store:
        if not store.query("SELECT COUNT(*) FROM documents")[0][0]:
            ingest([str(seed(p)) for p in ("000", "001", "002")], store, workers=1)
        docs = store.query("SELECT id, year FROM documents WHERE status = 'ok' ORDER BY id")
    c = client_for(world["supervisor"])
    d = c.get(f"/api/corpus/compare?a={docs[0][0]}&b={docs[0][0]}").json()
    assert d["cell_differences"] == [] and d["cells_equal"] > 0        # a report equals itself
    year = docs[0][1]
    r = c.get(f"/api/corpus/rollup?year={year}&region=64").json()
    assert r["years"] == [year] and r["reports"] and r["region"]["name"] == "宁夏回族自治区"
    assert client_for(None).get(f"/api/corpus/rollup?year={year}&region=64").status_code == 401
    r = c.get("/api/corpus/rollup?year=1990&region=64")
    assert r.status_code == 400 and r.json()["error"].startswith("语料库中没有 宁夏回族自治区（640000）1990 年度可相加的报告")
    r = c.get(f"/api/corpus/rollup?year={year}&region=640")
    assert r.status_code == 400 and "不是一个行政区划" in r.json()["error"]


def test_admin_site_is_chinese_and_only_for_administrators(django_env, world):
    r = client_for(world["admin"]).get("/admin/")
    assert r.status_code == 200 and "站点管理" in r.content.decode()
    r = client_for(world["admin"]).get(f"/admin/auth/user/{world['clerk_a'].pk}/change/")
    assert r.status_code == 200 and "角色" in r.content.decode()
    r = client_for(world["clerk_a"]).get("/admin/")
    assert r.status_code == 302 and "/admin/login/" in r["Location"]
    r = client_for(world["supervisor"]).get("/admin/web/")
    assert r.status_code in (302, 404)


def _registered(c, body, token, name: str, day: str, applicant_type: str = "natural_person", content: str = "x") -> str:
    """A request registered on the register page as a clerk does; its number."""
    r = c.post(f"/register/{body.pk}/new", {"applicant_type": applicant_type, "applicant_name": name,
                                            "channel": "in_person", "content": content, "submitted_on": day,
                                            "csrfmiddlewaretoken": token})
    return r["Location"].rstrip("/").rsplit("/", 1)[1]


def test_table3_page_traces_cells_to_requests_and_keeps_a_declared_start(django_env, world):
    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/")
    t = c.get(f"/register/{a.pk}/table3/?year=2025").content.decode()
    # nothing registered, nothing declared: blanks with the reason, never a table of zeros
    assert re.search(r'<p class="warning" id="table3-note-1">台账中没有任何申请，也没有声明台账起始日期：表三留空', t)
    assert 'class="error"' not in t and "填写数字" not in t     # blank on purpose: no CELL-BLANK (填0) advice
    assert "未声明，台账中也没有申请：各年表三都留空。" in t and '<form method="post" action="?year=2025" id="declare-since"' in t
    refs = [_registered(c, a, token, "张三", day) for day in ("2025-03-03", "2025-12-29")]
    c.post(f"/register/{a.pk}/r/{refs[0]}/event", {"kind": "replied", "on": "2025-03-20", "outcome": "granted",
                                                   "note": "", "csrfmiddlewaretoken": token})
    t = c.get(f"/register/{a.pk}/table3/?year=2025").content.decode()
    assert "未声明；按台账中最早收到的申请推定自 2025-01-01 起登记。" in t
    assert ('（一）予以公开：<a href="?year=2025&amp;cell=granted.natural_person#cell-requests">自然人 1</a>、'
            '<a href="?year=2025&amp;cell=granted.total#cell-requests">总计 1</a>') in t
    t = c.get(f"/register/{a.pk}/table3/?year=2025&cell=carried_forward.natural_person").content.decode()
    assert re.search(r'<section id="cell-requests"><h2>表三“四、结转下年度继续办理”行“自然人”列</h2>\s*<p>共 1 件', t)
    # on a phone the list is cards whose first row (the header) is hidden: the head must be that row
    assert re.search(r'<table class="list cards" id="cell-request-list">\s*<tr><th>编号</th>', t) and "<thead>" not in t
    assert f'<a href="/register/{a.pk}/r/{refs[1]}/">{refs[1]}</a></td><td data-label="收到日期">2025-12-29</td>' in t
    assert f"/r/{refs[0]}/" not in t.split('id="cell-requests"')[1].split("</section>")[0]
    t = c.get(f"/register/{a.pk}/table3/?year=2024").content.decode()
    assert "2024年不在台账记录的范围内" in t and "<td>0</td>" not in t
    # a clerk declares the register kept since 2024: 2024 becomes a year of true zeros
    r = c.post(f"/register/{a.pk}/table3/?year=2024", {"since": "2024-01-01", "note": "2024年起全部录入",
                                                       "csrfmiddlewaretoken": token}, follow=True)
    t = r.content.decode()
    assert "已声明台账起始日期 2024-01-01" in t and 'id="table3-note-1"' not in t
    assert "本台账自 <strong>2024-01-01</strong> 起登记" in t and "2024年起全部录入" in t
    r = c.post(f"/register/{a.pk}/table3/?year=2024", {"since": "明天", "csrfmiddlewaretoken": token}, follow=True)
    assert "未能声明台账起始日期：台账起始日期“明天”无法识别" in r.content.decode()
    # a supervisor reads, cannot declare
    sup = client_for(world["supervisor"]).get(f"/register/{a.pk}/table3/?year=2024")
    assert sup.status_code == 200 and 'id="declare-since"' not in sup.content.decode()


def test_a_register_corrected_after_the_draft_is_told_not_silently_applied(django_env, world):
    from gongkai.web.drafts import get, report_of
    from gongkai.web.registers import open_register

    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/")
    ref = _registered(c, a, token, "张三", "2025-04-03")
    c.post(f"/register/{a.pk}/r/{ref}/event", {"kind": "replied", "on": "2025-05-06", "outcome": "unable.not_held",
                                               "ground": "4", "note": "经检索没有", "csrfmiddlewaretoken": token})
    late_ref = _registered(c, a, token, "某村民委员会", "2025-12-22", "other_org", "y")
    c.post("/draft/new", {"body": a.pk, "year": "2025", "format": "2021", "csrfmiddlewaretoken": token})
    assert 'id="register-drift"' not in c.get(f"/draft/{a.pk}/2025/").content.decode()
    assert report_of(get(a, 2025)).section(3).text.startswith("2025年，本机关新收政府信息公开申请2件，上年结转0件。")
    # January: the reply was counted in the wrong row, and a request of 2026 was dated last year
    open_register(a).amend(ref, "outcome", "unable.needs_creation", "应计入没有现成信息", "乙", event=2)
    open_register(a).amend(late_ref, "on", "2026-01-04", "收件章为2026年1月4日", "乙")
    page = c.get(f"/draft/{a.pk}/2025/").content.decode()
    assert "<strong>台账在带入表三后有变化</strong>" in page
    assert "<li>表三“（四）无法提供—1.本机关不掌握相关政府信息”行“自然人”列：报告中 1，台账现为 0</li>" in page
    assert "<li>表三“（四）无法提供—2.没有现成信息需要另行制作”行“总计”列：报告中 0，台账现为 1</li>" in page
    assert re.search(rf'<li><a href="/register/{a.pk}/r/{ref}/">{ref}</a> 第3条 \d{{4}}-\d\d-\d\d 更正（第2条“答复”的办理结果：'
                     r"“（四）无法提供—1.本机关不掌握相关政府信息”改为“（四）无法提供—2.没有现成信息需要另行制作”，"
                     r"所依据的第三十六条第（四）项随之不再适用；理由：应计入没有现成信息）；经办：乙", page)
    assert "<li>表三“一、本年新收政府信息公开申请数量”行“总计”列：报告中 2，台账现为 1</li>" in page
    assert report_of(get(a, 2025)).value("table3.unable.not_held.total") == 1    # not changed behind the clerk
    r = c.post(f"/draft/{a.pk}/2025/from-register", {"csrfmiddlewaretoken": token}, follow=True)
    assert "第三部分开头的表三数字已按新表三改写。" in r.content.decode()
    report = report_of(get(a, 2025))
    assert report.value("table3.unable.not_held.total") == 0 and report.value("table3.new_received.total") == 1
    assert report.section(3).text.startswith("2025年，本机关新收政府信息公开申请1件，上年结转0件。本年办结1件，"
                                             "其中无法提供1件。结转下年度继续办理0件。\n\n【待办】")
    assert 'id="register-drift"' not in c.get(f"/draft/{a.pk}/2025/").content.decode()


def test_a_draft_that_did_not_record_when_it_took_table3_lists_the_years_corrections(django_env, world):
    """A draft saved before it recorded when table 3 was taken (sources without register_taken_at)
    listed the changed cells and no step behind them: it now says it cannot tell what came since
    and lists the year's corrections and voids (not every step, as if all were new)."""
    from gongkai.web.drafts import get
    from gongkai.web.registers import open_register

    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/")
    ref = _registered(c, a, token, "张三", "2025-04-03")
    c.post(f"/register/{a.pk}/r/{ref}/event", {"kind": "replied", "on": "2025-05-06", "outcome": "granted",
                                               "ground": "2", "csrfmiddlewaretoken": token})
    c.post("/draft/new", {"body": a.pk, "year": "2025", "format": "2021", "csrfmiddlewaretoken": token})
    draft = get(a, 2025)
    draft.sources = {k: v for k, v in draft.sources.items() if k != "register_taken_at"}   # as saved before
    draft.save()
    other = _registered(c, a, token, "李四", "2025-06-02")     # a step, not a correction: not listed
    open_register(a).amend(ref, "outcome", "unable.needs_creation", "应计入没有现成信息", "乙", event=2)
    page = c.get(f"/draft/{a.pk}/2025/").content.decode()
    assert "<li>表三“（一）予以公开”行“总计”列：报告中 1，台账现为 0</li>" in page
    assert ('<p id="register-drift-untimed">本报告没有记下从台账带入表三的时间（早于记录此时间的版本所建），无法列出此后登记的事项；'
            "以下是台账中2025年以来登记的更正和作废，请逐项核对：</p>") in page
    listed = re.findall(r'<li><a href="/register/\d+/r/([^/]+)/">[^<]+</a> (第\d+条 [^<]*)</li>', page.split('id="register-drift"')[1])
    assert [(r, text.split("（")[0]) for r, text in listed] == [(ref, "第3条 2026-03-10 更正")]
    assert f"/r/{other}/" not in page.split('id="register-drift"')[1].split("</div>")[0]


def test_a_new_years_draft_says_when_last_years_carry_over_disagrees_with_the_register(django_env, world):
    from gongkai.web.registers import open_register

    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/")
    ref = _registered(c, a, token, "王五", "2024-12-20")
    c.post("/draft/new", {"body": a.pk, "year": "2024", "format": "2021", "csrfmiddlewaretoken": token})
    open_register(a).record(ref, "replied", date(2024, 12, 30), "乙", outcome="granted", ground="2")  # entered late
    r = c.post("/draft/new", {"body": a.pk, "year": "2025", "format": "2021", "csrfmiddlewaretoken": token},
               follow=True)
    # what was taken, then each thing to verify as a warning of its own (they were one long message)
    shown = re.findall(r'<li class="([^"]*)">(.*?)</li>', r.content.decode().split('id="messages"')[1].split("</ul>")[0])
    presumed = ("未声明台账起始日期：按台账中最早收到的申请（2024-12-20）推定自2024年1月1日起收到的申请都已登记；"
                "如不是这样，请声明台账起始日期（自哪天起收到的申请都已登记）。")
    assert shown[-4:] == [
        ("success", f"已新建 {a.name} 2025年度报告：上年报告（2024年度报告（本系统））带入上年结转等数据；表三由依申请公开台账计算。"),
        *[("warning", f"表三“二、上年结转政府信息公开申请数量”行“{column}”列：上年报告印的结转下年度继续办理是 1，台账为 0，"
                      "请核实（上年的申请在报告之后有更正、作废或补录？）。") for column in ("自然人", "总计")],
        ("warning", presumed)]


def test_a_log_corrected_after_the_draft_is_told_on_table2(django_env, world):
    from gongkai.log.store import DisclosureLog, NewItem
    from gongkai.web.drafts import get, report_of
    from gongkai.web.registers import register_url

    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, "/draft/")
    with DisclosureLog(register_url(a.pk), create=True) as log:
        log.add(NewItem("旧办法", "normative_docs", date(2024, 5, 1), existing=True), "测试")
        ref = log.add(NewItem("春节值班通知", "normative_docs", date(2026, 1, 2), existing=True), "测试")
    c.post("/draft/new", {"body": a.pk, "year": "2025", "format": "2021", "csrfmiddlewaretoken": token})
    assert 'id="log-drift"' not in c.get(f"/draft/{a.pk}/2025/").content.decode()
    with DisclosureLog(register_url(a.pk), create=True) as log:   # January: it was made on 2025-12-31
        log.amend(ref, 1, "形成日期", "2025-12-31", "落款为2025年12月31日", "乙")
    page = c.get(f"/draft/{a.pk}/2025/").content.decode()
    assert "<strong>主动公开台账在带入表二后有变化</strong>" in page
    assert ("<li>表二“行政规范性文件”行“本年制发件数”列：报告中 0，台账现为 "
            f'<a href="/register/{a.pk}/log/?year=2025&amp;cell=art20_1.normative_docs.made#cell-found">1</a></li>') in page
    assert report_of(get(a, 2025)).value("table2.art20_1.normative_docs.made") == 0     # not changed behind the clerk


def test_draft_takes_table3_from_the_register(django_env, world):
    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/")
    for i, day in enumerate(("2025-03-03", "2025-12-29")):
        r = c.post(f"/register/{a.pk}/new", {"applicant_type": "legal_service", "applicant_name": f"某律师事务所{i}",
                                             "channel": "in_person", "content": "x", "submitted_on": day,
                                             "csrfmiddlewaretoken": token})
        ref = r["Location"].rstrip("/").rsplit("/", 1)[1]
        if i == 0:
            c.post(f"/register/{a.pk}/r/{ref}/event", {"kind": "replied", "on": "2025-03-20", "outcome": "partial",
                                                       "note": "涉及个人信息的部分不予公开", "csrfmiddlewaretoken": token})
    # the disclosure log kept in the body's store: two normative documents made in 2025, one in force
    from datetime import date

    from gongkai.log.store import DisclosureLog, NewItem
    from gongkai.web.registers import register_url

    with DisclosureLog(register_url(a.pk), create=True) as log:
        log.add(NewItem("关于某事项的通知", "normative_docs", date(2025, 2, 1), doc_no="某发〔2025〕1号"), "测试")
        ref = log.add(NewItem("关于另一事项的通知", "normative_docs", date(2025, 3, 1), doc_no="某发〔2025〕2号"), "测试")
        log.end(ref, "repealed", date(2025, 9, 1), "测试")
    r = c.post("/draft/new", {"body": a.pk, "year": "2025", "format": "2021", "csrfmiddlewaretoken": token},
               follow=True)
    html = r.content.decode()
    assert "表三由依申请公开台账计算；表二和第一部分的公开统计由主动公开台账计算" in html
    from gongkai.check import check_report
    from gongkai.web.drafts import get, report_of

    report = report_of(get(a, 2025))
    assert report.value("table3.new_received.legal_service") == 2
    assert [report.value(f"table2.art20_1.normative_docs.{c}") for c in ("made", "repealed", "in_force")] == [2, 1, 1]
    assert report.value("table2.art20_5.licensing.decisions") is None      # no figure entered in the log
    assert report.section(1).text.startswith("2025年，本机关主动公开台账中没有登记公开记录。\n\n【待办】")
    assert report.section(3).text.startswith("2025年，本机关新收政府信息公开申请2件，上年结转0件。本年办结1件，"
                                             "其中部分公开1件。结转下年度继续办理1件。\n\n【待办】")
    assert re.search(r'<td class="src-register" title="依申请公开台账：由依申请公开台账计算（截至2025年12月31日）">'
                     r'<input id="in-table3.new_received.legal_service" [^>]*value="2"', html)
    assert re.search(r'<td class="src-log" [^>]*><input id="in-table2.art20_1.normative_docs.made" [^>]*value="2"', html)
    # what the log could not give is said as `gongkai new --log` says it, each a warning (the web said nothing)
    warned = re.findall(r'<li class="warning">(.*?)</li>', html.split('id="messages"')[1].split("</ul>")[0])
    assert "行政许可：2025年没有录入任何月份，表二此格留空。" in warned and "规章：台账中没有任何规章，表二按 0 件计算；" \
        "如本机关有现行有效的规章，请先导入文件清单。" in warned
    # the sources listed in one order whatever order the database gives an object's keys (jsonb: shortest first)
    draft = get(a, 2025)
    draft.sources = {**draft.sources, "origins": dict(sorted(draft.sources["origins"].items(), key=lambda kv: len(kv[0])))}
    draft.save()
    assert re.search(r'<li><span class="swatch src-register"></span>依申请公开台账：[^<]*</li>'
                     r'<li><span class="swatch src-log"></span>主动公开台账：', c.get(f"/draft/{a.pk}/2025/").content.decode())
    r = c.post(f"/draft/{a.pk}/2025/from-register", {"csrfmiddlewaretoken": token}, follow=True)
    assert "共 2 件" in r.content.decode()

    report = report_of(get(a, 2025))
    assert report.value("table3.new_received.legal_service") == 2
    assert report.value("table3.partial.total") == 1
    assert report.value("table3.carried_forward.total") == 1
    assert not [f for f in check_report(report) if f.rule.startswith("T3-")]
    # a clerk of another body cannot do it to this draft
    other = client_for(world["clerk_b"])
    tok = _csrf(other)
    assert other.post(f"/draft/{a.pk}/2025/from-register", {"csrfmiddlewaretoken": tok}).status_code == 403


def test_one_file_failing_inside_does_not_lose_the_others(django_env, monkeypatch):
    from gongkai.web import reportview

    real = reportview.check_data

    def flaky(data, name, previous=None, request=None):
        if name == "boom.txt":
            raise RuntimeError("parser bug")
        return real(data, name, previous, request)

    monkeypatch.setattr("gongkai.web.views_check.check_data", flaky)
    c = client_for(None)
    token = _csrf(c)
    with open(seed("000"), "rb") as fh:
        html = c.post("/check/", {"file": [SimpleUploadedFile("boom.txt", b"x"), fh],
                                  "csrfmiddlewaretoken": token}).content.decode()
    assert "内部错误（RuntimeError）" in html
    assert "吴忠市红寺堡区红寺堡镇人民政府" in html and "Traceback" not in html


def test_every_action_on_the_request_page_and_its_letter(django_env, world):
    from io import BytesIO

    from docx import Document

    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/")
    r = c.post(f"/register/{a.pk}/new", {"applicant_type": "natural_person", "applicant_name": "周八",
                                         "channel": "in_person", "content": "某小区规划许可", "submitted_on": "2026-01-05",
                                         "csrfmiddlewaretoken": token})
    ref = r["Location"].rstrip("/").rsplit("/", 1)[1]
    steps = [
        ({"kind": "correction_requested", "on": "2026-01-07", "items": "请写明小区名称"}, "correction", "补正"),
        ({"kind": "corrected", "on": "2026-01-12"}, None, None),
        ({"kind": "consultation_started", "on": "2026-01-13", "party": "third_party", "name": "某开发公司"},
         "consultation", "意见"),
        ({"kind": "consultation_ended", "on": "2026-01-20", "party": "third_party"}, None, None),
        ({"kind": "fee_notice", "on": "2026-01-21", "basis": "pages", "units": "150", "payment": "银行转账"},
         "fee", "收费"),
        ({"kind": "fee_paid", "on": "2026-01-23"}, None, None),
        ({"kind": "replied", "on": "2026-01-26", "outcome": "granted"}, "reply", "公开"),
    ]
    for data, letter, word in steps:
        if data["kind"] == "fee_notice":   # a notice that cannot say how to pay is not recorded
            form = re.search(r'data-action="fee_notice".*?</form>', c.get(f"/register/{a.pk}/r/{ref}/").content.decode(),
                             re.S)
            assert form and '<input name="payment" maxlength="400" required>' in form.group(0)
            page = c.post(f"/register/{a.pk}/r/{ref}/event", {**data, "payment": "", "csrfmiddlewaretoken": token},
                          follow=True).content.decode()
            assert re.findall(r'class="error">([^<]+)', page)[0] == (
                "未能登记：发出收费通知须填写“缴纳方式”（条例第四十二条、国办函〔2020〕109号）"
                "（或由管理员在台账设置 fee_payment_method 中统一填写）")
            # the refused form comes back as the clerk filled it in: nothing typed is lost
            again = re.search(r'<form[^>]*data-action="fee_notice" id="refused".*?</form>', page, re.S)
            assert again, "the refused form is marked"
            assert re.search(r'<input type="text" class="date" name="on" [^>]*value="2026-01-21"', again.group(0))
            assert '<option value="pages" selected>' in again.group(0)
            assert '<input type="number" name="units" min="1" value="150"' in again.group(0)
        page = c.post(f"/register/{a.pk}/r/{ref}/event", {**data, "csrfmiddlewaretoken": token},
                      follow=True).content.decode()
        assert "未能登记" not in page, (data, re.findall(r'class="error">([^<]+)', page))
        if letter:
            resp = c.get(f"/register/{a.pk}/r/{ref}/letter/{letter}")
            assert resp.status_code == 200, letter
            text = "\n".join(p.text for p in Document(BytesIO(resp.content)).paragraphs)
            assert word in text and ref in text, letter
    detail = c.get(f"/api/bodies/{a.pk}/requests/{ref}").json()
    assert [e["kind"] for e in detail["events"]] == [s[0]["kind"] for s in steps]
    assert detail["offered"] == ["archived"]          # once replied, only archiving is offered
    page = c.get(f"/register/{a.pk}/r/{ref}/").content.decode()
    assert re.findall(r'data-action="(\w+)"', page) == ["archived"]
    assert detail["state"] == "replied" and detail["outcome"] == "granted"
    fee = next(e for e in detail["events"] if e["kind"] == "fee_notice")
    assert fee["data"]["amount"] > 0 and fee["data"]["units"] == 150
    assert "不计" in detail["ledger"]          # the pauses show in the day-by-day ledger


def test_draft_in_the_2019_format_and_prefill_from_an_uploaded_report(django_env, world):
    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, "/draft/")
    r = c.post("/draft/new", {"body": a.pk, "year": "2020", "format": "2019", "csrfmiddlewaretoken": token})
    assert r.status_code == 302
    html = c.get(f"/draft/{a.pk}/2020/").content.decode()
    assert 'name="table2.art20_9.procurement.amount"' in html       # a 2019-only row
    assert 'name="table3.other.total"' in html                       # the single 其他处理 row of 2019
    assert "从台账带入表三" not in html
    # last year's published report, uploaded: its 结转下年度 becomes this year's 上年结转, its
    # 现行有效件数 this year's starting point (huaian-city-2024.pdf carries 103 requests forward)
    from gk_web_support import EXAMPLES

    from gongkai.load import load
    from gongkai.web.drafts import get, report_of
    from gongkai.web.models import ReportDraft

    path = EXAMPLES / "huaian-city-2024.pdf"
    last = load(path)
    assert last.value("table3.carried_forward.total") == 103
    # another body's report (or the same body's of another year) carries nothing: its 结转 and
    # 现行有效 are not this body's; the draft is made blank and the clerk told why
    for year, why in (("2025", f"的机关是“淮安市人民政府”，本报告的机关是“{a.name}”，不是同一机关"),
                      ("2026", "的年度为 2024 年，不是 2025 年")):
        with open(path, "rb") as fh:
            html = c.post("/draft/new", {"body": a.pk, "year": year, "format": "2021", "previous": fh,
                                         "csrfmiddlewaretoken": token}, follow=True).content.decode()
        # (it said "…跨年度比较…的结果不适用" too, of a draft, where nothing is compared)
        assert f"上年报告（huaian-city-2024.pdf）{why}；未带入其中的数字，请上传本机关上一年度的报告，或逐项填写。" in html
        assert report_of(get(a, int(year))).value("table3.carried_over.total") is None
        ReportDraft.objects.filter(body=a, year=int(year)).delete()
    a.name, old_name = "淮安市人民政府", a.name
    a.save()
    try:
        with open(path, "rb") as fh:
            r = c.post("/draft/new", {"body": a.pk, "year": "2025", "format": "2021", "previous": fh,
                                      "csrfmiddlewaretoken": token}, follow=True)
        assert "上年报告（huaian-city-2024.pdf）带入上年结转等数据" in r.content.decode()
        assert "未带入" not in r.content.decode()
        new = report_of(get(a, 2025))
    finally:
        a.name = old_name
        a.save()
    for col in ("natural_person", "total"):
        assert new.value(f"table3.carried_over.{col}") == last.value(f"table3.carried_forward.{col}")
    assert new.value("table2.art20_1.normative_docs.in_force") == last.value("table2.art20_1.normative_docs.in_force")


def test_markdown_preview_escapes_html(django_env, world):
    c = client_for(world["clerk_a"])
    token = _csrf(c, "/draft/")
    r = c.post("/draft/markdown", {"section-1": "**重点** <img src=x onerror=alert(1)> [链接](javascript:alert(1))",
                                   "csrfmiddlewaretoken": token})
    html = r.content.decode()
    assert "<strong>重点</strong>" in html
    assert "<img" not in html and 'href="javascript' not in html
    assert client_for(None).post("/draft/markdown", {"text": "x"}).status_code in (302, 403)


def test_supervisor_sees_each_body_of_the_region_with_its_overdue_count(django_env, world):
    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/")
    c.post(f"/register/{a.pk}/new", {"applicant_type": "natural_person", "applicant_name": "甲", "channel": "in_person",
                                     "content": "x", "submitted_on": "2026-01-05", "csrfmiddlewaretoken": token})
    html = client_for(world["supervisor"]).get("/register/").content.decode()
    row = next(r for r in html.split("<tr>") if a.name in r)
    assert '<span class="mark overdue">1</span>' in row
    assert world["b"].name not in html                      # another region


def test_login_pauses_after_repeated_wrong_passwords(django_env, world):
    from gk_web_support import PASSWORD

    name = world["clerk_b"].username
    c = client_for(None)
    token = _csrf(c, "/login/")
    for _ in range(4):
        r = c.post("/login/", {"username": name, "password": "wrong", "csrfmiddlewaretoken": token})
        assert r.status_code == 200
    r = c.post("/login/", {"username": name, "password": "wrong", "csrfmiddlewaretoken": token})
    assert r.status_code == 429  # the fifth wrong password locks the account (django-axes)
    r = c.post("/login/", {"username": name, "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert r.status_code == 429 and "暂停" in r.content.decode()
    # the account is locked from every address; another account, from another address, is not affected
    other = client_for(None)
    token = _csrf(other, "/login/")
    r = other.post("/login/", {"username": name, "password": PASSWORD, "csrfmiddlewaretoken": token},
                   REMOTE_ADDR="10.9.8.7")
    assert r.status_code == 429
    r = other.post("/login/", {"username": world["clerk_a"].username, "password": PASSWORD,
                               "csrfmiddlewaretoken": token}, REMOTE_ADDR="10.9.8.7")
    assert r.status_code == 302


def test_check_page_with_last_years_report(django_env):
    from gk_web_support import EXAMPLES

    c = client_for(None)
    token = _csrf(c)
    with open(EXAMPLES / "hongze-district-2024.pdf", "rb") as fh, open(EXAMPLES / "hongze-district-2023.pdf", "rb") as p:
        html = c.post("/check/", {"file": fh, "previous": p, "csrfmiddlewaretoken": token}).content.decode()
    assert "已与上年度报告（洪泽区人民政府 2023年度）比较。" in html  # 结转 and 现行有效 agree: no finding
    # 淮安市's report is not 洪泽区's last year's: said, and no CARRY-OVER made with its figures
    with open(EXAMPLES / "hongze-district-2024.pdf", "rb") as fh, open(EXAMPLES / "huaian-city-2024.pdf", "rb") as p:
        html = c.post("/check/", {"file": fh, "previous": p, "csrfmiddlewaretoken": token}).content.decode()
    assert "不是同一机关" in html and "已与上年度报告" not in html and 'data-rule="CARRY-OVER"' not in html


def test_small_things_users_hit(django_env, world):
    from gongkai.load import FORMS_ZH

    anon = client_for(None)
    token = _csrf(anon)
    # the unsupported-type message names the forms the page itself names
    page = anon.get("/check/").content.decode()
    assert f"上传一份或多份年度报告（{FORMS_ZH}，" in page
    r = anon.post("/check/", {"file": SimpleUploadedFile("a.exe", b"MZ"), "csrfmiddlewaretoken": token})
    assert f"不支持的文件类型“.exe”：请上传 {FORMS_ZH}。" in r.content.decode()
    # a ZIP of reports is checked member by member: tests/web/test_web_check_zip.py
    # several files: a summary at the top, one row per file, failures included
    with open(seed("000"), "rb") as f0, open(seed("001"), "rb") as f1:
        html = anon.post("/check/", {"file": [f0, f1, SimpleUploadedFile("b.exe", b"MZ")],
                                     "csrfmiddlewaretoken": token}).content.decode()
    box = html.split('id="check-summary"')[1].split("</section>")[0]
    assert "<h2>共 3 个文件</h2>" in box and "已读取 2 份，<span class=\"bad-text\">1 个未能读取</span>" in box
    assert box.count('<a href="#r') == 2 and "未能读取：" in box and ">b.exe</span>" in box
    assert html.index('id="check-summary"') < html.index('id="r1-report"')
    # The summary lists the worst first, ties in upload order, then the files not read — as the
    # index of `gongkai check … --html` does (the web listed them in upload order).
    _summary_order_as_the_index(anon, token)
    # An empty file is told in the words of `gongkai check` and the corpus's failures (文件是空的 before)
    page = anon.post("/check/", {"file": SimpleUploadedFile("空.txt", b""), "csrfmiddlewaretoken": token}).content.decode()
    assert re.findall(r'<p class="error" role="alert">(.*?)</p>', page) == ["文件为空。"]
    # an anonymous script posting to the API is told to sign in (401), not about CSRF (403)
    r = anon.post(f"/api/bodies/{world['a'].pk}/requests", {"content": "x"})
    assert r.status_code == 401 and r.json()["error"].startswith("请先登录")
    r = anon.post(f"/api/bodies/{world['a'].pk}/reports", "{}", content_type="application/json")
    assert r.status_code == 401
    # a signed-in page without its token is still a CSRF refusal
    clerk = client_for(world["clerk_a"])
    assert clerk.post(f"/api/bodies/{world['a'].pk}/requests", {"content": "x"}).status_code == 403
    # JSON errors are readable text, not \u escapes
    r = clerk.get("/api/no-such-thing")
    assert r.status_code == 404 and "没有找到" in r.content.decode("utf-8")
    # a favicon, not a 404
    r = anon.get("/favicon.ico")
    assert r.status_code == 200 and b"".join(r.streaming_content)[:4] == b"\x00\x00\x01\x00"


def test_calendar_page_an_administrator_enters_a_notice_every_body_counts_on_it(django_env, world, monkeypatch,
                                                                                 tmp_path):
    # the site's notices live beside the registers: a fresh site here, so no other test sees 2027's
    monkeypatch.setattr(django_env, "REGISTER_DIR", tmp_path / "registers")
    monkeypatch.setattr(django_env, "TODAY", "2026-12-31")
    a, b = world["a"], world["b"]
    refs = {}
    for body, clerk in ((a, "clerk_a"), (b, "clerk_b")):
        c = client_for(world[clerk])
        token = _csrf(c, f"/register/{body.pk}/")
        r = c.post(f"/register/{body.pk}/new", {"applicant_type": "natural_person", "name": "王五",
                                                "channel": "in_person", "content": "x", "on": "2026-12-21",
                                                "csrfmiddlewaretoken": token})
        refs[body.pk] = r["Location"].rstrip("/").rsplit("/", 1)[1]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/")
    page = c.get(f"/register/{a.pk}/r/{refs[a.pk]}/").content.decode()
    # 2027 has no notice: 元旦 is off by rule, the date is an estimate — said once, not as a warning
    assert 'id="due">2027-01-19（推算）' in page and 'id="calendar-note"' in page
    assert "calendar add" not in page
    listing = c.get(f"/register/{a.pk}/").content.decode()
    assert '2027-01-19<span class="assumed">（推算）</span>' in listing and 'id="calendar-note"' in listing
    cal = c.get("/register/calendar/").content.decode()
    assert "已知节假日安排截至 <strong>2026年12月31日</strong>" in cal and 'id="add-notice"' not in cal
    assert ("元旦 2027-01-01；春节 2027-02-05 至 2027-02-08；清明节 2027-04-05；劳动节 2027-05-01 至 2027-05-02；"
            "端午节 2027-06-09；中秋节 2027-09-15；国庆节 2027-10-01 至 2027-10-03。") in cal
    r = c.post("/register/calendar/", {"year": "2027", "notice": "x", "holidays": "2027-01-01",
                                       "csrfmiddlewaretoken": token})
    assert r.status_code == 403 and "只有系统管理员可以录入节假日安排" in r.content.decode()

    from gongkai.web.models import Body
    from gongkai.web.registers import open_register

    every = sum(open_register(body).count() for body in Body.objects.all())   # every body of the site, ours: 2
    admin = client_for(world["admin"])
    token = _csrf(admin, "/register/calendar/")
    assert 'id="add-notice"' in admin.get("/register/calendar/").content.decode()
    r = admin.post("/register/calendar/", {"year": "2027", "notice": "国办发明电〔2026〕测试号",
                                           "holidays": "2027-01-01 至 2027-01-03，2027-01-04",
                                           "workdays": "", "csrfmiddlewaretoken": token}, follow=True)
    assert ("未能录入：放假日期中缺少《全国年节及纪念日放假办法》规定的节日：春节 2027-02-05、2027-02-08；清明节 2027-04-05；"
            "端午节 2027-06-09；中秋节 2027-09-15；国庆节 2027-10-01。") in r.content.decode()
    r = admin.post("/register/calendar/", {"year": "2027", "notice": "国办发明电〔2026〕测试号",
                                           "holidays": "2027-01-01 至 2027-01-03，2027-01-04，2027-02-05..2027-02-08，"
                                                       "2027-04-05，2027-05-01 至 2027-05-02，2027-06-09，2027-09-15，"
                                                       "2027-10-01~2027-10-03",
                                           "workdays": "", "csrfmiddlewaretoken": token}, follow=True)
    html = r.content.decode()
    assert "已录入 2027 年节假日安排（国办发明电〔2026〕测试号；放假 16 天，调休上班 0 天）" in html
    assert f"重新计算了 {every} 件申请的期限，其中 2 件的答复期限或是否逾期有变化：" in html
    assert "已知节假日安排截至 <strong>2027年12月31日</strong>" in html
    told = ("第1条的登记回执写明于2027-01-19（推算）前作出答复（该回执未登记送达；已发给申请人的，即告知了这个日期），"
            "按现在的节假日安排和办理记录，答复期限为2027-01-20，晚于回执上的日期"
            "（回执已说明以按公布的安排计算的日期为准；重新打印的回执仍是当时写明的日期）")
    for body in (a, b):   # each request the notice moved, by body, with the letter that told another date
        assert f"{body.name} {refs[body.pk]}：答复期限 2027-01-19（推算） → 2027-01-20。注意：{told}" in html
    r = admin.post("/register/calendar/", {"year": "2027", "notice": "x", "holidays": "2027-02-30",
                                           "csrfmiddlewaretoken": token}, follow=True)
    assert "未能录入：无法识别的日期“2027-02-30”" in r.content.decode()
    again = {"year": "2027", "notice": "国办发明电〔2026〕测试号", "workdays": "", "csrfmiddlewaretoken": token,
             "holidays": "2027-01-01 至 2027-01-04，2027-02-05..2027-02-08，2027-04-05，2027-05-01 至 2027-05-02，"
                         "2027-06-09，2027-09-15，2027-10-01~2027-10-03"}
    html = admin.post("/register/calendar/", again, follow=True).content.decode()   # a correction says why
    assert "再次录入即为更正，请写明更正理由（原记录保留）" in html and "录入记录（1 条）" in html
    html = admin.post("/register/calendar/", {**again, "reason": "核对通知"}, follow=True).content.decode()
    assert "录入记录（2 条）" in html and "；更正理由：核对通知<br>" in html
    # both bodies count on the notice: one more day off, and no longer an estimate
    for body, clerk in ((a, "clerk_a"), (b, "clerk_b")):
        page = client_for(world[clerk]).get(f"/register/{body.pk}/r/{refs[body.pk]}/").content.decode()
        assert 'id="due">2027-01-20（' in page and 'id="calendar-note"' not in page
        assert told in page   # the request page says the 回执's date moved


def test_the_calendar_page_compares_the_sites_notices_with_an_offices_register(django_env, world, tmp_path,
                                                                              monkeypatch):
    """The CLI compares a register's holiday notices with the site's calendar (and says where a
    year differs), the web's calendar page compared nothing: an office's register (GONGKAI_DB)
    entering 2027 without 4 January went unseen there.  The page now says so, naming the stores by
    what they are; the server's paths only to the administrator."""
    from gongkai.db import Database
    from gongkai.workdays import add_notice
    from gongkai.workdays.calendar import days_from_text

    site, office = tmp_path / "site", tmp_path / "办公室.sqlite3"
    monkeypatch.setattr(django_env, "REGISTER_DIR", site / "registers")   # a site calendar of this test's own
    monkeypatch.setenv("GONGKAI_WEB_HOME", str(site))
    monkeypatch.setenv("GONGKAI_DB", str(office))                        # the office's register at the CLI
    days = days_from_text("2027-01-01..2027-01-04,2027-02-05..2027-02-08,2027-04-05,2027-05-01..2027-05-02,"
                          "2027-06-09,2027-09-15,2027-10-01..2027-10-03", "测试", "holidays")
    notice = "国办发明电〔2026〕测试号（虚构）"
    clerk, admin = client_for(world["clerk_a"]), client_for(world["admin"])

    def told(c) -> list[str]:
        page = c.get("/register/calendar/").content.decode()
        return [re.sub(r"录入于 \d{4}-\d\d-\d\d \d\d:\d\d", "录入于 时间", p)
                for p in re.findall(r'<p class="error elsewhere" id="elsewhere-2027-\d">(.*?)</p>', page)]

    with Database(str(office), ("gongkai.workdays",), what="节假日安排") as db:
        add_notice(db, 2027, days - {date(2027, 1, 4)}, set(), notice, "王文书")
    assert told(clerk) == []                             # the site has no 2027: nothing to compare
    cal = site / "registers" / "calendar.sqlite3"
    token = _csrf(admin, "/register/calendar/")
    r = admin.post("/register/calendar/", {"year": "2027", "notice": notice, "workdays": "", "csrfmiddlewaretoken": token,
                                           "holidays": ",".join(sorted(d.isoformat() for d in days))}, follow=True)
    assert "已录入 2027 年节假日安排" in r.content.decode() and cal.is_file()
    sentence = ("注意：2027 年的节假日安排，网站日历{}中录入的（国办发明电〔2026〕测试号（虚构），{} 录入于 时间）"
                "与本机关登记簿{}中录入的（国办发明电〔2026〕测试号（虚构），王文书 录入于 时间）不同："
                "前者放假、后者上班：2027-01-04。期限按前者计算；请核对国务院办公厅通知，录入有误的一方更正。")
    username = world["admin"].username
    assert told(clerk) == [sentence.format("", username, "")]
    assert str(tmp_path) not in clerk.get("/register/calendar/").content.decode()
    assert told(admin) == [sentence.format(f"（{cal}）", username, f"（{office}）")]
    with Database(str(office), ("gongkai.workdays",), what="节假日安排") as db:   # the office corrects its entry
        add_notice(db, 2027, days, set(), notice, "王文书", reason="核对通知")
    assert told(clerk) == []


def test_a_clerk_is_told_at_login_what_is_overdue_or_due_soon(django_env, world):
    from gk_web_support import PASSWORD

    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/")
    for day in ("2026-01-05", "2026-02-09", "2026-02-10"):   # one overdue, two due within 5 working days
        c.post(f"/register/{a.pk}/new", {"applicant_type": "natural_person", "name": "李四", "channel": "in_person",
                                         "content": day, "on": day, "csrfmiddlewaretoken": token})
    fresh = client_for(None)
    token = _csrf(fresh, "/login/")
    r = fresh.post("/login/", {"username": world["clerk_a"].username, "password": PASSWORD,
                               "csrfmiddlewaretoken": token}, follow=True)
    html = r.content.decode()
    assert r.redirect_chain[-1][0] == f"/register/{a.pk}/?filter=overdue"
    assert f"台账提醒（{a.name}）：依申请公开 1 件已超过答复期限，2 件将在 5 个工作日内到期。" in html
    # a page asked for is honoured (the notice still shown); a body with nothing due says nothing
    fresh = client_for(None)
    token = _csrf(fresh, "/login/")
    r = fresh.post("/login/?next=/draft/", {"username": world["clerk_a"].username, "password": PASSWORD,
                                            "next": "/draft/", "csrfmiddlewaretoken": token}, follow=True)
    assert r.redirect_chain[-1][0] == "/draft/" and "台账提醒" in r.content.decode()
    fresh = client_for(None)
    token = _csrf(fresh, "/login/")
    r = fresh.post("/login/", {"username": world["clerk_b"].username, "password": PASSWORD,
                               "csrfmiddlewaretoken": token}, follow=True)
    assert "台账提醒" not in r.content.decode() and r.redirect_chain[-1][0] != f"/register/{world['b'].pk}/?filter=overdue"
    # an item of the proactive-disclosure log not published within 20 working days is told too
    from datetime import date

    from gongkai.log.store import DisclosureLog, NewItem
    from gongkai.web.registers import register_url

    with DisclosureLog(register_url(world["b"].pk), create=True) as log:
        log.add(NewItem("某事项公示", "other", date(2026, 1, 5)), "clerk")
    fresh = client_for(None)
    token = _csrf(fresh, "/login/")
    r = fresh.post("/login/", {"username": world["clerk_b"].username, "password": PASSWORD,
                               "csrfmiddlewaretoken": token}, follow=True)
    assert r.redirect_chain[-1][0] == f"/register/{world['b'].pk}/log/"
    assert f"台账提醒（{world['b'].name}）：主动公开 1 件已逾期未公开。" in r.content.decode()


def test_the_log_page_reads_the_sites_vocabulary_from_its_settings(django_env, world, tmp_path, monkeypatch):
    """The site's log vocabulary is the setting DISCLOSURE_VOCAB (read once when the site is
    configured), not whatever GONGKAI_DISCLOSURE_VOCAB says while a page is drawn."""
    from datetime import date

    from gongkai.log.store import DisclosureLog, NewItem
    from gongkai.web.registers import register_url

    site = tmp_path / "words.yaml"
    site.write_text("channels:\n  hall:\n    label: 便民服务大厅\n    columns: []\n", encoding="utf-8")
    monkeypatch.setattr(django_env, "DISCLOSURE_VOCAB", site)
    a = world["a"]
    with DisclosureLog(register_url(a.pk), vocab=site, create=True) as log:
        ref = log.add(NewItem("旧办法", "other", date(2019, 5, 1), existing=True), "clerk")
        log.publish(ref, "便民服务大厅", "", date(2019, 5, 6), "clerk")
    html = client_for(world["supervisor"]).get(f"/register/{a.pk}/log/").content.decode()
    row = re.search(r'<td class="ref"><a href="[^"]+">' + ref + '</a></td>.*?</tr>', html, re.S).group(0)
    assert '<td data-label="公开">便民服务大厅 2019-05-06</td>' in row


def test_the_proactive_disclosure_log_is_read_in_the_browser(django_env, world):
    # kept with gongkai log in the body's store; the page lists each item with its duty to publish
    from datetime import date

    from gongkai.log.store import DisclosureLog, NewItem, Review
    from gongkai.web.registers import register_url

    a = world["a"]
    # a log nobody filled in says nothing of how many rules were made: blank with the reason, not 0
    # (2026's table: in March the page opens on last year's, whose report is being written)
    html = client_for(world["supervisor"]).get(f"/register/{a.pk}/log/?year=2026").content.decode()
    assert "<th>规章</th><td>本年制发件数：—</td><td>本年废止件数：—</td><td>现行有效件数：—</td>" in html
    assert ('<p class="hint">规章、行政规范性文件：台账中没有2026年底以前制发的任何文件，表二这2行留空（没有登记不等于没有制发）；'
            in html)
    chain = [Review("draft", "甲", date(2026, 1, 20)), Review("check", "乙", date(2026, 1, 22)),
             Review("sign", "丙", date(2026, 1, 26))]
    with DisclosureLog(register_url(a.pk), create=True) as log:
        late = log.add(NewItem("关于印发某办法的通知", "normative_docs", date(2026, 1, 26), doc_no="某发〔2026〕1号",
                               reviews=chain), "clerk")
        log.publish(late, "政府网站", "政策文件", date(2026, 3, 2), "clerk")          # due 2026-02-28: late
        waiting = log.add(NewItem("某事项公示", "other", date(2026, 3, 2)), "clerk")   # due within 20 workdays
        old = log.add(NewItem("旧规章", "rules", date(2019, 5, 1), existing=True), "clerk")
        log.set_figure(2026, 1, "art20_5.licensing", "12", "clerk")
    assert f'href="/register/{a.pk}/log/">主动公开</a>' in client_for(world["supervisor"]).get("/register/").content.decode()
    html = client_for(world["supervisor"]).get(f"/register/{a.pk}/log/?year=2026").content.decode()
    rows = {m.group(1): m.group(0) for m in re.finditer(r'<td class="ref"><a href="[^"]+">([^<]+)</a></td>.*?</tr>', html, re.S)}
    assert list(rows) == [waiting, late, old]                                         # newest first
    assert '2026-02-28 <span class="mark late">逾期公开</span>' in rows[late]
    assert "政府网站/政策文件 2026-03-02" in rows[late] and "某发〔2026〕1号" in rows[late]
    assert '2026-03-30 <span class="mark soon">待公开</span>' in rows[waiting]
    assert "（存量）" in rows[old] and "时限" in rows[old] and "mark" not in rows[old].split('data-label="时限">')[1]
    # blanks show as every page shows them (—): not published, no duty to publish, not repealed
    cells = dict(re.findall(r'<td data-label="(公开|时限|废止)">([^<]*)</td>', rows[old]))
    assert cells == {"公开": "—", "时限": "—", "废止": "—"}
    assert '<span class="mark overdue">已逾期未公开 0</span> <span class="mark soon">待公开 1</span>' in html
    assert '<span class="mark late">2026年逾期公开 1</span>' in html
    assert "<th>行政许可</th><td>本年处理决定数量：12</td>" in html
    assert "<th>行政处罚</th><td>本年处理决定数量：—</td>" in html         # not entered: blank, never 0
    # a document cell with documents links to them (0 and blanks link nowhere)
    assert ("<th>规章</th><td>本年制发件数：0</td><td>本年废止件数：0</td><td>现行有效件数："
            '<a href="?year=2026&amp;cell=art20_1.rules.in_force#cell-found" title="列出计入此格的文件">1</a></td>') in html
    html = client_for(world["supervisor"]).get(f"/register/{a.pk}/log/?year=2026&cell=art20_1.rules.in_force").content.decode()
    assert '<p id="cell-found">2026年表二“规章”行“现行有效件数”列：计入 1 件，列在下面。' in html
    assert re.findall(r'<td class="ref"><a href="[^"]+">([^<]+)</a></td>', html) == [old]
    html = client_for(world["supervisor"]).get(f"/register/{a.pk}/log/?year=2026&cell=art20_5.licensing.decisions").content.decode()
    assert '<p class="error" id="cell-found">表二“art20_5.licensing.decisions”不由台账的文件条目计算' in html
    assert client_for(world["clerk_b"]).get(f"/register/{a.pk}/log/").status_code == 403


def _summary_order_as_the_index(anon, token):
    import tempfile

    from gongkai.cli import main

    given = ["003", "002", "004", "000", "001"]  # 003 and 002: 0 errors, 1 warning, 1 notice each
    files = [seed(n) for n in given]
    handles = [open(p, "rb") for p in files]
    try:
        html = anon.post("/check/", {"file": [SimpleUploadedFile("b.exe", b"MZ"), *handles],
                                     "csrfmiddlewaretoken": token}).content.decode()
    finally:
        for h in handles:
            h.close()
    box = html.split('id="check-summary"')[1].split("</section>")[0]
    listed = re.findall(r'<span class="file-name">([^<]+)</span>', box)
    worst = [files[given.index(n)].name for n in ("000", "004", "001", "003", "002")]
    assert listed == [*worst, "b.exe"]
    with tempfile.TemporaryDirectory() as out:
        assert main(["check", *map(str, files), "--html", out]) == 1  # 000 has errors
        with open(f"{out}/index.html", encoding="utf-8") as fh:
            index = fh.read()
    assert re.findall(r'<td class="file">([^<]+)</td>', index) == worst


def test_request_page_marks_working_days_overdue_counted_over_estimated_days(django_env, world, monkeypatch,
                                                                            tmp_path):
    """Due 2026-11-30, still open on 2027-01-05 with no 2027 notice entered: the page said
    已超期 25 个工作日 as if certain; 1–5 January were judged by rule."""
    monkeypatch.setattr(django_env, "REGISTER_DIR", tmp_path / "registers")   # a site without 2027's notice
    monkeypatch.setattr(django_env, "TODAY", "2027-01-05")
    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/")
    ref = _registered(c, a, token, "王五", "2026-11-02")
    page = c.get(f"/register/{a.pk}/r/{ref}/").content.decode()
    assert re.search(r'<td id="due">([^<]*)</td>', page).group(1) == "2026-11-30（共 20 个工作日，已超期 25 个工作日（推算））"
    monkeypatch.setattr(django_env, "TODAY", "2026-12-31")   # counted within 2026: certain
    page = c.get(f"/register/{a.pk}/r/{ref}/").content.decode()
    assert re.search(r'<td id="due">([^<]*)</td>', page).group(1) == "2026-11-30（共 20 个工作日，已超期 23 个工作日）"


def test_request_page_and_api_mark_working_days_left_counted_over_estimated_days(django_env, world, monkeypatch,
                                                                               tmp_path):
    """Received 2026-12-21, open on 2027-01-05 with no 2027 notice entered: the due date carried
    （推算） but the 还剩 10 个工作日 beside it, all judged by rule, did not, nor did the API's count."""
    monkeypatch.setattr(django_env, "REGISTER_DIR", tmp_path / "registers")   # a site without 2027's notice
    monkeypatch.setattr(django_env, "TODAY", "2027-01-05")
    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/")
    ref = _registered(c, a, token, "王五", "2026-12-21")
    page = c.get(f"/register/{a.pk}/r/{ref}/").content.decode()
    assert re.search(r'<td id="due">([^<]*)</td>', page).group(1) == (
        "2027-01-19（推算）（共 20 个工作日，还剩 10 个工作日（推算））")
    d = c.get(f"/api/bodies/{a.pk}/requests/{ref}").json()
    assert (d["due_on"], d["due_assumed"], d["workdays_left"], d["workdays_left_assumed"]) == (
        "2027-01-19", True, 10, True)
    monkeypatch.setattr(django_env, "TODAY", "2026-12-22")   # 2026's days known, 2027's still not: 推算
    d = c.get(f"/api/bodies/{a.pk}/requests/{ref}").json()
    assert (d["workdays_left"], d["workdays_left_assumed"]) == (19, True)


def test_calendar_page_names_the_years_this_release_ships_its_own_table_included(django_env, world, monkeypatch,
                                                                                tmp_path):
    """The page's 内置 2004–2026 年 came from chinesecalendar's range alone: a release whose own
    table (data/workdays.yaml) carries 2027 (MADE UP here: ship_2027) still said 2026."""
    from gongkai.workdays.calendar import shipped_calendar
    from tests.register.gk_year_2027 import ship_2027

    monkeypatch.setattr(django_env, "REGISTER_DIR", tmp_path / "registers")
    admin = client_for(world["admin"])

    def sentence() -> str:
        html = admin.get("/register/calendar/").content.decode()
        return re.search(r"本站所有机关的台账使用同一份节假日安排：([^<]*)</p>", html).group(1)

    assert sentence() == "内置 2004–2026 年的国务院办公厅通知，此后的年份由系统管理员在本页录入。"
    try:
        ship_2027(monkeypatch)
        shipped = sentence()
    finally:
        monkeypatch.undo()
        shipped_calendar.cache_clear()
    assert shipped == "内置 2004–2027 年的国务院办公厅通知，此后的年份由系统管理员在本页录入。"


def test_calendar_page_says_where_the_site_notice_differs_from_the_one_gongkai_ships(django_env, world, monkeypatch,
                                                                                     tmp_path):
    """The administrator enters 2027 with 12 February left out of 春节 and 20 February out of the
    调休.  A later release ships 2027 (MADE UP here: ship_2027, itself a made-up notice): the page
    said nothing; now it names the days that differ, and the site's entry still rules."""
    from gongkai.workdays.calendar import shipped_calendar
    from tests.register.gk_year_2027 import MADE_UP_2027, ship_2027

    monkeypatch.setattr(django_env, "REGISTER_DIR", tmp_path / "registers")
    monkeypatch.setattr(django_env, "TODAY", "2026-12-20")
    admin = client_for(world["admin"])
    token = _csrf(admin, "/register/calendar/")
    wrong = ",".join(sorted(d.isoformat() for d in MADE_UP_2027["holidays"] - {date(2027, 2, 12)}))
    r = admin.post("/register/calendar/", {"year": "2027", "notice": MADE_UP_2027["notice"], "holidays": wrong,
                                           "workdays": "2027-01-31", "csrfmiddlewaretoken": token}, follow=True)
    assert "已录入 2027 年节假日安排" in r.content.decode() and 'id="shipped-2027"' not in r.content.decode()
    try:
        ship_2027(monkeypatch)
        html = admin.get("/register/calendar/").content.decode()
    finally:
        monkeypatch.undo()
        shipped_calendar.cache_clear()
    assert re.search(r'<p class="error" id="shipped-2027">([^<]*)</p>', html).group(1) == (
        "2027 年录入的安排与 gongkai 随附的 2027 年安排（国办发明电〔2026〕随附测试号（虚构））不同：随附安排放假、"
        "录入的安排上班：2027-02-12；随附安排上班、录入的安排放假：2027-02-20。期限仍按录入的安排计算，"
        "请核对国务院办公厅通知，录入有误时更正。")


def test_in_january_to_march_the_register_offers_last_years_tables_first(django_env, world, monkeypatch):
    """Found in the town clerk's January walk: on 5 January 2027, writing the 2026 report, the
    register's list linked to 2027年表三, its table-3 page and the 主动公开台账's 表二 opened on 2027
    (four days of figures).  Until April the pages now offer last year's tables first, labelled, and
    this year's beside them; from April this year's alone, as before."""
    a = world["a"]
    sup = client_for(world["supervisor"])
    c = client_for(world["clerk_a"])
    links = re.compile(r'<span id="table-links">(.*?)</span>', re.S)
    for day in ("2027-01-05", "2027-03-31"):
        monkeypatch.setattr(django_env, "TODAY", day)
        assert links.search(c.get(f"/register/{a.pk}/").content.decode()).group(1) == (
            f'<a href="/register/{a.pk}/table3/?year=2026">2026年表三（年度报告）</a> '
            f'<a href="/register/{a.pk}/table3/?year=2027">2027年表三（至今）</a> '
            f'<a href="/register/{a.pk}/log/">主动公开台账</a>')
        t = c.get(f"/register/{a.pk}/table3/").content.decode()
        assert f"<h1>{a.name} 2026年度 收到和处理政府信息公开申请情况（由台账计算）</h1>" in t
        assert ('<p class="hint" id="report-season">1—3月编制2026年度报告，本页默认显示2026年表三；'
                '<a href="?year=2027">2027年至今的表三</a>。</p>') in t
        assert '<a href="?year=2026">2026年表三（年度报告）</a>' in c.get(f"/register/{a.pk}/table3/?year=2027").content.decode()
        g = c.get(f"/register/{a.pk}/log/").content.decode()
        assert '<h2 id="year">2026年表二（由台账计算）</h2>' in g and "2026年逾期公开 0" in g
        assert ('<p class="hint" id="report-season">1—3月编制2026年度报告，本页默认显示<a href="?year=2026#year">'
                '2026年表二（年度报告）</a>和2026年逾期公开的件数；<a href="?year=2027#year">2027年至今的表二</a>。</p>') in g
        assert (f'<a href="/register/{a.pk}/table3/?year=2026">2026年表三（年度报告）</a> · '
                f'<a href="/register/{a.pk}/table3/?year=2027">2027年表三（至今）</a> · '
                f'<a href="/register/{a.pk}/log/">主动公开</a>') in sup.get("/register/").content.decode()
    monkeypatch.setattr(django_env, "TODAY", "2027-04-01")
    assert links.search(c.get(f"/register/{a.pk}/").content.decode()).group(1) == (
        f'<a href="/register/{a.pk}/table3/?year=2027">2027年表三</a> <a href="/register/{a.pk}/log/">主动公开台账</a>')
    t = c.get(f"/register/{a.pk}/table3/").content.decode()
    assert f"<h1>{a.name} 2027年度 收到和处理政府信息公开申请情况（由台账计算）</h1>" in t and "report-season" not in t
    g = c.get(f"/register/{a.pk}/log/").content.decode()
    assert '<h2 id="year">2027年表二（由台账计算）</h2>' in g and "report-season" not in g


def test_a_draft_saved_by_093_keeps_its_amounts_decimals(django_env, world):
    """0.9.3 kept a draft's amount texts under ``exact_amounts``; the report JSON's ``amounts``
    keeps them now.  A draft saved then still shows and exports 4.00."""
    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, "/draft/")
    c.post("/draft/new", {"body": a.pk, "year": "2024", "format": "2021", "csrfmiddlewaretoken": token})
    cell = "table2.art20_8.admin_fees.amount"
    c.post(f"/draft/{a.pk}/2024/", {**_complete_form(**{cell: "4.00"}), "csrfmiddlewaretoken": token})
    from gongkai.web.drafts import get

    draft = get(a, 2024)
    assert draft.data["amounts"] == {cell: "4.00"}
    draft.data = {k: v for k, v in draft.data.items() if k != "amounts"} | {"exact_amounts": {cell: "4.00"}}
    draft.save()
    assert "| 行政事业性收费 | 4.00 |" in c.get(f"/draft/{a.pk}/2024/download/md").content.decode()
    assert 'name="table2.art20_8.admin_fees.amount" value="4.00"' in c.get(f"/draft/{a.pk}/2024/").content.decode()
