"""Issue 18 in the real Chromium: the administrator connects a system (an economy system of
unit A), is shown its token once, the token works against the API, and she revokes it —
after which the API answers 401.  A bad name is refused with a Swedish message.  axe-core
on every page."""

import json
from urllib.error import HTTPError
from urllib.request import Request, urlopen

from playwright.sync_api import expect

from lika.api.models import ApiClient
from tests.e2e.conftest import assert_accessible, login


def _status(live_server, token):
    request = Request(f"{live_server.url}/api/v1/cases/", headers={"Authorization": f"Bearer {token}"})
    try:
        with urlopen(request, timeout=10) as response:  # noqa: S310 - the test's own server
            return response.status, json.loads(response.read())
    except HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_administrator_creates_and_revokes_an_api_client(page, live_server, admin_user, unit_a, unit_b):
    login(page, live_server, admin_user)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Anslutna system (API)").click()
    expect(page.get_by_role("heading", level=1, name="Anslutna system (API)")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Namn", exact=True).fill("Ekonomi System")
    page.get_by_label(unit_a.name).check()
    page.get_by_role("button", name="Skapa systemet och visa nyckeln").click()
    expect(page.get_by_role("alert")).to_contain_text("Namnet ska vara 2–60 tecken")
    assert_accessible(page)
    assert not ApiClient.objects.exists()

    page.get_by_label("Namn", exact=True).fill("ekonomisystem")
    page.get_by_label(unit_a.name).check()
    page.get_by_label("Får skriva (write)").check()
    page.get_by_role("button", name="Skapa systemet och visa nyckeln").click()
    expect(page.get_by_role("status")).to_contain_text("Systemet ekonomisystem är skapat")
    token = page.locator("#api-token").inner_text()
    assert token.startswith("lika_")
    assert_accessible(page)
    assert _status(live_server, token)[0] == 200

    page.get_by_role("link", name="ekonomisystem").click()
    expect(page.get_by_role("heading", level=1, name="Anslutet system ekonomisystem")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Återkalla nyckeln").click()
    expect(page.locator("#client-status")).to_contain_text("Återkallad")
    assert_accessible(page)
    status, body = _status(live_server, token)
    assert status == 401 and body["code"] == "token_revoked"
    page.reload()
    expect(page.locator("#api-token")).to_have_count(0)  # the token is never shown again

    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.get_by_role("heading", level=1, name="Lika API, version 1")).to_be_visible()
    assert_accessible(page)


def test_the_administrator_connects_the_economy_system_to_the_grants_feed(page, live_server, admin_user):
    login(page, live_server, admin_user)
    page.goto(f"{live_server.url}/admin-lika/api-klienter/")
    page.get_by_label("Namn", exact=True).fill("ekonomi-bidrag")
    page.get_by_role("button", name="Skapa systemet och visa nyckeln").click()  # nothing to see: refused
    expect(page.get_by_role("alert")).to_contain_text("att det får följa bidragens beslut och betalningar")
    assert_accessible(page)
    page.get_by_label("Namn", exact=True).fill("ekonomi-bidrag")
    page.get_by_label("Får följa bidragens beslut och betalningar").check()
    page.get_by_role("button", name="Skapa systemet och visa nyckeln").click()
    expect(page.get_by_role("status")).to_contain_text("Systemet ekonomi-bidrag är skapat")
    token = page.locator("#api-token").inner_text()
    row = page.get_by_role("row").filter(has_text="ekonomi-bidrag")
    expect(row).to_contain_text("bidragens beslut och betalningar")
    expect(row).to_contain_text("read, grant-events")
    assert_accessible(page)
    request = Request(f"{live_server.url}/api/v1/grant-events/", headers={"Authorization": f"Bearer {token}"})
    with urlopen(request, timeout=10) as response:  # noqa: S310 - the test's own server
        assert response.status == 200
        assert json.loads(response.read()) == {"results": [], "next": "0.0", "has_more": False}
    assert _status(live_server, token)[0] == 200  # no units: its case list is empty, not refused
    assert ApiClient.objects.get(name="ekonomi-bidrag").grant_events
