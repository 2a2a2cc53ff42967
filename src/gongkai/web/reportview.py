"""What the 检查 page and the API show of one uploaded report: its tables with the offending
cells marked (the checker's own review tables, all text escaped), its findings each linked to
its cell and to the line of the source, and the three downloads (JSON, CSV, HTML review)."""

from __future__ import annotations

import hashlib
import io
import json
import re
from html import escape
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.utils.safestring import mark_safe

from gongkai import isolate
from gongkai.errors import GongkaiError
from gongkai.web.answer import use_previous

if TYPE_CHECKING:
    from gongkai.model import Finding, Report
    from gongkai.read.document import Document

_TEXT_FORMS = {"txt", "md"}
_MAX_SOURCE_LINES = 3000
MAX_OTHERS_NAMED = 50   # files of an uploaded ZIP that are not reports, named one by one


def client_gone(request):
    """A callable telling whether the visitor has gone away (waitress sets it; None elsewhere)."""
    return request.META.get("waitress.client_disconnected") if request is not None else None


def load_upload(upload, request=None):
    """The one report of an uploaded file, in any form the loader reads; GongkaiError for bad input.
    Read in a child process when the server isolates reads (``gongkai.isolate``)."""
    return isolate.run("gongkai.web.answer:one_report", (read_upload(upload), upload.name), upload.name,
                       client_gone(request))


def previous_upload(upload) -> tuple[bytes, str] | None:
    """Last year's upload (bytes, name) as the read children take it, or None when none was given.
    A ZIP holding one report gives that member (``包.zip!成员``); one holding several is refused
    naming them: last year's report is one report."""
    if upload is None:
        return None
    try:
        if not is_archive(upload.name):
            return read_upload(upload), upload.name
        items = archive_items(upload)
        reports = [i for i in items if i.archive is not None]  # report members, read or refused for a reason
        if len(reports) == 1:
            return member_bytes(reports[0]), reports[0].path
    except GongkaiError as exc:
        raise GongkaiError(f"上年报告无法读取：{exc.message}", exc.path or upload.name) from None
    if reports:
        raise GongkaiError(f"上年度报告只能是一份，而压缩包中有 {len(reports)} 份报告：{_members(reports)}。"
                           "请只上传上一年度的那一份（或只含它的压缩包）。", upload.name)
    raise GongkaiError(f"上年报告无法读取：压缩包中没有报告文件（只有 {_members(items)}）。", upload.name)


def is_archive(name: str | None) -> bool:
    return (name or "").lower().endswith(".zip")


def archive_items(upload) -> list:
    """An uploaded ZIP's members (``corpus.sources.Item``: ``包.zip!成员``, read in memory as
    ``gongkai ingest`` reads them, under its limits and the page's count of files), every report
    named, and the first ``MAX_OTHERS_NAMED`` other files with why they are not read (the rest in
    one entry: 另有 N 个文件不是报告文件); GongkaiError when the ZIP itself is
    refused (too large, damaged, more reports than a page takes, empty)."""
    from gongkai.corpus.sources import Item, upload_items

    data = read_upload(upload, archives=True)
    items = list(upload_items(data, upload.name, settings.DATA_UPLOAD_MAX_NUMBER_FILES))
    if len(items) == 1 and items[0].problem and items[0].path == upload.name:  # the ZIP itself, not a member
        raise GongkaiError(items[0].problem, upload.name)
    if not items:
        raise GongkaiError("压缩包中没有文件。", upload.name)
    # The count of reports is limited, not the other files: thousands of empty ones in a small ZIP
    # would each be an item of the answer.  The first are named, the rest folded into one entry.
    others = [i for i in items if i.archive is None]
    if len(others) > MAX_OTHERS_NAMED:
        dropped = {id(i) for i in others[MAX_OTHERS_NAMED:]}
        items = [i for i in items if id(i) not in dropped]
        items.append(Item(upload.name, upload.name,
                          problem=f"另有 {len(dropped)} 个文件不是报告文件，未列出。"))
    return items


def member_bytes(item) -> bytes:
    """A ZIP member's bytes, or GongkaiError naming it with why it is not read (a nested ZIP, a
    bomb, an encrypted member, another kind of file)."""
    if item.problem:
        raise GongkaiError(item.problem, item.path)
    try:
        return item.read()
    except ValueError as exc:
        raise GongkaiError(str(exc), item.path) from None


def _members(items: list, most: int = 10) -> str:
    """Members as a message names them (their paths inside the ZIP), at most ``most`` then 等 N 个."""
    names = "、".join(i.path.split("!", 1)[-1] for i in items[:most])
    return names + (f" 等 {len(items)} 个" if len(items) > most else "")


def parse_previous(upload, request=None):
    """Last year's report for the cross-year rules, or None when no file was given."""
    given = previous_upload(upload)
    if given is None:
        return None
    return isolate.run("gongkai.web.answer:previous_report", given, upload.name, client_gone(request))


class Checked(NamedTuple):
    report: Report
    findings: list[Finding]
    document: Document | None  # as read: feeds the source view (none for report JSON or source YAML)
    data: bytes | None  # the file, when it is the report's source
    previous_notes: list[str]  # why last year's report was not used to cut run-together digits
    cut_by_last_year: list[str]  # labels of the cells last year's figures decided


def check_data(data: bytes, name: str, previous: Report | None = None, request=None) -> Checked:
    """One uploaded report (a file, or a member of an uploaded ZIP: ``包.zip!成员``) read and
    checked, with last year's report (if given) first cutting the digits the page ran together
    (``use_previous``)."""
    from gongkai.check import check_report
    from gongkai.load import one

    loaded = isolate.load_input(data, name, client_gone(request))
    report = one(loaded.reports, name)
    notes, cut = use_previous(report, previous) if previous is not None else ([], [])
    source = data if loaded.document is not None else None
    return Checked(report, check_report(report, previous), loaded.document, source, notes, cut)


_MAX_BLOCKS = 3000


def where_slug(where) -> str:
    return re.sub(r"[^0-9a-z]+", "-", str(where).lower()).strip("-") if where else ""


def source_blocks(doc, prefix: str, marked: set[str]) -> list[dict]:
    """The document as read (paragraphs and table grids, all text escaped by the template),
    each cell with an id from its position, so a finding can point into the source."""
    out = []
    for block in doc.blocks[:_MAX_BLOCKS]:
        if hasattr(block, "rows"):
            if block.loose:
                continue
            rows = []
            for row in block.rows:
                cells = []
                for c in row:
                    slug = where_slug(c.where)
                    cells.append({"text": "" if c.covered else c.text, "covered": c.covered,
                                  "id": f"{prefix}src-{slug}" if slug else "", "marked": slug in marked})
                rows.append(cells)
            out.append({"kind": "grid", "rows": rows, "where": block.where.zh() if block.where else ""})
        else:
            slug = where_slug(block.where)
            out.append({"kind": "p", "text": block.text, "heading": block.heading,
                        "id": f"{prefix}src-{slug}" if slug else "", "marked": slug in marked,
                        "where": block.where.zh() if block.where else ""})
    return out


def read_upload(upload, archives: bool = False) -> bytes:
    """An uploaded file's bytes, refused by name and size first; ``archives``: a ZIP of reports
    is taken too (the corpus upload: ``gongkai ingest`` reads its members)."""
    name = upload.name or ""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == ".zip" and not archives:  # a supervisor's bundle of reports: say where it is taken
        raise GongkaiError("这是 ZIP 压缩包：请解压后上传其中的报告文件（“汇总”页的“导入报告到语料库”可直接导入 ZIP 压缩包）。",
                           name)
    if suffix not in settings.UPLOAD_SUFFIXES and not (archives and suffix == ".zip"):
        from gongkai.load import FORMS_ZH

        # the same words as the upload pages' own hint, so the two never disagree
        forms = FORMS_ZH + ("，或这些文件的 ZIP 压缩包" if archives else "")
        raise GongkaiError(f"不支持的文件类型“{suffix or '（无扩展名）'}”：请上传 {forms}。", name)
    if upload.size > settings.MAX_UPLOAD_MB * 1024 * 1024:
        raise GongkaiError(f"文件过大（{upload.size / 1048576:.1f} MB），单个文件不超过 {settings.MAX_UPLOAD_MB} MB。",
                           name)
    if upload.size == 0:
        raise GongkaiError("文件为空。", name)  # as gongkai check, ingest and the corpus's failures say it
    return upload.read()


def report_csv(report, name: str) -> str:
    from gongkai.render.cells import write_cells_csv

    out = io.StringIO()
    write_cells_csv(out, [(name, report)])
    return out.getvalue()


def _prefix_ids(html: str, prefix: str) -> str:
    return html.replace(' id="cell-', f' id="{prefix}cell-')


def tables_html(report, findings, prefix: str = "", sums: dict[str, list[tuple[str, str]]] | None = None
                ) -> dict[str, str]:
    """table2/3/4 -> safe HTML (the checker's review tables; every value escaped there); a
    roll-up's sums marked (``sums``: cell id -> [(partial|unsound, whose)], ``review.table_html``)."""
    from gongkai.render import review

    marks = review.cell_marks(findings)
    out = {}
    for name in ("table2", "table3", "table4"):
        if report.table(name) is not None:
            out[name] = mark_safe(_prefix_ids(review.table_html(report, name, marks, sums), prefix))
    return out


def source_lines(report, data: bytes | None) -> list[str] | None:
    if data is None or report.source.form not in _TEXT_FORMS:
        return None
    from gongkai.read.decode import decode

    try:
        text = decode(data, report.source.name or "upload.txt")
    except Exception:  # noqa: BLE001 - a preview must never break the page
        text = data.decode("utf-8", "replace")
    return text.splitlines()[:_MAX_SOURCE_LINES]


_LINE = re.compile(r"line (\d+)|^第(\d+)行")


def finding_rows(report, findings, prefix: str) -> list[dict]:
    from gongkai.check.catalogue import data
    from gongkai.format.names import cells_label

    names = data()["severities"]
    rows = []
    for n, f in enumerate(findings, 1):
        held = [c for c in f.cells if report.has_cell(c) and report.table(c.split(".", 1)[0]) is not None]
        # A row the report lacks (TABLE-INCOMPLETE) is printed in the page's table as “（缺）”: link there too.
        shown = held or ([c for c in f.cells if report.table(c.split(".", 1)[0]) is not None][:1]
                         if f.rule == "TABLE-INCOMPLETE" else [])
        cell = shown[0] if shown else None
        info = report.cells.get(cell) if cell else None
        where = f.where or (info.where.zh() if info and info.where else "")
        raw_where = str(info.where) if info and info.where else (f.where or "")
        m = _LINE.search(raw_where)
        # A finding of several cells (a blank row, column or table is one CELL-BLANK finding)
        # leads to all of them, in the tables and in the source, not to its first alone.
        places = [w for c in held for w in [report.cells[c].where] if w]
        lines = list(dict.fromkeys(int(k.group(1) or k.group(2)) for w in places for k in [_LINE.search(str(w))] if k))
        # A finding that names its own line (a table's header label, 第29行) links there, not to
        # the cells under it (第30行): the link's 原文第N行 says what the finding says.
        own = _LINE.search(f.where or "")
        if own and int(own.group(1) or own.group(2)) not in lines:
            lines, m = [int(own.group(1) or own.group(2))], own
        rows.append({
            "source_anchor": f"{prefix}src-{where_slug(info.where)}" if info and info.where else "",
            "source_anchors": list(dict.fromkeys(f"{prefix}src-{where_slug(w)}" for w in places)),
            "n": n, "rule": f.rule, "severity": f.severity, "severity_label": names[f.severity],
            "message": f.message, "quote": f.quote, "where": where,
            "cell": cell, "cell_label": cells_label(held or shown, report.format),
            "cell_anchor": f"{prefix}cell-{cell}" if cell else "",
            "cell_anchors": " ".join(f"{prefix}cell-{c}" for c in held),
            "line": int(m.group(1) or m.group(2)) if m else None,
            "lines": lines or ([int(m.group(1) or m.group(2))] if m else []),
        })
        rows[-1]["lines_text"] = _numbers_text(rows[-1]["lines"])
    return rows


def _numbers_text(numbers: list[int]) -> str:
    """Line numbers as a link says them: 46, 46–55 (a run), 46、48、50 (at most three, then 等)."""
    if len(numbers) > 1 and numbers == list(range(numbers[0], numbers[0] + len(numbers))):
        return f"{numbers[0]}–{numbers[-1]}"
    return "、".join(map(str, numbers[:3])) + ("等" if len(numbers) > 3 else "")


def report_context(report, findings, data: bytes | None, index: int, doc=None) -> dict:
    from gongkai.render import review
    from gongkai.render.review import render_review

    prefix = f"r{index}-"
    full = report.to_dict()
    full["findings"] = [f.to_dict() for f in findings]
    name = report.source.name or f"report-{index}"
    stem = name.rsplit(".", 1)[0]
    rows = finding_rows(report, findings, prefix)
    lines = source_lines(report, data)
    marked = {n for r in rows for n in r["lines"]}
    for r in rows:   # where a link flashes in the source: the lines, or the blocks read from a document
        r["line_anchors"] = " ".join(f"{prefix}L{n}" for n in r["lines"]) if lines is not None else \
            " ".join(r["source_anchors"]) if doc is not None else ""
    blocks = None
    if lines is None and doc is not None:
        wanted = {a[len(prefix) + 4:] for r in rows for a in r["source_anchors"]}
        blocks = source_blocks(doc, prefix, wanted)
    images = []
    if report.source.form == "pdf" and data:
        pages = sorted({info.where.page for f in findings for c in f.cells
                        for info in [report.cells.get(c)] if info and info.where and info.where.page})
        images = page_images(data, pages)
    context = {
        "index": index, "prefix": prefix, "name": name, "stem": stem, "report": report,
        "findings": rows, "tables": tables_html(report, findings, prefix),
        # An OCR-read report said so, and the legend of the value marks the tables show.
        "banner": mark_safe(review.ocr_banner(report)),
        # A crawler-kept page's 发布时间 and 原文链接, beside (not instead of) the 落款日期.
        "page_facts": mark_safe(review.page_facts_html(report)),
        "legend": mark_safe(review.legend_html(report, review.cell_marks(findings))),
        "counts": {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "notice")},
        "source": [(i, line, i in marked) for i, line in enumerate(lines or [], 1)] if lines is not None else None,
        "blocks": blocks,
        "page_images": images,
        "downloads": {
            "json": json.dumps(full, ensure_ascii=False, indent=2, default=str),
            "csv": report_csv(report, name),
            "html": render_review(report, findings),
        },
        "digest": hashlib.sha256(data or b"").hexdigest()[:12],
    }
    # the files the buttons save, as app.js writes them (UTF-8; the CSV with a BOM for Excel)
    context["sizes"] = {"json": len(context["downloads"]["json"].encode("utf-8")),
                        "csv": 3 + len(context["downloads"]["csv"].encode("utf-8")),
                        "html": len(context["downloads"]["html"].encode("utf-8"))}
    return context


def safe_text(text: str) -> str:
    return escape(text)


MAX_PAGE_IMAGES = 5


def page_images(data: bytes, pages: list[int]) -> list[tuple[int, str]]:
    """PNG data URLs of the given PDF pages (1-based), as printed, for the source view."""
    import base64

    try:
        pictures = isolate.run("gongkai.read.pdf:page_pngs", (data, pages[:MAX_PAGE_IMAGES], "page"), "page")
    except Exception:  # noqa: BLE001 - a picture is a help, never a reason to fail the check
        return []
    return [(n, "data:image/png;base64," + base64.b64encode(png).decode("ascii")) for n, png in pictures]
