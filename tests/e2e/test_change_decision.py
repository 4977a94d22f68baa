"""Issue 13 in the real Chromium: two browsers decide the same application at once (one
decision, the other told why in Swedish), and an issued decision is changed through an
ändringsbeslut that names its reason and replaces the old one.  axe-core on every page."""

from datetime import date

import pytest
from playwright.sync_api import expect

from lika.cases import services
from lika.cases.models import Decision
from tests.cases.factories import couple_case
from tests.e2e.conftest import CHROMIUM_ARGS, assert_accessible, follow, kronor, login  # noqa: F401

MONTH = date(2026, 12, 1)


@pytest.fixture
def calculated(unit_a, alice):
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    application = services.application_create(acting_user=alice, case=case, month=MONTH, applicant=woman)
    services.application_entries_save(acting_user=alice, application=application, incomes=[],
                                      costs=[services.Entry("housing", 700000)],
                                      obstacles={woman.pk: "unemployed", man.pk: "unemployed"})
    services.calculation_make(acting_user=alice, application=application)
    return case, application


def _decision_url(live_server, case, application):
    return f"{live_server.url}/arenden/{case.pk}/ansokningar/{application.pk}/beslut/"


def test_two_browsers_decide_at_once_and_one_is_told_why(browser, page, live_server, alice, bob, calculated):
    case, application = calculated
    other = browser.new_context(locale="sv-SE").new_page()
    login(page, live_server, alice)
    login(other, live_server, bob)
    for p in (page, other):
        p.goto(_decision_url(live_server, case, application))
        expect(p.get_by_role("button", name="Fatta beslut")).to_be_visible()
    page.get_by_label("Jag fattar beslutet med ett preliminärt belopp").check()
    page.get_by_role("button", name="Fatta beslut").click()
    expect(page.get_by_role("status")).to_contain_text("Beslutet är fattat")
    other.get_by_label("Jag fattar beslutet med ett preliminärt belopp").check()
    other.get_by_role("button", name="Fatta beslut").click()
    expect(other.get_by_role("alert")).to_contain_text("Ansökan är redan beslutad")
    assert_accessible(other)
    assert Decision.objects.filter(application=application, status="issued").count() == 1
    other.context.close()


def test_an_issued_decision_is_changed_by_an_andringsbeslut(page, live_server, alice, calculated):
    case, application = calculated
    login(page, live_server, alice)
    page.goto(_decision_url(live_server, case, application))
    page.get_by_label("Jag fattar beslutet med ett preliminärt belopp").check()
    page.get_by_role("button", name="Fatta beslut").click()
    expect(page.get_by_role("status")).to_contain_text("Beslutet är fattat")
    first_url, first_amount = page.url, kronor(page.locator("#granted").inner_text())
    page.get_by_role("button", name="Ändra beslutet").click()
    expect(page.get_by_role("status")).to_contain_text("Beslutet kan nu ändras")
    expect(page.get_by_role("note").filter(has_text="håller på att ändras")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("group", name="Kostnad 1").get_by_label("Belopp, kr per månad").fill("9 000")
    page.get_by_role("button", name="Spara och beräkna").click()
    follow(page, page.get_by_role("link", name="Gå till ändringsbeslut"))
    assert_accessible(page)
    page.get_by_label("Jag fattar beslutet med ett preliminärt belopp").check()
    page.get_by_role("button", name="Fatta ändringsbeslut").click()
    expect(page.get_by_role("alert")).to_contain_text("Skriv skälen till att beslutet ändras")
    assert_accessible(page)
    page.get_by_label("Skäl till att beslutet ändras").fill("Hyran har höjts från december")
    page.get_by_label("Jag fattar beslutet med ett preliminärt belopp").check()
    page.get_by_role("button", name="Fatta ändringsbeslut").click()
    expect(page.get_by_role("status")).to_contain_text("Beslutet är fattat")
    expect(page.locator("#change-reason")).to_have_text("Hyran har höjts från december")
    assert kronor(page.locator("#granted").inner_text()) == first_amount + 2000
    assert_accessible(page)
    page.goto(first_url)
    expect(page.locator("#decision-status")).to_have_text("Ersatt av ändringsbeslut")
    expect(page.get_by_role("button", name="Ändra beslutet")).to_have_count(0)
    assert_accessible(page)
