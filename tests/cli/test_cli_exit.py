"""How the ``gongkai`` program ends: nothing but its own messages on stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _gongkai(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "GONGKAI_CACHE": str(cwd / "cache")}
    return subprocess.run([sys.executable, "-m", "gongkai", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_export_to_parquet_ends_without_a_library_complaining_about_leaks(tmp_path):
    # Freezing the collector before the exit left DuckDB's objects uncollected: its binding
    # then printed "nanobind: leaked 27 instances! …" (about 40 lines) after every export.
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_bytes((EXAMPLES / "000_a0c7fabfdf456585.txt").read_bytes())
    db = tmp_path / "corpus.db"
    done = _gongkai("ingest", "--db", str(db), "--workers", "1", "-q", str(source), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    done = _gongkai("export", "--db", str(db), "--to", "parquet", "-o", str(tmp_path / "pq"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "leaked" not in done.stderr and "nanobind" not in done.stderr
    assert done.stderr.startswith("语料库 ")  # its own summary, nothing after it
