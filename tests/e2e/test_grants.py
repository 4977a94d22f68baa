"""Issue 15 in the real Chromium: the association user logs in, lands on her association's
page, uploads a bad attendance file and sees its errors by line, then a good one: the
preview shows the amount and a rejected occasion's reason; she submits. An administrator
sees the registers. axe-core on every page."""

import re

from playwright.sync_api import expect

from lika.grants.models import GrantApplication
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, follow
from tests.grants.helpers import BAD, GOOD
from tests.grants.test_services import setup  # noqa: F401  (fixture)


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def test_association_uploads_previews_and_submits(page, live_server, setup, tmp_path):  # noqa: F811
    club, _other, _programme, user = setup
    _login(page, live_server, user.username)
    expect(page).to_have_url(f"{live_server.url}/bidrag/")
    expect(page.get_by_role("heading", level=1, name=club.name)).to_be_visible()
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="Ansök om aktivitetsbidrag"))
    assert_accessible(page)

    bad = tmp_path / "fel.csv"
    bad.write_text(BAD, encoding="utf-8")
    page.get_by_label("Närvarofil (CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Förhandsgranska").click()
    errors = page.get_by_role("alert")
    expect(errors).to_contain_text("Rad 3")
    expect(errors).to_contain_text("Rad 4")
    expect(page.get_by_role("button", name="Skicka in ansökan")).to_have_count(0)
    assert_accessible(page)

    good = tmp_path / "narvaro.csv"
    good.write_text(GOOD, encoding="utf-8")
    page.get_by_label("Närvarofil (CSV)").set_input_files(str(good))
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.get_by_role("heading", name="Förhandsgranskning")).to_be_visible()
    occasions = page.get_by_role("table", name="Sammankomster")
    expect(occasions.get_by_role("row", name=re.compile("2026-03-08"))).to_contain_text("45 minuter, minst 60 krävs")
    expect(page.get_by_text(re.compile(r"Bidrag 2026: 58,00"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Skicka in ansökan").click()
    expect(page.get_by_text(re.compile(r"Ansökan är inskickad"))).to_be_visible()
    assert_accessible(page)
    assert GrantApplication.objects.get().total == 5800


def test_administrator_sees_the_registers(page, live_server, setup, admin_user):  # noqa: F811
    _login(page, live_server, admin_user.username)
    for path, heading in (("/bidrag/foreningar/", "Föreningar"), ("/bidrag/bidragsgivare/", "Bidragsgivare"),
                          ("/bidrag/program/", "Bidragsprogram")):
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        assert_accessible(page)


def test_administrator_changes_the_rules_from_a_date_and_sets_the_budget(page, live_server, setup, admin_user):  # noqa: F811
    import json

    from lika.grants.models import ProgrammeBudget
    from tests.grants.helpers import RULES

    _club, _other, programme, _user = setup
    _login(page, live_server, admin_user.username)
    page.goto(f"{live_server.url}/bidrag/program/")
    page.get_by_role("link", name=programme.name).click()
    expect(page.get_by_role("heading", level=3, name="Gäller från 2026-01-01")).to_be_visible()
    rates = page.get_by_role("table", name="Belopp per deltagartillfälle")
    expect(rates.get_by_role("row", name=re.compile("7-12"))).to_contain_text("10,00")
    assert_accessible(page)
    field = page.get_by_label("Ny regelversion (JSON)")
    assert json.loads(field.input_value())["valid_from"] == ""
    field.fill(json.dumps({**RULES, "valid_from": "2025-01-01"}))
    page.get_by_role("button", name="Spara regelversionen").click()
    expect(page.get_by_role("alert")).to_contain_text("efter 2026-01-01")
    assert_accessible(page)
    field = page.get_by_label("Ny regelversion (JSON)")
    field.fill(json.dumps({**RULES, "valid_from": "2027-01-01", "participant_rates": {"7-12": {"F": 12, "M": 12}, "13-25": 6}}))
    page.get_by_role("button", name="Spara regelversionen").click()
    expect(page.get_by_text("Regelversionen från 2027-01-01 är sparad.")).to_be_visible()
    expect(page.get_by_role("heading", level=3, name="Gäller från 2027-01-01")).to_be_visible()
    page.get_by_label("År").fill("2027")
    page.get_by_label("Budget (kr)").fill("2 500 000")
    page.get_by_role("button", name="Spara budgeten").click()
    expect(page.get_by_text("Budgeten för 2027 är sparad.")).to_be_visible()
    assert_accessible(page)
    assert ProgrammeBudget.objects.get(programme=programme, year=2027).amount == 250_000_000


def test_association_types_in_its_sammankomster(page, live_server, setup):  # noqa: F811
    club, _other, programme, user = setup
    _login(page, live_server, user.username)
    page.get_by_role("link", name="Ansök om aktivitetsbidrag").click()
    page.get_by_role("link", name="Har föreningen ingen närvarofil? Skriv in sammankomsterna").click()
    page.get_by_label("År").fill("2026")
    follow(page, page.get_by_role("button", name="Välj"))
    assert_accessible(page)
    first = page.get_by_role("group", name="Sammankomst 1")
    first.get_by_label("Datum").fill("2026-03-01")
    first.get_by_label("Grupp").fill("F10")
    first.get_by_label("Minuter").fill("60")
    first.get_by_label("7-12 år, flickor/kvinnor").fill("2")
    first.get_by_label("7-12 år, pojkar/män").fill("1")
    second = page.get_by_role("group", name="Sammankomst 2")
    second.get_by_label("Datum").fill("2026-03-08")
    second.get_by_label("Minuter").fill("60")
    second.get_by_label("7-12 år, flickor/kvinnor").fill("3")
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.get_by_role("alert")).to_contain_text("Sammankomst 2: grupp saknas")
    assert_accessible(page)
    page.get_by_role("group", name="Sammankomst 2").get_by_label("Grupp").fill("F10")
    page.get_by_role("button", name="Förhandsgranska").click()
    # 30 + 2×10 + 8 = 58 kr and 30 + 3×10 = 60 kr
    expect(page.get_by_text(re.compile(r"Bidrag 2026: 118,00"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Skicka in ansökan").click()
    expect(page.get_by_text(re.compile(r"Ansökan är inskickad"))).to_be_visible()
    assert GrantApplication.objects.get(association=club).total == 11800


def test_a_new_account_needs_a_second_person(page, live_server, setup, admin_user):  # noqa: F811
    from lika.grants.models import Association

    club, _other, _programme, user = setup
    _login(page, live_server, user.username)
    page.get_by_label("Nytt bankgironummer").fill("5050-1056")
    page.get_by_role("button", name="Begär kontoändring").click()
    expect(page.get_by_role("alert")).to_contain_text("kontrollsiffran i bankgironumret stämmer inte")
    assert_accessible(page)
    page.get_by_label("Nytt bankgironummer").fill("5402-9681")
    page.get_by_label("Varför byts kontot?").fill("Vi har bytt bank")
    page.get_by_role("button", name="Begär kontoändring").click()
    expect(page.get_by_text("En kontoändring väntar på bekräftelse")).to_be_visible()
    expect(page.get_by_text("Bankgiro 5050-1055", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Logga ut").click()

    _login(page, live_server, admin_user.username)
    page.goto(f"{live_server.url}/bidrag/foreningar/")
    page.get_by_role("link", name=club.name, exact=True).click()
    page.get_by_role("button", name="Bekräfta kontoändringen").click()
    expect(page.get_by_role("alert")).to_contain_text("Hur bekräftade firmatecknaren ändringen?")
    assert_accessible(page)
    page.get_by_label("Hur bekräftade firmatecknaren ändringen?").select_option("signatory_phone")
    page.get_by_role("button", name="Bekräfta kontoändringen").click()
    expect(page.get_by_text("Bankgiro 5402-9681", exact=True)).to_be_visible()
    assert_accessible(page)
    assert Association.objects.get(pk=club.pk).bankgiro == "5402-9681"
