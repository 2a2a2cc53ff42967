"""The report upload of ``POST /api/parse`` and ``/api/check`` in its common shape, read without
Django's multipart parser.

Django's parser (a stream of generators, every part's headers through ``email``) was the largest
cost of the server's own work on an API call: about half of it (bench/serve_overhead.py,
docs/performance.md "The server").  ``uploads`` reads only the shape every client sends — curl,
browsers, Python's requests, Django's test client: one ``file`` part and at most one ``previous``
part, each with a ``Content-Disposition: form-data`` header naming a plain file and at most a bare
``Content-Type``, each part's data ended by CRLF and the boundary, the closing boundary last — and
answers None for anything else (another header, another field, a quoted or encoded name, a name
Django would change, an empty file, a boundary inside the data not preceded by CRLF, a preamble or
an epilogue, a body over the upload limits, other upload handlers), which the caller then hands to
Django's parser as usual.  So every body this reads is one Django reads the same way (held by
``tests/web/test_web_multipart.py`` on 1,500 generated and damaged bodies), and every
other body gets Django's answer: its limits, its errors.
"""

from __future__ import annotations

import re
from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.signals import setting_changed
from django.utils.datastructures import MultiValueDict
from django.utils.http import parse_header_parameters

FIELDS = (b"file", b"previous")
_DEFAULT_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler",
                     "django.core.files.uploadhandler.TemporaryFileUploadHandler"]
# A part's headers, with the CRLF before them and the blank line after, within 1,024 bytes: as
# Django's parser (``MAX_TOTAL_HEADER_SIZE``; it refuses longer ones, so they go to it).
_MAX_HEAD = 1024 - 2
_TOKEN = rb"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*"
_HEAD = re.compile(rb'(?i:content-disposition): form-data; name="(file|previous)"; filename="([^"\\;&/\x00-\x1f\x7f]+)"'
                   rb"(?:\r\n(?i:content-type): (" + _TOKEN + rb"/" + _TOKEN + rb"))?")
_BOUNDARY_CHARS = r"[0-9A-Za-z'()+_,\-./:=?]{1,70}"  # RFC 2046's characters, no space
_BOUNDARY = re.compile(_BOUNDARY_CHARS)
_PLAIN_CONTENT_TYPE = re.compile(r"(?i:multipart/form-data); ?(?i:boundary)=(" + _BOUNDARY_CHARS + ")")


def content_type_of(value: str) -> tuple[str, dict]:
    """A Content-Type header as ``WSGIRequest`` reads it (``parse_header_parameters``); the common
    ``multipart/form-data; boundary=…`` with a plain boundary by one match (7 µs less a call)."""
    plain = _PLAIN_CONTENT_TYPE.fullmatch(value)
    if plain:
        return "multipart/form-data", {"boundary": plain.group(1)}
    return parse_header_parameters(value)


_limit: int | None = None  # the largest body read here (0: none); None: read the settings again


def _body_limit() -> int:
    """The largest body ``uploads`` may read under the upload settings: read once, and again after
    a setting changed (tests' ``override_settings``), not on every request."""
    global _limit
    if _limit is None:
        limit = settings.FILE_UPLOAD_MAX_MEMORY_SIZE
        usable = ((settings.DATA_UPLOAD_MAX_NUMBER_FILES or 2) >= 2
                  and list(settings.FILE_UPLOAD_HANDLERS) == _DEFAULT_HANDLERS)
        _limit = min(limit, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or limit) if usable else 0
    return _limit


def _forget_limit(**kwargs) -> None:
    global _limit
    _limit = None


setting_changed.connect(_forget_limit, dispatch_uid="gongkai-multipart-limits")


def plain_boundary(meta) -> str | None:
    """The boundary of a body that can be in the shape ``uploads`` reads (known before reading it,
    from the request's WSGI environ ``meta``), or None."""
    try:
        length = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    content_type, params = content_type_of(meta.get("CONTENT_TYPE", ""))
    limit = _body_limit()
    boundary = params.get("boundary", "")
    if content_type == "multipart/form-data" and 0 < length <= limit and _BOUNDARY.fullmatch(boundary):
        return boundary
    return None


def uploads(body: bytes, boundary: str) -> MultiValueDict | None:
    """The files of a body in the plain shape, as Django's parser gives them; None for any other body."""
    delim = b"--" + boundary.encode("ascii")
    if not body.startswith(delim + b"\r\n"):
        return None
    files: MultiValueDict = MultiValueDict()
    pos = len(delim) + 2
    while True:
        head_end = body.find(b"\r\n\r\n", pos, pos + _MAX_HEAD)
        head = _HEAD.fullmatch(body, pos, head_end) if head_end >= 0 else None
        if head is None:
            return None
        field, raw_name, content_type = head.groups()
        start = head_end + 4
        end = body.find(delim, start)  # Django's parser also ends the data at the first boundary
        if end - 2 <= start or body[end - 2:end] != b"\r\n" or field.decode() in files:
            return None
        try:
            name = raw_name.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if not name.isprintable() or name in (".", ".."):
            return None  # Django's parser drops or changes such names
        data = body[start:end - 2]
        files.appendlist(field.decode(), InMemoryUploadedFile(
            BytesIO(data), field.decode(), name, (content_type or b"").decode("ascii").lower(), len(data), None, {}))
        pos = end + len(delim)
        if len(body) - pos <= 4 and body[pos:] in (b"--", b"--\r\n"):
            return files if "file" in files else None
        if not body.startswith(b"\r\n", pos) or len(files) == len(FIELDS):
            return None
        pos += 2
