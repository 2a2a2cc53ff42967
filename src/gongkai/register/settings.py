"""Register settings: shipped defaults in ``data/settings.yaml``, overridden key by key by a
site file."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from gongkai.errors import GongkaiError
from gongkai.settings import current


def load_data(name: str) -> Any:
    """A YAML file shipped in ``gongkai/register/data``."""
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def read_yaml_file(path: Path) -> Any:
    """A site's YAML file (settings, calendar, vocabulary) through the safe loader."""
    from gongkai.safeload import load_yaml_file

    return load_yaml_file(path) or {}


def site_settings_path() -> Path:
    return current().register_settings_path()


@dataclass(frozen=True)
class Settings:
    reply_workdays: int
    max_extension_workdays: int
    correction_notice_workdays: int
    correction_period_workdays: int
    consultation_reply_workdays: int
    fee_payment_workdays: int
    fee_wait_pauses_deadline: bool
    due_soon_workdays: int
    agency: str
    review_body: str
    court: str
    doc_number_format: str
    fee_payment_method: str

    def replace(self, **changes: Any) -> Settings:
        return Settings(**{**self.__dict__, **changes})


def _build(values: dict[str, Any], source: str) -> Settings:
    fields = Settings.__dataclass_fields__
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise GongkaiError(f"未知的设置项：{'、'.join(unknown)}", source)
    kwargs: dict[str, Any] = {}
    for name, f in fields.items():
        value = values[name]
        want = {"int": int, "bool": bool, "str": str}[str(f.type)]  # annotations are strings here
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            raise GongkaiError(f"设置项 {name} 的值 {value!r} 类型不对", source)
        kwargs[name] = value
    return Settings(**kwargs)


@cache
def _cached(site: str, mtime: float) -> Settings:
    values = dict(load_data("settings.yaml"))
    path = Path(site)
    if mtime:
        extra = read_yaml_file(path)
        if not isinstance(extra, dict):
            raise GongkaiError("设置文件应为“键: 值”的形式", site)
        values.update(extra)
    return _build(values, site if mtime else "settings.yaml")


def load_settings(site: Path | None = None) -> Settings:
    """The shipped settings with the site file's (``site``, default GONGKAI_REGISTER_SETTINGS or
    the configuration folder's register.yaml), read again when the file changes."""
    path = site or site_settings_path()
    mtime = path.stat().st_mtime if path.exists() else 0.0
    return _cached(str(path), mtime)


def shipped_settings() -> Settings:
    """The shipped defaults alone, ignoring any site file (tests, reproducible figures)."""
    return _build(dict(load_data("settings.yaml")), "settings.yaml")
