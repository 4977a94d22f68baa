"""Skälig boendekostnad in the pure core: the guideline's row for the household, and the
housing cost judged against it (figures worked out by hand; the example guideline is
Högsby kommun's "Högsta godtagbara hyra" from 2021-05-01: 1 vuxen 4 202, 2 vuxna 5 242,
1–2 vuxna + 1 barn 5 816, 2 barn 6 965, 3 barn 7 558, 4 barn 8 125, 5 barn eller fler 8 693)."""

from datetime import date

import pytest

from lika.core.calculation import CalculationError, Cost, calculate_support
from lika.core.household_json import (
    InputError,
    calculation_to_dict,
    calculation_to_text,
    parse_household_month,
)
from lika.core.housing import GuidelineError, HousingGuideline, guideline_amount, parse_amounts

from .helpers import adult, child, household, kr, norm

HOGSBY = {0: (4202, 5242), 1: (5816, 5816), 2: (6965, 6965), 3: (7558, 7558), 4: (8125, 8125), 5: (8693, 8693)}
ROWS = [[a, c, pair[a - 1] * 100] for c, pair in HOGSBY.items() for a in (1, 2)]
GUIDELINE = HousingGuideline(date(2021, 5, 1), "SN 2021-04-20 § 31", parse_amounts(ROWS))

# (adults, children) → (öre, household type)
ROW_CASES = [
    (1, 0, 4202, "1 vuxen"),
    (2, 0, 5242, "2 vuxna"),
    (1, 1, 5816, "1 vuxen 1 barn"),
    (2, 2, 6965, "2 vuxna 2 barn"),
    (2, 4, 8125, "2 vuxna 4 barn"),
    (1, 5, 8693, "1 vuxen 5 barn eller fler"),
    (2, 7, 8693, "2 vuxna 5 barn eller fler"),  # beyond the last row: the last row
    (3, 0, 5242, "2 eller fler vuxna"),  # an adult child at home: the column for two adults
]


@pytest.mark.parametrize(("adults", "children", "kronor", "kind"), ROW_CASES, ids=[c[3] for c in ROW_CASES])
def test_the_guideline_row_follows_adults_and_children(adults, children, kronor, kind):
    found = guideline_amount(GUIDELINE, adults, children)
    assert (found.amount, found.household_type) == (kr(kronor), kind)
    assert found.text == f"Kommunens riktlinje för skälig boendekostnad från 2021-05-01 (SN 2021-04-20 § 31), {kind}"


@pytest.mark.parametrize(("rows", "message"), [
    ([], "inga belopp"),
    ([[1, 0, 100]], "2 vuxna: ange belopp"),
    ([[1, 0, 100], [2, 0, 100], [1, 2, 100], [2, 2, 100]], "utan luckor"),
    ([[1, 0, 100], [2, 0, 100], [1, 1, 100]], "lika många rader"),
    ([[3, 0, 100]], "1 eller 2"),
    ([[1, 0, 0], [2, 0, 100]], "större än noll"),
    ([[1, 0, 100], [1, 0, 200], [2, 0, 100]], "två gånger"),
    ([[1, 0, 1.5], [2, 0, 100]], "heltal"),
])
def test_a_broken_table_is_refused_with_a_reason(rows, message):
    with pytest.raises(GuidelineError, match=message):
        parse_amounts(rows)


def _housing(amount, members=(), **cost):
    found = guideline_amount(GUIDELINE, *members) if members else None
    if found is not None:
        cost.setdefault("cap", found.amount)
        cost.setdefault("guideline", found.text)
    return Cost("housing", kr(amount), **cost)


# (description, rent, household (adults, children), deviation, accepted, expected accepted kr, rule)
CAP_CASES = [
    ("under the guideline: as applied for", 4000, (1, 0), "", None, 4000, "cost.housing"),
    ("exactly the guideline: as applied for", 4202, (1, 0), "", None, 4202, "cost.housing"),
    ("above: the guideline's amount", 6330, (1, 0), "", None, 4202, "cost.housing.capped"),
    ("couple with one child above", 9000, (2, 1), "", None, 5816, "cost.housing.capped"),
    ("deviation: the whole cost", 9000, (2, 1), "Barns skolgång", None, 9000, "cost.housing.deviation"),
    ("deviation: up to an amount", 9000, (2, 1), "Kort tid", kr(7000), 7000, "cost.housing.deviation"),
    ("deviation but under the guideline: no effect", 5000, (2, 1), "Kort tid", None, 5000, "cost.housing"),
]


@pytest.mark.parametrize(("description", "rent", "members", "deviation", "accepted", "expected", "rule"),
                         CAP_CASES, ids=[c[0] for c in CAP_CASES])
def test_the_housing_cost_is_judged_against_the_guideline(description, rent, members, deviation, accepted,
                                                          expected, rule):
    people = [adult(cohabiting=members[0] == 2)] + ([adult("1986-01-01", True)] if members[0] == 2 else [])
    people += [child("2015-01-01")] * members[1]
    cost = _housing(rent, members, deviation=deviation, accepted=accepted)
    calc = calculate_support(household(2023, 1, *people, costs=[cost]), norm(2023))
    (line,) = calc.lines_of("cost")
    assert (line.amount, line.rule) == (kr(expected), rule)
    assert calc.reasonable_costs == kr(expected)
    if rule != "cost.housing":
        assert line.applied == kr(rent)


def test_the_capped_line_names_the_guideline_and_keeps_what_was_applied_for():
    """A couple with one child, rent 9 000, guideline 5 816: the need takes 5 816."""
    cost = _housing(9000, (2, 1))
    calc = calculate_support(household(2023, 1, adult(cohabiting=True), adult("1986-01-01", True),
                                       child("2015-01-01"), costs=[cost]), norm(2023))
    (line,) = calc.lines_of("cost")
    assert line.detail == ("Kommunens riktlinje för skälig boendekostnad från 2021-05-01 (SN 2021-04-20 § 31), "
                           "2 vuxna 1 barn: högsta 5 816 kr")
    # 2023: sambor 6 300 + child 7–10 3 380 + common 3 persons 1 580 = 11 260; + 5 816
    assert calc.need == kr(11260 + 5816)
    data = calculation_to_dict(calc, None)
    housing = next(x for x in data["lines"] if x["kind"] == "cost")
    assert (housing["amount"].ore, housing["applied"].ore) == (kr(5816), kr(9000))
    assert "applied" not in data["lines"][0]
    assert "(sökt 9 000,00 kr)" in calculation_to_text(calc, None)


def test_a_deviation_says_so_on_the_line():
    cost = _housing(9000, (2, 1), deviation="Barns skolgång. Barnen går i skolan i området.")
    calc = calculate_support(household(2023, 1, adult(cohabiting=True), adult("1986-01-01", True),
                                       child("2015-01-01"), costs=[cost]), norm(2023))
    (line,) = calc.lines_of("cost")
    assert line.detail.endswith("högsta 5 816 kr; avsteg, godtagen kostnad 9 000 kr: Barns skolgång. "
                                "Barnen går i skolan i området.")


@pytest.mark.parametrize(("accepted", "cap"), [(kr(5000), 5816), (kr(9500), 5816), (kr(5816), 5816)])
def test_a_deviation_accepts_more_than_the_guideline_and_at_most_the_cost(accepted, cap):
    cost = Cost("housing", kr(9000), cap=kr(cap), deviation="Kort tid", accepted=accepted)
    with pytest.raises(CalculationError, match="avsteg från riktlinjen"):
        calculate_support(household(2023, 1, adult(), costs=[cost]), norm(2023))


def test_a_deviation_needs_a_guideline():
    with pytest.raises(CalculationError, match="kräver en riktlinje"):
        calculate_support(household(2023, 1, adult(), costs=[Cost("housing", kr(9000), deviation="Kort tid")]),
                          norm(2023))


def test_the_json_contract_carries_the_guideline_and_the_deviation():
    base = {"month": "2023-01", "members": [{"role": "adult", "birth_date": "1985-02-03"}]}
    household_month, _ = parse_household_month({**base, "costs": [
        {"type": "housing", "amount": 9000, "cap": 6330, "guideline": "Riktlinjen",
         "deviation": {"reason": "Kort tid", "accepted": 7000}}]})
    cost = household_month.costs[0]
    assert (cost.cap, cost.guideline, cost.deviation, cost.accepted) == (kr(6330), "Riktlinjen", "Kort tid", kr(7000))
    for bad, message in [({"reason": ""}, "kräver ett skäl"), ({"reason": "x", "other": 1}, "okänd nyckel"),
                         ({"accepted": 7000}, "'reason' saknas")]:
        with pytest.raises(InputError, match=message):
            parse_household_month({**base, "costs": [{"type": "housing", "amount": 9000, "cap": 6330,
                                                      "deviation": bad}]})
    with pytest.raises(InputError, match="kräver en riktlinje"):
        parse_household_month({**base, "costs": [{"type": "housing", "amount": 9000, "deviation": {"reason": "x"}}]})
