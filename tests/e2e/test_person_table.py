"""Statistics from the analyst's own person-level file, in the real Chromium: upload a
fictional file, choose the gender source, a dimension and the measure, read the protected
K/M/T table and chart, and download the Excel file.  axe-core checks every page."""

import io
import re

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login
from tests.statistics.test_person_table import _csv, _rows


def test_the_analyst_makes_a_table_from_a_file(page, live_server, stina, tmp_path):
    path = tmp_path / "fritid.csv"
    path.write_bytes(_csv(_rows()))
    login(page, live_server, stina)
    page.goto(f"{live_server.url}/statistik/")
    page.get_by_role("link", name="Könsuppdelad statistik ur egen fil").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Könsuppdelad statistik ur egen fil")
    assert_accessible(page)

    page.get_by_label("Fil (CSV eller Excel)").set_input_files(str(path))
    page.get_by_role("button", name="Läs kolumnerna").click()
    expect(page.get_by_text("Kolumner i filen: personnummer, område, timmar")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Samma fil igen").set_input_files(str(path))
    page.get_by_label("Kolumn med personnummer eller kön").select_option("personnummer")
    page.get_by_label("Kolumnen innehåller").select_option("personnummer")
    page.get_by_label("Dimension 1").select_option("område")
    page.get_by_label("Mått").select_option("timmar")
    page.get_by_role("button", name="Visa tabellen").click()

    counts = page.get_by_role("table", name="Antal rader per område")
    expect(counts.get_by_role("row", name=re.compile("^Totalt")).get_by_role("cell")).to_have_text(
        ["8", "15", "23"])
    expect(counts.get_by_role("row", name=re.compile("^Syd")).get_by_role("cell").first).to_have_text("..")
    expect(page.get_by_role("img", name=re.compile("^Summa av timmar"))).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner som Excel").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    values = [cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]
    assert 23 in values and 54 in values and ".." in values
