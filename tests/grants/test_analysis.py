"""The 3R selectors on SQLite and PostgreSQL, with figures worked out by hand
(tests/grants/analysis_data.py), and the distinct people stored with an application."""

from fractions import Fraction

import pytest
from django.db import connection

from lika.core import grants as rules
from lika.core import three_r
from lika.core.grant_people import people_by_cell
from lika.grants import analysis
from tests.grants import analysis_data
from tests.grants.helpers import RULES


@pytest.fixture
def data(admin_user):
    return analysis_data.build(admin_user)


def _cells(rows, group, year, attribute):
    return {(r.gender, r.age_band): getattr(r, attribute) for r in rows
            if r.group == group and r.year == year and getattr(r, attribute)}


def test_counts_money_and_people_by_programme_year_gender_and_band(data):
    giver, _activity, _premises = data
    rows = analysis.activity_rows(giver, [2025, 2026])
    assert _cells(rows, "Aktivitetsbidrag", 2026, "participants") == {("K", "7-12"): 10, ("M", "7-12"): 20}
    assert _cells(rows, "Aktivitetsbidrag", 2026, "leaders") == {("K", "26+"): 1, ("M", "26+"): 2}
    assert _cells(rows, "Aktivitetsbidrag", 2026, "occasions") == {("K", "7-12"): 200, ("M", "7-12"): 400}
    assert _cells(rows, "Aktivitetsbidrag", 2026, "money_ore") == {("K", "7-12"): 200000, ("M", "7-12"): 320000}
    assert _cells(rows, "Aktivitetsbidrag", 2025, "participants") == {("K", "7-12"): 5, ("M", "7-12"): 15}


def test_one_query_per_figure(data, django_assert_num_queries):
    giver, _activity, _premises = data
    with django_assert_num_queries(1):
        analysis.activity_rows(giver, range(2016, 2027))
    with django_assert_num_queries(1):
        analysis.board_rows(giver, range(2016, 2027))


def test_board_members_of_the_associations_that_applied(data):
    giver, _activity, _premises = data
    rows = analysis.board_rows(giver, [2025, 2026])
    assert _cells(rows, "Aktivitetsbidrag", 2026, "board_members") == {
        ("K", "18+"): 1, ("K", "0-17"): 1, ("M", "18+"): 2}
    assert _cells(rows, "Lokalbidrag", 2026, "board_members") == {("K", "18+"): 1, ("K", "0-17"): 1, ("M", "18+"): 1}
    # Erik sat on FK Annan's board in 2025, when FK Annan did not apply
    assert _cells(rows, "Aktivitetsbidrag", 2025, "board_members") == {}


def test_premises_hours_split_over_the_members(data):
    giver, _activity, _premises = data
    rows = analysis.premises_rows(giver, [2026])
    assert _cells(rows, "Lokalbidrag", 2026, "premises_hours") == {("K", "7-12"): 75, ("M", "7-12"): 25}
    assert analysis.unattributed_money(giver, [2026]) == {("Lokalbidrag", 2026): 500000}


def test_the_report_worked_out_by_hand(data):
    giver, _activity, _premises = data
    reports = analysis.reports(analysis.aggregates(giver, [2025, 2026]))
    report = reports[("Aktivitetsbidrag", 2026)]
    resources = report.resources
    assert report.representation.participants == three_r.ByGender(10, 20, 0)
    assert resources.money_ore == three_r.ByGender(200000, 320000, 0)
    assert resources.participant_share["K"] == Fraction(1, 3)
    assert resources.money_share["K"] == Fraction(5, 13)
    assert resources.gap_points["K"] == Fraction(200, 39)
    assert not resources.flagged
    assert resources.girls.per_participant == 20000 and resources.boys.per_participant == 16000
    assert resources.girls.per_occasion == 1000 and resources.boys.per_occasion == 800
    change = three_r.year_over_year([reports[("Aktivitetsbidrag", 2025)], report])[0]
    assert change.participants == three_r.ByGender(5, 5, 0)
    assert change.gap_points["K"] == Fraction(200, 39)


def test_people_by_cell_counts_distinct_people_of_counted_occasions():
    programme = rules.parse_programme({"name": "P", "versions": [RULES]})
    from datetime import date

    def occasion(day, minutes, people):
        return rules.Occasion(date(2026, 3, day), "G", minutes, tuple(rules.Participant(*p) for p in people))
    kids = [("1", 2017, "F"), ("2", 2016, "F"), ("3", 2016, "M")]
    occasions = [
        occasion(1, 60, [*kids, ("L", 1990, "F", True)]),
        occasion(8, 60, [*kids, ("L", 1990, "F", True), ("4", 2010, "M")]),  # 4: 16 years, 13-25
        occasion(15, 45, [("5", 2016, "M"), *kids, ("L", 1990, "F", True)]),  # too short: 5 not counted
    ]
    assert people_by_cell(programme, occasions) == {
        ("F", "7-12"): (2, 0), ("M", "7-12"): (1, 0), ("M", "13-25"): (1, 0), ("F", "26+"): (0, 1)}


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_runs_on_postgresql(data):
    assert connection.vendor == "postgresql"


@pytest.mark.django_db  # the threshold is a municipality setting (issue 17)
def test_board_members_by_band_are_protected_on_their_own():
    from lika.core.disclosure import SUPPRESSED
    from lika.grants.analysis_pages import _board_by_band

    class P:
        name = "P"

    rows = [three_r.Aggregate("P", 2026, "K", "18+", board_members=6), three_r.Aggregate("P", 2026, "M", "18+",
                                                                                        board_members=7),
            three_r.Aggregate("P", 2026, "K", "0-17", board_members=2), three_r.Aggregate("Q", 2026, "M", "18+",
                                                                                        board_members=9)]
    table = _board_by_band(rows, P, 2026)
    assert [r.label for r in table.rows] == ["0-17", "18+"]
    assert table.cell("0-17", "K") is SUPPRESSED  # 2 girls on the board: hidden
    assert table.cell("18+", "M") == 7
    assert table.cell("18+", "K") is SUPPRESSED  # else the women's total 8 would give the 2 away


def test_a_decided_application_counts_the_granted_money_in_proportion(data):
    """IK Exempel's 2026 application: 1 200 + 1 440 kr in its cells, 2 640 kr applied;
    partly granted 1 320 kr (half): its cells get 600 and 720 kr. FK Annan is undecided and
    keeps its computed 800 + 1 760 kr; once refused, it gives 0."""
    from lika.grants import handling
    from lika.grants.models import GrantApplication, ProgrammeBudget
    from tests.conftest import _user

    giver, activity, _premises = data
    officer = _user("bidrag1", "grants_officer", None, "Greta", "Handläggare")
    ProgrammeBudget.objects.create(programme=activity, year=2026, amount=10**9)
    ik = GrantApplication.objects.get(association__name="IK Exempel", programme=activity, year=2026)
    assert ik.total == 264000
    handling.decision_make(acting_user=officer, application_id=ik.pk, outcome="partly", amount=132000,
                           reasons="Budgeten räcker till hälften.")
    rows = analysis.activity_rows(giver, [2026])
    assert _cells(rows, "Aktivitetsbidrag", 2026, "money_ore") == {("K", "7-12"): 60000 + 80000,
                                                                   ("M", "7-12"): 72000 + 176000}
    fk = GrantApplication.objects.get(association__name="FK Annan", programme=activity, year=2026,
                                      status="submitted")
    handling.decision_make(acting_user=officer, application_id=fk.pk, outcome="refused", reasons="Fel program.")
    rows = analysis.activity_rows(giver, [2026])
    assert _cells(rows, "Aktivitetsbidrag", 2026, "money_ore") == {("K", "7-12"): 60000, ("M", "7-12"): 72000}
