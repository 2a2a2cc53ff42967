"""``gongkai.compare(a, b)``: the library face of ``gongkai compare A B``.

The comparison itself is ``gongkai.comparison`` (two ``Report``s -> a ``Comparison``); this face
also reads files, as the command does.  The module is callable (see ``_callable``) and keeps the
comparison's names, so ``from gongkai.compare import Comparison, Side`` works too.
"""

from __future__ import annotations

import os

from gongkai._callable import make_callable
from gongkai.comparison import (
    MAX_SECTION_CHARS,
    MIN_PASSAGE,
    MISSING,
    Comparison,
    SectionComparison,
    Side,
    delta,
    show_value,
)
from gongkai.comparison import compare as compare_reports
from gongkai.model import Report

__all__ = ["MAX_SECTION_CHARS", "MIN_PASSAGE", "MISSING", "Comparison", "SectionComparison", "Side", "compare",
           "delta", "show_value"]


def compare(a: Side | Report | str | os.PathLike[str], b: Side | Report | str | os.PathLike[str]) -> Comparison:
    """Compare report A with report B (B − A; for two years of a body, A is the earlier), each a
    report file (any form ``gongkai.load`` reads, labelled by its path as given), a ``Report``
    (labelled by its file name) or a ``Side``: what ``gongkai compare A B`` prints.  Reports of
    an ingested corpus by number: ``gongkai.Corpus(…).compare(11, 12)``."""
    return compare_reports(_side(a), _side(b))


def _side(side: Side | Report | str | os.PathLike[str]) -> Side | Report:
    if isinstance(side, (Side, Report)):
        return side
    from gongkai.load import load

    return Side(str(side), load(side))


make_callable(__name__, compare)  # gongkai.compare(a, b) is compare(a, b)
