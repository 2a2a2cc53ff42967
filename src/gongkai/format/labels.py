"""Label normalisation and matching against the national format.

Published labels come spaced out ("结果 维持"), wrapped, with half-width brackets, with or
without their numbering, and with typos.  Matching works on a *key*: NFKC-normalised text
without whitespace, quotes and list punctuation, with the numbering stripped.  Exact keys
are looked up in a dictionary; only when that fails is a fuzzy match tried.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache

from gongkai import regex
from gongkai.format import FORMAT
from gongkai.records import record

_DROP = dict.fromkeys(map(ord, " \t\r\n\u3000\u00a0\"'“”‘’「」、，,。.．:：;；·*_#`"), None)
_NUMBERING = regex.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|[（(][一二三四五六七八九十]+[）)]|\d{1,2}(?=[^\d])[、.]?|[①②③④⑤⑥⑦⑧⑨])"
)


# The full-width punctuation of nearly every Chinese sentence, and what NFKC makes of each (one
# ASCII character: its compatibility decomposition).  Replaced before NFKC, they leave most text
# already normal, which NFKC sees at once; for a few commas it decomposed and recomposed the whole
# paragraph, about 1,000 instructions a character (5 M of ``gongkai parse one.txt``).  Replacing
# a character by its decomposition does not change what NFKC makes of the text.
_WIDE = (("，", ","), ("（", "("), ("）", ")"), ("：", ":"), ("；", ";"), ("！", "!"), ("？", "?"), ("％", "%"),
         ("\u3000", " "))


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, faster on Chinese text."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    for wide, narrow in _WIDE:
        text = text.replace(wide, narrow)
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=16384)
def squeeze(text: str) -> str:
    """NFKC and no whitespace: the form in which labels are compared and shown in notes."""
    return "".join(nfkc(text).split())


@lru_cache(maxsize=16384)
def label_key(text: str) -> str:
    """The comparison key of a label: numbering stripped, punctuation and spaces removed."""
    s = nfkc(text)
    s = "".join(s.split())
    while True:
        stripped = _NUMBERING.sub("", s, count=1)
        if stripped == s:
            break
        s = stripped
    return s.translate(_DROP).lower()


@lru_cache(maxsize=4096)
def _char_key(ch: str) -> str:
    return "".join(unicodedata.normalize("NFKC", ch).split()).translate(_DROP).lower()


@lru_cache(maxsize=16384)
def keyed(text: str) -> tuple[str, tuple[int, ...]]:
    """``label_key`` without the numbering stripped, and for each of its characters the index of
    the character of ``text`` it comes from (to find where a label ends inside running text)."""
    key: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        k = _char_key(ch)
        key.append(k)
        index += [i] * len(k)
    return "".join(key), tuple(index)


def _char_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ch in text:
        counts[ch] = counts.get(ch, 0) + 1
    return counts


@record(frozen=True)
class LabelMatch:
    key: str        # e.g. "table3:denied.state_secret" or "table2:art20_1.rules"
    official: str   # the official label
    exact: bool     # True when the printed label is the official one (up to spacing, brackets)
    score: float


class LabelIndex:
    """Maps printed labels to ids: exact keys first, then fuzzy (rapidfuzz) above a cutoff."""

    def __init__(self, entries: list[tuple[str, str, str, bool]], cutoff: float = 86.0):
        # entries: (printed form, id, official label, is_official_form)
        self._exact: dict[str, tuple[str, str, bool]] = {}
        for printed, ident, official, is_official in entries:
            k = label_key(printed)
            if k and k not in self._exact:
                self._exact[k] = (ident, official, is_official)
        self._keys = list(self._exact)
        self._cutoff = cutoff
        self._seen: dict[tuple[str, bool], LabelMatch | None] = {}  # the same labels recur in every report
        self._postings: dict[str, list[tuple[int, int]]] | None = None  # character -> (key, count) (_may_reach)

    def match(self, text: str, fuzzy: bool = True) -> LabelMatch | None:
        try:
            return self._seen[text, fuzzy]
        except KeyError:
            pass
        hit = self._match(text, fuzzy)
        if len(self._seen) < 65536:
            self._seen[text, fuzzy] = hit
        return hit

    def _may_reach(self, k: str) -> bool:
        """Whether any key could score the cutoff against ``k``.  ``fuzz.ratio`` is 200 × the
        longest common subsequence / (the two lengths), and that subsequence is at most the
        characters the two strings share: when no key shares enough, the answer (no match) is
        known without rapidfuzz (most section headings are tested against the table-3 rows).
        The characters shared with every key are counted at once through each character's list
        of the keys that hold it (the same sums as key by key, for a tenth of the work)."""
        if self._postings is None:
            postings: dict[str, list[tuple[int, int]]] = {}
            for i, key in enumerate(self._keys):
                for ch, n in _char_counts(key).items():
                    postings.setdefault(ch, []).append((i, n))
            self._postings = postings
        shared = [0] * len(self._keys)
        for ch, n in _char_counts(k).items():
            for i, held in self._postings.get(ch, ()):
                shared[i] += held if held < n else n
        margin = self._cutoff - 1e-3  # below the cutoff by more than any rounding of the score
        size = len(k)
        return any(200 * common >= margin * (size + len(key)) for common, key in zip(shared, self._keys) if common)

    def _match(self, text: str, fuzzy: bool) -> LabelMatch | None:
        k = label_key(text)
        if not k:
            return None
        hit = self._exact.get(k)
        if hit:
            return LabelMatch(hit[0], hit[1], hit[2], 100.0)
        if len(k) < 4 or not fuzzy:
            return None
        # A label wrapped onto the next line: the printed part is a prefix of one label.
        prefixed = {self._exact[key][0]: key for key in self._keys if key.startswith(k)}
        if len(prefixed) == 1:
            ident, official, _ = self._exact[next(iter(prefixed.values()))]
            return LabelMatch(ident, official, True, 99.0)
        if not self._may_reach(k):
            return None
        from rapidfuzz import fuzz, process  # imported on the first fuzzy match: 15 ms of start-up

        best = process.extractOne(k, self._keys, scorer=fuzz.ratio, score_cutoff=self._cutoff)
        if best is None:
            return None
        ident, official, _ = self._exact[best[0]]
        return LabelMatch(ident, official, False, best[1])


@cache
def table3_rows() -> LabelIndex:
    entries = []
    for row in FORMAT.table3_rows.values():
        entries.append((row.core, row.id, row.label, True))
        entries.append((row.label, row.id, row.label, True))
        entries += [(v, row.id, row.label, False) for v in row.variants]
    return LabelIndex(entries)


@cache
def table2_rows() -> LabelIndex:
    """Row labels of both versions: ``art20_1.normative_docs`` etc."""
    entries = []
    for version in ("2021", "2019"):
        for group, row in FORMAT.table2_rows(version):
            entries.append((row.label, f"{group.id}.{row.id}", row.label, True))
            entries += [(v, f"{group.id}.{row.id}", row.label, False) for v in row.variants]
    return LabelIndex(entries, cutoff=90.0)


@cache
def table2_columns() -> dict[str, tuple[str, str]]:
    """Normalised column header -> (version, official label), for version detection."""
    out: dict[str, tuple[str, str]] = {}
    for version in ("2021", "2019"):
        for group in FORMAT.table2[version]:
            for col in group.columns:
                for form in (col.label, *col.variants):
                    out.setdefault(label_key(form), (version, col.label))
    return out


@cache
def sections() -> LabelIndex:
    entries = []
    for spec in FORMAT.sections:
        entries.append((spec.title, str(spec.no), spec.title, True))
        entries += [(v, str(spec.no), spec.title, False) for v in spec.variants]
    return LabelIndex(entries, cutoff=80.0)


_STRICT_DROP = dict.fromkeys(map(ord, " \t\r\n\u3000\u00a0\"'“”‘’「」*_#`"), None)


@lru_cache(maxsize=16384)
def strict_key(text: str) -> str:
    """Like ``label_key`` but keeping list punctuation: tells an official label from a variant."""
    s = "".join(nfkc(text).split())
    while True:
        stripped = _NUMBERING.sub("", s, count=1)
        if stripped == s:
            break
        s = stripped
    return s.translate(_STRICT_DROP).rstrip("。.").lower()


def is_official(printed: str, *official_forms: str) -> bool:
    key = strict_key(printed)
    return any(key == strict_key(form) for form in official_forms)
