"""A MADE-UP 2027 for the turn-of-the-year tests (register and web): no notice for 2027 was
published when they were written.  春节 2027-02-05..2027-02-13 off (除夕 to 正月初三 by law, 补假 for
the weekend, two days 调休), with Sunday 2027-01-31 and Saturday 2027-02-20 worked instead — a
plausible arrangement of the kind the 国务院办公厅 publishes, nothing more."""

from __future__ import annotations

from datetime import date, timedelta

from gongkai.workdays.calendar import statutory_holidays

SPRING = {date(2027, 2, 5) + timedelta(days=i) for i in range(9)}
MADE_UP_2027 = dict(holidays=set(statutory_holidays(2027)) | SPRING,
                    workdays={date(2027, 1, 31), date(2027, 2, 20)}, notice="国办发明电〔2026〕测试号（虚构）")


def ship_2027(monkeypatch) -> None:
    """Make this gongkai a MADE-UP later release whose data/workdays.yaml carries the 2027 notice
    (MADE_UP_2027, itself made up, under another made-up number): no release ships 2027 yet."""
    import copy

    from gongkai.workdays import calendar as C

    data = copy.deepcopy(C._shipped_data())
    data["years"] = {2027: {"notice": "国办发明电〔2026〕随附测试号（虚构）",
                            "holidays": sorted(MADE_UP_2027["holidays"]), "workdays": sorted(MADE_UP_2027["workdays"])}}
    monkeypatch.setattr(C, "_shipped_data", lambda: data)
    C.shipped_calendar.cache_clear()

