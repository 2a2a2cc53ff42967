"""信息处理费 (国办函〔2020〕109号): marginal (超额累进) tiers read from ``data/fees.yaml``.

按件 counts cumulatively per applicant within one calendar month, so the fee for one request is
fee(earlier + this) − fee(earlier); 按量 counts the pages of one request.  Amounts are whole 元.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from gongkai.errors import GongkaiError
from gongkai.register.settings import load_data

BASES = {"pieces": "按件", "pages": "按量"}


@dataclass(frozen=True)
class Tier:
    first: int          # first unit of the tier (1-based)
    last: int | None    # last unit, inclusive; None: open-ended
    rate: int           # 元 per unit


@cache
def tiers(basis: str) -> tuple[Tier, ...]:
    spec = load_data("fees.yaml")[basis]
    out, first = [], 1
    for t in spec["tiers"]:
        out.append(Tier(first, int(t["upto"]), int(t["rate"])))
        first = int(t["upto"]) + 1
    beyond = spec.get("beyond")
    if beyond:
        out.append(Tier(first, None, int(beyond["first_rate"])))
    return tuple(out)


def _beyond(basis: str) -> tuple[int | None, int]:
    b = load_data("fees.yaml")[basis].get("beyond") or {}
    return b.get("block"), int(b.get("step") or 0)


def fee(basis: str, units: int) -> int:
    """The fee in 元 for ``units`` pieces or pages (counted from the first)."""
    if basis not in BASES:
        raise GongkaiError(f"收费方式应为按件或按量，而不是“{basis}”")
    if units < 0:
        raise GongkaiError("件数或页数不能为负数")
    total = 0
    for tier in tiers(basis):
        if units < tier.first:
            break
        if tier.last is not None:
            total += (min(units, tier.last) - tier.first + 1) * tier.rate
            continue
        block, step = _beyond(basis)
        extra = units - tier.first + 1
        if not block or not step:
            total += extra * tier.rate
        else:
            full, rest = divmod(extra, block)
            # full blocks at rate, rate+step, …; then the rest at the next rate
            total += block * (full * tier.rate + step * full * (full - 1) // 2)
            total += rest * (tier.rate + step * full)
    return total


def fee_for_request(basis: str, units: int, earlier_this_month: int = 0) -> int:
    """The fee for one request: 按件 marginal on top of the applicant's earlier pieces in the
    same calendar month; 按量 on the request's own pages."""
    if basis == "pieces":
        return fee(basis, earlier_this_month + units) - fee(basis, earlier_this_month)
    return fee(basis, units)


@dataclass(frozen=True)
class FeeLine:
    first: int
    last: int
    rate: int
    amount: int


def breakdown(basis: str, units: int, earlier: int = 0) -> list[FeeLine]:
    """Units earlier+1 … earlier+units split by rate, for notices and the calculator."""
    lines: list[FeeLine] = []
    for n in range(earlier + 1, earlier + units + 1):
        rate = fee(basis, n) - fee(basis, n - 1)
        if lines and lines[-1].rate == rate:
            last = lines[-1]
            lines[-1] = FeeLine(last.first, n, rate, last.amount + rate)
        else:
            lines.append(FeeLine(n, n, rate, rate))
    return lines

