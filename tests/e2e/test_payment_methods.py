"""Issue 14 in Chromium, checked with axe-core: the work list and the case page show a
household whose two halves would go into one account, held with its reason; the case
worker chooses utbetalningsavi for an adult without an account on the person page, and
is told why an avi cannot go to a protected address."""

from datetime import date

from playwright.sync_api import expect

from lika.cases import decisions, services
from lika.cases.decisions import LineDecision
from lika.households.models import Person
from lika.payments import services as payments
from tests.cases.factories import couple_case
from tests.e2e.conftest import assert_accessible, login

MONTH = date(2026, 12, 1)


def _decided(case, user, applicant):
    application = services.application_create(acting_user=user, case=case, month=MONTH, applicant=applicant)
    adults = [m.person for m in services.memberships_in_month(case.household_id, MONTH) if m.role == "adult"]
    services.application_entries_save(acting_user=user, application=application, incomes=[],
                                      costs=[services.Entry("housing", 700000)],
                                      obstacles={p.pk: "unemployed" for p in adults})
    services.calculation_make(acting_user=user, application=application)
    rows = len(decisions.need_lines(application.calculations.get()))
    return decisions.decision_make(acting_user=user, application=application,
                                   lines=[LineDecision("granted")] * rows, acknowledge_provisional=True)


def test_the_work_list_and_the_case_show_two_halves_held_for_one_account(page, live_server, unit_a, alice, petra):
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    Person.objects.filter(pk=man.pk).update(iban="", bank_clearing="5000", bank_account="1234560")
    _decided(case, alice, woman)
    payments.payment_run_prepare(acting_user=petra, run=payments.payment_run_create(acting_user=petra, month=MONTH))
    login(page, live_server, alice)
    page.goto(f"{live_server.url}/mina-arenden/")
    held = page.get_by_role("region", name="Utbetalningar som stoppats eller kommit tillbaka")
    expect(held).to_contain_text("Båda vuxnas delar till samma konto")
    expect(held).to_contain_text("samma konto som den andra vuxna")
    assert_accessible(page)
    held.get_by_role("link").first.click()
    region = page.get_by_role("region", name="Stoppade utbetalningar")
    expect(region).to_contain_text("Båda vuxnas delar till samma konto")
    expect(region).to_contain_text("gemensamt konto")
    assert_accessible(page)


def test_the_case_worker_chooses_utbetalningsavi_and_not_for_a_protected_address(page, live_server, unit_a,
                                                                                  alice):
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    Person.objects.filter(pk=man.pk).update(iban="", bank_clearing="", bank_account="")
    login(page, live_server, alice)
    page.goto(f"{live_server.url}/arenden/{case.pk}/personer/{man.pk}/")
    expect(page.locator("#payment-method")).to_have_text("Till konto")
    page.get_by_label("Utbetalningsavi till adressen").check()
    page.get_by_label("Varför (skrivs i journalen)").fill("Har inget bankkonto ännu")
    page.get_by_role("button", name="Ändra utbetalningssätt").click()
    expect(page.get_by_role("status")).to_contain_text("Utbetalningssättet är ändrat")
    expect(page.locator("#payment-method")).to_have_text("Utbetalningsavi till adressen")
    assert_accessible(page)
    assert Person.objects.get(pk=man.pk).payment_method == "avi"

    protected, her, him, _kids = couple_case(unit_a, case_worker=alice, protected_woman=True)
    page.goto(f"{live_server.url}/arenden/{protected.pk}/personer/{her.pk}/")
    page.get_by_label("Utbetalningsavi till adressen").check()
    page.get_by_role("button", name="Ändra utbetalningssätt").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Utbetalningsavi skickas inte till en skyddad adress")
    expect(page.locator("#payment-method")).to_have_text("Till konto")
    assert_accessible(page)
    assert Person.objects.get(pk=her.pk).payment_method == "account"
