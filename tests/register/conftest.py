"""Shared fixtures for the register tests: a calendar and settings isolated from any site file,
and a fresh register database per test."""

from __future__ import annotations

import pytest

from gongkai.register.settings import shipped_settings
from gongkai.workdays import load_calendar


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("GONGKAI_WORKDAYS", raising=False)
    monkeypatch.delenv("GONGKAI_REGISTER_SETTINGS", raising=False)


@pytest.fixture
def cal(tmp_path):
    return load_calendar()


@pytest.fixture
def settings():
    return shipped_settings()


@pytest.fixture
def db_url(tmp_path):
    return str(tmp_path / "register.db")
