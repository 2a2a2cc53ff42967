"""Bearer tokens for the JSON API.

CSRF choice: the browser pages and the API share Django's session login, and every unsafe
request made with the session cookie must carry the CSRF token (form field or X-CSRFToken
header).  A request that authenticates with ``Authorization: Bearer <token>`` instead is exempt
from the CSRF check, because a browser never attaches that header on its own, so another site
cannot forge it.  ``/api/parse`` and ``/api/check`` are CSRF-exempt as well: they change and
store nothing, so a forged request can do no harm.
"""

from __future__ import annotations

from gongkai.web.jsonanswer import json_error
from gongkai.web.models import ApiToken


class ApiTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header.startswith("Bearer ") and request.path.startswith("/api/"):
            token = header[len("Bearer "):].strip()
            found = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(token)).first()
            if found is None or not found.user.is_active:
                return json_error("API 令牌无效或已停用。", 401)
            request.user = found.user
            request._dont_enforce_csrf_checks = True
        return self.get_response(request)
