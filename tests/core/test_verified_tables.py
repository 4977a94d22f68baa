"""Every verified riksnorm cell, as FACTS.md §1 prints it, comes out of the calculation.

The rows below are the table rows of ../shared/domain/FACTS.md, copied as text, so a
typing error in a shipped data file fails here."""

from datetime import date

import pytest

from lika.core.calculation import ADULT, CHILD, HouseholdMonth, Member, calculate_support

from .helpers import norm

FACTS_ROWS = """
2017 | 1 860 | 2 100 | 1 850 | 2 100 | 2 690 | 3 120 | 3 540 | 3 570 | 2 980 | 5 370 | 950 1 060 1 330 1 520 1 740 1 980 2 150
2019 | 2 130 | 2 380 | 2 120 | 2 380 | 2 990 | 3 440 | 3 880 | 3 910 | 3 090 | 5 570 | 990 1 100 1 380 1 570 1 810 2 050 2 220
2021 | 2 180 | 2 440 | 2 170 | 2 440 | 3 060 | 3 520 | 3 970 | 4 000 | 3 160 | 5 700 | 1 020 1 130 1 420 1 610 1 860 2 100 2 270
2022 | 2 220 | 2 480 | 2 210 | 2 480 | 3 110 | 3 580 | 4 040 | 4 070 | 3 210 | 5 800 | 1 040 1 150 1 450 1 640 1 890 2 140 2 310
2023 | 2 420 | 2 700 | 2 410 | 2 700 | 3 380 | 3 890 | 4 390 | 4 430 | 3 490 | 6 300 | 1 130 1 250 1 580 1 790 2 060 2 330 2 510
"""
WITHOUT_LUNCH = {2017: "1 730 1 920 1 670 1 850", 2019: "2 000 2 190 1 940 2 120", 2021: "2 050 2 240 1 990 2 170"}
AGE_OF_BAND = [0, 1, 3, 5, 8, 12, 16, 19]  # one age inside each band, in FACTS' column order


def kr(text):
    return int(text.replace(" ", "")) * 100


def household_amounts(text):
    """'950 1 060 1 330 …' → [950, 1060, 1330, …]: thousands are split by one space."""
    out, tokens = [], text.split()
    while tokens:
        token = tokens.pop(0)
        if len(token) == 1 and tokens and len(tokens[0]) == 3:
            token += tokens.pop(0)
        out.append(int(token) * 100)
    return out


def rows():
    for line in FACTS_ROWS.strip().splitlines():
        year, *cells, households = [c.strip() for c in line.split("|")]
        yield int(year), [kr(c) for c in cells[:8]], kr(cells[8]), kr(cells[9]), household_amounts(households)


def calc(year, *members, **kwargs):
    return calculate_support(HouseholdMonth(year, 6, tuple(members), **kwargs), norm(year))


def adult(year, cohabiting=False):
    return Member(ADULT, date(year - 40, 1, 1), cohabiting=cohabiting)


def child(year, age, **kwargs):
    return Member(CHILD, date(year - age, 1, 1), hemmavarande=age >= 19, **kwargs)


@pytest.mark.parametrize(("year", "children", "single", "couple", "common"), list(rows()),
                         ids=[str(r[0]) for r in rows()])
def test_every_cell_of_the_verified_table(year, children, single, couple, common):
    assert calc(year, adult(year)).personal_costs == single
    assert calc(year, adult(year, True), adult(year, True)).personal_costs == couple
    for age, expected in zip(AGE_OF_BAND, children, strict=True):
        result = calc(year, adult(year), child(year, age))
        assert result.lines_of("personal")[1].amount == expected, f"{year}, {age} år"
    assert len(common) == 7
    for size, expected in enumerate(common, start=1):
        share = calc(year, adult(year), household_size=size).household_costs
        assert share == (expected if size == 1 else (2 * expected + size) // (2 * size))  # half up
        members = [adult(year)] + [child(year, 8) for _ in range(size - 1)]
        assert calc(year, *members).household_costs == expected, f"{year}, {size} personer"
    eight = [adult(year)] + [child(year, 8) for _ in range(7)]
    assert calc(year, *eight).household_costs == common[6] + (common[6] - common[5])


@pytest.mark.parametrize("year", sorted(WITHOUT_LUNCH))
def test_every_cell_without_lunch(year):
    for age, expected in zip([0, 1, 3, 5], household_amounts(WITHOUT_LUNCH[year]), strict=True):
        result = calc(year, adult(year), child(year, age, lunch_at_home=False))
        assert result.lines_of("personal")[1].amount == expected
        assert result.norm_status == "verified"


def _kr_list(text):
    return [int(x) * 100 for x in text.split()]


# 2018 as derived from regeringen.se's press release of November 2017 (all posts
# + 1.6 %, rounded to tens, then + 200 kr for every child band) — worked out by hand:
# e.g. 0 år 1 860 × 1.016 = 1 889.8 → 1 890 + 200 = 2 090; ensamstående 2 980 × 1.016
# = 3 027.7 → 3 030; 7 personer 2 150 × 1.016 = 2 184.4 → 2 180.
DERIVED_2018 = {
    "personal": "2090 2330 2080 2330 2930 3370 3800 3830",
    "personal_without_lunch": "1960 2150 1900 2080",
    "adults": "3030 5460",
    "household": "970 1080 1350 1540 1770 2010 2180",
}
# 2020 = 2019 × 1.019, rounded to tens: 2 130 × 1.019 = 2 170.5 → 2 170; 3 090 × 1.019
# = 3 148.7 → 3 150; 990 × 1.019 = 1 008.8 → 1 010.
DERIVED_2020 = {
    "personal": "2170 2430 2160 2430 3050 3510 3950 3980",
    "personal_without_lunch": "2040 2230 1980 2160",
    "adults": "3150 5680",
    "household": "1010 1120 1410 1600 1840 2090 2260",
}


def _cells(table, section):
    from lika.core.norms import SECTIONS

    return [table.amount(f"{section}.{key}") for key in SECTIONS[section]]


@pytest.mark.parametrize(("year", "expected"), [(2018, DERIVED_2018), (2020, DERIVED_2020)])
def test_derived_years_as_worked_out_by_hand(year, expected):
    table = norm(year)
    for section, text in expected.items():
        assert _cells(table, section) == _kr_list(text), f"{year} {section}"
    assert calc(year, adult(year)).norm_status == "provisional"


def test_2018_uprated_two_percent_gives_every_cell_of_the_verified_2019_table():
    """Socialstyrelsen: 2019 = every 2018 post + 2 %, rounded to the nearest ten.  The
    derived 2018 table reproduces all 21 cells of the verified 2019 table."""
    from lika.core.norms import SECTIONS

    t2018, t2019 = norm(2018), norm(2019)
    for section in SECTIONS:
        for ore in _cells(t2018, section):
            assert ore % 1000 == 0  # whole tens of kronor
        uprated = [((o // 100) * 102 + 500) // 1000 * 1000 for o in _cells(t2018, section)]
        assert uprated == _cells(t2019, section), section


@pytest.mark.parametrize(("members", "total"), [
    # regeringen.se, November 2025: ensamstående 5 220 kr, sammanboende 8 510 kr a month
    (lambda: [adult(2026)], 522_000),
    (lambda: [adult(2026, True), adult(2026, True)], 851_000),
])
def test_the_official_2026_totals_are_the_sums_of_their_cells(members, total):
    result = calc(2026, *members())
    assert result.personal_costs + result.household_costs == total
    assert result.norm_estimated == ()  # these four cells are official, not estimated
