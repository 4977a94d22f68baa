"""The e-service's messages, private channel and safety in the browser (issue 16, M7):
the quick exit leaves no history entry and going back shows the login, violence support
first on the start page and discreetly on every page, the private channel leaves no trace
in the other adult's browser, a person with protected identity is routed to the unit,
and every page passes axe-core."""

import re
import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from playwright.sync_api import expect

from lika.eservice.models_messages import Message
from tests.cases.factories import couple_case
from tests.e2e.conftest import TIMEOUT_MS, assert_accessible, login

NEUTRAL = "https://neutral.example/"
NEUTRAL_HTML = "<!doctype html><html lang='sv'><head><title>Väder</title></head><body><h1>Vädret i dag</h1></body></html>"
SECRET = "Jag vill prata med dig utan att han vet om det"


@pytest.fixture
def eservice(settings, unit_a, alice):
    settings.LIKA_ESERVICE_DEMO_LOGIN = True
    settings.LIKA_QUICK_EXIT_URL = NEUTRAL  # served by the test itself (page.route), never fetched
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    return case, woman, man


def neutral_site(page):
    page.route(f"{NEUTRAL}**", lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8",
                                                           body=NEUTRAL_HTML))


def resident_login(page, live_server, person):
    """The demo's test login (her own session), landing on Mina sidor."""
    page.goto(f"{live_server.url}/e-tjanst/logga-in/test/")
    page.get_by_label("Personnummer").fill(person.identity_number)
    page.get_by_role("button", name="Logga in", exact=True).click()


def assert_safety_bar(page):
    """Discreetly on every page: the violence support link and the quick exit."""
    expect(page.get_by_role("link", name="Stöd vid våld")).to_be_visible()
    expect(page.get_by_role("button", name="Lämna sidan snabbt")).to_be_visible()
    expect(page.locator("footer")).to_contain_text("020-50 50 50")


def test_the_start_page_shows_violence_support_before_any_question(page, live_server, eservice):
    page.set_viewport_size({"width": 375, "height": 740})  # a phone
    page.goto(f"{live_server.url}/e-tjanst/")
    support = page.get_by_role("heading", name="Om du utsätts för våld eller hot")
    expect(support).to_be_in_viewport()
    expect(page.get_by_text("020-50 50 50").first).to_be_visible()
    support_top = support.bounding_box()["y"]
    assert support_top < page.get_by_role("heading", name="Så ansöker du").bounding_box()["y"]
    # no question (a field to fill in) comes before the support section
    fields = page.locator("main input:not([type=hidden]), main select, main textarea")
    for i in range(fields.count()):
        assert fields.nth(i).bounding_box()["y"] > support_top
    assert_safety_bar(page)
    assert_accessible(page)
    page.get_by_role("link", name="Stöd vid våld").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_safety_bar(page)
    assert_accessible(page)


def test_the_quick_exit_leaves_no_history_entry_and_back_shows_the_login(page, live_server, eservice):
    case, woman, man = eservice
    Message.objects.create(case=case, author_person=woman, visibility="private", private_to=woman, body=SECRET)
    neutral_site(page)
    page.goto(f"{live_server.url}/e-tjanst/")
    page.get_by_role("link", name="Logga in").first.click()
    resident_login(page, live_server, woman)
    expect(page.get_by_role("heading", level=1, name="Mina sidor")).to_be_visible()
    page.get_by_role("link", name="Skriv till handläggaren utan att den andra vuxna ser det").click()
    expect(page.get_by_text(SECRET)).to_be_visible()
    session_key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    assert Session.objects.filter(session_key=session_key).exists()
    entries = page.evaluate("history.length")

    page.get_by_role("button", name="Lämna sidan snabbt").click()
    expect(page).to_have_url(NEUTRAL)
    expect(page.get_by_role("heading", name="Vädret i dag")).to_be_visible()
    assert page.evaluate("history.length") == entries, "the quick exit replaced the page: no new history entry"
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while Session.objects.filter(session_key=session_key).exists():  # the beacon ended the session
        assert time.monotonic() < deadline, "the quick exit's beacon did not end the session"
        time.sleep(0.05)

    # Back: not the private page (it was replaced) but the one before it, which now asks to log in.
    page.go_back()
    expect(page.get_by_role("heading", level=1, name="Logga in")).to_be_visible()
    assert "/e-tjanst/logga-in/" in page.url
    content = page.content()
    assert SECRET not in content and "Mina sidor" not in page.locator("main").inner_text()
    # and forward again is the neutral page, not the e-service
    page.go_forward()
    expect(page).to_have_url(NEUTRAL)


def test_the_private_channel_leaves_no_trace_for_the_other_adult(page, browser, live_server, eservice, alice):
    case, woman, man = eservice
    resident_login(page, live_server, woman)
    assert_safety_bar(page)
    assert_accessible(page)
    page.get_by_role("link", name="Meddelanden med handläggaren").click()
    expect(page.get_by_role("heading", level=1, name="Meddelanden")).to_be_visible()
    assert_safety_bar(page)
    assert_accessible(page)
    page.get_by_label("Nytt meddelande till handläggaren").fill("Vi har fått en ny hyresavi.")
    page.get_by_role("button", name="Skicka").click()
    expect(page.get_by_role("status")).to_contain_text("Ditt meddelande är skickat.")
    assert_accessible(page)
    # an empty message: a Swedish error, linked to the field
    page.get_by_role("button", name="Skicka").click()
    expect(page.get_by_role("alert")).to_contain_text("Skriv ett meddelande.")
    assert_accessible(page)

    page.get_by_role("link", name="Skriv till handläggaren utan att den andra vuxna ser det").click()
    expect(page.get_by_role("heading", level=1, name="Till handläggaren, bara för dig")).to_be_visible()
    assert_safety_bar(page)
    assert_accessible(page)
    page.get_by_label("Ditt meddelande").fill(SECRET)
    page.get_by_role("button", name="Skicka privat").click()
    expect(page.get_by_role("status")).to_contain_text("Ditt meddelande är skickat.")
    page.get_by_role("button", name="Be om ett eget möte").click()
    expect(page.get_by_text("Jag vill ha ett eget möte med min handläggare.")).to_be_visible()
    expect(page.get_by_text(SECRET)).to_be_visible()
    assert_accessible(page)

    # The case worker: private marked, answers privately; the work list shows it.
    staff = browser.new_context(locale="sv-SE")
    staff.set_default_timeout(TIMEOUT_MS)
    worker = staff.new_page()
    login(worker, live_server, alice)
    worker.goto(f"{live_server.url}/mina-arenden/")
    expect(worker.get_by_role("region", name=re.compile("Olästa meddelanden från e-tjänsten"))).to_contain_text(
        "3 olästa meddelanden")
    expect(worker.get_by_role("region", name=re.compile("Önskar ett eget möte"))).to_contain_text("Sara Lind")
    assert_accessible(worker)
    worker.goto(f"{live_server.url}/arenden/{case.pk}/meddelanden/")
    secret = worker.locator("article", has_text=SECRET)
    expect(secret).to_contain_text("Privat – visas inte för den andra vuxna")
    assert_accessible(worker)
    secret.locator("summary").click()
    secret.get_by_label("Svar").fill("Vi ses på tisdag, bara du och jag.")
    secret.get_by_role("button", name="Skicka privat svar").click()
    expect(worker.get_by_role("status")).to_contain_text("Meddelandet är skickat.")
    assert_accessible(worker)
    staff.close()

    # Sara sees the answer on her private page; Johan, in his own browser, sees nothing of it.
    page.goto(f"{live_server.url}/e-tjanst/meddelanden/privat/")
    expect(page.get_by_text("Vi ses på tisdag, bara du och jag.")).to_be_visible()
    page.get_by_text("Vi ses på tisdag").locator("xpath=..").get_by_role("link", name=re.compile("Svara")).click()
    expect(page.get_by_text("Privat: bara du och socialtjänsten ser det här.")).to_be_visible()
    assert_accessible(page)

    other = browser.new_context(locale="sv-SE")
    other.set_default_timeout(TIMEOUT_MS)
    johan = other.new_page()
    resident_login(johan, live_server, man)
    # his Mina sidor: one unread, the household's message; nothing by the private channel's link
    box = johan.get_by_role("region", name="Meddelanden", exact=True)
    expect(box).to_contain_text("1 oläst")
    private_link = johan.get_by_role("link", name="Skriv till handläggaren utan att den andra vuxna ser det")
    expect(box.locator("p", has=private_link).locator(".status")).to_have_count(0)
    assert_accessible(johan)
    visited = [johan.content()]
    for path in ("/e-tjanst/meddelanden/", "/e-tjanst/meddelanden/privat/"):
        johan.goto(f"{live_server.url}{path}")
        visited.append(johan.content())
    assert "Vi har fått en ny hyresavi." in visited[1]  # the household's message: the same insight
    assert "Inga privata meddelanden ännu." in visited[2]
    for html in visited:
        assert SECRET not in html and "bara du och jag" not in html and "eget möte med min handläggare" not in html
    for message in Message.objects.filter(visibility="private"):
        response = johan.goto(f"{live_server.url}/e-tjanst/meddelanden/{message.pk}/")
        assert response.status == 404
    other.close()


def test_a_person_with_protected_identity_is_routed_to_contact_the_unit(page, live_server, unit_a, alice, settings):
    settings.LIKA_ESERVICE_DEMO_LOGIN = True
    unit_a.phone = "0123-45 67 89"
    unit_a.save()
    case, woman, man, _kids = couple_case(unit_a, protected_woman=True, case_worker=alice)
    resident_login(page, live_server, woman)
    expect(page.get_by_role("heading", level=1, name="Kontakta oss")).to_be_visible()
    expect(page.get_by_text("0123-45 67 89")).to_be_visible()
    assert_safety_bar(page)
    assert_accessible(page)
    for path in ("/e-tjanst/mina-sidor/", "/e-tjanst/meddelanden/", "/e-tjanst/meddelanden/privat/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1, name="Kontakta oss")).to_be_visible()
        assert case.reference not in page.content()


def test_every_e_service_page_has_the_safety_bar_and_passes_axe(page, live_server, eservice):
    """Every e-service page in the URLconf that a GET without ids reaches (pages other parts
    add too), logged out and logged in: the safety bar is there and axe-core is clean."""
    from tests.eservice.test_messages import eservice_url_names

    case, woman, man = eservice
    paths = [reverse(name) for name, pattern in eservice_url_names() if "<" not in pattern]
    checked = set()
    for logged_in in (False, True):
        if logged_in:
            resident_login(page, live_server, woman)
        for path in paths:
            probe = page.request.get(f"{live_server.url}{path}")  # the context's cookies: the same session
            if probe.status != 200 or "text/html" not in probe.headers.get("content-type", ""):
                continue  # a POST-only address (logout, quick exit, the OIDC start), or not configured here
            page.goto(f"{live_server.url}{path}")
            assert_safety_bar(page)
            assert_accessible(page)
            checked.add((logged_in, page.url))
    assert len(checked) >= 8, checked
