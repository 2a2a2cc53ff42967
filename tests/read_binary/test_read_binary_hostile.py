"""Hostile and broken files end quickly with a clear Chinese message, never a traceback."""

from __future__ import annotations

import io
import time
import zipfile
import zlib
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from gongkai.cli import main
from gongkai.errors import GongkaiError, MissingDependency, UnreadableFile
from gongkai.read import limits, read_bytes

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
REAL_PDF = EXAMPLES / "hongze-district-2024.pdf"


def _timed(fn):
    """The error ``fn`` raises and the CPU seconds it took (this process's: the readers work
    in-process here).  Wall time measured the machine's load: 10.5 s at load 13."""
    start = time.process_time()
    try:
        fn()
    except GongkaiError as exc:
        return exc, time.process_time() - start
    raise AssertionError("no GongkaiError raised")


def _pdf_with_stream(stream: bytes) -> bytes:
    """A small valid PDF whose one page content stream is ``stream`` (Flate-compressed)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def test_read_binary_pdf_decompression_bomb_refused_fast():
    compressor = zlib.compressobj(9)
    chunk = b"\0" * (1 << 20)
    bomb = b"".join(compressor.compress(chunk) for _ in range(limits.MAX_STREAM_BYTES // len(chunk) + 8))
    bomb += compressor.flush()
    data = _pdf_with_stream(bomb)
    assert len(data) < 1 << 20  # under a megabyte on disk
    exc, seconds = _timed(lambda: read_bytes(data, "bomb.pdf"))
    assert isinstance(exc, UnreadableFile)
    assert "解压炸弹" in exc.message and exc.path == "bomb.pdf"
    assert seconds < 10


def _bomb() -> bytes:
    compressor = zlib.compressobj(9)
    chunk = b"\0" * (1 << 20)
    return b"".join(compressor.compress(chunk) for _ in range(limits.MAX_STREAM_BYTES // len(chunk) + 8)) \
        + compressor.flush()


def test_read_binary_pdf_bomb_refused_whatever_its_length_says():
    """Streams are inflated only when their compressed size could pass a limit: that size is
    the larger of /Length and the distance to "endstream", and a /Length kept in an object
    that cannot be found is no bound (the stream is measured)."""
    bomb = _bomb()
    lying = _pdf_with_stream(bomb).replace(b"/Length %d " % len(bomb), b"/Length 10 ")
    elsewhere = _pdf_with_stream(bomb).replace(b"/Length %d " % len(bomb), b"/Length 99 0 R ")
    for data in (lying, elsewhere):
        with pytest.raises(UnreadableFile) as info:
            limits.check_pdf_streams(data, "bomb.pdf")
        assert "解压炸弹" in info.value.message


def test_read_binary_pdf_streams_not_inflated_twice(monkeypatch):
    """A published report's streams cannot reach the limits by their size: none is inflated by
    the check (PDFium inflates them anyway), and the file reads as before."""
    measured = []
    monkeypatch.setattr(limits, "_inflated_size", lambda *a: measured.append(a) or 0)
    for pdf in sorted(EXAMPLES.glob("*.pdf")):
        limits.check_pdf_streams(pdf.read_bytes(), pdf.name)
    assert measured == []


def test_read_binary_pdf_ten_thousand_pages_refused_fast():
    pdf = pdfium.PdfDocument.new()
    for _ in range(10_000):
        pdf.new_page(595, 842)
    buf = io.BytesIO()
    pdf.save(buf)
    exc, seconds = _timed(lambda: read_bytes(buf.getvalue(), "huge.pdf"))
    assert "10000 页" in exc.message and f"上限 {limits.MAX_PAGES} 页" in exc.message
    assert seconds < 10


def test_read_binary_truncated_pdf():
    data = REAL_PDF.read_bytes()
    exc, _ = _timed(lambda: read_bytes(data[: len(data) // 2], "cut.pdf"))
    assert "不完整" in exc.message and exc.path == "cut.pdf"


def test_read_binary_encrypted_pdf_needs_password():
    data = _encrypted_pdf()
    exc, _ = _timed(lambda: read_bytes(data, "locked.pdf"))
    assert isinstance(exc, UnreadableFile)
    assert "已加密" in exc.message and "密码" in exc.message


def _encrypted_pdf() -> bytes:
    """A minimal PDF under the standard security handler (R2, RC4-40) with user password
    "secret" (PDFium cannot write encryption, so it is built by hand per PDF 1.7 §7.6.3)."""
    import hashlib

    pad = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
    user = b"secret"
    owner_key = hashlib.md5((b"owner" + pad)[:32]).digest()[:5]
    o_entry = _rc4(owner_key, (user + pad)[:32])
    doc_id = b"0123456789abcdef"
    p = -44
    key = hashlib.md5((user + pad)[:32] + o_entry + p.to_bytes(4, "little", signed=True) + doc_id).digest()[:5]
    u_entry = _rc4(key, pad)

    def hexs(b: bytes) -> bytes:
        return b"<" + b.hex().encode() + b">"

    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            b"<< /Filter /Standard /V 1 /R 2 /O " + hexs(o_entry) + b" /U " + hexs(u_entry) + b" /P -44 >>"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 5\n0000000000 65535 f \n")
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size 5 /Root 1 0 R /Encrypt 4 0 R /ID [" + hexs(doc_id) + hexs(doc_id)
              + b"] >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    i = j = 0
    out = bytearray()
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def test_read_binary_docx_zip_bomb_refused_fast():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as member:
            block = b"<w:p/>" * (1 << 17)
            for _ in range(limits.MAX_ZIP_MEMBER // len(block) + 4):
                member.write(block)
    data = buf.getvalue()
    assert len(data) < 2 << 20
    exc, seconds = _timed(lambda: read_bytes(data, "bomb.docx"))
    assert "压缩炸弹" in exc.message and "word/document.xml" in exc.message
    assert seconds < 5


def test_read_binary_broken_docx_and_zip_without_document():
    exc, _ = _timed(lambda: read_bytes(b"PK\x03\x04" + b"\0" * 200, "broken.docx"))
    assert "已损坏" in exc.message
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    exc, _ = _timed(lambda: read_bytes(buf.getvalue(), "other.docx"))
    assert "不是 Word 文档" in exc.message


def test_read_binary_pdf_without_text_and_without_ocr(monkeypatch):
    from gongkai.read import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)
    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(595, 842)
    from PIL import Image

    image = pdfium.PdfImage.new(pdf)
    bitmap = pdfium.PdfBitmap.from_pil(Image.new("L", (595, 842), 255))
    image.set_bitmap(bitmap)
    image.set_matrix(pdfium.PdfMatrix().scale(595, 842))
    page.insert_obj(image)
    page.gen_content()
    buf = io.BytesIO()
    pdf.save(buf)
    exc, _ = _timed(lambda: read_bytes(buf.getvalue(), "scan.pdf"))
    assert isinstance(exc, MissingDependency)
    assert "没有可读的文字层" in exc.message and "gongkai[ocr]" in exc.message


def test_read_binary_cli_prints_message_not_traceback(tmp_path, capsys):
    bad = tmp_path / "cut.pdf"
    bad.write_bytes(REAL_PDF.read_bytes()[:5000])
    code = main(["parse", str(bad)])
    captured = capsys.readouterr()
    assert code != 0
    assert "Traceback" not in captured.err + captured.out
    assert "不完整" in captured.err + captured.out


def test_read_binary_deadline_is_a_clear_message():
    deadline = limits.Deadline("slow.pdf", seconds=0)
    time.sleep(0.01)
    with pytest.raises(UnreadableFile) as info:
        deadline.check("第2页")
    assert "超时" in info.value.message and info.value.place == "第2页"


def test_read_binary_image_too_many_pixels_refused_fast():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("1", (9000, 9000), 1).save(buf, "PNG")  # 81 megapixels in a few kilobytes
    exc, seconds = _timed(lambda: read_bytes(buf.getvalue(), "huge.png"))
    assert isinstance(exc, UnreadableFile) and "9000×9000" in exc.message
    assert seconds < 5


def test_read_binary_image_without_ocr_says_what_to_install(monkeypatch):
    from PIL import Image

    from gongkai.read import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)
    buf = io.BytesIO()
    Image.new("L", (800, 1100), 255).save(buf, "PNG")
    exc, _ = _timed(lambda: read_bytes(buf.getvalue(), "scan.png"))
    assert isinstance(exc, MissingDependency) and "gongkai[ocr]" in exc.message


def test_read_image_without_ocr_or_pillow_refuses_in_chinese(monkeypatch):
    """read_image itself refuses before it imports Pillow (it raised ModuleNotFoundError)."""
    import sys

    from gongkai.read import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)
    monkeypatch.setitem(sys.modules, "PIL", None)  # `import PIL` now fails as if not installed
    with pytest.raises(MissingDependency) as info:
        ocr.read_image(b"\x89PNG\r\n\x1a\n", "scan.png")
    assert (info.value.path, info.value.message) == (
        "scan.png", "图片格式的报告需要 OCR 才能读取。请安装 OCR 组件：pip install 'gongkai[ocr]'（rapidocr 与 onnxruntime）。")


@pytest.mark.parametrize("seed", range(6))
def test_read_binary_corrupted_bytes_never_traceback(seed):
    """Random byte damage inside a real PDF: a report or a GongkaiError, nothing else."""
    import random

    from gongkai.load import load

    rng = random.Random(seed)
    damaged = bytearray(REAL_PDF.read_bytes())
    for _ in range(rng.randint(1, 20)):
        pos = rng.randrange(len(damaged) - 16)
        damaged[pos:pos + rng.randint(1, 8)] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    try:
        report = load(bytes(damaged), "damaged.pdf")
    except GongkaiError as exc:
        assert exc.path == "damaged.pdf" and exc.message
    else:
        assert report.source.form == "pdf"


def test_read_binary_one_scanned_page_without_ocr_is_noted(monkeypatch):
    """A text PDF with one image-only page: the text pages are read, the page is named."""
    from PIL import Image

    from gongkai.load import load
    from gongkai.read import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)
    pdf = pdfium.PdfDocument(REAL_PDF.read_bytes())
    page = pdf.new_page(595, 842)
    image = pdfium.PdfImage.new(pdf)
    image.set_bitmap(pdfium.PdfBitmap.from_pil(Image.new("L", (595, 842), 255)))
    image.set_matrix(pdfium.PdfMatrix().scale(595, 842))
    page.insert_obj(image)
    page.gen_content()
    buf = io.BytesIO()
    pdf.save(buf)
    report = load(buf.getvalue(), "with-scan.pdf")
    assert report.table4["review"]["total"] == 2  # the text pages are read as before
    assert any(n.startswith("第6页没有可读的文字层") and "gongkai[ocr]" in n for n in report.notes)


def test_read_binary_long_lossless_scan_is_not_a_bomb():
    """Many large Flate images (a long lossless scan) add up past the content limit; each is
    within bounds, so the file is read, not refused."""
    image = zlib.compress(b"\xff" * (24 << 20), 9)  # 24 MB inflated: an A4 RGB page at 200 dpi
    n = limits.MAX_TOTAL_BYTES // (24 << 20) + 2
    body = b"".join(b"%d 0 obj\n<< /Type /XObject /Subtype /Image /Width 4096 /Height 2048 /BitsPerComponent 8 "
                    b"/ColorSpace /DeviceRGB /Filter /FlateDecode /Length %d >>\nstream\n" % (10 + i, len(image))
                    + image + b"\nendstream\nendobj\n" for i in range(n))
    limits.check_pdf_streams(b"%PDF-1.7\n" + body + b"%%EOF\n", "scan.pdf")  # no exception
    # The same streams as page content are refused: their sum is the limit.
    content = body.replace(b"/Subtype /Image", b"/Subtype /Form ")
    with pytest.raises(UnreadableFile) as info:
        limits.check_pdf_streams(b"%PDF-1.7\n" + content + b"%%EOF\n", "content.pdf")
    assert "总量超过" in info.value.message


def test_read_binary_ocr_bitmap_bounded_for_huge_pages():
    from gongkai.read.pdf import OCR_DPI, render_scale

    assert render_scale(595, 842) == OCR_DPI / 72  # A4 at full resolution
    scale = render_scale(2384, 3370)  # A0: resolution lowered to stay within the pixel limit
    assert 2384 * 3370 * scale ** 2 <= limits.MAX_IMAGE_PIXELS and scale < OCR_DPI / 72
    with pytest.raises(UnreadableFile) as info:
        render_scale(14400, 14400, "poster.pdf", "第1页")  # the largest page PDF allows
    assert "页面尺寸过大" in info.value.message and info.value.place == "第1页"
