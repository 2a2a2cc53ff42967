"""Text a crawler kept of a report page: header lines, then the whole body on one line.

Most published reports that researchers hold are not the original files but the text a crawler
or an archive extracted from the portal pages: a few header lines (``标题: …``, ``发布时间: …``,
``==== 正文 ====``), then the body with its paragraphs run into one line, the headings
(``一、总体情况`` …) inside the running text and every table flattened — cells run together
(``行政规范性文件5730``) or separated by stray padding spaces, the next row's item number glued
to the digits (``…00000002.其他法律…``).  Nothing says where a cell ends, but the national
format fixes the order of every table's labels, so this reader:

* finds the sections by their numbered titles, in order (fuzzily, for typos);
* finds each table by its anchor (``第二十条第（一）项``, the 勾稽 note or ``申请人情况``, the
  ``行政复议 … 结果维持`` header) and reads it as a sequence of (label, digits) pairs: the text
  before each run of digits must *end* with a row label of the format, so group labels, headers,
  repeated labels and Word comments before it do not matter, and typos are matched fuzzily;
* keeps the digits as printed (``Run``).  Cutting them into cells is extraction's work
  (``extract/recover.py``), with the table's sums.

The text is matched in a normalised copy of the same length (half-width forms, comments and
``&nbsp;`` blanked), so every offset is also an offset into the original for positions.
"""

from __future__ import annotations

import bisect
import re
from datetime import datetime
from functools import lru_cache

from gongkai import regex
from gongkai.format import FORMAT
from gongkai.format import labels as L
from gongkai.model import WEB_ADDRESS, Where, at_char
from gongkai.read.document import Document, Paragraph, Run, RunTable
from gongkai.records import record

# -- detection ---------------------------------------------------------------------------------

_NUMERALS = "一二三四五六"
_SECTION_HEADS = sorted({form[:4] for spec in FORMAT.sections for form in (spec.title, *spec.variants)})
_MARKER = regex.compile("|".join([rf"[{_NUMERALS}]\s*[、.．]\s*(?:{'|'.join(map(re.escape, _SECTION_HEADS))})",
                               r"第\s*二\s*十\s*条\s*第", r"申请人情况", r"结果维持"]))
_LONG_LINE = 200


def looks_flattened(text: str) -> bool:
    """A line that holds two or more headings or table anchors: the body was run into one line."""
    for line in text.splitlines():
        if len(line) < _LONG_LINE:
            continue
        found = {"".join(m.group().split()) for m in _MARKER.finditer(line)}
        if len(found) >= 2:
            return True
    return False


# -- normalised text ---------------------------------------------------------------------------

_HALF: dict[int, int | str] = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_HALF.update({0x3000: " ", 0xA0: " ", ord("\t"): " ", ord("\r"): " ", ord("\n"): " "})
_BLANKED = regex.compile(r"<!--.{0,200}?-->|<!\[[^\]]{0,60}\]>|&nbsp;?|&ensp;|&emsp;", re.DOTALL)
# A printed page's number kept in the text of a Word or PDF file put on a web page ("-2-", "－ 2 －",
# "—2—"): page furniture, never a cell ("行政许可 -2- 9487" read 行政许可 −2).  Not after a digit
# or dash (2024-01-05, 10-2-5), and spaced on both sides or on neither.
_PAGE_NUMBER = regex.compile(r"(?<![\d\-－—–])[\-－—–]{1,2}(?:\d{1,3}|[ \u3000]\d{1,3}[ \u3000])[\-－—–]{1,2}")


# A crawler's header line: ``标题: …``, ``【标题】…``, ``title: …`` (any short key), a Markdown
# title (``# …``), and lines that only separate (``-----``, ``==== 正文 ====``).
_HEADER_KEY = regex.compile(r"^\s*(?:【\s*([^】]{1,10}?)\s*】|\[\s*([^\]\s]{1,10})\s*\]|([A-Za-z_\u4e00-\u9fff]{1,12})\s*[:：])"
                         r"\s*(.*)$")
_MD_TITLE = regex.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_TITLE_KEYS = ("标题", "题目", "题名", "文章标题", "名称", "title")
_BODY_MARK = regex.compile(r"^\s*[=\-*#]{2,}\s*正文\s*[=\-*#]{2,}\s*$")
_RULE = regex.compile(r"^\s*[=\-*_~#]{3,}\s*$")
_HEADER_NOTE = regex.compile(r"^\s*页面链接与图片详见")
_MAX_HEADER_LINE = 300  # a header value is at most a long URL; the body is thousands of characters
_CHROME_HEAD = regex.compile(r"^\s*当前位置\s*:.{0,400}?相关链接\s*:\s*", re.DOTALL)
_CHROME_START = regex.compile(r"^\s*当前位置\s*[:：]")
_CHROME_TITLE = regex.compile(r"([^\s:]{4,80}年度报告)\s*来源\s*:")
_CHROME_TAIL = regex.compile(r"(?:\s*(?:附件下载|相关附件|打印本页|关闭窗口|【打印】|【关闭】|\[打印\]|\[关闭\]))+\s*$")


def _field(line: str) -> tuple[str, str] | None:
    """(key, value) of a header line; None for any other line (a sentence, the page's own
    breadcrumb ``当前位置：…``, which starts the body)."""
    if len(line) > _MAX_HEADER_LINE or "。" in line or _CHROME_START.match(line):
        return None
    m = _HEADER_KEY.match(line)
    if m:
        return (m.group(1) or m.group(2) or m.group(3)).strip().lower(), m.group(4).strip()
    m = _MD_TITLE.match(line)
    return ("title", m.group(1)) if m else None


def _header(lines: list[str]) -> tuple[dict[str, str], int]:
    """The crawler's ``key: value`` lines and the index of the first body line."""
    for i, line in enumerate(lines[:40]):
        if _BODY_MARK.match(line):
            fields: dict[str, str] = {}
            for head in lines[:i]:
                kv = _field(head)
                if kv:
                    fields.setdefault(*kv)
            return fields, i + 1
    fields, i = {}, 0  # no body mark: the key lines at the top
    while i < len(lines):
        kv = _field(lines[i])
        if kv:
            fields.setdefault(*kv)
        elif not (_HEADER_NOTE.match(lines[i]) or _RULE.match(lines[i]) or not lines[i].strip()):
            break
        i += 1
    return fields, i


def _title_field(fields: dict[str, str]) -> str | None:
    """The title the header gives: under a title key, else the value that reads as a report's title."""
    for key in _TITLE_KEYS:
        if fields.get(key):
            return fields[key]
    return next((v for v in fields.values() if len(v) <= 120 and v.endswith("年度报告")), None)


# The header's facts about the page, kept as the report's source (model.Source): under the keys
# crawlers use.  发布时间 is when the page went up, not the date the report bears (落款): a header's
# 成文日期 or 发文日期 is the document's own date, so it is not taken for it.
_PAGE_KEYS = {
    "posted": ("发布时间", "发布日期", "时间", "日期", "date", "pubdate", "published"),
    "url": ("原文链接", "原文地址", "链接", "网址", "来源链接", "url", "link"),
    "issuer": ("发布机构", "发文机关", "发布单位", "发文单位", "来源", "source"),
    "doc_no": ("文号", "发文字号", "发文文号"),
}
_POSTED = regex.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                        r"(?:\s*T?\s*(\d{1,2})\s*[:：时]\s*(\d{2})(?:\s*[:：分]\s*(\d{2}))?)?")


def _posted(value: str) -> str:
    """发布时间 as ISO (``2020-01-22T14:28``, ``2020-01-22`` without a time); "" when it is no
    date (a wrong date is worse than none)."""
    m = _POSTED.match(value.strip())
    if not m:
        return ""
    y, mo, d, h, mi, sec = m.groups()
    try:
        when = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(sec or 0))
    except ValueError:
        return ""
    if h is None:
        return when.date().isoformat()
    return when.isoformat(timespec="seconds" if sec else "minutes")


def _page(fields: dict[str, str]) -> dict[str, str]:
    """The header's facts about the page, by model.Source's names; only those given."""
    out = {}
    for name, keys in _PAGE_KEYS.items():
        value = next((fields[k] for k in keys if fields.get(k)), "")
        if name == "posted":
            value = _posted(value)
        elif name == "url" and not WEB_ADDRESS.match(value):
            value = ""
        if value:
            out[name] = value
    return out


def _spaces(m: re.Match) -> str:
    return " " * len(m.group())


class _Body:
    """The body text, its normalised copy and positions (line, character) of offsets."""

    def __init__(self, lines: list[str], first_line: int):
        orig = "\n".join(lines)
        # as printed, less Word's markup and page numbers
        self.orig = _PAGE_NUMBER.sub(_spaces, _BLANKED.sub(_spaces, orig))
        self.norm = self.orig.translate(_HALF)
        self.first_line = first_line
        self.breaks = [m.start() for m in re.finditer("\n", orig)]

    def where(self, offset: int) -> Where:
        k = bisect.bisect_left(self.breaks, offset)
        start = self.breaks[k - 1] + 1 if k else 0
        return at_char(self.first_line + k, offset - start + 1)

    def text(self, start: int, end: int) -> str:
        return self.orig[start:end]


# -- sections ----------------------------------------------------------------------------------

@record
class _Heading:
    no: int
    start: int  # of its numeral
    end: int    # after its title


@lru_cache(maxsize=8)
def _title_forms(no: int) -> tuple[str, ...]:
    spec = next(s for s in FORMAT.sections if s.no == no)
    return tuple(L.squeeze(f) for f in (spec.title, *spec.variants))


def _nonspace(text: str, start: int, n: int) -> tuple[str, int]:
    """The first ``n`` non-space characters from ``start`` and the offset after the last."""
    window = text[start:start + 2 * n + 8]
    squeezed = window.replace(" ", "")
    if len(squeezed) < n and start + len(window) < len(text):
        window = text[start:]
        squeezed = window.replace(" ", "")
    if " " not in window[:n]:
        return squeezed[:n], start + min(n, len(window))
    got, i = 0, 0
    while i < len(window) and got < n:
        if window[i] != " ":
            got += 1
        i += 1
    return squeezed[:n], start + i


_TITLE_END = regex.compile(r"情况|事项|措施")


@lru_cache(maxsize=8192)
def _title_match(window: str, no: int) -> int | None:
    """How many characters of ``window`` (squeezed text after a numeral) are section ``no``'s
    title, if it starts with one."""
    from rapidfuzz import fuzz  # imported when needed: 15 ms of every command's start-up

    best, length = 0.0, None
    for form in _title_forms(no):
        if window.startswith(form):
            return len(form)
        for n in (len(form), len(form) - 1, len(form) + 1, len(form) - 2, len(form) + 2):
            score = fuzz.ratio(window[:n], form)
            if score > best:
                best, length = score, n
    if best >= 86:
        return length
    spec = next(s for s in FORMAT.sections if s.no == no)
    m = _TITLE_END.search(window, 0, 30)
    # A title has no digits and no numbered heading inside: "结转下年度继续办理11四、政府信息公开行政
    # 复议、行政诉讼情况" is table 3's last row, its two digits and the heading after them.
    if m and any(k in window[:m.end()] for k in spec.keywords) and not _NOT_TITLE.search(window, 0, m.start()):
        return m.end()
    return None


_NOT_TITLE = regex.compile(r"\d|[一二三四五六七八九十][、.．]")


def _title_at(norm: str, start: int, no: int) -> int | None:
    """End of section ``no``'s title printed from ``start``, if one is printed there."""
    window, _ = _nonspace(norm, start, 48)
    length = _title_match(window, no)
    return None if length is None else _nonspace(norm, start, length)[1]


def _headings(norm: str, start: int, end: int) -> list[_Heading]:
    """The numbered section headings, in order; a section whose heading is not found is skipped."""
    found: list[_Heading] = []
    pos = start
    for no in range(1, len(FORMAT.sections) + 1):
        pattern = regex.compile(rf"{_NUMERALS[no - 1]}\s*[、.．]\s*")
        for m in pattern.finditer(norm, pos, end):
            title_end = _title_at(norm, m.end(), no)
            if title_end is not None:
                found.append(_Heading(no, m.start(), title_end))
                pos = title_end
                break
    return found


# -- row labels --------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _table3_forms() -> dict[str, tuple[str, ...]]:
    return {rid: _forms(row.core, row.label, *row.variants) for rid, row in FORMAT.table3_rows.items()}


@lru_cache(maxsize=1)
def _table2_forms() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for version in ("2021", "2019"):
        for group, row in FORMAT.table2_rows(version):
            out.setdefault(f"{group.id}.{row.id}", []).extend((row.label, *row.variants))
    return {rid: _forms(*forms) for rid, forms in out.items()}


@lru_cache(maxsize=1)
def _table2_heads() -> tuple[str, ...]:
    """Table 2's column heads (both versions) and 信息内容, keyed, longest first."""
    heads = {"信息内容"} | {c.label for v in ("2021", "2019") for g in FORMAT.table2[v] for c in g.columns}
    return tuple(sorted({k for h in heads if (k := L.keyed(h)[0])}, key=len, reverse=True))


def _before_heads(text: str) -> int:
    """Where the column heads printed after a row's label end ``text`` ("行政许可 本年处理决定数量"
    before its number, as the text of a PDF page runs): the label then ends there."""
    key, index = L.keyed(text)
    n = len(key)
    while n and (head := next((h for h in _table2_heads() if key.endswith(h, 0, n)), None)):
        n -= len(head)
    return len(text) if n == len(key) else (index[n - 1] + 1 if n else 0)


def _forms(*labels: str) -> tuple[str, ...]:
    keys: list[str] = []
    for label in labels:
        k = L.label_key(label)
        if k and k not in keys:
            keys.append(k)
    return tuple(keys)


# The table-3 rows in printed order, both layouts: （六） is one row (2019) or three (2021).
_T3_ORDER = tuple(dict.fromkeys(FORMAT.table3_layout("2021")[:20] + ("other",) + FORMAT.table3_layout("2021")[20:]))
_NUMBERING_BEFORE = regex.compile(r"(?:\(\s*[一二三四五六七八九十]+\s*\)|[一二三四五六七八九十]+\s*[、.]|\d{1,2}\s*[.、]?)\s*$")


@lru_cache(maxsize=32768)
def _tail_match(text: str, rows: tuple[str, ...], table: str) -> tuple[str, int] | None:
    """(row id, index in ``text`` where its label starts) when ``text`` ends with a row label:
    exactly (the longest label that ends it), else fuzzily (typos)."""
    forms = _table3_forms() if table == "table3" else _table2_forms()
    key, index = L.keyed(text)
    if not key:
        return None
    best = _exact_tail(key, rows, forms) or _fuzzy_tail(key, rows, forms)
    if best is None:
        return None
    length, row = best
    start = index[len(key) - length]
    m = _NUMBERING_BEFORE.search(text, 0, start)  # "1." or "（一）" printed before the label
    return row, (m.start() if m else start)


def _exact_tail(key: str, rows: tuple[str, ...], forms: dict[str, tuple[str, ...]]) -> tuple[int, str] | None:
    found = [(len(form), row) for row in rows for form in forms[row] if key.endswith(form)]
    return max(found) if found else None


def _fuzzy_tail(key: str, rows: tuple[str, ...], forms: dict[str, tuple[str, ...]]) -> tuple[int, str] | None:
    from rapidfuzz import fuzz

    best: tuple[float, int, str] | None = None  # (score, length matched, row)
    for row in rows:
        for form in forms[row]:
            if len(form) < 4:
                continue
            for n in (len(form), len(form) - 1, len(form) + 1):
                score = fuzz.ratio(key[-n:], form) if n <= len(key) else 0.0
                if score >= 85 and (best is None or (score, n) > best[:2]):
                    best = (score, n, row)
    return best[1:] if best else None


# -- tables --------------------------------------------------------------------------------------

# A comma before three digits is a thousands separator ("1,323"): part of the run, never a cell's end.
_RUN3 = regex.compile(r"[\d/](?:[\d/ ]|,(?=\d{3}))*")
_RUN2 = regex.compile(r"(?:[+\-]?\d+(?:,\d{3}\d*)*(?:\.\d+)?(?: *(?:万元|元|个|件|条|项|次))? *)+")
_GLUE = ".、"
_T2_ANCHOR = regex.compile(r"第\s*二\s*十\s*条\s*第?\s*\(\s*[一二三四五六七八九]\s*\)\s*项|信息内容")
_T3_ANCHOR = regex.compile(r"\(\s*本列数据|勾稽关系|申请人情况|本年新收")
_T4_ANCHOR = regex.compile(r"行政复议(?=.{0,40}?(?:行政诉讼|结果维持))")
_GROUP_LABEL = regex.compile(r"第\s*二\s*十\s*条\s*第?\s*\(\s*([一二三四五六七八九])\s*\)\s*项")
_MAX_LABEL_TEXT = 220  # characters between two runs of a table (headers and labels), at most
_PROSE = regex.compile(r"[。；;！？]")


@record
class _Rows:
    runs: list[Run]
    extra: list[Run]
    texts: list[tuple[int, str, int]]  # (offset, text before a run, where its row label starts)
    end: int


def _strip_glued_number(norm: str, start: int, end: int) -> int:
    """End of a table-3 run without the next row's item number glued on (``00000002.其他…``)."""
    if end < len(norm) - 1 and norm[end] in _GLUE and not norm[end + 1].isdigit():
        k = end - 1
        if start <= k and norm[k] in "12345678" and (k == start or not norm[k - 1].isdigit()
                                                       or any(ch.isdigit() for ch in norm[start:k])):
            return k
    return end


def _read_rows(body: _Body, start: int, stop: int, table: str) -> _Rows:
    """(label, digits) pairs from ``start``: each run of digits named by the row label that ends
    the text before it; stops at prose, at text no row label ends, or after table 3's last row."""
    norm = body.norm
    run_re = _RUN3 if table == "table3" else _RUN2
    out = _Rows([], [], [], start)
    pos = text_start = start
    order = _T3_ORDER if table == "table3" else tuple(_table2_forms())
    last = -1
    while True:
        m = run_re.search(norm, pos, stop)
        if not m:
            break
        run_end = len(norm[:m.end()].rstrip(" "))
        if table == "table3":
            run_end = _strip_glued_number(norm, m.start(), run_end)
            if run_end <= m.start() or not norm[m.start():run_end].strip():
                pos = m.end()  # only an item number ("1.属于…"): part of the label text
                continue
        text = norm[text_start:m.start()]
        if _PROSE.search(text) or len(text) > _MAX_LABEL_TEXT:
            break
        rows = order[last + 1:last + 5] if table == "table3" else order
        hit = _tail_match(text, rows, table)
        if hit is None and table == "table3":
            hit = _after_blank_rows(text, order[last + 1:])
        label_end = m.start()
        if hit is None and table == "table2" and (cut := _before_heads(text)) < len(text):
            hit = _tail_match(text[:cut], rows, table)
            label_end = text_start + cut
        digits = norm[m.start():run_end]
        if hit is None:
            short = L.squeeze(text)
            if not short or len(short) > 20 or re.search(r"[,:，：]", short):
                break
            out.extra.append(Run("", short, digits, body.where(m.start()), body.where(text_start)))
        else:
            row, label_at = hit
            # rows printed with no digits at all: their cells were blank
            blanks = _blank_rows(text[:label_at], order[last + 1:order.index(row)], row) if table == "table3" \
                else _blank_rows2(text[:label_at], {r.row for r in out.runs} | {row})
            for blank, at, end in blanks:
                out.runs.append(Run(blank, " ".join(body.text(text_start + at, text_start + end).split()), "",
                                    body.where(text_start + end), body.where(text_start + at)))
            label_start = text_start + label_at
            label = " ".join(body.text(label_start, label_end).split())
            out.runs.append(Run(row, label, digits, body.where(m.start()), body.where(label_start)))
            # the column heads end where the first row's label starts, a blank row's included
            out.texts.append((text_start, text, min([label_at] + [at for _, at, _ in blanks])))
            if table == "table3":
                last = order.index(row)
        out.end = pos = text_start = run_end
        if table == "table3" and hit is not None and hit[0] == "carried_forward":
            break
    if table == "table3" and last == order.index("total"):
        _last_blank_row(body, out)
    if table == "table2" and out.runs:
        _last_blank_rows2(body, out)
    return out


_NEXT_SECTION = regex.compile(r"[一二三四五六七八九十]\s*[、.]")


def _after_heads(text: str) -> int:
    """Where a group label (第二十条第（八）项) and column heads at the start of ``text`` end."""
    m = _GROUP_LABEL.match(text.lstrip(" "))
    start = len(text) - len(text.lstrip(" ")) + (m.end() if m else 0)
    key, index = L.keyed(text[start:])
    n = 0
    while head := next((h for h in _table2_heads() if key.startswith(h, n)), None):
        n += len(head)
    return start + (index[n - 1] + 1 if n else 0)


def _last_blank_rows2(body: _Body, out: _Rows) -> None:
    """Table-2 rows printed after its last digits with none of their own (行政事业性收费 before
    三、收到和处理…): rows of blank cells, with the group labels and heads between them."""
    done = {r.row for r in out.runs}
    forms = _table2_forms()
    pos = out.end
    while True:
        text = body.norm[pos:pos + 80]
        start = _after_heads(text)
        key, index = L.keyed(text[start:])
        hits = [(len(f), row) for row, fs in forms.items() if row not in done for f in fs if key.startswith(f)]
        if not hits:
            return
        n, row = max(hits)
        end = start + index[n - 1] + 1
        rest = text[end:].lstrip(" ")
        if rest[:1].isdigit():
            return  # its digits follow: not a blank row (the rows' loop stopped before it)
        after, _ = L.keyed(rest[_after_heads(rest):])
        if rest and not (_after_heads(rest) or _NEXT_SECTION.match(rest)
                         or any(after.startswith(f) for r, fs in forms.items() if r not in done for f in fs)):
            return  # prose that starts with a row's words ("行政处罚决定书…"), not a row
        out.runs.append(Run(row, " ".join(body.text(pos + start, pos + end).split()), "",
                            body.where(pos + end), body.where(pos + start)))
        done.add(row)
        pos = out.end = pos + end


def _last_blank_row(body: _Body, out: _Rows) -> None:
    """四、结转下年度继续办理 printed right after （七）总计's digits with none of its own: the
    table's last row, of blank cells (the next digits belong to another table)."""
    text = body.norm[out.end:out.end + 40]
    key, index = L.keyed(text)
    for form in _table3_forms()["carried_forward"]:
        at = key.find(form)
        if 0 <= at <= 2 and not any(ch.isdigit() for ch in text[:index[at]]):  # "四、" may stand before it
            end = index[at + len(form) - 1] + 1
            if body.norm[out.end + end:out.end + end + 40].lstrip(" ")[:1].isdigit():
                return  # its digits are there, past the table's end as found: not a blank row
            out.runs.append(Run("carried_forward", " ".join(body.text(out.end, out.end + end).split()), "",
                                body.where(out.end + end), body.where(out.end)))
            out.end += end
            return


def _after_blank_rows(text: str, ahead: tuple[str, ...]) -> tuple[str, int] | None:
    """A table-3 row label ending ``text`` further ahead than the next few rows, accepted only when
    the label of every row skipped stands before it (rows of blank cells, printed without digits)."""
    hit = _tail_match(text, ahead, "table3")
    if hit is None:
        return None
    skipped = ahead[:ahead.index(hit[0])]
    found = {row for row, _, _ in _blank_rows(text[:hit[1]], skipped, hit[0])}
    # （六） is one row (2019 layout) or three (2021): either stands for the other
    alternates = {r for r in skipped if r.startswith("other.")} if "other" in found else {"other"}
    return hit if set(skipped) - alternates <= found else None


def _blank_rows2(text: str, done: set[str]) -> list[tuple[str, int, int]]:
    """(row id, start, end in ``text``) of the table-2 rows whose labels end ``text``, before the
    row found after it, with no digits after them (``现行有效件数规章行政规范性文件38``: 规章's
    cells blank), in printed order; column heads and a group label (第二十条第（六）项) may stand
    between them.  Rows ``done`` (read already, or the one found) are not looked for."""
    out: list[tuple[str, int, int]] = []
    end = len(text)
    while end:
        head = _before_heads(text[:end])
        group = [g for g in _GROUP_LABEL.finditer(text, 0, head) if not text[g.end():head].strip()]
        stop = group[-1].start() if group else head
        hit = _tail_match(text[:stop], tuple(r for r in _table2_forms() if r not in done), "table2")
        if hit is None:
            break
        row, at = hit
        out.append((row, at, len(text[:stop].rstrip(" "))))
        done = done | {row}
        end = at
    return out[::-1]


def _blank_rows(text: str, skipped: tuple[str, ...], found: str) -> list[tuple[str, int, int]]:
    """(row id, start, end in ``text``) of the table-3 rows among ``skipped`` whose labels stand in
    ``text``, in order, with no digits after them: a crawler prints nothing for a row of blank
    cells, so ``3.要求提供公开出版物4.无正当理由大量反复申请5.要求…11`` holds two such rows before
    the one ``found``.  The 2019 layout's single （六） row is not one of the 2021 layout's three."""
    key, index = L.keyed(text)
    forms = _table3_forms()
    out: list[tuple[str, int, int]] = []
    pos = 0
    for row in skipped:
        if row == "other" and found.startswith("other."):
            continue  # （六）其他处理 is then the heading of the row found
        hits = [(i, len(f)) for f in forms[row] if (i := key.find(f, pos)) >= 0]
        if not hits:
            continue
        i, n = min(hits, key=lambda h: (h[0], -h[1]))
        m = _NUMBERING_BEFORE.search(text, 0, index[i])
        out.append((row, m.start() if m else index[i], index[i + n - 1] + 1))
        pos = i + n
    if any(row.startswith("other.") for row, _, _ in out):  # the 2021 layout: （六） was a heading
        out = [hit for hit in out if hit[0] != "other"]
    return out


@lru_cache(maxsize=4096)
def _align(header: str, labels: tuple[str, ...]) -> list[tuple[str, str]]:
    """(printed, official) for the labels of a flattened header printed otherwise: a misspelt or
    truncated label between two printed as the format has them, or a label with a character or
    two added ("本年增/减量")."""
    from rapidfuzz import fuzz

    sq = L.squeeze(header)
    out: list[tuple[str, str]] = []
    cursor, missing, previous = 0, [], None
    for label in labels:
        official = L.squeeze(label)
        i = sq.find(official, cursor)
        if i < 0:
            missing.append(label)
            continue
        gap = sq[cursor:i]
        if len(missing) == 1 and gap and fuzz.ratio(gap, L.squeeze(missing[0])) >= 50:
            out.append((gap, missing[0]))
        elif not missing and previous and 0 < len(gap) <= 2:
            out.append((L.squeeze(previous) + gap, previous))
        missing, previous = [], label
        cursor = i + len(official)
    gap = sq[cursor:]
    if len(missing) == 1 and gap and fuzz.ratio(gap, L.squeeze(missing[0])) >= 50:
        out.append((gap, missing[0]))
    elif not missing and previous and 0 < len(gap) <= 2:
        out.append((L.squeeze(previous) + gap, previous))
    return out


@lru_cache(maxsize=1)
def _version_keys() -> dict[str, tuple[str, ...]]:
    return {v: tuple(L.squeeze(m) for m in ms) for v, ms in FORMAT.table2_version_markers.items()}


def _rows_from_anchor(body: _Body, anchor: re.Pattern, start: int, stop: int, table: str) -> tuple[_Rows, int] | None:
    """The rows read from the first occurrence of ``anchor`` after which any row is found."""
    for m in anchor.finditer(body.norm, start, stop):
        rows = _read_rows(body, m.start(), stop, table)
        if rows.runs:
            return rows, m.start()
    return None


def _table2(body: _Body, start: int, stop: int) -> tuple[RunTable, int, int] | None:
    found = _rows_from_anchor(body, _T2_ANCHOR, start, stop, "table2")
    if found is None:
        return None
    rows, at = found
    headers = [(text[:label_at], offset) for offset, text, label_at in rows.texts]
    votes = {v: sum(L.squeeze(h).count(k) for h, _ in headers for k in keys) for v, keys in _version_keys().items()}
    version = None if votes["2021"] == votes["2019"] else max(votes, key=lambda v: votes[v])
    variants: list[tuple[str, str, Where | None]] = []
    for (header, offset), run in zip(headers, rows.runs):
        m = ([None] + list(_GROUP_LABEL.finditer(header)))[-1]  # the last group label
        heads = header[m.end():] if m else header
        heads = heads.split("信息内容", 1)[-1]
        group = run.row.split(".")[0]
        if version and L.squeeze(heads):
            columns = tuple(c.label for c in FORMAT.table2_group(version, group).columns) \
                if any(g.id == group for g in FORMAT.table2[version]) else ()
            variants += [(p, o, body.where(offset)) for p, o in _align(heads, columns)]
    return RunTable("table2", rows.runs, body.where(at), version, variants, rows.extra), at, rows.end


_T3_HEADERS = ("自然人", "法人或其他组织", "总计", *(c.label for c in FORMAT.table3_columns[1:6]))


def _table3(body: _Body, start: int, stop: int) -> tuple[RunTable, int, int] | None:
    found = _rows_from_anchor(body, _T3_ANCHOR, start, stop, "table3")
    if found is None:
        return None
    rows, at = found
    variants: list[tuple[str, str, Where | None]] = []
    if rows.texts and rows.runs[0].row == "new_received":
        offset, text, label_at = rows.texts[0]
        variants = [(p, o, body.where(offset)) for p, o in _align(text[:label_at], _T3_HEADERS)]
    return RunTable("table3", rows.runs, body.where(at), None, variants, rows.extra), at, rows.end


@lru_cache(maxsize=1)
def _t4_markers() -> tuple[str, ...]:
    return tuple(L.squeeze(m) for m in FORMAT.table4_header_markers)


def _table4(body: _Body, start: int, stop: int) -> tuple[RunTable, int, int] | None:
    norm = body.norm
    for anchor in _T4_ANCHOR.finditer(norm, start, stop):
        m = _RUN3.search(norm, anchor.start(), stop)
        if not m:
            return None
        header = L.squeeze(norm[anchor.start():m.start()])
        if _PROSE.search(header) or len(header) > _MAX_LABEL_TEXT or sum(k in header for k in _t4_markers()) < 2:
            continue
        end = len(norm[:m.end()].rstrip(" "))
        run = Run("all", "", norm[m.start():end], body.where(m.start()), body.where(anchor.start()))
        return RunTable("table4", [run], body.where(anchor.start())), anchor.start(), end
    return None


# -- the document --------------------------------------------------------------------------------

_TITLE_AT_START = regex.compile(r"^\s*(\S[^。，,；;：:]{3,80}?政府信息公开(?:工作)?年度报告)")
_YEAR = regex.compile(r"(?:19|20)\d{2}\s*年")
_DATE = regex.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?:19|20)\d{2}-\d{1,2}-\d{1,2}")


def read_crawler(text: str, name: str, form: str = "txt") -> Document:
    lines = text.splitlines()
    fields, first = _header(lines)
    body = _Body(lines[first:], first + 1)
    norm = body.norm
    doc = Document(name=name, form=form, page=_page(fields))
    title = _title_field(fields)
    if title:
        doc.title_hint = title
    start, end = 0, len(norm)
    m = _CHROME_HEAD.match(norm)
    if m:
        start = m.end()
        t = _CHROME_TITLE.search(norm, 0, start)
        if t and not title:  # the page's own title line, inside the chrome
            title = doc.title_hint = " ".join(body.text(t.start(1), t.end(1)).split())
    m = _CHROME_TAIL.search(norm, start)
    if m:
        end = m.start()
    start = _title_block(doc, body, start, title)
    headings = _headings(norm, start, end)
    tables = _tables(body, start, end, headings)
    events: list[tuple[int, int, _Heading | RunTable]] = [(h.start, h.end, h) for h in headings]
    for table, t_start, t_end in tables:
        events = [e for e in events if not (t_start <= e[0] < t_end)]  # no heading inside a table
        events.append((t_start, t_end, table))
    events.sort(key=lambda e: e[0])
    pos = start
    for e_start, e_end, item in events:
        _narrative(doc, body, pos, e_start)
        if isinstance(item, _Heading):
            printed = " ".join(body.text(item.start, item.end).split())
            doc.blocks.append(Paragraph(printed, body.where(item.start), heading=True))
        else:
            doc.blocks.append(item)
        pos = max(pos, e_end)
    _narrative(doc, body, pos, end, last=True, agency=_agency_hint(title))
    return doc


def _title_block(doc: Document, body: _Body, start: int, title: str | None) -> int:
    """Emit the title when the body starts with it; the offset after it."""
    norm = body.norm
    lead = len(norm) - len(norm[start:].lstrip(" "))
    if title:
        want = L.squeeze(title.translate(_HALF))
        got, stop = _nonspace(norm, lead, len(want))
        if got == want:
            doc.blocks.append(Paragraph(" ".join(body.text(lead, stop).split()), body.where(lead)))
            return stop
        return start
    m = _TITLE_AT_START.match(norm, start)
    if m:
        doc.blocks.append(Paragraph(body.text(m.start(1), m.end(1)), body.where(m.start(1))))
        return m.end(1)
    return start


def _tables(body: _Body, start: int, end: int, headings: list[_Heading]) -> list[tuple[RunTable, int, int]]:
    """Tables 2, 3 and 4 in order, each searched from its section's heading (or the end of the
    table before it) up to the next heading found."""
    at = {h.no: h for h in headings}
    out = []
    pos = start
    for no, read in ((2, _table2), (3, _table3), (4, _table4)):
        pos = max(pos, at[no].end if no in at else pos)
        stop = next((h.start for h in headings if h.no > no and h.start >= pos), end)
        found = read(body, pos, stop)
        if found:
            out.append(found)
            pos = found[2]
    return out


def _agency_hint(title: str | None) -> str | None:
    """The body named in the title (before its year), to find the signature in the last line."""
    if not title:
        return None
    m = _YEAR.search(title)
    head = L.squeeze(title[:m.start()]) if m else ""
    return head or None


def _narrative(doc: Document, body: _Body, start: int, end: int, last: bool = False,
               agency: str | None = None) -> None:
    """The running text between two headings or tables, as paragraphs; the signature block at
    the end of the report (body, date, contact) as separate lines."""
    text = body.text(start, end)
    lead = len(text) - len(text.lstrip())
    text = text.strip()
    if not text:
        return
    start += lead
    pieces = [(0, len(text))]
    if last:
        pieces = _signature_pieces(text, agency)
    for a, b in pieces:
        piece = text[a:b].strip()
        if piece:
            doc.blocks.append(Paragraph(" ".join(piece.split()), body.where(start + a + len(text[a:b]) - len(text[a:b].lstrip()))))


def _signature_pieces(text: str, agency: str | None) -> list[tuple[int, int]]:
    """Cut the closing lines off the last paragraph: after its last sentence, a date, the body's
    name and a contact line stand apart on the printed page."""
    date = ([None] + list(_DATE.finditer(text)))[-1]  # the last date
    if date is None or len(text) - date.start() > 120 or _PROSE.search(text, date.end()):
        return [(0, len(text))]
    cut = max(text.rfind(p, 0, date.start()) for p in "。！？")
    cut = cut + 1 if cut >= 0 else 0
    if agency:
        i = L.squeeze(text[cut:date.start()]).find(agency)
        if i >= 0:  # "无平潭…局 2021年1月19日": the body's name starts the signature
            k, seen = cut, 0
            while seen < i:
                if not text[k].isspace():
                    seen += 1
                k += 1
            while text[k].isspace():
                k += 1
            cut = k
    pieces = [(0, cut)] if cut else []
    for m in re.finditer(r"\S+", text[cut:]):  # "某局 2022年1月7日 （联系人：…）": one line each
        pieces.append((cut + m.start(), cut + m.end()))
    return pieces


__all__ = ["looks_flattened", "read_crawler"]
