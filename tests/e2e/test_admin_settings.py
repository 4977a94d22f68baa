"""Issue 17 in the real Chromium: the administrator changes the pay day and a delegation
limit on the settings page, is refused a bad value with a Swedish message, creates a user,
gives her attesträtt and a one-time password with which she logs in, and creates a unit.
axe-core on every page."""

from datetime import date, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from lika.accounts import settings as muni_settings
from lika.accounts.models import User
from lika.audit.models import AccessLogEntry
from tests.e2e.conftest import assert_accessible, follow, login, logout


def _next_month(day):
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def test_the_administrator_changes_settings_and_creates_a_user_with_attest_rights(page, live_server, admin_user,
                                                                                    unit_a):
    today = timezone.localdate()
    login(page, live_server, admin_user)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", level=1, name="Användare")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Kommunens inställningar").click()
    expect(page.get_by_role("heading", level=1, name="Kommunens inställningar")).to_be_visible()
    assert_accessible(page)
    # a bad pay day: a Swedish message, nothing saved
    page.get_by_label("Inställning", exact=True).select_option("pay_day")
    page.get_by_label("Nytt värde").fill("31")
    page.get_by_role("button", name="Spara ändringen").click()
    expect(page.get_by_role("alert")).to_contain_text("Utbetalningsdagen ska vara en dag mellan 1 och 28.")
    assert_accessible(page)
    # the pay day from the month after next, 20
    change_from = _next_month(_next_month(today))
    page.get_by_label("Inställning", exact=True).select_option("pay_day")
    page.get_by_label("Nytt värde").fill("20")
    page.get_by_label("Gäller från").fill(change_from.isoformat())
    page.get_by_role("button", name="Spara ändringen").click()
    expect(page.get_by_role("status")).to_contain_text(f"Utbetalningsdag är 20 från {change_from.isoformat()}")
    # the delegation limit from today, 20 000 kr
    page.get_by_label("Inställning", exact=True).select_option("delegation_limit_kronor")
    page.get_by_label("Nytt värde").fill("20000")
    page.get_by_label("Gäller från").fill(today.isoformat())
    page.get_by_role("button", name="Spara ändringen").click()
    expect(page.get_by_role("status")).to_contain_text("Delegationsgräns, kronor är 20000")
    current = page.get_by_role("table", name=f"Gäller i dag, {today.isoformat()}")
    expect(current.get_by_role("row", name="Delegationsgräns, kronor")).to_contain_text("20000")
    expect(current.get_by_role("row", name="Utbetalningsdag")).to_contain_text("25")
    expect(page.get_by_role("table", name="Alla ändringar, den senaste först")).to_contain_text(
        change_from.isoformat())
    assert_accessible(page)
    assert muni_settings.current("pay_day", on=change_from) == 20
    assert muni_settings.current("pay_day", on=change_from - timedelta(days=1)) == 25
    assert muni_settings.current("delegation_limit_kronor") == 20000

    # a new user: a payment officer, then attesträtt and a one-time password
    page.get_by_role("link", name="Användare", exact=True).click()
    follow(page, page.get_by_role("link", name="Ny användare"))
    assert_accessible(page)
    page.get_by_label("Användarnamn").fill("pelle")
    page.get_by_label("Förnamn").fill("Pelle")
    page.get_by_label("Efternamn").fill("Pengar")
    page.get_by_label("Roll").select_option("case_worker")
    page.get_by_role("button", name="Skapa användaren").click()
    expect(page.get_by_role("alert")).to_contain_text("måste tillhöra en enhet")
    assert_accessible(page)
    page.get_by_label("Roll").select_option("payment_officer")
    page.get_by_label("Enhet", exact=True).select_option(label=unit_a.name)
    page.get_by_label("E-post (visas i beslutsbrev)").fill("pelle@example.se")
    page.get_by_role("button", name="Skapa användaren").click()
    expect(page.get_by_role("heading", level=1, name="Användare pelle")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Attesträtt för utbetalningar").check()
    page.get_by_role("button", name="Spara ändringarna").click()
    expect(page.get_by_role("status")).to_contain_text("Ändringarna är sparade.")
    expect(page.get_by_label("Attesträtt för utbetalningar")).to_be_checked()
    page.get_by_role("button", name="Sätt ett nytt engångslösenord").click()
    password = page.locator("#one-time-password").inner_text()
    assert len(password) >= 12
    assert_accessible(page)
    pelle = User.objects.get(username="pelle")
    assert pelle.can_attest_payments and pelle.role == "payment_officer" and pelle.unit_id == unit_a.pk
    logged = AccessLogEntry.objects.filter(object_type="user", object_id=str(pelle.pk)).order_by("id")
    assert logged[1].old_values == {"can_attest_payments": False}
    assert logged[1].new_values == {"can_attest_payments": True}

    # the units: a new one with its contact on letters
    follow(page, page.get_by_role("link", name="Enheter", exact=True))
    assert_accessible(page)
    page.get_by_label("Kod").fill("syd")
    page.get_by_label("Namn").fill("Försörjningsstöd Syd")
    page.get_by_label("Telefon (visas i beslutsbrev)").fill("0123-100 00")
    page.get_by_role("button", name="Skapa enheten").click()
    expect(page.get_by_role("status")).to_contain_text("Enheten Försörjningsstöd Syd är skapad.")
    follow(page, page.get_by_role("link", name="Försörjningsstöd Syd"))
    assert_accessible(page)

    logout(page)
    login(page, live_server, pelle, password=password)
    expect(page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Administration")).to_have_count(0)
    page.goto(f"{live_server.url}/installningar/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Kommunens inställningar")
