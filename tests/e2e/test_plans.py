"""Each adult's own plan and the meetings with the adults, in the browser (M4, M6, M7)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lika.plans.models import Meeting, Plan, PlanActivity
from tests.cases.factories import couple_case
from tests.e2e.conftest import assert_accessible, login

CONFIDENTIAL = "Uppgiften visas bara för enhetens handläggare"


@pytest.fixture
def couple(unit_a):
    case, woman, man, _kids = couple_case(unit_a)
    return case, woman, man


def field(page, label):
    """The form control labelled ``label`` (sections are labelled by their headings too)."""
    return page.get_by_label(label, exact=True).and_(page.locator("input, select, textarea"))


def test_each_adult_gets_an_own_plan(page, live_server, alice, couple):
    case, woman, man = couple
    login(page, live_server, alice)
    page.goto(f"{live_server.url}/arenden/{case.pk}/planer/{woman.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Genomförandeplan – Sara Lind")
    expect(page.get_by_role("heading", level=2, name="Ingen plan ännu")).to_be_visible()
    assert_accessible(page)

    follow_up = timezone.localdate() + timedelta(days=60)
    field(page, "Den enskildes egen syn").fill("Vill lära mig svenska och arbeta i vården.")
    field(page, "Uppföljning av planen").fill(follow_up.isoformat())
    page.get_by_role("button", name="Upprätta plan").click()
    expect(page.get_by_role("status")).to_contain_text("Genomförandeplanen för Sara Lind är upprättad.")
    expect(field(page, "Den enskildes egen syn")).to_have_value("Vill lära mig svenska och arbeta i vården.")
    assert_accessible(page)

    # A goal without text: the error summary links to the field, which carries the message.
    page.get_by_role("button", name="Lägg till mål").click()
    link = page.get_by_role("alert").get_by_role("link", name="Mål: Detta fält måste fyllas i.")
    expect(link).to_have_attribute("href", "#id_goal-text")
    expect(field(page, "Mål")).to_have_accessible_description(re.compile("Detta fält måste fyllas i."))
    assert_accessible(page)
    link.click()
    expect(field(page, "Mål")).to_be_focused()

    field(page, "Mål").fill("Klara SFI kurs D")
    field(page, "Måldatum").fill("2027-06-30")
    page.get_by_role("button", name="Lägg till mål").click()
    goals = page.get_by_role("region", name="Mål")
    expect(goals.get_by_role("listitem")).to_contain_text("Klara SFI kurs D")
    assert_accessible(page)

    # An activity: SFI at Komvux.
    field(page, "Aktivitet").select_option(label="SFI – svenska för invandrare")
    field(page, "Beskrivning").fill("Kvällskurs tre dagar i veckan")
    field(page, "Ansvarig").fill("Komvux")
    field(page, "Startdatum").fill("2026-12-01")
    field(page, "Uppföljning").fill("2027-01-15")
    page.get_by_role("button", name="Lägg till aktivitet").click()
    row = page.get_by_role("row", name=re.compile("SFI – svenska för invandrare"))
    expect(row).to_contain_text("Komvux")
    expect(row).to_contain_text("2027-01-15")
    assert_accessible(page)

    field(page, "Status för SFI – svenska för invandrare").select_option(label="Pågår")
    page.get_by_role("button", name="Ändra status för SFI – svenska för invandrare").click()
    expect(page.get_by_role("status")).to_contain_text("är ändrad")
    expect(field(page, "Status för SFI – svenska för invandrare")).to_have_value("ongoing")
    assert_accessible(page)

    # The man's own plan, separate from hers.
    page.goto(f"{live_server.url}/arenden/{case.pk}/planer/{man.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Genomförandeplan – Johan Lind")
    expect(page.get_by_role("heading", level=2, name="Ingen plan ännu")).to_be_visible()
    field(page, "Den enskildes egen syn").fill("Vill ta körkort och söka lagerjobb.")
    page.get_by_role("button", name="Upprätta plan").click()
    expect(page.get_by_role("status")).to_contain_text("Genomförandeplanen för Johan Lind är upprättad.")
    expect(page.get_by_role("region", name="Aktiviteter")).to_contain_text("Inga aktiviteter ännu.")
    assert_accessible(page)

    hers, his = (Plan.objects.get(person=p, status="active") for p in (woman, man))
    assert hers.pk != his.pk
    assert list(PlanActivity.objects.values_list("plan_id", "kind", "status")) == [(hers.pk, "sfi", "ongoing")]


def test_individual_and_joint_meetings(page, live_server, alice, couple):
    case, woman, man = couple
    login(page, live_server, alice)
    new_meeting = f"{live_server.url}/arenden/{case.pk}/moten/nytt/"
    page.goto(new_meeting)
    expect(page.get_by_role("heading", level=1)).to_have_text("Nytt möte")
    screening = page.get_by_role("group", name="Fråga om våld – bara vid enskilt möte")
    expect(screening).to_be_visible()
    assert_accessible(page)

    # An individual meeting with both adults and no answer: two errors.
    page.get_by_label("Enskilt möte").check()
    page.get_by_label("Sara Lind").check()
    page.get_by_label("Johan Lind").check()
    page.get_by_role("button", name="Spara mötet").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Ett enskilt möte har exakt en deltagare.")
    expect(summary).to_contain_text("Ange svaret på frågan om våld.")
    expect(page.get_by_role("group", name="Deltagare")).to_have_accessible_description(
        re.compile("Ett enskilt möte har exakt en deltagare."))
    expect(page.get_by_label("Sara Lind")).to_be_checked()
    assert_accessible(page)

    page.get_by_label("Johan Lind").uncheck()
    screening.get_by_label("Nej, inga tecken på våld").check()
    field(page, "Information om stöd för våldsutsatta är lämnad").check()
    field(page, "Anteckningar").fill("Pratade om SFI och barnomsorg.")
    page.get_by_role("button", name="Spara mötet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Enskilt möte")
    expect(page.get_by_role("status")).to_contain_text("är registrerat")
    result = page.get_by_role("region", name="Fråga om våld")
    expect(result.get_by_role("note")).to_contain_text(CONFIDENTIAL)
    expect(result).to_contain_text("Nej, inga tecken på våld")
    expect(result).to_contain_text("Sara Lind")
    assert_accessible(page)

    # A joint meeting: the question is not offered.
    page.goto(new_meeting)
    page.get_by_label("Gemensamt möte").check()
    expect(screening).to_be_hidden()
    page.get_by_label("Sara Lind").check()
    page.get_by_label("Johan Lind").check()
    page.get_by_role("button", name="Spara mötet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gemensamt möte")
    expect(page.get_by_role("definition").filter(has_text="Johan Lind")).to_contain_text("Sara Lind")
    expect(page.get_by_text(CONFIDENTIAL)).to_have_count(0)
    assert_accessible(page)

    # An answer chosen before switching to a joint meeting is refused and removed.
    page.goto(new_meeting)
    page.get_by_label("Enskilt möte").check()
    screening.get_by_label("Vill inte svara").check()
    page.get_by_label("Gemensamt möte").check()
    page.get_by_label("Sara Lind").check()
    page.get_by_label("Johan Lind").check()
    page.get_by_role("button", name="Spara mötet").click()
    expect(page.get_by_role("alert")).to_contain_text("Frågan om våld ställs bara vid enskilda möten")
    expect(screening).to_be_visible()
    expect(screening.get_by_label("Vill inte svara")).not_to_be_checked()
    expect(page.get_by_label("Gemensamt möte")).to_be_checked()
    assert_accessible(page)
    page.get_by_role("button", name="Spara mötet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gemensamt möte")

    kinds = sorted((m.kind, m.participants.count(), hasattr(m, "screening")) for m in Meeting.objects.all())
    assert kinds == [("individual", 1, True), ("joint", 2, False), ("joint", 2, False)]
