"""汇总: the corpus of published reports, filtered by region; a stored report's findings;
uploading reports into the corpus (supervisors and administrators)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from gongkai.errors import GongkaiError
from gongkai.web import survey
from gongkai.web.access import login_needed, profile, role, sees_server_paths, shown_to
from gongkai.web.methods import answers
from gongkai.web.models import Role, region_prefix
from gongkai.web.reportview import client_gone


def default_region(request) -> str:
    """A supervisor's page starts at its own region; others see everything."""
    p = profile(request.user)
    return region_prefix(p.region_code) if role(request.user) == Role.SUPERVISOR and p and p.region_code else ""


def can_add_to_corpus(user) -> bool:
    return role(user) in (Role.SUPERVISOR, Role.ADMIN)


@answers("GET")
@login_needed()
def survey_page(request):
    region = request.GET.get("region")
    region = survey.clean_region(default_region(request) if region is None else region)
    ctx = survey.page_context(request.GET.get("level"), region, request.GET.get("body"), sees_server_paths(request.user))
    if request.GET.get("rollup_year"):
        ctx.update(survey.rollup_context(request.GET["rollup_year"], region))
    ctx["can_upload"] = can_add_to_corpus(request.user)
    return render(request, "web/survey.html", ctx)


@answers("GET")
@login_needed()
def survey_report(request, doc_id):
    return render(request, "web/survey_report.html", survey.report_context(doc_id, sees_server_paths(request.user)))


@require_POST
@login_needed()
def survey_upload(request):
    if not can_add_to_corpus(request.user):
        return render(request, "web/error.html", {"message": "只有地区监督人员和系统管理员可以向语料库导入报告。"},
                      status=403)
    region = survey.clean_region(request.POST.get("region"))
    back = "/survey/?" + urlencode({"region": region})
    try:
        summary, refused, stored = survey.ingest_uploads(request.FILES.getlist("file"), request.user.username,
                                                         client_gone(request))
    except GongkaiError as exc:
        messages.error(request, f"未能导入：{shown_to(request.user, str(exc))}")
        return redirect(back)
    for why in refused:
        messages.error(request, f"未能导入：{shown_to(request.user, why)}")
    text = f"已导入语料库：新增 {summary.added} 份，更新 {summary.updated} 份"
    if summary.unchanged:
        text += f"，{summary.unchanged} 份已在库中"
    if summary.failed:
        text += f"，{len(summary.failed)} 个文件未能读取（见下）"
    messages.success(request, text + "。")
    if years := survey.other_years(stored):
        messages.warning(request, years)
    if other := survey.elsewhere(stored, region):
        messages.warning(request, format_html('其中不在地区 {} 的报告本页不列出：{}。<a href="/survey/?region=">看全部地区</a>',
                                              region, other))
    for path, reason in summary.failed:
        messages.error(request, f"{path.rsplit('/', 1)[-1]}：未能读取（{shown_to(request.user, reason)}）")
    return redirect(back)


@answers("GET")
@login_needed()
def survey_compare(request):
    resp = HttpResponse(survey.compare_html(request.GET.get("a"), request.GET.get("b")),
                        content_type="text/html; charset=utf-8")
    resp["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return resp
