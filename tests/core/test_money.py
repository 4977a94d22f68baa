from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lika.core.money import MoneyError, format_kronor, json_number, prorate, to_kronor, to_ore


@pytest.mark.parametrize(
    ("kronor", "ore"),
    [(0, 0), (5700, 570000), ("12.5", 1250), ("12,50", 1250), (Decimal("0.01"), 1), ("1 234.56", 123456)],
)
def test_to_ore_accepts_kronor_with_at_most_two_decimals(kronor, ore):
    assert to_ore(kronor) == ore


@pytest.mark.parametrize("bad", [1.5, "1.005", "abc", "NaN", "Infinity", True])
def test_to_ore_refuses_floats_excess_decimals_and_text(bad):
    with pytest.raises(MoneyError):
        to_ore(bad)


@pytest.mark.parametrize(
    ("amount", "num", "den", "expected"),
    [(218000, 15, 30, 109000), (100, 1, 3, 33), (200, 1, 3, 67), (150, 1, 2, 75), (1, 1, 2, 1), (174000, 1, 5, 34800)],
)
def test_prorate_rounds_half_up_to_the_ore(amount, num, den, expected):
    assert prorate(amount, num, den) == expected


def test_formatting_uses_swedish_conventions():
    assert format_kronor(570050) == "5\u00a0700,50\u00a0kr"
    assert format_kronor(570000, decimals=False) == "5\u00a0700\u00a0kr"
    assert json_number(570000) == "5700"
    assert json_number(570050) == "5700.5"
    assert json_number(5) == "0.05"


@given(st.integers(min_value=0, max_value=10**12))
def test_ore_kronor_round_trip_is_exact(ore):
    assert to_ore(to_kronor(ore)) == ore
    assert to_ore(json_number(ore)) == ore


@given(st.integers(0, 10**9), st.integers(0, 31), st.integers(1, 31))
def test_prorate_is_within_half_an_ore_of_the_exact_value(amount, num, den):
    exact = Decimal(amount) * num / den
    assert abs(Decimal(prorate(amount, num, den)) - exact) <= Decimal("0.5")
