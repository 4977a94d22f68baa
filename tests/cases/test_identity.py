"""A person belongs to the unit that handles her (issue #13): another unit can neither
add her to a household, nor register her, nor read or change her — and is told so in
words that name neither her nor the unit.  A household's second adult is never dropped."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lika.audit.models import AccessLogEntry
from lika.cases import services
from lika.cases.models import Case
from lika.households.models import HouseholdMembership, Person
from lika.identity.personnummer import FEMALE, generate_fictional
from tests.cases.factories import couple_case, single_case

SINCE = date(2026, 1, 1)


def _person_post(prefix, person=None, **values):
    data = {"identity_number": person.identity_number if person else "", "first_name": "Ny",
            "last_name": "Person", **values}
    return {f"{prefix}-{k}": v for k, v in data.items()}


def _register_post(adult1, adult2=None, *, second=False, **extra):
    post = {"since": "2026-12-01", **_person_post("adult1", adult1)}
    if adult2 is not None:
        post.update(_person_post("adult2", adult2))
    if second:
        post["second_adult"] = "on"
    post.update(extra)
    return post


def _neutral(page: str, *names):
    """The page refuses with the neutral message and names neither the person nor the unit."""
    assert "Personen kan inte registreras här" in page
    for word in (*names, "Norr", "redan vuxen", "Ändra det hushållet"):
        assert word not in page, word


@pytest.fixture
def norr(unit_a, alice):
    """An open case of unit Norr: Sara (protected or not per test), Johan and two children."""
    return couple_case(unit_a, case_worker=alice)


@pytest.fixture
def soder(unit_b, charlie):
    """Charlie's own open case in unit Söder."""
    return single_case(unit_b, case_worker=charlie)


# --- adding and registering ------------------------------------------------------------

@pytest.mark.parametrize("protected", [False, True])
@pytest.mark.parametrize("who", ["woman", "kid"])
def test_another_unit_cannot_add_a_member_of_an_open_case_to_its_household(client, norr, soder, charlie,
                                                                            protected, who):
    case, woman, man, kids = norr
    person = woman if who == "woman" else kids[0]
    Person.objects.filter(pk=person.pk).update(protected_identity=protected)
    own_case, _adult = soder
    client.force_login(charlie)
    post = {"action": "add", "add-role": "adult" if who == "woman" else "child", "add-valid_from": "2026-12-01",
            **_person_post("add", person, first_name="Vem", last_name="Som")}
    page = client.post(reverse("household_edit", kwargs={"case_id": own_case.pk}), post).content.decode()
    _neutral(page, person.first_name, f"{person.first_name} {person.last_name}")
    assert not HouseholdMembership.objects.filter(household=own_case.household, person=person).exists()


@pytest.mark.parametrize("protected", [False, True])
def test_registering_a_number_of_another_units_open_case_is_refused_neutrally(client, norr, charlie, protected):
    """Before: 'Sara Lind är redan vuxen i ett aktuellt ärende. Ändra det hushållet …'."""
    case, woman, man, kids = norr
    Person.objects.filter(pk=woman.pk).update(protected_identity=protected)
    client.force_login(charlie)
    response = client.post(reverse("case_register"), _register_post(woman))
    assert response.status_code == 200
    _neutral(response.content.decode(), "Sara", "Lind")
    assert not Case.objects.filter(unit=charlie.unit).exists()


def test_a_child_of_another_units_open_case_is_not_registered_elsewhere(norr, charlie):
    case, woman, man, kids = norr
    adult = services.PersonData(generate_fictional(date(1985, 5, 5), FEMALE, 90_001), "Nora", "Nyberg")
    child = services.PersonData(kids[0].identity_number, "Vem", "Som")
    with pytest.raises(ValidationError) as refused:
        services.case_register(acting_user=charlie, adults=[adult], children=[child])
    assert refused.value.messages[0].startswith("Personen kan inte registreras här")
    assert not Case.objects.filter(unit=charlie.unit).exists()


def test_a_protected_person_is_not_found_from_outside_her_unit_even_after_her_case_closed(norr, charlie):
    case, woman, man, kids = norr
    Person.objects.filter(pk=woman.pk).update(protected_identity=True)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_on=date(2026, 6, 30))
    data = services.PersonData(woman.identity_number, "Vem", "Som")
    with pytest.raises(ValidationError) as refused:
        services.case_register(acting_user=charlie, adults=[data])
    assert refused.value.messages[0].startswith("Personen kan inte registreras här")
    # not protected: a person whose case elsewhere is closed moves on to the new unit
    created = services.case_register(acting_user=charlie, adults=[services.PersonData(man.identity_number, "", "")])
    assert created.household.memberships.get().person == man


def test_the_own_unit_registers_a_person_whose_earlier_case_it_closed(norr, alice):
    case, woman, man, kids = norr
    Person.objects.filter(pk=woman.pk).update(protected_identity=True)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_on=date(2026, 6, 30))
    again = services.case_register(acting_user=alice, adults=[services.PersonData(woman.identity_number, "", "")])
    assert again.household.memberships.get().person == woman


def test_within_the_unit_an_adult_of_an_open_case_is_still_named(norr, alice):
    case, woman, man, kids = norr
    with pytest.raises(ValidationError, match="Sara Lind är redan vuxen"):
        services.case_register(acting_user=alice, adults=[services.PersonData(woman.identity_number, "", "")])


# --- the second adult ------------------------------------------------------------------

def test_a_filled_in_second_adult_without_the_box_is_not_dropped(client, unit_a, alice):
    first = generate_fictional(date(1990, 1, 1), FEMALE, 90_011)
    second = generate_fictional(date(1991, 1, 1), FEMALE, 90_013)
    client.force_login(alice)
    post = {"since": "2026-12-01", "adult1-identity_number": first, "adult1-first_name": "Ada",
            "adult1-last_name": "Ek", "adult2-identity_number": second, "adult2-first_name": "Bea",
            "adult2-last_name": "Ek"}
    response = client.post(reverse("case_register"), post)
    page = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    assert "Vuxen 2 är ifylld men rutan" in page
    assert f'value="{second}"' in page and 'value="Bea"' in page  # what was typed is still there
    response = client.post(reverse("case_register"), {**post, "second_adult": "on"})
    assert response.status_code == 302
    assert {m.person.first_name for m in Case.objects.get().household.memberships.all()} == {"Ada", "Bea"}


def test_one_adult_with_an_empty_second_registers(client, unit_a, alice):
    client.force_login(alice)
    post = {"since": "2026-12-01", "adult1-identity_number": generate_fictional(date(1990, 1, 1), FEMALE, 90_015),
            "adult1-first_name": "Ada", "adult1-last_name": "Ek", "adult2-legal_gender": ""}
    assert client.post(reverse("case_register"), post).status_code == 302


# --- reading and changing: the handling unit only --------------------------------------

@pytest.fixture
def double(norr, soder):
    """The state the earlier code let Söder reach: Norr's Sara (protected) also put into
    Söder's household.  Norr's membership is the earlier one: Norr handles her."""
    case, woman, man, kids = norr
    Person.objects.filter(pk=woman.pk).update(protected_identity=True)
    own_case, _adult = soder
    HouseholdMembership.objects.create(household=own_case.household, person=woman, role="adult",
                                       valid_from=date(2026, 11, 1))
    woman.refresh_from_db()
    return case, own_case, woman


PERSON_ACTIONS = [
    {},
    {"action": "reveal"},
    {"action": "save", "first_name": "Sara", "last_name": "Lind", "bank_clearing": "5000",
     "bank_account": "1000004"},
    {"action": "confirm_account", "change": "1", "channel": "colleague"},
    {"action": "cancel_account", "change": "1"},
]


def test_another_unit_is_refused_every_person_page_and_action(client, double, charlie):
    """Before: Söder read her page, revealed her address and changed her account."""
    norr_case, own_case, woman = double
    client.force_login(charlie)
    for case in (own_case, norr_case):
        url = reverse("person_detail", kwargs={"case_id": case.pk, "person_id": woman.pk})
        assert client.get(url).status_code == 404, url
        for post in PERSON_ACTIONS[1:]:
            assert client.post(url, post).status_code == 404, (url, post)
        plan = reverse("plan_detail", kwargs={"case_id": case.pk, "person_id": woman.pk})
        assert client.get(plan).status_code == 404
    woman.refresh_from_db()
    assert (woman.bank_clearing, woman.bank_account) == ("5000", "1234560")
    assert not AccessLogEntry.objects.filter(actor=charlie, object_type__in=["person", "protected_address"]).exists()


def test_another_units_services_are_refused_too(double, charlie):
    from lika.cases import bank_accounts
    from lika.households.models import BankAccountChange

    norr_case, own_case, woman = double
    data = services.PersonData("", "Sara", "Lind", bank_clearing="5000", bank_account="1000004")
    for case in (own_case, norr_case):
        with pytest.raises(PermissionDenied):
            services.person_update(acting_user=charlie, case=case, person=woman, data=data)
        with pytest.raises(PermissionDenied):
            bank_accounts.account_change_request(acting_user=charlie, case=case, person=woman, clearing="5000",
                                                 account="1000004")
    assert not BankAccountChange.objects.exists()


def test_the_handling_unit_keeps_its_person(client, double, alice):
    from lika.cases.access import access_person, handling_unit_id

    norr_case, own_case, woman = double
    assert handling_unit_id(woman.pk) == norr_case.unit_id
    client.force_login(alice)
    url = reverse("person_detail", kwargs={"case_id": norr_case.pk, "person_id": woman.pk})
    assert client.get(url).status_code == 200
    case, person = access_person(alice, norr_case.pk, woman.pk, what="test")
    assert person == woman


def test_every_person_of_the_case_is_refused_to_the_other_unit(client, norr, charlie):
    case, woman, man, kids = norr
    client.force_login(charlie)
    for person in (woman, man, *kids):
        url = reverse("person_detail", kwargs={"case_id": case.pk, "person_id": person.pk})
        assert client.get(url).status_code == 404
        for post in PERSON_ACTIONS[1:]:
            assert client.post(url, post).status_code == 404


def test_a_person_without_an_open_case_is_read_by_the_unit_whose_case_had_her(client, unit_a, alice):
    case, adult = single_case(unit_a, case_worker=alice)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_on=date(2026, 6, 30))
    client.force_login(alice)
    assert client.get(reverse("person_detail", kwargs={"case_id": case.pk, "person_id": adult.pk})).status_code == 200

