"""The JSON API as a researcher's client uses it: the corpus's reports listed a page at a time
(stable order, totals, next/previous links, filters) or whole as CSV, the export's tables streamed,
ETag and 304, and the register's list paged the same way."""

from __future__ import annotations

import csv
import io
import json

import pytest
from gk_web_support import client_for, django_env, seed, world  # noqa: F401 - fixtures


@pytest.fixture(scope="module")
def corpus(django_env, tmp_path_factory):
    """A corpus of three reports of its own (other tests fill the site's shared one)."""
    from django.test import override_settings

    from gongkai.corpus.ingest import ingest
    from gongkai.corpus.store import Store

    url = str(tmp_path_factory.mktemp("api-corpus") / "corpus.db")
    with Store(url) as store:
        ingest([str(seed(p)) for p in ("000", "001", "002")], store, workers=1)
        numbers = [r.id for r in store.reports()]
    with override_settings(CORPUS_URL=url):
        yield url, numbers


def _get(c, url, status=200, method="get", **extra):
    r = getattr(c, method)(url, **extra)
    assert r.status_code == status, (url, r.status_code, r.content[:300])
    return r


def test_the_corpus_reports_a_page_at_a_time_with_totals_and_links(corpus, world):
    from gongkai.corpus.store import Store

    url, numbers = corpus
    c = client_for(world["supervisor"])
    first = _get(c, "/api/corpus/reports?page_size=2")
    body = first.json()
    base = "http://testserver/api/corpus/reports?page_size=2&page="
    assert {k: body[k] for k in ("total", "page_size", "page", "pages", "next", "previous")} == {
        "total": 3, "page_size": 2, "page": 1, "pages": 2, "next": base + "2", "previous": None}
    assert first["Link"] == f'<{base}2>; rel="next"'
    second = _get(c, body["next"]).json()
    assert (second["page"], second["next"], second["previous"]) == (2, None, base + "1")
    # pages follow one another in report number order: together the whole list, once each
    listed = body["reports"] + second["reports"]
    assert [r["report_id"] for r in listed] == sorted(numbers)
    row = listed[0]
    assert list(row) == ["report_id", "sha256", "name", "path", "form", "agency", "agency_key", "year", "format",
                         "published", "posted", "source_url", "region_code", "province", "city", "county", "unit", "level", "placement",
                         "parser_version", "checked", "findings", "errors", "url", "received_at"]
    # when each was first received (which of a body's reports of a year counts follows it): last
    with Store(url) as store:
        receipts = {r.id: r.received_at for r in store.reports()}
    assert {r["report_id"]: r["received_at"] for r in listed} == receipts and len(set(receipts.values())) == 1
    assert (row["name"], row["agency"], row["year"], row["region_code"], row["findings"], row["errors"]) == (
        "000_a0c7fabfdf456585.txt", "吴忠市红寺堡区红寺堡镇人民政府", 2021, "640303", 4, 2)
    report = _get(c, row["url"]).json()  # each row leads to the report with its findings
    assert (report["id"], len(report["findings"]), report["received_at"]) == (row["report_id"], 4, row["received_at"])
    past = _get(c, "/api/corpus/reports?page_size=2&page=7").json()
    assert (past["reports"], past["previous"], past["next"]) == ([], base + "2", None)
    # filters: the same as /api/corpus/stats's
    for query, names in (("year=2021", ["000_a0c7fabfdf456585.txt", "002_baf857c2b18ba5b3.txt"]),
                         ("region=640302", ["002_baf857c2b18ba5b3.txt"]), ("agency=柔远镇", ["001_fb8decbe9b2e9cc0.txt"]),
                         # a name, as gongkai stats --region takes it (was refused: digits only)
                         ("region=利通区", ["002_baf857c2b18ba5b3.txt"]), ("region=吴忠", ["000_a0c7fabfdf456585.txt",
                                                                           "002_baf857c2b18ba5b3.txt"]),
                         ("agency=没有这个局", [])):
        found = _get(c, f"/api/corpus/reports?{query}").json()
        assert ([r["name"] for r in found["reports"]], found["total"], found["pages"]) == (names, len(names), 1), query
    for query, error in (("page_size=0", "page_size 应为 1 至 1000 的整数，不能是“0”"),
                         ("page_size=1001", "page_size 应为 1 至 1000 的整数，不能是“1001”"),
                         ("page=-1", "page 应为 1 至 1000000000 的整数，不能是“-1”"),
                         ("year=二〇二一", "year 应为 1 至 9999 的整数，不能是“二〇二一”"),
                         ("format=xml", "format 应为 json 或 csv，不能是“xml”"),
                         ("region=火星县", "地区“火星县”无效：没有找到这个行政区划。请写区划代码（如 640324）或名称（如 同心县、吴忠市同心县）。")):
        assert _get(c, f"/api/corpus/reports?{query}", 400).json() == {"error": error}
    assert _get(client_for(None), "/api/corpus/reports", 401).json() == {"error": "请先登录。"}


def test_the_corpus_as_csv_streamed_the_export_byte_for_byte(corpus, world, tmp_path, monkeypatch):
    from gongkai.corpus import export
    from gongkai.corpus.store import Store

    url, numbers = corpus
    c = client_for(world["supervisor"])
    listed = _get(c, "/api/corpus/reports?format=csv&year=2021")
    assert listed.streaming and listed["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(listed.streaming_content).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert text.startswith("\ufeffreport_id,sha256,") and [r["name"] for r in rows] == [
        "000_a0c7fabfdf456585.txt", "002_baf857c2b18ba5b3.txt"]  # all of them, not a page
    assert rows[0]["url"] == f"http://testserver/api/corpus/reports/{rows[0]['report_id']}"
    assert text.splitlines()[0].endswith(",errors,url,received_at")  # read by position: url where it was
    with Store(url) as store:
        assert rows[0]["received_at"] == store.document(int(rows[0]["report_id"]))["received_at"] != ""
    with Store(url) as store:
        written = dict(export.export(store, "csv", str(tmp_path)))
    monkeypatch.setattr(export, "CSV_CHUNK", 4096)  # sent in pieces as it is read, never held whole
    admin = client_for(world["admin"])  # the export's very bytes, the server's paths included
    for table in export.TABLES:
        answer = _get(admin, f"/api/corpus/tables/{table}.csv")
        assert answer.streaming and answer["Content-Disposition"] == f'attachment; filename="{table}.csv"'
        pieces = list(answer.streaming_content)
        assert b"".join(pieces) == (tmp_path / f"{table}.csv").read_bytes(), table
        if table == "cells":
            assert (written[str(tmp_path / "cells.csv")], len(pieces)) == (423, 23)  # 4 KB a piece
    # a table of the reports a query keeps (as the list's and the statistics' filters)
    def numbers(answer):
        text = b"".join(answer.streaming_content).decode("utf-8").removeprefix("\ufeff")
        return sorted({int(r["report_id"]) for r in csv.DictReader(io.StringIO(text))})

    by_name = {r["name"]: int(r["report_id"]) for r in rows}
    assert numbers(_get(c, "/api/corpus/tables/cells.csv?year=2021")) == sorted(by_name.values())
    assert numbers(_get(c, "/api/corpus/tables/findings.csv?region=640302")) == [by_name["002_baf857c2b18ba5b3.txt"]]
    assert numbers(_get(c, "/api/corpus/tables/reports.csv?agency=没有这个局")) == []
    assert _get(c, "/api/corpus/tables/failures.csv?year=2021", 400).json() == {
        "error": "failures 表是未能读取的文件，没有地区、年度或机关，不能按这些筛选。"}
    assert _get(c, "/api/corpus/tables/cells.csv?year=abc", 400).json() == {
        "error": "year 应为 1 至 9999 的整数，不能是“abc”"}
    # the statistics as CSV: the file gongkai stats --csv writes
    from gongkai.corpus.stats import compute, write_csv

    with Store(url) as store:
        write_csv(compute(store, "county"), str(tmp_path / "stats.csv"))
    stats = _get(c, "/api/corpus/stats?level=county&format=csv")
    assert b"".join(stats.streaming_content) == (tmp_path / "stats.csv").read_bytes()
    assert (tmp_path / "stats.csv").read_text(encoding="utf-8-sig").count("\n") == 4  # the header, three counties
    assert _get(c, "/api/corpus/tables/cell.csv", 404).json() == {
        "error": "没有表“cell”：可下载的表为 reports.csv、cells.csv、figures.csv、findings.csv、failures.csv。"}
    assert _get(client_for(None), "/api/corpus/tables/cells.csv", 401).json() == {"error": "请先登录。"}


def test_only_the_administrator_sees_where_on_the_server_a_corpus_file_lies(corpus, world):
    # Every logged-in visitor was shown the server's absolute paths (an upload's folder names its
    # uploader and time): others see the file's name as given and its digest, never a folder.
    from gongkai.corpus.sources import as_given

    _, numbers = corpus
    where = str(seed("000"))
    assert "/" in where and as_given(where) == "000_a0c7fabfdf456585.txt"
    assert as_given("/srv/gongkai/corpus-uploads/20261204-王五-ab12cd/报告.ZIP!2023/县政府.pdf") == "报告.ZIP!2023/县政府.pdf"
    listed = _get(client_for(world["admin"]), "/api/corpus/reports?year=2021&page_size=1").json()["reports"][0]
    number, digest = listed["report_id"], listed["sha256"]
    assert (listed["name"], listed["path"]) == ("000_a0c7fabfdf456585.txt", where)
    assert _get(client_for(world["admin"]), f"/api/corpus/reports/{number}").json()["paths"] == [where]
    for user in ("supervisor", "clerk_a"):
        c = client_for(world[user])
        row = _get(c, "/api/corpus/reports?year=2021&page_size=1").json()["reports"][0]
        assert (row["report_id"], row["sha256"], row["name"], row["path"]) == (
            number, digest, "000_a0c7fabfdf456585.txt", "000_a0c7fabfdf456585.txt"), user
        answer = _get(c, f"/api/corpus/reports/{number}").json()
        assert (answer["sha256"], answer["name"], answer["paths"]) == (digest, "000_a0c7fabfdf456585.txt",
                                                                       ["000_a0c7fabfdf456585.txt"]), user
        for url in ("/api/corpus/reports?format=csv", "/api/corpus/tables/reports.csv",
                    "/api/corpus/tables/failures.csv"):
            text = b"".join(_get(c, url).streaming_content).decode("utf-8")
            assert str(seed("000").parent) not in text, (user, url)
        rows = list(csv.DictReader(io.StringIO(b"".join(_get(c, "/api/corpus/tables/reports.csv").streaming_content)
                                               .decode("utf-8").removeprefix("\ufeff"))))
        assert sorted(r["path"] for r in rows) == sorted(r["name"] for r in rows) and len(rows) == len(numbers)


def test_the_report_page_names_the_files_a_report_was_also_seen_as(django_env, world, tmp_path):
    # 也见于 listed the server's paths to every visitor.
    import shutil

    from django.test import override_settings

    from gongkai.corpus.ingest import ingest
    from gongkai.corpus.store import Store

    for folder in ("甲", "乙"):
        (tmp_path / folder).mkdir()
        shutil.copy(seed("000"), tmp_path / folder / "报告.txt")
    url = str(tmp_path / "corpus.db")
    with Store(url) as store:
        ingest([str(tmp_path / "甲"), str(tmp_path / "乙")], store, workers=1)
        (number,) = [r.id for r in store.reports()]
    with override_settings(CORPUS_URL=url):
        seen = _get(client_for(world["supervisor"]), f"/survey/report/{number}/").content.decode()
        assert str(tmp_path) not in seen and "<th>也见于</th><td>报告.txt<br>报告.txt</td>" in seen
        admin = _get(client_for(world["admin"]), f"/survey/report/{number}/").content.decode()
        assert f"<th>也见于</th><td>{tmp_path / '乙' / '报告.txt'}<br>{tmp_path / '甲' / '报告.txt'}</td>" in admin  # by path


def test_head_is_answered_as_get_without_a_body_and_without_running_a_stream(corpus, world, monkeypatch):
    # HEAD (a monitor, curl -I) on every GET endpoint answered 405.
    from gongkai.corpus import export

    c = client_for(world["supervisor"])
    for url in ("/api/corpus/reports?page_size=2", "/api/openapi.json", "/api/bodies", "/api/corpus/stats?level=county"):
        got, head = _get(c, url), _get(c, url, method="head")
        assert (head.content, head["Content-Type"], head["Content-Length"], head["ETag"]) == (
            b"", got["Content-Type"], str(len(got.content)), got["ETag"]), url
    run = []
    real = export.csv_text

    def watched(columns, rows):
        for piece in real(columns, rows):
            run.append(len(piece.encode("utf-8")))
            yield piece

    monkeypatch.setattr(export, "csv_text", watched)
    for url, name in (("/api/corpus/tables/cells.csv", "cells.csv"), ("/api/corpus/reports?format=csv", "reports.csv")):
        head = _get(c, url, method="head")
        assert (b"".join(head.streaming_content), head["Content-Type"], head["Content-Disposition"]) == (
            b"", "text/csv; charset=utf-8", f'attachment; filename="{name}"'), url
    assert run == []   # nothing of the tables was read or written for a HEAD
    assert len(b"".join(_get(c, "/api/corpus/tables/cells.csv").streaming_content)) == sum(run) > 0
    assert _get(client_for(None), "/api/corpus/reports", 401, method="head").content == b""


def test_an_unchanged_answer_is_not_sent_again(corpus, world):
    c = client_for(world["supervisor"])
    first = _get(c, "/api/corpus/stats?level=county")
    assert first["Cache-Control"] == "private, no-cache" and first["ETag"].startswith('"')
    again = _get(c, "/api/corpus/stats?level=county", 304, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.content == b""
    assert _get(c, "/api/corpus/stats?level=city", HTTP_IF_NONE_MATCH=first["ETag"]).json()["level"] == "city"
    document = _get(client_for(None), "/api/openapi.json")
    assert document["Access-Control-Allow-Origin"] == "*"  # a client generator on another site may read it
    # parse and check store nothing and need no account: another site's page may read their answers,
    # not those of the calls that need a login
    from django.core.files.uploadedfile import SimpleUploadedFile

    anon = client_for(None)
    with open(seed("000"), "rb") as fh:
        parsed = anon.post("/api/parse", {"file": fh})
    refused = anon.post("/api/check", {"file": SimpleUploadedFile("x.exe", b"MZ")})
    assert [(r.status_code, r.get("Access-Control-Allow-Origin")) for r in (parsed, refused, first)] == [
        (200, "*"), (400, "*"), (200, None)]
    # a missing side of a comparison is named (it said 报告编号“None”无效)
    assert _get(c, "/api/corpus/compare?a=1", 400).json() == {"error": "缺少参数 b：要比较的两份报告的编号，如 ?a=11&b=12"}


def test_the_register_list_is_paged_with_links(world, monkeypatch):
    from gongkai.web import regsvc

    monkeypatch.setattr(regsvc, "PAGE_SIZE", 2)
    clerk = client_for(world["clerk_a"])
    clerk.get("/check/")
    h = {"HTTP_X_CSRFTOKEN": clerk.cookies["csrftoken"].value}
    b = f"/api/bodies/{world['a'].pk}/requests"
    for n in range(3):
        new = {"applicant_type": "natural_person", "applicant_name": f"申请人{n}", "channel": "in_person",
               "content": f"第{n}件申请的内容", "submitted_on": "2026-03-02"}
        assert clerk.post(b, json.dumps(new), content_type="application/json", **h).status_code == 201
    first = _get(clerk, b).json()
    link = f"http://testserver{b}?page="
    assert {k: first[k] for k in ("total", "page_size", "page", "pages", "next", "previous")} == {
        "total": 3, "page_size": 2, "page": 1, "pages": 2, "next": link + "2", "previous": None}
    second = _get(clerk, first["next"]).json()
    assert (second["previous"], second["next"]) == (link + "1", None)
    refs = [r["ref"] for r in first["requests"] + second["requests"]]
    assert len(set(refs)) == 3  # newest first, each once
    filtered = _get(clerk, f"{b}?filter=open&q=申请").json()  # the filters are kept in the links
    assert filtered["next"] == f"http://testserver{b}?filter=open&q=%E7%94%B3%E8%AF%B7&page=2"


def test_a_page_of_the_corpus_reads_that_page_from_the_database(corpus, world, monkeypatch):
    """A page of 1 of the list reads one report and its findings' counts, counted by the
    database: not the whole corpus listed and counted in Python (3.9 s a page at 100,000 reports)."""
    from gongkai.db import Database

    seen: list[tuple[str, list]] = []
    query = Database.query

    def counted(self, sql, params=()):
        rows = query(self, sql, params)
        if "FROM documents" in sql or "FROM findings" in sql:
            seen.append((sql, rows))
        return rows

    monkeypatch.setattr(Database, "query", counted)
    monkeypatch.setattr(Database, "iterate", lambda *a, **k: pytest.fail("a page is not streamed"))
    _, numbers = corpus
    body = _get(client_for(world["supervisor"]), "/api/corpus/reports?page_size=1&page=2").json()
    assert ([r["report_id"] for r in body["reports"]], body["total"], body["pages"]) == ([sorted(numbers)[1]], 3, 3)
    counts, page, findings = seen
    assert (counts[1], page[1][0][0]) == ([(3,)], sorted(numbers)[1])
    assert "COUNT(*)" in counts[0] and len(page[1]) == 1 and "LIMIT" in page[0]
    assert {row[0] for row in findings[1]} == {sorted(numbers)[1]}  # that report's findings, by rule
    assert sum(row[3] for row in findings[1]) == body["reports"][0]["findings"]


def test_a_stored_report_and_its_findings_say_the_same_as_check_previous(django_env, world, tmp_path):
    # 洪泽区 2024 compared in the corpus with its 2023 report: the API's findings and the report
    # it returns hold the findings of `gongkai check --previous` (its LAST-YEAR quoting 2023's
    # problems); the report's JSON held the wording without last year's report, beside them.
    from django.test import override_settings
    from gk_web_support import EXAMPLES

    import gongkai
    from gongkai.corpus.ingest import ingest
    from gongkai.corpus.store import Store

    last, this = EXAMPLES / "hongze-district-2023.pdf", EXAMPLES / "hongze-district-2024.pdf"
    expected = [f.to_dict() for f in gongkai.check(gongkai.parse(this), previous=gongkai.parse(last))]
    url = str(tmp_path / "corpus.db")
    with Store(url) as store:
        ingest([str(last), str(this)], store, workers=1)
        numbers = {r.year: r.id for r in store.reports()}
    c = client_for(world["supervisor"])
    with override_settings(CORPUS_URL=url):
        answer = _get(c, f"/api/corpus/reports/{numbers[2024]}").json()
        page = _get(c, f"/survey/report/{numbers[2024]}/").content.decode()
    assert [{k: v for k, v in f.items() if k not in ("previous_report_id", "previous_id")}
            for f in answer["findings"]] == expected
    assert answer["report"]["findings"] == expected
    # previous_report_id as the export names it; previous_id, its deprecated alias, the same
    made_with = [numbers[2023] if f["rule"] == "LAST-YEAR" else None for f in expected]
    assert [f["previous_report_id"] for f in answer["findings"]] == made_with
    assert [f["previous_id"] for f in answer["findings"]] == made_with
    assert answer["counts"] == {"error": 0, "warning": 2, "notice": 2}
    # the report's number as the list of reports and the export name it; id, its deprecated alias
    assert (answer["report_id"], answer["id"]) == (numbers[2024], numbers[2024])
    assert "2023 年度报告第五部分列有问题" in page and "如上年报告列有问题，建议补充" not in page


def test_the_statistics_lists_of_reports_come_a_page_at_a_time_with_their_totals(django_env, world, tmp_path):
    # Over a whole corpus the two lists were every report not counted and every report a
    # government's area report holds (4.9 MB of 5.8 MB at 100,000 reports): now a page of each,
    # their totals, and links to the next page; the rows are whole on every page.
    import random

    from django.test import override_settings

    from gongkai.corpus.ingest import ingest
    from gongkai.corpus.stats import compute
    from gongkai.corpus.store import Store
    from tests.synth import draw, render

    rng = random.Random(5)
    for i, agency in enumerate(("吴忠市利通区人民政府", "吴忠市利通区教育局", "吴忠市利通区民政局", "吴忠市利通区金积镇人民政府")):
        text = render(draw(rng, year=2023, agency=agency), "html")
        (tmp_path / f"{i}.html").write_bytes(text)
        if i >= 2:  # a repost of the same report: the same body and year met twice
            (tmp_path / f"{i}-again.html").write_bytes(text + b"\n<!-- repost -->")
    url = str(tmp_path / "corpus.db")
    with Store(url) as store:
        assert ingest([str(tmp_path)], store, workers=1).added == 6
        table = compute(store, "county")
    assert (len(table.duplicates), len(table.covered)) == (2, 3)
    c = client_for(world["supervisor"])
    with override_settings(CORPUS_URL=url):
        first = _get(c, "/api/corpus/stats?level=county&page_size=2")
        second = _get(c, first.json()["next"]).json()
        whole = _get(c, "/api/corpus/stats?level=county").json()
    base = "http://testserver/api/corpus/stats?level=county&page_size=2&page="
    page = first.json()
    assert first["Link"] == f'<{base}2>; rel="next"'
    assert {k: page[k] for k in ("duplicates", "duplicates_total", "covered", "covered_total", "page_size", "page",
                                 "pages", "next", "previous")} == {
        "duplicates": table.duplicates, "duplicates_total": 2, "covered": table.covered[:2], "covered_total": 3,
        "page_size": 2, "page": 1, "pages": 2, "next": base + "2", "previous": None}
    assert {k: second[k] for k in ("duplicates", "covered", "page", "next", "previous")} == {
        "duplicates": [], "covered": table.covered[2:], "page": 2, "next": None, "previous": base + "1"}
    assert page["rows"] == second["rows"] == whole["rows"] and len(page["rows"]) == 1
    assert (whole["covered"], whole["duplicates"], whole["page_size"], whole["pages"]) == (
        table.covered, table.duplicates, 100, 1)
    assert _get(c, "/api/corpus/stats?page_size=1001", 400).json() == {
        "error": "page_size 应为 1 至 1000 的整数，不能是“1001”"}


def test_a_crawled_reports_page_and_list_row_say_when_and_where_its_page_was_posted(django_env, world, tmp_path):
    """The corpus's report page said only 落款日期：无 for a crawler text whose header said when and
    where its page went up; the list of reports (as the export) had no column for it."""
    from django.test import override_settings
    from gk_web_support import EXAMPLES

    from gongkai.corpus.ingest import ingest
    from gongkai.corpus.store import Store

    url = str(tmp_path / "corpus.db")
    with Store(url) as store:
        ingest([str(EXAMPLES / "crawler-text" / "ptzhsyqhzs-2024.txt")], store, workers=1)
        number = store.reports()[0].id
    c = client_for(world["supervisor"])
    with override_settings(CORPUS_URL=url):
        page = _get(c, f"/survey/report/{number}/").content.decode()
        row = _get(c, "/api/corpus/reports").json()["reports"][0]
    link = "https://www.pingtan.gov.cn/zwgk/zfxxgk/dfbmptlj/ptzhsyqbm/ptzhsyqhzs/zfxxgknb/202501/t20250124_96946.htm"
    assert ("<tr><th>落款日期</th><td>无</td></tr>\n<tr><th>网页发布时间</th><td>2025-01-24 15:17</td></tr>\n"
            "<tr><th>发布机构</th><td>区行政审批局</td></tr>\n"
            f'<tr><th>原文链接</th><td class="page-facts"><a href="{link}" rel="noreferrer">{link}</a></td></tr>') in page
    assert (row["published"], row["posted"], row["source_url"]) == (None, "2025-01-24T15:17", link)


def test_a_report_read_by_an_older_parser_says_so_on_its_page(corpus, world):
    """A corpus upgraded in place keeps its reports as the older parser read them until their files
    are ingested again (docs/upgrade.md): the report page said only 已读取 and the time."""
    import gongkai
    from gongkai.corpus.store import Store

    url, numbers = corpus
    c = client_for(world["supervisor"])
    older, current = numbers[0], numbers[1]
    with Store(url) as store:
        store.execute("UPDATE documents SET parser_version = '9' WHERE id = ?", (older,))
    try:
        page = _get(c, f"/survey/report/{older}/").content.decode()
        assert ('<small class="older-parser">由较早的第 9 版解析器读出，统计表和检查结果仍是那一版的；把原文件再入库一次，'
                f'即按本版（第 {gongkai.PARSER_VERSION} 版）重新读取和检查</small>') in page
        assert "older-parser" not in _get(c, f"/survey/report/{current}/").content.decode()
    finally:
        with Store(url) as store:
            store.execute("UPDATE documents SET parser_version = ? WHERE id = ?", (gongkai.PARSER_VERSION, older))
