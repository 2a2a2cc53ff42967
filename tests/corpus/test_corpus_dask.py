"""The same ingest on a Dask distributed cluster (a LocalCluster on loopback)."""

from __future__ import annotations

import random
import time
from decimal import Decimal

from distributed import LocalCluster
from gk_corpus_helpers import SEEDS, generate

from gongkai.cli import main
from gongkai.corpus.ingest import ingest
from gongkai.corpus.store import Store
from tests.synth import draw, to_text


def test_ingest_on_a_local_dask_cluster(tmp_path, capsys):
    truth = generate(tmp_path / "in", 12, seed=71)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        with Store(str(tmp_path / "c.db")) as store:
            summary = ingest([str(tmp_path / "in")], store, cluster=address)
            assert (summary.added, [p.rsplit("/", 1)[-1] for p, _ in summary.failed]) == (12, ["empty.txt"])
            for name, s in truth.items():
                doc_id, agency = store.query("SELECT id, agency FROM documents WHERE name = ?", (name,))[0]
                assert agency == s.agency
                got = dict(store.query("SELECT cell_id, value FROM cells WHERE document_id = ?", (doc_id,)))
                assert {k: Decimal(str(v)) for k, v in got.items()} == {k: Decimal(str(v)) for k, v in s.cells.items()}
        # The command line takes the same address.
        code = main(["ingest", str(SEEDS[1]), "--db", str(tmp_path / "c.db"), "--cluster", address, "-q"])
        assert code == 0
        assert "新入库 1 份" in capsys.readouterr().out


def test_unreachable_cluster_is_a_chinese_error(tmp_path, capsys):
    code = main(["ingest", str(SEEDS[0]), "--db", str(tmp_path / "c.db"), "--cluster", "tcp://127.0.0.1:9", "-q"])
    err = capsys.readouterr().err
    assert code == 1
    assert "无法连接 Dask 集群" in err and "Traceback" not in err


def _slow_report() -> bytes:
    """A report followed by 200,000 rows of a table: about a minute of parsing on two cores."""
    rows = "\n".join("\t".join(["其他情况"] + [str(i % 97)] * 7) for i in range(200_000))
    return (to_text(draw(random.Random(5))) + rows).encode("utf-8")


def test_a_slow_file_meets_the_time_limit_on_dask_too(tmp_path):
    """Dask runs tasks on threads, where no SIGALRM timer can be set: the file is parsed in a
    child process that keeps the limit, and the batch finishes long before the file would."""
    truth = generate(tmp_path / "in", 6, seed=73)
    slow = tmp_path / "in" / "slow.txt"
    slow.write_bytes(_slow_report())
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        with Store(str(tmp_path / "c.db")) as store:
            started = time.monotonic()
            # 8 s: an ordinary report (child start included) must finish well inside the limit even
            # on a busy machine; the slow file needs about a minute.
            summary = ingest([str(tmp_path / "in")], store, cluster=cluster.scheduler_address, timeout=8)
            elapsed = time.monotonic() - started
            reason = "处理超过时限（8 秒），已跳过。可用 --timeout 放宽时限并加 --retry-failed 重试。"
            assert summary.failed == [(str(slow), reason)]
            assert summary.added == 6
            assert store.query("SELECT form, status, reason FROM documents WHERE name = 'slow.txt'") == [
                ("txt", "failed", reason)]
            assert {n for (n,) in store.query("SELECT name FROM documents WHERE status = 'ok'")} == set(truth)
    assert elapsed < 50, f"the batch waited for the slow file ({elapsed:.0f} s)"


def test_a_child_that_dies_fails_only_its_file_and_is_replaced():
    """Off the main thread (as on a Dask worker) a file whose child process is killed (as by the
    OOM killer) is a listed failure; the thread's next file gets a new child."""
    import os
    import signal
    import threading

    from gongkai.corpus.worker import process

    results = []
    following = draw(random.Random(6))

    def work():
        results.append(process("slow.txt", _slow_report(), 600))
        results.append(process("next.txt", to_text(following).encode("utf-8"), 600))

    thread = threading.Thread(target=work)
    thread.start()
    child = None
    deadline = time.monotonic() + 60
    while child is None and time.monotonic() < deadline:
        for pid in os.listdir("/proc"):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmdline = f.read()
                with open(f"/proc/{pid}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if b"-m\x00gongkai.corpus.worker" in cmdline and parent == os.getpid():
                child = int(pid)
        time.sleep(0.1)
    assert child is not None, "no child process was started"
    time.sleep(1)  # let it start on the slow file
    os.kill(child, signal.SIGKILL)
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert results[0] == {"reason": "处理该文件时子进程意外退出，文件可能触发了读取程序的缺陷。"}
    assert (results[1]["report"]["agency"], results[1]["report"]["year"]) == (following.agency, following.year)
