"""The same letter or report rendered twice gives the same bytes (DOCX and PDF), dated by the
document's own date, never by the clock: a clerk or an auditor can tell by a digest whether it changed."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import time
import zipfile
from datetime import date

import pytest

from gongkai import ooxml
from gongkai.model import Report
from gongkai.register import letters as L
from gongkai.render.docx import render_docx

REPORT = Report(agency="示例县示例镇人民政府", year=2024, format="2021", published=date(2025, 1, 20),
                title="示例县示例镇人民政府2024年政府信息公开工作年度报告")
LETTER = dict(L.SAMPLE, kind="fee")    # dated 2025-11-10

# Run in a fresh process: the digests of a report's DOCX, a letter's DOCX and the letter's PDF.
RENDER = """
import hashlib, sys
from datetime import date
from gongkai.model import Report
from gongkai.register import letters as L
from gongkai.render.docx import render_docx
r = Report(agency="示例县示例镇人民政府", year=2024, format="2021", published=date(2025, 1, 20),
           title="示例县示例镇人民政府2024年政府信息公开工作年度报告")
letter = L.render(dict(L.SAMPLE, kind="fee"))
for data in (render_docx(r), letter, L.to_pdf(letter) if sys.argv[1] == "pdf" else b""):
    print(hashlib.sha256(data).hexdigest())
"""


def _core(docx: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(docx)).read("docProps/core.xml").decode()


def _stamps(core: str) -> dict[str, str]:
    return dict(re.findall(r"<dcterms:(created|modified)[^>]*>([^<]*)<", core))


def test_a_report_is_dated_by_its_publication_date_and_its_members_too():
    docx = render_docx(REPORT)
    assert _stamps(_core(docx)) == {"created": "2025-01-20T00:00:00Z", "modified": "2025-01-20T00:00:00Z"}
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(docx)).infolist()} == {(2025, 1, 20, 0, 0, 0)}


def test_a_report_without_a_date_takes_none_from_the_clock():
    docx = render_docx(Report(agency="示例县示例镇人民政府", year=2024, format="2021"))
    assert _stamps(_core(docx)) == {}          # python-docx's template said 2013-12-23: never guessed
    assert "<dc:creator>示例县示例镇人民政府</dc:creator>" in _core(docx)
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(docx)).infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_letter_is_dated_by_its_own_date():
    docx = L.render(LETTER)
    assert _stamps(_core(docx)) == {"created": "2025-11-10T00:00:00Z", "modified": "2025-11-10T00:00:00Z"}
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(docx)).infolist()} == {(2025, 11, 10, 0, 0, 0)}
    assert ooxml.created(docx) == date(2025, 11, 10)


def _digests(pdf: bool) -> list[str]:
    done = subprocess.run([sys.executable, "-c", RENDER, "pdf" if pdf else "docx"], capture_output=True,
                          text=True, timeout=300, check=True)
    return done.stdout.split()


def test_two_processes_render_the_same_bytes():
    # Before: the ZIP members carried the clock's time (2-second steps), the PDF its /CreationDate,
    # /ID and /DocChecksum.  The second run starts in another 2-second step of the clock.
    first = _digests(pdf=True)
    start = int(time.time()) // 2
    while int(time.time()) // 2 == start:
        time.sleep(0.1)
    assert _digests(pdf=True) == first
    assert len(first) == 3


def test_the_pdf_is_dated_by_the_letter_and_its_ids_are_digests():
    pdfium = pytest.importorskip("pypdfium2")
    from gongkai.render.pdf import reproducible

    pdf = L.to_pdf(L.render(LETTER))
    assert pdfium.PdfDocument(pdf).get_metadata_dict()["CreationDate"] == "D:20251110000000Z"
    ids = re.findall(rb"/ID \[ <([0-9A-F]{32})>\n<([0-9A-F]{32})> \]\n/DocChecksum /([0-9A-F]{32})", pdf)
    assert len(ids) == 1 and len(set(ids[0])) == 1
    undated = reproducible(pdf, None)          # a DOCX without a date: the entry is blanked out
    assert len(undated) == len(pdf) and b"/CreationDate" not in undated
    doc = pdfium.PdfDocument(undated)
    assert doc.get_metadata_dict()["CreationDate"] == "" and "收费通知书" in doc[0].get_textpage().get_text_range()
