"""PDF reports: text layer through PDFium, table grids rebuilt from the ruling lines.

Each page's glyph boxes and visible rulings go through ``layout`` (grids with merged cells,
text lines) and ``assemble`` (paragraphs, page furniture, grids with page/table/row/cell).
A page without a usable text layer (a scan, or fonts without a Unicode map) is read by OCR
when the ``ocr`` extra is installed; otherwise the reader says so instead of returning
an empty report.
"""

from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from gongkai.errors import MissingDependency, UnreadableFile
from gongkai.read import limits
from gongkai.read.assemble import PageLayout, build_document, page_layout
from gongkai.read.document import Document
from gongkai.read.native import PDFIUM
from gongkai.read.pdfpage import PageReader, TooManyChars, usable_text

MIN_TEXT_GLYPHS = 20  # fewer glyphs than this on a page with a large image: a scanned page
OCR_DPI = 200
MIN_OCR_DPI = 100  # below this, 10.5 pt table text is not legible to OCR


def open_pdf(data: bytes, name: str) -> pdfium.PdfDocument:
    limits.check_pdf_complete(data, name)
    limits.check_pdf_streams(data, name)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        # By PDFium's error code, never its English text: a damaged file can fail with
        # "Failed to load document (PDFium: Success)" (code 0).
        code = getattr(exc, "err_code", None)
        if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY) and b"/Encrypt" not in data:
            # PDFium's last error is per thread and some failures leave it unset: after one
            # encrypted file, every damaged one came back "encrypted".  No /Encrypt, no password.
            code = None
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise UnreadableFile("PDF 已加密，需要密码才能打开。请向发布机关索取未加密的文件，或先用密码解除加密。",
                                 name) from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise UnreadableFile("PDF 使用了不支持的加密或安全设置，无法打开。请向发布机关索取未加密的文件。", name) from None
        raise UnreadableFile("PDF 文件已损坏或不完整，无法打开。请重新下载原文件。", name) from None
    limits.check_page_count(len(pdf), name)
    return pdf


def _is_scan(reader: PageReader, glyphs) -> bool:
    page_area = max(reader.width * reader.height, 1.0)
    if len(glyphs) < MIN_TEXT_GLYPHS:
        return reader.image_area > 0.3 * page_area
    return usable_text(glyphs) < 0.5


def read_pdf(data: bytes, name: str) -> Document:
    # PDFium is not thread-safe: the whole read, open to close, holds its lock (read/native.py).
    with PDFIUM:
        return _read_pdf(data, name)


def _read_pdf(data: bytes, name: str) -> Document:
    deadline = limits.Deadline(name)
    pdf = open_pdf(data, name)
    doc = Document(name=name, form="pdf")
    try:
        title = (pdf.get_metadata_value("Title") or "").strip()  # the one key used (not all eight)
    except pdfium.PdfiumError:
        title = ""
    doc.title_hint = title or None
    pages: list[PageLayout] = []
    scanned: list[int] = []
    unread: list[int] = []  # pages that need OCR when it is not installed
    ocr_ready: bool | None = None  # looked up at the first scanned page (a few file lookups)
    digits = None  # the digits OCR read surely on this document's pages (ocrdigits.Templates)
    try:
        for index in range(len(pdf)):
            deadline.check(f"第{index + 1}页")
            try:
                page = pdf[index]
            except pdfium.PdfiumError:
                raise UnreadableFile("这一页无法打开，PDF 文件可能已损坏。请重新下载原文件。", name,
                                     f"第{index + 1}页") from None
            try:
                reader = PageReader(page)
                segments = reader.segments()
                try:
                    glyphs = reader.glyphs()
                except TooManyChars as exc:
                    raise UnreadableFile(f"这一页有 {exc.args[0]} 个字符，远超正常报告页面，已拒绝读取。", name,
                                         f"第{index + 1}页") from None
                scan = _is_scan(reader, glyphs)
                if scan and ocr_ready is None:
                    from gongkai.read import ocr  # a text PDF's read does without OCR's modules (start-up)

                    ocr_ready = ocr.available()
                if scan and not ocr_ready:
                    unread.append(index)
                    layout = PageLayout(index + 1, reader.width, reader.height)
                elif scan:
                    scanned.append(index)
                    deadline.allow(limits.OCR_PAGE_SECONDS)
                    if digits is None:
                        from gongkai.read.ocrdigits import Templates

                        digits = Templates()
                    layout = _ocr_page(page, reader, index + 1, name, digits)
                else:
                    if not segments and reader.image_area > 0.5 * reader.width * reader.height:
                        segments = _image_rulings(page, reader, index + 1, doc)
                    layout = page_layout(index + 1, reader.width, reader.height, glyphs, segments)
            finally:
                page.close()
            pages.append(layout)
    finally:
        pdf.close()
    if unread:
        from gongkai.read import ocr

        listed = "、".join(str(i + 1) for i in unread)
        if not any(p.lines or p.tables for p in pages):
            raise MissingDependency(
                f"PDF 没有可读的文字层（第{listed}页是扫描件，或字体缺少编码映射），需要 OCR 才能读取。" + ocr.INSTALL_HINT,
                name)
        doc.notes.append(f"第{listed}页没有可读的文字层（扫描件），未安装 OCR 组件，这些页没有读取，"
                         f"其中的内容（包括表格）可能缺失。{ocr.INSTALL_HINT}")
        doc.unread = (f"第{listed}页没有可读的文字层（扫描件，或字体缺少编码映射），需要 OCR 才能读取，"
                      f"报告的内容可能在这些页上。{ocr.INSTALL_HINT}")
    if scanned:
        if len(scanned) == len(pages) and not any(p.lines or p.tables for p in pages):
            raise UnreadableFile("PDF 没有可读的文字（可能是扫描件），OCR 也没有识别出文字。", name)
        listed = "、".join(str(i + 1) for i in scanned)
        doc.notes.append(f"第{listed}页没有可用的文字层，已用 OCR 识别；识别出的数字带置信度，请对照原件核对。")
    build_document(doc, pages)
    if scanned:
        from gongkai.read.ocrcheck import flag_doubtful

        doc.notes += flag_doubtful(doc)
    return doc


def page_pngs(data: bytes, pages: list[int], name: str, scale: float = 1.25) -> list[tuple[int, bytes]]:
    """The given pages (1-based) as PNG pictures, as printed (the web's source view)."""
    import io

    pictures = []
    with PDFIUM:
        pdf = pdfium.PdfDocument(data)
        try:
            for n in pages:
                if 1 <= n <= len(pdf):
                    pictures.append((n, pdf[n - 1].render(scale=scale).to_pil().copy()))
        finally:
            pdf.close()
    out = []
    for n, image in pictures:  # PNG encoding needs no lock
        buf = io.BytesIO()
        image.save(buf, format="PNG", optimize=True)
        out.append((n, buf.getvalue()))
    return out


def render_scale(width: float, height: float, name: str | None = None, place: str | None = None) -> float:
    """Pixels per point for OCR: OCR_DPI, less for huge pages so the bitmap stays bounded."""
    scale = min(OCR_DPI / 72, (limits.MAX_IMAGE_PIXELS / max(width * height, 1.0)) ** 0.5)
    if scale < MIN_OCR_DPI / 72:
        raise UnreadableFile(f"页面尺寸过大（{width:.0f}×{height:.0f} 点），无法以可识别的分辨率进行 OCR。", name, place)
    return scale


def _page_image(page, reader: PageReader, name: str, number: int):
    """The page as a picture for OCR, with its pixels per point.

    A scan is usually one upright full-page image: OCR reads its own pixels (no resampling
    blur); anything else is rendered at OCR_DPI.
    """
    import pypdfium2.raw as R

    images = list(page.get_objects(filter=[R.FPDF_PAGEOBJ_IMAGE], max_depth=1))
    if len(images) == 1 and reader.rotation == 0:
        obj = images[0]
        left, bottom, right, top = obj.get_bounds()
        m = obj.get_matrix()
        width_px, height_px = obj.get_px_size()
        covers = (right - left) * (top - bottom) >= 0.8 * reader.width * reader.height
        upright = m.a > 0 and m.d > 0 and abs(m.b) < 1e-6 and abs(m.c) < 1e-6
        scale = width_px / max(right - left, 1.0)
        if covers and upright and 100 / 72 <= scale <= 600 / 72 \
                and width_px * height_px <= limits.MAX_IMAGE_PIXELS:
            try:
                bitmap = obj.get_bitmap(render=False)
                picture = bitmap.to_pil()
                # The page may start above or left of the image: shift by the image's offset.
                if abs(left - reader.left) < 2 and abs(top - reader.top_y) < 2:
                    return picture, scale
            except pdfium.PdfiumError:
                pass
    scale = render_scale(reader.width, reader.height, name, f"第{number}页")
    bitmap = page.render(scale=scale, grayscale=True)
    picture = bitmap.to_pil()
    bitmap.close()
    return picture, scale


def _image_rulings(page, reader: PageReader, number: int, doc: Document) -> list:
    """A searchable scan: text in the text layer, table rulings only in the image."""
    from gongkai.read import ocr

    if not ocr.available():
        doc.notes.append(f"第{number}页是带文字层的扫描件，表格线只在图像里；未安装 OCR 组件（gongkai[ocr]），"
                         "无法据此重建表格，这一页的表格可能没有读出。")
        return []
    import numpy as np

    picture, scale = _page_image(page, reader, doc.name, number)
    return ocr.rulings(np.array(picture.convert("L")), scale)


def _ocr_page(page, reader: PageReader, number: int, name: str, digits=None) -> PageLayout:
    from gongkai.read import ocr

    image, scale = _page_image(page, reader, name, number)
    glyphs, segments = ocr.recognise(image, scale, digits)
    return page_layout(number, reader.width, reader.height, glyphs, segments, scanned=True)
