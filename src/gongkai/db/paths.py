"""Where gongkai keeps its files on this machine (XDG base directories)."""

from __future__ import annotations

import os
from pathlib import Path


def data_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "gongkai"


def config_home() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "gongkai"


def default_register_path() -> Path:
    """The registers' default store: the request register, the disclosure log and the calendar."""
    return data_home() / "gongkai.db"


def default_corpus_path() -> Path:
    return data_home() / "corpus.db"
