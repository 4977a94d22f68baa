"""The key figures, computed in the database from cases made through the services, and
checked against the same facts counted another way (the ORM over the source rows)."""

from datetime import date, datetime, time, timedelta
from fractions import Fraction
from unittest import mock

import pytest
from django.db.models import Sum
from django.utils import timezone

from lika.cases.models import Case, DecisionRecipient
from lika.core.disclosure import SUPPRESSED
from lika.core.periods import parse_period
from lika.households.models import HouseholdMembership
from lika.payments import services as payments
from lika.payments.models import PaymentOrder
from lika.plans.models import Meeting, Plan, PlanActivity
from lika.statistics import refresh
from lika.statistics.figures import build_report
from lika.statistics.models import DecidedApplication, PersonYear, Refresh
from tests.cases.factories import couple_case
from tests.payments.test_run import month_of_decisions  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
DECEMBER = parse_period("2026-12")


@pytest.fixture
def paid_month(month_of_decisions, petra, bob):  # noqa: F811
    bob.can_attest_payments = True
    bob.save()
    run = payments.payment_run_create(acting_user=petra, month=date(2026, 12, 1))
    run = payments.payment_run_prepare(acting_user=petra, run=run)
    payments.payment_run_attest(acting_user=bob, run=run)
    return month_of_decisions


def _noon(day):
    return timezone.make_aware(datetime.combine(day, time(12)))


def _paid_by_gender(gender):
    orders = PaymentOrder.objects.filter(person__legal_gender=gender).exclude(status__in=("rejected", "returned"))
    return (orders.values("person").distinct().count(), orders.aggregate(s=Sum("amount"))["s"] or 0)


def test_money_by_the_gender_of_who_received_it(paid_month):
    report = build_report(period=DECEMBER, threshold=1)
    table = report.figure("paid").tables[0]
    women, men = _paid_by_gender("F"), _paid_by_gender("M")
    assert women[0] > 0 and men[0] > 0
    assert table.row("Personer som fått utbetalt").cells == (women[0], men[0], women[0] + men[0])
    assert table.row("Utbetalt").cells == (women[1], men[1], women[1] + men[1])
    share = table.row("Andel av beloppet").cells
    assert share[0] == Fraction(women[1], women[1] + men[1]) and share[2] == 1
    direct = PaymentOrder.objects.filter(person__isnull=True).aggregate(s=Sum("amount"))["s"]
    assert f"{direct // 100:,}".replace(",", "\u00a0") in table.note


def test_couples_equal_split_and_exceptions(paid_month):
    report = build_report(period=DECEMBER, threshold=1)
    split, exceptions = report.figure("couples").tables
    assert split.row("Delad utbetalning").cells[2] == 5  # three couples, the direct payment, the moved man
    assert split.row("Till en vuxen (särskilda skäl)").cells[2] == 1
    assert split.row("Andel med delad utbetalning").cells[2] == Fraction(5, 6)
    other = exceptions.row("Annat särskilt skäl")
    assert other.cells == (1, 0, 1)  # the woman received it all


def test_small_counts_are_hidden_and_cannot_be_derived(paid_month):
    report = build_report(period=DECEMBER, threshold=5)
    split = report.figure("couples").tables[0]
    # 5 equal, 1 single: the single is hidden, so the equal one must be too (the total is shown)
    assert split.row("Till en vuxen (särskilda skäl)").cells[2] is SUPPRESSED
    assert split.row("Delad utbetalning").cells[2] is SUPPRESSED
    assert split.row("Andel med delad utbetalning").cells[2] is SUPPRESSED
    exceptions = report.figure("couples").tables[1]
    assert exceptions.row("Totalt").cells == (SUPPRESSED, 0, SUPPRESSED)
    money = report.figure("paid").tables[0]
    assert money.row("Utbetalt").cells[1] is SUPPRESSED  # four men
    assert money.row("Andel av beloppet").cells[0] is SUPPRESSED


def test_a_unit_sees_only_its_figures(paid_month, unit_b):
    report = build_report(period=DECEMBER, unit=unit_b, threshold=1)
    assert report.unit_name == unit_b.name
    assert report.figure("paid").tables[0].row("Utbetalt").cells == (0, 0, 0)


def test_decisions_delivered_to_both_and_processing_time(paid_month):
    report = build_report(period=DECEMBER, threshold=1)
    delivered, timing = report.figure("decisions").tables[:2]
    couples = DecidedApplication.objects.filter(adults=2).count()
    both = sum(1 for row in DecidedApplication.objects.filter(adults=2)
               if DecisionRecipient.objects.filter(decision__application_id=row.application_id,
                                                   delivered_on__isnull=False).count() == 2)
    assert delivered.row("Totalt").cells[2] == couples
    assert delivered.row("Skickat eller lämnat till båda").cells[2] == both
    decided = timing.row("Beslutade ansökningar").cells
    assert decided[2] == DecidedApplication.objects.count()
    days = timing.row("Genomsnittlig handläggningstid, dagar").cells
    assert days[2] is not None and days[2] >= 0


def test_registerledare_and_applicants(paid_month):
    report = build_report(period=DECEMBER, threshold=1)
    table = report.figure("registerledare").tables[0]
    cases = Case.objects.filter(applications__decisions__status="issued").distinct()
    women_leaders = sum(1 for case in cases if case.registerledare.legal_gender == "F")
    assert table.row("Registerledare").cells[0] == women_leaders
    assert table.row("Sökande").cells[2] == table.row("Registerledare").cells[2] == cases.count()


def test_plans_meetings_activities_and_exits(unit_a, alice):
    opened = date(2026, 3, 2)
    case, woman, man, _ = couple_case(unit_a, case_worker=alice, since=date(2026, 1, 1))
    Case.objects.filter(pk=case.pk).update(opened_on=opened)
    on_time = Plan.objects.create(case=case, person=woman, created_by=alice)
    Plan.objects.filter(pk=on_time.pk).update(created_at=_noon(opened + timedelta(days=10)))
    late = Plan.objects.create(case=case, person=man, created_by=alice)
    Plan.objects.filter(pk=late.pk).update(created_at=_noon(opened + timedelta(days=45)))
    PlanActivity.objects.create(plan=on_time, kind="sfi", responsible="x", starts_on=date(2026, 3, 10))
    PlanActivity.objects.create(plan=late, kind="job_search", responsible="x", starts_on=date(2026, 3, 10),
                                status="cancelled")
    joint = Meeting.objects.create(case=case, held_on=date(2026, 3, 5), kind="joint", created_by=alice)
    joint.participants.set([woman, man])
    alone = Meeting.objects.create(case=case, held_on=date(2026, 3, 6), kind="individual", created_by=alice)
    alone.participants.set([man])
    Case.objects.filter(pk=case.pk).update(status="closed", closed_on=date(2026, 3, 31), close_reason="work")
    report = build_report(period=parse_period("2026-Q1"), threshold=1)
    plans, activities = report.figure("plans").tables
    assert plans.row("Med egen plan").cells == (1, 0, 1)
    assert plans.row("Utan egen plan").cells == (0, 1, 1)
    assert plans.row("Andel med egen plan inom 30 dagar").cells == (1, 0, Fraction(1, 2))
    assert activities.row("SFI – svenska för invandrare").cells == (1, 0, 1)
    assert activities.row("Totalt").cells == (1, 0, 1)  # the cancelled one is not counted
    meetings = report.figure("meetings").tables[0]
    assert meetings.row("Gemensamma möten").cells == (1, 1, 2)
    assert meetings.row("Enskilda möten").cells == (0, 1, 1)
    exits = report.figure("exits").tables[0]
    adults = HouseholdMembership.objects.filter(household=case.household, role="adult").count()
    assert exits.rows[0].cells[2] == adults == 2
    assert exits.row("Andel till egen försörjning").cells == (1, 1, 1)
    # the same figures for April are all zero
    april = build_report(period=parse_period("2026-04"), threshold=1)
    assert april.figure("meetings").tables[0].row("Totalt").cells == (0, 0, 0)


def test_refresh_is_repeatable_and_recorded(paid_month):
    refresh.refresh_year(2026)
    rows = PersonYear.objects.order_by("person_id", "m12").values_list("person_id", "m12")
    first = list(rows)
    refresh.refresh_year(2026)
    assert list(rows) == first and len(first) == PersonYear.objects.count() > 0
    assert Refresh.objects.filter(year=2026).exists()


def test_a_rejected_payment_leaves_the_statistics_at_the_next_refresh(paid_month):
    order = PaymentOrder.objects.filter(person__legal_gender="F").first()
    before = build_report(period=DECEMBER, threshold=1).figure("paid").tables[0].row("Utbetalt").cells[0]
    PaymentOrder.objects.filter(pk=order.pk).update(status="rejected")
    refresh.refresh_year(2026)
    after = build_report(period=DECEMBER, threshold=1).figure("paid").tables[0].row("Utbetalt").cells[0]
    assert after == before - order.amount


def _relations(table):
    """The additive relations of a count table: K + M = T in every row with three counts,
    and the category rows = the total row in every column."""
    rows = [row for row in table.rows if row.kind == "count"]
    relations = [row.cells for row in rows if None not in row.cells]
    totals = [row for row in rows if row.total]
    if totals:
        categories = [row for row in rows if not row.total]
        for column in range(3):
            cells = [row.cells[column] for row in categories] + [totals[0].cells[column]]
            if None not in cells:
                relations.append(tuple(cells))
    return relations


@pytest.mark.parametrize("period", ["2026-12", "2026-Q4", "2026"])
def test_no_hidden_count_follows_from_the_shown_ones(paid_month, period):
    report = build_report(period=parse_period(period), threshold=5)
    hidden = 0
    for figure in report.figures:
        for table in figure.tables:
            for relation in _relations(table):
                marks = sum(1 for cell in relation if cell is SUPPRESSED)
                hidden += marks
                assert marks != 1, (figure.key, table.caption, relation)
            for row in table.rows:  # a hidden count hides what is computed from it
                if row.counts is not None and row.kind != "count":
                    for count, cell in zip(row.counts, row.cells, strict=True):
                        if count is SUPPRESSED:
                            assert cell is SUPPRESSED, (figure.key, row.label)
    assert hidden > 0  # the fixture's month is small: something must be hidden


def test_a_changed_decision_counts_once_with_the_new_amount_and_the_first_date(paid_month, alice, bob, settings):
    from lika.cases import decisions, services
    from lika.cases.decisions import LineDecision

    first = paid_month["couple0"]
    application = first.application
    decisions.decision_change_start(acting_user=alice, decision=first)
    application.refresh_from_db()
    services.application_entries_save(acting_user=alice, application=application, incomes=[],
                                      costs=[services.Entry("housing", 900000)],
                                      obstacles={party.person_id: "working" for party in application.parties.all()}
                                      | {r.person_id: "working" for r in first.recipients.all()})
    services.calculation_make(acting_user=alice, application=application)
    application.refresh_from_db()
    rows = len(decisions.need_lines(application.calculations.get(superseded_at__isnull=True)))
    settings.LIKA_DELEGATION_LIMIT_KRONOR = 1
    # the change is made three days after the first decision (an issued decision's date
    # never changes, so the services' clock is moved instead)
    with mock.patch.object(timezone, "now", return_value=first.decided_at + timedelta(days=3)):
        second = decisions.decision_make(acting_user=alice, application=application,
                                         lines=[LineDecision("granted")] * rows, payment_mode="equal",
                                         change_reason="Ny hyra", acknowledge_provisional=True)
        decisions.decision_approve(acting_user=bob, decision=second, acknowledge_provisional=True)
    second.refresh_from_db()
    refresh.refresh_year(2026)
    row = DecidedApplication.objects.get(application_id=application.pk)
    assert second.supersedes_id == first.pk and row.granted == second.granted_amount != first.granted_amount
    assert second.decided_at == first.decided_at + timedelta(days=3)
    first_day = timezone.localtime(first.decided_at).date()
    assert row.processing_days == (first_day - application.received_on).days
    assert DecidedApplication.objects.filter(application_id=application.pk).count() == 1


def _paid_months(year, unit, who, months, amount=100_00):
    from lika.statistics.models import HISTORY

    return PersonYear.objects.create(year=year, unit=unit, person=who, gender=who.legal_gender, source=HISTORY,
                                     **{f"m{m:02d}": amount for m in months})


def _long_term_cells(period, unit=None):
    table = build_report(period=parse_period(period), unit=unit, threshold=1).figure("long_term").tables[0]
    return table.row("Långvarigt bistånd").cells, table.row("Totalt").cells


def test_long_term_support_counts_months_not_rows(unit_a, unit_b):
    from tests.cases.factories import person

    anna = person("Anna", "Ek", date(1980, 1, 1), "F")  # 10 months in one unit: long-term
    bo = person("Bo", "Ek", date(1980, 1, 2), "M")  # 9 months: not
    cilla = person("Cilla", "Ek", date(1980, 1, 3), "F")  # 5 + 5 months in two units
    dan = person("Dan", "Ek", date(1980, 1, 4), "M")  # the same 6 months in both units
    _paid_months(2026, unit_a, anna, range(1, 11))
    _paid_months(2026, unit_a, bo, range(1, 10))
    _paid_months(2026, unit_a, cilla, range(1, 6))
    _paid_months(2026, unit_b, cilla, range(6, 11))
    _paid_months(2026, unit_a, dan, range(1, 7))
    _paid_months(2026, unit_b, dan, range(1, 7))
    refresh.refresh_years([2025, 2026])
    # the whole municipality: Cilla's two units add up to 10 months, Dan's months count once
    assert _long_term_cells("2026") == ((2, 0, 2), (2, 2, 4))
    # one unit sees only its own months
    assert _long_term_cells("2026", unit_a) == ((1, 0, 1), (2, 2, 4))
    assert _long_term_cells("2026", unit_b) == ((0, 0, 0), (1, 1, 2))
    # the window ends with the period's last month: by June, nobody has had 10 months
    assert _long_term_cells("2026-Q2") == ((0, 0, 0), (2, 2, 4))


def test_long_term_windows_that_reach_into_an_earlier_year_follow_its_refresh(unit_a):
    from tests.cases.factories import person

    eva = person("Eva", "Ek", date(1980, 1, 5), "F")
    _paid_months(2026, unit_a, eva, [1, 2, 3])
    refresh.refresh_years([2025, 2026])
    assert _long_term_cells("2026-03") == ((0, 0, 0), (1, 0, 1))
    _paid_months(2025, unit_a, eva, range(6, 13))  # June–December 2025 come in later
    refresh.refresh_year(2025)  # only the earlier year: March 2026's window follows
    assert _long_term_cells("2026-03") == ((1, 0, 1), (1, 0, 1))


def test_a_full_refresh_covers_a_year_with_only_meetings(unit_a, alice):
    case, woman, _man, _ = couple_case(unit_a, case_worker=alice, since=date(2026, 1, 1))
    Meeting.objects.create(case=case, held_on=date(2019, 5, 5), kind="individual",
                           created_by=alice).participants.set([woman])
    assert 2019 in refresh.years_with_data()
    refresh.refresh_years(refresh.years_with_data())
    table = build_report(period=parse_period("2019-05-01..2019-05-31"), threshold=1).figure("meetings").tables[0]
    assert table.row("Enskilda möten").cells == (1, 0, 1)


def test_exception_reasons_follow_the_language(paid_month):
    from django.utils import translation

    with translation.override("en"):
        exceptions = build_report(period=DECEMBER, threshold=1).figure("couples").tables[1]
        assert exceptions.row("Other special reason (särskilt skäl)").cells == (1, 0, 1)
    with translation.override("sv"):
        exceptions = build_report(period=DECEMBER, threshold=1).figure("couples").tables[1]
        assert exceptions.row("Annat särskilt skäl").cells == (1, 0, 1)


@pytest.mark.parametrize(("period", "women", "men", "kronor"), [
    ("2025-11-01..2026-02-28", 2, 1, (3 + 2 + 1) * 100),  # across the turn of the year: each person once
    ("2026", 2, 1, (1 + 2 + 2) * 100),  # one year: Frida's 2025 months are outside
    ("2025-Q4", 1, 0, 2 * 100),
    ("2026-03", 0, 1, 100),
])
def test_recipients_of_a_period_count_each_person_once_over_the_years_it_spans(unit_a, unit_b, period, women,
                                                                               men, kronor):
    from tests.cases.factories import person

    frida = person("Frida", "Ek", date(1980, 1, 6), "F")  # Nov–Dec 2025 and Jan 2026
    gun = person("Gun", "Ek", date(1980, 1, 7), "F")  # January 2026 in two units
    hans = person("Hans", "Ek", date(1980, 1, 8), "M")  # February and March 2026
    _paid_months(2025, unit_a, frida, [11, 12])
    _paid_months(2026, unit_a, frida, [1])
    _paid_months(2026, unit_a, gun, [1])
    _paid_months(2026, unit_b, gun, [1])
    _paid_months(2026, unit_b, hans, [2, 3])
    refresh.refresh_years([2025, 2026])
    table = build_report(period=parse_period(period), threshold=1).figure("paid").tables[0]
    assert table.row("Personer som fått utbetalt").cells == (women, men, women + men)
    assert table.row("Utbetalt").cells[2] == kronor * 100


def test_the_report_says_when_the_oldest_of_its_years_was_refreshed(unit_a):
    refresh.refresh_years([2025, 2026])
    older, newer = _noon(date(2026, 11, 1)), _noon(date(2026, 11, 2))
    Refresh.objects.filter(year=2025).update(refreshed_at=older)
    Refresh.objects.filter(year=2026).update(refreshed_at=newer)
    assert build_report(period=parse_period("2025-11-01..2026-02-28")).data_as_of == older
    assert build_report(period=parse_period("2026")).data_as_of == newer  # 2025 is read too, but is not the period
    assert Refresh.objects.filter(refreshed_at__in=[older, newer]).count() == 2  # nothing refreshed again
