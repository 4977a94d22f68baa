"""Every page of the e-service a resident reaches, in every language the e-service offers
(Swedish, English, Arabic): served, in that language and direction, with the safety bar,
and axe-core clean.  The pages come from the URLconf, so a page added later is covered."""

import re

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from playwright.sync_api import expect

from lika.eservice.appeals import appeal_submit
from lika.eservice.services_messages import message_write
from tests.cases.factories import couple_case
from tests.e2e.conftest import assert_accessible
from tests.eservice.decided import MONTH, decide, meetings_and_plans, pay
from tests.eservice.test_messages import eservice_url_names

DIRECTION = {"sv": "ltr", "en": "ltr", "ar": "rtl"}


@pytest.fixture
def household(unit_a, alice, bob, petra, settings, tmp_path):
    settings.LIKA_ESERVICE_DEMO_LOGIN = True
    settings.LIKA_PRIVATE_FILES = tmp_path / "private"
    bob.can_attest_payments = True
    bob.save()
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    application, decision = decide(case, woman, man, alice, income=300000)
    pay(MONTH, petra, bob, settings, tmp_path / "bank")
    meetings_and_plans(case, woman, man, alice)
    appeal = appeal_submit(person=woman, decision_id=decision.pk, text="Hyran är högre.")
    message = message_write(person=woman, body="Vi har fått en ny hyresavi.")
    ids = {"decision_id": decision.pk, "appeal_id": appeal.pk, "application_id": application.pk,
           "message_id": message.pk}
    return woman, ids


def pages(ids):
    """Every e-service address whose ids the household gives (downloads and POST-only
    addresses are skipped by their answer)."""
    found = []
    for name, pattern in eservice_url_names():
        wanted = re.findall(r"<(?:\w+:)?(\w+)>", pattern)
        if all(w in ids for w in wanted):
            found.append(reverse(name, kwargs={w: ids[w] for w in wanted}))
    return found


@pytest.mark.parametrize("code", django_settings.LIKA_ESERVICE_LANGUAGES)
def test_every_page_in_every_language(page, live_server, household, code):
    woman, ids = household
    page.context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": code,
                               "url": live_server.url}])
    page.goto(f"{live_server.url}/e-tjanst/logga-in/test/")
    page.locator("#id_identity_number").fill(woman.identity_number)
    page.locator("main form button.button").first.click()
    expect(page).to_have_url(re.compile("/e-tjanst/mina-sidor/$"))
    checked = []
    for path in pages(ids):
        probe = page.request.get(f"{live_server.url}{path}")
        if probe.status != 200 or "text/html" not in probe.headers.get("content-type", ""):
            continue  # a download, a POST-only address, or one not configured here
        page.goto(f"{live_server.url}{path}")
        html = page.locator("html")
        expect(html).to_have_attribute("lang", code)
        expect(html).to_have_attribute("dir", DIRECTION[code])
        expect(page.locator(".quick-exit")).to_be_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), path
        heading = page.get_by_role("heading", level=1).inner_text()
        if code == "ar":
            assert re.search(r"[\u0600-\u06FF]", heading), f"{path}: the heading is not in Arabic: {heading}"
        assert_accessible(page)
        checked.append((path, heading))
    assert len(checked) >= 14, checked
    if code != "sv":  # no page kept its Swedish heading
        swedish = {"Mina sidor", "Ansökningar och beslut", "Utbetalningar", "Min plan", "Mina möten",
                   "Meddelanden", "Mina uppgifter", "Ditt överklagande", "Stöd vid våld", "Logga in"}
        assert [h for _p, h in checked if h in swedish] == []
