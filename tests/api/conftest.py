"""Fixtures for the integration API: a client per unit (tokens), a decided and paid case."""

import pytest

from lika.api import services as api_services
from tests.cases.dispatch_helpers import MONTH, decide  # noqa: F401  (MONTH: the API tests' month)
from tests.cases.factories import couple_case


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
