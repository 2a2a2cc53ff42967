"""Image/OCR reader (placeholder until the OCR reader lands)."""

from gongkai.errors import UnreadableFile


def read_image(data: bytes, name: str):
    raise UnreadableFile("暂不支持读取图片格式的报告。", name)
