"""编制: write a report in the browser and download it as DOCX, PDF or HTML."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gongkai.errors import GongkaiError
from gongkai.render import FORMS
from gongkai.web import drafts, sizes
from gongkai.web.access import body_view, can_write, login_needed, readable_bodies, shown_to
from gongkai.web.methods import answers
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
    refused: list[str] = []
    try:
        if upload:
            from gongkai.web.reportview import load_upload

            previous = load_upload(upload, request)
            refused = drafts.previous_problems(body, request.POST.get("year"), previous, upload.name)
            if refused:  # another body's or year's figures are not this draft's: not carried
                previous, upload = None, None
        draft, taken, warnings = drafts.create(body, request.POST.get("year"), request.POST.get("format", "2021"),
                                               request.user.username, prefill=True, previous=previous,
                                               previous_name=upload.name if upload else "")
    except GongkaiError as exc:
        messages.error(request, f"未能新建：{shown_to(request.user, str(exc))}")
        return redirect("/draft/")
    origins = draft.sources.get("origins", {})
    found = [f"上年报告（{origins['previous']}）带入上年结转等数据" if "previous" in origins else "",
             *taken]
    found = [f for f in found if f]
    messages.success(request, f"已新建 {body.name} {draft.year}年度报告" +
                     (f"：{'；'.join(found)}。" if found else "：没有上年报告和台账数据，统计表各格空白，请逐项填写。"))
    for warning in warnings:   # each its own message: a 上年结转 to verify, rows left blank and why
        messages.warning(request, warning if warning.endswith("。") else f"{warning}。")
    for problem in refused:
        messages.error(request, problem)
    return redirect(f"/draft/{body.pk}/{draft.year}/")


@answers("GET", "POST")
@body_view(write=True)
def draft_edit(request, body, year):
    draft = drafts.get(body, year)
    invalid: dict = {}
    if request.method == "POST":
        invalid, errors = drafts.save_form(draft, request.POST, request.user.username)
        if not invalid and not errors:
            messages.success(request, "已保存。")
            return redirect(f"/draft/{body.pk}/{draft.year}/")
        # shown on this page, with the text typed still in its cell, rather than lost in a redirect
        messages.error(request, "其他内容已保存；以下单元格不是有效的数字，未保存：" if invalid else "其他内容已保存。")
        for e in errors:
            messages.error(request, e)
    return render(request, "web/draft_edit.html", edit_context(request, body, draft, invalid),
                  status=400 if invalid else 200)


def edit_context(request, body, draft, invalid: dict) -> dict:
    from gongkai.check import why_blocked
    from gongkai.check.catalogue import data as catalogue

    report = drafts.report_of(draft)
    findings = drafts.findings_of(draft)
    names = catalogue()["severities"]
    origins = draft.sources.get("origins", {})
    from gongkai.web.registers import open_register

    return {
        "body": body, "draft": draft, "report": report,
        "drift": drafts.register_drift(draft, open_register(body)), "log_drift": drafts.log_drift(draft),
        "grid": drafts.grid(report, draft.format, draft.sources, invalid),
        "identities": [{**i, "left": " ".join(i["left"]), "right": " ".join(i["right"])}
                       for i in drafts.identities(draft.format)],
        "findings": [{"severity": f.severity, "label": names[f.severity], "rule": f.rule, "message": f.message,
                      "cell": next(iter(f.cells), "")} for f in findings],
        "blocked": (blocked := why_blocked(report, findings)),
        # in the declared order: PostgreSQL's jsonb keeps an object's keys in its own order, not as saved
        "origins": [(kind, label, origins[kind]) for kind, label in drafts.SOURCE_KINDS.items() if kind in origins],
        "writable": can_write(request.user, body),
        # each export's size beside its link, where known (web/sizes.py): none while export is refused
        "forms": {form: None if blocked else _export_size(draft, form) for form in FORMS},
    }


def _export_key(draft, form: str) -> str:
    return sizes.fingerprint("draft", draft.data, draft.format, form)


def _export_size(draft, form: str) -> int | None:
    """The size of the draft's export in ``form``: made now if cheap (DOCX, HTML, Markdown:
    tens of ms), a PDF's once it has been made (LibreOffice takes seconds)."""
    key = _export_key(draft, form)
    if form == "pdf":
        return sizes.known(key)
    return sizes.made_for_size(key, lambda: drafts.build(draft, form)[1])


@answers("GET")
@body_view()
def draft_preview(request, body, year):
    from gongkai.render.html import render_html

    resp = HttpResponse(render_html(drafts.report_of(drafts.get(body, year))), content_type="text/html; charset=utf-8")
    # The preview is our own rendering, shown in a sandboxed frame; it may load nothing.
    resp["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return resp


@answers("GET")
@body_view()
def draft_download(request, body, year, form):
    try:
        draft = drafts.get(body, year)
        name, data, ctype = drafts.build(draft, form)
    except drafts.NotReady as exc:
        messages.error(request, exc.message)
        return redirect(f"/draft/{body.pk}/{int(year)}/")
    sizes.remember(_export_key(draft, form), data)
    resp = HttpResponse(data, content_type=ctype)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return resp


@require_POST
@body_view(write=True)
def draft_from_register(request, body, year):
    from gongkai.web.registers import open_register

    draft = drafts.get(body, year)
    try:
        said = drafts.fill_table3_from_register(draft, open_register(body), request.user.username)
        messages.success(request, said[0])
        for note in said[1:]:
            messages.warning(request, note)
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
