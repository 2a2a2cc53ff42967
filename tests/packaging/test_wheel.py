"""The wheel a user installs holds every file of the package, and nothing else.

A wheel once lacked the register's SQL migrations: ``gongkai register add`` failed for every user
while the tests, on an editable checkout, passed.  Here the built wheel's files are compared with
the files git tracks under ``src/``.  CI (scripts/test.sh) builds the wheel once for its smoke pass
and hands it over in ``GONGKAI_WHEEL``; elsewhere this test builds one.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Files the build makes from the sources: the compiled HTML walker and PDF page reader.
BUILT = re.compile(r"gongkai/read/_(htmlwalk|pdfpage)\.cpython-[^/]+\.so")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    given = os.environ.get("GONGKAI_WHEEL")
    if given:
        return Path(given)
    if subprocess.run(["git", "-C", str(ROOT), "rev-parse"], capture_output=True).returncode:
        pytest.fail("not a git checkout: the tracked files cannot be listed")
    # Build from a copy of the tracked files, as scripts/smoke.sh does: no leftovers of this tree.
    copy = tmp_path_factory.mktemp("src")
    files = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True).stdout
    subprocess.run(["tar", "--null", "-T", "-", "-cf", "-"], input=files, cwd=ROOT, check=True,
                   stdout=open(copy / "src.tar", "wb"))
    subprocess.run(["tar", "-xf", "src.tar"], cwd=copy, check=True)
    (copy / "src.tar").unlink()
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--disable-pip-version-check", "--no-deps", "-w",
                    str(dist), str(copy)], check=True, timeout=600)
    return next(dist.glob("gongkai-*.whl"))


def tracked_package_files() -> set[str]:
    out = subprocess.run(["git", "-C", str(ROOT), "ls-files", "src/gongkai"], capture_output=True, text=True,
                         check=True).stdout
    return {line.removeprefix("src/") for line in out.splitlines() if (ROOT / line).exists()}


def test_the_wheel_holds_exactly_the_tracked_package_files(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = {n for n in z.namelist() if not n.startswith("gongkai-") and not n.endswith("/")}
    built = {n for n in names if BUILT.fullmatch(n)}
    tracked = tracked_package_files()
    assert sorted(tracked - names) == []          # e.g. the register's migrations, a template
    assert sorted(names - tracked - built) == []  # e.g. the generated C file, __pycache__
    data = {n for n in tracked if not n.endswith(".py")}
    assert {"gongkai/register/migrations/0001_initial.sqlite.sql",
            "gongkai/log/migrations/5001_disclosure_log.sqlite.sql",
            "gongkai/workdays/migrations/6001_workday_notices.sqlite.sql",
            "gongkai/corpus/migrations/7001_corpus.sqlite.sql",
            "gongkai/web/templates/web/base.html",
            "gongkai/py.typed"} <= data  # PEP 561: a user's mypy reads the package's own types
    assert len(built) == 2, "a compiled accelerator (HTML walker, PDF page reader) is missing from the wheel (no C compiler?)"
