"""gongkai (公开) — China's government-information-disclosure annual reports as exact data.

The Python API is the same code the ``gongkai`` command and the web application run::

    import gongkai

    report = gongkai.parse("examples/huaian-city-2024.pdf")  # txt md html docx doc pdf scan,
                                                            # report JSON or source YAML
    report.value("table3.granted.total")        # a cell by its id (docs/schema.md); None is a blank
    findings = gongkai.check(report)            # a list of Finding; print(findings) lists them
    gongkai.cell_records(report), findings.records()   # flat dicts, the same keys in each: pandas.DataFrame(…)
    gongkai.check(report, previous=last_year)   # with the cross-year rules (last year's figures
                                                # also cut digits a crawler ran together)
    gongkai.parse("2024.txt", previous="2023.txt")  # the cut report itself (parse --previous)
    gongkai.render(report, "docx", path="report.docx")  # "html", "pdf", "md"; no path: the bytes
                                                # (no marks: a gongkai.UnmarkedWarning names inferred,
                                                # OCR-read and open cells)
    reports = gongkai.load_all("parsed.jsonl")  # a file may hold several (JSON Lines)

    comparison = gongkai.compare("2023.pdf", "2024.pdf")  # files or Reports: what ``gongkai compare`` prints
    comparison.cell_diffs, comparison.continuity_note, comparison.sections, comparison.to_dict()

    with gongkai.Corpus("corpus.db", create=True) as corpus:  # an ingested corpus (SQLite path or postgresql://…)
        corpus.ingest(["reports/"])                   # gongkai ingest (in a script: under if __name__ == "__main__":)
        corpus.count(), corpus.reports(agency="淮安市洪泽区人民政府", year=2024), corpus.report(12)
        corpus.findings(12), corpus.failures()        # per report; files that could not be read
        corpus.compare(11, 12)                        # gongkai compare 11 12 (numbers, files or Reports)
        corpus.stats("county"), corpus.rollup("同心县", 2023)   # gongkai stats / rollup --region --year
        corpus.stats("body", agency="行政审批局").records()   # flat rows: pandas.DataFrame(…)

    total = gongkai.rollup(["towns/"], against="county.pdf")  # gongkai rollup towns/ --against county.pdf
    total.cells["table3.new_received.total"].value, total.differences, total.unread

    with gongkai.Register("registers.db", create=True) as register:  # 依申请公开台账 (SQLite path or postgresql://…;
        register.count()                       # a missing file is NotFound unless create=True, as for Corpus)
    with gongkai.Log("registers.db") as log:   # 主动公开台账 (in the same database)
        log.count()

``gongkai.load`` is the one loader (``gongkai.parse`` is the same function under the name of
the ``gongkai parse`` command).  Bad input raises ``gongkai.GongkaiError`` — ``UnreadableFile``,
``NotAReport``, ``SourceError``, ``MissingDependency``, ``NotFound`` (a report number, a body the
corpus lacks; also a ``LookupError``), ``BadArgument`` (a value the API does not take: an unknown
cell id, output form or level; also a ``ValueError``) or ``DatabaseUnavailable`` (a database another
program holds locked past the wait, or a lost connection: nothing half-kept, try again) — whose
message, in Chinese, names the file and the place.  ``import gongkai`` is light: each part is imported when first used.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from gongkai.errors import (
    BadArgument,
    GongkaiError,
    MissingDependency,
    NotAReport,
    NotFound,
    SourceError,
    UnmarkedWarning,
    UnreadableFile,
)

if TYPE_CHECKING:
    from gongkai.check import Findings
    from gongkai.check import check_report as check
    from gongkai.compare import Comparison, compare
    from gongkai.corpus.library import Corpus
    from gongkai.corpus.rollup import Rollup
    from gongkai.db import DatabaseUnavailable
    from gongkai.load import load, load_all
    from gongkai.log.store import DisclosureLog as Log
    from gongkai.model import Finding, Report
    from gongkai.register.store import Register
    from gongkai.render import render
    from gongkai.render.cells import cell_records

# The release, as installed (pyproject.toml's ``version``).  It says which code you run; it
# does not touch stored data.
__version__ = "0.9.5"
# The version of what the reading pipeline (read/, extract/, check/) makes of a file.  The
# corpus stores it with every document and re-parses a document stored under another value
# (``gongkai ingest`` redoes nothing else).  Raise it when a change to reading, extraction or
# the rules changes the Report or the findings of files already ingested.
PARSER_VERSION = "10"  # 2: Report.figures and the TEXT-* rules; 3: run-together numbers of text exports cut with the table sums; 4: more narrative figures say what they count; 5: a period covering part of the year is a PERIOD warning; 6: no FEE-STATEMENT before 2021, and OCR plans noisy scans and straightens pages without rulings; 7: findings keep their quote in the store (COPY's passages, TEXT-*'s sentence), TEXT-COPIED names the year; 8: crawler text: page numbers (-2-) are no cells, column heads between a table-2 label and its number; 9: an answer said late, extended or on time (逾期答复3件), or not yet made (尚未办结3件), is no answered total, TEXT-* messages give the figure with its unit, the text's 行政事业性收费 is compared with table 2 in 万元; crawler text: readings with blank cells (tables 3, 4) and rows printed without digits; 10: a PDF table continued on the next page under its repeated header row keeps the row above the break (the header was appended to it), FEE-AMOUNT (a 行政事业性收费 too large for 万元); crawler text: rows with fewer digits than cells and blank 总计 readings named, table-2 blank rows, rows read one digit a cell doubted where the text shows blank cells


def parse(source: str | os.PathLike | bytes, name: str | None = None,
          previous: Report | str | os.PathLike | None = None) -> Report:
    """The report in a file (any form ``gongkai.load`` reads), or in ``bytes`` named ``name``
    (e.g. ``"report.pdf"``, which tells the form).  ``gongkai.load`` without ``previous``.

    With ``previous`` (the same body's report of the year before, or its file), digits a crawler
    ran together are also cut with last year's figures, as ``gongkai parse --previous`` does; a
    report of another body or year is not used, and ``report.notes`` says why."""
    from gongkai.load import load

    report = load(source, name)
    if previous is not None:
        from gongkai.extract.recover import use_previous

        last = previous if not isinstance(previous, (str, os.PathLike)) else load(previous)
        label = str(previous) if isinstance(previous, (str, os.PathLike)) else \
            (last.source.name if last.source and last.source.name else "上年报告")
        problems = use_previous(report, last, label)
        if problems and any(report.undecided(a) for a in report.ambiguous):
            report.notes += [f"{problem}；未用上年报告的数字拆分连写的数字。" for problem in problems]
    return report


def rollup(reports: Iterable[Report | str | os.PathLike] | str | os.PathLike,
           against: Report | str | os.PathLike | None = None) -> Rollup:
    """The tables of ``reports`` summed (``gongkai rollup A B … --against C``): each a ``Report``,
    a report file, or a directory of them; one file or directory may be given alone.  A blank is never read as 0: a sum some reports do
    not enter is partial and says whose are missing (``rollup.cells[cell id]``); files that could
    not be read are listed in ``rollup.unread`` (path, reason), not added.  With ``against`` (the
    region's own report, or its file) ``rollup.differences`` compares the sums with it.  A
    region's reports in an ingested corpus: ``gongkai.Corpus(…).rollup(region, year)``."""
    from gongkai.corpus.rollup import load_reports
    from gongkai.corpus.rollup import rollup as sum_reports
    from gongkai.load import load

    if isinstance(reports, (str, os.PathLike)):  # one path, not its characters ("/" is the whole disk)
        reports = [reports]
    given: list[tuple[str, Report]] = []
    paths: list[str] = []
    for item in reports:
        if isinstance(item, (str, os.PathLike)):
            paths.append(os.fspath(item))
        else:
            given.append((item.source.name or item.agency or "（未命名报告）", item))
    unread: list[tuple[str, str]] = []
    if paths:
        found, unread = load_reports(paths)
        given += found
    side = None
    if against is not None:
        side = (os.fspath(against), load(against)) if isinstance(against, (str, os.PathLike)) else \
            (against.source.name or against.agency or "（本级报告）", against)
    return sum_reports(given, side, unread)


# name -> (module, attribute); attribute None: the module itself (a callable package).
_LAZY: dict[str, tuple[str, str | None]] = {
    "load": ("gongkai.load", None),
    "load_all": ("gongkai.load", "load_all"),
    "check": ("gongkai.check", None),
    "render": ("gongkai.render", None),
    "compare": ("gongkai.compare", None),
    "Comparison": ("gongkai.compare", "Comparison"),
    "Corpus": ("gongkai.corpus.library", "Corpus"),
    "Rollup": ("gongkai.corpus.rollup", "Rollup"),
    "Report": ("gongkai.model", "Report"),
    "Finding": ("gongkai.model", "Finding"),
    "Findings": ("gongkai.check", "Findings"),
    "DatabaseUnavailable": ("gongkai.db", "DatabaseUnavailable"),
    "cell_records": ("gongkai.render.cells", "cell_records"),
    "Register": ("gongkai.register.store", "Register"),
    "Log": ("gongkai.log.store", "DisclosureLog"),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'gongkai' has no attribute {name!r}")
    module_name, attribute = _LAZY[name]
    module = importlib.import_module(module_name)
    return module if attribute is None else getattr(module, attribute)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = ["BadArgument", "GongkaiError", "MissingDependency", "NotAReport", "NotFound", "PARSER_VERSION", "SourceError",
           "UnmarkedWarning",
           "UnreadableFile", "__version__", "cell_records", "check", "compare", "load", "load_all", "parse", "render",
           "rollup", "Comparison", "Corpus", "DatabaseUnavailable", "Finding", "Findings", "Log", "Register", "Report",
           "Rollup"]
