"""Whole-corpus answers kept while the corpus has not changed.

The statistics of 100,000 reports take seconds to compute and the answer is the same until a
report is stored or replaced, or a body placed again.  Every write transaction of the store raises
the corpus's generation in that same transaction (``Store._changed``); an answer is kept in the
corpus's own database (``kept_answers``, migration 7005) under what makes it — the program's
version, the question and its parameters — with the generation it was computed at, and is read
back only while the generation is still that one.  The web, the API, ``gongkai stats`` and
``Corpus.stats()`` all ask through ``remembered``, and two servers on one database share what
either kept.  An answer computed while the corpus changed is not kept (the write checks the
generation in the same statement), so no answer is ever older than the corpus it is read from.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from gongkai.corpus.store import Store

T = TypeVar("T")
# Kept answers at a time (a question per region, body and level): the oldest beyond are dropped.
MOST_KEPT = 256


def remembered(store: Store, question: list[Any], make: Callable[[], T], dump: Callable[[T], Any],
               load: Callable[[Any], T]) -> T:
    """``make()``'s answer to ``question`` (a JSON-able list naming it and its parameters), read
    back (``load`` of the JSON ``dump`` made) when kept at the corpus's present generation."""
    from gongkai import __version__

    key = json.dumps([__version__, *question], ensure_ascii=False)
    kept, generation = store.kept_answer(key)
    if kept is not None:
        return load(json.loads(kept))
    answer = make()
    store.keep_answer(key, generation, json.dumps(dump(answer), ensure_ascii=False), MOST_KEPT)
    return answer
