"""Values and text as every output prints them — the built report, the terminal, the CSV, the
source YAML a clerk edits, the web's drafts — so that one value never reads two ways."""

from __future__ import annotations

from decimal import Decimal

from gongkai import regex
from gongkai.model import Value

# What a register's or log's view (web page, terminal) shows for a field left blank, the same
# everywhere — the dash national statistical tables print for "no figure".  A blank is never shown
# as 0, "无" or nothing at all; files meant to be read back (CSV, XLSX, JSON) keep it empty.
BLANK = "—"


def shown_or_blank(value: object) -> str:
    """``value`` as a view shows it, or :data:`BLANK` when it is None or empty text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return BLANK
    return str(value)


def format_value(value: Value) -> str:
    """A cell value as printed: blank stays blank, decimals in plain notation."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


_LINE_BREAKS = regex.compile("\r\n?|[\x85\u2028\u2029\x0b\x0c\x1c-\x1e]")
_UNPRINTABLE = regex.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ufeff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Text as YAML and XML can hold it: every line break a newline, control characters dropped
    (they come from damaged PDFs and pages, never from what a person typed)."""
    return _UNPRINTABLE.sub("", _LINE_BREAKS.sub("\n", text))


_NESTED = {"“": "‘", "”": "’"}


def nested_quotes(text: str) -> str:
    """Quotation marks inside quotation marks as Chinese prints them (GB/T 15834): the inner
    pair single, 表三“（三）不予公开—3.危及‘三安全一稳定’”行, where “…“三安全一稳定””行 left
    the reader to guess where the label ends.  Text whose double marks do not pair up is
    returned as it is (a quote cut short cannot be nested safely)."""
    depth, out = 0, []
    for ch in text:
        if ch == "“":
            out.append(_NESTED[ch] if depth % 2 else ch)
            depth += 1
        elif ch == "”":
            depth -= 1
            if depth < 0:
                return text
            out.append(_NESTED[ch] if depth % 2 else ch)
        else:
            out.append(ch)
    return "".join(out) if depth == 0 else text
