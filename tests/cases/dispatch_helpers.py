"""Issued decisions for the utskick tests (issue 17), made through the services."""

from datetime import date

from lika.cases import decisions, services
from lika.cases.decisions import LineDecision
from tests.cases.factories import couple_case, single_case

MONTH = date(2026, 12, 1)


def decide(case, user, applicant, month=MONTH):
    """An equal-split decision for ``month``, every line granted, issued by ``user``."""
    application = services.application_create(acting_user=user, case=case, month=month, applicant=applicant)
    adults = [m.person for m in services.memberships_in_month(case.household_id, month) if m.role == "adult"]
    services.application_entries_save(acting_user=user, application=application, incomes=[],
                                      costs=[services.Entry("housing", 700000)],
                                      obstacles={p.pk: "unemployed" for p in adults})
    services.calculation_make(acting_user=user, application=application)
    application.refresh_from_db()
    rows = len(decisions.need_lines(application.calculations.get()))
    return decisions.decision_make(acting_user=user, application=application, lines=[LineDecision("granted")] * rows,
                                   acknowledge_provisional=True)


def couple_decided(unit, user, **options):
    """(decision, woman, man): a couple's decision issued today (one letter each)."""
    case, woman, man, _kids = couple_case(unit, case_worker=user, **options)
    return decide(case, user, woman), woman, man


def single_decided(unit, user):
    case, adult = single_case(unit, case_worker=user)
    return decide(case, user, adult), adult
