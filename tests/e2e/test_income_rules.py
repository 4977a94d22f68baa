"""The income rules on the calculation pages (the trial page and a case's application): a
child's own work income within the year's prisbasbelopp is not counted, and jobbstimulans says
why it applies or not."""

from datetime import date

from playwright.sync_api import expect

from lika.cases import decisions, services
from lika.cases.decisions import LineDecision
from lika.cases.services import Entry
from tests.cases.factories import single_case
from tests.e2e.conftest import assert_accessible, kronor, login
from tests.e2e.test_calculator import calculate, field, in_row, open_calculator


def test_the_calculation_page_shows_why_incomes_are_left_uncounted(page, live_server, alice):
    open_calculator(page, live_server, alice)
    field(page, "Månad").fill("2023-07")
    field(page, "Vuxen 1, födelsedatum").fill("1985-02-03")
    field(page, "Vuxen 1: månader i följd med försörjningsstöd före månaden").fill("4")
    field(page, "Barn 1, födelsedatum").fill("2007-03-01")
    field(page, "Inkomst 1, slag").select_option(label="Lön")
    in_row(page, "Inkomst 1", "Vems").select_option(label="Barn 1")
    in_row(page, "Inkomst 1", "Belopp").fill("3000")
    calculate(page)

    result = page.get_by_role("region", name="Resultat för 2023-07")
    # The example: 3 490 + 4 390 + 1 250 = 9 130 kr, the 16-year-old's 3 000 kr not counted.
    assert kronor(result.locator("#support").inner_text()) == 9130
    child_row = result.get_by_role("row", name="Barns arbetsinkomst, ej medräknad")
    expect(child_row).to_contain_text("fribelopp 1 prisbasbelopp 2023 = 52 500 kr")
    expect(child_row).to_contain_text("kvar 49 500 kr")
    expect(child_row).to_contain_text("SoL (2001:453) 4 kap. 1 a §")
    assert_accessible(page)

    # The adult's own salary: four months in a row is not enough, and the page says so.
    field(page, "Inkomst 2, slag").select_option(label="Lön")
    in_row(page, "Inkomst 2", "Vems").select_option(label="Vuxen 1")
    in_row(page, "Inkomst 2", "Belopp").fill("4000")
    calculate(page)
    result = page.get_by_role("region", name="Resultat för 2023-07")
    salary = result.get_by_role("row", name="Lön").filter(has_text="ingen jobbstimulans")
    expect(salary).to_contain_text("har fått bistånd 4 månader i följd; krävs 6")
    assert kronor(result.locator("#support").inner_text()) == 9130 - 4000

    # With six months the quarter is left uncounted, and the period month is named.
    field(page, "Vuxen 1: månader i följd med försörjningsstöd före månaden").fill("6")
    calculate(page)
    result = page.get_by_role("region", name="Resultat för 2023-07")
    expect(result.get_by_role("row", name="Jobbstimulans, ej medräknad inkomst")).to_contain_text(
        "jobbstimulans månad 1 av 24 (2023-07–2025-06)")
    assert kronor(result.locator("#support").inner_text()) == 9130 - 3000
    assert_accessible(page)


def test_the_case_calculation_shows_jobbstimulans_from_the_history(page, live_server, unit_a, alice):
    """Six months with support decided in the case: the seventh month's calculation applies
    jobbstimulans and says so — no checkbox, the history decides."""
    case, adult = single_case(unit_a, since=date(2023, 1, 1), case_worker=alice)

    def calculated(month, incomes=()):
        application = services.application_create(acting_user=alice, case=case, month=month, applicant=adult)
        services.application_entries_save(acting_user=alice, application=application,
                                          costs=[Entry("housing", 500000)], incomes=list(incomes),
                                          obstacles={adult.pk: "working"})
        services.calculation_make(acting_user=alice, application=application)
        application.refresh_from_db()
        return application

    for month in range(1, 7):
        application = calculated(date(2023, month, 1))
        rows = len(decisions.need_lines(application.calculations.get(superseded_at__isnull=True)))
        decisions.decision_make(acting_user=alice, application=application, lines=[LineDecision("granted")] * rows,
                                 acknowledge_provisional=True)
    july = calculated(date(2023, 7, 1), [Entry("salary", 800000, person_id=adult.pk)])

    login(page, live_server, alice)
    page.goto(f"{live_server.url}/arenden/{case.pk}/ansokningar/{july.pk}/")
    calculation = page.get_by_role("region", name="Beräkning")
    row = calculation.get_by_role("row", name="Jobbstimulans, ej medräknad inkomst")
    expect(row).to_contain_text("bistånd 6 månader i följd 2023-01–2023-06; jobbstimulans månad 1 av 24 "
                                "(2023-07–2025-06)")
    expect(row).to_contain_text("2\u00a0000,00\u00a0kr")
    expect(page.get_by_label("Jobbstimulans")).to_have_count(0)  # the free checkbox is gone
    assert_accessible(page)
