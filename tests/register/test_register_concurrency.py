"""Real processes: two writers at once lose nothing; a writer killed mid-transaction (SIGKILL)
leaves the register exactly as it was."""

import multiprocessing as mp
import os
import signal
import sqlite3
import time
from datetime import date, timedelta

from gongkai.register.store import Applicant, ImportedStep, NewRequest, Register

PER_WRITER = 150


def _writer(db_url, name, barrier, errors):
    try:
        reg = Register(db_url, create=True)
        barrier.wait(30)
        for i in range(PER_WRITER):
            if i in (1, PER_WRITER // 2):  # both are surely writing at the same time
                barrier.wait(30)
            day = date(2025, 3, 3) + timedelta(days=i % 60)
            ref = reg.add(NewRequest(Applicant("natural_person", f"{name}{i}", str(i)), "in_person",
                                     f"{name} 的第{i}件申请", day), name)
            reg.record(ref, "replied", day + timedelta(days=1), name, outcome="granted")
            time.sleep(0.002)  # clerks pause between entries; lets the other writer in
        reg.close()
    except BaseException as exc:  # report to the parent; the exit code alone says too little
        errors.put(f"{name}: {exc!r}")
        raise


def test_two_processes_writing_at_once_lose_nothing(db_url):
    Register(db_url, create=True).close()  # create the schema first, as an installed register would be
    two_writers(db_url)


def two_writers(db_url):
    ctx = mp.get_context("fork")
    barrier, errors = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(db_url, n, barrier, errors)) for n in ("甲", "乙")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(180)
    assert errors.empty(), errors.get()
    assert [p.exitcode for p in procs] == [0, 0]
    reg = Register(db_url, create=True)
    assert reg.count() == 2 * PER_WRITER
    assert reg.db.query("SELECT COUNT(*) FROM events")[0][0] == 2 * 2 * PER_WRITER   # registration and reply
    assert reg.db.query("SELECT COUNT(DISTINCT ref) FROM requests")[0][0] == 2 * PER_WRITER
    # the writers really did interleave: the barriers force at least three changes of hand
    order = [r[0] for r in reg.db.query("SELECT created_by FROM requests ORDER BY id")]
    assert sum(a != b for a, b in zip(order, order[1:])) >= 3
    for who in ("甲", "乙"):
        n = reg.db.query("SELECT COUNT(*) FROM requests r JOIN request_state s ON s.request_id = r.id "
                         "WHERE r.created_by = ? AND s.state = 'replied'", (who,))
        assert n[0][0] == PER_WRITER
    reg.close()


def _importer(db_url, conn):
    reg = Register(db_url, create=True)

    def progress(n):
        if n == 400:          # well inside the transaction: tell the parent, then wait to die
            conn.send("inside")
            signal.pause()

    items = [(f"第{i}行", [ImportedStep("registered", date(2025, 5, 6), NewRequest(
        Applicant("commercial", f"公司{i}", f"9{i}"), "internet", "批量", date(2025, 5, 6)).data()),
        ImportedStep("replied", date(2025, 5, 7), {"outcome": "granted"})]) for i in range(1000)]
    reg.import_requests(items, "导入", progress=progress)


def test_killed_mid_transaction_leaves_register_as_before(db_url):
    reg = Register(db_url, create=True)
    kept = reg.add(NewRequest(Applicant("natural_person", "张三", "1"), "in_person", "x", date(2025, 5, 6)), "a")
    reg.close()
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_importer, args=(db_url, child))
    proc.start()
    assert parent.poll(60) and parent.recv() == "inside"
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(10)
    assert proc.exitcode == -signal.SIGKILL

    conn = sqlite3.connect(db_url)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM requests").fetchone()[0] == 1
    assert conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 1   # its registration
    assert conn.execute("SELECT COUNT(*) FROM request_state").fetchone()[0] == 1
    conn.close()
    reg = Register(db_url, create=True)  # the dead writer's lock is gone: writing works again
    assert reg.get(kept).state == "registered"
    reg.record(kept, "replied", date(2025, 5, 7), "a", outcome="granted")
    assert reg.get(kept).state == "replied"
    reg.close()


def _replier(db_url, refs, name, start_evt, results):
    from gongkai.register.case import RuleError
    reg = Register(db_url, create=True)
    start_evt.wait(10)
    won = refused = 0
    for ref in refs:
        try:
            reg.record(ref, "replied", date(2025, 5, 7), name, outcome="granted")
            won += 1
        except RuleError:
            refused += 1
    reg.close()
    results.put((name, won, refused))


def race_to_reply(db_url, n=60):
    """Two clerks reply to the same requests at once: each request gets exactly one reply."""
    reg = Register(db_url, create=True)
    refs = [reg.add(NewRequest(Applicant("natural_person", f"人{i}", str(i)), "in_person", "x", date(2025, 5, 6)),
                    "a") for i in range(n)]
    reg.close()
    ctx = mp.get_context("fork")
    start_evt, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_replier, args=(db_url, refs, who, start_evt, results)) for who in ("甲", "乙")]
    for p in procs:
        p.start()
    start_evt.set()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    got = [results.get(timeout=5) for _ in procs]
    assert sum(w for _, w, _ in got) == n and sum(r for _, _, r in got) == n
    reg = Register(db_url, create=True)
    assert reg.db.query("SELECT COUNT(*) FROM events WHERE kind = 'replied'")[0][0] == n
    assert reg.db.query("SELECT COUNT(*) FROM request_state WHERE state = 'replied'")[0][0] == n
    reg.close()


def test_two_clerks_replying_to_the_same_requests(db_url):
    race_to_reply(db_url)
