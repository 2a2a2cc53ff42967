"""The WSGI application: Django's, with ``POST /api/parse`` and ``/api/check`` from an anonymous
caller answered without the middleware chain and the URL resolver.

A call of these two endpoints is the server's most frequent request, and Django's ten middleware
and its resolver cost more CPU than everything else the server does for it but HTTP itself
(docs/performance.md "The server", bench/serve_overhead.py).  ``FrontHandler`` is Django's own
``WSGIHandler`` (request object, signals, WSGI response, error logging: Django's code) whose
middleware chain is replaced by ``_chain``: a plain call is answered by the endpoint itself
(``api.report_answer``; the upload in its common shape read by ``multipart.uploads``, any other
body by Django's parser) and finished by the same middleware methods Django would run on its
response; every other request goes through Django's full chain unchanged.

A call is plain when it is a POST to one of the two paths with no cookie and no
``Authorization`` header, Django's own request checks (``CommonMiddleware``: the host is allowed,
the user agent is not refused; ``SecurityMiddleware``: no HTTPS redirect due) pass, and the site
allows anonymous use.  For such a call the full chain would do nothing more than this:

- ``SessionMiddleware`` and ``AuthenticationMiddleware``: no cookie, so the user is anonymous;
  the view's access check reads the empty session, so the answer varies on ``Cookie``;
- ``ApiTokenMiddleware``: no ``Authorization`` header, nothing to do;
- ``ConditionalGetMiddleware``: ETag and 304 (and HEAD's body dropped) for GET and HEAD only; these are POSTs;
- ``CsrfViewMiddleware`` (``methods.py``): both views are CSRF-exempt and never ask for a token;
- ``MessageMiddleware``: nothing is said with ``messages``;
- ``AxesMiddleware``: only a login attempt can be locked out;
- ``FriendlyErrorsMiddleware``: its answer to an exception is ``errors.exception_response``,
  called here too; its 405 page cannot arise (the method is POST);
- ``XFrameOptionsMiddleware``, ``CommonMiddleware`` (Content-Length), ``SecurityMiddleware``
  (nosniff, referrer and opener policies, HSTS): their ``process_response``, run here in the
  order Django runs them, so the headers are the same, in the same order.

The lean answer.  Most such calls are good uploads answered 200, and for them even Django's
``WSGIRequest``, ``HttpResponse`` and its two signals cost a third of the server's own work
(docs/performance.md "The server").  ``FrontHandler.__call__`` answers them at the WSGI level
(``_lean``) when it can be sure the answer is the one Django's chain gives, byte for byte:

- the request's host, scheme and path facts (the environ keys ``_HOST_KEYS``) have been judged
  once by Django's own request checks above on a real ``WSGIRequest`` (remembered, bounded);
- no user agent is refused by setting (``DISALLOWED_USER_AGENTS`` empty; else every call goes
  the longer way);
- the site options are cached and fresh (``siteoptions.cached``: no database connection is
  opened, so ``request_finished`` — which closes connections — has nothing to do), and the
  signals' receivers are Django's own (``_RECEIVERS``: resetting the query log, closing
  connections and caches, resetting the URL conf — none touched here);
- the body is in the upload's common shape (``multipart``), and the endpoint returns its JSON.

Its status line and headers are those Django's chain gave a 200 JSON answer with the same host
facts (computed once by the same ``process_response`` methods on a real ``HttpResponse``; only
Content-Length differs).  Everything else — another body, an error of any kind (400, 503, 500:
their logging too), a stale option — is answered by Django's handler as above, without reading
or parsing twice: the body read is put back as ``wsgi.input`` and an exception met is handed to
``api.report_answer`` (``raised``), so the status, headers, log and signals are Django's.

``tests/web/test_web_front.py`` holds both paths to the same status, headers and body for good,
refused and malformed calls; if ``settings.MIDDLEWARE`` changes, the front steps aside (every
request through Django) until this list is looked at again — a test fails to say so.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signals
from django.core.exceptions import DisallowedHost, PermissionDenied
from django.core.handlers.exception import convert_exception_to_response, response_for_exception
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.core.signals import setting_changed
from django.http import HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils.cache import patch_vary_headers

from gongkai.web import api, multipart, siteoptions
from gongkai.web.access import anonymous_allowed
from gongkai.web.errors import exception_response

ROUTES = {"/api/parse": False, "/api/check": True}   # path -> check

# The chain the paragraph above was checked against; another one switches the front off.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gongkai.web.methods.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "gongkai.web.methods.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gongkai.web.auth.ApiTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "gongkai.web.errors.FriendlyErrorsMiddleware",
    "axes.middleware.AxesMiddleware",
]


# The environ keys Django's host, scheme and script-name checks read (besides settings).
_HOST_KEYS = ("PATH_INFO", "SCRIPT_NAME", "SCRIPT_URL", "REDIRECT_URL", "HTTP_HOST", "HTTP_X_FORWARDED_HOST",
              "HTTP_X_FORWARDED_PORT", "SERVER_NAME", "SERVER_PORT", "wsgi.url_scheme")
_MAX_VERDICTS = 256  # host facts remembered (a visitor chooses the Host header)
_RAISED = "gongkai.front.raised"  # environ key: the exception the lean answer met, for Django's path
# The request signals' receivers the lean answer was checked against (it skips both signals).
_RECEIVERS = {"django.db.reset_queries", "django.db.close_old_connections", "django.core.cache.close_caches",
              "django.core.handlers.base.reset_urlconf"}


def _receivers() -> tuple | None:
    """The lookup keys of the request signals' receivers, or None if one is not in ``_RECEIVERS``."""
    keys = []
    for signal in (signals.request_started, signals.request_finished):
        for key, ref, *_ in signal.receivers:
            receiver = ref()
            if f"{getattr(receiver, '__module__', '')}.{getattr(receiver, '__qualname__', '')}" not in _RECEIVERS:
                return None
            keys.append(key)
    return tuple(keys)


class _Unreadable:
    """A request body whose reading failed: Django's path meets the same error (its answer, its log)."""

    def __init__(self, exc: OSError):
        self.exc = exc

    def read(self, *args):
        raise self.exc


def _unused(request):  # the middleware below only have their request/response methods called
    raise AssertionError("not a chain")


class FrontHandler(WSGIHandler):
    """``django`` (a loaded ``WSGIHandler``) with plain calls of the report endpoints answered directly."""

    def __init__(self, django: WSGIHandler):
        super(WSGIHandler, self).__init__()  # BaseHandler: no middleware of its own to load
        self.django = django
        self._security = SecurityMiddleware(_unused)
        self._common = CommonMiddleware(_unused)
        self._xframe = XFrameOptionsMiddleware(_unused)
        # BaseHandler.get_response (URL conf, closers, logging of 4xx/5xx) calls this; an exception
        # met outside the endpoint (the site option read by _plain while the database is down) is
        # answered as Django answers one met in a middleware (errors.server_error: a 503, not the
        # WSGI server's bare 500)
        self._middleware_chain = convert_exception_to_response(self._chain)
        self._settled()
        setting_changed.connect(self._settled)  # tests' override_settings

    def _settled(self, **kwargs) -> None:
        """What the settings decide, read again when one changes."""
        self.active = list(settings.MIDDLEWARE) == MIDDLEWARE
        self.lean = self.active and not settings.DISALLOWED_USER_AGENTS
        self._proxy_header = (settings.SECURE_PROXY_SSL_HEADER or (None,))[0]
        self._verdicts: dict[tuple, bool | None] = {}  # host facts -> secure (None: not plain)
        self._ok_headers: dict[bool, tuple[list, int]] = {}  # secure -> a 200's headers, Content-Length's index
        self._receiver_keys: tuple | None = None

    def __call__(self, environ, start_response):
        answer = self._lean(environ) if self.lean else None
        if answer is None:
            return super().__call__(environ, start_response)
        start_response("200 OK", answer[0])
        return [answer[1]]

    def _lean(self, environ) -> tuple[list, bytes] | None:
        """The headers and body of a plain call's 200 answer, or None: Django's handler answers."""
        check = ROUTES.get(environ.get("PATH_INFO"))
        if check is None or environ.get("REQUEST_METHOD") != "POST" \
                or "HTTP_COOKIE" in environ or "HTTP_AUTHORIZATION" in environ:
            return None
        facts = (*map(environ.get, _HOST_KEYS), environ.get(self._proxy_header) if self._proxy_header else None)
        try:
            secure = self._verdicts[facts]
        except KeyError:  # (another thread may clear them: hence no `in` first)
            secure = self._judge(facts, environ)
        ok = self._ok_headers.get(secure) if secure is not None else None  # (None if the settings just changed)
        options = siteoptions.cached()
        if ok is None or options is None or not options.anonymous_api:
            return None
        keys = tuple(key for s in (signals.request_started, signals.request_finished) for key, *_ in s.receivers)
        if keys != self._receiver_keys:
            if _receivers() != keys:
                return None  # a receiver the lean answer does not know: Django's handler sends the signals
            self._receiver_keys = keys
        boundary = multipart.plain_boundary(environ)
        if boundary is None:
            return None
        try:
            body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
        except OSError as exc:
            environ["wsgi.input"] = _Unreadable(exc)
            return None
        environ["wsgi.input"] = io.BytesIO(body)  # read again by Django's path if it answers
        files = multipart.uploads(body, boundary)
        if files is None:
            return None
        try:
            data = api.report_json(files, check, environ.get("waitress.client_disconnected"))
        except Exception as exc:  # noqa: BLE001 - answered by Django's path (api.report_answer)
            environ[_RAISED] = exc
            return None
        headers, length_at = ok
        headers = headers.copy()
        headers[length_at] = ("Content-Length", str(len(data)))
        return headers, data

    def _judge(self, facts: tuple, environ) -> bool | None:
        """Whether a request with these host facts passes Django's request checks (None: it does
        not) and is secure; a 200's headers for it made by the same methods Django runs."""
        request = WSGIRequest(environ)  # the body is not read
        secure = request.is_secure() if self._checks_pass(request) else None
        if secure is not None and secure not in self._ok_headers:
            ok = api.open_to_all(HttpResponse(b"", content_type="application/json"))  # as report_answer's
            headers = list(self._finish(request, ok).items())
            self._ok_headers[secure] = headers, headers.index(("Content-Length", "0"))
        if len(self._verdicts) >= _MAX_VERDICTS:
            self._verdicts.clear()
        self._verdicts[facts] = secure
        return secure

    def _chain(self, request):
        check = ROUTES.get(request.path_info) if self.active else None
        raised = request.META.pop(_RAISED, None)
        if check is None or not self._plain(request):
            return self.django._middleware_chain(request)
        request.user = AnonymousUser()
        try:
            files = None  # the upload in its common shape, read without Django's multipart parser
            boundary = multipart.plain_boundary(request.META) if raised is None else None
            if boundary is not None:
                files = multipart.uploads(request.body, boundary)
            response = api.report_answer(request, check, files, raised)  # files None: Django's parser
        except Exception as exc:  # noqa: BLE001 - answered as Django's chain answers it
            response = exception_response(request, exc) or response_for_exception(request, exc)
        return self._finish(request, response)

    def _finish(self, request, response):
        """What Django's chain does to such an answer on its way out (the docstring's list)."""
        response = self._xframe.process_response(request, response)
        response = self._common.process_response(request, response)
        patch_vary_headers(response, ("Cookie",))  # SessionMiddleware: the access check read the session
        return self._security.process_response(request, response)

    def _checks_pass(self, request) -> bool:
        """Django's own request checks (host allowed, no redirect to make) let this request through."""
        try:
            return self._security.process_request(request) is None and self._common.process_request(request) is None
        except (DisallowedHost, PermissionDenied):
            return False  # refused: Django's chain refuses it (its 400/403 and its log)

    def _plain(self, request) -> bool:
        meta = request.META
        if request.method != "POST" or "HTTP_COOKIE" in meta or "HTTP_AUTHORIZATION" in meta:
            return False
        return self._checks_pass(request) and anonymous_allowed()
