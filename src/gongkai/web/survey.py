"""汇总: the corpus of published reports (``gongkai.corpus``): bodies × years, findings by rule,
the regional statistics and their SVG charts (the corpus's own hand-written SVG).

Published reports are public documents, so every signed-in user may read the corpus; a
supervisor's page starts filtered to its region."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.utils.safestring import mark_safe

from gongkai.errors import GongkaiError, shown
from gongkai.web.access import without_server_folders

if TYPE_CHECKING:
    from collections.abc import Callable

    from gongkai.corpus.ingest import Summary

LEVELS = {"province": "省", "city": "市", "county": "县"}
MAX_AGENCIES = 300
# What one page draws, whatever the corpus holds (a researcher's is 100,000 reports: 2,000 rows
# of cities × years, 8 charts of 2,000 bars, 28,000 reports named as covered — a 6 MB page).
MAX_BARS = 60         # bars of a chart: more is no picture on a phone, and the table has the numbers
MAX_STAT_ROWS = 300   # rows of the statistics table; all of them in its CSV (/api/corpus/stats?format=csv)
MAX_NAMED = 50        # reports named in a note (covered, not counted twice, sums not holding)
MAX_FAILURES = 200  # files the corpus could not read, listed on the page (`gongkai failures` lists all)
# Reports a ZIP uploaded on the page may hold: a city's reports of a year are a few hundred; each is
# read in a child (tens of ms), so 20,000 tiny members kept the request going for minutes, for nobody.
# `gongkai ingest` takes more (corpus/sources.MAX_MEMBERS).
MAX_UPLOAD_MEMBERS = 2000
NO_DATA = "无数据"  # a report whose cells a figure needs are blank or undecided (as the charts say)
STATUS = {"ok": "已读取", "failed": "未能读取", "unreadable": "无法读取", "not_a_report": "不是年度报告",
          "timeout": "超时"}


def _store():
    from gongkai.corpus.store import Store

    return Store(settings.CORPUS_URL)


def default_level(region: str) -> str:
    """The level a page starts at: one below the region asked for (the whole country by province,
    a province by city, a city or county by county)."""
    return "province" if not region else "city" if len(region) <= 2 else "county"


def clean_level(value: str | None, levels: dict[str, str] = LEVELS, default: str = "city") -> str:
    """``province`` / ``city`` / ``county`` (default ``default``), or another of ``levels``;
    anything else is refused."""

    level = value or default
    if level not in levels:
        raise GongkaiError(f"层级“{shown(level)}”无效：应为 {'、'.join(f'{k}（{v}）' for k, v in levels.items())}。")
    return level


def clean_region(value: str | None) -> str:
    """``region=`` as the command line's ``--region`` takes it (one resolver, corpus.region.code_prefix):
    a code prefix (``32``, ``3208``), a six-digit code or a division's name (``淮安`` -> ``3208``);
    "" for all."""
    from gongkai.corpus.region import code_prefix

    text = (value or "").strip()
    try:
        return code_prefix(text)
    except GongkaiError as exc:
        raise GongkaiError(f"地区“{shown(text)}”无效：{exc.message}") from None


def region_name(region: str) -> str:
    """``3208`` -> 江苏省淮安市 (the division the prefix names), "" when unknown or empty."""
    from gongkai.format.places import division

    if not region or len(region) % 2:
        return ""
    d = division(region.ljust(6, "0"))
    return "".join(p for p in (d.province, d.city, d.county) if p) if d else ""


def matrix(store, region: str = "") -> tuple[list[int], list[dict], int]:
    """Agencies × years: for each agency and year, the report's status and its findings; the
    first ``MAX_AGENCIES`` bodies by name, and how many there are.  Finding the bodies lists
    every report of the region (0.6 s at 100,000): kept while the corpus has not changed
    (``corpus/kept.py``), as the statistics are."""
    from gongkai.corpus.kept import remembered

    def load(kept: list) -> tuple[list[int], list[dict], int]:
        years, rows, total = kept
        for a in rows:  # (JSON's keys are texts)
            a["years"] = {int(y): c for y, c in a["years"].items()}
        return years, rows, total

    return remembered(store, ["matrix", region, MAX_AGENCIES], lambda: _matrix(store, region), list, load)


def _matrix(store, region: str) -> tuple[list[int], list[dict], int]:
    from gongkai.corpus.stats import body_key
    from gongkai.corpus.store import received

    years: set[int] = set()
    agencies: dict[str, dict] = {}
    # One row per body, however its name was printed (洪泽区人民政府 / 淮安市洪泽区人民政府): by
    # its identity; the row is named as its latest report names it.  Findings are counted for
    # the bodies shown only (counting every report's took seconds at 100,000).
    # Of a body's reports of a year the cell shows the one the roll-up, the statistics and the 名录
    # count, the last received (``store.received``); by corpus number it showed, of a correction
    # ingested in the same run as its original, whichever a worker stored last.
    placed = [d for d in store.summaries(region, counted=False) if d["agency"] and d["year"] is not None]
    for d in sorted(placed, key=lambda d: (d["year"], received(d["received_at"], d["published"], d["sha256"]), d["id"])):
        years.add(int(d["year"]))
        key = body_key(d["code"], d["unit"], d["agency_key"], d["agency"]) or d["agency"]
        a = agencies.setdefault(key, {"name": d["agency"], "code": d["code"] or "", "key": key, "years": {}})
        a["name"] = d["agency"]
        a["years"][int(d["year"])] = {"status": d["status"], "id": d["id"]}
    ys = sorted(years)
    rows = sorted(agencies.values(), key=lambda a: a["name"])[:MAX_AGENCIES]
    counts = store.finding_counts([c["id"] for a in rows for c in a["years"].values()])
    for a in rows:
        for c in a["years"].values():
            by = {"error": 0, "warning": 0, "notice": 0}
            for (_, severity), n in counts.get(c["id"], {}).items():
                by[severity] = by.get(severity, 0) + n
            c.update(errors=by["error"], warnings=by["warning"], findings=sum(by.values()))
        a["cells"] = [a["years"].get(y) for y in ys]
    return ys, rows, len(agencies)


def _named(texts: list[str]) -> tuple[list[str], int]:
    """The first ``MAX_NAMED`` of a note's reports, and how many there are."""
    return texts[:MAX_NAMED], len(texts)


def page_context(level: str, region: str, body: str | None = None, server_paths: bool = False) -> dict:
    """Every panel of the page over the same reports: those placed in ``region``; and, when a
    ``body`` is chosen (its ``stats.body_key``), that body's years side by side.  ``server_paths``
    (the administrator): the failures' reasons as stored; else without the server's folders."""
    from gongkai.check import rules as rule_catalogue
    from gongkai.corpus.stats import METRICS, NO_BASE, chart_items, compute, short_name
    from gongkai.render.charts import PHONE_FIT, hbar_chart
    from gongkai.render.marks import CONTRADICTED, PARTIAL

    region = clean_region(region)
    level, body = clean_level(level, default=default_level(region)), (body or "").strip()[:200]
    with _store() as store:
        by_status = store.counts(region)
        table = compute(store, level, region)
        years, agencies, bodies = matrix(store, region)
        documents = documents_list(store, region)
        one = body_years(store, body, region) if body else None
        failures = store.failures(MAX_FAILURES)
        failed = (store.counts() if region else by_status).get("failed", 0)
    charts = []
    bars = max((len(chart_items(table, key)) for key, _, _, _ in METRICS), default=0)
    for key, head, unit, fmt in METRICS if bars <= MAX_BARS else ():
        items = chart_items(table, key)
        if items:
            charts.append(mark_safe(hbar_chart(head, items, unit, fmt, fit=PHONE_FIT)))
    if table.rules:
        charts.insert(0, mark_safe(hbar_chart("检查发现（按规则）", list(table.rules.items()), "条",
                                              fit=PHONE_FIT)))
    catalogue = rule_catalogue()
    return {
        "level": level, "level_label": LEVELS[level], "levels": LEVELS, "region": region,
        "region_name": region_name(region),
        "counts": [(STATUS.get(k, k), v) for k, v in by_status.items()],
        "metrics": [(k, h, u) for k, h, u, _ in METRICS],
        "rows": [{"region": short_name(r), "year": r.year, "values": [_stat(r, k, fmt) for k, _, _, fmt in METRICS]}
                 for r in table.rows[:MAX_STAT_ROWS]],
        "rows_total": len(table.rows),
        "rows_csv": "/api/corpus/stats?" + urlencode({"level": level, "region": region, "format": "csv"}),
        "bars": bars if bars > MAX_BARS else 0, "max_bars": MAX_BARS,
        "partial_mark": PARTIAL[0], "no_base": NO_BASE,
        "rules": [(rule, n, catalogue[rule].about if rule in catalogue else "") for rule, n in table.rules.items()],
        "years": years, "agencies": agencies, "documents": documents, "charts": charts,
        "truncated": bodies > len(agencies), "bodies_total": bodies, "duplicates": _named(table.duplicates),
        "bodies": sorted(((a["key"], a["name"]) for a in agencies), key=lambda kv: kv[1]), "body": body,
        "one": one, "failed": failed, "failures": [
            (f.name, f.reason if server_paths else without_server_folders(f.reason or "")) for f in failures],
        "covered": _named(table.covered), "unsound": _named([u for r in table.rows for u in r.unsound]),
        "contradicted": _named([c for r in table.rows for c in r.contradicted]), "contradicted_mark": CONTRADICTED[0],
    }


def body_years(store, body: str, region: str = "") -> dict:
    """One body's years side by side (``gongkai stats --level body``): a column a year from its
    first report to its last, a year without one shown as 无报告 (never 0); a row a figure; a
    chart a figure, a bar a year.  ``error`` when the corpus (in ``region``) has no report of it."""
    from gongkai.corpus.stats import METRICS, NO_BASE, NO_REPORT, compute
    from gongkai.render.charts import PHONE_FIT, hbar_chart
    from gongkai.render.marks import CONTRADICTED

    table = compute(store, "body", region, body=body)
    rows = {r.year: r for r in table.rows if r.year is not None}
    if not rows:
        where = f"地区 {region} 中" if region else "语料库中"
        return {"error": f"{where}没有这个机关的报告。"}
    span = range(min(rows), max(rows) + 1)
    name = next(r.region for r in table.rows)  # as its latest report names it
    # A column a year with a report; a run of years without one, one column (narrow on a phone).
    columns: list[dict] = []
    for y in span:
        if y in rows or not columns or columns[-1]["ids"]:
            columns.append({"year": str(y), "years": [y], "ids": rows[y].ids if y in rows else []})
        else:
            columns[-1]["years"].append(y)
            columns[-1]["year"] = f"{columns[-1]['years'][0]}–{y}"

    def value(y: int, key: str) -> float | str:
        """A year's figure, or why there is none: no report; the report's cells blank or
        undecided (无数据); a ratio over 0 (—: no requests, or no review or lawsuit)."""
        if y not in rows:
            return NO_REPORT
        v = rows[y].figure(key)
        return NO_DATA if v is None else v

    def shown(y: int, key: str, fmt: str) -> str:  # a figure holding a number its report's text contradicts: ^
        v = value(y, key)
        return v if isinstance(v, str) else fmt.format(v) + (CONTRADICTED[0] if key in rows[y].contradicted_in else "")

    figures = [{"head": head, "unit": unit, "cells": [shown(c["years"][0], key, fmt) for c in columns]}
               for key, head, unit, fmt in METRICS]
    charts = [mark_safe(hbar_chart(f"{head}（{unit}）", [(f"{y} 年", value(y, key)) for y in span], unit, fmt,
                                   fit=PHONE_FIT))
              for key, head, unit, fmt in METRICS[1:]  # 报告份数 is 1 a year: no chart
              if any(not isinstance(value(y, key), str) for y in span)]
    unsound = [u for r in table.rows for u in r.unsound]
    contradicted = [c for r in table.rows for c in r.contradicted]
    return {"name": name, "columns": columns, "first": span[0], "last": span[-1], "figures": figures, "charts": charts,
            "years": len(span), "missing": len(span) - len(rows),
            "marks": {v for f in figures for v in f["cells"] if v in (NO_DATA, NO_BASE)}, "no_report": NO_REPORT,
            "no_data": NO_DATA, "no_base": NO_BASE,
            "duplicates": table.duplicates, "unsound": unsound, "contradicted": contradicted}


def _stat(row, key: str, fmt: str) -> dict:
    """One figure of the statistics table: its text, and (when some of the row's reports left a
    number it needs blank or undecided) on how many of them it rests — a partial figure."""
    value = row.figure(key)
    return {"text": "" if value is None else value if isinstance(value, str) else fmt.format(value),
            "based": row.partial(key), "contradicted": value is not None and key in row.contradicted_in}


def stats_table(level: str | None, region: str | None = "", agency: str | None = "", body: str | None = ""):
    """``/api/corpus/stats``'s query, checked, with its table and the corpus's counts by status:
    (level, region, agency, body, ``StatsTable``, counts).  A body the corpus (in ``region``) has no
    report of is a 404, named."""
    from gongkai.corpus.stats import LEVELS as ALL_LEVELS
    from gongkai.corpus.stats import compute, unknown_body

    level, region = clean_level(level, {**LEVELS, "body": ALL_LEVELS["body"]}), clean_region(region)
    agency, body = (agency or "").strip()[:200], (body or "").strip()[:200]
    with _store() as store:
        table = compute(store, level, region, agency=agency, body=body)
        by_status = store.counts(region)
    if (agency or body) and not table.rows:
        raise unknown_body(agency or body, region)  # a 404
    return level, region, agency, body, table, by_status


def stats_json(level: str | None, region: str | None = "", agency: str | None = "", body: str | None = "",
               ids: bool = False, page: int = 1, size: int = 100) -> dict:
    """``/api/corpus/stats``: as ``gongkai stats --level … --agency …`` — by division, or by body
    (``level=body``: a row a body and year, its ``code`` the body's identity); ``agency`` (a name
    or part of one) or ``body`` (an identity, as the 汇总's body choice) keeps one body's reports.
    ``ids``: each row also lists the numbers of its reports — asked for only, as over the whole
    corpus they are every report's number (0.56 MB of the 6.4 MB at 100,000 reports; docs/scale-out.md).
    ``duplicates`` and ``covered``: the ``page``-th ``size`` of each list, beside its total;
    ``pages``: how many pages the longer of the two takes (at least 1)."""
    level, region, agency, body, table, by_status = stats_table(level, region, agency, body)
    start = (page - 1) * size
    return {"level": level, "region": region, "agency": agency, "body": body, "counts": by_status,
            "rows": [{"region": r.region, "code": r.code, "year": r.year, "values": r.values, "based_on": r.based_on,
                      "unsound": r.unsound, "contradicted": r.contradicted, "contradicted_in": r.contradicted_in,
                      **({"ids": r.ids} if ids else {})} for r in table.rows],
            "findings_by_rule": table.rules,
            "duplicates": table.duplicates[start:start + size], "duplicates_total": len(table.duplicates),
            "covered": table.covered[start:start + size], "covered_total": len(table.covered),
            "pages": max(1, -(-max(len(table.duplicates), len(table.covered)) // size))}


def report_context(doc_id, server_paths: bool = False) -> dict:
    """One stored report for the drill-down page: where it came from, its findings (its own
    and the cross-year ones) each with the cells they concern, and its tables marked.
    ``server_paths`` (the administrator: ``access.sees_server_paths``): the paths it was read at
    in full; else only the files' names (``corpus.sources.as_given``), and a failure's reason
    without the server's folders (``errors.without_folders``)."""
    from gongkai import PARSER_VERSION
    from gongkai.check.catalogue import data as catalogue
    from gongkai.corpus.region import no_such_report
    from gongkai.corpus.sources import as_given
    from gongkai.format.names import cell_label
    from gongkai.model import Finding
    from gongkai.render import review
    from gongkai.render.common import page_facts
    from gongkai.web.reportview import tables_html

    doc_id = _document_id(doc_id)
    with _store() as store:
        doc = store.document(doc_id)
        if doc is None:
            raise Http404(str(no_such_report(doc_id)))
        report = store.held_report(doc_id)  # its JSON with the findings the page lists
        # a corrected re-send (or the report it replaced) of the body and year: said on the page,
        # which looked current whichever of them was opened
        from gongkai.corpus.store import received

        # before or after this one as the roll-up and the 名录 count them (store.received), not by
        # number: within one ingest run numbers follow which worker finished first
        this = received(doc["received_at"], doc["published"], doc["sha256"])
        others = [{**o, "received_at": (o["received_at"] or "")[:19].replace("T", " "),
                   "later": received(o["received_at"], o["published"], o["sha256"]) > this}
                  for o in store.same_body_year(doc_id)] if doc["status"] == "ok" else []
    names = catalogue()["severities"]
    found = [(Finding(f["rule"], f["severity"], f["message"], [c for c in (f["cells"] or "").split(";") if c],
                      f["where"], f["quote"]), f["previous_id"]) for f in doc["findings"]]
    rows_out = [{"rule": f.rule, "severity": f.severity, "severity_label": names.get(f.severity, f.severity),
                 "message": f.message, "where": f.where or "", "previous": prev, "quote": f.quote or "",
                 "cells": [cell_label(c, doc["format"]) for c in f.cells[:3]], "more": max(0, len(f.cells) - 3)}
                for f, prev in found]
    findings = [f for f, _ in found]
    # one entry a place it was seen, also when two places have one name (what was seen twice stays said)
    paths = doc["paths"] if server_paths else [as_given(p) for p in doc["paths"]]
    as_json = report.to_json() if report is not None else ""
    return {"doc_id": doc_id, "sha256": doc["sha256"], "name": doc["name"], "paths": paths, "form": doc["form"],
            "status": doc["status"], "status_label": STATUS.get(doc["status"], doc["status"]),
            "reason": doc["reason"] if server_paths or not doc["reason"] else without_server_folders(doc["reason"]),
            "agency": doc["agency"], "year": doc["year"], "format": doc["format"], "published": doc["published"],
            "ingested_at": (doc["ingested_at"] or "")[:19].replace("T", " "), "code": doc["code"] or "",
            "received_at": (doc["received_at"] or "")[:19].replace("T", " "),
            "received_at_iso": doc["received_at"],  # the API's: as stored and exported, to the microsecond
            # read by an older parser (a corpus upgraded in place): its cells and findings are that
            # parser's until its file is ingested again, which nothing on the page said
            "older_parser": doc["parser_version"] if doc["status"] == "ok" and doc["parser_version"] != PARSER_VERSION else None,
            "parser_version": PARSER_VERSION,
            "place": "".join(p for p in (doc["province"], doc["city"], doc["county"]) if p),
            "findings": rows_out, "others": others,
            # previous_report_id as the export and the Python API name it; previous_id: the same, kept
            # for the clients of 0.9.1 (deprecated, documented in the OpenAPI description)
            "findings_json": [{**f.to_dict(), "previous_report_id": prev, "previous_id": prev} for f, prev in found],
            "counts": {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "notice")},
            "tables": tables_html(report, findings) if report is not None else {},
            # what the tables' marks (* inferred, # undecided, ~ OCR) mean, as on the check page
            "legend": mark_safe(review.legend_html(report, review.cell_marks(findings))) if report is not None else "",
            "report_json": as_json, "report_json_size": len(as_json.encode("utf-8")),
            # a crawler-kept page's 发布时间, 发布机构, 文号, 原文链接: beside the 落款日期, not it
            "page_facts": page_facts(report.source) if report is not None else [],
            "report_link": report.source.link if report is not None else ""}


def ingest_uploads(files, actor: str, gone: Callable[[], bool] | None = None) -> tuple[Summary, list[str], list]:
    """Keep uploaded reports (and ZIPs of them) under the site's home and ingest them into the
    corpus (each file parsed in a child process with the corpus's time limit, as ``gongkai
    ingest`` does): the ingest's summary, why each refused upload was refused, and the stored
    reports of the upload (``StoredReport``: where each was placed).  One refused file (a wrong
    type, too large) no longer stops the others: nothing was imported then.  ``gone``
    (waitress's ``client_disconnected``): the visitor has left — the files not yet read are left
    (those stored stay stored), instead of ingesting up to MAX_UPLOAD_MEMBERS files for nobody."""
    import os
    import secrets
    from datetime import datetime

    from gongkai.corpus.ingest import ingest
    from gongkai.web.reportview import read_upload

    if not files:
        raise GongkaiError("请选择至少一个报告文件。")
    folder = settings.HOME / "corpus-uploads" / f"{datetime.now():%Y%m%d-%H%M%S}-{actor[:40]}-{secrets.token_hex(3)}"
    paths: list[str] = []
    refused: list[str] = []
    for upload in files:
        try:
            data = read_upload(upload, archives=True)
            if upload.name.lower().endswith(".zip"):
                refused.extend(_archive_left_out(upload.name, data))
        except GongkaiError as exc:
            refused.append(str(exc))
            continue
        folder.mkdir(parents=True, exist_ok=True)
        name = os.path.basename(upload.name.replace("\\", "/")) or "report"
        target = folder / name
        n = 1
        while target.exists():
            n += 1
            target = folder / f"{target.stem}-{n}{target.suffix}"
        target.write_bytes(data)
        paths.append(str(target))
    if not paths:
        raise GongkaiError("；".join(refused))
    def stop_if_gone(done: int, total: int, path: str) -> None:
        from gongkai.isolate import Cancelled, stopping

        if stopping.is_set():
            raise Cancelled(f"网页应用正在停止，导入在第 {done} 个文件（共 {total} 个）后停止；已导入的报告保留在语料库中。")
        if gone is not None and gone():
            raise Cancelled(f"访客已离开，导入在第 {done} 个文件（共 {total} 个）后停止；已导入的报告保留在语料库中。")

    with _store() as store:
        summary = ingest(paths, store, workers=1, on_progress=stop_if_gone)
        return summary, refused, store.reports_numbered(summary.ids)


def elsewhere(reports: list, region: str) -> str:
    """Of an upload's reports, those the page filtered to ``region`` does not list, said with
    where they are ("宁夏回族自治区吴忠市 5 份、未能定位地区 1 份"); "" when none."""
    if not region:
        return ""
    places: dict[str, int] = {}
    for r in reports:
        if not (r.code or "").startswith(region):
            where = "".join(p for p in (r.province, r.city) if p) if r.code else "未能定位地区"
            places[where] = places.get(where, 0) + 1
    return "、".join(f"{where} {n} 份" for where, n in places.items())


def other_years(reports: list, most: int = 10) -> str:
    """Of an upload's reports, those not of the year most of them are of, named ("2025 年度 1 份：
    #7 淮安市淮阴区徐溜镇人民政府"): a body that sent last year's report again was counted among
    the new ones, and its name stayed missing from the year's roster without a word; "" when the
    upload is of one year."""
    by_year: dict[int | None, list] = {}
    for r in reports:
        by_year.setdefault(r.year, []).append(r)
    if len(by_year) < 2:
        return ""
    main = max(by_year, key=lambda y: (len(by_year[y]), y or 0))
    parts = []
    for year, rs in sorted(((y, rs) for y, rs in by_year.items() if y != main), key=lambda x: x[0] or 0):
        names = "、".join(f"#{r.id} {r.agency or r.name}" for r in sorted(rs, key=lambda r: r.id)[:most])
        more = f" 等 {len(rs)} 份" if len(rs) > most else ""
        parts.append(f"{f'{year} 年度' if year else '未识别年度'} {len(rs)} 份：{names}{more}")
    return f"其中不是 {main} 年度的报告：" + "；".join(parts) + "。"


def _archive_left_out(name: str, data: bytes) -> list[str]:
    """What of an uploaded ZIP is not ingested, said (a ZIP inside it, a spreadsheet: nothing was said
    of them), or GongkaiError for a ZIP of more reports than the page takes."""
    import io
    import zipfile

    from gongkai.inputs import is_report_name

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = [i.filename.rsplit("/", 1)[-1] for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        return []  # the ingest says it is damaged
    shown = [n for n in names if n and not n.startswith(".")]
    reports = sum(map(is_report_name, shown))
    if reports > MAX_UPLOAD_MEMBERS:
        raise GongkaiError(f"压缩包中有 {reports} 个报告文件，网页上一次最多导入 {MAX_UPLOAD_MEMBERS} 个："
                           "请分成几个压缩包上传，或用命令 gongkai ingest 导入。", name)
    other = [n for n in shown if not is_report_name(n)]
    if not other:
        return []
    listed = "、".join(other[:10]) + (f" 等 {len(other)} 个" if len(other) > 10 else "")
    return [f"{name} 中的 {listed}：不是可读取的报告文件（压缩包中的压缩包请先解压后上传）。"]


def documents_list(store, region: str = "", limit: int = 1000) -> list[tuple[int, str, int]]:
    """(id, agency, year) of the readable reports, for choosing two to compare."""
    return [(int(d["id"]), d["agency"] or "（未识别机关）", d["year"])
            for d in store.summaries(region, readable=True, counted=False, limit=limit)]


def _document_id(value) -> int:
    try:
        return int(str(value).lstrip("#"))
    except (TypeError, ValueError):
        raise GongkaiError(f"报告编号“{shown(value)}”无效") from None


def compare_html(a, b) -> str:
    """The corpus's own comparison page (all text escaped there) of two stored reports."""
    from gongkai.comparison import compare
    from gongkai.corpus.compare import load_side
    from gongkai.render.compare import compare_html

    return compare_html(compare(load_side(str(_document_id(a)), settings.CORPUS_URL),
                           load_side(str(_document_id(b)), settings.CORPUS_URL)))


MAX_ROLLUP = 500


def _division(region: str):
    """The division a code prefix names (``32`` a province, ``3208`` a city, ``320812`` a county)."""
    from gongkai.format.places import division

    if len(region) not in (2, 4, 6):
        raise GongkaiError("相加要按一个行政区划：请先在“地区代码前缀”中填 2 位（省）、4 位（市）或 6 位（县）区划代码并筛选。"
                           if not region else f"地区代码前缀“{region}”不是一个行政区划：相加请用 2 位（省）、4 位（市）"
                                              "或 6 位（县）区划代码。")
    found = division(region.ljust(6, "0"))
    if found is None:
        raise GongkaiError(f"地区代码“{region}”不在全国行政区划代码表中。")
    return found


def _rollup(year, region: str):
    """(Rollup, Selection) of one year in a region, as ``gongkai rollup --region``: the towns' and
    departments' reports summed (a 人民政府's own report is a whole-area report: not added, one
    body counted once) and compared with the region's own report when the corpus has it."""
    from gongkai.corpus import region as regions
    from gongkai.corpus.rollup import rollup

    try:
        year = int(year)
    except (TypeError, ValueError):
        raise GongkaiError(f"年度“{shown(year)}”无效") from None
    division = _division(region)
    with _store() as store:
        stored = len(store.reports(region, year))
        if stored > MAX_ROLLUP:  # bounded time for a page: a province's every report is a batch job
            raise GongkaiError(f"地区 {region} {year} 年度有 {stored} 份报告，网页上最多相加 {MAX_ROLLUP} 份："
                               "请缩小到市或县，或用 gongkai rollup --region。")
        try:
            selection = regions.select(store, division, year)
        except GongkaiError as exc:  # its place names the CLI's option (--region …): not a web user's words
            raise GongkaiError(exc.message) from None
    return rollup(selection.parts, selection.own), selection


def rollup_context(year, region: str) -> dict:
    """Tables 2, 3 and 4 summed over a region's reports of one year (blank ≠ 0), each sum that
    some reports do not enter marked partial, with whose; compared with the region's own report."""
    from gongkai.comparison import show_value
    from gongkai.corpus.region import full_name
    from gongkai.format.names import cell_label, format_order, table_name, table_title
    from gongkai.model import Report
    from gongkai.render.marks import CONTRADICTED, PARTIAL, UNSOUND, UNSOUND_WHERE, meaning
    from gongkai.web.reportview import tables_html

    try:
        r, selection = _rollup(year, region)
    except GongkaiError as exc:
        return {"rollup_year": year, "rollup_error": exc.message}
    total = Report(agency="合计", year=selection.year, format=r.common_format())
    for cell_id, cs in r.cells.items():
        total.set_value(cell_id, cs.value)
    # A sum some reports do not enter (blank, no such row, digits not cut one way) says so, and whose.
    partial = {c: cs.note() for c, cs in r.cells.items() if cs.status == "partial"}
    # A sum adding a number of a report whose own sum over it does not hold says whose (as printed, not corrected).
    sums: dict[str, list[tuple[str, str]]] = {}
    for c, cs in r.cells.items():
        if c in partial:
            sums.setdefault(c, []).append(("partial", partial[c]))
        if cs.unsound:
            sums.setdefault(c, []).append(("unsound", cs.unsound_note()))
        if cs.contradicted:  # a number its report's own text states otherwise, added as printed
            sums.setdefault(c, []).append(("contradicted", cs.contradicted_note()))
    return {"rollup_year": selection.year, "rollup_region": f"{full_name(selection.region)}（{selection.region.code}）",
            "rollup_names": r.names, "rollup_own": selection.own[0] if selection.own else "",
            "rollup_lower": selection.lower, "rollup_duplicates": selection.duplicates,
            "rollup_differences": [(cell_label(c, total.format), show_value(a), show_value(b), status)
                                   for c, a, b, status in r.differences],
            "rollup_tables": [(f"{table_name(t)} {table_title(t)}", html)
                              for t, html in tables_html(total, [], sums=sums).items()],
            "rollup_formats": sorted(set(r.formats)) if len(set(r.formats)) > 1 else [],
            "rollup_partial": len(partial), "rollup_partial_mark": PARTIAL[0], "rollup_partial_meaning": meaning(PARTIAL),
            "rollup_unsound": [str(u) for u in r.unsound], "rollup_unsound_mark": UNSOUND[0], "rollup_unsound_where": UNSOUND_WHERE,
            "rollup_unsound_bodies": len(dict.fromkeys(u.report for u in r.unsound)),
            "rollup_contradicted": [str(c) for c in r.contradicted], "rollup_contradicted_mark": CONTRADICTED[0],
            "rollup_contradicted_bodies": len(dict.fromkeys(c.report for c in r.contradicted)),
            # the same, readable on a phone (no pointer to show a cell's title)
            "rollup_partial_cells": [(cell_label(c, total.format), "" if r.cells[c].value is None else r.cells[c].value,
                                      partial[c]) for c in sorted(partial, key=format_order)]}


def compare_json(a, b) -> dict:
    from gongkai.comparison import compare
    from gongkai.corpus.compare import load_side

    return compare(load_side(str(_document_id(a)), settings.CORPUS_URL),
                   load_side(str(_document_id(b)), settings.CORPUS_URL)).to_dict()


def rollup_json(year, region: str) -> dict:
    r, selection = _rollup(year, region)
    return {**r.to_dict(), "region": selection.to_dict()}
