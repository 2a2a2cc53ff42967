"""The tests' live server stops cleanly: its sockets are closed by waitress's own loop, so the
loop never polls a socket another thread closed (EBADF in the daemon thread, seen intermittently
as PytestUnhandledThreadExceptionWarning in test_password_spraying_from_one_address_is_stopped)."""

from __future__ import annotations

import threading
import urllib.request

from gk_web_support import LiveServer


def _hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def test_closing_while_the_loop_is_about_to_poll_leaves_no_error_in_its_thread(monkeypatch):
    from waitress import wasyncore

    # Widen the race's window so that it is hit every time: the loop has listed its sockets and
    # waits a moment before select() while the test thread closes the server.
    listed, real_select = threading.Event(), wasyncore.select.select

    def slow_select(r, w, e, timeout=None):
        listed.set()
        threading.Event().wait(0.05)
        return real_select(r, w, e, timeout)

    monkeypatch.setattr(wasyncore.select, "select", slow_select)
    errors: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: errors.append(args.exc_value))
    for _ in range(5):
        server = LiveServer(_hello)
        with urllib.request.urlopen(server.url, timeout=30) as answer:
            assert answer.read() == b"ok"
        listed.clear()
        assert listed.wait(30)
        server.close()
        server.thread.join(30)
        assert errors == []  # before: [OSError(9, 'Bad file descriptor')] from select() in the loop's thread
        assert not server.thread.is_alive() and server.server._map == {}
