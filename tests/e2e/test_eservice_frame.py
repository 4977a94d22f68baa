"""The e-service's frame in the browser: on a phone, in Swedish, English and Arabic (right
to left), with violence support before any question, the safety bar on every page, and
axe-core clean in every language."""

import pytest
from playwright.sync_api import expect

from tests.cases.factories import couple_case
from tests.e2e.conftest import TIMEOUT_MS, assert_accessible, csp_violation

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    """A page on a phone-sized screen (touch, small viewport); CSP violations fail the test."""
    context = browser.new_context(locale="sv-SE", viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if csp_violation(m) else None)
    yield page
    context.close()
    assert violations == [], violations


def no_sideways_scrolling(page):
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"sidan är {width[0]} px bred på en skärm som är {width[1]} px"


def choose_language(page, code):
    page.locator(f'form.lang button[value="{code}"]').click()
    expect(page.locator("html")).to_have_attribute("lang", code)


@pytest.mark.parametrize("code,direction,heading,support", [
    ("sv", "ltr", "Ansök om ekonomiskt bistånd", "Om du utsätts för våld eller hot"),
    ("en", "ltr", "Apply for financial assistance", "If you are subjected to violence or threats"),
    ("ar", "rtl", "تقديم طلب للمساعدة المالية", "إذا كنت تتعرّض/ين للعنف أو التهديد"),
])
def test_the_start_page_on_a_phone_in_each_language(phone, live_server, code, direction, heading, support):
    phone.goto(f"{live_server.url}/e-tjanst/")
    if code != "sv":
        choose_language(phone, code)
    expect(phone.locator("html")).to_have_attribute("dir", direction)
    assert phone.evaluate("() => getComputedStyle(document.body).direction") == direction
    expect(phone.get_by_role("heading", level=1)).to_have_text(heading)
    # support comes first, before any question, with the national helpline
    support_box = phone.get_by_role("heading", level=2, name=support).bounding_box()
    login_box = phone.locator("main a.button").bounding_box()
    assert support_box["y"] < login_box["y"]
    expect(phone.locator("main")).to_contain_text("020-50 50 50")
    no_sideways_scrolling(phone)
    assert_accessible(phone)
    # the safety bar: the quick exit and the support link on the page, at the top
    exit_box = phone.locator(".quick-exit").bounding_box()
    assert exit_box["y"] < 80
    middle = exit_box["x"] + exit_box["width"] / 2
    if direction == "rtl":  # the quick exit ends the line: on the left-hand side in Arabic
        assert middle < PHONE["width"] / 2
    else:
        assert middle > PHONE["width"] / 2


@pytest.mark.parametrize("code", ["sv", "en", "ar"])
def test_the_login_support_and_protected_pages_in_each_language(phone, live_server, settings, unit_a, code):
    settings.LIKA_ESERVICE_DEMO_LOGIN = True
    unit_a.phone = "0123-45 67 89"
    unit_a.save()
    case, woman, man, kids = couple_case(unit_a, protected_woman=True)
    phone.goto(f"{live_server.url}/e-tjanst/logga-in/")
    if code != "sv":
        choose_language(phone, code)
    for path in ("/e-tjanst/logga-in/", "/e-tjanst/stod-vid-vald/", "/e-tjanst/logga-in/test/"):
        phone.goto(f"{live_server.url}{path}")
        expect(phone.locator("html")).to_have_attribute("lang", code)
        no_sideways_scrolling(phone)
        assert_accessible(phone)
    # a person with protected identity logs in: she is routed to contact the unit
    phone.locator("#id_identity_number").fill(woman.identity_number)
    phone.locator("main form button.button").click()
    expect(phone).to_have_url(f"{live_server.url}/e-tjanst/skyddade-uppgifter/")
    expect(phone.locator("main")).to_contain_text("0123-45 67 89")
    expect(phone.locator("main")).not_to_contain_text(case.reference)
    no_sideways_scrolling(phone)
    assert_accessible(phone)
