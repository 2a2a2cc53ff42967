"""PDFium is used safely from threads; the server's reads run in children that may crash or be stopped."""

from __future__ import annotations

import threading
import time

import pytest

from gongkai import isolate
from gongkai.errors import UnreadableFile
from gongkai.load import load_input
from tests.conftest import EXAMPLES

PDF = (EXAMPLES / "huaian-city-2024.pdf").read_bytes()


def _in_threads(call, threads: int, rounds: int) -> list:
    results, errors = [], []

    def work():
        for _ in range(rounds):
            try:
                results.append(call())
            except Exception as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(exc)

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(300)
    assert errors == []
    return results


def test_threads_reading_pdfs_at_once_get_the_right_numbers():
    """Before the PDFium lock, eight threads got other pages' text (wrong table 3) and then a crash."""
    expected = load_input(PDF, "a.pdf").reports[0].table3
    results = _in_threads(lambda: load_input(PDF, "a.pdf").reports[0].table3, threads=8, rounds=4)
    assert len(results) == 32 and all(r == expected for r in results)


@pytest.fixture
def pool():
    p = isolate.Pool(2)
    yield p
    p.close()


def test_reads_in_children_give_the_same_report(pool):
    expected = load_input(PDF, "a.pdf")
    results = _in_threads(lambda: pool.call("gongkai.load:load_input", (PDF, "a.pdf"), "a.pdf"), threads=4, rounds=2)
    assert [r.reports[0].table3 for r in results] == [expected.reports[0].table3] * 8
    assert results[0].document.blocks == expected.document.blocks


def test_a_readers_error_crosses_with_its_file_and_place(pool):
    with pytest.raises(UnreadableFile) as info:
        pool.call("gongkai.load:load_input", (b"%PDF-1.4\n" + b"x" * 100, "broken.pdf"), "broken.pdf")
    assert str(info.value) == "broken.pdf：PDF 文件不完整（末尾缺少 %%EOF 结束标记），可能下载中断，请重新下载原文件。"


def test_a_crashing_child_is_a_clean_error_and_is_replaced(pool):
    with pytest.raises(UnreadableFile) as info:
        pool.call("os:abort", (), "crash.pdf")  # as PDFium's trap on a hostile file
    assert str(info.value).startswith("crash.pdf：读取此文件时读取程序意外退出")
    assert pool.call("gongkai.load:load_input", (PDF, "a.pdf"), "a.pdf").reports[0].year == 2024


def test_a_read_whose_client_went_away_is_stopped(pool):
    started = time.monotonic()
    with pytest.raises(isolate.Cancelled):
        pool.call("time:sleep", (60,), "slow.pdf", cancelled=lambda: time.monotonic() - started > 1)
    assert time.monotonic() - started < 10
    assert pool.call("operator:add", (1, 2), "x") == 3  # a fresh child took the killed one's place


def test_isolation_is_off_unless_enabled():
    assert not isolate.enabled()
    assert isolate.run("operator:add", (1, 2), "x") == 3


def test_a_child_is_replaced_when_its_memory_passes_the_bound_not_after_a_few_reads(pool, monkeypatch):
    pids = {pool.call("os:getpid", (), "x") for _ in range(5)}
    assert len(pids) == 1  # kept from read to read: starting a child costs a third of a read
    monkeypatch.setattr(isolate, "MAX_CHILD_MB", 1)  # every child is resident in more than 1 MB
    after = [pool.call("os:getpid", (), "x") for _ in range(3)]
    assert after[0] in pids and len(set(after)) == 3  # each replaced after its read


def test_a_child_that_died_while_idle_is_replaced_and_the_read_still_answered(pool):
    import os
    import signal

    pid = pool.call("os:getpid", (), "x")
    os.kill(pid, signal.SIGKILL)  # as the kernel's out-of-memory killer would, between two reads
    deadline = time.monotonic() + 30
    while pool._idle[0].proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pool.call("operator:add", (1, 2), "x") == 3
    assert pool.call("os:getpid", (), "x") != pid


def test_messages_larger_than_the_read_buffer_cross_whole(pool):
    big = bytes(range(256)) * 4096  # 1 MiB: past isolate._BUFFER both ways
    assert pool.call("builtins:len", (big,), "x") == len(big)
    assert pool.call("builtins:bytes", (big,), "x") == big  # bytes answered raw
    assert pool.call("operator:mul", ("公开", 300_000), "x") == "公开" * 300_000  # pickled
    assert pool.call("builtins:bytes", (b"",), "x") == b""


def test_an_answer_that_cannot_cross_is_a_server_error_not_a_crashed_reader(pool):
    with pytest.raises(RuntimeError) as info:
        pool.call("threading:Lock", (), "x")
    assert str(info.value) == "TypeError：cannot pickle '_thread.lock' object"
    assert pool.call("operator:add", (1, 2), "x") == 3  # the same child goes on
