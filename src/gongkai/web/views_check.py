"""检查: upload one or many reports, see tables, findings and source; nothing is stored."""

from __future__ import annotations

import logging

from django.conf import settings
from django.shortcuts import render

from gongkai.errors import GongkaiError
from gongkai.extract.recover import cross_year_scope
from gongkai.web.access import login_or_anonymous, shown_to
from gongkai.web.methods import answers
from gongkai.web.reportview import check_upload_with_document, parse_previous, report_context

log = logging.getLogger("django.request")


@answers("GET", "POST")
@login_or_anonymous()
def check_page(request):
    results = []
    previous = None
    if request.method == "POST":
        files = request.FILES.getlist("file")
        previous = None
        if not files:
            results.append({"error": "请选择至少一个报告文件。", "name": ""})
        try:
            previous = parse_previous(request.FILES.get("previous"), request)
        except GongkaiError as exc:
            results.append({"error": shown_to(request.user, exc.message), "name": request.FILES["previous"].name})
            files = []
        for i, upload in enumerate(files, 1):
            try:
                checked = check_upload_with_document(upload, previous, request)
                result = report_context(checked.report, checked.findings, checked.data, i, checked.document)
                # Last year's report of another body or year: said, and its figures cut nothing.
                result["previous_notes"] = checked.previous_notes
                result["compared"] = previous is not None and cross_year_scope(checked.report, previous)
                result["cut_by_last_year"] = checked.cut_by_last_year
                results.append(result)
            except GongkaiError as exc:
                results.append({"error": shown_to(request.user, exc.message), "name": upload.name})
            except Exception as exc:
                log.exception("检查 %s 时出错", upload.name)
                results.append({"error": f"读取时发生内部错误（{type(exc).__name__}），请把此文件报告给管理员。",
                                "name": upload.name})
    template = "web/check_results.html" if request.headers.get("HX-Request") else "web/check.html"
    from gongkai.load import FORMS_ZH

    return render(request, template, {"results": results, "previous": previous, "max_mb": settings.MAX_UPLOAD_MB,
                                      "suffixes": ",".join(settings.UPLOAD_SUFFIXES), "forms": FORMS_ZH,
                                      "summary": summary(results) if len(results) > 1 else None})


def summary(results: list[dict]) -> dict:
    """Several files checked at once: the totals, so nothing below the fold goes unseen, and a
    row a file — the worst first (most errors, then warnings, then notices; ties in upload
    order), then those not read, as the index of ``gongkai check DIR --html`` lists them."""
    from gongkai.check.catalogue import rules

    read = [r for r in results if not r.get("error")]
    known = rules()
    for r in read:   # what each must correct, by rule: the count alone did not say who must redo what
        r["error_rules"] = sorted({(f["rule"], known[f["rule"]].about if f["rule"] in known else f["rule"])
                                   for f in r["findings"] if f["severity"] == "error"})
    totals = {s: sum(r["counts"][s] for r in read) for s in ("error", "warning", "notice")}
    worst = sorted(read, key=lambda r: tuple(-r["counts"][s] for s in ("error", "warning", "notice")))
    return {"files": len(results), "read": len(read), "failed": len(results) - len(read),
            "with_errors": sum(1 for r in read if r["counts"]["error"]), "totals": totals,
            "rows": worst + [r for r in results if r.get("error")]}
