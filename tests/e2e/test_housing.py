"""Issue 14 in the real Chromium: the administrator enters the guideline for skälig
boendekostnad; a rent above it is calculated at the guideline, proposed and decided as
delvis bifall with a reason naming the guideline, and both adults' letters say so; a
documented deviation lets the whole rent be granted.  axe-core on every page."""

import io
import re
from datetime import date

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from lika.cases import services
from lika.cases.models import DecisionLine
from lika.housing.models import HousingGuideline
from lika.housing.services import guideline_add
from tests.cases.factories import couple_case
from tests.e2e.conftest import assert_accessible, follow, kronor, login

MONTH = date(2026, 12, 1)
REASON = "kommunens riktlinje för skälig boendekostnad från 2026-01-01 (SN 2025-12-10 § 140), 2 vuxna 1 barn"


@pytest.fixture
def applied(unit_a, alice, admin_user):
    guideline_add(acting_user=admin_user, valid_from=date(2026, 1, 1), decision_reference="SN 2025-12-10 § 140",
                  amounts=[[1, 0, 633000], [2, 0, 633000], [1, 1, 697000], [2, 1, 697000], [1, 2, 760000],
                           [2, 2, 760000]],
                  note="Nämndens beslut")
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice, children=1)
    application = services.application_create(acting_user=alice, case=case, month=MONTH, applicant=woman)
    services.application_entries_save(acting_user=alice, application=application, incomes=[],
                                      costs=[services.Entry("housing", 900000)],
                                      obstacles={woman.pk: "unemployed", man.pk: "unemployed"})
    return case, application


def _letters(page, live_server):
    recipients = page.get_by_role("region", name="Beslutet skickas till båda de vuxna")
    texts = []
    for link in recipients.get_by_role("link", name=re.compile(r"^Beslutsbrev till .* \(PDF\)$")).all():
        response = page.request.get(live_server.url + link.get_attribute("href"))
        assert response.headers["content-type"] == "application/pdf"
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
        texts.append(re.sub(r"\s+", " ", text.replace("\u00a0", " ")))
    return texts


def test_a_capped_rent_is_delvis_bifall_with_its_reason_in_both_letters(page, live_server, alice, applied):
    case, application = applied
    login(page, live_server, alice)
    page.goto(f"{live_server.url}/arenden/{case.pk}/ansokningar/{application.pk}/")
    housing = page.get_by_role("region", name="Skälig boendekostnad")
    expect(housing).to_contain_text("2 vuxna 1 barn: högsta 6 970,00 kr per månad")
    assert_accessible(page)
    page.get_by_role("button", name="Spara och beräkna").click()
    expect(page.get_by_role("status")).to_contain_text("beräknad")
    expect(page.get_by_role("region", name="Beräkning")).to_contain_text("högsta 6 970 kr")
    expect(page.get_by_role("region", name="Beräkning")).to_contain_text("sökt 9 000,00 kr")
    assert_accessible(page)

    follow(page, page.get_by_role("link", name="Gå till beslut"))
    line = page.get_by_role("group", name="Beslut om Boendekostnad")
    expect(line.get_by_label("Beslut", exact=True)).to_have_value("partly")
    expect(line.get_by_label("Beviljat belopp vid delvis bifall, kr")).to_have_value("6970,00")
    expect(line.get_by_label("Motivering (krävs om inte allt beviljas)")).to_have_value(
        f"Den sökta kostnaden 9 000 kr är högre än {REASON}: högsta 6 970 kr. 6 970 kr beviljas.")
    expect(page.locator("table.decision-lines")).to_contain_text("sökt 9 000,00 kr")
    assert_accessible(page)
    # bifall of the whole rent is refused without a documented deviation
    line.get_by_label("Beslut", exact=True).select_option("granted")
    page.get_by_label("Jag fattar beslutet med ett preliminärt belopp").check()  # 2026: provisional
    page.get_by_role("button", name="Fatta beslut").click()
    expect(page.get_by_role("alert")).to_contain_text("Välj delvis bifall, eller dokumentera ett avsteg")
    assert_accessible(page)
    line = page.get_by_role("group", name="Beslut om Boendekostnad")
    line.get_by_label("Beslut", exact=True).select_option("partly")
    line.get_by_label("Beviljat belopp vid delvis bifall, kr").fill("6970")
    line.get_by_label("Motivering (krävs om inte allt beviljas)").fill(
        f"Den sökta kostnaden 9 000 kr är högre än {REASON}: högsta 6 970 kr. 6 970 kr beviljas.")
    page.get_by_label("Jag fattar beslutet med ett preliminärt belopp").check()  # 2026: provisional
    page.get_by_role("button", name="Fatta beslut").click()
    expect(page.get_by_role("status")).to_contain_text("Beslutet är fattat")
    row = page.get_by_role("row", name=re.compile("^Boendekostnad"))
    expect(row).to_contain_text("9 000,00 kr")
    expect(row).to_contain_text("6 970,00 kr")
    expect(row).to_contain_text("Delvis bifall")
    expect(row).to_contain_text(REASON)
    assert_accessible(page)

    letters = _letters(page, live_server)
    assert len(letters) == 2  # one to each adult
    for text in letters:
        assert re.search(r"Boendekostnad 9 000,00 kr 6 970,00 kr Delvis bifall", text), text
        assert "Boendekostnad – Delvis bifall" in text and REASON in text
        assert "Boendekostnad 6 970,00 kr 6 970,00 kr Bifall" not in text
    assert DecisionLine.objects.get(rule="cost.housing.capped").outcome == "partly"


def test_a_documented_deviation_grants_the_whole_rent(page, live_server, alice, applied):
    case, application = applied
    login(page, live_server, alice)
    page.goto(f"{live_server.url}/arenden/{case.pk}/ansokningar/{application.pk}/")
    housing = page.get_by_role("region", name="Skälig boendekostnad")
    housing.get_by_role("button", name="Dokumentera avsteget").click()
    expect(page.get_by_role("status")).to_contain_text("Beskriv skälen")
    housing = page.get_by_role("region", name="Skälig boendekostnad")
    housing.get_by_label("Skäl till avsteget").select_option(label="Barns skolgång eller förskola")
    housing.get_by_label("Motivering").fill("Barnet går i skolan i området.")
    housing.get_by_role("button", name="Dokumentera avsteget").click()
    expect(page.get_by_role("status")).to_contain_text("Avsteget är dokumenterat")
    housing = page.get_by_role("region", name="Skälig boendekostnad")
    expect(housing.get_by_role("note")).to_contain_text("Hela boendekostnaden godtas")
    expect(housing.get_by_role("note")).to_contain_text("Alice Andersson")
    assert_accessible(page)
    page.get_by_role("button", name="Spara och beräkna").click()
    expect(page.get_by_role("region", name="Beräkning")).to_contain_text("avsteg, godtagen kostnad 9 000 kr")
    follow(page, page.get_by_role("link", name="Gå till beslut"))
    line = page.get_by_role("group", name="Beslut om Boendekostnad")
    expect(line.get_by_label("Beslut", exact=True)).to_have_value("granted")
    page.get_by_label("Jag fattar beslutet med ett preliminärt belopp").check()  # 2026: provisional
    page.get_by_role("button", name="Fatta beslut").click()
    expect(page.get_by_role("status")).to_contain_text("Beslutet är fattat")
    row = page.get_by_role("row", name=re.compile("^Boendekostnad"))
    expect(row).to_contain_text("Bifall")
    for text in _letters(page, live_server):
        assert "Boendekostnad – Bifall" in text and "Barnet går i skolan i området." in text


def test_the_administrator_adds_a_version_of_the_guideline(page, live_server, admin_user):
    login(page, live_server, admin_user)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Boendekostnad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riktlinje för skälig boendekostnad")
    expect(page.locator("main")).to_contain_text("Ingen riktlinje är inlagd")
    assert_accessible(page)
    page.get_by_role("link", name="Lägg in en ny version").click()
    page.get_by_role("button", name="Spara ny version").click()
    expect(page.get_by_role("alert")).to_contain_text("Fyll i beloppen uppifrån")
    assert_accessible(page)
    page.get_by_label("Gäller från (den första dagen i en månad)").fill("2026-01-01")
    page.get_by_label("Nämndens beslut (datum och paragraf)").fill("SN 2025-12-10 § 140")
    page.get_by_label("1 vuxen", exact=True).fill("6 330")
    page.get_by_label("2 vuxna", exact=True).fill("6 330")
    page.get_by_label("1 vuxen 1 barn", exact=True).fill("6 970")
    page.get_by_label("2 vuxna 1 barn", exact=True).fill("6 970")
    page.get_by_label("Anledning till den nya versionen").fill("Nämndens beslut")
    page.get_by_role("button", name="Spara ny version").click()
    expect(page.get_by_role("status")).to_contain_text("Riktlinjen från 2026-01-01 är sparad")
    table = page.get_by_role("table", name="Högsta godtagbara boendekostnad från 2026-01-01")
    expect(table.get_by_role("row", name="2 vuxna 1 barn eller fler")).to_contain_text("6 970,00 kr")
    single = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="1 vuxen", exact=True))
    assert kronor(single.get_by_role("cell").inner_text()) == 6330
    assert_accessible(page)
    assert HousingGuideline.objects.get().created_by == admin_user
