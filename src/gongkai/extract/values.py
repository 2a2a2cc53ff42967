"""Cell text to value.  Never a guess: anything that is not plainly a number is ``None``."""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from gongkai import regex
from gongkai.model import Value

_INT = regex.compile(r"^[+\-]?\d+$")
_GROUPED = regex.compile(r"^[+\-]?\d{1,3}(?:,\d{3})+$")
_DEC = regex.compile(r"^[+\-]?\d+\.\d+$")
_UNIT = regex.compile(r"(件|条|项|个|次|万元|元)$")
# Printed instead of a number: blank-like marks (kept raw, value null).
BLANK_MARKS = frozenset({"", "/", "／", "—", "——", "-", "--", "－", "–", "\\", "无", "空", "×", "x", "X", "*"})


def normalise(raw: str) -> str:
    s = unicodedata.normalize("NFKC", raw)
    return "".join(s.split())


@lru_cache(maxsize=8192)
def parse_value(raw: str) -> Value:
    s = normalise(raw)
    s = _UNIT.sub("", s) if len(s) > 1 else s
    if _INT.match(s):
        return int(s)
    if _GROUPED.match(s):
        return int(s.replace(",", ""))
    if _DEC.match(s):
        try:
            return Decimal(s)
        except InvalidOperation:  # pragma: no cover - regex guarantees a valid literal
            return None
    return None


@lru_cache(maxsize=8192)
def is_value_text(raw: str) -> bool:
    """A cell that stands where a number goes: a number or a blank mark."""
    s = normalise(raw)
    return s in BLANK_MARKS or parse_value(raw) is not None
