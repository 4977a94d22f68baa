"""Avräkning (lika.core.settlement): a changed decision pays only what is still owed."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lika.core.settlement import settle

AMOUNT = st.integers(min_value=0, max_value=10_000_000_00)
PAYEES = st.sampled_from(["kvinna", "man", "hyresvärd"])


@pytest.mark.parametrize(("new", "paid", "expected"), [
    ({"a": 500_00}, {}, {"a": (500_00, 0)}),  # nothing paid yet: all of it
    ({"a": 700_00}, {"a": 500_00}, {"a": (200_00, 0)}),  # raised: the difference
    ({"a": 300_00}, {"a": 500_00}, {"a": (0, 200_00)}),  # lowered: overpaid, nothing paid
    ({"a": 500_00}, {"a": 500_00}, {"a": (0, 0)}),  # unchanged amount: nothing more
    ({"a": 1000_00}, {"a": 500_00, "b": 500_00}, {"a": (500_00, 0), "b": (0, 500_00)}),  # to one adult now
    ({}, {"a": 250_00}, {"a": (0, 250_00)}),  # refused on change: all overpaid
    ({"a": 0}, {}, {}),  # nothing either way: no line
])
def test_settle_pays_the_difference_or_records_the_overpayment(new, paid, expected):
    result = settle(new, paid)
    assert {k: (v.to_pay, v.overpaid) for k, v in result.items()} == expected


def test_negative_amounts_are_refused():
    with pytest.raises(ValueError):
        settle({"a": -1}, {})


@given(st.dictionaries(PAYEES, AMOUNT), st.dictionaries(PAYEES, AMOUNT))
def test_every_payee_balances_and_is_never_paid_and_overpaid_at_once(new, paid):
    for payee, line in settle(new, paid).items():
        assert line.balanced
        assert line.to_pay == 0 or line.overpaid == 0
        assert line.new == new.get(payee, 0) and line.earlier_paid == paid.get(payee, 0)


@given(st.lists(st.dictionaries(PAYEES, AMOUNT, min_size=1), min_size=1, max_size=6))
def test_a_chain_of_changes_pays_each_payee_at_most_the_largest_decision(chain):
    """Decision after decision on one application, each settled against what the earlier
    ones paid: a payee is paid in total the most any decision granted them, never the sum,
    and what exceeds the decision in force is exactly what was recorded as overpaid."""
    paid: dict = {}
    for decision in chain:
        lines = settle(decision, paid)
        for payee, line in lines.items():
            paid[payee] = paid.get(payee, 0) + line.to_pay
    last = settle(chain[-1], paid)
    for payee, total in paid.items():
        assert total == max(d.get(payee, 0) for d in chain)
        assert total - last[payee].overpaid == chain[-1].get(payee, 0) if payee in last else total == 0
