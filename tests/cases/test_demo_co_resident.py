"""The demo has one couple with an adult child at home who is not in school (a
co-resident): its case is calculated with the share of the common costs and paid to the
parents only."""

from io import StringIO

import pytest
from django.core.management import call_command

from lika.cases.models import CaseCalculation, DecisionShare
from lika.households.models import HouseholdMembership


@pytest.mark.django_db
def test_the_demo_household_with_a_co_resident_adult_child():
    call_command("seed_demo", "--households", "24", "--seed", "7", "--cases", "24", "--associations", "0", stdout=StringIO())
    [co_resident] = HouseholdMembership.objects.filter(role="co_resident").select_related("household")
    household = co_resident.household
    parents = set(household.memberships.filter(role="adult", cohabiting=True).values_list("person_id", flat=True))
    assert len(parents) == 2
    calculations = CaseCalculation.objects.filter(application__case__household=household)
    assert calculations.exists()
    for calculation in calculations:
        assert co_resident.person_id not in calculation.members
        assert calculation.input["household_size"] == len(calculation.members) + 1
        [line] = [line for line in calculation.result["lines"] if line["kind"] == "household"]
        assert line["label"].startswith("Gemensamma hushållskostnader, andel ")
    shares = DecisionShare.objects.filter(decision__application__case__household=household, person__isnull=False)
    assert shares.exists() and set(shares.values_list("person_id", flat=True)) <= parents
