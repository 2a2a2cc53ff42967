"""Take a corpus's JSON Lines export (``gongkai export --to jsonl``) back into a corpus.

``gongkai ingest corpus.jsonl`` gives the same reports as the corpus that wrote it: each line's
stored ``Report`` JSON as it was (cells with raw text, position, inferred and its basis, OCR
confidence, the cuts of digits run together), its own findings and its cross-year ones (with
their quotes and the last-year report compared with), and its provenance — the original file's
SHA-256, name, the paths it was seen at, its size, form, when it was first received (which decides
which of a body's reports of a year counts: ``store.received``; of two corpora that received the
same content, the earlier time is kept, also when the corpus's report stays as it is) and last read, its parser version, how its body is placed (a user's
correction stays one).  Nothing is parsed again:
there is no original file to parse, so a line written by an older parser version is stored with
that version, as a corpus upgraded in place holds it (the next ingest of its original file parses
it again), and one written by a newer parser version, which this program may not read, is refused.

A line is keyed by the original file's SHA-256, like any ingested file: content the corpus
holds already with the line's parser version or a newer one is left as it is (taking a file back
twice duplicates nothing), content it holds from an older parser version is replaced.  The report numbers of
the export are kept when none of the reports new to the corpus would take a number already
used (always, into a fresh corpus); otherwise the corpus numbers them, and the cross-year
findings follow their last-year report by its SHA-256.  A last-year report that is neither in
the file nor in the corpus leaves the report's cross-year findings to the cross-year pass that
ends every ingest (it compares the report with what the corpus holds).

A file is checked line by line before anything is written and written in one transaction: a
line that is not JSON, not a report of an export, or from a newer parser version makes the
whole file a failure of the run, named with its line, and stores nothing of it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from gongkai import PARSER_VERSION
from gongkai.corpus.sources import Item
from gongkai.corpus.store import Store, cell_rows, figure_rows
from gongkai.db import OFFICE_TZ, now_stamp
from gongkai.errors import GongkaiError, NotAReport
from gongkai.format.places import corrected, normalise, place
from gongkai.inputs import suffixes
from gongkai.model import Finding

_SHA256 = re.compile(r"[0-9a-f]{64}")
_PLACED = ("region_code", "province", "city", "county", "unit", "level")
_ID_BATCH = 500


def is_export(item: Item) -> bool:
    """Whether ``item`` is a corpus export: a file whose first line is a report with a ``corpus``
    object.  (A report JSON, or ``gongkai parse``'s JSON Lines, is not.)  An export written as
    ``-o 导出`` (no .jsonl) is one too: a file on disk not named .json/.jsonl is looked into when it
    starts with "{"."""
    if item.problem:
        return False
    if Path(item.name).suffix.lower() not in suffixes("json") and not _starts_json(item):
        return False
    try:
        first = next(_lines(item), None)
    except (OSError, ValueError, GongkaiError):
        return False  # the ordinary path names what is wrong with the file
    if first is None or b'"corpus"' not in first[1]:
        return False
    try:
        data = json.loads(first[1].decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return False
    return isinstance(data, dict) and isinstance(data.get("corpus"), dict) and "sha256" in data["corpus"]


def _starts_json(item: Item) -> bool:
    """Whether a file on disk begins (a BOM and blanks aside) with a JSON object; a ZIP's member is
    judged by its name alone (reading each member twice would slow a large archive's ingest)."""
    if item.archive is not None or not os.path.isfile(item.path):  # a FIFO would block the open
        return False
    try:
        with open(item.path, "rb") as f:
            head = f.read(64)
    except OSError:
        return False
    return head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"{"


def _lines(item: Item) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes) of the file's non-blank lines; a file on disk is streamed."""
    from gongkai.safeload import MAX_JSON_BYTES

    if item.archive is not None:
        lines: Any = iter(item.read().splitlines())
    else:
        lines = open(item.path, "rb")
    try:
        for n, line in enumerate(lines, 1):
            if len(line) > MAX_JSON_BYTES:
                raise GongkaiError(f"第{n}行超过 {MAX_JSON_BYTES // 1048576} MB，不是一份报告。", item.path)
            if line.strip():
                yield n, line
    finally:
        if hasattr(lines, "close"):
            lines.close()


class _Line:
    """What the first reading of a line keeps: its number, provenance and cross-year reference,
    and what the corpus holds of its content (``state``: new | replace | held)."""

    __slots__ = ("n", "sha256", "report_id", "previous", "state", "parser_version", "received_at")

    def __init__(self, n: int, corpus: dict, state: str):
        self.n = n
        self.sha256: str = corpus["sha256"]
        self.parser_version: str = corpus["parser_version"]
        self.report_id: int = corpus["report_id"]
        self.previous: tuple[int | None, str | None] = (corpus.get("previous_report_id"),
                                                        corpus.get("previous_sha256"))
        self.state = state
        # (an export of 0.9.4 or older has no received_at: its ingested_at, when it was last read,
        # is all it says of the receipt; both are checked times, see _corpus_object)
        self.received_at: str | None = _office_time(corpus.get("received_at") or corpus.get("ingested_at"))


def take_back(store: Store, item: Item) -> tuple[int, int, int, list[int]]:
    """Store every report of the export ``item``: (added, updated, unchanged, the numbers of the
    reports added or updated).  GongkaiError naming the line, with nothing stored, when a line
    cannot be taken back."""
    lines = _first_reading(store, item)
    sha_of = {line.report_id: line.sha256 for line in lines}
    wanted = {line.n: line for line in lines if line.state != "held"}
    keep_ids = _free(store, [line.report_id for line in lines if line.state == "new"])
    compared: list[tuple[int, str | None, list[tuple[Finding, bool]]]] = []
    placements: dict[str, dict] = {}
    ids: list[int] = []
    with store.transaction():
        for n, raw in _lines(item):
            line = wanted.get(n)
            if line is None:
                continue  # held by the corpus already with this parser version or a newer one (or twice in the file)
            try:
                doc_id, cross = _store_line(store, item, line, raw, keep_ids, placements)
            except GongkaiError as exc:  # e.g. a user's placement with a code not in the national table
                raise type(exc)(exc.message, item.path, exc.place or f"第{n}行") from None
            except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a field of the wrong kind
                raise NotAReport(f"内容不完整或类型不对（{type(exc).__name__}：{exc}）。", item.path, f"第{n}行") from None
            ids.append(doc_id)
            last_id, last_sha = line.previous
            if last_id is not None:
                compared.append((doc_id, last_sha or sha_of.get(last_id), cross))
        for doc_id, last_sha, cross in compared:
            last = store.known(last_sha) if last_sha else None
            if last is not None and last.status == "ok":
                store.save_cross_year(doc_id, last.id, cross)
        if keep_ids:  # numbers given: the sequence moves past them
            store.move_id_sequence()
        for line in lines:  # a report held as it is still takes an earlier first receipt
            if line.state == "held" and line.received_at is not None:
                store.received_earlier(line.sha256, line.received_at)
    added = sum(1 for line in wanted.values() if line.state == "new")
    return added, len(wanted) - added, len(lines) - len(wanted), ids


def _first_reading(store: Store, item: Item) -> list[_Line]:
    """Every line read once, quickly (JSON, an export's ``corpus`` object, no newer parser version),
    with what the corpus holds of its content; a content met twice in the file counts once."""
    out: list[_Line] = []
    met: set[str] = set()
    for n, raw in _lines(item):
        corpus = _corpus_object(item, n, raw)
        if corpus["sha256"] in met:
            continue
        met.add(corpus["sha256"])
        known = store.known(corpus["sha256"])
        held = (known is not None and known.status == "ok"
                and _rank(known.parser_version) >= int(corpus["parser_version"]))
        out.append(_Line(n, corpus, "new" if known is None else "held" if held else "replace"))
    return out


def _corpus_object(item: Item, n: int, raw: bytes) -> dict:
    from gongkai.safeload import DataError, load_json

    place_ = f"第{n}行"
    try:
        data = load_json(raw.decode("utf-8-sig" if n == 1 else "utf-8"), item.path)
    except UnicodeDecodeError:
        raise NotAReport("不是 UTF-8 编码的文本。", item.path, place_) from None
    except DataError as exc:
        raise NotAReport(exc.message, item.path, place_ + (exc.place or "").removeprefix("第1行")) from None
    corpus = data.get("corpus") if isinstance(data, dict) else None
    if not isinstance(corpus, dict):
        raise NotAReport("不是语料库导出的报告（gongkai export --to jsonl 的每一行都带 corpus 对象）。"
                         "gongkai ingest 收回的 JSON Lines 只能是语料库导出文件。", item.path, place_)
    problems = [key for key, ok in (
        ("sha256", isinstance(corpus.get("sha256"), str) and _SHA256.fullmatch(corpus["sha256"])),
        ("parser_version", _rank(corpus.get("parser_version")) > 0),
        ("report_id", type(corpus.get("report_id")) is int),
        ("name", isinstance(corpus.get("name"), str) and corpus["name"]),
        ("path", isinstance(corpus.get("path"), str) and corpus["path"]),
        ("previous_report_id", corpus.get("previous_report_id") is None or type(corpus["previous_report_id"]) is int),
        ("placement", isinstance(corpus.get("placement"), dict)),
        # compared with the corpus's own times to choose the report counted: a time, with its offset
        ("received_at", corpus.get("received_at") is None or _moment(corpus["received_at"])),
        ("ingested_at", corpus.get("ingested_at") is None or _moment(corpus["ingested_at"])),
    ) if not ok]
    if problems:
        when = ("（received_at、ingested_at 应为带时区的 ISO 8601 时间，如 2024-05-01T09:30:00+08:00）"
                if {"received_at", "ingested_at"} & set(problems) else "")
        raise NotAReport(f"corpus 对象缺少或写错了：{'、'.join(problems)}{when}。", item.path, place_)
    version = corpus["parser_version"]
    if int(version) > int(PARSER_VERSION):  # an older one is stored as read (see the module's doc)
        raise NotAReport(f"这份报告由第 {version} 版解析器读出，比本程序的解析器（第 {PARSER_VERSION} 版）新，"
                         f"本程序可能读不全，不能收回。请用第 {version} 版或更新的 gongkai 收回这个文件，"
                         f"或入库原文件（{corpus['path']}），由本版重新读取。", item.path, place_)
    return corpus


def _office_time(value: str | None) -> str | None:
    """A checked time (``_moment``) in office time, as the corpus writes its times: they are
    compared as text (which report of a body counts), so 2024-05-01T02:00:00Z must be
    2024-05-01T10:00:00+08:00.  One already in office time is kept as written (an export re-imports
    byte for byte)."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    if moment.utcoffset() == OFFICE_TZ.utcoffset(None):
        return value
    return moment.astimezone(OFFICE_TZ).isoformat(timespec="microseconds" if moment.microsecond else "seconds")


def _moment(value: object) -> bool:
    """Whether ``value`` is an ISO 8601 time with its offset (as the corpus writes them)."""
    if not isinstance(value, str):
        return False
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _rank(version: object) -> int:
    """A parser version as a number (0 when it is none)."""
    return int(version) if isinstance(version, str) and version.isascii() and version.isdigit() else 0


def _free(store: Store, ids: list[int]) -> bool:
    """Whether the export's numbers can be kept: no two alike, none used in the corpus."""
    if len(set(ids)) != len(ids) or any(i < 1 for i in ids):
        return False
    for start in range(0, len(ids), _ID_BATCH):
        chunk = ids[start:start + _ID_BATCH]
        if store.ids_taken(chunk):
            return False
    return True


def _store_line(store: Store, item: Item, line: _Line, raw: bytes, keep_ids: bool,
                placements: dict[str, dict]) -> tuple[int, list[tuple[Finding, bool]]]:
    """Write one line's report (its JSON, cells, own findings, figures, paths, placement);
    (its document id, all its findings in order, each with whether it was made with last year's
    report)."""
    from gongkai.load import report_from_data
    from gongkai.safeload import load_json

    place_ = f"第{line.n}行"
    data = load_json(raw.decode("utf-8-sig" if line.n == 1 else "utf-8"), item.path)
    corpus = data.pop("corpus")
    findings = data.get("findings")
    if not isinstance(findings, list):
        raise NotAReport("findings 应为列表。", item.path, place_)
    own = [f for f in findings if not (isinstance(f, dict) and "previous_report_id" in f)]
    data["findings"] = own
    text = json.dumps(data, ensure_ascii=False)  # the stored JSON as the exporting corpus held it
    report = report_from_data(load_json(text, item.path, parse_float=Decimal), item.path, line.n)
    try:
        ordered = [(Finding.from_dict({k: v for k, v in f.items() if k != "previous_report_id"}), "previous_report_id" in f)
                   for f in findings]
    except (KeyError, TypeError, AttributeError):
        raise NotAReport("检查发现缺少 rule、severity 或 message。", item.path, place_) from None
    result = {"form": corpus.get("form"), "checked": bool(corpus.get("checked")), "report_json": text,
              "report": {k: data.get(k) for k in ("agency", "year", "format", "published", "source")},
              "cells": cell_rows(report, data.get("cells") or {}), "findings": own, "figures": figure_rows(report)}
    paths = corpus.get("paths")
    extra = tuple(p for p in paths if isinstance(p, str) and p != corpus["path"]) if isinstance(paths, list) else ()
    size = corpus.get("size")
    ingested_at = _office_time(corpus.get("ingested_at")) or now_stamp()
    received_at = line.received_at or ingested_at
    doc_id = store.save(sha256=line.sha256, name=corpus["name"], path=corpus["path"],
                        size=size if type(size) is int else None, parser_version=line.parser_version, result=result,
                        placement=_placement(store, report.agency, corpus["placement"], placements),
                        extra_paths=extra, is_new=line.state == "new",
                        ingested_at=ingested_at, received_at=received_at,
                        doc_id=line.report_id if keep_ids and line.state == "new" else None)
    return doc_id, ordered


def _placement(store: Store, agency: str | None, exported: dict, cache: dict[str, dict]) -> dict:
    """The body's placement as the exporting corpus had it.  A user's correction is kept as one
    (unless this corpus has its own for the body); an automatic one as exported, with the note
    the places data gives it when that data places the body the same way."""
    key = normalise(agency or "")
    if key in cache:
        return cache[key]
    fields = {k: exported.get(k) for k in _PLACED}
    if exported.get("placement") == "user" and key and fields["region_code"]:
        if store.correction(key) is None:
            try:
                fix = corrected(key, agency or "", fields["region_code"], fields["unit"])
            except GongkaiError:
                raise NotAReport(f"corpus.placement 中人工更正的区划代码“{fields['region_code']}”不在全国行政区划代码表中。"
                                 ) from None
            store.correct_placement(fix)
        stored = store.correction(key)
        assert stored is not None
        out = corrected(key, agency or "", stored[0], stored[1])
    else:
        auto = place(agency)
        if [auto.get("code"), *(auto.get(k) for k in _PLACED[1:])] == list(fields.values()):
            out = auto
        else:
            out = {"agency_key": key, "name": agency or "", "code": fields["region_code"], "province": fields["province"],
                   "city": fields["city"], "county": fields["county"], "unit": fields["unit"], "level": fields["level"],
                   "source": "auto", "note": exported.get("note")}
    cache[key] = out
    return out
