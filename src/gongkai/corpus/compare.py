"""A side of a comparison (``gongkai.comparison``): a report file, or a report in the corpus by
its number (``12`` or ``#12``)."""

from __future__ import annotations

import os

from gongkai.comparison import Side
from gongkai.errors import GongkaiError


def load_side(arg: str, db: str | None) -> Side:
    if os.path.exists(arg):
        from gongkai.load import load

        return Side(arg, load(arg))
    from gongkai.corpus import region

    number = region.report_id(arg)
    if number is None:
        raise GongkaiError("既不是存在的文件，也不是语料库中的报告编号（如 12 或 #12）。", arg)
    from gongkai.corpus.store import Store

    with Store(db, create=False) as store:
        label, report = region.load(store, number, arg)
    return Side(label, report)
