"""Every setting gongkai takes from the environment, read in this one module.

Each ``GONGKAI_*`` variable is declared once in ``VARIABLES`` (its field, its kind, its default)
and documented in one table, docs/settings.md (a test keeps the two and the code in step).
``current()`` returns them as one typed, checked ``Settings``: a wrong value (``GONGKAI_TODAY=
tomorrow``) is a Chinese error naming the variable, not a crash where it is used.  It is built
once per environment: a test or ``gongkai serve`` that sets a variable gets a fresh one.

The four databases, for which ``--db`` means different things in different commands, are
described in docs/settings.md as well.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gongkai.errors import GongkaiError
from gongkai.records import record

if TYPE_CHECKING:  # datetime is imported where a date is read (start-up: the caches need no date)
    from datetime import date


@record(frozen=True)
class Settings:
    # -- the command line
    debug: bool = False  # GONGKAI_DEBUG: an internal error shows its traceback
    actor: str | None = None  # GONGKAI_ACTOR: who the register and log commands record (default: login name)
    # -- the registers: requests (依申请公开台账), the disclosure log (主动公开台账), the calendar
    db: str | None = None  # GONGKAI_DB: their database (None: <data home>/gongkai.db)
    register_settings: Path | None = None  # GONGKAI_REGISTER_SETTINGS: the site's register settings file
    disclosure_vocab: Path | None = None  # GONGKAI_DISCLOSURE_VOCAB: the site's log vocabulary file
    letter_templates: Path | None = None  # GONGKAI_LETTER_TEMPLATES: the office's letter templates
    # -- the corpus
    corpus_url: str | None = None  # GONGKAI_CORPUS_URL: the corpus database (None: <data home>/corpus.db)
    # -- reading
    pure_python: bool = False  # GONGKAI_PURE_PYTHON: the Python HTML walk instead of the compiled one
    cache: str | None = None  # GONGKAI_CACHE: the cache of parsed data files ("0": none; None: <cache home>)
    # -- the web application
    web_home: Path | None = None  # GONGKAI_WEB_HOME: its data directory (None: <data home>/web)
    web_db: str | None = None  # GONGKAI_WEB_DB: its database (None: <web home>/web.sqlite3)
    web_hosts: tuple[str, ...] = ()  # GONGKAI_WEB_HOSTS: host names it answers besides localhost
    web_debug: bool = False  # GONGKAI_WEB_DEBUG: Django's debug pages
    web_secret_key: str | None = None  # GONGKAI_WEB_SECRET_KEY (None: a key kept in <web home>)
    web_secure: bool = False  # GONGKAI_WEB_SECURE: behind an HTTPS proxy
    web_origins: tuple[str, ...] = ()  # GONGKAI_WEB_ORIGINS: trusted origins for CSRF
    web_max_upload_mb: int = 20  # GONGKAI_WEB_MAX_UPLOAD_MB: the largest upload
    today: date | None = None  # GONGKAI_TODAY: a fixed "today" for the web (demonstrations, tests)

    # Defaults that depend on the machine (XDG directories) are resolved here, not at import
    # (nor is the database layer, where the directories are named: a parse needs no sqlite3).
    def register_settings_path(self) -> Path:
        from gongkai.db.paths import config_home

        return self.register_settings or config_home() / "register.yaml"

    def disclosure_vocab_path(self) -> Path:
        from gongkai.db.paths import config_home

        return self.disclosure_vocab or config_home() / "disclosure.yaml"

    def letter_templates_dir(self) -> Path:
        from gongkai.db.paths import config_home

        return self.letter_templates or config_home() / "letters"

    def web_home_dir(self) -> Path:
        from gongkai.db.paths import data_home

        return self.web_home or data_home() / "web"

    def web_sqlite_path(self) -> Path | None:
        """The web application's SQLite file as its server opens it (``web/settings.py``):
        GONGKAI_WEB_DB's sqlite:/// path, else <web home>/web.sqlite3; None on PostgreSQL."""
        from urllib.parse import unquote

        if not self.web_db:
            return self.web_home_dir() / "web.sqlite3"
        return Path(unquote(self.web_db[len("sqlite:///"):])) if self.web_db.startswith("sqlite:///") else None

    def cache_dir(self) -> Path | None:
        """The cache of parsed data files (gongkai.shipped); None when GONGKAI_CACHE turns it off."""
        return _cache_dir(self.cache)


def _cache_dir(cache: str | None) -> Path | None:
    if cache is None:  # XDG's cache home (named here: a parse needs no database layer)
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path("~/.cache").expanduser())
        return base / "gongkai" if base.is_absolute() else None  # no home directory: no cache
    if cache.lower() in _FALSE:
        return None
    return Path(cache).expanduser()


def cache_dir() -> Path | None:
    """``current().cache_dir()``, reading GONGKAI_CACHE alone: the caches are opened before
    anything else, and a text parse needs no other setting (building them all at start-up was
    eighteen variables read and a record made for one)."""
    raw = os.environ.get("GONGKAI_CACHE")
    return _cache_dir(_text("GONGKAI_CACHE", raw) if raw else None)


def default_actor(fallback: str) -> str:
    """Who a register or log command records when none is named: GONGKAI_ACTOR, else the login name."""
    actor = current().actor
    if actor:
        return actor
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some containers
        return fallback


# -- how a value is read -------------------------------------------------------------------
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def _flag(name: str, value: str) -> bool:
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise GongkaiError(f"环境变量 {name} 的值“{value}”无法识别：应为 1（开启）或 0（关闭）。")


def _text(name: str, value: str) -> str | None:
    return value.strip() or None


def _path(name: str, value: str) -> Path | None:
    return Path(value).expanduser() if value.strip() else None


def _names(name: str, value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _megabytes(name: str, value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise GongkaiError(f"环境变量 {name} 的值“{value}”无效：应为正整数（兆字节）。")
    return n


def _date(name: str, value: str) -> date | None:
    from datetime import date

    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise GongkaiError(f"环境变量 {name} 的值“{value}”不是有效的日期：应写成 2026-03-10。") from None


# variable -> (field of Settings, reader)
VARIABLES: dict[str, tuple[str, Callable[[str, str], Any]]] = {
    "GONGKAI_DEBUG": ("debug", _flag),
    "GONGKAI_ACTOR": ("actor", _text),
    "GONGKAI_DB": ("db", _text),
    "GONGKAI_REGISTER_SETTINGS": ("register_settings", _path),
    "GONGKAI_DISCLOSURE_VOCAB": ("disclosure_vocab", _path),
    "GONGKAI_LETTER_TEMPLATES": ("letter_templates", _path),
    "GONGKAI_CORPUS_URL": ("corpus_url", _text),
    "GONGKAI_PURE_PYTHON": ("pure_python", _flag),
    "GONGKAI_CACHE": ("cache", _text),
    "GONGKAI_WEB_HOME": ("web_home", _path),
    "GONGKAI_WEB_DB": ("web_db", _text),
    "GONGKAI_WEB_HOSTS": ("web_hosts", _names),
    "GONGKAI_WEB_DEBUG": ("web_debug", _flag),
    "GONGKAI_WEB_SECRET_KEY": ("web_secret_key", _text),
    "GONGKAI_WEB_SECURE": ("web_secure", _flag),
    "GONGKAI_WEB_ORIGINS": ("web_origins", _names),
    "GONGKAI_WEB_MAX_UPLOAD_MB": ("web_max_upload_mb", _megabytes),
    "GONGKAI_TODAY": ("today", _date),
}
# The machine's directories the defaults depend on.
_ALSO_READ = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "HOME")


def from_environ(environ: Mapping[str, str]) -> Settings:
    """The settings a given environment holds (unset or empty variables keep their defaults)."""
    values = {}
    for name, (attribute, read) in VARIABLES.items():
        raw = environ.get(name)
        if raw is not None and raw != "":
            values[attribute] = read(name, raw)
    return Settings(**values)


def current() -> Settings:
    """The settings of this process's environment as it is now."""
    return _cached(tuple(os.environ.get(name) for name in (*VARIABLES, *_ALSO_READ)))


@lru_cache(maxsize=8)
def _cached(_key: tuple) -> Settings:
    return from_environ(os.environ)


__all__ = ["Settings", "VARIABLES", "cache_dir", "current", "default_actor", "from_environ"]
