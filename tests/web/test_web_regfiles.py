"""The registers' files in the web (web/regfiles.py): a clerk imports the 台账 kept before and
exports a copy that imports back — the same files and checks as `gongkai register/log import/export`."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from gk_web_support import client_for, django_env, world  # noqa: F401 - fixtures

LIST = ("编号,申请人类型,申请人,提交方式,申请内容,提交日期,办理结果,答复日期\n"
        "2026-000101,自然人,张伟,当面,本镇2025年农村危房改造补助资金发放名单,2026-01-20,予以公开,2026-02-14\n"
        "2026-000102,商业企业,宁夏某某建筑工程有限公司,当面,丁塘镇2025年农村道路建设项目中标结果,2026-02-24,,\n")


def _csrf(c, url: str) -> str:
    assert c.get(url).status_code == 200, url
    return c.cookies["csrftoken"].value


def _upload(c, url: str, token: str, name: str, data: bytes, **fields) -> str:
    r = c.post(url, {"file": SimpleUploadedFile(name, data), "csrfmiddlewaretoken": token, **fields}, follow=True)
    assert r.status_code == 200
    return r.content.decode()


def _sheet(data: bytes) -> list[tuple]:
    return [tuple(row) for row in openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True)]


def test_a_clerk_imports_the_old_register_and_its_export_imports_back_elsewhere(django_env, world):
    a, b = world["a"], world["b"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/")
    # a file with a mistake: every problem named by its row, nothing imported
    bad = LIST.replace("2026-01-20", "01/20/2026").replace("商业企业", "法人")
    page = _upload(c, f"/register/{a.pk}/import", token, "台账.csv", bad.encode("utf-8"))
    assert "未能导入台账：台账.csv：" in page and "第2行" in page and "第3行" in page and "01/20/2026" in page
    assert "没有符合条件的申请" in page
    # the list kept before, in GB18030 as Excel saves it
    page = _upload(c, f"/register/{a.pk}/import", token, "台账.csv", LIST.encode("gb18030"))
    assert "已导入 2 件申请（2026-000101 至 2026-000102）。" in page
    assert "2026-000101" in page and "2026-000102" in page
    # the export, with contact details, is the gongkai export and imports into another body's register
    r = c.get(f"/register/{a.pk}/export.xlsx?contact=1")
    assert r.status_code == 200 and r["Content-Disposition"].endswith(".xlsx")
    exported = r.content
    rows = _sheet(exported)
    assert rows[0][:4] == ("编号", "序号", "事项", "日期") and [r[:3] for r in rows[1:]] == [
        ("2026-000101", 1, "登记申请"), ("2026-000101", 2, "答复"), ("2026-000102", 1, "登记申请")]
    cb = client_for(world["clerk_b"])
    page = _upload(cb, f"/register/{b.pk}/import", _csrf(cb, f"/register/{b.pk}/"), "导出.xlsx", exported)
    assert "已导入 2 件申请（2026-000101 至 2026-000102）。" in page
    assert _sheet(cb.get(f"/register/{b.pk}/export.xlsx?contact=1").content) == rows
    assert cb.get(f"/register/{b.pk}/export.csv").content.decode("utf-8-sig").startswith("编号,序号,事项,日期,")
    # applicants' names are the body's own clerks' to export; nobody else's to import into
    assert client_for(world["supervisor"]).get(f"/register/{a.pk}/export.xlsx").status_code == 403
    other = cb.post(f"/register/{a.pk}/import", {"file": SimpleUploadedFile("x.csv", LIST.encode()),
                                                 "csrfmiddlewaretoken": cb.cookies["csrftoken"].value})
    assert other.status_code == 403 and "2026-000101" not in other.content.decode()


def test_a_clerk_imports_the_log_and_its_monthly_figures(django_env, world):
    a, b = world["a"], world["b"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/log/")
    docs = ("标题,文号,类别,形成日期,公开属性,公开渠道,栏目,公开日期,存量\n"
            "同心县丁塘镇村规民约管理办法,丁政发〔2019〕12号,行政规范性文件,2019-05-10,主动公开,,,,是\n"
            "丁塘镇关于印发农村人居环境整治考核办法的通知,丁政发〔2026〕5号,行政规范性文件,2026-01-05,主动公开,"
            "政府网站,政策文件,2026-01-12,\n")
    page = _upload(c, f"/register/{a.pk}/log/import", token, "文件清单.csv", docs.encode("utf-8"), what="documents")
    assert "已导入 2 件文件和信息。" in page and "丁塘镇关于印发农村人居环境整治考核办法的通知" in page
    figures = "年度,月份,行政许可,行政处罚\n2026,1,4,1\n2026,2,5,二\n"
    page = _upload(c, f"/register/{a.pk}/log/import", token, "月度.csv", figures.encode("utf-8"), what="figures")
    assert "未能导入月度数据：月度.csv：" in page and "第3行" in page
    page = _upload(c, f"/register/{a.pk}/log/import", token, "月度.csv", figures.replace("二", "2").encode(),
                   what="figures")
    assert "已导入 4 个月度数据。" in page
    # the page then shows the table the figures count in: 2026's (in March the page's default is
    # last year's, whose report is being written)
    assert '<h2 id="year">2026年表二（由台账计算）</h2>' in page and "<th>行政许可</th><td>本年处理决定数量：9</td>" in page
    assert '<h2 id="year">2025年表二（由台账计算）</h2>' in c.get(f"/register/{a.pk}/log/").content.decode()
    page = c.get(f"/register/{a.pk}/log/?year=2025").content.decode()
    assert "2025年表二" in page and "<th>行政许可</th><td>本年处理决定数量：—</td>" in page
    # the export holds every entry and figure and imports into another body's log as it was
    exported = c.get(f"/register/{a.pk}/log/export.csv").content
    cb = client_for(world["clerk_b"])
    page = _upload(cb, f"/register/{b.pk}/log/import", _csrf(cb, f"/register/{b.pk}/log/"), "导出.csv", exported,
                   what="documents")
    assert "已导入 2 件文件和信息、4 个月度数据。" in page
    assert cb.get(f"/register/{b.pk}/log/export.csv").content == exported


def _log_page(world):
    """Body a's clerk on the log page: the client, the page's address and a poster of its forms."""
    c = client_for(world["clerk_a"])
    url = f"/register/{world['a'].pk}/log/"
    token = _csrf(c, url)

    def post(**fields) -> str:
        r = c.post(url + "event", {**fields, "csrfmiddlewaretoken": token}, follow=True)
        assert r.status_code == 200
        return r.content.decode()

    return c, url, post


def test_days_late_counted_over_a_year_without_its_notice_are_marked_on_the_log(django_env, world, monkeypatch):
    """The site's day 2027-01-12: a duty due 2026-12-29 met on 2027-01-11 is 8 working days late by
    rule (2027's arrangement not entered), and the message and the item's page say （推算）."""
    monkeypatch.setattr(django_env, "TODAY", "2027-01-12")
    c, url, post = _log_page(world)
    page = post(what="add", title="关于年末考核的通知", kind="other", made_on="2026-12-01", attribute="active",
                draft_by="李明", draft_on="2026-12-01", existing="0")
    ref = re.search(r"已登记 (D2026-\d{6})。", page).group(1)
    post(what="review", ref=ref, step="check", by="王芳", on="2026-12-01")
    post(what="review", ref=ref, step="sign", by="马镇长", on="2026-12-01")
    page = post(what="publish", ref=ref, channel="website", column="通知公告", on="2027-01-11")
    assert f"已登记 {ref} 于 2027-01-11 公开。超过公开时限 2026-12-29（逾期 8 个工作日（推算）），逾期记录保留。" in page
    page = c.get(f"{url}item/{ref}/").content.decode()
    assert ('自形成之日 2026-12-01 起二十个工作日：2026-12-29，逾期公开（2027-01-11公开，逾期 8 个工作日'
            '<span class="assumed">（推算）</span>）') in page


def test_a_clerk_keeps_the_log_on_its_page(django_env, world):
    """Registered, reviewed and published in the browser, with the CLI's checks: a publication
    before its 审签 is refused (the form comes back as typed), a late one is said and kept."""
    c, url, post = _log_page(world)

    page = post(what="add", title="丁塘镇关于印发农村人居环境整治考核办法的通知", doc_no="丁政发〔2026〕5号",
                kind="normative_docs", made_on="2026年1月5日", attribute="active", draft_by="李明",
                draft_on="2026-01-05", existing="0")
    assert "已登记 D2026-000001。" in page and "丁政发〔2026〕5号" in page
    page = post(what="publish", ref="D2026-000001", channel="website", column="政策文件", on="2026-02-12")
    assert "未能公开：" in page and 'class="refused" id="refused" data-log="publish"' in page
    assert 'value="2026-02-12"' in page
    assert "已登记 D2026-000001 的核稿。" in post(what="review", ref="D2026-000001", step="check", by="王芳",
                                                on="2026-01-05")
    post(what="review", ref="D2026-000001", step="sign", by="马镇长", on="2026-01-05")   # 审签 = 成文日期
    page = post(what="publish", ref="D2026-000001", channel="website", column="政策文件", on="2026-02-12")
    assert "已登记 D2026-000001 于 2026-02-12 公开。超过公开时限 2026-02-02（逾期 8 个工作日），逾期记录保留。" in page
    page = post(what="add", title="", kind="other", made_on="2026-01-05")
    assert "未能登记：请填写标题" in page
    # a month's table-2 figures (February, the month before the site's day 2026-03-10, offered)
    assert re.search(r'name="month" min="1"[^>]*value="2"', page)
    page = post(what="figures", year="2026", month="2", **{"art20_5.licensing": "6", "art20_8.admin_fees": "1.25"})
    # shown in the table it counts in, 2026's (in March the page's default is last year's)
    assert "已录入 2026年2月的 2 项数据。" in page and '<h2 id="year">2026年表二（由台账计算）</h2>' in page
    assert "<th>行政许可</th><td>本年处理决定数量：6</td>" in page
    assert "未能录入月度数据：" in post(what="figures", year="2026", month="3", **{"art20_6.penalty": "2"})


def test_a_clerk_changes_adjusts_and_repeals_on_the_log_page(django_env, world):
    """变更, 调整公开属性 and 废止或失效 on the log's page: the CLI's checks and words, the log's own
    entries (exported as `gongkai log export` writes them), shown in the item's row."""
    c, url, post = _log_page(world)

    post(what="add", title="丁塘镇2025年困难群众救助对象名单", kind="other", made_on="2026-01-05",
         attribute="on_request", reason="涉及个人隐私", draft_by="李明", draft_on="2026-01-05", check_by="王芳",
         check_on="2026-01-05", sign_by="马镇长", sign_on="2026-01-05", existing="0")
    page = post(what="attribute", ref="D2026-000001", to="withheld", reason="", on="2026-02-02")
    assert "未能调整公开属性：公开属性为“不予公开”时须写明理由" in page
    assert 'class="refused" id="refused" data-log="attribute"' in page and 'value="2026-02-02"' in page
    page = post(what="attribute", ref="D2026-000001", to="active", reason="", on="2026-02-02")
    assert ("已将 D2026-000001 的公开属性调整为“主动公开”（2026-02-02）。"
            "应于 2026-03-06 前公开（自属性调整之日 2026-02-02 起二十个工作日）。<") in page
    assert "<small class=\"adjusted\">（2026-02-02 由依申请公开调整）</small>" in page
    page = post(what="change", ref="D2026-000001", on="2026-01-05", note="")
    assert "未能登记变更：变更日期 2026-01-05 应晚于形成日期 2026-01-05" in page
    page = post(what="change", ref="D2026-000001", on="2026-03-02", note="删去已脱贫人员")
    assert ("已登记 D2026-000001 的变更（2026-03-02）。应于 2026-03-06 前公开（自属性调整之日 2026-02-02 起二十个"
            "工作日）。应于 2026-03-30 前公开（自变更之日 2026-03-02 起二十个工作日）。<") in page
    assert '<small class="changed">变更 2026-03-02</small>' in page
    page = post(what="repeal", ref="D2026-000001", ending="expired", on="2026-03-05", note="名单有效期届满")
    assert "已登记 D2026-000001 失效（2026-03-05）。" in page and '<td data-label="废止">失效 2026-03-05</td>' in page
    # nothing left in force to adjust or end; a 变更 before the end may still be entered late
    assert 'data-log="change"' in page and 'data-log="attribute"' not in page and 'data-log="repeal"' not in page
    assert "未能登记变更：变更日期 2026-03-06 不能晚于废止/失效日期 2026-03-05" in post(
        what="change", ref="D2026-000001", on="2026-03-06")
    assert "未能登记废止或失效：该条目已于 2026-03-05 失效，不能再次登记" in post(
        what="repeal", ref="D2026-000001", ending="repealed", on="2026-03-06")
    # the same entries as `gongkai log attribute/change/repeal` write, in the log's export
    rows = c.get(url + "export.csv").content.decode("utf-8-sig").splitlines()
    assert [r.split(",")[1:3] for r in rows[1:]] == [
        ["登记", "2026-01-05"], ["审核", "2026-01-05"], ["审核", "2026-01-05"], ["审核", "2026-01-05"],
        ["调整公开属性", "2026-02-02"], ["变更", "2026-03-02"], ["废止或失效", "2026-03-05"]]


def test_any_item_of_a_large_log_is_found_and_acted_on_its_own_page_with_its_history(django_env, world):
    """A log of more than a page (200 items): the oldest item is not listed nor offered in the
    page's forms, but found by its 文号 or number; its own page lists every entry with who recorded
    it and when (two clerks), and takes the steps on it, coming back to it."""
    from datetime import date

    from gongkai.log.store import DisclosureLog, NewItem
    from gongkai.web.registers import register_url

    a = world["a"]
    with DisclosureLog(register_url(a.pk), create=True) as log:
        refs = log.import_items([(f"第{n}行", NewItem(f"公示{n}", "other", date(2025, 1, 1) + timedelta(days=n),
                                                    doc_no=f"丁政告〔2025〕{n}号")) for n in range(1, 202)], "张会计")
    oldest = refs[0]
    c, url, post = _log_page(world)
    page = c.get(url).content.decode()
    assert f">{oldest}<" not in page and f'value="{oldest}"' not in page
    assert "只列出最近的 200 件；其他条目请用上方“查找条目”按编号、标题或文号查找" in page
    page = c.get(url + "?q=丁政告〔2025〕1号").content.decode()
    assert "“丁政告〔2025〕1号”：找到 1 件。" in page   # not 10号, 100号: 〔2025〕1号 only
    assert f'<a href="/register/{a.pk}/log/item/{oldest}/">{oldest}</a>' in page
    assert f'<option value="{oldest}">' in page       # and offered in the page's forms
    assert "没有找到“无此文件”。" in c.get(url + "?q=无此文件").content.decode()
    # a form sent while the search is shown: refused, the page comes back with the search (and its
    # item still offered); recorded, back to the search
    token = c.cookies["csrftoken"].value
    assert '<input type="hidden" name="q" value="丁政告〔2025〕1号">' in page
    r = c.post(url + "event", {"what": "change", "ref": oldest, "on": "", "q": "丁政告〔2025〕1号",
                               "csrfmiddlewaretoken": token})
    again = r.content.decode()
    assert r.status_code == 200 and "未能登记变更：缺少变更日期" in again
    assert "“丁政告〔2025〕1号”：找到 1 件。" in again and f'<option value="{oldest}" selected>' in again
    r = c.post(url + "event", {"what": "change", "ref": oldest, "on": "2025-02-01", "q": "丁政告〔2025〕1号",
                               "csrfmiddlewaretoken": token})
    assert r.status_code == 302 and r["Location"] == url + "?q=%E4%B8%81%E6%94%BF%E5%91%8A%E3%80%942025%E3%80%951%E5%8F%B7"

    item = f"{url}item/{oldest}/"
    page = c.get(item).content.decode()
    assert "<tr><th>标题</th><td>公示1</td></tr>" in page
    assert ('<li value="1">2025-01-02 登记<br><small>标题：公示1；文号：丁政告〔2025〕1号；类别：其他；公开属性：主动公开'
            '</small><br><small>经办：张会计，登记于 ') in page
    r = c.post(url + "event", {"what": "review", "ref": oldest, "step": "draft", "by": "李明", "on": "2025-01-02",
                               "back": "item", "csrfmiddlewaretoken": c.cookies["csrftoken"].value})
    assert r.status_code == 302 and r["Location"] == item
    page = c.get(item).content.decode()
    assert f"已登记 {oldest} 的拟稿。" in page
    assert re.search(r'<li value="3">2025-01-02 审核<br><small>审核环节：拟稿；姓名：李明</small><br>'   # after the 变更 above
                     rf'<small>经办：{world["clerk_a"].username}，登记于 2026-03-10 \d\d:\d\d</small></li>', page)
    r = c.post(url + "event", {"what": "attribute", "ref": oldest, "to": "withheld", "reason": "", "on": "2025-02-01",
                               "back": "item", "csrfmiddlewaretoken": c.cookies["csrftoken"].value})
    page = r.content.decode()   # refused: the item's page again, the form as typed
    assert r.status_code == 200 and "未能调整公开属性：公开属性为“不予公开”时须写明理由" in page
    assert "<tr><th>标题</th><td>公示1</td></tr>" in page and 'class="refused" id="refused" data-log="attribute"' in page
    assert c.get(f"{url}item/D1999-000001/").status_code == 404


def test_a_clerk_corrects_and_voids_on_the_items_page_and_a_stale_choice_is_refused(django_env, world):
    """更正 and 作废 on an item's own page, with the CLI's checks: the original entry stays, marked;
    the facts and the history follow; a choice made on a page gone stale (another clerk's entry
    since moved the numbers) is refused rather than applied to another entry."""
    from datetime import date

    from gongkai.log.store import DisclosureLog, NewItem, Review
    from gongkai.web.registers import register_url

    a = world["a"]
    with DisclosureLog(register_url(a.pk), today=date(2026, 3, 10), create=True) as log:   # the web's day
        ref = log.add(NewItem("某通知", "other", date(2025, 3, 3), reviews=[
            Review(s, "王", date(2025, 3, 3)) for s in ("draft", "check", "sign")]), "张会计")
        log.publish(ref, "公开栏", "", date(2025, 3, 5), "张会计")
        pub = log.get(ref).recorded.publications[0].id
        item_id = log.get(ref).id
    c, url, _ = _log_page(world)
    item = f"{url}item/{ref}/"
    page = c.get(item).content.decode()
    assert f'<option value="1:registered:{item_id}:title">第1条 登记 2025-03-03 — 标题（现为 某通知）</option>' in page
    assert f'<option value="5:published:{pub}">第5条 公开 2025-03-05</option>' in page

    def post(**data):
        return c.post(url + "event", {**data, "ref": ref, "back": "item",
                                      "csrfmiddlewaretoken": c.cookies["csrftoken"].value})

    r = post(what="amend", target=f"1:registered:{item_id}:title", value="关于某事项的通知", reason="标题不全")
    assert r.status_code == 302 and r["Location"] == item
    page = c.get(item).content.decode()
    assert "已更正 " + ref + " 第1条的标题：“某通知” → “关于某事项的通知”（原记录保留）。" in page
    assert "<tr><th>标题</th><td>关于某事项的通知</td></tr>" in page
    assert '2025-03-03 登记 <span class="mark late">已更正标题（见第6条）</span>' in page
    assert "第1条的标题：“某通知” → “关于某事项的通知”；理由：标题不全" in page
    r = post(what="amend", target=f"5:published:{pub}:on", value="2025-03-01", reason="日期错")   # the CLI's rules
    page = r.content.decode()
    assert r.status_code == 200 and "未能更正：更正后，公开日期 2025-03-01 早于形成日期 2025-03-03" in page
    assert 'class="refused" id="refused" data-log="amend"' in page
    # another clerk voids entry 5 meanwhile; a page still offering it as 5 is refused
    with DisclosureLog(register_url(a.pk), today=date(2026, 3, 10), create=True) as log:   # the web's day
        log.void(ref, 5, "登记错条目", "李会计")
    r = post(what="void", entry=f"5:published:{pub}", reason="登记错条目")
    assert "未能作废：第5条已作废（第7条），不能再更正或作废" in r.content.decode()
    r = post(what="void", entry=f"2:published:{pub}", reason="x")
    assert (f"未能作废：{ref} 的登记记录在您打开页面后有了变动，第2条已不是您所选的记录；请核对最新的登记记录后重新选择"
            in r.content.decode())
    page = c.get(item).content.decode()
    assert "<tr><th>公开</th><td>—</td></tr>" in page and f'value="5:published:{pub}"' not in page
    r = post(what="void", entry=f"1:registered:{item_id}", reason="重复登记")
    page = c.get(item).content.decode()
    assert '<p class="refused" id="voided">该条目的登记已作废，不计入台账统计；登记记录保留如下。</p>' in page
    assert 'data-log="amend"' not in page   # nothing more is recorded on a voided item


def test_a_bodys_export_carries_the_site_notices_its_dates_count_on(django_env, world, monkeypatch, tmp_path):
    """A body's export holds the site's holiday notices (录入节假日安排 rows): a register taken off
    the site keeps its dates (2027-01-20 on the notice, not 2027-01-19（推算） by rule), and a site
    that has not entered the year refuses the file, saying who enters it, rather than move them."""
    from gongkai.register.exchange import import_file
    from gongkai.register.store import Register
    from gongkai.web.registers import calendar_store
    from gongkai.workdays import add_notice
    from gongkai.workdays.calendar import days_from_text

    monkeypatch.setattr(django_env, "REGISTER_DIR", tmp_path / "site1" / "registers")   # a site of this test's own
    monkeypatch.setattr(django_env, "TODAY", "2026-12-31")
    days = days_from_text("2027-01-01..2027-01-04,2027-02-05..2027-02-11,2027-04-05,2027-05-01..2027-05-05,"
                          "2027-06-09,2027-09-15,2027-10-01..2027-10-07", "测试", "holidays")
    add_notice(calendar_store(), 2027, days, set(), "国办发明电〔2026〕测试号（虚构）", "系统管理员")
    a, b = world["a"], world["b"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/")
    r = c.post(f"/register/{a.pk}/new", {"applicant_type": "natural_person", "applicant_name": "钱七",
                                         "channel": "in_person", "content": "跨年的申请", "submitted_on": "2026-12-21",
                                         "csrfmiddlewaretoken": token})
    ref = r["Location"].rstrip("/").rsplit("/", 1)[1]
    exported = c.get(f"/register/{a.pk}/export.csv?contact=1").content
    header, first = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))[:2]
    notice = dict(zip(header, first))
    assert (notice["事项"], notice["年度"], notice["文号"], notice["经办人"]) == (
        "录入节假日安排", "2027", "国办发明电〔2026〕测试号（虚构）", "系统管理员")
    path = tmp_path / "导出.csv"
    path.write_bytes(exported)
    with Register(str(tmp_path / "命令行.db"), today=date(2026, 12, 31), create=True) as reg:   # off the site: the same date
        assert import_file(reg, path, "王文书") == [ref]
        assert reg.get(ref).due_text == "2027-01-20"
    monkeypatch.setattr(django_env, "REGISTER_DIR", tmp_path / "site2" / "registers")   # a site without 2027
    cb = client_for(world["clerk_b"])
    page = _upload(cb, f"/register/{b.pk}/import", _csrf(cb, f"/register/{b.pk}/"), "导出.csv", exported)
    assert ("第2行：文件中的期限按 2027 年节假日安排（国办发明电〔2026〕测试号（虚构））计算，网站尚未录入该年的安排："
            "请系统管理员先在“节假日安排”页（/register/calendar/）录入") in page
    assert ref not in page


def test_a_refused_log_import_names_the_vocabulary_files_place_to_the_administrator_only(
        django_env, world, monkeypatch, tmp_path):
    """A 主动公开台账 whose channels come from another machine's site vocabulary is refused with
    where to copy that file (6c41b26): the clerk saw the server's path to it; they see its name, the
    administrator, who copies it, the whole path."""
    from gongkai.cli import main

    site = tmp_path / "旧电脑" / "disclosure.yaml"
    site.parent.mkdir()
    site.write_text("channels:\n  rongmei: {label: 区融媒体中心, aliases: [融媒体], columns: []}\n", encoding="utf-8")
    monkeypatch.setenv("GONGKAI_DISCLOSURE_VOCAB", str(site))
    old, path = ("--db", str(tmp_path / "旧.db")), tmp_path / "台账.csv"
    assert main(["log", "add", *old, "--title", "通知", "--kind", "其他", "--made", "2026-11-02", "--existing"]) == 0
    assert main(["log", "publish", "D2026-000001", *old, "--channel", "融媒体", "--on", "2026-11-05",
                 "--actor", "甲"]) == 0
    assert main(["log", "export", str(path), *old]) == 0
    monkeypatch.delenv("GONGKAI_DISCLOSURE_VOCAB")
    # an export of before the log's own words travelled with it (they do now: the test below)
    older = "\n".join(line for line in path.read_text(encoding="utf-8-sig").splitlines() if "公开渠道词表" not in line)
    a = world["a"]
    for who in ("clerk_a", "admin"):
        c = client_for(world[who])
        page = _upload(c, f"/register/{a.pk}/log/import", _csrf(c, f"/register/{a.pk}/log/"), "台账.csv",
                       older.encode("utf-8"), what="documents")
        # the site's vocabulary file: the test site's, under a temporary folder of the server
        [shown] = re.findall(r"复制为本机的 (\S+)，再重新导入", page)
        assert shown.endswith(".yaml") and shown.startswith("/") == (who == "admin"), (who, shown)


def test_a_log_with_its_own_channel_moves_to_the_site_whole_and_the_page_offers_it(
        django_env, world, monkeypatch, tmp_path):
    """The office's own channel (its machine's site vocabulary) travels with `log export` and the
    web's import adopts it: the item page says the channel, not its code, and the log's forms offer
    it for the next publication, though the site's vocabulary file lacks it."""
    from gongkai.cli import main

    site = tmp_path / "旧电脑" / "disclosure.yaml"
    site.parent.mkdir()
    site.write_text("channels:\n  rongmei: {label: 区融媒体中心, aliases: [融媒体], columns: []}\n", encoding="utf-8")
    monkeypatch.setenv("GONGKAI_DISCLOSURE_VOCAB", str(site))
    old, path = ("--db", str(tmp_path / "旧.db")), tmp_path / "台账.xlsx"
    assert main(["log", "add", *old, "--title", "通知", "--kind", "其他", "--made", "2026-02-02", "--existing"]) == 0
    assert main(["log", "publish", "D2026-000001", *old, "--channel", "融媒体", "--on", "2026-02-05",
                 "--actor", "甲"]) == 0
    assert main(["log", "export", str(path), *old]) == 0
    monkeypatch.delenv("GONGKAI_DISCLOSURE_VOCAB")
    a = world["a"]
    c = client_for(world["clerk_a"])
    page = _upload(c, f"/register/{a.pk}/log/import", _csrf(c, f"/register/{a.pk}/log/"), "台账.xlsx",
                   path.read_bytes(), what="documents")
    assert "已导入 1 件文件和信息。" in page
    item = c.get(f"/register/{a.pk}/log/item/D2026-000001/").content.decode()
    assert "<tr><th>公开</th><td>区融媒体中心 2026-02-05</td></tr>" in item
    assert '<li value="2">2026-02-05 公开<br><small>公开渠道：区融媒体中心</small>' in item
    assert '<option value="rongmei">区融媒体中心</option>' in item
    assert '<option value="rongmei">区融媒体中心</option>' in c.get(f"/register/{a.pk}/log/").content.decode()
