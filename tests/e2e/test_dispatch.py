"""Issue 17 in the real Chromium: the unit's Utskick page — the letters waiting, making the
day's print batch, downloading it, marking it "lämnad till posten" (only then are the
letters recorded as sent) and the unit's own pile for a protected address; and the payment
run marked as sent to the bank.  axe-core checks each state."""

from django.utils import timezone
from playwright.sync_api import expect

from lika.cases.models import DecisionRecipient, PrintBatch
from lika.payments import services as payments
from tests.cases.dispatch_helpers import MONTH, couple_decided
from tests.e2e.conftest import assert_accessible, login


def test_the_days_print_batch_from_the_utskick_page(page, live_server, unit_a, alice):
    decision, woman, man = couple_decided(unit_a, alice)
    _protected_decision, protected, _partner = couple_decided(unit_a, alice, protected_woman=True)
    login(page, live_server, alice)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Utskick").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Utskick")
    waiting = page.get_by_role("table", name="4 brev väntar")
    expect(waiting).to_contain_text("Skyddad adress: skickas via enheten")
    assert_accessible(page)

    page.get_by_role("button", name="Gör dagens utskick").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Utskriftsbunt {timezone.localdate().isoformat()}")
    expect(page.get_by_role("status")).to_contain_text("Dagens utskriftsbunt är skapad.")
    expect(page.locator("#batch-status")).to_have_text("Skapad")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Hämta utskriftsbunten (PDF)").click()
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"
    assert not DecisionRecipient.objects.filter(delivered_on__isnull=False).exists(), "made, not yet sent"

    page.get_by_role("button", name="Markera som lämnad till posten").click()
    expect(page.locator("#batch-status")).to_have_text("Lämnad till posten")
    assert set(DecisionRecipient.objects.filter(decision=decision).values_list("channel", flat=True)) == {"post"}
    assert DecisionRecipient.objects.get(person=protected).delivered_on is None
    page.get_by_role("button", name=f"Markera som skickat: brevet till {protected}").click()
    expect(page.get_by_role("status")).to_contain_text("Brevet är registrerat som skickat via enheten.")
    assert DecisionRecipient.objects.get(person=protected).channel == "post"
    assert_accessible(page)

    page.get_by_role("link", name="Utskick").first.click()
    expect(page.locator("#nothing-waiting")).to_be_visible()
    expect(page.get_by_role("table", name="Enhetens senaste utskriftsbuntar")).to_contain_text("Lämnad till posten")
    assert PrintBatch.objects.count() == 1
    assert_accessible(page)


def test_the_payment_run_is_marked_as_sent_to_the_bank(page, live_server, unit_a, alice, bob, petra, settings,
                                                      tmp_path):
    settings.LIKA_PAYMENT_FILES = tmp_path
    bob.can_attest_payments = True
    bob.save()
    couple_decided(unit_a, alice)
    run = payments.payment_run_prepare(acting_user=petra, run=payments.payment_run_create(acting_user=petra,
                                                                                         month=MONTH))
    payments.payment_run_attest(acting_user=bob, run=run)
    payments.payment_run_export(acting_user=petra, run=run)
    login(page, live_server, petra)
    page.goto(f"{live_server.url}/utbetalningar/{run.pk}/")
    expect(page.locator("#run-status")).to_have_text("Fil skapad")
    expect(page.locator("#sent-to-bank")).to_contain_text("inte markerad som skickad")
    assert_accessible(page)
    page.get_by_role("button", name="Markera som skickad till banken").click()
    expect(page.get_by_role("status")).to_contain_text("Körningen är markerad som skickad till banken.")
    expect(page.locator("#sent-to-bank")).to_contain_text("Petra Persson")
    expect(page.get_by_role("button", name="Markera som skickad till banken")).to_have_count(0)
    run.refresh_from_db()
    assert run.sent_to_bank_by == petra
    assert_accessible(page)
