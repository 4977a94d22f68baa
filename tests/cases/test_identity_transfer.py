"""Asking for a case to move between units (issue #13, the enhetschef's way after a
neutral refusal): asking reveals nothing, the responsible unit answers, and an accepted
request lets the asking unit register a protected person once the case there is closed."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lika.cases import services
from lika.cases.models import Case
from lika.cases.transfers import SENT, transfer_answer, transfer_request
from lika.households.models import Person, TransferRequest
from lika.identity.personnummer import FEMALE, generate_fictional
from tests.cases.factories import couple_case
from tests.conftest import _user

URL = "/arenden/flytt/"


@pytest.fixture
def sune(unit_b):
    """Enhetschef of unit Söder."""
    return _user("sune", "unit_manager", unit_b, "Sune", "Sten")


@pytest.fixture
def norr(unit_a, alice):
    case, woman, man, kids = couple_case(unit_a, case_worker=alice, protected_woman=True)
    return case, woman


def test_the_page_is_the_enhetschefs(client, norr, alice, charlie, stina, petra, bob, sune):
    assert reverse("transfers") == URL
    for user in (alice, charlie, stina, petra):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"action": "request", "ask-identity_number": "x"}).status_code == 403
    for user in (bob, sune):
        client.force_login(user)
        assert client.get(URL).status_code == 200


def test_asking_reveals_nothing(client, norr, sune):
    case, woman = norr
    unknown = generate_fictional(date(1970, 3, 3), FEMALE, 90_101)
    client.force_login(sune)
    answers = []
    for number in (woman.identity_number, unknown):
        response = client.post(URL, {"action": "request", "ask-identity_number": number, "ask-message": "Flyttat"},
                               follow=True)
        answers.append(response.content.decode())
    assert SENT in answers[0] and SENT in answers[1]
    for page in answers:
        assert "Sara" not in page and "Norr" not in page
    assert TransferRequest.objects.filter(to_unit=sune.unit).count() == 2
    assert TransferRequest.objects.get(identity_number=unknown).person is None


def test_the_responsible_unit_answers_and_the_protected_person_can_then_be_registered(client, norr, bob, sune,
                                                                                       charlie):
    case, woman = norr
    data = services.PersonData(woman.identity_number, "", "")
    transfer_request(acting_user=sune, identity_number=woman.identity_number, message="Hon bor här nu")
    client.force_login(bob)
    page = client.get(URL).content.decode()
    assert "Sara Lind" in page and "Hon bor här nu" in page and "Försörjningsstöd Söder" in page
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_on=date(2026, 6, 30))
    with pytest.raises(ValidationError, match="Personen kan inte registreras här"):
        services.case_register(acting_user=charlie, adults=[data])
    request = TransferRequest.objects.get()
    response = client.post(URL, {"action": "answer", "request": request.pk, f"r{request.pk}-accept": "yes"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "accepted" and request.decided_by == bob
    created = services.case_register(acting_user=charlie, adults=[data])
    assert created.household.memberships.get().person == woman
    client.force_login(sune)
    page = client.get(URL).content.decode()
    assert "Godkänd" in page and "Sara" not in page


def test_only_the_responsible_unit_answers_and_only_once(norr, bob, sune, unit_b):
    case, woman = norr
    transfer_request(acting_user=sune, identity_number=woman.identity_number)
    request = TransferRequest.objects.get()
    with pytest.raises(PermissionDenied):
        transfer_answer(acting_user=sune, request=request, accept=True)
    with pytest.raises(ValidationError, match="Skriv varför"):
        transfer_answer(acting_user=bob, request=request, accept=False)
    transfer_answer(acting_user=bob, request=request, accept=False, answer="Ärendet pågår")
    with pytest.raises(ValidationError, match="redan besvarad"):
        transfer_answer(acting_user=bob, request=request, accept=True)
    transfer_request(acting_user=sune, identity_number=woman.identity_number)
    transfer_request(acting_user=sune, identity_number=woman.identity_number)  # asked again: one open request
    assert TransferRequest.objects.filter(status="requested").count() == 1
    assert Person.objects.filter(pk=woman.pk, protected_identity=True).exists()


def test_a_bad_number_is_a_form_error(client, sune):
    client.force_login(sune)
    page = client.post(URL, {"action": "request", "ask-identity_number": "12"}).content.decode()
    assert "Personnumret är inte giltigt" in page and not TransferRequest.objects.exists()
