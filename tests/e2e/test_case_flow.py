"""The whole case flow in the real Chromium (issue #3, "Done when"):

a case worker registers a couple with two children (the man entered first, the
woman with protected identity), the woman applies and becomes registerledare, the
calculation is made, a decision with equal split is issued, two letters are made
(one per adult, the protected address on neither), both adults get their own
plan, an individual and a joint meeting are logged, and the manager's access-log
search shows every step.  Another unit's case worker is refused.  axe-core checks
every page visited.
"""

import io
import re
from datetime import date

from playwright.sync_api import expect
from pypdf import PdfReader

from lika.identity.personnummer import FEMALE, MALE, generate_fictional
from tests.e2e.conftest import assert_accessible, follow, kronor, login, logout

WOMAN = ("Amina", "Berg", generate_fictional(date(1989, 5, 17), FEMALE, 511))
MAN = ("Jonas", "Berg", generate_fictional(date(1987, 8, 2), MALE, 512))
CHILDREN = [("Tuva", "Berg", generate_fictional(date(2018, 3, 9), FEMALE, 513)),
            ("Ville", "Berg", generate_fictional(date(2013, 11, 30), MALE, 514))]
SECRET_STREET, SECRET_POSTAL_CODE, SECRET_CITY = "Gömda stigen 12", "98765", "Skogsby"


def group(page, name):
    return page.get_by_role("group", name=name, exact=True)


def fill_adult(page, legend, person, *, street, postal_code, city, protected=False, clearing="", account="",
               iban=""):
    box = group(page, legend)
    first, last, number = person
    box.get_by_label("Personnummer eller samordningsnummer").fill(number)
    box.get_by_label("Förnamn", exact=True).fill(first)
    box.get_by_label("Efternamn", exact=True).fill(last)
    box.get_by_label("Adress", exact=True).fill(street)
    box.get_by_label("Postnummer").fill(postal_code)
    box.get_by_label("Ort").fill(city)
    if protected:
        box.get_by_label("Skyddade personuppgifter").check()
    if clearing:
        box.get_by_label("Clearingnummer").fill(clearing)
        box.get_by_label("Kontonummer").fill(account)
    if iban:
        box.get_by_label(re.compile("^IBAN")).fill(iban)


def register_couple(page, live_server):
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Ärenden", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ärenden")
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="Registrera nytt hushåll"))
    assert_accessible(page)
    fill_adult(page, "Vuxen 1", (MAN[0], MAN[1], MAN[2][:8] + "-0000"), street="Storgatan 3",
               postal_code="99123", city="Lika", clearing="5000", account="1234560")
    page.get_by_label("Hushållet har två vuxna").check()
    page.get_by_label("De vuxna är gifta, registrerade partner eller sambor").check()
    fill_adult(page, "Vuxen 2 (om hushållet har två vuxna)", WOMAN, street=SECRET_STREET, postal_code=SECRET_POSTAL_CODE,
               city=SECRET_CITY, protected=True,
               iban="SE4550000000058398257466")
    for index, child in enumerate(CHILDREN, start=1):
        row = group(page, f"Barn {index}")
        row.get_by_label("Personnummer", exact=True).fill(child[2])
        row.get_by_label("Förnamn").fill(child[0])
        row.get_by_label("Efternamn").fill(child[1])
    page.get_by_role("button", name="Registrera hushållet").click()
    # a wrong check digit: a Swedish error, and nothing entered is lost
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Personnumret är inte giltigt")
    expect(group(page, "Barn 2").get_by_label("Förnamn")).to_have_value("Ville")
    assert_accessible(page)
    group(page, "Vuxen 1").get_by_label("Personnummer eller samordningsnummer").fill(MAN[2])
    page.get_by_role("button", name="Registrera hushållet").click()
    expect(page.get_by_role("status")).to_contain_text("är registrerat")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ärende")
    return page.url


def test_the_whole_case_flow(page, live_server, alice, bob, charlie):
    login(page, live_server, alice)
    case_url = register_couple(page, live_server)
    household = page.get_by_role("region", name="Hushållet")
    expect(household.get_by_role("row")).to_have_count(5)  # header + 2 adults + 2 children
    expect(household).to_contain_text("Skyddade personuppgifter")
    expect(household).to_contain_text("Skyddad adress – visas inte")
    expect(page.locator("body")).not_to_contain_text(SECRET_STREET)
    expect(page.locator("body")).not_to_contain_text(SECRET_CITY)
    expect(page.get_by_text("Ingen ännu – blir den som ansöker först")).to_be_visible()
    assert_accessible(page)

    # the woman applies (jointly): she becomes registerledare, though the man was entered first
    page.get_by_role("link", name="Ny ansökan").click()
    expect(page.get_by_role("radio", checked=True)).to_have_count(0)  # no adult is preselected
    assert_accessible(page)
    page.get_by_label("Amina Berg").check()
    page.get_by_label("Gemensam ansökan: den andra vuxna är medsökande").check()
    page.get_by_label("Månad som ansökan gäller").fill("2026-12")
    page.get_by_label("Hur kom ansökan in?").select_option(label="Besök")
    page.get_by_role("button", name="Registrera ansökan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ansökan för 2026-12")
    parties = page.get_by_role("region", name="Parter")
    expect(parties).to_contain_text("Amina Berg – Sökande")
    expect(parties).to_contain_text("Jonas Berg – Medsökande")
    assert_accessible(page)
    page.get_by_role("button", name="Registrera att Jonas har bekräftat").click()
    expect(parties).not_to_contain_text("inte bekräftad")

    # incomes and costs per person, försörjningshinder for each adult, then the calculation
    page.get_by_label("Försörjningshinder för Amina Berg").select_option(label="Föräldraledig")
    page.get_by_label("Försörjningshinder för Jonas Berg").select_option(label="Arbetslös – otillräcklig ersättning")
    cost = group(page, "Kostnad 1")
    cost.get_by_label("Slag").select_option(label="Boendekostnad")
    cost.get_by_label("Belopp, kr per månad").fill("8 200")
    electricity = group(page, "Kostnad 2")
    electricity.get_by_label("Slag").select_option(label="Hushållsel")
    electricity.get_by_label("Belopp, kr per månad").fill("450,50")
    income = group(page, "Inkomst 1")
    income.get_by_label("Slag").select_option(label="Barnbidrag")
    income.get_by_label("Belopp, kr per månad").fill("2500")
    page.get_by_role("button", name="Spara och beräkna").click()
    expect(page.get_by_role("status")).to_contain_text("beräknad")
    calculation = page.get_by_role("region", name="Beräkning")
    expect(calculation).to_contain_text("Boendekostnad")
    support = kronor(page.locator("#support").inner_text())
    assert support > 0
    assert_accessible(page)

    # the decision: every line granted, equal split
    follow(page, page.get_by_role("link", name="Gå till beslut"))
    expect(page.get_by_label("Lika delar till var och en av de vuxna (huvudregel)")).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Jag fattar beslutet med ett preliminärt belopp").check()
    page.get_by_role("button", name="Fatta beslut").click()
    expect(page.get_by_role("status")).to_contain_text("Beslutet är fattat")
    assert kronor(page.locator("#granted").inner_text()) == support
    shares = page.locator("ul.shares li")
    expect(shares).to_have_count(2)
    amounts = [kronor(text.split(":")[-1]) for text in shares.all_inner_texts()]
    assert sum(amounts) == support and abs(amounts[0] - amounts[1]) <= kronor("0,01 kr")
    assert_accessible(page)

    # one letter per adult; the protected address is on neither
    recipients = page.get_by_role("region", name="Beslutet skickas till båda de vuxna")
    texts = {}
    for first in ("Amina", "Jonas"):
        link = recipients.get_by_role("link", name=f"Beslutsbrev till {first} (PDF)")
        response = page.request.get(live_server.url + link.get_attribute("href"))
        assert response.headers["content-type"] == "application/pdf"
        texts[first] = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    for text in texts.values():
        assert SECRET_STREET not in text and SECRET_POSTAL_CODE not in text and SECRET_CITY not in text
        assert "Kvinnofridslinjen" in text and "förvaltningsrätten" in text
    assert "Amina Berg" in texts["Amina"] and "Jonas Berg" in texts["Jonas"]
    for first in ("Amina", "Jonas"):
        recipients.get_by_label(f"Kanal till {first}").select_option(label="Brev med post")
        recipients.get_by_role("button", name=f"Registrera utskick till {first}").click()
        expect(page.get_by_role("status")).to_contain_text("är registrerat")
    expect(recipients.get_by_role("button")).to_have_count(0)
    assert_accessible(page)

    # each adult's own plan, an individual and a joint meeting
    page.goto(case_url)
    plan_and_meetings(page)
    page.goto(case_url)
    expect(page.locator("body")).not_to_contain_text(SECRET_STREET)
    assert_accessible(page)

    # the work list has nothing left about this case's letters
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Mina ärenden").click()
    expect(page.get_by_role("region", name=re.compile("^Beslut som inte har skickats till båda"))).to_contain_text("Inga.")
    assert_accessible(page)
    logout(page)

    # another unit's case worker is refused
    login(page, live_server, charlie)
    response = page.goto(case_url)
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("Amina")
    assert_accessible(page)
    logout(page)

    # the manager sees every step in the access log
    login(page, live_server, bob)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Åtkomstlogg").click()
    steps = {
        "read": ["Läst ärendeöversikt", "Läst ansökan", "Läst beslut"],
        "create": ["registrerat", "Ansökan 2026-12 inkommen", "Beräkning 2026-12", "Upprättade genomförandeplan"],
        "update": ["Registerledare", "har bekräftat ansökan", "Beslut fattat", "Beslutet skickat till mottagaren"],
        "export": ["Beslutsbrev hämtat"],
    }
    page.get_by_label(re.compile("^Personnummer")).fill(WOMAN[2])
    for action, texts in steps.items():
        page.get_by_label("Händelse").select_option(action)
        page.get_by_role("button", name=re.compile("^Sök")).click()
        log = page.get_by_role("table")
        for text in texts:
            expect(log).to_contain_text(text)
    assert_accessible(page)


def field(page, label):
    return page.get_by_label(label, exact=True).and_(page.locator("input, select, textarea"))


def plan_and_meetings(page):
    """Both adults get their own plan from the case page; an individual meeting with the
    woman (the violence question asked) and a joint meeting with both."""
    for first, own_view, activity in (("Amina", "Vill bli undersköterska.", "SFI – svenska för invandrare"),
                                      ("Jonas", "Vill jobba i lager.", "Arbetssökande")):
        page.get_by_role("link", name=f"Upprätta plan för {first} Berg").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Genomförandeplan – {first} Berg")
        field(page, "Den enskildes egen syn").fill(own_view)
        page.get_by_role("button", name="Upprätta plan").click()
        expect(page.get_by_role("status")).to_contain_text(f"Genomförandeplanen för {first} Berg är upprättad.")
        field(page, "Aktivitet").select_option(label=activity)
        field(page, "Ansvarig").fill("Arbetsmarknadsenheten")
        field(page, "Uppföljning").fill("2027-02-15")
        page.get_by_role("button", name="Lägg till aktivitet").click()
        expect(page.get_by_role("row", name=re.compile(activity))).to_contain_text("2027-02-15")
        assert_accessible(page)
        page.get_by_role("link", name=re.compile("^Ärende ")).click()
    plans = page.get_by_role("region", name="Genomförandeplaner")
    expect(plans).to_contain_text("Amina Berg – plan pågår")
    expect(plans).to_contain_text("Jonas Berg – plan pågår")

    page.get_by_role("link", name="Nytt möte").click()
    page.get_by_label("Enskilt möte").check()
    page.get_by_label("Amina Berg").check()
    page.get_by_role("group", name="Fråga om våld – bara vid enskilt möte").get_by_label(
        "Nej, inga tecken på våld").check()
    field(page, "Information om stöd för våldsutsatta är lämnad").check()
    field(page, "Anteckningar").fill("Enskilt samtal om SFI och ekonomin.")
    assert_accessible(page)
    page.get_by_role("button", name="Spara mötet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Enskilt möte")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Ärende ")).click()
    page.get_by_role("link", name="Nytt möte").click()
    page.get_by_label("Gemensamt möte").check()
    page.get_by_label("Amina Berg").check()
    page.get_by_label("Jonas Berg").check()
    field(page, "Anteckningar").fill("Gemensamt möte om hushållets budget.")
    page.get_by_role("button", name="Spara mötet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gemensamt möte")
    page.get_by_role("link", name=re.compile("^Ärende ")).click()
    meetings = page.get_by_role("region", name="Möten")
    expect(meetings).to_contain_text("Enskilt möte")
    expect(meetings).to_contain_text("Gemensamt möte")
    expect(page.locator("body")).not_to_contain_text("Nej, inga tecken på våld")
