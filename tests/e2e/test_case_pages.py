"""The remaining case pages in Chromium, each checked with axe-core: a person's details
(protected identity), household changes, an exception approved by the manager, a
decision above the delegation, the journal, and closing the case."""

import re
from datetime import date

from playwright.sync_api import expect

from lika.cases import decisions, services
from lika.cases.decisions import LineDecision
from tests.cases.factories import PROTECTED_ADDRESS, couple_case
from tests.e2e.conftest import assert_accessible, follow, login, logout

MONTH = date(2026, 12, 1)


def test_person_household_and_journal_pages(page, live_server, unit_a, alice):
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice, protected_woman=True)
    login(page, live_server, alice)
    page.goto(f"{live_server.url}/arenden/{case.pk}/")
    page.get_by_role("link", name=re.compile("^Sara Lind")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Skyddade personuppgifter")
    expect(page.locator("body")).not_to_contain_text(PROTECTED_ADDRESS)
    expect(page.get_by_label("Adress", exact=True)).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("Telefon").fill("070-123 45 67")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Uppgifterna om Sara Lind är sparade")
    woman.refresh_from_db()
    assert woman.phone == "070-123 45 67" and woman.street_address == PROTECTED_ADDRESS

    page.get_by_role("link", name=re.compile("^Johan Lind")).click()
    page.get_by_label("Kontonummer").fill("1234561")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("alert")).to_contain_text("Kontonumret är inte giltigt")
    expect(page.get_by_label("Kontonummer")).to_have_value("1234561")
    assert_accessible(page)

    page.goto(f"{live_server.url}/arenden/{case.pk}/hushall/")
    assert_accessible(page)
    end = page.get_by_role("form", name="Någon flyttar ut")
    end.get_by_label("Vem flyttar ut").select_option(label="Johan Lind (vuxen)")
    end.get_by_label("Sista dagen i hushållet").fill("2026-12-31")
    end.get_by_role("button", name="Registrera utflyttning").click()
    expect(page.get_by_role("status")).to_contain_text("Hushållet är ändrat")
    expect(page.get_by_role("region", name="Hushållet")).to_contain_text("Johan Lind")  # still here today

    page.get_by_role("link", name="Journal", exact=True).click()
    page.get_by_role("button", name="Signera och spara").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Ny anteckning").fill("Telefonsamtal med Sara om nästa månads ansökan.")
    page.get_by_role("button", name="Signera och spara").click()
    expect(page.locator("article.note").first).to_contain_text("Alice Andersson (Socialsekreterare)")
    assert_accessible(page)


def test_exception_and_a_decision_above_the_delegation(page, live_server, unit_a, alice, bob, settings):
    settings.LIKA_DELEGATION_LIMIT_KRONOR = 100
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    application = services.application_create(acting_user=alice, case=case, month=MONTH, applicant=man)
    services.application_entries_save(acting_user=alice, application=application, costs=[], incomes=[],
                                      obstacles={woman.pk: "unemployed", man.pk: "sick_certified"})
    services.calculation_make(acting_user=alice, application=application)
    application.refresh_from_db()
    rows = len(decisions.need_lines(application.calculations.get()))
    decision = decisions.decision_make(acting_user=alice, application=application,
                                       lines=[LineDecision("granted")] * rows, acknowledge_provisional=True)

    login(page, live_server, alice)
    page.goto(f"{live_server.url}/arenden/{case.pk}/")
    follow(page, page.get_by_role("link", name="Begär undantag (särskilda skäl)"))
    assert_accessible(page)
    page.get_by_role("button", name="Skicka till enhetschefen").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Sara Lind").check()
    page.get_by_label("Särskilda skäl").select_option(label="Part vistas utomlands eller på institution")
    page.get_by_label("Motivering").fill("Johan vårdas på institution under vintern.")
    page.get_by_role("button", name="Skicka till enhetschefen").click()
    expect(page.get_by_text("Väntar på att enhetschefen prövar undantaget.")).to_be_visible()
    assert_accessible(page)
    exception_url = page.url
    page.goto(f"{live_server.url}/arenden/{case.pk}/beslut/{decision.pk}/")
    expect(page.get_by_text("fattas av enhetschefen")).to_be_visible()
    expect(page.get_by_role("button", name="Fatta beslutet")).to_have_count(0)
    assert_accessible(page)
    logout(page)

    login(page, live_server, bob)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Mina ärenden").click()
    expect(page.get_by_role("region", name=re.compile("^Undantag att pröva"))).to_contain_text("Sara Lind")
    assert_accessible(page)
    page.goto(exception_url)
    page.get_by_label("Godkänn undantaget").check()
    page.get_by_role("button", name="Spara beslutet").click()
    expect(page.get_by_role("status")).to_contain_text("registrerat")
    expect(page.locator("dl.facts")).to_contain_text("Godkänt")
    assert_accessible(page)
    page.goto(f"{live_server.url}/arenden/{case.pk}/beslut/{decision.pk}/")
    page.get_by_label("Jag fattar beslutet med ett preliminärt belopp").check()
    page.get_by_role("button", name="Fatta beslutet").click()
    expect(page.get_by_role("status")).to_contain_text("Beslutet är fattat")
    expect(page.locator("dl.facts")).to_contain_text("Bo Berg (enhetschef)")
    assert_accessible(page)

    page.goto(f"{live_server.url}/arenden/{case.pk}/")
    close = page.get_by_role("region", name="Avsluta ärendet")
    # a reason for leaving support as the register file names it (HSLF-FS 2015:30 bilaga 2)
    close.get_by_label("Anledning").select_option(label="Arbete med anställningsstöd (t.ex. nystartsjobb, lönebidrag)")
    close.get_by_role("button", name="Avsluta ärendet").click()
    expect(page.get_by_role("status")).to_contain_text("Ärendet är avslutat")
    expect(page.locator("dl")).to_contain_text(["Arbete med anställningsstöd"])
    expect(page.get_by_role("link", name="Ny ansökan")).to_have_count(0)
    assert_accessible(page)
