"""The researcher's Python face: ``gongkai.compare`` and ``gongkai.Corpus`` give what the
``compare``, ``ingest``, ``stats`` and ``rollup`` commands print, on the repository's examples."""

from __future__ import annotations

import csv
import random

import pytest

import gongkai
from gongkai.cli import main
from gongkai.corpus.stats import write_csv
from tests.conftest import EXAMPLES
from tests.synth import draw, render

HONGZE_2023, HONGZE_2024, HUAIAN_2024 = (EXAMPLES / f"{n}.pdf" for n in (
    "hongze-district-2023", "hongze-district-2024", "huaian-city-2024"))
CONTINUITY = "2024 年表三“二、上年结转”与 2023 年表三“四、结转下年度继续办理”逐列一致。"
PARTS = ("淮安市洪泽区教育局", "淮安市洪泽区民政局")  # two departments of the district, 2024


def test_compare_two_years_of_a_body_as_the_command_does(capsys):
    c = gongkai.compare(HONGZE_2023, HONGZE_2024)
    assert isinstance(c, gongkai.Comparison)
    assert (c.a.label, c.b.label) == (str(HONGZE_2023), str(HONGZE_2024))
    assert (c.cells_equal, len(c.cell_diffs)) == (156, 30)
    assert c.cell_diffs[:3] == [("table2.art20_1.normative_docs.made", 0, 3),
                                ("table2.art20_1.normative_docs.repealed", 5, 0),
                                ("table2.art20_1.normative_docs.in_force", 5, 8)]
    assert c.continuity_note == CONTINUITY
    assert c.continuity is not None and [row[0] for row in c.continuity if row[3]] == [
        "natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"]
    assert [(s.no, len(s.passages)) for s in c.sections] == [(1, 7), (2, 0), (3, 0), (4, 0), (5, 2), (6, 1)]
    assert round(c.sections[5].copied_share or 0, 3) == 0.918
    assert repr(c) == (f"<Comparison A={HONGZE_2023} B={HONGZE_2024} cells equal=156 differ=30 continuity=ok>")
    d = c.to_dict()
    assert d["cell_differences"][0] == {"cell": "table2.art20_1.normative_docs.made",
                                        "label": "表二“行政规范性文件”行“本年制发件数”列", "a": 0, "b": 3,
                                        "a_mark": None, "b_mark": None}
    # Reports already read give the same comparison, labelled by their file names.
    same = gongkai.compare(gongkai.parse(HONGZE_2023), gongkai.parse(HONGZE_2024))
    assert (same.a.label, same.cell_diffs, same.continuity_note) == ("hongze-district-2023.pdf", c.cell_diffs, CONTINUITY)
    assert main(["compare", str(HONGZE_2023), str(HONGZE_2024)]) == 0
    assert "统计表：156 格相同，30 格不同。" in capsys.readouterr().out
    with pytest.raises(gongkai.GongkaiError, match="文件不存在"):
        gongkai.compare(HONGZE_2023, EXAMPLES / "none.pdf")


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("library")
    rng = random.Random(7)
    parts = [draw(rng, year=2024, agency=agency) for agency in PARTS]
    for i, s in enumerate(parts):
        (tmp / f"part{i}.txt").write_bytes(render(s, "txt"))
    (tmp / "junk.txt").write_text("会议通知：请各单位按时参加。", encoding="utf-8")
    db = tmp / "corpus.db"
    with gongkai.Corpus(db, create=True) as corpus:
        summary = corpus.ingest([HONGZE_2023, HONGZE_2024, HUAIAN_2024, tmp], workers=1)
    assert (summary.added, len(summary.failed), summary.cross_year) == (5, 1, 1)
    return db, parts


def test_a_corpus_in_python_holds_what_the_commands_show(corpus_db):
    db, parts = corpus_db
    with gongkai.Corpus(db) as corpus:
        assert corpus.count() == 5 == len(corpus)
        numbers = {d.name: d.report_id for d in corpus.documents()}
        assert sorted(numbers) == ["hongze-district-2023.pdf", "hongze-district-2024.pdf", "huaian-city-2024.pdf",
                                   "part0.txt", "part1.txt"]
        # One body under its two names (洪泽区人民政府 in 2023, 淮安市洪泽区人民政府 in 2024).
        hongze = corpus.reports(agency="洪泽区人民政府")
        assert [(r.agency, r.year) for r in hongze] == [("洪泽区人民政府", 2023), ("淮安市洪泽区人民政府", 2024)]
        assert [r.source.name for r in corpus.reports(agency="淮安市洪泽区人民政府", year=2024)] == [
            "hongze-district-2024.pdf"]
        assert sorted(r.agency for r in corpus.reports(region="洪泽区", year=2024)) == sorted(
            ["淮安市洪泽区人民政府", *PARTS])
        huaian = corpus.report(f"#{numbers['huaian-city-2024.pdf']}")
        assert (huaian.agency, huaian.value("table3.granted.total")) == ("淮安市人民政府", 1362)
        assert [f.rule for f in corpus.findings(numbers["hongze-district-2023.pdf"])] == [
            "T4-TOTAL", "T4-TOTAL", "LABEL-NONSTANDARD", "FORMAT-LAYOUT", "LAST-YEAR"]
        assert [(f.name, f.reason is not None) for f in corpus.failures()] == [("junk.txt", True)]
        c = corpus.compare(numbers["hongze-district-2023.pdf"], f"#{numbers['hongze-district-2024.pdf']}")
        assert (c.a.label, c.cells_equal, len(c.cell_diffs), c.continuity_note) == (
            f"#{numbers['hongze-district-2023.pdf']} 洪泽区人民政府", 156, 30, CONTINUITY)
        with pytest.raises(gongkai.GongkaiError, match="^语料库中没有编号为 #999 的报告（"):
            corpus.report(999)
        with pytest.raises(gongkai.GongkaiError, match="既不是存在的文件，也不是语料库中的报告编号"):
            corpus.compare("no-such.pdf", 1)
        assert corpus.compare(HONGZE_2023, "#1").a.label == str(HONGZE_2023)  # a file beside a number

        rows = {(r.code, r.year): r for r in corpus.stats("county").rows}
        assert sorted(rows) == [("320800", 2024), ("320813", 2023), ("320813", 2024)]
        district = rows[("320813", 2024)]
        # The district government's report is the whole district's (as the roll-up by region
        # takes it): its two departments' requests are in its 95 — adding them counted them twice.
        assert (district.values["reports"], district.values["received"], district.covered) == (3, 95, 2)
        assert district.partial("received") == ""
        out = db.parent / "stats.csv"
        write_csv(corpus.stats("county"), str(out))
        row = next(r for r in csv.DictReader(open(out, encoding="utf-8-sig")) if r["region_code"] == "320813"
                   and r["year"] == "2024")
        assert (row["reports"], row["received"], row["received_reports"], row["covered_reports"]) == ("3", "95", "1", "2")
        assert corpus.stats("county").covered == [
            f"#{numbers[f'part{i}.txt']} {parts[i].agency} 2024（已含在 #{numbers['hongze-district-2024.pdf']} "
            "淮安市洪泽区人民政府 的全地区报告中）" for i in (0, 1)]
        assert rows[("320813", 2023)].values["received"] == 21

        total = corpus.rollup("洪泽区", 2024)
        assert (sorted(total.names), total.against_name) == (sorted(PARTS), "淮安市洪泽区人民政府")
        chosen = corpus.selection("洪泽区", 2024)
        assert chosen.own is not None and chosen.own[0] == f"#{numbers['hongze-district-2024.pdf']} 淮安市洪泽区人民政府"
        cell = "table3.new_received.total"
        assert total.cells[cell].value == sum(s.cells[cell] for s in parts)
        summed = sum(s.cells[cell] for s in parts)
        assert summed != 95 and (cell, summed, 95) in [d[:3] for d in total.differences]  # the district's own: 95
        with pytest.raises(gongkai.GongkaiError) as refused:
            corpus.rollup("淮安市", 2023)
        assert str(refused.value).startswith("淮安市：语料库中没有 江苏省淮安市（320800）2023 年度可相加的报告")


def test_the_documents_records_are_named_as_the_export_and_the_api_name_them(corpus_db):
    # Corpus.documents() named the report's number `id` and its division `code`, where the export's
    # reports table, /api/corpus/reports and stats' records say report_id and region_code.
    from gongkai.corpus.store import StoredReport

    db, _ = corpus_db
    with gongkai.Corpus(db) as corpus:
        records = corpus.documents(year=2024)
        exported = {r["report_id"]: r for r in corpus.table("reports")}
    assert list(records[0]._fields[:8]) == ["report_id", "sha256", "name", "path", "form", "agency", "agency_key", "year"]
    # (the store's ingested_at, when last read, is not the reports table's; received_at — which of a body's
    # reports of a year counts — is, and last in both)
    assert records[0]._fields == tuple({"id": "report_id", "code": "region_code", "previous_id": "previous_report_id"}.get(f, f)
                                       for f in StoredReport._fields[:-2]) + ("received_at",)
    assert StoredReport._fields[-2:] == ("ingested_at", "received_at")
    huaian = next(r for r in records if r.name == "huaian-city-2024.pdf")
    assert (huaian.region_code, exported[huaian.report_id]["region_code"]) == ("320800", "320800")
    assert {k: v for k, v in huaian._asdict().items() if k in exported[huaian.report_id]} == {
        k: v for k, v in exported[huaian.report_id].items() if k in huaian._fields}
    # 0.9.1's names (docs/dataset.md showed them) still read, and say they are going
    with pytest.warns(DeprecationWarning, match="Corpus.documents\\(\\) 的记录字段 id 已改名为 report_id"):
        assert huaian.id == huaian.report_id
    with pytest.warns(DeprecationWarning, match="code 已改名为 region_code"):
        assert huaian.code == "320800"
    with pytest.warns(DeprecationWarning) as caught:
        assert huaian.previous_id is None
    assert [str(w.message) for w in caught] == ["Corpus.documents() 的记录字段 previous_id 已改名为 previous_report_id"
                                                "（与导出的 reports 表和 API 一致），previous_id 将在以后的版本中去掉。"]


REPORT_KEYS = ["report_id", "sha256", "name", "path", "form", "agency", "agency_key", "year", "format", "published",
               "parser_version", "checked", "previous_report_id", "region_code", "province", "city", "county", "unit", "level",
               "placement", "posted", "source_url", "received_at"]
FINDING_KEYS = ["report_id", "sha256", "agency", "year", "seq", "rule", "severity", "cells", "message", "where",
                "previous_report_id", "quote"]
FAILURE_KEYS = ["report_id", "sha256", "name", "path", "form", "reason", "parser_version"]
CELL_KEYS = ["report_id", "sha256", "agency", "year", "format", "cell_id", "value", "raw", "where", "inferred",
             "confidence", "basis", "candidates"]
FIGURE_KEYS = ["report_id", "sha256", "agency", "year", "seq", "section", "sentence", "text", "value", "unit", "counts",
               "cells", "approx", "from_words", "scope", "stated_year", "part_of"]


def test_every_record_of_the_python_api_is_named_as_the_export_names_it(corpus_db):
    # findings() said document_id / place / previous_id, failures() id, the store's cells and
    # figures document_id, where the export's tables (and a DataFrame of corpus.table(…)) say
    # report_id / where / previous_report_id: two frames of one corpus did not join.
    pandas = pytest.importorskip("pandas")
    db, _ = corpus_db
    with gongkai.Corpus(db) as corpus:
        kinds = {"reports": corpus.documents(), "findings": corpus.findings(), "failures": corpus.failures(),
                 "cells": list(corpus.store.cells()), "figures": list(corpus.store.figures())}
        tables = {name: corpus.table(name) for name in kinds}
    keys = {"reports": REPORT_KEYS, "findings": FINDING_KEYS, "failures": FAILURE_KEYS, "cells": CELL_KEYS,
            "figures": FIGURE_KEYS}
    for name, records in kinds.items():
        assert records, name
        assert list(records[0]._fields) == keys[name], name
        assert list(pandas.DataFrame(records).columns) == keys[name], name  # the new names only, once each
        exported = set(tables[name][0])
        assert set(keys[name]) - exported == {"reports": {"previous_report_id"}, "cells": {"format"}}.get(name, set()), name
    # findings and failures are the export's rows as they are, field for field
    assert [list(f) for f in kinds["findings"]] == [list(row.values()) for row in tables["findings"]]
    assert [list(f) for f in kinds["failures"]] == [list(row.values()) for row in tables["failures"]]


def test_the_findings_fields_0_9_1_documented_still_read_with_a_warning(corpus_db):
    # docs/dataset.md of 0.9.1 showed findings() as document_id … place, previous_id (and
    # documents() as id … code; tested above); failures() and the cells/figures records had no
    # documented field names: they are renamed without aliases.
    db, _ = corpus_db
    with gongkai.Corpus(db) as corpus:
        finding = next(f for f in corpus.findings() if f.where)
        failure = corpus.failures()[0]
    for old, new, value in (("document_id", "report_id", finding.report_id), ("place", "where", finding.where),
                            ("previous_id", "previous_report_id", finding.previous_report_id)):
        with pytest.warns(DeprecationWarning) as caught:
            assert getattr(finding, old) == value
        assert [str(w.message) for w in caught] == [
            f"Corpus.findings() 的记录字段 {old} 已改名为 {new}（与导出的 findings 表和 API 一致），{old} 将在以后的版本中去掉。"]
        assert caught[0].filename == __file__  # the warning names the caller's line
    assert not hasattr(failure, "id")


def test_a_missing_corpus_is_refused_in_chinese(tmp_path):
    with pytest.raises(gongkai.NotFound) as missing:
        gongkai.Corpus(tmp_path / "none.db")
    assert str(missing.value) == (f"{tmp_path / 'none.db'}：语料库不存在。新建一个：gongkai.Corpus(路径, create=True)，"
                                  "或先用 gongkai ingest 建立。")
    assert not (tmp_path / "none.db").exists()
    # A report file given for the corpus: SQLite's English ("file is not a database") was shown.
    wrong = tmp_path / "报告.txt"
    wrong.write_text("某某县人民政府2024年政府信息公开工作年度报告\n" * 200, encoding="utf-8")
    with pytest.raises(gongkai.GongkaiError) as refused:
        gongkai.Corpus(wrong)
    assert str(refused.value) == f"{wrong}：无法打开语料库数据库（这不是数据库文件，可能指错了文件）"


def test_rollup_of_files_and_reports_as_the_command_does(corpus_db):
    db, parts = corpus_db
    folder = db.parent  # part0.txt, part1.txt and junk.txt, as ingested
    total = gongkai.rollup([folder], against=HONGZE_2024)
    assert isinstance(total, gongkai.Rollup)
    assert (sorted(total.names), total.against_name) == (sorted(PARTS), "淮安市洪泽区人民政府")
    assert [(p.rsplit("/", 1)[-1], bool(reason)) for p, reason in total.unread] == [("junk.txt", True)]
    cell = "table3.new_received.total"
    summed = sum(s.cells[cell] for s in parts)
    assert total.cells[cell].value == summed and (cell, summed, 95) in [d[:3] for d in total.differences]
    # In a notebook the roll-up shows what it is, not its 200 cells (that printed screens of them).
    partial = sum(1 for s in total.cells.values() if s.status == "partial")
    assert repr(total) == (f"<Rollup reports=2 year=2024 cells={len(total.cells)} partial={partial} blank=0 unsound=0 contradicted=0 "
                           f"against=淮安市洪泽区人民政府 differences={len(total.differences)} unread=1>")
    assert len(repr(total)) < 200
    # Reports already read, and a file beside them, give the same sums.
    again = gongkai.rollup([gongkai.parse(folder / "part0.txt"), folder / "part1.txt"],
                           against=gongkai.parse(HONGZE_2024))
    assert {c: s.value for c, s in again.cells.items()} == {c: s.value for c, s in total.cells.items()}
    assert again.unread == [] and again.against_name == "淮安市洪泽区人民政府"


def test_a_script_that_ingests_at_its_top_level_is_told_how_to_guard_it(tmp_path):
    # Workers start by running the main script again: unguarded, every file was recorded as a
    # worker's crash (21 tracebacks for 19 files), the real cause nowhere.
    import subprocess
    import sys
    import textwrap

    from tests.conftest import seed

    report = seed("003")
    script = tmp_path / "入库.py"
    body = f"with gongkai.Corpus('c.db', create=True) as corpus:\n    print(corpus.ingest([{str(report)!r}]).added)\n"
    script.write_text("import gongkai\n" + body, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines()[-1] == (
        f"gongkai.errors.GongkaiError: {script} 第3行在脚本顶层调用 ingest：读取报告的工作进程启动时会重新运行这个脚本，"
        '又一次调用它。请把这一行放在 `if __name__ == "__main__":` 之下（Python 多进程的规则）。')
    script.write_text("import gongkai\nif __name__ == '__main__':\n" + textwrap.indent(body, "    "), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == (0, "1\n", "")


def test_stats_of_one_body_and_flat_records_for_a_data_frame(corpus_db):
    db, parts = corpus_db
    with gongkai.Corpus(db) as corpus:
        by_name = corpus.stats("body", agency="洪泽区人民政府")
        assert [(r.region, r.code, r.year) for r in by_name.rows] == [
            ("淮安市洪泽区人民政府", "320813/", 2023), ("淮安市洪泽区人民政府", "320813/", 2024)]
        # body=: the identity a level="body" row names (as /api/corpus/stats?body= and the CLI's table)
        by_identity = corpus.stats("body", body="320813/")
        assert by_identity.records() == by_name.records()
        records = by_identity.records()
        assert [(r["year"], r["received"], r["reports"], r["report_ids"]) for r in records] == [
            (2023, 21, 1, [r.report_id for r in corpus.documents(year=2023) if r.name == "hongze-district-2023.pdf"]),
            (2024, 95, 1, [r.report_id for r in corpus.documents(year=2024) if r.name == "hongze-district-2024.pdf"])]
        keys = list(records[0])
        assert keys == ["region", "region_code", "year", "reports", "received", "granted_share", "not_held_share",
                        "reviews_per_100", "lawsuits_per_100", "correction_rate", "findings", "received_reports",
                        "granted_share_reports", "not_held_share_reports", "reviews_per_100_reports",
                        "lawsuits_per_100_reports", "correction_rate_reports", "covered_reports", "unsound_reports",
                        "unsound", "contradicted_reports", "contradicted", "contradicted_in", "report_ids"]
        assert all(list(r) == keys for r in corpus.stats("county").records())  # the same keys in every row
        assert records[0]["correction_rate"] is None  # no review or lawsuit decided in 2023: no rate, not 0
        pandas = pytest.importorskip("pandas")
        frame = pandas.DataFrame(corpus.stats("county").records())
        assert list(frame.columns) == keys and len(frame) == 3
        assert frame.set_index(["region_code", "year"]).loc[("320813", 2024), "covered_reports"] == 2
        # A body the corpus has no report of is said, as the command and the API say it — not an empty table.
        for asked in ({"agency": "不存在局"}, {"body": "999999/"}):
            with pytest.raises(gongkai.NotFound) as refused:
                corpus.stats("body", **asked)
            assert str(refused.value) == f"语料库中没有机关“{next(iter(asked.values()))}”的报告。"
        with pytest.raises(gongkai.NotFound, match="^地区 洪泽区 中没有机关“淮安市人民政府”的报告。$"):
            corpus.stats("body", region="洪泽区", agency="淮安市人民政府")
        assert isinstance(refused.value, LookupError)
        # the dataset's tables as records, without writing files: the rows export writes
        written = dict(corpus.export("csv", db.parent / "out"))
        huaian = next(d.report_id for d in corpus.documents() if d.name == "huaian-city-2024.pdf")
        for name in ("reports", "cells", "figures", "findings", "failures"):
            rows = corpus.table(name)
            assert len(rows) == written[str(db.parent / "out" / f"{name}.csv")], name
        cell = next(r for r in corpus.table("cells") if (r["report_id"], r["cell_id"]) == (huaian, "table3.granted.total"))
        assert {k: cell[k] for k in ("label", "value", "amount", "raw", "inferred", "candidates")} == {
            "label": "表三“（一）予以公开”行“总计”列", "value": 1362, "amount": None, "raw": "1362", "inferred": False,
            "candidates": None}
        with pytest.raises(gongkai.BadArgument, match="^没有表“cell”：可用 reports、cells、figures、findings、failures。$"):
            corpus.table("cell")


def test_bad_arguments_are_chinese_errors_of_the_one_hierarchy(corpus_db):
    db, _ = corpus_db
    corpus = gongkai.Corpus(db)
    with corpus:
        refusals = {}
        for call in (lambda: corpus.stats("town"), lambda: corpus.stats("county", region="火星"),
                     lambda: corpus.findings(999), lambda: corpus.report(None), lambda: corpus.report(999),
                     lambda: corpus.rollup("洪泽区", "二〇二四"), lambda: corpus.documents(region="火星"),
                     lambda: corpus.report(1).value("table3.granted.totl")):
            with pytest.raises(gongkai.GongkaiError) as refused:
                call()
            refusals[type(refused.value).__name__] = refusals.get(type(refused.value).__name__, []) + [str(refused.value)]
        unknown_place = "火星：没有找到这个行政区划。请写区划代码（如 640324）或名称（如 同心县、吴忠市同心县）。"
        assert refusals == {
            "BadArgument": ["level 只能是 province、city、county、body，不能是“town”。",
                            "None：不是语料库中的报告编号（如 12 或 #12）。", "二〇二四：年度应为整数，如 2024。",
                            "国家格式中没有编号为“table3.granted.totl”的单元格（单元格编号见 docs/schema.md，"
                            "如 table3.granted.total）。"],
            "GongkaiError": [unknown_place, unknown_place],  # the argument named, not the command's --region
            "NotFound": ["语料库中没有编号为 #999 的报告（各报告的编号见 gongkai export 导出的 reports 表 report_id 列）。"] * 2}
        # a year as text (from a form, a file name) is the year: it said "no reports of 2024"
        assert corpus.rollup("洪泽区", "2024").against_name == "淮安市洪泽区人民政府"
    with pytest.raises(gongkai.GongkaiError, match="语料库已关闭"):  # was sqlite3.ProgrammingError
        corpus.count()
    corpus.close()  # closing twice does nothing


def test_one_corpus_and_the_reader_are_safe_in_a_thread_pool(corpus_db):
    from concurrent.futures import ThreadPoolExecutor

    db, _ = corpus_db
    with gongkai.Corpus(db) as corpus:
        numbers = [d.report_id for d in corpus.documents()]

        def read(n):
            return (corpus.report(n).to_json(), [f.rule for f in corpus.findings(n)],
                    corpus.stats("body").records(), corpus.compare(numbers[0], n).to_dict())

        alone = [read(n) for n in numbers]
        with ThreadPoolExecutor(4) as pool:
            assert list(pool.map(read, numbers * 3)) == alone * 3
    files = [HONGZE_2023, HUAIAN_2024]  # PDFs: PDFium is not thread-safe, gongkai reads them in turn
    alone = [gongkai.parse(f).to_json() for f in files]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda f: gongkai.parse(f).to_json(), files * 3)) == alone * 3


def test_a_missing_register_or_log_is_refused_unless_create(tmp_path):
    # gongkai.Register("new.db") silently made an empty database (a mistyped path showed an empty register).
    missing = tmp_path / "none.db"
    for face in (gongkai.Register, gongkai.Log):
        with pytest.raises(gongkai.NotFound) as refused:
            face(str(missing))
        assert (str(refused.value), isinstance(refused.value, LookupError)) == (f"{missing}：台账数据库不存在", True)
        assert not missing.exists()
    with gongkai.Register(str(missing), create=True) as register:
        assert register.count() == 0
    with gongkai.Log(str(missing)) as log:   # made: opened as it is
        assert log.count() == 0


def test_iterating_a_corpus_touches_its_database_only_in_its_turn(corpus_db, monkeypatch):
    """``for report in corpus`` listed the reports on the shared connection without the corpus's
    lock (``__iter__`` is a dunder, which ``taking_turns`` leaves alone), so a thread iterating could
    query in the middle of another thread's transaction.  Every query it makes now holds the turn."""
    db, _ = corpus_db
    with gongkai.Corpus(db) as corpus:
        store = corpus.store
        held: list[bool] = []
        for name in ("execute", "iterate"):
            real = getattr(store, name)
            monkeypatch.setattr(store, name, lambda *a, _real=real, **k: (held.append(corpus._turn._is_owned()),
                                                                          _real(*a, **k))[1])
        seen = [(r.agency, r.year) for r in corpus]
        assert len(seen) == 5 == len(corpus)
        assert held and all(held)


def test_an_export_over_the_corpus_database_is_refused(corpus_db, tmp_path, capsys):
    """corpus.export("xlsx", "corpus.db") — one argument slipped — wrote the workbook over the corpus's
    own database and the corpus was lost (reopened: 数据库文件已损坏); --to jsonl did the same.
    The database, its -wal, or a link to it is now refused, and nothing is written."""
    import os
    import shutil

    db = tmp_path / "corpus.db"
    shutil.copy(corpus_db[0], db)
    os.symlink(db, tmp_path / "link.db")
    message = "输出文件是语料库数据库本身（或其日志文件），导出会覆盖语料库：未导出，请另写一个输出文件名。"
    with gongkai.Corpus(db) as corpus:
        for to, output in (("xlsx", db), ("jsonl", db), ("jsonl", f"{db}-wal"), ("xlsx", tmp_path / "link.db")):
            with pytest.raises(gongkai.GongkaiError) as info:
                corpus.export(to, output)
            assert str(info.value) == f"{output}：{message}"
    assert main(["export", "--db", str(db), "--to", "xlsx", "-o", str(db)]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == f"gongkai：{db}：{message}"
    with gongkai.Corpus(db) as corpus:
        assert corpus.count() == 5
        assert corpus.export("xlsx", tmp_path / "corpus.xlsx")[0] == (f"{tmp_path / 'corpus.xlsx'}#报告", 5)


def test_rollup_of_one_folder_given_alone_reads_that_folder(corpus_db, monkeypatch):
    """gongkai.rollup("towns/") took the string as its characters — "t", "o", …, and "/": the whole
    disk, read for reports until stopped (a test run spent minutes in it).  A path given alone is
    that one path, as Corpus.ingest takes one."""
    import gongkai.inputs

    db, _ = corpus_db
    folder = db.parent
    real = gongkai.inputs.expand

    def expand(paths, *args, **kwargs):
        assert list(paths) == [str(folder)]   # not its characters
        return real(paths, *args, **kwargs)

    monkeypatch.setattr(gongkai.inputs, "expand", expand)
    alone = gongkai.rollup(str(folder), against=HONGZE_2024)
    listed = gongkai.rollup([folder], against=HONGZE_2024)
    assert sorted(alone.names) == sorted(PARTS)
    assert {c: s.value for c, s in alone.cells.items()} == {c: s.value for c, s in listed.cells.items()}
    assert gongkai.rollup(folder).names == listed.names   # a Path alone too


def test_an_export_form_it_lacks_is_a_bad_argument_and_makes_nothing(corpus_db, tmp_path):
    # export("xls", out) made the folder out, then raised the bare GongkaiError 不支持的导出格式：xls
    with gongkai.Corpus(corpus_db[0]) as corpus:
        with pytest.raises(gongkai.BadArgument) as info:
            corpus.export("xls", tmp_path / "out")
    assert str(info.value) == "不支持的导出格式“xls”：可用 csv、xlsx、parquet、jsonl。"
    assert not (tmp_path / "out").exists()


def test_an_ingest_summary_shows_its_counts_not_every_number():
    """corpus.ingest(…) as a notebook cell's last line printed the dataclass's repr, every number of
    ``ids`` and every (path, reason) of ``failed``: ~600 KB for 100,000 reports.  It shows the counts."""
    from gongkai.corpus.ingest import Summary

    summary = Summary(added=99_999, failed=[("坏.pdf", "PDF 文件不完整")], cross_year=7, by_form={"pdf": 100_000},
                      ids=list(range(1, 100_001)))
    assert repr(summary) == ("<Summary added=99999 updated=0 unchanged=0 failed=1 cross_year=7 taken_back=0 crashes=0 "
                             "by_form={'pdf': 100000}>")
    assert len(summary.ids) == 100_000 and summary.failed == [("坏.pdf", "PDF 文件不完整")]   # all still there


def test_the_comparison_json_marks_the_values_a_report_did_not_print_as_such():
    """Comparison.to_dict (/api/corpus/compare) gave an inferred value as a bare number, while the
    page and the terminal mark it *: 交通与建设局 2021 printed 行政规范性文件 as 0012 (0|0|12 the one
    cut) and 2025 its table 3 digits run together.  a_mark/b_mark now say so."""
    crawled = EXAMPLES / "crawler-text"
    d = gongkai.compare(crawled / "ptzhsyqjtj-2021.txt", crawled / "ptzhsyqjtj-2025.txt").to_dict()
    first = {x["cell"]: (x["a"], x["a_mark"], x["b"], x["b_mark"]) for x in d["cell_differences"]}
    assert first["table2.art20_1.normative_docs.in_force"] == (12, "inferred", "open", None)
    assert first["table2.art20_6.penalty.decisions"] == (2, None, 0, None)
    assert first["table3.new_received.total"] == (5, None, 21, "inferred")
    assert {(x["a_mark"], x["b_mark"]) for x in d["cell_differences"]} <= {
        (None, None), ("inferred", None), (None, "inferred"), ("inferred", "inferred")}



def test_reports_of_a_body_the_corpus_lacks_is_not_found_naming_those_it_has(corpus_db):
    """corpus.reports(agency="教育局") and a mistyped name gave [] without a word, while
    stats("body", agency=…) says NotFound (docs/dataset.md: a body the corpus has no report of is a
    NotFound).  Now so for reports too, naming the bodies whose names contain what was given; a body
    it has, in a year it lacks, is still an empty list."""
    with gongkai.Corpus(corpus_db[0]) as corpus:
        with pytest.raises(gongkai.NotFound) as info:
            corpus.reports(agency="教育局")
        assert str(info.value) == ("语料库中没有机关“教育局”的报告。名称含“教育局”的机关：淮安市洪泽区教育局"
                                   "（reports 按机关全称取一个机关；stats(\"body\", agency=…) 可按名称的一部分）。")
        with pytest.raises(gongkai.NotFound) as info:
            corpus.reports(agency="外交部", year=2024)
        assert str(info.value) == "语料库中没有机关“外交部”的报告。"
        assert corpus.reports(agency="淮安市洪泽区教育局", year=2030) == []
        assert [r.agency for r in corpus.reports(agency="淮安市洪泽区教育局")] == ["淮安市洪泽区教育局"]
