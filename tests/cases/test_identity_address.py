"""Protected identity protects the household's shared address (issue #13): when one
member has skyddad identitet, the address is on no page, letter (HTML and PDF), export
or payment file — for any member — unless an authorised user reveals it, which is logged.

Before: the partner's page (in the text and in the edit form), the partner's letter and
each child's page showed it."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from lika.audit.models import AccessLogEntry
from lika.cases import decisions, services
from lika.cases.decisions import LineDecision
from lika.cases.models import DecisionRecipient
from lika.households.models import Person
from lika.payments import services as payments
from tests.cases.factories import PROTECTED_ADDRESS, couple_case

MONTH = date(2026, 12, 1)
CITY = "Gömdaby"
SECRETS = (PROTECTED_ADDRESS, CITY)


def _clean(text: str, where: str):
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} on {where}"


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def shared(unit_a, alice, bob):
    """Sara (skyddad identitet), Johan and their two children at one address; an issued
    decision for December with an exception request, a plan page each."""
    case, woman, man, kids = couple_case(unit_a, case_worker=alice, protected_woman=True)
    Person.objects.filter(pk__in=[woman.pk, man.pk, *(k.pk for k in kids)]).update(
        street_address=PROTECTED_ADDRESS, postal_code="11111", city=CITY)
    application = services.application_create(acting_user=alice, case=case, month=MONTH, applicant=man,
                                              joint=True)
    party = application.parties.get(person=woman)
    services.application_confirm(acting_user=alice, application=application, party=party, channel="visit")
    services.application_entries_save(acting_user=alice, application=application, incomes=[],
                                      costs=[services.Entry("housing", 700000)],
                                      obstacles={woman.pk: "unemployed", man.pk: "unemployed"})
    services.calculation_make(acting_user=alice, application=application)
    application.refresh_from_db()
    rows = len(decisions.need_lines(application.calculations.get()))
    decision = decisions.decision_make(acting_user=alice, application=application,
                                       lines=[LineDecision("granted")] * rows, acknowledge_provisional=True)
    exception = decisions.exception_request(acting_user=alice, case=case, recipient=woman, reason="other",
                                            reason_text="Test", valid_from=MONTH)
    return case, woman, man, kids, application, decision, exception


def _pages(case, woman, man, kids, application, decision, exception):
    c = {"case_id": case.pk}
    urls = [reverse("case_detail", kwargs=c), reverse("household_edit", kwargs=c),
            reverse("application_detail", kwargs={**c, "application_id": application.pk}),
            reverse("decision_detail", kwargs={**c, "decision_id": decision.pk}),
            reverse("exception_detail", kwargs={**c, "exception_id": exception.pk}),
            reverse("exception_new", kwargs=c), reverse("journal", kwargs=c), reverse("meeting_new", kwargs=c),
            reverse("case_list"), reverse("case_list") + "?q=Lind", reverse("worklist")]
    for person in (woman, man, *kids):
        urls.append(reverse("person_detail", kwargs={**c, "person_id": person.pk}))
    for adult in (woman, man):
        urls.append(reverse("plan_detail", kwargs={**c, "person_id": adult.pk}))
        urls.append(reverse("decision_letter", kwargs={**c, "decision_id": decision.pk, "person_id": adult.pk}))
        for lang in ("sv", "en", "ar"):
            urls.append(reverse("decision_letter_page", kwargs={**c, "decision_id": decision.pk,
                                                                "person_id": adult.pk, "lang": lang}))
    return urls


def test_no_page_or_letter_shows_the_households_protected_address(client, shared, alice, bob):
    urls = _pages(*shared)
    for user in (alice, bob):
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            if response["Content-Type"] == "application/pdf":
                _clean(_pdf_text(response.content), url)
            else:
                _clean(response.content.decode(), url)
    for recipient in DecisionRecipient.objects.filter(decision=shared[5]):
        _clean(recipient.letter_html, f"the stored letter of {recipient.person}")
    client.force_login(bob)
    _clean(client.get(reverse("access_log"), {"identity_number": shared[2].identity_number}).content.decode(),
           "the access log")


def test_the_partners_letter_has_no_address_and_no_reason(shared):
    decision, man = shared[5], shared[2]
    letter = DecisionRecipient.objects.get(decision=decision, person=man).letter_html
    assert "Johan Lind" in letter and "skyddade personuppgifter" not in letter.lower().replace("\n", " ")


def test_the_payment_file_accounting_file_and_the_register_file_leave_it_out(client, shared, petra, bob,
                                                                             settings, tmp_path, stina):
    settings.LIKA_PAYMENT_FILES = tmp_path
    run = payments.payment_run_create(acting_user=petra, month=MONTH)
    run = payments.payment_run_prepare(acting_user=petra, run=run)
    bob.can_attest_payments = True
    bob.save()
    run = payments.payment_run_attest(acting_user=bob, run=run)
    path = payments.payment_run_export(acting_user=petra, run=run)
    assert run.orders.count() == 2
    _clean(open(path, encoding="utf-8").read(), "the pain.001 file")
    client.force_login(petra)
    for name in ("payment_runs", "payment_run_detail", "payment_run_accounting", "payment_run_file"):
        kwargs = {} if name == "payment_runs" else {"run_id": run.pk}
        response = client.get(reverse(name, kwargs=kwargs))
        body = b"".join(response.streaming_content) if response.streaming else response.content
        _clean(body.decode("utf-8", "replace"), name)
    target = tmp_path / "ss.csv"
    call_command("report", "socialstyrelsen", "--month", "2026-12", "--output", str(target), "--user", "stina",
                 stdout=io.StringIO(), stderr=io.StringIO())
    _clean(target.read_text(encoding="utf-8"), "the Socialstyrelsen file")


@pytest.mark.parametrize("who", ["man", "kid"])
def test_a_member_reveals_the_address_only_through_the_logged_action(client, shared, alice, who):
    case, woman, man, kids = shared[:4]
    person = man if who == "man" else kids[0]
    client.force_login(alice)
    url = reverse("person_detail", kwargs={"case_id": case.pk, "person_id": person.pk})
    page = client.get(url).content.decode()
    assert 'name="street_address"' not in page, "the address is not in the edit form either"
    assert "Någon i hushållet har skyddade personuppgifter" in page
    revealed = client.post(url, {"action": "reveal"}).content.decode()
    assert PROTECTED_ADDRESS in revealed
    entry = AccessLogEntry.objects.get(object_type="protected_address", person_id=person.pk)
    assert entry.actor == alice and PROTECTED_ADDRESS not in str(entry.new_values)
    _clean(client.get(url).content.decode(), "the page after the reveal")


def test_saving_a_members_details_keeps_the_hidden_address(client, shared, alice):
    case, woman, man = shared[:3]
    client.force_login(alice)
    url = reverse("person_detail", kwargs={"case_id": case.pk, "person_id": man.pk})
    response = client.post(url, {"action": "save", "first_name": "Johan", "last_name": "Lind", "phone": "070-1"})
    assert response.status_code == 302
    man.refresh_from_db()
    assert man.street_address == PROTECTED_ADDRESS and man.phone == "070-1"
    assert man.iban == "SE4550000000058398257466", "an empty account field changes nothing"


def test_a_household_without_protection_shows_its_address(client, unit_a, alice):
    case, woman, man, kids = couple_case(unit_a, case_worker=alice)
    client.force_login(alice)
    page = client.get(reverse("person_detail", kwargs={"case_id": case.pk, "person_id": man.pk})).content.decode()
    assert "Storgatan 1" in page


def test_the_case_page_reads_protection_for_all_members_at_once(client, shared, alice,
                                                                django_assert_max_num_queries):
    case = shared[0]
    client.force_login(alice)
    client.get(reverse("case_detail", kwargs={"case_id": case.pk}))
    with django_assert_max_num_queries(40) as counted:
        client.get(reverse("case_detail", kwargs={"case_id": case.pk}))
    asks = [q["sql"] for q in counted.captured_queries if "protected_identity" in q["sql"].partition("WHERE")[2]]
    assert len(asks) == 1, asks
