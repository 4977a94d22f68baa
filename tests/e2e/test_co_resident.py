"""Others who share the dwelling with their own support, in the real Chromium: a couple
registered with their 19-year-old who works and is not in school, and the trial
calculation with persons sharing the dwelling.  axe-core checks every page.

Figures from the 2021 riksnorm (SFS 2020:1013): sambor 5 700, ensamstående 3 160,
common costs for 3 persons 1 420 kr.
"""

import io
import re
from datetime import date

from playwright.sync_api import expect
from pypdf import PdfReader

from lika.identity.personnummer import FEMALE, MALE, generate_fictional
from tests.e2e.conftest import assert_accessible, follow, kronor, login

FATHER = ("Karim", "Berg", generate_fictional(date(1975, 3, 4), MALE, 601))
MOTHER = ("Maja", "Berg", generate_fictional(date(1977, 6, 7), FEMALE, 602))
YOUTH = ("Elin", "Berg", generate_fictional(date(2002, 2, 10), FEMALE, 603))


def group(page, name):
    return page.get_by_role("group", name=name, exact=True)


def fill_person(box, person, number_label="Personnummer eller samordningsnummer"):
    first, last, number = person
    box.get_by_label(number_label, exact=True).fill(number)
    box.get_by_label("Förnamn", exact=True).fill(first)
    box.get_by_label("Efternamn", exact=True).fill(last)


def test_a_couple_with_a_19_year_old_not_in_school(page, live_server, alice):
    login(page, live_server, alice)
    page.goto(live_server.url + "/arenden/")
    page.get_by_role("link", name="Registrera nytt hushåll").click()
    fill_person(group(page, "Vuxen 1"), FATHER)
    page.get_by_label("Hushållet har två vuxna").check()
    page.get_by_label("De vuxna är gifta, registrerade partner eller sambor").check()
    page.get_by_label("Hushållet gäller från").fill("2021-01-01")
    fill_person(group(page, "Vuxen 2 (om hushållet har två vuxna)"), MOTHER)
    others = group(page, "Andra personer i bostaden (egen försörjning)")
    expect(others).to_contain_text("inte parter i ansökan")
    # half a row: a Swedish error, and nothing entered is lost
    group(page, "Annan person i bostaden 1").get_by_label("Förnamn").fill(YOUTH[0])
    page.get_by_role("button", name="Registrera hushållet").click()
    expect(page.get_by_role("alert")).to_contain_text("Fyll i för personen eller lämna raden tom.")
    expect(group(page, "Annan person i bostaden 1").get_by_label("Förnamn")).to_have_value(YOUTH[0])
    expect(group(page, "Vuxen 2 (om hushållet har två vuxna)").get_by_label("Förnamn", exact=True)) \
        .to_have_value(MOTHER[0])
    assert_accessible(page)
    fill_person(group(page, "Annan person i bostaden 1"), YOUTH, "Personnummer")
    page.get_by_role("button", name="Registrera hushållet").click()
    expect(page.get_by_role("status")).to_contain_text("är registrerat")

    household = page.get_by_role("region", name="Hushållet")
    expect(household.get_by_role("row")).to_have_count(4)  # header + 2 adults + the daughter
    expect(household.get_by_role("row", name=re.compile("Elin Berg"))).to_contain_text(
        "Annan person i bostaden (egen försörjning)")
    expect(household).to_contain_text("3 personer delar bostaden")
    assert_accessible(page)

    # the parents apply together; the daughter is no party and her income is not theirs
    page.get_by_role("link", name="Ny ansökan").click()
    expect(page.get_by_role("radio")).to_have_count(2)
    page.get_by_label("Karim Berg").check()
    page.get_by_label("Gemensam ansökan: den andra vuxna är medsökande").check()
    page.get_by_label("Månad som ansökan gäller").fill("2021-05")
    page.get_by_role("button", name="Registrera ansökan").click()
    parties = page.get_by_role("region", name="Parter")
    expect(parties.locator("ul.parties")).not_to_contain_text("Elin")
    expect(parties).to_contain_text("Delar också bostaden med egen försörjning")
    expect(parties.locator("p.hint")).to_contain_text("Elin Berg")
    page.get_by_role("button", name="Registrera att Maja har bekräftat").click()
    whose = group(page, "Inkomst 1").get_by_label("Vems")
    expect(whose.locator("option")).to_have_text(["Hushållet", "Karim Berg", "Maja Berg"])
    page.get_by_label("Försörjningshinder för Karim Berg").select_option(label="Arbetslös – ingen ersättning")
    page.get_by_label("Försörjningshinder för Maja Berg").select_option(label="Arbetslös – ingen ersättning")
    cost = group(page, "Kostnad 1")
    cost.get_by_label("Slag").select_option(label="Boendekostnad")
    cost.get_by_label("Belopp, kr per månad").fill("8 000")
    page.get_by_role("button", name="Spara och beräkna").click()
    expect(page.get_by_role("status")).to_contain_text("beräknad")
    calculation = page.get_by_role("region", name="Beräkning")
    share = calculation.get_by_role("row", name=re.compile("andel 2 av 3 personer"))
    expect(share).to_contain_text("Gemensamma hushållskostnader, andel 2 av 3 personer")
    assert kronor(share.locator("td.num").inner_text()) == kronor("946,67 kr")
    # 5 700 + 1 420 × 2/3 + 8 000 = 14 646,67 kr
    assert kronor(page.locator("#support").inner_text()) == kronor("14 646,67 kr")
    assert_accessible(page)

    # the decision: two halves to the parents, one letter each, nothing for the daughter
    follow(page, page.get_by_role("link", name="Gå till beslut"))
    assert_accessible(page)
    page.get_by_role("button", name="Fatta beslut").click()
    expect(page.get_by_role("status")).to_contain_text("Beslutet är fattat")
    shares = page.locator("ul.shares li")
    expect(shares).to_have_count(2)
    assert not any("Elin" in text for text in shares.all_inner_texts())
    recipients = page.get_by_role("region", name="Beslutet skickas till båda de vuxna")
    expect(recipients.get_by_role("link", name=re.compile("^Beslutsbrev till"))).to_have_count(2)
    link = recipients.get_by_role("link", name="Beslutsbrev till Karim (PDF)")
    response = page.request.get(live_server.url + link.get_attribute("href"))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages).split())
    assert "Gemensamma hushållskostnader, andel 2 av 3 personer" in text
    assert "Elin" not in text
    assert_accessible(page)


def test_the_trial_calculation_with_others_sharing_the_dwelling(page, live_server, alice):
    login(page, live_server, alice)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Provberäkning").click()
    page.get_by_label("Månad", exact=True).fill("2021-05")
    page.get_by_label("Vuxen 1, födelsedatum", exact=True).fill("1990-06-15")
    others = page.get_by_label("Andra personer som delar bostaden (egen försörjning)")
    others.fill("-1")
    page.get_by_role("button", name="Beräkna").click()
    expect(page.get_by_role("alert")).to_contain_text("Andra personer som delar bostaden")
    expect(page.get_by_label("Vuxen 1, födelsedatum", exact=True)).to_have_value("1990-06-15")
    assert_accessible(page)

    others.fill("2")
    page.get_by_role("button", name="Beräkna").click()
    result = page.get_by_role("region", name="Resultat för 2021-05")
    share = result.get_by_role("row", name=re.compile("andel 1 av 3 personer"))
    expect(share).to_contain_text("Gemensamma hushållskostnader, andel 1 av 3 personer")
    assert kronor(share.locator("td.num").inner_text()) == kronor("473,33 kr")
    # ensamstående 3 160 + 1 420 / 3 = 3 633,33 kr
    assert kronor(result.locator("#support").inner_text()) == kronor("3 633,33 kr")
    expect(others).to_have_value("2")
    assert_accessible(page)

    others.fill("")
    page.get_by_role("button", name="Beräkna").click()
    expect(result.get_by_role("row", name=re.compile("Gemensamma hushållskostnader"))).to_contain_text(
        "Gemensamma hushållskostnader, 1 person")
    assert kronor(result.locator("#support").inner_text()) == kronor("4 180,00 kr")
