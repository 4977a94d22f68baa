"""An association's payee account changes only by a change another person confirms
(four eyes), and the database refuses any other change of the account."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction  # noqa: F401 - connection: in a skipif
from django.urls import reverse
from django.utils import timezone

from lika.audit.models import AccessLogEntry
from lika.grants import services
from lika.grants.models import Association, AssociationAccountChange
from lika.identity.bank import BankAccountError, parse_plusgiro
from tests.conftest import _user
from tests.grants.test_services import setup  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
NEW_BG = "5402-9681"  # Luhn-valid, fictional


@pytest.fixture
def second_admin():
    return _user("bertil", "administrator", None, "Bertil", "Berg")


@pytest.mark.parametrize("text, result", [
    ("412341-0", "412341-0"), ("4 1 2 3 4 1 0", "412341-0"), ("1-8", "1-8"), ("90209-00", "902090-0"),
    ("412341-1", "kontrollsiffran"), ("2-8", "kontrollsiffran"), ("1", "ska ha 2–8"),
    ("123456789", "ska ha 2–8"), ("12-A", "bara innehålla siffror"), ("", "saknas"),
])
def test_plusgiro_numbers(text, result):
    if "-" in result:
        assert parse_plusgiro(text) == result
    else:
        with pytest.raises(BankAccountError, match=result):
            parse_plusgiro(text)


def test_the_association_asks_and_another_person_confirms(setup, admin_user, second_admin):  # noqa: F811
    club, _other, _programme, user = setup
    change = services.account_change_request(acting_user=user, association=club, bankgiro=NEW_BG, reason="Ny bank")
    club.refresh_from_db()
    assert club.bankgiro == "5050-1055"  # unchanged until confirmed
    services.account_change_confirm(acting_user=admin_user, change=change, channel="signatory_phone")
    club.refresh_from_db()
    assert club.bankgiro == NEW_BG
    entry = AccessLogEntry.objects.filter(object_type="grants.association", action="update").latest("id")
    assert entry.old_values["bankgiro"] == "5050-1055" and entry.new_values["bankgiro"] == NEW_BG


def test_the_requester_cannot_confirm_her_own_change(setup, admin_user):  # noqa: F811
    club = setup[0]
    change = services.account_change_request(acting_user=admin_user, association=club, plusgiro="1-8")
    with pytest.raises(ValidationError, match="en annan person"):
        services.account_change_confirm(acting_user=admin_user, change=change, channel="signatory_phone")
    # and the database refuses it whatever the code does
    change.status, change.confirmed_by, change.confirmed_channel = "confirmed", admin_user, "signatory_phone"
    change.confirmed_at = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        change.save()


def test_an_association_user_cannot_confirm_or_ask_for_another(setup, admin_user):  # noqa: F811
    club, other, _programme, user = setup
    with pytest.raises(PermissionDenied):
        services.account_change_request(acting_user=user, association=other, bankgiro=NEW_BG)
    change = services.account_change_request(acting_user=admin_user, association=club, bankgiro=NEW_BG)
    with pytest.raises(PermissionDenied):
        services.account_change_confirm(acting_user=user, change=change, channel="signatory_phone")


@pytest.mark.parametrize("fields, error", [
    ({}, "ange ett nytt"),
    ({"bankgiro": "5050-1055"}, "redan föreningens konto"),
    ({"bankgiro": "5050-1056"}, "kontrollsiffran"),
    ({"bankgiro": NEW_BG, "plusgiro": "1-8"}, "inte flera"),
    ({"plusgiro": "1-8", "clearing": "5000", "account": "1234560"}, "inte flera"),
    ({"clearing": "5000", "account": "12"}, "ska ha 7 siffror"),
    ({"clearing": "5000", "account": "1234567"}, "kontrollsiffran i kontonumret"),
])
def test_bad_requests_are_refused(setup, fields, error):  # noqa: F811
    club, _other, _programme, user = setup
    with pytest.raises(ValidationError, match=error):
        services.account_change_request(acting_user=user, association=club, **fields)
    assert not AssociationAccountChange.objects.exists()


def test_one_pending_change_at_a_time_and_cancel(setup, admin_user):  # noqa: F811
    club, _other, _programme, user = setup
    change = services.account_change_request(acting_user=user, association=club, bankgiro=NEW_BG)
    with pytest.raises(ValidationError, match="väntar redan"):
        services.account_change_request(acting_user=user, association=club, plusgiro="1-8")
    services.account_change_cancel(acting_user=user, change=change)
    with pytest.raises(ValidationError, match="redan bekräftad eller återkallad"):
        services.account_change_confirm(acting_user=admin_user, change=change, channel="signatory_phone")
    services.account_change_request(acting_user=user, association=club, plusgiro="1-8")


def test_the_database_refuses_a_direct_change_of_the_account(setup):  # noqa: F811
    club = setup[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Association.objects.filter(pk=club.pk).update(bankgiro=NEW_BG)
    with pytest.raises(IntegrityError), transaction.atomic():
        Association.objects.filter(pk=club.pk).update(bankgiro="", plusgiro="1-8")
    with pytest.raises(IntegrityError), transaction.atomic():
        Association.objects.filter(pk=club.pk).update(bank_clearing="5000", bank_account="1234567")
    Association.objects.filter(pk=club.pk).update(name="Nytt namn")  # other columns change freely
    club.refresh_from_db()
    assert club.bankgiro == "5050-1055" and club.name == "Nytt namn"


def test_the_edit_form_never_touches_the_account(client, setup, admin_user):  # noqa: F811
    club = setup[0]
    client.force_login(admin_user)
    url = reverse("grants_association_admin", kwargs={"association_id": club.pk})
    response = client.post(url, {"action": "save", "name": "IK Exempel 2", "address": "Gatan 1",
                                 "contact_name": "", "contact_email": "", "contact_phone": "", "active": "on",
                                 "bankgiro": NEW_BG})
    assert response.status_code == 302
    club.refresh_from_db()
    assert club.name == "IK Exempel 2" and club.bankgiro == "5050-1055"
    with pytest.raises(ValidationError):
        services.association_update(acting_user=admin_user, association=club, bankgiro=NEW_BG)


def test_the_pages_ask_and_confirm(client, setup, admin_user, second_admin):  # noqa: F811
    club, _other, _programme, user = setup
    client.force_login(user)
    response = client.post(reverse("grants_home"), {"action": "account_request", "account-bankgiro": NEW_BG,
                                                    "account-plusgiro": "", "account-reason": "Ny bank"})
    assert response.status_code == 302
    page = client.get(reverse("grants_home")).content.decode()
    assert "En kontoändring väntar på bekräftelse" in page and "Bekräfta kontoändringen" not in page
    client.force_login(admin_user)
    url = reverse("grants_association_admin", kwargs={"association_id": club.pk})
    page = client.post(url, {"action": "account_confirm", "confirm-channel": ""}).content.decode()
    assert "Ändringen kunde inte bekräftas" in page
    assert client.post(url, {"action": "account_confirm", "confirm-channel": "bank_certificate"}).status_code == 302
    club.refresh_from_db()
    assert club.bankgiro == NEW_BG


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks: PostgreSQL")
def test_two_requests_and_two_confirmations_at_once(admin_user, second_admin):
    """Two browsers asking at once give one pending change (the other a Swedish refusal);
    two officers confirming at once confirm it once."""
    from tests.threads import race

    club = services.association_create(acting_user=admin_user, orgnr="8024000005", name="IK Exempel",
                                       bankgiro="5050-1055")
    user = _user("forening1", "association", None, "Fia", "Förening", association=club)
    third = _user("cecilia", "administrator", None, "Cecilia", "Ceder")

    def ask(number):
        return lambda: services.account_change_request(acting_user=user, association=club, bankgiro=number)

    results = race(ask(NEW_BG), ask("5050-1030"), expected=(ValidationError,))
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    change = AssociationAccountChange.objects.get(status="pending")

    def confirm(officer):
        return lambda: services.account_change_confirm(acting_user=officer, change=change, channel="signatory_phone")

    results = race(confirm(second_admin), confirm(third), expected=(ValidationError,))
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    assert AssociationAccountChange.objects.filter(status="confirmed").count() == 1
    assert AccessLogEntry.objects.filter(object_type="grants.association", action="update").count() == 1


def test_a_bank_account_instead_of_a_giro_number(setup, admin_user):  # noqa: F811
    club, _other, _programme, user = setup
    change = services.account_change_request(acting_user=user, association=club, clearing="5000",
                                             account="1234560")  # SEB, check digit valid (bankkonto)
    services.account_change_confirm(acting_user=admin_user, change=change, channel="bank_certificate")
    club.refresh_from_db()
    assert (club.bankgiro, club.plusgiro, club.bank_clearing, club.bank_account) == ("", "", "5000", "1234560")
    assert change.new_payee == "bankkonto 5000-1234560"
