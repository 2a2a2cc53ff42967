"""The WSGI application: Django's, with ``POST /api/parse`` and ``/api/check`` from an anonymous
caller answered without the middleware chain and the URL resolver.

A call of these two endpoints is the server's most frequent request, and Django's ten middleware
and its resolver cost more CPU than everything else the server does for it but HTTP itself
(docs/architecture.md "Speed", bench/serve_overhead.py).  ``FrontHandler`` is Django's own
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
- ``CsrfViewMiddleware``: both views are CSRF-exempt and never ask for a token;
- ``MessageMiddleware``: nothing is said with ``messages``;
- ``AxesMiddleware``: only a login attempt can be locked out;
- ``FriendlyErrorsMiddleware``: its answer to an exception is ``errors.exception_response``,
  called here too; its 405 page cannot arise (the method is POST);
- ``XFrameOptionsMiddleware``, ``CommonMiddleware`` (Content-Length), ``SecurityMiddleware``
  (nosniff, referrer and opener policies, HSTS): their ``process_response``, run here in the
  order Django runs them, so the headers are the same, in the same order.

``tests/web/test_web_front.py`` holds both paths to the same status, headers and body for good,
refused and malformed calls; if ``settings.MIDDLEWARE`` changes, the front steps aside (every
request through Django) until this list is looked at again — a test fails to say so.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import DisallowedHost, PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.core.handlers.wsgi import WSGIHandler
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils.cache import patch_vary_headers

from gongkai.web import api, multipart
from gongkai.web.access import anonymous_allowed
from gongkai.web.errors import exception_response

ROUTES = {"/api/parse": False, "/api/check": True}   # path -> check

# The chain the paragraph above was checked against; another one switches the front off.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gongkai.web.auth.ApiTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "gongkai.web.errors.FriendlyErrorsMiddleware",
    "axes.middleware.AxesMiddleware",
]


def _unused(request):  # the middleware below only have their request/response methods called
    raise AssertionError("not a chain")


class FrontHandler(WSGIHandler):
    """``django`` (a loaded ``WSGIHandler``) with plain calls of the report endpoints answered directly."""

    def __init__(self, django: WSGIHandler):
        super(WSGIHandler, self).__init__()  # BaseHandler: no middleware of its own to load
        self.django = django
        self.active = list(settings.MIDDLEWARE) == MIDDLEWARE
        self._security = SecurityMiddleware(_unused)
        self._common = CommonMiddleware(_unused)
        self._xframe = XFrameOptionsMiddleware(_unused)
        # BaseHandler.get_response (URL conf, closers, logging of 4xx/5xx) calls this.
        self._middleware_chain = self._chain

    def _chain(self, request):
        check = ROUTES.get(request.path_info) if self.active else None
        if check is None or not self._plain(request):
            return self.django._middleware_chain(request)
        request.user = AnonymousUser()
        try:
            files = None  # the upload in its common shape, read without Django's multipart parser
            if multipart.plain_shape(request):
                files = multipart.uploads(request.body, request.content_params["boundary"])
            response = api.report_answer(request, check, files)  # files None: request.FILES, Django's parser
        except Exception as exc:  # noqa: BLE001 - answered as Django's chain answers it
            response = exception_response(request, exc) or response_for_exception(request, exc)
        response = self._xframe.process_response(request, response)
        response = self._common.process_response(request, response)
        patch_vary_headers(response, ("Cookie",))  # SessionMiddleware: the access check read the session
        return self._security.process_response(request, response)

    def _plain(self, request) -> bool:
        meta = request.META
        if request.method != "POST" or "HTTP_COOKIE" in meta or "HTTP_AUTHORIZATION" in meta:
            return False
        try:
            if self._security.process_request(request) is not None \
                    or self._common.process_request(request) is not None:
                return False  # a redirect to make: Django's chain makes it
        except (DisallowedHost, PermissionDenied):
            return False  # refused: Django's chain refuses it (its 400/403 and its log)
        return anonymous_allowed()
