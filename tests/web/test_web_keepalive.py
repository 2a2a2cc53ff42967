"""HTTP/1.1 persistent connections to the API, as ``gongkai serve`` runs waitress: API clients
(requests.Session, httpx.Client, browsers) send many calls on one connection, and most of the
HTTP server's cost is per connection (docs/performance.md "The server").  One connection
carries lean answers (web/front.py), Django's answers and refusals alike, each with its exact
Content-Length; ``Connection: close`` and HTTP/1.0 are honoured; a body over waitress's own limit
is a 413 that closes the connection, so what follows it is never read as the next request."""

from __future__ import annotations

import json
import socket

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT
from gk_web_support import LiveServer, django_env, seed  # noqa: F401 - fixtures

SEED = seed("000").read_bytes()
LIMIT = 256 * 1024  # waitress's max_request_body_size for these tests (gongkai serve: 64 MB)


@pytest.fixture(scope="module")
def server(django_env):
    from gongkai.cli.serve import WAITRESS_OPTIONS

    live = LiveServer(**{**WAITRESS_OPTIONS, "max_request_body_size": LIMIT})
    yield live
    live.close()


@pytest.fixture
def handled_by_django(monkeypatch) -> list[str]:
    """The paths of the calls Django's WSGI handler answered (the others were answered lean)."""
    from django.core.handlers.wsgi import WSGIHandler

    from gongkai.web import siteoptions

    monkeypatch.setattr(siteoptions, "MAX_AGE_SECONDS", 3600)  # not read again during the test (a slow machine)
    siteoptions.current()  # creates the row: a new stamp, read again below
    siteoptions.current()  # as in a server that has answered calls

    seen: list[str] = []
    handle = WSGIHandler.__call__

    def counted(self, environ, start_response):
        seen.append(environ["PATH_INFO"])
        return handle(self, environ, start_response)

    monkeypatch.setattr(WSGIHandler, "__call__", counted)
    return seen


def _part(name: str, data: bytes) -> bytes:
    return (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: text/plain\r\n\r\n").encode() + data + b"\r\n"


GOOD = _part("000.txt", SEED) + f"--{BOUNDARY}--\r\n".encode()
MANY = b"".join(_part(f"{i}.txt", b"x") for i in range(51)) + f"--{BOUNDARY}--\r\n".encode()


def _request(port: int, body: bytes, path: str = "/api/parse", version: str = "HTTP/1.1",
             ctype: str = MULTIPART_CONTENT, **headers: str) -> bytes:
    lines = [f"POST {path} {version}", f"Host: 127.0.0.1:{port}", f"Content-Type: {ctype}",
             f"Content-Length: {len(body)}", *(f"{k.replace('_', '-')}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class Reader:
    """Answers read off one socket, each exactly as long as its Content-Length says."""

    def __init__(self, sock: socket.socket):
        self.sock, self.buf = sock, b""

    def _more(self) -> bool:
        data = self.sock.recv(65536)
        self.buf += data
        return bool(data)

    def answer(self) -> tuple[str, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.buf:
            assert self._more(), f"the connection closed before an answer: {self.buf!r}"
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        status, *lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines)
        length = int(headers["Content-Length"])
        while len(self.buf) < length:
            assert self._more(), "the connection closed inside an answer"
        body, self.buf = self.buf[:length], self.buf[length:]
        return status, headers, body

    def closed(self) -> bool:
        """The server has closed the connection and nothing more was sent."""
        return not self._more() and self.buf == b""


def _connect(server) -> tuple[socket.socket, Reader]:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=60)
    return sock, Reader(sock)


def _expected(check: bool = False) -> bytes:
    from gongkai.web.answer import report_json

    return report_json(SEED, "000.txt", None, check)


def _error(answer) -> tuple[str, str]:
    return answer[0], json.loads(answer[2])["error"]


MANY_FILES = ("HTTP/1.1 413 Request Entity Too Large",
              "上传内容过大或文件过多（单次不超过 20 MB、50 个文件）。")
NO_FILE = ("HTTP/1.1 400 Bad Request", "请用 multipart/form-data 上传一个名为 file 的文件。")


def test_one_connection_carries_lean_answers_djangos_answers_and_refusals(server, handled_by_django):
    sock, read = _connect(server)
    with sock:
        calls = [(GOOD, "/api/parse", {}), (GOOD, "/api/parse", {"Cookie": "theme=dark"}),
                 (b"--" + BOUNDARY.encode() + b"\r\ngarbage", "/api/parse", {}), (MANY, "/api/parse", {}),
                 (GOOD, "/api/check", {}), (GOOD, "/api/parse", {})]
        answers = []
        for body, path, headers in calls:
            sock.sendall(_request(server.port, body, path, **headers))
            answers.append(read.answer())
        parse, check = _expected(), _expected(check=True)
        assert [a[0] for a in answers] == ["HTTP/1.1 200 OK"] * 2 + [NO_FILE[0], MANY_FILES[0]] + ["HTTP/1.1 200 OK"] * 2
        assert [a[2] for a in answers[:2]] + [a[2] for a in answers[4:]] == [parse, parse, check, parse]
        assert _error(answers[2]) == NO_FILE and _error(answers[3]) == MANY_FILES
        assert all("Connection" not in a[1] for a in answers)  # kept open: HTTP/1.1's default
        # the plain good calls were answered lean; the cookie's and the refused ones by Django
        assert handled_by_django == ["/api/parse"] * 3
        sock.sendall(_request(server.port, GOOD))  # still the same connection
        assert read.answer()[2] == parse


def test_pipelined_calls_are_answered_in_order(server):
    sock, read = _connect(server)
    with sock:
        sock.sendall(_request(server.port, GOOD) + _request(server.port, MANY)
                     + _request(server.port, GOOD, "/api/check"))
        answers = [read.answer() for _ in range(3)]
    assert [a[2] for a in (answers[0], answers[2])] == [_expected(), _expected(check=True)]
    assert _error(answers[1]) == MANY_FILES


def test_connection_close_and_http_1_0_are_honoured(server):
    sock, read = _connect(server)
    with sock:
        sock.sendall(_request(server.port, GOOD, Connection="close"))
        status, headers, body = read.answer()
        assert (status, headers["Connection"], body) == ("HTTP/1.1 200 OK", "close", _expected())
        assert read.closed()
    sock, read = _connect(server)
    with sock:
        sock.sendall(_request(server.port, GOOD, version="HTTP/1.0", Connection="keep-alive"))
        status, headers, body = read.answer()
        assert (status, headers["Connection"], body) == ("HTTP/1.0 200 OK", "Keep-Alive", _expected())
        sock.sendall(_request(server.port, GOOD, version="HTTP/1.0"))  # no keep-alive asked: closed after
        status, headers, body = read.answer()
        assert (status, headers["Connection"], body) == ("HTTP/1.0 200 OK", "close", _expected())
        assert read.closed()


def test_a_body_over_the_servers_limit_is_a_413_that_closes_the_connection(server, handled_by_django):
    """waitress refuses it from the headers alone; the rest of the connection (here: a request
    inside the refused body) is never read as a request."""
    sock, read = _connect(server)
    with sock:
        inside = _request(server.port, GOOD)
        sock.sendall(_request(server.port, inside + b"x" * LIMIT)[:-LIMIT])  # headers and a first request-like part
        status, headers, body = read.answer()
        assert (status, headers["Connection"]) == ("HTTP/1.1 413 Request Entity Too Large", "close")
        assert read.closed()
    assert handled_by_django == []  # never reached the application
