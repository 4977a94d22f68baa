"""Issue 17, part 6, in the browser: the answer yes about violence → the guidance page → a
FREDA risk assessment and the orosanmälan recorded → the meeting page shows the status; the
payment exception opens prefilled for her.  Every page passes axe (WCAG 2.1 AA)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lika.plans.models import ChildConcernReport, RiskAssessment
from tests.cases.factories import couple_case
from tests.e2e.conftest import assert_accessible, login


@pytest.fixture
def couple(unit_a, alice):
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    return case, woman, man


def field(page, label):
    return page.get_by_label(label, exact=True).and_(page.locator("input, select, textarea"))


def test_yes_leads_to_guidance_and_the_assessment_is_recorded(page, live_server, alice, couple):
    case, woman, man = couple
    today = timezone.localdate().isoformat()
    login(page, live_server, alice)
    page.goto(f"{live_server.url}/arenden/{case.pk}/moten/nytt/")
    page.get_by_label("Enskilt möte").check()
    page.get_by_label("Sara Lind").check()
    page.get_by_label("Ja, personen berättar om våld").check()
    field(page, "Information om stöd för våldsutsatta är lämnad").check()
    page.get_by_role("button", name="Spara mötet").click()

    # The guidance page, right after saving.
    expect(page.get_by_role("heading", level=1)).to_have_text("Stöd efter svaret ja – Sara Lind")
    expect(page.get_by_role("status")).to_contain_text("är registrerat")
    expect(page.get_by_role("note")).to_contain_text("aldrig i e-tjänsten")
    steps = page.get_by_role("list").filter(has_text="Gör en riskbedömning enligt FREDA")
    expect(steps.get_by_role("link")).to_have_count(4)
    expect(page.get_by_role("link", name="FREDA hos Socialstyrelsen")).to_have_attribute(
        "href", re.compile(r"^https://www\.socialstyrelsen\.se/"))
    expect(page.get_by_role("region", name="Stöd att hänvisa till")).to_contain_text("020-50 50 50")
    assert_accessible(page)

    # An elevated risk without protective actions is refused, with a message on the field.
    risk = page.get_by_role("region", name="Riskbedömning enligt FREDA")
    field(risk, "Datum för bedömningen").fill(today)
    risk.get_by_label("FREDA-kortfrågor").check()
    risk.get_by_label("FREDA-farlighetsbedömning").check()
    risk.get_by_label("Förhöjd risk").check()
    field(risk, "Sammanfattning").fill("Hot och kontroll av ekonomin under det senaste året.")
    page.get_by_role("button", name="Spara riskbedömningen").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("skriv vilka skyddsåtgärder som planeras")
    expect(field(page, "Planerade skyddsåtgärder")).to_have_accessible_description(
        re.compile("skyddsåtgärder som planeras"))
    assert_accessible(page)

    risk = page.get_by_role("region", name="Riskbedömning enligt FREDA")
    field(risk, "Planerade skyddsåtgärder").fill("Säkerhetsplanering och kontakt med kvinnojouren.")
    page.get_by_role("button", name="Spara riskbedömningen").click()
    expect(page.get_by_role("status")).to_contain_text("Riskbedömningen är registrerad")
    expect(page.get_by_role("heading", level=4)).to_have_text(f"{today}: Förhöjd risk")

    # The orosanmälan: the household has two children.
    children = page.get_by_role("region", name="Oro för barnen: anmälningsskyldighet")
    expect(children).to_contain_text("14 kap. 1 §")
    children.get_by_label("Orosanmälan är gjord").check()
    field(children, "Datum för anmälan").fill(today)
    page.get_by_role("button", name="Spara uppgiften om orosanmälan").click()
    expect(page.get_by_role("status")).to_contain_text("Uppgiften om orosanmälan är registrerad")
    expect(page.get_by_role("region", name="Oro för barnen: anmälningsskyldighet")).to_contain_text(
        f"Orosanmälan är gjord {today}")
    assert_accessible(page)

    # Correcting the assessment keeps the first version.
    page.get_by_role("link", name=f"Rätta bedömningen {today}").click()
    expect(page.get_by_role("heading", level=3, name=f"Rätta bedömningen {today}")).to_be_visible()
    risk = page.get_by_role("region", name="Riskbedömning enligt FREDA")
    expect(risk.get_by_role("radio", name="Förhöjd risk")).to_be_checked()
    risk.get_by_role("radio", name="Hög risk").check()
    assert_accessible(page)
    page.get_by_role("button", name="Spara rättelsen").first.click()
    expect(page.get_by_role("heading", level=4)).to_have_text(f"{today}: Hög risk")
    expect(page.get_by_text("1 tidigare version")).to_be_visible()
    assert RiskAssessment.objects.count() == 2 and ChildConcernReport.objects.count() == 1

    # The payment exception opens prefilled for her.
    page.get_by_role("link", name="Begär undantag: utbetalning till Sara Lind").click()
    expect(page.get_by_label("Sara Lind")).to_be_checked()
    expect(page.get_by_label("Särskilda skäl")).to_have_value("violence_protection")
    page.go_back()

    # The meeting's page shows the status.
    page.get_by_role("link", name="Till mötet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Enskilt möte")
    status = page.get_by_role("definition").filter(has_text="Hög risk")
    expect(status).to_contain_text(today)
    expect(page.get_by_role("definition").filter(has_text="Orosanmälan är gjord")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Stöd efter svaret ja")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stöd efter svaret ja – Sara Lind")
