"""A label that shares too few characters with every printed form is refused before rapidfuzz
is asked (start-up: most section headings are tested against the table-3 rows): the answers are
the ones rapidfuzz gives."""

from __future__ import annotations

import random
from collections import Counter

from rapidfuzz import fuzz, process

from gongkai.format import labels as L


def test_the_character_bound_never_refuses_what_rapidfuzz_would_match():
    rng = random.Random(20)
    for index in (L.table3_rows(), L.table2_rows(), L.sections()):
        keys = index._keys
        texts = [L.label_key(t) for t in ("总体情况", "主动公开政府信息情况", "其他需要报告的事项", "本年新收政府信息公开申请数量")]
        for key in rng.sample(keys, min(60, len(keys))):  # printed forms with characters dropped, changed, added
            chars = list(key)
            for _ in range(rng.randint(0, 3)):
                op = rng.randrange(3)
                i = rng.randrange(len(chars))
                if op == 0 and len(chars) > 4:
                    del chars[i]
                elif op == 1:
                    chars[i] = rng.choice("的和与及其公开申请情况年")
                else:
                    chars.insert(i, rng.choice("的和与及其公开申请情况年"))
            texts.append("".join(chars))
        for text in texts:
            best = process.extractOne(text, keys, scorer=fuzz.ratio, score_cutoff=index._cutoff)
            assert index._may_reach(text) == _shares_enough(index, text), text
            if not index._may_reach(text):
                assert best is None, text
        assert not L.table3_rows()._may_reach(L.label_key("总体情况"))  # a heading: no rapidfuzz


def _shares_enough(index, text: str) -> bool:
    """The bound key by key, as it reads: a key shares enough characters to reach the cutoff."""
    mine = Counter(text)
    return any(200 * sum((mine & Counter(key)).values()) >= (index._cutoff - 1e-3) * (len(text) + len(key))
               for key in index._keys)
