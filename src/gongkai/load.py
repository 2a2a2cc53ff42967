"""The one loader: whatever a user hands gongkai as a report becomes a ``Report`` here.

Every command (parse, check, build, new --from, compare, rollup, ingest), the web and the
Python API (``gongkai.load``) get their reports from this module, so they all accept the same
inputs and fail with the same messages:

- a **published report**: txt, md, html, mht, docx, doc/wps/rtf, pdf or a scan (png/jpg/tif),
  read by ``read/`` into a ``Document`` and turned into a ``Report`` by ``extract/``;
- gongkai's own **report JSON** (docs/schema.md, ``gongkai.report/1``): one report, or JSON
  Lines (one report a line, what ``gongkai parse`` writes for several files);
- the **report source** YAML a clerk edits (docs/source-format.md), validated line by line.

The input form comes from the name and the bytes: ``.yaml``/``.yml`` is a source;
``.json``/``.jsonl``, or text that opens with ``{"``, is report JSON; anything else is a
published form, told apart by ``read.detect_form``.

Errors are the one hierarchy of ``gongkai.errors``: ``UnreadableFile`` (missing, empty, too
large, damaged), ``NotAReport`` (it reads but holds no report, or JSON that is not gongkai's
report JSON) and ``SourceError`` (a mistake in a source file, with its line).

The module is also the function: ``gongkai.load(path)`` is ``load(path)``.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from gongkai import regex
from gongkai._callable import make_callable
from gongkai.errors import NotAReport, SourceError, UnreadableFile
from gongkai.inputs import FORMS_ZH, suffixes
from gongkai.model import SCHEMA, Report
from gongkai.read import MAX_TEXT_BYTES, Document, detect_form, file_bytes, read_bytes
from gongkai.records import record

if TYPE_CHECKING:
    from gongkai.source.load import ReportSource

# The YAML and JSON loaders (and PyYAML behind them) are imported by the forms that need them:
# a published report is read without them (start-up of ``gongkai parse``).

SOURCE_SUFFIXES = suffixes("yaml")
JSON_SUFFIXES = suffixes("json")
_JSON_START = regex.compile(rb'^(?:\xef\xbb\xbf)?\s*\{\s*"')


@record
class Loaded:
    """What one input held: its reports, its form, and the document as read (published forms)."""

    reports: list[Report]
    form: str  # "json", "yaml", or the published form (txt, html, pdf, …)
    document: Document | None = None


def input_form(data: bytes, name: str) -> str:
    """``json``, ``yaml`` or the published form that ``read.detect_form`` finds."""
    suffix = Path(name).suffix.lower()
    if suffix in SOURCE_SUFFIXES:
        return "yaml"
    if suffix in JSON_SUFFIXES or _JSON_START.match(data[:256]):
        return "json"
    return detect_form(data, name)


def load_input(data: bytes, name: str) -> Loaded:
    """Every report in ``data`` (named ``name`` in messages)."""
    form = input_form(data, name)
    if form == "json":
        return Loaded(reports_from_json(_json_text(data, name), name), form)
    if form == "yaml":
        from gongkai.source.load import source_from_yaml

        return Loaded([source_from_yaml(_yaml_text(data, name), name).report], form)
    from gongkai.extract import extract

    document = read_bytes(data, name, form)
    return Loaded([extract(document)], form, document)


def load_all(path: str | os.PathLike) -> list[Report]:
    """Every report in a file (JSON Lines hold several; every other form holds one)."""
    return load_input(file_bytes(path), str(path)).reports


def load(source: str | os.PathLike | bytes, name: str | None = None) -> Report:
    """The one report in a file, or in ``bytes`` (then ``name`` tells its form, e.g. ``"a.pdf"``)."""
    if isinstance(source, (bytes, bytearray)):
        name = name or "report"
        reports = load_input(bytes(source), name).reports
    elif not isinstance(source, (str, os.PathLike)):  # gongkai.compare(1, 2): numbers are a corpus's
        from gongkai.errors import BadArgument

        corpus = "（语料库中的报告编号：gongkai.Corpus(…).report(编号)、.compare(编号, 编号)）" if isinstance(source, int) else ""
        raise BadArgument(f"应给报告文件的路径（str 或 Path）或文件内容（bytes），不是 {type(source).__name__}{corpus}。")
    else:
        name = str(source)
        reports = load_all(source)
    return one(reports, name)


def one(reports: list[Report], name: str) -> Report:
    if len(reports) != 1:
        raise NotAReport(f"此文件含 {len(reports)} 份报告（JSON Lines），这里只能用一份。", name)
    return reports[0]


def load_source(path: str | os.PathLike) -> ReportSource:
    """A report to build (``gongkai build``): a source YAML, or any other form the loader reads,
    provided it names its body and year."""
    from gongkai.source.load import buildable, source_from_yaml

    name = str(path)
    data = file_bytes(path)
    if input_form(data, name) == "yaml":
        return source_from_yaml(_yaml_text(data, name), name)
    return buildable(one(load_input(data, name).reports, name), name)


def load_source_text(text: str, name: str) -> ReportSource:
    """A report to build given as text: report JSON, or source YAML."""
    from gongkai.source.load import buildable, source_from_yaml

    if _JSON_START.match(text.encode("utf-8")[:256]):
        return buildable(one(reports_from_json(text, name), name), name)
    return source_from_yaml(text, name)


def reports_from_json(text: str, name: str) -> list[Report]:
    """One report JSON document, or JSON Lines of them, through the safe JSON loader (bounded
    size and depth; NaN, Infinity and 1e999 are not numbers)."""
    from gongkai.safeload import MAX_JSON_BYTES, DataError, load_json

    try:
        return [report_from_data(load_json(text, name, parse_float=Decimal), name, 1)]
    except DataError as exc:
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        # JSON Lines are bounded a line (a report) at a time, not as a whole: an export of 3,000
        # reports (85 MB) was refused as one JSON document too large
        whole_too_large = len(text) > MAX_JSON_BYTES and lines and lines[0][1].lstrip("\ufeff \t").startswith("{")
        if (exc.syntax != "Extra data" and not whole_too_large) or len(lines) < 2:
            raise NotAReport(exc.message, name, exc.place) from None
    reports = []
    for lineno, line in lines:
        try:
            data = load_json(line, name, parse_float=Decimal)
        except DataError as exc:
            place = f"第{lineno}行" + (exc.place.removeprefix("第1行") if exc.place else "")
            raise NotAReport(exc.message, name, place) from None
        reports.append(report_from_data(data, name, lineno))
    return reports


def report_from_data(data: object, name: str, lineno: int) -> Report:
    """A report JSON document as loaded (``safeload.load_json``) -> ``Report``, checked against
    the schema; NotAReport naming line ``lineno`` of ``name`` when it is not one."""
    if not isinstance(data, dict):
        raise NotAReport(f"不是 gongkai 报告 JSON（应为 schema 为 {SCHEMA} 的 JSON 对象）。", name, f"第{lineno}行")
    if data.get("schema") == SCHEMA:  # checked against docs/report.schema.json before any rule sees it
        from gongkai import reportschema  # (and jsonschema) only for report JSON: start-up of a text parse

        reportschema.check(data, name, f"第{lineno}行")
    try:
        return Report.from_dict(data)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        said = str(exc) if str(exc).startswith("不是 gongkai 报告 JSON") else f"不是 gongkai 报告 JSON（{exc}）"
        raise NotAReport(f"{said}。", name, f"第{lineno}行") from None


def _json_text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotAReport("报告 JSON 应以 UTF-8 编码保存。", name) from None


def _yaml_text(data: bytes, name: str) -> str:
    if len(data) > MAX_TEXT_BYTES:
        raise UnreadableFile(f"源文件过大（{len(data) / 1048576:.1f} MB），不像是一份报告源文件。", name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError("源文件应以 UTF-8 编码保存。", name) from None


make_callable(__name__, load)  # gongkai.load(path) is load(path)

__all__ = ["FORMS_ZH", "Loaded", "input_form", "load", "load_all", "load_input", "load_source", "load_source_text",
           "one", "report_from_data", "reports_from_json"]
