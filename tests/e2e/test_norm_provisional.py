"""Issue 14 in the real Chromium, with axe-core on every page:

- in December (2027's riksnorm not loaded) the application form says which months can be
  calculated, defaults to December and refuses January 2027 with a Swedish message before
  anything is saved; the administrator's norm page says how to load next year's table;
- a decision on the provisional 2026 table is issued only with the acknowledgement, which
  the decision page then shows;
- after the official table is loaded the norm page lists the decision with the difference,
  and the case worker starts the ändringsbeslut from there."""

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lika.cases import decisions, services
from lika.cases.decisions import LineDecision
from lika.cases.models import Application, Decision
from lika.norms.files import shipped_tables
from lika.norms.services import norm_table_save
from tests.cases.factories import couple_case, single_case
from tests.e2e.conftest import CHROMIUM_ARGS, assert_accessible, login  # noqa: F401

DECEMBER = date(2026, 12, 6)
MONTH = date(2026, 12, 1)
ACKNOWLEDGE = "Jag fattar beslutet med ett preliminärt belopp"


@pytest.fixture
def december(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: DECEMBER)


def test_the_december_application_says_which_months_can_be_calculated(december, page, live_server, alice,
                                                                      admin_user, unit_a):
    case, adult = single_case(unit_a, case_worker=alice)
    login(page, live_server, alice)
    page.goto(f"{live_server.url}/arenden/{case.pk}/ansokningar/ny/")
    month = page.get_by_label("Månad som ansökan gäller")
    expect(month).to_have_value("2026-12")
    # the help text is the field's accessible description: a screen reader says it at the field
    expect(month).to_have_accessible_description(
        re.compile("Månader som kan beräknas: januari 2017–december 2026"))
    assert_accessible(page)

    month.fill("2027-01")
    page.get_by_label(str(adult)).check()
    page.get_by_role("button", name="Registrera ansökan").click()
    expect(page.get_by_role("alert")).to_contain_text("Riksnormen för 2027 är inte inläst")
    expect(page.get_by_text("eller be systemadministratören läsa in 2027 års riksnorm").first).to_be_visible()
    assert_accessible(page)
    assert not Application.objects.filter(case=case).exists()

    page.get_by_label("Månad som ansökan gäller").fill("2026-12")
    page.get_by_role("button", name="Registrera ansökan").click()
    expect(page.get_by_role("status")).to_contain_text("Ansökan är registrerad")
    assert Application.objects.get(case=case).month == MONTH

    page.context.clear_cookies()
    login(page, live_server, admin_user)
    page.goto(f"{live_server.url}/riksnorm/")
    note = page.get_by_role("region", name="Riksnormen för 2027 är inte inläst")
    expect(note).to_contain_text("lika load-norm-table riksnorm-2027.json --user")
    expect(note).to_contain_text("docs/formats.md")
    assert_accessible(page)


@pytest.fixture
def calculated(unit_a, alice):
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    application = services.application_create(acting_user=alice, case=case, month=MONTH, applicant=woman)
    services.application_entries_save(acting_user=alice, application=application, incomes=[],
                                      costs=[services.Entry("housing", 700000)],
                                      obstacles={woman.pk: "unemployed", man.pk: "unemployed"})
    services.calculation_make(acting_user=alice, application=application)
    return case, application


def test_a_decision_on_the_provisional_norm_needs_the_acknowledgement(page, live_server, alice, calculated):
    case, application = calculated
    login(page, live_server, alice)
    page.goto(f"{live_server.url}/arenden/{case.pk}/ansokningar/{application.pk}/beslut/")
    expect(page.get_by_role("note").filter(has_text="Preliminär riksnorm.")).to_contain_text("riksnorm 2026")
    page.get_by_role("button", name="Fatta beslut").click()
    expect(page.get_by_role("alert")).to_contain_text("Bekräfta att du fattar beslutet med ett preliminärt belopp")
    assert_accessible(page)
    assert not Decision.objects.filter(application=application).exists()

    page.get_by_label(ACKNOWLEDGE).check()
    page.get_by_role("button", name="Fatta beslut").click()
    expect(page.get_by_role("status")).to_contain_text("Beslutet är fattat")
    expect(page.locator("dl.facts")).to_contain_text("Beloppet är preliminärt; godtaget av Alice Andersson")
    assert_accessible(page)
    decision = Decision.objects.get(application=application)
    assert decision.provisional_acknowledged_by == alice


def test_the_official_table_lists_the_decision_and_starts_the_change(page, live_server, alice, admin_user,
                                                                    calculated):
    case, application = calculated
    lines = len(decisions.need_lines(application.calculations.get()))
    decision = decisions.decision_make(acting_user=alice, application=application,
                                       lines=[LineDecision("granted")] * lines, acknowledge_provisional=True)
    data = shipped_tables()[2026].as_dict()
    data.update(status="verified", estimated=[], source="SFS 2025:9999 (test)", notes="")
    data["household"] = {**data["household"], "4": 2030}  # +20 kr for the family of four
    norm_table_save(acting_user=admin_user, data=data, note="SFS 2025:9999")

    login(page, live_server, alice)
    page.goto(f"{live_server.url}/riksnorm/2026/")
    review = page.get_by_role("region", name="Beslut att ompröva")
    row = review.get_by_role("row").filter(has_text=f"beslut {decision.pk}")
    expect(row).to_contain_text("Riksnorm 2026 v1")
    expect(row).to_contain_text("+20,00")
    assert_accessible(page)
    row.get_by_role("button", name=f"Starta ändringsbeslut för beslut {decision.pk}").click()
    expect(page.get_by_role("status")).to_contain_text("Beslutet kan nu ändras")
    application.refresh_from_db()
    assert application.status == Application.Status.CHANGING
    assert_accessible(page)
