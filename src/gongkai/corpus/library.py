"""``gongkai.Corpus``: an ingested corpus as the Python API sees it (``import gongkai``).

A thin face over what the corpus commands run — ``Store`` (the database), ``ingest``,
``region.load`` (a report by number), ``region.select`` + ``rollup`` (``gongkai rollup
--region``), ``stats.compute`` (``gongkai stats``), ``export`` and ``compare`` — so that a
researcher in Python gets exactly the figures the command line prints::

    with gongkai.Corpus("corpus.db", create=True) as corpus:   # SQLite path, sqlite:///…, postgresql://…
        corpus.ingest(["reports/"])                  # gongkai ingest (in a script: under if __name__ == "__main__":)
        corpus.count()                               # readable reports
        corpus.reports(agency="淮安市洪泽区人民政府", year=2024)   # -> [Report]
        corpus.report(12)                            # report number 12 (gongkai compare 12 …)
        corpus.compare(11, 12)                       # gongkai compare 11 12
        corpus.stats("county")                       # gongkai stats --level county
        corpus.rollup("同心县", 2023)                 # gongkai rollup --region 同心县 --year 2023
        for report in corpus: ...                    # every report, one at a time (memory flat)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from gongkai.corpus.store import Failure, Store, StoredFinding, StoredReport, renamed
from gongkai.db import taking_turns
from gongkai.format.places import identity

if TYPE_CHECKING:
    from gongkai.comparison import Comparison, Side
    from gongkai.corpus.ingest import Summary
    from gongkai.corpus.region import Selection
    from gongkai.corpus.rollup import Rollup
    from gongkai.corpus.stats import StatsTable
    from gongkai.errors import NotFound
    from gongkai.format.places import Division
    from gongkai.model import Report


class ReportRecord(NamedTuple):
    """A readable report's provenance and placement, as ``Corpus.documents()`` gives it: named as
    the export's reports table and the API's answers name them (``report_id``, ``region_code``).
    0.9.1 named three of them ``id``, ``code`` and ``previous_id`` (docs/dataset.md showed them): still
    readable as attributes, with a DeprecationWarning; a DataFrame's columns have the new names."""
    report_id: int
    sha256: str
    name: str
    path: str
    form: str | None
    agency: str | None
    agency_key: str | None
    year: int | None
    format: str | None
    published: str | None
    parser_version: str
    checked: bool
    previous_report_id: int | None  # the last-year report its cross-year findings were made with
    region_code: str | None  # the body's division code (a 6-digit county, or shorter)
    province: str | None
    city: str | None
    county: str | None
    unit: str | None
    level: str | None
    placement: str | None  # how the body was placed: auto | user
    posted: str | None  # a crawled page's 发布时间 (ISO), not the 落款 (published)
    source_url: str | None  # a crawled page's 原文链接
    # when its content was first received (0.9.5: which of a body's reports of a year counts
    # follows it); last, as in the export's reports table, so an index read of 0.9.4 still holds
    received_at: str

    @property
    def id(self) -> int:
        """Deprecated (0.9.1): ``report_id``."""
        renamed("Corpus.documents()", "reports", "id", "report_id")
        return self.report_id

    @property
    def previous_id(self) -> int | None:
        """Deprecated (0.9.1): ``previous_report_id``."""
        renamed("Corpus.documents()", "reports", "previous_id", "previous_report_id")
        return self.previous_report_id

    @property
    def code(self) -> str | None:
        """Deprecated (0.9.1): ``region_code``."""
        renamed("Corpus.documents()", "reports", "code", "region_code")
        return self.region_code


@taking_turns
class Corpus:
    """An ingested corpus (``gongkai ingest``'s database).  ``url``: a SQLite file path,
    ``sqlite:///…``, ``postgresql://…``, or None for the default (``GONGKAI_CORPUS_URL``, else
    the user's data directory).  ``create=False`` (the default) refuses a SQLite file that does
    not exist, as the reading commands do; ``create=True`` makes a new empty corpus there.
    One ``Corpus`` may be shared by the threads of a pool: its calls take turns on its connection."""

    def __init__(self, url: str | os.PathLike[str] | None = None, create: bool = False) -> None:
        from gongkai.errors import NotFound

        try:
            self._store: Store | None = Store(os.fspath(url) if url is not None else None, create=create)
        except NotFound as exc:  # the command's words (--db) are not a Python user's
            raise NotFound("语料库不存在。新建一个：gongkai.Corpus(路径, create=True)，或先用 gongkai ingest 建立。",
                           exc.path) from None
        self._url = str(self._store.url)

    @property
    def store(self) -> Store:
        """The database (``corpus/store.Store``); a ``GongkaiError`` once the corpus is closed."""
        if self._store is None:
            from gongkai.errors import GongkaiError

            raise GongkaiError("语料库已关闭：请在 with 块之内使用，或重新打开 gongkai.Corpus(…)。", self._url)
        return self._store

    @property
    def url(self) -> str:
        """The database: a SQLite file path as given, or the PostgreSQL address."""
        return self._url

    def __repr__(self) -> str:
        return f"<Corpus {self.url}>"

    def close(self) -> None:
        """Closes the database; closing twice does nothing."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- filling it -----------------------------------------------------------------------
    def ingest(self, paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], *, workers: int | None = None,
               timeout: float | None = None, reparse: bool = False, retry_failed: bool = False,
               on_progress: Callable[[int, int, str], None] | None = None) -> Summary:
        """Parse, check and store the reports under ``paths`` (files, directories, ZIP archives),
        then compare each with its body's report of the year before — ``gongkai ingest``.  A
        corpus's JSON Lines export (``export("jsonl", …)``) is taken back as it was (docs/dataset.md).
        The ``Summary`` counts added / updated / unchanged reports and lists ``failed`` (path, reason).
        The files are read by worker processes, which start by running the main script again: in a
        script file, call it under ``if __name__ == "__main__":`` (a call at the script's top level is
        refused with a ``GongkaiError`` naming its line; Jupyter and ``python -c`` need nothing)."""
        from gongkai.corpus.ingest import DEFAULT_TIMEOUT, ingest

        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        return ingest([os.fspath(p) for p in paths], self.store, workers=workers, timeout=timeout or DEFAULT_TIMEOUT,
                      reparse=reparse, retry_failed=retry_failed, on_progress=on_progress)

    # -- what it holds --------------------------------------------------------------------
    def count(self) -> int:
        """How many readable reports it holds (files that could not be read: ``failures()``)."""
        return self.store.counts().get("ok", 0)

    def documents(self, region: str = "", year: int | None = None) -> list[ReportRecord]:
        """The readable reports' provenance and placement (``report_id`` is the report's number,
        ``region_code`` its body's division), in a division (code prefix ``3208`` or a name:
        淮安市) and year when given, by number."""
        return [ReportRecord(*r[:-2], r.received_at) for r in self._stored(region, year)]  # not ingested_at

    def _stored(self, region: str = "", year: int | None = None) -> list[StoredReport]:
        return self.store.reports(_prefix(region), None if year is None else _year(year))

    def reports(self, agency: str | None = None, year: int | None = None, region: str = "") -> list[Report]:
        """The stored reports (as ``Report``) of a body (as a report names it: 同心县 is
        同心县人民政府), a year and a division when given, by number.  Of one body and year there
        can be several (the same report as PDF and as web page).  A body the corpus has no report
        of in any year is a ``NotFound`` naming the bodies whose names contain it.  All are held in
        the list: to go through many, ``for report in corpus``."""
        body = self._identity(agency) if agency is not None else None
        found = [self.report(r.id) for r in self._stored(region, year)
                 if body is None or identity(r.code, r.unit, r.agency_key) == body]
        if agency is not None and not found and not any(identity(r.code, r.unit, r.agency_key) == body
                                                        for r in self._stored()):
            raise self._no_body(agency)   # a typo or a part of a name is said, not an empty list
        return found

    def _no_body(self, agency: str) -> NotFound:
        """``NotFound`` for a body the corpus has no report of in any year, naming the bodies whose
        names contain ``agency`` (``reports`` takes one body by its name, as the reports print it)."""
        from gongkai.corpus.stats import matches_agency, unknown_body
        from gongkai.errors import NotFound, shown

        near = sorted({r.agency for r in self._stored() if r.agency and matches_agency(r, agency)})
        hint = (f"名称含“{shown(agency)}”的机关：{'、'.join(near[:5])}{'等' if len(near) > 5 else ''}"
                "（reports 按机关全称取一个机关；stats(\"body\", agency=…) 可按名称的一部分）。") if near else ""
        return NotFound(unknown_body(agency).message + hint)

    def _identity(self, agency: str) -> str | None:
        """Which body ``agency`` names, placed as ``gongkai place`` shows it (a stored placement,
        a user's correction included, else the automatic one): 洪泽区人民政府 and
        淮安市洪泽区人民政府 are one body."""
        from gongkai.extract.meta import as_body
        from gongkai.format.places import normalise, place

        name = as_body(normalise(agency)) or agency
        found = self.store.placement(normalise(name)) or place(name)
        return identity(found["code"], found["unit"], normalise(name))

    def report(self, number: int | str) -> Report:
        """Report ``number`` (``12`` or ``"#12"``: the number ``gongkai export``'s report_id column
        and ``gongkai failures`` show).  A Chinese ``GongkaiError`` when there is none."""
        from gongkai.corpus import region

        return region.load(self.store, _number(number), str(number))[1]

    def failures(self) -> list[Failure]:
        """The files that could not be read, and why (``gongkai failures``)."""
        return self.store.failures()

    def findings(self, number: int | str | None = None) -> list[StoredFinding]:
        """The findings of every report (or of report ``number``), in the order of ``gongkai check
        --previous`` (``previous_report_id`` names the last-year report those made with it were made with:
        the cross-year rules', and its own worded anew with it)."""
        if number is None:
            return list(self.store.findings(None))
        found = _number(number)
        if self.store.document(found) is None:
            from gongkai.corpus.region import no_such_report

            raise no_such_report(found, str(number))
        return list(self.store.findings(found))

    # -- what the commands show -----------------------------------------------------------
    def compare(self, a: int | str | os.PathLike[str] | Report | Side,
                b: int | str | os.PathLike[str] | Report | Side) -> Comparison:
        """``gongkai compare A B --db …``: a side is a report number (``12``, ``"#12"``), a report
        file, a ``Report`` or a ``Side``."""
        from gongkai.comparison import compare

        return compare(self._side(a), self._side(b))

    def _side(self, side: int | str | os.PathLike[str] | Report | Side) -> Report | Side:
        from gongkai.comparison import Side
        from gongkai.model import Report

        if isinstance(side, (Report, Side)):
            return side
        if isinstance(side, int) or (isinstance(side, str) and not os.path.exists(side)):
            from gongkai.corpus import region
            from gongkai.errors import GongkaiError

            number = side if isinstance(side, int) else region.report_id(side)
            if number is None:  # as gongkai compare says it
                raise GongkaiError("既不是存在的文件，也不是语料库中的报告编号（如 12 或 #12）。", str(side))
            return Side(*region.load(self.store, number, str(side)))
        from gongkai.load import load

        return Side(str(side), load(side))

    def stats(self, level: str = "city", region: str = "", agency: str = "", body: str = "") -> StatsTable:
        """``gongkai stats --level … --agency …`` (``/api/corpus/stats``): one row per division at
        ``level`` (province | city | county) or per body (``body``: a body's years side by side)
        and year, in a division (code prefix ``3208`` or a name) when given.  ``agency``: only the
        bodies that name (however printed) or whose name contains it; ``body``: only the body of
        that identity (a ``level="body"`` row's ``code``, e.g. ``"350128/交通与建设局"``).  A body
        the corpus has no report of is a ``NotFound``.  Each figure says on how many reports it
        rests (``row.based_on``); a blank never counts as 0.  ``table.records()``: flat rows (the
        CSV's columns) for ``pandas.DataFrame``."""
        from gongkai.corpus.stats import LEVELS, compute, unknown_body

        if level not in LEVELS:
            from gongkai.errors import BadArgument, shown

            raise BadArgument(f"level 只能是 {'、'.join(LEVELS)}，不能是“{shown(level)}”。")
        table = compute(self.store, level, _prefix(region), agency, body)
        if (agency or body) and not table.rows:
            raise unknown_body(agency or body, region)
        return table

    def rollup(self, region: str, year: int) -> Rollup:
        """``gongkai rollup --region … --year …``: the tables of the towns' and departments'
        reports of a division and year summed (blank ≠ 0, partial sums say whose are missing)
        and compared with the division's own 人民政府 report when the corpus holds it."""
        from gongkai.corpus.rollup import rollup

        chosen = self.selection(region, year)
        return rollup(chosen.parts, chosen.own)

    def selection(self, region: str, year: int) -> Selection:
        """Which reports ``rollup(region, year)`` adds, which one it compares with, and which it
        leaves out (lower governments' whole-area reports, a body's second report)."""
        from gongkai.corpus import region as regions
        from gongkai.errors import GongkaiError

        division, year = _division(region), _year(year)
        try:
            return regions.select(self.store, division, year)
        except GongkaiError as exc:  # its place names the command's option (--region …), not the argument
            raise type(exc)(exc.message, region) from None

    def export(self, to: str, output: str | os.PathLike[str]) -> list[tuple[str, int]]:
        """``gongkai export --to csv|xlsx|parquet|jsonl -o output``: (file, rows) written."""
        from gongkai.corpus.export import export

        return export(self.store, to, os.fspath(output))

    def table(self, name: str) -> list[dict[str, Any]]:
        """The rows of one table of the dataset (``reports``, ``cells``, ``figures``, ``findings``,
        ``failures``; docs/dataset.md), as ``export`` writes them, a dict a row with the table's
        columns as keys: ``pandas.DataFrame(corpus.table("cells"))`` without writing files."""
        from gongkai.corpus.export import TABLES, table
        from gongkai.errors import BadArgument, shown

        if name not in TABLES:
            raise BadArgument(f"没有表“{shown(name)}”：可用 {'、'.join(TABLES)}。")
        columns, rows = table(self.store, name)
        keys = [c for c, _ in columns]
        return [dict(zip(keys, row)) for row in rows]

    def __iter__(self) -> Iterator[Report]:
        """Every readable report, by number, one at a time (``for report in corpus``: memory stays
        flat however many it holds, where ``reports()`` holds them all).  The numbers are listed,
        and each report read, in the corpus's turn (a dunder is not wrapped by ``taking_turns``)."""
        for number in [r.report_id for r in self.documents()]:
            yield self.report(number)

    def __len__(self) -> int:
        return self.count()


def _number(number: int | str) -> int:
    from gongkai.corpus.region import report_id
    from gongkai.errors import BadArgument, shown

    found = number if isinstance(number, int) and not isinstance(number, bool) else \
        report_id(number) if isinstance(number, str) else None
    if found is None:
        raise BadArgument("不是语料库中的报告编号（如 12 或 #12）。", shown(number))
    return found


def _year(year: int | str) -> int:
    """A year as an int: ``2024`` or ``"2024"`` (as read from a form or a file name)."""
    if isinstance(year, int) and not isinstance(year, bool):
        return year
    if isinstance(year, str) and year.strip().isascii() and year.strip().isdigit():
        return int(year)
    from gongkai.errors import BadArgument, shown

    raise BadArgument("年度应为整数，如 2024。", shown(year))


def _division(region: str) -> Division:
    """The division ``region`` names (a six-digit code or a name); its Chinese error names the
    argument (the command's says ``--region …``)."""
    from gongkai.corpus.region import resolve
    from gongkai.errors import GongkaiError

    try:
        return resolve(region)
    except GongkaiError as exc:
        raise type(exc)(exc.message, region) from None


def _prefix(region: str) -> str:
    """A division's code prefix (``3208``) from its code or its name; "" stays "" (all)."""
    from gongkai.corpus.region import code_prefix
    from gongkai.errors import GongkaiError

    try:
        return code_prefix(region)
    except GongkaiError as exc:
        raise type(exc)(exc.message, region) from None
