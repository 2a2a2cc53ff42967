"""Damaged files that ``scripts/fuzz_pdf.py`` found mishandled, each kept as the smallest change
that shows it: a byte of an example report (examples/ is in the repository) or a tiny file in
data/fuzz/.  Each must be a clean Chinese refusal naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.errors import NotAReport, UnreadableFile
from gongkai.load import load
from tests.read_binary.test_read_binary_hostile import _encrypted_pdf

ROOT = Path(__file__).resolve().parents[2]
FUZZ = Path(__file__).parent / "data" / "fuzz"
DAMAGED_PDF = "PDF 文件已损坏或不完整，无法打开。请重新下载原文件。"


def _flipped(example: str, offset: int, byte: int) -> bytes:
    data = bytearray((ROOT / "examples" / example).read_bytes())
    data[offset] = byte
    return bytes(data)


@pytest.mark.parametrize("data, name", [
    # fuzz seed 1 case 919: the catalog's /Pages key became /Pag\xebs
    (_flipped("hongze-district-2024.pdf", 247, 235), "fuzz-1-0919.pdf"),
    # fuzz seed 1 case 1026: the "(" of a date string in the catalog became "^"
    (_flipped("hongze-district-2023.pdf", 111, 94), "fuzz-1-1026.pdf"),
    # the same damage as case 919 in a 360-byte PDF
    ((FUZZ / "catalog-without-pages.pdf").read_bytes(), "catalog-without-pages.pdf"),
], ids=["case-919", "case-1026", "tiny"])
@pytest.mark.parametrize("after_an_encrypted_one", [False, True], ids=["first", "after-encrypted"])
def test_a_pdf_pdfium_cannot_load_is_refused_in_chinese(data, name, after_an_encrypted_one):
    if after_an_encrypted_one:  # PDFium's stale last error said 已加密 for every damaged PDF after it
        with pytest.raises(UnreadableFile, match="已加密"):
            load(_encrypted_pdf(), "locked.pdf")
    # PDFium says "Failed to load document (PDFium: Success)" (error code 0): that English
    # text was shown to the user ("无法打开 PDF：Failed to load document …").
    with pytest.raises(UnreadableFile) as info:
        load(data, name)
    assert (info.value.path, info.value.message) == (name, DAMAGED_PDF)


def test_no_report_in_the_readable_pages_names_the_pages_that_need_ocr(monkeypatch):
    """Fuzz seed 1 case 6: seven bytes flipped, page 3's font map among them.  Without OCR
    the refusal said "这不像是一份……年度报告" of a report whose page 3 was simply unread."""
    from gongkai.read import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)
    data = bytearray((ROOT / "examples" / "hongze-district-2023.pdf").read_bytes())
    for offset, byte in [(21406, 82), (25571, 60), (163496, 117), (183700, 236), (195382, 118), (197229, 52),
                         (290351, 156)]:
        data[offset] = byte
    with pytest.raises(NotAReport) as info:
        load(bytes(data), "fuzz-1-0006.pdf")
    assert (info.value.path, info.value.message) == (
        "fuzz-1-0006.pdf", "在可读的页上没有找到年度报告的章节或统计表。第3页没有可读的文字层（扫描件，或字体缺少编码映射），"
        "需要 OCR 才能读取，报告的内容可能在这些页上。请安装 OCR 组件：pip install 'gongkai[ocr]'（rapidocr 与 onnxruntime）。")
