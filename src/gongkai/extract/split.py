"""Cut numbers that a flattened page ran together (``693665`` for 69 | 3 | 665) into cells.

A row's printed text is a string of digits (with signs and decimal points where the column
allows them) in which a space is a certain boundary between two cells, while two digits side by
side may or may not belong to one number.  Numbers are printed without leading zeros (a "05"
does not occur): that, the number of cells and the table's own sums are all that can fix a cut.

* ``splits(text, layout)`` lists every way of cutting one row into its cells.  A row's layout
  may hold *groups* (cells followed by their total, as table 3's rows and table 4's three groups):
  the total is tried first and the parts must add up to it, so long digit strings are cut in
  bounded time; a budget bounds the search in any case (``TooMany``).
* ``solve(unknowns, known, equations)`` keeps, of each row's ways, only those that take part in
  at least one assignment of *every* row satisfying the table's linear equations (column totals,
  the 勾稽 relation, last year's figures).  It is a dynamic programme over the rows whose states
  are the partial sums of the equations still open, so its work grows with the number of distinct
  partial sums, not with the product of the rows' ways; a state limit bounds it (``TooComplex``).

Nothing here chooses between possibilities: callers keep a cell only when every remaining way
gives it the same value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from itertools import combinations

from gongkai import regex
from gongkai.model import Value
from gongkai.records import record

INT, SIGNED, DECIMAL = "int", "signed", "decimal"
_PIECE = {
    INT: regex.compile(r"0|[1-9]\d*"),
    SIGNED: regex.compile(r"[+\-]?(?:0|[1-9]\d*)"),
    DECIMAL: regex.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?"),
}
BUDGET = 5_000         # pieces tried for one row (a real row needs tens)
MAX_WAYS = 256         # ways kept for one row (3 cells of up to 24 digits); more: too many to keep
STATE_LIMIT = 20_000   # partial-sum states of one step of ``solve``
MAX_BLANK_WAYS = 1024  # readings with blank cells kept for one row (the blanks' places multiply them)
# Readings that also let a total be blank: its parts then have no sum to hold them, so they multiply
# fast (9595 for seven cells: 132); past this many only those whose sums hold are kept (each is
# stored with its report).
MAX_BLANK_TOTAL_WAYS = 128


class TooMany(Exception):
    """A row can be cut in more ways than are worth listing (or than the budget allows)."""


class TooComplex(Exception):
    """The joint system has more partial-sum states than ``STATE_LIMIT``."""


@record(frozen=True)
class Layout:
    """The cells of a row: each one's kind, and the groups ``(first, total)`` whose cells
    ``first … total-1`` add up to cell ``total``."""

    kinds: tuple[str, ...]
    groups: tuple[tuple[int, int], ...] = ()

    @property
    def width(self) -> int:
        return len(self.kinds)


@lru_cache(maxsize=64)
def plain(width: int, kind: str = INT) -> Layout:
    return Layout((kind,) * width)


@lru_cache(maxsize=64)
def grouped(groups: int, size: int) -> Layout:
    """``groups`` groups of ``size`` cells, each ending with its total (table 3 rows: 1 × 7;
    table 4: 3 × 5)."""
    return Layout((INT,) * (groups * size), tuple((g * size, g * size + size - 1) for g in range(groups)))


def value(piece: str, kind: str = INT) -> Value:
    if kind == DECIMAL and "." in piece:
        return Decimal(piece)
    return int(piece)


def _valid(piece: str, kind: str) -> bool:
    return _PIECE[kind].fullmatch(piece) is not None


# A token that is a number of its cell's kind as printed (a leading zero allowed: "05"); a sign
# only where the cell takes one (2019 table 2's 本年增/减): "-2" is no count, "-2-0" no number.
_PRINTED = {
    INT: regex.compile(r"\d+"),
    SIGNED: regex.compile(r"[+\-]?\d+"),
    DECIMAL: regex.compile(r"\d+(?:\.\d+)?"),
}


def printed(token: str, kind: str) -> bool:
    return _PRINTED[kind].fullmatch(token) is not None


@lru_cache(maxsize=4096)
def atoms(text: str) -> int:
    """The most cells ``text`` can fill: its digits, not counting the decimals of a number."""
    n = 0
    for token in text.split():
        whole = token.split(".", 1)[0]
        n += sum(ch.isdigit() for ch in whole)
    return n


def tokens(text: str) -> int:
    """The fewest cells ``text`` can fill: one per space-separated token."""
    return len(text.split())


def forced_by_count(text: str, width: int) -> bool:
    """As many digits (or tokens) as cells: the text is cut one way whatever the sums say."""
    return atoms(text) == width or tokens(text) == width


# -- one row ---------------------------------------------------------------------------------

class _Search:
    """One row's enumeration, with its memo and budget."""

    def __init__(self, budget: int):
        self.left = budget
        self.memo: dict[tuple, list[tuple[str, ...]]] = {}

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise TooMany

    def keep(self, key: tuple, found: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
        if len(found) > MAX_WAYS * 4:
            raise TooMany
        self.memo[key] = found
        return found

    # A piece starts at the beginning of ``text`` and ends before a space or inside a token.
    def _firsts(self, text: str) -> Iterator[tuple[str, str]]:
        end = text.find(" ")
        token = text if end < 0 else text[:end]
        for e in range(1, len(token) + 1):
            self.spend()
            rest = text[e:].lstrip(" ") if e == len(token) else text[e:]
            yield token[:e], rest

    def free(self, text: str, kinds: tuple[str, ...]) -> list[tuple[str, ...]]:
        """Every cut of ``text`` into ``len(kinds)`` valid pieces."""
        key = ("f", text, kinds)
        if key in self.memo:
            return self.memo[key]
        k = len(kinds)
        if not text or not tokens(text) <= k <= atoms(text):
            return self.keep(key, [])
        if k == 1:
            return self.keep(key, [(text,)] if " " not in text and _valid(text, kinds[0]) else [])
        found = []
        for piece, rest in self._firsts(text):
            if not rest or not _valid(piece, kinds[0]):
                continue
            for tail in self.free(rest, kinds[1:]):
                found.append((piece, *tail))
        return self.keep(key, found)

    def parts(self, text: str, k: int, target: int) -> list[tuple[str, ...]]:
        """Cuts of ``text`` into ``k`` whole numbers adding up to ``target``."""
        key = ("p", text, k, target)
        if key in self.memo:
            return self.memo[key]
        if not text or not tokens(text) <= k <= atoms(text):
            return self.keep(key, [])
        if k == 1:
            ok = " " not in text and _valid(text, INT) and int(text) == target
            return self.keep(key, [(text,)] if ok else [])
        found = []
        for piece, rest in self._firsts(text):
            if not _valid(piece, INT):
                continue
            v = int(piece)
            if v > target:
                break  # longer pieces only grow
            left = target - v
            if not rest or not _can_sum(rest, k - 1, left):
                continue
            for tail in self.parts(rest, k - 1, left):
                found.append((piece, *tail))
        return self.keep(key, found)

    def group(self, text: str, k: int) -> list[tuple[str, ...]]:
        """Cuts of ``text`` into ``k`` numbers followed by their total: the total first."""
        key = ("g", text, k)
        if key in self.memo:
            return self.memo[key]
        found = []
        start = text.rfind(" ") + 1
        last = text[start:]
        for length in range(1, len(last) + 1):
            self.spend()
            total = last[len(last) - length:]
            if not _valid(total, INT):
                continue
            head = text[:len(text) - length].rstrip(" ")
            if not head or not _can_sum(head, k, int(total)):
                continue
            for parts in self.parts(head, k, int(total)):
                found.append((*parts, total))
        return self.keep(key, found)

    def blocks(self, text: str, blocks: tuple[tuple[str, tuple[str, ...]], ...]) -> list[tuple[str, ...]]:
        """Cuts of ``text`` into a sequence of blocks (a group, or free cells of given kinds)."""
        key = ("b", text, blocks)
        if key in self.memo:
            return self.memo[key]
        (kind, kinds), rest_blocks = blocks[0], blocks[1:]
        if not rest_blocks:
            found = self.group(text, len(kinds) - 1) if kind == "group" else self.free(text, kinds)
            return self.keep(key, found)
        width = len(kinds)
        after = sum(len(b[1]) for b in rest_blocks)
        found = []
        for left, right in _cuts(text):
            self.spend()
            if not (tokens(left) <= width <= atoms(left) and tokens(right) <= after <= atoms(right)):
                continue
            heads = self.blocks(left, blocks[:1])
            if not heads:
                continue
            for tail in self.blocks(right, rest_blocks):
                found += [(*head, *tail) for head in heads]
        return self.keep(key, found)


def _can_sum(text: str, k: int, target: int) -> bool:
    """Whether ``k`` numbers cut from ``text`` could add up to ``target``, by their digit counts:
    each is at most ``target`` (so has at most its digits), and the largest has at most the digits
    left when the others have one each (so the sum has at most one more)."""
    n, digits = atoms(text), len(str(target))
    return n <= k * digits and digits <= n - (k - 1) + 1


def _cuts(text: str) -> Iterator[tuple[str, str]]:
    """Every place ``text`` can be cut in two: at a space, or between two non-space characters."""
    for c in range(1, len(text)):
        if text[c] == " ":
            yield text[:c].rstrip(" "), text[c + 1:].lstrip(" ")
        elif text[c - 1] != " ":
            yield text[:c], text[c:]


def _blocks(layout: Layout) -> tuple[tuple[str, tuple[str, ...]], ...]:
    out: list[tuple[str, tuple[str, ...]]] = []
    starts = {first: total for first, total in layout.groups}
    i = 0
    free: list[str] = []
    while i < layout.width:
        if i in starts:
            if free:
                out.append(("free", tuple(free)))
                free = []
            out.append(("group", layout.kinds[i:starts[i] + 1]))
            i = starts[i] + 1
        else:
            free.append(layout.kinds[i])
            i += 1
    if free:
        out.append(("free", tuple(free)))
    return tuple(out)


BLANK = "/"  # a cell a cut leaves blank (``with_blanks``)


def fewer_cuts(text: str, layout: Layout, budget: int = BUDGET) -> bool:
    """Whether ``text`` can also be cut into fewer numbers than ``layout`` has cells (the others
    blank): ``100`` as 100 or 10 | 0, not ``000`` ("00" is no number), nor ``1 0 0`` (a space is a
    certain boundary).  Any cell's kind goes, the blank ones' places being unknown."""
    text = normalise(text)
    kind = DECIMAL if DECIMAL in layout.kinds else SIGNED if SIGNED in layout.kinds else INT
    search = _Search(budget)
    try:
        return any(search.free(text, (kind,) * k) for k in range(max(1, tokens(text)), layout.width))
    except TooMany:
        return True


def with_blanks(text: str, layout: Layout, budget: int = 8 * BUDGET,
                blank_totals: bool = False) -> list[tuple[str, ...]]:
    """Every way of reading ``text`` as a row some of whose cells were blank: a crawler keeps no
    trace of an empty table cell, so ``108 2 110`` may be 108 | 2 | 110 with four cells blank.
    Only for layouts made of groups (table 3's row, table 4's three groups), and only readings in
    which the sums hold: a group is either all blank, or its total is printed and its printed parts
    (one or more) add up to it; with ``blank_totals`` also its total blank and its parts printed
    (no sum to hold them).  Blank cells are ``BLANK``; the readings without one are ``splits``'s.
    Raises ``TooMany`` past the budget (larger than ``splits``'s: the groups' widths are not fixed)
    or past ``MAX_BLANK_WAYS`` readings (``MAX_BLANK_TOTAL_WAYS`` with ``blank_totals``)."""
    limit = MAX_BLANK_TOTAL_WAYS if blank_totals else MAX_BLANK_WAYS
    text = normalise(text)
    groups = layout.groups
    if not text or not groups or sum(t - f + 1 for f, t in groups) != layout.width:
        return []
    search = _Search(budget)
    memo: dict[tuple[int, str], list[tuple[str, ...]]] = {}

    def tails(g: int, rest: str) -> list[tuple[str, ...]]:
        """Readings of ``rest`` into groups ``g`` onwards (with or without blanks)."""
        key = (g, rest)
        if key in memo:
            return memo[key]
        if g == len(groups):
            return memo.setdefault(key, [()] if not rest else [])
        first, total = groups[g]
        size = total - first
        after = sum(t - f + 1 for f, t in groups[g + 1:])
        out: list[tuple[str, ...]] = []
        if tokens(rest) <= after:  # the whole group blank
            out += [(BLANK,) * (size + 1) + tail for tail in tails(g + 1, rest)]
        ends = [(rest, "")] + ([] if not after else list(_cuts(rest)))
        for left, right in ends:
            search.spend()
            if tokens(right) > after or not tokens(left) <= size + 1 or atoms(left) < (1 if blank_totals else 2):
                continue
            heads = []
            for k in range(max(1, tokens(left) - 1), min(size, atoms(left) - 1) + 1):
                for cut in search.group(left, k):
                    heads += [(*_place(cut[:-1], at, size), cut[-1]) for at in combinations(range(size), k)]
            if blank_totals:  # the total blank: the parts printed, whatever they add up to
                for k in range(min(size, atoms(left)), max(1, tokens(left)) - 1, -1):  # more numbers first
                    for cut in search.free(left, (INT,) * k):
                        heads += [(*_place(cut, at, size), BLANK) for at in combinations(range(size), k)]
                        if len(heads) > limit * 4:
                            raise TooMany
            if heads:
                for tail in tails(g + 1, right):
                    out += [head + tail for head in heads]
                    if len(out) > limit * 4:
                        raise TooMany
        memo[key] = out
        return out

    found = [way for way in tails(0, text) if BLANK in way]
    if len(found) > limit:
        raise TooMany
    return found


def _place(pieces: tuple[str, ...], at: tuple[int, ...], width: int) -> tuple[str, ...]:
    """``pieces`` in the cells ``at`` of a row of ``width`` cells, the others ``BLANK``."""
    cells = [BLANK] * width
    for p, piece in zip(at, pieces):
        cells[p] = piece
    return tuple(cells)


def placed(text: str, layout: Layout, budget: int = 8 * BUDGET) -> list[tuple[str, ...]]:
    """Every way of reading ``text`` as fewer numbers than ``layout`` has cells, the others blank
    (``BLANK``): a row without sums (table 2's) printed with fewer digits than cells, ``15`` for
    three cells as 1 | 5 | /, 15 | / | / ….  Each number must be of its cell's kind.  Raises
    ``TooMany`` past the budget or past ``MAX_BLANK_WAYS`` readings."""
    text = normalise(text)
    if not text:
        return []
    search = _Search(budget)
    found: list[tuple[str, ...]] = []
    for k in range(min(layout.width - 1, atoms(text)), max(1, tokens(text)) - 1, -1):  # more numbers first
        for at in combinations(range(layout.width), k):
            for cut in search.free(text, tuple(layout.kinds[p] for p in at)):
                found.append(_place(cut, at, layout.width))
            if len(found) > MAX_BLANK_WAYS:
                raise TooMany
    return found


def adds_up(way: tuple[str, ...], layout: Layout) -> bool:
    """Whether each group of a cut of every cell adds up to its total (a blank mark counts 0)."""
    def v(piece: str) -> int:
        return 0 if piece == BLANK else int(piece)
    return all(sum(v(p) for p in way[f:t]) == v(way[t]) for f, t in layout.groups)


def normalise(text: str) -> str:
    """Single spaces between tokens, none at the ends."""
    return " ".join(text.split())


def splits(text: str, layout: Layout, use_groups: bool = True, budget: int = BUDGET) -> list[tuple[str, ...]]:
    """Every way of cutting ``text`` into the cells of ``layout`` (pieces as printed); with
    ``use_groups`` only the ways whose groups add up.  Raises ``TooMany`` past the budget or
    past ``MAX_WAYS`` ways."""
    text = normalise(text)
    if not text:
        return []
    search = _Search(budget)
    if use_groups:
        found = search.blocks(text, _blocks(layout))
    else:
        found = search.free(text, layout.kinds)
    if len(found) > MAX_WAYS:
        raise TooMany
    return found


# -- a whole table -----------------------------------------------------------------------------

@record(frozen=True)
class Equation:
    """``sum(coefficient * cell) == const``; ``basis`` names it (``model.BASIS``)."""

    terms: tuple[tuple[str, int], ...]
    const: int | Decimal
    basis: str


@record
class Unknown:
    """A row whose cut is not known: its cells and the ways its own constraints allow."""

    cells: tuple[str, ...]
    candidates: list[tuple[Value, ...]]


def _dot(terms: list[tuple[int, int]], values: tuple[Value, ...]) -> int | Decimal:
    """``sum(coefficient * value)`` over a row's terms (``usable`` keeps no equation over a blank)."""
    total: int | Decimal = 0
    for p, c in terms:
        v = values[p]
        assert v is not None
        total += c * v
    return total


def usable(equations: Sequence[Equation], unknowns: Sequence[Unknown],
           known: Mapping[str, Value]) -> list[tuple[Equation, int | Decimal, dict[int, list[tuple[int, int]]]]]:
    """The equations whose every cell is known or in an unknown row, with the right-hand side
    once the known cells are moved over, and their terms by unknown row."""
    where = {cell: (u, p) for u, unk in enumerate(unknowns) for p, cell in enumerate(unk.cells)}
    out = []
    for eq in equations:
        rhs = eq.const
        terms: dict[int, list[tuple[int, int]]] = {}
        for cell, coef in eq.terms:
            if cell in where:
                u, p = where[cell]
                if any(c[p] is None for c in unknowns[u].candidates):
                    break  # a blank among the ways: the equation cannot be evaluated
                terms.setdefault(u, []).append((p, coef))
                continue
            v = known.get(cell)
            if v is None:
                break
            rhs -= coef * v
        else:
            if terms:
                out.append((eq, rhs, terms))
    return out


def solve(unknowns: Sequence[Unknown], known: Mapping[str, Value], equations: Sequence[Equation],
          limit: int = STATE_LIMIT) -> list[list[int]] | None:
    """For each unknown row, the indexes of its candidates that belong to at least one
    assignment of all rows satisfying every usable equation; None when no assignment does.
    Raises ``TooComplex`` when a step has more than ``limit`` partial-sum states."""
    viable = [list(range(len(u.candidates))) for u in unknowns]
    multi = []
    for _, rhs, terms in usable(equations, unknowns, known):
        if len(terms) == 1:  # about one row only: keep the candidates that satisfy it
            ((u, row_terms),) = terms.items()
            cands = unknowns[u].candidates
            viable[u] = [k for k in viable[u] if _dot(row_terms, cands[k]) == rhs]
        else:
            multi.append((rhs, terms))
    if any(not v for v in viable):
        return None
    if multi:
        return _Programme(unknowns, viable, multi, limit).run()
    return viable


class _Programme:
    """The dynamic programme over the rows the multi-row equations touch, in order.  A state is
    the tuple of the equations' partial sums; an equation is checked, and its sum reset to 0, at
    its last row, so equal states merge.  Forward: the states reachable before each row.
    Backward: the states from which the end is reachable, and the candidates leading there."""

    def __init__(self, unknowns: Sequence[Unknown], viable: list[list[int]],
                 multi: list[tuple[int | Decimal, dict[int, list[tuple[int, int]]]]], limit: int):
        self.viable = viable
        self.limit = limit
        self.rhs = [r for r, _ in multi]
        self.order = sorted({u for _, terms in multi for u in terms})
        self.closing = {u: [e for e, (_, terms) in enumerate(multi) if max(terms) == u] for u in self.order}
        # what candidate k of row u adds to each equation it is in
        self.adds = {u: {k: [(e, _dot(terms[u], unknowns[u].candidates[k]))
                             for e, (_, terms) in enumerate(multi) if u in terms] for k in viable[u]}
                     for u in self.order}
        self.zero = (0,) * len(multi)

    def step(self, state: tuple, u: int, k: int) -> tuple | None:
        s = list(state)
        for e, amount in self.adds[u][k]:
            s[e] += amount
        for e in self.closing[u]:
            if s[e] != self.rhs[e]:
                return None
            s[e] = 0
        return tuple(s)

    def run(self) -> list[list[int]] | None:
        layers = self.forward()
        if layers is None or self.zero not in layers[-1]:
            return None
        self.backward(layers)
        return self.viable

    def forward(self) -> list[set[tuple]] | None:
        layers: list[set[tuple]] = [{self.zero}]
        for u in self.order:
            nxt = {s2 for state in layers[-1] for k in self.viable[u]
                   if (s2 := self.step(state, u, k)) is not None}
            if len(nxt) > self.limit:
                raise TooComplex
            if not nxt:
                return None
            layers.append(nxt)
        return layers

    def backward(self, layers: list[set[tuple]]) -> None:
        good = {self.zero}
        for i in range(len(self.order) - 1, -1, -1):
            u = self.order[i]
            keep: set[int] = set()
            good_before = set()
            for state in layers[i]:
                for k in self.viable[u]:
                    if self.step(state, u, k) in good:
                        keep.add(k)
                        good_before.add(state)
            self.viable[u] = [k for k in self.viable[u] if k in keep]
            good = good_before
