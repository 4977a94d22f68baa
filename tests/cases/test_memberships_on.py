"""The rule "a membership is in force on a day" lives in two forms: ``memberships_on``
(SQL, lika/cases/people.py) and ``in_force_on`` (for rows a page has already read, e.g. the
case page's household history).  They must agree on every day, the boundaries included."""

from datetime import date, timedelta

import pytest

from lika.cases.people import in_force_on, memberships_on
from lika.households.models import HouseholdMembership
from tests.cases.factories import couple_case

pytestmark = pytest.mark.django_db


def test_the_sql_and_the_python_rule_agree_on_every_day(unit_a):
    case, woman, man, kids = couple_case(unit_a, since=date(2026, 1, 1))
    household = case.household_id
    # he moves out on 31 March and back on 1 June; a child is born into it on 15 February
    first = HouseholdMembership.objects.get(household_id=household, person=man)
    first.valid_to = date(2026, 3, 31)
    first.save()
    HouseholdMembership.objects.create(household_id=household, person=man, role="adult", cohabiting=True,
                                       valid_from=date(2026, 6, 1))
    baby = kids[0]
    HouseholdMembership.objects.filter(household_id=household, person=baby).update(valid_from=date(2026, 2, 15))
    history = list(HouseholdMembership.objects.filter(household_id=household).select_related("person"))
    day, seen = date(2025, 12, 30), set()
    while day <= date(2026, 12, 31):
        sql = memberships_on(household, day)
        assert [m.pk for m in in_force_on(history, day)] == [m.pk for m in sql], day
        seen.add(frozenset(m.person_id for m in sql))
        day += timedelta(days=1)
    # the walk met every shape of the household: empty, without the baby, both adults, without him
    assert len(seen) >= 4
    assert {m.person_id for m in in_force_on(history, date(2026, 3, 31))} >= {woman.pk, man.pk}
    assert man.pk not in {m.person_id for m in in_force_on(history, date(2026, 4, 1))}
    assert man.pk in {m.person_id for m in in_force_on(history, date(2026, 6, 1))}
