"""The decision letter on a page in Chromium, in Swedish (the decision) and in its English
and Arabic (right-to-left) translations, each checked with axe-core; the adult's preferred
language is set on the person page."""

import re
from datetime import date

from playwright.sync_api import expect

from lika.cases import decisions, services
from lika.cases.decisions import LineDecision
from lika.cases.letters import APPEAL_PROVISION_2025
from tests.cases.factories import couple_case
from tests.e2e.conftest import assert_accessible, login

MONTH = date(2026, 12, 1)


def test_the_letter_in_swedish_english_and_arabic(page, live_server, unit_a, alice):
    alice.phone = "0123-456 78"
    alice.save()
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    login(page, live_server, alice)

    # the case worker records that Sara wants her letters in Arabic too
    page.goto(f"{live_server.url}/arenden/{case.pk}/personer/{woman.pk}/")
    page.get_by_label("Språk för beslutsbrev").select_option(label="Arabiska")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Uppgifterna om Sara Lind är sparade")
    woman.refresh_from_db()
    assert woman.preferred_language == "ar"

    application = services.application_create(acting_user=alice, case=case, month=MONTH, applicant=woman)
    services.application_entries_save(acting_user=alice, application=application, incomes=[],
                                      costs=[services.Entry("housing", 700000)],
                                      obstacles={woman.pk: "unemployed", man.pk: "unemployed"})
    services.calculation_make(acting_user=alice, application=application)
    rows = len(decisions.need_lines(application.calculations.get()))
    decision = decisions.decision_make(acting_user=alice, application=application,
                                       lines=[LineDecision("granted")] * rows, acknowledge_provisional=True)
    assert 'lang="ar" dir="rtl"' in decision.recipients.get(person=woman).letter_html

    page.goto(f"{live_server.url}/arenden/{case.pk}/beslut/{decision.pk}/")
    page.get_by_role("link", name="Läs brevet till Sara på sidan (arabiska)").click()
    letter = page.locator("div.letter")
    expect(letter).to_have_attribute("dir", "rtl")
    translation = letter.locator('article[lang="ar"][dir="rtl"]')
    expect(translation).to_contain_text("هذه ترجمة")
    expect(translation.get_by_role("heading", level=2, name="كيفية الطعن في القرار")).to_be_visible()
    expect(translation).to_contain_text(APPEAL_PROVISION_2025)
    expect(translation).to_contain_text("0123-456 78")
    assert_accessible(page)

    nav = page.get_by_role("navigation", name="Brevets språk")
    nav.get_by_role("link", name="Svenska (beslutet)").click()
    letter = page.locator("div.letter")
    expect(letter).to_have_attribute("lang", "sv")
    expect(letter.get_by_role("heading", level=2, name="Så överklagar du")).to_be_visible()
    expect(letter).to_contain_text("Beslutet får överklagas enligt " + APPEAL_PROVISION_2025)
    expect(letter).to_contain_text(re.compile(r"Din del betalas till ditt bankkonto \*\*\*\*4560"))
    expect(letter.locator("article")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("navigation", name="Brevets språk").get_by_role("link", name="English").click()
    letter = page.locator("div.letter")
    expect(letter).to_have_attribute("dir", "ltr")
    expect(letter.get_by_role("heading", level=2, name="How to appeal")).to_be_visible()
    expect(letter).to_contain_text("The decision is the Swedish letter")
    assert_accessible(page)

    href = page.get_by_role("link", name="Brevet som PDF (det som skickas)").get_attribute("href")
    pdf = page.request.get(live_server.url + href)
    assert pdf.ok and pdf.body().startswith(b"%PDF-")
