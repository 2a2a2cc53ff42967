"""Bytes to text for text-like inputs (plain text, Markdown, HTML).

Order: BOM, then a declared charset (HTML <meta>, first 2 KB), then strict UTF-8, then
charset-normalizer.  Every GB* answer is decoded as gb18030, a superset that does not fail on
the rare characters of people's names that gb2312 lacks.
"""

from __future__ import annotations

import codecs
import re

from gongkai import regex
from gongkai.errors import UnreadableFile

_META = regex.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_GB = {"gb2312", "gbk", "gb18030", "cp936", "euc-cn", "x-gbk", "hz-gb-2312", "gb_2312", "936"}


def _canonical(name: str) -> str:
    n = name.lower().replace("_", "-")
    if n in _GB or n.startswith("gb"):
        return "gb18030"
    try:
        return codecs.lookup(n).name
    except LookupError:
        return ""


_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b)


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > len(head) * 0.05


def decode(data: bytes, path: str, declared: bool = True) -> str:
    """Decode text bytes, or raise UnreadableFile with a message naming the file."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace")
    if looks_binary(data):
        raise UnreadableFile("这不是文本文件（含有二进制内容），无法读取。", path)
    if declared:
        m = _META.search(data[:4096])
        if m:
            enc = _canonical(m.group(1).decode("ascii", "ignore"))
            if enc:
                try:
                    return data.decode(enc)
                except UnicodeDecodeError:
                    pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None or not best.encoding:
        raise UnreadableFile("无法识别文件的字符编码。", path)
    return data.decode(_canonical(best.encoding) or best.encoding, errors="replace")
