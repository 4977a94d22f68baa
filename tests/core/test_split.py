"""Payment split: half to each partner, exact to the öre (DESIGN.md M1, M2)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lika.core.split import EQUAL, SINGLE, DirectPayment, SplitError, split_payment

amounts = st.integers(min_value=0, max_value=10**9)
months = st.tuples(st.integers(2000, 2100), st.integers(1, 12))


def equal(total, year=2024, month=1, direct=()):
    return split_payment(total, adults=(0, 1), year=year, month=month, direct=direct)


@given(amounts, months)
def test_equal_split_preserves_the_total_and_halves_differ_by_at_most_one_ore(total, ym):
    split = equal(total, *ym)
    a, b = split.to_member(0), split.to_member(1)
    assert a + b == total == split.total
    assert a >= 0 and b >= 0
    assert abs(a - b) <= 1


@given(st.integers(0, 10**9).map(lambda n: 2 * n + 1), months)
def test_odd_ore_alternates_so_twelve_months_balance(odd_total, start):
    year, month = start
    received = {0: 0, 1: 0}
    for step in range(12):
        index = (month - 1) + step
        split = equal(odd_total, year + index // 12, index % 12 + 1)
        received[0] += split.to_member(0)
        received[1] += split.to_member(1)
    assert received[0] == received[1]


@given(amounts, st.lists(st.integers(1, 10**7), max_size=3), months)
def test_direct_payments_come_first_and_the_rest_is_split(total, directs, ym):
    direct = tuple(DirectPayment("housing", a) for a in directs)
    if sum(directs) > total:
        with pytest.raises(SplitError):
            equal(total, *ym, direct=direct)
        return
    split = equal(total, *ym, direct=direct)
    assert split.total == total
    assert all(share.amount >= 0 for share in split.shares)
    rest = total - sum(directs)
    assert abs(split.to_member(0) - split.to_member(1)) <= 1
    assert split.to_member(0) + split.to_member(1) == rest


def test_single_adult_gets_everything():
    split = split_payment(12345, adults=(0,), year=2024, month=3)
    assert [(s.member, s.amount) for s in split.shares] == [(0, 12345)]


def test_one_partner_only_requires_a_reason_and_a_text():
    split = split_payment(10000, adults=(0, 1), year=2024, month=3, mode=SINGLE, recipient=1,
                          reason="violence_protection", reason_text="Skyddat boende sedan mars.")
    assert (split.mode, split.to_member(1), split.to_member(0)) == (SINGLE, 10000, 0)
    assert split.reason == "violence_protection"
    for reason, text in [("", "text"), ("other", ""), ("  ", "  ")]:
        with pytest.raises(SplitError, match="särskilda skäl"):
            split_payment(10000, adults=(0, 1), year=2024, month=3, mode=SINGLE, recipient=1,
                          reason=reason, reason_text=text)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"adults": ()}, "en eller två"),
        ({"adults": (0, 0)}, "en eller två"),
        ({"adults": (0, 1, 2)}, "en eller två"),
        ({"mode": "proportional"}, "okänt"),
        ({"mode": SINGLE, "recipient": 5, "reason": "x", "reason_text": "y"}, "en av de vuxna"),
        ({"direct": (DirectPayment("housing", 0),)}, "större än noll"),
    ],
)
def test_invalid_arrangements_are_refused(kwargs, message):
    args = {"adults": (0, 1), "year": 2024, "month": 1, "mode": EQUAL} | kwargs
    with pytest.raises(SplitError, match=message):
        split_payment(1000, **args)


def test_negative_total_is_refused():
    with pytest.raises(SplitError):
        equal(-1)
