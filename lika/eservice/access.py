"""What a resident may see: only her own household's case, only from her own position in it.

Every e-service view reads through these functions with the logged-in resident's person;
nothing here takes a case id from the address without checking it against her."""

from datetime import date

from django.utils import timezone

from lika.cases.models import Case
from lika.households.models import HouseholdMembership, Person


def adult_membership(person: Person | None, day: date | None = None) -> HouseholdMembership | None:
    """The person's current membership as an adult of a household (None if she has none)."""
    if person is None:
        return None
    day = day or timezone.localdate()
    return (HouseholdMembership.objects.select_related("household")
            .filter(person=person, role=HouseholdMembership.Role.ADULT, valid_from__lte=day)
            .exclude(valid_to__lt=day).order_by("-valid_from", "-id").first())


def resident_case(person: Person | None, day: date | None = None) -> Case | None:
    """The case of the household the person is an adult of today, or None."""
    membership = adult_membership(person, day)
    if membership is None:
        return None
    return Case.objects.select_related("unit", "household", "case_worker", "registerledare").filter(
        household=membership.household).first()


def household_adults(case: Case, day: date | None = None) -> list[Person]:
    """The adults of the case's household today (the resident among them)."""
    day = day or timezone.localdate()
    rows = (HouseholdMembership.objects.select_related("person")
            .filter(household_id=case.household_id, role=HouseholdMembership.Role.ADULT, valid_from__lte=day)
            .exclude(valid_to__lt=day).order_by("valid_from", "id"))
    return [row.person for row in rows]


def other_adults(case: Case, person: Person, day: date | None = None) -> list[Person]:
    return [p for p in household_adults(case, day) if p.pk != person.pk]
