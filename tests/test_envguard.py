"""The guard of tests/envguard.py fails the test that leaves a GONGKAI_* variable changed, and
only that one."""

from __future__ import annotations

import os

import pytest

LEAKY = '''
import os

import pytest


def test_sets_and_leaves_it():
    os.environ["GONGKAI_PROBE_LEFT"] = "1"


def test_sets_it_with_monkeypatch(monkeypatch):
    monkeypatch.setenv("GONGKAI_PROBE_PATCHED", "1")


def test_after():
    assert os.environ["GONGKAI_PROBE_LEFT"] == "1"
'''


def test_a_test_that_leaves_a_gongkai_variable_set_fails_in_its_teardown(pytester: pytest.Pytester):
    pytester.makepyfile(test_leaky=LEAKY)
    try:
        result = pytester.runpytest_inprocess("-p", "tests.envguard", "-p", "no:cacheprovider", "-q")
    finally:
        os.environ.pop("GONGKAI_PROBE_LEFT", None)
    result.assert_outcomes(passed=3, errors=1)
    assert "ERROR at teardown of test_sets_and_leaves_it" in result.stdout.str()
    result.stdout.fnmatch_lines(["*the test left GONGKAI_* changed (use monkeypatch.setenv): "
                                 "GONGKAI_PROBE_LEFT: （未设置） → 1*"])
    assert "GONGKAI_PROBE_PATCHED" not in result.stdout.str()
