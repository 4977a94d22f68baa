"""Identity in Chromium, checked with axe-core (issue #13): a bank account change needs
two people — one case worker asks, a colleague confirms — and a case worker of another
unit who types the number of a person in an open case is refused without learning who
she is or where she is handled."""

import re

from playwright.sync_api import expect

from lika.cases.models import Case
from lika.households.models import BankAccountChange
from tests.cases.factories import couple_case
from tests.conftest import _user
from tests.e2e.conftest import assert_accessible, follow, login, logout


def test_a_bank_account_change_is_asked_by_one_and_confirmed_by_a_colleague(page, live_server, unit_a, alice):
    dora = _user("dora", "case_worker", unit_a, "Dora", "Dahl")
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    login(page, live_server, alice)
    page.goto(f"{live_server.url}/arenden/{case.pk}/personer/{woman.pk}/")
    page.get_by_label("Clearingnummer").fill("5000")
    page.get_by_label("Kontonummer").fill("1000004")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Kontoändringen gäller när en kollega på enheten har bekräftat")
    page.goto(f"{live_server.url}/arenden/{case.pk}/personer/{woman.pk}/")
    pending = page.locator("#pending-account")
    expect(pending).to_contain_text("Kontoändring väntar på bekräftelse")
    expect(pending).to_contain_text("5000-1000004")
    expect(page.get_by_role("button", name="Bekräfta kontoändringen")).to_have_count(0)
    expect(page.get_by_role("region", name="Konto för utbetalning")).to_contain_text("5000-1234560")
    assert_accessible(page)
    woman.refresh_from_db()
    assert woman.bank_account == "1234560", "nothing changes before the colleague confirms"
    logout(page)

    login(page, live_server, dora)
    page.goto(f"{live_server.url}/arenden/{case.pk}/personer/{woman.pk}/")
    assert_accessible(page)
    page.get_by_label("Hur har du kontrollerat ändringen?").select_option(
        label="Kontohavaren bekräftade när vi ringde upp")
    page.get_by_role("button", name="Bekräfta kontoändringen").click()
    expect(page.get_by_role("status")).to_contain_text("Kontoändringen är bekräftad")
    expect(page.get_by_role("region", name="Konto för utbetalning")).to_contain_text("5000-1000004")
    expect(page.locator("#pending-account")).to_have_count(0)
    assert_accessible(page)
    change = BankAccountChange.objects.get()
    assert (change.requested_by, change.confirmed_by, change.confirmed_channel) == (alice, dora, "holder_phone")


def test_a_case_worker_of_another_unit_is_refused_neutrally_on_registration(page, live_server, unit_a, unit_b,
                                                                             alice, charlie):
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice, protected_woman=True)
    login(page, live_server, charlie)
    page.goto(f"{live_server.url}/arenden/nytt/")
    adult1 = page.get_by_role("group", name="Vuxen 1")
    adult1.get_by_label("Personnummer eller samordningsnummer").fill(woman.formatted_identity_number)
    adult1.get_by_label("Förnamn").fill("Någon")
    adult1.get_by_label("Efternamn").fill("Annan")
    page.get_by_role("button", name="Registrera hushållet").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Personen kan inte registreras här")
    expect(alert).to_contain_text("Kontakta socialtjänstens övriga enheter")
    body = page.locator("body")
    for secret in ("Sara", "Lind", "Norr", unit_a.name):
        expect(body).not_to_contain_text(re.compile(re.escape(secret)))
    assert_accessible(page)
    assert not Case.objects.filter(unit=unit_b).exists()


def test_an_enhetschef_asks_for_a_transfer_and_the_other_unit_answers(page, live_server, unit_a, unit_b, alice,
                                                                       bob):
    sune = _user("sune", "unit_manager", unit_b, "Sune", "Sten")
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    login(page, live_server, sune)
    page.goto(f"{live_server.url}/arenden/")
    follow(page, page.get_by_role("link", name="Flytt av ärenden mellan enheter"))
    assert_accessible(page)
    page.get_by_role("button", name="Skicka begäran").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Personnummer eller samordningsnummer").fill(woman.formatted_identity_number)
    page.get_by_label("Meddelande till den andra enheten").fill("Hushållet har flyttat till Söder.")
    page.get_by_role("button", name="Skicka begäran").click()
    expect(page.get_by_role("status")).to_contain_text("Begäran är registrerad")
    expect(page.get_by_role("region", name="Din enhets begäranden")).to_contain_text("Väntar på svar")
    expect(page.locator("body")).not_to_contain_text("Sara")
    logout(page)

    login(page, live_server, bob)
    page.goto(f"{live_server.url}/arenden/flytt/")
    incoming = page.get_by_role("region", name="Begäranden till din enhet")
    expect(incoming).to_contain_text("Sara Lind")
    incoming.get_by_label("Avslå").check()
    incoming.get_by_role("button", name="Svara").click()
    expect(page.get_by_role("alert")).to_contain_text("Skriv varför")
    assert_accessible(page)
    incoming.get_by_label("Godkänn: vi avslutar vårt ärende för personen").check()
    incoming.get_by_role("button", name="Svara").click()
    expect(page.get_by_role("status")).to_contain_text("Ditt svar är registrerat")
    assert_accessible(page)
