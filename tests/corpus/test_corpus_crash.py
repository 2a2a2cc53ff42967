"""A pool worker killed in the middle of a run (as a segfault or the OOM killer would) breaks the
pool; the ingest rebuilds it, retries the files that were in flight, and finishes everything."""

from __future__ import annotations

import os
import signal
import threading
import time

import proctree  # scripts/ (tests/conftest.py puts it on sys.path): the processes below this one
from gk_corpus_helpers import generate

from gongkai.corpus.ingest import ingest
from gongkai.corpus.store import Store

N = 300


def test_a_killed_worker_loses_nothing(tmp_path):
    truth = generate(tmp_path / "in", N, seed=91)
    db = str(tmp_path / "c.db")
    result = {}

    def run():
        with Store(db) as store:
            # A short time limit also shortens the stuck-pool watchdog (time limit + 30 s), which
            # rescues the run when the worker dies half-way through writing its result.
            result["summary"] = ingest([str(tmp_path / "in")], store, workers=2, timeout=5)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    killed = None
    deadline = time.monotonic() + 60
    with Store(db) as watch:
        while killed is None and time.monotonic() < deadline and thread.is_alive():
            if watch.query("SELECT COUNT(*) FROM documents")[0][0] >= N // 4:
                # The pool's workers are the grandchildren (children of the forkserver).
                stats = proctree.processes()
                workers = [p for p in proctree.descendants(os.getpid(), stats) if int(stats[p][1]) != os.getpid()]
                if workers:
                    killed = workers[0]
                    os.kill(killed, signal.SIGKILL)
            time.sleep(0.02)
    thread.join(timeout=180)
    assert not thread.is_alive(), "the ingest did not finish after its worker was killed"
    assert killed is not None, "no worker was found to kill"
    summary = result["summary"]
    assert summary.crashes == 1
    assert summary.failed == []
    assert summary.added == N
    with Store(db) as store:
        assert store.query("SELECT COUNT(*), COUNT(DISTINCT sha256) FROM documents WHERE status = 'ok'") == [(N, N)]
        names = {n for (n,) in store.query("SELECT name FROM documents")}
    assert names == set(truth)


def test_a_discarded_pool_does_not_block_interpreter_exit():
    """A worker killed half-way through writing its result leaves the pool's manager thread
    waiting for the rest of the message; Python joins that thread at exit, so ``gongkai ingest``
    would never end.  Discarding the pool must release it.  (It did not: the pipe was looked up
    after ``shutdown``, which drops it, and CI timed out after the last test.)"""
    import struct

    from gongkai.corpus.ingest import _discard, _local_pool

    pool = _local_pool(1)
    assert pool.submit(os.getpid).result(timeout=60) > 0
    manager = pool._executor_manager_thread
    writer = pool._result_queue._writer
    # The state a worker killed mid-write leaves: a length header promising more than was sent.
    os.write(writer.fileno(), struct.pack("!i", 100_000) + b"partial")
    time.sleep(0.5)
    assert manager.is_alive()
    try:
        _discard(pool)
        manager.join(timeout=20)
        assert not manager.is_alive(), "the pool's manager thread is still blocked on the half-written result"
    finally:
        if not writer.closed:  # let a failing run still exit
            writer.close()


def test_a_stop_asked_for_is_heard_before_a_broken_pool_is_rebuilt(tmp_path, monkeypatch):
    """``gongkai serve`` stopping ends its descendants while a corpus upload's ingest still runs in a
    waitress thread: the ingest saw its pool broken and started a new one through the forkserver the
    stop had ended (ConnectionRefusedError: an internal error and a traceback on the server's stderr,
    CI under load).  A stop asked for through ``on_progress`` is now heard before anything is
    started again."""
    import gongkai.corpus.ingest as ingest_module

    generate(tmp_path / "in", 40, seed=7)
    pools = []
    real_pool = ingest_module._local_pool
    monkeypatch.setattr(ingest_module, "_local_pool", lambda *a, **k: pools.append(1) or real_pool(*a, **k))

    class Stopped(Exception):
        pass

    def stop(done: int, total: int, path: str) -> None:  # stopping from the start: the first thing heard
        raise Stopped(done)

    result: dict = {}

    def run():
        with Store(str(tmp_path / "c.db")) as store:
            try:
                ingest([str(tmp_path / "in")], store, workers=1, timeout=5, on_progress=stop)
            except Stopped as exc:
                result["stopped"] = exc.args[0]

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    killed = None
    deadline = time.monotonic() + 60
    while killed is None and time.monotonic() < deadline and thread.is_alive():
        stats = proctree.processes()
        workers = [p for p in proctree.descendants(os.getpid(), stats) if int(stats[p][1]) != os.getpid()]
        if workers:  # the worker, killed before it has read a file (it is still importing gongkai)
            killed = workers[0]
            os.kill(killed, signal.SIGKILL)
        time.sleep(0.01)
    thread.join(timeout=120)
    assert killed is not None and not thread.is_alive()
    assert result == {"stopped": 0}   # stopped before any file was counted
    assert pools == [1]               # and no pool was started again after the crash
