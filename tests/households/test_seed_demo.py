"""`lika seed-demo`: fictional municipality, units, logins and households for the demo."""

import re
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from faker.providers.person.sv_SE import Provider as SwedishNames

from lika.accounts.models import Municipality, Unit, User
from lika.audit.models import AccessLogEntry
from lika.households.demo import (
    COUPLE,
    COUPLE_WITH_CHILDREN,
    DEMO_PASSWORD,
    SINGLE,
    SINGLE_PARENT,
    generate_households,
)
from lika.households.models import Household, HouseholdMembership, Person
from lika.identity.personnummer import parse_identity_number

N = 300
TODAY = date(2026, 11, 23)


def seed(*args):
    """Run the command; without ``--cases`` no demo case work (tests/cases/test_demo.py has it),
    and no associations (tests/grants/test_demo.py has them)."""
    out = StringIO()
    if "--cases" not in args:
        args = (*args, "--cases", "0")
    if "--associations" not in args:
        args = (*args, "--associations", "0")
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    """The demo with N households, seed 1, as `make demo` loads it."""
    return seed("--households", str(N), "--seed", "1", "--if-empty")


def kind_of(household):
    members = list(household.memberships.all())
    adults = sum(m.role == "adult" for m in members)
    children = len(members) - adults
    return {(1, False): SINGLE, (1, True): SINGLE_PARENT,
            (2, False): COUPLE, (2, True): COUPLE_WITH_CHILDREN}[(adults, children > 0)]


def snapshot(households):
    return [(h.reference, h.unit, h.street_address,
             [(m.person.identity_number, m.person.first_name, m.person.last_name)
              for m in h.members])
            for h in households]


@pytest.mark.django_db
def test_it_creates_the_municipality_units_and_logins(seeded):
    municipality = Municipality.objects.get()
    assert (municipality.name, municipality.code) == ("Lika kommun", "9999")
    assert sorted(Unit.objects.values_list("code", "name")) == [
        ("norr", "Försörjningsstöd Norr"), ("soder", "Försörjningsstöd Söder")]
    users = {u.username: (u.role, u.unit.code if u.unit else None) for u in User.objects.all()}
    assert users == {
        "handlaggare1": ("case_worker", "norr"), "handlaggare2": ("case_worker", "norr"),
        "handlaggare3": ("case_worker", "soder"), "handlaggare4": ("case_worker", "soder"),
        "chef.norr": ("unit_manager", "norr"), "chef.soder": ("unit_manager", "soder"),
        "utbetalare": ("payment_officer", None), "analytiker": ("analyst", None),
        "admin": ("administrator", None),
    }
    assert all(u.first_name and u.last_name for u in User.objects.all())


@pytest.mark.django_db
def test_it_prints_the_logins_with_swedish_roles_and_the_demo_password(seeded):
    assert re.search(r"handlaggare1\s+Socialsekreterare\s+Försörjningsstöd Norr\s+lika-demo-2026",
                     seeded)
    assert re.search(r"analytiker\s+Analytiker\s+hela kommunen\s+lika-demo-2026", seeded)
    assert "bara demon" in seeded


@pytest.mark.django_db
def test_a_demo_login_can_authenticate(seeded):
    user = authenticate(username="chef.norr", password=DEMO_PASSWORD)
    assert user is not None and user.role == "unit_manager"
    assert authenticate(username="chef.norr", password="fel-lösenord") is None


@pytest.mark.django_db
def test_password_option_sets_the_password_of_new_logins():
    seed("--households", "0", "--seed", "1", "--password", "annat-demolösen")
    assert authenticate(username="admin", password="annat-demolösen") is not None
    assert authenticate(username="admin", password=DEMO_PASSWORD) is None


@pytest.mark.django_db
def test_households_have_roughly_the_specified_composition(seeded):
    households = list(Household.objects.prefetch_related("memberships"))
    assert len(households) == N
    kinds = Counter(kind_of(h) for h in households)
    assert 0.35 * N <= kinds[SINGLE] <= 0.55 * N
    assert 0.08 * N <= kinds[SINGLE_PARENT] <= 0.22 * N
    assert 0.08 * N <= kinds[COUPLE] <= 0.22 * N
    assert 0.17 * N <= kinds[COUPLE_WITH_CHILDREN] <= 0.33 * N
    units = Counter(h.unit.code for h in Household.objects.select_related("unit"))
    assert min(units["norr"], units["soder"]) >= 0.35 * N
    assert sorted(h.reference for h in households)[:2] == ["H-000001", "H-000002"]


@pytest.mark.django_db
def test_couples_have_exactly_two_cohabiting_adults_and_singles_none(seeded):
    for household in Household.objects.prefetch_related("memberships"):
        adults = [m for m in household.memberships.all() if m.role == "adult"]
        assert len(adults) in (1, 2)
        assert [m.cohabiting for m in adults] == [len(adults) == 2] * len(adults)
        assert not any(m.cohabiting for m in household.memberships.all() if m.role == "child")
        children = sum(m.role == "child" for m in household.memberships.all())
        assert children <= 4


@pytest.mark.django_db
def test_every_identity_number_is_valid_and_matches_gender_and_birth_date(seeded):
    today = timezone.localdate()
    persons = list(Person.objects.all())
    assert len({p.identity_number for p in persons}) == len(persons)
    for person in persons:
        parsed = parse_identity_number(person.identity_number, today=today)
        assert parsed.number == person.identity_number
        assert parsed.legal_gender == person.legal_gender
        assert parsed.birth_date == person.birth_date
        names = (SwedishNames.first_names_female if person.legal_gender == "F"
                 else SwedishNames.first_names_male)
        assert person.first_name in names
        assert re.fullmatch(r"\d{3} \d{2}", person.postal_code)
        assert person.street_address and person.city
        assert not person.iban
        if person.bank_account:  # adults: a made-up account that validates; a few have none
            from lika.identity.bank import parse_bank_account

            assert parse_bank_account(person.bank_clearing, person.bank_account).number == person.bank_account
    adults = Person.objects.filter(memberships__role="adult")
    with_account = adults.exclude(bank_account="").count()
    assert 0.9 * adults.count() < with_account < adults.count()
    assert not Person.objects.filter(memberships__role="child").exclude(bank_account="").exists()


@pytest.mark.django_db
def test_ages_dates_and_the_rarer_cases_are_realistic(seeded):
    today = timezone.localdate()
    memberships = list(HouseholdMembership.objects.select_related("person"))
    flags = Counter()
    for m in memberships:
        age = today.year - m.person.birth_date.year - (
            (today.month, today.day) < (m.person.birth_date.month, m.person.birth_date.day))
        assert m.valid_to is None
        assert date(2024, 1, 1) <= m.valid_from <= today or m.valid_from == m.person.birth_date
        assert m.valid_from >= m.person.birth_date
        if m.role == "adult":
            assert 19 <= age <= 70
            flags["protected"] += m.person.protected_identity
        elif m.role == "co_resident":  # the adult child at home who is not in school
            assert age == 19 and not (m.cohabiting or m.hemmavarande) and m.days_present is None
            assert m.household.memberships.filter(role="adult", cohabiting=True).count() == 2
            flags["co_resident"] += 1
        else:
            assert 0 <= age <= 18 or (age == 19 and m.hemmavarande)
            assert m.hemmavarande == (age == 19)
            assert m.lunch_at_home or 1 <= age <= 6
            assert m.days_present is None or 10 <= m.days_present <= 20
            flags["preschool lunch"] += not m.lunch_at_home
            flags["alternating"] += m.days_present is not None
            flags["hemmavarande"] += m.hemmavarande
            flags["children"] += 1
    adults = sum(m.role == "adult" for m in memberships)
    assert 0 < flags["protected"] <= 0.06 * adults
    assert 0.04 * flags["children"] <= flags["alternating"] <= 0.18 * flags["children"]
    assert flags["preschool lunch"] > 0 and flags["hemmavarande"] > 0
    assert flags["co_resident"] == 1


def test_some_couples_are_same_sex():
    households = list(generate_households(N, seed=2, today=TODAY, units=["norr", "soder"]))
    couples = [h for h in households if h.kind in (COUPLE, COUPLE_WITH_CHILDREN)]
    same_sex = [h for h in couples
                if h.members[0].person.legal_gender == h.members[1].person.legal_gender]
    assert 0 < len(same_sex) <= 0.1 * len(couples)


def test_the_same_seed_gives_the_same_households_and_another_seed_others():
    def run(seed):
        return snapshot(generate_households(N, seed=seed, today=TODAY, units=["norr", "soder"]))

    first = run(7)
    assert first == run(7)
    other = run(8)
    assert other != first
    assert {p[1] for h in other for p in h[3]} != {p[1] for h in first for p in h[3]}


def test_numbers_already_taken_are_skipped():
    def numbers(households):
        return [m.person.identity_number for h in households for m in h.members]

    first = numbers(generate_households(50, seed=1, today=TODAY, units=["norr"]))
    again = list(generate_households(50, seed=1, today=TODAY, units=["norr"], taken=set(first)))
    assert not set(first) & set(numbers(again))
    for person in (m.person for h in again for m in h.members):
        parsed = parse_identity_number(person.identity_number, today=TODAY)
        assert (parsed.birth_date, parsed.legal_gender) == (person.birth_date, person.legal_gender)


@pytest.mark.django_db
def test_the_command_stores_what_the_generator_builds(seeded):
    expected = snapshot(generate_households(N, seed=1, today=timezone.localdate(),
                                            units=list(Unit.objects.order_by("id"))))
    households = Household.objects.order_by("reference").prefetch_related("memberships__person")
    stored = [(h.reference, h.unit, h.memberships.all()[0].person.street_address,
               [(m.person.identity_number, m.person.first_name, m.person.last_name)
                for m in sorted(h.memberships.all(), key=lambda m: m.person_id)])
              for h in households]
    assert stored == expected


@pytest.mark.django_db
def test_if_empty_does_nothing_when_households_exist(seeded):
    persons = Person.objects.count()
    out = seed("--households", "50", "--seed", "1", "--if-empty")
    assert "finns redan" in out
    assert (Household.objects.count(), Person.objects.count()) == (N, persons)
    assert AccessLogEntry.objects.filter(object_type="demo_seed").count() == 1


@pytest.mark.django_db
def test_running_again_adds_households_and_keeps_the_logins():
    seed("--households", "20", "--seed", "1")
    User.objects.filter(username="admin").update(first_name="Behållen")
    out = seed("--households", "20", "--seed", "1", "--password", "ett-annat-lösen")
    assert Household.objects.count() == 40
    assert Household.objects.filter(reference="H-000040").exists()
    assert User.objects.count() == 9 and Unit.objects.count() == 2  # 9 staff (no associations: --associations 0)
    assert User.objects.get(username="admin").first_name == "Behållen"
    assert authenticate(username="admin", password=DEMO_PASSWORD) is not None
    assert "(oförändrat)" in out
    first, second = (Household.objects.get(reference=r) for r in ("H-000001", "H-000021"))
    names = {h: {m.person.first_name + m.person.last_name for m in h.memberships.all()}
             for h in (first, second)}
    assert names[first] != names[second]


@pytest.mark.django_db
def test_one_audit_row_summarises_the_seed(seeded):
    entry = AccessLogEntry.objects.get(object_type="demo_seed")
    assert (entry.actor, entry.actor_name, entry.action) == (None, "system", "create")
    assert entry.new_values["households"] == N
    assert entry.new_values["persons"] == Person.objects.count()
    assert "300 hushåll" in entry.summary


@pytest.mark.django_db
@pytest.mark.parametrize("args", [
    ["--households", "-1"], ["--households", "1000001"], ["--households", "många"],
    ["--households", "1.5"], ["--seed", "ett"], ["--password", ""],
])
def test_bad_input_is_refused_with_returncode_2(args):
    with pytest.raises(CommandError) as error:
        seed(*args)
    assert error.value.returncode == 2
    assert "\n" not in str(error.value)
    assert not Household.objects.exists() and not User.objects.exists()
