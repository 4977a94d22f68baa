"""The monthly payment run in the real Chromium: the payment officer creates December's
run and the page prepares it by itself (a step per request, the progress bar moving);
the holds show their reasons; she cannot attest her own run; the unit manager with
attesträtt attests it, and the file for the bank is made.  axe-core checks each state."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lika.payments import views
from lika.payments.bankdays import next_banking_day
from lika.payments.models import PaymentRun
from tests.e2e.conftest import assert_accessible, follow, login, logout
from tests.payments.test_run import month_of_decisions  # noqa: F401 (a fixture)


def test_a_payment_run_from_creation_to_the_bank_file(page, live_server, petra, bob, month_of_decisions,  # noqa: F811
                                                      monkeypatch, settings, tmp_path):
    bob.can_attest_payments = True
    bob.save()
    settings.LIKA_PAYMENT_FILES = tmp_path / "payments"
    # two decision shares per request: the page has to come back several times
    monkeypatch.setattr(views, "PREPARE_BATCH", 2)
    monkeypatch.setattr(views, "PREPARE_BATCHES_PER_REQUEST", 1)

    login(page, live_server, petra)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Utbetalningar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Utbetalningar")
    expect(page.get_by_role("heading", level=2, name="Ny körning")).to_be_visible()
    assert_accessible(page)

    # The page continues the preparation by itself after 300 ms.  To let axe check the
    # preparing state, the timer is held while the page loads and the automatic submit
    # is switched off on this page; the button then continues, as it does without JS.
    # a payday in the past is refused in Swedish and nothing is created
    page.get_by_label("Månad som stödet gäller").fill("2026-12")
    page.get_by_label("Utbetalningsdag").fill("2020-01-02")
    page.get_by_role("button", name="Skapa körningen").click()
    expect(page.get_by_role("alert")).to_contain_text("har redan passerat")
    assert not PaymentRun.objects.exists()
    assert_accessible(page)

    page.clock.install()
    page.get_by_label("Månad som stödet gäller").fill("2026-12")
    payday = next_banking_day(timezone.localdate() + timedelta(days=2))
    page.get_by_label("Utbetalningsdag").fill(payday.isoformat())
    page.clock.pause_at("2030-01-01")
    page.get_by_role("button", name="Skapa körningen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Utbetalningskörning 2026-12")
    expect(page.get_by_role("status")).to_contain_text("Körningen för 2026-12 är skapad")
    expect(page.get_by_role("button", name="Fortsätt förbereda")).to_be_visible()
    expect(page.get_by_label("Förlopp")).to_be_visible()
    page.evaluate("() => { document.getElementById('prepare-form').submit = () => {}; }")
    page.clock.resume()
    assert_accessible(page)
    steps = []
    page.on("request", lambda r: steps.append(r.url) if r.method == "POST" and "/utbetalningar/" in r.url else None)
    page.get_by_role("button", name="Fortsätt förbereda").click()

    # the auto-submit moves it along until it is prepared
    expect(page.locator("#run-status")).to_contain_text("Förberedd, väntar på attest")
    run = PaymentRun.objects.get()
    assert len(steps) > 2, "one click, the rest submitted by the page itself"
    assert run.progress_done == run.progress_total == run.order_count + run.hold_count
    expect(page.get_by_role("status")).to_contain_text("Körningen är förberedd och väntar på attest.")
    expect(page.locator("#reconciliation")).to_have_text("Avstämning: inga differenser")
    holds = page.get_by_role("table", name="Stoppade utbetalningar med orsak")
    for reason in ("Kontouppgift saknas", "Skyddade personuppgifter och inget säkert sätt att betala",
                   "Hushållet har ändrats efter beslutet"):
        expect(holds).to_contain_text(reason)
    expect(page.get_by_role("button", name="Attestera")).to_have_count(0)
    expect(page.get_by_text("Väntar på attest av någon annan med attesträtt.")).to_be_visible()
    assert_accessible(page)
    logout(page)

    login(page, live_server, bob)
    follow(page, page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Utbetalningar"))
    assert_accessible(page)
    page.get_by_role("link", name="2026-12").click()
    page.get_by_role("button", name="Attestera").click()
    expect(page.get_by_role("status")).to_contain_text("Körningen är attesterad")
    expect(page.locator("#run-status")).to_have_text("Attesterad")
    assert_accessible(page)

    pytest.importorskip("lika.payments.iso20022")
    page.get_by_label("Filformat").select_option("09")
    page.get_by_role("button", name="Skapa betalfilen").click()
    expect(page.locator("#file-name")).to_have_text(f"pain.001.001.09-2026-12-{run.pk}.xml")
    run.refresh_from_db()  # read once the page shows the file
    expect(page.get_by_role("link", name="Hämta bokföringsfilen (CSV)")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Hämta betalfilen").click()
    assert download.value.suggested_filename == f"pain.001.001.09-2026-12-{run.pk}.xml"


def test_the_bank_files_page_is_accessible(page, live_server, petra):
    login(page, live_server, petra)
    page.goto(f"{live_server.url}/utbetalningar/")
    page.get_by_role("link", name="Filer från banken och betalningar som ska skickas igen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Filer från banken")
    assert_accessible(page)
    page.get_by_role("button", name="Läs in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
