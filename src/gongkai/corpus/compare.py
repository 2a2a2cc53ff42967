"""A side of a comparison (``gongkai.compare``): a report file, or a report in the corpus by
its number (``12`` or ``#12``)."""

from __future__ import annotations

import os
import re

from gongkai.compare import Side
from gongkai.errors import GongkaiError


def load_side(arg: str, db: str | None) -> Side:
    if os.path.exists(arg):
        from gongkai.load import load

        return Side(arg, load(arg))
    m = re.fullmatch(r"#?(\d+)", arg.strip())
    if not m:
        raise GongkaiError("既不是存在的文件，也不是语料库中的报告编号（如 12 或 #12）。", arg)
    from gongkai.corpus.store import Store

    with Store(db, create=False) as store:
        report = store.load_report(int(m.group(1)))
    if report is None:
        raise GongkaiError("语料库中没有这个编号的已解析报告。", arg)
    return Side(f"#{m.group(1)} {report.agency or ''}", report)
