"""Each adult's own payment account and notification contact, in her own login: masked,
never the partner's, changed only through a pending change that the case worker confirms."""

import pytest
from django.db import connection  # noqa: F401 - in a skipif
from django.test import Client
from django.urls import reverse

from lika.audit.models import AccessLogEntry
from lika.cases.bank_accounts import account_change_confirm
from lika.eservice.actor import eservice_actor
from lika.eservice.models import ResidentContact
from lika.households.models import BankAccountChange, Person
from tests.conftest import PASSWORD
from tests.threads import race

from .conftest import resident_client

pytestmark = pytest.mark.django_db

URL = "/e-tjanst/mina-uppgifter/"
NEW = {"action": "account", "clearing": "6789", "account": "123 456 789"}


def test_the_url_is_named():
    assert reverse("eservice_account") == URL


def snapshot():
    return (list(BankAccountChange.objects.values_list("pk", "status")),
            list(Person.objects.values_list("pk", "bank_clearing", "bank_account", "iban")),
            list(ResidentContact.objects.values_list("pk", "email", "mobile")))


def test_she_sees_her_own_account_masked_and_never_the_partners(couple):
    case, woman, man, kids = couple
    html = resident_client(woman).get(URL).content.decode()
    assert "•••• 4560" in html
    assert woman.bank_account not in html and "5000" not in html
    assert man.iban[-4:] not in html and man.iban not in html
    log = AccessLogEntry.objects.get(object_type="person", action="read", person_id=woman.pk)
    assert "maskerat" in log.summary
    his = resident_client(man).get(URL).content.decode()
    assert "•••• 7466" in his and "4560" not in his


def test_she_asks_for_a_new_account_and_the_old_one_is_paid_until_the_case_worker_confirms(couple, alice):
    case, woman, man, kids = couple
    client = resident_client(woman)
    response = client.post(URL, NEW)
    assert response.status_code == 302
    change = BankAccountChange.objects.get(person=woman)
    assert change.status == "pending" and change.requested_by == eservice_actor()
    assert change.requested_by_person == woman
    assert (change.new_clearing, change.new_account) == ("6789", "123456789")
    woman.refresh_from_db()
    assert woman.bank_account == "1234560"  # still the old account
    page = client.get(URL).content.decode()
    assert "Kontoändring väntar på bekräftelse" in page and "•••• 6789" in page
    row = AccessLogEntry.objects.get(object_type="bank_account_change", action="create")
    assert row.person_id == woman.pk and row.actor == eservice_actor() and "e-tjänsten" in row.summary
    # the case worker sees that the holder asked in the e-service, with e-identification preselected
    staff = Client()
    staff.login(username=alice.username, password=PASSWORD)
    detail = staff.get(reverse("person_detail", kwargs={"case_id": case.pk, "person_id": woman.pk})).content.decode()
    assert "begärt av kontohavaren själv i e-tjänsten" in detail
    assert 'value="holder_e_id" selected' in detail or 'value="holder_e_id" checked' in detail
    account_change_confirm(acting_user=alice, case=case, change=change, channel="holder_e_id")
    woman.refresh_from_db()
    assert (woman.bank_clearing, woman.bank_account) == ("6789", "123456789")
    assert "•••• 6789" in client.get(URL).content.decode()


def test_a_case_worker_of_another_unit_cannot_confirm(couple, charlie):
    from django.core.exceptions import PermissionDenied

    case, woman, man, kids = couple
    resident_client(woman).post(URL, NEW)
    change = BankAccountChange.objects.get(person=woman)
    with pytest.raises(PermissionDenied):
        account_change_confirm(acting_user=charlie, case=case, change=change, channel="holder_e_id")
    change.refresh_from_db()
    assert change.status == "pending"


@pytest.mark.parametrize("field", ["person", "person_id", "person_pk", "pk", "id"])
def test_the_partner_cannot_change_her_account_even_with_her_pk_in_the_post(couple, field):
    case, woman, man, kids = couple
    client = resident_client(man)
    response = client.post(URL, {**NEW, field: woman.pk})
    assert response.status_code == 302
    assert not BankAccountChange.objects.filter(person=woman).exists()
    assert BankAccountChange.objects.get().person == man  # only ever his own
    woman.refresh_from_db()
    assert woman.bank_account == "1234560"


def test_the_partner_cannot_withdraw_her_request(couple):
    case, woman, man, kids = couple
    resident_client(woman).post(URL, NEW)
    response = resident_client(man).post(URL, {"action": "withdraw", "person": woman.pk})
    assert response.status_code == 400
    assert BankAccountChange.objects.get(person=woman).status == "pending"


def test_the_database_refuses_a_holders_request_for_someone_else(couple):
    from django.db import IntegrityError, transaction

    case, woman, man, kids = couple
    with pytest.raises(IntegrityError), transaction.atomic():
        BankAccountChange.objects.create(person=woman, new_clearing="6789", new_account="123456789",
                                         requested_by=eservice_actor(), requested_by_person=man)


def test_a_second_request_gets_a_swedish_message(couple):
    case, woman, man, kids = couple
    client = resident_client(woman)
    assert client.post(URL, NEW).status_code == 302
    before = snapshot()
    response = client.post(URL, {"action": "account", "iban": "SE4550000000058398257466"})
    assert response.status_code == 400
    assert "Du har redan en kontoändring som väntar" in response.content.decode()
    assert snapshot() == before


def test_she_withdraws_her_own_request(couple):
    case, woman, man, kids = couple
    client = resident_client(woman)
    client.post(URL, NEW)
    assert client.post(URL, {"action": "withdraw"}).status_code == 302
    change = BankAccountChange.objects.get(person=woman)
    assert change.status == "cancelled" and change.cancelled_by == eservice_actor()
    assert AccessLogEntry.objects.filter(object_type="bank_account_change", action="update",
                                         person_id=woman.pk).exists()
    assert client.post(URL, {"action": "withdraw"}).status_code == 400  # nothing left to withdraw
    assert client.post(URL, NEW).status_code == 302  # and she may ask again


def test_she_cannot_withdraw_a_change_the_case_worker_asked_for(couple, alice):
    from lika.cases.bank_accounts import account_change_request

    case, woman, man, kids = couple
    account_change_request(acting_user=alice, case=case, person=woman, clearing="3300", account="8001012346")
    client = resident_client(woman)
    page = client.get(URL).content.decode()
    assert "Ändringen har gjorts av handläggaren" in page and 'value="withdraw"' not in page
    assert client.post(URL, {"action": "withdraw"}).status_code == 400
    assert BankAccountChange.objects.get(person=woman).status == "pending"


@pytest.mark.parametrize(("data", "message"), [
    ({"clearing": "8327", "account": "12"}, "Kontonumret stämmer inte"),
    ({"clearing": "9999", "account": "1234567890"}, "Kontonumret stämmer inte"),
    ({"clearing": "", "account": "1234567890"}, "Fyll i både clearingnummer och kontonummer"),
    ({"iban": "SE4550000000058398257467"}, "IBAN-numret stämmer inte"),
    ({"iban": "hej"}, "IBAN-numret stämmer inte"),
    ({"iban": "SE4550000000058398257466", "clearing": "8327", "account": "1234567890"}, "inte båda"),
    ({}, "Fyll i både clearingnummer och kontonummer"),
    ({"clearing": "5000", "account": "1234560"}, "redan registrerat"),
])
def test_a_bad_account_number_is_a_swedish_error_and_nothing_is_written(couple, data, message):
    case, woman, man, kids = couple
    client = resident_client(woman)
    before = snapshot()
    response = client.post(URL, {"action": "account", **data})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'aria-invalid="true"' in html
    assert snapshot() == before
    assert not AccessLogEntry.objects.filter(object_type="bank_account_change").exists()


def test_a_resident_without_a_case_gets_a_clear_message(unit_a):
    from tests.cases.factories import person

    loner = person("Nora", "Ek", __import__("datetime").date(1985, 5, 5), "F")
    client = resident_client(loner)
    page = client.get(URL)
    assert page.status_code == 200 and "Du har inget pågående ärende hos oss" in page.content.decode()
    response = client.post(URL, NEW)
    assert response.status_code == 400 and "Du har inget pågående ärende hos oss" in response.content.decode()
    assert not BankAccountChange.objects.exists()


def test_a_resident_unknown_to_lika_gets_a_page_not_an_error():
    class Stranger:
        identity_number, first_name, last_name = "197001012389", "Ny", "Person"

    client = resident_client(Stranger)
    assert client.get(URL).status_code == 200
    for data in (NEW, {"action": "withdraw"}, {"action": "contact", "email": "ny@example.se"}):
        response = client.post(URL, data)
        assert response.status_code == 400 and "Du har inget pågående ärende hos oss" in response.content.decode()
    assert not ResidentContact.objects.exists()


def test_she_sets_her_own_notification_contact(couple):
    case, woman, man, kids = couple
    client = resident_client(woman)
    response = client.post(URL, {"action": "contact", "email": "sara@example.se", "mobile": "070-123 45 67",
                                 "notify_by_email": "on", "person": man.pk})
    assert response.status_code == 302
    contact = ResidentContact.objects.get()
    assert contact.person == woman and contact.email == "sara@example.se" and contact.mobile == "0701234567"
    assert contact.notify_by_email and not contact.notify_by_sms
    assert AccessLogEntry.objects.filter(object_type="resident_contact", person_id=woman.pk).exists()
    assert "sara@example.se" not in resident_client(man).get(URL).content.decode()


@pytest.mark.parametrize(("data", "message"), [
    ({"email": "inte-en-adress"}, "namn@exempel.se"),
    ({"mobile": "ring mig"}, "Skriv mobilnumret med siffror"),
    ({"notify_by_email": "on"}, "Fyll i din e-postadress"),
    ({"notify_by_sms": "on"}, "Fyll i ditt mobilnummer"),
])
def test_a_bad_contact_is_a_swedish_error(couple, data, message):
    case, woman, man, kids = couple
    response = resident_client(woman).post(URL, {"action": "contact", **data})
    assert response.status_code == 400 and message in response.content.decode()
    assert not ResidentContact.objects.exists()


def test_an_unknown_action_is_refused_without_writing(couple):
    case, woman, man, kids = couple
    before = snapshot()
    assert resident_client(woman).post(URL, {"action": "confirm_account"}).status_code == 400
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks: PostgreSQL")
def test_two_requests_at_once_give_one_pending_change(unit_a, alice):
    from tests.cases.factories import couple_case

    case, woman, man, kids = couple_case(unit_a, case_worker=alice)
    first, second = resident_client(woman), resident_client(woman)
    results = race(lambda: first.post(URL, NEW).status_code,
                   lambda: second.post(URL, {"action": "account", "iban": "SE4550000000058398257466"}).status_code)
    assert sorted(results) == [302, 400]
    assert BankAccountChange.objects.filter(person=woman, status="pending").count() == 1


def test_a_residents_account_request_is_in_the_case_workers_work_list(client, unit_a, alice):
    """The case worker learns of the request in "Mina ärenden", not only on the person page;
    the one who asked for a change does not see it there (another person confirms)."""
    from django.urls import reverse

    from lika.cases import bank_accounts
    from lika.eservice.account import account_change_ask
    from tests.cases.factories import couple_case

    case, woman, man, kids = couple_case(unit_a, case_worker=alice)
    account_change_ask(person=woman, clearing="6789", account="123456789")
    client.force_login(alice)
    page = client.get(reverse("worklist")).content.decode()
    assert "Kontoändringar att bekräfta <span class=\"count\">(1)</span>" in page
    assert "begärd av kontohavaren i e-tjänsten" in page and "Sara Lind" in page
    bank_accounts.account_change_request(acting_user=alice, case=case, person=man,
                                         iban="SE3550000000054910000003")
    page = client.get(reverse("worklist")).content.decode()
    assert "Kontoändringar att bekräfta <span class=\"count\">(1)</span>" in page  # his: alice asked herself


def test_she_is_notified_when_the_case_worker_confirms_her_request(unit_a, alice, files,
                                                                   django_capture_on_commit_callbacks):
    import json

    from lika.cases import bank_accounts
    from lika.eservice.account import account_change_ask, contact_save
    from tests.cases.factories import couple_case

    case, woman, man, kids = couple_case(unit_a, case_worker=alice)
    contact_save(person=woman, email="sara@example.se", notify_by_email=True)
    contact_save(person=man, email="johan@example.se", notify_by_email=True)
    change = account_change_ask(person=woman, clearing="6789", account="123456789")
    with django_capture_on_commit_callbacks(execute=True):
        bank_accounts.account_change_confirm(acting_user=alice, case=case, change=change, channel="holder_e_id")
    sent = [json.loads(f.read_text(encoding="utf-8")) for f in (files / "notifications").iterdir()]
    assert [(n["to"], "konto" in n["body"]) for n in sent] == [("sara@example.se", True)]
    assert "6789" not in json.dumps(sent)  # nothing sensitive in the notification
