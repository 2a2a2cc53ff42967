"""The register's event kinds, declared once in ``data/events.yaml``: their fields, how a value
entered anywhere (CLI, web form, JSON API, import) becomes a stored value, and the *effective*
history — the steps as they stand after corrections (更正), voids (作废) and deliveries (送达).

Nothing here touches the database or the clock; :mod:`case` holds the rules between steps.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache
from typing import Any

from gongkai.errors import GongkaiError
from gongkai.format.text import clean_text
from gongkai.register.settings import Settings, load_data

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
# How a refused date is to be written: said in every message about one (CLI, web, imports).
DATE_HINT = "请写成 2025-09-26 或 2025年9月26日"


@dataclass(frozen=True)
class Event:
    """One step of a request's history.  ``id`` is its number within the request (1 is the
    registration), as ``register show`` lists it and ``void``/``deliver`` name it."""

    kind: str
    on: date
    data: dict[str, Any] = field(default_factory=dict)
    actor: str = ""
    recorded_at: str = ""
    id: int = 0


class MissingValue(GongkaiError):
    """A step lacks a value it must have: ``what`` says which (the CLI adds the option of
    ``field``); ``setting``: the register setting that may give it for every step instead."""

    def __init__(self, what: str, field: Field, setting: str | None = None):
        super().__init__(what + (f"（或由管理员在台账设置 {setting} 中统一填写）" if setting else ""))
        self.what, self.field, self.setting = what, field, setting


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    label: str
    required: bool = False
    for_letter: bool = False   # required for the step's letter: of a step recorded now, not of an imported one
    required_when: tuple[tuple[str, tuple[str, ...]], ...] = ()
    default: Any = None
    private: bool = False
    choices: str | None = None
    flag: str | None = None
    positional: bool = False
    computed: bool = False
    help: str = ""
    imported_default: bool = False   # a blank in a record imported from a 台账 means the default too

    @property
    def option(self) -> str:
        """The CLI option, e.g. ``--body-contact``."""
        return "--" + (self.flag or self.name).replace("_", "-")


@dataclass(frozen=True)
class Kind:
    id: str
    label: str
    command: str
    help: str
    article: str = ""
    clock: str | None = None
    letter: str | None = None
    numbered: bool = False
    dated_today: bool = False
    offered_in: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()

    @property
    def meta(self) -> bool:
        return self.id in _spec()["meta"]

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def entered(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if not f.computed)

    def clean(self, values: Mapping[str, Any], settings: Settings | None = None,
              imported: bool = False) -> dict[str, Any]:
        """The stored data of this step from what a user entered (strings or typed values):
        unknown fields refused, each value checked and normalised, defaults filled in.
        ``imported``: a step kept elsewhere before (an import) — no default is filled in (a blank
        is not known to mean it: never invent a number), unless the field says a blank means it
        (``imported_default``); a field required only for its letter (``for_letter``) may be absent."""
        unknown = sorted(k for k, v in values.items() if self.field(k) is None and v not in (None, ""))
        if unknown:
            raise GongkaiError(f"“{self.label}”没有“{unknown[0]}”这一项（可填：{'、'.join(f.name for f in self.entered) or '无'}）")
        out: dict[str, Any] = {}
        for f in self.entered:
            value = values.get(f.name)
            if value in (None, "") and (not imported or f.imported_default):
                value = _default(f, settings)
            if value in (None, ""):
                continue
            parsed = parse_value(f, value)
            if parsed is not None:
                out[f.name] = parsed
        for f in self.entered:
            if f.name not in out and (when := _needed(f, out, imported)) is not None:
                setting = f.default[len("setting:"):] if str(f.default).startswith("setting:") and not imported else None
                why = "；".join(x for x in (self._condition(when, out), self.article) if x)
                raise MissingValue(f"{self.label}须填写“{f.label}”" + (f"（{why}）" if why else ""), f, setting)
        return out

    def check_amended(self, before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
        """A correction (更正) may not leave this step without a value its corrected content
        requires (a reply corrected to 部分公开 needs its 答复要点): that value is corrected first.
        A value already missing before (an imported step) is not the correction's doing."""
        for f in self.entered:
            if after.get(f.name) not in (None, "") or (when := _needed(f, after)) is None:
                continue
            if before.get(f.name) in (None, "") and _needed(f, before) is not None:
                continue
            why = "；".join(x for x in (self._condition(when, after), self.article) if x)
            raise MissingValue(f"更正后，{self.label}须填写“{f.label}”" + (f"（{why}）" if why else "")
                               + f"；请先更正“{f.label}”，再更正这一项", f)   # the label is what amend takes

    def _condition(self, other: str, data: Mapping[str, Any]) -> str:
        """“办理结果为“部分公开”时”: the value of ``other`` that made a field required."""
        f = self.field(other) if other else None
        if f is None:
            return ""
        label = shown(f, data[other]).split("：")[0]
        cut = label.rfind("（")   # （二）部分公开（区分处理的，…） → （二）部分公开
        return f"{f.label}为“{label[:cut] if cut > 0 and label.endswith('）') else label}”时"


def _default(f: Field, settings: Settings | None) -> Any:
    if isinstance(f.default, str) and f.default.startswith("setting:"):
        return getattr(settings, f.default[len("setting:"):]) if settings is not None else None
    return f.default


def _needed(f: Field, data: Mapping[str, Any], imported: bool = False) -> str | None:
    """Whether ``f`` must be given: None if not; "" if always; else the field whose value requires it."""
    if imported and f.for_letter:
        return None
    if f.required:
        return ""
    for other, values in f.required_when:
        have = data.get(other)
        if have not in (None, "") and (values == ("any",) or str(have) in values):
            return other
    return None


# -- values ------------------------------------------------------------------------------------
def parse_date(value: Any) -> date | None:
    """A date as clerks write it: 2025-09-26, 2025/9/26, 2025.9.26 or 2025年9月26日."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    m = _DATE.match(str(value).strip())
    if not m:
        raise ValueError(str(value))
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def parse_value(f: Field, value: Any) -> Any:
    """One entered value as stored: dates ISO, integers, choice ids, trimmed text."""
    if f.type == "date":
        try:
            day = parse_date(value)
        except ValueError:
            raise GongkaiError(f"{f.label}“{value}”不是有效日期，{DATE_HINT}") from None
        return day.isoformat() if day else None
    if f.type in ("int", "event"):
        return _positive(f, value)
    if f.type == "choice":
        return choice_id(f.choices or "", value, f.label)
    # control characters dropped (as in every text we keep): a NUL or \x01 typed or pasted into a name
    # was stored, and the register's Excel export failed on it ever after (PostgreSQL refuses a NUL)
    text = clean_text(str(value)).strip()
    return text or None


def _positive(f: Field, value: Any) -> int:
    try:
        n = value if isinstance(value, int) and not isinstance(value, bool) else int(str(value).strip())
    except ValueError:
        n = 0
    if n <= 0:
        raise GongkaiError(f"{f.label}应为正整数，不能是“{value}”")
    return n


def choices(name: str) -> dict[str, str]:
    """id -> label of a named vocabulary."""
    from gongkai.register.vocab import applicant_types, channels, outcomes

    if name == "applicant_types":
        return applicant_types()
    if name == "channels":
        return {k: c.label for k, c in channels().items()}
    if name == "outcomes":
        return outcomes()
    return dict(_spec()["choices"][name])


def choice_names(name: str) -> dict[str, list[str]]:
    """id -> every name a clerk may write for it (the label first) of a named vocabulary."""
    from gongkai.register.vocab import applicant_type_names, channels, outcome_names

    if name == "channels":
        return {k: [c.label, *c.aliases] for k, c in channels().items()}
    if name == "outcomes":
        return dict(outcome_names())
    if name == "applicant_types":
        return applicant_type_names()
    aliases = _spec().get("aliases", {}).get(name, {})
    return {k: [v, v.split("：")[0], *(a for a, t in aliases.items() if t == k)] for k, v in choices(name).items()}


def choice_id(name: str, value: Any, what: str) -> str:
    from gongkai.register.vocab import applicant_type_id, by_beginning, channel_id, outcome_id

    text = str(value).strip()
    special: dict[str, Callable[[str], str]] = {"applicant_types": applicant_type_id, "channels": channel_id,
                                                "outcomes": outcome_id}
    if name in special:
        return special[name](text)
    text = by_beginning(text, choice_names(name), what).strip()    # a unique beginning of a name
    table = choices(name)
    for key, label in table.items():
        if text in (key, label) or text == label.split("：")[0]:
            return key
    aliases = _spec().get("aliases", {}).get(name, {})
    if text in aliases:
        return aliases[text]
    raise GongkaiError(f"无法识别的{what}“{text}”（可用：{'、'.join(f'“{v}”' for v in table.values())}）")


def shown(f: Field, value: Any) -> str:
    """A stored value as a person reads it."""
    if f.type == "choice" and value not in (None, ""):
        return choices(f.choices or "").get(str(value), str(value))
    return "" if value is None else str(value)


# -- the declaration -----------------------------------------------------------------------------
@cache
def _spec() -> dict:
    return load_data("events.yaml")


@cache
def kinds() -> dict[str, Kind]:
    out = {}
    for kid, k in _spec()["kinds"].items():
        fields = tuple(_field(name, f) for name, f in (k.get("fields") or {}).items())
        out[kid] = Kind(kid, k["label"], k["command"], k.get("help", ""), k.get("article", ""), k.get("clock"),
                        k.get("letter"), bool(k.get("numbered")), k.get("date") == "today",
                        tuple(k.get("offered_in") or ()), fields)
    return out


def _field(name: str, f: dict) -> Field:
    when = tuple((other, ("any",) if values == "any" else tuple(str(v) for v in values))
                 for other, values in (f.get("required_when") or {}).items())
    return Field(name, f["type"], f["label"], bool(f.get("required")), bool(f.get("for_letter")), when, f.get("default"),
                 bool(f.get("private")), f.get("choices"), f.get("flag"), bool(f.get("positional")),
                 bool(f.get("computed")), f.get("help", ""), bool(f.get("imported_default")))


def kind(kid: str) -> Kind:
    try:
        return kinds()[kid]
    except KeyError:
        raise GongkaiError(f"未知的办理事项“{kid}”") from None


def by_letter() -> dict[str, str]:
    """letter kind -> the event kind it is about."""
    return {k.letter: k.id for k in kinds().values() if k.letter}


def labels() -> dict[str, str]:
    return {k.id: k.label for k in kinds().values()}


# -- the effective history -------------------------------------------------------------------------
def effective(history: Iterable[Event]) -> list[Event]:
    """The steps as they stand: voided steps left out, corrections applied, each letter's
    delivery (送达) written onto its step as ``delivered_on`` / ``delivery_method``; ordered by
    date, then by number.  Corrections, voids and deliveries themselves are not steps."""
    raw = sorted(history, key=lambda e: e.id)
    # a voided registration voids the request (its state says so); its facts stay readable
    void = {e.data.get("event") for e in raw if e.kind == "voided"} - {1}
    live = [e for e in raw if e.id not in void]
    steps = {e.id: e for e in live if not kinds()[e.kind].meta}
    for e in live:
        target = steps.get(int(e.data.get("event") or 0))
        if target is None:
            continue
        if e.kind == "amended":
            steps[target.id] = amend(target, e.data["field"], e.data["value"], e.data.get("ground"))
        elif e.kind == "delivered":
            steps[target.id] = replace(target, data={**target.data, "delivered_on": e.on.isoformat(),
                                                     "delivery_method": e.data.get("method")})
    return sorted(steps.values(), key=lambda e: (e.on, e.id))


# The items of Art. 36 a reply of each outcome may rest on (``ground``; none for the others).
GROUNDS = {"granted": ("1", "2"), "unable.not_held": ("4", "5")}


def grounds_for(outcome: Any) -> tuple[str, ...]:
    return GROUNDS.get(str(outcome or ""), ())


# The fields a due date is counted from (a registration's dates and channel, an extension's days).
COUNTED_FROM = {"on", "receipt_on", "channel", "workdays"}


def amend(step: Event, name: str, value: Any, ground: Any = None) -> Event:
    """``step`` as corrected; an outcome corrected takes the Art. 36 item given with it, and drops
    one the new outcome does not take (a reply counted in the wrong row: the reply as recorded
    keeps it)."""
    if name in COUNTED_FROM and "told_due" in step.data:
        # the due date its letter told was counted from the step as it was: corrected, the letter
        # printed again is a corrected one, and states the date counted now
        step = replace(step, data={k: v for k, v in step.data.items() if k != "told_due"})
    if name == "on":
        return replace(step, on=date.fromisoformat(str(value)))
    data = {**step.data, name: value}
    if name == "outcome" and ground is not None:
        data["ground"] = ground
    elif name == "outcome" and data.get("ground") is not None and data["ground"] not in grounds_for(value):
        data.pop("ground")
    if step.data.get("ground") == "5" and data.get("ground") != "5":
        # the responsible body is named only under Art. 36 (五): it goes with that item
        data.pop("body", None)
        data.pop("body_contact", None)
    return replace(step, data=data)


def amendable(step: Event, name: str) -> Field | None:
    """The field of ``step`` that may be corrected, named by its id, its label or its column in
    the exports (申请人姓名或名称, 姓名或名称 or name; 日期 or on: the step's date)."""
    name = str(name).strip()
    if step.kind == "registered" and name in RECEIPT_NAMES:
        # 收到日期 is not a field of its own: it is the submission date (the step's date) or the
        # 签收或确认日期, by the channel (条例第三十一条) — the one a correction of it changes
        from gongkai.register.vocab import channels

        channel = channels().get(str(step.data.get("channel") or ""))
        name = "on" if name in ("提交日期", "submitted_on") or channel is None or channel.receipt == "submitted" \
            else "receipt_on"
    if name in ("on", "日期"):
        return Field("on", "date", "日期", required=True)
    heads = _spec()["columns"]
    f = next((f for f in kinds()[step.kind].fields if name in (f.name, f.label, heads.get(f.name))), None)
    return f if f is not None and not f.computed else None


# the registration's dates as the request page, `show` and the export name them
RECEIPT_NAMES = ("收到日期", "received_on", "提交日期", "submitted_on")


def amendable_names(step: Event) -> list[str]:
    """What may be corrected in ``step``, as a clerk names it (for messages)."""
    return ["日期", *(["提交日期", "收到日期"] if step.kind == "registered" else []),
            *(f.label for f in kinds()[step.kind].entered)]
