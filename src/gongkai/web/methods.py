"""HTTP methods as every page and API call answers them (RFC 9110).

- ``answers(*methods)``: the methods a view takes; where GET is, HEAD too, answered as GET
  (the view runs as for GET; ``ConditionalGetMiddleware`` below drops the body).  Was 405 on
  every page (monitors and link checkers use HEAD).  Any other method is answered 405 with the
  methods it takes — also before the CSRF check (``CsrfViewMiddleware`` below): a session's
  DELETE, which nothing here takes (records are append-only), was told its CSRF token was missing.
- ``ConditionalGetMiddleware``: Django's, for HEAD as for GET (an ETag, and 304 to a client that
  has it: Django's only looks at GET, so HEAD with If-None-Match answered 200), and the one place
  a HEAD answer loses its body — the same status and headers as GET's (Content-Length, ETag), no
  bytes, a stream never run (a server other than waitress may send what the application gives).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpResponseBase
from django.middleware import csrf, http
from django.views.decorators.http import require_http_methods

View = Callable[..., HttpResponseBase]


def answers(*methods: str) -> Callable[[View], View]:
    """``require_http_methods(methods)``, with HEAD wherever GET is, run as GET."""
    taken = [*methods, "HEAD"] if "GET" in methods else list(methods)

    def decorate(view: View) -> View:
        @require_http_methods(taken)
        @functools.wraps(view)
        def answer(request, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method != "HEAD":
                return view(request, *args, **kwargs)
            request.method = "GET"   # what the view and its decorators see; the middleware sees HEAD
            try:
                return view(request, *args, **kwargs)
            finally:
                request.method = "HEAD"

        answer.http_methods = frozenset(taken)  # (read by CsrfViewMiddleware)
        return answer

    return decorate


class CsrfViewMiddleware(csrf.CsrfViewMiddleware):
    """Django's, except for a method the view does not take: its 405 comes first (nothing is done
    either way, and "not taken here" is the answer that helps)."""

    def process_view(self, request, callback, callback_args, callback_kwargs):
        taken = getattr(callback, "http_methods", None)
        if taken is not None and request.method not in taken:
            return None
        return super().process_view(request, callback, callback_args, callback_kwargs)


class ConditionalGetMiddleware(http.ConditionalGetMiddleware):
    def process_response(self, request, response):
        if request.method != "HEAD":
            return super().process_response(request, response)
        request.method = "GET"   # the ETag of GET's bytes, and 304 when the client has them
        try:
            response = super().process_response(request, response)
        finally:
            request.method = "HEAD"
        if response.streaming:
            response.streaming_content = iter(())   # the stream's own close stays registered
        elif response.status_code not in (204, 304):   # (those two never have a body nor its length)
            if not response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response
