"""Hostile files given to the readers: a clean Chinese refusal in bounded time and memory."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zipfile

import pytest

from gongkai.errors import GongkaiError, UnreadableFile
from gongkai.load import load

GIB = 1 << 30


def _lying_docx(path, inflated: int = GIB, declared: int = 50 * 1024) -> None:
    """A valid DOCX whose word/document.xml inflates to ``inflated`` bytes while its local and
    central headers declare ``declared`` (the CRC is the true one)."""
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
                with dst.open(member, "w", force_zip64=False) as f:
                    block = b"<w:p/>" * (1 << 16)
                    written = 0
                    while written < inflated:
                        f.write(block)
                        written += len(block)
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
