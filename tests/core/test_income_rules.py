"""The income rules worked out by hand from the law (docs/calculate.md):

* a hemmavarande child's or school youth's own work income is not counted up to one
  prisbasbelopp per calendar year (SoL 2001:453 4 kap. 1 a §);
* jobbstimulans: after six months in a row with försörjningsstöd, 25 % of an adult's income
  from employment is not counted, for 24 months (4 kap. 1 b §, SFS 2013:421).
"""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lika.core import calculation as calculation_module
from lika.core.calculation import CalculationError, Income, Member, calculate_support
from lika.core.household_json import InputError, parse_household_month
from lika.core.job_incentive import (
    PERIOD_MONTHS,
    SupportHistory,
    eligibility,
    history_from_months,
    job_incentive_status,
)
from lika.core.prisbasbelopp import PRISBASBELOPP, prisbasbelopp

from .helpers import adult, child, household, kr, norm

# --- the prisbasbelopp ---------------------------------------------------------------


def test_prisbasbelopp_is_known_for_every_year_with_a_norm_table_and_the_given_figures_hold():
    # figures given in the issue and FACTS.md, and the förordningar read (SFS numbers in the data)
    expected = {2017: 44_800, 2018: 45_500, 2019: 46_500, 2020: 47_300, 2021: 47_600, 2022: 48_300,
                2023: 52_500, 2024: 57_300, 2025: 58_800, 2026: 59_200}
    assert {year: p.amount // 100 for year, p in PRISBASBELOPP.items()} == expected
    assert prisbasbelopp(2026).source.startswith("SFS 2025:872")
    assert prisbasbelopp(2016) is None
    assert all(p.source for p in PRISBASBELOPP.values())


# --- a child's own work income -------------------------------------------------------------

TEEN = "2007-03-01"  # 16 in 2023-07


# (description, year, month, members, incomes, disregarded kr, counted kr)
CHILD_CASES = [
    # The issue's example: single adult 3 490 + child 15–18 4 390 + common costs for 2 1 250 = 9 130;
    # the 3 000 kr is within the year's 52 500 kr, so nothing is counted.
    ("the issue's example: 16-year-old earns 3 000 kr in 2023-07", 2023, 7,
     [adult(), child(TEEN)], [Income("salary", kr(3000), member=1)], 3000, 0),
    ("51 000 kr already left uncounted this year: 1 500 kr room, 1 500 kr counted", 2023, 7,
     [adult(), child(TEEN, work_income_exempt_used=kr(51000))], [Income("salary", kr(3000), member=1)], 1500, 1500),
    ("the year's room is used up: all counted", 2023, 11,
     [adult(), child(TEEN, work_income_exempt_used=kr(52500))], [Income("salary", kr(3000), member=1)], 0, 3000),
    ("more than the room was used (a changed earlier month): no room, never negative", 2023, 11,
     [adult(), child(TEEN, work_income_exempt_used=kr(60000))], [Income("salary", kr(3000), member=1)], 0, 3000),
    ("two salaries of one child in a month share the room: 2 500 kr left → 2 000 + 500 free", 2023, 12,
     [adult(), child(TEEN, work_income_exempt_used=kr(50000))],
     [Income("salary", kr(2000), member=1), Income("salary", kr(1000), member=1)], 2500, 500),
    ("each child has its own room", 2023, 12,
     [adult(), child(TEEN, work_income_exempt_used=kr(52500)), child("2009-01-01")],
     [Income("salary", kr(2000), member=1), Income("salary", kr(1000), member=2)], 1000, 2000),
    ("hemmavarande 19-year-old in upper secondary school, 2019 (46 500 kr)", 2019, 10,
     [adult(), child("2000-02-01", hemmavarande=True, work_income_exempt_used=kr(45000))],
     [Income("salary", kr(2000), member=1)], 1500, 500),
    ("an 18-year-old not in school is not a school youth: counted in full", 2023, 7,
     [adult(), child("2005-01-01")], [Income("salary", kr(2000), member=1)], 0, 2000),
    ("an 18-year-old hemmavarande school youth keeps the exemption", 2023, 7,
     [adult(), child("2005-01-01", hemmavarande=True)], [Income("salary", kr(2000), member=1)], 2000, 0),
    ("only own work: a child's studiestöd counts in full", 2023, 7,
     [adult(), child(TEEN)], [Income("student_aid", kr(1250), member=1)], 0, 1250),
    ("a salary not tied to a member is the household's and counts in full", 2023, 7,
     [adult(), child(TEEN)], [Income("salary", kr(3000))], 0, 3000),
    ("2026: one prisbasbelopp is 59 200 kr", 2026, 3,
     [adult(), child("2010-01-01", work_income_exempt_used=kr(58000))], [Income("salary", kr(2000), member=1)],
     1200, 800),
]


@pytest.mark.parametrize(("description", "year", "month", "members", "incomes", "free", "counted"), CHILD_CASES,
                         ids=[c[0] for c in CHILD_CASES])
def test_a_childs_own_work_income_is_not_counted_up_to_one_prisbasbelopp_a_year(
        description, year, month, members, incomes, free, counted):
    calc = calculate_support(household(year, month, *members, incomes=incomes), norm(year))
    assert calc.disregarded_income == kr(free)
    assert calc.counted_income == kr(counted)
    lines = calc.lines_of("disregard")
    assert sum(line.amount for line in lines) == kr(free)
    assert all(line.rule == "child_work_income" for line in lines)


def test_the_issues_example_pays_9130_not_6130():
    calc = calculate_support(household(2023, 7, adult(), child(TEEN), incomes=[Income("salary", kr(3000), member=1)]),
                             norm(2023))
    assert calc.support == kr(9130)
    (line,) = calc.lines_of("disregard")
    assert line.members == (1,)
    assert line.basis == "SoL (2001:453) 4 kap. 1 a §"
    assert line.detail == ("fribelopp 1 prisbasbelopp 2023 = 52 500 kr: använt före månaden 0 kr, "
                           "denna månad 3 000 kr, kvar 49 500 kr")


def test_the_income_line_says_why_a_childs_salary_counts():
    calc = calculate_support(household(2023, 11, adult(), child(TEEN, work_income_exempt_used=kr(52500)),
                                       incomes=[Income("salary", kr(3000), member=1)]), norm(2023))
    (line,) = calc.lines_of("income")
    assert "kvar 0 kr" in line.detail


def test_from_2025_07_the_basis_is_the_new_act():
    calc = calculate_support(household(2025, 8, adult(), child("2010-01-01"),
                                       incomes=[Income("salary", kr(1000), member=1)]), norm(2025))
    (line,) = calc.lines_of("disregard")
    assert line.basis.startswith("SoL (2025:400)")


def test_jobbstimulans_is_never_applied_to_a_childs_income():
    with pytest.raises(CalculationError, match="1 b § tredje stycket"):
        calculate_support(household(2023, 7, adult(), child(TEEN),
                                    incomes=[Income("salary", kr(3000), member=1, job_incentive=True)]), norm(2023))


def test_a_year_without_a_prisbasbelopp_is_refused(monkeypatch):
    monkeypatch.setattr(calculation_module, "prisbasbelopp", lambda year: None)
    with pytest.raises(CalculationError, match="prisbasbeloppet för 2023 saknas"):
        calculate_support(household(2023, 7, adult(), child(TEEN), incomes=[Income("salary", kr(1), member=1)]),
                          norm(2023))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=kr(30000)), min_size=12, max_size=12))
def test_over_a_year_the_exemption_sums_to_at_most_one_prisbasbelopp(salaries):
    """Month by month, as the service does: the room used so far goes in, the month's
    disregard comes out.  Never more than the income, never more than the room left, and the
    year's total is exactly min(earned, 52 500 kr)."""
    table, used, total = norm(2023), 0, 0
    for month, salary in enumerate(salaries, start=1):
        calc = calculate_support(household(2023, month, adult(), child(TEEN, work_income_exempt_used=used),
                                           incomes=[Income("salary", salary, member=1)]), table)
        free = calc.disregarded_income
        assert 0 <= free <= salary
        assert free <= kr(52500) - used
        assert calc.counted_income == salary - free
        used += free
        total += salary
    assert used == min(total, kr(52500))


# --- jobbstimulans: eligibility from the history ------------------------------------------


def months(first: str, last: str) -> list[tuple[int, int]]:
    y, m = map(int, first.split("-"))
    ly, lm = map(int, last.split("-"))
    out = []
    while (y, m) <= (ly, lm):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# (description, supported months, month judged, eligible, period month, reason)
HISTORY_CASES = [
    ("no support before", [], "2024-01", False, 0, "har fått bistånd 0 månader i följd; krävs 6"),
    ("5 months in a row", months("2024-01", "2024-05"), "2024-06", False, 0,
     "har fått bistånd 5 månader i följd; krävs 6"),
    ("month 7: eligible", months("2024-01", "2024-06"), "2024-07", True, 1,
     "bistånd 6 månader i följd 2024-01–2024-06; jobbstimulans månad 1 av 24 (2024-07–2026-06)"),
    ("the current month's own support does not count", months("2024-01", "2024-06"), "2024-06", False, 0,
     "har fått bistånd 5 månader i följd; krävs 6"),
    ("a month without support breaks the six", months("2024-01", "2024-03") + months("2024-05", "2024-09"),
     "2024-10", False, 0, "har fått bistånd 5 månader i följd; krävs 6"),
    ("…and six again after the break qualify", months("2024-01", "2024-03") + months("2024-05", "2024-10"),
     "2024-11", True, 1,
     "bistånd 6 månader i följd 2024-05–2024-10; jobbstimulans månad 1 av 24 (2024-11–2026-10)"),
    ("the period runs even without support (self-sufficient months)", months("2024-01", "2024-06"), "2025-03",
     True, 9, "bistånd 6 månader i följd 2024-01–2024-06; jobbstimulans månad 9 av 24 (2024-07–2026-06)"),
    ("month 24 is the last", months("2024-01", "2026-12"), "2026-06", True, 24,
     "bistånd 6 månader i följd 2024-01–2024-06; jobbstimulans månad 24 av 24 (2024-07–2026-06)"),
    ("month 25: over, support inside the period does not requalify", months("2024-01", "2026-12"), "2026-07",
     False, 0, "jobbstimulansens 24 månader är förbrukade; bistånd 0 månader i följd sedan dess, krävs 6 för "
               "att den ska gälla igen"),
    ("five months after the period: not yet", months("2024-01", "2026-12"), "2026-12", False, 0,
     "jobbstimulansens 24 månader är förbrukade; bistånd 5 månader i följd sedan dess, krävs 6 för att den "
     "ska gälla igen"),
    ("six months after the period: a new period", months("2024-01", "2026-12"), "2027-01", True, 1,
     "bistånd 6 månader i följd 2026-07–2026-12; jobbstimulans månad 1 av 24 (2027-01–2028-12)"),
    ("one month in a row", [(2024, 3)], "2024-04", False, 0, "har fått bistånd 1 månad i följd; krävs 6"),
]


@pytest.mark.parametrize(("description", "supported", "when", "eligible", "number", "reason"), HISTORY_CASES,
                         ids=[c[0] for c in HISTORY_CASES])
def test_jobbstimulans_follows_from_the_history(description, supported, when, eligible, number, reason):
    year, month = map(int, when.split("-"))
    status = eligibility(supported, year, month)
    assert (status.eligible, status.period_month, status.reason) == (eligible, number, reason)


# (consecutive months, period months used) as the trial page asks → (eligible, period month)
STATED_CASES = [
    ((0, 0), (False, 0)), ((5, 0), (False, 0)), ((6, 0), (True, 1)), ((40, 0), (True, 1)),
    ((0, 1), (True, 2)), ((0, 23), (True, 24)), ((0, 24), (False, 0)), ((5, 24), (False, 0)), ((6, 24), (True, 1)),
]


@pytest.mark.parametrize(("history", "expected"), STATED_CASES, ids=[str(c[0]) for c in STATED_CASES])
def test_a_stated_history_gives_the_same_answer(history, expected):
    status = job_incentive_status(SupportHistory(*history), 2024, 7)
    assert (status.eligible, status.period_month) == expected


def test_an_invalid_stated_history_is_refused():
    with pytest.raises(ValueError):
        job_incentive_status(SupportHistory(0, 25), 2024, 7)


@settings(max_examples=200, deadline=None)
@given(st.sets(st.integers(min_value=0, max_value=60)), st.integers(min_value=0, max_value=72))
def test_jobbstimulans_never_runs_more_than_24_months_and_always_after_six_supported(offsets, target):
    """For any history: a month in a period is preceded, before its period began, by six
    supported months in a row; and the history summary gives the same status as the months."""
    base = 2020 * 12
    supported = [((base + o) // 12, (base + o) % 12 + 1) for o in offsets]
    t = base + target
    status = eligibility(supported, t // 12, t % 12 + 1)
    if status.eligible:
        assert 1 <= status.period_month <= PERIOD_MONTHS
        start = t - status.period_month + 1
        assert all(base + o in {base + x for x in offsets} for o in range(start - 6 - base, start - base))
    summary = history_from_months(supported, t // 12, t % 12 + 1)
    assert job_incentive_status(summary, t // 12, t % 12 + 1) == status


@settings(max_examples=100, deadline=None)
@given(st.sets(st.integers(min_value=0, max_value=60)))
def test_in_any_30_months_at_most_24_have_jobbstimulans(offsets):
    base = 2020 * 12
    supported = [((base + o) // 12, (base + o) % 12 + 1) for o in offsets]
    eligible = [eligibility(supported, (base + t) // 12, (base + t) % 12 + 1).eligible for t in range(0, 72)]
    for first in range(0, 72 - 30):
        assert sum(eligible[first:first + 30]) <= PERIOD_MONTHS


# --- jobbstimulans in the calculation --------------------------------------------------------


def adult_with(history):
    return Member("adult", date(1985, 2, 3), support_history=SupportHistory(*history))


# (description, history, disregarded kr, where the reason is)
JOB_CASES = [
    ("eligible in month 1: 25 % of 8 000 kr", (6, 0), 2000, "disregard"),
    ("month 24", (0, 23), 2000, "disregard"),
    ("four months: not yet", (4, 0), 0, "income"),
    ("period used up", (2, 24), 0, "income"),
]


@pytest.mark.parametrize(("description", "history", "free", "kind"), JOB_CASES, ids=[c[0] for c in JOB_CASES])
def test_the_calculation_applies_jobbstimulans_by_history_and_says_why(description, history, free, kind):
    calc = calculate_support(household(2021, 1, adult_with(history), incomes=[Income("salary", kr(8000), member=0)]),
                             norm(2021))
    assert calc.disregarded_income == kr(free)
    assert calc.counted_income == kr(8000 - free)
    status = job_incentive_status(SupportHistory(*history), 2021, 1)
    (line,) = calc.lines_of(kind) if kind == "disregard" else calc.lines_of("income")
    assert status.reason in line.detail
    if kind == "disregard":
        assert line.detail.startswith("25 % av lön; ")
    else:
        assert line.detail.startswith("ingen jobbstimulans: ")


def test_without_a_history_the_calculation_says_jobbstimulans_was_not_tried():
    calc = calculate_support(household(2021, 1, adult(), incomes=[Income("salary", kr(8000), member=0)]), norm(2021))
    assert calc.disregarded_income == 0
    assert "ingen bidragshistorik" in calc.lines_of("income")[0].detail


def test_the_legacy_flag_and_a_history_together_are_refused():
    with pytest.raises(CalculationError, match="följer av historiken"):
        calculate_support(household(2021, 1, adult_with((6, 0)),
                                    incomes=[Income("salary", kr(8000), member=0, job_incentive=True)]), norm(2021))


def test_jobbstimulans_does_not_touch_other_incomes():
    calc = calculate_support(household(2021, 1, adult_with((6, 0)),
                                       incomes=[Income("sickness_benefit", kr(8000), member=0)]), norm(2021))
    assert calc.disregarded_income == 0
    assert calc.lines_of("income")[0].detail == ""


# --- the JSON contract ---------------------------------------------------------------------------


def test_the_json_contract_takes_the_history_and_the_exemption_used():
    data = {"month": "2023-07",
            "members": [{"role": "adult", "birth_date": "1985-02-03",
                         "job_incentive": {"consecutive_support_months": 6, "period_months_used": 0}},
                        {"role": "child", "birth_date": TEEN, "work_income_exempt_used": 51000}],
            "incomes": [{"type": "salary", "amount": 3000, "member": 1},
                        {"type": "salary", "amount": 4000, "member": 0}]}
    hm, _ = parse_household_month(data)
    assert hm.members[0].support_history == SupportHistory(6, 0)
    assert hm.members[1].work_income_exempt_used == kr(51000)
    calc = calculate_support(hm, norm(2023))
    assert calc.disregarded_income == kr(1500 + 1000)


@pytest.mark.parametrize(("member", "message"), [
    ({"role": "adult", "birth_date": "1985-02-03", "work_income_exempt_used": 10},
     "work_income_exempt_used: gäller bara barn"),
    ({"role": "child", "birth_date": TEEN, "job_incentive": {"consecutive_support_months": 6}},
     "job_incentive: jobbstimulans gäller bara vuxna"),
    ({"role": "adult", "birth_date": "1985-02-03",
      "job_incentive": {"consecutive_support_months": 6, "period_months_used": 25}}, "heltal 0–24"),
    ({"role": "adult", "birth_date": "1985-02-03", "job_incentive": {"period_months_used": 2}},
     "'consecutive_support_months' saknas"),
    ({"role": "adult", "birth_date": "1985-02-03", "job_incentive": {"consecutive_support_months": -1}},
     "heltal 0–1200"),
])
def test_the_json_contract_refuses_a_bad_history(member, message):
    with pytest.raises(InputError, match=message):
        parse_household_month({"month": "2023-07", "members": [
            member if member["role"] == "adult" else {"role": "adult", "birth_date": "1985-02-03"}, *(
                [member] if member["role"] == "child" else [])]})


def _documented_example(**changes):
    data = {"month": "2021-05",
            "members": [{"role": "adult", "birth_date": "1985-02-03", "cohabiting": True,
                         "job_incentive": {"consecutive_support_months": 6, "period_months_used": 0}},
                        {"role": "adult", "birth_date": "1987-07-12", "cohabiting": True},
                        {"role": "child", "birth_date": "2017-01-10"}, {"role": "child", "birth_date": "2013-03-01"}],
            "costs": [{"type": "housing", "amount": 7500}, {"type": "electricity", "amount": 350}],
            "incomes": [{"type": "child_allowance", "amount": 2500}, {"type": "salary", "amount": 8000, "member": 0}]}
    data.update(changes)
    return data


def test_the_documented_example_and_its_legacy_form_give_the_same_support():
    """docs/calculate.md: 12 160 kr, with the history, and with the old per-income flag."""
    new, _ = parse_household_month(_documented_example())
    legacy_members = [dict(m) for m in _documented_example()["members"]]
    del legacy_members[0]["job_incentive"]
    legacy, _ = parse_household_month(_documented_example(members=legacy_members, incomes=[
        {"type": "child_allowance", "amount": 2500}, {"type": "salary", "amount": 8000, "member": 0,
                                                       "job_incentive": True}]))
    calc_new, calc_legacy = calculate_support(new, norm(2021)), calculate_support(legacy, norm(2021))
    assert calc_new.support == calc_legacy.support == kr(12160)
    assert calc_legacy.lines_of("disregard")[0].detail == "25 % av lön"
    assert calc_new.lines_of("disregard")[0].detail == (
        "25 % av lön; bistånd 6 månader i följd 2020-11–2021-04; jobbstimulans månad 1 av 24 (2021-05–2023-04)")
