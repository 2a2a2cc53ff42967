"""waitress as ``gongkai serve`` runs it (cli/httpserver.py): a kept-open connection costs its loop
no spin, while answers of every size still reach fast and slow readers whole, pipelined requests
are answered in order, and a client that goes away still stops its read in the child."""

from __future__ import annotations

import hashlib
import http.client
import inspect
import itertools
import socket
import threading
import time
import types

import pytest
from gk_web_support import LiveServer
from waitress import channel

from gongkai import isolate
from gongkai.cli.httpserver import SteadyChannel
from gongkai.cli.serve import WAITRESS_OPTIONS

# What cli/httpserver.py's reasoning rests on: when waitress's channel sends, closes, reads and pulls
# the loop's trigger; that the loop asks readable() of each channel before each select; how a
# listener makes its channels and pulls the trigger.  If waitress changes them, read the reasoning
# again against the new code.
RELIED_ON = {"HTTPChannel.writable": "d0cbd4ae1b3ba2a3", "HTTPChannel.handle_write": "6c900f395b306f09",
             "HTTPChannel.readable": "e4722238ce60c915",
             "HTTPChannel._flush_some_if_lockable": "51e124355e631f49", "HTTPChannel._flush_some": "fe7a9a752a419402",
             "HTTPChannel.write_soon": "20eedb92a8237c47",
             "HTTPChannel._flush_outbufs_below_high_watermark": "27a2b75117abd0d7",
             "HTTPChannel.service": "f73afa13748e1128", "wasyncore.poll": "526c57a46ca9c6ba",
             "wasyncore.poll2": "f2ea2bd150ff2600", "BaseWSGIServer.pull_trigger": "bf12fa7216edc247",
             "BaseWSGIServer.handle_accept": "69bfcf0fc140592a", "Task.write": "f9a97135b3b5d691",
             # slow senders and Chinese refusals: how a channel takes bytes in, how the listener
             # closes idle channels and stops accepting at its limit, how a refusal is answered
             "HTTPChannel.received": "08d6df73fb69da84", "BaseWSGIServer.maintenance": "4ab5b7f595bc4253",
             "BaseWSGIServer.readable": "4eea9c1036b55b41", "ErrorTask.execute": "4abe3262db04d291"}
# LiveServer runs the loop with a 120 s select timeout: a wake-up the loop missed fails a test instead
# of costing a second unseen (with a lock-based first try of SteadyChannel, the slow reader's test hung).


def test_the_waitress_code_the_channel_relies_on_is_unchanged():
    from waitress import server, task, wasyncore

    where = {"HTTPChannel": channel.HTTPChannel, "wasyncore": wasyncore, "BaseWSGIServer": server.BaseWSGIServer,
             "Task": task.Task, "ErrorTask": task.ErrorTask}
    got = {}
    for name in RELIED_ON:
        owner, attr = name.split(".")
        got[name] = hashlib.sha256(inspect.getsource(getattr(where[owner], attr)).encode()).hexdigest()[:16]
    assert got == RELIED_ON


def _channel(requests: int, total: int, send_bytes: int, will_close: bool, close_when_flushed: bool):
    ch = SteadyChannel.__new__(SteadyChannel)
    ch.adj = types.SimpleNamespace(send_bytes=send_bytes, outbuf_high_watermark=1 << 24)
    ch.outbuf_lock = threading.Condition()
    ch.requests = [object()] * requests
    ch.total_outbufs_len, ch.will_close, ch.close_when_flushed = total, will_close, close_when_flushed
    ch.server = types.SimpleNamespace(pulled=0)
    ch.server.pull_trigger = lambda: setattr(ch.server, "pulled", ch.server.pulled + 1)
    return ch


def _acts(ch) -> bool:
    """Whether waitress's own handle_write would send or close on this channel (a flush of an
    empty out-buffer sends nothing)."""
    acted: list[str] = []
    ch._flush_some = lambda do_close=True: ch.total_outbufs_len and acted.append("send")
    ch.handle_close = lambda: acted.append("close")
    channel.HTTPChannel.handle_write(ch)
    return bool(acted)


# every state a channel can be in: close_when_flushed is set only with the requests emptied
# (HTTPChannel.service), and received() adds none once it is set
STATES = [(r, t, s, wc, cwf) for r, t, s, wc, cwf in itertools.product(
    (0, 1, 2), (0, 1, 17_999, 18_000, 1 << 20), (1, 18_000), (False, True), (False, True)) if not (cwf and r)]


def _held(ch) -> None:
    holder = threading.Thread(target=ch.outbuf_lock.acquire)  # a task's thread, holding it still
    holder.start()
    holder.join()


def test_the_channel_is_writable_when_waitress_would_send_or_close_and_not_while_a_task_sends():
    for state in STATES:
        ch = _channel(*state)
        assert SteadyChannel.writable(ch) == _acts(ch) and not ch._passed_over, state
        ch = _channel(*state)
        _held(ch)  # a task appends or waits: the loop may poll (waitress's own behaviour), never miss
        assert SteadyChannel.writable(ch) >= _acts(ch), state
        ch = _channel(*state)
        _held(ch)
        ch._sending = True  # a task between its send and its accounting: only closing is looked at
        closing = state[3] or state[4]
        assert (SteadyChannel.writable(ch), ch._passed_over) == (closing, not closing and bool(state[1]) and
                                                                 not (state[0] and state[1] < state[2])), state


def test_a_task_that_sent_wakes_the_loop_that_passed_its_channel_over():
    from waitress.buffers import OverflowableBuffer

    for looked_meanwhile in (False, True):
        ch = _channel(1, 0, 1, False, False)
        ch.outbufs = [OverflowableBuffer(1 << 20)]
        ch.outbufs[0].append(b"x" * 1000)
        ch.total_outbufs_len, ch.sendbuf_len = 1000, 65536
        seen: list[bool] = []

        def send(data, do_close=True, ch=ch, seen=seen, looked=looked_meanwhile):
            if looked:  # the loop runs while send() has released the GIL
                seen.append(SteadyChannel.writable(ch))
            return len(data)

        ch.send = send
        assert SteadyChannel._flush_some(ch) is True
        assert (seen, ch.server.pulled, ch.total_outbufs_len, ch._sending, ch._passed_over) == \
            ([False] if looked_meanwhile else [], int(looked_meanwhile), 0, False, False)


def _answer_app(size: int, chunks: int = 1):
    body = bytes(range(256)) * (size // 256 // chunks)

    def app(environ, start_response):
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", str(len(body) * chunks))])
        return [body] * chunks
    return app, body * chunks


@pytest.fixture
def spins(monkeypatch) -> list[int]:
    """The loop's handle_write calls.  A task's send is followed by 20 ms without the GIL, as when
    the loop thread (woken by the client's next request) and other threads take it first — the
    window in which waitress's own channel saw bytes already sent as waiting and spun."""
    calls = [0]
    handle_write, send = channel.HTTPChannel.handle_write, channel.HTTPChannel.send

    def counted(self):
        calls[0] += 1
        return handle_write(self)

    def slow_send(self, data, do_close=True):
        sent = send(self, data, do_close)
        if threading.current_thread().name.startswith("waitress-"):  # a worker thread (the loop's is "waitress:PORT")
            time.sleep(0.02)
        return sent

    monkeypatch.setattr(channel.HTTPChannel, "handle_write", counted)
    monkeypatch.setattr(channel.HTTPChannel, "send", slow_send)
    return calls


def _kept_open(port: int, answer: bytes, requests: int = 10) -> http.client.HTTPConnection:
    """``requests`` POSTs on one connection, each answered whole with the connection kept open."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(requests):
        conn.request("POST", "/", body=b"x" * 7000)
        reply = conn.getresponse()
        assert (reply.status, reply.read(), reply.will_close) == (200, answer, False)
    return conn


def test_a_kept_open_connection_costs_the_loop_no_spin(spins):
    app, answer = _answer_app(16 * 1024)
    server = LiveServer(app, **WAITRESS_OPTIONS)
    try:
        _kept_open(server.port, answer).close()
    finally:
        server.close()
    assert spins[0] <= 2  # waitress's own channel: 300-1,500 (each a select that returned at once)


def test_a_tasks_end_wakes_the_loop_only_when_it_is_not_already_watching():
    """Kept open, the answer sent: the loop's select already waits for the next request, so a task's
    end need not wake it (waitress woke it after every task); anything else — something to send or
    close, a loop that has not looked since, a pull from outside a task — wakes it.  (Decided here,
    not counted on a live server: whether the loop has looked again when a task ends is timing —
    under load it often has not, and the pull is then needed.)"""
    from gongkai.cli import httpserver

    pulled = []
    pull = httpserver._trigger(types.SimpleNamespace(trigger=types.SimpleNamespace(
        pull_trigger=lambda: pulled.append(1))))

    def ends(watched=True, total=0, will_close=False, close_when_flushed=False, requests=0) -> int:
        ch = _channel(requests, total, 1, will_close, close_when_flushed)
        ch.adj.channel_request_lookahead = WAITRESS_OPTIONS["channel_request_lookahead"]
        ch._read_watched = watched
        pulled.clear()
        httpserver._serving.channel = ch
        try:
            pull()
        finally:
            httpserver._serving.channel = None
        return len(pulled)

    assert ends() == 0
    assert (ends(watched=False), ends(total=5), ends(will_close=True), ends(close_when_flushed=True),
            ends(requests=WAITRESS_OPTIONS["channel_request_lookahead"] + 1)) == (1, 1, 1, 1, 1)
    pulled.clear()
    pull()   # not from a task (no channel being served)
    assert pulled == [1]


def test_a_connection_close_answer_wakes_the_loop_to_close(monkeypatch):
    """With ``Connection: close`` the loop must close the connection after the answer: woken."""
    from waitress import trigger

    pulls = [0]
    pull = trigger.trigger.pull_trigger

    def counted(self, thunk=None):
        pulls[0] += 1
        return pull(self, thunk)

    monkeypatch.setattr(trigger.trigger, "pull_trigger", counted)
    app, answer = _answer_app(16 * 1024)
    server = LiveServer(app, **WAITRESS_OPTIONS)
    try:
        conn = _kept_open(server.port, answer)
        pulls[0] = 0
        for _ in range(3):
            conn.request("POST", "/", body=b"x", headers={"Connection": "close"})
            reply = conn.getresponse()
            assert (reply.read(), reply.will_close) == (answer, True)
            conn.close()
    finally:
        server.close()
    assert pulls[0] >= 3  # (more when the loop passed a sending channel over)


def test_expect_100_continue_on_a_kept_open_connection():
    """curl sends ``Expect: 100-continue`` before a body over 1 KB and waits for the go-ahead."""
    app, answer = _answer_app(16 * 1024)
    server = LiveServer(app, **WAITRESS_OPTIONS)
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
            for _ in range(3):
                sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n")
                assert sock.recv(1024) == b"HTTP/1.1 100 Continue\r\n\r\n"
                sock.sendall(b"x" * 5000)
                data = b""
                while not data.endswith(answer):
                    more = sock.recv(1 << 20)
                    assert more, data[:200]
                    data += more
                assert data.startswith(b"HTTP/1.1 200 OK\r\n") and data.split(b"\r\n\r\n", 1)[1] == answer
    finally:
        server.close()


def test_pipelined_requests_get_their_answers_whole_and_in_order(spins):
    app, answer = _answer_app(16 * 1024)
    server = LiveServer(app, **WAITRESS_OPTIONS)
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
            one = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
            sock.sendall(one * 5)
            data = b""
            while data.count(answer) < 5:
                more = sock.recv(1 << 20)
                assert more, data[:200]
                data += more
    finally:
        server.close()
    answers = []
    while data:
        head, data = data.split(b"\r\n\r\n", 1)
        answers.append((head.split(b"\r\n")[0], data[:len(answer)]))
        data = data[len(answer):]
    assert answers == [(b"HTTP/1.1 200 OK", answer)] * 5
    assert spins[0] <= 10


def test_a_slow_reader_gets_a_large_answer_whole_and_does_not_hold_up_others():
    """2 MB written in 64 KB chunks through a 32 KB send buffer, the out-buffer's high watermark at
    256 KB: the task waits for the loop to send (waitress's watermark wait, the out-buffer's lock
    released) while the reader takes its time, and another client is answered meanwhile."""
    big, big_answer = _answer_app(2 << 20, chunks=32)
    small, small_answer = _answer_app(1024)

    def app(environ, start_response):
        return (big if environ["PATH_INFO"] == "/big" else small)(environ, start_response)

    buffers = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1), (socket.SOL_SOCKET, socket.SO_SNDBUF, 32 * 1024)]
    server = LiveServer(app, **{**WAITRESS_OPTIONS, "outbuf_high_watermark": 256 * 1024})
    server.server.adj.socket_options = buffers  # set on each accepted connection (not an adjustment one can pass)
    try:
        slow = socket.socket()
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
        slow.settimeout(20)
        slow.connect(("127.0.0.1", server.port))
        slow.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        got = slow.recv(4096)
        other = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        for _ in range(5):  # answered while the slow reader has most of its answer still to read
            other.request("GET", "/small")
            assert other.getresponse().read() == small_answer
        other.close()
        while len(got) < len(big_answer) + 50 and (more := slow.recv(64 * 1024)):
            got += more
            time.sleep(0.001)
        slow.close()
    finally:
        server.close()
    assert got.split(b"\r\n\r\n", 1)[1] == big_answer


def test_a_client_that_goes_away_stops_its_read_in_the_child():
    """On a new connection, and on a kept-open one that has carried answers before."""
    pool = isolate.Pool(1)
    outcome: list[tuple[str, float]] = []
    small, small_answer = _answer_app(1024)

    def app(environ, start_response):
        if environ["PATH_INFO"] != "/slow":
            return small(environ, start_response)
        started = time.monotonic()
        try:
            pool.call("time:sleep", (60,), "slow.pdf", cancelled=environ["waitress.client_disconnected"])
            outcome.append(("finished", time.monotonic() - started))
        except isolate.Cancelled:
            outcome.append(("stopped", time.monotonic() - started))
        start_response("200 OK", [("Content-Length", "0")])
        return [b""]

    server = LiveServer(app, **WAITRESS_OPTIONS)
    try:
        for answers_before in (0, 3):
            assert pool.call("operator:add", (1, 2), "x") == 3  # a child is up
            with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
                conn = http.client.HTTPConnection("127.0.0.1", server.port)
                conn.sock = sock
                for _ in range(answers_before):
                    conn.request("GET", "/")
                    assert conn.getresponse().read() == small_answer
                conn.request("GET", "/slow")
                time.sleep(0.5)  # the read has started in the child
            deadline = time.monotonic() + 20
            while len(outcome) <= answers_before // 3 and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        server.close()
        pool.close()
    assert [how for how, _ in outcome] == ["stopped", "stopped"] and max(t for _, t in outcome) < 5, outcome



def _wire_app(environ, start_response):
    """Answers of every shape a task writes: a body, none (HEAD, 204, 304), too much for its
    Content-Length, chunked, the write() callable, a file wrapper."""
    path = environ["PATH_INFO"]
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    body = bytes(range(256)) * 64
    if path == "/204":
        start_response("204 No Content", [])
        return [b""]
    if path == "/304":
        start_response("304 Not Modified", [("ETag", '"x"')])
        return [b""]
    if path == "/excess":
        start_response("200 OK", [("Content-Length", "10")])
        return [body]
    if path == "/chunked":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return iter([b"one", b"", body])
    if path == "/write":
        write = start_response("200 OK", [("Content-Length", str(len(body) + 5))])
        write(b"first")
        return [body]
    if path == "/file":
        import io

        start_response("200 OK", [("Content-Length", str(len(body)))])
        return environ["wsgi.file_wrapper"](io.BytesIO(body))
    if path == "/large":  # over JOIN_AT_MOST: header and body apart
        start_response("200 OK", [("Content-Length", str(len(body) * 8))])
        return [body * 8]
    if path == "/empty":
        start_response("200 OK", [("Content-Length", "0")])
        return []
    start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", str(len(body)))])
    return [body]


def _raw(port: int, request: bytes) -> bytes:
    """The bytes a server sends for one request, read to the close, without the Date header."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        data = b""
        while more := sock.recv(1 << 20):
            data += more
    head, sep, rest = data.partition(b"\r\n\r\n")
    return b"\r\n".join(h for h in head.split(b"\r\n") if not h.startswith(b"Date: ")) + sep + rest


def test_the_header_goes_out_with_the_body_and_the_bytes_are_waitresss_own(monkeypatch):
    """One send a kept-open answer (header and body, not two); for every shape of answer the bytes on
    the wire are those of waitress's own task, in the same order (the Date header aside)."""
    from waitress.task import WSGITask

    sends = [0]
    send = channel.HTTPChannel.send

    def counted(self, data, do_close=True):
        sends[0] += 1
        return send(self, data, do_close)

    class WaitressTask(SteadyChannel):
        task_class = WSGITask

    ours = LiveServer(_wire_app, **WAITRESS_OPTIONS)
    theirs = LiveServer(_wire_app, **WAITRESS_OPTIONS)
    theirs.server.channel_class = WaitressTask
    try:
        monkeypatch.setattr(channel.HTTPChannel, "send", counted)
        conn = http.client.HTTPConnection("127.0.0.1", ours.port, timeout=30)
        for _ in range(5):
            conn.request("POST", "/", body=b"x" * 7000)
            reply = conn.getresponse()
            assert (reply.status, len(reply.read()), reply.will_close) == (200, 16384, False)
        conn.close()
        assert sends[0] == 5
        monkeypatch.undo()
        for path in ("/", "/204", "/304", "/excess", "/chunked", "/write", "/file", "/large", "/empty"):
            for method, version in (("GET", "1.1"), ("HEAD", "1.1"), ("GET", "1.0")):
                request = f"{method} {path} HTTP/{version}\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
                got = _raw(ours.port, request)
                assert got == _raw(theirs.port, request) and got.startswith(f"HTTP/{version} ".encode()), \
                    (method, path, version)
    finally:
        ours.close()
        theirs.close()
