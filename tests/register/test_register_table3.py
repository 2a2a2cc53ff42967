"""Table 3 from a generated register of 10,000 requests over three years."""

from datetime import date

import pytest
from gk_register_sample import generate

from gongkai.format import FORMAT
from gongkai.register.store import Applicant, NewRequest, Register
from gongkai.register.table3 import compute, drill

YEARS = (2023, 2024, 2025)
COLUMNS = FORMAT.table3_column_ids
OUTCOME_ROWS = [r for r in FORMAT.table3_layout("2021") if r in FORMAT.table3_outcome_rows]


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    from gongkai.register.settings import shipped_settings
    from gongkai.workdays import load_calendar
    d = tmp_path_factory.mktemp("big")
    cal = load_calendar()
    reg = Register(str(d / "big.db"), calendar=cal, settings=shipped_settings(), create=True)
    reg.import_requests(generate(10_000, YEARS[0], 3, cal, reg.settings, seed=7), "生成")
    reports = {y: compute(reg.db, y) for y in (*YEARS, YEARS[-1] + 1)}
    yield reg, reports
    reg.close()


def test_every_identity_holds(big):
    reg, reports = big
    assert reg.count() == 10_000
    assert sum(reports[y].table3["new_received"]["total"] for y in YEARS) == 10_000
    for y in YEARS:
        t = reports[y].table3
        assert reports[y].year == y and reports[y].format == "2021"
        assert list(t) == list(FORMAT.table3_layout("2021"))
        for c in COLUMNS:
            # 一 + 二 = 三（七）总计 + 四
            assert t["new_received"][c] + t["carried_over"][c] == t["total"][c] + t["carried_forward"][c]
            # （七）总计 = sum of the outcome rows
            assert t["total"][c] == sum(t[r][c] for r in OUTCOME_ROWS)
        for r in t:  # 总计 column = sum of the six applicant columns
            assert t[r]["total"] == sum(t[r][c] for c in COLUMNS if c != "total")
    # the generator produced every kind of history
    t = reports[2024].table3
    assert t["other.no_correction"]["total"] > 0 and t["other.no_fee"]["total"] > 0
    assert t["unable.unclear"]["total"] > 0 and t["carried_over"]["total"] > 0
    assert reports[2023].table3["carried_over"]["total"] == 0


def test_carried_forward_equals_next_carried_over(big):
    _, reports = big
    for y in YEARS:
        for c in COLUMNS:
            assert reports[y].table3["carried_forward"][c] == reports[y + 1].table3["carried_over"][c]
    # nothing is received in 2026, so its new column is zero
    assert reports[2026].table3["new_received"]["total"] == 0


def test_no_error_from_the_checker(big):
    from gongkai import check
    _, reports = big
    for y in YEARS:
        findings = check.check_report(reports[y], previous=reports.get(y - 1))
        # A register yields table 3 only; the missing sections and tables 2/4 are expected.
        errors = [f for f in findings if f.severity == "error"
                  and not (f.rule == "SECTION-MISSING" or (f.rule == "TABLE-MISSING" and "表三" not in f.message))]
        assert errors == [], [f.message for f in errors]
    # and the checker does see a broken table 3
    broken = compute(big[0].db, 2024)
    broken.table3["granted"]["natural_person"] += 1
    broken.table3["granted"]["total"] += 1
    assert {"T3-TOTAL"} <= {f.rule for f in check.check_report(broken) if f.severity == "error"}
    broken.table3["total"]["natural_person"] += 1
    broken.table3["total"]["total"] += 1
    assert {"T3-IDENTITY"} <= {f.rule for f in check.check_report(broken) if f.severity == "error"}


def test_drill_down_matches_every_cell(big):
    reg, reports = big
    t = reports[2024].table3
    for row in t:
        for c in COLUMNS:
            refs = drill(reg.db, 2024, f"table3.{row}.{c}")
            assert len(refs) == t[row][c], (row, c)
    granted = drill(reg.db, 2024, "granted.natural_person")
    req = reg.get(granted[0])
    assert req.outcome == "granted" and req.applicant.type == "natural_person"
    assert req.concluded_on.year == 2024


def test_small_register_exact_cells(db_url, cal, settings):
    reg = Register(db_url, calendar=cal, settings=settings, create=True)
    p = Applicant("natural_person", "张三", "1")
    firm = Applicant("commercial", "某公司", "91")
    a = reg.add(NewRequest(p, "in_person", "a", date(2024, 12, 30)), "x")       # carried into 2025
    b = reg.add(NewRequest(firm, "in_person", "b", date(2025, 3, 3)), "x")      # granted in 2025
    c = reg.add(NewRequest(p, "in_person", "c", date(2025, 12, 29)), "x")       # open at year end
    reg.add(NewRequest(firm, "in_person", "d", date(2026, 1, 5)), "x")          # not in 2025 at all
    reg.record(a, "replied", date(2025, 1, 10), "x", outcome="partial", note="个人信息已作区分处理")
    reg.record(b, "replied", date(2025, 3, 4), "x", outcome="granted")
    reg.record(c, "replied", date(2026, 1, 6), "x", outcome="not_processed.repeat")
    t = compute(reg.db, 2025).table3
    assert t["new_received"] == {**dict.fromkeys(COLUMNS, 0), "natural_person": 1, "commercial": 1, "total": 2}
    assert t["carried_over"]["natural_person"] == 1 and t["carried_over"]["total"] == 1
    assert t["partial"]["natural_person"] == 1 and t["granted"]["commercial"] == 1
    assert t["total"]["total"] == 2 and t["carried_forward"]["natural_person"] == 1
    assert t["not_processed.repeat"]["total"] == 0
    assert drill(reg.db, 2025, "carried_forward.total") == [c]
    reg.close()
