"""JSON as the API answers it, and its error answer: one module of their own, below ``access``
(its refusals) and ``errors`` (which cuts a reason for the visitor by ``access``)."""

from __future__ import annotations

from django.http import JsonResponse


def json_response(data, status: int = 200) -> JsonResponse:
    """JSON as the API answers it: UTF-8 text as it is (no \\u escapes), dates and Decimals as text;
    ``Cache-Control: private, no-cache`` (no shared cache keeps a user's data; a client asks again,
    with the ETag ``ConditionalGetMiddleware`` gave it, and gets 304 when nothing changed)."""
    response = JsonResponse(data, status=status, safe=isinstance(data, dict),
                            json_dumps_params={"ensure_ascii": False, "default": str})
    response["Cache-Control"] = "private, no-cache"
    return response


def json_error(message: str, status: int = 400) -> JsonResponse:
    return json_response({"error": message}, status)
