"""Issue 15, handling, in the real Chromium: the grants officer opens the work list and an
activity-grant application (the occasions with the reasons one did not count), writes an
assessment, partly grants it with reasons and downloads the letter (a PDF with the
amount); the association user sees the decision; a payment officer prepares the month's
run, another attests it and makes the file, which validates and holds the association's
transfer. axe-core on every page."""

import io
import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from lika.grants import services
from lika.grants.models import GrantDecision, ProgrammeBudget
from lika.payments import iso20022
from lika.payments.bankdays import next_banking_day
from lika.payments.models import GrantPaymentOrder, PaymentRun
from tests.conftest import PASSWORD, _user
from tests.e2e.conftest import assert_accessible, login, logout
from tests.grants.helpers import GOOD, upload
from tests.grants.test_services import setup  # noqa: F401  (fixture)


def test_officer_decides_letter_and_payment(page, live_server, setup, settings, tmp_path):  # noqa: F811
    club, _other, programme, user = setup
    ProgrammeBudget.objects.create(programme=programme, year=2026, amount=1_000_000)
    occasions = services.preview(association=club, programme=programme, upload=upload(GOOD)).occasions
    application = services.application_submit(acting_user=user, association_id=club.pk, programme=programme,
                                               occasions=occasions)
    officer = _user("bidrag1", "grants_officer", None, "Greta", "Handläggare")
    petra = _user("petra", "payment_officer", None, "Petra", "Persson")
    pia = _user("pia", "payment_officer", None, "Pia", "Pihl")
    pia.can_attest_payments = True
    pia.save()
    settings.LIKA_PAYMENT_FILES = tmp_path / "payments"

    # the officer: work list, application, assessment, decision, letter
    login(page, live_server, officer)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Bidragshandläggning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bidragshandläggning")
    assert_accessible(page)
    page.get_by_label("Status").select_option("submitted")
    page.get_by_role("button", name="Filtrera").click()
    table = page.get_by_role("table", name="Ansökningar")
    expect(table).to_contain_text(club.name)
    assert_accessible(page)
    table.get_by_role("link", name=str(application.pk)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(club.name)
    occasions_table = page.get_by_role("table", name="Sammankomster")
    expect(occasions_table.get_by_role("row", name=re.compile("2026-03-08"))).to_contain_text(
        "45 minuter, minst 60 krävs")
    expect(page.get_by_role("table", name="Deltagartillfällen per kön och åldersintervall")).to_be_visible()
    expect(page.get_by_text("Betalas till föreningens bankgiro ****1055.")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Bedömning").fill("Verksamheten når fler flickor än pojkar; en sammankomst var för kort.")
    page.get_by_role("button", name="Spara bedömning").click()
    expect(page.get_by_role("status")).to_contain_text("Bedömningen är sparad.")
    assert_accessible(page)

    # partly, without reasons: refused in Swedish, nothing decided
    page.get_by_label("Beviljas delvis").check()
    page.get_by_label("Beviljat belopp vid delvis beviljande (kr)").fill("40")
    page.get_by_role("button", name="Fatta beslut").click()
    expect(page.get_by_role("alert")).to_contain_text("Skäl krävs")
    assert not GrantDecision.objects.exists()
    assert_accessible(page)
    page.get_by_label("Beviljas delvis").check()
    page.get_by_label("Beviljat belopp vid delvis beviljande (kr)").fill("40")
    page.get_by_label("Skäl").fill("Programmets medel räcker inte till hela beloppet i år.")
    page.get_by_role("button", name="Fatta beslut").click()
    expect(page.get_by_role("status")).to_contain_text("Beslutet är fattat")
    expect(page.get_by_text("Beviljas delvis", exact=True)).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner beslutsbrevet (PDF)").click()
    pdf = open(download.value.path(), "rb").read()
    assert pdf.startswith(b"%PDF")
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "40,00" in text and "laglighetsprövning" in text and "Kultur- och fritidsnämnden" in text
    logout(page)

    # the association sees the decision on her application's page
    page.goto(f"{live_server.url}/logga-in/")  # the association lands on her own page, not the overview
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(f"{live_server.url}/bidrag/")
    page.get_by_role("link", name=str(application.pk), exact=True).click()
    expect(page.get_by_role("heading", level=2, name="Beslut")).to_be_visible()
    expect(page.get_by_text("Programmets medel räcker inte till hela beloppet i år.")).to_be_visible()
    expect(page.get_by_role("button", name="Återta ansökan")).to_have_count(0)
    assert_accessible(page)
    logout(page)

    # the payment officer prepares the month's run; the grant is in it
    login(page, live_server, petra)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Utbetalningar").click()
    page.get_by_label("Månad som stödet gäller").fill("2026-12")
    page.get_by_label("Utbetalningsdag").fill(next_banking_day(timezone.localdate() + timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Skapa körningen").click()
    expect(page.locator("#run-status")).to_contain_text("Förberedd, väntar på attest")
    grants_table = page.get_by_role("table", name="Bidrag till föreningar i körningen")
    expect(grants_table).to_contain_text(club.name)
    expect(grants_table).to_contain_text("40,00")
    expect(page.locator("#reconciliation")).to_have_text("Avstämning: inga differenser")
    assert_accessible(page)
    logout(page)

    # another attests and makes the file
    login(page, live_server, pia)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Utbetalningar").click()
    page.get_by_role("link", name="2026-12").click()
    page.get_by_role("button", name="Attestera").click()
    expect(page.locator("#run-status")).to_have_text("Attesterad")
    assert_accessible(page)
    page.get_by_label("Filformat").select_option("09")
    page.get_by_role("button", name="Skapa betalfilen").click()
    run = PaymentRun.objects.get()  # attested above; the file is written by the click
    expect(page.locator("#file-name")).to_have_text(f"pain.001.001.09-2026-12-{run.pk}.xml")
    run.refresh_from_db()  # read after the page shows the file, not while it was being made
    assert_accessible(page)
    path = settings.LIKA_PAYMENT_FILES / run.file_name
    summary = iso20022.validate_pain001(path, version="09")
    order = GrantPaymentOrder.objects.get()
    assert (summary.count, summary.total) == (1, 4000)
    xml = path.read_text()
    assert order.end_to_end_id in xml and "<Id>50501055</Id>" in xml and club.name in xml
