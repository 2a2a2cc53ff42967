"""A ``gongkai serve`` child process for the smoke pass and the server benchmarks: a free
loopback port, waiting until it answers, and stopping it (terminate, then kill).

Standard library only: ``scripts/smoke.py`` runs it with the Python of a fresh environment that
holds nothing but the installed wheel.  ``smoke.py`` finds it beside itself; the bench scripts
put ``scripts/`` on ``sys.path``.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager


class ServerDidNotStart(RuntimeError):
    """The server exited, or did not answer in time; the message holds what it wrote to stderr
    when that was piped."""


def free_port() -> int:
    """A TCP port free on loopback now (the server binds it a moment later)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(server: subprocess.Popen, url: str, seconds: float = 120) -> None:
    """Return once ``url`` answers (any HTTP status); raise ``ServerDidNotStart`` if the server
    exits or ``seconds`` pass first (the server is then stopped)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                stop(server)
                said = server.stderr.read() if server.stderr is not None else ""
                raise ServerDidNotStart(f"gongkai serve did not start: {said}".strip()) from None
            time.sleep(0.3)


def stop(server: subprocess.Popen, seconds: float = 20) -> None:
    """Stop the server: SIGTERM, then SIGKILL if it has not exited after ``seconds``; reaped."""
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=seconds)


@contextmanager
def serving(env: dict[str, str], seconds: float = 60) -> Iterator[tuple[subprocess.Popen, str]]:
    """``gongkai serve`` on a free loopback port with ``env`` (its site's GONGKAI_* variables),
    run by this Python, as (process, base URL) once its check page answers; stopped at the end.
    ``ServerDidNotStart`` if it does not answer within ``seconds``."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gongkai", "serve", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_up(server, f"{base}/check/", seconds=seconds)
        yield server, base
    finally:
        stop(server, seconds=10)
