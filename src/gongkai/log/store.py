"""The proactive-disclosure log (主动公开台账) in the shared store.

An *item* is a document or a published piece of information: title, 文号, kind (规章 /
行政规范性文件 / other), the day it was made (形成), its 公开属性 with the reason when it is not
主动公开, the review chain 拟稿 → 核稿 → 审签 (who, when), changes (变更), the channels and
columns where it was published and when, and its end (废止 / 失效) with the date.

Rows are only ever added; an item's one allowed update is recording its end, once (the
database enforces both).  Every write is one transaction, and an import is one transaction for
the whole file.  All rules about what may be recorded live in :func:`check_item` and the
``_check_*`` helpers, used by the single writes and by imports alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from gongkai.db import now_stamp, office_today, open_registers, taking_turns
from gongkai.errors import GongkaiError, NotFound, shown
from gongkai.log import correct
from gongkai.log.correct import Correction
from gongkai.log.vocab import (
    Words,
    attributes,
    channels,
    endings,
    figures,
    held_words,
    kinds,
    resolve_channel,
    review_steps,
    site_file,
)
from gongkai.workdays import Calendar, load_calendar


def _d(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _lines(value: Any) -> tuple[str, ...]:
    return tuple(x for x in str(value or "").split("\n") if x)


def _day(value: Any) -> date:
    """A date from a column that is never empty (NOT NULL)."""
    return date.fromisoformat(str(value))


# Every entry keeps who recorded it and when (``actor``, ``recorded_at``): set by the log when
# written, read back with the entry, carried by an export and kept by an import.
@dataclass
class Review:
    step: str
    person: str
    on: date
    actor: str = ""
    recorded_at: str = ""
    id: int = 0   # the row (a correction names its entry by it)


@dataclass
class Change:
    on: date
    note: str = ""
    actor: str = ""
    recorded_at: str = ""
    id: int = 0


@dataclass
class Publication:
    channel: str
    column: str
    on: date
    url: str = ""
    actor: str = ""
    recorded_at: str = ""
    id: int = 0


@dataclass
class AttributeChange:
    on: date
    old_attribute: str
    old_reason: str
    attribute: str
    reason: str
    actor: str = ""
    recorded_at: str = ""
    id: int = 0


@dataclass
class End:
    """废止 or 失效 recorded again after the item's first end was voided (its fields named as the
    item's own, so a correction amends either alike)."""

    ended_kind: str
    ended_on: date
    ended_note: str = ""
    actor: str = ""
    recorded_at: str = ""
    id: int = 0


@dataclass
class NewItem:
    """What a clerk enters for a new item (or one row group of an imported list)."""

    title: str
    kind: str
    made_on: date
    attribute: str = "active"
    attribute_reason: str = ""
    doc_no: str = ""
    ref: str | None = None
    reviews: list[Review] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    publications: list[Publication] = field(default_factory=list)
    ended_kind: str | None = None
    ended_on: date | None = None
    ended_note: str = ""
    existing: bool = False   # 存量: an earlier year's document entered only to count what is in force
    # The rest only from an export being imported: the item's history as it was recorded.
    attribute_changes: list[AttributeChange] = field(default_factory=list)
    created_by: str = ""
    created_at: str = ""
    ended_by: str = ""
    ended_at: str = ""
    # Corrections (更正, 作废) of the entries above, in the order recorded; each names its entry's
    # object (from an export being imported, or as read from the store).
    corrections: list[Correction] = field(default_factory=list)
    later_ends: list[End] = field(default_factory=list)   # ends recorded after the first was voided

    def attribute_on(self, day: date) -> str:
        return _attribute_on(self.attribute, self.attribute_changes, day)   # ``attribute``: as made


def _attribute_on(first: str, changes: list[AttributeChange], day: date) -> str:
    """The 公开属性 on ``day``: ``first`` until the first adjustment, then each adjustment from its day."""
    current = first
    for ch in changes:
        if ch.on <= day:
            current = ch.attribute
    return current


@dataclass
class Item:
    id: int
    ref: str
    title: str
    doc_no: str
    kind: str
    made_on: date
    attribute: str
    attribute_reason: str
    ended_kind: str | None
    ended_on: date | None
    ended_note: str
    created_by: str
    created_at: str
    ended_by: str = ""
    ended_at: str = ""
    # 存量: a document of an earlier year entered only to count what is in force (table 2).  Its
    # publications are not held to the review chain (reviewed before the log knew it) and no
    # duty to publish is computed from days before it was entered.
    existing: bool = False
    reviews: dict[str, Review] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    publications: list[Publication] = field(default_factory=list)
    attribute_changes: list[AttributeChange] = field(default_factory=list)
    # Corrections: the facts above are the corrected ones; ``recorded`` is the item as its entries
    # were recorded (with ``corrections``), for its 登记记录; ``voided``: the registration itself
    # was voided (entered by mistake) — the item is left out of lists, figures and duties.
    voided: bool = False
    corrections: list[Correction] = field(default_factory=list)
    recorded: NewItem | None = None

    def attribute_on(self, day: date) -> str:
        """The 公开属性 the item had on ``day`` (adjustments take effect on their day)."""
        changes = self.attribute_changes
        return _attribute_on(changes[0].old_attribute if changes else self.attribute, changes, day)


    def in_force(self, on: date) -> bool:
        """Made by ``on`` and not yet ended: an end dated D takes effect on D."""
        return self.made_on <= on and (self.ended_on is None or self.ended_on > on)


def _ending(item: Item) -> str:
    """How an ended item ended (废止, 失效…)."""
    return endings()[item.ended_kind].label if item.ended_kind else ""


_ITEM_COLUMNS = ("id, ref, title, doc_no, kind, made_on, attribute, attribute_reason, ended_kind, ended_on, "
                 "ended_note, created_by, created_at, ended_by, ended_at, existing")


def _item(row: tuple) -> Item:
    return Item(row[0], row[1], row[2], row[3], row[4], _day(row[5]), row[6], row[7], row[8], _d(row[9]),
                row[10], row[11], row[12], row[13], row[14], bool(row[15]))


def _as_corrected(item: Item, raw: NewItem) -> None:
    """Fill ``item`` with its entries as recorded (``raw``) corrected by its corrections."""
    first = raw.attribute_changes[0] if raw.attribute_changes else None
    if first is not None:   # the attribute as registered (the item's columns hold the latest)
        raw.attribute, raw.attribute_reason = first.old_attribute, first.old_reason
    for name, attr in (("attribute", "attribute"), ("reason", "attribute_reason")):
        amended = next((c for c in raw.corrections if c.kind == "amended" and c.step == "registered"
                        and c.field == name), None)
        if amended is not None:   # ... and before an amend of it, what the first amend says it was
            setattr(raw, attr, amended.old_value)
    new, voided, _ = correct.apply(raw, raw.corrections)
    last = new.attribute_changes[-1] if new.attribute_changes else None
    item.title, item.doc_no, item.kind, item.made_on = new.title, new.doc_no, new.kind, new.made_on
    item.attribute, item.attribute_reason = (last.attribute, last.reason) if last else (new.attribute,
                                                                                         new.attribute_reason)
    item.existing, item.ended_kind, item.ended_on, item.ended_note = (new.existing, new.ended_kind, new.ended_on,
                                                                      new.ended_note)
    item.reviews = {r.step: r for r in new.reviews}
    item.changes, item.publications, item.attribute_changes = new.changes, new.publications, new.attribute_changes
    item.voided, item.corrections, item.recorded = voided, raw.corrections, raw


# -- rules ----------------------------------------------------------------------------------
def check_item(new: NewItem, imported: bool = False, this_year: int | None = None) -> None:
    """Everything that must hold for an item and its history, whichever way it is entered.

    ``imported``: a record from a body's existing list.  Its publications are history, so a
    publication without a recorded 审签 is accepted (many lists do not carry the review chain);
    a new publication entered in the log always needs the 审签 first.  ``this_year``: the log's
    own year (``DisclosureLog.today``), which tells an earlier year's document (存量) in a refusal."""
    if not new.title.strip():
        raise GongkaiError("缺少标题")
    if new.kind not in kinds():
        raise GongkaiError(f"类别“{new.kind}”无法识别")
    if new.attribute not in attributes():
        raise GongkaiError(f"公开属性“{new.attribute}”无法识别")
    kind, attr = kinds()[new.kind], attributes()[new.attribute]
    if kind.get("must_be_active") and new.attribute != "active":
        raise GongkaiError(f"{kind.label}应当主动公开（条例第二十条第（一）项），公开属性不能是“{attr.label}”")
    if attr.get("needs_reason") and not new.attribute_reason.strip():
        raise GongkaiError(f"公开属性为“{attr.label}”时须写明理由")
    if new.attribute == "active" and new.attribute_reason.strip():
        raise GongkaiError("公开属性为“主动公开”时不填写不公开理由")
    _check_reviews(new.reviews, new.made_on)
    for i, ch in enumerate(new.changes):
        if any(c.on == ch.on for c in new.changes[:i]):
            raise GongkaiError(f"{ch.on} 的变更已登记")
        _check_change(new, ch.on)
    _check_adjustments(new)
    signed = next((r.on for r in new.reviews if r.step == "sign"), None)
    for i, pub in enumerate(new.publications):
        if any((p.channel, p.column, p.on) == (pub.channel, pub.column, pub.on) for p in new.publications[:i]):
            raise GongkaiError(f"{pub.on} 在“{_where(pub)}”的公开重复")
        _check_publication(new, signed, pub, this_year, require_review=not (imported or new.existing))
    if new.ended_kind is not None or new.ended_on is not None:
        _check_end(new, new.ended_kind, new.ended_on)


def _where(pub: Publication) -> str:
    label = channels()[pub.channel].label if pub.channel in channels() else pub.channel
    return label + (f"/{pub.column}" if pub.column else "")


def _check_adjustments(new: NewItem) -> None:
    """The 公开属性 adjustments of an imported item, in order, from the attribute it was made with."""
    running, last = new.attribute, None
    for ch in new.attribute_changes:
        check_adjustment(new.kind, new.made_on, running, last, ch.attribute, ch.reason, ch.on, [])
        running, last = ch.attribute, ch.on


def check_adjustment(kind_id: str, made_on: date, current: str, last: date | None, attribute: str, reason: str,
                     on: date, publications: list[Publication]) -> None:
    """One adjustment of the 公开属性 (e.g. 依申请公开 → 主动公开 when its reason lapses)."""
    attrs, kind = attributes(), kinds()[kind_id]
    if attribute not in attrs:
        raise GongkaiError(f"公开属性“{attribute}”无法识别")
    label = attrs[attribute].label
    if attribute == current:
        raise GongkaiError(f"公开属性已经是“{label}”")
    if kind.get("must_be_active") and attribute != "active":
        raise GongkaiError(f"{kind.label}应当主动公开（条例第二十条第（一）项），公开属性不能是“{label}”")
    if attrs[attribute].get("needs_reason") and not reason.strip():
        raise GongkaiError(f"公开属性为“{label}”时须写明理由")
    if attribute == "active" and reason.strip():
        raise GongkaiError("公开属性为“主动公开”时不填写不公开理由")
    if on < made_on:
        raise GongkaiError(f"调整日期 {on} 早于形成日期 {made_on}")
    if last is not None and on < last:
        raise GongkaiError(f"调整日期 {on} 早于上一次调整（{last}）")
    later = [p.on for p in publications if p.on >= on]
    if attribute != "active" and later:
        raise GongkaiError(f"{max(later)} 已有公开记录，不能自 {on} 起调整为“{label}”（公开之日须为主动公开）")


def _check_reviews(reviews: list[Review], made_on: date) -> None:
    order = list(review_steps())
    labels = {k: t.label for k, t in review_steps().items()}
    seen: dict[str, Review] = {}
    for r in reviews:
        if r.step not in labels:
            raise GongkaiError(f"审核环节“{r.step}”无法识别，应为：{'、'.join(labels.values())}")
        if r.step in seen:
            raise GongkaiError(f"“{labels[r.step]}”已登记，不能重复登记")
        if not r.person.strip():
            raise GongkaiError(f"缺少{labels[r.step]}人")
        seen[r.step] = r
    for i, step in enumerate(order):
        if step not in seen:
            continue
        earlier = [s for s in order[:i]]
        missing = [labels[s] for s in earlier if s not in seen]
        if missing:
            raise GongkaiError(f"“{labels[step]}”之前须先完成“{'”“'.join(missing)}”（拟稿 → 核稿 → 审签）")
        if earlier and seen[step].on < seen[earlier[-1]].on:
            raise GongkaiError(f"{labels[step]}日期 {seen[step].on} 早于{labels[earlier[-1]]}日期 "
                               f"{seen[earlier[-1]].on}")
    if "sign" in seen and seen["sign"].on > made_on:
        raise GongkaiError(f"审签日期 {seen['sign'].on} 晚于形成日期 {made_on}（成文日期即签发日期，不能早于审签）")


def _check_change(new: NewItem | Item, on: date) -> None:
    if on <= new.made_on:
        raise GongkaiError(f"变更日期 {on} 应晚于形成日期 {new.made_on}")
    if new.ended_on is not None and on >= new.ended_on:
        raise GongkaiError(f"变更日期 {on} 不能晚于废止/失效日期 {new.ended_on}")


def _check_publication(new: NewItem | Item, signed: date | None, pub: Publication, this_year: int | None,
                       require_review: bool = True) -> None:
    attribute = new.attribute_on(pub.on)   # the attribute of the publication's day
    if attribute != "active":
        raise GongkaiError(f"{pub.on} 公开属性为“{attributes()[attribute].label}”，不能登记主动公开")
    if signed is None and require_review:
        earlier = this_year is not None and new.made_on.year < this_year   # the log's year, not the clock's
        raise GongkaiError("尚未审签，不能公开（拟稿 → 核稿 → 审签 完成后才能公开）" + (
            "；以前年度的存量文件仅为统计现行有效件数而登记时，登记时注明“存量”（gongkai log add --existing）"
            if earlier else ""))
    if pub.channel not in channels():
        raise GongkaiError(f"公开渠道“{pub.channel}”无法识别")
    if pub.on < new.made_on:
        raise GongkaiError(f"公开日期 {pub.on} 早于形成日期 {new.made_on}")
    if new.ended_on is not None and pub.on >= new.ended_on:
        raise GongkaiError(f"公开日期 {pub.on} 不能晚于废止/失效日期 {new.ended_on}")


def _check_end(new: NewItem | Item, kind: str | None, on: date | None) -> None:
    if kind not in endings():
        raise GongkaiError(f"“{kind}”不是废止或失效")
    if on is None:
        raise GongkaiError(f"缺少{endings()[kind].label}日期")
    if on < new.made_on:
        raise GongkaiError(f"{endings()[kind].label}日期 {on} 早于形成日期 {new.made_on}")


# -- the clock (条例 Art. 26) -------------------------------------------------------------
@dataclass
class Obligation:
    """One duty to publish: from the day an item was made or changed, 20 working days."""

    item: Item
    start: date
    reason: str          # 形成 | 变更
    due: date
    assumed: bool        # the calendar of some day on the way was not known
    published_on: date | None
    status: str          # on_time | late | pending | overdue | lapsed | withdrawn
    late_workdays: int = 0
    late_assumed: bool = False   # late_workdays counted over days of a year whose notice is not entered

    STATUS_ZH = {"on_time": "按时公开", "late": "逾期公开", "pending": "待公开", "overdue": "已逾期未公开",
                 "lapsed": "公开前已废止/失效", "withdrawn": "公开前已调整为非主动公开"}

    @property
    def status_zh(self) -> str:
        return self.STATUS_ZH[self.status]


def start_days(item: Item) -> list[tuple[date, str]]:
    """The days a duty to publish starts: made (形成) while 主动公开, each change (变更) while
    主动公开, and each adjustment of the 公开属性 to 主动公开 (属性调整)."""
    starts = []
    if item.attribute_on(item.made_on) == "active" and not any(
            a.on == item.made_on for a in item.attribute_changes):
        starts.append((item.made_on, "形成"))
    timeline = sorted([(a.on, 0, a) for a in item.attribute_changes] + [(c.on, 1, c) for c in item.changes],
                      key=lambda t: (t[0], t[1]))
    for on, _order, entry in timeline:
        if isinstance(entry, AttributeChange):
            before = entry.old_attribute
            if entry.attribute == "active" and before != "active":
                starts.append((on, "属性调整" if on != item.made_on else "形成"))
        elif item.attribute_on(on) == "active":
            starts.append((on, "变更"))
    return starts


def obligations(item: Item, calendar: Calendar, as_of: date, limit: int = 20) -> list[Obligation]:
    starts = start_days(item)
    if item.existing:   # 存量: no duty from days before the log knew the item (entered to count it)
        entered = date.fromisoformat(item.created_at[:10])
        starts = [(day, why) for day, why in starts if day >= entered]
    pubs = sorted(p.on for p in item.publications)
    out = []
    for start, reason in starts:
        due, assumed = calendar.add_workdays(start, limit)
        published = next((p for p in pubs if p >= start), None)
        if published is not None and published > as_of:
            published = None  # not yet published as of the day asked about
        late, late_end = 0, None
        if published is not None:
            if published <= due:
                status = "on_time"
            else:
                status, late, late_end = "late", calendar.workdays_between(due, published), published
        elif item.ended_on is not None and item.ended_on <= as_of:
            status = "lapsed"
        elif item.attribute_on(as_of) != "active":
            status = "withdrawn"
        else:
            status = "overdue" if as_of > due else "pending"
            if status == "overdue":
                late, late_end = calendar.workdays_between(due, as_of), as_of
        out.append(Obligation(item, start, reason, due, assumed, published, status, late,
                              late_end is not None and calendar.any_assumed(due, late_end)))
    return out


# -- the log --------------------------------------------------------------------------------
@taking_turns
class DisclosureLog:
    """A body's proactive-disclosure log (主动公开台账, ``gongkai log``; ``gongkai.Log`` in the Python
    API), in the same database as the request register: ``gongkai.Log(url)`` in a ``with`` block.
    ``add`` registers a document or item, ``review``/``set_attribute``/``change``/``publish``/``end``
    record its steps, ``amend``/``void`` correct one (更正, 作废: a new entry, the first kept),
    ``set_figure`` a month's table-2 figure; ``get(ref)``, ``items(filter)``,
    ``count(filter)`` and ``obligations(as_of)`` (the Art. 26 deadlines) read them (docs/disclosure.md)."""

    def __init__(self, url: str | None = None, calendar: Calendar | None = None,
                 today: Callable[[], date] | date | None = None, vocab: Path | None = None,
                 create: bool = False):
        """``today``: the office's date (a date or a function giving it), after which nothing may be
        dated; default the date in Asia/Shanghai (or GONGKAI_TODAY), as in the request register.
        A date given fixes the day of the records' stamps too (``stamp``).  ``vocab``: the site's
        vocabulary file (channels, columns), in force while the log is open in a ``with`` block;
        default GONGKAI_DISCLOSURE_VOCAB.  A SQLite file that is not there is refused (``NotFound``)
        unless ``create=True``, which starts an empty log there."""
        self.db = open_registers(url, create=create)
        self.calendar = calendar or load_calendar(self.db)
        self.office_day = today
        self.vocab = vocab
        self._vocab_scopes: list[ExitStack] = []

    def today(self) -> date:
        t = self.office_day
        return t() if callable(t) else (t or office_today())

    def stamp(self) -> str:
        """When an entry is recorded now: the office's time, on its day when that day is fixed; to the
        microsecond, so that an item's entries number in the order recorded (log/correct.py)."""
        return now_stamp(self.office_day if isinstance(self.office_day, date) else None, precise=True)

    def _not_future(self, *dated: tuple[str, date | None]) -> None:
        """A typed year (2052 for 2025) must not enter the log as a fact: nothing after today."""
        today = self.today()
        for what, day in dated:
            if day is not None and day > today:
                raise GongkaiError(f"{what} {day.isoformat()} 晚于今天（{today.isoformat()}），不能登记将来的事项")

    def check_month_ended(self, year: int, month: int) -> None:
        """A month's figure is a fact only once the month is over: none for a month still running
        (or to come) by the office's today."""
        if not (1 <= month <= 12 and 1 <= year < 9999):
            return   # not a month at all: check_figure says so
        next_month = date(year + month // 12, month % 12 + 1, 1)
        today = self.today()
        if today < next_month:
            raise GongkaiError(f"{year}年{month}月尚未结束（今天是 {today.isoformat()}），该月的数值自 "
                               f"{next_month.isoformat()} 起才能录入")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> DisclosureLog:
        scope = ExitStack()
        if self.vocab is not None:
            scope.enter_context(site_file(self.vocab))
        scope.enter_context(held_words(self.words()))   # the log's own channels and columns, on any machine
        self._vocab_scopes.append(scope)
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.close()
        finally:
            if self._vocab_scopes:
                self._vocab_scopes.pop().close()

    # -- the log's own words -------------------------------------------------------------
    def words(self) -> list[Words]:
        """The channels and columns this log holds itself (an import brought them), as adopted."""
        rows = self.db.query("SELECT channel, label, alias_names, column_names FROM disclosure_vocab ORDER BY id")
        return [Words(str(c), str(label), _lines(a), _lines(cols)) for c, label, a, cols in rows]

    def adopt(self, words: Iterable[Words], actor: str) -> int:
        """Hold ``words`` (checked against the vocabulary in force: ``vocab.clash``) as this log's
        own, what it does not hold yet, in the caller's transaction; in force from now on while
        the log is open.  The rows added."""
        have: dict[str, tuple[set[str], set[str]]] = {}
        for w in self.words():
            aliases, columns = have.setdefault(w.channel, (set(), set()))
            aliases.update(w.aliases)
            columns.update(w.columns)
        added = 0
        for w in words:
            known = w.channel in have
            aliases, columns = have.setdefault(w.channel, (set(), set()))
            new_aliases = [a for a in w.aliases if a not in aliases]
            new_columns = [c for c in w.columns if c not in columns]
            if known and not new_aliases and not new_columns:
                continue
            self.db.execute("INSERT INTO disclosure_vocab (channel, label, alias_names, column_names, actor, "
                            "recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
                            (w.channel, w.label, "\n".join(new_aliases), "\n".join(new_columns), actor, self.stamp()))
            aliases.update(new_aliases)
            columns.update(new_columns)
            added += 1
        if added and self._vocab_scopes:
            self._vocab_scopes[-1].enter_context(held_words(self.words()))
        return added

    # -- writing ---------------------------------------------------------------------------
    def add(self, new: NewItem, actor: str) -> str:
        with self.db.transaction():
            return self._add(new, actor)

    def _add(self, new: NewItem, actor: str, imported: bool = False) -> str:
        # an imported export's item carries its corrections: the rules hold for the corrected item
        now, voided, _ = correct.apply(new, new.corrections)
        if correct.live_ends(new, new.corrections) > 1:
            raise GongkaiError("废止或失效只能登记一次（此前的登记作废后才能再次登记）")
        if not voided:
            check_item(now, imported, self.today().year)
        steps = review_steps()
        self._not_future(("形成日期", now.made_on),
                         *((f"{steps[r.step].label if r.step in steps else '审核'}日期", r.on) for r in now.reviews),
                         *(("变更日期", c.on) for c in now.changes), *(("公开日期", p.on) for p in now.publications),
                         *(("调整日期", a.on) for a in now.attribute_changes), ("废止或失效日期", now.ended_on))
        if new.ref and self.db.query("SELECT 1 FROM disclosure_items WHERE ref = ?", (new.ref,)):
            raise GongkaiError(f"台账编号 {new.ref} 已存在")
        holder = self._doc_no_holder(now.doc_no.strip()) if now.doc_no.strip() and not voided else None
        if holder:
            raise GongkaiError(f"文号 {now.doc_no.strip()} 已在台账中（编号 {holder}）")
        stamp = self.stamp()

        def who(entry) -> tuple[str, str]:   # an imported entry keeps its recording
            return (entry.actor or actor, entry.recorded_at or stamp)

        # drawn inside this transaction from the year's locked counter: two clerks never draw the same one
        ref = new.ref or self._free_ref(new.made_on.year)
        iid = self.db.insert(
            "INSERT INTO disclosure_items (ref, title, doc_no, kind, made_on, attribute, attribute_reason, "
            "created_by, created_at, existing) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (ref, new.title.strip(), new.doc_no.strip(), new.kind, new.made_on.isoformat(), new.attribute,
             new.attribute_reason.strip(), new.created_by or actor, new.created_at or stamp, int(new.existing)))
        rows: dict[int, int] = {id(new): iid}   # each entry's object -> its row, for the corrections
        for r in new.reviews:
            rows[id(r)] = self._insert_review(iid, r, *who(r))
        for c in new.changes:
            rows[id(c)] = self._insert_change(iid, c, *who(c))
        for p in new.publications:
            rows[id(p)] = self._insert_publication(iid, p, *who(p))
        current, reason = new.attribute, new.attribute_reason.strip()
        for a in new.attribute_changes:
            rows[id(a)] = self._insert_adjustment(
                iid, AttributeChange(a.on, current, reason, a.attribute, a.reason.strip()), *who(a))
            current, reason = a.attribute, a.reason.strip()
        if new.ended_kind:
            if new.ended_on is None:
                raise GongkaiError("缺少废止失效日期")
            self._insert_end(iid, new.ended_kind, new.ended_on, new.ended_note, new.ended_by or actor,
                             new.ended_at or stamp)
        for x in new.later_ends:
            rows[id(x)] = self._insert_end_again(iid, x, *who(x))
        for n, fix in enumerate(new.corrections):
            if fix.kind == "amended":   # what it corrected: the field as the corrections before it left it
                _, _, copies = correct.apply(new, new.corrections[:n])
                fix.old_value = correct.current(fix.step, fix.field, copies.get(id(fix.entry), fix.entry))
            self._insert_correction(iid, fix, rows[id(fix.entry)], *who(fix))
        return ref

    def _free_ref(self, year: int) -> str:
        """``D<year made>-NNNNNN``, numbered per year as a 公开目录 is: the year's next number, skipping
        one already taken (given by hand or imported).  The year's sequence is a row of the shared
        ``counters`` table (name ``log_item``), locked for this transaction; the first time a year is
        drawn it starts after the highest number that year already has, so the items numbered
        before (from the row id: D2027-000153 for 2027's first) keep theirs and none comes after
        them with a lower number.  Nothing is ever renumbered."""
        name = "log_item"
        if not self.db.scalar("SELECT 1 FROM counters WHERE name = ? AND year = ?", (name, year)):
            taken = [int(r[0][len(f"D{year}-"):]) for r in self.db.query(
                "SELECT ref FROM disclosure_items WHERE ref LIKE ?", (f"D{year}-%",))
                if r[0][len(f"D{year}-"):].isdigit()]
            self.db.execute("INSERT INTO counters (name, year, last) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                            (name, year, max(taken, default=0)))
        n = int(self.db.scalar("SELECT last FROM counters WHERE name = ? AND year = ?" + self.db.for_update,
                               (name, year)))
        while True:
            n += 1
            ref = f"D{year}-{n:06d}"
            if not self.db.scalar("SELECT 1 FROM disclosure_items WHERE ref = ?", (ref,)):
                self.db.execute("UPDATE counters SET last = ? WHERE name = ? AND year = ?", (n, name, year))
                return ref

    def _insert_adjustment(self, iid: int, a: AttributeChange, actor: str, stamp: str) -> int:
        rid = self.db.insert("INSERT INTO disclosure_attribute_changes (item_id, on_date, old_attribute, old_reason, "
                        "attribute, reason, actor, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (iid, a.on.isoformat(), a.old_attribute, a.old_reason, a.attribute, a.reason, actor, stamp))
        self.db.execute("UPDATE disclosure_items SET attribute = ?, attribute_reason = ? WHERE id = ?",
                        (a.attribute, a.reason, iid))
        return rid

    def _insert_end(self, iid: int, kind: str, on: date, note: str, actor: str, stamp: str) -> None:
        self.db.execute("UPDATE disclosure_items SET ended_kind = ?, ended_on = ?, ended_note = ?, ended_by = ?, "
                        "ended_at = ? WHERE id = ?", (kind, on.isoformat(), note, actor, stamp, iid))

    def _insert_end_again(self, iid: int, e: End, actor: str, stamp: str) -> int:
        return self.db.insert("INSERT INTO disclosure_ends (item_id, ended_kind, ended_on, note, actor, recorded_at) "
                              "VALUES (?, ?, ?, ?, ?, ?)", (iid, e.ended_kind, e.ended_on.isoformat(), e.ended_note,
                                                            actor, stamp))

    def _insert_review(self, iid: int, r: Review, actor: str, stamp: str) -> int:
        return self.db.insert("INSERT INTO disclosure_reviews (item_id, step, person, on_date, actor, recorded_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)", (iid, r.step, r.person.strip(), r.on.isoformat(), actor, stamp))

    def _insert_change(self, iid: int, c: Change, actor: str, stamp: str) -> int:
        return self.db.insert("INSERT INTO disclosure_changes (item_id, changed_on, note, actor, recorded_at) "
                        "VALUES (?, ?, ?, ?, ?)", (iid, c.on.isoformat(), c.note, actor, stamp))

    def _insert_publication(self, iid: int, p: Publication, actor: str, stamp: str) -> int:
        return self.db.insert("INSERT INTO disclosure_publications (item_id, channel, column_name, published_on, url, "
                        "actor, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (iid, p.channel, p.column, p.on.isoformat(), p.url, actor, stamp))

    def _locked(self, ref: str) -> Item:
        """The item, locked for this transaction; refused when its registration was voided."""
        rows = self.db.query(f"SELECT {_ITEM_COLUMNS} FROM disclosure_items WHERE ref = ?" + self.db.for_update,
                             (ref,))
        if not rows:
            raise NotFound(f"主动公开台账中没有编号为 {shown(ref)} 的条目")
        item = self._fill(_item(rows[0]))
        if item.voided:
            void = next(c for c in item.corrections if c.kind == "voided" and c.step == "registered")
            raise GongkaiError(f"台账编号 {ref} 的登记已作废（第{_number(item, void)}条：{void.reason}），"
                               "不能再登记或更正")
        return item

    # -- corrections (更正, 作废) -------------------------------------------------------------
    def amend(self, ref: str, entry: int, field_name: str, value: str, reason: str, actor: str,
              expect: tuple[str, int] | None = None) -> Item:
        """Correct one field of entry ``entry`` (its number in the item's 登记记录); the entry
        stays as recorded and the item is read with the correction.  ``expect``: the entry's kind
        and row as the clerk saw them (a form): refused if the number now names another entry."""
        with self.db.transaction():
            item = self._locked(ref)
            step, obj = self._entry(item, entry, expect)
            name = correct.field_named(step, field_name, entry)
            _, _, copies = correct.apply(item.recorded or NewItem("", "", item.made_on), item.corrections)
            target = copies.get(id(obj), obj)
            old = correct.current(step, name, target)
            new_value = correct.canonical(step, name, value, target)
            label = correct.field_label(step, name)
            if new_value == old:
                raise GongkaiError(f"第{entry}条的{label}已经是“{correct.shown(name, old)}”，无须更正")
            c = Correction("amended", step, obj, name, old, new_value, _reason(reason, "更正"), self.today())
            self._check_corrected(item, c)
            if name == "on":
                self._not_future((label, date.fromisoformat(new_value)))
            if name == "doc_no" and new_value:
                holder = self._doc_no_holder(new_value, item.id)
                if holder:
                    raise GongkaiError(f"文号 {new_value} 已在台账中（编号 {holder}）")
            self._insert_correction(item.id, c, correct.row_of(item.id, obj), actor, self.stamp())
            return self.get(ref)

    def void(self, ref: str, entry: int, reason: str, actor: str, expect: tuple[str, int] | None = None) -> Item:
        """Void entry ``entry`` (recorded by mistake, e.g. a publication of another item); 1 voids
        the whole item (entered by mistake, or twice).  ``expect`` as for :meth:`amend`."""
        with self.db.transaction():
            item = self._locked(ref)
            step, obj = self._entry(item, entry, expect)
            c = Correction("voided", step, obj, reason=_reason(reason, "作废"), on=self.today())
            self._check_corrected(item, c)
            self._insert_correction(item.id, c, correct.row_of(item.id, obj), actor, self.stamp())
            return self.get(ref)

    def _entry(self, item: Item, n: int, expect: tuple[str, int] | None = None) -> tuple[str, Any]:
        """(kind, object) of entry ``n`` of an item, refused when it is a correction or voided, or
        not the entry ``expect`` names (kind, row)."""
        entries = correct.recorded_entries(item.recorded) if item.recorded else []
        if not 1 <= n <= len(entries):
            raise GongkaiError(f"{item.ref} 没有第{n}条记录（共 {len(entries)} 条，见 gongkai log show {item.ref}）")
        e = entries[n - 1]
        row = correct.row_of(item.id, e.obj)
        if expect is not None and expect != (e.step, row):
            raise GongkaiError(f"{item.ref} 的登记记录在您打开页面后有了变动，第{n}条已不是您所选的记录；"
                               "请核对最新的登记记录后重新选择")
        if e.step in correct.CORRECTIONS:
            target = correct.number_of(item.recorded, e.obj.entry, e.obj.step) if item.recorded else 0
            raise GongkaiError(f"第{n}条是{'更正' if e.step == 'amended' else '作废'}记录，不能更正或作废；"
                               f"如有误，请再次更正或作废原记录（第{target}条）")
        void = next((c for c in item.corrections if c.kind == "voided" and c.entry is e.obj and c.step == e.step),
                    None)
        if void is not None:
            raise GongkaiError(f"第{n}条已作废（第{_number(item, void)}条），不能再更正或作废")
        return e.step, e.obj

    def _check_corrected(self, item: Item, c: Correction) -> None:
        """Everything that must hold for an item must hold after the correction too."""
        raw = item.recorded
        if raw is None:   # pragma: no cover - an item read from the store always has its record
            return
        new, voided, _ = correct.apply(raw, [*item.corrections, c])
        if voided:
            return
        try:
            # a publication needs the 审签 only where the item had it (an imported list may lack it)
            check_item(new, imported="sign" not in item.reviews)   # (no 存量 hint: the item is entered)
            for p in new.publications:
                resolve_channel(p.channel, p.column)
        except GongkaiError as exc:
            hint = ("；审核人或日期有误的，请更正该条（gongkai log amend）而不是作废"
                    if c.kind == "voided" and c.step == "reviewed" else "")
            raise GongkaiError(f"{'更正' if c.kind == 'amended' else '作废'}后，{exc.message}{hint}") from None

    def _insert_correction(self, iid: int, c: Correction, target: int, actor: str, stamp: str) -> None:
        # an end recorded again is a row of its own table: named apart from the item's first end
        entry_kind = "ended_again" if isinstance(c.entry, End) else c.step
        self.db.execute("INSERT INTO disclosure_corrections (item_id, kind, entry_kind, entry_id, field, old_value, "
                        "value, reason, on_date, actor, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (iid, c.kind, entry_kind, target, c.field, c.old_value, c.value, c.reason,
                         (c.on or self.today()).isoformat(), c.actor or actor, c.recorded_at or stamp))

    def _doc_no_holder(self, doc_no: str, other_than: int | None = None) -> str | None:
        """The item (its number) whose 文号, as corrected, is ``doc_no``; voided items hold none."""
        ids = [int(i) for (i,) in self.db.query(
            "SELECT id FROM disclosure_items WHERE doc_no = ? UNION SELECT item_id FROM disclosure_corrections "
            "WHERE field = 'doc_no' AND value = ?", (doc_no, doc_no)) if int(i) != other_than]
        if not ids:
            return None
        marks = ", ".join("?" for _ in ids)
        found = self._attach([_item(r) for r in self.db.query(
            f"SELECT {_ITEM_COLUMNS} FROM disclosure_items WHERE id IN ({marks}) ORDER BY id", ids)])
        return next((i.ref for i in found if not i.voided and i.doc_no == doc_no), None)

    def review(self, ref: str, step: str, person: str, on: date, actor: str) -> Item:
        """Record one step of 拟稿 → 核稿 → 审签."""
        with self.db.transaction():
            item = self._locked(ref)
            _check_reviews([*item.reviews.values(), Review(step, person, on)], item.made_on)
            self._not_future((f"{review_steps()[step].label}日期", on))
            self._insert_review(item.id, Review(step, person, on), actor, self.stamp())
            return self._locked(ref)

    def change(self, ref: str, on: date, note: str, actor: str) -> Item:
        """Record a change (变更): a new 20-working-day clock starts on ``on``."""
        with self.db.transaction():
            item = self._locked(ref)
            if any(c.on == on for c in item.changes):
                raise GongkaiError(f"{on} 的变更已登记")
            _check_change(item, on)
            self._not_future(("变更日期", on))
            self._insert_change(item.id, Change(on, note), actor, self.stamp())
            return self._locked(ref)

    def publish(self, ref: str, channel: str, column: str, on: date, actor: str, url: str = "") -> Item:
        """Record a publication.  It needs the 审签 first — except for an existing document (存量,
        entered with ``existing``: reviewed before the log knew it)."""
        with self.db.transaction():
            item = self._locked(ref)
            cid, col = resolve_channel(channel, column)
            pub = Publication(cid, col, on, url)
            if any((p.channel, p.column, p.on) == (cid, col, on) for p in item.publications):
                raise GongkaiError(f"该条目 {on} 在“{_where(pub)}”的公开已登记")
            signed = item.reviews.get("sign")
            _check_publication(item, signed.on if signed else None, pub, self.today().year,
                               require_review=not item.existing)
            self._not_future(("公开日期", on))
            self._insert_publication(item.id, pub, actor, self.stamp())
            return self._locked(ref)

    def set_attribute(self, ref: str, attribute: str, reason: str, on: date, actor: str) -> Item:
        """Adjust the 公开属性 (e.g. 依申请公开 → 主动公开 when its reason lapses), keeping the old one."""
        with self.db.transaction():
            item = self._locked(ref)
            if item.ended_on is not None:
                raise GongkaiError(f"该条目已于 {item.ended_on} {_ending(item)}，不能调整公开属性")
            last = max((a.on for a in item.attribute_changes), default=None)
            check_adjustment(item.kind, item.made_on, item.attribute, last, attribute, reason, on, item.publications)
            self._not_future(("调整日期", on))
            self._insert_adjustment(item.id, AttributeChange(on, item.attribute, item.attribute_reason, attribute,
                                                             reason.strip()), actor, self.stamp())
            return self._locked(ref)

    def end(self, ref: str, kind: str, on: date, actor: str, note: str = "") -> Item:
        """废止 or 失效, once."""
        with self.db.transaction():
            item = self._locked(ref)
            if item.ended_on is not None:
                raise GongkaiError(f"该条目已于 {item.ended_on} {_ending(item)}，不能再次登记")
            _check_end(item, kind, on)
            self._not_future((f"{endings()[kind].label}日期", on))
            later = [c.on for c in item.changes if c.on >= on] + [p.on for p in item.publications if p.on >= on]
            if later:
                raise GongkaiError(f"{endings()[kind].label}日期 {on} 之后（含当日）还有变更或公开记录（{max(later)}）")
            if item.recorded is not None and item.recorded.ended_kind:   # the first end was voided
                self._insert_end_again(item.id, End(kind, on, note), actor, self.stamp())
            else:
                self._insert_end(item.id, kind, on, note, actor, self.stamp())
            return self._locked(ref)

    def import_items(self, items: Iterable[tuple[str, NewItem]], actor: str,
                     progress: Callable[[int], None] | None = None,
                     figures: Iterable[FigureEntry] = ()) -> list[str]:
        """Add many items (and monthly figures) in one transaction: all or nothing.  ``items``
        pairs each item with the place it came from (e.g. ``第12行``); every failing item or
        figure is reported by its place."""
        refs, errors = [], []
        with self.db.transaction():
            for n, (place, new) in enumerate(items, 1):
                try:
                    refs.append(self._add(new, actor, imported=True))
                except GongkaiError as exc:
                    errors.append(f"{place}：{exc.message}")
                if progress:
                    progress(n)
            errors += self._figures(figures, actor)
            if errors:
                raise ImportRejected(errors)
        return refs

    # -- monthly figures ---------------------------------------------------------------------
    def set_figure(self, year: int, month: int, row: str, value: Any, actor: str) -> Decimal:
        with self.db.transaction():
            return self._set_figure(FigureEntry("", year, month, row, value), actor)

    def _set_figure(self, e: FigureEntry, actor: str) -> Decimal:
        number = check_figure(e.year, e.month, e.row, e.value)
        self.check_month_ended(int(e.year), int(e.month))
        self.db.execute("INSERT INTO disclosure_figures (year, month, row_id, value, actor, recorded_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (e.year, e.month, e.row, str(number), e.actor or actor, e.recorded_at or self.stamp()))
        return number

    def _figures(self, entries: Iterable[FigureEntry], actor: str) -> list[str]:
        errors = []
        for e in entries:
            try:
                self._set_figure(e, actor)
            except GongkaiError as exc:
                errors.append(f"{e.place}：{exc.message}")
        return errors

    def import_figures(self, entries: Iterable[tuple[str, int, int, str, Any]], actor: str) -> int:
        """(place, year, month, row, value) entries in one transaction, all or nothing."""
        batch = [FigureEntry(*e) for e in entries]
        with self.db.transaction():
            errors = self._figures(batch, actor)
            if errors:
                raise ImportRejected(errors)
        return len(batch)

    def monthly_figures(self, year: int) -> dict[str, dict[int, Decimal]]:
        """row -> month -> the latest value entered for that month."""
        out: dict[str, dict[int, Decimal]] = {r: {} for r in figures()}
        for month, row, value in self.db.query(
                "SELECT month, row_id, value FROM disclosure_figures WHERE year = ? ORDER BY id", (year,)):
            out.setdefault(row, {})[int(month)] = Decimal(value)
        return out

    def figure_entries(self) -> list[FigureEntry]:
        """Every monthly figure ever entered, in the order entered (a later one for the same
        month supersedes, and the earlier one stays on the record)."""
        return [FigureEntry("", int(y), int(m), row, Decimal(v), actor, rec) for y, m, row, v, actor, rec in self.db.query(
            "SELECT year, month, row_id, value, actor, recorded_at FROM disclosure_figures ORDER BY id")]

    # -- reading -----------------------------------------------------------------------------
    def _fill(self, item: Item) -> Item:
        return self._attach([item])[0]

    def get(self, ref: str) -> Item:
        rows = self.db.query(f"SELECT {_ITEM_COLUMNS} FROM disclosure_items WHERE ref = ?", (ref,))
        if not rows:
            raise NotFound(f"主动公开台账中没有编号为 {shown(ref)} 的条目")
        return self._fill(_item(rows[0]))

    def items(self, flt: ItemFilter | None = None, voided: bool = False) -> list[Item]:
        """Items matching a typed filter (as corrected; voided ones left out unless ``voided``),
        with their reviews, changes, publications and adjustments."""
        f = flt or ItemFilter()
        sql, params = _where_items(f, _CORRECTED)
        return [i for i in self._attach([_item(r) for r in self.db.query(
            f"SELECT {_ITEM_COLUMNS} FROM disclosure_items{sql} ORDER BY made_on, id", params)])
            if (voided or not i.voided) and _matches(i, f)]

    def _corrected_items(self) -> list[Item]:
        """The items that have corrections, as corrected (voided ones left out)."""
        return [i for i in self._attach([_item(r) for r in self.db.query(
            f"SELECT {_ITEM_COLUMNS} FROM disclosure_items WHERE id IN (SELECT item_id FROM disclosure_corrections) "
            "ORDER BY id")]) if not i.voided]

    def _attach(self, items: list[Item]) -> list[Item]:
        """Each item's entries as recorded (``Item.recorded``) and, with its corrections applied,
        as they stand (seven queries in all)."""
        by_id = {i.id: i for i in items}
        if not by_id:
            return items
        one = len(by_id) == 1
        only = " WHERE item_id = ?" if one else ""
        params = tuple(by_id) if one else ()
        raw = {i.id: NewItem(i.title, i.kind, i.made_on, i.attribute, i.attribute_reason, i.doc_no, i.ref,
                             ended_kind=i.ended_kind, ended_on=i.ended_on, ended_note=i.ended_note,
                             existing=i.existing, created_by=i.created_by, created_at=i.created_at,
                             ended_by=i.ended_by, ended_at=i.ended_at) for i in items}
        for iid, step, person, on, actor, rec, rid in self.db.query(
                "SELECT item_id, step, person, on_date, actor, recorded_at, id FROM disclosure_reviews"
                f"{only} ORDER BY id", params):
            if iid in raw:
                raw[iid].reviews.append(Review(step, person, _day(on), actor, rec, int(rid)))
        for iid, on, note, actor, rec, rid in self.db.query(
                f"SELECT item_id, changed_on, note, actor, recorded_at, id FROM disclosure_changes{only} "
                "ORDER BY changed_on, id", params):
            if iid in raw:
                raw[iid].changes.append(Change(_day(on), note, actor, rec, int(rid)))
        for iid, ch, col, on, url, actor, rec, rid in self.db.query(
                "SELECT item_id, channel, column_name, published_on, url, actor, recorded_at, id "
                f"FROM disclosure_publications{only} ORDER BY published_on, id", params):
            if iid in raw:
                raw[iid].publications.append(Publication(ch, col, _day(on), url, actor, rec, int(rid)))
        for iid, on, old, old_reason, attr, reason, actor, rec, rid in self.db.query(
                "SELECT item_id, on_date, old_attribute, old_reason, attribute, reason, actor, recorded_at, id "
                f"FROM disclosure_attribute_changes{only} ORDER BY id", params):
            if iid in raw:
                raw[iid].attribute_changes.append(
                    AttributeChange(_day(on), old, old_reason, attr, reason, actor, rec, int(rid)))
        for iid, kind, on, note, actor, rec, rid in self.db.query(
                f"SELECT item_id, ended_kind, ended_on, note, actor, recorded_at, id FROM disclosure_ends{only} "
                "ORDER BY id", params):
            if iid in raw:
                raw[iid].later_ends.append(End(kind, _day(on), note, actor, rec, int(rid)))
        for iid, kind, entry_kind, entry_id, name, old, value, reason, on, actor, rec, cid in self.db.query(
                "SELECT item_id, kind, entry_kind, entry_id, field, old_value, value, reason, on_date, actor, "
                f"recorded_at, id FROM disclosure_corrections{only} ORDER BY id", params):
            if iid in raw:
                r = raw[iid]
                step = "ended" if entry_kind == "ended_again" else entry_kind
                target = r if entry_kind in ("registered", "ended") else next(
                    (e for e in getattr(r, correct.LISTS[entry_kind]) if e.id == int(entry_id)), None)
                if target is not None:
                    r.corrections.append(Correction(kind, step, target, name, old, value, reason, _day(on),
                                                    actor, rec, int(cid)))
        for item in items:
            _as_corrected(item, raw[item.id])
        return items

    def change_mark(self) -> tuple[int, ...]:
        """Changes whenever anything is recorded: every table's rows are appended (an item's
        attribute changes with a row of its own; its first end, the one update alone, is counted
        by ended_kind).  What was made from the log, with the day and the calendar, is the same
        while it stands (the web remembers an export's size by it)."""
        tables = ("disclosure_items", "disclosure_reviews", "disclosure_changes", "disclosure_publications",
                  "disclosure_figures", "disclosure_attribute_changes", "disclosure_corrections", "disclosure_ends",
                  "disclosure_vocab")
        parts = ", ".join(f"(SELECT COUNT(*) FROM {t}), (SELECT COALESCE(MAX(id), 0) FROM {t})" for t in tables)
        row = self.db.query(f"SELECT {parts}, (SELECT COUNT(ended_kind) FROM disclosure_items)")[0]
        return tuple(int(v or 0) for v in row)

    def count(self, flt: ItemFilter | None = None) -> int:
        """How many items match (as corrected; voided ones not counted)."""
        f = flt or ItemFilter()
        sql, params = _where_items(f, _PLAIN)
        plain = int(self.db.scalar(f"SELECT COUNT(*) FROM disclosure_items{sql}", params))
        return plain + sum(_matches(i, f) for i in self._corrected_items())

    def records(self) -> int:
        """Items and monthly figures entered, together (0: nothing to take a report from)."""
        return int(self.db.scalar("SELECT (SELECT COUNT(*) FROM disclosure_items) + "
                                  "(SELECT COUNT(*) FROM disclosure_figures)"))

    def publication_counts(self, first: date, last: date) -> tuple[dict[tuple[str, str], int], int]:
        """Publications dated from ``first`` to ``last``: per (channel, column), and the number of
        distinct items published (section 一)."""
        span = (first.isoformat(), last.isoformat())
        plain = f"published_on >= ? AND published_on <= ? AND item_id NOT IN {_CORRECTED_IDS}"
        counted = {(ch, col): int(n) for ch, col, n in self.db.query(
            f"SELECT channel, column_name, COUNT(*) FROM disclosure_publications WHERE {plain} "
            "GROUP BY channel, column_name", span)}
        items = int(self.db.scalar(f"SELECT COUNT(DISTINCT item_id) FROM disclosure_publications WHERE {plain}", span))
        for item in self._corrected_items():   # their publications as corrected
            pubs = [p for p in item.publications if first <= p.on <= last]
            for p in pubs:
                counted[(p.channel, p.column)] = counted.get((p.channel, p.column), 0) + 1
            items += bool(pubs)
        return counted, items

    def obligations(self, as_of: date, since: date | None = None) -> list[Obligation]:
        """Every duty to publish that started on or after ``since`` (all when None) and by ``as_of``."""
        out = []
        for item in self.items(ItemFilter(made_to=as_of)):
            for ob in obligations(item, self.calendar, as_of):
                if ob.start <= as_of and (since is None or ob.start >= since):
                    out.append(ob)
        return sorted(out, key=lambda o: (o.due, o.item.id))


@dataclass(frozen=True)
class FigureEntry:
    """One monthly figure as entered: where it came from (for messages), the month, the table-2
    row, the value, and who entered it when (kept by an import)."""

    place: str
    year: int
    month: int
    row: str
    value: Any
    actor: str = ""
    recorded_at: str = ""


@dataclass(frozen=True)
class ItemFilter:
    """Which items: made in a period, of a kind, ended in a period, in force on a day."""

    kind: str | None = None
    made_from: date | None = None
    made_to: date | None = None
    ended_from: date | None = None
    ended_to: date | None = None
    in_force_on: date | None = None

    @staticmethod
    def year(year: int, kind: str | None = None) -> ItemFilter:
        return ItemFilter(kind, date(year, 1, 1), date(year, 12, 31))


_CORRECTED_IDS = "(SELECT item_id FROM disclosure_corrections)"
_CORRECTED, _PLAIN = "corrected", "plain"


def _where_items(f: ItemFilter, corrected: str = _PLAIN) -> tuple[str, tuple]:
    """The one place that turns an item filter into SQL.  An item's corrections may change the
    facts filtered on: ``corrected`` takes every corrected item besides (for :func:`_matches` to
    decide), ``plain`` none of them."""
    clauses: list[str] = []
    params: list[Any] = []
    for column, op, value in (("kind", "=", f.kind), ("made_on", ">=", f.made_from), ("made_on", "<=", f.made_to),
                              ("ended_on", ">=", f.ended_from), ("ended_on", "<=", f.ended_to),
                              ("made_on", "<=", f.in_force_on)):
        if value is not None:
            clauses.append(f"{column} {op} ?")
            params.append(value.isoformat() if isinstance(value, date) else value)
    if f.in_force_on is not None:
        clauses.append("(ended_on IS NULL OR ended_on > ?)")
        params.append(f.in_force_on.isoformat())
    where = " AND ".join(clauses) or "1 = 1"
    if corrected == _CORRECTED:
        return (f" WHERE ({where}) OR id IN {_CORRECTED_IDS}" if clauses else ""), tuple(params)
    return f" WHERE ({where}) AND id NOT IN {_CORRECTED_IDS}", tuple(params)


def _matches(item: Item, f: ItemFilter) -> bool:
    """``_where_items`` on an item as corrected."""
    def within(day: date | None, first: date | None, last: date | None) -> bool:
        return day is not None and (first is None or day >= first) and (last is None or day <= last)
    return ((f.kind is None or item.kind == f.kind) and within(item.made_on, f.made_from, f.made_to)
            and (f.ended_from is None and f.ended_to is None or within(item.ended_on, f.ended_from, f.ended_to))
            and (f.in_force_on is None or item.in_force(f.in_force_on)))


def _number(item: Item, c: Correction) -> int:
    return correct.number_of(item.recorded, c, c.kind) if item.recorded else 0


def _reason(text: str, what: str) -> str:
    if not (text or "").strip():
        raise GongkaiError(f"须写明{what}理由")
    return text.strip()


class ImportRejected(GongkaiError):
    """An import with bad rows: every problem listed, nothing written."""

    def __init__(self, problems: list[str], path: str | None = None, place: str | None = None, note: str = ""):
        self.problems = problems
        self.note = note   # what to do about them all, after the list
        shown = problems[:50]
        more = f"\n……另有 {len(problems) - 50} 处问题" if len(problems) > 50 else ""
        tail = f"\n{note}" if note else ""
        super().__init__(f"有 {len(problems)} 处问题，未导入任何内容：\n" + "\n".join(shown) + more + tail, path, place)


def check_figure(year: int, month: int, row: str, value: Any) -> Decimal:
    figs = figures()
    if row not in figs:
        raise GongkaiError(f"“{row}”不是表二的行政许可、行政处罚、行政强制或行政事业性收费")
    if not 1990 <= int(year) <= 2100:
        raise GongkaiError(f"年度“{year}”无效")
    if not 1 <= int(month) <= 12:
        raise GongkaiError(f"月份“{month}”应为 1 至 12")
    spec = figs[row]
    text = str(value).strip().replace(",", "").replace("，", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise GongkaiError(f"{spec.label}的数值“{value}”不是数字") from None
    if not number.is_finite() or number < 0:
        raise GongkaiError(f"{spec.label}的数值“{value}”应为非负数")
    if not spec.get("decimal"):
        if number != number.to_integral_value():
            raise GongkaiError(f"{spec.label}的数值“{value}”应为整数（件）")
        return Decimal(int(number))
    exponent = number.as_tuple().exponent  # an int: the number is finite
    if isinstance(exponent, int) and -exponent > 6:
        raise GongkaiError(f"{spec.label}的金额“{value}”小数位过多（单位：万元，最多 6 位小数）")
    return number
