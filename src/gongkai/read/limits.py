"""Bounds for binary inputs (PDF, DOCX, images), so a hostile file fails fast and clearly.

PDFium and the DOCX parser inflate compressed streams entirely in memory, so the compressed
streams are measured first with a bounded inflater — a PDF's only where its compressed size
could let it pass a limit — and a file whose streams would expand past these limits is refused
before any parser sees it.
"""

from __future__ import annotations

import lzma
import time
import zlib
from collections.abc import Callable
from functools import lru_cache

from gongkai import regex
from gongkai.errors import UnreadableFile

MAX_PAGES = 300                      # an annual report has 3-30 pages
MAX_STREAM_BYTES = 128 * 1024 * 1024  # one inflated PDF stream (a 600 dpi A4 grey scan is ~35 MB)
MAX_TOTAL_BYTES = 512 * 1024 * 1024   # all inflated non-image PDF streams together (content, fonts)
MAX_ZIP_MEMBER = 64 * 1024 * 1024     # one inflated DOCX part (document.xml of a report: < 1 MB)
MAX_ZIP_TOTAL = 256 * 1024 * 1024     # all parts of a DOCX
MAX_ZIP_MEMBERS = 5000
MAX_ZIP_RATIO = 200                   # typical XML compresses 5-20x; bombs 1000x and more
MAX_SECONDS = 120                    # wall time for reading one file without OCR
OCR_PAGE_SECONDS = 90                # more wall time for each page that needs OCR
MAX_IMAGE_PIXELS = 60_000_000         # about A3 at 600 dpi

_STREAM = regex.compile(rb"stream\r?\n")
_IMAGE = regex.compile(rb"/Subtype\s*/Image(?![A-Za-z])")
_CHUNK = 1 << 20


class Deadline:
    """Cooperative time limit, checked between pages."""

    def __init__(self, name: str, seconds: float = MAX_SECONDS):
        self.name = name
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def allow(self, seconds: float) -> None:
        """More time for slow but legitimate work (an OCR'd page)."""
        self.seconds += seconds
        self.end += seconds

    def check(self, place: str | None = None) -> None:
        if time.monotonic() > self.end:
            raise UnreadableFile(f"读取超时（超过 {self.seconds:.0f} 秒），文件可能过大或结构异常。", self.name, place)


def _inflated_size(data: bytes, start: int, limit: int) -> int:
    """Bytes a zlib stream starting at ``start`` inflates to, counting at most ``limit + 1``."""
    d = zlib.decompressobj()
    total = 0
    pos = start
    end = len(data)
    while pos < end and not d.eof:
        chunk = data[pos:pos + _CHUNK]
        pos += len(chunk)
        try:
            out = d.decompress(chunk, limit + 1 - total)
        except zlib.error:
            return total
        total += len(out)
        while d.unconsumed_tail and total <= limit:
            try:
                out = d.decompress(d.unconsumed_tail, limit + 1 - total)
            except zlib.error:
                return total
            total += len(out)
        if total > limit:
            return total
    return total


# Deflate cannot expand its input more than 1032-fold (a 258-byte match coded in two bits), so
# a stream of n compressed bytes inflates to at most MAX_DEFLATE_RATIO * n bytes.
MAX_DEFLATE_RATIO = 1032
_NOT_REGULAR = frozenset(b"\x00\t\n\x0c\r ()<>[]{}/%")  # PDF whitespace and delimiters
_LENGTH = regex.compile(rb"/Length\s+(\d+)(?:\s+(\d+)\s+R)?")


def _end_stream(data: bytes, start: int) -> int:
    """Where the first "endstream" after ``start`` stands as PDFium finds it: a whole word
    (whitespace or a delimiter on either side); the end of the data when there is none."""
    at = data.find(b"endstream", start)
    while at >= 0:
        before = data[at - 1] if at > 0 else 0x20
        after = data[at + 9] if at + 9 < len(data) else 0x20
        if before in _NOT_REGULAR and after in _NOT_REGULAR:
            return at
        at = data.find(b"endstream", at + 1)
    return len(data)


_NUMBER_BODY = regex.compile(rb"obj\s*(\d+)\s*endobj")  # a literal first: the search skips ahead fast
_OBJECT_ID = regex.compile(rb"(?<!\d)(\d+)\s+(\d+)\s+$")


def _number_objects(data: bytes) -> dict[tuple[bytes, bytes], int]:
    """Objects that are a bare number ("12 0 obj 3456 endobj", where LibreOffice keeps a stream's
    /Length): the largest value written under each (number, generation)."""
    out: dict[tuple[bytes, bytes], int] = {}
    for m in _NUMBER_BODY.finditer(data):
        name = _OBJECT_ID.search(data, max(0, m.start() - 32), m.start())
        if name:
            key = (name.group(1), name.group(2))
            out[key] = max(out.get(key, 0), int(m.group(1)))
    return out


def _stream_bound(data: bytes, start: int, own: bytes, numbers: Callable[[], dict]) -> int | None:
    """At most how many compressed bytes PDFium hands the decoder for the stream at ``start``,
    or None when that cannot be told cheaply (a /Length kept in another object we cannot find).

    PDFium takes /Length bytes when "endstream" follows them, else the bytes up to the first
    whole-word "endstream" (or an earlier "endobj"): the larger of the two bounds both."""
    bound = _end_stream(data, start) - start
    declared = _LENGTH.findall(own)
    if declared:
        number, generation = declared[-1]
        if generation:  # an indirect length: "12 0 obj 3456 endobj"
            found = numbers().get((number, generation))
            if found is None:
                return None
            length = found
        else:
            length = int(number)
        bound = max(bound, length)
    return bound


def check_pdf_streams(data: bytes, name: str) -> None:
    """Refuse PDFs whose Flate streams inflate beyond the limits (decompression bombs).

    Inflating every stream here would double the work PDFium does anyway, so a stream is only
    inflated (with a bounded inflater) when its compressed size could let it pass a limit: most
    files never come near them, and only their largest streams, if any, are measured.  Streams
    are considered in file order, all measured exactly while the total could still pass its
    limit, so a refused file is refused with the same message as when every stream is measured."""
    streams: list[tuple[int, bool, int | None]] = []
    numbers = lru_cache(maxsize=1)(lambda: _number_objects(data))  # read once, when a length is indirect
    for m in _STREAM.finditer(data):
        start = m.end()
        # Images are decoded one at a time when a page is drawn: each is bounded, not their sum
        # (a long lossless scan is legitimately large).
        window = data[max(0, m.start() - 4096):m.start()]
        own = window[window.rfind(b"obj"):] if b"obj" in window else b""  # this stream's dictionary
        head = data[start:start + 2]
        if len(head) < 2 or head[0] & 0x0F != 8 or ((head[0] << 8) | head[1]) % 31:
            continue  # no zlib header: DCT/JPX images, raw or otherwise encoded streams
        bound = _stream_bound(data, start, own, numbers)
        most = None if bound is None else MAX_DEFLATE_RATIO * bound + 1024
        streams.append((start, _IMAGE.search(own) is not None, most))
    # What the non-image streams not yet measured could add at most.
    ahead = sum(MAX_TOTAL_BYTES + 1 if most is None else most for _, image, most in streams if not image)
    total = 0
    for start, is_image, most in streams:
        if not is_image:
            ahead -= MAX_TOTAL_BYTES + 1 if most is None else most
        exact = total + ahead + (most or 0) > MAX_TOTAL_BYTES and not is_image  # the total could pass
        if most is not None and most <= MAX_STREAM_BYTES and not exact:
            total += 0 if is_image else most
            continue
        size = _inflated_size(data, start, MAX_STREAM_BYTES)
        if size > MAX_STREAM_BYTES:
            raise UnreadableFile(
                f"PDF 中有一个压缩数据流解压后超过 {MAX_STREAM_BYTES // 1048576} MB（文件偏移 {start}），"
                "疑似“解压炸弹”，已拒绝读取。", name)
        if is_image:
            continue
        total += size
        if total > MAX_TOTAL_BYTES:
            raise UnreadableFile(
                f"PDF 的压缩数据解压后总量超过 {MAX_TOTAL_BYTES // 1048576} MB，疑似“解压炸弹”，已拒绝读取。", name)


def check_pdf_complete(data: bytes, name: str) -> None:
    """A PDF ends with %%EOF; without it the download was cut off."""
    if b"%%EOF" not in data[-4096:]:
        raise UnreadableFile("PDF 文件不完整（末尾缺少 %%EOF 结束标记），可能下载中断，请重新下载原文件。", name)


def check_page_count(pages: int, name: str) -> None:
    if pages > MAX_PAGES:
        raise UnreadableFile(f"文件有 {pages} 页，超过年度报告的上限 {MAX_PAGES} 页，不像是一份年度报告，已拒绝读取。", name)
    if pages == 0:
        raise UnreadableFile("PDF 中没有任何页面。", name)


# -- ZIP packages (DOCX, XLSX, ZIP archives of reports) ----------------------------------------
# A member's header declares its size, and Python's zipfile stops at the declared size -- but it
# may inflate a whole compressed chunk at once first: a 3 MB DOCX whose document.xml declares
# 50 KB and inflates to 1 GiB took 2 GB of memory before its CRC error.  Members are therefore
# only ever inflated in ``_CHUNK`` steps, counted as they come, whatever the header claims.

def _zip_error(exc: Exception, info, name: str, what: str) -> UnreadableFile:
    """A member that cannot be inflated, said in words (zipfile's messages are English)."""
    import zipfile

    member = info.filename
    if isinstance(exc, NotImplementedError):  # a compression method zipfile has not got
        return UnreadableFile(f"{what}中的部件 {member} 使用了不支持的压缩方式（编号 {info.compress_type}），"
                              "文件可能已损坏。请重新下载原文件。", name)
    if "differ" in str(exc) or "magic number" in str(exc) or "Overlapped" in str(exc):  # BadZipFile
        return UnreadableFile(f"{what}中的部件 {member} 的文件头已损坏（与目录记录不符），已拒绝读取。请重新下载原文件。",
                              name)
    if isinstance(exc, zipfile.BadZipFile):  # "Bad CRC-32", or more data than the header declared
        return UnreadableFile(f"{what}中的部件 {member} 已损坏（解压后的内容与文件头记录的大小或校验值不符），"
                              "已拒绝读取。请重新下载原文件。", name)
    return UnreadableFile(f"{what}中的部件 {member} 无法解压（压缩数据已损坏），已拒绝读取。请重新下载原文件。", name)


def _stream_member(z, info, limit: int, name: str, what: str, keep: bool) -> tuple[int, bytes]:
    import zipfile

    size = 0
    out = bytearray()
    try:
        with z.open(info) as f:
            while True:
                chunk = f.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise UnreadableFile(
                        f"{what}中的部件 {info.filename} 解压后超过 {limit // 1048576} MB"
                        f"（文件头声明 {info.file_size / 1048576:.1f} MB），疑似“压缩炸弹”，已拒绝读取。", name)
                if keep:
                    out += chunk
    except UnreadableFile:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, RuntimeError, OSError, lzma.LZMAError) as exc:
        # bzip2 and LZMA members raise OSError and LZMAError on damaged data
        raise _zip_error(exc, info, name, what) from None
    return size, bytes(out)


def read_member(z, info, limit: int, name: str, what: str = "压缩包") -> bytes:
    """One ZIP member's bytes, inflated in bounded steps: never more than ``limit`` in memory."""
    return _stream_member(z, info, limit, name, what, keep=True)[1]


def check_zip(z, name: str, what: str = "Word 文件", member_limit: int = MAX_ZIP_MEMBER,
              total_limit: int = MAX_ZIP_TOTAL) -> None:
    """Refuse a ZIP package (DOCX, XLSX) that is a bomb, from its directory and then by inflating
    every member in bounded steps (what a later reader inflates at once is then known to be small
    and intact)."""
    infos = z.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise UnreadableFile(f"{what}包含 {len(infos)} 个部件，超过上限，已拒绝读取。", name)
    declared = 0
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > member_limit or (info.file_size > 1048576 and ratio > MAX_ZIP_RATIO):
            raise UnreadableFile(
                f"{what}中的部件 {info.filename} 声明解压后有 {info.file_size / 1048576:.0f} MB"
                f"（压缩比 {ratio:.0f}:1），疑似“压缩炸弹”，已拒绝读取。", name)
        declared += info.file_size
    if declared > total_limit:
        raise UnreadableFile(f"{what}解压后总计 {declared / 1048576:.0f} MB，超过上限，疑似“压缩炸弹”，已拒绝读取。", name)
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        size, _ = _stream_member(z, info, member_limit, name, what, keep=False)
        total += size
        if total > total_limit:
            raise UnreadableFile(f"{what}解压后总计超过 {total_limit // 1048576} MB，疑似“压缩炸弹”，已拒绝读取。", name)


def open_zip_bytes(data: bytes, name: str, what: str):
    """A ZIP package given as bytes, checked by ``check_zip``."""
    import io
    import zipfile

    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise UnreadableFile(f"{what}已损坏或不完整，无法打开（不是 ZIP 格式的包）。请重新下载原文件。", name) from None
    check_zip(z, name, what)
    return z


MAX_PACKAGE_BYTES = 64 * 1024 * 1024  # an XLSX register or list a user imports


def checked_package(path, what: str = "Excel 文件"):
    """A user's ZIP package file (XLSX) as an in-memory stream for its reader, after
    ``check_zip``: only a regular file, bounded, every member inflated in bounded steps first."""
    import io

    from gongkai.files import read_regular

    data = read_regular(path, MAX_PACKAGE_BYTES)
    open_zip_bytes(data, str(path), what)
    return io.BytesIO(data)
