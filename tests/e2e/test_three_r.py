"""Issue 15 in the real Chromium: the analyst opens the 3R report for Kultur- och
fritidsnämnden, sees girls'/boys' share of money against their share of participants per
programme with a chart and a table, opens the programme, writes Realia, runs a what-if
with a higher rate for girls, and visits the population page.  axe-core on every page.
Figures: tests/grants/analysis_data.py."""

import re

from playwright.sync_api import expect

from lika.grants.analysis_models import RealiaText
from lika.grants.models import ProgrammeRuleVersion
from tests.e2e.conftest import assert_accessible, login
from tests.grants import analysis_data
from tests.grants.helpers import RULES


def test_analyst_reads_the_3r_report_writes_realia_and_runs_a_what_if(page, live_server, stina, admin_user):
    _giver, activity, _premises = analysis_data.build(admin_user)
    ProgrammeRuleVersion.objects.create(programme=activity, valid_from="2025-01-01",
                                        rules={**RULES, "valid_from": "2025-01-01"}, created_by=admin_user)
    login(page, live_server, stina)
    page.get_by_role("link", name="Bidragsanalys").click()
    expect(page.get_by_role("heading", level=1, name="Bidragsanalys (3R)")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("row", name=re.compile("Kultur- och fritidsnämnden")).get_by_role("link", name="2026").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kultur- och fritidsnämnden 2026")
    expect(page.get_by_role("img", name=re.compile("Andel av deltagarna och andel av pengarna"))).to_be_visible()
    table = page.get_by_role("table", name="Andel av deltagarna och av pengarna per program")
    row = table.get_by_role("row", name=re.compile("Aktivitetsbidrag"))
    expect(row).to_contain_text("33,3")  # girls' share of the participants
    expect(row).to_contain_text("38,5")  # girls' share of the money
    expect(row).to_contain_text("+5,1")
    assert_accessible(page)

    row.get_by_role("link", name="Aktivitetsbidrag").click()
    expect(page.get_by_role("heading", name="R1 Representation")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Andel av deltagarna, deltagartillfällena och pengarna"))
           ).to_be_visible()
    per_head = page.get_by_role("table", name="Kronor per deltagare och per deltagartillfälle")
    expect(per_head.get_by_role("row", name=re.compile("Per deltagare, under 18"))).to_contain_text("200")
    assert_accessible(page)

    page.get_by_label("Varför ser fördelningen ut så här?").fill("Pojklagen tränar fler gånger i veckan.")
    page.get_by_label("Åtgärder").fill("Fler träningstider för flicklagen 2027.")
    page.get_by_role("button", name="Spara Realia").click()
    expect(page.get_by_text("Realia är sparad som en ny version.")).to_be_visible()
    expect(page.get_by_text("Version 1, Stina Svensson")).to_be_visible()
    assert RealiaText.objects.get().why == "Pojklagen tränar fler gånger i veckan."
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("Vad händer om reglerna ändras")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vad händer om reglerna ändras?")
    assert_accessible(page)
    page.get_by_label("7-12 år, kvinnor och flickor (kr per deltagartillfälle)").fill("tio")
    page.get_by_role("button", name="Räkna").click()
    expect(page.get_by_role("alert")).to_contain_text("ange ett belopp i kronor")
    assert_accessible(page)
    page.get_by_label("7-12 år, kvinnor och flickor (kr per deltagartillfälle)").fill("14")
    page.get_by_role("button", name="Räkna").click()
    result = page.get_by_role("table", name="Dagens regler och förslaget sida vid sida")
    expect(result.get_by_role("row", name=re.compile("^Kvinnor och flickor"))).to_contain_text("2 800,00")
    expect(page.get_by_text(re.compile("Förändring av kostnaden: 800,00"))).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Bidragsanalys", exact=True).first.click()
    page.get_by_role("link", name="Folkmängd att jämföra med").click()
    expect(page.get_by_role("heading", level=1, name="Folkmängd")).to_be_visible()
    assert_accessible(page)
