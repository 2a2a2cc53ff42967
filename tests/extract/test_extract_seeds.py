"""Every cell of the five seed reports, as read by a person from the seed text."""

from datetime import date
from decimal import Decimal

import pytest

from gongkai.format import FORMAT
from gongkai.load import load
from tests.conftest import seed

COLS = list(FORMAT.table3_column_ids)
Z7 = [0, 0, 0, 0, 0, 0, 0]


def table3(layout: str, rows: dict[str, list]) -> dict:
    """Expected table 3: every row of ``layout``; rows not listed are seven zeros."""
    return {r: dict(zip(COLS, rows.get(r, Z7))) for r in FORMAT.table3_layout(layout)}


def table4(values: list) -> dict:
    out: dict = {}
    for (group, column), v in zip(FORMAT.table4_cell_order, values):
        out.setdefault(group, {})[column] = v
    return out


T2_ZERO_2021 = {
    "art20_1.rules": {"made": 0, "repealed": 0, "in_force": 0},
    "art20_1.normative_docs": {"made": 0, "repealed": 0, "in_force": 0},
    "art20_5.licensing": {"decisions": 0},
    "art20_6.penalty": {"decisions": 0},
    "art20_6.coercion": {"decisions": 0},
    "art20_8.admin_fees": {"amount": 0},
}


def test_seed_000_table3_destroyed_is_not_invented():
    r = load(seed("000"))
    assert (r.agency, r.year, r.format, r.published) == ("吴忠市红寺堡区红寺堡镇人民政府", 2021, "2021", None)
    assert [s.no for s in r.sections] == [1, 2, 3, 5, 6]  # the heading of 四 is missing in the source
    assert r.table2 == {**T2_ZERO_2021, "art20_5.licensing": {"decisions": 10}}
    # Only table 3's header survives; the row of 15 zeros under it is table 4's.
    assert r.table3 is None
    assert r.table4 == table4([0] * 15)
    assert not any(c.startswith("table3.") for c in r.cells)
    assert "表三只有表头" in " ".join(r.notes)
    assert r.cells["table4.review.upheld"].raw == "0"


def test_seed_001_2019_format_and_blank_review_cells():
    r = load(seed("001"))
    assert (r.agency, r.year, r.format, r.published) == ("沙坡头区柔远镇人民政府", 2020, "2019", None)
    assert [s.title for s in r.sections] == [
        "总体工作情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
        "因政府信息公开工作被申请复议、提起行政诉讼情况", "政府信息公开工作存在的主要问题及改进情况", "其他需要报告的事项"]
    assert r.table2 == {
        "art20_1.rules": {"new_made": 0, "new_published": 0, "total_published": 0},
        "art20_1.normative_docs": {"new_made": 0, "new_published": 0, "total_published": 0},
        "art20_5.licensing": {"prev_items": 0, "change": 0, "decisions": 0},
        "art20_5.other_services": {"prev_items": 63, "change": 0, "decisions": 0},
        "art20_6.penalty": {"prev_items": 6, "change": 0, "decisions": 0},
        "art20_6.coercion": {"prev_items": 7, "change": 0, "decisions": 0},
        "art20_8.admin_fees": {"prev_items": 1, "change": 0},
        "art20_9.procurement": {"projects": 0, "amount": 0},
    }
    assert r.table3 == table3("2019", {})
    # 行政复议 printed blank: null, not zero.
    assert r.table4 == table4([None] * 5 + [0] * 10)
    assert r.cells["table4.review.total"].raw == ""
    assert [(u.table, u.printed, u.official) for u in r.labels] == [("table3", "社会组织", "社会公益组织")]


def test_seed_002_total_column_blank_where_the_row_lost_a_cell():
    r = load(seed("002"))
    assert (r.agency, r.year, r.format) == ("吴忠市利通区金积镇人民政府", 2021, "2021")
    assert r.table2 == T2_ZERO_2021
    blank_total = [0, 0, 0, 0, 0, 0, None]
    short_rows = ["granted", "partial", "denied.state_secret", "denied.law_forbidden", "denied.security_stability",
                  "denied.third_party", "denied.internal_affairs", "denied.process_info",
                  "denied.enforcement_file", "denied.admin_query"]
    assert r.table3 == table3("2021", {row: blank_total for row in short_rows})
    assert r.table4 == table4([0] * 15)
    assert r.labels == [] and r.extra_rows == [] and r.notes == []


def test_seed_003_county_figures():
    r = load(seed("003"))
    assert (r.agency, r.year, r.format, r.published) == ("同心县人民政府", 2021, "2021", None)  # the title says 同心县: its government
    assert r.table2 == {
        "art20_1.rules": {"made": 0, "repealed": 0, "in_force": 0},
        "art20_1.normative_docs": {"made": 3, "repealed": 45, "in_force": 30},
        "art20_5.licensing": {"decisions": 29102},
        "art20_6.penalty": {"decisions": 2967},
        "art20_6.coercion": {"decisions": 1980},
        "art20_8.admin_fees": {"amount": Decimal("1340.5117")},
    }
    assert r.table3 == table3("2021", {
        "new_received": [14, 0, 0, 0, 0, 0, 14],
        "granted": [12, 0, 0, 0, 0, 0, 12],
        "unable.not_held": [2, 0, 0, 0, 0, 0, 2],
        "total": [14, 0, 0, 0, 0, 0, 14],
    })
    assert r.table4 == table4([0] * 15)
    assert str(r.cells["table3.granted.natural_person"].where) == "line 63, column 3"
    assert r.cells["table2.art20_8.admin_fees.amount"].raw == "1340.5117"


def test_seed_004_single_other_row_in_2021_report_and_label_typos():
    r = load(seed("004"))
    assert (r.agency, r.year, r.format, r.published) == ("吴忠市红寺堡区新庄集乡人民政府", 2024, "2021",
                                                         date(2025, 1, 14))
    assert r.table2 == T2_ZERO_2021
    assert r.table3 == table3("2019", {})  # （六）其他处理 printed as one row
    assert r.table4 == table4([0] * 15)
    assert [(u.table, u.row, u.printed) for u in r.labels] == [
        ("table3", "new_received", "一、本年新收到政府信息公开申请数量"),
        ("table3", "denied.law_forbidden", "2.其他法律、行政法规禁止公开"),
        ("table3", "denied.enforcement_file", "7.属于行政执法案件"),
        ("table2", "header", "现有有效件数"),
        ("table2", "header", "本年处理决定事项"),
        ("table2", "header", "本年处理决定事项"),
    ]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_json_round_trip(prefix):
    from gongkai.model import Report

    r = load(seed(prefix))
    back = Report.from_json(r.to_json())
    assert back.to_dict() == r.to_dict()
    assert r.to_dict()["schema"] == "gongkai.report/1"


def test_title_letter_spaced_by_ocr_gives_title_agency_and_year():
    # OCR of a scan of 洪泽区 2024 (150 dpi) read the large title with spaces between its characters:
    # "…2024年政 府 信息公 开工 作年度 报告".  Spaces between Chinese characters are not in the title.
    from gongkai.load import load

    text = seed("003").read_text(encoding="utf-8").split("\n")
    first = next(i for i, line in enumerate(text) if line.strip())
    text[first] = "淮安市洪泽区人民政府2024年政 府 信息公 开工 作年度 报告"
    r = load("\n".join(text).encode("utf-8"), "scan.txt")
    assert (r.title, r.agency, r.year) == ("淮安市洪泽区人民政府2024年政府信息公开工作年度报告", "淮安市洪泽区人民政府", 2024)
