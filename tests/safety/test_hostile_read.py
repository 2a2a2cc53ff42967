"""Hostile files given to the readers: a clean Chinese refusal in bounded time and memory."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zipfile
import zlib

import pytest

from gongkai.errors import GongkaiError, UnreadableFile
from gongkai.load import load

GIB = 1 << 30


_BLOCK = b"<w:p/>" * (1 << 16)


class _RepeatedBlock:
    """A raw-deflate compressor for a stream of ``_BLOCK``s: each one ends with a full flush,
    which makes its compressed form independent of what came before."""

    def __init__(self) -> None:
        deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
        self.block = deflate.compress(_BLOCK) + deflate.flush(zlib.Z_FULL_FLUSH)
        self.end = deflate.flush(zlib.Z_FINISH)

    def compress(self, data: bytes) -> bytes:
        assert data == _BLOCK
        return self.block

    def flush(self) -> bytes:
        return self.end


def _lying_docx(path, inflated: int = GIB, declared: int = 50 * 1024) -> None:
    """A valid DOCX whose word/document.xml inflates to ``inflated`` bytes while its local and
    central headers declare ``declared`` (the CRC is the true one)."""
    from unittest import mock

    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    src = zipfile.ZipFile(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "word/document.xml":
                member = zipfile.ZipInfo("word/document.xml")
                member.compress_type = zipfile.ZIP_DEFLATED
                # Deflating 1 GiB took 19 s; after a full flush the same block deflates to the
                # same bytes, so it is deflated once and its output repeated (zipfile still
                # computes the true CRC of all the data).
                with mock.patch.object(zipfile, "_get_compressor", lambda *a: _RepeatedBlock()):
                    with dst.open(member, "w", force_zip64=False) as f:
                        written = 0
                        while written < inflated:
                            f.write(_BLOCK)
                            written += len(_BLOCK)
            else:
                dst.writestr(info, src.read(info))
    data = bytearray(out.getvalue())
    # Patch the declared size in the local header (offset 22) and the central directory (offset 24).
    z = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = z.getinfo("word/document.xml")
    struct.pack_into("<I", data, info.header_offset + 22, declared)
    pos = 0
    while True:
        pos = data.find(b"PK\x01\x02", pos)
        if pos < 0:
            break
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46:pos + 46 + name_len] == b"word/document.xml":
            struct.pack_into("<I", data, pos + 24, declared)
        pos += 4
    path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def lying_docx(tmp_path_factory):
    path = tmp_path_factory.mktemp("docx") / "lying.docx"
    _lying_docx(path)
    return path


def test_a_docx_lying_about_its_size_is_refused_within_300_mb(lying_docx):
    assert lying_docx.stat().st_size < 4 * 1024 * 1024
    info = zipfile.ZipFile(lying_docx).getinfo("word/document.xml")
    assert info.file_size == 50 * 1024 and info.compress_size > 1024 * 1024  # the lie
    # In a fresh process, so its peak memory is this parse's alone.  Its VmHWM, not ru_maxrss:
    # Linux carries the parent's peak across vfork+exec into ru_maxrss, so under a big pytest
    # process (1.3 GB after the 10,000-report test) ru_maxrss measured pytest, not the parse.
    code = ("import sys\nfrom gongkai.cli import main\n"
            f"status = main(['parse', {str(lying_docx)!r}])\n"
            "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
            "print(int(hwm.split()[1]) // 1024, file=sys.stderr)\n"
            "sys.exit(status)\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    lines = p.stderr.splitlines()
    assert p.returncode == 1 and "Traceback" not in p.stderr
    assert lines[0] == (f"gongkai：{lying_docx}：Word 文件中的部件 word/document.xml 已损坏（解压后的内容与文件头记录的大小"
                        "或校验值不符），已拒绝读取。请重新下载原文件。")
    peak_mb = int(lines[-1])
    assert peak_mb < 300, f"peak memory {peak_mb} MB"  # before: 2 GB


def test_a_jpg_named_pdf_is_named_for_what_it_is(tmp_path):
    from PIL import Image

    photo = tmp_path / "报告.pdf"
    Image.new("RGB", (400, 300), "white").save(photo, "JPEG")
    with pytest.raises(UnreadableFile) as info:
        load(photo)
    assert info.value.message == ("文件扩展名是 .pdf，但内容是 JPEG 图片，不是 PDF。如果这是报告的扫描图片，"
                                  "请把扩展名改为 .jpg 后再读取（将用 OCR 识别）。")
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(UnreadableFile) as info:
        load(junk)
    assert info.value.message.startswith("文件扩展名是 .pdf，但内容不是 PDF（没有 %PDF 文件头）")
    # The same for Word's names: random bytes named .docx were "not a text file" (a puzzle).
    junk = tmp_path / "报告.docx"
    junk.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(UnreadableFile) as info:
        load(junk)
    assert info.value.message == ("文件扩展名是 .docx，但内容不是 Word 文件（没有 .docx 的 ZIP 文件头），文件可能已损坏、"
                                  "只下载了一部分，或是其他格式改了扩展名。")


@pytest.mark.ocr
def test_a_noisy_scan_is_a_clean_refusal(tmp_path):
    """RapidOCR answers a page of noise with a bare ('', 1.0, None) instead of a word group;
    unpacking it was an internal error (exit 70, HTTP 500)."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(1)
    noise = Image.fromarray(((rng.random((1100, 780)) > 0.5) * 255).astype(np.uint8))
    png = tmp_path / "scan.png"
    noise.save(png, dpi=(100, 100))
    with pytest.raises(GongkaiError) as info:
        load(png)
    assert info.value.message == "没有找到年度报告的章节或统计表，这不像是一份政府信息公开工作年度报告。"


def test_bounded_member_reading_stops_at_its_limit():
    from gongkai.read.limits import read_member

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.txt", b"x" * (3 << 20))
    z = zipfile.ZipFile(buf)
    assert read_member(z, z.getinfo("a.txt"), 4 << 20, "a.zip") == b"x" * (3 << 20)
    with pytest.raises(UnreadableFile) as info:
        read_member(z, z.getinfo("a.txt"), 2 << 20, "a.zip")
    assert info.value.message == ("压缩包中的部件 a.txt 解压后超过 2 MB（文件头声明 3.0 MB），疑似“压缩炸弹”，已拒绝读取。")


# -- damaged DOCX (scripts/fuzz_pdf.py --docx): each was an internal error or an English word ---

def _small_docx() -> list[tuple[zipfile.ZipInfo, bytes]]:
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    z = zipfile.ZipFile(buf)
    return [(info, z.read(info)) for info in z.infolist()]


def _zipped(members) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, body in members:
            z.writestr(info, body)
    return out.getvalue()


def _patched(data: bytes, member: str, local: int, central: int, value: bytes) -> bytes:
    """``value`` written at offset ``local`` of the member's local header and ``central`` of its
    central directory entry."""
    out = bytearray(data)
    start = zipfile.ZipFile(io.BytesIO(data)).getinfo(member).header_offset
    out[start + local:start + local + len(value)] = value
    entry = data.find(b"PK\x01\x02")
    while data[entry + 46:entry + 46 + len(member)] != member.encode():
        entry = data.find(b"PK\x01\x02", entry + 4)
    out[entry + central:entry + central + len(value)] = value
    return bytes(out)


def _method(member: str, method: int):
    return lambda members: _patched(_zipped(members), member, 8, 10, struct.pack("<H", method))


def _without(member: str):
    return lambda members: _zipped([(i, b) for i, b in members if i.filename != member])


def _broken_xml(member: str):
    broken = b'<?xml version="1.0"?>\n<w:styles xmlns:w="urn:w">\x01</w:styles>'
    return lambda members: _zipped([(i, broken if i.filename == member else b) for i, b in members])


def _renamed_header(member: str):
    def damage(members):
        data = _zipped(members)
        out = bytearray(data)
        start = zipfile.ZipFile(io.BytesIO(data)).getinfo(member).header_offset
        out[start + 30] ^= 0x20  # the first letter of the name in the local header only
        return bytes(out)
    return damage


@pytest.mark.parametrize("damage, message", [
    # bzip2 data that is not bzip2: OSError("Invalid data stream"), an internal error (exit 70)
    (_method("word/styles.xml", 12), "Word 文件中的部件 word/styles.xml 无法解压（压缩数据已损坏），已拒绝读取。请重新下载原文件。"),
    # was "无法解压（NotImplementedError）"
    (_method("word/styles.xml", 99), "Word 文件中的部件 word/styles.xml 使用了不支持的压缩方式（编号 99），文件可能已损坏。"
                                     "请重新下载原文件。"),
    # was "无法解压（BadZipFile）"
    (_renamed_header("word/styles.xml"), "Word 文件中的部件 word/styles.xml 的文件头已损坏（与目录记录不符），已拒绝读取。"
                                         "请重新下载原文件。"),
    # was "无法读取 Word 文件：KeyError。" (an optional part such as word/settings.xml is read without: below)
    (_without("[Content_Types].xml"), "Word 文件缺少部件 [Content_Types].xml，文件已损坏或不完整。请重新下载原文件。"),
    (_without("_rels/.rels"), "Word 文件缺少部件 _rels/.rels，文件已损坏或不完整。请重新下载原文件。"),
    # was "无法读取 Word 文件：XMLSyntaxError。"
    (_broken_xml("word/styles.xml"), "Word 文件中的部件 word/styles.xml 已损坏（第 2 行第 27 列不是正确的 XML）。"
                                     "请重新下载原文件。"),
], ids=["bzip2-junk", "unknown-method", "header-name", "missing-types", "missing-package-rels", "broken-xml"])
def test_a_damaged_docx_is_refused_in_chinese_naming_the_part(damage, message):
    with pytest.raises(UnreadableFile) as info:
        load(damage(_small_docx()), "报告.docx")
    assert (info.value.path, info.value.message) == ("报告.docx", message)


def test_a_docx_missing_only_optional_parts_is_read_with_a_note():
    """A CMS export left out styles, settings, numbering, theme, fonts, footer and docProps but
    kept the relationships naming them: python-docx refused it ("缺少部件 word/styles.xml")."""
    from gongkai.render import render
    from tests.conftest import EXAMPLES

    whole = render(load(EXAMPLES / "huaian-city-2024.pdf"), "docx")
    optional = ("word/styles.xml", "word/stylesWithEffects.xml", "word/settings.xml", "word/webSettings.xml",
                "word/fontTable.xml", "word/theme/theme1.xml", "word/numbering.xml", "word/footer1.xml",
                "docProps/core.xml", "docProps/app.xml", "docProps/thumbnail.jpeg")
    members = [(i, zipfile.ZipFile(io.BytesIO(whole)).read(i)) for i in zipfile.ZipFile(io.BytesIO(whole)).infolist()]
    assert set(optional) < {i.filename for i, _ in members}
    bare = load(_zipped([(i, b) for i, b in members if i.filename not in optional]), "报告.docx")
    full = load(whole, "报告.docx")
    assert dict(bare.iter_cells()) == dict(full.iter_cells()) and len(dict(full.iter_cells())) == 200
    assert (bare.agency, bare.year, bare.value("table3.granted.total")) == ("淮安市人民政府", 2024, 1362)
    assert [s.text for s in bare.sections] == [s.text for s in full.sections]
    assert bare.notes == full.notes + [
        "Word 文件缺少可选部件 docProps/app.xml、docProps/core.xml、docProps/thumbnail.jpeg、word/fontTable.xml、"
        "word/footer1.xml、word/numbering.xml、word/settings.xml、word/styles.xml、word/stylesWithEffects.xml、"
        "word/theme/theme1.xml、word/webSettings.xml（样式、设置、属性等，不含正文），已按正文读取。"]


def test_a_register_workbook_that_is_not_a_zip_is_refused_without_python_words(tmp_path):
    from gongkai.read.limits import checked_package

    book = tmp_path / "台账.xlsx"
    book.write_bytes(b"ID,name\n1,x\n")
    with pytest.raises(UnreadableFile) as info:
        checked_package(book)  # was "…无法打开（BadZipFile）。…"
    assert (info.value.path, info.value.message) == (
        str(book), "Excel 文件已损坏或不完整，无法打开（不是 ZIP 格式的包）。请重新下载原文件。")


def test_a_text_file_too_large_is_refused_by_name_and_size(monkeypatch):
    import gongkai.read as read

    monkeypatch.setattr(read, "MAX_TEXT_BYTES", 1024 * 1024)
    with pytest.raises(UnreadableFile) as info:
        read.read_bytes(b"a" * (3 * 1024 * 1024 // 2), "huge.txt")
    assert str(info.value) == "huge.txt：文件过大（1.5 MB），超过 TXT 报告的上限 1 MB，不像是一份年度报告。"


def test_a_picture_without_the_ocr_extra_says_what_to_install(monkeypatch):
    """Without Pillow (a base install) a scan was an internal error (ModuleNotFoundError: PIL)."""
    import sys

    from gongkai.errors import MissingDependency
    from gongkai.read import read_bytes

    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(MissingDependency) as info:
        read_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64), "扫描件.png")
    assert str(info.value) == ("扫描件.png：图片格式的报告需要 OCR 才能读取。"
                               "请安装 OCR 组件：pip install 'gongkai[ocr]'（rapidocr 与 onnxruntime）。")
