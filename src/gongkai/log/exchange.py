"""The log's CSV/Excel files: the log's own export (every entry, import and export), a body's
list of documents (import) and the monthly table-2 figures (import).

**Export** writes every fact, one entry a row (the *entry format*, declared in ``data/steps.yaml``):
台账编号, 事项 (登记, 审核, 调整公开属性, 变更, 公开, 废止或失效, 月度数据), 日期, the entry's
fields, 经办人 and 登记时间 — so an export imported into an empty log gives the same items, the
same history of each (who recorded what, when), the same monthly figures (every entry, the
superseded ones too) and so the same table 2.  An Excel export has a second sheet, 文件一览, one
row per publication in the list layout, for reading.

A document list has one row per publication; rows naming the same document (same 台账编号,
else the same 文号, else the same 标题 and 形成日期) add further publications to it, so an
export reads back unchanged.  A row with publication cells only (the document cells merged or
left blank in Excel) adds a publication to the document of the row above.  Every row is checked first — fields, dates and the log's own
rules — and every bad row is reported by its line; only a clean file is written, in one
transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from gongkai.errors import GongkaiError
from gongkai.log.correct import Correction, canonical, field_label, field_named, number_of, recorded_entries, shown
from gongkai.log.correct import apply as corrected
from gongkai.log.store import (
    AttributeChange,
    Change,
    DisclosureLog,
    End,
    FigureEntry,
    ImportRejected,
    Item,
    NewItem,
    Publication,
    Review,
    check_figure,
    check_item,
)
from gongkai.log.vocab import (
    NotInVocab,
    Words,
    attributes,
    channels,
    clash,
    document_columns,
    endings,
    entry_columns,
    figure_columns,
    figures,
    held,
    held_words,
    ignored_columns,
    kinds,
    norm,
    own_words,
    resolve,
    resolve_channel,
    review_steps,
    site_vocab_path,
    steps,
)
from gongkai.register.events import DATE_HINT
from gongkai.register.events import parse_date as read_date
from gongkai.sheets import Table, read_table, text, write_tables
from gongkai.workdays.store import (
    NOTICE_STEP,
    NoticeEntry,
    enter_imported,
    entries,
    importable_notices,
    notice_from_row,
    notice_row_values,
)

_IN_FORCE_WORDS = {"", "有效", "现行有效", "在用"}
# The 事项 of a row carrying the log's own words (a channel, its other names, its portal columns):
# the exporting machine's site vocabulary travels with the export and the import adopts it.
VOCAB_STEP = "公开渠道词表"
_WORDS_ONLY = ("channel_code", "aliases")   # columns of those rows alone


def parse_date(value: Any, what: str) -> date | None:
    """A date as clerks write it (the register's one reading, ``events.parse_date``), or a
    refusal naming ``what``."""
    if isinstance(value, str) and not value.strip():
        return None
    try:
        return read_date(value)
    except ValueError:
        raise GongkaiError(f"{what}“{value}”不是有效日期（{DATE_HINT}）") from None


def required_date(value: Any, what: str) -> date:
    """``parse_date`` of a date that must be given."""
    day = parse_date(value, what)
    if day is None:
        raise GongkaiError(f"缺少{what}")
    return day


def _header_map(table: Table, columns: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """field -> column index, from the header names (spaces and bracket widths ignored)."""
    by_name = {}
    for key, names in columns.items():
        for name in names:
            by_name[norm(name)] = key
    found: dict[str, int] = {}
    for i, h in enumerate(table.header):
        column = by_name.get(norm(h))
        if column is None:
            if h and norm(h) not in ignored_columns():
                raise table.error(f"无法识别的列名“{h}”", table.header_line)
            continue
        if column in found:
            raise table.error(f"列“{h}”重复", table.header_line)
        found[column] = i
    return found


# -- documents -------------------------------------------------------------------------------
@dataclass
class _Group:
    line: int
    item: NewItem
    lines: list[int] = field(default_factory=list)


def _doc_fields(cells: list[Any], cols: dict[str, int]) -> dict[str, Any]:
    return {k: (cells[i] if i < len(cells) else None) for k, i in cols.items()}


def _parse_document(f: dict[str, Any]) -> NewItem:
    title = text(f.get("title"))
    if not title:
        raise GongkaiError("缺少标题")
    kind_text = text(f.get("kind"))
    if not kind_text:
        raise GongkaiError("缺少类别（规章、行政规范性文件或其他）")
    kind = resolve(kinds(), kind_text, "类别")
    made = parse_date(f.get("made_on"), "形成日期")
    if made is None:
        raise GongkaiError("缺少形成日期")
    attr_text = text(f.get("attribute"))
    if not attr_text:
        raise GongkaiError("缺少公开属性（主动公开、依申请公开或不予公开）")
    item = NewItem(title, kind, made, resolve(attributes(), attr_text, "公开属性"), text(f.get("attribute_reason")),
                   text(f.get("doc_no")), text(f.get("ref")) or None, existing=_yes(f.get("existing"), "存量"))
    for step, term in review_steps().items():
        who, on = text(f.get(f"{step}_by")), parse_date(f.get(f"{step}_on"), f"{term.label}日期")
        if who or on:
            if not (who and on):
                raise GongkaiError(f"{term.label}人和{term.label}日期须同时填写")
            item.reviews.append(Review(step, who, on))
    changed = text(f.get("changed_on"))
    for part in [p for p in re.split(r"[；;,，、\s]+", changed) if p]:
        item.changes.append(Change(required_date(part, "变更日期")))
    ended_text = text(f.get("ended"))
    ended_on = parse_date(f.get("ended_on"), "废止失效日期")
    if ended_text not in _IN_FORCE_WORDS:
        item.ended_kind = resolve(endings(), ended_text, "废止或失效")
        if ended_on is None:
            raise GongkaiError(f"已{endings()[item.ended_kind].label}，缺少废止失效日期")
        item.ended_on = ended_on
    elif ended_on is not None:
        raise GongkaiError("填写了废止失效日期，但“废止或失效”一栏为空（应填 废止 或 失效）")
    return item


def _parse_publication(f: dict[str, Any]) -> Publication | None:
    ch, col, on, url = text(f.get("channel")), text(f.get("column")), f.get("published_on"), text(f.get("url"))
    day = parse_date(on, "公开日期")
    if not ch and not col and day is None:
        if url:
            raise GongkaiError("填写了网址，但没有公开渠道和公开日期")
        return None
    if not ch:
        raise GongkaiError("缺少公开渠道")
    if day is None:
        raise GongkaiError("缺少公开日期")
    cid, column = resolve_channel(ch, col)
    return Publication(cid, column, day, url)


def _same(a: NewItem, b: NewItem) -> list[str]:
    """Fields in which a later row of the same document disagrees with its first row."""
    names = {"title": "标题", "kind": "类别", "made_on": "形成日期", "attribute": "公开属性",
             "attribute_reason": "不公开理由", "doc_no": "文号", "ended_kind": "废止或失效", "ended_on": "废止失效日期",
             "existing": "存量"}
    out = [label for key, label in names.items() if getattr(a, key) != getattr(b, key)]
    if [(r.step, r.person, r.on) for r in a.reviews] != [(r.step, r.person, r.on) for r in b.reviews]:
        out.append("审核记录")
    if [c.on for c in a.changes] != [c.on for c in b.changes]:
        out.append("变更日期")
    return out


_PUBLICATION_KEYS = ("channel", "column", "published_on", "url")


def _add_publication(group: _Group, pub: Publication, line: int) -> None:
    if any((p.channel, p.column, p.on) == (pub.channel, pub.column, pub.on) for p in group.item.publications):
        raise GongkaiError(f"与第{group.line}行的公开记录重复")
    group.item.publications.append(pub)
    try:
        check_item(group.item, imported=True)
    except GongkaiError:
        group.item.publications.pop()
        raise
    group.lines.append(line)


def _continue(groups: dict[tuple, _Group], last_key: tuple | None, f: dict[str, Any], line: int) -> None:
    pub = _parse_publication(f)
    if pub is None:  # pragma: no cover - read_table drops empty rows
        raise GongkaiError("空行")
    if last_key is None:
        raise GongkaiError("只有公开记录，没有文件信息，且上一行不是有效的文件（请填写标题、类别、形成日期、公开属性）")
    _add_publication(groups[last_key], pub, line)


def _copy_vocab() -> str:
    """What to do when a file names channels or columns this machine's vocabulary lacks and does not
    carry them (a document list, an export of before they travelled): they were added by the site
    vocabulary of the machine the file came from."""
    return (f"文件中的公开渠道或栏目不在本机的词表中，文件也没有带上它们（文件清单和较早版本导出的台账不带），应是制作这份文件的"
            f"电脑在其站点词表中增加的。请在那台电脑上重新导出（导出的台账带有这些词），或把那台电脑的站点词表"
            f"（其 GONGKAI_DISCLOSURE_VOCAB 所指的文件，未设置时为 ~/.config/gongkai/disclosure.yaml）复制为本机的 "
            f"{site_vocab_path()}，再重新导入；不要改成其他渠道或栏目，以免公开记录与实际不符。")


def parse_documents(table: Table) -> list[tuple[str, NewItem]]:
    """Items read from a list, each with the lines it came from; all problems or none."""
    cols = _header_map(table, {k: names for k, (names, _req) in document_columns().items()})
    missing = [names[0] for k, (names, req) in document_columns().items() if req and k not in cols]
    if missing:
        raise table.error(f"缺少必需的列：{'、'.join(missing)}", table.header_line)
    groups: dict[tuple, _Group] = {}
    order: list[tuple] = []
    problems: list[str] = []
    foreign = False   # a channel or column from another machine's site vocabulary
    doc_keys = [k for k in cols if k not in _PUBLICATION_KEYS]
    last_key: tuple | None = None
    for line, cells in table.rows:
        f = _doc_fields(cells, cols)
        try:
            if not any(text(f.get(k)) for k in doc_keys):
                # Only publication cells: the document of the row above (merged cells in Excel).
                _continue(groups, last_key, f, line)
                continue
            last_key = None   # until this row proves a valid document
            item = _parse_document(f)
            pub = _parse_publication(f)
            key = (("ref", item.ref) if item.ref else ("doc_no", item.doc_no) if item.doc_no
                   else ("title", item.title, item.made_on))
            group = groups.get(key)
            if group is None:
                if pub:
                    item.publications.append(pub)
                check_item(item, imported=True)
                groups[key] = _Group(line, item, [line])
                order.append(key)
                last_key = key
                continue
            differ = _same(group.item, item)
            if differ:
                raise GongkaiError(f"与第{group.line}行是同一文件，但{'、'.join(differ)}不一致")
            if pub is None:
                raise GongkaiError(f"与第{group.line}行是同一文件，但没有新的公开记录")
            _add_publication(group, pub, line)
            last_key = key
        except GongkaiError as exc:
            problems.append(f"第{line}行：{exc.message}")
            foreign = foreign or isinstance(exc, NotInVocab)
    if problems:
        raise ImportRejected(problems, table.path, table.where(), _copy_vocab() if foreign else "")
    out = []
    for key in order:
        g = groups[key]
        place = f"第{g.lines[0]}行" if len(g.lines) == 1 else f"第{'、'.join(str(n) for n in g.lines)}行"
        out.append((place, g.item))
    return out


def import_documents(log: DisclosureLog, path: Path, actor: str) -> list[str]:
    """Import a document list or an export of the log; the numbers of the items added."""
    return import_file(log, path, actor)[0]


def import_file(log: DisclosureLog, path: Path, actor: str) -> tuple[list[str], int]:
    """A document list (one row per publication) or an export (one entry a row, with the monthly
    figures): the numbers of the items added and the number of figures."""
    table = read_table(path, ("标题",), norm)
    figures_: list[FigureEntry] = []
    notices: list[tuple[str, NoticeEntry]] = []
    words: list[Words] = []
    if "事项" in table.header:
        items, figures_, notices, words = parse_entries(table)
    else:
        items = parse_documents(table)
    if not items and not figures_ and not notices and not words:
        raise table.error("文件中没有数据行")
    to_add, problems = importable_notices(log.db, notices)
    if problems:
        raise ImportRejected(problems, table.path, table.where())
    try:
        with log.db.transaction(), held_words((*held(), *words)):
            # the words first (the entries name them), then the notices (the duties' deadlines
            # count on them), all or nothing
            log.adopt(words, actor)
            enter_imported(log.db, to_add, actor)
            refs = log.import_items(items, actor, figures=figures_)
    except ImportRejected as exc:
        raise ImportRejected(exc.problems, table.path, table.where()) from None
    log.calendar = log.calendar.with_notices({e.notice.year: e.notice for e in to_add})
    return refs, len(figures_)


# -- the log's own export: one entry a row ------------------------------------------------------
def _label(terms: dict, key: str | None) -> str:
    return terms[key].label if key in terms else (key or "")


def _entries(item: Item) -> list[tuple[str, date | None, dict[str, Any], str, str]]:
    """(step, date, fields, actor, recorded_at) of every entry of an item as recorded, in the
    order recorded (the registration first; corrections name their entry by its number)."""
    raw = item.recorded or NewItem(item.title, item.kind, item.made_on)
    out: list[tuple[str, date | None, dict[str, Any], str, str]] = []
    for e in recorded_entries(raw):
        o = e.obj
        if e.step == "registered":
            values = {"title": o.title, "doc_no": o.doc_no, "kind": _label(kinds(), o.kind),
                      "attribute": _label(attributes(), o.attribute), "reason": o.attribute_reason,
                      "existing": "是" if o.existing else ""}
        elif e.step == "reviewed":
            values = {"step": _label(review_steps(), o.step), "person": o.person}
        elif e.step == "adjusted":
            values = {"attribute": _label(attributes(), o.attribute), "reason": o.reason,
                      "old_attribute": _label(attributes(), o.old_attribute), "old_reason": o.old_reason}
        elif e.step == "changed":
            values = {"note": o.note}
        elif e.step == "published":
            values = {"channel": _label(channels(), o.channel), "column": o.column, "url": o.url}
        elif e.step == "ended":
            values = {"ending": _label(endings(), o.ended_kind), "note": o.ended_note}
        else:
            values = {"entry": number_of(raw, o.entry, o.step), "reason": o.reason}
            if e.step == "amended":
                values.update(field=field_label(o.step, o.field), old_value=shown(o.field, o.old_value, ""),
                              new_value=shown(o.field, o.value, ""))
        out.append((e.step, e.on, values, e.actor, e.recorded_at))
    return out


def item_history(item: Item) -> list[dict[str, Any]]:
    """Every entry of an item as people read it (``gongkai log show``, the web's item page): in
    the order recorded (the registration first), each with its number, date, what it says, who
    recorded it and when (office time), and — for an entry corrected or voided since — which
    later entry did it (``mark``): the log's entries are facts added, never changed."""
    from gongkai.db import office_time

    cols = entry_columns()
    entries = _entries(item)
    marks: dict[int, list[str]] = {}
    for n, (step, _on, values, _actor, _rec) in enumerate(entries, 1):
        if step in ("amended", "voided"):
            said = (f"已更正{values['field']}（见第{n}条）" if step == "amended" else f"已作废（见第{n}条）")
            marks.setdefault(int(values["entry"]), []).append(said)
    out = []
    for n, (step, on, values, actor, recorded) in enumerate(entries, 1):
        if step == "amended":
            detail = (f"第{values['entry']}条的{values['field']}：“{values['old_value'] or '（空）'}” → "
                      f"“{values['new_value'] or '（空）'}”；理由：{values['reason']}")
        elif step == "voided":
            detail = f"作废第{values['entry']}条；理由：{values['reason']}"
        else:
            detail = "；".join(f"{cols.get(k, k)}：{v}" for k, v in values.items() if v not in (None, ""))
        out.append({"n": n, "what": steps()[step]["label"], "on": on.isoformat() if on else "", "detail": detail,
                    "mark": "；".join(marks.get(n, [])), "actor": actor,
                    "recorded_at": office_time(recorded) if recorded else ""})
    return out


def entry_rows(log: DisclosureLog) -> tuple[list[str], list[list[Any]]]:
    """The entry format: header and one row per entry of every item, then every monthly figure."""
    words = own_words()
    # 渠道代码 and 别名 only in the export of a log with words of its own: any other exports as it did
    # before they travelled (the same bytes, and an older gongkai imports it)
    cols = {k: v for k, v in entry_columns().items() if words or k not in _WORDS_ONLY}
    rows = []
    for w in words:   # the log's own channels and columns, first: the entries name them
        row: dict[str, Any] = {"step_kind": VOCAB_STEP, "channel_code": w.channel, "channel": w.label, "aliases": "、".join(w.aliases),
               "column": "、".join(w.columns)}
        rows.append([row.get(k, "") for k in cols])
    for notice in entries(log.db):   # the holiday notices entered, first: the deadlines were counted on them
        v = notice_row_values(notice)
        row = {"step_kind": NOTICE_STEP, "year": v["year"], "doc_no": v["doc_number"], "reason": v["reason"],
               "holidays": v["holidays"], "workdays": v["workdays"], "actor": notice.actor,
               "recorded_at": notice.recorded_at}
        rows.append([row.get(k, "") for k in cols])
    for item in sorted(log.items(voided=True), key=lambda i: i.id):   # as entered, so an import numbers them alike
        for step, on, values, actor, recorded in _entries(item):
            row = {"ref": item.ref, "step_kind": steps()[step]["label"], "on": on.isoformat() if on else "",
                   **values, "actor": actor, "recorded_at": recorded}
            rows.append([row.get(k, "") for k in cols])
    for e in log.figure_entries():
        row = {"step_kind": steps()["figure"]["label"], "year": e.year, "month": e.month,
               "row": figures()[e.row].label if e.row in figures() else e.row, "value": str(e.value),
               "actor": e.actor, "recorded_at": e.recorded_at}
        rows.append([row.get(k, "") for k in cols])
    return list(cols.values()), rows


def parse_entries(table: Table) -> tuple[list[tuple[str, NewItem]], list[FigureEntry], list[tuple[str, NoticeEntry]],
                                         list[Words]]:
    """Items, monthly figures, holiday notices (with their rows) and the log's own words from the
    entry format; every bad row reported by its line.  The entries are read with the file's words
    in force; words that clash with this machine's vocabulary refuse the file."""
    known = {h: k for k, h in entry_columns().items()}
    unknown = [h for h in table.header if h and h not in known]
    if unknown:
        raise table.error(f"无法识别的列名“{unknown[0]}”", table.header_line)
    keys = [known.get(h) for h in table.header]
    words, problems = _file_words(table, keys)
    if problems:
        raise ImportRejected(problems, table.path, table.where())
    with held_words((*held(), *words)):
        return (*_parse_entries(table, keys), words)


def _file_words(table: Table, keys: list[str | None]) -> tuple[list[Words], list[str]]:
    """The channels and columns a file carries (rows 公开渠道词表), and why they cannot be this
    log's: a channel code or a name this machine gives another channel (a true clash)."""
    words: list[Words] = []
    problems: list[str] = []
    for line, cells in table.rows:
        f = {k: c for k, c in zip(keys, cells) if k}
        if text(f.get("step_kind")) != VOCAB_STEP:
            continue
        code, label = text(f.get("channel_code")), text(f.get("channel"))
        if not code or not label:
            problems.append(f"第{line}行：{VOCAB_STEP}须填写渠道代码和公开渠道")
            continue
        split = [tuple(x for x in re.split(r"[、\n]", text(f.get(k))) if x.strip()) for k in ("aliases", "column")]
        w = Words(_code_here(code, label), label, *split)
        problem = clash([*words, w])
        if problem:
            problems.append(f"第{line}行：文件带来的公开渠道与本机的词表冲突：{problem}。请先在一方改用别的名称（本机的词表："
                            f"站点词表 {site_vocab_path()}，以及本台账已保存的公开渠道）")
            continue
        words.append(w)
    return words, problems


def _code_here(code: str, label: str) -> str:
    """The code of the channel this machine gives the same name (another machine may have coded
    it otherwise: the name is what the entries say), else the file's."""
    chans = channels()
    if code in chans:
        return code
    return next((cid for cid, c in chans.items() if norm(c.label) == norm(label)), code)


def _parse_entries(table: Table, keys: list[str | None]) -> tuple[list[tuple[str, NewItem]], list[FigureEntry],
                                                                  list[tuple[str, NoticeEntry]]]:
    by_label = {spec["label"]: sid for sid, spec in steps().items()}
    items: dict[str, tuple[list[int], NewItem]] = {}
    entries: dict[str, list[tuple[str, Any]]] = {}   # ref -> (kind, object) of each entry, numbered from 1
    figs: list[FigureEntry] = []
    notices: list[tuple[str, NoticeEntry]] = []
    problems: list[str] = []
    foreign = False   # a channel or column from another machine's site vocabulary
    for line, cells in table.rows:
        f = {k: c for k, c in zip(keys, cells) if k}
        try:
            if text(f.get("step_kind")) == VOCAB_STEP:
                continue   # read first (_file_words)
            if text(f.get("step_kind")) == NOTICE_STEP:
                try:
                    notices.append((f"第{line}行", notice_from_row(f.get("year"), f.get("doc_no"), f.get("holidays"),
                                                                  f.get("workdays"), f.get("actor"),
                                                                  f.get("recorded_at"), f.get("reason"))))
                except ValueError as exc:
                    raise GongkaiError(f"{NOTICE_STEP}的年度或日期有误（{exc}）") from None
                continue
            step = by_label.get(text(f.get("step_kind")))
            if step is None:
                raise GongkaiError(f"“事项”“{text(f.get('step_kind'))}”无法识别，应为：{'、'.join(by_label)}")
            if step == "figure":
                figs.append(_figure_entry(f, line))
                continue
            ref = text(f.get("ref"))
            if not ref:
                raise GongkaiError("缺少台账编号")
            if step == "registered":
                if ref in items:
                    raise GongkaiError(f"台账编号 {ref} 已在第{items[ref][0][0]}行登记")
                items[ref] = ([line], _registered(f, ref))
                entries[ref] = [("registered", items[ref][1])]
                continue
            if ref not in items:
                raise GongkaiError(f"台账编号 {ref} 之前没有“登记”一行")
            items[ref][0].append(line)
            item = items[ref][1]
            if step in ("amended", "voided"):
                item.corrections.append(_correction(item, entries[ref], step, f))
                entries[ref].append((step, item.corrections[-1]))
            else:
                entries[ref].append((step, _add_entry(item, step, f)))
        except GongkaiError as exc:
            problems.append(f"第{line}行：{exc.message}")
            foreign = foreign or isinstance(exc, NotInVocab)
    if problems:
        raise ImportRejected(problems, table.path, table.where(), _copy_vocab() if foreign else "")
    return [(f"第{'、'.join(str(n) for n in lines)}行", item) for lines, item in items.values()], figs, notices


def _recorded(f: dict[str, Any]) -> tuple[str, str]:
    return text(f.get("actor")), text(f.get("recorded_at"))


def _registered(f: dict[str, Any], ref: str) -> NewItem:
    title = text(f.get("title"))
    if not title:
        raise GongkaiError("缺少标题")
    actor, recorded = _recorded(f)
    return NewItem(title, resolve(kinds(), text(f.get("kind")), "类别"), required_date(f.get("on"), "形成日期"),
                   resolve(attributes(), text(f.get("attribute")), "公开属性"), text(f.get("reason")),
                   text(f.get("doc_no")), ref, existing=_yes(f.get("existing"), "存量"), created_by=actor,
                   created_at=recorded)


def _yes(value: Any, what: str) -> bool:
    written = text(value)
    if written in ("", "否"):
        return False
    if written == "是":
        return True
    raise GongkaiError(f"“{what}”应填“是”或留空，而不是“{written}”")


def _add_entry(item: NewItem, step: str, f: dict[str, Any]) -> Any:
    """Add an entry read from an export's row to its item; the entry's object."""
    on = required_date(f.get("on"), "日期")
    actor, recorded = _recorded(f)
    if step == "reviewed":
        item.reviews.append(Review(resolve(review_steps(), text(f.get("step")), "审核环节"), text(f.get("person")),
                                   on, actor, recorded))
        return item.reviews[-1]
    if step == "adjusted":
        item.attribute_changes.append(AttributeChange(on, "", "", resolve(attributes(), text(f.get("attribute")),
                                                                          "公开属性"), text(f.get("reason")),
                                                      actor, recorded))
        return item.attribute_changes[-1]
    if step == "changed":
        item.changes.append(Change(on, text(f.get("note")), actor, recorded))
        return item.changes[-1]
    if step == "published":
        cid, column = resolve_channel(text(f.get("channel")), text(f.get("column")))
        item.publications.append(Publication(cid, column, on, text(f.get("url")), actor, recorded))
        return item.publications[-1]
    if item.ended_kind:   # ended again: allowed once the first is voided (the import checks that)
        item.later_ends.append(End(resolve(endings(), text(f.get("ending")), "废止或失效"), on, text(f.get("note")),
                                   actor, recorded))
        return item.later_ends[-1]
    item.ended_kind = resolve(endings(), text(f.get("ending")), "废止或失效")
    item.ended_on, item.ended_note, item.ended_by, item.ended_at = on, text(f.get("note")), actor, recorded
    return item


def _correction(item: NewItem, entries: list[tuple[str, Any]], step: str, f: dict[str, Any]) -> Correction:
    """An amend or void read from an export's row: its entry named by its number among the item's
    rows so far (as ``log show`` numbers them)."""
    actor, recorded = _recorded(f)
    n = _int(f.get("entry"), "所涉记录")
    if not 1 <= n <= len(entries):
        raise GongkaiError(f"所涉记录“{n}”不存在（台账编号 {item.ref} 此前共有 {len(entries)} 条记录）")
    kind, obj = entries[n - 1]
    if kind in ("amended", "voided"):
        raise GongkaiError(f"所涉记录第{n}条是更正或作废记录，不能再更正或作废")
    reason = text(f.get("reason"))
    if not reason:
        raise GongkaiError("缺少理由")
    on = parse_date(f.get("on"), "日期")
    if step == "voided":
        return Correction("voided", kind, obj, reason=reason, on=on, actor=actor, recorded_at=recorded)
    name = field_named(kind, text(f.get("field")), n)
    _, _, copies = corrected(item, item.corrections)   # the entry as the corrections before this one left it
    value = canonical(kind, name, text(f.get("new_value")), copies.get(id(obj), obj))
    return Correction("amended", kind, obj, name, "", value, reason, on, actor, recorded)


def _figure_entry(f: dict[str, Any], line: int) -> FigureEntry:
    year, month = _int(f.get("year"), "年度"), _int(f.get("month"), "月份")
    row = resolve(figures(), text(f.get("row")), "表二项目")
    actor, recorded = _recorded(f)
    return FigureEntry(f"第{line}行", year, month, row, text(f.get("value")), actor, recorded)


# -- monthly figures ---------------------------------------------------------------------------
def parse_figures(table: Table) -> list[tuple[str, int, int, str, Any]]:
    """The monthly figures of a table (月份, 年度 and the table-2 rows as columns); all problems or none."""
    columns: dict[str, tuple[str, ...]] = dict(figure_columns())
    for rid, term in figures().items():
        columns[rid] = (term.label, *term.aliases)
    cols = _header_map(table, columns)
    missing = [columns[k][0] for k in ("year", "month") if k not in cols]
    if missing:
        raise table.error(f"缺少必需的列：{'、'.join(missing)}", table.header_line)
    if not any(k in cols for k in figures()):
        raise table.error("没有任何数据列（行政许可、行政处罚、行政强制、行政事业性收费）", table.header_line)
    entries, problems = [], []
    seen: dict[tuple[int, int], int] = {}  # (year, month) -> the line that gave it
    for line, cells in table.rows:
        f = _doc_fields(cells, cols)
        try:
            year, month = _int(f.get("year"), "年度"), _int(f.get("month"), "月份")
            if (year, month) in seen:
                raise GongkaiError(f"{year}年{month}月已在第{seen[(year, month)]}行填写")
            seen[(year, month)] = line
            for rid in figures():
                value = text(f.get(rid)) if rid in f else ""
                if value:
                    check_figure(year, month, rid, value)
                    entries.append((f"第{line}行", year, month, rid, value))
        except GongkaiError as exc:
            problems.append(f"第{line}行：{exc.message}")
    if problems:
        raise ImportRejected(problems, table.path, table.where())
    return entries


def _int(value: Any, what: str) -> int:
    written = text(value)
    digits = written[:-1] if written.endswith(("年", "月")) else written
    if not digits.isdigit():
        raise GongkaiError(f"{what}“{written}”不是数字")
    return int(digits)


def import_figures(log: DisclosureLog, path: Path, actor: str) -> int:
    table = read_table(path, ("月份",), norm)
    entries = parse_figures(table)
    if not entries:
        raise table.error("文件中没有任何填写的数值")
    try:
        return log.import_figures(entries, actor)
    except ImportRejected as exc:
        raise ImportRejected(exc.problems, table.path, table.where()) from None


# -- export ----------------------------------------------------------------------------------
def export_header() -> list[str]:
    return [names[0] for names, _req in document_columns().values()]


def export_rows(items: list[Item]) -> list[list[Any]]:
    """One row per publication (one row for an item never published), in the import layout."""
    chans = channels()
    out = []
    for item in items:
        base: dict[str, Any] = {
            "ref": item.ref, "title": item.title, "doc_no": item.doc_no, "kind": kinds()[item.kind].label,
            "made_on": item.made_on.isoformat(), "attribute": attributes()[item.attribute].label,
            "attribute_reason": item.attribute_reason,
            "changed_on": "；".join(c.on.isoformat() for c in item.changes),
            "ended": endings()[item.ended_kind].label if item.ended_kind else "",
            "ended_on": item.ended_on.isoformat() if item.ended_on else "",
            "existing": "是" if item.existing else "",
        }
        for step in review_steps():
            r = item.reviews.get(step)
            base[f"{step}_by"], base[f"{step}_on"] = (r.person, r.on.isoformat()) if r else ("", "")
        pubs: list[Publication | None] = list(item.publications) or [None]
        for p in pubs:
            row = dict(base)
            if p is not None:
                row.update(channel=chans[p.channel].label if p.channel in chans else p.channel, column=p.column,
                           published_on=p.on.isoformat(), url=p.url)
            out.append([row.get(k, "") for k in document_columns()])
    return out


def export_documents(log: DisclosureLog, path: Path) -> int:
    """Write every entry of the log and every monthly figure to ``path``: a .csv the entries, a
    .xlsx the entries and a second sheet, 文件一览, in the list layout; returns the rows written."""
    header, rows = entry_rows(log)
    tables = [("台账记录", header, rows)]
    if Path(path).suffix.lower() == ".xlsx":
        tables.append(("文件一览", export_header(), export_rows(log.items())))
    write_tables(path, tables)
    return len(rows)


__all__ = ["parse_documents", "import_documents", "import_file", "entry_rows", "parse_entries", "parse_figures",
           "import_figures", "export_documents", "export_rows", "export_header", "parse_date"]
