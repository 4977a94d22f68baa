"""The resident's login in Chromium, end to end against the local OpenID provider that the
test starts (tests/eservice/oidc_provider.py): start → login page → "Logga in med
e-legitimation" → the provider's form → back, logged in, on "Mina sidor".  axe-core on the
e-service's start, login, demo test login, failure and "Mina uppgifter" pages.  The
provider's own form is test code and is not checked."""

import re

import pytest
from playwright.sync_api import expect

from lika.households.models import BankAccountChange
from tests.cases.factories import couple_case
from tests.e2e.conftest import assert_accessible
from tests.eservice.oidc_provider import running


@pytest.fixture
def oidc_provider(settings):
    with running(settings) as provider:
        yield provider


@pytest.fixture
def couple(unit_a, alice):
    return couple_case(unit_a, case_worker=alice)


def log_in(page, live_server, person):
    page.goto(f"{live_server.url}/e-tjanst/")
    page.get_by_role("link", name="Logga in", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Logga in")).to_be_visible()
    page.get_by_role("button", name="Logga in med e-legitimation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Test-BankID"))
    page.get_by_label("Personnummer").fill(person.identity_number)
    page.get_by_role("button", name="Legitimera").click()


def test_a_resident_logs_in_with_e_identification_and_lands_on_mina_sidor(page, live_server, oidc_provider, couple,
                                                                          settings):
    case, woman, man, kids = couple
    page.goto(f"{live_server.url}/e-tjanst/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ansök om ekonomiskt bistånd")
    assert_accessible(page)
    page.get_by_role("link", name="Logga in", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Logga in")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Logga in med e-legitimation").click()
    expect(page).to_have_url(re.compile(re.escape(oidc_provider.issuer) + "/authorize"))
    page.get_by_label("Personnummer").fill(woman.identity_number)
    page.get_by_role("button", name="Legitimera").click()

    expect(page).to_have_url(f"{live_server.url}/e-tjanst/mina-sidor/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina sidor")
    expect(page.get_by_text("Sara Lind").first).to_be_visible()
    assert_accessible(page)

    # her own details: the account masked, a bad number refused in Swedish, a good one pending
    page.goto(f"{live_server.url}/e-tjanst/mina-uppgifter/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina uppgifter")
    expect(page.locator("#registered-account")).to_have_text(re.compile("•••• 4560"))
    assert_accessible(page)
    page.get_by_label("Clearingnummer").fill("6789")
    page.get_by_label("Kontonummer").fill("12")
    page.get_by_role("button", name="Skicka kontoändringen").click()
    expect(page.get_by_role("alert")).to_contain_text("Kontonumret stämmer inte")
    expect(page.get_by_label("Kontonummer")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.get_by_label("Kontonummer").fill("123456789")
    page.get_by_role("button", name="Skicka kontoändringen").click()
    expect(page.locator("#pending-account")).to_contain_text("•••• 6789")
    assert_accessible(page)
    assert BankAccountChange.objects.get(person=woman).requested_by_person_id == woman.pk

    # the demo's test login page (switched on for this check)
    settings.LIKA_ESERVICE_DEMO_LOGIN = True
    page.goto(f"{live_server.url}/e-tjanst/logga-in/test/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Testinloggning (endast demo)")
    assert_accessible(page)


def test_a_refused_token_ends_on_the_swedish_failure_page(page, live_server, oidc_provider, couple):
    case, woman, man, kids = couple
    oidc_provider.misbehave = "wrong_key"
    log_in(page, live_server, woman)
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggningen misslyckades")
    expect(page.get_by_text("Traceback")).to_have_count(0)
    assert_accessible(page)
    page.goto(f"{live_server.url}/e-tjanst/mina-sidor/")
    expect(page).to_have_url(re.compile(r"/e-tjanst/logga-in/\?next="))


def test_cancelling_at_the_provider_ends_on_the_failure_page(page, live_server, oidc_provider):
    oidc_provider.misbehave = "access_denied"
    page.goto(f"{live_server.url}/e-tjanst/logga-in/")
    page.get_by_role("button", name="Logga in med e-legitimation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggningen misslyckades")
    assert_accessible(page)
