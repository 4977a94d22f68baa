"""Issue 16: the same insight for each adult — the household's applications, the
calculation line by line, every decision and her own letter, the payments to her and to
the household, her own plan and her meetings; never the partner's account, plan,
individual meetings, notes or violence screening; another household's ids are 404."""

import re
from datetime import date

import pytest
from django.urls import reverse

from lika.audit.models import AccessLogEntry
from lika.cases import services
from lika.cases.models import DecisionRecipient
from lika.eservice.models import Notification, ResidentContact
from lika.payments.models import PaymentOrder
from tests.cases.factories import couple_case

from .conftest import resident_client
from .decided import MONTH, decide, meetings_and_plans, pay

pytestmark = pytest.mark.django_db

HIS_IBAN = "SE4550000000058398257466"
HER_ACCOUNT = "1234560"


@pytest.fixture
def world(couple, alice, bob, petra, settings, tmp_path, files):
    case, woman, man, kids = couple
    bob.can_attest_payments = True
    bob.save()
    application, decision = decide(case, woman, man, alice, income=300000)
    run = pay(MONTH, petra, bob, settings, tmp_path)
    meetings = meetings_and_plans(case, woman, man, alice)
    return {"case": case, "woman": woman, "man": man, "application": application, "decision": decision,
            "run": run, "meetings": meetings}


@pytest.fixture
def other_household(unit_a, alice, couple):
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    application, decision = decide(case, woman, man, alice)
    return {"case": case, "woman": woman, "application": application, "decision": decision}


def _clean(html: str) -> str:
    """The page without its random tokens (a CSRF token could hold any four digits)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start:html.index("</section>", start)]


def her_pages(world, person):
    decision = world["decision"]
    return [reverse("eservice_home"), reverse("eservice_applications"),
            reverse("eservice_application", kwargs={"application_id": world["application"].pk}),
            reverse("eservice_decision", kwargs={"decision_id": decision.pk}),
            reverse("eservice_appeal_new", kwargs={"decision_id": decision.pk}),
            reverse("eservice_payments"), reverse("eservice_plan"), reverse("eservice_meetings")]


def test_each_adult_sees_the_same_decision_and_the_same_calculation(world):
    url = reverse("eservice_decision", kwargs={"decision_id": world["decision"].pk})
    hers = resident_client(world["woman"]).get(url)
    his = resident_client(world["man"]).get(url)
    assert hers.status_code == his.status_code == 200
    hers, his = hers.content.decode(), his.content.decode()
    for section in ("h-lines", "h-calculation"):
        assert _section(hers, section) == _section(his, section)
    calculation = _section(hers, "h-calculation")
    # norm items, costs, incomes and the result, in the e-service's own words
    assert "Personliga kostnader för er två vuxna" in calculation
    assert "Hyra eller annan boendekostnad" in calculation
    assert "Lön (Johan)" in calculation
    assert "Beräknat bistånd" in calculation
    lines = _section(hers, "h-lines")
    assert "Delvis beviljat" in lines and "Hyran är för hög" in lines and "SoL (2025:400)" in lines


def test_the_application_status_in_plain_words(world, alice):
    case, woman = world["case"], world["woman"]
    january = services.application_create(acting_user=alice, case=case, month=date(2027, 1, 1), applicant=world["man"])
    client = resident_client(woman)
    listing = client.get(reverse("eservice_applications")).content.decode()
    assert "Mottagen" in listing and "Beslut fattat" in listing
    page = client.get(reverse("eservice_application", kwargs={"application_id": january.pk}))
    assert page.status_code == 200 and "Vi har tagit emot ansökan" in page.content.decode()


def test_her_payments_and_the_household_total_never_the_partners_account(world):
    woman, man = world["woman"], world["man"]
    hers = PaymentOrder.objects.get(person=woman)
    his = PaymentOrder.objects.get(person=man)
    html = resident_client(woman).get(reverse("eservice_payments")).content.decode()
    mine = _section(html, "h-mine")
    assert "****4560" in mine
    household = _section(html, "h-household")
    from lika.core.money import format_kronor

    assert format_kronor(hers.amount + his.amount) in household
    assert format_kronor(his.amount) in household  # his share, by amount only
    assert "7466" not in _clean(html) and "Utbetalningsavi" not in html


@pytest.mark.parametrize("who", ["woman", "man"])
def test_the_partners_account_digits_are_on_none_of_her_pages(world, who):
    person = world[who]
    partner_number = HIS_IBAN if who == "woman" else HER_ACCOUNT
    client = resident_client(person)
    for url in her_pages(world, person):
        response = client.get(url)
        assert response.status_code == 200, url
        html = _clean(response.content.decode())
        assert partner_number not in html, url
        assert partner_number[-4:] not in html, url


def test_the_partners_plan_individual_meetings_notes_and_screening_are_absent(world):
    client = resident_client(world["woman"])
    meetings = client.get(reverse("eservice_meetings")).content.decode()
    assert "2026-11-20" in meetings and "2026-11-21" in meetings  # the joint one and her own
    assert "2026-11-23" not in meetings  # his individual meeting
    plan = client.get(reverse("eservice_plan")).content.decode()
    assert "Saras mål: körkort" in plan and "Saras SFI kurs D" in plan
    assert "Johan" not in plan and "truckkort" not in plan
    for url in her_pages(world, world["woman"]):
        html = client.get(url).content.decode()
        assert "HEMLIG" not in html, url
        assert "truckkort" not in html and "arbetsträning" not in html.lower(), url
    his = resident_client(world["man"]).get(reverse("eservice_meetings")).content.decode()
    assert "2026-11-21" not in his and "2026-11-23" in his


def test_another_households_ids_are_not_found(world, other_household):
    client = resident_client(world["woman"])
    decision = other_household["decision"].pk
    for url in (reverse("eservice_decision", kwargs={"decision_id": decision}),
                reverse("eservice_decision_letter", kwargs={"decision_id": decision}),
                reverse("eservice_appeal_new", kwargs={"decision_id": decision}),
                reverse("eservice_application", kwargs={"application_id": other_household["application"].pk})):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("eservice_appeal_new", kwargs={"decision_id": decision}),
                       {"text": "x"}).status_code == 404


def test_each_adult_downloads_her_own_letter_and_the_download_is_logged(world):
    decision = world["decision"]
    url = reverse("eservice_decision_letter", kwargs={"decision_id": decision.pk})
    for person in (world["woman"], world["man"]):
        response = resident_client(person).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        recipient = DecisionRecipient.objects.get(decision=decision, person=person)
        assert bytes(recipient.letter) == response.content  # her own copy
        assert AccessLogEntry.objects.filter(object_type="decision_letter", object_id=str(recipient.pk),
                                             person_id=person.pk, action="export").exists()


def test_every_read_is_logged_with_her_person_id(world):
    woman = world["woman"]
    client = resident_client(woman)
    for url in her_pages(world, woman):
        before = AccessLogEntry.objects.filter(person_id=woman.pk).count()
        assert client.get(url).status_code == 200
        assert AccessLogEntry.objects.filter(person_id=woman.pk).count() > before, url


def test_both_adults_are_notified_when_a_decision_is_issued(couple, alice, files, django_capture_on_commit_callbacks):
    case, woman, man, _kids = couple
    for person in (woman, man):
        ResidentContact.objects.create(person=person, email=f"{person.first_name.lower()}@example.se",
                                       notify_by_email=True)
    with django_capture_on_commit_callbacks(execute=True):
        decide(case, woman, man, alice)
    assert set(Notification.objects.filter(kind="decision").values_list("person_id", flat=True)) == {woman.pk,
                                                                                                      man.pk}
    for path in (files / "notifications").iterdir():
        assert "kr" not in path.read_text()  # nothing about the content


def test_a_resident_without_a_case_sees_empty_pages(unit_a, db):
    from tests.cases.factories import person

    stranger = person("Ida", "Ek", date(1985, 5, 5), "F")
    client = resident_client(stranger)
    for name in ("eservice_applications", "eservice_payments", "eservice_plan", "eservice_meetings"):
        assert client.get(reverse(name)).status_code == 200, name
