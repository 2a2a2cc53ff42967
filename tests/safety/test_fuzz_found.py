"""Damaged files that ``scripts/fuzz_pdf.py`` found mishandled, each kept as the smallest change
that shows it: a byte of an example report (examples/ is in the repository) or a tiny file in
data/fuzz/.  Each must be a clean Chinese refusal naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.errors import UnreadableFile
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
