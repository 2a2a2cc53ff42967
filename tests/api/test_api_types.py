"""A user's script that uses the Python API passes ``mypy --strict``: the API's types reach a
user's own type checking whole (``tests/face_types.py`` is such a script: every call README and
docs/dataset.md show, with the types it gets)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def test_a_users_script_passes_mypy_strict(tmp_path):
    script = tmp_path / "研究.py"
    script.write_text((ROOT / "tests" / "face_types.py").read_text(encoding="utf-8"), encoding="utf-8")
    # only the script is held to --strict (gongkai itself to the project's settings, tests/test_lint.py)
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--no-incremental",
                           "--config-file=", str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "MYPYPATH": str(ROOT / "src")})
    assert (done.returncode, done.stdout.splitlines()[-1:]) == (0, ["Success: no issues found in 1 source file"]), \
        done.stdout + done.stderr
