"""Applying in the e-service: the first application (case, household, registerledare = the
one who applied, whoever she is), the monthly application with rows per person, "copy last
month", the co-applicant's confirmation in his own login, attachments, and the case
worker's work list."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection  # noqa: F401 - in a skipif
from django.urls import reverse

from lika.audit.models import AccessLogEntry
from lika.cases import services as case_services
from lika.cases.models import Application, ApplicationParty, Case
from lika.eservice import applying
from lika.eservice.actor import eservice_actor
from lika.eservice.models import Notification, ResidentContact
from lika.eservice.models_apply import ApplicationAttachment
from lika.eservice.session import Resident
from lika.households.models import HouseholdMembership, Person
from tests.cases.factories import couple_case, single_case
from tests.conftest import PASSWORD
from tests.threads import race

from .conftest import resident_client

pytestmark = pytest.mark.django_db

# fictional, valid personnummer (Skatteverket's test numbers)
WOMAN_PNR, MAN_PNR, CHILD_PNR = "198507099805", "198112189876", "201802272383"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def resident(person_or_pnr, given="", family=""):
    if isinstance(person_or_pnr, Person):
        return Resident(identity_number=person_or_pnr.identity_number, given_name=person_or_pnr.first_name,
                        family_name=person_or_pnr.last_name, method="oidc")
    return Resident(identity_number=person_or_pnr, given_name=given, family_name=family, method="oidc")


def pnr_client(pnr, given="", family=""):
    from django.test import Client

    from lika.eservice.session import KEY

    client = Client()
    session = client.session
    session[KEY] = {"pnr": pnr, "given": given, "family": family, "method": "oidc", "at": 0}
    session.save()
    client.cookies["sessionid"] = session.session_key
    return client


def first_month():
    return applying.month_choices(None)[0]


def contact(person):
    ResidentContact.objects.create(person=person, email=f"{person.first_name.lower()}@example.se",
                                   notify_by_email=True)


def rows_post(month, rows, action="submit", **extra):
    data = {"month": f"{month:%Y-%m}", "rows": str(len(rows)), "action": action}
    for i, (kind, owner, type_, amount) in enumerate(rows):
        data.update({f"row-{i}-kind": kind, f"row-{i}-person": str(owner), f"row-{i}-type": type_,
                     f"row-{i}-amount": amount, f"row-{i}-note": ""})
    data.update(extra)
    return data


def counts():
    return (Case.objects.count(), Application.objects.count(), Person.objects.count(),
            HouseholdMembership.objects.count(), ApplicationAttachment.objects.count())


# --- the first application ---------------------------------------------------------------

@pytest.mark.parametrize("who", ["woman", "man"])
def test_the_first_application_creates_the_case_and_whoever_applies_is_registerledare(
        who, unit_a, unit_b, settings, files, django_capture_on_commit_callbacks):
    settings.LIKA_ESERVICE_INTAKE_UNIT = unit_b.code
    me, partner = (WOMAN_PNR, MAN_PNR) if who == "woman" else (MAN_PNR, WOMAN_PNR)
    client = pnr_client(me, "Amal", "Haddad")
    month = first_month()
    response = client.post(reverse("eservice_apply"), {
        "month": f"{month:%Y-%m}", "partner_identity_number": partner, "partner_first_name": "Karim",
        "partner_last_name": "Haddad", "children": "1", "child-0-identity_number": CHILD_PNR,
        "child-0-first_name": "Lina", "child-0-last_name": "Haddad", "action": "submit"})
    assert response.status_code == 302, response.content.decode().split("<main")[1][:1500]
    case = Case.objects.get()
    applicant = Person.objects.get(identity_number=me)
    assert case.registerledare == applicant
    assert case.unit == unit_b and case.case_worker is None
    assert applicant.legal_gender == ("F" if who == "woman" else "M")  # from the personnummer
    assert applicant.birth_date == date(int(me[:4]), int(me[4:6]), int(me[6:8]))
    application = Application.objects.get()
    assert application.channel == "e_service" and application.applicant == applicant
    assert application.month == month and application.created_by == eservice_actor()
    parties = {p.role: p for p in application.parties.all()}
    assert parties["applicant"].confirmed_at is not None
    assert parties["applicant"].confirmed_channel == "e_service"
    assert parties["co_applicant"].person.identity_number == partner
    assert parties["co_applicant"].confirmed_at is None
    members = HouseholdMembership.objects.filter(household=case.household)
    assert sorted(m.role for m in members) == ["adult", "adult", "child"]
    assert all(m.cohabiting for m in members if m.role == "adult")
    assert response["Location"] == reverse("eservice_application_edit", kwargs={"application_id": application.pk})
    assert AccessLogEntry.objects.filter(object_type="case", action="create", person_id=applicant.pk).exists()


def test_the_first_application_in_the_municipalitys_first_unit_by_default(unit_a, unit_b, settings):
    settings.LIKA_ESERVICE_INTAKE_UNIT = ""
    application = applying.first_application_submit(resident=resident(WOMAN_PNR, "Amal", "Haddad"),
                                                    month=first_month())
    assert application.case.unit == unit_a
    assert not application.parties.filter(role="co_applicant").exists()


def test_the_first_application_is_refused_when_the_partner_has_an_open_case(unit_a, unit_b, alice):
    case, woman, man, kids = couple_case(unit_b)
    client = pnr_client(WOMAN_PNR, "Amal", "Haddad")
    before = counts()
    response = client.post(reverse("eservice_apply"), {
        "month": f"{first_month():%Y-%m}", "partner_identity_number": man.identity_number,
        "partner_first_name": "Johan", "partner_last_name": "Lind", "children": "0", "action": "submit"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "redan ett pågående ärende" in html
    assert unit_b.name not in html and case.reference not in html  # not where
    assert counts() == before


def test_the_first_application_with_a_bad_personnummer_is_400_and_writes_nothing(unit_a):
    client = pnr_client(WOMAN_PNR, "Amal", "Haddad")
    before = counts()
    response = client.post(reverse("eservice_apply"), {
        "month": f"{first_month():%Y-%m}", "partner_identity_number": "19900101-0000",
        "partner_first_name": "X", "partner_last_name": "Y", "children": "1", "child-0-identity_number": "",
        "child-0-first_name": "Lina", "child-0-last_name": "", "action": "submit"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Barn 1: fyll i personnummer" in html and "Något behöver rättas" in html
    assert counts() == before
    response = client.post(reverse("eservice_apply"), {
        "month": f"{first_month():%Y-%m}", "partner_identity_number": "19900101-0000",
        "partner_first_name": "X", "partner_last_name": "Y", "children": "0", "action": "submit"})
    assert response.status_code == 400 and "Personnumret 19900101-0000 är inte giltigt" in response.content.decode()
    assert counts() == before


def test_children_rows_are_added_and_removed_without_javascript(unit_a):
    client = pnr_client(WOMAN_PNR, "Amal", "Haddad")
    month = f"{first_month():%Y-%m}"
    added = client.post(reverse("eservice_apply"), {"month": month, "children": "1", "add": "child",
                                                    "child-0-first_name": "Lina"})
    html = added.content.decode()
    assert added.status_code == 200 and 'name="children" value="2"' in html and 'value="Lina"' in html
    removed = client.post(reverse("eservice_apply"), {"month": month, "children": "2", "remove": "0",
                                                      "child-0-first_name": "Lina", "child-1-first_name": "Omar"})
    html = removed.content.decode()
    assert 'name="children" value="1"' in html and 'value="Omar"' in html and 'value="Lina"' not in html
    assert Case.objects.count() == 0


# --- the monthly application ---------------------------------------------------------------

@pytest.fixture
def couple(unit_a, alice):
    case, woman, man, kids = couple_case(unit_a, case_worker=alice, woman_first=True)
    return case, woman, man, kids


def test_a_joint_application_needs_the_other_adults_own_confirmation(couple, files,
                                                                     django_capture_on_commit_callbacks):
    case, woman, man, kids = couple
    contact(man)
    month = applying.month_choices(case)[0]
    client = resident_client(woman)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("eservice_apply"), rows_post(month, [
            ("income", woman.pk, "salary", "8 200"), ("income", man.pk, "unemployment_benefit", "6100,50"),
            ("income", kids[0].pk, "child_allowance", "1250"), ("cost", "hh", "housing", "7000")]))
    assert response.status_code == 302, response.content.decode()[:3000]
    application = Application.objects.get(case=case, month=month)
    assert application.applicant == woman
    case.refresh_from_db()
    assert case.registerledare == woman
    incomes = {(i.person_id, i.type): i.amount for i in application.incomes.all()}
    assert incomes == {(woman.pk, "salary"): 820000, (man.pk, "unemployment_benefit"): 610050,
                       (kids[0].pk, "child_allowance"): 125000}
    assert [(c.person_id, c.type, c.amount) for c in application.costs.all()] == [(None, "housing", 700000)]
    mine = application.parties.get(person=woman)
    his = application.parties.get(person=man)
    assert mine.confirmed_at is not None and his.role == "co_applicant" and his.confirmed_at is None
    assert Notification.objects.filter(person=man, kind="confirm").exists()
    assert not Notification.objects.filter(person=woman).exists()
    body = json.loads(next((files / "notifications").iterdir()).read_text())["body"]
    assert "8" not in body and "Sara" not in body  # nothing sensitive in the message

    # the woman cannot confirm for him: her session is her own
    refused = client.post(reverse("eservice_application_confirm", kwargs={"application_id": application.pk}))
    assert refused.status_code == 400
    assert "Det finns inget för dig att bekräfta" in refused.content.decode()
    his.refresh_from_db()
    assert his.confirmed_at is None

    # he sees it waiting on Mina sidor, with its contents, and confirms in his own login
    his_client = resident_client(man)
    home = his_client.get(reverse("eservice_home")).content.decode()
    assert "Väntar på din bekräftelse" in home
    page = his_client.get(reverse("eservice_application", kwargs={"application_id": application.pk})).content.decode()
    assert "Väntar på din bekräftelse" in page and "8\u00a0200" in page and "Jag bekräftar ansökan" in page
    assert his_client.post(reverse("eservice_application_confirm",
                                   kwargs={"application_id": application.pk})).status_code == 302
    his.refresh_from_db()
    assert his.confirmed_at is not None and his.confirmed_channel == "e_service"
    assert his.confirmation_recorded_by == eservice_actor()
    again = his_client.post(reverse("eservice_application_confirm", kwargs={"application_id": application.pk}))
    assert again.status_code == 400 and "Du har redan bekräftat ansökan" in again.content.decode()
    assert AccessLogEntry.objects.filter(object_type="application", object_id=str(application.pk),
                                         person_id=man.pk, summary__contains="bekräftat").exists()
    assert "Väntar på din bekräftelse" not in his_client.get(reverse("eservice_home")).content.decode()


def test_the_work_list_shows_the_e_service_and_the_co_applicants_confirmation(couple, client, alice):
    case, woman, man, kids = couple
    month = applying.month_choices(case)[0]
    application = applying.monthly_application_submit(
        resident=resident(woman), month=month, costs=[case_services.Entry("housing", 700000)], incomes=[])
    client.login(username=alice.username, password=PASSWORD)
    html = client.get(reverse("worklist")).content.decode()
    assert "från e-tjänsten" in html and "medsökande har inte bekräftat" in html
    applying.application_confirm_by_resident(resident=resident(man), application_id=application.pk)
    html = client.get(reverse("worklist")).content.decode()
    assert "medsökande har bekräftat" in html and "medsökande har inte bekräftat" not in html


def test_a_single_adult_applies_alone(unit_a):
    case, adult = single_case(unit_a)
    application = applying.monthly_application_submit(
        resident=resident(adult), month=applying.month_choices(case)[0], costs=[],
        incomes=[case_services.Entry("salary", 100000, adult.pk)])
    assert [p.role for p in application.parties.all()] == ["applicant"]
    assert application.parties.get().confirmed_at is not None


def test_a_month_already_applied_for_is_refused(couple):
    case, woman, man, kids = couple
    month = applying.month_choices(case)[0]
    applying.monthly_application_submit(resident=resident(woman), month=month, costs=[],
                                        incomes=[case_services.Entry("salary", 100000, woman.pk)])
    assert month not in applying.month_choices(case)
    with pytest.raises(ValidationError, match="Det finns redan en ansökan"):
        applying.monthly_application_submit(resident=resident(man), month=month, costs=[],
                                            incomes=[case_services.Entry("salary", 100000, man.pk)])
    assert Application.objects.filter(case=case, month=month).count() == 1


def test_copy_last_months_application(couple):
    case, woman, man, kids = couple
    months = applying.month_choices(case)
    previous = case_services.application_create(acting_user=eservice_actor(), case=case, month=months[0],
                                                applicant=woman)
    case_services.application_entries_save(
        acting_user=eservice_actor(), application=previous, obstacles={},
        costs=[case_services.Entry("housing", 712300), case_services.Entry("medical", 45000, man.pk, "Medicin")],
        incomes=[case_services.Entry("salary", 931000, woman.pk)])
    client = resident_client(woman)
    response = client.post(reverse("eservice_apply"), rows_post(months[1], [], action="copy"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="7123"' in html and 'value="9310"' in html and 'value="450"' in html and 'value="Medicin"' in html
    assert 'name="rows" value="3"' in html
    assert Application.objects.count() == 1  # copying writes nothing


def test_rows_are_added_and_removed_freely(couple):
    case, woman, man, kids = couple
    month = applying.month_choices(case)[0]
    client = resident_client(woman)
    rows = [("income", woman.pk, "salary", "100")]
    added = client.post(reverse("eservice_apply"), rows_post(month, rows, action="", add=f"cost-{man.pk}"))
    html = added.content.decode()
    assert added.status_code == 200 and 'name="rows" value="2"' in html
    assert f'name="row-1-person" value="{man.pk}"' in html and 'name="row-1-kind" value="cost"' in html
    many = rows * 9
    more = client.post(reverse("eservice_apply"), rows_post(month, many, action="", add="income-hh"))
    assert 'name="rows" value="10"' in more.content.decode()  # no fixed six rows
    removed = client.post(reverse("eservice_apply"), rows_post(
        month, [("income", woman.pk, "salary", "100"), ("cost", "hh", "housing", "7000")], action="", remove="0"))
    html = removed.content.decode()
    assert 'name="rows" value="1"' in html and 'value="7000"' in html and 'value="100"' not in html
    assert Application.objects.count() == 0


def test_bad_rows_are_400_with_the_person_and_row_named_and_nothing_written(couple):
    case, woman, man, kids = couple
    month = applying.month_choices(case)[0]
    client = resident_client(woman)
    _other_case, stranger = single_case(case.unit)
    before = counts()
    response = client.post(reverse("eservice_apply"), rows_post(month, [
        ("income", woman.pk, "salary", "100"), ("income", woman.pk, "salary", "tusen")]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Inkomst 2 för Sara Lind: Skriv beloppet i kronor" in html and 'href="#row-1-type"' in html
    response = client.post(reverse("eservice_apply"), rows_post(month, [("income", stranger.pk, "salary", "100")]))
    assert response.status_code == 400 and "finns i ert hushåll" in response.content.decode()
    response = client.post(reverse("eservice_apply"), rows_post(month, [("cost", "hh", "housing", "100"),
                                                                        ("cost", "hh", "housing", "200")]))
    assert response.status_code == 400 and "boendekostnaden på en rad" in response.content.decode()
    response = client.post(reverse("eservice_apply"), rows_post(month, [("income", woman.pk, "lottery", "100")]))
    assert response.status_code == 400 and "Välj vad det är för inkomst" in response.content.decode()
    response = client.post(reverse("eservice_apply"), {**rows_post(month, []), "rows": "5000"})
    assert response.status_code == 400
    assert counts() == before


def test_another_households_ids_are_404(couple, unit_b, files):
    case, woman, man, kids = couple
    application = applying.monthly_application_submit(
        resident=resident(woman), month=applying.month_choices(case)[0], costs=[],
        incomes=[case_services.Entry("salary", 100000, woman.pk)])
    attachment = applying.attachment_upload(resident=resident(woman), application_id=application.pk,
                                            kind="receipt", upload=SimpleUploadedFile("kvitto.pdf", PDF))
    _other, stranger = single_case(unit_b)
    client = resident_client(stranger)
    ids = {"application_id": application.pk}
    for name in ("eservice_application", "eservice_application_edit"):
        assert client.get(reverse(name, kwargs=ids)).status_code == 404
    assert client.post(reverse("eservice_application_confirm", kwargs=ids)).status_code == 404
    assert client.post(reverse("eservice_attachment_upload", kwargs=ids),
                       {"kind": "receipt", "file": SimpleUploadedFile("x.pdf", PDF)}).status_code == 404
    assert client.get(reverse("eservice_attachment", kwargs={**ids, "attachment_id": attachment.pk})).status_code == 404
    assert ApplicationAttachment.objects.count() == 1


def test_the_applicant_changes_the_rows_and_the_co_applicant_confirms_again(couple, files):
    case, woman, man, kids = couple
    application = applying.monthly_application_submit(
        resident=resident(woman), month=applying.month_choices(case)[0], costs=[],
        incomes=[case_services.Entry("salary", 100000, woman.pk)])
    applying.application_confirm_by_resident(resident=resident(man), application_id=application.pk)
    client = resident_client(woman)
    url = reverse("eservice_application_edit", kwargs={"application_id": application.pk})
    assert client.get(url).status_code == 200
    assert resident_client(man).get(url).status_code == 404  # only the applicant changes it
    response = client.post(url, rows_post(application.month, [("income", woman.pk, "salary", "1200")],
                                          action="save"))
    assert response.status_code == 302
    assert application.incomes.get().amount == 120000
    assert application.parties.get(person=man).confirmed_at is None


# --- attachments -----------------------------------------------------------------------------

@pytest.fixture
def joint(couple, files):
    case, woman, man, kids = couple
    application = applying.monthly_application_submit(
        resident=resident(woman), month=applying.month_choices(case)[0], costs=[],
        incomes=[case_services.Entry("salary", 100000, woman.pk)])
    return case, woman, man, application


def test_an_attachment_is_stored_outside_the_web_root_and_served_to_the_parties_and_the_unit(
        joint, files, client, alice, charlie):
    case, woman, man, application = joint
    woman_client = resident_client(woman)
    ids = {"application_id": application.pk}
    response = woman_client.post(reverse("eservice_attachment_upload", kwargs=ids),
                                 {"kind": "receipt", "file": SimpleUploadedFile("kvitto mars.pdf", PDF)})
    assert response.status_code == 302
    attachment = ApplicationAttachment.objects.get()
    assert attachment.uploaded_by_person == woman and attachment.size == len(PDF)
    assert attachment.content_type == "application/pdf" and attachment.original_name == "kvitto mars.pdf"
    import hashlib

    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    stored = files / "private" / "eservice" / "attachments" / str(case.pk) / attachment.stored_name
    assert stored.read_bytes() == PDF and "kvitto" not in attachment.stored_name
    url = reverse("eservice_attachment", kwargs={**ids, "attachment_id": attachment.pk})
    for person in (woman, man):  # the uploader, and the other adult of the joint application
        got = resident_client(person).get(url)
        assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
        assert got["Content-Type"] == "application/pdf" and "attachment" in got["Content-Disposition"]
        assert AccessLogEntry.objects.filter(object_type="eservice.applicationattachment", action="read",
                                             person_id=person.pk).exists()
    assert "kvitto mars.pdf" in resident_client(man).get(
        reverse("eservice_application", kwargs=ids)).content.decode()
    staff_url = reverse("application_attachment", kwargs={"case_id": case.pk, "application_id": application.pk,
                                                          "attachment_id": attachment.pk})
    client.login(username=alice.username, password=PASSWORD)
    page = client.get(reverse("application_detail", kwargs={"case_id": case.pk, "application_id": application.pk}))
    assert staff_url in page.content.decode()
    got = client.get(staff_url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert AccessLogEntry.objects.filter(object_type="eservice.applicationattachment", action="read",
                                         actor=alice).exists()
    client.logout()
    client.login(username=charlie.username, password=PASSWORD)
    assert client.get(staff_url).status_code == 404  # another unit
    assert resident_client(woman).get(staff_url).status_code == 302  # a resident is no staff


def test_an_attachment_of_a_single_applicant_is_not_served_to_a_non_party(unit_a, files):
    case, woman, man, kids = couple_case(unit_a)
    HouseholdMembership.objects.filter(household=case.household, role="adult").update(cohabiting=False)
    application = applying.monthly_application_submit(
        resident=resident(woman), month=applying.month_choices(case)[0], costs=[],
        incomes=[case_services.Entry("salary", 100000, woman.pk)])
    attachment = applying.attachment_upload(resident=resident(woman), application_id=application.pk,
                                            kind="lease", upload=SimpleUploadedFile("hyra.png", PNG))
    url = reverse("eservice_attachment", kwargs={"application_id": application.pk, "attachment_id": attachment.pk})
    assert resident_client(man).get(url).status_code == 404


@pytest.mark.parametrize(("name", "content", "message"), [
    ("kvitto.pdf", b"<html><script>alert(1)</script></html>", "Filtypen går inte att ladda upp"),
    ("kvitto.exe", b"MZ\x90\x00" + b"\x00" * 20, "Filtypen går inte att ladda upp"),
    ("kvitto.png", PDF, "stämmer inte med innehållet"),
    ("kvitto.pdf.html", PDF, "stämmer inte med innehållet"),
    ("kvitto<script>.pdf", PDF, "Filnamnet går inte att använda"),
    (".htaccess.pdf", PDF, "Filnamnet går inte att använda"),
    ("kvitto.pdf", b"", "Filen är tom"),
])
def test_hostile_names_and_types_are_refused_in_swedish(joint, files, name, content, message):
    case, woman, man, application = joint
    response = resident_client(woman).post(
        reverse("eservice_attachment_upload", kwargs={"application_id": application.pk}),
        {"kind": "receipt", "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ApplicationAttachment.objects.count() == 0
    folder = files / "private" / "eservice" / "attachments"
    assert not folder.exists() or not any(folder.rglob("*.*"))


@pytest.mark.parametrize("name", ["..\\..\\etc\\kvitto.pdf", "kvitto\x00.pdf", "kvitto\u202egpj.pdf", "x" * 201 + ".pdf"])
def test_hostile_names_are_refused_by_the_service(joint, files, name):
    case, woman, man, application = joint
    with pytest.raises(ValidationError, match="Filnamnet går inte att använda"):
        applying.attachment_upload(resident=resident(woman), application_id=application.pk, kind="receipt",
                                   upload=SimpleUploadedFile(name, PDF))
    assert ApplicationAttachment.objects.count() == 0


def test_a_file_over_ten_megabytes_is_refused(joint, files):
    case, woman, man, application = joint
    big = SimpleUploadedFile("stor.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError, match="större än 10 MB"):
        applying.attachment_upload(resident=resident(woman), application_id=application.pk, kind="receipt",
                                   upload=big)
    assert ApplicationAttachment.objects.count() == 0


def test_the_file_is_removed_when_the_row_cannot_be_written(joint, files, monkeypatch):
    case, woman, man, application = joint

    def fail(*args, **kwargs):
        raise RuntimeError("databasen svarar inte")

    monkeypatch.setattr(ApplicationAttachment.objects, "create", fail)
    with pytest.raises(RuntimeError):
        applying.attachment_upload(resident=resident(woman), application_id=application.pk, kind="receipt",
                                   upload=SimpleUploadedFile("kvitto.pdf", PDF))
    folder = files / "private" / "eservice" / "attachments" / str(case.pk)
    assert list(folder.iterdir()) == []


def test_an_unknown_kind_is_refused(joint, files):
    case, woman, man, application = joint
    response = resident_client(woman).post(
        reverse("eservice_attachment_upload", kwargs={"application_id": application.pk}),
        {"kind": "virus", "file": SimpleUploadedFile("kvitto.pdf", PDF)})
    assert response.status_code == 400 and "Välj vad det är för underlag" in response.content.decode()


# --- concurrency ---------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks: PostgreSQL")
def test_two_adults_applying_for_the_same_month_at_once_get_one_application(unit_a):
    case, woman, man, kids = couple_case(unit_a, woman_first=True)
    month = applying.month_choices(case)[0]

    def submit(person):
        return applying.monthly_application_submit(
            resident=resident(person), month=month, costs=[case_services.Entry("housing", 700000)], incomes=[])

    results = race(lambda: submit(woman), lambda: submit(man), expected=(ValidationError,))
    assert sorted(type(r).__name__ for r in results) == ["Application", "ValidationError"]
    refused = next(r for r in results if isinstance(r, ValidationError))
    assert "Det finns redan en ansökan" in refused.messages[0]
    application = Application.objects.get(case=case, month=month)
    assert ApplicationParty.objects.filter(application=application).count() == 2
    case.refresh_from_db()
    assert case.registerledare == application.applicant  # whoever came first


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks: PostgreSQL")
@pytest.mark.parametrize("known", [False, True])
def test_two_partners_applying_for_the_first_time_at_once_get_one_case(unit_a, known):
    """Both new to Lika (the unique personnummer decides) or both known without a case (the
    person rows are locked in one order): one case, one application, the other refused."""
    if known:
        from tests.cases.factories import person as make_person

        woman = make_person("Amal", "Haddad", date(1985, 7, 9), "F")
        man = make_person("Karim", "Haddad", date(1981, 12, 18), "M")
        Person.objects.filter(pk=woman.pk).update(identity_number=WOMAN_PNR)
        Person.objects.filter(pk=man.pk).update(identity_number=MAN_PNR)
    month = first_month()

    def submit(me, partner, given):
        return applying.first_application_submit(
            resident=resident(me, given, "Haddad"), month=month,
            partner=applying.PersonInput(partner, "Partner", "Haddad"))

    results = race(lambda: submit(WOMAN_PNR, MAN_PNR, "Amal"), lambda: submit(MAN_PNR, WOMAN_PNR, "Karim"),
                   expected=(ValidationError,))
    assert sorted(type(r).__name__ for r in results) == ["Application", "ValidationError"]
    assert Case.objects.count() == 1 and Application.objects.count() == 1
    assert Person.objects.filter(identity_number__in=[WOMAN_PNR, MAN_PNR]).count() == 2
    application = Application.objects.get()
    assert Case.objects.get().registerledare == application.applicant


def test_a_full_disk_is_a_swedish_message_and_nothing_is_kept(couple, files, monkeypatch):
    """The disk fills while the attachment is written: the page says so in Swedish (400), no
    row, no file left behind."""
    import builtins
    import errno

    case, woman, man, kids = couple
    application = applying.monthly_application_submit(
        resident=resident(woman), month=applying.month_choices(case)[0], costs=[],
        incomes=[case_services.Entry("salary", 100000, woman.pk)])
    real_open = builtins.open

    class FullDisk:
        def __init__(self, handle):
            self.handle = handle

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.handle, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

    def full_open(path, mode="r", *args, **kwargs):
        handle = real_open(path, mode, *args, **kwargs)
        return FullDisk(handle) if "x" in mode else handle

    monkeypatch.setattr(builtins, "open", full_open)
    client = resident_client(woman)
    response = client.post(reverse("eservice_attachment_upload", kwargs={"application_id": application.pk}),
                           {"kind": "receipt", "file": SimpleUploadedFile("kvitto.pdf", PDF)})
    monkeypatch.undo()
    assert response.status_code == 400
    assert "Filen kunde inte sparas just nu" in response.content.decode()
    assert ApplicationAttachment.objects.count() == 0
    folder = files / "private" / "eservice" / "attachments" / str(case.pk)
    assert not folder.exists() or list(folder.iterdir()) == []
