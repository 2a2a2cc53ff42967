"""汇总 and 名录 over a small corpus of two regions: the region filter reaches every panel, a
stored report opens with its findings, reports are uploaded into the corpus from the browser,
and the roster says who published (on time or late), with what defects, and who has not."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from gk_web_support import client_for, corpus_of, django_env, huaian_reports, seed, synthetic_report, world  # noqa: F401

from tests.conftest import EXAMPLES

YEAR = 2025
# (name in the report, date signed): 淮安市清江浦区 bodies' 2025 reports
HUAIAN = [("淮安市清江浦区住房和城乡建设局", date(2026, 1, 20)),   # a department, on time
          ("淮安市清江浦区教育局", date(2026, 2, 10)),             # a department, 10 days late
          ("淮安市清江浦区人民政府", date(2026, 3, 5)),             # a government: due 31 March
          ("清江浦区财政局", date(2026, 1, 10))]                    # signed without the city


@pytest.fixture(scope="module")
def corpus(django_env, tmp_path_factory):
    """A corpus of its own: two Ningxia seeds (2021) and the 淮安 reports above."""
    folder = tmp_path_factory.mktemp("corpus")
    with corpus_of(folder, [str(seed("000")), str(seed("002"))] + huaian_reports(folder, HUAIAN, YEAR)) as url:
        yield url


def _store(url):
    from gongkai.corpus.store import Store

    return Store(url)


def _docs(url, prefix: str) -> dict[str, int]:
    with _store(url) as store:
        return {agency: i for i, agency in store.query(
            "SELECT d.id, d.agency FROM documents d JOIN agencies a ON a.agency_key = d.agency_key "
            "WHERE a.code LIKE ?", (f"{prefix}%",))}


def _rule_counts(url, prefix: str) -> dict[str, int]:
    with _store(url) as store:
        return dict(store.query(
            "SELECT f.rule, COUNT(*) FROM findings f JOIN documents d ON d.id = f.document_id "
            "JOIN agencies a ON a.agency_key = d.agency_key WHERE a.code LIKE ? GROUP BY f.rule", (f"{prefix}%",)))


def test_region_filter_reaches_every_panel(corpus, world):
    c = client_for(world["supervisor"])            # supervises 320800: the page starts at 3208
    for prefix, here, elsewhere in (("3208", "清江浦区", "红寺堡"), ("64", "红寺堡", "清江浦区")):
        html = c.get(f"/survey/?region={prefix}" if prefix == "64" else "/survey/").content.decode()
        assert f'value="{prefix}"' in html
        matrix = html.split('id="matrix"')[1].split("</table>")[0]
        assert sorted(re.findall(r"<tr><th><a href=\"[^\"]*\">([^<]+)</a></th><td>", matrix)) == sorted(_docs(corpus, prefix))
        rules = html.split('id="rules"')[1].split("</table>")[0]
        shown = {r: int(n) for r, n in re.findall(r"<code class=\"rule-id\">([A-Z0-9-]+)</code></td><td class=\"num\">(\d+)<", rules)}
        assert shown == _rule_counts(corpus, prefix)
        stats = html.split('id="stats"')[1].split("</table>")[0]
        charts = html.split('id="charts"')[1]
        assert here in stats + charts or prefix == "64"
        assert elsewhere not in stats and elsewhere not in charts and elsewhere not in matrix
        reports = sum(int(n) for n in re.findall(r"<tr><td>[^<]*</td><td>\d*</td><td class=\"num\">(\d+)<", stats))
        assert reports == len(_docs(corpus, prefix))
    html = c.get("/survey/?region=64").content.decode()
    # 吴忠市 2021: 红寺堡镇's report has no table 3 — 本年新收 rests on 1 of the 2 reports, and says so
    assert '<td class="num partial" title="只依据 1/2 份报告">' in html.split('id="stats"')[1].split("</table>")[0]
    assert "标 + 的数字只依据部分报告" in html and "（1/2份）" in html.split('id="charts"')[1]
    html = c.get("/survey/?region=3208").content.decode()
    assert "只含地区 <strong>3208（江苏省淮安市）</strong> 的报告" in html
    # Each chart fits a 390 px phone at its own size: one 600 px wide was shrunk to half, its
    # labels to an unreadable 6 px.
    widths = [int(w) for w in re.findall(r'<svg [^>]*width="(\d+)"', html.split('id="charts"')[1])]
    assert len(widths) == 9 and max(widths) <= 370, widths
    # the same filter in the API
    d = c.get("/api/corpus/stats?region=3208&level=county").json()
    assert d["findings_by_rule"] == dict(sorted(_rule_counts(corpus, "3208").items(), key=lambda kv: (-kv[1], kv[0])))
    assert {r["code"] for r in d["rows"]} == {"320812"} and d["counts"] == {"ok": 4}


def test_bad_filters_are_refused_in_chinese(corpus, world):
    c = client_for(world["supervisor"])
    r = c.get("/survey/?level=bogus")
    assert r.status_code == 400 and "层级“bogus”无效" in r.content.decode()
    r = c.get("/api/corpus/stats?level=bogus")
    assert r.status_code == 400 and r.json()["error"].startswith("层级“bogus”无效")
    assert "层级" in r.content.decode("utf-8") and "\\u" not in r.content.decode("utf-8")    # not \u-escaped
    by_name = c.get("/api/corpus/stats", {"region": "淮安"}).json()
    assert by_name == c.get("/api/corpus/stats", {"region": "3208"}).json() and by_name["rows"]
    r = c.get("/survey/?region=淮阴市")   # a name is taken, as on the command line; one that names nothing is refused
    assert r.status_code == 400 and "地区“淮阴市”无效：没有找到这个行政区划。" in r.content.decode()


def test_a_stored_report_opens_with_its_findings(corpus, world):
    c = client_for(world["clerk_a"])              # published reports: any signed-in user
    doc = _docs(corpus, "3208")["淮安市清江浦区教育局"]
    html = c.get("/survey/?region=3208").content.decode()
    assert f'href="/survey/report/{doc}/"' in html
    page = c.get(f"/survey/report/{doc}/").content.decode()
    with _store(corpus) as store:
        expected = store.query("SELECT rule, message FROM findings WHERE document_id = ? ORDER BY seq", (doc,))
    assert re.findall(r'<li class="finding" data-rule="([^"]+)"', page) == [r for r, _ in expected]
    for _, message in expected:
        assert message.replace("“", "&ldquo;")[:10] in page or message[:10] in page
    assert "淮安市清江浦区教育局 2025年度" in page and "<td>2026-02-10</td>" in page
    assert 'id="cell-table3.new_received.total"' in page           # the tables, as read
    d = c.get(f"/api/corpus/reports/{doc}").json()
    assert [f["rule"] for f in d["findings"]] == [r for r, _ in expected]
    assert d["report"]["agency"] == "淮安市清江浦区教育局" and d["published"] == "2026-02-10"
    # one wording wherever a missing number is met (the API said 语料库中没有编号为 #999999 的报告,
    # compare 999999：语料库中没有这个编号的已解析报告…)
    missing = "语料库中没有编号为 #999999 的报告（各报告的编号见 gongkai export 导出的 reports 表 report_id 列）。"
    r = c.get("/survey/report/999999/")
    assert r.status_code == 404 and missing in r.content.decode()
    r = c.get("/api/corpus/reports/999999")
    assert (r.status_code, r.json()) == (404, {"error": missing})
    r = c.get("/api/corpus/compare", {"a": "999999", "b": str(doc)})
    assert (r.status_code, r.json()) == (404, {"error": missing})


def test_compare_names_cells_in_chinese(corpus, world):
    c = client_for(world["supervisor"])
    docs = _docs(corpus, "3208")
    a, b = docs["淮安市清江浦区教育局"], docs["淮安市清江浦区人民政府"]
    with _store(corpus) as store:
        store.execute("UPDATE documents SET report_json = replace(report_json, '\"new_received\": {\"natural_person\": 0',"
                      " '\"new_received\": {\"natural_person\": 7') WHERE id = ?", (b,))
    d = c.get(f"/api/corpus/compare?a={a}&b={b}").json()
    assert {"cell": "table3.new_received.natural_person", "label": "表三“一、本年新收政府信息公开申请数量”行“自然人”列",
            "a": 0, "b": 7, "a_mark": None, "b_mark": None} in d["cell_differences"]
    html = c.get(f"/survey/compare?a={a}&b={b}").content.decode()
    assert "表三“一、本年新收政府信息公开申请数量”行“自然人”列" in html
    assert ">table3.new_received.natural_person<" not in html


def test_rollup_marks_each_partial_sum_and_names_whom_it_lacks(django_env, world, tmp_path):
    # 清江浦区 2024, as `gongkai rollup --region 320812`: three departments summed — 教育局 prints
    # "/" across 本年新收; 行政审批局 (a crawler's text) printed its 行政规范性文件 digits run together
    # (15621: six cuts, left null).  Those sums are partial, marked + and say whose figures they
    # lack; the complete sums are not marked.  The 区人民政府's own report is a whole-area report:
    # not added, but compared with the sum.
    from gongkai.load import load

    crawler = tmp_path / "审批局.txt"
    crawler.write_text((EXAMPLES / "crawler-text" / "ptzhsyqhzs-2024.txt").read_text(encoding="utf-8")
                       .replace("平潭综合实验区", "淮安市清江浦区"), encoding="utf-8")
    blank = tmp_path / "blank.txt"
    text = synthetic_report("淮安市清江浦区教育局", 2024, date(2025, 1, 20))
    row = "一、本年新收到政府信息公开申请数量\t\t" + "\t".join("0" * 7)
    assert row in text
    blank.write_text(text.replace(row, row.replace("0", "/")), encoding="utf-8")
    paths = huaian_reports(tmp_path, [("淮安市清江浦区住房和城乡建设局", date(2025, 1, 15)),
                                      ("淮安市清江浦区人民政府", date(2025, 3, 20))], 2024)
    approval, own = load(str(crawler)), load(paths[1])
    with corpus_of(tmp_path, [*paths, str(blank), str(crawler)]) as url:
        c = client_for(world["supervisor"])
        html = c.get("/survey/?region=320812&level=city&rollup_year=2024").content.decode()
        d = c.get("/api/corpus/rollup?year=2024&region=320812").json()
        # the crawler text's own page: its tables' marks are explained, as on the check page
        page = c.get(f"/survey/report/{_docs(url, '3208')['淮安市清江浦区行政审批局']}/").content.decode()
    legend = page.split('<p class="legend">')[1].split("</p>")[0]
    assert "无法确定" in legend and '<sup class="mark">#</sup>' in legend

    def cell(cell_id):
        m = re.search(rf'<td id="cell-{re.escape(cell_id)}" class="([^"]*)"(?: title="([^"]*)")?>(.*?)</td>', html)
        assert m is not None, cell_id
        return m.groups()

    assert "江苏省淮安市清江浦区（320812） 2024 年度，3 份乡镇、部门报告相加" in html
    person = "table3.new_received.natural_person"
    assert cell(person) == ("num partial", "部分合计：淮安市清江浦区教育局 此格空白",
                            f'{approval.value(person)}<sup class="mark">+<span class="vh">（部分合计）</span></sup>')
    assert cell("table2.art20_1.normative_docs.made") == (
        "num partial", "部分合计：淮安市清江浦区行政审批局 数字连写无法确定",
        '0<sup class="mark">+<span class="vh">（部分合计）</span></sup>')
    assert cell("table3.new_received.total") == (
        "num partial", "部分合计：淮安市清江浦区教育局 此格空白",
        f'{approval.value("table3.new_received.total")}<sup class="mark">+<span class="vh">（部分合计）</span></sup>')
    assert cell("table3.granted.total") == ("num", None, str(approval.value("table3.granted.total")))
    partial = sum(c["status"] == "partial" for c in d["coverage"].values())
    assert f"{partial} 格是部分合计，标 +" in html and f"部分合计的 {partial} 格：缺哪些报告" in html
    assert ("<tr><td>表二“行政规范性文件”行“本年制发件数”列</td><td class=\"num\">0+<span class=\"vh\">（部分合计）</span></td>"
            "<td>淮安市清江浦区行政审批局 数字连写无法确定</td></tr>") in html
    assert d["coverage"][person] == {"status": "partial", "numbers": 2, "blank": ["淮安市清江浦区教育局"],
                                     "missing": [], "undecided": [], "unsound": [], "contradicted": []}
    # 行政审批局's own 行政复议 row does not add up (总计 0, its parts 1): added as printed, and the
    # page, the sums over that row and the API say whose and which row (they added it without a word)
    assert ('<div class="error" id="rollup-unsound"><p>1 份相加的报告自身的合计不成立（1 处），其数字按原样计入合计、'
            "未作更正；用到这些数字的合计标 !（只标可能有误的格：单改这一格（改后不小于 0）就能使不成立的合计成立；"
            "其中有的格不在任何成立的合计里时，只标这些）：</p>\n<ul><li>淮安市清江浦区行政审批局：表四“行政复议”：总计为 0，"
            "而结果维持、结果纠正、其他结果、尚未审结之和为 1，相差 1。</li></ul></div>") in html
    assert cell("table4.review.total") == (
        "num unsound", "含不平的报告：淮安市清江浦区行政审批局 报告自身此处的合计不成立，按原样计入（未作更正）",
        f'{d["table4"]["review"]["total"]}<sup class="mark">!<span class="vh">（含不平的报告）</span></sup>')
    assert d["unsound"] == [{"report": "淮安市清江浦区行政审批局", "rule": "T4-TOTAL", "cells": [
        f"table4.review.{c}" for c in ("total", "upheld", "corrected", "other", "pending")],
        "message": "表四“行政复议”：总计为 0，而结果维持、结果纠正、其他结果、尚未审结之和为 1，相差 1"}]
    assert d["coverage"]["table4.review.upheld"]["unsound"] == ["淮安市清江浦区行政审批局"]
    # and a difference from the region's own report over such a cell may be that report's error
    assert [x for x in d["against"]["differences"] if x["cell"].startswith("table4.review")] == [
        {"cell": "table4.review.upheld", "sum": 1, "report": 0,
         "status": "不一致（淮安市清江浦区行政审批局 自身此处的合计不成立）"}]
    assert d["coverage"]["table2.art20_1.normative_docs.made"]["undecided"] == ["淮安市清江浦区行政审批局"]
    # the region's own report: compared, not added; a difference on a partial sum may be the gaps
    assert d["region"]["own_report"].endswith("淮安市清江浦区人民政府") and d["region"]["not_added"] == {
        "lower_governments": [], "duplicates": []}
    differences = {x["cell"]: x for x in d["against"]["differences"]}
    granted = approval.value("table3.granted.total")
    assert differences["table3.granted.total"] == {"cell": "table3.granted.total", "sum": granted,
                                                   "report": own.value("table3.granted.total"), "status": "不一致"}
    assert (f"合计与本级报告 {d['region']['own_report']} 有 {len(differences)} 格不同" in html
            and f'<tr><td>表三“（一）予以公开”行“总计”列</td><td class="num">{granted}</td>'
                f'<td class="num">{own.value("table3.granted.total")}</td><td>不一致</td></tr>' in html)
    # The region's statistics: the 区人民政府's report is the whole district's, so its three
    # departments are counted as reports but not added again (the sum counted their requests
    # twice, and the 教育局's blank made it look partial).
    stats = html.split('id="stats"')[1].split("</table>")[0]
    received = own.value("table3.new_received.total")
    assert f'<tr><td>淮安市</td><td>2024</td><td class="num">4</td><td class="num">{received}</td>' in stats
    assert 'title="只依据' not in stats
    covered = html.split('id="stats-covered"')[1].split("</p>")[0]
    assert covered.count("的全地区报告中）") == 3 and "淮安市清江浦区教育局 2024（已含在 #" in covered


def test_supervisor_uploads_reports_into_the_corpus(corpus, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = synthetic_report("淮安市清江浦区水利局", YEAR, date(2026, 1, 28)).encode()
    c = client_for(world["supervisor"])
    c.get("/survey/")
    token = c.cookies["csrftoken"].value
    def upload(files: list, body: str) -> tuple[str, str]:
        """The page after uploading ``files``, and where the corpus keeps ``body``'s report."""
        html = c.post("/survey/upload", {"file": files, "region": "3208", "csrfmiddlewaretoken": token},
                      follow=True).content.decode()
        assert "已导入语料库：新增 1 份，更新 0 份" in html
        assert body in html.split('id="matrix"')[1].split("</table>")[0]
        with _store(corpus) as store:
            return html, store.query("SELECT path FROM documents WHERE agency = ?", (body,))[0][0]

    html, path = upload([SimpleUploadedFile("水利局2025年报.txt", report), SimpleUploadedFile("空.txt", b"   \n")],
                        "淮安市清江浦区水利局")
    assert "空.txt：未能读取" in html
    # and stays listed on the page (it was said once, in a message gone at the next page)
    page = c.get("/survey/").content.decode()
    failures = page.split('<details id="failures">')[1].split("</details>")[0]
    assert "<summary>语料库中未能读取的文件 1 个（不分地区：读不出机关，也就不知属于哪个地区）</summary>" in failures
    assert re.findall(r"<li>([^<]+)</li>", failures) == ["空.txt：文件为空。"]
    # A report of another region, uploaded on the page filtered to 3208: the page does not list it,
    # and says so (18 of a ZIP of 20 were "added" while the page showed 3).
    other = (EXAMPLES / "crawler-text" / "ptzhsyqgwh-2019.txt").read_bytes()
    html = c.post("/survey/upload", {"file": [SimpleUploadedFile("管委会办公室2019.txt", other)], "region": "3208",
                                     "csrfmiddlewaretoken": token}, follow=True).content.decode()
    elsewhere = '<li class="warning">其中不在地区 3208 的报告本页不列出：福建省福州市 1 份。<a href="/survey/?region=">看全部地区</a></li>'
    assert elsewhere in html
    with _store(corpus) as store:
        store.execute("DELETE FROM documents WHERE agency = '平潭综合实验区管委会办公室'")
    # the same report in a corpus's export (gongkai export --to jsonl), taken back as it was: said alike
    from gongkai.cli import main

    folder = Path(corpus).parent / "export"
    assert main(["ingest", str(EXAMPLES / "crawler-text" / "ptzhsyqgwh-2019.txt"), "--db", str(folder / "c.db"), "-q",
                 "-j", "1"]) == 0
    assert main(["export", "--db", str(folder / "c.db"), "--to", "jsonl", "-o", str(folder / "c.jsonl")]) == 0
    html = c.post("/survey/upload", {"file": [SimpleUploadedFile("c.jsonl", (folder / "c.jsonl").read_bytes())],
                                     "region": "3208", "csrfmiddlewaretoken": token}, follow=True).content.decode()
    assert "已导入语料库：新增 1 份，更新 0 份。" in html and elsewhere in html
    with _store(corpus) as store:
        store.execute("DELETE FROM documents WHERE agency = '平潭综合实验区管委会办公室'")
    # kept under the site's home, as its provenance says
    assert path.endswith("水利局2025年报.txt") and "corpus-uploads" in path
    # A ZIP of reports is imported as `gongkai ingest` imports it, and a file of a wrong type
    # is refused by itself: it refused the whole upload (the ZIP too), naming only itself.
    import io
    import zipfile

    pack = io.BytesIO()
    with zipfile.ZipFile(pack, "w") as zf:
        zf.writestr("农业农村局2025年报.txt", synthetic_report("淮安市清江浦区农业农村局", YEAR, date(2026, 1, 26)))
    html, path = upload([SimpleUploadedFile("各局.zip", pack.getvalue()),
                         SimpleUploadedFile("名单.xls", b"\xd0\xcf\x11\xe0")], "淮安市清江浦区农业农村局")
    assert "未能导入：名单.xls：不支持的文件类型“.xls”" in html
    assert path.endswith("各局.zip!农业农村局2025年报.txt")
    with _store(corpus) as store:
        store.execute("DELETE FROM documents WHERE agency = '淮安市清江浦区农业农村局'")
    # What a ZIP holds besides reports is said (a ZIP inside it was left out without a word); a ZIP of
    # 20,000 tiny files kept the request going for minutes: the page takes MAX_UPLOAD_MEMBERS at most.
    nested, many = io.BytesIO(), io.BytesIO()
    with zipfile.ZipFile(nested, "w") as zf:
        zf.writestr("各乡镇.zip", pack.getvalue())
        zf.writestr("名单.xlsx", b"PK")
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(2001):
            zf.writestr(f"{i}.txt", "x")
    html = c.post("/survey/upload", {"file": [SimpleUploadedFile("套.zip", nested.getvalue()),
                                              SimpleUploadedFile("多.zip", many.getvalue())],
                                     "csrfmiddlewaretoken": token}, follow=True).content.decode()
    assert ("未能导入：套.zip 中的 各乡镇.zip、名单.xlsx：不是可读取的报告文件（压缩包中的压缩包请先解压后上传）。" in html
            and "未能导入：多.zip：压缩包中有 2001 个报告文件，网页上一次最多导入 2000 个：请分成几个压缩包上传，"
                "或用命令 gongkai ingest 导入。" in html and "已导入语料库：新增 0 份，更新 0 份。" in html)
    # a clerk may not
    clerk = client_for(world["clerk_a"])
    clerk.get("/survey/")
    r = clerk.post("/survey/upload", {"file": SimpleUploadedFile("x.txt", report),
                                      "csrfmiddlewaretoken": clerk.cookies["csrftoken"].value})
    assert r.status_code == 403
    with _store(corpus) as store:
        store.execute("DELETE FROM documents WHERE agency = '淮安市清江浦区水利局'")


def test_a_corpus_upload_stops_when_the_supervisor_has_left(corpus, world):
    """A ZIP of up to 2,000 reports was ingested to its end for a visitor who had gone away."""
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    pack = io.BytesIO()
    with zipfile.ZipFile(pack, "w") as zf:
        for i in range(10):
            zf.writestr(f"{i}.txt", synthetic_report(f"淮安市清江浦区第{i}街道办事处", YEAR, date(2026, 1, 20)))
    c = client_for(world["supervisor"])
    c.get("/survey/")
    html = c.post("/survey/upload", {"file": SimpleUploadedFile("街道.zip", pack.getvalue()),
                                     "csrfmiddlewaretoken": c.cookies["csrftoken"].value},
                  follow=True, **{"waitress.client_disconnected": lambda: True}).content.decode()
    assert "未能导入：访客已离开，导入在第 1 个文件（共 10 个）后停止；已导入的报告保留在语料库中。" in html
    with _store(corpus) as store:
        stored = store.query("SELECT count(*) FROM documents WHERE agency LIKE '淮安市清江浦区第%街道办事处'")[0][0]
        store.execute("DELETE FROM documents WHERE agency LIKE '淮安市清江浦区第%街道办事处'")
    assert 1 <= stored < 10


ROSTER = [("淮安市清江浦区住房和城乡建设局", "320812"), ("淮安市清江浦区教育局", "320812"),
          ("淮安市清江浦区人民政府", "320812"), ("淮安市清江浦区财政局", "320812"),
          ("淮安市清江浦区卫生健康委员会", "320812"), ("淮安市清江浦区长西街道办事处", "320812"),
          ("同心县人民政府", "640324")]


@pytest.fixture
def roster(corpus, world):
    from gongkai.web.models import RosterEntry

    RosterEntry.objects.all().delete()
    admin = client_for(world["admin"])
    admin.get("/roster/")
    text = "机关名称,行政区划代码\n" + "\n".join(f"{n},{c}" for n, c in ROSTER)
    r = admin.post("/roster/import", {"text": text, "csrfmiddlewaretoken": admin.cookies["csrftoken"].value},
                   follow=True)
    assert "已导入名录 7 个机关（新增 7 个，更新 0 个）" in r.content.decode()
    yield
    RosterEntry.objects.all().delete()


EXPECTED = [  # name, deadline, status, published, days late, errors: as of 2026-03-10
    ("淮安市清江浦区住房和城乡建设局", "2026-01-31", "on_time", "2026-01-20", None),
    ("淮安市清江浦区教育局", "2026-01-31", "late", "2026-02-10", 10),
    ("淮安市清江浦区人民政府", "2026-03-31", "on_time", "2026-03-05", None),
    ("淮安市清江浦区财政局", "2026-01-31", "on_time", "2026-01-10", None),
    ("淮安市清江浦区卫生健康委员会", "2026-01-31", "overdue", None, None),
    ("淮安市清江浦区长西街道办事处", "2026-03-31", "not_due", None, None),
]


def test_roster_says_who_published_late_or_not_at_all(roster, corpus, world):
    c = client_for(world["supervisor"])
    d = c.get(f"/api/roster?year={YEAR}").json()
    assert d["region"] == "3208" and d["as_of"] == "2026-03-10"
    got = [(b["name"], b["deadline"], b["status"], b["published"], b["days_late"]) for b in d["bodies"]]
    assert sorted(got) == sorted(EXPECTED)                       # 同心县 is not in this supervisor's region
    docs = _docs(corpus, "3208")
    by_name = {b["name"]: b for b in d["bodies"]}
    assert by_name["淮安市清江浦区财政局"]["report_id"] == docs["清江浦区财政局"]      # signed without the city
    assert by_name["淮安市清江浦区财政局"]["report_agency"] == "清江浦区财政局"
    with _store(corpus) as store:
        errors = store.query("SELECT COUNT(*) FROM findings WHERE document_id = ? AND severity = 'error'",
                             (docs["淮安市清江浦区教育局"],))[0][0]
    assert by_name["淮安市清江浦区教育局"]["findings"]["error"] == errors
    assert d["summary"] | {} == {**d["summary"], "total": 6, "published": 4, "on_time": 3, "late": 1,
                                 "overdue": 1, "not_due": 1, "missing": 2}
    html = c.get(f"/roster/?year={YEAR}").content.decode()
    row = next(r for r in html.split("<tr ") if 'data-name="淮安市清江浦区教育局"' in r)
    assert '<span class="mark late">逾期公开</span><br><small>晚 10 天</small>' in row
    assert f'href="/survey/report/{docs["淮安市清江浦区教育局"]}/"' in row
    missing = c.get(f"/roster/?year={YEAR}&status=missing").content.decode()
    assert re.findall(r'data-name="([^"]+)"', missing) == ["淮安市清江浦区卫生健康委员会", "淮安市清江浦区长西街道办事处"]
    assert '<span class="mark overdue">逾期未公开</span>' in missing
    # exports: the same rows
    r = c.get(f"/roster/export.csv?year={YEAR}")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["机关名称", "行政区划代码", "机关类型", "报告年度", "公开期限", "状态"]
    assert sorted((r[0], r[4], r[5], r[6]) for r in rows[1:]) == sorted(
        (n, due, {"on_time": "按期公开", "late": "逾期公开", "overdue": "逾期未公开", "not_due": "未到期，尚未公开"}[s],
         p or "") for n, due, s, p, _ in EXPECTED)
    from openpyxl import load_workbook

    xlsx = c.get(f"/roster/export.xlsx?year={YEAR}").content
    wb = load_workbook(io.BytesIO(xlsx))
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:     # no clock in the file: the same list, the same bytes
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    sheet = [[c.value for c in r] for r in wb.active.iter_rows()]
    assert sheet[0] == rows[0] and len(sheet) == len(rows)
    assert sorted(str(x[0]) for x in sheet[1:]) == sorted(r[0] for r in rows[1:])
    # the administrator sees every region; a clerk none
    assert len(client_for(world["admin"]).get(f"/api/roster?year={YEAR}").json()["bodies"]) == 7
    assert client_for(world["clerk_a"]).get("/roster/").status_code == 403
    assert client_for(world["clerk_a"]).get("/api/roster").status_code == 403
    assert client_for(None).get("/api/roster").status_code == 401
    assert c.get("/api/roster?region=64").status_code == 400          # outside its region


def test_roster_entries_are_checked_and_a_bad_list_imports_nothing(roster, world):
    from gongkai.web.models import RosterEntry

    c = client_for(world["supervisor"])
    c.get("/roster/")
    token = c.cookies["csrftoken"].value
    before = RosterEntry.objects.count()
    r = c.post("/roster/import", {"text": "淮安市清江浦区审计局,320812\n某县某局,6403\n宁夏某局,640324",
                                  "csrfmiddlewaretoken": token}, follow=True)
    html = r.content.decode()
    assert "名录有 2 处问题，未导入任何一行" in html
    assert "第2行：“某县某局”的行政区划代码“6403”无效：应为 6 位数字，如 320812" in html
    assert "第3行：“宁夏某局”的行政区划代码 640324 不在您监督的地区（3208）内" in html
    assert RosterEntry.objects.count() == before
    # an uploaded CSV in GB18030, as Excel on Chinese Windows saves it
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = "机关名称,行政区划代码,机关类型,其他名称\n淮安市清江浦区审计局,320812,部门,清江浦区审计局\n".encode("gb18030")
    r = c.post("/roster/import", {"file": SimpleUploadedFile("名录.csv", data), "csrfmiddlewaretoken": token},
               follow=True)
    assert "已导入名录 1 个机关（新增 1 个，更新 0 个）" in r.content.decode()
    # an unreadable upload is named by the name it was uploaded under, not the server's temporary file
    r = c.post("/roster/import", {"file": SimpleUploadedFile("名录.xlsx", b"not a workbook"),
                                  "csrfmiddlewaretoken": token}, follow=True)
    error = re.findall(r'class="error">([^<]+)', r.content.decode())[0]
    assert error.startswith("未能导入名录：名录.xlsx：") and "tmp" not in error, error
    entry = RosterEntry.objects.get(name="淮安市清江浦区审计局")
    assert (entry.kind, entry.aliases, entry.region_code) == ("department", "清江浦区审计局", "320812")
    r = c.post("/roster/add", {"name": "淮安市清江浦区审计局", "region_code": "320812", "kind": "人民政府",
                               "csrfmiddlewaretoken": token}, follow=True)
    assert "已更新：淮安市清江浦区审计局（320812）" in r.content.decode()
    assert RosterEntry.objects.get(name="淮安市清江浦区审计局").kind == "government"
    r = c.post(f"/roster/{entry.pk}/remove", {"csrfmiddlewaretoken": token}, follow=True)
    assert "已从名录中移除：淮安市清江浦区审计局" in r.content.decode()
    other = RosterEntry.objects.get(name="同心县人民政府")
    assert c.post(f"/roster/{other.pk}/remove", {"csrfmiddlewaretoken": token}).status_code == 403


def test_stats_name_a_summed_report_whose_own_sums_fail(django_env, world, tmp_path):
    # 平潭 2024 (no 人民政府 report: both are added): 农业农村局 prints 总计 0 beside 自然人 3 — the
    # region's figures add it as printed, and the page and the API say whose and which rows
    paths = [str(EXAMPLES / "crawler-text" / f"ptzhsyq{b}-2024.txt") for b in ("hzs", "nyn")]
    with corpus_of(tmp_path, paths) as url:
        c = client_for(world["supervisor"])
        html = c.get("/survey/?region=3501&level=county").content.decode()
        d = c.get("/api/corpus/stats?region=3501&level=county").json()
        farm = _docs(url, "3501")["平潭综合实验区农业农村局"]
    said = html.split('<p class="error" id="stats-unsound">')[1].split("</p>")[0]
    assert said.startswith("加入数字的报告中有报告自身的合计不成立，其数字按原样计入、未作更正：")
    assert (f"#{farm} 平潭综合实验区农业农村局 2024：表三“（七）总计”行：总计为 0，而自然人与五类法人或其他组织之和为 3，"
            "相差 3") in said
    [row] = d["rows"]
    assert len(row["unsound"]) == 4 and row["values"]["received"] == 28
