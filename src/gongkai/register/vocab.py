"""The register's vocabulary, from ``data/vocab.yaml`` and the national format: channels,
event kinds, states, applicant types (table-3 columns) and outcomes (table-3 rows)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from gongkai.errors import GongkaiError
from gongkai.format import FORMAT
from gongkai.register.settings import load_data

LAYOUT = "2021"


@dataclass(frozen=True)
class Channel:
    id: str
    label: str
    receipt: str  # submitted | signed | confirmed
    aliases: tuple[str, ...]


@cache
def _vocab() -> dict:
    return load_data("vocab.yaml")


@cache
def channels() -> dict[str, Channel]:
    return {k: Channel(k, v["label"], v["receipt"], tuple(v.get("aliases") or ()))
            for k, v in _vocab()["channels"].items()}


def event_labels() -> dict[str, str]:
    return _vocab()["events"]


def state_labels() -> dict[str, str]:
    return _vocab()["states"]


def event_field_labels() -> dict[str, str]:
    return _vocab()["event_fields"]


def party_labels() -> dict[str, str]:
    return _vocab()["consultation_parties"]


@cache
def applicant_types() -> dict[str, str]:
    """The six applicant columns of table 3: id -> label."""
    return {c.id: c.label for c in FORMAT.table3_columns if c.id != "total"}


@cache
def outcomes() -> dict[str, str]:
    """Outcome row ids of the 2021 layout (one per concluded request) -> label with its group."""
    layout = set(FORMAT.table3_layout(LAYOUT))
    out = {}
    for rid in FORMAT.table3_outcome_rows:
        if rid in layout:
            row = FORMAT.table3_rows[rid]
            group = row.group if row.group and not row.label.startswith(row.group) else ""
            out[rid] = f"{group}{row.label}"
    return out


def _match(text: str, table: dict[str, list[str]], what: str, source: str | None, place: str | None) -> str:
    key = (text or "").strip()
    for id_, names in table.items():
        if key == id_ or key in names:
            return id_
    raise GongkaiError(f"无法识别的{what}“{key}”（可用：{'、'.join(f'“{n[0]}”' for n in table.values())}）",
                       source, place)


def channel_id(text: str, source: str | None = None, place: str | None = None) -> str:
    table = {c.id: [c.label, *c.aliases] for c in channels().values()}
    return _match(text, table, "提交方式", source, place)


def applicant_type_id(text: str, source: str | None = None, place: str | None = None) -> str:
    table = {k: [v] + (["其他组织"] if k == "other_org" else []) + (["社会组织"] if k == "social_org" else [])
             for k, v in applicant_types().items()}
    return _match(text, table, "申请人类型", source, place)


@cache
def outcome_names() -> dict[str, list[str]]:
    """Outcome id -> every name a clerk may write for it (its own words first, the national
    format's label and variants, vocab.yaml's aliases)."""
    names = {}
    for rid, label in outcomes().items():
        row = FORMAT.table3_rows[rid]
        core = row.core
        names[rid] = [core, label, row.label, *row.variants, *(_vocab()["outcome_aliases"].get(rid) or ())]
    return names


@cache
def outcome_group_names() -> dict[str, list[str]]:
    """The groups of outcomes a filter may name: ``denied`` -> [不予公开, （三）不予公开] …"""
    groups: dict[str, list[str]] = {}
    for rid in outcomes():
        if "." in rid:
            group = FORMAT.table3_rows[rid].group or ""
            groups.setdefault(rid.split(".")[0], [group.split("）", 1)[-1], group])   # （三）不予公开
    return groups


def outcome_filter_names() -> dict[str, list[str]]:
    """What ``register list --outcome`` may name: a group of outcomes or one outcome."""
    return {**outcome_group_names(), **outcome_names()}


def outcome_id(text: str, source: str | None = None, place: str | None = None) -> str:
    return _match(text, outcome_names(), "办理结果", source, place)


def outcome_group(text: str) -> str:
    """An outcome id, or a group's (``denied``), for filters: named by its id or one of its
    names, exactly (the CLI expands a unique beginning first, as for every choice)."""
    return _match(text, outcome_filter_names(), "办理结果", None, "--outcome")
