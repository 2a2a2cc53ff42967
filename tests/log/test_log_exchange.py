"""Importing a body's list of documents (CSV and Excel), bad rows reported by line with nothing
half-imported, export that reads back unchanged, and the monthly-figures file."""

import csv
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from gongkai.errors import GongkaiError
from gongkai.log.exchange import export_documents, import_documents, import_figures
from gongkai.log.store import DisclosureLog, ImportRejected, NewItem
from gongkai.log.year import normative_rows, section1, table2

HEADER = ["标题", "文号", "类别", "形成日期", "公开属性", "不公开理由", "拟稿人", "拟稿日期", "核稿人", "核稿日期",
          "审签人", "审签日期", "公开渠道", "公开栏目", "公开日期", "废止或失效", "废止失效日期"]

GOOD = [
    # line 2: a normative document published in two places (lines 2 and 3)
    ["关于印发《某某管理办法》的通知", "某政发〔2024〕3号", "行政规范性文件", "2024-03-01", "主动公开", "",
     "张三", "2024-02-26", "李四", "2024-02-28", "王五", "2024-03-01", "政府网站", "政策文件", "2024-03-05", "", ""],
    ["关于印发《某某管理办法》的通知", "某政发〔2024〕3号", "行政规范性文件", "2024-03-01", "主动公开", "",
     "张三", "2024-02-26", "李四", "2024-02-28", "王五", "2024-03-01", "政务新媒体", "", "2024-03-06", "", ""],
    # line 4: an old normative document, repealed in 2024, no publication recorded
    ["某某实施细则", "某政发〔2019〕8号", "规范性文件", "2019年5月6日", "主动公开", "", "", "", "", "", "", "",
     "", "", "", "废止", "2024/06/30"],
    # line 5: a rule
    ["某某规定", "某政令第1号", "规章", "2024-09-02", "主动公开", "", "甲", "2024-09-01", "乙", "2024-09-01",
     "丙", "2024-09-02", "政府公报", "", "2024-09-10", "", ""],
    # line 6: withheld, with its reason
    ["内部管理制度", "", "其他", "2024-04-01", "不予公开", "属于内部事务信息（条例第十六条）", "", "", "", "", "",
     "", "", "", "", "", ""],
    # line 7: a notice on the notice board
    ["村务公示", "", "其他", "2024-10-08", "主动公开", "", "甲", "2024-10-08", "乙", "2024-10-08", "丙",
     "2024-10-08", "公开栏", "", "2024-10-09", "", ""],
]


def write_csv(path, rows, header=HEADER, encoding="utf-8-sig"):
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def write_xlsx(path, rows, header=HEADER):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append([_as_date(c) for c in r])
    wb.save(path)
    return path


def _as_date(cell):
    """ISO dates become real Excel dates, as a clerk's sheet has them; invalid ones stay text."""
    try:
        return date.fromisoformat(cell) if isinstance(cell, str) and len(cell) == 10 else cell
    except ValueError:
        return cell


def check_imported(log):
    items = log.items()
    assert len(items) == 5
    by_no = {i.doc_no: i for i in items if i.doc_no}
    doc = by_no["某政发〔2024〕3号"]
    assert [(p.channel, p.column, p.on) for p in doc.publications] == [
        ("website", "政策文件", date(2024, 3, 5)), ("new_media", "", date(2024, 3, 6))]
    assert doc.reviews["check"].person == "李四" and doc.reviews["check"].on == date(2024, 2, 28)
    old = by_no["某政发〔2019〕8号"]
    assert (old.kind, old.made_on, old.ended_kind, old.ended_on) == ("normative_docs", date(2019, 5, 6), "repealed",
                                                                     date(2024, 6, 30))
    withheld = next(i for i in items if i.title == "内部管理制度")
    assert (withheld.attribute, withheld.attribute_reason) == ("withheld", "属于内部事务信息（条例第十六条）")
    assert normative_rows(log, 2024) == {"art20_1.rules": {"made": 1, "repealed": 0, "in_force": 1},
                                         "art20_1.normative_docs": {"made": 1, "repealed": 1, "in_force": 1}}
    s = section1(log, 2024)
    assert s.by_column == {("website", "政策文件"): 1, ("new_media", ""): 1, ("bulletin", ""): 1,
                           ("notice_board", ""): 1}
    assert (s.publications, s.items) == (4, 3)


def test_import_csv(log, tmp_path):
    refs = import_documents(log, write_csv(tmp_path / "list.csv", GOOD), "clerk")
    assert len(refs) == 5
    check_imported(log)


def test_import_gb18030_csv(log, tmp_path):
    import_documents(log, write_csv(tmp_path / "list.csv", GOOD, encoding="gb18030"), "clerk")
    check_imported(log)


def test_import_xlsx_with_real_dates(log, tmp_path):
    import_documents(log, write_xlsx(tmp_path / "list.xlsx", GOOD), "clerk")
    check_imported(log)


BAD = GOOD + [
    ["坏日期", "", "其他", "2024-02-30", "主动公开"] + [""] * 12,                            # line 8
    ["坏类别", "", "会议纪要", "2024-02-03", "主动公开"] + [""] * 12,                        # line 9
    ["规范性文件不公开", "某政发〔2024〕9号", "行政规范性文件", "2024-02-03", "不予公开", "涉密"] + [""] * 11,  # 10
    ["早于形成", "", "其他", "2024-05-05", "主动公开", "", "甲", "2024-05-05", "乙", "2024-05-05", "丙",
     "2024-05-05", "政府网站", "通知公告", "2024-05-04", "", ""],                            # line 11
    ["依申请无理由", "", "其他", "2024-05-05", "依申请公开"] + [""] * 12,                    # line 12
    # line 13: same 文号 as line 2 but another date
    ["关于印发《某某管理办法》的通知", "某政发〔2024〕3号", "行政规范性文件", "2024-03-02", "主动公开", "",
     "张三", "2024-02-26", "李四", "2024-02-28", "王五", "2024-03-01", "政府网站", "政策文件", "2024-03-07", "", ""],
]


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_bad_rows_are_reported_by_line_and_nothing_is_imported(log, tmp_path, form):
    path = write_csv(tmp_path / "bad.csv", BAD) if form == "csv" else write_xlsx(tmp_path / "bad.xlsx", BAD)
    with pytest.raises(ImportRejected) as exc:
        import_documents(log, path, "clerk")
    assert exc.value.path == str(path)
    assert [p.split("：", 1)[0] for p in exc.value.problems] == ["第8行", "第9行", "第10行", "第11行", "第12行",
                                                                "第13行"]
    text = "\n".join(exc.value.problems)
    for expected in ("“2024-02-30”不是有效日期", "类别“会议纪要”无法识别", "行政规范性文件应当主动公开",
                     "公开日期 2024-05-04 早于形成日期", "须写明理由", "与第2行是同一文件，但形成日期不一致"):
        assert expected in text
    assert log.count() == 0
    assert log.db.query("SELECT COUNT(*) FROM disclosure_publications")[0][0] == 0


def test_conflict_with_the_store_names_the_line_and_rolls_back(log, tmp_path):
    log.add(NewItem("某某规定", "rules", date(2024, 9, 2), doc_no="某政令第1号"), "clerk")
    with pytest.raises(ImportRejected) as exc:
        import_documents(log, write_csv(tmp_path / "list.csv", GOOD), "clerk")
    assert exc.value.problems == ["第5行：文号 某政令第1号 已在台账中（编号 D2024-000001）"]
    assert log.count() == 1  # the four clean documents before and after line 5 were not kept either
    assert log.db.query("SELECT COUNT(*) FROM disclosure_reviews")[0][0] == 0


def test_header_problems(log, tmp_path):
    with pytest.raises(GongkaiError, match="缺少必需的列：类别、公开属性") as exc:
        import_documents(log, write_csv(tmp_path / "a.csv", [["x", "2024-01-01"]], ["标题", "形成日期"]), "c")
    assert exc.value.place == "第1行"
    with pytest.raises(GongkaiError, match="无法识别的列名“备注”"):
        import_documents(log, write_csv(tmp_path / "b.csv", [], HEADER + ["备注"]), "c")
    (tmp_path / "c.pdf").write_text("x")
    with pytest.raises(GongkaiError, match="只能导入 .csv 或 .xlsx"):
        import_documents(log, tmp_path / "c.pdf", "c")
    with pytest.raises(GongkaiError, match="文件不存在"):
        import_documents(log, tmp_path / "missing.csv", "c")
    assert log.count() == 0


def test_line_numbers_count_physical_lines_of_quoted_cells(log, tmp_path):
    rows = [["多行\n标题", "", "其他", "2024-01-02", "主动公开"] + [""] * 12,     # lines 2–3
            ["好", "", "其他", "2024-13-02", "主动公开"] + [""] * 12]             # line 4
    with pytest.raises(ImportRejected) as exc:
        import_documents(log, write_csv(tmp_path / "m.csv", rows), "c")
    assert exc.value.problems[0].startswith("第4行：")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_reads_back_unchanged(log, tmp_path, suffix, cal):
    import_documents(log, write_csv(tmp_path / "list.csv", GOOD), "clerk")
    ref = log.items()[-1].ref
    log.change(log.items()[1].ref, date(2024, 6, 1), "修订", "clerk")
    out = tmp_path / f"out{suffix}"
    assert export_documents(log, out) == 20  # one row per entry: 4 registrations, 9 reviews, 6 publications, 1 change
    with DisclosureLog(str(tmp_path / "other.db"), calendar=cal, create=True) as other:
        import_documents(other, out, "clerk")

        def shape(lg):
            return [(i.ref, i.title, i.doc_no, i.kind, i.made_on, i.attribute, i.attribute_reason, i.ended_kind,
                     i.ended_on, [(r.step, r.person, r.on) for r in i.reviews.values()], [c.on for c in i.changes],
                     [(p.channel, p.column, p.on) for p in i.publications]) for i in lg.items()]

        assert shape(other) == shape(log)
        assert table2(other, 2024) == table2(log, 2024)
    assert ref.startswith("D2024-")
    if suffix == ".xlsx":
        wb = load_workbook(out)
        assert [c.value for c in wb["台账记录"][1]][:5] == ["台账编号", "事项", "日期", "标题", "文号"]
        assert [c.value for c in wb["文件一览"][1]][:5] == ["台账编号", "标题", "文号", "类别", "形成日期"]


FIG_HEADER = ["年度", "月份", "行政许可", "行政处罚", "行政强制", "行政事业性收费（万元）"]


def test_import_monthly_figures(log, tmp_path):
    rows = [[2025, m, m * 2, "" if m == 7 else 1, 0, f"{m}.25"] for m in range(1, 13)]
    n = import_figures(log, write_csv(tmp_path / "f.csv", rows, FIG_HEADER), "c")
    assert n == 12 * 4 - 1
    got, notes = table2(log, 2025)
    assert got["art20_5.licensing"] == {"decisions": 156}         # 2 × (1 + … + 12)
    assert got["art20_6.penalty"] == {"decisions": 11}
    assert got["art20_6.coercion"] == {"decisions": 0}            # entered as 0: a real zero
    assert got["art20_8.admin_fees"] == {"amount": Decimal("81.00")}  # 78 + 12 × 0.25
    assert notes == ["规章、行政规范性文件：台账中没有2025年底以前制发的任何文件，表二这2行留空（没有登记不等于没有制发）；请先登记或导入文件清单（以前年度制发、仍现行有效的作为存量文件登记）",
                     "行政处罚：2025年缺 7 月的数据，合计只含已录入月份"]
    assert got["art20_1.rules"] == {"made": None, "repealed": None, "in_force": None}   # no document: unknown


def test_bad_figures_rows_are_reported_and_nothing_is_kept(log, tmp_path):
    rows = [[2025, 1, 3, 1, 0, "1.5"], [2025, 13, 1, 1, 1, "1"], [2025, 2, "2.5", 1, 1, "1"], [2025, 1, 1, 1, 1, 1],
            ["二〇二五", 3, 1, 1, 1, 1]]
    with pytest.raises(ImportRejected) as exc:
        import_figures(log, write_xlsx(tmp_path / "f.xlsx", rows, FIG_HEADER), "c")
    assert exc.value.problems == ["第3行：月份“13”应为 1 至 12", "第4行：行政许可的数值“2.5”应为整数（件）",
                                  "第5行：2025年1月已在第2行填写", "第6行：年度“二〇二五”不是数字"]
    assert log.db.query("SELECT COUNT(*) FROM disclosure_figures")[0][0] == 0


def test_a_portal_list_without_review_columns_imports_as_history(log, tmp_path):
    path = tmp_path / "portal.csv"
    path.write_text("标题,文号,类别,成文日期,公开属性,栏目,公开渠道,发布日期\n"
                    "关于做好春耕工作的通知,某办发〔2025〕2号,其他,2025-02-10,主动公开,通知公告,政府网站,2025-02-12\n"
                    "某某办法,某政规〔2025〕1号,规范性文件,2025-03-03,主动公开,政策文件,政府网站,2025-03-04\n",
                    encoding="utf-8")
    assert len(import_documents(log, path, "clerk")) == 2
    assert section1(log, 2025).by_column == {("website", "政策文件"): 1, ("website", "通知公告"): 1}
    # A new publication entered in the log still needs the 审签 first.
    ref = log.items()[0].ref
    with pytest.raises(GongkaiError, match="尚未审签"):
        log.publish(ref, "政务新媒体", "", date(2025, 2, 13), "clerk")


def test_review_can_be_completed_after_importing_a_published_item(log, tmp_path):
    path = tmp_path / "portal.csv"
    path.write_text("标题,类别,成文日期,公开属性,公开渠道,公开栏目,发布日期\n通知,其他,2025-02-10,主动公开,政府网站,通知公告,"
                    "2025-02-12\n", encoding="utf-8")
    [ref] = import_documents(log, path, "clerk")
    for step, who in (("draft", "甲"), ("check", "乙"), ("sign", "丙")):
        log.review(ref, step, who, date(2025, 2, 10), "clerk")
    item = log.publish(ref, "政务新媒体", "", date(2025, 2, 13), "clerk")
    assert [p.channel for p in item.publications] == ["website", "new_media"]


def test_a_sheet_with_a_title_row_and_row_numbers(log, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["某某局2025年主动公开台账"])
    ws.append([])
    ws.append(["序号"] + HEADER)
    for n, row in enumerate(GOOD, 1):
        ws.append([n] + [_as_date(c) for c in row])
    ws.append([7, "坏", "", "其他", "2025-01-01", "不公开"] + [""] * 12)
    path = tmp_path / "titled.xlsx"
    wb.save(path)
    with pytest.raises(ImportRejected) as exc:
        import_documents(log, path, "clerk")
    # Lines as Excel shows them: title on 1, blank 2, header 3, data from 4; the bad row is 10.
    assert exc.value.problems == ["第10行：公开属性为“不予公开”时须写明理由"]
    ws.delete_rows(10)
    wb.save(path)
    assert len(import_documents(log, path, "clerk")) == 5
    check_imported(log)


def test_header_errors_name_the_header_line(log, tmp_path):
    path = write_csv(tmp_path / "t.csv", [["x"]], ["某某局台账"])
    with pytest.raises(GongkaiError, match="无法识别的列名“某某局台账”") as exc:
        import_documents(log, path, "c")
    assert exc.value.place == "第1行"
    path.write_text("某某局台账\n标题,类别,形成日期,公开属性,备注\n", encoding="utf-8")
    with pytest.raises(GongkaiError, match="无法识别的列名“备注”") as exc:
        import_documents(log, path, "c")
    assert exc.value.place == "第2行"


def test_merged_document_cells_in_excel(log, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["标题", "文号", "类别", "形成日期", "公开属性", "公开渠道", "公开栏目", "公开日期"])
    ws.append(["某某办法", "某政规〔2025〕1号", "行政规范性文件", date(2025, 3, 3), "主动公开", "政府网站", "政策文件",
               date(2025, 3, 4)])
    ws.append([None, None, None, None, None, "政务新媒体", None, date(2025, 3, 5)])
    ws.append([None, None, None, None, None, "政府公报", None, date(2025, 3, 20)])
    ws.append(["通知", "", "其他", date(2025, 3, 6), "主动公开", "公开栏", None, date(2025, 3, 7)])
    for col in "ABCDE":
        ws.merge_cells(f"{col}2:{col}4")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    assert len(import_documents(log, path, "clerk")) == 2
    doc = next(i for i in log.items() if i.doc_no)
    assert [(p.channel, p.on) for p in doc.publications] == [
        ("website", date(2025, 3, 4)), ("new_media", date(2025, 3, 5)), ("bulletin", date(2025, 3, 20))]


def test_a_publication_row_under_a_bad_document_row(log, tmp_path):
    rows = [["坏", "", "其他", "2025-02-30", "主动公开"] + [""] * 7 + ["公开栏", "", "2025-03-01", "", ""],
            [""] * 12 + ["公开栏", "", "2025-03-02", "", ""],
            ["好", "", "其他", "2025-03-01", "主动公开"] + [""] * 7 + ["公开栏", "", "2025-03-01", "", ""],
            [""] * 12 + ["公开栏", "", "2025-02-01", "", ""],
            [""] * 12 + ["公开栏", "", "2025-03-05", "", ""]]
    with pytest.raises(ImportRejected) as exc:
        import_documents(log, write_csv(tmp_path / "c.csv", rows), "c")
    assert [p.split("：")[0] for p in exc.value.problems] == ["第2行", "第3行", "第5行"]
    assert "没有文件信息" in exc.value.problems[1] and "公开日期 2025-02-01 早于形成日期" in exc.value.problems[2]


def test_a_list_of_earlier_years_documents_marked_existing(log, tmp_path):
    # 存量: listed to count what is in force — no duty to publish from before the import, and a
    # publication entered later needs no review chain; a bad 存量 cell is refused by line
    path = tmp_path / "stock.csv"
    path.write_text("标题,类别,形成日期,公开属性,存量\n旧办法,规范性文件,2019-05-06,主动公开,是\n"
                    "新通知,其他,2025-02-10,主动公开,\n", encoding="utf-8")
    old, new = import_documents(log, path, "clerk")
    assert (log.get(old).existing, log.get(new).existing) == (True, False)
    assert [o.item.ref for o in log.obligations(date(2025, 6, 30))] == [new]
    assert [p.channel for p in log.publish(old, "公开栏", "", date(2025, 7, 1), "clerk").publications] == ["notice_board"]
    with pytest.raises(GongkaiError, match="尚未审签"):
        log.publish(new, "公开栏", "", date(2025, 7, 1), "clerk")
    bad = tmp_path / "bad.csv"
    bad.write_text("标题,类别,形成日期,公开属性,存量\n甲,其他,2019-05-06,主动公开,可能\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as exc:
        import_documents(log, bad, "clerk")
    assert exc.value.problems == ["第2行：“存量”应填“是”或留空，而不是“可能”"]
