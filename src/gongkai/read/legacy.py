"""Legacy .doc/.wps reader (placeholder until the Word reader lands)."""

from gongkai.errors import UnreadableFile


def read_legacy_word(data: bytes, name: str, form: str):
    raise UnreadableFile(f"暂不支持读取 .{form} 报告。", name)
