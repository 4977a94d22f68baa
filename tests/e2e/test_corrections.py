"""Issue 17, correcting things, in the browser: editing and ending a goal and an activity
of a plan; moving a case to another case worker and handing it over to another unit."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lika.cases.models import Case
from lika.plans import services as plans
from tests.cases.factories import couple_case, single_case
from tests.conftest import _user
from tests.e2e.conftest import assert_accessible, follow, login, logout


def field(page, label):
    return page.get_by_label(label, exact=True).and_(page.locator("input, select, textarea"))


@pytest.fixture
def plan(unit_a, alice):
    case, woman, _man, _kids = couple_case(unit_a, case_worker=alice)
    made = plans.plan_create(acting_user=alice, case=case, person=woman)
    plans.plan_goal_add(acting_user=alice, plan=made, text="Klara SFI kurs D")
    plans.plan_activity_add(acting_user=alice, plan=made, kind="sfi", responsible="Komvux")
    return made


def test_a_goal_and_an_activity_are_edited_and_ended(page, live_server, alice, plan):
    today = timezone.localdate().isoformat()
    login(page, live_server, alice)
    page.goto(f"{live_server.url}/arenden/{plan.case_id}/planer/{plan.person_id}/")
    page.get_by_role("link", name=re.compile(r"Ändra eller avsluta\W+Klara SFI kurs D")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ändra mål i planen för Sara Lind")
    assert_accessible(page)

    field(page, "Mål").fill("")
    page.get_by_role("button", name="Spara målet").click()
    expect(page.get_by_role("alert")).to_contain_text("Mål")
    assert_accessible(page)
    field(page, "Mål").fill("Klara SFI kurs C")
    page.get_by_role("button", name="Spara målet").click()
    expect(page.get_by_role("status")).to_contain_text("Målet är ändrat.")
    expect(page.get_by_role("region", name="Mål").get_by_role("listitem")).to_contain_text("Klara SFI kurs C")

    page.get_by_role("link", name=re.compile(r"Ändra eller avsluta\W+Klara SFI kurs C")).click()
    field(page, "Avslutat den").fill(today)
    page.get_by_role("button", name="Avsluta målet").click()  # without a reason
    expect(page.get_by_role("alert")).to_contain_text("Skäl till att målet avslutas utan att uppnås")
    assert_accessible(page)
    field(page, "Skäl till att målet avslutas utan att uppnås").fill("Har börjat arbeta i stället")
    page.get_by_role("button", name="Avsluta målet").click()
    goals = page.get_by_role("region", name="Mål")
    expect(goals.get_by_role("listitem")).to_contain_text("Avslutat utan att uppnås")
    expect(goals.get_by_role("listitem")).to_contain_text("Har börjat arbeta i stället")
    expect(goals.get_by_role("link", name=re.compile("Ändra eller avsluta"))).to_have_count(0)
    assert_accessible(page)

    follow(page, page.get_by_role("link", name=re.compile(r"Ändra eller avsluta\W+SFI – svenska för invandrare")))
    assert_accessible(page)
    field(page, "Startdatum").fill("2026-05-02")
    field(page, "Uppföljning").fill("2026-05-01")
    page.get_by_role("button", name="Spara aktiviteten").click()
    expect(page.get_by_role("alert")).to_contain_text("Uppföljningen kan inte vara före starten.")
    assert_accessible(page)
    page.get_by_label("Avbruten").check()
    field(page, "Avslutad den").fill(today)
    field(page, "Skäl").fill("Kursen ställdes in")
    page.get_by_role("button", name="Avsluta aktiviteten").click()
    row = page.get_by_role("row", name=re.compile("SFI – svenska för invandrare"))
    expect(row).to_contain_text("Avbruten")
    expect(row).to_contain_text("Kursen ställdes in")
    assert_accessible(page)


def test_a_case_is_moved_to_another_case_worker_and_unit(page, live_server, unit_a, unit_b, alice, bob):
    dana = _user("dana", "case_worker", unit_a, "Dana", "Dahl")
    berit = _user("berit", "unit_manager", unit_b, "Berit", "Björk")
    case = couple_case(unit_a, case_worker=alice)[0]
    other = single_case(unit_a)[0]
    login(page, live_server, bob)

    # several cases from the list
    page.goto(f"{live_server.url}/arenden/")
    page.get_by_label(f"Välj ärende {case.reference}").check()
    page.get_by_label(f"Välj ärende {other.reference}").check()
    field(page, "Ny handläggare").select_option(label="Dana Dahl")
    assert_accessible(page)
    page.get_by_role("button", name="Byt handläggare för valda ärenden").click()
    expect(page.get_by_role("status")).to_contain_text("2 ärenden har fått ny handläggare.")
    assert set(Case.objects.values_list("case_worker", flat=True)) == {dana.pk}

    # the case page's "Flytta ärendet"
    page.goto(f"{live_server.url}/arenden/{case.pk}/")
    page.get_by_role("link", name="Flytta ärendet").click()
    expect(page.locator("#case-worker")).to_have_text("Dana Dahl")
    assert_accessible(page)
    page.get_by_role("button", name="Överlämna ärendet").click()  # no unit, no message
    expect(page.get_by_role("alert")).to_contain_text("Till enhet")
    assert_accessible(page)
    field(page, "Till enhet").select_option(label=str(unit_b))
    field(page, "Meddelande till den mottagande enheten").fill("Hushållet har flyttat till Söder.")
    page.get_by_role("button", name="Överlämna ärendet").click()
    expect(page.locator("#case-pending")).to_contain_text("väntar på svar")
    assert_accessible(page)
    logout(page)

    login(page, live_server, berit)
    page.goto(f"{live_server.url}/arenden/overlamningar/")
    expect(page.get_by_role("article")).to_contain_text("Hushållet har flyttat till Söder.")
    assert_accessible(page)
    page.get_by_label("Ta emot ärendet till vår enhet").check()
    page.get_by_role("button", name="Svara").click()
    expect(page.get_by_role("status")).to_contain_text("Ärendet är mottaget")
    expect(page.locator("#case-worker")).to_have_text("Ingen handläggare")
    assert_accessible(page)
    logout(page)

    login(page, live_server, dana)  # the old unit no longer finds the case
    response = page.goto(f"{live_server.url}/arenden/{case.pk}/")
    assert response.status == 404
