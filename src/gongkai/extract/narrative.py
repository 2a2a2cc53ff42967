"""The narrative reader: every figure the text states, what it counts, and how figures relate.

``read(report)`` goes through the preamble and the six sections sentence by sentence and
returns a ``Narrative``:

- ``figures`` — every number followed by a unit (件, 条, 万元, % …) or stated in words
  ("未收到政府信息公开申请" is 0 received), with its sentence, its unit, and what it counts:
  the phrasing of ``format/phrasings.yaml`` that names it and the table cells whose sum it
  states.  These are the ``Report.figures`` the corpus stores and exports.
- ``breakdowns`` — a stated whole and its parts ("共…1200条，其中…40条，…90条").
- ``shares`` — a percentage and the figures it can be a share of.
- ``claims`` — statements the tables can contradict ("均获维持", "均在法定期限内答复").
- ``plans`` — promises for a year ("2025年，我局将…").

The reader only reads: it never compares with the tables (``gongkai.check`` does) and never
changes a number.  It is a pure function of the text, the year and which table-3 rows exist,
so the checker can re-read a report whose text changed; ``narrative_of`` keeps the reading of
the current text on the report so that extraction and checking read it once.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from decimal import Decimal
from functools import cache
from typing import Any

from gongkai import regex
from gongkai.model import Figure, Report
from gongkai.records import field, record
from gongkai.shipped import shipped_data

_SENTENCE = regex.compile(r"[^。！？!?\n]+[。！？!?]*")
_DIGIT = regex.compile(r"\d")
_YEAR = regex.compile(r"(?:19|20)\d\d")
# Zero said in words ("未收到", "无", "零") or as "为0": two single-branch patterns, each of which
# the regular-expression engine scans by its first character (an alternation it tries at every position).
_WORD_ZERO = (regex.compile(r"[未没无零]"), regex.compile(r"[为是]\s*[0零]"))
_TITLE = regex.compile(r"《[^《》]{0,80}》")
_OPEN, _CLOSE = "（(", "）)"
_REQUESTS_SECTION = 3  # 三、收到和处理政府信息公开申请情况: every figure there is about requests


# -- the phrasings, compiled once ------------------------------------------------------------

@record(frozen=True)
class Metric:
    """What a figure can count (one entry of ``metrics`` in phrasings.yaml)."""

    id: str
    name: str
    cells: tuple[tuple[str, ...], ...]
    versions: tuple[str, ...] | None
    group: bool
    loose: bool
    units: frozenset[str]
    gap: int
    requires: re.Pattern | None
    excludes: re.Pattern | None
    after: tuple[tuple[re.Pattern, re.Pattern], ...]
    zero: tuple[re.Pattern, ...]
    parts: tuple[tuple[str, re.Pattern], ...]
    instead: tuple[dict, ...]
    cell_unit: str | None = None   # the unit the table prints its cells in (万元): a figure is compared in it


@record(frozen=True)
class Phrasings:
    metrics: dict[str, Metric]
    labels: re.Pattern           # every metric's label phrasing, one named group per metric
    groups: dict[str, str]       # group name -> metric id
    figure: re.Pattern
    units: dict[str, dict]
    clause_marks: str
    scope_words: tuple[str, ...]
    approx_before: re.Pattern
    approx_after: re.Pattern
    data: dict[str, Any]
    clause_mark: re.Pattern      # one clause mark
    after_stop: re.Pattern       # where the words after a figure stop (a clause mark or 、)
    year: re.Pattern
    after_metrics: tuple[Metric, ...]   # the metrics with phrasings after the number
    zero_metrics: tuple[Metric, ...]
    scope: re.Pattern
    change: re.Pattern


def _first_chars(items) -> tuple[set[str], bool] | None:
    """The characters a parsed pattern can start with, and whether it can match empty; None
    when that cannot be told (then no prefilter is used)."""
    chars: set[str] = set()
    for op, av in items:
        name = str(op)
        if name in ("ASSERT_NOT", "ASSERT", "AT"):
            continue  # zero-width: the next item decides
        if name == "LITERAL":
            return chars | {chr(av)}, False
        if name == "IN":
            for kind, value in av:
                if str(kind) != "LITERAL":
                    return None
                chars.add(chr(value))
            return chars, False
        if name == "SUBPATTERN":
            inner = _first_chars(av[-1])
        elif name == "BRANCH":
            inner_chars, empty = set(), False
            for branch in av[1]:
                got = _first_chars(branch)
                if got is None:
                    return None
                inner_chars |= got[0]
                empty = empty or got[1]
            inner = (inner_chars, empty)
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            got = _first_chars(av[2])
            inner = None if got is None else (got[0], got[1] or av[0] == 0)
        else:
            return None
        if inner is None:
            return None
        chars |= inner[0]
        if not inner[1]:
            return chars, False
    return chars, True


def _prefiltered(alternatives: list[str]) -> re.Pattern:
    """One pattern for all alternatives, led by a test of the characters they can start with
    (most positions of a label start none of them: the test saves trying each alternative)."""
    return regex.compile(regex.derived(_led, "|".join(alternatives)))


def _led(pattern: str) -> str:
    """``pattern`` led by the test of its first characters (parsing it is why it is remembered)."""
    from re import _parser as sre_parse  # type: ignore[attr-defined]  # private, not in typeshed (3.11+)
    first = _first_chars(sre_parse.parse(pattern))
    if first is None or first[1]:
        return pattern
    return "(?=[" + "".join(sorted(re.escape(c) for c in first[0])) + "])(?:" + pattern + ")"


def _rx(pattern: str | None) -> re.Pattern | None:
    return regex.compile(pattern) if pattern else None


@cache
def phrasings() -> Phrasings:
    data = shipped_data("gongkai.format", "phrasings.yaml")
    metrics: dict[str, Metric] = {}
    alternatives, groups = [], {}
    for n, m in enumerate(data["metrics"]):
        metrics[m["id"]] = Metric(
            m["id"], m["name"], tuple(tuple(alt) for alt in m.get("cells", [])),
            tuple(m["versions"]) if "versions" in m else None, bool(m.get("group")), bool(m.get("loose")),
            frozenset(m.get("units", ["件", "项", "个"])), int(m.get("gap", 6)),
            _rx(m.get("requires")), _rx(m.get("excludes")),
            tuple((regex.compile(a + r"$" if not a.endswith("$") else a), regex.compile(b)) for a, b in m.get("after", [])),
            tuple(regex.compile(z) for z in m.get("zero", [])),
            tuple((col, regex.compile(p)) for col, p in (m.get("parts") or {}).items()),
            tuple(m.get("instead", [])), m.get("cell_unit"))
        if m.get("label"):
            alternatives.append(f"(?P<m{n}>{m['label']})")
            groups[f"m{n}"] = m["id"]
    units = data["units"]
    unit_alt = "|".join(re.escape(u) + (f"(?!{units[u]['not_before']})" if units[u].get("not_before") else "")
                        for u in sorted(units, key=len, reverse=True))
    mult = "|".join(f"{re.escape(k)}(?!元)" for k in data["multipliers"])
    # The pattern starts with a digit (so the search skips to digits fast); the character before
    # the number is tested after its first digit: no number inside a code, a date or a URL.
    figure = regex.compile(
        r"(?P<int>\d(?<![A-Za-z0-9.,_/@\-—－·:：第]\d)(?:\d{0,2}(?:,\d{3})+|\d*))(?:\.(?P<frac>\d+))?"
        rf"\s*(?P<mult>{mult})?\s*(?P<approx>余|多)?\s*(?P<unit>{unit_alt})")
    marks = re.escape(data["clause_marks"])
    return Phrasings(metrics, _prefiltered(alternatives), groups, figure, units, data["clause_marks"],
                     tuple(data["scope_words"]), regex.compile(data["approx_before"]), regex.compile(data["approx_after"]), data,
                     regex.compile(f"[{marks}]"), regex.compile(f"[{marks}、]"), regex.compile(data["years"]["mention"]),
                     tuple(m for m in metrics.values() if m.after), tuple(m for m in metrics.values() if m.zero),
                     _prefiltered([re.escape(w) for w in data["scope_words"]]), regex.compile(data["change"]))


# -- what the reader returns --------------------------------------------------------------------

@record(slots=True)
class Sentence:
    section: int   # 0: the preamble
    text: str


@record(slots=True)
class Found:
    """A figure with what the rules need beyond ``Figure``: where it stands in its sentence."""

    figure: Figure
    index: int           # in Narrative.figures (and Report.figures)
    sentence: int        # in Narrative.sentences
    start: int
    end: int
    label: str           # the words before the number, back to the previous figure or clause mark
    after: str           # the words after the unit, up to the next clause mark
    depth: int           # bracket depth in the sentence
    unit_class: str
    metric: Metric | None

    @property
    def exact(self) -> bool:
        return not self.figure.approx

    def in_yuan(self) -> Decimal:
        """The value in the unit class's base unit (万元 -> 元)."""
        factor = phrasings().units.get(self.figure.unit, {}).get("factor", 1)
        return Decimal(self.figure.value) * factor


@record(slots=True)
class Breakdown:
    whole: int | None     # index of the stated whole; None: the requests answered (not printed)
    parts: list[int]
    complete: bool        # the parts end with an "other" bucket
    marker: str


@record(slots=True)
class Share:
    percent: int                  # index of the % figure
    part: int | None              # the figure it is a share of, when stated just before it
    bases: list[int]              # figures it can be a share of
    candidates: list[Decimal]     # possible parts when none is stated (sums of breakdown parts)


@record(slots=True)
class Claim:
    kind: str        # all_upheld | none_corrected | on_time
    sentence: int
    text: str
    groups: tuple[str, ...]   # table-4 groups the sentence names (empty: not said)


@record(slots=True)
class Plan:
    year: int
    sentence: int
    text: str


@record
class Narrative:
    sentences: list[Sentence] = field(default_factory=list)
    found: list[Found] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)
    shares: list[Share] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)

    @property
    def figures(self) -> list[Figure]:
        return [f.figure for f in self.found]



# -- reading -----------------------------------------------------------------------------------

def narrative_of(report: Report) -> Narrative:
    """The reading of the report's current text (read once per text, kept on the report)."""
    key = (report.preamble, report.year, report.format, tuple((s.no, s.text) for s in report.sections),
           tuple(report.table3 or ()))
    cached = report.__dict__.get("_narrative")
    if cached is not None and cached[0] == key:
        return cached[1]
    narrative = read(report)
    report.__dict__["_narrative"] = (key, narrative)
    return narrative


def read(report: Report) -> Narrative:
    """Every sentence of the preamble and the sections (a sentence ends at 。！？ or a line end;
    ；joins the clauses of one sentence, since a breakdown often runs over it), and what the
    sentences that hold a figure, a claim or a year say."""
    p = phrasings()
    out = Narrative()
    views: dict[int, _View | None] = {}
    for no, block in [(0, report.preamble)] + [(s.no, s.text) for s in report.sections]:
        if not block:
            continue
        first, starts = len(out.sentences), []
        for m in _SENTENCE.finditer(block):
            text = m.group(0).strip()
            if text:
                out.sentences.append(Sentence(no, text))
                starts.append(m.start())

        def where(rx: re.Pattern, block: str = block, starts: list[int] = starts, first: int = first) -> set[int]:
            """The sentences of this block in which ``rx`` matches: one scan of the block that
            goes on from the next sentence after each hit."""
            hits: set[int] = set()
            pos, end = 0, len(block)
            while (m := rx.search(block, pos)) is not None:
                k = max(0, bisect_right(starts, m.start()) - 1)
                hits.add(first + k)
                pos = max(starts[k + 1] if k + 1 < len(starts) else end, m.end())
            return hits

        digits, claims = where(p.figure), where(_CLAIM_WORDS)
        zeros = where(_WORD_ZERO[0]) | where(_WORD_ZERO[1])
        plans = where(_YEAR) if "年" in block else set()
        for i in sorted(digits | zeros | claims | plans):
            sentence = out.sentences[i]
            text = sentence.text
            found: list[Found] = []
            view = views[i] = _View(p, text) if i in digits or i in zeros else None
            if view is not None and i in digits:
                found = _figures(p, report, i, sentence, view)
            if view is not None and i in zeros:
                found = _zeros(p, report, i, sentence, found, view)
            for f in found:
                f.index = len(out.found)
                out.found.append(f)
            if i in claims:
                _claims(p, out, i, text)
            if i in plans:
                _plans(p, out, i, text)
    _breakdowns(p, out, views)
    if any(f.figure.unit in ("%", "％") for f in out.found):  # many reports state no percentage
        _shares(p, out)
    for b in out.breakdowns:
        if b.whole is not None:
            whole = out.found[b.whole].metric
            for part in b.parts:
                f = out.found[part]
                f.figure.part_of = b.whole
                # "主动公开政府信息96条，…涉及机构职能类信息1条、重大建设项目信息2条": an unnamed part
                # of the information disclosed (or one just called 信息) is one of its categories.
                if whole is not None and (f.metric is None and whole.id in _CATEGORY_WHOLES
                                          or f.metric is not None and f.metric.id == _TOPIC and whole.id in _PROACTIVE):
                    _set_metric(report, f, p.metrics[_CATEGORY])
    return out


# The wholes whose unnamed parts are categories of the information disclosed (phrasings.yaml).
_CATEGORY_WHOLES = frozenset({"proactive", "proactive_category", "published", "website_posts"})
_PROACTIVE = frozenset({"proactive", "proactive_category"})
_CATEGORY, _TOPIC = "proactive_category", "topic_info"


# Cheap tests before the claim and plan patterns (most sentences have neither).
# A phrase that names a figure ends at most this far before it (the longest phrasing with its
# gap: "收到公民、法人和其他组织政府信息公开申请" is 20 characters).
_LABEL_WINDOW = 40
_CLAIM_WORDS = regex.compile(r"维持|纠|撤销|期限|时限|按时|按期|及时")
_BRACKET = regex.compile(r"[（()）]")


class _View:
    """One sentence's clause marks, brackets, book titles and years, each found when first needed."""

    __slots__ = ("p", "text", "_marks", "_brackets", "_titles", "_years")

    def __init__(self, p: Phrasings, text: str):
        self.p, self.text = p, text
        self._marks: list[int] | None = None
        self._brackets: list[tuple[int, int]] | None = None
        self._titles: list[tuple[int, int]] | None = None
        self._years: list[tuple[int, int]] | None = None

    @property
    def titles(self) -> list[tuple[int, int]]:
        if self._titles is None:
            self._titles = [(m.start(), m.end()) for m in _TITLE.finditer(self.text)] if "《" in self.text else []
        return self._titles

    @property
    def brackets(self) -> list[tuple[int, int]]:
        if self._brackets is None:
            self._brackets = [(m.start(), 1 if m.group(0) in _OPEN else -1) for m in _BRACKET.finditer(self.text)]
        return self._brackets

    def in_title(self, pos: int) -> bool:
        return any(a < pos < b for a, b in self.titles)

    def clause_start(self, pos: int) -> int:
        if self._marks is None:
            self._marks = [m.start() for m in self.p.clause_mark.finditer(self.text)]
        k = bisect_left(self._marks, pos)
        return self._marks[k - 1] + 1 if k else 0

    def depth(self, pos: int) -> int:
        depth = 0
        for at, step in self.brackets:
            if at >= pos:
                break
            depth = max(0, depth + step)
        return depth

    def year_before(self, pos: int) -> int | None:
        if self._years is None:
            self._years = [(m.start(), int(m.group("y"))) for m in self.p.year.finditer(self.text)
                           if not self.in_title(m.start())] if "年" in self.text else []
        year = None
        for at, y in self._years:
            if at >= pos:
                break
            year = y
        return year


def clause_start(text: str, pos: int) -> int:
    """Where the clause holding position ``pos`` begins (after the last clause mark)."""
    return _View(phrasings(), text).clause_start(pos)


def _value(m: re.Match) -> int | Decimal:
    digits = m.group("int").replace(",", "")
    value: int | Decimal = Decimal(f"{digits}.{m.group('frac')}") if m.group("frac") else int(digits)
    if m.group("mult"):
        value = value * phrasings().data["multipliers"][m.group("mult")]
        if isinstance(value, Decimal) and value == value.to_integral_value():
            value = int(value)
    return value


def _figures(p: Phrasings, report: Report, i: int, sentence: Sentence, view: _View) -> list[Found]:
    text = sentence.text
    found: list[Found] = []
    prev_end = 0
    for m in p.figure.finditer(text):
        start, end = m.start(), m.end()
        if view.titles and view.in_title(start):
            continue
        unit = m.group("unit")
        label_start = max(prev_end, view.clause_start(start))
        label = text[label_start:start]
        stop = p.after_stop.search(text, end)
        after = text[end:stop.start() if stop else len(text)]
        approx = bool(m.group("approx")) or p.approx_before.search(label.rstrip()[-4:]) is not None \
            or p.approx_after.match(after) is not None
        scope = p.scope.search(label)
        figure = Figure(sentence.section, text, _value(m), unit, text[label_start:end].strip(), approx=approx,
                        scope=scope.group(0) if scope else None, year=view.year_before(start))
        f = Found(figure, -1, i, start, end, label, after, view.depth(start), p.units[unit]["class"], None)
        _name(p, report, f, text)
        found.append(f)
        prev_end = end
    return found


def _zeros(p: Phrasings, report: Report, i: int, sentence: Sentence, found: list[Found],
           view: _View) -> list[Found]:
    """Figures stated in words: "未收到政府信息公开申请" is 0 received."""
    text = sentence.text
    extra: list[Found] = []
    for metric in p.zero_metrics:
        for rx in metric.zero:
            for m in rx.finditer(text):
                if any(f.start < m.end() and m.start() < f.end for f in found):
                    continue  # "行政复议为0件" is already a figure
                if any(f.metric is metric for f in extra):
                    continue
                scope = p.scope.search(text, view.clause_start(m.start()), m.end())
                figure = Figure(sentence.section, text, 0, "", m.group(0), from_words=True,
                                scope=scope.group(0) if scope else None,
                                year=view.year_before(m.start()))
                f = Found(figure, -1, i, m.start(), m.end(), text[:m.start()], "", 0, "", metric)
                _set_metric(report, f, metric)
                extra.append(f)
    return sorted(found + extra, key=lambda f: f.start) if extra else found


def _name(p: Phrasings, report: Report, f: Found, sentence: str) -> None:
    """What the figure counts: the phrasing nearest to the number that fits its unit."""
    best = None
    label = f.label
    for m in p.labels.finditer(label, max(0, len(label) - _LABEL_WINDOW)):
        gap = label[m.end():]
        if m.lastgroup is None:  # every alternative is a named group
            continue
        metric = p.metrics[p.groups[m.lastgroup]]
        if len(gap.strip()) <= metric.gap and not _DIGIT.search(gap):
            best = metric  # later (nearer) matches win
    if best is None and f.after:
        for metric in p.after_metrics:
            if any(obj.match(f.after) and verb.search(f.label) for verb, obj in metric.after):
                best = metric
                if f.figure.unit in metric.units:  # the words after the number say what it counts
                    f.figure.text += f.after
                break
    if best is None or f.figure.unit not in best.units or p.change.search(f.label[-6:]):
        return
    if best.requires is not None and f.figure.section != _REQUESTS_SECTION and not best.requires.search(sentence):
        return
    if best.excludes is not None and best.excludes.search(sentence):
        return
    _set_metric(report, f, best)


def counts_name(counts: str | None) -> str | None:
    """What a figure counts, in words: ``received`` -> 本年收到的政府信息公开申请; a named part
    of a figure, ``review.upheld`` -> 行政复议案件中结果维持的."""
    if not counts:
        return None
    parent, _, column = counts.partition(".")
    metric = phrasings().metrics.get(parent)
    if metric is None:
        return None
    if not column:
        return metric.name
    from gongkai.format import FORMAT

    label = next((c.label for c in FORMAT.table4_columns if c.id == column), column)
    return f"{metric.name}中{label}的"


def cells_of(metric: Metric, report: Report) -> tuple[str, ...]:
    """The metric's cells in the report's layout: the first alternative whose rows it has."""
    if not metric.cells:
        return ()
    for alternative in metric.cells:
        if all(report.has_cell(c) for c in alternative):
            return alternative
    return metric.cells[0]


def _set_metric(report: Report, f: Found, metric: Metric) -> None:
    f.metric = metric
    f.figure.counts = metric.id
    applies = metric.versions is None or report.format is None or report.format in metric.versions
    f.figure.cells = list(cells_of(metric, report)) if applies else []


# -- breakdowns ---------------------------------------------------------------------------------

def _breakdowns(p: Phrasings, out: Narrative, views: dict[int, _View | None]) -> None:
    spec = p.data["breakdown"]
    marker = regex.compile(spec["marker"])
    new_whole, not_part = regex.compile(spec["new_whole"]), regex.compile(spec["not_part"])
    stop = regex.compile(spec["stop_after_semicolon"])
    other = regex.compile(spec["other_bucket"])
    answered = regex.compile(spec["answered_marker"])
    outcomes = set(spec["outcome_metrics"])
    by_sentence: dict[int, list[Found]] = {}
    for f in out.found:
        if f.figure.unit:  # figures stated in words are no parts
            by_sentence.setdefault(f.sentence, []).append(f)
    for i, figures in by_sentence.items():
        sentence = out.sentences[i]
        text = sentence.text
        view = views.get(i) or _View(p, text)
        for m in marker.finditer(text):
            before = [f for f in figures if f.end <= m.start()]
            if before:
                if m.start() - before[-1].end > 14:
                    continue
                wholes = [before[-1]]
                if len(before) > 1 and before[-1].start - before[-2].end <= 3 \
                        and before[-2].unit_class != before[-1].unit_class:
                    wholes.insert(0, before[-2])  # "1619 人 504.8 万元，其中…"
            elif m.start() <= 2 and i > 0 and out.sentences[i - 1].section == sentence.section \
                    and by_sentence.get(i - 1):
                wholes = [by_sentence[i - 1][-1]]  # "…514条。其中机构职能类信息1条，…"
            else:
                continue
            depth = view.depth(m.start())
            end = _parts_end(view, m.end(), depth, marker, stop)
            end = _next_whole(figures, m.end(), end, text, marker)
            after = [f for f in figures if m.end() <= f.start < end and f.depth == depth]
            parts_all: list[Found] = []
            for f in after:
                if new_whole.search(f.label):
                    break
                if not_part.search(f.label):
                    continue
                parts_all.append(f)
            for whole in wholes:
                if whole.figure.unit == "%":
                    continue
                parts = [f for f in parts_all if f.unit_class == whole.unit_class]
                if whole.metric is not None and whole.metric.parts:
                    parts = _named_parts(whole.metric, parts)
                if not parts:
                    continue
                complete = other.search(parts[-1].label) is not None
                out.breakdowns.append(Breakdown(whole.index, [f.index for f in parts], complete, m.group(0)))
                _name_parts(out, whole, parts)
        answer = answered.search(text)
        if answer:
            parts = [f for f in figures if f.start > answer.end() and f.metric is not None and f.metric.id in outcomes]
            if len(parts) >= 2 and not any(b.whole is not None and parts[0].index in b.parts for b in out.breakdowns):
                out.breakdowns.append(Breakdown(None, [f.index for f in parts], False, answer.group(0)))


_SEMICOLON = regex.compile(r"[；;]")


def _parts_end(view: _View, start: int, depth: int, marker: re.Pattern, stop: re.Pattern) -> int:
    """Where a breakdown's parts end: the sentence end, the bracket that closes the marker's
    depth, a clause after ；that starts a new statement, or the next marker at its depth."""
    text = view.text
    end = len(text)
    level = 0
    for at, step in view.brackets:  # the bracket that closes the marker's depth
        level = max(0, level + step)
        if at >= start and level < depth:
            end = at
            break
    for m in _SEMICOLON.finditer(text, start, end):
        if view.depth(m.start()) == depth and stop.match(text, m.end()):
            end = m.start()
            break
    for m in marker.finditer(text, start, end):
        if view.depth(m.start()) == depth:
            return m.start()
    return end


def _next_whole(figures: list[Found], start: int, end: int, text: str, marker: re.Pattern) -> int:
    """Parts that stopped at another marker stop before that marker's whole too, when the next
    marker has parts of its own ("…尚未审结37件；政府信息公开行政诉讼46件，其中结果维持25件…")."""
    nxt = marker.match(text, end)
    if nxt is None:
        return end
    before = [f for f in figures if start <= f.start and f.end <= end]
    if not before or end - before[-1].end > 14:
        return end
    whole = before[-1]
    if any(f.start >= nxt.end() and f.unit_class == whole.unit_class for f in figures):
        return whole.start
    return end


def _named_parts(metric: Metric, parts: list[Found]) -> list[Found]:
    """A whole whose parts have names (结果维持, 结果纠正 …): the list ends at a figure without one."""
    named = []
    for f in parts:
        if not any(rx.search(f.label) for _, rx in metric.parts):
            break
        named.append(f)
    return named


def _name_parts(out: Narrative, whole: Found, parts: list[Found]) -> None:
    """Parts of a figure whose phrasing names its parts: "行政复议351件，其中结果维持72件"."""
    metric = whole.metric
    if metric is None or not metric.parts:
        return
    for f in parts:
        if f.metric is not None and f.metric is not metric:
            continue
        for column, rx in metric.parts:
            if rx.search(f.label):
                f.figure.counts = f"{metric.id}.{column}"
                f.figure.cells = [c.rsplit(".", 1)[0] + f".{column}" for c in whole.figure.cells
                                  if c.endswith(".total")]
                f.metric = None  # a part of the review, not the review
                break


# -- shares -------------------------------------------------------------------------------------

def _shares(p: Phrasings, out: Narrative) -> None:
    spec = p.data["percent"]
    share, share_of, rate = regex.compile(spec["share"]), regex.compile(spec["share_of"]), regex.compile(spec["rate"])
    verbs = {k: regex.compile(v) for k, v in spec["rates"].items()}
    whole_of = {part: b.whole for b in out.breakdowns for part in b.parts if b.whole is not None}
    by_sentence: dict[int, list[Found]] = {}
    for f in out.found:
        by_sentence.setdefault(f.sentence, []).append(f)

    def stated_part(f: Found, earlier: list[Found]) -> Found | None:
        """The figure a share stands right after ("45项，占比78.9%"), if any."""
        part = earlier[-1] if earlier else None
        if part is None or share.search(f.label) is None:
            return None
        text = out.sentences[f.sentence].text
        if clause_start(text, f.start) > part.end and len(text[part.end:f.start].strip("，, ")) <= 6:
            return part
        return None

    def counted(f: Found) -> list[Found]:
        return [g for g in by_sentence[f.sentence] if g.end <= f.start and g.figure.unit not in ("%", "％", "")
                and g.exact]

    # Figures with a share of their own are siblings, not bases ("予以公开10件，占40%；部分公开5件，占20%").
    shared = {part.index for f in out.found if f.figure.unit in ("%", "％")
              for part in [stated_part(f, counted(f))] if part is not None}
    for f in out.found:
        if f.figure.unit not in ("%", "％") or f.figure.approx:
            continue
        earlier = counted(f)
        m = rate.search(f.label)
        if m:
            verb = verbs[m.group("rate")]
            parts = [g for g in earlier if verb.search(g.label) or verb.search(g.after)]
            if not parts:
                continue
            part = parts[-1]
            bases = [g.index for g in earlier if g is not part and g.unit_class == part.unit_class
                     and g.in_yuan() >= part.in_yuan() and g.index not in shared]
            if bases:
                out.shares.append(Share(f.index, part.index, bases, []))
            continue
        if share.search(f.label) is None and share_of.search(f.label) is None:
            continue
        stated = stated_part(f, earlier)
        if stated is not None:
            bases = [g.index for g in earlier[:-1] if g.unit_class == stated.unit_class
                     and g.in_yuan() >= stated.in_yuan() and g.index not in shared]
            whole = whole_of.get(stated.index)
            if whole is not None and whole not in bases:
                bases.append(whole)
            if bases:
                out.shares.append(Share(f.index, stated.index, bases, []))
            continue
        # No part stated just before: "主动公开及依申请公开政府信息总条数占总制发信息的78.80%".
        bases = [g.index for g in earlier]
        candidates = {g.in_yuan() for g in earlier}
        for b in out.breakdowns:
            if b.whole in bases:
                values = [out.found[k].in_yuan() for k in b.parts]
                for a in range(len(values)):
                    for z in range(a + 1, len(values) + 1):
                        candidates.add(sum(values[a:z], Decimal(0)))
        if bases:
            out.shares.append(Share(f.index, None, bases, sorted(candidates)))


# -- claims and plans ---------------------------------------------------------------------------

@cache
def _claim_patterns() -> tuple[tuple[str, re.Pattern, re.Pattern | None, re.Pattern | None], ...]:
    spec = phrasings().data["claims"]
    return tuple((kind, regex.compile(c["pattern"]), _rx(c.get("requires")), _rx(c.get("excludes")))
                 for kind, c in spec.items() if kind != "groups")


def _claims(p: Phrasings, out: Narrative, i: int, text: str) -> None:
    groups = p.data["claims"]["groups"]
    for kind, rx, requires, excludes in _claim_patterns():
        m = rx.search(text)
        if m is None or (requires is not None and not requires.search(text)) \
                or (excludes is not None and excludes.search(text)):
            continue
        named = tuple(g for g, word in groups.items() if word in text)
        out.claims.append(Claim(kind, i, m.group(0), named))


@cache
def _plan_pattern() -> re.Pattern:
    return regex.compile(phrasings().data["years"]["plan"])


def _plans(p: Phrasings, out: Narrative, i: int, text: str) -> None:
    titles = [(t.start(), t.end()) for t in _TITLE.finditer(text)] if "《" in text else []
    for m in _plan_pattern().finditer(text):
        if any(a < m.start() < b for a, b in titles):
            continue  # 《2024年工作计划》 is a document's title, not a promise
        year = int(m.group("y") or m.group("y2"))
        out.plans.append(Plan(year, i, m.group(0)))
