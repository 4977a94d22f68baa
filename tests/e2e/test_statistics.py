"""The statistics in the real Chromium: the analytiker finds the page in the menu, chooses
a month, reads the figures (charts and tables, small counts as ".."), downloads the CSV
and reads it back, chooses a custom period of whole months, and compares with the peer municipalities.  axe-core checks every
page."""

import csv
import io
import re

from playwright.sync_api import expect

from lika.core.periods import parse_period
from lika.statistics.figures import build_report
from lika.statistics.kpi_exchange import records_from_report
from lika.statistics.peers import seed_peers
from tests.e2e.conftest import assert_accessible, login
from tests.payments.test_run import month_of_decisions  # noqa: F401 (a fixture)
from tests.statistics.test_figures import paid_month  # noqa: F401 (a fixture)


def test_the_analyst_reads_downloads_and_compares(page, live_server, stina, paid_month):  # noqa: F811
    login(page, live_server, stina)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Statistik").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jämställdhetsstatistik – ekonomiskt bistånd")
    expect(page.get_by_role("heading", level=2, name="Hela kommunen, 2026")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Typ av period").select_option("month")
    page.get_by_label("Månad", exact=True).select_option("12")
    page.get_by_role("button", name="Visa statistiken").click()
    expect(page.get_by_role("heading", level=2, name="Hela kommunen, december 2026")).to_be_visible()
    money = page.get_by_role("table", name="Utbetalt bistånd efter mottagarens kön")
    # five women and four men received money: the men are fewer than five, so they are
    # hidden, and the women too, or they would follow from the total
    expect(money.get_by_role("row", name="Personer som fått utbetalt").get_by_role("cell")).to_have_text(
        ["..", "..", "9"])
    expect(money.get_by_role("row", name=re.compile(r"^Utbetalt \.\. \.\. [0-9]"))).to_contain_text("kr")
    couples = page.get_by_role("table", name="Beslut till par där bistånd beviljats")
    expect(couples.get_by_role("row", name=re.compile(r"^Till en vuxen"))).to_contain_text("..")
    expect(couples.get_by_role("row", name=re.compile("^Delad utbetalning"))).to_contain_text("..")
    chart = page.get_by_role("img", name="Utbetalt per månad, kronor")
    expect(chart).to_be_visible()
    expect(chart.locator("text").filter(has_text="dec 2026")).to_have_count(1)
    expect(chart.locator("text").filter(has_text="..").first).to_be_visible()  # hidden: no bar, ".."
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig")), delimiter=";"))
    hidden = [r for r in rows if r["status"] == ".."]
    assert hidden and all(r["varde"] == "" for r in hidden)
    assert {r["period"] for r in rows} == {"2026-12"}

    # a custom period is whole months: a day is refused in Swedish, months are taken
    page.get_by_label("Typ av period").select_option("custom")
    page.get_by_label("Från och med månad").fill("2026-10")
    page.get_by_label("Till och med månad").fill("2026-12")
    page.get_by_role("button", name="Visa statistiken").click()
    expect(page.get_by_role("heading", level=2, name="Hela kommunen, 1 okt 2026–31 dec 2026")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Typ av period").select_option("month")
    page.get_by_label("Månad", exact=True).select_option("12")
    page.get_by_label("År").fill("1999")
    page.get_by_role("button", name="Visa statistiken").click()
    expect(page.get_by_role("alert")).to_contain_text("Urvalet kunde inte användas")
    assert_accessible(page)

    own = {2026: records_from_report(build_report(period=parse_period("2026")))}
    assert seed_peers(seed=1, years=[2026], own=own) > 0
    page.goto(f"{live_server.url}/statistik/")
    page.get_by_role("link", name="Jämför med andra kommuner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jämförelse med andra kommuner")
    expect(page.get_by_role("main")).to_contain_text("Norrbacka")
    assert_accessible(page)
