"""The same register on PostgreSQL (a throwaway cluster): migrations, rules, table 3, the
append-only history, two writers at once and a writer killed mid-transaction."""

import multiprocessing as mp
import os
import signal
from datetime import date

import psycopg
import pytest
import test_register_concurrency as conc
from gk_register_sample import generate

from gongkai.register.store import Applicant, NewRequest, Register
from gongkai.register.table3 import compute, drill


def test_migrations_and_schema_version(pg_url, cal, settings):
    reg = Register(pg_url, calendar=cal, settings=settings, create=True)
    assert reg.db.dialect == "postgresql" and reg.db.schema_version() == 4
    reg.close()
    reg = Register(pg_url, calendar=cal, settings=settings, create=True)
    assert [v for (v,) in reg.db.query("SELECT version FROM schema_version WHERE version < 1000 ORDER BY version")] == [1, 2, 3, 4]
    reg.close()


def test_history_rules_and_table3(pg_url, cal, settings):
    reg = Register(pg_url, calendar=cal, settings=settings, create=True)
    ref = reg.add(NewRequest(Applicant("natural_person", "张三", "1"), "in_person", "x", date(2025, 9, 26)), "a")
    assert ref == "2025-000001" and reg.get(ref).due_on == date(2025, 10, 30)
    reg.record(ref, "extended", date(2025, 10, 20), "a", workdays=20, reason="r")
    assert reg.get(ref).due_on == date(2025, 11, 27)
    reg.record(ref, "replied", date(2025, 11, 20), "a", outcome="granted")
    with pytest.raises(psycopg.Error, match="append-only"):
        reg.db.execute("UPDATE events SET kind = 'archived'")
    reg.import_requests(generate(1000, 2024, 2, cal, settings, seed=2), "生成")
    t24, t25 = compute(reg.db, 2024).table3, compute(reg.db, 2025).table3
    for c in t24["total"]:
        assert t24["new_received"][c] + t24["carried_over"][c] == t24["total"][c] + t24["carried_forward"][c]
        assert t24["carried_forward"][c] == t25["carried_over"][c]
    assert t24["new_received"]["total"] + t25["new_received"]["total"] == 1001
    assert len(drill(reg.db, 2025, "granted.total")) == t25["granted"]["total"]
    reg.close()


def test_same_table3_as_sqlite(pg_url, db_url, cal, settings):
    items = list(generate(600, 2024, 2, cal, settings, seed=9))
    results = []
    for url in (pg_url, db_url):
        reg = Register(url, calendar=cal, settings=settings, create=True)
        reg.import_requests(items, "生成")
        results.append([compute(reg.db, y).table3 for y in (2024, 2025)])
        reg.close()
    assert results[0] == results[1]


def test_two_processes_on_postgres_lose_nothing(pg_url):
    Register(pg_url, create=True).close()
    conc.two_writers(pg_url)


def test_killed_mid_transaction_on_postgres(pg_url):
    reg = Register(pg_url, create=True)
    kept = reg.add(NewRequest(Applicant("natural_person", "张三", "1"), "in_person", "x", date(2025, 5, 6)), "a")
    reg.close()
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=conc._importer, args=(pg_url, child))
    proc.start()
    assert parent.poll(60) and parent.recv() == "inside"
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(10)
    reg = Register(pg_url, create=True)
    assert reg.count() == 1 and reg.db.query("SELECT COUNT(*) FROM events")[0][0] == 1   # its registration
    reg.record(kept, "replied", date(2025, 5, 7), "a", outcome="granted")  # row lock released
    assert reg.get(kept).state == "replied"
    reg.close()


def _opener(url, start_evt, errors):
    try:
        start_evt.wait(10)
        Register(url, create=True).close()
    except BaseException as exc:
        errors.put(repr(exc))
        raise


def test_two_processes_opening_a_new_database_at_once(pg_url):
    ctx = mp.get_context("fork")
    start_evt, errors = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_opener, args=(pg_url, start_evt, errors)) for _ in range(3)]
    for p in procs:
        p.start()
    start_evt.set()
    for p in procs:
        p.join(60)
    assert errors.empty(), errors.get()
    reg = Register(pg_url, create=True)
    assert [v for (v,) in reg.db.query("SELECT version FROM schema_version WHERE version < 1000 ORDER BY version")] == [1, 2, 3, 4]
    reg.close()


def test_two_clerks_replying_to_the_same_requests_on_postgres(pg_url):
    conc.race_to_reply(pg_url)


def test_upgrade_from_version_2_on_postgres(pg_url, cal, settings):
    from importlib import resources

    from gongkai.db import _statements
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                     "applied_at TEXT NOT NULL)")
        for version, name in ((1, "0001_initial.postgresql.sql"), (2, "0002_due_assumed.sql")):
            sql = resources.files("gongkai.register").joinpath("migrations", name).read_text("utf-8")
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version VALUES (%s, %s, 'x')", (version, name))
        conn.execute("INSERT INTO applicants (type, name, id_number, phone, created_at) "
                     "VALUES ('natural_person', '张三', '110', '13800000000', 'x')")
        conn.execute("INSERT INTO requests (ref, applicant_id, applicant_type, channel, content, submitted_on, "
                     "received_on, created_by, created_at, due_on) VALUES ('OLD-1', 1, 'natural_person', 'internet', "
                     "'旧申请', '2025-09-24', '2025-09-26', '甲', 'x', '2025-10-30')")
        conn.execute("INSERT INTO events (request_id, kind, on_date, data, actor, recorded_at) VALUES "
                     "(1, 'extended', '2025-10-20', '{\"workdays\": 20, \"reason\": \"r\"}', '乙', 'y')")
    reg = Register(pg_url, calendar=cal, settings=settings, create=True)
    old = reg.get("OLD-1")
    assert [(e.id, e.kind, e.actor) for e in old.history] == [(1, "registered", "甲"), (2, "extended", "乙")]
    assert old.history[0].data["receipt_on"] == "2025-09-26" and old.applicant.phone == "13800000000"
    assert (old.received_on, old.due_on, old.state) == (date(2025, 9, 26), date(2025, 11, 27), "in_progress")
    with pytest.raises(psycopg.Error, match="append-only"):
        reg.db.execute("UPDATE requests SET ref = 'x'")
    reg.close()


def test_one_register_and_one_log_on_postgres_are_safe_in_a_thread_pool(pg_url, cal, settings):
    # Threads sharing gongkai.Register / gongkai.Log nested their transactions on its one
    # connection (the store's "in a transaction" flag is the connection's, not the thread's).
    from concurrent.futures import ThreadPoolExecutor

    from gongkai.log.store import DisclosureLog, NewItem

    def request(i):
        return NewRequest(Applicant("natural_person", f"申请人{i}", "1"), "in_person", f"事项{i}", date(2025, 3, 3))

    with Register(pg_url, calendar=cal, settings=settings, today=date(2025, 6, 30), create=True) as reg:
        def register_one(i):
            ref = reg.add(request(i), "clerk")
            reg.record(ref, "replied", date(2025, 3, 10), "clerk", outcome="granted")
            return ref, reg.get(ref).state, reg.count() >= 1

        with ThreadPoolExecutor(4) as pool:
            done = list(pool.map(register_one, range(24)))
        assert sorted(ref for ref, _, _ in done) == [f"2025-{n:06d}" for n in range(1, 25)]
        assert {(state, seen) for _, state, seen in done} == {("replied", True)}
        assert reg.count() == 24 and len(reg.requests()) == 24

    with DisclosureLog(pg_url, calendar=cal, today=date(2025, 6, 30), create=True) as log:
        def log_one(i):
            ref = log.add(NewItem(f"文件{i}", "other", date(2025, 3, 3)), "clerk")
            return log.get(ref).title == f"文件{i}", log.count() >= 1

        with ThreadPoolExecutor(4) as pool:
            assert set(pool.map(log_one, range(24))) == {(True, True)}
        assert log.count() == 24 and len({item.ref for item in log.items()}) == 24


def test_a_search_finds_the_same_requests_on_postgresql_as_on_sqlite(pg_url, db_url, cal, settings):
    """Found comparing a year walked on both: SQLite's LIKE ignores the case of Latin letters,
    PostgreSQL's does not — “abc” found ABC科技有限公司 on one and nothing on the other."""
    from gongkai.register.filters import RequestFilter

    found = {}
    for url in (pg_url, db_url):
        reg = Register(url, calendar=cal, settings=settings, create=True)
        reg.add(NewRequest(Applicant("commercial", "ABC科技有限公司", "1"), "in_person", "XYZ项目的环评批复",
                           date(2025, 3, 3)), "a")
        reg.add(NewRequest(Applicant("natural_person", "张三", "2"), "in_person", "某小学招生计划", date(2025, 3, 4)), "a")
        found[reg.db.dialect] = [[r.ref for r in reg.requests(f)] for f in (
            RequestFilter(applicant="abc"), RequestFilter(content="xyz"), RequestFilter(text="Abc科技"),
            RequestFilter(text="招生"))]
        reg.close()
    assert found["postgresql"] == found["sqlite"] == [["2025-000001"], ["2025-000001"], ["2025-000001"], ["2025-000002"]]
