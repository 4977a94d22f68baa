"""Issue 17, digital data collection in the real Chromium: the case worker fetches from the
simulated sources, sees a benefit the application does not declare flagged beside its
incomes, and uses it as an income row by an explicit click; axe-core on every page."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from lika.cases import services
from lika.datacollection.simulated import ALL_SOURCES
from lika.datacollection.sources import KINDS, SourceError
from tests.cases.factories import couple_case
from tests.e2e.conftest import assert_accessible, login


def _failures(number, month):
    out = []
    for cls in ALL_SOURCES:
        try:
            cls().fetch(number, month)
        except SourceError as exc:
            out.append(exc.message(cls().name))
    return out


def _month_with_answers(number, other):
    """A month of 2026 in which every simulated source answers her and at least one reports
    something, preferably one in which a source fails for ``other`` (so the page shows a
    failure too): the simulated answer is deterministic, so the test knows it in advance."""
    found = []
    for m in range(12, 0, -1):
        month = date(2026, m, 1)
        if _failures(number, month):
            continue
        records = [r for cls in ALL_SOURCES for r in cls().fetch(number, month)]
        if records:
            found.append((bool(_failures(other, month)), month, records))
    if not found:
        pytest.fail("no month of 2026 with a simulated answer for this fictional number")
    _fails, month, records = max(found, key=lambda x: x[0])
    return month, records


def test_fetch_flag_a_difference_and_use_it_as_an_income(page, live_server, alice, unit_a, settings):
    settings.LIKA_BENEFIT_SOURCES = ["lika.datacollection.simulated.ALL_SOURCES"]
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    month, records = _month_with_answers(woman.identity_number, man.identity_number)
    his_failures = _failures(man.identity_number, month)
    application = services.application_create(acting_user=alice, case=case, month=month, applicant=woman)
    first = records[0]
    label = KINDS[first.kind].label

    login(page, live_server, alice)
    page.goto(f"{live_server.url}/arenden/{case.pk}/ansokningar/{application.pk}/")
    collected = page.get_by_role("region", name="Digitalt hämtade uppgifter")
    expect(collected).to_contain_text("Inga uppgifter har hämtats för ansökan.")
    assert_accessible(page)
    collected.get_by_role("link", name="Hämta uppgifter digitalt").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hämta uppgifter digitalt")
    expect(page.get_by_label("Syfte med inhämtningen")).to_have_value(re.compile("ekonomiskt bistånd"))
    assert_accessible(page)
    page.get_by_role("button", name="Hämta uppgifter").click()

    expect(page.get_by_role("status")).to_contain_text("Uppgifterna är hämtade")
    hers = page.get_by_role("group", name=re.compile(f"^{woman.first_name} {woman.last_name}"))
    expect(hers.get_by_role("heading")).to_contain_text("att kontrollera")
    row = hers.get_by_role("row").filter(has_text=label).first
    expect(row).to_contain_text("Finns hos källan men är inte uppgiven")
    his = page.get_by_role("group", name=re.compile(f"^{man.first_name} {man.last_name}"))
    for line in his_failures:  # a source that failed for him says so, in Swedish
        expect(his.get_by_role("note")).to_contain_text(line)
    assert_accessible(page)

    row.get_by_role("button", name=re.compile("^Använd som inkomst")).first.click()
    expect(page.get_by_role("status")).to_contain_text("Beloppet är tillagt som inkomst")
    assert application.incomes.filter(person=woman, type=KINDS[first.kind].income_type,
                                      amount__gte=first.amount).exists()
    hers = page.get_by_role("group", name=re.compile(f"^{woman.first_name} {woman.last_name}"))
    expect(hers.get_by_role("row").filter(has_text=label).first).to_contain_text("Använd som inkomst")
    incomes = page.get_by_role("group", name="Inkomst 1")
    expect(incomes.get_by_label("Slag")).to_have_value(KINDS[first.kind].income_type)  # the row, in the form
    assert_accessible(page)
