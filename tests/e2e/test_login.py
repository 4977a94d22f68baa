"""Logging in and out, and switching the interface language, in the browser."""

import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, login, logout


def test_anonymous_visitor_is_sent_to_login_and_a_wrong_password_is_refused(page, live_server, alice):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/logga-in/\?next=/$"))
    expect(page).to_have_title(re.compile("^Logga in"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert_accessible(page)

    page.get_by_label("Användarnamn").fill("alice")
    page.get_by_label("Lösenord").fill(PASSWORD + "-fel")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("alert")).to_have_text("Användarnamnet eller lösenordet är fel.")
    expect(page).to_have_url(re.compile(r"/logga-in/"))
    expect(page.get_by_label("Användarnamn")).to_have_value("alice")
    expect(page.get_by_label("Lösenord")).to_have_value("")
    expect(page.get_by_role("button", name="Logga ut")).to_have_count(0)
    assert_accessible(page)


def test_login_lands_on_the_start_page_and_logout_ends_the_session(page, live_server, alice):
    login(page, live_server, alice)  # issue 17: a case worker starts on "Mina ärenden"
    nav = page.get_by_role("navigation", name="Huvudmeny")
    expect(nav.get_by_role("link", name="Mina ärenden")).to_have_attribute("aria-current", "page")
    assert_accessible(page)
    nav.get_by_role("link", name="Översikt").click()  # the overview is still there
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Alice")
    expect(nav.get_by_role("link", name="Översikt")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Provberäkning")).to_be_visible()
    assert_accessible(page)

    logout(page)
    expect(page).to_have_url(f"{live_server.url}/logga-in/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/berakna/")
    expect(page).to_have_url(re.compile(r"/logga-in/\?next=/berakna/$"))


def test_the_language_switch_changes_the_page_language(page, live_server, alice):
    login(page, live_server, alice)
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/mina-arenden/")
    assert_accessible(page)

    # Back again: the switch now offers Swedish, and the choice sticks across pages.
    page.goto(f"{live_server.url}/riksnorm/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page).to_have_url(f"{live_server.url}/riksnorm/")


def test_support_for_people_exposed_to_violence_is_one_click_from_the_login_page(page, live_server):
    page.goto(f"{live_server.url}/logga-in/")
    page.get_by_role("link", name="Stöd om du utsätts för våld").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stöd om du utsätts för våld")
    expect(page.get_by_text("Kvinnofridslinjen")).to_be_visible()
    assert_accessible(page)
    exit_link = page.get_by_role("link", name="Lämna sidan snabbt")
    expect(exit_link).to_have_attribute("href", "https://www.google.se/")
    # web/lika.js (the page has no inline script) leaves without a history entry: the back
    # button cannot bring the page back.  The search engine is answered here, offline.
    page.route("https://www.google.se/**", lambda route: route.fulfill(body="<title>ut</title>",
                                                                       content_type="text/html"))
    entries = page.evaluate("history.length")
    exit_link.click()
    expect(page).to_have_url("https://www.google.se/")
    assert page.evaluate("history.length") == entries
