from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from gongkai.web import survey
from gongkai.web.access import login_needed, profile, role
from gongkai.web.models import Role, region_prefix


@require_http_methods(["GET"])
@login_needed()
def survey_page(request):
    region = request.GET.get("region")
    if region is None:
        p = profile(request.user)
        region = region_prefix(p.region_code) if role(request.user) == Role.SUPERVISOR and p and p.region_code else ""
    region = "".join(ch for ch in region if ch.isdigit())[:6]
    ctx = survey.page_context(request.GET.get("level", "city"), region)
    if request.GET.get("rollup_year"):
        ctx.update(survey.rollup_context(request.GET["rollup_year"], region))
    return render(request, "web/survey.html", ctx)


@require_http_methods(["GET"])
@login_needed()
def survey_compare(request):
    from django.http import HttpResponse

    resp = HttpResponse(survey.compare_html(request.GET.get("a"), request.GET.get("b")),
                        content_type="text/html; charset=utf-8")
    resp["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return resp
