"""The riksnorm pages in the browser: reading the tables, and an administrator's correction."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login, logout

SHIPPED_YEARS = list(range(2017, 2027))
PROVISIONAL_YEARS = [2018, 2020, 2022, 2023, 2024, 2025, 2026]  # docs/calculate.md, "Normtabellernas källor"


def year_row(page, year):
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=str(year), exact=True))


def test_a_case_worker_reads_the_norm_tables(page, live_server, alice, norm_tables):
    assert norm_tables == SHIPPED_YEARS
    login(page, live_server, alice)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Riksnorm").click()
    expect(page).to_have_url(f"{live_server.url}/riksnorm/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Riksnorm för försörjningsstöd")
    expect(page.get_by_role("link", name="Lägg in en ny normtabell")).to_have_count(0)
    years = page.get_by_role("table").get_by_role("rowheader")
    expect(years).to_have_text([str(y) for y in sorted(SHIPPED_YEARS, reverse=True)])
    for year in SHIPPED_YEARS:
        status = "Preliminär" if year in PROVISIONAL_YEARS else "Fastställd"
        expect(year_row(page, year).get_by_role("cell").first).to_have_text(status)
    expect(year_row(page, 2026).locator(".badge")).to_have_text("Preliminär")
    expect(year_row(page, 2021).locator(".badge")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="2021", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/riksnorm/2021/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Riksnorm 2021")
    expect(page.get_by_role("note")).to_have_count(0)
    adults = page.get_by_role("table", name="Personliga kostnader, vuxna")
    expect(adults.get_by_role("row", name="Ensamstående")).to_contain_text("3\u00a0160,00\u00a0kr")
    expect(adults.get_by_role("row", name="Sambor")).to_contain_text("5\u00a0700,00\u00a0kr")
    expect(page.locator(".badge", has_text="uppskattat")).to_have_count(0)
    expect(page.get_by_role("link", name="Rätta tabellen")).to_have_count(0)
    assert_accessible(page)

    page.goto(f"{live_server.url}/riksnorm/2026/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Riksnorm 2026")
    expect(page.get_by_role("note")).to_contain_text("Preliminär tabell.")
    children = page.get_by_role("table", name="Personliga kostnader, barn och ungdomar")
    expect(children.get_by_role("row", name="7–10 år")).to_contain_text("uppskattat")
    adults = page.get_by_role("table", name="Personliga kostnader, vuxna")
    expect(adults.get_by_role("row", name="Ensamstående")).to_contain_text("3\u00a0940,00\u00a0kr")
    expect(adults.get_by_role("row", name="Ensamstående").locator(".badge")).to_have_count(0)
    # 8 + 4 children's posts and households of 3–7 persons are estimated in the shipped file.
    expect(page.locator(".badge", has_text="uppskattat")).to_have_count(17)
    assert_accessible(page)

    response = page.goto(f"{live_server.url}/riksnorm/2021/andra/")
    assert response.status == 403
    assert_accessible(page)


def test_an_administrator_corrects_2026_and_the_calculator_uses_it(page, live_server, admin_user, alice):
    from lika.norms.models import NormTableVersion

    login(page, live_server, admin_user)
    page.goto(f"{live_server.url}/riksnorm/2026/")
    page.get_by_role("link", name="Rätta tabellen").click()
    expect(page).to_have_url(f"{live_server.url}/riksnorm/2026/andra/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rätta riksnorm 2026")
    single = page.get_by_label("Ensamstående", exact=True)
    expect(single).to_have_value("3940")
    expect(page.get_by_label("År", exact=True)).to_be_disabled()
    assert_accessible(page)

    single.fill("3950")
    page.get_by_label("Anledning till ändringen").fill("Beloppet enligt SFS 2025:1234")
    page.get_by_role("button", name="Spara ny version").click()
    expect(page).to_have_url(f"{live_server.url}/riksnorm/2026/")
    expect(page.get_by_role("status")).to_have_text("Riksnorm 2026 version 2 är sparad och gäller nu.")
    expect(page.locator("dl.facts dt:text-is('Version') + dd")).to_have_text("2")
    adults = page.get_by_role("table", name="Personliga kostnader, vuxna")
    expect(adults.get_by_role("row", name="Ensamstående")).to_contain_text("3\u00a0950,00\u00a0kr")
    versions = page.get_by_role("table", name="Tabellens versioner").locator("tbody tr")
    expect(versions).to_have_count(2)
    expect(versions.first.get_by_role("rowheader")).to_have_text("2")
    expect(versions.first).to_contain_text("Ada Admin")
    expect(versions.first).to_contain_text("Beloppet enligt SFS 2025:1234")
    expect(versions.nth(1).get_by_role("rowheader")).to_have_text("1")
    assert_accessible(page)

    # A correction without a reason is refused, and nothing is saved.
    page.get_by_role("link", name="Rätta tabellen").click()
    page.get_by_label("Ensamstående", exact=True).fill("3960")
    page.get_by_role("button", name="Spara ny version").click()
    expect(page).to_have_url(f"{live_server.url}/riksnorm/2026/andra/")
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("Tabellen kunde inte sparas")
    expect(summary.get_by_role("link")).to_have_text("Anledning till ändringen: Detta fält måste fyllas i.")
    note = page.get_by_label("Anledning till ändringen")
    expect(note).to_have_attribute("aria-invalid", "true")
    expect(note).to_have_accessible_description("Detta fält måste fyllas i.")
    expect(page.get_by_label("Ensamstående", exact=True)).to_have_value("3960")
    assert_accessible(page)
    assert list(NormTableVersion.objects.filter(year=2026).values_list("version", flat=True)) == [2, 1]
    page.goto(f"{live_server.url}/riksnorm/2026/")
    expect(page.get_by_role("table", name="Tabellens versioner").locator("tbody tr")).to_have_count(2)
    expect(page.get_by_role("table", name="Personliga kostnader, vuxna")).to_contain_text("3\u00a0950,00\u00a0kr")
    logout(page)

    # The case worker's 2026 calculation uses version 2.
    login(page, live_server, alice)
    page.goto(f"{live_server.url}/berakna/")
    page.get_by_label("Månad", exact=True).fill("2026-02")
    page.get_by_label("Vuxen 1, födelsedatum").fill("1980-11-30")
    page.get_by_role("button", name="Beräkna").click()
    result = page.get_by_role("region", name=re.compile("^Resultat för 2026-02"))
    expect(result.get_by_role("table")).to_contain_text("Riksnorm 2026, version 2")
    expect(result.get_by_role("row", name="Personliga kostnader, ensamstående")).to_contain_text(
        "3\u00a0950,00\u00a0kr")
    expect(result.get_by_role("note")).to_contain_text("Preliminär riksnorm.")
    assert_accessible(page)
