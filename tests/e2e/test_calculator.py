"""The trial calculation (/berakna/) in the browser: a household, a result, an error."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, kronor, login


def field(page, label):
    return page.get_by_label(label, exact=True)


def in_row(page, group, label):
    """A field in one child's or one income's row (the rows repeat their labels)."""
    return page.get_by_role("group", name=group, exact=True).get_by_label(label, exact=True)


def fill_couple_2021(page):
    field(page, "Månad").fill("2021-05")
    field(page, "Vuxen 1, födelsedatum").fill("1985-02-03")
    field(page, "Vuxen 2, födelsedatum").fill("1987-07-12")
    field(page, "De vuxna är gifta, registrerade partner eller sambor").check()
    field(page, "Barn 1, födelsedatum").fill("2017-01-10")
    field(page, "Barn 2, födelsedatum").fill("2013-03-01")
    field(page, "Boendekostnad").fill("7500")
    field(page, "Hushållsel").fill("350")
    field(page, "Inkomst 1, slag").select_option(label="Barnbidrag")
    in_row(page, "Inkomst 1", "Belopp").fill("2500")
    field(page, "Inkomst 2, slag").select_option(label="Lön")
    in_row(page, "Inkomst 2", "Vems").select_option(label="Vuxen 1")
    in_row(page, "Inkomst 2", "Belopp").fill("8000")
    field(page, "Vuxen 1: månader i följd med försörjningsstöd före månaden").fill("6")


def expect_couple_2021_kept(page, *, month="2021-05", child1="2017-01-10"):
    """Nothing the case worker entered is lost when the page comes back."""
    expect(field(page, "Månad")).to_have_value(month)
    expect(field(page, "Vuxen 1, födelsedatum")).to_have_value("1985-02-03")
    expect(field(page, "Vuxen 2, födelsedatum")).to_have_value("1987-07-12")
    expect(field(page, "De vuxna är gifta, registrerade partner eller sambor")).to_be_checked()
    expect(field(page, "Barn 1, födelsedatum")).to_have_value(child1)
    expect(field(page, "Barn 2, födelsedatum")).to_have_value("2013-03-01")
    expect(field(page, "Boendekostnad")).to_have_value("7500")
    expect(field(page, "Hushållsel")).to_have_value("350")
    expect(field(page, "Inkomst 1, slag")).to_have_value("child_allowance")
    expect(in_row(page, "Inkomst 1", "Belopp")).to_have_value("2500")
    expect(field(page, "Inkomst 2, slag")).to_have_value("salary")
    expect(in_row(page, "Inkomst 2", "Vems")).to_have_value("0")
    expect(in_row(page, "Inkomst 2", "Belopp")).to_have_value("8000")
    expect(field(page, "Vuxen 1: månader i följd med försörjningsstöd före månaden")).to_have_value("6")
    expect(page.get_by_label("Lika delar till var och en av de vuxna")).to_be_checked()


def calculate(page):
    page.get_by_role("button", name="Beräkna").click()


def open_calculator(page, live_server, user):
    login(page, live_server, user)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Provberäkning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Provberäkning av försörjningsstöd")


def test_couple_with_two_children_in_2021(page, live_server, alice):
    open_calculator(page, live_server, alice)
    assert_accessible(page)
    fill_couple_2021(page)
    calculate(page)

    result = page.get_by_role("region", name="Resultat för 2021-05")
    expect(result).to_be_visible()
    expect(result.get_by_role("table")).to_contain_text("Riksnorm 2021, version 1")
    expect(result.get_by_role("note")).to_have_count(0)  # 2021 is fastställd: no warning
    amounts = [kronor(text) for text in result.locator("tbody td.num").all_inner_texts()]
    # Adults as a couple, the 4-year-old, the 8-year-old, household costs for four.
    assert amounts[:4] == [5700, 2440, 3060, 1610]
    assert amounts[4:6] == [7500, 350]
    # The incomes are subtracted and a quarter of the salary is not counted (jobbstimulans:
    # six months in a row with support before the month).
    assert amounts[6:] == [-2500, -8000, 2000]

    support = kronor(result.locator("#support").inner_text())
    assert support == 5700 + 2440 + 3060 + 1610 + 7500 + 350 - 2500 - 8000 + 2000 == 12160
    shares = result.locator("ul.shares > li")
    expect(shares).to_have_count(2)
    expect(shares.nth(0)).to_contain_text("Vuxen 1")
    expect(shares.nth(1)).to_contain_text("Vuxen 2")
    first, second = (kronor(text) for text in shares.locator("strong").all_inner_texts())
    assert abs(first - second) <= Decimal("0.01") and first + second == support

    expect_couple_2021_kept(page)
    assert_accessible(page)


def test_a_2026_calculation_is_marked_provisional(page, live_server, alice):
    open_calculator(page, live_server, alice)
    field(page, "Månad").fill("2026-03")
    field(page, "Vuxen 1, födelsedatum").fill("1990-06-15")
    field(page, "Barn 1, födelsedatum").fill("2019-08-01")
    calculate(page)

    result = page.get_by_role("region", name="Resultat för 2026-03")
    expect(result.get_by_role("note")).to_contain_text("Preliminär riksnorm.")
    expect(result.get_by_role("table")).to_contain_text("Riksnorm 2026, version 1")
    expect(result.get_by_role("row", name="Personliga kostnader, ensamstående")).to_contain_text("3\u00a0940,00\u00a0kr")
    # The child's amount is an estimate in the provisional table and is marked so.
    expect(result.get_by_role("row", name="barn 4–6 år")).to_contain_text("uppskattat belopp")
    assert kronor(result.locator("#support").inner_text()) > 0
    assert_accessible(page)


def test_an_invalid_household_shows_the_errors_and_keeps_what_was_entered(page, live_server, alice):
    open_calculator(page, live_server, alice)
    fill_couple_2021(page)
    field(page, "Månad").fill("2016-01")  # no riksnorm is shipped for 2016
    calculate(page)

    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("Beräkningen kunde inte göras")
    expect(summary).to_contain_text("Det finns ingen normtabell för 2016")
    expect(page.get_by_role("region", name="Resultat för 2016-01")).to_have_count(0)
    expect_couple_2021_kept(page, month="2016-01")
    assert_accessible(page)

    # A child born after the month.
    field(page, "Månad").fill("2021-05")
    field(page, "Barn 1, födelsedatum").fill("2021-06-10")
    calculate(page)
    expect(page.get_by_role("alert")).to_contain_text("Barn 1 är inte född 2021-05")
    expect(page.locator("section.result")).to_have_count(0)
    expect_couple_2021_kept(page, child1="2021-06-10")
    assert_accessible(page)

    # A required field left empty: the summary links to the field, which carries the message.
    field(page, "Barn 1, födelsedatum").fill("2017-01-10")
    field(page, "Vuxen 1, födelsedatum").fill("")
    calculate(page)
    link = page.get_by_role("alert").get_by_role("link", name="Vuxen 1, födelsedatum: Detta fält måste fyllas i.")
    expect(link).to_have_attribute("href", "#id_adult1_birth_date")
    adult1 = field(page, "Vuxen 1, födelsedatum")
    expect(adult1).to_have_attribute("aria-invalid", "true")
    expect(adult1).to_have_accessible_description("Detta fält måste fyllas i.")
    expect(field(page, "Vuxen 2, födelsedatum")).to_have_value("1987-07-12")
    expect(field(page, "Vuxen 1: månader i följd med försörjningsstöd före månaden")).to_have_value("6")
    assert_accessible(page)
    link.click()
    expect(adult1).to_be_focused()


@pytest.mark.parametrize("persona", ["stina", "petra"])
def test_analyst_and_payment_officer_may_not_calculate(page, live_server, request, persona):
    login(page, live_server, request.getfixturevalue(persona))
    nav = page.get_by_role("navigation", name="Huvudmeny")
    expect(nav.get_by_role("link", name="Riksnorm")).to_be_visible()
    expect(nav.get_by_role("link", name="Provberäkning")).to_have_count(0)
    response = page.goto(f"{live_server.url}/berakna/")
    assert response.status == 403
    assert_accessible(page)
