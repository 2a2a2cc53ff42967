"""PDF reader (placeholder until the PDF reader lands)."""

from gongkai.errors import UnreadableFile


def read_pdf(data: bytes, name: str):
    raise UnreadableFile("暂不支持读取 PDF 报告。", name)
