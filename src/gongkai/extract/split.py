"""Recover numbers that a flattened page ran together (``693665`` for 69 | 3 | 665).

A split is accepted only when the table's own arithmetic leaves exactly one possibility;
otherwise nothing is returned and the cells stay null.  Parts never have leading zeros
(a printed "05" does not occur), which is what makes a unique answer possible at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from itertools import combinations

Check = Callable[[list[int]], bool]
LIMIT = 200_000


def _splits(token: str, parts: int) -> Iterator[list[int]]:
    n = len(token)
    for cuts in combinations(range(1, n), parts - 1):
        bounds = (0, *cuts, n)
        pieces = [token[a:b] for a, b in zip(bounds, bounds[1:])]
        if any(len(p) > 1 and p[0] == "0" for p in pieces):
            continue
        yield [int(p) for p in pieces]


def _assignments(tokens: list[str], m: int) -> Iterator[list[int]]:
    if not tokens:
        if m == 0:
            yield []
        return
    head, rest = tokens[0], tokens[1:]
    for k in range(1, min(len(head), m - len(rest)) + 1):
        for first in _splits(head, k):
            for tail in _assignments(rest, m - k):
                yield first + tail


def recover(tokens: list[str], m: int, check: Check) -> list[int] | None:
    """The unique way to cut ``tokens`` (digit strings) into ``m`` numbers passing ``check``."""
    if not tokens or not all(t.isdigit() for t in tokens) or sum(map(len, tokens)) < m:
        return None
    found: list[int] | None = None
    for tried, candidate in enumerate(_assignments(tokens, m)):
        if tried >= LIMIT:
            return None
        if check(candidate):
            if found is not None:
                return None
            found = candidate
    return found


@lru_cache(maxsize=None)
def row_total_check(width: int) -> Check:
    """Last number is the sum of the ones before it (table 3 rows)."""
    return lambda v: len(v) == width and v[-1] == sum(v[:-1])


def grouped_total_check(groups: int, size: int) -> Check:
    """Each group of ``size`` ends with the sum of its others (table 4's three groups)."""
    def check(v: list[int]) -> bool:
        return len(v) == groups * size and all(
            v[g * size + size - 1] == sum(v[g * size:g * size + size - 1]) for g in range(groups))
    return check


def no_check(v: list[int]) -> bool:
    return True
