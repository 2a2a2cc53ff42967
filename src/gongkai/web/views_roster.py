"""名录: who has published this year's report, on time, with what defects — and who has not.
Supervisors see and keep the roster of their region; administrators every region."""

from __future__ import annotations

from functools import wraps
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gongkai.errors import GongkaiError, shown
from gongkai.web import roster, survey
from gongkai.web.access import profile, role
from gongkai.web.jsonanswer import json_error, json_response
from gongkai.web.methods import answers
from gongkai.web.models import BodyKind, Role, RosterEntry, region_prefix
from gongkai.web.registers import today


def own_region(user) -> str | None:
    """The region prefix a user may see ("" for all), or None when the roster is not theirs."""
    r = role(user)
    if r == Role.ADMIN:
        return ""
    p = profile(user)
    if r == Role.SUPERVISOR and p and p.region_code:
        return region_prefix(p.region_code)
    return None


def roster_view(api: bool = False):
    def deco(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                if api:
                    return json_error("请先登录。", 401)
                return redirect(f"/login/?next={quote(request.get_full_path())}")
            allowed = own_region(request.user)
            if allowed is None:
                message = "名录只对地区监督人员和系统管理员开放。"
                if api:
                    return json_error(message, 403)
                return render(request, "web/error.html", {"message": message}, status=403)
            return view(request, allowed, *args, **kwargs)

        return wrapped

    return deco


def _scope(request, allowed: str) -> tuple[str, int]:
    """The region asked for (within the user's own) and the report year (default: last year)."""
    region = survey.clean_region(request.GET.get("region", allowed))
    if allowed and not region.startswith(allowed):
        raise GongkaiError(f"地区 {region} 不在您监督的地区（{allowed}）内")
    text = request.GET.get("year") or str(today().year - 1)
    if not (text.isdigit() and 1990 <= int(text) <= 2100):
        raise GongkaiError(f"报告年度“{shown(text)}”无效")
    return region, int(text)


STATUS_FILTERS = {"": "全部", "missing": "未公开", "overdue": "逾期未公开", "late": "逾期公开",
                  "errors": "有错误"}


def _filtered(rows, which: str):
    if which == "missing":
        return [r for r in rows if r.missing]
    if which in ("overdue", "late"):
        return [r for r in rows if r.status == which]
    if which == "errors":
        return [r for r in rows if r.counts.get("error")]
    return rows


@answers("GET")
@roster_view()
def roster_page(request, allowed):
    region, year = _scope(request, allowed)
    which = request.GET.get("status", "")
    if which not in STATUS_FILTERS:
        raise GongkaiError(f"状态“{shown(which)}”无效：应为 {'、'.join(k for k in STATUS_FILTERS if k)} 之一")
    rows = roster.status_rows(region, year, today())
    return render(request, "web/roster.html", {
        "region": region, "region_name": survey.region_name(region), "allowed": allowed, "year": year,
        "years": list(range(today().year - 1, today().year - 7, -1)), "rows": _filtered(rows, which),
        "summary": roster.summary(rows), "which": which, "filters": STATUS_FILTERS, "kinds": BodyKind.choices,
        "today": today(), "query": urlencode({"region": region, "year": year}),
    })


def _back(request) -> str:
    return "/roster/?" + urlencode({k: request.POST[k] for k in ("region", "year") if request.POST.get(k)})


@require_POST
@roster_view()
def roster_add(request, allowed):
    try:
        fields = roster.clean_entry(request.POST.get("name", ""), request.POST.get("region_code", ""),
                                    request.POST.get("kind", ""), request.POST.get("aliases", ""),
                                    request.POST.get("note", ""), allowed)
        entry, created = roster.add(fields, request.user.username)
    except GongkaiError as exc:
        messages.error(request, f"未能加入名录：{exc.message}")
        return redirect(_back(request))
    messages.success(request, f"{'已加入名录' if created else '已更新'}：{entry.name}（{entry.region_code}）")
    return redirect(_back(request))


@require_POST
@roster_view()
def roster_import(request, allowed):
    try:
        upload = request.FILES.get("file")
        rows = roster.rows_from_upload(upload) if upload else roster.rows_from_text(request.POST.get("text", ""))
        entries, problems = roster.parse_list(rows, allowed)
    except GongkaiError as exc:
        messages.error(request, f"未能导入名录：{exc}")
        return redirect(_back(request))
    if problems:
        # nothing is imported from a list with mistakes: the clerk fixes the list and imports it again
        messages.error(request, f"名录有 {len(problems)} 处问题，未导入任何一行：")
        for p in problems[:20]:
            messages.error(request, p)
        return redirect(_back(request))
    added = sum(1 for fields in entries if roster.add(fields, request.user.username)[1])
    messages.success(request, f"已导入名录 {len(entries)} 个机关（新增 {added} 个，更新 {len(entries) - added} 个）。")
    return redirect(_back(request))


@require_POST
@roster_view()
def roster_remove(request, allowed, entry_id):
    entry = get_object_or_404(RosterEntry, pk=entry_id)
    if allowed and not entry.region_code.startswith(allowed):
        return render(request, "web/error.html", {"message": "该机关不在您监督的地区内。"}, status=403)
    entry.delete()
    messages.success(request, f"已从名录中移除：{entry.name}")
    return redirect(_back(request))


@answers("GET")
@roster_view()
def roster_export(request, allowed, form):
    region, year = _scope(request, allowed)
    rows = roster.status_rows(region, year, today())
    if form == "csv":
        data, ctype, ext = roster.to_csv(rows), "text/csv; charset=utf-8", "csv"
    elif form == "xlsx":
        data, ctype, ext = (roster.to_xlsx(rows, year),
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
    else:
        raise GongkaiError(f"导出格式应为 csv 或 xlsx，不能是“{form}”")
    resp = HttpResponse(data, content_type=ctype)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{year}年度报告公开情况{region}.{ext}')}"
    return resp


@answers("GET")
@roster_view(api=True)
def roster_api(request, allowed):
    region, year = _scope(request, allowed)
    rows = roster.status_rows(region, year, today())
    return json_response({"year": year, "region": region, "as_of": today().isoformat(), "summary": roster.summary(rows),
                          "bodies": [r.to_dict() for r in rows]})
