"""The register's vocabulary, from ``data/vocab.yaml`` and the national format: channels,
event kinds, states, applicant types (table-3 columns) and outcomes (table-3 rows)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from gongkai.errors import GongkaiError
from gongkai.format import FORMAT
from gongkai.format.names import row_label
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
    # The format's own row label (（四）无法提供—1.本机关不掌握相关政府信息), as the checker and the
    # rendered report write it, so one outcome never reads two ways.
    return {rid: row_label("table3", rid, LAYOUT) for rid in FORMAT.table3_outcome_rows if rid in layout}


class AmbiguousChoice(GongkaiError):
    """A value that is the beginning of names of several choices (``本机关``): refused naming them."""


def by_beginning(text: str, names: Mapping[str, Sequence[str]], what: str) -> str:
    """How a choice may be written wherever a person enters one (the CLI's options, the JSON API, the
    web's forms, an imported file): ``text`` itself when it is an id or a name (label or alias) of
    ``names`` (id -> names, the label first), or when no name begins with it (the caller's exact
    match then says it is unknown); else the label of the one choice a name of which begins with it
    (``本机关不掌握`` -> 本机关不掌握相关政府信息) — or of the group when the choices it fits are a
    group and members of it (ids ``g`` and ``g.*``). One it fits several of is refused naming them."""
    key = (text or "").strip()
    if not key or any(key == tid or key in ns for tid, ns in names.items()):
        return text
    fits = {tid: ns[0] for tid, ns in names.items() if any(n.startswith(key) for n in ns)}
    groups = [tid for tid in fits if all(other == tid or other.startswith(f"{tid}.") for other in fits)]
    if groups:   # a group (``denied``) and members of it (``denied.state_secret``): the group
        return fits[groups[0]]
    if len(fits) > 1:
        raise AmbiguousChoice(f"{what}“{key}”不明确，以它开头的有：{'、'.join(fits.values())}；请多写几个字")
    return text


def _match(text: str, table: dict[str, list[str]], what: str, source: str | None, place: str | None) -> str:
    try:
        key = by_beginning(text or "", table, what).strip()
    except AmbiguousChoice as exc:
        raise AmbiguousChoice(exc.message, source, place) from None
    for id_, names in table.items():
        if key == id_ or key in names:
            return id_
    raise GongkaiError(f"无法识别的{what}“{key}”（可用：{'、'.join(f'“{n[0]}”' for n in table.values())}）",
                       source, place)


def channel_id(text: str, source: str | None = None, place: str | None = None) -> str:
    table = {c.id: [c.label, *c.aliases] for c in channels().values()}
    return _match(text, table, "提交方式", source, place)


def applicant_type_names() -> dict[str, list[str]]:
    """Applicant type id -> its table-3 column label and the other names clerks write."""
    more = {"other_org": ["其他组织"], "social_org": ["社会组织"]}
    return {k: [v, *more.get(k, ())] for k, v in applicant_types().items()}


def applicant_type_id(text: str, source: str | None = None, place: str | None = None) -> str:
    return _match(text, applicant_type_names(), "申请人类型", source, place)


@cache
def outcome_names() -> dict[str, list[str]]:
    """Outcome id -> every name a clerk may write for it (its own words first, the national
    format's label and variants, vocab.yaml's aliases)."""
    names = {}
    for rid, label in outcomes().items():
        row = FORMAT.table3_rows[rid]
        core = row.core
        # group and label run together, as exports before 0.9.4 wrote them: still read on import
        joined = f"{row.group}{row.label}" if row.group and not row.label.startswith(row.group) else row.label
        names[rid] = [core, label, joined, row.label, *row.variants, *(_vocab()["outcome_aliases"].get(rid) or ())]
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
    """An outcome id, or a group's (``denied``), for filters: named by its id, one of its names or
    a unique beginning of one (``by_beginning``, as for every choice)."""
    return _match(text, outcome_filter_names(), "办理结果", None, "--outcome")
