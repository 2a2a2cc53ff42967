"""The API's own reading of an upload (web/multipart.py) gives exactly what Django's multipart
parser gives, or nothing (and then Django's parser reads it): on the bodies clients send and on
thousands of generated and damaged ones."""

from __future__ import annotations

import io
import random
import sys

from django.test.client import BOUNDARY, encode_multipart
from gk_web_support import django_env  # noqa: F401 - fixture

NAMES = ["a.txt", "报告 2024.txt", " a.txt ", "a&amp;b.txt", "a/b.txt", "..", ".", "a\u200b.txt", "x" * 300 + ".txt",
         'a"b.txt', "a;b.txt", "a\\b.txt", "<a.txt>", "%41.txt", "a\tb.txt", "Ä.PDF", "a.txt\x00"]
TYPES = [None, "text/plain", "Text/Plain", "application/pdf", "text/plain; charset=utf-8", "bad type"]


def _request(body: bytes, boundary: str):
    from django.core.handlers.wsgi import WSGIRequest

    return WSGIRequest({"REQUEST_METHOD": "POST", "PATH_INFO": "/api/parse", "SCRIPT_NAME": "",
                        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "wsgi.input": io.BytesIO(body),
                        "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}", "CONTENT_LENGTH": str(len(body)),
                        "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr})


def _files(files) -> dict:
    return {field: [(f.name, f.size, f.read(), f.content_type, f.charset, f.content_type_extra)
                    for f in files.getlist(field)] for field in files}


def _both(body: bytes, boundary: str = BOUNDARY):
    """(ours or None, Django's files or the name of its error)."""
    from gongkai.web import multipart

    request = _request(body, boundary)
    ours = multipart.uploads(request.body, boundary) if multipart.plain_boundary(request.META) == boundary else None
    try:
        theirs = _request(body, boundary)
        django = _files(theirs.FILES) if not theirs.POST else ("fields", dict(theirs.POST))
    except Exception as exc:  # noqa: BLE001 - Django's refusal, compared below
        django = type(exc).__name__
    return (None if ours is None else _files(ours)), django


def _part(field: str, name: str, data: bytes, ctype: str | None, case=str) -> bytes:
    head = f'{case("Content-Disposition")}: form-data; name="{field}"; filename="{name}"'
    if ctype is not None:
        head += f"\r\n{case('Content-Type')}: {ctype}"
    return head.encode() + b"\r\n\r\n" + data


def _body(parts: list[bytes], boundary: str = BOUNDARY, epilogue: bytes = b"\r\n") -> bytes:
    delim = f"--{boundary}".encode()
    return delim + b"\r\n" + (b"\r\n" + delim + b"\r\n").join(parts) + b"\r\n" + delim + b"--" + epilogue


def test_the_bodies_clients_send_are_read_as_django_reads_them(django_env):
    from django.core.files.uploadedfile import SimpleUploadedFile

    seed = b"\xef\xbb\xbf2024\xe5\xb9\xb4\r\n" * 300
    bodies = [
        encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("a.txt", seed)}),  # Django's test client
        encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("a.txt", seed),
                                    "previous": SimpleUploadedFile("上年.pdf", b"%PDF-1.7\r\n" + seed)}),
        _body([_part("file", "000_a.txt", seed, "text/plain")], "------------------------d74496d66958873e"),  # curl
        _body([_part("file", "a.docx", seed, None)], "3f2a1b"),  # Python's requests: no Content-Type
        _body([_part("previous", "p.txt", seed, "text/plain"), _part("file", "a.txt", seed, "text/plain")],
              "----WebKitFormBoundary7MA4YWxkTrZu0gW", b""),  # a browser, previous first, no final CRLF
    ]
    for body in bodies:
        boundary = body[2:body.index(b"\r\n")].decode()
        ours, django = _both(body, boundary)
        assert ours == django and ours["file"][0][2] == seed


def test_generated_and_damaged_bodies_are_read_as_django_reads_them_or_left_to_it(django_env):
    rng = random.Random(20261203)
    read = left = 0
    for case in range(1500):
        clean = rng.random() < 0.5  # a body as clients send it, else one with something odd or damaged
        boundary = rng.choice([BOUNDARY, "x", "----b" + "7" * 60, "a'()+_,-./:=?b"])
        delim = f"--{boundary}".encode()
        data = bytes(rng.choice(b"ab\r\n-\x00\xe5") for _ in range(rng.randint(1, 40)))
        if not clean:
            data += rng.choice([b"", delim, b"\r\n" + delim, b"\n" + delim, delim[:-1], b"\r" + delim + b"--"])
            data += bytes(rng.randrange(256) for _ in range(rng.randint(0, 8)))
        fields = rng.choice([["file"], ["file", "previous"], ["previous", "file"]] + ([] if clean else [
            ["file", "file"], ["previous"], ["field"], ["file", "previous", "file"]]))
        name = rng.choice(NAMES[:3] if clean else NAMES)
        if rng.random() < 0.1:  # headers around Django's 1,024-byte bound
            name = "n" * (1024 - 90 + rng.randint(-12, 12)) + ".txt"
        case_of = rng.choice([str, str.lower, str.upper])
        parts = [_part(f, name, data, rng.choice(TYPES[:4] if clean else TYPES), case_of) for f in fields]
        body = _body(parts, boundary, rng.choice([b"\r\n", b""] if clean else [b"\r\nepilogue", b"--\r\n"]))
        if not clean:
            if rng.random() < 0.3:
                body = rng.choice([b"preamble\r\n", b"\r\n"]) + body
            for _ in range(rng.choice([0, 1, 2])):  # damage: a byte changed, removed or added
                at = rng.randrange(len(body))
                body = body[:at] + rng.choice([b"", bytes([rng.randrange(256)]), b"\r\n"]) + body[at + rng.randint(0, 1):]
        ours, django = _both(body, boundary)
        if ours is None:
            left += 1
        else:
            read += 1
            assert ours == django, (case, body[:300])
    assert read > 500 and left > 500  # both sides of the line were tried


def test_a_body_over_the_upload_limits_is_left_to_django(django_env):
    from django.test import override_settings

    from gongkai.web import multipart

    body = _body([_part("file", "a.txt", b"x" * 5000, "text/plain")])
    assert multipart.plain_boundary(_request(body, BOUNDARY).META) == BOUNDARY
    for changed in ({"FILE_UPLOAD_MAX_MEMORY_SIZE": 4000}, {"DATA_UPLOAD_MAX_MEMORY_SIZE": 4000},
                    {"FILE_UPLOAD_HANDLERS": ["django.core.files.uploadhandler.TemporaryFileUploadHandler"]}):
        with override_settings(**changed):
            assert multipart.plain_boundary(_request(body, BOUNDARY).META) is None, changed


def test_the_content_type_is_read_as_django_reads_it():
    """The common ``multipart/form-data; boundary=…`` is matched at once; every header, matched or
    not, gives what Django's ``parse_header_parameters`` gives."""
    from django.utils.http import parse_header_parameters

    from gongkai.web.multipart import _PLAIN_CONTENT_TYPE, content_type_of

    values = [f"{kind};{space}{key}={boundary}{tail}"
              for kind in ("multipart/form-data", "Multipart/Form-Data", "multipart/mixed", "text/plain")
              for space in ("", " ", "  ")
              for key in ("boundary", "Boundary", "boundary*", "charset")
              for boundary in ("------------------------d74496d66958873e", "----WebKitFormBoundary7MA4YWxkTrZu0gW",
                               "a=b'c(d)+e_f,g-h.i/j:k?l", '"quoted"', "x" * 70, "x" * 71, "", "a b", "é")
              for tail in ("", " ", "; charset=utf-8", ";")]
    matched = [v for v in values if _PLAIN_CONTENT_TYPE.fullmatch(v)]
    assert len(matched) == 2 * 2 * 2 * 4 and len(values) - len(matched) > 1500
    for value in values:
        assert content_type_of(value) == parse_header_parameters(value), value
