"""Section headings (一、总体情况 … 六、其他需要报告的事项) and the narrative under them."""

from __future__ import annotations

from gongkai import regex
from gongkai.format import FORMAT
from gongkai.format import labels as L

_HEADING = regex.compile(r"^\s*[#*\s]*([一二三四五六七八])\s*[、.．]\s*(.{2,44}?)[\s*#:：。]*$")
_SENTENCE_END = tuple("。！？!?；;：:」”）)】")
_LIST_START = regex.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+[、是]|\d+[.、．]|[①-⑩])")


def heading_number(text: str, after: int, is_heading_block: bool = False) -> tuple[int, str] | None:
    """(section number, printed title) when ``text`` is a section heading after section ``after``."""
    s = L.squeeze(text).strip("*#")
    if len(s) > 48:
        return None
    m = _HEADING.match(s)
    if m:
        title = m.group(2)
    elif is_heading_block:
        title = s
    else:
        return None
    if "。" in title or L.table3_rows().match(title):
        return None
    number = None
    hit = L.sections().match(title)
    if hit:
        number = int(hit.key)
    else:
        for spec in FORMAT.sections:
            if any(k in title for k in spec.keywords):
                number = spec.no
                break
    if number is None or number <= after:
        return None
    return number, title


def join_lines(lines: list[str]) -> str:
    """Join paragraphs that a page break cut in the middle of a sentence."""
    out: list[str] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and not out[-1].endswith(_SENTENCE_END) and not _LIST_START.match(line):
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)
