"""Building case data straight in the database for tests (fictional people only).

``couple_case`` makes a couple with children and an open case in ``unit``; the
woman is entered first only when ``woman_first`` is set, so tests can prove that
nothing depends on the order or the gender.
"""

from datetime import date

from lika.cases.models import Case
from lika.households.models import Household, HouseholdMembership, Person
from lika.identity.personnummer import FEMALE, MALE, generate_fictional

PROTECTED_ADDRESS = "Hemliga vägen 7"

_serial = iter(range(0, 100_000, 2))  # step 2: the gender parity flip cannot make two numbers equal


def person(first, last, birth, gender, *, protected=False, street="Storgatan 1", **extra):
    number = generate_fictional(birth, gender, next(_serial))
    return Person.objects.create(
        identity_number=number, first_name=first, last_name=last, birth_date=birth,
        legal_gender=gender, protected_identity=protected,
        street_address=PROTECTED_ADDRESS if protected else street, postal_code="99999", city="Lika",
        **extra)


def couple_case(unit, *, woman_first=False, protected_woman=False, children=2, since=date(2026, 1, 1),
                case_worker=None, reference=None):
    """A sambo couple (Sara and Johan Lind or similar) with ``children`` children, and its case."""
    woman = person("Sara", "Lind", date(1990, 4, 12), FEMALE, protected=protected_woman,
                   bank_clearing="5000", bank_account="1234560")
    man = person("Johan", "Lind", date(1988, 9, 3), MALE, street="Storgatan 1",
                 iban="SE4550000000058398257466")
    number = Household.objects.count() + 1
    household = Household.objects.create(unit=unit, reference=reference or f"T-{number:05d}")
    adults = (woman, man) if woman_first else (man, woman)
    for adult in adults:
        HouseholdMembership.objects.create(household=household, person=adult, role="adult",
                                           cohabiting=True, valid_from=since)
    kids = []
    for i in range(children):
        kid = person(["Maja", "Elias", "Alva", "Leo"][i], "Lind", date(2016 + 3 * i, 2, 1),
                     [FEMALE, MALE][i % 2])
        HouseholdMembership.objects.create(household=household, person=kid, role="child",
                                           lunch_at_home=False, valid_from=since)
        kids.append(kid)
    case = Case.objects.create(reference=f"Ä-{household.reference}", unit=unit, household=household,
                               case_worker=case_worker, opened_on=since)
    return case, woman, man, kids


def single_case(unit, *, gender=FEMALE, since=date(2026, 1, 1), case_worker=None):
    adult = person("Eva" if gender == FEMALE else "Erik", "Holm", date(1979, 1, 20), gender,
                   bank_clearing="5000", bank_account="1234560")
    number = Household.objects.count() + 1
    household = Household.objects.create(unit=unit, reference=f"T-{number:05d}")
    HouseholdMembership.objects.create(household=household, person=adult, role="adult", valid_from=since)
    case = Case.objects.create(reference=f"Ä-{household.reference}", unit=unit, household=household,
                               case_worker=case_worker, opened_on=since)
    return case, adult
