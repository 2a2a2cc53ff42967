"""编制: write a report in the browser and download it as DOCX, PDF or HTML."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.errors import GongkaiError
from gongkai.web import drafts
from gongkai.web.access import body_view, can_write, login_needed, readable_bodies
from gongkai.web.models import Body
from gongkai.web.registers import today


@login_needed()
def draft_home(request):
    bodies = list(readable_bodies(request.user).prefetch_related("reports"))
    writable = [b for b in bodies if can_write(request.user, b)]
    return render(request, "web/draft_home.html", {"bodies": bodies, "writable": writable,
                                                   "year": today().year - 1,
                                                   "suffixes": ",".join(settings.UPLOAD_SUFFIXES)})


@require_POST
@login_needed()
def draft_new(request):
    from gongkai.web.access import can_write as _cw

    try:
        body = get_object_or_404(Body, pk=int(request.POST.get("body", "0") or 0))
    except ValueError:
        body = None
    if body is None or not _cw(request.user, body):
        return render(request, "web/error.html", {"message": "您无权为该机关编制报告。"}, status=403)
    previous = None
    upload = request.FILES.get("previous")
    try:
        if upload:
            from gongkai.web.reportview import load_upload

            previous = load_upload(upload)
        draft = drafts.create(body, request.POST.get("year"), request.POST.get("format", "2021"),
                              request.user.username, prefill=True, previous=previous)
    except GongkaiError as exc:
        messages.error(request, f"未能新建：{exc}")
        return redirect("/draft/")
    messages.success(request, f"已新建 {body.name} {draft.year}年度报告" +
                     ("，已从上年报告带入上年结转等数据。" if previous is not None or
                      drafts.previous_of(draft) is not None else "。"))
    return redirect(f"/draft/{body.pk}/{draft.year}/")


@require_http_methods(["GET", "POST"])
@body_view(write=True)
def draft_edit(request, body, year):
    from gongkai.check import check_report
    from gongkai.check.catalogue import data as catalogue

    draft = drafts.get(body, year)
    if request.method == "POST":
        errors = drafts.save_form(draft, request.POST, request.user.username)
        for e in errors:
            messages.error(request, e)
        if not errors:
            messages.success(request, "已保存。")
        return redirect(f"/draft/{body.pk}/{draft.year}/")
    report = drafts.report_of(draft)
    findings = check_report(report, drafts.previous_of(draft))
    names = catalogue()["severities"]
    return render(request, "web/draft_edit.html", {
        "body": body, "draft": draft, "report": report, "grid": drafts.grid(report, draft.format),
        "identities": [{**i, "left": " ".join(i["left"]), "right": " ".join(i["right"])}
                       for i in drafts.identities(draft.format)],
        "findings": [{"severity": f.severity, "label": names[f.severity], "rule": f.rule, "message": f.message}
                     for f in findings],
        "writable": can_write(request.user, body), "forms": drafts.FORMS,
    })


@require_http_methods(["GET"])
@body_view()
def draft_preview(request, body, year):
    from gongkai.render.html import render_html

    resp = HttpResponse(render_html(drafts.report_of(drafts.get(body, year))), content_type="text/html; charset=utf-8")
    # The preview is our own rendering, shown in a sandboxed frame; it may load nothing.
    resp["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return resp


@require_http_methods(["GET"])
@body_view()
def draft_download(request, body, year, form):
    name, data, ctype = drafts.build(drafts.get(body, year), form)
    resp = HttpResponse(data, content_type=ctype)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return resp


@require_POST
@body_view(write=True)
def draft_from_register(request, body, year):
    from gongkai.web.registers import open_register

    draft = drafts.get(body, year)
    try:
        n = drafts.fill_table3_from_register(draft, open_register(body), request.user.username)
        messages.success(request, f"已按台账重新计算表三（{draft.year}年新收与上年结转共 {n} 件）。")
    except GongkaiError as exc:
        messages.error(request, exc.message)
    return redirect(f"/draft/{body.pk}/{draft.year}/")


@require_POST
@login_needed()
def markdown_preview(request):
    """The narrative as it will print (markdown-it with raw HTML disabled: tags come out as text)."""
    from django.utils.safestring import mark_safe

    from gongkai.render.narrative import to_html

    # htmx posts the textarea under its own name (section-N or preamble)
    text = next((v for k, v in request.POST.items() if k == "text" or k == "preamble" or k.startswith("section-")),
                "")[:200_000]
    return HttpResponse(mark_safe(to_html(text)) if text.strip() else "", content_type="text/html; charset=utf-8")
