"""Fees (国办函〔2020〕109号), expected amounts worked out by hand from the tiers in §D."""

import pytest

from gongkai.errors import GongkaiError
from gongkai.register.fees import breakdown, fee, fee_for_request


@pytest.mark.parametrize("pieces, yuan", [
    (0, 0), (1, 0), (10, 0),
    (11, 100),                 # first charged piece
    (30, 2000),                # 20 × 100
    (31, 2200),                # 2000 + 1 × 200
    (35, 3000),                # §D worked example
    (40, 4000),                # 2000 + 10 × 200
    (41, 4300),                # 4000 + 1 × 300
    (50, 7000),                # 4000 + 10 × 300
    (51, 7400),                # 7000 + 1 × 400
])
def test_fee_by_pieces_on_tier_boundaries(pieces, yuan):
    assert fee("pieces", pieces) == yuan


@pytest.mark.parametrize("pages, yuan", [
    (0, 0), (30, 0),
    (31, 10),
    (100, 700),                # 70 × 10
    (101, 720),                # 700 + 20
    (150, 1700),               # §D worked example
    (200, 2700),               # 700 + 100 × 20
    (201, 2740),               # 2700 + 40
    (250, 4700),               # 2700 + 50 × 40
])
def test_fee_by_pages_on_tier_boundaries(pages, yuan):
    assert fee("pages", pages) == yuan


def test_pieces_are_cumulative_per_month():
    # 8 pieces earlier this month, 5 now: pieces 9–13, of which 11, 12, 13 cost 100 each.
    assert fee_for_request("pieces", 5, earlier_this_month=8) == 300
    # 29 earlier, 3 now: piece 30 at 100, 31 and 32 at 200.
    assert fee_for_request("pieces", 3, earlier_this_month=29) == 500
    # pages are per request: earlier requests do not matter
    assert fee_for_request("pages", 31, earlier_this_month=500) == 10


def test_breakdown_lists_each_rate():
    lines = breakdown("pieces", 35)
    assert [(tier.first, tier.last, tier.rate, tier.amount) for tier in lines] == [
        (1, 10, 0, 0), (11, 30, 100, 2000), (31, 35, 200, 1000)]


def test_bad_basis_and_negative_units_are_refused():
    with pytest.raises(GongkaiError):
        fee("words", 3)
    with pytest.raises(GongkaiError):
        fee("pages", -1)
