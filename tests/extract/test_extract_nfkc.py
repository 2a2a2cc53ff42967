"""``labels.nfkc`` (full-width punctuation replaced before NFKC, for speed) is NFKC exactly."""

from __future__ import annotations

import random
import sys
import unicodedata

from gongkai.format import labels as L


def test_nfkc_is_unicodedatas_nfkc_on_every_character_and_on_mixed_text():
    every = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    assert [L.nfkc(ch) for ch in every] == [unicodedata.normalize("NFKC", ch) for ch in every]
    # The replaced characters next to what NFKC composes or reorders with them: combining marks,
    # a following full-width letter, ideographs, spaces.
    pool = [wide for wide, _ in L._WIDE] + ["\u0301", "\u0327", "\u0308", "\u3099", "Ａ", "ｶ", "ﾞ", "e", "。", "报",
                                           "告", " ", "1", "…", "㈠", "①", "\u00a0"]
    rng = random.Random(20)
    for _ in range(20000):
        text = "".join(rng.choices(pool, k=rng.randint(1, 8)))
        assert L.nfkc(text) == unicodedata.normalize("NFKC", text), ascii(text)
