"""The trial page judges the rent against the municipality's guideline for skälig
boendekostnad in force in the month, as case handling does (docs/calculate.md)."""

from datetime import date

import pytest
from django.urls import reverse

from lika.housing.services import guideline_add

pytestmark = pytest.mark.django_db

# one adult 5 000 kr, two adults 6 000 kr, 1 child 6 600 kr, 2 or more children 7 200 kr
ROWS = [[1, 0, 500000], [2, 0, 600000], [1, 1, 660000], [2, 1, 660000], [1, 2, 720000], [2, 2, 720000]]


def _post(client, alice, **fields):
    client.force_login(alice)
    data = {"month": "2026-03", "adult1_birth_date": "1985-02-03", "payment_mode": "equal", "cost_housing": "9000"}
    data.update(fields)
    return client.post(reverse("calculate"), data)


@pytest.fixture
def guideline(admin_user):
    return guideline_add(acting_user=admin_user, valid_from=date(2026, 1, 1), decision_reference="SN 2025-12-10 § 140",
                         amounts=ROWS, note="Nämndens beslut")


def _housing(response):
    (line,) = [line for line in response.context["result"]["lines"] if line["rule"].startswith("cost.housing")]
    return line


def test_the_guideline_in_force_caps_the_rent_for_the_household_type(client, alice, guideline):
    single = _housing(_post(client, alice))
    assert single["amount"].ore == 500000 and single["applied"].ore == 900000
    assert "högsta 5 000 kr" in single["detail"]
    with_child = _housing(_post(client, alice, child1_birth_date="2020-05-01"))
    assert with_child["amount"].ore == 660000


def test_a_typed_cap_wins_and_without_a_guideline_the_rent_is_taken_as_applied(client, alice, guideline):
    assert _housing(_post(client, alice, cost_housing_cap="8000"))["amount"].ore == 800000
    before = _housing(_post(client, alice, month="2025-12"))  # no guideline in force yet
    assert before["amount"].ore == 900000 and before.get("applied") in (None, before["amount"])


def test_no_guideline_at_all_leaves_the_rent_as_applied(client, alice):
    assert _housing(_post(client, alice))["amount"].ore == 900000
