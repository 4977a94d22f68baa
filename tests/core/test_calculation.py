"""The calculation reproduces the riksnorm tables (FACTS.md §1) and the rules around them."""

import pytest

from lika.core.calculation import CalculationError, Cost, Income, calculate_support
from lika.core.norms import PROVISIONAL, VERIFIED, parse_norm_table

from .helpers import adult, child, household, kr, norm


def personal(calc):
    return [line.amount for line in calc.lines_of("personal")]


# (description, year, month, members, expected personal lines in kr, expected common costs in kr)
NORM_CASES = [
    ("2021 couple with children aged 4 and 8", 2021, 5,
     [adult(cohabiting=True), adult("1987-07-12", True), child("2017-01-10"), child("2013-03-01")],
     [5700, 2440, 3060], 1610),
    ("2017 single adult", 2017, 3, [adult()], [2980], 950),
    ("2019 single parent, infant born this month", 2019, 6, [adult(), child("2019-06-20")], [3090, 2130], 1100),
    ("2021 toddler eating lunch at preschool", 2021, 9, [adult(), child("2019-05-01", lunch_at_home=False)],
     [3160, 2240], 1130),
    ("2017 four-year-old at preschool", 2017, 1, [adult(), child("2012-06-01", lunch_at_home=False)],
     [2980, 1850], 1060),
    ("lunch variant does not exist from age 7", 2021, 9, [adult(), child("2013-01-01", lunch_at_home=False)],
     [3160, 3060], 1130),
    ("2019 hemmavarande 19-year-old in upper secondary school", 2019, 10,
     [adult(), child("2000-02-01", hemmavarande=True)], [3090, 3910], 1100),
    ("2022 couple, teenagers 11-14 and 15-18", 2022, 2,
     [adult(cohabiting=True), adult("1980-01-01", True), child("2010-01-01"), child("2006-01-01")],
     [5800, 3580, 4040], 1640),
    ("2023 family of eight: one person beyond seven adds 7 minus 6", 2023, 1,
     [adult(cohabiting=True), adult("1980-01-01", True)] + [child(f"201{i}-01-01") for i in range(6)],
     [6300, 3890, 3890, 3890, 3380, 3380, 3380], 2510 + 180),
    ("2021 child living alternately, 15 of 30 days", 2021, 3, [adult(), child("2013-01-01", days_present=15)],
     [3160, 1530], 1130),
    ("days present 30 or 31 is the whole month", 2021, 3, [adult(), child("2013-01-01", days_present=31)],
     [3160, 3060], 1130),
    ("a child moves to a new age band in the month of the birthday", 2021, 5,
     [adult(), child("2017-05-31")], [3160, 2440], 1130),
    ("…and not the month before", 2021, 4, [adult(), child("2017-05-01")], [3160, 2170], 1130),
    ("an adult child at home who is not a sambo counts as ensamstående", 2021, 5,
     [adult(cohabiting=True), adult("1980-01-01", True), adult("2001-01-01")], [5700, 3160], 1420),
]


@pytest.mark.parametrize(("description", "year", "month", "members", "expected", "common"), NORM_CASES,
                         ids=[c[0] for c in NORM_CASES])
def test_norm_follows_the_riksnorm_table(description, year, month, members, expected, common):
    calc = calculate_support(household(year, month, *members), norm(year))
    assert personal(calc) == [kr(x) for x in expected]
    assert calc.household_costs == kr(common)
    assert calc.norm_total == kr(sum(expected) + common)


def test_adult_sharing_a_household_without_being_sambo_gets_a_share_of_common_costs():
    """Socialstyrelsen's 2017 example: 1 740 / 5 + 2 980 = 3 328 kr."""
    calc = calculate_support(household(2017, 4, adult(), household_size=5), norm(2017))
    assert calc.household_costs == kr(348)
    assert calc.norm_total == kr(3328)
    assert calc.lines_of("household")[0].rule == "riksnorm.household.share"


def test_every_line_names_its_rule_and_legal_basis():
    calc = calculate_support(
        household(2021, 5, adult(), child("2015-01-01"), costs=[Cost("housing", kr(6000))],
                  incomes=[Income("salary", kr(5000), member=0, job_incentive=True)]),
        norm(2021),
    )
    assert [line.rule for line in calc.lines] == [
        "riksnorm.adults.single", "riksnorm.personal.4-6", "riksnorm.household.2",
        "cost.housing", "income.salary", "jobbstimulans",
    ]
    assert all(line.basis.startswith("SoL (2001:453)") for line in calc.lines)


def test_legal_basis_follows_the_new_social_services_act_from_july_2025():
    before = calculate_support(household(2025, 6, adult()), norm(2025))
    after = calculate_support(household(2025, 7, adult()), norm(2025))
    assert before.lines[0].basis.startswith("SoL (2001:453) 4 kap. 3 §")
    assert after.lines[0].basis == "SoL (2025:400) 12 kap. 7 § första stycket 1 och andra stycket"


def test_costs_incomes_and_jobbstimulans_make_the_support():
    calc = calculate_support(
        household(
            2023, 5, adult(cohabiting=True), adult("1987-07-12", True), child("2019-04-01"),
            costs=[Cost("housing", kr(7500)), Cost("electricity", kr(350))],
            incomes=[Income("child_allowance", kr(1250)),
                     Income("salary", kr(8000), member=0, job_incentive=True)],
        ),
        norm(2023),
    )
    assert calc.norm_total == kr(6300 + 2700 + 1580)
    assert calc.reasonable_costs == kr(7850)
    assert calc.income_total == kr(9250)
    assert calc.disregarded_income == kr(2000)
    assert calc.counted_income == kr(7250)
    assert calc.need == kr(10580 + 7850)
    assert calc.support == kr(10580 + 7850 - 7250)


def test_a_cost_above_the_municipal_cap_is_accepted_up_to_the_cap():
    calc = calculate_support(household(2023, 1, adult(), costs=[Cost("housing", kr(7500), cap=kr(6330))]),
                             norm(2023))
    (line,) = calc.lines_of("cost")
    assert (line.amount, line.rule) == (kr(6330), "cost.housing.capped")
    under = calculate_support(household(2023, 1, adult(), costs=[Cost("housing", kr(6000), cap=kr(6330))]),
                              norm(2023))
    assert under.lines_of("cost")[0].amount == kr(6000)


def test_support_is_never_negative_and_the_surplus_is_reported():
    calc = calculate_support(household(2021, 1, adult(), incomes=[Income("salary", kr(20000), member=0)]),
                             norm(2021))
    assert calc.support == 0
    assert calc.surplus == kr(20000 - 3160 - 1020)


def test_jobbstimulans_rounds_to_the_ore():
    calc = calculate_support(
        household(2021, 1, adult(), incomes=[Income("salary", 100001, member=0, job_incentive=True)]),
        norm(2021))
    assert calc.disregarded_income == 25000  # 25 000,25 öre rounds to 25 000


def test_verified_table_gives_verified_result():
    calc = calculate_support(household(2021, 1, adult()), norm(2021))
    assert (calc.norm_status, calc.norm_estimated, calc.warnings) == (VERIFIED, (), ())


def test_an_estimated_cell_makes_the_result_provisional():
    """A verified table with one estimated cell: using that cell makes the result provisional,
    the table's other cells do not."""
    data = norm(2021).as_dict()
    data["estimated"] = ["personal_without_lunch.1-2"]
    table = parse_norm_table(data)
    full = calculate_support(household(2021, 1, adult(), child("2019-06-01")), table)
    estimate = calculate_support(household(2021, 1, adult(), child("2019-06-01", lunch_at_home=False)), table)
    assert full.norm_status == VERIFIED
    assert estimate.norm_status == PROVISIONAL
    assert estimate.norm_estimated == ("riksnorm.personal_without_lunch.1-2",)
    assert estimate.warnings


def test_a_provisional_table_makes_the_result_provisional_even_on_known_cells():
    calc = calculate_support(household(2026, 1, adult()), norm(2026))
    assert calc.norm_status == PROVISIONAL
    assert calc.norm_total == kr(5220)  # regeringen.se: ensamstående 2026


def test_2026_couple_matches_the_government_total():
    calc = calculate_support(household(2026, 1, adult(cohabiting=True), adult("1990-01-01", True)), norm(2026))
    assert calc.norm_total == kr(8510)


ERROR_CASES = [
    ("19-year-old child not marked hemmavarande", [adult(), child("2001-01-01")], {}, "hemmavarande"),
    ("21-year-old entered as child", [adult(), child("1999-01-01", hemmavarande=True)], {}, "ange som vuxen"),
    ("17-year-old entered as adult", [adult("2004-01-01")], {}, "kan inte räknas som vuxen"),
    ("only one cohabiting adult", [adult(cohabiting=True)], {}, "exakt två"),
    ("no adult", [child("2015-01-01")], {}, "minst en vuxen"),
    ("member not yet born", [adult(), child("2021-06-01")], {}, "inte född"),
    ("negative cost", [adult()], {"costs": [Cost("housing", -1)]}, "negativt"),
    ("unknown cost type", [adult()], {"costs": [Cost("yacht", 100)]}, "okänd kostnadstyp"),
    ("unknown income type", [adult()], {"incomes": [Income("lottery", 100)]}, "okänd inkomsttyp"),
    ("income of a member that does not exist", [adult()], {"incomes": [Income("salary", 100, member=3)]},
     "finns inte"),
    ("jobbstimulans on child allowance", [adult()],
     {"incomes": [Income("child_allowance", 100, member=0, job_incentive=True)]}, "anställning"),
    ("days present out of range", [adult(), child("2015-01-01", days_present=40)], {}, "0–31"),
    ("household smaller than its members", [adult(), adult()], {"household_size": 1}, "mindre"),
]


@pytest.mark.parametrize(("description", "members", "extra", "message"), ERROR_CASES,
                         ids=[c[0] for c in ERROR_CASES])
def test_invalid_household_is_refused_with_a_reason(description, members, extra, message):
    with pytest.raises(CalculationError, match=message):
        calculate_support(household(2021, 5, *members, **extra), norm(2021))


def test_norm_table_of_another_year_is_refused():
    with pytest.raises(CalculationError, match="gäller 2021"):
        calculate_support(household(2022, 1, adult()), norm(2021))
