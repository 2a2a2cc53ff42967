"""DOCX reader (placeholder until the Word reader lands)."""

from gongkai.errors import UnreadableFile


def read_docx(data: bytes, name: str):
    raise UnreadableFile("暂不支持读取 Word（.docx）报告。", name)
