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

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from gongkai.log.vocab import attributes, channels, endings, figures, kinds, resolve_channel, review_steps
from gongkai.errors import GongkaiError, NotFound
from gongkai.db import now_stamp, open_registers
from gongkai.workdays import Calendar, load_calendar

def _d(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _day(value: Any) -> date:
    """A date from a column that is never empty (NOT NULL)."""
    return date.fromisoformat(str(value))


@dataclass
class Review:
    step: str
    person: str
    on: date


@dataclass
class Change:
    on: date
    note: str = ""


@dataclass
class Publication:
    channel: str
    column: str
    on: date
    url: str = ""


@dataclass
class AttributeChange:
    on: date
    old_attribute: str
    old_reason: str
    attribute: str
    reason: str


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
    reviews: dict[str, Review] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    publications: list[Publication] = field(default_factory=list)
    attribute_changes: list[AttributeChange] = field(default_factory=list)

    def attribute_on(self, day: date) -> str:
        """The 公开属性 the item had on ``day`` (adjustments take effect on their day)."""
        current = self.attribute_changes[0].old_attribute if self.attribute_changes else self.attribute
        for ch in self.attribute_changes:
            if ch.on <= day:
                current = ch.attribute
        return current

    def in_force(self, on: date) -> bool:
        """Made by ``on`` and not yet ended: an end dated D takes effect on D."""
        return self.made_on <= on and (self.ended_on is None or self.ended_on > on)


def _ending(item: Item) -> str:
    """How an ended item ended (废止, 失效…)."""
    return endings()[item.ended_kind].label if item.ended_kind else ""


_ITEM_COLUMNS = ("id, ref, title, doc_no, kind, made_on, attribute, attribute_reason, ended_kind, ended_on, "
                 "ended_note, created_by, created_at")


def _item(row: tuple) -> Item:
    return Item(row[0], row[1], row[2], row[3], row[4], _day(row[5]), row[6], row[7], row[8], _d(row[9]),
                row[10], row[11], row[12])


# -- rules ----------------------------------------------------------------------------------
def check_item(new: NewItem, imported: bool = False) -> None:
    """Everything that must hold for an item and its history, whichever way it is entered.

    ``imported``: a record from a body's existing list.  Its publications are history, so a
    publication without a recorded 审签 is accepted (many lists do not carry the review chain);
    a new publication entered in the log always needs the 审签 first."""
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
    for ch in new.changes:
        _check_change(new, ch.on)
    signed = next((r.on for r in new.reviews if r.step == "sign"), None)
    for pub in new.publications:
        _check_publication(new, signed, pub, require_review=not imported)
    if new.ended_kind is not None or new.ended_on is not None:
        _check_end(new, new.ended_kind, new.ended_on)


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


def _check_publication(new: NewItem | Item, signed: date | None, pub: Publication,
                       require_review: bool = True) -> None:
    if new.attribute != "active":
        raise GongkaiError(f"公开属性为“{attributes()[new.attribute].label}”的信息不能登记主动公开")
    if signed is None and require_review:
        raise GongkaiError("尚未审签，不能公开（拟稿 → 核稿 → 审签 完成后才能公开）")
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
    pubs = sorted(p.on for p in item.publications)
    out = []
    for start, reason in starts:
        due, assumed = calendar.add_workdays(start, limit)
        published = next((p for p in pubs if p >= start), None)
        if published is not None and published > as_of:
            published = None  # not yet published as of the day asked about
        late = 0
        if published is not None:
            if published <= due:
                status = "on_time"
            else:
                status, late = "late", calendar.workdays_between(due, published)
        elif item.ended_on is not None and item.ended_on <= as_of:
            status = "lapsed"
        elif item.attribute_on(as_of) != "active":
            status = "withdrawn"
        else:
            status = "overdue" if as_of > due else "pending"
            if status == "overdue":
                late = calendar.workdays_between(due, as_of)
        out.append(Obligation(item, start, reason, due, assumed, published, status, late))
    return out


# -- the log --------------------------------------------------------------------------------
class DisclosureLog:
    def __init__(self, url: str | None = None, calendar: Calendar | None = None):
        self.db = open_registers(url)
        self.calendar = calendar or load_calendar(self.db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> DisclosureLog:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------
    def add(self, new: NewItem, actor: str) -> str:
        with self.db.transaction():
            return self._add(new, actor)

    def _add(self, new: NewItem, actor: str, imported: bool = False) -> str:
        check_item(new, imported)
        if new.ref and self.db.query("SELECT 1 FROM disclosure_items WHERE ref = ?", (new.ref,)):
            raise GongkaiError(f"台账编号 {new.ref} 已存在")
        if new.doc_no.strip():
            hit = self.db.query("SELECT ref FROM disclosure_items WHERE doc_no = ?", (new.doc_no.strip(),))
            if hit:
                raise GongkaiError(f"文号 {new.doc_no.strip()} 已在台账中（编号 {hit[0][0]}）")
        stamp = now_stamp()
        ref = new.ref or f"tmp-{uuid.uuid4().hex}"
        iid = self.db.insert(
            "INSERT INTO disclosure_items (ref, title, doc_no, kind, made_on, attribute, attribute_reason, "
            "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (ref, new.title.strip(), new.doc_no.strip(), new.kind, new.made_on.isoformat(), new.attribute,
             new.attribute_reason.strip(), actor, stamp))
        if not new.ref:  # the number is the row id, so two clerks never draw the same one
            ref = f"D{new.made_on.year}-{iid:06d}"
            self.db.execute("UPDATE disclosure_items SET ref = ? WHERE id = ?", (ref, iid))
        for r in new.reviews:
            self._insert_review(iid, r, actor, stamp)
        for c in new.changes:
            self._insert_change(iid, c, actor, stamp)
        for p in new.publications:
            self._insert_publication(iid, p, actor, stamp)
        if new.ended_kind:
            if new.ended_on is None:
                raise GongkaiError("缺少废止失效日期")
            self.db.execute("UPDATE disclosure_items SET ended_kind = ?, ended_on = ?, ended_note = ? WHERE id = ?",
                            (new.ended_kind, new.ended_on.isoformat(), new.ended_note, iid))
        return ref

    def _insert_review(self, iid: int, r: Review, actor: str, stamp: str) -> None:
        self.db.execute("INSERT INTO disclosure_reviews (item_id, step, person, on_date, actor, recorded_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)", (iid, r.step, r.person.strip(), r.on.isoformat(), actor, stamp))

    def _insert_change(self, iid: int, c: Change, actor: str, stamp: str) -> None:
        self.db.execute("INSERT INTO disclosure_changes (item_id, changed_on, note, actor, recorded_at) "
                        "VALUES (?, ?, ?, ?, ?)", (iid, c.on.isoformat(), c.note, actor, stamp))

    def _insert_publication(self, iid: int, p: Publication, actor: str, stamp: str) -> None:
        self.db.execute("INSERT INTO disclosure_publications (item_id, channel, column_name, published_on, url, "
                        "actor, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (iid, p.channel, p.column, p.on.isoformat(), p.url, actor, stamp))

    def _locked(self, ref: str) -> Item:
        rows = self.db.query(f"SELECT {_ITEM_COLUMNS} FROM disclosure_items WHERE ref = ?" + self.db.for_update,
                             (ref,))
        if not rows:
            raise NotFound(f"主动公开台账中没有编号为 {ref} 的条目")
        return self._fill(_item(rows[0]))

    def review(self, ref: str, step: str, person: str, on: date, actor: str) -> Item:
        """Record one step of 拟稿 → 核稿 → 审签."""
        with self.db.transaction():
            item = self._locked(ref)
            _check_reviews([*item.reviews.values(), Review(step, person, on)], item.made_on)
            self._insert_review(item.id, Review(step, person, on), actor, now_stamp())
            return self._locked(ref)

    def change(self, ref: str, on: date, note: str, actor: str) -> Item:
        """Record a change (变更): a new 20-working-day clock starts on ``on``."""
        with self.db.transaction():
            item = self._locked(ref)
            if any(c.on == on for c in item.changes):
                raise GongkaiError(f"{on} 的变更已登记")
            _check_change(item, on)
            self._insert_change(item.id, Change(on, note), actor, now_stamp())
            return self._locked(ref)

    def publish(self, ref: str, channel: str, column: str, on: date, actor: str, url: str = "") -> Item:
        with self.db.transaction():
            item = self._locked(ref)
            cid, col = resolve_channel(channel, column)
            pub = Publication(cid, col, on, url)
            if any((p.channel, p.column, p.on) == (cid, col, on) for p in item.publications):
                raise GongkaiError(f"该条目 {on} 在“{channels()[cid].label}{('/' + col) if col else ''}”的公开已登记")
            signed = item.reviews.get("sign")
            _check_publication(item, signed.on if signed else None, pub)
            self._insert_publication(item.id, pub, actor, now_stamp())
            return self._locked(ref)

    def set_attribute(self, ref: str, attribute: str, reason: str, on: date, actor: str) -> Item:
        """Adjust the 公开属性 (e.g. 依申请公开 → 主动公开 when its reason lapses), keeping the old one."""
        with self.db.transaction():
            item = self._locked(ref)
            attrs, kind = attributes(), kinds()[item.kind]
            if attribute not in attrs:
                raise GongkaiError(f"公开属性“{attribute}”无法识别")
            label = attrs[attribute].label
            if attribute == item.attribute:
                raise GongkaiError(f"公开属性已经是“{label}”")
            if item.ended_on is not None:
                raise GongkaiError(f"该条目已于 {item.ended_on} {_ending(item)}，不能调整公开属性")
            if kind.get("must_be_active") and attribute != "active":
                raise GongkaiError(f"{kind.label}应当主动公开（条例第二十条第（一）项），公开属性不能是“{label}”")
            if attrs[attribute].get("needs_reason") and not reason.strip():
                raise GongkaiError(f"公开属性为“{label}”时须写明理由")
            if attribute == "active" and reason.strip():
                raise GongkaiError("公开属性为“主动公开”时不填写不公开理由")
            if on < item.made_on:
                raise GongkaiError(f"调整日期 {on} 早于形成日期 {item.made_on}")
            last = max((a.on for a in item.attribute_changes), default=None)
            if last is not None and on < last:
                raise GongkaiError(f"调整日期 {on} 早于上一次调整（{last}）")
            self.db.execute("INSERT INTO disclosure_attribute_changes (item_id, on_date, old_attribute, old_reason, "
                            "attribute, reason, actor, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            (item.id, on.isoformat(), item.attribute, item.attribute_reason, attribute,
                             reason.strip(), actor, now_stamp()))
            self.db.execute("UPDATE disclosure_items SET attribute = ?, attribute_reason = ? WHERE id = ?",
                            (attribute, reason.strip(), item.id))
            return self._locked(ref)

    def end(self, ref: str, kind: str, on: date, actor: str, note: str = "") -> Item:
        """废止 or 失效, once."""
        with self.db.transaction():
            item = self._locked(ref)
            if item.ended_on is not None:
                raise GongkaiError(f"该条目已于 {item.ended_on} {_ending(item)}，不能再次登记")
            _check_end(item, kind, on)
            later = [c.on for c in item.changes if c.on >= on] + [p.on for p in item.publications if p.on >= on]
            if later:
                raise GongkaiError(f"{endings()[kind].label}日期 {on} 之后（含当日）还有变更或公开记录（{max(later)}）")
            self.db.execute("UPDATE disclosure_items SET ended_kind = ?, ended_on = ?, ended_note = ? WHERE id = ?",
                            (kind, on.isoformat(), note, item.id))
            return self._locked(ref)

    def import_items(self, items: Iterable[tuple[str, NewItem]], actor: str,
                     progress: Callable[[int], None] | None = None) -> list[str]:
        """Add many items in one transaction: all or nothing.  ``items`` pairs each item with
        the place it came from (e.g. ``第12行``); every failing item is reported by its place."""
        refs, errors = [], []
        with self.db.transaction():
            for n, (place, new) in enumerate(items, 1):
                try:
                    refs.append(self._add(new, actor, imported=True))
                except GongkaiError as exc:
                    errors.append(f"{place}：{exc.message}")
                if progress:
                    progress(n)
            if errors:
                raise ImportRejected(errors)
        return refs

    # -- monthly figures ---------------------------------------------------------------------
    def set_figure(self, year: int, month: int, row: str, value: Any, actor: str) -> Decimal:
        with self.db.transaction():
            return self._set_figure(year, month, row, value, actor)

    def _set_figure(self, year: int, month: int, row: str, value: Any, actor: str) -> Decimal:
        number = check_figure(year, month, row, value)
        self.db.execute("INSERT INTO disclosure_figures (year, month, row_id, value, actor, recorded_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)", (year, month, row, str(number), actor, now_stamp()))
        return number

    def import_figures(self, entries: Iterable[tuple[str, int, int, str, Any]], actor: str) -> int:
        """(place, year, month, row, value) entries in one transaction, all or nothing."""
        errors, n = [], 0
        with self.db.transaction():
            for place, year, month, row, value in entries:
                try:
                    self._set_figure(year, month, row, value, actor)
                    n += 1
                except GongkaiError as exc:
                    errors.append(f"{place}：{exc.message}")
            if errors:
                raise ImportRejected(errors)
        return n

    def monthly_figures(self, year: int) -> dict[str, dict[int, Decimal]]:
        """row -> month -> the latest value entered for that month."""
        out: dict[str, dict[int, Decimal]] = {r: {} for r in figures()}
        for month, row, value in self.db.query(
                "SELECT month, row_id, value FROM disclosure_figures WHERE year = ? ORDER BY id", (year,)):
            out.setdefault(row, {})[int(month)] = Decimal(value)
        return out

    # -- reading -----------------------------------------------------------------------------
    def _fill(self, item: Item) -> Item:
        for step, person, on in self.db.query(
                "SELECT step, person, on_date FROM disclosure_reviews WHERE item_id = ? ORDER BY id", (item.id,)):
            item.reviews[step] = Review(step, person, _day(on))
        item.changes = [Change(_day(on), note) for on, note in self.db.query(
            "SELECT changed_on, note FROM disclosure_changes WHERE item_id = ? ORDER BY changed_on, id", (item.id,))]
        item.publications = [Publication(ch, col, _day(on), url) for ch, col, on, url in self.db.query(
            "SELECT channel, column_name, published_on, url FROM disclosure_publications WHERE item_id = ? "
            "ORDER BY published_on, id", (item.id,))]
        item.attribute_changes = [AttributeChange(_day(on), *rest) for on, *rest in self.db.query(
            "SELECT on_date, old_attribute, old_reason, attribute, reason FROM disclosure_attribute_changes "
            "WHERE item_id = ? ORDER BY id", (item.id,))]
        return item

    def get(self, ref: str) -> Item:
        rows = self.db.query(f"SELECT {_ITEM_COLUMNS} FROM disclosure_items WHERE ref = ?", (ref,))
        if not rows:
            raise NotFound(f"主动公开台账中没有编号为 {ref} 的条目")
        return self._fill(_item(rows[0]))

    def items(self, where: str = "", params: tuple = ()) -> list[Item]:
        """Items with their reviews, changes and publications (three queries in all)."""
        sql = f"SELECT {_ITEM_COLUMNS} FROM disclosure_items"
        if where:
            sql += f" WHERE {where}"
        items = [_item(r) for r in self.db.query(sql + " ORDER BY made_on, id", params)]
        by_id = {i.id: i for i in items}
        if not by_id:
            return items
        for iid, step, person, on in self.db.query(
                "SELECT item_id, step, person, on_date FROM disclosure_reviews ORDER BY id"):
            if iid in by_id:
                by_id[iid].reviews[step] = Review(step, person, _day(on))
        for iid, on, note in self.db.query(
                "SELECT item_id, changed_on, note FROM disclosure_changes ORDER BY changed_on, id"):
            if iid in by_id:
                by_id[iid].changes.append(Change(_day(on), note))
        for iid, ch, col, on, url in self.db.query(
                "SELECT item_id, channel, column_name, published_on, url FROM disclosure_publications "
                "ORDER BY published_on, id"):
            if iid in by_id:
                by_id[iid].publications.append(Publication(ch, col, _day(on), url))
        for iid, on, *rest in self.db.query(
                "SELECT item_id, on_date, old_attribute, old_reason, attribute, reason "
                "FROM disclosure_attribute_changes ORDER BY id"):
            if iid in by_id:
                by_id[iid].attribute_changes.append(AttributeChange(_day(on), *rest))
        return items

    def count(self) -> int:
        return int(self.db.query("SELECT COUNT(*) FROM disclosure_items")[0][0])

    def records(self) -> int:
        """Items and monthly figures entered, together (0: nothing to take a report from)."""
        return int(self.db.scalar("SELECT (SELECT COUNT(*) FROM disclosure_items) + "
                                  "(SELECT COUNT(*) FROM disclosure_figures)"))

    def obligations(self, as_of: date, since: date | None = None) -> list[Obligation]:
        """Every duty to publish that started on or after ``since`` (all when None) and by ``as_of``."""
        out = []
        for item in self.items("made_on <= ?", (as_of.isoformat(),)):
            for ob in obligations(item, self.calendar, as_of):
                if ob.start <= as_of and (since is None or ob.start >= since):
                    out.append(ob)
        return sorted(out, key=lambda o: (o.due, o.item.id))


class ImportRejected(GongkaiError):
    """An import with bad rows: every problem listed, nothing written."""

    def __init__(self, problems: list[str], path: str | None = None):
        self.problems = problems
        shown = problems[:50]
        more = f"\n……另有 {len(problems) - 50} 处问题" if len(problems) > 50 else ""
        super().__init__(f"有 {len(problems)} 处问题，未导入任何内容：\n" + "\n".join(shown) + more, path)


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
