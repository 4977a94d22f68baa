"""Issue 17, items 4 and 5, in the real Chromium: the case worker logs in and lands on
"Mina ärenden"; she searches, filters, sorts and pages the case list (the personnummer
never in the address); she starts December's application from November's, adds a row,
removes a row, saves and calculates.  axe-core on every page."""

import re
from datetime import date

from playwright.sync_api import expect

from lika.cases import case_list, services
from lika.cases.services import Entry
from tests.cases.factories import couple_case, single_case
from tests.e2e.conftest import assert_accessible, kronor, login


def group(page, name):
    return page.get_by_role("group", name=name, exact=True)


def test_the_case_worker_starts_on_mina_arenden_and_searches_filters_sorts_and_pages(page, live_server, alice,
                                                                                      bob, unit_a, monkeypatch):
    monkeypatch.setattr(case_list, "PER_PAGE", 3)
    lind, sara, johan, _kids = couple_case(unit_a, case_worker=alice)
    mine = [single_case(unit_a, case_worker=alice)[0] for _ in range(4)]
    theirs, eva = single_case(unit_a, case_worker=bob)
    services.application_create(acting_user=alice, case=lind, month=date(2026, 12, 1), applicant=sara)

    login(page, live_server, alice)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mina ärenden")
    assert_accessible(page)

    nav = page.get_by_role("navigation", name="Huvudmeny")
    nav.get_by_role("link", name="Ärenden", exact=True).click()
    expect(page.locator("#case-count")).to_have_text("Visar 1–3 av 6 ärenden.")
    assert_accessible(page)

    # the search posts the personnummer: the address holds only a token
    search = page.get_by_role("search", name="Sök ärenden")
    search.get_by_label("Sök på namn, personnummer eller ärendenummer").fill(sara.identity_number)
    search.get_by_role("button", name="Sök").click()
    expect(page).to_have_url(re.compile(r"/arenden/\?s=[\w-]+$"))
    assert sara.identity_number not in page.url
    rows = page.locator("table.cases tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sara Lind")
    expect(rows.first).to_contain_text("Johan Lind")  # the Vuxna column is filled
    expect(rows.first).to_contain_text("Ansökan att beräkna")
    assert_accessible(page)

    # filters: her own cases with the Holm name, then what is to be calculated
    search.get_by_label("Sök på namn, personnummer eller ärendenummer").fill("Holm")
    search.get_by_label("Handläggare").select_option(label="Mina ärenden")
    search.get_by_role("button", name="Sök").click()
    expect(page).to_have_url(re.compile(r"handlaggare=mine"))
    expect(page.locator("#case-count")).to_have_text("Visar 1–3 av 4 ärenden.")
    assert theirs.reference not in page.locator("table.cases").inner_text()

    # sorting by case number keeps the search and the filter
    page.get_by_role("link", name="Ärende", exact=True).click()
    expect(page).to_have_url(re.compile(r"sortering=arende"))
    expect(page.get_by_role("columnheader", name="Ärende")).to_have_attribute("aria-sort", "ascending")
    refs = sorted(c.reference for c in mine)
    expect(rows.first.get_by_role("rowheader")).to_have_text(refs[0])
    assert_accessible(page)

    # the pages keep it all
    pages = page.get_by_role("navigation", name="Sidor i ärendelistan")
    pages.get_by_role("link", name="Nästa sida").click()
    expect(page.locator("#case-count")).to_have_text("Visar 4–4 av 4 ärenden.")
    expect(rows.first.get_by_role("rowheader")).to_have_text(refs[3])
    expect(page).to_have_url(re.compile(r"s=[\w-]+.*handlaggare=mine.*sortering=arende.*sida=2"))
    expect(page.get_by_label("Sök på namn, personnummer eller ärendenummer")).to_have_value("Holm")
    assert_accessible(page)
    page.get_by_role("link", name="Ärende", exact=True).click()  # turned round, back to page 1
    expect(page.get_by_role("columnheader", name="Ärende")).to_have_attribute("aria-sort", "descending")
    expect(rows.first.get_by_role("rowheader")).to_have_text(refs[3])

    # to-do: only the case whose application waits for the calculation
    search.get_by_label("Sök på namn, personnummer eller ärendenummer").fill("")
    search.get_by_label("Att göra").select_option(label="Ansökan att beräkna")
    search.get_by_role("button", name="Sök").click()
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("rowheader")).to_have_text(lind.reference)
    assert_accessible(page)


def test_december_starts_from_november_with_a_row_added_and_one_removed(page, live_server, alice, unit_a):
    case, sara, johan, kids = couple_case(unit_a, case_worker=alice)
    november = services.application_create(acting_user=alice, case=case, month=date(2026, 11, 1), applicant=sara)
    services.application_entries_save(
        acting_user=alice, application=november,
        costs=[Entry("housing", 820000), Entry("electricity", 45050)],
        incomes=[Entry("child_allowance", 250000), Entry("salary", 400000, person_id=sara.pk)],
        obstacles={sara.pk: "parental_leave", johan.pk: "unemployed"})

    login(page, live_server, alice)
    page.goto(f"{live_server.url}/arenden/{case.pk}/ansokningar/ny/")
    copy = page.get_by_label("Fyll i kostnader, inkomster och försörjningshinder från ansökan 2026-11")
    expect(copy).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Sara Lind").check()
    page.get_by_label("Månad som ansökan gäller").fill("2026-12")
    page.get_by_label("Hur kom ansökan in?").select_option(label="Besök")
    page.get_by_role("button", name="Registrera ansökan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ansökan för 2026-12")
    expect(page.get_by_role("status")).to_contain_text("ifylld från ansökan 2026-11")
    expect(group(page, "Kostnad 1").get_by_label("Slag")).to_have_value("housing")
    expect(group(page, "Kostnad 2").get_by_label("Belopp, kr per månad")).to_have_value("450,50")
    expect(group(page, "Inkomst 2").get_by_label("Vems")).to_have_value(str(sara.pk))
    expect(page.get_by_label("Försörjningshinder för Sara Lind")).to_have_value("parental_leave")
    assert_accessible(page)

    # a new cost (dental care for the first child), and the electricity row goes
    page.get_by_role("button", name="Lägg till kostnad").click()
    expect(group(page, "Kostnad 5")).to_be_visible()
    assert_accessible(page)
    new = group(page, "Kostnad 5")
    new.get_by_label("Slag").select_option(label="Tandvård")
    new.get_by_label("Vems").select_option(label=str(kids[0]))
    new.get_by_label("Belopp, kr per månad").fill("1 200")
    page.get_by_role("button", name="Ta bort kostnad 2").click()
    expect(group(page, "Kostnad 5")).to_have_count(0)
    expect(group(page, "Kostnad 2").get_by_label("Slag")).to_have_value("")
    dental = group(page, "Kostnad 4")
    expect(dental.get_by_label("Slag")).to_have_value("dental")
    expect(dental.get_by_label("Vems")).to_have_value(str(kids[0].pk))
    expect(dental.get_by_label("Belopp, kr per månad")).to_have_value("1 200")
    assert_accessible(page)

    page.get_by_role("button", name="Spara och beräkna").click()
    expect(page.get_by_role("status")).to_contain_text("beräknad")
    calculation = page.get_by_role("region", name="Beräkning")
    expect(calculation).to_contain_text("Tandvård")
    expect(calculation).not_to_contain_text("Hushållsel")
    assert kronor(page.locator("#support").inner_text()) >= 0
    assert_accessible(page)
