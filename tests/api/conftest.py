"""Fixtures for the integration API: a client per unit (tokens), a decided and paid case."""

from datetime import date

import pytest

from lika.api import services as api_services
from lika.cases import decisions, services
from lika.cases.decisions import LineDecision
from tests.cases.factories import couple_case

MONTH = date(2026, 12, 1)


def decide(case, user, applicant, month=MONTH):
    application = services.application_create(acting_user=user, case=case, month=month, applicant=applicant)
    adults = [m.person for m in services.memberships_in_month(case.household_id, month) if m.role == "adult"]
    services.application_entries_save(acting_user=user, application=application, incomes=[],
                                      costs=[services.Entry("housing", 700000)],
                                      obstacles={p.pk: "unemployed" for p in adults})
    services.calculation_make(acting_user=user, application=application)
    application.refresh_from_db()
    rows = len(decisions.need_lines(application.calculations.get()))
    return decisions.decision_make(acting_user=user, application=application, lines=[LineDecision("granted")] * rows,
                                   payment_mode="equal", acknowledge_provisional=True)


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def make_client(admin_user):
    def make(name, *, units=(), write=False, read=True, association=""):
        client, token = api_services.client_create(acting_user=admin_user, name=name,
                                                   unit_codes=[u.code for u in units], association_orgnr=association,
                                                   read=read, write=write)
        return client, token
    return make


@pytest.fixture
def token_a(make_client, unit_a):
    """A read-and-write client of unit A."""
    return make_client("ekonomi-a", units=[unit_a], write=True)[1]


@pytest.fixture
def token_b(make_client, unit_b):
    return make_client("arkiv-b", units=[unit_b])[1]


@pytest.fixture
def seeded(unit_a, unit_b, alice, charlie):
    """A couple in unit A with a decision, a protected woman's household in unit A, and a
    case in unit B."""
    case, woman, man, kids = couple_case(unit_a, case_worker=alice)
    decision = decide(case, alice, woman)
    protected_case, p_woman, p_man, _ = couple_case(unit_a, case_worker=alice, protected_woman=True, children=0)
    other_case, *_ = couple_case(unit_b, case_worker=charlie, children=0)
    return {"case": case, "woman": woman, "man": man, "decision": decision, "protected_case": protected_case,
            "protected_woman": p_woman, "protected_man": p_man, "other_case": other_case}
