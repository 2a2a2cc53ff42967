"""Text wrapped by terminal columns: a Chinese character takes two (help texts, terminal output)."""

from __future__ import annotations

import unicodedata

_NO_LINE_START = "，。、；：？！）》」』”’…—%"
_NO_LINE_END = "（《「『“‘"


def _cells(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def columns_of(text: str) -> int:
    """The terminal columns ``text`` takes."""
    return sum(map(_cells, text))


def wrap_cells(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` terminal columns (a Chinese character takes two).  A break
    falls between Chinese characters or at a space; a Latin word or number is not cut, a
    closing mark (，。）…) never opens a line (the characters before it move down with it) and an
    opening mark (（《“…) never ends one."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line, used = "", 0
        for ch in paragraph:
            w = _cells(ch)
            if used + w > width and line:
                carry = _carry(line, ch)
                lines.append(line[:len(line) - len(carry)].rstrip())
                line = carry.lstrip(" ")
                used = sum(map(_cells, line))
                if ch == " " and not line:
                    continue
            line += ch
            used += w
        lines.append(line.rstrip())
    return lines


def _carry(line: str, ch: str) -> str:
    """The end of ``line`` that must move to the next line with ``ch``."""
    n = 0
    if ch.isascii() and not ch.isspace():  # a Latin word or number stays whole
        while n < len(line) and line[-1 - n].isascii() and not line[-1 - n].isspace():
            n += 1
        comma = line[len(line) - n:].rfind(",")
        if n > 24 and comma >= 0 and n - comma - 1 <= 24:  # too long to move whole: after its last comma
            n -= comma + 1                                 # (2027-01-01,2027-02-06..2027-0 | 2-12 was cut)
    elif ch in _NO_LINE_START:
        n = 1
        while n < len(line) and line[-n] in _NO_LINE_START:
            n += 1
        if line[-n].isascii():  # …1.00）: the number moves too
            while n < len(line) and line[-1 - n].isascii() and not line[-1 - n].isspace():
                n += 1
    while n < len(line) - 1 and line[-1 - n] in _NO_LINE_END:   # an opening mark goes down with what it opens
        n += 1
    return line[len(line) - n:] if 0 < n < len(line) and n <= 24 else ""
