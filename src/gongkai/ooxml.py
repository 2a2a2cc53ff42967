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
import os
import re
import shutil
import stat
import tempfile
import zipfile
from datetime import date
from pathlib import Path
from typing import IO

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
    out = io.BytesIO()
    _repack(io.BytesIO(package), out, when)
    return out.getvalue()


def reproducible_file(path: str | os.PathLike, when: date | None) -> None:
    """The package at ``path`` made reproducible in place, member by member (a corpus export
    can be large): written beside it, then moved over it."""
    path = Path(os.path.realpath(path))   # through a symbolic link, as files.write_atomic
    fd, tmp = tempfile.mkstemp(prefix=".gongkai-", suffix=path.suffix, dir=path.parent)
    try:
        with open(path, "rb") as src, os.fdopen(fd, "wb") as dst:
            _repack(src, dst, when)
        os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _repack(src_file: IO[bytes], dst_file: IO[bytes], when: date | None) -> None:
    when = date(when.year, when.month, when.day) if when else None   # a datetime's time is the clock's
    stamp = (when.year, when.month, when.day, 0, 0, 0) if when and when.year >= 1980 else NO_DATE
    with zipfile.ZipFile(src_file) as src, zipfile.ZipFile(dst_file, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            if item.filename == CORE:
                dst.writestr(info, core_dates(src.read(item).decode("utf-8"), when).encode("utf-8"))
                continue
            with src.open(item) as a, dst.open(info, "w", force_zip64=item.file_size > 2**31) as b:
                shutil.copyfileobj(a, b, 1 << 20)


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
