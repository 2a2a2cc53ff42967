"""ruff and mypy, as configured in pyproject.toml, pass on the whole code (CI runs them here).

Before landing: ``ruff check src tests bench scripts`` and ``mypy``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff():
    p = _run("ruff", "check", "--no-cache", "src", "tests", "bench", "scripts")
    assert p.returncode == 0, p.stdout + p.stderr


def test_mypy():
    p = _run("mypy")
    assert p.returncode == 0, p.stdout + p.stderr
