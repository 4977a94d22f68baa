"""Adults who are not a couple share the dwelling: each household gets its share of the
common household costs, ``common(n) × members / n`` (SoF 2001:937 2 kap. 1 §, e.g. SFS
2020:1013: "personliga kostnader för ensamstående plus kvoten av de gemensamma
kostnaderna för hushållet och antalet medlemmar i hushållet").

Figures worked out by hand.  2021 (SFS 2020:1013, verified): ensamstående 3 160, sambor
5 700, child 4–6 2 440, 7–10 3 060, common 1…7 persons 1 020 1 130 1 420 1 610 1 860
2 100 2 270.  2017 (Socialstyrelsen): ensamstående 2 980, common 5 persons 1 740.  2026
as shipped: ensamstående 3 940, sambor 7 100, common 2 persons 1 410 (official, regeringen.se
Nov 2025) and common 3 persons 1 780 (an estimate until the förordning's table is loaded).
"""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lika.core.calculation import calculate_support

from .helpers import adult, child, household, norm


def ore(kronor: str) -> int:
    return int(Decimal(kronor) * 100)


# (description, year, members, dwelling size or None, common share in kr, norm total in kr, label)
CASES = [
    ("2017 Socialstyrelsen's example: 2 980 + 1 740 / 5", 2017, [adult()], 5, "348", "3328",
     "Gemensamma hushållskostnader, andel 1 av 5 personer"),
    ("2021 single adult in a dwelling of 3: 3 160 + 1 420 / 3", 2021, [adult()], 3, "473.33", "3633.33",
     "Gemensamma hushållskostnader, andel 1 av 3 personer"),
    ("2021 couple with their adult child at home: 5 700 + 1 420 × 2/3", 2021,
     [adult(cohabiting=True), adult("1987-07-12", True)], 3, "946.67", "6646.67",
     "Gemensamma hushållskostnader, andel 2 av 3 personer"),
    ("2021 single parent with a lodger: 3 160 + 2 440 + 1 420 × 2/3", 2021, [adult(), child("2016-01-10")], 3,
     "946.67", "6546.67", "Gemensamma hushållskostnader, andel 2 av 3 personer"),
    ("2021 two friends sharing: 3 160 + 1 130 / 2", 2021, [adult()], 2, "565", "3725",
     "Gemensamma hushållskostnader, andel 1 av 2 personer"),
    ("2021 family of four with a relative: 5 700 + 2 440 + 3 060 + 1 860 × 4/5", 2021,
     [adult(cohabiting=True), adult("1987-07-12", True), child("2016-01-10"), child("2013-03-01")], 5,
     "1488", "12688", "Gemensamma hushållskostnader, andel 4 av 5 personer"),
    ("2021 one of nine: (2 270 + 2 × 170) / 9", 2021, [adult()], 9, "290", "3450",
     "Gemensamma hushållskostnader, andel 1 av 9 personer"),
    ("2021 living alone: one person, not 'personer'", 2021, [adult()], None, "1020", "4180",
     "Gemensamma hushållskostnader, 1 person"),
    ("2021 dwelling size equal to the members is the whole amount", 2021, [adult(), child("2016-01-10")], 2,
     "1130", "6730", "Gemensamma hushållskostnader, 2 personer"),
    ("2026 single adult + common(3) / 3: 3 940 + 1 780 / 3", 2026, [adult()], 3, "593.33", "4533.33",
     "Gemensamma hushållskostnader, andel 1 av 3 personer"),
    ("2026 couple + common(3) × 2/3: 7 100 + 1 780 × 2/3", 2026,
     [adult(cohabiting=True), adult("1987-07-12", True)], 3, "1186.67", "8286.67",
     "Gemensamma hushållskostnader, andel 2 av 3 personer"),
    ("2026 single adult + common(2) / 2: 3 940 + 1 410 / 2", 2026, [adult()], 2, "705", "4645",
     "Gemensamma hushållskostnader, andel 1 av 2 personer"),
]


@pytest.mark.parametrize(("description", "year", "members", "size", "share", "total", "label"), CASES,
                         ids=[c[0] for c in CASES])
def test_the_household_gets_its_share_of_the_common_costs(description, year, members, size, share, total, label):
    calc = calculate_support(household(year, 5, *members, household_size=size), norm(year))
    [line] = calc.lines_of("household")
    assert line.amount == calc.household_costs == ore(share)
    assert calc.norm_total == ore(total)
    assert line.label == label
    assert line.members == tuple(range(len(members)))
    shared = size is not None and size > len(members)
    assert line.rule == ("riksnorm.household.share" if shared else f"riksnorm.household.{len(members)}")


def test_the_share_line_shows_how_it_was_worked_out():
    calc = calculate_support(household(2021, 5, adult(cohabiting=True), adult("1987-07-12", True), household_size=3),
                             norm(2021))
    [line] = calc.lines_of("household")
    assert line.detail.replace("\u00a0", " ") == "1 420 kr för 3 personer i bostaden × 2/3"
    assert line.basis.startswith("SoL (2001:453) 4 kap. 3 §")


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=4),
       year=st.sampled_from([2017, 2019, 2021, 2022, 2023, 2026]))
def test_the_shares_of_everyone_in_the_dwelling_add_up_to_the_common_costs(parts, year):
    """However a dwelling of n persons is divided into households, their shares add up to
    common(n) to within the rounding of each share (half an öre each)."""
    size = sum(parts)
    table = norm(year)
    common, _cells = table.household_common(size)
    shares = []
    for count in parts:
        members = [adult()] + [child("2013-03-01") for _ in range(count - 1)]
        shares.append(calculate_support(household(year, 5, *members, household_size=size), table).household_costs)
    assert abs(sum(shares) - common) * 2 <= len(parts)
