"""Applying in the e-service, in the browser: the woman logs in with her own (test)
login, applies for the first time (and becomes registerledare), fills in incomes and costs
per person, attaches a receipt (a small real PDF); the man logs in in a second browser
context, sees the application waiting for him and confirms it in his own session.
axe-core on every page."""

import io
import re

import pytest
from playwright.sync_api import expect

from lika.cases.models import Application, Case
from lika.eservice.models_apply import ApplicationAttachment

from .conftest import CHROMIUM_ARGS, TIMEOUT_MS, assert_accessible  # noqa: F401

WOMAN_PNR, MAN_PNR = "19850709-9805", "19811218-9876"


def small_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def demo_login(page, live_server, pnr):
    page.goto(f"{live_server.url}/e-tjanst/logga-in/test/")
    assert_accessible(page)
    page.get_by_label("Personnummer").fill(pnr)
    page.get_by_role("button", name="Logga in", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Mina sidor")).to_be_visible()


@pytest.mark.browser
def test_the_woman_applies_attaches_a_receipt_and_the_man_confirms_in_his_own_session(
        page, browser, live_server, settings, unit_a, alice, tmp_path):
    settings.LIKA_ESERVICE_DEMO_LOGIN = True
    settings.LIKA_PRIVATE_FILES = tmp_path / "private"
    settings.LIKA_ESERVICE_INTAKE_UNIT = unit_a.code

    # she logs in; a first-time applicant: no case yet
    demo_login(page, live_server, WOMAN_PNR)
    assert_accessible(page)
    page.get_by_role("link", name="Ansök om ekonomiskt bistånd").click()
    expect(page.get_by_role("heading", level=1, name="Ansök om ekonomiskt bistånd")).to_be_visible()
    assert_accessible(page)
    # a mistake first: the summary at the top says what to fix
    page.get_by_role("button", name="Skicka och fortsätt till inkomster och kostnader").click()
    expect(page.get_by_role("alert")).to_contain_text("Skriv ditt förnamn och efternamn")
    assert_accessible(page)
    page.locator("#id_given_name").fill("Amal")
    page.locator("#id_family_name").fill("Haddad")
    page.locator("#id_partner_identity_number").fill(MAN_PNR)
    page.locator("#id_partner_first_name").fill("Karim")
    page.locator("#id_partner_last_name").fill("Haddad")
    page.get_by_role("button", name="Skicka och fortsätt till inkomster och kostnader").click()

    # incomes and costs per person, rows added freely
    expect(page.get_by_role("heading", level=1, name=re.compile("^Inkomster och kostnader för"))).to_be_visible()
    assert_accessible(page)
    page.locator("#row-0-type").select_option("salary")
    page.locator("#row-0-amount").fill("8 200")
    page.locator("#row-1-type").select_option("housing")
    page.locator("#row-1-amount").fill("7000")
    page.get_by_role("button", name="Lägg till inkomst – Karim Haddad").click()
    expect(page.locator("#row-2-type")).to_be_visible()
    assert_accessible(page)
    page.locator("#row-2-type").select_option("unemployment_benefit")
    page.locator("#row-2-amount").fill("6100,50")
    page.get_by_role("button", name="Spara", exact=True).click()

    # the application: her part confirmed, his waiting
    expect(page.get_by_role("heading", level=1, name=re.compile("^Ansökan för"))).to_be_visible()
    expect(page.get_by_text("Karim Haddad – Medsökande")).to_contain_text("har inte bekräftat än")
    assert_accessible(page)

    # she attaches a receipt
    pdf = tmp_path / "kvitto.pdf"
    pdf.write_bytes(small_pdf())
    page.get_by_label("Vad är det för underlag?").select_option("receipt")
    page.get_by_label("Fil", exact=True).set_input_files(str(pdf))
    page.get_by_role("button", name="Ladda upp").click()
    expect(page.get_by_role("link", name="kvitto.pdf")).to_be_visible()
    assert_accessible(page)

    case = Case.objects.get()
    application = Application.objects.get()
    assert case.registerledare.identity_number == WOMAN_PNR.replace("-", "")
    assert ApplicationAttachment.objects.get().uploaded_by_person == application.applicant

    # the man, in his own browser context and his own login
    context = browser.new_context(locale="sv-SE", viewport={"width": 390, "height": 844})  # a phone
    context.set_default_timeout(TIMEOUT_MS)
    his = context.new_page()
    try:
        demo_login(his, live_server, MAN_PNR)
        expect(his.get_by_role("heading", name="Väntar på din bekräftelse")).to_be_visible()
        assert_accessible(his)
        his.get_by_role("link", name="Läs och bekräfta ansökan").click()
        expect(his.get_by_text("8\u00a0200")).to_be_visible()
        expect(his.get_by_role("link", name="kvitto.pdf")).to_be_visible()  # their joint application
        assert_accessible(his)
        his.get_by_role("button", name="Jag bekräftar ansökan").click()
        expect(his.get_by_text("Tack! Du har bekräftat ansökan.")).to_be_visible()
        assert_accessible(his)
        with his.expect_download() as download:
            his.get_by_role("link", name="kvitto.pdf").click()
        assert download.value.suggested_filename == "kvitto.pdf"
    finally:
        context.close()
    parties = {p.role: p for p in application.parties.all()}
    assert parties["co_applicant"].confirmed_at is not None
    assert parties["co_applicant"].confirmed_channel == "e_service"

    # her own page now shows both confirmed
    page.reload()
    expect(page.get_by_text("Karim Haddad – Medsökande")).to_contain_text("bekräftad")


@pytest.mark.browser
def test_a_monthly_application_copied_from_last_month_with_a_row_added(page, live_server, settings, unit_a, alice):
    """A household with a case: copy last month's application, add a row, fix a mistake the
    summary names, send; the page also in Arabic, right to left."""
    from lika.cases import services as case_services
    from lika.eservice import applying
    from lika.eservice.actor import eservice_actor
    from tests.cases.factories import couple_case

    settings.LIKA_ESERVICE_DEMO_LOGIN = True
    case, woman, man, kids = couple_case(unit_a, case_worker=alice, woman_first=True)
    months = applying.month_choices(case)
    previous = case_services.application_create(acting_user=eservice_actor(), case=case, month=months[0],
                                                applicant=woman, joint=True)
    case_services.application_entries_save(
        acting_user=eservice_actor(), application=previous, obstacles={},
        costs=[case_services.Entry("housing", 712300)], incomes=[case_services.Entry("salary", 931000, woman.pk)])

    demo_login(page, live_server, woman.formatted_identity_number)
    page.get_by_role("link", name="Ansök för en ny månad").click()
    expect(page.get_by_role("heading", level=1, name="Ansök om ekonomiskt bistånd")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Kopiera förra månadens ansökan").click()
    expect(page.locator("#row-0-amount")).to_have_value("9310")
    assert_accessible(page)
    page.get_by_role("button", name="Lägg till kostnad – Johan Lind").click()
    page.locator("#row-2-type").select_option("medical")
    page.locator("#row-2-amount").fill("fyrahundra")
    page.get_by_role("button", name="Skicka ansökan").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Kostnad 1 för Johan Lind: Skriv beloppet i kronor")
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    expect(page.locator("#row-2-type")).to_be_focused()

    # the same page in Arabic: right to left, and still accessible
    page.locator('button[name="language"][value="ar"]').click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_accessible(page)
    page.locator('button[name="language"][value="sv"]').click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")

    page.get_by_role("button", name="Kopiera förra månadens ansökan").click()
    page.get_by_role("button", name="Lägg till kostnad – Johan Lind").click()
    page.locator("#row-2-type").select_option("medical")
    page.locator("#row-2-amount").fill("400")
    page.get_by_role("button", name="Skicka ansökan").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^Ansökan för"))).to_be_visible()
    expect(page.get_by_text("Johan Lind – Medsökande")).to_contain_text("har inte bekräftat än")
    assert_accessible(page)
    application = case.applications.get(month=months[1])
    assert {(i.person_id, i.amount) for i in application.incomes.all()} == {(woman.pk, 931000)}
    assert {(c.person_id, c.type, c.amount) for c in application.costs.all()} == {
        (None, "housing", 712300), (man.pk, "medical", 40000)}
