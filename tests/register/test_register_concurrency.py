"""Real processes: two writers at once lose nothing; a writer killed mid-transaction (SIGKILL)
leaves the register exactly as it was."""

import multiprocessing as mp
import os
import signal
import time
import sqlite3
from datetime import date, timedelta

from gongkai.register.store import Applicant, NewRequest, Register

PER_WRITER = 150


def _writer(db_url, name, start_evt, errors):
    try:
        reg = Register(db_url)
        start_evt.wait(10)
        for i in range(PER_WRITER):
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
    Register(db_url).close()  # create the schema first, as an installed register would be
    ctx = mp.get_context("fork")
    start_evt, errors = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(db_url, n, start_evt, errors)) for n in ("甲", "乙")]
    for p in procs:
        p.start()
    start_evt.set()
    for p in procs:
        p.join(120)
    assert errors.empty(), errors.get()
    assert [p.exitcode for p in procs] == [0, 0]
    reg = Register(db_url)
    assert reg.count() == 2 * PER_WRITER
    assert reg.db.query("SELECT COUNT(*) FROM events")[0][0] == 2 * PER_WRITER
    assert reg.db.query("SELECT COUNT(DISTINCT ref) FROM requests")[0][0] == 2 * PER_WRITER
    # the writers really did interleave (not one after the other)
    order = [r[0] for r in reg.db.query("SELECT created_by FROM requests ORDER BY id")]
    assert sum(a != b for a, b in zip(order, order[1:])) > 10
    for who in ("甲", "乙"):
        n = reg.db.query("SELECT COUNT(*) FROM requests WHERE created_by = ? AND state = 'replied'", (who,))
        assert n[0][0] == PER_WRITER
    reg.close()


def _importer(db_url, conn):
    reg = Register(db_url)

    def progress(n):
        if n == 400:          # well inside the transaction: tell the parent, then wait to die
            conn.send("inside")
            signal.pause()

    items = [(NewRequest(Applicant("commercial", f"公司{i}", f"9{i}"), "internet", "批量", date(2025, 5, 6)),
              [("replied", date(2025, 5, 7), {"outcome": "granted"})]) for i in range(1000)]
    reg.import_requests(items, "导入", progress=progress)


def test_killed_mid_transaction_leaves_register_as_before(db_url):
    reg = Register(db_url)
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
    assert conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM applicants").fetchone()[0] == 1
    conn.close()
    reg = Register(db_url)  # the dead writer's lock is gone: writing works again
    assert reg.get(kept).state == "registered"
    reg.record(kept, "replied", date(2025, 5, 7), "a", outcome="granted")
    assert reg.get(kept).state == "replied"
    reg.close()
