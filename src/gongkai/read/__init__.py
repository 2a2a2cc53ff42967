"""Readers: any published form of a report -> ``Document``.

``read_file`` detects the form from the bytes (not only the extension), applies size limits
and hands over to the reader of that form.  Readers for PDF and Word live in their own
modules and are imported only when such a file arrives, so text parsing stays light.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from gongkai import regex
from gongkai.digest import sha256
from gongkai.errors import UnreadableFile
from gongkai.files import read_regular
from gongkai.inputs import INPUT_FORMS, suffixes
from gongkai.read.document import Block, Document, Grid, GridCell, Paragraph, Run, RunTable

# Reports are a few kilobytes of text; anything far larger is not a report (or is hostile).
MAX_TEXT_BYTES = 20 * 1024 * 1024
MAX_BINARY_BYTES = 200 * 1024 * 1024

_HTML_START = regex.compile(rb"^\s*(<!doctype\s+html|<html|<\?xml[^>]*>\s*<html|<head|<body|<meta|<table|<div|<p[ >])",
                         re.I)

_MIME = regex.compile(rb"^\s*(?:[\w-]+:[^\r\n]*\r?\n)*?MIME-Version:\s*1\.0", re.I)  # a saved web archive (mht)

# A page saved under its server-side name is HTML (a directory walk does not pick these up).
_SERVER_PAGE_SUFFIXES = (".jhtml", ".jsp", ".asp", ".aspx", ".php")

# The published forms ``detect_form`` tells apart (declared in ``gongkai.inputs``).
FORMS = tuple(f.id for f in INPUT_FORMS if f.published)


def detect_form(data: bytes, name: str) -> str:
    head = data[:2048]
    suffix = Path(name).suffix.lower()
    ext = suffix.lstrip(".")
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if ext not in ("zip",) else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "wps" if ext == "wps" else "doc"
    if head.lstrip().startswith(b"{\\rtf"):  # RTF, often published with a .doc name
        return "rtf"
    if suffix in suffixes("mht") or _MIME.match(head):
        return "mht"  # Word's "single file web page", also published as .doc
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return "image"
    if suffix in suffixes("html") or suffix in _SERVER_PAGE_SUFFIXES or _HTML_START.match(head):
        return "html"
    if suffix in suffixes("md"):
        return "md"
    return "txt"


_IMAGE_KINDS = ((b"\xff\xd8\xff", "JPEG 图片", ".jpg"), (b"\x89PNG", "PNG 图片", ".png"),
                (b"II*\x00", "TIFF 图片", ".tif"), (b"MM\x00*", "TIFF 图片", ".tif"))


# What a file's name promises, for the refusal of one whose bytes are something else:
# suffix -> (the form in words, the mark its bytes lack).
_PROMISED = {".pdf": ("PDF", "没有 %PDF 文件头"), ".docx": ("Word 文件", "没有 .docx 的 ZIP 文件头"),
             ".doc": ("Word 文件", "没有 .doc 的文件头"), ".wps": ("WPS 文件", "没有 .wps 的文件头")}


def _not_what_its_name_says(data: bytes, name: str, form: str) -> None:
    """A file named .pdf (.docx, .doc, .wps) whose bytes are a picture or binary junk: say what
    it is, at once (not after a minute of OCR on a photo, nor as a "not a text file" puzzle)."""
    suffix = Path(name).suffix.lower()
    what, lacks = _PROMISED[suffix]
    if form == "image":
        kind, ext = next(((k, e) for magic, k, e in _IMAGE_KINDS if data.startswith(magic)), ("图片", ".jpg"))
        raise UnreadableFile(f"文件扩展名是 {suffix}，但内容是{' ' if kind[0].isascii() else ''}{kind}，不是 {what}。"
                             "如果这是报告的扫描图片，"
                             f"请把扩展名改为 {ext} 后再读取（将用 OCR 识别）。", name)
    head = data[:4096]
    if sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 100:
        raise UnreadableFile(f"文件扩展名是 {suffix}，但内容不是 {what}（{lacks}），文件可能已损坏、"
                             "只下载了一部分，或是其他格式改了扩展名。", name)


def read_bytes(data: bytes, name: str, form: str | None = None) -> Document:
    if not data.strip():
        raise UnreadableFile("文件为空。", name)
    form = form or detect_form(data, name)
    if form in ("image", "txt") and Path(name).suffix.lower() in _PROMISED:
        _not_what_its_name_says(data, name, form)
    limit = MAX_TEXT_BYTES if form in ("txt", "md", "html") else MAX_BINARY_BYTES
    if len(data) > limit:
        raise UnreadableFile(
            f"文件过大（{len(data) / 1048576:.1f} MB），超过 {form.upper()} 报告的上限 {limit // 1048576} MB，"
            "不像是一份年度报告。", name)
    if form in ("txt", "md"):
        from gongkai.read.crawler import looks_flattened, read_crawler
        from gongkai.read.decode import decode
        from gongkai.read.text import read_text

        text = decode(data, name, declared=False)
        # Text a crawler kept of a page: the body run into one line, tables flattened.
        doc = read_crawler(text, name, form) if looks_flattened(text) else read_text(text, name, form)
    elif form == "html":
        from gongkai.read.decode import decode
        from gongkai.read.html import read_html

        doc = read_html(decode(data, name), name)
    elif form == "mht":
        from gongkai.read.mht import read_mht

        doc = read_mht(data, name)
    elif form == "pdf":
        from gongkai.read.pdf import read_pdf

        doc = read_pdf(data, name)
    elif form == "docx":
        from gongkai.read.docx import read_docx

        doc = read_docx(data, name)
    elif form in ("doc", "wps", "rtf"):
        from gongkai.read.legacy import read_legacy_word

        doc = read_legacy_word(data, name, form)
    elif form == "image":
        from gongkai.read.ocr import read_image  # refuses first, in Chinese, without the OCR extra

        doc = read_image(data, name)
    elif form == "zip":
        raise UnreadableFile("这是 ZIP 压缩包，请解压后再读取其中的报告文件（gongkai ingest 可直接读取 ZIP 压缩包）。", name)
    else:  # pragma: no cover - detect_form returns only the forms above
        raise UnreadableFile(f"不支持的文件类型：{form}", name)
    doc.sha256 = sha256(data)
    return doc


def file_bytes(path: str | os.PathLike) -> bytes:
    """The bytes of a file the user named, refusing what cannot be a report before reading it.
    Only regular files: a FIFO or ``/dev/zero`` is refused, not read forever."""
    return read_regular(path, MAX_BINARY_BYTES)


def read_file(path: str | os.PathLike) -> Document:
    return read_bytes(file_bytes(path), str(path))


__all__ = ["Block", "Document", "Grid", "GridCell", "Paragraph", "Run", "RunTable", "detect_form", "file_bytes",
           "read_bytes", "read_file"]
