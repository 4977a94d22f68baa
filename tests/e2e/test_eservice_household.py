"""Issue 16, done when: two adults of one household, each in her or his own browser and own
e-identification (the suite's local OpenID provider), on SQLite and on PostgreSQL.

The woman applies first (and becomes registerledare) and attaches a receipt; the man
confirms in his own session; both register their own accounts, which the case worker
confirms; the case worker decides and the payment run pays; both see the same decision and
letter and their own payments; the man uses the private channel to ask for an individual
meeting and nothing of it reaches the woman's pages or notifications; the woman leaves by
the quick exit without a history entry; the man appeals and the appeal reaches the case
worker's work list with its deadline; the Arabic version renders right to left and passes
axe-core."""

import io
import json
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader, PdfWriter

from lika.cases.models import Application, Case, Decision
from lika.eservice.applying import month_choices
from lika.eservice.models import Appeal
from lika.payments.models import PaymentOrder
from tests.e2e.conftest import TIMEOUT_MS, assert_accessible, csp_violation, follow, login
from tests.eservice.decided import pay
from tests.eservice.oidc_provider import running

pytestmark = pytest.mark.both_engines

WOMAN_PNR, MAN_PNR = "19850709-9805", "19811218-9876"
NEUTRAL = "https://neutral.example/"
SECRET = "Jag vill prata med dig utan henne, det gäller pengarna"


def small_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_text(data: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def new_page(browser, violations, **options):
    """A page in a browser context of its own (its own cookies: its own session)."""
    context = browser.new_context(locale="sv-SE", **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("console", lambda m: violations.append(f"{page.url}: {m.text}") if csp_violation(m) else None)
    # the quick exit's neutral page, served by the test itself (never fetched)
    page.route(f"{NEUTRAL}**", lambda route: route.fulfill(
        status=200, content_type="text/html; charset=utf-8",
        body="<!doctype html><html lang='sv'><title>Vädret</title><h1>Vädret i dag</h1></html>"))
    return page


def e_id_login(page, live_server, pnr):
    """Her own e-identification: Lika's login, the provider's page, back to Mina sidor."""
    page.goto(f"{live_server.url}/e-tjanst/")
    page.get_by_role("link", name="Logga in", exact=True).click()
    page.get_by_role("button", name="Logga in med e-legitimation").click()
    page.get_by_label("Personnummer").fill(pnr)
    page.get_by_role("button", name="Legitimera").click()
    expect(page.get_by_role("heading", level=1, name="Mina sidor")).to_be_visible()


def register_account(page, live_server, clearing, account):
    page.goto(f"{live_server.url}/e-tjanst/mina-uppgifter/")
    page.get_by_label("Clearingnummer").fill(clearing)
    page.get_by_label("Kontonummer").fill(account)
    page.get_by_role("button", name="Skicka kontoändringen").click()
    expect(page.locator("#pending-account")).to_be_visible()
    assert_accessible(page)


def notify_by_email(page, live_server, address):
    page.goto(f"{live_server.url}/e-tjanst/mina-uppgifter/")
    page.get_by_label("E-post", exact=True).fill(address)
    page.get_by_label(re.compile("e-post", re.I)).and_(page.locator("input[type=checkbox]")).first.check()
    page.get_by_role("button", name=re.compile("Spara")).first.click()


def notifications_to(folder, address) -> list[dict]:
    if not folder.exists():
        return []
    found = [json.loads(f.read_text(encoding="utf-8")) for f in sorted(folder.iterdir())]
    return [n for n in found if n["to"] == address]


def eservice_pages(live_server, decision_id):
    return [f"{live_server.url}{path}" for path in (
        "/e-tjanst/mina-sidor/", "/e-tjanst/ansokningar/", f"/e-tjanst/beslut/{decision_id}/",
        "/e-tjanst/utbetalningar/", "/e-tjanst/min-plan/", "/e-tjanst/moten/", "/e-tjanst/meddelanden/",
        "/e-tjanst/mina-uppgifter/")]


def test_two_adults_apply_together_each_in_her_own_login_and_see_the_same(
        browser, live_server, settings, unit_a, alice, bob, petra, tmp_path):
    settings.LIKA_ESERVICE_INTAKE_UNIT = unit_a.code
    settings.LIKA_PRIVATE_FILES = tmp_path / "private"
    settings.LIKA_NOTIFICATION_DIR = tmp_path / "notifications"
    settings.LIKA_NOTIFICATION_SENDER = "lika.eservice.notify.FileSender"
    settings.LIKA_QUICK_EXIT_URL = NEUTRAL
    bob.can_attest_payments = True
    bob.save()
    month = month_choices(None)[0]
    violations: list[str] = []
    with running(settings) as provider:
        provider.names = {WOMAN_PNR.replace("-", ""): ("Amal", "Haddad"),
                          MAN_PNR.replace("-", ""): ("Karim", "Haddad")}
        her = new_page(browser, violations, viewport={"width": 1280, "height": 900})
        him = new_page(browser, violations, viewport={"width": 390, "height": 844}, is_mobile=True)  # a phone
        staff = new_page(browser, violations, viewport={"width": 1280, "height": 900})
        try:
            _the_household(her, him, staff, live_server, settings, alice, bob, petra, tmp_path, month)
        finally:
            for page in (her, him, staff):
                page.context.close()
    assert violations == [], violations


def _the_household(her, him, staff, live_server, settings, alice, bob, petra, tmp_path, month):
    # --- the woman applies first, with her own e-identification -----------------------------
    e_id_login(her, live_server, WOMAN_PNR)
    assert_accessible(her)
    her.get_by_role("link", name="Ansök om ekonomiskt bistånd").click()
    her.locator("#id_month").select_option(f"{month:%Y-%m}")
    expect(her.locator("#id_given_name")).to_have_count(0)  # her name comes from her e-identification
    her.locator("#id_partner_identity_number").fill(MAN_PNR)
    her.locator("#id_partner_first_name").fill("Karim")
    her.locator("#id_partner_last_name").fill("Haddad")
    assert_accessible(her)
    her.get_by_role("button", name="Skicka och fortsätt till inkomster och kostnader").click()
    expect(her.get_by_role("heading", level=1, name=re.compile("^Inkomster och kostnader för"))).to_be_visible()
    her.locator("#row-0-type").select_option("salary")
    her.locator("#row-0-amount").fill("3 000")
    her.locator("#row-1-type").select_option("housing")
    her.locator("#row-1-amount").fill("7000")
    assert_accessible(her)
    her.get_by_role("button", name="Spara", exact=True).click()
    expect(her.get_by_role("heading", level=1, name=re.compile("^Ansökan för"))).to_be_visible()
    # she attaches a receipt
    receipt = tmp_path / "kvitto.pdf"
    receipt.write_bytes(small_pdf())
    her.get_by_label("Vad är det för underlag?").select_option("receipt")
    her.get_by_label("Fil", exact=True).set_input_files(str(receipt))
    her.get_by_role("button", name="Ladda upp").click()
    expect(her.get_by_role("link", name="kvitto.pdf")).to_be_visible()
    assert_accessible(her)

    case = Case.objects.get()
    application = Application.objects.get()
    woman, man = application.applicant, case.household.memberships.exclude(person=application.applicant).get().person
    assert (woman.first_name, woman.legal_gender) == ("Amal", "F")
    assert case.registerledare == woman, "whoever applies first is registerledare"
    assert case.unit == alice.unit

    # --- the man confirms in his own login, on his phone ------------------------------------
    e_id_login(him, live_server, MAN_PNR)
    expect(him.get_by_role("heading", name="Väntar på din bekräftelse")).to_be_visible()
    assert_accessible(him)
    him.get_by_role("link", name="Läs och bekräfta ansökan").click()
    expect(him.get_by_role("link", name="kvitto.pdf")).to_be_visible()
    him.get_by_role("button", name="Jag bekräftar ansökan").click()
    expect(him.get_by_text("Tack! Du har bekräftat ansökan.")).to_be_visible()
    assert_accessible(him)
    assert all(p.confirmed_at for p in application.parties.all())

    # --- each registers her and his own account; notifications by e-mail ------------------
    register_account(her, live_server, "5000", "1234560")
    register_account(him, live_server, "6789", "123456789")
    notify_by_email(her, live_server, "amal@example.se")
    notify_by_email(him, live_server, "karim@example.se")

    # --- the case worker: the work list, the accounts, the calculation and the decision ----
    login(staff, live_server, alice)
    staff.goto(f"{live_server.url}/mina-arenden/")
    expect(staff.locator("main")).to_contain_text("från e-tjänsten")
    assert_accessible(staff)
    for person in (woman, man):
        staff.goto(f"{live_server.url}/arenden/{case.pk}/personer/{person.pk}/")
        staff.get_by_role("button", name="Bekräfta kontoändringen").click()
        expect(staff.get_by_role("status")).to_be_visible()
    staff.goto(f"{live_server.url}/arenden/{case.pk}/ansokningar/{application.pk}/")
    expect(staff.locator("main")).to_contain_text("kvitto.pdf")
    staff.get_by_label("Försörjningshinder för Amal Haddad").select_option(label="Arbetslös – otillräcklig ersättning")
    staff.get_by_label("Försörjningshinder för Karim Haddad").select_option(label="Arbetslös – otillräcklig ersättning")
    staff.get_by_role("button", name="Spara och beräkna").click()
    expect(staff.get_by_role("status")).to_contain_text("beräknad")
    follow(staff, staff.get_by_role("link", name="Gå till beslut"))
    expect(staff.get_by_label("Lika delar till var och en av de vuxna (huvudregel)")).to_be_checked()
    provisional = staff.get_by_label("Jag fattar beslutet med ett preliminärt belopp")
    if provisional.count():
        provisional.check()
    staff.get_by_role("button", name="Fatta beslut").click()
    expect(staff.get_by_role("status")).to_contain_text("Beslutet är fattat")
    recipients = staff.get_by_role("region", name="Beslutet skickas till båda de vuxna")
    for first in ("Amal", "Karim"):
        recipients.get_by_label(f"Kanal till {first}").select_option(label="E-tjänsten")
        recipients.get_by_role("button", name=f"Registrera utskick till {first}").click()
        expect(staff.get_by_role("status")).to_contain_text("är registrerat")
    assert_accessible(staff)
    decision = Decision.objects.get(status="issued")
    assert {r.person_id for r in decision.recipients.all()} == {woman.pk, man.pk}
    pay(month, petra, bob, settings, tmp_path / "bank")
    orders = {o.person_id: o for o in PaymentOrder.objects.filter(decision=decision)}
    assert set(orders) == {woman.pk, man.pk}
    assert abs(orders[woman.pk].amount - orders[man.pk].amount) <= 1, "half to each"

    # --- both see the same decision and the same letter, and their own payments ------------
    seen = {}
    for page, first, own_account, other_account in ((her, "Amal", "4560", "6789"), (him, "Karim", "6789", "4560")):
        page.goto(f"{live_server.url}/e-tjanst/mina-sidor/")
        page.get_by_role("link", name=re.compile("beslut: beviljat")).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Beslut om bistånd")
        table = page.get_by_role("table", name="Beräkningen rad för rad")
        seen[first] = table.inner_text()
        assert_accessible(page)
        with page.expect_download() as info:
            page.get_by_role("link", name="Hämta ditt beslutsbrev (PDF)").click()
        letter = pdf_text(open(info.value.path(), "rb").read())
        assert f"{first} Haddad" in letter and case.reference in letter
        page.goto(f"{live_server.url}/e-tjanst/utbetalningar/")
        payments = page.locator("main").inner_text()
        assert re.search(rf"[•*]\s?{own_account}", payments), "her own account, masked"
        assert other_account not in payments, "never the partner's account"
        assert "1234560" not in payments and "123456789" not in payments, "accounts only masked"
        expect(page.locator("main")).to_contain_text(re.compile(r"\d"))
        assert_accessible(page)
    assert seen["Amal"] == seen["Karim"], "the same calculation, line by line"
    assert "Lön" in seen["Amal"]

    # --- the man asks privately for an individual meeting -----------------------------------
    before = len(notifications_to(settings.LIKA_NOTIFICATION_DIR, "amal@example.se"))
    her_pages = {}
    for url in eservice_pages(live_server, decision.pk):
        her.goto(url)
        her_pages[url] = her.locator("body").inner_text()
    him.goto(f"{live_server.url}/e-tjanst/mina-sidor/")
    him.get_by_role("link", name="Skriv till handläggaren utan att den andra vuxna ser det").click()
    expect(him.get_by_role("heading", level=1, name="Till handläggaren, bara för dig")).to_be_visible()
    him.get_by_label("Ditt meddelande").fill(SECRET)
    him.get_by_role("button", name="Skicka privat").click()
    expect(him.get_by_role("status")).to_contain_text("Ditt meddelande är skickat.")
    him.get_by_role("button", name="Be om ett eget möte").click()
    expect(him.get_by_role("status")).to_be_visible()
    assert_accessible(him)
    staff.goto(f"{live_server.url}/mina-arenden/")
    expect(staff.get_by_role("region", name=re.compile("Önskar ett eget möte"))).to_contain_text("Karim Haddad")
    # the woman's every page: exactly as before (no text, no count, no trace), nor a notification
    for url, earlier in her_pages.items():
        her.goto(url)
        text = her.locator("body").inner_text()
        assert SECRET not in text, url
        assert text == earlier, f"{url} changed when he wrote privately"
    assert len(notifications_to(settings.LIKA_NOTIFICATION_DIR, "amal@example.se")) == before

    # --- the woman leaves by the quick exit: no history entry, and back shows no case ------
    her.goto(f"{live_server.url}/e-tjanst/utbetalningar/")
    entries = her.evaluate("history.length")
    her.get_by_role("button", name="Lämna sidan snabbt").click()
    expect(her.get_by_role("heading", name="Vädret i dag")).to_be_visible()
    assert her.evaluate("history.length") == entries
    her.go_back()
    expect(her.get_by_role("heading", level=1, name="Logga in")).to_be_visible()

    # --- the man appeals; the case worker sees it with its deadline ------------------------
    him.goto(f"{live_server.url}/e-tjanst/beslut/{decision.pk}/")
    him.get_by_role("link", name="Överklaga beslutet").click()
    him.get_by_label("Vad vill du ändra i beslutet, och varför?").fill("Hyran är högre än ni räknat med.")
    him.get_by_role("button", name="Skicka överklagandet").click()
    expect(him.get_by_role("heading", level=1, name="Ditt överklagande")).to_be_visible()
    assert_accessible(him)
    appeal = Appeal.objects.get()
    assert appeal.person == man and appeal.in_time
    staff.goto(f"{live_server.url}/mina-arenden/")
    section = staff.locator("section", has=staff.get_by_role("heading", name=re.compile("Överklaganden att ompröva")))
    expect(section).to_contain_text(f"sista dag {appeal.deadline:%Y-%m-%d}")
    expect(section).to_contain_text("Karim Haddad")
    assert_accessible(staff)

    # --- in Arabic: right to left, and axe-core clean --------------------------------------
    him.goto(f"{live_server.url}/e-tjanst/beslut/{decision.pk}/")
    him.locator('button[name="language"][value="ar"]').click()
    expect(him.locator("html")).to_have_attribute("dir", "rtl")
    expect(him.locator("html")).to_have_attribute("lang", "ar")
    assert him.evaluate("() => getComputedStyle(document.querySelector('main')).direction") == "rtl"
    assert_accessible(him)
    him.goto(f"{live_server.url}/e-tjanst/mina-sidor/")
    expect(him.get_by_role("heading", level=1)).to_have_text("صفحاتي")
    assert_accessible(him)
    assert Decimal(orders[man.pk].amount) > 0 and timezone.localdate() <= appeal.deadline
