"""重复申请: earlier requests of the same applicant for (nearly) the same information.

A new request is compared with the applicant's earlier ones (same type, name and 证件号码) by
the similarity of their contents after removing spaces and punctuation; a warning names them,
the clerk decides (条例第三十六条第（六）项 only covers information already answered).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

SIMILAR = 85  # rapidfuzz ratio (0–100) from which two contents are taken for the same request

_NOISE = re.compile(r"[\s，。、；：“”‘’（）()《》〈〉【】\[\],.;:!?！？\"'-]+")


def _norm(text: str) -> str:
    return _NOISE.sub("", text or "")


def similar(a: str, b: str) -> bool:
    x, y = _norm(a), _norm(b)
    if not x or not y:
        return False
    return x == y or fuzz.ratio(x, y) >= SIMILAR


def repeats(register, req) -> list:
    """The applicant's earlier requests whose content is like ``req``'s, oldest first."""
    return [r for r in register.earlier_requests(req.ref)
            if (r.received_on, r.id) < (req.received_on, req.id) and similar(r.content, req.content)]
