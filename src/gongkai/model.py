"""The report model: one parsed or built annual report, and its JSON (spec/schema.md).

A table is a mapping ``row id -> column id -> value``; a value is an ``int``, a ``Decimal``
(amounts) or ``None`` (blank, "/", anything not a number).  A table the report lacks is
``None``; a row it lacks is absent.  ``cells`` keeps, per flat id, the raw text and where it
stood, so that blank, "/" and "0" stay distinct and every finding can point at its source.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, ClassVar

from gongkai import regex
from gongkai.records import field, record

SCHEMA = "gongkai.report/1"
TABLES = ("table2", "table3", "table4")

Value = int | Decimal | None
Number = int | Decimal  # a value that is not blank
Table = dict[str, dict[str, Value]]


_WHERE_PART = regex.compile(r"(page|line|column|char|table|row|cell) (\d+)")


@record(slots=True)
class Where:
    """Where a piece of text stood in its source file.  All numbers are 1-based."""

    line: int | None = None
    column: int | None = None
    page: int | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    char: int | None = None  # character of a long line (text a crawler flattened onto one line)

    def __str__(self) -> str:
        parts = []
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.line is not None:
            parts.append(f"line {self.line}")
            if self.column is not None:
                parts.append(f"column {self.column}")
            if self.char is not None:
                parts.append(f"char {self.char}")
        if self.table is not None:
            parts.append(f"table {self.table}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.cell is not None:
            parts.append(f"cell {self.cell}")
        return ", ".join(parts)

    def zh(self) -> str:
        """The position in words for a Chinese reader: 第3页 第2个表格 第5行第4格."""
        parts = []
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.line is not None:
            parts.append(f"第{self.line}行" + (f"第{self.column}栏" if self.column is not None else "")
                         + (f"第{self.char}字" if self.char is not None else ""))
        if self.table is not None:
            parts.append(f"第{self.table}个表格")
        if self.row is not None:
            parts.append(f"第{self.row}行" + (f"第{self.cell}格" if self.cell is not None else ""))
        elif self.cell is not None:
            parts.append(f"第{self.cell}格")
        return " ".join(parts)

    @classmethod
    def parse(cls, text: str | None) -> Where | None:
        if not text:
            return None
        found = {k: int(v) for k, v in _WHERE_PART.findall(text)}
        return cls(**found) if found else None


@lru_cache(maxsize=65536)
def table_cell(table: int, row: int, cell: int) -> Where:
    """The position of a table cell, shared between reports (positions repeat from report to
    report; a ``Where`` is never changed after it is made, so one instance serves them all)."""
    return Where(table=table, row=row, cell=cell)


@lru_cache(maxsize=65536)
def page_cell(page: int, table: int, row: int, cell: int) -> Where:
    """The position of a table cell on a page of a PDF (shared like ``table_cell``)."""
    return Where(page=page, table=table, row=row, cell=cell)


@lru_cache(maxsize=65536)
def line_cell(line: int, column: int) -> Where:
    """The position of a cell of a text line (shared like ``table_cell``)."""
    return Where(line=line, column=column)


@lru_cache(maxsize=65536)
def at_line(line: int) -> Where:
    """A text line (shared like ``table_cell``)."""
    return Where(line=line)


@lru_cache(maxsize=65536)
def at_char(line: int, char: int) -> Where:
    """A character of a text line (shared like ``table_cell``)."""
    return Where(line=line, char=char)


@lru_cache(maxsize=65536)
def at_row(row: int) -> Where:
    """A block of an HTML page, in reading order (shared like ``table_cell``)."""
    return Where(row=row)


@record(slots=True)
class CellInfo:
    raw: str
    where: Where | None = None
    inferred: bool = False
    confidence: float | None = None  # OCR confidence, when the text came from OCR
    basis: tuple[str, ...] = ()  # for an inferred value: the constraints that fixed it (BASIS ids)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"raw": self.raw, "where": str(self.where) if self.where else None}
        if self.inferred:
            d["inferred"] = True
        if self.basis:
            d["basis"] = list(self.basis)
        if self.confidence is not None:
            d["confidence"] = round(self.confidence, 4)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CellInfo:
        conf = d.get("confidence")  # a Decimal when read with parse_float=Decimal: kept a float
        return cls(d.get("raw", ""), Where.parse(d.get("where")), bool(d.get("inferred")),
                   None if conf is None else float(conf), tuple(d.get("basis", ())))


# What can fix the cells of digits printed without separators (``CellInfo.basis``), in Chinese.
BASIS = {
    "digit-count": "数字的个数等于单元格数",
    "no-leading-zero": "数字不以0开头",
    "row-total": "本行总计等于各列之和",
    "column-total": "（七）总计等于各办理结果之和",
    "identity": "第一项加第二项之和等于第三项加第四项之和",
    "table4-total": "表四各组总计等于各结果之和",
    "in-force": "上年现行有效件数加本年制发减本年废止等于现行有效件数",
    "items-chain": "上年报告的上一年项目数量加本年增/减等于本年的上一年项目数量",
    "carry-over": "上年结转等于上年报告的结转下年度继续办理",
}


@record
class Ambiguity:
    """Digits printed without separators that do not fix their cells: the cells stay null.

    ``cells`` are all the cells the digits fill, in order; ``candidates`` the ways of cutting
    ``raw`` into them (numbers as printed) that the table's constraints allow.  It is empty when
    no way does (the report's own sums are wrong: ``reason`` "no-split") or when there were too
    many to list ("too-many").  A crawler keeps no trace of a blank cell, so the readings with
    some cells blank ("/" in a candidate) whose sums hold are candidates too: "blank-cells" beside
    the full cuts, "blank-only" when no full cut adds up (then every cell stays open)."""

    table: str
    row: str
    cells: list[str]
    raw: str
    where: Where | None = None
    candidates: list[list[str]] = field(default_factory=list)
    reason: str = "ambiguous"  # ambiguous | no-split | too-many | blanks | blank-cells | blank-only

    def open_cells(self) -> list[str]:
        """The cells the candidates do not agree on (all of them when there are none, or when the
        candidates are only the readings with blank cells: the full cuts that do not add up are
        possible too, the report's sums may be wrong)."""
        if not self.candidates or self.reason == "blank-only":
            return list(self.cells)
        return [c for i, c in enumerate(self.cells) if len({cand[i] for cand in self.candidates}) > 1]

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "row": self.row, "cells": self.cells, "raw": self.raw,
                "where": str(self.where) if self.where else None,
                "candidates": [list(c) for c in self.candidates], "reason": self.reason}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Ambiguity:
        return cls(d["table"], d["row"], list(d["cells"]), d.get("raw", ""), Where.parse(d.get("where")),
                   [[str(v) for v in c] for c in d.get("candidates", [])], d.get("reason", "ambiguous"))


def _piece_value(piece: str) -> Value:
    """A cut's piece as a value ("12", "+1", "520.75"); None for anything else."""
    try:
        return int(piece)
    except ValueError:
        try:
            return Decimal(piece)
        except InvalidOperation:
            return None


@record
class Section:
    no: int
    title: str
    text: str
    where: Where | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"no": self.no, "title": self.title, "text": self.text}
        if self.where:
            d["where"] = str(self.where)
        return d


@record
class Finding:
    rule: str
    severity: str  # error | warning | notice
    message: str
    cells: list[str] = field(default_factory=list)
    where: str | None = None
    quote: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"rule": self.rule, "severity": self.severity, "cells": self.cells,
                             "message": self.message}
        if self.where:
            d["where"] = self.where
        if self.quote:
            d["quote"] = self.quote
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(d["rule"], d["severity"], d["message"], list(d.get("cells", [])), d.get("where"),
                   d.get("quote"))


@record
class Figure:
    """A number the narrative states, with what it counts (the narrative reader's output).

    ``counts`` is the id of a phrasing in ``format/phrasings.yaml`` (``received``,
    ``proactive`` …) or None when the words around the number match none; ``cells`` the
    table cells whose sum it states (empty when no table holds it).  ``from_words``: the
    value was stated in words ("未收到政府信息公开申请" is 0).  ``part_of``: the index in
    ``Report.figures`` of the whole this figure is a part of ("其中…")."""

    section: int           # 0: the preamble; 1–6: the section
    sentence: str
    value: int | Decimal
    unit: str              # as printed ("件", "万元", "%"); "" when stated in words
    text: str              # the words that state it: "受理政府信息公开申请21件"
    counts: str | None = None
    cells: list[str] = field(default_factory=list)
    approx: bool = False   # 860余条, 约300条, 99.9%以上
    from_words: bool = False
    scope: str | None = None   # 县本级, 全市 … when the clause names one
    year: int | None = None    # the year the sentence states it for, when it names one
    part_of: int | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"section": self.section, "sentence": self.sentence, "value": _json_value(self.value),
                             "unit": self.unit, "text": self.text, "counts": self.counts, "cells": self.cells}
        for key in ("approx", "from_words"):
            if getattr(self, key):
                d[key] = True
        for key in ("scope", "year", "part_of"):
            if getattr(self, key) is not None:
                d[key] = getattr(self, key)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Figure:
        try:
            value = _value_from_json(d["value"])
            if value is None:
                raise ValueError
            return cls(int(d["section"]), str(d["sentence"]), value, str(d.get("unit", "")), str(d.get("text", "")),
                       d.get("counts"), [str(c) for c in d.get("cells", [])], bool(d.get("approx")),
                       bool(d.get("from_words")), d.get("scope"), d.get("year"), d.get("part_of"))
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"正文数字（figures）中有一项不完整或数值无效：{str(d)[:80]}") from None


@record
class ExtraRow:
    """A row the format does not have, kept as printed (for ROW-EXTRA)."""

    table: str
    label: str
    raw: list[str]
    where: Where | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "label": self.label, "raw": self.raw,
                "where": str(self.where) if self.where else None}


@record
class LabelUse:
    """A printed label that differs from the official one (for LABEL-NONSTANDARD)."""

    table: str
    row: str
    printed: str
    official: str
    where: Where | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "row": self.row, "printed": self.printed, "official": self.official,
                "where": str(self.where) if self.where else None}


WEB_ADDRESS = regex.compile(r"https?://\S+$")  # a 原文链接 that may be a link


@record
class Source:
    """The file a report was read from and, for text a crawler kept of a web page, what the page's
    header said of it: ``posted`` (发布时间, ISO: ``2020-01-22T14:28``), ``url`` (原文链接),
    ``issuer`` (发布机构) and ``doc_no`` (文号); empty when not given.  ``posted`` is when the page
    went up, a different fact from ``Report.published`` (the date the report itself bears)."""
    name: str = ""
    sha256: str = ""
    form: str = ""
    posted: str = ""
    url: str = ""
    issuer: str = ""
    doc_no: str = ""

    PAGE: ClassVar[tuple[str, ...]] = ("posted", "url", "issuer", "doc_no")

    def to_dict(self) -> dict[str, Any]:
        d = {"name": self.name, "sha256": self.sha256, "form": self.form}
        d.update({k: getattr(self, k) for k in self.PAGE if getattr(self, k)})  # present when given
        return d

    @property
    def link(self) -> str:
        """``url`` when it is a web address (http or https), which a page may link to; "" otherwise
        (a report JSON's ``url`` may be anything, ``javascript:…`` too: shown then as text only)."""
        return self.url if WEB_ADDRESS.match(self.url) else ""

    @property
    def posted_shown(self) -> str:
        """``posted`` as shown to a reader: ``2020-01-22 14:28``."""
        return self.posted.replace("T", " ")

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Source:
        return cls(**{k: str(d.get(k) or "") for k in ("name", "sha256", "form", *cls.PAGE)})


@lru_cache(maxsize=1)
def _known_cells() -> frozenset[str]:
    from gongkai.format import FORMAT

    return frozenset(FORMAT.all_cells)


def split_cell_id(cell_id: str) -> tuple[str, str, str]:
    """``table3.denied.third_party.total`` -> ("table3", "denied.third_party", "total")."""
    table, rest = cell_id.split(".", 1)
    row, column = rest.rsplit(".", 1)
    return table, row, column


def _json_value(v: Value) -> int | float | None:
    # Decimals come only from printed decimals ("1340.5117"); a float's repr keeps every digit.
    return float(v) if isinstance(v, Decimal) else v


def _printed_decimal(raw: str) -> Decimal | None:
    """A cell's printed text as a decimal with the places it was printed with ("4.00"), or None."""
    text = raw.strip().replace(",", "").replace("，", "")
    whole, dot, places = text.partition(".")
    if not (dot and text.isascii() and whole.isdigit() and places.isdigit()):
        return None
    return Decimal(text)


_AMOUNT = regex.compile(r"-?[0-9]+(\.[0-9]+)?")  # an amount's text in "amounts" (docs/report.schema.json)


def _value_from_json(v: Any) -> Value:
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, (float, Decimal)):
        return Decimal(str(v))
    raise ValueError(f"not a cell value: {v!r}")


@record(repr=False)  # the generated repr prints every cell; this one fits a line
class Report:
    """One annual report as data (``gongkai.parse`` gives it): title, agency, year, format
    version, sections and tables 2–4.  ``value(cell_id)`` is a cell's value by the ids of
    docs/schema.md (None: blank, never 0); ``cells[cell_id]`` its raw text, position, inferred
    flag and OCR confidence; ``findings`` the checker's, ``notes`` what the reading noticed;
    ``to_json()``/``from_json()`` the report JSON."""

    source: Source = field(default_factory=Source)
    title: str | None = None
    agency: str | None = None
    year: int | None = None
    format: str | None = None
    published: date | None = None
    preamble: str = ""
    sections: list[Section] = field(default_factory=list)
    table2: Table | None = None
    table3: Table | None = None
    table4: Table | None = None
    cells: dict[str, CellInfo] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    extra_rows: list[ExtraRow] = field(default_factory=list)
    labels: list[LabelUse] = field(default_factory=list)
    ambiguous: list[Ambiguity] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)  # the narrative's figures (extract.narrative)

    def __repr__(self) -> str:
        tables = "/".join(name for name in TABLES if self.table(name) is not None) or "no tables"
        return (f"<Report {self.agency or '?'} {self.year or '?'} format={self.format or '?'} "
                f"source={self.source.name or '?'} {tables} findings={len(self.findings)}>")

    # -- access --------------------------------------------------------------------------
    def table(self, name: str) -> Table | None:
        return getattr(self, name)

    def value(self, cell_id: str) -> Value:
        """The cell's value: a count (int), an amount (Decimal), or None when the report leaves
        it blank or lacks its row or table.  An id the national format has no cell of (a typo:
        ``table3.granted.totl``) is a ``BadArgument``, not a blank."""
        found = None
        if not isinstance(cell_id, str):  # report.value(3): said, not str's AttributeError
            from gongkai.errors import BadArgument

            raise BadArgument(f"单元格编号应是字符串（如 table3.granted.total），不是 {type(cell_id).__name__}。")
        if cell_id.count(".") >= 2:
            table, row, column = split_cell_id(cell_id)
            t = self.table(table) if table in TABLES else None
            found = t[row].get(column) if t is not None and row in t else None
        if found is None and cell_id not in _known_cells():
            from gongkai.errors import BadArgument

            raise BadArgument(f"国家格式中没有编号为“{cell_id}”的单元格（单元格编号见 docs/schema.md，"
                              "如 table3.granted.total）。")
        return found

    def has_cell(self, cell_id: str) -> bool:
        table, row, column = split_cell_id(cell_id)
        t = self.table(table)
        return t is not None and row in t and column in t[row]

    def set_value(self, cell_id: str, value: Value, info: CellInfo | None = None) -> None:
        table, row, column = split_cell_id(cell_id)
        t = self.table(table)
        if t is None:
            t = {}
            setattr(self, table, t)
        t.setdefault(row, {})[column] = value
        if info is not None:
            self.cells[cell_id] = info

    def row(self, table: str, row: str) -> dict[str, Value]:
        """The (created if needed) row of a table, for writing."""
        t = getattr(self, table)
        if t is None:
            t = {}
            setattr(self, table, t)
        return t.setdefault(row, {})

    def iter_cells(self) -> Iterator[tuple[str, Value]]:
        for name in TABLES:
            t = self.table(name)
            if t is None:
                continue
            for row, columns in t.items():
                for column, value in columns.items():
                    yield f"{name}.{row}.{column}", value

    def undecided(self, amb: Ambiguity) -> list[str]:
        """The cells of a run of digits that are still without a value (the cuts disagree on them
        and nothing else has fixed them)."""
        return [c for c in amb.open_cells() if self.value(c) is None]

    def open_cuts(self, amb: Ambiguity) -> list[list[str]]:
        """The cuts of ``amb`` that agree with the values its cells have now (last year's
        figures may have fixed some of them since: ``recover.refine``)."""
        fixed = [(i, v) for i, c in enumerate(amb.cells) if (v := self.value(c)) is not None]
        if not fixed:
            return amb.candidates
        return [cut for cut in amb.candidates if all(_piece_value(cut[i]) == v for i, v in fixed)] or amb.candidates

    def candidate_values(self) -> dict[str, list[str]]:
        """cell id -> the values (as printed) the cuts of its digits allow, for each cell still
        without a value because the cuts disagree on it."""
        out: dict[str, list[str]] = {}
        for amb in self.ambiguous:
            if amb.reason == "blank-only":
                continue  # its readings hold only if cells were blank: not every value the row allows
            open_cells = set(self.undecided(amb))
            cuts = self.open_cuts(amb) if open_cells else []
            for i, cell in enumerate(amb.cells):
                if cell in open_cells and cuts:
                    out[cell] = list(dict.fromkeys(cut[i] for cut in cuts))
        return out

    @property
    def ocr_read(self) -> bool:
        """Were any of the report's statistics read by OCR from a scan?"""
        return any(info.confidence is not None for info in self.cells.values())

    def section(self, no: int) -> Section | None:
        return next((s for s in self.sections if s.no == no), None)

    @property
    def text(self) -> str:
        """The whole narrative: preamble and every section."""
        return "\n".join([self.preamble] + [f"{s.title}\n{s.text}" for s in self.sections])

    # -- JSON ----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "schema": SCHEMA,
            "source": self.source.to_dict(),
            "title": self.title,
            "agency": self.agency,
            "year": self.year,
            "format": self.format,
            "published": self.published.isoformat() if self.published else None,
            "preamble": self.preamble,
            "sections": [s.to_dict() for s in self.sections],
        }
        for name in TABLES:
            t = self.table(name)
            if t is not None:
                d[name] = {row: {c: _json_value(v) for c, v in cols.items()} for row, cols in t.items()}
        d["cells"] = {k: v.to_dict() for k, v in self.cells.items()}
        # An amount's decimals as printed (4.00), which its JSON number (4.0) loses: a client that
        # sends the JSON back, or a source file read to JSON, keeps the printed figure.
        amounts = {cell: format(v, "f") for cell, v in self.iter_cells() if isinstance(v, Decimal)}
        if amounts:
            d["amounts"] = amounts
        d["findings"] = [f.to_dict() for f in self.findings]
        d["extra_rows"] = [e.to_dict() for e in self.extra_rows]
        d["labels"] = [u.to_dict() for u in self.labels]
        if self.ambiguous:
            d["ambiguous"] = [a.to_dict() for a in self.ambiguous]
        d["notes"] = list(self.notes)
        d["figures"] = [f.to_dict() for f in self.figures]
        return d

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        if d.get("schema") != SCHEMA:
            raise ValueError(f"不是 gongkai 报告 JSON（schema 应为 {SCHEMA}）")
        src = d.get("source") or {}
        report = cls(
            source=Source.from_dict(src),
            title=d.get("title"),
            agency=d.get("agency"),
            year=d.get("year"),
            format=d.get("format"),
            published=date.fromisoformat(d["published"]) if d.get("published") else None,
            preamble=d.get("preamble", ""),
            sections=[Section(s["no"], s.get("title", ""), s.get("text", ""), Where.parse(s.get("where")))
                      for s in d.get("sections", [])],
        )
        for name in TABLES:
            if d.get(name) is not None:
                setattr(report, name, {
                    row: {c: _value_from_json(v) for c, v in cols.items()} for row, cols in d[name].items()
                })
        report.cells = {k: CellInfo.from_dict(v) for k, v in (d.get("cells") or {}).items()}
        known = _known_cells()
        for cell_id, info in report.cells.items():   # an amount as printed: 4.00 is 4.0 in the JSON
            if cell_id not in known:
                continue  # an id the format lacks is named by the JSON's validation, all of them at once
            value = report.value(cell_id)
            if isinstance(value, Decimal) and (printed := _printed_decimal(info.raw)) == value:
                report.set_value(cell_id, printed)
        for cell_id, text in (d.get("amounts") or {}).items():  # only where it is the cell's value
            value = report.value(cell_id) if cell_id in known else None
            if isinstance(value, Decimal) and isinstance(text, str) and _AMOUNT.fullmatch(text) \
                    and Decimal(text) == value:
                report.set_value(cell_id, Decimal(text))
        report.findings = [Finding.from_dict(f) for f in d.get("findings", [])]
        report.extra_rows = [
            ExtraRow(e["table"], e["label"], list(e.get("raw", [])), Where.parse(e.get("where")))
            for e in d.get("extra_rows", [])
        ]
        report.labels = [
            LabelUse(u["table"], u["row"], u["printed"], u["official"], Where.parse(u.get("where")))
            for u in d.get("labels", [])
        ]
        report.ambiguous = [Ambiguity.from_dict(a) for a in d.get("ambiguous", [])]
        report.notes = list(d.get("notes", []))
        report.figures = [Figure.from_dict(f) for f in d.get("figures", [])]
        return report

    @classmethod
    def from_json(cls, text: str) -> Report:
        return cls.from_dict(json.loads(text, parse_float=Decimal))


def a_report(given: object, argument: str) -> None:
    """A file name (or anything else) where a ``Report`` belongs — ``gongkai.check("2024.pdf")`` —
    is a ``BadArgument`` saying the call to write, not an AttributeError from deep inside."""
    if not isinstance(given, Report):
        import os

        from gongkai.errors import BadArgument, shown

        how = f"gongkai.parse({shown(given)!r})" if isinstance(given, (str, os.PathLike)) else "gongkai.parse(文件)"
        raise BadArgument(f"{argument}应是一份报告（Report），不是 {type(given).__name__}：请先读取，写作 {how}。")


# Below this an OCR-read number is worth a second look (read/ocrcheck flags such cells).
LOW_CONFIDENCE = 0.90


def cell_kind(report: Report, cell_id: str, suspects: Iterable[str] = ()) -> str | None:
    """``inferred``, ``doubtful``, ``ocr``, ``ambiguous`` or None for a cell read as printed: which
    mark every view prints after its value (render/marks.MARKS), and comparison JSON names."""
    info = report.cells.get(cell_id)
    if info is None:
        return None
    if report.ambiguous and cell_id in undecided(report):
        return "ambiguous"
    if info.inferred:
        return "inferred"
    if info.confidence is not None:
        if info.confidence < LOW_CONFIDENCE or cell_id in suspects:
            return "doubtful"
        return "ocr"
    return None


def undecided(report: Report) -> set[str]:
    """Cells of digits run together that the tables' sums do not cut one way (left null)."""
    return {c for amb in report.ambiguous for c in report.undecided(amb)}
