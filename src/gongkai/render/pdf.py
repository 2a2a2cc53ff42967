"""DOCX -> PDF with LibreOffice headless: the PDF is the DOCX we also deliver, page for page,
tagged for screen readers.

The PDF is made reproducible afterwards (``reproducible``): LibreOffice 7.4 stamps /CreationDate
with the clock and derives the trailer's /ID from it, and does not honour SOURCE_DATE_EPOCH; both
are rewritten in place, at the same length (the cross-reference offsets stay true): the date is
the DOCX's own (its core properties' created: a letter's date, a report's 落款 date) — without
one the entry is blanked out — and the /ID is a digest of the rest of the file.

Each run uses a private LibreOffice profile (``-env:UserInstallation``) so it neither collides
with a user's open LibreOffice nor with other conversions, and it has a time limit.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlparse

from gongkai import ooxml
from gongkai.errors import GongkaiError, MissingDependency

TIMEOUT_S = 180
PROFILE_PREFIX = "gongkai-lo-"


def soffice() -> str:
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    raise MissingDependency("生成 PDF 需要 LibreOffice，但本机没有安装。请安装 libreoffice-writer-nogui"
                            "（见 scripts/setup.sh），或改用 --to docx。")


def convert_to_pdf(docx_files: list[Path], outdir: Path, timeout: int = TIMEOUT_S) -> list[Path]:
    """Convert several DOCX files in one LibreOffice start (much cheaper than one each)."""
    program = soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    for f in docx_files:
        _remove_stale_lock(outdir / (Path(f).stem + ".pdf"))
    with tempfile.TemporaryDirectory(prefix=PROFILE_PREFIX) as profile:
        _settings(Path(profile))
        cmd = [program, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(outdir), *map(str, docx_files)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise GongkaiError(f"LibreOffice 转换 PDF 超时（{timeout} 秒），已放弃。") from None
    outputs = [outdir / (Path(f).stem + ".pdf") for f in docx_files]
    missing = [p for p in outputs if not p.is_file() or p.stat().st_size == 0]
    if missing:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["无输出"]
        raise GongkaiError(f"LibreOffice 未能生成 PDF（{detail[0]}）。", str(missing[0]))
    return outputs


# The private profile's settings: a tagged PDF (PDF/UA structure: headings, paragraphs, tables
# with their header cells, the text's language zh-CN), so that a screen reader reads the published
# report's tables cell by cell.  Set in the profile rather than as ``--convert-to`` filter options,
# whose JSON form LibreOffice before 7.4 does not take.
PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Common/Filter/PDF/Export"><prop oor:name="UseTaggedPDF" oor:op="fuse">\
<value>true</value></prop></item>
</oor:items>
"""


def _settings(profile: Path) -> None:
    user = profile / "user"
    user.mkdir(exist_ok=True)
    (user / "registrymodifications.xcu").write_text(PROFILE_SETTINGS, encoding="utf-8")


def _remove_stale_lock(output: Path) -> None:
    """Remove the lock file a killed start of ours left on ``output``.

    LibreOffice locks the file it stores (``.~lock.NAME#``, whose last field is the holder's
    profile URL) and removes the lock when done; a start killed mid-store leaves it, and every
    later start then fails to store that file (“SfxBaseModel::impl_store … Class:Abort Code:27”).
    Only a lock held by one of our private profiles that no longer exists is removed: that
    holder is gone for certain, while another program's lock is left alone."""
    lock = output.with_name(f".~lock.{output.name}#")
    try:
        fields = lock.read_text(encoding="utf-8", errors="replace").strip().rstrip(";").split(",")
    except OSError:
        return
    profile = Path(unquote(urlparse(fields[-1]).path)) if fields[-1].startswith("file:") else None
    if profile and profile.name.startswith(PROFILE_PREFIX) and not profile.exists():
        lock.unlink(missing_ok=True)


def render_pdf(docx: bytes) -> bytes:
    with tempfile.TemporaryDirectory(prefix="gongkai-pdf-") as tmp:
        src = Path(tmp) / "report.docx"
        src.write_bytes(docx)
        (pdf,) = convert_to_pdf([src], Path(tmp) / "out")
        return reproducible(pdf.read_bytes(), ooxml.created(docx))


_CREATED = re.compile(rb"/CreationDate\s*\((?:[^()\\]|\\.)*\)")
# The trailer's /ID pair and LibreOffice's /DocChecksum: hex digests that change with the clock.
_DIGESTS = re.compile(rb"(?<=/ID \[ <)[0-9A-F]{32}(?=>\n<)|(?<=>\n<)[0-9A-F]{32}(?=> \])|(?<=/DocChecksum /)[0-9A-F]{32}\b")


def reproducible(pdf: bytes, when: date | None) -> bytes:
    """``pdf`` with its /CreationDate at ``when`` (blanked out without one) and its /ID and
    /DocChecksum a digest of the rest, each rewritten at its own length (see the module's note)."""
    def stamp(m: re.Match) -> bytes:
        new = f"/CreationDate(D:{when:%Y%m%d}000000Z)".encode() if when else b""
        if len(new) > len(m.group(0)):
            new = b""
        return new.ljust(len(m.group(0)))   # spaces between a dictionary's entries are PDF's whitespace
    pdf = _CREATED.sub(stamp, pdf)
    ident = hashlib.blake2b(_DIGESTS.sub(b"0" * 32, pdf), digest_size=16).hexdigest().upper().encode()
    return _DIGESTS.sub(ident, pdf)
