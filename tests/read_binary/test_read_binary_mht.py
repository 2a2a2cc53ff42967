"""Word's "single file web page" (MHTML) published under a .doc name."""

from __future__ import annotations

import quopri
import random

from gongkai.load import load
from gongkai.read import detect_form
from tests.writers import Damage, random_report, to_html


def _mht(html: bytes, charset: str) -> bytes:
    boundary = b"----=_NextPart_01DA0000.12345678"
    return (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"" + boundary + b"\"\r\n\r\n"
            b"This document is a Single File Web Page, also known as a Web Archive file.\r\n\r\n"
            b"--" + boundary + b"\r\nContent-Location: file:///C:/report.htm\r\n"
            b"Content-Transfer-Encoding: quoted-printable\r\n"
            b"Content-Type: text/html; charset=\"" + charset.encode() + b"\"\r\n\r\n"
            + quopri.encodestring(html) + b"\r\n--" + boundary + b"--\r\n")


def test_read_binary_mht_named_doc_with_gb2312():
    report = random_report(random.Random(31), "2021")
    html = to_html(report, Damage(), charset="gb2312", meta=False)
    data = _mht(html, "gb2312")
    assert detect_form(data, "报告.doc") == "mht"
    parsed = load(data, "报告.doc")
    assert parsed.source.form == "mht"
    for table in ("table2", "table3", "table4"):
        assert parsed.table(table) == report.table(table), table
    assert parsed.agency == report.agency
