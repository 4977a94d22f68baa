"""The comparison with Kolada in the real Chromium (issue #14): the saved example answer of
Kolada's API (two pages and the municipality list, made-up values) is imported with
``lika kpi import``; the analytiker chooses its year and finds every municipality of the
file, our own first and highlighted with Kolada's value and Lika's own figure.  axe-core
checks the page."""

import shutil
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from playwright.sync_api import expect

import lika.statistics
from tests.e2e.conftest import assert_accessible, login

EXAMPLE = Path(lika.statistics.__file__).resolve().parent / "data" / "kolada-exempel"


def test_the_analyst_compares_with_every_municipality_of_a_kolada_file(page, live_server, stina, tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "kolada")
    out = StringIO()
    call_command("kpi", "import", str(tmp_path / "kolada"), stdout=out, stderr=StringIO())
    assert "17 värden för 5 kommuner från Kolada inlästa (2 sidor)" in out.getvalue()

    login(page, live_server, stina)
    page.goto(f"{live_server.url}/statistik/jamforelse/")
    page.get_by_label("År", exact=True).select_option("2023")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("heading", level=2, name="Nyckeltal från Kolada")).to_be_visible()
    share = page.get_by_role("table", name="Invånare som någon gång under året erhållit ekonomiskt bistånd")
    expect(share).to_be_visible()
    rows = share.locator("tbody tr")
    expect(rows).to_have_count(6)  # ours (Kolada), ours (Lika), Kiruna, Malmö, Norrtälje, Stockholm
    expect(rows.nth(0)).to_have_class("own")
    expect(rows.nth(0)).to_contain_text("(vår kommun)")
    expect(rows.nth(0)).to_contain_text("4,2\u00a0%")
    expect(rows.nth(1)).to_contain_text("enligt Lika")
    for index, name in enumerate(["Kiruna", "Malmö", "Norrtälje", "Stockholm"], start=2):
        expect(rows.nth(index).get_by_role("rowheader")).to_contain_text(name)
    expect(rows.nth(3)).to_contain_text("7,1\u00a0%")
    expect(page.get_by_role("main")).to_contain_text("Källa: Kolada")
    expect(page.get_by_role("main")).to_contain_text("Kolada räknar alla invånare")
    assert_accessible(page)
