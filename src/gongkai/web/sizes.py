"""The size of a file the site makes when it is fetched — a letter, a draft's export, a register's
export — stated on the link as the corpus's downloads state theirs (“DOCX，38 KB”: a phone on a
slow line knows what it is in for).

Such a file is made only on the click: a PDF takes LibreOffice seconds, a large register's export
longer.  So each one's size is remembered when it is made, under a fingerprint of everything it is
made from (the letter's context and template, the draft's data, the register's change mark and
day), and its link states it from then on; what is cheap to make (a letter's or a draft's DOCX,
HTML, Markdown) is made for its size when its page is drawn.  The memory is this process's: after
a restart, or in another worker, a link states no size until its file is made again — never a
size of other contents.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable

_LIMIT = 4096   # fingerprints kept (an LRU): a few hundred KB at most
_known: OrderedDict[str, int] = OrderedDict()
_lock = threading.Lock()


def fingerprint(*parts: object) -> str:
    """One key for what a file is made from (JSON of the parts; dates and the like as text)."""
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def remember(key: str, data: bytes) -> bytes:
    """Note the size of ``data``, made from ``key``; returns ``data``."""
    with _lock:
        _known[key] = len(data)
        _known.move_to_end(key)
        while len(_known) > _LIMIT:
            _known.popitem(last=False)
    return data


def known(key: str) -> int | None:
    with _lock:
        return _known.get(key)


def made_for_size(key: str, make: Callable[[], bytes]) -> int:
    """The size of a file cheap to make: remembered, or made now (and remembered)."""
    n = known(key)
    return n if n is not None else len(remember(key, make()))
