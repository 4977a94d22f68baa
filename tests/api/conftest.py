"""Fixtures for the integration API: a client per unit (tokens), a decided and paid case."""

import pytest

from lika.api import services as api_services
from tests.cases.dispatch_helpers import MONTH, decide  # noqa: F401  (MONTH: the API tests' month)
from tests.cases.factories import couple_case


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def make_client(admin_user):
    def make(name, *, units=(), write=False, read=True, association="", grant_events=False):
        client, token = api_services.client_create(acting_user=admin_user, name=name,
                                                   unit_codes=[u.code for u in units], association_orgnr=association,
                                                   read=read, write=write, grant_events=grant_events)
        return client, token
    return make


@pytest.fixture
def token_a(make_client, unit_a):
    """A read-and-write client of unit A that may also follow the grants' events (the
    municipality's economy system)."""
    return make_client("ekonomi-a", units=[unit_a], write=True, grant_events=True)[1]


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


@pytest.fixture
def grant_decisions(db):
    """Kultur- och fritidsnämnden's decisions on two clubs' applications: one partly granted
    (2 500 kr of 4 000), one refused.  Returns (partly, refused)."""
    from datetime import date

    from lika.grants import handling
    from lika.grants.models import (
        Association,
        GrantApplication,
        GrantGiver,
        Programme,
        ProgrammeBudget,
    )
    from tests.conftest import _user

    officer = _user("bidrag-api", "grants_officer", None, "Greta", "Handläggare")
    giver = GrantGiver.objects.create(name="Kultur- och fritidsnämnden")
    programme = Programme.objects.create(giver=giver, kind=Programme.Kind.PROJECT, name="Projektbidrag")
    ProgrammeBudget.objects.create(programme=programme, year=2026, amount=100_000_000)
    made = []
    for orgnr, name, outcome, amount, reasons in (("802400-0005", "IF Norr", "partly", 250_000, "Halva lägret."),
                                                   ("802400-0013", "IF Syd", "refused", 0, "Utanför syftet.")):
        Association.objects.bulk_create([Association(orgnr=orgnr, name=name, bankgiro="5050-1055")])
        application = GrantApplication.objects.create(
            association=Association.objects.get(orgnr=orgnr), programme=programme, year=2026,
            period_from=date(2026, 3, 1), period_to=date(2026, 6, 30), total=400_000, purpose="Läger",
            submitted_by=officer)
        made.append(handling.decision_make(acting_user=officer, application_id=application.pk, outcome=outcome,
                                           amount=amount or None, reasons=reasons))
    return tuple(made)
