"""A real ingest process killed with SIGKILL half-way, then restarted: it finishes with every
report exactly once and every value as drawn."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal

from gk_corpus_helpers import generate

N = 400


def _count(db: str) -> int:
    try:
        con = sqlite3.connect(db, timeout=30)
        try:
            return con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:  # the schema is not created yet
        return 0


def test_killed_ingest_resumes_without_duplicates_or_losses(tmp_path):
    truth = generate(tmp_path / "in", N, seed=21)
    db = str(tmp_path / "corpus.db")
    cmd = [sys.executable, "-m", "gongkai", "ingest", str(tmp_path / "in"), "--db", db, "--workers", "2", "-q"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while _count(db) < N // 4 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the first run finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)  # the parent and its pool workers, no clean-up
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    stored_at_kill = _count(db)
    assert N // 4 <= stored_at_kill < N

    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"新入库 {N - stored_at_kill} 份，更新 0 份，未变化跳过 {stored_at_kill} 份，失败 0 份" in done.stdout

    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT COUNT(*), COUNT(DISTINCT sha256), COUNT(DISTINCT name) FROM documents"
                           ).fetchone() == (N, N, N)
        assert con.execute("SELECT COUNT(*) FROM document_paths").fetchone()[0] == N
        assert con.execute("SELECT COUNT(*) FROM documents WHERE status <> 'ok'").fetchone()[0] == 0
        stored = {}
        for name, cell_id, value in con.execute(
                "SELECT d.name, c.cell_id, c.value FROM cells c JOIN documents d ON d.id = c.document_id"):
            stored[(name, cell_id)] = value
    finally:
        con.close()
    expected = {(name, c): v for name, s in truth.items() for c, v in s.cells.items()}
    assert set(stored) == set(expected)
    assert all(Decimal(str(stored[k])) == Decimal(str(v)) for k, v in expected.items())
