"""Fictional demo data: a municipality, two units, demo logins and households.

``generate_households`` builds the households in memory from a seed and touches no
database, so the same seed and date always give the same people.  ``demo_seed``
writes them, and the municipality, units and logins, in one transaction with one
audit row.  Everything is made up: the names and addresses come from Faker, the
personnummer from ``generate_fictional``.  The demo password is for the demo only.
"""

import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import accumulate, islice

from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker
from faker.providers.person.sv_SE import Provider as SwedishNames

from lika.accounts.models import Municipality, Role, Unit, User
from lika.audit.services import CREATE, access_log_write
from lika.identity.bank import BankAccountError, parse_bank_account
from lika.identity.personnummer import FEMALE, MALE, generate_fictional

from .models import Household, HouseholdMembership, Person

DEMO_PASSWORD = "lika-demo-2026"  # known to everyone: for the demo only, never in production
MUNICIPALITY_CODE = "9999"  # not a real kommunkod (those run 0114-2584)
MUNICIPALITY_NAME = "Lika kommun"
UNITS = (("norr", "Försörjningsstöd Norr"), ("soder", "Försörjningsstöd Söder"))
# (username, role, unit code or None)
LOGINS = (
    ("handlaggare1", Role.CASE_WORKER, "norr"),
    ("handlaggare2", Role.CASE_WORKER, "norr"),
    ("handlaggare3", Role.CASE_WORKER, "soder"),
    ("handlaggare4", Role.CASE_WORKER, "soder"),
    ("chef.norr", Role.UNIT_MANAGER, "norr"),
    ("chef.soder", Role.UNIT_MANAGER, "soder"),
    ("utbetalare", Role.PAYMENT_OFFICER, None),
    ("analytiker", Role.ANALYST, None),
    ("admin", Role.ADMINISTRATOR, None),
)

SINGLE, SINGLE_PARENT, COUPLE, COUPLE_WITH_CHILDREN = (
    "single", "single_parent", "couple", "couple_with_children")
KIND_LABELS = {
    SINGLE: "ensamstående utan barn",
    SINGLE_PARENT: "ensamstående med barn",
    COUPLE: "sambor/makar utan barn",
    COUPLE_WITH_CHILDREN: "sambor/makar med barn",
}
KIND_WEIGHTS = {SINGLE: 45, SINGLE_PARENT: 15, COUPLE: 15, COUPLE_WITH_CHILDREN: 25}
# how many children, and how often
CHILDREN = {SINGLE_PARENT: {1: 50, 2: 35, 3: 15}, COUPLE_WITH_CHILDREN: {1: 35, 2: 40, 3: 18, 4: 7}}
SINGLE_PARENT_FEMALE = 0.8
SAME_SEX_COUPLE = 0.03
SHARED_SURNAME = 0.5
PROTECTED_ADULT = 0.02
PRESCHOOL_LUNCH = 0.7  # children 1-6 who eat lunch at preschool or school
ALTERNATE_RESIDENCE = 0.10
HEMMAVARANDE = 0.08  # households with children and a parent old enough
ADULT_AGES, PARENT_AGES, CHILD_MAX_AGE, PARENT_GAP = (19, 70), (21, 55), 18, 18
CO_RESIDENT_AGE = 19  # the one demo adult child at home who is not in school
FIRST_MEMBERSHIP_DATE, LAST_MEMBERSHIP_DATE = date(2024, 1, 1), date(2026, 12, 31)
MAX_SERIAL_TRIES = 2000
BATCH = 2000


@dataclass(frozen=True)
class DemoPerson:
    identity_number: str
    first_name: str
    last_name: str
    birth_date: date
    legal_gender: str
    protected_identity: bool = False


@dataclass(frozen=True)
class DemoMember:
    person: DemoPerson
    role: str
    valid_from: date
    cohabiting: bool = False
    lunch_at_home: bool = True
    days_present: int | None = None
    hemmavarande: bool = False


@dataclass(frozen=True)
class DemoHousehold:
    reference: str
    kind: str
    unit: object
    street_address: str
    postal_code: str
    city: str
    members: tuple[DemoMember, ...]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role_label: str
    unit_name: str
    password: str | None  # None: the login existed already and was left as it was
    created: bool


@dataclass(frozen=True)
class DemoSeedResult:
    seed: int
    households: int
    persons: int
    memberships: int
    kinds: dict
    first_reference: str | None
    last_reference: str | None
    logins: tuple[DemoLogin, ...]


def household_reference(number: int) -> str:
    return f"H-{number:06d}"


def generate_households(count: int, *, seed: int, today: date, units: Sequence,
                        first_number: int = 1, taken: frozenset | set = frozenset()
                        ) -> Iterator[DemoHousehold]:
    """``count`` fictional households numbered from ``first_number``, each in one of ``units``.

    Deterministic in ``seed``, ``today``, ``first_number`` and ``taken`` (identity numbers
    already in use, which are skipped).  Continuing a database (``first_number`` > 1)
    mixes the number into the seed so the new households are not copies of the old.
    """
    return _Generator(seed, today, units, first_number, taken).households(count)


class _Generator:
    def __init__(self, seed, today, units, first_number, taken):
        mixed = seed if first_number == 1 else f"{seed}/{first_number}"
        self.rng = random.Random(mixed)
        self.names = {FEMALE: _WeightedNames(SwedishNames.first_names_female, self.rng),
                      MALE: _WeightedNames(SwedishNames.first_names_male, self.rng)}
        self.last_name = _WeightedNames(SwedishNames.last_names, self.rng)
        self.fake = Faker("sv_SE")
        self.fake.seed_instance(mixed)
        self.today, self.units, self.number = today, list(units), first_number
        self.used = set(taken)
        self.serial = len(self.used)
        self.first_membership = min(FIRST_MEMBERSHIP_DATE, today)
        self.last_membership = min(LAST_MEMBERSHIP_DATE, today)
        # its own random stream, so the co-resident changes no other household of the seed
        self.co_resident_rng = random.Random(f"{mixed}/co-resident")
        self.co_resident_added = False

    def households(self, count):
        kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
        for _ in range(count):
            household = self.household(self.rng.choices(kinds, weights)[0])
            if not self.co_resident_added and household.kind == COUPLE_WITH_CHILDREN:
                household = self._with_co_resident(household)
            yield household

    def _with_co_resident(self, household):
        """The first couple with children old enough to have one also has an adult child at
        home who is not in school: a co-resident with her own support (docs/calculate.md)."""
        parents = [m for m in household.members if m.role == HouseholdMembership.Role.ADULT]
        youngest_parent = max(m.person.birth_date for m in parents)
        rng = self.co_resident_rng
        birth_date = _years_before(self.today, CO_RESIDENT_AGE) - timedelta(days=rng.randint(0, 300))
        if birth_date.year - youngest_parent.year < PARENT_GAP:
            return household
        gender = rng.choice((FEMALE, MALE))
        names = SwedishNames.first_names_female if gender == FEMALE else SwedishNames.first_names_male
        serial = 500
        while (number := generate_fictional(birth_date, gender, serial)) in self.used:
            serial += 1
        self.used.add(number)
        person = DemoPerson(number, rng.choice(sorted(names)), parents[0].person.last_name, birth_date, gender)
        self.co_resident_added = True
        # from 18 she is no child of the household unless in school (föräldrabalken 7 kap. 1 §)
        adult_on = birth_date.replace(year=birth_date.year + 18) if (birth_date.month, birth_date.day) != (2, 29) \
            else date(birth_date.year + 18, 3, 1)
        member = DemoMember(person, HouseholdMembership.Role.CO_RESIDENT, max(parents[0].valid_from, adult_on))
        return replace(household, members=(*household.members, member))

    def household(self, kind):
        rng = self.rng
        valid_from = self._date_between(self.first_membership, self.last_membership)
        genders, ages = self._adult_genders_and_ages(kind)
        surname = self.last_name()
        members = []
        for index, (gender, age) in enumerate(zip(genders, ages, strict=True)):
            last_name = surname if index == 0 or rng.random() < SHARED_SURNAME else self.last_name()
            person = self._person(gender, age, last_name, protected=rng.random() < PROTECTED_ADULT)
            members.append(DemoMember(person, HouseholdMembership.Role.ADULT, valid_from,
                                      cohabiting=len(genders) == 2))
        if kind in CHILDREN:
            members += self._children(CHILDREN[kind], max(ages), surname, valid_from)
        reference = household_reference(self.number)
        self.number += 1
        postcode = self.fake.postcode()
        return DemoHousehold(reference, kind, rng.choice(self.units), self.fake.street_address(),
                             f"{postcode[:3]} {postcode[3:]}", self.fake.city(), tuple(members))

    def _adult_genders_and_ages(self, kind):
        """Legal gender first (the first name follows it), then age."""
        rng = self.rng
        age = rng.randint(*(PARENT_AGES if kind in CHILDREN else ADULT_AGES))
        if kind in (SINGLE, SINGLE_PARENT):
            female_share = SINGLE_PARENT_FEMALE if kind == SINGLE_PARENT else 0.5
            return [FEMALE if rng.random() < female_share else MALE], [age]
        first = rng.choice((FEMALE, MALE))
        second = first if rng.random() < SAME_SEX_COUPLE else _other(first)
        partner_age = min(max(age + rng.randint(-6, 6), ADULT_AGES[0]), ADULT_AGES[1])
        return [first, second], [age, partner_age]

    def _children(self, distribution, parent_age, surname, valid_from):
        rng = self.rng
        count = rng.choices(list(distribution), list(distribution.values()))[0]
        oldest = min(CHILD_MAX_AGE, parent_age - PARENT_GAP)
        ages = sorted((rng.randint(0, oldest) for _ in range(count)), reverse=True)
        hemmavarande = parent_age - PARENT_GAP >= 19 and rng.random() < HEMMAVARANDE
        if hemmavarande:
            ages[0] = 19
        children = []
        for index, age in enumerate(ages):
            person = self._person(rng.choice((FEMALE, MALE)), age, surname)
            lunch_at_home = not (1 <= age <= 6 and rng.random() < PRESCHOOL_LUNCH)
            days = rng.randint(10, 20) if rng.random() < ALTERNATE_RESIDENCE else None
            children.append(DemoMember(person, HouseholdMembership.Role.CHILD,
                                       max(valid_from, person.birth_date),
                                       lunch_at_home=lunch_at_home, days_present=days,
                                       hemmavarande=hemmavarande and index == 0))
        return children

    def _person(self, gender, age, last_name, *, protected=False):
        first_name = self.names[gender]()
        number, birth_date = self._identity_number(self._birth_date(age), gender)
        return DemoPerson(number, first_name, last_name, birth_date, gender, protected)

    def _identity_number(self, birth_date, gender):
        """A number not used before, and the birth date it carries: the next serial, or the
        one after if that is taken, or a day earlier if the date's birth numbers are used up."""
        while True:
            for _ in range(MAX_SERIAL_TRIES):
                self.serial += 1
                number = generate_fictional(birth_date, gender, self.serial)
                if number not in self.used:
                    self.used.add(number)
                    return number, birth_date
            birth_date -= timedelta(days=1)

    def _birth_date(self, age):
        """A date on which someone is ``age`` years old ``today``."""
        latest = _years_before(self.today, age)
        earliest = _years_before(self.today, age + 1) + timedelta(days=1)
        return self._date_between(earliest, latest)

    def _date_between(self, first, last):
        return first + timedelta(days=self.rng.randint(0, (last - first).days))


class _WeightedNames:
    """Draws from one of Faker's weighted sv_SE name lists, the lists and weights that
    ``first_name_female``, ``first_name_male`` and ``last_name`` draw from.  Those methods
    add up the 500 weights on every call, which took most of the time for 10 000
    households; here they are added up once."""

    def __init__(self, weighted, rng):
        self.names = list(weighted)
        self.cum_weights = list(accumulate(weighted.values()))
        self.rng = rng

    def __call__(self):
        return self.rng.choices(self.names, cum_weights=self.cum_weights)[0]


def _other(gender):
    return MALE if gender == FEMALE else FEMALE


def _years_before(day, years):
    year = day.year - years
    return day.replace(year=year) if (day.month, day.day) != (2, 29) else date(year, 2, 28)


def demo_is_loaded() -> bool:
    return Household.objects.exists()


def demo_seed(*, households: int, seed: int, today: date, password: str = DEMO_PASSWORD
              ) -> DemoSeedResult:
    """Create the demo municipality, units and logins (if missing) and ``households`` more
    households, in one transaction with one audit row.  Existing logins keep their password."""
    with transaction.atomic():
        municipality, _ = Municipality.objects.get_or_create(
            code=MUNICIPALITY_CODE, defaults={"name": MUNICIPALITY_NAME})
        units = {code: Unit.objects.get_or_create(municipality=municipality, code=code,
                                                  defaults={"name": name})[0]
                 for code, name in UNITS}
        logins = _create_logins(units, seed=seed, password=password)
        first_number = _next_household_number()
        taken = set(Person.objects.values_list("identity_number", flat=True))
        generated = generate_households(households, seed=seed, today=today,
                                        units=list(units.values()), first_number=first_number,
                                        taken=taken)
        kinds, persons, memberships = Counter(), 0, 0
        while batch := list(islice(generated, BATCH)):
            persons_saved, memberships_saved = _save(batch)
            persons += persons_saved
            memberships += memberships_saved
            kinds.update(household.kind for household in batch)
        _demo_payment_examples(first_number)
        first = household_reference(first_number) if households else None
        last = household_reference(first_number + households - 1) if households else None
        result = DemoSeedResult(seed, households, persons, memberships,
                                {kind: kinds[kind] for kind in KIND_WEIGHTS}, first, last, logins)
        new_logins = [login.username for login in logins if login.created]
        access_log_write(
            actor=None, action=CREATE, object_type="demo_seed", object_id=seed,
            summary=(f"Demodata: {households} hushåll ({first or '–'} till {last or '–'}), "
                     f"{persons} personer, {len(new_logins)} nya inloggningar, seed {seed}"),
            new={"seed": seed, "households": households, "persons": persons,
                 "memberships": memberships, "kinds": result.kinds, "first_reference": first,
                 "last_reference": last, "new_logins": new_logins},
        )
    return result


def _create_logins(units, *, seed, password):
    fake = Faker("sv_SE")
    fake.seed_instance(seed)
    hashed = make_password(password)  # one hash: the demo password is shared and public anyway
    logins = []
    for username, role, unit_code in LOGINS:
        female = fake.boolean()
        unit = units[unit_code] if unit_code else None
        user, created = User.objects.get_or_create(username=username, defaults={
            "role": role, "unit": unit, "password": hashed, "last_name": fake.last_name(),
            "can_attest_payments": role == Role.UNIT_MANAGER,  # the managers attest payment runs
            "first_name": fake.first_name_female() if female else fake.first_name_male(),
        })
        logins.append(DemoLogin(username, str(user.get_role_display()),
                                user.unit.name if user.unit else "", password if created else None,
                                created))
    return tuple(logins)


def _next_household_number():
    references = Household.objects.filter(reference__regex=r"^H-[0-9]+$")
    numbers = [int(reference[2:]) for reference in references.values_list("reference", flat=True)]
    return max(numbers, default=0) + 1


DEMO_CLEARINGS = ("5000", "9100")  # SEB and Nordnet: account numbers checked by bankkonto
NO_ACCOUNT = 0.03  # adults without a registered account: the payment run holds them back


def demo_bank_account(identity_number: str) -> tuple[str, str]:
    """A made-up but valid Swedish account for a demo adult (deterministic by the number),
    or none for a few, so the payment run has something to hold back."""
    rng = random.Random(identity_number)
    if rng.random() < NO_ACCOUNT:
        return "", ""
    clearing = rng.choice(DEMO_CLEARINGS)
    while True:  # about one number in eleven passes the check digit
        number = str(rng.randrange(1_000_000, 10_000_000))
        try:
            return clearing, parse_bank_account(clearing, number).number
        except BankAccountError:
            continue


def _save(batch):
    """Write one batch of generated households with three bulk inserts."""
    households, persons, memberships = [], [], []
    for demo in batch:
        household = Household(unit=demo.unit, reference=demo.reference)
        households.append(household)
        for member in demo.members:
            data = member.person
            account = demo_bank_account(data.identity_number) if member.role == "adult" else ("", "")
            person = Person(
                identity_number=data.identity_number, first_name=data.first_name,
                last_name=data.last_name, birth_date=data.birth_date,
                legal_gender=data.legal_gender, protected_identity=data.protected_identity,
                street_address=demo.street_address, postal_code=demo.postal_code, city=demo.city,
                bank_clearing=account[0], bank_account=account[1])
            persons.append(person)
            memberships.append(HouseholdMembership(
                household=household, person=person, role=member.role, cohabiting=member.cohabiting,
                lunch_at_home=member.lunch_at_home, days_present=member.days_present,
                hemmavarande=member.hemmavarande, valid_from=member.valid_from))
    Household.objects.bulk_create(households)
    Person.objects.bulk_create(persons)
    HouseholdMembership.objects.bulk_create(memberships)
    return len(persons), len(memberships)


def _demo_payment_examples(first_number: int) -> None:
    """Issue 14 in the demo: of the households just made, the first couple without
    protected identity shares one account (the second adult registered the first one's:
    the payment run holds both halves until each has an own account or the enhetschef
    approves "gemensamt konto"), and the next such couple has an adult without an account
    who is paid by utbetalningsavi to the household's address."""
    couples = []
    for household in (Household.objects.filter(reference__regex=r"^H-[0-9]+$")
                      .prefetch_related("memberships__person").order_by("id")):
        if int(household.reference[2:]) < first_number:
            continue
        adults = [m.person for m in household.memberships.all() if m.role == "adult"]
        if len(adults) == 2 and not any(p.protected_identity for p in adults) and all(p.bank_account for p in adults):
            couples.append(adults)
        if len(couples) == 2:
            break
    if couples:
        first, second = couples[0]
        Person.objects.filter(pk=second.pk).update(bank_clearing=first.bank_clearing, bank_account=first.bank_account)
    if len(couples) > 1:
        Person.objects.filter(pk=couples[1][1].pk).update(bank_clearing="", bank_account="",
                                                          payment_method=Person.PaymentMethod.AVI)
