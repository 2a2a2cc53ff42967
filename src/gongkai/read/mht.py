"""MHTML ("single file web page", .mht, and Word's web-page .doc): the HTML part of a MIME
message, read by the HTML reader.

Word and WPS save such files with a .doc name; government sites publish them as Word
attachments.  The HTML part is decoded by its MIME charset (GB* as gb18030, like every other
reader) or, failing that, like any HTML page.
"""

from __future__ import annotations

import email
import email.policy

from gongkai.errors import UnreadableFile
from gongkai.read.decode import _canonical, decode
from gongkai.read.document import Document
from gongkai.read.html import read_html


def read_mht(data: bytes, name: str) -> Document:
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() != "text/html":
            continue
        payload = part.get_payload(decode=True)  # bytes for a text/html part
        if not isinstance(payload, bytes):
            payload = b""
        charset = _canonical(part.get_content_charset() or "")
        text = None
        if charset:
            try:
                text = payload.decode(charset)
            except (UnicodeDecodeError, LookupError):
                text = None
        if text is None:
            text = decode(payload, name)
        doc = read_html(text, name)
        doc.form = "mht"
        return doc
    raise UnreadableFile("这是 MHT（单个文件网页）格式，但其中没有 HTML 正文。", name)
