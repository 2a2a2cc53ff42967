"""The ``POST /api/parse`` and ``/api/check`` answers, made where the upload is read: in the server's read child
(``gongkai.isolate``), which sends back only the JSON bytes the API returns.  Sending the
``Report`` (and the ``Document`` it was read from) back pickled, for the server to turn into
JSON, cost more CPU than the rest of the server's work on a request (bench/serve_overhead.py).

No Django here: the read children import this module without configuring it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from gongkai.errors import GongkaiError

if TYPE_CHECKING:
    from gongkai.model import Report


def dumps(data) -> bytes:
    """JSON as the API answers it (``errors.json_response``): UTF-8 as it is, anything else as text."""
    return json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")


def use_previous(report: Report, previous: Report, checking: bool = True) -> tuple[list[str], list[str]]:
    """Last year's report cuts the digits the page ran together when it is this body's report of
    the year before (``recover.use_previous``, as ``gongkai check --previous``): (why it was not
    used, in sentences — with ``checking``, also what that means for the cross-year comparison;
    the labels of the cells its figures decided)."""
    from gongkai.extract.recover import CROSS_YEAR
    from gongkai.extract.recover import use_previous as cut_with
    from gongkai.format.names import cell_label, format_order

    open_cells = any(report.undecided(a) for a in report.ambiguous)
    problems = cut_with(report, previous, previous.source.name or "上年报告", checking)
    notes = [p + ("；未用上年报告的数字拆分连写的数字。" if open_cells else "。") for p in problems]
    cut = sorted((c for c, info in report.cells.items() if CROSS_YEAR & set(info.basis)), key=format_order)
    return notes, [cell_label(c, report.format) for c in cut]


def one_report(data: bytes, name: str) -> Report:
    from gongkai.load import load_input, one

    return one(load_input(data, name).reports, name)


def previous_report(data: bytes, name: str) -> Report:
    try:
        return one_report(data, name)
    except GongkaiError as exc:
        raise GongkaiError(f"上年报告无法读取：{exc.message}", name) from None


def report_json(data: bytes, name: str, previous: tuple[bytes, str] | None = None, check: bool = False,
                last: Report | None = None) -> bytes:
    """The report in an upload as ``/api/parse`` answers it (with ``check``: with its findings, as
    ``/api/check`` does); last year's report (``previous``: its bytes and name; or ``last``, read
    already: once for a ZIP's every member), when given, first cuts the digits this year's page ran
    together, ``notes`` say when it could not, and the checker's cross-year rules compare the two."""
    report = one_report(data, name)
    if last is None and previous is not None:
        last = previous_report(*previous)
    if last is not None:
        report.notes += use_previous(report, last, checking=check)[0]
    if check:
        from gongkai.check import check_report

        report.findings = check_report(report, last)
    return dumps(report.to_dict())
