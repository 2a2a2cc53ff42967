"""Import and export of CSV/Excel registers: round trip, and bad rows reported by line with
nothing half-imported."""

from datetime import date

import openpyxl
import pytest
from gk_register_sample import generate

from gongkai.errors import GongkaiError
from gongkai.register.exchange import export_file, export_rows, import_file, summary_rows
from gongkai.register.store import Register
from gongkai.register.table3 import compute

HEADER = "编号,申请人类型,申请人,提交方式,申请内容,提交日期,签收或确认日期,办理结果,答复日期\n"


@pytest.fixture
def reg(db_url, cal, settings):
    r = Register(db_url, calendar=cal, settings=settings, create=True)
    yield r
    r.close()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_keeps_every_column_and_table3(reg, cal, settings, tmp_path, suffix):
    reg.import_requests(generate(300, 2024, 2, cal, settings, seed=5), "生成")
    path = tmp_path / f"register{suffix}"
    assert export_file(reg, path, with_contact=True) == 300
    other = Register(str(tmp_path / "other.db"), calendar=cal, settings=settings, create=True)
    refs = import_file(other, path, "导入")
    assert len(refs) == 300
    assert export_rows(other, with_contact=True) == export_rows(reg, with_contact=True)
    for y in (2024, 2025):
        assert compute(other.db, y).table3 == compute(reg.db, y).table3
    other.close()


def test_contact_details_only_on_request(reg, cal, settings, tmp_path):
    reg.import_requests(generate(5, 2024, 1, cal, settings, seed=5), "生成")
    header, rows = export_rows(reg)
    assert "联系电话" not in header and "证件号码" not in header
    assert not any("1380000" in str(c) for r in rows for c in r)
    header, rows = export_rows(reg, with_contact=True)
    assert "联系电话" in header and any(str(c).startswith("1380000") for r in rows for c in r)


def test_legacy_csv_in_gb18030_with_chinese_labels(reg, tmp_path):
    path = tmp_path / "legacy.csv"
    path.write_bytes((HEADER +
                      "A-1,自然人,张三,当面,某文件,2025/9/26,,予以公开,2025年10月9日\n"
                      "A-2,商业企业,某公司,平信,某批复,2025-12-29,2025-12-30,,\n").encode("gb18030"))
    assert import_file(reg, path, "导入") == ["A-1", "A-2"]
    a, b = reg.get("A-1"), reg.get("A-2")
    assert (a.outcome, a.concluded_on, a.state) == ("granted", date(2025, 10, 9), "replied")
    assert b.received_on == date(2025, 12, 30) and b.channel == "ordinary_mail" and b.state == "registered"
    t = compute(reg.db, 2025).table3
    assert t["granted"]["natural_person"] == 1 and t["carried_forward"]["commercial"] == 1


def test_the_former_label_of_the_id_number_is_read_as_its_column(reg, tmp_path):
    """The form said 身份证明号码 (now 证件号码, as the page, the CLI and exports): a 台账 kept
    with the old head, or 身份证号码, still imports into that field."""
    for n, head in enumerate(("身份证明号码", "身份证号码")):
        path = tmp_path / f"ids{n}.csv"
        path.write_text(f"编号,申请人类型,申请人,提交方式,申请内容,提交日期,{head}\n"
                        f"I-{n},自然人,张三,当面,某文件,2025-09-26,11010119900101123{n}\n", encoding="utf-8")
        assert import_file(reg, path, "导入") == [f"I-{n}"]
        assert reg.get(f"I-{n}").applicant.id_number == f"11010119900101123{n}"


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(reg, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER +
                    "B-1,自然人,张三,当面,某文件,2025-09-26,,予以公开,2025-10-09\n"     # line 2: fine
                    "B-2,机器人,李四,当面,某文件,2025-09-26,,,\n"                       # line 3: type
                    "B-3,自然人,王五,当面,某文件,2025-13-01,,,\n"                       # line 4: date
                    "B-4,自然人,赵六,当面,,2025-09-26,,,\n"                             # line 5: content
                    "B-1,自然人,钱七,当面,某文件,2025-09-26,,,\n"                       # line 6: dup ref
                    "B-6,自然人,孙八,当面,某文件,2025-09-26,,予以公开,2025-09-01\n"     # line 7: reply early
                    "B-7,自然人,周九,当面,某文件,2025-09-26,,逾期未缴费,\n",             # line 8: no date
                    encoding="utf-8")
    with pytest.raises(GongkaiError) as err:
        import_file(reg, path, "导入")
    msg = str(err.value)
    assert str(path) in msg and "有 6 行数据有误，未导入任何数据" in msg
    for line, words in [(3, "申请人类型“机器人”"), (4, "2025-13-01"), (5, "缺少“申请内容”"), (6, "与第2行重复"),
                        (7, "早于收到申请日期"), (8, "“办理结果”和“答复日期”须同时填写")]:
        assert f"第{line}行：" in msg and words in msg.split(f"第{line}行：")[1].split("\n")[0], line
    assert "第2行" not in msg.replace("与第2行重复", "")
    assert reg.count() == 0


def test_xlsx_with_real_dates_and_missing_header(reg, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["申请人类型", "申请人", "提交方式", "申请内容", "提交日期", "办理结果", "答复日期"])
    ws.append(["法律服务机构", "某律所", "互联网", "某档案", date(2025, 3, 3), "部分公开", date(2025, 3, 20)])
    wb.save(tmp_path / "ok.xlsx")
    [ref] = import_file(reg, tmp_path / "ok.xlsx", "导入")
    assert reg.get(ref).outcome == "partial" and reg.get(ref).applicant.type == "legal_service"
    wb = openpyxl.Workbook()
    wb.active.append(["申请人", "申请内容"])
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(GongkaiError, match="表头缺少必需的列：申请人类型、提交方式、提交日期"):
        import_file(reg, tmp_path / "bad.xlsx", "导入")


def test_a_kept_register_under_a_title_row_imports_without_inventing_numbers(reg, settings, tmp_path):
    """A body's own Excel 台账 has a title row above the header (skipped, as the log does); its
    replies had no 文号 in the file, so they get none — they took the office's next numbers, a
    fact they never carried, and the office's next real letter skipped those numbers."""
    reg.settings = settings.replace(doc_number_format="某政公开〔{year}〕{n}号")
    wb = openpyxl.Workbook()
    wb.active.title = "2025年台账"
    wb.active.append(["某县某局2025年依申请公开台账"])
    wb.active.append(["编号", "申请人类型", "申请人", "提交方式", "申请内容", "提交日期", "办理结果", "答复日期"])
    wb.active.append(["YS-01", "自然人", "张三", "当面", "某文件", date(2025, 3, 3), "予以公开", date(2025, 3, 20)])
    wb.save(tmp_path / "kept.xlsx")
    assert import_file(reg, tmp_path / "kept.xlsx", "导入") == ["YS-01"]
    assert "doc_number" not in reg.history("YS-01")[1].data
    ref = reg.add({"applicant_type": "自然人", "name": "李四", "channel": "当面", "content": "x"}, "王",
                  on=date(2025, 4, 1))
    reg.record(ref, "extended", date(2025, 4, 10), "王", reason="档案多")
    assert reg.history(ref)[-1].data["doc_number"] == "某政公开〔2025〕1号"


def test_existing_ref_is_refused(reg, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(HEADER + "C-1,自然人,张三,当面,某文件,2025-09-26,,,\n", encoding="utf-8")
    import_file(reg, path, "导入")
    with pytest.raises(GongkaiError, match="第2行：编号 C-1 已在台账中"):
        import_file(reg, path, "导入")
    assert reg.count() == 1


def test_a_misspelt_column_is_refused_by_name_and_nothing_is_imported(reg, tmp_path):
    path = tmp_path / "typo.csv"
    path.write_text("申请人类型,申请人,提交方式,申请内容,提交日期,签收日朗,征求意见日期\n"
                    "自然人,张三,邮寄,某文件,2025-09-26,2025-10-09,2025-10-10\n", encoding="utf-8")
    with pytest.raises(GongkaiError) as err:
        import_file(reg, path, "导入")
    assert err.value.message == ("表头中有无法识别的列：“签收日朗”（未导入任何数据；可用的列：编号、申请人类型、申请人、"
                                 "提交方式、申请内容、件数、提交日期、签收或确认日期、证件号码、联系电话、电子邮箱、通信地址、"
                                 "补正告知日期、补正期限、补正事项、收到补正日期、征求意见日期、收到意见日期、延期日期、"
                                 "延期工作日、延期理由、收费通知日期、收费方式、件数或页数、收费金额、缴费日期、办理结果、"
                                 "答复日期、撤回日期、归档日期）")
    assert err.value.place == "第1行" and reg.count() == 0


def test_add_after_an_import_of_numbered_requests_never_collides(reg, tmp_path):
    path = tmp_path / "numbered.csv"
    path.write_text(HEADER + "2025-000001,自然人,张三,当面,某文件,2025-09-26,,,\n"
                    "2025-000002,自然人,李四,当面,某文件,2025-09-27,,,\n", encoding="utf-8")
    import_file(reg, path, "导入")
    from gongkai.register.store import Applicant, NewRequest
    new = [reg.add(NewRequest(Applicant("natural_person", f"王{i}"), "in_person", "x", date(2025, 10, 9)), "a")
           for i in range(2)]
    assert new == ["2025-000003", "2025-000004"]


def _refused(register, path, text: str | None = None) -> GongkaiError:
    """The error importing ``path`` (written with ``text`` first) raises."""
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(GongkaiError) as err:
        import_file(register, path, "导入")
    return err.value


def test_an_imported_extension_with_blank_days_is_refused_not_taken_as_20(reg, cal, settings, tmp_path):
    """A 台账 row whose 延期工作日 is blank was stored as 20 days (the form's default) — an
    invented number that moved the due date.  Refused by row and column; nothing imported."""
    path = tmp_path / "ext.csv"
    err = _refused(reg, path, "申请人类型,申请人,提交方式,申请内容,提交日期,延期日期,延期工作日,延期理由\n"
                              "自然人,李四,当面,某文件,2025-03-04,2025-03-20,10,需要调档\n"
                              "自然人,张三,当面,某文件,2025-03-03,2025-03-20,,需要调档\n")
    assert err.path == str(path)
    assert err.message == ("有 1 行数据有误，未导入任何数据：\n第3行：“延期工作日”为空：延期答复须填写延长的工作日数"
                                 "（导入时不按默认值补；请按原始记录填写）")
    assert reg.count() == 0
    # the step format alike: the row of the step itself is named, the steps after it are not misreported
    ref = reg.add({"applicant_type": "自然人", "name": "王五", "channel": "当面", "content": "x"}, "王",
                  on=date(2025, 3, 3))
    reg.record(ref, "extended", date(2025, 3, 20), "王", workdays=10, reason="档案多")
    reg.record(ref, "replied", date(2025, 4, 10), "王", outcome="予以公开")
    header, rows = export_rows(reg)
    rows[1][header.index("延期工作日")] = ""
    steps = tmp_path / "steps.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(header)
    for row in rows:
        wb.active.append(row)
    wb.save(steps)
    other = Register(str(tmp_path / "other.db"), calendar=cal, settings=settings, create=True)
    assert _refused(other, steps).message == ("有 1 行数据有误，未导入任何数据：\n第3行：“延期工作日”为空：延期答复须填写延长的工作日数"
                                 "（导入时不按默认值补；请按原始记录填写）")
    assert other.count() == 0
    other.close()


def test_a_list_import_guesses_neither_whom_it_consulted_nor_a_fee(reg, cal, settings, tmp_path):
    """A list says when a consultation was sent, not to whom (was stored as 第三方); a fee notice
    without its basis and units was stored as 按件, 1 件, 本月此前 0 件."""
    path = tmp_path / "list.csv"
    err = _refused(reg, path, "编号,申请人类型,申请人,提交方式,申请内容,提交日期,征求意见日期,收到意见日期,收费通知日期,收费金额\n"
                              "L-1,自然人,张三,当面,某文件,2025-03-03,2025-03-05,2025-03-10,,\n"
                              "L-2,自然人,李四,当面,某文件,2025-03-03,,,2025-03-06,100\n")
    assert err.message == "有 1 行数据有误，未导入任何数据：\n第3行：有收费通知日期时须填写“收费方式”、“件数或页数”"
    path.write_text("\n".join(path.read_text(encoding="utf-8").splitlines()[:2]) + "\n", encoding="utf-8")
    assert import_file(reg, path, "导入") == ["L-1"]
    started = reg.history("L-1")[1]
    assert started.kind == "consultation_started" and "party" not in started.data
    assert "书面征求意见，所需时间不计入答复期限" in reg.case("L-1").clock.render()
    # and it stays unknown through an export and an import
    out = tmp_path / "out.csv"
    export_file(reg, out)
    other = Register(str(tmp_path / "other.db"), calendar=cal, settings=settings, create=True)
    assert import_file(other, out, "导入") == ["L-1"]
    assert export_rows(other) == export_rows(reg)
    other.close()


def test_the_export_says_a_request_open_past_its_due_date_is_overdue(db_url, cal, settings):
    """是否逾期 of a request still unanswered past its due date is not blank, as if it were on time: the
    export says 已超期 as of its day (both sheets); answered late stays 逾期, on time blank."""
    with Register(db_url, calendar=cal, settings=settings, today=date(2026, 1, 29), create=True) as r:
        late = r.add({"applicant_type": "natural_person", "name": "杨丽", "channel": "in_person",
                      "content": "2024年度财政预算执行情况"}, "刘芳", on=date(2025, 6, 3))
        r.record(late, "replied", date(2025, 7, 30), "刘芳", outcome="granted", ground="2")
        open_ = r.add({"applicant_type": "natural_person", "name": "张伟", "channel": "in_person",
                       "content": "农村危房改造补助资金发放名单"}, "刘芳", on=date(2025, 12, 22))   # due 2026-01-20
        soon = r.add({"applicant_type": "natural_person", "name": "白雪梅", "channel": "in_person",
                      "content": "人居环境整治项目验收资料"}, "刘芳", on=date(2026, 1, 26))
        header, rows = summary_rows(r)
        marks = {row[0]: row[header.index("是否逾期")] for row in rows}
        assert marks == {late: "逾期", open_: "已超期（截至2026-01-29）", soon: ""}
        header, rows = export_rows(r)
        steps = {row[0]: row[header.index("是否逾期")] for row in rows if row[1] == 1}
        assert steps == marks
