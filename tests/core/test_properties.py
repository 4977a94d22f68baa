"""Invariants of calculation and split over arbitrary households (hypothesis)."""

import json
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from lika.core.calculation import (
    ADULT,
    CHILD,
    COST_TYPES,
    INCOME_TYPES,
    Cost,
    HouseholdMonth,
    Income,
    Member,
    calculate_support,
)
from lika.core.household_json import Kronor, calculation_to_dict, dumps, payees
from lika.core.money import to_ore
from lika.core.split import DirectPayment, split_payment

from .helpers import norm

YEARS = [2017, 2019, 2021, 2022, 2023, 2024, 2025, 2026]
money = st.integers(min_value=0, max_value=5_000_000)  # up to 50 000 kr in öre


@st.composite
def households(draw):
    year = draw(st.sampled_from(YEARS))
    month = draw(st.integers(1, 12))
    couple = draw(st.booleans())
    adults = [Member(ADULT, date(year - draw(st.integers(20, 80)), 1, 1), cohabiting=couple)
              for _ in range(2 if couple else 1)]
    children = []
    for _ in range(draw(st.integers(0, 8))):
        age = draw(st.integers(0, 18))
        children.append(Member(CHILD, date(year - age, 1, 1), lunch_at_home=draw(st.booleans()),
                               days_present=draw(st.one_of(st.none(), st.integers(0, 31)))))
    members = tuple(adults + children)
    costs = tuple(Cost(draw(st.sampled_from(list(COST_TYPES))), draw(money),
                       cap=draw(st.one_of(st.none(), money))) for _ in range(draw(st.integers(0, 4))))
    incomes = tuple(Income(t, draw(money), member=0, job_incentive=(t == "salary" and draw(st.booleans())))
                    for t in draw(st.lists(st.sampled_from(list(INCOME_TYPES)), max_size=4)))
    return HouseholdMonth(year, month, members, costs, incomes)


@settings(max_examples=300, deadline=None)
@given(households())
def test_the_calculation_adds_up(household):
    calc = calculate_support(household, norm(household.year))
    assert calc.personal_costs == sum(line.amount for line in calc.lines_of("personal"))
    assert calc.norm_total == calc.personal_costs + calc.household_costs
    assert calc.need == calc.norm_total + calc.reasonable_costs
    assert calc.counted_income == calc.income_total - calc.disregarded_income
    assert calc.support >= 0 and calc.surplus >= 0
    assert calc.support - calc.surplus == calc.need - calc.counted_income
    assert all(line.amount >= 0 for line in calc.lines)
    assert all(line.rule and line.basis for line in calc.lines)


@settings(max_examples=300, deadline=None)
@given(households(), st.floats(0, 1))
def test_the_split_pays_exactly_the_support(household, direct_share):
    calc = calculate_support(household, norm(household.year))
    direct = calc.support * Decimal(direct_share)
    direct = (DirectPayment("housing", int(direct)),) if int(direct) > 0 else ()
    split = split_payment(calc.support, adults=payees(household.members), year=household.year,
                          month=household.month, direct=direct)
    assert split.total == calc.support
    assert all(share.amount >= 0 for share in split.shares)
    paid = [s.amount for s in split.shares if s.member is not None]
    assert max(paid) - min(paid) <= 1


@settings(max_examples=200, deadline=None)
@given(households())
def test_json_output_is_exact_and_parses_back(household):
    calc = calculate_support(household, norm(household.year))
    split = split_payment(calc.support, adults=payees(household.members), year=household.year,
                          month=household.month)
    data = calculation_to_dict(calc, split)
    parsed = json.loads(dumps(data), parse_float=Decimal)
    assert to_ore(parsed["support"]) == calc.support
    assert [to_ore(line["amount"]) for line in parsed["lines"]] == [line.amount for line in calc.lines]
    assert sum(to_ore(s["amount"]) for s in parsed["shares"]) == calc.support


def test_dumps_writes_kronor_exactly():
    assert dumps({"a": Kronor(123456), "b": [Kronor(5)], "c": "å"}, indent=0).replace("\n", "") == \
        '{"a": 1234.56,"b": [0.05],"c": "å"}'
