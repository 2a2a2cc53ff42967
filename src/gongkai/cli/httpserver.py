"""waitress as ``gongkai serve`` runs it: waitress's own server, with a channel that does not spin.

waitress (pinned at 3.0.2) runs one loop thread that ``select``s on every connection, and worker
threads that run the application.  A worker writes its answer with ``HTTPChannel.write_soon``,
which — holding the channel's ``outbuf_lock`` — appends the bytes to the out-buffer, adds them to
``total_outbufs_len`` and, since ``send_bytes`` is 1, sends them itself at once.  ``send()``
releases the GIL; the client has the whole answer before the worker takes the GIL back to
subtract what it sent.  A client on a kept-open connection sends its next request at once; the loop
thread wakes to read it and, until the worker runs again, sees a ``total_outbufs_len`` of bytes
already sent: ``writable()`` says yes, ``select`` returns at once (the socket is writable),
``handle_write`` finds a task on the channel and only *tries* the lock the worker still holds, and
the loop goes round again — and, holding the GIL between ``select``s, delays the very worker it
waits for (up to the interpreter's 5 ms switch interval).  Counted under ``gongkai serve``'s app
(docs/architecture.md "Speed" → The server): ~40–110 ``handle_write`` calls a request kept open,
in bursts of 200–500.  A new connection each request rarely meets it (the client closes instead).

``channel_request_lookahead=1`` (``cli/serve.py``) is not the cause and stays: it is how
``waitress.client_disconnected`` sees a client that went away, which stops its read (``isolate``).

``SteadyChannel`` keeps the loop out of that window: while another thread is in ``_flush_some``
(a task sending its answer; the accounting follows the send) ``writable()`` says no and notes it,
and that thread, once its accounting is done, pulls the loop's trigger if the loop passed the
channel over (a flag each side sets before reading the other's: one of them sees the other).  The
loop then looks again — to send what is left, or to read the next request or the client's going
away (``readable()`` too said no while the count was stale).  Otherwise it is waitress's channel,
except that it is not writable while a task runs and has written less than ``send_bytes``, which
``handle_write`` would not send (the task pulls the trigger when it ends; ``send_bytes`` is 1 here).
Looking at the out-buffer's lock instead was tried: a task also holds it while it pulls the trigger
before waiting for the loop to drain the buffer (over the high watermark), so the loop, woken, saw
it held, slept, and the task waited for the loop's 1 s timeout — a slow reader of a large answer
took 4–6 s instead of 0.3 s (tests/web/test_web_httpserver.py).

The loop is also not woken for nothing at a task's end: waitress's ``service`` pulls the trigger
after every task so that the loop looks at the channel again, though on a kept-open connection
whose answer is sent the loop's ``select`` already waits for the client's next request — a second
wake of the loop a request (``select``, the trigger's ``write`` and ``read``, GIL hand-offs: 25 → 16
system calls a request).  The listeners' ``pull_trigger`` (waitress's channels call it, and only
they) asks the channel a worker is serving whether the loop already waits for all it needs
(``loop_is_watching``: the loop's last ``readable()`` was yes, and it still is; nothing to send or
close) and pulls the trigger otherwise.

An answer's header goes out with its body, in one ``send``: waitress's task writes the header
(``write_soon``) and then the body's first bytes, two sends — two TCP segments, the client woken
for the header alone, and on loopback the worker often preempted by that client between the two.
``OneSendTask`` holds the header in the channel (``SteadyChannel._held``) for the first body bytes
of the same ``write`` call; a ``write`` that adds no body (HEAD, 204, 304, an empty answer, a file
wrapper's header) sends the header alone at its end, as before.  The bytes on the wire are the
same, in the same order; nothing is held beyond the ``write`` call, so pipelined answers are not
delayed (which ``send_bytes`` over 1 would do).  A body over ``JOIN_AT_MOST`` is not joined to its
header (waitress copies it twice already; a third copy would cost more than the send it saves).

``tests/web/test_web_httpserver.py`` fails if the waitress code this relies on changes.
"""

from __future__ import annotations

import threading
from typing import Any

from waitress.channel import ClientDisconnected, HTTPChannel
from waitress.server import BaseWSGIServer
from waitress.server import create_server as waitress_server
from waitress.task import WSGITask

JOIN_AT_MOST = 64 * 1024  # a body up to this size is sent with its header


class OneSendTask(WSGITask):
    """waitress's task, whose header is sent with the body's first bytes (the docstring above)."""

    def write(self, data) -> None:
        if self.wrote_header:
            super().write(data)
            return
        channel = self.channel
        channel._held = []  # write_soon keeps the header for the body that follows in this call
        try:
            super().write(data)
        except BaseException:
            channel._held = None
            raise
        held, channel._held = channel._held, None
        if held:  # no body followed (HEAD, 204, 304, nothing yet): the header alone, as waitress sends it
            channel.write_soon(held[0])


class SteadyChannel(HTTPChannel):
    """waitress's channel, not writable while another thread is between a send and its accounting;
    its tasks send an answer's header with its body (``OneSendTask``)."""

    _sending = False  # a thread is in _flush_some (set and read under the GIL: each store is atomic)
    _passed_over = False  # the loop found it so and left the socket out of its select
    _read_watched = False  # the loop's last readable(), called before each select: it waits for this socket's data
    _held: list | None = None  # OneSendTask.write is running: the header, kept for the body
    task_class = OneSendTask

    def write_soon(self, data):  # in a worker thread
        held = self._held
        if held is not None and data:
            if not held:  # the header
                if not self.connected:
                    raise ClientDisconnected
                held.append(data)
                return len(data)
            self._held = None
            if len(data) > JOIN_AT_MOST:
                super().write_soon(held[0])
            else:
                data = held[0] + data
        return super().write_soon(data)

    def readable(self) -> bool:
        self._read_watched = watched = HTTPChannel.readable(self)
        return watched

    def service(self) -> None:  # in a worker thread
        _serving.channel = self
        try:
            super().service()
        finally:
            _serving.channel = None

    def loop_is_watching(self) -> bool:
        """Whether the loop's select already waits for all this channel needs: its next bytes in,
        nothing to send, nothing to close (waitress's readable() says no when closing)."""
        return self._read_watched and HTTPChannel.readable(self) and not self.total_outbufs_len

    def writable(self) -> bool:
        if self.will_close or self.close_when_flushed:
            return True  # handle_write closes (after a last flush)
        if not self.total_outbufs_len:
            return False
        if self.requests and self.total_outbufs_len < self.adj.send_bytes:
            return False  # handle_write would not send; the task pulls the trigger when it ends
        self._passed_over = True  # before reading _sending: the sender reads it after clearing _sending
        if self._sending:
            return False  # the count is stale (sent, not yet subtracted); the sender wakes the loop
        self._passed_over = False
        return True

    def _flush_some(self, do_close: bool = True) -> bool:
        self._sending = True
        try:
            return super()._flush_some(do_close)
        finally:
            self._sending = False
            if self._passed_over:
                self._passed_over = False
                self.server.pull_trigger()


_serving = threading.local()  # the channel a worker thread is serving


def _trigger(server: Any) -> Any:
    """The listener's ``pull_trigger``: not when the channel being served needs no look from the loop."""
    pull = server.trigger.pull_trigger

    def pull_trigger() -> None:
        channel = getattr(_serving, "channel", None)
        if channel is None or not channel.loop_is_watching():
            pull()
    return pull_trigger


def create_server(application: Any, **options: Any) -> Any:
    """``waitress.server.create_server`` with its connections made ``SteadyChannel``s and its
    trigger pulled only when needed (every listening socket's, when a host name gives several)."""
    sockets: dict = {}
    server = waitress_server(application, map=sockets, **options)
    for listener in sockets.values():
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = SteadyChannel
            listener.pull_trigger = _trigger(listener)
    return server
