"""Roles and access: every page and API view asks here before touching a body's data.

- clerk (机关经办人): reads and writes its own body's register and reports;
- supervisor (地区监督人员): reads every body in its region (region code prefix), writes nothing,
  and never sees applicants' personal data;
- administrator (系统管理员, or a Django superuser): reads and writes every body, but like a
  supervisor sees applicants' personal data masked — that data belongs to the body.
"""

from __future__ import annotations

from functools import cache, wraps

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect, render

from gongkai.web import siteoptions
from gongkai.web.models import Body, Role, UserProfile, region_prefix

NAV = [("check", "检查", "/check/"), ("draft", "编制", "/draft/"), ("register", "台账", "/register/"),
       ("survey", "汇总", "/survey/"), ("roster", "名录", "/roster/")]
ROSTER_ROLES = ("supervisor", "admin")   # the roster of a region: Role.SUPERVISOR and Role.ADMIN


def profile(user) -> UserProfile | None:
    if not user.is_authenticated:
        return None
    try:
        return user.profile
    except UserProfile.DoesNotExist:
        return None


def role(user) -> str | None:
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.ADMIN  # type: ignore[return-value]  # a str: TextChoices (django-stubs not installed)
    p = profile(user)
    return p.role if p else None


def readable_bodies(user):
    r = role(user)
    if r == Role.ADMIN:
        return Body.objects.all()
    p = profile(user)
    if p is not None and r == Role.SUPERVISOR and p.region_code:
        return Body.objects.filter(region_code__startswith=region_prefix(p.region_code))
    if p is not None and r == Role.CLERK and p.body_id:
        return Body.objects.filter(pk=p.body_id)
    return Body.objects.none()


def can_read(user, body: Body) -> bool:
    return readable_bodies(user).filter(pk=body.pk).exists()


def can_write(user, body: Body) -> bool:
    r = role(user)
    if r == Role.ADMIN:
        return True
    p = profile(user)
    return r == Role.CLERK and p is not None and p.body_id == body.pk


def sees_personal_data(user, body: Body) -> bool:
    """Applicants' names, ID numbers and contact details: only the body's own clerks."""
    p = profile(user)
    return role(user) == Role.CLERK and p is not None and p.body_id == body.pk


def sees_server_paths(user) -> bool:
    """Where on the server a corpus file was read (its folders): only the administrator, who runs
    the server; others see the file's name and digest (``corpus.sources.as_given``)."""
    return role(user) == Role.ADMIN


def shown_to(user, text: str) -> str:
    """A reason (a read's failure, a refused file, an error) as ``user`` may see it: whole for the
    administrator, with every server path cut to the file's name for anyone else
    (``errors.without_folders``: a LibreOffice or OCR error names a temporary folder or the
    installed packages, a corpus failure the data folder).  ``user`` None: a request refused
    before it had one."""
    return text if user is not None and sees_server_paths(user) else without_server_folders(text)


def without_server_folders(text: str) -> str:
    """``text`` with every path on the server cut to its last part (``errors.without_folders``),
    the site's own pages kept whole (``is_site_path``)."""
    from django.conf import settings

    from gongkai.errors import without_folders

    home = str(settings.HOME)
    return without_folders(text, home, keep=lambda path: is_site_path(path, home))


@cache
def _site_tops() -> frozenset[str]:
    from django.urls import get_resolver

    return frozenset(str(p.pattern).lstrip("^").split("/")[0] for p in get_resolver().url_patterns) - {""}


def is_site_path(path: str, home: str = "") -> bool:
    """Whether ``path`` names a page of this site rather than a file on the server: it starts
    with a first part of the site's paths (/check/, /register/…) and is a page of the site, or
    names no folder there is on the server.  Asked only where that first part is also a folder
    at "/" (a server keeping its checkouts in /check).  A path under the site's data folder
    ``home``, or under a folder below the top one that is there, is the server's even when its
    own folder is gone (an upload's folder removed once read)."""
    import os.path

    from django.urls import Resolver404, resolve

    if path.strip("/").split("/")[0] not in _site_tops():
        return False
    try:
        resolve(path)
        return True
    except Resolver404:
        pass
    if home.startswith("/") and path.startswith(home.rstrip("/") + "/"):
        return False
    folder = os.path.dirname(path)
    if os.path.lexists(folder):
        return False
    while folder.count("/") > 1:  # the folders above, down to (not) the top one, which may be the site's name
        folder = os.path.dirname(folder)
        if folder.count("/") > 1 and os.path.lexists(folder):
            return False
    return True


def anonymous_allowed() -> bool:
    return siteoptions.current().anonymous_api


def nav_context(request: HttpRequest) -> dict:
    # An error page for a request refused before AuthenticationMiddleware ran (a Host header not
    # this site's: Django's 400) has no request.user: render it as for a visitor not signed in.
    user = getattr(request, "user", None) or AnonymousUser()
    nav = [n for n in NAV if n[0] != "roster" or role(user) in ROSTER_ROLES]
    return {"nav": nav, "user_role": role(user), "user_role_label": dict(Role.choices).get(role(user), ""),
            "user_profile": profile(user)}


# -- decorators --------------------------------------------------------------------------
def _denied(request, api: bool, status: int, message: str):
    if api:
        from gongkai.web.jsonanswer import json_error

        return json_error(message, status)
    if status == 401:
        return redirect(f"/login/?next={request.get_full_path()}")
    return render(request, "web/error.html", {"message": message}, status=status)


def body_view(write: bool = False, api: bool = False):
    """Resolve ``body_id`` to a Body the user may read (or write) or answer 401/403/404."""

    def deco(view):
        @wraps(view)
        def wrapped(request, body_id: int, *args, **kwargs):
            if not request.user.is_authenticated:
                return _denied(request, api, 401, "请先登录。")
            try:
                body = get_object_or_404(Body, pk=body_id)
            except Http404:
                return _denied(request, api, 404, "没有这个机关。")
            if not can_read(request.user, body):
                return _denied(request, api, 403, "您无权查看该机关的数据。")
            if write and request.method not in ("GET", "HEAD") and not can_write(request.user, body):
                return _denied(request, api, 403, "您无权修改该机关的数据（只读）。")
            return view(request, body, *args, **kwargs)

        return wrapped

    return deco


def login_or_anonymous(api: bool = False):
    """Open to everyone while the site option allows it; otherwise a signed-in user."""

    def deco(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated and not anonymous_allowed():
                return _denied(request, api, 401, "管理员已关闭匿名使用，请先登录。")
            return view(request, *args, **kwargs)

        return wrapped

    return deco


def login_needed(api: bool = False):
    def deco(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return _denied(request, api, 401, "请先登录。")
            return view(request, *args, **kwargs)

        return wrapped

    return deco
