"""The request register (依申请公开台账): requests and their history, statutory deadlines on
China's working-day calendar, fees, reply letters, and table 3 of the annual report.

Entry points for other parts of gongkai (``gongkai new`` and the checker):

    from gongkai.register import table3_report
    report = table3_report(2025)            # a gongkai.model.Report with table3 and year
"""

from __future__ import annotations


def table3_report(year: int, url: str | None = None, agency: str | None = None):
    """Table 3 of ``year`` from the register at ``url`` (default: the local SQLite file)."""
    from gongkai.register.store import Register
    from gongkai.register.table3 import compute

    from gongkai.register.settings import shipped_settings

    with Register(url) as reg:
        configured = reg.settings.agency if reg.settings.agency != shipped_settings().agency else None
        return compute(reg.db, year, agency or configured)


_LAZY = {"Register": "store", "NewRequest": "store", "Applicant": "store", "Request": "store",
         "RuleError": "case"}


def __getattr__(name: str):
    # Imported on first use so that importing gongkai.register stays cheap.
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(f"gongkai.register.{_LAZY[name]}"), name)
    raise AttributeError(name)


__all__ = ["table3_report", *_LAZY]
