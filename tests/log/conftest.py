"""Fixtures for the disclosure-log tests: a home and calendar isolated from any site file, a
fresh log per test, and (for the PostgreSQL tests) the register's throwaway cluster."""

from __future__ import annotations

import pytest

from gongkai.log.store import DisclosureLog
from gongkai.workdays import load_calendar


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for var in ("GONGKAI_WORKDAYS", "GONGKAI_REGISTER_SETTINGS", "GONGKAI_DISCLOSURE_VOCAB", "GONGKAI_DB"):
        monkeypatch.delenv(var, raising=False)
    # The log records nothing dated after the office's today: the tests' today is fixed (after every
    # date they enter), never the machine's clock (tests/envguard.py keeps other tests from leaving one set).
    monkeypatch.setenv("GONGKAI_TODAY", "2026-12-03")


@pytest.fixture
def cal(tmp_path):
    return load_calendar()


@pytest.fixture
def db_url(tmp_path):
    return str(tmp_path / "store.db")


@pytest.fixture
def log(db_url, cal):
    with DisclosureLog(db_url, calendar=cal, create=True) as lg:
        yield lg
