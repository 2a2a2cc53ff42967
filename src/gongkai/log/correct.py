"""Corrections in the proactive-disclosure log (更正, 作废), as in the request register.

An entry of the log is never changed.  A mistake in it is put right by a new entry: an *amend*
(one field of one entry: what it was, what it should be, why, who, when) or a *void* (an entry
recorded by mistake — a publication on the wrong item, a review that never happened, a whole item
entered twice).  The log applies the corrections when an item is read (:func:`apply`), so every
figure, table 2, duty and export follows the corrected facts, and the item's 登记记录 shows the
entry as recorded beside its correction.

An item's entries are numbered in the order recorded (:func:`recorded_entries`, the registration
first): ``gongkai log show`` and the web's item page show the numbers, and ``log amend``/``log
void`` (and the export's 所涉记录 column) name an entry by it.  In the store a correction names its
entry by table and row, so a number is only ever a way to point.  Which fields of which entry
may be amended is declared in ``data/steps.yaml`` (``amend``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from gongkai.errors import GongkaiError
from gongkai.log.vocab import (
    attributes,
    channel_id,
    channels,
    endings,
    entry_columns,
    kinds,
    norm,
    resolve,
    resolve_channel,
    review_steps,
    steps,
)

if TYPE_CHECKING:
    from gongkai.log.store import NewItem

# The attribute of each entry's object that a declared field names (registration and end live on
# the item itself).
_ATTRS: dict[str, dict[str, str]] = {
    "registered": {"title": "title", "doc_no": "doc_no", "kind": "kind", "on": "made_on", "attribute": "attribute",
                   "reason": "attribute_reason", "existing": "existing"},
    "reviewed": {"person": "person", "on": "on"},
    "adjusted": {"on": "on", "attribute": "attribute", "reason": "reason"},
    "changed": {"on": "on", "note": "note"},
    "published": {"channel": "channel", "column": "column", "on": "on", "url": "url"},
    "ended": {"on": "ended_on", "ending": "ended_kind", "note": "ended_note"},
}
LISTS = {"reviewed": "reviews", "adjusted": "attribute_changes", "changed": "changes", "published": "publications",
         "ended_again": "later_ends"}
_RANK = {"registered": 0, "reviewed": 1, "adjusted": 2, "changed": 3, "published": 4, "ended": 5, "amended": 6,
         "voided": 6}
CORRECTIONS = ("amended", "voided")
_DATE_WORDS = {"registered": "形成日期", "reviewed": "审核日期", "adjusted": "调整日期", "changed": "变更日期",
               "published": "公开日期", "ended": "废止或失效日期"}


@dataclass
class Correction:
    """An amend or void of one entry.  ``entry``: the corrected entry's object — a Review, Change,
    Publication or AttributeChange, or the item itself (its registration, its end)."""

    kind: str          # amended | voided
    step: str          # the corrected entry's kind: registered, reviewed, adjusted, changed, published, ended
    entry: Any
    field: str = ""    # amended: a field declared in steps.yaml (``amend``)
    old_value: str = ""
    value: str = ""
    reason: str = ""
    on: date | None = None
    actor: str = ""
    recorded_at: str = ""
    id: int = 0


@dataclass
class Entry:
    """One entry of an item as recorded: its kind, its object, its date, who recorded it and when."""

    step: str
    obj: Any
    on: date | None
    actor: str
    recorded_at: str


def moment(stamp: str) -> tuple[int, str]:
    """A stored time stamp for ordering (stamps of other offsets compared as instants; a blank or
    unreadable one — an old import — last, as written)."""
    try:
        when = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return (1, str(stamp))
    if when.tzinfo is None:
        return (0, when.isoformat())
    return (0, when.astimezone(UTC).replace(tzinfo=None).isoformat())


def recorded_entries(raw: NewItem) -> list[Entry]:
    """Every entry of an item as recorded, corrections included, in the order recorded: the
    registration first, then by the moment recorded (to the second), entries of the same second
    by their own date, kind and row, corrections after them.  Entry ``n`` is ``[n - 1]``."""
    rest = [Entry("reviewed", r, r.on, r.actor, r.recorded_at) for r in raw.reviews]
    rest += [Entry("adjusted", a, a.on, a.actor, a.recorded_at) for a in raw.attribute_changes]
    rest += [Entry("changed", c, c.on, c.actor, c.recorded_at) for c in raw.changes]
    rest += [Entry("published", p, p.on, p.actor, p.recorded_at) for p in raw.publications]
    if raw.ended_kind:
        rest.append(Entry("ended", raw, raw.ended_on, raw.ended_by, raw.ended_at))
    rest += [Entry("ended", x, x.ended_on, x.actor, x.recorded_at) for x in raw.later_ends]
    rest += [Entry(c.kind, c, c.on, c.actor, c.recorded_at) for c in raw.corrections]
    rest.sort(key=lambda e: (moment(e.recorded_at), e.step in CORRECTIONS, e.on or date.min, _RANK[e.step],
                             getattr(e.obj, "id", 0)))
    return [Entry("registered", raw, raw.made_on, raw.created_by, raw.created_at), *rest]


def number_of(raw: NewItem, obj: Any, step: str) -> int:
    """The number of an entry in the item's 登记记录 (0 when not found)."""
    for n, e in enumerate(recorded_entries(raw), 1):
        if e.obj is obj and e.step == step:
            return n
    return 0


def apply(raw: NewItem, corrections: list[Correction]) -> tuple[NewItem, bool, dict[int, Any]]:
    """The item as its corrections make it: (the corrected item, whether its registration is void,
    the raw entry object's id -> its corrected copy).  ``raw`` is left as recorded."""
    if not corrections:
        return raw, False, {}
    copies: dict[int, Any] = {}

    def copy(x):
        copies[id(x)] = c = replace(x)
        return c

    new = replace(raw, reviews=[copy(r) for r in raw.reviews], changes=[copy(c) for c in raw.changes],
                  publications=[copy(p) for p in raw.publications],
                  attribute_changes=[copy(a) for a in raw.attribute_changes],
                  later_ends=[copy(x) for x in raw.later_ends], corrections=[])
    copies[id(raw)] = new
    void = False
    ends_void: set[int] = set()
    for c in corrections:
        target = copies.get(id(c.entry))
        if target is None:   # pragma: no cover - a correction always names an entry of its item
            continue
        if c.kind == "voided":
            if c.step == "registered":
                void = True
            elif c.step == "ended":
                ends_void.add(id(target))
            else:
                entries = getattr(new, LISTS[c.step])
                entries[:] = [e for e in entries if e is not target]
        else:
            setattr(target, _ATTRS[c.step][c.field], stored(c.field, c.value))
    ends = ([new] if raw.ended_kind else []) + new.later_ends
    live = [e for e in ends if id(e) not in ends_void]   # the end in force: the last not voided
    last = live[-1] if live else None
    if last is not new:
        new.ended_kind, new.ended_on, new.ended_note = ((last.ended_kind, last.ended_on, last.ended_note) if last
                                                        else (None, None, ""))
    new.changes.sort(key=lambda e: e.on)
    new.publications.sort(key=lambda e: e.on)
    running, why = new.attribute, new.attribute_reason
    for a in new.attribute_changes:   # each adjustment from the attribute before it, as corrected
        a.old_attribute, a.old_reason = running, why
        running, why = a.attribute, a.reason
    return new, void, copies


def live_ends(raw: NewItem, corrections: list[Correction]) -> int:
    """How many of an item's ends (废止/失效) are not voided (more than one: refused)."""
    ends = ([raw] if raw.ended_kind else []) + list(raw.later_ends)
    voided = {id(c.entry) for c in corrections if c.kind == "voided" and c.step == "ended"}
    return sum(id(e) not in voided for e in ends)


def row_of(item_id: int, obj: Any) -> int:
    """The row a correction names for an entry: the item's own for its registration and first end."""
    return int(getattr(obj, "id", item_id))


def stored(name: str, value: str) -> Any:
    """A field's value from its stored text."""
    if name == "on":
        return date.fromisoformat(value)
    if name == "existing":
        return value == "1"
    return value


def written(name: str, value: Any) -> str:
    """A field's value as stored (the inverse of :func:`stored`)."""
    if name == "on":
        return value.isoformat() if isinstance(value, date) else str(value)
    if name == "existing":
        return "1" if value else ""
    return str(value or "")


def shown(name: str, value: str, blank: str = "（空）") -> str:
    """A stored value as people read it (labels for vocabulary ids; ``blank`` for nothing)."""
    vocabularies: dict[str, dict[str, Any]] = {"kind": kinds(), "attribute": attributes(), "ending": endings(),
                                               "channel": channels()}
    terms = vocabularies.get(name, {})
    if name == "existing":
        return "是" if value == "1" else ("否" if blank else "")
    if value in terms:
        return terms[value].label
    return value if value != "" else blank


def amendable(step: str) -> list[str]:
    return [str(f) for f in steps()[step].get("amend") or []]


def field_label(step: str, name: str) -> str:
    return _DATE_WORDS[step] if name == "on" else entry_columns().get(name, name)


def field_named(step: str, text: str, n: int) -> str:
    """The declared field of entry ``n`` (of kind ``step``) that ``text`` names: its id, its column
    label (公开渠道 or 渠道), or for the date any word ending in 日期."""
    key = norm(text)
    for name in amendable(step):
        label = entry_columns().get(name, name)
        names = {norm(name), norm(label), norm(label.removeprefix("公开")), norm(field_label(step, name))}
        if key in names or (name == "on" and key.endswith("日期")):
            return name
    choices = "、".join(field_label(step, f) for f in amendable(step))
    raise GongkaiError(f"第{n}条（{steps()[step]['label']}）没有可更正的“{text}”，可更正：{choices}")


def canonical(step: str, name: str, text: str, target: Any) -> str:
    """The value a clerk typed for a field, checked and as stored; ``target``: the entry as it
    stands (its other fields decide e.g. a portal column)."""
    from gongkai.register.events import DATE_HINT
    from gongkai.register.events import parse_date as read_date

    value = text.strip()
    if name == "on":
        try:
            day = read_date(value)
        except ValueError:
            raise GongkaiError(f"{field_label(step, name)}“{text}”不是有效日期（{DATE_HINT}）") from None
        if day is None:
            raise GongkaiError(f"缺少{field_label(step, name)}")
        return day.isoformat()
    if name == "kind":
        return resolve(kinds(), value, "类别")
    if name == "attribute":
        return resolve(attributes(), value, "公开属性")
    if name == "ending":
        return resolve(endings(), value, "废止或失效")
    if name == "channel":
        return channel_id(value)
    if name == "column":
        return resolve_channel(target.channel, value)[1]
    if name == "existing":
        if value not in ("是", "否", ""):
            raise GongkaiError(f"“存量”应为“是”或“否”，而不是“{text}”")
        return "1" if value == "是" else ""
    if name == "title" and not value:
        raise GongkaiError("标题不能为空")
    return value


def current(step: str, name: str, target: Any) -> str:
    """A field's value in an entry as it stands, as stored."""
    return written(name, getattr(target, _ATTRS[step][name]))


def review_label(step: str) -> str:
    terms = review_steps()
    return terms[step].label if step in terms else step
