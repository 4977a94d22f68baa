"""Issue 17, item 4: the monthly re-application on the staff side.

A new month's application starts from the previous one (costs, incomes and
försörjningshinder of those still in the household); on the application's page rows are
added and removed with submit buttons (no JavaScript), each keeping its person; errors
name the row and the person."""

from datetime import date

import pytest
from django.urls import reverse

from lika.audit.models import AccessLogEntry
from lika.cases import services
from lika.cases.models import Application
from lika.cases.reapplication import previous_entries
from lika.cases.services import Entry
from lika.households.models import HouseholdMembership
from tests.cases.factories import couple_case

pytestmark = pytest.mark.django_db
NOVEMBER, DECEMBER = date(2026, 11, 1), date(2026, 12, 1)


@pytest.fixture
def november(unit_a, alice):
    case, woman, man, kids = couple_case(unit_a, case_worker=alice)
    application = services.application_create(acting_user=alice, case=case, month=NOVEMBER, applicant=woman)
    services.application_entries_save(
        acting_user=alice, application=application,
        costs=[Entry("housing", 820000), Entry("electricity", 45050, note="Vattenfall")],
        incomes=[Entry("salary", 400000, person_id=woman.pk), Entry("child_allowance", 250000),
                 Entry("salary", 100000, person_id=kids[0].pk)],
        obstacles={woman.pk: "parental_leave", man.pk: "unemployed"})
    return case, woman, man, kids, application


def _detail(case, application):
    return reverse("application_detail", kwargs={"case_id": case.pk, "application_id": application.pk})


def test_a_new_month_starts_from_the_previous_application(client, alice, november):
    case, woman, man, kids, previous = november
    client.force_login(alice)
    url = reverse("application_new", kwargs={"case_id": case.pk})
    page = client.get(url).content.decode()
    assert "Fyll i kostnader, inkomster och försörjningshinder från ansökan 2026-11" in page
    response = client.post(url, {"month": "2026-12", "applicant": man.pk, "channel": "paper",
                                 "received_on": "2026-11-25", "applicant_confirmed": "on", "copy_previous": "on"})
    assert response.status_code == 302
    new = Application.objects.get(month=DECEMBER)
    assert sorted((c.type, c.amount, c.person_id, c.note) for c in new.costs.all()) == [
        ("electricity", 45050, None, "Vattenfall"), ("housing", 820000, None, "")]
    assert sorted((i.type, i.amount, i.person_id) for i in new.incomes.all()) == sorted([
        ("salary", 400000, woman.pk), ("child_allowance", 250000, None), ("salary", 100000, kids[0].pk)])
    assert {o.person_id: o.category for o in new.obstacles.all()} == {woman.pk: "parental_leave",
                                                                      man.pk: "unemployed"}
    assert previous.costs.count() == 2, "the previous application is untouched"
    assert AccessLogEntry.objects.filter(object_type="application", object_id=new.pk,
                                         summary__startswith="Kostnader").exists()
    assert "ifylld från ansökan 2026-11" in client.get(response["Location"]).content.decode()


def test_without_the_box_the_new_application_is_empty(client, alice, november):
    case, woman, man, _kids, _previous = november
    client.force_login(alice)
    client.post(reverse("application_new", kwargs={"case_id": case.pk}), {
        "month": "2026-12", "applicant": man.pk, "channel": "paper", "received_on": "2026-11-25"})
    new = Application.objects.get(month=DECEMBER)
    assert not new.costs.exists() and not new.incomes.exists() and not new.obstacles.exists()


def test_the_first_application_has_no_box(client, alice, unit_a):
    case, *_rest = couple_case(unit_a, case_worker=alice)
    client.force_login(alice)
    response = client.get(reverse("application_new", kwargs={"case_id": case.pk}))
    assert "copy_previous" not in response.context["form"].fields


def test_a_person_who_moved_out_and_a_withdrawn_application_are_not_copied(alice, november):
    case, woman, man, kids, previous = november
    HouseholdMembership.objects.filter(person=kids[0]).update(valid_to=date(2026, 11, 30))
    later = services.application_create(acting_user=alice, case=case, month=DECEMBER, applicant=man)
    services.application_entries_save(acting_user=alice, application=later, costs=[Entry("housing", 1)],
                                      incomes=[], obstacles={})
    services.application_withdraw(acting_user=alice, application=later, reason="Fel månad")
    copied = previous_entries(case, date(2027, 1, 1))
    assert copied.source == previous
    assert [i.person_id for i in copied.incomes if i.type == "salary"] == [woman.pk], "her son has moved out"


def test_fill_in_from_the_previous_application_on_the_page_then_add_remove_and_save(client, alice, november):
    case, woman, man, kids, _previous = november
    december = services.application_create(acting_user=alice, case=case, month=DECEMBER, applicant=man)
    client.force_login(alice)
    url = _detail(case, december)
    page = client.get(url)
    assert len(page.context["costs"]) == 2 and len(page.context["incomes"]) == 2, "two empty rows of each"
    assert "Fyll i från ansökan 2026-11" in page.content.decode()
    filled = client.post(url, {"action": "entries", "copy": "1", "cost-rows": "2", "income-rows": "2"})
    assert filled.status_code == 200 and not december.costs.exists(), "nothing saved yet"
    costs, incomes = filled.context["costs"], filled.context["incomes"]
    assert [f.initial["type"] for f in costs[:2]] == ["housing", "electricity"] and len(costs) == 4
    assert [f.initial["person"] for f in incomes[:3]] == [str(woman.pk), "", str(kids[0].pk)]
    # the rows as the browser sends them back, with "Lägg till inkomst" pressed
    data = {"action": "entries", "cost-rows": "2", "income-rows": "3", f"obstacle_{woman.pk}": "parental_leave",
            f"obstacle_{man.pk}": "unemployed",
            "cost0-type": "housing", "cost0-amount": "8 200", "cost1-type": "electricity", "cost1-amount": "450,50",
            "income0-type": "salary", "income0-person": str(woman.pk), "income0-amount": "4000",
            "income1-type": "child_allowance", "income1-amount": "2500",
            "income2-type": "salary", "income2-person": str(kids[0].pk), "income2-amount": "1000"}
    added = client.post(url, {**data, "add": "income"})
    assert added.status_code == 200 and len(added.context["incomes"]) == 4
    assert added.context["incomes"][2].initial["person"] == str(kids[0].pk), "each row keeps its person"
    assert "Välj slag" not in added.content.decode(), "no errors for the new empty row yet"
    # "Ta bort" on the child's salary: the rows after it move up with their persons
    removed = client.post(url, {**data, "income-rows": "4", "income3-type": "other",
                                "income3-person": str(man.pk), "income3-amount": "300", "remove": "income-2"})
    incomes = removed.context["incomes"]
    assert [(f.initial["type"], f.initial["person"]) for f in incomes] == [
        ("salary", str(woman.pk)), ("child_allowance", ""), ("other", str(man.pk))]
    assert not december.incomes.exists()
    saved = client.post(url, {**data, "income-rows": "3", "income2-type": "other",
                              "income2-person": str(man.pk), "income2-amount": "300", "calculate": "1"})
    assert saved.status_code == 302
    assert sorted((i.type, i.person_id, i.amount) for i in december.incomes.all()) == sorted([
        ("salary", woman.pk, 400000), ("child_allowance", None, 250000), ("other", man.pk, 30000)])
    assert december.costs.count() == 2 and december.calculations.count() == 1


def test_errors_name_the_row_and_the_person(client, alice, november):
    case, woman, man, kids, _previous = november
    december = services.application_create(acting_user=alice, case=case, month=DECEMBER, applicant=man)
    client.force_login(alice)
    response = client.post(_detail(case, december), {
        "action": "entries", "cost-rows": "1", "income-rows": "2", "cost0-type": "housing", "cost0-amount": "",
        "income0-type": "salary", "income0-person": str(woman.pk), "income0-amount": "4000",
        "income1-type": "", "income1-person": str(kids[0].pk), "income1-amount": "-5"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Kostnad 1 (Hushållet), Belopp, kr per månad:" in text
    assert f"Inkomst 2 ({kids[0]}), Belopp, kr per månad:" in text
    assert "Inkomst 1 (" not in text
    assert not december.costs.exists() and not december.incomes.exists(), "nothing half-written"


@pytest.mark.parametrize("bad", [{"cost-rows": "999"}, {"cost-rows": "x"}, {"remove": "cost-7"},
                                 {"remove": "income-x"}])
def test_a_tampered_row_form_is_a_swedish_400(client, alice, november, bad):
    case, _woman, man, _kids, _previous = november
    december = services.application_create(acting_user=alice, case=case, month=DECEMBER, applicant=man)
    client.force_login(alice)
    response = client.post(_detail(case, december), {"action": "entries", "cost-rows": "1", "income-rows": "0",
                                                      **bad})
    assert response.status_code == 400 and "Formuläret är skadat" in response.content.decode()
    assert not december.costs.exists()


def test_another_unit_cannot_copy_or_add(client, charlie, november):
    case, _woman, man, _kids, previous = november
    client.force_login(charlie)
    assert client.post(_detail(case, previous), {"action": "entries", "copy": "1"}).status_code == 404
    assert client.post(reverse("application_new", kwargs={"case_id": case.pk}), {
        "month": "2026-12", "applicant": man.pk, "channel": "paper", "received_on": "2026-11-25",
        "copy_previous": "on"}).status_code == 404
    assert Application.objects.count() == 1
