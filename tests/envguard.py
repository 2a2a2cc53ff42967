"""A pytest plugin (tests/conftest.py loads it): no test leaves a GONGKAI_* variable changed.

gongkai reads its settings from GONGKAI_* variables (gongkai.settings).  A test that sets one
process-wide and leaves it set changes what every later test of the same process sees (under
pytest-xdist, whichever tests share its worker): the web tests' fixed today once made four log
tests fail, in the whole suite only.  Tests set these variables with ``monkeypatch`` (undone
after the test) or in a child process's environment.

A test fails (in its teardown) when it, or a function-scoped fixture of it, left a variable
changed; a test also fails, once, in its set-up when a variable changed before it — at import,
or by a module- or session-scoped fixture, which would change every test after it.
"""

from __future__ import annotations

import os

import pytest

PREFIX = "GONGKAI_"


def gongkai_environ() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name.startswith(PREFIX)}


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The variables set, changed or unset between two views, each as ``NAME: before → after``."""
    return [f"{name}: {before.get(name, '（未设置）')} → {after.get(name, '（未设置）')}"
            for name in sorted(before.keys() | after.keys()) if before.get(name) != after.get(name)]


_known: dict[str, dict[str, str]] = {}


def pytest_sessionstart(session) -> None:
    _known["environ"] = gongkai_environ()


@pytest.fixture(autouse=True)
def _gongkai_environ_unchanged(request):
    before = gongkai_environ()
    earlier = changed(_known.get("environ", before), before)
    _known["environ"] = before  # said once: the tests after this one are judged from here
    if earlier:
        pytest.fail("GONGKAI_* changed before this test (at import, or by a module- or session-scoped "
                    f"fixture), for every test after it: {'; '.join(earlier)}", pytrace=False)
    yield
    after = gongkai_environ()
    left = changed(before, after)
    _known["environ"] = after
    if left:
        pytest.fail(f"the test left GONGKAI_* changed (use monkeypatch.setenv): {'; '.join(left)}",
                    pytrace=False)
