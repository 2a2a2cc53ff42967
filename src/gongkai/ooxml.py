"""Office Open XML packages (DOCX, XLSX) written so that the same content gives the same bytes.

python-docx, docxtpl and openpyxl date every ZIP member with the wall clock, and openpyxl also
stamps the core properties' created/modified with it: two renderings of one letter differed in
their bytes, so neither a clerk nor an auditor could tell by a digest whether a letter or report
had changed.  ``reproducible`` rewrites a package with every member dated by the document's own
date (a letter's date, a report's 落款 date), the members in the order the writer gave them, and
the core properties' ``dcterms:created``/``dcterms:modified`` set to that date.  A document without
a date of its own (a report without a 落款 date, an export) never takes the wall clock: its members
are dated 1980-01-01 (the ZIP format's first day) and the two properties are left out (a date is
never guessed).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

NO_DATE = (1980, 1, 1, 0, 0, 0)       # the earliest date a ZIP member can carry
CORE = "docProps/core.xml"
_STAMP = re.compile(r"<dcterms:(created|modified)\b[^>]*?(?:/>|>[^<]*</dcterms:\1>)")


def core_dates(xml: str, when: date | None) -> str:
    """The core properties with created/modified at ``when`` (00:00:00Z), or without them."""
    def stamp(m: re.Match) -> str:
        if when is None:
            return ""
        return (f'<dcterms:{m.group(1)} xsi:type="dcterms:W3CDTF">{when.isoformat()}T00:00:00Z'
                f"</dcterms:{m.group(1)}>")
    return _STAMP.sub(stamp, xml)


def reproducible(package: bytes, when: date | None) -> bytes:
    """``package`` rewritten: members dated ``when`` (or 1980-01-01), in their order, deflated,
    with the same attributes; the core properties dated ``when`` (see the module's note)."""
    when = date(when.year, when.month, when.day) if when else None   # a datetime's time is the clock's
    stamp = (when.year, when.month, when.day, 0, 0, 0) if when and when.year >= 1980 else NO_DATE
    src = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == CORE:
                data = core_dates(data.decode("utf-8"), when).encode("utf-8")
            info = zipfile.ZipInfo(item.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, data)
    return out.getvalue()


def created(package: bytes) -> date | None:
    """The date of the core properties' ``dcterms:created`` (what ``reproducible`` set), if any."""
    try:
        xml = zipfile.ZipFile(io.BytesIO(package)).read(CORE).decode("utf-8")
    except (KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return None
    m = re.search(r"<dcterms:created\b[^>]*>(\d{4})-(\d\d)-(\d\d)", xml)
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
    except ValueError:
        return None
