"""The income rules' history comes from the case (lika.cases.services.income_history):
jobbstimulans from the months with support granted, a child's exemption from the earlier
months of the year.  Runs on SQLite and PostgreSQL."""

from datetime import date

import pytest

from lika.cases import decisions, services
from lika.cases.decisions import LineDecision
from lika.cases.models import Application
from lika.cases.services import Entry
from lika.households.models import HouseholdMembership
from lika.identity.personnummer import MALE
from tests.cases.factories import person, single_case

pytestmark = pytest.mark.django_db


def _month(index: int, first=(2023, 1)) -> date:
    """Month ``index`` (1 = the first) of the series."""
    ordinal = first[0] * 12 + first[1] - 1 + index - 1
    return date(ordinal // 12, ordinal % 12 + 1, 1)


def _calculate(case, user, adult, month, incomes=()):
    application = services.application_create(acting_user=user, case=case, month=month, applicant=adult)
    services.application_entries_save(acting_user=user, application=application,
                                      costs=[Entry("housing", 500000)], incomes=list(incomes),
                                      obstacles={adult.pk: "working"})
    calculation = services.calculation_make(acting_user=user, application=application)
    application.refresh_from_db()
    return application, calculation


def _decide(user, application):
    calculation = application.calculations.get(superseded_at__isnull=True)
    lines = [LineDecision("granted")] * len(decisions.need_lines(calculation))
    return decisions.decision_make(acting_user=user, application=application, lines=lines,
                                   acknowledge_provisional=True)


def _supported(case, user, adult, indexes):
    for index in indexes:
        application, _ = _calculate(case, user, adult, _month(index))
        decision = _decide(user, application)
        assert decision.granted_amount > 0


def _jobbstimulans(calculation):
    """(disregarded öre, the reason shown) of the adult's salary."""
    lines = calculation.result["lines"]
    free = [line for line in lines if line["rule"] == "jobbstimulans"]
    if free:
        return round(free[0]["amount"] * 100), free[0]["detail"]
    (salary,) = [line for line in lines if line["rule"] == "income.salary"]
    return 0, salary["detail"]


def test_jobbstimulans_starts_in_month_7_and_ends_after_24_months(alice):
    case, adult = single_case(alice.unit, since=date(2023, 1, 1), case_worker=alice)
    salary = [Entry("salary", 800000, person_id=adult.pk)]
    _supported(case, alice, adult, range(1, 6))  # 2023-01 … 2023-05
    _, month6 = _calculate(case, alice, adult, _month(6), salary)
    assert _jobbstimulans(month6) == (0, "ingen jobbstimulans: har fått bistånd 5 månader i följd; krävs 6")
    assert month6.input["members"][0]["job_incentive"] == {"consecutive_support_months": 5, "period_months_used": 0}
    _decide(alice, Application.objects.get(pk=month6.application_id))  # the sixth month with support

    _, month7 = _calculate(case, alice, adult, _month(7), salary)
    assert _jobbstimulans(month7) == (200000, "25 % av lön; bistånd 6 månader i följd 2023-01–2023-06; "
                                                "jobbstimulans månad 1 av 24 (2023-07–2025-06)")
    assert month7.result["disregarded_income"] == 2000
    # the period runs whether or not there is support: month 30 is the last
    _, month30 = _calculate(case, alice, adult, _month(30), salary)
    assert _jobbstimulans(month30)[0] == 200000
    assert "jobbstimulans månad 24 av 24" in _jobbstimulans(month30)[1]
    _, month31 = _calculate(case, alice, adult, _month(31), salary)
    assert _jobbstimulans(month31) == (0, "ingen jobbstimulans: jobbstimulansens 24 månader är förbrukade; "
                                          "bistånd 0 månader i följd sedan dess, krävs 6 för att den ska gälla igen")


def test_jobbstimulans_requalifies_after_six_new_months_with_support(alice):
    case, adult = single_case(alice.unit, since=date(2023, 1, 1), case_worker=alice)
    salary = [Entry("salary", 400000, person_id=adult.pk)]
    _supported(case, alice, adult, [*range(1, 7), *range(31, 37)])  # before, and after the period
    _, month37 = _calculate(case, alice, adult, _month(37), salary)
    assert _jobbstimulans(month37) == (100000, "25 % av lön; bistånd 6 månader i följd 2025-07–2025-12; "
                                                "jobbstimulans månad 1 av 24 (2026-01–2027-12)")


def test_a_month_without_support_breaks_the_six(alice):
    case, adult = single_case(alice.unit, since=date(2023, 1, 1), case_worker=alice)
    _supported(case, alice, adult, [1, 2, 4, 5, 6])  # no application in March
    _, month7 = _calculate(case, alice, adult, _month(7), [Entry("salary", 400000, person_id=adult.pk)])
    assert _jobbstimulans(month7) == (0, "ingen jobbstimulans: har fått bistånd 3 månader i följd; krävs 6")


def _teen_case(alice):
    case, adult = single_case(alice.unit, since=date(2023, 1, 1), case_worker=alice)
    teen = person("Ella", "Holm", date(2007, 3, 1), MALE)
    HouseholdMembership.objects.create(household=case.household, person=teen, role="child",
                                       valid_from=date(2023, 1, 1))
    return case, adult, teen


def _child_free(calculation):
    return sum(round(line["amount"] * 100) for line in calculation.result["lines"]
               if line["rule"] == "child_work_income")


def test_a_childs_exemption_is_tracked_across_the_months_of_the_year(alice):
    case, adult, teen = _teen_case(alice)

    def work(kronor):
        return [Entry("salary", kronor * 100, person_id=teen.pk)]

    january, jan_calc = _calculate(case, alice, adult, date(2023, 1, 1), work(30000))
    _decide(alice, january)  # decided: 30 000 used
    assert _child_free(jan_calc) == 3000000
    _, feb_calc = _calculate(case, alice, adult, date(2023, 2, 1), work(20000))  # calculated, no decision yet
    assert feb_calc.input["members"][1]["work_income_exempt_used"] == 30000
    assert _child_free(feb_calc) == 2000000
    march, _ = _calculate(case, alice, adult, date(2023, 3, 1), work(10000))
    services.application_withdraw(acting_user=alice, application=march, reason="Fick arbete")  # withdrawn: does not count
    _, april = _calculate(case, alice, adult, date(2023, 4, 1), work(5000))
    # 52 500 − 30 000 − 20 000 = 2 500 kr of the year's room left
    assert april.input["members"][1]["work_income_exempt_used"] == 50000
    assert _child_free(april) == 250000
    assert april.result["counted_income"] == 2500
    (detail,) = [line["detail"] for line in april.result["lines"] if line["rule"] == "child_work_income"]
    assert detail == ("fribelopp 1 prisbasbelopp 2023 = 52 500 kr: använt före månaden 50 000 kr, "
                      "denna månad 2 500 kr, kvar 0 kr")
    # a new calendar year, a new prisbasbelopp: the room starts again
    _, next_year = _calculate(case, alice, adult, date(2024, 1, 1), work(5000))
    assert next_year.input["members"][1]["work_income_exempt_used"] == 0
    assert _child_free(next_year) == 500000


def test_a_changed_decision_counts_its_new_calculation(alice):
    """The month's decision in force decides what was used: after an ändringsbeslut the new
    calculation, not the replaced one."""
    case, adult, teen = _teen_case(alice)
    january, _ = _calculate(case, alice, adult, date(2023, 1, 1), [Entry("salary", 3000000, person_id=teen.pk)])
    issued = _decide(alice, january)
    decisions.decision_change_start(acting_user=alice, decision=issued)
    services.application_entries_save(acting_user=alice, application=january, costs=[Entry("housing", 500000)],
                                      incomes=[Entry("salary", 1000000, person_id=teen.pk)],
                                      obstacles={adult.pk: "working"})
    services.calculation_make(acting_user=alice, application=january)
    january.refresh_from_db()
    lines = [LineDecision("granted")] * len(decisions.need_lines(january.calculations.get(superseded_at__isnull=True)))
    decisions.decision_make(acting_user=alice, application=january, lines=lines, change_reason="Ny lönespecifikation.",
                             acknowledge_provisional=True)
    _, feb = _calculate(case, alice, adult, date(2023, 2, 1), [Entry("salary", 100000, person_id=teen.pk)])
    assert feb.input["members"][1]["work_income_exempt_used"] == 10000
