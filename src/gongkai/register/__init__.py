"""The request register (依申请公开台账): requests and their history, statutory deadlines on
China's working-day calendar, fees, reply letters, and table 3 of the annual report.

Entry points for other parts of gongkai (``gongkai new`` and the checker):

    from gongkai.register import table3_report
    report = table3_report(2025)            # a gongkai.model.Report with table3 and year
"""

from __future__ import annotations


def table3_report(year: int, url: str | None = None, agency: str | None = None):
    """Table 3 of ``year`` from the register at ``url`` (default: the local SQLite file)."""
    from gongkai.register.settings import shipped_settings
    from gongkai.register.store import Register
    from gongkai.register.table3 import compute

    with Register(url, create=True) as reg:
        configured = reg.settings.agency if reg.settings.agency != shipped_settings().agency else None
        return compute(reg.db, year, agency or configured)


def register_facts(url: str | None, year: int):
    """The year's late requests and the 信息处理费 paid in it, in the register at ``url``
    (default: the user's register), as the checker's :class:`gongkai.check.register.RegisterFacts`
    (TEXT-CLAIM).  A register that does not exist is an error, not an empty register."""
    from datetime import date
    from pathlib import Path

    from gongkai.check.register import Fee, Late, RegisterFacts
    from gongkai.db import is_postgres
    from gongkai.db.paths import default_register_path
    from gongkai.errors import GongkaiError
    from gongkai.register.store import Register
    from gongkai.register.table3 import coverage

    path = url or str(default_register_path())
    if not is_postgres(path) and not Path(path.removeprefix("sqlite:///")).is_file():
        raise GongkaiError("台账数据库不存在", path)
    with Register(url) as reg:
        requests = reg.late_in(year)
        # the fees are all known only for a year the register is kept for from its first day
        fees = tuple(Fee(*f) for f in reg.fees_paid_in(year)) if coverage(reg.db, year).rows is None else None
    last = date(year, 12, 31)
    late = [Late(r.ref, r.due_on or last, r.concluded_on if r.concluded_on and r.concluded_on <= last else None)
            for r in requests]
    return RegisterFacts(year, tuple(late), fees)


_LAZY = {"Register": "store", "NewRequest": "store", "Applicant": "store", "Request": "store",
         "RuleError": "case"}


def __getattr__(name: str):
    # Imported on first use so that importing gongkai.register stays cheap.
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(f"gongkai.register.{_LAZY[name]}"), name)
    raise AttributeError(name)


__all__ = ["table3_report", "register_facts", *_LAZY]
