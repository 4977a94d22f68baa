"""Issue 16 in the real Chromium: a decided case (built with the staff services), the
woman logs in to the e-service, reads the decision and its calculation, downloads her own
letter, sees her payments, plan and meetings, and appeals; the case worker sees the appeal
with its deadline in "Mina ärenden" and opens it.  axe-core on every page."""

import re

import pytest
from playwright.sync_api import expect

from lika.eservice.models import Appeal
from tests.cases.factories import couple_case
from tests.e2e.conftest import assert_accessible, login
from tests.eservice.decided import MONTH, decide, meetings_and_plans, pay


@pytest.fixture
def decided(unit_a, alice, bob, petra, settings, tmp_path):
    settings.LIKA_ESERVICE_DEMO_LOGIN = True
    settings.LIKA_PRIVATE_FILES = tmp_path / "private"
    settings.LIKA_NOTIFICATION_DIR = tmp_path / "notifications"
    settings.LIKA_NOTIFICATION_SENDER = "lika.eservice.notify.FileSender"
    bob.can_attest_payments = True
    bob.save()
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    application, decision = decide(case, woman, man, alice, income=300000)
    pay(MONTH, petra, bob, settings, tmp_path / "bank")
    meetings_and_plans(case, woman, man, alice)
    return case, woman, man, decision


def resident_login(page, live_server, person):
    page.goto(f"{live_server.url}/e-tjanst/logga-in/test/")
    page.get_by_label("Personnummer").fill(person.identity_number)
    page.get_by_role("button", name="Logga in", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Mina sidor")).to_be_visible()


def test_the_woman_reads_her_decision_downloads_her_letter_and_appeals(browser, page, live_server, decided, alice):
    case, woman, man, decision = decided
    resident_login(page, live_server, woman)
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("beslut: beviljat")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Beslut om bistånd för 2026-12")
    expect(page.get_by_role("table", name="Beräkningen rad för rad")).to_contain_text("Lön (Johan)")
    expect(page.get_by_role("table", name="Vad ni sökte och vad ni får")).to_contain_text("Delvis beviljat")
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Hämta ditt beslutsbrev (PDF)").click()
    download = info.value
    assert download.suggested_filename == "beslut-2026-12.pdf"
    assert open(download.path(), "rb").read(4) == b"%PDF"

    for name, heading in (("Utbetalningar", "Utbetalningar"), ("Min plan", "Min plan"),
                          ("Mina möten", "Mina möten"), ("Ansökningar och beslut", "Ansökningar och beslut")):
        page.goto(f"{live_server.url}/e-tjanst/mina-sidor/")
        page.get_by_role("link", name=name, exact=True).first.click()
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        assert "7466" not in page.content()  # never the partner's account
        assert_accessible(page)

    page.goto(f"{live_server.url}/e-tjanst/beslut/{decision.pk}/")
    page.get_by_role("link", name="Överklaga beslutet").click()
    expect(page.get_by_role("heading", level=1, name="Överklaga beslutet")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Skicka överklagandet").click()  # empty: a Swedish message
    expect(page.get_by_role("alert")).to_contain_text("Skriv vad du vill ändra")
    assert_accessible(page)
    page.get_by_label("Vad vill du ändra i beslutet, och varför?").fill("Hyran har höjts. Jag behöver mer.")
    page.get_by_role("button", name="Skicka överklagandet").click()
    expect(page.get_by_role("heading", level=1, name="Ditt överklagande")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Ditt överklagande har kommit in")
    assert_accessible(page)
    appeal = Appeal.objects.get()

    # Arabic, right to left
    page.locator('button[name="language"][value="ar"]').click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_accessible(page)

    staff = browser.new_context(locale="sv-SE").new_page()
    login(staff, live_server, alice)
    staff.goto(f"{live_server.url}/mina-arenden/")
    section = staff.locator("section", has=staff.get_by_role("heading", name=re.compile("Överklaganden att ompröva")))
    expect(section).to_contain_text(f"sista dag {appeal.deadline:%Y-%m-%d}")
    expect(section).to_contain_text("Sara Lind")
    assert_accessible(staff)
    section.get_by_role("link", name=re.compile("överklagande från Sara Lind")).click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("Överklagande från Sara Lind")
    expect(staff.locator("blockquote")).to_contain_text("Hyran har höjts")
    assert_accessible(staff)
    staff.get_by_role("button", name="Registrera att överklagandet skickats").click()
    expect(staff.get_by_role("status")).to_contain_text("Omprövningen av överklagandet är registrerad")
    assert_accessible(staff)
    staff.context.close()
    appeal.refresh_from_db()
    assert appeal.status == "forwarded"
