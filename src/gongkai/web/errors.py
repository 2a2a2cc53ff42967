"""Never a traceback page: a user's bad input becomes a Chinese message (400), anything else a
Chinese 500 page that says what to report.  API paths answer JSON."""

from __future__ import annotations

import logging
import sys

from django.core.exceptions import (
    DisallowedHost,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import DatabaseError as DjangoDatabaseError
from django.http import Http404, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.functional import empty

from gongkai.errors import GongkaiError, NotFound
from gongkai.isolate import Busy
from gongkai.web import dbgone
from gongkai.web.jsonanswer import json_error

log = logging.getLogger("django.request")

# Every 503 (a database restarting, every read child busy) tells a client when to try again.
RETRY_AFTER_SECONDS = 10


def respond(request, status: int, message: str):
    from gongkai.web.access import shown_to

    message = shown_to(getattr(request, "user", None), message)   # the server's folders: the administrator's
    if request.path.startswith("/api/"):
        response = json_error(message, status)
    else:
        response = render(request, "web/error.html", {"message": message}, status=status)
    return _retry_later(response)


def _retry_later(response):
    if response.status_code == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class FriendlyErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            allowed = response.get("Allow", "")
            fixed = respond(request, 405, f"不支持此请求方法（{request.method}）；可用：{allowed}。")
            fixed["Allow"] = allowed
            return fixed
        return response

    def process_exception(self, request, exc):
        return exception_response(request, exc)


def exception_response(request, exc: Exception):
    """The answer to an exception raised while answering ``request``: a Chinese message with its
    status, or None (DEBUG) to let Django show its own page.  One function for the middleware
    above and for the API's front handler (``web/front.py``)."""
    from django.conf import settings

    if isinstance(exc, Busy):  # every read child busy for minutes: try again later
        return respond(request, 503, str(exc))
    if (lost := _unavailable(request, exc)) is not None:
        return lost
    if isinstance(exc, NotFound):  # an unknown register reference
        return respond(request, 404, str(exc))
    if isinstance(exc, GongkaiError):
        return respond(request, 400, str(exc))
    if isinstance(exc, Http404):       # a view's own "not found" keeps its Chinese reason
        return respond(request, 404, str(exc) or "没有找到该页面。")
    if isinstance(exc, (RequestDataTooBig, TooManyFilesSent)):
        return respond(request, 413, f"上传内容过大或文件过多（单次不超过 {settings.MAX_UPLOAD_MB} MB、"
                                     f"{settings.DATA_UPLOAD_MAX_NUMBER_FILES} 个文件）。")
    if isinstance(exc, TooManyFieldsSent):  # was a 500 naming the exception
        return respond(request, 413, f"表单字段过多（单次不超过 {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} 个）。")
    if isinstance(exc, SuspiciousOperation):  # what Django itself answers with a 400
        return respond(request, 400, "请求无效。")
    if isinstance(exc, MultiPartParserError):  # a damaged upload is the sender's fault, not a server error
        return respond(request, 400, "上传内容无效：不是完整有效的 multipart/form-data 表单（分隔符、段落标头或编码有误）。")
    if settings.DEBUG:
        return None
    log.exception("内部错误：%s", request.path)
    return respond(request, 500, f"服务器内部错误（{type(exc).__name__}）。请把操作步骤和所用文件报告给管理员。")


def _unavailable(request, exc: Exception):
    """A 503 for a database that cannot be reached now (web/dbgone.py): a register's (gongkai.db)
    or the site's own (Django's: PostgreSQL down or restarting, SQLite held by another process);
    None for any other exception."""
    what = dbgone.kind(exc)
    if what is None:
        return None
    if what == "register":   # the site's own database works: the page still names who is signed in
        return respond(request, 503, str(exc))
    log.warning("网页应用数据库暂时无法使用：%s（%s）", request.path, " ".join(str(exc).split())[:200])
    if what == "locked":
        from django.conf import settings

        wait = settings.DATABASES["default"].get("OPTIONS", {}).get("timeout", 5)
        reason = f"网页应用的数据库正被其他程序占用，等了 {wait} 秒仍未释放"
    else:
        reason = "暂时无法连接网页应用的数据库（可能正在重新启动）"
    if request.method in ("GET", "HEAD"):
        return _without_database(request, f"{reason}：请稍后重试。")
    # the register may have kept the step before the site's database went away: the clerk looks first
    return _without_database(request, f"{reason}。刚才提交的内容可能已经保存，也可能没有："
                                      "请稍后刷新查看，确认没有保存再重新提交。")


def _without_database(request, message: str):
    """``respond(request, 503, message)`` made without asking the database anything — it is the
    database that failed: the signed-in user (a lazy look-up of the session), their role and body
    (the page's heading) and the session's messages are not read; the heading names no one (a
    signed-in clerk offered 登录 would think the session lost), the message has the server's
    folders cut unless the user was already known."""
    from gongkai.web.access import shown_to

    user = getattr(request, "user", None)
    known = getattr(user, "_wrapped", user)          # AuthenticationMiddleware's lazy user, if not looked up
    try:
        message = shown_to(None if known is empty else known, message)
    except DjangoDatabaseError:                     # the user's role is the database's too
        message = shown_to(None, message)
    if request.path.startswith("/api/"):
        return _retry_later(json_error(message, 503))
    page = render_to_string("web/error.html", {"message": message, "request": request,  # no context processors
                                               "database_gone": True})   # nor who is signed in (base.html)
    return _retry_later(HttpResponse(page, status=503))


def bad_request(request, exception=None):
    if isinstance(exception, DisallowedHost):  # a Host header not this site's (or none, as HTTP/1.0 may send)
        return respond(request, 400, "请求无效：请求中的主机名（Host）不是本站的地址。"
                                     "请用本站的网址访问；管理员可在 GONGKAI_WEB_HOSTS 中加入其他主机名。")
    return respond(request, 400, "请求无效。")


def permission_denied(request, exception=None):
    message = "请求被拒绝：页面已过期或缺少安全令牌（CSRF），请刷新页面后重试。" \
        if "CSRF" in str(exception or "") else "您无权执行此操作。"
    return respond(request, 403, message)


def csrf_failure(request, reason=""):
    # Without a session there is nothing to forge: an anonymous script calling the API is told
    # to sign in (401), as it would be once past the CSRF check, not that a token is missing.
    if request.path.startswith("/api/") and not request.user.is_authenticated:
        return respond(request, 401, "请先登录（会话）或使用 API 令牌（Authorization: Bearer …）。")
    if request.path.startswith("/api/"):  # a client's program: what is missing, and the way without it
        return respond(request, 403, f"请求被拒绝（CSRF 检查）：{_csrf_reason(reason)}。用会话（Cookie）登录调用 API 时，"
                                     "修改类请求（POST、PUT）须在请求头 X-CSRFToken 中带上 CSRF 令牌"
                                     "（Cookie csrftoken 的值）；用 API 令牌（Authorization: Bearer …）调用则不需要。")
    return respond(request, 403, "请求被拒绝：页面已过期或缺少安全令牌（CSRF），请刷新页面后重试。")


def _csrf_reason(reason: str) -> str:
    """Django's reason for a failed CSRF check (``django.middleware.csrf.REASON_*``), in Chinese."""
    if reason.startswith("Origin checking failed"):
        return "请求来源（Origin 请求头）不是本站的地址"
    if reason.startswith("Referer checking failed"):
        return "HTTPS 请求缺少 Referer 请求头，或其地址不是本站"
    if reason.startswith("CSRF cookie"):
        return "请求没有带 Cookie csrftoken"
    if "missing" in reason:
        return "请求头 X-CSRFToken（或表单字段 csrfmiddlewaretoken）缺少 CSRF 令牌"
    return "CSRF 令牌无效或与 Cookie csrftoken 不符"


def not_found(request, exception=None):
    return respond(request, 404, "没有找到该页面。")


def server_error(request):
    # (Django calls this inside its except clause: an exception raised in a middleware — the API
    # token's look-up while PostgreSQL restarts — reaches here, not process_exception)
    exc = sys.exc_info()[1]
    if isinstance(exc, Exception) and (lost := _unavailable(request, exc)) is not None:
        return lost
    return respond(request, 500, "服务器内部错误，请把操作步骤报告给管理员。")
